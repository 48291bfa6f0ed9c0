// One owner of the data file, in the real window (issue 20, part 1). The data file sits in a
// folder the user browses, and the app runs from that folder, so every native file dialog opens
// on it: GTK's chooser reads the files it lists, and on Linux closing them drops every POSIX
// lock SQLite holds in the app process (SQLite's "How To Corrupt An SQLite Database File", 2.2).
// For each dialog the app has, the test opens it through the window, reads /proc/locks while it
// shows the folder, closes it with the keyboard (xdotool: WebDriver cannot see GTK windows),
// writes from the `rapport` CLI, then writes in the window. After a quit and a restart every
// write must be there, in the window and through the CLI, and the file must pass integrity_check.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";

import {
  APP,
  SHOTS,
  byTest,
  cli,
  click,
  fill,
  launch,
  rows,
  startDriver,
  step,
  stopDriver,
  waitText,
  xDisplay,
} from "./harness.mjs";

// The user's folder: the data file, and a file of the kind they keep beside it.
const folder = realpathSync(mkdtempSync(join(tmpdir(), "rapport-owner-")));
const db = join(folder, "rapport.db");
writeFileSync(join(folder, "people.csv"), "First name,Last name\nAda,Lovelace\n");
mkdirSync(join(folder, "Invoices"));
mkdirSync(join(folder, "backups")); // where the app keeps its backups; made here so it is there from the start

// The app runs in the data file's folder, so the dialogs open there. Its own notes (the last
// file opened, GTK's recent files) go to a scratch folder, not the home of whoever runs this.
before(() => startDriver({ cwd: folder, env: { XDG_DATA_HOME: mkdtempSync(join(tmpdir(), "rapport-owner-home-")) } }));
after(stopDriver);

/* ---------------------------------------------------------------- the app process, seen from outside */

const exe = realpathSync(APP);

/** The pid of the app window open on `db` (a child of WebKitWebDriver), or null. */
function appPid() {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/exe`) !== exe) continue;
      if (!readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").includes(db)) continue;
      if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, "utf8"))) continue; // exited, not yet reaped
      return Number(name);
    } catch {
      // The process went away while we looked.
    }
  }
  return null;
}

/** The POSIX (SQLite) locks the app holds on the data file and its -wal/-shm files (also when
 * those were deleted under it), and its flock locks on any file, from /proc/locks. */
function appLocks(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`).replace(/ \(deleted\)$/, "");
      if ([db, `${db}-wal`, `${db}-shm`].includes(target)) {
        inodes.add(String(statSync(`/proc/${pid}/fd/${fd}`, { bigint: true }).ino));
      }
    } catch {
      // Closed meanwhile.
    }
  }
  let posix = 0;
  let flock = 0;
  // "12: POSIX  ADVISORY  READ 4242 08:01:1234 128 128"; a waiting lock reads "12: -> POSIX ...".
  for (const line of readFileSync("/proc/locks", "utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[1] === "->" || Number(f[4]) !== pid) continue;
    if (f[1] === "POSIX" && inodes.has(f[5].split(":")[2])) posix += 1;
    if (f[1] === "FLOCK") flock += 1;
  }
  return { posix, flock };
}

/* ---------------------------------------------------------------- native windows, through xdotool */

function xdo(...args) {
  try {
    return execFileSync("xdotool", args, { env: { ...process.env, DISPLAY: xDisplay() }, encoding: "utf8", stdio: "pipe" }).trim();
  } catch (err) {
    if (err.code === "ENOENT") throw new Error("xdotool is not installed (make test installs it: apt-get install xdotool)");
    if (args[0] === "search" && err.status === 1) return ""; // nothing found
    throw err;
  }
}

/** The app's file chooser windows on screen (GTK titles them "Open File" / "Save File"). */
function chooserWindows(pid) {
  return xdo("search", "--all", "--onlyvisible", "--pid", String(pid), "--name", "^(Open|Save) File$").split("\n").filter(Boolean);
}

