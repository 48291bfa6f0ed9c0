//! What the file's parts weigh (docs/storage.md): run by hand on the benchmark dataset,
//!   RAPPORT_STORAGE_DB=/tmp/clog/old.db cargo test -p rapport-core --test it storage:: -- --ignored --nocapture
//! with a file made by the release before migration 0012 (`rapport-bench generate`). It works
//! on copies beside that file: the file as it is; migrated to the lean change log; that with
//! the changes as JSONB; and the lean file with every UUID key stored as a 16-byte blob.

// A failed unwrap in a measurement helper fails it with its location, which is what we want.
#![allow(clippy::unwrap_used)]
// The files copied and opened raw here are closed fixtures and copies, never live databases.
#![allow(clippy::disallowed_methods)]
// A measurement run by hand: its output is the point.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use rapport_core::{Connection, Db};

/// (file bytes, change-log bytes: its tables and indexes) after a VACUUM.
fn weigh(path: &Path) -> (u64, u64, Vec<(String, u64)>) {
    #[allow(clippy::disallowed_methods)]
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = DELETE; VACUUM;")
        .unwrap();
    let parts: Vec<(String, u64)> = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    let log = parts
        .iter()
        .filter(|(n, _)| n.starts_with("change_"))
        .map(|(_, b)| b)
        .sum();
    (std::fs::metadata(path).unwrap().len(), log, parts)
}

fn report(what: &str, path: &Path) -> u64 {
    let (file, log, parts) = weigh(path);
    println!(
        "{what}: file {:.1} MB, change log {:.1} MB ({:.0} %)",
        file as f64 / 1e6,
        log as f64 / 1e6,
        100.0 * log as f64 / file as f64
    );
    for (name, bytes) in parts.iter().take(12) {
        println!("    {name:40} {:8.1} MB", *bytes as f64 / 1e6);
    }
    file
}

fn copy(from: &Path, to: &str) -> PathBuf {
    let to = from.with_file_name(to);
    std::fs::copy(from, &to).unwrap();
    to
}

const UUID: &str = "'[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'";

#[test]
#[ignore = "measures a benchmark file given in RAPPORT_STORAGE_DB; see docs/storage.md"]
fn weigh_the_designs() {
    let old = PathBuf::from(std::env::var("RAPPORT_STORAGE_DB").unwrap());
    let before = report(
        "old design (0001/0002 change log)",
        &copy(&old, "storage-old.db"),
    );

    let lean = copy(&old, "storage-lean.db");
    let started = Instant::now();
    drop(Db::open(&lean).unwrap());
    println!(
        "migration 0012 took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let after = report("lean change log (JSON changes)", &lean);

    let jsonb = copy(&lean, "storage-jsonb.db");
    {
        #[allow(clippy::disallowed_methods)]
        let conn = Connection::open(&jsonb).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             BEGIN;
             CREATE TABLE change_log_b (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT, batch INTEGER NOT NULL,
                 kind INTEGER NOT NULL, row_id ANY NOT NULL, op INTEGER NOT NULL,
                 changes BLOB, record_kind INTEGER, record_id ANY) STRICT;
             INSERT INTO change_log_b SELECT seq, batch, kind, row_id, op, jsonb(changes),
                    record_kind, record_id FROM change_log;
             DROP VIEW change_entries;
             DROP TABLE change_log;
             ALTER TABLE change_log_b RENAME TO change_log;
             CREATE INDEX change_log_by_row ON change_log (kind, row_id);
             CREATE INDEX change_log_by_record ON change_log (record_kind, record_id)
                 WHERE record_kind IS NOT NULL;
             CREATE INDEX change_log_by_batch ON change_log (batch);
             COMMIT;",
        )
        .unwrap();
    }
    report("lean change log (JSONB changes)", &jsonb);

    // Item 2: every UUID key as a 16-byte blob, in every table and index (STRICT is lifted on
    // this copy only, as TEXT columns refuse blobs; the search index keeps its text).
    let keys = copy(&lean, "storage-keys.db");
    {
        #[allow(clippy::disallowed_methods)]
        let conn = Connection::open(&keys).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')')
              WHERE type = 'table' AND sql LIKE '%) STRICT';
             PRAGMA writable_schema = OFF;",
        )
        .unwrap();
    }
    {
        #[allow(clippy::disallowed_methods)]
        let conn = Connection::open(&keys).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;")
            .unwrap();
        let columns: Vec<(String, String)> = conn
            .prepare(
                "SELECT t.name, c.name FROM sqlite_schema t, pragma_table_info(t.name) c
                  WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
                    AND t.name NOT LIKE 'search_%' AND t.sql NOT LIKE 'CREATE VIRTUAL%'
                    AND (c.name = 'id' OR c.name LIKE '%\\_id' ESCAPE '\\' OR c.name = 'uid')
                    AND c.type IN ('TEXT', '', 'ANY')",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        conn.execute_batch("BEGIN").unwrap();
        let mut n = 0;
        for (table, column) in &columns {
            n += conn
                .execute(
                    &format!(
                        "UPDATE {table} SET {column} = unhex(replace({column}, '-', ''))
                          WHERE {column} GLOB {UUID}"
                    ),
                    [],
                )
                .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        println!("{} key columns, {n} values made blobs", columns.len());
    }
    let blob_keys = report("lean change log + 16-byte blob keys everywhere", &keys);
    println!(
        "file: {:.1} MB -> {:.1} MB lean ({:.0} % less); blob keys save {:.1} % more of the lean file",
        before as f64 / 1e6,
        after as f64 / 1e6,
        100.0 * (before - after) as f64 / before as f64,
        100.0 * (after as f64 - blob_keys as f64) / after as f64
    );
}
