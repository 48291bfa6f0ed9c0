//! Where the database lives when nobody says otherwise.

use std::path::PathBuf;

/// The environment variable both binaries read for the database path.
pub const DB_ENV: &str = "RAPPORT_DB";

/// `$RAPPORT_DB` if set, else `rapport.db` in the platform's user data folder
/// (`~/.local/share/rapport/` on Linux).
pub fn default_db_path() -> PathBuf {
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    data_dir().join("rapport.db")
}

fn data_dir() -> PathBuf {
    match directories::BaseDirs::new() {
        Some(dirs) => dirs.data_dir().join("rapport"),
        // No home folder at all (a bare service account): fall back to the working folder.
        None => PathBuf::from("rapport-data"),
    }
}

/// Where the desktop app notes the file it opened last.
pub fn last_opened_file() -> PathBuf {
    data_dir().join("last-opened")
}

/// The database the desktop app opened last (by "open another file" or "new database"), when
/// it still exists.
pub fn last_opened() -> Option<PathBuf> {
    let text = std::fs::read_to_string(last_opened_file()).ok()?;
    let path = PathBuf::from(text.trim());
    path.exists().then_some(path)
}

/// Notes `path` in `file` as the database the desktop app opens next time (best effort).
pub fn remember_opened(file: &std::path::Path, path: &std::path::Path) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let _ = crate::kernel::files::write_atomically(file, path.display().to_string().as_bytes());
}
