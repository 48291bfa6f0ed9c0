//! The state every command reaches: the open database (or why it could not be opened).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rapport_core::Db;
use tauri::{Manager, Runtime, plugin::TauriPlugin};

use crate::error::{CommandError, CommandResult};

#[derive(Debug)]
pub struct AppState {
    path: PathBuf,
    db: Result<Mutex<Db>, CommandError>,
}

impl AppState {
    /// Opens the database; a failure is kept and shown by the UI instead of crashing.
    pub fn open(path: PathBuf) -> AppState {
        let db = Db::open(&path)
            .map(|db| Mutex::new(db.with_origin("app")))
            .map_err(CommandError::from);
        AppState { path, db }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Runs `f` with the database, mapping the core error to the UI's shape.
    pub fn with<T>(&self, f: impl FnOnce(&mut Db) -> rapport_core::Result<T>) -> CommandResult<T> {
        let lock = self.db.as_ref().map_err(Clone::clone)?;
        let mut db = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut db).map_err(CommandError::from)
    }

    /// Takes an automatic backup when due and prunes old ones; a file that did not open has
    /// nothing to back up. It reads through a connection of its own (WAL lets it run beside
    /// writes), so the window's commands never wait for a backup of a large file.
    pub fn auto_backup(&self, reason: rapport_core::backup::AutoReason) -> CommandResult<()> {
        if let Err(e) = &self.db {
            return Err(e.clone());
        }
        Db::open(&self.path)
            .and_then(|db| rapport_core::backup::auto(&db, reason, chrono::Utc::now()))
            .map(|_| ())
            .map_err(CommandError::from)
    }

    pub fn open_error(&self) -> Option<&CommandError> {
        self.db.as_ref().err()
    }
}

/// `--db PATH` (or `--db=PATH`) among the launch arguments; other arguments are ignored, since
/// desktop launchers and the WebDriver harness may add their own.
pub fn db_path_from_args(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args;
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--db=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// One window per database file: a second launch on the same file focuses the first window.
/// Linux signals the first instance over the D-Bus session bus; without one (a bare X server
/// in tests) there is nothing to coordinate through, so the check is skipped.
pub fn single_instance<R: Runtime>(db_path: &Path) -> Option<TauriPlugin<R>> {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists());
    if !bus && cfg!(target_os = "linux") {
        return None;
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(db_path)
        .unwrap_or_else(|_| db_path.to_owned())
        .hash(&mut hasher);
    let id = format!("app.rapport.desktop.db{:016x}", hasher.finish());
    Some(
        tauri_plugin_single_instance::Builder::new()
            .dbus_id(id)
            .callback(|app, _args, _cwd| {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            })
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Option<PathBuf> {
        db_path_from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn the_database_can_be_chosen_on_the_command_line() {
        assert_eq!(
            parse(&["--db", "/tmp/a.db"]),
            Some(PathBuf::from("/tmp/a.db"))
        );
        assert_eq!(
            parse(&["--automation", "--db=/tmp/b.db"]),
            Some(PathBuf::from("/tmp/b.db"))
        );
        assert_eq!(parse(&["--automation"]), None);
        assert_eq!(parse(&["--db"]), None);
    }
}
