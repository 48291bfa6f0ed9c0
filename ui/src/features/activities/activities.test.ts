import {
  buildFollowUp,
  buildInput,
  dayLabel,
  formFromActivity,
  leadOf,
  newForm,
  quickWhen,
  remindAt,
  repeatChoiceOf,
  repeatOptions,
  repeatRule,
  rescheduleTo,
  type RepeatChoice,
} from "./activities";
import type { Activity } from "../../lib/api";

// Monday 23 November 2026, 10:30 local time.
const MONDAY = new Date(2026, 10, 23, 10, 30);

describe("repeat rules", () => {
  it.each<[RepeatChoice, string | null]>([
    ["none", null],
    ["daily", "FREQ=DAILY"],
    ["weekly", "FREQ=WEEKLY;BYDAY=MO"],
    ["biweekly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"],
    ["monthly_day", "FREQ=MONTHLY;BYMONTHDAY=23"],
    ["monthly_last", "FREQ=MONTHLY;BYMONTHDAY=-1"],
    ["yearly", "FREQ=YEARLY"],
  ])("%s → %s", (choice, rule) => {
    expect(repeatRule(choice, MONDAY)).toBe(rule);
  });

  it("follows the weekday and day of month of the start", () => {
    const firstThursday = new Date(2026, 9, 1, 9, 0);
    expect(repeatRule("weekly", firstThursday)).toBe("FREQ=WEEKLY;BYDAY=TH");
    expect(repeatRule("monthly_day", firstThursday)).toBe("FREQ=MONTHLY;BYMONTHDAY=1");
  });

  it("takes a custom rule as typed, without an RRULE: prefix", () => {
    expect(repeatRule("custom", MONDAY, "RRULE:FREQ=WEEKLY;BYDAY=MO,WE")).toBe("FREQ=WEEKLY;BYDAY=MO,WE");
    expect(repeatRule("custom", MONDAY, "  ")).toBeNull();
  });

  it("names the choices after the start", () => {
    const labels = repeatOptions(MONDAY, "en-GB").map((o) => o.label);
    expect(labels).toContain("Weekly on Monday");
    expect(labels).toContain("Every 2 weeks on Monday");
    expect(labels).toContain("Monthly on day 23");
  });

  it("recognises a stored rule, else calls it custom", () => {
    expect(repeatChoiceOf("FREQ=WEEKLY;BYDAY=MO", MONDAY)).toBe("weekly");
    expect(repeatChoiceOf("FREQ=WEEKLY;BYDAY=MO,FR", MONDAY)).toBe("custom");
    expect(repeatChoiceOf(null, MONDAY)).toBe("none");
  });
});

describe("reminders", () => {
  it("subtracts the lead time from the start", () => {
    expect(remindAt(MONDAY, "15")).toBe(new Date(2026, 10, 23, 10, 15).toISOString());
    expect(remindAt(MONDAY, "1440")).toBe(new Date(2026, 10, 22, 10, 30).toISOString());
    expect(remindAt(MONDAY, "0")).toBe(MONDAY.toISOString());
    expect(remindAt(MONDAY, "")).toBeNull();
    expect(remindAt(null, "15")).toBeNull();
  });

  it("reminds all-day items relative to 9:00 that day", () => {
    expect(remindAt(new Date(2026, 10, 23), "60", true)).toBe(new Date(2026, 10, 23, 8, 0).toISOString());
  });

  it("finds the lead option of a stored reminder", () => {
    expect(leadOf(MONDAY, new Date(2026, 10, 23, 9, 30).toISOString())).toBe("60");
    expect(leadOf(MONDAY, new Date(2026, 10, 23, 9, 31).toISOString())).toBeNull();
    expect(leadOf(MONDAY, null)).toBe("");
  });
});

