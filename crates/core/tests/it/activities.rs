//! Activities as a user meets them: logging a call with its follow-up, the Today agenda, the
//! timeline, recurring commitments, reminders missed while the app was closed, the calendar.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rapport_core::activities::activity::{
    self, ActivityChannel, ActivityInput, ActivityKind, CallOutcome, RecordRef, Scope,
};
use rapport_core::insight::timeline::{self, TimelineFilter};
use rapport_core::people::contacts::{self, ContactInput, MergeChoices};
use rapport_core::{Db, activities::reminders, store::changelog};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn paris() -> Tz {
    "Europe/Paris".parse().unwrap()
}

fn person(db: &mut Db, first: &str, last: &str) -> String {
    contacts::create(
        db,
        &ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn link(id: &str) -> Vec<RecordRef> {
    vec![RecordRef {
        entity: "contacts".into(),
        id: id.into(),
    }]
}

fn input(
    kind: ActivityKind,
    subject: &str,
    contact: &str,
    starts_at: Option<&str>,
) -> ActivityInput {
    ActivityInput {
        kind: Some(kind),
        subject: subject.into(),
        starts_at: starts_at.map(str::to_owned),
        links: link(contact),
        ..Default::default()
    }
}

#[test]
fn logging_a_call_with_a_follow_up_is_one_save_and_both_show_on_the_timeline() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let mut call = input(ActivityKind::Call, "Discussed the engine order", &ada, None);
    call.done = true;
    call.outcome = Some(CallOutcome::Connected);
    call.notes = Some("Wants a quote for two engines.\nCall back Friday.".into());
    let follow = ActivityInput {
        kind: Some(ActivityKind::Call),
        subject: "Call back about the quote".into(),
        starts_at: Some("2030-01-04T10:00:00Z".into()),
        ..Default::default()
    };
    let logged = activity::log_with_follow_up(&mut db, &call, Some(&follow), Tz::UTC).unwrap();

    assert!(logged.activity.done_at.is_some(), "a logged call is done");
    assert!(
        logged.activity.starts_at.is_some(),
        "a logged call happened now"
    );
    assert_eq!(logged.activity.channel, Some(ActivityChannel::Phone));
    let next = logged.follow_up.unwrap();
    assert!(next.done_at.is_none());
    assert_eq!(
        next.links[0].name, "Ada Lovelace",
        "the follow-up is linked to the same person"
    );

    let items = timeline::for_record(db.conn(), "contacts", &ada, None, 50).unwrap();
    let subjects: Vec<&str> = items
        .iter()
        .filter(|i| i.kind == "activity")
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(
        subjects,
        ["Call back about the quote", "Discussed the engine order"]
    );

    // Undo takes back the whole save: the call and its follow-up.
    changelog::undo(&mut db, &logged.batch_id).unwrap();
    let after = activity::list(
        db.conn(),
        &activity::ActivityQuery {
            record: Some(link(&ada)[0].clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn a_bad_follow_up_saves_nothing_and_names_both_forms_problems() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let call = input(ActivityKind::Call, "", &ada, None);
    let follow = ActivityInput {
        subject: "Call back".into(),
        starts_at: Some("next friday".into()),
        ..Default::default()
    };
    let err = activity::log_with_follow_up(&mut db, &call, Some(&follow), Tz::UTC).unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["subject", "follow_up.starts_at"], "{err}");
    let count: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM activities", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn links_to_missing_or_unknown_records_are_refused_by_name() {
    let mut db = Db::open_in_memory().unwrap();
    let mut a = input(ActivityKind::Task, "Send brochure", "no-such-id", None);
    let err = activity::create(&mut db, &a, Tz::UTC).unwrap_err();
    assert!(
        err.to_string().contains("no contact with id no-such-id"),
        "{err}"
    );
    a.links = vec![RecordRef {
        entity: "spaceships".into(),
        id: "x".into(),
    }];
    let err = activity::create(&mut db, &a, Tz::UTC).unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot be linked to \"spaceships\""),
        "{err}"
    );
}

#[test]
fn the_timeline_filters_by_type_and_channel_and_an_account_sees_its_peoples_activities() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = rapport_core::people::accounts::create(
        &mut db,
        &rapport_core::people::accounts::AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let ada = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            account_id: Some(acme.id.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    for (kind, subject) in [
        (ActivityKind::Call, "Intro call"),
        (ActivityKind::Email, "Sent the brochure"),
        (ActivityKind::Meeting, "Demo"),
    ] {
        let mut a = input(kind, subject, &ada, Some("2026-05-01T10:00:00Z"));
        a.done = true;
        activity::create(&mut db, &a, Tz::UTC).unwrap();
    }
    let only = |types: &[&str], channels: Vec<ActivityChannel>| -> Vec<String> {
        let filter = TimelineFilter {
            types: types.iter().map(|t| t.to_string()).collect(),
            channels,
        };
        timeline::for_record_filtered(db.conn(), "accounts", &acme.id, None, 50, &filter)
            .unwrap()
            .into_iter()
            .map(|i| i.title)
            .collect()
    };
    assert_eq!(only(&["call"], vec![]), ["Intro call"]);
    assert_eq!(
        only(&[], vec![ActivityChannel::Email]),
        ["Sent the brochure"]
    );
    let everything = only(&[], vec![]);
    assert_eq!(
        everything.len(),
        5,
        "three activities, the account's creation, Ada joining: {everything:?}"
    );
    let changes_only = only(&["changes"], vec![]);
    assert!(
        changes_only.iter().all(|t| !t.contains("call")),
        "{changes_only:?}"
    );
}

#[test]
fn the_agenda_sorts_open_items_into_overdue_today_and_the_next_days_in_the_users_zone() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let ny: Tz = "America/New_York".parse().unwrap();
    // 23:30 in New York on the 10th is already the 11th in UTC.
    let now = utc("2026-06-11T03:30:00Z");
    for (subject, at) in [
        ("Overdue proposal", "2026-06-09T15:00"),
        ("Late call today", "2026-06-10T23:00"),
        ("Tomorrow's meeting", "2026-06-11T09:00"),
        ("Next week", "2026-06-16T09:00"),
        ("Too far", "2026-07-30T09:00"),
    ] {
        activity::create(
            &mut db,
            &input(ActivityKind::Task, subject, &ada, Some(at)),
            ny,
        )
        .unwrap();
    }
    let mut done = input(
        ActivityKind::Task,
        "Already done",
        &ada,
        Some("2026-06-09T10:00"),
    );
    done.done = true;
    activity::create(&mut db, &done, ny).unwrap();

    let agenda = activity::agenda(db.conn(), now, ny, 7).unwrap();
    assert_eq!(agenda.today, "2026-06-10");
    let names =
        |items: &[activity::Activity]| items.iter().map(|a| a.subject.clone()).collect::<Vec<_>>();
    assert_eq!(names(&agenda.overdue), ["Overdue proposal"]);
    assert_eq!(agenda.overdue_total, 1);
    assert_eq!(names(&agenda.due_today), ["Late call today"]);
    let days: Vec<(&str, Vec<String>)> = agenda
        .upcoming
        .iter()
        .map(|d| (d.date.as_str(), names(&d.items)))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-06-11", vec!["Tomorrow's meeting".to_owned()]),
            ("2026-06-16", vec!["Next week".to_owned()])
        ]
    );

    // One click: done, and it leaves the agenda; rescheduled, it moves day.
    let overdue_id = agenda.overdue[0].id.clone();
    activity::complete(&mut db, &overdue_id).unwrap();
    let today_id = agenda.due_today[0].id.clone();
    activity::reschedule(&mut db, &today_id, "2026-06-12T10:00", Scope::This, ny).unwrap();
    let agenda = activity::agenda(db.conn(), now, ny, 7).unwrap();
    assert!(agenda.overdue.is_empty());
    assert!(agenda.due_today.is_empty());
    assert_eq!(agenda.upcoming[1].date, "2026-06-12");
    assert_eq!(
        agenda.upcoming_total,
        agenda
            .upcoming
            .iter()
            .map(|d| d.items.len() as i64)
            .sum::<i64>(),
        "every upcoming item is listed when there are few"
    );
}

