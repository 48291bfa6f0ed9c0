//! The open file and the window: status, opening, creating and restoring a database, search across everything, undo and the history of actions.

use rapport_core::store::history::{self, Action};
use rapport_core::store::search::{self as global_search, SearchGroup};
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
    /// When it could not be opened: the newest backup that passes its check.
    pub newest_backup: Option<rapport_core::data::backup::BackupFile>,
    /// What SQLite's quick check (run in the background after start) found wrong with the
    /// open file; `null` while healthy or not yet checked.
    pub health_problem: Option<String>,
}

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    AppStatus {
        db_path: state.path().display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        open_error: state.open_error(),
        newest_backup: state.open_error().and_then(|_| {
            rapport_core::data::backup::newest_good(&state.path())
                .ok()
                .flatten()
        }),
        health_problem: state.health_problem(),
    }
}

/// A number that moves when the open file was changed outside the window (a `rapport`
/// command, a copy synced into place, mail fetched in the background); the window asks every
/// few seconds and refreshes what it shows when it moved. `null` while another program is
/// writing (ask again later).
#[tauri::command(async)]
pub fn outside_changes(state: State<'_, AppState>) -> CommandResult<Option<u32>> {
    // SQLite's counter, folded into what a JavaScript number and the bindings hold exactly.
    Ok(state
        .outside_changes()?
        .and_then(|v| u32::try_from(v.rem_euclid(1 << 32)).ok()))
}

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, query: String) -> CommandResult<Vec<SearchGroup>> {
    state.with(|db| global_search::search(db.conn(), &query, 6))
}

/// Reverses an earlier action by its batch id; returns the undo's own batch id.
#[tauri::command(async)]
pub fn undo(state: State<'_, AppState>, batch: String) -> CommandResult<String> {
    state.with(|db| rapport_core::store::changelog::undo(db, &batch))
}

/// The recent actions in plain words, newest first (`limit`, default 50); `before` (a batch
/// id) pages on to older ones.
#[tauri::command(async)]
pub fn history_list(
    state: State<'_, AppState>,
    before: Option<String>,
    limit: Option<u32>,
) -> CommandResult<Vec<Action>> {
    let limit = limit.unwrap_or(50).clamp(1, 500) as usize;
    state.with(|db| history::recent(db.conn(), before.as_deref(), limit))
}

/// What Ctrl+Z undid: the action, and the undo's own batch id.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct Undone {
    pub action: Action,
    pub batch: String,
}

/// Ctrl+Z: undoes the newest action made in this window since `since` (default: when this
/// session started) that is not an undo and not undone yet. `null` when there is none left;
/// refused (conflict) with the reason when it cannot be undone.
#[tauri::command(async)]
pub fn undo_last(
    state: State<'_, AppState>,
    since: Option<String>,
) -> CommandResult<Option<Undone>> {
    let since = since.unwrap_or_else(|| state.started().to_owned());
    state.with(|db| {
        Ok(
            history::undo_newest(db, &since, "app")?
                .map(|(action, batch)| Undone { action, batch }),
        )
    })
}

/// Works on another database file from now on (picked by the user); the window reloads.
#[tauri::command(async)]
pub fn db_open(
    window: tauri::Window,
    state: State<'_, AppState>,
    path: String,
) -> CommandResult<AppStatus> {
    state.switch_to(std::path::PathBuf::from(path))?;
    let _ = window.set_title(&format!("Rapport — {}", state.file_name()));
    Ok(app_status(state))
}

/// Creates a new, empty database file and works on it.
#[tauri::command(async)]
pub fn db_new(
    window: tauri::Window,
    state: State<'_, AppState>,
    path: String,
) -> CommandResult<AppStatus> {
    state.create(std::path::PathBuf::from(path))?;
    let _ = window.set_title(&format!("Rapport — {}", state.file_name()));
    Ok(app_status(state))
}

/// Replaces the open file with a backup, keeping the current file as a backup first.
#[tauri::command(async)]
pub fn db_restore(
    state: State<'_, AppState>,
    backup: String,
) -> CommandResult<rapport_core::data::backup::RestoreReport> {
    state.restore(std::path::Path::new(&backup))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/app.rs"));
