//! Marketing: segments (dynamic AND/OR filters, static lists, export), templates with merge
//! fields, follow-up sequences day by day (across a restart and an offline week, stopping on
//! reply, unsubscribe and conversion), promotions with consent, and the outbox's bookkeeping.
//! Real SMTP delivery is checked by tests/smtp (a real server on loopback).

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use rapport_core::Db;
use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::marketing::outbox::{self, OutboxQuery, OutboxStatus};
use rapport_core::marketing::promotions::{self, PromotionInput};
use rapport_core::marketing::segments::{
    self, ConditionOp, SegmentCondition, SegmentEntity, SegmentFilter, SegmentInput, SegmentKind,
    SegmentMatch,
};
use rapport_core::marketing::sequences::{
    self, EnrolmentStatus, SequenceInput, StepInput, StopReason,
};
use rapport_core::marketing::templates::{self, EmailTemplateInput};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, EmailEntry};
use rapport_core::sales::leads::{self, ConvertInput, LeadInput};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn account(db: &mut Db, name: &str, industry: &str, band: &str, tags: &[&str]) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            industry: Some(industry.into()),
            turnover_band: Some(band.into()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn person(
    db: &mut Db,
    first: &str,
    last: &str,
    account: Option<&str>,
    email: Option<&str>,
) -> String {
    contacts::create(
        db,
        &ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            account_id: account.map(str::to_owned),
            emails: email
                .map(|e| {
                    vec![EmailEntry {
                        label: "work".into(),
                        address: e.into(),
                    }]
                })
                .unwrap_or_default(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn cond(field: &str, op: ConditionOp, value: &str) -> SegmentCondition {
    SegmentCondition {
        field: field.into(),
        op,
        value: value.into(),
    }
}

fn filter(combine: SegmentMatch, conditions: Vec<SegmentCondition>) -> SegmentFilter {
    SegmentFilter {
        combine,
        conditions,
    }
}

fn template(db: &mut Db, name: &str, subject: &str, body: &str) -> String {
    templates::create(
        db,
        &EmailTemplateInput {
            name: name.into(),
            subject: subject.into(),
            body: body.into(),
        },
    )
    .unwrap()
    .id
}

#[test]
fn dynamic_segments_combine_conditions_with_and_or_and_count_live() {
    let mut db = Db::open_in_memory().unwrap();
    let today = day("2026-11-30");
    let bakery = account(&mut db, "Crumb & Co", "Bakery", "1-5M", &["vip"]);
    let bakery2 = account(&mut db, "Rye Bros", "Bakery", "<1M", &[]);
    let garage = account(&mut db, "Fix-It", "Automotive", "1-5M", &["vip"]);
    let ann = person(
        &mut db,
        "Ann",
        "Baker",
        Some(&bakery),
        Some("ann@crumb.example"),
    );
    let bob = person(
        &mut db,
        "Bob",
        "Rye",
        Some(&bakery2),
        Some("bob@rye.example"),
    );
    let cy = person(&mut db, "Cy", "Wrench", Some(&garage), None);
    let _dee = person(&mut db, "Dee", "Loner", None, Some("dee@example.com"));

    // Ann had a call 10 days ago; nobody else had anything.
    activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Call),
            subject: "Catch-up".into(),
            starts_at: Some("2026-11-20T10:00:00Z".into()),
            done: true,
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: ann.clone(),
            }],
            ..Default::default()
        },
        chrono_tz::UTC,
    )
    .unwrap();

    let count = |db: &Db, f: &SegmentFilter| {
        segments::count_filter(db.conn(), SegmentEntity::Contacts, f, today).unwrap()
    };
    // Industry Bakery: Ann and Bob.
    let bakers = filter(
        SegmentMatch::All,
        vec![cond("industry", ConditionOp::Is, "bakery")],
    );
    assert_eq!(count(&db, &bakers), 2);
    // Not Bakery: Cy (Automotive) and Dee, who has no company at all.
    let not_bakers = filter(
        SegmentMatch::All,
        vec![cond("industry", ConditionOp::IsNot, "Bakery")],
    );
    assert_eq!(count(&db, &not_bakers), 2);
    // Bakery AND band 1-5M: Ann only.
    let big_bakers = filter(
        SegmentMatch::All,
        vec![
            cond("industry", ConditionOp::Is, "Bakery"),
            cond("turnover_band", ConditionOp::Is, "1-5M"),
        ],
    );
    assert_eq!(count(&db, &big_bakers), 1);
    // Bakery OR tag vip (the contact's own tags: none) OR industry Automotive: Ann, Bob, Cy.
    let any = filter(
        SegmentMatch::Any,
        vec![
            cond("industry", ConditionOp::Is, "Bakery"),
            cond("industry", ConditionOp::Is, "Automotive"),
        ],
    );
    assert_eq!(count(&db, &any), 3);
    // No activity in the last 7 days (never counts as before): Bob, Cy, Dee; in the last 30:
    // after 30d ago is Ann alone.
    assert_eq!(
        count(
            &db,
            &filter(
                SegmentMatch::All,
                vec![cond("last_activity", ConditionOp::Before, "7d")]
            )
        ),
        4
    );
    assert_eq!(
        count(
            &db,
            &filter(
                SegmentMatch::All,
                vec![cond("last_activity", ConditionOp::Before, "14d")]
            )
        ),
        3
    );
    assert_eq!(
        count(
            &db,
            &filter(
                SegmentMatch::All,
                vec![cond("last_activity", ConditionOp::After, "30d")]
            )
        ),
        1
    );
    // May be e-mailed: Ann, Bob, Dee (Cy has no address).
    assert_eq!(
        count(
            &db,
            &filter(
                SegmentMatch::All,
                vec![cond("emailable", ConditionOp::Yes, "")]
            )
        ),
        3
    );

    // Accounts tagged vip: Crumb & Co and Fix-It; their contacts are the recipients.
    let vip = segments::create(
        &mut db,
        &SegmentInput {
            name: "VIP accounts".into(),
            entity: SegmentEntity::Accounts,
            kind: SegmentKind::Dynamic,
            filter: filter(SegmentMatch::All, vec![cond("tag", ConditionOp::Is, "VIP")]),
            description: None,
        },
    )
    .unwrap();
    assert_eq!(segments::count(db.conn(), &vip.id, today).unwrap(), 2);
    let mut reached: Vec<String> = segments::recipients(db.conn(), &vip.id, today)
        .unwrap()
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    reached.sort();
    let mut expected = vec![ann, cy];
    expected.sort();
    assert_eq!(reached, expected);

    // The count is live: a new bakery contact joins the saved segment.
    let saved = segments::create(
        &mut db,
        &SegmentInput {
            name: "Bakers".into(),
            entity: SegmentEntity::Contacts,
            kind: SegmentKind::Dynamic,
            filter: bakers,
            description: None,
        },
    )
    .unwrap();
    assert_eq!(segments::count(db.conn(), &saved.id, today).unwrap(), 2);
    person(
        &mut db,
        "Eve",
        "Flour",
        Some(&bakery2),
        Some("eve@rye.example"),
    );
    assert_eq!(segments::count(db.conn(), &saved.id, today).unwrap(), 3);
    let page = segments::members(db.conn(), &saved.id, today, 0, 10).unwrap();
    assert_eq!(
        page.members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["Ann Baker", "Eve Flour", "Bob Rye"]
    );
    assert_eq!(page.members[0].company.as_deref(), Some("Crumb & Co"));

    // A static list keeps whom it was given; a deleted contact leaves it.
    let list = segments::freeze(&mut db, &saved.id, "Bakers in November", today).unwrap();
    assert_eq!(list.kind, SegmentKind::Static);
    assert_eq!(segments::count(db.conn(), &list.id, today).unwrap(), 3);
    person(&mut db, "Fay", "Late", Some(&bakery), None);
    assert_eq!(segments::count(db.conn(), &list.id, today).unwrap(), 3);
    contacts::delete(&mut db, &bob).unwrap();
    assert_eq!(segments::count(db.conn(), &list.id, today).unwrap(), 2);

    // CSV export: a header and one row per member, formula-looking text defused.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bakers.csv");
    assert_eq!(
        segments::export_csv(db.conn(), &list.id, today, &path).unwrap(),
        2
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("id,name,email,company,phone"));
    assert!(
        lines
            .next()
            .unwrap()
            .contains("Ann Baker,ann@crumb.example,Crumb & Co")
    );
}

