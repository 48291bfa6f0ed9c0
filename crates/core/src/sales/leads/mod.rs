//! Leads: people who may buy, before they are customers. A lead is typed in, imported from a
//! web form, or promoted from a call list; it is assigned, called, met and noted, then
//! converted into an account, a contact and (optionally) an opportunity. Conversion is one
//! transaction that moves everything the lead had (activities, tags, custom values, notes) to
//! the new records; the lead stays, marked converted, pointing at what it became.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::RecordRef;
use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Money, MoneyInput};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::people::contacts::{ContactInput, EmailEntry, PhoneEntry};
use crate::records::fields::CustomValues;
use crate::records::list::{CommonFilters, ListShape, ListSql, Page, SortDirection};
use crate::sales::opportunities::OpportunityInput;
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, int, text};

mod convert;
mod list;
mod sources;

pub use convert::*;
pub use list::*;
pub use sources::*;

pub(crate) const TABLE: &str = "leads";
const SOURCES: &str = "lead_sources";

text_enum!(
    /// Where a lead stands. `converted` is reached only by converting it.
    LeadStatus {
        New = "new",
        Contacted = "contacted",
        Qualified = "qualified",
        Unqualified = "unqualified",
        Converted = "converted",
    }
);

text_enum!(
    /// How likely a lead is to buy.
    LeadRating {
        Hot = "hot",
        Warm = "warm",
        Cold = "cold",
    }
);

/// The lead sources a new database starts with (editable).
pub const DEFAULT_SOURCES: &[&str] = &[
    "Search engine",
    "Ad",
    "Web form",
    "Referral",
    "Trade show",
    "Campaign",
    "Call list",
    "Other",
];

/// The source given to leads imported from form submissions.
pub const WEB_FORM: &str = "Web form";
/// The source given to leads promoted from a call list.
pub const CALL_LIST: &str = "Call list";

