//! `rapport campaigns`: marketing campaigns, their members and what they brought in.

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::kernel::money::{Money, format_plain};
use rapport_core::marketing::campaigns::{
    self, Campaign, CampaignInput, CampaignKind, CampaignStatus, MemberStatus,
};
use rapport_core::{Db, Result};

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum CampaignsCmd {
    /// Add a campaign; prints its id.
    Add(Box<CampaignFields>),
    /// Change a campaign (by name or id; only the fields given).
    Update {
        campaign: String,
        #[command(flatten)]
        fields: Box<CampaignFields>,
    },
    /// Every campaign, newest first.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One campaign.
    Get {
        campaign: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Effectiveness: members, responses, leads, conversions, deals, won revenue, cost per
    /// lead and ROI, for one campaign or all.
    Report {
        campaign: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The members and how they answered; with --contact or --lead (repeat them), adds those
    /// and prints how many were added.
    Members {
        campaign: String,
        #[arg(long = "contact", value_name = "ID")]
        contacts: Vec<String>,
        #[arg(long = "lead", value_name = "ID")]
        leads: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Record how a member answered.
    Respond {
        campaign: String,
        #[arg(long, group = "member")]
        contact: Option<String>,
        #[arg(long, group = "member")]
        lead: Option<String>,
        #[arg(long, value_enum, default_value_t = StatusArg::Responded)]
        status: StatusArg,
    },
    /// Delete a campaign and its member list (its leads and deals stay).
    Delete { campaign: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Email,
    TradeShow,
    Advertisement,
    Webinar,
    DirectMail,
    Promotion,
    Other,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CampaignStatusArg {
    Planned,
    Active,
    Completed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Targeted,
    Sent,
    Responded,
    Unsubscribed,
    Bounced,
}

#[derive(Debug, Args)]
pub struct CampaignFields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long = "type", value_enum)]
    kind: Option<KindArg>,
    #[arg(long, value_enum)]
    status: Option<CampaignStatusArg>,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    start: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    end: Option<String>,
    /// ISO 4217 code of the money fields (default EUR).
    #[arg(long)]
    currency: Option<String>,
    /// e.g. 2500.00
    #[arg(long)]
    budget: Option<String>,
    /// What it actually cost, e.g. 1980.00
    #[arg(long)]
    cost: Option<String>,
    #[arg(long)]
    expected_revenue: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// A team member's name.
    #[arg(long)]
    owner: Option<String>,
}

fn plain(m: &Option<Money>) -> String {
    m.as_ref().map(format_plain).unwrap_or_default()
}

impl CampaignFields {
    fn apply(&self, db: &Db, input: &mut CampaignInput) -> Result<()> {
        if let Some(name) = &self.name {
            input.name.clone_from(name);
        }
        if let Some(k) = self.kind {
            input.kind = Some(match k {
                KindArg::Email => CampaignKind::Email,
                KindArg::TradeShow => CampaignKind::TradeShow,
                KindArg::Advertisement => CampaignKind::Advertisement,
                KindArg::Webinar => CampaignKind::Webinar,
                KindArg::DirectMail => CampaignKind::DirectMail,
                KindArg::Promotion => CampaignKind::Promotion,
                KindArg::Other => CampaignKind::Other,
            });
        }
        if let Some(s) = self.status {
            input.status = Some(match s {
                CampaignStatusArg::Planned => CampaignStatus::Planned,
                CampaignStatusArg::Active => CampaignStatus::Active,
                CampaignStatusArg::Completed => CampaignStatus::Completed,
                CampaignStatusArg::Cancelled => CampaignStatus::Cancelled,
            });
        }
        crate::set(&mut input.starts_on, &self.start);
        crate::set(&mut input.ends_on, &self.end);
        crate::set(&mut input.description, &self.description);
        for (target, value) in [
            (&mut input.currency, &self.currency),
            (&mut input.budget, &self.budget),
            (&mut input.actual_cost, &self.cost),
            (&mut input.expected_revenue, &self.expected_revenue),
        ] {
            if let Some(v) = value {
                target.clone_from(v);
            }
        }
        if let Some(owner) = crate::owner_id(db.conn(), &self.owner)? {
            input.owner_id = owner;
        }
        Ok(())
    }
}

/// A `--campaign` flag: `Some(Some(id))` to set, `Some(None)` to clear, `None` to leave.
pub(crate) fn campaign_id(db: &Db, flag: &Option<String>) -> Result<Option<Option<String>>> {
    match flag.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(name) => Ok(Some(Some(campaigns::find(db.conn(), name)?.id))),
    }
}

fn row(c: &Campaign) -> Vec<String> {
    vec![
        c.id.clone(),
        c.name.clone(),
        c.kind.as_str().to_owned(),
        c.status.as_str().to_owned(),
        c.starts_on.clone().unwrap_or_default(),
        c.ends_on.clone().unwrap_or_default(),
        c.actual_cost
            .as_ref()
            .map(output::money)
            .unwrap_or_default(),
    ]
}

pub fn run(db: &mut Db, cmd: CampaignsCmd) -> Result<()> {
    match cmd {
        CampaignsCmd::Add(fields) => {
            let mut input = CampaignInput::default();
            fields.apply(db, &mut input)?;
            output::line(&campaigns::create(db, &input)?.id)
        }
        CampaignsCmd::Update { campaign, fields } => {
            let c = campaigns::find(db.conn(), &campaign)?;
            let mut input = CampaignInput {
                name: c.name.clone(),
                kind: Some(c.kind),
                status: Some(c.status),
                starts_on: c.starts_on.clone(),
                ends_on: c.ends_on.clone(),
                currency: c.currency.clone(),
                budget: plain(&c.budget),
                actual_cost: plain(&c.actual_cost),
                expected_revenue: plain(&c.expected_revenue),
                description: c.description.clone(),
                owner_id: c.owner_id.clone(),
            };
            fields.apply(db, &mut input)?;
            campaigns::update(db, &c.id, &input)?;
            Ok(())
        }
        CampaignsCmd::List { format } => {
            let list = campaigns::list(db.conn())?;
            emit(format, &list, || {
                output::table(
                    &["ID", "NAME", "TYPE", "STATUS", "START", "END", "COST"],
                    list.iter().map(row),
                )
            })
        }
        CampaignsCmd::Get { campaign, format } => {
            let c = campaigns::find(db.conn(), &campaign)?;
            emit(format, &c, || output::record(&c))
        }
        CampaignsCmd::Report { campaign, format } => {
            let only = match &campaign {
                Some(name) => Some(campaigns::find(db.conn(), name)?.id),
                None => None,
            };
            let report = campaigns::effectiveness(db.conn(), only.as_deref())?;
            emit(format, &report, || {
                let money = |minor: Option<i64>, currency: &str| {
                    minor
                        .map(|amount_minor| {
                            output::money(&Money {
                                amount_minor,
                                currency: currency.to_owned(),
                            })
                        })
                        .unwrap_or_else(|| "-".into())
                };
                output::table(
                    &[
                        "CAMPAIGN",
                        "MEMBERS",
                        "RESPONSES",
                        "LEADS",
                        "CONVERTED",
                        "DEALS",
                        "WON",
                        "REVENUE",
                        "COST",
                        "PER LEAD",
                        "ROI",
                    ],
                    report.iter().map(|e| {
                        vec![
                            e.name.clone(),
                            e.members.to_string(),
                            e.responses.to_string(),
                            e.leads.to_string(),
                            e.leads_converted.to_string(),
                            e.deals.to_string(),
                            e.deals_won.to_string(),
                            money(Some(e.won_minor), &e.currency),
                            money(e.cost_minor, &e.currency),
                            money(e.cost_per_lead_minor, &e.currency),
                            e.roi_bp
                                .map(|bp| format!("{:.2} %", bp as f64 / 100.0))
                                .unwrap_or_else(|| "-".into()),
                        ]
                    }),
                )
            })
        }
        CampaignsCmd::Members {
            campaign,
            contacts,
            leads,
            format,
        } => {
            let id = campaigns::find(db.conn(), &campaign)?.id;
            if contacts.is_empty() && leads.is_empty() {
                let members = campaigns::members(db.conn(), &id)?;
                return emit(format, &members, || {
                    output::table(
                        &["ENTITY", "ID", "NAME", "EMAIL", "STATUS", "RESPONDED"],
                        members.iter().map(|m| {
                            vec![
                                m.entity.clone(),
                                m.entity_id.clone(),
                                m.name.clone(),
                                m.email.clone().unwrap_or_default(),
                                m.status.as_str().to_owned(),
                                m.responded_at.clone().unwrap_or_default(),
                            ]
                        }),
                    )
                });
            }
            let added = campaigns::add_members(db, &id, "contacts", &contacts)?
                + campaigns::add_members(db, &id, "leads", &leads)?;
            output::line(&added.to_string())
        }
        CampaignsCmd::Respond {
            campaign,
            contact,
            lead,
            status,
        } => {
            let id = campaigns::find(db.conn(), &campaign)?.id;
            let (entity, member) = match (contact, lead) {
                (Some(c), _) => ("contacts", c),
                (None, Some(l)) => ("leads", l),
                (None, None) => {
                    return Err(rapport_core::Error::invalid(
                        "--contact",
                        "name the member with --contact ID or --lead ID",
                    ));
                }
            };
            let status = match status {
                StatusArg::Targeted => MemberStatus::Targeted,
                StatusArg::Sent => MemberStatus::Sent,
                StatusArg::Responded => MemberStatus::Responded,
                StatusArg::Unsubscribed => MemberStatus::Unsubscribed,
                StatusArg::Bounced => MemberStatus::Bounced,
            };
            campaigns::set_member_status(db, &id, entity, &member, status)
        }
        CampaignsCmd::Delete { campaign } => {
            let id = campaigns::find(db.conn(), &campaign)?.id;
            campaigns::delete(db, &id)
        }
    }
}
