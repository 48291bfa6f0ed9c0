//! Calendar export: activities as iCalendar (RFC 5545), written by the `icalendar` crate.
//!
//! Meetings, calls and events become `VEVENT`s, tasks `VTODO`s; notes are not exported. A
//! recurring series is one `VEVENT` with its `RRULE`, its start in the series' own time zone
//! (`TZID`), and an override (`RECURRENCE-ID`) for each occurrence moved on its own. Reminders
//! become `VALARM`s. UIDs are the activity or series ids, so importing twice updates rather
//! than duplicates.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use icalendar::{Alarm, Calendar, Component, EventLike, Todo};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{self, Activity, ActivityKind, ActivityQuery, RecordRef};
use crate::kernel::error::Result;
use crate::kernel::recurrence;
use crate::kernel::time::{self, parse_stamp};
use rusqlite::Connection;

/// What to export: one record's activities and/or a date range (everything when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct IcsQuery {
    pub record: Option<RecordRef>,
    /// From this date or time (inclusive; a date is the start of that day in the user's zone).
    pub from: Option<String>,
    /// Up to this date or time (exclusive).
    pub to: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// How many calendar items (events and to-dos) it holds.
    #[ts(type = "number")]
    pub items: u64,
    /// Activities left out, each with the reason (a stored time that cannot be written, such
    /// as a year before 1900 kept from an older version); the rest is exported.
    pub skipped: Vec<String>,
}

/// [`export`] written to `path`: to a temporary file beside it first, then renamed into
/// place, so an existing file is replaced whole or not at all.
pub fn export_to(
    conn: &Connection,
    query: &IcsQuery,
    tz: Tz,
    path: impl AsRef<std::path::Path>,
) -> Result<ExportReport> {
    let path = path.as_ref();
    let (text, skipped) = build(conn, query, tz)?;
    let items = text
        .lines()
        .filter(|l| *l == "BEGIN:VEVENT" || *l == "BEGIN:VTODO")
        .count() as u64;
    crate::kernel::files::write_atomically(path, text.as_bytes())?;
    Ok(ExportReport {
        path: path.display().to_string(),
        bytes: text.len() as u64,
        items,
        skipped,
    })
}

const UID_DOMAIN: &str = "@rapport.local";

/// The selected activities as an `.ics` document. `tz` is the zone dates without a time are read
/// in, and the zone of all-day items.
pub fn export(conn: &Connection, query: &IcsQuery, tz: Tz) -> Result<String> {
    Ok(build(conn, query, tz)?.0)
}

