//! Rapport's desktop shell. Each command unpacks the state, calls one core function and maps
//! its error to [`CommandError`]; no domain logic lives here.

mod commands;
mod error;
mod marketing;
mod state;

use rapport_core::data::backup::AutoReason;
use tauri::Manager;

pub use error::CommandError;

pub fn run() {
    // --db, else $RAPPORT_DB, else the file opened last in the app, else the default file.
    let db_path = state::db_path_from_args(std::env::args().skip(1))
        .or_else(|| {
            std::env::var_os(rapport_core::kernel::paths::DB_ENV)
                .filter(|p| !p.is_empty())
                .map(std::path::PathBuf::from)
        })
        .or_else(rapport_core::kernel::paths::last_opened)
        .unwrap_or_else(rapport_core::kernel::paths::default_db_path);
    let state = state::AppState::open(db_path.clone());

    let mut builder = tauri::Builder::default();
    if let Some(plugin) = state::single_instance(&db_path) {
        builder = builder.plugin(plugin);
    }
    builder
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::accounts_list,
            commands::accounts_get,
            commands::accounts_create,
            commands::accounts_update,
            commands::accounts_delete,
            commands::contacts_list,
            commands::contacts_get,
            commands::contacts_create,
            commands::contacts_update,
            commands::contacts_delete,
            commands::contacts_likely_duplicates,
            commands::contacts_merge,
            commands::search,
            commands::duplicates_scan,
            commands::undo,
            commands::team_list,
            commands::team_create,
            commands::tags_all,
            commands::timeline,
            commands::fields_list,
            commands::fields_define,
            commands::fields_update,
            commands::fields_archive,
            commands::bulk_apply,
            commands::views_list,
            commands::views_save,
            commands::views_delete,
            commands::timeline_filtered,
            commands::activity_get,
            commands::activity_list,
            commands::activity_log,
            commands::activity_update,
            commands::activity_complete,
            commands::activity_reopen,
            commands::activity_reschedule,
            commands::activity_delete,
            commands::agenda,
            commands::calendar,
            commands::reminders_due,
            commands::reminders_take_new,
            commands::reminder_snooze,
            commands::reminder_dismiss,
            commands::export_ics,
            commands::pipelines_list,
            commands::pipeline_create,
            commands::stage_add,
            commands::stage_update,
            commands::stages_reorder,
            commands::stage_remove,
            commands::lost_reasons,
            commands::lost_reason_add,
            commands::deals_board,
            commands::deals_list,
            commands::deal_get,
            commands::deal_create,
            commands::deal_update,
            commands::deal_move,
            commands::deal_delete,
            commands::deal_history,
            commands::tickets_list,
            commands::ticket_counts,
            commands::ticket_get,
            commands::ticket_create,
            commands::ticket_update,
            commands::ticket_set_status,
            commands::ticket_message,
            commands::ticket_delete,
            commands::ticket_me_set,
            commands::complaints,
            commands::sla_policies,
            commands::sla_policy_save,
            commands::sla_policy_remove,
            commands::working_hours,
            commands::working_hours_set,
            commands::holidays,
            commands::holiday_add,
            commands::holiday_remove,
            commands::agreements_list,
            commands::agreement_create,
            commands::agreement_update,
            commands::agreement_delete,
            commands::agreement_occurrences,
            commands::occurrence_settle,
            commands::products_list,
            commands::product_get,
            commands::product_create,
            commands::product_update,
            commands::documents_list,
            commands::document_get,
            commands::quote_create,
            commands::quote_update,
            commands::quote_revise,
            commands::quote_set_status,
            commands::order_from_quote,
            commands::invoice_from_order,
            commands::invoice_issue,
            commands::payment_record,
            commands::credit_note_create,
            commands::invoice_void,
            commands::account_money,
            commands::sequences,
            commands::sequence_set,
            commands::company_profile,
            commands::company_profile_set,
            commands::document_pdf,
            commands::leads_list,
            commands::leads_board,
            commands::lead_get,
            commands::lead_create,
            commands::lead_update,
            commands::lead_set_status,
            commands::lead_delete,
            commands::lead_sources,
            commands::lead_source_add,
            commands::lead_source_remove,
            commands::lead_conversion_plan,
            commands::lead_convert,
            commands::import_inspect,
            commands::import_file,
            commands::call_lists,
            commands::call_list_get,
            commands::call_list_import,
            commands::call_list_update,
            commands::call_list_delete,
            commands::call_list_entries,
            commands::call_list_next,
            commands::call_list_record,
            commands::import_preview,
            commands::export_csv,
            commands::export_archive,
            commands::export_vcard,
            commands::backups_list,
            commands::backup_now,
            commands::backup_to,
            commands::db_open,
            commands::db_new,
            commands::db_restore,
            commands::import_progress,
            commands::import_cancel,
            commands::forecast,
            commands::analytics_dashboard,
            commands::analytics_records,
            commands::analytics_report,
            commands::analytics_report_csv,
            commands::analytics_churn,
            commands::analytics_churn_of,
            marketing::campaigns_list,
            marketing::campaign_get,
            marketing::campaign_create,
            marketing::campaign_update,
            marketing::campaign_delete,
            marketing::campaign_effectiveness,
            marketing::campaign_members,
            marketing::segments_list,
            marketing::segment_get,
            marketing::segment_create,
            marketing::segment_update,
            marketing::segment_delete,
            marketing::segment_fields,
            marketing::segment_preview,
            marketing::segment_members,
            marketing::segment_export_csv,
            marketing::segment_add_members,
            marketing::segment_remove_members,
            marketing::segment_freeze,
            marketing::segment_to_campaign,
            marketing::templates_list,
            marketing::template_create,
            marketing::template_update,
            marketing::template_delete,
            marketing::template_preview,
            marketing::merge_fields,
            marketing::followups_list,
            marketing::followup_create,
            marketing::followup_update,
            marketing::followup_delete,
            marketing::followup_enrolments,
            marketing::followup_enroll,
            marketing::followup_enroll_segment,
            marketing::followup_remove,
            marketing::enrolments_of,
            marketing::record_reply,
            marketing::unsubscribe,
            marketing::promotions_list,
            marketing::promotion_get,
            marketing::promotion_preview,
            marketing::promotion_queue,
            marketing::promotion_cancel,
            marketing::outbox_list,
            marketing::outbox_counts,
            marketing::outbox_retry,
            marketing::outbox_cancel,
            marketing::outbox_send_now,
            marketing::outbox_problem,
            marketing::smtp_status,
            marketing::smtp_save,
            marketing::smtp_set_password,
        ])
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                let title = format!("Rapport — {}", app.state::<state::AppState>().file_name());
                let _ = window.set_title(&title);
            }
            // The day's automatic backup, off the main thread so the window opens at once.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let state = handle.state::<state::AppState>();
                // SQLite's quick check over the whole file; problems are shown in the window.
                state.check_health();
                let _ = state.auto_backup(AutoReason::Daily);
                // Service upkeep: agreement occurrences falling due become tasks, and SLA
                // breaches since the tickets last changed are written down.
                loop {
                    let _ = state.with(|db| {
                        let now = chrono::Utc::now();
                        rapport_core::service::agreements::generate(db, now)?;
                        rapport_core::service::tickets::record_breaches(db, now)
                    });
                    std::thread::sleep(std::time::Duration::from_secs(600));
                }
            });
            // Mail: due sequence steps are queued (days the app was closed caught up) and the
            // outbox is sent, at start and every minute, on a connection of its own.
            let mail = app.handle().clone();
            std::thread::spawn(move || {
                loop {
                    marketing::work_once(&mail.state::<state::AppState>().path());
                    std::thread::sleep(std::time::Duration::from_secs(60));
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the Rapport window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // A verified backup on quit, rotated with the others (7 daily, 4 weekly).
                let _ = app.state::<state::AppState>().auto_backup(AutoReason::Quit);
            }
        });
}
