// Pure helpers for activities: labels, icons, local date/time handling, repeat rules and
// reminder lead times. No React here, so all of it is unit-tested directly.
import type {
  Activity,
  ActivityChannel,
  ActivityInput,
  ActivityKind,
  CallOutcome,
  Direction,
  LinkedRecord,
  Participant,
} from "../../lib/api";

export const KINDS: ActivityKind[] = [
  "call",
  "meeting",
  "task",
  "note",
  "email",
  "sms",
  "letter",
  "fax",
  "web_visit",
  "event",
];

export const KIND_LABELS: Record<ActivityKind, string> = {
  call: "Call",
  meeting: "Meeting",
  task: "Task",
  note: "Note",
  email: "E-mail",
  sms: "SMS",
  letter: "Letter",
  fax: "Fax",
  web_visit: "Web visit",
  event: "Event",
};

export const CHANNELS: ActivityChannel[] = ["phone", "email", "sms", "letter", "in_person", "video", "fax", "web", "other"];

export const CHANNEL_LABELS: Record<ActivityChannel, string> = {
  phone: "Phone",
  email: "E-mail",
  sms: "SMS",
  letter: "Letter",
  in_person: "In person",
  video: "Video",
  fax: "Fax",
  web: "Web",
  other: "Other",
};

/** The channel a kind goes through unless the user says otherwise. */
export const DEFAULT_CHANNEL: Record<ActivityKind, ActivityChannel | null> = {
  call: "phone",
  meeting: "in_person",
  task: null,
  note: null,
  email: "email",
  sms: "sms",
  letter: "letter",
  fax: "fax",
  web_visit: "web",
  event: "in_person",
};

export const OUTCOMES: CallOutcome[] = ["connected", "no_answer", "left_voicemail", "wrong_number", "call_back"];

export const OUTCOME_LABELS: Record<CallOutcome, string> = {
  connected: "Connected",
  no_answer: "No answer",
  left_voicemail: "Left voicemail",
  wrong_number: "Wrong number",
  call_back: "Call back",
};

export const DIRECTION_LABELS: Record<Direction, string> = { inbound: "Inbound", outbound: "Outbound" };

/** Kinds that take a duration, and kinds that take a place. */
export const HAS_DURATION: ActivityKind[] = ["call", "meeting", "event"];
export const HAS_LOCATION: ActivityKind[] = ["meeting", "event"];

/** Kinds that usually record something that already happened. */
export const HAPPENED_KINDS: ActivityKind[] = ["call", "email", "note", "sms", "letter", "fax", "web_visit"];

// ---------- local dates and times ----------

const pad = (n: number) => String(n).padStart(2, "0");

/** A Date as the local `YYYY-MM-DD` an `<input type="date">` holds. */
export function toDateInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A Date as the local `HH:MM` an `<input type="time">` holds. */
export function toTimeInput(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local moment a date input and a time input describe (midnight without a time). */
export function fromInputs(date: string, time: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = /^\d{1,2}:\d{2}$/.test(time) ? (time.split(":").map(Number) as [number, number]) : [0, 0];
  const at = new Date(y, m - 1, d, hh, mm, 0, 0);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** `days` after `d`, at the same local time of day (daylight saving time safe). */
export function addDays(d: Date, days: number): Date {
  const out = new Date(d);
  out.setDate(out.getDate() + days);
  return out;
}

/** `d`'s date with the local time `hh:mm`. */
export function atTime(d: Date, hh: number, mm = 0): Date {
  const out = new Date(d);
  out.setHours(hh, mm, 0, 0);
  return out;
}

/** The next Monday after `d` (a week on if `d` is a Monday), same time of day. */
export function nextMonday(d: Date): Date {
  const ahead = ((8 - d.getDay()) % 7) || 7;
  return addDays(d, ahead);
}

/** The next full hour after `now`. */
export function nextFullHour(now: Date): Date {
  const out = new Date(now);
  out.setMinutes(0, 0, 0);
  out.setHours(out.getHours() + 1);
  return out;
}

/** `target`'s date with `from`'s local time of day: moving an item keeps its time. */
export function keepTimeOfDay(from: Date, target: Date): Date {
  return atTime(target, from.getHours(), from.getMinutes());
}

/** An ISO time stamp or a `YYYY-MM-DD` date as a Date (the date at local midnight). */
export function parseWhen(value: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return fromInputs(value, "") ?? new Date(NaN);
  return new Date(value);
}

// ---------- display ----------

export function formatTime(iso: string, locale?: string): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
}

/** "Tomorrow", "Today", "Yesterday", or "Thursday 26 November". */
export function dayLabel(date: Date, now: Date = new Date(), locale?: string): string {
  const today = atTime(now, 0);
  const diff = Math.round((atTime(date, 0).getTime() - today.getTime()) / 86_400_000);
  if (diff === 0) return "Today";
  if (diff === 1) return "Tomorrow";
  if (diff === -1) return "Yesterday";
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  });
}

