// Marketing in the real window (the acceptance test of the marketing issue): bakeries and a
// garage are seeded through the CLI, with one baker unsubscribed and one without an address;
// a segment is built with the condition builder (its live count follows AND and OR), saved,
// and a promotion is previewed (who gets it, who is skipped and why, the message filled for
// the first) and queued; the outbox then holds it, waiting for SMTP to be set up.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitContent } from "./harness.mjs";

before(startDriver);
after(stopDriver);

function seed(db) {
  cli(db, "accounts", "add", "--name", "Crumb & Co", "--industry", "Bakery", "--turnover-band", "1-5M");
  cli(db, "accounts", "add", "--name", "Rye Brothers", "--industry", "Bakery", "--turnover-band", "<1M");
  cli(db, "accounts", "add", "--name", "Fix-It Garage", "--industry", "Automotive");
  const person = (first, last, account, ...extra) =>
    cli(db, "contacts", "add", "--first-name", first, "--last-name", last, "--account", account, ...extra);
  person("Zoë", "Baker", "Crumb & Co", "--email", "zoe@crumb.example");
  person("Otto", "Rye", "Rye Brothers", "--email", "otto@rye.example", "--unsubscribed", "yes");
  person("Nina", "Flour", "Rye Brothers");
  person("Max", "Wrench", "Fix-It Garage", "--email", "max@fixit.example");
  cli(db, "templates", "add", "--name", "Winter offer", "--subject", "Winter offer for {{company}}",
    "--body", "Hello {{first_name|there}},\n\n20 % off all flour at {{company}} until January.\n\n{{sender|The team}}");
  cli(db, "campaigns", "add", "--name", "Winter mailing", "--type", "promotion", "--cost", "120",
    "--currency", "EUR");
}

const selectValue = async (app, testId, value) => {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.selectByAttribute("value", value);
};

// Table rows open on click; WebKitWebDriver will not click a <tr>, so the DOM does.
const openRow = async (app, testId) => {
  await (await app.$(byTest(testId))).waitForExist({ timeout: 10000 });
  await app.execute((sel) => document.querySelector(sel).click(), byTest(testId));
};

const setText = async (app, testId, value) => {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
};

