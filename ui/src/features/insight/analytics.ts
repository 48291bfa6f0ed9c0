import type { Cell, PeriodName, ReportScope, ScopeInput, Unit } from "../../lib/api";
import { currencyDigits, formatDate, formatMoney, formatNumber } from "../../lib/format";

/** The periods the dashboard and reports offer, then "custom" (two dates). */
export const PERIODS: { value: PeriodName; label: string }[] = [
  { value: "this_month", label: "This month" },
  { value: "last_month", label: "Last month" },
  { value: "this_quarter", label: "This quarter" },
  { value: "this_year", label: "This year" },
  { value: "last_year", label: "Last year" },
];

/** What the period picker holds: a named period or "custom" with two days, and an owner ("" = everyone). */
export type ScopeState = { period: PeriodName | "custom"; from: string; to: string; owner: string };

export const DEFAULT_SCOPE: ScopeState = { period: "this_month", from: "", to: "", owner: "" };

/** The scope to ask the backend for. A custom period with a missing day is not asked for (null). */
export function toScopeInput(s: ScopeState): ScopeInput | null {
  const owner_id = s.owner || null;
  if (s.period !== "custom") return { period: s.period, from: null, to: null, owner_id, currency: null };
  if (!s.from || !s.to || s.from > s.to) return null;
  return { period: null, from: s.from, to: s.to, owner_id, currency: null };
}

/** "1 Nov 2026 – 30 Nov 2026". */
export function formatRange(scope: Pick<ReportScope, "from" | "to">): string {
  return `${formatDate(scope.from)} – ${formatDate(scope.to)}`;
}

/** "1 h 30 min", "45 min", "2 d 3 h". */
export function formatMinutes(minutes: number): string {
  const m = Math.round(minutes);
  if (Math.abs(m) < 60) return `${m} min`;
  if (Math.abs(m) < 24 * 60) {
    const h = Math.trunc(m / 60);
    const rest = Math.abs(m % 60);
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  const d = Math.trunc(m / (24 * 60));
  const h = Math.round(Math.abs(m % (24 * 60)) / 60);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** A figure or report value for display by its unit: money in `currency` minor units, percent in basis points. */
export function formatValue(value: Cell, unit: Unit, currency: string): string {
  if (value === null || value === "") return "—";
  if (typeof value === "string") return value;
  switch (unit) {
    case "money":
      return formatMoney({ amount_minor: Math.round(value), currency });
    case "percent":
      return `${formatNumber(value / 100, 2)} %`;
    case "days":
      return `${formatNumber(value, 1)} ${value === 1 ? "day" : "days"}`;
    case "minutes":
      return formatMinutes(value);
    case "count":
      return formatNumber(value, 2);
    default:
      return String(value);
  }
}

/** Money in minor units, short for a chart axis ("€12K"). */
export function formatMoneyShort(minor: number, currency: string): string {
  const major = minor / 10 ** currencyDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(major);
  } catch {
    return `${formatNumber(major)} ${currency}`;
  }
}

/** Where a record behind a figure lives in the app. */
export function recordHref(entity: string, id: string): string {
  const base: Record<string, string> = {
    opportunities: "/deals",
    leads: "/leads",
    accounts: "/accounts",
    tickets: "/tickets",
    sales_documents: "/documents",
    contacts: "/contacts",
  };
  return `${base[entity] ?? `/${entity}`}/${id}`;
}

export type ChurnLevel = "low" | "medium" | "high";

/** Below 25 low, below 50 medium, else high. */
export function churnLevel(score: number): ChurnLevel {
  return score < 25 ? "low" : score < 50 ? "medium" : "high";
}


/** The reports, by name, in the order the backend lists them. */
export const REPORTS: { name: string; title: string }[] = [
  { name: "pipeline", title: "Open pipeline by stage" },
  { name: "pipeline-by-owner", title: "Open pipeline by owner" },
  { name: "forecast", title: "Forecast by expected close month" },
  { name: "won-lost", title: "Won and lost deals, with reasons" },
  { name: "funnel", title: "Conversion funnel by lead source" },
  { name: "tickets", title: "Tickets by category and priority" },
  { name: "service", title: "Response and resolution times, SLA compliance" },
  { name: "retention", title: "Customer retention and complaints" },
  { name: "customers", title: "Revenue per customer" },
  { name: "churn", title: "Customers most at risk of leaving" },
  { name: "campaigns", title: "Campaign effectiveness and ROI" },
];
