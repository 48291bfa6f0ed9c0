//! Analytics on a small hand-made business whose right answers are worked out by hand in the
//! comments. Records are made through the core's functions; their dates are then set in the
//! past with plain SQL, as if they had been entered months ago.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::insight::analytics::{self, Cell, Scope};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::sales::leads::{self, LeadInput};
use rapport_core::sales::opportunities::{self, OpportunityInput};
use rapport_core::sales::pipelines::{self, StageKind};
use rapport_core::service::tickets::{self, TicketCategory, TicketInput, TicketStatus};
use rapport_core::{Db, new_id};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()
}

fn october() -> Scope {
    Scope::new(None, Some("2026-10-01"), Some("2026-10-31"), today()).unwrap()
}

fn sql(db: &Db, statement: &str, params: impl rusqlite::Params) {
    db.conn().execute(statement, params).unwrap();
}

struct Business {
    db: Db,
    alpha: String,
    beta: String,
    /// The open stage's own probability (the first stage of the default pipeline).
    first_stage_probability: i64,
}

fn account(db: &mut Db, name: &str) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

#[allow(clippy::too_many_arguments)]
fn deal(
    db: &mut Db,
    name: &str,
    account: &str,
    kind: StageKind,
    euros: &str,
    created: &str,
    closed: Option<&str>,
    expected: Option<&str>,
    probability: Option<i64>,
) -> String {
    let pipeline = pipelines::find(db.conn(), None).unwrap();
    let stage = pipeline.stages.iter().find(|s| s.kind == kind).unwrap();
    let lost_reason =
        (kind == StageKind::Lost).then(|| pipelines::add_lost_reason(db, "Price").unwrap().id);
    let id = opportunities::create(
        db,
        &OpportunityInput {
            name: name.into(),
            stage_id: Some(stage.id.clone()),
            account_id: Some(account.into()),
            amount: Some(MoneyInput {
                amount: euros.into(),
                currency: "EUR".into(),
            }),
            probability,
            expected_close: expected.map(Into::into),
            closed_on: closed.map(Into::into),
            lost_reason_id: lost_reason,
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    sql(
        db,
        "UPDATE opportunities SET created_at = ?2, closed_on = ?3 WHERE id = ?1",
        (&id, format!("{created}T09:00:00Z"), closed),
    );
    id
}

/// An issued document written as stored (kind, number, amounts), dated by hand.
fn document(
    db: &Db,
    kind: &str,
    account: &str,
    issued: &str,
    due: Option<&str>,
    total_minor: i64,
    source: Option<&str>,
) -> String {
    let id = new_id();
    sql(
        db,
        "INSERT INTO sales_documents (id, kind, number, status, account_id, source_id, currency,
                                      issued_on, due_on, subtotal_minor, total_minor, created_at, updated_at)
         VALUES (?1, ?2, ?1, 'issued', ?3, ?4, 'EUR', ?5, ?6, ?7, ?7, ?5, ?5)",
        (&id, kind, account, source, issued, due, total_minor),
    );
    id
}

fn payment(db: &Db, invoice: &str, minor: i64) {
    sql(
        db,
        "INSERT INTO payments (id, invoice_id, paid_on, amount_minor, created_at, updated_at)
         VALUES (?1, ?2, '2026-10-30', ?3, 't', 't')",
        (new_id(), invoice, minor),
    );
}

fn business() -> Business {
    let mut db = Db::open_in_memory().unwrap();
    let (alpha, beta, gamma, delta) = (
        account(&mut db, "Alpha"),
        account(&mut db, "Beta"),
        account(&mut db, "Gamma"),
        account(&mut db, "Delta"),
    );
    let first_stage_probability = pipelines::find(db.conn(), None).unwrap().stages[0].probability;
    // Deals, all in EUR.
    use StageKind::{Lost, Open, Won};
    deal(
        &mut db,
        "D1",
        &alpha,
        Won,
        "1000",
        "2026-09-01",
        Some("2026-10-11"),
        None,
        None,
    );
    deal(
        &mut db,
        "D2",
        &beta,
        Won,
        "3000",
        "2026-10-01",
        Some("2026-10-21"),
        None,
        None,
    );
    deal(
        &mut db,
        "D3",
        &gamma,
        Lost,
        "500",
        "2026-09-10",
        Some("2026-10-15"),
        None,
        None,
    );
    deal(
        &mut db,
        "D4",
        &alpha,
        Open,
        "2000",
        "2026-10-02",
        None,
        Some("2026-12-10"),
        Some(50),
    );
    deal(
        &mut db,
        "D5",
        &beta,
        Open,
        "1000",
        "2026-10-03",
        None,
        Some("2027-01-05"),
        None,
    );
    deal(
        &mut db,
        "D6",
        &gamma,
        Won,
        "700",
        "2026-08-01",
        Some("2026-09-20"),
        None,
        None,
    );

    // Leads created in October: Web 2 (1 converted), Fair 3 (1 converted).
    for (name, source, converted) in [
        ("L1", "Web", true),
        ("L2", "Web", false),
        ("L3", "Fair", true),
        ("L4", "Fair", false),
        ("L5", "Fair", false),
    ] {
        let id = leads::create(
            &mut db,
            &LeadInput {
                name: name.into(),
                source: Some(source.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
        sql(
            &db,
            "UPDATE leads SET created_at = '2026-10-04T10:00:00Z', converted_at = ?2,
                    status = CASE WHEN ?2 IS NULL THEN status ELSE 'converted' END WHERE id = ?1",
            (&id, converted.then_some("2026-10-05T10:00:00Z")),
        );
    }
    // A lead from September is outside October.
    let old = leads::create(
        &mut db,
        &LeadInput {
            name: "L0".into(),
            source: Some("Web".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    sql(
        &db,
        "UPDATE leads SET created_at = '2026-09-30T21:00:00Z' WHERE id = ?1",
        [&old],
    );

    // Invoices and a credit note.
    let i1 = document(
        &db,
        "invoice",
        &alpha,
        "2026-10-12",
        Some("2026-11-11"),
        100_000,
        None,
    );
    payment(&db, &i1, 40_000);
    document(
        &db,
        "credit_note",
        &alpha,
        "2026-10-20",
        None,
        20_000,
        Some(&i1),
    );
    document(
        &db,
        "invoice",
        &beta,
        "2026-10-22",
        Some("2026-12-22"),
        300_000,
        None,
    );
    let i4 = document(
        &db,
        "invoice",
        &delta,
        "2025-10-20",
        Some("2025-11-20"),
        50_000,
        None,
    );
    payment(&db, &i4, 50_000);

    // Tickets: an open complaint from Beta breached in October; a resolved question from Alpha.
    let t1 = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Late delivery".into(),
            account_id: Some(beta.clone()),
            category: Some(TicketCategory::Complaint),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    sql(
        &db,
        "UPDATE tickets SET created_at = '2026-10-25T08:00:00Z', res_breached_at = '2026-10-26T08:00:00Z' WHERE id = ?1",
        [&t1],
    );
    let t2 = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Opening hours".into(),
            account_id: Some(alpha.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    tickets::set_status(&mut db, &t2, TicketStatus::Resolved).unwrap();
    sql(
        &db,
        "UPDATE tickets SET created_at = '2026-10-05T08:00:00Z' WHERE id = ?1",
        [&t2],
    );

    // A call with Beta's buyer on 10 November, logged on the contact, not the account.
    let buyer = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Bea".into(),
            last_name: "Buyer".into(),
            account_id: Some(beta.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let call = activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Call),
            subject: "Quarterly call".into(),
            done: true,
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: buyer,
            }],
            ..Default::default()
        },
        chrono_tz::UTC,
    )
    .unwrap()
    .id;
    sql(
        &db,
        "UPDATE activities SET done_at = '2026-11-10T10:00:00Z' WHERE id = ?1",
        [&call],
    );
    Business {
        db,
        alpha,
        beta,
        first_stage_probability,
    }
}

fn value(d: &analytics::Dashboard, key: &str) -> (Option<i64>, i64) {
    let f = d.figures.iter().find(|f| f.key == key).unwrap();
    (f.value, f.count)
}

#[test]
fn the_dashboard_figures_match_the_hand_computed_answers() {
    let b = business();
    let d = analytics::dashboard(b.db.conn(), &october(), today()).unwrap();
    assert_eq!(d.currency, "EUR");
    // Open: D4 2,000 and D5 1,000 = 3,000.00.
    assert_eq!(value(&d, "open_pipeline"), (Some(300_000), 2));
    // Weighted: 2,000 × 50 % + 1,000 × the first stage's probability.
    assert_eq!(
        value(&d, "weighted_forecast"),
        (Some(100_000 + 1_000 * b.first_stage_probability), 2)
    );
    // Won in October: D1 1,000 + D2 3,000 (D6 closed in September).
    assert_eq!(value(&d, "won"), (Some(400_000), 2));
    assert_eq!(value(&d, "lost"), (Some(50_000), 1));
    // 2 won of 3 closed: 66.67 %.
    assert_eq!(value(&d, "win_rate"), (Some(6667), 3));
    assert_eq!(value(&d, "average_deal"), (Some(200_000), 2));
    // D1: 1 Sep to 11 Oct = 40 days; D2: 1 Oct to 21 Oct = 20 days; average 30.
    assert_eq!(value(&d, "sales_cycle"), (Some(30), 2));
    // 2 of the 5 October leads were converted (L0 is September's).
    assert_eq!(value(&d, "lead_conversion"), (Some(4000), 5));
    // Alpha (first bought 11 Oct) and Beta (21 Oct); Gamma bought in September.
    assert_eq!(value(&d, "new_customers"), (Some(2), 2));
    assert_eq!(value(&d, "open_tickets"), (Some(1), 1));
    assert_eq!(value(&d, "sla_breaches"), (Some(1), 1));
    // I1: 1,000 - 400 paid - 200 credited = 400 left, due 11 Nov; I2 is not due yet.
    assert_eq!(value(&d, "overdue_invoices"), (Some(40_000), 1));
    let fair = d.conversion.iter().find(|s| s.source == "Fair").unwrap();
    assert_eq!((fair.leads, fair.converted), (3, 1));
    // The chart: D4 in December, won amounts in October.
    let dec = d.forecast.iter().find(|m| m.month == "2026-12").unwrap();
    assert_eq!((dec.open_minor, dec.weighted_minor), (200_000, 100_000));
    let oct = d.forecast.iter().find(|m| m.month == "2026-10").unwrap();
    assert_eq!(oct.won_minor, 400_000);

    // Each figure opens its records, as many as it counts.
    for f in &d.figures {
        let listed = analytics::records(b.db.conn(), &f.key, &october(), today()).unwrap();
        assert_eq!(listed.len() as i64, f.count, "{}", f.key);
    }
    let won = analytics::records(b.db.conn(), "won", &october(), today()).unwrap();
    let names: Vec<&str> = won.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(names, ["D2", "D1"], "largest first");
    assert!(won.iter().all(|r| r.entity == "opportunities"));
    let overdue = analytics::records(b.db.conn(), "overdue_invoices", &october(), today()).unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].amount_minor, Some(40_000));
    assert!(overdue[0].label.contains("Alpha"));
    let err = analytics::records(b.db.conn(), "nonsense", &october(), today()).unwrap_err();
    assert!(err.to_string().contains("open_pipeline"), "{err}");
}

fn rows(b: &Business, name: &str) -> Vec<Vec<Cell>> {
    analytics::report(b.db.conn(), name, &october(), today())
        .unwrap()
        .rows
}

fn num(v: i64) -> Cell {
    Cell::Number(v)
}

fn text(v: &str) -> Cell {
    Cell::Text(v.into())
}

#[test]
fn retention_and_complaints_follow_the_definitions() {
    let b = business();
    let r = analytics::retention(b.db.conn(), &october()).unwrap();
    // Active on 1 Oct (bought since 2 Oct 2025): Gamma (D6, 20 Sep), Delta (I4, 20 Oct 2025).
    // Active on 31 Oct (since 1 Nov 2025): Alpha, Beta, Gamma. Retained: Gamma only.
    assert_eq!((r.active_at_start, r.retained, r.active_at_end), (2, 1, 3));
    assert_eq!(r.new_customers, 2);
    assert_eq!(r.complaining, 1);
    let table = rows(&b, "retention");
    // Retention 1 / 2 = 50 %; complaint rate 1 / 3 = 33.33 %.
    assert_eq!(table[1][2], num(5000));
    assert_eq!(table[4][2], num(3333));
    // Tickets opened in October: Beta's complaint (open, breached), Alpha's question (resolved).
    assert_eq!(
        rows(&b, "tickets"),
        vec![
            vec![text("complaint"), text("normal"), num(1), num(1), num(1)],
            vec![text("question"), text("normal"), num(1), num(0), num(0)],
        ]
    );
}

#[test]
fn sales_reports_add_up() {
    let b = business();
    let won_lost = rows(&b, "won-lost");
    assert_eq!(
        won_lost,
        vec![
            vec![text("won"), text(""), num(2), num(400_000)],
            vec![text("lost"), text("Price"), num(1), num(50_000)],
        ]
    );
    let funnel = rows(&b, "funnel");
    // Fair: 3 leads, 1 converted (33.33 %); Web: 2 leads, 1 converted (50 %). Neither
    // converted lead has a deal here, so no won deals and no win rate.
    assert_eq!(
        funnel[0],
        vec![
            text("Fair"),
            num(3),
            num(1),
            num(3333),
            num(0),
            num(0),
            Cell::Number(0)
        ]
    );
    assert_eq!(funnel[1][0], text("Web"));
    assert_eq!(funnel[1][3], num(5000));
    let pipeline = rows(&b, "pipeline");
    let deals: i64 = pipeline
        .iter()
        .map(|r| if let Cell::Number(n) = r[1] { n } else { 0 })
        .sum();
    assert_eq!(deals, 2, "every open deal is in one stage row");
    let forecast = rows(&b, "forecast");
    assert_eq!(forecast.len(), 1, "October only");
    assert_eq!(
        forecast[0],
        vec![text("2026-10"), num(0), num(0), num(0), num(400_000)]
    );
}

#[test]
fn revenue_per_customer_is_invoiced_less_credited() {
    let b = business();
    let customers = rows(&b, "customers");
    // Beta 3,000 of 3,800 = 78.95 %; Alpha 1,000 - 200 = 800, 21.05 %. Delta invoiced in 2025.
    assert_eq!(
        customers,
        vec![
            vec![
                text("Beta"),
                num(300_000),
                num(0),
                num(300_000),
                num(0),
                num(7895)
            ],
            vec![
                text("Alpha"),
                num(100_000),
                num(20_000),
                num(80_000),
                num(40_000),
                num(2105)
            ],
        ]
    );
    let report = analytics::report(b.db.conn(), "customers", &october(), today()).unwrap();
    let csv = analytics::to_csv(&report).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "Customer,Invoiced (EUR),Credited (EUR),Revenue (EUR),Paid (EUR),Share of revenue (%)"
    );
    assert_eq!(
        csv.lines().nth(2).unwrap(),
        "Alpha,1000.00,200.00,800.00,400.00,21.05"
    );
}

#[test]
fn churn_scores_explain_themselves() {
    let b = business();
    let top = analytics::churn(b.db.conn(), today(), 20).unwrap();
    let scores: Vec<(&str, i64)> = top
        .iter()
        .map(|c| (c.account_name.as_str(), c.score))
        .collect();
    // Alpha: interaction days T2 (5 Oct), D1 won (11 Oct), I1 (12 Oct): 7 / 2 = 3 days, so
    // the usual gap is the floor of 14; silent 34 days, more than twice that (+30); I1 overdue
    // (+20) = 50. Delta: nothing in the last year (+30). Beta: D2 won 21 Oct, I2 22 Oct, T1
    // 25 Oct, the call 10 Nov: silent 5 days; an open complaint (+15) and a breach on 26 Oct
    // (+10) = 25. Gamma: D6 won 20 Sep alone (gap 30 by default), silent 56 days (+15).
    assert_eq!(
        scores,
        [("Alpha", 50), ("Delta", 30), ("Beta", 25), ("Gamma", 15)]
    );
    let alpha = analytics::churn_of(b.db.conn(), &b.alpha, today()).unwrap();
    let reasons: Vec<&str> = alpha.reasons.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "No contact for 34 days; usually every 14",
            "1 invoice overdue (EUR 400)"
        ]
    );
    let beta = analytics::churn_of(b.db.conn(), &b.beta, today()).unwrap();
    assert_eq!(beta.reasons.len(), 2, "{beta:?}");
    assert!(analytics::churn(b.db.conn(), today(), 2).unwrap().len() == 2);
}

#[test]
fn bad_periods_and_names_are_refused_in_plain_words() {
    let b = business();
    let err = Scope::new(None, Some("2026-10-31"), Some("2026-10-01"), today()).unwrap_err();
    assert!(
        err.to_string()
            .contains("ends (2026-10-01) before it starts"),
        "{err}"
    );
    let err = Scope::new(Some("fortnight"), None, None, today()).unwrap_err();
    assert!(err.to_string().contains("this_quarter"), "{err}");
    let err = Scope::new(None, Some("31/10/2026"), None, today()).unwrap_err();
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    let err = analytics::report(b.db.conn(), "profit", &october(), today()).unwrap_err();
    assert!(err.to_string().contains("churn"), "{err}");
}
