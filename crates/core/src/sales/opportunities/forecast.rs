//! The forecast: open deals' weighted amounts by expected close month, against what was won.

use super::*;

/// One month of the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ForecastMonth {
    /// YYYY-MM
    pub month: String,
    /// Open deals expected to close this month.
    pub open: Totals,
    /// Deals won this month.
    pub won: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Forecast {
    pub pipeline_name: String,
    pub months: Vec<ForecastMonth>,
    /// Open deals with no expected close date.
    pub undated: Totals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ForecastQuery {
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: DealFilters,
    /// Months before the current one to show (won amounts; default 6).
    pub months_back: Option<u32>,
    /// Months after the current one to show (default 12).
    pub months_ahead: Option<u32>,
}

fn add_months(month: NaiveDate, n: i64) -> NaiveDate {
    use chrono::Datelike;
    let total = i64::from(month.year_ce().1) * 12 + i64::from(month.month0()) + n;
    NaiveDate::from_ymd_opt((total / 12) as i32, (total % 12) as u32 + 1, 1).unwrap_or(month)
}

/// Open pipeline by expected close month (count, amount, weighted amount) with the amounts
/// won in each month. Open deals whose date has passed stay in their (past) month.
pub fn forecast(conn: &Connection, query: &ForecastQuery, today: NaiveDate) -> Result<Forecast> {
    let (pipeline, conditions, params) = query.filters.conditions(conn)?;
    let filter = conditions.join(" AND ");
    let this_month = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    let first = add_months(
        this_month,
        -i64::from(query.months_back.unwrap_or(6).min(120)),
    );
    let last = add_months(
        this_month,
        i64::from(query.months_ahead.unwrap_or(12).min(120)),
    );
    let mut months: BTreeMap<String, (Sums, Sums)> = BTreeMap::new();
    let mut m = first;
    while m <= last {
        months.insert(m.format("%Y-%m").to_string(), Default::default());
        m = add_months(m, 1);
    }
    let mut undated = Sums::default();
    let run = |sql: String,
               f: &mut dyn FnMut(Option<String>, i64, Option<String>, i128, i128)|
     -> Result<()> {
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let w: Option<i64> = r.get("weighted_minor")?;
            f(
                r.get("month")?,
                r.get("deals")?,
                r.get("currency")?,
                i128::from(r.get::<_, Option<i64>>("amount_minor")?.unwrap_or(0)),
                i128::from(w.unwrap_or(0)),
            );
        }
        Ok(())
    };
    run(
        format!(
            "SELECT substr(o.expected_close, 1, 7) AS month, count(*) AS deals, o.currency,
                    money_sum(o.amount_minor) AS amount_minor,
                    money_sum(o.amount_minor, {PROBABILITY}) AS weighted_minor
               FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE s.kind = 'open' AND {filter}
              GROUP BY 1, o.currency"
        ),
        &mut |month, count, currency, amount, weighted| match month {
            None => undated.add(count, currency, amount, weighted),
            Some(month) => {
                if let Some((open, _)) = months.get_mut(&month) {
                    open.add(count, currency, amount, weighted);
                }
            }
        },
    )?;
    run(
        format!(
            "SELECT substr(o.closed_on, 1, 7) AS month, count(*) AS deals, o.currency,
                    money_sum(o.amount_minor) AS amount_minor,
                    money_sum(o.amount_minor, 100) AS weighted_minor
               FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE s.kind = 'won' AND {filter}
              GROUP BY 1, o.currency"
        ),
        &mut |month, count, currency, amount, weighted| {
            if let Some((_, won)) = month.and_then(|m| months.get_mut(&m)) {
                won.add(count, currency, amount, weighted);
            }
        },
    )?;
    Ok(Forecast {
        pipeline_name: pipeline.name,
        months: months
            .into_iter()
            .map(|(month, (open, won))| {
                Ok(ForecastMonth {
                    month,
                    open: open.totals()?,
                    won: won.totals()?,
                })
            })
            .collect::<Result<_>>()?,
        undated: undated.totals()?,
    })
}
