//! `rapport calllists ...`: call lists (pre-leads) and their calling queue.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use rapport_core::data::import::calllist::{self, CallListImport};
use rapport_core::sales::calllists::{
    self, CallInput, CallListInput, CallResult, EntryQuery, EntryStatus,
};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum CallListsCmd {
    /// Import a CSV file as a new call list; prints a report of every row not imported.
    Import {
        file: PathBuf,
        /// The list's name.
        #[arg(long)]
        name: String,
        /// What to say: shown beside each person in the calling queue.
        #[arg(long, conflicts_with = "script_file")]
        script: Option<String>,
        /// The call script, read from a text file.
        #[arg(long, value_name = "FILE")]
        script_file: Option<PathBuf>,
        /// Calls without an answer before a person leaves the queue (default 3).
        #[arg(long)]
        max_attempts: Option<i64>,
        /// The team member who calls (by name); promoted leads are assigned to them.
        #[arg(long)]
        owner: Option<String>,
        /// Map a column to a field: "HEADER=field", "HEADER=" to keep it as a detail.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Also import people whose number belongs to a contact or lead already.
        #[arg(long)]
        include_known: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Every call list with its progress.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// How far a list has been worked through.
    Progress {
        /// The list's name or id.
        list: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The people on a list, in file order.
    Entries {
        list: String,
        #[arg(long, value_enum)]
        status: Option<EntryStatusArg>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The next person to call, with the calls made so far.
    Next {
        list: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Record how a call went: no-answer, call-back (with --at), not-interested,
    /// wrong-number or interested (which promotes the person to a lead).
    Call {
        /// The person's id (from `next` or `entries`).
        entry: String,
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// For call-back: when (2026-11-24T09:00, or a date).
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a list and its people (leads promoted from it stay).
    Delete { list: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EntryStatusArg {
    Pending,
    NoAnswer,
    Callback,
    NotInterested,
    WrongNumber,
    Promoted,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    NoAnswer,
    CallBack,
    NotInterested,
    WrongNumber,
    Interested,
}

fn parse_map(
    conn: &rapport_core::Connection,
    headers: &[String],
    pairs: &[String],
) -> rapport_core::Result<Vec<Option<String>>> {
    let mut mapping = rapport_core::data::import::guess(
        conn,
        rapport_core::data::import::ImportEntity::CallList,
        headers,
    )?;
    for pair in pairs {
        let Some((header, field)) = pair.split_once('=') else {
            return Err(Error::invalid(
                "--map",
                format!("\"{pair}\" is not HEADER=FIELD"),
            ));
        };
        let Some(column) = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(header.trim()))
        else {
            return Err(Error::invalid(
                "--map",
                format!(
                    "the file has no column \"{header}\"; its columns are: {}",
                    headers.join(", ")
                ),
            ));
        };
        let field = field.trim();
        mapping[column] = (!field.is_empty()).then(|| field.to_owned());
    }
    Ok(mapping)
}

pub fn run_calllists(db: &mut Db, cmd: CallListsCmd) -> rapport_core::Result<()> {
    let now = chrono::Utc::now();
    match cmd {
        CallListsCmd::Import {
            file,
            name,
            script,
            script_file,
            max_attempts,
            owner,
            map,
            include_known,
            format,
        } => {
            let script = match script_file {
                Some(path) => Some(std::fs::read_to_string(&path).map_err(|source| Error::Io {
                    action: "read",
                    path: path.clone(),
                    source,
                })?),
                None => script,
            };
            let table = rapport_core::data::import::read_file(&file)?;
            let mapping = parse_map(db.conn(), &table.headers, &map)?;
            let report = calllist::import(
                db,
                &table,
                &CallListImport {
                    list: CallListInput {
                        name,
                        script,
                        max_attempts,
                        owner_id: crate::owner_id(db.conn(), &owner)?.flatten(),
                    },
                    mapping,
                    include_known,
                    source_file: file.file_name().map(|n| n.to_string_lossy().into_owned()),
                },
                &mut |_, _| true,
            )?;
            emit(format, &report, || {
                output::line(&format!(
                    "{}: {} rows read: {} added, {} skipped, {} rejected",
                    report.name,
                    report.rows_read,
                    report.added,
                    report.skipped.len(),
                    report.rejected.len()
                ))?;
                for s in &report.skipped {
                    output::line(&format!("  line {}: skipped: {}", s.line, s.reason))?;
                }
                for r in &report.rejected {
                    output::line(&format!("  line {}: rejected: {}", r.line, r.reason))?;
                }
                Ok(())
            })
        }
        CallListsCmd::List { format } => {
            let all = calllists::lists(db.conn(), now)?;
            emit(format, &all, || {
                output::table(
                    &[
                        "ID",
                        "NAME",
                        "PEOPLE",
                        "CALLED",
                        "REMAINING",
                        "CALLBACKS DUE",
                        "PROMOTED",
                    ],
                    all.iter().map(|l| {
                        let p = &l.progress;
                        vec![
                            l.id.clone(),
                            l.name.clone(),
                            p.total.to_string(),
                            p.called.to_string(),
                            p.remaining.to_string(),
                            p.callbacks_due.to_string(),
                            p.promoted.to_string(),
                        ]
                    }),
                )
            })
        }
        CallListsCmd::Progress { list, format } => {
            let list = calllists::get(db.conn(), &list, now)?;
            let p = list.progress;
            emit(format, &p, || {
                output::line(&format!(
                    "{}: {} people, {} called, {} remaining, {} callbacks due ({} later), {} promoted, {} not interested, {} wrong numbers, {} unreachable",
                    list.name,
                    p.total,
                    p.called,
                    p.remaining,
                    p.callbacks_due,
                    p.callbacks_later,
                    p.promoted,
                    p.not_interested,
                    p.wrong_number,
                    p.unreachable
                ))
            })
        }
        CallListsCmd::Entries {
            list,
            status,
            search,
            limit,
            format,
        } => {
            let page = calllists::entries(
                db.conn(),
                &list,
                &EntryQuery {
                    status: status.map(|s| match s {
                        EntryStatusArg::Pending => EntryStatus::Pending,
                        EntryStatusArg::NoAnswer => EntryStatus::NoAnswer,
                        EntryStatusArg::Callback => EntryStatus::Callback,
                        EntryStatusArg::NotInterested => EntryStatus::NotInterested,
                        EntryStatusArg::WrongNumber => EntryStatus::WrongNumber,
                        EntryStatusArg::Promoted => EntryStatus::Promoted,
                    }),
                    search,
                    limit: Some(limit.unwrap_or(500)),
                    ..Default::default()
                },
            )?;
            emit(format, &page.items, || {
                output::table(
                    &["ID", "#", "NAME", "COMPANY", "PHONE", "STATUS", "CALLS"],
                    page.items.iter().map(|e| {
                        vec![
                            e.id.clone(),
                            e.position.to_string(),
                            e.name.clone(),
                            e.company.clone().unwrap_or_default(),
                            e.phone.clone(),
                            e.status.as_str().to_owned(),
                            e.attempts.to_string(),
                        ]
                    }),
                )
            })
        }
        CallListsCmd::Next { list, format } => {
            let next = calllists::next(db.conn(), &list, now, &[])?;
            emit(format, &next, || match &next {
                Some(item) => {
                    let e = &item.entry;
                    output::line(&format!(
                        "{}  {}{}  {}  ({} calls so far)",
                        e.id,
                        e.name,
                        e.company
                            .as_ref()
                            .map(|c| format!(", {c}"))
                            .unwrap_or_default(),
                        e.phone,
                        e.attempts
                    ))
                }
                None => output::line("Nobody left to call on this list."),
            })
        }
        CallListsCmd::Call {
            entry,
            outcome,
            at,
            note,
            format,
        } => {
            let called = calllists::record(
                db,
                &entry,
                &CallInput {
                    result: Some(match outcome {
                        OutcomeArg::NoAnswer => CallResult::NoAnswer,
                        OutcomeArg::CallBack => CallResult::CallBack,
                        OutcomeArg::NotInterested => CallResult::NotInterested,
                        OutcomeArg::WrongNumber => CallResult::WrongNumber,
                        OutcomeArg::Interested => CallResult::Interested,
                    }),
                    note,
                    callback_at: at,
                },
                rapport_core::kernel::time::local_zone(),
            )?;
            emit(format, &called, || match &called.lead_id {
                Some(lead) => output::line(&format!("promoted to lead {lead}")),
                None => output::line(&format!(
                    "{}: {}",
                    called.entry.name,
                    called.entry.status.as_str()
                )),
            })
        }
        CallListsCmd::Delete { list } => {
            calllists::delete(db, &list, now)?;
            output::line(&format!("deleted {list}"))
        }
    }
}
