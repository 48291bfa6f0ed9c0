//! One pass over the mailbox: for each folder, the messages after the last one read.
//!
//! Headers first, in chunks of [`CHUNK`] messages: a message is wanted when it names an
//! address of a contact, lead or account (by the company's web domain), or was written to the
//! support or lead-capture address, and is not stored yet (by Message-ID, so the same message
//! in two folders, or read again after the server renumbered a folder, is kept once). Only the
//! wanted ones are downloaded whole. Each chunk is stored in one write with the folder's new
//! reading position, so a broken connection loses nothing and repeats nothing.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::parse::{Incoming, parse};
use super::{FolderInfo, MailServer, folders_to_read, settings};
use crate::activities::activity::{self, ActivityInput, ActivityKind, Direction, RecordRef};
use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{NOTES_MAX, SHORT_TEXT_MAX, clip, strip_controls};
use crate::store::db::Db;
use crate::store::writer::Writer;

/// Messages whose headers are read (and whose wanted ones are stored) in one go.
const CHUNK: usize = 200;

/// What a pass did in one folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderReport {
    pub folder: String,
    /// New messages looked at (their headers only, unless kept).
    pub seen: u32,
    /// Kept, each as an e-mail activity.
    pub stored: u32,
    /// Already kept (the same Message-ID from another folder or an earlier pass).
    pub known: u32,
    /// Sequences stopped because the person replied.
    pub sequences_stopped: u32,
    /// The folder was read to its end.
    pub complete: bool,
    /// What went wrong, in words; the next pass goes on from where this one stopped.
    pub problems: Vec<String>,
}

/// What a whole pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncReport {
    pub folders: Vec<FolderReport>,
    pub stored: u32,
    /// Every folder was read to its end without a problem.
    pub complete: bool,
}

/// Reads what is new in the mailbox and keeps what concerns the file's records.
///
/// A server that cannot be reached or refuses the login is an error; a folder missing or a
/// connection lost midway is a problem in the report (what was read before it is kept).
pub fn sync(db: &mut Db, server: &mut dyn MailServer) -> Result<SyncReport> {
    let s = settings(db.conn())?;
    let on_server = server.folders()?;
    let mut report = SyncReport::default();
    for folder in folders_to_read(&s, &on_server) {
        let mut f = FolderReport {
            folder: folder.clone(),
            ..FolderReport::default()
        };
        match read_folder(db, server, &folder, &mut f) {
            Ok(()) => f.complete = f.problems.is_empty(),
            Err(e) => f.problems.push(e.to_string()),
        }
        report.stored += f.stored;
        report.folders.push(f);
    }
    report.complete = report.folders.iter().all(|f| f.complete);
    Ok(report)
}

fn read_folder(
    db: &mut Db,
    server: &mut dyn MailServer,
    folder: &str,
    report: &mut FolderReport,
) -> Result<()> {
    let Some(info) = server.examine(folder)? else {
        let names: Vec<String> = server.folders()?.into_iter().map(|f| f.name).collect();
        report.problems.push(format!(
            "the server has no folder named \"{folder}\" (it has: {}); choose the folders to read in Settings → E-mail",
            names.join(", ")
        ));
        return Ok(());
    };
    let start = match position(db.conn(), folder)? {
        Some((validity, last)) if validity == i64::from(info.uidvalidity) => last + 1,
        _ => 1,
    };
    let uids = server.uids_from(u32::try_from(start).unwrap_or(u32::MAX))?;
    let directory = Directory::load(db.conn())?;
    for chunk in uids.chunks(CHUNK) {
        let heads = server.headers(chunk)?;
        report.seen += u32::try_from(heads.len()).unwrap_or(u32::MAX);
        let mut wanted = Vec::new();
        for h in &heads {
            let m = parse(&h.bytes);
            // A delivery report and an answer to the outbox's mail are read whole to learn
            // whom they concern.
            if directory.concerns(db.conn(), &m)?.is_empty()
                && !directory.listens(&m)
                && !m.report
                && answered_outbox(db.conn(), &m)?.is_empty()
            {
                continue;
            }
            if is_stored(db.conn(), &m.message_id)? {
                report.known += 1;
                continue;
            }
            wanted.push(h.uid);
        }
        let whole = if wanted.is_empty() {
            Vec::new()
        } else {
            server.messages(&wanted)?
        };
        let messages: Vec<(u32, Incoming)> =
            whole.iter().map(|m| (m.uid, parse(&m.bytes))).collect();
        let last = chunk.last().copied().unwrap_or_default();
        store_chunk(db, &directory, folder, info, last, &messages, report)?;
    }
    // The pass reached the end: say when.
    db.write(|w| save_position(w, folder, info, 0, true))
}

