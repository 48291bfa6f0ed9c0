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

/// A file of a few hundred contacts, with a marker to tell copies apart.
fn sample(path: &std::path::Path, n: usize) -> Db {
    let mut db = Db::open(path).unwrap();
    for i in 0..n {
        person(&mut db, &format!("Person {i}"));
    }
    db
}

fn count(path: &std::path::Path) -> usize {
    names(&Db::open(path).unwrap()).len()
}

#[test]
fn automatic_copies_are_compressed_checked_and_restore_round_trips_from_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let plain = dir.path().join("plain.db");
    let packed = dir.path().join("packed.db.zst");
    let old_style = dir.path().join("old-style.db");
    let automatic;
    {
        let db = sample(&path, 300);
        backup::backup(&db, &plain).unwrap();
        backup::backup(&db, &packed).unwrap();
        // What versions before compressed copies made: a bare VACUUM INTO.
        db.conn()
            .execute("VACUUM INTO ?1", [old_style.to_string_lossy()])
            .unwrap();
        automatic = backup::auto(&db, AutoReason::Quit, Utc::now())
            .unwrap()
            .unwrap();
    }
    assert!(automatic.path.ends_with(".db.zst"), "{}", automatic.path);
    let file_size = std::fs::metadata(&path).unwrap().len();
    assert!(
        automatic.bytes * 3 < file_size,
        "compressed: {} of {file_size} bytes",
        automatic.bytes
    );
    // The listing, the check and the newest good copy know compressed copies.
    let listed = backup::list(&path).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].path, automatic.path);
    assert_eq!(listed[0].kind, "automatic");
    backup::check(std::path::Path::new(&automatic.path)).unwrap();
    backup::deep_check(std::path::Path::new(&automatic.path)).unwrap();
    assert_eq!(
        backup::newest_good(&path).unwrap().unwrap().path,
        automatic.path
    );

    for from in [
        plain,
        packed,
        old_style,
        std::path::PathBuf::from(&automatic.path),
    ] {
        // Something changes, then the copy puts the 300 back.
        {
            let mut db = Db::open(&path).unwrap();
            person(&mut db, "Later");
        }
        assert_eq!(count(&path), 301);
        let report = backup::restore(&path, &from).unwrap();
        assert_eq!(count(&path), 300, "restored from {}", from.display());
        assert_eq!(report.restored_from, from.display().to_string());
        let safety = report.safety_backup.unwrap();
        assert_eq!(count(std::path::Path::new(&safety)), 301);
        backup::check(&path).unwrap();
    }
}

/// The live file's bytes and its listing of names, to show nothing changed.
fn untouched(path: &std::path::Path) -> (Vec<u8>, Vec<String>) {
    let mut names = names(&Db::open(path).unwrap());
    names.sort();
    (std::fs::read(path).unwrap(), names)
}

#[test]
fn a_damaged_or_truncated_compressed_copy_is_refused_naming_it_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let good = dir.path().join("good.db.zst");
    {
        let mut db = sample(&path, 200);
        backup::backup(&db, &good).unwrap();
        person(&mut db, "Now");
    }
    let bytes = std::fs::read(&good).unwrap();
    let flipped = dir.path().join("flipped.db.zst");
    let mut damaged = bytes.clone();
    for i in [bytes.len() / 3, bytes.len() / 2, bytes.len() * 2 / 3] {
        damaged[i] ^= 0x5a;
    }
    std::fs::write(&flipped, &damaged).unwrap();
    let truncated = dir.path().join("truncated.db.zst");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let foreign = dir.path().join("foreign.db.zst");
    std::fs::write(&foreign, b"not zstd at all, just some text").unwrap();

    let before = untouched(&path);
    for bad in [&flipped, &truncated, &foreign] {
        assert!(backup::check(bad).is_err(), "{}", bad.display());
        let err = backup::restore(&path, bad).unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
        let text = err.to_string();
        let name = bad.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            text.contains(&format!("{name} cannot be restored")),
            "{text}"
        );
        assert!(text.contains("damaged or incomplete"), "{text}");
        assert_eq!(untouched(&path), before, "the live file is untouched");
        assert!(backup::list(&path).unwrap().is_empty(), "no safety copy");
        // No temporary file is left beside the data file.
        let leftovers: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    // The good one still restores.
    backup::restore(&path, &good).unwrap();
    assert_eq!(count(&path), 200);
}

#[test]
fn the_rotation_keeps_its_copies_within_three_times_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let db = sample(&path, 300);
    let folder = backup::folder(&path);
    std::fs::create_dir_all(&folder).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    // Copies left by an earlier version: plain, each as large as the file, one a day.
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    for day in 0..6 {
        let at = start + Duration::days(day);
        let name = format!("crm-{}.db", at.format("%Y%m%dT%H%M%SZ"));
        db.conn()
            .execute(
                "VACUUM INTO ?1",
                [folder.join(name).to_string_lossy().into_owned()],
            )
            .unwrap();
    }
    assert_eq!(backup::list(&path).unwrap().len(), 6);
    let made = backup::auto(&db, AutoReason::Quit, start + Duration::days(6))
        .unwrap()
        .unwrap();
    let kept = backup::list(&path).unwrap();
    let total: u64 = kept.iter().map(|b| b.bytes).sum();
    assert!(
        total <= 3 * size,
        "{total} bytes kept for a {size}-byte file"
    );
    assert_eq!(kept[0].path, made.path, "the newest is kept");
    // The oldest went first: what is left is the newest ones, without a gap.
    let days: Vec<String> = kept.iter().map(|b| b.taken_at[..10].to_owned()).collect();
    assert_eq!(days, ["2026-03-07", "2026-03-06", "2026-03-05"], "{kept:?}");
    let usage = backup::usage(&path).unwrap();
    assert_eq!(usage.copies, 3);
    assert_eq!(usage.bytes, total);
    assert_eq!(usage.budget_bytes, 3 * usage.data_bytes);

    // The newest always stays, even alone over the budget.
    let fat = folder.join("crm-20260308T120000Z.db");
    std::fs::write(&fat, vec![0u8; (4 * size) as usize]).unwrap();
    backup::prune(&path, Retention::default()).unwrap();
    let kept = backup::list(&path).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].path, fat.display().to_string());
}

