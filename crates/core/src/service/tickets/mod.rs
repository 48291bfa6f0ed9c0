//! Service tickets: a customer's question, problem, complaint, request or callback request,
//! numbered, assigned, answered and resolved, with its own conversation (replies, the
//! customer's messages, internal notes), a status history and two SLA clocks (first response
//! and resolution, see [`crate::service::sla`]).
//!
//! The SLA figures are stored on the ticket and counted again by every change of the ticket,
//! of the policies and of the working hours, so queues such as "breaching soon" are plain
//! indexed queries. A clock that falls due between two changes is recognised by its stored
//! due time; [`record_breaches`] writes such breaches down, dated when they happened.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{ActivityInput, ActivityKind, RecordRef};
use crate::kernel::error::{Error, Result};
use crate::kernel::time::{parse_stamp, stamp};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::records::fields::CustomValues;
use crate::records::list::{CommonFilters, ListShape, ListSql, Page, SortDirection};
use crate::service::hours::Calendar;
use crate::service::sla::Figures;
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, text};

pub(crate) const TABLE: &str = "tickets";
const MESSAGES: &str = "ticket_messages";
const HISTORY: &str = "ticket_status_history";
/// The highest ticket number ever given, so a deleted ticket's number is never reused.
const LAST_NUMBER: &str = "tickets.last_number";
/// The team member the person at this computer is, for the "mine" queue.
pub const ME: &str = "me";

text_enum!(
    /// How the customer reached us.
    TicketChannel {
        Phone = "phone",
        Email = "email",
        WebForm = "web_form",
        Letter = "letter",
        InPerson = "in_person",
    }
);

text_enum!(
    TicketCategory {
        Question = "question",
        Problem = "problem",
        Complaint = "complaint",
        Request = "request",
        Callback = "callback",
    }
);

text_enum!(
    TicketPriority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

text_enum!(
    /// `waiting` (on the customer) pauses the SLA clocks; `resolved` and `closed` stop them.
    TicketStatus {
        New = "new",
        Open = "open",
        Waiting = "waiting",
        Resolved = "resolved",
        Closed = "closed",
    }
);

text_enum!(
    /// A reply to the customer, the customer's own message, or an internal note.
    MessageKind {
        Reply = "reply",
        Customer = "customer",
        Note = "note",
    }
);

text_enum!(
    ClockState {
        Running = "running",
        Paused = "paused",
        Met = "met",
    }
);

text_enum!(
    /// The ready-made ticket views.
    TicketQueue {
        Open = "open",
        Mine = "mine",
        BreachingSoon = "breaching_soon",
        Breached = "breached",
        Waiting = "waiting",
        Resolved = "resolved",
        All = "all",
    }
);

impl TicketStatus {
    /// Whether the SLA clocks run in this status.
    pub fn runs(self) -> bool {
        matches!(self, TicketStatus::New | TicketStatus::Open)
    }

    /// Whether the ticket is finished with.
    pub fn done(self) -> bool {
        matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }
}

/// One SLA clock as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SlaClock {
    #[ts(type = "number")]
    pub target_minutes: i64,
    pub state: ClockState,
    /// When it falls due, while it runs.
    pub due_at: Option<String>,
    /// Business seconds left (negative when over the target).
    #[ts(type = "number")]
    pub seconds_left: i64,
    /// The share of the target used, in percent (over 100 when breached).
    #[ts(type = "number")]
    pub used_percent: i64,
    /// Past the warning share of the target, not yet breached, still running.
    pub warning: bool,
    pub breached_at: Option<String>,
    pub met_at: Option<String>,
}

