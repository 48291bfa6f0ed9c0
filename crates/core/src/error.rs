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
        "Upgrading the database to schema version {version} ({name}) failed: {detail}. Nothing was changed."
    )]
    MigrationFailed {
        version: i64,
        name: String,
        detail: String,
    },

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

    #[error("Internal error: {0}")]
    Internal(String),

    #[error("stopped before the end: nothing was written")]
    Cancelled,

    /// Mail that did not go: the server's (or the network's) reason.
    #[error("{0}")]
    Delivery(String),

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
            _ => Error::Database(e),
        }
    }
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
            Error::MigrationFailed { .. } => ErrorCode::MigrationFailed,
            Error::Io { .. } => ErrorCode::Io,
            Error::Database(_) => ErrorCode::Database,
            Error::Internal(_) => ErrorCode::Internal,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Busy => ErrorCode::Busy,
            Error::Delivery(_) => ErrorCode::Delivery,
            Error::CompanyProfileMissing { .. } => ErrorCode::CompanyProfileMissing,
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
