//! The one write path. Every insert, update and delete of a domain row goes through a
//! [`Writer`], which stamps `created_at`/`updated_at` and appends a change-log entry
//! (entity, id, operation, `{field: [old, new]}`) in the same transaction.
//!
//! Child rows are written through the writer too (never by `ON DELETE CASCADE`), so the log
//! holds everything needed to show history and to undo a whole batch.

use std::cell::{Cell, OnceCell, RefCell};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, params_from_iter};
use serde_json::{Map, Value as Json};

use crate::kernel::error::{Error, Result};
use crate::kernel::time;
use crate::store::changelog;

/// A write transaction with its change-log context. Obtained from [`crate::Db::write`].
#[derive(Debug)]
pub struct Writer<'c> {
    tx: Transaction<'c>,
    batch_id: String,
    origin: &'static str,
    now: String,
    /// Records whose search documents are refreshed when the transaction commits.
    search_dirty: RefCell<Vec<(&'static str, String)>>,
    default_country: OnceCell<Option<String>>,
    /// The connection's `cache_size` before [`Writer::expect_many`] raised it; put back by
    /// [`crate::Db::write`] once the transaction ends.
    cache_before: Cell<Option<i64>>,
    subscribers: &'c crate::store::events::Subscribers,
    /// The batch's row in `change_batches`, written with the first change.
    batch_key: OnceCell<i64>,
    /// Plain words for the History screen ([`Writer::describe`]).
    label: RefCell<Option<String>>,
    /// The batch this one undoes.
    undoes: Cell<Option<i64>>,
    /// Codes of kinds of row in `change_kinds`, read once per transaction; forgotten when a
    /// savepoint is rolled back ([`Writer::rolled_back`]), which may take a new one away.
    kinds: RefCell<std::collections::HashMap<String, i64>>,
}

