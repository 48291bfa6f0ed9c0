// The dashboard and reports in the real window (the acceptance test of analytics): a small
// business is seeded through the CLI (deals won, lost and open; leads from three sources, some
// converted; a complaint; an overdue invoice); the app opens on the dashboard, whose figures
// match what was seeded; a figure opens the deals behind it and one of them opens; the funnel
// report is read and exported to CSV; the account with the overdue invoice shows its churn risk.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import { byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitContent, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

const day = (offset) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return d.toISOString().slice(0, 10);
};

function seed(db) {
  const acme = cli(db, "accounts", "add", "--name", "Acme Café GmbH", "--industry", "Hospitality");
  const boreal = cli(db, "accounts", "add", "--name", "Boreal Logistics", "--industry", "Transport");
  const cobalt = cli(db, "accounts", "add", "--name", "Cobalt Dental", "--industry", "Health");
  // A trade fair that cost 1,000.00 and brought the Acme deal: ROI (3,000 - 1,000) / 1,000.
  cli(db, "campaigns", "add", "--name", "Coffee expo", "--type", "trade-show", "--cost", "1000",
    "--currency", "EUR", "--start", day(-3), "--end", day(3));
  // Won this month: 3,000 + 1,500 = 4,500.00; lost: 800.00 (price). Win rate 2 of 3.
  cli(db, "deals", "add", "--name", "Acme: espresso machines", "--account-id", acme, "--amount", "3000",
    "--currency", "EUR", "--stage", "Won", "--source", "Trade fair", "--campaign", "Coffee expo");
  cli(db, "deals", "add", "--name", "Boreal: fleet labels", "--account-id", boreal, "--amount", "1500",
    "--currency", "EUR", "--stage", "Won", "--source", "Web");
  cli(db, "deals", "add", "--name", "Cobalt: printers", "--account-id", cobalt, "--amount", "800",
    "--currency", "EUR", "--stage", "Lost", "--lost-reason", "Price");
  // Open: 6,000 at 50 % in a month, 2,400 at 25 % in two: 8,400 open, 3,600 weighted.
  cli(db, "deals", "add", "--name", "Boreal: warehouse scanners", "--account-id", boreal, "--amount", "6000",
    "--currency", "EUR", "--probability", "50", "--close", day(31));
  cli(db, "deals", "add", "--name", "Cobalt: second surgery", "--account-id", cobalt, "--amount", "2400",
    "--currency", "EUR", "--probability", "25", "--close", day(62));
  // Leads: Web 3 (1 converted), Trade fair 2 (1 converted), Referral 1.
  const leads = [
    ["Dana Web", "Web", true], ["Eli Web", "Web", false], ["Fay Web", "Web", false],
    ["Gus Fair", "Trade fair", true], ["Hal Fair", "Trade fair", false], ["Ida Referral", "Referral", false],
  ];
  for (const [name, source, convert] of leads) {
    const id = cli(db, "leads", "add", "--name", name, "--company", `${name} Ltd`, "--source", source);
    if (convert) cli(db, "leads", "convert", id);
  }
  cli(db, "tickets", "add", "--subject", "Grinder arrived broken", "--account-id", acme, "--category", "complaint",
    "--priority", "high");
  // An invoice issued 20 days ago, due in 7: overdue for 13 days, 1,000.00 of 2,850.00 paid.
  const quote = cli(db, "quotes", "create", "--account-id", acme, "--currency", "EUR",
    "--line", "Espresso machine service:3@950");
  cli(db, "quotes", "accept", quote);
  const invoice = cli(db, "orders", "invoice", quote, "--draft");
  // Invoices are issued only with the seller's name and address.
  cli(db, "company", "--name", "Rapport Demo GmbH", "--address", "Hauptstraße 1\\n10115 Berlin");
  const issued = day(-20) < `${new Date().getFullYear()}-01-01` ? day(0) : day(-20);
  cli(db, "invoices", "issue", invoice, "--date", issued, "--terms", "7");
  cli(db, "invoices", "pay", invoice, "--amount", "1000");
  return { acme, overdue: issued !== day(0) };
}

const figure = (app, key) =>
  app.execute((sel) => document.querySelector(sel)?.textContent ?? "", byTest(`figure-${key}`));

