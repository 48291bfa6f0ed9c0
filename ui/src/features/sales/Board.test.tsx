import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Board as BoardData, type Card, type Moved, type Stage } from "../../lib/api";
import { todayIso } from "./deals";
import { formatMoney } from "../../lib/format";
import { Board } from "./Board";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      team: { list: vi.fn(async () => []) },
      tags: vi.fn(async () => []),
      pipelines: {
        list: vi.fn(async () => [{ id: "p1", name: "Sales", stages: [] }]),
        lostReasons: vi.fn(async () => [
          { id: "r1", name: "Price too high" },
          { id: "r2", name: "Went with a competitor" },
        ]),
      },
      deals: { board: vi.fn(), move: vi.fn() },
      undo: vi.fn(async () => "ok"),
    },
  };
});

const stage = (id: string, name: string, kind: Stage["kind"], probability: number, checklist: Stage["checklist"] = []): Stage => ({
  id,
  pipeline_id: "p1",
  name,
  position: 0,
  kind,
  probability,
  rotting_days: 14,
  checklist,
  deal_count: 0,
});

const eur = (amount_minor: number) => ({ amount_minor, currency: "EUR" });
const card = (id: string, name: string, over: Partial<Card> = {}): Card => ({
  id,
  name,
  account_name: "Acme",
  amount: eur(500000),
  probability: 10,
  expected_close: "2099-01-15",
  owner_name: "Grace Hopper",
  days_in_stage: 3,
  rotting: false,
  last_activity_at: null,
  closed_on: null,
  ...over,
});

const lead = stage("s-lead", "Lead", "open", 10);
const proposal = stage("s-prop", "Proposal sent", "open", 50, [
  { kind: "task", subject: "Send pricing", due_in_days: 1 },
  { kind: "call", subject: "Follow-up call", due_in_days: 5 },
]);
const won = stage("s-won", "Won", "won", 100);
const lost = stage("s-lost", "Lost", "lost", 0);

const fixture: BoardData = {
  pipeline_id: "p1",
  pipeline_name: "Sales",
  open: { count: 103, amount: [eur(1234567), { amount_minor: 99900, currency: "USD" }], weighted: [eur(223456)] },
  columns: [
    {
      stage: lead,
      // 102 deals in all; the API sent only the first ones.
      totals: { count: 102, amount: [eur(1134567), { amount_minor: 99900, currency: "USD" }], weighted: [eur(113457)] },
      cards: [card("d1", "Acme rollout", { rotting: true, days_in_stage: 21 }), card("d2", "Old deal", { expected_close: "2001-02-03" })],
    },
    { stage: proposal, totals: { count: 1, amount: [eur(100000)], weighted: [eur(50000)] }, cards: [card("d3", "Globex pilot", { amount: eur(100000) })] },
    { stage: won, totals: { count: 0, amount: [], weighted: [] }, cards: [] },
    { stage: lost, totals: { count: 0, amount: [], weighted: [] }, cards: [] },
  ],
};

const moved = (batch: string): Moved => ({ opportunity: {} as Moved["opportunity"], suggested: [], created: [], batch_id: batch });

