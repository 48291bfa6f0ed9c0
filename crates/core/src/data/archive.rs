//! The full JSON archive: every record, link, custom field, setting and the change log, with
//! their ids, in one plain file the user can read, keep and load into an empty database to get
//! back exactly the same data.
//!
//! ```json
//! {"format": "rapport-archive", "version": 1, "schema_version": 4, "exported_at": "...",
//!  "tables": {"accounts": [{"id": "...", "name": "...", ...}], ...}}
//! ```

use std::io::Write;
use std::path::Path;

use rusqlite::types::Value;
use serde_json::{Map, Value as Json};

use crate::kernel::error::{Error, Result};
use crate::store::db::Db;

pub const FORMAT: &str = "rapport-archive";
pub const VERSION: i64 = 1;

/// Every table that holds the user's data, parents before children. The search index is left
/// out: it is rebuilt from the records.
const TABLES: &[&str] = &[
    "settings",
    "team_members",
    "tags",
    "custom_fields",
    "accounts",
    "contacts",
    "contact_emails",
    "contact_phones",
    "contact_addresses",
    "taggings",
    "custom_values",
    "saved_views",
    "products",
    "pipelines",
    "pipeline_stages",
    "lost_reasons",
    "opportunities",
    "opportunity_contacts",
    "opportunity_products",
    "opportunity_stage_history",
    "activity_series",
    "activities",
    "activity_links",
    "activity_participants",
    "lead_sources",
    "call_lists",
    "call_list_entries",
    "leads",
    "campaigns",
    "campaign_members",
    "segments",
    "segment_members",
    "email_templates",
    "sequences",
    "sequence_steps",
    "sequence_enrolments",
    "promotions",
    "mail_folders",
    "mail_messages",
    "mail_bounces",
    "holidays",
    "sla_policies",
    "tickets",
    "ticket_messages",
    "ticket_status_history",
    "service_agreements",
    "agreement_occurrences",
    "number_sequences",
    "sales_documents",
    "document_lines",
    "payments",
    "outbox",
    "change_batches",
    "change_log",
];

/// The change log is written out as text, as it read before it was made lean (ids as text,
/// kinds by name, each change with its batch's time and origin), and read back from that
/// shape: an archive written by an earlier version loads too (its inserts' values are left
/// out, as the log no longer keeps them). `change_kinds` is rebuilt from the names.
const LOG_EXPORT: &[(&str, &str)] = &[
    (
        "change_batches",
        "SELECT b.uid AS batch_id, b.origin, b.at, b.label, u.uid AS undoes
           FROM change_batches b LEFT JOIN change_batches u ON u.id = b.undoes ORDER BY b.id",
    ),
    (
        "change_log",
        "SELECT seq, batch_id, origin, entity, entity_id, op, changes, at, record_entity,
                record_id
           FROM change_entries ORDER BY seq",
    ),
];

/// Tables a new database fills by itself (the default pipeline); an import replaces them.
const SEEDED: &[&str] = &[
    "pipeline_stages",
    "pipelines",
    "lost_reasons",
    "lead_sources",
    "sla_policies",
    "number_sequences",
];

fn to_json(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(i),
        Value::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        Value::Text(s) => Json::String(s),
        Value::Blob(b) => Json::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or_default())),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// What an export or import moved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ArchiveReport {
    pub path: String,
    /// Rows per table.
    pub tables: Vec<(String, u64)>,
}

