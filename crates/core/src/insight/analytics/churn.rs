//! Churn risk: a score per customer account from its recent activity, spend and overdue money.

use super::*;

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

pub(super) fn show_money(minor: i64, currency: &str) -> String {
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
                r.get("id")?,
                (
                    r.get("name")?,
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
            "SELECT account_id, count(DISTINCT day) AS interactions, min(day) AS first_day,
                    max(day) AS last_day FROM (
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
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>("account_id")?) {
                f.interactions = r.get("interactions")?;
                f.first = r
                    .get::<_, Option<String>>("first_day")?
                    .and_then(|s| day(&s, "day").ok());
                f.last = r
                    .get::<_, Option<String>>("last_day")?
                    .and_then(|s| day(&s, "day").ok());
            }
        }
    }
    // Invoiced (less credit notes) in the two last half-years.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id,
                    money_sum(CASE WHEN issued_on >= ?2 THEN sign * total_minor ELSE 0 END) AS recent_minor,
                    money_sum(CASE WHEN issued_on < ?2 THEN sign * total_minor ELSE 0 END) AS earlier_minor
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
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>("account_id")?) {
                f.recent_minor = r.get("recent_minor")?;
                f.earlier_minor = r.get("earlier_minor")?;
            }
        }
    }
    // Open complaints and recent breaches.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT account_id,
                    sum(category = 'complaint' AND status NOT IN ('resolved', 'closed')) AS open_complaints,
                    sum(ifnull(fr_breached_at >= ?1, 0) + ifnull(res_breached_at >= ?1, 0)) AS breaches
               FROM tickets WHERE account_id IS NOT NULL AND (?2 IS NULL OR account_id = ?2)
              GROUP BY account_id",
        )?;
        let mut rows = stmt.query((d(90), only))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>("account_id")?) {
                f.open_complaints = r.get::<_, Option<i64>>("open_complaints")?.unwrap_or(0);
                f.breaches = r.get::<_, Option<i64>>("breaches")?.unwrap_or(0);
            }
        }
    }
    // Overdue invoices: issued, due before today, with something left to pay.
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT account_id, count(*) AS overdue, money_sum(balance) AS overdue_minor FROM (
               SELECT d.account_id, {BALANCE} AS balance
                 FROM sales_documents d
                WHERE d.kind = 'invoice' AND d.status NOT IN ('draft', 'void', 'paid', 'credited')
                  AND d.due_on < ?1 AND d.currency = ?2 AND d.account_id IS NOT NULL
                  AND (?3 IS NULL OR d.account_id = ?3))
              WHERE balance > 0 GROUP BY account_id"
        ))?;
        let mut rows = stmt.query((today.to_string(), &currency, only))?;
        while let Some(r) = rows.next()? {
            if let Some((_, f)) = facts.get_mut(&r.get::<_, String>("account_id")?) {
                f.overdue = r.get("overdue")?;
                f.overdue_minor = r.get("overdue_minor")?;
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
