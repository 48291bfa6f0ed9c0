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
    crate::activities::activity::unlink_record(w, TABLE, id)?;
    crate::records::tags::clear(w, TABLE, id)?;
    crate::records::fields::clear(w, TABLE, id)?;
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

// ---------------------------------------------------------------------------------------------
// Sources

/// A lead source of the pick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadSource {
    pub id: String,
    pub name: String,
    /// How many leads name it.
    #[ts(type = "number")]
    pub leads: i64,
}

/// Seeds the default lead sources (migration 5, run once in its transaction).
pub(crate) fn seed(conn: &Connection) -> rusqlite::Result<()> {
    let now = crate::kernel::time::now();
    for (i, name) in DEFAULT_SOURCES.iter().enumerate() {
        conn.execute(
            "INSERT INTO lead_sources (id, name, position, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            (crate::new_id(), name, i as i64, &now),
        )?;
    }
    Ok(())
}

/// The pick list of sources, in order, with how many leads use each.
pub fn sources(conn: &Connection) -> Result<Vec<LeadSource>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name, (SELECT count(*) FROM leads l WHERE l.source = s.name COLLATE NOCASE)
           FROM lead_sources s WHERE s.archived_at IS NULL ORDER BY s.position, s.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LeadSource {
            id: r.get(0)?,
            name: r.get(1)?,
            leads: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Puts `name` on the pick list (again, if it was removed) unless it is there.
fn remember_source(w: &Writer<'_>, name: &str) -> Result<()> {
    let row: Option<(String, Option<String>)> = w
        .conn()
        .prepare_cached("SELECT id, archived_at FROM lead_sources WHERE name = ?1 COLLATE NOCASE")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((_, None)) => Ok(()),
        Some((id, Some(_))) => {
            w.update(SOURCES, &id, &[("archived_at", Value::Null)])?;
            Ok(())
        }
        None => {
            let position: i64 = w.conn().query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM lead_sources",
                [],
                |r| r.get(0),
            )?;
            w.insert(
                SOURCES,
                &crate::new_id(),
                &[
                    ("name", Value::Text(name.to_owned())),
                    ("position", Value::Integer(position)),
                ],
            )
        }
    }
}

/// Adds a source to the pick list.
pub fn add_source(db: &mut Db, name: &str) -> Result<Vec<LeadSource>> {
    let mut c = Checker::default();
    let name = c.required("name", name, SHORT_TEXT_MAX);
    c.finish()?;
    db.write(|w| remember_source(w, &name))?;
    sources(db.conn())
}