/// Stores a chunk's messages and the folder's new position in one write. A message that
/// cannot be stored (it should not happen: everything is cleaned first) is named in the
/// report and passed over, the others are stored one by one.
fn store_chunk(
    db: &mut Db,
    directory: &Directory,
    folder: &str,
    info: FolderInfo,
    last: u32,
    messages: &[(u32, Incoming)],
    report: &mut FolderReport,
) -> Result<()> {
    let whole = db.write(|w| {
        let mut stopped = 0;
        for (uid, m) in messages {
            stopped += store_in(w, directory, folder, *uid, m)?;
        }
        save_position(w, folder, info, last, false)?;
        Ok(stopped)
    });
    match whole {
        Ok(stopped) => {
            report.stored += u32::try_from(messages.len()).unwrap_or(u32::MAX);
            report.sequences_stopped += stopped;
            Ok(())
        }
        Err(Error::Validation(_)) => {
            for (uid, m) in messages {
                match db.write(|w| store_in(w, directory, folder, *uid, m)) {
                    Ok(stopped) => {
                        report.stored += 1;
                        report.sequences_stopped += stopped;
                    }
                    Err(e @ Error::Validation(_)) => report.problems.push(format!(
                        "the message \"{}\" (number {uid} in {folder}) could not be kept: {e}",
                        m.subject
                    )),
                    Err(e) => return Err(e),
                }
            }
            db.write(|w| save_position(w, folder, info, last, false))
        }
        Err(e) => Err(e),
    }
}

/// The folder's reading position is this file's own bookkeeping, not a change anyone made:
/// written beside the change log, so it never shows in History and undo never rewinds it
/// (messages a user undid are not read again).
fn save_position(
    w: &Writer<'_>,
    folder: &str,
    info: FolderInfo,
    last: u32,
    done: bool,
) -> Result<()> {
    w.conn()
        .prepare_cached(
            "INSERT INTO mail_folders (name, uidvalidity, last_uid, synced_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, CASE WHEN ?5 THEN ?4 END, ?4, ?4)
             ON CONFLICT (name) DO UPDATE SET
                 uidvalidity = excluded.uidvalidity,
                 last_uid = CASE WHEN mail_folders.uidvalidity = excluded.uidvalidity
                                 THEN max(mail_folders.last_uid, excluded.last_uid)
                                 ELSE excluded.last_uid END,
                 synced_at = CASE WHEN ?5 THEN ?4 ELSE mail_folders.synced_at END,
                 updated_at = excluded.updated_at",
        )?
        .execute((folder, info.uidvalidity, last, w.now(), done))?;
    Ok(())
}

