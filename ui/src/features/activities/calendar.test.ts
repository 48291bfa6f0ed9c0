import {
  clickTarget,
  dayRange,
  dropDecision,
  entryToEvent,
  icsExportMessage,
  icsFileName,
  loadWhose,
  monthToEvents,
  moreLabel,
  ownerFor,
  rescheduleArgs,
  resizeDecision,
  saveWhose,
  whoseFromValue,
  whoseValue,
} from "./calendar";
import type { CalendarDay, CalendarEntry } from "../../lib/api";

const entry = (over: Partial<CalendarEntry> = {}): CalendarEntry => ({
  activity_id: "a1",
  projected: false,
  kind: "meeting",
  subject: "Quarterly review",
  starts_at: "2026-11-24T09:00:00Z",
  ends_at: "2026-11-24T10:00:00Z",
  all_day: false,
  done: false,
  series_id: null,
  with: "Ada Lovelace",
  ...over,
});

describe("calendar entries as events", () => {
  it("lets stored items be dragged, with the kind's colour", () => {
    const ev = entryToEvent(entry());
    expect(ev.id).toBe("a1");
    expect(ev.editable).toBe(true);
    expect(ev.start).toBe("2026-11-24T09:00:00Z");
    expect(ev.end).toBe("2026-11-24T10:00:00Z");
    expect(ev.classNames).toContain("ev-meeting");
    expect(ev.backgroundColor).toBe("#7c3aed");
  });

  it("shows projected occurrences dashed and not draggable, with their own id", () => {
    const ev = entryToEvent(entry({ projected: true, series_id: "s1", starts_at: "2026-12-01T09:00:00Z" }));
    expect(ev.editable).toBe(false);
    expect(ev.startEditable).toBe(false);
    expect(ev.durationEditable).toBe(false);
    expect(ev.classNames).toContain("ev-projected");
    expect(ev.id).toBe("a1@2026-12-01T09:00:00Z");
  });

  it("mutes done items", () => {
    expect(entryToEvent(entry({ done: true })).classNames).toContain("ev-done");
    expect(entryToEvent(entry()).classNames).not.toContain("ev-done");
  });

  it("opens the series' stored occurrence for a projected one", () => {
    expect(clickTarget(entry({ projected: true, activity_id: "stored" }))).toBe("stored");
  });
});

describe("dropping an event", () => {
  it("reschedules a single item to the new start without asking", () => {
    const to = new Date(2026, 10, 25, 15, 0);
    const d = dropDecision(entry(), to, false);
    expect(d).toEqual({ action: "reschedule", id: "a1", startsAt: to.toISOString(), askScope: false });
    if (d.action === "reschedule") expect(rescheduleArgs(d)).toEqual(["a1", to.toISOString(), "this"]);
  });

  it("asks this/future for an occurrence of a series", () => {
    const d = dropDecision(entry({ series_id: "s1" }), new Date(2026, 10, 25, 15, 0), false);
    expect(d.action === "reschedule" && d.askScope).toBe(true);
    if (d.action === "reschedule") expect(rescheduleArgs(d, "future")[2]).toBe("future");
  });

  it("sends an all-day drop as a date", () => {
    const d = dropDecision(entry(), new Date(2026, 10, 26), true);
    expect(d.action === "reschedule" && d.startsAt).toBe("2026-11-26");
  });

  it("puts projected occurrences back", () => {
    expect(dropDecision(entry({ projected: true }), new Date(), false).action).toBe("revert");
  });

  it("names the export after the visible range", () => {
    expect(icsFileName(new Date(2026, 10, 23), new Date(2026, 10, 30))).toBe("rapport-2026-11-23-to-2026-11-29.ics");
  });
});

describe("resizing an event", () => {
  it("turns the new end into a duration in minutes", () => {
    const d = resizeDecision(entry(), new Date(2026, 10, 24, 9, 0), new Date(2026, 10, 24, 10, 30));
    expect(d).toEqual({ action: "resize", id: "a1", minutes: 90, askScope: false });
  });

  it("asks this/future for a series and refuses projected or all-day items", () => {
    const d = resizeDecision(entry({ series_id: "s" }), new Date(2026, 10, 24, 9, 0), new Date(2026, 10, 24, 9, 45));
    expect(d.action === "resize" && d.askScope).toBe(true);
    expect(resizeDecision(entry({ projected: true }), new Date(), new Date()).action).toBe("revert");
    expect(resizeDecision(entry({ all_day: true }), new Date(), new Date()).action).toBe("revert");
  });
});

