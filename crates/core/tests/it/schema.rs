//! The full schema, snapshotted: every schema change shows up in review as a diff of
//! `snapshots/schema__schema.snap`.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::Db;

#[test]
fn schema() {
    let db = Db::open_in_memory().unwrap();
    let mut stmt = db
        .conn()
        .prepare(
            "SELECT type, name, sql FROM sqlite_schema
              WHERE name NOT LIKE 'sqlite_%' ORDER BY type DESC, name",
        )
        .unwrap();
    let schema: Vec<String> = stmt
        .query_map([], |r| {
            let (kind, name, sql): (String, String, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            Ok(format!("-- {kind} {name}\n{};\n", sql.unwrap_or_default()))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    insta::assert_snapshot!(schema.join("\n"));
}
