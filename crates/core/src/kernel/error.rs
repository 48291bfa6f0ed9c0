//! The one error type of the core. Every fallible core function returns [`Result`].
//!
//! Front ends (the CLI, the Tauri shell) never match on messages: they branch on
//! [`Error::code`], a stable machine-readable code, and show [`Error`]'s `Display` text,
//! which is written for the person using the app.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid field of an input, named as the user sees it in forms and CLI flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    /// The input field, in the snake_case name used by the API (`first_name`, `emails.1.address`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Stable codes the UI and scripts branch on. Adding a code is fine; renaming one breaks clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    NotADatabase,
    CorruptDatabase,
    SchemaTooNew,
    /// The file is being brought up to this version's schema (in the background, at start);
    /// the window waits for it. Nothing is lost if it is stopped: the update is all or nothing.
    Updating,
    MigrationFailed,
    Io,
    Database,
    Internal,
    /// The user stopped a long operation (an import); nothing was written.
    Cancelled,
    /// Another process held the file's write lock for longer than we wait; nothing was written.
    Busy,
    /// The mail server could not be reached or refused a message; the message keeps the reason.
    Delivery,
    /// The mailbox (IMAP) could not be read: the server could not be reached, refused the
    /// login, or the connection broke. What was read before it is kept.
    Mailbox,
    /// Another Rapport program has the data file open, so it cannot be replaced (restored)
    /// now; the message names that program. Nothing was changed.
    FileInUse,
    /// A total of stored amounts is beyond what can be counted exactly (amounts above the
    /// limit stored before it existed); nothing was changed.
    TotalTooLarge,
    /// The company's name or address (Settings, Company) is missing, and what was asked (issuing
    /// an invoice) must name the seller. The UI offers a button to Settings, Company.
    CompanyProfileMissing,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", validation_message(.0))]
    Validation(Vec<FieldError>),

    /// `named`: `id` was what the user typed, a name or an id.
    #[error("{}", not_found_message(entity, id, *.named))]
    NotFound {
        entity: &'static str,
        id: String,
        named: bool,
    },

    #[error("{0}")]
    Conflict(String),

    #[error(
        "{path} is not a Rapport database (SQLite says: {detail}). The file was left untouched."
    )]
    NotADatabase { path: PathBuf, detail: String },

    #[error(
        "The database {path} is damaged: {detail}. The file was left untouched; restore a backup."
    )]
    CorruptDatabase { path: PathBuf, detail: String },

    #[error(
        "The database {path} was written by a newer Rapport (schema version {found}, this build knows up to {supported}). Update Rapport to open it."
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "Rapport is updating the data file {path} to this version ({steps} {}); on a big file this takes a minute. Nothing is lost if it is stopped: the update is all or nothing.",
        if *.steps == 1 { "step" } else { "steps" }
    )]
    Updating { path: PathBuf, steps: i64 },

    #[error(
        "Upgrading the database to schema version {version} ({name}) failed: {detail}. Nothing was changed."
    )]
    MigrationFailed {
        version: i64,
        name: String,
        detail: String,
    },

    /// SQLite found the file damaged while working (`SQLITE_CORRUPT`, `SQLITE_NOTADB`), or
    /// its quick check did and writes are refused. [`Error::locate`] names the file and the
    /// newest good backup; the code is `corrupt_database`, as for a file that cannot be opened.
    #[error("{}", damaged_message(path.as_deref(), detail, backup.as_deref()))]
    Damaged {
        path: Option<PathBuf>,
        detail: String,
        backup: Option<PathBuf>,
    },

    /// A total that does not fit in 64 bits: `what` names it.
    #[error(
        "The {0} is too large to count exactly: some stored amounts are beyond 10,000,000,000,000, the largest Rapport accepts. Correct those amounts; nothing was changed."
    )]
    TotalTooLarge(String),

    #[error("Could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("Database error: {0}")]
    Database(rusqlite::Error),

    #[error(
        "The database is busy: another Rapport window or command has been writing to it for a while. Nothing was changed; try again when it is done."
    )]
    Busy,

    /// Another process held the file's turn (see `owner`) for longer than we wait.
    #[error(
        "{} is using {path}; try again in a moment. Nothing was changed.",
        busy_who(who)
    )]
    TurnBusy { path: PathBuf, who: Option<String> },

    /// Another program is restoring (replacing) the file.
    #[error("{path} is being restored or replaced by {who}; try again when it is done.")]
    BeingReplaced { path: PathBuf, who: String },

    /// The file cannot be replaced while another program has it open (`message` names it).
    #[error("{message}")]
    FileInUse { path: PathBuf, message: String },

    #[error("Internal error: {0}")]
    Internal(String),

    #[error("stopped before the end: nothing was written")]
    Cancelled,

    /// Mail that did not go: the server's (or the network's) reason.
    #[error("{0}")]
    Delivery(String),

    /// The mailbox could not be read: the server's (or the network's) reason, and what to do.
    #[error("{0}")]
    Mailbox(String),

    /// The company's name or address is not set, and `action` must name the seller.
    #[error(
        "Set your company's {missing} in Settings, Company (or with rapport company --name ... --address ...) before {action}: an invoice must name who it is from, and once issued it cannot be changed."
    )]
    CompanyProfileMissing {
        missing: &'static str,
        action: &'static str,
    },
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Error::Busy
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                Error::Damaged {
                    path: None,
                    detail: sqlite_words(&e),
                    backup: None,
                }
            }
            _ if e.to_string().contains(crate::kernel::money::SUM_TOO_LARGE) => {
                Error::TotalTooLarge("total of amounts".into())
            }
            _ if is_foreign_key(&e) => Error::Conflict(
                "This change points at a record that no longer exists, or removes one that other records still point at (a link between records would break). Nothing was changed."
                    .to_owned(),
            ),
            _ => Error::Database(e),
        }
    }
}