/// A column and the value to store in it.
pub type Field = (&'static str, Value);

impl<'c> Writer<'c> {
    pub(crate) fn new(
        tx: Transaction<'c>,
        origin: &'static str,
        subscribers: &'c crate::store::events::Subscribers,
    ) -> Self {
        Writer {
            tx,
            batch_id: crate::new_id(),
            origin,
            now: time::now(),
            search_dirty: RefCell::new(Vec::new()),
            default_country: OnceCell::new(),
            cache_before: Cell::new(None),
            subscribers,
            batch_key: OnceCell::new(),
            label: RefCell::new(None),
            undoes: Cell::new(None),
            kinds: RefCell::new(std::collections::HashMap::new()),
        }
    }

    pub(crate) fn commit(self) -> Result<()> {
        if let (Some(key), Some(label)) = (self.batch_key.get(), self.label.borrow().as_deref()) {
            self.tx.execute(
                "UPDATE change_batches SET label = ?1 WHERE id = ?2",
                (label, key),
            )?;
        }
        let dirty = self.search_dirty.take();
        crate::store::search::reindex_many(&self.tx, &dirty)?;
        Ok(self.tx.commit()?)
    }

    /// Marks a record's search document stale; it is rebuilt once, when the write commits,
    /// together with every other record this transaction touched.
    pub(crate) fn reindex_later(&self, kind: &'static str, id: &str) {
        let mut dirty = self.search_dirty.borrow_mut();
        dirty.push((kind, id.to_owned()));
        if dirty.len() == BIG_WRITE {
            drop(dirty);
            // A failure only leaves the cache as it was: slower, never wrong.
            let _ = self.expect_many();
        }
    }

    /// The default country for phone numbers, read once per transaction.
    pub(crate) fn default_country(&self) -> Result<Option<String>> {
        if let Some(country) = self.default_country.get() {
            return Ok(country.clone());
        }
        let country = crate::store::settings::default_country(&self.tx)?;
        Ok(self.default_country.get_or_init(|| country).clone())
    }

    /// Tells every subscriber that `event` happened, inside this transaction.
    pub(crate) fn emit(&self, event: &crate::store::events::Event) -> Result<()> {
        for subscriber in &self.subscribers.0 {
            subscriber(self, event)?;
        }
        Ok(())
    }

    /// The connection inside the transaction, for reads that must see this batch's writes.
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The id shared by every change-log entry of this transaction.
    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// Names this action in plain words for the History screen ("Imported 1,204 contacts from
    /// file.csv"); the last call wins.
    pub fn describe(&self, label: impl Into<String>) {
        *self.label.borrow_mut() = Some(label.into());
    }

    /// Marks this batch as the undo of batch `key` (set before its first change).
    pub(crate) fn undoing(&self, key: i64) {
        self.undoes.set(Some(key));
    }

    /// The time stamped on every row this transaction writes (UTC, RFC 3339).
    pub fn now(&self) -> &str {
        &self.now
    }

    /// Inserts a row with `id`, the given fields, and `created_at`/`updated_at` set to now.
    pub fn insert(&self, table: &'static str, id: &str, fields: &[Field]) -> Result<()> {
        self.insert_keyed(table, "id", id, fields)
    }

    /// [`Writer::insert`] for a table whose key column is not `id` (such as `settings.key`).
    pub fn insert_keyed(
        &self,
        table: &'static str,
        key_column: &'static str,
        id: &str,
        fields: &[Field],
    ) -> Result<()> {
        refuse_controls(fields)?;
        let mut columns = format!("{key_column}, created_at, updated_at");
        let mut marks = String::from("?1, ?2, ?2");
        for (i, (column, _)) in fields.iter().enumerate() {
            columns.push_str(", ");
            columns.push_str(column);
            marks.push_str(&format!(", ?{}", i + 3));
        }
        let sql = format!("INSERT INTO {table} ({columns}) VALUES ({marks})");
        let params = [Value::Text(id.to_owned()), Value::Text(self.now.clone())]
            .into_iter()
            .chain(fields.iter().map(|(_, v)| v.clone()));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(params))?;

        // The row is the value: an insert logs its id alone (its link column only tells
        // which record it belongs to).
        let link: Map<String, Json> = fields
            .iter()
            .filter(|(c, v)| LINK_COLUMNS.contains(c) && *v != Value::Null)
            .map(|(c, v)| ((*c).to_owned(), Json::Array(vec![Json::Null, to_json(v)])))
            .collect();
        self.append(table, id, changelog::INSERT, None, &Json::Object(link))
    }

    /// [`Writer::update`] with column names known only at run time (undo).
    pub(crate) fn update_dynamic(
        &self,
        table: &str,
        id: &str,
        fields: &[(String, Value)],
    ) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let old_cols: Vec<&str> = fields.iter().map(|(c, _)| c.as_str()).collect();
        let (filter, keys) = row_filter(&self.tx, table, id)?;
        let old: Vec<Value> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {} FROM {table} WHERE {filter}",
                old_cols.join(", ")
            ))?
            .query_row(params_from_iter(&keys), |row| {
                (0..fields.len()).map(|i| row.get::<_, Value>(i)).collect()
            })?;
        let sets: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ?{}", i + 1 + keys.len()))
            .collect();
        let params = keys
            .iter()
            .cloned()
            .chain(fields.iter().map(|(_, v)| v.clone()));
        self.tx
            .prepare_cached(&format!(
                "UPDATE {table} SET {} WHERE {filter}",
                sets.join(", ")
            ))?
            .execute(params_from_iter(params))?;
        let mut changes = Map::new();
        for ((column, new), old) in fields.iter().zip(old) {
            if *new != old {
                changes.insert(
                    column.clone(),
                    Json::Array(vec![to_json(&old), to_json(new)]),
                );
            }
        }
        let changes = Json::Object(changes);
        self.append(table, id, changelog::UPDATE, Some(&changes), &changes)
    }

    /// Sets the given fields of row `id`. Only fields whose value really changes are written
    /// and logged; returns whether anything changed. A missing row is [`Error::NotFound`].
    pub fn update(&self, table: &'static str, id: &str, fields: &[Field]) -> Result<bool> {
        self.update_by_key(table, "id", id, fields)
    }

    /// [`Writer::update`] for a table whose key column is not `id`.
    pub fn update_by_key(
        &self,
        table: &'static str,
        key_column: &'static str,
        id: &str,
        fields: &[Field],
    ) -> Result<bool> {
        if fields.is_empty() {
            return Ok(false);
        }
        refuse_controls(fields)?;
        let columns = fields
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ");
        let old: Option<Vec<Value>> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {columns}, updated_at FROM {table} WHERE {key_column} = ?1"
            ))?
            .query_row([id], |row| {
                (0..=fields.len()).map(|i| row.get::<_, Value>(i)).collect()
            })
            .optional()?;
        let Some(mut old) = old else {
            return Err(Error::not_found(entity_name(table), id));
        };
        let old_updated_at = old.pop().unwrap_or(Value::Null);
        let mut changed: Vec<(&'static str, Value, Value)> = fields
            .iter()
            .zip(old)
            .filter(|((_, new), old)| new != old)
            .map(|((c, new), old)| (*c, old, new.clone()))
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        let sets = changed
            .iter()
            .enumerate()
            .map(|(i, (c, _, _))| format!("{c} = ?{}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("UPDATE {table} SET updated_at = ?2, {sets} WHERE {key_column} = ?1");
        let params = [Value::Text(id.to_owned()), Value::Text(self.now.clone())]
            .into_iter()
            .chain(changed.iter().map(|(_, _, new)| new.clone()));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(params))?;
        // Logged too, so that undo puts the row back exactly as it was.
        changed.push(("updated_at", old_updated_at, Value::Text(self.now.clone())));
        self.log(table, id, changelog::UPDATE, changed.into_iter())?;
        Ok(true)
    }

    /// Puts back a deleted row exactly as it was (its own `created_at` and `updated_at`
    /// included), logged as an insert. Used by undo.
    pub(crate) fn restore(&self, table: &str, id: &str, fields: &[(String, Value)]) -> Result<()> {
        let columns: Vec<&str> = fields.iter().map(|(c, _)| c.as_str()).collect();
        // The log keeps bytes as hex (a PDF kept with the mail that sent it).
        let blobs = blob_columns(&self.tx, table)?;
        let marks: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if blobs.iter().any(|b| b == c) {
                    format!("unhex(?{})", i + 2)
                } else {
                    format!("?{}", i + 2)
                }
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}, {}) VALUES (?1, {})",
            key_column(table),
            columns.join(", "),
            marks.join(", ")
        );
        let params = std::iter::once(Value::Text(id.to_owned()))
            .chain(fields.iter().map(|(_, v)| v.clone()));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(params))?;
        let link: Map<String, Json> = fields
            .iter()
            .filter(|(c, v)| LINK_COLUMNS.contains(&c.as_str()) && *v != Value::Null)
            .map(|(c, v)| (c.clone(), Json::Array(vec![Json::Null, to_json(v)])))
            .collect();
        self.append(table, id, changelog::INSERT, None, &Json::Object(link))
    }

    /// Deletes row `id`, logging every field it held so the delete can be undone.
    pub fn delete(&self, table: &str, id: &str) -> Result<()> {
        let key = key_column(table);
        let (filter, keys) = row_filter(&self.tx, table, id)?;
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT * FROM {table} WHERE {filter}"))?;
        let names: Vec<String> = stmt.column_names().map(String::from).collect();
        let old: Option<Vec<Value>> = stmt
            .query_row(params_from_iter(&keys), |row| {
                (0..names.len()).map(|i| row.get::<_, Value>(i)).collect()
            })
            .optional()?;
        let Some(old) = old else {
            return Err(Error::not_found(entity_name(table), id));
        };
        let deleted = self
            .tx
            .prepare_cached(&format!("DELETE FROM {table} WHERE {filter}"))?
            .execute(params_from_iter(&keys));
        if let Err(e) = deleted {
            // A link no rule in `links::LINKS` settled: say what still points at the record.
            if crate::kernel::error::is_foreign_key(&e) {
                let users = crate::store::links::users(&self.tx, table, id)?;
                return Err(Error::Conflict(format!(
                    "The {} \"{}\" cannot be deleted: other records still point at it ({users}). Nothing was deleted.",
                    crate::store::links::noun(table),
                    crate::store::links::record_name(&self.tx, table, id)?,
                )));
            }
            return Err(e.into());
        }
        let mut changes = Map::new();
        for (name, value) in names.iter().zip(old) {
            if name != key && value != Value::Null {
                changes.insert(name.clone(), Json::Array(vec![to_json(&value), Json::Null]));
            }
        }
        let changes = Json::Object(changes);
        self.append(table, id, changelog::DELETE, Some(&changes), &changes)
    }

    fn log(
        &self,
        table: &'static str,
        id: &str,
        op: i64,
        changes: impl Iterator<Item = (&'static str, Value, Value)>,
    ) -> Result<()> {
        let map: Map<String, Json> = changes
            .map(|(c, old, new)| {
                (
                    c.to_owned(),
                    Json::Array(vec![to_json(&old), to_json(&new)]),
                )
            })
            .collect();
        let map = Json::Object(map);
        self.append(table, id, op, Some(&map), &map)
    }

    /// The batch's key in `change_batches`, writing its row on first use.
    fn batch_key(&self) -> Result<i64> {
        if let Some(key) = self.batch_key.get() {
            return Ok(*key);
        }
        let key = self.write_batch(None)?;
        Ok(*self.batch_key.get_or_init(|| key))
    }

    /// The code of a kind of row in `change_kinds`, kept for the rest of the transaction
    /// unless a savepoint is rolled back (a new code may have gone with it).
    fn kind(&self, table: &str) -> Result<i64> {
        if let Some(code) = self.kinds.borrow().get(table) {
            return Ok(*code);
        }
        let code = changelog::kind_id(&self.tx, table)?;
        self.kinds.borrow_mut().insert(table.to_owned(), code);
        Ok(code)
    }

    /// Tells the writer that a savepoint inside this transaction was rolled back: what it
    /// remembered of rows written since (kind codes) may be gone.
    pub(crate) fn rolled_back(&self) {
        self.kinds.borrow_mut().clear();
    }

    /// Appends one change to the log: `changes` is what it stores (`None` for an insert),
    /// `link` where the record the row belongs to may be read.
    fn append(
        &self,
        table: &str,
        id: &str,
        op: i64,
        changes: Option<&Json>,
        link: &Json,
    ) -> Result<()> {
        let (record_entity, record_id) = self.record_of(table, id, link)?;
        let changes = changes.map(Json::to_string);
        let write = || -> Result<rusqlite::Result<usize>> {
            let record = if record_entity == table && record_id == id {
                None
            } else {
                Some((self.kind(&record_entity)?, changelog::id_value(&record_id)))
            };
            let batch = self.batch_key()?;
            let kind = self.kind(table)?;
            Ok(self
                .tx
                .prepare_cached(
                    "INSERT INTO change_log (batch, kind, row_id, op, changes, record_kind,
                                             record_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute((
                    batch,
                    kind,
                    changelog::id_value(id),
                    op,
                    changes.as_deref(),
                    record.as_ref().map(|r| r.0),
                    record.map(|r| r.1),
                )))
        };
        match write()? {
            // The batch's row was written inside a savepoint that was rolled back
            // since (an import row that failed): write them again.
            Err(e) if crate::kernel::error::is_foreign_key(&e) => {
                self.write_batch(self.batch_key.get().copied())?;
                write()??;
                Ok(())
            }
            other => {
                other?;
                Ok(())
            }
        }
    }

    /// Writes the batch's row in `change_batches` (with the key it had, when it is written
    /// again); returns its key.
    fn write_batch(&self, key: Option<i64>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO change_batches (id, uid, origin, at, label, undoes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((
                key,
                changelog::id_value(&self.batch_id),
                self.origin,
                &self.now,
                self.label.borrow().as_deref(),
                self.undoes.get(),
            ))?;
        match key {
            Some(key) => Ok(key),
            None => Ok(self.tx.last_insert_rowid()),
        }
    }

    /// The record a changed row belongs to, for that record's history: a child row belongs to
    /// the record its link column names (read from the change itself, else from the row).
    fn record_of(&self, table: &str, id: &str, changes: &Json) -> Result<(String, String)> {
        let link = match table {
            "contact_emails" | "contact_phones" | "contact_addresses" => {
                Some((Some("contacts"), "contact_id"))
            }
            "taggings" | "custom_values" => Some((None, "entity_id")),
            "activity_links" | "activity_participants" => Some((Some("activities"), "activity_id")),
            "opportunity_contacts" | "opportunity_products" | "opportunity_stage_history" => {
                Some((Some("opportunities"), "opportunity_id"))
            }
            _ => None,
        };
        let Some((parent, column)) = link else {
            return Ok((table.to_owned(), id.to_owned()));
        };
        let from_changes = |col: &str| -> Option<String> {
            let pair = changes.get(col)?.as_array()?;
            pair.iter()
                .rev()
                .find_map(|v| v.as_str().map(str::to_owned))
        };
        let from_row = |col: &str| -> Result<Option<String>> {
            let (filter, keys) = row_filter(&self.tx, table, id)?;
            Ok(self
                .tx
                .prepare_cached(&format!("SELECT {col} FROM {table} WHERE {filter}"))?
                .query_row(params_from_iter(&keys), |r| r.get(0))
                .optional()?)
        };
        let record_id = match from_changes(column) {
            Some(v) => Some(v),
            None => from_row(column)?,
        };
        let record_entity = match parent {
            Some(p) => Some(p.to_owned()),
            None => match from_changes("entity") {
                Some(v) => Some(v),
                None => from_row("entity")?,
            },
        };
        Ok((
            record_entity.unwrap_or_else(|| table.to_owned()),
            record_id.unwrap_or_else(|| id.to_owned()),
        ))
    }
}

// ---- Big writes (imports, bulk creation): one page cache large enough for the whole batch.

/// Records written in one transaction past which it counts as big (see [`Writer::expect_many`]).
const BIG_WRITE: usize = 1000;

/// The page cache of a big write, in KiB (SQLite's negative `cache_size`): a 100,000-row import
/// dirties a few hundred MB of pages; with the default 2 MB cache SQLite spills them to the WAL
/// mid-transaction and reads them back for the next row, writing many pages several times. The
/// cache only grows as pages are used, and shrinks back when the write ends.
const BIG_WRITE_CACHE_KIB: i64 = 512 * 1024;

impl Writer<'_> {
    /// Raises the page cache for the rest of this transaction; [`crate::Db::write`] puts it
    /// back when the transaction ends. Called by imports up front and by any write once it
    /// has touched [`BIG_WRITE`] records.
    pub(crate) fn expect_many(&self) -> Result<()> {
        if self.cache_before.get().is_some() {
            return Ok(());
        }
        let before: i64 = self
            .tx
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        // Larger already: in pages when positive, in KiB when negative (4 KiB pages).
        let kib = if before < 0 { -before } else { before * 4 };
        if kib >= BIG_WRITE_CACHE_KIB {
            return Ok(());
        }
        self.tx
            .pragma_update(None, "cache_size", -BIG_WRITE_CACHE_KIB)?;
        self.cache_before.set(Some(before));
        Ok(())
    }

    /// The `cache_size` to put back once this transaction has ended, if it was raised.
    pub(crate) fn cache_to_restore(&self) -> Option<i64> {
        self.cache_before.get()
    }
}

/// Fails `name` when another row of `table` (other than `except`) has it, letter case aside:
/// campaigns, segments, templates, sequences and promotions are found by name, and two of one
/// name would leave the user only their ids.
pub(crate) fn unique_name(
    c: &mut crate::kernel::validate::Checker,
    conn: &Connection,
    table: &str,
    noun: &str,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    if name.is_empty() {
        return Ok(());
    }
    let taken: bool = conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM {table} WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)"
        ))?
        .query_row((name, except), |r| r.get(0))?;
    if taken {
        c.fail(
            "name",
            format!("another {noun} is already named \"{name}\": choose another name"),
        );
    }
    Ok(())
}

