//! Activities: every interaction with a customer (calls, meetings, tasks, notes, e-mails, SMS,
//! letters, faxes, web visits, events), linked to the records they concern, with reminders and
//! recurring series.
//!
//! A recurring commitment ("the monthly statement, on the 1st") is an `activity_series` row
//! holding the rule, its time zone and a template. Only its next open occurrence is stored as
//! an activity; completing it stores the one after. Later occurrences are computed when a
//! calendar shows them.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::recurrence;
use crate::kernel::time::{self, parse_stamp, stamp};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, int, text};

mod check;
mod list;
mod read;
mod series;
mod types;

pub use check::*;
pub use list::*;
pub use read::*;
pub(crate) use series::*;
pub use types::*;

pub(crate) const TABLE: &str = "activities";
const LINKS: &str = "activity_links";
const PARTICIPANTS: &str = "activity_participants";
const SERIES: &str = "activity_series";

fn insert_row(
    w: &Writer<'_>,
    v: &Valid,
    starts_at: Option<DateTime<Utc>>,
    series: Option<(&str, DateTime<Utc>)>,
) -> Result<String> {
    let id = crate::new_id();
    let mut fields = v.columns();
    for f in &mut fields {
        if f.0 == "starts_at" {
            f.1 = text(&starts_at.map(stamp));
        }
    }
    fields.push(("done_at", text(&v.done.then(|| w.now().to_owned()))));
    fields.push(("remind_at", text(&v.remind_at.map(stamp))));
    fields.push((
        "reminder_state",
        text(
            &v.remind_at
                .map(|_| ReminderState::Pending.as_str().to_owned()),
        ),
    ));
    fields.push(("series_id", text(&series.map(|(s, _)| s.to_owned()))));
    fields.push(("occurrence_at", text(&series.map(|(_, at)| stamp(at)))));
    w.insert(TABLE, &id, &fields)?;
    set_links(w, &id, &v.links)?;
    set_participants(w, &id, &v.participants)?;
    Ok(id)
}

fn set_links(w: &Writer<'_>, id: &str, links: &[RecordRef]) -> Result<()> {
    let existing: Vec<(String, String, String)> = w
        .conn()
        .prepare_cached("SELECT id, entity, entity_id FROM activity_links WHERE activity_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, entity, entity_id) in &existing {
        if !links
            .iter()
            .any(|l| &l.entity == entity && &l.id == entity_id)
        {
            w.delete(LINKS, row)?;
        }
    }
    for link in links {
        if !existing
            .iter()
            .any(|(_, e, i)| *e == link.entity && *i == link.id)
        {
            w.insert(
                LINKS,
                &crate::new_id(),
                &[
                    ("activity_id", Value::Text(id.to_owned())),
                    ("entity", Value::Text(link.entity.clone())),
                    ("entity_id", Value::Text(link.id.clone())),
                ],
            )?;
        }
    }
    Ok(())
}

fn set_participants(w: &Writer<'_>, id: &str, people: &[Participant]) -> Result<()> {
    let stored = participants_of(w.conn(), id)?;
    if stored.iter().map(|(_, p)| p).eq(people.iter()) {
        return Ok(());
    }
    for (row, _) in stored {
        w.delete(PARTICIPANTS, &row)?;
    }
    for (position, p) in people.iter().enumerate() {
        w.insert(
            PARTICIPANTS,
            &crate::new_id(),
            &[
                ("activity_id", Value::Text(id.to_owned())),
                ("position", Value::Integer(position as i64)),
                ("contact_id", text(&p.contact_id)),
                ("member_id", text(&p.member_id)),
                ("name", Value::Text(p.name.clone())),
                ("email", text(&p.email)),
            ],
        )?;
    }
    Ok(())
}

/// A participant from a row of `activity_participants`, read by column name.
pub(super) fn participant(r: &Row<'_>) -> rusqlite::Result<Participant> {
    Ok(Participant {
        contact_id: r.get("contact_id")?,
        member_id: r.get("member_id")?,
        name: r.get("name")?,
        email: r.get("email")?,
    })
}

