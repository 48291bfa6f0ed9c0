// The foundation's slice, end to end in the real window: accounts and contacts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, fill, freshDb, launch, rows, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

test("a contact's life: create, link, edit, find, survive a restart, delete", async () => {
  const db = freshDb();
  let app = await launch(db, "#/contacts");
  try {
    await step(app, "the contacts list starts empty", async () => {
      await (await app.$(byTest("contacts-empty"))).waitForDisplayed({ timeout: 10000 });
      await shot(app, "01-contacts-empty");
    });

    await step(app, "create an account", async () => {
      await click(app, "nav-accounts");
      await click(app, "new-accounts");
      await fill(app, "name", "Northwind Traders");
      await fill(app, "industry", "Wholesale");
      await fill(app, "website", "northwind.example");
      await fill(app, "address.city", "Seattle");
      await fill(app, "annual_revenue.amount", "1250000.50");
      await shot(app, "02-account-form");
      await click(app, "save");
      await waitText(app, "account-name", "Northwind Traders");
    });

    await step(app, "create a contact linked to it", async () => {
      await click(app, "add-contact-here");
      await fill(app, "first_name", "Ada");
      await fill(app, "last_name", "Lovelace");
      await fill(app, "emails.0.address", "ada@northwind.example");
      await click(app, "save");
      await waitText(app, "contact-name", "Ada Lovelace");
      await waitText(app, "contact-account", "Northwind Traders");
    });

    await step(app, "an invalid e-mail is refused with a message under the field", async () => {
      await click(app, "edit-contact");
      await fill(app, "emails.0.address", "ada at northwind");
      await click(app, "save");
      const message = await app.$(".field-error");
      await message.waitForDisplayed({ timeout: 10000 });
      assert.match(await message.getText(), /"ada at northwind" is not an e-mail address/);
      await shot(app, "03-contact-form-validation");
    });

    await step(app, "edit the contact", async () => {
      await fill(app, "emails.0.address", "ada.lovelace@northwind.example");
      await fill(app, "title", "Head of purchasing");
      await fill(app, "tags", "vip, newsletter");
      await (await app.$('[name="do_not_email"]')).click();
      await click(app, "save");
      await waitText(app, "contact-emails", "ada.lovelace@northwind.example");
      await waitText(app, "contact-relationship", "newsletter");
      await waitText(app, "contact-consent", "Do not e-mail");
      await waitText(app, "timeline", "Title: — → Head of purchasing");
      await waitText(app, "timeline", "Created");
      await shot(app, "04-contact-detail");
    });

    await step(app, "find it in the list", async () => {
      await click(app, "nav-contacts");
      const filter = await app.$(byTest("contacts-filter"));
      await filter.setValue("lovel");
      await app.waitUntil(async () => (await rows(app, "contacts-table")).length === 1, {
        timeout: 10000,
        timeoutMsg: "the filter did not narrow the list to one row",
      });
      const [row] = await rows(app, "contacts-table");
      assert.match(row, /Ada Lovelace/);
      assert.match(row, /Northwind Traders/);
    });

    await step(app, "quit and relaunch: the contact is still there", async () => {
      await app.deleteSession();
      app = await launch(db, "#/contacts");
      await app.waitUntil(async () => (await rows(app, "contacts-table")).some((r) => r.includes("Ada Lovelace")), {
        timeout: 10000,
        timeoutMsg: "Ada Lovelace is gone after a restart",
      });
    });

    await step(app, "delete it, after a confirmation", async () => {
      await (await app.$(`${byTest("contacts-table")} tbody tr td:not(.select-cell)`)).click();
      await waitText(app, "contact-name", "Ada Lovelace");
      await click(app, "delete-contact");
      await (await app.$(byTest("confirm"))).waitForDisplayed();
      await shot(app, "05-delete-confirmation");
      await click(app, "confirm");
      await (await app.$(byTest("contacts-empty"))).waitForDisplayed({ timeout: 10000 });
      assert.equal(JSON.parse(cli(db, "contacts", "list", "--format", "json")).length, 0);
      const accounts = JSON.parse(cli(db, "accounts", "list", "--format", "json"));
      assert.deepEqual(accounts.map((a) => a.name), ["Northwind Traders"], "the account stays");
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});

test("lists sort by the clicked column, both ways", async () => {
  const db = freshDb();
  const people = [
    ["Grace", "Hopper", "grace@navy.example", "US Navy"],
    ["Alan", "Turing", "alan@bletchley.example", "Bletchley Park"],
    ["Edsger", "Dijkstra", "ewd@tue.example", "TU Eindhoven"],
    ["Barbara", "Liskov", "liskov@mit.example", "MIT"],
    ["Donald", "Knuth", "knuth@stanford.example", "Stanford"],
    ["Margaret", "Hamilton", "margaret@nasa.example", "NASA"],
  ];
  for (const [first, last, email, account] of people) {
    cli(db, "contacts", "add", "--first-name", first, "--last-name", last, "--email", email, "--account", account, "--phone", "+1 555 0100");
  }
  const app = await launch(db, "#/contacts");
  try {
    const lastNames = async () => (await rows(app, "contacts-table")).map((r) => r.split(" | ")[0].split(" ").slice(-1)[0]);
    await step(app, "sorted by name (last, first) at first", async () => {
      await app.waitUntil(async () => (await rows(app, "contacts-table")).length === 6, { timeout: 10000 });
      assert.deepEqual(await lastNames(), ["Dijkstra", "Hamilton", "Hopper", "Knuth", "Liskov", "Turing"]);
      await shot(app, "06-contacts-list");
    });
    await step(app, "clicking Name again reverses it", async () => {
      await click(app, "sort-name");
      await app.waitUntil(async () => (await lastNames())[0] === "Turing", { timeout: 10000, timeoutMsg: "not reversed" });
      const header = await app.$("th[aria-sort=descending]");
      assert.ok(await header.isExisting(), "the header says descending");
    });
    await step(app, "clicking Account sorts by account name", async () => {
      await click(app, "sort-account");
      await app.waitUntil(async () => (await lastNames())[0] === "Turing", { timeout: 10000 });
      const all = await rows(app, "contacts-table");
      assert.match(all[0], /Bletchley Park/);
      assert.match(all[5], /US Navy/);
    });
    await step(app, "J and K step through the list from a record", async () => {
      const first = (await rows(app, "contacts-table"))[0].split(" | ")[0];
      const second = (await rows(app, "contacts-table"))[1].split(" | ")[0];
      await (await app.$(`${byTest("contacts-table")} tbody tr td:not(.select-cell)`)).click();
      await waitText(app, "contact-name", first);
      await app.keys(["j"]);
      await waitText(app, "contact-name", second);
      await app.keys(["k"]);
      await waitText(app, "contact-name", first);
      await click(app, "nav-contacts");
    });
    await step(app, "the accounts list counts their contacts", async () => {
      await click(app, "nav-accounts");
      await app.waitUntil(async () => (await rows(app, "accounts-table")).length === 6, { timeout: 10000 });
      await shot(app, "07-accounts-list");
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
