// Finding anyone from the keyboard, and merging two records of the same person.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

test("the palette finds a contact; two duplicates are merged, then the merge is undone", async () => {
  const db = freshDb();
  cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@engines.example", "--account", "Analytical Engines");
  cli(db, "contacts", "add", "--first-name", "Augusta", "--last-name", "King", "--email", "ADA@engines.example", "--title", "Countess");
  cli(db, "contacts", "add", "--first-name", "Grace", "--last-name", "Hopper", "--email", "grace@navy.example", "--account", "US Navy");
  const app = await launch(db, "#/contacts");
  try {
    await step(app, "Ctrl+K opens the palette and finds Grace by a prefix", async () => {
      await (await app.$(byTest("contacts-table"))).waitForDisplayed({ timeout: 10000 });
      await app.keys(["Control", "k"]);
      const input = await app.$(byTest("palette-input"));
      await input.waitForDisplayed({ timeout: 5000 });
      await input.setValue("hopp");
      const item = await app.$(`${byTest("palette-item")}*=Grace Hopper`);
      await item.waitForDisplayed({ timeout: 10000 });
      await shot(app, "10-palette");
      await app.keys(["Enter"]);
      await waitText(app, "contact-name", "Grace Hopper");
    });

    await step(app, "the duplicates screen groups Ada and Augusta by their shared e-mail", async () => {
      await click(app, "nav-duplicates");
      const group = await app.$(byTest("duplicate-group"));
      await group.waitForDisplayed({ timeout: 10000 });
      const text = await group.getText();
      assert.match(text, /same e-mail ada@engines\.example/);
      assert.match(text, /Ada Lovelace/);
      assert.match(text, /Augusta King/);
      await shot(app, "11-duplicates");
    });

    await step(app, "merge, keeping Augusta's last name", async () => {
      await click(app, "merge-link");
      await (await app.$(byTest("merge-table"))).waitForDisplayed({ timeout: 10000 });
      await click(app, "pick-last_name-other");
      await shot(app, "12-merge");
      await click(app, "merge");
      await (await app.$(byTest("merged-banner"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "contact-name", "Ada King");
      const sub = await app.$(".page-head .sub");
      assert.match(await sub.getText(), /Countess at Analytical Engines/, "title from Augusta, account from Ada");
      const people = JSON.parse(cli(db, "contacts", "list", "--format", "json"));
      assert.deepEqual(people.map((p) => `${p.first_name} ${p.last_name}`).sort(), ["Ada King", "Grace Hopper"]);
    });

    await step(app, "undo brings both records back as they were", async () => {
      await click(app, "undo-merge");
      await waitText(app, "contact-name", "Ada Lovelace");
      const people = JSON.parse(cli(db, "contacts", "list", "--format", "json"));
      assert.deepEqual(people.map((p) => `${p.first_name} ${p.last_name}`).sort(), ["Ada Lovelace", "Augusta King", "Grace Hopper"]);
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
