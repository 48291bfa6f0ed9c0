//! The backup files kept beside a data file: where they are, what they are called, whether
//! one passes its check, and which is the newest good one (named by "the file is damaged"
//! errors, see [`crate::store::health`]). Taking and restoring backups is
//! `crate::data::backup`'s.
//!
//! A copy is either a plain SQLite file (`.db`: copies named by the user, safety copies taken
//! before a restore, and every copy made by versions before 0.2) or a zstd frame of one
//! (`.db.zst`: the automatic copies). A compressed copy carries zstd's checksum of its
//! contents, so reading it whole tells whether any byte changed since it was verified.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};

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
    integrity_on(&conn, path, pragma)
}

/// [`integrity`] on an open connection (inside its current transaction, if any); `path` names
/// the file in errors.
pub(crate) fn integrity_on(conn: &Connection, path: &Path, pragma: &str) -> Result<Vec<String>> {
    let check = |conn: &Connection| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect()
    };
    let lines = check(conn).map_err(|e| match e.sqlite_error_code() {
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
/// database this version can open. A compressed copy (`.db.zst`) is read whole instead: its
/// checksum must match and it must hold an SQLite file (it passed its quick check when it was
/// made; a restore checks it fully once unpacked). Never modifies the file.
pub fn check(path: &Path) -> Result<()> {
    if !path.exists() {
        return Err(Error::Io {
            action: "find",
            path: path.to_owned(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    if is_compressed(path) {
        return unpack_into(path, &mut std::io::sink()).map(|_| ());
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
    let supported = crate::store::db::MIGRATIONS.len() as i64;
    if version > supported {
        return Err(Error::SchemaTooNew {
            path: path.to_owned(),
            found: version,
            supported,
        });
    }
    Ok(())
}

/// [`integrity`] of a data file that Rapport programs may have open, in this process's turn.
pub fn integrity_of_data_file(path: &Path, pragma: &str) -> Result<Vec<String>> {
    let claim = crate::store::owner::Claim::join(path)?;
    let _turn = claim.turn(crate::store::db::BUSY_TIMEOUT)?;
    integrity(path, pragma)
}

/// Whether the copy at `path` is compressed (its name ends in `.zst`).
pub fn is_compressed(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// Unpacks the compressed copy at `from` into `to`, checking zstd's checksum of the contents
/// and that they are an SQLite file; the bytes written. A damaged, truncated or foreign file
/// is a [`Error::CorruptDatabase`] naming `from` in plain words.
pub fn unpack_into(from: &Path, to: &mut impl std::io::Write) -> Result<u64> {
    use std::io::Read;
    let damaged = |detail: String| Error::CorruptDatabase {
        path: from.to_owned(),
        detail: format!(
            "the compressed copy {} is damaged or incomplete ({detail})",
            from.display()
        ),
    };
    let file = std::fs::File::open(from).map_err(|source| Error::Io {
        action: "open",
        path: from.to_owned(),
        source,
    })?;
    let mut decoder = zstd::stream::read::Decoder::new(file).map_err(|e| damaged(e.to_string()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut total: u64 = 0;
    loop {
        let n = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(damaged(e.to_string())),
        };
        if total == 0 && !buf[..n].starts_with(b"SQLite format 3\0") {
            return Err(damaged("it does not hold an SQLite file".into()));
        }
        to.write_all(&buf[..n]).map_err(|source| Error::Io {
            action: "unpack",
            path: from.to_owned(),
            source,
        })?;
        total += n as u64;
    }
    if total == 0 {
        return Err(damaged("it is empty".into()));
    }
    Ok(total)
}

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

pub(crate) fn stem(db_path: &Path) -> String {
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
        return Ok(Vec::new());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".db.zst").or_else(|| r.strip_suffix(".db")))
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
        // A second copy in the same second has "-2" after the time, and so on.
        let (stamp, n) = match stamp.split_once('-') {
            Some((stamp, n)) => match n.parse::<u32>() {
                Ok(n) => (stamp, n),
                Err(_) => continue,
            },
            None => (stamp, 1),
        };
        let Ok(at) = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ") else {
            continue;
        };
        found.push((
            n,
            BackupFile {
                path: entry.path().display().to_string(),
                taken_at: crate::kernel::time::stamp(at.and_utc()),
                bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
                kind: kind.into(),
            },
        ));
    }
    found.sort_by(|(na, a), (nb, b)| b.taken_at.cmp(&a.taken_at).then(nb.cmp(na)));
    Ok(found.into_iter().map(|(_, b)| b).collect())
}

/// The copies the rotation keeps take at most this many times the data file's size in all.
pub const BUDGET_TIMES: u64 = 3;

/// What the automatic copies of a data file take on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// How many automatic copies there are.
    pub copies: u32,
    /// Their total size.
    pub bytes: u64,
    /// The data file's size.
    pub data_bytes: u64,
    /// The most they may take together: [`BUDGET_TIMES`] the data file.
    pub budget_bytes: u64,
}

/// What the automatic copies of the data file at `db_path` take on disk.
pub fn usage(db_path: &Path) -> Result<Usage> {
    let automatic: Vec<BackupFile> = list(db_path)?
        .into_iter()
        .filter(|b| b.kind == "automatic")
        .collect();
    let data_bytes = std::fs::metadata(db_path).map(|m| m.len()).unwrap_or(0);
    Ok(Usage {
        copies: automatic.len() as u32,
        bytes: automatic.iter().map(|b| b.bytes).sum(),
        data_bytes,
        budget_bytes: data_bytes * BUDGET_TIMES,
    })
}

/// The newest backup of `db_path` that passes its check, for the "your file is damaged" screen.
pub fn newest_good(db_path: &Path) -> Result<Option<BackupFile>> {
    Ok(list(db_path)?
        .into_iter()
        .find(|b| check(Path::new(&b.path)).is_ok()))
}
