//! Follow-up sequences (auto-responders): ordered e-mail steps, each a template sent a number
//! of days after the one before (day 0 welcome, 2 days later product information, 3 more
//! days later the offer).
//!
//! **Enrolment**: by hand, from a segment, or by itself when a lead is created that matches the
//! sequence's rule (any new lead, or those of a source or campaign), in the lead's own save.
//!
//! **Sending**: [`run`] queues each enrolment's due step in the outbox (the app runs it at start
//! and every few minutes; `rapport outbox send` runs it too). A day missed while the app was
//! closed is caught up at the next run, one step per run, and the next step's delay counts from
//! the day its predecessor was queued, so a catch-up never sends two steps in a row. Each step
//! of an enrolment is queued once: the outbox refuses a second copy of (enrolment, step).
//!
//! **Leaving**: an enrolment stops when the recipient replies (an inbound e-mail logged on
//! them after they were enrolled, see [`record_reply`]), converts (a lead), unsubscribes, is
//! marked do not e-mail, is deleted, or is removed by hand. It completes after its last step.

use chrono::{Days, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::marketing::templates::Recipient;
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, text};

const TABLE: &str = "sequences";
const ENROLMENTS: &str = "sequence_enrolments";

text_enum!(
    SequenceStatus {
        Active = "active",
        Paused = "paused",
    }
);

text_enum!(
    EnrolmentStatus {
        Active = "active",
        Completed = "completed",
        Stopped = "stopped",
    }
);

text_enum!(
    /// Why an enrolment stopped before its last step.
    StopReason {
        Replied = "replied",
        Converted = "converted",
        Unsubscribed = "unsubscribed",
        DoNotEmail = "do_not_email",
        Removed = "removed",
        NoAddress = "no_address",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SequenceStep {
    #[ts(type = "number")]
    pub position: i64,
    pub template_id: String,
    pub template_name: String,
    /// Days after the previous step (after enrolment, for the first).
    #[ts(type = "number")]
    pub delay_days: i64,
}

/// A follow-up sequence (named `FollowUpSequence` in TypeScript: `Sequence` there is a
/// document numbering sequence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sequence {
    pub id: String,
    pub name: String,
    pub status: SequenceStatus,
    /// New leads are enrolled by themselves (matching `lead_source` and `lead_campaign_id`
    /// when set).
    pub enrol_new_leads: bool,
    pub lead_source: Option<String>,
    pub lead_campaign_id: Option<String>,
    pub steps: Vec<SequenceStep>,
    #[ts(type = "number")]
    pub active: i64,
    #[ts(type = "number")]
    pub completed: i64,
    #[ts(type = "number")]
    pub stopped: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct StepInput {
    /// A template's id or name.
    pub template: String,
    #[ts(type = "number")]
    pub delay_days: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SequenceInput {
    pub name: String,
    /// Default `active`.
    pub status: Option<SequenceStatus>,
    pub enrol_new_leads: bool,
    pub lead_source: Option<String>,
    /// A campaign's id or name.
    pub lead_campaign: Option<String>,
    pub steps: Vec<StepInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Enrolment {
    pub id: String,
    pub sequence_id: String,
    pub entity: String,
    pub entity_id: String,
    /// The contact's or lead's name.
    pub name: String,
    pub status: EnrolmentStatus,
    pub stop_reason: Option<StopReason>,
    /// The step sent next.
    #[ts(type = "number")]
    pub next_position: i64,
    /// The day it is due (YYYY-MM-DD); empty once it no longer runs.
    pub next_due_on: Option<String>,
    pub enrolled_on: String,
    pub ended_at: Option<String>,
}

/// What an enrolment call did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EnrolReport {
    #[ts(type = "number")]
    pub enrolled: i64,
    /// Already in the sequence (enrolled before, whether running, done or stopped).
    #[ts(type = "number")]
    pub already: i64,
}

/// What a [`run`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunReport {
    /// Steps queued in the outbox.
    #[ts(type = "number")]
    pub queued: i64,
    #[ts(type = "number")]
    pub completed: i64,
    #[ts(type = "number")]
    pub stopped: i64,
}

// The definitions (check, create, update, delete, read) live in `definitions`.
mod definitions;

pub use definitions::*;

// ------------------------------------------------------------------ enrolment

fn delay(conn: &Connection, sequence_id: &str, position: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT delay_days FROM sequence_steps WHERE sequence_id = ?1 AND position = ?2",
        )?
        .query_row((sequence_id, position), |r| r.get(0))
        .optional()?)
}