describe("icsExportMessage", () => {
  it("says how many items went to which file", () => {
    expect(icsExportMessage({ path: "/home/u/cal.ics", bytes: 10, items: 1, skipped: [] })).toEqual({
      text: "Exported 1 item to cal.ics",
      kind: "info",
    });
  });

  it("says what was left out and why, as a warning", () => {
    const m = icsExportMessage({
      path: "C:\\u\\cal.ics",
      bytes: 10,
      items: 3,
      skipped: ['"Lunch" (a1) was left out: its stored time -0001-03-03T10:00:00.000Z is not a date between 1900 and 2200'],
    });
    expect(m.kind).toBe("error");
    expect(m.text).toContain("Exported 3 items to cal.ics; 1 left out:");
    expect(m.text).toContain("Lunch");
  });
});

describe("the month grid", () => {
  const day = (date: string, count: number, n: number): CalendarDay => ({
    date,
    count,
    entries: Array.from({ length: n }, (_, i) =>
      entry({ activity_id: `${date}-${i}`, starts_at: `${date}T0${i}:00:00Z`, subject: `Item ${i}` }),
    ),
  });

  it("shows each day's first items and a '+K more' after them for the rest", () => {
    const events = monthToEvents([day("2026-11-24", 10, 4), day("2026-11-25", 2, 2), day("2026-11-26", 0, 0)]);
    expect(events.map((e) => e.title)).toEqual(["Item 0", "Item 1", "Item 2", "Item 3", "+6 more", "Item 0", "Item 1"]);
    const more = events[4];
    expect(more?.start).toBe("2026-11-24");
    expect(more?.allDay).toBe(true);
    expect(more?.editable).toBe(false);
    expect(more?.extendedProps).toMatchObject({ more: { date: "2026-11-24", count: 6 } });
    expect(more?.order).toBe(1);
    expect(events[0]?.order).toBe(0);
  });

  it("has no '+K more' when a day shows everything it holds", () => {
    expect(monthToEvents([day("2026-11-24", 3, 3)]).some((e) => e.classNames?.includes?.("ev-more"))).toBe(false);
  });

  it("writes big counts readably", () => {
    expect(moreLabel(1)).toBe("+1 more");
    expect(moreLabel(1234)).toBe(`+${(1234).toLocaleString()} more`);
  });

  it("asks a day's full list from its local midnight to the next", () => {
    const { from, to } = dayRange("2026-11-24");
    expect(new Date(from).getTime()).toBe(new Date(2026, 10, 24).getTime());
    expect(new Date(to).getTime()).toBe(new Date(2026, 10, 25).getTime());
  });
});

describe("whose calendar", () => {
  beforeEach(() => localStorage.clear());
  const team = [{ id: "m1", name: "Ann", email: null, active: true }];

  it("starts with mine and remembers the last choice", () => {
    expect(loadWhose()).toBe("mine");
    saveWhose("everyone");
    expect(loadWhose()).toBe("everyone");
    saveWhose({ member: "m1" });
    expect(loadWhose()).toEqual({ member: "m1" });
    localStorage.setItem("rapport.calendar.whose", "{not json");
    expect(loadWhose()).toBe("mine");
  });

  it("asks for my items when someone is set as me", () => {
    expect(ownerFor("mine", "m1", team)).toEqual({ owner: "m1", notice: null });
    expect(ownerFor("everyone", "m1", team)).toEqual({ owner: null, notice: null });
    expect(ownerFor({ member: "m1" }, null, team)).toEqual({ owner: "m1", notice: null });
  });

  it("says so in plain words and shows everyone when nobody is set as me", () => {
    const { owner, notice } = ownerFor("mine", null, team);
    expect(owner).toBeNull();
    expect(notice).toMatch(/Nobody is set as you/);
    expect(notice).toMatch(/everyone/);
  });

  it("shows everyone when the chosen member left the team", () => {
    expect(ownerFor({ member: "gone" }, "m1", team).owner).toBeNull();
  });

  it("round-trips the picker's values", () => {
    for (const w of ["mine", "everyone", { member: "m1" }] as const) {
      expect(whoseFromValue(whoseValue(w))).toEqual(w);
    }
  });
});
