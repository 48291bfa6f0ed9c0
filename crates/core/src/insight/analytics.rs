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

/// Builds the report `name` for `scope`.
pub fn report(conn: &Connection, name: &str, scope: &Scope, today: NaiveDate) -> Result<Report> {
    let currency = match scope.currency.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => crate::kernel::money::currency(c, "currency")?
            .code()
            .to_owned(),
        None => home_currency(conn)?,
    };
    let title = REPORTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| (*t).to_owned())
        .ok_or_else(|| {
            let names: Vec<&str> = REPORTS.iter().map(|(n, _)| *n).collect();
            Error::invalid(
                "report",
                format!(
                    "there is no report \"{name}\"; the reports are: {}",
                    names.join(", ")
                ),
            )
        })?;
    let open_deals = format!(
        "FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
          WHERE s.kind = 'open' AND {OWNER}"
    );
    let weighted = PROBABILITY.replace("o.", "x.");
    // Integer amounts are summed exactly (`money_sum`); weighted ones are fractions, summed as
    // REAL (which cannot overflow) and rounded once.
    let money_of = |column: &str| {
        let sum = if column.contains("100.0") {
            "sum"
        } else {
            "money_sum"
        };
        format!("{sum}(CASE WHEN x.currency = ?4 THEN {column} END)")
    };
    let (columns, rows, note) = match name {
        "pipeline" => (
            vec![
                col("stage", "Stage", Unit::Text),
                col("deals", "Deals", Unit::Count),
                col("amount", "Amount", Unit::Money),
                col("weighted", "Weighted", Unit::Money),
            ],
            table(
                conn,
                &format!(
                    "SELECT p.name || ' / ' || s.name, count(x.id), ifnull({}, 0), ifnull({}, 0)
                       FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
                       LEFT JOIN opportunities x ON x.stage_id = s.id AND {OWNER}
                      WHERE s.kind = 'open'
                      GROUP BY s.id ORDER BY p.position, s.position",
                    money_of("x.amount_minor"),
                    money_of(&format!("x.amount_minor * {weighted} / 100.0"))
                ),
                scope,
                &currency,
            )?,
            "Open deals now, whatever the period. Weighted: amount × the deal's probability (its stage's when it has none).".to_owned(),
        ),
        "pipeline-by-owner" => (
            vec![
                col("owner", "Owner", Unit::Text),
                col("deals", "Deals", Unit::Count),
                col("amount", "Amount", Unit::Money),
                col("weighted", "Weighted", Unit::Money),
            ],
            table(
                conn,
                &format!(
                    "SELECT ifnull(m.name, 'Nobody'), count(*), ifnull({}, 0), ifnull({}, 0)
                       {open_deals_with_owner}
                      GROUP BY x.owner_id ORDER BY 3 DESC, 1",
                    money_of("x.amount_minor"),
                    money_of(&format!("x.amount_minor * {weighted} / 100.0")),
                    open_deals_with_owner = open_deals.replace(
                        "WHERE",
                        "LEFT JOIN team_members m ON m.id = x.owner_id WHERE"
                    )
                ),
                scope,
                &currency,
            )?,
            "Open deals now, whatever the period.".to_owned(),
        ),
        "forecast" => (
            vec![
                col("month", "Close month", Unit::Text),
                col("deals", "Open deals", Unit::Count),
                col("amount", "Amount", Unit::Money),
                col("weighted", "Weighted", Unit::Money),
                col("won", "Won", Unit::Money),
            ],
            forecast_rows(conn, scope, &currency)?,
            "Open deals by the month they are expected to close (in the period), beside what was won in each month.".to_owned(),
        ),
        "won-lost" => (
            vec![
                col("outcome", "Outcome", Unit::Text),
                col("reason", "Reason", Unit::Text),
                col("deals", "Deals", Unit::Count),
                col("amount", "Amount", Unit::Money),
            ],
            table(
                conn,
                &format!(
                    "SELECT s.kind, CASE s.kind WHEN 'won' THEN '' ELSE ifnull(r.name, 'Not recorded') END,
                            count(*), ifnull({}, 0)
                       FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
                       LEFT JOIN lost_reasons r ON r.id = x.lost_reason_id
                      WHERE s.kind IN ('won', 'lost') AND x.closed_on >= ?1 AND x.closed_on < ?2 AND {OWNER}
                      GROUP BY 1, 2 ORDER BY s.kind DESC, 3 DESC, 2",
                    money_of("x.amount_minor")
                ),
                scope,
                &currency,
            )?,
            "Deals closed in the period, by the day they were closed.".to_owned(),
        ),
        "funnel" => (
            vec![
                col("source", "Source", Unit::Text),
                col("leads", "Leads", Unit::Count),
                col("converted", "Converted", Unit::Count),
                col("conversion", "Lead conversion", Unit::Percent),
                col("won", "Won deals", Unit::Count),
                col("won_amount", "Won amount", Unit::Money),
                col("win_rate", "Won of converted", Unit::Percent),
            ],
            funnel_rows(conn, scope, &currency)?,
            "Leads created in the period, by source; converted: turned into a contact (and an account and a deal when made); won: the deal made from it is won (whenever).".to_owned(),
        ),
        "tickets" => (
            vec![
                col("category", "Category", Unit::Text),
                col("priority", "Priority", Unit::Text),
                col("tickets", "Tickets", Unit::Count),
                col("open", "Still open", Unit::Count),
                col("breached", "SLA breached", Unit::Count),
            ],
            table(
                conn,
                &format!(
                    "SELECT x.category, x.priority, count(*),
                            sum(x.status NOT IN ('resolved', 'closed')),
                            sum(x.fr_breached_at IS NOT NULL OR x.res_breached_at IS NOT NULL)
                       FROM tickets x
                      WHERE x.created_at >= ?6 AND x.created_at < ?7 AND {OWNER}
                      GROUP BY 1, 2
                      ORDER BY 1, CASE x.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
                ),
                scope,
                &currency,
            )?,
            "Tickets opened in the period.".to_owned(),
        ),
        "service" => (
            vec![
                col("priority", "Priority", Unit::Text),
                col("tickets", "Tickets", Unit::Count),
                col("first_response", "Average first response", Unit::Minutes),
                col("resolution", "Average resolution", Unit::Minutes),
                col("first_response_met", "First response on time", Unit::Percent),
                col("resolution_met", "Resolved on time", Unit::Percent),
            ],
            service_rows(conn, scope)?,
            "Tickets opened in the period. Times are wall-clock minutes from opening; on time: met before its SLA target (tickets without a target or still running are left out).".to_owned(),
        ),
        "retention" => (
            vec![
                col("measure", "Measure", Unit::Text),
                col("value", "Value", Unit::Count),
                col("rate", "Rate", Unit::Percent),
            ],
            retention_rows(conn, scope)?,
            "A customer is active on a day when it had an issued invoice or a won deal in the 365 days up to it. Complaint rate: customers active at its end with a complaint ticket opened in the period / customers active at its end.".to_owned(),
        ),
        "customers" => (
            vec![
                col("account", "Customer", Unit::Text),
                col("invoiced", "Invoiced", Unit::Money),
                col("credited", "Credited", Unit::Money),
                col("revenue", "Revenue", Unit::Money),
                col("paid", "Paid", Unit::Money),
                col("share", "Share of revenue", Unit::Percent),
            ],
            customer_rows(conn, scope, &currency)?,
            "Invoices and credit notes issued in the period; revenue is invoiced less credited. Rapport records no direct costs yet, so profitability is revenue.".to_owned(),
        ),
        "churn" => (
            vec![
                col("account", "Customer", Unit::Text),
                col("score", "Risk (0-100)", Unit::Count),
                col("reasons", "Why", Unit::Text),
            ],
            churn(conn, today, 50)?
                .into_iter()
                .map(|c| {
                    vec![
                        t(c.account_name),
                        n(c.score),
                        t(c.reasons
                            .iter()
                            .map(|r| r.text.clone())
                            .collect::<Vec<_>>()
                            .join("; ")),
                    ]
                })
                .collect(),
            "Scored today, whatever the period: silence against the customer's usual rhythm, falling invoiced revenue, open complaints, recent SLA breaches and overdue invoices.".to_owned(),
        ),
        "campaigns" => (
            vec![
                col("campaign", "Campaign", Unit::Text),
                col("type", "Type", Unit::Text),
                col("members", "Members", Unit::Count),
                col("responses", "Responses", Unit::Count),
                col("response_rate", "Response rate", Unit::Percent),
                col("leads", "Leads", Unit::Count),
                col("converted", "Converted", Unit::Count),
                col("deals", "Deals", Unit::Count),
                col("won", "Won deals", Unit::Count),
                col("won_amount", "Won revenue", Unit::Money),
                col("cost", "Cost", Unit::Money),
                col("cost_per_lead", "Cost per lead", Unit::Money),
                col("roi", "ROI", Unit::Percent),
            ],
            campaign_rows(conn, scope, &currency)?,
            "Campaigns running in the period (or undated). Leads and deals are those naming the campaign, whenever they came; won revenue counts its won deals; ROI = (won revenue - cost) / cost. Money only for campaigns in the report's currency.".to_owned(),
        ),
        _ => return Err(Error::Internal(format!("report {name} has no query"))),
    };
    Ok(Report {
        name: name.to_owned(),
        title,
        scope: scope.clone(),
        currency,
        columns,
        rows,
        note,
    })
}