fn local_times(db: &Db, series: &str, tz: Tz) -> Vec<String> {
    let mut stmt = db
        .conn()
        .prepare("SELECT starts_at FROM activities WHERE series_id = ?1 ORDER BY occurrence_at")
        .unwrap();
    stmt.query_map([series], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| {
            utc(&s.unwrap())
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .collect()
}

#[test]
fn completing_an_occurrence_brings_up_the_next_at_the_same_local_time_across_dst() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let mut statement = input(
        ActivityKind::Task,
        "Send the monthly statement",
        &ada,
        Some("2026-02-20T09:00"),
    );
    statement.repeat = Some("FREQ=MONTHLY;BYMONTHDAY=1".into());
    statement.remind_at = Some("2026-02-20T08:30".into());
    let first = activity::create(&mut db, &statement, paris()).unwrap();
    // The start snaps to the rule: the 1st of the next month.
    let series = first.series_id.clone().unwrap();
    assert_eq!(first.repeat_text.as_deref(), Some("Every month on day 1"));
    let mut current = first;
    for _ in 0..3 {
        let done = activity::complete(&mut db, &current.id).unwrap();
        current = done.next.expect("the next occurrence");
    }
    assert_eq!(
        local_times(&db, &series, paris()),
        [
            "2026-03-01 09:00",
            "2026-04-01 09:00",
            "2026-05-01 09:00",
            "2026-06-01 09:00"
        ],
        "09:00 in Paris before and after the March 29 change"
    );
    // The reminder keeps its 30 minutes' lead.
    let remind = utc(current.remind_at.as_deref().unwrap()).with_timezone(&paris());
    assert_eq!(remind.format("%H:%M").to_string(), "08:30");
    // Completing twice does not create a second next occurrence.
    activity::complete(&mut db, &current.id).unwrap();
    let again = activity::complete(&mut db, &current.id).unwrap();
    assert!(again.next.is_none());
    assert_eq!(local_times(&db, &series, paris()).len(), 5);
}

#[test]
fn month_end_rules_land_on_the_last_day_of_each_month() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let mut close = input(
        ActivityKind::Task,
        "Month-end close",
        &ada,
        Some("2028-01-31T17:00"),
    );
    close.repeat = Some("FREQ=MONTHLY;BYMONTHDAY=-1".into());
    let mut current = activity::create(&mut db, &close, Tz::UTC).unwrap();
    let series = current.series_id.clone().unwrap();
    for _ in 0..3 {
        current = activity::complete(&mut db, &current.id)
            .unwrap()
            .next
            .unwrap();
    }
    assert_eq!(
        local_times(&db, &series, Tz::UTC),
        [
            "2028-01-31 17:00",
            "2028-02-29 17:00",
            "2028-03-31 17:00",
            "2028-04-30 17:00"
        ]
    );
}

