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
    if changes.is_empty() {
        return Err(Error::not_found("change batch", batch_id));
    }
    let refused = |detail: String| {
        Error::Conflict(format!(
            "Cannot undo that action: {detail}. Undo the later changes first, or change the records by hand."
        ))
    };
    db.write(|w| {
        // The check is shared with the History screen (`undo_blocker`, below).
        if let Some(why) = undo_blocker(w.conn(), batch_id)? {
            return Err(Error::Conflict(why));
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

// ---- batches, for the History screen
//
// Interim implementation on the row-per-change schema: the change-log rework replaces this
// section (with real labels and undo links) when it lands.

/// One transaction of the change log, summed up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchInfo {
    pub batch_id: String,
    pub origin: String,
    /// When the action was made (UTC RFC 3339, as the log stores it).
    pub at: String,
    /// Plain words set by the action, if any.
    pub label: Option<String>,
    /// The batch this batch undid, if it is an undo.
    pub undoes: Option<String>,
    /// The batch that undid this one, if any.
    pub undone_by: Option<String>,
    /// Rows changed.
    pub changes: u64,
    /// `(entity table, op, count)`, most first.
    pub kinds: Vec<(String, String, u64)>,
    /// Up to 3 distinct `(record_entity, record_id)` it touched, in order.
    pub records: Vec<(String, String)>,
}

/// The seq range `(first, last)` of a batch (a transaction's rows are consecutive).
fn batch_span(conn: &Connection, batch_id: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT min(seq), max(seq) FROM change_log WHERE batch_id = ?1")?
        .query_row([batch_id], |r| {
            Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?))
        })?)
}

/// The row at `seq`: `(batch_id, entity, entity_id, op)`.
fn row_at(conn: &Connection, seq: i64) -> Result<Option<(String, String, String, String)>> {
    Ok(conn
        .prepare_cached("SELECT batch_id, entity, entity_id, op FROM change_log WHERE seq = ?1")?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?)
}

/// The nearest change of row `entity`/`id` before (`earlier`) or after `seq`.
fn neighbour(
    conn: &Connection,
    entity: &str,
    id: &str,
    seq: i64,
    earlier: bool,
) -> Result<Option<i64>> {
    let sql = if earlier {
        "SELECT max(seq) FROM change_log WHERE entity = ?1 AND entity_id = ?2 AND seq < ?3"
    } else {
        "SELECT min(seq) FROM change_log WHERE entity = ?1 AND entity_id = ?2 AND seq > ?3"
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row((entity, id, seq), |r| r.get(0))?)
}

fn inverse(op: &str) -> &str {
    match op {
        "insert" => "delete",
        "delete" => "insert",
        other => other,
    }
}

