//! The lead list, keyset-paged and filtered, and the leads board by status.

use super::*;

/// One row of the leads list (and one card of the board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadSummary {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub status: LeadStatus,
    pub rating: Option<LeadRating>,
    pub owner_name: Option<String>,
    pub estimated_value: Option<Money>,
    pub custom: CustomValues,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LeadSort {
    #[default]
    CreatedAt,
    Name,
    Company,
    Status,
    Rating,
    EstimatedValue,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LeadQuery {
    pub sort: LeadSort,
    pub direction: SortDirection,
    /// Words of the name, company, e-mail, phone, source or custom text (prefix match).
    pub search: Option<String>,
    /// Only leads in these statuses; empty: all but converted ones.
    pub statuses: Vec<LeadStatus>,
    pub rating: Option<LeadRating>,
    /// A source's name.
    pub source: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    pub sort_field: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

pub(super) const LIST_SQL: ListShape = ListShape {
    columns: "l.id, l.name, l.company, l.email, l.phone, l.source, l.status, l.rating,
              t.name AS owner_name,
              l.estimated_minor, l.estimated_currency, l.created_at, l.updated_at",
    column_count: 13,
    from: "leads l LEFT JOIN team_members t ON t.id = l.owner_id",
    count_from: "leads l",
};

pub(super) fn summary(row: &Row<'_>) -> rusqlite::Result<LeadSummary> {
    Ok(LeadSummary {
        id: row.get("id")?,
        name: row.get("name")?,
        company: row.get("company")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        source: row.get("source")?,
        status: status_of(row, "status")?,
        rating: rating_of(row, "rating")?,
        owner_name: row.get("owner_name")?,
        estimated_value: Money::stored(row.get("estimated_minor")?, row.get("estimated_currency")?),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        custom: CustomValues::new(),
    })
}

pub(super) fn filtered(conn: &Connection, query: &LeadQuery, keys: &[&str]) -> Result<ListSql> {
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "l",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        query.search.as_deref(),
        &query.filters,
    )?;
    if query.statuses.is_empty() {
        sql.filter("l.status <> 'converted'", []);
    } else if let [one] = query.statuses.as_slice() {
        // An equality lets the status index hand rows over in `updated_at` order (the board).
        sql.filter("l.status = ?", [Value::Text(one.as_str().to_owned())]);
    } else {
        let json =
            serde_json::to_string(&query.statuses).map_err(|e| Error::Internal(e.to_string()))?;
        sql.filter(
            "l.status IN (SELECT value FROM json_each(?))",
            [Value::Text(json)],
        );
    }
    if let Some(rating) = query.rating {
        sql.filter("l.rating = ?", [Value::Text(rating.as_str().to_owned())]);
    }
    if let Some(source) = query
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        sql.filter(
            "l.source = ? COLLATE NOCASE",
            [Value::Text(source.to_owned())],
        );
    }
    Ok(sql)
}

/// Leads, sorted and filtered, a page at a time.
pub fn list(conn: &Connection, query: &LeadQuery) -> Result<Page<LeadSummary>> {
    let keys: &[&str] = match query.sort {
        LeadSort::CreatedAt => &["l.created_at"],
        LeadSort::Name => &["l.name COLLATE NOCASE"],
        LeadSort::Company => &["ifnull(l.company, '') COLLATE NOCASE"],
        LeadSort::Status => &[
            "(CASE l.status WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2
                   WHEN 'unqualified' THEN 3 ELSE 4 END)",
        ],
        LeadSort::Rating => {
            &["(CASE l.rating WHEN 'hot' THEN 0 WHEN 'warm' THEN 1 WHEN 'cold' THEN 2 ELSE 3 END)"]
        }
        LeadSort::EstimatedValue => &["ifnull(l.estimated_minor, 0)"],
        LeadSort::UpdatedAt => &["l.updated_at"],
    };
    let mut sql = filtered(conn, query, keys)?;
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        summary,
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

impl crate::records::fields::WithCustom for LeadSummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}

/// One status column of the leads board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadColumn {
    pub status: LeadStatus,
    /// Every lead in the column (the cards may be fewer).
    #[ts(type = "number")]
    pub count: i64,
    /// The estimated values, summed per currency.
    pub estimated: Vec<Money>,
    /// The newest leads first, at most the query's limit.
    pub cards: Vec<LeadSummary>,
}

/// The leads board: a column per status, in order, converted last.
pub fn board(conn: &Connection, query: &LeadQuery) -> Result<Vec<LeadColumn>> {
    let per_column = query.limit.unwrap_or(100).clamp(1, 500);
    let mut columns = Vec::new();
    for status in LeadStatus::ALL {
        let q = LeadQuery {
            statuses: vec![*status],
            sort: LeadSort::UpdatedAt,
            direction: SortDirection::Desc,
            after: None,
            limit: Some(per_column),
            ..query.clone()
        };
        let sql = filtered(conn, &q, &["l.updated_at"])?;
        let page = sql.page(conn, per_column, true, summary)?;
        let mut sums: BTreeMap<String, i64> = BTreeMap::new();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT l.estimated_currency, money_sum(l.estimated_minor) FROM {} {} AND l.estimated_minor IS NOT NULL
              GROUP BY l.estimated_currency",
            LIST_SQL.count_from,
            sql.where_clause()
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sql.params()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (currency, total) = row?;
            sums.insert(currency, total);
        }
        columns.push(LeadColumn {
            status: *status,
            count: page.total.unwrap_or(0),
            estimated: sums
                .into_iter()
                .map(|(currency, amount_minor)| Money {
                    amount_minor,
                    currency,
                })
                .collect(),
            cards: crate::records::fields::attach(conn, TABLE, page)?.items,
        });
    }
    Ok(columns)
}