fn add_days(day: NaiveDate, n: i64) -> String {
    day.checked_add_days(Days::new(n.max(0) as u64))
        .unwrap_or(day)
        .format("%Y-%m-%d")
        .to_string()
}

/// Enrols one record inside a write; `false` when it was enrolled before.
fn enrol_in(
    w: &Writer<'_>,
    sequence_id: &str,
    entity: &str,
    id: &str,
    today: NaiveDate,
) -> Result<bool> {
    let there: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM sequence_enrolments WHERE sequence_id = ?1 AND entity = ?2 AND entity_id = ?3",
        )?
        .query_row((sequence_id, entity, id), |r| r.get(0))
        .optional()?;
    if there.is_some() {
        return Ok(false);
    }
    let first = delay(w.conn(), sequence_id, 1)?.unwrap_or(0);
    w.insert(
        ENROLMENTS,
        &crate::new_id(),
        &[
            ("sequence_id", Value::Text(sequence_id.to_owned())),
            ("entity", Value::Text(entity.to_owned())),
            ("entity_id", Value::Text(id.to_owned())),
            ("status", Value::Text("active".into())),
            ("next_position", Value::Integer(1)),
            ("next_due_on", Value::Text(add_days(today, first))),
            (
                "enrolled_on",
                Value::Text(today.format("%Y-%m-%d").to_string()),
            ),
        ],
    )?;
    Ok(true)
}

/// Enrols contacts or leads (`entity`) by hand. Those enrolled before are counted, not
/// enrolled again.
pub fn enroll(
    db: &mut Db,
    sequence_id: &str,
    entity: &str,
    ids: &[String],
    today: NaiveDate,
) -> Result<EnrolReport> {
    let people: Vec<(String, String)> = ids
        .iter()
        .map(|id| (entity.to_owned(), id.clone()))
        .collect();
    enroll_all(db, sequence_id, &people, today)
}

/// Enrols `(entity, id)` pairs in one save.
fn enroll_all(
    db: &mut Db,
    sequence_id: &str,
    people: &[(String, String)],
    today: NaiveDate,
) -> Result<EnrolReport> {
    let s = get(db.conn(), sequence_id)?;
    db.write(|w| {
        let mut report = EnrolReport::default();
        for (entity, id) in people {
            if !matches!(entity.as_str(), "contacts" | "leads") {
                return Err(Error::invalid(
                    "entity",
                    "contacts and leads are enrolled in sequences",
                ));
            }
            if !crate::store::writer::exists(w.conn(), entity, id)? {
                return Err(Error::not_found(
                    if entity == "leads" { "lead" } else { "contact" },
                    id,
                ));
            }
            if enrol_in(w, &s.id, entity, id, today)? {
                report.enrolled += 1;
            } else {
                report.already += 1;
            }
        }
        Ok(report)
    })
}

/// Enrols a segment's members (an account segment's contacts) as of today, in one save.
pub fn enroll_segment(
    db: &mut Db,
    sequence_id: &str,
    segment_id: &str,
    today: NaiveDate,
) -> Result<EnrolReport> {
    let people = crate::marketing::segments::recipients(db.conn(), segment_id, today)?;
    enroll_all(db, sequence_id, &people, today)
}

/// Enrols a new lead in every active sequence whose rule it matches (a domain-event reaction,
/// inside the lead's own save).
pub(crate) fn on_event(w: &Writer<'_>, event: &Event) -> Result<()> {
    let Event::LeadCreated {
        lead_id,
        source,
        campaign_id,
    } = event
    else {
        return Ok(());
    };
    let matching: Vec<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM sequences
              WHERE status = 'active' AND enrol_new_leads = 1
                AND (lead_source IS NULL OR lead_source = ?1 COLLATE NOCASE)
                AND (lead_campaign_id IS NULL OR lead_campaign_id = ?2)",
        )?
        .query_map((source.as_deref(), campaign_id.as_deref()), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let today = crate::kernel::time::today();
    for sequence in matching {
        enrol_in(w, &sequence, "leads", lead_id, today)?;
    }
    Ok(())
}

