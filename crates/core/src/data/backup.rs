//! Backups made the safe way: `VACUUM INTO` a temporary file next to the target (a consistent
//! snapshot even while another connection writes), verified with `integrity_check`, flushed to
//! disk, then given its name. A backup that fails or is interrupted never leaves a half-written
//! file under a backup's name, and the data file is only ever read.
//!
//! Automatic backups, the safety copies a restore takes and damaged files moved aside get names
//! that never collide: when a name is taken, `-2`, `-3`, ... is added, and the name is taken
//! with a hard link, which fails rather than replace a file another process just made.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::store::db::Db;

// Where backups are and which is good: the store's, for its "the file is damaged" errors.
use crate::store::backups::stem;
pub use crate::store::backups::{
    BackupFile, check, folder, integrity, integrity_of_data_file, list, newest_good,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub millis: u64,
}

/// Writes a verified copy of `db` to `out` (replacing a file already there).
pub fn backup(db: &Db, out: &Path) -> Result<BackupReport> {
    let started = Instant::now();
    if db.path().is_some_and(|p| same_file(p, out)) {
        return Err(Error::invalid(
            "out",
            "a backup cannot replace the database it copies",
        ));
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = folder_of(out);
    let temp = prepare_temp(&dir, &name)?;
    let result = write_verified(db, &temp.path).and_then(|()| {
        std::fs::rename(&temp.path, out).map_err(|source| Error::Io {
            action: "move the finished backup to",
            path: out.to_owned(),
            source,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    result?;
    sync_dir(&dir);
    Ok(report(out, started))
}

fn report(out: &Path, started: Instant) -> BackupReport {
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    BackupReport {
        path: out.display().to_string(),
        bytes,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

/// A temporary file being written, locked (`flock`) by this process until it is dropped, so
/// that another process cleaning up after killed runs never removes it.
#[derive(Debug)]
struct Temp {
    path: PathBuf,
    _lock: std::fs::File,
}

/// Creates `dir` if needed, removes partial files killed runs left for `name`, and creates a
/// fresh, empty, locked temporary file in `dir`.
fn prepare_temp(dir: &Path, name: &str) -> Result<Temp> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create the folder",
        path: dir.to_owned(),
        source,
    })?;
    remove_stale_partials(dir, name);
    let path = dir.join(format!(".{name}.{}.partial", crate::new_id()));
    let io = |source| Error::Io {
        action: "create",
        path: path.clone(),
        source,
    };
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    lock.try_lock()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    Ok(Temp { path, _lock: lock })
}

/// Temporary files of earlier runs to the same name that were killed half-way: those no
/// running process holds locked.
fn remove_stale_partials(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !(file.starts_with(&prefix) && file.ends_with(".partial")) {
            continue;
        }
        if let Ok(f) = std::fs::OpenOptions::new().write(true).open(entry.path())
            && f.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Flushes a file's contents to disk.
fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| Error::Io {
            action: "flush to disk",
            path: path.to_owned(),
            source,
        })
}

/// Flushes a folder's entries (a rename, a new name) to disk, where the system allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Gives the finished file `temp` the first free name of `names(1)`, `names(2)`, ... in its
/// folder, never replacing a file (another process may have just taken a name). Returns it.
fn publish_unique(temp: &Path, names: impl Fn(u32) -> PathBuf) -> Result<PathBuf> {
    link_unique(temp, true, names)
}

/// Links `file` under the first free name of `names(n)`; the old name is removed when
/// `move_it` (a hard link fails rather than replace a file: no two processes get one name).
fn link_unique(file: &Path, move_it: bool, names: impl Fn(u32) -> PathBuf) -> Result<PathBuf> {
    let temp = file;
    for n in 1..10_000 {
        let candidate = names(n);
        match std::fs::hard_link(temp, &candidate) {
            Ok(()) => {
                if move_it {
                    let _ = std::fs::remove_file(temp);
                }
                sync_dir(&folder_of(&candidate));
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: the best it allows.
            Err(_) if !candidate.exists() => {
                std::fs::rename(temp, &candidate).map_err(|source| Error::Io {
                    action: "move the finished copy to",
                    path: candidate.clone(),
                    source,
                })?;
                sync_dir(&folder_of(&candidate));
                return Ok(candidate);
            }
            Err(_) => continue,
        }
    }
    Err(Error::Internal(format!(
        "no free name for {} in its folder",
        names(1).display()
    )))
}

fn write_verified(db: &Db, temp: &Path) -> Result<()> {
    let turn = db.turn()?;
    db.conn()
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "write the backup to",
            path: temp.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    drop(turn);
    verify(temp)
}

/// Checks a fresh copy whole and flushes it to disk before it gets a name.
fn verify(temp: &Path) -> Result<()> {
    let problems = integrity(temp, "integrity_check")?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: temp.to_owned(),
            detail: format!("the fresh copy failed its check: {}", problems.join("; ")),
        });
    }
    sync_file(temp)
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    canon(a) == canon(b)
}

/// How many automatic backups to keep: the newest of each of the last `daily` days that have
/// one, and the newest of each of the `weekly` weeks before those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Retention {
    pub daily: u32,
    pub weekly: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            daily: 7,
            weekly: 4,
        }
    }
}

