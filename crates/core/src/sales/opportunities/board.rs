//! The pipeline board: deals by stage with totals per currency, and the filters it shares.

use super::*;

/// Whether a deal is open, won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

/// Filters shared by the list, the board and the forecast.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DealFilters {
    /// A pipeline's id or name (default: the first).
    pub pipeline: Option<String>,
    /// Only deals owned by this team member; `"none"` for unowned ones.
    pub owner_id: Option<String>,
    /// Only deals expected to close in this month (YYYY-MM).
    pub close_month: Option<String>,
    /// Only deals with this tag (any case).
    pub tag: Option<String>,
    /// Only this account's deals.
    pub account_id: Option<String>,
}

impl DealFilters {
    pub(super) fn conditions(
        &self,
        conn: &Connection,
    ) -> Result<(pipelines::Pipeline, Vec<String>, Vec<Value>)> {
        let pipeline = pipelines::find(conn, self.pipeline.as_deref())?;
        let mut sql = vec!["o.pipeline_id = ?".to_owned()];
        let mut params = vec![Value::Text(pipeline.id.clone())];
        match self.owner_id.as_deref().map(str::trim) {
            Some("none") => sql.push("o.owner_id IS NULL".into()),
            Some(owner) if !owner.is_empty() => {
                sql.push("o.owner_id = ?".into());
                params.push(Value::Text(owner.to_owned()));
            }
            _ => {}
        }
        if let Some(month) = self
            .close_month
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
                return Err(Error::invalid(
                    "close_month",
                    format!("\"{month}\" is not a month; write it as YYYY-MM"),
                ));
            }
            sql.push("o.expected_close >= ? AND o.expected_close < ?".into());
            params.push(Value::Text(format!("{month}-01")));
            params.push(Value::Text(format!("{month}-32")));
        }
        if let Some(tag) = self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            sql.push(
                "o.id IN (SELECT g.entity_id FROM taggings g JOIN tags t ON t.id = g.tag_id
                          WHERE g.entity = 'opportunities' AND t.name = ? COLLATE NOCASE)"
                    .into(),
            );
            params.push(Value::Text(tag.to_owned()));
        }
        if let Some(account) = self.account_id.as_deref().filter(|a| !a.is_empty()) {
            sql.push("o.account_id = ?".into());
            params.push(Value::Text(account.to_owned()));
        }
        Ok((pipeline, sql, params))
    }
}

/// Totals of one group of deals, per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Totals {
    #[ts(type = "number")]
    pub count: i64,
    /// Sum of amounts, one entry per currency.
    pub amount: Vec<Money>,
    /// Sum of amount × probability, one entry per currency.
    pub weighted: Vec<Money>,
}

/// Totals counted in `i128`, so no number of deals makes them overflow; they are narrowed
/// back to minor units (or refused with [`Error::TotalTooLarge`]) once, in [`Sums::totals`].
#[derive(Default)]
pub(super) struct Sums {
    count: i64,
    by_currency: BTreeMap<String, (i128, i128)>,
}

impl Sums {
    pub(super) fn add(
        &mut self,
        count: i64,
        currency: Option<String>,
        amount: i128,
        weighted: i128,
    ) {
        self.count += count;
        if let Some(c) = currency {
            let e = self.by_currency.entry(c).or_default();
            e.0 += amount;
            e.1 += weighted;
        }
    }

    pub(super) fn totals(&self) -> Result<Totals> {
        Ok(Totals {
            count: self.count,
            amount: self
                .by_currency
                .iter()
                .map(|(c, (a, _))| {
                    Ok(Money {
                        amount_minor: crate::kernel::money::narrow("total of the deals", *a)?,
                        currency: c.clone(),
                    })
                })
                .collect::<Result<_>>()?,
            weighted: self
                .by_currency
                .iter()
                .map(|(c, (_, w))| {
                    Ok(Money {
                        amount_minor: crate::kernel::money::narrow(
                            "weighted total of the deals",
                            hundredths(*w),
                        )?,
                        currency: c.clone(),
                    })
                })
                .collect::<Result<_>>()?,
        })
    }
}