fn participants_of(conn: &Connection, id: &str) -> Result<Vec<(String, Participant)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, contact_id, member_id, name, email FROM activity_participants
              WHERE activity_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| Ok((r.get("id")?, participant(r)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates an activity inside a larger write; returns its id.
pub fn create_in(w: &Writer<'_>, input: &ActivityInput, tz: Tz) -> Result<String> {
    let v = check(w.conn(), input, tz)?;
    create_valid(w, v, tz)
}

fn create_valid(w: &Writer<'_>, mut v: Valid, tz: Tz) -> Result<String> {
    if v.done && v.starts_at.is_none() && v.kind != ActivityKind::Note {
        // A call logged without a time happened now.
        v.starts_at = Some(parse_stamp(w.now())?);
    }
    match (&v.repeat, v.starts_at) {
        (Some(rule), Some(start)) => {
            let rule = rule.clone();
            let (series_id, first) = start_series(w, &v, &rule, start, tz)?;
            if let Some(r) = v.remind_at {
                v.remind_at = Some(r + (first - start));
            }
            insert_row(w, &v, Some(first), Some((&series_id, first)))
        }
        _ => insert_row(w, &v, v.starts_at, None),
    }
}

/// Logs or schedules an activity.
pub fn create(db: &mut Db, input: &ActivityInput, tz: Tz) -> Result<Activity> {
    let id = db.write(|w| create_in(w, input, tz))?;
    get(db.conn(), &id)
}

/// Logs an interaction and schedules its follow-up in one save ("log this call and call back
/// on Friday"). The follow-up is linked to the same records unless it names its own.
pub fn log_with_follow_up(
    db: &mut Db,
    input: &ActivityInput,
    follow_up: Option<&ActivityInput>,
    tz: Tz,
) -> Result<Logged> {
    let (id, next, batch_id) = db.write(|w| {
        // Check both before writing either, so that both forms' problems show at once.
        let first = check(w.conn(), input, tz);
        let second = follow_up
            .map(|f| {
                let mut f = f.clone();
                if f.links.is_empty() {
                    f.links = input.links.clone();
                }
                check(w.conn(), &f, tz).map_err(|e| prefix_fields(e, "follow_up"))
            })
            .transpose();
        let (first, second) = match (first, second) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
                a.extend(b);
                return Err(Error::Validation(a));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let id = create_valid(w, first, tz)?;
        let next = second.map(|s| create_valid(w, s, tz)).transpose()?;
        Ok((id, next, w.batch_id().to_owned()))
    })?;
    Ok(Logged {
        activity: get(db.conn(), &id)?,
        follow_up: next.map(|n| get(db.conn(), &n)).transpose()?,
        batch_id,
    })
}

fn prefix_fields(e: Error, prefix: &str) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|f| crate::FieldError::new(format!("{prefix}.{}", f.field), f.message))
                .collect(),
        ),
        other => other,
    }
}

/// Saves an edited activity. For an occurrence of a recurring series, `scope` says whether the
/// change is for this occurrence only or for this and every later one (the series is split:
/// earlier occurrences keep the old rule).
pub fn update(
    db: &mut Db,
    id: &str,
    input: &ActivityInput,
    scope: Scope,
    tz: Tz,
) -> Result<Activity> {
    db.write(|w| update_in(w, id, input, scope, tz))?;
    get(db.conn(), id)
}

