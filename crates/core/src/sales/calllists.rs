//! Call lists: bulk lists of people (pre-leads) called one by one. A list is imported from a
//! CSV file; the calling queue hands out one person at a time (callbacks that fell due first,
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
use crate::data::import::{ImportEntity, Rejected, Table, TableRow, cell};
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

struct ValidList {
    name: String,
    fields: Vec<(&'static str, Value)>,
}

fn check_list(conn: &Connection, id: Option<&str>, input: &CallListInput) -> Result<ValidList> {
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

// ---------------------------------------------------------------------------------------------
// Import

/// How to import a call list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CallListImport {
    /// The new list's name, script, attempts and owner.
    pub list: CallListInput,
    /// The field key for each column (`null`: kept as a detail); empty: guessed from headers.
    pub mapping: Vec<Option<String>>,
    /// Also import people whose number already belongs to a contact or a lead.
    pub include_known: bool,
    /// The file's name, remembered with the list.
    pub source_file: Option<String>,
}

/// A row not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SkippedRow {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// What a call-list import did: `rows_read` = `added` + `skipped.len()` + `rejected.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CallListReport {
    pub list_id: Option<String>,
    pub name: String,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub added: u64,
    /// Duplicates: a number already on the list, or (unless asked) a known contact or lead.
    pub skipped: Vec<SkippedRow>,
    /// Rows that cannot be called: no phone number, no name.
    pub rejected: Vec<Rejected>,
    pub encoding: String,
    pub delimiter: String,
    pub mapping: Vec<Option<String>>,
    /// Undoes the import (`rapport undo`); `null` when nothing was written.
    pub batch_id: Option<String>,
    pub cancelled: bool,
}

/// A row read for the list, before it is written.
struct Person {
    line: u64,
    name: String,
    company: Option<String>,
    title: Option<String>,
    phone: String,
    e164: Option<String>,
    email: Option<String>,
    city: Option<String>,
    notes: Option<String>,
    extra: BTreeMap<String, String>,
}

fn clip(value: Option<&str>, max: usize) -> Option<String> {
    value.map(|v| v.chars().take(max).collect())
}

