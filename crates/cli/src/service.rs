//! `rapport tickets ...`, `rapport sla ...` and `rapport agreements ...`.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use rapport_core::records::list::CommonFilters;
use rapport_core::service::agreements::{self, AgreementInput, OccurrenceStatus};
use rapport_core::service::hours::{self, WorkingHours};
use rapport_core::service::sla::{self, SlaPolicyInput};
use rapport_core::service::tickets::{
    self, MessageInput, MessageKind, SlaClock, TicketCategory, TicketChannel, TicketInput,
    TicketPriority, TicketQuery, TicketQueue, TicketSort, TicketStatus, TicketSummary,
};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

/// A `text_enum` value typed on the command line, with the accepted names in the message.
macro_rules! enum_arg {
    ($fn:ident, $ty:ty) => {
        fn $fn(text: &str) -> Result<$ty, String> {
            <$ty>::parse(text).ok_or_else(|| format!("use one of: {}", <$ty>::names()))
        }
    };
}
enum_arg!(priority_arg, TicketPriority);
enum_arg!(category_arg, TicketCategory);
enum_arg!(channel_arg, TicketChannel);
enum_arg!(status_arg, TicketStatus);
enum_arg!(queue_arg, TicketQueue);

#[derive(Debug, Subcommand)]
pub enum TicketsCmd {
    /// Open a ticket; prints its id.
    Add(Box<TicketFields>),
    /// Change a ticket's fields (only those given); ID is the id or the number (#12).
    Update {
        id: String,
        #[command(flatten)]
        fields: Box<TicketFields>,
    },
    /// One ticket with its conversation, status history and SLA figures.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Tickets of a queue (default: open), with SLA time left and breach flags.
    List(Box<ListArgs>),
    /// Reply to the customer (the default), log the customer's message (--customer) or add an
    /// internal note (--note). A reply is e-mailed to the ticket's contact through the outbox
    /// (in the thread of their mail, "[#N]" in the subject) when they have an address;
    /// `outbox send` or the app sends it, and the first-response clock stops when it leaves.
    Reply {
        id: String,
        #[arg(long)]
        body: String,
        /// Record the reply without e-mailing it (an answer given on the phone).
        #[arg(long, conflicts_with_all = ["note", "customer"])]
        no_email: bool,
        #[arg(long, conflicts_with = "customer")]
        note: bool,
        #[arg(long)]
        customer: bool,
        /// The author (a team member's name).
        #[arg(long)]
        author: Option<String>,
        /// Also set this status (e.g. waiting after asking the customer something).
        #[arg(long, value_parser = status_arg)]
        status: Option<TicketStatus>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a ticket (its number is not given again).
    Delete { id: String },
    /// How many tickets each queue holds.
    Counts {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Complaint figures, overall and per account, for tickets opened in [--from, --to).
    Complaints {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Which team member "mine" means on this computer (by name; "" forgets it).
    Me { name: String },
}

#[derive(Debug, Args)]
pub struct TicketFields {
    #[arg(long)]
    subject: Option<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long, value_name = "ID")]
    contact_id: Option<String>,
    #[arg(long)]
    product: Option<String>,
    /// phone, email, web_form, letter, in_person.
    #[arg(long, value_parser = channel_arg)]
    channel: Option<TicketChannel>,
    /// question, problem, complaint, request, callback.
    #[arg(long, value_parser = category_arg)]
    category: Option<TicketCategory>,
    /// low, normal, high, urgent.
    #[arg(long, value_parser = priority_arg)]
    priority: Option<TicketPriority>,
    /// new, open, waiting, resolved, closed.
    #[arg(long, value_parser = status_arg)]
    status: Option<TicketStatus>,
    /// The agent (a team member's name).
    #[arg(long)]
    owner: Option<String>,
    /// For a callback request: when to call (2026-12-01T14:00 local, or RFC 3339).
    #[arg(long, value_name = "WHEN")]
    callback_at: Option<String>,
    /// Completing the callback call does not resolve the ticket.
    #[arg(long)]
    keep_open_after_callback: bool,
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// open, mine, breaching_soon, breached, waiting, resolved, all.
    #[arg(long, value_parser = queue_arg)]
    queue: Option<TicketQueue>,
    /// Only this status (repeat for several); implies --queue all unless one is given. `open`
    /// means every unfinished ticket (new, open or waiting on the customer), as the Open queue.
    #[arg(long, value_parser = status_arg)]
    status: Vec<TicketStatus>,
    #[arg(long, value_parser = priority_arg)]
    priority: Option<TicketPriority>,
    #[arg(long, value_parser = category_arg)]
    category: Option<TicketCategory>,
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long, value_name = "ID")]
    contact_id: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    tag: Vec<String>,
    #[arg(long)]
    search: Option<String>,
    /// due (soonest first), number, priority, status, subject, created, updated.
    #[arg(long, default_value = "due")]
    sort: String,
    #[arg(long)]
    desc: bool,
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

