//! Customer retention: who was a customer at the start of the period and still is at its end.

use super::*;

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

pub(super) fn retention_rows(conn: &Connection, scope: &Scope) -> Result<Vec<Vec<Cell>>> {
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

pub(super) fn customer_rows(
    conn: &Connection,
    scope: &Scope,
    currency: &str,
) -> Result<Vec<Vec<Cell>>> {
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
