//! Promotions: one template sent to everyone in a segment.
//!
//! [`preview`] shows who will get it, who will not and why (unsubscribed, do not e-mail, no
//! address), and the message as the first recipient will read it. [`queue`] puts a message per
//! recipient in the outbox in one save, each filled for its recipient, and the skipped ones
//! with their reason; the outbox sends them and [`progress`] counts them for a progress bar.
//! [`cancel`] stops what has not gone yet.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::marketing::outbox::OutboxCounts;
use crate::marketing::templates::{Recipient, RenderedEmail};
use crate::store::db::Db;

const TABLE: &str = "promotions";
/// How many recipients a preview lists.
const PREVIEW_ROWS: usize = 200;

text_enum!(
    /// `queued` while messages wait or are being sent, `done` once none do (read from the
    /// outbox, never stored), `cancelled` when the user stopped it.
    PromotionStatus {
        Queued = "queued",
        Done = "done",
        Cancelled = "cancelled",
    }
);

/// Fills in the promotion's progress, and `done` once nothing waits.
fn with_progress(conn: &Connection, mut p: Promotion) -> Result<Promotion> {
    p.progress = crate::marketing::outbox::counts(conn, Some(&p.id))?;
    if p.status == PromotionStatus::Queued && p.progress.queued + p.progress.sending == 0 {
        p.status = PromotionStatus::Done;
    }
    Ok(p)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PromotionInput {
    pub name: String,
    /// A template's id or name.
    pub template: String,
    /// A segment's id or name.
    pub segment: String,
    /// A campaign's id or name: recipients become its members (targeted), `sent` once their
    /// message went.
    pub campaign: Option<String>,
}

/// One recipient in a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewRecipient {
    pub entity: String,
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// Why they will not get it.
    pub skip_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PromotionPreview {
    /// Everyone in the segment (an account segment: the accounts' contacts).
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub will_send: i64,
    #[ts(type = "number")]
    pub skipped: i64,
    /// The first recipients, those who will get it first, then the skipped ones.
    pub recipients: Vec<PreviewRecipient>,
    /// The message as the first recipient who gets it will read it.
    pub sample: Option<RenderedEmail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Promotion {
    pub id: String,
    pub name: String,
    pub template_id: String,
    pub template_name: String,
    pub segment_id: String,
    pub segment_name: String,
    pub campaign_id: Option<String>,
    pub status: PromotionStatus,
    pub progress: OutboxCounts,
    pub created_at: String,
}

struct Resolved {
    name: String,
    template: crate::marketing::templates::EmailTemplate,
    segment: crate::marketing::segments::Segment,
    campaign_id: Option<String>,
}

fn resolve(conn: &Connection, input: &PromotionInput) -> Result<Resolved> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let template = crate::marketing::templates::find(conn, &input.template)
        .map_err(|e| c.fail("template", e.to_string()))
        .ok();
    let segment = crate::marketing::segments::find(conn, &input.segment)
        .map_err(|e| c.fail("segment", e.to_string()))
        .ok();
    let campaign_id = match input.campaign.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => crate::marketing::campaigns::find(conn, key)
            .map_err(|e| c.fail("campaign", e.to_string()))
            .ok()
            .map(|c| c.id),
    };
    c.finish()?;
    match (template, segment) {
        (Some(template), Some(segment)) => Ok(Resolved {
            name,
            template,
            segment,
            campaign_id,
        }),
        _ => Err(Error::Internal(
            "a checked promotion lost its template".into(),
        )),
    }
}

/// Who a promotion would reach, and the message as they would read it.
pub fn preview(
    conn: &Connection,
    input: &PromotionInput,
    today: NaiveDate,
) -> Result<PromotionPreview> {
    let mut input = input.clone();
    if input.name.trim().is_empty() {
        input.name = "preview".into();
    }
    let r = resolve(conn, &input)?;
    let sender = crate::marketing::mailer::settings(conn)?.from_name;
    let people = crate::marketing::segments::recipients(conn, &r.segment.id, today)?;
    let mut sending = Vec::new();
    let mut skipped = Vec::new();
    let mut sample = None;
    for (entity, id) in &people {
        let who = Recipient::load(conn, entity, id)?;
        let reason = who.skip_reason();
        if reason.is_none() && sample.is_none() {
            sample = Some(crate::marketing::templates::render(
                &r.template,
                &who,
                &sender,
                today,
            ));
        }
        let row = PreviewRecipient {
            entity: entity.clone(),
            id: id.clone(),
            name: who.full_name(),
            email: who.email.clone(),
            skip_reason: reason,
        };
        if row.skip_reason.is_some() {
            skipped.push(row);
        } else {
            sending.push(row);
        }
    }
    let (will_send, skipped_n) = (sending.len() as i64, skipped.len() as i64);
    let mut recipients: Vec<PreviewRecipient> = sending.into_iter().take(PREVIEW_ROWS).collect();
    recipients.extend(skipped.into_iter().take(PREVIEW_ROWS));
    Ok(PromotionPreview {
        total: people.len() as i64,
        will_send,
        skipped: skipped_n,
        recipients,
        sample,
    })
}

