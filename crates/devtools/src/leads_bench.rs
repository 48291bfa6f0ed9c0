//! Benchmarks of leads and call lists: importing a 20,000-person call list, the calling
//! queue (next person, record an outcome), and the leads board over 20,000 leads.

use std::io::Write;
use std::path::Path;

use chrono::Utc;
use rapport_core::Db;
use rapport_core::data::import::calllist::{self, CallListImport};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::sales::calllists::{self, CallInput, CallListInput, CallResult};
use rapport_core::sales::leads::{self, LeadInput, LeadQuery, LeadRating, LeadStatus};
use rusqlite::Connection;

use crate::generate::{Gen, slug};
use crate::{Case, Stats, report, samples, time};

/// A call list as a bought list looks: name, company, phone, city and two extra columns.
pub fn write_call_list_csv(path: &Path, rows: usize, seed: u64) -> std::io::Result<()> {
    let mut g = Gen::new(seed);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Full Name,Company,Phone,City,Employees,Website")?;
    for i in 0..rows {
        let company = g.company_name();
        let c = g.contact(None);
        writeln!(
            out,
            "{} {},\"{}\",{},Berlin,{},https://{}.example",
            c.first_name,
            c.last_name,
            company.replace('"', "\"\""),
            c.phones[0].number,
            5 + i % 300,
            slug(&company)
        )?;
    }
    out.flush()
}

