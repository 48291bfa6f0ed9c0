//! Recurring activities: the series each occurrence belongs to and the template new occurrences are made from.

use super::*;

/// What each new occurrence of a series is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct Template {
    pub(super) kind: Option<ActivityKind>,
    pub(super) subject: String,
    pub(super) notes: Option<String>,
    pub(super) channel: Option<ActivityChannel>,
    pub(super) direction: Option<Direction>,
    pub(super) duration_minutes: Option<i64>,
    pub(super) location: Option<String>,
    pub(super) remind_before_minutes: Option<i64>,
    pub(super) owner_id: Option<String>,
    pub(super) links: Vec<RecordRef>,
    pub(super) participants: Vec<Participant>,
}

impl Template {
    pub(super) fn of(v: &Valid) -> Template {
        Template {
            kind: Some(v.kind),
            subject: v.subject.clone(),
            notes: v.notes.clone(),
            channel: v.channel,
            direction: v.direction,
            duration_minutes: v.duration_minutes,
            location: v.location.clone(),
            remind_before_minutes: v
                .remind_at
                .zip(v.starts_at)
                .map(|(r, s)| (s - r).num_minutes()),
            owner_id: v.owner_id.clone(),
            links: v.links.clone(),
            participants: v.participants.clone(),
        }
    }

    pub(super) fn json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(e.to_string()))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) id: String,
    pub(crate) rrule: String,
    pub(crate) dtstart: NaiveDateTime,
    pub(crate) time_zone: Tz,
    pub(super) all_day: bool,
    pub(super) template: Template,
    pub(super) ended: bool,
}

pub(crate) fn series(conn: &Connection, id: &str) -> Result<Series> {
    let row: (String, String, String, i64, String, Option<String>) = conn
        .prepare_cached(
            "SELECT rrule, dtstart, time_zone, all_day, template, ended_at FROM activity_series WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get("rrule")?, r.get("dtstart")?, r.get("time_zone")?, r.get("all_day")?, r.get("template")?, r.get("ended_at")?))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("recurring series", id))?;
    let (rrule, dtstart, zone, all_day, template, ended_at) = row;
    Ok(Series {
        id: id.to_owned(),
        rrule,
        dtstart: NaiveDateTime::parse_from_str(&dtstart, "%Y-%m-%dT%H:%M:%S")
            .map_err(|e| Error::Internal(format!("series {id} has an unreadable start: {e}")))?,
        time_zone: zone
            .parse()
            .map_err(|_| Error::Internal(format!("series {id} has an unknown time zone {zone}")))?,
        all_day: all_day != 0,
        template: serde_json::from_str(&template)
            .map_err(|e| Error::Internal(format!("series {id} has an unreadable template: {e}")))?,
        ended: ended_at.is_some(),
    })
}

/// Starts a series at `start` (snapped forward to the rule's first occurrence) and returns its
/// id and the first occurrence's time.
pub(super) fn start_series(
    w: &Writer<'_>,
    v: &Valid,
    rule: &str,
    start: DateTime<Utc>,
    tz: Tz,
) -> Result<(String, DateTime<Utc>)> {
    let dtstart = start.with_timezone(&tz).naive_local();
    let first = recurrence::first_from(rule, dtstart, tz, start)?.ok_or_else(|| {
        Error::invalid(
            "repeat",
            format!("the rule {rule} has no occurrence after the start"),
        )
    })?;
    let id = crate::new_id();
    w.insert(
        SERIES,
        &id,
        &[
            ("rrule", Value::Text(rule.to_owned())),
            (
                "dtstart",
                Value::Text(dtstart.format("%Y-%m-%dT%H:%M:%S").to_string()),
            ),
            ("time_zone", Value::Text(tz.name().to_owned())),
            ("all_day", Value::Integer(i64::from(v.all_day))),
            ("template", Value::Text(Template::of(v).json()?)),
        ],
    )?;
    Ok((id, first))
}

/// Stops a series so that it has no occurrence at or after `from`.
pub(super) fn end_series(w: &Writer<'_>, s: &Series, from: DateTime<Utc>) -> Result<()> {
    w.update(
        SERIES,
        &s.id,
        &[
            (
                "rrule",
                Value::Text(recurrence::ending_before(&s.rrule, from)),
            ),
            ("ended_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    Ok(())
}
