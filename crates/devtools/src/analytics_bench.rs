//! Benchmarks of the analytics on the 100k database, after the deals, leads, tickets and
//! invoices of the other benchmarks: the dashboard for this year, and the churn report.

use rapport_core::Db;
use rapport_core::insight::analytics::{self, Scope};
use rusqlite::Connection;

use crate::{Case, Stats, report, samples};

pub fn cases(db: &mut Db) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    report("analytics: dashboard");
    let today = rapport_core::kernel::time::today();
    let scope = Scope::new(Some("this_year"), None, None, today)?;
    let runs: Vec<usize> = (0..20).collect();
    let ours = samples(&runs, |_| {
        std::hint::black_box(analytics::dashboard(db.conn(), &scope, today).ok());
    });
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let base = Connection::open(db.path().unwrap_or(std::path::Path::new(":memory:")))?;
    let mut sums = base.prepare(
        "SELECT s.kind, count(*), sum(o.amount_minor) FROM opportunities o
           JOIN pipeline_stages s ON s.id = o.stage_id GROUP BY s.kind",
    )?;
    let baseline = samples(&runs, |_| {
        let n = sums
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(sums);
    cases.push(Case {
        name: "dashboard for this year: 12 figures, the 12-month forecast and conversion by source".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one GROUP BY of all deals by stage kind (count and amount)".into(),
        budget_ms: Some(100.0),
        note: "Each figure is an SQL aggregate over the rows its drill-down lists; the open pipeline, weighted forecast and forecast months come from one pass over a covering index of open deals.".into(),
    });

    report("analytics: churn");
    let ours = samples(&runs[..5], |_| {
        std::hint::black_box(analytics::churn(db.conn(), today, 20).ok());
    });
    let mut last =
        base.prepare("SELECT account_id, max(issued_on) FROM sales_documents GROUP BY account_id")?;
    let baseline = samples(&runs[..5], |_| {
        let n = last
            .query_map([], |r| r.get::<_, Option<String>>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(last);
    cases.push(Case {
        name: "churn report: every customer scored, the 20 most at risk".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "the newest invoice per account (one GROUP BY)".into(),
        budget_ms: Some(1000.0),
        note: "Finds the customers, then reads each one's year of activities (through its links), invoices, won deals and tickets.".into(),
    });
    Ok(cases)
}
