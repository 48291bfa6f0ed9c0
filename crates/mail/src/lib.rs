//! Rapport's mail to and from the outside world: the SMTP sender (`lettre`, over rustls), the
//! IMAP reader (`async-imap`, over rustls) and the system keyring that holds both servers'
//! passwords. Kept apart from `rapport-core`, which owns the settings, the outbox, what a
//! mailbox sync keeps and the [`Sender`](rapport_core::marketing::mailer::Sender) and
//! [`MailServer`](rapport_core::data::inbox::MailServer) traits, so the core builds and tests
//! without network or keyring code. The CLI and the desktop shell pass [`connect`] to
//! `outbox::work` and an [`ImapServer`] to `inbox::sync`.

mod imap;
mod password;
mod smtp;

pub use imap::ImapServer;
pub use password::{
    IMAP, PASSWORD_ENV, SMTP, Secret, mailbox_status, password, set_mailbox_password, set_password,
    status,
};
pub use smtp::{SmtpSender, connect};