/// What a converted lead became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Conversion {
    pub converted_at: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub opportunity_id: Option<String>,
    pub opportunity_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Lead {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub campaign_id: Option<String>,
    pub status: LeadStatus,
    pub rating: Option<LeadRating>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub estimated_value: Option<Money>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub custom: CustomValues,
    /// The call list it was promoted from.
    pub call_list_id: Option<String>,
    pub call_list_name: Option<String>,
    pub conversion: Option<Conversion>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to create a lead or save an edited one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LeadInput {
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// A lead source's name (see [`sources`]); a new name is added to the list.
    pub source: Option<String>,
    pub campaign_id: Option<String>,
    /// Default `new`. `converted` cannot be set: convert the lead instead.
    pub status: Option<LeadStatus>,
    pub rating: Option<LeadRating>,
    pub owner_id: Option<String>,
    pub estimated_value: Option<MoneyInput>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub custom: CustomValues,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
    source: Option<String>,
    campaign_id: Option<String>,
    tags: Vec<String>,
    custom: crate::records::fields::Checked,
}

fn check(conn: &Connection, id: Option<&str>, input: &LeadInput) -> Result<Valid> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let company = c.text("company", &input.company, SHORT_TEXT_MAX);
    let title = c.text("title", &input.title, SHORT_TEXT_MAX);
    let email = c
        .text("email", &input.email, SHORT_TEXT_MAX)
        .map(|e| c.email("email", &e));
    let phone = c
        .text("phone", &input.phone, SHORT_TEXT_MAX)
        .map(|p| c.phone("phone", &p));
    let website = c.website("website", &input.website);
    let source = c.text("source", &input.source, SHORT_TEXT_MAX);
    let campaign_id = c.text("campaign_id", &input.campaign_id, SHORT_TEXT_MAX);
    let stored: Option<LeadStatus> = match id {
        Some(id) => conn
            .prepare_cached("SELECT status FROM leads WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|s| LeadStatus::parse(&s)),
        None => None,
    };
    let status = input.status.unwrap_or(stored.unwrap_or(LeadStatus::New));
    if status == LeadStatus::Converted && stored != Some(LeadStatus::Converted) {
        c.fail(
            "status",
            "a lead becomes converted by converting it (into an account, contact and deal)",
        );
    } else if stored == Some(LeadStatus::Converted) && status != LeadStatus::Converted {
        c.fail(
            "status",
            "this lead was converted; its status can no longer change",
        );
    }
    let estimated = match &input.estimated_value {
        Some(m) if !m.amount.trim().is_empty() => match m.parse("estimated_value") {
            Ok(money) if money.amount_minor < 0 => {
                c.fail("estimated_value", "is below zero");
                None
            }
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
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, id, &input.custom)?;
    c.finish()?;
    let country = crate::store::settings::default_country(conn)?;
    let e164 = phone
        .as_deref()
        .and_then(|p| crate::kernel::phone::normalize(p, country.as_deref()))
        .map(|n| n.e164);
    Ok(Valid {
        fields: vec![
            ("name", Value::Text(name)),
            ("company", text(&company)),
            ("title", text(&title)),
            ("email", text(&email)),
            ("phone", text(&phone)),
            ("phone_e164", text(&e164)),
            ("website", text(&website)),
            ("source", text(&source)),
            ("campaign_id", text(&campaign_id)),
            ("status", Value::Text(status.as_str().to_owned())),
            ("rating", text(&input.rating.map(|r| r.as_str().to_owned()))),
            ("owner_id", text(&owner_id)),
            (
                "estimated_minor",
                int(estimated.as_ref().map(|m| m.amount_minor)),
            ),
            ("estimated_currency", text(&estimated.map(|m| m.currency))),
            ("notes", text(&notes)),
        ],
        source,
        campaign_id,
        tags,
        custom,
    })
}

/// Creates a lead inside a larger write; returns its id. Subscribers hear
/// [`Event::LeadCreated`] in the same transaction.
pub fn create_in(w: &Writer<'_>, input: &LeadInput) -> Result<String> {
    create_from(w, input, None)
}

/// [`create_in`] for a lead promoted from a call-list entry.
pub(crate) fn create_from(
    w: &Writer<'_>,
    input: &LeadInput,
    call_list_entry: Option<&str>,
) -> Result<String> {
    let v = check(w.conn(), None, input)?;
    let id = crate::new_id();
    let mut fields = v.fields;
    fields.push((
        "call_list_entry_id",
        text(&call_list_entry.map(str::to_owned)),
    ));
    w.insert(TABLE, &id, &fields)?;
    if let Some(source) = &v.source {
        remember_source(w, source)?;
    }
    crate::records::tags::set(w, TABLE, &id, &v.tags)?;
    crate::records::fields::save(w, TABLE, &id, v.custom)?;
    w.reindex_later(TABLE, &id);
    w.emit(&Event::LeadCreated {
        lead_id: id.clone(),
        source: v.source,
        campaign_id: v.campaign_id,
    })?;
    Ok(id)
}

pub fn create(db: &mut Db, input: &LeadInput) -> Result<Lead> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

pub(crate) fn update_in(w: &Writer<'_>, id: &str, input: &LeadInput) -> Result<()> {
    get(w.conn(), id)?;
    let v = check(w.conn(), Some(id), input)?;
    w.update(TABLE, id, &v.fields)?;
    if let Some(source) = &v.source {
        remember_source(w, source)?;
    }
    crate::records::tags::set(w, TABLE, id, &v.tags)?;
    crate::records::fields::save(w, TABLE, id, v.custom)?;
    w.reindex_later(TABLE, id);
    Ok(())
}

pub fn update(db: &mut Db, id: &str, input: &LeadInput) -> Result<Lead> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

/// Moves a lead to another status (a drop on the leads board).
pub fn set_status(db: &mut Db, id: &str, status: LeadStatus) -> Result<Lead> {
    let mut input = LeadInput::from(&get(db.conn(), id)?);
    input.status = Some(status);
    update(db, id, &input)
}

pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// Deletes a lead; its activities stay, unlinked. A converted lead's account, contact and
/// deal are not touched.
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    get(w.conn(), id)?;
    let entries: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM call_list_entries WHERE lead_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for entry in entries {
        w.update("call_list_entries", &entry, &[("lead_id", Value::Null)])?;
    }
    crate::store::links::release(w, TABLE, id)?;
    w.emit(&Event::RecordDeleted {
        kind: TABLE,
        id: id.to_owned(),
    })?;
    w.delete(TABLE, id)?;
    w.reindex_later(TABLE, id);
    Ok(())
}

const SELECT: &str = "SELECT l.id, l.name, l.company, l.title, l.email, l.phone, l.website,
        l.source, l.campaign_id, l.status, l.rating, l.owner_id, t.name AS owner_name,
        l.estimated_minor, l.estimated_currency, l.notes, e.call_list_id,
        cl.name AS call_list_name, l.converted_at, l.converted_account_id,
        a.name AS converted_account_name, l.converted_contact_id,
        trim(c.first_name || ' ' || c.last_name) AS converted_contact_name,
        l.converted_opportunity_id, o.name AS converted_opportunity_name,
        l.created_at, l.updated_at
   FROM leads l
   LEFT JOIN team_members t ON t.id = l.owner_id
   LEFT JOIN call_list_entries e ON e.id = l.call_list_entry_id
   LEFT JOIN call_lists cl ON cl.id = e.call_list_id
   LEFT JOIN accounts a ON a.id = l.converted_account_id
   LEFT JOIN contacts c ON c.id = l.converted_contact_id
   LEFT JOIN opportunities o ON o.id = l.converted_opportunity_id";

fn status_of(row: &Row<'_>, i: &str) -> rusqlite::Result<LeadStatus> {
    Ok(LeadStatus::parse(&row.get::<_, String>(i)?).unwrap_or(LeadStatus::New))
}

fn rating_of(row: &Row<'_>, i: &str) -> rusqlite::Result<Option<LeadRating>> {
    Ok(row
        .get::<_, Option<String>>(i)?
        .and_then(|r| LeadRating::parse(&r)))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Lead> {
    let converted_at: Option<String> = row.get("converted_at")?;
    Ok(Lead {
        id: row.get("id")?,
        name: row.get("name")?,
        company: row.get("company")?,
        title: row.get("title")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        website: row.get("website")?,
        source: row.get("source")?,
        campaign_id: row.get("campaign_id")?,
        status: status_of(row, "status")?,
        rating: rating_of(row, "rating")?,
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        estimated_value: Money::stored(row.get("estimated_minor")?, row.get("estimated_currency")?),
        notes: row.get("notes")?,
        call_list_id: row.get("call_list_id")?,
        call_list_name: row.get("call_list_name")?,
        conversion: match converted_at {
            Some(converted_at) => Some(Conversion {
                converted_at,
                account_id: row.get("converted_account_id")?,
                account_name: row.get("converted_account_name")?,
                contact_id: row.get("converted_contact_id")?,
                contact_name: row.get("converted_contact_name")?,
                opportunity_id: row.get("converted_opportunity_id")?,
                opportunity_name: row.get("converted_opportunity_name")?,
            }),
            None => None,
        },
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        tags: Vec::new(),
        custom: CustomValues::new(),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Lead> {
    let mut lead = conn
        .prepare_cached(&format!("{SELECT} WHERE l.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("lead", id))?;
    lead.tags = crate::records::tags::of(conn, TABLE, id)?;
    lead.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    Ok(lead)
}

impl From<&Lead> for LeadInput {
    fn from(l: &Lead) -> Self {
        LeadInput {
            name: l.name.clone(),
            company: l.company.clone(),
            title: l.title.clone(),
            email: l.email.clone(),
            phone: l.phone.clone(),
            website: l.website.clone(),
            source: l.source.clone(),
            campaign_id: l.campaign_id.clone(),
            status: Some(l.status),
            rating: l.rating,
            owner_id: l.owner_id.clone(),
            estimated_value: l.estimated_value.as_ref().map(|m| MoneyInput {
                amount: crate::kernel::money::format_plain(m),
                currency: m.currency.clone(),
            }),
            notes: l.notes.clone(),
            tags: l.tags.clone(),
            custom: l.custom.clone(),
        }
    }
}
