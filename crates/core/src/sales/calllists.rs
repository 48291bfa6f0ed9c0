//! Call lists: bulk lists of people (pre-leads) called one by one. A list is imported from a
//! CSV file (see `crate::data::import::calllist`); the calling queue hands out one person at a time (callbacks that fell due first,
//! then people not yet called in file order, then those who did not answer); each outcome is
//! logged as a call on the person, and "interested" promotes them to a lead that keeps the
//! calls. Everything is stored as it happens, so work stops and resumes at any point.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{
    self, Activity, ActivityInput, ActivityKind, CallOutcome, Direction, RecordRef,
};
use crate::kernel::error::{Error, Result};
use crate::kernel::time::{self, stamp};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::records::list::Page;
use crate::sales::leads::{self, LeadInput, LeadStatus};
use crate::store::db::Db;
use crate::store::writer::text;

mod queue;

pub use queue::*;

pub(crate) const TABLE: &str = "call_lists";
pub(crate) const ENTRIES: &str = "call_list_entries";

text_enum!(
    /// Where a person on a call list stands.
    EntryStatus {
        Pending = "pending",
        NoAnswer = "no_answer",
        Callback = "callback",
        NotInterested = "not_interested",
        WrongNumber = "wrong_number",
        Promoted = "promoted",
    }
);

text_enum!(
    /// How a call from the queue went (each has a key in the calling screen).
    CallResult {
        NoAnswer = "no_answer",
        CallBack = "call_back",
        NotInterested = "not_interested",
        WrongNumber = "wrong_number",
        Interested = "interested",
    }
);

/// How far a list has been worked through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress {
    #[ts(type = "number")]
    pub total: i64,
    /// People called at least once.
    #[ts(type = "number")]
    pub called: i64,
    /// People still to call: never called, not answered (fewer times than the list allows),
    /// or waiting for a callback.
    #[ts(type = "number")]
    pub remaining: i64,
    /// Callbacks whose time has come.
    #[ts(type = "number")]
    pub callbacks_due: i64,
    /// Callbacks scheduled for later.
    #[ts(type = "number")]
    pub callbacks_later: i64,
    #[ts(type = "number")]
    pub not_called: i64,
    /// Not answered, to be tried again.
    #[ts(type = "number")]
    pub no_answer: i64,
    /// Not answered as often as the list allows: out of the queue.
    #[ts(type = "number")]
    pub unreachable: i64,
    #[ts(type = "number")]
    pub not_interested: i64,
    #[ts(type = "number")]
    pub wrong_number: i64,
    /// Promoted to leads.
    #[ts(type = "number")]
    pub promoted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CallList {
    pub id: String,
    pub name: String,
    pub script: Option<String>,
    #[ts(type = "number")]
    pub max_attempts: i64,
    pub source_file: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub progress: Progress,
    pub created_at: String,
    pub updated_at: String,
}

/// The editable settings of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CallListInput {
    pub name: String,
    pub script: Option<String>,
    /// Default 3.
    #[ts(type = "number | null")]
    pub max_attempts: Option<i64>,
    /// Who calls; leads promoted from the list are assigned to them.
    pub owner_id: Option<String>,
}

/// One person on a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Entry {
    pub id: String,
    pub call_list_id: String,
    /// The row's place in the imported file (1 = first person).
    #[ts(type = "number")]
    pub position: i64,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub city: Option<String>,
    pub notes: Option<String>,
    /// The file's other columns, in the file's order.
    pub details: Vec<(String, String)>,
    pub status: EntryStatus,
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_called_at: Option<String>,
    pub callback_at: Option<String>,
    pub lead_id: Option<String>,
}

/// The person to call now, with the calls made so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QueueItem {
    pub entry: Entry,
    pub history: Vec<Activity>,
    pub script: Option<String>,
    pub progress: Progress,
}

