//! Pipelines and deals, the forecast, leads and call lists.

use rapport_core::data::import::calllist::{self, CallListImport, CallListReport};
use rapport_core::records::list::Page;
use rapport_core::sales::calllists::{
    self, CallInput, CallList, CallListInput, Called, Entry, EntryQuery, QueueItem,
};
use rapport_core::sales::leads::{
    self, ConversionPlan, ConvertInput, Converted, Lead, LeadColumn, LeadInput, LeadQuery,
    LeadSource, LeadStatus, LeadSummary,
};
use rapport_core::sales::opportunities::{
    self, Board, BoardQuery, Forecast, ForecastQuery, MoveInput, Moved, Opportunity,
    OpportunityInput, OpportunityQuery, OpportunitySummary, StageVisit,
};
use rapport_core::sales::pipelines::{self, LostReason, Pipeline, StageInput};
use tauri::State;

use super::{Partial, local_zone};
use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command(async)]
pub fn pipelines_list(state: State<'_, AppState>) -> CommandResult<Vec<Pipeline>> {
    state.with(|db| pipelines::list(db.conn()))
}

#[tauri::command(async)]
pub fn pipeline_create(state: State<'_, AppState>, name: String) -> CommandResult<Pipeline> {
    state.with(|db| pipelines::create(db, &name))
}

#[tauri::command(async)]
pub fn stage_add(
    state: State<'_, AppState>,
    pipeline_id: String,
    input: StageInput,
    position: Option<usize>,
) -> CommandResult<Pipeline> {
    state.with(|db| pipelines::add_stage(db, &pipeline_id, &input, position))
}

#[tauri::command(async)]
pub fn stage_update(
    state: State<'_, AppState>,
    stage_id: String,
    input: StageInput,
) -> CommandResult<Pipeline> {
    state.with(|db| pipelines::update_stage(db, &stage_id, &input))
}

#[tauri::command(async)]
pub fn stages_reorder(
    state: State<'_, AppState>,
    pipeline_id: String,
    order: Vec<String>,
) -> CommandResult<Pipeline> {
    state.with(|db| pipelines::reorder_stages(db, &pipeline_id, &order))
}

/// Removes a stage; its deals go to `move_to` first (refused without it when it holds deals).
#[tauri::command(async)]
pub fn stage_remove(
    state: State<'_, AppState>,
    stage_id: String,
    move_to: Option<String>,
) -> CommandResult<Pipeline> {
    state.with(|db| pipelines::remove_stage(db, &stage_id, move_to.as_deref()))
}

#[tauri::command(async)]
pub fn lost_reasons(state: State<'_, AppState>) -> CommandResult<Vec<LostReason>> {
    state.with(|db| pipelines::lost_reasons(db.conn()))
}

#[tauri::command(async)]
pub fn lost_reason_add(state: State<'_, AppState>, name: String) -> CommandResult<LostReason> {
    state.with(|db| pipelines::add_lost_reason(db, &name))
}

