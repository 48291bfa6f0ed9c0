//! What a benchmark run measured, and how it is written down (docs/benchmarks.md and .json).

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

pub(crate) fn report(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Timings of one side (ours or the baseline) of one case.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Stats {
    pub(crate) runs: usize,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
}

impl Stats {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            ms(samples[i])
        };
        Stats {
            runs: samples.len(),
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: ms(*samples.last().unwrap_or(&Duration::ZERO)),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Case {
    pub(crate) name: String,
    /// What Rapport does.
    pub(crate) ours: Stats,
    /// What raw SQLite does for the least equivalent work.
    pub(crate) baseline: Stats,
    pub(crate) baseline_does: String,
    /// The budget from the benchmarks issue, on p99 (or the one-shot time).
    pub(crate) budget_ms: Option<f64>,
    pub(crate) note: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Results {
    pub(crate) date: String,
    pub(crate) machine: String,
    pub(crate) command: String,
    pub(crate) dataset: String,
    pub(crate) db_size_mb: f64,
    pub(crate) peak_rss_mb: f64,
    pub(crate) cases: Vec<Case>,
}

pub(crate) fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

pub(crate) fn samples<Q>(queries: &[Q], mut f: impl FnMut(&Q)) -> Vec<Duration> {
    queries
        .iter()
        .map(|q| {
            let start = Instant::now();
            f(q);
            start.elapsed()
        })
        .collect()
}

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(String::new, |kb| {
            format!(", {:.0} GiB RAM", kb / 1024.0 / 1024.0)
        });
    format!("{cpu}, {cores} cores{mem}, {}", std::env::consts::OS)
}

pub(crate) fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub(crate) const START: &str = "<!-- bench:results:start -->";
pub(crate) const END: &str = "<!-- bench:results:end -->";

pub(crate) fn write_reports(r: &Results, markdown: &Path, json: &Path) -> std::io::Result<()> {
    let mut table = format!(
        "{START}\nMeasured {} on {} with `{}` ({}; database {:.0} MB; peak memory of the benchmark process {:.0} MB).\n\n",
        r.date, r.machine, r.command, r.dataset, r.db_size_mb, r.peak_rss_mb
    );
    table.push_str("| operation | Rapport p50 | Rapport p99 | baseline p50 | baseline p99 | ratio (p99) | budget | holds | baseline does |\n");
    table.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | --- |\n");
    for c in &r.cases {
        let ratio = if c.baseline.p99_ms > 0.0 {
            c.ours.p99_ms / c.baseline.p99_ms
        } else {
            f64::NAN
        };
        let (budget, holds) = match c.budget_ms {
            Some(b) => (fmt_ms(b), if c.ours.p99_ms <= b { "yes" } else { "**no**" }),
            None => ("-".into(), "-"),
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1}x | {} | {} | {} |\n",
            c.name,
            fmt_ms(c.ours.p50_ms),
            fmt_ms(c.ours.p99_ms),
            fmt_ms(c.baseline.p50_ms),
            fmt_ms(c.baseline.p99_ms),
            ratio,
            budget,
            holds,
            c.baseline_does
        ));
    }
    let notes: Vec<String> = r
        .cases
        .iter()
        .filter(|c| !c.note.is_empty())
        .map(|c| format!("- *{}*: {}", c.name, c.note))
        .collect();
    if !notes.is_empty() {
        table.push('\n');
        table.push_str(&notes.join("\n"));
        table.push('\n');
    }
    table.push_str(END);

    let existing = std::fs::read_to_string(markdown).unwrap_or_default();
    let updated = match (existing.find(START), existing.find(END)) {
        (Some(s), Some(e)) if e > s => {
            format!("{}{table}{}", &existing[..s], &existing[e + END.len()..])
        }
        _ => format!("{existing}\n{table}\n"),
    };
    if let Some(parent) = markdown.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(markdown, updated)?;
    let text = serde_json::to_string_pretty(r).map_err(std::io::Error::other)?;
    std::fs::write(json, text + "\n")
}

pub(crate) fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.0} µs", ms * 1000.0)
    }
}
