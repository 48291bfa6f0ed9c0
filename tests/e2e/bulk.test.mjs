// Working on many records at once: filters, selection, bulk actions with undo, saved views,
// and a custom field from definition to form to list column.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, rows, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

const names = async (app) => (await rows(app, "contacts-table")).map((r) => r.split(" | ")[0].split(" · ")[0]);

test("select, tag, filter, save a view, delete and undo; a custom field end to end", async () => {
  const db = freshDb();
  cli(db, "team", "add", "--name", "Sam Seller");
  cli(db, "fields", "add", "--entity", "contacts", "--label", "Tier", "--kind", "single_select", "--option", "Gold", "--option", "Silver");
  for (const [first, last] of [["Ada", "Lovelace"], ["Alan", "Turing"], ["Grace", "Hopper"], ["Edsger", "Dijkstra"]]) {
    cli(db, "contacts", "add", "--first-name", first, "--last-name", last);
  }
  cli(db, "segments", "add", "--name", "Fair invitations", "--static");
  const app = await launch(db, "#/contacts");
  try {
    await step(app, "select two people and tag them", async () => {
      await app.waitUntil(async () => (await names(app)).length === 4, { timeout: 10000 });
      const boxes = await app.$$(byTest("row-select"));
      await boxes[0].click(); // Dijkstra
      await boxes[1].click(); // Hopper
      await (await app.$(byTest("bulk-bar"))).waitForDisplayed();
      await (await app.$(byTest("bulk-tag"))).setValue("fair-2026");
      await shot(app, "13-bulk-selection");
      await click(app, "bulk-add-tag");
      await waitText(app, "bulk-done", "Tagged 2 contacts");
    });

    await step(app, "the tag filter keeps the tagged two", async () => {
      const select = await app.$(byTest("filter-tag"));
      await select.waitUntil(async () => (await select.getText()).includes("fair-2026"), { timeout: 10000 });
      await select.selectByVisibleText("fair-2026");
      await app.waitUntil(async () => (await names(app)).length === 2, { timeout: 10000, timeoutMsg: "the tag filter did not apply" });
      assert.deepEqual(await names(app), ["Edsger Dijkstra", "Grace Hopper"]);
    });

    await step(app, "save the filter as a view", async () => {
      await click(app, "save-view");
      await (await app.$(byTest("view-name"))).setValue("Fair leads");
      await click(app, "view-save");
      const views = await app.$(byTest("view-select"));
      await views.waitUntil(async () => (await views.getText()).includes("Fair leads"), { timeout: 10000 });
      const saved = JSON.parse(cli(db, "contacts", "list", "--view", "Fair leads", "--format", "json"));
      assert.equal(saved.length, 2, "the CLI applies the view saved in the app");
      await shot(app, "14-filtered-view");
    });

    await step(app, "put the tagged two on a static list", async () => {
      const boxes = await app.$$(byTest("row-select"));
      await boxes[0].click();
      await boxes[1].click();
      const lists = await app.$(byTest("bulk-list"));
      await lists.waitUntil(async () => (await lists.getText()).includes("Fair invitations"), { timeout: 10000 });
      await shot(app, "13b-bulk-add-to-list");
      await lists.selectByVisibleText("Fair invitations");
      await waitText(app, "bulk-done", "Added 2 contacts to Fair invitations");
      assert.equal(cli(db, "segments", "count", "Fair invitations").trim(), "2");
      const members = JSON.parse(cli(db, "segments", "members", "Fair invitations", "--format", "json"));
      assert.deepEqual(members.members.map((m) => m.name).sort(), ["Edsger Dijkstra", "Grace Hopper"]);
    });

    await step(app, "delete the selection after confirming, then undo", async () => {
      const boxes = await app.$$(byTest("row-select"));
      await boxes[0].click();
      await boxes[1].click();
      await click(app, "bulk-delete");
      await click(app, "confirm");
      await waitText(app, "bulk-done", "Deleted 2 contacts");
      assert.equal(JSON.parse(cli(db, "contacts", "list", "--format", "json")).length, 2);
      await click(app, "bulk-undo");
      await app.waitUntil(async () => JSON.parse(cli(db, "contacts", "list", "--format", "json")).length === 4, {
        timeout: 10000,
        timeoutMsg: "undo did not bring the two back",
      });
    });

    await step(app, "a custom field appears in the form, the record and the list", async () => {
      await app.execute(() => {
        window.location.hash = "#/contacts";
      });
      await app.waitUntil(async () => (await names(app)).length >= 2, { timeout: 10000 });
      const ada = JSON.parse(cli(db, "contacts", "search", "lovelace", "--format", "json"))[0];
      await app.execute((id) => {
        window.location.hash = `#/contacts/${id}/edit`;
      }, ada.id);
      await (await app.$(byTest("custom-fields"))).waitForDisplayed({ timeout: 10000 });
      const tier = await app.$('[data-testid="custom-fields"] select');
      await tier.selectByVisibleText("Gold");
      await click(app, "save");
      await waitText(app, "custom-values", "Gold");
      const got = JSON.parse(cli(db, "contacts", "get", ada.id, "--format", "json"));
      assert.deepEqual(Object.values(got.custom), ["Gold"]);
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
