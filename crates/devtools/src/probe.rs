//! `rapport-bench probe`: times a few read operations on an existing benchmark database,
//! without generating anything, to compare before and after a change quickly.

use rapport_core::Db;
use rapport_core::activities::activity;
use rapport_core::people::contacts::{self, ContactQuery};

use crate::{Stats, report, samples};

/// The operations `--only` can name.
pub(crate) const OPERATIONS: &[&str] = &[
    "search",
    "filter",
    "calendar",
    "board",
    "dashboard",
    "agenda",
    "timeline",
    "churn",
];

pub(crate) fn run(db: &Db, only: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let wanted = |op: &str| only.is_empty() || only.iter().any(|o| o == op);
    let show = |name: &str, stats: Stats| {
        report(&format!(
            "{name}: {} runs, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            stats.runs, stats.p50_ms, stats.p99_ms, stats.max_ms
        ));
    };
    if wanted("search") {
        let mut rng = fastrand::Rng::with_seed(42);
        let queries = crate::core_bench::search_queries(&mut rng, 1200);
        let mut slowest: Vec<(f64, String, usize)> = Vec::new();
        let ours = samples(&queries, |q| {
            let started = std::time::Instant::now();
            assert!(rapport_core::store::search::search(db.conn(), q, 8).is_ok());
            slowest.push((
                started.elapsed().as_secs_f64() * 1000.0,
                q.clone(),
                slowest.len(),
            ));
        });
        show("search as you type", Stats::of(ours));
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, q, i) in slowest.iter().take(12) {
            report(&format!("  {ms:.1} ms: {q:?} (query {i})"));
        }
    }
    if wanted("filter") {
        let mut rng = fastrand::Rng::with_seed(42);
        let queries: Vec<String> = crate::core_bench::search_queries(&mut rng, 1200)
            .into_iter()
            .step_by(4)
            .collect();
        let ours = samples(&queries, |q| {
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
        show("contacts list filtered by typed text", Stats::of(ours));
    }
    if wanted("calendar") {
        let tz: chrono_tz::Tz = "Europe/Paris".parse()?;
        let months = crate::core_bench::calendar_months(chrono::Utc::now());
        let ours = samples(&months, |(from, to)| {
            let days = activity::calendar_month(
                db.conn(),
                from,
                to,
                tz,
                None,
                crate::core_bench::CALENDAR_PER_DAY,
            );
            assert!(days.is_ok());
        });
        show("calendar month of everyone", Stats::of(ours));
        let ours = samples(&months, |(from, to)| {
            assert!(activity::calendar(db.conn(), from, to, tz, None).is_ok());
        });
        show(
            "calendar month of everyone in full (what the grid read before)",
            Stats::of(ours),
        );
        let weeks: Vec<(String, String)> = months
            .iter()
            .map(|(from, _)| {
                let from = rapport_core::kernel::time::parse_stamp(from).unwrap_or_default();
                (
                    rapport_core::kernel::time::stamp(from),
                    rapport_core::kernel::time::stamp(from + chrono::Duration::days(7)),
                )
            })
            .collect();
        let ours = samples(&weeks, |(from, to)| {
            assert!(activity::calendar(db.conn(), from, to, tz, None).is_ok());
        });
        show("calendar week of everyone (in full)", Stats::of(ours));
    }
    if wanted("board") {
        let now = chrono::Utc::now();
        let runs: Vec<usize> = (0..100).collect();
        let ours = samples(&runs, |_| {
            let board = rapport_core::sales::opportunities::board(
                db.conn(),
                &rapport_core::sales::opportunities::BoardQuery::default(),
                now,
            );
            assert!(board.is_ok());
        });
        show("pipeline board", Stats::of(ours));
    }
    if wanted("dashboard") {
        let today = rapport_core::kernel::time::today();
        let scope =
            rapport_core::insight::analytics::Scope::new(Some("this_year"), None, None, today)?;
        let runs: Vec<usize> = (0..20).collect();
        let ours = samples(&runs, |_| {
            std::hint::black_box(
                rapport_core::insight::analytics::dashboard(db.conn(), &scope, today).ok(),
            );
        });
        show("dashboard this year", Stats::of(ours));
    }
    if wanted("agenda") {
        let tz: chrono_tz::Tz = "Europe/Paris".parse()?;
        let runs: Vec<usize> = (0..50).collect();
        let now = chrono::Utc::now();
        let ours = samples(&runs, |_| {
            assert!(activity::agenda(db.conn(), now, tz, 7).is_ok());
        });
        show("agenda, 7 days", Stats::of(ours));
    }
    if wanted("timeline") {
        // Contacts and accounts spread over the file (every 500th by id), newest page of each.
        let records: Vec<(String, String)> = db
            .conn()
            .prepare(
                "SELECT 'contacts', id FROM (SELECT id, row_number() OVER (ORDER BY id) n
                   FROM contacts) WHERE n % 500 = 0
                 UNION ALL
                 SELECT 'accounts', id FROM (SELECT id, row_number() OVER (ORDER BY id) n
                   FROM accounts) WHERE n % 100 = 0",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let ours = samples(&records, |(entity, id)| {
            let items =
                rapport_core::insight::timeline::for_record(db.conn(), entity, id, None, 50);
            assert!(items.is_ok());
        });
        show("timeline of a contact or account", Stats::of(ours));
    }
    if wanted("churn") {
        let today = rapport_core::kernel::time::today();
        let runs: Vec<usize> = (0..5).collect();
        let ours = samples(&runs, |_| {
            assert!(rapport_core::insight::analytics::churn(db.conn(), today, 20).is_ok());
        });
        show("churn risk, top 20", Stats::of(ours));
    }
    Ok(())
}