impl TicketFields {
    fn apply(&self, db: &Db, input: &mut TicketInput) -> rapport_core::Result<()> {
        if let Some(subject) = &self.subject {
            input.subject.clone_from(subject);
        }
        crate::set(&mut input.description, &self.description);
        crate::set(&mut input.account_id, &self.account_id);
        crate::set(&mut input.contact_id, &self.contact_id);
        crate::set(&mut input.product, &self.product);
        crate::set(&mut input.callback_at, &self.callback_at);
        input.channel = self.channel.or(input.channel);
        input.category = self.category.or(input.category);
        input.priority = self.priority.or(input.priority);
        input.status = self.status.or(input.status);
        if self.keep_open_after_callback {
            input.resolve_on_callback = Some(false);
        }
        if let Some(owner) = crate::owner_id(db.conn(), &self.owner)? {
            input.owner_id = owner;
        }
        for t in &self.tags {
            if !input.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                input.tags.push(t.clone());
            }
        }
        Ok(())
    }
}

/// "2h 15m left", "over by 1h 5m", "paused, 3h left", "met".
fn clock_text(clock: &Option<SlaClock>) -> String {
    let Some(c) = clock else {
        return String::new();
    };
    let span = |s: i64| {
        let m = s.abs() / 60;
        if m >= 60 {
            format!("{}h {}m", m / 60, m % 60)
        } else {
            format!("{m}m")
        }
    };
    match c.state {
        tickets::ClockState::Met if c.breached_at.is_some() => "met late".into(),
        tickets::ClockState::Met => "met".into(),
        tickets::ClockState::Paused => format!("paused, {} left", span(c.seconds_left)),
        tickets::ClockState::Running if c.seconds_left < 0 => {
            format!("over by {}", span(c.seconds_left))
        }
        tickets::ClockState::Running => format!("{} left", span(c.seconds_left)),
    }
}

