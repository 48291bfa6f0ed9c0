//! Activities: every interaction with a customer (calls, meetings, tasks, notes, e-mails, SMS,
//! letters, faxes, web visits, events), linked to the records they concern, with reminders and
//! recurring series.
//!
//! A recurring commitment ("the monthly statement, on the 1st") is an `activity_series` row
//! holding the rule, its time zone and a template. Only its next open occurrence is stored as
//! an activity; completing it stores the one after. Later occurrences are computed when a
//! calendar shows them.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::recurrence;
use crate::kernel::time::{self, parse_stamp, stamp};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, int, text};

pub(crate) const TABLE: &str = "activities";
const LINKS: &str = "activity_links";
const PARTICIPANTS: &str = "activity_participants";
const SERIES: &str = "activity_series";

text_enum!(
    /// What kind of interaction an activity is.
    ActivityKind {
        Call = "call",
        Meeting = "meeting",
        Task = "task",
        Note = "note",
        Email = "email",
        Sms = "sms",
        Letter = "letter",
        Fax = "fax",
        WebVisit = "web_visit",
        Event = "event",
    }
);

text_enum!(
    /// The medium an interaction went through.
    ActivityChannel {
        Phone = "phone",
        Email = "email",
        Sms = "sms",
        Letter = "letter",
        InPerson = "in_person",
        Video = "video",
        Fax = "fax",
        Web = "web",
        Other = "other",
    }
);

text_enum!(
    /// Who started the interaction.
    Direction {
        Inbound = "inbound",
        Outbound = "outbound",
    }
);

text_enum!(
    /// How a call went.
    CallOutcome {
        Connected = "connected",
        NoAnswer = "no_answer",
        LeftVoicemail = "left_voicemail",
        WrongNumber = "wrong_number",
        CallBack = "call_back",
    }
);

text_enum!(
    /// Where a reminder stands: `pending` (not yet due or not yet shown), `shown` (notified,
    /// still listed until dismissed), `dismissed`.
    ReminderState {
        Pending = "pending",
        Shown = "shown",
        Dismissed = "dismissed",
    }
);

impl ActivityKind {
    /// The channel an interaction of this kind goes through unless told otherwise.
    pub fn default_channel(self) -> Option<ActivityChannel> {
        match self {
            ActivityKind::Call => Some(ActivityChannel::Phone),
            ActivityKind::Email => Some(ActivityChannel::Email),
            ActivityKind::Sms => Some(ActivityChannel::Sms),
            ActivityKind::Letter => Some(ActivityChannel::Letter),
            ActivityKind::Fax => Some(ActivityChannel::Fax),
            ActivityKind::WebVisit => Some(ActivityChannel::Web),
            ActivityKind::Meeting => Some(ActivityChannel::InPerson),
            ActivityKind::Task | ActivityKind::Note | ActivityKind::Event => None,
        }
    }
}

/// Which occurrences of a recurring activity an edit applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Scope {
    /// Only this occurrence.
    #[default]
    This,
    /// This occurrence and every later one (the series is split here).
    Future,
}

/// A record an activity concerns: `entity` is `contacts`, `accounts`, `opportunities`,
/// `leads` or `call_list_entries` (a person on a call list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordRef {
    pub entity: String,
    pub id: String,
}

/// A linked record as shown: with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkedRecord {
    pub entity: String,
    pub id: String,
    pub name: String,
}

/// Someone who took part: a contact, a team member, or a name (and address) alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Participant {
    pub contact_id: Option<String>,
    pub member_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub subject: String,
    pub notes: Option<String>,
    pub channel: Option<ActivityChannel>,
    pub direction: Option<Direction>,
    pub outcome: Option<CallOutcome>,
    /// When it starts or is due (UTC); `null` for an undated note or task.
    pub starts_at: Option<String>,
    /// `starts_at` plus the duration, when both are known.
    pub ends_at: Option<String>,
    pub all_day: bool,
    #[ts(type = "number | null")]
    pub duration_minutes: Option<i64>,
    pub location: Option<String>,
    /// When it was done; `null` while open.
    pub done_at: Option<String>,
    pub remind_at: Option<String>,
    pub reminder_state: Option<ReminderState>,
    /// The recurring series this is an occurrence of.
    pub series_id: Option<String>,
    /// The series' rule (`FREQ=MONTHLY;BYMONTHDAY=1`) and its description.
    pub repeat: Option<String>,
    pub repeat_text: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub links: Vec<LinkedRecord>,
    pub participants: Vec<Participant>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to log or schedule an activity, or to save an edited one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ActivityInput {
    pub kind: Option<ActivityKind>,
    pub subject: String,
    pub notes: Option<String>,
    /// Defaults from the kind (a call goes by phone).
    pub channel: Option<ActivityChannel>,
    pub direction: Option<Direction>,
    pub outcome: Option<CallOutcome>,
    /// RFC 3339 (`2026-11-24T09:00:00Z`), a local time (`2026-11-24T09:00`) or a date
    /// (`2026-11-24`, all day). A logged interaction without one happened now.
    pub starts_at: Option<String>,
    pub all_day: bool,
    #[ts(type = "number | null")]
    pub duration_minutes: Option<i64>,
    pub location: Option<String>,
    /// Already done (a call that just happened) rather than planned.
    pub done: bool,
    /// When to remind, in the same forms as `starts_at`.
    pub remind_at: Option<String>,
    /// An RFC 5545 rule (`FREQ=MONTHLY;BYMONTHDAY=1`) to repeat it; needs `starts_at`.
    pub repeat: Option<String>,
    pub owner_id: Option<String>,
    pub links: Vec<RecordRef>,
    pub participants: Vec<Participant>,
}

