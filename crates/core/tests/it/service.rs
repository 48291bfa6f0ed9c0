//! Customer service as an agent meets it: numbered tickets, replies that meet the first
//! response, waiting on the customer that pauses the clock, queues that show what is breaching,
//! breaches dated when they happened, callback requests resolved by their call, service
//! agreements whose occurrences become tasks and are logged, complaint figures.
//!
//! The business-hours arithmetic itself (weekends, holidays, daylight saving) is tested in
//! `hours.rs` and `sla.rs`; here the calendar is round the clock, in UTC, so the figures are
//! plain minutes and `now` can be moved forward freely.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use rapport_core::activities::activity::{self, ActivityQuery};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::records::team::{self, TeamMemberInput};
use rapport_core::service::agreements::{self, AgreementInput, OccurrenceStatus};
use rapport_core::service::hours::{self, DayHours, WorkingHours};
use rapport_core::service::sla::{self, SlaPolicyInput};
use rapport_core::service::tickets::{
    self, ClockState, MessageInput, MessageKind, TicketCategory, TicketInput, TicketPriority,
    TicketQuery, TicketQueue, TicketStatus,
};
use rapport_core::{Db, Error, insight::timeline};

fn round_the_clock(db: &mut Db) {
    hours::set_working_hours(
        db,
        &WorkingHours {
            time_zone: Some("UTC".into()),
            days: vec![
                DayHours {
                    open: true,
                    start: "00:00".into(),
                    end: "24:00".into(),
                };
                7
            ],
            warn_percent: 75,
        },
    )
    .unwrap();
}

fn db() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    round_the_clock(&mut db);
    db
}

fn account(db: &mut Db, name: &str) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            ..AccountInput::default()
        },
    )
    .unwrap()
    .id
}

fn ticket(
    db: &mut Db,
    subject: &str,
    account: Option<&str>,
    priority: TicketPriority,
) -> tickets::Ticket {
    tickets::create(
        db,
        &TicketInput {
            subject: subject.into(),
            account_id: account.map(Into::into),
            priority: Some(priority),
            ..TicketInput::default()
        },
    )
    .unwrap()
}

fn queue(db: &Db, queue: TicketQueue, now: DateTime<Utc>) -> Vec<i64> {
    tickets::list(
        db.conn(),
        &TicketQuery {
            queue: Some(queue),
            ..TicketQuery::default()
        },
        now,
    )
    .unwrap()
    .items
    .iter()
    .map(|t| t.number)
    .collect()
}

