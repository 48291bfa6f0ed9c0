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

test("two companies found twice are merged with everyone at them, then the merge is undone", async () => {
  const db = freshDb();
  cli(db, "accounts", "add", "--name", "Acme Ltd", "--phone", "020 0000 0000");
  cli(db, "accounts", "add", "--name", "ACME Ltd.", "--industry", "Engineering", "--phone", "+44 20 7946 0958");
  cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--account", "Acme Ltd");
  cli(db, "contacts", "add", "--first-name", "Bob", "--last-name", "Stone", "--account", "ACME Ltd.");
  const app = await launch(db, "#/duplicates");
  try {
    await step(app, "the duplicates screen pairs the two companies and offers to merge them", async () => {
      const group = await app.$(`${byTest("duplicate-group")}*=Companies`);
      await group.waitForDisplayed({ timeout: 10000 });
      assert.match(await group.getText(), /same name/);
      await (await group.$(byTest("merge-link"))).click();
      await (await app.$(byTest("merge-table"))).waitForDisplayed({ timeout: 10000 });
    });

    await step(app, "merge, taking the other's phone number", async () => {
      await click(app, "pick-phone-other");
      await shot(app, "13-merge-companies");
      await click(app, "merge");
      await (await app.$(byTest("undo-merge"))).waitForDisplayed({ timeout: 10000 });
      const accounts = JSON.parse(cli(db, "accounts", "list", "--format", "json"));
      assert.equal(accounts.length, 1);
      const [acme] = accounts;
      const full = JSON.parse(cli(db, "accounts", "get", acme.id, "--format", "json"));
      assert.equal(full.name, "Acme Ltd");
      assert.equal(full.phone, "+44 20 7946 0958");
      assert.equal(full.industry, "Engineering");
      assert.equal(full.contact_count, 2, "Bob moved over with his company");
    });

    await step(app, "undo brings both companies back, each with its contact", async () => {
      await click(app, "undo-merge");
      await app.waitUntil(() => JSON.parse(cli(db, "accounts", "list", "--format", "json")).length === 2, {
        timeout: 10000,
        timeoutMsg: "both companies are back",
      });
      const accounts = JSON.parse(cli(db, "accounts", "list", "--format", "json"));
      assert.deepEqual(accounts.map((a) => a.contact_count), [1, 1]);
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
