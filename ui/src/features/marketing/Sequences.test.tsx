import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Enrolment, type Sequence } from "../../lib/api";
import { SequenceDetail, SequenceEditPage } from "./Sequences";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      leads: { sources: vi.fn(async () => [{ id: "ls1", name: "Web form", leads: 3 }]) },
      marketing: {
        templates: {
          list: vi.fn(async () => [
            { id: "t1", name: "Welcome", subject: "", body: "", created_at: "", updated_at: "" },
            { id: "t2", name: "Offer", subject: "", body: "", created_at: "", updated_at: "" },
          ]),
        },
        campaigns: { list: vi.fn(async () => []) },
        segments: { list: vi.fn(async () => []) },
        sequences: {
          list: vi.fn(),
          create: vi.fn(),
          update: vi.fn(),
          remove: vi.fn(),
          enrolments: vi.fn(),
          enrollSegment: vi.fn(),
          removeEnrolment: vi.fn(),
        },
      },
    },
  };
});

const q = api.marketing.sequences;

const sequence: Sequence = {
  id: "q1",
  name: "Welcome",
  status: "active",
  enrol_new_leads: false,
  lead_source: null,
  lead_campaign_id: null,
  steps: [
    { position: 1, template_id: "t1", template_name: "Welcome", delay_days: 0 },
    { position: 2, template_id: "t2", template_name: "Offer", delay_days: 3 },
  ],
  active: 1,
  completed: 0,
  stopped: 1,
  created_at: "",
  updated_at: "",
};

const enrolment = (over: Partial<Enrolment>): Enrolment => ({
  id: "e1",
  sequence_id: "q1",
  entity: "leads",
  entity_id: "l1",
  name: "Ann Lead",
  status: "active",
  stop_reason: null,
  next_position: 2,
  next_due_on: "2026-11-26",
  enrolled_on: "2026-11-23",
  ended_at: null,
  ...over,
});

function renderIt(ui: React.ReactNode, path: string) {
  const location = memoryLocation({ path, record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>{ui}</Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("sequences", () => {
  beforeEach(() => {
    vi.mocked(q.list).mockReset().mockResolvedValue([sequence]);
    vi.mocked(q.create).mockReset().mockResolvedValue(sequence);
    vi.mocked(q.enrolments)
      .mockReset()
      .mockResolvedValue([enrolment({}), enrolment({ id: "e2", entity_id: "l2", name: "Bo Replied", status: "stopped", stop_reason: "replied", next_due_on: null })]);
    vi.mocked(q.removeEnrolment).mockReset().mockResolvedValue(null);
  });

  it("builds the ordered steps and saves a SequenceInput", async () => {
    const location = renderIt(<SequenceEditPage />, "/marketing/sequences/new");
    await userEvent.type(screen.getByTestId("sequence-name"), "New lead welcome");
    await waitFor(() => expect(screen.getByTestId("sequence-add-step")).toBeEnabled());
    await userEvent.click(screen.getByTestId("sequence-add-step"));
    await userEvent.click(screen.getByTestId("sequence-add-step"));
    await userEvent.selectOptions(screen.getByTestId("sequence-step-template-1"), "t2");
    await userEvent.clear(screen.getByTestId("sequence-step-delay-1"));
    await userEvent.type(screen.getByTestId("sequence-step-delay-1"), "3");
    expect(screen.getByTestId("sequence-summary")).toHaveTextContent("Day 0 Welcome → +3 days Offer");
    await userEvent.click(screen.getByTestId("sequence-step-up-1"));
    expect(screen.getByTestId("sequence-step-template-0")).toHaveValue("t2");
    await userEvent.click(screen.getByTestId("sequence-enrol-new"));
    await screen.findByRole("option", { name: "Web form" });
    await userEvent.selectOptions(screen.getByTestId("sequence-lead-source"), "Web form");
    await userEvent.click(screen.getByTestId("sequence-save"));
    await waitFor(() =>
      expect(q.create).toHaveBeenCalledWith({
        name: "New lead welcome",
        status: "active",
        enrol_new_leads: true,
        lead_source: "Web form",
        lead_campaign: null,
        steps: [
          { template: "t2", delay_days: 3 },
          { template: "t1", delay_days: 0 },
        ],
      }),
    );
    await waitFor(() => expect(location.history?.at(-1)).toBe("/marketing/sequences/q1"));
  });

  it("lists enrolments with the stop reason in plain words, and removes a running one", async () => {
    renderIt(<SequenceDetail id="q1" />, "/marketing/sequences/q1");
    const rows = await screen.findAllByTestId("enrolment-row");
    expect(rows[0]).toHaveTextContent("Step 2");
    expect(rows[0]).toHaveTextContent("Offer");
    expect(within(rows[1] as HTMLElement).getByTestId("enrolment-stop-reason")).toHaveTextContent("Replied");
    expect(within(rows[1] as HTMLElement).queryByTestId("enrolment-remove")).not.toBeInTheDocument();
    await userEvent.click(within(rows[0] as HTMLElement).getByTestId("enrolment-remove"));
    await waitFor(() => expect(q.removeEnrolment).toHaveBeenCalledWith("q1", "leads", "l1"));
  });
});
