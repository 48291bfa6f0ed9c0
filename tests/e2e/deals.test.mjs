// The pipeline board in the real window: drag a card to the next stage, lose another with a
// reason, and check both through the command line.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

const card = (app, name) => app.$(`//*[@data-testid="deal-card"][contains(., ${JSON.stringify(name)})]`);
const column = (app, stage) => app.$(`[data-testid="board-column"][data-stage="${stage}"]`);

async function inColumn(app, stage, name) {
  const col = await column(app, stage);
  return (await col.getText()).includes(name);
}

test("drag a deal to the next stage and mark another lost with a reason", async () => {
  const db = freshDb();
  const acme = cli(db, "accounts", "add", "--name", "Acme Rockets");
  const engines = cli(db, "deals", "add", "--name", "Two engines", "--account-id", acme, "--amount", "5000",
    "--currency", "EUR", "--close", "2026-12-15");
  const fleet = cli(db, "deals", "add", "--name", "Fleet renewal", "--account-id", acme, "--amount", "12000",
    "--currency", "EUR", "--stage", "Negotiation", "--close", "2027-01-20");
  cli(db, "deals", "add", "--name", "Pilot project", "--amount", "800", "--currency", "EUR", "--stage",
    "Qualification");

  const app = await launch(db);
  try {
    await step(app, "the board shows each stage with its deals and totals", async () => {
      await click(app, "nav-deals");
      await (await column(app, "Prospecting")).waitForDisplayed({ timeout: 10000 });
      assert.ok(await inColumn(app, "Prospecting", "Two engines"));
      assert.ok(await inColumn(app, "Negotiation", "Fleet renewal"));
      await shot(app, "30-board");
    });

    await step(app, "drag Two engines from Prospecting to Qualification", async () => {
      const from = await card(app, "Two engines");
      const to = await column(app, "Qualification");
      await from.scrollIntoView();
      const a = await from.getLocation();
      const sa = await from.getSize();
      const b = await to.getLocation();
      const sb = await to.getSize();
      const start = { x: Math.round(a.x + sa.width / 2), y: Math.round(a.y + sa.height / 2) };
      const end = { x: Math.round(b.x + sb.width / 2), y: Math.round(b.y + Math.min(sb.height / 2, 200)) };
      const steps = 12;
      let action = app.action("pointer", { parameters: { pointerType: "mouse" } })
        .move({ x: start.x, y: start.y })
        .down({ button: 0 })
        .pause(100);
      for (let i = 1; i <= steps; i++) {
        action = action.move({
          x: Math.round(start.x + ((end.x - start.x) * i) / steps),
          y: Math.round(start.y + ((end.y - start.y) * i) / steps),
          duration: 30,
        });
      }
      await action.pause(150).up({ button: 0 }).perform();
      await app.waitUntil(async () => inColumn(app, "Qualification", "Two engines"), {
        timeout: 10000,
        timeoutMsg: "the card did not land in Qualification",
      });
      await app.waitUntil(async () => JSON.parse(cli(db, "deals", "get", engines, "--format", "json")).stage_name === "Qualification", {
        timeout: 10000,
        timeoutMsg: "the move was not saved",
      });
      await shot(app, "31-board-after-drag");
    });

    await step(app, "mark Fleet renewal lost: a reason is required", async () => {
      const fleetCard = await card(app, "Fleet renewal");
      // Won and Lost stay pinned at the right; bring the card out from under them.
      await app.execute((el) => el.scrollIntoView({ block: "center", inline: "center" }), fleetCard);
      await fleetCard.moveTo();
      await (await fleetCard.$(byTest("card-move"))).click();
      const lost = await app.$(`//*[@role="menuitem" or self::button][normalize-space()="Lost"]`);
      await lost.waitForClickable({ timeout: 10000 });
      await lost.click();
      await (await app.$(byTest("lost-dialog"))).waitForDisplayed({ timeout: 10000 });
      await (await app.$(byTest("lost-reason"))).selectByVisibleText("Chose a competitor");
      await shot(app, "32-lost-dialog");
      await click(app, "lost-confirm");
      await (await app.$(byTest("lost-dialog"))).waitForExist({ reverse: true, timeout: 10000 });
      await app.waitUntil(async () => JSON.parse(cli(db, "deals", "get", fleet, "--format", "json")).lost_reason === "Chose a competitor", {
        timeout: 10000,
        timeoutMsg: "the lost reason was not saved",
      });
      assert.ok(await inColumn(app, "Lost", "Fleet renewal"));
    });

    await step(app, "the deal page shows its stage history and timeline", async () => {
      await (await card(app, "Two engines")).click();
      await waitText(app, "deal-name", "Two engines");
      await waitText(app, "timeline", "Stage: Prospecting → Qualification");
      await shot(app, "33-deal-page");
    });
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
