//! A file made by an earlier release (tests/fixtures/releases/) opens with this version: it is
//! migrated, and its history and undo read as that release showed them.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]
// The files copied and opened raw here are closed fixtures and copies, never live databases.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use rapport_core::Db;
use rapport_core::insight::timeline;
use rapport_core::store::changelog;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/releases")
}

/// What the code shows of a fixture: the timelines of some records, and every batch with what
/// it changed (inserts by entity and id only: the values are the row's own).
fn shown(db: &Db, records: &[(String, String)]) -> Value {
    let timelines: Vec<Value> = records
        .iter()
        .map(|(entity, id)| {
            let items = timeline::for_record(db.conn(), entity, id, None, 500).unwrap();
            json!({"entity": entity, "id": id, "timeline": items})
        })
        .collect();
    let mut stmt = db
        .conn()
        .prepare("SELECT batch_id FROM change_log GROUP BY batch_id ORDER BY min(seq)")
        .ok();
    let ids: Vec<String> = match stmt.as_mut() {
        Some(stmt) => stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap(),
        None => db
            .conn()
            .prepare("SELECT batch_id FROM change_entries GROUP BY batch_id ORDER BY min(seq)")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap(),
    };
    let batches: Vec<Value> = ids
        .iter()
        .map(|id| {
            let changes: Vec<Value> = changelog::for_batch(db.conn(), id)
                .unwrap()
                .into_iter()
                .map(|c| {
                    let values = if c.op == "insert" {
                        json!(null)
                    } else {
                        json!(c.changes)
                    };
                    json!({"entity": c.entity, "entity_id": c.entity_id, "op": c.op,
                           "changes": values, "origin": c.origin, "at": c.at,
                           "record": [c.record_entity, c.record_id]})
                })
                .collect();
            json!({"batch_id": id, "changes": changes})
        })
        .collect();
    json!({"timelines": timelines, "batches": batches})
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures().join("2026-12-04.expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn records_of(expected: &Value) -> Vec<(String, String)> {
    expected["timelines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["entity"].as_str().unwrap().to_owned(),
                t["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A copy of the fixture in a temporary folder, opened (and so migrated) by this version.
fn open_copy() -> (tempfile::TempDir, PathBuf, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(fixtures().join("2026-12-04.db"), &path).unwrap();
    let db = Db::open(&path).unwrap();
    (dir, path, db)
}

/// Run by make-2026-12-04.sh with the release that made the fixture: writes what it shows.
#[test]
#[ignore = "writes the fixture's expected.json; run by tests/fixtures/releases/make-*.sh"]
fn write_expected() {
    let path = PathBuf::from(std::env::var("RAPPORT_FIXTURE").unwrap());
    let records: Vec<(String, String)> = std::env::var("RAPPORT_FIXTURE_RECORDS")
        .unwrap()
        .split(',')
        .map(|r| {
            let (e, id) = r.split_once(':').unwrap();
            (e.to_owned(), id.to_owned())
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    let db = Db::open(&copy).unwrap();
    let mut shown = shown(&db, &records);
    shown["undo_delete"] = json!(std::env::var("RAPPORT_FIXTURE_UNDO_DELETE").unwrap());
    shown["undo_insert"] = json!(std::env::var("RAPPORT_FIXTURE_UNDO_INSERT").unwrap());
    let out = path.with_extension("expected.json");
    std::fs::write(out, serde_json::to_string_pretty(&shown).unwrap() + "\n").unwrap();
}

#[test]
fn the_release_file_shows_the_same_history_after_migration() {
    let expected = expected();
    let (_dir, _path, db) = open_copy();
    let now = shown(&db, &records_of(&expected));
    assert_eq!(now["timelines"], expected["timelines"]);
    assert_eq!(now["batches"], expected["batches"]);
    for check in ["foreign_key_check", "integrity_check"] {
        let rows: Vec<String> = db
            .conn()
            .prepare(&format!("PRAGMA {check}"))
            .unwrap()
            .query_map([], |r| {
                r.get::<_, rusqlite::types::Value>(0)
                    .map(|v| format!("{v:?}"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            check == "integrity_check" && rows == ["Text(\"ok\")"] || rows.is_empty(),
            "{check}: {rows:?}"
        );
    }
}

#[test]
fn earlier_actions_undo_after_migration_and_new_saves_too() {
    let expected = expected();
    let (_dir, _path, mut db) = open_copy();
    let before: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    // A deletion made by the old release is put back ...
    changelog::undo(&mut db, expected["undo_delete"].as_str().unwrap()).unwrap();
    let after: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before + 1);
    // ... a creation made by it is taken back ...
    let tickets = |db: &Db| -> i64 {
        db.conn()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
            .unwrap()
    };
    let had = tickets(&db);
    changelog::undo(&mut db, expected["undo_insert"].as_str().unwrap()).unwrap();
    assert_eq!(tickets(&db), had - 1);
    // ... and a save made now can be undone as well.
    let account = rapport_core::people::accounts::create(
        &mut db,
        &rapport_core::people::accounts::AccountInput {
            name: "After".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let batch = changelog::for_entity(db.conn(), "accounts", &account.id).unwrap()[0]
        .batch_id
        .clone();
    changelog::undo(&mut db, &batch).unwrap();
    assert!(
        rapport_core::people::accounts::get(db.conn(), &account.id).is_err(),
        "the new account is gone again"
    );
}

#[test]
fn a_conversion_that_fails_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(fixtures().join("2026-12-04.db"), &path).unwrap();
    let log = |path: &Path| -> (i64, i64, String) {
        #[allow(clippy::disallowed_methods)]
        let conn = rapport_core::Connection::open(path).unwrap();
        conn.query_row(
            "SELECT (SELECT max(version) FROM schema_migrations), count(*),
                    group_concat(batch_id || entity_id || op || changes, '|')
               FROM change_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    {
        // Something the conversion does not expect: a table of the name it creates.
        #[allow(clippy::disallowed_methods)]
        let conn = rapport_core::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE change_kinds (name TEXT)")
            .unwrap();
    }
    let before = log(&path);
    let err = Db::open(&path).unwrap_err();
    assert!(err.to_string().contains("12"), "{err}");
    assert_eq!(log(&path), before, "nothing of the conversion stayed");
    assert_eq!(before.0, 11);
}

/// The links of a file, each as its columns joined, sorted.
fn links_of(conn: &rapport_core::Connection) -> Vec<String> {
    let mut links: Vec<String> = conn
        .prepare(
            "SELECT id || ' ' || activity_id || ' ' || entity || ' ' || entity_id || ' ' ||
                    created_at || ' ' || updated_at FROM activity_links",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    links.sort();
    links
}

#[test]
fn migration_13_keeps_every_link_and_activities_made_before_it_still_undo() {
    use chrono_tz::Tz;
    use rapport_core::activities::activity::{self, ActivityInput, RecordRef, Scope};
    use rapport_core::people::contacts::{self, ContactInput};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    let (first, second, ann, bob) = {
        let mut db = Db::open(&path).unwrap();
        let person = |db: &mut Db, first: &str| {
            contacts::create(
                db,
                &ContactInput {
                    first_name: first.into(),
                    last_name: "Linked".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        };
        let ann = person(&mut db, "Ann");
        let bob = person(&mut db, "Bob");
        let link = |id: &str| RecordRef {
            entity: "contacts".into(),
            id: id.to_owned(),
        };
        let call = |db: &mut Db, subject: &str, links: Vec<RecordRef>| {
            activity::create(
                db,
                &ActivityInput {
                    subject: subject.into(),
                    links,
                    ..Default::default()
                },
                Tz::UTC,
            )
            .unwrap()
            .id
        };
        let first = call(&mut db, "Call both", vec![link(&ann), link(&bob)]);
        let second = call(&mut db, "Call Bob", vec![link(&bob)]);
        (first, second, ann, bob)
    };
    // The file as the release before migration 0013 kept it: links in a rowid table with an
    // index of their ids and a unique one, activities with an index by creation.
    let before = {
        let conn = rapport_core::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             CREATE TABLE activity_links_old (
                 id           TEXT PRIMARY KEY,
                 activity_id  TEXT NOT NULL REFERENCES activities (id),
                 entity       TEXT NOT NULL,
                 entity_id    TEXT NOT NULL,
                 created_at   TEXT NOT NULL,
                 updated_at   TEXT NOT NULL
             ) STRICT;
             INSERT INTO activity_links_old SELECT id, activity_id, entity, entity_id,
                                                   created_at, updated_at FROM activity_links;
             DROP TABLE activity_links;
             ALTER TABLE activity_links_old RENAME TO activity_links;
             CREATE UNIQUE INDEX activity_links_unique
                 ON activity_links (activity_id, entity, entity_id);
             CREATE INDEX activity_links_by_record ON activity_links (entity, entity_id, activity_id);
             CREATE INDEX activities_by_created ON activities (created_at, id);
             -- and none of the later ones (0014 rebuilds the change log again, harmlessly;
             -- 0015's calendar index, 0016's mail tables, 0017's outbox columns and 0018's bounces go, to be made again).
             DROP INDEX activities_on_calendar;
             DROP TABLE mail_messages;
             DROP TABLE mail_folders;
             DROP INDEX outbox_by_ticket_message;
             ALTER TABLE outbox DROP COLUMN ticket_message_id;
             ALTER TABLE outbox DROP COLUMN in_reply_to;
             ALTER TABLE outbox DROP COLUMN refs;
             DROP TABLE mail_bounces;
             DROP INDEX outbox_by_document;
             ALTER TABLE outbox DROP COLUMN document_id;
             ALTER TABLE outbox DROP COLUMN attachment_name;
             ALTER TABLE outbox DROP COLUMN attachment;
             DELETE FROM schema_migrations WHERE version >= 13;
             COMMIT;",
        )
        .unwrap();
        links_of(&conn)
    };
    assert_eq!(before.len(), 3);

    let mut db = Db::open(&path).unwrap();
    assert_eq!(
        links_of(db.conn()),
        before,
        "every link, with its id and times"
    );
    let schema: String = db
        .conn()
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'activity_links'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(schema.contains("WITHOUT ROWID"), "{schema}");
    let names = |db: &Db, id: &str| -> Vec<String> {
        let mut v: Vec<String> = activity::get(db.conn(), id)
            .unwrap()
            .links
            .into_iter()
            .map(|l| l.id)
            .collect();
        v.sort();
        v
    };
    let mut both = vec![ann, bob.clone()];
    both.sort();
    assert_eq!(names(&db, &first), both);

    // Deleting the second activity (made before the migration) and undoing that puts its
    // link back, with its own id.
    activity::delete(&mut db, &second, Scope::This).unwrap();
    assert_eq!(links_of(db.conn()).len(), 2);
    let deleted = changelog::for_entity(db.conn(), "activities", &second)
        .unwrap()
        .last()
        .unwrap()
        .batch_id
        .clone();
    changelog::undo(&mut db, &deleted).unwrap();
    assert_eq!(links_of(db.conn()), before);

    // Undoing the creation of the first one takes it back with both its links.
    let created = changelog::for_entity(db.conn(), "activities", &first).unwrap()[0]
        .batch_id
        .clone();
    changelog::undo(&mut db, &created).unwrap();
    assert!(activity::get(db.conn(), &first).is_err());
    let left = links_of(db.conn());
    assert_eq!(left.len(), 1);
    assert!(
        left[0].contains(&second) && left[0].contains(&bob),
        "{left:?}"
    );
}