fn position(conn: &Connection, folder: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT uidvalidity, last_uid FROM mail_folders WHERE name = ?1")?
        .query_row([folder], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Kept already, or sent by the outbox (which logged it when it went).
fn is_stored(conn: &Connection, message_id: &str) -> Result<bool> {
    let kept: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM mail_messages WHERE message_id = ?1)")?
        .query_row([message_id], |r| r.get(0))?;
    Ok(kept || crate::marketing::outbox::sent_to(conn, message_id)?.is_some())
}

/// Stores one message: its e-mail activity on every record it concerns, its mail row, and
/// what a reply does (it stops the person's sequences). Returns the sequences stopped.
fn store_in(
    w: &Writer<'_>,
    directory: &Directory,
    folder: &str,
    uid: u32,
    m: &Incoming,
) -> Result<u32> {
    if is_stored(w.conn(), &m.message_id)? {
        return Ok(0);
    }
    let mut links = directory.concerns(w.conn(), m)?;
    let outbound = m
        .from
        .as_ref()
        .is_some_and(|(a, _)| directory.own.contains(a));
    if let Some(b) = &m.bounce {
        // A report is about the address it failed to reach, not about who sent it.
        links = directory.records_of(w.conn(), &b.address)?;
        if links.is_empty() && !known_recipient(w.conn(), &b.address)? {
            return Ok(0);
        }
        bounced_in(w, b, m.date.as_deref().unwrap_or(w.now()))?;
    } else if m.report && links.is_empty() {
        // A delay notice, or a report about no one Rapport knows.
        return Ok(0);
    }
    if !outbound && !m.automatic {
        super::route::route_in(
            w,
            m,
            directory.support.as_deref(),
            directory.capture.as_deref(),
            &mut links,
        )?;
        if let Some((from, _)) = &m.from {
            // Mail from an address shows it works again.
            unbounce_in(w, from)?;
        }
    }
    let answered = answered_outbox(w.conn(), m)?;
    let unmatched = links.is_empty() && !outbound && !m.automatic && !answered.is_empty();
    if links.is_empty() && !unmatched && m.bounce.is_none() {
        return Ok(0);
    }
    let subject = if m.subject.trim().is_empty() {
        "(no subject)".to_owned()
    } else {
        clip(&m.subject, SHORT_TEXT_MAX)
    };
    let notes = clip(&m.text, NOTES_MAX);
    let activity_id = activity::create_in(
        w,
        &ActivityInput {
            kind: Some(ActivityKind::Email),
            subject,
            notes: (!notes.is_empty()).then_some(notes),
            direction: Some(if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            }),
            starts_at: m.date.clone(),
            done: true,
            links: links.clone(),
            ..Default::default()
        },
        crate::kernel::time::local_zone(),
    )?;
    // The conversation: the thread of the nearest message this one answers that is known
    // (kept from the mailbox, or sent by the outbox), else a new one.
    let mut thread = None;
    for id in m.answers() {
        thread = w
            .conn()
            .prepare_cached("SELECT thread_id FROM mail_messages WHERE message_id = ?1 LIMIT 1")?
            .query_row([&id], |r| r.get::<_, String>(0))
            .optional()?;
        if thread.is_some() {
            break;
        }
    }
    let thread = thread
        .or_else(|| answered.first().map(|(id, _)| id.clone()))
        .unwrap_or_else(|| m.message_id.clone());
    let attachments = (!m.attachments.is_empty())
        .then(|| serde_json::to_string(&m.attachments).unwrap_or_else(|_| "[]".into()));
    let clean = |s: &str| strip_controls(s);
    let text = |s: Option<String>| s.filter(|s| !s.is_empty()).map_or(Value::Null, Value::Text);
    w.insert(
        "mail_messages",
        &crate::new_id(),
        &[
            ("activity_id", Value::Text(activity_id)),
            ("message_id", Value::Text(clean(&m.message_id))),
            ("in_reply_to", text(m.in_reply_to.first().map(|s| clean(s)))),
            ("refs", text(Some(clean(&m.references.join(" "))))),
            ("thread_id", Value::Text(clean(&thread))),
            ("from_address", text(m.from.as_ref().map(|(a, _)| clean(a)))),
            ("from_name", text(m.from.as_ref().map(|(_, n)| clean(n)))),
            ("to_addresses", Value::Text(clean(&m.to.join(", ")))),
            ("cc_addresses", Value::Text(clean(&m.cc.join(", ")))),
            ("html", text(m.html.as_deref().map(clean))),
            ("attachments", text(attachments)),
            ("automatic", Value::Integer(i64::from(m.automatic))),
            ("problems", text(Some(m.problems.join("; ")))),
            ("folder", Value::Text(clean(folder))),
            ("uid", Value::Integer(i64::from(uid))),
            ("unmatched", Value::Integer(i64::from(unmatched))),
        ],
    )?;
    let mut stopped = 0;
    if !outbound && !m.automatic && !unmatched {
        // A person's own answer to mail the outbox sent them (not an out-of-office, not a
        // bounce) stops their sequences and counts as a response in their campaigns.
        let mut done = HashSet::new();
        for (_, (entity, id)) in answered {
            if done.insert((entity.clone(), id.clone()))
                && crate::store::writer::exists(w.conn(), &entity, &id)?
            {
                stopped += crate::marketing::sequences::replied_in(w, &entity, &id)?;
            }
        }
        // A mail asking to be taken off (the List-Unsubscribe answer) unsubscribes its sender.
        if m.subject.trim().eq_ignore_ascii_case("unsubscribe") {
            for r in links
                .iter()
                .filter(|r| r.entity == "contacts" || r.entity == "leads")
            {
                stopped += crate::marketing::sequences::unsubscribe_in(w, &r.entity, &r.id)?;
            }
        }
    }
    Ok(u32::try_from(stopped).unwrap_or(u32::MAX))
}

/// The outbox messages this one answers, as (Message-ID, the recipient's kind and id).
fn answered_outbox(conn: &Connection, m: &Incoming) -> Result<Vec<(String, (String, String))>> {
    let mut found = Vec::new();
    for id in m.answers() {
        if let Some(r) = crate::marketing::outbox::sent_to(conn, &id)? {
            found.push((id, r));
        }
    }
    Ok(found)
}

/// Whether the outbox ever wrote to `address`.
fn known_recipient(conn: &Connection, address: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE to_address = ?1 COLLATE NOCASE)",
        )?
        .query_row([address], |r| r.get(0))?)
}

/// Marks an address bouncing: the outbox writes to it no more, whoever holds it.
fn bounced_in(w: &Writer<'_>, b: &super::Bounce, at: &str) -> Result<()> {
    let old: Option<String> = w
        .conn()
        .prepare_cached("SELECT id FROM mail_bounces WHERE address = ?1")?
        .query_row([&b.address], |r| r.get(0))
        .optional()?;
    let fields = [
        ("reason", Value::Text(clip(&b.reason, SHORT_TEXT_MAX))),
        ("bounced_at", Value::Text(at.to_owned())),
    ];
    match old {
        Some(id) => w.update("mail_bounces", &id, &fields).map(|_| ()),
        None => {
            let mut all = vec![("address", Value::Text(b.address.clone()))];
            all.extend(fields);
            w.insert("mail_bounces", &crate::new_id(), &all)
        }
    }
}