/// An activity just logged and, in the same save, the follow-up scheduled after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Logged {
    pub activity: Activity,
    pub follow_up: Option<Activity>,
    /// The change batch, for undo.
    pub batch_id: String,
}

/// What completing an activity did: the activity, and the next occurrence of its series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Completed {
    pub activity: Activity,
    pub next: Option<Activity>,
    pub batch_id: String,
}

/// Records an activity can be linked to: the table (which is also the link's `entity`) and the
/// SQL expression that names one of its rows. Modules that land later add theirs here.
const LINKABLE: &[(&str, &str)] = &[
    ("contacts", "trim(first_name || ' ' || last_name)"),
    ("accounts", "name"),
    ("opportunities", "name"),
    ("leads", "name"),
    ("call_list_entries", "name"),
    ("tickets", "'#' || number || ' ' || subject"),
];

/// The name of a linkable record, or `None` when it does not exist.
pub fn record_name(conn: &Connection, entity: &str, id: &str) -> Result<Option<String>> {
    let Some((table, name)) = LINKABLE.iter().find(|(e, _)| *e == entity) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(&format!("SELECT {name} FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// SQL naming the record a link row `l` points at, whatever its kind.
fn link_name_sql() -> String {
    let cases: String = LINKABLE
        .iter()
        .map(|(table, name)| {
            format!(" WHEN '{table}' THEN (SELECT {name} FROM {table} WHERE id = l.entity_id)")
        })
        .collect();
    format!("CASE l.entity{cases} END")
}

/// The stored form of an input, checked.
#[derive(Debug, Clone)]
struct Valid {
    kind: ActivityKind,
    subject: String,
    notes: Option<String>,
    channel: Option<ActivityChannel>,
    direction: Option<Direction>,
    outcome: Option<CallOutcome>,
    starts_at: Option<DateTime<Utc>>,
    all_day: bool,
    duration_minutes: Option<i64>,
    location: Option<String>,
    done: bool,
    remind_at: Option<DateTime<Utc>>,
    repeat: Option<String>,
    owner_id: Option<String>,
    links: Vec<RecordRef>,
    participants: Vec<Participant>,
}

fn check(conn: &Connection, input: &ActivityInput, tz: Tz) -> Result<Valid> {
    let mut c = Checker::default();
    let kind = input.kind.unwrap_or(ActivityKind::Task);
    let subject = c.required("subject", &input.subject, SHORT_TEXT_MAX);
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let location = c.text("location", &input.location, SHORT_TEXT_MAX);
    let mut all_day = input.all_day;
    let mut moment = |field: &str, value: &Option<String>, c: &mut Checker| match value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) => match time::parse_input(field, v, tz) {
            Ok((at, date_only)) => {
                if field == "starts_at" && date_only {
                    all_day = true;
                }
                Some(at)
            }
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                None
            }
        },
    };
    let starts_at = moment("starts_at", &input.starts_at, &mut c);
    let remind_at = moment("remind_at", &input.remind_at, &mut c);
    if let Some(d) = input
        .duration_minutes
        .filter(|d| !(0..=60 * 24 * 31).contains(d))
    {
        c.fail(
            "duration_minutes",
            format!("{d} minutes is not a duration Rapport accepts (0 to 31 days)"),
        );
    }
    if input.outcome.is_some() && kind != ActivityKind::Call {
        c.fail("outcome", "only calls have an outcome");
    }
    let repeat = match input
        .repeat
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(rule) => {
            if starts_at.is_none()
                && input
                    .starts_at
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty())
            {
                c.fail("repeat", "a repeating activity needs a start or due time");
            }
            match recurrence::normalize("repeat", rule) {
                Ok(rule) => Some(rule),
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    None
                }
            }
        }
    };
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let mut links: Vec<RecordRef> = Vec::new();
    for (i, link) in input.links.iter().enumerate() {
        let field = format!("links[{i}]");
        if !LINKABLE.iter().any(|(e, _)| *e == link.entity) {
            c.fail(
                &field,
                format!(
                    "activities cannot be linked to \"{}\"; use one of: contacts, accounts, opportunities, leads",
                    link.entity
                ),
            );
            continue;
        }
        if record_name(conn, &link.entity, link.id.trim())?.is_none() {
            c.fail(
                &field,
                format!(
                    "no {} with id {} exists",
                    singular(&link.entity),
                    link.id.trim()
                ),
            );
            continue;
        }
        let link = RecordRef {
            entity: link.entity.clone(),
            id: link.id.trim().to_owned(),
        };
        if !links.contains(&link) {
            links.push(link);
        }
    }
    let mut participants = Vec::new();
    for (i, p) in input.participants.iter().enumerate() {
        let field = format!("participants[{i}]");
        let mut name = p.name.trim().to_owned();
        if let Some(contact) = p.contact_id.as_deref().filter(|s| !s.is_empty()) {
            match record_name(conn, "contacts", contact)? {
                Some(n) if name.is_empty() => name = n,
                Some(_) => {}
                None => c.fail(&field, format!("no contact with id {contact} exists")),
            }
        }
        if let Some(member) = p.member_id.as_deref().filter(|s| !s.is_empty()) {
            let found: Option<String> = conn
                .prepare_cached("SELECT name FROM team_members WHERE id = ?1")?
                .query_row([member], |r| r.get(0))
                .optional()?;
            match found {
                Some(n) if name.is_empty() => name = n,
                Some(_) => {}
                None => c.fail(&field, format!("no team member with id {member} exists")),
            }
        }
        let email = c.text(&format!("{field}.email"), &p.email, SHORT_TEXT_MAX);
        if let Some(e) = &email {
            c.email(&format!("{field}.email"), e);
        }
        if name.is_empty() {
            name = email.clone().unwrap_or_default();
        }
        if name.is_empty() {
            c.fail(
                &field,
                "needs a name, an e-mail address, a contact or a team member",
            );
            continue;
        }
        participants.push(Participant {
            contact_id: p.contact_id.clone().filter(|s| !s.is_empty()),
            member_id: p.member_id.clone().filter(|s| !s.is_empty()),
            name,
            email,
        });
    }
    c.finish()?;
    Ok(Valid {
        kind,
        subject,
        notes,
        channel: input.channel.or_else(|| kind.default_channel()),
        direction: input.direction,
        outcome: input.outcome,
        starts_at,
        all_day: all_day && starts_at.is_some(),
        duration_minutes: input.duration_minutes,
        location,
        done: input.done,
        remind_at,
        repeat,
        owner_id,
        links,
        participants,
    })
}

