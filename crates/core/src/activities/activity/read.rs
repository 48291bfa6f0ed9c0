//! Reading activities: the row mapping and one activity with its links and participants.

use super::*;

pub(crate) const SELECT: &str = "SELECT a.id, a.kind, a.subject, a.notes, a.channel, a.direction,
        a.outcome, a.starts_at, a.all_day, a.duration_minutes, a.location, a.done_at, a.remind_at,
        a.reminder_state, a.series_id, s.rrule, a.owner_id, t.name AS owner_name, a.created_at,
        a.updated_at
   FROM activities a
   LEFT JOIN activity_series s ON s.id = a.series_id
   LEFT JOIN team_members t ON t.id = a.owner_id";

pub(super) fn parse_col<T>(
    row: &Row<'_>,
    i: &str,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    Ok(row.get::<_, Option<String>>(i)?.as_deref().and_then(parse))
}

pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Activity> {
    let starts_at: Option<String> = row.get("starts_at")?;
    let duration: Option<i64> = row.get("duration_minutes")?;
    let ends_at = starts_at
        .as_deref()
        .zip(duration)
        .and_then(|(s, d)| Some(stamp(parse_stamp(s).ok()? + Duration::minutes(d))));
    let repeat: Option<String> = row.get("rrule")?;
    Ok(Activity {
        id: row.get("id")?,
        kind: parse_col(row, "kind", ActivityKind::parse)?.unwrap_or(ActivityKind::Task),
        subject: row.get("subject")?,
        notes: row.get("notes")?,
        channel: parse_col(row, "channel", ActivityChannel::parse)?,
        direction: parse_col(row, "direction", Direction::parse)?,
        outcome: parse_col(row, "outcome", CallOutcome::parse)?,
        starts_at,
        ends_at,
        all_day: row.get::<_, i64>("all_day")? != 0,
        duration_minutes: duration,
        location: row.get("location")?,
        done_at: row.get("done_at")?,
        remind_at: row.get("remind_at")?,
        reminder_state: parse_col(row, "reminder_state", ReminderState::parse)?,
        series_id: row.get("series_id")?,
        repeat_text: repeat.as_deref().map(recurrence::describe),
        repeat,
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        links: Vec::new(),
        participants: Vec::new(),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
    })
}

/// Fills in links (with names) and participants.
/// Two queries for a whole page, however long (the ids travel as one JSON array).
pub(crate) fn complete_rows(conn: &Connection, mut items: Vec<Activity>) -> Result<Vec<Activity>> {
    if items.is_empty() {
        return Ok(items);
    }
    let index: std::collections::HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    let ids = serde_json::to_string(&items.iter().map(|a| a.id.as_str()).collect::<Vec<_>>())
        .map_err(|e| Error::Internal(e.to_string()))?;
    let links_sql = format!(
        "SELECT l.activity_id, l.entity, l.entity_id, {} FROM activity_links l
          WHERE l.activity_id IN (SELECT value FROM json_each(?1)) ORDER BY l.created_at, l.id",
        link_name_sql()
    );
    let mut stmt = conn.prepare_cached(&links_sql)?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let activity: String = r.get(0)?;
        if let Some(&i) = index.get(&activity) {
            items[i].links.push(LinkedRecord {
                entity: r.get(1)?,
                id: r.get(2)?,
                name: r
                    .get::<_, Option<String>>(3)?
                    .unwrap_or_else(|| "(deleted)".into()),
            });
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT activity_id, contact_id, member_id, name, email FROM activity_participants
          WHERE activity_id IN (SELECT value FROM json_each(?1)) ORDER BY activity_id, position",
    )?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let activity: String = r.get("activity_id")?;
        if let Some(&i) = index.get(&activity) {
            items[i].participants.push(super::participant(r)?);
        }
    }
    Ok(items)
}

pub fn get(conn: &Connection, id: &str) -> Result<Activity> {
    let a = conn
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("activity", id))?;
    Ok(complete_rows(conn, vec![a])?.remove(0))
}
