//! Time stamps and time zones. Everything stored is UTC, written as RFC 3339 with milliseconds
//! (`2026-11-23T11:21:01.123Z`), so text order is time order. Wall-clock times the user types
//! ("tomorrow 09:00") are read in a time zone, by default the computer's own.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// The current time as stored in the database.
pub fn now() -> String {
    stamp(Utc::now())
}

/// A UTC time as stored in the database.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored time stamp back.
pub fn parse_stamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Internal(format!("stored time \"{text}\" is unreadable: {e}")))
}

/// The computer's time zone: `$TZ` when it names an IANA zone, else the system setting,
/// else UTC.
pub fn local_zone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|name| name.trim_start_matches(':').parse().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(Tz::UTC)
}

/// An IANA time zone by name (`Europe/Paris`), with a message naming `field` when unknown.
pub fn zone(field: &str, name: &str) -> Result<Tz> {
    name.trim().parse().map_err(|_| {
        Error::invalid(
            field,
            format!("\"{name}\" is not a time zone; use an IANA name such as Europe/Paris"),
        )
    })
}

/// A wall-clock time in `tz` as a UTC instant. A time skipped by a daylight-saving change
/// (02:30 on a spring-forward night) moves forward to the first time that exists; a time that
/// happens twice (autumn) means the first of the two.
pub fn from_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..8 {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => probe += chrono::Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&local)
}

/// What the user typed for a point in time: RFC 3339 with an offset or `Z`
/// (`2026-11-24T09:00:00Z`), a wall-clock time in `tz` (`2026-11-24T09:00`, `2026-11-24 09:00`),
/// or a date alone (`2026-11-24`, meaning the start of that day in `tz`; `true` is returned
/// with it so callers can mark the item all-day).
pub fn parse_input(field: &str, text: &str, tz: Tz) -> Result<(DateTime<Utc>, bool)> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok((t.with_timezone(&Utc), false));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok((from_local(tz, local), false));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok((from_local(tz, date.and_time(chrono::NaiveTime::MIN)), true));
    }
    Err(Error::invalid(
        field,
        format!(
            "\"{text}\" is not a date or time; write it as YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time) \
             or RFC 3339 (2026-11-24T09:00:00Z)"
        ),
    ))
}

/// The local calendar date of a UTC instant in `tz`.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// Today's date on this computer's clock and in its time zone.
pub fn today() -> NaiveDate {
    local_date(local_zone(), Utc::now())
}

/// The UTC instant at which local day `date` starts in `tz`.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    from_local(tz, date.and_time(chrono::NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_times_follow_daylight_saving() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let (winter, _) = parse_input("due", "2026-01-15T09:00", paris).unwrap();
        let (summer, _) = parse_input("due", "2026-07-15T09:00", paris).unwrap();
        assert_eq!(stamp(winter), "2026-01-15T08:00:00.000Z");
        assert_eq!(stamp(summer), "2026-07-15T07:00:00.000Z");
    }

    #[test]
    fn a_skipped_local_time_moves_forward_and_a_repeated_one_means_the_first() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 2026-03-29 02:30 does not exist in Paris (clocks jump from 02:00 to 03:00).
        let (t, _) = parse_input("due", "2026-03-29T02:30", paris).unwrap();
        assert_eq!(stamp(t), "2026-03-29T01:00:00.000Z");
        // 2026-10-25 02:30 happens twice; the first is still summer time (UTC+2).
        let (t, _) = parse_input("due", "2026-10-25T02:30", paris).unwrap();
        assert_eq!(stamp(t), "2026-10-25T00:30:00.000Z");
    }

    #[test]
    fn dates_alone_are_all_day_and_nonsense_is_named() {
        let (t, all_day) = parse_input("due", "2026-11-24", Tz::UTC).unwrap();
        assert!(all_day);
        assert_eq!(stamp(t), "2026-11-24T00:00:00.000Z");
        let err = parse_input("due", "next tuesday", Tz::UTC).unwrap_err();
        assert!(
            err.to_string().contains("\"next tuesday\" is not a date"),
            "{err}"
        );
    }
}
