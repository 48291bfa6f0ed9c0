//! The state every command reaches: the open database (or why it could not be opened).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rapport_core::Db;
use tauri::{Manager, Runtime, plugin::TauriPlugin};

use crate::error::{CommandError, CommandResult};

/// The open file: where it is, and the database (or why it could not be opened).
#[derive(Debug)]
struct Open {
    path: PathBuf,
    db: Result<Db, CommandError>,
}

impl Open {
    /// A file that needs migrations is only noted here: [`AppState::finish_opening`] updates it
    /// in the background while the window says why it waits (on a big file that takes a
    /// minute, and a window that does not appear looks broken).
    fn later(path: PathBuf) -> Open {
        match rapport_core::store::db::pending_migrations(&path) {
            0 => Open::at(path),
            steps => Open {
                db: Err(CommandError::from(rapport_core::Error::Updating {
                    path: path.clone(),
                    steps,
                })),
                path,
            },
        }
    }

    fn updating(&self) -> bool {
        matches!(&self.db, Err(e) if e.code == rapport_core::ErrorCode::Updating)
    }

    fn at(path: PathBuf) -> Open {
        let db = Db::open(&path)
            .map(|db| db.with_origin("app"))
            .map_err(CommandError::from);
        Open { path, db }
    }
}

/// The database the window works on. Commands run one at a time against it; "open another
/// file", "new database" and "restore" swap it under the same lock.
#[derive(Debug)]
pub struct AppState {
    open: Mutex<Open>,
    /// Where the file opened last is noted for the next start (`None` in tests).
    memory: Option<PathBuf>,
    /// The running import: rows done and rows in all, read by the window while it waits, and
    /// whether the user asked to stop it. Kept outside the lock the import holds.
    import_done: AtomicU64,
    import_total: AtomicU64,
    import_cancel: AtomicBool,
    /// What SQLite's quick check found wrong with the open file (checked after start).
    health: Mutex<Option<String>>,
    /// When this window's session started (UTC, RFC 3339 as the change log stores times):
    /// Ctrl+Z undoes only what was done since.
    started: String,
}

impl AppState {
    /// Opens the database; a failure is kept and shown by the UI instead of crashing.
    pub fn open(path: PathBuf) -> AppState {
        AppState {
            open: Mutex::new(Open::later(path)),
            memory: Some(rapport_core::kernel::paths::last_opened_file()),
            import_done: AtomicU64::new(0),
            import_total: AtomicU64::new(0),
            import_cancel: AtomicBool::new(false),
            health: Mutex::new(None),
            started: rapport_core::kernel::time::now(),
        }
    }

    /// Opens (and so updates) a file [`AppState::open`] left to the background; commands
    /// answer `updating` until it is done. The lock is not held meanwhile, so the window can
    /// ask how things stand.
    pub fn finish_opening(&self) {
        let path = {
            let open = self.lock();
            if !open.updating() {
                return;
            }
            open.path.clone()
        };
        let opened = Open::at(path.clone());
        let mut open = self.lock();
        if open.path == path && open.updating() {
            *open = opened;
        }
    }

    /// Whether the file is still being updated in the background.
    pub fn is_updating(&self) -> bool {
        self.lock().updating()
    }

