//! Accounts and contacts, and finding and merging duplicates.

use rapport_core::people::accounts::{
    self, Account, AccountInput, AccountMergeResult, AccountQuery, AccountSummary,
};
use rapport_core::people::contacts::{
    self, Contact, ContactInput, ContactQuery, ContactSummary, MergeChoices, MergeResult,
};
use rapport_core::people::duplicates::{self, DuplicateGroup, DuplicateMatch};
use rapport_core::records::list::Page;
use tauri::State;

use super::Partial;
use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command(async)]
pub fn accounts_list(
    state: State<'_, AppState>,
    query: Partial<AccountQuery>,
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
pub fn accounts_merge(
    state: State<'_, AppState>,
    survivor: String,
    other: String,
    choices: MergeChoices,
) -> CommandResult<AccountMergeResult> {
    state.with(|db| accounts::merge(db, &survivor, &other, &choices))
}

#[tauri::command(async)]
pub fn contacts_list(
    state: State<'_, AppState>,
    query: Partial<ContactQuery>,
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
pub fn duplicates_scan(state: State<'_, AppState>) -> CommandResult<Vec<DuplicateGroup>> {
    state.with(|db| duplicates::scan(db.conn()))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/people.rs"));
