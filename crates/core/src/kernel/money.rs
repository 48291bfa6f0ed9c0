//! Money: an integer amount in the currency's minor unit plus an ISO 4217 code. Never a float.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};

/// An exact amount of money, e.g. `{amount_minor: 123450, currency: "EUR"}` for EUR 1,234.50.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Money {
    /// The amount in the currency's minor unit (cents for EUR, yen for JPY).
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// ISO 4217 code, upper case.
    pub currency: String,
}

impl Money {
    /// Money stored as two nullable columns (minor units and currency), when both are set.
    pub fn stored(amount_minor: Option<i64>, currency: Option<String>) -> Option<Money> {
        amount_minor
            .zip(currency)
            .map(|(amount_minor, currency)| Money {
                amount_minor,
                currency,
            })
    }
}

/// Money as a person types it: a decimal amount (`"1234.50"`, `"1 234,5"` is refused) and a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MoneyInput {
    pub amount: String,
    pub currency: String,
}

/// The digits of a whole number with `separator` between each group of three ("1,204").
pub(crate) fn group_digits(digits: &str, separator: char) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// `1204` as "1,204", for counts in messages.
pub(crate) fn thousands(n: u64) -> String {
    group_digits(&n.to_string(), ',')
}

/// The ISO 4217 currency for `code` (any case), or a validation error naming `field`.
pub fn currency(code: &str, field: &str) -> Result<iso_currency::Currency> {
    iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase()).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "\"{}\" is not an ISO 4217 currency code (for example EUR, USD, GBP)",
                code.trim()
            ),
        )
    })
}

/// Number of decimals of the currency's minor unit (2 for EUR, 0 for JPY, 3 for BHD).
pub fn exponent(currency: iso_currency::Currency) -> u32 {
    currency.exponent().map_or(0, u32::from)
}

/// The largest amount Rapport accepts, in major units: ten trillion (10^13) euros, dollars or
/// yen. Larger than any figure a small business can mean, and small enough that no sum of
/// amounts can overflow: every total is summed in `i128` (`money_sum` in SQL, [`add`] in Rust)
/// and an amount of at most 10^13 × 10^4 minor units (the largest ISO 4217 exponent is 4)
/// leaves room for 92 of them in an `i64` before a checked total refuses.
pub const MAX_MAJOR: i64 = 10_000_000_000_000;

/// [`MAX_MAJOR`] in the minor units of a currency with `exponent` decimals.
pub fn max_minor(exponent: u32) -> i64 {
    MAX_MAJOR.saturating_mul(10_i64.saturating_pow(exponent))
}

/// The message for an amount beyond [`MAX_MAJOR`].
pub fn too_large_message(currency: &str) -> String {
    format!("is more than 10,000,000,000,000 {currency}, the largest amount Rapport accepts")
}

/// Refuses, naming `field`, an amount (in minor units of `currency`) beyond [`MAX_MAJOR`].
pub fn check_range(field: &str, amount_minor: i64, currency: &str) -> Result<()> {
    let exp = iso_currency::Currency::from_code(currency).map_or(2, exponent);
    if amount_minor.unsigned_abs() > max_minor(exp).unsigned_abs() {
        return Err(Error::invalid(field, too_large_message(currency)));
    }
    Ok(())
}

/// `a + b`, or an error saying which total is too large instead of a wrapped or panicking sum.
pub fn add(what: &str, a: i64, b: i64) -> Result<i64> {
    narrow(what, i128::from(a) + i128::from(b))
}

/// An exact total (summed in `i128`) back to minor units, or an error naming the total.
pub fn narrow(what: &str, total: i128) -> Result<i64> {
    i64::try_from(total).map_err(|_| Error::TotalTooLarge(what.to_owned()))
}

/// The text of the SQL error `money_sum` raises; [`Error`]'s conversion recognises it.
pub(crate) const SUM_TOO_LARGE: &str = "money_sum: total out of range";

/// Registers `money_sum(x)` and `money_sum(x, factor)` on a connection: SQL's `sum` of
/// integers (of `x × factor`, for a probability-weighted amount), counted in `i128`, so adding
/// amounts never fails half-way with SQLite's "integer overflow" nor wraps, and the product is
/// never turned into an inexact REAL. A total that does not fit back in an `i64` raises an
/// error that reaches the user as [`Error::TotalTooLarge`]. NULLs are skipped; no rows give
/// NULL, like `sum`.
pub(crate) fn register_sql(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::{Aggregate, Context, FunctionFlags};
    use rusqlite::types::ValueRef;
    struct MoneySum;
    fn whole(v: ValueRef<'_>) -> rusqlite::Result<Option<i128>> {
        match v {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => Ok(Some(i128::from(i))),
            // Amounts are integers; a REAL only comes from arithmetic that already left i64.
            ValueRef::Real(f) if f.is_finite() => Ok(Some(f.round() as i128)),
            _ => Err(rusqlite::Error::UserFunctionError(
                "money_sum: not an amount".into(),
            )),
        }
    }
    impl Aggregate<Option<i128>, Option<i64>> for MoneySum {
        fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Option<i128>> {
            Ok(None)
        }
        fn step(&self, ctx: &mut Context<'_>, acc: &mut Option<i128>) -> rusqlite::Result<()> {
            let Some(v) = whole(ctx.get_raw(0))? else {
                return Ok(());
            };
            let v = if ctx.len() > 1 {
                match whole(ctx.get_raw(1))? {
                    Some(f) => v.saturating_mul(f),
                    None => return Ok(()),
                }
            } else {
                v
            };
            *acc = Some(acc.unwrap_or(0).saturating_add(v));
            Ok(())
        }
        fn finalize(
            &self,
            _: &mut Context<'_>,
            acc: Option<Option<i128>>,
        ) -> rusqlite::Result<Option<i64>> {
            acc.flatten()
                .map(|t| {
                    i64::try_from(t)
                        .map_err(|_| rusqlite::Error::UserFunctionError(SUM_TOO_LARGE.into()))
                })
                .transpose()
        }
    }
    for args in [1, 2] {
        conn.create_aggregate_function(
            "money_sum",
            args,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            MoneySum,
        )?;
    }
    Ok(())
}

