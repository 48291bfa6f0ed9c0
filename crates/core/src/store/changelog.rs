//! Reading the append-only change log that [`crate::store::writer::Writer`] fills.
//!
//! The log is lean (migration 0012): a batch (one action) is a row of `change_batches`; each
//! changed row is a row of `change_log` pointing at it, with its kind as a small integer
//! (`change_kinds`), its id as a 16-byte blob when it is a UUID, and values only where undo
//! needs them: an update's changed fields (old and new), a delete's old row. An insert logs
//! its id alone; readers that show values ([`for_entity`], [`for_record_since`],
//! [`for_batch`]) put them back from what came after it: the first later change's old value of
//! each field it touched, else the row as it is now, else the row as its deletion logged it.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value;
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

/// The operation codes of `change_log.op`.
pub(crate) const INSERT: i64 = 1;
pub(crate) const UPDATE: i64 = 2;
pub(crate) const DELETE: i64 = 3;

fn op_name(op: i64) -> &'static str {
    match op {
        INSERT => "insert",
        UPDATE => "update",
        _ => "delete",
    }
}

pub(crate) fn op_code(op: &str) -> Option<i64> {
    match op {
        "insert" => Some(INSERT),
        "update" => Some(UPDATE),
        "delete" => Some(DELETE),
        _ => None,
    }
}

/// How the log stores a row or batch id: the 16 bytes of a UUID (in its usual lower-case
/// text form), else the text itself.
pub(crate) fn id_value(id: &str) -> Value {
    let b = id.as_bytes();
    let canonical = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        });
    if !canonical {
        return Value::Text(id.to_owned());
    }
    let hex: Vec<u8> = b.iter().copied().filter(|c| *c != b'-').collect();
    let nibble = |c: u8| {
        if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'a' + 10
        }
    };
    Value::Blob(
        hex.chunks(2)
            .map(|p| (nibble(p[0]) << 4) | nibble(p[1]))
            .collect(),
    )
}

/// An id as the log stored it, back as text.
pub(crate) fn id_text(value: Value) -> String {
    match value {
        Value::Blob(b) if b.len() == 16 => {
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
        Value::Text(t) => t,
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        Value::Null => String::new(),
    }
}

/// The code of a kind of row (a table name), if the log has ever seen it.
pub(crate) fn kind_code(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM change_kinds WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// The integer key of a batch, by the text id callers know it by.
pub(crate) fn batch_key(conn: &Connection, batch_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM change_batches WHERE uid = ?1")?
        .query_row([id_value(batch_id)], |r| r.get(0))
        .optional()?)
}

const SELECT: &str = "SELECT l.seq, b.uid, b.origin, k.name, l.row_id, l.op, l.changes, b.at,
                             r.name, l.record_id
                        FROM change_log l
                        JOIN change_batches b ON b.id = l.batch
                        JOIN change_kinds k ON k.id = l.kind
                        LEFT JOIN change_kinds r ON r.id = l.record_kind";

/// Every change to one row, oldest first.
pub fn for_entity(conn: &Connection, entity: &str, id: &str) -> Result<Vec<Change>> {
    let Some(kind) = kind_code(conn, entity)? else {
        return Ok(Vec::new());
    };
    let mut changes = query(
        conn,
        "WHERE l.kind = ?1 AND l.row_id = ?2 ORDER BY l.seq",
        (kind, id_value(id)),
    )?;
    hydrate(conn, &mut changes)?;
    Ok(changes)
}

/// Every change to one record (its own row and its child rows), from change `seq` on, oldest
/// first.
pub fn for_record_since(
    conn: &Connection,
    entity: &str,
    id: &str,
    seq: i64,
) -> Result<Vec<Change>> {
    let Some(kind) = kind_code(conn, entity)? else {
        return Ok(Vec::new());
    };
    let mut changes = query(
        conn,
        "WHERE l.seq IN (SELECT seq FROM change_log
                          WHERE kind = ?1 AND row_id = ?2 AND record_kind IS NULL AND seq >= ?3
                         UNION ALL
                         SELECT seq FROM change_log
                          WHERE record_kind = ?1 AND record_id = ?2 AND seq >= ?3)
         ORDER BY l.seq",
        (kind, id_value(id), seq),
    )?;
    hydrate(conn, &mut changes)?;
    Ok(changes)
}

