//! Mail read from the user's own mailbox (IMAP): the settings, what a sync keeps, and where
//! each folder's reading stopped.
//!
//! The IMAP client itself lives in `rapport-mail` (like the SMTP sender), behind the
//! [`MailServer`] trait, so this module builds and tests without network code. A sync reads
//! the headers of the messages it has not seen yet, keeps only those that concern a record of
//! the file (or were written to the support or lead-capture address), downloads the whole of
//! those only, and stores each as an e-mail activity on the timeline of every record it
//! concerns. Everything else stays on the server and is never stored. The server is only read:
//! folders are opened with `EXAMINE` and bodies fetched with `BODY.PEEK`, so not even the
//! "seen" flag changes.

mod parse;
mod read;
mod route;
mod sync;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::Result;
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::marketing::mailer::SmtpSecurity;
use crate::store::db::Db;

pub use parse::{Bounce, Incoming, MailAttachment, parse};
pub use read::{MailMessage, MailQuery, message, messages};
pub use route::{UnmatchedAction, resolve_unmatched};
pub use sync::{FolderReport, SyncReport, sync};

const SETTINGS_KEY: &str = "imap";

/// The mailbox Rapport reads and what it listens for. No password: it is kept in the system
/// keyring (see `rapport-mail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MailboxSettings {
    pub host: String,
    pub port: u16,
    /// `tls` (port 993), `starttls` (port 143) or `none` (a server on this machine only).
    pub security: SmtpSecurity,
    pub username: String,
    /// The folders read, by their names on the server. Empty: the inbox and the folder the
    /// server marks as Sent (else the one named "Sent").
    pub folders: Vec<String>,
    /// Mail written to this address opens a ticket (optional).
    pub support_address: String,
    /// Mail written to this address becomes a lead (optional).
    pub capture_address: String,
}

impl Default for MailboxSettings {
    fn default() -> Self {
        MailboxSettings {
            host: String::new(),
            port: 993,
            security: SmtpSecurity::Tls,
            username: String::new(),
            folders: Vec::new(),
            support_address: String::new(),
            capture_address: String::new(),
        }
    }
}

impl MailboxSettings {
    pub fn is_set(&self) -> bool {
        !self.host.trim().is_empty() && !self.username.trim().is_empty()
    }
}

/// Where the reading of one folder stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderState {
    pub name: String,
    /// The highest message number (UID) read; the next sync starts after it.
    #[ts(type = "number")]
    pub last_uid: i64,
    /// The end of the last complete pass (UTC), if one ended.
    pub synced_at: Option<String>,
}

/// The settings, the password's presence and how far each folder was read, as the settings
/// screen and `rapport mail status` show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxStatus {
    pub settings: MailboxSettings,
    /// A password is stored in the keyring (or given in the environment).
    pub has_password: bool,
    /// Why the keyring cannot be used here, when it cannot.
    pub keyring_problem: Option<String>,
    pub folders: Vec<FolderState>,
    /// Messages stored so far.
    #[ts(type = "number")]
    pub messages: i64,
}

/// What connecting to the mailbox found: its folders, or the step that failed and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailboxTest {
    pub ok: bool,
    /// Where it failed: `settings`, `password`, `dns`, `connect`, `tls`, `login`, `folder` or
    /// `server`; `None` when all went well.
    pub stage: Option<String>,
    /// What happened, in words (and what to do about it).
    pub message: String,
    /// The folders the server has (once logged in).
    pub folders: Vec<String>,
    /// The folders that will be read.
    pub reading: Vec<String>,
}

/// A folder as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    pub name: String,
    /// The server marks it as where sent mail goes (`\Sent`, RFC 6154).
    pub sent: bool,
}

/// A folder opened for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderInfo {
    /// Changes when the server renumbers the folder: everything is then read again (messages
    /// already stored are recognised by their Message-ID and not stored twice).
    pub uidvalidity: u32,
    /// How many messages the folder holds.
    pub exists: u32,
}

/// One message (or its headers) as fetched, by its UID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    pub bytes: Vec<u8>,
}

