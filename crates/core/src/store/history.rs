//! The History screen's list of recent actions in plain words, with what can still be undone,
//! and the window-wide undo (Ctrl+Z) of the newest action of a session.

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::thousands;
use crate::kernel::time;
use crate::store::changelog::{self, BatchInfo};
use crate::store::links;

/// One recent action (one transaction of the change log).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Action {
    pub batch_id: String,
    /// When it was made (UTC, RFC 3339).
    pub at: String,
    /// Who made it: `app`, `cli`, `import`, ...
    pub origin: String,
    /// What it did, in plain words ("Added contact Ann Lee").
    pub summary: String,
    /// Rows it changed.
    #[ts(type = "number")]
    pub changes: u64,
    /// The batch that undid it, if any.
    pub undone_by: Option<String>,
    /// The batch it undid, when it is an undo.
    pub undoes: Option<String>,
    pub can_undo: bool,
    /// Why it cannot be undone now (not set when it was undone already).
    pub why_not: Option<String>,
}

/// The most recent actions, newest first; `before` (a batch id) pages on to older ones.
pub fn recent(conn: &Connection, before: Option<&str>, limit: usize) -> Result<Vec<Action>> {
    changelog::batches(conn, before, limit)?
        .into_iter()
        .map(|info| action(conn, info))
        .collect()
}

/// One action, by its batch id.
pub fn get(conn: &Connection, batch_id: &str) -> Result<Action> {
    match changelog::batch(conn, batch_id)? {
        Some(info) => action(conn, info),
        None => Err(Error::not_found("change batch", batch_id)),
    }
}

fn action(conn: &Connection, info: BatchInfo) -> Result<Action> {
    let summary = summary(conn, &info, 0)?;
    let why_not = match info.undone_by {
        Some(_) => None,
        None => changelog::undo_blocker(conn, &info.batch_id)?,
    };
    Ok(Action {
        can_undo: info.undone_by.is_none() && why_not.is_none(),
        why_not,
        batch_id: info.batch_id,
        at: info.at,
        origin: info.origin,
        summary,
        changes: info.changes,
        undone_by: info.undone_by,
        undoes: info.undoes,
    })
}

/// Undoes the newest action made since `since` (RFC 3339: when the session started) by
/// `origin` that is not an undo and not undone yet. Returns that action and the undo's batch id,
/// or `None` when there is nothing left to undo; a [`Error::Conflict`] with the reason when
/// the newest one cannot be undone.
pub fn undo_newest(
    db: &mut crate::Db,
    since: &str,
    origin: &str,
) -> Result<Option<(Action, String)>> {
    let since = time::parse_stamp(since)
        .map_err(|_| Error::Conflict(format!("\"{since}\" is not a time (RFC 3339)")))?;
    let found = changelog::newest_standing(db.conn(), origin, &time::stamp(since))?;
    let Some(info) = found else {
        return Ok(None);
    };
    let action = action(db.conn(), info)?;
    if let Some(why) = &action.why_not {
        return Err(Error::Conflict(why.clone()));
    }
    let undo = changelog::undo(db, &action.batch_id)?;
    Ok(Some((action, undo)))
}

/// Plain words for a batch: its label when the action set one, else derived from what it
/// changed.
fn summary(conn: &Connection, info: &BatchInfo, depth: usize) -> Result<String> {
    if let Some(label) = &info.label {
        return Ok(label.clone());
    }
    if let Some(undone) = &info.undoes {
        let what = match changelog::batch(conn, undone)? {
            Some(inner) if depth < 3 => summary(conn, &inner, depth + 1)?,
            _ => "an earlier action".to_owned(),
        };
        return Ok(format!("Undid: {what}"));
    }
    derive(conn, info)
}

fn derive(conn: &Connection, info: &BatchInfo) -> Result<String> {
    let Some((entity, id)) = info.records.first() else {
        return Ok("No changes".to_owned());
    };
    let count = |op: &str| -> u64 {
        info.kinds
            .iter()
            .filter(|(e, o, _)| e == entity && o == op)
            .map(|k| k.2)
            .sum()
    };
    let (inserts, deletes, updates) = (count("insert"), count("delete"), count("update"));
    let noun = links::noun(entity);
    let name = || name_of(conn, entity, id);
    if info.origin == "import" {
        let n = if inserts > 0 { inserts } else { info.changes };
        return Ok(format!("Imported {} {}", thousands(n), plural(noun, n)));
    }
    for (verb, n) in [("Added", inserts), ("Deleted", deletes)] {
        match n {
            0 => {}
            1 => return Ok(format!("{verb} {noun} {}", name()?)),
            n => return Ok(format!("{verb} {} {}", thousands(n), plural(noun, n))),
        }
    }
    let same_kind = info.records.iter().filter(|(e, _)| e == entity).count();
    if updates > 1 || same_kind > 1 {
        let n = updates.max(same_kind as u64);
        return Ok(format!("Changed {} {}", thousands(n), plural(noun, n)));
    }
    let detail = if info.changes <= 200 {
        let mut fields = 0;
        let mut children = 0;
        for change in changelog::for_batch(conn, &info.batch_id)? {
            if change.entity == *entity && change.entity_id == *id {
                fields += change
                    .changes
                    .keys()
                    .filter(|f| !matches!(f.as_str(), "updated_at" | "created_at"))
                    .count();
            } else {
                children += 1;
            }
        }
        match (fields, children) {
            (0, 0) => String::new(),
            (1, 0) => " (1 field)".to_owned(),
            (f, 0) => format!(" ({f} fields)"),
            (f, c) if f + c == 1 => " (1 change)".to_owned(),
            (f, c) => format!(" ({} changes)", f + c),
        }
    } else {
        format!(" ({} changes)", thousands(info.changes))
    };
    Ok(format!("Changed {noun} {}{detail}", name()?))
}

/// A record's name: as it is now, or as its last delete logged it, or "(deleted)".
fn name_of(conn: &Connection, entity: &str, id: &str) -> Result<String> {
    let exists: bool = conn
        .prepare(&format!(
            "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE id = ?1)",
            entity.replace('"', "")
        ))
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .unwrap_or(false);
    if exists {
        return links::record_name(conn, entity, id);
    }
    // The last delete of the row logged its values as {field: [old, null]}.
    let deleted: Option<Json> = changelog::for_entity(conn, entity, id)?
        .into_iter()
        .rev()
        .find(|c| c.op == "delete")
        .and_then(|c| serde_json::to_value(&c.changes).ok());
    let old = |fields: &Json, key: &str| -> Option<String> {
        let v = fields.get(key)?.get(0)?.as_str()?.trim();
        (!v.is_empty()).then(|| v.to_owned())
    };
    let name = deleted.and_then(|fields| {
        let person = [old(&fields, "first_name"), old(&fields, "last_name")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !person.is_empty() {
            return Some(person);
        }
        ["name", "subject", "number"]
            .iter()
            .find_map(|k| old(&fields, k))
    });
    Ok(name.unwrap_or_else(|| "(deleted)".to_owned()))
}

fn plural(noun: &str, n: u64) -> String {
    if n == 1 {
        return noun.to_owned();
    }
    if let Some(rest) = noun.strip_prefix("person ") {
        return format!("people {rest}");
    }
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(12), "12");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(plural("contact", 3), "contacts");
        assert_eq!(plural("activity", 2), "activities");
        assert_eq!(plural("person on a call list", 2), "people on a call list");
        assert_eq!(plural("deal", 1), "deal");
    }
}
