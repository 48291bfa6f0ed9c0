//! Sending e-mail through the user's own SMTP server.
//!
//! The server's settings (host, port, security, user name, sender) are kept in the database;
//! the password never is: it lives in the operating system's keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) under the service `rapport-smtp` and the
//! account `user@host`. Where no keyring runs (a headless server), `RAPPORT_SMTP_PASSWORD` is
//! read instead; exports and backups hold the settings without it.
//!
//! [`SmtpSender`] hands one message at a time to the server with `lettre`, and sorts failures
//! into permanent (the server refused: 5xx) and passing (offline, timed out, 4xx), which the
//! outbox retries later.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

const SETTINGS_KEY: &str = "smtp";
const KEYRING_SERVICE: &str = "rapport-smtp";
/// Read instead of the keyring when set (headless machines, scripts).
pub const PASSWORD_ENV: &str = "RAPPORT_SMTP_PASSWORD";

text_enum!(
    /// How the connection is protected: `tls` (implicit TLS, usually port 465), `starttls`
    /// (usually 587) or `none` (a server on this machine or a trusted network only).
    SmtpSecurity {
        Tls = "tls",
        Starttls = "starttls",
        None = "none",
    }
);

/// The SMTP server and who messages are from. No password: see the module documentation.
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
    if !address.is_empty() && address.parse::<lettre::Address>().is_err() {
        c.fail(
            field,
            format!("\"{address}\" is not a plain address: write only the address, such as ann@example.com (the name goes in From name)"),
        );
    }
    address
}

fn keyring_entry(s: &SmtpSettings) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &format!("{}@{}", s.username, s.host))
        .map_err(|e| keyring_error(&e))
}

fn keyring_error(e: &keyring::Error) -> Error {
    Error::Conflict(format!(
        "The system keyring could not be used ({e}). Rapport keeps the SMTP password only there, never in its file; start your desktop's keyring (GNOME Keyring, KWallet) or set {PASSWORD_ENV} for this session."
    ))
}

/// Keeps the password in the system keyring (or removes it, given an empty one).
pub fn set_password(conn: &Connection, password: &str) -> Result<()> {
    let s = settings(conn)?;
    if !s.is_set() {
        return Err(Error::invalid(
            "password",
            "save the server's settings first: the password is kept for that server and user",
        ));
    }
    let entry = keyring_entry(&s)?;
    let done = if password.is_empty() {
        match entry.delete_credential() {
            Err(keyring::Error::NoEntry) => Ok(()),
            other => other,
        }
    } else {
        entry.set_password(password)
    };
    done.map_err(|e| keyring_error(&e))
}

/// The password: from the environment when set there, else from the keyring; `None` if none
/// is stored.
pub fn password(s: &SmtpSettings) -> Result<Option<String>> {
    if let Ok(p) = std::env::var(PASSWORD_ENV)
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    match keyring_entry(s)?.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(&e)),
    }
}

