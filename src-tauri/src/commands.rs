//! The commands the UI calls. Each: state in, one core call, error mapped.

use chrono::Utc;
use rapport_core::activities::activity::{
    self, Activity, ActivityInput, ActivityQuery, Agenda, CalendarEntry, Completed, Logged, Scope,
};
use rapport_core::activities::reminders::{self, Reminder};
use rapport_core::data::archive::{self, ArchiveReport};
use rapport_core::data::backup::{self, BackupFile, BackupReport};
use rapport_core::data::bulk::{self, BulkAction, BulkResult};
use rapport_core::data::export::{self, CsvReport, ExportEntity};
use rapport_core::data::ics::{ExportReport, IcsQuery};
use rapport_core::data::import::{
    self, ImportEntity, ImportOptions, ImportReport, Inspection, PreviewRow,
};
use rapport_core::data::vcard::{self, VcardReport, VcardVersion};
use rapport_core::insight::analytics::{
    self, ChurnRisk, Dashboard, FigureRecord, Report, ScopeInput,
};
use rapport_core::insight::timeline::{TimelineFilter, TimelineItem};
use rapport_core::people::accounts::{self, Account, AccountInput, AccountQuery, AccountSummary};
use rapport_core::people::contacts::{
    self, Contact, ContactInput, ContactQuery, ContactSummary, MergeChoices, MergeResult,
};
use rapport_core::people::duplicates::{self, DuplicateGroup, DuplicateMatch};
use rapport_core::records::fields::{self, CustomField, CustomFieldInput};
use rapport_core::records::list::Page;
use rapport_core::records::team::{self, TeamMember, TeamMemberInput};
use rapport_core::records::views::{self, SavedView};
use rapport_core::sales::calllists::{
    self, CallInput, CallList, CallListImport, CallListInput, CallListReport, Called, Entry,
    EntryQuery, QueueItem,
};
use rapport_core::sales::documents::{
    self, AccountMoney, CompanyProfile, Document, DocumentKind, DocumentQuery, DocumentStatus,
    DocumentSummary, Numbering, PartInput, PaymentInput, QuoteInput,
};
use rapport_core::sales::leads::{
    self, ConversionPlan, ConvertInput, Converted, Lead, LeadColumn, LeadInput, LeadQuery,
    LeadSource, LeadStatus, LeadSummary,
};
use rapport_core::sales::opportunities::{
    self, Board, BoardQuery, Forecast, ForecastQuery, MoveInput, Moved, Opportunity,
    OpportunityInput, OpportunityQuery, OpportunitySummary, StageVisit,
};
use rapport_core::sales::pdf::{self, PdfReport};
use rapport_core::sales::pipelines::{self, LostReason, Pipeline, StageInput};
use rapport_core::sales::products::{self, Product, ProductInput};
use rapport_core::service::agreements::{
    self, Agreement, AgreementInput, Occurrence, OccurrenceStatus,
};
use rapport_core::service::hours::{self, Holiday, WorkingHours};
use rapport_core::service::sla::{self, SlaPolicy, SlaPolicyInput};
use rapport_core::service::tickets::{
    self, ComplaintStats, MessageInput, QueueCounts, Ticket, TicketInput, TicketQuery,
    TicketStatus, TicketSummary,
};
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
    state.with(|db| rapport_core::store::changelog::undo(db, &batch))
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
    state.with(|db| rapport_core::records::tags::all(db.conn()))
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
        rapport_core::insight::timeline::for_record(db.conn(), &entity, &id, before.as_deref(), 50)
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