/// The settings key of the retention policy.
pub const RETENTION: &str = "backup_retention";

/// The name of the `n`th backup of `kind` taken in the second `at` (`n` from 1).
fn file_for(
    db_path: &Path,
    kind: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
    n: u32,
) -> PathBuf {
    let stamp = at.format("%Y%m%dT%H%M%SZ");
    let counter = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    let name = match kind {
        Some(k) => format!("{}-{k}-{stamp}{counter}.db", stem(db_path)),
        None => format!("{}-{stamp}{counter}.db", stem(db_path)),
    };
    folder(db_path).join(name)
}

/// Writes a verified copy of `db` into its backups folder under a name of its own.
fn backup_unique(
    db: &Db,
    db_path: &Path,
    kind: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<BackupReport> {
    let started = Instant::now();
    let temp = prepare_temp(&folder(db_path), &stem(db_path))?;
    let result = write_verified(db, &temp.path)
        .and_then(|()| publish_unique(&temp.path, |n| file_for(db_path, kind, at, n)));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    Ok(report(&result?, started))
}

/// Why an automatic backup is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AutoReason {
    /// At start: only when there is no backup from today yet.
    Daily,
    /// When the app quits: always.
    Quit,
}

/// Takes an automatic backup when due, then prunes old ones by the retention policy. Returns
/// the backup taken, if any. In-memory databases have nothing to back up.
pub fn auto(
    db: &Db,
    reason: AutoReason,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<BackupReport>> {
    let Some(path) = db.path().map(Path::to_owned) else {
        return Ok(None);
    };
    let today = crate::kernel::time::local_date(crate::kernel::time::local_zone(), now);
    let existing = list(&path)?;
    let had_today = existing.iter().any(|b| {
        b.kind == "automatic"
            && crate::kernel::time::parse_stamp(&b.taken_at).is_ok_and(|t| {
                crate::kernel::time::local_date(crate::kernel::time::local_zone(), t) == today
            })
    });
    let report = if reason == AutoReason::Quit || !had_today {
        Some(backup_unique(db, &path, None, now)?)
    } else {
        None
    };
    let retention: Retention = {
        let _turn = db.turn()?;
        crate::store::settings::get(db.conn(), RETENTION)?.unwrap_or_default()
    };
    prune(&path, retention)?;
    Ok(report)
}

/// Deletes automatic backups the retention policy does not keep. Safety copies taken before a
/// restore are never deleted automatically.
pub fn prune(db_path: &Path, keep: Retention) -> Result<Vec<String>> {
    let tz = crate::kernel::time::local_zone();
    let all: Vec<BackupFile> = list(db_path)?
        .into_iter()
        .filter(|b| b.kind == "automatic")
        .collect();
    let mut kept_days: Vec<chrono::NaiveDate> = Vec::new();
    let mut kept_weeks: Vec<chrono::IsoWeek> = Vec::new();
    let mut removed = Vec::new();
    for b in all {
        let Ok(at) = crate::kernel::time::parse_stamp(&b.taken_at) else {
            continue;
        };
        let day = crate::kernel::time::local_date(tz, at);
        let week = chrono::Datelike::iso_week(&day);
        let keep_it = if kept_days.contains(&day) {
            false
        } else if kept_days.len() < keep.daily as usize {
            kept_days.push(day);
            true
        } else if !kept_weeks.contains(&week)
            && !kept_days
                .iter()
                .any(|d| chrono::Datelike::iso_week(d) == week)
            && kept_weeks.len() < keep.weekly as usize
        {
            kept_weeks.push(week);
            true
        } else {
            false
        };
        if !keep_it {
            match std::fs::remove_file(&b.path) {
                // Another program pruning at the same time took it already.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other.map_err(|source| Error::Io {
                    action: "remove the old backup",
                    path: PathBuf::from(&b.path),
                    source,
                })?,
            }
            removed.push(b.path);
        }
    }
    Ok(removed)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored_from: String,
    /// The copy of the file as it was before, when it could be read.
    pub safety_backup: Option<String>,
}

