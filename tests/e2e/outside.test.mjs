// Changes made outside the window show in it by themselves: a `rapport` command run in a
// terminal while the app is open on the same file (the same goes for a copy synced into place
// and mail fetched in the background). The window caches what it read until its own writes
// invalidate it; without asking SQLite whether the file moved, a contact added by the CLI
// stayed out of the open list until the user saved something in the window.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { cli, freshDb, launch, rows, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

test("a contact, an import and a ticket made by the CLI show in the open window without a click", async () => {
  const db = freshDb();
  const acme = cli(db, "accounts", "add", "--name", "Acme GmbH");
  cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace");
  const app = await launch(db, "#/contacts");
  const names = async () => (await rows(app, "contacts-table")).map((r) => r.split(" | ")[0]);
  const until = (what, ok) =>
    app.waitUntil(ok, { timeout: 8000, interval: 250, timeoutMsg: `the window did not show ${what} made by the CLI` });
  try {
    await step(app, "the list shows what was there", () => until("Ada", async () => (await names()).some((n) => n.includes("Ada Lovelace"))));
    await step(app, "a contact added in a terminal appears", async () => {
      cli(db, "contacts", "add", "--first-name", "Grace", "--last-name", "Hopper");
      await until("Grace", async () => (await names()).some((n) => n.includes("Grace Hopper")));
    });
    await step(app, "an import appears, whole", async () => {
      const csv = join(dirname(db), "people.csv");
      writeFileSync(csv, "First name,Last name,Job title\nAlan,Turing,Mathematician\nKatherine,Johnson,Analyst\n");
      cli(db, "import", "contacts", csv);
      await until("the import", async () => {
        const shown = await names();
        return shown.some((n) => n.includes("Alan Turing")) && shown.some((n) => n.includes("Katherine Johnson"));
      });
    });
    await step(app, "a ticket opened in a terminal counts in the sidebar", async () => {
      cli(db, "tickets", "add", "--subject", "Printer jams on every label", "--account-id", acme);
      await waitText(app, "nav-tickets-open", "1");
    });
    await shot(app, "outside-changes");
  } finally {
    await app.deleteSession();
  }
});
