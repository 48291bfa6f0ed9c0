//! Opportunities (deals): what a prospect may buy, for how much and when, moving through a
//! pipeline's stages. Every stage change is kept (`opportunity_stage_history`), so time in
//! stage and the sales cycle can be measured. Money is integer minor units; weighted amounts
//! are summed as `amount × probability` in integers and divided by 100 once, at the end.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{ActivityInput, RecordRef};
use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Money, MoneyInput};
use crate::kernel::time::{self, parse_stamp};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::records::fields::CustomValues;
use crate::records::list::{CommonFilters, ListShape, ListSql, Page, SortDirection};
use crate::sales::pipelines::{self, Stage, StageKind};
use crate::store::db::Db;
use crate::store::writer::{Writer, int, text};

mod board;
mod forecast;
mod list;
mod read;
mod write;

pub use board::*;
pub use forecast::*;
pub use list::*;
pub use read::*;
pub use write::*;

pub(crate) const TABLE: &str = "opportunities";
const CONTACTS: &str = "opportunity_contacts";
const PRODUCTS: &str = "opportunity_products";
const HISTORY: &str = "opportunity_stage_history";

/// Roles offered for the people in a deal (free text is accepted too).
pub const ROLES: &[&str] = &[
    "Decision maker",
    "Influencer",
    "Champion",
    "User",
    "Blocker",
    "Buyer",
];

/// A person in a deal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DealContact {
    pub contact_id: String,
    /// Filled in when read.
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Opportunity {
    pub id: String,
    pub name: String,
    pub pipeline_id: String,
    pub pipeline_name: String,
    pub stage_id: String,
    pub stage_name: String,
    pub stage_kind: StageKind,
    pub stage_entered_at: String,
    #[ts(type = "number")]
    pub days_in_stage: i64,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub amount: Option<Money>,
    /// The probability in effect: the override, else the stage's (100 when won, 0 when lost).
    #[ts(type = "number")]
    pub probability: i64,
    /// The probability set on this deal, when it overrides the stage's.
    #[ts(type = "number | null")]
    pub probability_override: Option<i64>,
    /// amount × probability, rounded to the minor unit.
    pub weighted: Option<Money>,
    /// YYYY-MM-DD
    pub expected_close: Option<String>,
    /// YYYY-MM-DD, when won or lost.
    pub closed_on: Option<String>,
    pub lost_reason_id: Option<String>,
    pub lost_reason: Option<String>,
    pub lost_note: Option<String>,
    pub next_step: Option<String>,
    pub source: Option<String>,
    pub campaign_id: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub notes: Option<String>,
    pub contacts: Vec<DealContact>,
    pub products: Vec<String>,
    pub tags: Vec<String>,
    pub custom: CustomValues,
    /// The newest done activity on the deal.
    pub last_activity_at: Option<String>,
    /// Open, and nothing happened for longer than its stage's rotting limit.
    pub rotting: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to create a deal or save an edited one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OpportunityInput {
    pub name: String,
    /// Default: the first pipeline.
    pub pipeline_id: Option<String>,
    /// Default: the pipeline's first stage. Changing it moves the deal (kept in its history).
    pub stage_id: Option<String>,
    pub account_id: Option<String>,
    pub amount: Option<MoneyInput>,
    /// Overrides the stage's probability (0 to 100); `null` follows the stage.
    #[ts(type = "number | null")]
    pub probability: Option<i64>,
    /// YYYY-MM-DD
    pub expected_close: Option<String>,
    /// When won or lost (YYYY-MM-DD; default today).
    pub closed_on: Option<String>,
    /// Required when the stage is a Lost stage.
    pub lost_reason_id: Option<String>,
    pub lost_note: Option<String>,
    pub next_step: Option<String>,
    pub source: Option<String>,
    pub campaign_id: Option<String>,
    pub owner_id: Option<String>,
    pub notes: Option<String>,
    pub contacts: Vec<DealContact>,
    pub products: Vec<String>,
    pub tags: Vec<String>,
    pub custom: CustomValues,
}

/// Moving a deal to another stage (a drop on the board).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MoveInput {
    /// The stage's id or name.
    pub stage: String,
    /// Why it was lost (id or name); required for a Lost stage.
    pub lost_reason: Option<String>,
    pub lost_note: Option<String>,
    /// When it was won or lost (YYYY-MM-DD; default today).
    pub closed_on: Option<String>,
    /// Also create the stage's suggested activities as tasks on the deal.
    pub create_suggested: bool,
}

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Moved {
    pub opportunity: Opportunity,
    /// The new stage's suggested activities, ready to create (already created when asked).
    pub suggested: Vec<ActivityInput>,
    pub created: Vec<String>,
    pub batch_id: String,
}

/// One stay in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StageVisit {
    pub stage_id: String,
    pub stage_name: String,
    pub entered_at: String,
    pub left_at: Option<String>,
    /// Whole days spent (so far, for the current stage).
    #[ts(type = "number")]
    pub days: i64,
}

impl From<&Opportunity> for OpportunityInput {
    fn from(o: &Opportunity) -> Self {
        OpportunityInput {
            name: o.name.clone(),
            pipeline_id: Some(o.pipeline_id.clone()),
            stage_id: Some(o.stage_id.clone()),
            account_id: o.account_id.clone(),
            amount: o.amount.as_ref().map(|m| MoneyInput {
                amount: crate::kernel::money::format_plain(m),
                currency: m.currency.clone(),
            }),
            probability: o.probability_override,
            expected_close: o.expected_close.clone(),
            closed_on: o.closed_on.clone(),
            lost_reason_id: o.lost_reason_id.clone(),
            lost_note: o.lost_note.clone(),
            next_step: o.next_step.clone(),
            source: o.source.clone(),
            campaign_id: o.campaign_id.clone(),
            owner_id: o.owner_id.clone(),
            notes: o.notes.clone(),
            contacts: o.contacts.clone(),
            products: o.products.clone(),
            tags: o.tags.clone(),
            custom: o.custom.clone(),
        }
    }
}
