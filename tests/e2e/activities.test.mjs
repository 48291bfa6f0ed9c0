// Activities in the real window: log a call with its follow-up from a contact, find the
// follow-up on the Today screen, tick it off; a reminder that fell due while the app was
// closed is shown at the next start; the calendar shows the week.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

async function type(app, testId, value) {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
}

async function go(app, hash) {
  await app.execute((h) => {
    window.location.hash = h;
  }, hash);
}

test("log a call with a follow-up from a contact, then work it off the Today screen", async () => {
  const db = freshDb();
  const ada = cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.com");
  // A reminder that fell due yesterday, while the app was closed.
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  cli(db, "activities", "add", "--type", "call", "--subject", "Renewal call", "--contact", ada,
    "--due", yesterday, "--remind", yesterday);
  // Something on the calendar this week, recurring.
  const today = new Date().toISOString().slice(0, 10);
  cli(db, "activities", "add", "--type", "meeting", "--subject", "Weekly pipeline review", "--due", `${today}T09:00`,
    "--duration", "60", "--rrule", "FREQ=WEEKLY");

  let app = await launch(db);
  try {
    await step(app, "the missed reminder is shown once at start, and listed under the bell", async () => {
      await waitText(app, "reminders-bell", "1", 15000);
      await click(app, "reminders-bell");
      await waitText(app, "reminders-panel", "Renewal call");
      await shot(app, "20-reminders-panel");
      await click(app, "reminder-dismiss");
      await app.waitUntil(async () => !(await (await app.$(byTest("reminders-panel"))).getText()).includes("Renewal call"), {
        timeout: 10000,
        timeoutMsg: "the dismissed reminder stayed in the panel",
      });
      await app.keys("Escape");
    });

    await step(app, "from the contact, one key opens 'log an interaction' for them", async () => {
      await go(app, `#/contacts/${ada}`);
      await waitText(app, "contact-name", "Ada Lovelace");
      await (await app.$("body")).click();
      await app.keys("l");
      await (await app.$(byTest("activity-dialog"))).waitForDisplayed({ timeout: 10000 });
      const dialog = await (await app.$(byTest("activity-dialog"))).getText();
      assert.match(dialog, /Ada Lovelace/, "the dialog is prefilled with the contact");
    });

    await step(app, "log the call and schedule the follow-up in one save", async () => {
      await (await app.$(byTest("activity-kind"))).selectByAttribute("value", "call");
      await type(app, "activity-subject", "Intro call about the engines");
      await type(app, "activity-notes", "Wants a quote for two engines.");
      await (await app.$(byTest("activity-outcome"))).selectByAttribute("value", "connected");
      const followUp = await app.$(byTest("follow-up-toggle"));
      if (!(await followUp.isSelected())) await followUp.click();
      await type(app, "follow-up-subject", "Send the engine quote");
      await click(app, "follow-up-tomorrow");
      await shot(app, "21-log-call-dialog");
      await click(app, "activity-save");
      await (await app.$(byTest("activity-dialog"))).waitForExist({ reverse: true, timeout: 10000 });
      await waitText(app, "timeline", "Intro call about the engines");
      await waitText(app, "timeline", "Send the engine quote");
      await shot(app, "22-contact-timeline");
    });

    await step(app, "the timeline filters to calls", async () => {
      await click(app, "timeline-filter-call");
      await waitText(app, "timeline", "Intro call about the engines");
      await app.waitUntil(async () => !(await (await app.$(byTest("timeline"))).getText()).includes("Created"), {
        timeout: 10000,
        timeoutMsg: "the record's history still showed with only calls selected",
      });
      await click(app, "timeline-filter-call");
    });

    await step(app, "the follow-up is on the Today screen and one click marks it done", async () => {
      await click(app, "nav-today");
      await waitText(app, "agenda-upcoming", "Send the engine quote");
      await waitText(app, "agenda-overdue", "Renewal call");
      await shot(app, "23-today");
      const items = await app.$$(byTest("agenda-item"));
      let target;
      for (const item of items) {
        if ((await item.getText()).includes("Send the engine quote")) target = item;
      }
      assert.ok(target, "the follow-up is an agenda item");
      await (await target.$(byTest("agenda-done"))).click();
      await app.waitUntil(
        async () => !(await (await app.$(byTest("agenda-upcoming")).catch(() => null))?.getText?.().catch(() => ""))?.includes?.("Send the engine quote"),
        { timeout: 10000, timeoutMsg: "the done item stayed on the agenda" },
      );
    });

    await step(app, "the calendar shows the week with the recurring meeting", async () => {
      await click(app, "nav-calendar");
      await waitText(app, "calendar", "Weekly pipeline review");
      await shot(app, "24-calendar");
    });

    await step(app, "after a restart the reminder is not shown again and the call is still logged", async () => {
      await app.deleteSession();
      app = await launch(db);
      await go(app, `#/contacts/${ada}`);
      await waitText(app, "timeline", "Intro call about the engines");
      const bell = await (await app.$(byTest("reminders-bell"))).getText();
      assert.doesNotMatch(bell, /\b1\b/, "the dismissed reminder does not come back");
    });
  } finally {
    await app?.deleteSession().catch(() => {});
  }
});
