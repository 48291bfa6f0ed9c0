//! A data file's health: whether it is there at all, and whether SQLite's quick check found it
//! damaged. Once damage is found, writes are refused until the file is restored (or checks
//! healthy again), so nothing more goes into a file that is falling apart.
//!
//! The finding is kept in a small text file beside the data file, `<file>.damaged`, holding
//! what the check said: every process that opens the file (the app, each `rapport` command)
//! sees it, and it survives a restart. A check that finds the file healthy, and a restore,
//! remove it.

use std::path::{Path, PathBuf};

use crate::kernel::error::{Error, Result};

/// The file that records damage found in the data file at `db_path`.
pub fn marker(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".damaged");
    PathBuf::from(name)
}

/// Runs SQLite's quick check on the data file at `db_path` (read-only) and records the result:
/// the problems found (none when healthy). Damage found makes every later write refuse with
/// [`Error::Damaged`]; a healthy result lifts that.
pub fn quick_check(db_path: &Path) -> Result<Vec<String>> {
    let problems = match crate::store::backups::integrity_of_data_file(db_path, "quick_check") {
        Ok(problems) => problems,
        // SQLite could not even read the pages the check needs: that is damage too.
        Err(Error::CorruptDatabase { detail, .. }) => vec![detail],
        Err(other) => return Err(other),
    };
    if problems.is_empty() {
        clear(db_path);
    } else {
        let text = format!(
            "its quick check found: {}",
            problems
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
        // Best effort: when the folder cannot be written, the error is still reported now.
        let _ = std::fs::write(marker(db_path), text);
    }
    Ok(problems)
}

/// `rapport check`: the data file is there, passes SQLite's quick check (the result is
/// recorded, see [`quick_check`]) and is a Rapport database this version can open. Never
/// modifies the file.
pub fn check(db_path: &Path) -> Result<()> {
    if !db_path.exists() {
        return Err(Error::Io {
            action: "find",
            path: db_path.to_owned(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let problems = quick_check(db_path)?;
    if !problems.is_empty() {
        return Err(Error::Damaged {
            path: Some(db_path.to_owned()),
            detail: format!(
                "its quick check found: {}",
                problems.into_iter().take(5).collect::<Vec<_>>().join("; ")
            ),
            backup: None,
        }
        .locate(db_path));
    }
    crate::store::backups::check_schema(db_path)
}

/// Records damage SQLite met while working in the data file at `db_path`, unless some is
/// recorded already.
pub(crate) fn note(db_path: &Path, detail: &str) {
    let marker = marker(db_path);
    if db_path.is_file() && !marker.exists() {
        let _ = std::fs::write(marker, detail);
    }
}

/// Forgets damage recorded for `db_path` (after a restore put a good file in its place).
pub fn clear(db_path: &Path) {
    let _ = std::fs::remove_file(marker(db_path));
}

/// The damage recorded for `db_path`, if any, as an [`Error::Damaged`] that names the newest
/// good backup.
pub fn recorded_damage(db_path: &Path) -> Option<Error> {
    let found = std::fs::read_to_string(marker(db_path)).ok()?;
    let detail = found.trim().to_owned();
    Some(
        Error::Damaged {
            path: Some(db_path.to_owned()),
            detail,
            backup: None,
        }
        .locate(db_path),
    )
}

/// Refuses a write to a file whose check found damage. `None` (in memory) is never damaged.
pub(crate) fn refuse_if_damaged(db_path: Option<&Path>) -> Result<()> {
    match db_path.and_then(recorded_damage) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl Error {
    /// Names the data file at `db_path` in a "the file is damaged" error, with the newest
    /// backup of it that passes its check, and records the damage (see this module) so
    /// that no later write goes into the file; other errors are returned as they are. The
    /// front ends call this once, where they report an error.
    pub fn locate(self, db_path: &std::path::Path) -> Error {
        let (path, detail) = match self {
            Error::Damaged {
                path,
                detail,
                backup: Some(backup),
            } => {
                return Error::Damaged {
                    path: path.or_else(|| Some(db_path.to_owned())),
                    detail,
                    backup: Some(backup),
                };
            }
            Error::Damaged { path, detail, .. } => {
                (path.unwrap_or_else(|| db_path.to_owned()), detail)
            }
            Error::CorruptDatabase { path, detail } if path == db_path => (path, detail),
            other => return other,
        };
        note(&path, &detail);
        let backup = crate::store::backups::newest_good(&path)
            .ok()
            .flatten()
            .map(|b| PathBuf::from(b.path));
        Error::Damaged {
            path: Some(path),
            detail,
            backup,
        }
    }
}

/// Refuses a data file that is not there, or is empty (0 bytes), instead of letting opening
/// it make a new, empty database: a mistyped `--db` path or a file truncated by a full disk
/// must not quietly become an empty CRM. `rapport init` and the app's "new file" create files.
pub fn existing(db_path: &Path) -> Result<()> {
    let shown = db_path.display();
    match std::fs::metadata(db_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::invalid(
            "db",
            format!(
                "there is no data file at {shown}; check the path, or create one with `rapport init --db {shown}`"
            ),
        )),
        Err(source) => Err(Error::Io {
            action: "read",
            path: db_path.to_owned(),
            source,
        }),
        Ok(m) if m.is_file() && m.len() == 0 => Err(Error::invalid(
            "db",
            format!(
                "{shown} is an empty file (0 bytes), not a Rapport data file, and was left as it is; \
                 if it should be a new data file, run `rapport init --db {shown}`"
            ),
        )),
        Ok(_) => Ok(()),
    }
}
