//! Sending e-mail through the user's own SMTP server: what the core knows of it.
//!
//! The server's settings (host, port, security, user name, sender) are kept in the database
//! and checked here; the password never is (exports and backups hold the settings without
//! it). The outbox hands messages to a [`Sender`]; the real one, which talks SMTP with
//! `lettre` and reads the password from the operating system's keyring, lives in the
//! `rapport-mail` crate, so this crate builds and tests without network or keyring code. The
//! CLI and the desktop shell pass it in as a [`Connect`].

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::Result;
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

const SETTINGS_KEY: &str = "smtp";

text_enum!(
    /// How the connection is protected: `tls` (implicit TLS, usually port 465), `starttls`
    /// (usually 587) or `none` (a server on this machine or a trusted network only).
    SmtpSecurity {
        Tls = "tls",
        Starttls = "starttls",
        None = "none",
    }
);

/// The SMTP server and who messages are from. No password: it is kept in the system keyring
/// (see `rapport-mail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Blank when the server needs no login.
    pub username: String,
    pub from_address: String,
    pub from_name: String,
    /// Where replies go, when not to `from_address`.
    pub reply_to: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            from_address: String::new(),
            from_name: String::new(),
            reply_to: String::new(),
        }
    }
}

impl SmtpSettings {
    pub fn is_set(&self) -> bool {
        !self.host.trim().is_empty() && !self.from_address.trim().is_empty()
    }
}

/// The settings and whether a password is at hand, as the settings screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SmtpStatus {
    pub settings: SmtpSettings,
    /// A password is stored in the keyring (or given in the environment).
    pub has_password: bool,
    /// Why the keyring cannot be used here, when it cannot.
    pub keyring_problem: Option<String>,
}

pub fn settings(conn: &Connection) -> Result<SmtpSettings> {
    Ok(crate::store::settings::get(conn, SETTINGS_KEY)?.unwrap_or_default())
}

/// Saves the server settings after checking them (never a password).
pub fn save_settings(db: &mut Db, input: &SmtpSettings) -> Result<SmtpSettings> {
    let mut c = Checker::default();
    let host = c.required("host", &input.host, SHORT_TEXT_MAX);
    if host.contains(char::is_whitespace) || host.contains("://") {
        c.fail(
            "host",
            "write the server's name only, such as smtp.example.com",
        );
    }
    if input.port == 0 {
        c.fail("port", "enter the server's port (587, 465 or 25)");
    }
    let from_address = address_only(&mut c, "from_address", &input.from_address);
    if from_address.is_empty() {
        c.fail("from_address", "enter the address messages are sent from");
    }
    let reply_to = if input.reply_to.trim().is_empty() {
        String::new()
    } else {
        address_only(&mut c, "reply_to", &input.reply_to)
    };
    let from_name = c
        .text("from_name", &Some(input.from_name.clone()), SHORT_TEXT_MAX)
        .unwrap_or_default();
    let username = c
        .text("username", &Some(input.username.clone()), SHORT_TEXT_MAX)
        .unwrap_or_default();
    c.finish()?;
    let clean = SmtpSettings {
        host,
        port: input.port,
        security: input.security,
        username,
        from_address,
        from_name,
        reply_to,
    };
    db.write(|w| crate::store::settings::set(w, SETTINGS_KEY, &clean))?;
    Ok(clean)
}

/// An e-mail address as the SMTP envelope takes it: `ann@example.com`, without a name.
fn address_only(c: &mut Checker, field: &str, value: &str) -> String {
    let address = c.email(field, value);
    if !address.is_empty() && !is_envelope_address(&address) {
        c.fail(
            field,
            format!("\"{address}\" is not a plain address: write only the address, such as ann@example.com (the name goes in From name)"),
        );
    }
    address
}

/// Whether the SMTP envelope takes `address` as it is: a local part and a domain (or an IP
/// literal) split at the last `@`, with no display name around them. The same check `lettre`
/// makes when the sender parses the address (`rapport-mail` tests that the two agree), so a
/// name it cannot take is refused when saved, not at the first send.
pub fn is_envelope_address(address: &str) -> bool {
    let Some((user, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let ip = domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .unwrap_or(domain);
    email_address::EmailAddress::is_valid_local_part(user)
        && (email_address::EmailAddress::is_valid_domain(domain)
            || ip.parse::<std::net::IpAddr>().is_ok())
}

/// One message ready to hand to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `Message-ID` (without angle brackets), fixed when queued.
    pub message_id: String,
    /// The message answered (`In-Reply-To`) and the conversation (`References`), without
    /// angle brackets: a ticket reply lands in the customer's thread.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Marketing mail (sequences, promotions), which carries `List-Unsubscribe`.
    pub bulk: bool,
    /// A file sent with it (a quote's or an invoice's PDF): its name, type and bytes.
    pub attachment: Option<OutgoingFile>,
}

/// A file attached to an outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    pub name: String,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The server refused it for good (5xx); trying again will not help.
    pub permanent: bool,
    /// The server's words, or what went wrong on the way.
    pub reason: String,
    /// The server could not be reached at all: the next messages need not be tried now.
    pub unreachable: bool,
}

/// Hands messages to an SMTP server.
pub trait Sender {
    fn send(&mut self, message: &Outgoing) -> std::result::Result<(), SendFailure>;
}

/// Opens the way to the mail server for one round of sending: the saved settings in, a
/// [`Sender`] out (`rapport_mail::connect` in the CLI and the desktop; a fake in tests).
pub type Connect<'a> = &'a dyn Fn(&Connection) -> Result<Box<dyn Sender>>;
