//! Activities (calls, meetings, tasks...), the agenda and calendar, reminders, the calendar export.

use rapport_core::activities::activity::{
    self, Activity, ActivityInput, ActivityQuery, Agenda, CalendarDay, CalendarEntry, Completed,
    Logged, Scope,
};
use rapport_core::activities::reminders::{self, Reminder};
use rapport_core::data::ics::{ExportReport, IcsQuery};
use tauri::State;

use super::{Partial, local_zone};
use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command(async)]
pub fn activity_get(state: State<'_, AppState>, id: String) -> CommandResult<Activity> {
    state.with(|db| activity::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn activity_list(
    state: State<'_, AppState>,
    query: Partial<ActivityQuery>,
) -> CommandResult<Vec<Activity>> {
    state.with(|db| activity::list(db.conn(), &query))
}

/// Logs an interaction and, in the same save, schedules its follow-up.
#[tauri::command(async)]
pub fn activity_log(
    state: State<'_, AppState>,
    input: ActivityInput,
    follow_up: Option<ActivityInput>,
) -> CommandResult<Logged> {
    state.with(|db| activity::log_with_follow_up(db, &input, follow_up.as_ref(), local_zone()))
}

#[tauri::command(async)]
pub fn activity_update(
    state: State<'_, AppState>,
    id: String,
    input: ActivityInput,
    scope: Scope,
) -> CommandResult<Activity> {
    state.with(|db| activity::update(db, &id, &input, scope, local_zone()))
}

#[tauri::command(async)]
pub fn activity_complete(state: State<'_, AppState>, id: String) -> CommandResult<Completed> {
    state.with(|db| activity::complete(db, &id))
}

#[tauri::command(async)]
pub fn activity_reopen(state: State<'_, AppState>, id: String) -> CommandResult<Activity> {
    state.with(|db| activity::reopen(db, &id))
}

#[tauri::command(async)]
pub fn activity_reschedule(
    state: State<'_, AppState>,
    id: String,
    starts_at: String,
    scope: Scope,
) -> CommandResult<Activity> {
    state.with(|db| activity::reschedule(db, &id, &starts_at, scope, local_zone()))
}

#[tauri::command(async)]
pub fn activity_delete(state: State<'_, AppState>, id: String, scope: Scope) -> CommandResult<()> {
    state.with(|db| activity::delete(db, &id, scope))
}

#[tauri::command(async)]
pub fn agenda(state: State<'_, AppState>, days: u32) -> CommandResult<Agenda> {
    state.with(|db| activity::agenda(db.conn(), chrono::Utc::now(), local_zone(), days))
}

/// Every item in `[from, to)` (the week and day views, a day's full list); only `owner`'s when
/// given.
#[tauri::command(async)]
pub fn calendar(
    state: State<'_, AppState>,
    from: String,
    to: String,
    owner: Option<String>,
) -> CommandResult<Vec<CalendarEntry>> {
    state.with(|db| activity::calendar(db.conn(), &from, &to, local_zone(), owner.as_deref()))
}

/// The month grid: each local day's count and its first `per_day` items; only `owner`'s when
/// given.
#[tauri::command(async)]
pub fn calendar_month(
    state: State<'_, AppState>,
    from: String,
    to: String,
    owner: Option<String>,
    per_day: u32,
) -> CommandResult<Vec<CalendarDay>> {
    state.with(|db| {
        activity::calendar_month(
            db.conn(),
            &from,
            &to,
            local_zone(),
            owner.as_deref(),
            per_day,
        )
    })
}

#[tauri::command(async)]
pub fn reminders_due(state: State<'_, AppState>) -> CommandResult<Vec<Reminder>> {
    state.with(|db| reminders::due(db.conn(), chrono::Utc::now()))
}

/// Reminders that fell due since the last call (or while the app was closed), each once.
#[tauri::command(async)]
pub fn reminders_take_new(state: State<'_, AppState>) -> CommandResult<Vec<Reminder>> {
    state.with(|db| reminders::take_new(db, chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn reminder_snooze(
    state: State<'_, AppState>,
    id: String,
    until: String,
) -> CommandResult<Activity> {
    state.with(|db| reminders::snooze(db, &id, &until, local_zone()))
}

#[tauri::command(async)]
pub fn reminder_dismiss(state: State<'_, AppState>, id: String) -> CommandResult<Activity> {
    state.with(|db| reminders::dismiss(db, &id))
}

/// Writes the selected activities as an iCalendar file at `path` (picked by the user).
#[tauri::command(async)]
pub fn export_ics(
    state: State<'_, AppState>,
    query: IcsQuery,
    path: String,
) -> CommandResult<ExportReport> {
    state.with(|db| rapport_core::data::ics::export_to(db.conn(), &query, local_zone(), &path))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/activities.rs"));
