// Calendar logic kept out of the FullCalendar component so it can be unit-tested:
// how entries become events, and what a drag-and-drop should do.
import type { EventInput } from "@fullcalendar/core";

import { KIND_LABELS, toDateInput } from "./activities";
import type { ActivityKind, CalendarDay, CalendarEntry, ExportReport, Scope, TeamMember } from "../../lib/api";

/** One colour per kind, readable on light and dark backgrounds. */
export const KIND_COLORS: Record<ActivityKind, string> = {
  call: "#2563eb",
  meeting: "#7c3aed",
  task: "#d97706",
  note: "#64748b",
  email: "#0891b2",
  sms: "#0d9488",
  letter: "#a16207",
  fax: "#6b7280",
  web_visit: "#4f46e5",
  event: "#db2777",
};

/** A calendar entry as a FullCalendar event: projected ones dashed and fixed, done ones muted. */
export function entryToEvent(e: CalendarEntry): EventInput {
  const classNames = [`ev-${e.kind}`];
  if (e.done) classNames.push("ev-done");
  if (e.projected) classNames.push("ev-projected");
  if (e.series_id) classNames.push("ev-series");
  const color = KIND_COLORS[e.kind];
  return {
    id: e.projected ? `${e.activity_id}@${e.starts_at}` : e.activity_id,
    title: e.subject,
    start: e.starts_at,
    ...(e.ends_at ? { end: e.ends_at } : {}),
    allDay: e.all_day,
    editable: !e.projected,
    startEditable: !e.projected,
    durationEditable: !e.projected && !e.all_day,
    backgroundColor: e.projected ? "transparent" : color,
    borderColor: color,
    textColor: e.projected ? color : "#ffffff",
    classNames,
    extendedProps: { entry: e, tip: `${KIND_LABELS[e.kind]}${e.with ? ` with ${e.with}` : ""}` },
  };
}

export function entriesToEvents(entries: CalendarEntry[]): EventInput[] {
  return entries.map(entryToEvent);
}

/** How many items a day of the month grid shows; the rest open as that day's list. */
export const MONTH_PER_DAY = 4;

/** The month grid's events: each day's first items, then a "+K more" item when it holds more,
 * sorted after them (`eventOrder` "order,start"). */
export function monthToEvents(days: CalendarDay[]): EventInput[] {
  const events: EventInput[] = [];
  for (const day of days) {
    for (const e of day.entries) events.push({ ...entryToEvent(e), order: 0 });
    const more = day.count - day.entries.length;
    if (more > 0) events.push(moreEvent(day.date, more));
  }
  return events;
}

/** "+3 more" */
export function moreLabel(more: number): string {
  return `+${more.toLocaleString()} more`;
}

function moreEvent(date: string, more: number): EventInput {
  return {
    id: `more@${date}`,
    title: moreLabel(more),
    start: date,
    allDay: true,
    editable: false,
    startEditable: false,
    durationEditable: false,
    display: "block",
    backgroundColor: "transparent",
    borderColor: "transparent",
    textColor: "var(--accent)",
    classNames: ["ev-more"],
    order: 1,
    extendedProps: { more: { date, count: more }, tip: `${more} more on this day: click to see them all` },
  };
}

/** [from, to) of one local day (YYYY-MM-DD), as the calendar command takes them. */
export function dayRange(date: string): { from: string; to: string } {
  const [y, m, d] = date.split("-").map(Number);
  const start = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const end = new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1);
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Whose calendar: the person at this computer's ("mine"), everyone's, or one team member's
 * (their id). */
export type Whose = "mine" | "everyone" | { member: string };

const WHOSE_KEY = "rapport.calendar.whose";

/** The last choice, kept on this computer ("mine" the first time). */
export function loadWhose(): Whose {
  try {
    const stored = JSON.parse(localStorage.getItem(WHOSE_KEY) ?? "null") as unknown;
    if (stored === "mine" || stored === "everyone") return stored;
    if (stored && typeof stored === "object" && typeof (stored as { member?: unknown }).member === "string") {
      return { member: (stored as { member: string }).member };
    }
  } catch {
    // An unreadable choice: start from "mine".
  }
  return "mine";
}

