import { clock } from "../../test/fixtures";
import {
  clockHeadline,
  clockText,
  formatSpan,
  formatTarget,
  joinMinutes,
  messageInput,
  pickClock,
  slaSummary,
  splitMinutes,
  threadEntries,
  usedWidth,
} from "./tickets";

describe("SLA time formatting", () => {
  it("writes business time as hours and minutes", () => {
    expect(formatSpan(2 * 3600 + 15 * 60)).toBe("2h 15m");
    expect(formatSpan(45 * 60)).toBe("45m");
    expect(formatSpan(3 * 3600)).toBe("3h");
    expect(formatSpan(40 * 3600 + 60)).toBe("40h 1m");
    // Seconds under a minute are dropped, never rounded up into a minute that is not there.
    expect(formatSpan(59)).toBe("0m");
    expect(formatSpan(-(3600 + 5 * 60))).toBe("1h 5m");
  });

  it("writes targets in minutes the same way", () => {
    expect(formatTarget(480)).toBe("8h");
    expect(formatTarget(90)).toBe("1h 30m");
    expect(formatTarget(15)).toBe("15m");
  });

  it("says how long is left, or how long it is overdue", () => {
    expect(clockText(clock({ seconds_left: 2 * 3600 + 15 * 60 }))).toEqual({ text: "2h 15m left", tone: "ok" });
    expect(clockText(clock({ seconds_left: 20 * 60, warning: true }))).toEqual({ text: "20m left", tone: "warning" });
    expect(clockText(clock({ seconds_left: -(3600 + 5 * 60), breached_at: "2026-11-24T15:00:00Z" }))).toEqual({
      text: "Overdue 1h 5m",
      tone: "breached",
    });
    expect(clockText(clock({ seconds_left: 30 }))).toEqual({ text: "Due now", tone: "warning" });
  });

  it("says Paused while waiting on the customer and Met once met", () => {
    expect(clockText(clock({ state: "paused", seconds_left: 600 }))).toEqual({ text: "Paused", tone: "paused" });
    expect(clockText(clock({ state: "met", met_at: "2026-11-23T10:00:00Z" }))).toEqual({ text: "Met", tone: "met" });
    expect(clockHeadline(clock({ state: "met", met_at: "x" })).text).toBe("Met on time");
    expect(clockHeadline(clock({ state: "met", met_at: "x", breached_at: "y", seconds_left: -60 })).text).toBe("Met late");
    expect(clockHeadline(clock({ state: "paused" })).text).toBe("Paused — waiting on customer");
  });
});

describe("the SLA cell of a list", () => {
  it("shows the breached clock before one that still runs", () => {
    const first = clock({ target_minutes: 60, seconds_left: -600, breached_at: "2026-11-23T10:00:00Z" });
    const resolution = clock({ seconds_left: 3 * 3600 });
    expect(pickClock({ first_response: first, resolution, breached: true, warning: false })).toBe(first);
    expect(slaSummary({ first_response: first, resolution, breached: true, warning: false }).text).toBe("Overdue 10m");
  });

  it("shows the running clock due soonest, skipping met ones", () => {
    const met = clock({ state: "met", met_at: "2026-11-23T10:00:00Z", seconds_left: 100 });
    const resolution = clock({ seconds_left: 5 * 3600 });
    expect(slaSummary({ first_response: met, resolution, breached: false, warning: false }).text).toBe("5h left");
  });

  it("says Paused, Met, or nothing without a policy", () => {
    const paused = clock({ state: "paused" });
    expect(slaSummary({ first_response: clock({ state: "met", met_at: "x" }), resolution: paused, breached: false, warning: false }).text).toBe("Paused");
    const met = clock({ state: "met", met_at: "x" });
    expect(slaSummary({ first_response: met, resolution: met, breached: false, warning: false })).toEqual({ text: "Met", tone: "met" });
    expect(slaSummary({ first_response: null, resolution: null, breached: false, warning: false }).text).toBe("—");
  });

  it("keeps the progress bar within 0–100", () => {
    expect(usedWidth(clock({ used_percent: 140 }))).toBe(100);
    expect(usedWidth(clock({ used_percent: 35 }))).toBe(35);
  });
});

describe("the reply composer's message", () => {
  it("sends a reply as the current user, waiting on the customer when asked", () => {
    expect(messageInput("reply", "  On it!  ", "tm1", true)).toEqual({ kind: "reply", body: "On it!", author_id: "tm1", status: "waiting", email: false });
    expect(messageInput("reply", "Sent", "tm1", false, true)).toEqual({ kind: "reply", body: "Sent", author_id: "tm1", status: null, email: true });
    expect(messageInput("note", "internal", "tm1", false, true)).toEqual({ kind: "note", body: "internal", author_id: "tm1", status: null, email: null });
  });

  it("sends the customer's message without a team author", () => {
    expect(messageInput("customer", "thanks", "tm1", false)).toEqual({ kind: "customer", body: "thanks", author_id: null, status: null, email: null });
  });
});

describe("SLA target inputs", () => {
  it("splits and joins hours and minutes", () => {
    expect(splitMinutes(135)).toEqual({ hours: 2, minutes: 15 });
    expect(joinMinutes("2", "15")).toBe(135);
    expect(joinMinutes("8", "")).toBe(480);
    expect(joinMinutes("1.5", "0")).toBeNull();
    expect(joinMinutes("-1", "0")).toBeNull();
  });
});

describe("the conversation", () => {
  it("puts messages and status changes in time order, a reply before the status it set", () => {
    const messages = [
      { id: "m2", created_at: "2026-11-23T11:00:00Z" },
      { id: "m1", created_at: "2026-11-23T09:00:00Z" },
    ];
    const history = [
      { status: "new", entered_at: "2026-11-23T09:00:00Z" },
      { status: "waiting", entered_at: "2026-11-23T11:00:00Z" },
    ];
    const order = threadEntries(messages, history).map((e) => (e.kind === "message" ? e.message.id : e.change.status));
    expect(order).toEqual(["new", "m1", "m2", "waiting"]);
  });
});