/// The columns that name the record a child row belongs to (see `Writer::record_of`).
const LINK_COLUMNS: &[&str] = &[
    "contact_id",
    "entity",
    "entity_id",
    "activity_id",
    "opportunity_id",
];

/// Where the row `id` of `table` is, as an SQL condition and its parameters (`?1` is the id):
/// `id = ?1`, except in `activity_links`. That table is keyed by (activity, record), WITHOUT
/// ROWID and with no index of its ids (migration 0013): a link is found through its activity,
/// which the change log names as the record of every change of the link. A link the log does
/// not know (never seen by this file's log) is looked for by id alone, reading the table.
pub(crate) fn row_filter(conn: &Connection, table: &str, id: &str) -> Result<(String, Vec<Value>)> {
    let by_id = || {
        (
            format!("{} = ?1", key_column(table)),
            vec![Value::Text(id.to_owned())],
        )
    };
    if table != "activity_links" {
        return Ok(by_id());
    }
    let Some(kind) = changelog::kind_code(conn, table)? else {
        return Ok(by_id());
    };
    let activity: Option<Value> = conn
        .prepare_cached(
            "SELECT record_id FROM change_log
              WHERE kind = ?1 AND row_id = ?2 AND record_id IS NOT NULL
              ORDER BY seq DESC LIMIT 1",
        )?
        .query_row((kind, changelog::id_value(id)), |r| r.get(0))
        .optional()?;
    Ok(match activity {
        Some(a) => (
            "activity_id = ?2 AND id = ?1".to_owned(),
            vec![
                Value::Text(id.to_owned()),
                Value::Text(changelog::id_text(a)),
            ],
        ),
        None => by_id(),
    })
}