/// The `seq` of the newest `limit` changes to one record (its own row and its child rows),
/// made before the time `before` when given, newest first.
pub(crate) fn record_seqs(
    conn: &Connection,
    entity: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<i64>> {
    let Some(kind) = kind_code(conn, entity)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT l.seq FROM change_log l JOIN change_batches b ON b.id = l.batch
          WHERE l.seq IN (SELECT seq FROM change_log
                           WHERE kind = ?1 AND row_id = ?2 AND record_kind IS NULL
                          UNION ALL
                          SELECT seq FROM change_log WHERE record_kind = ?1 AND record_id = ?2)
            AND (?3 IS NULL OR b.at < ?3)
          ORDER BY l.seq DESC LIMIT ?4",
    )?;
    let seqs = stmt
        .query_map((kind, id_value(id), before, limit as i64), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(seqs)
}

/// Every change made by one transaction, in order.
pub fn for_batch(conn: &Connection, batch_id: &str) -> Result<Vec<Change>> {
    let Some(key) = batch_key(conn, batch_id)? else {
        return Ok(Vec::new());
    };
    let mut changes = query(conn, "WHERE l.batch = ?1 ORDER BY l.seq", [key])?;
    hydrate(conn, &mut changes)?;
    Ok(changes)
}

fn query<P: rusqlite::Params>(conn: &Connection, filter: &str, params: P) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} {filter}"))?;
    let rows = stmt.query_map(params, |row| {
        let entity: String = row.get(3)?;
        let entity_id = id_text(row.get(4)?);
        let record_entity: Option<String> = row.get(8)?;
        let record_id: Value = row.get(9)?;
        let (record_entity, record_id) = match record_entity {
            Some(e) => (e, id_text(record_id)),
            None => (entity.clone(), entity_id.clone()),
        };
        Ok((
            Change {
                seq: row.get(0)?,
                batch_id: id_text(row.get(1)?),
                origin: row.get(2)?,
                entity,
                entity_id,
                op: op_name(row.get(5)?).to_owned(),
                changes: BTreeMap::new(),
                at: row.get(7)?,
                record_entity: Some(record_entity),
                record_id: Some(record_id),
            },
            row.get::<_, Option<String>>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (mut change, json) = row?;
        if let Some(json) = json {
            change.changes = serde_json::from_str(&json).map_err(|e| {
                Error::Internal(format!(
                    "change log entry {} is unreadable: {e}",
                    change.seq
                ))
            })?;
        }
        Ok(change)
    })
    .collect()
}

/// Columns an insert never showed: the key and the times every row carries.
const NOT_INSERT_VALUES: &[&str] = &["id", "key", "created_at", "updated_at"];

/// Puts back the values of the inserts among `changes` (the log keeps only their ids): for
/// each field, the old value of the first later change that touched it, else the value the
/// row holds now, else the value its deletion logged.
fn hydrate(conn: &Connection, changes: &mut [Change]) -> Result<()> {
    for change in changes.iter_mut().filter(|c| c.op == "insert") {
        let Some(kind) = kind_code(conn, &change.entity)? else {
            continue;
        };
        let later = query(
            conn,
            "WHERE l.kind = ?1 AND l.row_id = ?2 AND l.seq > ?3 ORDER BY l.seq",
            (kind, id_value(&change.entity_id), change.seq),
        )?;
        let mut values: BTreeMap<String, Json> = BTreeMap::new();
        let mut deleted = false;
        for next in later {
            match next.op.as_str() {
                "update" => {
                    for (field, (old, _)) in next.changes {
                        values.entry(field).or_insert(old);
                    }
                }
                "delete" => {
                    for (field, (old, _)) in next.changes {
                        values.entry(field).or_insert(old);
                    }
                    deleted = true;
                    break;
                }
                _ => break,
            }
        }
        if !deleted {
            for (field, value) in current_row(conn, &change.entity, &change.entity_id)? {
                values.entry(field).or_insert(value);
            }
        }
        change.changes = values
            .into_iter()
            .filter(|(f, v)| !v.is_null() && !NOT_INSERT_VALUES.contains(&f.as_str()))
            .map(|(f, v)| (f, (Json::Null, v)))
            .collect();
    }
    Ok(())
}

/// The row of `table` with this id as it is now (empty when there is none), each column with
/// a value that is not the column's default.
fn current_row(conn: &Connection, table: &str, id: &str) -> Result<Vec<(String, Json)>> {
    if !table
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return Ok(Vec::new());
    }
    let (filter, keys) = crate::store::writer::row_filter(conn, table, id)?;
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE {filter}"))?;
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let row: Option<Vec<Value>> = stmt
        .query_row(rusqlite::params_from_iter(&keys), |row| {
            (0..names.len()).map(|i| row.get::<_, Value>(i)).collect()
        })
        .optional()?;
    let Some(row) = row else {
        return Ok(Vec::new());
    };
    Ok(names
        .into_iter()
        .zip(row)
        .filter(|(_, v)| *v != Value::Null)
        .map(|(n, v)| (n, crate::store::writer::to_json(&v)))
        .collect())
}