/// Takes a source off the pick list; leads that name it keep it.
pub fn remove_source(db: &mut Db, name: &str) -> Result<Vec<LeadSource>> {
    db.write(|w| {
        let id: String = w
            .conn()
            .prepare_cached(
                "SELECT id FROM lead_sources WHERE name = ?1 COLLATE NOCASE AND archived_at IS NULL",
            )?
            .query_row([name.trim()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::invalid("name", format!("no lead source is named \"{name}\"")))?;
        w.update(
            SOURCES,
            &id,
            &[("archived_at", Value::Text(w.now().to_owned()))],
        )?;
        Ok(())
    })?;
    sources(db.conn())
}

// ---------------------------------------------------------------------------------------------
// The list and the board

/// One row of the leads list (and one card of the board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadSummary {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub status: LeadStatus,
    pub rating: Option<LeadRating>,
    pub owner_name: Option<String>,
    pub estimated_value: Option<Money>,
    pub custom: CustomValues,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LeadSort {
    #[default]
    CreatedAt,
    Name,
    Company,
    Status,
    Rating,
    EstimatedValue,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LeadQuery {
    pub sort: LeadSort,
    pub direction: SortDirection,
    /// Words of the name, company, e-mail, phone, source or custom text (prefix match).
    pub search: Option<String>,
    /// Only leads in these statuses; empty: all but converted ones.
    pub statuses: Vec<LeadStatus>,
    pub rating: Option<LeadRating>,
    /// A source's name.
    pub source: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    pub sort_field: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

const LIST_SQL: ListShape = ListShape {
    columns: "l.id, l.name, l.company, l.email, l.phone, l.source, l.status, l.rating,
              t.name AS owner_name,
              l.estimated_minor, l.estimated_currency, l.created_at, l.updated_at",
    column_count: 13,
    from: "leads l LEFT JOIN team_members t ON t.id = l.owner_id",
    count_from: "leads l",
};

fn summary(row: &Row<'_>) -> rusqlite::Result<LeadSummary> {
    Ok(LeadSummary {
        id: row.get("id")?,
        name: row.get("name")?,
        company: row.get("company")?,
        email: row.get("email")?,
        phone: row.get("phone")?,
        source: row.get("source")?,
        status: status_of(row, "status")?,
        rating: rating_of(row, "rating")?,
        owner_name: row.get("owner_name")?,
        estimated_value: Money::stored(row.get("estimated_minor")?, row.get("estimated_currency")?),
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        custom: CustomValues::new(),
    })
}

fn filtered(conn: &Connection, query: &LeadQuery, keys: &[&str]) -> Result<ListSql> {
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "l",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        query.search.as_deref(),
        &query.filters,
    )?;
    if query.statuses.is_empty() {
        sql.filter("l.status <> 'converted'", []);
    } else if let [one] = query.statuses.as_slice() {
        // An equality lets the status index hand rows over in `updated_at` order (the board).
        sql.filter("l.status = ?", [Value::Text(one.as_str().to_owned())]);
    } else {
        let json =
            serde_json::to_string(&query.statuses).map_err(|e| Error::Internal(e.to_string()))?;
        sql.filter(
            "l.status IN (SELECT value FROM json_each(?))",
            [Value::Text(json)],
        );
    }
    if let Some(rating) = query.rating {
        sql.filter("l.rating = ?", [Value::Text(rating.as_str().to_owned())]);
    }
    if let Some(source) = query
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        sql.filter(
            "l.source = ? COLLATE NOCASE",
            [Value::Text(source.to_owned())],
        );
    }
    Ok(sql)
}

/// Leads, sorted and filtered, a page at a time.
pub fn list(conn: &Connection, query: &LeadQuery) -> Result<Page<LeadSummary>> {
    let keys: &[&str] = match query.sort {
        LeadSort::CreatedAt => &["l.created_at"],
        LeadSort::Name => &["l.name COLLATE NOCASE"],
        LeadSort::Company => &["ifnull(l.company, '') COLLATE NOCASE"],
        LeadSort::Status => &[
            "(CASE l.status WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 WHEN 'qualified' THEN 2
                   WHEN 'unqualified' THEN 3 ELSE 4 END)",
        ],
        LeadSort::Rating => {
            &["(CASE l.rating WHEN 'hot' THEN 0 WHEN 'warm' THEN 1 WHEN 'cold' THEN 2 ELSE 3 END)"]
        }
        LeadSort::EstimatedValue => &["ifnull(l.estimated_minor, 0)"],
        LeadSort::UpdatedAt => &["l.updated_at"],
    };
    let mut sql = filtered(conn, query, keys)?;
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        summary,
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

impl crate::records::fields::WithCustom for LeadSummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}

/// One status column of the leads board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadColumn {
    pub status: LeadStatus,
    /// Every lead in the column (the cards may be fewer).
    #[ts(type = "number")]
    pub count: i64,
    /// The estimated values, summed per currency.
    pub estimated: Vec<Money>,
    /// The newest leads first, at most the query's limit.
    pub cards: Vec<LeadSummary>,
}

/// The leads board: a column per status, in order, converted last.
pub fn board(conn: &Connection, query: &LeadQuery) -> Result<Vec<LeadColumn>> {
    let per_column = query.limit.unwrap_or(100).clamp(1, 500);
    let mut columns = Vec::new();
    for status in LeadStatus::ALL {
        let q = LeadQuery {
            statuses: vec![*status],
            sort: LeadSort::UpdatedAt,
            direction: SortDirection::Desc,
            after: None,
            limit: Some(per_column),
            ..query.clone()
        };
        let sql = filtered(conn, &q, &["l.updated_at"])?;
        let page = sql.page(conn, per_column, true, summary)?;
        let mut sums: BTreeMap<String, i64> = BTreeMap::new();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT l.estimated_currency, money_sum(l.estimated_minor) FROM {} {} AND l.estimated_minor IS NOT NULL
              GROUP BY l.estimated_currency",
            LIST_SQL.count_from,
            sql.where_clause()
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(sql.params()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (currency, total) = row?;
            sums.insert(currency, total);
        }
        columns.push(LeadColumn {
            status: *status,
            count: page.total.unwrap_or(0),
            estimated: sums
                .into_iter()
                .map(|(currency, amount_minor)| Money {
                    amount_minor,
                    currency,
                })
                .collect(),
            cards: crate::records::fields::attach(conn, TABLE, page)?.items,
        });
    }
    Ok(columns)
}

