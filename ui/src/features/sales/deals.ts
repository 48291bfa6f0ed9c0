// Pure helpers of the deals screens: what a drop means, totals as text, exact money sums.
import type { Board, Card, Money, Stage } from "../../lib/api";
import { formatMoney } from "../../lib/format";

/** What has to be asked before a deal moves to `target`. */
export type DropOutcome =
  | { kind: "none" }
  | { kind: "move" }
  | { kind: "checklist"; tasks: number }
  | { kind: "won"; tasks: number }
  | { kind: "lost"; tasks: number };

/** A drop of a deal now in `fromStageId` onto `target`. */
export function dropOutcome(fromStageId: string | null, target: Stage): DropOutcome {
  if (fromStageId === target.id) return { kind: "none" };
  const tasks = target.checklist.length;
  if (target.kind === "won") return { kind: "won", tasks };
  if (target.kind === "lost") return { kind: "lost", tasks };
  return tasks > 0 ? { kind: "checklist", tasks } : { kind: "move" };
}

/** Amounts per currency as text: "€1,200.00 · $300.00", or "—" when empty. */
export function formatTotals(list: Money[], locale?: string): string {
  const shown = list.filter((m) => m.amount_minor !== 0);
  if (shown.length === 0) return list.length ? formatMoney(list[0] as Money, locale) : "—";
  return shown.map((m) => formatMoney(m, locale)).join(" · ");
}

/** `list` with `m` added (or subtracted, sign -1), per currency, in integer minor units. */
export function addMoney(list: Money[], m: Money | null, sign: 1 | -1 = 1): Money[] {
  if (!m) return list;
  const found = list.some((x) => x.currency === m.currency);
  const next = list.map((x) =>
    x.currency === m.currency ? { ...x, amount_minor: x.amount_minor + sign * m.amount_minor } : x,
  );
  return found ? next : [...next, { amount_minor: sign * m.amount_minor, currency: m.currency }];
}

/** amount × percent, rounded to the minor unit (integer arithmetic). */
export function weigh(m: Money, percent: number): Money {
  return { amount_minor: Math.round((m.amount_minor * percent) / 100), currency: m.currency };
}

/** The board with `cardId` moved to `toStageId` at the top, counts and sums adjusted. */
export function moveCard(board: Board, cardId: string, toStageId: string): Board {
  let card: Card | undefined;
  for (const col of board.columns) card ??= col.cards.find((c) => c.id === cardId);
  if (!card) return board;
  const moving = card;
  const target = board.columns.find((c) => c.stage.id === toStageId);
  if (!target) return board;
  const probability = target.stage.kind === "won" ? 100 : target.stage.kind === "lost" ? 0 : target.stage.probability;
  const moved: Card = { ...moving, probability, days_in_stage: 0, rotting: false };
  return {
    ...board,
    columns: board.columns.map((col) => {
      const had = col.cards.some((c) => c.id === cardId);
      if (col.stage.id === toStageId && !had) {
        return {
          ...col,
          cards: [moved, ...col.cards],
          totals: {
            count: col.totals.count + 1,
            amount: addMoney(col.totals.amount, moving.amount),
            weighted: addMoney(col.totals.weighted, moving.amount && weigh(moving.amount, probability)),
          },
        };
      }
      if (had && col.stage.id !== toStageId) {
        return {
          ...col,
          cards: col.cards.filter((c) => c.id !== cardId),
          totals: {
            count: col.totals.count - 1,
            amount: addMoney(col.totals.amount, moving.amount, -1),
            weighted: addMoney(col.totals.weighted, moving.amount && weigh(moving.amount, moving.probability), -1),
          },
        };
      }
      return col;
    }),
  };
}

/** Today as YYYY-MM-DD in local time. */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** Whether a YYYY-MM-DD date lies before today. */
export function isPast(date: string | null, today: string = todayIso()): boolean {
  return Boolean(date) && (date as string) < today;
}

/** "Nov 2026" for "2026-11". */
export function formatMonth(month: string, locale?: string): string {
  const d = new Date(`${month}-01T12:00:00`);
  if (Number.isNaN(d.getTime())) return month;
  return d.toLocaleDateString(locale, { month: "short", year: "numeric" });
}

/** "Nov 26" for "2026-11": short enough for a chart axis. */
export function formatMonthShort(month: string, locale?: string): string {
  const d = new Date(`${month}-01T12:00:00`);
  if (Number.isNaN(d.getTime())) return month;
  return d.toLocaleDateString(locale, { month: "short", year: "2-digit" });
}

/** The largest amount_minor of one currency in a set of lists (for bar scales). */
export function maxOf(lists: Money[][], currency: string): number {
  let max = 0;
  for (const list of lists) for (const m of list) if (m.currency === currency) max = Math.max(max, m.amount_minor);
  return max;
}

/** Every currency in the lists, most used first. */
export function currenciesOf(lists: Money[][]): string[] {
  const seen = new Map<string, number>();
  for (const list of lists) for (const m of list) seen.set(m.currency, (seen.get(m.currency) ?? 0) + 1);
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

/** A width in percent for a bar: 0 stays 0, anything else at least 1. */
export function barPercent(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.round((value / max) * 100));
}

export const ROLES = ["Decision maker", "Influencer", "Champion", "User", "Blocker", "Buyer"];

const LAST_CURRENCY = "rapport.deals.currency";

export function lastCurrency(): string {
  try {
    return localStorage.getItem(LAST_CURRENCY) || "EUR";
  } catch {
    return "EUR";
  }
}

export function rememberCurrency(currency: string): void {
  try {
    if (/^[A-Z]{3}$/.test(currency)) localStorage.setItem(LAST_CURRENCY, currency);
  } catch {
    /* storage unavailable */
  }
}

/** "1 day" / "5 days". */
export function days(n: number): string {
  return `${n} ${n === 1 ? "day" : "days"}`;
}
