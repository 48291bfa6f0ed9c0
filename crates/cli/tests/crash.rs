//! The crash suite: `rapport restore` and `rapport backup` killed with SIGKILL at a spread of
//! moments, 50 rounds each, on a file of realistic size. After every round the data file is
//! healthy and holds exactly the old or the restored contents, the safety copy is there
//! whenever the file was replaced, and no file under a backup's name is unreadable.
//!
//! `cargo test -p rapport-cli --test crash -- --nocapture` prints the figures recorded in
//! docs/benchmarks.md.

#![allow(clippy::unwrap_used)]
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rapport_core::Db;
use rusqlite::OpenFlags;

const ROUNDS: u32 = 50;

fn rapport(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
    cmd.env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A data file with `people` contacts (names, e-mails, cities, notes) and a marker contact.
fn seed(path: &Path, people: usize, marker: &str) {
    let csv = path.with_extension("csv");
    let mut text = String::from("First Name,Last Name,E-mail,City,Notes\n");
    for i in 0..people {
        text.push_str(&format!(
            "Person{i},Family{},p{i}@example.org,City {},\"Met at the fair in spring; asked about the {i}th offer and wants a call back\"\n",
            i % 97,
            i % 41
        ));
    }
    std::fs::write(&csv, text).unwrap();
    run_ok(rapport(path).args(["import", "contacts"]).arg(&csv));
    run_ok(rapport(path).args(["contacts", "add", "--last-name", marker]));
}

/// (contacts, the marker found) in a database file, `None` when it cannot be read whole. A
/// compressed copy (`.db.zst`) is unpacked first (its checksum checked).
fn contents(path: &Path) -> Option<(i64, String)> {
    if rapport_core::data::backup::is_compressed(path) {
        let dir = tempfile::tempdir().ok()?;
        let plain = dir.path().join("unpacked.db");
        let mut file = std::fs::File::create(&plain).ok()?;
        rapport_core::data::backup::unpack_into(path, &mut file).ok()?;
        drop(file);
        return contents(&plain);
    }
    let problems = rapport_core::data::backup::integrity(path, "integrity_check").ok()?;
    if !problems.is_empty() {
        return None;
    }
    let conn =
        rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let count: i64 = conn
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .ok()?;
    let marker: String = conn
        .query_row(
            "SELECT last_name FROM contacts WHERE last_name IN ('OLD', 'NEW')",
            [],
            |r| r.get(0),
        )
        .ok()?;
    Some((count, marker))
}

/// Copies a closed, checkpointed database (a template of this test) byte for byte.
fn copy_closed(from: &Path, to: &Path) {
    std::fs::write(to, std::fs::read(from).unwrap()).unwrap();
}

/// Files under a backup's final name (not a hidden temporary) in `dir`.
fn final_names(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.ends_with(".db") || name.ends_with(".db.zst")) && !name.starts_with('.')
        })
        .collect()
}

/// Runs `cmd`, kills it with SIGKILL after `delay` (when it has not finished), waits for it.
/// True when it was killed before it finished.
fn kill_after(cmd: &mut Command, delay: Duration) -> bool {
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    !finished
}

fn timed(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    run_ok(cmd);
    started.elapsed()
}

struct Templates {
    _dir: tempfile::TempDir,
    old: PathBuf,
    new: PathBuf,
    old_count: i64,
    new_count: i64,
}

/// The old file (2,000 people and the marker OLD) and the backup to restore (1,200 people and
/// NEW), made once for both tests.
fn templates() -> &'static Templates {
    static MADE: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
    MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.db");
        let new = dir.path().join("new.db");
        seed(&old, 2000, "OLD");
        seed(&new, 1200, "NEW");
        for p in [&old, &new] {
            // Closed by the last command: no WAL beside them.
            assert!(!PathBuf::from(format!("{}-wal", p.display())).exists());
        }
        let old_count = contents(&old).unwrap().0;
        let new_count = contents(&new).unwrap().0;
        Templates {
            _dir: dir,
            old,
            new,
            old_count,
            new_count,
        }
    })
}