fn person(
    table: &Table,
    row: &TableRow,
    mapping: &[Option<String>],
    country: Option<&str>,
) -> std::result::Result<Person, String> {
    if let Some(problem) = &row.problem {
        return Err(format!("the row {problem}"));
    }
    let m = mapping;
    let name = match (cell(row, m, "first_name"), cell(row, m, "last_name")) {
        (None, None) => cell(row, m, "full_name").map(str::to_owned),
        (first, last) => Some(
            [first, last]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
    .or_else(|| cell(row, m, "account").map(str::to_owned));
    let Some(name) = name else {
        return Err("no name or company to ask for".into());
    };
    let Some(phone) = cell(row, m, "phone").or_else(|| cell(row, m, "mobile")) else {
        let header = mapping
            .iter()
            .position(|k| k.as_deref() == Some("phone"))
            .and_then(|i| table.headers.get(i));
        return Err(match header {
            Some(h) => format!("{h}: no phone number to call"),
            None => "no phone number to call".into(),
        });
    };
    if phone.chars().filter(char::is_ascii_digit).count() < 3 || phone.len() > 50 {
        return Err(format!("\"{phone}\" is not a phone number"));
    }
    let mut extra = BTreeMap::new();
    for (i, key) in mapping.iter().enumerate() {
        if key.is_none()
            && let (Some(header), Some(value)) = (table.headers.get(i), row.cells.get(i))
            && !value.trim().is_empty()
        {
            extra.insert(
                clip(Some(header), SHORT_TEXT_MAX).unwrap_or_default(),
                clip(Some(value.trim()), 2_000).unwrap_or_default(),
            );
        }
    }
    Ok(Person {
        line: row.line,
        name: clip(Some(&name), SHORT_TEXT_MAX).unwrap_or_default(),
        company: clip(cell(row, m, "account"), SHORT_TEXT_MAX),
        title: clip(cell(row, m, "title"), SHORT_TEXT_MAX),
        e164: crate::kernel::phone::normalize(phone, country).map(|n| n.e164),
        phone: phone.to_owned(),
        email: clip(cell(row, m, "email"), SHORT_TEXT_MAX),
        city: clip(cell(row, m, "city"), SHORT_TEXT_MAX),
        notes: clip(cell(row, m, "notes"), NOTES_MAX),
        extra,
    })
}

/// Reads the rows on all cores: parsing phone numbers is most of an import's work.
fn people(
    table: &Table,
    mapping: &[Option<String>],
    country: Option<&str>,
) -> Vec<std::result::Result<Person, String>> {
    crate::par_map(&table.rows, |row| person(table, row, mapping, country))
}

/// Imports `table` as a new call list, in one transaction. `progress(done, total)` is called
/// every few thousand rows; returning `false` cancels and nothing is written.
pub fn import(
    db: &mut Db,
    table: &Table,
    options: &CallListImport,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CallListReport> {
    let conn = db.conn();
    let mapping = crate::data::import::resolve_mapping(
        conn,
        table,
        ImportEntity::CallList,
        &options.mapping,
    )?;
    if !mapping
        .iter()
        .flatten()
        .any(|k| matches!(k.as_str(), "phone" | "mobile"))
    {
        return Err(Error::invalid(
            "mapping",
            "map a column to the phone number: no column was recognised as one",
        ));
    }
    let country = crate::store::settings::default_country(conn)?;
    let rows = people(table, &mapping, country.as_deref());
    let mut known: HashMap<String, String> = HashMap::new();
    if !options.include_known {
        for (sql, what) in [
            (
                "SELECT p.e164, trim(c.first_name || ' ' || c.last_name) FROM contact_phones p
                   JOIN contacts c ON c.id = p.contact_id WHERE p.e164 IS NOT NULL",
                "contact",
            ),
            (
                "SELECT phone_e164, name FROM leads WHERE phone_e164 IS NOT NULL",
                "lead",
            ),
        ] {
            let mut stmt = conn.prepare(sql)?;
            let mut found = stmt.query([])?;
            while let Some(r) = found.next()? {
                known.entry(r.get(0)?).or_insert(format!(
                    "already on file as the {what} {}",
                    r.get::<_, String>(1)?
                ));
            }
        }
    }
    let mut report = CallListReport {
        name: options.list.name.trim().to_owned(),
        rows_read: table.rows.len() as u64,
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.clone(),
        mapping,
        ..Default::default()
    };
    let origin = db.origin();
    db.set_origin("import");
    let result = db.write(|w| {
        let v = check_list(w.conn(), None, &options.list)?;
        let list_id = crate::new_id();
        let mut fields = v.fields;
        fields.push(("source_file", text(&options.source_file)));
        w.insert(TABLE, &list_id, &fields)?;
        let mut seen: HashMap<String, u64> = HashMap::new();
        let total = rows.len();
        for (i, row) in rows.iter().enumerate() {
            if i % 2000 == 0 && !progress(i, total) {
                return Err(Error::Cancelled);
            }
            let p = match row {
                Ok(p) => p,
                Err(reason) => {
                    report.rejected.push(Rejected {
                        line: table.rows[i].line,
                        reason: reason.clone(),
                    });
                    continue;
                }
            };
            let key = p
                .e164
                .clone()
                .unwrap_or_else(|| p.phone.chars().filter(char::is_ascii_digit).collect());
            if let Some(first) = seen.get(&key) {
                report.skipped.push(SkippedRow {
                    line: p.line,
                    reason: format!("{} is already on the list (line {first})", p.phone),
                });
                continue;
            }
            if let Some(why) = p.e164.as_ref().and_then(|e| known.get(e)) {
                report.skipped.push(SkippedRow {
                    line: p.line,
                    reason: format!("{}: {why}", p.phone),
                });
                continue;
            }
            seen.insert(key, p.line);
            let extra =
                serde_json::to_string(&p.extra).map_err(|e| Error::Internal(e.to_string()))?;
            report.added += 1;
            w.insert(
                ENTRIES,
                &crate::new_id(),
                &[
                    ("call_list_id", Value::Text(list_id.clone())),
                    ("position", Value::Integer(report.added as i64)),
                    ("name", Value::Text(p.name.clone())),
                    ("company", text(&p.company)),
                    ("title", text(&p.title)),
                    ("phone", Value::Text(p.phone.clone())),
                    ("phone_e164", text(&p.e164)),
                    ("email", text(&p.email)),
                    ("city", text(&p.city)),
                    ("notes", text(&p.notes)),
                    ("extra", Value::Text(extra)),
                ],
            )?;
        }
        progress(total, total);
        Ok((list_id, w.batch_id().to_owned()))
    });
    db.set_origin(origin);
    match result {
        Ok((list_id, batch)) => {
            report.list_id = Some(list_id);
            report.batch_id = Some(batch);
            Ok(report)
        }
        Err(Error::Cancelled) => Ok(CallListReport {
            added: 0,
            skipped: Vec::new(),
            rejected: Vec::new(),
            cancelled: true,
            ..report
        }),
        Err(e) => Err(e),
    }
}

/// [`import`] of the CSV file at `path`, remembering the file's name with the list.
pub fn import_file(
    db: &mut Db,
    path: &std::path::Path,
    options: &CallListImport,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CallListReport> {
    let table = crate::data::import::read_file(path)?;
    let mut options = options.clone();
    if options.source_file.is_none() {
        options.source_file = path.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    import(db, &table, &options, progress)
}
