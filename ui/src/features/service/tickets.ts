// Labels and pure helpers of the service (ticket) screens.
import type {
  MessageInput,
  MessageKind,
  Sla,
  SlaClock,
  Ticket,
  TicketCategory,
  TicketChannel,
  TicketPriority,
  TicketQueue,
  TicketStatus,
} from "../../lib/api";

export const TICKET_STATUSES: TicketStatus[] = ["new", "open", "waiting", "resolved", "closed"];

export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  waiting: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};

export const PRIORITIES: TicketPriority[] = ["low", "normal", "high", "urgent"];

export const PRIORITY_LABELS: Record<TicketPriority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

export const CATEGORIES: TicketCategory[] = ["question", "problem", "complaint", "request", "callback"];

export const CATEGORY_LABELS: Record<TicketCategory, string> = {
  question: "Question",
  problem: "Problem",
  complaint: "Complaint",
  request: "Request",
  callback: "Callback request",
};

export const TICKET_CHANNELS: TicketChannel[] = ["email", "phone", "web_form", "letter", "in_person"];

export const TICKET_CHANNEL_LABELS: Record<TicketChannel, string> = {
  email: "E-mail",
  phone: "Phone",
  web_form: "Web form",
  letter: "Letter",
  in_person: "In person",
};

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  reply: "Reply",
  customer: "Customer message",
  note: "Internal note",
};

/** The queue tabs of the tickets screen, in order. */
export const QUEUES: { queue: TicketQueue; label: string }[] = [
  { queue: "open", label: "Open" },
  { queue: "mine", label: "Mine" },
  { queue: "breaching_soon", label: "Breaching soon" },
  { queue: "breached", label: "Breached" },
  { queue: "waiting", label: "Waiting on customer" },
  { queue: "resolved", label: "Resolved" },
  { queue: "all", label: "All" },
];

