//! Global search over every searchable record, with SQLite FTS5.
//!
//! The index (`search_index`, contentless) holds one document per record, keyed through
//! `search_docs`. The core keeps it in step inside each write; there are no per-row triggers,
//! so a bulk import can index its whole batch with one statement.
//!
//! Queries are never passed to FTS5 as typed: [`fts_query`] keeps only words and makes each a
//! quoted prefix term, so quotes, `AND`, `*`, `-`, parentheses or unbalanced quotes in the
//! input can neither raise an error nor change the query's meaning.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::Result;

/// Searchable kinds of record, in the order their groups are shown.
pub const KINDS: &[&str] = &["contacts", "accounts", "leads", "tickets"];

const MAX_TERMS: usize = 8;
const MAX_TERM_CHARS: usize = 40;
/// How many raw matches are ranked before the best are returned.
const CANDIDATES: usize = 300;

/// Turns what a person typed into a safe FTS5 query: every word becomes a quoted prefix
/// term (`"ada"* "love"*`), all of which must match. `None` when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| {
            let word: String = w
                .chars()
                .take(MAX_TERM_CHARS)
                .collect::<String>()
                .to_lowercase();
            format!("\"{word}\"*")
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// One record found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchHit {
    /// The record's table: `contacts`, `accounts`, ...
    pub entity: String,
    pub id: String,
    /// What the record is called ("Ada Lovelace", "Northwind Traders").
    pub title: String,
    /// A line of context ("Head of purchasing · Northwind Traders").
    pub subtitle: Option<String>,
}

/// The hits of one kind, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SearchGroup {
    pub entity: String,
    pub hits: Vec<SearchHit>,
    /// More records of this kind match than are shown.
    pub more: bool,
}

/// Searches every kind; at most `per_kind` hits each, grouped by kind.
pub fn search(conn: &Connection, input: &str, per_kind: usize) -> Result<Vec<SearchGroup>> {
    let Some(query) = fts_query(input) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT d.entity, d.entity_id FROM search_index
           JOIN search_docs d ON d.rowid = search_index.rowid
          WHERE search_index MATCH ?1 LIMIT ?2",
    )?;
    let mut by_kind: HashMap<String, Vec<String>> = HashMap::new();
    let rows = stmt.query_map((&query, CANDIDATES as i64), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (entity, id) = row?;
        by_kind.entry(entity).or_default().push(id);
    }
    let needle = input.trim().to_lowercase();
    let mut groups = Vec::new();
    for kind in KINDS {
        let Some(ids) = by_kind.remove(*kind) else {
            continue;
        };
        let mut hits = describe(conn, kind, &ids)?;
        hits.sort_by_key(|h| (rank(&h.title, &needle), h.title.to_lowercase()));
        let more = hits.len() > per_kind;
        hits.truncate(per_kind);
        groups.push(SearchGroup {
            entity: (*kind).to_owned(),
            hits,
            more,
        });
    }
    Ok(groups)
}

/// Lower is better: the whole name, then a name starting with the text, then a word of the
/// name starting with it, then anything else that matched.
fn rank(title: &str, needle: &str) -> u8 {
    let t = title.to_lowercase();
    if t == needle {
        0
    } else if t.starts_with(needle) {
        1
    } else if t.split_whitespace().any(|w| w.starts_with(needle)) {
        2
    } else {
        3
    }
}

