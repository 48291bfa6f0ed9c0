//! Recurrence rules (RFC 5545 `RRULE`), evaluated by the `rrule` crate in the series' own time
//! zone, so "every month on the 1st at 09:00" stays at 09:00 across daylight-saving changes.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rrule::RRuleSet;

use crate::kernel::error::{Error, Result};

/// The most occurrences computed in one call (a calendar year of a daily rule, with room).
pub const MAX_OCCURRENCES: u16 = 1000;

/// Checks and normalises a rule typed by the user: `FREQ=MONTHLY;BYMONTHDAY=1` (an `RRULE:`
/// prefix is accepted). Rules more frequent than daily are refused: an activity is not a timer.
pub fn normalize(field: &str, rule: &str) -> Result<String> {
    let text = rule.trim();
    let text = text
        .strip_prefix("RRULE:")
        .or_else(|| text.strip_prefix("rrule:"))
        .unwrap_or(text)
        .trim()
        .to_ascii_uppercase();
    if text.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if text.contains('\n') || text.contains("DTSTART") {
        return Err(Error::invalid(
            field,
            "should be one RRULE value such as FREQ=MONTHLY;BYMONTHDAY=1 (the start comes from the activity)",
        ));
    }
    let freq = text
        .split(';')
        .find_map(|part| part.strip_prefix("FREQ="))
        .unwrap_or("");
    if ["SECONDLY", "MINUTELY", "HOURLY"].contains(&freq) {
        return Err(Error::invalid(
            field,
            format!(
                "repeats {} ; the most frequent a commitment can repeat is daily",
                freq.to_lowercase()
            ),
        ));
    }
    // Parse it against a fixed start to catch any mistake now rather than when it is used.
    set(&text, NaiveDateTime::default(), Tz::UTC).map_err(|e| Error::invalid(field, e))?;
    Ok(text)
}

fn set(rule: &str, dtstart: NaiveDateTime, tz: Tz) -> std::result::Result<RRuleSet, String> {
    let text = format!(
        "DTSTART;TZID={}:{}\nRRULE:{rule}",
        tz.name(),
        dtstart.format("%Y%m%dT%H%M%S")
    );
    text.parse::<RRuleSet>().map_err(|e| {
        format!(
            "\"{rule}\" is not a recurrence rule ({e}); an example is FREQ=MONTHLY;BYMONTHDAY=1"
        )
    })
}

/// Occurrences of `rule` started at local `dtstart` in `tz`, strictly after `after` and before
/// `until` (when given), at most `limit`, as UTC instants.
pub fn occurrences(
    rule: &str,
    dtstart: NaiveDateTime,
    tz: Tz,
    after: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: u16,
) -> Result<Vec<DateTime<Utc>>> {
    let rtz = rrule::Tz::Tz(tz);
    let mut set = set(rule, dtstart, tz).map_err(Error::Internal)?;
    set = set.after((after + chrono::Duration::seconds(1)).with_timezone(&rtz));
    if let Some(until) = until {
        set = set.before(until.with_timezone(&rtz));
    }
    Ok(set
        .all(limit)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .filter(|d| *d > after && until.is_none_or(|u| *d < u))
        .collect())
}

/// The first occurrence at or after `from`.
pub fn first_from(
    rule: &str,
    dtstart: NaiveDateTime,
    tz: Tz,
    from: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    Ok(occurrences(
        rule,
        dtstart,
        tz,
        from - chrono::Duration::seconds(1),
        None,
        1,
    )?
    .into_iter()
    .next())
}

/// The rule cut so that it ends before `end` (UTC): any COUNT or UNTIL is replaced by UNTIL.
pub fn ending_before(rule: &str, end: DateTime<Utc>) -> String {
    let mut parts: Vec<String> = rule
        .split(';')
        .filter(|p| !p.starts_with("COUNT=") && !p.starts_with("UNTIL="))
        .map(str::to_owned)
        .collect();
    let last = end - chrono::Duration::seconds(1);
    parts.push(format!("UNTIL={}", last.format("%Y%m%dT%H%M%SZ")));
    parts.join(";")
}

/// A short English description of a rule: "Every 2 weeks on Monday", "Monthly on day 1".
pub fn describe(rule: &str) -> String {
    let mut freq = "";
    let mut interval = 1u32;
    let mut by_day = "";
    let mut by_month_day = "";
    let mut count = None;
    let mut until = None;
    for part in rule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key {
            "FREQ" => freq = value,
            "INTERVAL" => interval = value.parse().unwrap_or(1),
            "BYDAY" => by_day = value,
            "BYMONTHDAY" => by_month_day = value,
            "COUNT" => count = Some(value),
            "UNTIL" => until = Some(value),
            _ => {}
        }
    }
    let unit = match freq {
        "DAILY" => "day",
        "WEEKLY" => "week",
        "MONTHLY" => "month",
        "YEARLY" => "year",
        _ => return rule.to_owned(),
    };
    let mut text = if interval == 1 {
        match unit {
            "day" => "Daily".to_owned(),
            other => format!("Every {other}"),
        }
    } else {
        format!("Every {interval} {unit}s")
    };
    if !by_day.is_empty() {
        let days: Vec<String> = by_day.split(',').map(day_name).collect();
        text.push_str(&format!(" on {}", days.join(", ")));
    }
    if !by_month_day.is_empty() {
        let days: Vec<String> = by_month_day
            .split(',')
            .map(|d| match d {
                "-1" => "the last day".to_owned(),
                d => format!("day {d}"),
            })
            .collect();
        text.push_str(&format!(" on {}", days.join(", ")));
    }
    if let Some(count) = count {
        text.push_str(&format!(", {count} times"));
    }
    let until_date = until
        .and_then(|u: &str| chrono::NaiveDate::parse_from_str(&u[..u.len().min(8)], "%Y%m%d").ok());
    if let Some(date) = until_date {
        text.push_str(&format!(", until {date}"));
    }
    text
}

