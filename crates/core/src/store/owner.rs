//! Who owns the data file: the protocol every Rapport process follows on a data file, so that
//! the desktop app and `rapport` commands can share it without losing a write.
//!
//! SQLite coordinates processes with POSIX advisory locks, and those belong to the process and
//! the file: when anything in the process opens and closes the data file (GTK's file chooser
//! does, while it shows the file's folder), every lock SQLite held on it is silently dropped.
//! Another process then believes it is alone: it re-initialises the shared-memory index under
//! the first one and, on close, checkpoints and deletes the WAL the first one still writes to.
//!
//! Rapport therefore adds two `flock(2)` locks of its own, which belong to an open file
//! description and survive any other `close()` in the process. They live in two small files
//! beside the data file, created on demand and never deleted:
//!
//! - **Presence** (`rapport.db-lock`): every [`Db`](crate::Db) on a file holds a shared lock
//!   on it for its whole life. Replacing the file (restore) takes it exclusively, without
//!   waiting, and is refused while anyone else has the file open ([`Sole::claim`]). Closing a
//!   `Db` releases its shared lock and tries the exclusive one: only the truly last user lets
//!   SQLite checkpoint and delete the WAL; any other close leaves the WAL alone.
//! - **Turn** (`rapport.db-turn`): an exclusive lock held while a process actually uses the
//!   database (a command of the CLI, a command of the window, a round of the mail worker
//!   without its network part), so two processes never touch the file at the same moment even
//!   when SQLite's own locks are gone. Connections inside one process need no turn between
//!   them (SQLite coordinates those itself, in memory), so the turn is shared by every
//!   connection of the process: the first takes the lock, the last gives it back.
//!
//! In-memory databases need none of this.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::kernel::error::{Error, Result};

/// The presence lock file of the data file at `db_path` (`rapport.db-lock`).
pub fn lock_file(db_path: &Path) -> PathBuf {
    side(db_path, "-lock")
}

/// The turn lock file of the data file at `db_path` (`rapport.db-turn`).
pub fn turn_file(db_path: &Path) -> PathBuf {
    side(db_path, "-turn")
}

fn side(db_path: &Path, suffix: &str) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn open_lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|source| lock_file_error(path, source))
}

/// Why a lock file could not be opened, in words: a folder the user cannot write to (a
/// read-only stick, a shared folder, another user's files) says what to do about it.
fn lock_file_error(path: &Path, source: std::io::Error) -> Error {
    use std::io::ErrorKind;
    let reason = match source.kind() {
        ErrorKind::PermissionDenied => "you may not write there",
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only",
        _ => {
            return Error::Io {
                action: "open the lock file",
                path: path.to_owned(),
                source,
            };
        }
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let data = file
        .strip_suffix("-lock")
        .or_else(|| file.strip_suffix("-turn"))
        .unwrap_or(&file)
        .to_owned();
    Error::Io {
        action: "write in the folder",
        path: folder.to_owned(),
        source: std::io::Error::new(
            source.kind(),
            format!(
                "{reason}. Even to read {data}, Rapport keeps two small lock files beside it, so \
                 that two programs never change it at once. Copy {data} to a folder you can \
                 write to and open the copy, or give yourself write access here. Nothing was \
                 changed"
            ),
        ),
    }
}

/// Tries `attempt` until it gives a value or `wait` has passed (at least once).
fn retry<T>(wait: Duration, mut attempt: impl FnMut() -> Result<Option<T>>) -> Result<Option<T>> {
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(value) = attempt()? {
            return Ok(Some(value));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

fn locked(result: std::result::Result<(), TryLockError>, path: &Path) -> Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(source)) => Err(Error::Io {
            action: "lock",
            path: path.to_owned(),
            source,
        }),
    }
}

// ------------------------------------------------------------------ presence

/// A shared presence lock: "a Rapport program has this file open". Released when dropped.
#[derive(Debug)]
pub(crate) struct Presence {
    _file: File,
}

impl Presence {
    /// Joins the users of the file at `db_path`, waiting up to `wait` while another program
    /// replaces it (a restore holds the lock exclusively).
    pub(crate) fn join(db_path: &Path, wait: Duration) -> Result<Presence> {
        let path = lock_file(db_path);
        let file = open_lock_file(&path)?;
        if retry(wait, || {
            Ok(locked(file.try_lock_shared(), &path)?.then_some(()))
        })?
        .is_some()
        {
            return Ok(Presence { _file: file });
        }
        Err(Error::BeingReplaced {
            path: db_path.to_owned(),
            who: describe_all(&holders(&path), "another Rapport program"),
        })
    }
}

/// The presence lock held exclusively: no other Rapport program has the file open, and none
/// can open it until this is dropped. Restore holds it for its whole run; a closing `Db` holds
/// it while SQLite checkpoints and removes the WAL.
#[derive(Debug)]
pub struct Sole {
    _file: File,
}