/// Writes the archive to `path` (through a temporary file, renamed into place when complete).
pub fn export(db: &Db, path: &Path) -> Result<ArchiveReport> {
    let mut out: Vec<u8> = Vec::new();
    let mut counts = Vec::new();
    let io = |e: std::io::Error| Error::Internal(format!("could not write the archive: {e}"));
    write!(
        out,
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"schema_version\":{},\"exported_at\":{},\"tables\":{{",
        db.schema_version()?,
        Json::String(crate::kernel::time::now())
    )
    .map_err(io)?;
    for (t, table) in TABLES.iter().enumerate() {
        let sql = match LOG_EXPORT.iter().find(|(t, _)| t == table) {
            Some((_, sql)) => (*sql).to_owned(),
            // Keyed by its columns, WITHOUT ROWID (migration 0013): in key order.
            None if *table == "activity_links" => {
                "SELECT * FROM activity_links ORDER BY activity_id, entity, entity_id".to_owned()
            }
            None => format!("SELECT * FROM {table} ORDER BY rowid"),
        };
        let mut stmt = db.conn().prepare(&sql)?;
        let log = LOG_EXPORT.iter().any(|(t, _)| t == table);
        let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        write!(
            out,
            "{}{}:[",
            if t == 0 { "" } else { "," },
            Json::String((*table).into())
        )
        .map_err(io)?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let mut obj = Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = r.get::<_, Value>(i)?;
                let value = match value {
                    // The log's ids are 16-byte blobs; the archive has them as text.
                    Value::Blob(_) if log => Value::Text(crate::store::changelog::id_text(value)),
                    other => other,
                };
                obj.insert(name.clone(), to_json(value));
            }
            if n > 0 {
                out.push(b',');
            }
            out.push(b'\n');
            serde_json::to_writer(&mut out, &Json::Object(obj))
                .map_err(|e| Error::Internal(e.to_string()))?;
            n += 1;
        }
        out.extend_from_slice(b"]");
        counts.push(((*table).to_owned(), n));
    }
    out.extend_from_slice(b"}}\n");
    crate::kernel::files::write_atomically(path, &out)?;
    Ok(ArchiveReport {
        path: path.display().to_string(),
        tables: counts,
    })
}

/// Loads an archive into this database, which must be empty (nothing written to it yet).
/// All or nothing: one transaction; the search index is rebuilt at the end.
pub fn import(db: &mut Db, path: &Path) -> Result<ArchiveReport> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    let doc: Json = serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid(
            "file",
            format!(
                "{name} is not a Rapport archive: its JSON is broken at line {}, column {} ({e})",
                e.line(),
                e.column()
            ),
        )
    })?;
    if doc.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(Error::invalid(
            "file",
            format!("{name} is not a Rapport archive (no \"format\": \"{FORMAT}\")"),
        ));
    }
    let version = doc.get("version").and_then(Json::as_i64).unwrap_or(0);
    if version > VERSION {
        return Err(Error::invalid(
            "file",
            format!(
                "{name} was written by a newer Rapport (archive version {version}); update Rapport to read it"
            ),
        ));
    }
    let schema = doc
        .get("schema_version")
        .and_then(Json::as_i64)
        .unwrap_or(0);
    if schema > db.schema_version()? {
        return Err(Error::invalid(
            "file",
            format!(
                "{name} comes from a newer Rapport (schema {schema}); update Rapport to read it"
            ),
        ));
    }
    let Some(tables) = doc.get("tables").and_then(Json::as_object) else {
        return Err(Error::invalid("file", format!("{name} has no \"tables\"")));
    };
    let logged: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?;
    if logged > 0 {
        return Err(Error::Conflict(
            "an archive loads into an empty database only; this one already holds data (create a new file first)".into(),
        ));
    }
    let mut counts = Vec::new();
    db.write(|w| {
        let conn = w.conn();
        conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        for table in SEEDED {
            if tables.contains_key(*table) {
                conn.execute(&format!("DELETE FROM {table}"), [])?;
            }
        }
        for table in TABLES {
            let Some(rows) = tables.get(*table).and_then(Json::as_array) else {
                continue;
            };
            if LOG_EXPORT.iter().any(|(t, _)| t == table) {
                import_log(conn, &name, table, rows)?;
                counts.push(((*table).to_owned(), rows.len() as u64));
                continue;
            }
            let columns: Vec<String> = conn
                .prepare(&format!("SELECT * FROM {table} LIMIT 0"))?
                .column_names()
                .map(str::to_owned)
                .collect();
            // Bytes (a PDF kept with the mail that sent it) are hex in the archive.
            let blobs = crate::store::writer::blob_columns(conn, table)?;
            for (i, row) in rows.iter().enumerate() {
                let Some(obj) = row.as_object() else {
                    return Err(Error::invalid(
                        "file",
                        format!("{name}: {table} row {} is not an object", i + 1),
                    ));
                };
                let present: Vec<&String> =
                    columns.iter().filter(|c| obj.contains_key(*c)).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    present
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    present
                        .iter()
                        .map(|c| if blobs.contains(c) { "unhex(?)" } else { "?" })
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let values: Vec<Value> = present.iter().map(|c| from_json(&obj[*c])).collect();
                conn.prepare_cached(&sql)?
                    .execute(rusqlite::params_from_iter(values))
                    .map_err(|e| {
                        Error::invalid(
                            "file",
                            format!("{name}: {table} row {} cannot be stored: {e}", i + 1),
                        )
                    })?;
            }
            counts.push(((*table).to_owned(), rows.len() as u64));
        }
        crate::store::search::rebuild(conn)?;
        Ok(())
    })?;
    Ok(ArchiveReport {
        path: name,
        tables: counts,
    })
}

