//! Complaint figures over a period, by account.

use super::*;

/// Complaints on one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountComplaints {
    pub account_id: String,
    pub account_name: String,
    #[ts(type = "number")]
    pub tickets: i64,
    #[ts(type = "number")]
    pub complaints: i64,
}

/// Complaint figures for the analytics: tickets of category complaint, overall and per account
/// (accounts with at least one complaint, most first), and the share of customers who complained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComplaintStats {
    #[ts(type = "number")]
    pub tickets: i64,
    #[ts(type = "number")]
    pub complaints: i64,
    /// Complaints among all tickets, in percent (one decimal, as tenths: 125 = 12.5%).
    #[ts(type = "number")]
    pub complaint_share_tenths: i64,
    /// Accounts with at least one ticket, and how many of them complained.
    #[ts(type = "number")]
    pub accounts_with_tickets: i64,
    #[ts(type = "number")]
    pub accounts_complaining: i64,
    pub accounts: Vec<AccountComplaints>,
}

/// Complaints opened in `[from, to)` (dates `YYYY-MM-DD`, either open-ended).
pub fn complaints(
    conn: &Connection,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ComplaintStats> {
    let window = "(?1 IS NULL OR x.created_at >= ?1) AND (?2 IS NULL OR x.created_at < ?2)";
    let (tickets, complaints, accounts_with, accounts_complaining): (i64, i64, i64, i64) = conn
        .prepare_cached(&format!(
            "SELECT count(*), ifnull(sum(x.category = 'complaint'), 0),
                    count(DISTINCT x.account_id),
                    count(DISTINCT CASE WHEN x.category = 'complaint' THEN x.account_id END)
               FROM tickets x WHERE {window}"
        ))?
        .query_row((from, to), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let accounts = conn
        .prepare_cached(&format!(
            "SELECT x.account_id, a.name, count(*), sum(x.category = 'complaint')
               FROM tickets x JOIN accounts a ON a.id = x.account_id
              WHERE {window}
              GROUP BY x.account_id HAVING sum(x.category = 'complaint') > 0
              ORDER BY 4 DESC, a.name COLLATE NOCASE"
        ))?
        .query_map((from, to), |r| {
            Ok(AccountComplaints {
                account_id: r.get(0)?,
                account_name: r.get(1)?,
                tickets: r.get(2)?,
                complaints: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ComplaintStats {
        tickets,
        complaints,
        complaint_share_tenths: if tickets == 0 {
            0
        } else {
            (complaints * 1000 + tickets / 2) / tickets
        },
        accounts_with_tickets: accounts_with,
        accounts_complaining,
        accounts,
    })
}
