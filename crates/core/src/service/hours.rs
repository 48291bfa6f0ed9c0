//! Business hours: the working week (one window per weekday, in one time zone) and the
//! holidays, and the arithmetic SLA clocks count with: business seconds between two instants,
//! and the instant a number of business seconds after another.
//!
//! Windows are wall-clock times in the calendar's zone, turned into instants day by day, so a
//! daylight-saving change moves them with the clock on the wall: 09:00–17:00 stays 09:00–17:00.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

const KEY: &str = "service.hours";
const HOLIDAYS: &str = "holidays";
/// How far ahead a due instant is looked for before the calendar is declared empty: the
/// longest target (a year of minutes) needs about 4.2 years on an 8-hour, 5-day week.
const HORIZON_DAYS: i64 = 6 * 366;

/// One weekday's working window; `open: false` for a day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayHours {
    pub open: bool,
    /// `HH:MM`, local.
    pub start: String,
    /// `HH:MM`, local; `24:00` for midnight at the end of the day.
    pub end: String,
}

/// The working week, stored in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct WorkingHours {
    /// An IANA zone (`Europe/Paris`); empty or absent: the computer's zone.
    pub time_zone: Option<String>,
    /// Monday first, seven days.
    pub days: Vec<DayHours>,
    /// The share of an SLA target (percent) after which a ticket is "breaching soon".
    pub warn_percent: u8,
}

impl Default for WorkingHours {
    fn default() -> Self {
        let day = |open| DayHours {
            open,
            start: "09:00".into(),
            end: "17:00".into(),
        };
        WorkingHours {
            time_zone: None,
            days: vec![
                day(true),
                day(true),
                day(true),
                day(true),
                day(true),
                day(false),
                day(false),
            ],
            warn_percent: 75,
        }
    }
}

/// A day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Holiday {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub name: String,
}

/// The working week and holidays, ready for arithmetic.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    /// Monday first: the window's start and its length.
    windows: [Option<(NaiveTime, Duration)>; 7],
    holidays: BTreeSet<NaiveDate>,
    warn_percent: u8,
}

fn parse_clock(text: &str) -> Option<(NaiveTime, bool)> {
    let t = text.trim();
    if t == "24:00" {
        return Some((NaiveTime::MIN, true));
    }
    NaiveTime::parse_from_str(t, "%H:%M")
        .ok()
        .map(|time| (time, false))
}

impl Calendar {
    /// Builds a calendar, checking every field; errors name the weekday.
    pub fn new(
        hours: &WorkingHours,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self> {
        let mut c = Checker::default();
        let tz = match hours
            .time_zone
            .as_deref()
            .map(str::trim)
            .filter(|z| !z.is_empty())
        {
            Some(name) => match crate::kernel::time::zone("time_zone", name) {
                Ok(tz) => tz,
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    Tz::UTC
                }
            },
            None => crate::kernel::time::local_zone(),
        };
        if hours.days.len() != 7 {
            c.fail("days", "should list the seven weekdays, Monday first");
        }
        if !(1..=100).contains(&hours.warn_percent) {
            c.fail("warn_percent", "should be between 1 and 100");
        }
        let mut windows = [None; 7];
        for (i, day) in hours.days.iter().take(7).enumerate() {
            if !day.open {
                continue;
            }
            let name = WEEKDAYS[i];
            let field = format!("days.{name}");
            match (parse_clock(&day.start), parse_clock(&day.end)) {
                (Some((start, false)), Some((end, end_of_day))) => {
                    let length = if end_of_day {
                        Duration::days(1) - (start - NaiveTime::MIN)
                    } else {
                        end - start
                    };
                    if length <= Duration::zero() {
                        c.fail(
                            &field,
                            format!("{name} ends ({}) before it starts ({})", day.end, day.start),
                        );
                    } else {
                        windows[i] = Some((start, length));
                    }
                }
                _ => c.fail(
                    &field,
                    format!(
                        "{name}: \"{}\"–\"{}\" are not times such as 09:00 and 17:30",
                        day.start, day.end
                    ),
                ),
            }
        }
        c.finish()?;
        Ok(Calendar {
            tz,
            windows,
            holidays: holidays.into_iter().collect(),
            warn_percent: hours.warn_percent,
        })
    }

    pub fn zone(&self) -> Tz {
        self.tz
    }

    pub fn warn_percent(&self) -> u8 {
        self.warn_percent
    }

    /// Whether any time at all is worked.
    pub fn works(&self) -> bool {
        self.windows.iter().any(Option::is_some)
    }