/// "1,204 contacts", "1 contact": a count in words for batch labels.
pub(crate) fn counted(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {noun}", crate::kernel::money::thousands(n))
}

/// The plain-words refusal of an undo.
fn refused(detail: &str) -> String {
    format!(
        "Cannot undo that action: {detail}. Undo the later changes first, or change the records by hand."
    )
}

/// A row a batch changed, and the record it belongs to, each as (kind code, stored id).
type Key = (i64, bool, Vec<u8>);

/// A change found by `changed_later`: its batch, kind, row id, record kind and record id as
/// stored.
type Hit = (i64, i64, Value, Option<i64>, Value);

fn key_of(kind: i64, id: &Value) -> Key {
    match id {
        Value::Blob(b) => (kind, true, b.clone()),
        other => (kind, false, id_text(other.clone()).into_bytes()),
    }
}

/// Whether `later`, a batch made after batch `key`, has no effect left: it belongs to a chain
/// of undos (an action, its undo, the undo of that, ...) that starts after `key` and ends
/// undone. Undoing an edit and then the creation before it is the common case.
fn cancelled_after(conn: &Connection, later: i64, key: i64) -> Result<bool> {
    let undoes = |b: i64| -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached("SELECT undoes FROM change_batches WHERE id = ?1")?
            .query_row([b], |r| r.get(0))
            .optional()?
            .flatten())
    };
    let undone_by = |b: i64| -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached("SELECT id FROM change_batches WHERE undoes = ?1 ORDER BY id LIMIT 1")?
            .query_row([b], |r| r.get(0))
            .optional()?)
    };
    let mut root = later;
    while let Some(earlier) = undoes(root)? {
        root = earlier;
    }
    // Batch keys grow with time: a chain that starts at or before `key` is about `key` itself
    // (it was undone already) or older, and blocks.
    if root <= key {
        return Ok(false);
    }
    let mut undos = 0;
    let mut at = root;
    while let Some(next) = undone_by(at)? {
        undos += 1;
        at = next;
    }
    Ok(undos % 2 == 1)
}

/// The table name of a kind code.
fn kind_name(conn: &Connection, kind: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM change_kinds WHERE id = ?1")?
        .query_row([kind], |r| r.get(0))?)
}

/// The record a change belongs to (a contact for its e-mail row), as (kind, id).
fn describe(
    conn: &Connection,
    (_, kind, id, record_kind, record_id): Hit,
) -> Result<(String, String)> {
    match record_kind {
        Some(rk) => Ok((kind_name(conn, rk)?, id_text(record_id))),
        None => Ok((kind_name(conn, kind)?, id_text(id))),
    }
}