/// `trade_show` as `Trade show`.
fn kind_label(kind: &str) -> String {
    let words = kind.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn campaign_rows(conn: &Connection, scope: &Scope, currency: &str) -> Result<Vec<Vec<Cell>>> {
    let running: std::collections::HashSet<String> = conn
        .prepare_cached(
            "SELECT id FROM campaigns
              WHERE (starts_on IS NULL OR starts_on < ?2) AND (ends_on IS NULL OR ends_on >= ?1)",
        )?
        .query_map((&scope.from, scope.end_exclusive()?), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(crate::marketing::campaigns::effectiveness(conn, None)?
        .into_iter()
        .filter(|e| running.contains(&e.campaign_id))
        .map(|e| {
            let ours = e.currency == currency;
            let money = |v: Option<i64>| match v {
                Some(v) if ours => n(v),
                _ => Cell::Empty,
            };
            vec![
                t(e.name),
                t(kind_label(e.kind.as_str())),
                n(e.members),
                n(e.responses),
                rate(e.responses, e.members),
                n(e.leads),
                n(e.leads_converted),
                n(e.deals),
                n(e.deals_won),
                money(Some(e.won_minor)),
                money(e.cost_minor),
                money(e.cost_per_lead_minor),
                if ours {
                    e.roi_bp.map_or(Cell::Empty, n)
                } else {
                    Cell::Empty
                },
            ]
        })
        .collect())
}

fn forecast_rows(conn: &Connection, scope: &Scope, currency: &str) -> Result<Vec<Vec<Cell>>> {
    let x = owner_on("x", owned(scope));
    let weighted = PROBABILITY.replace("o.", "x.");
    let open = table(
        conn,
        &format!(
            "SELECT substr(x.expected_close, 1, 7), count(*),
                    ifnull(money_sum(CASE WHEN x.currency = ?4 THEN x.amount_minor END), 0),
                    ifnull(sum(CASE WHEN x.currency = ?4 THEN x.amount_minor * {weighted} / 100.0 END), 0)
               FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
              WHERE s.kind = 'open' AND +x.expected_close >= ?1 AND +x.expected_close < ?2 AND {x}
              GROUP BY 1"
        ),
        scope,
        currency,
    )?;
    let won = table(
        conn,
        &format!(
            "SELECT substr(x.closed_on, 1, 7),
                    ifnull(money_sum(CASE WHEN x.currency = ?4 THEN x.amount_minor END), 0)
               FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
              WHERE s.kind = 'won' AND x.closed_on >= ?1 AND x.closed_on < ?2 AND {x}
              GROUP BY 1"
        ),
        scope,
        currency,
    )?;
    let mut months: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    let mut m = scope.first()?.with_day(1).unwrap_or(scope.first()?);
    while m <= scope.last()? {
        months.insert(m.format("%Y-%m").to_string(), [0; 4]);
        m = add_months(m, 1);
    }
    for r in &open {
        if let Cell::Text(month) = &r[0] {
            let slot = months.entry(month.clone()).or_default();
            slot[0] = r[1].number();
            slot[1] = r[2].number();
            slot[2] = r[3].number();
        }
    }
    for r in &won {
        if let Cell::Text(month) = &r[0] {
            months.entry(month.clone()).or_default()[3] = r[1].number();
        }
    }
    Ok(months
        .into_iter()
        .map(|(month, v)| vec![t(month), n(v[0]), n(v[1]), n(v[2]), n(v[3])])
        .collect())
}

fn funnel_rows(conn: &Connection, scope: &Scope, currency: &str) -> Result<Vec<Vec<Cell>>> {
    let x = owner_on("x", owned(scope));
    let rows = table(
        conn,
        &format!(
            "SELECT ifnull(nullif(trim(x.source), ''), 'No source'), count(*),
                    count(x.converted_at),
                    sum(s.kind = 'won'),
                    ifnull(money_sum(CASE WHEN s.kind = 'won' AND o.currency = ?4 THEN o.amount_minor END), 0)
               FROM leads x
               LEFT JOIN opportunities o ON o.id = x.converted_opportunity_id
               LEFT JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE x.created_at >= ?6 AND x.created_at < ?7 AND {x}
              GROUP BY 1 ORDER BY 2 DESC, 1"
        ),
        scope,
        currency,
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (leads, converted, won) = (r[1].number(), r[2].number(), r[3].number());
            vec![
                r[0].clone(),
                n(leads),
                n(converted),
                rate(converted, leads),
                n(won),
                n(r[4].number()),
                rate(won, converted),
            ]
        })
        .collect())
}

