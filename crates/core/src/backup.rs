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