/// Replaces the database at `db_path` with the backup at `from`. The backup is checked first;
/// the current file, when it can be opened, is first saved as a `before-restore` backup (a
/// damaged one is moved aside untouched, with its WAL).
///
/// Refused (code `file_in_use`, naming who) while any other Rapport program has the file open:
/// the restore holds the file's presence lock exclusively for its whole run (see
/// [`crate::store::owner`]), so nobody can open it meanwhile either. Safe against a crash at any
/// moment: the data file is always either the old one (whole) or the restored one, and the
/// safety copy is on disk before the old file is replaced.
pub fn restore(db_path: &Path, from: &Path) -> Result<RestoreReport> {
    restore_waiting(db_path, from, Duration::ZERO)
}

/// [`restore`], waiting up to `wait` for this program's own other connections (the window's
/// background tasks) to close; other programs are never waited for.
pub fn restore_waiting(db_path: &Path, from: &Path, wait: Duration) -> Result<RestoreReport> {
    check(from).map_err(|e| {
        Error::invalid(
            "file",
            format!("{} cannot be restored: {e}", from.display()),
        )
    })?;
    if same_file(db_path, from) {
        return Err(Error::invalid(
            "file",
            "that is the database itself, not a backup of it",
        ));
    }
    let _sole = crate::store::owner::Sole::claim(db_path, wait, "restore")?;
    let now = chrono::Utc::now();

    // 1. The new contents, copied through SQLite (never a file copy), verified and on disk
    //    beside the data file before anything else changes.
    let dir = folder_of(db_path);
    let temp = prepare_temp(&dir, &stem(db_path))?;
    let copied = copy_verified(from, &temp.path);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&temp.path);
        return Err(e);
    }
    let discard = |e: Error| {
        let _ = std::fs::remove_file(&temp.path);
        e
    };

    // 2. What is there now is kept: a healthy file is first checkpointed whole (its WAL then
    //    holds nothing) and copied; a damaged one is moved aside as it is, with its WAL.
    let safety = if !db_path.exists() {
        None
    } else if check(db_path).is_ok() {
        Some(keep_healthy(db_path, now).map_err(discard)?)
    } else {
        Some(move_aside(db_path, now).map_err(discard)?)
    };

    // 3. The old WAL and shared-memory files hold nothing the old file lacks now (or went
    //    aside with it); the restored file must never start beside them.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(discard(Error::Io {
                    action: "remove",
                    path: side,
                    source: e,
                }));
            }
            _ => {}
        }
    }
    std::fs::rename(&temp.path, db_path).map_err(|source| {
        discard(Error::Io {
            action: "put the restored file in place at",
            path: db_path.to_owned(),
            source,
        })
    })?;
    sync_dir(&dir);
    // The damage found in the old file does not hold for the restored one.
    crate::store::health::clear(db_path);
    Ok(RestoreReport {
        restored_from: from.display().to_string(),
        safety_backup: safety.map(|p| p.display().to_string()),
    })
}

/// `VACUUM INTO` from the backup at `from` to `temp`, checked and flushed.
fn copy_verified(from: &Path, temp: &Path) -> Result<()> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "copy the backup to",
            path: temp.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    drop(source);
    verify(temp)
}

/// The safety copy of a healthy data file (no one else has it open): its WAL is checkpointed
/// into it, then it is copied like a backup, under a name of its own.
fn keep_healthy(db_path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf> {
    let conn = Connection::open_with_flags(
        db_path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(Error::Busy);
    }
    let temp = prepare_temp(&folder(db_path), &stem(db_path))?;
    let copied = conn
        .execute("VACUUM INTO ?1", [temp.path.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "write the safety copy to",
            path: temp.path.clone(),
            source: std::io::Error::other(e.to_string()),
        })
        .and_then(|_| verify(&temp.path))
        .and_then(|()| {
            publish_unique(&temp.path, |n| {
                file_for(db_path, Some("before-restore"), now, n)
            })
        });
    if copied.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    // The last connection closes cleanly: the (empty) WAL goes.
    conn.close().map_err(|(_, e)| Error::from(e))?;
    copied
}

/// A damaged file is never overwritten: it is moved aside, with its WAL and shared memory,
/// byte for byte, under a name of its own. The data file keeps its name until the restored
/// file replaces it.
fn move_aside(db_path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf> {
    std::fs::create_dir_all(folder(db_path)).map_err(|source| Error::Io {
        action: "create the folder",
        path: folder(db_path),
        source,
    })?;
    let aside = link_unique(db_path, false, |n| {
        file_for(db_path, Some("damaged"), now, n)
    })?;
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            let _ = std::fs::remove_file(&to);
            std::fs::hard_link(&from, &to)
                .or_else(|_| std::fs::rename(&from, &to))
                .map_err(|source| Error::Io {
                    action: "move the damaged file aside to",
                    path: to,
                    source,
                })?;
        }
    }
    sync_dir(&folder(db_path));
    Ok(aside)
}