describe("the input the dialog sends", () => {
  it("sends an all-day item as a plain date", () => {
    const form = { ...newForm({ mode: "schedule", kind: "task", now: MONDAY }), subject: "Renewal", date: "2026-12-01", allDay: true, reminder: "" };
    const input = buildInput(form);
    expect(input.starts_at).toBe("2026-12-01");
    expect(input.all_day).toBe(true);
    expect(input.duration_minutes).toBeNull();
  });

  it("sends a timed item as RFC 3339 UTC of the local time", () => {
    const form = { ...newForm({ mode: "schedule", kind: "meeting", now: MONDAY }), subject: "Demo", date: "2026-12-01", time: "14:00" };
    const input = buildInput(form);
    expect(input.starts_at).toBe(new Date(2026, 11, 1, 14, 0).toISOString());
    expect(input.duration_minutes).toBe(30);
    expect(input.remind_at).toBe(new Date(2026, 11, 1, 13, 45).toISOString());
    expect(input.done).toBe(false);
  });

  it("drops call-only fields for other kinds", () => {
    const form = { ...newForm({ mode: "log", kind: "call", now: MONDAY }), subject: "x", outcome: "connected" as const, kind: "note" as const };
    expect(buildInput(form).outcome).toBeNull();
    expect(buildInput(form).direction).toBeNull();
  });

  it("logs calls as done and outbound, scheduling as open at the next full hour", () => {
    const log = newForm({ mode: "log", now: MONDAY });
    expect([log.kind, log.done, log.direction, log.channel]).toEqual(["call", true, "outbound", "phone"]);
    const plan = newForm({ mode: "schedule", now: MONDAY });
    expect([plan.done, plan.time, plan.date]).toEqual([false, "11:00", "2026-11-23"]);
  });

  it("builds an open follow-up on the same records", () => {
    const at = quickWhen("tomorrow", MONDAY);
    expect(at).toEqual(new Date(2026, 10, 24, 9, 0));
    const input = buildFollowUp(
      { enabled: true, kind: "task", subject: "Follow up: x", date: "2026-11-24", time: "09:00", reminder: "0" },
      [{ entity: "contacts", id: "c1", name: "Ada" }],
    );
    expect(input.done).toBe(false);
    expect(input.starts_at).toBe(at.toISOString());
    expect(input.remind_at).toBe(at.toISOString());
    expect(input.links).toEqual([{ entity: "contacts", id: "c1" }]);
  });

  it("reads a stored activity back into the form", () => {
    const a = {
      id: "a1",
      kind: "call",
      subject: "Weekly check-in",
      notes: null,
      channel: "phone",
      direction: "outbound",
      outcome: null,
      starts_at: MONDAY.toISOString(),
      ends_at: null,
      all_day: false,
      duration_minutes: 15,
      location: null,
      done_at: null,
      remind_at: new Date(2026, 10, 23, 10, 25).toISOString(),
      reminder_state: "pending",
      series_id: "s1",
      repeat: "FREQ=WEEKLY;BYDAY=MO",
      repeat_text: "Weekly on Monday",
      owner_id: null,
      owner_name: null,
      links: [],
      participants: [],
      created_at: MONDAY.toISOString(),
      updated_at: MONDAY.toISOString(),
    } as Activity;
    const form = formFromActivity(a);
    expect([form.date, form.time, form.reminder, form.repeat, form.duration]).toEqual(["2026-11-23", "10:30", "5", "weekly", "15"]);
  });
});

describe("rescheduling and day names", () => {
  const item = { starts_at: new Date(2026, 10, 20, 14, 15).toISOString(), all_day: false };

  it("keeps the time of day when moving to tomorrow or next week", () => {
    expect(rescheduleTo("tomorrow", item, MONDAY)).toBe(new Date(2026, 10, 24, 14, 15).toISOString());
    expect(rescheduleTo("nextweek", item, MONDAY)).toBe(new Date(2026, 10, 30, 14, 15).toISOString());
    expect(rescheduleTo({ date: "2026-12-03" }, item, MONDAY)).toBe(new Date(2026, 11, 3, 14, 15).toISOString());
  });

  it("moves later today by two hours, on the quarter hour", () => {
    expect(rescheduleTo("later", item, MONDAY)).toBe(new Date(2026, 10, 23, 12, 30).toISOString());
    expect(rescheduleTo("later", item, new Date(2026, 10, 23, 10, 31))).toBe(new Date(2026, 10, 23, 12, 45).toISOString());
  });

  it("keeps all-day items all day", () => {
    expect(rescheduleTo("tomorrow", { starts_at: item.starts_at, all_day: true }, MONDAY)).toBe("2026-11-24");
  });

  it("names days relative to today", () => {
    expect(dayLabel(new Date(2026, 10, 24), MONDAY)).toBe("Tomorrow");
    expect(dayLabel(new Date(2026, 10, 26), MONDAY, "en-GB")).toBe("Thursday 26 November");
  });
});
