//! `rapport`: Rapport's headless command line. A contract for scripts: flags, JSON shapes and
//! exit codes stay stable (see `rapport help`).
//!
//! Exit codes: 0 success; 2 bad input (one line on stderr naming the problem); 1 any other
//! failure (also one line on stderr).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rapport_core::data::backup;
use rapport_core::data::bulk::{self, BulkAction};
use rapport_core::records::fields::{self, CustomFieldInput, FieldKind};
use rapport_core::records::list::SortDirection;
use rapport_core::{Db, Error, people::duplicates, records::team, records::views};
use serde::Serialize;

mod activities;
mod analytics;
mod calllists;
mod campaigns;
mod deals;
mod history;
mod import;
mod leads;
mod mail;
mod marketing;
mod output;
mod people;
mod sales;
mod service;

use people::{AccountsCmd, ContactsCmd, run_accounts, run_contacts};

/// What `rapport help` (and `--help`) prints after the list of commands.
const AFTER_HELP: &str = include_str!("help.txt").trim_ascii_end();

#[derive(Debug, Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport, the local-first CRM, from the command line.",
    after_long_help = AFTER_HELP
)]
struct Cli {
    /// The database file (default: $RAPPORT_DB, else the user's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database, or bring an existing one up to this version's schema.
    Init,
    /// Companies and organisations.
    #[command(subcommand)]
    Accounts(AccountsCmd),
    /// People.
    #[command(subcommand)]
    Contacts(ContactsCmd),
    /// Find likely duplicate contacts and accounts (groups, with the reasons).
    Duplicates {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write a verified copy of the database (its pages, checked with quick_check) to PATH;
    /// a PATH ending in .zst gets a zstd-compressed copy with a checksum.
    Backup {
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check the database file without changing it: exit 0 when healthy, 1 naming the problem.
    Check,
    /// Replace the database with a backup. The current file is first kept as a backup (or,
    /// when it is damaged, moved aside untouched). Refused (exit 2) while the app or another
    /// command has the file open: close the app first.
    Restore {
        backup: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The automatic backups of the database (newest first, compressed .db.zst in backups/
    /// beside it) and what they take on disk; --now takes one.
    Backups {
        /// Take a backup now and apply the retention policy (7 daily, 4 weekly by default,
        /// at most 3 times the data file's size in all).
        #[arg(long)]
        now: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Calls, meetings, tasks, notes, e-mails, SMS, letters: log, schedule, complete, repeat.
    #[command(subcommand)]
    Activities(activities::ActivitiesCmd),
    /// What is overdue, due today and due in the next days (open activities).
    Agenda {
        /// How many days after today to show.
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Reminders that are due and not dismissed.
    Reminders {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write data out to a file.
    #[command(subcommand)]
    Export(activities::ExportCmd),
    /// Read contacts or accounts from a CSV file (one batch, undone as a whole), or a JSON archive.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Opportunities: add, list, move through the pipeline, win or lose.
    #[command(subcommand)]
    Deals(deals::DealsCmd),
    /// The pipeline board: per stage, deals, amount and weighted amount.
    Pipeline(deals::BoardArgs),
    /// Pipelines, their stages and the lost reasons.
    #[command(subcommand)]
    Pipelines(deals::PipelinesCmd),
    /// Leads: add, list, qualify, import form submissions, convert.
    #[command(subcommand)]
    Leads(leads::LeadsCmd),
    /// Call lists (pre-leads): import, work through the calling queue, see progress.
    #[command(subcommand)]
    Calllists(calllists::CallListsCmd),
    /// Service tickets: open, reply, wait on the customer, resolve; queues with SLA figures.
    #[command(subcommand)]
    Tickets(service::TicketsCmd),
    /// Service levels: breaches, targets per priority, working hours and holidays.
    #[command(subcommand)]
    Sla(service::SlaCmd),
    /// Service agreements (commitments such as a monthly statement): add, run, log delivery.
    #[command(subcommand)]
    Agreements(service::AgreementsCmd),
    /// The product catalogue: SKU, name, unit, price, tax rate.
    #[command(subcommand)]
    Products(sales::ProductsCmd),
    /// Quotes: create from a deal, send, accept or reject, revise, turn into an order.
    #[command(subcommand)]
    Quotes(sales::QuotesCmd),
    /// Sales orders: invoice them in full or in part.
    #[command(subcommand)]
    Orders(sales::OrdersCmd),
    /// Invoices: issue, record payments, credit, void, print as PDF.
    #[command(subcommand)]
    Invoices(sales::InvoicesCmd),
    /// The business printed on quotes and invoices (name, address, tax id, bank, footer).
    Company(sales::CompanyArgs),
    /// Document number sequences (prefix, yearly restart, next number).
    Numbering(sales::NumberingArgs),
    /// Marketing campaigns: cost, members and responses, the leads and deals they brought, ROI.
    #[command(subcommand)]
    Campaigns(campaigns::CampaignsCmd),
    /// Segments: saved filters (industry, bands, tags, location, activity, deals, custom
    /// fields; AND or OR) and static lists; count, members, CSV export.
    #[command(subcommand)]
    Segments(marketing::SegmentsCmd),
    /// E-mail templates with merge fields ({{first_name}}, {{company}}, ...), previewed on a
    /// real record.
    #[command(subcommand)]
    Templates(marketing::TemplatesCmd),
    /// Follow-up sequences (auto-responders): steps days apart; enrol, run, reply, unsubscribe.
    #[command(subcommand)]
    Sequences(marketing::SequencesCmd),
    /// Promotions: a template sent to a segment; preview, queue, progress, cancel.
    #[command(subcommand)]
    Promotions(mail::PromotionsCmd),
    /// The outbox: list, send what is due through your SMTP server, retry, cancel; setup.
    #[command(subcommand)]
    Outbox(mail::OutboxCmd),
    /// Your mailbox (IMAP): setup, test the connection, sync what is new, status.
    #[command(subcommand)]
    Mail(mail::MailCmd),
    /// A report for a period as a table, JSON or CSV (`rapport report --help` lists them).
    Report(analytics::ReportArgs),
    /// The dashboard's figures for a period; --records FIGURE lists the records behind one.
    Dashboard(analytics::DashboardArgs),
    /// Customers most at risk of leaving, with the reasons behind each score.
    Churn(analytics::ChurnArgs),
    /// Open pipeline by expected close month (count, amount, weighted) and won amounts.
    Forecast {
        #[arg(long)]
        pipeline: Option<String>,
        /// Months before this one to show.
        #[arg(long, default_value_t = 6)]
        months_back: u32,
        /// Months after this one to show.
        #[arg(long, default_value_t = 12)]
        months_ahead: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Reverse one earlier action (a merge, a save) by the batch id it printed (or that
    /// `rapport history` shows); --last: the newest action made from the command line.
    Undo {
        #[arg(required_unless_present = "last")]
        batch: Option<String>,
        #[arg(long, conflicts_with = "batch")]
        last: bool,
    },
    /// The recent actions in plain words, newest first, with what can still be undone.
    History {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only actions older than this batch (to page on).
        #[arg(long)]
        before: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The people who own records.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Custom fields of contacts and accounts.
    #[command(subcommand)]
    Fields(FieldsCmd),
    /// Saved list views (made in the app; used by `contacts list --view NAME`).
    Views {
        /// contacts or accounts (default: both).
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Act on many contacts, accounts or leads at once (one undoable batch; prints its id).
    Bulk {
        /// contacts, accounts or leads.
        #[arg(value_parser = ["contacts", "accounts", "leads"])]
        entity: String,
        /// A record id; repeat for several.
        #[arg(long = "id", value_name = "ID", required = true)]
        ids: Vec<String>,
        /// Add this tag to each; repeat for several.
        #[arg(long = "add-tag", value_name = "TAG", group = "bulk_action")]
        add_tags: Vec<String>,
        /// Remove this tag from each; repeat for several.
        #[arg(long = "remove-tag", value_name = "TAG", group = "bulk_action")]
        remove_tags: Vec<String>,
        /// Give each to this team member (by name), or "none".
        #[arg(long, value_name = "NAME", group = "bulk_action")]
        owner: Option<String>,
        /// Delete each that may be deleted; the others are reported with the reason.
        #[arg(long, group = "bulk_action")]
        delete: bool,
        /// Put each on this static list (a segment, by name or id).
        #[arg(long, value_name = "LIST", group = "bulk_action")]
        add_to_list: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum FieldsCmd {
    /// Define a field; prints its id.
    Add {
        /// contacts or accounts.
        #[arg(long)]
        entity: String,
        #[arg(long)]
        label: String,
        /// text, number, money, date, single_select, multi_select or checkbox.
        #[arg(long)]
        kind: String,
        /// A choice of a select; repeat for several.
        #[arg(long = "option", value_name = "CHOICE")]
        options: Vec<String>,
    },
    /// List the fields of contacts and accounts.
    List {
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Rename a field (and replace a select's choices with --option); values are kept.
    Rename {
        id: String,
        #[arg(long)]
        label: String,
        #[arg(long = "option", value_name = "CHOICE")]
        options: Vec<String>,
    },
    /// Remove a field from forms and lists; its values stay in the file.
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
enum TeamCmd {
    /// Add a team member; prints the id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// List the team.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
enum Format {
    #[default]
    Table,
    Json,
}

/// How long a command waits for the desktop app (or another command) to finish what it is
/// doing with the file before giving up as busy.
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Commands that only read: they never create the data file (a mistyped `--db` must not
/// leave an empty database behind). By the names the user typed: a command, or a command and
/// its verb. Anything else may write, and creates a missing file as before.
fn reads_only(matches: &clap::ArgMatches) -> bool {
    const COMMANDS: &[&str] = &[
        "duplicates",
        "agenda",
        "reminders",
        "export",
        "pipeline",
        "report",
        "dashboard",
        "churn",
        "forecast",
        "views",
        "backup",
    ];
    const VERBS: &[&str] = &[
        "list",
        "get",
        "show",
        "search",
        "history",
        "timeline",
        "count",
        "members",
        "preview",
        "messages",
        "unmatched",
        "status",
        "test",
    ];
    match matches.subcommand() {
        Some((command, _)) if COMMANDS.contains(&command) => true,
        Some((_, sub)) => sub
            .subcommand_name()
            .is_some_and(|verb| VERBS.contains(&verb)),
        None => false,
    }
}

fn main() -> ExitCode {
    let matches = match <Cli as clap::CommandFactory>::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return output::usage_error(&e),
    };
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(&e),
    };
    let db_path = cli
        .db
        .clone()
        .unwrap_or_else(rapport_core::kernel::paths::default_db_path);
    // Only `init` makes a data file of an empty one; a read never creates one.
    let empty = std::fs::metadata(&db_path).is_ok_and(|m| m.is_file() && m.len() == 0);
    if !matches!(
        cli.command,
        Command::Init | Command::Check | Command::Restore { .. }
    ) && (empty || (reads_only(&matches) && !db_path.exists()))
        && let Err(err) = rapport_core::store::health::existing(&db_path)
    {
        return output::failure(&err);
    }
    if let Command::Check = cli.command {
        return match rapport_core::store::health::check(&db_path) {
            Ok(()) => match output::line(&format!("{}: healthy", db_path.display())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => output::failure(&err),
            },
            Err(err) => output::failure(&err),
        };
    }
    if let Command::Restore { backup, format } = &cli.command {
        let result = backup::restore(&db_path, backup).and_then(|report| {
            emit(*format, &report, || {
                output::line(&format!(
                    "{}: restored from {}",
                    db_path.display(),
                    report.restored_from
                ))?;
                match &report.safety_backup {
                    Some(p) => output::line(&format!("the previous file is kept at {p}")),
                    None => Ok(()),
                }
            })
        });
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => output::failure(&err),
        };
    }
    // The command runs in this process's turn on the file (see rapport_core::store::owner): the
    // desktop app, with the same file open, waits for it, and it waits for the app. Sending
    // mail takes its turns around the database work only, never while talking to the server.
    let sends_mail = match &cli.command {
        Command::Outbox(mail::OutboxCmd::Send { .. }) => true,
        Command::Mail(cmd) => mail::talks_to_server(cmd),
        Command::Quotes(cmd) => sales::sends_mail(Some(cmd), None),
        Command::Invoices(cmd) => sales::sends_mail(None, Some(cmd)),
        _ => false,
    };
    let result = Db::open_waiting(&db_path, TURN_WAIT).and_then(|db| {
        let turn = if sends_mail { None } else { Some(db.turn()?) };
        let done = run(db.with_origin("cli"), cli.command);
        drop(turn);
        done
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A damaged file is named, with its newest good backup.
        Err(err) => output::failure(&err.locate(&db_path)),
    }
}

fn run(mut db: Db, command: Command) -> rapport_core::Result<()> {
    match command {
        Command::Init => {
            let path = db
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            output::line(&format!(
                "{path}: ready (schema version {})",
                db.schema_version()?
            ))
        }
        Command::Accounts(cmd) => run_accounts(&mut db, cmd),
        Command::Contacts(cmd) => run_contacts(&mut db, cmd),
        Command::Duplicates { format } => {
            let groups = duplicates::scan(db.conn())?;
            emit(format, &groups, || {
                let mut text = String::new();
                for g in &groups {
                    text.push_str(&format!("{} ({}):\n", g.entity, g.reasons.join("; ")));
                    for r in &g.records {
                        text.push_str(&format!("  {}  {}\n", r.id, r.title));
                    }
                }
                if groups.is_empty() {
                    text.push_str("No likely duplicates.\n");
                }
                output::line(text.trim_end())
            })
        }
        Command::Team(TeamCmd::Add { name, email }) => {
            let member = team::create(&mut db, &team::TeamMemberInput { name, email })?;
            output::line(&member.id)
        }
        Command::Team(TeamCmd::List { format }) => {
            let members = team::list(db.conn())?;
            emit(format, &members, || {
                output::table(
                    &["ID", "NAME", "EMAIL"],
                    members.iter().map(|m| {
                        vec![
                            m.id.clone(),
                            m.name.clone(),
                            m.email.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        Command::Bulk {
            entity,
            ids,
            add_tags,
            remove_tags,
            owner,
            delete,
            add_to_list,
            format,
        } => {
            let action = if delete {
                BulkAction::Delete
            } else if let Some(list) = &add_to_list {
                BulkAction::AddToList {
                    segment_id: rapport_core::marketing::segments::find(db.conn(), list)?.id,
                }
            } else if !add_tags.is_empty() {
                BulkAction::AddTags { tags: add_tags }
            } else if !remove_tags.is_empty() {
                BulkAction::RemoveTags { tags: remove_tags }
            } else if let Some(name) = &owner {
                let owner_id = if name.trim().eq_ignore_ascii_case("none") {
                    None
                } else {
                    owner_id(db.conn(), &owner)?.flatten()
                };
                BulkAction::SetOwner { owner_id }
            } else {
                return Err(Error::invalid(
                    "--add-tag",
                    "or --remove-tag, --owner, --add-to-list or --delete is needed: say what to do",
                ));
            };
            // The list is named by --add-to-list here (the core says segment_id).
            let result = bulk::apply(&mut db, &entity, &ids, &action).map_err(|e| match e {
                Error::Validation(mut fields) => {
                    for f in fields.iter_mut().filter(|f| f.field == "segment_id") {
                        f.field = "--add-to-list".into();
                    }
                    Error::Validation(fields)
                }
                other => other,
            })?;
            if result.changed == 0 && !result.skipped.is_empty() {
                // Nothing was deleted: refused, with every record's reason.
                return Err(Error::Conflict(
                    result
                        .skipped
                        .iter()
                        .map(|s| s.reason.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
            }
            for s in &result.skipped {
                output::warn(&format!("not deleted: {}", s.reason));
            }
            emit(format, &result, || output::line(&result.batch_id))
        }
        Command::Fields(cmd) => run_fields(&mut db, cmd),
        Command::Views { entity, format } => {
            let mut all = Vec::new();
            for e in fields::ENTITIES
                .iter()
                .filter(|e| entity.as_deref().is_none_or(|x| x == **e))
            {
                all.extend(views::list(db.conn(), e)?);
            }
            emit(format, &all, || {
                output::table(
                    &["ID", "ENTITY", "NAME"],
                    all.iter()
                        .map(|v| vec![v.id.clone(), v.entity.clone(), v.name.clone()]),
                )
            })
        }
        Command::Backup { out, format } => {
            let report = backup::backup(&db, &out)?;
            emit(format, &report, || {
                output::line(&format!(
                    "{} ({} bytes, verified: the copied pages passed SQLite's quick check)",
                    report.path, report.bytes
                ))
            })
        }
        Command::Check | Command::Restore { .. } => Ok(()),
        Command::Backups { now, format } => {
            if now {
                backup::auto(&db, backup::AutoReason::Quit, chrono::Utc::now())?;
            }
            let path = db.path().map(std::path::Path::to_owned).unwrap_or_default();
            let all = backup::list(&path)?;
            let usage = backup::usage(&path)?;
            emit(format, &all, || {
                output::table(
                    &["TAKEN", "KIND", "SIZE", "PATH"],
                    all.iter().map(|b| {
                        vec![
                            b.taken_at.clone(),
                            b.kind.clone(),
                            format!("{:.1} MB", b.bytes as f64 / 1e6),
                            b.path.clone(),
                        ]
                    }),
                )?;
                let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6);
                output::line(&format!(
                    "{} automatic {}, {} in all; the rotation keeps them within {} ({} times \
                     the {} data file)",
                    usage.copies,
                    if usage.copies == 1 { "copy" } else { "copies" },
                    mb(usage.bytes),
                    mb(usage.budget_bytes),
                    backup::BUDGET_TIMES,
                    mb(usage.data_bytes),
                ))?;
                output::line(
                    "each copy passed SQLite's quick check when taken and carries a checksum; \
                     the full integrity_check runs weekly and before every restore",
                )
            })
        }
        Command::Activities(cmd) => activities::run(&mut db, cmd),
        Command::Agenda { days, format } => activities::agenda(&db, days, format),
        Command::Reminders { format } => activities::reminders_list(&db, format),
        Command::Export(cmd) => activities::export(&db, cmd),
        Command::Import(cmd) => import::run(&mut db, cmd),
        Command::Deals(cmd) => deals::run(&mut db, cmd),
        Command::Pipeline(args) => deals::board(&db, args),
        Command::Pipelines(cmd) => deals::pipelines_cmd(&mut db, cmd),
        Command::Leads(cmd) => leads::run(&mut db, cmd),
        Command::Calllists(cmd) => calllists::run_calllists(&mut db, cmd),
        Command::Tickets(cmd) => service::run(&mut db, cmd),
        Command::Sla(cmd) => service::run_sla(&mut db, cmd),
        Command::Campaigns(cmd) => campaigns::run(&mut db, cmd),
        Command::Segments(cmd) => marketing::run_segments(&mut db, cmd),
        Command::Templates(cmd) => marketing::run_templates(&mut db, cmd),
        Command::Sequences(cmd) => marketing::run_sequences(&mut db, cmd),
        Command::Promotions(cmd) => mail::run_promotions(&mut db, cmd),
        Command::Outbox(cmd) => mail::run_outbox(&mut db, cmd),
        Command::Mail(cmd) => mail::run_mail(&mut db, cmd),
        Command::Report(a) => analytics::run_report(&mut db, a),
        Command::Dashboard(a) => analytics::run_dashboard(&mut db, a),
        Command::Churn(a) => analytics::run_churn(&mut db, a),
        Command::Agreements(cmd) => service::run_agreements(&mut db, cmd),
        Command::Products(cmd) => sales::run_products(&mut db, cmd),
        Command::Quotes(cmd) => sales::run_quotes(&mut db, cmd),
        Command::Orders(cmd) => sales::run_orders(&mut db, cmd),
        Command::Invoices(cmd) => sales::run_invoices(&mut db, cmd),
        Command::Company(args) => sales::run_company(&mut db, args),
        Command::Numbering(args) => sales::run_numbering(&mut db, args),
        Command::Forecast {
            pipeline,
            months_back,
            months_ahead,
            format,
        } => deals::forecast(&db, pipeline, months_back, months_ahead, format),
        Command::Undo { batch, last } => history::undo(&mut db, batch, last),
        Command::History {
            limit,
            before,
            format,
        } => history::list(&db, limit, before, format),
    }
}

fn run_fields(db: &mut Db, cmd: FieldsCmd) -> rapport_core::Result<()> {
    match cmd {
        FieldsCmd::Add {
            entity,
            label,
            kind,
            options,
        } => {
            let kind = FieldKind::parse(&kind).ok_or_else(|| {
                Error::invalid(
                    "--kind",
                    format!("\"{kind}\" is not text, number, money, date, single_select, multi_select or checkbox"),
                )
            })?;
            let field = fields::define(
                db,
                &CustomFieldInput {
                    entity,
                    label,
                    kind,
                    options,
                },
            )?;
            output::line(&field.id)
        }
        FieldsCmd::List { entity, format } => {
            let mut all = Vec::new();
            for e in fields::ENTITIES
                .iter()
                .filter(|e| entity.as_deref().is_none_or(|x| x == **e))
            {
                all.extend(fields::list(db.conn(), e)?);
            }
            emit(format, &all, || {
                output::table(
                    &["ID", "ENTITY", "LABEL", "KIND", "CHOICES"],
                    all.iter().map(|f| {
                        vec![
                            f.id.clone(),
                            f.entity.clone(),
                            f.label.clone(),
                            f.kind.as_str().to_owned(),
                            f.options.join(", "),
                        ]
                    }),
                )
            })
        }
        FieldsCmd::Rename { id, label, options } => {
            let current = fields::get(db.conn(), &id)?;
            let options = if options.is_empty() {
                current.options
            } else {
                options
            };
            fields::update(db, &id, &label, &options)?;
            Ok(())
        }
        FieldsCmd::Delete { id } => fields::archive(db, &id),
    }
}

fn direction(desc: bool) -> SortDirection {
    if desc {
        SortDirection::Desc
    } else {
        SortDirection::Asc
    }
}

fn emit<T: Serialize>(
    format: Format,
    value: &T,
    table: impl FnOnce() -> rapport_core::Result<()>,
) -> rapport_core::Result<()> {
    match format {
        Format::Json => output::json(value),
        Format::Table => table(),
    }
}

/// `Some("")` clears a field; `None` leaves it as it is.
pub(crate) fn set(target: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value {
        *target = Some(v.clone()).filter(|s| !s.trim().is_empty());
    }
}

/// A list's owner filter: a team member's id, `"none"` for unowned records, or no filter.
pub(crate) fn owner_filter(
    conn: &rapport_core::Connection,
    name: &Option<String>,
) -> rapport_core::Result<Option<String>> {
    match name.as_deref().map(str::trim) {
        Some(n) if n.eq_ignore_ascii_case("none") => Ok(Some("none".to_owned())),
        _ => Ok(owner_id(conn, name)?.flatten()),
    }
}

/// The id of the team member named `name`; `Some("")` clears the owner.
fn owner_id(
    conn: &rapport_core::Connection,
    name: &Option<String>,
) -> rapport_core::Result<Option<Option<String>>> {
    let Some(name) = name else { return Ok(None) };
    if name.trim().is_empty() {
        return Ok(Some(None));
    }
    match team::find(conn, name)? {
        Some(member) => Ok(Some(Some(member.id))),
        None => Err(Error::invalid(
            "--owner",
            format!(
                "nobody named \"{name}\" is on the team (add them with: rapport team add --name ...)"
            ),
        )),
    }
}