#[test]
fn editing_this_one_leaves_the_series_and_editing_all_future_splits_it() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let mut weekly = input(
        ActivityKind::Meeting,
        "Weekly check-in",
        &ada,
        Some("2026-09-07T10:00"),
    );
    weekly.repeat = Some("FREQ=WEEKLY;BYDAY=MO".into());
    weekly.duration_minutes = Some(30);
    let first = activity::create(&mut db, &weekly, paris()).unwrap();

    // This one: moved to Tuesday; the next is still on Monday.
    let moved =
        activity::reschedule(&mut db, &first.id, "2026-09-08T10:00", Scope::This, paris()).unwrap();
    let next = activity::complete(&mut db, &moved.id)
        .unwrap()
        .next
        .unwrap();
    let local = |a: &activity::Activity| {
        utc(a.starts_at.as_deref().unwrap())
            .with_timezone(&paris())
            .format("%a %d %H:%M")
            .to_string()
    };
    assert_eq!(local(&next), "Mon 14 10:00");

    // All future: renamed and moved to 11:00; later occurrences follow, earlier ones keep the old.
    let mut edit = ActivityInput::from(&next);
    edit.subject = "Weekly review".into();
    edit.starts_at = Some("2026-09-14T11:00".into());
    let edited = activity::update(&mut db, &next.id, &edit, Scope::Future, paris()).unwrap();
    assert_ne!(edited.series_id, first.series_id, "the series was split");
    let after = activity::complete(&mut db, &edited.id)
        .unwrap()
        .next
        .unwrap();
    assert_eq!(after.subject, "Weekly review");
    assert_eq!(local(&after), "Mon 21 11:00");
    assert_eq!(
        activity::get(db.conn(), &moved.id).unwrap().subject,
        "Weekly check-in"
    );

    // Deleting this one skips to the next; deleting all future stops the series.
    let skipped = after.id;
    activity::delete(&mut db, &skipped, Scope::This).unwrap();
    let open = activity::list(
        db.conn(),
        &activity::ActivityQuery {
            done: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(local(&open[0]), "Mon 28 11:00");
    activity::delete(&mut db, &open[0].id, Scope::Future).unwrap();
    let calendar = activity::calendar(
        db.conn(),
        "2026-09-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
        paris(),
        None,
    )
    .unwrap();
    assert!(
        calendar.iter().all(|e| !e.projected),
        "a stopped series projects nothing: {calendar:?}"
    );
}

#[test]
fn the_calendar_shows_stored_items_and_the_coming_occurrences_of_series() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let mut biweekly = input(
        ActivityKind::Meeting,
        "Pipeline review",
        &ada,
        Some("2026-10-05T09:00"),
    );
    biweekly.repeat = Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO".into());
    biweekly.duration_minutes = Some(60);
    activity::create(&mut db, &biweekly, paris()).unwrap();
    activity::create(
        &mut db,
        &input(
            ActivityKind::Call,
            "Call Ada",
            &ada,
            Some("2026-10-14T15:00"),
        ),
        paris(),
    )
    .unwrap();

    let month = activity::calendar(db.conn(), "2026-10-01", "2026-11-01", paris(), None).unwrap();
    let shown: Vec<(String, bool)> = month
        .iter()
        .map(|e| {
            let at = utc(&e.starts_at)
                .with_timezone(&paris())
                .format("%d %H:%M")
                .to_string();
            (format!("{at} {}", e.subject), e.projected)
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("05 09:00 Pipeline review".to_owned(), false),
            ("14 15:00 Call Ada".to_owned(), false),
            ("19 09:00 Pipeline review".to_owned(), true),
        ]
    );
    assert_eq!(month[0].with, "Ada Lovelace");
    assert!(month[0].ends_at.is_some());
}

