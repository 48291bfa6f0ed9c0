//! `rapport leads ...` and `rapport calllists ...`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::data::import::calllist::{self, CallListImport};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::records::list::CommonFilters;
use rapport_core::sales::calllists::{
    self, CallInput, CallListInput, CallResult, EntryQuery, EntryStatus,
};
use rapport_core::sales::leads::{
    self, ConvertInput, LeadInput, LeadQuery, LeadRating, LeadSort, LeadStatus,
};
use rapport_core::sales::opportunities::OpportunityInput;
use rapport_core::{Db, Error};
use serde::Serialize;

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum LeadsCmd {
    /// Add a lead; prints its id.
    Add(Box<LeadFields>),
    /// List leads (open ones unless --status says otherwise).
    List(ListArgs),
    /// One lead.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change a lead's fields (only those given).
    Update {
        id: String,
        #[command(flatten)]
        fields: Box<LeadFields>,
    },
    /// Delete a lead (its activities stay, unlinked).
    Delete { id: String },
    /// The leads board: a column per status with counts and estimated values.
    Board {
        /// Cards listed per column.
        #[arg(long, default_value_t = 100)]
        cards: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// What converting a lead would do: the names it would use and the existing accounts
    /// and contacts it matches. Writes nothing.
    Suggest {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Convert a lead into an account, a contact and (with --opportunity-name) a deal, moving
    /// its whole history; prints the ids created or used.
    Convert(Box<ConvertArgs>),
    /// Import leads from a CSV or JSON file (form submissions get the source "Web form").
    Import(crate::import::ImportArgs),
    /// The lead sources offered in forms; add or remove one.
    Sources {
        #[arg(long, value_name = "NAME", conflicts_with = "remove")]
        add: Option<String>,
        #[arg(long, value_name = "NAME")]
        remove: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct LeadFields {
    /// The person's full name.
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    company: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    website: Option<String>,
    /// Where the lead came from (see `rapport leads sources`).
    #[arg(long)]
    source: Option<String>,
    /// The campaign that brought it (name or id; "" for none).
    #[arg(long)]
    campaign: Option<String>,
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    #[arg(long, value_enum)]
    rating: Option<RatingArg>,
    /// The salesperson assigned (a team member's name).
    #[arg(long)]
    owner: Option<String>,
    /// The estimated value, e.g. 1234.50 (with --currency).
    #[arg(long, requires = "currency")]
    value: Option<String>,
    /// ISO 4217 code, e.g. EUR.
    #[arg(long, requires = "value")]
    currency: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusArg {
    New,
    Contacted,
    Qualified,
    Unqualified,
    Converted,
}

impl StatusArg {
    fn status(self) -> LeadStatus {
        match self {
            StatusArg::New => LeadStatus::New,
            StatusArg::Contacted => LeadStatus::Contacted,
            StatusArg::Qualified => LeadStatus::Qualified,
            StatusArg::Unqualified => LeadStatus::Unqualified,
            StatusArg::Converted => LeadStatus::Converted,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RatingArg {
    Hot,
    Warm,
    Cold,
}

impl RatingArg {
    fn rating(self) -> LeadRating {
        match self {
            RatingArg::Hot => LeadRating::Hot,
            RatingArg::Warm => LeadRating::Warm,
            RatingArg::Cold => LeadRating::Cold,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Created,
    Name,
    Company,
    Status,
    Rating,
    Value,
    Updated,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only leads in this status (repeat for several); default: all but converted.
    #[arg(long, value_enum)]
    status: Vec<StatusArg>,
    #[arg(long, value_enum)]
    rating: Option<RatingArg>,
    #[arg(long)]
    source: Option<String>,
    /// Only leads of this team member (by name); "none" for unassigned ones.
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    tag: Vec<String>,
    /// Words of the name, company, e-mail, phone or source.
    #[arg(long)]
    search: Option<String>,
    #[arg(long, value_enum, default_value = "created")]
    sort: SortArg,
    #[arg(long)]
    desc: bool,
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    id: String,
    /// Use this existing account (see `rapport leads suggest`).
    #[arg(long, value_name = "ID", conflicts_with_all = ["account_name", "no_account"])]
    account_id: Option<String>,
    /// Name the new account (default: the lead's company).
    #[arg(long, value_name = "NAME")]
    account_name: Option<String>,
    /// No account: a private customer.
    #[arg(long)]
    no_account: bool,
    /// Use this existing contact (see `rapport leads suggest`).
    #[arg(long, value_name = "ID")]
    contact_id: Option<String>,
    /// Also create a deal with this name.
    #[arg(long, value_name = "NAME")]
    opportunity_name: Option<String>,
    /// The deal's amount, e.g. 1234.50 (with --currency).
    #[arg(long, requires_all = ["currency", "opportunity_name"])]
    amount: Option<String>,
    #[arg(long, requires = "amount")]
    currency: Option<String>,
    /// The deal's stage (name or id; default: the pipeline's first).
    #[arg(long, requires = "opportunity_name")]
    stage: Option<String>,
    /// The deal's probability in percent (default: the stage's).
    #[arg(long, requires = "opportunity_name")]
    probability: Option<i64>,
    /// The deal's expected close date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", requires = "opportunity_name")]
    close: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// What `rapport leads convert` prints.
#[derive(Debug, Serialize)]
struct ConvertOutput {
    lead_id: String,
    account_id: Option<String>,
    account_created: bool,
    contact_id: String,
    contact_created: bool,
    opportunity_id: Option<String>,
    activities_moved: i64,
    batch_id: String,
}

impl LeadFields {
    fn apply(&self, db: &Db, input: &mut LeadInput) -> rapport_core::Result<()> {
        if let Some(name) = &self.name {
            input.name.clone_from(name);
        }
        crate::set(&mut input.company, &self.company);
        crate::set(&mut input.title, &self.title);
        crate::set(&mut input.email, &self.email);
        crate::set(&mut input.phone, &self.phone);
        crate::set(&mut input.website, &self.website);
        crate::set(&mut input.source, &self.source);
        crate::set(&mut input.notes, &self.notes);
        if let Some(campaign) = crate::campaigns::campaign_id(db, &self.campaign)? {
            input.campaign_id = campaign;
        }
        if let Some(s) = self.status {
            input.status = Some(s.status());
        }
        if let Some(r) = self.rating {
            input.rating = Some(r.rating());
        }
        if let Some(owner) = crate::owner_id(db.conn(), &self.owner)? {
            input.owner_id = owner;
        }
        if let (Some(amount), Some(currency)) = (&self.value, &self.currency) {
            input.estimated_value = Some(MoneyInput {
                amount: amount.clone(),
                currency: currency.clone(),
            });
        }
        for t in &self.tags {
            if !input.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                input.tags.push(t.clone());
            }
        }
        Ok(())
    }
}

fn money(m: &Option<rapport_core::kernel::money::Money>) -> String {
    m.as_ref().map(output::money).unwrap_or_default()
}

pub fn run(db: &mut Db, cmd: LeadsCmd) -> rapport_core::Result<()> {
    match cmd {
        LeadsCmd::Add(fields) => {
            let mut input = LeadInput::default();
            fields.apply(db, &mut input)?;
            let lead = leads::create(db, &input)?;
            output::line(&lead.id)
        }
        LeadsCmd::List(args) => {
            let owner = crate::owner_filter(db.conn(), &args.owner)?;
            let query = LeadQuery {
                sort: match args.sort {
                    SortArg::Created => LeadSort::CreatedAt,
                    SortArg::Name => LeadSort::Name,
                    SortArg::Company => LeadSort::Company,
                    SortArg::Status => LeadSort::Status,
                    SortArg::Rating => LeadSort::Rating,
                    SortArg::Value => LeadSort::EstimatedValue,
                    SortArg::Updated => LeadSort::UpdatedAt,
                },
                direction: crate::direction(args.desc),
                search: args.search,
                statuses: args.status.iter().map(|s| s.status()).collect(),
                rating: args.rating.map(RatingArg::rating),
                source: args.source,
                filters: CommonFilters {
                    tags: args.tag,
                    owner_id: owner,
                    ..Default::default()
                },
                limit: Some(args.limit.unwrap_or(500)),
                ..Default::default()
            };
            let page = leads::list(db.conn(), &query)?;
            emit(args.format, &page.items, || {
                output::table(
                    &[
                        "ID", "NAME", "COMPANY", "STATUS", "RATING", "SOURCE", "VALUE", "OWNER",
                    ],
                    page.items.iter().map(|l| {
                        vec![
                            l.id.clone(),
                            l.name.clone(),
                            l.company.clone().unwrap_or_default(),
                            l.status.as_str().to_owned(),
                            l.rating.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                            l.source.clone().unwrap_or_default(),
                            money(&l.estimated_value),
                            l.owner_name.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        LeadsCmd::Get { id, format } => {
            let lead = leads::get(db.conn(), &id)?;
            emit(format, &lead, || output::record(&lead))
        }
        LeadsCmd::Update { id, fields } => {
            let mut input = LeadInput::from(&leads::get(db.conn(), &id)?);
            fields.apply(db, &mut input)?;
            let lead = leads::update(db, &id, &input)?;
            output::line(&lead.id)
        }
        LeadsCmd::Delete { id } => {
            leads::delete(db, &id)?;
            output::line(&format!("deleted {id}"))
        }
        LeadsCmd::Board { cards, format } => {
            let board = leads::board(
                db.conn(),
                &LeadQuery {
                    limit: Some(cards),
                    ..Default::default()
                },
            )?;
            emit(format, &board, || {
                output::table(
                    &["STATUS", "LEADS", "ESTIMATED"],
                    board.iter().map(|c| {
                        vec![
                            c.status.as_str().to_owned(),
                            c.count.to_string(),
                            c.estimated
                                .iter()
                                .map(|m| money(&Some(m.clone())))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ]
                    }),
                )
            })
        }
        LeadsCmd::Suggest { id, format } => {
            let plan = leads::plan_conversion(db.conn(), &id)?;
            emit(format, &plan, || {
                output::line(&format!(
                    "{}: contact {} {}, account {}, {} activities to move",
                    plan.lead.name,
                    plan.first_name,
                    plan.last_name,
                    plan.account_name.as_deref().unwrap_or("(none)"),
                    plan.activities
                ))?;
                for s in &plan.accounts {
                    output::line(&format!(
                        "  existing account {}  {} ({})",
                        s.id, s.name, s.reason
                    ))?;
                }
                for s in &plan.contacts {
                    output::line(&format!(
                        "  existing contact {}  {} ({})",
                        s.id, s.name, s.reason
                    ))?;
                }
                Ok(())
            })
        }
        LeadsCmd::Convert(args) => {
            let opportunity = args.opportunity_name.as_ref().map(|name| OpportunityInput {
                name: name.clone(),
                amount: args
                    .amount
                    .clone()
                    .zip(args.currency.clone())
                    .map(|(amount, currency)| MoneyInput { amount, currency }),
                stage_id: args.stage.clone(),
                probability: args.probability,
                expected_close: args.close.clone(),
                ..Default::default()
            });
            let opportunity = match opportunity {
                Some(mut o) => {
                    if let Some(stage) = &o.stage_id {
                        let pipeline = rapport_core::sales::pipelines::find(db.conn(), None)?;
                        o.stage_id =
                            Some(rapport_core::sales::pipelines::stage(&pipeline, stage)?.id);
                    }
                    Some(o)
                }
                None => None,
            };
            let done = leads::convert(
                db,
                &args.id,
                &ConvertInput {
                    account_id: args.account_id.clone(),
                    account_name: args.account_name.clone(),
                    no_account: args.no_account,
                    contact_id: args.contact_id.clone(),
                    opportunity,
                    ..Default::default()
                },
            )?;
            let out = ConvertOutput {
                lead_id: done.lead.id.clone(),
                account_id: done.account_id,
                account_created: done.account_created,
                contact_id: done.contact_id,
                contact_created: done.contact_created,
                opportunity_id: done.opportunity_id,
                activities_moved: done.activities_moved,
                batch_id: done.batch_id,
            };
            emit(args.format, &out, || {
                let made = |created: bool| if created { "created" } else { "existing" };
                if let Some(a) = &out.account_id {
                    output::line(&format!("account      {a} ({})", made(out.account_created)))?;
                }
                output::line(&format!(
                    "contact      {} ({})",
                    out.contact_id,
                    made(out.contact_created)
                ))?;
                if let Some(o) = &out.opportunity_id {
                    output::line(&format!("opportunity  {o} (created)"))?;
                }
                output::line(&format!("{} activities moved", out.activities_moved))
            })
        }
        LeadsCmd::Import(args) => crate::import::run(db, crate::import::ImportCmd::Leads(args)),
        LeadsCmd::Sources {
            add,
            remove,
            format,
        } => {
            let all = match (&add, &remove) {
                (Some(name), _) => leads::add_source(db, name)?,
                (None, Some(name)) => leads::remove_source(db, name)?,
                (None, None) => leads::sources(db.conn())?,
            };
            emit(format, &all, || {
                output::table(
                    &["SOURCE", "LEADS"],
                    all.iter()
                        .map(|s| vec![s.name.clone(), s.leads.to_string()]),
                )
            })
        }
    }
}

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
