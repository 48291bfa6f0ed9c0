import type { Board, Stage } from "../../lib/api";
import { addMoney, barPercent, currenciesOf, dropOutcome, formatTotals, isPast, moveCard, todayIso, weigh } from "./deals";

const stage = (id: string, kind: Stage["kind"], checklist: Stage["checklist"] = [], probability = 50): Stage => ({
  id,
  pipeline_id: "p",
  name: id,
  position: 0,
  kind,
  probability,
  rotting_days: null,
  checklist,
  deal_count: 0,
});

describe("dropOutcome", () => {
  const task = { kind: "task" as const, subject: "Send pricing", due_in_days: 2 };
  it("does nothing on the same stage", () => {
    expect(dropOutcome("a", stage("a", "open"))).toEqual({ kind: "none" });
  });
  it("moves straight to an open stage without a checklist", () => {
    expect(dropOutcome("a", stage("b", "open"))).toEqual({ kind: "move" });
  });
  it("asks about the checklist of an open stage", () => {
    expect(dropOutcome("a", stage("b", "open", [task, task]))).toEqual({ kind: "checklist", tasks: 2 });
  });
  it("asks for the close date on Won and the reason on Lost", () => {
    expect(dropOutcome("a", stage("w", "won"))).toEqual({ kind: "won", tasks: 0 });
    expect(dropOutcome("a", stage("l", "lost", [task]))).toEqual({ kind: "lost", tasks: 1 });
  });
});

describe("money helpers", () => {
  it("formats totals per currency and a dash when empty", () => {
    expect(formatTotals([])).toBe("—");
    const text = formatTotals([
      { amount_minor: 123450, currency: "EUR" },
      { amount_minor: 500, currency: "USD" },
    ]);
    expect(text).toContain("1,234.50");
    expect(text).toContain("5.00");
    expect(text).toContain(" · ");
  });
  it("adds and subtracts in minor units without floats", () => {
    const a = addMoney([{ amount_minor: 10, currency: "EUR" }], { amount_minor: 20, currency: "EUR" });
    expect(a).toEqual([{ amount_minor: 30, currency: "EUR" }]);
    expect(addMoney(a, { amount_minor: 5, currency: "USD" }, -1)).toEqual([
      { amount_minor: 30, currency: "EUR" },
      { amount_minor: -5, currency: "USD" },
    ]);
    expect(weigh({ amount_minor: 333, currency: "EUR" }, 50)).toEqual({ amount_minor: 167, currency: "EUR" });
  });
  it("lists currencies most used first and scales bars", () => {
    expect(currenciesOf([[{ amount_minor: 1, currency: "USD" }], [{ amount_minor: 1, currency: "EUR" }, { amount_minor: 1, currency: "USD" }]])).toEqual(["USD", "EUR"]);
    expect(barPercent(0, 10)).toBe(0);
    expect(barPercent(1, 1000)).toBe(1);
    expect(barPercent(5, 10)).toBe(50);
  });
});

describe("dates", () => {
  it("knows past days", () => {
    const today = todayIso(new Date(2026, 10, 23));
    expect(today).toBe("2026-11-23");
    expect(isPast("2026-11-22", today)).toBe(true);
    expect(isPast("2026-11-23", today)).toBe(false);
    expect(isPast(null, today)).toBe(false);
  });
});

describe("moveCard", () => {
  it("moves a card between columns and keeps counts and sums consistent", () => {
    const card = {
      id: "d1",
      name: "Deal",
      account_name: null,
      amount: { amount_minor: 10000, currency: "EUR" },
      probability: 10,
      expected_close: null,
      owner_name: null,
      days_in_stage: 4,
      rotting: true,
      last_activity_at: null,
      closed_on: null,
    };
    const board: Board = {
      pipeline_id: "p",
      pipeline_name: "Sales",
      open: { count: 1, amount: [], weighted: [] },
      columns: [
        { stage: stage("a", "open", [], 10), totals: { count: 3, amount: [{ amount_minor: 30000, currency: "EUR" }], weighted: [{ amount_minor: 3000, currency: "EUR" }] }, cards: [card] },
        { stage: stage("b", "open", [], 50), totals: { count: 0, amount: [], weighted: [] }, cards: [] },
      ],
    };
    const next = moveCard(board, "d1", "b");
    expect(next.columns[0]?.cards).toEqual([]);
    expect(next.columns[0]?.totals).toEqual({
      count: 2,
      amount: [{ amount_minor: 20000, currency: "EUR" }],
      weighted: [{ amount_minor: 2000, currency: "EUR" }],
    });
    expect(next.columns[1]?.cards[0]).toMatchObject({ id: "d1", probability: 50, days_in_stage: 0, rotting: false });
    expect(next.columns[1]?.totals).toEqual({
      count: 1,
      amount: [{ amount_minor: 10000, currency: "EUR" }],
      weighted: [{ amount_minor: 5000, currency: "EUR" }],
    });
  });
});
