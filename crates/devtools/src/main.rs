//! `rapport-bench`: generates the benchmark dataset and times each operation a user feels,
//! next to a raw-SQLite baseline doing the least equivalent work, in the same run.
//!
//! `make bench` runs `rapport-bench run` in release mode; results go to docs/benchmarks.md
//! (between the result markers) and docs/benchmarks.json.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use rapport_core::Db;
use rapport_core::people::contacts::{self};

mod analytics_bench;
mod core_bench;
mod generate;
mod leads_bench;
mod marketing_bench;
mod probe;
mod results;
mod sales_bench;
mod service_bench;
mod words;

use generate::{Gen, Size};
pub(crate) use results::*;

#[derive(Debug, Parser)]
#[command(
    name = "rapport-bench",
    about = "Rapport's dataset generator and benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fill a database with realistic seeded data (and optionally write the import CSV).
    Generate {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        contacts: usize,
        #[arg(long, default_value_t = 20_000)]
        accounts: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also write a CSV of this many contacts here (Outlook-style headers).
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// For the crash suite: write `batches` batches of `size` contacts, each in one
    /// transaction, printing "committed N" after each commit.
    CrashWriter {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 50)]
        batches: usize,
        #[arg(long, default_value_t = 200)]
        size: usize,
        /// Number batches from here (so rounds do not collide).
        #[arg(long, default_value_t = 0)]
        first: usize,
    },
    /// For the crash suite: a verified backup, as `rapport backup` makes it.
    Backup {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// For the crash suite: import a CSV (contacts, or a call list when --call-list names it),
    /// printing "imported N" when it committed.
    Import {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        csv: PathBuf,
        #[arg(long)]
        call_list: Option<String>,
    },
    /// Time the dashboard and the churn report on an existing database (no files written).
    Analytics {
        #[arg(long)]
        db: PathBuf,
    },
    /// Time segments and promotions on an existing database (adds a segment, a template and
    /// a cancelled promotion to it).
    Marketing {
        #[arg(long)]
        db: PathBuf,
    },
    /// Time a few read operations (filtered list, calendar, board, dashboard) on an existing
    /// benchmark database, to compare before and after a change.
    Probe {
        #[arg(long)]
        db: PathBuf,
        /// Only these operations (repeat the flag): filter, calendar, board, dashboard.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(probe::OPERATIONS))]
        only: Vec<String>,
    },
    /// Time only the big writes of `run` (bulk creation, then the 100,000-row CSV import),
    /// each next to its raw baseline, printing the figures and writing no report.
    Writes {
        #[arg(long, default_value_t = 100_000)]
        contacts: usize,
        #[arg(long, default_value_t = 20_000)]
        accounts: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Folder for the databases and the CSV (not the one of a full run you want to keep).
        #[arg(long, default_value = "target/bench-writes")]
        work: PathBuf,
    },
    /// Run every benchmark and write the results.
    Run {
        #[arg(long, default_value_t = 100_000)]
        contacts: usize,
        #[arg(long, default_value_t = 20_000)]
        accounts: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Folder for the generated databases (kept for inspection).
        #[arg(long, default_value = "target/bench")]
        work: PathBuf,
        /// Markdown report to update (between the result markers).
        #[arg(long, default_value = "docs/benchmarks.md")]
        markdown: PathBuf,
        #[arg(long, default_value = "docs/benchmarks.json")]
        json: PathBuf,
    },
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Command::Analytics { db } => {
            let mut database = Db::open(&db)?;
            for case in analytics_bench::cases(&mut database)? {
                report(&format!(
                    "{}: p50 {:.1} ms, p99 {:.1} ms (baseline p50 {:.1} ms)",
                    case.name, case.ours.p50_ms, case.ours.p99_ms, case.baseline.p50_ms
                ));
            }
        }
        Command::Probe { db, only } => {
            let database = Db::open(&db)?;
            probe::run(&database, &only)?;
        }
        Command::Marketing { db } => {
            let mut database = Db::open(&db)?;
            for case in marketing_bench::cases(&mut database)? {
                report(&format!(
                    "{}: p50 {:.1} ms, p99 {:.1} ms (baseline p50 {:.1} ms)",
                    case.name, case.ours.p50_ms, case.ours.p99_ms, case.baseline.p50_ms
                ));
            }
        }
        Command::Generate {
            db,
            contacts,
            accounts,
            seed,
            csv,
        } => {
            let mut database = Db::open(&db)?.with_origin("generator");
            let started = Instant::now();
            generate::fill(&mut database, Size { accounts, contacts }, seed)?;
            if let Some(csv) = csv {
                generate::write_contacts_csv(&csv, contacts, seed)?;
            }
            report(&format!(
                "generated {contacts} contacts and {accounts} accounts in {:.1} s into {}",
                started.elapsed().as_secs_f64(),
                db.display()
            ));
        }
        Command::CrashWriter {
            db,
            batches,
            size,
            first,
        } => {
            use std::io::Write;
            let mut database = Db::open(&db)?.with_origin("crash-test");
            let mut g = Gen::new(first as u64);
            for batch in first..first + batches {
                database.write(|w| {
                    for _ in 0..size {
                        let mut input = g.contact(None);
                        input.last_name = format!("batch-{batch}");
                        contacts::create_in(w, &input)?;
                    }
                    Ok(())
                })?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "committed {batch}")?;
                out.flush()?;
            }
        }
        Command::Backup { db, out } => {
            let opening = Instant::now();
            let database = Db::open(&db)?;
            let opened = opening.elapsed();
            let (made, parts) = rapport_core::data::backup::backup_timed(&database, &out)?;
            report(&format!(
                "opened in {opened:?}; backup {} ms: {parts:?}",
                made.millis
            ));
        }
        Command::Import { db, csv, call_list } => {
            let mut database = Db::open(&db)?;
            let table = rapport_core::data::import::read_file(&csv)?;
            let written = match call_list {
                Some(name) => {
                    rapport_core::data::import::calllist::import(
                        &mut database,
                        &table,
                        &rapport_core::data::import::calllist::CallListImport {
                            list: rapport_core::sales::calllists::CallListInput {
                                name,
                                ..Default::default()
                            },
                            include_known: true,
                            ..Default::default()
                        },
                        &mut |_, _| true,
                    )?
                    .added
                }
                None => {
                    rapport_core::data::import::import(
                        &mut database,
                        &table,
                        &rapport_core::data::import::ImportOptions::default(),
                        &mut |_, _| true,
                    )?
                    .created
                }
            };
            use std::io::Write;
            writeln!(std::io::stdout().lock(), "imported {written}")?;
        }
        Command::Writes {
            contacts,
            accounts,
            seed,
            work,
        } => {
            std::fs::create_dir_all(&work)?;
            let size = Size { accounts, contacts };
            let bulk = core_bench::bulk_create(
                size,
                seed,
                &work.join("rapport-bench.db"),
                &work.join("baseline.db"),
            )?;
            for case in [bulk.case, core_bench::import_case(size, seed, &work)?] {
                report(&format!(
                    "{}: {:.2} s, baseline {:.2} s ({:.1}x)",
                    case.name,
                    case.ours.p50_ms / 1000.0,
                    case.baseline.p50_ms / 1000.0,
                    case.ours.p50_ms / case.baseline.p50_ms
                ));
            }
        }
        Command::Run {
            contacts,
            accounts,
            seed,
            work,
            markdown,
            json,
        } => {
            let results = core_bench::run(Size { accounts, contacts }, seed, &work)?;
            write_reports(&results, &markdown, &json)?;
            report(&format!(
                "wrote {} and {}",
                markdown.display(),
                json.display()
            ));
        }
    }
    Ok(())
}
