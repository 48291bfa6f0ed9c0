//! Lists of activities: by record or filter, the agenda and the calendar.

use super::*;

/// Which activities to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ActivityQuery {
    /// Only those linked to this record (for an account: also those of its people).
    pub record: Option<RecordRef>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<ActivityKind>,
    /// Only these channels (all when empty).
    pub channels: Vec<ActivityChannel>,
    /// Only open (`false`) or done (`true`) ones.
    pub done: Option<bool>,
    /// Starting at or after this time (UTC, RFC 3339).
    pub from: Option<String>,
    /// Starting before this time.
    pub to: Option<String>,
    /// Only those placed (by start, else creation) before this time: the timeline's paging.
    pub before: Option<String>,
    /// At most this many (default 200, at most 5000), newest first.
    pub limit: Option<u32>,
}

/// The SQL condition "linked to this record", for an account including its people.
pub(crate) fn linked_to(record: &RecordRef) -> (&'static str, Vec<Value>) {
    let entity = Value::Text(record.entity.clone());
    let id = Value::Text(record.id.clone());
    if record.entity == "accounts" {
        (
            "a.id IN (SELECT activity_id FROM activity_links WHERE entity = ? AND entity_id = ?
                      UNION SELECT l.activity_id FROM activity_links l JOIN contacts c ON c.id = l.entity_id
                             WHERE l.entity = 'contacts' AND c.account_id = ?)",
            vec![entity, id.clone(), id],
        )
    } else {
        (
            "a.id IN (SELECT activity_id FROM activity_links WHERE entity = ? AND entity_id = ?)",
            vec![entity, id],
        )
    }
}

/// Activities matching `query`, newest first (by start, else by creation).
pub fn list(conn: &Connection, query: &ActivityQuery) -> Result<Vec<Activity>> {
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(record) = &query.record {
        let (sql, values) = linked_to(record);
        conditions.push(sql.to_owned());
        params.extend(values);
    }
    if !query.kinds.is_empty() {
        conditions.push(format!("a.kind IN ({})", marks(query.kinds.len())));
        params.extend(query.kinds.iter().map(|k| Value::Text(k.as_str().into())));
    }
    if !query.channels.is_empty() {
        conditions.push(format!("a.channel IN ({})", marks(query.channels.len())));
        params.extend(
            query
                .channels
                .iter()
                .map(|k| Value::Text(k.as_str().into())),
        );
    }
    match query.done {
        Some(true) => conditions.push("a.done_at IS NOT NULL".into()),
        Some(false) => conditions.push("a.done_at IS NULL".into()),
        None => {}
    }
    let tz = Tz::UTC;
    if let Some(from) = query.from.as_deref().filter(|f| !f.is_empty()) {
        conditions.push("a.starts_at >= ?".into());
        params.push(Value::Text(stamp(time::parse_input("from", from, tz)?.0)));
    }
    if let Some(to) = query.to.as_deref().filter(|f| !f.is_empty()) {
        conditions.push("a.starts_at < ?".into());
        params.push(Value::Text(stamp(time::parse_input("to", to, tz)?.0)));
    }
    if let Some(before) = query.before.as_deref().filter(|f| !f.is_empty()) {
        conditions.push("coalesce(a.starts_at, a.created_at) < ?".into());
        params.push(Value::Text(before.to_owned()));
    }
    let limit = query.limit.unwrap_or(200).clamp(1, 5000);
    let sql = format!(
        "{SELECT} {} ORDER BY coalesce(a.starts_at, a.created_at) DESC, a.id DESC LIMIT {limit}",
        if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        }
    );
    let items = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(params), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    complete_rows(conn, items)
}

