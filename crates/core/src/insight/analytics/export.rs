//! Reports as text and CSV: money in major units, rates as percentages.

use super::*;

/// The report's cells as text: money in major units (`1234.50`), rates as percentages
/// (`66.67`), empty cells empty.
pub fn text_rows(report: &Report) -> Vec<Vec<String>> {
    let exp = crate::kernel::money::currency(&report.currency, "currency")
        .map(crate::kernel::money::exponent)
        .unwrap_or(2);
    report
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&report.columns)
                .map(|(cell, column)| match (cell, column.unit) {
                    (Cell::Empty, _) => String::new(),
                    (Cell::Text(s), _) => s.clone(),
                    (Cell::Number(v), Unit::Money) => decimal(*v, exp),
                    (Cell::Number(v), Unit::Percent) => decimal(*v, 2),
                    (Cell::Number(v), _) => v.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The column headers, with the currency or `%` where it applies.
pub fn headers(report: &Report) -> Vec<String> {
    report
        .columns
        .iter()
        .map(|c| match c.unit {
            Unit::Money => format!("{} ({})", c.label, report.currency),
            Unit::Percent => format!("{} (%)", c.label),
            Unit::Minutes => format!("{} (minutes)", c.label),
            Unit::Days => format!("{} (days)", c.label),
            _ => c.label.clone(),
        })
        .collect()
}

/// A report as CSV, as [`text_rows`] shows it, safe against formula injection like every
/// export.
pub fn to_csv(report: &Report) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(e.to_string());
    out.write_record(headers(report)).map_err(fail)?;
    for row in text_rows(report) {
        out.write_record(row.iter().map(|c| crate::data::export::safe_cell(c)))
            .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

/// Writes the report as CSV at `path` (whole or not at all), with a byte-order mark so
/// spreadsheets read it as UTF-8.
pub fn export_csv(
    report: &Report,
    path: &std::path::Path,
) -> Result<crate::data::export::CsvReport> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(to_csv(report)?.into_bytes());
    crate::kernel::files::write_atomically(path, &bytes)?;
    Ok(crate::data::export::CsvReport {
        path: path.display().to_string(),
        rows: report.rows.len() as u64,
    })
}

/// `v` with `exp` decimals: `decimal(123450, 2)` is `1234.50`.
pub(super) fn decimal(v: i64, exp: u32) -> String {
    if exp == 0 {
        return v.to_string();
    }
    let unit = 10_i64.pow(exp);
    let sign = if v < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:0width$}",
        v.abs() / unit,
        v.abs() % unit,
        width = exp as usize
    )
}
