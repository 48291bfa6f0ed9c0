//! Analytics: the figures an owner reads every morning and the reports behind them.
//!
//! Every figure is a plain SQL aggregate over the records, so each can be checked by hand:
//! the definitions below are the ones the reports and the dashboard use.
//!
//! - **Money** is counted in one currency, the *home currency*: the currency of most invoices
//!   (else of most deals, else EUR). Records in other currencies are not converted; their
//!   currencies are named in [`Dashboard::other_currencies`].
//! - **A period** is a range of days, both ends included, in the user's local calendar.
//! - **A customer** is an account with an issued invoice or a won deal. It is *active* on a
//!   day when it had one in the 365 days up to that day.
//! - **Win rate**: deals won / deals won or lost, by the day they closed.
//! - **Sales cycle**: days from a deal's creation to the day it was won.
//! - **Retention**: of the customers active on the first day of the period, the share still
//!   active on its last day.
//! - **Complaint rate**: customers active on the period's last day with a complaint ticket
//!   opened in the period / customers active on its last day.
//! - **Revenue** of a customer: invoices issued less credit notes issued, in the period.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

mod churn;
mod dashboard;
mod export;
mod reports;
mod retention;

pub use churn::*;
pub use dashboard::*;
pub use export::*;
pub use reports::*;
pub use retention::*;

/// The days a report covers, both included, and whose records it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "ReportScope")]
pub struct Scope {
    /// YYYY-MM-DD
    pub from: String,
    /// YYYY-MM-DD, included.
    pub to: String,
    /// Deals, leads and tickets of this team member only (money owed and churn ignore it).
    pub owner_id: Option<String>,
    /// Money figures in this currency (default: the home currency).
    pub currency: Option<String>,
}

/// A scope as the app asks for it: a named period or explicit days, an owner, a currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ScopeInput {
    /// this_month, last_month, this_quarter, this_year or last_year.
    pub period: Option<String>,
    /// YYYY-MM-DD
    pub from: Option<String>,
    /// YYYY-MM-DD, included.
    pub to: Option<String>,
    pub owner_id: Option<String>,
    pub currency: Option<String>,
}

impl ScopeInput {
    pub fn resolve(&self, today: NaiveDate) -> Result<Scope> {
        let mut scope = Scope::new(
            self.period.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            today,
        )?;
        scope.owner_id = self.owner_id.clone().filter(|o| !o.trim().is_empty());
        scope.currency = self.currency.clone().filter(|c| !c.trim().is_empty());
        Ok(scope)
    }
}

/// A named period relative to `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PeriodName {
    ThisMonth,
    LastMonth,
    ThisQuarter,
    ThisYear,
    LastYear,
}

impl PeriodName {
    pub fn parse(text: &str) -> Option<PeriodName> {
        Some(match text.trim().replace('-', "_").as_str() {
            "this_month" | "month" => PeriodName::ThisMonth,
            "last_month" => PeriodName::LastMonth,
            "this_quarter" | "quarter" => PeriodName::ThisQuarter,
            "this_year" | "year" => PeriodName::ThisYear,
            "last_year" => PeriodName::LastYear,
            _ => return None,
        })
    }

    /// The first and last day of the period around `today`.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let month_start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(today);
        let (y, m) = (today.year(), today.month());
        let (from, next) = match self {
            PeriodName::ThisMonth => (month_start(y, m), add_months(month_start(y, m), 1)),
            PeriodName::LastMonth => (add_months(month_start(y, m), -1), month_start(y, m)),
            PeriodName::ThisQuarter => {
                let q = month_start(y, (m - 1) / 3 * 3 + 1);
                (q, add_months(q, 3))
            }
            PeriodName::ThisYear => (month_start(y, 1), month_start(y + 1, 1)),
            PeriodName::LastYear => (month_start(y - 1, 1), month_start(y, 1)),
        };
        (from, next - Duration::days(1))
    }
}

fn add_months(day: NaiveDate, n: i32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 + n;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(day)
}

