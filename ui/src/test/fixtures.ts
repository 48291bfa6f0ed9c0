// Records as the backend returns them, for component tests: every field filled with a plain
// default, overridden per test.
import type { Activity, SlaClock, Ticket } from "../lib/api";

/** A call with Ada Lovelace, open, starting at `at` (ISO); `over` replaces any field. */
export function activity(over: Partial<Activity> = {}, at = "2026-11-23T09:00:00.000Z"): Activity {
  return {
    id: "a1",
    kind: "call",
    subject: "Call Ada",
    notes: null,
    channel: "phone",
    direction: null,
    outcome: null,
    starts_at: at,
    ends_at: null,
    all_day: false,
    duration_minutes: null,
    location: null,
    done_at: null,
    remind_at: null,
    reminder_state: null,
    series_id: null,
    repeat: null,
    repeat_text: null,
    owner_id: null,
    owner_name: null,
    links: [{ entity: "contacts", id: "c1", name: "Ada Lovelace" }],
    participants: [],
    created_at: at,
    updated_at: at,
    ...over,
  };
}

/** An SLA clock: running, 2 business hours left of an 8-hour target; `over` replaces any field. */
export function clock(over: Partial<SlaClock> = {}): SlaClock {
  return {
    target_minutes: 480,
    state: "running",
    due_at: "2026-11-24T15:00:00Z",
    seconds_left: 7200,
    used_percent: 75,
    warning: false,
    breached_at: null,
    met_at: null,
    ...over,
  };
}

/** Ticket #12 of Acme, open, with one customer message; `over` replaces any field. */
export function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: "t12",
    number: 12,
    subject: "Printer on fire",
    description: "It smokes when printing invoices.",
    account_id: "acc1",
    account_name: "Acme",
    contact_id: "c1",
    contact_name: "Ada Lovelace",
    product: null,
    channel: "email",
    category: "problem",
    priority: "high",
    status: "open",
    owner_id: null,
    owner_name: null,
    callback_activity_id: null,
    callback_at: null,
    resolve_on_callback: false,
    first_responded_at: null,
    resolved_at: null,
    closed_at: null,
    sla: {
      first_response: clock({ target_minutes: 240, seconds_left: 3600 }),
      resolution: clock(),
      breached: false,
      warning: false,
    },
    tags: [],
    custom: {},
    messages: [
      {
        id: "m1",
        kind: "customer",
        body: "Help, the printer is on fire",
        author_id: null,
        author_name: null,
        created_at: "2026-11-23T09:00:00Z",
      },
    ],
    history: [{ status: "new", entered_at: "2026-11-23T09:00:00Z" }],
    created_at: "2026-11-23T09:00:00Z",
    updated_at: "2026-11-23T09:00:00Z",
    ...over,
  };
}
