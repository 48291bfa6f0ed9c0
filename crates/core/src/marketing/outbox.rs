//! The outbox: every message waits here before it is sent, so nothing is lost offline.
//!
//! Sequences and promotions queue messages already filled for their recipient. [`send_due`]
//! hands the due ones to the SMTP server one at a time:
//! - before each, consent is checked again: a recipient who unsubscribed or is marked do not
//!   e-mail since it was queued is **skipped**, with the reason shown;
//! - a message is marked `sending` (and that is saved) before it goes, and `sent` after, with
//!   an e-mail activity on the recipient's timeline in the same transaction. A message found
//!   `sending` later (the app stopped in between) is never sent again by itself: it becomes
//!   `failed`, saying it may have gone, for the user to check and retry;
//! - when the server cannot be reached or answers "try later" (4xx), the message stays queued
//!   and is tried again after 1, 5, 15 and 60 minutes, then every 4 hours, 10 times in all;
//!   a refusal (5xx) fails it at once. Failures keep the server's reason.

use chrono::{DateTime, Duration, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::marketing::mailer::{Outgoing, SendFailure, Sender};
use crate::marketing::templates::{Recipient, RenderedEmail};
use crate::store::db::Db;
use crate::store::writer::Writer;

const TABLE: &str = "outbox";
/// Tries before a message that keeps failing to go is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// A message `sending` for longer than this was cut off (the app stopped).
const SENDING_STALE_MINUTES: i64 = 10;

text_enum!(
    /// `unsure`: the app stopped while handing it to the server, so it may have gone; it is
    /// sent again only when the user retries that very message.
    OutboxStatus {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Skipped = "skipped",
        Cancelled = "cancelled",
        Unsure = "unsure",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxMessage {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub to_name: String,
    pub to_address: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub status: OutboxStatus,
    /// Why it was skipped (unsubscribed, do not e-mail, no address).
    pub skip_reason: Option<String>,
    #[ts(type = "number")]
    pub attempts: i64,
    /// When it is tried next (UTC); empty: as soon as the outbox is sent.
    pub next_attempt_at: Option<String>,
    /// The server's (or the network's) reason for the last failure.
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    /// The e-mail activity logged when it was sent.
    pub activity_id: Option<String>,
    pub sequence_id: Option<String>,
    #[ts(type = "number | null")]
    pub step_position: Option<i64>,
    pub promotion_id: Option<String>,
    pub campaign_id: Option<String>,
    pub created_at: String,
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OutboxQuery {
    pub status: Option<OutboxStatus>,
    pub promotion_id: Option<String>,
    /// At most this many, newest first (default 500).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
}

/// How many messages are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxCounts {
    #[ts(type = "number")]
    pub queued: i64,
    #[ts(type = "number")]
    pub sending: i64,
    #[ts(type = "number")]
    pub sent: i64,
    #[ts(type = "number")]
    pub failed: i64,
    #[ts(type = "number")]
    pub skipped: i64,
    #[ts(type = "number")]
    pub cancelled: i64,
    #[ts(type = "number")]
    pub unsure: i64,
}

impl OutboxCounts {
    pub fn total(&self) -> i64 {
        self.queued
            + self.sending
            + self.sent
            + self.failed
            + self.skipped
            + self.cancelled
            + self.unsure
    }
}

/// What one [`send_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SendReport {
    #[ts(type = "number")]
    pub sent: i64,
    /// Failed for good this time (refused, or out of tries).
    #[ts(type = "number")]
    pub failed: i64,
    /// Put off to try again later.
    #[ts(type = "number")]
    pub deferred: i64,
    /// Skipped because consent changed after they were queued.
    #[ts(type = "number")]
    pub skipped: i64,
    /// The reasons of this run's failures and put-offs, each once.
    pub problems: Vec<String>,
}

/// Where a queued message comes from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin<'a> {
    pub template_id: Option<&'a str>,
    pub enrolment: Option<(&'a str, i64)>,
    pub promotion_id: Option<&'a str>,
    pub campaign_id: Option<&'a str>,
}

/// Queues `email` for `recipient` (or records it skipped, when `email.skip_reason` says so).
/// Returns the message's id.
pub(crate) fn queue(
    w: &Writer<'_>,
    recipient: &Recipient,
    email: &RenderedEmail,
    origin: &Origin<'_>,
) -> Result<String> {
    let id = crate::new_id();
    let status = if email.skip_reason.is_some() {
        OutboxStatus::Skipped
    } else {
        OutboxStatus::Queued
    };
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| Value::Text(s.to_owned()));
    w.insert(
        TABLE,
        &id,
        &[
            ("entity", Value::Text(recipient.entity.clone())),
            ("entity_id", Value::Text(recipient.id.clone())),
            ("to_address", opt(email.to_address.as_deref())),
            ("to_name", Value::Text(email.to_name.clone())),
            ("subject", Value::Text(email.subject.clone())),
            ("body_text", Value::Text(email.text.clone())),
            ("body_html", Value::Text(email.html.clone())),
            ("template_id", opt(origin.template_id)),
            ("enrolment_id", opt(origin.enrolment.map(|e| e.0))),
            (
                "step_position",
                origin
                    .enrolment
                    .map_or(Value::Null, |e| Value::Integer(e.1)),
            ),
            ("promotion_id", opt(origin.promotion_id)),
            ("campaign_id", opt(origin.campaign_id)),
            ("status", Value::Text(status.as_str().into())),
            ("skip_reason", opt(email.skip_reason.as_deref())),
        ],
    )?;
    Ok(id)
}

/// A service message: a reply on a ticket, to the customer who wrote, in their thread.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceMail<'a> {
    /// The contact written to.
    pub contact_id: &'a str,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// The ticket message the mail carries.
    pub ticket_message_id: Option<&'a str>,
    /// The quote, invoice or credit note it sends, and its PDF (file name, bytes).
    pub document_id: Option<&'a str>,
    pub attachment: Option<(&'a str, &'a [u8])>,
    /// The Message-ID answered, and the conversation's ids (oldest first).
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [String],
}

