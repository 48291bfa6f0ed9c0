//! Rapport's core: domain types, storage and services.
//!
//! The core knows nothing of Tauri, IPC or the UI. Front ends (the `rapport` CLI and the
//! desktop shell) open a [`Db`] and call domain functions such as [`contacts::create`];
//! every write goes through [`store::Writer`], which logs it in the change log.
//!
//! The modules sit in layers, each importing only from its own folder or a lower one (kernel,
//! store, records, activities, people, marketing, sales, service, data, insight, then
//! [`wiring`], where reactions to events and default data are registered); `tests/it/layers.rs`
//! checks it.

#[macro_use]
pub mod kernel;

pub mod activities;
pub mod data;
pub mod insight;
pub mod marketing;
pub mod people;
pub mod records;
pub mod sales;
pub mod service;
pub mod store;
pub mod wiring;

pub use kernel::error::{Error, ErrorCode, FieldError, Result};
/// The SQLite connection type, for read-only calls such as `people::contacts::list(db.conn(), ..)`.
pub use rusqlite::Connection;
pub use store::db::Db;

/// `f` of each item, worked out on all cores (up to 8 threads), in the items' order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            // A panic in a worker is the caller's: never a silently shorter result.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// A new row id: a UUID v7 (time-ordered) as lower-case text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
