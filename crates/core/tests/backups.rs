//! Automatic backups with rotation, and restore: never losing the file that was there.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use rapport_core::backup::{self, AutoReason, Retention};
use rapport_core::contacts::{self, ContactInput, ContactQuery};
use rapport_core::{Db, Error};

fn person(db: &mut Db, name: &str) {
    contacts::create(
        db,
        &ContactInput {
            first_name: name.into(),
            ..Default::default()
        },
    )
    .unwrap();
}

fn names(db: &Db) -> Vec<String> {
    contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.first_name)
        .collect()
}

#[test]
fn a_daily_backup_is_taken_once_a_day_and_old_ones_are_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut db = Db::open(&path).unwrap();
    person(&mut db, "Ada");
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
    // Sixty days of use: one daily backup each day, plus a quit backup every day.
    for day in 0..60 {
        let at = start + Duration::days(day);
        assert!(
            backup::auto(&db, AutoReason::Daily, at).unwrap().is_some(),
            "day {day}"
        );
        assert!(
            backup::auto(&db, AutoReason::Daily, at + Duration::hours(1))
                .unwrap()
                .is_none(),
            "once a day"
        );
        backup::auto(&db, AutoReason::Quit, at + Duration::hours(6)).unwrap();
    }
    let kept = backup::list(&path).unwrap();
    let days: Vec<String> = kept.iter().map(|b| b.taken_at[..10].to_owned()).collect();
    assert_eq!(kept.len(), 11, "7 daily and 4 weekly: {days:?}");
    assert_eq!(days[0], "2026-03-01", "the newest first");
    assert!(
        kept.iter()
            .all(|b| backup::check(std::path::Path::new(&b.path)).is_ok())
    );
    // The retention is a setting.
    db.write(|w| {
        rapport_core::settings::set(
            w,
            backup::RETENTION,
            &Retention {
                daily: 2,
                weekly: 0,
            },
        )
    })
    .unwrap();
    backup::auto(&db, AutoReason::Quit, start + Duration::days(61)).unwrap();
    assert_eq!(backup::list(&path).unwrap().len(), 2);
}

#[test]
fn restore_keeps_a_copy_of_what_was_there_and_refuses_a_bad_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("monday.db");
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Ada");
        backup::backup(&db, &saved).unwrap();
        person(&mut db, "Bob");
    }
    let report = backup::restore(&path, &saved).unwrap();
    let db = Db::open(&path).unwrap();
    assert_eq!(names(&db), ["Ada"]);
    let safety = Db::open(report.safety_backup.unwrap()).unwrap();
    let mut before = names(&safety);
    before.sort();
    assert_eq!(before, ["Ada", "Bob"], "what was there before is kept");
    drop(db);

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database at all, just text").unwrap();
    let err = backup::restore(&path, &junk).unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    assert!(
        err.to_string().contains("junk.db cannot be restored"),
        "{err}"
    );
    assert_eq!(names(&Db::open(&path).unwrap()), ["Ada"], "nothing changed");
}

#[test]
fn restoring_over_a_damaged_file_moves_it_aside_instead_of_overwriting_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("good.db");
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Ada");
        backup::backup(&db, &saved).unwrap();
        backup::auto(&db, AutoReason::Quit, Utc::now()).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    assert!(backup::check(&path).is_err());
    let newest = backup::newest_good(&path).unwrap().unwrap();
    let report = backup::restore(&path, std::path::Path::new(&newest.path)).unwrap();
    let aside = report.safety_backup.unwrap();
    assert!(aside.contains("-damaged-"), "{aside}");
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        bytes[..bytes.len() / 3],
        "the damaged file, byte for byte"
    );
    assert_eq!(names(&Db::open(&path).unwrap()), ["Ada"]);
}
