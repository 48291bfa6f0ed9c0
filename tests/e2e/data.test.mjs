// The Data screen in the real window: import a CSV of contacts (mapping, preview, report),
// export a CSV and the JSON archive, take a backup, back up to a picked file, refuse to open a
// file that is not a data file, and restore the backup; the command line checks each result.
// The native file dialogs cannot be driven through WebDriver, so the test queues the paths
// they should "choose" in window.__rapportE2eFiles (the e2e seam in ui/src/lib/api).
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, rows, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

// Four people; Bob's e-mail address is not one. "Shoe size" is left for the user to map.
const CSV = `First name,Last name,E-mail,Phone,Shoe size
Ada,Lovelace,ada@engines.test,+49 30 1111111,38
Bob,Builder,not-an-email,+49 40 2222222,44
Carla,Cruz,carla@cruz.test,+1 202 555 0143,39
Dan,Dorsey,dan@dorsey.test,+49 221 4444444,45
`;

/** Queues the paths the next file dialogs should "choose" (the e2e seam). */
async function queueFiles(app, ...paths) {
  await app.execute((queued) => {
    window.__rapportE2eFiles = queued;
  }, paths);
}

async function toastSays(app, text) {
  const toast = await app.$(`//*[@data-testid="toast"][contains(., "${text}")]`);
  await toast.waitForDisplayed({ timeout: 10000 });
  return toast.getText();
}

