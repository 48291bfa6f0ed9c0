//! Actions on many selected records at once, as one undoable change batch.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::Checker;
use crate::store::db::Db;
use crate::store::writer::Writer;

/// What to do to every selected record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum BulkAction {
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    /// `owner_id: null` clears the owner.
    SetOwner {
        owner_id: Option<String>,
    },
    Delete,
    /// Puts the records in a static list (segment) of the same kind of record.
    AddToList {
        segment_id: String,
    },
}

/// What a bulk action did; `batch_id` undoes all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkResult {
    #[ts(type = "number")]
    pub changed: i64,
    pub batch_id: String,
    /// The records a delete left alone, each with the reason (issued invoices, ...); the
    /// others were deleted.
    pub skipped: Vec<BulkSkipped>,
}

/// A selected record the action did not change, and why, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkSkipped {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// Applies `action` to the `entity` records (`contacts`, `accounts`, `opportunities`, `leads` or `tickets`) with these ids, all in
/// one transaction. An unknown id fails the whole action and changes nothing. A delete
/// deletes every record it may and reports the others in `skipped` with the reason (a
/// contact with issued invoices, ...), as one would expect from a list's "Delete selected".
pub fn apply(db: &mut Db, entity: &str, ids: &[String], action: &BulkAction) -> Result<BulkResult> {
    let table: &'static str = match entity {
        "contacts" => crate::people::contacts::TABLE,
        "accounts" => crate::people::accounts::TABLE,
        "opportunities" => crate::sales::opportunities::TABLE,
        "leads" => crate::sales::leads::TABLE,
        "tickets" => crate::service::tickets::TABLE,
        other => {
            return Err(Error::invalid(
                "entity",
                format!("{other} records have no bulk actions"),
            ));
        }
    };
    if ids.is_empty() {
        return Err(Error::invalid("ids", "select at least one record"));
    }
    let mut c = Checker::default();
    let tags = match action {
        BulkAction::AddTags { tags } | BulkAction::RemoveTags { tags } => {
            let clean = crate::records::tags::clean(&mut c, "tags", tags);
            if clean.is_empty() {
                c.fail("tags", "name at least one tag");
            }
            clean
        }
        _ => Vec::new(),
    };
    let owner = match action {
        BulkAction::SetOwner { owner_id } => {
            crate::records::team::check_owner(&mut c, db.conn(), owner_id)?
        }
        _ => None,
    };
    if let BulkAction::AddToList { segment_id } = action {
        let list = crate::marketing::segments::static_list(db.conn(), segment_id, "segment_id")?;
        if list.entity.as_str() != entity {
            c.fail(
                "segment_id",
                format!(
                    "\"{}\" is a list of {}, not of {entity}",
                    list.name,
                    list.entity.as_str()
                ),
            );
        }
    }
    c.finish()?;
    db.write(|w| {
        let mut changed = 0;
        let mut skipped = Vec::new();
        for id in ids {
            if matches!(action, BulkAction::Delete)
                && crate::store::writer::exists(w.conn(), table, id)?
            {
                let reasons = crate::store::links::refusals(w.conn(), table, id)?;
                if !reasons.is_empty() {
                    skipped.push(BulkSkipped {
                        id: id.clone(),
                        name: crate::store::links::record_name(w.conn(), table, id)?,
                        reason: reasons.join(" "),
                    });
                    continue;
                }
            }
            if apply_one(w, table, id, action, &tags, &owner)? {
                changed += 1;
            }
        }
        let records = crate::store::changelog::counted(
            changed as u64,
            crate::store::links::noun(table),
            entity,
        );
        w.describe(match action {
            BulkAction::AddTags { .. } => format!("Tagged {records} ({})", tags.join(", ")),
            BulkAction::RemoveTags { .. } => {
                format!("Removed tags from {records} ({})", tags.join(", "))
            }
            BulkAction::SetOwner { .. } => format!("Changed the owner of {records}"),
            BulkAction::Delete => format!("Deleted {records}"),
            BulkAction::AddToList { .. } => format!("Added {records} to a list"),
        });
        Ok(BulkResult {
            changed,
            batch_id: w.batch_id().to_owned(),
            skipped,
        })
    })
}

fn apply_one(
    w: &Writer<'_>,
    table: &'static str,
    id: &str,
    action: &BulkAction,
    tags: &[String],
    owner: &Option<String>,
) -> Result<bool> {
    let exists = crate::store::writer::exists(w.conn(), table, id)?;
    if !exists {
        return Err(Error::not_found(
            match table {
                "contacts" => "contact",
                "accounts" => "account",
                "leads" => "lead",
                "tickets" => "ticket",
                _ => "opportunity",
            },
            id,
        ));
    }
    match action {
        BulkAction::AddTags { .. } | BulkAction::RemoveTags { .. } => {
            let current = crate::records::tags::of(w.conn(), table, id)?;
            let wanted: Vec<String> = if matches!(action, BulkAction::AddTags { .. }) {
                let mut all = current.clone();
                all.extend(
                    tags.iter()
                        .filter(|t| !current.iter().any(|c| c.eq_ignore_ascii_case(t)))
                        .cloned(),
                );
                all
            } else {
                current
                    .iter()
                    .filter(|c| !tags.iter().any(|t| t.eq_ignore_ascii_case(c)))
                    .cloned()
                    .collect()
            };
            if wanted == current {
                return Ok(false);
            }
            crate::records::tags::set(w, table, id, &wanted)?;
            Ok(true)
        }
        BulkAction::SetOwner { .. } => {
            let value = owner.clone().map_or(Value::Null, Value::Text);
            w.update(table, id, &[("owner_id", value)])
        }
        BulkAction::Delete => {
            match table {
                "contacts" => crate::people::contacts::delete_in(w, id)?,
                "accounts" => crate::people::accounts::delete_in(w, id)?,
                "leads" => crate::sales::leads::delete_in(w, id)?,
                "tickets" => crate::service::tickets::delete_in(w, id)?,
                _ => crate::sales::opportunities::delete_in(w, id)?,
            }
            Ok(true)
        }
        BulkAction::AddToList { segment_id } => {
            crate::marketing::segments::add_member_in(w, segment_id, id)
        }
    }
}