fn singular(entity: &str) -> &str {
    entity.strip_suffix('s').unwrap_or(entity)
}

impl Valid {
    /// The activity's own columns. `done_at` and the reminder are set by the caller, who knows
    /// what was stored before.
    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("kind", Value::Text(self.kind.as_str().to_owned())),
            ("subject", Value::Text(self.subject.clone())),
            ("notes", text(&self.notes)),
            (
                "channel",
                text(&self.channel.map(|c| c.as_str().to_owned())),
            ),
            (
                "direction",
                text(&self.direction.map(|d| d.as_str().to_owned())),
            ),
            (
                "outcome",
                text(&self.outcome.map(|o| o.as_str().to_owned())),
            ),
            ("starts_at", text(&self.starts_at.map(stamp))),
            ("all_day", Value::Integer(i64::from(self.all_day))),
            ("duration_minutes", int(self.duration_minutes)),
            ("location", text(&self.location)),
            ("owner_id", text(&self.owner_id)),
        ]
    }
}

/// What each new occurrence of a series is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Template {
    kind: Option<ActivityKind>,
    subject: String,
    notes: Option<String>,
    channel: Option<ActivityChannel>,
    direction: Option<Direction>,
    duration_minutes: Option<i64>,
    location: Option<String>,
    remind_before_minutes: Option<i64>,
    owner_id: Option<String>,
    links: Vec<RecordRef>,
    participants: Vec<Participant>,
}

