//! Service level agreements: the time allowed for a first response and for a resolution, per
//! ticket priority (and optionally per account tier), and the clock that counts a ticket's
//! business time against them.
//!
//! A clock runs while its ticket is new or open, pauses while it waits on the customer and
//! stops while it is resolved or closed; only business hours ([`crate::service::hours`]) count. The
//! clock is worked out again from the ticket's status history on every change, so pauses,
//! reopenings, a new priority or new working hours all give exact figures.

use chrono::{DateTime, Duration, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::service::hours::Calendar;
use crate::service::tickets::TicketPriority;
use crate::store::db::Db;

const TABLE: &str = "sla_policies";

/// Targets for one priority, for every account or for one tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaPolicy {
    pub id: String,
    /// `null`: every account; else accounts tagged with this name.
    pub tier: Option<String>,
    pub priority: TicketPriority,
    /// Business minutes allowed before the first reply.
    #[ts(type = "number")]
    pub first_response_minutes: i64,
    /// Business minutes allowed before the ticket is resolved.
    #[ts(type = "number")]
    pub resolution_minutes: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SlaPolicyInput {
    pub tier: Option<String>,
    pub priority: Option<TicketPriority>,
    #[ts(type = "number")]
    pub first_response_minutes: i64,
    #[ts(type = "number")]
    pub resolution_minutes: i64,
}

/// The policies a new database starts with: (priority, first response, resolution) in
/// business minutes; a working day is eight hours.
pub const DEFAULTS: &[(TicketPriority, i64, i64)] = &[
    (TicketPriority::Urgent, 60, 4 * 60),
    (TicketPriority::High, 4 * 60, 8 * 60),
    (TicketPriority::Normal, 8 * 60, 3 * 8 * 60),
    (TicketPriority::Low, 2 * 8 * 60, 5 * 8 * 60),
];

/// Seeds [`DEFAULTS`] (migration 7, in its transaction).
pub(crate) fn seed(conn: &Connection) -> rusqlite::Result<()> {
    let now = crate::kernel::time::now();
    for (priority, first, resolution) in DEFAULTS {
        conn.execute(
            "INSERT INTO sla_policies (id, tier, priority, first_response_minutes, resolution_minutes, created_at, updated_at)
             VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?5)",
            (crate::new_id(), priority.as_str(), first, resolution, &now),
        )?;
    }
    Ok(())
}

