//! Commitment-based services: a service agreement promises an account something on a schedule
//! ("monthly statement by e-mail", "quarterly maintenance visit"). Each due date becomes an
//! occurrence with a task for the owner; the occurrence is then delivered or skipped (with a
//! note), so the owner can show what was delivered and when.
//!
//! [`generate`] creates the occurrences that are due within the next [`LEAD_DAYS`] days (the
//! desktop app runs it at start and every hour; the CLI with `agreements run`). Occurrences are
//! counted from the agreement's start, but never before the day it was entered: typing in a
//! two-year-old agreement does not bury the owner under two years of overdue tasks.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{ActivityInput, ActivityKind, RecordRef};
use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::{Writer, text};

pub(crate) const TABLE: &str = "service_agreements";
const OCCURRENCES: &str = "agreement_occurrences";
/// Occurrences are created this many days before they fall due, so their tasks show in the
/// agenda ahead of time.
pub const LEAD_DAYS: i64 = 7;

text_enum!(
    OccurrenceStatus {
        Due = "due",
        Delivered = "delivered",
        Skipped = "skipped",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Agreement {
    pub id: String,
    pub account_id: String,
    pub account_name: String,
    pub name: String,
    pub description: Option<String>,
    /// RFC 5545 rule: `FREQ=MONTHLY;BYMONTHDAY=1`.
    pub rrule: String,
    /// The rule in words: "Monthly on day 1".
    pub schedule: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    /// The next date it falls due after the occurrences made so far.
    pub next_due: Option<String>,
    #[ts(type = "number")]
    pub delivered: i64,
    #[ts(type = "number")]
    pub skipped: i64,
    /// Occurrences made and not yet delivered or skipped.
    #[ts(type = "number")]
    pub open: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AgreementInput {
    pub account_id: String,
    pub name: String,
    pub description: Option<String>,
    pub rrule: String,
    /// `YYYY-MM-DD`; default today.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub owner_id: Option<String>,
}

/// One due date of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Occurrence {
    pub id: String,
    pub agreement_id: String,
    pub agreement_name: String,
    pub account_name: String,
    pub due_on: String,
    pub status: OccurrenceStatus,
    pub task_id: Option<String>,
    pub note: Option<String>,
    /// When it was delivered or skipped.
    pub settled_at: Option<String>,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
}

fn check(conn: &Connection, input: &AgreementInput, today: NaiveDate) -> Result<Valid> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let description = c.text("description", &input.description, NOTES_MAX);
    let account = input.account_id.trim();
    if account.is_empty() {
        c.fail(
            "account_id",
            "is needed: an agreement is made with an account",
        );
    } else {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)")?
            .query_row([account], |r| r.get(0))?;
        if !exists {
            c.fail("account_id", format!("no account with id {account}"));
        }
    }
    let rrule = match crate::kernel::recurrence::normalize("rrule", &input.rrule) {
        Ok(rule) => rule,
        Err(e) => {
            for f in e.field_errors() {
                c.fail(&f.field, &f.message);
            }
            String::new()
        }
    };
    let starts_on = c
        .date("starts_on", &input.starts_on)
        .unwrap_or_else(|| today.format("%Y-%m-%d").to_string());
    let ends_on = c.date("ends_on", &input.ends_on);
    if let Some(end) = &ends_on
        && *end < starts_on
    {
        c.fail("ends_on", format!("{end} is before the start, {starts_on}"));
    }
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    c.finish()?;
    Ok(Valid {
        fields: vec![
            ("account_id", Value::Text(account.to_owned())),
            ("name", Value::Text(name)),
            ("description", text(&description)),
            ("rrule", Value::Text(rrule)),
            ("starts_on", Value::Text(starts_on)),
            ("ends_on", text(&ends_on)),
            ("owner_id", text(&owner_id)),
        ],
    })
}

use crate::kernel::time::today;

pub fn create(db: &mut Db, input: &AgreementInput) -> Result<Agreement> {
    let v = check(db.conn(), input, today())?;
    let id = crate::new_id();
    db.write(|w| w.insert(TABLE, &id, &v.fields))?;
    generate(db, Utc::now())?;
    get(db.conn(), &id)
}

/// Saves an edited agreement; occurrences already made stay as they are.
pub fn update(db: &mut Db, id: &str, input: &AgreementInput) -> Result<Agreement> {
    get(db.conn(), id)?;
    let v = check(db.conn(), input, today())?;
    db.write(|w| {
        w.update(TABLE, id, &v.fields)?;
        Ok(())
    })?;
    generate(db, Utc::now())?;
    get(db.conn(), id)
}

/// Deletes an agreement and its log; the tasks made for it stay.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    get(db.conn(), id)?;
    db.write(|w| {
        let ids: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM agreement_occurrences WHERE agreement_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for occurrence in ids {
            w.delete(OCCURRENCES, &occurrence)?;
        }
        crate::store::links::release(w, TABLE, id)?;
        w.delete(TABLE, id)
    })
}