impl Template {
    fn of(v: &Valid) -> Template {
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

    fn json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(e.to_string()))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) id: String,
    pub(crate) rrule: String,
    pub(crate) dtstart: NaiveDateTime,
    pub(crate) time_zone: Tz,
    all_day: bool,
    template: Template,
    ended: bool,
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
fn start_series(
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
fn end_series(w: &Writer<'_>, s: &Series, from: DateTime<Utc>) -> Result<()> {
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

fn insert_row(
    w: &Writer<'_>,
    v: &Valid,
    starts_at: Option<DateTime<Utc>>,
    series: Option<(&str, DateTime<Utc>)>,
) -> Result<String> {
    let id = crate::new_id();
    let mut fields = v.columns();
    for f in &mut fields {
        if f.0 == "starts_at" {
            f.1 = text(&starts_at.map(stamp));
        }
    }
    fields.push(("done_at", text(&v.done.then(|| w.now().to_owned()))));
    fields.push(("remind_at", text(&v.remind_at.map(stamp))));
    fields.push((
        "reminder_state",
        text(
            &v.remind_at
                .map(|_| ReminderState::Pending.as_str().to_owned()),
        ),
    ));
    fields.push(("series_id", text(&series.map(|(s, _)| s.to_owned()))));
    fields.push(("occurrence_at", text(&series.map(|(_, at)| stamp(at)))));
    w.insert(TABLE, &id, &fields)?;
    set_links(w, &id, &v.links)?;
    set_participants(w, &id, &v.participants)?;
    Ok(id)
}

fn set_links(w: &Writer<'_>, id: &str, links: &[RecordRef]) -> Result<()> {
    let existing: Vec<(String, String, String)> = w
        .conn()
        .prepare_cached("SELECT id, entity, entity_id FROM activity_links WHERE activity_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, entity, entity_id) in &existing {
        if !links
            .iter()
            .any(|l| &l.entity == entity && &l.id == entity_id)
        {
            w.delete(LINKS, row)?;
        }
    }
    for link in links {
        if !existing
            .iter()
            .any(|(_, e, i)| *e == link.entity && *i == link.id)
        {
            w.insert(
                LINKS,
                &crate::new_id(),
                &[
                    ("activity_id", Value::Text(id.to_owned())),
                    ("entity", Value::Text(link.entity.clone())),
                    ("entity_id", Value::Text(link.id.clone())),
                ],
            )?;
        }
    }
    Ok(())
}

fn set_participants(w: &Writer<'_>, id: &str, people: &[Participant]) -> Result<()> {
    let stored = participants_of(w.conn(), id)?;
    if stored.iter().map(|(_, p)| p).eq(people.iter()) {
        return Ok(());
    }
    for (row, _) in stored {
        w.delete(PARTICIPANTS, &row)?;
    }
    for (position, p) in people.iter().enumerate() {
        w.insert(
            PARTICIPANTS,
            &crate::new_id(),
            &[
                ("activity_id", Value::Text(id.to_owned())),
                ("position", Value::Integer(position as i64)),
                ("contact_id", text(&p.contact_id)),
                ("member_id", text(&p.member_id)),
                ("name", Value::Text(p.name.clone())),
                ("email", text(&p.email)),
            ],
        )?;
    }
    Ok(())
}

fn participants_of(conn: &Connection, id: &str) -> Result<Vec<(String, Participant)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, contact_id, member_id, name, email FROM activity_participants
              WHERE activity_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                Participant {
                    contact_id: r.get(1)?,
                    member_id: r.get(2)?,
                    name: r.get(3)?,
                    email: r.get(4)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates an activity inside a larger write; returns its id.
pub fn create_in(w: &Writer<'_>, input: &ActivityInput, tz: Tz) -> Result<String> {
    let v = check(w.conn(), input, tz)?;
    create_valid(w, v, tz)
}

fn create_valid(w: &Writer<'_>, mut v: Valid, tz: Tz) -> Result<String> {
    if v.done && v.starts_at.is_none() && v.kind != ActivityKind::Note {
        // A call logged without a time happened now.
        v.starts_at = Some(parse_stamp(w.now())?);
    }
    match (&v.repeat, v.starts_at) {
        (Some(rule), Some(start)) => {
            let rule = rule.clone();
            let (series_id, first) = start_series(w, &v, &rule, start, tz)?;
            if let Some(r) = v.remind_at {
                v.remind_at = Some(r + (first - start));
            }
            insert_row(w, &v, Some(first), Some((&series_id, first)))
        }
        _ => insert_row(w, &v, v.starts_at, None),
    }
}

/// Logs or schedules an activity.
pub fn create(db: &mut Db, input: &ActivityInput, tz: Tz) -> Result<Activity> {
    let id = db.write(|w| create_in(w, input, tz))?;
    get(db.conn(), &id)
}

/// Logs an interaction and schedules its follow-up in one save ("log this call and call back
/// on Friday"). The follow-up is linked to the same records unless it names its own.
pub fn log_with_follow_up(
    db: &mut Db,
    input: &ActivityInput,
    follow_up: Option<&ActivityInput>,
    tz: Tz,
) -> Result<Logged> {
    let (id, next, batch_id) = db.write(|w| {
        // Check both before writing either, so that both forms' problems show at once.
        let first = check(w.conn(), input, tz);
        let second = follow_up
            .map(|f| {
                let mut f = f.clone();
                if f.links.is_empty() {
                    f.links = input.links.clone();
                }
                check(w.conn(), &f, tz).map_err(|e| prefix_fields(e, "follow_up"))
            })
            .transpose();
        let (first, second) = match (first, second) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
                a.extend(b);
                return Err(Error::Validation(a));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let id = create_valid(w, first, tz)?;
        let next = second.map(|s| create_valid(w, s, tz)).transpose()?;
        Ok((id, next, w.batch_id().to_owned()))
    })?;
    Ok(Logged {
        activity: get(db.conn(), &id)?,
        follow_up: next.map(|n| get(db.conn(), &n)).transpose()?,
        batch_id,
    })
}

fn prefix_fields(e: Error, prefix: &str) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|f| crate::FieldError::new(format!("{prefix}.{}", f.field), f.message))
                .collect(),
        ),
        other => other,
    }
}

