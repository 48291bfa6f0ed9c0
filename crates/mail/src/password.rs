//! The mail servers' passwords: never in the database. They live in the operating system's
//! keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) under
//! the service `rapport-smtp` (sending) or `rapport-imap` (reading) and the account
//! `user@host`. Where no keyring runs (a headless server), `RAPPORT_SMTP_PASSWORD` and
//! `RAPPORT_IMAP_PASSWORD` are read instead.

use rapport_core::data::inbox::{self, MailboxStatus};
use rapport_core::marketing::mailer::{self, SmtpSettings, SmtpStatus};
use rapport_core::{Connection, Error, Result};

/// One kind of password: where the keyring keeps it and which variable stands in for it.
#[derive(Debug, Clone, Copy)]
pub struct Secret {
    service: &'static str,
    /// Read instead of the keyring when set (headless machines, scripts).
    pub env: &'static str,
    /// The server, as the settings screen names it.
    what: &'static str,
}

pub const SMTP: Secret = Secret {
    service: "rapport-smtp",
    env: "RAPPORT_SMTP_PASSWORD",
    what: "SMTP",
};
pub const IMAP: Secret = Secret {
    service: "rapport-imap",
    env: "RAPPORT_IMAP_PASSWORD",
    what: "IMAP",
};
/// Read instead of the keyring's SMTP password when set.
pub const PASSWORD_ENV: &str = SMTP.env;

impl Secret {
    fn entry(&self, user: &str, host: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(self.service, &format!("{user}@{host}")).map_err(|e| self.error(&e))
    }

    fn error(&self, e: &keyring::Error) -> Error {
        Error::Conflict(format!(
            "The system keyring could not be used ({e}). Rapport keeps the {} password only there, never in its file; start your desktop's keyring (GNOME Keyring, KWallet) or set {} for this session.",
            self.what, self.env
        ))
    }

    /// The password: from the environment when set there, else from the keyring; `None` if
    /// none is stored.
    pub fn password(&self, user: &str, host: &str) -> Result<Option<String>> {
        if let Ok(p) = std::env::var(self.env)
            && !p.is_empty()
        {
            return Ok(Some(p));
        }
        match self.entry(user, host)?.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.error(&e)),
        }
    }

    /// Keeps the password in the system keyring (or removes it, given an empty one).
    fn set(&self, user: &str, host: &str, password: &str) -> Result<()> {
        let entry = self.entry(user, host)?;
        let done = if password.is_empty() {
            match entry.delete_credential() {
                Err(keyring::Error::NoEntry) => Ok(()),
                other => other,
            }
        } else {
            entry.set_password(password)
        };
        done.map_err(|e| self.error(&e))
    }

    /// Whether a password is at hand, and why the keyring cannot be asked when it cannot.
    fn presence(&self, user: &str, host: &str) -> (bool, Option<String>) {
        match self.password(user, host) {
            Ok(p) => (p.is_some(), None),
            Err(e) => (false, Some(e.to_string())),
        }
    }
}

fn save_first() -> Error {
    Error::invalid(
        "password",
        "save the server's settings first: the password is kept for that server and user",
    )
}

/// Keeps the SMTP password in the system keyring (or removes it, given an empty one).
pub fn set_password(conn: &Connection, password: &str) -> Result<()> {
    let s = mailer::settings(conn)?;
    if !s.is_set() {
        return Err(save_first());
    }
    SMTP.set(&s.username, &s.host, password)
}

/// The SMTP password: from the environment when set there, else from the keyring.
pub fn password(s: &SmtpSettings) -> Result<Option<String>> {
    SMTP.password(&s.username, &s.host)
}

/// The saved SMTP settings and whether a password is at hand, as the settings screen shows them.
pub fn status(conn: &Connection) -> Result<SmtpStatus> {
    let settings = mailer::settings(conn)?;
    let (has_password, keyring_problem) = if settings.is_set() {
        SMTP.presence(&settings.username, &settings.host)
    } else {
        (false, None)
    };
    Ok(SmtpStatus {
        settings,
        has_password,
        keyring_problem,
    })
}

/// Keeps the mailbox (IMAP) password in the system keyring (or removes it, given an empty one).
pub fn set_mailbox_password(conn: &Connection, password: &str) -> Result<()> {
    let s = inbox::settings(conn)?;
    if !s.is_set() {
        return Err(save_first());
    }
    IMAP.set(&s.username, &s.host, password)
}

/// The mailbox settings, its password's presence and how far each folder was read.
pub fn mailbox_status(conn: &Connection) -> Result<MailboxStatus> {
    let settings = inbox::settings(conn)?;
    let (has_password, keyring_problem) = if settings.is_set() {
        IMAP.presence(&settings.username, &settings.host)
    } else {
        (false, None)
    };
    Ok(MailboxStatus {
        settings,
        has_password,
        keyring_problem,
        folders: inbox::folder_states(conn)?,
        messages: inbox::stored_messages(conn)?,
    })
}