fn day_name(code: &str) -> String {
    let (prefix, day) = code.split_at(code.len().saturating_sub(2));
    let name = match day {
        "MO" => "Monday",
        "TU" => "Tuesday",
        "WE" => "Wednesday",
        "TH" => "Thursday",
        "FR" => "Friday",
        "SA" => "Saturday",
        "SU" => "Sunday",
        other => other,
    };
    match prefix {
        "" => name.to_owned(),
        "1" | "+1" => format!("the first {name}"),
        "-1" => format!("the last {name}"),
        n => format!("the {n}. {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::time::{parse_stamp, stamp};

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn list(rule: &str, start: &str, tz: &str, n: u16) -> Vec<String> {
        let tz: Tz = tz.parse().unwrap();
        let start = local(start);
        let before = crate::kernel::time::from_local(tz, start) - chrono::Duration::seconds(1);
        occurrences(rule, start, tz, before, None, n)
            .unwrap()
            .into_iter()
            .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string())
            .collect()
    }

    #[test]
    fn monthly_on_the_last_day_follows_month_ends_and_leap_years() {
        assert_eq!(
            list("FREQ=MONTHLY;BYMONTHDAY=-1", "2028-01-31T09:00", "UTC", 4),
            [
                "2028-01-31 09:00 UTC",
                "2028-02-29 09:00 UTC",
                "2028-03-31 09:00 UTC",
                "2028-04-30 09:00 UTC"
            ]
        );
    }

    #[test]
    fn monthly_on_the_31st_skips_shorter_months_as_rfc_5545_says() {
        assert_eq!(
            list("FREQ=MONTHLY", "2026-01-31T09:00", "UTC", 3),
            [
                "2026-01-31 09:00 UTC",
                "2026-03-31 09:00 UTC",
                "2026-05-31 09:00 UTC"
            ]
        );
    }

    #[test]
    fn wall_clock_time_holds_across_daylight_saving_changes() {
        // Every 2 weeks on Monday 09:00 in New York, across the November 1st change.
        let got = list(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "2026-10-19T09:00",
            "America/New_York",
            3,
        );
        assert_eq!(
            got,
            [
                "2026-10-19 09:00 EDT",
                "2026-11-02 09:00 EST",
                "2026-11-16 09:00 EST"
            ]
        );
        // In UTC, the same meetings are an hour apart in time of day.
        let tz: Tz = "America/New_York".parse().unwrap();
        let start = local("2026-10-19T09:00");
        let utc: Vec<String> = occurrences(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            start,
            tz,
            parse_stamp("2026-10-01T00:00:00Z").unwrap(),
            None,
            2,
        )
        .unwrap()
        .into_iter()
        .map(stamp)
        .collect();
        assert_eq!(
            utc,
            ["2026-10-19T13:00:00.000Z", "2026-11-02T14:00:00.000Z"]
        );
    }

    #[test]
    fn a_daily_rule_at_a_time_that_does_not_exist_on_the_change_day_still_fires() {
        let got = list("FREQ=DAILY", "2026-03-28T02:30", "Europe/Paris", 3);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], "2026-03-28 02:30 CET");
        assert_eq!(got[2], "2026-03-30 02:30 CEST");
    }

    #[test]
    fn cut_rules_end_before_the_cut() {
        let rule = ending_before(
            "FREQ=DAILY;COUNT=10",
            parse_stamp("2026-01-04T09:00:00Z").unwrap(),
        );
        assert_eq!(rule, "FREQ=DAILY;UNTIL=20260104T085959Z");
        assert_eq!(list(&rule, "2026-01-01T09:00", "UTC", 10).len(), 3);
    }

    #[test]
    fn bad_rules_are_refused_with_an_example() {
        let err = normalize("repeat", "every month").unwrap_err();
        assert!(err.to_string().contains("FREQ=MONTHLY"), "{err}");
        assert!(normalize("repeat", "FREQ=MINUTELY").is_err());
        assert_eq!(
            normalize("repeat", "rrule:freq=weekly").unwrap(),
            "FREQ=WEEKLY"
        );
    }

    #[test]
    fn rules_read_as_english() {
        assert_eq!(
            describe("FREQ=MONTHLY;BYMONTHDAY=1"),
            "Every month on day 1"
        );
        assert_eq!(
            describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
            "Every 2 weeks on Monday"
        );
        assert_eq!(
            describe("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12"),
            "Every month on the last day, 12 times"
        );
    }
}
