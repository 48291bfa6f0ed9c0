// Labels and small helpers of the leads and call-list screens.
import type { CallResult, EntryStatus, LeadRating, LeadStatus, Progress } from "../../lib/api";

export const LEAD_STATUSES: LeadStatus[] = ["new", "contacted", "qualified", "unqualified", "converted"];

export const STATUS_LABELS: Record<LeadStatus, string> = {
  new: "New",
  contacted: "Contacted",
  qualified: "Qualified",
  unqualified: "Unqualified",
  converted: "Converted",
};

export const RATINGS: LeadRating[] = ["hot", "warm", "cold"];

export const RATING_LABELS: Record<LeadRating, string> = { hot: "Hot", warm: "Warm", cold: "Cold" };

export const ENTRY_STATUS_LABELS: Record<EntryStatus, string> = {
  pending: "Not called yet",
  no_answer: "No answer",
  callback: "Call back",
  not_interested: "Not interested",
  wrong_number: "Wrong number",
  promoted: "Promoted to lead",
};

/** The outcome buttons of the calling queue, in key order (1…5). */
export const OUTCOMES: { result: CallResult; key: string; label: string }[] = [
  { result: "no_answer", key: "1", label: "No answer" },
  { result: "call_back", key: "2", label: "Call back at…" },
  { result: "not_interested", key: "3", label: "Not interested" },
  { result: "wrong_number", key: "4", label: "Wrong number" },
  { result: "interested", key: "5", label: "Interested → lead" },
];

/** "12 of 20,000 called · 3 callbacks due · 1 promoted". */
export function progressText(p: Progress): string {
  const parts = [`${p.called.toLocaleString()} of ${p.total.toLocaleString()} called`];
  parts.push(`${p.callbacks_due.toLocaleString()} ${p.callbacks_due === 1 ? "callback" : "callbacks"} due`);
  if (p.callbacks_later > 0) parts.push(`${p.callbacks_later.toLocaleString()} later`);
  parts.push(`${p.promoted.toLocaleString()} promoted`);
  return parts.join(" · ");
}

/** Percent of the list called at least once (0–100). */
export function progressPercent(p: Progress): number {
  return p.total > 0 ? Math.round((p.called / p.total) * 100) : 0;
}

/** A local date-time for an `<input type="datetime-local">`: "2026-11-24T09:00". */
export function localDateTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** In an hour, rounded up to the next quarter hour. */
export function inOneHour(now: Date = new Date()): string {
  const d = new Date(now.getTime() + 60 * 60 * 1000);
  d.setSeconds(0, 0);
  const m = d.getMinutes();
  if (m % 15) d.setMinutes(m + (15 - (m % 15)));
  return localDateTime(d);
}

/** Tomorrow at 9:00, local time. */
export function tomorrowNine(now: Date = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return localDateTime(d);
}