#[test]
fn a_copy_of_a_file_being_written_by_another_connection_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut db = sample(&path, 50);
    // Another connection of this process holds a read of an older state open: the WAL
    // cannot be emptied, so the copy is made the slow way, and is as good.
    let mut other = Db::open(&path).unwrap();
    person(&mut other, "Fresh");
    let reader = Db::open(&path).unwrap();
    reader.conn().execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    person(&mut db, "Newer");
    for name in ["busy.db", "busy.db.zst"] {
        let out = dir.path().join(name);
        backup::backup(&db, &out).unwrap();
        let check = dir.path().join(format!("{name}.restored.db"));
        if backup::is_compressed(&out) {
            let mut f = std::fs::File::create(&check).unwrap();
            backup::unpack_into(&out, &mut f).unwrap();
        } else {
            // A finished copy, not a live file: its bytes are the copy.
            std::fs::write(&check, std::fs::read(&out).unwrap()).unwrap();
        }
        assert!(
            backup::integrity(&check, "integrity_check")
                .unwrap()
                .is_empty()
        );
        assert_eq!(count(&check), 52, "{name}");
    }
    reader.conn().execute_batch("COMMIT").unwrap();
}

#[test]
fn a_backup_leaves_the_connection_as_it_was_and_the_safety_copy_is_a_plain_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let saved = dir.path().join("saved.db");
    {
        let db = sample(&path, 120);
        let pragma = |name: &str| -> i64 {
            db.conn()
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .unwrap()
        };
        let before = (pragma("mmap_size"), pragma("ignore_check_constraints"));
        backup::backup(&db, &dir.path().join("copy.db.zst")).unwrap();
        backup::backup(&db, &saved).unwrap();
        // The check of the snapshot leaves CHECK constraints out for its run only.
        assert_eq!(
            (pragma("mmap_size"), pragma("ignore_check_constraints")),
            before
        );
        let broken = db.conn().execute(
            "UPDATE contacts SET first_name = '', last_name = '' \
              WHERE rowid = (SELECT min(rowid) FROM contacts)",
            [],
        );
        assert!(broken.is_err(), "CHECK constraints hold after a backup");
    }
    {
        let mut db = Db::open(&path).unwrap();
        person(&mut db, "Later");
    }
    // The safety copy is the file's pages as they are, in a plain file that opens directly:
    // no WAL beside it, rollback journal in its header, whole.
    let report = backup::restore(&path, &saved).unwrap();
    let safety = std::path::PathBuf::from(report.safety_backup.unwrap());
    assert!(
        safety.to_string_lossy().ends_with(".db"),
        "{}",
        safety.display()
    );
    let bytes = std::fs::read(&safety).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    assert_eq!(&bytes[18..20], &[1, 1], "a rollback-journal file");
    assert!(!std::path::Path::new(&format!("{}-wal", safety.display())).exists());
    assert!(
        backup::integrity(&safety, "integrity_check")
            .unwrap()
            .is_empty()
    );
    assert_eq!(count(&safety), 121);
    assert_eq!(count(&path), 120);
}

#[test]
fn a_damaged_file_gets_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let root: i64 = {
        let db = sample(&path, 400);
        db.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        db.conn()
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'contacts'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // The contacts table's first page turns to garbage (its header stays).
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let n = usize::try_from(root - 1).unwrap();
    for (k, b) in bytes[n * page + 8..(n + 1) * page].iter_mut().enumerate() {
        *b = (k * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let db = Db::open(&path).unwrap();
    for name in ["copy.db.zst", "copy.db"] {
        let out = dir.path().join(name);
        let err = backup::backup(&db, &out).unwrap_err();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
        assert!(!out.exists(), "no file under a backup's name");
    }
}

#[test]
fn a_killed_automatic_copy_leaves_no_partial_file_behind_for_long() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let db = sample(&path, 20);
    let folder = backup::folder(&path);
    std::fs::create_dir_all(&folder).unwrap();
    // What a run killed half-way leaves: an automatic copy's name carries its time, so the
    // next run (another time) never asks for that name again.
    let stale =
        folder.join(".crm-20260301T120000Z.db.zst.01a24084-4c65-750c-b04a-dfb3896fe5db.partial");
    std::fs::write(&stale, vec![0u8; 64 * 1024]).unwrap();
    // One a running process is still writing (it holds the lock), and files not ours.
    let running =
        folder.join(".crm-20260301T130000Z.db.zst.01a24084-4c66-750c-b04a-dfb3896fe5db.partial");
    let held = std::fs::File::create(&running).unwrap();
    held.try_lock().unwrap();
    let other = folder.join(".notes.partial");
    std::fs::write(&other, "a download").unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
    assert!(backup::auto(&db, AutoReason::Daily, at).unwrap().is_some());
    assert!(!stale.exists(), "the killed run's partial file is gone");
    assert!(running.exists(), "a copy being written is left alone");
    assert!(other.exists(), "a file of another program is left alone");
    drop(held);
}
