//! Reading the append-only change log that [`crate::store::writer::Writer`] fills.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value as Json;

use crate::kernel::error::{Error, Result};

/// One recorded insert, update or delete of one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub batch_id: String,
    pub origin: String,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    /// `field -> (old, new)`; `null` stands for "no value" (before an insert, after a delete).
    pub changes: BTreeMap<String, (Json, Json)>,
    pub at: String,
    /// The record the changed row belongs to (a contact for its e-mail rows).
    pub record_entity: Option<String>,
    pub record_id: Option<String>,
}

/// Every change to one row, oldest first.
pub fn for_entity(conn: &Connection, entity: &str, id: &str) -> Result<Vec<Change>> {
    query(
        conn,
        "WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq",
        [entity, id],
    )
}

/// Every change to one record (its own row and its child rows), from change `seq` on, oldest
/// first.
pub fn for_record_since(
    conn: &Connection,
    entity: &str,
    id: &str,
    seq: i64,
) -> Result<Vec<Change>> {
    query(
        conn,
        "WHERE record_entity = ?1 AND record_id = ?2 AND seq >= ?3 ORDER BY seq",
        (entity, id, seq),
    )
}

/// Every change made by one transaction, in order.
pub fn for_batch(conn: &Connection, batch_id: &str) -> Result<Vec<Change>> {
    query(conn, "WHERE batch_id = ?1 ORDER BY seq", [batch_id])
}

fn query<P: rusqlite::Params>(conn: &Connection, filter: &str, params: P) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, batch_id, origin, entity, entity_id, op, changes, at, record_entity, record_id
           FROM change_log {filter}"
    ))?;
    let rows = stmt.query_map(params, |row| {
        Ok((
            Change {
                seq: row.get("seq")?,
                batch_id: row.get("batch_id")?,
                origin: row.get("origin")?,
                entity: row.get("entity")?,
                entity_id: row.get("entity_id")?,
                op: row.get("op")?,
                changes: BTreeMap::new(),
                at: row.get("at")?,
                record_entity: row.get("record_entity")?,
                record_id: row.get("record_id")?,
            },
            row.get::<_, String>("changes")?,
        ))
    })?;
    rows.map(|row| {
        let (mut change, json) = row?;
        change.changes = serde_json::from_str(&json).map_err(|e| {
            Error::Internal(format!(
                "change log entry {} is unreadable: {e}",
                change.seq
            ))
        })?;
        Ok(change)
    })
    .collect()
}

/// Reverses everything one transaction did (a merge, an import, a save), as a new logged
/// transaction; returns the new batch's id. Refused, with nothing changed, when a record the
/// batch touched was changed again afterwards (its own row, or anything belonging to it):
/// undoing would silently overwrite that, or fail half-way.
pub fn undo(db: &mut crate::Db, batch_id: &str) -> Result<String> {
    let changes = for_batch(db.conn(), batch_id)?;
    let Some(last) = changes.last() else {
        return Err(Error::not_found("change batch", batch_id));
    };
    let last_seq = last.seq;
    let refused = |detail: String| {
        Error::Conflict(format!(
            "Cannot undo that action: {detail}. Undo the later changes first, or change the records by hand."
        ))
    };
    db.write(|w| {
        let later: Option<(String, String)> = w
            .conn()
            .prepare(
                "SELECT l.entity, coalesce(l.record_id, l.entity_id) FROM change_log l
                  WHERE l.seq > ?1 AND EXISTS (
                        SELECT 1 FROM change_log b WHERE b.batch_id = ?2
                           AND ((b.entity = l.entity AND b.entity_id = l.entity_id)
                             OR (b.record_entity = l.record_entity AND b.record_id = l.record_id)))
                  LIMIT 1",
            )?
            .query_row((last_seq, batch_id), |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((entity, id)) = later {
            return Err(refused(format!(
                "{entity} of record {id} changed again after it (or the action was already undone)"
            )));
        }
        for change in changes.iter().rev() {
            let old: Vec<(String, rusqlite::types::Value)> = change
                .changes
                .iter()
                .map(|(field, (old, _))| (field.clone(), crate::store::writer::from_json(old)))
                .collect();
            let applied = match change.op.as_str() {
                "insert" => w.delete(&change.entity, &change.entity_id),
                "update" => w.update_dynamic(&change.entity, &change.entity_id, &old),
                "delete" => w.restore(&change.entity, &change.entity_id, &old),
                other => Err(Error::Internal(format!(
                    "unknown change-log operation {other}"
                ))),
            };
            applied.map_err(|e| match e {
                // Something outside the batch now depends on what it created (a contact linked
                // to a new account, ...): refuse rather than break the link.
                Error::Database(db) => refused(format!("other records now depend on it ({db})")),
                Error::Conflict(why) => refused(format!(
                    "other records now depend on it ({})",
                    why.trim_end_matches('.')
                )),
                other => other,
            })?;
        }
        let mut records: Vec<(&str, &str)> = changes
            .iter()
            .filter_map(|c| Some((c.record_entity.as_deref()?, c.record_id.as_deref()?)))
            .collect();
        records.sort_unstable();
        records.dedup();
        for (entity, id) in records {
            if let Some(kind) = crate::store::search::KINDS.iter().find(|k| **k == entity) {
                w.reindex_later(kind, id);
            }
        }
        Ok(w.batch_id().to_owned())
    })
}
