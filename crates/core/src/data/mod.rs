//! The data file's ways in and out: import, export, the JSON archive, backups, vCard, iCalendar and bulk edits.

pub mod archive;
pub mod backup;
pub mod bulk;
pub mod export;
pub mod ics;
pub mod import;
pub mod inbox;
pub mod vcard;
