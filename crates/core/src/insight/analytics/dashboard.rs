//! The dashboard: headline figures (each with the records behind it), months and sources.

use super::*;

/// What is left to pay on invoice `d`, as SQL.
pub(super) const BALANCE: &str = "(d.total_minor
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
pub(super) fn owner_on(alias: &str, owned: bool) -> String {
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
pub(super) fn scope_params(scope: &Scope, currency: &str, today: NaiveDate) -> Result<[Value; 7]> {
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
        "SELECT '{}' AS entity, {} AS id, {} AS label, {} AS amount {} {} LIMIT {RECORDS_LIMIT}",
        f.entity, f.id, f.name, f.amount, f.from, f.order
    );
    query_scoped(conn, &sql, scope, &currency, today, |r| {
        Ok(FigureRecord {
            entity: r.get("entity")?,
            id: r.get("id")?,
            label: r.get("label")?,
            amount_minor: r.get::<_, Option<f64>>("amount")?.map(|v| v.round() as i64),
        })
    })
}

pub(super) fn owned(scope: &Scope) -> bool {
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
        "SELECT count(*) AS records, money_sum({a}) AS total, count({a}) AS priced,
                avg({m}) AS measure, sum({g}) AS flagged {from}",
        a = f.amount,
        m = f.measure,
        g = f.flag,
        from = f.from
    );
    type Sums = (i64, Option<f64>, i64, Option<f64>, Option<i64>);
    let rows: Vec<Sums> = query_scoped(conn, &sql, scope, currency, today, |r| {
        Ok((
            r.get("records")?,
            r.get("total")?,
            r.get("priced")?,
            r.get("measure")?,
            r.get("flagged")?,
        ))
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
        "SELECT substr(x.expected_close, 1, 7) AS month, count(*) AS deals,
                ifnull(money_sum({}), 0) AS amount, ifnull(money_sum({}), 0) AS weighted,
                group_concat(DISTINCT x.currency) AS currencies
           {} GROUP BY 1",
        open.amount, weighted.amount, open.from
    );
    query_scoped(conn, &sql, scope, currency, today, |r| {
        Ok((
            r.get("month")?,
            r.get("deals")?,
            r.get("amount")?,
            r.get("weighted")?,
            r.get("currencies")?,
        ))
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
