//! Marketing commands: campaigns, segments, templates, follow-up sequences, promotions, the
//! outbox and the SMTP settings. Each: state in, one core call, error mapped.

use std::sync::Mutex;

use chrono::Utc;
use rapport_core::kernel::time::today;
use rapport_core::marketing::campaigns::{
    self, Campaign, CampaignInput, CampaignMember, Effectiveness,
};
use rapport_core::marketing::mailer::{self, SmtpSettings, SmtpStatus};
use rapport_core::marketing::outbox::{self, OutboxCounts, OutboxMessage, OutboxQuery, WorkReport};
use rapport_core::marketing::promotions::{self, Promotion, PromotionInput, PromotionPreview};
use rapport_core::marketing::segments::{
    self, Segment, SegmentEntity, SegmentField, SegmentFilter, SegmentInput, SegmentMembers,
};
use rapport_core::marketing::sequences::{self, EnrolReport, Enrolment, Sequence, SequenceInput};
use rapport_core::marketing::templates::{
    self, EmailTemplate, EmailTemplateInput, MergeField, RenderedEmail,
};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

use super::Partial;

// ------------------------------------------------------------------ campaigns

#[tauri::command(async)]
pub fn campaigns_list(state: State<'_, AppState>) -> CommandResult<Vec<Campaign>> {
    state.with(|db| campaigns::list(db.conn()))
}