/// Queues a service message: a ticket reply, or a document sent to the customer (sent, unlike
/// marketing mail, to someone who unsubscribed from newsletters, but never to someone marked
/// do not e-mail or whose address bounced). Returns the message's id.
pub(crate) fn queue_service(w: &Writer<'_>, m: &ServiceMail<'_>) -> Result<String> {
    let id = crate::new_id();
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| Value::Text(s.to_owned()));
    w.insert(
        TABLE,
        &id,
        &[
            ("entity", Value::Text("contacts".into())),
            ("entity_id", Value::Text(m.contact_id.to_owned())),
            ("to_address", Value::Text(m.to_address.to_owned())),
            ("to_name", Value::Text(m.to_name.to_owned())),
            ("subject", Value::Text(m.subject.to_owned())),
            ("body_text", Value::Text(m.text.to_owned())),
            (
                "body_html",
                Value::Text(crate::marketing::templates::text_to_html(m.text)),
            ),
            ("status", Value::Text(OutboxStatus::Queued.as_str().into())),
            ("ticket_message_id", opt(m.ticket_message_id)),
            ("document_id", opt(m.document_id)),
            ("attachment_name", opt(m.attachment.map(|a| a.0))),
            (
                "attachment",
                m.attachment
                    .map_or(Value::Null, |a| Value::Blob(a.1.to_vec())),
            ),
            ("in_reply_to", opt(m.in_reply_to)),
            (
                "refs",
                opt(Some(m.references.join(" ").as_str()).filter(|r| !r.is_empty())),
            ),
        ],
    )?;
    Ok(id)
}

