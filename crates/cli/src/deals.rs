//! `rapport deals ...`, `rapport pipeline`, `rapport pipelines ...` and `rapport forecast`.

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::sales::opportunities::{
    self, BoardQuery, DealContact, DealFilters, DealStatus, ForecastQuery, MoveInput,
    OpportunityInput, OpportunityQuery, OpportunitySort,
};
use rapport_core::sales::pipelines::{self, StageInput};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum DealsCmd {
    /// Add a deal; prints its id.
    Add(Box<DealFields>),
    /// List deals.
    List(ListArgs),
    /// One deal.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change a deal's fields (only those given).
    Update {
        id: String,
        #[command(flatten)]
        fields: Box<DealFields>,
    },
    /// Move a deal to another stage; Lost needs --lost-reason.
    Move {
        id: String,
        /// The stage's name or id.
        #[arg(long)]
        stage: String,
        /// Why it was lost (a name from `rapport pipelines lost-reasons`).
        #[arg(long)]
        lost_reason: Option<String>,
        #[arg(long)]
        lost_note: Option<String>,
        /// When it was won or lost (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        closed_on: Option<String>,
        /// Also create the stage's suggested activities as tasks on the deal.
        #[arg(long)]
        create_tasks: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The stages a deal has been through, with the days spent in each.
    History {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Delete a deal (its activities stay, unlinked).
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct DealFields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    /// The amount, e.g. 1234.50 (with --currency).
    #[arg(long, requires = "currency")]
    amount: Option<String>,
    /// ISO 4217 code, e.g. EUR.
    #[arg(long, requires = "amount")]
    currency: Option<String>,
    /// A pipeline's name or id (default: the first).
    #[arg(long)]
    pipeline: Option<String>,
    /// A stage's name or id (default: the pipeline's first).
    #[arg(long)]
    stage: Option<String>,
    /// Percent, overriding the stage's.
    #[arg(long)]
    probability: Option<i64>,
    /// Expected close date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    close: Option<String>,
    /// Why it was lost, when --stage is a Lost stage.
    #[arg(long)]
    lost_reason: Option<String>,
    #[arg(long)]
    next_step: Option<String>,
    #[arg(long)]
    source: Option<String>,
    /// The campaign that brought it (name or id; "" for none).
    #[arg(long)]
    campaign: Option<String>,
    /// The team member who owns it (by name).
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// A person in the deal: CONTACT_ID or CONTACT_ID=ROLE (repeat for several).
    #[arg(long = "contact", value_name = "ID[=ROLE]")]
    contacts: Vec<String>,
    /// A product of interest (repeat for several).
    #[arg(long = "product", value_name = "NAME")]
    products: Vec<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusArg {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Close,
    Name,
    Amount,
    Stage,
    Updated,
    Created,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long)]
    pipeline: Option<String>,
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    /// Deals whose name or account contains this text.
    #[arg(long)]
    search: Option<String>,
    #[arg(long, value_enum, default_value = "close")]
    sort: SortArg,
    #[arg(long)]
    desc: bool,
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    #[arg(long)]
    pipeline: Option<String>,
    /// Only deals owned by this team member (by name); "none" for unowned ones.
    #[arg(long)]
    owner: Option<String>,
    /// Only deals expected to close in this month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    close_month: Option<String>,
    #[arg(long)]
    tag: Option<String>,
    /// Cards listed per stage.
    #[arg(long, default_value_t = 100)]
    cards: u32,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Subcommand)]
