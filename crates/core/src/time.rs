//! Time stamps. Everything stored is UTC, written as RFC 3339 with milliseconds
//! (`2026-11-23T11:21:01.123Z`), so text order is time order.

use chrono::{SecondsFormat, Utc};

/// The current time as stored in the database.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}