fn created(t: &tickets::Ticket) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&t.created_at)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn tickets_are_numbered_in_order_and_a_deleted_number_is_never_given_again() {
    let mut db = db();
    let a = ticket(&mut db, "Printer jams", None, TicketPriority::Normal);
    let b = ticket(&mut db, "Invoice wrong", None, TicketPriority::Normal);
    assert_eq!((a.number, b.number), (1, 2));
    tickets::delete(&mut db, &b.id).unwrap();
    let c = ticket(&mut db, "Password reset", None, TicketPriority::Normal);
    assert_eq!(c.number, 3);
    assert_eq!(tickets::find(db.conn(), "#3").unwrap(), c.id);
    assert!(matches!(
        tickets::get(db.conn(), &b.id, Utc::now()),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a_ticket_is_checked_and_explains_what_is_wrong() {
    let mut db = db();
    let err = tickets::create(
        &mut db,
        &TicketInput {
            subject: "  ".into(),
            account_id: Some("nope".into()),
            callback_at: Some("2026-12-01T10:00".into()),
            ..TicketInput::default()
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("subject"), "{text}");
    assert!(text.contains("no account with id nope"), "{text}");
    assert!(text.contains("callback"), "{text}");
}

#[test]
fn the_first_reply_meets_the_first_response_and_opens_the_ticket() {
    let mut db = db();
    let t = ticket(&mut db, "Cannot log in", None, TicketPriority::Urgent);
    assert_eq!(t.status, TicketStatus::New);
    let fr = t.sla.first_response.clone().unwrap();
    assert_eq!(fr.target_minutes, 60);
    assert_eq!(fr.state, ClockState::Running);
    let due = DateTime::parse_from_rfc3339(fr.due_at.as_deref().unwrap()).unwrap();
    assert_eq!(due, created(&t) + Duration::minutes(60));

    // An internal note is not a response.
    let t = tickets::add_message(
        &mut db,
        &t.id,
        &MessageInput {
            kind: Some(MessageKind::Note),
            body: "Probably the SSO change".into(),
            ..MessageInput::default()
        },
    )
    .unwrap();
    assert_eq!(t.status, TicketStatus::New);
    assert_eq!(
        t.sla.first_response.as_ref().unwrap().state,
        ClockState::Running
    );

    let t = tickets::add_message(
        &mut db,
        &t.id,
        &MessageInput {
            body: "We are looking into it.".into(),
            ..MessageInput::default()
        },
    )
    .unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    let fr = t.sla.first_response.unwrap();
    assert_eq!(fr.state, ClockState::Met);
    assert!(fr.breached_at.is_none());
    assert_eq!(t.sla.resolution.unwrap().state, ClockState::Running);
    assert_eq!(t.messages.len(), 2);
    assert_eq!(t.messages[0].kind, MessageKind::Note);
    let statuses: Vec<TicketStatus> = t.history.iter().map(|h| h.status).collect();
    assert_eq!(statuses, vec![TicketStatus::New, TicketStatus::Open]);
}

#[test]
fn waiting_on_the_customer_pauses_the_clock_and_their_answer_restarts_it() {
    let mut db = db();
    let t = ticket(&mut db, "Export fails", None, TicketPriority::High);
    let t = tickets::add_message(
        &mut db,
        &t.id,
        &MessageInput {
            body: "Which file do you export?".into(),
            status: Some(TicketStatus::Waiting),
            ..MessageInput::default()
        },
    )
    .unwrap();
    assert_eq!(t.status, TicketStatus::Waiting);
    // Days later, the clock has not moved: paused, with nearly all of its 8 hours left.
    let later = Utc::now() + Duration::days(3);
    let t = tickets::get(db.conn(), &t.id, later).unwrap();
    let res = t.sla.resolution.clone().unwrap();
    assert_eq!(res.state, ClockState::Paused);
    assert!(res.seconds_left > 8 * 3600 - 60, "{}", res.seconds_left);
    assert!(!t.sla.breached);
    assert_eq!(queue(&db, TicketQueue::Waiting, later), vec![t.number]);
    assert!(queue(&db, TicketQueue::Breached, later).is_empty());

    // The customer answers: open again, running, due about 8 hours from now.
    let t = tickets::add_message(
        &mut db,
        &t.id,
        &MessageInput {
            kind: Some(MessageKind::Customer),
            body: "The CSV one".into(),
            ..MessageInput::default()
        },
    )
    .unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    let res = t.sla.resolution.unwrap();
    assert_eq!(res.state, ClockState::Running);
    let due = DateTime::parse_from_rfc3339(res.due_at.as_deref().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let expected = Utc::now() + Duration::hours(8);
    assert!(
        (due - expected).num_seconds().abs() < 120,
        "{due} vs {expected}"
    );
}

#[test]
fn queues_show_what_is_breaching_soon_and_what_is_breached() {
    let mut db = db();
    let urgent = ticket(&mut db, "Site down", None, TicketPriority::Urgent);
    let low = ticket(&mut db, "Typo on invoice", None, TicketPriority::Low);
    let start = created(&urgent);
    // 50 minutes in, the urgent ticket has used over 75% of its hour for a first response.
    let soon = start + Duration::minutes(50);
    assert_eq!(
        queue(&db, TicketQueue::BreachingSoon, soon),
        vec![urgent.number]
    );
    assert!(queue(&db, TicketQueue::Breached, soon).is_empty());
    let t = tickets::get(db.conn(), &urgent.id, soon).unwrap();
    assert!(t.sla.warning && !t.sla.breached);
    // Two hours in it is breached; the low-priority one is not.
    let late = start + Duration::hours(2);
    assert_eq!(queue(&db, TicketQueue::Breached, late), vec![urgent.number]);
    assert!(queue(&db, TicketQueue::BreachingSoon, late).is_empty());
    let counts = tickets::counts(db.conn(), late).unwrap();
    assert_eq!(
        (counts.open, counts.breached, counts.breaching_soon),
        (2, 1, 0)
    );
    assert_eq!(queue(&db, TicketQueue::Open, late).len(), 2);
    // The breach is written down, dated when it happened rather than when it was noticed.
    assert_eq!(tickets::record_breaches(&mut db, late).unwrap(), 1);
    assert_eq!(tickets::record_breaches(&mut db, late).unwrap(), 0);
    let t = tickets::get(db.conn(), &urgent.id, late).unwrap();
    let breached = t.sla.first_response.unwrap().breached_at.unwrap();
    assert_eq!(
        DateTime::parse_from_rfc3339(&breached).unwrap(),
        start + Duration::hours(1)
    );
    let breaches = tickets::breaches(db.conn(), false, late).unwrap();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].id, urgent.id);
    // Resolving it takes it out of the queues, but the breach stays on record.
    tickets::set_status(&mut db, &urgent.id, TicketStatus::Resolved).unwrap();
    assert!(queue(&db, TicketQueue::Breached, late).is_empty());
    assert_eq!(tickets::breaches(db.conn(), true, late).unwrap().len(), 1);
    assert_eq!(queue(&db, TicketQueue::Resolved, late), vec![urgent.number]);
    let _ = low;
}

#[test]
fn mine_means_the_team_member_chosen_on_this_computer() {
    let mut db = db();
    let grace = team::create(
        &mut db,
        &TeamMemberInput {
            name: "Grace".into(),
            email: None,
        },
    )
    .unwrap();
    let t = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Refund".into(),
            owner_id: Some(grace.id.clone()),
            ..TicketInput::default()
        },
    )
    .unwrap();
    ticket(&mut db, "Someone else's", None, TicketPriority::Normal);
    let now = Utc::now();
    assert!(queue(&db, TicketQueue::Mine, now).is_empty());
    tickets::set_me(&mut db, Some(&grace.id)).unwrap();
    assert_eq!(queue(&db, TicketQueue::Mine, now), vec![t.number]);
    assert_eq!(tickets::counts(db.conn(), now).unwrap().mine, 1);
    assert!(tickets::set_me(&mut db, Some("nobody")).is_err());
}

#[test]
fn tier_policies_apply_to_accounts_tagged_with_the_tier() {
    let mut db = db();
    let gold = accounts::create(
        &mut db,
        &AccountInput {
            name: "Gold Corp".into(),
            tags: vec!["Gold".into()],
            ..AccountInput::default()
        },
    )
    .unwrap()
    .id;
    let plain = account(&mut db, "Plain Ltd");
    sla::save_policy(
        &mut db,
        &SlaPolicyInput {
            tier: Some("gold".into()),
            priority: Some(TicketPriority::Normal),
            first_response_minutes: 30,
            resolution_minutes: 120,
        },
    )
    .unwrap();
    let g = ticket(&mut db, "Gold issue", Some(&gold), TicketPriority::Normal);
    let p = ticket(&mut db, "Plain issue", Some(&plain), TicketPriority::Normal);
    assert_eq!(g.sla.first_response.unwrap().target_minutes, 30);
    assert_eq!(p.sla.first_response.unwrap().target_minutes, 8 * 60);
    // Changing a policy counts open tickets again.
    sla::save_policy(
        &mut db,
        &SlaPolicyInput {
            tier: None,
            priority: Some(TicketPriority::Normal),
            first_response_minutes: 45,
            resolution_minutes: 600,
        },
    )
    .unwrap();
    let p = tickets::get(db.conn(), &p.id, Utc::now()).unwrap();
    assert_eq!(p.sla.resolution.unwrap().target_minutes, 600);
    let bad = sla::save_policy(
        &mut db,
        &SlaPolicyInput {
            tier: None,
            priority: Some(TicketPriority::Low),
            first_response_minutes: 600,
            resolution_minutes: 60,
        },
    )
    .unwrap_err();
    assert!(
        bad.to_string().contains("shorter than the first response"),
        "{bad}"
    );
}

#[test]
fn a_callback_request_schedules_a_call_and_completing_it_resolves_the_ticket() {
    let mut db = db();
    let acme = account(&mut db, "Acme");
    let ada = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            account_id: Some(acme.clone()),
            ..ContactInput::default()
        },
    )
    .unwrap();
    let t = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Please call me about my contract".into(),
            contact_id: Some(ada.id),
            category: Some(TicketCategory::Callback),
            channel: Some(tickets::TicketChannel::WebForm),
            callback_at: Some("2026-12-01T14:00:00Z".into()),
            ..TicketInput::default()
        },
    )
    .unwrap();
    // The contact's account is filled in.
    assert_eq!(t.account_id.as_deref(), Some(acme.as_str()));
    let call_id = t.callback_activity_id.clone().unwrap();
    assert_eq!(t.callback_at.as_deref(), Some("2026-12-01T14:00:00.000Z"));
    let call = activity::get(db.conn(), &call_id).unwrap();
    assert_eq!(call.kind, activity::ActivityKind::Call);
    assert!(call.remind_at.is_some());
    let linked: Vec<&str> = call.links.iter().map(|l| l.entity.as_str()).collect();
    assert!(
        linked.contains(&"tickets") && linked.contains(&"contacts") && linked.contains(&"accounts")
    );
    // The call shows on the contact's agenda and the ticket's timeline.
    let on_ticket = activity::list(
        db.conn(),
        &ActivityQuery {
            record: Some(activity::RecordRef {
                entity: "tickets".into(),
                id: t.id.clone(),
            }),
            ..ActivityQuery::default()
        },
    )
    .unwrap();
    assert_eq!(on_ticket.len(), 1);

    activity::complete(&mut db, &call_id).unwrap();
    let t = tickets::get(db.conn(), &t.id, Utc::now()).unwrap();
    assert_eq!(t.status, TicketStatus::Resolved);
    assert!(t.resolved_at.is_some());
    assert_eq!(t.sla.resolution.unwrap().state, ClockState::Met);
    // A bad time is reported on the callback field.
    let err = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Call me".into(),
            category: Some(TicketCategory::Callback),
            callback_at: Some("next tuesday-ish".into()),
            ..TicketInput::default()
        },
    )
    .unwrap_err();
    assert!(
        err.field_errors().iter().any(|f| f.field == "callback_at"),
        "{err}"
    );
}