fn service_rows(conn: &Connection, scope: &Scope) -> Result<Vec<Vec<Cell>>> {
    let rows = table(
        conn,
        &format!(
            "SELECT x.priority, count(*),
                    avg((julianday(x.first_responded_at) - julianday(x.created_at)) * 1440),
                    avg((julianday(x.resolved_at) - julianday(x.created_at)) * 1440),
                    sum(x.fr_met_at IS NOT NULL AND x.fr_breached_at IS NULL),
                    sum(x.fr_met_at IS NOT NULL OR x.fr_breached_at IS NOT NULL),
                    sum(x.res_met_at IS NOT NULL AND x.res_breached_at IS NULL),
                    sum(x.res_met_at IS NOT NULL OR x.res_breached_at IS NOT NULL)
               FROM tickets x
              WHERE x.created_at >= ?6 AND x.created_at < ?7 AND {OWNER}
              GROUP BY 1
              ORDER BY CASE x.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
        ),
        scope,
        "",
    )?;
    Ok(rows
        .into_iter()
        .map(|r| {
            vec![
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                rate(r[4].number(), r[5].number()),
                rate(r[6].number(), r[7].number()),
            ]
        })
        .collect())
}

/// Accounts that are customers active on `day`: an issued invoice or a won deal in the 365
/// days up to it.
fn active_on(conn: &Connection, day: NaiveDate) -> Result<std::collections::BTreeSet<String>> {
    let since = (day - Duration::days(364)).to_string();
    let until = (day + Duration::days(1)).to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT account_id FROM sales_documents
          WHERE kind = 'invoice' AND status NOT IN ('draft', 'void') AND account_id IS NOT NULL
            AND issued_on >= ?1 AND issued_on < ?2
         UNION
         SELECT o.account_id FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
          WHERE s.kind = 'won' AND o.account_id IS NOT NULL AND o.closed_on >= ?1 AND o.closed_on < ?2",
    )?;
    let ids = stmt
        .query_map((since, until), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Retention and complaint figures for the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomerRetention {
    #[ts(type = "number")]
    pub active_at_start: i64,
    #[ts(type = "number")]
    pub retained: i64,
    #[ts(type = "number")]
    pub active_at_end: i64,
    /// Customers whose first purchase falls in the period.
    #[ts(type = "number")]
    pub new_customers: i64,
    #[ts(type = "number")]
    pub complaining: i64,
}

pub fn retention(conn: &Connection, scope: &Scope) -> Result<CustomerRetention> {
    let start = active_on(conn, scope.first()?)?;
    let end = active_on(conn, scope.last()?)?;
    // Customers (active at the end) with a complaint opened in the period, so the rate is a
    // share of the customers and never more than all of them.
    let (start_at, end_at) = scope.instants()?;
    let complainers: std::collections::BTreeSet<String> = conn
        .prepare_cached(
            "SELECT DISTINCT account_id FROM tickets
              WHERE category = 'complaint' AND account_id IS NOT NULL
                AND created_at >= ?1 AND created_at < ?2",
        )?
        .query_map((start_at, end_at), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let complaining = complainers.intersection(&end).count() as i64;
    let new_customers: i64 = conn.query_row(
        "SELECT count(*) FROM (
           SELECT account_id, min(day) AS first FROM (
             SELECT account_id, issued_on AS day FROM sales_documents
              WHERE kind = 'invoice' AND status NOT IN ('draft', 'void') AND account_id IS NOT NULL
                AND issued_on IS NOT NULL
             UNION ALL
             SELECT o.account_id, o.closed_on FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE s.kind = 'won' AND o.account_id IS NOT NULL AND o.closed_on IS NOT NULL)
           GROUP BY account_id)
          WHERE first >= ?1 AND first < ?2",
        (&scope.from, scope.end_exclusive()?),
        |r| r.get(0),
    )?;
    Ok(CustomerRetention {
        active_at_start: start.len() as i64,
        retained: start.intersection(&end).count() as i64,
        active_at_end: end.len() as i64,
        new_customers,
        complaining,
    })
}

fn retention_rows(conn: &Connection, scope: &Scope) -> Result<Vec<Vec<Cell>>> {
    let r = retention(conn, scope)?;
    Ok(vec![
        vec![
            t("Customers active at the start"),
            n(r.active_at_start),
            Cell::Empty,
        ],
        vec![
            t("Still active at the end (retention)"),
            n(r.retained),
            rate(r.retained, r.active_at_start),
        ],
        vec![
            t("Customers active at the end"),
            n(r.active_at_end),
            Cell::Empty,
        ],
        vec![t("New customers"), n(r.new_customers), Cell::Empty],
        vec![
            t("Customers with a complaint (complaint rate)"),
            n(r.complaining),
            rate(r.complaining, r.active_at_end),
        ],
    ])
}

fn customer_rows(conn: &Connection, scope: &Scope, currency: &str) -> Result<Vec<Vec<Cell>>> {
    let rows = table(
        conn,
        "SELECT a.name,
                ifnull(money_sum(CASE WHEN d.kind = 'invoice' THEN d.total_minor END), 0),
                ifnull(money_sum(CASE WHEN d.kind = 'credit_note' THEN d.total_minor END), 0),
                ifnull(money_sum(CASE WHEN d.kind = 'invoice' THEN
                  (SELECT ifnull(money_sum(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = d.id) END), 0)
           FROM sales_documents d JOIN accounts a ON a.id = d.account_id
          WHERE d.kind IN ('invoice', 'credit_note') AND d.status NOT IN ('draft', 'void')
            AND d.currency = ?4 AND d.issued_on >= ?1 AND d.issued_on < ?2
            AND (?3 IS NULL OR a.owner_id = ?3)
          GROUP BY a.id",
        scope,
        currency,
    )?;
    let mut out: Vec<(i64, Vec<Cell>)> = rows
        .into_iter()
        .map(|r| {
            let revenue = crate::kernel::money::narrow(
                "revenue of a customer",
                i128::from(r[1].number()) - i128::from(r[2].number()),
            )?;
            Ok((
                revenue,
                vec![
                    r[0].clone(),
                    r[1].clone(),
                    r[2].clone(),
                    n(revenue),
                    r[3].clone(),
                ],
            ))
        })
        .collect::<Result<_>>()?;
    let total = crate::kernel::money::narrow(
        "revenue of all customers",
        out.iter().map(|(r, _)| i128::from(*r)).sum(),
    )?;
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| format!("{:?}", a.1[0]).cmp(&format!("{:?}", b.1[0])))
    });
    Ok(out
        .into_iter()
        .map(|(revenue, mut row)| {
            row.push(rate(revenue, total));
            row
        })
        .collect())
}

