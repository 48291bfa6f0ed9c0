//! Reading cells: text, money, prices, dates (day or month first), tags, custom fields, owners.

use super::*;

/// A website's domain, without scheme, `www.` or path: `https://www.Acme.com/x` -> `acme.com`.
pub(super) fn domain(website: &str) -> Option<String> {
    let rest = website.trim().to_lowercase();
    let rest = rest.split("://").last().unwrap_or(&rest).to_owned();
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .trim_start_matches("www.")
        .to_owned();
    (host.contains('.') && !host.contains(char::is_whitespace)).then_some(host)
}

/// The trimmed, non-empty value of the column mapped to `key`.
pub(crate) fn cell<'a>(
    row: &'a TableRow,
    mapping: &[Option<String>],
    key: &str,
) -> Option<&'a str> {
    mapping
        .iter()
        .position(|m| m.as_deref() == Some(key))
        .and_then(|i| row.cells.get(i))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

pub(super) fn cells<'a>(
    row: &'a TableRow,
    mapping: &'a [Option<String>],
    keys: &'a [&str],
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    keys.iter()
        .filter_map(move |k| cell(row, mapping, k).map(|v| (*k, v)))
}

pub(super) fn text(row: &TableRow, mapping: &[Option<String>], key: &str) -> Option<String> {
    cell(row, mapping, key).map(str::to_owned)
}

/// `slot` takes the row's value when the row has one.
pub(super) fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// The row's tags added to the record's, without repeats (any case).
pub(super) fn add_tags(tags: &mut Vec<String>, new: Vec<String>) {
    for t in new {
        if !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            tags.push(t);
        }
    }
}

/// The row's notes after the record's, unless they are there already.
pub(super) fn add_notes(notes: &mut Option<String>, new: Option<String>) {
    if let Some(n) = new {
        *notes = Some(match notes.take() {
            Some(old) if !old.contains(&n) => format!("{old}\n\n{n}"),
            _ => n,
        });
    }
}

/// A money cell: `1234.50`, `1,234.50 GBP`, or an amount with the currency in its own column
/// (EUR when there is none).
pub(super) fn money(row: &TableRow, mapping: &[Option<String>], key: &str) -> Option<MoneyInput> {
    cell(row, mapping, key).map(|amount| {
        let (amount, currency) = match amount.rsplit_once(' ') {
            Some((a, c)) if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => {
                (a.to_owned(), c.to_owned())
            }
            _ => (
                amount.to_owned(),
                text(row, mapping, "currency").unwrap_or_else(|| "EUR".into()),
            ),
        };
        MoneyInput {
            amount: amount.replace([',', ' '], ""),
            currency,
        }
    })
}

/// A price as spreadsheets write it (`499.00`, `1,234.50`, `1.234,50`, `€ 499`, `499,00 EUR`):
/// the amount with a decimal point, and the currency it names, if any (else the row's
/// currency column).
pub(super) fn price(
    row: &TableRow,
    mapping: &[Option<String>],
    key: &str,
) -> (Option<String>, Option<String>) {
    let column_currency = text(row, mapping, "currency");
    let Some(raw) = cell(row, mapping, key) else {
        return (None, column_currency);
    };
    let mut currency = None;
    let mut digits = String::new();
    for word in raw.split_whitespace() {
        if word.len() == 3 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            currency = Some(word.to_ascii_uppercase());
            continue;
        }
        digits.push_str(word);
    }
    for (symbol, code) in [('€', "EUR"), ('$', "USD"), ('£', "GBP"), ('¥', "JPY")] {
        if digits.contains(symbol) {
            currency.get_or_insert_with(|| code.to_owned());
            digits = digits.replace(symbol, "");
        }
    }
    let amount = match (digits.rfind(','), digits.rfind('.')) {
        // Both: the last one is the decimal separator.
        (Some(c), Some(d)) if c > d => digits.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => digits.replace(',', ""),
        // A comma alone with other than three digits after it is a decimal comma.
        (Some(c), None) if digits.len() - c - 1 != 3 => digits.replace(',', "."),
        (Some(_), None) => digits.replace(',', ""),
        // Several points are thousands separators.
        (None, Some(_)) if digits.matches('.').count() > 1 => digits.replace('.', ""),
        _ => digits,
    };
    (Some(amount), currency.or(column_currency))
}

pub(super) fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| ["yes", "y", "true", "1", "x", "on"].contains(&v.to_lowercase().as_str()))
}

pub(super) fn tags(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split([',', ';'])
                .flat_map(|part| part.split(":::"))
                .map(|t| t.trim().trim_start_matches("* ").trim().to_owned())
                .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("myContacts"))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the file's dates with slashes put the day first: `Some(true)` when some date can
/// only be read day first (`31/01/2026`) and none only month first, `Some(false)` the other
/// way round, `None` when nothing tells (or the file mixes both).
pub(super) fn slash_order(table: &Table, mapping: &[Option<String>]) -> Option<bool> {
    let columns: Vec<usize> = mapping
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.as_deref(), Some("birthday" | "expected_close")))
        .map(|(i, _)| i)
        .collect();
    let (mut day_first, mut month_first) = (false, false);
    for row in &table.rows {
        for &i in &columns {
            if let Some((a, b)) = row.cells.get(i).and_then(|c| slash_parts(c)) {
                day_first |= a > 12 && b <= 12;
                month_first |= b > 12 && a <= 12;
            }
        }
    }
    match (day_first, month_first) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// The first two numbers of `a/b/yyyy`.
fn slash_parts(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && y.len() == 4).then_some(())?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// A date in one of the forms exports use, as YYYY-MM-DD (left as typed when unrecognised,
/// so the row is rejected with the value named). The year is always written in full: a
/// two-digit year (`26-01-05`, `05.01.26`) is never read as the year 26, nor guessed to be
/// 2026, but left as typed so the row is refused with a message asking for four digits.
/// `03/04/2026` is read in the order the rest of the file shows (`day_first`, see
/// [`slash_order`]); when nothing in the file tells, it is not guessed but refused.
pub(super) fn date(value: Option<&str>, day_first: Option<bool>) -> Option<String> {
    let v = value?;
    if let Some((a, b)) = slash_parts(v)
        && a <= 12
        && b <= 12
        && a != b
    {
        let format = match day_first {
            Some(true) => "%d/%m/%Y",
            Some(false) => "%m/%d/%Y",
            None => return Some(v.to_owned()),
        };
        return chrono::NaiveDate::parse_from_str(v.trim(), format)
            .ok()
            .filter(|d| crate::kernel::time::in_range(*d))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .or_else(|| Some(v.to_owned()));
    }
    for format in ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d", "%d/%m/%Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(v, format)
            && crate::kernel::time::in_range(d)
        {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    Some(v.to_owned())
}

pub(super) fn custom(row: &TableRow, mapping: &[Option<String>]) -> CustomValues {
    mapping
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let field = m.as_deref()?.strip_prefix("custom:")?;
            let value = row.cells.get(i)?.trim();
            (!value.is_empty()).then(|| {
                (
                    field.to_owned(),
                    serde_json::Value::String(value.to_owned()),
                )
            })
        })
        .collect()
}

pub(super) fn owner(conn: &Connection, value: Option<&str>) -> Result<Option<String>> {
    let Some(name) = value else { return Ok(None) };
    match crate::records::team::find(conn, name)? {
        Some(m) => Ok(Some(m.id)),
        None => Err(Error::invalid(
            "owner_id",
            format!("nobody named \"{name}\" is on the team"),
        )),
    }
}