/// An outcome to record for the person called.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CallInput {
    pub result: Option<CallResult>,
    /// What was said.
    pub note: Option<String>,
    /// For `call_back`: when (RFC 3339, a local time or a date).
    pub callback_at: Option<String>,
}

/// What recording an outcome did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Called {
    pub entry: Entry,
    /// The call logged (or the scheduled callback now done).
    pub activity_id: String,
    /// The callback scheduled, for `call_back`.
    pub callback_id: Option<String>,
    /// The lead created, for `interested`.
    pub lead_id: Option<String>,
    /// Undoes the outcome.
    pub batch_id: String,
}

// ---------------------------------------------------------------------------------------------
// Lists

fn progress_sql(filter: &str) -> String {
    format!(
        "SELECT e.call_list_id, count(*) AS total,
                sum(e.attempts > 0) AS called,
                sum(e.status = 'pending') AS not_called,
                sum(e.status = 'no_answer' AND e.attempts < l.max_attempts) AS no_answer,
                sum(e.status = 'no_answer' AND e.attempts >= l.max_attempts) AS unreachable,
                sum(e.status = 'callback' AND e.callback_at <= ?1) AS callbacks_due,
                sum(e.status = 'callback' AND e.callback_at > ?1) AS callbacks_later,
                sum(e.status = 'not_interested') AS not_interested,
                sum(e.status = 'wrong_number') AS wrong_number,
                sum(e.status = 'promoted') AS promoted
           FROM call_list_entries e JOIN call_lists l ON l.id = e.call_list_id
          WHERE {filter}
          GROUP BY e.call_list_id"
    )
}

fn progress_row(r: &Row<'_>) -> rusqlite::Result<(String, Progress)> {
    let n = |column: &str| -> rusqlite::Result<i64> {
        Ok(r.get::<_, Option<i64>>(column)?.unwrap_or(0))
    };
    let p = Progress {
        total: n("total")?,
        called: n("called")?,
        not_called: n("not_called")?,
        no_answer: n("no_answer")?,
        unreachable: n("unreachable")?,
        callbacks_due: n("callbacks_due")?,
        callbacks_later: n("callbacks_later")?,
        not_interested: n("not_interested")?,
        wrong_number: n("wrong_number")?,
        promoted: n("promoted")?,
        remaining: n("not_called")? + n("no_answer")? + n("callbacks_due")? + n("callbacks_later")?,
    };
    Ok((r.get("call_list_id")?, p))
}

/// How far the list `id` has been worked through, at `now`.
pub fn progress(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Progress> {
    let found = conn
        .prepare_cached(&progress_sql("e.call_list_id = ?2"))?
        .query_row((stamp(now), id), progress_row)
        .optional()?;
    Ok(found.map(|(_, p)| p).unwrap_or_default())
}

const SELECT: &str = "SELECT l.id, l.name, l.script, l.max_attempts, l.source_file, l.owner_id,
        t.name AS owner_name, l.created_at, l.updated_at
   FROM call_lists l LEFT JOIN team_members t ON t.id = l.owner_id";

fn list_row(r: &Row<'_>) -> rusqlite::Result<CallList> {
    Ok(CallList {
        id: r.get("id")?,
        name: r.get("name")?,
        script: r.get("script")?,
        max_attempts: r.get("max_attempts")?,
        source_file: r.get("source_file")?,
        owner_id: r.get("owner_id")?,
        owner_name: r.get("owner_name")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        progress: Progress::default(),
    })
}

/// Every list that is not archived, newest first, with its progress.
pub fn lists(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<CallList>> {
    let mut out: Vec<CallList> = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE l.archived_at IS NULL ORDER BY l.created_at DESC"
        ))?
        .query_map([], list_row)?
        .collect::<rusqlite::Result<_>>()?;
    let progress: HashMap<String, Progress> = conn
        .prepare_cached(&progress_sql("l.archived_at IS NULL"))?
        .query_map([stamp(now)], progress_row)?
        .collect::<rusqlite::Result<_>>()?;
    for list in &mut out {
        list.progress = progress.get(&list.id).cloned().unwrap_or_default();
    }
    Ok(out)
}

