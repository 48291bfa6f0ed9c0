//! The SMTP password: never in the database. It lives in the operating system's keyring
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) under the
//! service `rapport-smtp` and the account `user@host`. Where no keyring runs (a headless
//! server), `RAPPORT_SMTP_PASSWORD` is read instead.

use rapport_core::marketing::mailer::{self, SmtpSettings, SmtpStatus};
use rapport_core::{Connection, Error, Result};

const KEYRING_SERVICE: &str = "rapport-smtp";
/// Read instead of the keyring when set (headless machines, scripts).
pub const PASSWORD_ENV: &str = "RAPPORT_SMTP_PASSWORD";

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
    let s = mailer::settings(conn)?;
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

/// The saved settings and whether a password is at hand, as the settings screen shows them.
pub fn status(conn: &Connection) -> Result<SmtpStatus> {
    let settings = mailer::settings(conn)?;
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
