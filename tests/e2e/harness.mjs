// Drives the real Rapport window: Xvfb (when no display is set), tauri-driver and
// WebKitWebDriver, a fresh database per test, screenshots of what a person would see.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../..");
export const APP = resolve(process.env.RAPPORT_APP ?? join(ROOT, "target/debug/rapport-desktop"));
export const CLI = resolve(process.env.RAPPORT_CLI ?? join(ROOT, "target/debug/rapport"));
export const SHOTS = join(here, "screenshots");
const LOGS = join(here, "logs");

let xvfb;
let driver;
let port;
let display;

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port: p } = srv.address();
      srv.close(() => ok(p));
    });
  });
}

async function waitFor(what, check, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(150);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Starts the display (if needed) and tauri-driver; call once per test file. Options: `cwd`, the
 * folder the driver and so every app it starts run in (native file dialogs open there), and `env`,
 * variables added to theirs (or, set to `undefined`, removed). */
export async function startDriver(options) {
  const cwd = typeof options?.cwd === "string" ? options.cwd : undefined;
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(LOGS, { recursive: true });
  // WebKitWebDriver's screenshot never answers when the app draws without accelerated
  // compositing (its memory setting, src-tauri/src/webview.rs), so tests keep WebKit's default;
  // bench-app.mjs measures the app as shipped.
  const env = {
    RAPPORT_WEBKIT_COMPOSITING: "1",
    ...process.env,
    ...(typeof options?.env === "object" ? options.env : {}),
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  // A desktop session has a locale; a bare CI shell often has none, and WebKit then formats
  // numbers the POSIX way (no thousands separators). Test what people see.
  if (!env.LANG || env.LANG === "C" || env.LANG === "POSIX") env.LANG = "en_US.UTF-8";
  if (!env.DISPLAY) {
    const display = `:${90 + Math.floor(Math.random() * 9)}`;
    xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
    env.DISPLAY = display;
    await sleep(500);
  }
  display = env.DISPLAY;
  port = await freePort();
  const nativePort = await freePort();
  const log = openSync(join(LOGS, `tauri-driver-${port}.log`), "a");
  driver = spawn(process.env.TAURI_DRIVER ?? "tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    cwd,
    stdio: ["ignore", log, log],
  });
  driver.once("error", (e) => {
    throw new Error(`could not start tauri-driver (${e.message}); run \`make test\`, which installs it`);
  });
  await waitFor("tauri-driver to be ready", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    return (await res.json()).value?.ready ?? false;
  });
}

/** The X display the app windows are on (for xdotool and screenshots of native windows). */
export function xDisplay() {
  return display;
}

export async function stopDriver() {
  driver?.kill();
  xvfb?.kill();
  await sleep(200);
}

/** A fresh, empty database path in its own temporary folder. */
export function freshDb() {
  return join(mkdtempSync(join(tmpdir(), "rapport-e2e-")), "rapport.db");
}

/** Runs the `rapport` CLI on `db` (for seeding data); returns stdout. */
export function cli(db, ...args) {
  return execFileSync(CLI, ["--db", db, ...args], { encoding: "utf8" }).trim();
}

/** Opens the app window on `db` (at `route`, e.g. "#/contacts", when given; the app itself
 * opens on the Dashboard); resolves once the UI has rendered. With `db` null the app is started
 * as from its desktop icon, with no --db. */
export async function launch(db, route = null) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: {
      browserName: "wry",
      // WebKitWebDriver speaks classic WebDriver only; no BiDi session upgrade.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP, args: db === null ? [] : ["--db", db] },
    },
  });
  await browser.setTimeout({ implicit: 0 });
  await (await browser.$(".shell, [data-testid=open-error]")).waitForExist({ timeout: 20000 });
  if (route) {
    await browser.execute((hash) => {
      window.location.hash = hash;
    }, route);
  }
  return browser;
}

/** A named step: on failure the error names the step and a screenshot is saved. */
export async function step(browser, name, fn) {
  try {
    return await fn();
  } catch (err) {
    const file = join(SHOTS, `FAILED-${name.replace(/\W+/g, "-")}.png`);
    await browser?.saveScreenshot(file).catch(() => {});
    err.message = `step "${name}" failed: ${err.message} (screenshot: ${file})`;
    throw err;
  }
}

export async function shot(browser, name) {
  await sleep(250); // let transitions and toasts settle
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
}

export const byTest = (id) => `[data-testid="${id}"]`;

/** Clicks the element with this data-testid once it is there. */
export async function click(browser, testId) {
  const el = await browser.$(byTest(testId));
  await el.waitForClickable({ timeout: 10000 });
  await el.click();
}

/** Replaces the value of the input named `name`. */
export async function fill(browser, name, value) {
  const el = await browser.$(`[name="${name}"]`);
  await el.waitForDisplayed({ timeout: 10000 });
  await el.clearValue();
  await el.setValue(value);
}

/** Waits until the element's text contains `text`. */
export async function waitText(browser, testId, text, timeout = 10000) {
  const el = await browser.$(byTest(testId));
  await el.waitUntil(async () => (await el.getText()).includes(text), {
    timeout,
    timeoutMsg: `${testId} never showed "${text}"`,
  });
}

/** Waits until the element's DOM text (textContent) contains `text`. WebKit's rendered text of
 * an element (what `waitText` reads) leaves out some table cells, so tables are read this way. */
export async function waitContent(browser, testId, text, timeout = 10000) {
  await browser.waitUntil(
    async () =>
      ((await browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", byTest(testId))) ?? "").includes(text),
    { timeout, timeoutMsg: `${testId} never held "${text}"` },
  );
}

/** Every row of a list table, as its cells' texts joined by " | " (avatars left out). */
export async function rows(browser, testId) {
  return browser.execute((selector) => {
    return [...document.querySelectorAll(`${selector} tbody tr`)].map((tr) =>
      [...tr.querySelectorAll("td:not(.select-cell)")]
        .map((td) => {
          const copy = td.cloneNode(true);
          copy.querySelectorAll(".avatar").forEach((a) => a.remove());
          return copy.textContent.trim();
        })
        .join(" | "),
    );
  }, byTest(testId));
}

export const BENCH = resolve(process.env.RAPPORT_BENCH ?? join(ROOT, "target/debug/rapport-bench"));

/** Fills `db` with realistic generated data (seeded, so the same every run). */
export function generate(db, contacts, accounts) {
  execFileSync(BENCH, ["generate", "--db", db, "--contacts", String(contacts), "--accounts", String(accounts)], {
    stdio: "ignore",
  });
}
