// The mailbox in the real window: a real IMAP server (Dovecot, started by tests/imap/serve.py
// on loopback) holds a customer's order and a newsletter; the mailbox is set up in Settings,
// the connection tested, new mail read, and the order lands on the customer's timeline while
// the newsletter stays on the server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";

import { ROOT, byTest, cli, click, fill, freshDb, launch, shot, startDriver, step, stopDriver, waitText } from "./harness.mjs";

const PASSWORD = "secret-imap-password";
let server;

/** Starts Dovecot with these messages in the inbox; resolves to its port. */
function startImap(messages) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-mail-e2e-"));
  const files = messages.map((text, i) => {
    const file = join(dir, `${i}.eml`);
    writeFileSync(file, text.replace(/\n/g, "\r\n"));
    return file;
  });
  // The Python that make test prepared has aiosmtpd for the SMTP side.
  const venv = join(ROOT, "target/pyenv/bin/python");
  const python = existsSync(venv) ? venv : "python3";
  server = spawn(python, [join(ROOT, "tests/imap/serve.py"), "--smtp", ...files], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    server.on("exit", (code) => reject(new Error(`the IMAP server stopped (exit ${code})`)));
    createInterface({ input: server.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
}

let imap;
before(async () => {
  imap = await startImap([
    "From: Marta Baker <marta@bakery.example>\nTo: ann@crumb.example\nSubject: Order for Friday\n" +
      "Message-ID: <m1@bakery.example>\nDate: Thu, 03 Dec 2026 10:00:00 +0000\n\nCan you deliver 40 rolls on Friday?\n",
    "From: Deals <news@shop.example>\nTo: ann@crumb.example\nSubject: Black Friday deals\n" +
      "Message-ID: <n1@shop.example>\nDate: Thu, 03 Dec 2026 11:00:00 +0000\n\nBuy now.\n",
    "From: Jan Nowak <jan@nowak.example>\nTo: support@crumb.example\nSubject: Oven broken\n" +
      "Message-ID: <t1@nowak.example>\nDate: Thu, 03 Dec 2026 12:00:00 +0000\n\nThe oven does not heat.\n",
  ]);
  process.env.RAPPORT_IMAP_PASSWORD = PASSWORD;
  // The app reads the password from the environment where no keyring runs (as here).
  await startDriver({ env: { RAPPORT_IMAP_PASSWORD: PASSWORD } });
});
after(async () => {
  await stopDriver();
  server?.stdin.end();
});

test("a mailbox is set up, tested and read; a customer's mail lands on their timeline", async () => {
  const db = freshDb();
  const marta = cli(db, "contacts", "add", "--first-name", "Marta", "--last-name", "Baker", "--email", "marta@bakery.example");
  const app = await launch(db, "#/settings");
  try {
    await step(app, "the mailbox is set up in Settings", async () => {
      const host = await app.$(byTest("mailbox-host"));
      await host.waitForDisplayed({ timeout: 10000 });
      await host.scrollIntoView();
      await fill(app, "mailbox.host", "127.0.0.1");
      await (await app.$(byTest("mailbox-security"))).selectByAttribute("value", "none");
      await fill(app, "mailbox.port", String(imap.port));
      await fill(app, "mailbox.username", imap.user);
      await click(app, "mailbox-save");
      await (await app.$(byTest("mailbox-has-password"))).waitForDisplayed({ timeout: 10000 });
    });
    await step(app, "the connection test names the folders it will read", async () => {
      await click(app, "mailbox-test");
      await waitText(app, "mailbox-test-result", "Connected to 127.0.0.1", 20000);
      await waitText(app, "mailbox-test-result", "INBOX, Sent");
      await (await app.$(byTest("settings-mailbox"))).scrollIntoView();
      await shot(app, "98-settings-mailbox");
    });
    await step(app, "reading new mail keeps the customer's order only", async () => {
      await click(app, "mailbox-sync-now");
      await waitText(app, "mailbox-progress", "1 message kept", 20000);
    });
    await step(app, "the order is on Marta's timeline", async () => {
      await app.execute((id) => {
        window.location.hash = `#/contacts/${id}`;
      }, marta);
      await waitText(app, "timeline", "Order for Friday", 15000);
      const text = await (await app.$(byTest("timeline"))).getText();
      assert.ok(!text.includes("Black Friday"), "the newsletter is not kept");
      await shot(app, "99-contact-mail");
    });
  } finally {
    await app.deleteSession();
  }
  const kept = JSON.parse(cli(db, "mail", "messages", "--format", "json"));
  assert.deepEqual(
    kept.map((m) => [m.subject, m.direction]),
    [["Order for Friday", "inbound"]],
  );
});

/** The messages the SMTP server received so far, as text. */
function received() {
  return readdirSync(imap.smtp_dir)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => readFileSync(join(imap.smtp_dir, f), "utf8"));
}

test("a ticket opened by mail is answered in the window and the answer leaves in the customer's thread", async () => {
  const db = freshDb();
  cli(db, "mail", "setup", "--host", "127.0.0.1", "--port", String(imap.port), "--security", "none", "--user", imap.user,
    "--support-address", "support@crumb.example");
  cli(db, "outbox", "setup", "--host", "127.0.0.1", "--port", String(imap.smtp_port), "--security", "none",
    "--from", "support@crumb.example", "--from-name", "Crumb Support");
  cli(db, "mail", "sync");
  const [ticket] = JSON.parse(cli(db, "tickets", "list", "--queue", "all", "--format", "json"));
  assert.equal(ticket.subject, "Oven broken");
  const before = received().length;
  const app = await launch(db, `#/tickets/${ticket.id}`);
  try {
    await step(app, "the ticket shows the customer's mail and offers to e-mail the reply", async () => {
      await waitText(app, "ticket-thread", "The oven does not heat.", 15000);
      await waitText(app, "ticket-reply-email", "E-mail it to jan@nowak.example");
    });
    await step(app, "the reply is sent and the ticket says so", async () => {
      await click(app, "ticket-kind-reply");
      const body = await app.$(byTest("ticket-reply-body"));
      await body.setValue("A technician comes on Monday.");
      await click(app, "ticket-send");
      await app.waitUntil(async () => received().length > before, { timeout: 30000, timeoutMsg: "the reply never reached the SMTP server" });
      // Seen again from the ticket list, the reply's mail is marked sent.
      await app.execute(() => {
        window.location.hash = "#/tickets";
      });
      await app.execute((id) => {
        window.location.hash = `#/tickets/${id}`;
      }, ticket.id);
      await waitText(app, "ticket-mail-status", "E-mailed", 15000);
      await shot(app, "99-ticket-mailed");
    });
  } finally {
    await app.deleteSession();
  }
  const reply = received().at(-1);
  assert.match(reply, /^Subject: Re: \[#1\] Oven broken$/m);
  assert.match(reply, /^In-Reply-To: <t1@nowak\.example>$/m);
  assert.match(reply, /^To: "?Jan Nowak"? <jan@nowak\.example>$/m);
  assert.match(reply, /A technician comes on Monday\./);
});

