//! `rapport history` and `rapport undo` (by batch id and --last).

#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;

struct Sandbox {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.db");
        Sandbox { _dir: dir, db }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("rapport")
            .unwrap()
            .env_remove("RAPPORT_DB")
            .env("TZ", "Europe/Paris")
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

#[test]
fn history_shows_actions_in_words_and_undo_last_walks_back() {
    let s = Sandbox::new();
    let ann = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ann",
        "--last-name",
        "Lee",
    ]);
    let ann = ann.trim();
    s.ok(&["contacts", "update", ann, "--title", "Buyer"]);

    let actions = s.json(&["history", "--format", "json"]);
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["summary"], "Changed contact Ann Lee (1 field)");
    assert_eq!(actions[1]["summary"], "Added contact Ann Lee");
    assert_eq!(actions[0]["origin"], "cli");
    assert_eq!(actions[0]["can_undo"], true);
    assert_eq!(actions[1]["can_undo"], false);
    assert!(
        actions[1]["why_not"]
            .as_str()
            .unwrap()
            .starts_with("Cannot undo")
    );
    for key in ["batch_id", "at", "changes", "undone_by", "undoes"] {
        assert!(actions[0].get(key).is_some(), "{key}");
    }
    let table = s.ok(&["history"]);
    assert!(table.starts_with("WHEN"), "{table}");
    assert!(table.contains("Added contact Ann Lee"), "{table}");

    // Paging.
    let older = s.json(&[
        "history",
        "--before",
        actions[0]["batch_id"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(older.as_array().unwrap().len(), 1);

    // --last undoes the edit, then the creation.
    let out = s.run(&["undo", "--last"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Undone: Changed contact Ann Lee"));
    s.ok(&["undo", "--last"]);
    let left = s.json(&["contacts", "list", "--format", "json"]);
    assert_eq!(left.as_array().unwrap().len(), 0);

    let actions = s.json(&["history", "--limit", "2", "--format", "json"]);
    assert_eq!(actions[0]["summary"], "Undid: Added contact Ann Lee");
    assert_eq!(actions.as_array().unwrap().len(), 2);

    // Nothing left: a plain refusal.
    let out = s.run(&["undo", "--last"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing to undo"));
}
