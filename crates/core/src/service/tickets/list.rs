//! The ticket list, keyset-paged and filtered, and the queues.

use super::*;

/// One row of a ticket list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketSummary {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    pub subject: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub contact_name: Option<String>,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub channel: TicketChannel,
    pub owner_name: Option<String>,
    pub sla: Sla,
    pub custom: CustomValues,
    pub created_at: String,
    pub updated_at: String,
}

impl crate::records::fields::WithCustom for TicketSummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TicketSort {
    /// Soonest resolution due first (then the others, newest first).
    #[default]
    Due,
    Number,
    Priority,
    Status,
    Subject,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TicketQuery {
    /// Default `open`: every ticket not resolved or closed.
    pub queue: Option<TicketQueue>,
    pub sort: TicketSort,
    pub direction: SortDirection,
    /// Words of the subject, description, number, account or contact (prefix match).
    pub search: Option<String>,
    /// Only these statuses (within the queue).
    pub statuses: Vec<TicketStatus>,
    pub priority: Option<TicketPriority>,
    pub category: Option<TicketCategory>,
    pub channel: Option<TicketChannel>,
    pub account_id: Option<String>,
    pub contact_id: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    pub sort_field: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

pub(super) const LIST_SQL: ListShape = ListShape {
    columns: "x.id, x.number, x.subject, x.account_id, a.name AS account_name,
              trim(c.first_name || ' ' || c.last_name) AS contact_name, x.category, x.priority,
              x.status, x.channel, t.name AS owner_name, x.created_at, x.updated_at, x.fr_target_minutes, x.fr_due_at,
              x.fr_warn_at, x.fr_left_seconds, x.fr_met_at, x.fr_breached_at,
              x.res_target_minutes, x.res_due_at, x.res_warn_at, x.res_left_seconds,
              x.res_met_at, x.res_breached_at",
    column_count: 25,
    from: "tickets x LEFT JOIN accounts a ON a.id = x.account_id
           LEFT JOIN contacts c ON c.id = x.contact_id
           LEFT JOIN team_members t ON t.id = x.owner_id",
    count_from: "tickets x",
};

pub(super) fn summary(
    row: &Row<'_>,
    cal: &Calendar,
    now: DateTime<Utc>,
) -> rusqlite::Result<TicketSummary> {
    Ok(TicketSummary {
        id: row.get("id")?,
        number: row.get("number")?,
        subject: row.get("subject")?,
        account_id: row.get("account_id")?,
        account_name: row.get("account_name")?,
        contact_name: row.get("contact_name")?,
        category: parse_or(
            row.get("category")?,
            TicketCategory::parse,
            TicketCategory::Question,
        ),
        priority: parse_or(
            row.get("priority")?,
            TicketPriority::parse,
            TicketPriority::Normal,
        ),
        status: parse_or(row.get("status")?, TicketStatus::parse, TicketStatus::Open),
        channel: parse_or(
            row.get("channel")?,
            TicketChannel::parse,
            TicketChannel::Email,
        ),
        owner_name: row.get("owner_name")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        sla: sla(
            cal,
            stored_clock(row, "fr")?,
            stored_clock(row, "res")?,
            now,
        ),
        custom: CustomValues::new(),
    })
}

pub(super) const BREACHED: &str = "(x.fr_breached_at IS NOT NULL OR x.res_breached_at IS NOT NULL
     OR (x.status IN ('new', 'open') AND (x.fr_due_at <= ?1 OR x.res_due_at <= ?1)))";

/// The condition of a queue; `?` is `now`.
pub(super) fn queue_condition(queue: TicketQueue) -> &'static str {
    match queue {
        TicketQueue::Open | TicketQueue::Mine => "x.status IN ('new', 'open', 'waiting')",
        TicketQueue::Waiting => "x.status = 'waiting'",
        TicketQueue::Resolved => "x.status IN ('resolved', 'closed')",
        TicketQueue::All => "1",
        TicketQueue::Breached => {
            "x.status IN ('new', 'open', 'waiting') AND (x.fr_breached_at IS NOT NULL
               OR x.res_breached_at IS NOT NULL OR (x.status IN ('new', 'open')
               AND (x.fr_due_at <= ?1 OR x.res_due_at <= ?1)))"
        }
        TicketQueue::BreachingSoon => {
            "x.status IN ('new', 'open') AND x.fr_breached_at IS NULL AND x.res_breached_at IS NULL
               AND ifnull(x.fr_due_at, '9999') > ?1 AND ifnull(x.res_due_at, '9999') > ?1
               AND (x.fr_warn_at <= ?1 OR x.res_warn_at <= ?1)"
        }
    }
}

pub(super) fn me(conn: &Connection) -> Result<Option<String>> {
    crate::records::team::me(conn)
}