const SELECT: &str = "SELECT g.id, g.account_id, a.name AS account_name, g.name, g.description,
        g.rrule, g.starts_on, g.ends_on, g.owner_id, t.name AS owner_name,
        (SELECT count(*) FROM agreement_occurrences o WHERE o.agreement_id = g.id AND o.status = 'delivered')
          AS delivered,
        (SELECT count(*) FROM agreement_occurrences o WHERE o.agreement_id = g.id AND o.status = 'skipped')
          AS skipped,
        (SELECT count(*) FROM agreement_occurrences o WHERE o.agreement_id = g.id AND o.status = 'due')
          AS open,
        (SELECT max(o.due_on) FROM agreement_occurrences o WHERE o.agreement_id = g.id) AS last_due,
        g.created_at
   FROM service_agreements g
   JOIN accounts a ON a.id = g.account_id
   LEFT JOIN team_members t ON t.id = g.owner_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(Agreement, Option<String>)> {
    let rrule: String = row.get("rrule")?;
    Ok((
        Agreement {
            id: row.get("id")?,
            account_id: row.get("account_id")?,
            account_name: row.get("account_name")?,
            name: row.get("name")?,
            description: row.get("description")?,
            schedule: crate::kernel::recurrence::describe(&rrule),
            rrule,
            starts_on: row.get("starts_on")?,
            ends_on: row.get("ends_on")?,
            owner_id: row.get("owner_id")?,
            owner_name: row.get("owner_name")?,
            delivered: row.get("delivered")?,
            skipped: row.get("skipped")?,
            open: row.get("open")?,
            next_due: None,
            created_at: row.get("created_at")?,
        },
        row.get("last_due")?,
    ))
}

fn with_next(pair: (Agreement, Option<String>)) -> Result<Agreement> {
    let (mut agreement, last) = pair;
    let after = match last
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        Some(last) => last,
        None => first_counted(&agreement)? - Duration::days(1),
    };
    agreement.next_due = dates(&agreement, after, 1)?
        .into_iter()
        .next()
        .map(|d| d.format("%Y-%m-%d").to_string());
    Ok(agreement)
}