/// A mailbox on an IMAP server, read only. `rapport_mail::ImapServer` is the real one.
pub trait MailServer {
    /// Every folder on the server.
    fn folders(&mut self) -> Result<Vec<RemoteFolder>>;
    /// Opens `folder` read-only; `None` when the server has no such folder.
    fn examine(&mut self, folder: &str) -> Result<Option<FolderInfo>>;
    /// The UIDs of the open folder's messages numbered `first` or higher, in order.
    fn uids_from(&mut self, first: u32) -> Result<Vec<u32>>;
    /// The address and identity headers (From, To, Cc, Message-ID) of these messages.
    fn headers(&mut self, uids: &[u32]) -> Result<Vec<Fetched>>;
    /// These messages whole.
    fn messages(&mut self, uids: &[u32]) -> Result<Vec<Fetched>>;
}

pub fn settings(conn: &Connection) -> Result<MailboxSettings> {
    Ok(crate::store::settings::get(conn, SETTINGS_KEY)?.unwrap_or_default())
}

/// Saves the mailbox settings after checking them (never a password).
pub fn save_settings(db: &mut Db, input: &MailboxSettings) -> Result<MailboxSettings> {
    let mut c = Checker::default();
    let host = c.required("host", &input.host, SHORT_TEXT_MAX);
    if host.contains(char::is_whitespace) || host.contains("://") {
        c.fail(
            "host",
            "write the server's name only, such as imap.example.com",
        );
    }
    if input.port == 0 {
        c.fail(
            "port",
            "enter the server's port (993, or 143 with STARTTLS)",
        );
    }
    let username = c.required("username", &input.username, SHORT_TEXT_MAX);
    let mut folders: Vec<String> = Vec::new();
    for f in &input.folders {
        let f = f.trim();
        if f.is_empty() || folders.iter().any(|x| x == f) {
            continue;
        }
        if f.chars().any(char::is_control) {
            c.fail(
                "folders",
                format!("the folder name \"{f}\" holds a control character"),
            );
        }
        folders.push(f.to_owned());
    }
    let mut address = |field: &str, value: &str| {
        if value.trim().is_empty() {
            String::new()
        } else {
            c.email(field, value).to_lowercase()
        }
    };
    let support_address = address("support_address", &input.support_address);
    let capture_address = address("capture_address", &input.capture_address);
    if !support_address.is_empty() && support_address == capture_address {
        c.fail(
            "capture_address",
            "the lead-capture address must differ from the support address: each mail would be both a ticket and a lead",
        );
    }
    c.finish()?;
    let clean = MailboxSettings {
        host,
        port: input.port,
        security: input.security,
        username,
        folders,
        support_address,
        capture_address,
    };
    db.write(|w| {
        w.describe("Mailbox settings changed");
        crate::store::settings::set(w, SETTINGS_KEY, &clean)
    })?;
    Ok(clean)
}

/// How far each folder was read.
pub fn folder_states(conn: &Connection) -> Result<Vec<FolderState>> {
    let rows = conn
        .prepare_cached("SELECT name, last_uid, synced_at FROM mail_folders ORDER BY name")?
        .query_map([], |r| {
            Ok(FolderState {
                name: r.get(0)?,
                last_uid: r.get(1)?,
                synced_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many messages are stored.
pub fn stored_messages(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM mail_messages")?
        .query_row([], |r| r.get(0))?)
}

/// The folders a sync reads: those chosen, else the inbox and the Sent folder.
pub fn folders_to_read(settings: &MailboxSettings, on_server: &[RemoteFolder]) -> Vec<String> {
    if !settings.folders.is_empty() {
        return settings.folders.clone();
    }
    let mut folders = vec!["INBOX".to_owned()];
    let sent = on_server
        .iter()
        .find(|f| f.sent)
        .or_else(|| {
            on_server
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case("Sent"))
        })
        .or_else(|| {
            on_server.iter().find(|f| {
                let n = f.name.to_lowercase();
                n.ends_with("sent") || n.ends_with("sent items") || n.ends_with("sent mail")
            })
        });
    if let Some(s) = sent {
        folders.push(s.name.clone());
    }
    folders
}
