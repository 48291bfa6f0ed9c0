//! `rapport activities ...`, `rapport agenda`, `rapport reminders` and `rapport export ics`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rapport_core::activities::activity::{
    self, Activity, ActivityChannel, ActivityInput, ActivityKind, ActivityQuery, CallOutcome,
    Direction, RecordRef, Scope,
};
use rapport_core::data::ics::{self, IcsQuery};
use rapport_core::{Db, Error, activities::reminders, kernel::time};

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum ActivitiesCmd {
    /// Log an interaction or schedule one; prints its id (the follow-up's id on a second line).
    Add(Box<AddArgs>),
    /// List activities, newest first.
    List(ListArgs),
    /// One activity.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Mark done; for a recurring one, prints the id of the next occurrence it brings up.
    Done {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Open a done activity again.
    Reopen { id: String },
    /// Move to a new start, keeping the duration (and the reminder's lead time).
    Reschedule {
        id: String,
        /// The new start: YYYY-MM-DDTHH:MM (local time), RFC 3339, or YYYY-MM-DD (all day).
        #[arg(long = "to", value_name = "WHEN")]
        to: String,
        /// For a recurring one: move this and every later occurrence.
        #[arg(long)]
        future: bool,
    },
    /// Delete; for a recurring one, skip this occurrence (or, with --future, stop the series).
    Delete {
        id: String,
        #[arg(long)]
        future: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// call, meeting, task, note, email, sms, letter, fax, web_visit or event.
    #[arg(long = "type", value_name = "TYPE", default_value = "task")]
    kind: String,
    #[arg(long)]
    subject: String,
    #[arg(long)]
    notes: Option<String>,
    /// A contact it concerns (repeat for several).
    #[arg(long = "contact", value_name = "ID")]
    contacts: Vec<String>,
    /// An account it concerns (repeat for several).
    #[arg(long = "account", value_name = "ID")]
    accounts: Vec<String>,
    /// When it starts or is due: YYYY-MM-DDTHH:MM (local time), RFC 3339, or YYYY-MM-DD (all day).
    #[arg(long, visible_alias = "at", value_name = "WHEN")]
    due: Option<String>,
    #[arg(long, value_name = "MINUTES")]
    duration: Option<i64>,
    #[arg(long)]
    location: Option<String>,
    /// phone, email, sms, letter, in_person, video, fax, web or other (default: from the type).
    #[arg(long)]
    channel: Option<String>,
    /// inbound or outbound.
    #[arg(long)]
    direction: Option<String>,
    /// For calls: connected, no_answer, left_voicemail, wrong_number or call_back.
    #[arg(long)]
    outcome: Option<String>,
    /// It already happened (a call just made); without --due it happened now.
    #[arg(long)]
    done: bool,
    /// Remind at this time (same forms as --due).
    #[arg(long, value_name = "WHEN", conflicts_with = "remind_before")]
    remind: Option<String>,
    /// Remind this many minutes before the start.
    #[arg(long, value_name = "MINUTES", requires = "due")]
    remind_before: Option<i64>,
    /// Repeat by an RFC 5545 rule, e.g. "FREQ=MONTHLY;BYMONTHDAY=1" or "FREQ=WEEKLY;INTERVAL=2".
    #[arg(long, value_name = "RULE", requires = "due")]
    rrule: Option<String>,
    /// The team member responsible (by name).
    #[arg(long)]
    owner: Option<String>,
    /// Also schedule a follow-up with this subject, in the same save.
    #[arg(long, value_name = "SUBJECT", requires = "follow_up_due")]
    follow_up: Option<String>,
    /// When the follow-up is due.
    #[arg(long, value_name = "WHEN", requires = "follow_up")]
    follow_up_due: Option<String>,
    /// The follow-up's type (default: the same as this one's).
    #[arg(long, value_name = "TYPE", requires = "follow_up")]
    follow_up_type: Option<String>,
    /// json prints {activity, follow_up, batch_id} instead of the ids.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only those linked to this contact.
    #[arg(long, value_name = "ID", conflicts_with = "account")]
    contact: Option<String>,
    /// Only those linked to this account or to its people.
    #[arg(long, value_name = "ID")]
    account: Option<String>,
    /// Only this type (repeat for several).
    #[arg(long = "type", value_name = "TYPE")]
    kinds: Vec<String>,
    /// Only this channel (repeat for several).
    #[arg(long = "channel", value_name = "CHANNEL")]
    channels: Vec<String>,
    /// Only open ones.
    #[arg(long, conflicts_with = "done")]
    open: bool,
    /// Only done ones.
    #[arg(long)]
    done: bool,
    /// Starting on or after (date or time).
    #[arg(long, value_name = "WHEN")]
    from: Option<String>,
    /// Starting before (date or time).
    #[arg(long, value_name = "WHEN")]
    to: Option<String>,
    #[arg(long, default_value_t = 200)]
    limit: u32,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Everything (records, links, custom fields, settings, the change log) as one JSON
    /// archive that `rapport import archive` loads into an empty database.
    Json {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One kind of record as CSV (UTF-8, formula cells neutralised).
    Csv {
        /// contacts, accounts, opportunities (deals), activities or leads.
        #[arg(long, default_value = "contacts")]
        entity: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Contacts as vCards (.vcf) for phones and address books.
    Vcard {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 4.0 (default) or 3.0, for older programs.
        #[arg(long = "vcard-version", default_value = "4.0", value_parser = ["4.0", "3.0"])]
        version: String,
        /// Only these contacts (repeat); default: all.
        #[arg(long = "contact", value_name = "ID")]
        contacts: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Activities as an iCalendar (.ics) file, RFC 5545.
    Ics {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// From this date or time (inclusive).
        #[arg(long, value_name = "WHEN")]
        from: Option<String>,
        /// Up to this date or time (exclusive).
        #[arg(long, value_name = "WHEN")]
        to: Option<String>,
        /// Only this contact's activities.
        #[arg(long, value_name = "ID", conflicts_with = "account")]
        contact: Option<String>,
        /// Only this account's activities (and its people's).
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn parse<T: Copy>(
    flag: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    names: String,
) -> rapport_core::Result<T> {
    parse(value).ok_or_else(|| Error::invalid(flag, format!("\"{value}\" is not one of: {names}")))
}

fn kind(flag: &str, value: &str) -> rapport_core::Result<ActivityKind> {
    parse(flag, value, ActivityKind::parse, ActivityKind::names())
}

fn record(contact: Option<String>, account: Option<String>) -> Option<RecordRef> {
    contact
        .map(|id| RecordRef {
            entity: "contacts".into(),
            id,
        })
        .or(account.map(|id| RecordRef {
            entity: "accounts".into(),
            id,
        }))
}

fn input(db: &Db, a: &AddArgs) -> rapport_core::Result<ActivityInput> {
    let tz = time::local_zone();
    let links = a
        .contacts
        .iter()
        .map(|id| ("contacts", id))
        .chain(a.accounts.iter().map(|id| ("accounts", id)))
        .map(|(entity, id)| RecordRef {
            entity: entity.into(),
            id: id.clone(),
        })
        .collect();
    let remind_at = match (&a.remind, a.remind_before, &a.due) {
        (Some(at), _, _) => Some(at.clone()),
        (None, Some(minutes), Some(due)) => {
            let (start, _) = time::parse_input("--due", due, tz)?;
            Some(time::stamp(start - chrono::Duration::minutes(minutes)))
        }
        _ => None,
    };
    Ok(ActivityInput {
        kind: Some(kind("--type", &a.kind)?),
        subject: a.subject.clone(),
        notes: a.notes.clone(),
        channel: a
            .channel
            .as_deref()
            .map(|c| {
                parse(
                    "--channel",
                    c,
                    ActivityChannel::parse,
                    ActivityChannel::names(),
                )
            })
            .transpose()?,
        direction: a
            .direction
            .as_deref()
            .map(|d| parse("--direction", d, Direction::parse, Direction::names()))
            .transpose()?,
        outcome: a
            .outcome
            .as_deref()
            .map(|o| parse("--outcome", o, CallOutcome::parse, CallOutcome::names()))
            .transpose()?,
        starts_at: a.due.clone(),
        duration_minutes: a.duration,
        location: a.location.clone(),
        done: a.done,
        remind_at,
        repeat: a.rrule.clone(),
        owner_id: crate::owner_id(db.conn(), &a.owner)?.flatten(),
        links,
        ..Default::default()
    })
}

pub fn run(db: &mut Db, cmd: ActivitiesCmd) -> rapport_core::Result<()> {
    let tz = time::local_zone();
    match cmd {
        ActivitiesCmd::Add(a) => {
            let first = input(db, &a)?;
            let follow = match (&a.follow_up, &a.follow_up_due) {
                (Some(subject), Some(due)) => Some(ActivityInput {
                    kind: Some(match &a.follow_up_type {
                        Some(t) => kind("--follow-up-type", t)?,
                        None => first.kind.unwrap_or(ActivityKind::Task),
                    }),
                    subject: subject.clone(),
                    starts_at: Some(due.clone()),
                    links: first.links.clone(),
                    owner_id: first.owner_id.clone(),
                    ..Default::default()
                }),
                _ => None,
            };
            let logged = activity::log_with_follow_up(db, &first, follow.as_ref(), tz)
                .map_err(cli_fields)?;
            emit(a.format, &logged, || {
                output::line(&logged.activity.id)?;
                if let Some(f) = &logged.follow_up {
                    output::line(&f.id)?;
                }
                Ok(())
            })
        }
        ActivitiesCmd::List(l) => {
            let query = ActivityQuery {
                record: record(l.contact, l.account),
                kinds: l
                    .kinds
                    .iter()
                    .map(|k| kind("--type", k))
                    .collect::<Result<_, _>>()?,
                channels: l
                    .channels
                    .iter()
                    .map(|c| {
                        parse(
                            "--channel",
                            c,
                            ActivityChannel::parse,
                            ActivityChannel::names(),
                        )
                    })
                    .collect::<Result<_, _>>()?,
                done: if l.open {
                    Some(false)
                } else if l.done {
                    Some(true)
                } else {
                    None
                },
                from: l.from.map(|f| local_to_utc("--from", &f)).transpose()?,
                to: l.to.map(|t| local_to_utc("--to", &t)).transpose()?,
                limit: Some(l.limit),
                before: None,
            };
            let items = activity::list(db.conn(), &query)?;
            emit(l.format, &items, || table(&items))
        }
        ActivitiesCmd::Get { id, format } => {
            let a = activity::get(db.conn(), &id)?;
            emit(format, &a, || table(std::slice::from_ref(&a)))
        }
        ActivitiesCmd::Done { id, format } => {
            let done = activity::complete(db, &id)?;
            emit(format, &done, || match &done.next {
                Some(next) => output::line(&next.id),
                None => Ok(()),
            })
        }
        ActivitiesCmd::Reopen { id } => activity::reopen(db, &id).map(|_| ()),
        ActivitiesCmd::Reschedule { id, to, future } => {
            activity::reschedule(db, &id, &to, scope(future), tz)
                .map_err(|e| rename(e, "starts_at", "--to"))?;
            Ok(())
        }
        ActivitiesCmd::Delete { id, future } => activity::delete(db, &id, scope(future)),
    }
}

fn scope(future: bool) -> Scope {
    if future { Scope::Future } else { Scope::This }
}

/// A date or local time typed on the command line, as the UTC stamp queries compare with.
fn local_to_utc(flag: &str, text: &str) -> rapport_core::Result<String> {
    Ok(time::stamp(
        time::parse_input(flag, text, time::local_zone())?.0,
    ))
}

/// Names the CLI's flags in validation messages instead of the input's field names.
fn cli_fields(e: Error) -> Error {
    [
        ("starts_at", "--due"),
        ("remind_at", "--remind"),
        ("repeat", "--rrule"),
        ("duration_minutes", "--duration"),
        ("follow_up.starts_at", "--follow-up-due"),
        ("follow_up.subject", "--follow-up"),
        ("subject", "--subject"),
        ("outcome", "--outcome"),
    ]
    .into_iter()
    .fold(e, |e, (from, to)| rename(e, from, to))
}

fn rename(e: Error, from: &str, to: &str) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|mut f| {
                    if f.field == from {
                        f.field = to.to_owned();
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

fn when(a: &Activity) -> String {
    let Some(start) = a.starts_at.as_deref() else {
        return String::new();
    };
    let Ok(at) = time::parse_stamp(start) else {
        return start.to_owned();
    };
    let local = at.with_timezone(&time::local_zone());
    if a.all_day {
        local.format("%Y-%m-%d").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn table(items: &[Activity]) -> rapport_core::Result<()> {
    output::table(
        &["ID", "TYPE", "WHEN", "DONE", "SUBJECT", "WITH"],
        items.iter().map(|a| {
            vec![
                a.id.clone(),
                a.kind.as_str().to_owned(),
                when(a),
                if a.done_at.is_some() { "yes" } else { "" }.to_owned(),
                a.subject.clone(),
                a.links
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        }),
    )
}

pub fn agenda(db: &Db, days: u32, format: Format) -> rapport_core::Result<()> {
    let agenda = activity::agenda(db.conn(), chrono::Utc::now(), time::local_zone(), days)?;
    emit(format, &agenda, || {
        let mut rows: Vec<Activity> = Vec::new();
        let mut text = String::new();
        let mut section = |title: &str, items: &[Activity]| {
            if !items.is_empty() {
                text.push_str(&format!("{title}\n"));
                for a in items {
                    text.push_str(&format!(
                        "  {}  {}  {}\n",
                        when(a),
                        a.kind.as_str(),
                        a.subject
                    ));
                }
                rows.extend(items.iter().cloned());
            }
        };
        section(
            &format!("Overdue ({})", agenda.overdue_total),
            &agenda.overdue,
        );
        section(&format!("Today {}", agenda.today), &agenda.due_today);
        for day in &agenda.upcoming {
            section(&day.date, &day.items);
        }
        if rows.is_empty() {
            text.push_str("Nothing due.\n");
        }
        output::line(text.trim_end())
    })
}

pub fn reminders_list(db: &Db, format: Format) -> rapport_core::Result<()> {
    let due = reminders::due(db.conn(), chrono::Utc::now())?;
    emit(format, &due, || {
        let items: Vec<Activity> = due.iter().map(|r| r.activity.clone()).collect();
        table(&items)
    })
}

pub fn export(db: &Db, cmd: ExportCmd) -> rapport_core::Result<()> {
    match cmd {
        ExportCmd::Json { out, format } => {
            let report = rapport_core::data::archive::export(db, &out)?;
            emit(format, &report, || {
                let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
                output::line(&format!(
                    "{}: {rows} rows in {} tables",
                    report.path,
                    report.tables.len()
                ))
            })
        }
        ExportCmd::Csv {
            entity,
            out,
            format,
        } => {
            let which = rapport_core::data::export::ExportEntity::parse(&entity).ok_or_else(|| {
                Error::invalid(
                    "--entity",
                    format!(
                        "\"{entity}\" is not one of: contacts, accounts, opportunities, activities, leads, products"
                    ),
                )
            })?;
            let report = rapport_core::data::export::csv(db.conn(), which, &out)?;
            emit(format, &report, || {
                output::line(&format!("{}: {} rows", report.path, report.rows))
            })
        }
        ExportCmd::Vcard {
            out,
            version,
            contacts,
            format,
        } => {
            let version = if version == "3.0" {
                rapport_core::data::vcard::VcardVersion::V3
            } else {
                rapport_core::data::vcard::VcardVersion::V4
            };
            let ids = (!contacts.is_empty()).then_some(contacts.as_slice());
            let report = rapport_core::data::vcard::export(db.conn(), &out, version, ids)?;
            emit(format, &report, || {
                output::line(&format!("{}: {} cards", report.path, report.cards))
            })
        }
        ExportCmd::Ics {
            out,
            from,
            to,
            contact,
            account,
            format,
        } => {
            let query = IcsQuery {
                record: record(contact, account),
                from,
                to,
            };
            let report = ics::export_to(db.conn(), &query, time::local_zone(), &out)?;
            for why in &report.skipped {
                output::warning(why);
            }
            emit(format, &report, || {
                output::line(&format!("{}: {} calendar items", report.path, report.items))
            })
        }
    }
}