/// One reason behind a churn score, with the points it adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChurnReason {
    #[ts(type = "number")]
    pub points: i64,
    pub text: String,
}

/// A customer's risk of leaving: the sum of its reasons' points, at most 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChurnRisk {
    pub account_id: String,
    pub account_name: String,
    #[ts(type = "number")]
    pub score: i64,
    pub reasons: Vec<ChurnReason>,
}

/// Facts about one customer the score reads.
#[derive(Debug, Clone, Default)]
struct Facts {
    interactions: i64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    recent_minor: i64,
    earlier_minor: i64,
    open_complaints: i64,
    breaches: i64,
    overdue: i64,
    overdue_minor: i64,
    currency: String,
}

/// The shortest usual gap between interactions: a burst of contact around one sale (the deal,
/// its invoice, a ticket in the same week) does not make a week's silence look alarming.
const MIN_GAP_DAYS: i64 = 14;

/// The score and its reasons, from the facts. The rules, in order:
/// - silence (an interaction: a done activity with the account, its people or its deals, an
///   invoice, a won deal, a ticket): no interaction for more than twice the usual gap (+30) or
///   more than the usual gap (+15); the usual gap is the average between the days with an
///   interaction in the last year, at least 14 days, and 30 days with fewer than three such days;
/// - falling revenue: invoiced in the last 180 days at most half (+25) or at most four
///   fifths (+10) of the 180 days before;
/// - open complaints: +15 each, at most +30;
/// - SLA breaches in the last 90 days: +10 each, at most +20;
/// - overdue invoices: +20.
fn score(f: &Facts, today: NaiveDate) -> Vec<ChurnReason> {
    let mut reasons = Vec::new();
    let gap = match (f.first, f.last) {
        (Some(first), Some(last)) if f.interactions >= 3 => {
            ((last - first).num_days() / (f.interactions - 1)).max(MIN_GAP_DAYS)
        }
        _ => 30,
    };
    match f.last {
        Some(last) => {
            let silent = (today - last).num_days();
            let points = if silent > 2 * gap {
                30
            } else if silent > gap {
                15
            } else {
                0
            };
            if points > 0 {
                reasons.push(ChurnReason {
                    points,
                    text: format!("No contact for {silent} days; usually every {gap}"),
                });
            }
        }
        None => reasons.push(ChurnReason {
            points: 30,
            text: "No recorded contact in the last year".to_owned(),
        }),
    }
    if f.earlier_minor > 0 {
        let points = if f.recent_minor * 2 <= f.earlier_minor {
            25
        } else if f.recent_minor * 5 <= f.earlier_minor * 4 {
            10
        } else {
            0
        };
        if points > 0 {
            reasons.push(ChurnReason {
                points,
                text: format!(
                    "Invoiced {} in the last 6 months against {} the 6 before",
                    show_money(f.recent_minor, &f.currency),
                    show_money(f.earlier_minor, &f.currency)
                ),
            });
        }
    }
    if f.open_complaints > 0 {
        reasons.push(ChurnReason {
            points: (15 * f.open_complaints).min(30),
            text: format!(
                "{} open complaint{}",
                f.open_complaints,
                if f.open_complaints == 1 { "" } else { "s" }
            ),
        });
    }
    if f.breaches > 0 {
        reasons.push(ChurnReason {
            points: (10 * f.breaches).min(20),
            text: format!(
                "{} SLA breach{} in the last 90 days",
                f.breaches,
                if f.breaches == 1 { "" } else { "es" }
            ),
        });
    }
    if f.overdue > 0 {
        reasons.push(ChurnReason {
            points: 20,
            text: format!(
                "{} invoice{} overdue ({})",
                f.overdue,
                if f.overdue == 1 { "" } else { "s" },
                show_money(f.overdue_minor, &f.currency)
            ),
        });
    }
    reasons
}

fn show_money(minor: i64, currency: &str) -> String {
    let exp = crate::kernel::money::currency(currency, "currency")
        .map(crate::kernel::money::exponent)
        .unwrap_or(2);
    let unit = 10_i64.pow(exp);
    let whole = minor / unit;
    let mut digits = whole.abs().to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    format!("{currency} {sign}{digits}{grouped}")
}

/// Customers by risk of leaving, highest first (score above zero only), at most `top`.
pub fn churn(conn: &Connection, today: NaiveDate, top: usize) -> Result<Vec<ChurnRisk>> {
    let mut all = churn_facts(conn, today, None)?;
    all.retain(|c| c.score > 0);
    all.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.account_name.cmp(&b.account_name))
    });
    all.truncate(top);
    Ok(all)
}

/// One account's churn risk (score 0 with no reasons when nothing points to it).
pub fn churn_of(conn: &Connection, account_id: &str, today: NaiveDate) -> Result<ChurnRisk> {
    if !crate::store::writer::exists(conn, "accounts", account_id)? {
        return Err(Error::not_found("account", account_id));
    }
    let mut one = churn_facts(conn, today, Some(account_id))?;
    match one.pop() {
        Some(risk) => Ok(risk),
        // Not a customer yet: nothing to lose.
        None => Ok(ChurnRisk {
            account_id: account_id.to_owned(),
            account_name: crate::people::accounts::get(conn, account_id)?.name,
            score: 0,
            reasons: Vec::new(),
        }),
    }
}