#[tauri::command(async)]
pub fn campaign_get(state: State<'_, AppState>, id: String) -> CommandResult<Campaign> {
    state.with(|db| campaigns::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn campaign_create(
    state: State<'_, AppState>,
    input: CampaignInput,
) -> CommandResult<Campaign> {
    state.with(|db| campaigns::create(db, &input))
}

#[tauri::command(async)]
pub fn campaign_update(
    state: State<'_, AppState>,
    id: String,
    input: CampaignInput,
) -> CommandResult<Campaign> {
    state.with(|db| campaigns::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn campaign_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| campaigns::delete(db, &id))
}

/// Every campaign's effectiveness (or one's).
#[tauri::command(async)]
pub fn campaign_effectiveness(
    state: State<'_, AppState>,
    id: Option<String>,
) -> CommandResult<Vec<Effectiveness>> {
    state.with(|db| campaigns::effectiveness(db.conn(), id.as_deref()))
}

#[tauri::command(async)]
pub fn campaign_members(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<Vec<CampaignMember>> {
    state.with(|db| campaigns::members(db.conn(), &id))
}

// ------------------------------------------------------------------ segments

#[tauri::command(async)]
pub fn segments_list(state: State<'_, AppState>) -> CommandResult<Vec<Segment>> {
    state.with(|db| segments::list(db.conn()))
}

#[tauri::command(async)]
pub fn segment_get(state: State<'_, AppState>, id: String) -> CommandResult<Segment> {
    state.with(|db| segments::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn segment_create(state: State<'_, AppState>, input: SegmentInput) -> CommandResult<Segment> {
    state.with(|db| segments::create(db, &input))
}

#[tauri::command(async)]
pub fn segment_update(
    state: State<'_, AppState>,
    id: String,
    input: SegmentInput,
) -> CommandResult<Segment> {
    state.with(|db| segments::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn segment_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| segments::delete(db, &id))
}

/// The fields a segment of `entity` can test, with the values in use.
#[tauri::command(async)]
pub fn segment_fields(
    state: State<'_, AppState>,
    entity: SegmentEntity,
) -> CommandResult<Vec<SegmentField>> {
    state.with(|db| segments::fields(db.conn(), entity))
}

/// The live count and first members of an unsaved filter, while it is being built.
#[tauri::command(async)]
pub fn segment_preview(
    state: State<'_, AppState>,
    entity: SegmentEntity,
    filter: SegmentFilter,
    limit: Option<i64>,
) -> CommandResult<SegmentMembers> {
    state.with(|db| segments::preview(db.conn(), entity, &filter, today(), limit.unwrap_or(50)))
}

#[tauri::command(async)]
pub fn segment_members(
    state: State<'_, AppState>,
    id: String,
    offset: Option<i64>,
    limit: Option<i64>,
) -> CommandResult<SegmentMembers> {
    state.with(|db| {
        segments::members(
            db.conn(),
            &id,
            today(),
            offset.unwrap_or(0),
            limit.unwrap_or(100),
        )
    })
}

#[tauri::command(async)]
pub fn segment_export_csv(
    state: State<'_, AppState>,
    id: String,
    path: String,
) -> CommandResult<usize> {
    state.with(|db| segments::export_csv(db.conn(), &id, today(), std::path::Path::new(&path)))
}

#[tauri::command(async)]
pub fn segment_add_members(
    state: State<'_, AppState>,
    id: String,
    ids: Vec<String>,
) -> CommandResult<usize> {
    state.with(|db| segments::add_members(db, &id, &ids))
}

#[tauri::command(async)]
pub fn segment_remove_members(
    state: State<'_, AppState>,
    id: String,
    ids: Vec<String>,
) -> CommandResult<usize> {
    state.with(|db| segments::remove_members(db, &id, &ids))
}

/// A static list of the segment's members today.
#[tauri::command(async)]
pub fn segment_freeze(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> CommandResult<Segment> {
    state.with(|db| segments::freeze(db, &id, &name, today()))
}

/// Makes the segment's members members of a campaign; returns how many were added.
#[tauri::command(async)]
pub fn segment_to_campaign(
    state: State<'_, AppState>,
    id: String,
    campaign_id: String,
) -> CommandResult<usize> {
    state.with(|db| segments::add_to_campaign(db, &id, &campaign_id, today()))
}

// ------------------------------------------------------------------ templates

#[tauri::command(async)]
pub fn templates_list(state: State<'_, AppState>) -> CommandResult<Vec<EmailTemplate>> {
    state.with(|db| templates::list(db.conn()))
}

#[tauri::command(async)]
pub fn template_create(
    state: State<'_, AppState>,
    input: EmailTemplateInput,
) -> CommandResult<EmailTemplate> {
    state.with(|db| templates::create(db, &input))
}

#[tauri::command(async)]
pub fn template_update(
    state: State<'_, AppState>,
    id: String,
    input: EmailTemplateInput,
) -> CommandResult<EmailTemplate> {
    state.with(|db| templates::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn template_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| templates::delete(db, &id))
}

/// The template filled for a real contact or lead.
#[tauri::command(async)]
pub fn template_preview(
    state: State<'_, AppState>,
    id: String,
    entity: String,
    record_id: String,
) -> CommandResult<RenderedEmail> {
    state.with(|db| templates::preview(db.conn(), &id, &entity, &record_id))
}

#[tauri::command(async)]
pub fn merge_fields() -> CommandResult<Vec<MergeField>> {
    Ok(templates::merge_fields())
}

// ------------------------------------------------------------------ sequences

#[tauri::command(async)]
pub fn sequences_list(state: State<'_, AppState>) -> CommandResult<Vec<Sequence>> {
    state.with(|db| sequences::list(db.conn()))
}

#[tauri::command(async)]
pub fn sequence_create(
    state: State<'_, AppState>,
    input: SequenceInput,
) -> CommandResult<Sequence> {
    state.with(|db| sequences::create(db, &input))
}

#[tauri::command(async)]
pub fn sequence_update(
    state: State<'_, AppState>,
    id: String,
    input: SequenceInput,
) -> CommandResult<Sequence> {
    state.with(|db| sequences::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn sequence_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| sequences::delete(db, &id))
}

#[tauri::command(async)]
pub fn sequence_enrolments(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<Vec<Enrolment>> {
    state.with(|db| sequences::enrolments(db.conn(), &id))
}

/// Enrols contacts or leads (`entity`) by hand.
#[tauri::command(async)]
pub fn sequence_enroll(
    state: State<'_, AppState>,
    id: String,
    entity: String,
    ids: Vec<String>,
) -> CommandResult<EnrolReport> {
    state.with(|db| sequences::enroll(db, &id, &entity, &ids, today()))
}

#[tauri::command(async)]
pub fn sequence_enroll_segment(
    state: State<'_, AppState>,
    id: String,
    segment_id: String,
) -> CommandResult<EnrolReport> {
    state.with(|db| sequences::enroll_segment(db, &id, &segment_id, today()))
}

#[tauri::command(async)]
pub fn sequence_remove_enrolment(
    state: State<'_, AppState>,
    id: String,
    entity: String,
    entity_id: String,
) -> CommandResult<()> {
    state.with(|db| sequences::remove(db, &id, &entity, &entity_id))
}

/// The sequences a contact or lead is (or was) in.
#[tauri::command(async)]
pub fn enrolments_of(
    state: State<'_, AppState>,
    entity: String,
    id: String,
) -> CommandResult<Vec<Enrolment>> {
    state.with(|db| sequences::enrolments_of(db.conn(), &entity, &id))
}

/// Logs a reply (stopping the record's sequences); returns how many stopped.
#[tauri::command(async)]
pub fn record_reply(
    state: State<'_, AppState>,
    entity: String,
    id: String,
    subject: String,
) -> CommandResult<usize> {
    state.with(|db| sequences::record_reply(db, &entity, &id, &subject))
}

/// Marks a contact or lead unsubscribed; returns how many sequences stopped.
#[tauri::command(async)]
pub fn unsubscribe(state: State<'_, AppState>, entity: String, id: String) -> CommandResult<usize> {
    state.with(|db| sequences::unsubscribe(db, &entity, &id))
}

// ------------------------------------------------------------------ promotions

#[tauri::command(async)]
pub fn promotions_list(state: State<'_, AppState>) -> CommandResult<Vec<Promotion>> {
    state.with(|db| promotions::list(db.conn()))
}

#[tauri::command(async)]
pub fn promotion_get(state: State<'_, AppState>, id: String) -> CommandResult<Promotion> {
    state.with(|db| promotions::get(db.conn(), &id))
}

/// Who would get it and the message as the first of them would read it.
#[tauri::command(async)]
pub fn promotion_preview(
    state: State<'_, AppState>,
    input: PromotionInput,
) -> CommandResult<PromotionPreview> {
    state.with(|db| promotions::preview(db.conn(), &input, today()))
}

/// Queues a message per recipient in the outbox and starts sending.
#[tauri::command(async)]
pub fn promotion_queue(
    state: State<'_, AppState>,
    input: PromotionInput,
) -> CommandResult<Promotion> {
    let promotion = state.with(|db| promotions::queue(db, &input, today()))?;
    start_sending(state.path());
    Ok(promotion)
}

#[tauri::command(async)]
pub fn promotion_cancel(state: State<'_, AppState>, id: String) -> CommandResult<usize> {
    state.with(|db| promotions::cancel(db, &id))
}

// ------------------------------------------------------------------ outbox

#[tauri::command(async)]
pub fn outbox_list(
    state: State<'_, AppState>,
    query: Partial<OutboxQuery>,
) -> CommandResult<Vec<OutboxMessage>> {
    state.with(|db| outbox::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn outbox_counts(state: State<'_, AppState>) -> CommandResult<OutboxCounts> {
    state.with(|db| outbox::counts(db.conn(), None))
}

/// Puts failed messages back in the queue (all of them when `ids` is empty) and sends.
#[tauri::command(async)]
pub fn outbox_retry(state: State<'_, AppState>, ids: Vec<String>) -> CommandResult<usize> {
    let n = state.with(|db| outbox::retry(db, &ids))?;
    start_sending(state.path());
    Ok(n)
}

#[tauri::command(async)]
pub fn outbox_cancel(state: State<'_, AppState>, ids: Vec<String>) -> CommandResult<usize> {
    state.with(|db| outbox::cancel(db, &ids))
}

/// Does the mail work now (due sequence steps, then due messages) and reports it; waits for a
/// round already running.
#[tauri::command(async)]
pub fn outbox_send_now(state: State<'_, AppState>) -> CommandResult<WorkReport> {
    let path = state.path();
    let _one_at_a_time = SENDING.lock().unwrap_or_else(|p| p.into_inner());
    let mut db = rapport_core::Db::open(&path)?.with_origin("app");
    Ok(outbox::work(
        &mut db,
        Utc::now(),
        today(),
        &rapport_mail::connect,
        &|| true,
    )?)
}

// ------------------------------------------------------------------ SMTP

#[tauri::command(async)]
pub fn smtp_status(state: State<'_, AppState>) -> CommandResult<SmtpStatus> {
    state.with(|db| rapport_mail::status(db.conn()))
}

#[tauri::command(async)]
pub fn smtp_save(state: State<'_, AppState>, settings: SmtpSettings) -> CommandResult<SmtpStatus> {
    state.with(|db| {
        mailer::save_settings(db, &settings)?;
        rapport_mail::status(db.conn())
    })
}

/// Keeps the password in the system keyring (an empty one removes it).
#[tauri::command(async)]
pub fn smtp_set_password(
    state: State<'_, AppState>,
    password: String,
) -> CommandResult<SmtpStatus> {
    state.with(|db| {
        rapport_mail::set_password(db.conn(), &password)?;
        rapport_mail::status(db.conn())
    })
}

// ------------------------------------------------------------------ the mail worker

/// One round of mail work at a time, whoever starts it.
static SENDING: Mutex<()> = Mutex::new(());

/// Why the last round of mail work could not run (a keyring that is locked, a missing
/// password, a busy file), for the outbox screen; `None` after a round that ran.
static PROBLEM: Mutex<Option<String>> = Mutex::new(None);

/// Why the mail worker's last round could not run, if it could not.
#[tauri::command(async)]
pub fn outbox_problem() -> CommandResult<Option<String>> {
    Ok(PROBLEM.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

/// Runs a round of mail work on its own connection, off the window's lock, so sending never
/// holds up the window; does nothing when a round is already running.
pub fn start_sending(path: std::path::PathBuf) {
    std::thread::spawn(move || work_once(&path));
}

/// A round of mail work, unless one is running; failures wait for the next round (each
/// message keeps its own reason in the outbox).
pub fn work_once(path: &std::path::Path) {
    let Ok(_one_at_a_time) = SENDING.try_lock() else {
        return;
    };
    let outcome = rapport_core::Db::open(path).and_then(|db| {
        let mut db = db.with_origin("app");
        outbox::work(
            &mut db,
            Utc::now(),
            today(),
            &rapport_mail::connect,
            &|| true,
        )
    });
    *PROBLEM.lock().unwrap_or_else(|p| p.into_inner()) = outcome.err().map(|e| e.to_string());
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/marketing.rs"));
