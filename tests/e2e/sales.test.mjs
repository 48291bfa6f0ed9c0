// Quotes, orders and invoices in the real window (the acceptance test of sales documents): a
// deal becomes a quote with a catalogue product and a free-text line, the quote is sent,
// accepted and turned into an order, the order into an invoice that is issued, paid in part
// and saved as PDF; the PDF's text names the invoice, its lines and what is due, and its first
// page is rendered to a picture (pdftoppm) beside the screenshots.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { SHOTS, byTest, cli, click, freshDb, launch, shot, startDriver, step, stopDriver, waitContent, waitText } from "./harness.mjs";

before(startDriver);
after(stopDriver);

const LOGO = resolve(dirname(fileURLToPath(import.meta.url)), "../../assets/icons/128x128.png");

async function setText(app, testId, value) {
  const el = await app.$(byTest(testId));
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
}

async function status(app, text) {
  await waitText(app, "doc-status", text);
}

async function toastSays(app, text) {
  const toast = await app.$(`//*[@data-testid="toast"][contains(., "${text}")]`);
  await toast.waitForDisplayed({ timeout: 10000 });
}

test("a deal becomes a quote, an order and an invoice that is paid in part and saved as PDF", async () => {
  const db = freshDb();
  cli(db, "company", "--name", "Rapport Demo GmbH", "--address", "Hauptstraße 1\\n10115 Berlin",
    "--tax-id", "DE123456789", "--email", "billing@rapport-demo.test", "--phone", "+49 30 1234567",
    "--bank", "Berliner Bank · IBAN DE02 1203 0000 0000 2020 51 · BIC BEBEDEBB",
    "--footer", "Rapport Demo GmbH · Registered in Berlin, HRB 12345 · Managing director: Ada Lovelace",
    "--logo", LOGO);
  const acme = cli(db, "accounts", "add", "--name", "Acme Café GmbH", "--street", "Industriestraße 12",
    "--postal-code", "10115", "--city", "Berlin", "--country", "Germany");
  const deal = cli(db, "deals", "add", "--name", "Acme: label printers", "--account-id", acme,
    "--amount", "2000", "--currency", "EUR");
  cli(db, "products", "add", "--sku", "PRN-1", "--name", "Label printer ZT-410", "--unit", "piece",
    "--price", "499.00", "--currency", "EUR", "--tax", "19");

  const app = await launch(db, `#/deals/${deal}`);
  try {
    await step(app, "quote the deal: a printer from the catalogue and an hour and a half of installation", async () => {
      await click(app, "deal-create-quote");
      await (await app.$(byTest("quote-editor"))).waitForDisplayed({ timeout: 10000 });
      await setText(app, "line-product-0", "PRN");
      const option = await app.$('//*[@data-testid="line-product-option"][contains(., "PRN-1")]');
      await option.waitForClickable({ timeout: 10000 });
      await option.click();
      await (await app.$(byTest("line-product-0"))).waitUntil(async function () {
        return (await this.getValue()) === "PRN-1";
      }, { timeout: 10000, timeoutMsg: "picking PRN-1 did not put it on the line" });
      await waitText(app, "line-amount-0", "499.00");
      await setText(app, "line-quantity-0", "2");
      await click(app, "line-add");
      await setText(app, "line-description-1", "Installation on site");
      await setText(app, "line-quantity-1", "1.5");
      await setText(app, "line-price-1", "120.00");
      await setText(app, "line-discount-1", "10");
      await setText(app, "line-tax-1", "19");
      // 998.00 + 162.00 = 1,160.00 net; 19% tax 220.40; 1,380.40 in all.
      await waitText(app, "totals-total", "1,380.40");
      await shot(app, "70-quote-editor");
      await click(app, "quote-save");
      await (await app.$(byTest("document-page"))).waitForDisplayed({ timeout: 10000 });
      await waitText(app, "doc-title", "Q-");
      await status(app, "Draft");
    });

    await step(app, "send and accept the quote, then make it a sales order", async () => {
      await click(app, "quote-send");
      await status(app, "Sent");
      await click(app, "quote-accept");
      await status(app, "Accepted");
      await click(app, "quote-to-order");
      await waitText(app, "doc-title", "SO-");
      await waitText(app, "doc-totals", "1,380.40");
    });

    let number;
    await step(app, "invoice the order and issue the invoice: it takes the first invoice number", async () => {
      await click(app, "order-invoice");
      await waitText(app, "doc-title", "draft");
      await click(app, "invoice-issue");
      await (await app.$(byTest("issue-dialog"))).waitForDisplayed({ timeout: 10000 });
      await click(app, "invoice-issue-confirm");
      await waitText(app, "doc-title", "INV-");
      number = (await (await app.$(byTest("doc-title"))).getText()).match(/INV-\d{4}-\d{4}/)?.[0];
      assert.ok(number, "the invoice number is in the title");
      assert.match(number, /-0001$/);
      await status(app, "Issued");
    });

    await step(app, "record a payment of 500.00: partly paid, 880.40 left", async () => {
      await click(app, "invoice-pay");
      await setText(app, "payment-amount", "500.00");
      await click(app, "payment-save");
      await status(app, "Partly paid");
      await waitText(app, "doc-balance", "880.40");
      await waitContent(app, "doc-payments", "500.00");
      await shot(app, "71-invoice-partly-paid");
    });

    const pdf = join(dirname(db), "invoice.pdf");
    await step(app, "save the invoice as PDF", async () => {
      await app.execute((path) => {
        window.__rapportE2eFiles = [path];
      }, pdf);
      await click(app, "doc-pdf");
      await toastSays(app, "invoice.pdf");
      assert.ok(existsSync(pdf), "the PDF was written");
      const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
      for (const expected of [number, "Rapport Demo GmbH", "Acme Café GmbH", "Label printer ZT-410",
        "Installation on site", "Balance due", "IBAN DE02 1203 0000 0000 2020 51", "Page 1 of 1"]) {
        assert.ok(text.includes(expected), `the PDF says ${expected}:\n${text}`);
      }
      assert.match(text, /1,380\.40|1\.380,40/, "the total");
      assert.match(text, /880\.40|880,40/, "the balance due");
      // The first page as a picture, for a person to look at.
      execFileSync("pdftoppm", ["-png", "-r", "80", "-singlefile", pdf, join(SHOTS, "73-invoice-pdf")]);
    });

    await step(app, "the account shows what it owes", async () => {
      await click(app, "doc-account");
      const money = await app.$(byTest("account-money"));
      await money.waitForDisplayed({ timeout: 10000 });
      await money.scrollIntoView();
      await waitText(app, "money-outstanding", "880.40");
      await waitText(app, "money-paid", "500.00");
      await shot(app, "72-account-money");
    });

    await step(app, "the command line agrees", async () => {
      const inv = JSON.parse(cli(db, "invoices", "get", number, "--format", "json"));
      assert.equal(inv.status, "partly_paid");
      assert.equal(inv.total_minor, 138040);
      assert.equal(inv.paid_minor, 50000);
      assert.equal(inv.balance_minor, 88040);
      assert.deepEqual(inv.lines.map((l) => l.description), ["Label printer ZT-410", "Installation on site"]);
      const quotes = JSON.parse(cli(db, "quotes", "list", "--opportunity", deal, "--format", "json"));
      assert.equal(quotes[0].status, "accepted");
    });
  } finally {
    await app.deleteSession();
  }
});
