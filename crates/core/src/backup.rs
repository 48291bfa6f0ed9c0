//! Backups made the safe way: `VACUUM INTO` a temporary file next to the target (a consistent
//! snapshot even while another connection writes), verified with `integrity_check`, then
//! renamed into place. A backup that fails or is interrupted never leaves a half-written file
//! under the name the user chose.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Db;
use crate::error::{Error, Result};

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
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create the folder",
        path: dir.to_owned(),
        source,
    })?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_partials(dir, &name);
    let temp = dir.join(format!(".{name}.{}.partial", crate::new_id()));
    let result = write_verified(db, &temp).and_then(|()| {
        std::fs::rename(&temp, out).map_err(|source| Error::Io {
            action: "move the finished backup to",
            path: out.to_owned(),
            source,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: out.display().to_string(),
        bytes,
        millis: started.elapsed().as_millis() as u64,
    })
}

/// Temporary files of earlier backups to the same name that were killed half-way.
fn remove_stale_partials(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with(&prefix) && file.ends_with(".partial") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn write_verified(db: &Db, temp: &Path) -> Result<()> {
    db.conn()
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "write the backup to",
            path: temp.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let problems = integrity(temp, "integrity_check")?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: temp.to_owned(),
            detail: format!("the fresh copy failed its check: {}", problems.join("; ")),
        });
    }
    Ok(())
}

/// Runs `quick_check` or `integrity_check` on the file at `path`, read-only; the problems
/// found (none when healthy).
pub fn integrity(path: &Path, pragma: &str) -> Result<Vec<String>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::Io {
        action: "open",
        path: path.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let check = |conn: &Connection| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect()
    };
    let lines = check(&conn).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotADatabase {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        _ => Error::CorruptDatabase {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    })?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

/// A health check of a database file: SQLite's quick check, then that it is a Rapport
/// database this version can open. Never modifies the file.
pub fn check(path: &Path) -> Result<()> {
    if !path.exists() {
        return Err(Error::Io {
            action: "find",
            path: path.to_owned(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let problems = integrity(path, "quick_check")?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: path.to_owned(),
            detail: problems.into_iter().take(5).collect::<Vec<_>>().join("; "),
        });
    }
    check_schema(path)
}

/// The second half of [`check`]: a Rapport database this version can open.
pub(crate) fn check_schema(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let has_schema: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !has_schema {
        return Err(Error::NotADatabase {
            path: path.to_owned(),
            detail: "it has no Rapport schema".into(),
        });
    }
    let version: i64 = conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let supported = crate::db::MIGRATIONS.len() as i64;
    if version > supported {
        return Err(Error::SchemaTooNew {
            path: path.to_owned(),
            found: version,
            supported,
        });
    }
    Ok(())
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

/// One backup on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupFile {
    pub path: String,
    /// When it was taken (UTC, from its name).
    pub taken_at: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// `automatic`, `before-restore` (the copy a restore takes first) or `damaged` (a file that
    /// could not be read, moved aside by a restore, never deleted).
    pub kind: String,
}

/// The folder automatic backups of the database at `db_path` go to: `backups/` beside it.
pub fn folder(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn stem(db_path: &Path) -> String {
    db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rapport".into())
}

/// Backups of this database found in its backups folder, newest first.
pub fn list(db_path: &Path) -> Result<Vec<BackupFile>> {
    let dir = folder(db_path);
    let prefix = format!("{}-", stem(db_path));
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(found);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".db"))
        else {
            continue;
        };
        let (kind, stamp) = match (
            rest.strip_prefix("before-restore-"),
            rest.strip_prefix("damaged-"),
        ) {
            (Some(s), _) => ("before-restore", s),
            (_, Some(s)) => ("damaged", s),
            _ => ("automatic", rest),
        };
        let Ok(at) = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ") else {
            continue;
        };
        found.push(BackupFile {
            path: entry.path().display().to_string(),
            taken_at: crate::time::stamp(at.and_utc()),
            bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
            kind: kind.into(),
        });
    }
    found.sort_by(|a, b| b.taken_at.cmp(&a.taken_at));
    Ok(found)
}