async function waitUntil(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

// What a window manager sends when the user clicks a window's close button: a WM_DELETE_WINDOW
// client message (the test's X server has no window manager, and this xdotool has no windowclose).
const CLOSE_WINDOW = `
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(Event)]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open the display")
win = int(sys.argv[1])
e = Event()
e.xclient.type = 33  # ClientMessage
e.xclient.window = win
e.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
e.xclient.format = 32
e.xclient.data[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
x.XSendEvent(d, win, 0, 0, ctypes.byref(e))
x.XFlush(d)
x.XCloseDisplay(d)
`;

/** Quits the app the way a person does: closes its window; resolves once the process ended. */
async function quitApp(pid) {
  const [main] = xdo("search", "--all", "--onlyvisible", "--pid", String(pid), "--name", "^Rapport").split("\n").filter(Boolean);
  assert.ok(main, "the app's window is on screen");
  execFileSync("python3", ["-c", CLOSE_WINDOW, main], { env: { ...process.env, DISPLAY: xDisplay() }, stdio: "pipe" });
  await waitUntil("the app to quit after its window was closed", () => appPid() === null, 30000);
}

/** A picture of the whole screen: the app window with the GTK dialog over it. */
function screenshot(name) {
  const file = join(SHOTS, `${name}.png`);
  execFileSync("import", ["-window", "root", file], { env: { ...process.env, DISPLAY: xDisplay() }, stdio: "pipe" });
  return file;
}

/** Goes to `dir` in the chooser: ctrl+L, the folder's path, Return. (GTK completes a name inline
 * when only one entry of the folder matches; the folder holds two subfolders, so nothing is.) */
async function browseTo(win, dir) {
  xdo("windowfocus", "--sync", win);
  xdo("key", "--clearmodifiers", "ctrl+l");
  await sleep(200);
  xdo("type", "--delay", "10", `${dir}/`);
  await sleep(300);
  xdo("key", "--clearmodifiers", "Return");
}

/** Closes the chooser with Escape, the way a person cancels it. */
async function cancelChooser(pid, win) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    xdo("windowfocus", "--sync", win);
    xdo("key", "--clearmodifiers", "Escape");
    const closed = await waitUntil("the dialog to close", () => chooserWindows(pid).length === 0, 3000).catch(() => false);
    if (closed) return;
  }
  throw new Error("the file dialog did not close on Escape");
}

/* ---------------------------------------------------------------- the dialogs */

async function go(app, hash) {
  await app.execute((h) => {
    window.location.hash = h;
  }, hash);
}

/** Every place the app opens a native file dialog (ui/src: api.openFile, api.saveFile and the
 * exports built on it). The damaged-file screen's "Open another file" is the one left out: it
 * only shows while the data file cannot be opened. */
function dialogs(ids) {
  const data = (testId) => async (app) => {
    await click(app, "nav-data");
    await click(app, testId);
  };
  return [
    { slug: "open-another-file", name: "Data: Open another file…", open: data("data-file-open") },
    { slug: "new-database", name: "Data: New database…", open: data("data-file-new") },
    { slug: "back-up-to-a-file", name: "Data: Back up to a file…", open: data("data-file-backup") },
    { slug: "import-choose", name: "Data: Import, choose a file", open: data("data-import-choose") },
    { slug: "export-csv", name: "Data: Export contacts (CSV)", open: data("export-csv-contacts") },
    { slug: "export-archive", name: "Data: Export everything (JSON)", open: data("export-archive") },
    { slug: "export-vcard", name: "Data: Export address book (vCard)", open: data("export-vcard") },
    {
      slug: "calendar-ics",
      name: "Calendar: Export .ics",
      open: async (app) => {
        await click(app, "nav-calendar");
        await click(app, "calendar-export");
      },
    },
    {
      slug: "contact-ics",
      name: "Contact: Export .ics",
      open: async (app) => {
        await go(app, `#/contacts/${ids.ada}`);
        await click(app, "export-ics");
      },
    },
    {
      slug: "report-csv",
      name: "Reports: Export CSV",
      open: async (app) => {
        await go(app, "#/reports");
        await click(app, "report-export");
      },
    },
    {
      slug: "segment-csv",
      name: "Segment: Export CSV",
      open: async (app) => {
        await go(app, `#/marketing/segments/${ids.segment}`);
        await click(app, "segment-export");
      },
    },
    {
      slug: "call-list-import",
      name: "Call lists: Import, choose a CSV",
      open: async (app) => {
        await click(app, "nav-calllists");
        await click(app, "calllist-import");
        await click(app, "import-pick");
      },
      after: async (app) => {
        // The import dialog (the app's own) stays open with nothing chosen: cancel it.
        const cancel = await app.$('//*[@data-testid="import-dialog"]//button[normalize-space()="Cancel"]');
        await cancel.click();
        await (await app.$(byTest("import-dialog"))).waitForDisplayed({ reverse: true, timeout: 10000 });
      },
    },
    {
      slug: "quote-pdf",
      name: "Quote: Save PDF",
      open: async (app) => {
        await go(app, `#/documents/${ids.quote}`);
        await click(app, "doc-pdf");
      },
    },
    {
      slug: "company-logo",
      name: "Settings: Company logo, Choose…",
      open: async (app) => {
        await click(app, "nav-settings");
        const pick = await app.$(byTest("company-logo-pick"));
        await pick.scrollIntoView();
        await click(app, "company-logo-pick");
      },
    },
  ];
}