impl MoneyInput {
    /// Parses the amount exactly into minor units. More decimals than the currency has, a
    /// thousands separator, anything but an optional minus, digits and one '.', or an amount
    /// beyond [`MAX_MAJOR`] is refused.
    pub fn parse(&self, field: &str) -> Result<Money> {
        let cur = currency(&self.currency, &format!("{field}.currency"))?;
        let amount_field = format!("{field}.amount");
        let amount_minor = parse_minor(&self.amount, exponent(cur))
            .map_err(|why| Error::invalid(&amount_field, why))?;
        check_range(&amount_field, amount_minor, cur.code())?;
        Ok(Money {
            amount_minor,
            currency: cur.code().to_owned(),
        })
    }
}

pub(crate) fn parse_minor(text: &str, exponent: u32) -> std::result::Result<i64, String> {
    let s = text.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !well_formed {
        return Err(format!(
            "\"{s}\" is not an amount; write it like 1234.50, with a point and no thousands separator"
        ));
    }
    if frac.len() > exponent as usize {
        return Err(format!(
            "\"{s}\" has more than {exponent} decimal places, which this currency does not have"
        ));
    }
    let scale = 10_i64.pow(exponent);
    let too_big = || format!("\"{s}\" is too large");
    let whole: i64 = whole.parse().map_err(|_| too_big())?;
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        let padded = format!("{frac:0<width$}", width = exponent as usize);
        padded.parse().map_err(|_| too_big())?
    };
    let minor = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .ok_or_else(too_big)?;
    Ok(if negative { -minor } else { minor })
}

/// Formats minor units back as a plain decimal string (`123450`, EUR -> `"1234.50"`).
pub fn format_plain(money: &Money) -> String {
    let exp = iso_currency::Currency::from_code(&money.currency).map_or(2, exponent);
    if exp == 0 {
        return money.amount_minor.to_string();
    }
    let scale = 10_i64.pow(exp);
    let sign = if money.amount_minor < 0 { "-" } else { "" };
    let abs = money.amount_minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = exp as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(amount: &str, currency: &str) -> Result<Money> {
        MoneyInput {
            amount: amount.into(),
            currency: currency.into(),
        }
        .parse("revenue")
    }

    #[test]
    fn parses_exact_minor_units_per_currency() {
        assert_eq!(parse("1234.50", "eur").unwrap().amount_minor, 123_450);
        assert_eq!(parse("1234.5", "EUR").unwrap().amount_minor, 123_450);
        assert_eq!(parse("1234", "EUR").unwrap().amount_minor, 123_400);
        assert_eq!(parse("0.1", "USD").unwrap().amount_minor, 10);
        assert_eq!(parse("-7.05", "USD").unwrap().amount_minor, -705);
        assert_eq!(parse("1500", "JPY").unwrap().amount_minor, 1500);
        assert_eq!(parse("1.234", "BHD").unwrap().amount_minor, 1234);
        assert_eq!(parse("1234.50", "eur").unwrap().currency, "EUR");
    }

    #[test]
    fn refuses_what_it_cannot_store_exactly() {
        for bad in [
            "12.345",
            "1,234.50",
            "1e3",
            "",
            "12.",
            ".5",
            "abc",
            "99999999999999999999",
        ] {
            let err = parse(bad, "EUR").unwrap_err();
            assert_eq!(err.field_errors()[0].field, "revenue.amount", "{bad}");
        }
        assert!(parse("15.5", "JPY").is_err());
        // The largest amount a small business can mean, and no more.
        assert_eq!(
            parse("10000000000000.00", "EUR").unwrap().amount_minor,
            1_000_000_000_000_000
        );
        assert_eq!(
            parse("-10000000000000", "JPY").unwrap().amount_minor,
            -MAX_MAJOR
        );
        for (bad, cur) in [
            ("10000000000000.01", "EUR"),
            ("92233720368547758.07", "EUR"),
            ("-10000000000001", "JPY"),
            ("10000000000000.001", "BHD"),
        ] {
            let err = parse(bad, cur).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "revenue.amount", "{bad}");
            assert!(err.to_string().contains("largest amount"), "{err}");
        }
        let err = parse("1", "EURO").unwrap_err();
        assert_eq!(err.field_errors()[0].field, "revenue.currency");
    }

    #[test]
    fn formats_back_to_the_same_text() {
        for (text, cur) in [
            ("1234.50", "EUR"),
            ("-0.05", "USD"),
            ("1500", "JPY"),
            ("1.234", "BHD"),
        ] {
            let money = parse(text, cur).unwrap();
            assert_eq!(format_plain(&money), text);
        }
    }
}
