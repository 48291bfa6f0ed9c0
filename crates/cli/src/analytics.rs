//! `rapport report`, `rapport dashboard` and `rapport churn`: the analytics, headless.

use clap::{Args, ValueEnum};
use rapport_core::insight::analytics::{self, Scope};
use rapport_core::{Db, Result};

use crate::{Format, emit, output};

/// The period and owner a report or the dashboard covers.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// this_month (default), last_month, this_quarter, this_year or last_year.
    #[arg(long)]
    period: Option<String>,
    /// First day, YYYY-MM-DD (to defaults to today).
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD, included.
    #[arg(long)]
    to: Option<String>,
    /// Only this team member's deals, leads and tickets (name or e-mail).
    #[arg(long)]
    owner: Option<String>,
    /// Count money in this currency (default: the currency of most invoices).
    #[arg(long)]
    currency: Option<String>,
}

impl ScopeArgs {
    fn scope(&self, db: &Db) -> Result<Scope> {
        analytics::ScopeInput {
            period: self.period.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            owner_id: crate::owner_id(db.conn(), &self.owner)?.flatten(),
            currency: self.currency.clone(),
        }
        .resolve(rapport_core::kernel::time::today())
    }
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// pipeline, pipeline-by-owner, forecast, won-lost, funnel, tickets, service, retention,
    /// customers, churn or campaigns.
    name: String,
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
}

pub fn run_report(db: &mut Db, a: ReportArgs) -> Result<()> {
    let scope = a.scope.scope(db)?;
    let report = analytics::report(
        db.conn(),
        &a.name,
        &scope,
        rapport_core::kernel::time::today(),
    )?;
    match a.format {
        ReportFormat::Json => output::json(&report),
        ReportFormat::Csv => output::line(analytics::to_csv(&report)?.trim_end()),
        ReportFormat::Table => {
            output::line(&format!(
                "{} ({} to {}, {})",
                report.title, report.scope.from, report.scope.to, report.currency
            ))?;
            let headers = analytics::headers(&report);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            output::table(&headers, analytics::text_rows(&report).into_iter())
        }
    }
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    /// List the records behind this figure (open_pipeline, won, win_rate, overdue_invoices, ...).
    #[arg(long)]
    records: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run_dashboard(db: &mut Db, a: DashboardArgs) -> Result<()> {
    let scope = a.scope.scope(db)?;
    let today = rapport_core::kernel::time::today();
    if let Some(key) = &a.records {
        let records = analytics::records(db.conn(), key, &scope, today)?;
        let currency = scope
            .currency
            .map_or_else(|| analytics::home_currency(db.conn()), Ok)?;
        return emit(a.format, &records, || {
            output::table(
                &["ENTITY", "ID", "RECORD", "AMOUNT"],
                records.iter().map(|r| {
                    vec![
                        r.entity.clone(),
                        r.id.clone(),
                        r.label.clone(),
                        r.amount_minor
                            .map(|amount_minor| {
                                output::money(&rapport_core::kernel::money::Money {
                                    amount_minor,
                                    currency: currency.clone(),
                                })
                            })
                            .unwrap_or_default(),
                    ]
                }),
            )
        });
    }
    let d = analytics::dashboard(db.conn(), &scope, today)?;
    emit(a.format, &d, || {
        output::line(&format!(
            "{} to {}, money in {}",
            d.scope.from, d.scope.to, d.currency
        ))?;
        output::table(
            &["FIGURE", "VALUE", "RECORDS"],
            d.figures.iter().map(|f| {
                let value = match (f.value, f.unit) {
                    (None, _) => "-".to_owned(),
                    (Some(v), analytics::Unit::Percent) => format!("{:.2} %", v as f64 / 100.0),
                    (Some(v), analytics::Unit::Money) => {
                        output::money(&rapport_core::kernel::money::Money {
                            amount_minor: v,
                            currency: d.currency.clone(),
                        })
                    }
                    (Some(v), analytics::Unit::Days) => format!("{v} days"),
                    (Some(v), _) => v.to_string(),
                };
                vec![f.label.clone(), value, f.count.to_string()]
            }),
        )
    })
}

#[derive(Debug, Args)]
pub struct ChurnArgs {
    /// How many customers to list, most at risk first.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// One account's score and reasons instead (its id).
    #[arg(long)]
    account: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run_churn(db: &mut Db, a: ChurnArgs) -> Result<()> {
    let today = rapport_core::kernel::time::today();
    let risks = match &a.account {
        Some(id) => vec![analytics::churn_of(db.conn(), id, today)?],
        None => analytics::churn(db.conn(), today, a.top)?,
    };
    emit(a.format, &risks, || {
        output::table(
            &["CUSTOMER", "RISK", "WHY"],
            risks.iter().map(|r| {
                vec![
                    r.account_name.clone(),
                    r.score.to_string(),
                    r.reasons
                        .iter()
                        .map(|x| format!("{} (+{})", x.text, x.points))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            }),
        )
    })
}
