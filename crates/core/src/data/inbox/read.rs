//! Stored mail as the timeline's e-mail view and `rapport mail messages` show it.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::parse::MailAttachment;
use crate::activities::activity::RecordRef;
use crate::kernel::error::Result;

/// One stored message, with the e-mail activity it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailMessage {
    pub activity_id: String,
    pub message_id: String,
    /// The Message-ID that opened the conversation.
    pub thread_id: String,
    pub in_reply_to: Option<String>,
    /// `inbound` or `outbound` (from one of your own addresses).
    pub direction: String,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// When it was written (UTC), else when it was read.
    pub at: String,
    /// The text (also the activity's notes); only in [`message`], empty in lists.
    pub text: String,
    /// Sanitised HTML, only in [`message`]: show it in a sandboxed frame.
    pub html: Option<String>,
    pub attachments: Vec<MailAttachment>,
    /// An automatic reply or a delivery report, not a person's answer.
    pub automatic: bool,
    /// An answer to campaign or sequence mail from an address Rapport does not know, waiting
    /// in "Unmatched replies" to be made a contact or a lead, or ignored.
    pub unmatched: bool,
    /// What could not be read, in words.
    pub problems: Option<String>,
    pub folder: String,
    /// The records it is on the timeline of.
    pub links: Vec<RecordRef>,
}

/// Which stored messages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MailQuery {
    /// Only those on this record's timeline.
    pub record: Option<RecordRef>,
    /// Only this conversation.
    pub thread_id: Option<String>,
    /// Only the unmatched replies.
    pub unmatched: bool,
    pub limit: Option<u32>,
}

const COLUMNS: &str = "m.activity_id, m.message_id, m.thread_id, m.in_reply_to, a.direction,
    m.from_address, m.from_name, m.to_addresses, m.cc_addresses, a.subject,
    coalesce(a.starts_at, a.created_at) AS at, m.attachments, m.automatic, m.problems, m.folder,
    m.unmatched";

/// Stored messages, newest first.
pub fn messages(conn: &Connection, q: &MailQuery) -> Result<Vec<MailMessage>> {
    let limit = i64::from(q.limit.unwrap_or(200).clamp(1, 10_000));
    let (entity, id) = q.record.as_ref().map_or((None, None), |r| {
        (Some(r.entity.as_str()), Some(r.id.as_str()))
    });
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_messages m JOIN activities a ON a.id = m.activity_id
          WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM activity_links l
                                        WHERE l.activity_id = m.activity_id
                                          AND l.entity = ?1 AND l.entity_id = ?2))
            AND (?3 IS NULL OR m.thread_id = ?3)
            AND (NOT ?5 OR m.unmatched = 1)
          ORDER BY at DESC, m.activity_id DESC LIMIT ?4"
    );
    let mut list: Vec<MailMessage> = conn
        .prepare_cached(&sql)?
        .query_map(
            (entity, id, q.thread_id.as_deref(), limit, q.unmatched),
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    for m in &mut list {
        m.links = links(conn, &m.activity_id)?;
    }
    Ok(list)
}

/// The message an e-mail activity is, whole (text and sanitised HTML); `None` for an e-mail
/// activity typed in by hand or sent by the outbox.
pub fn message(conn: &Connection, activity_id: &str) -> Result<Option<MailMessage>> {
    let sql = format!(
        "SELECT {COLUMNS}, a.notes, m.html FROM mail_messages m
           JOIN activities a ON a.id = m.activity_id WHERE m.activity_id = ?1"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row([activity_id], |r| {
            let mut m = from_row(r)?;
            m.text = r.get::<_, Option<String>>("notes")?.unwrap_or_default();
            m.html = r.get("html")?;
            Ok(m)
        })
        .optional()?;
    match found {
        Some(mut m) => {
            m.links = links(conn, &m.activity_id)?;
            Ok(Some(m))
        }
        None => Ok(None),
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<MailMessage> {
    let split = |s: String| -> Vec<String> {
        s.split(", ")
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let attachments: Option<String> = r.get("attachments")?;
    let attachments: Vec<MailAttachment> = attachments
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    Ok(MailMessage {
        activity_id: r.get("activity_id")?,
        message_id: r.get("message_id")?,
        thread_id: r.get("thread_id")?,
        in_reply_to: r.get("in_reply_to")?,
        direction: r
            .get::<_, Option<String>>("direction")?
            .unwrap_or_else(|| "inbound".into()),
        from_address: r.get("from_address")?,
        from_name: r.get("from_name")?,
        to: split(r.get("to_addresses")?),
        cc: split(r.get("cc_addresses")?),
        subject: r.get("subject")?,
        at: r.get("at")?,
        text: String::new(),
        html: None,
        attachments,
        automatic: r.get("automatic")?,
        unmatched: r.get("unmatched")?,
        problems: r.get("problems")?,
        folder: r.get("folder")?,
        links: Vec::new(),
    })
}

fn links(conn: &Connection, activity_id: &str) -> Result<Vec<RecordRef>> {
    Ok(conn
        .prepare_cached(
            "SELECT entity, entity_id FROM activity_links WHERE activity_id = ?1 ORDER BY entity, entity_id",
        )?
        .query_map([activity_id], |r| {
            Ok(RecordRef {
                entity: r.get(0)?,
                id: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}