/// What became of the mail carrying a ticket message: its status and, when it failed or
/// waits, why.
pub(crate) fn service_mail_state(
    conn: &Connection,
    ticket_message_id: &str,
) -> Result<Option<(OutboxStatus, Option<String>)>> {
    let state: Option<(OutboxStatus, Option<String>)> = conn
        .prepare_cached(
            "SELECT status, coalesce(skip_reason, last_error) FROM outbox
              WHERE ticket_message_id = ?1 ORDER BY created_at DESC LIMIT 1",
        )?
        .query_row([ticket_message_id], |r| {
            Ok((
                OutboxStatus::parse(&r.get::<_, String>(0)?).unwrap_or(OutboxStatus::Failed),
                r.get(1)?,
            ))
        })
        .optional()?;
    Ok(match state {
        Some((OutboxStatus::Queued, None))
            if !crate::marketing::mailer::settings(conn)?.is_set() =>
        {
            Some((
                OutboxStatus::Queued,
                Some("e-mail is not set up: it waits in the outbox until you enter your SMTP server in Settings → E-mail".into()),
            ))
        }
        other => other,
    })
}

const SELECT: &str = "SELECT o.id, o.entity, o.entity_id, o.to_name, o.to_address, o.subject,
        o.body_text, o.status, o.skip_reason, o.attempts, o.next_attempt_at, o.last_error,
        o.sent_at, o.activity_id, e.sequence_id, o.step_position, o.promotion_id, o.campaign_id,
        o.created_at
   FROM outbox o LEFT JOIN sequence_enrolments e ON e.id = o.enrolment_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: r.get("id")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        to_name: r.get("to_name")?,
        to_address: r.get("to_address")?,
        subject: r.get("subject")?,
        body_text: r.get("body_text")?,
        status: OutboxStatus::parse(&r.get::<_, String>("status")?).unwrap_or(OutboxStatus::Failed),
        skip_reason: r.get("skip_reason")?,
        attempts: r.get("attempts")?,
        next_attempt_at: r.get("next_attempt_at")?,
        last_error: r.get("last_error")?,
        sent_at: r.get("sent_at")?,
        activity_id: r.get("activity_id")?,
        sequence_id: r.get("sequence_id")?,
        step_position: r.get("step_position")?,
        promotion_id: r.get("promotion_id")?,
        campaign_id: r.get("campaign_id")?,
        created_at: r.get("created_at")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<OutboxMessage> {
    conn.prepare_cached(&format!("{SELECT} WHERE o.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("message", id))
}

/// Messages, newest first.
pub fn list(conn: &Connection, q: &OutboxQuery) -> Result<Vec<OutboxMessage>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE (?1 IS NULL OR o.status = ?1) AND (?2 IS NULL OR o.promotion_id = ?2)
          ORDER BY o.created_at DESC, o.id DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(
        (
            q.status.map(|s| s.as_str()),
            q.promotion_id.as_deref(),
            q.limit.unwrap_or(500).clamp(1, 100_000),
        ),
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many messages are in each state (of one promotion, given its id).
pub fn counts(conn: &Connection, promotion_id: Option<&str>) -> Result<OutboxCounts> {
    let mut c = OutboxCounts::default();
    let mut stmt = conn.prepare_cached(
        "SELECT status, count(*) FROM outbox WHERE (?1 IS NULL OR promotion_id = ?1) GROUP BY status",
    )?;
    let rows = stmt.query_map([promotion_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (status, n) = row?;
        match OutboxStatus::parse(&status) {
            Some(OutboxStatus::Queued) => c.queued = n,
            Some(OutboxStatus::Sending) => c.sending = n,
            Some(OutboxStatus::Sent) => c.sent = n,
            Some(OutboxStatus::Failed) => c.failed = n,
            Some(OutboxStatus::Skipped) => c.skipped = n,
            Some(OutboxStatus::Cancelled) => c.cancelled = n,
            Some(OutboxStatus::Unsure) => c.unsure = n,
            None => {}
        }
    }
    Ok(c)
}

/// The wait before try number `attempts + 1`.
fn backoff(attempts: i64) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        4 => Duration::minutes(60),
        _ => Duration::hours(4),
    }
}

/// Messages cut off while `sending` (the app stopped before the server answered) become
/// `unsure`: they may have gone, so they are never sent again unless the user retries that
/// message. Returns how many.
pub fn recover(db: &mut Db, now: DateTime<Utc>) -> Result<usize> {
    let before = crate::kernel::time::stamp(now - Duration::minutes(SENDING_STALE_MINUTES));
    let stuck: Vec<String> = db
        .conn()
        .prepare_cached("SELECT id FROM outbox WHERE status = 'sending' AND updated_at < ?1")?
        .query_map([before], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    db.write(|w| {
        for id in &stuck {
            w.update(
                TABLE,
                id,
                &[
                    ("status", Value::Text("unsure".into())),
                    (
                        "last_error",
                        Value::Text(
                            "Rapport stopped while handing this message to the server, so it may have been sent. Look in your sent mail; retry it only if it is not there."
                                .into(),
                        ),
                    ),
                ],
            )?;
        }
        Ok(stuck.len())
    })
}

/// Sends the queued messages that are due at `now`, oldest first, at most `limit`, through
/// `sender`. `keep_going` is asked before each message (a cancel button). See the module
/// documentation for what happens on failure.
pub fn send_due(
    db: &mut Db,
    sender: &mut dyn Sender,
    now: DateTime<Utc>,
    limit: usize,
    keep_going: &dyn Fn() -> bool,
) -> Result<SendReport> {
    let mut report = SendReport::default();
    let stamp = crate::kernel::time::stamp(now);
    let turn = db.turn()?;
    let due: Vec<String> = db
        .conn()
        .prepare_cached(
            "SELECT id FROM outbox WHERE status = 'queued'
               AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
             ORDER BY created_at, id LIMIT ?2",
        )?
        .query_map((&stamp, limit as i64), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Each message is claimed and recorded in a write of its own; sending holds no turn.
    drop(turn);
    let tz = crate::kernel::time::local_zone();
    for id in due {
        if !keep_going() {
            break;
        }
        let Some(outgoing) = claim(db, &id, &mut report)? else {
            continue;
        };
        match sender.send(&outgoing) {
            Ok(()) => {
                // It went: recording that must not fail for a passing reason, or the message
                // would be left "sending" and look unsent.
                persist(db, |db| db.write(|w| mark_sent(w, &id, tz)))?;
                report.sent += 1;
            }
            Err(failure) => {
                let unreachable = failure.unreachable;
                let gave_up = persist(db, |db| db.write(|w| mark_failed(w, &id, &failure, now)))?;
                if gave_up {
                    report.failed += 1;
                } else {
                    report.deferred += 1;
                }
                if !report.problems.contains(&failure.reason) {
                    report.problems.push(failure.reason);
                }
                if unreachable {
                    // The next messages would meet the same closed door (offline, or a login
                    // or TLS problem to fix in the settings).
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// Runs a write again while the file is busy (another window or command writing), for up to a
/// minute: what it records happened already and must not be lost.
fn persist<T>(db: &mut Db, mut f: impl FnMut(&mut Db) -> Result<T>) -> Result<T> {
    let mut tries = 0;
    loop {
        match f(db) {
            Err(e) if e.code() == crate::ErrorCode::Busy && tries < 12 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Checks consent again and marks the message `sending`; `None` when it is no longer to be
/// sent (cancelled meanwhile, or skipped now).
fn claim(db: &mut Db, id: &str, report: &mut SendReport) -> Result<Option<Outgoing>> {
    db.write(|w| {
        // (entity, entity_id, the message with its address possibly empty)
        let row = w
            .conn()
            .prepare_cached(
                "SELECT entity, entity_id, to_address, to_name, subject, body_text, body_html,
                        in_reply_to, refs, attachment_name, attachment,
                        ticket_message_id IS NOT NULL OR document_id IS NOT NULL AS service
                   FROM outbox WHERE id = ?1 AND status = 'queued'",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>("entity")?,
                    r.get::<_, String>("entity_id")?,
                    r.get::<_, bool>("service")?,
                    Outgoing {
                        to_address: r.get::<_, Option<String>>("to_address")?.unwrap_or_default(),
                        to_name: r.get("to_name")?,
                        subject: r.get("subject")?,
                        text: r.get("body_text")?,
                        html: r.get("body_html")?,
                        message_id: message_id(id),
                        in_reply_to: r.get("in_reply_to")?,
                        references: r
                            .get::<_, Option<String>>("refs")?
                            .map(|x| x.split_whitespace().map(str::to_owned).collect())
                            .unwrap_or_default(),
                        bulk: false,
                        attachment: match (
                            r.get::<_, Option<String>>("attachment_name")?,
                            r.get::<_, Option<Vec<u8>>>("attachment")?,
                        ) {
                            (Some(name), Some(bytes)) => Some(crate::marketing::mailer::OutgoingFile {
                                mime_type: if name.to_lowercase().ends_with(".pdf") {
                                    "application/pdf".into()
                                } else {
                                    "application/octet-stream".into()
                                },
                                name,
                                bytes,
                            }),
                            _ => None,
                        },
                    },
                ))
            })
            .optional()?;
        let Some((entity, entity_id, service, mut outgoing)) = row else {
            return Ok(None);
        };
        // Marketing mail carries an unsubscribe header; a reply to a customer does not.
        outgoing.bulk = !service;
        // A sequence step whose enrolment stopped since it was queued (a reply, a
        // conversion) is not sent.
        let stopped: Option<String> = w
            .conn()
            .prepare_cached(
                "SELECT e.stop_reason FROM outbox o JOIN sequence_enrolments e ON e.id = o.enrolment_id
                  WHERE o.id = ?1 AND e.status = 'stopped'",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if stopped.is_some() {
            w.update(TABLE, id, &[("status", Value::Text("cancelled".into()))])?;
            return Ok(None);
        }
        let skip = match Recipient::load(w.conn(), &entity, &entity_id) {
            // A reply the customer asked for goes, unless they asked for no e-mail at all.
            Ok(r) if service => {
                if r.do_not_email {
                    Some("marked do not e-mail".to_owned())
                } else {
                    r.bounced.map(|why| format!("the address bounced ({why})"))
                }
            }
            Ok(r) => r.skip_reason(),
            Err(Error::NotFound { .. }) => Some("the recipient was deleted".into()),
            Err(e) => return Err(e),
        };
        if skip.is_some() || outgoing.to_address.is_empty() {
            w.update(
                TABLE,
                id,
                &[
                    ("status", Value::Text("skipped".into())),
                    (
                        "skip_reason",
                        Value::Text(skip.unwrap_or_else(|| "has no e-mail address".into())),
                    ),
                ],
            )?;
            report.skipped += 1;
            return Ok(None);
        }
        w.update(TABLE, id, &[("status", Value::Text("sending".into()))])?;
        Ok(Some(outgoing))
    })
}

/// Marks a message sent and logs it as a done, outbound e-mail on the recipient's timeline;
/// its campaign counts the recipient as reached.
fn mark_sent(w: &Writer<'_>, id: &str, tz: chrono_tz::Tz) -> Result<()> {
    let (entity, entity_id, subject, text, campaign, attempts): (
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
    ) = w.conn().query_row(
        "SELECT entity, entity_id, subject, body_text, campaign_id, attempts FROM outbox WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get("entity")?,
                r.get("entity_id")?,
                r.get("subject")?,
                r.get("body_text")?,
                r.get("campaign_id")?,
                r.get("attempts")?,
            ))
        },
    )?;
    let activity = crate::activities::activity::create_in(
        w,
        &crate::activities::activity::ActivityInput {
            kind: Some(crate::activities::activity::ActivityKind::Email),
            subject: crate::kernel::validate::clip(
                &subject,
                crate::kernel::validate::SHORT_TEXT_MAX,
            ),
            notes: Some(crate::kernel::validate::clip(
                &text,
                crate::kernel::validate::NOTES_MAX,
            )),
            direction: Some(crate::activities::activity::Direction::Outbound),
            done: true,
            // A recipient deleted while the message was on its way has no timeline left.
            links: if crate::store::writer::exists(w.conn(), &entity, &entity_id)? {
                vec![crate::activities::activity::RecordRef {
                    entity: entity.clone(),
                    id: entity_id.clone(),
                }]
            } else {
                Vec::new()
            },
            ..Default::default()
        },
        tz,
    )?;
    w.update(
        TABLE,
        id,
        &[
            ("status", Value::Text("sent".into())),
            ("sent_at", Value::Text(w.now().to_owned())),
            ("attempts", Value::Integer(attempts + 1)),
            ("last_error", Value::Null),
            ("next_attempt_at", Value::Null),
            ("activity_id", Value::Text(activity.clone())),
        ],
    )?;
    w.emit(&crate::store::events::Event::MailSent {
        id: id.to_owned(),
        activity_id: activity,
    })?;
    if let Some(campaign) = campaign {
        crate::marketing::campaigns::mark_reached(w, &campaign, &entity, &entity_id)?;
    }
    Ok(())
}

/// Records a failed try; returns whether the message was given up (refused, or out of tries).
fn mark_failed(
    w: &Writer<'_>,
    id: &str,
    failure: &SendFailure,
    now: DateTime<Utc>,
) -> Result<bool> {
    let attempts: i64 =
        w.conn()
            .query_row("SELECT attempts FROM outbox WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })?
            + 1;
    // Being offline (or a setup problem) is not the message's fault: it waits, however long,
    // without using up its tries.
    let give_up = failure.permanent || (attempts >= MAX_ATTEMPTS && !failure.unreachable);
    let (status, next) = if give_up {
        ("failed", Value::Null)
    } else {
        (
            "queued",
            Value::Text(crate::kernel::time::stamp(now + backoff(attempts))),
        )
    };
    w.update(
        TABLE,
        id,
        &[
            ("status", Value::Text(status.into())),
            ("attempts", Value::Integer(attempts)),
            ("next_attempt_at", next),
            ("last_error", Value::Text(failure.reason.clone())),
        ],
    )?;
    Ok(give_up)
}

/// Tries messages again at the next send, now: failed ones go back in the queue, and queued
/// ones waiting out a back-off wait no longer. Without ids: all of them, except messages that
/// may already have gone (`unsure`) and those of a cancelled promotion or a stopped
/// sequence. With ids: those messages, `unsure` ones included (the user checked). Returns how
/// many.
pub fn retry(db: &mut Db, ids: &[String]) -> Result<usize> {
    let chosen: Vec<String> = if ids.is_empty() {
        db.conn()
            .prepare_cached(
                "SELECT o.id FROM outbox o
                  WHERE (o.status = 'failed' OR (o.status = 'queued' AND o.next_attempt_at IS NOT NULL))
                    AND NOT EXISTS (SELECT 1 FROM promotions p
                                     WHERE p.id = o.promotion_id AND p.status = 'cancelled')
                    AND NOT EXISTS (SELECT 1 FROM sequence_enrolments e
                                     WHERE e.id = o.enrolment_id AND e.status = 'stopped')",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    } else {
        for id in ids {
            let m = get(db.conn(), id)?;
            if !matches!(
                m.status,
                OutboxStatus::Failed | OutboxStatus::Queued | OutboxStatus::Unsure
            ) {
                return Err(Error::Conflict(format!(
                    "message {id} is {}; only failed, waiting or interrupted messages are tried again",
                    m.status.as_str()
                )));
            }
        }
        ids.to_vec()
    };
    db.write(|w| {
        for id in &chosen {
            w.update(
                TABLE,
                id,
                &[
                    ("status", Value::Text("queued".into())),
                    ("attempts", Value::Integer(0)),
                    ("next_attempt_at", Value::Null),
                ],
            )?;
        }
        Ok(chosen.len())
    })
}

/// Cancels queued messages (not those already sent). Returns how many.
pub fn cancel(db: &mut Db, ids: &[String]) -> Result<usize> {
    db.write(|w| {
        // An id that names no message is a mistake to report, not a message already gone.
        for id in ids {
            if !crate::store::writer::exists(w.conn(), TABLE, id)? {
                return Err(Error::not_found("message", id));
            }
        }
        cancel_in(w, ids)
    })
}

pub(crate) fn cancel_in(w: &Writer<'_>, ids: &[String]) -> Result<usize> {
    let mut n = 0;
    for id in ids {
        let status: Option<String> = w
            .conn()
            .prepare_cached("SELECT status FROM outbox WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if matches!(status.as_deref(), Some("queued" | "failed" | "unsure")) {
            w.update(TABLE, id, &[("status", Value::Text("cancelled".into()))])?;
            n += 1;
        }
    }
    Ok(n)
}

/// What one round of [`work`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkReport {
    /// Messages found cut off while sending (now failed, for the user to check).
    #[ts(type = "number")]
    pub recovered: i64,
    pub sequences: crate::marketing::sequences::RunReport,
    /// `None` when sending is not set up (messages wait in the outbox).
    pub sent: Option<SendReport>,
    /// Messages still queued after the round (waiting to retry, or for set-up).
    #[ts(type = "number")]
    pub waiting: i64,
}

/// The mail work the app does at start and every minute, and `rapport outbox send` once:
/// messages cut off while sending are set aside, due sequence steps are queued (catching up
/// days the app was closed), and due messages are sent through the user's SMTP server when it
/// is set up (through the sender `connect` opens: `rapport_mail::connect` outside tests).
pub fn work(
    db: &mut Db,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
    connect: crate::marketing::mailer::Connect<'_>,
    keep_going: &dyn Fn() -> bool,
) -> Result<WorkReport> {
    // The database work is done in this process's turn on the file (see `owner`); talking to
    // the mail server is not, so other programs (and the window) are never held up by it.
    let (recovered, sequences, sender) = {
        let _turn = db.turn()?;
        let recovered = recover(db, now)? as i64;
        let sequences = crate::marketing::sequences::run(db, today)?;
        let sender = if crate::marketing::mailer::settings(db.conn())?.is_set() {
            Some(connect(db.conn())?)
        } else {
            None
        };
        (recovered, sequences, sender)
    };
    let sent = match sender {
        Some(mut sender) => Some(send_due(db, sender.as_mut(), now, 500, keep_going)?),
        None => None,
    };
    let _turn = db.turn()?;
    Ok(WorkReport {
        recovered,
        sequences,
        sent,
        waiting: counts(db.conn(), None)?.queued,
    })
}

/// The domain of the Message-ID the outbox gives each message: `<outbox id>@rapport.invalid`.
const MESSAGE_ID_DOMAIN: &str = "@rapport.invalid";

/// The `Message-ID` (without angle brackets) of the outbox message `id`.
pub fn message_id(id: &str) -> String {
    format!("{id}{MESSAGE_ID_DOMAIN}")
}

/// The outbox message a `Message-ID` the outbox gave names, if it is one of those.
pub fn outbox_id(message_id: &str) -> Option<&str> {
    message_id.strip_suffix(MESSAGE_ID_DOMAIN)
}

/// The recipient (kind and id) of the sent outbox message with this `Message-ID`, if it is
/// one: how an answer finds the mail it answers.
pub fn sent_to(conn: &Connection, message_id: &str) -> Result<Option<(String, String)>> {
    let Some(id) = outbox_id(message_id) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached("SELECT entity, entity_id FROM outbox WHERE id = ?1 AND status = 'sent'")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}
