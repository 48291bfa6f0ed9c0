//! Service: tickets, SLA policies, working hours and holidays, agreements.

use chrono::Utc;
use rapport_core::records::list::Page;
use rapport_core::service::agreements::{
    self, Agreement, AgreementInput, Occurrence, OccurrenceStatus,
};
use rapport_core::service::hours::{self, Holiday, WorkingHours};
use rapport_core::service::sla::{self, SlaPolicy, SlaPolicyInput};
use rapport_core::service::tickets::{
    self, ComplaintStats, MessageInput, QueueCounts, Ticket, TicketInput, TicketQuery,
    TicketStatus, TicketSummary,
};
use tauri::State;

use super::Partial;
use crate::error::CommandResult;
use crate::state::AppState;

/// Tickets of a queue (default: open), with their SLA figures now.
#[tauri::command(async)]
pub fn tickets_list(
    state: State<'_, AppState>,
    query: Partial<TicketQuery>,
) -> CommandResult<Page<TicketSummary>> {
    state.with(|db| tickets::list(db.conn(), &query, Utc::now()))
}

/// How many tickets each queue holds (the sidebar).
#[tauri::command(async)]
pub fn ticket_counts(state: State<'_, AppState>) -> CommandResult<QueueCounts> {
    state.with(|db| tickets::counts(db.conn(), Utc::now()))
}

#[tauri::command(async)]
pub fn ticket_get(state: State<'_, AppState>, id: String) -> CommandResult<Ticket> {
    state.with(|db| tickets::get(db.conn(), &id, Utc::now()))
}

#[tauri::command(async)]
pub fn ticket_create(state: State<'_, AppState>, input: TicketInput) -> CommandResult<Ticket> {
    state.with(|db| tickets::create(db, &input))
}

#[tauri::command(async)]
pub fn ticket_update(
    state: State<'_, AppState>,
    id: String,
    input: TicketInput,
) -> CommandResult<Ticket> {
    state.with(|db| tickets::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn ticket_set_status(
    state: State<'_, AppState>,
    id: String,
    status: TicketStatus,
) -> CommandResult<Ticket> {
    state.with(|db| tickets::set_status(db, &id, status))
}

/// A reply, a customer's message or an internal note (optionally with a new status).
#[tauri::command(async)]
pub fn ticket_message(
    state: State<'_, AppState>,
    id: String,
    input: MessageInput,
) -> CommandResult<Ticket> {
    let ticket = state.with(|db| tickets::add_message(db, &id, &input))?;
    // A reply queued for the customer goes now, not at the mail worker's next minute.
    if ticket
        .messages
        .iter()
        .any(|m| m.mail_status == Some(rapport_core::marketing::outbox::OutboxStatus::Queued))
    {
        super::marketing::start_sending(state.path());
    }
    Ok(ticket)
}

#[tauri::command(async)]
pub fn ticket_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| tickets::delete(db, &id))
}

/// Which team member "mine" means on this computer.
#[tauri::command(async)]
pub fn ticket_me_set(
    state: State<'_, AppState>,
    member_id: Option<String>,
) -> CommandResult<Option<String>> {
    state.with(|db| tickets::set_me(db, member_id.as_deref()))
}

#[tauri::command(async)]
pub fn complaints(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> CommandResult<ComplaintStats> {
    state.with(|db| tickets::complaints(db.conn(), from.as_deref(), to.as_deref()))
}

#[tauri::command(async)]
pub fn sla_policies(state: State<'_, AppState>) -> CommandResult<Vec<SlaPolicy>> {
    state.with(|db| sla::policies(db.conn()))
}

#[tauri::command(async)]
pub fn sla_policy_save(
    state: State<'_, AppState>,
    input: SlaPolicyInput,
) -> CommandResult<Vec<SlaPolicy>> {
    state.with(|db| sla::save_policy(db, &input))
}

#[tauri::command(async)]
pub fn sla_policy_remove(state: State<'_, AppState>, id: String) -> CommandResult<Vec<SlaPolicy>> {
    state.with(|db| sla::remove_policy(db, &id))
}

#[tauri::command(async)]
pub fn working_hours(state: State<'_, AppState>) -> CommandResult<WorkingHours> {
    state.with(|db| hours::working_hours(db.conn()))
}

#[tauri::command(async)]
pub fn working_hours_set(
    state: State<'_, AppState>,
    hours: WorkingHours,
) -> CommandResult<WorkingHours> {
    state.with(|db| hours::set_working_hours(db, &hours))
}

#[tauri::command(async)]
pub fn holidays(state: State<'_, AppState>) -> CommandResult<Vec<Holiday>> {
    state.with(|db| hours::holidays(db.conn()))
}

#[tauri::command(async)]
pub fn holiday_add(
    state: State<'_, AppState>,
    day: String,
    name: String,
) -> CommandResult<Vec<Holiday>> {
    state.with(|db| hours::add_holiday(db, &day, &name))
}

#[tauri::command(async)]
pub fn holiday_remove(state: State<'_, AppState>, day: String) -> CommandResult<Vec<Holiday>> {
    state.with(|db| hours::remove_holiday(db, &day))
}

#[tauri::command(async)]
pub fn agreements_list(
    state: State<'_, AppState>,
    account_id: Option<String>,
) -> CommandResult<Vec<Agreement>> {
    state.with(|db| agreements::list(db.conn(), account_id.as_deref()))
}

#[tauri::command(async)]
pub fn agreement_create(
    state: State<'_, AppState>,
    input: AgreementInput,
) -> CommandResult<Agreement> {
    state.with(|db| agreements::create(db, &input))
}

#[tauri::command(async)]
pub fn agreement_update(
    state: State<'_, AppState>,
    id: String,
    input: AgreementInput,
) -> CommandResult<Agreement> {
    state.with(|db| agreements::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn agreement_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| agreements::delete(db, &id))
}

/// The delivery log: newest due date first.
#[tauri::command(async)]
pub fn agreement_occurrences(
    state: State<'_, AppState>,
    agreement_id: Option<String>,
) -> CommandResult<Vec<Occurrence>> {
    state.with(|db| agreements::occurrences(db.conn(), agreement_id.as_deref()))
}

/// Logs an occurrence as delivered or skipped (a skip needs a note).
#[tauri::command(async)]
pub fn occurrence_settle(
    state: State<'_, AppState>,
    id: String,
    status: OccurrenceStatus,
    note: Option<String>,
) -> CommandResult<Occurrence> {
    state.with(|db| agreements::settle(db, &id, status, note.as_deref()))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/service.rs"));
