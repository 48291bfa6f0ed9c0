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

mod clocks;
mod complaints;
mod list;
mod read;

pub use clocks::*;
pub use complaints::*;
pub use list::*;
pub use read::*;

pub(crate) const TABLE: &str = "tickets";
const MESSAGES: &str = "ticket_messages";
const HISTORY: &str = "ticket_status_history";
/// The highest ticket number ever given, so a deleted ticket's number is never reused.
const LAST_NUMBER: &str = "tickets.last_number";
/// The team member the person at this computer is, for the "mine" queue.
pub const ME: &str = crate::records::team::ME;

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
    /// A reply e-mailed to the customer: where its mail stands in the outbox (`queued`,
    /// `sending`, `sent`, `failed`, `skipped`...); `None` for one not e-mailed.
    pub mail_status: Option<crate::marketing::outbox::OutboxStatus>,
    /// Why it failed, was skipped or waits, in words.
    pub mail_problem: Option<String>,
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
    /// The address a reply is e-mailed to (the contact's first), if they have one.
    pub contact_email: Option<String>,
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
    /// A reply: e-mail it to the ticket's contact, in the thread of their mail (default: when
    /// the contact has an address). `false` only records it (an answer given on the phone).
    pub email: Option<bool>,
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

/// Dates the opening of a ticket made from something that arrived earlier (a mail read some
/// minutes, or a weekend, after it came in): its SLA clocks count from `at` (UTC, as stored),
/// not from when Rapport read it. A time after now is left alone.
pub(crate) fn opened_at_in(w: &Writer<'_>, id: &str, at: &str) -> Result<()> {
    if at >= w.now() {
        return Ok(());
    }
    let first: String = w.conn().query_row(
        "SELECT id FROM ticket_status_history WHERE ticket_id = ?1 ORDER BY entered_at, id LIMIT 1",
        [id],
        |r| r.get(0),
    )?;
    w.update(
        HISTORY,
        &first,
        &[("entered_at", Value::Text(at.to_owned()))],
    )?;
    w.update(TABLE, id, &[("created_at", Value::Text(at.to_owned()))])?;
    recount(w, id, parse_stamp(w.now())?)
}

/// The ticket numbered `number`, if there is one.
pub(crate) fn by_number(conn: &Connection, number: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM tickets WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?)
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
    let message = crate::new_id();
    w.insert(
        MESSAGES,
        &message,
        &[
            ("ticket_id", Value::Text(id.to_owned())),
            ("kind", Value::Text(kind.as_str().to_owned())),
            ("body", Value::Text(body.clone())),
            ("author_id", text(&author)),
        ],
    )?;
    // A reply e-mailed answers the customer when it leaves (see `reply_sent`), not now.
    let mailed = kind == MessageKind::Reply
        && input.email != Some(false)
        && mail_reply(w, id, &message, &body, input.email == Some(true))?;
    if kind == MessageKind::Reply && !mailed {
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

/// Queues a reply to the ticket's contact in the outbox, in the thread of the ticket's mail,
/// its subject carrying the ticket's number; `false` when the contact has no address (an
/// error instead when the user asked for e-mail).
fn mail_reply(w: &Writer<'_>, id: &str, message: &str, body: &str, asked: bool) -> Result<bool> {
    let (number, subject, contact): (i64, String, Option<String>) = w.conn().query_row(
        "SELECT number, subject, contact_id FROM tickets WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let to: Option<(String, String, String)> = match &contact {
        Some(c) => w
            .conn()
            .prepare_cached(
                "SELECT c.id, trim(c.first_name || ' ' || c.last_name), e.address
                   FROM contacts c JOIN contact_emails e ON e.contact_id = c.id
                  WHERE c.id = ?1 ORDER BY e.position LIMIT 1",
            )?
            .query_row([c], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?,
        None => None,
    };
    let Some((contact, name, address)) = to else {
        if asked {
            return Err(Error::invalid(
                "email",
                "the ticket's contact has no e-mail address: add one to the contact, or record the reply without e-mailing it",
            ));
        }
        return Ok(false);
    };
    // The newest mail of the ticket's conversation is the one answered.
    let thread: Option<(String, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT mm.message_id, mm.refs FROM mail_messages mm
               JOIN activity_links l ON l.activity_id = mm.activity_id
               JOIN activities a ON a.id = mm.activity_id
              WHERE l.entity = 'tickets' AND l.entity_id = ?1
              ORDER BY coalesce(a.starts_at, a.created_at) DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (in_reply_to, references) = match thread {
        Some((answered, refs)) => {
            let mut all: Vec<String> = refs
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            all.push(answered.clone());
            (Some(answered), all)
        }
        None => (None, Vec::new()),
    };
    let tag = format!("[#{number}]");
    let subject = if subject.contains(&tag) {
        format!("Re: {subject}")
    } else {
        format!("Re: {tag} {subject}")
    };
    crate::marketing::outbox::queue_service(
        w,
        &crate::marketing::outbox::ServiceMail {
            contact_id: &contact,
            to_address: &address,
            to_name: &name,
            subject: &subject,
            text: body,
            ticket_message_id: Some(message),
            document_id: None,
            attachment: None,
            in_reply_to: in_reply_to.as_deref(),
            references: &references,
        },
    )?;
    Ok(true)
}

/// The outbox sent message `outbox_id` (its e-mail logged as `activity_id`): when it carried a
/// ticket reply, the ticket is answered now (the first-response clock stops) and the e-mail
/// is on the ticket's timeline.
pub(crate) fn reply_sent(w: &Writer<'_>, outbox_id: &str, activity_id: &str) -> Result<()> {
    let ticket: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT m.ticket_id FROM outbox o JOIN ticket_messages m ON m.id = o.ticket_message_id
              WHERE o.id = ?1",
        )?
        .query_row([outbox_id], |r| r.get(0))
        .optional()?;
    let Some(ticket) = ticket else {
        return Ok(());
    };
    let answered: bool = w
        .conn()
        .prepare_cached("SELECT first_responded_at IS NOT NULL FROM tickets WHERE id = ?1")?
        .query_row([&ticket], |r| r.get(0))?;
    if !answered {
        w.update(
            TABLE,
            &ticket,
            &[("first_responded_at", Value::Text(w.now().to_owned()))],
        )?;
        recount(w, &ticket, parse_stamp(w.now())?)?;
    }
    crate::activities::activity::link_in(
        w,
        activity_id,
        &RecordRef {
            entity: TABLE.to_owned(),
            id: ticket,
        },
    )
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
