//! Pieces shared by every list query: pages, sort direction, and keyset pagination.
//!
//! Lists never use OFFSET: a page ends with a cursor holding the sort key of its last row,
//! and the next page starts strictly after it (`(k1, k2, id) > (?, ?, ?)`), so page 2,000 of
//! 100,000 rows costs what page 1 costs when an index matches the sort.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::kernel::error::{Error, Result};

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many rows match in all; counted for the first page only (`null` on later pages).
    /// A typed-text search stops counting past [`COUNT_CAP`]: then `total` is the cap and
    /// `total_capped` is set ("10,000+").
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    /// More rows match than `total` says (a search counted up to its cap); absent otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(type = "boolean", optional)]
    pub total_capped: bool,
    /// Pass as `after` to get the next page; `null` on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

impl SortDirection {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        }
    }
}

pub(crate) const DEFAULT_LIMIT: u32 = 500;
/// A list filtered by typed text stops counting its matches past this many.
pub const COUNT_CAP: i64 = 10_000;
/// Above this many matches of a typed-text search, a page walks the list in its sort order
/// and keeps the rows that match, instead of looking up and sorting every match (a 2-letter
/// prefix can match half the people; 50 of them are in the first hundred rows of the name
/// index). Past the count's cap, each row walked is probed on its own instead of against a set
/// of every match.
const DENSE_MATCHES: i64 = 2_000;
pub(crate) const MAX_LIMIT: u32 = 5000;

pub(crate) fn limit(requested: Option<u32>) -> u32 {
    requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// What a list selects, and from where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListShape {
    /// The list's own result columns.
    pub columns: &'static str,
    pub column_count: usize,
    /// `FROM` with every join the columns and sort keys need.
    pub from: &'static str,
    /// `FROM` for counting: only what the filters need (SQLite does not always drop an
    /// unused LEFT JOIN, and counting 100,000 rows through one costs 10 ms).
    pub count_from: &'static str,
}

/// A list query under construction: conditions with their parameters, a keyset sort.
#[derive(Debug)]
pub(crate) struct ListSql {
    /// The list's own result columns (`SELECT` list) and its `FROM` clause.
    columns: &'static str,
    column_count: usize,
    from: &'static str,
    /// The tables the count needs: `from` without joins that only add display columns.
    count_from: &'static str,
    conditions: Vec<String>,
    params: Vec<Value>,
    /// Sort key expressions, most significant first; the row id is always the last key.
    keys: Vec<String>,
    direction: SortDirection,
    /// The typed-text search, when there is one.
    search: Option<Search>,
    /// Stop counting a search's matches past this many.
    count_cap: i64,
}

/// How a page with a search finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Looks up every match and sorts them.
    No,
    /// Walks the sort order, probing a set of every match.
    Probe,
    /// Walks the sort order, looking each row up in the search index.
    Lookup,
}

/// A typed-text search condition of a list.
#[derive(Debug)]
struct Search {
    /// Its place in `conditions`.
    condition: usize,
    /// The same condition, for walking the list in its sort order: the row's id is only
    /// probed against the set of matches, never used to look the rows up.
    probe: String,
    /// The same again, for more matches than the cap: each row walked looks up its own entry
    /// in the search index (no set of every match is built).
    lookup: String,
    /// The entity and FTS query, to count the matches from the index alone.
    entity: &'static str,
    fts: String,
}

impl ListSql {
    /// A list of the given shape, sorted by `keys`: SQL expressions
    /// that never yield NULL (wrap nullable ones in `ifnull`); `id` is the row's unique id
    /// expression, the final tie-breaker.
    pub fn new(
        ListShape {
            columns,
            column_count,
            from,
            count_from,
        }: ListShape,
        keys: &[&str],
        id: &str,
        direction: SortDirection,
    ) -> Self {
        let mut keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        keys.push(id.to_owned());
        ListSql {
            columns,
            column_count,
            from,
            count_from,
            conditions: Vec::new(),
            params: Vec::new(),
            keys,
            direction,
            search: None,
            count_cap: COUNT_CAP,
        }
    }

