//! Leads as a salesperson meets them: call lists worked through a queue, interested people
//! promoted with their calls, leads converted into account + contact + deal with everything
//! moved and nothing duplicated, all or nothing; web-form imports; the follow-up hook.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rapport_core::activities::activity::{
    self, ActivityInput, ActivityKind, ActivityQuery, RecordRef,
};
use rapport_core::data::import::calllist::{self, CallListImport};
use rapport_core::data::import::{self, Dedup, ImportEntity, ImportOptions, table};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::contacts::{self, ContactInput, EmailEntry};
use rapport_core::records::fields::{self, CustomFieldInput, FieldKind};
use rapport_core::sales::calllists::{self, CallInput, CallListInput, CallResult, EntryStatus};
use rapport_core::sales::leads::{self, ConvertInput, LeadInput, LeadQuery, LeadStatus};
use rapport_core::sales::opportunities::OpportunityInput;
use rapport_core::store::events::Event;
use rapport_core::{Db, Error, insight::timeline, people::accounts};

fn tz() -> Tz {
    "Europe/Berlin".parse().unwrap()
}

fn count(db: &Db, sql: &str) -> i64 {
    db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn lead(db: &mut Db, name: &str, company: Option<&str>, email: Option<&str>) -> leads::Lead {
    leads::create(
        db,
        &LeadInput {
            name: name.into(),
            company: company.map(Into::into),
            email: email.map(Into::into),
            phone: Some("+44 20 7946 0123".into()),
            source: Some("Trade show".into()),
            tags: vec!["fair-2026".into()],
            notes: Some("Met at the fair, wants a quote.".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

fn log(db: &mut Db, kind: ActivityKind, subject: &str, lead_id: &str, done: bool) -> String {
    activity::create(
        db,
        &ActivityInput {
            kind: Some(kind),
            subject: subject.into(),
            done,
            starts_at: (!done).then(|| "2030-01-10T09:00".to_owned()),
            links: vec![RecordRef {
                entity: "leads".into(),
                id: lead_id.into(),
            }],
            ..Default::default()
        },
        tz(),
    )
    .unwrap()
    .id
}

fn links_of(db: &Db, activity: &str) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = activity::get(db.conn(), activity)
        .unwrap()
        .links
        .into_iter()
        .map(|l| (l.entity, l.id))
        .collect();
    links.sort();
    links
}

fn deal_input(name: &str) -> OpportunityInput {
    OpportunityInput {
        name: name.into(),
        amount: Some(MoneyInput {
            amount: "1234.50".into(),
            currency: "EUR".into(),
        }),
        ..Default::default()
    }
}

#[test]
fn conversion_moves_every_activity_tag_value_and_note_to_the_new_records() {
    let mut db = Db::open_in_memory().unwrap();
    let size = fields::define(
        &mut db,
        &CustomFieldInput {
            entity: "leads".into(),
            label: "Fleet size".into(),
            kind: FieldKind::Number,
            options: vec![],
        },
    )
    .unwrap();
    fields::define(
        &mut db,
        &CustomFieldInput {
            entity: "contacts".into(),
            label: "Fleet size".into(),
            kind: FieldKind::Number,
            options: vec![],
        },
    )
    .unwrap();
    let budget = fields::define(
        &mut db,
        &CustomFieldInput {
            entity: "leads".into(),
            label: "Budget note".into(),
            kind: FieldKind::Text,
            options: vec![],
        },
    )
    .unwrap();
    let mut input = LeadInput::from(&lead(
        &mut db,
        "Ada Lovelace",
        Some("Engines Ltd"),
        Some("ada@engines.example"),
    ));
    input.custom.insert(size.id, serde_json::json!(12));
    input
        .custom
        .insert(budget.id, serde_json::json!("Q1 budget approved"));
    let ada = leads::create(&mut db, &input).unwrap();
    let call = log(&mut db, ActivityKind::Call, "First call", &ada.id, true);
    let meeting = log(
        &mut db,
        ActivityKind::Meeting,
        "Demo on site",
        &ada.id,
        false,
    );
    let note = log(&mut db, ActivityKind::Note, "Prefers e-mail", &ada.id, true);
    let activities_before = count(&db, "SELECT count(*) FROM activities");

    let plan = leads::plan_conversion(db.conn(), &ada.id).unwrap();
    assert_eq!(
        (plan.first_name.as_str(), plan.last_name.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(plan.account_name.as_deref(), Some("Engines Ltd"));
    assert_eq!(plan.activities, 3);

    let done = leads::convert(
        &mut db,
        &ada.id,
        &ConvertInput {
            opportunity: Some(deal_input("Engines: 12 trucks")),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(done.account_created && done.contact_created);
    assert_eq!(done.activities_moved, 3);
    let account = done.account_id.clone().unwrap();
    let deal = done.opportunity_id.clone().unwrap();
    let contact = contacts::get(db.conn(), &done.contact_id).unwrap();

    // Every activity now hangs off the contact, the account and the deal; none off the lead,
    // and none was copied.
    assert_eq!(
        count(&db, "SELECT count(*) FROM activities"),
        activities_before
    );
    let mut expected = vec![
        ("accounts".to_owned(), account.clone()),
        ("contacts".to_owned(), contact.id.clone()),
        ("opportunities".to_owned(), deal.clone()),
    ];
    expected.sort();
    for a in [&call, &meeting, &note] {
        assert_eq!(links_of(&db, a), expected, "activity {a}");
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM activity_links WHERE entity = 'leads'"
        ),
        0
    );
    let on_deal = timeline::for_record(db.conn(), "opportunities", &deal, None, 50).unwrap();
    assert!(
        on_deal.iter().any(|i| i.title.contains("First call")),
        "{on_deal:?}"
    );

    // The person: name split, e-mail, phone, source, tags, notes; the matching custom field
    // copied, the other one kept in the notes.
    assert_eq!(
        (contact.first_name.as_str(), contact.last_name.as_str()),
        ("Ada", "Lovelace")
    );
    assert_eq!(contact.account_id.as_deref(), Some(account.as_str()));
    assert_eq!(contact.emails[0].address, "ada@engines.example");
    assert_eq!(contact.phones.len(), 1);
    assert_eq!(contact.lead_source.as_deref(), Some("Trade show"));
    assert_eq!(contact.tags, ["fair-2026"]);
    let notes = contact.notes.clone().unwrap();
    assert!(notes.contains("Met at the fair"), "{notes}");
    assert!(notes.contains("Budget note: Q1 budget approved"), "{notes}");
    assert_eq!(contact.custom.values().next(), Some(&serde_json::json!(12)));
    assert_eq!(
        accounts::get(db.conn(), &account).unwrap().name,
        "Engines Ltd"
    );

    // The lead stays, converted, pointing at what it became.
    let after = leads::get(db.conn(), &ada.id).unwrap();
    assert_eq!(after.status, LeadStatus::Converted);
    let c = after.conversion.unwrap();
    assert_eq!(c.account_id.as_deref(), Some(account.as_str()));
    assert_eq!(c.contact_id.as_deref(), Some(contact.id.as_str()));
    assert_eq!(c.opportunity_id.as_deref(), Some(deal.as_str()));
    assert!(
        after.tags.is_empty() && after.custom.is_empty(),
        "moved, not copied"
    );

    // Once only.
    let again = leads::convert(&mut db, &ada.id, &ConvertInput::default()).unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again:?}");
    assert!(again.to_string().contains("already converted"), "{again}");
    assert_eq!(count(&db, "SELECT count(*) FROM contacts"), 1);

    // And the whole conversion is one undoable batch.
    rapport_core::store::changelog::undo(&mut db, &done.batch_id).unwrap();
    assert_eq!(
        leads::get(db.conn(), &ada.id).unwrap().status,
        LeadStatus::New
    );
    assert_eq!(count(&db, "SELECT count(*) FROM contacts"), 0);
    assert_eq!(links_of(&db, &call), [("leads".to_owned(), ada.id.clone())]);
}

#[test]
fn a_conversion_that_fails_half_way_leaves_the_lead_and_everything_else_untouched() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = lead(
        &mut db,
        "Ada Lovelace",
        Some("Engines Ltd"),
        Some("ada@engines.example"),
    );
    let call = log(&mut db, ActivityKind::Call, "First call", &ada.id, true);
    let before = (
        count(&db, "SELECT count(*) FROM accounts"),
        count(&db, "SELECT count(*) FROM contacts"),
        count(&db, "SELECT count(*) FROM change_log"),
    );
    // The account and the contact are written before the deal is checked; the deal's bad
    // currency fails the conversion after them.
    let mut deal = deal_input("Engines");
    deal.amount = Some(MoneyInput {
        amount: "100".into(),
        currency: "XYZ".into(),
    });
    let err = leads::convert(
        &mut db,
        &ada.id,
        &ConvertInput {
            opportunity: Some(deal),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("opportunity."),
        "names the part that failed: {err}"
    );
    assert_eq!(
        (
            count(&db, "SELECT count(*) FROM accounts"),
            count(&db, "SELECT count(*) FROM contacts"),
            count(&db, "SELECT count(*) FROM change_log"),
        ),
        before
    );
    let still = leads::get(db.conn(), &ada.id).unwrap();
    assert_eq!(still.status, LeadStatus::New);
    assert!(still.conversion.is_none());
    assert_eq!(still.tags, ["fair-2026"]);
    assert_eq!(links_of(&db, &call), [("leads".to_owned(), ada.id.clone())]);
}

#[test]
fn converting_into_existing_records_suggests_them_first_and_creates_no_duplicates() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = accounts::create(
        &mut db,
        &accounts::AccountInput {
            name: "ACME GmbH".into(),
            website: Some("https://www.acme.example".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let grace = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "grace@acme.example".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let l = lead(
        &mut db,
        "Grace Hopper",
        Some("Acme"),
        Some("GRACE@acme.example"),
    );
    log(&mut db, ActivityKind::Call, "Intro", &l.id, true);

    let log_before = count(&db, "SELECT count(*) FROM change_log");
    let plan = leads::plan_conversion(db.conn(), &l.id).unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM change_log"),
        log_before,
        "planning writes nothing"
    );
    assert_eq!(plan.accounts.len(), 1, "{:?}", plan.accounts);
    assert_eq!(plan.accounts[0].id, acme.id);
    assert_eq!(plan.contacts.len(), 1);
    assert_eq!(plan.contacts[0].id, grace.id);
    assert_eq!(plan.contacts[0].reason, "same e-mail");

    let done = leads::convert(
        &mut db,
        &l.id,
        &ConvertInput {
            account_id: Some(acme.id.clone()),
            contact_id: Some(grace.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!done.account_created && !done.contact_created);
    assert_eq!(done.opportunity_id, None);
    assert_eq!(count(&db, "SELECT count(*) FROM accounts"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM contacts"), 1);
    let grace = contacts::get(db.conn(), &grace.id).unwrap();
    assert_eq!(
        grace.emails.len(),
        1,
        "the same address in another case is not added twice"
    );
    assert_eq!(grace.phones.len(), 1, "the lead's phone is added");
    assert_eq!(grace.account_id.as_deref(), Some(acme.id.as_str()));
    assert_eq!(grace.tags, ["fair-2026"]);
}

fn call_list_csv(rows: usize) -> String {
    let mut csv = String::from("Full Name,Company,Phone,City,Employees,E-mail\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "Person {i},Company {},+49 30 {:07},Berlin,{},p{i}@company{}.example\n",
            i / 3,
            1_000_000 + i,
            i % 50,
            i / 3
        ));
    }
    csv
}

fn import_list(db: &mut Db, csv: &str, name: &str) -> calllist::CallListReport {
    let t = table::read(csv.as_bytes(), "calls.csv").unwrap();
    let report = calllist::import(
        db,
        &t,
        &CallListImport {
            list: CallListInput {
                name: name.into(),
                script: Some("Hello, this is Rapport calling about...".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(
        report.rows_read,
        report.added + report.skipped.len() as u64 + report.rejected.len() as u64,
        "{report:?}"
    );
    report
}

#[test]
fn a_twenty_thousand_row_call_list_imports_with_a_report_for_every_row_left_out() {
    let mut db = Db::open_in_memory().unwrap();
    contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Known".into(),
            last_name: "Customer".into(),
            phones: vec![contacts::PhoneEntry {
                label: "work".into(),
                number: "+49 30 1000005".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let mut csv = call_list_csv(20_000);
    csv.push_str("No Number,Nowhere,,Paris,,\n");
    csv.push_str("Twice,Again,+49 30 1000007,Berlin,,\n");
    csv.push_str(",,+49 30 9999999,,,\n");
    csv.push_str("\"Broken,Quote,+49 30 9999998\n");
    let report = import_list(&mut db, &csv, "Berlin 2026");
    assert_eq!(report.rows_read, 20_004);
    assert_eq!(report.added, 19_999);
    let skipped: Vec<(u64, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|(line, why)| *line == 7 && why.contains("Known Customer")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(line, why)| *line == 20_003 && why.contains("already on the list (line 9)")),
        "{skipped:?}"
    );
    let rejected: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    assert!(
        rejected
            .iter()
            .any(|(l, r)| *l == 20_002 && r.contains("no phone number")),
        "{rejected:?}"
    );
    assert!(
        rejected
            .iter()
            .any(|(l, r)| *l == 20_004 && r.contains("no name or company")),
        "{rejected:?}"
    );
    assert!(
        rejected
            .iter()
            .any(|(l, r)| *l == 20_005 && r.contains("never closed")),
        "{rejected:?}"
    );

    let now = Utc::now();
    let p = calllists::progress(db.conn(), report.list_id.as_deref().unwrap(), now).unwrap();
    assert_eq!((p.total, p.called, p.remaining), (19_999, 0, 19_999));
    let first = calllists::next(db.conn(), "berlin 2026", now, &[])
        .unwrap()
        .unwrap();
    assert_eq!(first.entry.name, "Person 0");
    assert_eq!(
        first.entry.details,
        [("Employees".to_owned(), "0".to_owned())]
    );
    assert_eq!(
        first.script.as_deref(),
        Some("Hello, this is Rapport calling about...")
    );

    // A second list of the same name is refused and writes nothing.
    let t = table::read(b"Name,Phone\nA,+49 30 5555555\n", "b.csv").unwrap();
    let err = calllist::import(
        &mut db,
        &t,
        &CallListImport {
            list: CallListInput {
                name: "BERLIN 2026".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM call_lists"), 1);
}

fn record(
    db: &mut Db,
    entry: &str,
    result: CallResult,
    callback: Option<&str>,
    note: Option<&str>,
) -> calllists::Called {
    calllists::record(
        db,
        entry,
        &CallInput {
            result: Some(result),
            note: note.map(Into::into),
            callback_at: callback.map(Into::into),
        },
        tz(),
    )
    .unwrap()
}

#[test]
fn the_calling_queue_hands_out_people_in_order_and_resumes_where_work_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    let mut db = Db::open(&path).unwrap();
    import_list(&mut db, &call_list_csv(6), "Fair");
    let now = Utc::now();
    let next = |db: &Db, skip: &[String]| {
        calllists::next(db.conn(), "Fair", now, skip)
            .unwrap()
            .unwrap()
            .entry
    };

    let p0 = next(&db, &[]);
    assert_eq!(p0.name, "Person 0");
    record(&mut db, &p0.id, CallResult::NoAnswer, None, None);
    let p1 = next(&db, &[]);
    assert_eq!(
        p1.name, "Person 1",
        "the unanswered go to the back of the queue"
    );
    let in_an_hour = (now + Duration::hours(1)).to_rfc3339();
    let called = record(
        &mut db,
        &p1.id,
        CallResult::CallBack,
        Some(&in_an_hour),
        Some("Busy, call after lunch"),
    );
    assert!(called.callback_id.is_some());
    let p2 = next(&db, &[]);
    assert_eq!(p2.name, "Person 2");
    // Skipping passes over someone without recording anything.
    assert_eq!(next(&db, std::slice::from_ref(&p2.id)).name, "Person 3");
    record(&mut db, &p2.id, CallResult::WrongNumber, None, None);
    let p3 = next(&db, &[]);
    record(&mut db, &p3.id, CallResult::NotInterested, None, None);

    // Stop here: a new session on the same file carries on where this one ended.
    drop(db);
    let mut db = Db::open(&path).unwrap();
    let p4 = next(&db, &[]);
    assert_eq!(p4.name, "Person 4");
    let p = calllists::progress(db.conn(), &p4.call_list_id, now).unwrap();
    assert_eq!(
        (
            p.total,
            p.called,
            p.remaining,
            p.callbacks_later,
            p.no_answer,
            p.wrong_number,
            p.not_interested
        ),
        (6, 4, 4, 1, 1, 1, 1)
    );

    // Once the callback falls due, it comes first; making it completes the scheduled call.
    let later: DateTime<Utc> = now + Duration::hours(2);
    let due = calllists::next(db.conn(), "Fair", later, &[])
        .unwrap()
        .unwrap();
    assert_eq!(due.entry.name, "Person 1");
    assert_eq!(due.progress.callbacks_due, 1);
    assert_eq!(
        due.history.len(),
        2,
        "the first call and the scheduled callback: {:?}",
        due.history
    );
    let open_before = count(&db, "SELECT count(*) FROM activities WHERE done_at IS NULL");
    record(
        &mut db,
        &due.entry.id,
        CallResult::NotInterested,
        None,
        Some("Decided against"),
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM activities WHERE done_at IS NULL"),
        open_before - 1,
        "the callback was made, not logged twice"
    );

    // People not yet called come before those who did not answer; then the unanswered are
    // tried again, fewest attempts first, until the list's limit (3) takes them out.
    let order: Vec<(&str, CallResult)> = vec![
        ("Person 4", CallResult::NoAnswer),
        ("Person 5", CallResult::WrongNumber),
        ("Person 0", CallResult::NoAnswer),
        ("Person 4", CallResult::NoAnswer),
        ("Person 0", CallResult::NoAnswer),
        ("Person 4", CallResult::NoAnswer),
    ];
    let mut p5 = None;
    for (name, result) in order {
        let who = next(&db, &[]);
        assert_eq!(who.name, name);
        record(&mut db, &who.id, result, None, None);
        p5 = Some(who);
    }
    let p5 = p5.unwrap();
    assert!(
        calllists::next(db.conn(), "Fair", later, &[])
            .unwrap()
            .is_none(),
        "the list is done"
    );
    let p = calllists::progress(db.conn(), &p5.call_list_id, later).unwrap();
    assert_eq!((p.remaining, p.unreachable), (0, 2));
}

#[test]
fn interested_promotes_to_a_lead_that_keeps_the_calls_and_converts_with_them() {
    let mut db = Db::open_in_memory().unwrap();
    import_list(&mut db, &call_list_csv(3), "Fair");
    let now = Utc::now();
    let p0 = calllists::next(db.conn(), "Fair", now, &[])
        .unwrap()
        .unwrap()
        .entry;
    record(&mut db, &p0.id, CallResult::NoAnswer, None, None);
    let p1 = calllists::next(db.conn(), "Fair", now, &[])
        .unwrap()
        .unwrap()
        .entry;
    record(&mut db, &p1.id, CallResult::NoAnswer, None, None);
    // Round two: Person 0 again, and this time they are interested.
    let p2 = calllists::next(db.conn(), "Fair", now, &[])
        .unwrap()
        .unwrap()
        .entry;
    record(&mut db, &p2.id, CallResult::NoAnswer, None, None);
    let again = calllists::next(db.conn(), "Fair", now, &[])
        .unwrap()
        .unwrap()
        .entry;
    assert_eq!(again.id, p0.id);
    let called = record(
        &mut db,
        &p0.id,
        CallResult::Interested,
        None,
        Some("Wants a demo in March"),
    );
    let lead_id = called.lead_id.unwrap();
    assert_eq!(called.entry.status, EntryStatus::Promoted);

    let lead = leads::get(db.conn(), &lead_id).unwrap();
    assert_eq!(lead.name, "Person 0");
    assert_eq!(lead.company.as_deref(), Some("Company 0"));
    assert_eq!(lead.source.as_deref(), Some(leads::CALL_LIST));
    assert_eq!(lead.status, LeadStatus::Contacted);
    assert_eq!(lead.call_list_name.as_deref(), Some("Fair"));
    assert!(lead.notes.unwrap().contains("Employees: 0"));
    let calls = activity::list(
        db.conn(),
        &ActivityQuery {
            record: Some(RecordRef {
                entity: "leads".into(),
                id: lead_id.clone(),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(calls.len(), 2, "both calls moved to the lead: {calls:?}");
    assert!(
        calls
            .iter()
            .any(|c| c.notes.as_deref() == Some("Wants a demo in March"))
    );

    // Calling a promoted person again is refused: further calls belong on the lead.
    let err = calllists::record(
        &mut db,
        &p0.id,
        &CallInput {
            result: Some(CallResult::NoAnswer),
            ..Default::default()
        },
        tz(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("already promoted"), "{err}");

    let done = leads::convert(
        &mut db,
        &lead_id,
        &ConvertInput {
            opportunity: Some(deal_input("Company 0 demo")),
            ..Default::default()
        },
    )
    .unwrap();
    let deal = done.opportunity_id.unwrap();
    let on_deal = timeline::for_record(db.conn(), "opportunities", &deal, None, 50).unwrap();
    assert!(
        on_deal
            .iter()
            .any(|i| i.title.contains("Person 0: interested")),
        "the call from the queue is on the deal: {on_deal:?}"
    );
    let p = calllists::progress(db.conn(), &p0.call_list_id, now).unwrap();
    assert_eq!(p.promoted, 1);
}

#[test]
fn web_form_submissions_import_as_leads_with_duplicate_checks() {
    let mut db = Db::open_in_memory().unwrap();
    lead(&mut db, "Existing Person", None, Some("taken@example.com"));
    let json = br#"{"submissions": [
        {"id": 1, "fields": {"Your name": "Zoe Adams", "Your email": "zoe@adams.example", "Company": "Adams & Co", "Message": "Please call me back"}},
        {"id": 2, "fields": {"Your name": "Taken Again", "Your email": "TAKEN@example.com"}},
        {"id": 3, "fields": {"Your name": "", "Your email": "nobody@example.com"}},
        {"id": 4, "fields": {"Your name": "Bad Mail", "Your email": "not-an-address"}}
    ]}"#;
    let t = table::read(json, "form.json").unwrap();
    let mapping = import::guess(db.conn(), ImportEntity::Leads, &t.headers).unwrap();
    let get = |header: &str| mapping[t.headers.iter().position(|h| h == header).unwrap()].clone();
    assert_eq!(
        get("fields.Your name").as_deref(),
        None,
        "dotted headers are not guessed"
    );
    let mut mapping = mapping.clone();
    for (header, key) in [
        ("fields.Your name", "full_name"),
        ("fields.Your email", "email"),
        ("fields.Company", "account"),
        ("fields.Message", "notes"),
    ] {
        mapping[t.headers.iter().position(|h| h == header).unwrap()] = Some(key.into());
    }
    let report = import::import(
        &mut db,
        &t,
        &ImportOptions {
            entity: ImportEntity::Leads,
            mapping,
            dedup: Dedup::Skip,
            source: None,
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(
        (report.created, report.skipped, report.rejected.len()),
        (1, 1, 2),
        "{report:?}"
    );
    assert!(
        report
            .rejected
            .iter()
            .any(|r| r.line == 5 && r.reason.contains("not-an-address")),
        "{:?}",
        report.rejected
    );
    let zoe = leads::list(
        db.conn(),
        &LeadQuery {
            search: Some("zoe".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .remove(0);
    let zoe = leads::get(db.conn(), &zoe.id).unwrap();
    assert_eq!(zoe.source.as_deref(), Some(leads::WEB_FORM));
    assert_eq!(zoe.company.as_deref(), Some("Adams & Co"));
    assert_eq!(zoe.notes.as_deref(), Some("Please call me back"));

    // A CSV from a form tool is recognised by its headers alone.
    let csv = b"Your Name,Your Email,Your Phone,Message\nYuri Gagarin,yuri@space.example,+7 495 123 45 67,Interested in a quote\n";
    let t = table::read(csv, "form.csv").unwrap();
    let report = import::import(
        &mut db,
        &t,
        &ImportOptions {
            entity: ImportEntity::Leads,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(report.created, 1, "{report:?}");
}

#[test]
fn creating_a_lead_tells_subscribers_inside_the_same_transaction() {
    let mut db = Db::open_in_memory().unwrap();
    type Heard = Vec<(String, Option<String>)>;
    let heard: Arc<Mutex<Heard>> = Arc::default();
    let sink = Arc::clone(&heard);
    db.subscribe(Box::new(move |_, event| {
        if let Event::LeadCreated {
            lead_id, source, ..
        } = event
        {
            sink.lock().unwrap().push((lead_id.clone(), source.clone()));
        }
        Ok(())
    }));
    let typed = lead(&mut db, "Typed In", None, None);
    import_list(&mut db, &call_list_csv(1), "One");
    let entry = calllists::next(db.conn(), "One", Utc::now(), &[])
        .unwrap()
        .unwrap()
        .entry;
    let promoted = record(&mut db, &entry.id, CallResult::Interested, None, None)
        .lead_id
        .unwrap();
    let heard_now = heard.lock().unwrap().clone();
    assert_eq!(
        heard_now,
        [
            (typed.id, Some("Trade show".to_owned())),
            (promoted, Some(leads::CALL_LIST.to_owned()))
        ]
    );

    // A subscriber that fails (a sequence that cannot enrol) undoes the lead with it.
    db.subscribe(Box::new(|_, _| {
        Err(Error::invalid("sequence", "the sequence is paused"))
    }));
    let before = count(&db, "SELECT count(*) FROM leads");
    let err = leads::create(
        &mut db,
        &LeadInput {
            name: "Never Stored".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("the sequence is paused"));
    assert_eq!(count(&db, "SELECT count(*) FROM leads"), before);
}

#[test]
fn leads_list_filters_and_the_board_counts_by_status() {
    let mut db = Db::open_in_memory().unwrap();
    for (name, status, value) in [
        ("Hot One", LeadStatus::Qualified, Some("500")),
        ("Cold One", LeadStatus::New, Some("100.25")),
        ("Third", LeadStatus::New, None),
    ] {
        leads::create(
            &mut db,
            &LeadInput {
                name: name.into(),
                status: Some(status),
                estimated_value: value.map(|v| MoneyInput {
                    amount: v.into(),
                    currency: "EUR".into(),
                }),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let err = leads::create(
        &mut db,
        &LeadInput {
            name: "Sneaky".into(),
            status: Some(LeadStatus::Converted),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("by converting it"), "{err}");
    let new = leads::list(
        db.conn(),
        &LeadQuery {
            statuses: vec![LeadStatus::New],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(new.total, Some(2));
    let board = leads::board(db.conn(), &LeadQuery::default()).unwrap();
    let new_col = board.iter().find(|c| c.status == LeadStatus::New).unwrap();
    assert_eq!(new_col.count, 2);
    assert_eq!(new_col.estimated[0].amount_minor, 10_025);
    let found = rapport_core::store::search::search(db.conn(), "hot", 5).unwrap();
    assert!(
        found
            .iter()
            .any(|g| g.entity == "leads" && g.hits[0].title == "Hot One"),
        "{found:?}"
    );
}

#[test]
fn leads_exported_as_csv_import_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open_in_memory().unwrap();
    rapport_core::records::team::create(
        &mut db,
        &rapport_core::records::team::TeamMemberInput {
            name: "Sam Seller".into(),
            email: None,
        },
    )
    .unwrap();
    let sam = rapport_core::records::team::find(db.conn(), "Sam Seller")
        .unwrap()
        .unwrap();
    leads::create(
        &mut db,
        &LeadInput {
            name: "Zoe \"Z\" Adams".into(),
            company: Some("=Adams & Co".into()),
            title: Some("Buyer".into()),
            email: Some("zoe@adams.example".into()),
            phone: Some("+44 20 7946 0999".into()),
            website: Some("https://adams.example".into()),
            source: Some("Referral".into()),
            status: Some(LeadStatus::Qualified),
            rating: Some(leads::LeadRating::Hot),
            owner_id: Some(sam.id),
            estimated_value: Some(MoneyInput {
                amount: "1234.56".into(),
                currency: "GBP".into(),
            }),
            notes: Some("Two lines,\nwith a comma".into()),
            tags: vec!["expo".into(), "vip".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let path = dir.path().join("leads.csv");
    let report = rapport_core::data::export::csv(
        db.conn(),
        rapport_core::data::export::ExportEntity::Leads,
        &path,
    )
    .unwrap();
    assert_eq!(report.rows, 1);

    let mut other = Db::open_in_memory().unwrap();
    rapport_core::records::team::create(
        &mut other,
        &rapport_core::records::team::TeamMemberInput {
            name: "Sam Seller".into(),
            email: None,
        },
    )
    .unwrap();
    let t = import::read_file(&path).unwrap();
    let mapping = import::guess(other.conn(), ImportEntity::Leads, &t.headers).unwrap();
    let r = import::import(
        &mut other,
        &t,
        &ImportOptions {
            entity: ImportEntity::Leads,
            mapping,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(r.created, 1, "{r:?}");
    let strip = |mut l: leads::Lead| {
        l.id = String::new();
        l.owner_id = None;
        l.created_at = String::new();
        l.updated_at = String::new();
        l
    };
    let a = leads::list(db.conn(), &LeadQuery::default())
        .unwrap()
        .items
        .remove(0);
    let b = leads::list(other.conn(), &LeadQuery::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        strip(leads::get(db.conn(), &a.id).unwrap()),
        strip(leads::get(other.conn(), &b.id).unwrap())
    );
}