fn churn_facts(conn: &Connection, today: NaiveDate, only: Option<&str>) -> Result<Vec<ChurnRisk>> {
    let currency = home_currency(conn)?;
    let d = |days: i64| (today - Duration::days(days)).to_string();
    let tomorrow = (today + Duration::days(1)).to_string();
    // Customers: accounts with an issued invoice or a won deal, ever.
    let mut facts: BTreeMap<String, (String, Facts)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.name FROM accounts a
              WHERE (?1 IS NULL OR a.id = ?1)
                AND (EXISTS (SELECT 1 FROM sales_documents d WHERE d.account_id = a.id
                               AND d.kind = 'invoice' AND d.status NOT IN ('draft', 'void'))
                  OR EXISTS (SELECT 1 FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
                              WHERE o.account_id = a.id AND s.kind = 'won'))",
        )?;
        let mut rows = stmt.query([only])?;
        while let Some(r) = rows.next()? {
            facts.insert(
                r.get(0)?,
                (
                    r.get(1)?,
                    Facts {
                        currency: currency.clone(),
                        ..Default::default()
                    },
                ),
            );
        }
    }
    // Days with an interaction in the last year: done activities on the account, its people or
    // its deals, invoices issued, deals won and tickets opened (one activity linked to several
    // of them, or a sale's deal, invoice and ticket on one day, is one day).
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id, count(DISTINCT day), min(day), max(day) FROM (
               SELECT l.entity_id AS account_id, substr(x.done_at, 1, 10) AS day
                 FROM json_each(?4) cu
                 CROSS JOIN activity_links l ON l.entity = 'accounts' AND l.entity_id = cu.value
                 CROSS JOIN activities x ON x.id = l.activity_id
                WHERE x.done_at >= ?1 AND x.done_at < ?2
               UNION ALL
               SELECT c.account_id, substr(x.done_at, 1, 10)
                 FROM json_each(?4) cu
                 CROSS JOIN contacts c ON c.account_id = cu.value
                 CROSS JOIN activity_links l ON l.entity = 'contacts' AND l.entity_id = c.id
                 CROSS JOIN activities x ON x.id = l.activity_id
                WHERE x.done_at >= ?1 AND x.done_at < ?2
               UNION ALL
               SELECT o.account_id, substr(x.done_at, 1, 10)
                 FROM json_each(?4) cu
                 CROSS JOIN opportunities o ON o.account_id = cu.value
                 CROSS JOIN activity_links l ON l.entity = 'opportunities' AND l.entity_id = o.id
                 CROSS JOIN activities x ON x.id = l.activity_id
                WHERE x.done_at >= ?1 AND x.done_at < ?2               UNION ALL
               SELECT account_id, issued_on FROM sales_documents
                WHERE kind = 'invoice' AND status NOT IN ('draft', 'void')
                  AND issued_on >= ?1 AND issued_on < ?2
               UNION ALL
               SELECT o.account_id, o.closed_on FROM opportunities o
                 JOIN pipeline_stages s ON s.id = o.stage_id
                WHERE s.kind = 'won' AND o.closed_on >= ?1 AND o.closed_on < ?2
               UNION ALL
               SELECT account_id, substr(created_at, 1, 10) FROM tickets
                WHERE created_at >= ?1 AND created_at < ?2)
             WHERE account_id IS NOT NULL AND (?3 IS NULL OR account_id = ?3)
             GROUP BY account_id",
        )?;
        // Activities are read for the customers only, through their links (CROSS JOIN keeps
        // that order: SQLite would otherwise start from every contact's links).
        let customers = serde_json::to_string(&facts.keys().collect::<Vec<_>>())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let mut rows = stmt.query((d(365), &tomorrow, only, customers))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>(0)?) {
                f.interactions = r.get(1)?;
                f.first = r
                    .get::<_, Option<String>>(2)?
                    .and_then(|s| day(&s, "day").ok());
                f.last = r
                    .get::<_, Option<String>>(3)?
                    .and_then(|s| day(&s, "day").ok());
            }
        }
    }
    // Invoiced (less credit notes) in the two last half-years.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id,
                    money_sum(CASE WHEN issued_on >= ?2 THEN sign * total_minor ELSE 0 END),
                    money_sum(CASE WHEN issued_on < ?2 THEN sign * total_minor ELSE 0 END)
               FROM (SELECT account_id, issued_on, total_minor,
                            CASE kind WHEN 'credit_note' THEN -1 ELSE 1 END AS sign
                       FROM sales_documents
                      WHERE kind IN ('invoice', 'credit_note') AND status NOT IN ('draft', 'void')
                        AND currency = ?4 AND issued_on >= ?1 AND issued_on < ?3)
              WHERE account_id IS NOT NULL AND (?5 IS NULL OR account_id = ?5)
              GROUP BY account_id",
        )?;
        let mut rows = stmt.query((d(360), d(180), &tomorrow, &currency, only))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>(0)?) {
                f.recent_minor = r.get(1)?;
                f.earlier_minor = r.get(2)?;
            }
        }
    }
    // Open complaints and recent breaches.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id,
                    sum(category = 'complaint' AND status NOT IN ('resolved', 'closed')),
                    sum(ifnull(fr_breached_at >= ?1, 0) + ifnull(res_breached_at >= ?1, 0))
               FROM tickets WHERE account_id IS NOT NULL AND (?2 IS NULL OR account_id = ?2)
              GROUP BY account_id",
        )?;
        let mut rows = stmt.query((d(90), only))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>(0)?) {
                f.open_complaints = r.get::<_, Option<i64>>(1)?.unwrap_or(0);
                f.breaches = r.get::<_, Option<i64>>(2)?.unwrap_or(0);
            }
        }
    }
    // Overdue invoices: issued, due before today, with something left to pay.
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT account_id, count(*), money_sum(balance) FROM (
               SELECT d.account_id, {BALANCE} AS balance
                 FROM sales_documents d
                WHERE d.kind = 'invoice' AND d.status NOT IN ('draft', 'void', 'paid', 'credited')
                  AND d.due_on < ?1 AND d.currency = ?2 AND d.account_id IS NOT NULL
                  AND (?3 IS NULL OR d.account_id = ?3))
              WHERE balance > 0 GROUP BY account_id"
        ))?;
        let mut rows = stmt.query((today.to_string(), &currency, only))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>(0)?) {
                f.overdue = r.get(1)?;
                f.overdue_minor = r.get(2)?;
            }
        }
    }
    Ok(facts
        .into_iter()
        .map(|(account_id, (account_name, f))| {
            let reasons = score(&f, today);
            ChurnRisk {
                account_id,
                account_name,
                score: reasons.iter().map(|r| r.points).sum::<i64>().min(100),
                reasons,
            }
        })
        .collect())
}

