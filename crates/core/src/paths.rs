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
