import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api, type ConversionPlan, type Converted, type Lead } from "../../lib/api";
import { ConvertDialog } from "./ConvertDialog";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      leads: { conversionPlan: vi.fn(), convert: vi.fn() },
      pipelines: {
        list: vi.fn(async () => [
          {
            id: "p1",
            name: "Sales",
            stages: [
              { id: "s1", pipeline_id: "p1", name: "Prospecting", position: 0, kind: "open", probability: 10, rotting_days: null, checklist: [], deal_count: 0 },
              { id: "s2", pipeline_id: "p1", name: "Qualification", position: 1, kind: "open", probability: 25, rotting_days: null, checklist: [], deal_count: 0 },
              { id: "s9", pipeline_id: "p1", name: "Won", position: 9, kind: "won", probability: 100, rotting_days: null, checklist: [], deal_count: 0 },
            ],
          },
        ]),
      },
      undo: vi.fn(async () => "ok"),
    },
  };
});

const lead = { id: "l1", name: "Ada Lovelace", company: "Acme Rockets" } as Lead;

const plan: ConversionPlan = {
  lead,
  account_name: "Acme Rockets",
  first_name: "Ada",
  last_name: "Lovelace",
  accounts: [{ id: "a9", name: "ACME Rockets GmbH", reason: "same e-mail domain" }],
  contacts: [{ id: "c7", name: "Ada Lovelace", reason: "same e-mail" }],
  opportunity_name: "Acme Rockets – Ada Lovelace",
  amount: { amount_minor: 500000, currency: "EUR" },
  activities: 2,
};

const converted = (over: Partial<Converted> = {}): Converted => ({
  lead,
  account_id: "a1",
  account_created: true,
  contact_id: "c1",
  contact_created: true,
  opportunity_id: null,
  activities_moved: 2,
  batch_id: "b1",
  ...over,
});

function renderDialog() {
  const location = memoryLocation({ path: "/leads/l1", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const onClose = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <ConvertDialog leadId="l1" onClose={onClose} />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { location, onClose };
}

describe("the convert dialog", () => {
  beforeEach(() => {
    vi.mocked(api.leads.conversionPlan).mockResolvedValue(plan);
    vi.mocked(api.leads.convert).mockReset();
  });

  it("is prefilled from the plan and says how many activities move", async () => {
    renderDialog();
    expect(await screen.findByTestId("convert-account-name")).toHaveValue("Acme Rockets");
    expect(screen.getByTestId("convert-first-name")).toHaveValue("Ada");
    expect(screen.getByTestId("convert-last-name")).toHaveValue("Lovelace");
    expect(screen.getByTestId("convert-dialog")).toHaveTextContent("same e-mail domain");
    expect(screen.getByTestId("convert-activities")).toHaveTextContent("2 activities");
    expect(screen.getByTestId("convert-create-deal")).not.toBeChecked();
    await userEvent.click(screen.getByTestId("convert-create-deal"));
    expect(screen.getByTestId("convert-deal-name")).toHaveValue("Acme Rockets – Ada Lovelace");
    expect(screen.getByTestId("convert-deal-amount")).toHaveValue("5000.00");
  });

  it("sends the picked account and contact by id, and no deal when the box is not ticked", async () => {
    vi.mocked(api.leads.convert).mockResolvedValueOnce(converted({ account_id: "a9", contact_id: "c7", account_created: false, contact_created: false }));
    const { location, onClose } = renderDialog();
    await userEvent.click(await screen.findByTestId("convert-account-suggestion"));
    await userEvent.click(screen.getByTestId("convert-contact-suggestion"));
    await userEvent.click(screen.getByTestId("convert-submit"));
    await waitFor(() =>
      expect(api.leads.convert).toHaveBeenCalledWith("l1", {
        account_id: "a9",
        account_name: null,
        no_account: false,
        contact_id: "c7",
        first_name: null,
        last_name: null,
        opportunity: null,
      }),
    );
    await waitFor(() => expect(location.history?.at(-1)).toBe("/contacts/c7"));
    expect(onClose).toHaveBeenCalled();
    expect(await screen.findByText("Converted Ada Lovelace")).toBeInTheDocument();
  });

  it("creates a deal only when the box is ticked, and lands on it", async () => {
    vi.mocked(api.leads.convert).mockResolvedValueOnce(converted({ opportunity_id: "o1" }));
    const { location } = renderDialog();
    const name = await screen.findByTestId("convert-account-name");
    await userEvent.clear(name);
    await userEvent.type(name, "Acme Rockets AG");
    await userEvent.click(screen.getByTestId("convert-create-deal"));
    const amount = screen.getByTestId("convert-deal-amount");
    await userEvent.clear(amount);
    await userEvent.type(amount, "1234.50");
    await userEvent.selectOptions(await screen.findByTestId("convert-deal-stage"), "s2");
    await userEvent.click(screen.getByTestId("convert-submit"));
    await waitFor(() => expect(api.leads.convert).toHaveBeenCalledTimes(1));
    const [, input] = vi.mocked(api.leads.convert).mock.calls[0] as [string, Parameters<typeof api.leads.convert>[1]];
    expect(input).toMatchObject({
      account_id: null,
      account_name: "Acme Rockets AG",
      no_account: false,
      contact_id: null,
      first_name: "Ada",
      last_name: "Lovelace",
    });
    expect(input.opportunity).toMatchObject({
      name: "Acme Rockets – Ada Lovelace",
      amount: { amount: "1234.50", currency: "EUR" },
      pipeline_id: "p1",
      stage_id: "s2",
      probability: null,
    });
    await waitFor(() => expect(location.history?.at(-1)).toBe("/deals/o1"));
  });

  it("sends no account when asked", async () => {
    vi.mocked(api.leads.convert).mockResolvedValueOnce(converted({ account_id: null }));
    renderDialog();
    await userEvent.click(await screen.findByTestId("convert-account-none"));
    await userEvent.click(screen.getByTestId("convert-submit"));
    await waitFor(() => expect(api.leads.convert).toHaveBeenCalledWith("l1", expect.objectContaining({ account_id: null, account_name: null, no_account: true })));
  });
});