fn update_in(w: &Writer<'_>, id: &str, input: &ActivityInput, scope: Scope, tz: Tz) -> Result<()> {
    let old = get(w.conn(), id)?;
    let v = check(w.conn(), input, tz)?;
    let mut fields = v.columns();
    // Done: keep the original time when it stays done.
    let done_at = match (v.done, &old.done_at) {
        (true, Some(at)) => Some(at.clone()),
        (true, None) => Some(w.now().to_owned()),
        (false, _) => None,
    };
    fields.push(("done_at", text(&done_at)));
    fields.extend(reminder_fields(&old, v.remind_at, v.done)?);
    // Whether this save (re)starts a series here: "all future" splits the old one; a one-off
    // that gains a rule starts one.
    let starts_series = match (&old.series_id, scope) {
        (Some(series_id), Scope::Future) => {
            let s = series(w.conn(), series_id)?;
            let occurrence = occurrence_of(w.conn(), id)?;
            end_series(w, &s, occurrence)?;
            // Later stored occurrences belong to the old rule; they go.
            delete_later_occurrences(w, &s.id, occurrence, id)?;
            true
        }
        (Some(_), Scope::This) => false,
        (None, _) => v.repeat.is_some() && v.starts_at.is_some(),
    };
    if starts_series {
        match (&v.repeat, v.starts_at) {
            (Some(rule), Some(start)) => {
                let (new_series, first) = start_series(w, &v, rule, start, tz)?;
                for f in &mut fields {
                    if f.0 == "starts_at" {
                        f.1 = Value::Text(stamp(first));
                    }
                }
                fields.push(("series_id", Value::Text(new_series)));
                fields.push(("occurrence_at", Value::Text(stamp(first))));
            }
            // "All future" without a rule any more: the rest of the series stops here.
            _ => {
                fields.push(("series_id", Value::Null));
                fields.push(("occurrence_at", Value::Null));
            }
        }
    }
    w.update(TABLE, id, &fields)?;
    set_links(w, id, &v.links)?;
    set_participants(w, id, &v.participants)?;
    Ok(())
}

/// The reminder columns after a save: a new or moved reminder time in the future is pending
/// again; done activities remind no more.
fn reminder_fields(
    old: &Activity,
    remind_at: Option<DateTime<Utc>>,
    done: bool,
) -> Result<Vec<(&'static str, Value)>> {
    let new_at = remind_at.map(stamp);
    let state = match (&new_at, done) {
        (None, _) => None,
        (Some(_), true) => Some(ReminderState::Dismissed),
        (Some(at), false) if Some(at) == old.remind_at.as_ref() => {
            old.reminder_state.or(Some(ReminderState::Pending))
        }
        (Some(_), false) => Some(ReminderState::Pending),
    };
    Ok(vec![
        ("remind_at", text(&new_at)),
        (
            "reminder_state",
            text(&state.map(|s| s.as_str().to_owned())),
        ),
    ])
}

fn occurrence_of(conn: &Connection, id: &str) -> Result<DateTime<Utc>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT occurrence_at FROM activities WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    at.as_deref()
        .map(parse_stamp)
        .transpose()?
        .ok_or_else(|| Error::Internal(format!("activity {id} is not part of a series")))
}

fn delete_later_occurrences(
    w: &Writer<'_>,
    series_id: &str,
    after: DateTime<Utc>,
    keep: &str,
) -> Result<()> {
    let ids: Vec<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM activities WHERE series_id = ?1 AND occurrence_at > ?2 AND id <> ?3
               AND done_at IS NULL",
        )?
        .query_map((series_id, stamp(after), keep), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        delete_row(w, &id)?;
    }
    Ok(())
}

/// Marks an activity done. For an occurrence of a recurring series, the next occurrence is
/// stored in the same save and returned.
pub fn complete(db: &mut Db, id: &str) -> Result<Completed> {
    let (next, batch_id) = db.write(|w| {
        let old = get(w.conn(), id)?;
        if old.done_at.is_some() {
            return Ok((None, w.batch_id().to_owned()));
        }
        let mut fields = vec![("done_at", Value::Text(w.now().to_owned()))];
        if old.reminder_state.is_some() {
            fields.push((
                "reminder_state",
                Value::Text(ReminderState::Dismissed.as_str().into()),
            ));
        }
        w.update(TABLE, id, &fields)?;
        emit_completed(w, id)?;
        let next = match &old.series_id {
            Some(series_id) => next_occurrence(w, series_id, occurrence_of(w.conn(), id)?)?,
            None => None,
        };
        Ok((next, w.batch_id().to_owned()))
    })?;
    Ok(Completed {
        activity: get(db.conn(), id)?,
        next: next.map(|n| get(db.conn(), &n)).transpose()?,
        batch_id,
    })
}

