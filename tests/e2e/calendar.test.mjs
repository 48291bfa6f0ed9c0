// The calendar in the real window: "Mine" shows the activities of the team member set as me,
// "Everyone" the whole team's; the month grid shows a busy day's first items and "+K more",
// which opens that day's full list.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitContent } from "./harness.mjs";

before(startDriver);
after(stopDriver);

/** The calendar's DOM text (FullCalendar's rendered text leaves out some cells). */
async function calendarText(app) {
  return (await app.execute((sel) => document.querySelector(sel)?.textContent ?? "", byTest("calendar"))) ?? "";
}

async function waitGone(app, text) {
  await app.waitUntil(async () => !(await calendarText(app)).includes(text), {
    timeout: 10000,
    timeoutMsg: `the calendar still showed "${text}"`,
  });
}

/** YYYY-MM-DD of today on this computer (the app and the CLI read times in its zone). */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

test("my calendar, everyone's, and a busy day's '+K more' in the month grid", async () => {
  const db = freshDb();
  cli(db, "team", "add", "--name", "Grace Hopper");
  cli(db, "team", "add", "--name", "Alan Turing");
  cli(db, "tickets", "me", "Grace Hopper");
  const ada = cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace");
  const day = today();
  cli(db, "activities", "add", "--type", "meeting", "--subject", "Grace demo", "--contact", ada,
    "--due", `${day}T08:00`, "--duration", "30", "--owner", "Grace Hopper");
  // Alan's busy day: with Grace's demo, 8 items, of which the month grid shows 4.
  for (let i = 1; i <= 7; i++) {
    cli(db, "activities", "add", "--type", "call", "--subject", `Alan call ${i}`, "--contact", ada,
      "--due", `${day}T${String(9 + i).padStart(2, "0")}:00`, "--owner", "Alan Turing");
  }

  const app = await launch(db, "#/calendar");
  try {
    await step(app, "Mine shows only the activities of the team member set as me", async () => {
      await click(app, "calendar-mine");
      await waitContent(app, "calendar", "Grace demo", 15000);
      await waitGone(app, "Alan call 1");
      const pressed = await (await app.$(byTest("calendar-mine"))).getAttribute("aria-pressed");
      assert.equal(pressed, "true");
      const hints = await app.$$(byTest("calendar-me-hint"));
      assert.equal(hints.length, 0, "no 'nobody is set as you' notice when someone is");
      await shot(app, "60-calendar-mine");
    });

    await step(app, "Everyone shows the whole team's", async () => {
      await click(app, "calendar-everyone");
      await waitContent(app, "calendar", "Alan call 7");
      await waitContent(app, "calendar", "Grace demo");
    });

    await step(app, "the month grid shows a busy day's first items and '+K more'", async () => {
      const month = await app.$(".fc-dayGridMonth-button");
      await month.waitForClickable({ timeout: 10000 });
      await month.click();
      await waitContent(app, "calendar", "+4 more", 15000);
      await waitContent(app, "calendar", "Grace demo");
      await waitGone(app, "Alan call 7");
      await shot(app, "61-calendar-month-more");
    });

    await step(app, "'+K more' opens that day's full list", async () => {
      const more = await app.$(".ev-more");
      await more.waitForClickable({ timeout: 10000 });
      await more.click();
      await waitContent(app, "day-list-count", "8 items");
      await waitContent(app, "day-list", "Alan call 7");
      const items = await app.$$(byTest("day-list-item"));
      assert.equal(items.length, 8);
      await shot(app, "62-calendar-day-list");
      await click(app, "day-list-close");
      await (await app.$(byTest("day-list"))).waitForExist({ reverse: true, timeout: 10000 });
    });

    await step(app, "back to Mine, the month shows only my item and no '+K more'", async () => {
      await click(app, "calendar-mine");
      await waitGone(app, "+4 more");
      await waitContent(app, "calendar", "Grace demo");
      assert.ok(!(await calendarText(app)).includes("Alan call 1"));
    });
  } finally {
    await app?.deleteSession().catch(() => {});
  }
});

test("with nobody set as me, the calendar says so and shows everyone", async () => {
  const db = freshDb();
  cli(db, "team", "add", "--name", "Alan Turing");
  cli(db, "activities", "add", "--type", "call", "--subject", "Unowned call", "--due", `${today()}T10:00`);
  cli(db, "activities", "add", "--type", "call", "--subject", "Alan call", "--due", `${today()}T11:00`,
    "--owner", "Alan Turing");
  const app = await launch(db, "#/calendar");
  try {
    await step(app, "Mine without a me: a plain notice, and everyone's activities", async () => {
      await click(app, "calendar-mine");
      await waitContent(app, "calendar-me-hint", "Nobody is set as you yet", 15000);
      await waitContent(app, "calendar", "Unowned call");
      await waitContent(app, "calendar", "Alan call");
      await shot(app, "63-calendar-no-me");
    });
  } finally {
    await app?.deleteSession().catch(() => {});
  }
});
