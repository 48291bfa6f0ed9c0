//! Benchmarks of marketing on the 100k database: a segment's live count and preview while it
//! is being built, and a promotion's preview and queueing for one industry's contacts.

use rapport_core::Db;
use rapport_core::marketing::promotions::{self, PromotionInput};
use rapport_core::marketing::segments::{
    self, ConditionOp, SegmentCondition, SegmentEntity, SegmentFilter, SegmentInput, SegmentKind,
    SegmentMatch,
};
use rapport_core::marketing::templates::{self, EmailTemplateInput};
use rusqlite::Connection;

use crate::{Case, Stats, report, samples, time};

fn cond(field: &str, op: ConditionOp, value: &str) -> SegmentCondition {
    SegmentCondition {
        field: field.into(),
        op,
        value: value.into(),
    }
}

pub fn cases(db: &mut Db) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    let today = rapport_core::kernel::time::today();
    let runs: Vec<usize> = (0..10).collect();
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let base = Connection::open(db.path().unwrap_or(std::path::Path::new(":memory:")))?;

    // The builder's live count: three conditions on accounts, activity and consent.
    report("marketing: segment live count");
    let filter = SegmentFilter {
        combine: SegmentMatch::All,
        conditions: vec![
            cond("industry", ConditionOp::Is, "Retail"),
            cond("last_activity", ConditionOp::Before, "90d"),
            cond("emailable", ConditionOp::Yes, ""),
        ],
    };
    let mut count = 0;
    let ours = samples(&runs, |_| {
        count = segments::count_filter(db.conn(), SegmentEntity::Contacts, &filter, today)
            .unwrap_or(-1);
    });
    let mut all = base.prepare("SELECT count(*) FROM contacts")?;
    let baseline = samples(&runs, |_| {
        std::hint::black_box(all.query_row([], |r| r.get::<_, i64>(0)).ok());
    });
    drop(all);
    cases.push(Case {
        name: format!(
            "segment live count over 100,000 contacts: industry, no activity in 90 days, may be e-mailed ({count} match)"
        ),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "count(*) of all contacts".into(),
        budget_ms: Some(250.0),
        note: "The account's industry is tested once over the 20,000 accounts (a set the contacts' account ids are looked up in); the newest done activity (through the links index) and the e-mail rows are read per remaining contact. The builder recounts 250 ms after the last change.".into(),
    });

    report("marketing: segment preview");
    let ours = samples(&runs, |_| {
        std::hint::black_box(
            segments::preview(db.conn(), SegmentEntity::Contacts, &filter, today, 50).ok(),
        );
    });
    let mut first = base.prepare(
        "SELECT id, first_name, last_name FROM contacts ORDER BY last_name, first_name LIMIT 50",
    )?;
    let baseline = samples(&runs, |_| {
        let n = first
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(first);
    cases.push(Case {
        name: "segment preview: the count and the first 50 members by name".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "the first 50 contacts by name".into(),
        budget_ms: Some(500.0),
        note:
            "Counts, then reads the first page of the members with their e-mail, company and phone."
                .into(),
    });

    // A promotion to one industry's contacts (about a tenth of them). Names are unique in a
    // file, and this may run again on the same one.
    let run = chrono::Utc::now().timestamp_millis();
    let segment = segments::create(
        db,
        &SegmentInput {
            name: format!("Bench: retail {run}"),
            entity: SegmentEntity::Contacts,
            kind: SegmentKind::Dynamic,
            filter: SegmentFilter {
                combine: SegmentMatch::All,
                conditions: vec![cond("industry", ConditionOp::Is, "Retail")],
            },
            description: None,
        },
    )?;
    let template = templates::create(
        db,
        &EmailTemplateInput {
            name: format!("Bench: offer {run}"),
            subject: "An offer for {{company}}".into(),
            // About the length of a real offer: a greeting, three paragraphs, a signature.
            body: format!(
                "Hello {{{{first_name|there}}}},\n\n{}\n\n{{{{owner}}}}",
                ["This month only, every order above 200 EUR ships free and comes with a year \
                  of support at no charge. The offer is open to {{company}} until the end of \
                  the month, for as many orders as you like."; 3]
                    .join("\n\n")
            ),
        },
    )?;
    let input = PromotionInput {
        name: format!("Bench promotion {run}"),
        template: template.id,
        segment: segment.id,
        campaign: None,
    };
    report("marketing: promotion preview");
    let mut total = 0;
    let ours = samples(&runs[..3], |_| {
        total = promotions::preview(db.conn(), &input, today)
            .map(|p| p.total)
            .unwrap_or(-1);
    });
    let mut emails = base.prepare("SELECT contact_id, address FROM contact_emails")?;
    let baseline = samples(&runs[..3], |_| {
        let n = emails
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(emails);
    cases.push(Case {
        name: format!("promotion preview: {total} recipients, who is skipped and why, a sample"),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "read every contact e-mail address".into(),
        budget_ms: Some(1000.0),
        note: "Loads each recipient's name, company, address, owner and consent once.".into(),
    });

    report("marketing: promotion queue");
    let (queued, took) = time(|| promotions::queue(db, &input, today));
    let queued = queued?;
    // What the messages cost the file: their bodies in the outbox, and what the change log
    // writes about them (an insert logs its id alone, never the body).
    let (bodies, logged): (i64, i64) = db.conn().query_row(
        "SELECT (SELECT total(length(body_text) + length(body_html)) FROM outbox
                  WHERE promotion_id = ?1),
                (SELECT total(length(changes)) FROM change_entries
                  WHERE entity = 'outbox' AND op = 'insert'
                    AND entity_id IN (SELECT id FROM outbox WHERE promotion_id = ?1))",
        [&queued.id],
        |r| Ok((r.get::<_, f64>(0)? as i64, r.get::<_, f64>(1)? as i64)),
    )?;
    let per = |bytes: i64| bytes / queued.progress.total().max(1);
    cases.push(Case {
        name: format!(
            "queue a promotion: {} messages filled and written to the outbox in one save",
            queued.progress.total()
        ),
        ours: Stats::of(vec![took]),
        baseline: Stats::of(vec![took]),
        baseline_does: "(none: one-shot)".into(),
        budget_ms: Some(5000.0),
        note: format!(
            "One transaction with the change log; skipped recipients are written with their reason. \
             Per message: {} bytes of body in the outbox, {} bytes in the change log.",
            per(bodies),
            per(logged)
        ),
    });
    promotions::cancel(db, &queued.id)?;
    Ok(cases)
}