export function saveWhose(whose: Whose): void {
  localStorage.setItem(WHOSE_KEY, JSON.stringify(whose));
}

/** The owner to ask the calendar for (null: everyone), and what to tell the user about it. */
export function ownerFor(
  whose: Whose,
  me: string | null,
  team: TeamMember[] = [],
): { owner: string | null; notice: string | null } {
  if (whose === "everyone") return { owner: null, notice: null };
  if (whose === "mine") {
    if (me) return { owner: me, notice: null };
    return {
      owner: null,
      notice: "Nobody is set as you yet, so this is everyone’s calendar. Who are you?",
    };
  }
  if (team.length > 0 && !team.some((m) => m.id === whose.member)) {
    return { owner: null, notice: "That team member is no longer on the team, so this is everyone’s calendar." };
  }
  return { owner: whose.member, notice: null };
}

/** What the Mine / Everyone / team member picker shows as selected. */
export function whoseValue(whose: Whose): string {
  return typeof whose === "string" ? whose : `member:${whose.member}`;
}

export function whoseFromValue(value: string): Whose {
  if (value.startsWith("member:")) return { member: value.slice("member:".length) };
  return value === "everyone" ? "everyone" : "mine";
}

/** What a drop means: put it back, or reschedule (asking this/future first for a series). */
export type DropDecision =
  | { action: "revert"; reason: string }
  | { action: "reschedule"; id: string; startsAt: string; askScope: boolean };

export function dropDecision(entry: CalendarEntry, newStart: Date | null, allDay: boolean): DropDecision {
  if (entry.projected) {
    return { action: "revert", reason: "A future occurrence can't be moved here; open the series to change it." };
  }
  if (!newStart) return { action: "revert", reason: "That is not a valid time." };
  return {
    action: "reschedule",
    id: entry.activity_id,
    startsAt: allDay ? toDateInput(newStart) : newStart.toISOString(),
    askScope: entry.series_id !== null,
  };
}

/** The arguments for api.activities.reschedule once the scope is known. */
export function rescheduleArgs(d: Extract<DropDecision, { action: "reschedule" }>, scope: Scope = "this"): [string, string, Scope] {
  return [d.id, d.startsAt, scope];
}

/** The activity a click on an event opens: a projected one opens the series' stored occurrence. */
export function clickTarget(entry: CalendarEntry): string {
  return entry.activity_id;
}

/** 24-hour clock unless the user's locale uses a 12-hour one. */
export function uses12Hour(locale?: string): boolean {
  const cycle = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle;
  return cycle === "h12" || cycle === "h11";
}

/** File name for an export of [from, to): "rapport-2026-11-01-to-2026-12-07.ics". */
export function icsFileName(from: Date, to: Date): string {
  const last = new Date(to.getTime() - 1);
  return `rapport-${toDateInput(from)}-to-${toDateInput(last)}.ics`;
}

/** What an .ics export tells the user: how many items went to which file, and what was left
 * out (an activity whose stored time cannot be written) with the first reason. */
export function icsExportMessage(report: ExportReport): { text: string; kind: "info" | "error" } {
  const file = report.path.split(/[\\/]/).pop() ?? report.path;
  const text = `Exported ${report.items} item${report.items === 1 ? "" : "s"} to ${file}`;
  const { skipped } = report;
  if (skipped.length === 0) return { text, kind: "info" };
  return { text: `${text}; ${skipped.length} left out: ${skipped[0]}`, kind: "error" };
}

/** What resizing an event means: its new length in minutes (at least 5), or put it back. */
export type ResizeDecision =
  | { action: "revert"; reason: string }
  | { action: "resize"; id: string; minutes: number; askScope: boolean };

export function resizeDecision(entry: CalendarEntry, start: Date | null, end: Date | null): ResizeDecision {
  if (entry.projected) {
    return { action: "revert", reason: "A future occurrence can't be changed here; open the series to change it." };
  }
  if (!start || !end || entry.all_day) return { action: "revert", reason: "Only timed items can be resized." };
  const minutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  if (minutes < 5) return { action: "revert", reason: "That is too short." };
  return { action: "resize", id: entry.activity_id, minutes, askScope: entry.series_id !== null };
}
