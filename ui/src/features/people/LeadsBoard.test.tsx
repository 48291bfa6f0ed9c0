import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Lead, type LeadColumn, type LeadSummary } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { LeadsBoard, moveLead } from "./LeadsBoard";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      leads: { board: vi.fn(), setStatus: vi.fn() },
      undo: vi.fn(async () => "ok"),
    },
  };
});

const eur = (amount_minor: number) => ({ amount_minor, currency: "EUR" });
const summary = (id: string, name: string, over: Partial<LeadSummary> = {}): LeadSummary => ({
  id,
  name,
  company: "Acme",
  email: null,
  phone: null,
  source: "Web form",
  status: "new",
  rating: "hot",
  owner_name: null,
  estimated_value: eur(100000),
  custom: {},
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
  ...over,
});

const columns: LeadColumn[] = [
  { status: "new", count: 12, estimated: [eur(250000), { amount_minor: 9900, currency: "USD" }], cards: [summary("l1", "Ada Lovelace"), summary("l2", "Bob Builder")] },
  { status: "contacted", count: 1, estimated: [eur(100000)], cards: [summary("l3", "Carla Cruz", { status: "contacted" })] },
  { status: "qualified", count: 0, estimated: [], cards: [] },
  { status: "unqualified", count: 0, estimated: [], cards: [] },
  { status: "converted", count: 1, estimated: [], cards: [summary("l4", "Dan Done", { status: "converted" })] },
];

function renderBoard() {
  const location = memoryLocation({ path: "/leads/board", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <LeadsBoard />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the leads board", () => {
  beforeEach(() => {
    vi.mocked(api.leads.board).mockResolvedValue(columns);
    vi.mocked(api.leads.setStatus).mockReset();
  });

  it("shows a column per status with its count and estimated total", async () => {
    renderBoard();
    const cols = await screen.findAllByTestId("lead-column");
    expect(cols.map((c) => c.getAttribute("data-status"))).toEqual(["new", "contacted", "qualified", "unqualified", "converted"]);
    const first = cols[0] as HTMLElement;
    expect(within(first).getByTestId("column-count")).toHaveTextContent("12");
    expect(within(first).getByTestId("column-total")).toHaveTextContent(`${formatMoney(eur(250000))} · ${formatMoney({ amount_minor: 9900, currency: "USD" })}`);
    expect(within(first).getAllByTestId("lead-card")).toHaveLength(2);
    expect(within(first).getByTestId("column-more")).toHaveTextContent("+ 10 more");
    expect(screen.getByTestId("leads-board-summary")).toHaveTextContent("13 open leads");
    // Converted cards cannot be moved: no Move to… menu.
    const converted = cols[4] as HTMLElement;
    expect(within(converted).queryByTestId("card-move")).not.toBeInTheDocument();
    expect(api.leads.board).toHaveBeenCalledWith(expect.objectContaining({ statuses: ["new", "contacted", "qualified", "unqualified", "converted"] }));
  });

  it("moves a lead with the Move to… menu, which offers no Converted", async () => {
    vi.mocked(api.leads.setStatus).mockResolvedValueOnce({} as Lead);
    renderBoard();
    const card = (await screen.findByText("Ada Lovelace")).closest("[data-testid='lead-card']") as HTMLElement;
    await userEvent.click(within(card).getByTestId("card-move"));
    const menu = within(card).getByTestId("card-move-menu");
    expect(within(menu).queryByRole("menuitem", { name: /Converted/ })).not.toBeInTheDocument();
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Qualified" }));
    await waitFor(() => expect(api.leads.setStatus).toHaveBeenCalledWith("l1", "qualified"));
    expect(await screen.findByText("Moved Ada Lovelace to Qualified")).toBeInTheDocument();
  });

  it("moves a card between columns on screen before the backend answers", () => {
    const next = moveLead(columns, "l1", "qualified");
    expect(next[0]?.count).toBe(11);
    expect(next[0]?.cards.map((c) => c.id)).toEqual(["l2"]);
    expect(next[2]?.count).toBe(1);
    expect(next[2]?.cards[0]).toMatchObject({ id: "l1", status: "qualified" });
  });

  it("opens the lead when a card is clicked", async () => {
    const location = renderBoard();
    await userEvent.click(await screen.findByText("Carla Cruz"));
    expect(location.history?.at(-1)).toBe("/leads/l3");
  });
});
