//! Reading the append-only change log that [`crate::store::Writer`] fills.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value as Json;

use crate::error::{Error, Result};

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
}

/// Every change to one row, oldest first.
pub fn for_entity(conn: &Connection, entity: &str, id: &str) -> Result<Vec<Change>> {
    query(
        conn,
        "WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq",
        [entity, id],
    )
}

/// Every change made by one transaction, in order.
pub fn for_batch(conn: &Connection, batch_id: &str) -> Result<Vec<Change>> {
    query(conn, "WHERE batch_id = ?1 ORDER BY seq", [batch_id])
}

fn query<P: rusqlite::Params>(conn: &Connection, filter: &str, params: P) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, batch_id, origin, entity, entity_id, op, changes, at FROM change_log {filter}"
    ))?;
    let rows = stmt.query_map(params, |row| {
        Ok((
            Change {
                seq: row.get(0)?,
                batch_id: row.get(1)?,
                origin: row.get(2)?,
                entity: row.get(3)?,
                entity_id: row.get(4)?,
                op: row.get(5)?,
                changes: BTreeMap::new(),
                at: row.get(7)?,
            },
            row.get::<_, String>(6)?,
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