/// A [`Hit`] from a row whose first five columns are batch, kind, row_id, record_kind,
/// record_id.
fn hit_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Hit> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// Why batch `key` cannot be undone because of later changes: the first later change to a
/// row it changed, or to anything belonging to a record it touched, as (kind, record id).
/// Changes of later actions that were undone again do not count. Walks whichever side is
/// smaller: the batch's rows (looked up by index), or the changes made after it.
fn changed_later(conn: &Connection, key: i64) -> Result<Option<Later>> {
    let mut rows: HashSet<Key> = HashSet::new();
    let mut records: HashSet<Key> = HashSet::new();
    let mut inserted: HashMap<i64, HashSet<String>> = HashMap::new();
    let mut last_seq = 0i64;
    {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, kind, row_id, record_kind, record_id, op FROM change_log WHERE batch = ?1",
        )?;
        let mut q = stmt.query([key])?;
        while let Some(r) = q.next()? {
            last_seq = last_seq.max(r.get(0)?);
            let kind: i64 = r.get(1)?;
            let id: Value = r.get(2)?;
            let row = key_of(kind, &id);
            if r.get::<_, i64>(5)? == INSERT {
                inserted
                    .entry(kind)
                    .or_default()
                    .insert(id_text(id.clone()));
            }
            match r.get::<_, Option<i64>>(3)? {
                Some(rk) => {
                    records.insert(key_of(rk, &r.get(4)?));
                }
                None => {
                    records.insert(row.clone());
                }
            }
            rows.insert(row);
        }
    }
    let mut settled: HashMap<i64, bool> = HashMap::new();
    let mut counts = |hit: &Hit| -> Result<bool> {
        let batch = hit.0;
        if let Some(known) = settled.get(&batch) {
            return Ok(!known);
        }
        let cancelled = cancelled_after(conn, batch, key)?;
        settled.insert(batch, cancelled);
        Ok(!cancelled)
    };
    let budget = rows.len() + records.len();
    let later: Vec<Hit> = conn
        .prepare_cached(
            "SELECT batch, kind, row_id, record_kind, record_id FROM change_log
              WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?
        .query_map((last_seq, budget as i64 + 1), hit_of)?
        .collect::<rusqlite::Result<_>>()?;
    if later.len() <= budget {
        // Few changes since: look at each of them.
        for hit in later {
            let row = key_of(hit.1, &hit.2);
            let record = match hit.3 {
                Some(rk) => key_of(rk, &hit.4),
                None => row.clone(),
            };
            if (rows.contains(&row) || records.contains(&record)) && counts(&hit)? {
                return describe(conn, hit).map(|d| Some(Later::Changed(d)));
            }
        }
        return used_later(conn, last_seq, &inserted, &rows, &mut counts);
    }
    // Many changes since: look each of the batch's rows and records up.
    let as_value = |(kind, is_blob, bytes): &Key| -> (i64, Value) {
        let v = if *is_blob {
            Value::Blob(bytes.clone())
        } else {
            Value::Text(String::from_utf8_lossy(bytes).into_owned())
        };
        (*kind, v)
    };
    let mut first_counting = |sql: &str, k: &Key| -> Result<Option<Hit>> {
        let (kind, id) = as_value(k);
        let mut stmt = conn.prepare_cached(sql)?;
        let mut q = stmt.query((kind, id, last_seq))?;
        while let Some(r) = q.next()? {
            let hit = hit_of(r)?;
            if counts(&hit)? {
                return Ok(Some(hit));
            }
        }
        Ok(None)
    };
    for row in &rows {
        if let Some(hit) = first_counting(
            "SELECT batch, kind, row_id, record_kind, record_id FROM change_log
              WHERE kind = ?1 AND row_id = ?2 AND seq > ?3 ORDER BY seq",
            row,
        )? {
            return describe(conn, hit).map(|d| Some(Later::Changed(d)));
        }
    }
    for record in &records {
        for sql in [
            "SELECT batch, kind, row_id, record_kind, record_id FROM change_log
              WHERE kind = ?1 AND row_id = ?2 AND record_kind IS NULL AND seq > ?3 ORDER BY seq",
            "SELECT batch, kind, row_id, record_kind, record_id FROM change_log
              WHERE record_kind = ?1 AND record_id = ?2 AND seq > ?3 ORDER BY seq",
        ] {
            if let Some(hit) = first_counting(sql, record)? {
                return describe(conn, hit).map(|d| Some(Later::Changed(d)));
            }
        }
    }
    used_later(conn, last_seq, &inserted, &rows, &mut counts)
}

/// What stands in the way of undoing a batch: a later change to a record it touched, or a
/// later use of a record it created (a tag it added, given since to another contact).
enum Later {
    /// (kind, record id) changed again.
    Changed((String, String)),
    /// The record the batch created (kind, id), and the record (kind, id) that used it later.
    Used {
        what: (String, String),
        by: (String, String),
    },
}

/// How many rows [`used_later`] reads at most before it gives up looking (and lets the undo
/// itself find out, refusing with nothing changed): an action far back in a long history, or
/// an import of many records (History asks this of each action it lists).
const USE_SCAN_LIMIT: usize = 20_000;

