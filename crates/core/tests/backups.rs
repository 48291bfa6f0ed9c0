//! Automatic backups with rotation, and restore: never losing the file that was there.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use rapport_core::data::backup::{self, AutoReason, Retention};
use rapport_core::people::contacts::{self, ContactInput, ContactQuery};
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
        rapport_core::store::settings::set(
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

#[test]
fn two_restores_in_the_same_second_keep_two_safety_copies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("saved.db");
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Ada");
        backup::backup(&db, &saved).unwrap();
        person(&mut db, "Bob");
    }
    let first = backup::restore(&path, &saved).unwrap();
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Cy");
    }
    let second = backup::restore(&path, &saved).unwrap();
    let (first, second) = (first.safety_backup.unwrap(), second.safety_backup.unwrap());
    assert_ne!(
        first, second,
        "a second safety copy never replaces the first"
    );
    let sorted = |p: &str| {
        let db = Db::open(p).unwrap();
        let mut n = names(&db);
        n.sort();
        n
    };
    // Within one second the second name gets a counter.
    if first[..first.len() - 3] == second[..first.len() - 3] {
        assert!(second.ends_with("-2.db"), "{second}");
    }
    assert_eq!(sorted(&first), ["Ada", "Bob"]);
    assert_eq!(sorted(&second), ["Ada", "Cy"]);
    let kinds: Vec<String> = backup::list(&path)
        .unwrap()
        .into_iter()
        .map(|b| b.kind)
        .collect();
    assert_eq!(kinds, ["before-restore", "before-restore"]);
}

#[test]
fn damaged_files_moved_aside_in_the_same_second_keep_their_own_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("good.db");
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Ada");
        backup::backup(&db, &saved).unwrap();
    }
    let mut asides = Vec::new();
    for garbage in [&b"first damaged file"[..], &b"second damaged file"[..]] {
        std::fs::write(&path, garbage.repeat(300)).unwrap();
        let report = backup::restore(&path, &saved).unwrap();
        let aside = report.safety_backup.unwrap();
        assert!(aside.contains("-damaged-"), "{aside}");
        asides.push((aside, garbage.repeat(300)));
    }
    assert_ne!(asides[0].0, asides[1].0);
    for (aside, bytes) in &asides {
        assert_eq!(
            &std::fs::read(aside).unwrap(),
            bytes,
            "{aside} byte for byte"
        );
    }
}

#[test]
fn a_restore_is_refused_while_the_file_is_open_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("saved.db");
    let mut db = Db::open(&path).unwrap();
    person(&mut db, "Ada");
    backup::backup(&db, &saved).unwrap();
    person(&mut db, "Bob");
    let err = backup::restore(&path, &saved).unwrap_err();
    assert_eq!(err.code(), rapport_core::ErrorCode::FileInUse);
    assert!(err.is_user_error());
    let mut now = names(&db);
    now.sort();
    assert_eq!(now, ["Ada", "Bob"]);
    assert!(
        backup::list(&path).unwrap().is_empty(),
        "no safety copy taken"
    );
}

#[test]
fn only_the_last_handle_to_close_removes_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let wal = dir.path().join("crm.db-wal");
    let mut first = Db::open(&path).unwrap();
    let mut second = Db::open(&path).unwrap();
    person(&mut first, "Ada");
    person(&mut second, "Bob");
    drop(first);
    assert!(wal.exists(), "another handle still works in it");
    assert_eq!(names(&second).len(), 2);
    drop(second);
    assert!(!wal.exists(), "the last one checkpoints and removes it");
    assert_eq!(names(&Db::open(&path).unwrap()).len(), 2);
    // The lock files stay; they are not backups.
    assert!(dir.path().join("crm.db-lock").exists());
    assert!(dir.path().join("crm.db-turn").exists());
}