    /// Counts a search's matches up to `cap` only (tests use a small one).
    pub fn count_cap(&mut self, cap: i64) {
        self.count_cap = cap.max(0);
    }

    /// Adds a condition; each `?` in it is bound to the next of `params`, in order.
    pub fn filter(&mut self, condition: &str, params: impl IntoIterator<Item = Value>) {
        let mut sql = String::with_capacity(condition.len() + 8);
        let mut params = params.into_iter();
        for ch in condition.chars() {
            if ch == '?' {
                let value = params.next().unwrap_or(Value::Null);
                self.params.push(value);
                sql.push_str(&format!("?{}", self.params.len()));
            } else {
                sql.push(ch);
            }
        }
        self.conditions.push(format!("({sql})"));
    }

    /// Starts after the row a cursor points at.
    pub fn after(&mut self, cursor: &str) -> Result<()> {
        let values = decode_cursor(cursor, self.keys.len())?;
        let op = match self.direction {
            SortDirection::Asc => ">",
            SortDirection::Desc => "<",
        };
        let marks = vec!["?"; values.len()].join(", ");
        let condition = format!("({}) {op} ({marks})", self.keys.join(", "));
        self.filter(&condition, values);
        Ok(())
    }

    /// `WHERE ...` (or nothing).
    pub fn where_clause(&self) -> String {
        self.where_with(Walk::No)
    }

    /// `WHERE ...`, with the search as a probe when walking (see [`DENSE_MATCHES`]).
    fn where_with(&self, walk: Walk) -> String {
        if self.conditions.is_empty() {
            return String::new();
        }
        let conditions: Vec<&str> = self
            .conditions
            .iter()
            .enumerate()
            .map(|(i, c)| match (&self.search, walk) {
                (Some(s), Walk::Probe) if s.condition == i => s.probe.as_str(),
                (Some(s), Walk::Lookup) if s.condition == i => s.lookup.as_str(),
                _ => c.as_str(),
            })
            .collect();
        format!("WHERE {}", conditions.join(" AND "))
    }

