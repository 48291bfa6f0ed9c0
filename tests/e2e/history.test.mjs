// Global undo and history in the real window: actions in plain words, Undo from the History
// screen, Ctrl+Z for the newest action of the session.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, fill, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

/** The History screen's lines, newest first. */
async function actions(app) {
  return app.execute((sel) => [...document.querySelectorAll(sel)].map((li) => li.textContent ?? ""), byTest("history-item"));
}

async function waitActions(app, check, message) {
  await app.waitUntil(async () => check(await actions(app)), { timeout: 10000, timeoutMsg: message });
}

test("history in words, undo from the screen, Ctrl+Z for the newest", async () => {
  const db = freshDb();
  const app = await launch(db, "#/contacts");
  try {
    await step(app, "save a contact, then edit it", async () => {
      await click(app, "new-contacts");
      await fill(app, "first_name", "Ann");
      await fill(app, "last_name", "Lee");
      await click(app, "save");
      await waitText(app, "contact-name", "Ann Lee");
      await click(app, "edit-contact");
      await fill(app, "title", "Buyer");
      await click(app, "save");
      await waitText(app, "timeline", "Title: — → Buyer");
    });

    await step(app, "History shows both actions in words", async () => {
      await click(app, "nav-history");
      await waitActions(
        app,
        (a) => a.length === 2 && a[0].includes("Changed contact Ann Lee") && a[1].includes("Added contact Ann Lee"),
        "History never showed the edit and the creation",
      );
      await shot(app, "history-01-actions");
    });

    await step(app, "undo the edit from the screen", async () => {
      const edit = await app.$(`${byTest("history-item")}:first-child ${byTest("history-undo")}`);
      await edit.waitForClickable({ timeout: 10000 });
      await edit.click();
      await waitActions(
        app,
        (a) => a.length === 3 && a[0].includes("Undid: Changed contact Ann Lee") && a[1].includes("Undone"),
        "the edit was never shown undone",
      );
    });

    await step(app, "Ctrl+Z outside a field undoes the creation", async () => {
      await app.execute(() => {
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      });
      await app.keys(["Control", "z"]);
      await app.waitUntil(
        async () => (await app.execute(() => document.body.textContent ?? "")).includes("Undone: Added contact Ann Lee"),
        { timeout: 10000, timeoutMsg: "no toast said the creation was undone" },
      );
      await waitActions(
        app,
        (a) => a.length === 4 && a[0].includes("Undid: Added contact Ann Lee"),
        "History never showed the creation undone",
      );
      await shot(app, "history-02-undone");
    });

    await step(app, "the contact is gone", async () => {
      assert.equal(JSON.parse(cli(db, "contacts", "list", "--format", "json")).length, 0);
    });
  } finally {
    await app.deleteSession();
  }
});