// ---------------------------------------------------------------------------------------------
// Conversion

/// An existing record the conversion could use instead of creating one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Suggestion {
    pub id: String,
    pub name: String,
    /// Why it matched: `same name`, `same e-mail domain`, `same e-mail`, `same phone`.
    pub reason: String,
}

/// What converting a lead would do, worked out before anything is written: the names it would
/// use and the existing records it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConversionPlan {
    pub lead: Lead,
    /// Proposed for a new account: the lead's company.
    pub account_name: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// Accounts with the same name or web domain.
    pub accounts: Vec<Suggestion>,
    /// Contacts with the same e-mail address or phone number.
    pub contacts: Vec<Suggestion>,
    pub opportunity_name: String,
    pub amount: Option<Money>,
    /// How many activities would move.
    #[ts(type = "number")]
    pub activities: i64,
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ConvertInput {
    /// Use this existing account.
    pub account_id: Option<String>,
    /// Otherwise create an account with this name (default: the lead's company).
    pub account_name: Option<String>,
    /// No account at all (a private customer), even if the lead names a company.
    pub no_account: bool,
    /// Use this existing contact (the lead's e-mail and phone are added to it).
    pub contact_id: Option<String>,
    /// Otherwise create a contact; default: the lead's name split at the last space.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Also create this deal; its account, contact, source and owner default to the lead's.
    pub opportunity: Option<OpportunityInput>,
}

/// What a conversion did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Converted {
    pub lead: Lead,
    pub account_id: Option<String>,
    pub account_created: bool,
    pub contact_id: String,
    pub contact_created: bool,
    pub opportunity_id: Option<String>,
    /// Activities moved from the lead to the new records.
    #[ts(type = "number")]
    pub activities_moved: i64,
    pub batch_id: String,
}

/// A full name split for a contact: everything before the last space is the first name.
pub fn split_name(name: &str) -> (String, String) {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), name.trim().to_owned()),
    }
}

fn email_domain(email: &str) -> Option<String> {
    const FREE: &[&str] = &[
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "mail.com",
    ];
    let domain = email.rsplit_once('@')?.1.trim().to_lowercase();
    (!FREE.contains(&domain.as_str())).then_some(domain)
}

fn linked_activities(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM activity_links WHERE entity = 'leads' AND entity_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?)
}

/// The conversion's defaults and the existing accounts and contacts it matches. Writes nothing.
pub fn plan_conversion(conn: &Connection, id: &str) -> Result<ConversionPlan> {
    let lead = get(conn, id)?;
    let (first_name, last_name) = split_name(&lead.name);
    let mut accounts: Vec<Suggestion> = Vec::new();
    if let Some(company) = &lead.company {
        let folded = crate::people::duplicates::fold_company(company);
        let mut stmt = conn.prepare_cached("SELECT id, name FROM accounts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (aid, name) = row?;
            if crate::people::duplicates::fold_company(&name) == folded {
                accounts.push(Suggestion {
                    id: aid,
                    name,
                    reason: "same name".into(),
                });
            }
        }
    }
    let domain = lead
        .website
        .as_deref()
        .and_then(crate::people::duplicates::domain)
        .or_else(|| lead.email.as_deref().and_then(email_domain));
    if let Some(domain) = domain {
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, website FROM accounts WHERE website LIKE '%' || ?1 || '%'",
        )?;
        let rows = stmt.query_map([&domain], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (aid, name, website) = row?;
            if crate::people::duplicates::domain(&website).as_deref() == Some(domain.as_str())
                && !accounts.iter().any(|a| a.id == aid)
            {
                accounts.push(Suggestion {
                    id: aid,
                    name,
                    reason: "same web domain".into(),
                });
            }
        }
    }
    let mut contacts: Vec<Suggestion> = Vec::new();
    let mut add_contacts = |sql: &str, key: &str, reason: &str| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (cid, name) = row?;
            if !contacts.iter().any(|c| c.id == cid) {
                contacts.push(Suggestion {
                    id: cid,
                    name,
                    reason: reason.into(),
                });
            }
        }
        Ok(())
    };
    if let Some(email) = &lead.email {
        add_contacts(
            "SELECT c.id, trim(c.first_name || ' ' || c.last_name) FROM contact_emails e
               JOIN contacts c ON c.id = e.contact_id WHERE e.address = ?1 COLLATE NOCASE",
            email,
            "same e-mail",
        )?;
    }
    let e164: Option<String> = conn
        .prepare_cached("SELECT phone_e164 FROM leads WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if let Some(e164) = &e164 {
        add_contacts(
            "SELECT c.id, trim(c.first_name || ' ' || c.last_name) FROM contact_phones p
               JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ?1",
            e164,
            "same phone",
        )?;
    }
    Ok(ConversionPlan {
        account_name: lead.company.clone(),
        first_name,
        last_name,
        accounts,
        contacts,
        opportunity_name: plan_name(&lead),
        amount: lead.estimated_value.clone(),
        activities: linked_activities(conn, id)?,
        lead,
    })
}