/// A ticket's two clocks; `null` when no policy covers its priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sla {
    pub first_response: Option<SlaClock>,
    pub resolution: Option<SlaClock>,
    pub breached: bool,
    pub warning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TicketMessage {
    pub id: String,
    pub kind: MessageKind,
    pub body: String,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatusChange {
    pub status: TicketStatus,
    pub entered_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ticket {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    pub subject: String,
    pub description: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub product: Option<String>,
    pub channel: TicketChannel,
    pub category: TicketCategory,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    /// A callback request's scheduled call, and whether completing it resolves the ticket.
    pub callback_activity_id: Option<String>,
    pub callback_at: Option<String>,
    pub resolve_on_callback: bool,
    pub first_responded_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub sla: Sla,
    pub tags: Vec<String>,
    pub custom: CustomValues,
    /// The conversation, oldest first.
    pub messages: Vec<TicketMessage>,
    /// Every status it entered, oldest first.
    pub history: Vec<StatusChange>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to open a ticket or save an edited one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TicketInput {
    pub subject: String,
    pub description: Option<String>,
    pub account_id: Option<String>,
    pub contact_id: Option<String>,
    pub product: Option<String>,
    /// Default `email`.
    pub channel: Option<TicketChannel>,
    /// Default `question`.
    pub category: Option<TicketCategory>,
    /// Default `normal`.
    pub priority: Option<TicketPriority>,
    /// Default `new`.
    pub status: Option<TicketStatus>,
    pub owner_id: Option<String>,
    /// For a callback request: when to call, in the forms activities accept
    /// (`2026-12-01T14:00`, RFC 3339). A call is scheduled, with a reminder.
    pub callback_at: Option<String>,
    /// Completing the callback call resolves the ticket (default true).
    pub resolve_on_callback: Option<bool>,
    pub tags: Vec<String>,
    pub custom: CustomValues,
}

/// A reply, a customer's message or an internal note; optionally a new status in the same save
/// ("reply and wait on the customer").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MessageInput {
    pub kind: Option<MessageKind>,
    pub body: String,
    pub author_id: Option<String>,
    pub status: Option<TicketStatus>,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
    status: TicketStatus,
    category: TicketCategory,
    callback_at: Option<String>,
    tags: Vec<String>,
    custom: crate::records::fields::Checked,
}

fn stored_status(conn: &Connection, id: &str) -> Result<TicketStatus> {
    let status: String = conn
        .prepare_cached("SELECT status FROM tickets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", id))?;
    Ok(TicketStatus::parse(&status).unwrap_or(TicketStatus::Open))
}

fn check(conn: &Connection, id: Option<&str>, input: &TicketInput) -> Result<Valid> {
    let mut c = Checker::default();
    let subject = c.required("subject", &input.subject, SHORT_TEXT_MAX);
    let description = c.text("description", &input.description, NOTES_MAX);
    let product = c.text("product", &input.product, SHORT_TEXT_MAX);
    let account_id = c.text("account_id", &input.account_id, SHORT_TEXT_MAX);
    let contact_id = c.text("contact_id", &input.contact_id, SHORT_TEXT_MAX);
    if let Some(a) = &account_id
        && !crate::store::writer::exists(conn, "accounts", a)?
    {
        c.fail("account_id", format!("no account with id {a}"));
    }
    if let Some(p) = &contact_id
        && !crate::store::writer::exists(conn, "contacts", p)?
    {
        c.fail("contact_id", format!("no contact with id {p}"));
    }
    // A contact alone says which account the ticket belongs to.
    let account_id = match (&account_id, &contact_id) {
        (None, Some(contact)) => conn
            .prepare_cached("SELECT account_id FROM contacts WHERE id = ?1")?
            .query_row([contact], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten(),
        _ => account_id,
    };
    let category = input.category.unwrap_or(TicketCategory::Question);
    let status = match (input.status, id) {
        (Some(s), _) => s,
        (None, Some(id)) => stored_status(conn, id)?,
        (None, None) => TicketStatus::New,
    };
    let callback_at = c.text("callback_at", &input.callback_at, SHORT_TEXT_MAX);
    if callback_at.is_some() && category != TicketCategory::Callback {
        c.fail(
            "callback_at",
            "only a callback request schedules a call; set the category to callback",
        );
    }
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, id, &input.custom)?;
    c.finish()?;
    Ok(Valid {
        fields: vec![
            ("subject", Value::Text(subject)),
            ("description", text(&description)),
            ("account_id", text(&account_id)),
            ("contact_id", text(&contact_id)),
            ("product", text(&product)),
            (
                "channel",
                Value::Text(
                    input
                        .channel
                        .unwrap_or(TicketChannel::Email)
                        .as_str()
                        .to_owned(),
                ),
            ),
            ("category", Value::Text(category.as_str().to_owned())),
            (
                "priority",
                Value::Text(
                    input
                        .priority
                        .unwrap_or(TicketPriority::Normal)
                        .as_str()
                        .to_owned(),
                ),
            ),
            ("owner_id", text(&owner_id)),
            (
                "resolve_on_callback",
                Value::Integer(i64::from(input.resolve_on_callback.unwrap_or(true))),
            ),
        ],
        status,
        category,
        callback_at,
        tags,
        custom,
    })
}

fn next_number(w: &Writer<'_>) -> Result<i64> {
    let highest: i64 =
        w.conn()
            .query_row("SELECT coalesce(max(number), 0) FROM tickets", [], |r| {
                r.get(0)
            })?;
    let last: i64 = crate::store::settings::get(w.conn(), LAST_NUMBER)?.unwrap_or(0);
    let number = highest.max(last) + 1;
    crate::store::settings::set(w, LAST_NUMBER, &number)?;
    Ok(number)
}

/// Opens a ticket inside a larger write; returns its id.
pub fn create_in(w: &Writer<'_>, input: &TicketInput) -> Result<String> {
    let v = check(w.conn(), None, input)?;
    let id = crate::new_id();
    let number = next_number(w)?;
    let mut fields = v.fields;
    fields.push(("number", Value::Integer(number)));
    fields.push(("status", Value::Text(TicketStatus::New.as_str().to_owned())));
    w.insert(TABLE, &id, &fields)?;
    enter_status(w, &id, TicketStatus::New, w.now())?;
    if v.status != TicketStatus::New {
        change_status(w, &id, TicketStatus::New, v.status)?;
    }
    crate::records::tags::set(w, TABLE, &id, &v.tags)?;
    crate::records::fields::save(w, TABLE, &id, v.custom)?;
    if v.category == TicketCategory::Callback
        && let Some(when) = &v.callback_at
    {
        schedule_callback(w, &id, when)?;
    }
    recount(w, &id, parse_stamp(w.now())?)?;
    w.reindex_later(TABLE, &id);
    Ok(id)
}

pub fn create(db: &mut Db, input: &TicketInput) -> Result<Ticket> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id, Utc::now())
}