/// What is left to pay on invoice `d`, as SQL.
const BALANCE: &str = "(d.total_minor
    - (SELECT ifnull(money_sum(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = d.id)
    - (SELECT ifnull(money_sum(c.total_minor), 0) FROM sales_documents c
        WHERE c.source_id = d.id AND c.kind = 'credit_note' AND c.status <> 'void'))";

/// One figure of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Figure {
    /// Stable name: `open_pipeline`, `weighted_forecast`, `won`, `lost`, `win_rate`,
    /// `average_deal`, `sales_cycle`, `lead_conversion`, `new_customers`, `open_tickets`,
    /// `sla_breaches`, `overdue_invoices`.
    pub key: String,
    pub label: String,
    pub unit: Unit,
    /// `None` when there is nothing to measure (a win rate with no closed deal).
    #[ts(type = "number | null")]
    pub value: Option<i64>,
    /// How many records are behind the figure ([`records`] lists them).
    #[ts(type = "number")]
    pub count: i64,
}

/// One month of the dashboard's chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MonthPoint {
    /// YYYY-MM
    pub month: String,
    #[ts(type = "number")]
    pub open_minor: i64,
    #[ts(type = "number")]
    pub weighted_minor: i64,
    #[ts(type = "number")]
    pub won_minor: i64,
}

/// Lead conversion for one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourcePoint {
    pub source: String,
    #[ts(type = "number")]
    pub leads: i64,
    #[ts(type = "number")]
    pub converted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub scope: Scope,
    pub currency: String,
    /// Currencies of deals or invoices left out of the money figures.
    pub other_currencies: Vec<String>,
    pub figures: Vec<Figure>,
    /// The open pipeline by expected close month, from this month on 12 months, with the
    /// amounts won in each month of the period.
    pub forecast: Vec<MonthPoint>,
    pub conversion: Vec<SourcePoint>,
}

/// The SQL behind one dashboard figure. Its records are
/// `SELECT entity, id, name, amount FROM ... ORDER BY ...`; the figure aggregates the same
/// `FROM ... WHERE` (count, sum of `amount`, average of `measure`, count of `flag`), so a
/// figure and its records always agree. Parameters: `?1` from, `?2` the day after to, `?3`
/// owner, `?4` currency, `?5` today.
struct FigureSql {
    label: &'static str,
    unit: Unit,
    entity: &'static str,
    id: &'static str,
    name: &'static str,
    amount: String,
    measure: &'static str,
    flag: &'static str,
    from: String,
    order: &'static str,
}

/// The owner condition on `alias`, only when there is an owner to match: without it SQLite
/// can read a figure from an index alone.
fn owner_on(alias: &str, owned: bool) -> String {
    if owned {
        format!("{alias}.owner_id = ?3")
    } else {
        "1".to_owned()
    }
}

fn figure_sql(key: &str, owned: bool) -> Option<FigureSql> {
    let x = owner_on("x", owned);
    let deal_amount = "CASE WHEN x.currency = ?4 THEN x.amount_minor END".to_owned();
    let deals = |label, unit, condition: &str, measure, flag| FigureSql {
        label,
        unit,
        entity: "opportunities",
        id: "x.id",
        name: "x.name",
        amount: deal_amount.clone(),
        measure,
        flag,
        from: format!(
            "FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
              WHERE {condition} AND {x}"
        ),
        order: "ORDER BY x.amount_minor DESC, x.name",
    };
    let closed = "x.closed_on >= ?1 AND x.closed_on < ?2";
    let cycle = "julianday(x.closed_on) - julianday(substr(x.created_at, 1, 10))";
    let tickets = |label, condition: String| FigureSql {
        label,
        unit: Unit::Count,
        entity: "tickets",
        id: "x.id",
        name: "'#' || x.number || ' ' || x.subject",
        amount: "NULL".to_owned(),
        measure: "NULL",
        flag: "0",
        from: format!("FROM tickets x WHERE {condition} AND {x}"),
        order: "ORDER BY x.number",
    };
    Some(match key {
        "open_pipeline" => deals("Open pipeline", Unit::Money, "s.kind = 'open'", "NULL", "0"),
        "weighted_forecast" => FigureSql {
            amount: format!(
                "CASE WHEN x.currency = ?4 THEN round(x.amount_minor * {} / 100.0) END",
                PROBABILITY.replace("o.", "x.")
            ),
            ..deals(
                "Weighted forecast",
                Unit::Money,
                "s.kind = 'open'",
                "NULL",
                "0",
            )
        },
        "won" => deals(
            "Won",
            Unit::Money,
            &format!("s.kind = 'won' AND {closed}"),
            "NULL",
            "0",
        ),
        "lost" => deals(
            "Lost",
            Unit::Money,
            &format!("s.kind = 'lost' AND {closed}"),
            "NULL",
            "0",
        ),
        "win_rate" => deals(
            "Win rate",
            Unit::Percent,
            &format!("s.kind IN ('won', 'lost') AND {closed}"),
            "NULL",
            "s.kind = 'won'",
        ),
        "average_deal" => deals(
            "Average won deal",
            Unit::Money,
            &format!("s.kind = 'won' AND {closed}"),
            "NULL",
            "0",
        ),
        "sales_cycle" => FigureSql {
            order: "ORDER BY x.closed_on DESC, x.name",
            ..deals(
                "Average sales cycle",
                Unit::Days,
                &format!("s.kind = 'won' AND {closed}"),
                cycle,
                "0",
            )
        },
        "lead_conversion" => FigureSql {
            label: "Lead conversion",
            unit: Unit::Percent,
            entity: "leads",
            id: "x.id",
            name: "x.name",
            amount: "NULL".to_owned(),
            measure: "NULL",
            flag: "x.converted_at IS NOT NULL",
            from: format!("FROM leads x WHERE x.created_at >= ?6 AND x.created_at < ?7 AND {x}"),
            order: "ORDER BY x.created_at DESC",
        },
        "new_customers" => FigureSql {
            label: "New customers",
            unit: Unit::Count,
            entity: "accounts",
            id: "a.id",
            name: "a.name",
            amount: "NULL".to_owned(),
            measure: "NULL",
            flag: "0",
            from: format!(
                "FROM accounts a JOIN (
                   SELECT account_id, min(day) AS first FROM (
                     SELECT account_id, issued_on AS day FROM sales_documents
                      WHERE kind = 'invoice' AND status NOT IN ('draft', 'void') AND issued_on IS NOT NULL
                     UNION ALL
                     SELECT o.account_id, o.closed_on FROM opportunities o
                       JOIN pipeline_stages s ON s.id = o.stage_id
                      WHERE s.kind = 'won' AND o.closed_on IS NOT NULL)
                    WHERE account_id IS NOT NULL GROUP BY account_id) f ON f.account_id = a.id
                  WHERE f.first >= ?1 AND f.first < ?2 AND {}",
                owner_on("a", owned)
            ),
            order: "ORDER BY a.name",
        },
        "open_tickets" => tickets(
            "Open tickets",
            "x.status NOT IN ('resolved', 'closed')".to_owned(),
        ),
        "sla_breaches" => tickets(
            "SLA breaches",
            "((x.fr_breached_at >= ?6 AND x.fr_breached_at < ?7)
              OR (x.res_breached_at >= ?6 AND x.res_breached_at < ?7))"
                .to_owned(),
        ),
        "overdue_invoices" => FigureSql {
            label: "Overdue invoices",
            unit: Unit::Money,
            entity: "sales_documents",
            id: "d.id",
            name: "ifnull(d.number, 'Draft') || ifnull(' ' || a.name, '')",
            amount: format!("CASE WHEN d.currency = ?4 THEN {BALANCE} END"),
            measure: "NULL",
            flag: "0",
            from: format!(
                "FROM sales_documents d LEFT JOIN accounts a ON a.id = d.account_id
                  WHERE d.kind = 'invoice' AND d.status NOT IN ('draft', 'void', 'paid', 'credited')
                    AND d.due_on < ?5 AND {BALANCE} > 0 AND {}",
                owner_on("a", owned)
            ),
            order: "ORDER BY d.due_on",
        },
        _ => return None,
    })
}

