//! One owner of the data file: the desktop app (here, a `Db` held open by the test process)
//! and `rapport` commands (real separate processes) share one file without losing a write,
//! even after something in the app's process opened and closed the file (a GTK file dialog
//! browsing the folder does), which silently drops every POSIX lock SQLite held on it.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rapport_core::Db;
use rapport_core::people::contacts::{self, ContactInput, ContactQuery};

fn rapport(db: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("rapport")
        .unwrap()
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = rapport(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn add(db: &mut Db, last: &str) {
    contacts::create(
        db,
        &ContactInput {
            last_name: last.into(),
            ..Default::default()
        },
    )
    .unwrap();
}

fn names_seen_by_the_cli(db: &Path) -> Vec<String> {
    let listed: serde_json::Value =
        serde_json::from_str(&ok(db, &["contacts", "list", "--format", "json"])).unwrap();
    let mut names: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

fn names(db: &Db) -> Vec<String> {
    let mut names: Vec<String> = contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.last_name)
        .collect();
    names.sort();
    names
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// What GTK's file chooser does while it shows the data file's folder: open each file and
/// close it again, inside the app's process. POSIX advisory locks belong to the process and
/// the file, so every lock SQLite held on them is gone afterwards.
fn browse_folder_like_a_file_dialog(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(file) = std::fs::File::open(side(path, suffix)) {
            drop(file);
        }
    }
}

#[test]
fn a_cli_write_while_the_app_is_open_and_idle_is_seen_by_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let mut app = Db::open(&path).unwrap();
    add(&mut app, "App");
    ok(&path, &["contacts", "add", "--last-name", "Cli"]);
    assert_eq!(names(&app), ["App", "Cli"]);
    add(&mut app, "Later");
    assert_eq!(names_seen_by_the_cli(&path), ["App", "Cli", "Later"]);
}

#[test]
fn after_a_file_dialog_dropped_the_apps_locks_a_cli_run_loses_none_of_the_apps_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let mut app = Db::open(&path).unwrap();
    add(&mut app, "Before");
    browse_folder_like_a_file_dialog(&path);

    // The CLI writes and exits while the app is open (and idle).
    ok(&path, &["contacts", "add", "--last-name", "Cli"]);
    assert!(
        side(&path, "-wal").exists(),
        "the CLI removed the WAL the app still writes into"
    );
    assert_eq!(names(&app), ["Before", "Cli"]);

    // The app goes on writing; another process sees it.
    add(&mut app, "After");
    assert_eq!(
        names_seen_by_the_cli(&path),
        ["After", "Before", "Cli"],
        "the app's write went into a WAL nobody else can see"
    );
    browse_folder_like_a_file_dialog(&path);
    ok(&path, &["contacts", "add", "--last-name", "Cli2"]);
    add(&mut app, "Last");

    // The app quits without closing its connection (a desktop app often exits that way);
    // everything is in the file when it starts again.
    std::mem::forget(app);
    assert_eq!(
        names_seen_by_the_cli(&path),
        ["After", "Before", "Cli", "Cli2", "Last"]
    );
    let check = rapport(&path, &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_restore_is_refused_while_another_program_has_the_file_open_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let saved = dir.path().join("saved.db");
    let mut app = Db::open(&path).unwrap();
    add(&mut app, "Kept");
    rapport_core::data::backup::backup(&app, &saved).unwrap();
    add(&mut app, "Also kept");

    let out = rapport(&path, &["restore", saved.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "names the program: {stderr}"
    );
    assert!(
        stderr.contains(&format!("{} open", path.display())) && stderr.contains("then restore"),
        "{stderr}"
    );
    // Nothing happened: the app goes on, and no safety copy was taken.
    add(&mut app, "After");
    assert_eq!(names(&app), ["After", "Also kept", "Kept"]);
    assert!(!dir.path().join("backups").exists());

    drop(app);
    let report: serde_json::Value = serde_json::from_str(&ok(
        &path,
        &["restore", saved.to_str().unwrap(), "--format", "json"],
    ))
    .unwrap();
    assert!(report["safety_backup"].as_str().is_some());
    assert_eq!(names_seen_by_the_cli(&path), ["Kept"]);
}

#[test]
fn a_command_waits_for_the_apps_turn_then_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let mut app = Db::open(&path).unwrap();
    add(&mut app, "App");
    let turn = app.turn().unwrap();
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(&path)
        .args(["contacts", "add", "--last-name", "Cli"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(
        cli.try_wait().unwrap().is_none(),
        "the command waits while the app uses the file"
    );
    // The app's own work goes on meanwhile.
    add(&mut app, "App2");
    drop(turn);
    assert!(cli.wait().unwrap().success());
    assert_eq!(names(&app), ["App", "App2", "Cli"]);
}

#[test]
fn a_command_started_during_a_restore_waits_then_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    drop(Db::open(&path).unwrap());
    // A little patience: a process another test spawns at this moment holds a copy of the
    // closed handle's lock until it starts its program.
    let restoring = rapport_core::store::owner::Sole::claim(
        &path,
        std::time::Duration::from_secs(2),
        "restore",
    )
    .unwrap();
    let out = rapport(&path, &["contacts", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is being restored"), "{stderr}");
    drop(restoring);
    ok(&path, &["contacts", "list"]);
}