/** "2h 15m", "45m", "3h", "0m" for a span of (business) seconds; the sign is ignored. */
export function formatSpan(seconds: number): string {
  const minutes = Math.floor(Math.abs(seconds) / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** A target in business minutes: 480 → "8h", 90 → "1h 30m". */
export function formatTarget(minutes: number): string {
  return formatSpan(minutes * 60);
}

export type SlaTone = "ok" | "warning" | "breached" | "paused" | "met" | "none";

/** What one clock says now: "2h 15m left", "Overdue 1h 5m", "Paused", "Met". */
export function clockText(clock: SlaClock): { text: string; tone: SlaTone } {
  if (clock.state === "met") {
    const late = clock.breached_at !== null;
    return { text: late ? "Met late" : "Met", tone: "met" };
  }
  if (clock.state === "paused") return { text: "Paused", tone: "paused" };
  if (clock.seconds_left < 0 || clock.breached_at !== null) {
    return { text: `Overdue ${formatSpan(clock.seconds_left)}`, tone: "breached" };
  }
  if (clock.seconds_left < 60) return { text: "Due now", tone: "warning" };
  return { text: `${formatSpan(clock.seconds_left)} left`, tone: clock.warning ? "warning" : "ok" };
}

/**
 * The clock a list shows for a ticket: a breached one first, else the running one due soonest,
 * else a paused one, else "Met" when every clock is met; none without a policy.
 */
export function pickClock(sla: Sla): SlaClock | null {
  const clocks = [sla.first_response, sla.resolution].filter((c): c is SlaClock => c !== null);
  if (clocks.length === 0) return null;
  const running = clocks.filter((c) => c.state === "running");
  const overdue = running.filter((c) => c.seconds_left < 0 || c.breached_at !== null);
  const pool = overdue.length > 0 ? overdue : running;
  if (pool.length > 0) return pool.reduce((a, b) => (b.seconds_left < a.seconds_left ? b : a));
  const paused = clocks.find((c) => c.state === "paused");
  if (paused) return paused;
  return clocks.find((c) => c.breached_at !== null) ?? clocks[clocks.length - 1] ?? null;
}

/** The SLA cell of a ticket list: the picked clock's text and tone. */
export function slaSummary(sla: Sla): { text: string; tone: SlaTone } {
  const clock = pickClock(sla);
  if (!clock) return { text: "—", tone: "none" };
  return clockText(clock);
}

/** The progress bar's width: the share of the target used, 0–100. */
export function usedWidth(clock: SlaClock): number {
  return Math.max(0, Math.min(100, clock.used_percent));
}

/** What the composer sends: the kind, the trimmed text, and "waiting" for "Send and wait". */
export function messageInput(kind: MessageKind, body: string, me: string | null, wait: boolean, email = false): MessageInput {
  return {
    kind,
    body: body.trim(),
    // The customer's own message has no team author.
    author_id: kind === "customer" ? null : me,
    status: wait ? "waiting" : null,
    // A reply is e-mailed to the contact only when asked; otherwise it is recorded.
    email: kind === "reply" ? email : null,
  };
}

/** What became of a reply just saved, in words: e-mailed, queued, waiting for set-up, or kept. */
export function replyToast(saved: Ticket, wait: boolean): string {
  const reply = [...saved.messages].reverse().find((m) => m.kind === "reply");
  const then = wait ? ", waiting on the customer" : "";
  switch (reply?.mail_status ?? null) {
    case null:
      return `Reply saved${then} (not e-mailed)`;
    case "sent":
      return `Reply sent${then}`;
    case "queued":
      return reply?.mail_problem
        ? `Reply saved${then}. It is not e-mailed yet: ${reply.mail_problem}`
        : `Reply queued${then}: it goes out to ${saved.contact_email ?? "the customer"} within a minute`;
    default:
      return `Reply saved${then}; its e-mail: ${reply?.mail_status}${reply?.mail_problem ? ` (${reply.mail_problem})` : ""}`;
  }
}

/** Hours and minutes of a number of minutes, for the SLA policy inputs. */
export function splitMinutes(minutes: number): { hours: number; minutes: number } {
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

/** Minutes of hours and minutes typed as text; null when not a whole, non-negative number. */
export function joinMinutes(hours: string, minutes: string): number | null {
  const h = hours.trim() === "" ? 0 : Number(hours);
  const m = minutes.trim() === "" ? 0 : Number(minutes);
  if (!Number.isInteger(h) || !Number.isInteger(m) || h < 0 || m < 0) return null;
  return h * 60 + m;
}

/** The weekday names, Monday first, as the working hours list them. */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Ready-made agreement schedules. */
export const RRULE_PRESETS: { label: string; rrule: string }[] = [
  { label: "Monthly on the 1st", rrule: "FREQ=MONTHLY;BYMONTHDAY=1" },
  { label: "Quarterly", rrule: "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1" },
  { label: "Weekly on Monday", rrule: "FREQ=WEEKLY;BYDAY=MO" },
];

/** Today's date as YYYY-MM-DD in the computer's zone. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The headline of one clock on the ticket page. */
export function clockHeadline(clock: SlaClock): { text: string; tone: SlaTone } {
  if (clock.state === "met") {
    return clock.breached_at !== null ? { text: "Met late", tone: "breached" } : { text: "Met on time", tone: "met" };
  }
  if (clock.state === "paused") return { text: "Paused — waiting on customer", tone: "paused" };
  return clockText(clock);
}

/** One entry of the conversation: a message or a status change. */
export type ThreadEntry<M, S> = { kind: "message"; at: string; message: M } | { kind: "status"; at: string; change: S; first: boolean };

/**
 * Messages and status changes in one list, oldest first. On equal times the ticket's opening
 * comes first, then messages, then the status they caused ("reply and wait").
 */
export function threadEntries<M extends { created_at: string }, S extends { entered_at: string }>(
  messages: M[],
  history: S[],
): ThreadEntry<M, S>[] {
  const rank = (e: ThreadEntry<M, S>) => (e.kind === "status" ? (e.first ? 0 : 2) : 1);
  const entries: ThreadEntry<M, S>[] = [
    ...history.map((change, i) => ({ kind: "status" as const, at: change.entered_at, change, first: i === 0 })),
    ...messages.map((message) => ({ kind: "message" as const, at: message.created_at, message })),
  ];
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ta = new Date(a.e.at).getTime();
      const tb = new Date(b.e.at).getTime();
      return ta !== tb ? ta - tb : rank(a.e) !== rank(b.e) ? rank(a.e) - rank(b.e) : a.i - b.i;
    })
    .map(({ e }) => e);
}