/// A callback request: a call linked to the ticket and its customer, with a reminder.
fn schedule_callback(w: &Writer<'_>, id: &str, when: &str) -> Result<()> {
    let (number, subject, account_id, contact_id, owner_id): (
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = w.conn().query_row(
        "SELECT number, subject, account_id, contact_id, owner_id FROM tickets WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get("number")?,
                r.get("subject")?,
                r.get("account_id")?,
                r.get("contact_id")?,
                r.get("owner_id")?,
            ))
        },
    )?;
    let mut links = vec![RecordRef {
        entity: TABLE.into(),
        id: id.to_owned(),
    }];
    links.extend(account_id.map(|a| RecordRef {
        entity: "accounts".into(),
        id: a,
    }));
    links.extend(contact_id.map(|c| RecordRef {
        entity: "contacts".into(),
        id: c,
    }));
    let call = ActivityInput {
        kind: Some(ActivityKind::Call),
        subject: format!("Call back: #{number} {subject}"),
        starts_at: Some(when.to_owned()),
        remind_at: Some(when.to_owned()),
        duration_minutes: Some(15),
        owner_id,
        links,
        ..ActivityInput::default()
    };
    let activity =
        crate::activities::activity::create_in(w, &call, crate::kernel::time::local_zone())
            .map_err(|e| match e {
                Error::Validation(fields) => Error::Validation(
                    fields
                        .into_iter()
                        .map(|mut f| {
                            if f.field == "starts_at" {
                                f.field = "callback_at".into();
                            }
                            f
                        })
                        .collect(),
                ),
                other => other,
            })?;
    w.update(
        TABLE,
        id,
        &[("callback_activity_id", Value::Text(activity))],
    )?;
    Ok(())
}