fn stop_in(w: &Writer<'_>, enrolment: &str, reason: StopReason) -> Result<()> {
    w.update(
        ENROLMENTS,
        enrolment,
        &[
            ("status", Value::Text("stopped".into())),
            ("stop_reason", Value::Text(reason.as_str().into())),
            ("next_due_on", Value::Null),
            ("ended_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    Ok(())
}

/// Takes a record out of a sequence by hand. Its queued, unsent step is cancelled.
pub fn remove(db: &mut Db, sequence_id: &str, entity: &str, id: &str) -> Result<()> {
    let enrolment: String = db
        .conn()
        .prepare_cached(
            "SELECT id FROM sequence_enrolments
              WHERE sequence_id = ?1 AND entity = ?2 AND entity_id = ?3 AND status = 'active'",
        )?
        .query_row((sequence_id, entity, id), |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("running enrolment", id))?;
    db.write(|w| {
        stop_in(w, &enrolment, StopReason::Removed)?;
        cancel_queued(w, &enrolment)
    })
}

fn cancel_queued(w: &Writer<'_>, enrolment: &str) -> Result<()> {
    let queued: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM outbox WHERE enrolment_id = ?1 AND status = 'queued'")?
        .query_map([enrolment], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    crate::marketing::outbox::cancel_in(w, &queued)?;
    Ok(())
}

/// A deleted record's sequences stop at once (reason `removed`), and the messages they had
/// queued for it are cancelled: nothing waits to be sent to someone who is gone.
pub(crate) fn forget_record(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    stop_all_in(w, entity, id, StopReason::Removed).map(|_| ())
}

/// Stops every running enrolment of a record, for `reason`, cancelling what they queued.
fn stop_all_in(w: &Writer<'_>, entity: &str, id: &str, reason: StopReason) -> Result<usize> {
    let running: Vec<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM sequence_enrolments WHERE entity = ?1 AND entity_id = ?2 AND status = 'active'",
        )?
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for e in &running {
        stop_in(w, e, reason)?;
        cancel_queued(w, e)?;
    }
    Ok(running.len())
}

/// Moves a merged record's sequences and messages to the record it was merged into. Where
/// both were in the same sequence, the survivor's enrolment goes on and the other's stops.
pub(crate) fn move_records(
    w: &Writer<'_>,
    entity: &str,
    survivor: &str,
    other: &str,
) -> Result<()> {
    let rows: Vec<(String, bool)> = w
        .conn()
        .prepare_cached(
            "SELECT o.id, EXISTS (SELECT 1 FROM sequence_enrolments s WHERE s.sequence_id = o.sequence_id
                                     AND s.entity = o.entity AND s.entity_id = ?1)
               FROM sequence_enrolments o WHERE o.entity = ?2 AND o.entity_id = ?3",
        )?
        .query_map((survivor, entity, other), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, survivor_in_it) in rows {
        if survivor_in_it {
            let active: bool = w.conn().query_row(
                "SELECT status = 'active' FROM sequence_enrolments WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )?;
            if active {
                stop_in(w, &id, StopReason::Removed)?;
                cancel_queued(w, &id)?;
            }
        } else {
            w.update(
                ENROLMENTS,
                &id,
                &[("entity_id", Value::Text(survivor.to_owned()))],
            )?;
        }
    }
    // Messages follow, unless the survivor got the same promotion (one copy each).
    let messages: Vec<String> = w
        .conn()
        .prepare_cached(
            "SELECT o.id FROM outbox o WHERE o.entity = ?1 AND o.entity_id = ?2
                AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.promotion_id = o.promotion_id
                                   AND s.entity = o.entity AND s.entity_id = ?3)",
        )?
        .query_map((entity, other, survivor), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in messages {
        w.update(
            "outbox",
            &id,
            &[("entity_id", Value::Text(survivor.to_owned()))],
        )?;
    }
    Ok(())
}

/// Logs a reply from a contact or lead as an inbound e-mail on their timeline; it stops their
/// sequences and counts as a response in the campaigns they belong to.
pub fn record_reply(db: &mut Db, entity: &str, id: &str, subject: &str) -> Result<usize> {
    let who = Recipient::load(db.conn(), entity, id)?;
    let tz = crate::kernel::time::local_zone();
    db.write(|w| {
        crate::activities::activity::create_in(
            w,
            &crate::activities::activity::ActivityInput {
                kind: Some(crate::activities::activity::ActivityKind::Email),
                subject: if subject.trim().is_empty() {
                    format!("Reply from {}", who.full_name())
                } else {
                    subject.trim().to_owned()
                },
                direction: Some(crate::activities::activity::Direction::Inbound),
                done: true,
                links: vec![crate::activities::activity::RecordRef {
                    entity: entity.to_owned(),
                    id: id.to_owned(),
                }],
                ..Default::default()
            },
            tz,
        )?;
        replied_in(w, entity, id)
    })
}

/// A reply from a contact or lead, within a write: it counts as a response in their campaigns
/// and stops their sequences (reason `replied`). Returns how many enrolments it stopped.
pub(crate) fn replied_in(w: &Writer<'_>, entity: &str, id: &str) -> Result<usize> {
    crate::marketing::campaigns::mark_responded(w, entity, id)?;
    stop_all_in(w, entity, id, StopReason::Replied)
}

/// Marks a contact or lead unsubscribed (from today) and stops their sequences; queued
/// messages to them are skipped when their turn comes.
pub fn unsubscribe(db: &mut Db, entity: &str, id: &str) -> Result<usize> {
    Recipient::load(db.conn(), entity, id)?;
    db.write(|w| unsubscribe_in(w, entity, id))
}

/// [`unsubscribe`] within a write (a mail asking to be taken off, read from the mailbox).
pub(crate) fn unsubscribe_in(w: &Writer<'_>, entity: &str, id: &str) -> Result<usize> {
    {
        let since: Option<String> = w
            .conn()
            .query_row(
                &format!("SELECT unsubscribed_since FROM {entity} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if since.is_none() {
            let table: &'static str = if entity == "leads" {
                "leads"
            } else {
                "contacts"
            };
            w.update(
                table,
                id,
                &[("unsubscribed_since", Value::Text(w.now().to_owned()))],
            )?;
        }
        stop_all_in(w, entity, id, StopReason::Unsubscribed)
    }
}

/// Why a running enrolment must stop now, if it must.
fn must_stop(conn: &Connection, e: &Enrolment, created_at: &str) -> Result<Option<StopReason>> {
    let who = match Recipient::load(conn, &e.entity, &e.entity_id) {
        Ok(r) => r,
        Err(Error::NotFound { .. }) => return Ok(Some(StopReason::Removed)),
        Err(err) => return Err(err),
    };
    // A reply is an inbound e-mail logged on them since they were enrolled; one their mailbox
    // sent by itself (an out-of-office, a bounce: marked `automatic` when the mailbox sync
    // kept it, see data::inbox) is not.
    let replied: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM activity_links l JOIN activities a ON a.id = l.activity_id
                 WHERE l.entity = ?1 AND l.entity_id = ?2 AND a.kind = 'email'
                   AND a.direction = 'inbound' AND a.created_at >= ?3
                   AND NOT EXISTS (SELECT 1 FROM mail_messages m
                                    WHERE m.activity_id = a.id AND m.automatic = 1))",
        )?
        .query_row((&e.entity, &e.entity_id, created_at), |r| r.get(0))?;
    Ok(if replied {
        Some(StopReason::Replied)
    } else if who.converted {
        Some(StopReason::Converted)
    } else if who.unsubscribed {
        Some(StopReason::Unsubscribed)
    } else if who.do_not_email {
        Some(StopReason::DoNotEmail)
    } else if who.email.is_none() {
        Some(StopReason::NoAddress)
    } else {
        None
    })
}

/// Queues every running enrolment's step due on or before `today` (see the module
/// documentation). Paused sequences wait.
pub fn run(db: &mut Db, today: NaiveDate) -> Result<RunReport> {
    let day = today.format("%Y-%m-%d").to_string();
    let due: Vec<(Enrolment, String)> = db
        .conn()
        .prepare_cached(&format!(
            "{ENROLMENT_SELECT} JOIN sequences s ON s.id = e.sequence_id
              WHERE e.status = 'active' AND e.next_due_on <= ?1 AND s.status = 'active'
              ORDER BY e.next_due_on, e.id"
        ))?
        .query_map([&day], |r| Ok((enrolment_row(r)?, r.get("created_at")?)))?
        .collect::<rusqlite::Result<_>>()?;
    let sender = crate::marketing::mailer::settings(db.conn())?.from_name;
    let mut report = RunReport::default();
    for (e, created_at) in due {
        let stop = must_stop(db.conn(), &e, &created_at)?;
        let step: Option<(String, i64)> = db
            .conn()
            .prepare_cached(
                "SELECT template_id, delay_days FROM sequence_steps WHERE sequence_id = ?1 AND position = ?2",
            )?
            .query_row((&e.sequence_id, e.next_position), |r| {
                Ok((
                    r.get("template_id")?,
                    r.get("delay_days")?,
                ))
            })
            .optional()?;
        let next_delay = delay(db.conn(), &e.sequence_id, e.next_position + 1)?;
        db.write(|w| {
            // Read again inside the write: the window may have stopped or moved it meanwhile.
            let still: bool = w
                .conn()
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM sequence_enrolments
                      WHERE id = ?1 AND status = 'active' AND next_position = ?2)",
                )?
                .query_row((&e.id, e.next_position), |r| r.get(0))?;
            if !still {
                return Ok(());
            }
            if let Some(reason) = stop {
                stop_in(w, &e.id, reason)?;
                cancel_queued(w, &e.id)?;
                report.stopped += 1;
                return Ok(());
            }
            let Some((template_id, _)) = &step else {
                // The sequence was shortened past this enrolment.
                complete_in(w, &e.id)?;
                report.completed += 1;
                return Ok(());
            };
            let template = crate::marketing::templates::get(w.conn(), template_id)?;
            let who = Recipient::load(w.conn(), &e.entity, &e.entity_id)?;
            let email = crate::marketing::templates::render(&template, &who, &sender, today);
            let queued: bool = w
                .conn()
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM outbox WHERE enrolment_id = ?1 AND step_position = ?2)",
                )?
                .query_row((&e.id, e.next_position), |r| r.get(0))?;
            if !queued {
                crate::marketing::outbox::queue(
                    w,
                    &who,
                    &email,
                    &crate::marketing::outbox::Origin {
                        template_id: Some(template_id),
                        enrolment: Some((&e.id, e.next_position)),
                        ..Default::default()
                    },
                )?;
                report.queued += 1;
            }
            match next_delay {
                Some(days) => {
                    w.update(
                        ENROLMENTS,
                        &e.id,
                        &[
                            ("next_position", Value::Integer(e.next_position + 1)),
                            ("next_due_on", Value::Text(add_days(today, days))),
                        ],
                    )?;
                }
                None => {
                    complete_in(w, &e.id)?;
                    report.completed += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(report)
}

fn complete_in(w: &Writer<'_>, enrolment: &str) -> Result<()> {
    w.update(
        ENROLMENTS,
        enrolment,
        &[
            ("status", Value::Text("completed".into())),
            ("next_due_on", Value::Null),
            ("ended_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    Ok(())
}

const ENROLMENT_SELECT: &str = "SELECT e.id, e.sequence_id, e.entity, e.entity_id,
        coalesce((SELECT trim(c.first_name || ' ' || c.last_name) FROM contacts c
                   WHERE e.entity = 'contacts' AND c.id = e.entity_id),
                 (SELECT l.name FROM leads l WHERE e.entity = 'leads' AND l.id = e.entity_id),
                 '(deleted)') AS name,
        e.status, e.stop_reason, e.next_position, e.next_due_on, e.enrolled_on, e.ended_at,
        e.updated_at, e.created_at
   FROM sequence_enrolments e";

fn enrolment_row(r: &Row<'_>) -> rusqlite::Result<Enrolment> {
    Ok(Enrolment {
        id: r.get("id")?,
        sequence_id: r.get("sequence_id")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        name: r.get("name")?,
        status: EnrolmentStatus::parse(&r.get::<_, String>("status")?)
            .unwrap_or(EnrolmentStatus::Stopped),
        stop_reason: r
            .get::<_, Option<String>>("stop_reason")?
            .and_then(|s| StopReason::parse(&s)),
        next_position: r.get("next_position")?,
        next_due_on: r.get("next_due_on")?,
        enrolled_on: r.get("enrolled_on")?,
        ended_at: r.get("ended_at")?,
    })
}

/// A sequence's enrolments, running first, then by name.
pub fn enrolments(conn: &Connection, sequence_id: &str) -> Result<Vec<Enrolment>> {
    get(conn, sequence_id)?;
    let mut stmt = conn.prepare_cached(&format!(
        "{ENROLMENT_SELECT} WHERE e.sequence_id = ?1
          ORDER BY e.status = 'active' DESC, e.next_due_on, e.enrolled_on DESC, e.id"
    ))?;
    let rows = stmt.query_map([sequence_id], enrolment_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The sequences a contact or lead is (or was) in.
pub fn enrolments_of(conn: &Connection, entity: &str, id: &str) -> Result<Vec<Enrolment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ENROLMENT_SELECT} WHERE e.entity = ?1 AND e.entity_id = ?2 ORDER BY e.enrolled_on DESC"
    ))?;
    let rows = stmt.query_map((entity, id), enrolment_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