pub fn status(conn: &Connection) -> Result<SmtpStatus> {
    let settings = settings(conn)?;
    let (has_password, keyring_problem) = if settings.is_set() {
        match password(&settings) {
            Ok(p) => (p.is_some(), None),
            Err(e) => (false, Some(e.to_string())),
        }
    } else {
        (false, None)
    };
    Ok(SmtpStatus {
        settings,
        has_password,
        keyring_problem,
    })
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

/// The user's SMTP server, through `lettre`.
#[derive(Debug)]
pub struct SmtpSender {
    transport: SmtpTransport,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    /// `List-Unsubscribe`: a reply to the sender asking to be taken off. Mail clients show it
    /// as an Unsubscribe button, and large mailbox providers expect it on bulk mail.
    unsubscribe: HeaderValue,
}

impl SmtpSender {
    /// A sender for the saved settings and the keyring's password.
    pub fn from_settings(conn: &Connection) -> Result<SmtpSender> {
        let s = settings(conn)?;
        if !s.is_set() {
            return Err(Error::invalid(
                "smtp",
                "sending is not set up: enter your SMTP server in Settings → E-mail (or rapport outbox setup)",
            ));
        }
        let password = if s.username.is_empty() {
            None
        } else {
            Some(password(&s)?.ok_or_else(|| {
                Error::invalid(
                    "password",
                    format!(
                        "no password is stored for {}@{}: enter it in Settings → E-mail (or set {PASSWORD_ENV})",
                        s.username, s.host
                    ),
                )
            })?)
        };
        Self::new(&s, password)
    }

    pub fn new(s: &SmtpSettings, password: Option<String>) -> Result<SmtpSender> {
        let bad = |field: &str, e: &dyn std::fmt::Display| Error::invalid(field, e.to_string());
        let tls = || TlsParameters::new(s.host.clone()).map_err(|e| bad("host", &e));
        let mut builder = SmtpTransport::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        builder = match s.security {
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls()?)),
            SmtpSecurity::Starttls => builder.tls(Tls::Required(tls()?)),
            SmtpSecurity::None => builder.tls(Tls::None),
        };
        if let Some(p) = password {
            builder = builder.credentials(Credentials::new(s.username.clone(), p));
        }
        let address = |field: &str, a: &str| {
            a.parse()
                .map_err(|e: lettre::address::AddressError| bad(field, &e))
        };
        let from = Mailbox::new(
            Some(s.from_name.clone()).filter(|n| !n.is_empty()),
            address("from_address", &s.from_address)?,
        );
        let reply_to = if s.reply_to.is_empty() {
            None
        } else {
            Some(Mailbox::new(None, address("reply_to", &s.reply_to)?))
        };
        let unsubscribe_to = reply_to.as_ref().unwrap_or(&from).email.to_string();
        let unsubscribe = HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<mailto:{unsubscribe_to}?subject=unsubscribe>"),
        );
        Ok(SmtpSender {
            transport: builder.build(),
            from,
            reply_to,
            unsubscribe,
        })
    }
}

impl Sender for SmtpSender {
    fn send(&mut self, m: &Outgoing) -> std::result::Result<(), SendFailure> {
        let refuse = |reason: String| SendFailure {
            permanent: true,
            reason,
            unreachable: false,
        };
        let to = m
            .to_address
            .parse()
            .map_err(|e| refuse(format!("the address {} is not valid: {e}", m.to_address)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(
                Some(m.to_name.clone()).filter(|n| !n.is_empty()),
                to,
            ))
            .subject(&m.subject)
            .message_id(Some(format!("<{}>", m.message_id)))
            .raw_header(self.unsubscribe.clone());
        if let Some(r) = &self.reply_to {
            builder = builder.reply_to(r.clone());
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| refuse(format!("the message could not be made: {e}")))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            // An address with letters outside ASCII needs a server that speaks SMTPUTF8; lettre
            // refuses it before asking. That is this message's fault, not the connection's:
            // fail it and let the others go.
            if e.is_client() && !m.to_address.is_ascii() {
                return refuse(format!(
                    "the address {} has letters outside plain ASCII, which your mail server does not accept (it lacks SMTPUTF8): correct the address or send through a server that supports it",
                    m.to_address
                ));
            }
            // A login refused (530, 534, 535, 538) is the settings' fault, not this message's:
            // it waits, like a message that found the server unreachable.
            let login = matches!(
                e.status().map(|c| c.to_string()).as_deref(),
                Some("530" | "534" | "535" | "538")
            );
            let permanent = e.is_permanent() && !login;
            let unreachable = login || (!permanent && !e.is_transient());
            let reason = match e.status() {
                Some(code) => format!("the server answered {code}: {e}"),
                None => format!("{e}"),
            };
            SendFailure {
                permanent,
                reason: if login {
                    format!("the server refused the login (check the user name and password in Settings → E-mail): {reason}")
                } else if unreachable {
                    format!("could not reach the server: {reason}")
                } else {
                    reason
                },
                unreachable,
            }
        })
    }
}
