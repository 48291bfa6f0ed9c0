//! The core's integration tests, as one test binary: each module was once a binary of its own, and
//! linking thirty copies of the core and its dependencies took most of a clean build's disk
//! (about 1 GB) and much of its time. `cargo test -p rapport-core --test it <module>::` runs one.

mod activities;
mod analytics;
mod archive;
mod backups;
mod bulk;
mod calendar;
mod campaigns;
mod changelog;
mod contacts;
mod events;
mod fields;
mod history;
mod import;
mod layers;
mod leads;
mod links;
mod marketing;
mod merge;
mod migration_fixture;
mod opportunities;
mod properties;
mod ranges;
mod sales;
mod schema;
mod search;
mod service;
mod storage;
mod timeline;
mod undo_properties;
