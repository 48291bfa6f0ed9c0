// `make run` on a fresh machine: the app, started as from its desktop icon (no --db, no
// RAPPORT_DB), opens its first window on a new data file in the user's data folder.
// `make test` runs this on the release build, the binary `make run` opens.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { APP, byTest, cli, launch, shot, startDriver, step, stopDriver } from "./harness.mjs";

// A home folder nobody has used yet: no data file, no "opened last" note.
const home = mkdtempSync(join(tmpdir(), "rapport-home-"));
const defaultDb = join(home, ".local", "share", "rapport", "rapport.db");

before(() => startDriver({ env: { HOME: home, RAPPORT_DB: undefined, XDG_DATA_HOME: undefined } }));
after(stopDriver);

test("the first start opens the window on a new data file under the user's data folder", async () => {
  assert.ok(existsSync(APP), `${APP} is built`);
  assert.ok(!existsSync(defaultDb), "no data file before the first start");
  const app = await launch(null);
  try {
    await step(app, "the first window shows the dashboard of an empty file", async () => {
      await (await app.$(byTest("dashboard"))).waitForDisplayed({ timeout: 20000 });
      await shot(app, "00-first-window");
      assert.equal(await app.$(byTest("open-error")).isExisting(), false, "no error instead of the screens");
    });
    await step(app, "the data file was created in the default place, and it is a Rapport file", async () => {
      assert.ok(existsSync(defaultDb), `${defaultDb} exists`);
      assert.deepEqual(JSON.parse(cli(defaultDb, "contacts", "list", "--format", "json")), []);
    });
  } finally {
    await app.deleteSession();
  }
});