pub(super) fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The Today screen: what is overdue, what is due today, and the next days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Agenda {
    /// Today's date in the user's time zone (YYYY-MM-DD).
    pub today: String,
    /// Open items due before today, oldest first (at most 500; `overdue_total` counts all).
    pub overdue: Vec<Activity>,
    #[ts(type = "number")]
    pub overdue_total: i64,
    /// Open items due today, by time.
    pub due_today: Vec<Activity>,
    /// The following days, each with its open items (at most 500 in all; `upcoming_total`
    /// counts all).
    pub upcoming: Vec<AgendaDay>,
    #[ts(type = "number")]
    pub upcoming_total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgendaDay {
    /// YYYY-MM-DD
    pub date: String,
    pub items: Vec<Activity>,
}

pub(super) const OVERDUE_SHOWN: i64 = 500;
pub(super) const UPCOMING_SHOWN: i64 = 500;

/// Open, dated activities (notes excluded) from overdue through `days` days after today.
pub fn agenda(conn: &Connection, now: DateTime<Utc>, tz: Tz, days: u32) -> Result<Agenda> {
    let today = time::local_date(tz, now);
    let start_today = time::start_of_day(tz, today);
    let days = days.clamp(1, 366);
    let end = time::start_of_day(tz, today + Duration::days(i64::from(days) + 1));
    let open =
        |from: Option<DateTime<Utc>>, to: DateTime<Utc>, limit: i64| -> Result<Vec<Activity>> {
            let items = conn
                .prepare_cached(&format!(
                "{SELECT} WHERE a.done_at IS NULL AND a.starts_at IS NOT NULL AND a.kind <> 'note'
                   AND (?1 IS NULL OR a.starts_at >= ?1) AND a.starts_at < ?2
                 ORDER BY a.starts_at, a.id LIMIT ?3"
            ))?
                .query_map((from.map(stamp), stamp(to), limit), from_row)?
                .collect::<rusqlite::Result<_>>()?;
            complete_rows(conn, items)
        };
    let count = |from: Option<DateTime<Utc>>, to: DateTime<Utc>| -> Result<i64> {
        Ok(conn
            .prepare_cached(
                "SELECT count(*) FROM activities WHERE done_at IS NULL AND starts_at IS NOT NULL
                   AND kind <> 'note' AND (?1 IS NULL OR starts_at >= ?1) AND starts_at < ?2",
            )?
            .query_row((from.map(stamp), stamp(to)), |r| r.get(0))?)
    };
    let start_tomorrow = time::start_of_day(tz, today + Duration::days(1));
    let overdue = open(None, start_today, OVERDUE_SHOWN)?;
    let overdue_total = count(None, start_today)?;
    let due_today = open(Some(start_today), start_tomorrow, 5000)?;
    let upcoming_total = count(Some(start_tomorrow), end)?;
    let mut upcoming: Vec<AgendaDay> = Vec::new();
    for a in open(Some(start_tomorrow), end, UPCOMING_SHOWN)? {
        let Some(at) = a.starts_at.as_deref().map(parse_stamp).transpose()? else {
            continue;
        };
        let date = time::local_date(tz, at);
        let key = date.format("%Y-%m-%d").to_string();
        match upcoming.last_mut() {
            Some(day) if day.date == key => day.items.push(a),
            _ => upcoming.push(AgendaDay {
                date: key,
                items: vec![a],
            }),
        }
    }
    Ok(Agenda {
        today: today.format("%Y-%m-%d").to_string(),
        overdue,
        overdue_total,
        due_today,
        upcoming,
        upcoming_total,
    })
}

/// One item on the calendar: a stored activity, or a later occurrence of a series computed
/// from its rule (`projected`, with no `id` of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalendarEntry {
    /// The activity's id; for a projected occurrence, the id of the series' stored occurrence.
    pub activity_id: String,
    pub projected: bool,
    pub kind: ActivityKind,
    pub subject: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub all_day: bool,
    pub done: bool,
    pub series_id: Option<String>,
    /// Names of the linked records ("Ada Lovelace, Acme").
    pub with: String,
}

