//! The `rapport` command as scripts see it: stdout, one-line stderr, exit codes.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

struct Sandbox {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.db");
        Sandbox { _dir: dir, db }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("rapport").unwrap();
        // Local times typed on the command line are read in this zone.
        cmd.env_remove("RAPPORT_DB")
            .env("TZ", "Europe/Paris")
            .arg("--db")
            .arg(&self.db)
            .args(args);
        cmd
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail with `code`; returns its stderr.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "one line on stderr: {stderr:?}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "nothing on stdout when failing");
        stderr
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

fn is_uuid_v7(id: &str) -> bool {
    id.len() == 36
        && id.as_bytes()[14] == b'7'
        && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[test]
fn init_creates_the_database_and_is_idempotent() {
    let s = Sandbox::new();
    let out = s.ok(&["init"]);
    let newest = rapport_core::store::db::MIGRATIONS.len();
    assert!(
        out.contains(&format!("ready (schema version {newest})")),
        "{out}"
    );
    assert!(s.db.exists());
    s.ok(&["init"]);
}

#[test]
fn contacts_and_accounts_round_trip_as_json() {
    let s = Sandbox::new();
    let acme = s.ok(&[
        "accounts",
        "add",
        "--name",
        "Acme Tools",
        "--industry",
        "Manufacturing",
    ]);
    let acme = acme.trim();
    assert!(is_uuid_v7(acme), "prints the new id alone: {acme:?}");

    let ada = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--email",
        "ada@acme.example",
        "--account",
        "acme tools",
    ]);
    let ada = ada.trim().to_owned();
    assert!(is_uuid_v7(&ada));
    // An account named for the first time is created and linked.
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Grace",
        "--last-name",
        "Hopper",
        "--account",
        "Navy",
    ]);

    let contacts = s.json(&["contacts", "list", "--format", "json"]);
    let contacts = contacts.as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    let first = &contacts[1];
    assert_eq!(first["id"], ada.as_str());
    assert_eq!(first["first_name"], "Ada");
    assert_eq!(first["last_name"], "Lovelace");
    assert_eq!(first["email"], "ada@acme.example");
    assert_eq!(first["account_id"], acme);
    assert_eq!(first["account_name"], "Acme Tools");
    assert!(first["phone"].is_null());
    assert!(first["updated_at"].as_str().unwrap().ends_with('Z'));

    let accounts = s.json(&["accounts", "list", "--format", "json"]);
    let names: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Tools", "Navy"]);
    assert_eq!(accounts[0]["contact_count"], 1);

    let full = s.json(&["contacts", "get", &ada, "--format", "json"]);
    assert_eq!(
        full["emails"],
        serde_json::json!([{"label": "work", "address": "ada@acme.example"}])
    );

    s.ok(&[
        "contacts",
        "update",
        &ada,
        "--title",
        "Analyst",
        "--phone",
        "+44 20 7946 0958",
    ]);
    let full = s.json(&["contacts", "get", &ada, "--format", "json"]);
    assert_eq!(full["title"], "Analyst");
    assert_eq!(full["phones"][0]["number"], "+44 20 7946 0958");
    assert_eq!(
        full["emails"][0]["address"], "ada@acme.example",
        "untouched flags keep their values"
    );

    s.ok(&["contacts", "delete", &ada]);
    assert_eq!(
        s.json(&["contacts", "list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_table_format_is_for_people() {
    let s = Sandbox::new();
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--email",
        "ada@x.example",
    ]);
    let table = s.ok(&["contacts", "list"]);
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("ID "));
    assert!(lines.next().unwrap().contains("Ada Lovelace"));
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_problem() {
    let s = Sandbox::new();
    let err = s.fails(2, &["contacts", "add", "--email", "ada@x.example"]);
    assert!(err.contains("--first-name"), "{err}");

    let err = s.fails(
        2,
        &[
            "contacts",
            "add",
            "--first-name",
            "Ada",
            "--email",
            "not-an-email",
        ],
    );
    assert!(
        err.contains("--email #1") && err.contains("not-an-email"),
        "{err}"
    );

    let err = s.fails(
        2,
        &[
            "accounts",
            "add",
            "--name",
            "X",
            "--annual-revenue",
            "12,50",
            "--currency",
            "EUR",
        ],
    );
    assert!(err.contains("--annual-revenue"), "{err}");

    let err = s.fails(
        2,
        &[
            "contacts",
            "add",
            "--first-name",
            "Ada",
            "--shoe-size",
            "38",
        ],
    );
    assert!(err.contains("--shoe-size"), "{err}");

    let err = s.fails(2, &["contacts", "get", "0190-nope"]);
    assert!(err.contains("No contact with id 0190-nope"), "{err}");

    let err = s.fails(2, &["contacts", "list", "--format", "xml"]);
    assert!(err.contains("xml"), "{err}");

    // Ambiguous account names are refused rather than guessed.
    s.ok(&["accounts", "add", "--name", "Twin"]);
    s.ok(&["accounts", "add", "--name", "twin"]);
    let err = s.fails(
        2,
        &["contacts", "add", "--first-name", "A", "--account", "Twin"],
    );
    assert!(err.contains("2 accounts are named"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_exits_1_and_is_left_alone() {
    let s = Sandbox::new();
    let bytes = b"first,last\nAda,Lovelace\n".repeat(400);
    std::fs::write(&s.db, &bytes).unwrap();
    let err = s.fails(1, &["contacts", "list"]);
    assert!(
        err.contains("is not a Rapport database") && err.contains("crm.db"),
        "{err}"
    );
    assert_eq!(std::fs::read(&s.db).unwrap(), bytes);
}

#[test]
fn the_database_comes_from_rapport_db_when_no_flag_is_given() {
    let s = Sandbox::new();
    let mut cmd = Command::cargo_bin("rapport").unwrap();
    cmd.env("RAPPORT_DB", &s.db)
        .args(["accounts", "add", "--name", "Env Corp"]);
    cmd.assert().success();
    let listed = s.ok(&["accounts", "list", "--format", "json"]);
    assert!(listed.contains("Env Corp"));
    assert!(Path::new(&s.db).exists());
}

#[test]
fn help_documents_the_json_contract() {
    let s = Sandbox::new();
    let help = s.ok(&["help"]);
    for needle in ["EXIT CODES", "JSON OUTPUT", "contacts list", "amount_minor"] {
        assert!(help.contains(needle), "help lacks {needle}");
    }
}

#[test]
fn search_duplicates_merge_and_undo_from_the_command_line() {
    let s = Sandbox::new();
    let ada = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--email",
        "ada@x.example",
    ]);
    let ada = ada.trim();
    let king = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Augusta",
        "--last-name",
        "King",
        "--email",
        "ADA@x.example",
        "--title",
        "Countess",
    ]);
    let king = king.trim();
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Grace",
        "--last-name",
        "Hopper",
    ]);

    let found = s.json(&["contacts", "search", "lovel", "--format", "json"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["id"], ada);
    let found = s.json(&["contacts", "search", "\"(ada*", "--format", "json"]);
    assert_eq!(
        found.as_array().unwrap().len(),
        2,
        "hostile input is just words"
    );

    let groups = s.json(&["duplicates", "--format", "json"]);
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["entity"], "contacts");
    assert_eq!(groups[0]["reasons"][0], "same e-mail ada@x.example");
    let ids: Vec<&str> = groups[0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [ada, king]);

    let merged = s.json(&[
        "contacts",
        "merge",
        ada,
        king,
        "--take",
        "last-name",
        "--format",
        "json",
    ]);
    assert_eq!(merged["survivor"]["last_name"], "King");
    assert_eq!(merged["survivor"]["title"], "Countess");
    assert_eq!(merged["merged_id"], king);
    let batch = merged["batch_id"].as_str().unwrap().to_owned();
    assert_eq!(
        s.json(&["contacts", "list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    s.ok(&["undo", &batch]);
    assert_eq!(
        s.json(&["contacts", "list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        s.json(&["contacts", "get", ada, "--format", "json"])["last_name"],
        "Lovelace"
    );
    let err = s.fails(2, &["undo", &batch]);
    assert!(err.contains("Cannot undo"), "{err}");
    let err = s.fails(2, &["contacts", "merge", ada, king, "--take", "shoe_size"]);
    assert!(err.contains("--take"), "{err}");
}

#[test]
fn owners_tags_consent_and_types_from_the_command_line() {
    let s = Sandbox::new();
    let sam = s.ok(&[
        "team",
        "add",
        "--name",
        "Sam Seller",
        "--email",
        "sam@us.example",
    ]);
    let team = s.json(&["team", "list", "--format", "json"]);
    assert_eq!(team[0]["id"], sam.trim());
    let acme = s.ok(&[
        "accounts",
        "add",
        "--name",
        "Acme",
        "--type",
        "customer",
        "--owner",
        "sam seller",
        "--tag",
        "key account",
    ]);
    let acme = s.json(&["accounts", "get", acme.trim(), "--format", "json"]);
    assert_eq!(acme["type"], "customer");
    assert_eq!(acme["owner_name"], "Sam Seller");
    assert_eq!(acme["tags"], serde_json::json!(["key account"]));

    let ada = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--birthday",
        "1915-12-10",
        "--channel",
        "letter",
        "--do-not-email",
        "yes",
        "--tag",
        "vip",
        "--tag",
        "newsletter",
        "--owner",
        "Sam Seller",
    ]);
    let got = s.json(&["contacts", "get", ada.trim(), "--format", "json"]);
    assert_eq!(got["birthday"], "1915-12-10");
    assert_eq!(got["preferred_channel"], "letter");
    assert!(got["do_not_email_since"].as_str().unwrap().ends_with('Z'));
    assert!(got["do_not_call_since"].is_null());
    assert_eq!(got["tags"], serde_json::json!(["newsletter", "vip"]));
    assert_eq!(got["owner_name"], "Sam Seller");

    let err = s.fails(
        2,
        &["contacts", "add", "--first-name", "B", "--owner", "Nobody"],
    );
    assert!(err.contains("--owner") && err.contains("Nobody"), "{err}");
    let err = s.fails(
        2,
        &[
            "contacts",
            "add",
            "--first-name",
            "B",
            "--birthday",
            "12/10/1815",
        ],
    );
    assert!(
        err.contains("--birthday") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
    let err = s.fails(2, &["accounts", "add", "--name", "B", "--type", "friend"]);
    assert!(err.contains("--type"), "{err}");
}

#[test]
fn filters_and_bulk_actions_from_the_command_line() {
    let s = Sandbox::new();
    s.ok(&["team", "add", "--name", "Sam"]);
    let a = s.ok(&["contacts", "add", "--first-name", "Ann", "--tag", "vip"]);
    let b = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Bob",
        "--do-not-email",
        "yes",
    ]);
    s.ok(&["contacts", "add", "--first-name", "Cy"]);
    let (a, b) = (a.trim(), b.trim());

    let vip = s.json(&["contacts", "list", "--tag", "VIP", "--format", "json"]);
    assert_eq!(vip.as_array().unwrap().len(), 1);
    let emailable = s.json(&["contacts", "list", "--emailable", "--format", "json"]);
    assert_eq!(emailable.as_array().unwrap().len(), 2);

    let r = s.json(&[
        "bulk",
        "contacts",
        "--id",
        a,
        "--id",
        b,
        "--add-tag",
        "fair",
        "--format",
        "json",
    ]);
    assert_eq!(r["changed"], 2);
    s.ok(&["bulk", "contacts", "--id", a, "--id", b, "--owner", "sam"]);
    let owned = s.json(&["contacts", "list", "--owner", "Sam", "--format", "json"]);
    assert_eq!(owned.as_array().unwrap().len(), 2);
    let unowned = s.json(&["contacts", "list", "--owner", "none", "--format", "json"]);
    assert_eq!(unowned.as_array().unwrap().len(), 1);

    let batch = s.ok(&["bulk", "contacts", "--id", a, "--id", b, "--delete"]);
    assert_eq!(
        s.json(&["contacts", "list", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.ok(&["undo", batch.trim()]);
    assert_eq!(
        s.json(&["contacts", "list", "--tag", "fair", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    s.ok(&["segments", "add", "--name", "Fair invitations", "--static"]);
    s.ok(&[
        "bulk",
        "contacts",
        "--id",
        a,
        "--id",
        b,
        "--add-to-list",
        "fair invitations",
    ]);
    assert_eq!(s.ok(&["segments", "count", "Fair invitations"]).trim(), "2");
    let err = s.fails(2, &["bulk", "contacts", "--id", a, "--add-to-list", "Nope"]);
    assert!(err.contains("No segment is named \"Nope\""), "{err}");

    let err = s.fails(2, &["bulk", "contacts", "--id", a]);
    assert!(err.contains("say what to do"), "{err}");
    let err = s.fails(
        2,
        &["bulk", "contacts", "--id", a, "--delete", "--owner", "Sam"],
    );
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn custom_fields_from_the_command_line() {
    let s = Sandbox::new();
    let tier = s.ok(&[
        "fields",
        "add",
        "--entity",
        "contacts",
        "--label",
        "Tier",
        "--kind",
        "single select",
        "--option",
        "Gold",
        "--option",
        "Silver",
    ]);
    let tier = tier.trim();
    s.ok(&[
        "fields",
        "add",
        "--entity",
        "accounts",
        "--label",
        "Contract ends",
        "--kind",
        "date",
    ]);
    let listed = s.json(&["fields", "list", "--format", "json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["kind"], "single_select");

    let ada = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--field",
        "tier=gold",
    ]);
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Bob",
        "--field",
        "Tier=Silver",
    ]);
    let got = s.json(&["contacts", "get", ada.trim(), "--format", "json"]);
    assert_eq!(got["custom"][tier], "Gold");
    let gold = s.json(&[
        "contacts",
        "list",
        "--where",
        "Tier=Gold",
        "--format",
        "json",
    ]);
    assert_eq!(gold.as_array().unwrap().len(), 1);
    assert_eq!(gold[0]["custom"][tier], "Gold");

    s.ok(&["fields", "rename", tier, "--label", "Customer tier"]);
    assert_eq!(
        s.json(&["contacts", "get", ada.trim(), "--format", "json"])["custom"][tier],
        "Gold"
    );
    s.ok(&[
        "contacts",
        "update",
        ada.trim(),
        "--field",
        "Customer tier=",
    ]);
    assert!(
        s.json(&["contacts", "get", ada.trim(), "--format", "json"])["custom"]
            .get(tier)
            .is_none()
    );

    let err = s.fails(
        2,
        &[
            "contacts",
            "add",
            "--first-name",
            "C",
            "--field",
            "Customer tier=Bronze",
        ],
    );
    assert!(
        err.contains("\"Bronze\" is not one of Gold, Silver"),
        "{err}"
    );
    let err = s.fails(
        2,
        &[
            "contacts",
            "add",
            "--first-name",
            "C",
            "--field",
            "Shoe size=42",
        ],
    );
    assert!(err.contains("no custom field \"Shoe size\""), "{err}");
    let err = s.fails(
        2,
        &[
            "fields", "add", "--entity", "contacts", "--label", "X", "--kind", "colour",
        ],
    );
    assert!(err.contains("--kind"), "{err}");
}

#[test]
fn a_view_saved_in_the_app_drives_the_command_line_list() {
    let s = Sandbox::new();
    s.ok(&["contacts", "add", "--first-name", "Ann", "--tag", "vip"]);
    s.ok(&["contacts", "add", "--first-name", "Bob"]);
    {
        let mut db = rapport_core::Db::open(&s.db).unwrap();
        let definition = serde_json::json!({"tags": ["vip"], "sort": "name", "columns": ["name"]});
        rapport_core::records::views::save(&mut db, "contacts", "VIPs", &definition).unwrap();
    }
    let views = s.json(&["views", "--format", "json"]);
    assert_eq!(views[0]["name"], "VIPs");
    let vips = s.json(&["contacts", "list", "--view", "vips", "--format", "json"]);
    assert_eq!(vips.as_array().unwrap().len(), 1);
    assert_eq!(vips[0]["first_name"], "Ann");
    let err = s.fails(2, &["contacts", "list", "--view", "Nope"]);
    assert!(
        err.contains("no saved contacts view called \"Nope\""),
        "{err}"
    );
}

#[test]
fn backup_and_check() {
    let s = Sandbox::new();
    s.ok(&["contacts", "add", "--first-name", "Ada"]);
    let out = s.db.with_file_name("copy.db");
    let report = s.json(&["backup", "--out", out.to_str().unwrap(), "--format", "json"]);
    assert!(report["bytes"].as_u64().unwrap() > 0);
    let copy = Command::cargo_bin("rapport")
        .unwrap()
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(&out)
        .args(["contacts", "list", "--format", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&copy.stdout).unwrap();
    assert_eq!(
        listed[0]["first_name"], "Ada",
        "the backup opens and holds the data"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left behind");

    let healthy = s.ok(&["check"]);
    assert!(healthy.contains("healthy"), "{healthy}");
    let err = s.fails(2, &["backup", "--out", s.db.to_str().unwrap()]);
    assert!(
        err.contains("cannot replace the database it copies"),
        "{err}"
    );

    let broken = s.db.with_file_name("broken.db");
    std::fs::write(
        &broken,
        b"this is not a database at all, just text".repeat(200),
    )
    .unwrap();
    let out = Command::cargo_bin("rapport")
        .unwrap()
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(&broken)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("broken.db") && stderr.contains("not a Rapport database"),
        "{stderr}"
    );
    let missing = s.db.with_file_name("missing.db");
    let out = Command::cargo_bin("rapport")
        .unwrap()
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(&missing)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists(), "check never creates a file");
}

#[test]
fn a_call_logged_with_its_follow_up_shows_in_the_list_and_the_agenda() {
    let s = Sandbox::new();
    let ada = s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
    ]);
    let ada = ada.trim();
    let tomorrow = (chrono::Local::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    let follow_due = format!("{tomorrow}T10:00");
    let logged = s.json(&[
        "activities",
        "add",
        "--type",
        "call",
        "--subject",
        "Intro call",
        "--contact",
        ada,
        "--done",
        "--outcome",
        "connected",
        "--follow-up",
        "Send the quote",
        "--follow-up-due",
        &follow_due,
        "--format",
        "json",
    ]);
    assert_eq!(logged["activity"]["kind"], "call");
    assert_eq!(logged["activity"]["outcome"], "connected");
    assert!(logged["activity"]["done_at"].is_string());
    assert_eq!(logged["follow_up"]["subject"], "Send the quote");
    assert_eq!(logged["follow_up"]["links"][0]["name"], "Ada Lovelace");
    assert!(is_uuid_v7(logged["batch_id"].as_str().unwrap()));

    let list = s.json(&["activities", "list", "--contact", ada, "--format", "json"]);
    let subjects: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Send the quote", "Intro call"]);

    let agenda = s.json(&["agenda", "--days", "3", "--format", "json"]);
    let upcoming = agenda["upcoming"].to_string() + &agenda["due_today"].to_string();
    assert!(upcoming.contains("Send the quote"), "{agenda}");
    assert!(
        !upcoming.contains("Intro call"),
        "done items are not on the agenda"
    );
}

#[test]
fn a_monthly_commitment_brings_up_its_next_occurrence_when_done() {
    let s = Sandbox::new();
    let acme = s.ok(&["accounts", "add", "--name", "Acme"]);
    let first = s.ok(&[
        "activities",
        "add",
        "--type",
        "task",
        "--subject",
        "Monthly statement",
        "--account",
        acme.trim(),
        "--due",
        "2026-02-01T09:00",
        "--rrule",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        "--remind-before",
        "60",
    ]);
    let next = s.json(&["activities", "done", first.trim(), "--format", "json"]);
    // 09:00 in Paris: 08:00 UTC in winter...
    assert_eq!(next["activity"]["starts_at"], "2026-02-01T08:00:00.000Z");
    assert_eq!(next["next"]["starts_at"], "2026-03-01T08:00:00.000Z");
    assert_eq!(next["next"]["repeat"], "FREQ=MONTHLY;BYMONTHDAY=1");
    assert_eq!(next["next"]["repeat_text"], "Every month on day 1");
    assert_eq!(next["next"]["remind_at"], "2026-03-01T07:00:00.000Z");
    // ...and 07:00 UTC after the clocks change.
    let after = s.ok(&["activities", "done", next["next"]["id"].as_str().unwrap()]);
    let third = s.json(&["activities", "get", after.trim(), "--format", "json"]);
    assert_eq!(third["starts_at"], "2026-04-01T07:00:00.000Z");
}

#[test]
fn bad_activity_input_is_named_by_its_flag() {
    let s = Sandbox::new();
    let err = s.fails(
        2,
        &[
            "activities",
            "add",
            "--subject",
            "Call",
            "--due",
            "next friday",
        ],
    );
    assert!(
        err.contains("--due") && err.contains("\"next friday\""),
        "{err}"
    );
    let err = s.fails(
        2,
        &[
            "activities",
            "add",
            "--subject",
            "Call",
            "--type",
            "meating",
        ],
    );
    assert!(err.contains("--type") && err.contains("meeting"), "{err}");
    let err = s.fails(
        2,
        &[
            "activities",
            "add",
            "--subject",
            "X",
            "--due",
            "2026-01-01",
            "--rrule",
            "every month",
        ],
    );
    assert!(
        err.contains("--rrule") && err.contains("FREQ=MONTHLY"),
        "{err}"
    );
    let err = s.fails(
        2,
        &["activities", "add", "--subject", "X", "--contact", "nobody"],
    );
    assert!(err.contains("no contact with id nobody"), "{err}");
    let err = s.fails(2, &["activities", "done", "nope"]);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn deals_move_through_the_pipeline_and_the_board_sums_them_in_integers() {
    let s = Sandbox::new();
    let acme = s.ok(&["accounts", "add", "--name", "Acme"]);
    let engines = s.ok(&[
        "deals",
        "add",
        "--name",
        "Two engines",
        "--account-id",
        acme.trim(),
        "--amount",
        "5000",
        "--currency",
        "EUR",
        "--close",
        "2026-12-31",
    ]);
    s.ok(&[
        "deals",
        "add",
        "--name",
        "Fleet",
        "--amount",
        "0.05",
        "--currency",
        "EUR",
        "--stage",
        "Negotiation",
    ]);
    let moved = s.json(&[
        "deals",
        "move",
        engines.trim(),
        "--stage",
        "proposal sent",
        "--create-tasks",
        "--format",
        "json",
    ]);
    assert_eq!(moved["opportunity"]["stage_name"], "Proposal sent");
    assert_eq!(moved["opportunity"]["probability"], 60);
    assert_eq!(moved["created"].as_array().unwrap().len(), 2, "{moved}");

    let board = s.json(&["pipeline", "--format", "json"]);
    let column = |name: &str| {
        board["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["stage"]["name"] == name)
            .unwrap()
            .clone()
    };
    let proposal = column("Proposal sent");
    assert_eq!(proposal["totals"]["count"], 1);
    assert_eq!(proposal["totals"]["amount"][0]["amount_minor"], 500_000);
    assert_eq!(proposal["totals"]["weighted"][0]["amount_minor"], 300_000);
    assert_eq!(proposal["cards"][0]["account_name"], "Acme");
    // 5 cents at 80% is 4 cents exactly; the open total is 3000.04 EUR.
    assert_eq!(
        column("Negotiation")["totals"]["weighted"][0]["amount_minor"],
        4
    );
    assert_eq!(board["open"]["weighted"][0]["amount_minor"], 300_004);

    let err = s.fails(2, &["deals", "move", engines.trim(), "--stage", "Lost"]);
    assert!(err.contains("--lost-reason: is required"), "{err}");
    let err = s.fails(2, &["deals", "move", engines.trim(), "--stage", "Closed"]);
    assert!(err.contains("its stages are: Prospecting"), "{err}");
    s.ok(&[
        "deals",
        "move",
        engines.trim(),
        "--stage",
        "Lost",
        "--lost-reason",
        "price",
    ]);
    let deal = s.json(&["deals", "get", engines.trim(), "--format", "json"]);
    assert_eq!(deal["lost_reason"], "Price");
    assert_eq!(deal["stage_kind"], "lost");
    let history = s.json(&["deals", "history", engines.trim(), "--format", "json"]);
    assert_eq!(history.as_array().unwrap().len(), 3);

    let err = s.fails(2, &["pipelines", "remove-stage", "Negotiation"]);
    assert!(err.contains("1 deal is in Negotiation"), "{err}");
    s.ok(&[
        "pipelines",
        "remove-stage",
        "Negotiation",
        "--move-to",
        "Qualification",
    ]);
    let list = s.json(&["deals", "list", "--status", "open", "--format", "json"]);
    assert_eq!(list[0]["stage_name"], "Qualification");

    let forecast = s.json(&["forecast", "--format", "json"]);
    assert!(forecast["months"].as_array().unwrap().len() >= 12);
}

#[test]
fn import_prints_a_report_whose_counts_add_up_and_names_bad_files() {
    let s = Sandbox::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    let file = fixtures.join("google-contacts.csv");
    let report = s.json(&[
        "import",
        "contacts",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["rows_read"], 3);
    assert_eq!(report["created"], 1);
    assert_eq!(report["skipped"], 1);
    assert_eq!(report["rejected"][0]["line"], 3);
    // Mapping a column away: the bad e-mail is not imported, so that row now imports.
    let again = s.json(&[
        "import",
        "contacts",
        file.to_str().unwrap(),
        "--map",
        "E-mail 1 - Value=",
        "--dedup",
        "create",
        "--format",
        "json",
    ]);
    assert_eq!(again["created"], 3, "{again}");
    assert!(again["mapping"][2].is_null());
    let undo = s.ok(&["undo", again["batch_id"].as_str().unwrap()]);
    assert!(!undo.trim().is_empty());
    let contacts = s.json(&["contacts", "list", "--format", "json"]);
    assert_eq!(
        contacts.as_array().unwrap().len(),
        1,
        "the second import is gone, the first stays"
    );

    let err = s.fails(
        2,
        &[
            "import",
            "contacts",
            fixtures.join("binary.csv").to_str().unwrap(),
        ],
    );
    assert!(err.contains("binary.csv is not a text file"), "{err}");
    let err = s.fails(2, &["import", "contacts", "/no/such/file.csv"]);
    assert!(err.contains("/no/such/file.csv does not exist"), "{err}");
    let err = s.fails(
        2,
        &[
            "import",
            "contacts",
            file.to_str().unwrap(),
            "--map",
            "Fax=phone",
        ],
    );
    assert!(err.contains("has no column \"Fax\""), "{err}");
}

#[test]
fn export_json_loads_into_an_empty_database_and_csv_opens_as_a_table() {
    let s = Sandbox::new();
    let acme = s.ok(&["accounts", "add", "--name", "Acme"]);
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "=1+1",
        "--email",
        "ada@acme.example",
    ]);
    s.ok(&[
        "deals",
        "add",
        "--name",
        "Two engines",
        "--account-id",
        acme.trim(),
        "--amount",
        "5000",
        "--currency",
        "EUR",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("all.json");
    let report = s.json(&[
        "export",
        "json",
        "--out",
        archive.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t[0] == "opportunities" && t[1] == 1)
    );

    let other = Sandbox::new();
    other.ok(&["import", "archive", archive.to_str().unwrap()]);
    let deals = other.json(&["deals", "list", "--format", "json"]);
    assert_eq!(deals[0]["name"], "Two engines");
    assert_eq!(deals[0]["account_name"], "Acme");
    let err = other.fails(2, &["import", "archive", archive.to_str().unwrap()]);
    assert!(err.contains("empty database only"), "{err}");

    let csv_path = dir.path().join("people.csv");
    s.ok(&[
        "export",
        "csv",
        "--entity",
        "contacts",
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        text.starts_with("\u{feff}Id,First name,Last name"),
        "{text}"
    );
    assert!(text.contains(",Ada,'=1+1,"), "{text}");
    let err = s.fails(
        2,
        &[
            "export",
            "csv",
            "--entity",
            "ships",
            "--out",
            csv_path.to_str().unwrap(),
        ],
    );
    assert!(err.contains("\"ships\" is not one of"), "{err}");
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn a_call_list_is_worked_through_and_its_lead_converted_from_the_command_line() {
    let s = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fair.csv");
    std::fs::write(
        &file,
        "Name,Company,Phone,Stand\n\
         Ada Lovelace,Engines Ltd,+44 20 7946 0958,A12\n\
         Bob Builder,Build Co,+49 30 1234567,B3\n\
         Bob Again,Build Co,+49 30 1234567,B4\n\
         No Phone,Nowhere,,C1\n",
    )
    .unwrap();
    let report = json(&s.ok(&[
        "calllists",
        "import",
        file.to_str().unwrap(),
        "--name",
        "Spring fair",
        "--script",
        "Hello, this is ...",
        "--format",
        "json",
    ]));
    assert_eq!(report["rows_read"], 4);
    assert_eq!(report["added"], 2);
    assert_eq!(report["skipped"][0]["line"], 4);
    assert_eq!(report["rejected"][0]["line"], 5);
    assert!(
        report["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("Phone: no phone number")
    );

    let next = json(&s.ok(&["calllists", "next", "Spring fair", "--format", "json"]));
    assert_eq!(next["entry"]["name"], "Ada Lovelace");
    assert_eq!(
        next["entry"]["details"][0],
        serde_json::json!(["Stand", "A12"])
    );
    assert_eq!(next["script"], "Hello, this is ...");
    let ada = next["entry"]["id"].as_str().unwrap().to_owned();
    s.ok(&["calllists", "call", &ada, "--outcome", "no-answer"]);
    let bob = json(&s.ok(&["calllists", "next", "Spring fair", "--format", "json"]))["entry"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stderr = s.fails(2, &["calllists", "call", &bob, "--outcome", "call-back"]);
    assert!(stderr.contains("say when to call back"), "{stderr}");
    let called = json(&s.ok(&[
        "calllists",
        "call",
        &bob,
        "--outcome",
        "interested",
        "--note",
        "Wants a quote for 12 trucks",
        "--format",
        "json",
    ]));
    let lead = called["lead_id"].as_str().unwrap().to_owned();
    let progress = json(&s.ok(&["calllists", "progress", "spring fair", "--format", "json"]));
    assert_eq!(
        (
            &progress["total"],
            &progress["called"],
            &progress["promoted"],
            &progress["remaining"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(2),
            &serde_json::json!(1),
            &serde_json::json!(1)
        )
    );

    let leads = json(&s.ok(&["leads", "list", "--format", "json"]));
    assert_eq!(leads[0]["name"], "Bob Builder");
    assert_eq!(leads[0]["source"], "Call list");
    let suggest = json(&s.ok(&["leads", "suggest", &lead, "--format", "json"]));
    assert_eq!(suggest["activities"], 1);
    let converted = json(&s.ok(&[
        "leads",
        "convert",
        &lead,
        "--opportunity-name",
        "Build Co trucks",
        "--amount",
        "1234.50",
        "--currency",
        "EUR",
        "--format",
        "json",
    ]));
    for key in ["account_id", "contact_id", "opportunity_id"] {
        assert!(
            is_uuid_v7(converted[key].as_str().unwrap()),
            "{key}: {converted}"
        );
    }
    assert_eq!(converted["activities_moved"], 1);
    let deal = json(&s.ok(&[
        "deals",
        "get",
        converted["opportunity_id"].as_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(deal["amount"]["amount_minor"], 123_450);
    assert_eq!(deal["account_name"], "Build Co");
    let stderr = s.fails(2, &["leads", "convert", &lead]);
    assert!(stderr.contains("already converted"), "{stderr}");
}

#[test]
fn leads_are_added_listed_and_imported_from_form_exports() {
    let s = Sandbox::new();
    let id = s.ok(&[
        "leads",
        "add",
        "--name",
        "Zoe Adams",
        "--company",
        "Adams & Co",
        "--email",
        "zoe@adams.example",
        "--source",
        "Referral",
        "--rating",
        "hot",
        "--value",
        "2500",
        "--currency",
        "EUR",
    ]);
    assert!(is_uuid_v7(id.trim()));
    let stderr = s.fails(
        2,
        &["leads", "add", "--name", "X", "--email", "not-an-address"],
    );
    assert!(stderr.contains("email"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("form.json");
    std::fs::write(
        &file,
        r#"[{"name": "Yuri Gagarin", "email": "yuri@space.example", "message": "Call me"},
            {"name": "Zoe A.", "email": "ZOE@adams.example"}]"#,
    )
    .unwrap();
    let report = json(&s.ok(&[
        "import",
        "leads",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(
        (&report["created"], &report["skipped"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );
    let listed = json(&s.ok(&["leads", "list", "--source", "web form", "--format", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "Yuri Gagarin");
    let hot = json(&s.ok(&["leads", "list", "--rating", "hot", "--format", "json"]));
    assert_eq!(hot[0]["estimated_value"]["amount_minor"], 250_000);
    let sources = json(&s.ok(&["leads", "sources", "--format", "json"]));
    assert!(
        sources
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Web form" && s["leads"] == 1)
    );
}

#[test]
fn tickets_sla_and_agreements_from_the_command_line() {
    let s = Sandbox::new();
    let acme = s
        .ok(&["accounts", "add", "--name", "Acme"])
        .trim()
        .to_owned();
    // Round the clock, so the figures do not depend on when the test runs.
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        s.ok(&[
            "sla",
            "hours",
            "--zone",
            "UTC",
            "--day",
            &format!("{day}=00:00-24:00"),
        ]);
    }
    let id = s.ok(&[
        "tickets",
        "add",
        "--subject",
        "Late delivery",
        "--account-id",
        &acme,
        "--priority",
        "high",
        "--category",
        "complaint",
    ]);
    assert!(is_uuid_v7(id.trim()));
    let list = s.json(&["tickets", "list", "--format", "json"]);
    let t = &list[0];
    assert_eq!(t["number"], 1);
    assert_eq!(t["status"], "new");
    assert_eq!(t["sla"]["first_response"]["target_minutes"], 240);
    assert_eq!(t["sla"]["first_response"]["state"], "running");
    assert!(t["sla"]["resolution"]["seconds_left"].as_i64().unwrap() > 8 * 3600 - 120);
    assert_eq!(t["sla"]["breached"], false);
    // "open" means unfinished: a new ticket is listed.
    let open = s.json(&["tickets", "list", "--status", "open", "--format", "json"]);
    assert_eq!(open.as_array().unwrap().len(), 1);

    // Replying by number, then waiting on the customer, pauses the resolution clock.
    let replied = s.json(&[
        "tickets",
        "reply",
        "#1",
        "--body",
        "Sorry! Which order?",
        "--status",
        "waiting",
        "--format",
        "json",
    ]);
    assert_eq!(replied["status"], "waiting");
    assert_eq!(replied["sla"]["first_response"]["state"], "met");
    assert_eq!(replied["sla"]["resolution"]["state"], "paused");
    assert_eq!(replied["messages"][0]["kind"], "reply");
    let waiting = s.json(&["tickets", "list", "--queue", "waiting", "--format", "json"]);
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    s.ok(&["tickets", "update", "1", "--status", "resolved"]);
    let open = s.json(&["tickets", "list", "--status", "open", "--format", "json"]);
    assert!(open.as_array().unwrap().is_empty());
    let breaches = s.json(&["sla", "breaches", "--format", "json"]);
    assert!(breaches.as_array().unwrap().is_empty());
    let complaints = s.json(&["tickets", "complaints", "--format", "json"]);
    assert_eq!(complaints["complaints"], 1);
    assert_eq!(complaints["accounts"][0]["account_name"], "Acme");

    let stderr = s.fails(
        2,
        &["tickets", "add", "--subject", "X", "--priority", "extreme"],
    );
    assert!(stderr.contains("low, normal, high, urgent"), "{stderr}");
    let stderr = s.fails(2, &["sla", "hours", "--day", "mon=17:00-09:00"]);
    assert!(stderr.contains("Monday"), "{stderr}");
    s.ok(&[
        "sla",
        "policies",
        "--priority",
        "urgent",
        "--first-response",
        "30m",
        "--resolution",
        "2h",
    ]);
    let policies = s.json(&["sla", "policies", "--format", "json"]);
    assert_eq!(policies[0]["priority"], "urgent");
    assert_eq!(policies[0]["first_response_minutes"], 30);

    let agreement = s.ok(&[
        "agreements",
        "add",
        "--account-id",
        &acme,
        "--name",
        "Daily report",
        "--rrule",
        "FREQ=DAILY",
    ]);
    let log = s.json(&["agreements", "log", agreement.trim(), "--format", "json"]);
    assert_eq!(log.as_array().unwrap().len(), 8);
    let first = log[7]["id"].as_str().unwrap().to_owned();
    s.ok(&["agreements", "deliver", &first]);
    let stderr = s.fails(
        2,
        &[
            "agreements",
            "add",
            "--account-id",
            &acme,
            "--name",
            "X",
            "--rrule",
            "sometimes",
        ],
    );
    assert!(stderr.contains("recurrence rule"), "{stderr}");
    let list = s.json(&["agreements", "list", "--format", "json"]);
    assert_eq!(list[0]["delivered"], 1);
    assert_eq!(list[0]["open"], 7);
}

#[test]
fn a_deal_is_quoted_ordered_invoiced_paid_and_printed_from_the_command_line() {
    let s = Sandbox::new();
    let acme = s
        .ok(&["accounts", "add", "--name", "Acme"])
        .trim()
        .to_owned();
    let deal = s
        .ok(&[
            "deals",
            "add",
            "--name",
            "Acme: printers",
            "--account-id",
            &acme,
            "--amount",
            "2000",
            "--currency",
            "EUR",
        ])
        .trim()
        .to_owned();
    s.ok(&[
        "products",
        "add",
        "--sku",
        "PRN-1",
        "--name",
        "Label printer",
        "--price",
        "499.00",
        "--currency",
        "EUR",
        "--tax",
        "19",
    ]);
    let products = s.json(&["products", "list", "--format", "json"]);
    assert_eq!(products[0]["unit_price"]["amount_minor"], 49900);
    assert_eq!(products[0]["tax_rate_bp"], 1900);

    let quote = s
        .ok(&[
            "quotes",
            "create",
            "--opportunity",
            &deal,
            "--line",
            "PRN-1:2",
            "--line",
            "Consulting:1.5@120.00",
        ])
        .trim()
        .to_owned();
    let q = s.json(&["quotes", "get", &quote, "--format", "json"]);
    // 998.00 + 189.62 tax, and 180.00 untaxed.
    assert_eq!(q["total_minor"], 99800 + 18962 + 18000);
    assert_eq!(q["lines"][1]["description"], "Consulting");
    assert_eq!(q["lines"][1]["quantity_milli"], 1500);
    s.ok(&["quotes", "accept", &quote]);
    let order = s.ok(&["quotes", "order", &quote]).trim().to_owned();
    // No invoice is issued while the company (the seller) has no name and address.
    let refused = s.fails(2, &["orders", "invoice", &order]);
    assert!(
        refused.contains("Set your company's name and address in Settings, Company"),
        "{refused}"
    );
    let drafted = s
        .ok(&["orders", "invoice", &order, "--draft"])
        .trim()
        .to_owned();
    let refused = s.fails(2, &["invoices", "issue", &drafted]);
    assert!(refused.contains("before issuing an invoice"), "{refused}");
    s.ok(&[
        "company",
        "--name",
        "Seller Ltd",
        "--address",
        "1 High Street\\nLondon",
    ]);
    s.ok(&["invoices", "issue", &drafted]);
    let invoice = drafted;
    let paid = s.json(&[
        "invoices", "pay", &invoice, "--amount", "100.00", "--format", "json",
    ]);
    assert_eq!(paid["status"], "partly_paid");
    assert_eq!(paid["balance_minor"], 99800 + 18962 + 18000 - 10000);
    let number = paid["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("INV-"), "{number}");
    let stderr = s.fails(2, &["invoices", "pay", &number, "--amount", "99999.00"]);
    assert!(stderr.contains("left to pay"), "{stderr}");
    let list = s.json(&["invoices", "list", "--format", "json"]);
    assert_eq!(list[0]["number"], number.as_str());
    let balance = s.json(&[
        "invoices",
        "balance",
        "--account-id",
        &acme,
        "--format",
        "json",
    ]);
    assert_eq!(
        balance[0]["outstanding_minor"],
        99800 + 18962 + 18000 - 10000
    );

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("invoice.pdf");
    let report = s.json(&[
        "invoices",
        "pdf",
        &number,
        "--out",
        pdf.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["pages"], 1);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // An accepted quote can be invoiced straight away: its order is made on the way.
    let second = s
        .ok(&[
            "quotes",
            "create",
            "--account-id",
            &acme,
            "--currency",
            "EUR",
            "--line",
            "Support:10@80.00",
        ])
        .trim()
        .to_owned();
    s.ok(&["quotes", "accept", &second]);
    let inv = s.json(&["orders", "invoice", &second, "--format", "json"]);
    assert_eq!(inv["status"], "issued");
    assert_eq!(inv["total_minor"], 80000);
    let orders = s.json(&["orders", "list", "--format", "json"]);
    assert_eq!(orders.as_array().unwrap().len(), 2);

    let stderr = s.fails(
        2,
        &[
            "quotes",
            "create",
            "--opportunity",
            &deal,
            "--line",
            "nonsense",
        ],
    );
    assert!(stderr.contains("SKU:2"), "{stderr}");
    let seqs = s.json(&[
        "numbering",
        "--kind",
        "invoice",
        "--prefix",
        "RE-",
        "--format",
        "json",
    ]);
    assert!(
        seqs.as_array()
            .unwrap()
            .iter()
            .any(|x| x["preview"].as_str().unwrap().starts_with("RE-"))
    );
}

#[test]
fn a_catalogue_is_imported_and_exported_as_csv() {
    let s = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalogue.csv");
    std::fs::write(
        &file,
        "Item code,Product name,Unit,List price,VAT %\nPRN-1,Label printer,piece,\"1,234.50\",19\nSRV-H,Installation,hour,120,19\n",
    )
    .unwrap();
    let report = s.json(&[
        "import",
        "products",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["created"], 2);
    let list = s.json(&["products", "list", "--format", "json"]);
    assert_eq!(list[0]["name"], "Installation");
    assert_eq!(list[1]["unit_price"]["amount_minor"], 123450);
    let out = dir.path().join("out.csv");
    let exported = s.json(&[
        "export",
        "csv",
        "--entity",
        "products",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(exported["rows"], 2);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("PRN-1,Label printer,,piece,1234.50,EUR,19,yes"),
        "{text}"
    );
}

#[test]
fn reports_the_dashboard_and_churn_read_the_same_deals() {
    let s = Sandbox::new();
    let acme = s.ok(&["accounts", "add", "--name", "Acme"]);
    // Won today: 1,500.00 EUR; lost today: 500.00 EUR; one open deal of 2,000.00 at 50 %.
    for (name, amount, stage, extra) in [
        ("Won one", "1500", "Won", None),
        ("Lost one", "500", "Lost", Some("Price")),
        ("Open one", "2000", "Prospecting", None),
    ] {
        let id = s.ok(&[
            "deals",
            "add",
            "--name",
            name,
            "--account-id",
            acme.trim(),
            "--amount",
            amount,
            "--currency",
            "EUR",
            "--probability",
            "50",
        ]);
        if stage != "Prospecting" {
            let mut args = vec!["deals", "move", id.trim(), "--stage", stage];
            if let Some(reason) = extra {
                args.extend(["--lost-reason", reason]);
            }
            s.ok(&args);
        }
    }
    let csv = s.ok(&["report", "won-lost", "--format", "csv"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "Outcome,Reason,Deals,Amount (EUR)",
            "won,,1,1500.00",
            "lost,Price,1,500.00"
        ]
    );
    let dashboard = s.json(&["dashboard", "--format", "json"]);
    let figure = |key: &str| {
        dashboard["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(figure("win_rate")["value"], 5000);
    assert_eq!(figure("open_pipeline")["value"], 200_000);
    assert_eq!(figure("weighted_forecast")["value"], 100_000);
    let records = s.json(&["dashboard", "--records", "won", "--format", "json"]);
    assert_eq!(records[0]["label"], "Won one");
    // Acme bought today: no risk, so not listed; its own score is 0 with no reasons.
    let churn = s.json(&["churn", "--format", "json"]);
    assert_eq!(churn.as_array().unwrap().len(), 0, "{churn}");
    let one = s.json(&["churn", "--account", acme.trim(), "--format", "json"]);
    assert_eq!(one[0]["score"], 0, "{one}");
    assert_eq!(one[0]["reasons"].as_array().unwrap().len(), 0, "{one}");

    let err = s.fails(2, &["report", "profit"]);
    assert!(err.contains("the reports are: pipeline"), "{err}");
    let err = s.fails(
        2,
        &[
            "report",
            "funnel",
            "--from",
            "2026-12-01",
            "--to",
            "2026-11-01",
        ],
    );
    assert!(err.contains("before it starts"), "{err}");
}

#[test]
fn campaigns_count_their_members_leads_deals_and_return() {
    let s = Sandbox::new();
    let fair = s.ok(&[
        "campaigns",
        "add",
        "--name",
        "Spring fair",
        "--type",
        "trade-show",
        "--cost",
        "1000",
        "--currency",
        "EUR",
    ]);
    // Two leads from the fair (one a responding member); a deal of 1,500.00 won from it.
    let zoe = s.ok(&[
        "leads",
        "add",
        "--name",
        "Zoe Adams",
        "--campaign",
        "spring fair",
    ]);
    s.ok(&[
        "leads",
        "add",
        "--name",
        "Yan Bo",
        "--campaign",
        fair.trim(),
    ]);
    assert_eq!(
        s.ok(&["campaigns", "members", "Spring fair", "--lead", zoe.trim()])
            .trim(),
        "1"
    );
    s.ok(&["campaigns", "respond", "Spring fair", "--lead", zoe.trim()]);
    let members = s.json(&["campaigns", "members", "Spring fair", "--format", "json"]);
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(
        (&members[0]["name"], &members[0]["status"]),
        (&"Zoe Adams".into(), &"responded".into())
    );
    s.ok(&[
        "deals",
        "add",
        "--name",
        "Fair order",
        "--amount",
        "1500",
        "--currency",
        "EUR",
        "--stage",
        "Won",
        "--campaign",
        "Spring fair",
    ]);
    let report = s.json(&["campaigns", "report", "Spring fair", "--format", "json"]);
    let r = &report[0];
    assert_eq!(
        (&r["members"], &r["responses"], &r["leads"], &r["deals_won"]),
        (&1.into(), &1.into(), &2.into(), &1.into())
    );
    // Cost per lead 1,000 / 2 = 500.00; ROI (1,500 - 1,000) / 1,000 = 50 %.
    assert_eq!(r["cost_per_lead_minor"], 50_000);
    assert_eq!(r["roi_bp"], 5_000);
    let csv = s.ok(&["report", "campaigns", "--format", "csv"]);
    assert!(
        csv.contains("Spring fair,Trade show,1,1,100.00,2,0,1,1,1500.00,1000.00,500.00,50.00"),
        "{csv}"
    );
    let err = s.fails(
        2,
        &["leads", "add", "--name", "X", "--campaign", "Autumn fair"],
    );
    assert!(err.contains("Autumn fair"), "{err}");
}

#[test]
fn sending_never_runs_ahead_and_unknown_messages_are_named() {
    let s = Sandbox::new();
    // Two days on: the commands run in Europe/Paris (see Sandbox), where after 23:00 UTC
    // "tomorrow" by this machine's clock is already today.
    let tomorrow = (chrono::Local::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    // Steps due on a day still to come, queued today, would be sent today.
    for cmd in [["sequences", "run"], ["outbox", "send"]] {
        let err = s.fails(2, &[cmd[0], cmd[1], "--today", &tomorrow]);
        assert!(err.contains("is still to come"), "{err}");
    }
    let err = s.fails(2, &["outbox", "cancel", "no-such-message"]);
    assert!(err.contains("No message with id no-such-message"), "{err}");
    // A name the SMTP envelope cannot take is refused when saved, not at the first send.
    let err = s.fails(
        2,
        &[
            "outbox",
            "setup",
            "--host",
            "smtp.example.com",
            "--from",
            "me@example.com",
            "--reply-to",
            "Marta <marta@example.com>",
        ],
    );
    assert!(err.contains("--reply-to: "), "{err}");
}

#[test]
fn amounts_beyond_ten_trillion_exit_2_and_an_import_refuses_only_that_row() {
    let s = Sandbox::new();
    let err = s.fails(
        2,
        &[
            "deals",
            "add",
            "--name",
            "Moon",
            "--amount",
            "92233720368547758.07",
            "--currency",
            "EUR",
        ],
    );
    assert!(
        err.contains("--amount") && err.contains("largest amount"),
        "{err}"
    );
    // The old reproduction: two such deals broke pipeline, forecast and dashboard.
    for args in [
        ["pipeline", "--format", "json"].as_slice(),
        &["forecast", "--format", "json"],
        &["dashboard", "--format", "json"],
    ] {
        s.ok(args);
    }
    let file = s.db.with_file_name("companies.csv");
    std::fs::write(
        &file,
        "Name,Revenue\nBig,92233720368547758.07\nSmall,1000\n",
    )
    .unwrap();
    let report = s.json(&[
        "import",
        "accounts",
        file.to_str().unwrap(),
        "--map",
        "Revenue=annual_revenue",
        "--format",
        "json",
    ]);
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(report["rejected"][0]["line"], 2, "{report}");
    let reason = report["rejected"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Revenue") && reason.contains("largest amount"),
        "{reason}"
    );
}

#[test]
fn a_read_command_never_turns_an_empty_or_missing_file_into_a_database() {
    let s = Sandbox::new();
    std::fs::write(&s.db, b"").unwrap();
    let err = s.fails(2, &["contacts", "list"]);
    assert!(
        err.contains("crm.db") && err.contains("empty file"),
        "{err}"
    );
    assert_eq!(
        std::fs::metadata(&s.db).unwrap().len(),
        0,
        "left at 0 bytes"
    );
    let err = s.fails(2, &["contacts", "add", "--first-name", "Ann"]);
    assert!(err.contains("rapport init"), "{err}");
    assert_eq!(
        std::fs::metadata(&s.db).unwrap().len(),
        0,
        "left at 0 bytes"
    );
    s.ok(&["init"]);
    s.ok(&["contacts", "add", "--first-name", "Ann"]);

    let missing = s.db.with_file_name("typo.db");
    for args in [
        ["contacts", "list"].as_slice(),
        &["dashboard"],
        &["deals", "list"],
    ] {
        let out = Command::cargo_bin("rapport")
            .unwrap()
            .env_remove("RAPPORT_DB")
            .arg("--db")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("no data file at") && err.contains("typo.db"),
            "{err}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
}

#[test]
fn control_characters_are_refused_from_flags_and_stored_ones_print_escaped() {
    let s = Sandbox::new();
    let err = s.fails(2, &["contacts", "add", "--first-name", "Evil\x1b[2J"]);
    assert!(
        err.contains("--first-name") && err.contains("U+001B"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "stderr holds no raw ESC: {err:?}");
    // Already stored (by an older version, or another program writing the file).
    let id = s.ok(&["contacts", "add", "--first-name", "Mallory"]);
    {
        let db = rapport_core::Db::open(&s.db).unwrap();
        db.conn()
            .execute(
                "UPDATE contacts SET first_name = ?1 WHERE id = ?2",
                ["Mal\x1b[2J\x1b]0;owned\x07\u{9b}31m", id.trim()],
            )
            .unwrap();
    }
    let table = s.ok(&["contacts", "list"]);
    assert!(
        !table.contains('\x1b') && !table.contains('\u{9b}'),
        "{table:?}"
    );
    assert!(table.contains("Mal\\x1b[2J"), "{table}");
    let record = s.ok(&["contacts", "get", id.trim()]);
    assert!(!record.contains('\x1b'), "{record:?}");
    // JSON escapes them as JSON does.
    let json = s.ok(&["contacts", "list", "--format", "json"]);
    assert!(json.contains("\\u001b"), "{json}");

    let file = s.db.with_file_name("people.csv");
    std::fs::write(
        &file,
        "First Name,Last Name\n\"Eve\x1b[2J\",Stone\nBob,Lee\n",
    )
    .unwrap();
    let report = s.json(&[
        "import",
        "contacts",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(report["created"], 2, "{report}");
    let listed = s.ok(&["contacts", "list", "--search", "Stone", "--format", "json"]);
    assert!(listed.contains("\"Eve[2J\""), "{listed}");
}

#[test]
fn a_damaged_file_is_named_with_its_newest_good_backup_and_takes_no_more_writes() {
    let s = Sandbox::new();
    {
        let mut db = rapport_core::Db::open(&s.db).unwrap();
        for i in 0..300 {
            rapport_core::people::contacts::create(
                &mut db,
                &rapport_core::people::contacts::ContactInput {
                    first_name: format!("Person {i}"),
                    notes: Some("room ".repeat(100)),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        db.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let taken = s.json(&["backups", "--now", "--format", "json"]);
    let backup = taken[0]["path"].as_str().unwrap().to_owned();
    // Garbage over pages in the middle of the file, as a failing disk leaves them.
    let mut bytes = std::fs::read(&s.db).unwrap();
    let page = 4096;
    let pages = bytes.len() / page;
    for n in pages / 3..pages / 2 {
        for (k, b) in bytes[n * page..(n + 1) * page].iter_mut().enumerate() {
            *b = (k * 37 % 253) as u8;
        }
    }
    std::fs::write(&s.db, &bytes).unwrap();

    let err = s.fails(1, &["check"]);
    assert!(err.contains("crm.db is damaged"), "{err}");
    assert!(err.contains(&backup), "{err}");
    let err = s.fails(1, &["contacts", "add", "--first-name", "After"]);
    assert!(
        err.contains("is damaged") && err.contains(&format!("rapport restore {backup}")),
        "{err}"
    );
    assert!(!err.contains("Database error"), "{err}");
    // A read that meets the damage says the same, in words.
    let out = s
        .cmd(&["contacts", "list", "--format", "json"])
        .output()
        .unwrap();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is damaged (SQLite: "), "{err}");
        assert!(!err.contains("Database error"), "{err}");
    }
    s.ok(&["restore", &backup]);
    s.ok(&["contacts", "add", "--first-name", "Restored"]);
    assert!(s.ok(&["check"]).contains("healthy"));
}

/// A contact or account with tickets, quotes, invoices, deals and a converted lead: deleted,
/// merged or refused in plain words, never "FOREIGN KEY constraint failed".
#[test]
fn linked_contacts_and_accounts_are_deleted_merged_or_refused_in_plain_words() {
    let s = Sandbox::new();
    // Invoices are only issued once the seller is known.
    s.ok(&[
        "company",
        "--name",
        "Seller Ltd",
        "--address",
        "1 High Street",
    ]);
    let id = |out: String| out.trim().to_owned();
    let plain = |stderr: &str| {
        assert!(
            !stderr.contains("constraint") && !stderr.contains("Database error"),
            "{stderr}"
        );
    };
    let acme = id(s.ok(&["accounts", "add", "--name", "Acme"]));
    let person = |first: &str| {
        id(s.ok(&[
            "contacts",
            "add",
            "--first-name",
            first,
            "--last-name",
            "Lee",
            "--account",
            &acme,
        ]))
    };
    let ann = person("Ann");
    let bo = person("Bo");
    // A ticket and a quote name Bo; a converted lead names the contact it became.
    s.ok(&[
        "tickets",
        "add",
        "--subject",
        "Wobbly desk",
        "--contact-id",
        &bo,
        "--account-id",
        &acme,
    ]);
    let quote = |contact: &str| {
        id(s.ok(&[
            "quotes",
            "create",
            "--account-id",
            &acme,
            "--contact-id",
            contact,
            "--currency",
            "EUR",
            "--line",
            "Consulting:1@100.00",
        ]))
    };
    let bo_quote = quote(&bo);
    let lead = id(s.ok(&["leads", "add", "--name", "Cy Lee", "--company", "Cy Co"]));
    let converted = s.json(&["leads", "convert", &lead, "--format", "json"]);
    let cy_too = converted["contact_id"].as_str().unwrap().to_owned();
    // Ann has an issued invoice.
    let ann_quote = quote(&ann);
    s.ok(&["quotes", "accept", &ann_quote]);
    let order = id(s.ok(&["quotes", "order", &ann_quote]));
    let invoice = s.json(&["orders", "invoice", &order, "--format", "json"]);
    let number = invoice["number"].as_str().unwrap().to_owned();

    // contacts delete: Bo goes; his ticket and quote stay, no longer naming him.
    s.ok(&["contacts", "delete", &bo]);
    let q = s.json(&["quotes", "get", &bo_quote, "--format", "json"]);
    assert_eq!(q["contact_id"], Value::Null);
    let tickets = s.json(&["tickets", "list", "--format", "json"]);
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    // ... and the converted lead's contact too.
    s.ok(&["contacts", "delete", &cy_too]);
    let l = s.json(&["leads", "get", &lead, "--format", "json"]);
    assert_eq!(l["status"], "converted");

    // Ann is refused, by name, count and reason.
    let stderr = s.fails(2, &["contacts", "delete", &ann]);
    plain(&stderr);
    assert!(
        stderr.contains(&format!(
            "Ann Lee has 1 issued invoice or credit note ({number}); invoices are kept for your books"
        )),
        "{stderr}"
    );

    // contacts merge: Ann's duplicate takes over her invoice, and undo gives it back.
    let dup = id(s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ann",
        "--last-name",
        "Lee",
    ]));
    let merged = s.json(&["contacts", "merge", &dup, &ann, "--format", "json"]);
    let inv = s.json(&["invoices", "get", &number, "--format", "json"]);
    assert_eq!(inv["contact_id"], dup.as_str());
    s.ok(&["undo", merged["batch_id"].as_str().unwrap()]);
    let inv = s.json(&["invoices", "get", &number, "--format", "json"]);
    assert_eq!(inv["contact_id"], ann.as_str());

    // accounts delete: refused while the account has the issued invoice.
    let stderr = s.fails(2, &["accounts", "delete", &acme]);
    plain(&stderr);
    assert!(
        stderr.contains("Acme has 1 issued invoice or credit note"),
        "{stderr}"
    );
    // An account with a ticket and a quote goes; they stay.
    let globex = id(s.ok(&["accounts", "add", "--name", "Globex"]));
    s.ok(&[
        "tickets",
        "add",
        "--subject",
        "Invoice copy",
        "--account-id",
        &globex,
    ]);
    let gq = id(s.ok(&[
        "quotes",
        "create",
        "--account-id",
        &globex,
        "--currency",
        "EUR",
        "--line",
        "Desk:1@10.00",
    ]));
    s.ok(&["accounts", "delete", &globex]);
    assert_eq!(
        s.json(&["quotes", "get", &gq, "--format", "json"])["account_id"],
        Value::Null
    );

    // bulk delete: the others go, Ann stays and is reported with the reason.
    let dan = person("Dan");
    let out = s
        .cmd(&[
            "bulk", "contacts", "--id", &ann, "--id", &dan, "--delete", "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("not deleted: Ann Lee has 1 issued invoice"),
        "{stderr}"
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["changed"], 1);
    assert_eq!(result["skipped"][0]["id"], ann.as_str());
    assert_eq!(result["skipped"][0]["name"], "Ann Lee");
    // Only refused records: nothing deleted, exit 2 with the reason.
    let stderr = s.fails(2, &["bulk", "contacts", "--id", &ann, "--delete"]);
    plain(&stderr);
    assert!(
        stderr.contains("invoices are kept for your books"),
        "{stderr}"
    );
    s.ok(&["contacts", "get", &ann]);
}

#[test]
fn import_warns_about_every_column_with_values_it_leaves_out() {
    let s = Sandbox::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import");
    let file = fixtures.join("google-contacts-2024.csv");
    let file = file.to_str().unwrap();
    // The preview keeps its JSON (a list of rows); the warnings go to stderr.
    let out = s
        .cmd(&["import", "contacts", file, "--dry-run", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: Website 1 - Value: 2 non-empty cells not imported"),
        "{stderr}"
    );
    // The report names them in its JSON, and the text output prints them.
    let text = s.ok(&["import", "contacts", file]);
    assert!(
        text.contains("warning: Website 1 - Value: 2 non-empty cells not imported"),
        "{text}"
    );
    assert!(
        text.contains("warning: Name Prefix: 1 non-empty cell not imported"),
        "{text}"
    );
    let report = s.json(&[
        "import", "contacts", file, "--dedup", "create", "--format", "json",
    ]);
    let unimported = report["unimported"].as_array().unwrap();
    assert!(unimported.iter().any(|u| u["column"] == "Website 1 - Value"
        && u["cells"] == 2
        && u["message"] == "Website 1 - Value: 2 non-empty cells not imported"));
    let people = s.json(&["contacts", "list", "--format", "json"]);
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["title"] == "Head of Research"),
        "{people}"
    );
}

/// `rapport history` and `rapport undo` (by batch id and --last).
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
    let out = s.cmd(&["undo", "--last"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Undone: Changed contact Ann Lee"));
    s.ok(&["undo", "--last"]);
    let left = s.json(&["contacts", "list", "--format", "json"]);
    assert_eq!(left.as_array().unwrap().len(), 0);

    let actions = s.json(&["history", "--limit", "2", "--format", "json"]);
    assert_eq!(actions[0]["summary"], "Undid: Added contact Ann Lee");
    assert_eq!(actions.as_array().unwrap().len(), 2);

    // Nothing left: a plain refusal.
    assert!(s.fails(2, &["undo", "--last"]).contains("Nothing to undo"));
}

/// A data file in a folder the user may not write to (a read-only stick, a colleague's
/// folder) is refused with what to do, and left as it was. As root, the command runs as
/// `nobody` (root may write anywhere).
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_written_is_named_with_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
    ]);
    let folder = s.db.parent().unwrap().to_owned();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path != s.db {
            std::fs::remove_file(path).unwrap();
        }
    }
    let before = std::fs::read(&s.db).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let out = if root {
        let rapport = assert_cmd::cargo::cargo_bin("rapport");
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(rapport)
            .arg("--db")
            .arg(&s.db)
            .args(["check"])
            .env_remove("RAPPORT_DB")
            .output()
            .unwrap()
    } else {
        s.cmd(&["check"]).output().unwrap()
    };
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Could not write in the folder {}",
            folder.display()
        )) && stderr.contains("Copy crm.db to a folder you can write to")
            && stderr.contains("Nothing was changed"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&s.db).unwrap(), before);
}

#[test]
fn two_accounts_merge_from_the_command_line_and_undo() {
    let s = Sandbox::new();
    let keep = s.ok(&["accounts", "add", "--name", "Acme Ltd"]);
    let keep = keep.trim();
    let other = s.ok(&[
        "accounts",
        "add",
        "--name",
        "ACME Ltd.",
        "--industry",
        "Engineering",
    ]);
    let other = other.trim();
    s.ok(&[
        "contacts",
        "add",
        "--first-name",
        "Bob",
        "--account",
        "ACME Ltd.",
    ]);
    let err = s.fails(2, &["accounts", "merge", keep, other, "--take", "colour"]);
    assert!(
        err.contains("--take") && err.contains("\"colour\" is not a field a merge can take"),
        "{err}"
    );
    let merged = s.json(&[
        "accounts", "merge", keep, other, "--take", "name", "--format", "json",
    ]);
    assert_eq!(merged["survivor"]["id"], keep);
    assert_eq!(
        merged["survivor"]["name"], "ACME Ltd.",
        "taken from the other"
    );
    assert_eq!(merged["survivor"]["industry"], "Engineering");
    assert_eq!(merged["survivor"]["contact_count"], 1, "Bob moved over");
    assert_eq!(merged["merged_id"], other);
    let listed = s.json(&["accounts", "list", "--format", "json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    s.ok(&["undo", merged["batch_id"].as_str().unwrap()]);
    let listed = s.json(&["accounts", "list", "--format", "json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let back = s.json(&["accounts", "get", other, "--format", "json"]);
    assert_eq!(back["contact_count"], 1, "Bob back at his first company");
}
