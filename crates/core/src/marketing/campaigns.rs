//! Marketing campaigns: what was spent on them, who they reached, and what they brought in.
//!
//! A campaign has a type, a status, dates, a budget, its actual cost and the revenue expected;
//! its members are contacts and leads with a response status. Leads and deals name their
//! campaign (`campaign_id`), and a lead's campaign passes to the deal made when it converts.
//! [`effectiveness`] counts, for each campaign: members, responses, leads generated and
//! converted, deals, won revenue, cost per lead and return on investment.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Money, MoneyInput};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::{Writer, text};

const TABLE: &str = "campaigns";

text_enum!(
    CampaignKind {
        Email = "email",
        TradeShow = "trade_show",
        Advertisement = "advertisement",
        Webinar = "webinar",
        DirectMail = "direct_mail",
        Promotion = "promotion",
        Other = "other",
    }
);

text_enum!(
    CampaignStatus {
        Planned = "planned",
        Active = "active",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// How a member answered: `targeted` (on the list), `sent` (reached), `responded`,
    /// `unsubscribed`, `bounced`.
    MemberStatus {
        Targeted = "targeted",
        Sent = "sent",
        Responded = "responded",
        Unsubscribed = "unsubscribed",
        Bounced = "bounced",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub status: CampaignStatus,
    /// YYYY-MM-DD
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// The currency of its money: budget, cost, expected and won revenue.
    pub currency: String,
    pub budget: Option<Money>,
    pub actual_cost: Option<Money>,
    pub expected_revenue: Option<Money>,
    pub description: Option<String>,
    pub owner_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CampaignInput {
    pub name: String,
    /// Default `email`.
    pub kind: Option<CampaignKind>,
    /// Default `planned`.
    pub status: Option<CampaignStatus>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// ISO 4217; the money fields' currency (default EUR).
    pub currency: String,
    /// `1500.00`; blank for none.
    pub budget: String,
    pub actual_cost: String,
    pub expected_revenue: String,
    pub description: Option<String>,
    pub owner_id: Option<String>,
}

fn check(
    conn: &Connection,
    input: &CampaignInput,
    id: Option<&str>,
) -> Result<Vec<(&'static str, Value)>> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    crate::store::writer::unique_name(&mut c, conn, TABLE, "campaign", &name, id)?;
    let starts_on = c.date("starts_on", &input.starts_on);
    let ends_on = c.date("ends_on", &input.ends_on);
    if let (Some(s), Some(e)) = (&starts_on, &ends_on)
        && e < s
    {
        c.fail("ends_on", format!("ends ({e}) before it starts ({s})"));
    }
    let description = c.text("description", &input.description, NOTES_MAX);
    let currency = if input.currency.trim().is_empty() {
        "EUR".to_owned()
    } else {
        input.currency.trim().to_ascii_uppercase()
    };
    let mut money = |field: &str, amount: &str| -> Option<i64> {
        if amount.trim().is_empty() {
            return None;
        }
        match (MoneyInput {
            amount: amount.to_owned(),
            currency: currency.clone(),
        })
        .parse(field)
        {
            Ok(m) if m.amount_minor < 0 => {
                c.fail(field, "is below zero");
                None
            }
            Ok(m) => Some(m.amount_minor),
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                None
            }
        }
    };
    let budget = money("budget", &input.budget);
    let cost = money("actual_cost", &input.actual_cost);
    let expected = money("expected_revenue", &input.expected_revenue);
    c.finish()?;
    let minor = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    Ok(vec![
        ("name", Value::Text(name)),
        (
            "kind",
            Value::Text(input.kind.unwrap_or(CampaignKind::Email).as_str().into()),
        ),
        (
            "status",
            Value::Text(
                input
                    .status
                    .unwrap_or(CampaignStatus::Planned)
                    .as_str()
                    .into(),
            ),
        ),
        ("starts_on", text(&starts_on)),
        ("ends_on", text(&ends_on)),
        ("currency", Value::Text(currency)),
        ("budget_minor", minor(budget)),
        ("actual_cost_minor", minor(cost)),
        ("expected_revenue_minor", minor(expected)),
        ("description", text(&description)),
        (
            "owner_id",
            text(&input.owner_id.clone().filter(|o| !o.trim().is_empty())),
        ),
    ])
}

pub fn create(db: &mut Db, input: &CampaignInput) -> Result<Campaign> {
    let fields = check(db.conn(), input, None)?;
    let id = crate::new_id();
    db.write(|w| w.insert(TABLE, &id, &fields))?;
    get(db.conn(), &id)
}

pub fn update(db: &mut Db, id: &str, input: &CampaignInput) -> Result<Campaign> {
    get(db.conn(), id)?;
    let fields = check(db.conn(), input, Some(id))?;
    db.write(|w| w.update(TABLE, id, &fields))?;
    get(db.conn(), id)
}

/// Deletes a campaign and its member list; leads and deals keep their records but no longer
/// name it.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    get(db.conn(), id)?;
    db.write(|w| {
        let members: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM campaign_members WHERE campaign_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for m in members {
            w.delete("campaign_members", &m)?;
        }
        for table in ["leads", "opportunities"] {
            let ids: Vec<String> = w
                .conn()
                .prepare_cached(&format!("SELECT id FROM {table} WHERE campaign_id = ?1"))?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for record in ids {
                w.update(table, &record, &[("campaign_id", Value::Null)])?;
            }
        }
        // Messages and promotions keep their history without it; a sequence that enrols the
        // campaign's new leads refuses (`links::LINKS`).
        crate::store::links::release(w, TABLE, id)?;
        w.delete(TABLE, id)
    })
}

const SELECT: &str = "SELECT id, name, kind, status, starts_on, ends_on, currency, budget_minor,
        actual_cost_minor, expected_revenue_minor, description, owner_id, created_at, updated_at
   FROM campaigns";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    let currency: String = r.get("currency")?;
    let money = |i: usize| -> rusqlite::Result<Option<Money>> {
        Ok(Money::stored(r.get(i)?, Some(currency.clone())))
    };
    Ok(Campaign {
        id: r.get("id")?,
        name: r.get("name")?,
        kind: CampaignKind::parse(&r.get::<_, String>("kind")?).unwrap_or(CampaignKind::Other),
        status: CampaignStatus::parse(&r.get::<_, String>("status")?)
            .unwrap_or(CampaignStatus::Planned),
        starts_on: r.get("starts_on")?,
        ends_on: r.get("ends_on")?,
        currency: currency.clone(),
        budget: money(7)?,
        actual_cost: money(8)?,
        expected_revenue: money(9)?,
        description: r.get("description")?,
        owner_id: r.get("owner_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Campaign> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("campaign", id))
}

/// The campaign with this id, or this name (any case); two campaigns of that name are a
/// conflict to settle by id.
pub fn find(conn: &Connection, name_or_id: &str) -> Result<Campaign> {
    crate::store::writer::find_named(conn, TABLE, "campaign", "campaigns", name_or_id, get)
}

/// Every campaign, newest start first.
pub fn list(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} ORDER BY ifnull(starts_on, substr(created_at, 1, 10)) DESC, name"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds contacts or leads (`entity` is `contacts` or `leads`) to a campaign's members; those
/// already there are left as they are. Returns how many were added.
pub fn add_members(db: &mut Db, campaign_id: &str, entity: &str, ids: &[String]) -> Result<usize> {
    let people: Vec<(String, String)> = ids
        .iter()
        .map(|id| (entity.to_owned(), id.clone()))
        .collect();
    add_members_all(db, campaign_id, &people)
}

/// Adds `(entity, id)` pairs to a campaign's members in one save.
pub(crate) fn add_members_all(
    db: &mut Db,
    campaign_id: &str,
    people: &[(String, String)],
) -> Result<usize> {
    get(db.conn(), campaign_id)?;
    db.write(|w| {
        let mut added = 0;
        for (entity, id) in people {
            if !matches!(entity.as_str(), "contacts" | "leads") {
                return Err(Error::invalid(
                    "entity",
                    "campaign members are contacts or leads",
                ));
            }
            if !crate::store::writer::exists(w.conn(), entity, id)? {
                return Err(Error::not_found(
                    if entity == "contacts" {
                        "contact"
                    } else {
                        "lead"
                    },
                    id,
                ));
            }
            if add_member_in(w, campaign_id, entity, id)? {
                added += 1;
            }
        }
        Ok(added)
    })
}

/// Makes a contact or lead a (targeted) member inside a write; `false` when it was one.
pub(crate) fn add_member_in(
    w: &Writer<'_>,
    campaign_id: &str,
    entity: &str,
    id: &str,
) -> Result<bool> {
    if member_id(w, campaign_id, entity, id)?.is_some() {
        return Ok(false);
    }
    w.insert(
        "campaign_members",
        &crate::new_id(),
        &[
            ("campaign_id", Value::Text(campaign_id.to_owned())),
            ("entity", Value::Text(entity.to_owned())),
            ("entity_id", Value::Text(id.to_owned())),
            (
                "status",
                Value::Text(MemberStatus::Targeted.as_str().into()),
            ),
        ],
    )?;
    Ok(true)
}

fn member_id(w: &Writer<'_>, campaign_id: &str, entity: &str, id: &str) -> Result<Option<String>> {
    Ok(w.conn()
        .prepare_cached(
            "SELECT id FROM campaign_members WHERE campaign_id = ?1 AND entity = ?2 AND entity_id = ?3",
        )?
        .query_row((campaign_id, entity, id), |r| r.get(0))
        .optional()?)
}

/// Takes a deleted contact or lead off every campaign's member list (inside its delete).
pub(crate) fn forget_member(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    let rows: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM campaign_members WHERE entity = ?1 AND entity_id = ?2")?
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        w.delete("campaign_members", &row)?;
    }
    Ok(())
}

/// Moves a merged record's campaign memberships to the record it was merged into (inside the
/// merge); where both were members of a campaign, the survivor's membership stays.
pub(crate) fn move_member(w: &Writer<'_>, entity: &str, survivor: &str, other: &str) -> Result<()> {
    let rows: Vec<(String, bool)> = w
        .conn()
        .prepare_cached(
            "SELECT o.id, EXISTS (SELECT 1 FROM campaign_members s
                     WHERE s.entity = ?1 AND s.entity_id = ?2 AND s.campaign_id = o.campaign_id)
               FROM campaign_members o WHERE o.entity = ?1 AND o.entity_id = ?3",
        )?
        .query_map((entity, survivor, other), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, survivor_has_it) in rows {
        if survivor_has_it {
            w.delete("campaign_members", &id)?;
        } else {
            w.update(
                "campaign_members",
                &id,
                &[("entity_id", Value::Text(survivor.to_owned()))],
            )?;
        }
    }
    Ok(())
}

/// A campaign member as listed: who, and how they answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CampaignMember {
    pub entity: String,
    pub entity_id: String,
    pub name: String,
    pub email: Option<String>,
    pub status: MemberStatus,
    pub responded_at: Option<String>,
}

