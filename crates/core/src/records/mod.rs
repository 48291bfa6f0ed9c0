//! Records in general: lists (paging, filters, sort), custom fields, tags, saved views and the team (owners).

pub mod fields;
pub mod list;
pub mod tags;
pub mod team;
pub mod views;