#[tauri::command(async)]
pub fn deals_board(state: State<'_, AppState>, query: Partial<BoardQuery>) -> CommandResult<Board> {
    state.with(|db| opportunities::board(db.conn(), &query, chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn deals_list(
    state: State<'_, AppState>,
    query: Partial<OpportunityQuery>,
) -> CommandResult<Page<OpportunitySummary>> {
    state.with(|db| opportunities::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn deal_get(state: State<'_, AppState>, id: String) -> CommandResult<Opportunity> {
    state.with(|db| opportunities::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn deal_create(
    state: State<'_, AppState>,
    input: OpportunityInput,
) -> CommandResult<Opportunity> {
    state.with(|db| opportunities::create(db, &input))
}

#[tauri::command(async)]
pub fn deal_update(
    state: State<'_, AppState>,
    id: String,
    input: OpportunityInput,
) -> CommandResult<Opportunity> {
    state.with(|db| opportunities::update(db, &id, &input))
}

/// Moves a deal to another stage (a drop on the board).
#[tauri::command(async)]
pub fn deal_move(state: State<'_, AppState>, id: String, input: MoveInput) -> CommandResult<Moved> {
    state.with(|db| opportunities::move_to(db, &id, &input))
}

#[tauri::command(async)]
pub fn deal_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| opportunities::delete(db, &id))
}

#[tauri::command(async)]
pub fn deal_history(state: State<'_, AppState>, id: String) -> CommandResult<Vec<StageVisit>> {
    state.with(|db| opportunities::stage_history(db.conn(), &id))
}

#[tauri::command(async)]
pub fn forecast(
    state: State<'_, AppState>,
    query: Partial<ForecastQuery>,
) -> CommandResult<Forecast> {
    state.with(|db| {
        let today = rapport_core::kernel::time::local_date(local_zone(), chrono::Utc::now());
        opportunities::forecast(db.conn(), &query, today)
    })
}

#[tauri::command(async)]
pub fn leads_list(
    state: State<'_, AppState>,
    query: Partial<LeadQuery>,
) -> CommandResult<Page<LeadSummary>> {
    state.with(|db| leads::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn leads_board(
    state: State<'_, AppState>,
    query: Partial<LeadQuery>,
) -> CommandResult<Vec<LeadColumn>> {
    state.with(|db| leads::board(db.conn(), &query))
}

#[tauri::command(async)]
pub fn lead_get(state: State<'_, AppState>, id: String) -> CommandResult<Lead> {
    state.with(|db| leads::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn lead_create(state: State<'_, AppState>, input: LeadInput) -> CommandResult<Lead> {
    state.with(|db| leads::create(db, &input))
}

#[tauri::command(async)]
pub fn lead_update(
    state: State<'_, AppState>,
    id: String,
    input: LeadInput,
) -> CommandResult<Lead> {
    state.with(|db| leads::update(db, &id, &input))
}

/// Moves a lead to another status (a drop on the leads board).
#[tauri::command(async)]
pub fn lead_set_status(
    state: State<'_, AppState>,
    id: String,
    status: LeadStatus,
) -> CommandResult<Lead> {
    state.with(|db| leads::set_status(db, &id, status))
}

#[tauri::command(async)]
pub fn lead_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| leads::delete(db, &id))
}

#[tauri::command(async)]
pub fn lead_sources(state: State<'_, AppState>) -> CommandResult<Vec<LeadSource>> {
    state.with(|db| leads::sources(db.conn()))
}

#[tauri::command(async)]
pub fn lead_source_add(state: State<'_, AppState>, name: String) -> CommandResult<Vec<LeadSource>> {
    state.with(|db| leads::add_source(db, &name))
}

#[tauri::command(async)]
pub fn lead_source_remove(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<Vec<LeadSource>> {
    state.with(|db| leads::remove_source(db, &name))
}

/// What converting the lead would do, with the existing accounts and contacts it matches.
#[tauri::command(async)]
pub fn lead_conversion_plan(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<ConversionPlan> {
    state.with(|db| leads::plan_conversion(db.conn(), &id))
}

#[tauri::command(async)]
pub fn lead_convert(
    state: State<'_, AppState>,
    id: String,
    input: ConvertInput,
) -> CommandResult<Converted> {
    state.with(|db| leads::convert(db, &id, &input))
}

#[tauri::command(async)]
pub fn call_lists(state: State<'_, AppState>) -> CommandResult<Vec<CallList>> {
    state.with(|db| calllists::lists(db.conn(), chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn call_list_get(state: State<'_, AppState>, key: String) -> CommandResult<CallList> {
    state.with(|db| calllists::get(db.conn(), &key, chrono::Utc::now()))
}

/// Imports the CSV file at `path` as a new call list.
#[tauri::command(async)]
pub fn call_list_import(
    state: State<'_, AppState>,
    path: String,
    options: CallListImport,
) -> CommandResult<CallListReport> {
    state.importing(|db, progress| {
        calllist::import_file(db, std::path::Path::new(&path), &options, progress)
    })
}

#[tauri::command(async)]
pub fn call_list_update(
    state: State<'_, AppState>,
    key: String,
    input: CallListInput,
) -> CommandResult<CallList> {
    state.with(|db| calllists::update(db, &key, &input, chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn call_list_delete(state: State<'_, AppState>, key: String) -> CommandResult<()> {
    state.with(|db| calllists::delete(db, &key, chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn call_list_entries(
    state: State<'_, AppState>,
    key: String,
    query: Partial<EntryQuery>,
) -> CommandResult<Page<Entry>> {
    state.with(|db| calllists::entries(db.conn(), &key, &query))
}

/// The next person to call; `skip` holds the people passed over in this session.
#[tauri::command(async)]
pub fn call_list_next(
    state: State<'_, AppState>,
    key: String,
    skip: Vec<String>,
) -> CommandResult<Option<QueueItem>> {
    state.with(|db| calllists::next(db.conn(), &key, chrono::Utc::now(), &skip))
}

/// Records how the call to one person went.
#[tauri::command(async)]
pub fn call_list_record(
    state: State<'_, AppState>,
    entry_id: String,
    input: CallInput,
) -> CommandResult<Called> {
    state.with(|db| calllists::record(db, &entry_id, &input, local_zone()))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/sales.rs"));