#[test]
fn tickets_show_on_the_account_and_contact_timelines() {
    let mut db = db();
    let acme = account(&mut db, "Acme");
    let t = ticket(&mut db, "Broken widget", Some(&acme), TicketPriority::High);
    tickets::set_status(&mut db, &t.id, TicketStatus::Resolved).unwrap();
    let items = timeline::for_record(db.conn(), "accounts", &acme, None, 50).unwrap();
    let titles: Vec<&str> = items
        .iter()
        .filter(|i| i.kind == "ticket")
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Ticket #1 resolved: Broken widget",
            "Ticket #1 opened: Broken widget"
        ]
    );
    assert!(
        items
            .iter()
            .filter(|i| i.kind == "ticket")
            .all(|i| i.link_id.as_deref() == Some(t.id.as_str()))
    );
}

#[test]
fn complaints_are_counted_overall_and_per_account() {
    let mut db = db();
    let acme = account(&mut db, "Acme");
    let zeta = account(&mut db, "Zeta");
    for (subject, acc, category) in [
        ("Late delivery", &acme, TicketCategory::Complaint),
        ("Rude driver", &acme, TicketCategory::Complaint),
        ("How to pay?", &acme, TicketCategory::Question),
        ("Where is my order", &zeta, TicketCategory::Question),
    ] {
        tickets::create(
            &mut db,
            &TicketInput {
                subject: subject.into(),
                account_id: Some(acc.clone()),
                category: Some(category),
                ..TicketInput::default()
            },
        )
        .unwrap();
    }
    let stats = tickets::complaints(db.conn(), None, None).unwrap();
    assert_eq!((stats.tickets, stats.complaints), (4, 2));
    assert_eq!(stats.complaint_share_tenths, 500);
    assert_eq!(
        (stats.accounts_with_tickets, stats.accounts_complaining),
        (2, 1)
    );
    assert_eq!(stats.accounts.len(), 1);
    assert_eq!(stats.accounts[0].account_name, "Acme");
    assert_eq!(
        (stats.accounts[0].tickets, stats.accounts[0].complaints),
        (3, 2)
    );
    let none = tickets::complaints(db.conn(), Some("2000-01-01"), Some("2000-02-01")).unwrap();
    assert_eq!(none.tickets, 0);
}