/// Saves an edited activity. For an occurrence of a recurring series, `scope` says whether the
/// change is for this occurrence only or for this and every later one (the series is split:
/// earlier occurrences keep the old rule).
pub fn update(
    db: &mut Db,
    id: &str,
    input: &ActivityInput,
    scope: Scope,
    tz: Tz,
) -> Result<Activity> {
    db.write(|w| update_in(w, id, input, scope, tz))?;
    get(db.conn(), id)
}

fn update_in(w: &Writer<'_>, id: &str, input: &ActivityInput, scope: Scope, tz: Tz) -> Result<()> {
    let old = get(w.conn(), id)?;
    let v = check(w.conn(), input, tz)?;
    let mut fields = v.columns();
    // Done: keep the original time when it stays done.
    let done_at = match (v.done, &old.done_at) {
        (true, Some(at)) => Some(at.clone()),
        (true, None) => Some(w.now().to_owned()),
        (false, _) => None,
    };
    fields.push(("done_at", text(&done_at)));
    fields.extend(reminder_fields(&old, v.remind_at, v.done)?);
    // Whether this save (re)starts a series here: "all future" splits the old one; a one-off
    // that gains a rule starts one.
    let starts_series = match (&old.series_id, scope) {
        (Some(series_id), Scope::Future) => {
            let s = series(w.conn(), series_id)?;
            let occurrence = occurrence_of(w.conn(), id)?;
            end_series(w, &s, occurrence)?;
            // Later stored occurrences belong to the old rule; they go.
            delete_later_occurrences(w, &s.id, occurrence, id)?;
            true
        }
        (Some(_), Scope::This) => false,
        (None, _) => v.repeat.is_some() && v.starts_at.is_some(),
    };
    if starts_series {
        match (&v.repeat, v.starts_at) {
            (Some(rule), Some(start)) => {
                let (new_series, first) = start_series(w, &v, rule, start, tz)?;
                for f in &mut fields {
                    if f.0 == "starts_at" {
                        f.1 = Value::Text(stamp(first));
                    }
                }
                fields.push(("series_id", Value::Text(new_series)));
                fields.push(("occurrence_at", Value::Text(stamp(first))));
            }
            // "All future" without a rule any more: the rest of the series stops here.
            _ => {
                fields.push(("series_id", Value::Null));
                fields.push(("occurrence_at", Value::Null));
            }
        }
    }
    w.update(TABLE, id, &fields)?;
    set_links(w, id, &v.links)?;
    set_participants(w, id, &v.participants)?;
    Ok(())
}

/// The reminder columns after a save: a new or moved reminder time in the future is pending
/// again; done activities remind no more.
fn reminder_fields(
    old: &Activity,
    remind_at: Option<DateTime<Utc>>,
    done: bool,
) -> Result<Vec<(&'static str, Value)>> {
    let new_at = remind_at.map(stamp);
    let state = match (&new_at, done) {
        (None, _) => None,
        (Some(_), true) => Some(ReminderState::Dismissed),
        (Some(at), false) if Some(at) == old.remind_at.as_ref() => {
            old.reminder_state.or(Some(ReminderState::Pending))
        }
        (Some(_), false) => Some(ReminderState::Pending),
    };
    Ok(vec![
        ("remind_at", text(&new_at)),
        (
            "reminder_state",
            text(&state.map(|s| s.as_str().to_owned())),
        ),
    ])
}

