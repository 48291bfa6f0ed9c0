//! Sending mail: promotions (a template sent to a segment) and the outbox, with the SMTP
//! settings; the sending itself is rapport-mail's.

use clap::{Args, Subcommand, ValueEnum};
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
                    security: match security {
                        SecurityArg::Tls => SmtpSecurity::Tls,
                        SecurityArg::Starttls => SmtpSecurity::Starttls,
                        SecurityArg::None => SmtpSecurity::None,
                    },
                    username: user,
                    from_address: from,
                    from_name,
                    reply_to,
                },
            )?;
            if password_stdin {
                let mut password = String::new();
                std::io::stdin()
                    .read_line(&mut password)
                    .map_err(|source| Error::Io {
                        action: "read",
                        path: "standard input".into(),
                        source,
                    })?;
                rapport_mail::set_password(db.conn(), password.trim_end_matches(['\r', '\n']))?;
            }
            Ok(())
        }
        OutboxCmd::Settings { format } => {
            let s = rapport_mail::status(db.conn())?;
            emit(format, &s, || output::record(&s))
        }
    }
}
