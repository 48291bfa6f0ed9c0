//! Tags: short labels on any record ("vip", "newsletter"), kept in one table and attached
//! through `taggings`, so segments and filters can use them across kinds of record.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::kernel::error::Result;
use crate::kernel::validate::Checker;
use crate::store::writer::Writer;

const TAG_MAX: usize = 40;

/// Tag names, trimmed, de-duplicated ignoring case, in the order given. Blank ones are dropped.
pub(crate) fn clean(c: &mut Checker, field: &str, names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let Some(name) = c.text(&format!("{field}.{i}"), &Some(name.clone()), TAG_MAX) else {
            continue;
        };
        if !out.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    out
}

/// The tags of one record, by name.
pub fn of(conn: &Connection, entity: &str, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.name FROM taggings g JOIN tags t ON t.id = g.tag_id
          WHERE g.entity = ?1 AND g.entity_id = ?2 ORDER BY t.name COLLATE NOCASE",
    )?;
    let names = stmt
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// Every tag in use, by name.
pub fn all(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM tags ORDER BY name COLLATE NOCASE")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// Makes a record's tags exactly `names` (creating tags that do not exist yet).
pub(crate) fn set(w: &Writer<'_>, entity: &'static str, id: &str, names: &[String]) -> Result<()> {
    let mut stmt = w.conn().prepare_cached(
        "SELECT g.id, t.name FROM taggings g JOIN tags t ON t.id = g.tag_id
          WHERE g.entity = ?1 AND g.entity_id = ?2",
    )?;
    let current: Vec<(String, String)> = stmt
        .query_map((entity, id), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for (tagging, name) in &current {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            w.delete("taggings", tagging)?;
        }
    }
    for name in names {
        if current.iter().any(|(_, n)| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let existing: Option<String> = rusqlite::OptionalExtension::optional(
            w.conn()
                .prepare_cached("SELECT id FROM tags WHERE name = ?1 COLLATE NOCASE")?
                .query_row([name], |r| r.get(0)),
        )?;
        let tag_id = match existing {
            Some(tag_id) => tag_id,
            None => {
                let tag_id = crate::new_id();
                w.insert("tags", &tag_id, &[("name", Value::Text(name.clone()))])?;
                tag_id
            }
        };
        w.insert(
            "taggings",
            &crate::new_id(),
            &[
                ("tag_id", Value::Text(tag_id)),
                ("entity", Value::Text(entity.to_owned())),
                ("entity_id", Value::Text(id.to_owned())),
            ],
        )?;
    }
    Ok(())
}

/// Removes every tag of a record being deleted.
pub(crate) fn clear(w: &Writer<'_>, entity: &'static str, id: &str) -> Result<()> {
    set(w, entity, id, &[])
}