fn busy_who(who: &Option<String>) -> String {
    match who {
        // "Another Rapport program (rapport, pid 77)", "The Rapport app (pid 4242)".
        Some(who) => {
            let mut chars = who.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        None => "Another Rapport program".to_owned(),
    }
}

/// SQLite's own words for an error ("database disk image is malformed").
fn sqlite_words(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, Some(msg)) if !msg.is_empty() => {
            let plain = f.to_string();
            if msg == &plain { plain } else { msg.clone() }
        }
        rusqlite::Error::SqliteFailure(f, _) => f.to_string(),
        other => other.to_string(),
    }
}

fn damaged_message(
    path: Option<&std::path::Path>,
    detail: &str,
    backup: Option<&std::path::Path>,
) -> String {
    let file = match path {
        Some(p) => format!("The data file {}", p.display()),
        None => "The data file".to_owned(),
    };
    let what_to_do = match backup {
        Some(b) => format!(
            "Restore the newest good backup: {} (rapport restore {}, or Data, Backups in the app).",
            b.display(),
            b.display()
        ),
        None => "No good backup of it was found: make a copy of the file before anything else, \
                 then restore a backup you have elsewhere (rapport restore FILE)."
            .to_owned(),
    };
    format!("{file} is damaged (SQLite: {detail}). Rapport writes nothing more to it. {what_to_do}")
}

/// Whether SQLite refused a write because a link between records (a foreign key) would break.
pub(crate) fn is_foreign_key(e: &rusqlite::Error) -> bool {
    e.sqlite_error()
        .is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

fn validation_message(errors: &[FieldError]) -> String {
    match errors {
        [] => "The input is not valid.".to_owned(),
        [one] => format!("{}: {}", one.field, one.message),
        many => many
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::NotADatabase { .. } => ErrorCode::NotADatabase,
            Error::CorruptDatabase { .. } => ErrorCode::CorruptDatabase,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Updating { .. } => ErrorCode::Updating,
            Error::MigrationFailed { .. } => ErrorCode::MigrationFailed,
            Error::Io { .. } => ErrorCode::Io,
            Error::Database(_) => ErrorCode::Database,
            Error::Internal(_) => ErrorCode::Internal,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Busy | Error::TurnBusy { .. } | Error::BeingReplaced { .. } => ErrorCode::Busy,
            Error::FileInUse { .. } => ErrorCode::FileInUse,
            Error::Delivery(_) => ErrorCode::Delivery,
            Error::Mailbox(_) => ErrorCode::Mailbox,
            Error::CompanyProfileMissing { .. } => ErrorCode::CompanyProfileMissing,
            Error::Damaged { .. } => ErrorCode::CorruptDatabase,
            Error::TotalTooLarge(_) => ErrorCode::TotalTooLarge,
        }
    }

    /// The invalid fields, for a validation error; empty otherwise.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(errors) => errors,
            _ => &[],
        }
    }

    /// True when the user can fix the problem by changing their input (CLI exit code 2).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self.code(),
            ErrorCode::Validation
                | ErrorCode::NotFound
                | ErrorCode::Conflict
                | ErrorCode::FileInUse
                | ErrorCode::CompanyProfileMissing
        )
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }

    pub fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            entity,
            id: id.into(),
            named: false,
        }
    }

    /// Nothing has this name or id (`key`, as the user typed it).
    pub fn not_named(entity: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound {
            entity,
            id: key.into(),
            named: true,
        }
    }
}

fn not_found_message(entity: &str, id: &str, named: bool) -> String {
    if named {
        format!("No {entity} is named \"{id}\" or has that id.")
    } else {
        format!("No {entity} with id {id} exists (it may have been deleted).")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_names_every_field() {
        let err = Error::Validation(vec![
            FieldError::new("first_name", "is required"),
            FieldError::new("emails.0.address", "is not an e-mail address"),
        ]);
        assert_eq!(
            err.to_string(),
            "first_name: is required; emails.0.address: is not an e-mail address"
        );
        assert_eq!(err.code(), ErrorCode::Validation);
        assert!(err.is_user_error());
    }
}
