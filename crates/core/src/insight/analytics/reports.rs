//! The named reports (pipeline, forecast, funnel, campaigns, service, customers...).

use super::*;

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

pub(super) fn funnel_rows(
    conn: &Connection,
    scope: &Scope,
    currency: &str,
) -> Result<Vec<Vec<Cell>>> {
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