fn occurrence_of(conn: &Connection, id: &str) -> Result<DateTime<Utc>> {
    let at: Option<String> = conn
        .prepare_cached("SELECT occurrence_at FROM activities WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    at.as_deref()
        .map(parse_stamp)
        .transpose()?
        .ok_or_else(|| Error::Internal(format!("activity {id} is not part of a series")))
}

fn delete_later_occurrences(
    w: &Writer<'_>,
    series_id: &str,
    after: DateTime<Utc>,
    keep: &str,
) -> Result<()> {
    let ids: Vec<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM activities WHERE series_id = ?1 AND occurrence_at > ?2 AND id <> ?3
               AND done_at IS NULL",
        )?
        .query_map((series_id, stamp(after), keep), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        delete_row(w, &id)?;
    }
    Ok(())
}

/// Marks an activity done. For an occurrence of a recurring series, the next occurrence is
/// stored in the same save and returned.
pub fn complete(db: &mut Db, id: &str) -> Result<Completed> {
    let (next, batch_id) = db.write(|w| {
        let old = get(w.conn(), id)?;
        if old.done_at.is_some() {
            return Ok((None, w.batch_id().to_owned()));
        }
        let mut fields = vec![("done_at", Value::Text(w.now().to_owned()))];
        if old.reminder_state.is_some() {
            fields.push((
                "reminder_state",
                Value::Text(ReminderState::Dismissed.as_str().into()),
            ));
        }
        w.update(TABLE, id, &fields)?;
        emit_completed(w, id)?;
        let next = match &old.series_id {
            Some(series_id) => next_occurrence(w, series_id, occurrence_of(w.conn(), id)?)?,
            None => None,
        };
        Ok((next, w.batch_id().to_owned()))
    })?;
    Ok(Completed {
        activity: get(db.conn(), id)?,
        next: next.map(|n| get(db.conn(), &n)).transpose()?,
        batch_id,
    })
}

/// Opens a done activity again.
pub fn reopen(db: &mut Db, id: &str) -> Result<Activity> {
    db.write(|w| {
        w.update(TABLE, id, &[("done_at", Value::Null)])?;
        Ok(())
    })?;
    get(db.conn(), id)
}

/// Stores the series' occurrence after `after`, unless the series has ended, has no more, or
/// that occurrence is already stored. Returns the new activity's id.
fn next_occurrence(
    w: &Writer<'_>,
    series_id: &str,
    after: DateTime<Utc>,
) -> Result<Option<String>> {
    let s = series(w.conn(), series_id)?;
    if s.ended {
        return Ok(None);
    }
    let Some(at) = recurrence::occurrences(&s.rrule, s.dtstart, s.time_zone, after, None, 1)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let exists: bool = w
        .conn()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM activities WHERE series_id = ?1 AND occurrence_at = ?2)",
        )?
        .query_row((series_id, stamp(at)), |r| r.get(0))?;
    if exists {
        return Ok(None);
    }
    let t = &s.template;
    let v = Valid {
        kind: t.kind.unwrap_or(ActivityKind::Task),
        subject: t.subject.clone(),
        notes: t.notes.clone(),
        channel: t.channel,
        direction: t.direction,
        outcome: None,
        starts_at: Some(at),
        all_day: s.all_day,
        duration_minutes: t.duration_minutes,
        location: t.location.clone(),
        done: false,
        remind_at: t.remind_before_minutes.map(|m| at - Duration::minutes(m)),
        repeat: None,
        owner_id: t.owner_id.clone(),
        links: existing_links(w.conn(), &t.links)?,
        participants: t.participants.clone(),
    };
    insert_row(w, &v, Some(at), Some((series_id, at))).map(Some)
}

/// The links that still point at existing records (a linked contact may have been deleted).
fn existing_links(conn: &Connection, links: &[RecordRef]) -> Result<Vec<RecordRef>> {
    let mut kept = Vec::new();
    for l in links {
        if record_name(conn, &l.entity, &l.id)?.is_some() {
            kept.push(l.clone());
        }
    }
    Ok(kept)
}