pub enum PipelinesCmd {
    /// Every pipeline with its stages.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a pipeline (with one open stage, Won and Lost); prints its id.
    Add { name: String },
    /// Add an open stage to a pipeline.
    AddStage {
        #[arg(long)]
        pipeline: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long)]
        probability: i64,
        /// Deals with no activity for this many days are marked as rotting.
        #[arg(long, value_name = "DAYS")]
        rotting_days: Option<i64>,
        /// Place it at this position (0 = first); default: after the other open stages.
        #[arg(long)]
        position: Option<usize>,
    },
    /// Rename a stage or change its probability or rotting limit.
    UpdateStage {
        stage: String,
        #[arg(long)]
        pipeline: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        probability: Option<i64>,
        #[arg(long, value_name = "DAYS")]
        rotting_days: Option<i64>,
    },
    /// Put the stages in this order (every stage, by name or id).
    Reorder {
        #[arg(long)]
        pipeline: Option<String>,
        #[arg(required = true)]
        stages: Vec<String>,
    },
    /// Remove a stage; its deals must be moved (--move-to) first.
    RemoveStage {
        stage: String,
        #[arg(long)]
        pipeline: Option<String>,
        #[arg(long, value_name = "STAGE")]
        move_to: Option<String>,
    },
    /// The reasons offered when a deal is lost.
    LostReasons {
        /// Add this reason.
        #[arg(long)]
        add: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn fields_into(db: &Db, f: &DealFields, input: &mut OpportunityInput) -> rapport_core::Result<()> {
    crate::set(&mut input.account_id, &f.account_id);
    crate::set(&mut input.next_step, &f.next_step);
    crate::set(&mut input.source, &f.source);
    if let Some(campaign) = crate::campaigns::campaign_id(db, &f.campaign)? {
        input.campaign_id = campaign;
    }
    crate::set(&mut input.notes, &f.notes);
    crate::set(&mut input.expected_close, &f.close);
    crate::set(&mut input.lost_reason_id, &f.lost_reason);
    if let Some(name) = &f.name {
        input.name = name.clone();
    }
    if let (Some(amount), Some(currency)) = (&f.amount, &f.currency) {
        input.amount = Some(MoneyInput {
            amount: amount.clone(),
            currency: currency.clone(),
        });
    }
    if let Some(p) = &f.pipeline {
        input.pipeline_id = Some(pipelines::find(db.conn(), Some(p))?.id);
    }
    if let Some(s) = &f.stage {
        input.stage_id = Some(s.clone());
    }
    if f.probability.is_some() {
        input.probability = f.probability;
    }
    if let Some(owner) = crate::owner_id(db.conn(), &f.owner)? {
        input.owner_id = owner;
    }
    if !f.contacts.is_empty() {
        input.contacts = f
            .contacts
            .iter()
            .map(|c| {
                let (id, role) = c.split_once('=').unwrap_or((c, ""));
                DealContact {
                    contact_id: id.trim().to_owned(),
                    role: Some(role.trim().to_owned()).filter(|r| !r.is_empty()),
                    ..Default::default()
                }
            })
            .collect();
    }
    if !f.products.is_empty() {
        input.products = f.products.clone();
    }
    if !f.tags.is_empty() {
        input.tags = f.tags.clone();
    }
    Ok(())
}

/// Names the CLI's flags in validation messages.
fn flags(e: Error) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|mut f| {
                    f.field = match f.field.as_str() {
                        "name" => "--name".into(),
                        "account_id" => "--account-id".into(),
                        "amount.amount" => "--amount".into(),
                        "amount.currency" => "--currency".into(),
                        "stage_id" | "stage" => "--stage".into(),
                        "pipeline_id" | "pipeline" => "--pipeline".into(),
                        "probability" => "--probability".into(),
                        "expected_close" => "--close".into(),
                        "closed_on" => "--closed-on".into(),
                        "lost_reason_id" | "lost_reason" => "--lost-reason".into(),
                        "close_month" => "--close-month".into(),
                        other => other.to_owned(),
                    };
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

fn table(items: &[opportunities::OpportunitySummary]) -> rapport_core::Result<()> {
    output::table(
        &["ID", "NAME", "ACCOUNT", "STAGE", "AMOUNT", "PROB", "CLOSE"],
        items.iter().map(|o| {
            vec![
                o.id.clone(),
                o.name.clone(),
                o.account_name.clone().unwrap_or_default(),
                o.stage_name.clone(),
                o.amount.as_ref().map(output::money).unwrap_or_default(),
                format!("{}%", o.probability),
                o.expected_close.clone().unwrap_or_default(),
            ]
        }),
    )
}

fn monies(list: &[rapport_core::kernel::money::Money]) -> String {
    list.iter()
        .map(output::money)
        .collect::<Vec<_>>()
        .join(" + ")
}

pub fn run(db: &mut Db, cmd: DealsCmd) -> rapport_core::Result<()> {
    match cmd {
        DealsCmd::Add(f) => {
            let mut input = OpportunityInput::default();
            fields_into(db, &f, &mut input)?;
            let o = opportunities::create(db, &input).map_err(flags)?;
            output::line(&o.id)
        }
        DealsCmd::Update { id, fields } => {
            let old = opportunities::get(db.conn(), &id)?;
            let mut input = OpportunityInput::from(&old);
            fields_into(db, &fields, &mut input)?;
            opportunities::update(db, &id, &input).map_err(flags)?;
            Ok(())
        }
        DealsCmd::List(l) => {
            let mut query = OpportunityQuery {
                sort: match l.sort {
                    SortArg::Close => OpportunitySort::ExpectedClose,
                    SortArg::Name => OpportunitySort::Name,
                    SortArg::Amount => OpportunitySort::Amount,
                    SortArg::Stage => OpportunitySort::Stage,
                    SortArg::Updated => OpportunitySort::UpdatedAt,
                    SortArg::Created => OpportunitySort::CreatedAt,
                },
                direction: crate::direction(l.desc),
                search: l.search,
                status: l.status.map(|s| match s {
                    StatusArg::Open => DealStatus::Open,
                    StatusArg::Won => DealStatus::Won,
                    StatusArg::Lost => DealStatus::Lost,
                }),
                stage: l.stage,
                pipeline: l.pipeline,
                account_id: l.account_id,
                limit: l.limit,
                ..Default::default()
            };
            let mut items = Vec::new();
            loop {
                let page = opportunities::list(db.conn(), &query).map_err(flags)?;
                items.extend(page.items);
                match (page.next, l.limit) {
                    (Some(next), None) => query.after = Some(next),
                    _ => break,
                }
            }
            emit(l.format, &items, || table(&items))
        }
        DealsCmd::Get { id, format } => {
            let o = opportunities::get(db.conn(), &id)?;
            emit(format, &o, || {
                output::line(&format!(
                    "{}\n  stage: {} ({}%, {} days)\n  account: {}\n  amount: {}\n  close: {}",
                    o.name,
                    o.stage_name,
                    o.probability,
                    o.days_in_stage,
                    o.account_name.clone().unwrap_or_default(),
                    o.amount.as_ref().map(output::money).unwrap_or_default(),
                    o.expected_close.clone().unwrap_or_default()
                ))
            })
        }
        DealsCmd::Move {
            id,
            stage,
            lost_reason,
            lost_note,
            closed_on,
            create_tasks,
            format,
        } => {
            let moved = opportunities::move_to(
                db,
                &id,
                &MoveInput {
                    stage,
                    lost_reason,
                    lost_note,
                    closed_on,
                    create_suggested: create_tasks,
                },
            )
            .map_err(flags)?;
            emit(format, &moved, || {
                for id in &moved.created {
                    output::line(id)?;
                }
                Ok(())
            })
        }
        DealsCmd::History { id, format } => {
            let visits = opportunities::stage_history(db.conn(), &id)?;
            emit(format, &visits, || {
                output::table(
                    &["STAGE", "ENTERED", "LEFT", "DAYS"],
                    visits.iter().map(|v| {
                        vec![
                            v.stage_name.clone(),
                            v.entered_at.clone(),
                            v.left_at.clone().unwrap_or_default(),
                            v.days.to_string(),
                        ]
                    }),
                )
            })
        }
        DealsCmd::Delete { id } => opportunities::delete(db, &id),
    }
}

pub fn board(db: &Db, a: BoardArgs) -> rapport_core::Result<()> {
    let owner_id = match a.owner.as_deref() {
        Some("none") => Some("none".to_owned()),
        _ => crate::owner_id(db.conn(), &a.owner)?.flatten(),
    };
    let board = opportunities::board(
        db.conn(),
        &BoardQuery {
            filters: DealFilters {
                pipeline: a.pipeline,
                owner_id,
                close_month: a.close_month,
                tag: a.tag,
                account_id: None,
            },
            cards_per_column: Some(a.cards),
            closed_within_days: None,
        },
        chrono::Utc::now(),
    )
    .map_err(flags)?;
    emit(a.format, &board, || {
        output::table(
            &["STAGE", "PROB", "DEALS", "AMOUNT", "WEIGHTED"],
            board.columns.iter().map(|c| {
                vec![
                    c.stage.name.clone(),
                    format!("{}%", c.stage.probability),
                    c.totals.count.to_string(),
                    monies(&c.totals.amount),
                    monies(&c.totals.weighted),
                ]
            }),
        )
    })
}

pub fn forecast(
    db: &Db,
    pipeline: Option<String>,
    back: u32,
    ahead: u32,
    format: Format,
) -> rapport_core::Result<()> {
    let today = rapport_core::kernel::time::local_date(
        rapport_core::kernel::time::local_zone(),
        chrono::Utc::now(),
    );
    let f = opportunities::forecast(
        db.conn(),
        &ForecastQuery {
            filters: DealFilters {
                pipeline,
                ..Default::default()
            },
            months_back: Some(back),
            months_ahead: Some(ahead),
        },
        today,
    )
    .map_err(flags)?;
    emit(format, &f, || {
        output::table(
            &["MONTH", "OPEN", "AMOUNT", "WEIGHTED", "WON"],
            f.months.iter().map(|m| {
                vec![
                    m.month.clone(),
                    m.open.count.to_string(),
                    monies(&m.open.amount),
                    monies(&m.open.weighted),
                    monies(&m.won.amount),
                ]
            }),
        )
    })
}

pub fn pipelines_cmd(db: &mut Db, cmd: PipelinesCmd) -> rapport_core::Result<()> {
    let stage_of = |db: &Db,
                    pipeline: &Option<String>,
                    stage: &str|
     -> rapport_core::Result<pipelines::Stage> {
        let p = pipelines::find(db.conn(), pipeline.as_deref())?;
        pipelines::stage(&p, stage).map_err(flags)
    };
    match cmd {
        PipelinesCmd::List { format } => {
            let all = pipelines::list(db.conn())?;
            emit(format, &all, || {
                for p in &all {
                    output::line(&p.name)?;
                    for s in &p.stages {
                        output::line(&format!(
                            "  {:<20} {:>3}%  {} deals",
                            s.name, s.probability, s.deal_count
                        ))?;
                    }
                }
                Ok(())
            })
        }
        PipelinesCmd::Add { name } => output::line(&pipelines::create(db, &name)?.id),
        PipelinesCmd::AddStage {
            pipeline,
            name,
            probability,
            rotting_days,
            position,
        } => {
            let p = pipelines::find(db.conn(), pipeline.as_deref()).map_err(flags)?;
            let input = StageInput {
                name,
                probability,
                rotting_days,
                checklist: Vec::new(),
            };
            pipelines::add_stage(db, &p.id, &input, position)?;
            Ok(())
        }
        PipelinesCmd::UpdateStage {
            stage,
            pipeline,
            name,
            probability,
            rotting_days,
        } => {
            let s = stage_of(db, &pipeline, &stage)?;
            let input = StageInput {
                name: name.unwrap_or(s.name),
                probability: probability.unwrap_or(s.probability),
                rotting_days: rotting_days.or(s.rotting_days),
                checklist: s.checklist,
            };
            pipelines::update_stage(db, &s.id, &input)?;
            Ok(())
        }
        PipelinesCmd::Reorder { pipeline, stages } => {
            let p = pipelines::find(db.conn(), pipeline.as_deref()).map_err(flags)?;
            let order = stages
                .iter()
                .map(|s| pipelines::stage(&p, s).map(|s| s.id))
                .collect::<rapport_core::Result<Vec<_>>>()
                .map_err(flags)?;
            pipelines::reorder_stages(db, &p.id, &order)?;
            Ok(())
        }
        PipelinesCmd::RemoveStage {
            stage,
            pipeline,
            move_to,
        } => {
            let s = stage_of(db, &pipeline, &stage)?;
            pipelines::remove_stage(db, &s.id, move_to.as_deref()).map_err(flags)?;
            Ok(())
        }
        PipelinesCmd::LostReasons { add, format } => {
            if let Some(name) = add {
                pipelines::add_lost_reason(db, &name)?;
            }
            let all = pipelines::lost_reasons(db.conn())?;
            emit(format, &all, || {
                for r in &all {
                    output::line(&r.name)?;
                }
                Ok(())
            })
        }
    }
}