/// A campaign's members, by name.
pub fn members(conn: &Connection, campaign_id: &str) -> Result<Vec<CampaignMember>> {
    get(conn, campaign_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.entity, m.entity_id,
                coalesce((SELECT trim(c.first_name || ' ' || c.last_name) FROM contacts c
                           WHERE m.entity = 'contacts' AND c.id = m.entity_id),
                         (SELECT l.name FROM leads l WHERE m.entity = 'leads' AND l.id = m.entity_id), '') AS name,
                coalesce((SELECT e.address FROM contact_emails e
                           WHERE m.entity = 'contacts' AND e.contact_id = m.entity_id ORDER BY e.position LIMIT 1),
                         (SELECT l.email FROM leads l WHERE m.entity = 'leads' AND l.id = m.entity_id)) AS email,
                m.status, m.responded_at
           FROM campaign_members m WHERE m.campaign_id = ?1 ORDER BY 3 COLLATE NOCASE, m.id",
    )?;
    let rows = stmt.query_map([campaign_id], |r| {
        Ok(CampaignMember {
            entity: r.get("entity")?,
            entity_id: r.get("entity_id")?,
            name: r.get("name")?,
            email: r.get("email")?,
            status: MemberStatus::parse(&r.get::<_, String>("status")?)
                .unwrap_or(MemberStatus::Targeted),
            responded_at: r.get("responded_at")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A reply from this contact or lead counts as a response in every campaign they are a member
/// of (an unsubscribe or a bounce recorded there stays; the response is still counted).
pub(crate) fn mark_responded(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    let rows: Vec<(String, String, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT id, status, responded_at FROM campaign_members WHERE entity = ?1 AND entity_id = ?2",
        )?
        .query_map((entity, id), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (member, status, responded_at) in rows {
        let mut fields = Vec::new();
        if matches!(status.as_str(), "targeted" | "sent") {
            fields.push((
                "status",
                Value::Text(MemberStatus::Responded.as_str().into()),
            ));
        }
        if responded_at.is_none() {
            fields.push(("responded_at", Value::Text(w.now().to_owned())));
        }
        if !fields.is_empty() {
            w.update("campaign_members", &member, &fields)?;
        }
    }
    Ok(())
}

/// A message of the campaign reached this contact or lead: a member still only `targeted`
/// becomes `sent`; one who is not a member yet becomes one.
pub(crate) fn mark_reached(
    w: &Writer<'_>,
    campaign_id: &str,
    entity: &str,
    id: &str,
) -> Result<()> {
    match member_id(w, campaign_id, entity, id)? {
        Some(member) => {
            let status: String = w.conn().query_row(
                "SELECT status FROM campaign_members WHERE id = ?1",
                [&member],
                |r| r.get(0),
            )?;
            if status == MemberStatus::Targeted.as_str() {
                w.update(
                    "campaign_members",
                    &member,
                    &[("status", Value::Text(MemberStatus::Sent.as_str().into()))],
                )?;
            }
        }
        None => w.insert(
            "campaign_members",
            &crate::new_id(),
            &[
                ("campaign_id", Value::Text(campaign_id.to_owned())),
                ("entity", Value::Text(entity.to_owned())),
                ("entity_id", Value::Text(id.to_owned())),
                ("status", Value::Text(MemberStatus::Sent.as_str().into())),
            ],
        )?,
    }
    Ok(())
}

/// Records how a member answered; `responded` keeps the time it was first recorded.
pub fn set_member_status(
    db: &mut Db,
    campaign_id: &str,
    entity: &str,
    id: &str,
    status: MemberStatus,
) -> Result<()> {
    db.write(|w| {
        let member = member_id(w, campaign_id, entity, id)?
            .ok_or_else(|| Error::not_found("campaign member", id))?;
        let mut fields = vec![("status", Value::Text(status.as_str().into()))];
        if status == MemberStatus::Responded {
            let already: Option<String> = w
                .conn()
                .query_row(
                    "SELECT responded_at FROM campaign_members WHERE id = ?1",
                    [&member],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            if already.is_none() {
                fields.push(("responded_at", Value::Text(crate::kernel::time::now())));
            }
        }
        w.update("campaign_members", &member, &fields)?;
        Ok(())
    })
}

/// What one campaign brought in. Responses: members who ever responded (one who responded and
/// later unsubscribed still responded). Leads: those naming the campaign; deals: those naming it
/// (a converted lead's deal names its campaign); won revenue: those deals won, in the
/// campaign's currency. Cost per lead: actual cost / leads; ROI: (won revenue - actual cost) /
/// actual cost, in basis points (15000 = 150 %); both empty without a cost or leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Effectiveness {
    pub campaign_id: String,
    pub name: String,
    pub kind: CampaignKind,
    pub status: CampaignStatus,
    pub currency: String,
    #[ts(type = "number")]
    pub members: i64,
    #[ts(type = "number")]
    pub responses: i64,
    #[ts(type = "number")]
    pub leads: i64,
    #[ts(type = "number")]
    pub leads_converted: i64,
    #[ts(type = "number")]
    pub deals: i64,
    #[ts(type = "number")]
    pub deals_won: i64,
    #[ts(type = "number")]
    pub won_minor: i64,
    #[ts(type = "number | null")]
    pub cost_minor: Option<i64>,
    #[ts(type = "number | null")]
    pub cost_per_lead_minor: Option<i64>,
    #[ts(type = "number | null")]
    pub roi_bp: Option<i64>,
}

/// Every campaign's effectiveness (or one's, with `only`), newest first.
pub fn effectiveness(conn: &Connection, only: Option<&str>) -> Result<Vec<Effectiveness>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.kind, c.status, c.currency, c.actual_cost_minor,
                (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.id) AS members,
                (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.id
                    AND m.responded_at IS NOT NULL) AS responses,
                (SELECT count(*) FROM leads l WHERE l.campaign_id = c.id) AS leads,
                (SELECT count(l.converted_at) FROM leads l WHERE l.campaign_id = c.id) AS leads_converted,
                (SELECT count(*) FROM opportunities o WHERE o.campaign_id = c.id) AS deals,
                (SELECT count(*) FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
                  WHERE o.campaign_id = c.id AND s.kind = 'won') AS deals_won,
                (SELECT ifnull(money_sum(o.amount_minor), 0) FROM opportunities o
                   JOIN pipeline_stages s ON s.id = o.stage_id
                  WHERE o.campaign_id = c.id AND s.kind = 'won' AND o.currency = c.currency) AS won_minor
           FROM campaigns c
          WHERE ?1 IS NULL OR c.id = ?1
          ORDER BY ifnull(c.starts_on, substr(c.created_at, 1, 10)) DESC, c.name",
    )?;
    let rows = stmt.query_map([only], |r| {
        let cost: Option<i64> = r.get("actual_cost_minor")?;
        let leads: i64 = r.get("leads")?;
        let won: i64 = r.get("won_minor")?;
        Ok(Effectiveness {
            campaign_id: r.get("id")?,
            name: r.get("name")?,
            kind: CampaignKind::parse(&r.get::<_, String>("kind")?).unwrap_or(CampaignKind::Other),
            status: CampaignStatus::parse(&r.get::<_, String>("status")?)
                .unwrap_or(CampaignStatus::Planned),
            currency: r.get("currency")?,
            members: r.get("members")?,
            responses: r.get("responses")?,
            leads,
            leads_converted: r.get("leads_converted")?,
            deals: r.get("deals")?,
            deals_won: r.get("deals_won")?,
            won_minor: won,
            cost_minor: cost,
            cost_per_lead_minor: cost
                .filter(|_| leads > 0)
                .map(|c| (c * 2 + leads) / (2 * leads)),
            roi_bp: cost
                .filter(|c| *c > 0)
                .map(|c| ((won - c) * 20_000 + c).div_euclid(2 * c)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