pub(super) fn filtered(
    conn: &Connection,
    query: &TicketQuery,
    keys: &[&str],
    now: DateTime<Utc>,
) -> Result<ListSql> {
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "x",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        query.search.as_deref(),
        &query.filters,
    )?;
    let queue = query.queue.unwrap_or(TicketQueue::Open);
    let condition = queue_condition(queue);
    let now_text = stamp(now);
    let params: Vec<Value> = (0..condition.matches("?1").count())
        .map(|_| Value::Text(now_text.clone()))
        .collect();
    sql.filter(&condition.replace("?1", "?"), params);
    if queue == TicketQueue::Mine {
        // Nobody chosen as "me": the queue is empty rather than everybody's.
        let me = me(conn)?.unwrap_or_default();
        sql.filter("x.owner_id = ?", [Value::Text(me)]);
    }
    if !query.statuses.is_empty() {
        let json =
            serde_json::to_string(&query.statuses).map_err(|e| Error::Internal(e.to_string()))?;
        sql.filter(
            "x.status IN (SELECT value FROM json_each(?))",
            [Value::Text(json)],
        );
    }
    for (column, value) in [
        ("x.priority", query.priority.map(TicketPriority::as_str)),
        ("x.category", query.category.map(TicketCategory::as_str)),
        ("x.channel", query.channel.map(TicketChannel::as_str)),
        ("x.account_id", query.account_id.as_deref()),
        ("x.contact_id", query.contact_id.as_deref()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            sql.filter(&format!("{column} = ?"), [Value::Text(value.to_owned())]);
        }
    }
    Ok(sql)
}

/// Tickets of a queue, sorted and filtered, a page at a time; SLA figures as of `now`.
pub fn list(
    conn: &Connection,
    query: &TicketQuery,
    now: DateTime<Utc>,
) -> Result<Page<TicketSummary>> {
    let keys: &[&str] = match query.sort {
        TicketSort::Due => &[
            "(CASE WHEN x.status IN ('new', 'open') THEN 0 WHEN x.status = 'waiting' THEN 1 ELSE 2 END)",
            "ifnull(min(ifnull(x.fr_due_at, x.res_due_at), ifnull(x.res_due_at, x.fr_due_at)), '9999')",
        ],
        TicketSort::Number => &["x.number"],
        TicketSort::Priority => &[
            "(CASE x.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)",
        ],
        TicketSort::Status => &[
            "(CASE x.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'waiting' THEN 2
                   WHEN 'resolved' THEN 3 ELSE 4 END)",
        ],
        TicketSort::Subject => &["x.subject COLLATE NOCASE"],
        TicketSort::CreatedAt => &["x.created_at"],
        TicketSort::UpdatedAt => &["x.updated_at"],
    };
    let cal = crate::service::hours::calendar(conn)?;
    let mut sql = filtered(conn, query, keys, now)?;
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        |r| summary(r, &cal, now),
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

/// How many tickets each queue holds, for the sidebar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QueueCounts {
    #[ts(type = "number")]
    pub open: i64,
    #[ts(type = "number")]
    pub mine: i64,
    #[ts(type = "number")]
    pub breaching_soon: i64,
    #[ts(type = "number")]
    pub breached: i64,
    #[ts(type = "number")]
    pub waiting: i64,
    /// Whether "mine" means somebody (see [`set_me`]).
    pub me: Option<String>,
}

pub fn counts(conn: &Connection, now: DateTime<Utc>) -> Result<QueueCounts> {
    let now = stamp(now);
    let me = me(conn)?;
    let count = |queue: TicketQueue| -> Result<i64> {
        let condition = queue_condition(queue);
        let mut params: Vec<Value> = (0..condition.matches("?1").count())
            .map(|_| Value::Text(now.clone()))
            .collect();
        let mut sql = format!(
            "SELECT count(*) FROM tickets x WHERE {}",
            condition.replace("?1", "?")
        );
        if queue == TicketQueue::Mine {
            sql.push_str(" AND x.owner_id = ?");
            params.push(Value::Text(me.clone().unwrap_or_default()));
        }
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?)
    };
    Ok(QueueCounts {
        open: count(TicketQueue::Open)?,
        mine: count(TicketQueue::Mine)?,
        breaching_soon: count(TicketQueue::BreachingSoon)?,
        breached: count(TicketQueue::Breached)?,
        waiting: count(TicketQueue::Waiting)?,
        me,
    })
}

/// Says which team member the person at this computer is ("mine"); `None` forgets it.
pub fn set_me(db: &mut Db, member_id: Option<&str>) -> Result<Option<String>> {
    let id = member_id.map(str::trim).filter(|s| !s.is_empty());
    if let Some(id) = id {
        crate::records::team::get(db.conn(), id)?;
    }
    db.write(|w| crate::store::settings::set(w, ME, &id))?;
    me(db.conn())
}

/// Tickets with a breached target: unfinished ones, or all with `include_done`.
pub fn breaches(
    conn: &Connection,
    include_done: bool,
    now: DateTime<Utc>,
) -> Result<Vec<TicketSummary>> {
    let cal = crate::service::hours::calendar(conn)?;
    let scope = if include_done {
        "1"
    } else {
        "x.status IN ('new', 'open', 'waiting')"
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {scope} AND {BREACHED} ORDER BY x.number",
        LIST_SQL.columns, LIST_SQL.from
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([stamp(now)], |r| summary(r, &cal, now))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------------