/// Moves an activity to a new start (drag on the calendar, "tomorrow" on the agenda), keeping
/// its duration; its reminder moves by the same amount. With [`Scope::Future`], the series'
/// later occurrences move too (the series is split here, the rule kept).
pub fn reschedule(
    db: &mut Db,
    id: &str,
    starts_at: &str,
    scope: Scope,
    tz: Tz,
) -> Result<Activity> {
    db.write(|w| {
        let old = get(w.conn(), id)?;
        let (new_start, date_only) = time::parse_input("starts_at", starts_at, tz)?;
        let mut fields = vec![("starts_at", Value::Text(stamp(new_start)))];
        if date_only != old.all_day {
            fields.push(("all_day", Value::Integer(i64::from(date_only))));
        }
        if let (Some(remind), Some(start)) = (&old.remind_at, &old.starts_at) {
            let moved = parse_stamp(remind)? + (new_start - parse_stamp(start)?);
            fields.push(("remind_at", Value::Text(stamp(moved))));
            if old.done_at.is_none() {
                fields.push((
                    "reminder_state",
                    Value::Text(ReminderState::Pending.as_str().into()),
                ));
            }
        }
        if let (Some(series_id), Scope::Future) = (&old.series_id, scope) {
            let s = series(w.conn(), series_id)?;
            let occurrence = occurrence_of(w.conn(), id)?;
            end_series(w, &s, occurrence)?;
            delete_later_occurrences(w, &s.id, occurrence, id)?;
            let new_id = crate::new_id();
            let mut template = s.template.clone();
            if let Some((r, st)) = old.remind_at.as_deref().zip(old.starts_at.as_deref()) {
                template.remind_before_minutes =
                    Some((parse_stamp(st)? - parse_stamp(r)?).num_minutes());
            }
            w.insert(
                SERIES,
                &new_id,
                &[
                    // An UNTIL still ends the new part where the old one ended; a COUNT counts again.
                    ("rrule", Value::Text(s.rrule.clone())),
                    (
                        "dtstart",
                        Value::Text(
                            new_start
                                .with_timezone(&s.time_zone)
                                .naive_local()
                                .format("%Y-%m-%dT%H:%M:%S")
                                .to_string(),
                        ),
                    ),
                    ("time_zone", Value::Text(s.time_zone.name().to_owned())),
                    ("all_day", Value::Integer(i64::from(date_only || s.all_day))),
                    ("template", Value::Text(template.json()?)),
                ],
            )?;
            fields.push(("series_id", Value::Text(new_id)));
            fields.push(("occurrence_at", Value::Text(stamp(new_start))));
        }
        w.update(TABLE, id, &fields)?;
        Ok(())
    })?;
    get(db.conn(), id)
}

/// Deletes an activity. For an open occurrence of a series, [`Scope::This`] skips it (the next
/// occurrence is stored) and [`Scope::Future`] stops the series.
pub fn delete(db: &mut Db, id: &str, scope: Scope) -> Result<()> {
    db.write(|w| {
        let old = get(w.conn(), id)?;
        if let Some(series_id) = &old.series_id {
            let occurrence = occurrence_of(w.conn(), id)?;
            match scope {
                Scope::This if old.done_at.is_none() => {
                    next_occurrence(w, series_id, occurrence)?;
                }
                Scope::This => {}
                Scope::Future => {
                    let s = series(w.conn(), series_id)?;
                    end_series(w, &s, occurrence)?;
                    delete_later_occurrences(w, series_id, occurrence, id)?;
                }
            }
        }
        delete_row(w, id)
    })
}

/// Deletes one activity (not the rest of its series) inside a larger write.
pub(crate) fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    delete_row(w, id)
}

fn delete_row(w: &Writer<'_>, id: &str) -> Result<()> {
    set_links(w, id, &[])?;
    set_participants(w, id, &[])?;
    // A sent message keeps its outbox row, no longer naming the e-mail activity.
    crate::store::links::release(w, TABLE, id)?;
    w.delete(TABLE, id)
}

/// Moves every activity linked to `from` over to the records `to`: each is linked to all of
/// them (once, however often it was linked before) and no longer to `from`. Returns how many
/// activities moved. Used when a call-list entry becomes a lead and a lead is converted.
pub(crate) fn relink(w: &Writer<'_>, from: &RecordRef, to: &[RecordRef]) -> Result<usize> {
    let rows: Vec<(String, String)> = w
        .conn()
        .prepare_cached(
            "SELECT id, activity_id FROM activity_links WHERE entity = ?1 AND entity_id = ?2",
        )?
        .query_map((&from.entity, &from.id), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, activity) in &rows {
        w.delete(LINKS, row)?;
        for target in to {
            let linked: bool = w
                .conn()
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM activity_links
                      WHERE activity_id = ?1 AND entity = ?2 AND entity_id = ?3)",
                )?
                .query_row((activity, &target.entity, &target.id), |r| r.get(0))?;
            if !linked {
                w.insert(
                    LINKS,
                    &crate::new_id(),
                    &[
                        ("activity_id", Value::Text(activity.clone())),
                        ("entity", Value::Text(target.entity.clone())),
                        ("entity_id", Value::Text(target.id.clone())),
                    ],
                )?;
            }
        }
    }
    Ok(rows.len())
}