#[test]
fn reminders_missed_while_the_app_was_closed_are_shown_once_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let id = {
        let mut db = Db::open(&path).unwrap();
        let ada = person(&mut db, "Ada", "Lovelace");
        let mut a = input(
            ActivityKind::Call,
            "Call Ada about renewal",
            &ada,
            Some("2026-03-02T10:00:00Z"),
        );
        a.remind_at = Some("2026-03-02T09:45:00Z".into());
        activity::create(&mut db, &a, Tz::UTC).unwrap().id
        // The app closes before 09:45.
    };
    let mut db = Db::open(&path).unwrap();
    let start = utc("2026-03-03T08:00:00Z");
    assert!(
        reminders::take_new(&mut db, utc("2026-03-02T09:00:00Z"))
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let shown = reminders::take_new(&mut db, start).unwrap();
    assert_eq!(shown.len(), 1);
    assert!(shown[0].missed, "it fell due while the app was closed");
    assert_eq!(shown[0].activity.subject, "Call Ada about renewal");
    assert!(
        reminders::take_new(&mut db, start).unwrap().is_empty(),
        "shown once, not again"
    );
    assert_eq!(
        reminders::due(db.conn(), start).unwrap().len(),
        1,
        "still listed in the app"
    );

    // Snooze: it comes back later, once.
    reminders::snooze(&mut db, &id, "2026-03-03T09:00:00Z", Tz::UTC).unwrap();
    assert!(reminders::due(db.conn(), start).unwrap().is_empty());
    let back = reminders::take_new(&mut db, utc("2026-03-03T09:00:30Z")).unwrap();
    assert_eq!(back.len(), 1);
    assert!(!back[0].missed);
    // Dismiss: gone from the list; the activity itself stays open.
    let a = reminders::dismiss(&mut db, &id).unwrap();
    assert!(a.done_at.is_none());
    assert!(
        reminders::due(db.conn(), utc("2026-03-04T00:00:00Z"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn merging_contacts_moves_their_activities_and_deleting_one_unlinks_it() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let twin = person(&mut db, "Ada", "Lovelace");
    let mut both = input(
        ActivityKind::Meeting,
        "Lunch",
        &ada,
        Some("2026-04-01T12:00:00Z"),
    );
    both.links.extend(link(&twin));
    both.participants = vec![activity::Participant {
        contact_id: Some(twin.clone()),
        ..Default::default()
    }];
    let lunch = activity::create(&mut db, &both, Tz::UTC).unwrap();
    assert_eq!(lunch.participants[0].name, "Ada Lovelace");
    activity::create(
        &mut db,
        &input(ActivityKind::Call, "Twin's call", &twin, None),
        Tz::UTC,
    )
    .unwrap();

    contacts::merge(&mut db, &ada, &twin, &MergeChoices::default()).unwrap();
    let mine = activity::list(
        db.conn(),
        &activity::ActivityQuery {
            record: Some(link(&ada)[0].clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let subjects: Vec<&str> = mine.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    let lunch = activity::get(db.conn(), &lunch.id).unwrap();
    assert_eq!(lunch.links.len(), 1, "one link, not two to the same person");
    assert_eq!(
        lunch.participants[0].contact_id.as_deref(),
        Some(ada.as_str())
    );

    contacts::delete(&mut db, &ada).unwrap();
    let lunch = activity::get(db.conn(), &lunch.id).unwrap();
    assert!(lunch.links.is_empty(), "the activity stays, unlinked");
}

/// The input the app sends to save an activity unchanged: every field of the stored record,
/// as the dialog carries it (`formFromActivity` then `buildInput` in ui/src/lib/activities.ts).
fn input_of(a: &activity::Activity) -> ActivityInput {
    ActivityInput::from(a)
}

/// Saving an activity with one field changed keeps every other field as it was: the owner,
/// the participants, the links, the reminder and the series included.
#[test]
fn an_edit_changes_the_one_field_and_keeps_every_other() {
    use rapport_core::activities::activity::Participant;
    use rapport_core::records::team::{self, TeamMemberInput};
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db, "Ada", "Lovelace");
    let bob = person(&mut db, "Bob", "Builder");
    let member = |db: &mut Db, name: &str| {
        team::create(
            db,
            &TeamMemberInput {
                name: name.into(),
                email: None,
            },
        )
        .unwrap()
        .id
    };
    let mia = member(&mut db, "Mia");
    let noah = member(&mut db, "Noah");
    let full = |kind: ActivityKind| ActivityInput {
        kind: Some(kind),
        subject: "Quarterly review".into(),
        notes: Some("Bring the figures".into()),
        channel: Some(ActivityChannel::Video),
        direction: None,
        outcome: None,
        starts_at: Some("2030-03-04T09:00:00Z".into()),
        all_day: false,
        duration_minutes: Some(45),
        location: Some("Room 2".into()),
        done: false,
        remind_at: Some("2030-03-04T08:45:00Z".into()),
        repeat: Some("FREQ=MONTHLY;BYMONTHDAY=4".into()),
        owner_id: Some(mia.clone()),
        links: link(&ada),
        participants: vec![
            Participant {
                contact_id: Some(ada.clone()),
                member_id: None,
                name: "Ada Lovelace".into(),
                email: Some("ada@x.example".into()),
            },
            Participant {
                contact_id: None,
                member_id: Some(noah.clone()),
                name: "Noah".into(),
                email: None,
            },
        ],
    };
    type Edit = (&'static str, fn(&mut ActivityInput, &Ctx));
    struct Ctx {
        noah: String,
        bob: String,
    }
    let ctx = Ctx {
        noah: noah.clone(),
        bob,
    };
    let edits: &[Edit] = &[
        ("subject", |i, _| {
            i.subject = "Quarterly review (moved)".into();
        }),
        ("notes", |i, _| {
            i.notes = Some("Bring the new figures".into());
        }),
        ("location", |i, _| i.location = Some("Room 3".into())),
        ("duration_minutes", |i, _| i.duration_minutes = Some(60)),
        ("owner_id", |i, c| i.owner_id = Some(c.noah.clone())),
        ("links", |i, c| {
            i.links.push(RecordRef {
                entity: "contacts".into(),
                id: c.bob.clone(),
            });
        }),
        ("remind_at", |i, _| {
            i.remind_at = Some("2030-03-04T08:00:00Z".into());
        }),
    ];
    for kind in [
        ActivityKind::Meeting,
        ActivityKind::Task,
        ActivityKind::Call,
    ] {
        for (field, edit) in edits {
            let mut start = full(kind);
            if kind == ActivityKind::Task {
                start.location = None;
                start.duration_minutes = None;
            }
            let created = activity::create(&mut db, &start, Tz::UTC).unwrap();
            let mut input = input_of(&created);
            edit(&mut input, &ctx);
            let saved =
                activity::update(&mut db, &created.id, &input, Scope::This, Tz::UTC).unwrap();
            let after = activity::get(db.conn(), &created.id).unwrap();
            assert_eq!(saved, after);
            // Everything but the edited field (and the stamps) is as it was.
            let mut expected = created.clone();
            let mut got = after.clone();
            for a in [&mut expected, &mut got] {
                a.updated_at = String::new();
                a.links.sort_by(|x, y| x.id.cmp(&y.id));
                a.reminder_state = None;
                a.remind_at = None;
                a.ends_at = None;
                a.owner_name = None;
            }
            match *field {
                "subject" => expected.subject = got.subject.clone(),
                "notes" => expected.notes = got.notes.clone(),
                "location" => expected.location = got.location.clone(),
                "duration_minutes" => expected.duration_minutes = got.duration_minutes,
                "owner_id" => expected.owner_id = got.owner_id.clone(),
                "links" => expected.links = got.links.clone(),
                _ => {}
            }
            assert_eq!(
                got, expected,
                "{kind:?}: editing {field} changed another field"
            );
            if *field != "remind_at" {
                assert_eq!(after.remind_at, created.remind_at, "{kind:?} {field}");
            }
            if *field != "owner_id" {
                assert_eq!(after.owner_id, Some(mia.clone()), "{kind:?} {field}");
            }
            assert_eq!(after.participants.len(), 2, "{kind:?} {field}");
            assert!(
                after.series_id.is_some(),
                "{kind:?} {field}: still in its series"
            );
        }
    }
}