    /// How many rows match a search, counting up to the cap plus one: from the search index
    /// alone when the search is the only condition.
    fn count_search(&self, conn: &rusqlite::Connection, search: &Search) -> Result<i64> {
        let limit = self.count_cap + 1;
        let n = if self.conditions.len() == 1 {
            conn.prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM search_index
                   JOIN search_docs d ON d.rowid = search_index.rowid
                  WHERE search_index MATCH ?1 AND d.entity = ?2 LIMIT ?3)",
            )?
            .query_row((&search.fts, search.entity, limit), |r| r.get(0))?
        } else {
            let query = format!(
                "SELECT count(*) FROM (SELECT 1 FROM {} {} LIMIT {limit})",
                self.count_from,
                self.where_clause()
            );
            conn.prepare_cached(&query)?
                .query_row(rusqlite::params_from_iter(self.params()), |r| r.get(0))?
        };
        Ok(n)
    }

    pub fn order_by(&self) -> String {
        let dir = self.direction.sql();
        let keys: Vec<String> = self.keys.iter().map(|k| format!("{k} {dir}")).collect();
        format!("ORDER BY {}", keys.join(", "))
    }

    /// The key expressions as extra result columns, read back by [`ListSql::cursor_of`].
    pub fn key_columns(&self) -> String {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} AS sort_key_{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }

    /// The cursor of a row read with [`ListSql::key_columns`] starting at column `first`.
    pub fn cursor_of(&self, row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<String> {
        let values = (0..self.keys.len())
            .map(|i| row.get::<_, Value>(first + i).map(|v| to_json(&v)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Json::Array(values).to_string())
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => Json::from(*f),
        Value::Text(s) => Json::from(s.as_str()),
        Value::Blob(_) => Json::Null,
    }
}

fn decode_cursor(cursor: &str, keys: usize) -> Result<Vec<Value>> {
    let bad = || {
        Error::invalid(
            "after",
            "is not a cursor from this list; start from the first page",
        )
    };
    let values: Vec<Json> = serde_json::from_str(cursor).map_err(|_| bad())?;
    if values.len() != keys {
        return Err(bad());
    }
    values
        .into_iter()
        .map(|v| match v {
            Json::Null => Ok(Value::Null),
            Json::String(s) => Ok(Value::Text(s)),
            Json::Number(n) => n
                .as_i64()
                .map(Value::Integer)
                .or_else(|| n.as_f64().map(Value::Real))
                .ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
}

impl ListSql {
    /// The start of every record list: its sort keys (a custom field's when `sort_field` is
    /// set), the typed-text search and the filters all lists share.
    #[allow(clippy::too_many_arguments)]
    pub fn for_records(
        conn: &rusqlite::Connection,
        shape: ListShape,
        entity: &'static str,
        alias: &str,
        keys: &[&str],
        sort_field: Option<&str>,
        direction: SortDirection,
        search: Option<&str>,
        filters: &CommonFilters,
    ) -> Result<Self> {
        let custom_key = match sort_field.filter(|f| !f.is_empty()) {
            Some(field) => Some(crate::records::fields::sort_key(
                conn, entity, alias, field,
            )?),
            None => None,
        };
        let keys: Vec<&str> = match &custom_key {
            Some(key) => vec![key.as_str()],
            None => keys.to_vec(),
        };
        let mut sql = ListSql::new(shape, &keys, &format!("{alias}.id"), direction);
        if let Some(fts) = search.and_then(crate::store::search::fts_query) {
            let matches = format!(
                "IN (SELECT d.entity_id FROM search_index
                        JOIN search_docs d ON d.rowid = search_index.rowid
                       WHERE search_index MATCH ? AND d.entity = '{entity}')"
            );
            sql.filter(&format!("{alias}.id {matches}"), [Value::Text(fts.clone())]);
            let condition = sql.conditions.len() - 1;
            let n = sql.params.len();
            // The same parameter: the unary plus keeps SQLite from looking the rows up by id,
            // so it walks the sort order's index.
            let probe = format!("(+{alias}.id {})", matches.replace('?', &format!("?{n}")));
            let lookup = format!(
                "(EXISTS (SELECT 1 FROM search_docs d WHERE d.entity = '{entity}'
                    AND d.entity_id = {alias}.id
                    AND +d.rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH ?{n})))"
            );
            sql.search = Some(Search {
                condition,
                probe,
                lookup,
                entity,
                fts,
            });
        }
        filters.apply(conn, &mut sql, entity, alias)?;
        Ok(sql)
    }

    /// Runs one page of at most `limit` rows (and counts all matches when `count`). `map`
    /// reads the list's own columns.
    pub fn page<T>(
        &self,
        conn: &rusqlite::Connection,
        limit: u32,
        count: bool,
        map: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Page<T>> {
        let searched = match &self.search {
            Some(search) => Some(self.count_search(conn, search)?),
            None => None,
        };
        // Past the cap the matches are dense enough to look each walked row up on its own
        // (a small cap, as in tests, takes the same paths on a few rows).
        let walk = match searched {
            Some(n) if n > self.count_cap => Walk::Lookup,
            Some(n) if n > DENSE_MATCHES.min(self.count_cap / 2) => Walk::Probe,
            _ => Walk::No,
        };
        let query = if walk == Walk::No && self.search.is_some() {
            // Every match is looked up and sorted: by its sort keys alone, and only the page's
            // rows read their columns (an e-mail and a phone each) after.
            let id = self.keys.last().map(String::as_str).unwrap_or("rowid");
            format!(
                "SELECT {columns}, {keys} FROM {from}
                  WHERE {id} IN (SELECT {id} FROM {from} {filter} {order} LIMIT {n}) {order}",
                columns = self.columns,
                keys = self.key_columns(),
                from = self.from,
                filter = self.where_clause(),
                order = self.order_by(),
                n = limit + 1
            )
        } else {
            format!(
                "SELECT {}, {} FROM {} {} {} LIMIT {}",
                self.columns,
                self.key_columns(),
                self.from,
                self.where_with(walk),
                self.order_by(),
                limit + 1
            )
        };
        let mut stmt = conn.prepare_cached(&query)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(self.params()))?;
        let mut items = Vec::new();
        let mut last_cursor = None;
        let mut more = false;
        while let Some(row) = rows.next()? {
            if items.len() == limit as usize {
                more = true;
                break;
            }
            items.push(map(row)?);
            last_cursor = Some(self.cursor_of(row, self.column_count)?);
        }
        let mut total_capped = false;
        let total = if let (true, Some(n)) = (count, searched) {
            total_capped = n > self.count_cap;
            Some(n.min(self.count_cap))
        } else if count {
            let query = format!(
                "SELECT count(*) FROM {} {}",
                self.count_from,
                self.where_clause()
            );
            Some(
                conn.prepare_cached(&query)?
                    .query_row(rusqlite::params_from_iter(self.params()), |r| r.get(0))?,
            )
        } else {
            None
        };
        Ok(Page {
            items,
            total,
            total_capped,
            next: if more { last_cursor } else { None },
        })
    }
}