/// Clears an address's bounce: mail came from it, so it works.
fn unbounce_in(w: &Writer<'_>, address: &str) -> Result<()> {
    let old: Option<String> = w
        .conn()
        .prepare_cached("SELECT id FROM mail_bounces WHERE address = ?1")?
        .query_row([address], |r| r.get(0))
        .optional()?;
    match old {
        Some(id) => w.delete("mail_bounces", &id),
        None => Ok(()),
    }
}

/// Who is who: the user's own addresses, and companies by their web domain.
struct Directory {
    own: HashSet<String>,
    listening: HashSet<String>,
    support: Option<String>,
    capture: Option<String>,
    domains: HashMap<String, Vec<String>>,
}

/// Domains of mailbox providers: a message from one says nothing of the sender's company.
const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "gmx.at",
    "gmx.ch",
    "web.de",
    "t-online.de",
    "freenet.de",
    "posteo.de",
    "mail.ru",
    "yandex.ru",
    "proton.me",
    "protonmail.com",
    "zoho.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "libero.it",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
];

impl Directory {
    fn load(conn: &Connection) -> Result<Directory> {
        let s = settings(conn)?;
        let smtp = crate::marketing::mailer::settings(conn)?;
        let mut own: HashSet<String> = [
            smtp.from_address.as_str(),
            smtp.reply_to.as_str(),
            s.username.as_str(),
        ]
        .into_iter()
        .filter(|a| a.contains('@'))
        .map(|a| a.trim().to_lowercase())
        .collect();
        let listening: HashSet<String> = [s.support_address.as_str(), s.capture_address.as_str()]
            .into_iter()
            .filter(|a| !a.is_empty())
            .map(str::to_lowercase)
            .collect();
        own.extend(listening.iter().cloned());
        let own_domains: HashSet<&str> = own.iter().filter_map(|a| domain_of(a)).collect();
        let mut domains: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, website FROM accounts WHERE website IS NOT NULL AND website <> ''",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, website) = row?;
            if let Some(d) = crate::people::duplicates::domain(&website)
                && !SHARED_DOMAINS.contains(&d.as_str())
                && !own_domains.contains(d.as_str())
            {
                domains.entry(d).or_default().push(id);
            }
        }
        let address = |a: &str| Some(a.to_lowercase()).filter(|a| !a.is_empty());
        Ok(Directory {
            own,
            listening,
            support: address(&s.support_address),
            capture: address(&s.capture_address),
            domains,
        })
    }

    /// Written to the support or lead-capture address.
    fn listens(&self, m: &Incoming) -> bool {
        m.to.iter().chain(&m.cc).any(|a| self.listening.contains(a))
    }

    /// The records a message concerns: the contacts and leads with one of its addresses (and
    /// the contacts' companies), and the companies whose web domain its addresses are at.
    fn concerns(&self, conn: &Connection, m: &Incoming) -> Result<Vec<RecordRef>> {
        let mut found: Vec<RecordRef> = Vec::new();
        for address in m.addresses() {
            if self.own.contains(&address) {
                continue;
            }
            for r in self.records_of(conn, &address)? {
                if !found.contains(&r) {
                    found.push(r);
                }
            }
        }
        Ok(found)
    }

    /// The records with this address (and the contacts' companies), and the companies at its
    /// web domain.
    fn records_of(&self, conn: &Connection, address: &str) -> Result<Vec<RecordRef>> {
        let mut found: Vec<RecordRef> = Vec::new();
        let mut add = |entity: &str, id: String| {
            if !found.iter().any(|r| r.entity == entity && r.id == id) {
                found.push(RecordRef {
                    entity: entity.to_owned(),
                    id,
                });
            }
        };
        {
            let contacts: Vec<(String, Option<String>)> = conn
                .prepare_cached(
                    "SELECT c.id, c.account_id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
                      WHERE e.address = ?1 COLLATE NOCASE",
                )?
                .query_map([address], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (contact, account) in contacts {
                add("contacts", contact);
                if let Some(a) = account {
                    add("accounts", a);
                }
            }
            let leads: Vec<String> = conn
                .prepare_cached(
                    "SELECT id FROM leads WHERE email = ?1 COLLATE NOCASE AND status <> 'converted'",
                )?
                .query_map([address], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for lead in leads {
                add("leads", lead);
            }
            if let Some(accounts) = domain_of(address).and_then(|d| self.domains.get(d)) {
                for a in accounts {
                    add("accounts", a.clone());
                }
            }
        }
        Ok(found)
    }
}

fn domain_of(address: &str) -> Option<&str> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}