#[test]
fn restore_killed_at_any_moment_leaves_the_old_or_the_restored_file_with_its_safety_copy() {
    let t = templates();
    let work = tempfile::tempdir().unwrap();
    let backup = work.path().join("saved.db");
    copy_closed(&t.new, &backup);

    // How long a whole restore takes here, to spread the kills over it.
    let probe = work.path().join("probe").join("rapport.db");
    std::fs::create_dir_all(probe.parent().unwrap()).unwrap();
    copy_closed(&t.old, &probe);
    let full = timed(rapport(&probe).arg("restore").arg(&backup));

    let (mut interrupted, mut healthy, mut replaced, mut lost) = (0, 0, 0, 0);
    for round in 0..ROUNDS {
        let dir = work.path().join(format!("r{round}"));
        std::fs::create_dir_all(&dir).unwrap();
        let data = dir.join("rapport.db");
        copy_closed(&t.old, &data);
        let delay = full.mul_f64(f64::from(round) / f64::from(ROUNDS - 1) * 1.1);
        if kill_after(rapport(&data).arg("restore").arg(&backup), delay) {
            interrupted += 1;
        }
        let now = contents(&data);
        let Some((count, marker)) = now else {
            panic!("round {round} ({delay:?}): the data file is damaged");
        };
        healthy += 1;
        let is_old = (count, marker.as_str()) == (t.old_count, "OLD");
        let is_new = (count, marker.as_str()) == (t.new_count, "NEW");
        if !is_old && !is_new {
            lost += 1;
        }
        assert!(
            is_old || is_new,
            "round {round}: {count} contacts, {marker}"
        );
        let kept = final_names(&dir.join("backups"));
        for file in &kept {
            assert_eq!(
                contents(file).map(|c| c.0),
                Some(t.old_count),
                "round {round}: {} is not a whole copy of the old file",
                file.display()
            );
        }
        if is_new {
            replaced += 1;
            assert!(
                kept.iter()
                    .any(|p| p.to_string_lossy().contains("-before-restore-")),
                "round {round}: replaced without its safety copy"
            );
        }
        // Whatever happened, the file opens and a restore can be run again.
        drop(Db::open(&data).unwrap());
    }
    println!(
        "crash suite, restore: {ROUNDS} rounds (whole restore {full:?}), {interrupted} killed before the end, {healthy} healthy, {replaced} replaced with the safety copy kept, {lost} lost writes"
    );
    assert_eq!(healthy, ROUNDS);
    assert_eq!(lost, 0);
    assert!(interrupted > ROUNDS / 3, "{interrupted} interrupted");
}

#[test]
fn backup_killed_at_any_moment_never_harms_the_file_nor_leaves_a_bad_backup_under_its_name() {
    let t = templates();
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("rapport.db");
    copy_closed(&t.old, &data);
    let out = work.path().join("copy.db");
    // The quickest of three runs of each: the first one reads a cold file and can take twice
    // as long, which would put most kills after the end.
    let quickest = |args: &[&std::ffi::OsStr]| {
        (0..3)
            .map(|_| timed(rapport(&data).args(args)))
            .min()
            .unwrap_or_default()
    };
    let full = quickest(&["backups".as_ref(), "--now".as_ref()]).max(quickest(&[
        "backup".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]));

    let (mut interrupted, mut healthy, mut lost) = (0, 0, 0);
    for round in 0..ROUNDS {
        let delay = full.mul_f64(f64::from(round) / f64::from(ROUNDS - 1) * 1.1);
        let mut cmd = rapport(&data);
        if round % 2 == 0 {
            cmd.args(["backups", "--now"]);
        } else {
            cmd.arg("backup").arg("--out").arg(&out);
        }
        if kill_after(&mut cmd, delay) {
            interrupted += 1;
        }
        match contents(&data) {
            Some((count, marker)) if count == t.old_count && marker == "OLD" => healthy += 1,
            Some(_) => lost += 1,
            None => panic!("round {round}: the data file is damaged"),
        }
        let mut finals = final_names(&work.path().join("backups"));
        finals.push(out.clone());
        for file in finals.iter().filter(|f| f.exists()) {
            assert_eq!(
                contents(file).map(|c| c.0),
                Some(t.old_count),
                "round {round}: {} carries a backup's name but is not a whole backup",
                file.display()
            );
        }
    }
    println!(
        "crash suite, backup: {ROUNDS} rounds (whole backup {full:?}), {interrupted} killed before the end, {healthy} healthy, {lost} lost writes"
    );
    assert_eq!((healthy, lost), (ROUNDS, 0));
    assert!(interrupted > ROUNDS / 3, "{interrupted} interrupted");
}
