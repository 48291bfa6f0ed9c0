// Customer service in the real window (the acceptance test of tickets): the queues with their
// counts and SLA figures, a ticket opened from the form, answered while the customer is
// waited on (the resolution clock pauses), brought back by the customer's answer, resolved,
// and seen on the account's page; the command line agrees with what the window showed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitContent, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

async function setText(app, testId, value) {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
}

async function clockState(app, clock) {
  return (await app.$(byTest(`ticket-sla-${clock}`))).getAttribute("data-state");
}

async function waitState(app, clock, state) {
  await app.waitUntil(async () => (await clockState(app, clock)) === state, {
    timeout: 10000,
    timeoutMsg: `the ${clock} clock never became ${state}`,
  });
}

test("open a ticket, answer it, wait on the customer, resolve it and see the SLA figures", async () => {
  const db = freshDb();
  // Office hours round the clock, in UTC, so the figures do not depend on when this runs.
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].flatMap((d) => ["--day", `${d}=00:00-24:00`]);
  cli(db, "sla", "hours", "--zone", "UTC", ...days);
  const grace = cli(db, "team", "add", "--name", "Grace Hopper");
  assert.ok(grace);
  cli(db, "tickets", "me", "Grace Hopper");
  const acme = cli(db, "accounts", "add", "--name", "Acme GmbH", "--industry", "Manufacturing");
  cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--account-id", acme, "--email", "ada@acme.test");
  cli(db, "tickets", "add", "--subject", "Invoice shows the wrong VAT rate", "--account-id", acme,
    "--priority", "high", "--category", "complaint", "--owner", "Grace Hopper");
  cli(db, "tickets", "add", "--subject", "How do I export my contacts?", "--priority", "low",
    "--category", "question", "--channel", "web_form");
  cli(db, "tickets", "add", "--subject", "Label printer driver crashes", "--account-id", acme,
    "--priority", "urgent", "--category", "problem", "--channel", "phone", "--owner", "Grace Hopper");
  cli(db, "tickets", "reply", "3", "--body", "Which driver version do you run?", "--status", "waiting");

  const app = await launch(db);
  try {
    await step(app, "the queues show their counts and the SLA of each ticket", async () => {
      await click(app, "nav-tickets");
      await (await app.$(byTest("tickets-screen"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "queue-count-open", "3");
      await waitText(app, "queue-count-waiting", "1");
      await waitText(app, "queue-count-mine", "2");
      await waitText(app, "ticket-row-1", "Invoice shows the wrong VAT rate");
      await waitText(app, "ticket-row-1", "left");
      await waitText(app, "ticket-row-3", "Paused");
      await waitText(app, "nav-tickets", "3");
      await shot(app, "60-tickets-queue");
      await click(app, "queue-waiting");
      await app.waitUntil(async () => !(await (await app.$(byTest("ticket-row-1"))).isExisting()), {
        timeout: 10000,
        timeoutMsg: "the waiting queue still lists ticket 1",
      });
      await waitText(app, "ticket-row-3", "Label printer driver crashes");
    });

    await step(app, "open a complaint from the form, for Acme", async () => {
      await click(app, "queue-open");
      await click(app, "new-ticket");
      await setText(app, "ticket-subject", "Delivery arrived damaged");
      await setText(app, "ticket-description", "Two of the five boxes were crushed; photos will follow.");
      await (await app.$(byTest("ticket-category"))).selectByAttribute("value", "complaint");
      await (await app.$(byTest("ticket-priority"))).selectByAttribute("value", "high");
      await (await app.$(byTest("ticket-channel"))).selectByAttribute("value", "phone");
      await setText(app, "account-search", "Acme");
      await click(app, "account-option");
      await waitText(app, "account-chosen", "Acme GmbH");
      await click(app, "save");
      await (await app.$(byTest("ticket-detail"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "ticket-title", "#4 Delivery arrived damaged");
      await waitText(app, "ticket-status", "New");
      assert.equal(await clockState(app, "first_response"), "running");
      assert.equal(await clockState(app, "resolution"), "running");
      // High priority: four business hours for the first reply, eight to resolve.
      await waitText(app, "ticket-sla", "4h");
      await waitText(app, "ticket-sla", "8h");
    });

    await step(app, "reply and wait on the customer: first response met, resolution paused", async () => {
      await click(app, "ticket-kind-reply");
      await setText(app, "ticket-reply-body", "We are sorry! Could you send us photos of the boxes?");
      await click(app, "ticket-send-wait");
      await waitText(app, "ticket-status", "Waiting");
      await waitState(app, "first_response", "met");
      await waitState(app, "resolution", "paused");
      await waitText(app, "ticket-thread", "Could you send us photos");
      await shot(app, "61-ticket-waiting");
    });

    await step(app, "an internal note, then the customer's answer reopens the ticket", async () => {
      await click(app, "ticket-kind-note");
      await setText(app, "ticket-reply-body", "Carrier claim number 4711 opened.");
      await click(app, "ticket-send");
      await (await app.$(byTest("ticket-message-note"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "ticket-status", "Waiting");
      await click(app, "ticket-kind-customer");
      await setText(app, "ticket-reply-body", "Photos attached, the boxes were wet too.");
      await click(app, "ticket-send");
      await waitText(app, "ticket-status", "Open");
      await waitState(app, "resolution", "running");
    });

    await step(app, "resolve it: the resolution target is met", async () => {
      await click(app, "ticket-status-resolved");
      await waitText(app, "ticket-status", "Resolved");
      await waitState(app, "resolution", "met");
      await waitText(app, "ticket-thread", "Resolved");
      await shot(app, "62-ticket-resolved");
    });

    await step(app, "the command line agrees", async () => {
      const t = JSON.parse(cli(db, "tickets", "get", "4", "--format", "json"));
      assert.equal(t.status, "resolved");
      assert.equal(t.category, "complaint");
      assert.equal(t.channel, "phone");
      assert.equal(t.account_name, "Acme GmbH");
      assert.deepEqual(t.messages.map((m) => m.kind), ["reply", "note", "customer"]);
      assert.deepEqual(t.history.map((h) => h.status), ["new", "waiting", "open", "resolved"]);
      assert.equal(t.sla.first_response.state, "met");
      assert.equal(t.sla.resolution.state, "met");
      assert.equal(t.sla.breached, false);
      const stats = JSON.parse(cli(db, "tickets", "complaints", "--format", "json"));
      assert.equal(stats.complaints, 2);
      assert.equal(stats.accounts[0].account_name, "Acme GmbH");
    });

    await step(app, "the account page lists the ticket and its timeline shows it", async () => {
      await click(app, "ticket-account");
      await (await app.$(byTest("account-service"))).waitForDisplayed({ timeout: 10000 });
      await (await app.$(byTest("account-service"))).scrollIntoView();
      await waitContent(app, "ticket-row-4", "Delivery arrived damaged");
      const timeline = await app.$(byTest("timeline"));
      await timeline.scrollIntoView();
      await waitText(app, "timeline", "Ticket #4 resolved");
      await (await app.$(byTest("account-service"))).scrollIntoView();
      await shot(app, "63-account-service");
    });

    await step(app, "the service settings show the working week and the SLA targets", async () => {
      await app.execute(() => {
        window.location.hash = "#/settings";
      });
      const section = await app.$(byTest("settings-service"));
      await section.waitForDisplayed({ timeout: 10000 });
      await section.scrollIntoView();
      const start = await app.$(byTest("hours-start-monday"));
      assert.equal(await start.getValue(), "00:00");
      await shot(app, "64-service-settings");
    });
  } finally {
    await app.deleteSession();
  }
});
