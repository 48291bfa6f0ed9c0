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

struct Valid {
    fields: Vec<(&'static str, Value)>,
    stage: Stage,
    lost_reason_id: Option<String>,
    closed_on: Option<String>,
    contacts: Vec<DealContact>,
    products: Vec<String>,
    tags: Vec<String>,
    custom: crate::records::fields::Checked,
}

fn check(
    conn: &Connection,
    id: Option<&str>,
    input: &OpportunityInput,
    today: NaiveDate,
) -> Result<Valid> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let pipeline = match pipelines::find(conn, input.pipeline_id.as_deref()) {
        Ok(p) => Some(p),
        Err(e) => {
            c.fail("pipeline_id", e.to_string());
            None
        }
    };
    let stage = pipeline.as_ref().and_then(|p| {
        match input.stage_id.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => match pipelines::stage(p, s) {
                Ok(stage) => Some(stage),
                Err(e) => {
                    c.fail(
                        "stage_id",
                        e.field_errors()
                            .first()
                            .map_or(e.to_string(), |f| f.message.clone()),
                    );
                    None
                }
            },
            None => p.stages.first().cloned(),
        }
    });
    let amount = match &input.amount {
        Some(m) if !m.amount.trim().is_empty() => match m.parse("amount") {
            Ok(money) => Some(money),
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                None
            }
        },
        _ => None,
    };
    if let Some(p) = input.probability.filter(|p| !(0..=100).contains(p)) {
        c.fail(
            "probability",
            format!("{p} is not a percentage from 0 to 100"),
        );
    }
    let expected_close = c.date("expected_close", &input.expected_close);
    let closed_on = c.date("closed_on", &input.closed_on);
    if let Some(account) = input.account_id.as_deref().filter(|a| !a.trim().is_empty()) {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)")?
            .query_row([account.trim()], |r| r.get(0))?;
        if !exists {
            c.fail("account_id", format!("no account with id {account} exists"));
        }
    }
    let lost_reason_id = match input
        .lost_reason_id
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        Some(r) => match pipelines::find_lost_reason(conn, r) {
            Ok(reason) => Some(reason.id),
            Err(e) => {
                c.fail(
                    "lost_reason_id",
                    e.field_errors()
                        .first()
                        .map_or(e.to_string(), |f| f.message.clone()),
                );
                None
            }
        },
        None => None,
    };
    let kind = stage.as_ref().map_or(StageKind::Open, |s| s.kind);
    let reason_given = input
        .lost_reason_id
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    if kind == StageKind::Lost && !reason_given {
        c.fail(
            "lost_reason_id",
            "is required when a deal is lost (say why)",
        );
    }
    let mut contacts: Vec<DealContact> = Vec::new();
    for (i, dc) in input.contacts.iter().enumerate() {
        let name: Option<String> = conn
            .prepare_cached(
                "SELECT trim(first_name || ' ' || last_name) FROM contacts WHERE id = ?1",
            )?
            .query_row([dc.contact_id.trim()], |r| r.get(0))
            .optional()?;
        match name {
            None => c.fail(
                format!("contacts.{i}"),
                format!("no contact with id {} exists", dc.contact_id),
            ),
            Some(_)
                if contacts
                    .iter()
                    .any(|x| x.contact_id == dc.contact_id.trim()) => {}
            Some(name) => contacts.push(DealContact {
                contact_id: dc.contact_id.trim().to_owned(),
                name,
                role: c.text(&format!("contacts.{i}.role"), &dc.role, SHORT_TEXT_MAX),
            }),
        }
    }
    let mut products: Vec<String> = Vec::new();
    for (i, p) in input.products.iter().enumerate() {
        if let Some(p) = c.text(&format!("products.{i}"), &Some(p.clone()), SHORT_TEXT_MAX)
            && !products.iter().any(|x| x.eq_ignore_ascii_case(&p))
        {
            products.push(p);
        }
    }
    let next_step = c.text("next_step", &input.next_step, SHORT_TEXT_MAX);
    let source = c.text("source", &input.source, SHORT_TEXT_MAX);
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let lost_note = c.text("lost_note", &input.lost_note, NOTES_MAX);
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, id, &input.custom)?;
    c.finish()?;
    let Some(stage) = stage else {
        return Err(Error::invalid("stage_id", "the pipeline has no stages"));
    };
    let closed_on = match stage.kind {
        StageKind::Open => None,
        _ => Some(closed_on.unwrap_or_else(|| today.format("%Y-%m-%d").to_string())),
    };
    Ok(Valid {
        fields: vec![
            ("name", Value::Text(name)),
            (
                "account_id",
                text(&input.account_id.as_deref().map(|a| a.trim().to_owned())),
            ),
            ("amount_minor", int(amount.as_ref().map(|m| m.amount_minor))),
            ("currency", text(&amount.map(|m| m.currency))),
            ("probability", int(input.probability)),
            ("expected_close", text(&expected_close)),
            ("next_step", text(&next_step)),
            ("source", text(&source)),
            ("campaign_id", text(&input.campaign_id)),
            ("owner_id", text(&owner_id)),
            ("notes", text(&notes)),
            (
                "lost_note",
                text(&lost_note.filter(|_| stage.kind == StageKind::Lost)),
            ),
        ],
        lost_reason_id: lost_reason_id.filter(|_| stage.kind == StageKind::Lost),
        closed_on,
        stage,
        contacts,
        products,
        tags,
        custom,
    })
}

