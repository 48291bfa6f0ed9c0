//! `rapport segments | templates | sequences | promotions | outbox`: marketing beyond
//! campaigns. The JSON shapes are the core's types (see `rapport help`).

use std::io::Read;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use rapport_core::marketing::segments::{
    self, ConditionOp, SegmentCondition, SegmentEntity, SegmentFilter, SegmentInput, SegmentKind,
    SegmentMatch,
};
use rapport_core::marketing::sequences::{self, SequenceInput, SequenceStatus, StepInput};
use rapport_core::marketing::templates::{self, EmailTemplateInput};
use rapport_core::{Db, Error, Result};

use crate::{Format, emit, output};

/// Who a command is about: `--contact ID` or `--lead ID`.
#[derive(Debug, Args)]
pub struct Person {
    #[arg(long, group = "person")]
    contact: Option<String>,
    #[arg(long, group = "person")]
    lead: Option<String>,
}

impl Person {
    fn entity(&self) -> Result<(&'static str, String)> {
        match (&self.contact, &self.lead) {
            (Some(c), _) => Ok(("contacts", c.clone())),
            (None, Some(l)) => Ok(("leads", l.clone())),
            (None, None) => Err(Error::invalid(
                "--contact",
                "name who with --contact ID or --lead ID",
            )),
        }
    }
}

/// The day to act as if it were (default: today on this computer).
#[derive(Debug, Args)]
pub struct Today {
    /// Act as if today were this day (YYYY-MM-DD): the day someone is enrolled, or a day gone
    /// by whose due steps are caught up. Sending never takes a day still to come.
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
}

impl Today {
    /// The day to send as of: never after today, or steps due later would go now.
    pub fn sending_day(&self) -> Result<NaiveDate> {
        let day = self.day()?;
        let real = rapport_core::kernel::time::today();
        if day > real {
            return Err(Error::invalid(
                "--today",
                format!(
                    "{day} is still to come: steps due then would be sent now. They go on their day (the app sends them, or run this again then)"
                ),
            ));
        }
        Ok(day)
    }