/// Opens a done activity again.
pub fn reopen(db: &mut Db, id: &str) -> Result<Activity> {
    db.write(|w| {
        w.update(TABLE, id, &[("done_at", Value::Null)])?;
        Ok(())
    })?;
    get(db.conn(), id)
}

/// Stores the series' occurrence after `after`, unless the series has ended, has no more, or
/// that occurrence is already stored. Returns the new activity's id.
fn next_occurrence(
    w: &Writer<'_>,
    series_id: &str,
    after: DateTime<Utc>,
) -> Result<Option<String>> {
    let s = series(w.conn(), series_id)?;
    if s.ended {
        return Ok(None);
    }
    let Some(at) = recurrence::occurrences(&s.rrule, s.dtstart, s.time_zone, after, None, 1)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let exists: bool = w
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM activities WHERE series_id = ?1 AND occurrence_at = ?2)",
        )?
        .query_row((series_id, stamp(at)), |r| r.get(0))?;
    if exists {
        return Ok(None);
    }
    let t = &s.template;
    let v = Valid {
        kind: t.kind.unwrap_or(ActivityKind::Task),
        subject: t.subject.clone(),
        notes: t.notes.clone(),
        channel: t.channel,
        direction: t.direction,
        outcome: None,
        starts_at: Some(at),
        all_day: s.all_day,
        duration_minutes: t.duration_minutes,
        location: t.location.clone(),
        done: false,
        remind_at: t.remind_before_minutes.map(|m| at - Duration::minutes(m)),
        repeat: None,
        owner_id: t.owner_id.clone(),
        links: existing_links(w.conn(), &t.links)?,
        participants: t.participants.clone(),
    };
    insert_row(w, &v, Some(at), Some((series_id, at))).map(Some)
}

/// The links that still point at existing records (a linked contact may have been deleted).
fn existing_links(conn: &Connection, links: &[RecordRef]) -> Result<Vec<RecordRef>> {
    let mut kept = Vec::new();
    for l in links {
        if record_name(conn, &l.entity, &l.id)?.is_some() {
            kept.push(l.clone());
        }
    }
    Ok(kept)
}

/// Moves an activity to a new start (drag on the calendar, "tomorrow" on the agenda), keeping
/// its duration; its reminder moves by the same amount. With [`Scope::Future`], the series'
/// later occurrences move too (the series is split here, the rule kept).
pub fn reschedule(
    db: &mut Db,
    id: &str,
    starts_at: &str,
    scope: Scope,
    tz: Tz,
) -> Result<Activity> {
    db.write(|w| {
        let old = get(w.conn(), id)?;
        let (new_start, date_only) = time::parse_input("starts_at", starts_at, tz)?;
        let mut fields = vec![("starts_at", Value::Text(stamp(new_start)))];
        if date_only != old.all_day {
            fields.push(("all_day", Value::Integer(i64::from(date_only))));
        }
        if let (Some(remind), Some(start)) = (&old.remind_at, &old.starts_at) {
            let moved = parse_stamp(remind)? + (new_start - parse_stamp(start)?);
            fields.push(("remind_at", Value::Text(stamp(moved))));
            if old.done_at.is_none() {
                fields.push((
                    "reminder_state",
                    Value::Text(ReminderState::Pending.as_str().into()),
                ));
            }
        }
        if let (Some(series_id), Scope::Future) = (&old.series_id, scope) {
            let s = series(w.conn(), series_id)?;
            let occurrence = occurrence_of(w.conn(), id)?;
            end_series(w, &s, occurrence)?;
            delete_later_occurrences(w, &s.id, occurrence, id)?;
            let new_id = crate::new_id();
            let mut template = s.template.clone();
            if let Some((r, st)) = old.remind_at.as_deref().zip(old.starts_at.as_deref()) {
                template.remind_before_minutes =
                    Some((parse_stamp(st)? - parse_stamp(r)?).num_minutes());
            }
            w.insert(
                SERIES,
                &new_id,
                &[
                    // An UNTIL still ends the new part where the old one ended; a COUNT counts again.
                    ("rrule", Value::Text(s.rrule.clone())),
                    (
                        "dtstart",
                        Value::Text(
                            new_start
                                .with_timezone(&s.time_zone)
                                .naive_local()
                                .format("%Y-%m-%dT%H:%M:%S")
                                .to_string(),
                        ),
                    ),
                    ("time_zone", Value::Text(s.time_zone.name().to_owned())),
                    ("all_day", Value::Integer(i64::from(date_only || s.all_day))),
                    ("template", Value::Text(template.json()?)),
                ],
            )?;
            fields.push(("series_id", Value::Text(new_id)));
            fields.push(("occurrence_at", Value::Text(stamp(new_start))));
        }
        w.update(TABLE, id, &fields)?;
        Ok(())
    })?;
    get(db.conn(), id)
}