/// Converts a lead into an account, a contact and optionally a deal, in one transaction:
/// every activity moves to the new records, tags and matching custom values go to the contact
/// (values without a matching contact, account or deal field are written into the contact's
/// notes, so nothing is lost), and the lead is marked converted with links to what it became.
/// A lead can be converted once.
pub fn convert(db: &mut Db, id: &str, input: &ConvertInput) -> Result<Converted> {
    let (ids, batch_id) = db.write(|w| {
        let ids = convert_in(w, id, input)?;
        Ok((ids, w.batch_id().to_owned()))
    })?;
    let (account_id, account_created, contact_id, contact_created, opportunity_id, moved) = ids;
    Ok(Converted {
        lead: get(db.conn(), id)?,
        account_id,
        account_created,
        contact_id,
        contact_created,
        opportunity_id,
        activities_moved: moved,
        batch_id,
    })
}

type ConvertedIds = (Option<String>, bool, String, bool, Option<String>, i64);

fn convert_in(w: &Writer<'_>, id: &str, input: &ConvertInput) -> Result<ConvertedIds> {
    let conn = w.conn();
    let lead = get(conn, id)?;
    if let Some(done) = &lead.conversion {
        let into: Vec<String> = [
            done.account_name
                .as_ref()
                .map(|n| format!("the account {n}")),
            done.contact_name
                .as_ref()
                .map(|n| format!("the contact {n}")),
            done.opportunity_name
                .as_ref()
                .map(|n| format!("the deal {n}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        return Err(Error::Conflict(format!(
            "{} was already converted on {} (into {}); a lead is converted once.",
            lead.name,
            done.converted_at.get(..10).unwrap_or(&done.converted_at),
            into.join(", ")
        )));
    }

    // The account.
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (account_id, account_created) = if input.no_account {
        (None, false)
    } else if let Some(aid) = given(&input.account_id) {
        crate::people::accounts::get(conn, &aid)?;
        (Some(aid), false)
    } else if let Some(name) = given(&input.account_name).or_else(|| lead.company.clone()) {
        let account = crate::people::accounts::AccountInput {
            name,
            website: lead.website.clone().or_else(|| {
                lead.email
                    .as_deref()
                    .and_then(email_domain)
                    .map(|d| format!("https://{d}"))
            }),
            owner_id: lead.owner_id.clone(),
            ..Default::default()
        };
        (
            Some(
                crate::people::accounts::create_in(w, &account)
                    .map_err(|e| prefix(e, "account"))?,
            ),
            true,
        )
    } else {
        (None, false)
    };

    // Custom values: to the contact's, account's or deal's field of the same label and kind.
    let moved_values = custom_targets(conn, id)?;
    let mut leftover_notes: Vec<String> = Vec::new();

    // The contact.
    let (contact_id, contact_created) = if let Some(cid) = given(&input.contact_id) {
        let existing = crate::people::contacts::get(conn, &cid)?;
        let mut c = ContactInput::from(&existing);
        if let Some(email) = &lead.email
            && !c
                .emails
                .iter()
                .any(|e| e.address.eq_ignore_ascii_case(email))
        {
            c.emails.push(EmailEntry {
                label: "work".into(),
                address: email.clone(),
            });
        }
        if let Some(phone) = &lead.phone
            && !c.phones.iter().any(|p| p.number == *phone)
        {
            let e164 = conn
                .prepare_cached("SELECT phone_e164 FROM leads WHERE id = ?1")?
                .query_row([id], |r| r.get::<_, Option<String>>(0))?;
            let known: bool = match &e164 {
                Some(e) => conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM contact_phones WHERE contact_id = ?1 AND e164 = ?2)",
                    )?
                    .query_row((&cid, e), |r| r.get(0))?,
                None => false,
            };
            if !known {
                c.phones.push(PhoneEntry {
                    label: "work".into(),
                    number: phone.clone(),
                });
            }
        }
        if c.account_id.is_none() {
            c.account_id.clone_from(&account_id);
        }
        if c.title.is_none() {
            c.title.clone_from(&lead.title);
        }
        for t in &lead.tags {
            if !c.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                c.tags.push(t.clone());
            }
        }
        if let Some(notes) = &lead.notes {
            c.notes = Some(match c.notes.take() {
                Some(old) => format!("{old}\n\n{notes}"),
                None => notes.clone(),
            });
        }
        crate::people::contacts::update_in(w, &cid, &c).map_err(|e| prefix(e, "contact"))?;
        (cid, false)
    } else {
        let (first, last) = split_name(&lead.name);
        let c = ContactInput {
            first_name: given(&input.first_name).unwrap_or(first),
            last_name: given(&input.last_name).unwrap_or(last),
            title: lead.title.clone(),
            account_id: account_id.clone(),
            emails: lead
                .email
                .iter()
                .map(|e| EmailEntry {
                    label: "work".into(),
                    address: e.clone(),
                })
                .collect(),
            phones: lead
                .phone
                .iter()
                .map(|p| PhoneEntry {
                    label: "work".into(),
                    number: p.clone(),
                })
                .collect(),
            lead_source: lead.source.clone(),
            owner_id: lead.owner_id.clone(),
            notes: lead.notes.clone(),
            tags: lead.tags.clone(),
            ..Default::default()
        };
        (
            crate::people::contacts::create_in(w, &c).map_err(|e| prefix(e, "contact"))?,
            true,
        )
    };

    // The deal.
    let opportunity_id = match &input.opportunity {
        Some(o) => {
            let mut o = o.clone();
            if o.name.trim().is_empty() {
                o.name = plan_name(&lead);
            }
            if o.account_id.is_none() {
                o.account_id.clone_from(&account_id);
            }
            if o.contacts.is_empty() {
                o.contacts.push(crate::sales::opportunities::DealContact {
                    contact_id: contact_id.clone(),
                    name: String::new(),
                    role: None,
                });
            }
            if o.source.is_none() {
                o.source.clone_from(&lead.source);
            }
            if o.campaign_id.is_none() {
                o.campaign_id.clone_from(&lead.campaign_id);
            }
            if o.owner_id.is_none() {
                o.owner_id.clone_from(&lead.owner_id);
            }
            Some(
                crate::sales::opportunities::create_in(w, &o)
                    .map_err(|e| prefix(e, "opportunity"))?,
            )
        }
        None => None,
    };

    for value in moved_values {
        let target = match value.target {
            Target::Contact => Some(("contacts", contact_id.clone())),
            Target::Account => account_id.clone().map(|a| ("accounts", a)),
            Target::Opportunity => opportunity_id.clone().map(|o| ("opportunities", o)),
            Target::Notes => None,
        };
        match target.zip(value.field_id.clone()) {
            Some(((entity, record), field_id)) => {
                let taken: bool = conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM custom_values
                          WHERE entity = ?1 AND entity_id = ?2 AND field_id = ?3)",
                    )?
                    .query_row((entity, &record, &field_id), |r| r.get(0))?;
                if taken {
                    leftover_notes.push(value.as_note());
                } else {
                    w.insert(
                        "custom_values",
                        &crate::new_id(),
                        &[
                            ("field_id", Value::Text(field_id)),
                            ("entity", Value::Text(entity.to_owned())),
                            ("entity_id", Value::Text(record.clone())),
                            ("value", value.value.clone()),
                            ("currency", text(&value.currency)),
                        ],
                    )?;
                    match entity {
                        "contacts" => w.reindex_later("contacts", &record),
                        "accounts" => w.reindex_later("accounts", &record),
                        _ => {}
                    }
                }
            }
            None => leftover_notes.push(value.as_note()),
        }
    }
    if !leftover_notes.is_empty() {
        let old: Option<String> = conn
            .prepare_cached("SELECT notes FROM contacts WHERE id = ?1")?
            .query_row([&contact_id], |r| r.get(0))?;
        let extra = format!("From the lead:\n{}", leftover_notes.join("\n"));
        let notes = match old {
            Some(old) => format!("{old}\n\n{extra}"),
            None => extra,
        };
        w.update("contacts", &contact_id, &[("notes", Value::Text(notes))])?;
    }
    crate::records::fields::clear(w, TABLE, id)?;
    crate::records::tags::clear(w, TABLE, id)?;

    // The history.
    let mut targets = vec![RecordRef {
        entity: "contacts".into(),
        id: contact_id.clone(),
    }];
    if let Some(a) = &account_id {
        targets.push(RecordRef {
            entity: "accounts".into(),
            id: a.clone(),
        });
    }
    if let Some(o) = &opportunity_id {
        targets.push(RecordRef {
            entity: "opportunities".into(),
            id: o.clone(),
        });
    }
    let moved = crate::activities::activity::relink(
        w,
        &RecordRef {
            entity: TABLE.into(),
            id: id.to_owned(),
        },
        &targets,
    )?;

    w.update(
        TABLE,
        id,
        &[
            (
                "status",
                Value::Text(LeadStatus::Converted.as_str().to_owned()),
            ),
            ("converted_at", Value::Text(w.now().to_owned())),
            ("converted_account_id", text(&account_id)),
            ("converted_contact_id", Value::Text(contact_id.clone())),
            ("converted_opportunity_id", text(&opportunity_id)),
        ],
    )?;
    w.reindex_later(TABLE, id);
    w.emit(&Event::LeadConverted {
        lead_id: id.to_owned(),
        account_id: account_id.clone(),
        contact_id: contact_id.clone(),
        opportunity_id: opportunity_id.clone(),
    })?;
    Ok((
        account_id,
        account_created,
        contact_id,
        contact_created,
        opportunity_id,
        moved as i64,
    ))
}