    fn day(&self) -> Result<NaiveDate> {
        match &self.today {
            None => Ok(rapport_core::kernel::time::today()),
            Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                Error::invalid("--today", format!("\"{d}\" is not a day (YYYY-MM-DD)"))
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EntityArg {
    Contacts,
    Accounts,
    Leads,
}

impl From<EntityArg> for SegmentEntity {
    fn from(e: EntityArg) -> Self {
        match e {
            EntityArg::Contacts => SegmentEntity::Contacts,
            EntityArg::Accounts => SegmentEntity::Accounts,
            EntityArg::Leads => SegmentEntity::Leads,
        }
    }
}

// ------------------------------------------------------------------ segments

#[derive(Debug, Subcommand)]
pub enum SegmentsCmd {
    /// Save a segment; prints its id. Dynamic: conditions with --where (repeat), e.g.
    /// --where "industry is Bakery" --where "last_activity before 90d" --where "tag is vip";
    /// or a whole filter with --filter '{"match":"any","conditions":[...]}'. --static makes a
    /// list kept by hand (segments add-members).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "contacts")]
        entity: EntityArg,
        /// A list kept by hand instead of conditions.
        #[arg(long = "static", conflicts_with_all = ["conditions", "filter", "any"])]
        is_static: bool,
        /// Any condition is enough (OR); by default all must hold (AND).
        #[arg(long, conflicts_with = "filter")]
        any: bool,
        /// A condition: FIELD OP [VALUE] (`rapport segments fields` lists the fields).
        #[arg(long = "where", value_name = "CONDITION")]
        conditions: Vec<String>,
        /// The filter as JSON (instead of --where).
        #[arg(long, conflicts_with = "conditions")]
        filter: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// The fields conditions can test, their kind and the values in use.
    Fields {
        #[arg(long, value_enum, default_value = "contacts")]
        entity: EntityArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Every segment, by name.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One segment, with its conditions.
    Get {
        segment: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// How many members it has today.
    Count {
        segment: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Its members, by name.
    Members {
        segment: String,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write its members to a CSV file; prints how many.
    Export {
        segment: String,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Put records in a static list (repeat --id); prints how many were added.
    AddMembers {
        segment: String,
        #[arg(long = "id", value_name = "ID", required = true)]
        ids: Vec<String>,
    },
    /// Take records out of a static list.
    RemoveMembers {
        segment: String,
        #[arg(long = "id", value_name = "ID", required = true)]
        ids: Vec<String>,
    },
    /// Make the members members of a campaign; prints how many were added.
    ToCampaign { segment: String, campaign: String },
    /// Delete a segment (not one a promotion used); its records stay.
    Delete { segment: String },
}

/// `FIELD OP [VALUE]`, e.g. `industry is Bakery`, `has_open_deal yes`.
fn condition(text: &str) -> Result<SegmentCondition> {
    let mut parts = text.trim().splitn(3, char::is_whitespace);
    let field = parts.next().unwrap_or_default().to_owned();
    let op_text = parts.next().unwrap_or_default();
    let Some(op) = ConditionOp::parse(op_text) else {
        return Err(Error::invalid(
            "--where",
            format!(
                "\"{text}\": write FIELD OP VALUE, OP one of {}",
                ConditionOp::names()
            ),
        ));
    };
    Ok(SegmentCondition {
        field,
        op,
        value: parts.next().unwrap_or_default().trim().to_owned(),
    })
}

pub fn run_segments(db: &mut Db, cmd: SegmentsCmd) -> Result<()> {
    let today = rapport_core::kernel::time::today();
    match cmd {
        SegmentsCmd::Add {
            name,
            entity,
            is_static,
            any,
            conditions,
            filter,
            description,
        } => {
            let filter = match filter {
                Some(json) => serde_json::from_str(&json).map_err(|e| {
                    Error::invalid("--filter", format!("is not a segment filter: {e}"))
                })?,
                None => SegmentFilter {
                    combine: if any {
                        SegmentMatch::Any
                    } else {
                        SegmentMatch::All
                    },
                    conditions: conditions
                        .iter()
                        .map(|c| condition(c))
                        .collect::<Result<_>>()?,
                },
            };
            let s = segments::create(
                db,
                &SegmentInput {
                    name,
                    entity: entity.into(),
                    kind: if is_static {
                        SegmentKind::Static
                    } else {
                        SegmentKind::Dynamic
                    },
                    filter,
                    description,
                },
            )?;
            output::line(&s.id)
        }
        SegmentsCmd::Fields { entity, format } => {
            let fields = segments::fields(db.conn(), entity.into())?;
            emit(format, &fields, || {
                output::table(
                    &["FIELD", "LABEL", "KIND", "VALUES IN USE"],
                    fields.iter().map(|f| {
                        vec![
                            f.key.clone(),
                            f.label.clone(),
                            f.kind.as_str().to_owned(),
                            f.choices
                                .iter()
                                .take(8)
                                .map(|c| c.label.clone())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ]
                    }),
                )
            })
        }
        SegmentsCmd::List { format } => {
            let list = segments::list(db.conn())?;
            let counts = list
                .iter()
                .map(|s| segments::count(db.conn(), &s.id, today))
                .collect::<Result<Vec<_>>>()?;
            emit(format, &list, || {
                output::table(
                    &["ID", "NAME", "HOLDS", "KIND", "MEMBERS"],
                    list.iter().zip(&counts).map(|(s, n)| {
                        vec![
                            s.id.clone(),
                            s.name.clone(),
                            s.entity.as_str().to_owned(),
                            s.kind.as_str().to_owned(),
                            n.to_string(),
                        ]
                    }),
                )
            })
        }
        SegmentsCmd::Get { segment, format } => {
            let s = segments::find(db.conn(), &segment)?;
            emit(format, &s, || output::record(&s))
        }
        SegmentsCmd::Count { segment, format } => {
            let s = segments::find(db.conn(), &segment)?;
            let count = segments::count(db.conn(), &s.id, today)?;
            emit(
                format,
                &serde_json::json!({ "id": s.id, "name": s.name, "count": count }),
                || output::line(&count.to_string()),
            )
        }
        SegmentsCmd::Members {
            segment,
            limit,
            offset,
            format,
        } => {
            let s = segments::find(db.conn(), &segment)?;
            let page = segments::members(db.conn(), &s.id, today, offset, limit)?;
            emit(format, &page, || {
                output::table(
                    &["ID", "NAME", "EMAIL", "COMPANY", "PHONE"],
                    page.members.iter().map(|m| {
                        vec![
                            m.id.clone(),
                            m.name.clone(),
                            m.email.clone().unwrap_or_default(),
                            m.company.clone().unwrap_or_default(),
                            m.phone.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        SegmentsCmd::Export { segment, out } => {
            let s = segments::find(db.conn(), &segment)?;
            let n = segments::export_csv(db.conn(), &s.id, today, &out)?;
            output::line(&n.to_string())
        }
        SegmentsCmd::AddMembers { segment, ids } => {
            let s = segments::find(db.conn(), &segment)?;
            output::line(&segments::add_members(db, &s.id, &ids)?.to_string())
        }
        SegmentsCmd::RemoveMembers { segment, ids } => {
            let s = segments::find(db.conn(), &segment)?;
            output::line(&segments::remove_members(db, &s.id, &ids)?.to_string())
        }
        SegmentsCmd::ToCampaign { segment, campaign } => {
            let s = segments::find(db.conn(), &segment)?;
            let c = rapport_core::marketing::campaigns::find(db.conn(), &campaign)?;
            output::line(&segments::add_to_campaign(db, &s.id, &c.id, today)?.to_string())
        }
        SegmentsCmd::Delete { segment } => {
            let s = segments::find(db.conn(), &segment)?;
            segments::delete(db, &s.id)
        }
    }
}

// ------------------------------------------------------------------ templates

#[derive(Debug, Subcommand)]
pub enum TemplatesCmd {
    /// Save an e-mail template; prints its id. Merge fields: {{first_name}}, {{company}},
    /// {{owner}} ... (`rapport templates fields`); {{first_name|there}} falls back to "there".
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        subject: String,
        /// The plain-text body; `-` reads it from standard input.
        #[arg(long, conflicts_with = "body_file")]
        body: Option<String>,
        #[arg(long, value_name = "FILE")]
        body_file: Option<std::path::PathBuf>,
    },
    /// Change a template (only what is given).
    Update {
        template: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        subject: Option<String>,
        #[arg(long)]
        body: Option<String>,
        #[arg(long, value_name = "FILE")]
        body_file: Option<std::path::PathBuf>,
    },
    /// The merge fields.
    Fields,
    /// Every template, by name.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The template filled for a real contact or lead.
    Preview {
        template: String,
        #[command(flatten)]
        person: Person,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a template no sequence step or promotion uses.
    Delete { template: String },
}

fn body_from(body: Option<String>, file: Option<std::path::PathBuf>) -> Result<Option<String>> {
    if let Some(path) = file {
        return std::fs::read_to_string(&path)
            .map(Some)
            .map_err(|source| Error::Io {
                action: "read",
                path,
                source,
            });
    }
    match body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| Error::Io {
                    action: "read",
                    path: "standard input".into(),
                    source,
                })?;
            Ok(Some(text))
        }
        _ => Ok(body),
    }
}

pub fn run_templates(db: &mut Db, cmd: TemplatesCmd) -> Result<()> {
    match cmd {
        TemplatesCmd::Add {
            name,
            subject,
            body,
            body_file,
        } => {
            let body = body_from(body, body_file)?.unwrap_or_default();
            let t = templates::create(
                db,
                &EmailTemplateInput {
                    name,
                    subject,
                    body,
                },
            )?;
            output::line(&t.id)
        }
        TemplatesCmd::Update {
            template,
            name,
            subject,
            body,
            body_file,
        } => {
            let t = templates::find(db.conn(), &template)?;
            let body = body_from(body, body_file)?;
            templates::update(
                db,
                &t.id,
                &EmailTemplateInput {
                    name: name.unwrap_or(t.name.clone()),
                    subject: subject.unwrap_or(t.subject.clone()),
                    body: body.unwrap_or(t.body.clone()),
                },
            )?;
            Ok(())
        }
        TemplatesCmd::Fields => output::table(
            &["FIELD", "HOLDS"],
            templates::merge_fields()
                .into_iter()
                .map(|f| vec![format!("{{{{{}}}}}", f.key), f.label]),
        ),
        TemplatesCmd::List { format } => {
            let list = templates::list(db.conn())?;
            emit(format, &list, || {
                output::table(
                    &["ID", "NAME", "SUBJECT"],
                    list.iter()
                        .map(|t| vec![t.id.clone(), t.name.clone(), t.subject.clone()]),
                )
            })
        }
        TemplatesCmd::Preview {
            template,
            person,
            format,
        } => {
            let t = templates::find(db.conn(), &template)?;
            let (entity, id) = person.entity()?;
            let r = templates::preview(db.conn(), &t.id, entity, &id)?;
            emit(format, &r, || {
                output::line(&format!(
                    "To: {} <{}>\nSubject: {}\n{}\n{}",
                    r.to_name,
                    r.to_address.clone().unwrap_or_default(),
                    r.subject,
                    r.skip_reason
                        .as_ref()
                        .map(|s| format!("(would be skipped: {s})\n"))
                        .unwrap_or_default(),
                    r.text
                ))
            })
        }
        TemplatesCmd::Delete { template } => {
            let t = templates::find(db.conn(), &template)?;
            templates::delete(db, &t.id)
        }
    }
}

// ------------------------------------------------------------------ sequences

#[derive(Debug, Subcommand)]
pub enum SequencesCmd {
    /// Save a follow-up sequence; prints its id. Steps in order, each TEMPLATE:DAYS (days
    /// after the previous step), e.g. --step Welcome:0 --step "Product info:2" --step Offer:3.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long = "step", value_name = "TEMPLATE:DAYS", required = true)]
        steps: Vec<String>,
        /// Enrol every new lead (narrowed by --lead-source and --lead-campaign).
        #[arg(long)]
        new_leads: bool,
        #[arg(long)]
        lead_source: Option<String>,
        #[arg(long)]
        lead_campaign: Option<String>,
        /// Saved paused: nothing is sent until it is resumed.
        #[arg(long)]
        paused: bool,
    },
    /// Pause a sequence: nothing more is queued for its enrolments until it is resumed.
    Pause { sequence: String },
    /// Start a paused sequence again: its enrolments go on from where they were.
    Resume { sequence: String },
    /// Every sequence with its steps and how many are in it.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Enrol a contact, a lead or a segment's members.
    Enroll {
        sequence: String,
        #[arg(long, group = "who")]
        contact: Option<String>,
        #[arg(long, group = "who")]
        lead: Option<String>,
        #[arg(long, group = "who")]
        segment: Option<String>,
        #[command(flatten)]
        today: Today,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Who is (or was) in it, with the next step and why those who left did.
    Enrolments {
        sequence: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Take someone out by hand.
    Remove {
        sequence: String,
        #[command(flatten)]
        person: Person,
    },
    /// Queue the steps due today in the outbox (the app does this by itself).
    Run {
        #[command(flatten)]
        today: Today,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Log a reply from someone: an inbound e-mail on their timeline; their sequences stop.
    Reply {
        #[command(flatten)]
        person: Person,
        #[arg(long, default_value = "")]
        subject: String,
    },
    /// Mark someone unsubscribed; their sequences stop and nothing more is sent to them.
    Unsubscribe {
        #[command(flatten)]
        person: Person,
    },
}

fn sequence_input(s: &rapport_core::marketing::sequences::Sequence) -> SequenceInput {
    SequenceInput {
        name: s.name.clone(),
        status: Some(s.status),
        enrol_new_leads: s.enrol_new_leads,
        lead_source: s.lead_source.clone(),
        lead_campaign: s.lead_campaign_id.clone(),
        steps: s
            .steps
            .iter()
            .map(|p| StepInput {
                template: p.template_id.clone(),
                delay_days: p.delay_days,
            })
            .collect(),
    }
}

pub fn run_sequences(db: &mut Db, cmd: SequencesCmd) -> Result<()> {
    match cmd {
        SequencesCmd::Add {
            name,
            steps,
            new_leads,
            lead_source,
            lead_campaign,
            paused,
        } => {
            let steps = steps
                .iter()
                .map(|s| {
                    let (template, days) = s.rsplit_once(':').ok_or_else(|| {
                        Error::invalid("--step", format!("\"{s}\": write TEMPLATE:DAYS"))
                    })?;
                    let delay_days = days.trim().parse().map_err(|_| {
                        Error::invalid(
                            "--step",
                            format!("\"{days}\" in \"{s}\" is not a number of days"),
                        )
                    })?;
                    Ok(StepInput {
                        template: template.trim().to_owned(),
                        delay_days,
                    })
                })
                .collect::<Result<_>>()?;
            let s = sequences::create(
                db,
                &SequenceInput {
                    name,
                    status: Some(if paused {
                        SequenceStatus::Paused
                    } else {
                        SequenceStatus::Active
                    }),
                    enrol_new_leads: new_leads,
                    lead_source,
                    lead_campaign,
                    steps,
                },
            )?;
            output::line(&s.id)
        }
        SequencesCmd::Pause { sequence } => set_status(db, &sequence, SequenceStatus::Paused),
        SequencesCmd::Resume { sequence } => set_status(db, &sequence, SequenceStatus::Active),
        SequencesCmd::List { format } => {
            let list = sequences::list(db.conn())?;
            emit(format, &list, || {
                output::table(
                    &["ID", "NAME", "STATUS", "STEPS", "ACTIVE", "DONE", "STOPPED"],
                    list.iter().map(|s| {
                        vec![
                            s.id.clone(),
                            s.name.clone(),
                            s.status.as_str().to_owned(),
                            s.steps
                                .iter()
                                .map(|p| format!("+{}d {}", p.delay_days, p.template_name))
                                .collect::<Vec<_>>()
                                .join(" → "),
                            s.active.to_string(),
                            s.completed.to_string(),
                            s.stopped.to_string(),
                        ]
                    }),
                )
            })
        }
        SequencesCmd::Enroll {
            sequence,
            contact,
            lead,
            segment,
            today,
            format,
        } => {
            let s = sequences::find(db.conn(), &sequence)?;
            let day = today.day()?;
            let report = match (contact, lead, segment) {
                (Some(c), _, _) => sequences::enroll(db, &s.id, "contacts", &[c], day)?,
                (None, Some(l), _) => sequences::enroll(db, &s.id, "leads", &[l], day)?,
                (None, None, Some(g)) => {
                    let seg = segments::find(db.conn(), &g)?;
                    sequences::enroll_segment(db, &s.id, &seg.id, day)?
                }
                (None, None, None) => {
                    return Err(Error::invalid(
                        "--contact",
                        "name who with --contact ID, --lead ID or --segment NAME",
                    ));
                }
            };
            emit(format, &report, || {
                output::line(&format!(
                    "{} enrolled{}",
                    report.enrolled,
                    if report.already > 0 {
                        format!(", {} already in it", report.already)
                    } else {
                        String::new()
                    }
                ))
            })
        }
        SequencesCmd::Enrolments { sequence, format } => {
            let s = sequences::find(db.conn(), &sequence)?;
            let list = sequences::enrolments(db.conn(), &s.id)?;
            emit(format, &list, || {
                output::table(
                    &["WHO", "ID", "STATUS", "NEXT STEP", "DUE", "ENROLLED"],
                    list.iter().map(|e| {
                        vec![
                            e.name.clone(),
                            e.entity_id.clone(),
                            match e.stop_reason {
                                Some(r) => format!("stopped: {}", r.as_str()),
                                None => e.status.as_str().to_owned(),
                            },
                            e.next_position.to_string(),
                            e.next_due_on.clone().unwrap_or_default(),
                            e.enrolled_on.clone(),
                        ]
                    }),
                )
            })
        }
        SequencesCmd::Remove { sequence, person } => {
            let s = sequences::find(db.conn(), &sequence)?;
            let (entity, id) = person.entity()?;
            sequences::remove(db, &s.id, entity, &id)
        }
        SequencesCmd::Run { today, format } => {
            let report = sequences::run(db, today.sending_day()?)?;
            emit(format, &report, || {
                output::line(&format!(
                    "{} step(s) queued, {} completed, {} stopped",
                    report.queued, report.completed, report.stopped
                ))
            })
        }
        SequencesCmd::Reply { person, subject } => {
            let (entity, id) = person.entity()?;
            let n = sequences::record_reply(db, entity, &id, &subject)?;
            output::line(&format!("reply logged; {n} sequence(s) stopped"))
        }
        SequencesCmd::Unsubscribe { person } => {
            let (entity, id) = person.entity()?;
            let n = sequences::unsubscribe(db, entity, &id)?;
            output::line(&format!("unsubscribed; {n} sequence(s) stopped"))
        }
    }
}

fn set_status(db: &mut Db, key: &str, status: SequenceStatus) -> Result<()> {
    let s = sequences::find(db.conn(), key)?;
    let mut input = sequence_input(&s);
    input.status = Some(status);
    sequences::update(db, &s.id, &input)?;
    Ok(())
}
