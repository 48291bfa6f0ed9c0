//! The calendar's month grid: how many items each local day holds and the first few of them,
//! for everyone or for one owner ("Mine"), against a plain count of the full list.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rapport_core::Db;
use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::records::team::{self, TeamMemberInput};

fn paris() -> Tz {
    "Europe/Paris".parse().unwrap()
}

fn person(db: &mut Db) -> String {
    contacts::create(
        db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn member(db: &mut Db, name: &str) -> String {
    team::create(
        db,
        &TeamMemberInput {
            name: name.into(),
            email: None,
        },
    )
    .unwrap()
    .id
}

fn add(
    db: &mut Db,
    kind: ActivityKind,
    subject: &str,
    at: &str,
    contact: &str,
    owner: Option<&str>,
) {
    activity::create(
        db,
        &ActivityInput {
            kind: Some(kind),
            subject: subject.into(),
            starts_at: Some(at.into()),
            owner_id: owner.map(str::to_owned),
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: contact.into(),
            }],
            ..Default::default()
        },
        paris(),
    )
    .unwrap();
}

fn local_day(stamp: &str, tz: Tz) -> String {
    DateTime::parse_from_rfc3339(stamp)
        .unwrap()
        .with_timezone(&Utc)
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string()
}

/// Every day's count and shown subjects, from the month grid.
fn grid(db: &Db, owner: Option<&str>, per_day: u32) -> BTreeMap<String, (i64, Vec<String>)> {
    activity::calendar_month(
        db.conn(),
        "2026-10-26",
        "2026-12-07",
        paris(),
        owner,
        per_day,
    )
    .unwrap()
    .into_iter()
    .map(|d| {
        (
            d.date,
            (d.count, d.entries.into_iter().map(|e| e.subject).collect()),
        )
    })
    .collect()
}

/// The same, counted naively from the full list.
fn naive(db: &Db, owner: Option<&str>, per_day: usize) -> BTreeMap<String, (i64, Vec<String>)> {
    let mut days: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for e in activity::calendar(db.conn(), "2026-10-26", "2026-12-07", paris(), owner).unwrap() {
        let day = days.entry(local_day(&e.starts_at, paris())).or_default();
        day.0 += 1;
        if day.1.len() < per_day {
            day.1.push(e.subject);
        }
    }
    days
}

/// A busy month: 300 items over six weeks at every hour, some near midnight, some all day,
/// notes (never on a calendar), and two owners.
fn busy(db: &mut Db) -> (String, String) {
    let ada = person(db);
    let ann = member(db, "Ann");
    let bob = member(db, "Bob");
    let kinds = [
        ActivityKind::Call,
        ActivityKind::Meeting,
        ActivityKind::Task,
        ActivityKind::Note,
        ActivityKind::Event,
    ];
    for i in 0..300_u32 {
        let day = 26 + i % 42;
        let (month, day) = if day > 31 { (11, day - 31) } else { (10, day) };
        let (month, day) = if month == 11 && day > 30 {
            (12, day - 30)
        } else {
            (month, day)
        };
        let hour = (i * 7) % 24;
        let at = if i % 11 == 0 {
            format!("2026-{month:02}-{day:02}")
        } else {
            format!("2026-{month:02}-{day:02}T{hour:02}:{:02}", (i * 13) % 60)
        };
        let owner = match i % 3 {
            0 => Some(ann.as_str()),
            1 => Some(bob.as_str()),
            _ => None,
        };
        add(
            db,
            kinds[i as usize % kinds.len()],
            &format!("Item {i:03}"),
            &at,
            &ada,
            owner,
        );
    }
    (ann, bob)
}

#[test]
fn each_day_counts_every_item_and_shows_the_first_few_by_time() {
    let mut db = Db::open_in_memory().unwrap();
    busy(&mut db);
    let month = grid(&db, None, 3);
    assert_eq!(
        month.len(),
        42,
        "every day of the six weeks is there, busy or not"
    );
    let expected = naive(&db, None, 3);
    for (date, day) in &month {
        let want = expected.get(date).cloned().unwrap_or_default();
        assert_eq!(day, &want, "{date}");
    }
    let total: i64 = month.values().map(|d| d.0).sum();
    assert_eq!(
        total, 240,
        "notes stay off the calendar (300 items, 60 notes)"
    );
    assert!(month.values().all(|d| d.1.len() <= 3));
    assert!(
        month.values().any(|d| d.0 > 3),
        "some day has more than it shows"
    );
}

#[test]
fn the_cap_per_day_is_what_the_grid_asks_for_within_a_maximum() {
    let mut db = Db::open_in_memory().unwrap();
    busy(&mut db);
    assert!(grid(&db, None, 0).values().all(|d| d.1.is_empty()));
    let all = grid(&db, None, 1000);
    assert!(
        all.values().all(|d| d.1.len() as i64 == d.0),
        "a quiet month shows all"
    );
    assert_eq!(all, naive(&db, None, 1000));
}

#[test]
fn mine_counts_and_shows_only_my_items() {
    let mut db = Db::open_in_memory().unwrap();
    let (ann, bob) = busy(&mut db);
    for owner in [&ann, &bob] {
        let month = grid(&db, Some(owner), 4);
        let expected = naive(&db, Some(owner), 4);
        for (date, day) in &month {
            assert_eq!(
                day,
                &expected.get(date).cloned().unwrap_or_default(),
                "{date}"
            );
        }
        let mine: i64 = month.values().map(|d| d.0).sum();
        assert_eq!(mine, 80, "a third of the 240 calendar items");
    }
    let list =
        activity::calendar(db.conn(), "2026-10-26", "2026-12-07", paris(), Some(&ann)).unwrap();
    assert!(!list.is_empty());
    let everyone =
        activity::calendar(db.conn(), "2026-10-26", "2026-12-07", paris(), None).unwrap();
    assert_eq!(everyone.len(), 240);
    assert!(list.len() < everyone.len());
}

