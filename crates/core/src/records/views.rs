//! Saved views: a named list setup (filters, sort, columns) the UI and the CLI both apply.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

const TABLE: &str = "saved_views";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedView {
    pub id: String,
    /// `contacts` or `accounts`.
    pub entity: String,
    pub name: String,
    /// The list query (as the list command takes it: sort, direction, search, filters) and
    /// `columns`, the ids of the columns shown.
    pub definition: Json,
}

/// Saves `definition` under `name` for `entity`, replacing a view of the same name.
pub fn save(db: &mut Db, entity: &str, name: &str, definition: &Json) -> Result<SavedView> {
    if !crate::records::fields::ENTITIES.contains(&entity) {
        return Err(Error::invalid(
            "entity",
            format!("{entity} lists have no saved views"),
        ));
    }
    let mut c = Checker::default();
    let name = c.required("name", name, SHORT_TEXT_MAX);
    if !definition.is_object() {
        c.fail("definition", "must be an object of list settings");
    }
    c.finish()?;
    let text = definition.to_string();
    let existing: Option<String> = db
        .conn()
        .prepare_cached(
            "SELECT id FROM saved_views WHERE entity = ?1 AND name = ?2 COLLATE NOCASE",
        )?
        .query_row((entity, &name), |r| r.get(0))
        .optional()?;
    let id = existing.unwrap_or_else(crate::new_id);
    db.write(|w| {
        let fields = [
            ("entity", Value::Text(entity.to_owned())),
            ("name", Value::Text(name.clone())),
            ("definition", Value::Text(text.clone())),
        ];
        if get(w.conn(), &id).is_ok() {
            w.update(TABLE, &id, &fields).map(|_| ())
        } else {
            w.insert(TABLE, &id, &fields)
        }
    })?;
    get(db.conn(), &id)
}

pub fn get(conn: &Connection, id: &str) -> Result<SavedView> {
    conn.prepare_cached("SELECT id, entity, name, definition FROM saved_views WHERE id = ?1")?
        .query_row([id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("saved view", id))
}

/// The view of `entity` called `name` (any case).
pub fn find(conn: &Connection, entity: &str, name: &str) -> Result<SavedView> {
    conn.prepare_cached(
        "SELECT id, entity, name, definition FROM saved_views WHERE entity = ?1 AND name = ?2 COLLATE NOCASE",
    )?
    .query_row((entity, name.trim()), row)
    .optional()?
    .ok_or_else(|| Error::invalid("view", format!("there is no saved {entity} view called \"{}\"", name.trim())))
}

pub fn list(conn: &Connection, entity: &str) -> Result<Vec<SavedView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, entity, name, definition FROM saved_views WHERE entity = ?1 ORDER BY name COLLATE NOCASE",
    )?;
    let views = stmt
        .query_map([entity], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(views)
}

pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| w.delete(TABLE, id))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedView> {
    let text: String = r.get("definition")?;
    Ok(SavedView {
        id: r.get("id")?,
        entity: r.get("entity")?,
        name: r.get("name")?,
        definition: serde_json::from_str(&text).unwrap_or(Json::Null),
    })
}
