//! The error shape every command returns to the UI: `{code, message, fields}`.

use rapport_core::{Error, ErrorCode, FieldError};
use serde::Serialize;
use ts_rs::TS;

/// What the UI receives when a command fails. The UI branches on `code` and shows `message`;
/// `fields` lists the invalid inputs of a validation error, for messages under each field.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<Error> for CommandError {
    fn from(err: Error) -> Self {
        CommandError {
            code: err.code(),
            message: err.to_string(),
            fields: err.field_errors().to_vec(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_cross_as_code_message_and_fields() {
        let err = CommandError::from(Error::invalid("last_name", "is required"));
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "last_name: is required",
                "fields": [{"field": "last_name", "message": "is required"}]
            })
        );
    }

    #[test]
    fn other_errors_cross_with_their_code_and_no_fields() {
        let err = CommandError::from(Error::not_found("contact", "0193"));
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(json["code"], "not_found");
        assert_eq!(json["fields"], serde_json::json!([]));
    }
}