test("import contacts with a preview and a report, export them, back up and restore", async () => {
  const db = freshDb();
  const dir = dirname(db);
  const file = join(dir, "people.csv");
  writeFileSync(file, CSV);

  const app = await launch(db);
  try {
    await step(app, "the Data screen sits just above Settings", async () => {
      const order = await app.execute(() =>
        [...document.querySelectorAll(".sidebar .nav-link")].map((a) => a.getAttribute("data-testid")),
      );
      assert.equal(order[order.indexOf("nav-data") + 1], "nav-settings", `sidebar: ${order}`);
      await click(app, "nav-data");
      await (await app.$(byTest("data-import"))).waitForDisplayed({ timeout: 10000 });
    });

    await step(app, "choose a CSV of contacts: one mapping row per column, guessed", async () => {
      const entity = await app.$(byTest("data-import-entity"));
      await entity.selectByAttribute("value", "contacts");
      await queueFiles(app, file);
      await click(app, "data-import-choose");
      await (await app.$(byTest("data-import-mapping"))).waitForDisplayed({ timeout: 10000 });
      const mapping = await app.execute(() =>
        [...document.querySelectorAll('[data-testid="data-import-map"]')].map((s) => s.value),
      );
      assert.equal(mapping.length, 5, `one select per column: ${mapping}`);
      assert.equal(mapping[2], "email", `E-mail is guessed: ${mapping}`);
      assert.equal(mapping[4], "", `Shoe size is not guessed: ${mapping}`);
      await waitText(app, "data-import-run", "Import 4 rows");
    });

    await step(app, "the preview shows Bob's row rejected for his e-mail", async () => {
      await click(app, "data-import-preview");
      const reject = await app.$(`[data-testid="data-preview-row"][data-outcome="reject"]`);
      await reject.waitForDisplayed({ timeout: 10000 });
      assert.match(await reject.getText(), /not-an-email/);
      assert.match(await reject.getText(), /Bob/);
      const outcomes = await app.execute(() =>
        [...document.querySelectorAll('[data-testid="data-preview-row"]')].map((r) => r.getAttribute("data-outcome")),
      );
      assert.deepEqual(outcomes, ["create", "reject", "create", "create"]);
      // Nothing is written by a preview.
      assert.equal(JSON.parse(cli(db, "contacts", "list", "--format", "json")).length, 0);
      // The mapping above, the rejected row of the preview at the bottom.
      await app.execute(() => {
        document.querySelector('[data-testid="data-preview-row"][data-outcome="reject"]').scrollIntoView({ block: "end" });
      });
      await shot(app, "60-data-import-mapping");
    });

    await step(app, "import: 3 created, 1 rejected, with the line and the reason", async () => {
      await click(app, "data-import-run");
      await (await app.$(byTest("data-import-report"))).waitForDisplayed({ timeout: 20000 });
      await waitText(app, "data-count-created", "3");
      await waitText(app, "data-count-rejected", "1");
      await waitText(app, "data-import-rejected", "Line 3");
      await waitText(app, "data-import-rejected", "not-an-email");
      assert.ok(await (await app.$(byTest("data-import-undo"))).isDisplayed(), "an undo button");
      await (await app.$(byTest("data-import"))).scrollIntoView();
      await shot(app, "61-data-import-report");
      const contacts = JSON.parse(cli(db, "contacts", "list", "--format", "json"));
      assert.deepEqual(contacts.map((c) => c.email).sort(), ["ada@engines.test", "carla@cruz.test", "dan@dorsey.test"]);
    });

    const csvOut = join(dir, "out", "contacts.csv");
    const archiveOut = join(dir, "out", "everything.json");
    await step(app, "export the contacts as CSV", async () => {
      mkdirSync(join(dir, "out"), { recursive: true });
      await queueFiles(app, csvOut, archiveOut);
      await click(app, "export-csv-contacts");
      assert.match(await toastSays(app, "Wrote 3 rows"), /contacts\.csv/);
      assert.ok(existsSync(csvOut), "the CSV was written");
      const lines = readFileSync(csvOut, "utf8").trim().split(/\r?\n/);
      assert.equal(lines.length, 4, `a header and 3 contacts: ${lines.join(" / ")}`);
      assert.match(lines.join("\n"), /carla@cruz\.test/);
    });

    await step(app, "export everything as a JSON archive, which loads into a fresh file", async () => {
      await click(app, "export-archive");
      await toastSays(app, "everything.json");
      assert.ok(existsSync(archiveOut), "the archive was written");
      const fresh = freshDb();
      cli(fresh, "import", "archive", archiveOut);
      const contacts = JSON.parse(cli(fresh, "contacts", "list", "--format", "json"));
      assert.equal(contacts.length, 3, `restored contacts: ${contacts.map((c) => c.email)}`);
      const left = await app.execute(() => window.__rapportE2eFiles?.length ?? 0);
      assert.equal(left, 0, "both queued paths were used");
    });

    let taken; // the backup taken by "Back up now"
    await step(app, "back up now: the command line lists the backup", async () => {
      const before = JSON.parse(cli(db, "backups", "--format", "json"));
      await click(app, "backup-now");
      await toastSays(app, "Backed up to");
      const backups = JSON.parse(cli(db, "backups", "--format", "json"));
      const newest = backups[0];
      taken = newest;
      assert.ok(newest, "a backup is listed");
      assert.ok(!before.some((b) => b.path === newest.path), `a new backup: before ${JSON.stringify(before)}, after ${JSON.stringify(backups)}`);
      await (await app.$(`[data-testid="backup-row"]`)).waitForDisplayed({ timeout: 10000 });
      const shown = await app.execute(() => document.querySelectorAll('[data-testid="backup-row"]').length);
      assert.equal(shown, backups.length, "the window lists every backup");
      await waitText(app, "backups-list", newest.path.split("/").pop());
      // Let the export and backup toasts go, so they do not cover the list.
      await app.waitUntil(async () => (await app.$$(byTest("toast"))).length === 0, { timeout: 15000 });
      await (await app.$(byTest("data-backups"))).scrollIntoView();
      await shot(app, "62-data-backups");
    });

    await step(app, "the data file section names the open file and backs up to a picked file", async () => {
      await waitText(app, "data-file-path", db);
      const copy = join(dir, "out", "my-copy.db");
      await queueFiles(app, copy);
      await click(app, "data-file-backup");
      assert.match(await toastSays(app, "my-copy.db"), /MB\)/);
      assert.ok(existsSync(copy), "the backup file was written");
      const copied = JSON.parse(cli(copy, "contacts", "list", "--format", "json"));
      assert.equal(copied.length, 3, "the copy holds the contacts");
      cli(copy, "check");
    });

    await step(app, "opening a CSV renamed .db is refused in plain words; the file stays open", async () => {
      const fake = join(dir, "out", "people.db");
      copyFileSync(file, fake);
      await queueFiles(app, fake);
      await click(app, "data-file-open");
      const banner = await app.$(`${byTest("data-file")} ${byTest("error-banner")}`);
      await banner.waitForDisplayed({ timeout: 10000 });
      const said = await banner.getText();
      assert.ok(said.length > 0 && !/^\s*\{/.test(said), `a plain message: ${said}`);
      await waitText(app, "data-file-path", db);
      assert.equal(await app.execute(() => window.location.hash), "#/data", "the window was not reloaded");
      await app.waitUntil(async () => (await app.$$(byTest("toast"))).length === 0, { timeout: 15000 });
      await app.execute(() => window.scrollTo(0, 0));
      await (await app.$(byTest("data-file"))).scrollIntoView();
      await shot(app, "63-data-file-section");
    });

    await step(app, "restore the backup: asked first, then the window reloads on the restored data", async () => {
      // A contact added after the backup (the app reads the same file): the restore removes it.
      cli(db, "contacts", "add", "--first-name", "Late", "--last-name", "Addition");
      assert.ok(JSON.parse(cli(db, "contacts", "list", "--format", "json")).some((c) => /Addition/.test(JSON.stringify(c))));
      const name = taken.path.split("/").pop();
      const restore = await app.$(`//*[@data-testid="backup-row"][contains(., "${name}")]//*[@data-testid="backup-restore"]`);
      await restore.waitForClickable({ timeout: 10000 });
      await restore.click();
      const dialog = await app.$('[role="alertdialog"]');
      await dialog.waitForDisplayed({ timeout: 10000 });
      const asked = await dialog.getText();
      assert.match(asked, /Replace the data in rapport\.db with the backup from/);
      assert.match(asked, /Your current data is kept as a backup first/);
      await shot(app, "64-restore-confirm");
      // Marks this page: after the reload the mark is gone.
      await app.execute(() => {
        window.__beforeRestore = true;
      });
      await click(app, "confirm");
      await app.waitUntil(
        async () => app.execute(() => !window.__beforeRestore && window.location.hash === "#/today" && !!document.querySelector(".shell")),
        { timeout: 20000, timeoutMsg: "the window did not reload on Today" },
      );
      const contacts = JSON.parse(cli(db, "contacts", "list", "--format", "json"));
      assert.ok(!contacts.some((c) => /Addition/.test(JSON.stringify(c))), `the late addition is gone: ${JSON.stringify(contacts)}`);
      assert.deepEqual(contacts.map((c) => c.email).sort(), ["ada@engines.test", "carla@cruz.test", "dan@dorsey.test"]);
      const backups = JSON.parse(cli(db, "backups", "--format", "json"));
      assert.ok(backups.some((b) => b.kind === "before-restore"), `a before-restore backup: ${JSON.stringify(backups)}`);
      cli(db, "check");
      // The window shows the restored data.
      await click(app, "nav-contacts");
      await app.waitUntil(async () => (await rows(app, "contacts-table")).some((r) => r.includes("Carla Cruz")), {
        timeout: 15000,
        timeoutMsg: "the restored contacts are not in the list",
      });
      assert.ok(!(await rows(app, "contacts-table")).some((r) => r.includes("Addition")), "the late addition is not listed");
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
