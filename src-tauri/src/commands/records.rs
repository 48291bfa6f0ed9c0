//! What every record shares: the team that owns records, tags, custom fields, saved views, bulk actions.

use rapport_core::data::bulk::{self, BulkAction, BulkResult};
use rapport_core::records::fields::{self, CustomField, CustomFieldInput};
use rapport_core::records::team::{self, TeamMember, TeamMemberInput};
use rapport_core::records::views::{self, SavedView};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command(async)]
pub fn team_list(state: State<'_, AppState>) -> CommandResult<Vec<TeamMember>> {
    state.with(|db| team::list(db.conn()))
}

/// The team member the person at this computer is ("Mine"), if someone said so.
#[tauri::command(async)]
pub fn team_me(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    state.with(|db| team::me(db.conn()))
}

#[tauri::command(async)]
pub fn team_create(
    state: State<'_, AppState>,
    input: TeamMemberInput,
) -> CommandResult<TeamMember> {
    state.with(|db| team::create(db, &input))
}

#[tauri::command(async)]
pub fn tags_all(state: State<'_, AppState>) -> CommandResult<Vec<String>> {
    state.with(|db| rapport_core::records::tags::all(db.conn()))
}

#[tauri::command(async)]
pub fn fields_list(state: State<'_, AppState>, entity: String) -> CommandResult<Vec<CustomField>> {
    state.with(|db| fields::list(db.conn(), &entity))
}

#[tauri::command(async)]
pub fn fields_define(
    state: State<'_, AppState>,
    input: CustomFieldInput,
) -> CommandResult<CustomField> {
    state.with(|db| fields::define(db, &input))
}

#[tauri::command(async)]
pub fn fields_update(
    state: State<'_, AppState>,
    id: String,
    label: String,
    options: Vec<String>,
) -> CommandResult<CustomField> {
    state.with(|db| fields::update(db, &id, &label, &options))
}

#[tauri::command(async)]
pub fn fields_archive(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| fields::archive(db, &id))
}

#[tauri::command(async)]
pub fn bulk_apply(
    state: State<'_, AppState>,
    entity: String,
    ids: Vec<String>,
    action: BulkAction,
) -> CommandResult<BulkResult> {
    state.with(|db| bulk::apply(db, &entity, &ids, &action))
}

#[tauri::command(async)]
pub fn views_list(state: State<'_, AppState>, entity: String) -> CommandResult<Vec<SavedView>> {
    state.with(|db| views::list(db.conn(), &entity))
}

#[tauri::command(async)]
pub fn views_save(
    state: State<'_, AppState>,
    entity: String,
    name: String,
    definition: serde_json::Value,
) -> CommandResult<SavedView> {
    state.with(|db| views::save(db, &entity, &name, &definition))
}

#[tauri::command(async)]
pub fn views_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| views::delete(db, &id))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/records.rs"));