/// Loads the archive's `change_batches` or `change_log` rows (see [`LOG_EXPORT`]).
fn import_log(conn: &rusqlite::Connection, name: &str, table: &str, rows: &[Json]) -> Result<()> {
    use crate::store::changelog::{append_entry, id_value};
    let text = |row: &Json, field: &str| -> Option<String> {
        match row.get(field)? {
            Json::Null => None,
            Json::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    let bad = |i: usize, what: &str| {
        Error::invalid(
            "file",
            format!("{name}: {table} row {} cannot be stored: {what}", i + 1),
        )
    };
    if table == "change_batches" {
        for (i, row) in rows.iter().enumerate() {
            let (Some(uid), Some(origin), Some(at)) =
                (text(row, "batch_id"), text(row, "origin"), text(row, "at"))
            else {
                return Err(bad(i, "it needs batch_id, origin and at"));
            };
            conn.prepare_cached(
                "INSERT INTO change_batches (uid, origin, at, label) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute((id_value(&uid), origin, at, text(row, "label")))
            .map_err(|e| bad(i, &e.to_string()))?;
        }
        for row in rows {
            if let (Some(uid), Some(undoes)) = (text(row, "batch_id"), text(row, "undoes")) {
                conn.prepare_cached(
                    "UPDATE change_batches SET undoes = (SELECT id FROM change_batches WHERE uid = ?2)
                      WHERE uid = ?1",
                )?
                .execute((id_value(&uid), id_value(&undoes)))?;
            }
        }
        return Ok(());
    }
    for (i, row) in rows.iter().enumerate() {
        let (Some(batch), Some(origin), Some(entity), Some(id), Some(op), Some(at)) = (
            text(row, "batch_id"),
            text(row, "origin"),
            text(row, "entity"),
            text(row, "entity_id"),
            text(row, "op"),
            text(row, "at"),
        ) else {
            return Err(bad(
                i,
                "it needs batch_id, origin, entity, entity_id, op and at",
            ));
        };
        let record_entity = text(row, "record_entity");
        let record_id = text(row, "record_id");
        let record = record_entity.as_deref().zip(record_id.as_deref());
        append_entry(
            conn,
            &batch,
            &origin,
            &at,
            &entity,
            &id,
            &op,
            text(row, "changes").as_deref(),
            record,
        )
        .map_err(|e| bad(i, &e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_user_data_is_in_the_archive() {
        let db = Db::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let mut stmt = db
            .conn()
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table'
                   AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%'
                   AND name NOT IN ('schema_migrations', 'change_kinds')",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let missing: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(std::result::Result::ok)
            .filter(|t| !TABLES.contains(&t.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "add these tables to archive::TABLES, or their data is lost on export: {missing:?}"
        );
    }

    /// The archive lists parents before children, as the link registry has them, so a reader
    /// of the file (or a load without deferred keys) meets every record before what points at it.
    #[test]
    fn the_archive_lists_every_parent_before_the_rows_that_point_at_it() {
        let at = |t: &str| TABLES.iter().position(|x| *x == t);
        let late: Vec<String> = crate::store::links::LINKS
            .iter()
            .filter(|l| l.table != l.parent)
            .filter_map(|l| match (at(l.parent), at(l.table)) {
                (Some(p), Some(c)) if p > c => {
                    Some(format!("{}.{} -> {}", l.table, l.column, l.parent))
                }
                _ => None,
            })
            .collect();
        assert!(
            late.is_empty(),
            "move these parents up in archive::TABLES: {late:?}"
        );
    }
}
