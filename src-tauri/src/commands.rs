//! The commands the UI calls. Each: state in, one core call, error mapped.

use rapport_core::accounts::{self, Account, AccountInput, AccountQuery, AccountSummary};
use rapport_core::bulk::{self, BulkAction, BulkResult};
use rapport_core::contacts::{
    self, Contact, ContactInput, ContactQuery, ContactSummary, MergeChoices, MergeResult,
};
use rapport_core::duplicates::{self, DuplicateGroup, DuplicateMatch};
use rapport_core::fields::{self, CustomField, CustomFieldInput};
use rapport_core::list::Page;
use rapport_core::search::{self as global_search, SearchGroup};
use rapport_core::team::{self, TeamMember, TeamMemberInput};
use rapport_core::timeline::TimelineItem;
use rapport_core::views::{self, SavedView};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// What the window shows in its title and status line, and whether the file opened.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub db_path: String,
    pub version: String,
    /// Why the database could not be opened; every other command fails with the same error.
    pub open_error: Option<CommandError>,
}

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    AppStatus {
        db_path: state.path().display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        open_error: state.open_error().cloned(),
    }
}

#[tauri::command(async)]
pub fn accounts_list(
    state: State<'_, AppState>,
    query: AccountQuery,
) -> CommandResult<Page<AccountSummary>> {
    state.with(|db| accounts::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn accounts_get(state: State<'_, AppState>, id: String) -> CommandResult<Account> {
    state.with(|db| accounts::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn accounts_create(state: State<'_, AppState>, input: AccountInput) -> CommandResult<Account> {
    state.with(|db| accounts::create(db, &input))
}

#[tauri::command(async)]
pub fn accounts_update(
    state: State<'_, AppState>,
    id: String,
    input: AccountInput,
) -> CommandResult<Account> {
    state.with(|db| accounts::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn accounts_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| accounts::delete(db, &id))
}

#[tauri::command(async)]
pub fn contacts_list(
    state: State<'_, AppState>,
    query: ContactQuery,
) -> CommandResult<Page<ContactSummary>> {
    state.with(|db| contacts::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn contacts_get(state: State<'_, AppState>, id: String) -> CommandResult<Contact> {
    state.with(|db| contacts::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn contacts_create(state: State<'_, AppState>, input: ContactInput) -> CommandResult<Contact> {
    state.with(|db| contacts::create(db, &input))
}

#[tauri::command(async)]
pub fn contacts_update(
    state: State<'_, AppState>,
    id: String,
    input: ContactInput,
) -> CommandResult<Contact> {
    state.with(|db| contacts::update(db, &id, &input))
}

#[tauri::command(async)]
pub fn contacts_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| contacts::delete(db, &id))
}

#[tauri::command(async)]
pub fn contacts_likely_duplicates(
    state: State<'_, AppState>,
    input: ContactInput,
    except: Option<String>,
) -> CommandResult<Vec<DuplicateMatch>> {
    state.with(|db| duplicates::likely_contacts(db.conn(), &input, except.as_deref()))
}

#[tauri::command(async)]
pub fn contacts_merge(
    state: State<'_, AppState>,
    survivor: String,
    other: String,
    choices: MergeChoices,
) -> CommandResult<MergeResult> {
    state.with(|db| contacts::merge(db, &survivor, &other, &choices))
}

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, query: String) -> CommandResult<Vec<SearchGroup>> {
    state.with(|db| global_search::search(db.conn(), &query, 6))
}

#[tauri::command(async)]
pub fn duplicates_scan(state: State<'_, AppState>) -> CommandResult<Vec<DuplicateGroup>> {
    state.with(|db| duplicates::scan(db.conn()))
}

/// Reverses an earlier action by its batch id; returns the undo's own batch id.
#[tauri::command(async)]
pub fn undo(state: State<'_, AppState>, batch: String) -> CommandResult<String> {
    state.with(|db| rapport_core::changelog::undo(db, &batch))
}

#[tauri::command(async)]
pub fn team_list(state: State<'_, AppState>) -> CommandResult<Vec<TeamMember>> {
    state.with(|db| team::list(db.conn()))
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
    state.with(|db| rapport_core::tags::all(db.conn()))
}

/// A record's 360-degree timeline, newest first; `before` pages back.
#[tauri::command(async)]
pub fn timeline(
    state: State<'_, AppState>,
    entity: String,
    id: String,
    before: Option<String>,
) -> CommandResult<Vec<TimelineItem>> {
    state.with(|db| {
        rapport_core::timeline::for_record(db.conn(), &entity, &id, before.as_deref(), 50)
    })
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