#[test]
fn bad_conditions_are_refused_naming_the_condition() {
    let mut db = Db::open_in_memory().unwrap();
    let err = segments::create(
        &mut db,
        &SegmentInput {
            name: "Broken".into(),
            entity: SegmentEntity::Contacts,
            kind: SegmentKind::Dynamic,
            filter: filter(
                SegmentMatch::All,
                vec![
                    cond("industry", ConditionOp::Is, "Bakery"),
                    cond("shoe_size", ConditionOp::Is, "42"),
                    cond("last_activity", ConditionOp::Before, "last tuesday"),
                    cond("industry", ConditionOp::AtLeast, "3"),
                    cond("title", ConditionOp::Contains, ""),
                ],
            ),
            description: None,
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("conditions.1.field: contacts segments have no field \"shoe_size\""),
        "{text}"
    );
    assert!(
        text.contains("conditions.2.value: \"last tuesday\" is not a day"),
        "{text}"
    );
    assert!(
        text.contains("conditions.3.op: \"at_least\" is not a test for a choice field"),
        "{text}"
    );
    assert!(text.contains("conditions.4.value: enter a value"), "{text}");
    assert!(
        segments::list(db.conn()).unwrap().is_empty(),
        "nothing was saved"
    );
    // Quotes and SQL in a value are data, not SQL.
    let n = segments::count_filter(
        db.conn(),
        SegmentEntity::Contacts,
        &filter(
            SegmentMatch::All,
            vec![cond(
                "title",
                ConditionOp::Contains,
                "'); DROP TABLE contacts; --\"",
            )],
        ),
        day("2026-11-30"),
    )
    .unwrap();
    assert_eq!(n, 0);
    assert_eq!(
        contacts::list(db.conn(), &Default::default())
            .unwrap()
            .items
            .len(),
        0
    );
}

#[test]
fn a_template_previews_against_a_real_record_with_its_merge_fields() {
    let mut db = Db::open_in_memory().unwrap();
    let acct = account(&mut db, "Crumb & Co", "Bakery", "1-5M", &[]);
    let ann = person(
        &mut db,
        "Ann",
        "Baker",
        Some(&acct),
        Some("ann@crumb.example"),
    );
    let t = template(
        &mut db,
        "Welcome",
        "Welcome to {{company|your company}}, {{first_name}}",
        "Hello {{first_name|there}},\n\nThanks for visiting {{company}}.",
    );
    let r = templates::preview(db.conn(), &t, "contacts", &ann).unwrap();
    assert_eq!(r.subject, "Welcome to Crumb & Co, Ann");
    assert_eq!(r.text, "Hello Ann,\n\nThanks for visiting Crumb & Co.");
    assert!(
        r.html
            .contains("<p>Thanks for visiting Crumb &amp; Co.</p>")
    );
    assert_eq!(r.to_address.as_deref(), Some("ann@crumb.example"));
    assert_eq!(r.skip_reason, None);
    // A lead: its first word is the first name; no company falls back.
    let lead = leads::create(
        &mut db,
        &LeadInput {
            name: "Zoë van Dijk".into(),
            email: Some("zoe@example.nl".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let r = templates::preview(db.conn(), &t, "leads", &lead.id).unwrap();
    assert_eq!(r.subject, "Welcome to your company, Zoë");
}

/// The three-step sequence of the issue: day 0 welcome, 2 days later product information,
/// 3 more days later the offer.
fn welcome_sequence(db: &mut Db, new_leads: bool, source: Option<&str>) -> String {
    template(
        db,
        "Welcome",
        "Welcome, {{first_name}}",
        "Hello {{first_name}}!",
    );
    template(
        db,
        "Product info",
        "What we make",
        "Here is our range, {{first_name}}.",
    );
    template(
        db,
        "Offer",
        "An offer for {{company|you}}",
        "10 % off this month.",
    );
    sequences::create(
        db,
        &SequenceInput {
            name: "New lead follow-up".into(),
            enrol_new_leads: new_leads,
            lead_source: source.map(str::to_owned),
            steps: vec![
                StepInput {
                    template: "Welcome".into(),
                    delay_days: 0,
                },
                StepInput {
                    template: "Product info".into(),
                    delay_days: 2,
                },
                StepInput {
                    template: "Offer".into(),
                    delay_days: 3,
                },
            ],
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

/// The subjects queued for a record, oldest first.
fn queued_subjects(db: &Db, entity_id: &str) -> Vec<String> {
    let mut all = outbox::list(db.conn(), &OutboxQuery::default()).unwrap();
    all.reverse();
    all.into_iter()
        .filter(|m| m.entity_id == entity_id)
        .map(|m| m.subject)
        .collect()
}

#[test]
fn a_sequence_sends_each_step_once_on_its_day_across_a_restart_and_an_offline_week() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut db = Db::open(&path).unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    let bob = person(&mut db, "Bob", "Rye", None, Some("bob@example.com"));

    // Monday 2 November: both enrolled; the welcome is due the same day.
    let r = sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        &[ann.clone(), bob.clone()],
        day("2026-11-02"),
    )
    .unwrap();
    assert_eq!((r.enrolled, r.already), (2, 0));
    // Enrolling again changes nothing.
    let r = sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&ann),
        day("2026-11-02"),
    )
    .unwrap();
    assert_eq!((r.enrolled, r.already), (0, 1));

    assert_eq!(
        sequences::run(&mut db, day("2026-11-02")).unwrap().queued,
        2
    );
    // Running again the same day (the app checks every minute) queues nothing more.
    assert_eq!(
        sequences::run(&mut db, day("2026-11-02")).unwrap().queued,
        0
    );
    assert_eq!(
        sequences::run(&mut db, day("2026-11-03")).unwrap().queued,
        0
    );
    assert_eq!(queued_subjects(&db, &ann), ["Welcome, Ann"]);

    // The app is closed and opened again (a new handle on the same file) on the 4th: step 2.
    drop(db);
    let mut db = Db::open(&path).unwrap();
    assert_eq!(
        sequences::run(&mut db, day("2026-11-04")).unwrap().queued,
        2
    );
    assert_eq!(queued_subjects(&db, &ann), ["Welcome, Ann", "What we make"]);
    let ann_now = sequences::enrolments_of(db.conn(), "contacts", &ann).unwrap();
    assert_eq!(ann_now[0].next_position, 3);
    assert_eq!(ann_now[0].next_due_on.as_deref(), Some("2026-11-07"));

    // Bob replies on the 5th (an inbound e-mail logged on him): he leaves the sequence.
    let stopped = sequences::record_reply(&mut db, "contacts", &bob, "Re: What we make").unwrap();
    assert_eq!(stopped, 1);

    // The laptop stays shut from the 6th to the 12th; the offer (due the 7th) goes out on the
    // 13th, once, and the run after that has nothing left to do.
    drop(db);
    let mut db = Db::open(&path).unwrap();
    let r = sequences::run(&mut db, day("2026-11-13")).unwrap();
    assert_eq!((r.queued, r.completed), (1, 1));
    assert_eq!(
        sequences::run(&mut db, day("2026-11-20")).unwrap().queued,
        0
    );
    assert_eq!(
        queued_subjects(&db, &ann),
        ["Welcome, Ann", "What we make", "An offer for you"]
    );
    assert_eq!(queued_subjects(&db, &bob), ["Welcome, Bob", "What we make"]);

    let all = sequences::enrolments(db.conn(), &seq).unwrap();
    let of = |id: &str| all.iter().find(|e| e.entity_id == id).unwrap();
    assert_eq!(of(&ann).status, EnrolmentStatus::Completed);
    assert_eq!(of(&bob).status, EnrolmentStatus::Stopped);
    assert_eq!(of(&bob).stop_reason, Some(StopReason::Replied));
    // The reply is on Bob's timeline as an inbound e-mail.
    let listed = sequences::get(db.conn(), &seq).unwrap();
    assert_eq!((listed.active, listed.completed, listed.stopped), (0, 1, 1));
}

#[test]
fn an_unsubscribe_stops_the_sequence_and_skips_what_was_queued() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&ann),
        day("2026-11-02"),
    )
    .unwrap();
    sequences::run(&mut db, day("2026-11-02")).unwrap();
    let queued = outbox::list(db.conn(), &OutboxQuery::default()).unwrap();
    assert_eq!(queued[0].status, OutboxStatus::Queued);

    // Ann asks to be taken off the list before the welcome went out.
    assert_eq!(
        sequences::unsubscribe(&mut db, "contacts", &ann).unwrap(),
        1
    );
    let e = &sequences::enrolments_of(db.conn(), "contacts", &ann).unwrap()[0];
    assert_eq!(e.stop_reason, Some(StopReason::Unsubscribed));
    // What was queued for her is cancelled, and nothing more is queued later.
    let m = outbox::get(db.conn(), &queued[0].id).unwrap();
    assert_eq!(m.status, OutboxStatus::Cancelled);
    assert_eq!(
        sequences::run(&mut db, day("2026-11-09")).unwrap().queued,
        0
    );
    assert!(
        contacts::get(db.conn(), &ann)
            .unwrap()
            .unsubscribed_since
            .is_some()
    );

    // Marking a contact unsubscribed in their record (not through the sequence) also stops it
    // at the next run, as does do-not-e-mail.
    let cy = person(&mut db, "Cy", "Mute", None, Some("cy@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&cy),
        day("2026-11-02"),
    )
    .unwrap();
    let mut input = ContactInput::from(&contacts::get(db.conn(), &cy).unwrap());
    input.do_not_email = true;
    contacts::update(&mut db, &cy, &input).unwrap();
    let r = sequences::run(&mut db, day("2026-11-02")).unwrap();
    assert_eq!((r.queued, r.stopped), (0, 1));
    let e = &sequences::enrolments_of(db.conn(), "contacts", &cy).unwrap()[0];
    assert_eq!(e.stop_reason, Some(StopReason::DoNotEmail));
}

#[test]
fn new_leads_matching_the_rule_enrol_themselves_and_leave_when_converted() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, true, Some("Web form"));
    let web = leads::create(
        &mut db,
        &LeadInput {
            name: "Wendy Web".into(),
            email: Some("wendy@example.com".into()),
            source: Some("web form".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let fair = leads::create(
        &mut db,
        &LeadInput {
            name: "Frank Fair".into(),
            email: Some("frank@example.com".into()),
            source: Some("Trade fair".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let all = sequences::enrolments(db.conn(), &seq).unwrap();
    assert_eq!(all.len(), 1, "only the web-form lead matches the rule");
    assert_eq!(all[0].entity_id, web.id);
    assert!(
        sequences::enrolments_of(db.conn(), "leads", &fair.id)
            .unwrap()
            .is_empty()
    );

    let today = rapport_core::kernel::time::today();
    assert_eq!(sequences::run(&mut db, today).unwrap().queued, 1);
    assert_eq!(queued_subjects(&db, &web.id), ["Welcome, Wendy"]);

    // Converted: the lead leaves the sequence at its next step.
    leads::convert(
        &mut db,
        &web.id,
        &ConvertInput {
            no_account: true,
            ..Default::default()
        },
    )
    .unwrap();
    let later = today.checked_add_days(chrono::Days::new(2)).unwrap();
    let r = sequences::run(&mut db, later).unwrap();
    assert_eq!((r.queued, r.stopped), (0, 1));
    let e = &sequences::enrolments_of(db.conn(), "leads", &web.id).unwrap()[0];
    assert_eq!(e.stop_reason, Some(StopReason::Converted));
}

#[test]
fn a_promotion_previews_its_recipients_skips_those_without_consent_and_can_be_cancelled() {
    let mut db = Db::open_in_memory().unwrap();
    let acct = account(&mut db, "Crumb & Co", "Bakery", "1-5M", &[]);
    let ann = person(
        &mut db,
        "Ann",
        "Baker",
        Some(&acct),
        Some("ann@crumb.example"),
    );
    let bob = person(
        &mut db,
        "Bob",
        "Baker",
        Some(&acct),
        Some("bob@crumb.example"),
    );
    let _cy = person(&mut db, "Cy", "Baker", Some(&acct), None);
    let mut input = ContactInput::from(&contacts::get(db.conn(), &bob).unwrap());
    input.unsubscribed = true;
    contacts::update(&mut db, &bob, &input).unwrap();
    let dee = person(
        &mut db,
        "Dee",
        "Baker",
        Some(&acct),
        Some("dee@crumb.example"),
    );
    let mut input = ContactInput::from(&contacts::get(db.conn(), &dee).unwrap());
    input.do_not_email = true;
    contacts::update(&mut db, &dee, &input).unwrap();

    segments::create(
        &mut db,
        &SegmentInput {
            name: "Bakers".into(),
            entity: SegmentEntity::Contacts,
            kind: SegmentKind::Dynamic,
            filter: filter(
                SegmentMatch::All,
                vec![cond("industry", ConditionOp::Is, "Bakery")],
            ),
            description: None,
        },
    )
    .unwrap();
    template(
        &mut db,
        "Winter promo",
        "Winter deals for {{company}}",
        &format!(
            "Hi {{{{first_name}}}}, 20 % off.{}",
            "\n\nOur winter range.".repeat(20)
        ),
    );
    let input = PromotionInput {
        name: "Winter".into(),
        template: "winter promo".into(),
        segment: "bakers".into(),
        campaign: None,
    };
    let today = day("2026-11-30");
    let p = promotions::preview(db.conn(), &input, today).unwrap();
    assert_eq!((p.total, p.will_send, p.skipped), (4, 1, 3));
    let reasons: Vec<(&str, Option<&str>)> = p
        .recipients
        .iter()
        .map(|r| (r.name.as_str(), r.skip_reason.as_deref()))
        .collect();
    assert_eq!(reasons[0], ("Ann Baker", None));
    assert!(reasons.contains(&("Bob Baker", Some("unsubscribed"))));
    assert!(reasons.contains(&("Cy Baker", Some("has no e-mail address"))));
    assert!(reasons.contains(&("Dee Baker", Some("marked do not e-mail"))));
    let sample = p.sample.unwrap();
    assert_eq!(sample.subject, "Winter deals for Crumb & Co");
    assert!(
        sample
            .text
            .starts_with("Hi Ann, 20 % off.\n\nOur winter range.")
    );

    let promo = promotions::queue(&mut db, &input, today).unwrap();
    assert_eq!(promo.progress.queued, 1);
    assert_eq!(promo.progress.skipped, 3);
    let skipped = outbox::list(
        db.conn(),
        &OutboxQuery {
            status: Some(OutboxStatus::Skipped),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(skipped.len(), 3);
    // The change log notes each message without copying its body (the outbox keeps that):
    // an insert logs its id alone.
    let logged: Vec<String> = db
        .conn()
        .prepare(
            "SELECT coalesce(changes, '') FROM change_entries
              WHERE entity = 'outbox' AND op = 'insert'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(logged.len(), 4);
    assert!(logged.iter().all(|c| !c.contains("20 % off")), "{logged:?}");
    assert!(logged.iter().all(String::is_empty), "{logged:?}");
    let queued = outbox::list(
        db.conn(),
        &OutboxQuery {
            status: Some(OutboxStatus::Queued),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(queued[0].body_text, sample.text);
    // Queuing it a second time would be a second promotion; cancelling stops what is queued.
    assert_eq!(promotions::cancel(&mut db, &promo.id).unwrap(), 1);
    let after = promotions::get(db.conn(), &promo.id).unwrap();
    assert_eq!((after.progress.queued, after.progress.cancelled), (0, 1));
    assert!(queued_subjects(&db, &ann).contains(&"Winter deals for Crumb & Co".to_owned()));
}

#[test]
fn merging_two_contacts_keeps_their_lists_sequences_and_campaigns() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    let twin = person(&mut db, "Ann", "Baker", None, Some("ann.baker@example.com"));
    let list = segments::create(
        &mut db,
        &SegmentInput {
            name: "Fair visitors".into(),
            entity: SegmentEntity::Contacts,
            kind: SegmentKind::Static,
            filter: SegmentFilter::default(),
            description: None,
        },
    )
    .unwrap();
    segments::add_members(&mut db, &list.id, std::slice::from_ref(&twin)).unwrap();
    let campaign = rapport_core::marketing::campaigns::create(
        &mut db,
        &rapport_core::marketing::campaigns::CampaignInput {
            name: "Fair".into(),
            ..Default::default()
        },
    )
    .unwrap();
    rapport_core::marketing::campaigns::add_members(
        &mut db,
        &campaign.id,
        "contacts",
        std::slice::from_ref(&twin),
    )
    .unwrap();
    let today = day("2026-11-02");
    // Only the twin was in the sequence: after the merge, Ann is, and gets its next step.
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&twin),
        today,
    )
    .unwrap();

    contacts::merge(&mut db, &ann, &twin, &Default::default()).unwrap();

    let members = segments::members(db.conn(), &list.id, today, 0, 10).unwrap();
    assert_eq!(members.members.len(), 1);
    assert_eq!(members.members[0].id, ann);
    let in_campaign = rapport_core::marketing::campaigns::members(db.conn(), &campaign.id).unwrap();
    assert_eq!(in_campaign[0].entity_id, ann);
    let hers = sequences::enrolments_of(db.conn(), "contacts", &ann).unwrap();
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0].status, EnrolmentStatus::Active);
    assert_eq!(sequences::run(&mut db, today).unwrap().queued, 1);
    assert_eq!(queued_subjects(&db, &ann), ["Welcome, Ann"]);
}

/// A server that never answers (the laptop is offline), or that answers "try later" (4xx),
/// recording what it was handed. Delivery itself is checked against a real server in
/// tests/smtp; these check the outbox's bookkeeping over days of failures.
struct Server {
    reply: Option<rapport_core::marketing::mailer::SendFailure>,
    got: Vec<String>,
}

impl rapport_core::marketing::mailer::Sender for Server {
    fn send(
        &mut self,
        m: &rapport_core::marketing::mailer::Outgoing,
    ) -> Result<(), rapport_core::marketing::mailer::SendFailure> {
        self.got.push(m.subject.clone());
        match &self.reply {
            Some(f) => Err(f.clone()),
            None => Ok(()),
        }
    }
}

fn online() -> Server {
    Server {
        reply: None,
        got: Vec::new(),
    }
}

fn offline() -> Server {
    Server {
        reply: Some(rapport_core::marketing::mailer::SendFailure {
            permanent: false,
            unreachable: true,
            reason: "could not reach the server: Connection refused".into(),
        }),
        got: Vec::new(),
    }
}

#[test]
fn a_week_offline_never_uses_up_a_messages_tries_but_try_later_answers_do() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&ann),
        day("2026-11-02"),
    )
    .unwrap();
    sequences::run(&mut db, day("2026-11-02")).unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut server = offline();
    // Every 5 hours for a week: each try is put off, never given up.
    for i in 0..34 {
        let now = start + chrono::Duration::hours(5 * i);
        let r = outbox::send_due(&mut db, &mut server, now, 100, &|| true).unwrap();
        assert_eq!((r.sent, r.failed), (0, 0));
    }
    let m = &outbox::list(db.conn(), &OutboxQuery::default()).unwrap()[0];
    assert_eq!(m.status, OutboxStatus::Queued);
    assert!(m.attempts > outbox::MAX_ATTEMPTS, "{}", m.attempts);
    assert!(
        m.last_error
            .as_deref()
            .unwrap()
            .contains("Connection refused")
    );

    // Back online: it goes once, and is an e-mail on Ann's timeline.
    let mut server = online();
    let later = start + chrono::Duration::days(8);
    let r = outbox::send_due(&mut db, &mut server, later, 100, &|| true).unwrap();
    assert_eq!(r.sent, 1);
    assert_eq!(server.got, ["Welcome, Ann"]);
    outbox::send_due(&mut db, &mut server, later, 100, &|| true).unwrap();
    assert_eq!(server.got.len(), 1, "never twice");
    let sent = outbox::get(db.conn(), &m.id).unwrap();
    assert_eq!(sent.status, OutboxStatus::Sent);
    let activity = activity::get(db.conn(), sent.activity_id.as_deref().unwrap()).unwrap();
    assert_eq!(activity.kind, ActivityKind::Email);

    // A server that keeps saying "try later" (451) fails the message after 10 tries.
    let bob = person(&mut db, "Bob", "Rye", None, Some("bob@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&bob),
        day("2026-11-10"),
    )
    .unwrap();
    sequences::run(&mut db, day("2026-11-10")).unwrap();
    let mut busy = Server {
        reply: Some(rapport_core::marketing::mailer::SendFailure {
            permanent: false,
            unreachable: false,
            reason: "the server answered 451: try again later".into(),
        }),
        got: Vec::new(),
    };
    for i in 0..20 {
        let now = later + chrono::Duration::hours(5 * i);
        outbox::send_due(&mut db, &mut busy, now, 100, &|| true).unwrap();
    }
    // (Ann's second step fell due on the 4th and was queued in the same run.)
    let tries = busy.got.iter().filter(|s| *s == "Welcome, Bob").count();
    assert_eq!(tries as i64, outbox::MAX_ATTEMPTS);
    let failed = outbox::list(
        db.conn(),
        &OutboxQuery {
            status: Some(OutboxStatus::Failed),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(failed.len(), 2);
    assert!(failed[0].last_error.as_deref().unwrap().contains("451"));
}

#[test]
fn a_message_cut_off_while_sending_is_never_sent_again_without_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut db = Db::open(&path).unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        std::slice::from_ref(&ann),
        day("2026-11-02"),
    )
    .unwrap();
    sequences::run(&mut db, day("2026-11-02")).unwrap();
    // The app stops while the server is taking the message: simulate the state it leaves.
    let id = outbox::list(db.conn(), &OutboxQuery::default()).unwrap()[0]
        .id
        .clone();
    #[allow(clippy::disallowed_methods)]
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE outbox SET status = 'sending', updated_at = '2026-11-02T08:00:00.000Z' WHERE id = ?1",
        [&id],
    )
    .unwrap();
    drop(raw);
    let now = chrono::Utc::now();
    assert_eq!(outbox::recover(&mut db, now).unwrap(), 1);
    let m = outbox::get(db.conn(), &id).unwrap();
    assert_eq!(m.status, OutboxStatus::Unsure);
    assert!(
        m.last_error
            .as_deref()
            .unwrap()
            .contains("may have been sent")
    );
    // "Try all again" leaves it; retrying that very message sends it.
    assert_eq!(outbox::retry(&mut db, &[]).unwrap(), 0);
    let mut server = online();
    outbox::send_due(&mut db, &mut server, now, 100, &|| true).unwrap();
    assert!(server.got.is_empty());
    assert_eq!(
        outbox::retry(&mut db, std::slice::from_ref(&id)).unwrap(),
        1
    );
    outbox::send_due(&mut db, &mut server, now, 100, &|| true).unwrap();
    assert_eq!(server.got, ["Welcome, Ann"]);
}

#[test]
fn a_step_queued_before_a_conversion_is_not_sent_after_it() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let lead = leads::create(
        &mut db,
        &LeadInput {
            name: "Wendy Web".into(),
            email: Some("wendy@example.com".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let today = rapport_core::kernel::time::today();
    sequences::enroll(
        &mut db,
        &seq,
        "leads",
        std::slice::from_ref(&lead.id),
        today,
    )
    .unwrap();
    // Queued while offline, then the lead converts before the network is back.
    sequences::run(&mut db, today).unwrap();
    leads::convert(
        &mut db,
        &lead.id,
        &ConvertInput {
            no_account: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut server = online();
    let r = outbox::send_due(&mut db, &mut server, chrono::Utc::now(), 100, &|| true).unwrap();
    assert_eq!(r.sent, 0);
    assert!(server.got.is_empty());
    let m = &outbox::list(db.conn(), &OutboxQuery::default()).unwrap()[0];
    assert_eq!(m.status, OutboxStatus::Skipped);
    assert!(m.skip_reason.as_deref().unwrap().starts_with("converted"));
}

#[test]
fn smtp_settings_are_checked_when_saved_not_when_the_first_message_fails() {
    use rapport_core::marketing::mailer::{self, SmtpSecurity, SmtpSettings};
    let mut db = Db::open_in_memory().unwrap();
    let good = SmtpSettings {
        host: "smtp.example.com".into(),
        port: 587,
        security: SmtpSecurity::Starttls,
        username: String::new(),
        from_address: "ann@crumb.example".into(),
        from_name: "Ann from Crumb".into(),
        reply_to: String::new(),
    };
    mailer::save_settings(&mut db, &good).unwrap();

    let bad = SmtpSettings {
        host: "https://smtp.example.com".into(),
        reply_to: "Marta <marta@crumb.example>".into(),
        ..good.clone()
    };
    let err = mailer::save_settings(&mut db, &bad).unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["host", "reply_to"]);
    assert!(err.to_string().contains("write only the address"), "{err}");
    // The saved settings are the good ones still.
    assert_eq!(mailer::settings(db.conn()).unwrap(), good);
}

#[test]
fn names_are_unique_and_a_segment_needs_a_condition() {
    let mut db = Db::open_in_memory().unwrap();
    let today = day("2026-11-30");
    let crumb = account(&mut db, "Crumb & Co", "Bakery", "1-5M", &[]);
    let segment = |name: &str, conditions: Vec<SegmentCondition>| SegmentInput {
        name: name.into(),
        entity: SegmentEntity::Contacts,
        kind: SegmentKind::Dynamic,
        filter: filter(SegmentMatch::All, conditions),
        description: None,
    };
    let bakers = vec![cond("industry", ConditionOp::Is, "Bakery")];
    let first = segments::create(&mut db, &segment("Bakers", bakers.clone())).unwrap();

    // A second "bakers" would leave `rapport segments count bakers` unable to choose.
    let err = segments::create(&mut db, &segment("bakers", bakers.clone())).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "name");
    assert!(
        err.to_string()
            .contains("another segment is already named \"bakers\""),
        "{err}"
    );
    // Saving a segment under its own name is not a clash.
    segments::update(&mut db, &first.id, &segment("Bakers", bakers)).unwrap();

    // No conditions would mean everyone.
    let err = segments::create(&mut db, &segment("All", vec![])).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "conditions");

    let t = template(&mut db, "Offer", "Hi", "Hello {{first_name|there}}.");
    let err = templates::create(
        &mut db,
        &EmailTemplateInput {
            name: "OFFER".into(),
            subject: "Hi {{first_name".into(),
            body: "Hello.".into(),
        },
    )
    .unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["name", "subject"], "{err}");
    assert!(
        err.to_string().contains("\"{{first_name\" is not closed"),
        "{err}"
    );

    // The same promotion queued twice is refused the second time.
    person(
        &mut db,
        "Ann",
        "Baker",
        Some(&crumb),
        Some("ann@crumb.example"),
    );
    let input = PromotionInput {
        name: "Winter".into(),
        template: t,
        segment: first.id,
        campaign: None,
    };
    promotions::queue(&mut db, &input, today).unwrap();
    let err = promotions::queue(&mut db, &input, today).unwrap_err();
    assert!(
        err.to_string()
            .contains("another promotion is already named \"Winter\""),
        "{err}"
    );
}

/// Deleting a contact stops its sequences at once (reason `removed`) and cancels what they had
/// queued for it, in the same write; undoing the delete brings both back. Others go on.
#[test]
fn deleting_an_enrolled_contact_stops_its_sequence_and_cancels_its_queued_mail() {
    let mut db = Db::open_in_memory().unwrap();
    let seq = welcome_sequence(&mut db, false, None);
    let ann = person(&mut db, "Ann", "Baker", None, Some("ann@example.com"));
    let bob = person(&mut db, "Bob", "Rye", None, Some("bob@example.com"));
    sequences::enroll(
        &mut db,
        &seq,
        "contacts",
        &[ann.clone(), bob.clone()],
        day("2026-11-02"),
    )
    .unwrap();
    assert_eq!(
        sequences::run(&mut db, day("2026-11-02")).unwrap().queued,
        2
    );
    let state = |db: &Db, id: &str| -> (String, Option<String>, String) {
        db.conn()
            .query_row(
                "SELECT e.status, e.stop_reason, o.status FROM sequence_enrolments e
                   JOIN outbox o ON o.enrolment_id = e.id WHERE e.entity_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };

    contacts::delete(&mut db, &ann).unwrap();
    assert_eq!(
        state(&db, &ann),
        ("stopped".into(), Some("removed".into()), "cancelled".into())
    );
    assert_eq!(state(&db, &bob), ("active".into(), None, "queued".into()));
    // The next run has nothing left to stop for her.
    assert_eq!(
        sequences::run(&mut db, day("2026-11-04")).unwrap().stopped,
        0
    );

    let batch: String = db
        .conn()
        .query_row(
            "SELECT batch_id FROM change_entries WHERE entity = 'contacts' AND entity_id = ?1
              ORDER BY seq DESC LIMIT 1",
            [&ann],
            |r| r.get(0),
        )
        .unwrap();
    rapport_core::store::changelog::undo(&mut db, &batch).unwrap();
    assert_eq!(state(&db, &ann), ("active".into(), None, "queued".into()));
}