/// Deletes an activity. For an open occurrence of a series, [`Scope::This`] skips it (the next
/// occurrence is stored) and [`Scope::Future`] stops the series.
pub fn delete(db: &mut Db, id: &str, scope: Scope) -> Result<()> {
    db.write(|w| {
        let old = get(w.conn(), id)?;
        if let Some(series_id) = &old.series_id {
            let occurrence = occurrence_of(w.conn(), id)?;
            match scope {
                Scope::This if old.done_at.is_none() => {
                    next_occurrence(w, series_id, occurrence)?;
                }
                Scope::This => {}
                Scope::Future => {
                    let s = series(w.conn(), series_id)?;
                    end_series(w, &s, occurrence)?;
                    delete_later_occurrences(w, series_id, occurrence, id)?;
                }
            }
        }
        delete_row(w, id)
    })
}

/// Deletes one activity (not the rest of its series) inside a larger write.
pub(crate) fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    delete_row(w, id)
}

fn delete_row(w: &Writer<'_>, id: &str) -> Result<()> {
    set_links(w, id, &[])?;
    set_participants(w, id, &[])?;
    // A sent message keeps its outbox row, no longer naming the e-mail activity.
    crate::store::links::release(w, TABLE, id)?;
    w.delete(TABLE, id)
}

/// Moves every activity linked to `from` over to the records `to`: each is linked to all of
/// them (once, however often it was linked before) and no longer to `from`. Returns how many
/// activities moved. Used when a call-list entry becomes a lead and a lead is converted.
pub(crate) fn relink(w: &Writer<'_>, from: &RecordRef, to: &[RecordRef]) -> Result<usize> {
    let rows: Vec<(String, String)> = w
        .conn()
        .prepare_cached(
            "SELECT id, activity_id FROM activity_links WHERE entity = ?1 AND entity_id = ?2",
        )?
        .query_map((&from.entity, &from.id), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, activity) in &rows {
        w.delete(LINKS, row)?;
        for target in to {
            link_in(w, activity, target)?;
        }
    }
    Ok(rows.len())
}

/// Puts an activity on one more record's timeline (once).
pub(crate) fn link_in(w: &Writer<'_>, activity: &str, target: &RecordRef) -> Result<()> {
    let linked: bool = w
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM activity_links
              WHERE activity_id = ?1 AND entity = ?2 AND entity_id = ?3)",
        )?
        .query_row((activity, &target.entity, &target.id), |r| r.get(0))?;
    if !linked {
        w.insert(
            LINKS,
            &crate::new_id(),
            &[
                ("activity_id", Value::Text(activity.to_owned())),
                ("entity", Value::Text(target.entity.clone())),
                ("entity_id", Value::Text(target.id.clone())),
            ],
        )?;
    }
    Ok(())
}

