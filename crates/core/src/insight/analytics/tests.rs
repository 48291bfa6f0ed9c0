//! Unit tests of the report helpers.

use super::*;

#[test]
fn periods_cover_whole_months_quarters_and_years() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let days = |p| {
        let (a, b) = PeriodName::days(p, today);
        (a.to_string(), b.to_string())
    };
    assert_eq!(
        days(PeriodName::ThisMonth),
        ("2026-11-01".into(), "2026-11-30".into())
    );
    assert_eq!(
        days(PeriodName::LastMonth),
        ("2026-10-01".into(), "2026-10-31".into())
    );
    assert_eq!(
        days(PeriodName::ThisQuarter),
        ("2026-10-01".into(), "2026-12-31".into())
    );
    assert_eq!(
        days(PeriodName::LastYear),
        ("2025-01-01".into(), "2025-12-31".into())
    );
    let jan = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap_or_default();
    assert_eq!(
        PeriodName::LastMonth.days(jan).0.to_string(),
        "2026-12-01",
        "last month of a January is the December before"
    );
}

#[test]
fn rates_round_half_up_and_a_rate_of_nothing_is_empty() {
    assert_eq!(rate(2, 3), Cell::Number(6667));
    assert_eq!(rate(1, 8), Cell::Number(1250));
    assert_eq!(rate(0, 0), Cell::Empty);
    assert_eq!(decimal(123_450, 2), "1234.50");
    assert_eq!(decimal(-5, 2), "-0.05");
    assert_eq!(show_money(123_456_789, "EUR"), "EUR 1,234,567");
}