/// The figures in dashboard order.
const FIGURES: &[&str] = &[
    "open_pipeline",
    "weighted_forecast",
    "won",
    "lost",
    "win_rate",
    "average_deal",
    "sales_cycle",
    "lead_conversion",
    "new_customers",
    "open_tickets",
    "sla_breaches",
    "overdue_invoices",
];

/// A record behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FigureRecord {
    /// `opportunities`, `leads`, `accounts`, `tickets` or `sales_documents`.
    pub entity: String,
    pub id: String,
    pub label: String,
    /// Its amount in the report's currency, when it has one.
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
}

/// At most this many records are listed behind a figure.
pub const RECORDS_LIMIT: usize = 1000;

/// The parameters every analytics query may use: `?1` first day, `?2` the day after the last
/// (date columns), `?3` owner or NULL, `?4` currency, `?5` today, `?6` and `?7` the period as
/// instants (time-stamp columns).
fn scope_params(scope: &Scope, currency: &str, today: NaiveDate) -> Result<[Value; 7]> {
    let (start, end) = scope.instants()?;
    Ok([
        Value::Text(scope.from.clone()),
        Value::Text(scope.end_exclusive()?),
        scope
            .owner_id
            .clone()
            .filter(|o| !o.is_empty())
            .map_or(Value::Null, Value::Text),
        Value::Text(currency.to_owned()),
        Value::Text(today.to_string()),
        Value::Text(start),
        Value::Text(end),
    ])
}

fn unknown_figure(key: &str) -> Error {
    Error::invalid(
        "figure",
        format!(
            "there is no figure \"{key}\"; the figures are: {}",
            FIGURES.join(", ")
        ),
    )
}

