import {
  clickTarget,
  dropDecision,
  entryToEvent,
  icsExportMessage,
  icsFileName,
  rescheduleArgs,
  resizeDecision,
} from "./calendar";
import type { CalendarEntry } from "../../lib/api";

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