impl Scope {
    /// A scope from a named period or explicit dates; `to` defaults to today, `from` to the
    /// first of the month.
    pub fn new(
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Scope> {
        let (mut first, mut last) = PeriodName::ThisMonth.days(today);
        if let Some(p) = period.map(str::trim).filter(|p| !p.is_empty()) {
            let name = PeriodName::parse(p).ok_or_else(|| {
                Error::invalid(
                    "period",
                    format!(
                        "\"{p}\" is not a period (this_month, last_month, this_quarter, this_year, last_year)"
                    ),
                )
            })?;
            (first, last) = name.days(today);
        }
        if let Some(f) = from.filter(|f| !f.trim().is_empty()) {
            first = day(f, "from")?;
            if to.is_none_or(|t| t.trim().is_empty()) && period.is_none() {
                last = today.max(first);
            }
        }
        if let Some(t) = to.filter(|t| !t.trim().is_empty()) {
            last = day(t, "to")?;
        }
        if last < first {
            return Err(Error::invalid(
                "to",
                format!("the period ends ({last}) before it starts ({first})"),
            ));
        }
        Ok(Scope {
            from: first.to_string(),
            to: last.to_string(),
            owner_id: None,
            currency: None,
        })
    }

    fn first(&self) -> Result<NaiveDate> {
        day(&self.from, "from")
    }

    fn last(&self) -> Result<NaiveDate> {
        day(&self.to, "to")
    }

    /// The day after the period, for date columns (`YYYY-MM-DD` text compares as dates do).
    fn end_exclusive(&self) -> Result<String> {
        Ok((self.last()? + Duration::days(1)).to_string())
    }

    /// The period as stored instants, for time-stamp columns: from the start of its first local
    /// day to the start of the day after its last (a lead created at 00:30 on the 1st in Berlin
    /// is stored as the evening before in UTC, and still counts in the new month).
    fn instants(&self) -> Result<(String, String)> {
        let tz = crate::kernel::time::local_zone();
        Ok((
            crate::kernel::time::stamp(crate::kernel::time::start_of_day(tz, self.first()?)),
            crate::kernel::time::stamp(crate::kernel::time::start_of_day(
                tz,
                self.last()? + Duration::days(1),
            )),
        ))
    }
}

fn day(text: &str, field: &str) -> Result<NaiveDate> {
    crate::kernel::time::parse_date(field, text)
}

/// The currency money figures are counted in when none is asked for.
pub fn home_currency(conn: &Connection) -> Result<String> {
    let most = |sql: &str| -> Result<Option<String>> {
        Ok(conn.query_row(sql, [], |r| r.get(0)).optional()?)
    };
    Ok(most(
        "SELECT currency FROM sales_documents WHERE kind = 'invoice' AND status NOT IN ('draft', 'void')
          GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1",
    )?
    .or(most(
        "SELECT currency FROM opportunities WHERE currency IS NOT NULL
          GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1",
    )?)
    .unwrap_or_else(|| "EUR".to_owned()))
}

/// What a figure counts, which says how to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Unit {
    Count,
    /// Minor units of the report's currency.
    Money,
    /// Basis points: 6667 is 66.67 %.
    Percent,
    Days,
    Minutes,
    Text,
}

/// One value of a report's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Cell {
    Number(#[ts(type = "number")] i64),
    Text(String),
    /// Not applicable (a rate of nothing).
    Empty,
}

impl Cell {
    /// The number in the cell; 0 for text or an empty cell.
    pub fn number(&self) -> i64 {
        if let Cell::Number(v) = self { *v } else { 0 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub unit: Unit,
}

/// A report: a table with typed columns, the same for the screen, JSON and CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Report {
    pub name: String,
    pub title: String,
    pub scope: Scope,
    pub currency: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// How the figures are counted, in a sentence or two.
    pub note: String,
}

/// Every report, by name: (name, title).
pub const REPORTS: &[(&str, &str)] = &[
    ("pipeline", "Open pipeline by stage"),
    ("pipeline-by-owner", "Open pipeline by owner"),
    ("forecast", "Forecast by expected close month"),
    ("won-lost", "Won and lost deals, with reasons"),
    ("funnel", "Conversion funnel by lead source"),
    ("tickets", "Tickets by category and priority"),
    ("service", "Response and resolution times, SLA compliance"),
    ("retention", "Customer retention and complaints"),
    ("customers", "Revenue per customer"),
    ("churn", "Customers most at risk of leaving"),
    ("campaigns", "Campaign effectiveness and ROI"),
];

fn col(key: &str, label: &str, unit: Unit) -> Column {
    Column {
        key: key.to_owned(),
        label: label.to_owned(),
        unit,
    }
}

fn n(v: i64) -> Cell {
    Cell::Number(v)
}

fn t(v: impl Into<String>) -> Cell {
    Cell::Text(v.into())
}

/// `part / whole` in basis points, rounded half up; empty for a whole of zero.
pub fn rate(part: i64, whole: i64) -> Cell {
    if whole <= 0 {
        Cell::Empty
    } else {
        Cell::Number((part * 20_000 + whole) / (2 * whole))
    }
}

/// The probability a deal counts with: its own, else its stage's; 100 won, 0 lost.
const PROBABILITY: &str = "(CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END)";

/// Runs `sql` (with `?1` from, `?2` the day after to, `?3` owner or NULL, `?4` currency)
/// and returns its rows as cells: integers and NULL-free text.
fn table(conn: &Connection, sql: &str, scope: &Scope, currency: &str) -> Result<Vec<Vec<Cell>>> {
    let params = scope_params(scope, currency, crate::kernel::time::today())?;
    let mut stmt = conn.prepare_cached(sql)?;
    let width = stmt.column_count();
    let used = stmt.parameter_count();
    let rows = stmt
        .query_map(params_from_iter(params.iter().take(used)), |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get::<_, Value>(i)? {
                        Value::Integer(v) => Cell::Number(v),
                        Value::Real(v) => Cell::Number(v.round() as i64),
                        Value::Text(s) => Cell::Text(s),
                        Value::Null | Value::Blob(_) => Cell::Empty,
                    })
                })
                .collect::<rusqlite::Result<Vec<Cell>>>()
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The owner condition on alias `x`.
const OWNER: &str = "(?3 IS NULL OR x.owner_id = ?3)";

#[cfg(test)]
mod tests;