    /// The working window of a local date, as instants; `None` on days off and holidays.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return None;
        }
        let (start, length) = self.windows[date.weekday().num_days_from_monday() as usize]?;
        let local_start = date.and_time(start);
        let from = crate::kernel::time::from_local(self.tz, local_start);
        let to = crate::kernel::time::from_local(self.tz, local_start + length);
        (to > from).then_some((from, to))
    }

    /// Business seconds from `from` to `to` (zero when `to` is not later).
    pub fn seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut date = crate::kernel::time::local_date(self.tz, from) - Duration::days(1);
        let last = crate::kernel::time::local_date(self.tz, to);
        // Summed exactly, rounded once: a window's fraction of a second is not lost.
        let mut total = Duration::zero();
        while date <= last {
            if let Some((start, end)) = self.window(date) {
                let a = start.max(from);
                let b = end.min(to);
                if b > a {
                    total += b - a;
                }
            }
            date += Duration::days(1);
        }
        total.num_seconds()
    }

    /// The instant `seconds` business seconds after `from`: an instant inside a window, or a
    /// window's end when the count runs out exactly there. `None` when the calendar has no
    /// working time within three years.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        // Counted exactly: a count running over midnight from 23:08:27.9 ends at 00:08:27.9.
        let mut left = Duration::seconds(seconds.max(0));
        let mut date = crate::kernel::time::local_date(self.tz, from) - Duration::days(1);
        let stop = date + Duration::days(HORIZON_DAYS);
        while date <= stop {
            if let Some((start, end)) = self.window(date) {
                let a = start.max(from);
                if end > a {
                    let available = end - a;
                    if left <= available {
                        return Some(a + left);
                    }
                    left -= available;
                }
            }
            date += Duration::days(1);
        }
        None
    }
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The working week as stored (the default, Monday to Friday 09:00–17:00, until changed).
pub fn working_hours(conn: &Connection) -> Result<WorkingHours> {
    Ok(crate::store::settings::get(conn, KEY)?.unwrap_or_default())
}