/// Every policy: tierless ones first, then by tier, each by priority (urgent first).
pub fn policies(conn: &Connection) -> Result<Vec<SlaPolicy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, tier, priority, first_response_minutes, resolution_minutes FROM sla_policies
          ORDER BY tier IS NOT NULL, tier COLLATE NOCASE,
                   CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SlaPolicy {
            id: r.get("id")?,
            tier: r.get("tier")?,
            priority: TicketPriority::parse(&r.get::<_, String>("priority")?)
                .unwrap_or(TicketPriority::Normal),
            first_response_minutes: r.get("first_response_minutes")?,
            resolution_minutes: r.get("resolution_minutes")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets the targets for a priority (and tier), replacing any there were; the clocks of
/// unresolved tickets are counted again.
pub fn save_policy(db: &mut Db, input: &SlaPolicyInput) -> Result<Vec<SlaPolicy>> {
    let mut c = Checker::default();
    let tier = c.text("tier", &input.tier, SHORT_TEXT_MAX);
    let priority = input.priority.unwrap_or_else(|| {
        c.fail(
            "priority",
            format!("is needed: {}", TicketPriority::names()),
        );
        TicketPriority::Normal
    });
    const YEAR: i64 = 366 * 24 * 60;
    if !(1..=YEAR).contains(&input.first_response_minutes) {
        c.fail(
            "first_response_minutes",
            "should be at least one minute and at most a year",
        );
    }
    if !(1..=YEAR).contains(&input.resolution_minutes) {
        c.fail(
            "resolution_minutes",
            "should be at least one minute and at most a year",
        );
    }
    if input.resolution_minutes < input.first_response_minutes {
        c.fail(
            "resolution_minutes",
            "is shorter than the first response time; a ticket cannot be resolved before it is answered",
        );
    }
    c.finish()?;
    db.write(|w| {
        let existing: Option<String> = w
            .conn()
            .prepare_cached(
                "SELECT id FROM sla_policies WHERE ifnull(tier, '') = ifnull(?1, '') COLLATE NOCASE AND priority = ?2",
            )?
            .query_row((&tier, priority.as_str()), |r| r.get(0))
            .optional()?;
        let fields = [
            (
                "first_response_minutes",
                Value::Integer(input.first_response_minutes),
            ),
            ("resolution_minutes", Value::Integer(input.resolution_minutes)),
        ];
        match existing {
            Some(id) => {
                w.update(TABLE, &id, &fields)?;
            }
            None => {
                let mut all = vec![
                    ("tier", crate::store::writer::text(&tier)),
                    ("priority", Value::Text(priority.as_str().to_owned())),
                ];
                all.extend(fields);
                w.insert(TABLE, &crate::new_id(), &all)?;
            }
        }
        crate::service::tickets::recount_open(w)
    })?;
    policies(db.conn())
}

/// Removes a policy; tickets it covered fall back to the tierless one, or have no SLA.
pub fn remove_policy(db: &mut Db, id: &str) -> Result<Vec<SlaPolicy>> {
    db.write(|w| {
        let exists: bool = w
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sla_policies WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?;
        if !exists {
            return Err(Error::not_found("SLA policy", id));
        }
        w.delete(TABLE, id)?;
        crate::service::tickets::recount_open(w)
    })?;
    policies(db.conn())
}

/// The targets (first response, resolution; minutes) for a ticket of `priority` on
/// `account_id`: a policy for a tier the account is tagged with, else the tierless one.
pub(crate) fn targets(
    conn: &Connection,
    account_id: Option<&str>,
    priority: TicketPriority,
) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.first_response_minutes, p.resolution_minutes FROM sla_policies p
              WHERE p.priority = ?2
                AND (p.tier IS NULL OR EXISTS (
                     SELECT 1 FROM taggings g JOIN tags t ON t.id = g.tag_id
                      WHERE g.entity = 'accounts' AND g.entity_id = ?1
                        AND t.name = p.tier COLLATE NOCASE))
              ORDER BY p.tier IS NULL LIMIT 1",
        )?
        .query_row((account_id, priority.as_str()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// A stretch of time during which a clock runs; `None` as the end: still running.
pub type Running = (DateTime<Utc>, Option<DateTime<Utc>>);

/// Where one clock stands, as stored on the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// When the target falls due, while the clock runs.
    pub due_at: Option<DateTime<Utc>>,
    /// When the warning share of the target is reached, while the clock runs.
    pub warn_at: Option<DateTime<Utc>>,
    /// Business seconds left at `now` (negative when over).
    pub left_seconds: i64,
    pub met_at: Option<DateTime<Utc>>,
    /// When the target was passed, if it was by `now`.
    pub breached_at: Option<DateTime<Utc>>,
}

/// The instant the running time reaches `seconds`, if it does.
fn reaching(cal: &Calendar, running: &[Running], seconds: i64) -> Option<DateTime<Utc>> {
    let mut used = 0;
    for (start, end) in running {
        match end {
            Some(end) => {
                let length = cal.seconds_between(*start, *end);
                if used + length >= seconds && length > 0 {
                    return cal.add(*start, seconds - used);
                }
                used += length;
            }
            None => return cal.add(*start, seconds - used),
        }
    }
    None
}

/// Counts one clock: `running` stretches (oldest first), stopped for good at `met_at` when
/// given, against `target_minutes`, as of `now`.
pub fn count(
    cal: &Calendar,
    running: &[Running],
    target_minutes: i64,
    met_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Figures {
    let stop = met_at.unwrap_or(now).min(now);
    let clipped: Vec<Running> = running
        .iter()
        .filter(|(start, _)| *start < stop || (met_at.is_none() && *start <= now))
        .map(|(start, end)| match (end, met_at) {
            (Some(end), Some(met)) => (*start, Some((*end).min(met))),
            (None, Some(met)) => (*start, Some(met)),
            (end, None) => (*start, *end),
        })
        .collect();
    let target = target_minutes * 60;
    let used: i64 = clipped
        .iter()
        .map(|(start, end)| cal.seconds_between(*start, end.unwrap_or(now).min(now)))
        .sum();
    let runs = met_at.is_none() && clipped.last().is_some_and(|(_, end)| end.is_none());
    let due = reaching(cal, &clipped, target);
    let breached_at = due.filter(|d| *d <= stop);
    let warn_share = i64::from(cal.warn_percent());
    Figures {
        due_at: if runs { due } else { None },
        warn_at: if runs {
            reaching(cal, &clipped, target * warn_share / 100)
        } else {
            None
        },
        left_seconds: target - used,
        met_at,
        breached_at,
    }
}

/// The running stretches of a ticket from its status history (status, entered), oldest
/// first: time counts while it is new or open.
pub fn running_from(history: &[(String, DateTime<Utc>)]) -> Vec<Running> {
    let mut out: Vec<Running> = Vec::new();
    let mut open_since: Option<DateTime<Utc>> = None;
    for (status, at) in history {
        let runs = status == "new" || status == "open";
        match (runs, open_since) {
            (true, None) => open_since = Some(*at),
            (false, Some(since)) => {
                out.push((since, Some(*at)));
                open_since = None;
            }
            _ => {}
        }
    }
    if let Some(since) = open_since {
        out.push((since, None));
    }
    out
}

/// Business seconds from `now` to `due` (negative when `due` has passed).
pub fn left_until(cal: &Calendar, now: DateTime<Utc>, due: DateTime<Utc>) -> i64 {
    if due >= now {
        cal.seconds_between(now, due)
    } else {
        -cal.seconds_between(due, now)
    }
}

/// A duration typed by a person: `90`, `90m`, `4h`, `1h30m`, as minutes.
pub fn parse_minutes(field: &str, text: &str) -> Result<i64> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let bad = || {
        Error::invalid(
            field,
            format!("\"{text}\" is not a duration such as 45m, 4h or 1h30m"),
        )
    };
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let part = match ch {
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            _ => return Err(bad()),
        }
        .ok_or_else(bad)?;
        total = total.checked_add(&part).ok_or_else(bad)?;
    }
    if !number.is_empty() || total.is_zero() {
        return Err(bad());
    }
    Ok(total.num_minutes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::NaiveDate;

    use super::*;
    use crate::service::hours::WorkingHours;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc_calendar(holidays: &[&str]) -> Calendar {
        let hours = WorkingHours {
            time_zone: Some("UTC".into()),
            ..WorkingHours::default()
        };
        Calendar::new(
            &hours,
            holidays
                .iter()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
        )
        .unwrap()
    }

    #[test]
    fn waiting_on_the_customer_pauses_the_clock() {
        let cal = utc_calendar(&[]);
        // Opened Monday 09:00, waiting from 10:00 to Tuesday 09:00, open again since.
        let history = vec![
            ("new".to_owned(), at("2026-11-30T09:00:00Z")),
            ("waiting".to_owned(), at("2026-11-30T10:00:00Z")),
            ("open".to_owned(), at("2026-12-01T09:00:00Z")),
        ];
        let running = running_from(&history);
        assert_eq!(running.len(), 2);
        // Resolution target 4 h: one hour used Monday, three more from Tuesday 09:00.
        let f = count(&cal, &running, 240, None, at("2026-12-01T10:00:00Z"));
        assert_eq!(f.due_at, Some(at("2026-12-01T12:00:00Z")));
        assert_eq!(f.left_seconds, 2 * 3600);
        assert_eq!(f.breached_at, None);
        // 75% of 4 h = 3 h: reached at Tuesday 11:00.
        assert_eq!(f.warn_at, Some(at("2026-12-01T11:00:00Z")));
        // Later the same day it is breached, and the breach is dated when it happened.
        let f = count(&cal, &running, 240, None, at("2026-12-01T15:00:00Z"));
        assert_eq!(f.breached_at, Some(at("2026-12-01T12:00:00Z")));
        assert_eq!(f.left_seconds, -3 * 3600);
    }

    #[test]
    fn a_paused_clock_keeps_its_time_left_and_has_no_due_time() {
        let cal = utc_calendar(&[]);
        let history = vec![
            ("new".to_owned(), at("2026-11-30T09:00:00Z")),
            ("waiting".to_owned(), at("2026-11-30T11:00:00Z")),
        ];
        let f = count(
            &cal,
            &running_from(&history),
            240,
            None,
            at("2026-12-04T16:00:00Z"),
        );
        assert_eq!(f.due_at, None);
        assert_eq!(f.warn_at, None);
        assert_eq!(f.left_seconds, 2 * 3600);
        assert_eq!(f.breached_at, None);
    }

    #[test]
    fn a_met_target_stops_the_clock_on_time_or_late() {
        let cal = utc_calendar(&[]);
        let history = vec![("new".to_owned(), at("2026-11-30T09:00:00Z"))];
        let running = running_from(&history);
        let on_time = count(
            &cal,
            &running,
            60,
            Some(at("2026-11-30T09:30:00Z")),
            at("2026-12-10T09:00:00Z"),
        );
        assert_eq!(on_time.left_seconds, 30 * 60);
        assert_eq!(on_time.breached_at, None);
        assert_eq!(on_time.due_at, None);
        let late = count(
            &cal,
            &running,
            60,
            Some(at("2026-11-30T11:00:00Z")),
            at("2026-12-10T09:00:00Z"),
        );
        assert_eq!(late.breached_at, Some(at("2026-11-30T10:00:00Z")));
        assert_eq!(late.left_seconds, -3600);
    }

    #[test]
    fn a_ticket_opened_late_on_a_friday_before_a_holiday_falls_due_after_it() {
        // Monday 2026-12-28 is a holiday; the ticket comes in on Friday the 25th at 16:30.
        let cal = utc_calendar(&["2026-12-28"]);
        let history = vec![("new".to_owned(), at("2026-12-25T16:30:00Z"))];
        let running = running_from(&history);
        let f = count(&cal, &running, 60, None, at("2026-12-28T12:00:00Z"));
        // 30 minutes on Friday, none over the weekend and the holiday, 30 on Tuesday.
        assert_eq!(f.due_at, Some(at("2026-12-29T09:30:00Z")));
        assert_eq!(f.left_seconds, 30 * 60);
        assert_eq!(f.breached_at, None);
    }

    #[test]
    fn durations_read_as_minutes() {
        assert_eq!(parse_minutes("t", "90").unwrap(), 90);
        assert_eq!(parse_minutes("t", "4h").unwrap(), 240);
        assert_eq!(parse_minutes("t", "1h30m").unwrap(), 90);
        assert!(parse_minutes("t", "2 days").is_err());
        assert!(parse_minutes("t", "h").is_err());
        assert!(
            parse_minutes("t", "9999999999999h").is_err(),
            "too large, not a crash"
        );
    }
}
