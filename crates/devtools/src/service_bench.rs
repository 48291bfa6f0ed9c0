//! Benchmarks of customer service: 20,000 tickets on the 100k database; the open queue's first
//! page sorted by when the SLA falls due, the queue counts of the sidebar, and opening a ticket
//! and answering it (each write counts the SLA clocks again).

use std::path::Path;

use chrono::Utc;
use rapport_core::Db;
use rapport_core::service::tickets::{
    self, MessageInput, TicketCategory, TicketInput, TicketPriority, TicketQuery, TicketStatus,
};
use rusqlite::Connection;

use crate::{Case, Stats, report, samples};

const PRIORITIES: [TicketPriority; 4] = [
    TicketPriority::Low,
    TicketPriority::Normal,
    TicketPriority::High,
    TicketPriority::Urgent,
];
const CATEGORIES: [TicketCategory; 4] = [
    TicketCategory::Question,
    TicketCategory::Problem,
    TicketCategory::Complaint,
    TicketCategory::Request,
];

pub fn cases(db: &mut Db) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    report("tickets: 20000 tickets");
    let accounts: Vec<String> = db
        .conn()
        .prepare("SELECT id FROM accounts LIMIT 500")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    db.write(|w| {
        for i in 0..20_000usize {
            let status = match i % 10 {
                0..=3 => TicketStatus::Resolved,
                4 => TicketStatus::Closed,
                5 => TicketStatus::Waiting,
                6 => TicketStatus::New,
                _ => TicketStatus::Open,
            };
            tickets::create_in(
                w,
                &TicketInput {
                    subject: format!("Ticket {i}: the order arrived late"),
                    account_id: accounts.get(i % accounts.len().max(1)).cloned(),
                    priority: Some(PRIORITIES[i % 4]),
                    category: Some(CATEGORIES[i % 4]),
                    status: Some(status),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })?;

    let runs: Vec<usize> = (0..50).collect();
    let now = Utc::now();
    let query = TicketQuery {
        limit: Some(50),
        ..Default::default()
    };
    let ours = samples(&runs, |_| {
        std::hint::black_box(tickets::list(db.conn(), &query, now).ok());
    });
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let base = Connection::open(db.path().unwrap_or(Path::new(":memory:")))?;
    let mut page = base.prepare(
        "SELECT id, number, subject FROM tickets WHERE status IN ('new', 'open', 'waiting')
          ORDER BY res_due_at LIMIT 50",
    )?;
    let baseline = samples(&runs, |_| {
        let n = page
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(page);
    cases.push(Case {
        name: "ticket queue: the first 50 of 10,000 unfinished tickets (of 20,000), soonest SLA due first, with the total".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one SELECT of the unfinished tickets ordered by the stored due time, LIMIT 50".into(),
        budget_ms: Some(50.0),
        note: "Each row also names its account, contact and owner, and its two SLA clocks are turned into time left in business hours.".into(),
    });

    report("tickets: queue counts");
    let ours = samples(&runs, |_| {
        std::hint::black_box(tickets::counts(db.conn(), now).ok());
    });
    let mut count = base.prepare("SELECT status, count(*) FROM tickets GROUP BY status")?;
    let baseline = samples(&runs, |_| {
        let n = count
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(count);
    cases.push(Case {
        name: "ticket queue counts (open, mine, breaching soon, breached, waiting) over 20,000 tickets".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one GROUP BY status".into(),
        budget_ms: Some(30.0),
        note: "Shown in the sidebar; breaching soon and breached compare the stored due and warning times with now.".into(),
    });

    report("tickets: open and answer");
    let runs: Vec<usize> = (0..100).collect();
    let mut failures = 0;
    let ours = samples(&runs, |i| {
        let done = tickets::create(
            db,
            &TicketInput {
                subject: format!("Bench ticket {i}"),
                account_id: accounts.first().cloned(),
                priority: Some(PRIORITIES[i % 4]),
                ..Default::default()
            },
        )
        .and_then(|t| {
            tickets::add_message(
                db,
                &t.id,
                &MessageInput {
                    body: "Thanks, we are on it.".into(),
                    ..Default::default()
                },
            )
        });
        if done.is_err() {
            failures += 1;
        }
    });
    let mut raw = base;
    let baseline = samples(&runs, |i| {
        let done = raw.transaction().and_then(|tx| {
            let id = rapport_core::new_id();
            let now = rapport_core::kernel::time::now();
            tx.execute(
                "INSERT INTO tickets (id, number, subject, created_at, updated_at) VALUES (?1, ?2, 'Raw', ?3, ?3)",
                (&id, 1_000_000 + *i as i64, &now),
            )?;
            tx.execute(
                "INSERT INTO ticket_messages (id, ticket_id, kind, body, created_at, updated_at) VALUES (?1, ?2, 'reply', 'Thanks', ?3, ?3)",
                (rapport_core::new_id(), &id, &now),
            )?;
            tx.commit()
        });
        std::hint::black_box(done.ok());
    });
    cases.push(Case {
        name: format!("open a ticket and reply to it (100 times, {failures} failed)"),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "two raw INSERTs (ticket, reply) in one transaction".into(),
        budget_ms: Some(50.0),
        note: "Each: number the ticket, log it, count both SLA clocks, then store the reply, meet the first response, open the ticket and count again.".into(),
    });
    Ok(cases)
}
