//! The deals list: filters, sorting and keyset paging.

use super::*;

/// One row of the deals list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpportunitySummary {
    pub id: String,
    pub name: String,
    pub account_name: Option<String>,
    pub stage_name: String,
    pub stage_kind: StageKind,
    pub amount: Option<Money>,
    #[ts(type = "number")]
    pub probability: i64,
    pub expected_close: Option<String>,
    pub owner_name: Option<String>,
    pub custom: CustomValues,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OpportunitySort {
    #[default]
    ExpectedClose,
    Name,
    Amount,
    Stage,
    UpdatedAt,
    CreatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OpportunityQuery {
    pub sort: OpportunitySort,
    pub direction: SortDirection,
    /// Deals whose name or account name contains this text.
    pub search: Option<String>,
    /// Only open, won or lost deals.
    pub status: Option<DealStatus>,
    /// Only deals in this stage (id or name).
    pub stage: Option<String>,
    /// A pipeline's id or name; all pipelines when empty.
    pub pipeline: Option<String>,
    pub account_id: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    pub sort_field: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

const LIST_SQL: ListShape = ListShape {
    columns: "o.id, o.name, a.name AS account_name, s.name AS stage_name, s.kind, o.amount_minor,
         o.currency,
         (CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END) AS probability,
         o.expected_close, t.name AS owner_name, o.updated_at",
    column_count: 11,
    from: "opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id
           LEFT JOIN team_members t ON t.id = o.owner_id",
    count_from: "opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id",
};

/// Deals, sorted and filtered, a page at a time.
pub fn list(conn: &Connection, query: &OpportunityQuery) -> Result<Page<OpportunitySummary>> {
    let keys: &[&str] = match query.sort {
        OpportunitySort::ExpectedClose => &["ifnull(o.expected_close, '9999-12-31')"],
        OpportunitySort::Name => &["o.name COLLATE NOCASE"],
        OpportunitySort::Amount => &["ifnull(o.amount_minor, 0)"],
        OpportunitySort::Stage => &["s.position"],
        OpportunitySort::UpdatedAt => &["o.updated_at"],
        OpportunitySort::CreatedAt => &["o.created_at"],
    };
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "o",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        None,
        &query.filters,
    )?;
    if let Some(text) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let like = crate::records::list::contains_pattern(text);
        sql.filter(
            "(o.name LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\')",
            [Value::Text(like.clone()), Value::Text(like)],
        );
    }
    match query.status {
        Some(DealStatus::Open) => sql.filter("s.kind = 'open'", []),
        Some(DealStatus::Won) => sql.filter("s.kind = 'won'", []),
        Some(DealStatus::Lost) => sql.filter("s.kind = 'lost'", []),
        None => {}
    }
    if let Some(p) = query.pipeline.as_deref().filter(|p| !p.trim().is_empty()) {
        let pipeline = pipelines::find(conn, Some(p))?;
        sql.filter("o.pipeline_id = ?", [Value::Text(pipeline.id.clone())]);
        if let Some(stage) = query.stage.as_deref().filter(|s| !s.trim().is_empty()) {
            let stage = pipelines::stage(&pipeline, stage)?;
            sql.filter("o.stage_id = ?", [Value::Text(stage.id)]);
        }
    } else if let Some(stage) = query.stage.as_deref().filter(|s| !s.trim().is_empty()) {
        sql.filter(
            "(o.stage_id = ? OR s.name = ? COLLATE NOCASE)",
            [Value::Text(stage.to_owned()), Value::Text(stage.to_owned())],
        );
    }
    if let Some(account) = query.account_id.as_deref().filter(|a| !a.is_empty()) {
        sql.filter("o.account_id = ?", [Value::Text(account.to_owned())]);
    }
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        |row| {
            let minor: Option<i64> = row.get("amount_minor")?;
            let currency: Option<String> = row.get("currency")?;
            Ok(OpportunitySummary {
                id: row.get("id")?,
                name: row.get("name")?,
                account_name: row.get("account_name")?,
                stage_name: row.get("stage_name")?,
                stage_kind: StageKind::parse(&row.get::<_, String>("kind")?),
                amount: Money::stored(minor, currency),
                probability: row.get("probability")?,
                expected_close: row.get("expected_close")?,
                owner_name: row.get("owner_name")?,
                updated_at: row.get("updated_at")?,
                custom: CustomValues::new(),
            })
        },
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

impl crate::records::fields::WithCustom for OpportunitySummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}
