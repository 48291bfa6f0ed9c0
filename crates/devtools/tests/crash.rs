//! The crash suite: processes killed with SIGKILL in the middle of bulk writes and of
//! backups, many rounds. Afterwards the file must pass `integrity_check`, every write the
//! killed process acknowledged must be there, and no batch may be half there.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rapport_core::{Db, data::backup};

const BENCH: &str = env!("CARGO_BIN_EXE_rapport-bench");
const SIZE: usize = 120;

fn batch_counts(db: &Path) -> Vec<(usize, i64)> {
    let db = Db::open(db).unwrap();
    let mut stmt = db
        .conn()
        .prepare("SELECT last_name, count(*) FROM contacts WHERE last_name LIKE 'batch-%' GROUP BY last_name")
        .unwrap();
    stmt.query_map([], |r| {
        let name: String = r.get(0)?;
        Ok((
            name.trim_start_matches("batch-").parse().unwrap(),
            r.get(1)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn killed_bulk_writes_leave_whole_batches_and_every_acknowledged_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut rng = fastrand::Rng::with_seed(7);
    let mut acknowledged = Vec::new();
    for round in 0..15 {
        let mut child = Command::new(BENCH)
            .args(["crash-writer", "--db"])
            .arg(&db)
            .args([
                "--batches",
                "40",
                "--size",
                &SIZE.to_string(),
                "--first",
                &(round * 1000).to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a random moment after the first commit, however slow the machine is: a fixed
        // delay killed every writer before its first commit on a busy machine.
        let (lines, heard) = std::sync::mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        let reader = std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut said = Vec::new();
        while let Ok(line) = heard.recv_timeout(Duration::from_secs(60)) {
            let committed = line.starts_with("committed ");
            said.push(line);
            if committed {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..1200)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        said.extend(heard.try_iter());
        for line in said {
            if let Some(n) = line.strip_prefix("committed ") {
                acknowledged.push(n.parse::<usize>().unwrap());
            }
        }
    }
    assert!(
        backup::integrity(&db, "integrity_check")
            .unwrap()
            .is_empty(),
        "the file is intact"
    );
    let counts = batch_counts(&db);
    for (batch, count) in &counts {
        assert_eq!(*count, SIZE as i64, "batch {batch} is half there");
    }
    for batch in &acknowledged {
        assert!(
            counts.iter().any(|(b, _)| b == batch),
            "acknowledged batch {batch} is missing"
        );
    }
    assert!(
        !acknowledged.is_empty(),
        "some batches committed before the kills (the test would prove nothing otherwise)"
    );
    // The search index and the change log committed with the rows.
    let db = Db::open(&db).unwrap();
    let (docs, rows, log): (i64, i64, i64) = db
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM search_docs WHERE entity = 'contacts'),
                    (SELECT count(*) FROM contacts),
                    (SELECT count(*) FROM change_log l JOIN change_kinds k ON k.id = l.kind
                      WHERE k.name = 'contacts' AND l.op = 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((docs, log), (rows, rows));
}

#[test]
fn a_killed_backup_never_leaves_a_broken_file_or_touches_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("source.db");
    let status = Command::new(BENCH)
        .args(["generate", "--db"])
        .arg(&db)
        .args(["--contacts", "3000", "--accounts", "300"])
        .status()
        .unwrap();
    assert!(status.success());
    let before = batch_total(&db);
    let out = dir.path().join("backup.db");
    let mut rng = fastrand::Rng::with_seed(11);
    let mut completed = 0;
    for _ in 0..15 {
        let _ = std::fs::remove_file(&out);
        let mut child = Command::new(BENCH)
            .args(["backup", "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&out)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(1..120)));
        child.kill().unwrap();
        if child.wait().unwrap().success() {
            completed += 1;
        }
        if out.exists() {
            assert!(
                backup::integrity(&out, "integrity_check")
                    .unwrap()
                    .is_empty(),
                "a backup under the chosen name is whole"
            );
            assert_eq!(batch_total(&out), before);
        }
        assert!(
            backup::integrity(&db, "integrity_check")
                .unwrap()
                .is_empty()
        );
        assert_eq!(batch_total(&db), before, "the original is untouched");
    }
    // A backup after all those kills succeeds and clears the killed ones' temporary files.
    let status = Command::new(BENCH)
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let partials = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(partials, 0);
    let _ = completed;
}

fn batch_total(db: &Path) -> i64 {
    let db = Db::open(db).unwrap();
    db.conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    Db::open(db)
        .unwrap()
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_killed_import_leaves_all_of_the_file_or_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    let rows = 6000;
    let mut text = String::from("First Name,Last Name,E-mail,Mobile Phone\n");
    for i in 0..rows {
        text.push_str(&format!(
            "Person,{i},p{i}@example.com,+49 171 {:07}\n",
            1_000_000 + i
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let mut rng = fastrand::Rng::with_seed(23);
    let mut none = 0;
    for round in 0..12 {
        let db = dir.path().join(format!("import-{round}.db"));
        drop(Db::open(&db).unwrap());
        let list = (round % 2 == 1).then(|| format!("List {round}"));
        let mut cmd = Command::new(BENCH);
        cmd.args(["import", "--db"]).arg(&db).arg("--csv").arg(&csv);
        if let Some(name) = &list {
            cmd.args(["--call-list", name]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(20..2500)));
        child.kill().unwrap();
        child.wait().unwrap();
        let acknowledged = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .any(|l| l.starts_with("imported"));
        assert!(
            backup::integrity(&db, "integrity_check")
                .unwrap()
                .is_empty(),
            "round {round}: the file is intact"
        );
        let (table, expect) = match list {
            Some(_) => ("call_list_entries", rows as i64),
            None => ("contacts", rows as i64),
        };
        let n = count(&db, &format!("SELECT count(*) FROM {table}"));
        let logged = count(&db, "SELECT count(*) FROM change_log");
        match n {
            0 => {
                assert!(
                    !acknowledged,
                    "round {round}: an acknowledged import is missing"
                );
                assert_eq!(logged, 0, "round {round}: nothing half-logged");
                none += 1;
            }
            n if n == expect => {}
            n => panic!("round {round}: {n} of {expect} {table} rows: a half import"),
        }
    }
    assert!(none > 0, "some imports were killed before they committed");
}

#[test]
fn backups_taken_while_another_process_writes_hold_whole_batches() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("busy.db");
    drop(Db::open(&db).unwrap());
    let mut writer = Command::new(BENCH)
        .args(["crash-writer", "--db"])
        .arg(&db)
        .args(["--batches", "60", "--size", &SIZE.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Back up only once the writer is under way (a loaded machine may take a while to start
    // it), then keep backing up while it writes on.
    let mut acks = BufReader::new(writer.stdout.take().unwrap()).lines();
    let first = acks.next().and_then(Result::ok).unwrap_or_default();
    assert!(
        first.starts_with("committed"),
        "the writer started: {first:?}"
    );
    std::thread::spawn(move || acks.for_each(drop));
    let mut seen = Vec::new();
    for i in 0..6 {
        std::thread::sleep(Duration::from_millis(100));
        let out = dir.path().join(format!("backup-{i}.db"));
        let source = Db::open(&db).unwrap();
        backup::backup(&source, &out).unwrap();
        assert!(
            backup::integrity(&out, "integrity_check")
                .unwrap()
                .is_empty(),
            "backup {i} is intact"
        );
        let counts = batch_counts(&out);
        for (batch, n) in &counts {
            assert_eq!(*n, SIZE as i64, "backup {i}: batch {batch} is half there");
        }
        seen.push(counts.len());
    }
    writer.kill().unwrap();
    writer.wait().unwrap();
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "each backup holds at least what the one before held: {seen:?}"
    );
    assert!(
        seen.iter().any(|n| *n > 0),
        "the writer was writing: {seen:?}"
    );
}
