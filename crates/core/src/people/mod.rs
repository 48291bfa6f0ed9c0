//! People: accounts and contacts, and finding and merging their duplicates.

pub mod accounts;
pub mod contacts;
pub mod duplicates;