/* ---------------------------------------------------------------- writes */

/** Adds a contact through the window's form; resolves once its page shows. */
async function addContactInApp(app, first, last) {
  await click(app, "nav-contacts");
  await click(app, "new-contacts");
  await fill(app, "first_name", first);
  await fill(app, "last_name", last);
  await click(app, "save");
  await waitText(app, "contact-name", `${first} ${last}`);
}

/** The names in the window's contact list, once it lists every one of `names` (or after
 * `ms`, whatever it lists then). */
async function contactsInWindow(app, names, ms) {
  await click(app, "nav-contacts");
  const end = Date.now() + ms;
  for (;;) {
    const listed = (await rows(app, "contacts-table").catch(() => [])).join("\n");
    const missing = names.filter((n) => !listed.includes(n));
    if (missing.length === 0 || Date.now() > end) return missing;
    await sleep(200);
  }
}

function contactNamesOnFile() {
  return JSON.parse(cli(db, "contacts", "list", "--format", "json")).map((c) => `${c.first_name} ${c.last_name}`);
}

function integrityCheck() {
  return execFileSync(
    "python3",
    ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join(r[0] for r in c.execute('PRAGMA integrity_check')))", db],
    { encoding: "utf8" },
  ).trim();
}

/* ---------------------------------------------------------------- the test */