#[test]
fn days_end_at_local_midnight_in_the_users_zone_across_the_clock_change() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db);
    // Paris leaves summer time on 25 October 2026: 23:30 local is 22:30 UTC before, 21:30 after.
    add(
        &mut db,
        ActivityKind::Call,
        "Late on the 24th",
        "2026-10-24T23:30",
        &ada,
        None,
    );
    add(
        &mut db,
        ActivityKind::Call,
        "Just after midnight",
        "2026-10-25T00:10",
        &ada,
        None,
    );
    add(
        &mut db,
        ActivityKind::Call,
        "Late on the 25th",
        "2026-10-25T23:59",
        &ada,
        None,
    );
    add(
        &mut db,
        ActivityKind::Call,
        "Early on the 26th",
        "2026-10-26T00:00",
        &ada,
        None,
    );
    let days =
        activity::calendar_month(db.conn(), "2026-10-24", "2026-10-27", paris(), None, 5).unwrap();
    let shown: Vec<(String, i64, Vec<String>)> = days
        .into_iter()
        .map(|d| {
            (
                d.date,
                d.count,
                d.entries.into_iter().map(|e| e.subject).collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("2026-10-24".into(), 1, vec!["Late on the 24th".to_owned()]),
            (
                "2026-10-25".into(),
                2,
                vec![
                    "Just after midnight".to_owned(),
                    "Late on the 25th".to_owned()
                ]
            ),
            ("2026-10-26".into(), 1, vec!["Early on the 26th".to_owned()]),
        ]
    );
    // The same instants seen from New York fall on other days.
    let ny: Tz = "America/New_York".parse().unwrap();
    let days =
        activity::calendar_month(db.conn(), "2026-10-24", "2026-10-27", ny, None, 5).unwrap();
    let counts: Vec<(String, i64)> = days.into_iter().map(|d| (d.date, d.count)).collect();
    assert_eq!(
        counts,
        [
            ("2026-10-24".into(), 2),
            ("2026-10-25".into(), 2),
            ("2026-10-26".into(), 0),
        ]
    );
}

#[test]
fn an_all_day_item_sits_on_its_day_first_and_the_grid_names_what_it_shows() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db);
    add(
        &mut db,
        ActivityKind::Call,
        "Morning call",
        "2026-11-10T08:00",
        &ada,
        None,
    );
    add(
        &mut db,
        ActivityKind::Event,
        "Trade fair",
        "2026-11-10",
        &ada,
        None,
    );
    add(
        &mut db,
        ActivityKind::Task,
        "Day after",
        "2026-11-11",
        &ada,
        None,
    );
    let days =
        activity::calendar_month(db.conn(), "2026-11-10", "2026-11-12", paris(), None, 4).unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].count, 2);
    let first = &days[0].entries[0];
    assert_eq!(
        (first.subject.as_str(), first.all_day),
        ("Trade fair", true)
    );
    assert_eq!(first.with, "Ada Lovelace");
    assert_eq!(days[0].entries[1].subject, "Morning call");
    assert_eq!(days[1].entries[0].subject, "Day after");
    assert!(days[1].entries[0].all_day);
}

#[test]
fn projected_occurrences_of_a_series_count_on_their_days() {
    let mut db = Db::open_in_memory().unwrap();
    let ada = person(&mut db);
    let ann = member(&mut db, "Ann");
    let bob = member(&mut db, "Bob");
    activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Meeting),
            subject: "Weekly review".into(),
            starts_at: Some("2026-11-02T09:00".into()),
            repeat: Some("FREQ=WEEKLY;BYDAY=MO".into()),
            owner_id: Some(ann.clone()),
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: ada,
            }],
            ..Default::default()
        },
        paris(),
    )
    .unwrap();
    let mondays = |owner: Option<&str>| -> Vec<(String, i64, bool)> {
        activity::calendar_month(db.conn(), "2026-11-01", "2026-12-01", paris(), owner, 3)
            .unwrap()
            .into_iter()
            .filter(|d| d.count > 0)
            .map(|d| (d.date, d.count, d.entries[0].projected))
            .collect()
    };
    let expected = vec![
        ("2026-11-02".to_owned(), 1, false),
        ("2026-11-09".to_owned(), 1, true),
        ("2026-11-16".to_owned(), 1, true),
        ("2026-11-23".to_owned(), 1, true),
        ("2026-11-30".to_owned(), 1, true),
    ];
    assert_eq!(mondays(None), expected);
    assert_eq!(mondays(Some(&ann)), expected);
    assert_eq!(mondays(Some(&bob)), vec![]);
}

#[test]
fn a_window_out_of_order_or_too_long_is_refused() {
    let db = Db::open_in_memory().unwrap();
    assert!(
        activity::calendar_month(db.conn(), "2026-11-10", "2026-11-01", paris(), None, 4).is_err()
    );
    assert!(
        activity::calendar_month(db.conn(), "2026-01-01", "2027-06-01", paris(), None, 4).is_err()
    );
}

#[test]
fn me_is_who_the_person_at_this_computer_said_they_are() {
    let mut db = Db::open_in_memory().unwrap();
    assert_eq!(team::me(db.conn()).unwrap(), None);
    let ann = member(&mut db, "Ann");
    rapport_core::service::tickets::set_me(&mut db, Some(&ann)).unwrap();
    assert_eq!(team::me(db.conn()).unwrap(), Some(ann));
    assert_eq!(
        rapport_core::service::tickets::set_me(&mut db, None).unwrap(),
        None
    );
    assert_eq!(team::me(db.conn()).unwrap(), None, "forgotten");
}