/// The list whose id or name (any case) is `key`.
pub fn get(conn: &Connection, key: &str, now: DateTime<Utc>) -> Result<CallList> {
    let mut list = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE l.id = ?1 OR l.name = ?1 COLLATE NOCASE ORDER BY l.id = ?1 DESC LIMIT 1"
        ))?
        .query_row([key.trim()], list_row)
        .optional()?
        .ok_or_else(|| Error::not_found("call list", key))?;
    list.progress = progress(conn, &list.id, now)?;
    Ok(list)
}

pub(crate) struct ValidList {
    pub(crate) name: String,
    pub(crate) fields: Vec<(&'static str, Value)>,
}

pub(crate) fn check_list(
    conn: &Connection,
    id: Option<&str>,
    input: &CallListInput,
) -> Result<ValidList> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let script = c.text("script", &input.script, NOTES_MAX);
    let max_attempts = input.max_attempts.unwrap_or(3);
    if !(1..=20).contains(&max_attempts) {
        c.fail(
            "max_attempts",
            format!("{max_attempts} is not between 1 and 20"),
        );
    }
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let taken: Option<String> = conn
        .prepare_cached("SELECT id FROM call_lists WHERE name = ?1 COLLATE NOCASE")?
        .query_row([&name], |r| r.get(0))
        .optional()?;
    if taken.is_some_and(|t| Some(t.as_str()) != id) {
        c.fail(
            "name",
            format!("a call list named \"{name}\" already exists; choose another name"),
        );
    }
    c.finish()?;
    Ok(ValidList {
        fields: vec![
            ("name", Value::Text(name.clone())),
            ("script", text(&script)),
            ("max_attempts", Value::Integer(max_attempts)),
            ("owner_id", text(&owner_id)),
        ],
        name,
    })
}

/// Changes a list's name, script, attempts or owner.
pub fn update(
    db: &mut Db,
    key: &str,
    input: &CallListInput,
    now: DateTime<Utc>,
) -> Result<CallList> {
    let id = get(db.conn(), key, now)?.id;
    db.write(|w| {
        let v = check_list(w.conn(), Some(&id), input)?;
        w.update(TABLE, &id, &v.fields)?;
        Ok(v.name)
    })?;
    get(db.conn(), &id, now)
}

/// Deletes a list and the people on it. Leads promoted from it stay; calls logged on people
/// who were not promoted are deleted with them.
pub fn delete(db: &mut Db, key: &str, now: DateTime<Utc>) -> Result<()> {
    let id = get(db.conn(), key, now)?.id;
    db.write(|w| {
        let entries: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM call_list_entries WHERE call_list_id = ?1")?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for entry in &entries {
            let calls: Vec<String> = w
                .conn()
                .prepare_cached(
                    "SELECT activity_id FROM activity_links
                      WHERE entity = 'call_list_entries' AND entity_id = ?1",
                )?
                .query_map([entry], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            activity::unlink_record(w, ENTRIES, entry)?;
            for call in calls {
                let linked: bool = w
                    .conn()
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM activity_links WHERE activity_id = ?1)",
                    )?
                    .query_row([&call], |r| r.get(0))?;
                if !linked {
                    activity::delete_in(w, &call)?;
                }
            }
            let lead: Option<String> = w
                .conn()
                .prepare_cached("SELECT id FROM leads WHERE call_list_entry_id = ?1")?
                .query_row([entry], |r| r.get(0))
                .optional()?;
            if let Some(lead) = lead {
                w.update(leads::TABLE, &lead, &[("call_list_entry_id", Value::Null)])?;
            }
            w.delete(ENTRIES, entry)?;
        }
        w.delete(TABLE, &id)?;
        Ok(())
    })
}