test("every native dialog, a CLI write and a window write each: nothing is lost after a restart", async () => {
  const acme = cli(db, "accounts", "add", "--name", "Acme GmbH");
  const ids = {
    ada: cli(db, "contacts", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--account-id", acme),
    segment: cli(db, "segments", "add", "--name", "Everyone", "--static"),
    quote: cli(db, "quotes", "create", "--account-id", acme, "--currency", "EUR", "--line", "Label printer:1@950"),
  };
  const ticket = cli(db, "tickets", "add", "--subject", "Printer jams on every label", "--account-id", acme);

  const cliWrites = []; // contacts the CLI added while the app was open
  const appWrites = []; // contacts the window added
  const notSeen = []; // what the running window did not show
  const seen = []; // what /proc/locks showed, per dialog

  let app = await launch(db);
  try {
    const pid = await step(app, "the app runs from the data file's folder, holding SQLite's locks", async () => {
      const found = await waitUntil("the app process", appPid);
      assert.equal(realpathSync(`/proc/${found}/cwd`), folder, "the app's working folder");
      // The app opens the file at once; its locks show as soon as it has read from it.
      await waitUntil("the app's locks on the data file", () => appLocks(found).posix > 0, 10000);
      return found;
    });

    let first = true;
    for (const dialog of dialogs(ids)) {
      const began = Date.now();
      await step(app, `${dialog.name}: the dialog shows the data file's folder`, async () => {
        const started = Date.now();
        const before = appLocks(pid);
        await dialog.open(app);
        const [win] = await waitUntil(`the "${dialog.name}" file dialog`, () => {
          const w = chooserWindows(pid);
          return w.length > 0 && w;
        });
        if (xdo("getwindowname", win) === "Open File") {
          // An open dialog starts on "Recent"; the user goes to the folder where the file is.
          await browseTo(win, folder);
        }
        // The chooser lists the folder asynchronously; reading the files drops the locks.
        const dropped = await waitUntil("the app's POSIX locks to drop", () => appLocks(pid).posix === 0, 3000).catch(() => false);
        const during = appLocks(pid);
        seen.push({ dialog: dialog.name, before, during, ms: Date.now() - started });
        await sleep(600); // GTK paints the listing a moment after the window shows
        screenshot(`ownership-${String(seen.length).padStart(2, "0")}-${dialog.slug}`);
        if (first) {
          // The reproduction: what the issue saw (2 locks before, 0 while the dialog shows).
          assert.ok(before.posix > 0, `the app held SQLite locks before the dialog: ${JSON.stringify(before)}`);
          assert.ok(dropped, `the dialog dropped the app's SQLite locks: before ${JSON.stringify(before)}, during ${JSON.stringify(during)}`);
        }
        await cancelChooser(pid, win);
        if (dialog.after) await dialog.after(app);
      });

      await step(app, `${dialog.name}: then a write from the CLI`, async () => {
        const name = `Cli ${dialog.slug}`;
        cli(db, "contacts", "add", "--first-name", "Cli", "--last-name", dialog.slug);
        cliWrites.push(name);
        assert.ok(contactNamesOnFile().includes(name), `the CLI reads back its contact ${name}`);
      });

      await step(app, `${dialog.name}: then a write in the window`, async () => {
        await addContactInApp(app, "App", dialog.slug);
        appWrites.push(`App ${dialog.slug}`);
        if (first) {
          // What the issue saw lost: a ticket resolved and an account saved in the window.
          await go(app, `#/tickets/${ticket}`);
          await click(app, "ticket-status-resolved");
          await (await app.$(`//*[@data-testid="toast"][contains(., "#1 is now resolved")]`)).waitForDisplayed({ timeout: 10000 });
          await click(app, "nav-accounts");
          await click(app, "new-accounts");
          await fill(app, "name", "Northwind Traders");
          await click(app, "save");
          await waitText(app, "account-name", "Northwind Traders");
        }
        // The running window shows the CLI's write next to its own.
        // (Once the window has missed one, it is not waited on as long.)
        const missing = await contactsInWindow(app, [`Cli ${dialog.slug}`, `App ${dialog.slug}`], notSeen.length ? 500 : 3000);
        for (const m of missing) notSeen.push(`${m} (after "${dialog.name}")`);
      });
      const entry = seen.at(-1);
      console.log(`${dialog.name}: locks ${entry.before.posix} -> ${entry.during.posix}, dialog ${entry.ms} ms, round ${Date.now() - began} ms`);
      first = false;
    }

    await step(app, "quit: close the window", async () => {
      await quitApp(pid);
      await app.deleteSession().catch(() => {}); // the window is gone already
      app = null;
    });

    app = await launch(db);
    await step(app, "restart: the window lists every write, the ticket stays resolved", async () => {
      const missing = await contactsInWindow(app, [...cliWrites, ...appWrites], 10000);
      await go(app, `#/tickets/${ticket}`);
      await (await app.$(byTest("ticket-status"))).waitForDisplayed({ timeout: 10000 });
      const status = await (await app.$(byTest("ticket-status"))).getText();
      await click(app, "nav-accounts");
      // The list loads a moment after the click; read it once it names the account (or after 10 s).
      let accounts = "";
      await app
        .waitUntil(async () => (accounts = (await rows(app, "accounts-table").catch(() => [])).join("\n")).includes("Northwind Traders"), {
          timeout: 10000,
        })
        .catch(() => {});
      await quitApp(appPid());
      await app.deleteSession().catch(() => {});
      app = null;

      const onFile = contactNamesOnFile();
      const lostCli = cliWrites.filter((n) => !onFile.includes(n));
      const lostApp = appWrites.filter((n) => !onFile.includes(n));
      const ticketOnFile = JSON.parse(cli(db, "tickets", "get", "1", "--format", "json"));
      const accountsOnFile = JSON.parse(cli(db, "accounts", "list", "--format", "json")).map((a) => a.name);
      const report = [
        `locks per dialog (POSIX on the data file, flock): ${seen
          .map((s) => `${s.dialog}: ${s.before.posix}/${s.before.flock} -> ${s.during.posix}/${s.during.flock} (${s.ms} ms)`)
          .join("; ")}`,
        `the running window did not show: ${notSeen.join(", ") || "-"}`,
        `after the restart the window did not list: ${missing.join(", ") || "-"}`,
        `the CLI's contacts lost: ${lostCli.join(", ") || "-"}`,
        `the window's contacts lost: ${lostApp.join(", ") || "-"}`,
        `ticket #1 after the restart: ${ticketOnFile.status} (window: ${status})`,
        `accounts on file: ${accountsOnFile.join(", ")}`,
      ].join("\n  ");
      console.log(`ownership:\n  ${report}`);
      assert.deepEqual({ lostCli, lostApp }, { lostCli: [], lostApp: [] }, `every write is on file after the restart:\n  ${report}`);
      assert.deepEqual(missing, [], `the window lists every write after the restart:\n  ${report}`);
      assert.equal(ticketOnFile.status, "resolved", `the ticket resolved in the window stays resolved:\n  ${report}`);
      assert.match(status, /Resolved/, `the window shows ticket #1 resolved:\n  ${report}`);
      assert.ok(accountsOnFile.includes("Northwind Traders"), `the account saved in the window is on file:\n  ${report}`);
      assert.match(accounts, /Northwind Traders/, `the window lists the account saved in it:\n  ${report}`);
      assert.deepEqual(notSeen, [], `the running window showed every CLI write at once:\n  ${report}`);
    });

    await step(null, "the file is healthy: rapport check and integrity_check", async () => {
      cli(db, "check");
      assert.equal(integrityCheck(), "ok");
    });
  } finally {
    await app?.deleteSession().catch(() => {});
  }
});