/// The instants `[from, to)` a calendar asks for, checked: in order and at most 400 days apart.
fn calendar_window(from: &str, to: &str, tz: Tz) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let (from, _) = time::parse_input("from", from, tz)?;
    let (to, _) = time::parse_input("to", to, tz)?;
    if to <= from {
        return Err(Error::invalid("to", "must be after from"));
    }
    if to - from > Duration::days(400) {
        return Err(Error::invalid(
            "to",
            "a calendar shows at most 400 days at once",
        ));
    }
    Ok((from, to))
}

/// Meetings, calls, tasks and events starting in `[from, to)` (UTC), with the computed later
/// occurrences of recurring series; only those owned by `owner` when given (everyone's when
/// `None`). The week and day views, and a day's full list, show these.
pub fn calendar(
    conn: &Connection,
    from: &str,
    to: &str,
    tz: Tz,
    owner: Option<&str>,
) -> Result<Vec<CalendarEntry>> {
    let (from, to) = calendar_window(from, to, tz)?;
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.kind <> 'note'
               AND (?3 IS NULL OR a.owner_id = ?3)
             ORDER BY a.starts_at, a.id LIMIT 10000"
        ))?
        .query_map((stamp(from), stamp(to), owner), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = complete_rows(conn, rows)?;
    let mut entries: Vec<CalendarEntry> = rows.iter().map(entry).collect();
    entries.extend(projected(conn, from, to, owner)?);
    entries.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    Ok(entries)
}

/// The later occurrences of open series in `[from, to)`, computed from their rules (after the
/// newest stored one), owned by `owner` when given.
fn projected(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    owner: Option<&str>,
) -> Result<Vec<CalendarEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.series_id, max(a.occurrence_at),
                (SELECT id FROM activities o WHERE o.series_id = a.series_id AND o.done_at IS NULL
                  ORDER BY o.occurrence_at DESC LIMIT 1)
           FROM activities a JOIN activity_series s ON s.id = a.series_id
          WHERE s.ended_at IS NULL GROUP BY a.series_id",
    )?;
    let series_rows: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut entries = Vec::new();
    for (series_id, newest, open_id) in series_rows {
        let Some(open_id) = open_id else { continue };
        let s = series(conn, &series_id)?;
        let base = get(conn, &open_id)?;
        if owner.is_some() && base.owner_id.as_deref() != owner {
            continue;
        }
        let after = parse_stamp(&newest)?.max(from - Duration::seconds(1));
        for at in recurrence::occurrences(
            &s.rrule,
            s.dtstart,
            s.time_zone,
            after,
            Some(to),
            recurrence::MAX_OCCURRENCES,
        )? {
            let mut e = entry(&base);
            e.projected = true;
            e.starts_at = stamp(at);
            e.ends_at = base
                .duration_minutes
                .map(|d| stamp(at + Duration::minutes(d)));
            e.done = false;
            entries.push(e);
        }
    }
    Ok(entries)
}

/// One day of the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalendarDay {
    /// The day in the user's time zone (YYYY-MM-DD).
    pub date: String,
    /// How many items start that day, all of them (stored and projected).
    #[ts(type = "number")]
    pub count: i64,
    /// The first of them by time (at most the `per_day` asked for), named; the rest is
    /// `count - entries.length` more, which [`calendar`] lists for that day.
    pub entries: Vec<CalendarEntry>,
}

/// The starts of the month grid's items, in order, from the index alone.
const MONTH_WALK: &str = "SELECT starts_at, rowid FROM activities
   WHERE starts_at >= ?1 AND starts_at < ?2 AND kind <> 'note' AND (?3 IS NULL OR owner_id = ?3)
   ORDER BY starts_at";

/// The most entries per day [`calendar_month`] names.
pub const MONTH_PER_DAY_MAX: u32 = 50;

