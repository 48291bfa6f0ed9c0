// Records as the backend returns them, for component tests: every field filled with a plain
// default, overridden per test.
import type { Activity } from "../lib/api";

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
