//! The store: the database handle, the write path (`Writer`) with its change log and the history of actions, the events raised by writes, full-text search, settings, the data file's owner locks and health, and the link registry.

pub mod backups;
pub mod changelog;
pub mod db;
pub mod events;
pub mod health;
pub mod history;
pub mod links;
pub mod owner;
pub mod search;
pub mod settings;
pub mod writer;
