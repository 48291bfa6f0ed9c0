//! Unit tests of the PDF writer.

use super::*;

#[test]
fn money_and_dates_follow_the_locale() {
    let de = Locale::from_name("de_DE.UTF-8");
    assert_eq!(de.money(12_345_678, "EUR"), "123.456,78 €");
    assert_eq!(de.date("2026-11-30"), "30.11.2026");
    let us = Locale::from_name("en_US.UTF-8");
    assert_eq!(us.money(-123_450, "USD"), "-$1,234.50");
    assert_eq!(us.date("2026-11-30"), "11/30/2026");
    let gb = Locale::from_name("en_GB");
    assert_eq!(gb.money(500, "JPY"), "¥500");
    assert_eq!(gb.money(10_000, "CHF"), "CHF 100.00");
    assert_eq!(gb.date("2026-11-30"), "30/11/2026");
    assert_eq!(Locale::from_name("").date("2026-11-30"), "2026-11-30");
    assert_eq!(de.decimal(1500, 3), "1,5");
    assert_eq!(us.decimal(1900, 2), "19");
}

#[test]
fn text_is_measured_and_wrapped_to_fit() {
    assert!((width("Hello", false, 10.0) - 22.78).abs() < 0.01);
    let lines = wrap(
        "one two three four five six seven eight nine ten",
        false,
        10.0,
        60.0,
    );
    assert!(lines.len() > 2);
    assert!(lines.iter().all(|l| width(l, false, 10.0) <= 60.0));
    assert_eq!(encode("Café €5 ☃"), b"Caf\xe9 \x805 ?".to_vec());
    // A word wider than the column is cut, so nothing runs into the next column.
    let iban = "DE02120300000000202051DE02120300000000202051";
    let cut = wrap(iban, false, 10.0, 80.0);
    assert!(cut.len() > 1);
    assert!(cut.iter().all(|l| width(l, false, 10.0) <= 80.0));
    assert_eq!(cut.concat(), iban);
    assert!(width("—", false, 10.0) > width("-", false, 10.0));
}
