//! The one place where the layers are wired together: the default data each migration seeds,
//! and which module reacts to which [`Event`]. It is the top layer: it may name every module,
//! and no module names it. [`Db::open`], [`Db::open_waiting`] and [`Db::open_in_memory`] are
//! defined here, so every handle gets this wiring.
//!
//! # How modules react to each other
//!
//! A module that does something raises an event inside its write ([`Writer::emit`]); the
//! subscribers below run in the same transaction, in this order, and an error from any of
//! them undoes the whole write. Plain foreign-key columns are not handled here but by the
//! link registry (`store::links`: `release` on delete, `move_all` on merge).
//!
//! - `LeadCreated` (sales::leads: create, import, call-list promotion)
//!   -> marketing::sequences enrols the lead in every active sequence whose rule it matches.
//! - `RecordDeleted { kind, id }` (people::contacts, people::accounts, sales::leads,
//!   sales::opportunities, service::tickets: delete)
//!   -> marketing::campaigns takes the record off every campaign's member list;
//!   -> marketing::segments takes it out of every static list;
//!   -> marketing::sequences stops its running enrolments (`removed`) and cancels the
//!   messages they had queued.
//! - `RecordsMerged { kind, from, into }` (people::contacts: merge)
//!   -> marketing::campaigns moves its campaign memberships to `into` (one per campaign);
//!   -> marketing::segments moves its static-list memberships (one per list);
//!   -> marketing::sequences moves its enrolments (stopping the merged one where both were
//!   enrolled) and its messages.
//! - `ActivityCompleted { id, links }` (activities::activity: complete, a call list's call)
//!   -> service::tickets resolves the ticket whose callback this was (if it asked to be);
//!   -> service::agreements marks the agreement visit whose task this was delivered.
//! - `MailSent { id, activity_id }` (marketing::outbox: a message sent)
//!   -> service::tickets: a ticket reply that left meets the first-response target and its
//!   e-mail is put on the ticket's timeline;
//!   -> sales::documents: a draft quote e-mailed is sent, and the e-mail is on the account's
//!   and the deal's timelines.
//! - `LeadConverted { lead_id, account_id, contact_id, opportunity_id }`
//!   (sales::leads: convert) -> no subscriber yet.
//!
//! # Seeds
//!
//! Migration 4 seeds the default pipeline (sales::pipelines), 5 the lead statuses
//! (sales::leads), 7 the default SLA policy (service::sla), 8 the document numbering
//! (sales::documents).

use std::path::Path;
use std::time::Duration;

use crate::kernel::error::Result;
use crate::marketing::{campaigns, segments, sequences};
use crate::service::{agreements, tickets};
use crate::store::db::{BUSY_TIMEOUT, Db, MIGRATIONS, Seed, Wiring};
use crate::store::events::{Event, Reaction};
use crate::store::writer::Writer;

/// The migrations, seeds and subscribers of every handle Rapport opens.
pub static WIRING: Wiring = Wiring {
    migrations: MIGRATIONS,
    seeds: SEEDS,
    subscribers: SUBSCRIBERS,
};

/// Default data, by the migration that creates its tables.
const SEEDS: &[Seed] = &[
    Seed {
        version: 4,
        run: crate::sales::pipelines::seed,
    },
    Seed {
        version: 5,
        run: crate::sales::leads::seed,
    },
    Seed {
        version: 7,
        run: crate::service::sla::seed,
    },
    Seed {
        version: 8,
        run: crate::sales::documents::seed,
    },
];

/// Every reaction, in the order they run (see the module documentation).
const SUBSCRIBERS: &[Reaction] = &[
    campaign_members,
    static_list_members,
    sequence_enrolments,
    ticket_callbacks,
    agreement_deliveries,
    document_mail,
];

/// Campaign member lists follow the records on them.
fn campaign_members(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::RecordDeleted { kind, id } => campaigns::forget_member(w, kind, id),
        Event::RecordsMerged { kind, from, into } => campaigns::move_member(w, kind, into, from),
        _ => Ok(()),
    }
}

/// Static lists follow the records on them.
fn static_list_members(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::RecordDeleted { id, .. } => segments::forget_member(w, id),
        Event::RecordsMerged { from, into, .. } => segments::move_member(w, into, from),
        _ => Ok(()),
    }
}

/// New leads enrol in matching sequences; a deleted record's sequences stop; a merged record's
/// enrolments and messages move.
fn sequence_enrolments(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::LeadCreated { .. } => sequences::on_event(w, event),
        Event::RecordDeleted { kind, id } => sequences::forget_record(w, kind, id),
        Event::RecordsMerged { kind, from, into } => sequences::move_records(w, kind, into, from),
        _ => Ok(()),
    }
}

/// Completing a ticket's callback resolves the ticket; a ticket reply leaving the outbox
/// answers the ticket (its first-response clock stops) and is on its timeline.
fn ticket_callbacks(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::ActivityCompleted { id, .. } => tickets::activity_completed(w, id),
        Event::MailSent { id, activity_id } => tickets::reply_sent(w, id, activity_id),
        _ => Ok(()),
    }
}

/// A quote, invoice or credit note e-mailed: a draft quote is sent once the mail leaves.
fn document_mail(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::MailSent { id, activity_id } => {
            crate::sales::documents::mail_sent(w, id, activity_id)
        }
        _ => Ok(()),
    }
}

/// Completing an agreement visit's task logs the delivery.
fn agreement_deliveries(w: &Writer<'_>, event: &Event) -> Result<()> {
    match event {
        Event::ActivityCompleted { id, .. } => agreements::activity_completed(w, id),
        _ => Ok(()),
    }
}

impl Db {
    /// Opens (creating it if missing) the database at `path` and brings its schema up to date.
    ///
    /// A file that is not SQLite, is damaged, belongs to another program or comes from a newer
    /// Rapport is refused with an error that says so, and is never modified.
    ///
    /// The handle joins the file's users (see [`crate::store::owner`]): opening waits a few
    /// seconds while another program restores the file, and up to [`BUSY_TIMEOUT`] for
    /// another process's turn.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_wired(path.as_ref(), &WIRING, BUSY_TIMEOUT)
    }

    /// [`Db::open`], waiting up to `wait` for other processes' turns (when opening and in
    /// every later [`Db::turn`] and [`Db::write`]). The CLI waits longer than the window.
    pub fn open_waiting(path: impl AsRef<Path>, wait: Duration) -> Result<Db> {
        Db::open_wired(path.as_ref(), &WIRING, wait)
    }

    /// An empty, fully migrated database in memory, for tests and previews.
    pub fn open_in_memory() -> Result<Db> {
        Db::in_memory_wired(&WIRING)
    }
}
