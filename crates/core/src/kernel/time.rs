//! Time stamps and time zones. Everything stored is UTC, written as RFC 3339 with milliseconds
//! (`2026-11-23T11:21:01.123Z`), so text order is time order. Wall-clock times the user types
//! ("tomorrow 09:00") are read in a time zone, by default the computer's own.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::kernel::error::{Error, Result};

/// The first and last years a date or time may have. Wide enough for any birthday, contract
/// or plan a small business keeps (people born in the 1900s, agreements running to 2200),
/// narrow enough that a slip of the keyboard (year 0026 for `26-01-05`, 0000, 9999) is caught
/// where it is typed, and that every stored time is a four-digit year that sorts as text and
/// that iCalendar and every reader can write.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

/// Whether a date lies in the accepted years.
pub fn in_range(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date))
}

/// The message for a date outside the accepted years, as `text` was typed.
fn out_of_range(text: &str, date: NaiveDate) -> String {
    let year = chrono::Datelike::year(&date);
    let typed = text
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .map_or(0, str::len);
    if (1..=2).contains(&typed) {
        format!(
            "\"{text}\" has a two-digit year; write the year in full, like {}",
            example(date)
        )
    } else {
        format!(
            "\"{text}\" is in the year {year}; dates must be between {FIRST_YEAR} and {LAST_YEAR}"
        )
    }
}

/// `26-01-05` as `2026-01-05`, for the message that asks for four digits.
fn example(date: NaiveDate) -> String {
    let year = chrono::Datelike::year(&date);
    chrono::Datelike::with_year(&date, 2000 + year)
        .unwrap_or(date)
        .format("%Y-%m-%d")
        .to_string()
}

/// A calendar date typed as `YYYY-MM-DD`, between [`FIRST_YEAR`] and [`LAST_YEAR`], or an
/// error naming `field`.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    let text = text.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            field,
            format!("{}; write it as YYYY-MM-DD", not_a_date(text)),
        )
    })?;
    if !in_range(date) {
        return Err(Error::invalid(field, out_of_range(text, date)));
    }
    Ok(date)
}

/// Why `text` is not read as a date: `03/04/2026` could be either of two days.
fn not_a_date(text: &str) -> String {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    if let [a, b, y] = parts.as_slice()
        && y.len() == 4
        && let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>())
        && (1..=12).contains(&a)
        && (1..=12).contains(&b)
        && a != b
    {
        let month = |m: u32| {
            NaiveDate::from_ymd_opt(2000, m, 1)
                .map_or(String::new(), |d| d.format("%B").to_string())
        };
        return format!(
            "\"{text}\" could be {a} {} or {b} {}, and nothing says which",
            month(b),
            month(a)
        );
    }
    format!("\"{text}\" is not a date")
}

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
    let (at, date_only) = parse_any(field, text, tz)?;
    let local = local_date(tz, at);
    if !in_range(local) {
        return Err(Error::invalid(field, out_of_range(text.trim(), local)));
    }
    Ok((at, date_only))
}

fn parse_any(field: &str, text: &str, tz: Tz) -> Result<(DateTime<Utc>, bool)> {
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
    fn years_outside_1900_to_2200_are_refused_where_typed() {
        for bad in [
            "0000-01-01",
            "-0001-12-31",
            "9999-12-31",
            "1899-12-31",
            "2201-01-01",
            "0000-01-01T09:00",
            "9999-12-31T23:59:59Z",
        ] {
            let err = parse_input("due", bad, Tz::UTC).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "due", "{bad}");
            assert!(
                err.to_string().contains("between 1900 and 2200"),
                "{bad}: {err}"
            );
        }
        let err = parse_input("due", "26-01-05", Tz::UTC).unwrap_err();
        assert!(err.to_string().contains("two-digit year"), "{err}");
        assert!(err.to_string().contains("2026-01-05"), "{err}");
        let err = parse_date("birthday", "26-01-05").unwrap_err();
        assert!(err.to_string().contains("two-digit year"), "{err}");
        for good in ["1900-01-01", "2200-12-31", "2026-01-05"] {
            assert!(parse_input("due", good, Tz::UTC).is_ok(), "{good}");
            assert!(parse_date("birthday", good).is_ok(), "{good}");
        }
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