pub fn cases(db: &mut Db, work: &Path, seed: u64) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();

    report("call list: import 20000 rows");
    let csv_path = work.join("call-list-20k.csv");
    write_call_list_csv(&csv_path, 20_000, seed ^ 0xca11)?;
    let bytes = std::fs::read(&csv_path)?;
    let (imported, t_import) = time(|| {
        let table = rapport_core::data::import::table::read(&bytes, "call-list-20k.csv")?;
        calllist::import(
            db,
            &table,
            &CallListImport {
                list: CallListInput {
                    name: format!("Bench {}", Utc::now().timestamp_millis()),
                    ..Default::default()
                },
                include_known: true,
                ..Default::default()
            },
            &mut |_, _| true,
        )
    });
    let imported = imported?;
    let list_id = imported.list_id.clone().unwrap_or_default();
    let (raw, t_raw) = time(|| -> Result<(), Box<dyn std::error::Error>> {
        #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
        let mut raw = Connection::open_in_memory()?;
        raw.execute_batch(
            "CREATE TABLE e (id TEXT PRIMARY KEY, list TEXT, position INTEGER, name TEXT, phone TEXT);
             CREATE INDEX e_by_list ON e (list, position);",
        )?;
        let tx = raw.transaction()?;
        {
            let mut rdr = csv::Reader::from_reader(bytes.as_slice());
            let mut insert = tx.prepare(
                "INSERT INTO e (id, list, position, name, phone) VALUES (?1, 'l', ?2, ?3, ?4)",
            )?;
            for (i, rec) in rdr.records().enumerate() {
                let rec = rec?;
                insert.execute((rapport_core::new_id(), i as i64, rec.get(0), rec.get(2)))?;
            }
        }
        tx.commit()?;
        Ok(())
    });
    raw?;
    cases.push(Case {
        name: format!(
            "import a 20,000-row call list (name, company, phone, city, 2 extra columns) into the 100k database: {} added, {} skipped, {} rejected",
            imported.added,
            imported.skipped.len(),
            imported.rejected.len()
        ),
        ours: Stats::of(vec![t_import]),
        baseline: Stats::of(vec![t_raw]),
        baseline_does: "csv crate + one prepared INSERT per row (name and phone), in memory".into(),
        budget_ms: Some(2000.0),
        note: "Rapport decodes the file, guesses the columns, parses every phone number (on all cores), skips numbers already on the list, keeps the other columns as details and logs every row for undo, in one transaction.".into(),
    });

    report("call list: the calling queue");
    let tz = rapport_core::kernel::time::local_zone();
    let outcomes = [
        CallResult::NoAnswer,
        CallResult::NotInterested,
        CallResult::NoAnswer,
        CallResult::WrongNumber,
        CallResult::Interested,
    ];
    let runs: Vec<CallResult> = (0..200).map(|i| outcomes[i % outcomes.len()]).collect();
    let mut failures = 0;
    let ours = samples(&runs, |result| {
        let done = calllists::next(db.conn(), &list_id, Utc::now(), &[]).and_then(|item| {
            let Some(item) = item else { return Ok(()) };
            calllists::record(
                db,
                &item.entry.id,
                &CallInput {
                    result: Some(*result),
                    note: Some("Spoke to the assistant".into()),
                    callback_at: None,
                },
                tz,
            )
            .map(|_| ())
        });
        if done.is_err() {
            failures += 1;
        }
    });
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let base = Connection::open(db.path().unwrap_or(Path::new(":memory:")))?;
    let mut pick = base.prepare(
        "SELECT id FROM call_list_entries WHERE call_list_id = ?1 AND status = 'pending'
          ORDER BY position LIMIT 1",
    )?;
    let baseline = samples(&runs, |_| {
        let id: Option<String> = pick.query_row([&list_id], |r| r.get(0)).ok();
        std::hint::black_box(id);
    });
    drop(pick);
    cases.push(Case {
        name: format!("calling queue on a 20,000-person list: next person, then record the outcome (200 calls, {failures} failed)"),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "the next pending person by an indexed LIMIT 1 (no write)".into(),
        budget_ms: Some(50.0),
        note: "Each call: the queue's next person with their call history and the list's progress, then one transaction logging the call, updating the person and (for interested) creating the lead and moving the calls to it.".into(),
    });

    report("leads board: 20000 leads");
    let mut g = Gen::new(seed ^ 0x1ead);
    db.write(|w| {
        for i in 0..20_000usize {
            let c = g.contact(None);
            leads::create_in(
                w,
                &LeadInput {
                    name: format!("{} {}", c.first_name, c.last_name),
                    company: Some(g.company_name()),
                    email: c.emails.first().map(|e| e.address.clone()),
                    source: Some(["Web form", "Referral", "Trade show", "Ad"][i % 4].into()),
                    status: Some(
                        [
                            LeadStatus::New,
                            LeadStatus::Contacted,
                            LeadStatus::Qualified,
                            LeadStatus::Unqualified,
                        ][i % 4],
                    ),
                    rating: Some([LeadRating::Hot, LeadRating::Warm, LeadRating::Cold][i % 3]),
                    estimated_value: Some(MoneyInput {
                        amount: format!("{}.{:02}", 100 + i % 9000, i % 100),
                        currency: "EUR".into(),
                    }),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })?;
    let runs: Vec<usize> = (0..50).collect();
    let ours = samples(&runs, |_| {
        std::hint::black_box(leads::board(db.conn(), &LeadQuery::default()).ok());
    });
    let mut count =
        base.prepare("SELECT status, count(*), sum(estimated_minor) FROM leads GROUP BY status")?;
    let mut cards = base.prepare(
        "SELECT id, name FROM leads WHERE status = ?1 ORDER BY updated_at DESC LIMIT 100",
    )?;
    let baseline = samples(&runs, |_| {
        let n = count
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
        for status in ["new", "contacted", "qualified", "unqualified", "converted"] {
            let n = cards
                .query_map([status], |r| r.get::<_, String>(0))
                .map(|r| r.count());
            std::hint::black_box(n.ok());
        }
    });
    cases.push(Case {
        name: "leads board: 20,000 leads, a column per status with count, estimated value and the first 100 cards".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one GROUP BY for the counts and sums, one indexed LIMIT 100 per status".into(),
        budget_ms: Some(30.0),
        note: "Each card also names its owner and carries its custom values.".into(),
    });
    Ok(cases)
}