/// Marks an open activity done now, with a call outcome and notes added to its own.
pub(crate) fn finish_call(
    w: &Writer<'_>,
    id: &str,
    outcome: CallOutcome,
    notes: Option<&str>,
) -> Result<()> {
    let old: Option<String> = w
        .conn()
        .prepare_cached("SELECT notes FROM activities WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let notes = match (old, notes) {
        (Some(old), Some(new)) => Some(format!("{old}\n\n{new}")),
        (old, new) => old.or(new.map(str::to_owned)),
    };
    w.update(
        TABLE,
        id,
        &[
            ("done_at", Value::Text(w.now().to_owned())),
            ("starts_at", Value::Text(w.now().to_owned())),
            ("outcome", Value::Text(outcome.as_str().to_owned())),
            ("notes", text(&notes)),
            ("reminder_state", Value::Null),
            ("remind_at", Value::Null),
        ],
    )?;
    emit_completed(w, id)
}

/// Raises [`Event::ActivityCompleted`] for the activity `id`, just marked done, with the
/// records it is on (a ticket's callback resolves the ticket, an agreement's task logs the
/// delivery: see `crate::wiring`).
fn emit_completed(w: &Writer<'_>, id: &str) -> Result<()> {
    let links = w
        .conn()
        .prepare_cached(
            "SELECT entity, entity_id FROM activity_links WHERE activity_id = ?1
              ORDER BY created_at, id",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    w.emit(&Event::ActivityCompleted {
        id: id.to_owned(),
        links,
    })
}

/// Removes every activity link to a record that is being deleted without `links::release`
/// (a call-list entry; records with a link rule get this from `links::KIND_LINKS`).
pub(crate) fn unlink_record(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    let rows: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM activity_links WHERE entity = ?1 AND entity_id = ?2")?
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        w.delete(LINKS, &row)?;
    }
    Ok(())
}

impl From<&Activity> for ActivityInput {
    /// The activity's values as they would be entered in the edit form.
    fn from(a: &Activity) -> Self {
        ActivityInput {
            kind: Some(a.kind),
            subject: a.subject.clone(),
            notes: a.notes.clone(),
            channel: a.channel,
            direction: a.direction,
            outcome: a.outcome,
            starts_at: a.starts_at.clone(),
            all_day: a.all_day,
            duration_minutes: a.duration_minutes,
            location: a.location.clone(),
            done: a.done_at.is_some(),
            remind_at: a.remind_at.clone(),
            repeat: a.repeat.clone(),
            owner_id: a.owner_id.clone(),
            links: a
                .links
                .iter()
                .map(|l| RecordRef {
                    entity: l.entity.clone(),
                    id: l.id.clone(),
                })
                .collect(),
            participants: a.participants.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::writer::row_filter;

    #[test]
    fn a_link_is_found_by_id_through_the_activity_the_log_names() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = crate::Db::open(dir.path().join("links.db")).unwrap();
        let contact = crate::new_id();
        db.write(|w| {
            w.insert(
                "contacts",
                &contact,
                &[("last_name", Value::Text("Lee".into()))],
            )
        })
        .unwrap();
        let call = create(
            &mut db,
            &ActivityInput {
                subject: "Call".into(),
                links: vec![RecordRef {
                    entity: "contacts".into(),
                    id: contact,
                }],
                ..Default::default()
            },
            Tz::UTC,
        )
        .unwrap()
        .id;
        let link: String = db
            .conn()
            .query_row(
                "SELECT id FROM activity_links WHERE activity_id = ?1",
                [&call],
                |r| r.get(0),
            )
            .unwrap();
        let (filter, keys) = row_filter(db.conn(), "activity_links", &link).unwrap();
        assert_eq!(filter, "activity_id = ?2 AND id = ?1");
        assert_eq!(keys, vec![Value::Text(link), Value::Text(call)]);
        // The key's prefix, not the whole table.
        let plan: String = db
            .conn()
            .query_row(
                &format!("EXPLAIN QUERY PLAN SELECT * FROM activity_links WHERE {filter}"),
                rusqlite::params_from_iter(&keys),
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("PRIMARY KEY (activity_id=?"), "{plan}");
        // Any other table: by its key column.
        assert_eq!(row_filter(db.conn(), "contacts", "x").unwrap().0, "id = ?1");
        assert_eq!(
            row_filter(db.conn(), "settings", "x").unwrap().0,
            "key = ?1"
        );
    }
}
