//! The mailbox (IMAP) commands: settings, password, a connection test, a sync now, and stored
//! messages. Each: state in, one core call, error mapped. The app also syncs in the
//! background (see [`sync_once`]), at start and every few minutes.

use std::sync::Mutex;

use rapport_core::activities::activity::RecordRef;
use rapport_core::data::inbox::{
    self, MailMessage, MailQuery, MailboxSettings, MailboxStatus, MailboxTest, SyncReport,
    UnmatchedAction,
};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

use super::Partial;

#[tauri::command(async)]
pub fn mailbox_status(state: State<'_, AppState>) -> CommandResult<MailboxStatus> {
    state.with(|db| rapport_mail::mailbox_status(db.conn()))
}

#[tauri::command(async)]
pub fn mailbox_save(
    state: State<'_, AppState>,
    settings: MailboxSettings,
) -> CommandResult<MailboxStatus> {
    state.with(|db| {
        inbox::save_settings(db, &settings)?;
        rapport_mail::mailbox_status(db.conn())
    })
}

/// Keeps the password in the system keyring (an empty one removes it).
#[tauri::command(async)]
pub fn mailbox_set_password(
    state: State<'_, AppState>,
    password: String,
) -> CommandResult<MailboxStatus> {
    state.with(|db| {
        rapport_mail::set_mailbox_password(db.conn(), &password)?;
        rapport_mail::mailbox_status(db.conn())
    })
}

/// Connects, logs in and lists the folders, on a connection of its own (never holding the
/// window's while waiting for the server).
#[tauri::command(async)]
pub fn mailbox_test(state: State<'_, AppState>) -> CommandResult<MailboxTest> {
    let path = state.path();
    Ok(off_runtime(move || {
        let db = rapport_core::Db::open(path)?;
        Ok(rapport_mail::ImapServer::test(db.conn()))
    })?)
}

/// Reads what is new now; waits for a sync already running.
#[tauri::command(async)]
pub fn mailbox_sync_now(state: State<'_, AppState>) -> CommandResult<SyncReport> {
    let _one_at_a_time = SYNCING.lock().unwrap_or_else(|p| p.into_inner());
    let path = state.path();
    let outcome = off_runtime(move || sync(&path));
    *PROBLEM.lock().unwrap_or_else(|p| p.into_inner()) =
        outcome.as_ref().err().map(ToString::to_string);
    Ok(outcome?)
}

/// Why the background sync's last round could not run or finish, if it could not.
#[tauri::command(async)]
pub fn mailbox_problem() -> CommandResult<Option<String>> {
    Ok(PROBLEM.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

#[tauri::command(async)]
pub fn mail_messages(
    state: State<'_, AppState>,
    query: Partial<MailQuery>,
) -> CommandResult<Vec<MailMessage>> {
    state.with(|db| inbox::messages(db.conn(), &query))
}

/// The message an e-mail activity is, whole; `None` for one typed in or sent by the outbox.
#[tauri::command(async)]
pub fn mail_message(
    state: State<'_, AppState>,
    activity_id: String,
) -> CommandResult<Option<MailMessage>> {
    state.with(|db| inbox::message(db.conn(), &activity_id))
}

/// Runs `f` on a thread of its own: the IMAP client drives its own small runtime, which
/// cannot be started from a thread of Tauri's.
fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> rapport_core::Result<T> + Send + 'static,
) -> rapport_core::Result<T> {
    std::thread::spawn(f)
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Settles an unmatched reply: its sender made a contact or a lead, or the reply ignored.
#[tauri::command(async)]
pub fn mail_resolve(
    state: State<'_, AppState>,
    activity_id: String,
    action: UnmatchedAction,
) -> CommandResult<Option<RecordRef>> {
    state.with(|db| inbox::resolve_unmatched(db, &activity_id, action))
}

/// One sync at a time, whoever starts it.
static SYNCING: Mutex<()> = Mutex::new(());

/// Why the last sync could not run or finish; `None` after one that read everything.
static PROBLEM: Mutex<Option<String>> = Mutex::new(None);

fn sync(path: &std::path::Path) -> rapport_core::Result<SyncReport> {
    let mut db = rapport_core::Db::open(path)?.with_origin("mail");
    let mut server = rapport_mail::ImapServer::open(db.conn())?;
    let report = inbox::sync(&mut db, &mut server)?;
    server.close();
    Ok(report)
}

/// A background sync, when the mailbox is set up and no sync is running; its problem (the
/// server unreachable, the laptop offline) is kept for the settings screen, and the next
/// round goes on from where this one stopped.
pub fn sync_once(path: &std::path::Path) {
    let Ok(_one_at_a_time) = SYNCING.try_lock() else {
        return;
    };
    let set = rapport_core::Db::open(path)
        .and_then(|db| inbox::settings(db.conn()))
        .is_ok_and(|s| s.is_set());
    if !set {
        return;
    }
    let outcome = sync(path).map(|report| {
        let problems: Vec<String> = report
            .folders
            .iter()
            .flat_map(|f| f.problems.iter().map(move |p| format!("{}: {p}", f.folder)))
            .collect();
        (!problems.is_empty()).then(|| problems.join("; "))
    });
    *PROBLEM.lock().unwrap_or_else(|p| p.into_inner()) = match outcome {
        Ok(problem) => problem,
        Err(e) => Some(e.to_string()),
    };
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/mailbox.rs"));