/// Creates a deal inside a larger write (a lead conversion); returns its id.
pub fn create_in(w: &Writer<'_>, input: &OpportunityInput) -> Result<String> {
    let today = time::local_date(time::local_zone(), parse_stamp(w.now())?);
    let v = check(w.conn(), None, input, today)?;
    let id = crate::new_id();
    let mut fields = v.fields.clone();
    fields.extend([
        ("pipeline_id", Value::Text(v.stage.pipeline_id.clone())),
        ("stage_id", Value::Text(v.stage.id.clone())),
        ("stage_entered_at", Value::Text(w.now().to_owned())),
        ("closed_on", text(&v.closed_on)),
        ("lost_reason_id", text(&v.lost_reason_id)),
    ]);
    w.insert(TABLE, &id, &fields)?;
    w.insert(
        HISTORY,
        &crate::new_id(),
        &[
            ("opportunity_id", Value::Text(id.clone())),
            ("stage_id", Value::Text(v.stage.id.clone())),
            ("entered_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    save_children(w, &id, &v)?;
    Ok(id)
}

fn save_children(w: &Writer<'_>, id: &str, v: &Valid) -> Result<()> {
    let stored = contacts_of(w.conn(), id)?;
    let same = stored.len() == v.contacts.len()
        && stored
            .iter()
            .zip(&v.contacts)
            .all(|((_, a), b)| a.contact_id == b.contact_id && a.role == b.role);
    if !same {
        for (row, _) in stored {
            w.delete(CONTACTS, &row)?;
        }
        for (i, dc) in v.contacts.iter().enumerate() {
            w.insert(
                CONTACTS,
                &crate::new_id(),
                &[
                    ("opportunity_id", Value::Text(id.to_owned())),
                    ("contact_id", Value::Text(dc.contact_id.clone())),
                    ("role", text(&dc.role)),
                    ("position", Value::Integer(i as i64)),
                ],
            )?;
        }
    }
    let stored = products_of(w.conn(), id)?;
    if stored.iter().map(|(_, n)| n).ne(v.products.iter()) {
        for (row, _) in stored {
            w.delete(PRODUCTS, &row)?;
        }
        for (i, name) in v.products.iter().enumerate() {
            // A name or SKU from the catalogue links the product itself.
            let product: Option<String> = w
                .conn()
                .prepare_cached(
                    "SELECT id FROM products WHERE sku = ?1 COLLATE NOCASE OR name = ?1 COLLATE NOCASE
                      ORDER BY sku = ?1 COLLATE NOCASE DESC LIMIT 1",
                )?
                .query_row([name], |r| r.get(0))
                .optional()?;
            w.insert(
                PRODUCTS,
                &crate::new_id(),
                &[
                    ("opportunity_id", Value::Text(id.to_owned())),
                    ("name", Value::Text(name.clone())),
                    ("position", Value::Integer(i as i64)),
                    ("product_id", text(&product)),
                ],
            )?;
        }
    }
    crate::records::tags::set(w, TABLE, id, &v.tags)?;
    crate::records::fields::save(w, TABLE, id, v.custom.clone())
}

pub fn create(db: &mut Db, input: &OpportunityInput) -> Result<Opportunity> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

/// Saves an edited deal. A different stage is a move, kept in the stage history.
pub fn update(db: &mut Db, id: &str, input: &OpportunityInput) -> Result<Opportunity> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

/// [`update`] inside a larger write (an import that updates deals on file).
pub fn update_in(w: &Writer<'_>, id: &str, input: &OpportunityInput) -> Result<()> {
    {
        let old = get(w.conn(), id)?;
        let today = time::local_date(time::local_zone(), parse_stamp(w.now())?);
        let mut input = input.clone();
        if input.pipeline_id.is_none() {
            input.pipeline_id = Some(old.pipeline_id.clone());
        }
        let v = check(w.conn(), Some(id), &input, today)?;
        if v.stage.id != old.stage_id {
            enter_stage(w, id, &v.stage)?;
        }
        let mut fields = v.fields.clone();
        fields.push(("closed_on", text(&v.closed_on)));
        fields.push(("lost_reason_id", text(&v.lost_reason_id)));
        w.update(TABLE, id, &fields)?;
        save_children(w, id, &v)
    }
}

/// Puts a deal in `stage` now: closes its current stay, opens a new one. Leaving a closed stage
/// for an open one reopens the deal.
pub(crate) fn enter_stage(w: &Writer<'_>, id: &str, stage: &Stage) -> Result<()> {
    let current: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM opportunity_stage_history WHERE opportunity_id = ?1 AND left_at IS NULL
              ORDER BY entered_at DESC LIMIT 1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(visit) = current {
        w.update(
            HISTORY,
            &visit,
            &[("left_at", Value::Text(w.now().to_owned()))],
        )?;
    }
    w.insert(
        HISTORY,
        &crate::new_id(),
        &[
            ("opportunity_id", Value::Text(id.to_owned())),
            ("stage_id", Value::Text(stage.id.clone())),
            ("entered_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    let mut fields = vec![
        ("stage_id", Value::Text(stage.id.clone())),
        ("pipeline_id", Value::Text(stage.pipeline_id.clone())),
        ("stage_entered_at", Value::Text(w.now().to_owned())),
    ];
    if stage.kind == StageKind::Open {
        fields.extend([
            ("closed_on", Value::Null),
            ("lost_reason_id", Value::Null),
            ("lost_note", Value::Null),
        ]);
    }
    w.update(TABLE, id, &fields)?;
    Ok(())
}

/// Moves a deal to another stage of its pipeline (a drop on the board). Won and Lost take a
/// close date (default today); Lost needs a reason. The stage's suggested activities come back,
/// created as tasks on the deal when `create_suggested` is set.
pub fn move_to(db: &mut Db, id: &str, input: &MoveInput) -> Result<Moved> {
    let tz = time::local_zone();
    let (suggested, created, batch_id) = db.write(|w| {
        let old = get(w.conn(), id)?;
        let pipeline = pipelines::find(w.conn(), Some(&old.pipeline_id))?;
        let stage = pipelines::stage(&pipeline, &input.stage)?;
        let today = time::local_date(tz, parse_stamp(w.now())?);
        let mut c = Checker::default();
        let closed_on = c.date("closed_on", &input.closed_on);
        let reason = match (
            stage.kind,
            input
                .lost_reason
                .as_deref()
                .filter(|r| !r.trim().is_empty()),
        ) {
            (StageKind::Lost, None) => {
                c.fail("lost_reason", "is required when a deal is lost (say why)");
                None
            }
            (StageKind::Lost, Some(r)) => match pipelines::find_lost_reason(w.conn(), r) {
                Ok(reason) => Some(reason.id),
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    None
                }
            },
            _ => None,
        };
        let lost_note = c.text("lost_note", &input.lost_note, NOTES_MAX);
        c.finish()?;
        if stage.id != old.stage_id {
            enter_stage(w, id, &stage)?;
        }
        if stage.kind != StageKind::Open {
            w.update(
                TABLE,
                id,
                &[
                    (
                        "closed_on",
                        Value::Text(
                            closed_on.unwrap_or_else(|| today.format("%Y-%m-%d").to_string()),
                        ),
                    ),
                    ("lost_reason_id", text(&reason)),
                    ("lost_note", text(&lost_note)),
                ],
            )?;
        }
        let suggested: Vec<ActivityInput> = if stage.id == old.stage_id {
            Vec::new()
        } else {
            stage
                .checklist
                .iter()
                .map(|s| ActivityInput {
                    kind: Some(s.kind),
                    subject: s.subject.clone(),
                    starts_at: Some(
                        (today + Duration::days(s.due_in_days))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    owner_id: old.owner_id.clone(),
                    links: vec![RecordRef {
                        entity: TABLE.into(),
                        id: id.to_owned(),
                    }],
                    ..Default::default()
                })
                .collect()
        };
        let mut created = Vec::new();
        if input.create_suggested {
            for s in &suggested {
                created.push(crate::activities::activity::create_in(w, s, tz)?);
            }
        }
        Ok((suggested, created, w.batch_id().to_owned()))
    })?;
    Ok(Moved {
        opportunity: get(db.conn(), id)?,
        suggested,
        created,
        batch_id,
    })
}

/// Deletes a deal with its people, products and stage history; its activities stay, unlinked.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// [`delete`] inside a larger write (a bulk delete).
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    {
        get(w.conn(), id)?;
        // Its people, products and stage history go with it; quotes, orders, invoices and the
        // lead it came from stay, no longer naming it (`links::LINKS`).
        crate::store::links::release(w, TABLE, id)?;
        crate::records::tags::clear(w, TABLE, id)?;
        crate::records::fields::clear(w, TABLE, id)?;
        crate::activities::activity::unlink_record(w, TABLE, id)?;
        w.delete(TABLE, id)
    }
}

fn contacts_of(conn: &Connection, id: &str) -> Result<Vec<(String, DealContact)>> {
    let rows = conn
        .prepare_cached(
            "SELECT oc.id, oc.contact_id, trim(c.first_name || ' ' || c.last_name), oc.role
               FROM opportunity_contacts oc JOIN contacts c ON c.id = oc.contact_id
              WHERE oc.opportunity_id = ?1 ORDER BY oc.position",
        )?
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                DealContact {
                    contact_id: r.get(1)?,
                    name: r.get(2)?,
                    role: r.get(3)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn products_of(conn: &Connection, id: &str) -> Result<Vec<(String, String)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, name FROM opportunity_products WHERE opportunity_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The probability in effect, as SQL over `o` (the deal) and `s` (its stage).
const PROBABILITY: &str = "(CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END)";

/// The newest done activity on deal `o`, as SQL.
const LAST_ACTIVITY: &str =
    "(SELECT max(x.done_at) FROM activity_links l JOIN activities x ON x.id = l.activity_id
          WHERE l.entity = 'opportunities' AND l.entity_id = o.id AND x.done_at IS NOT NULL)";

fn select() -> String {
    format!(
        "SELECT o.id, o.name, o.pipeline_id, p.name, o.stage_id, s.name, s.kind, o.stage_entered_at,
            o.account_id, a.name, o.amount_minor, o.currency, {PROBABILITY}, o.probability,
            o.expected_close, o.closed_on, o.lost_reason_id, r.name, o.lost_note, o.next_step,
            o.source, o.campaign_id, o.owner_id, t.name, o.notes, {LAST_ACTIVITY}, s.rotting_days,
            o.created_at, o.updated_at
       FROM opportunities o
       JOIN pipeline_stages s ON s.id = o.stage_id
       JOIN pipelines p ON p.id = o.pipeline_id
       LEFT JOIN accounts a ON a.id = o.account_id
       LEFT JOIN lost_reasons r ON r.id = o.lost_reason_id
       LEFT JOIN team_members t ON t.id = o.owner_id"
    )
}

/// amount × percent / 100, rounded half away from zero, in integers.
pub fn weigh(amount_minor: i64, percent: i64) -> i64 {
    divide_by_100(i128::from(amount_minor) * i128::from(percent))
}

fn divide_by_100(total: i128) -> i64 {
    let rounded = hundredths(total);
    i64::try_from(rounded).unwrap_or(if total >= 0 { i64::MAX } else { i64::MIN })
}

/// `total / 100`, rounded half away from zero.
fn hundredths(total: i128) -> i128 {
    if total >= 0 {
        (total + 50) / 100
    } else {
        (total - 50) / 100
    }
}

fn days_between(from: &str, now: DateTime<Utc>) -> i64 {
    parse_stamp(from).map_or(0, |t| (now - t).num_days().max(0))
}

fn is_rotting(
    kind: StageKind,
    rotting_days: Option<i64>,
    entered: &str,
    last: Option<&str>,
    now: DateTime<Utc>,
) -> bool {
    let Some(limit) = rotting_days.filter(|_| kind == StageKind::Open) else {
        return false;
    };
    let touched = match last {
        Some(l) if l > entered => l,
        _ => entered,
    };
    days_between(touched, now) > limit
}

fn from_row(row: &Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<Opportunity> {
    let minor: Option<i64> = row.get(10)?;
    let currency: Option<String> = row.get(11)?;
    let probability: i64 = row.get(12)?;
    let amount = Money::stored(minor, currency);
    let kind = StageKind::parse(&row.get::<_, String>(6)?);
    let entered: String = row.get(7)?;
    let last: Option<String> = row.get(25)?;
    let rotting_days: Option<i64> = row.get(26)?;
    Ok(Opportunity {
        id: row.get(0)?,
        name: row.get(1)?,
        pipeline_id: row.get(2)?,
        pipeline_name: row.get(3)?,
        stage_id: row.get(4)?,
        stage_name: row.get(5)?,
        stage_kind: kind,
        days_in_stage: days_between(&entered, now),
        rotting: is_rotting(kind, rotting_days, &entered, last.as_deref(), now),
        stage_entered_at: entered,
        account_id: row.get(8)?,
        account_name: row.get(9)?,
        weighted: amount.as_ref().map(|m| Money {
            amount_minor: weigh(m.amount_minor, probability),
            currency: m.currency.clone(),
        }),
        amount,
        probability,
        probability_override: row.get(13)?,
        expected_close: row.get(14)?,
        closed_on: row.get(15)?,
        lost_reason_id: row.get(16)?,
        lost_reason: row.get(17)?,
        lost_note: row.get(18)?,
        next_step: row.get(19)?,
        source: row.get(20)?,
        campaign_id: row.get(21)?,
        owner_id: row.get(22)?,
        owner_name: row.get(23)?,
        notes: row.get(24)?,
        last_activity_at: last,
        created_at: row.get(27)?,
        updated_at: row.get(28)?,
        contacts: Vec::new(),
        products: Vec::new(),
        tags: Vec::new(),
        custom: CustomValues::new(),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Opportunity> {
    let now = Utc::now();
    let mut o = conn
        .prepare_cached(&format!("{} WHERE o.id = ?1", select()))?
        .query_row([id], |r| from_row(r, now))
        .optional()?
        .ok_or_else(|| Error::not_found("opportunity", id))?;
    o.contacts = contacts_of(conn, id)?.into_iter().map(|(_, c)| c).collect();
    o.products = products_of(conn, id)?.into_iter().map(|(_, p)| p).collect();
    o.tags = crate::records::tags::of(conn, TABLE, id)?;
    o.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    Ok(o)
}

/// The stages a deal has been through, oldest first.
pub fn stage_history(conn: &Connection, id: &str) -> Result<Vec<StageVisit>> {
    let now = Utc::now();
    let rows = conn
        .prepare_cached(
            "SELECT h.stage_id, s.name, h.entered_at, h.left_at FROM opportunity_stage_history h
               JOIN pipeline_stages s ON s.id = h.stage_id
              WHERE h.opportunity_id = ?1 ORDER BY h.entered_at, h.id",
        )?
        .query_map([id], |r| {
            let entered: String = r.get(2)?;
            let left: Option<String> = r.get(3)?;
            let days = match &left {
                Some(l) => match (parse_stamp(&entered), parse_stamp(l)) {
                    (Ok(a), Ok(b)) => (b - a).num_days(),
                    _ => 0,
                },
                None => days_between(&entered, now),
            };
            Ok(StageVisit {
                stage_id: r.get(0)?,
                stage_name: r.get(1)?,
                entered_at: entered,
                left_at: left,
                days,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Whether a deal is open, won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

/// Filters shared by the list, the board and the forecast.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DealFilters {
    /// A pipeline's id or name (default: the first).
    pub pipeline: Option<String>,
    /// Only deals owned by this team member; `"none"` for unowned ones.
    pub owner_id: Option<String>,
    /// Only deals expected to close in this month (YYYY-MM).
    pub close_month: Option<String>,
    /// Only deals with this tag (any case).
    pub tag: Option<String>,
    /// Only this account's deals.
    pub account_id: Option<String>,
}

impl DealFilters {
    fn conditions(
        &self,
        conn: &Connection,
    ) -> Result<(pipelines::Pipeline, Vec<String>, Vec<Value>)> {
        let pipeline = pipelines::find(conn, self.pipeline.as_deref())?;
        let mut sql = vec!["o.pipeline_id = ?".to_owned()];
        let mut params = vec![Value::Text(pipeline.id.clone())];
        match self.owner_id.as_deref().map(str::trim) {
            Some("none") => sql.push("o.owner_id IS NULL".into()),
            Some(owner) if !owner.is_empty() => {
                sql.push("o.owner_id = ?".into());
                params.push(Value::Text(owner.to_owned()));
            }
            _ => {}
        }
        if let Some(month) = self
            .close_month
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
                return Err(Error::invalid(
                    "close_month",
                    format!("\"{month}\" is not a month; write it as YYYY-MM"),
                ));
            }
            sql.push("o.expected_close >= ? AND o.expected_close < ?".into());
            params.push(Value::Text(format!("{month}-01")));
            params.push(Value::Text(format!("{month}-32")));
        }
        if let Some(tag) = self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            sql.push(
                "o.id IN (SELECT g.entity_id FROM taggings g JOIN tags t ON t.id = g.tag_id
                          WHERE g.entity = 'opportunities' AND t.name = ? COLLATE NOCASE)"
                    .into(),
            );
            params.push(Value::Text(tag.to_owned()));
        }
        if let Some(account) = self.account_id.as_deref().filter(|a| !a.is_empty()) {
            sql.push("o.account_id = ?".into());
            params.push(Value::Text(account.to_owned()));
        }
        Ok((pipeline, sql, params))
    }
}

/// Totals of one group of deals, per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Totals {
    #[ts(type = "number")]
    pub count: i64,
    /// Sum of amounts, one entry per currency.
    pub amount: Vec<Money>,
    /// Sum of amount × probability, one entry per currency.
    pub weighted: Vec<Money>,
}

/// Totals counted in `i128`, so no number of deals makes them overflow; they are narrowed
/// back to minor units (or refused with [`Error::TotalTooLarge`]) once, in [`Sums::totals`].
#[derive(Default)]
struct Sums {
    count: i64,
    by_currency: BTreeMap<String, (i128, i128)>,
}

impl Sums {
    fn add(&mut self, count: i64, currency: Option<String>, amount: i128, weighted: i128) {
        self.count += count;
        if let Some(c) = currency {
            let e = self.by_currency.entry(c).or_default();
            e.0 += amount;
            e.1 += weighted;
        }
    }

    fn totals(&self) -> Result<Totals> {
        Ok(Totals {
            count: self.count,
            amount: self
                .by_currency
                .iter()
                .map(|(c, (a, _))| {
                    Ok(Money {
                        amount_minor: crate::kernel::money::narrow("total of the deals", *a)?,
                        currency: c.clone(),
                    })
                })
                .collect::<Result<_>>()?,
            weighted: self
                .by_currency
                .iter()
                .map(|(c, (_, w))| {
                    Ok(Money {
                        amount_minor: crate::kernel::money::narrow(
                            "weighted total of the deals",
                            hundredths(*w),
                        )?,
                        currency: c.clone(),
                    })
                })
                .collect::<Result<_>>()?,
        })
    }
}

/// A deal as a card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Card {
    pub id: String,
    pub name: String,
    pub account_name: Option<String>,
    pub amount: Option<Money>,
    #[ts(type = "number")]
    pub probability: i64,
    pub expected_close: Option<String>,
    pub owner_name: Option<String>,
    #[ts(type = "number")]
    pub days_in_stage: i64,
    pub rotting: bool,
    /// The newest done activity on the deal.
    pub last_activity_at: Option<String>,
    /// YYYY-MM-DD, for won and lost deals.
    pub closed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BoardColumn {
    pub stage: Stage,
    pub totals: Totals,
    /// The first cards, by expected close date (undated first); `totals.count` counts all.
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Board {
    pub pipeline_id: String,
    pub pipeline_name: String,
    pub columns: Vec<BoardColumn>,
    /// Open deals only.
    pub open: Totals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BoardQuery {
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: DealFilters,
    /// Cards per column (default 100, at most 1000).
    pub cards_per_column: Option<u32>,
    /// Won and Lost columns show deals closed in the last this many days (default 30).
    pub closed_within_days: Option<u32>,
}

/// The pipeline board: per stage, its totals and its first cards.
pub fn board(conn: &Connection, query: &BoardQuery, now: DateTime<Utc>) -> Result<Board> {
    let (pipeline, mut conditions, mut params) = query.filters.conditions(conn)?;
    let since = time::local_date(time::local_zone(), now)
        - Duration::days(i64::from(query.closed_within_days.unwrap_or(30)));
    conditions.push("(s.kind = 'open' OR o.closed_on >= ?)".into());
    params.push(Value::Text(since.format("%Y-%m-%d").to_string()));
    let filter = conditions.join(" AND ");
    let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.stage_id, o.currency, count(*), money_sum(o.amount_minor), money_sum(o.amount_minor, {PROBABILITY})
           FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
          WHERE {filter} GROUP BY o.stage_id, o.currency"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let weighted: Option<i64> = r.get(4)?;
        sums.entry(r.get(0)?).or_default().add(
            r.get(2)?,
            r.get(1)?,
            i128::from(r.get::<_, Option<i64>>(3)?.unwrap_or(0)),
            i128::from(weighted.unwrap_or(0)),
        );
    }
    let per_column = query.cards_per_column.unwrap_or(100).clamp(1, 1000);
    let card_sql = format!(
        "SELECT o.id, o.name, a.name, o.amount_minor, o.currency, {PROBABILITY}, o.expected_close,
                t.name, o.stage_entered_at, {LAST_ACTIVITY}, s.rotting_days, s.kind, o.closed_on
           FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id
           LEFT JOIN team_members t ON t.id = o.owner_id
          WHERE o.stage_id = ? AND {filter}
          ORDER BY o.expected_close, o.id LIMIT {per_column}"
    );
    let mut stmt = conn.prepare_cached(&card_sql)?;
    let mut columns = Vec::new();
    let mut open = Sums::default();
    for stage in &pipeline.stages {
        let s = sums.remove(&stage.id).unwrap_or_default();
        if stage.kind == StageKind::Open {
            open.count += s.count;
            for (c, (a, w)) in &s.by_currency {
                let e = open.by_currency.entry(c.clone()).or_default();
                e.0 += a;
                e.1 += w;
            }
        }
        let mut values = vec![Value::Text(stage.id.clone())];
        values.extend(params.iter().cloned());
        let cards = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                let minor: Option<i64> = r.get(3)?;
                let currency: Option<String> = r.get(4)?;
                let entered: String = r.get(8)?;
                let last: Option<String> = r.get(9)?;
                let kind = StageKind::parse(&r.get::<_, String>(11)?);
                Ok(Card {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    account_name: r.get(2)?,
                    amount: Money::stored(minor, currency),
                    probability: r.get(5)?,
                    expected_close: r.get(6)?,
                    owner_name: r.get(7)?,
                    days_in_stage: days_between(&entered, now),
                    rotting: is_rotting(kind, r.get(10)?, &entered, last.as_deref(), now),
                    last_activity_at: last,
                    closed_on: r.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stage = stage.clone();
        stage.deal_count = s.count;
        columns.push(BoardColumn {
            stage,
            totals: s.totals()?,
            cards,
        });
    }
    Ok(Board {
        pipeline_id: pipeline.id,
        pipeline_name: pipeline.name,
        columns,
        open: open.totals()?,
    })
}

/// One month of the forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ForecastMonth {
    /// YYYY-MM
    pub month: String,
    /// Open deals expected to close this month.
    pub open: Totals,
    /// Deals won this month.
    pub won: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Forecast {
    pub pipeline_name: String,
    pub months: Vec<ForecastMonth>,
    /// Open deals with no expected close date.
    pub undated: Totals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ForecastQuery {
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: DealFilters,
    /// Months before the current one to show (won amounts; default 6).
    pub months_back: Option<u32>,
    /// Months after the current one to show (default 12).
    pub months_ahead: Option<u32>,
}

fn add_months(month: NaiveDate, n: i64) -> NaiveDate {
    use chrono::Datelike;
    let total = i64::from(month.year_ce().1) * 12 + i64::from(month.month0()) + n;
    NaiveDate::from_ymd_opt((total / 12) as i32, (total % 12) as u32 + 1, 1).unwrap_or(month)
}

/// Open pipeline by expected close month (count, amount, weighted amount) with the amounts
/// won in each month. Open deals whose date has passed stay in their (past) month.
pub fn forecast(conn: &Connection, query: &ForecastQuery, today: NaiveDate) -> Result<Forecast> {
    let (pipeline, conditions, params) = query.filters.conditions(conn)?;
    let filter = conditions.join(" AND ");
    let this_month = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    let first = add_months(
        this_month,
        -i64::from(query.months_back.unwrap_or(6).min(120)),
    );
    let last = add_months(
        this_month,
        i64::from(query.months_ahead.unwrap_or(12).min(120)),
    );
    let mut months: BTreeMap<String, (Sums, Sums)> = BTreeMap::new();
    let mut m = first;
    while m <= last {
        months.insert(m.format("%Y-%m").to_string(), Default::default());
        m = add_months(m, 1);
    }
    let mut undated = Sums::default();
    let run = |sql: String,
               f: &mut dyn FnMut(Option<String>, i64, Option<String>, i128, i128)|
     -> Result<()> {
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let w: Option<i64> = r.get(4)?;
            f(
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                i128::from(r.get::<_, Option<i64>>(3)?.unwrap_or(0)),
                i128::from(w.unwrap_or(0)),
            );
        }
        Ok(())
    };
    run(
        format!(
            "SELECT substr(o.expected_close, 1, 7), count(*), o.currency, money_sum(o.amount_minor),
                    money_sum(o.amount_minor, {PROBABILITY})
               FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE s.kind = 'open' AND {filter}
              GROUP BY 1, o.currency"
        ),
        &mut |month, count, currency, amount, weighted| match month {
            None => undated.add(count, currency, amount, weighted),
            Some(month) => {
                if let Some((open, _)) = months.get_mut(&month) {
                    open.add(count, currency, amount, weighted);
                }
            }
        },
    )?;
    run(
        format!(
            "SELECT substr(o.closed_on, 1, 7), count(*), o.currency, money_sum(o.amount_minor), money_sum(o.amount_minor, 100)
               FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
              WHERE s.kind = 'won' AND {filter}
              GROUP BY 1, o.currency"
        ),
        &mut |month, count, currency, amount, weighted| {
            if let Some((_, won)) = month.and_then(|m| months.get_mut(&m)) {
                won.add(count, currency, amount, weighted);
            }
        },
    )?;
    Ok(Forecast {
        pipeline_name: pipeline.name,
        months: months
            .into_iter()
            .map(|(month, (open, won))| {
                Ok(ForecastMonth {
                    month,
                    open: open.totals()?,
                    won: won.totals()?,
                })
            })
            .collect::<Result<_>>()?,
        undated: undated.totals()?,
    })
}

/// One row of the deals list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpportunitySummary {
    pub id: String,
    pub name: String,
    pub account_name: Option<String>,
    pub stage_name: String,
    pub stage_kind: StageKind,
    pub amount: Option<Money>,
    #[ts(type = "number")]
    pub probability: i64,
    pub expected_close: Option<String>,
    pub owner_name: Option<String>,
    pub custom: CustomValues,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OpportunitySort {
    #[default]
    ExpectedClose,
    Name,
    Amount,
    Stage,
    UpdatedAt,
    CreatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OpportunityQuery {
    pub sort: OpportunitySort,
    pub direction: SortDirection,
    /// Deals whose name or account name contains this text.
    pub search: Option<String>,
    /// Only open, won or lost deals.
    pub status: Option<DealStatus>,
    /// Only deals in this stage (id or name).
    pub stage: Option<String>,
    /// A pipeline's id or name; all pipelines when empty.
    pub pipeline: Option<String>,
    pub account_id: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    pub sort_field: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

const LIST_SQL: ListShape = ListShape {
    columns: "o.id, o.name, a.name, s.name, s.kind, o.amount_minor, o.currency,
         (CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END),
         o.expected_close, t.name, o.updated_at",
    column_count: 11,
    from: "opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id
           LEFT JOIN team_members t ON t.id = o.owner_id",
    count_from: "opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
           LEFT JOIN accounts a ON a.id = o.account_id",
};

/// Deals, sorted and filtered, a page at a time.
pub fn list(conn: &Connection, query: &OpportunityQuery) -> Result<Page<OpportunitySummary>> {
    let keys: &[&str] = match query.sort {
        OpportunitySort::ExpectedClose => &["ifnull(o.expected_close, '9999-12-31')"],
        OpportunitySort::Name => &["o.name COLLATE NOCASE"],
        OpportunitySort::Amount => &["ifnull(o.amount_minor, 0)"],
        OpportunitySort::Stage => &["s.position"],
        OpportunitySort::UpdatedAt => &["o.updated_at"],
        OpportunitySort::CreatedAt => &["o.created_at"],
    };
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "o",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        None,
        &query.filters,
    )?;
    if let Some(text) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let like = crate::records::list::contains_pattern(text);
        sql.filter(
            "(o.name LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\')",
            [Value::Text(like.clone()), Value::Text(like)],
        );
    }
    match query.status {
        Some(DealStatus::Open) => sql.filter("s.kind = 'open'", []),
        Some(DealStatus::Won) => sql.filter("s.kind = 'won'", []),
        Some(DealStatus::Lost) => sql.filter("s.kind = 'lost'", []),
        None => {}
    }
    if let Some(p) = query.pipeline.as_deref().filter(|p| !p.trim().is_empty()) {
        let pipeline = pipelines::find(conn, Some(p))?;
        sql.filter("o.pipeline_id = ?", [Value::Text(pipeline.id.clone())]);
        if let Some(stage) = query.stage.as_deref().filter(|s| !s.trim().is_empty()) {
            let stage = pipelines::stage(&pipeline, stage)?;
            sql.filter("o.stage_id = ?", [Value::Text(stage.id)]);
        }
    } else if let Some(stage) = query.stage.as_deref().filter(|s| !s.trim().is_empty()) {
        sql.filter(
            "(o.stage_id = ? OR s.name = ? COLLATE NOCASE)",
            [Value::Text(stage.to_owned()), Value::Text(stage.to_owned())],
        );
    }
    if let Some(account) = query.account_id.as_deref().filter(|a| !a.is_empty()) {
        sql.filter("o.account_id = ?", [Value::Text(account.to_owned())]);
    }
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        |row| {
            let minor: Option<i64> = row.get(5)?;
            let currency: Option<String> = row.get(6)?;
            Ok(OpportunitySummary {
                id: row.get(0)?,
                name: row.get(1)?,
                account_name: row.get(2)?,
                stage_name: row.get(3)?,
                stage_kind: StageKind::parse(&row.get::<_, String>(4)?),
                amount: Money::stored(minor, currency),
                probability: row.get(7)?,
                expected_close: row.get(8)?,
                owner_name: row.get(9)?,
                updated_at: row.get(10)?,
                custom: CustomValues::new(),
            })
        },
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

impl crate::records::fields::WithCustom for OpportunitySummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
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