test("the dashboard shows the business at a glance and each figure opens its records", async () => {
  const db = freshDb();
  const { acme, overdue } = seed(db);
  const app = await launch(db);
  try {
    await step(app, "the app opens on the dashboard, whose figures match the seeded business", async () => {
      await (await app.$(byTest("figure-won"))).waitForDisplayed({ timeout: 20000 });
      assert.match(await app.getUrl(), /#\/dashboard/);
      await waitContent(app, "figure-won", "4,500.00");
      await waitContent(app, "figure-lost", "800.00");
      assert.match(await figure(app, "win_rate"), /66\.67/);
      assert.match(await figure(app, "open_pipeline"), /8,400\.00/);
      assert.match(await figure(app, "weighted_forecast"), /3,600\.00/);
      // 2 of 6 leads converted.
      assert.match(await figure(app, "lead_conversion"), /33\.33/);
      assert.match(await figure(app, "open_tickets"), /1/);
      if (overdue) assert.match(await figure(app, "overdue_invoices"), /1,850\.00/);
      // The charts are drawn: their canvases hold pixels that are not blank.
      for (const id of ["chart-forecast", "chart-conversion"]) {
        await app.waitUntil(
          async () =>
            app.execute((sel) => {
              const canvas = document.querySelector(`${sel} canvas`);
              const ctx = canvas?.getContext("2d");
              if (!ctx || !canvas.width) return false;
              const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
              for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
              return false;
            }, byTest(id)),
          { timeout: 10000, timeoutMsg: `${id} drew nothing` },
        );
      }
      await shot(app, "80-dashboard");
      await (await app.$(byTest("chart-forecast"))).scrollIntoView();
      await shot(app, "80-dashboard-charts");
    });

    await step(app, "the Won figure lists the two won deals, and one opens", async () => {
      await click(app, "figure-won");
      await (await app.$(byTest("figure-records"))).waitForDisplayed({ timeout: 10000 });
      await waitContent(app, "figure-records", "Acme: espresso machines");
      await waitContent(app, "figure-records", "Boreal: fleet labels");
      const links = await app.$$(byTest("figure-record"));
      assert.equal(links.length, 2);
      await shot(app, "81-dashboard-records");
      await links[0].click();
      await app.waitUntil(async () => /#\/deals\/[0-9a-f-]{36}/.test(await app.getUrl()), {
        timeout: 10000,
        timeoutMsg: "the record did not open",
      });
      await (await app.$(`//*[contains(., "Acme: espresso machines")]`)).waitForDisplayed({ timeout: 10000 });
    });

    await step(app, "the funnel report reads by source and exports to CSV", async () => {
      await app.execute(() => {
        window.location.hash = "#/reports";
      });
      const select = await app.$(byTest("report-name"));
      await select.waitForDisplayed({ timeout: 10000 });
      await select.selectByAttribute("value", "funnel");
      await waitContent(app, "report-table", "Trade fair");
      await waitContent(app, "report-table", "Referral");
      await waitContent(app, "report-table", "50 %");
      await shot(app, "82-report-funnel");
      const out = join(dirname(db), "funnel.csv");
      await app.execute((path) => {
        window.__rapportE2eFiles = [path];
      }, out);
      await click(app, "report-export");
      await app.waitUntil(async () => existsSync(out), { timeout: 10000, timeoutMsg: "no CSV written" });
      const lines = readFileSync(out, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
      assert.equal(lines[0], "Source,Leads,Converted,Lead conversion (%),Won deals,Won amount (EUR),Won of converted (%)");
      assert.ok(lines.includes("Web,3,1,33.33,0,0.00,0.00"), lines.join("\n"));
    });

    await step(app, "the campaigns report shows the fair's cost, revenue and return", async () => {
      await (await app.$(byTest("report-name"))).selectByAttribute("value", "campaigns");
      await waitContent(app, "report-table", "Coffee expo");
      await waitContent(app, "report-table", "3,000.00");
      await waitContent(app, "report-table", "200 %");
      await shot(app, "82-report-campaigns");
    });

    await step(app, "the account with an overdue invoice and an open complaint shows its churn risk", async () => {
      await app.execute((id) => {
        window.location.hash = `#/accounts/${id}`;
      }, acme);
      await (await app.$(byTest("churn-risk"))).waitForDisplayed({ timeout: 10000 });
      await waitContent(app, "churn-risk", "1 open complaint");
      if (overdue) await waitContent(app, "churn-risk", "overdue");
      const box = await app.$(byTest("churn-risk"));
      await box.scrollIntoView();
      await shot(app, "83-account-churn");
    });
  } finally {
    await app.deleteSession();
  }
});