fn plan_name(lead: &Lead) -> String {
    match &lead.company {
        Some(company) => format!("{company}: {}", lead.name),
        None => lead.name.clone(),
    }
}

/// Names the part of the conversion that failed: `contact: emails.0.address: ...`.
fn prefix(e: Error, part: &str) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|f| {
                    crate::kernel::error::FieldError::new(format!("{part}.{}", f.field), f.message)
                })
                .collect(),
        ),
        other => other,
    }
}

enum Target {
    Contact,
    Account,
    Opportunity,
    Notes,
}

struct MovedValue {
    label: String,
    field_id: Option<String>,
    target: Target,
    value: Value,
    currency: Option<String>,
}

impl MovedValue {
    fn as_note(&self) -> String {
        let shown = match &self.value {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => match &self.currency {
                Some(c) => {
                    crate::kernel::money::format_plain(&Money {
                        amount_minor: *n,
                        currency: c.clone(),
                    }) + " "
                        + c
                }
                None => n.to_string(),
            },
            Value::Real(r) => r.to_string(),
            _ => String::new(),
        };
        format!("{}: {shown}", self.label)
    }
}

/// Where each of the lead's custom values goes: the first of the contact's, account's and
/// deal's fields with the same label and kind; the notes otherwise.
fn custom_targets(conn: &Connection, id: &str) -> Result<Vec<MovedValue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.label, f.kind, v.value, v.currency,
                (SELECT t.entity || ' ' || t.id FROM custom_fields t
                  WHERE t.entity IN ('contacts', 'accounts', 'opportunities')
                    AND t.archived_at IS NULL AND t.kind = f.kind AND t.label = f.label COLLATE NOCASE
                  ORDER BY CASE t.entity WHEN 'contacts' THEN 0 WHEN 'accounts' THEN 1 ELSE 2 END
                  LIMIT 1)
           FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
          WHERE v.entity = 'leads' AND v.entity_id = ?1 AND f.archived_at IS NULL
          ORDER BY f.position",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Value>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (label, kind, value, currency, target) = row?;
        let (target, field_id) = match target.as_deref().and_then(|t| t.split_once(' ')) {
            Some(("contacts", f)) => (Target::Contact, Some(f.to_owned())),
            Some(("accounts", f)) => (Target::Account, Some(f.to_owned())),
            Some((_, f)) => (Target::Opportunity, Some(f.to_owned())),
            None => (Target::Notes, None),
        };
        // Multi-select values are JSON arrays and checkboxes 0/1: shown readably in notes.
        let value = match (kind.as_str(), &value, &target) {
            ("multi_select", Value::Text(t), Target::Notes) => Value::Text(
                serde_json::from_str::<Vec<String>>(t)
                    .map(|v| v.join(", "))
                    .unwrap_or_else(|_| t.clone()),
            ),
            ("checkbox", Value::Integer(n), Target::Notes) => {
                Value::Text(if *n != 0 { "yes" } else { "no" }.into())
            }
            _ => value,
        };
        out.push(MovedValue {
            label,
            field_id,
            target,
            value,
            currency,
        });
    }
    Ok(out)
}