/// A stored time of `a` that cannot go into a calendar: unreadable, or outside the years
/// [`time::in_range`] accepts (older versions let year 0 or 9999 through).
fn unwritable(a: &Activity) -> Option<String> {
    [
        a.starts_at.as_deref(),
        a.done_at.as_deref(),
        a.remind_at.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find(|t| !parse_stamp(t).is_ok_and(|at| time::in_range(at.date_naive())))
    .map(str::to_owned)
}

fn skipped(a: &Activity, why: &str) -> String {
    format!("\"{}\" ({}) was left out: {why}", a.subject, a.id)
}

/// The calendar and what was left out of it.
fn build(conn: &Connection, query: &IcsQuery, tz: Tz) -> Result<(String, Vec<String>)> {
    let from = query
        .from
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| time::parse_input("from", f, tz).map(|t| t.0))
        .transpose()?;
    let to = query
        .to
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| time::parse_input("to", f, tz).map(|t| t.0))
        .transpose()?;
    let rows = activity::list(
        conn,
        &ActivityQuery {
            record: query.record.clone(),
            from: from.map(time::stamp),
            to: to.map(time::stamp),
            limit: Some(5000),
            ..Default::default()
        },
    )?;
    let mut calendar = Calendar::empty();
    calendar.append_property(icalendar::Property::new("VERSION", "2.0"));
    calendar.append_property(icalendar::Property::new(
        "PRODID",
        "-//Rapport//Rapport CRM//EN",
    ));
    calendar.append_property(icalendar::Property::new("CALSCALE", "GREGORIAN"));
    calendar.name("Rapport");
    let mut series_done: BTreeSet<String> = BTreeSet::new();
    let mut left_out = Vec::new();
    for a in rows.iter().rev() {
        if a.kind == ActivityKind::Note || a.starts_at.is_none() {
            continue;
        }
        if let Some(bad) = unwritable(a) {
            left_out.push(skipped(
                a,
                &format!(
                    "its stored time {bad} is not a date between {} and {}",
                    time::FIRST_YEAR,
                    time::LAST_YEAR
                ),
            ));
            continue;
        }
        let added = match &a.series_id {
            Some(series_id) => {
                if series_done.insert(series_id.clone()) {
                    add_series(conn, &mut calendar, series_id, tz)
                } else {
                    Ok(())
                }
            }
            None => add_single(&mut calendar, a, tz),
        };
        if let Err(e) = added {
            left_out.push(skipped(a, &e.to_string()));
        }
    }
    // Series whose stored occurrences fall outside the range but whose rule reaches into it.
    if from.is_some() || to.is_some() {
        let ids: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM activity_series WHERE ended_at IS NULL ORDER BY created_at",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            if series_done.contains(&id)
                || !series_touches(conn, &id, query.record.as_ref(), from, to)?
            {
                continue;
            }
            series_done.insert(id.clone());
            if let Err(e) = add_series(conn, &mut calendar, &id, tz) {
                left_out.push(format!("the recurring series {id} was left out: {e}"));
            }
        }
    }
    Ok((calendar.done().to_string(), left_out))
}

fn uid(id: &str) -> String {
    format!("{id}{UID_DOMAIN}")
}

fn describe(component: &mut impl Component, a: &Activity) {
    component.summary(&a.subject);
    let mut text = a.notes.clone().unwrap_or_default();
    if !a.links.is_empty() {
        let with: Vec<&str> = a.links.iter().map(|l| l.name.as_str()).collect();
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("With: {}", with.join(", ")));
    }
    if !text.is_empty() {
        component.description(&text);
    }
    component.add_property(
        "CATEGORIES",
        a.kind.as_str().to_uppercase().replace('_', "-"),
    );
    if let Ok(created) = parse_stamp(&a.created_at) {
        component.created(created);
    }
    if let Ok(modified) = parse_stamp(&a.updated_at) {
        component.last_modified(modified);
    }
}

fn alarm(a: &Activity, start: DateTime<Utc>) -> Option<Alarm> {
    let remind = parse_stamp(a.remind_at.as_deref()?).ok()?;
    if a.reminder_state == Some(activity::ReminderState::Dismissed) {
        return None;
    }
    Some(Alarm::display(&a.subject, remind - start))
}

fn add_single(calendar: &mut Calendar, a: &Activity, tz: Tz) -> Result<()> {
    let Some(start) = a.starts_at.as_deref().map(parse_stamp).transpose()? else {
        return Ok(());
    };
    if a.kind == ActivityKind::Task {
        let mut todo = Todo::new();
        todo.uid(&uid(&a.id));
        describe(&mut todo, a);
        if a.all_day {
            todo.due(time::local_date(tz, start));
        } else {
            todo.due(start);
        }
        if let Some(done) = a.done_at.as_deref().map(parse_stamp).transpose()? {
            todo.completed(done);
            todo.status(icalendar::TodoStatus::Completed);
        }
        if let Some(alarm) = alarm(a, start) {
            todo.alarm(alarm);
        }
        calendar.push(todo.done());
        return Ok(());
    }
    let mut event = icalendar::Event::new();
    event.uid(&uid(&a.id));
    describe(&mut event, a);
    timing(&mut event, a, start, tz, None);
    if let Some(alarm) = alarm(a, start) {
        event.alarm(alarm);
    }
    calendar.push(event.done());
    Ok(())
}