    /// When this session started.
    pub fn started(&self) -> &str {
        &self.started
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn path(&self) -> PathBuf {
        self.lock().path.clone()
    }

    /// The open file's name, for the window title.
    pub fn file_name(&self) -> String {
        let path = self.path();
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// A number that moves when the file was changed outside the window (a `rapport` command,
    /// the mail worker): `Db::outside_changes`. `None` while another program writes to it or
    /// the file is not open; never waits for the turn.
    pub fn outside_changes(&self) -> CommandResult<Option<i64>> {
        match &self.lock().db {
            Ok(db) => db.outside_changes().map_err(CommandError::from),
            Err(_) => Ok(None),
        }
    }

    /// Runs `f` with the database, in this process's turn on the file (see
    /// `rapport_core::store::owner`: a `rapport` command working on the same file waits until `f` is
    /// done, and `f` waits up to the busy timeout for a running command), mapping the core
    /// error to the UI's shape.
    pub fn with<T>(&self, f: impl FnOnce(&mut Db) -> rapport_core::Result<T>) -> CommandResult<T> {
        let mut open = self.lock();
        let path = open.path.clone();
        let db = open.db.as_mut().map_err(|e| e.clone())?;
        let _turn = db.turn().map_err(CommandError::from)?;
        // A damaged file is named, with its newest good backup.
        f(db).map_err(|e| CommandError::from(e.locate(&path)))
    }

    /// Takes an automatic backup when due and prunes old ones; a file that did not open has
    /// nothing to back up. It reads through a connection of its own (WAL lets it run beside
    /// writes), so the window's commands never wait for a backup of a large file.
    pub fn auto_backup(&self, reason: rapport_core::data::backup::AutoReason) -> CommandResult<()> {
        let path = {
            let open = self.lock();
            if let Err(e) = &open.db {
                return Err(e.clone());
            }
            open.path.clone()
        };
        Db::open(&path)
            .and_then(|db| rapport_core::data::backup::auto(&db, reason, chrono::Utc::now()))
            .map(|_| ())
            .map_err(CommandError::from)
    }

    pub fn open_error(&self) -> Option<CommandError> {
        self.lock().db.as_ref().err().cloned()
    }

    /// Runs SQLite's quick check over the open file (read-only, its own connection) and keeps
    /// what it found, for the window to show.
    pub fn check_health(&self) {
        let path = self.path();
        if self.open_error().is_some() {
            return;
        }
        // Recorded beside the file: from now on writes are refused with the damage named.
        let found = match rapport_core::store::health::quick_check(&path) {
            Ok(problems) if problems.is_empty() => None,
            Ok(problems) => Some(format!(
                "SQLite's check of {} found problems: {}. Restore a backup (Data, Backups) before the damage spreads.",
                path.display(),
                problems.into_iter().take(3).collect::<Vec<_>>().join("; ")
            )),
            Err(e) => Some(e.to_string()),
        };
        *self.health.lock().unwrap_or_else(|p| p.into_inner()) = found;
    }

    /// What the last health check found wrong, if anything.
    pub fn health_problem(&self) -> Option<String> {
        self.health
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs an import with the database and a progress callback that records how far it got
    /// (for `import_progress`) and stops it when the user cancelled.
    pub fn importing<T>(
        &self,
        f: impl FnOnce(&mut Db, &mut dyn FnMut(usize, usize) -> bool) -> rapport_core::Result<T>,
    ) -> CommandResult<T> {
        self.import_cancel.store(false, Ordering::Relaxed);
        let step = |done: usize, total: usize| -> bool {
            self.import_done.store(done as u64, Ordering::Relaxed);
            self.import_total.store(total as u64, Ordering::Relaxed);
            !self.import_cancel.load(Ordering::Relaxed)
        };
        step(0, 0);
        self.with(|db| f(db, &mut |done, total| step(done, total)))
    }

    /// (rows done, rows in all) of the running import.
    pub fn import_progress(&self) -> (u64, u64) {
        (
            self.import_done.load(Ordering::Relaxed),
            self.import_total.load(Ordering::Relaxed),
        )
    }

    /// Asks the running import to stop; it writes nothing.
    pub fn import_cancel(&self) {
        self.import_cancel.store(true, Ordering::Relaxed);
    }

    /// Works on the file at `path` from now on. A file that cannot be opened (damaged, not a
    /// Rapport database, from a newer version) is refused and the current one stays open.
    pub fn switch_to(&self, path: PathBuf) -> CommandResult<()> {
        let next = Open::at(path);
        if let Err(e) = &next.db {
            return Err(e.clone());
        }
        if let Some(memory) = &self.memory {
            rapport_core::kernel::paths::remember_opened(memory, &next.path);
        }
        *self.lock() = next;
        *self.health.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// Creates a new, empty database at `path` and works on it. An existing file is never
    /// overwritten.
    pub fn create(&self, path: PathBuf) -> CommandResult<()> {
        if path.exists() {
            return Err(CommandError::from(rapport_core::Error::invalid(
                "path",
                format!(
                    "{} already exists; open it instead, or choose a new name",
                    path.display()
                ),
            )));
        }
        self.switch_to(path)
    }

    /// Replaces the open file with the backup at `from` (the current file is first kept as a
    /// backup, or moved aside when damaged), then opens it again. Refused (`file_in_use`,
    /// naming the program) while another Rapport program has the file open; the current file
    /// is then opened again as it was.
    pub fn restore(&self, from: &Path) -> CommandResult<rapport_core::data::backup::RestoreReport> {
        let mut open = self.lock();
        let path = open.path.clone();
        // The connection must be closed before the file is replaced.
        open.db = Err(CommandError::from(rapport_core::Error::Internal(
            "the database is being restored".into(),
        )));
        // The window's own background work (a backup, the mail worker's database part) may
        // hold the file for a moment; other programs are not waited for.
        let report = rapport_core::data::backup::restore_waiting(
            &path,
            from,
            rapport_core::store::db::BUSY_TIMEOUT,
        );
        *open = Open::at(path);
        report.map_err(CommandError::from)
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

    fn state(path: PathBuf) -> AppState {
        AppState {
            open: Mutex::new(Open::at(path)),
            memory: None,
            import_done: AtomicU64::new(0),
            import_total: AtomicU64::new(0),
            import_cancel: AtomicBool::new(false),
            health: Mutex::new(None),
            started: rapport_core::kernel::time::now(),
        }
    }

    #[test]
    fn a_file_from_an_earlier_version_is_updated_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let release = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/releases/2026-12-04.db"
        );
        // A closed release file, copied as bytes (it has no WAL beside it).
        std::fs::write(&path, std::fs::read(release).unwrap()).unwrap();
        let state = AppState {
            open: Mutex::new(Open::later(path.clone())),
            ..state(dir.path().join("unused.db"))
        };
        assert!(state.is_updating());
        let waiting = state.with(|_| Ok(())).unwrap_err();
        assert_eq!(waiting.code, rapport_core::ErrorCode::Updating);
        assert!(waiting.message.contains("old.db"), "{}", waiting.message);
        assert_eq!(state.path(), path, "the title names the file meanwhile");
        state.finish_opening();
        assert!(!state.is_updating());
        assert!(people(&state) > 0, "the release's contacts are there");
        assert_eq!(rapport_core::store::db::pending_migrations(&path), 0);
    }

    fn people(state: &AppState) -> i64 {
        state
            .with(|db| {
                Ok(db
                    .conn()
                    .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?)
            })
            .unwrap_or(-1)
    }

    fn add(state: &AppState, last: &str) {
        state
            .with(|db| {
                rapport_core::people::contacts::create(
                    db,
                    &rapport_core::people::contacts::ContactInput {
                        last_name: last.into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap_or_else(|e| panic!("{}", e.message));
    }

    #[test]
    fn another_file_opens_a_bad_one_is_refused_and_a_new_one_never_overwrites() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = dir.path().join("first.db");
        let s = state(first.clone());
        add(&s, "One");
        let garbage = dir.path().join("notes.db");
        std::fs::write(&garbage, b"this is a shopping list, not a database").unwrap_or_default();
        let err = s.switch_to(garbage.clone()).unwrap_err();
        assert_eq!(err.code, rapport_core::ErrorCode::NotADatabase);
        assert_eq!(s.path(), first, "the current file stays open");
        assert_eq!(people(&s), 1);
        assert_eq!(
            std::fs::read(&garbage).unwrap_or_default(),
            b"this is a shopping list, not a database"
        );

        let err = s.create(first.clone()).unwrap_err();
        assert!(err.message.contains("already exists"), "{}", err.message);
        let second = dir.path().join("second.db");
        s.create(second.clone())
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!((s.path(), people(&s)), (second, 0));
        s.switch_to(first)
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(people(&s), 1);
    }

    #[test]
    fn the_health_check_names_damage_that_opening_does_not_notice() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("crm.db");
        let s = state(path.clone());
        for i in 0..300 {
            add(
                &s,
                &format!("Person {i} with a long enough name to fill pages"),
            );
        }
        s.check_health();
        assert_eq!(s.health_problem(), None);
        let root: i64 = s
            .with(|db| {
                db.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
                Ok(db.conn().query_row(
                    "SELECT rootpage FROM sqlite_schema WHERE name = 'contacts'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap_or_else(|e| panic!("{}", e.message));
        drop(s);
        // Scribble over the people's root page (opening the file never reads it), as a failing
        // disk would.
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        let page = 4096;
        let at = usize::try_from(root - 1).unwrap_or_default() * page;
        for b in &mut bytes[at + 8..at + 200] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap_or_default();
        let s = state(path);
        s.check_health();
        let problem = s.health_problem().unwrap_or_default();
        assert!(
            problem.to_lowercase().contains("restore a backup"),
            "{problem}"
        );
    }

    #[test]
    fn restoring_a_backup_keeps_the_current_file_and_reopens() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("crm.db");
        let s = state(path);
        add(&s, "Before");
        let backup = dir.path().join("saved.db");
        s.with(|db| rapport_core::data::backup::backup(db, &backup))
            .unwrap_or_else(|e| panic!("{}", e.message));
        add(&s, "After");
        assert_eq!(people(&s), 2);
        let report = s
            .restore(&backup)
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(people(&s), 1, "the window works on the restored data");
        let safety = report.safety_backup.unwrap_or_default();
        assert!(std::path::Path::new(&safety).exists(), "{safety}");
        add(&s, "Later");
        assert_eq!(people(&s), 2);
    }

    #[test]
    fn a_restore_waits_for_the_windows_own_background_work_then_runs() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("crm.db");
        let s = state(path.clone());
        add(&s, "Before");
        let backup = dir.path().join("saved.db");
        s.with(|db| rapport_core::data::backup::backup(db, &backup))
            .unwrap_or_else(|e| panic!("{}", e.message));
        add(&s, "After");
        // A background task (the mail worker, a backup) has its own connection open a moment.
        let worker = Db::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let done = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(worker);
        });
        s.restore(&backup)
            .unwrap_or_else(|e| panic!("{}", e.message));
        let _ = done.join();
        assert_eq!(people(&s), 1);
    }

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