/// The month grid over `[from, to)`: every local day in `tz` (the first is the day `from`
/// falls on), with how many items start that day and the first `per_day` of them by time.
/// Only those owned by `owner` when given.
///
/// A month of everyone can hold tens of thousands of items, more than a grid can show: the
/// count reads the index `activities_on_calendar` alone, and only the entries shown are read
/// in full and named.
pub fn calendar_month(
    conn: &Connection,
    from: &str,
    to: &str,
    tz: Tz,
    owner: Option<&str>,
    per_day: u32,
) -> Result<Vec<CalendarDay>> {
    let (from, to) = calendar_window(from, to, tz)?;
    let per_day = per_day.min(MONTH_PER_DAY_MAX) as usize;
    // Day i holds the items before the start of day i + 1 (`ends[i]`); the last ends at `to`.
    let mut days: Vec<CalendarDay> = Vec::new();
    let mut ends: Vec<String> = Vec::new();
    let mut date = time::local_date(tz, from);
    loop {
        let next = time::start_of_day(tz, date + Duration::days(1));
        days.push(CalendarDay {
            date: date.format("%Y-%m-%d").to_string(),
            count: 0,
            entries: Vec::new(),
        });
        ends.push(stamp(next.min(to)));
        if next >= to {
            break;
        }
        date += Duration::days(1);
    }
    let day_of = |starts_at: &str| ends.partition_point(|end| end.as_str() <= starts_at);
    // Walk the starts in order (`activities_on_calendar` alone): count every one, keep the
    // rows of the first `per_day` a day, and of any others starting at the same time as the
    // last kept, so that the shown ones are the first by time and id like the full list.
    let mut kept: Vec<Vec<(String, i64)>> = vec![Vec::new(); days.len()];
    {
        let mut stmt = conn.prepare_cached(MONTH_WALK)?;
        let mut rows = stmt.query((stamp(from), stamp(to), owner))?;
        while let Some(r) = rows.next()? {
            let starts_at = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let day = day_of(starts_at).min(ends.len() - 1);
            days[day].count += 1;
            let keep = &mut kept[day];
            let tied = per_day > 0
                && keep.len() >= per_day
                && keep.last().is_some_and(|(last, _)| last == starts_at);
            if keep.len() < per_day || tied {
                keep.push((starts_at.to_owned(), r.get(1)?));
            }
        }
    }
    // Read and name only the entries kept.
    let rowids: Vec<i64> = kept.iter().flatten().map(|(_, rowid)| *rowid).collect();
    if !rowids.is_empty() {
        let rowids = serde_json::to_string(&rowids).map_err(|e| Error::Internal(e.to_string()))?;
        let rows = conn
            .prepare_cached(&format!(
                "{SELECT} WHERE a.rowid IN (SELECT value FROM json_each(?1))"
            ))?
            .query_map([rowids], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let rows = complete_rows(conn, rows)?;
        for a in &rows {
            let day = day_of(a.starts_at.as_deref().unwrap_or_default());
            days[day.min(ends.len() - 1)].entries.push(entry(a));
        }
    }
    for e in projected(conn, from, to, owner)? {
        let day = &mut days[day_of(&e.starts_at).min(ends.len() - 1)];
        day.count += 1;
        day.entries.push(e);
    }
    for day in &mut days {
        day.entries.sort_by(|a, b| {
            (&a.starts_at, a.projected, &a.activity_id).cmp(&(
                &b.starts_at,
                b.projected,
                &b.activity_id,
            ))
        });
        day.entries.truncate(per_day);
    }
    Ok(days)
}

pub(super) fn entry(a: &Activity) -> CalendarEntry {
    CalendarEntry {
        activity_id: a.id.clone(),
        projected: false,
        kind: a.kind,
        subject: a.subject.clone(),
        starts_at: a.starts_at.clone().unwrap_or_default(),
        ends_at: a.ends_at.clone(),
        all_day: a.all_day,
        done: a.done_at.is_some(),
        series_id: a.series_id.clone(),
        with: a
            .links
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_grid_counts_from_the_calendar_index_alone() {
        let db = Db::open_in_memory().unwrap();
        let plan: Vec<String> = db
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {MONTH_WALK}"))
            .unwrap()
            .query_map(("a", "b", None::<String>), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            plan,
            [
                "SEARCH activities USING COVERING INDEX activities_on_calendar (starts_at>? AND starts_at<?)"
            ],
        );
    }
}
