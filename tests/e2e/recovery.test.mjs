// A damaged data file in the real window: the app says what is wrong, names the newest good
// backup and how to put it back, and changes nothing; "Restore this backup" (asked first) puts it
// back from the window, which then shows the normal screens with the data.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, rows, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

test("a damaged file is refused, the newest backup is offered, and restoring it brings the data back", async () => {
  const db = freshDb();
  cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace");
  const [backup] = JSON.parse(cli(db, "backups", "--now", "--format", "json"));
  const bytes = readFileSync(db);
  const damaged = bytes.subarray(0, Math.floor(bytes.length / 3));
  writeFileSync(db, damaged);

  let app = await launch(db);
  try {
    await step(app, "the window explains the damage and names the backup", async () => {
      await (await app.$(byTest("open-error"))).waitForDisplayed({ timeout: 15000 });
      await waitText(app, "newest-backup", backup.path);
      await waitText(app, "newest-backup", "restore");
      await shot(app, "40-damaged-file");
      assert.deepEqual(readFileSync(db), damaged, "the damaged file is left as it was");
    });

    await step(app, "restore this backup, from the window: asked first", async () => {
      await click(app, "restore-newest");
      const dialog = await app.$('[role="alertdialog"]');
      await dialog.waitForDisplayed({ timeout: 10000 });
      assert.match(await dialog.getText(), /Replace the data in rapport\.db with the backup from/);
      assert.deepEqual(readFileSync(db), damaged, "nothing is changed before the answer");
      await shot(app, "41-damaged-restore-confirm");
      await click(app, "confirm");
    });

    await step(app, "after the restore the window shows the normal screens and the contact", async () => {
      await (await app.$(byTest("nav-contacts"))).waitForDisplayed({ timeout: 20000 });
      cli(db, "check");
      await click(app, "nav-contacts");
      await app.waitUntil(async () => (await rows(app, "contacts-table")).some((r) => r.includes("Ada Lovelace")), {
        timeout: 15000,
        timeoutMsg: "the restored contact is not in the list",
      });
      const backups = JSON.parse(cli(db, "backups", "--format", "json"));
      assert.ok(backups.some((b) => b.kind === "damaged"), `the damaged file is kept aside: ${JSON.stringify(backups)}`);
    });
  } finally {
    await app?.deleteSession().catch(() => {});
  }
});