/// Marks an open activity done now, with a call outcome and notes added to its own.
pub(crate) fn finish_call(
    w: &Writer<'_>,
    id: &str,
    outcome: CallOutcome,
    notes: Option<&str>,
) -> Result<()> {
    let old: Option<String> = w
        .conn()
        .prepare_cached("SELECT notes FROM activities WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let notes = match (old, notes) {
        (Some(old), Some(new)) => Some(format!("{old}\n\n{new}")),
        (old, new) => old.or(new.map(str::to_owned)),
    };
    w.update(
        TABLE,
        id,
        &[
            ("done_at", Value::Text(w.now().to_owned())),
            ("starts_at", Value::Text(w.now().to_owned())),
            ("outcome", Value::Text(outcome.as_str().to_owned())),
            ("notes", text(&notes)),
            ("reminder_state", Value::Null),
            ("remind_at", Value::Null),
        ],
    )?;
    emit_completed(w, id)
}

/// Raises [`Event::ActivityCompleted`] for the activity `id`, just marked done, with the
/// records it is on (a ticket's callback resolves the ticket, an agreement's task logs the
/// delivery: see `crate::wiring`).
fn emit_completed(w: &Writer<'_>, id: &str) -> Result<()> {
    let links = w
        .conn()
        .prepare_cached(
            "SELECT entity, entity_id FROM activity_links WHERE activity_id = ?1 ORDER BY rowid",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    w.emit(&Event::ActivityCompleted {
        id: id.to_owned(),
        links,
    })
}

/// Removes every link to a record that is being deleted (called by its module's delete).
pub(crate) fn unlink_record(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    let rows: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM activity_links WHERE entity = ?1 AND entity_id = ?2")?
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        w.delete(LINKS, &row)?;
    }
    if entity == "contacts" {
        let rows: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM activity_participants WHERE contact_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows {
            w.update(PARTICIPANTS, &row, &[("contact_id", Value::Null)])?;
        }
    }
    Ok(())
}

pub(crate) const SELECT: &str = "SELECT a.id, a.kind, a.subject, a.notes, a.channel, a.direction,
        a.outcome, a.starts_at, a.all_day, a.duration_minutes, a.location, a.done_at, a.remind_at,
        a.reminder_state, a.series_id, s.rrule, a.owner_id, t.name AS owner_name, a.created_at,
        a.updated_at
   FROM activities a
   LEFT JOIN activity_series s ON s.id = a.series_id
   LEFT JOIN team_members t ON t.id = a.owner_id";

fn parse_col<T>(
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
        let activity: String = r.get(0)?;
        if let Some(&i) = index.get(&activity) {
            items[i].participants.push(Participant {
                contact_id: r.get(1)?,
                member_id: r.get(2)?,
                name: r.get(3)?,
                email: r.get(4)?,
            });
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

fn marks(n: usize) -> String {
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

const OVERDUE_SHOWN: i64 = 500;
const UPCOMING_SHOWN: i64 = 500;

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

/// Meetings, calls, tasks and events starting in `[from, to)` (UTC), with the computed later
/// occurrences of recurring series.
pub fn calendar(conn: &Connection, from: &str, to: &str, tz: Tz) -> Result<Vec<CalendarEntry>> {
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
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.kind <> 'note'
             ORDER BY a.starts_at, a.id LIMIT 10000"
        ))?
        .query_map((stamp(from), stamp(to)), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let rows = complete_rows(conn, rows)?;
    let mut entries: Vec<CalendarEntry> = rows.iter().map(entry).collect();
    // Series: project occurrences after the newest stored one.
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
    for (series_id, newest, open_id) in series_rows {
        let Some(open_id) = open_id else { continue };
        let s = series(conn, &series_id)?;
        let base = get(conn, &open_id)?;
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
    entries.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    Ok(entries)
}

fn entry(a: &Activity) -> CalendarEntry {
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

impl From<&Activity> for ActivityInput {
    /// The activity's values as they would be entered in the edit form.
    fn from(a: &Activity) -> Self {
        ActivityInput {
            kind: Some(a.kind),
            subject: a.subject.clone(),
            notes: a.notes.clone(),
            channel: a.channel,
            direction: a.direction,
            outcome: a.outcome,
            starts_at: a.starts_at.clone(),
            all_day: a.all_day,
            duration_minutes: a.duration_minutes,
            location: a.location.clone(),
            done: a.done_at.is_some(),
            remind_at: a.remind_at.clone(),
            repeat: a.repeat.clone(),
            owner_id: a.owner_id.clone(),
            links: a
                .links
                .iter()
                .map(|l| RecordRef {
                    entity: l.entity.clone(),
                    id: l.id.clone(),
                })
                .collect(),
            participants: a.participants.clone(),
        }
    }
}