/// Saves an edited ticket.
pub fn update_in(w: &Writer<'_>, id: &str, input: &TicketInput) -> Result<()> {
    let old = stored_status(w.conn(), id)?;
    let v = check(w.conn(), Some(id), input)?;
    w.update(TABLE, id, &v.fields)?;
    if v.status != old {
        change_status(w, id, old, v.status)?;
    }
    crate::records::tags::set(w, TABLE, id, &v.tags)?;
    crate::records::fields::save(w, TABLE, id, v.custom)?;
    let has_call: bool = w
        .conn()
        .prepare_cached("SELECT callback_activity_id IS NOT NULL FROM tickets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if !has_call
        && v.category == TicketCategory::Callback
        && let Some(when) = &v.callback_at
    {
        schedule_callback(w, id, when)?;
    }
    recount(w, id, parse_stamp(w.now())?)?;
    w.reindex_later(TABLE, id);
    Ok(())
}

pub fn update(db: &mut Db, id: &str, input: &TicketInput) -> Result<Ticket> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id, Utc::now())
}

/// Moves a ticket to another status.
pub fn set_status(db: &mut Db, id: &str, status: TicketStatus) -> Result<Ticket> {
    db.write(|w| {
        let old = stored_status(w.conn(), id)?;
        if old != status {
            change_status(w, id, old, status)?;
            recount(w, id, parse_stamp(w.now())?)?;
        }
        Ok(())
    })?;
    get(db.conn(), id, Utc::now())
}

fn enter_status(w: &Writer<'_>, id: &str, status: TicketStatus, at: &str) -> Result<()> {
    w.insert(
        HISTORY,
        &crate::new_id(),
        &[
            ("ticket_id", Value::Text(id.to_owned())),
            ("status", Value::Text(status.as_str().to_owned())),
            ("entered_at", Value::Text(at.to_owned())),
        ],
    )
}

fn change_status(w: &Writer<'_>, id: &str, old: TicketStatus, new: TicketStatus) -> Result<()> {
    let now = Value::Text(w.now().to_owned());
    let mut fields = vec![("status", Value::Text(new.as_str().to_owned()))];
    match new {
        TicketStatus::Resolved => {
            fields.push(("resolved_at", now));
            fields.push(("closed_at", Value::Null));
        }
        TicketStatus::Closed => {
            if !old.done() {
                fields.push(("resolved_at", now.clone()));
            }
            fields.push(("closed_at", now));
        }
        _ => {
            fields.push(("resolved_at", Value::Null));
            fields.push(("closed_at", Value::Null));
        }
    }
    w.update(TABLE, id, &fields)?;
    enter_status(w, id, new, w.now())
}

/// Adds a reply, a customer's message or a note. The first reply meets the first-response
/// target and opens a new ticket; a customer's message takes a waiting ticket back to open.
pub fn add_message(db: &mut Db, id: &str, input: &MessageInput) -> Result<Ticket> {
    db.write(|w| add_message_in(w, id, input))?;
    get(db.conn(), id, Utc::now())
}

pub fn add_message_in(w: &Writer<'_>, id: &str, input: &MessageInput) -> Result<()> {
    let old = stored_status(w.conn(), id)?;
    let mut c = Checker::default();
    let body = c.required("body", &input.body, NOTES_MAX);
    let author = crate::records::team::check_owner(&mut c, w.conn(), &input.author_id)?;
    c.finish()?;
    let kind = input.kind.unwrap_or(MessageKind::Reply);
    w.insert(
        MESSAGES,
        &crate::new_id(),
        &[
            ("ticket_id", Value::Text(id.to_owned())),
            ("kind", Value::Text(kind.as_str().to_owned())),
            ("body", Value::Text(body)),
            ("author_id", text(&author)),
        ],
    )?;
    if kind == MessageKind::Reply {
        let answered: bool = w
            .conn()
            .prepare_cached("SELECT first_responded_at IS NOT NULL FROM tickets WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if !answered {
            w.update(
                TABLE,
                id,
                &[("first_responded_at", Value::Text(w.now().to_owned()))],
            )?;
        }
    }
    let next = input.status.unwrap_or(match (kind, old) {
        (MessageKind::Reply, TicketStatus::New) => TicketStatus::Open,
        (MessageKind::Customer, TicketStatus::Waiting) => TicketStatus::Open,
        _ => old,
    });
    if next != old {
        change_status(w, id, old, next)?;
    }
    recount(w, id, parse_stamp(w.now())?)?;
    Ok(())
}

pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// Deletes a ticket with its conversation and history; its activities stay, unlinked. Its
/// number is not given again.
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    stored_status(w.conn(), id)?;
    // Its conversation and status history go with it (`links::LINKS`).
    crate::store::links::release(w, TABLE, id)?;
    crate::activities::activity::unlink_record(w, TABLE, id)?;
    crate::records::tags::clear(w, TABLE, id)?;
    crate::records::fields::clear(w, TABLE, id)?;
    w.emit(&Event::RecordDeleted {
        kind: TABLE,
        id: id.to_owned(),
    })?;
    w.delete(TABLE, id)?;
    w.reindex_later(TABLE, id);
    Ok(())
}

/// Reacts to a completed activity (see `crate::wiring`): a callback request whose call this was
/// is resolved.
pub(crate) fn activity_completed(w: &Writer<'_>, activity_id: &str) -> Result<()> {
    let ticket: Option<(String, String)> = w
        .conn()
        .prepare_cached(
            "SELECT id, status FROM tickets WHERE callback_activity_id = ?1 AND resolve_on_callback = 1",
        )?
        .query_row([activity_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, status)) = ticket {
        let old = TicketStatus::parse(&status).unwrap_or(TicketStatus::Open);
        if !old.done() {
            let answered: bool = w
                .conn()
                .prepare_cached("SELECT first_responded_at IS NOT NULL FROM tickets WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))?;
            if !answered {
                w.update(
                    TABLE,
                    &id,
                    &[("first_responded_at", Value::Text(w.now().to_owned()))],
                )?;
            }
            change_status(w, &id, old, TicketStatus::Resolved)?;
            recount(w, &id, parse_stamp(w.now())?)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The SLA clocks

fn history_of(conn: &Connection, id: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT status, entered_at FROM ticket_status_history WHERE ticket_id = ?1
              ORDER BY entered_at, rowid",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(s, at)| Ok((s, parse_stamp(&at)?)))
        .collect()
}

fn opt_stamp(text: Option<String>) -> Result<Option<DateTime<Utc>>> {
    text.map(|t| parse_stamp(&t)).transpose()
}

/// The stored figures of the two clocks: first response, then resolution.
const CLOCK_COLUMNS: [[&str; 6]; 2] = [
    [
        "fr_target_minutes",
        "fr_due_at",
        "fr_warn_at",
        "fr_left_seconds",
        "fr_met_at",
        "fr_breached_at",
    ],
    [
        "res_target_minutes",
        "res_due_at",
        "res_warn_at",
        "res_left_seconds",
        "res_met_at",
        "res_breached_at",
    ],
];

/// Counts a ticket's two clocks again, as of `now`, and stores the figures.
pub(crate) fn recount(w: &Writer<'_>, id: &str, now: DateTime<Utc>) -> Result<()> {
    let cal = crate::service::hours::calendar(w.conn())?;
    recount_with(w, &cal, id, now)
}

fn recount_with(w: &Writer<'_>, cal: &Calendar, id: &str, now: DateTime<Utc>) -> Result<()> {
    let (account_id, priority, status, responded, resolved): (
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    ) = w.conn().query_row(
        "SELECT account_id, priority, status, first_responded_at, resolved_at FROM tickets WHERE id = ?1",
        [id],
        |r| Ok((r.get("account_id")?, r.get("priority")?, r.get("status")?, r.get("first_responded_at")?, r.get("resolved_at")?)),
    )?;
    let priority = TicketPriority::parse(&priority).unwrap_or(TicketPriority::Normal);
    let status = TicketStatus::parse(&status).unwrap_or(TicketStatus::Open);
    let resolved = if status.done() {
        opt_stamp(resolved)?
    } else {
        None
    };
    let responded = opt_stamp(responded)?.or(resolved);
    let running = crate::service::sla::running_from(&history_of(w.conn(), id)?);
    let targets = crate::service::sla::targets(w.conn(), account_id.as_deref(), priority)?;
    let figures = |target: i64, met: Option<DateTime<Utc>>| {
        crate::service::sla::count(cal, &running, target, met, now)
    };
    let (fr, res) = match targets {
        Some((first, resolution)) => (
            Some((first, figures(first, responded))),
            Some((resolution, figures(resolution, resolved))),
        ),
        None => (None, None),
    };
    // A breach on record stays on record while the target is the same: the ticket being
    // answered or resolved later does not undo it.
    let recorded: [(Option<i64>, Option<String>); 2] = w.conn().query_row(
        "SELECT fr_target_minutes, fr_breached_at, res_target_minutes, res_breached_at
           FROM tickets WHERE id = ?1",
        [id],
        |r| Ok([(r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)]),
    )?;
    let mut fields = Vec::new();
    for ((prefix, clock), (old_target, old_breach)) in
        [("fr", fr), ("res", res)].into_iter().zip(recorded)
    {
        let (target, mut f) = match clock {
            Some((target, f)) => (Some(target), f),
            None => (None, Figures::default()),
        };
        if f.breached_at.is_none() && target.is_some() && target == old_target {
            f.breached_at = opt_stamp(old_breach)?;
        }
        let at = |d: Option<DateTime<Utc>>| d.map_or(Value::Null, |d| Value::Text(stamp(d)));
        let names = if prefix == "fr" {
            CLOCK_COLUMNS[0]
        } else {
            CLOCK_COLUMNS[1]
        };
        fields.push((names[0], target.map_or(Value::Null, Value::Integer)));
        fields.push((names[1], at(f.due_at)));
        fields.push((names[2], at(f.warn_at)));
        fields.push((
            names[3],
            if target.is_some() {
                Value::Integer(f.left_seconds)
            } else {
                Value::Null
            },
        ));
        fields.push((names[4], at(f.met_at)));
        fields.push((names[5], at(f.breached_at)));
    }
    w.update(TABLE, id, &fields)?;
    Ok(())
}

/// Counts every unfinished ticket's clocks again (the policies or the calendar changed).
pub(crate) fn recount_open(w: &Writer<'_>) -> Result<()> {
    let cal = crate::service::hours::calendar(w.conn())?;
    let now = parse_stamp(w.now())?;
    let ids: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM tickets WHERE status IN ('new', 'open', 'waiting')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        recount_with(w, &cal, &id, now)?;
    }
    Ok(())
}

/// Writes down the breaches that happened since the tickets last changed, each dated when
/// its target fell due; returns how many were recorded.
pub fn record_breaches(db: &mut Db, now: DateTime<Utc>) -> Result<usize> {
    let now = stamp(now);
    db.write(|w| {
        let mut recorded = 0;
        for (due, breached) in [
            ("fr_due_at", "fr_breached_at"),
            ("res_due_at", "res_breached_at"),
        ] {
            let rows: Vec<(String, String)> = w
                .conn()
                .prepare_cached(&format!(
                    "SELECT id, {due} FROM tickets WHERE status IN ('new', 'open')
                       AND {due} <= ?1 AND {breached} IS NULL"
                ))?
                .query_map([&now], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, at) in rows {
                w.update(TABLE, &id, &[(breached, Value::Text(at))])?;
                recorded += 1;
            }
        }
        Ok(recorded)
    })
}

struct StoredClock {
    target: Option<i64>,
    due_at: Option<String>,
    warn_at: Option<String>,
    left: Option<i64>,
    met_at: Option<String>,
    breached_at: Option<String>,
}

/// One SLA clock of a row holding [`SLA_COLUMNS`]: `fr` (first response) or `res`
/// (resolution).
fn stored_clock(row: &Row<'_>, clock: &str) -> rusqlite::Result<StoredClock> {
    let column = |name: &str| format!("{clock}_{name}");
    Ok(StoredClock {
        target: row.get(column("target_minutes").as_str())?,
        due_at: row.get(column("due_at").as_str())?,
        warn_at: row.get(column("warn_at").as_str())?,
        left: row.get(column("left_seconds").as_str())?,
        met_at: row.get(column("met_at").as_str())?,
        breached_at: row.get(column("breached_at").as_str())?,
    })
}

fn clock(cal: &Calendar, s: StoredClock, now: DateTime<Utc>) -> Option<SlaClock> {
    let target = s.target?;
    let due = s.due_at.as_deref().and_then(|d| parse_stamp(d).ok());
    let (state, left) = match (&s.met_at, due) {
        (Some(_), _) => (ClockState::Met, s.left.unwrap_or(0)),
        (None, Some(due)) => (
            ClockState::Running,
            crate::service::sla::left_until(cal, now, due),
        ),
        (None, None) => (ClockState::Paused, s.left.unwrap_or(0)),
    };
    let breached_at = s
        .breached_at
        .or_else(|| due.filter(|d| *d <= now).map(stamp));
    let warning = state == ClockState::Running
        && breached_at.is_none()
        && s.warn_at
            .as_deref()
            .and_then(|w| parse_stamp(w).ok())
            .is_some_and(|w| w <= now);
    let target_seconds = (target * 60).max(1);
    Some(SlaClock {
        target_minutes: target,
        state,
        due_at: if state == ClockState::Running {
            s.due_at
        } else {
            None
        },
        seconds_left: left,
        used_percent: (target_seconds - left) * 100 / target_seconds,
        warning,
        breached_at,
        met_at: s.met_at,
    })
}

fn sla(cal: &Calendar, fr: StoredClock, res: StoredClock, now: DateTime<Utc>) -> Sla {
    let first_response = clock(cal, fr, now);
    let resolution = clock(cal, res, now);
    let clocks = [&first_response, &resolution];
    Sla {
        breached: clocks
            .iter()
            .any(|c| c.as_ref().is_some_and(|c| c.breached_at.is_some())),
        warning: clocks.iter().any(|c| c.as_ref().is_some_and(|c| c.warning)),
        first_response,
        resolution,
    }
}

const SLA_COLUMNS: &str = "x.fr_target_minutes, x.fr_due_at, x.fr_warn_at, x.fr_left_seconds,
        x.fr_met_at, x.fr_breached_at, x.res_target_minutes, x.res_due_at, x.res_warn_at,
        x.res_left_seconds, x.res_met_at, x.res_breached_at";

// ---------------------------------------------------------------------------------------------
// Reading

fn parse_or<T: Copy>(text: String, parse: fn(&str) -> Option<T>, default: T) -> T {
    parse(&text).unwrap_or(default)
}

fn ticket_from_row(row: &Row<'_>, cal: &Calendar, now: DateTime<Utc>) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: row.get("id")?,
        number: row.get("number")?,
        subject: row.get("subject")?,
        description: row.get("description")?,
        account_id: row.get("account_id")?,
        account_name: row.get("account_name")?,
        contact_id: row.get("contact_id")?,
        contact_name: row.get("contact_name")?,
        product: row.get("product")?,
        channel: parse_or(
            row.get("channel")?,
            TicketChannel::parse,
            TicketChannel::Email,
        ),
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
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        callback_activity_id: row.get("callback_activity_id")?,
        callback_at: row.get("callback_at")?,
        resolve_on_callback: row.get("resolve_on_callback")?,
        first_responded_at: row.get("first_responded_at")?,
        resolved_at: row.get("resolved_at")?,
        closed_at: row.get("closed_at")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        sla: sla(
            cal,
            stored_clock(row, "fr")?,
            stored_clock(row, "res")?,
            now,
        ),
        tags: Vec::new(),
        custom: CustomValues::new(),
        messages: Vec::new(),
        history: Vec::new(),
    })
}

/// A ticket with its conversation and history, its SLA figures as of `now`.
pub fn get(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Ticket> {
    let cal = crate::service::hours::calendar(conn)?;
    let mut ticket = conn
        .prepare_cached(&format!(
            "SELECT x.id, x.number, x.subject, x.description, x.account_id, a.name AS account_name,
                    x.contact_id, trim(c.first_name || ' ' || c.last_name) AS contact_name,
                    x.product, x.channel, x.category, x.priority, x.status, x.owner_id,
                    t.name AS owner_name, x.callback_activity_id, act.starts_at AS callback_at,
                    x.resolve_on_callback, x.first_responded_at, x.resolved_at,
                    x.closed_at, x.created_at, x.updated_at, {SLA_COLUMNS}
               FROM tickets x
               LEFT JOIN accounts a ON a.id = x.account_id
               LEFT JOIN contacts c ON c.id = x.contact_id
               LEFT JOIN team_members t ON t.id = x.owner_id
               LEFT JOIN activities act ON act.id = x.callback_activity_id
              WHERE x.id = ?1"
        ))?
        .query_row([id], |r| ticket_from_row(r, &cal, now))
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", id))?;
    ticket.tags = crate::records::tags::of(conn, TABLE, id)?;
    ticket.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    ticket.messages = conn
        .prepare_cached(
            "SELECT m.id, m.kind, m.body, m.author_id, t.name AS author_name, m.created_at
               FROM ticket_messages m
               LEFT JOIN team_members t ON t.id = m.author_id
              WHERE m.ticket_id = ?1 ORDER BY m.created_at, m.rowid",
        )?
        .query_map([id], |r| {
            Ok(TicketMessage {
                id: r.get("id")?,
                kind: parse_or(r.get("kind")?, MessageKind::parse, MessageKind::Note),
                body: r.get("body")?,
                author_id: r.get("author_id")?,
                author_name: r.get("author_name")?,
                created_at: r.get("created_at")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    ticket.history = conn
        .prepare_cached(
            "SELECT status, entered_at FROM ticket_status_history WHERE ticket_id = ?1
              ORDER BY entered_at, rowid",
        )?
        .query_map([id], |r| {
            Ok(StatusChange {
                status: parse_or(r.get(0)?, TicketStatus::parse, TicketStatus::Open),
                entered_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ticket)
}

/// A ticket by its number (`12` or `#12`) or its id.
pub fn find(conn: &Connection, number_or_id: &str) -> Result<String> {
    let key = number_or_id.trim().trim_start_matches('#');
    if let Ok(number) = key.parse::<i64>()
        && let Some(id) = conn
            .prepare_cached("SELECT id FROM tickets WHERE number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?
    {
        return Ok(id);
    }
    stored_status(conn, key)?;
    Ok(key.to_owned())
}

impl From<&Ticket> for TicketInput {
    fn from(t: &Ticket) -> Self {
        TicketInput {
            subject: t.subject.clone(),
            description: t.description.clone(),
            account_id: t.account_id.clone(),
            contact_id: t.contact_id.clone(),
            product: t.product.clone(),
            channel: Some(t.channel),
            category: Some(t.category),
            priority: Some(t.priority),
            status: Some(t.status),
            owner_id: t.owner_id.clone(),
            callback_at: None,
            resolve_on_callback: Some(t.resolve_on_callback),
            tags: t.tags.clone(),
            custom: t.custom.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The list and the queues

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

const LIST_SQL: ListShape = ListShape {
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

fn summary(row: &Row<'_>, cal: &Calendar, now: DateTime<Utc>) -> rusqlite::Result<TicketSummary> {
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

const BREACHED: &str = "(x.fr_breached_at IS NOT NULL OR x.res_breached_at IS NOT NULL
     OR (x.status IN ('new', 'open') AND (x.fr_due_at <= ?1 OR x.res_due_at <= ?1)))";

/// The condition of a queue; `?` is `now`.
fn queue_condition(queue: TicketQueue) -> &'static str {
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

fn me(conn: &Connection) -> Result<Option<String>> {
    crate::store::settings::get(conn, ME)
}

fn filtered(
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
// Complaints

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
