//! Rapport's desktop shell. Each command unpacks the state, calls one core function and maps
//! its error to [`CommandError`]; no domain logic lives here.

mod commands;
mod error;
mod state;
mod webview;

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
        .invoke_handler(commands::handler())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                let title = format!("Rapport — {}", app.state::<state::AppState>().file_name());
                let _ = window.set_title(&title);
                webview::lean(&window);
            }
            // The day's automatic backup, off the main thread so the window opens at once.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let state = handle.state::<state::AppState>();
                // A file from an earlier version is updated first (the window says so).
                state.finish_opening();
                yield_to_the_window();
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
            // outbox is sent, at start and every minute, on a connection of its own; the
            // mailbox is read at start and every five minutes.
            let mail = app.handle().clone();
            std::thread::spawn(move || {
                yield_to_the_window();
                while mail.state::<state::AppState>().is_updating() {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
                for minute in 0_u64.. {
                    let path = mail.state::<state::AppState>().path();
                    if minute % 5 == 0 {
                        commands::mailbox::sync_once(&path);
                    }
                    commands::marketing::work_once(&path);
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

/// Lowers this thread's priority (and that of the threads it starts, such as the backup's
/// compression): the file's health check at start reads the whole file, and the mail worker
/// goes through the outbox; on a two-core laptop they otherwise compete with drawing the
/// first screen. They still run at once, on what the window leaves free.
fn yield_to_the_window() {
    #[cfg(target_os = "linux")]
    {
        // Niceness 10 of 19; failing leaves the thread as it was.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
    }
}