/** "Tue 24 Nov, 09:00", "Tue 24 Nov" for all-day ones. */
export function formatWhen(iso: string, allDay: boolean, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = d.toLocaleDateString(locale, { weekday: "short", day: "numeric", month: "short" });
  return allDay ? date : `${date}, ${formatTime(iso, locale)}`;
}

/** A short date for toasts: "Tue 24 Nov 09:00". */
export function shortDate(iso: string, allDay = false, locale?: string): string {
  return formatWhen(iso, allDay, locale).replace(",", "");
}

export function linkedNames(links: LinkedRecord[]): string {
  return links.map((l) => l.name).join(", ");
}

// ---------- repeat rules ----------

export type RepeatChoice = "none" | "daily" | "weekly" | "biweekly" | "monthly_day" | "monthly_last" | "yearly" | "custom";

const BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** The RRULE a repeat choice means for an item starting at `start` (null: does not repeat). */
export function repeatRule(choice: RepeatChoice, start: Date, custom = ""): string | null {
  const day = BYDAY[start.getDay()];
  switch (choice) {
    case "none":
      return null;
    case "daily":
      return "FREQ=DAILY";
    case "weekly":
      return `FREQ=WEEKLY;BYDAY=${day}`;
    case "biweekly":
      return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${day}`;
    case "monthly_day":
      return `FREQ=MONTHLY;BYMONTHDAY=${start.getDate()}`;
    case "monthly_last":
      return "FREQ=MONTHLY;BYMONTHDAY=-1";
    case "yearly":
      return "FREQ=YEARLY";
    case "custom":
      return custom.trim().replace(/^RRULE:/i, "") || null;
  }
}

/** The picker's entries for an item starting at `start`, named after its weekday and day. */
export function repeatOptions(start: Date, locale?: string): { value: RepeatChoice; label: string }[] {
  const weekday = start.toLocaleDateString(locale, { weekday: "long" });
  return [
    { value: "none", label: "Does not repeat" },
    { value: "daily", label: "Daily" },
    { value: "weekly", label: `Weekly on ${weekday}` },
    { value: "biweekly", label: `Every 2 weeks on ${weekday}` },
    { value: "monthly_day", label: `Monthly on day ${start.getDate()}` },
    { value: "monthly_last", label: "Monthly on the last day" },
    { value: "yearly", label: "Yearly" },
    { value: "custom", label: "Custom…" },
  ];
}

/** Which picker choice a stored rule is, for the item's start; anything else is custom. */
export function repeatChoiceOf(rule: string | null, start: Date): RepeatChoice {
  if (!rule) return "none";
  const choices: RepeatChoice[] = ["daily", "weekly", "biweekly", "monthly_day", "monthly_last", "yearly"];
  return choices.find((c) => repeatRule(c, start) === rule) ?? "custom";
}

// ---------- reminders ----------

/** Lead times in minutes before the start; "" is no reminder. */
export const REMINDER_OPTIONS: { value: string; label: string }[] = [
  { value: "", label: "None" },
  { value: "0", label: "At start" },
  { value: "5", label: "5 minutes before" },
  { value: "15", label: "15 minutes before" },
  { value: "30", label: "30 minutes before" },
  { value: "60", label: "1 hour before" },
  { value: "1440", label: "1 day before" },
];

/** All-day items are reminded relative to 9:00 that day rather than midnight. */
export const ALL_DAY_REMIND_HOUR = 9;

/** When to remind for an item starting at `start`, `lead` minutes before (null: no reminder). */
export function remindAt(start: Date | null, lead: string, allDay = false): string | null {
  if (!start || lead === "" || Number.isNaN(Number(lead))) return null;
  const base = allDay ? atTime(start, ALL_DAY_REMIND_HOUR) : start;
  return new Date(base.getTime() - Number(lead) * 60_000).toISOString();
}

/** The lead option a stored reminder matches, or null when it matches none. */
export function leadOf(start: Date | null, remind: string | null, allDay = false): string | null {
  if (!remind) return "";
  if (!start) return null;
  const base = allDay ? atTime(start, ALL_DAY_REMIND_HOUR) : start;
  const minutes = Math.round((base.getTime() - new Date(remind).getTime()) / 60_000);
  const hit = REMINDER_OPTIONS.find((o) => o.value !== "" && Number(o.value) === minutes);
  return hit ? hit.value : null;
}

// ---------- the dialog's form ----------

export type ActivityForm = {
  kind: ActivityKind;
  subject: string;
  notes: string;
  channel: ActivityChannel | "";
  direction: Direction | "";
  outcome: CallOutcome | "";
  date: string;
  time: string;
  allDay: boolean;
  duration: string;
  location: string;
  done: boolean;
  /** A lead time from REMINDER_OPTIONS, or "keep" to keep `keptRemindAt` as it is. */
  reminder: string;
  keptRemindAt: string | null;
  repeat: RepeatChoice;
  customRule: string;
  links: LinkedRecord[];
  /** The team member it belongs to (null: nobody). */
  ownerId: string | null;
  /** Who took part. Not shown in the dialog, but kept as stored when an activity is edited. */
  participants: Participant[];
};

export type FollowUpForm = {
  enabled: boolean;
  kind: ActivityKind;
  subject: string;
  date: string;
  time: string;
  reminder: string;
};

/** What a form's "when" inputs amount to: the start, and how to send it. */
export function formStart(form: { date: string; time: string; allDay?: boolean }): { at: Date | null; wire: string | null } {
  if (!form.date) return { at: null, wire: null };
  if (form.allDay) return { at: fromInputs(form.date, ""), wire: form.date };
  const at = fromInputs(form.date, form.time || "00:00");
  // An unparsable date goes to the backend as typed, so its message lands under the field.
  return { at, wire: at ? at.toISOString() : form.date };
}

/** The ActivityInput the dialog sends for a form. */
export function buildInput(form: ActivityForm): ActivityInput {
  const { at, wire } = formStart(form);
  const duration = form.duration.trim();
  return {
    kind: form.kind,
    subject: form.subject.trim(),
    notes: form.notes.trim() ? form.notes : null,
    channel: form.channel || null,
    direction: form.kind === "call" ? form.direction || null : null,
    outcome: form.kind === "call" ? form.outcome || null : null,
    starts_at: wire,
    all_day: Boolean(wire) && form.allDay,
    duration_minutes:
      HAS_DURATION.includes(form.kind) && duration && !form.allDay && Number.isFinite(Number(duration))
        ? Math.round(Number(duration))
        : null,
    location: HAS_LOCATION.includes(form.kind) && form.location.trim() ? form.location.trim() : null,
    done: form.done,
    remind_at: form.reminder === "keep" ? form.keptRemindAt : remindAt(at, form.reminder, form.allDay),
    repeat: at ? repeatRule(form.repeat, at, form.customRule) : null,
    owner_id: form.ownerId,
    links: form.links.map((l) => ({ entity: l.entity, id: l.id })),
    participants: form.participants,
  };
}

/** The follow-up's ActivityInput: an open item on the same records. */
export function buildFollowUp(f: FollowUpForm, links: LinkedRecord[]): ActivityInput {
  const { at, wire } = formStart({ date: f.date, time: f.time });
  return {
    kind: f.kind,
    subject: f.subject.trim(),
    notes: null,
    channel: DEFAULT_CHANNEL[f.kind],
    direction: null,
    outcome: null,
    starts_at: wire,
    all_day: false,
    duration_minutes: null,
    location: null,
    done: false,
    remind_at: remindAt(at, f.reminder),
    repeat: null,
    owner_id: null,
    links: links.map((l) => ({ entity: l.entity, id: l.id })),
    participants: [],
  };
}

/** A fresh form: logging something that just happened, or scheduling something. */
export function newForm(opts: {
  mode: "log" | "schedule";
  kind?: ActivityKind | undefined;
  start?: Date | undefined;
  allDay?: boolean | undefined;
  links?: LinkedRecord[] | undefined;
  ownerId?: string | null | undefined;
  now?: Date;
}): ActivityForm {
  const now = opts.now ?? new Date();
  const kind = opts.kind ?? (opts.mode === "log" ? "call" : "task");
  const start = opts.start ?? (opts.mode === "log" ? now : nextFullHour(now));
  return {
    kind,
    subject: "",
    notes: "",
    channel: DEFAULT_CHANNEL[kind] ?? "",
    direction: kind === "call" && opts.mode === "log" ? "outbound" : "",
    outcome: "",
    date: toDateInput(start),
    time: opts.allDay ? "" : toTimeInput(start),
    allDay: Boolean(opts.allDay),
    duration: kind === "meeting" ? "30" : "",
    location: "",
    done: opts.mode === "log",
    reminder: opts.mode === "schedule" && !opts.allDay ? "15" : "",
    keptRemindAt: null,
    repeat: "none",
    customRule: "",
    links: opts.links ?? [],
    ownerId: opts.ownerId ?? null,
    participants: [],
  };
}

/** The form for editing a stored activity. */
export function formFromActivity(a: Activity): ActivityForm {
  const start = a.starts_at ? new Date(a.starts_at) : null;
  const lead = leadOf(start, a.remind_at, a.all_day);
  return {
    kind: a.kind,
    subject: a.subject,
    notes: a.notes ?? "",
    channel: a.channel ?? "",
    direction: a.direction ?? "",
    outcome: a.outcome ?? "",
    date: start ? toDateInput(start) : "",
    time: start && !a.all_day ? toTimeInput(start) : "",
    allDay: a.all_day,
    duration: a.duration_minutes != null ? String(a.duration_minutes) : "",
    location: a.location ?? "",
    done: a.done_at != null,
    reminder: lead ?? "keep",
    keptRemindAt: a.remind_at,
    repeat: start ? repeatChoiceOf(a.repeat, start) : "none",
    customRule: a.repeat ?? "",
    links: a.links,
    ownerId: a.owner_id,
    participants: a.participants,
  };
}

export type QuickWhen = "tomorrow" | "in3days" | "nextweek";

/** The follow-up's quick buttons: 9:00 tomorrow, in three days, or next Monday. */
export function quickWhen(which: QuickWhen, now: Date = new Date()): Date {
  switch (which) {
    case "tomorrow":
      return atTime(addDays(now, 1), 9);
    case "in3days":
      return atTime(addDays(now, 3), 9);
    case "nextweek":
      return atTime(nextMonday(now), 9);
  }
}

export type RescheduleTarget = "later" | "tomorrow" | "nextweek";

/**
 * Where Reschedule moves an item: +2 hours from now (rounded up to the quarter hour), or
 * tomorrow / next Monday at the item's own time of day. All-day items stay all-day dates.
 */
export function rescheduleTo(
  which: RescheduleTarget | { date: string },
  item: { starts_at: string | null; all_day: boolean },
  now: Date = new Date(),
): string {
  const from = item.starts_at ? new Date(item.starts_at) : atTime(now, 9);
  if (which === "later") {
    const t = new Date(now.getTime() + 2 * 3_600_000);
    const quarter = 15 * 60_000;
    return new Date(Math.ceil(t.getTime() / quarter) * quarter).toISOString();
  }
  let target: Date;
  if (typeof which === "object") target = fromInputs(which.date, "") ?? now;
  else target = which === "tomorrow" ? addDays(now, 1) : nextMonday(now);
  if (item.all_day) return toDateInput(target);
  return keepTimeOfDay(from, target).toISOString();
}

/** Field names the dialog shows errors under; anything else goes into the banner. */
export const SHOWN_FIELDS = [
  "kind",
  "subject",
  "notes",
  "channel",
  "direction",
  "outcome",
  "starts_at",
  "duration_minutes",
  "location",
  "remind_at",
  "repeat",
  "owner_id",
  "links",
  "follow_up.kind",
  "follow_up.subject",
  "follow_up.starts_at",
  "follow_up.remind_at",
];