/// Queues the promotion: a message per recipient in the outbox (the skipped ones recorded
/// with their reason), in one save.
pub fn queue(db: &mut Db, input: &PromotionInput, today: NaiveDate) -> Result<Promotion> {
    let r = resolve(db.conn(), input)?;
    // A second promotion of the same name is most often the same one queued twice.
    let mut c = Checker::default();
    crate::store::writer::unique_name(&mut c, db.conn(), TABLE, "promotion", &r.name, None)?;
    c.finish()?;
    let people = crate::marketing::segments::recipients(db.conn(), &r.segment.id, today)?;
    if people.is_empty() {
        return Err(Error::invalid(
            "segment",
            format!("\"{}\" has nobody in it today", r.segment.name),
        ));
    }
    let sender = crate::marketing::mailer::settings(db.conn())?.from_name;
    let id = crate::new_id();
    db.write(|w| {
        w.insert(
            TABLE,
            &id,
            &[
                ("name", Value::Text(r.name.clone())),
                ("template_id", Value::Text(r.template.id.clone())),
                ("segment_id", Value::Text(r.segment.id.clone())),
                (
                    "campaign_id",
                    r.campaign_id.clone().map_or(Value::Null, Value::Text),
                ),
                ("status", Value::Text("queued".into())),
            ],
        )?;
        for (entity, person) in &people {
            let who = Recipient::load(w.conn(), entity, person)?;
            // The campaign targets those who get the message, not those skipped.
            if let Some(campaign) = &r.campaign_id
                && who.skip_reason().is_none()
            {
                crate::marketing::campaigns::add_member_in(w, campaign, entity, person)?;
            }
            let email = crate::marketing::templates::render(&r.template, &who, &sender, today);
            crate::marketing::outbox::queue(
                w,
                &who,
                &email,
                &crate::marketing::outbox::Origin {
                    template_id: Some(&r.template.id),
                    promotion_id: Some(&id),
                    campaign_id: r.campaign_id.as_deref(),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })?;
    get(db.conn(), &id)
}

/// Cancels what has not been sent yet. Returns how many messages were cancelled.
pub fn cancel(db: &mut Db, id: &str) -> Result<usize> {
    get(db.conn(), id)?;
    db.write(|w| {
        let queued: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM outbox WHERE promotion_id = ?1 AND status = 'queued'")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let n = crate::marketing::outbox::cancel_in(w, &queued)?;
        w.update(TABLE, id, &[("status", Value::Text("cancelled".into()))])?;
        Ok(n)
    })
}

/// How far a promotion has gone: its messages by state.
pub fn progress(conn: &Connection, id: &str) -> Result<OutboxCounts> {
    get(conn, id)?;
    crate::marketing::outbox::counts(conn, Some(id))
}

const SELECT: &str = "SELECT p.id, p.name, p.template_id, t.name AS template_name, p.segment_id,
        s.name AS segment_name,
        p.campaign_id, p.status, p.created_at
   FROM promotions p JOIN email_templates t ON t.id = p.template_id
   JOIN segments s ON s.id = p.segment_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Promotion> {
    Ok(Promotion {
        id: r.get("id")?,
        name: r.get("name")?,
        template_id: r.get("template_id")?,
        template_name: r.get("template_name")?,
        segment_id: r.get("segment_id")?,
        segment_name: r.get("segment_name")?,
        campaign_id: r.get("campaign_id")?,
        status: PromotionStatus::parse(&r.get::<_, String>("status")?)
            .unwrap_or(PromotionStatus::Cancelled),
        progress: OutboxCounts::default(),
        created_at: r.get("created_at")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Promotion> {
    let p = conn
        .prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("promotion", id))?;
    with_progress(conn, p)
}

/// The promotion with this id or name (any case).
pub fn find(conn: &Connection, name_or_id: &str) -> Result<Promotion> {
    crate::store::writer::find_named(conn, TABLE, "promotion", "promotions", name_or_id, get)
}

/// Every promotion, newest first, with its progress.
pub fn list(conn: &Connection) -> Result<Vec<Promotion>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} ORDER BY p.created_at DESC, p.id DESC"))?;
    let rows: Vec<Promotion> = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|p| with_progress(conn, p)).collect()
}