/// Whether batch `later` (span `l`) reverses batch `earlier` (span `e`): `undo` replays the
/// batch backwards, so the undo's rows are the inverses of the batch's rows, last first, one
/// for one (compared in full up to 2,000 rows, else the first and last hundred).
fn reverses(conn: &Connection, e: (i64, i64), l: (i64, i64)) -> Result<bool> {
    let n = e.1 - e.0;
    if n != l.1 - l.0 {
        return Ok(false);
    }
    let offsets: Vec<i64> = if n <= 2000 {
        (0..=n).collect()
    } else {
        (0..100).chain(n - 99..=n).collect()
    };
    for i in offsets {
        let (Some(done), Some(undone)) = (row_at(conn, e.1 - i)?, row_at(conn, l.0 + i)?) else {
            return Ok(false);
        };
        if done.1 != undone.1 || done.2 != undone.2 || inverse(&done.3) != undone.3 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The batch `span` undid, guessed from the log (interim: no undo links are stored): walking
/// back over the changes of the row the batch changed first, skipping undo pairs, the batch whose
/// last change it reverses.
fn undone_batch(conn: &Connection, span: (i64, i64)) -> Result<Option<String>> {
    undone_within(conn, span, 8)
}

fn undone_within(conn: &Connection, span: (i64, i64), depth: usize) -> Result<Option<String>> {
    let Some((_, entity, id, _)) = row_at(conn, span.0)? else {
        return Ok(None);
    };
    let mut at = span.0;
    for _ in 0..depth {
        let Some(prev) = neighbour(conn, &entity, &id, at, true)? else {
            return Ok(None);
        };
        let Some((prev_batch, ..)) = row_at(conn, prev)? else {
            return Ok(None);
        };
        let Some(prev_span) = batch_span(conn, &prev_batch)? else {
            return Ok(None);
        };
        if prev_span.1 == prev && reverses(conn, prev_span, span)? {
            return Ok(Some(prev_batch));
        }
        // An undo in between: skip it and what it undid.
        let Some(inner) = undone_within(conn, prev_span, depth - 1)? else {
            return Ok(None);
        };
        at = batch_span(conn, &inner)?.map_or(i64::MIN, |s| s.0);
    }
    Ok(None)
}

/// The batch that undid the batch `span`, guessed from the log the same way, forwards.
fn undoing_batch(conn: &Connection, span: (i64, i64)) -> Result<Option<String>> {
    undoing_within(conn, span, 8)
}

fn undoing_within(conn: &Connection, span: (i64, i64), depth: usize) -> Result<Option<String>> {
    let Some((_, entity, id, _)) = row_at(conn, span.1)? else {
        return Ok(None);
    };
    let mut at = span.1;
    for _ in 0..depth {
        let Some(next) = neighbour(conn, &entity, &id, at, false)? else {
            return Ok(None);
        };
        let Some((next_batch, ..)) = row_at(conn, next)? else {
            return Ok(None);
        };
        let Some(next_span) = batch_span(conn, &next_batch)? else {
            return Ok(None);
        };
        if next_span.0 == next && reverses(conn, span, next_span)? {
            return Ok(Some(next_batch));
        }
        // A change undone in between: skip it and its undo.
        let Some(undo) = undoing_within(conn, next_span, depth - 1)? else {
            return Ok(None);
        };
        at = batch_span(conn, &undo)?.map_or(i64::MAX, |s| s.1);
    }
    Ok(None)
}

/// One batch summed up; `None` when the log has no such batch.
pub fn batch(conn: &Connection, batch_id: &str) -> Result<Option<BatchInfo>> {
    let Some(span) = batch_span(conn, batch_id)? else {
        return Ok(None);
    };
    let (origin, at): (String, String) = conn
        .prepare_cached("SELECT origin, at FROM change_log WHERE seq = ?1")?
        .query_row([span.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let kinds: Vec<(String, String, u64)> = conn
        .prepare_cached(
            "SELECT entity, op, count(*) FROM change_log WHERE batch_id = ?1
              GROUP BY entity, op ORDER BY count(*) DESC, min(seq)",
        )?
        .query_map([batch_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.unsigned_abs()))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let changes = kinds.iter().map(|k| k.2).sum();
    let mut records: Vec<(String, String)> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(record_entity, entity), coalesce(record_id, entity_id) FROM change_log
          WHERE batch_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([batch_id])?;
    while let Some(row) = rows.next()? {
        let record: (String, String) = (row.get(0)?, row.get(1)?);
        if !records.contains(&record) {
            records.push(record);
            if records.len() == 3 {
                break;
            }
        }
    }
    Ok(Some(BatchInfo {
        batch_id: batch_id.to_owned(),
        origin,
        at,
        label: None,
        undoes: undone_batch(conn, span)?,
        undone_by: undoing_batch(conn, span)?,
        changes,
        kinds,
        records,
    }))
}

/// Newest first; `before` = a batch id: only batches older than it.
pub fn batches(conn: &Connection, before: Option<&str>, limit: usize) -> Result<Vec<BatchInfo>> {
    let mut below = match before {
        Some(id) => match batch_span(conn, id)? {
            Some((first, _)) => first,
            None => return Err(Error::not_found("change batch", id)),
        },
        None => i64::MAX,
    };
    let mut out = Vec::new();
    while out.len() < limit {
        let newest: Option<String> = conn
            .prepare_cached(
                "SELECT batch_id FROM change_log WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([below], |r| r.get(0))
            .optional()?;
        let Some(id) = newest else { break };
        let Some(info) = batch(conn, &id)? else { break };
        below = batch_span(conn, &id)?.map_or(i64::MIN, |s| s.0);
        out.push(info);
    }
    Ok(out)
}

/// `None` when the batch can be undone now; else the plain-words reason (as `undo` words it).
/// A later change to a record the batch touched blocks it, unless that later change was
/// undone again (or is the undo of another later change): the pair leaves the record as the
/// batch left it.
pub fn undo_blocker(conn: &Connection, batch_id: &str) -> Result<Option<String>> {
    let Some((_, last_seq)) = batch_span(conn, batch_id)? else {
        return Err(Error::not_found("change batch", batch_id));
    };
    let mut stmt = conn.prepare_cached(
        "SELECT l.batch_id, l.entity, coalesce(l.record_id, l.entity_id) FROM change_log l
          WHERE l.seq > ?1 AND EXISTS (
                SELECT 1 FROM change_log b WHERE b.batch_id = ?2
                   AND ((b.entity = l.entity AND b.entity_id = l.entity_id)
                     OR (b.record_entity = l.record_entity AND b.record_id = l.record_id)))
          ORDER BY l.seq",
    )?;
    let mut rows = stmt.query((last_seq, batch_id))?;
    let mut neutral: BTreeMap<String, bool> = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let later: String = row.get(0)?;
        let cancelled = match neutral.get(&later) {
            Some(known) => *known,
            None => {
                let known = match batch_span(conn, &later)? {
                    Some(span) => cancelled_after(conn, span, last_seq)?,
                    None => false,
                };
                neutral.insert(later, known);
                known
            }
        };
        if !cancelled {
            let (entity, id): (String, String) = (row.get(1)?, row.get(2)?);
            return Ok(Some(format!(
                "Cannot undo that action: {entity} of record {id} changed again after it (or the action was already undone). Undo the later changes first, or change the records by hand."
            )));
        }
    }
    Ok(None)
}

/// Whether the batch `span`, made after change `seq`, has no effect left: it belongs to a
/// chain of undos (an action, its undo, the undo of that, ...) that starts after `seq` and
/// ends undone.
fn cancelled_after(conn: &Connection, span: (i64, i64), seq: i64) -> Result<bool> {
    let mut root = span;
    for _ in 0..16 {
        match undone_batch(conn, root)?.map(|id| batch_span(conn, &id)) {
            Some(found) => match found? {
                Some(s) => root = s,
                None => return Ok(false),
            },
            None => break,
        }
    }
    if root.0 <= seq {
        return Ok(false);
    }
    let mut undos = 0;
    let mut at = root;
    for _ in 0..16 {
        match undoing_batch(conn, at)?.map(|id| batch_span(conn, &id)) {
            Some(found) => match found? {
                Some(s) => {
                    undos += 1;
                    at = s;
                }
                None => return Ok(false),
            },
            None => break,
        }
    }
    Ok(undos % 2 == 1)
}