/// The records behind the dashboard figure `key` (see [`Figure::key`]), the first
/// [`RECORDS_LIMIT`] in the figure's order.
pub fn records(
    conn: &Connection,
    key: &str,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<FigureRecord>> {
    let currency = scope_currency(conn, scope)?;
    let f = figure_sql(key, owned(scope)).ok_or_else(|| unknown_figure(key))?;
    let sql = format!(
        "SELECT '{}', {}, {}, {} {} {} LIMIT {RECORDS_LIMIT}",
        f.entity, f.id, f.name, f.amount, f.from, f.order
    );
    query_scoped(conn, &sql, scope, &currency, today, |r| {
        Ok(FigureRecord {
            entity: r.get(0)?,
            id: r.get(1)?,
            label: r.get(2)?,
            amount_minor: r.get::<_, Option<f64>>(3)?.map(|v| v.round() as i64),
        })
    })
}

fn owned(scope: &Scope) -> bool {
    scope.owner_id.as_deref().is_some_and(|o| !o.is_empty())
}

/// Runs `sql` with the scope's parameters (those it uses).
fn query_scoped<T>(
    conn: &Connection,
    sql: &str,
    scope: &Scope,
    currency: &str,
    today: NaiveDate,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let params = scope_params(scope, currency, today)?;
    let mut stmt = conn.prepare_cached(sql)?;
    let used = stmt.parameter_count();
    let rows = stmt
        .query_map(params_from_iter(params.iter().take(used)), row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One figure, aggregated in SQL over the same rows [`records`] lists.
fn figure(
    conn: &Connection,
    key: &str,
    scope: &Scope,
    currency: &str,
    today: NaiveDate,
) -> Result<Figure> {
    let f = figure_sql(key, owned(scope)).ok_or_else(|| unknown_figure(key))?;
    let sql = format!(
        "SELECT count(*), money_sum({a}), count({a}), avg({m}), sum({g}) {from}",
        a = f.amount,
        m = f.measure,
        g = f.flag,
        from = f.from
    );
    type Sums = (i64, Option<f64>, i64, Option<f64>, Option<i64>);
    let rows: Vec<Sums> = query_scoped(conn, &sql, scope, currency, today, |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    let (count, sum, priced, measure, flagged) = rows.into_iter().next().unwrap_or_default();
    let sum = sum.map_or(0, |v| v.round() as i64);
    let value = match key {
        "win_rate" | "lead_conversion" => cell_value(rate(flagged.unwrap_or(0), count)),
        "average_deal" => (priced > 0).then(|| (sum * 2 + priced) / (2 * priced)),
        "sales_cycle" => measure.map(|d| d.round() as i64),
        _ if f.unit == Unit::Money => Some(sum),
        _ => Some(count),
    };
    Ok(Figure {
        key: key.to_owned(),
        label: f.label.to_owned(),
        unit: f.unit,
        value,
        count,
    })
}

fn scope_currency(conn: &Connection, scope: &Scope) -> Result<String> {
    match scope.currency.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Ok(crate::kernel::money::currency(c, "currency")?
            .code()
            .to_owned()),
        None => home_currency(conn),
    }
}

/// The open deals by expected close month (`None`: undated): count, amount, weighted amount
/// and their currencies, in one pass over the index of open deals.
type OpenMonth = (Option<String>, i64, f64, f64, Option<String>);

fn open_by_month(
    conn: &Connection,
    scope: &Scope,
    currency: &str,
    today: NaiveDate,
) -> Result<Vec<OpenMonth>> {
    let (Some(open), Some(weighted)) = (
        figure_sql("open_pipeline", owned(scope)),
        figure_sql("weighted_forecast", owned(scope)),
    ) else {
        return Err(Error::Internal("the open pipeline has no query".into()));
    };
    let sql = format!(
        "SELECT substr(x.expected_close, 1, 7), count(*), ifnull(money_sum({}), 0), ifnull(money_sum({}), 0),
                group_concat(DISTINCT x.currency)
           {} GROUP BY 1",
        open.amount, weighted.amount, open.from
    );
    query_scoped(conn, &sql, scope, currency, today, |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
}

/// The dashboard for `scope`.
pub fn dashboard(conn: &Connection, scope: &Scope, today: NaiveDate) -> Result<Dashboard> {
    let currency = scope_currency(conn, scope)?;
    let conversion: Vec<SourcePoint> = funnel_rows(conn, scope, &currency)?
        .into_iter()
        .map(|r| SourcePoint {
            source: if let Cell::Text(s) = &r[0] {
                s.clone()
            } else {
                String::new()
            },
            leads: r[1].number(),
            converted: r[2].number(),
        })
        .collect();
    let open_months = open_by_month(conn, scope, &currency, today)?;
    let open_figure = |key: &str, pick: fn(&OpenMonth) -> f64| -> Result<Figure> {
        let f = figure_sql(key, owned(scope)).ok_or_else(|| unknown_figure(key))?;
        Ok(Figure {
            key: key.to_owned(),
            label: f.label.to_owned(),
            unit: f.unit,
            value: Some(open_months.iter().map(pick).sum::<f64>().round() as i64),
            count: open_months.iter().map(|m| m.1).sum(),
        })
    };
    let (open, weighted) = (
        open_figure("open_pipeline", |m| m.2)?,
        open_figure("weighted_forecast", |m| m.3)?,
    );
    let figures = FIGURES
        .iter()
        .map(|key| match *key {
            // Read together with others, from the same rows as their records.
            "open_pipeline" => Ok(open.clone()),
            "weighted_forecast" => Ok(weighted.clone()),
            "lead_conversion" => {
                let leads: i64 = conversion.iter().map(|s| s.leads).sum();
                let converted: i64 = conversion.iter().map(|s| s.converted).sum();
                Ok(Figure {
                    key: (*key).to_owned(),
                    label: "Lead conversion".to_owned(),
                    unit: Unit::Percent,
                    value: cell_value(rate(converted, leads)),
                    count: leads,
                })
            }
            _ => figure(conn, key, scope, &currency, today),
        })
        .collect::<Result<Vec<_>>>()?;
    // The chart: from the period's first month (or this one) to 12 months ahead.
    let month_start = today.with_day(1).unwrap_or(today);
    let first = scope
        .first()?
        .min(month_start)
        .with_day(1)
        .unwrap_or(month_start);
    let last = (add_months(month_start, 12) - Duration::days(1)).max(scope.last()?);
    let mut months: BTreeMap<String, MonthPoint> = BTreeMap::new();
    let mut m = first;
    while m <= last {
        let month = m.format("%Y-%m").to_string();
        months.insert(
            month.clone(),
            MonthPoint {
                month,
                open_minor: 0,
                weighted_minor: 0,
                won_minor: 0,
            },
        );
        m = add_months(m, 1);
    }
    for (month, _, amount, weighed, _) in &open_months {
        if let Some(p) = month.as_ref().and_then(|m| months.get_mut(m)) {
            p.open_minor = amount.round() as i64;
            p.weighted_minor = weighed.round() as i64;
        }
    }
    let chart = Scope {
        from: first.to_string(),
        to: last.to_string(),
        ..scope.clone()
    };
    let won = table(
        conn,
        &format!(
            "SELECT substr(x.closed_on, 1, 7),
                    ifnull(money_sum(CASE WHEN x.currency = ?4 THEN x.amount_minor END), 0)
               FROM opportunities x JOIN pipeline_stages s ON s.id = x.stage_id
              WHERE s.kind = 'won' AND x.closed_on >= ?1 AND x.closed_on < ?2 AND {}
              GROUP BY 1",
            owner_on("x", owned(scope))
        ),
        &chart,
        &currency,
    )?;
    for r in won {
        if let (Cell::Text(month), Cell::Number(v)) = (&r[0], &r[1])
            && let Some(p) = months.get_mut(month)
        {
            p.won_minor = *v;
        }
    }
    let forecast: Vec<MonthPoint> = months.into_values().collect();
    // Currencies the money figures leave out: of the open deals, the deals closed and the
    // invoices issued in the period, and the invoices overdue.
    let mut other_currencies: std::collections::BTreeSet<String> = open_months
        .iter()
        .filter_map(|m| m.4.as_deref())
        .flat_map(|c| c.split(','))
        .map(str::to_owned)
        .collect();
    other_currencies.extend(query_scoped(
        conn,
        "SELECT currency FROM opportunities
          WHERE closed_on >= ?1 AND closed_on < ?2 AND currency IS NOT NULL
         UNION
         SELECT currency FROM sales_documents
          WHERE kind IN ('invoice', 'credit_note') AND status NOT IN ('draft', 'void')
            AND ((issued_on >= ?1 AND issued_on < ?2)
              OR (kind = 'invoice' AND status NOT IN ('paid', 'credited') AND due_on < ?5))",
        scope,
        &currency,
        today,
        |r| r.get::<_, String>(0),
    )?);
    other_currencies.remove(&currency);
    let other_currencies: Vec<String> = other_currencies.into_iter().collect();
    Ok(Dashboard {
        scope: scope.clone(),
        currency,
        other_currencies,
        figures,
        forecast,
        conversion,
    })
}

fn cell_value(c: Cell) -> Option<i64> {
    match c {
        Cell::Number(v) => Some(v),
        _ => None,
    }
}

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
fn decimal(v: i64, exp: u32) -> String {
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

#[cfg(test)]
mod tests {
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
}
