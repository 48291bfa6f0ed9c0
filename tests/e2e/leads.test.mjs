// Call lists and leads in the real window (the acceptance test of pre-leads): import a call
// list, work through the calling queue, promote someone to a lead, convert the lead into an
// account, a contact and a deal, and check the call followed along, in the window and
// through the command line.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

// Five people; Carla has a number from the range reserved for fiction (555-01xx).
const CSV = `Name,Company,Title,Phone,E-mail,City,Booth,Interest
Ada Lovelace,Analytical Engines,Head of research,+49 30 1111111,ada@engines.test,Berlin,A1,Robots
Bob Builder,Build It,Owner,+49 40 2222222,bob@buildit.test,Hamburg,B2,Cranes
Carla Cruz,Cruz Logistics,Purchasing,+1 202 555 0143,carla@cruz.test,Washington,C3,Fleet software
Dan Dorsey,Dorsey Foods,CEO,+49 221 4444444,dan@dorsey.test,Cologne,D4,Cold chain
Eve Evans,Evans Tools,Buyer,+49 228 5555555,eve@evans.test,Bonn,E5,Tools
`;

async function setText(app, testId, value) {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
}

async function queueShows(app, name) {
  await waitText(app, "queue-name", name);
}

test("call a list, promote someone to a lead and convert the lead into a deal", async () => {
  const db = freshDb();
  const file = join(dirname(db), "spring-fair.csv");
  writeFileSync(file, CSV);
  const report = cli(db, "calllists", "import", file, "--name", "Spring fair", "--script",
    "Hello, this is Grace from Rapport. We met at the spring fair — do you have two minutes?");
  assert.match(report, /5 added/);
  // Some leads from elsewhere, for the board.
  cli(db, "leads", "add", "--name", "Frank Fischer", "--company", "Fischer & Sons", "--source", "Web form", "--rating", "hot");
  cli(db, "leads", "add", "--name", "Gina Gold", "--company", "Gold Media", "--source", "Referral", "--status", "qualified", "--rating", "warm");
  cli(db, "leads", "add", "--name", "Hank Hill", "--company", "Propane Co", "--source", "Trade fair", "--status", "unqualified", "--rating", "cold");

  const app = await launch(db);
  try {
    await step(app, "the call list shows its progress and starts calling", async () => {
      await click(app, "nav-calllists");
      await waitText(app, "calllist-row", "Spring fair");
      const cells = await app.execute(() =>
        [...document.querySelectorAll('[data-testid="calllist-row"] td')].map((td) => td.textContent.trim()),
      );
      assert.deepEqual(cells.slice(1, 6), ["5", "0", "5", "0", "0"], `people, called, remaining, due, promoted: ${cells}`);
      await shot(app, "55-call-lists");
      await click(app, "calllist-start");
      await (await app.$(byTest("call-queue"))).waitForDisplayed({ timeout: 10000 });
      await queueShows(app, "Ada Lovelace");
      await waitText(app, "queue-progress", "0 of 5 called");
      await waitText(app, "queue-script", "spring fair");
      const tel = await (await app.$(byTest("queue-phone"))).getAttribute("href");
      assert.equal(tel, "tel:+49 30 1111111");
      await shot(app, "50-call-queue");
    });

    await step(app, "person 1: no answer", async () => {
      await click(app, "outcome-no_answer");
      await queueShows(app, "Bob Builder");
      await waitText(app, "queue-progress", "1 of 5 called");
    });

    await step(app, "person 2: call back tomorrow at 9:00", async () => {
      await click(app, "outcome-call_back");
      await click(app, "callback-tomorrow");
      await click(app, "callback-confirm");
      await queueShows(app, "Carla Cruz");
    });

    await step(app, "person 3: interested, with a note; the toast links to the new lead", async () => {
      // Typing digits and S in the note must not record or skip anything.
      await setText(app, "queue-note", "Wants a demo for 15 trucks, call Tuesday");
      await queueShows(app, "Carla Cruz");
      await click(app, "outcome-interested");
      const toast = await app.$(`//*[@data-testid="toast"][contains(., "Promoted to lead")]`);
      await toast.waitForDisplayed({ timeout: 10000 });
      assert.match(await toast.getText(), /Carla Cruz/);
      await queueShows(app, "Dan Dorsey");
      await (await toast.$(byTest("toast-open-lead"))).click();
      await waitText(app, "lead-name", "Carla Cruz");
      await waitText(app, "timeline", "interested");
    });

    let leadId;
    await step(app, "convert the lead: new account, new contact and a deal of 1,234.50", async () => {
      leadId = (await app.execute(() => window.location.hash)).match(/#\/leads\/([^/?]+)/)?.[1];
      assert.ok(leadId, "the lead's id is in the address");
      await click(app, "lead-convert");
      await (await app.$(byTest("convert-dialog"))).waitForDisplayed({ timeout: 10000 });
      const accountName = await app.$(byTest("convert-account-name"));
      await accountName.waitForDisplayed({ timeout: 10000 });
      assert.equal(await accountName.getValue(), "Cruz Logistics");
      await click(app, "convert-create-deal");
      await setText(app, "convert-deal-amount", "1234.50");
      await setText(app, "convert-deal-currency", "EUR");
      await shot(app, "51-convert-dialog");
      await click(app, "convert-submit");
      await (await app.$(byTest("convert-dialog"))).waitForExist({ reverse: true, timeout: 10000 });
    });

    await step(app, "land on the deal, whose timeline shows the call from the queue", async () => {
      await (await app.$(byTest("deal-name"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "deal-amount", "1,234.50");
      await waitText(app, "timeline", "Carla Cruz");
      await waitText(app, "timeline", "interested");
      await shot(app, "52-deal-after-conversion");
    });

    await step(app, "the command line agrees", async () => {
      const lead = JSON.parse(cli(db, "leads", "get", leadId, "--format", "json"));
      assert.equal(lead.status, "converted");
      const conv = lead.conversion;
      assert.ok(conv?.account_id && conv.contact_id && conv.opportunity_id, `conversion: ${JSON.stringify(conv)}`);
      const deal = JSON.parse(cli(db, "deals", "get", conv.opportunity_id, "--format", "json"));
      assert.deepEqual(deal.amount, { amount_minor: 123450, currency: "EUR" });

      const activities = JSON.parse(cli(db, "activities", "list", "--format", "json"));
      const call = activities.find((a) => a.subject.includes("Carla Cruz") && a.subject.includes("interested"));
      assert.ok(call, `the call is logged: ${activities.map((a) => a.subject).join(", ")}`);
      assert.equal(call.notes, "Wants a demo for 15 trucks, call Tuesday");
      const linked = new Set(call.links.map((l) => `${l.entity}:${l.id}`));
      assert.ok(linked.has(`contacts:${conv.contact_id}`), "linked to the contact");
      assert.ok(linked.has(`accounts:${conv.account_id}`), "linked to the account");
      assert.ok(linked.has(`opportunities:${conv.opportunity_id}`), "linked to the deal");
      assert.ok(!call.links.some((l) => l.entity === "leads"), "no longer linked to the lead");

      const progress = JSON.parse(cli(db, "calllists", "progress", "Spring fair", "--format", "json"));
      assert.equal(progress.called, 3);
      assert.equal(progress.promoted, 1);
      assert.equal(progress.callbacks_due + progress.callbacks_later, 1);
    });

    await step(app, "the lead page says what it became; the leads board shows the statuses", async () => {
      await app.execute((hash) => {
        window.location.hash = hash;
      }, `#/leads/${leadId}`);
      await waitText(app, "lead-conversion", "Converted on");
      await waitText(app, "lead-conversion", "Cruz Logistics");
      await shot(app, "54-lead-converted");
      assert.equal(await (await app.$(byTest("lead-convert"))).isExisting(), false);
      await click(app, "nav-leads");
      await (await app.$(byTest("lead-row"))).waitForDisplayed({ timeout: 10000 });
      await shot(app, "56-leads-list");
      await click(app, "leads-tab-board");
      await (await app.$(`[data-testid="lead-column"][data-status="converted"]`)).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "leads-board", "Carla Cruz");
      await waitText(app, "leads-board", "Frank Fischer");
      await shot(app, "53-leads-board");
    });

    await step(app, "settings: add the lead source Podcast", async () => {
      await click(app, "nav-settings");
      const section = await app.$(byTest("lead-sources"));
      await section.waitForDisplayed({ timeout: 10000 });
      await waitText(app, "lead-sources", "Web form");
      await setText(app, "lead-source-add-input", "  Podcast ");
      await click(app, "lead-source-add");
      await (await app.$(`[data-testid="lead-source-row"][data-source="Podcast"]`)).waitForDisplayed({ timeout: 10000 });
      await section.scrollIntoView();
      await shot(app, "57-settings-lead-sources");
      const sources = JSON.parse(cli(db, "leads", "sources", "--format", "json"));
      assert.ok(sources.some((s) => s.name === "Podcast"), `sources: ${JSON.stringify(sources)}`);
    });

    await step(app, "edit the call list: name, script, attempts", async () => {
      await click(app, "nav-calllists");
      await waitText(app, "calllist-row", "Spring fair");
      await click(app, "calllist-name");
      await click(app, "calllist-edit");
      const form = await app.$(byTest("calllist-edit-form"));
      await form.waitForDisplayed({ timeout: 10000 });
      const name = await form.$('[name="calllist.name"]');
      await name.clearValue();
      await name.setValue("Spring fair 2026");
      const attempts = await form.$('[name="calllist.max_attempts"]');
      await attempts.clearValue();
      await attempts.setValue("5");
      await shot(app, "58-call-list-edit");
      await click(app, "calllist-save");
      await form.waitForExist({ reverse: true, timeout: 10000 });
      const lists = JSON.parse(cli(db, "calllists", "list", "--format", "json"));
      const list = lists.find((l) => l.name === "Spring fair 2026");
      assert.ok(list, `lists: ${lists.map((l) => l.name).join(", ")}`);
      assert.equal(list.max_attempts, 5);
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
