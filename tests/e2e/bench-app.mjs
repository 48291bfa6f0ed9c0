// Measures the real desktop app on the 100k benchmark database: cold start to the home screen
// with its figures, and the resident memory of the app with all its WebKit processes (by
// process) with the contacts list open.
// Run by `make bench-app` (after `make bench` made the database); writes docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT, byTest, cli, launch, startDriver, stopDriver } from "./harness.mjs";

const DB = process.env.RAPPORT_BENCH_DB ?? join(ROOT, "target/bench/rapport-bench.db");
const RUNS = 5;

function children(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* the process ended */
    }
  }
  return out;
}

/** Memory of the app and its WebKit processes: proportional set size (shared library pages
 * split between the processes that map them, so they are not counted three times) and the
 * private anonymous memory (what the processes allocated themselves). */
function treeMemoryMb(pid) {
  let pss = 0;
  let anon = 0;
  const processes = {};
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const own = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? 0);
      const name = readFileSync(`/proc/${p}/comm`, "utf8").trim();
      pss += own;
      anon += Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      processes[name] = Math.round((processes[name] ?? 0) + own / 1024);
    } catch {
      continue;
    }
    stack.push(...children(p));
  }
  return { pss: pss / 1024, anon: anon / 1024, processes };
}

function appPid() {
  const out = execFileSync("pgrep", ["-f", `rapport-desktop --db ${DB}`], { encoding: "utf8" }).trim().split("\n");
  return Number(out[0]);
}

if (!existsSync(DB)) {
  console.error(`No benchmark database at ${DB}: run make bench first.`);
  process.exit(1);
}
// The day's automatic backup first, as on every start but the day's first: otherwise each
// short run below would start it again and be stopped during it, and the memory would count
// the file's pages that the backup's check maps while it runs.
cli(DB, "backups", "--now");
await startDriver({ env: { RAPPORT_WEBKIT_COMPOSITING: undefined } });
const starts = [];
let memory = null;
try {
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    // The app opens on the dashboard: a start is done when its figures are drawn.
    const app = await launch(DB);
    await (await app.$(byTest("figure-value"))).waitForExist({ timeout: 30000 });
    starts.push(performance.now() - t0);
    if (i === RUNS - 1) {
      await (await app.$(byTest("nav-contacts"))).click();
      await (await app.$(`${byTest("contacts-table")} tbody tr[aria-rowindex]`)).waitForExist({ timeout: 30000 });
      await new Promise((r) => setTimeout(r, 1000));
      const pid = appPid();
      const listed = treeMemoryMb(pid);
      await (await app.$(`${byTest("contacts-table")} tbody tr td:not(.select-cell)`)).click();
      await (await app.$(byTest("timeline"))).waitForExist({ timeout: 30000 });
      await (await app.$(byTest("nav-accounts"))).click();
      await (await app.$(`${byTest("accounts-table")} tbody tr[aria-rowindex]`)).waitForExist({ timeout: 30000 });
      await new Promise((r) => setTimeout(r, 1000));
      memory = { listed, afterBrowsing: treeMemoryMb(pid) };
    }
    await app.deleteSession();
  }
} finally {
  await stopDriver();
}
starts.sort((a, b) => a - b);
const median = starts[Math.floor(starts.length / 2)];
const result = {
  date: new Date().toISOString().slice(0, 10),
  database: DB,
  cold_start_ms: { median: Math.round(median), runs: starts.map(Math.round) },
  memory_mb: memory && {
    contacts_list: {
      pss: Math.round(memory.listed.pss),
      private: Math.round(memory.listed.anon),
      by_process: memory.listed.processes,
    },
    after_record_and_accounts: { pss: Math.round(memory.afterBrowsing.pss), private: Math.round(memory.afterBrowsing.anon) },
  },
};
console.log(JSON.stringify(result, null, 2));
const md = join(ROOT, "docs/benchmarks.md");
const text = readFileSync(md, "utf8");
const block = `<!-- bench:app:start -->
Measured ${result.date} with \`make bench-app\` on the 100,000-contact database, release build, under Xvfb:

| what | figure | budget | holds |
| --- | ---: | ---: | :---: |
| cold start to the home screen (the dashboard) with its figures drawn (median of ${RUNS}; includes starting the WebDriver session) | ${result.cold_start_ms.median} ms | 1 s | ${result.cold_start_ms.median <= 1000 ? "yes" : "**no**"} |
| resident memory (PSS), app and its WebKit processes, contacts list open | ${result.memory_mb.contacts_list.pss} MB (${result.memory_mb.contacts_list.private} MB private) | 200 MB | ${result.memory_mb.contacts_list.pss <= 200 ? "yes" : "**no**"} |
| resident memory (PSS) after opening a record and the accounts list | ${result.memory_mb.after_record_and_accounts.pss} MB (${result.memory_mb.after_record_and_accounts.private} MB private) | 200 MB | ${result.memory_mb.after_record_and_accounts.pss <= 200 ? "yes" : "**no**"} |

Every start: ${result.cold_start_ms.runs.join(", ")} ms. With the contacts list open, by process (PSS): ${Object.entries(
  result.memory_mb.contacts_list.by_process,
)
  .map(([name, mb]) => `${name} ${mb} MB`)
  .join(", ")}.
<!-- bench:app:end -->`;
const updated = text.includes("<!-- bench:app:start -->")
  ? text.replace(/<!-- bench:app:start -->[\s\S]*<!-- bench:app:end -->/, block)
  : text.replace("## What the figures say", `${block}\n\n## What the figures say`);
writeFileSync(md, updated);
