//! [`SmtpSender`] hands one message at a time to the user's SMTP server with `lettre`, and
//! sorts failures into permanent (the server refused: 5xx) and passing (offline, timed out,
//! 4xx), which the outbox retries later.

use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rapport_core::marketing::mailer::{
    self, Outgoing, SendFailure, Sender, SmtpSecurity, SmtpSettings,
};
use rapport_core::{Connection, Error, Result};

use crate::password::{PASSWORD_ENV, password};

/// The sender for the saved settings and the keyring's password, for `outbox::work`.
pub fn connect(conn: &Connection) -> Result<Box<dyn Sender>> {
    Ok(Box::new(SmtpSender::from_settings(conn)?))
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
        let s = mailer::settings(conn)?;
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
            .message_id(Some(format!("<{}>", m.message_id)));
        if m.bulk {
            builder = builder.raw_header(self.unsubscribe.clone());
        }
        if let Some(answered) = &m.in_reply_to {
            builder = builder.in_reply_to(format!("<{answered}>"));
        }
        if !m.references.is_empty() {
            let ids: Vec<String> = m.references.iter().map(|r| format!("<{r}>")).collect();
            builder = builder.references(ids.join(" "));
        }
        if let Some(r) = &self.reply_to {
            builder = builder.reply_to(r.clone());
        }
        let body = MultiPart::alternative_plain_html(m.text.clone(), m.html.clone());
        let body = match &m.attachment {
            Some(file) => {
                let kind = ContentType::parse(&file.mime_type).unwrap_or_else(|_| {
                    ContentType::parse("application/octet-stream")
                        .unwrap_or(ContentType::TEXT_PLAIN)
                });
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new(file.name.clone()).body(file.bytes.clone(), kind))
            }
            None => body,
        };
        let message = builder
            .multipart(body)
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