/// A later use of a row batch `rows` inserted (kind code -> ids): undoing the batch deletes
/// that row, so a row of another action that points at it (a tagging of another contact with
/// a tag this batch made) would block the undo, or, once gone itself, make the undo of its own
/// action fail (its restore would point at nothing). Found two ways: a row pointing at it now
/// (one this batch did not write), and a later update or delete whose logged values held it.
/// Changes of actions undone again do not count.
fn used_later(
    conn: &Connection,
    last_seq: i64,
    inserted: &HashMap<i64, HashSet<String>>,
    rows: &HashSet<Key>,
    counts: &mut dyn FnMut(&Hit) -> Result<bool>,
) -> Result<Option<Later>> {
    // The record a row belongs to, as its first log entry names it (a tagging's contact).
    let record_of = |kind: i64, table: &str, id: &str| -> Result<(String, String)> {
        let first: Option<Hit> = conn
            .prepare_cached(
                "SELECT batch, kind, row_id, record_kind, record_id FROM change_log
                  WHERE kind = ?1 AND row_id = ?2 ORDER BY seq LIMIT 1",
            )?
            .query_row((kind, id_value(id)), hit_of)
            .optional()?;
        match first {
            Some(hit) => describe(conn, hit),
            None => Ok((table.to_owned(), id.to_owned())),
        }
    };
    let mut budget = USE_SCAN_LIMIT;
    for (kind, ids) in inserted {
        let parent = kind_name(conn, *kind)?;
        for link in crate::store::links::LINKS
            .iter()
            .filter(|l| l.parent == parent)
        {
            let Some(child_kind) = kind_code(conn, link.table)? else {
                continue; // never written through the log: nothing of it to undo
            };
            // Rows pointing at it now, other than the batch's own (its undo deletes or resets
            // those first).
            // Each lookup and each row it finds counts against the budget.
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT id FROM {} WHERE {} = ?1",
                link.table, link.column
            ))?;
            for id in ids {
                let mut q = stmt.query([id])?;
                loop {
                    if budget == 0 {
                        return Ok(None);
                    }
                    budget -= 1;
                    let Some(r) = q.next()? else { break };
                    let user: String = r.get(0)?;
                    if !rows.contains(&key_of(child_kind, &id_value(&user))) {
                        return Ok(Some(Later::Used {
                            what: (parent.clone(), id.clone()),
                            by: record_of(child_kind, link.table, &user)?,
                        }));
                    }
                }
            }
            // Later updates and deletes of such rows that held it (undoing them would put it
            // back).
            let mut stmt = conn.prepare_cached(
                "SELECT batch, kind, row_id, record_kind, record_id, changes FROM change_log
                  WHERE kind = ?1 AND seq > ?2 AND op <> 1 ORDER BY seq LIMIT ?3",
            )?;
            let mut q = stmt.query((child_kind, last_seq, budget as i64 + 1))?;
            while let Some(r) = q.next()? {
                if budget == 0 {
                    return Ok(None);
                }
                budget -= 1;
                let hit = hit_of(r)?;
                let Some(changes) = r.get::<_, Option<String>>(5)? else {
                    continue;
                };
                let held = serde_json::from_str::<serde_json::Map<String, Json>>(&changes)
                    .ok()
                    .and_then(|m| {
                        m.get(link.column)?
                            .as_array()?
                            .iter()
                            .filter_map(|v| v.as_str())
                            .find(|v| ids.contains(*v))
                            .map(str::to_owned)
                    });
                if let Some(id) = held
                    && counts(&hit)?
                {
                    return Ok(Some(Later::Used {
                        what: (parent.clone(), id),
                        by: describe(conn, hit)?,
                    }));
                }
            }
        }
    }
    Ok(None)
}

/// "the contact Ann Lee changed again after it ...", "the tag VIP it added has been used since
/// by the contact Bob Lee": the records by their names while they exist.
fn later_detail(conn: &Connection, later: Later) -> String {
    use crate::store::links::{noun, record_name};
    // The record's name while it exists (a deleted one reads as its bare id).
    let name = |table: &str, id: &str| record_name(conn, table, id).ok().filter(|n| n != id);
    let named = |(table, id): &(String, String)| match name(table, id) {
        Some(name) => format!("the {} {name}", noun(table)),
        None => format!("a {}", noun(table)),
    };
    match later {
        Later::Used { what, by } => {
            format!(
                "{} it added has been used since by {}",
                named(&what),
                named(&by)
            )
        }
        Later::Changed((table, id)) => match name(&table, &id) {
            Some(name) => format!(
                "the {} {name} changed again after it (or the action was already undone)",
                noun(&table)
            ),
            None => format!(
                "the {} it touched has been deleted since (or the action was already undone)",
                noun(&table)
            ),
        },
    }
}