fn describe(conn: &Connection, kind: &str, ids: &[String]) -> Result<Vec<SearchHit>> {
    let sql = match kind {
        "contacts" => {
            "SELECT c.id, trim(c.first_name || ' ' || c.last_name),
                    nullif(concat_ws(' · ', c.title, a.name), '')
               FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
              WHERE c.id IN (SELECT value FROM json_each(?1))"
        }
        "accounts" => {
            "SELECT a.id, a.name, nullif(concat_ws(' · ', a.industry, a.address_city), '')
               FROM accounts a WHERE a.id IN (SELECT value FROM json_each(?1))"
        }
        "leads" => {
            "SELECT l.id, l.name,
                    nullif(concat_ws(' · ', l.company,
                        CASE l.status WHEN 'converted' THEN 'converted lead' ELSE 'lead' END), '')
               FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1))"
        }
        "tickets" => {
            "SELECT x.id, '#' || x.number || ' ' || x.subject,
                    nullif(concat_ws(' · ', a.name, 'ticket ' || replace(x.status, 'waiting', 'waiting on customer')), '')
               FROM tickets x LEFT JOIN accounts a ON a.id = x.account_id
              WHERE x.id IN (SELECT value FROM json_each(?1))"
        }
        _ => return Ok(Vec::new()),
    };
    let ids_json = serde_json::to_string(ids).map_err(|e| crate::Error::Internal(e.to_string()))?;
    let mut stmt = conn.prepare_cached(sql)?;
    let hits = stmt
        .query_map([ids_json], |r| {
            Ok(SearchHit {
                entity: kind.to_owned(),
                id: r.get(0)?,
                title: r.get(1)?,
                subtitle: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hits)
}

/// The text of a record's searchable custom values (text and select fields).
fn custom_text(kind: &str) -> String {
    format!(
        "(SELECT group_concat(v.value, ' ') FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
           WHERE v.entity = '{kind}' AND v.entity_id = x.id AND f.archived_at IS NULL
             AND f.kind IN ('text', 'single_select', 'multi_select'))"
    )
}

/// The SQL that computes the indexed text of the records of one kind, restricted by `filter`
/// (a condition on the kind's table alias `x`).
fn document_sql(kind: &str, filter: &str) -> Option<String> {
    let digits = |col: &str| {
        format!(
            "replace(replace(replace(replace(replace({col}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')"
        )
    };
    Some(match kind {
        "contacts" => format!(
            "SELECT d.rowid, trim(x.first_name || ' ' || x.last_name),
                    concat_ws(' ', x.title, a.name,
                        (SELECT group_concat(e.address, ' ') FROM contact_emails e WHERE e.contact_id = x.id),
                        (SELECT group_concat(concat_ws(' ', {}, substr(p.e164, 2), p.national), ' ')
                           FROM contact_phones p WHERE p.contact_id = x.id),
                        {custom})
               FROM contacts x JOIN search_docs d ON d.entity = 'contacts' AND d.entity_id = x.id
               LEFT JOIN accounts a ON a.id = x.account_id
              WHERE {filter}",
            digits("p.number"),
            custom = custom_text("contacts")
        ),
        "accounts" => format!(
            "SELECT d.rowid, x.name,
                    concat_ws(' ', x.website, x.industry, x.address_city, x.address_country,
                              {}, substr(x.phone_e164, 2), x.phone_national, {custom})
               FROM accounts x JOIN search_docs d ON d.entity = 'accounts' AND d.entity_id = x.id
              WHERE {filter}",
            digits("x.phone"),
            custom = custom_text("accounts")
        ),
        "leads" => format!(
            "SELECT d.rowid, x.name,
                    concat_ws(' ', x.company, x.title, x.email, {}, substr(x.phone_e164, 2),
                              x.source, {custom})
               FROM leads x JOIN search_docs d ON d.entity = 'leads' AND d.entity_id = x.id
              WHERE {filter}",
            digits("x.phone"),
            custom = custom_text("leads")
        ),
        "tickets" => format!(
            "SELECT d.rowid, x.subject,
                    concat_ws(' ', x.number, x.description, x.product, a.name,
                              trim(c.first_name || ' ' || c.last_name), {custom})
               FROM tickets x JOIN search_docs d ON d.entity = 'tickets' AND d.entity_id = x.id
               LEFT JOIN accounts a ON a.id = x.account_id
               LEFT JOIN contacts c ON c.id = x.contact_id
              WHERE {filter}",
            custom = custom_text("tickets")
        ),
        _ => return None,
    })
}

/// Brings the index up to date for one record: its document is rebuilt from the record (and
/// dropped if the record no longer exists).
pub(crate) fn reindex(conn: &Connection, kind: &'static str, id: &str) -> Result<()> {
    reindex_many(conn, &[(kind, id.to_owned())])
}

/// Rebuilds the documents of many records in a few statements per kind.
pub(crate) fn reindex_many(conn: &Connection, records: &[(&'static str, String)]) -> Result<()> {
    let mut records = records.to_vec();
    let accounts: Vec<&str> = records
        .iter()
        .filter(|(k, _)| *k == "accounts")
        .map(|(_, id)| id.as_str())
        .collect();
    if !accounts.is_empty() {
        // Contacts show their account's name in search, so they follow its changes.
        let json =
            serde_json::to_string(&accounts).map_err(|e| crate::Error::Internal(e.to_string()))?;
        let people: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM contacts WHERE account_id IN (SELECT value FROM json_each(?1))",
            )?
            .query_map([json], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        records.extend(people.into_iter().map(|id| ("contacts", id)));
    }
    for kind in KINDS {
        let mut ids: Vec<&str> = records
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, id)| id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        ids.sort_unstable();
        ids.dedup();
        let Some(sql) = document_sql(kind, "x.id IN (SELECT value FROM json_each(?1))") else {
            continue;
        };
        let json =
            serde_json::to_string(&ids).map_err(|e| crate::Error::Internal(e.to_string()))?;
        conn.prepare_cached(&format!(
            "DELETE FROM search_index WHERE rowid IN
               (SELECT rowid FROM search_docs WHERE entity = '{kind}'
                   AND entity_id IN (SELECT value FROM json_each(?1)))"
        ))?
        .execute([&json])?;
        // Records deleted since they were marked (undo of a create) lose their document.
        conn.prepare_cached(&format!(
            "DELETE FROM search_docs WHERE entity = '{kind}'
                AND entity_id IN (SELECT value FROM json_each(?1))
                AND entity_id NOT IN (SELECT id FROM {kind})"
        ))?
        .execute([&json])?;
        conn.prepare_cached(&format!(
            "INSERT OR IGNORE INTO search_docs (entity, entity_id)
               SELECT '{kind}', id FROM {kind} WHERE id IN (SELECT value FROM json_each(?1))"
        ))?
        .execute([&json])?;
        conn.prepare_cached(&format!(
            "INSERT INTO search_index (rowid, title, body) {sql}"
        ))?
        .execute([&json])?;
    }
    Ok(())
}

/// Drops a deleted record from the index.
pub(crate) fn remove(conn: &Connection, kind: &str, id: &str) -> Result<()> {
    let rowid: Option<i64> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached("SELECT rowid FROM search_docs WHERE entity = ?1 AND entity_id = ?2")?
            .query_row((kind, id), |r| r.get(0)),
    )?;
    if let Some(rowid) = rowid {
        conn.prepare_cached("DELETE FROM search_index WHERE rowid = ?1")?
            .execute([rowid])?;
        conn.prepare_cached("DELETE FROM search_docs WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(())
}

/// Rebuilds the whole index from the records, in a few statements (after a bulk load, or to
/// repair it).
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM search_index; DELETE FROM search_docs;")?;
    for kind in KINDS {
        conn.execute(
            &format!("INSERT INTO search_docs (entity, entity_id) SELECT '{kind}', id FROM {kind} ORDER BY id"),
            [],
        )?;
        if let Some(sql) = document_sql(kind, "1") {
            conn.execute(
                &format!("INSERT INTO search_index (rowid, title, body) {sql}"),
                [],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_input_becomes_plain_prefix_terms() {
        let cases = [
            ("ada", Some("\"ada\"*")),
            ("Ada Love", Some("\"ada\"* \"love\"*")),
            ("\"unbalanced", Some("\"unbalanced\"*")),
            (
                "a AND b OR NOT c",
                Some("\"a\"* \"and\"* \"b\"* \"or\"* \"not\"* \"c\"*"),
            ),
            ("-(x*)^", Some("\"x\"*")),
            ("o'brien", Some("\"o\"* \"brien\"*")),
            ("café", Some("\"café\"*")),
            ("\"\"\" *** ()", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(fts_query(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn long_input_is_capped() {
        let q = fts_query(&"word ".repeat(100)).unwrap();
        assert_eq!(q.matches('*').count(), MAX_TERMS);
        let q = fts_query(&"x".repeat(10_000)).unwrap();
        assert_eq!(q.len(), MAX_TERM_CHARS + 3);
    }
}
