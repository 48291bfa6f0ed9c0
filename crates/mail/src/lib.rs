//! Rapport's mail to the outside world: the SMTP sender (`lettre`, over rustls) and the system
//! keyring that holds the server's password. Kept apart from `rapport-core`, which owns the
//! settings, the outbox and the [`Sender`](rapport_core::marketing::mailer::Sender) trait, so
//! the core builds and tests without network or keyring code. The CLI and the desktop shell
//! pass [`connect`] to `outbox::work`.

mod password;
mod smtp;

pub use password::{PASSWORD_ENV, password, set_password, status};
pub use smtp::{SmtpSender, connect};