/// Reverses everything one transaction did (a merge, an import, a save), as a new logged
/// transaction; returns the new batch's id. Refused, with nothing changed, when a record the
/// batch touched was changed again afterwards (its own row, or anything belonging to it):
/// undoing would silently overwrite that, or fail half-way.
pub fn undo(db: &mut crate::Db, batch_id: &str) -> Result<String> {
    let Some(key) = batch_key(db.conn(), batch_id)? else {
        return Err(Error::not_found("change batch", batch_id));
    };
    let changes = query(db.conn(), "WHERE l.batch = ?1 ORDER BY l.seq", [key])?;
    if changes.is_empty() {
        return Err(Error::not_found("change batch", batch_id));
    }
    let label: Option<String> = db.conn().query_row(
        "SELECT label FROM change_batches WHERE id = ?1",
        [key],
        |r| r.get(0),
    )?;
    let refuse = |detail: String| Error::Conflict(refused(&detail));
    db.write(|w| {
        if let Some(later) = changed_later(w.conn(), key)? {
            return Err(refuse(later_detail(w.conn(), later)));
        }
        w.undoing(key);
        // Without a label of its own, History words the undo from the action it undid.
        if let Some(label) = &label {
            w.describe(format!("Undid: {label}"));
        }
        for change in changes.iter().rev() {
            let old: Vec<(String, Value)> = change
                .changes
                .iter()
                .map(|(field, (old, _))| (field.clone(), crate::store::writer::from_json(old)))
                .collect();
            let applied = match change.op.as_str() {
                "insert" => w.delete(&change.entity, &change.entity_id),
                "update" => w.update_dynamic(&change.entity, &change.entity_id, &old),
                _ => w.restore(&change.entity, &change.entity_id, &old),
            };
            applied.map_err(|e| match e {
                // Something outside the batch now depends on what it created (a contact linked
                // to a new account, ...): refuse rather than break the link.
                Error::Database(db) if change.op == "insert" => {
                    refuse(format!("other records now depend on it ({db})"))
                }
                // Putting a row back that points at a record deleted since.
                Error::Database(db) => refuse(format!(
                    "a record it refers to has been deleted since ({db})"
                )),
                Error::Conflict(why) => refuse(format!(
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

/// Writes one change as an earlier version logged it (the JSON archive's `change_log` rows):
/// its batch is made when first met, an insert keeps no values.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append_entry(
    conn: &Connection,
    batch_id: &str,
    origin: &str,
    at: &str,
    entity: &str,
    entity_id: &str,
    op: &str,
    changes: Option<&str>,
    record: Option<(&str, &str)>,
) -> Result<()> {
    let Some(op) = op_code(op) else {
        return Err(Error::invalid(
            "op",
            format!("unknown change-log operation {op}"),
        ));
    };
    let batch = match batch_key(conn, batch_id)? {
        Some(key) => key,
        None => {
            conn.prepare_cached(
                "INSERT INTO change_batches (uid, origin, at) VALUES (?1, ?2, ?3)",
            )?
            .execute((id_value(batch_id), origin, at))?;
            conn.last_insert_rowid()
        }
    };
    let kind = kind_id(conn, entity)?;
    let record = match record {
        Some((re, rid)) if (re, rid) != (entity, entity_id) => {
            Some((kind_id(conn, re)?, id_value(rid)))
        }
        _ => None,
    };
    let changes = if op == INSERT { None } else { changes };
    conn.prepare_cached(
        "INSERT INTO change_log (batch, kind, row_id, op, changes, record_kind, record_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        batch,
        kind,
        id_value(entity_id),
        op,
        changes,
        record.as_ref().map(|r| r.0),
        record.map(|r| r.1),
    ))?;
    Ok(())
}

/// The code of a kind of row, given it one when it is new.
pub(crate) fn kind_id(conn: &Connection, name: &str) -> Result<i64> {
    if let Some(code) = kind_code(conn, name)? {
        return Ok(code);
    }
    conn.prepare_cached("INSERT INTO change_kinds (name) VALUES (?1)")?
        .execute([name])?;
    Ok(conn.last_insert_rowid())
}

// ---- batches, for the History screen

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchInfo {
    pub batch_id: String,
    pub origin: String,
    pub at: String, // when the action was made (UTC RFC 3339, as the log stores it)
    pub label: Option<String>, // plain words set by the action (Writer::describe), if any
    pub undoes: Option<String>, // the batch id this batch undid, if it is an undo
    pub undone_by: Option<String>, // the batch id that undid this one, if any
    pub changes: u64, // rows changed
    pub kinds: Vec<(String, String, u64)>, // (entity table, op, count), most first
    pub records: Vec<(String, String)>, // up to 3 distinct (record_entity, record_id) it touched, in order
}

/// Newest first; `before` = a batch id: only batches older than it.
pub fn batches(conn: &Connection, before: Option<&str>, limit: usize) -> Result<Vec<BatchInfo>> {
    let before = match before {
        Some(id) => match batch_key(conn, id)? {
            Some(key) => key,
            None => return Err(Error::not_found("change batch", id)),
        },
        None => i64::MAX,
    };
    let keys: Vec<i64> = conn
        .prepare_cached("SELECT id FROM change_batches WHERE id < ?1 ORDER BY id DESC LIMIT ?2")?
        .query_map((before, limit as i64), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    keys.into_iter().map(|key| batch_info(conn, key)).collect()
}

/// The newest batch made by `origin` at or after `since` (a time as the log stores it) that is
/// not an undo and was not undone: what Ctrl+Z and `rapport undo --last` take back next.
pub fn newest_standing(conn: &Connection, origin: &str, since: &str) -> Result<Option<BatchInfo>> {
    let key: Option<i64> = conn
        .prepare_cached(
            "SELECT b.id FROM change_batches b
              WHERE b.origin = ?1 AND b.at >= ?2 AND b.undoes IS NULL
                AND NOT EXISTS (SELECT 1 FROM change_batches u WHERE u.undoes = b.id)
              ORDER BY b.id DESC LIMIT 1",
        )?
        .query_row((origin, since), |r| r.get(0))
        .optional()?;
    key.map(|key| batch_info(conn, key)).transpose()
}

pub fn batch(conn: &Connection, batch_id: &str) -> Result<Option<BatchInfo>> {
    batch_key(conn, batch_id)?
        .map(|key| batch_info(conn, key))
        .transpose()
}

/// None when the batch can be undone now; else the plain-words reason (same wording as undo's refusal).
pub fn undo_blocker(conn: &Connection, batch_id: &str) -> Result<Option<String>> {
    let Some(key) = batch_key(conn, batch_id)? else {
        return Err(Error::not_found("change batch", batch_id));
    };
    Ok(changed_later(conn, key)?.map(|later| refused(&later_detail(conn, later))))
}

fn batch_info(conn: &Connection, key: i64) -> Result<BatchInfo> {
    let (uid, origin, at, label, undoes): (Value, String, String, Option<String>, Option<Value>) =
        conn.prepare_cached(
            "SELECT b.uid, b.origin, b.at, b.label, u.uid FROM change_batches b
               LEFT JOIN change_batches u ON u.id = b.undoes
              WHERE b.id = ?1",
        )?
        .query_row([key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let undone_by: Option<Value> = conn
        .prepare_cached(
            "SELECT uid FROM change_batches WHERE undoes = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([key], |r| r.get(0))
        .optional()?;
    let mut kinds: Vec<(String, String, u64)> = conn
        .prepare_cached(
            "SELECT k.name, l.op, count(*) FROM change_log l JOIN change_kinds k ON k.id = l.kind
              WHERE l.batch = ?1 GROUP BY l.kind, l.op",
        )?
        .query_map([key], |r| {
            Ok((
                r.get(0)?,
                op_name(r.get(1)?).to_owned(),
                r.get::<_, i64>(2)? as u64,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    kinds.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    let changes = kinds.iter().map(|k| k.2).sum();
    let mut records: Vec<(String, String)> = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT coalesce(r.name, k.name), coalesce(l.record_id, l.row_id)
               FROM change_log l JOIN change_kinds k ON k.id = l.kind
               LEFT JOIN change_kinds r ON r.id = l.record_kind
              WHERE l.batch = ?1 ORDER BY l.seq",
        )?;
        let mut rows = stmt.query([key])?;
        while let Some(r) = rows.next()? {
            let record = (r.get::<_, String>(0)?, id_text(r.get(1)?));
            if !records.contains(&record) {
                records.push(record);
                if records.len() == 3 {
                    break;
                }
            }
        }
    }
    Ok(BatchInfo {
        batch_id: id_text(uid),
        origin,
        at,
        label,
        undoes: undoes.map(id_text),
        undone_by: undone_by.map(id_text),
        changes,
        kinds,
        records,
    })
}