/// A `LIKE ... ESCAPE '\'` pattern matching values that contain `text` literally.
pub(crate) fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Filters every kind of record list shares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CommonFilters {
    /// Records carrying any of these tags (by name, any case).
    pub tags: Vec<String>,
    /// Records owned by this team member; `"none"` for records nobody owns.
    pub owner_id: Option<String>,
    /// Created on or after this day (`YYYY-MM-DD`).
    pub created_from: Option<String>,
    /// Created on or before this day (`YYYY-MM-DD`).
    pub created_to: Option<String>,
    /// Records whose custom field has this value (a multi select: contains it).
    pub custom: Vec<CustomFilter>,
}

/// One custom-field condition of a list filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomFilter {
    pub field_id: String,
    pub value: String,
}

impl CommonFilters {
    /// Adds these filters for the table `entity` aliased `alias`.
    pub(crate) fn apply(
        &self,
        conn: &rusqlite::Connection,
        sql: &mut ListSql,
        entity: &str,
        alias: &str,
    ) -> Result<()> {
        let tags: Vec<&str> = self
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if !tags.is_empty() {
            let json = serde_json::to_string(&tags).map_err(|e| Error::Internal(e.to_string()))?;
            sql.filter(
                &format!(
                    "{alias}.id IN (SELECT g.entity_id FROM taggings g JOIN tags t ON t.id = g.tag_id
                       WHERE g.entity = '{entity}'
                         AND lower(t.name) IN (SELECT lower(value) FROM json_each(?)))"
                ),
                [Value::Text(json)],
            );
        }
        match self.owner_id.as_deref().map(str::trim) {
            None | Some("") => {}
            Some("none") => sql.filter(&format!("{alias}.owner_id IS NULL"), []),
            Some(owner) => sql.filter(
                &format!("{alias}.owner_id = ?"),
                [Value::Text(owner.to_owned())],
            ),
        }
        let day = |field: &str, v: &Option<String>| -> Result<Option<String>> {
            let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| Some(d.format("%Y-%m-%d").to_string()))
                .map_err(|_| {
                    Error::invalid(
                        field,
                        format!("\"{v}\" is not a date; write it as YYYY-MM-DD"),
                    )
                })
        };
        if let Some(from) = day("created_from", &self.created_from)? {
            sql.filter(&format!("{alias}.created_at >= ?"), [Value::Text(from)]);
        }
        if let Some(to) = day("created_to", &self.created_to)? {
            sql.filter(
                &format!("{alias}.created_at < date(?, '+1 day')"),
                [Value::Text(to)],
            );
        }
        for f in &self.custom {
            let (condition, params) =
                crate::records::fields::filter_condition(conn, entity, alias, f)?;
            sql.filter(&condition, params);
        }
        Ok(())
    }
}
