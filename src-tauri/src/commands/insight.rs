//! Timelines and analytics: the dashboard, reports, churn.

use rapport_core::data::export::CsvReport;
use rapport_core::insight::analytics::{
    self, ChurnRisk, Dashboard, FigureRecord, Report, ScopeInput,
};
use rapport_core::insight::timeline::{TimelineFilter, TimelineItem};
use tauri::State;

use super::today;
use crate::error::CommandResult;
use crate::state::AppState;

/// A record's 360-degree timeline, newest first; `before` pages back.
#[tauri::command(async)]
pub fn timeline(
    state: State<'_, AppState>,
    entity: String,
    id: String,
    before: Option<String>,
) -> CommandResult<Vec<TimelineItem>> {
    state.with(|db| {
        rapport_core::insight::timeline::for_record(db.conn(), &entity, &id, before.as_deref(), 50)
    })
}

/// A record's timeline showing only what `filter` keeps (activity kinds, `changes`, channels).
#[tauri::command(async)]
pub fn timeline_filtered(
    state: State<'_, AppState>,
    entity: String,
    id: String,
    before: Option<String>,
    filter: TimelineFilter,
) -> CommandResult<Vec<TimelineItem>> {
    state.with(|db| {
        rapport_core::insight::timeline::for_record_filtered(
            db.conn(),
            &entity,
            &id,
            before.as_deref(),
            50,
            &filter,
        )
    })
}

/// The dashboard's figures, forecast chart and conversion by source.
#[tauri::command(async)]
pub fn analytics_dashboard(
    state: State<'_, AppState>,
    scope: ScopeInput,
) -> CommandResult<Dashboard> {
    state.with(|db| analytics::dashboard(db.conn(), &scope.resolve(today())?, today()))
}

/// The records behind one dashboard figure.
#[tauri::command(async)]
pub fn analytics_records(
    state: State<'_, AppState>,
    key: String,
    scope: ScopeInput,
) -> CommandResult<Vec<FigureRecord>> {
    state.with(|db| analytics::records(db.conn(), &key, &scope.resolve(today())?, today()))
}

#[tauri::command(async)]
pub fn analytics_report(
    state: State<'_, AppState>,
    name: String,
    scope: ScopeInput,
) -> CommandResult<Report> {
    state.with(|db| analytics::report(db.conn(), &name, &scope.resolve(today())?, today()))
}

/// Writes a report as CSV at `path`.
#[tauri::command(async)]
pub fn analytics_report_csv(
    state: State<'_, AppState>,
    name: String,
    scope: ScopeInput,
    path: String,
) -> CommandResult<CsvReport> {
    state.with(|db| {
        let report = analytics::report(db.conn(), &name, &scope.resolve(today())?, today())?;
        analytics::export_csv(&report, std::path::Path::new(&path))
    })
}

#[tauri::command(async)]
pub fn analytics_churn(state: State<'_, AppState>, top: usize) -> CommandResult<Vec<ChurnRisk>> {
    state.with(|db| analytics::churn(db.conn(), today(), top))
}

/// One account's churn risk and its reasons.
#[tauri::command(async)]
pub fn analytics_churn_of(
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<ChurnRisk> {
    state.with(|db| analytics::churn_of(db.conn(), &account_id, today()))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/insight.rs"));
