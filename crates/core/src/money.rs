//! Money: an integer amount in the currency's minor unit plus an ISO 4217 code. Never a float.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

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

impl MoneyInput {
    /// Parses the amount exactly into minor units. More decimals than the currency has, a
    /// thousands separator, or anything but an optional minus, digits and one '.' is refused.
    pub fn parse(&self, field: &str) -> Result<Money> {
        let cur = currency(&self.currency, &format!("{field}.currency"))?;
        let amount_field = format!("{field}.amount");
        let amount_minor = parse_minor(&self.amount, exponent(cur))
            .map_err(|why| Error::invalid(&amount_field, why))?;
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
