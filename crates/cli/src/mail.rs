//! Sending mail: promotions (a template sent to a segment) and the outbox, with the SMTP
//! settings; the sending itself is rapport-mail's.

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::activities::activity::RecordRef;
use rapport_core::data::inbox::{self, MailQuery, MailboxSettings, UnmatchedAction};
use rapport_core::marketing::mailer::{self, SmtpSecurity, SmtpSettings};
use rapport_core::marketing::outbox::{self, OutboxQuery, OutboxStatus};
use rapport_core::marketing::promotions::{self, PromotionInput};
use rapport_core::{Db, Error, Result};

use crate::marketing::Today;
use crate::{Format, emit, output};

// ------------------------------------------------------------------ promotions

#[derive(Debug, Args)]
pub struct PromotionArgs {
    /// A template's name or id.
    #[arg(long)]
    template: String,
    /// A segment's name or id.
    #[arg(long)]
    segment: String,
    /// A campaign's name or id: recipients become members, reached when sent.
    #[arg(long)]
    campaign: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PromotionsCmd {
    /// Who would get it (and who is skipped, and why), and the message as the first reads it.
    Preview {
        #[command(flatten)]
        args: PromotionArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Queue it in the outbox (one message per recipient); prints its id. `rapport outbox
    /// send` (or the app) sends it.
    Queue {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        args: PromotionArgs,
    },
    /// Every promotion, newest first, with its progress.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Its messages by state.
    Progress {
        promotion: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Cancel what has not been sent; prints how many.
    Cancel { promotion: String },
}

pub fn run_promotions(db: &mut Db, cmd: PromotionsCmd) -> Result<()> {
    let today = rapport_core::kernel::time::today();
    let input = |name: String, a: PromotionArgs| PromotionInput {
        name,
        template: a.template,
        segment: a.segment,
        campaign: a.campaign,
    };
    match cmd {
        PromotionsCmd::Preview { args, format } => {
            let p = promotions::preview(db.conn(), &input(String::new(), args), today)?;
            emit(format, &p, || {
                output::line(&format!(
                    "{} people reached: {} will get it, {} skipped",
                    p.total, p.will_send, p.skipped
                ))?;
                output::table(
                    &["NAME", "EMAIL", "SKIPPED BECAUSE"],
                    p.recipients.iter().map(|r| {
                        vec![
                            r.name.clone(),
                            r.email.clone().unwrap_or_default(),
                            r.skip_reason.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        PromotionsCmd::Queue { name, args } => {
            let p = promotions::queue(db, &input(name, args), today)?;
            output::line(&p.id)
        }
        PromotionsCmd::List { format } => {
            let list = promotions::list(db.conn())?;
            emit(format, &list, || {
                output::table(
                    &[
                        "ID", "NAME", "TEMPLATE", "SEGMENT", "STATUS", "SENT", "QUEUED", "SKIPPED",
                        "FAILED",
                    ],
                    list.iter().map(|p| {
                        vec![
                            p.id.clone(),
                            p.name.clone(),
                            p.template_name.clone(),
                            p.segment_name.clone(),
                            p.status.as_str().to_owned(),
                            p.progress.sent.to_string(),
                            p.progress.queued.to_string(),
                            p.progress.skipped.to_string(),
                            p.progress.failed.to_string(),
                        ]
                    }),
                )
            })
        }
        PromotionsCmd::Progress { promotion, format } => {
            let id = promotions::find(db.conn(), &promotion)?.id;
            let c = promotions::progress(db.conn(), &id)?;
            emit(format, &c, || output::record(&c))
        }
        PromotionsCmd::Cancel { promotion } => {
            let id = promotions::find(db.conn(), &promotion)?.id;
            output::line(&promotions::cancel(db, &id)?.to_string())
        }
    }
}

// ------------------------------------------------------------------ outbox

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Queued,
    Sending,
    Sent,
    Failed,
    Skipped,
    Cancelled,
    /// Cut off while sending: it may have gone (see `outbox retry`).
    Unsure,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SecurityArg {
    Tls,
    Starttls,
    None,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCmd {
    /// Messages, newest first.
    List {
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long, default_value_t = 500)]
        limit: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Queue the sequence steps due today, then send what is due. Exits non-zero with the
    /// server's reason when a message could not be sent (it stays queued and is retried later
    /// when the failure may pass).
    Send {
        #[command(flatten)]
        today: Today,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Make failed messages and those waiting to retry due now, with fresh tries (all, or
    /// those given); the next `outbox send`, or the app within a minute, sends them. Prints how
    /// many.
    Retry { ids: Vec<String> },
    /// Cancel queued messages.
    Cancel {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Set the SMTP server. The password is read from standard input with --password-stdin
    /// and kept in the system keyring, never in the database.
    Setup {
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 587)]
        port: u16,
        #[arg(long, value_enum, default_value = "starttls")]
        security: SecurityArg,
        #[arg(long, default_value = "")]
        user: String,
        /// The address messages are from.
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "")]
        from_name: String,
        #[arg(long, default_value = "")]
        reply_to: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// The SMTP settings and whether a password is stored.
    Settings {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run_outbox(db: &mut Db, cmd: OutboxCmd) -> Result<()> {
    match cmd {
        OutboxCmd::List {
            status,
            limit,
            format,
        } => {
            let status = status.map(|s| match s {
                StatusArg::Queued => OutboxStatus::Queued,
                StatusArg::Sending => OutboxStatus::Sending,
                StatusArg::Sent => OutboxStatus::Sent,
                StatusArg::Failed => OutboxStatus::Failed,
                StatusArg::Skipped => OutboxStatus::Skipped,
                StatusArg::Cancelled => OutboxStatus::Cancelled,
                StatusArg::Unsure => OutboxStatus::Unsure,
            });
            let list = outbox::list(
                db.conn(),
                &OutboxQuery {
                    status,
                    promotion_id: None,
                    limit: Some(limit),
                },
            )?;
            emit(format, &list, || {
                output::table(
                    &["ID", "TO", "SUBJECT", "STATUS", "TRIES", "NOTE"],
                    list.iter().map(|m| {
                        vec![
                            m.id.clone(),
                            m.to_address.clone().unwrap_or_else(|| m.to_name.clone()),
                            m.subject.clone(),
                            m.status.as_str().to_owned(),
                            m.attempts.to_string(),
                            m.skip_reason
                                .clone()
                                .or_else(|| m.last_error.clone())
                                .unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        OutboxCmd::Send { today, format } => {
            let report = outbox::work(
                db,
                chrono::Utc::now(),
                today.sending_day()?,
                &rapport_mail::connect,
                &|| true,
            )?;
            let queued = report.waiting;
            emit(format, &report, || {
                let s = report.sent.clone().unwrap_or_default();
                output::line(&format!(
                    "{} sequence step(s) queued; {} sent, {} failed, {} to retry later, {} skipped; {} waiting",
                    report.sequences.queued, s.sent, s.failed, s.deferred, s.skipped, queued
                ))
            })?;
            match &report.sent {
                None if queued > 0 => Err(Error::invalid(
                    "smtp",
                    format!(
                        "{queued} message(s) wait in the outbox, but sending is not set up: run rapport outbox setup"
                    ),
                )),
                Some(s) if s.failed + s.deferred > 0 => Err(Error::Delivery(format!(
                    "{} message(s) could not be sent: {}",
                    s.failed + s.deferred,
                    s.problems.join("; ")
                ))),
                _ => Ok(()),
            }
        }
        OutboxCmd::Retry { ids } => output::line(&outbox::retry(db, &ids)?.to_string()),
        OutboxCmd::Cancel { ids } => output::line(&outbox::cancel(db, &ids)?.to_string()),
        OutboxCmd::Setup {
            host,
            port,
            security,
            user,
            from,
            from_name,
            reply_to,
            password_stdin,
        } => {
            mailer::save_settings(
                db,
                &SmtpSettings {
                    host,
                    port,
                    security: security.into(),
                    username: user,
                    from_address: from,
                    from_name,
                    reply_to,
                },
            )?;
            if password_stdin {
                rapport_mail::set_password(db.conn(), &read_password()?)?;
            }
            Ok(())
        }
        OutboxCmd::Settings { format } => {
            let s = rapport_mail::status(db.conn())?;
            emit(format, &s, || output::record(&s))
        }
    }
}

// ------------------------------------------------------------------ mailbox (IMAP)

#[derive(Debug, Subcommand)]
pub enum MailCmd {
    /// Set the mailbox to read (IMAP). The password is read from standard input with
    /// --password-stdin and kept in the system keyring, never in the database.
    Setup {
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 993)]
        port: u16,
        #[arg(long, value_enum, default_value = "tls")]
        security: SecurityArg,
        #[arg(long)]
        user: String,
        /// A folder to read (repeat for more); none: the inbox and the Sent folder.
        #[arg(long = "folder")]
        folders: Vec<String>,
        /// Mail to this address opens a ticket.
        #[arg(long, default_value = "")]
        support_address: String,
        /// Mail to this address becomes a lead.
        #[arg(long, default_value = "")]
        capture_address: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Connect, log in and list the folders; exits 1 naming the step that failed.
    Test {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Read what is new in the mailbox and keep what concerns your records.
    Sync {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Stored messages, newest first (of one record, or one conversation).
    Messages {
        #[arg(long, conflicts_with_all = ["lead", "account"])]
        contact: Option<String>,
        #[arg(long, conflicts_with = "account")]
        lead: Option<String>,
        #[arg(long)]
        account: Option<String>,
        /// Only this conversation (a thread_id).
        #[arg(long)]
        thread: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Answers to campaign or sequence mail from addresses Rapport does not know, waiting to
    /// be made a contact or a lead, or ignored (`mail resolve`).
    Unmatched {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Settle an unmatched reply: its sender becomes a contact or a lead, or it is ignored
    /// (the stored copy deleted; the mail stays on the server). Prints the new record's id.
    Resolve {
        activity_id: String,
        #[arg(long = "as", value_enum)]
        action: ResolveArg,
    },
    /// One stored message whole (text and sanitised HTML), by its activity's id.
    Get {
        activity_id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The mailbox settings, whether a password is stored, and how far each folder was read.
    Status {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResolveArg {
    Contact,
    Lead,
    Ignore,
}

/// Whether the command talks to the mail server: it then takes the file's turn only for its
/// database work, never while waiting for the network.
pub fn talks_to_server(cmd: &MailCmd) -> bool {
    matches!(cmd, MailCmd::Sync { .. } | MailCmd::Test { .. })
}

pub fn run_mail(db: &mut Db, cmd: MailCmd) -> Result<()> {
    match cmd {
        MailCmd::Setup {
            host,
            port,
            security,
            user,
            folders,
            support_address,
            capture_address,
            password_stdin,
        } => {
            inbox::save_settings(
                db,
                &MailboxSettings {
                    host,
                    port,
                    security: security.into(),
                    username: user,
                    folders,
                    support_address,
                    capture_address,
                },
            )?;
            if password_stdin {
                rapport_mail::set_mailbox_password(db.conn(), &read_password()?)?;
            }
            Ok(())
        }
        MailCmd::Test { format } => {
            let t = rapport_mail::ImapServer::test(db.conn());
            // A failure is said once, on standard error (with the JSON on standard output).
            emit(format, &t, || {
                if t.ok {
                    output::line(&t.message)
                } else {
                    Ok(())
                }
            })?;
            if t.ok {
                Ok(())
            } else {
                Err(Error::Mailbox(t.message))
            }
        }
        MailCmd::Sync { format } => {
            let mut server = rapport_mail::ImapServer::open(db.conn())?;
            let report = inbox::sync(db, &mut server)?;
            server.close();
            emit(format, &report, || {
                output::table(
                    &[
                        "FOLDER",
                        "NEW",
                        "KEPT",
                        "KNOWN",
                        "SEQUENCES STOPPED",
                        "PROBLEMS",
                    ],
                    report.folders.iter().map(|f| {
                        vec![
                            f.folder.clone(),
                            f.seen.to_string(),
                            f.stored.to_string(),
                            f.known.to_string(),
                            f.sequences_stopped.to_string(),
                            f.problems.join("; "),
                        ]
                    }),
                )
            })?;
            if report.complete {
                Ok(())
            } else {
                let problems: Vec<String> = report
                    .folders
                    .iter()
                    .flat_map(|f| f.problems.iter().map(move |p| format!("{}: {p}", f.folder)))
                    .collect();
                Err(Error::Mailbox(format!(
                    "the mailbox was not read to its end ({}); what was read is kept, and the next sync goes on from there",
                    problems.join("; ")
                )))
            }
        }
        MailCmd::Messages {
            contact,
            lead,
            account,
            thread,
            limit,
            format,
        } => {
            let record = [
                ("contacts", contact),
                ("leads", lead),
                ("accounts", account),
            ]
            .into_iter()
            .find_map(|(entity, id)| {
                id.map(|id| RecordRef {
                    entity: entity.to_owned(),
                    id,
                })
            });
            let list = inbox::messages(
                db.conn(),
                &MailQuery {
                    record,
                    thread_id: thread,
                    limit: Some(limit),
                    unmatched: false,
                },
            )?;
            emit(format, &list, || {
                output::table(
                    &["ACTIVITY", "WHEN", "DIRECTION", "FROM", "SUBJECT", "THREAD"],
                    list.iter().map(|m| {
                        vec![
                            m.activity_id.clone(),
                            m.at.clone(),
                            m.direction.clone(),
                            m.from_address.clone().unwrap_or_default(),
                            m.subject.clone(),
                            m.thread_id.clone(),
                        ]
                    }),
                )
            })
        }
        MailCmd::Unmatched { format } => {
            let list = inbox::messages(
                db.conn(),
                &MailQuery {
                    unmatched: true,
                    ..MailQuery::default()
                },
            )?;
            emit(format, &list, || {
                output::table(
                    &["ACTIVITY", "WHEN", "FROM", "SUBJECT"],
                    list.iter().map(|m| {
                        vec![
                            m.activity_id.clone(),
                            m.at.clone(),
                            m.from_address.clone().unwrap_or_default(),
                            m.subject.clone(),
                        ]
                    }),
                )
            })
        }
        MailCmd::Resolve {
            activity_id,
            action,
        } => {
            let made = inbox::resolve_unmatched(
                db,
                &activity_id,
                match action {
                    ResolveArg::Contact => UnmatchedAction::Contact,
                    ResolveArg::Lead => UnmatchedAction::Lead,
                    ResolveArg::Ignore => UnmatchedAction::Ignore,
                },
            )?;
            match made {
                Some(r) => output::line(&r.id),
                None => Ok(()),
            }
        }
        MailCmd::Get {
            activity_id,
            format,
        } => {
            let m = inbox::message(db.conn(), &activity_id)?
                .ok_or_else(|| Error::not_found("stored message", &activity_id))?;
            emit(format, &m, || output::record(&m))
        }
        MailCmd::Status { format } => {
            let s = rapport_mail::mailbox_status(db.conn())?;
            emit(format, &s, || output::record(&s))
        }
    }
}

impl From<SecurityArg> for SmtpSecurity {
    fn from(s: SecurityArg) -> SmtpSecurity {
        match s {
            SecurityArg::Tls => SmtpSecurity::Tls,
            SecurityArg::Starttls => SmtpSecurity::Starttls,
            SecurityArg::None => SmtpSecurity::None,
        }
    }
}

/// A password from the first line of standard input.
fn read_password() -> Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .map_err(|source| Error::Io {
            action: "read",
            path: "standard input".into(),
            source,
        })?;
    Ok(password.trim_end_matches(['\r', '\n']).to_owned())
}
