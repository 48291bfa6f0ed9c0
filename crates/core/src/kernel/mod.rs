//! The kernel: plain values and rules every other layer uses (errors, money, time, phone numbers, validation, recurrence, files and paths). It knows no table.

#[macro_use]
mod macros;

pub mod error;
pub mod files;
pub mod money;
pub mod paths;
pub mod phone;
pub mod recurrence;
pub mod time;
pub(crate) mod validate;