#[test]
fn agreements_make_a_task_per_due_date_and_log_what_was_delivered() {
    let mut db = db();
    let acme = account(&mut db, "Acme");
    let today = Utc::now().date_naive();
    let a = agreements::create(
        &mut db,
        &AgreementInput {
            account_id: acme.clone(),
            name: "Daily check".into(),
            rrule: "FREQ=DAILY".into(),
            starts_on: Some(today.format("%Y-%m-%d").to_string()),
            ..AgreementInput::default()
        },
    )
    .unwrap();
    assert_eq!(a.schedule, "Daily");
    // Creating it made today's occurrence and the next seven days', each with a task.
    let log = agreements::occurrences(db.conn(), Some(&a.id)).unwrap();
    assert_eq!(log.len(), 8);
    assert!(
        log.iter()
            .all(|o| o.status == OccurrenceStatus::Due && o.task_id.is_some())
    );
    // Running it again makes nothing twice.
    assert_eq!(agreements::generate(&mut db, Utc::now()).unwrap(), 0);
    let next_week = Utc::now() + Duration::days(7);
    assert_eq!(agreements::generate(&mut db, next_week).unwrap(), 7);

    let oldest = log.last().unwrap().clone();
    // Completing the task delivers the occurrence.
    activity::complete(&mut db, oldest.task_id.as_deref().unwrap()).unwrap();
    // A skip needs a reason; with one, it is logged and its task leaves the agenda.
    let second = &log[log.len() - 2];
    let err = agreements::settle(&mut db, &second.id, OccurrenceStatus::Skipped, None).unwrap_err();
    assert!(err.to_string().contains("why"), "{err}");
    let skipped = agreements::settle(
        &mut db,
        &second.id,
        OccurrenceStatus::Skipped,
        Some("Customer on holiday"),
    )
    .unwrap();
    assert_eq!(skipped.status, OccurrenceStatus::Skipped);
    assert!(skipped.settled_at.is_some());
    let task = activity::get(db.conn(), second.task_id.as_deref().unwrap()).unwrap();
    assert!(task.done_at.is_some());
    let a = agreements::get(db.conn(), &a.id).unwrap();
    assert_eq!((a.delivered, a.skipped, a.open), (1, 1, 13));

    // A monthly agreement entered today starts counting today, not from a start years ago.
    let monthly = agreements::create(
        &mut db,
        &AgreementInput {
            account_id: acme,
            name: "Monthly statement".into(),
            rrule: "FREQ=MONTHLY;BYMONTHDAY=1".into(),
            starts_on: Some("2020-01-01".into()),
            ..AgreementInput::default()
        },
    )
    .unwrap();
    assert!(monthly.open <= 1, "{}", monthly.open);
    assert!(monthly.next_due.is_some());
    let bad = agreements::create(
        &mut db,
        &AgreementInput {
            account_id: "nope".into(),
            name: "x".into(),
            rrule: "every tuesday".into(),
            ..AgreementInput::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        bad.contains("no account") && bad.contains("recurrence rule"),
        "{bad}"
    );
}

#[test]
fn working_hours_and_holidays_are_checked_and_kept() {
    let mut db = Db::open_in_memory().unwrap();
    let hours = hours::working_hours(db.conn()).unwrap();
    assert_eq!(hours.days.len(), 7);
    assert!(hours.days[0].open && !hours.days[6].open);
    let mut bad = hours;
    for day in &mut bad.days {
        day.open = false;
    }
    assert!(hours::set_working_hours(&mut db, &bad).is_err());
    let list = hours::add_holiday(&mut db, "2026-12-25", "Christmas").unwrap();
    assert_eq!(list.len(), 1);
    assert!(hours::add_holiday(&mut db, "25/12/2026", "Christmas").is_err());
    let list = hours::remove_holiday(&mut db, "2026-12-25").unwrap();
    assert!(list.is_empty());
}

#[test]
fn tickets_take_bulk_owner_tag_and_delete_as_one_undoable_batch() {
    let mut db = db();
    let grace = team::create(
        &mut db,
        &TeamMemberInput {
            name: "Grace".into(),
            email: None,
        },
    )
    .unwrap();
    let a = ticket(&mut db, "One", None, TicketPriority::Normal);
    let b = ticket(&mut db, "Two", None, TicketPriority::Normal);
    let ids = vec![a.id, b.id.clone()];
    rapport_core::data::bulk::apply(
        &mut db,
        "tickets",
        &ids,
        &rapport_core::data::bulk::BulkAction::SetOwner {
            owner_id: Some(grace.id),
        },
    )
    .unwrap();
    rapport_core::data::bulk::apply(
        &mut db,
        "tickets",
        &ids,
        &rapport_core::data::bulk::BulkAction::AddTags {
            tags: vec!["billing".into()],
        },
    )
    .unwrap();
    let t = tickets::get(db.conn(), &b.id, Utc::now()).unwrap();
    assert_eq!(t.owner_name.as_deref(), Some("Grace"));
    assert_eq!(t.tags, vec!["billing".to_owned()]);
    let deleted = rapport_core::data::bulk::apply(
        &mut db,
        "tickets",
        &ids,
        &rapport_core::data::bulk::BulkAction::Delete,
    )
    .unwrap();
    assert_eq!(deleted.changed, 2);
    assert!(queue(&db, TicketQueue::All, Utc::now()).is_empty());
    rapport_core::store::changelog::undo(&mut db, &deleted.batch_id).unwrap();
    assert_eq!(queue(&db, TicketQueue::All, Utc::now()), vec![1, 2]);
}

#[test]
fn a_reply_waiting_in_the_outbox_answers_when_it_leaves_and_never_keeps_its_ticket_from_being_deleted()
 {
    let mut db = db();
    let ada = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lee".into(),
            emails: vec![rapport_core::people::contacts::EmailEntry {
                label: "work".into(),
                address: "ada@lee.example".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let t = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Oven broken".into(),
            contact_id: Some(ada.id.clone()),
            ..TicketInput::default()
        },
    )
    .unwrap();
    let replied = tickets::add_message(
        &mut db,
        &t.id,
        &MessageInput {
            body: "A technician comes Monday.".into(),
            ..Default::default()
        },
    )
    .unwrap();
    // Queued, not sent: the first response is not met yet, and the reply says where it is.
    assert_eq!(replied.first_responded_at, None);
    let reply = replied.messages.last().unwrap();
    assert_eq!(
        reply.mail_status,
        Some(rapport_core::marketing::outbox::OutboxStatus::Queued)
    );
    assert!(
        reply
            .mail_problem
            .as_deref()
            .unwrap_or_default()
            .contains("e-mail is not set up"),
        "{reply:?}"
    );
    // A reply recorded only (a phone call) meets it at once.
    let other = tickets::create(
        &mut db,
        &TicketInput {
            subject: "Called".into(),
            contact_id: Some(ada.id),
            ..TicketInput::default()
        },
    )
    .unwrap();
    let phoned = tickets::add_message(
        &mut db,
        &other.id,
        &MessageInput {
            body: "Explained on the phone.".into(),
            email: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(phoned.first_responded_at.is_some());
    assert_eq!(phoned.messages.last().unwrap().mail_status, None);

    // The ticket goes; the mail waiting for it stays in the outbox, no longer pointing at it.
    let outbox = rapport_core::marketing::outbox::list(db.conn(), &Default::default()).unwrap();
    assert_eq!(outbox.len(), 1);
    tickets::delete(&mut db, &t.id).unwrap();
    let dangling: Option<String> = db
        .conn()
        .query_row(
            "SELECT ticket_message_id FROM outbox WHERE id = ?1",
            [&outbox[0].id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dangling, None);
    // Undo brings the ticket, its reply and the link back.
    let newest = rapport_core::store::changelog::batches(db.conn(), None, 1).unwrap();
    rapport_core::store::changelog::undo(&mut db, &newest[0].batch_id).unwrap();
    let back = tickets::get(db.conn(), &t.id, Utc::now()).unwrap();
    assert_eq!(
        back.messages.last().unwrap().mail_status,
        Some(rapport_core::marketing::outbox::OutboxStatus::Queued)
    );
}