pub fn get(conn: &Connection, id: &str) -> Result<Agreement> {
    let pair = conn
        .prepare_cached(&format!("{SELECT} WHERE g.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("service agreement", id))?;
    with_next(pair)
}

/// Agreements, of one account or all, by account then name.
pub fn list(conn: &Connection, account_id: Option<&str>) -> Result<Vec<Agreement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE ?1 IS NULL OR g.account_id = ?1
          ORDER BY a.name COLLATE NOCASE, g.name COLLATE NOCASE"
    ))?;
    let rows = stmt
        .query_map([account_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(with_next).collect()
}

/// The log of an agreement (or of all): newest due date first.
pub fn occurrences(conn: &Connection, agreement_id: Option<&str>) -> Result<Vec<Occurrence>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.agreement_id, g.name AS agreement_name, a.name AS account_name, o.due_on,
                o.status, o.task_id, o.note, o.settled_at
           FROM agreement_occurrences o
           JOIN service_agreements g ON g.id = o.agreement_id
           JOIN accounts a ON a.id = g.account_id
          WHERE ?1 IS NULL OR o.agreement_id = ?1
          ORDER BY o.due_on DESC, g.name",
    )?;
    let rows = stmt.query_map([agreement_id], |r| {
        Ok(Occurrence {
            id: r.get("id")?,
            agreement_id: r.get("agreement_id")?,
            agreement_name: r.get("agreement_name")?,
            account_name: r.get("account_name")?,
            due_on: r.get("due_on")?,
            status: OccurrenceStatus::parse(&r.get::<_, String>("status")?)
                .unwrap_or(OccurrenceStatus::Due),
            task_id: r.get("task_id")?,
            note: r.get("note")?,
            settled_at: r.get("settled_at")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::Internal(format!("stored date {text} is unreadable")))
}

/// The first day occurrences are counted from: the start, or the day it was entered if later.
fn first_counted(a: &Agreement) -> Result<NaiveDate> {
    let start = parse_date(&a.starts_on)?;
    let entered = crate::kernel::time::parse_stamp(&a.created_at)
        .map(|at| crate::kernel::time::local_date(crate::kernel::time::local_zone(), at))?;
    Ok(start.max(entered))
}

/// Due dates strictly after `after`, at most `limit`, within the agreement's end.
fn dates(a: &Agreement, after: NaiveDate, limit: u16) -> Result<Vec<NaiveDate>> {
    let start = parse_date(&a.starts_on)?;
    let tz = chrono_tz::Tz::UTC;
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
    let after_at = after.and_time(noon).and_utc();
    let until = match &a.ends_on {
        Some(end) => Some(
            (parse_date(end)? + Duration::days(1))
                .and_time(NaiveTime::MIN)
                .and_utc(),
        ),
        None => None,
    };
    Ok(crate::kernel::recurrence::occurrences(
        &a.rrule,
        start.and_time(noon),
        tz,
        after_at,
        until,
        limit,
    )?
    .into_iter()
    .map(|d| d.date_naive())
    .collect())
}

/// Makes the occurrences (with their tasks) due up to [`LEAD_DAYS`] days after `now`, for every
/// agreement; returns how many were made. Running it twice makes nothing twice.
pub fn generate(db: &mut Db, now: DateTime<Utc>) -> Result<usize> {
    let tz = crate::kernel::time::local_zone();
    let horizon = crate::kernel::time::local_date(tz, now) + Duration::days(LEAD_DAYS);
    let agreements = list(db.conn(), None)?;
    let mut made = 0;
    db.write(|w| {
        for a in &agreements {
            let last: Option<String> = w
                .conn()
                .prepare_cached(
                    "SELECT max(due_on) FROM agreement_occurrences WHERE agreement_id = ?1",
                )?
                .query_row([&a.id], |r| r.get(0))?;
            let after = match last {
                Some(last) => parse_date(&last)?,
                None => first_counted(a)? - Duration::days(1),
            };
            if after >= horizon {
                continue;
            }
            for due in dates(a, after, 400)?.into_iter().filter(|d| *d <= horizon) {
                make_occurrence(w, a, due)?;
                made += 1;
            }
        }
        Ok(())
    })?;
    Ok(made)
}

fn make_occurrence(w: &Writer<'_>, a: &Agreement, due: NaiveDate) -> Result<()> {
    let due_text = due.format("%Y-%m-%d").to_string();
    let task = ActivityInput {
        kind: Some(ActivityKind::Task),
        subject: format!("{} — {}", a.name, a.account_name),
        notes: a.description.clone(),
        starts_at: Some(due_text.clone()),
        all_day: true,
        owner_id: a.owner_id.clone(),
        links: vec![RecordRef {
            entity: "accounts".into(),
            id: a.account_id.clone(),
        }],
        ..ActivityInput::default()
    };
    let task_id =
        crate::activities::activity::create_in(w, &task, crate::kernel::time::local_zone())?;
    w.insert(
        OCCURRENCES,
        &crate::new_id(),
        &[
            ("agreement_id", Value::Text(a.id.clone())),
            ("due_on", Value::Text(due_text)),
            ("task_id", Value::Text(task_id)),
        ],
    )
}

/// Logs an occurrence as delivered or skipped (a skip needs a reason); its task is completed.
pub fn settle(
    db: &mut Db,
    occurrence_id: &str,
    status: OccurrenceStatus,
    note: Option<&str>,
) -> Result<Occurrence> {
    let mut c = Checker::default();
    let note = c.text("note", &note.map(str::to_owned), NOTES_MAX);
    if status == OccurrenceStatus::Skipped && note.is_none() {
        c.fail("note", "say why it was skipped, so the log shows it");
    }
    c.finish()?;
    let task: Option<String> = db
        .conn()
        .prepare_cached("SELECT task_id FROM agreement_occurrences WHERE id = ?1")?
        .query_row([occurrence_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("occurrence", occurrence_id))?;
    db.write(|w| {
        settle_in(w, occurrence_id, status, note.as_deref())?;
        if let Some(task) = &task {
            let open: bool = w
                .conn()
                .prepare_cached("SELECT done_at IS NULL FROM activities WHERE id = ?1")?
                .query_row([task], |r| r.get(0))
                .optional()?
                .unwrap_or(false);
            if open {
                w.update(
                    "activities",
                    task,
                    &[("done_at", Value::Text(w.now().to_owned()))],
                )?;
            }
        }
        Ok(())
    })?;
    occurrences(db.conn(), None)?
        .into_iter()
        .find(|o| o.id == occurrence_id)
        .ok_or_else(|| Error::not_found("occurrence", occurrence_id))
}

fn settle_in(w: &Writer<'_>, id: &str, status: OccurrenceStatus, note: Option<&str>) -> Result<()> {
    let settled = match status {
        OccurrenceStatus::Due => Value::Null,
        _ => Value::Text(w.now().to_owned()),
    };
    w.update(
        OCCURRENCES,
        id,
        &[
            ("status", Value::Text(status.as_str().to_owned())),
            ("note", text(&note.map(str::to_owned))),
            ("settled_at", settled),
        ],
    )?;
    Ok(())
}

/// Reacts to a completed activity (see `crate::wiring`): an occurrence whose task this is is
/// delivered.
pub(crate) fn activity_completed(w: &Writer<'_>, activity_id: &str) -> Result<()> {
    let id: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM agreement_occurrences WHERE task_id = ?1 AND status = 'due'",
        )?
        .query_row([activity_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        settle_in(w, &id, OccurrenceStatus::Delivered, None)?;
    }
    Ok(())
}