/// DTSTART/DTEND (or an all-day date), in `zone` (a series' own zone) or UTC.
fn timing(
    event: &mut icalendar::Event,
    a: &Activity,
    start: DateTime<Utc>,
    tz: Tz,
    zone: Option<Tz>,
) {
    if a.all_day {
        let day = time::local_date(zone.unwrap_or(tz), start);
        event.all_day(day);
        return;
    }
    let end = start + Duration::minutes(a.duration_minutes.unwrap_or(0));
    match zone {
        Some(z) => {
            event.starts((start.with_timezone(&z).naive_local(), z));
            if a.duration_minutes.is_some() {
                event.ends((end.with_timezone(&z).naive_local(), z));
            }
        }
        None => {
            event.starts(start);
            if a.duration_minutes.is_some() {
                event.ends(end);
            }
        }
    }
}

fn add_series(conn: &Connection, calendar: &mut Calendar, series_id: &str, tz: Tz) -> Result<()> {
    let series = activity::series(conn, series_id)?;
    let (rule, dtstart, zone) = (series.rrule, series.dtstart, series.time_zone);
    let first_at = time::from_local(zone, dtstart);
    let first = recurrence::first_from(&rule, dtstart, zone, first_at)?.unwrap_or(first_at);
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT id, occurrence_at FROM activities WHERE series_id = ?1 ORDER BY occurrence_at",
        )?
        .query_map([series_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let occurrences: Vec<(Activity, DateTime<Utc>)> = rows
        .iter()
        .map(|(id, at)| Ok((activity::get(conn, id)?, parse_stamp(at)?)))
        .collect::<Result<_>>()?;
    // The master takes its details from the newest stored occurrence (the series as it is now).
    let Some((newest, _)) = occurrences.last() else {
        return Ok(());
    };
    let mut master = icalendar::Event::new();
    master.uid(&uid(series_id));
    describe(&mut master, newest);
    timing(&mut master, newest, first, tz, Some(zone));
    master.add_property("RRULE", &rule);
    if let Some(before) = newest
        .remind_at
        .as_deref()
        .zip(newest.starts_at.as_deref())
        .map(|(r, s)| Ok::<_, crate::Error>(parse_stamp(s)? - parse_stamp(r)?))
        .transpose()?
    {
        master.alarm(Alarm::display(&newest.subject, -before));
    }
    calendar.push(master.done());
    // Occurrences moved on their own keep their place in the rule through RECURRENCE-ID.
    for (a, occurrence) in &occurrences {
        let start = a.starts_at.as_deref().map(parse_stamp).transpose()?;
        if start == Some(*occurrence) && a.subject == newest.subject {
            continue;
        }
        let mut moved = icalendar::Event::new();
        moved.uid(&uid(series_id));
        describe(&mut moved, a);
        if a.all_day {
            moved.recurrence_id(time::local_date(zone, *occurrence));
        } else {
            moved.recurrence_id((occurrence.with_timezone(&zone).naive_local(), zone));
        }
        timing(&mut moved, a, start.unwrap_or(*occurrence), tz, Some(zone));
        calendar.push(moved.done());
    }
    Ok(())
}

fn series_touches(
    conn: &Connection,
    series_id: &str,
    record: Option<&RecordRef>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<bool> {
    if let Some(record) = record {
        let (cond, params) = activity::linked_to(record);
        let sql =
            format!("SELECT EXISTS (SELECT 1 FROM activities a WHERE a.series_id = ? AND {cond})");
        let mut values = vec![rusqlite::types::Value::Text(series_id.to_owned())];
        values.extend(params);
        let linked: bool = conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |r| r.get(0))?;
        if !linked {
            return Ok(false);
        }
    }
    let s = activity::series(conn, series_id)?;
    let after = from.unwrap_or(DateTime::<Utc>::MIN_UTC + Duration::days(1)) - Duration::seconds(1);
    Ok(!recurrence::occurrences(&s.rrule, s.dtstart, s.time_zone, after, to, 1)?.is_empty())
}
