//! Preferences stored in the database itself, so they travel with the file.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::kernel::error::{Error, Result};
use crate::store::writer::Writer;

/// The country (ISO 3166 alpha-2) assumed for phone numbers typed without `+` and a code.
pub const DEFAULT_COUNTRY: &str = "default_country";

pub fn get<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| Error::Internal(format!("setting {key} is unreadable: {e}")))
    })
    .transpose()
}

/// Stores a setting; settings are rows like any other, so changes are logged.
pub fn set<T: Serialize>(w: &Writer<'_>, key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))?;
    let exists: bool = w
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?1)")?
        .query_row([key], |r| r.get(0))?;
    let fields = [("value", rusqlite::types::Value::Text(json))];
    if exists {
        w.update_by_key(TABLE, "key", key, &fields)?;
    } else {
        w.insert_keyed(TABLE, "key", key, &fields)?;
    }
    Ok(())
}

const TABLE: &str = "settings";

pub fn default_country(conn: &Connection) -> Result<Option<String>> {
    get(conn, DEFAULT_COUNTRY)
}