fn file_for(db_path: &Path, kind: Option<&str>, at: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let stamp = at.format("%Y%m%dT%H%M%SZ");
    let name = match kind {
        Some(k) => format!("{}-{k}-{stamp}.db", stem(db_path)),
        None => format!("{}-{stamp}.db", stem(db_path)),
    };
    folder(db_path).join(name)
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
    let today = crate::time::local_date(crate::time::local_zone(), now);
    let existing = list(&path)?;
    let had_today = existing.iter().any(|b| {
        b.kind == "automatic"
            && crate::time::parse_stamp(&b.taken_at)
                .is_ok_and(|t| crate::time::local_date(crate::time::local_zone(), t) == today)
    });
    let report = if reason == AutoReason::Quit || !had_today {
        Some(backup(db, &file_for(&path, None, now))?)
    } else {
        None
    };
    let retention: Retention = crate::settings::get(db.conn(), RETENTION)?.unwrap_or_default();
    prune(&path, retention)?;
    Ok(report)
}

/// Deletes automatic backups the retention policy does not keep. Safety copies taken before a
/// restore are never deleted automatically.
pub fn prune(db_path: &Path, keep: Retention) -> Result<Vec<String>> {
    let tz = crate::time::local_zone();
    let all: Vec<BackupFile> = list(db_path)?
        .into_iter()
        .filter(|b| b.kind == "automatic")
        .collect();
    let mut kept_days: Vec<chrono::NaiveDate> = Vec::new();
    let mut kept_weeks: Vec<chrono::IsoWeek> = Vec::new();
    let mut removed = Vec::new();
    for b in all {
        let Ok(at) = crate::time::parse_stamp(&b.taken_at) else {
            continue;
        };
        let day = crate::time::local_date(tz, at);
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
            std::fs::remove_file(&b.path).map_err(|source| Error::Io {
                action: "remove the old backup",
                path: PathBuf::from(&b.path),
                source,
            })?;
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
/// the current file, when it can be opened, is first saved as a `before-restore` backup. No
/// connection to `db_path` may be open.
pub fn restore(db_path: &Path, from: &Path) -> Result<RestoreReport> {
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
    let now = chrono::Utc::now();
    let safety = if !db_path.exists() {
        None
    } else if check(db_path).is_ok() {
        let current = Db::open(db_path)?;
        let out = file_for(db_path, Some("before-restore"), now);
        backup(&current, &out)?;
        Some(out.display().to_string())
    } else {
        // A damaged file is never overwritten: it is moved aside, with its WAL, as it is.
        let aside = file_for(db_path, Some("damaged"), now);
        std::fs::create_dir_all(folder(db_path)).map_err(|source| Error::Io {
            action: "create the folder",
            path: folder(db_path),
            source,
        })?;
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).map_err(|source| Error::Io {
                    action: "move the damaged file aside to",
                    path: to,
                    source,
                })?;
            }
        }
        Some(aside.display().to_string())
    };
    // Copy through SQLite (never a file copy), verify, then rename over the old file. Its WAL
    // and shared-memory files belong to the old contents and go first.
    let dir = db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{}.{}.partial", stem(db_path), crate::new_id()));
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let copied = source
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "copy the backup to",
            path: temp.clone(),
            source: std::io::Error::other(e.to_string()),
        })
        .and_then(|_| {
            let problems = integrity(&temp, "integrity_check")?;
            if problems.is_empty() {
                Ok(())
            } else {
                Err(Error::CorruptDatabase {
                    path: temp.clone(),
                    detail: problems.join("; "),
                })
            }
        });
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|source| Error::Io {
                action: "remove",
                path: side.clone(),
                source,
            })?;
        }
    }
    std::fs::rename(&temp, db_path).map_err(|source| Error::Io {
        action: "put the restored file in place at",
        path: db_path.to_owned(),
        source,
    })?;
    // The damage found in the old file does not hold for the restored one.
    crate::health::clear(db_path);
    Ok(RestoreReport {
        restored_from: from.display().to_string(),
        safety_backup: safety,
    })
}

/// The newest backup of `db_path` that passes its check, for the "your file is damaged" screen.
pub fn newest_good(db_path: &Path) -> Result<Option<BackupFile>> {
    Ok(list(db_path)?
        .into_iter()
        .find(|b| check(Path::new(&b.path)).is_ok()))
}