fn ticket_table(items: &[TicketSummary]) -> rapport_core::Result<()> {
    output::table(
        &[
            "#",
            "SUBJECT",
            "ACCOUNT",
            "PRIORITY",
            "STATUS",
            "OWNER",
            "RESPONSE",
            "RESOLUTION",
        ],
        items.iter().map(|t| {
            vec![
                t.number.to_string(),
                t.subject.clone(),
                t.account_name.clone().unwrap_or_default(),
                t.priority.as_str().to_owned(),
                t.status.as_str().to_owned(),
                t.owner_name.clone().unwrap_or_default(),
                clock_text(&t.sla.first_response),
                clock_text(&t.sla.resolution),
            ]
        }),
    )
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn run(db: &mut Db, cmd: TicketsCmd) -> rapport_core::Result<()> {
    match cmd {
        TicketsCmd::Add(fields) => {
            let mut input = TicketInput::default();
            fields.apply(db, &mut input)?;
            let ticket = tickets::create(db, &input)?;
            output::line(&ticket.id)
        }
        TicketsCmd::Update { id, fields } => {
            let id = tickets::find(db.conn(), &id)?;
            let mut input = TicketInput::from(&tickets::get(db.conn(), &id, now())?);
            fields.apply(db, &mut input)?;
            tickets::update(db, &id, &input)?;
            Ok(())
        }
        TicketsCmd::Get { id, format } => {
            let id = tickets::find(db.conn(), &id)?;
            let ticket = tickets::get(db.conn(), &id, now())?;
            emit(format, &ticket, || output::record(&ticket))
        }
        TicketsCmd::List(args) => {
            let owner = crate::owner_filter(db.conn(), &args.owner)?;
            let sort = match args.sort.trim().to_lowercase().as_str() {
                "due" => TicketSort::Due,
                "number" => TicketSort::Number,
                "priority" => TicketSort::Priority,
                "status" => TicketSort::Status,
                "subject" => TicketSort::Subject,
                "created" => TicketSort::CreatedAt,
                "updated" => TicketSort::UpdatedAt,
                other => {
                    return Err(Error::invalid(
                        "--sort",
                        format!(
                            "\"{other}\" is not a sort; use due, number, priority, status, subject, created or updated"
                        ),
                    ));
                }
            };
            let queue = args.queue.or(if args.status.is_empty() {
                None
            } else {
                Some(TicketQueue::All)
            });
            let mut statuses = Vec::new();
            for s in args.status {
                let wanted: &[TicketStatus] = if s == TicketStatus::Open {
                    &[TicketStatus::New, TicketStatus::Open, TicketStatus::Waiting]
                } else {
                    std::slice::from_ref(&s)
                };
                for w in wanted {
                    if !statuses.contains(w) {
                        statuses.push(*w);
                    }
                }
            }
            let query = TicketQuery {
                queue,
                sort,
                direction: crate::direction(args.desc),
                search: args.search,
                statuses,
                priority: args.priority,
                category: args.category,
                account_id: args.account_id,
                contact_id: args.contact_id,
                filters: CommonFilters {
                    tags: args.tag,
                    owner_id: owner,
                    ..Default::default()
                },
                limit: Some(args.limit.unwrap_or(500)),
                ..Default::default()
            };
            let page = tickets::list(db.conn(), &query, now())?;
            emit(args.format, &page.items, || ticket_table(&page.items))
        }
        TicketsCmd::Reply {
            id,
            body,
            note,
            customer,
            no_email,
            author,
            status,
            format,
        } => {
            let id = tickets::find(db.conn(), &id)?;
            let author_id = crate::owner_id(db.conn(), &author)?.flatten();
            let kind = if note {
                MessageKind::Note
            } else if customer {
                MessageKind::Customer
            } else {
                MessageKind::Reply
            };
            let ticket = tickets::add_message(
                db,
                &id,
                &MessageInput {
                    kind: Some(kind),
                    body,
                    author_id,
                    status,
                    email: no_email.then_some(false),
                },
            )?;
            emit(format, &ticket, || {
                output::line(&format!("#{} is {}", ticket.number, ticket.status.as_str()))
            })
        }
        TicketsCmd::Delete { id } => {
            let id = tickets::find(db.conn(), &id)?;
            tickets::delete(db, &id)
        }
        TicketsCmd::Counts { format } => {
            let counts = tickets::counts(db.conn(), now())?;
            emit(format, &counts, || output::record(&counts))
        }
        TicketsCmd::Complaints { from, to, format } => {
            let stats = tickets::complaints(db.conn(), from.as_deref(), to.as_deref())?;
            emit(format, &stats, || {
                output::line(&format!(
                    "{} complaint(s) in {} ticket(s) ({}.{}%); {} of {} account(s) complained",
                    stats.complaints,
                    stats.tickets,
                    stats.complaint_share_tenths / 10,
                    stats.complaint_share_tenths % 10,
                    stats.accounts_complaining,
                    stats.accounts_with_tickets
                ))?;
                output::table(
                    &["ACCOUNT", "TICKETS", "COMPLAINTS"],
                    stats.accounts.iter().map(|a| {
                        vec![
                            a.account_name.clone(),
                            a.tickets.to_string(),
                            a.complaints.to_string(),
                        ]
                    }),
                )
            })
        }
        TicketsCmd::Me { name } => {
            let member = crate::owner_id(db.conn(), &Some(name))?.flatten();
            tickets::set_me(db, member.as_deref())?;
            Ok(())
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SlaCmd {
    /// Tickets whose first response or resolution target was passed (unfinished ones unless
    /// --all); breaches noticed now are recorded, dated when they happened.
    Breaches {
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The targets per priority (and tier); --priority with both times sets one.
    Policies {
        #[arg(long, value_parser = priority_arg, requires_all = ["first_response", "resolution"])]
        priority: Option<TicketPriority>,
        /// Business time for the first reply: 45m, 4h, 1h30m.
        #[arg(long, value_name = "DURATION", requires = "priority")]
        first_response: Option<String>,
        /// Business time to resolve: 45m, 8h, 24h.
        #[arg(long, value_name = "DURATION", requires = "priority")]
        resolution: Option<String>,
        /// For accounts tagged with this tier name only.
        #[arg(long, requires = "priority")]
        tier: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The working week the clocks count in; flags change it.
    Hours {
        /// An IANA time zone (Europe/Paris); "" for the computer's.
        #[arg(long)]
        zone: Option<String>,
        /// DAY=HH:MM-HH:MM or DAY=closed, DAY being mon..sun (repeat).
        #[arg(long = "day", value_name = "DAY=HOURS")]
        days: Vec<String>,
        /// Warn when this share (percent) of a target is used.
        #[arg(long)]
        warn: Option<u8>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Days off; --add DATE --name NAME, or --remove DATE.
    Holidays {
        #[arg(
            long,
            value_name = "YYYY-MM-DD",
            requires = "name",
            conflicts_with = "remove"
        )]
        add: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        remove: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn set_day(hours: &mut WorkingHours, spec: &str) -> rapport_core::Result<()> {
    let bad = || {
        Error::invalid(
            "--day",
            format!("\"{spec}\" should look like mon=09:00-17:00 or sat=closed"),
        )
    };
    let (day, value) = spec.split_once('=').ok_or_else(bad)?;
    let key = day.trim().to_lowercase();
    let index = DAYS
        .iter()
        .position(|d| key.starts_with(d))
        .ok_or_else(bad)?;
    let value = value.trim();
    let entry = &mut hours.days[index];
    if value.eq_ignore_ascii_case("closed") {
        entry.open = false;
        return Ok(());
    }
    let (start, end) = value.split_once('-').ok_or_else(bad)?;
    entry.open = true;
    entry.start = start.trim().to_owned();
    entry.end = end.trim().to_owned();
    Ok(())
}

pub fn run_sla(db: &mut Db, cmd: SlaCmd) -> rapport_core::Result<()> {
    match cmd {
        SlaCmd::Breaches { all, format } => {
            let now = now();
            tickets::record_breaches(db, now)?;
            let items = tickets::breaches(db.conn(), all, now)?;
            emit(format, &items, || ticket_table(&items))
        }
        SlaCmd::Policies {
            priority,
            first_response,
            resolution,
            tier,
            format,
        } => {
            let list = match (priority, first_response, resolution) {
                (Some(priority), Some(first), Some(resolution)) => sla::save_policy(
                    db,
                    &SlaPolicyInput {
                        tier,
                        priority: Some(priority),
                        first_response_minutes: sla::parse_minutes("--first-response", &first)?,
                        resolution_minutes: sla::parse_minutes("--resolution", &resolution)?,
                    },
                )?,
                _ => sla::policies(db.conn())?,
            };
            emit(format, &list, || {
                output::table(
                    &["TIER", "PRIORITY", "FIRST RESPONSE", "RESOLUTION"],
                    list.iter().map(|p| {
                        let t = |m: i64| format!("{}h {:02}m", m / 60, m % 60);
                        vec![
                            p.tier.clone().unwrap_or_else(|| "(all)".into()),
                            p.priority.as_str().to_owned(),
                            t(p.first_response_minutes),
                            t(p.resolution_minutes),
                        ]
                    }),
                )
            })
        }
        SlaCmd::Hours {
            zone,
            days,
            warn,
            format,
        } => {
            let mut hours = hours::working_hours(db.conn())?;
            let changed = zone.is_some() || !days.is_empty() || warn.is_some();
            if let Some(zone) = zone {
                hours.time_zone = Some(zone).filter(|z| !z.trim().is_empty());
            }
            for spec in &days {
                set_day(&mut hours, spec)?;
            }
            if let Some(warn) = warn {
                hours.warn_percent = warn;
            }
            if changed {
                hours = hours::set_working_hours(db, &hours)?;
            }
            emit(format, &hours, || {
                output::line(&format!(
                    "Time zone: {}; warn at {}%",
                    hours.time_zone.as_deref().unwrap_or("this computer's"),
                    hours.warn_percent
                ))?;
                output::table(
                    &["DAY", "HOURS"],
                    hours.days.iter().zip(DAYS).map(|(d, name)| {
                        vec![
                            name.to_owned(),
                            if d.open {
                                format!("{}-{}", d.start, d.end)
                            } else {
                                "closed".into()
                            },
                        ]
                    }),
                )
            })
        }
        SlaCmd::Holidays {
            add,
            name,
            remove,
            format,
        } => {
            let list = match (add, remove) {
                (Some(day), _) => hours::add_holiday(db, &day, name.as_deref().unwrap_or(""))?,
                (None, Some(day)) => hours::remove_holiday(db, &day)?,
                (None, None) => hours::holidays(db.conn())?,
            };
            emit(format, &list, || {
                output::table(
                    &["DAY", "NAME"],
                    list.iter().map(|h| vec![h.day.clone(), h.name.clone()]),
                )
            })
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AgreementsCmd {
    /// Add a service agreement to an account; prints its id. Its occurrences due within the
    /// next week become tasks at once.
    Add(Box<AgreementFields>),
    /// Change an agreement (only the fields given).
    Update {
        id: String,
        #[command(flatten)]
        fields: Box<AgreementFields>,
    },
    /// Agreements, of one account or all.
    List {
        #[arg(long, value_name = "ID")]
        account_id: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The delivery log: due, delivered and skipped occurrences, newest first.
    Log {
        /// One agreement's (default: all).
        id: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Make the occurrences falling due within the next week (with their tasks).
    Run {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Log an occurrence as delivered.
    Deliver {
        occurrence_id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Log an occurrence as skipped, saying why.
    Skip {
        occurrence_id: String,
        #[arg(long)]
        note: String,
    },
    /// Delete an agreement and its log (its tasks stay).
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct AgreementFields {
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// An RFC 5545 rule: FREQ=MONTHLY;BYMONTHDAY=1, FREQ=MONTHLY;INTERVAL=3, FREQ=WEEKLY;BYDAY=MO.
    #[arg(long)]
    rrule: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    starts: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    ends: Option<String>,
    #[arg(long)]
    owner: Option<String>,
}

impl AgreementFields {
    fn apply(&self, db: &Db, input: &mut AgreementInput) -> rapport_core::Result<()> {
        if let Some(a) = &self.account_id {
            input.account_id.clone_from(a);
        }
        if let Some(n) = &self.name {
            input.name.clone_from(n);
        }
        if let Some(r) = &self.rrule {
            input.rrule.clone_from(r);
        }
        crate::set(&mut input.description, &self.description);
        crate::set(&mut input.starts_on, &self.starts);
        crate::set(&mut input.ends_on, &self.ends);
        if let Some(owner) = crate::owner_id(db.conn(), &self.owner)? {
            input.owner_id = owner;
        }
        Ok(())
    }
}

pub fn run_agreements(db: &mut Db, cmd: AgreementsCmd) -> rapport_core::Result<()> {
    match cmd {
        AgreementsCmd::Add(fields) => {
            let mut input = AgreementInput::default();
            fields.apply(db, &mut input)?;
            let a = agreements::create(db, &input)?;
            output::line(&a.id)
        }
        AgreementsCmd::Update { id, fields } => {
            let a = agreements::get(db.conn(), &id)?;
            let mut input = AgreementInput {
                account_id: a.account_id,
                name: a.name,
                description: a.description,
                rrule: a.rrule,
                starts_on: Some(a.starts_on),
                ends_on: a.ends_on,
                owner_id: a.owner_id,
            };
            fields.apply(db, &mut input)?;
            agreements::update(db, &id, &input)?;
            Ok(())
        }
        AgreementsCmd::List { account_id, format } => {
            let list = agreements::list(db.conn(), account_id.as_deref())?;
            emit(format, &list, || {
                output::table(
                    &[
                        "ID",
                        "ACCOUNT",
                        "NAME",
                        "SCHEDULE",
                        "NEXT DUE",
                        "DELIVERED",
                        "SKIPPED",
                        "OPEN",
                    ],
                    list.iter().map(|a| {
                        vec![
                            a.id.clone(),
                            a.account_name.clone(),
                            a.name.clone(),
                            a.schedule.clone(),
                            a.next_due.clone().unwrap_or_default(),
                            a.delivered.to_string(),
                            a.skipped.to_string(),
                            a.open.to_string(),
                        ]
                    }),
                )
            })
        }
        AgreementsCmd::Log { id, format } => {
            let log = agreements::occurrences(db.conn(), id.as_deref())?;
            emit(format, &log, || {
                output::table(
                    &["ID", "DUE", "AGREEMENT", "ACCOUNT", "STATUS", "NOTE"],
                    log.iter().map(|o| {
                        vec![
                            o.id.clone(),
                            o.due_on.clone(),
                            o.agreement_name.clone(),
                            o.account_name.clone(),
                            o.status.as_str().to_owned(),
                            o.note.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        AgreementsCmd::Run { format } => {
            let made = agreements::generate(db, now())?;
            let report = serde_json::json!({ "created": made });
            emit(format, &report, || {
                output::line(&format!("{made} occurrence(s) made"))
            })
        }
        AgreementsCmd::Deliver {
            occurrence_id,
            note,
        } => {
            agreements::settle(
                db,
                &occurrence_id,
                OccurrenceStatus::Delivered,
                note.as_deref(),
            )?;
            Ok(())
        }
        AgreementsCmd::Skip {
            occurrence_id,
            note,
        } => {
            agreements::settle(db, &occurrence_id, OccurrenceStatus::Skipped, Some(&note))?;
            Ok(())
        }
        AgreementsCmd::Delete { id } => agreements::delete(db, &id),
    }
}