/// The key column of a table: `id`, except for settings (`key`).
fn key_column(table: &str) -> &'static str {
    if table == "settings" { "key" } else { "id" }
}

/// The singular, human name of a table's rows, for messages.
fn entity_name(table: &str) -> &'static str {
    match table {
        "accounts" => "account",
        "contacts" => "contact",
        "contact_emails" => "e-mail address",
        "contact_phones" => "phone number",
        "contact_addresses" => "address",
        "tags" => "tag",
        "taggings" => "tag on a record",
        "custom_fields" => "custom field",
        "custom_values" => "custom field value",
        "settings" => "setting",
        "team_members" => "team member",
        "activities" => "activity",
        "activity_links" => "link to a record",
        "activity_participants" => "participant",
        "activity_series" => "recurring series",
        "opportunities" => "opportunity",
        "pipelines" => "pipeline",
        "pipeline_stages" => "stage",
        "lost_reasons" => "lost reason",
        "leads" => "lead",
        "lead_sources" => "lead source",
        "call_lists" => "call list",
        "call_list_entries" => "person on a call list",
        _ => "record",
    }
}

/// The columns of `table` declared BLOB: their values are hex text in the change log and the
/// JSON archive.
pub(crate) fn blob_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE type = 'BLOB'")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A logged JSON value back as the SQL value it was.
pub(crate) fn from_json(value: &Json) -> Value {
    match value {
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

pub(crate) fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => Json::from(*f),
        Value::Text(s) => Json::from(s.as_str()),
        Value::Blob(b) => Json::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// Converts an optional string into a SQL value, empty strings becoming NULL.
/// The last guard against control characters (see [`crate::kernel::validate::control_char`]): a
/// text written by any path that did not check its input is refused, naming the column.
/// Undo ([`Writer::restore`]) puts back what was there and is not checked.
fn refuse_controls(fields: &[Field]) -> Result<()> {
    let errors: Vec<crate::kernel::error::FieldError> = fields
        .iter()
        .filter_map(|(column, value)| match value {
            Value::Text(t) => crate::kernel::validate::control_message(t)
                .map(|m| crate::kernel::error::FieldError::new(*column, m)),
            _ => None,
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

pub(crate) fn text(value: &Option<String>) -> Value {
    match value {
        Some(s) if !s.is_empty() => Value::Text(s.clone()),
        _ => Value::Null,
    }
}

/// Converts an optional integer into a SQL value.
pub(crate) fn int(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

/// Whether `table` holds a row with this id.
/// The record of `table` with this id, or else the one with this name (any case), read with
/// `get`; two of that name are a conflict to settle by id. `noun` and `plural` name the kind
/// in messages ("campaign", "campaigns").
pub(crate) fn find_named<T>(
    conn: &Connection,
    table: &str,
    noun: &'static str,
    plural: &str,
    name_or_id: &str,
    get: impl Fn(&Connection, &str) -> Result<T>,
) -> Result<T> {
    let key = name_or_id.trim();
    if exists(conn, table, key)? {
        return get(conn, key);
    }
    let ids: Vec<String> = conn
        .prepare_cached(&format!(
            "SELECT id FROM {table} WHERE name = ?1 COLLATE NOCASE"
        ))?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [] => Err(Error::not_named(noun, key)),
        [one] => get(conn, one),
        many => Err(Error::Conflict(format!(
            "{} {plural} are named \"{key}\"; name the one you mean by its id",
            many.len()
        ))),
    }
}

pub(crate) fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"
        ))?
        .query_row([id], |r| r.get(0))?)
}