/// A deal as a card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Card {
    pub id: String,
    pub name: String,
    pub account_name: Option<String>,
    pub amount: Option<Money>,
    #[ts(type = "number")]
    pub probability: i64,
    pub expected_close: Option<String>,
    pub owner_name: Option<String>,
    #[ts(type = "number")]
    pub days_in_stage: i64,
    pub rotting: bool,
    /// The newest done activity on the deal.
    pub last_activity_at: Option<String>,
    /// YYYY-MM-DD, for won and lost deals.
    pub closed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BoardColumn {
    pub stage: Stage,
    pub totals: Totals,
    /// The first cards, by expected close date (undated first); `totals.count` counts all.
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Board {
    pub pipeline_id: String,
    pub pipeline_name: String,
    pub columns: Vec<BoardColumn>,
    /// Open deals only.
    pub open: Totals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BoardQuery {
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: DealFilters,
    /// Cards per column (default 100, at most 1000).
    pub cards_per_column: Option<u32>,
    /// Won and Lost columns show deals closed in the last this many days (default 30).
    pub closed_within_days: Option<u32>,
}

/// The pipeline board: per stage, its totals and its first cards.
pub fn board(conn: &Connection, query: &BoardQuery, now: DateTime<Utc>) -> Result<Board> {
    let (pipeline, mut conditions, mut params) = query.filters.conditions(conn)?;
    let since = time::local_date(time::local_zone(), now)
        - Duration::days(i64::from(query.closed_within_days.unwrap_or(30)));
    let since = Value::Text(since.format("%Y-%m-%d").to_string());
    let by_stage = stage_sums(conn, &pipeline, &conditions.join(" AND "), &params, &since);
    conditions.push("(s.kind = 'open' OR o.closed_on >= ?)".into());
    params.push(since);
    let filter = conditions.join(" AND ");
    let mut sums = match by_stage {
        Ok(Some(sums)) => sums,
        Ok(None) | Err(Error::TotalTooLarge(_)) => stage_sums_joined(conn, &filter, &params)?,
        Err(e) => return Err(e),
    };
    let per_column = query.cards_per_column.unwrap_or(100).clamp(1, 1000);
    let card_sql = format!(
        "SELECT o.id, o.name, a.name AS account_name, o.amount_minor, o.currency,
                {PROBABILITY} AS probability, o.expected_close,
                t.name AS owner_name, o.stage_entered_at, {LAST_ACTIVITY} AS last_activity_at,
                s.rotting_days, s.kind, o.closed_on
           FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id
           LEFT JOIN team_members t ON t.id = o.owner_id
          WHERE o.stage_id = ? AND {filter}
          ORDER BY o.expected_close, o.id LIMIT {per_column}"
    );
    let mut stmt = conn.prepare_cached(&card_sql)?;
    let mut columns = Vec::new();
    let mut open = Sums::default();
    for stage in &pipeline.stages {
        let s = sums.remove(&stage.id).unwrap_or_default();
        if stage.kind == StageKind::Open {
            open.count += s.count;
            for (c, (a, w)) in &s.by_currency {
                let e = open.by_currency.entry(c.clone()).or_default();
                e.0 += a;
                e.1 += w;
            }
        }
        let mut values = vec![Value::Text(stage.id.clone())];
        values.extend(params.iter().cloned());
        let cards = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                let minor: Option<i64> = r.get("amount_minor")?;
                let currency: Option<String> = r.get("currency")?;
                let entered: String = r.get("stage_entered_at")?;
                let last: Option<String> = r.get("last_activity_at")?;
                let kind = StageKind::parse(&r.get::<_, String>("kind")?);
                Ok(Card {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    account_name: r.get("account_name")?,
                    amount: Money::stored(minor, currency),
                    probability: r.get("probability")?,
                    expected_close: r.get("expected_close")?,
                    owner_name: r.get("owner_name")?,
                    days_in_stage: days_between(&entered, now),
                    rotting: is_rotting(
                        kind,
                        r.get("rotting_days")?,
                        &entered,
                        last.as_deref(),
                        now,
                    ),
                    last_activity_at: last,
                    closed_on: r.get("closed_on")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stage = stage.clone();
        stage.deal_count = s.count;
        columns.push(BoardColumn {
            stage,
            totals: s.totals()?,
            cards,
        });
    }
    Ok(Board {
        pipeline_id: pipeline.id,
        pipeline_name: pipeline.name,
        columns,
        open: open.totals()?,
    })
}

/// The totals of each of the pipeline's stages, by stage id; `None` when a total of 64 bits
/// cannot hold one of the parts they are put together from (then [`stage_sums_joined`],
/// which sums every deal through its stage in one go, gives the figures or the error).
///
/// Each stage is summed on its own, so its kind and default probability are known without
/// joining each deal to `pipeline_stages` (for 50,000 deals that lookup was most of the
/// board's time): an open stage's deals are read from an index alone, and the weighted total
/// is the deals' own probabilities plus the stage's for those without one.
fn stage_sums(
    conn: &Connection,
    pipeline: &pipelines::Pipeline,
    filter: &str,
    params: &[Value],
    since: &Value,
) -> Result<Option<BTreeMap<String, Sums>>> {
    let sql = |closed: bool| {
        format!(
            "SELECT o.currency, count(*) AS deals, money_sum(o.amount_minor) AS amount_minor,
                    money_sum(o.amount_minor, o.probability) AS own_weighted_minor,
                    money_sum(CASE WHEN o.probability IS NULL THEN o.amount_minor END)
                      AS unweighted_minor
               FROM opportunities o
              WHERE o.stage_id = ? AND {filter}{}
              GROUP BY o.currency",
            if closed { " AND o.closed_on >= ?" } else { "" }
        )
    };
    let mut sums = BTreeMap::new();
    for stage in &pipeline.stages {
        let closed = stage.kind != StageKind::Open;
        let mut values = vec![Value::Text(stage.id.clone())];
        values.extend(params.iter().cloned());
        if closed {
            values.push(since.clone());
        }
        let mut stmt = conn.prepare_cached(&sql(closed))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut stage_sums = Sums::default();
        while let Some(r) = rows.next()? {
            let part = |column: &str| -> rusqlite::Result<i128> {
                Ok(i128::from(r.get::<_, Option<i64>>(column)?.unwrap_or(0)))
            };
            let amount = part("amount_minor")?;
            let weighted = match stage.kind {
                StageKind::Won => 100 * amount,
                StageKind::Lost => 0,
                StageKind::Open => {
                    part("own_weighted_minor")?
                        + i128::from(stage.probability) * part("unweighted_minor")?
                }
            };
            // SQL's sum would have refused this total: so does the joined query.
            if i64::try_from(weighted).is_err() {
                return Ok(None);
            }
            stage_sums.add(r.get("deals")?, r.get("currency")?, amount, weighted);
        }
        sums.insert(stage.id.clone(), stage_sums);
    }
    Ok(Some(sums))
}

/// The totals of each stage in one query joining every deal to its stage (`filter` holds
/// the stage's kind): the reference [`stage_sums`] agrees with.
fn stage_sums_joined(
    conn: &Connection,
    filter: &str,
    params: &[Value],
) -> Result<BTreeMap<String, Sums>> {
    let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.stage_id, o.currency, count(*) AS deals,
                money_sum(o.amount_minor) AS amount_minor,
                money_sum(o.amount_minor, {PROBABILITY}) AS weighted_minor
           FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
          WHERE {filter} GROUP BY o.stage_id, o.currency"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let weighted: Option<i64> = r.get("weighted_minor")?;
        sums.entry(r.get("stage_id")?).or_default().add(
            r.get("deals")?,
            r.get("currency")?,
            i128::from(r.get::<_, Option<i64>>("amount_minor")?.unwrap_or(0)),
            i128::from(weighted.unwrap_or(0)),
        );
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A stage's id, deal count, and amount and weighted amount per currency.
    type Flat = (String, i64, Vec<(String, i128, i128)>);
    type ByStage = BTreeMap<String, Sums>;

    /// The totals of the stages that hold deals, comparable.
    fn flat(sums: &ByStage) -> Vec<Flat> {
        sums.iter()
            .filter(|(_, s)| s.count > 0)
            .map(|(id, s)| {
                let by_currency = s
                    .by_currency
                    .iter()
                    .map(|(c, (a, w))| (c.clone(), *a, *w))
                    .collect();
                (id.clone(), s.count, by_currency)
            })
            .collect()
    }

    fn both(db: &Db, filters: &DealFilters) -> (Result<Option<ByStage>>, Result<ByStage>) {
        let (pipeline, mut conditions, mut params) = filters.conditions(db.conn()).unwrap();
        let since = Value::Text(
            (time::local_date(time::local_zone(), Utc::now()) - Duration::days(30))
                .format("%Y-%m-%d")
                .to_string(),
        );
        let fast = stage_sums(
            db.conn(),
            &pipeline,
            &conditions.join(" AND "),
            &params,
            &since,
        );
        conditions.push("(s.kind = 'open' OR o.closed_on >= ?)".into());
        params.push(since);
        let joined = stage_sums_joined(db.conn(), &conditions.join(" AND "), &params);
        (fast, joined)
    }

    #[test]
    fn stage_by_stage_totals_match_the_joined_query() {
        let mut db = Db::open_in_memory().unwrap();
        for i in 0..400 {
            create(
                &mut db,
                &OpportunityInput {
                    name: format!("Deal {i}"),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        // Every stage (open, won, lost), own and default probabilities, two currencies, no
        // amount, negative amounts, closed recently and long ago.
        db.conn()
            .execute_batch(
                "UPDATE opportunities SET
                   stage_id = (SELECT s.id FROM pipeline_stages s
                                WHERE s.pipeline_id = opportunities.pipeline_id
                                  AND s.position = opportunities.rowid % 7),
                   probability = CASE rowid % 3 WHEN 0 THEN NULL ELSE (rowid * 37) % 101 END,
                   amount_minor = CASE WHEN rowid % 11 = 0 THEN NULL
                     ELSE (rowid * 7919) % 1000003 * CASE WHEN rowid % 13 = 0 THEN -1 ELSE 1 END END,
                   currency = CASE WHEN rowid % 11 = 0 THEN NULL
                     WHEN rowid % 4 = 0 THEN 'USD' ELSE 'EUR' END,
                   closed_on = CASE WHEN rowid % 7 >= 5
                     THEN date('now', '-' || (rowid * 3 % 90) || ' days') END,
                   expected_close = date('now', '+' || (rowid % 90) || ' days')",
            )
            .unwrap();
        let month = Utc::now().format("%Y-%m").to_string();
        for filters in [
            DealFilters::default(),
            DealFilters {
                close_month: Some(month),
                ..Default::default()
            },
            DealFilters {
                owner_id: Some("none".into()),
                ..Default::default()
            },
        ] {
            let (fast, joined) = both(&db, &filters);
            let (fast, joined) = (fast.unwrap().unwrap(), joined.unwrap());
            assert!(flat(&joined).len() >= 5, "{filters:?}");
            assert_eq!(flat(&fast), flat(&joined), "{filters:?}");
        }
        // A weighted total beyond 64 bits, from the stage's probability (put together here)
        // or from the deals' own (summed by SQL): the joined query decides, and refuses it.
        for (probability, fast_refuses) in [("NULL", false), ("90", true)] {
            db.conn()
                .execute(
                    &format!(
                        "UPDATE opportunities SET amount_minor = 100000000000000000,
                                currency = 'EUR', probability = {probability}
                          WHERE rowid IN (4, 11)"
                    ),
                    [],
                )
                .unwrap();
            let (fast, joined) = both(&db, &DealFilters::default());
            match fast {
                Ok(None) => assert!(!fast_refuses),
                Err(Error::TotalTooLarge(_)) => assert!(fast_refuses),
                _ => panic!("the stage totals fit"),
            }
            assert!(matches!(joined, Err(Error::TotalTooLarge(_))));
            let err = board(db.conn(), &BoardQuery::default(), Utc::now()).unwrap_err();
            assert!(matches!(err, Error::TotalTooLarge(_)), "{err}");
        }
    }
}