test("a segment is built with a live count, and a promotion to it is previewed and queued", async () => {
  const db = freshDb();
  seed(db);
  const app = await launch(db, "#/marketing/segments/new");
  try {
    await step(app, "the builder counts the bakers as the condition is set", async () => {
      await setText(app, "segment-name", "Bakers");
      await selectValue(app, "segment-entity", "contacts");
      await click(app, "segment-add-condition");
      await selectValue(app, "condition-field-0", "industry");
      await selectValue(app, "condition-op-0", "is");
      await selectValue(app, "condition-value-0", "Bakery");
      await waitContent(app, "segment-count", "3");
      await app.waitUntil(async () => (await app.$$(byTest("segment-preview-row"))).length === 3, {
        timeout: 10000,
        timeoutMsg: "the preview never listed the three bakers",
      });
      const people = await app.execute(
        (sel) => document.querySelector(sel)?.textContent ?? "",
        byTest("segment-preview"),
      );
      assert.match(people, /Zoë Baker/);
      assert.match(people, /Otto Rye/);
      assert.doesNotMatch(people, /Max Wrench/);
    });

    await step(app, "OR widens the segment and AND narrows it again", async () => {
      await click(app, "segment-add-condition");
      await selectValue(app, "condition-field-1", "industry");
      await selectValue(app, "condition-op-1", "is");
      await selectValue(app, "condition-value-1", "Automotive");
      // Bakery AND Automotive: nobody.
      await waitContent(app, "segment-count", "0");
      await selectValue(app, "segment-match", "any");
      await waitContent(app, "segment-count", "4");
      await shot(app, "90-segment-builder-or");
      await click(app, "condition-remove-1");
      await selectValue(app, "segment-match", "all");
      await waitContent(app, "segment-count", "3");
      await shot(app, "90-segment-builder");
    });

    await step(app, "the segment is saved and counted by the CLI too", async () => {
      await click(app, "segment-save");
      await app.waitUntil(async () => /#\/marketing\/segments\/[0-9a-f-]{36}/.test(await app.getUrl()), {
        timeout: 10000,
        timeoutMsg: "saving did not open the segment",
      });
      assert.equal(cli(db, "segments", "count", "Bakers"), "3");
    });

    await step(app, "the promotion preview names who gets it, who is skipped and why", async () => {
      await app.execute(() => {
        window.location.hash = "#/marketing/promotions/new";
      });
      await setText(app, "promotion-name", "Winter flour");
      const templates = JSON.parse(cli(db, "templates", "list", "--format", "json"));
      const segments = JSON.parse(cli(db, "segments", "list", "--format", "json"));
      const campaigns = JSON.parse(cli(db, "campaigns", "list", "--format", "json"));
      await selectValue(app, "promotion-template", templates[0].id);
      await selectValue(app, "promotion-segment", segments[0].id);
      await selectValue(app, "promotion-campaign", campaigns[0].id);
      await click(app, "promotion-preview-btn");
      await waitContent(app, "promotion-will-send", "1");
      await waitContent(app, "promotion-skipped", "2");
      await waitContent(app, "promotion-preview", "unsubscribed");
      await waitContent(app, "promotion-preview", "has no e-mail address");
      await waitContent(app, "promotion-sample", "Winter offer for Crumb & Co");
      await waitContent(app, "promotion-sample", "Hello Zoë,");
      await shot(app, "91-promotion-preview");
    });

    await step(app, "queuing it puts one message per recipient in the outbox, with its progress", async () => {
      await click(app, "promotion-queue");
      await click(app, "confirm");
      await app.waitUntil(async () => /#\/marketing\/promotions\/[0-9a-f-]{36}/.test(await app.getUrl()), {
        timeout: 10000,
        timeoutMsg: "queuing did not open the promotion",
      });
      const progress = await app.$(byTest("promotion-progress"));
      await progress.waitForDisplayed({ timeout: 10000 });
      const outbox = JSON.parse(cli(db, "outbox", "list", "--format", "json"));
      assert.deepEqual(outbox.map((m) => m.status).sort(), ["queued", "skipped", "skipped"]);
      const queued = outbox.find((m) => m.status === "queued");
      assert.equal(queued.to_address, "zoe@crumb.example");
      assert.equal(queued.subject, "Winter offer for Crumb & Co");
      await shot(app, "92-promotion-queued");
    });

    await step(app, "the outbox lists the messages and says sending is not set up", async () => {
      await app.execute(() => {
        window.location.hash = "#/marketing/outbox";
      });
      await app.waitUntil(async () => (await app.$$(byTest("outbox-row"))).length === 3, {
        timeout: 10000,
        timeoutMsg: "the outbox never listed three messages",
      });
      await (await app.$(byTest("outbox-smtp-banner"))).waitForDisplayed({ timeout: 10000 });
      await shot(app, "93-outbox");
      // The banner's link opens the e-mail settings.
      await click(app, "outbox-smtp-link");
      await (await app.$(byTest("smtp-host"))).waitForDisplayed({ timeout: 10000 });
    });

    await step(app, "the campaign counts the promotion's one recipient, not the two skipped, as members", async () => {
      await app.execute(() => {
        window.location.hash = "#/marketing/campaigns";
      });
      await waitContent(app, "campaign-list", "Winter mailing");
      const report = JSON.parse(cli(db, "campaigns", "report", "Winter mailing", "--format", "json"));
      assert.equal(report[0].members, 1);
      await shot(app, "94-campaigns");
      await app.execute(() => {
        window.location.hash = "#/marketing/templates";
      });
      await openRow(app, "template-row");
      await (await app.$(byTest("template-body"))).waitForDisplayed({ timeout: 10000 });
      // Previewed on a real contact: the merge fields filled, as text and as HTML.
      const search = await app.$(byTest("contact-search"));
      await search.setValue("Zoë");
      await click(app, "contact-option");
      await waitContent(app, "template-preview", "Hello Zoë,");
      await waitContent(app, "template-preview", "Winter offer for Crumb & Co");
      await shot(app, "95-template-editor");
      await click(app, "template-preview-html-toggle");
      await (await app.$(byTest("template-preview-html"))).waitForDisplayed({ timeout: 10000 });
      await shot(app, "95-template-html");
    });

    await step(app, "a sequence shows its steps and who is in it; the contact shows its sequences", async () => {
      cli(db, "templates", "add", "--name", "Welcome", "--subject", "Welcome, {{first_name}}", "--body", "Hello!");
      cli(db, "templates", "add", "--name", "Product info", "--subject", "Our flours", "--body", "Rye, spelt, wheat.");
      cli(db, "sequences", "add", "--name", "New bakery leads", "--new-leads", "--lead-source", "Web form",
        "--step", "Welcome:0", "--step", "Product info:2", "--step", "Winter offer:3");
      const zoe = JSON.parse(cli(db, "contacts", "list", "--format", "json"))
        .find((c) => c.first_name === "Zoë").id;
      cli(db, "sequences", "enroll", "New bakery leads", "--contact", zoe);
      await app.execute(() => {
        window.location.hash = "#/marketing/sequences";
      });
      await waitContent(app, "sequence-list", "New bakery leads");
      await openRow(app, "sequence-row");
      await waitContent(app, "enrolment-list", "Zoë Baker");
      await shot(app, "96-sequence");
      await app.execute((id) => {
        window.location.hash = `#/contacts/${id}`;
      }, zoe);
      await waitContent(app, "record-sequences", "New bakery leads");
      await app.execute(() => {
        window.location.hash = "#/settings";
      });
      const host = await app.$(byTest("smtp-host"));
      await host.waitForDisplayed({ timeout: 10000 });
      await host.scrollIntoView();
      await shot(app, "97-settings-email");
    });
  } finally {
    await app.deleteSession();
  }
});