impl Sole {
    /// Takes the file at `db_path` for this program alone, without waiting for other programs;
    /// refused (code `file_in_use`) naming who has it open. `wait` is how long to wait for
    /// this program's own other connections (a background task of the window) to finish.
    /// `then` finishes the message: "Close it, then {then}."
    pub fn claim(db_path: &Path, wait: Duration, then: &str) -> Result<Sole> {
        let path = lock_file(db_path);
        let file = open_lock_file(&path)?;
        let own = std::process::id();
        let deadline = Instant::now() + wait;
        loop {
            if locked(file.try_lock(), &path)? {
                return Ok(Sole { _file: file });
            }
            let found = holders(&path);
            let others: Vec<&Holder> = found.iter().filter(|h| h.pid != own).collect();
            if !others.is_empty() || Instant::now() >= deadline {
                return Err(in_use(db_path, &found, then));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Takes the file alone if nobody else has it open at this moment.
    pub(crate) fn try_claim(db_path: &Path) -> Option<Sole> {
        let path = lock_file(db_path);
        let file = open_lock_file(&path).ok()?;
        matches!(locked(file.try_lock(), &path), Ok(true)).then_some(Sole { _file: file })
    }
}

fn in_use(db_path: &Path, found: &[Holder], then: &str) -> Error {
    let own = std::process::id();
    let others: Vec<Holder> = found.iter().filter(|h| h.pid != own).cloned().collect();
    let message = if others.is_empty() && !found.is_empty() {
        format!(
            "This program (pid {own}) is still working on {} in the background (sending mail, taking a backup or checking it). Nothing was changed; try again in a moment.",
            db_path.display()
        )
    } else {
        let who = describe_all(&others, "Another Rapport program");
        let finish =
            if others.iter().all(|h| h.name.as_deref() == Some("rapport")) && !others.is_empty() {
                "Wait for it to finish"
            } else {
                "Close it"
            };
        format!(
            "{} {} {} open. {finish}, then {then}.",
            capitalise(&who),
            if others.len() > 1 { "have" } else { "has" },
            db_path.display()
        )
    };
    Error::FileInUse {
        path: db_path.to_owned(),
        message,
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ------------------------------------------------------------------ turn

/// This process's turn on one file: one open description of the turn file, locked while at
/// least one of the process's connections holds the turn.
#[derive(Debug)]
pub(crate) struct TurnFile {
    file: File,
    held: Mutex<TurnState>,
    lock_path: PathBuf,
    db_path: PathBuf,
}

/// The turn files this process has open, by the turn file's canonical path.
static TURNS: Mutex<Option<HashMap<PathBuf, Weak<TurnFile>>>> = Mutex::new(None);

impl TurnFile {
    /// This process's turn on the file at `db_path` (shared by all its connections).
    pub(crate) fn of(db_path: &Path) -> Result<Arc<TurnFile>> {
        let lock_path = turn_file(db_path);
        let file = open_lock_file(&lock_path)?;
        let key = std::fs::canonicalize(&lock_path).unwrap_or_else(|_| lock_path.clone());
        let mut turns = TURNS.lock().unwrap_or_else(|p| p.into_inner());
        let turns = turns.get_or_insert_with(HashMap::new);
        if let Some(existing) = turns.get(&key).and_then(Weak::upgrade) {
            return Ok(existing);
        }
        turns.retain(|_, weak| weak.strong_count() > 0);
        let turn = Arc::new(TurnFile {
            file,
            held: Mutex::new(TurnState::default()),
            lock_path,
            db_path: db_path.to_owned(),
        });
        turns.insert(key, Arc::downgrade(&turn));
        Ok(turn)
    }

    /// Takes the turn, waiting up to `wait` for another process to finish; refused as busy,
    /// naming that process when it is known.
    ///
    /// A waiter blocks in `flock` (on a helper thread, so that the wait can end), which the
    /// system wakes the moment the other process lets go; and a process that has just let go
    /// pauses a moment before it takes the turn again when another process is waiting for it
    /// (and only then), so a program writing in a tight loop cannot starve the others.
    pub(crate) fn take(self: &Arc<Self>, wait: Duration) -> Result<Turn> {
        let turn = || Turn {
            file: Some(Arc::clone(self)),
        };
        {
            let mut state = self.state();
            if state.held > 0 {
                state.held += 1;
                return Ok(turn());
            }
            if let Some(released) = state.released
                && released.elapsed() < HAND_OVER
                && others_wait(&self.lock_path)
            {
                drop(state);
                std::thread::sleep(HAND_OVER);
                state = self.state();
            }
            if state.held > 0 || locked(self.file.try_lock(), &self.lock_path)? {
                state.held += 1;
                return Ok(turn());
            }
        }
        let busy = || Error::TurnBusy {
            path: self.db_path.clone(),
            who: holders(&self.lock_path)
                .iter()
                .find(|h| h.pid != std::process::id())
                .map(|h| h.describe()),
        };
        if wait.is_zero() {
            return Err(busy());
        }
        // Another process has it: wait for the system to hand it over.
        let waiter = self.file.try_clone().map_err(|source| Error::Io {
            action: "lock",
            path: self.lock_path.clone(),
            source,
        })?;
        let abandoned = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let this = Arc::clone(self);
            let abandoned = Arc::clone(&abandoned);
            std::thread::spawn(move || {
                let got = waiter.lock();
                let mut state = this.state();
                if abandoned.load(std::sync::atomic::Ordering::SeqCst) {
                    if got.is_ok() && state.held == 0 {
                        let _ = waiter.unlock();
                    }
                    return;
                }
                if got.is_ok() {
                    state.held += 1;
                }
                let _ = tx.send(got);
            });
        }
        let outcome = match rx.recv_timeout(wait) {
            Ok(got) => Some(got),
            Err(_) => {
                let _state = self.state();
                abandoned.store(true, std::sync::atomic::Ordering::SeqCst);
                rx.try_recv().ok()
            }
        };
        match outcome {
            Some(Ok(())) => Ok(turn()),
            Some(Err(source)) => Err(Error::Io {
                action: "lock",
                path: self.lock_path.clone(),
                source,
            }),
            None => Err(busy()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TurnState> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How long a process that has just given the turn back waits before taking it again, so that
/// a waiting process (woken by the system) gets it first.
const HAND_OVER: Duration = Duration::from_millis(3);

#[derive(Debug, Default)]
struct TurnState {
    /// How many guards of this process hold the turn now.
    held: usize,
    /// When this process last gave the turn back.
    released: Option<Instant>,
}

/// Holding the turn on a data file: no other process uses it until every guard of this
/// process is dropped. See the [module documentation](self).
#[derive(Debug)]
#[must_use = "the turn is given back when the guard is dropped"]
pub struct Turn {
    /// `None` for an in-memory database, which has no other user.
    file: Option<Arc<TurnFile>>,
}

impl Turn {
    /// A turn that guards nothing (in-memory databases).
    pub(crate) fn none() -> Turn {
        Turn { file: None }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(turn) = &self.file {
            let mut state = turn.state();
            state.held = state.held.saturating_sub(1);
            if state.held == 0 {
                let _ = turn.file.unlock();
                state.released = Some(Instant::now());
            }
        }
    }
}

/// Joining the users of a data file without opening a [`Db`](crate::Db): for work that reads
/// the live file through a connection of its own (a health check).
#[derive(Debug)]
pub struct Claim {
    _presence: Presence,
    turn: Arc<TurnFile>,
}

impl Claim {
    /// Joins the users of the file at `db_path` (waiting a few seconds while it is restored).
    pub fn join(db_path: &Path) -> Result<Claim> {
        Ok(Claim {
            _presence: Presence::join(db_path, OPEN_WAIT)?,
            turn: TurnFile::of(db_path)?,
        })
    }

    /// Takes the turn, waiting up to `wait`.
    pub fn turn(&self, wait: Duration) -> Result<Turn> {
        self.turn.take(wait)
    }
}

/// How long opening a file waits while another program restores it.
pub const OPEN_WAIT: Duration = Duration::from_secs(5);

// ------------------------------------------------------------------ who holds a lock

/// A process holding a lock file, as far as the system tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// The program's name (`rapport`, `rapport-desktop`), when known.
    pub name: Option<String>,
}

impl Holder {
    /// "the Rapport app (pid 4242)", "a rapport command (pid 77)", "another Rapport program
    /// (name, pid 5)".
    pub fn describe(&self) -> String {
        match self.name.as_deref() {
            Some("rapport-desktop") => format!("the Rapport app (pid {})", self.pid),
            Some("rapport") => format!("a rapport command (pid {})", self.pid),
            Some(name) => format!("another Rapport program ({name}, pid {})", self.pid),
            None => format!("another Rapport program (pid {})", self.pid),
        }
    }
}

fn describe_all(holders: &[Holder], unknown: &str) -> String {
    if holders.is_empty() {
        return unknown.to_owned();
    }
    holders
        .iter()
        .map(Holder::describe)
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The processes holding a `flock` on the file at `lock_path`: on Linux read from
/// `/proc/locks` (matched by inode) and `/proc/PID/comm`; elsewhere unknown (empty).
pub fn holders(lock_path: &Path) -> Vec<Holder> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = std::fs::metadata(lock_path) else {
            return Vec::new();
        };
        let Ok(table) = std::fs::read_to_string("/proc/locks") else {
            return Vec::new();
        };
        let mut found: Vec<Holder> = Vec::new();
        for line in table.lines() {
            // "1: FLOCK  ADVISORY  WRITE 4242 00:2e:1234567 0 EOF"; waiters have "->".
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.get(1) != Some(&"FLOCK") || fields.len() < 6 {
                continue;
            }
            let inode = fields[5]
                .rsplit(':')
                .next()
                .and_then(|i| i.parse::<u64>().ok());
            let Ok(pid) = fields[4].parse::<u32>() else {
                continue;
            };
            if inode != Some(meta.ino()) || found.iter().any(|h| h.pid == pid) {
                continue;
            }
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .ok()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            found.push(Holder { pid, name });
        }
        found
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = lock_path;
        Vec::new()
    }
}

/// Whether another process is blocked waiting for the lock on `lock_path` (a waiter shows in
/// `/proc/locks` as a line with "->"). Where that cannot be read, assume one is.
fn others_wait(lock_path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let (Ok(meta), Ok(table)) = (
            std::fs::metadata(lock_path),
            std::fs::read_to_string("/proc/locks"),
        ) else {
            return true;
        };
        let own = std::process::id();
        table.lines().any(|line| {
            // "1: -> FLOCK  ADVISORY  WRITE 4243 00:2e:1234567 0 EOF"
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1) == Some(&"->")
                && fields.get(2) == Some(&"FLOCK")
                && fields.get(5).and_then(|p| p.parse::<u32>().ok()) != Some(own)
                && fields
                    .get(6)
                    .and_then(|f| f.rsplit(':').next())
                    .and_then(|i| i.parse::<u64>().ok())
                    == Some(meta.ino())
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = lock_path;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-over pause is only paid when another process really waits (seen in
    /// /proc/locks), never by a program writing alone.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_blocked_on_the_turn_is_seen_waiting_and_no_one_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x-turn");
        let file = std::fs::File::create(&path).unwrap();
        file.lock().unwrap();
        assert!(!others_wait(&path), "nobody waits yet");
        let mut waiter = std::process::Command::new("flock")
            .arg(&path)
            .arg("true")
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !others_wait(&path) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            others_wait(&path),
            "the flock(1) process waits for the lock"
        );
        file.unlock().unwrap();
        assert!(waiter.wait().unwrap().success());
        assert!(!others_wait(&path), "nobody waits any more");
    }

    #[test]
    fn the_turn_is_shared_inside_a_process_and_given_back_by_the_last_guard() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let a = TurnFile::of(&db).unwrap();
        let b = TurnFile::of(&db).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "one turn per file and process");
        let first = a.take(Duration::ZERO).unwrap();
        let second = b.take(Duration::ZERO).unwrap();
        // Another open description (as another process would have) cannot take it.
        let other = open_lock_file(&turn_file(&db)).unwrap();
        assert!(!locked(other.try_lock(), &db).unwrap());
        drop(first);
        assert!(!locked(other.try_lock(), &db).unwrap());
        drop(second);
        assert!(locked(other.try_lock(), &db).unwrap());
        let err = a.take(Duration::from_millis(30)).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Busy);
        assert!(err.to_string().contains("try again"), "{err}");
    }

    #[test]
    fn a_file_in_use_cannot_be_claimed_and_the_message_says_by_whom() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let present = Presence::join(&db, Duration::ZERO).unwrap();
        let err = Sole::claim(&db, Duration::from_millis(50), "restore").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::FileInUse);
        if cfg!(target_os = "linux") {
            assert!(
                err.to_string()
                    .contains(&format!("pid {}", std::process::id())),
                "{err}"
            );
        }
        drop(present);
        let sole = Sole::claim(&db, Duration::ZERO, "restore").unwrap();
        let err = Presence::join(&db, Duration::from_millis(30)).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Busy);
        drop(sole);
        Presence::join(&db, Duration::ZERO).unwrap();
    }

    /// A folder the user may not write to (a read-only stick, another user's files) is
    /// named with what to do, not as a bare "permission denied" on a file they never made.
    #[test]
    fn a_folder_that_cannot_be_written_says_what_to_do() {
        let lock = Path::new("/media/stick/rapport.db-lock");
        for kind in [
            std::io::ErrorKind::PermissionDenied,
            std::io::ErrorKind::ReadOnlyFilesystem,
        ] {
            let message = lock_file_error(lock, std::io::Error::from(kind)).to_string();
            assert!(
                message.starts_with("Could not write in the folder /media/stick: ")
                    && message.contains("Copy rapport.db to a folder you can write to")
                    && message.ends_with("Nothing was changed"),
                "{message}"
            );
        }
        let other = lock_file_error(lock, std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(
            other
                .to_string()
                .starts_with("Could not open the lock file /media/stick/rapport.db-lock"),
            "{other}"
        );
    }
}