function renderBoard() {
  const location = memoryLocation({ path: "/deals", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <Board />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

async function openMoveMenu(dealName: string) {
  const cardEl = (await screen.findByText(dealName)).closest("[data-testid='deal-card']") as HTMLElement;
  await userEvent.click(within(cardEl).getByTestId("card-move"));
  return within(cardEl).getByTestId("card-move-menu");
}

describe("the pipeline board", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.mocked(api.deals.board).mockResolvedValue(fixture);
    vi.mocked(api.deals.move).mockClear();
    vi.mocked(api.undo).mockClear();
  });

  it("shows one column per stage with the exact totals from the API", async () => {
    renderBoard();
    const columns = await screen.findAllByTestId("board-column");
    expect(columns.map((c) => c.getAttribute("data-stage"))).toEqual(["Lead", "Proposal sent", "Won", "Lost"]);
    const leadCol = columns[0] as HTMLElement;
    expect(within(leadCol).getByTestId("column-count")).toHaveTextContent("102");
    expect(within(leadCol).getByTestId("column-total")).toHaveTextContent(
      `${formatMoney(eur(1134567))} · ${formatMoney({ amount_minor: 99900, currency: "USD" })}`,
    );
    expect(within(leadCol).getByTestId("column-weighted")).toHaveTextContent(formatMoney(eur(113457)));
    expect(within(leadCol).getByTestId("column-more")).toHaveTextContent("+ 100 more");
    expect(within(leadCol).getByTestId("column-more")).toHaveAttribute("href", "/deals/list?stage=s-lead");
    expect(screen.getByTestId("board-summary")).toHaveTextContent("103 open deals");
    expect(screen.getByTestId("board-summary")).toHaveTextContent(formatMoney(eur(223456)));
    // Rotting and overdue markers.
    const rotting = screen.getByText("Acme rollout").closest("article") as HTMLElement;
    expect(rotting).toHaveClass("rotting");
    expect(rotting).toHaveAttribute("title", "No activity for 21 days");
    const old = screen.getByText("Old deal").closest("article") as HTMLElement;
    expect(within(old).getByTestId("close-overdue")).toBeInTheDocument();
  });

  it("moves a card with the Move to… menu and offers Undo", async () => {
    vi.mocked(api.deals.move).mockResolvedValueOnce(moved("b1"));
    renderBoard();
    const menu = await openMoveMenu("Acme rollout");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Proposal sent" }));
    // Proposal has a checklist: asked first, in one call.
    const dialog = await screen.findByTestId("checklist-dialog");
    expect(dialog).toHaveTextContent("Create these 2 tasks?");
    expect(dialog).toHaveTextContent("Send pricing");
    await userEvent.click(within(dialog).getByTestId("checklist-confirm"));
    await waitFor(() =>
      expect(api.deals.move).toHaveBeenCalledWith("d1", {
        stage: "s-prop",
        lost_reason: null,
        lost_note: null,
        closed_on: null,
        create_suggested: true,
      }),
    );
    const toast = await screen.findByText(/Moved Acme rollout to Proposal sent/);
    await userEvent.click(within(toast.closest("[data-testid='toast']") as HTMLElement).getByTestId("toast-action"));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("b1"));
  });

  it("moves straight to a stage without a checklist, and can skip the tasks", async () => {
    vi.mocked(api.deals.move).mockResolvedValueOnce(moved("b2"));
    renderBoard();
    const menu = await openMoveMenu("Globex pilot");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Lead" }));
    await waitFor(() =>
      expect(api.deals.move).toHaveBeenCalledWith("d3", expect.objectContaining({ stage: "s-lead", create_suggested: false })),
    );
    expect(screen.queryByTestId("checklist-dialog")).not.toBeInTheDocument();
  });

  it("asks why a deal was lost and refuses to go on without a reason", async () => {
    vi.mocked(api.deals.move).mockResolvedValueOnce(moved("b3"));
    renderBoard();
    const menu = await openMoveMenu("Acme rollout");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Lost" }));
    const dialog = await screen.findByTestId("lost-dialog");
    await userEvent.click(within(dialog).getByTestId("lost-confirm"));
    expect(await within(dialog).findByText("Choose why the deal was lost.")).toBeInTheDocument();
    expect(api.deals.move).not.toHaveBeenCalled();
    await userEvent.selectOptions(within(dialog).getByTestId("lost-reason"), "r1");
    await userEvent.type(within(dialog).getByRole("textbox"), "Budget cut");
    await userEvent.click(within(dialog).getByTestId("lost-confirm"));
    await waitFor(() =>
      expect(api.deals.move).toHaveBeenCalledWith("d1", {
        stage: "s-lost",
        lost_reason: "r1",
        lost_note: "Budget cut",
        closed_on: todayIso(),
        create_suggested: false,
      }),
    );
    expect(screen.queryByTestId("lost-dialog")).not.toBeInTheDocument();
  });

  it("asks for the won date and sends it", async () => {
    vi.mocked(api.deals.move).mockResolvedValueOnce(moved("b4"));
    renderBoard();
    const menu = await openMoveMenu("Globex pilot");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Won" }));
    const dialog = await screen.findByTestId("won-dialog");
    const date = within(dialog).getByTestId("closed-on");
    expect(date).toHaveValue(todayIso());
    await userEvent.clear(date);
    await userEvent.type(date, "2026-11-20");
    await userEvent.click(within(dialog).getByTestId("won-confirm"));
    await waitFor(() =>
      expect(api.deals.move).toHaveBeenCalledWith("d3", expect.objectContaining({ stage: "s-won", closed_on: "2026-11-20", lost_reason: null })),
    );
  });

  it("puts the card back and says why when the move fails", async () => {
    vi.mocked(api.deals.move).mockRejectedValueOnce(new ApiError({ code: "conflict", message: "the deal was deleted", fields: [] }));
    renderBoard();
    const menu = await openMoveMenu("Globex pilot");
    await userEvent.click(within(menu).getByRole("menuitem", { name: "Lead" }));
    expect(await screen.findByText(/Could not move Globex pilot to Lead: the deal was deleted/)).toBeInTheDocument();
    const prop = screen.getAllByTestId("board-column")[1] as HTMLElement;
    expect(within(prop).getByText("Globex pilot")).toBeInTheDocument();
  });

  it("opens the deal when a card is clicked", async () => {
    const location = renderBoard();
    await userEvent.click(await screen.findByText("Globex pilot"));
    expect(location.history?.at(-1)).toBe("/deals/d3");
  });
});