#[tauri::command(async)]
pub fn activity_get(state: State<'_, AppState>, id: String) -> CommandResult<Activity> {
    state.with(|db| activity::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn activity_list(
    state: State<'_, AppState>,
    query: ActivityQuery,
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

#[tauri::command(async)]
pub fn calendar(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> CommandResult<Vec<CalendarEntry>> {
    state.with(|db| activity::calendar(db.conn(), &from, &to, local_zone()))
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

fn local_zone() -> chrono_tz::Tz {
    rapport_core::kernel::time::local_zone()
}

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
pub fn deals_board(state: State<'_, AppState>, query: BoardQuery) -> CommandResult<Board> {
    state.with(|db| opportunities::board(db.conn(), &query, chrono::Utc::now()))
}

#[tauri::command(async)]
pub fn deals_list(
    state: State<'_, AppState>,
    query: OpportunityQuery,
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
pub fn forecast(state: State<'_, AppState>, query: ForecastQuery) -> CommandResult<Forecast> {
    state.with(|db| {
        let today = rapport_core::kernel::time::local_date(local_zone(), chrono::Utc::now());
        opportunities::forecast(db.conn(), &query, today)
    })
}

fn today() -> chrono::NaiveDate {
    rapport_core::kernel::time::local_date(local_zone(), Utc::now())
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

#[tauri::command(async)]
pub fn leads_list(
    state: State<'_, AppState>,
    query: LeadQuery,
) -> CommandResult<Page<LeadSummary>> {
    state.with(|db| leads::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn leads_board(state: State<'_, AppState>, query: LeadQuery) -> CommandResult<Vec<LeadColumn>> {
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
        calllists::import_file(db, std::path::Path::new(&path), &options, progress)
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
    query: EntryQuery,
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

// ---------------------------------------------------------------------------------------------
// Service: tickets, SLA, working hours, agreements

/// Tickets of a queue (default: open), with their SLA figures now.
#[tauri::command(async)]
pub fn tickets_list(
    state: State<'_, AppState>,
    query: TicketQuery,
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
    state.with(|db| tickets::add_message(db, &id, &input))
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

// ---------------------------------------------------------------------------------------------
// Sales documents: products, quotes, orders, invoices, payments

/// The catalogue, by name.
#[tauri::command(async)]
pub fn products_list(
    state: State<'_, AppState>,
    search: Option<String>,
    include_inactive: bool,
) -> CommandResult<Vec<Product>> {
    state.with(|db| products::list(db.conn(), search.as_deref(), include_inactive))
}

#[tauri::command(async)]
pub fn product_get(state: State<'_, AppState>, id: String) -> CommandResult<Product> {
    state.with(|db| products::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn product_create(state: State<'_, AppState>, input: ProductInput) -> CommandResult<Product> {
    state.with(|db| products::create(db, &input))
}

#[tauri::command(async)]
pub fn product_update(
    state: State<'_, AppState>,
    id: String,
    input: ProductInput,
) -> CommandResult<Product> {
    state.with(|db| products::update(db, &id, &input))
}

/// Quotes, orders, invoices and credit notes, newest first.
#[tauri::command(async)]
pub fn documents_list(
    state: State<'_, AppState>,
    query: DocumentQuery,
) -> CommandResult<Vec<DocumentSummary>> {
    state.with(|db| documents::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn document_get(state: State<'_, AppState>, id: String) -> CommandResult<Document> {
    state.with(|db| documents::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn quote_create(state: State<'_, AppState>, input: QuoteInput) -> CommandResult<Document> {
    state.with(|db| documents::create_quote(db, &input))
}

/// Saves a draft quote.
#[tauri::command(async)]
pub fn quote_update(
    state: State<'_, AppState>,
    id: String,
    input: QuoteInput,
) -> CommandResult<Document> {
    state.with(|db| documents::update_quote(db, &id, &input))
}

/// A new version of a sent quote; the old one is kept.
#[tauri::command(async)]
pub fn quote_revise(
    state: State<'_, AppState>,
    id: String,
    input: QuoteInput,
) -> CommandResult<Document> {
    state.with(|db| documents::revise_quote(db, &id, &input))
}

#[tauri::command(async)]
pub fn quote_set_status(
    state: State<'_, AppState>,
    id: String,
    status: DocumentStatus,
) -> CommandResult<Document> {
    state.with(|db| documents::set_quote_status(db, &id, status))
}

#[tauri::command(async)]
pub fn order_from_quote(state: State<'_, AppState>, quote_id: String) -> CommandResult<Document> {
    state.with(|db| documents::order_from_quote(db, &quote_id))
}

/// A draft invoice for all that is not yet invoiced, or for the given parts.
#[tauri::command(async)]
pub fn invoice_from_order(
    state: State<'_, AppState>,
    order_id: String,
    parts: Option<Vec<PartInput>>,
) -> CommandResult<Document> {
    state.with(|db| documents::invoice_from_order(db, &order_id, parts.as_deref()))
}

#[tauri::command(async)]
pub fn invoice_issue(
    state: State<'_, AppState>,
    id: String,
    issued_on: Option<String>,
    terms_days: Option<i64>,
) -> CommandResult<Document> {
    state.with(|db| documents::issue_invoice(db, &id, issued_on.as_deref(), terms_days))
}

#[tauri::command(async)]
pub fn payment_record(
    state: State<'_, AppState>,
    invoice_id: String,
    input: PaymentInput,
) -> CommandResult<Document> {
    state.with(|db| documents::record_payment(db, &invoice_id, &input))
}

#[tauri::command(async)]
pub fn credit_note_create(
    state: State<'_, AppState>,
    invoice_id: String,
    parts: Option<Vec<PartInput>>,
    notes: Option<String>,
) -> CommandResult<Document> {
    state.with(|db| documents::credit_note(db, &invoice_id, parts.as_deref(), notes.as_deref()))
}

/// Voids an issued invoice (its number stays used) or deletes a draft.
#[tauri::command(async)]
pub fn invoice_void(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| documents::void_invoice(db, &id))
}

#[tauri::command(async)]
pub fn account_money(
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<Vec<AccountMoney>> {
    state.with(|db| documents::account_money(db.conn(), &account_id))
}

#[tauri::command(async)]
pub fn sequences(state: State<'_, AppState>) -> CommandResult<Vec<Numbering>> {
    state.with(|db| documents::numberings(db.conn()))
}

#[tauri::command(async)]
pub fn sequence_set(
    state: State<'_, AppState>,
    kind: DocumentKind,
    prefix: Option<String>,
    yearly: Option<bool>,
    next: Option<i64>,
) -> CommandResult<Vec<Numbering>> {
    state.with(|db| documents::set_numbering(db, kind, prefix.as_deref(), yearly, next))
}

#[tauri::command(async)]
pub fn company_profile(state: State<'_, AppState>) -> CommandResult<CompanyProfile> {
    state.with(|db| documents::company(db.conn()))
}

#[tauri::command(async)]
pub fn company_profile_set(
    state: State<'_, AppState>,
    profile: CompanyProfile,
) -> CommandResult<CompanyProfile> {
    state.with(|db| documents::set_company(db, &profile))
}

/// Writes the quote, invoice or credit note as a PDF file.
#[tauri::command(async)]
pub fn document_pdf(
    state: State<'_, AppState>,
    id: String,
    path: String,
) -> CommandResult<PdfReport> {
    state.with(|db| pdf::write(db.conn(), &id, std::path::Path::new(&path)))
}
