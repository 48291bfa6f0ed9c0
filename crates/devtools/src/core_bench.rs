//! The core operations a user feels (import, search, lists, records, activities, the calendar,
//! the board), each next to its raw-SQLite baseline.

use rapport_core::people::contacts::{self, ContactInput, ContactQuery, ContactSort};
use rapport_core::records::list::SortDirection;
use rapport_core::{Db, activities::activity};
use rapport_core::{people::accounts, people::accounts::AccountQuery};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::generate::{Gen, Size};
use crate::{
    Case, Results, Stats, analytics_bench, generate, leads_bench, machine, marketing_bench,
    peak_rss_mb, report, sales_bench, samples, service_bench, time, words,
};

pub(crate) fn run(
    size: Size,
    seed: u64,
    work: &Path,
) -> Result<Results, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(work)?;
    let ours_path = work.join("rapport-bench.db");
    let base_path = work.join("baseline.db");
    for p in [&ours_path, &base_path] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }
    let mut cases = Vec::new();

    let Bulk {
        case,
        mut db,
        mut base,
        mut g,
        mut pick,
        account_ids,
    } = bulk_create(size, seed, &ours_path, &base_path)?;
    cases.push(case);

    // ---- search as you type
    let queries = search_queries(&mut pick, 1200);
    report("search as you type");
    let ours = samples(&queries, |q| {
        assert!(rapport_core::store::search::search(db.conn(), q, 8).is_ok());
    });
    let mut stmt =
        base.prepare("SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?1 LIMIT 20")?;
    let baseline = samples(&queries, |q| {
        let fts = format!("\"{}\"*", q.replace('"', "\"\""));
        let rows: Vec<i64> = stmt
            .query_map([fts], |r| r.get(0))
            .and_then(|r| r.collect())
            .unwrap_or_default();
        std::hint::black_box(rows);
    });
    drop(stmt);
    cases.push(Case {
        name: format!(
            "search as you type over contacts and accounts ({} queries: 2-5 letter prefixes and whole words), top 8 per kind",
            queries.len()
        ),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "unranked FTS5 prefix query, LIMIT 20".into(),
        budget_ms: Some(10.0),
        note: "Rapport fetches up to 300 unranked matches, names them and ranks them in Rust (exact name, name prefix, word prefix), grouped by kind.".into(),
    });

    let filter_queries: Vec<String> = queries.iter().step_by(4).cloned().collect();
    let ours = samples(&filter_queries, |q| {
        let page = contacts::list(
            db.conn(),
            &ContactQuery {
                search: Some(q.clone()),
                limit: Some(50),
                ..Default::default()
            },
        );
        assert!(page.is_ok());
    });
    let mut stmt = base.prepare(
        "SELECT c.id FROM contacts c WHERE c.rowid IN
           (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?1)
          ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id LIMIT 50",
    )?;
    let baseline = samples(&filter_queries, |q| {
        let fts = format!("\"{}\"*", q.replace('"', "\"\""));
        let n = stmt
            .query_map([fts], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: format!(
            "contacts list filtered by typed text, sorted by name, page of 50 with total ({} queries)",
            filter_queries.len()
        ),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "FTS5 prefix match, sorted by name, LIMIT 50 (no count)".into(),
        budget_ms: Some(10.0),
        note: "A 2-letter prefix can match tens of thousands of people; sorting all of them and counting them is the cost.".into(),
    });

    // ---- a list page of 50, sorted, with and without a filter
    report("list pages");
    let runs: Vec<usize> = (0..300).collect();
    let ours = samples(&runs, |_| {
        let page = contacts::list(
            db.conn(),
            &ContactQuery {
                limit: Some(50),
                ..Default::default()
            },
        );
        assert!(page.is_ok());
    });
    let mut stmt = base.prepare(
        "SELECT id, first_name, last_name FROM contacts
          ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id LIMIT 50",
    )?;
    let baseline = samples(&runs, |_| {
        let n = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "contacts list: first page of 50 sorted by name, with the total count".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "keyset page of 50 on the name index".into(),
        budget_ms: Some(2.0),
        note: "Rapport also joins the account, the first e-mail and phone, and counts all matching rows.".into(),
    });

    let account_picks: Vec<String> = (0..300)
        .map(|_| account_ids[pick.usize(..account_ids.len())].clone())
        .collect();
    let ours = samples(&account_picks, |id| {
        let page = contacts::list(
            db.conn(),
            &ContactQuery {
                account_id: Some(id.clone()),
                sort: ContactSort::UpdatedAt,
                direction: SortDirection::Desc,
                limit: Some(50),
                ..Default::default()
            },
        );
        assert!(page.is_ok());
    });
    let mut stmt = base.prepare(
        "SELECT id FROM contacts WHERE account_id = ?1 ORDER BY updated_at DESC LIMIT 50",
    )?;
    let baseline = samples(&account_picks, |id| {
        let n = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "contacts list filtered by account, sorted by last change".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "indexed lookup by account, sorted, LIMIT 50".into(),
        budget_ms: Some(2.0),
        note: String::new(),
    });

    let ours = samples(&runs, |_| {
        let page = accounts::list(
            db.conn(),
            &AccountQuery {
                limit: Some(50),
                ..Default::default()
            },
        );
        assert!(page.is_ok());
    });
    let mut stmt =
        base.prepare("SELECT id, name FROM accounts ORDER BY name COLLATE NOCASE, id LIMIT 50")?;
    let baseline = samples(&runs, |_| {
        let n = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "accounts list: first page of 50 sorted by name, with contact counts".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "keyset page of 50 on the name index".into(),
        budget_ms: Some(2.0),
        note: String::new(),
    });

    // ---- opening one record
    report("open a contact");
    let ids: Vec<String> = {
        let mut stmt = db.conn().prepare("SELECT id FROM contacts")?;
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        (0..1000)
            .map(|_| all[pick.usize(..all.len())].clone())
            .collect()
    };
    let ours = samples(&ids, |id| {
        assert!(contacts::get(db.conn(), id).is_ok());
    });
    let base_ids: Vec<String> = {
        let mut stmt = base.prepare("SELECT id FROM contacts")?;
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        (0..1000)
            .map(|_| all[pick.usize(..all.len())].clone())
            .collect()
    };
    let mut stmt = base.prepare(
        "SELECT c.*, (SELECT group_concat(address) FROM contact_emails WHERE contact_id = c.id),
                (SELECT group_concat(number) FROM contact_phones WHERE contact_id = c.id)
           FROM contacts c WHERE c.id = ?1",
    )?;
    let baseline = samples(&base_ids, |id| {
        let n = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "open a contact (record with e-mails, phones, account name)".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one primary-key lookup with its child rows".into(),
        budget_ms: Some(2.0),
        note: String::new(),
    });

    // ---- activities: five per contact (500,000 for the full dataset) over a year and a quarter
    report("activities: generating");
    let now = chrono::Utc::now();
    let tz: chrono_tz::Tz = "Europe/Paris".parse()?;
    let all_contacts: Vec<String> = {
        let mut stmt = db.conn().prepare("SELECT id FROM contacts")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    let activity_inputs: Vec<_> = all_contacts
        .iter()
        .flat_map(|c| [c; 5])
        .map(|c| g.activity(c, now))
        .collect();
    let (made, t_act) = time(|| {
        db.write(|w| {
            for a in &activity_inputs {
                activity::create_in(w, a, tz)?;
            }
            Ok(())
        })
    });
    made?;
    report(&format!(
        "activities: {} created in {:.1} s",
        activity_inputs.len(),
        t_act.as_secs_f64()
    ));

    report("activities: log with follow-up");
    let log_picks: Vec<&String> = (0..300)
        .map(|_| &all_contacts[pick.usize(..all_contacts.len())])
        .collect();
    let ours = samples(&log_picks, |c| {
        let mut call = g.activity(c, now);
        call.kind = Some(activity::ActivityKind::Call);
        call.done = true;
        call.starts_at = None;
        let mut follow = g.activity(c, now + chrono::Duration::days(90));
        follow.done = false;
        assert!(activity::log_with_follow_up(&mut db, &call, Some(&follow), tz).is_ok());
    });
    let baseline = samples(&log_picks, |c| {
        let tx = base.transaction().ok();
        if let Some(tx) = tx {
            for _ in 0..2 {
                let _ = tx.execute(
                    "INSERT INTO contacts (id, first_name, last_name, created_at, updated_at)
                     VALUES (?1, 'x', 'y', 't', 't')",
                    [format!("{c}-{}", rapport_core::new_id())],
                );
            }
            let _ = tx.commit();
        }
    });
    cases.push(Case {
        name: "log a call and schedule its follow-up (one save, linked to a contact)".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "two raw INSERTs in one transaction".into(),
        budget_ms: Some(20.0),
        note: "Two activities, their links, the change log, in one transaction (WAL, synchronous=NORMAL).".into(),
    });

    report("activities: Today agenda");
    let runs: Vec<usize> = (0..100).collect();
    let ours = samples(&runs, |_| {
        assert!(activity::agenda(db.conn(), now, tz, 7).is_ok());
    });
    let today = rapport_core::kernel::time::stamp(now - chrono::Duration::hours(12));
    let week = rapport_core::kernel::time::stamp(now + chrono::Duration::days(8));
    let mut stmt = db.conn().prepare(
        "SELECT id, subject FROM activities WHERE done_at IS NULL AND starts_at IS NOT NULL
           AND starts_at >= ?1 AND starts_at < ?2 ORDER BY starts_at LIMIT 5000",
    )?;
    let baseline = samples(&runs, |_| {
        let n = stmt
            .query_map([&today, &week], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: format!(
            "Today screen: overdue (first 500 and the count), today, next 7 days, over {} activities",
            activity_inputs.len()
        ),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one indexed range scan of the next 8 days' open activities".into(),
        budget_ms: Some(100.0),
        note: "The agenda names every linked record; overdue items (open, in the past) are capped at 500 with a total.".into(),
    });

    report("activities: contact timeline");
    let ours = samples(&ids, |id| {
        assert!(
            rapport_core::insight::timeline::for_record(db.conn(), "contacts", id, None, 50)
                .is_ok()
        );
    });
    let mut stmt = db.conn().prepare(
        "SELECT a.id FROM activity_links l JOIN activities a ON a.id = l.activity_id
          WHERE l.entity = 'contacts' AND l.entity_id = ?1
          ORDER BY coalesce(a.starts_at, a.created_at) DESC LIMIT 50",
    )?;
    let baseline = samples(&ids, |id| {
        let n = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "a contact's timeline: first 50 events (history and activities)".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "indexed lookup of the contact's activities, LIMIT 50".into(),
        budget_ms: Some(10.0),
        note: "Rapport also groups the change log into one event per save.".into(),
    });

    report("activities: calendar month");
    let months = calendar_months(now);
    let ours = samples(&months, |(from, to)| {
        let days = activity::calendar_month(db.conn(), from, to, tz, None, CALENDAR_PER_DAY);
        assert!(days.is_ok());
    });
    let mut stmt = db.conn().prepare(
        "SELECT substr(starts_at, 1, 10), count(*) FROM activities
          WHERE starts_at >= ?1 AND starts_at < ?2 AND kind <> 'note' GROUP BY 1",
    )?;
    let baseline = samples(&months, |(from, to)| {
        let n = stmt
            .query_map([from, to], |r| r.get::<_, i64>(1))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(stmt);
    cases.push(Case {
        name: "calendar: a month view (6 weeks) of everyone's activities".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "count per (UTC) day of the 6 weeks, from the index".into(),
        budget_ms: Some(100.0),
        note: "Six weeks of a 100k-contact CRM hold 20,000 to 40,000 calendar items; the month grid counts them all per day and names the first 4 of each day (the rest opens as that day's list).".into(),
    });

    // ---- the pipeline board over 50,000 open deals
    report("deals: generating 50000");
    let pipeline = rapport_core::sales::pipelines::find(db.conn(), None)?;
    let open_stages: Vec<String> = pipeline
        .stages
        .iter()
        .filter(|s| s.kind == rapport_core::sales::pipelines::StageKind::Open)
        .map(|s| s.id.clone())
        .collect();
    let deal_inputs: Vec<rapport_core::sales::opportunities::OpportunityInput> = (0..50_000)
        .map(|i| {
            g.deal(
                &account_ids[pick.usize(..account_ids.len())],
                &open_stages[i % open_stages.len()],
                now,
            )
        })
        .collect();
    let (made, t_deals) = time(|| {
        db.write(|w| {
            for d in &deal_inputs {
                rapport_core::sales::opportunities::create_in(w, d)?;
            }
            Ok(())
        })
    });
    made?;
    report(&format!("deals: created in {:.1} s", t_deals.as_secs_f64()));
    let runs: Vec<usize> = (0..100).collect();
    let ours = samples(&runs, |_| {
        let board = rapport_core::sales::opportunities::board(
            db.conn(),
            &rapport_core::sales::opportunities::BoardQuery::default(),
            now,
        );
        assert!(board.is_ok());
    });
    let mut totals = db.conn().prepare(
        "SELECT o.stage_id, o.currency, count(*), sum(o.amount_minor),
                sum(o.amount_minor * coalesce(o.probability, s.probability))
           FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
          WHERE o.pipeline_id = ?1 GROUP BY o.stage_id, o.currency",
    )?;
    let mut cards = db.conn().prepare(
        "SELECT id, name, amount_minor FROM opportunities WHERE stage_id = ?1
          ORDER BY expected_close, id LIMIT 100",
    )?;
    let baseline = samples(&runs, |_| {
        let n = totals
            .query_map([&pipeline.id], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
        for stage in &open_stages {
            let n = cards
                .query_map([stage], |r| r.get::<_, String>(0))
                .map(|r| r.count());
            std::hint::black_box(n.ok());
        }
    });
    drop(totals);
    drop(cards);
    cases.push(Case {
        name: "pipeline board: 50,000 open deals, totals and weighted totals per stage, first 100 cards per column".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one GROUP BY for the totals, one indexed LIMIT 100 per stage".into(),
        budget_ms: Some(30.0),
        note: "Each card also names its account and owner and looks up its newest done activity (for rotting).".into(),
    });

    // ---- call lists, the calling queue and the leads board
    cases.extend(leads_bench::cases(&mut db, work, seed)?);

    // ---- service tickets: the queue, its counts, opening and answering
    cases.extend(service_bench::cases(&mut db)?);

    // ---- sales documents: invoices list, account money, issuing, printing
    cases.extend(sales_bench::cases(&mut db)?);
    cases.extend(analytics_bench::cases(&mut db)?);
    cases.extend(marketing_bench::cases(&mut db)?);

    cases.push(import_case(size, seed, work)?);

    // ---- a verified backup of the whole dataset
    report("backup");
    // The kind of copy the rotation keeps: compressed, checked, read back.
    let backup_path = work.join("backup-bench.db.zst");
    let (made, t_ours) = time(|| rapport_core::data::backup::backup_timed(&db, &backup_path));
    let (_, parts) = made?;
    let ms = |d: std::time::Duration| d.as_millis();
    let raw_path = work.join("backup-baseline.db");
    let _ = std::fs::remove_file(&raw_path);
    let (raw, t_base) = time(|| base.execute("VACUUM INTO ?1", [raw_path.to_string_lossy()]));
    raw?;
    cases.push(Case {
        name: "verified backup of the whole database".into(),
        ours: Stats::of(vec![t_ours]),
        baseline: Stats::of(vec![t_base]),
        baseline_does: "VACUUM INTO, unverified".into(),
        budget_ms: Some(3000.0),
        note: format!(
            "Rapport copies the pages of a snapshot (no VACUUM rebuild) into a zstd frame (level 1, all cores) while quick_check (CHECK constraints left out) checks the same snapshot, then reads back the copy's length and frame header before renaming it into place; the full integrity_check runs weekly and on every restore. This run: checkpoint {} ms, page copy {} ms (reading {} ms, compressing {} ms), quick_check {} ms beside it, fsync {} ms, rename {} ms.",
            ms(parts.checkpoint),
            ms(parts.copy),
            ms(parts.read),
            ms(parts.compress),
            ms(parts.quick_check),
            ms(parts.fsync),
            ms(parts.rename)
        ),
    });
    let _ = std::fs::remove_file(&backup_path);
    let _ = std::fs::remove_file(&raw_path);

    let db_size_mb = std::fs::metadata(&ours_path)?.len() as f64 / 1e6
        + std::fs::metadata(format!("{}-wal", ours_path.display()))
            .map_or(0.0, |m| m.len() as f64 / 1e6);
    Ok(Results {
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        machine: machine(),
        command: "make bench".into(),
        dataset: format!(
            "{} contacts, {} accounts (seed {seed})",
            size.contacts, size.accounts
        ),
        db_size_mb,
        peak_rss_mb: peak_rss_mb(),
        cases,
    })
}

/// What bulk creation leaves for the cases after it: the filled databases and the generators.
pub(crate) struct Bulk {
    pub(crate) case: Case,
    db: Db,
    base: Connection,
    g: Gen,
    pick: fastrand::Rng,
    account_ids: Vec<String>,
}

/// Creates the accounts and contacts through the core write path, and the same rows with raw
/// inserts next to it.
pub(crate) fn bulk_create(
    size: Size,
    seed: u64,
    ours_path: &Path,
    base_path: &Path,
) -> Result<Bulk, Box<dyn std::error::Error>> {
    // ---- the data, generated up front so both sides write the same rows
    report("generating inputs");
    let mut g = Gen::new(seed);
    let account_inputs: Vec<_> = (0..size.accounts).map(|_| g.account()).collect();
    let mut pick = fastrand::Rng::with_seed(seed ^ 0x5eed);

    // ---- bulk create through the core write path vs raw prepared inserts + one FTS load
    report("bulk create: Rapport");
    let mut db = Db::open(ours_path)?.with_origin("bench");
    let (account_ids, t_acc) = time(|| {
        db.write(|w| {
            account_inputs
                .iter()
                .map(|a| accounts::create_in(w, a))
                .collect::<rapport_core::Result<Vec<_>>>()
        })
    });
    let account_ids = account_ids?;
    let contact_inputs: Vec<ContactInput> = (0..size.contacts)
        .map(|_| {
            if pick.u8(..100) < 85 {
                let i = pick.usize(..account_ids.len());
                let domain = account_inputs[i].website.clone().unwrap_or_default();
                g.contact(Some((&account_ids[i], &domain)))
            } else {
                g.contact(None)
            }
        })
        .collect();
    let (created, t_con) = time(|| {
        db.write(|w| {
            for c in &contact_inputs {
                contacts::create_in(w, c)?;
            }
            Ok(())
        })
    });
    created?;

    report("bulk create: raw SQLite baseline");
    drop(Db::open(base_path)?); // same schema, then raw inserts without validation or log
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let mut base = Connection::open(base_path)?;
    base.pragma_update(None, "journal_mode", "WAL")?;
    base.pragma_update(None, "synchronous", "NORMAL")?;
    let t_base = raw_insert(&mut base, &account_ids, &account_inputs, &contact_inputs)?;
    let case = Case {
        name: format!(
            "create {} accounts + {} contacts (with e-mails, phones) in one transaction",
            size.accounts, size.contacts
        ),
        ours: Stats::of(vec![t_acc + t_con]),
        baseline: Stats::of(vec![t_base]),
        baseline_does: "prepared INSERTs in one transaction, then one FTS5 load".into(),
        budget_ms: Some(2000.0),
        note: "Rapport validates every field and writes a change-log entry per row. The 2 s budget is for the CSV import of 100k rows (issue 10), which will use this path.".into(),
    };
    Ok(Bulk {
        case,
        db,
        base,
        g,
        pick,
        account_ids,
    })
}

/// Imports the 100,000-row CSV into an empty database, next to raw inserts of its names.
pub(crate) fn import_case(
    size: Size,
    seed: u64,
    work: &Path,
) -> Result<Case, Box<dyn std::error::Error>> {
    // ---- importing a 100,000-row CSV into an empty database
    report("import: 100000 CSV rows");
    let csv_path = work.join("import-100k.csv");
    generate::write_contacts_csv(&csv_path, size.contacts, seed ^ 0x1a)?;
    let import_path = work.join("import-bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", import_path.display()));
    }
    let mut target = Db::open(&import_path)?;
    let bytes = std::fs::read(&csv_path)?;
    let (imported, t_import) = time(|| {
        let table = rapport_core::data::import::table::read(&bytes, "import-100k.csv")?;
        rapport_core::data::import::import(
            &mut target,
            &table,
            &rapport_core::data::import::ImportOptions::default(),
            &mut |_, _| true,
        )
    });
    let imported = imported?;
    drop(target);
    let (raw, t_raw) = time(|| -> Result<(), Box<dyn std::error::Error>> {
        let raw_path = work.join("import-baseline.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", raw_path.display()));
        }
        drop(Db::open(&raw_path)?);
        #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
        let mut raw = Connection::open(&raw_path)?;
        raw.pragma_update(None, "journal_mode", "WAL")?;
        raw.pragma_update(None, "synchronous", "NORMAL")?;
        let tx = raw.transaction()?;
        {
            let mut rdr = csv::Reader::from_path(&csv_path)?;
            let mut insert = tx.prepare(
                "INSERT INTO contacts (id, first_name, last_name, title, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 't', 't')",
            )?;
            for rec in rdr.records() {
                let rec = rec?;
                insert.execute((
                    rapport_core::new_id(),
                    rec.get(0),
                    rec.get(1),
                    rec.get(4),
                    rec.get(6),
                ))?;
            }
        }
        tx.commit()?;
        Ok(())
    });
    raw?;
    Ok(Case {
        name: format!(
            "import a {}-row CSV (Outlook headers) into an empty database: {} created, {} rejected",
            imported.rows_read,
            imported.created,
            imported.rejected.len()
        ),
        ours: Stats::of(vec![t_import]),
        baseline: Stats::of(vec![t_raw]),
        baseline_does: "csv crate + one prepared INSERT per row, names only, no e-mails, phones, accounts or index".into(),
        budget_ms: Some(2000.0),
        note: "Rapport decodes and maps the file, checks every row like a form, normalises phone numbers (parsed once, on a second thread while the rows are written), creates the companies, logs every written row for undo and builds the search index, in one transaction (savepoints only if a row fails half-written).".into(),
    })
}

pub(crate) fn raw_insert(
    conn: &mut Connection,
    account_ids: &[String],
    accounts: &[rapport_core::people::accounts::AccountInput],
    contacts: &[ContactInput],
) -> rusqlite::Result<Duration> {
    let start = Instant::now();
    let tx = conn.transaction()?;
    let now = rapport_core::kernel::time::now();
    {
        let mut acc = tx.prepare(
            "INSERT INTO accounts (id, name, industry, website, phone, address_city, address_country, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?;
        for (id, a) in account_ids.iter().zip(accounts) {
            acc.execute((
                id,
                &a.name,
                &a.industry,
                &a.website,
                &a.phone,
                &a.address.city,
                &a.address.country,
                &now,
            ))?;
        }
        let mut con = tx.prepare(
            "INSERT INTO contacts (id, first_name, last_name, title, account_id, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?;
        let mut em = tx.prepare(
            "INSERT INTO contact_emails (id, contact_id, position, label, address, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?;
        let mut ph = tx.prepare(
            "INSERT INTO contact_phones (id, contact_id, position, label, number, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?;
        for c in contacts {
            let id = rapport_core::new_id();
            con.execute((
                &id,
                &c.first_name,
                &c.last_name,
                &c.title,
                &c.account_id,
                &c.notes,
                &now,
            ))?;
            for (i, e) in c.emails.iter().enumerate() {
                em.execute((
                    rapport_core::new_id(),
                    &id,
                    i as i64,
                    &e.label,
                    &e.address,
                    &now,
                ))?;
            }
            for (i, p) in c.phones.iter().enumerate() {
                ph.execute((
                    rapport_core::new_id(),
                    &id,
                    i as i64,
                    &p.label,
                    &p.number,
                    &now,
                ))?;
            }
        }
    }
    tx.execute_batch(
        "CREATE VIRTUAL TABLE contact_fts USING fts5(name, email, company, prefix='2 3');
         INSERT INTO contact_fts (rowid, name, email, company)
           SELECT c.rowid, c.first_name || ' ' || c.last_name,
                  (SELECT group_concat(address, ' ') FROM contact_emails e WHERE e.contact_id = c.id),
                  a.name
             FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id;",
    )?;
    tx.commit()?;
    Ok(start.elapsed())
}

/// What people type in a search box: 2-5 letter prefixes of names and companies, and whole words.
pub(crate) fn search_queries(rng: &mut fastrand::Rng, n: usize) -> Vec<String> {
    let pools: [&[&str]; 4] = [
        words::LAST_NAMES,
        words::FIRST_NAMES,
        words::COMPANY_FIRST,
        words::COMPANY_SECOND,
    ];
    (0..n)
        .map(|i| {
            let pool = pools[i % pools.len()];
            let word = pool[rng.usize(..pool.len())];
            if i % 5 == 4 {
                word.to_lowercase()
            } else {
                let len = rng.usize(2..=5).min(word.len());
                word[..len].to_lowercase()
            }
        })
        .collect()
}

/// How many items a day of the month grid shows (CalendarScreen's `MONTH_PER_DAY`).
pub(crate) const CALENDAR_PER_DAY: u32 = 4;

/// The calendar's 24 six-week windows around `now` that the bench (and `probe`) time.
pub(crate) fn calendar_months(now: chrono::DateTime<chrono::Utc>) -> Vec<(String, String)> {
    (0..24)
        .map(|i| {
            let from = now + chrono::Duration::days(30 * (i - 12));
            (
                rapport_core::kernel::time::stamp(from),
                rapport_core::kernel::time::stamp(from + chrono::Duration::days(42)),
            )
        })
        .collect()
}