/// The holidays, by date.
pub fn holidays(conn: &Connection) -> Result<Vec<Holiday>> {
    let mut stmt = conn.prepare_cached("SELECT id, day, name FROM holidays ORDER BY day")?;
    let rows = stmt.query_map([], |r| {
        Ok(Holiday {
            id: r.get(0)?,
            day: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The calendar SLA clocks count with.
pub fn calendar(conn: &Connection) -> Result<Calendar> {
    let days = holidays(conn)?
        .into_iter()
        .filter_map(|h| NaiveDate::parse_from_str(&h.day, "%Y-%m-%d").ok());
    Calendar::new(&working_hours(conn)?, days)
}

/// Saves the working week; the SLA clocks of unresolved tickets are counted again.
pub fn set_working_hours(db: &mut Db, hours: &WorkingHours) -> Result<WorkingHours> {
    let calendar = Calendar::new(hours, [])?;
    if !calendar.works() {
        return Err(Error::invalid(
            "days",
            "at least one weekday needs working hours, or no SLA could ever fall due",
        ));
    }
    db.write(|w| {
        crate::store::settings::set(w, KEY, hours)?;
        crate::service::tickets::recount_open(w)
    })?;
    working_hours(db.conn())
}

/// Adds a day off (or renames the one on that date).
pub fn add_holiday(db: &mut Db, day: &str, name: &str) -> Result<Vec<Holiday>> {
    let mut c = Checker::default();
    let date = match crate::kernel::time::parse_date("day", day) {
        Ok(d) => Some(d),
        Err(e) => {
            c.absorb(e);
            None
        }
    };
    let name = c.required("name", name, SHORT_TEXT_MAX);
    c.finish()?;
    let day = date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    db.write(|w| {
        let existing: Option<String> = w
            .conn()
            .prepare_cached("SELECT id FROM holidays WHERE day = ?1")?
            .query_row([&day], |r| r.get(0))
            .ok();
        match existing {
            Some(id) => {
                w.update(HOLIDAYS, &id, &[("name", Value::Text(name.clone()))])?;
            }
            None => w.insert(
                HOLIDAYS,
                &crate::new_id(),
                &[
                    ("day", Value::Text(day.clone())),
                    ("name", Value::Text(name.clone())),
                ],
            )?,
        }
        crate::service::tickets::recount_open(w)
    })?;
    holidays(db.conn())
}

/// Removes a day off by its date or id.
pub fn remove_holiday(db: &mut Db, day_or_id: &str) -> Result<Vec<Holiday>> {
    let key = day_or_id.trim();
    db.write(|w| {
        let id: String = w
            .conn()
            .prepare_cached("SELECT id FROM holidays WHERE day = ?1 OR id = ?1")?
            .query_row([key], |r| r.get(0))
            .map_err(|_| Error::invalid("day", format!("no holiday on {key}")))?;
        w.delete(HOLIDAYS, &id)?;
        crate::service::tickets::recount_open(w)
    })?;
    holidays(db.conn())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn paris(holidays: &[&str]) -> Calendar {
        let hours = WorkingHours {
            time_zone: Some("Europe/Paris".into()),
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
    fn a_count_keeps_its_fraction_of_a_second_across_a_window_end() {
        let cal = paris(&[]);
        // Friday 16:59:30.250 Paris: 29.75 s that day, the rest from Monday 09:00.
        let due = cal.add(at("2026-11-27T15:59:30.250Z"), 60).unwrap();
        assert_eq!(due, at("2026-11-30T08:00:30.250Z"));
    }

    #[test]
    fn a_friday_evening_ticket_is_counted_from_monday_morning() {
        let cal = paris(&[]);
        // Friday 2026-11-27 16:30 Paris (15:30 UTC): 30 minutes left that day.
        let due = cal.add(at("2026-11-27T15:30:00Z"), 4 * 3600).unwrap();
        // 30 min on Friday, 3 h 30 on Monday from 09:00 Paris (08:00 UTC).
        assert_eq!(due, at("2026-11-30T11:30:00Z"));
        assert_eq!(
            cal.seconds_between(at("2026-11-27T15:30:00Z"), due),
            4 * 3600
        );
        // Nothing is counted over the weekend.
        assert_eq!(
            cal.seconds_between(at("2026-11-28T00:00:00Z"), at("2026-11-30T08:00:00Z")),
            0
        );
    }

    #[test]
    fn a_friday_ticket_before_a_holiday_monday_waits_for_tuesday() {
        let cal = paris(&["2026-12-28"]);
        // Friday 2026-12-25 is a normal working day here; 16:45 Paris leaves 15 minutes.
        let due = cal.add(at("2026-12-25T15:45:00Z"), 3600).unwrap();
        // Monday the 28th is a holiday: the other 45 minutes run on Tuesday from 09:00.
        assert_eq!(due, at("2026-12-29T08:45:00Z"));
    }

    #[test]
    fn windows_follow_the_wall_clock_across_daylight_saving_changes() {
        let cal = paris(&[]);
        // Friday 2026-03-27 is on winter time (UTC+1), Monday the 30th on summer time (UTC+2).
        let due = cal.add(at("2026-03-27T15:00:00Z"), 2 * 3600).unwrap();
        // One hour on Friday (16:00–17:00), one on Monday 09:00–10:00 Paris = 07:00–08:00 UTC.
        assert_eq!(due, at("2026-03-30T08:00:00Z"));
        assert_eq!(
            cal.seconds_between(at("2026-03-27T15:00:00Z"), at("2026-03-30T08:00:00Z")),
            2 * 3600
        );
        // Autumn: Friday 2026-10-23 is UTC+2, Monday the 26th UTC+1.
        let due = cal.add(at("2026-10-23T14:00:00Z"), 2 * 3600).unwrap();
        assert_eq!(due, at("2026-10-26T09:00:00Z"));
    }

    #[test]
    fn counting_stops_at_the_end_of_a_window_and_resumes_at_the_next() {
        let cal = paris(&[]);
        // Exactly a working day from Monday 09:00 ends at Monday 17:00, not Tuesday 09:00.
        let due = cal.add(at("2026-11-30T08:00:00Z"), 8 * 3600).unwrap();
        assert_eq!(due, at("2026-11-30T16:00:00Z"));
        // Started in the night: counted from the morning.
        let due = cal.add(at("2026-12-01T02:00:00Z"), 60).unwrap();
        assert_eq!(due, at("2026-12-01T08:01:00Z"));
    }

    #[test]
    fn bad_hours_are_refused_naming_the_day() {
        let mut hours = WorkingHours::default();
        hours.days[2].start = "18:00".into();
        let err = Calendar::new(&hours, []).unwrap_err();
        assert!(err.to_string().contains("Wednesday"), "{err}");
        hours.days[2].start = "nine".into();
        assert!(
            Calendar::new(&hours, [])
                .unwrap_err()
                .to_string()
                .contains("Wednesday")
        );
    }

    #[test]
    fn a_week_without_hours_never_falls_due() {
        let hours = WorkingHours {
            time_zone: Some("UTC".into()),
            days: vec![
                DayHours {
                    open: false,
                    start: "09:00".into(),
                    end: "17:00".into(),
                };
                7
            ],
            warn_percent: 75,
        };
        let cal = Calendar::new(&hours, []).unwrap();
        assert!(!cal.works());
        assert_eq!(cal.add(at("2026-11-30T08:00:00Z"), 60), None);
    }

    #[test]
    fn round_the_clock_days_end_at_midnight() {
        let hours = WorkingHours {
            time_zone: Some("UTC".into()),
            days: vec![
                DayHours {
                    open: true,
                    start: "00:00".into(),
                    end: "24:00".into(),
                };
                7
            ],
            warn_percent: 75,
        };
        let cal = Calendar::new(&hours, []).unwrap();
        assert_eq!(
            cal.add(at("2026-11-30T23:00:00Z"), 2 * 3600),
            Some(at("2026-12-01T01:00:00Z"))
        );
    }
}
