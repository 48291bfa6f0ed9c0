//! Data in and out: imports (with progress and cancel), exports, backups.

use rapport_core::data::archive::{self, ArchiveReport};
use rapport_core::data::backup::{self, BackupFile, BackupReport};
use rapport_core::data::export::{self, CsvReport, ExportEntity};
use rapport_core::data::import::{
    self, ImportEntity, ImportOptions, ImportReport, Inspection, PreviewRow,
};
use rapport_core::data::vcard::{self, VcardReport, VcardVersion};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandResult;
use crate::state::AppState;

/// Reads a file the user picked and guesses its columns, for the import screens.
#[tauri::command(async)]
pub fn import_inspect(
    state: State<'_, AppState>,
    path: String,
    entity: ImportEntity,
) -> CommandResult<Inspection> {
    state.with(|db| import::inspect(db.conn(), std::path::Path::new(&path), entity))
}

/// Imports a CSV or JSON file of contacts, accounts or leads.
#[tauri::command(async)]
pub fn import_file(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
) -> CommandResult<ImportReport> {
    state.importing(|db, progress| {
        let table = import::read_file(std::path::Path::new(&path))?;
        import::import(db, &table, &options, progress)
    })
}

/// The first rows of a file as the import would store them (nothing is written).
#[tauri::command(async)]
pub fn import_preview(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
) -> CommandResult<Vec<PreviewRow>> {
    state.with(|db| {
        let table = import::read_file(std::path::Path::new(&path))?;
        import::preview(db, &table, &options, 20)
    })
}

/// Writes one kind of record as CSV at `path` (picked by the user).
#[tauri::command(async)]
pub fn export_csv(
    state: State<'_, AppState>,
    entity: ExportEntity,
    path: String,
) -> CommandResult<CsvReport> {
    state.with(|db| export::csv(db.conn(), entity, std::path::Path::new(&path)))
}

/// Writes the whole database as one JSON archive at `path`.
#[tauri::command(async)]
pub fn export_archive(state: State<'_, AppState>, path: String) -> CommandResult<ArchiveReport> {
    state.with(|db| archive::export(db, std::path::Path::new(&path)))
}

/// Writes every contact as vCards at `path`.
#[tauri::command(async)]
pub fn export_vcard(
    state: State<'_, AppState>,
    path: String,
    version: VcardVersion,
) -> CommandResult<VcardReport> {
    state.with(|db| vcard::export(db.conn(), std::path::Path::new(&path), version, None))
}

/// The backups of the open file, newest first.
#[tauri::command(async)]
pub fn backups_list(state: State<'_, AppState>) -> CommandResult<Vec<BackupFile>> {
    state.with(|db| backup::list(db.path().unwrap_or(std::path::Path::new(""))))
}

/// Takes a verified backup now (into the backups folder, rotated like the automatic ones).
#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>) -> CommandResult<Option<BackupReport>> {
    state.with(|db| backup::auto(db, backup::AutoReason::Quit, chrono::Utc::now()))
}

/// Writes a verified backup to `path` (picked by the user).
#[tauri::command(async)]
pub fn backup_to(state: State<'_, AppState>, path: String) -> CommandResult<BackupReport> {
    state.with(|db| backup::backup(db, std::path::Path::new(&path)))
}

/// How far the running import got: rows done and rows in all (0, 0 before it starts).
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Polled by the window while an import runs.
#[tauri::command(async)]
pub fn import_progress(state: State<'_, AppState>) -> ImportProgress {
    let (done, total) = state.import_progress();
    ImportProgress { done, total }
}

/// Stops the running import; it writes nothing (its report says `cancelled`).
#[tauri::command(async)]
pub fn import_cancel(state: State<'_, AppState>) {
    state.import_cancel();
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/data.rs"));
