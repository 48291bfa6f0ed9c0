import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Opportunity, type Stage } from "../../lib/api";
import { DealFormPage } from "./DealForm";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      accounts: {
        list: vi.fn(async () => ({ items: [], total: 0, next: null })),
        get: vi.fn(async () => ({ id: "a1", name: "Acme" })),
      },
      contacts: {
        list: vi.fn(async () => ({
          items: [{ id: "c1", first_name: "Ada", last_name: "Lovelace", account_name: "Acme" }],
          total: 1,
          next: null,
        })),
      },
      team: { list: vi.fn(async () => []) },
      fields: { list: vi.fn(async () => []) },
      tags: vi.fn(async () => []),
      pipelines: {
        list: vi.fn(async () => [{ id: "p1", name: "Sales", stages }]),
        lostReasons: vi.fn(async () => [{ id: "r1", name: "Price too high" }]),
      },
      deals: { create: vi.fn(), update: vi.fn(), get: vi.fn() },
    },
  };
});

const stage = (id: string, name: string, kind: Stage["kind"], probability: number): Stage => ({
  id,
  pipeline_id: "p1",
  name,
  position: 0,
  kind,
  probability,
  rotting_days: null,
  checklist: [],
  deal_count: 0,
});
const stages = [stage("s1", "Lead", "open", 10), stage("s2", "Proposal sent", "open", 60), stage("s3", "Won", "won", 100), stage("s4", "Lost", "lost", 0)];

function renderForm(path = "/deals/new") {
  const [p, search] = path.split("?");
  const location = memoryLocation({ path: p as string, searchPath: search, record: true } as Parameters<typeof memoryLocation>[0]);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook} searchHook={location.searchHook}>
          <DealFormPage />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the deal form", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.mocked(api.deals.create).mockClear();
  });

  it("sends the deal as an OpportunityInput: money as text, blank probability as null", async () => {
    vi.mocked(api.deals.create).mockResolvedValueOnce({ id: "d9", name: "Acme rollout", amount: null } as Opportunity);
    const location = renderForm("/deals/new?account=a1");
    expect(await screen.findByText("Acme")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Name"), "Acme rollout");
    await screen.findByRole("option", { name: "Proposal sent (60%)" });
    await userEvent.selectOptions(screen.getByLabelText("Stage"), "s2");
    expect(screen.getByLabelText("Probability (%)")).toHaveAttribute("placeholder", "60 (stage default)");
    await userEvent.type(screen.getByLabelText("Amount"), "12500.50");
    await userEvent.type(screen.getByLabelText("Expected close"), "2026-12-15");
    await userEvent.type(screen.getByLabelText("Products"), "Licences{Enter}Training{Enter}");
    await userEvent.type(screen.getByLabelText("Next step"), "Send the quote");
    await userEvent.type(screen.getByTestId("contact-search"), "Ada");
    await userEvent.click(await screen.findByTestId("contact-option"));
    await userEvent.type(screen.getByLabelText("Role of Ada Lovelace"), "Champion");
    await userEvent.click(screen.getByRole("button", { name: "Add deal" }));

    await waitFor(() => expect(location.history?.at(-1)).toBe("/deals/d9"));
    expect(api.deals.create).toHaveBeenCalledWith({
      name: "Acme rollout",
      pipeline_id: null,
      stage_id: "s2",
      account_id: "a1",
      amount: { amount: "12500.50", currency: "EUR" },
      probability: null,
      expected_close: "2026-12-15",
      closed_on: null,
      lost_reason_id: null,
      lost_note: null,
      next_step: "Send the quote",
      source: null,
      campaign_id: null,
      owner_id: null,
      notes: null,
      contacts: [{ contact_id: "c1", name: "Ada Lovelace", role: "Champion" }],
      products: ["Licences", "Training"],
      tags: [],
      custom: {},
    });
  });

  it("sends a typed probability and no amount when the amount is blank", async () => {
    vi.mocked(api.deals.create).mockResolvedValueOnce({ id: "d8", name: "X", amount: null } as Opportunity);
    renderForm();
    await userEvent.type(screen.getByLabelText("Name"), "X");
    await userEvent.type(screen.getByLabelText("Probability (%)"), "35");
    await userEvent.click(screen.getByRole("button", { name: "Add deal" }));
    await waitFor(() => expect(api.deals.create).toHaveBeenCalledWith(expect.objectContaining({ probability: 35, amount: null, account_id: null })));
  });

  it("asks for the lost reason only for a Lost stage", async () => {
    renderForm();
    await screen.findByRole("option", { name: "Lost" });
    expect(screen.queryByLabelText("Lost reason")).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Stage"), "s4");
    expect(screen.getByLabelText("Lost reason")).toBeInTheDocument();
  });

  it("shows each backend message under its field", async () => {
    vi.mocked(api.deals.create).mockRejectedValueOnce(
      new ApiError({
        code: "validation",
        message: "invalid",
        fields: [
          { field: "name", message: "enter a name" },
          { field: "amount.amount", message: '"12,5" is not an amount' },
        ],
      }),
    );
    renderForm();
    await userEvent.type(screen.getByLabelText("Amount"), "12,5");
    await userEvent.click(screen.getByRole("button", { name: "Add deal" }));
    expect(await screen.findByText("enter a name")).toBeInTheDocument();
    expect(screen.getByText('"12,5" is not an amount')).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Amount")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Expected close")).toHaveAttribute("aria-invalid", "false");
  });
});
