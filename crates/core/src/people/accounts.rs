//! Accounts: the companies and organisations the business deals with.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Money, MoneyInput};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::records::fields::CustomValues;
use crate::records::list::{CommonFilters, ListShape, ListSql, Page, SortDirection};
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::search;
use crate::store::writer::{Writer, int, text};

pub(crate) const TABLE: &str = "accounts";

/// A postal address; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// What the business is to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountType {
    Prospect,
    Customer,
    Partner,
    Vendor,
}

impl AccountType {
    pub const ALL: [AccountType; 4] = [
        AccountType::Prospect,
        AccountType::Customer,
        AccountType::Partner,
        AccountType::Vendor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Prospect => "prospect",
            AccountType::Customer => "customer",
            AccountType::Partner => "partner",
            AccountType::Vendor => "vendor",
        }
    }

    pub fn parse(text: &str) -> Option<AccountType> {
        AccountType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Turnover bands offered in forms and segments (free text is accepted too).
pub const TURNOVER_BANDS: &[&str] = &["< 1M", "1M - 10M", "10M - 50M", "50M - 250M", "> 250M"];
/// Employee bands offered in forms and segments (free text is accepted too).
pub const EMPLOYEE_BANDS: &[&str] = &["1 - 9", "10 - 49", "50 - 249", "250 - 999", "1000+"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub address: Address,
    pub annual_revenue: Option<Money>,
    #[ts(type = "number | null")]
    pub employee_count: Option<i64>,
    pub notes: Option<String>,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub account_type: Option<AccountType>,
    pub turnover_band: Option<String>,
    pub employee_band: Option<String>,
    pub parent_id: Option<String>,
    pub parent_name: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub tags: Vec<String>,
    /// Custom field values by field id.
    pub custom: CustomValues,
    /// How many contacts work at this account.
    #[ts(type = "number")]
    pub contact_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to create an account or to save an edited one (all fields replace
/// the stored ones; unchanged values are not logged as changes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AccountInput {
    pub name: String,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub address: Address,
    pub annual_revenue: Option<MoneyInput>,
    #[ts(type = "number | null")]
    pub employee_count: Option<i64>,
    pub notes: Option<String>,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub account_type: Option<AccountType>,
    pub turnover_band: Option<String>,
    pub employee_band: Option<String>,
    /// The parent company's account id.
    pub parent_id: Option<String>,
    /// A team member's id.
    pub owner_id: Option<String>,
    pub tags: Vec<String>,
    /// Custom field values by field id; every active field not named here is cleared.
    pub custom: CustomValues,
}

/// One row of the accounts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountSummary {
    pub id: String,
    pub name: String,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    #[ts(type = "number")]
    pub contact_count: i64,
    /// Custom field values by field id.
    pub custom: CustomValues,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccountSort {
    #[default]
    Name,
    Industry,
    City,
    Phone,
    ContactCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AccountQuery {
    pub sort: AccountSort,
    pub direction: SortDirection,
    /// Keeps accounts found by this text (name, website, industry, city, phone).
    pub search: Option<String>,
    /// Only the sub-accounts of this account.
    pub parent_id: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    /// Only accounts of this type.
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub account_type: Option<AccountType>,
    /// Only accounts in this industry (any case).
    pub industry: Option<String>,
    /// Sort by this custom field (its id) instead of `sort`.
    pub sort_field: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// At most this many rows (default 500, at most 5000).
    pub limit: Option<u32>,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
    tags: Vec<String>,
    custom: crate::records::fields::Checked,
}

fn check(conn: &Connection, id: Option<&str>, input: &AccountInput) -> Result<Valid> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let industry = c.text("industry", &input.industry, SHORT_TEXT_MAX);
    let website = c.website("website", &input.website);
    let phone = c
        .text("phone", &input.phone, SHORT_TEXT_MAX)
        .map(|p| c.phone("phone", &p));
    let a = &input.address;
    let street = c.text("address.street", &a.street, 500);
    let city = c.text("address.city", &a.city, SHORT_TEXT_MAX);
    let region = c.text("address.region", &a.region, SHORT_TEXT_MAX);
    let postal_code = c.text("address.postal_code", &a.postal_code, 40);
    let country = c.text("address.country", &a.country, SHORT_TEXT_MAX);
    let revenue = match &input.annual_revenue {
        Some(m) if !m.amount.trim().is_empty() => match m.parse("annual_revenue") {
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
    if let Some(n) = input.employee_count.filter(|n| *n < 0) {
        c.fail("employee_count", format!("{n} is below zero"));
    }
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let turnover_band = c.text("turnover_band", &input.turnover_band, 40);
    let employee_band = c.text("employee_band", &input.employee_band, 40);
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let parent_id = input
        .parent_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(parent) = parent_id {
        check_parent(&mut c, conn, id, parent)?;
    }
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, id, &input.custom)?;
    c.finish()?;
    let phone_country = crate::store::settings::default_country(conn)?;
    let normalized = phone
        .as_deref()
        .and_then(|p| crate::kernel::phone::normalize(p, phone_country.as_deref()));
    Ok(Valid {
        fields: vec![
            ("name", Value::Text(name)),
            ("industry", text(&industry)),
            ("website", text(&website)),
            ("phone", text(&phone)),
            (
                "phone_e164",
                text(&normalized.as_ref().map(|n| n.e164.clone())),
            ),
            ("phone_national", text(&normalized.map(|n| n.national))),
            ("address_street", text(&street)),
            ("address_city", text(&city)),
            ("address_region", text(&region)),
            ("address_postal_code", text(&postal_code)),
            ("address_country", text(&country)),
            (
                "annual_revenue_minor",
                int(revenue.as_ref().map(|m| m.amount_minor)),
            ),
            (
                "annual_revenue_currency",
                text(&revenue.map(|m| m.currency)),
            ),
            ("employee_count", int(input.employee_count)),
            ("notes", text(&notes)),
            (
                "type",
                text(&input.account_type.map(|t| t.as_str().to_owned())),
            ),
            ("turnover_band", text(&turnover_band)),
            ("employee_band", text(&employee_band)),
            ("parent_id", text(&parent_id.map(str::to_owned))),
            ("owner_id", text(&owner_id)),
        ],
        tags,
        custom,
    })
}

/// The parent must exist, and must not be the account itself or one of its own subsidiaries.
fn check_parent(c: &mut Checker, conn: &Connection, id: Option<&str>, parent: &str) -> Result<()> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)")?
        .query_row([parent], |r| r.get(0))?;
    if !exists {
        c.fail("parent_id", format!("no account with id {parent} exists"));
        return Ok(());
    }
    if let Some(id) = id {
        let cycle: bool = conn
            .prepare_cached(
                "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT a.parent_id FROM accounts a
                   JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)
                 SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)",
            )?
            .query_row((parent, id), |r| r.get(0))?;
        if cycle {
            c.fail(
                "parent_id",
                "an account cannot belong to itself or to one of its own subsidiaries",
            );
        }
    }
    Ok(())
}

/// Creates an account inside a larger write; returns its id.
pub fn create_in(w: &Writer<'_>, input: &AccountInput) -> Result<String> {
    let valid = check(w.conn(), None, input)?;
    let id = crate::new_id();
    w.insert(TABLE, &id, &valid.fields)?;
    crate::records::tags::set(w, TABLE, &id, &valid.tags)?;
    crate::records::fields::save(w, TABLE, &id, valid.custom)?;
    w.reindex_later(TABLE, &id);
    Ok(id)
}

pub fn create(db: &mut Db, input: &AccountInput) -> Result<Account> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

pub fn update(db: &mut Db, id: &str, input: &AccountInput) -> Result<Account> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

/// Saves an edited account inside a larger write.
pub fn update_in(w: &Writer<'_>, id: &str, input: &AccountInput) -> Result<()> {
    let valid = check(w.conn(), Some(id), input)?;
    let old_name = get(w.conn(), id)?.name;
    crate::records::tags::set(w, TABLE, id, &valid.tags)?;
    crate::records::fields::save(w, TABLE, id, valid.custom)?;
    w.reindex_later(TABLE, id);
    if w.update(TABLE, id, &valid.fields)? {
        w.reindex_later(TABLE, id);
        if get(w.conn(), id)?.name != old_name {
            // Contacts show their account's name in search results.
            for contact_id in contact_ids(w.conn(), id)? {
                w.reindex_later(crate::people::contacts::TABLE, &contact_id);
            }
        }
    }
    Ok(())
}

fn contact_ids(conn: &Connection, account_id: &str) -> Result<Vec<String>> {
    let ids = conn
        .prepare_cached("SELECT id FROM contacts WHERE account_id = ?1")?
        .query_map([account_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The accounts whose parent is `id`.
pub fn sub_account_ids(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let ids = conn
        .prepare_cached(
            "SELECT id FROM accounts WHERE parent_id = ?1 ORDER BY name COLLATE NOCASE",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Deletes the account. Its contacts, sub-accounts, deals, tickets, quotes and orders are
/// kept, unlinked from it (all logged); an account with issued invoices or a service
/// agreement is refused with the reason.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// Deletes an account inside a larger write (contacts and subsidiaries are kept, unlinked).
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    get(w.conn(), id)?;
    // Contacts, sub-accounts, deals, tickets, quotes and orders stay, unlinked; issued
    // invoices and service agreements refuse the delete (`links::LINKS`).
    crate::store::links::release(w, TABLE, id)?;
    w.emit(&Event::RecordDeleted {
        kind: TABLE,
        id: id.to_owned(),
    })?;
    w.delete(TABLE, id)?;
    search::remove(w.conn(), TABLE, id)
}

const SELECT: &str = "SELECT a.id, a.name, a.industry, a.website, a.phone,
        a.address_street, a.address_city, a.address_region, a.address_postal_code, a.address_country,
        a.annual_revenue_minor, a.annual_revenue_currency, a.employee_count, a.notes,
        (SELECT count(*) FROM contacts c WHERE c.account_id = a.id) AS contact_count,
        a.created_at, a.updated_at, a.type, a.turnover_band, a.employee_band, a.parent_id,
        p.name AS parent_name, a.owner_id, t.name AS owner_name
   FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id
   LEFT JOIN team_members t ON t.id = a.owner_id";

/// An account of a [`SELECT`] row, read by column name.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let minor: Option<i64> = row.get("annual_revenue_minor")?;
    let currency: Option<String> = row.get("annual_revenue_currency")?;
    Ok(Account {
        id: row.get("id")?,
        name: row.get("name")?,
        industry: row.get("industry")?,
        website: row.get("website")?,
        phone: row.get("phone")?,
        address: Address {
            street: row.get("address_street")?,
            city: row.get("address_city")?,
            region: row.get("address_region")?,
            postal_code: row.get("address_postal_code")?,
            country: row.get("address_country")?,
        },
        annual_revenue: Money::stored(minor, currency),
        employee_count: row.get("employee_count")?,
        notes: row.get("notes")?,
        contact_count: row.get("contact_count")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        account_type: row
            .get::<_, Option<String>>("type")?
            .and_then(|t| AccountType::parse(&t)),
        turnover_band: row.get("turnover_band")?,
        employee_band: row.get("employee_band")?,
        parent_id: row.get("parent_id")?,
        parent_name: row.get("parent_name")?,
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        tags: Vec::new(),
        custom: CustomValues::new(),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Account> {
    let mut account = conn
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("account", id))?;
    account.tags = crate::records::tags::of(conn, TABLE, id)?;
    account.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    Ok(account)
}

/// Accounts whose name equals `name`, ignoring case and surrounding spaces.
pub fn find_by_name(conn: &Connection, name: &str) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE a.name = ?1 COLLATE NOCASE ORDER BY a.created_at"
    ))?;
    let rows = stmt.query_map([name.trim()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The list's columns and tables.
const LIST_SQL: ListShape = ListShape {
    columns:
        "a.id, a.name, a.industry, a.website, a.phone, a.address_city, a.address_country,
         (SELECT count(*) FROM contacts c WHERE c.account_id = a.id) AS contact_count, a.updated_at",
    column_count: 9,
    from: "accounts a",
    count_from: "accounts a",
};

pub fn list(conn: &Connection, query: &AccountQuery) -> Result<Page<AccountSummary>> {
    let keys: &[&str] = match query.sort {
        AccountSort::Name => &["a.name COLLATE NOCASE"],
        AccountSort::Industry => &["ifnull(a.industry, '') COLLATE NOCASE"],
        AccountSort::City => &["ifnull(a.address_city, '') COLLATE NOCASE"],
        AccountSort::Phone => &["ifnull(a.phone, '')"],
        AccountSort::ContactCount => {
            &["(SELECT count(*) FROM contacts c WHERE c.account_id = a.id)"]
        }
        AccountSort::CreatedAt => &["a.created_at"],
        AccountSort::UpdatedAt => &["a.updated_at"],
    };
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "a",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        query.search.as_deref(),
        &query.filters,
    )?;
    if let Some(parent) = query.parent_id.as_deref().filter(|p| !p.is_empty()) {
        sql.filter("a.parent_id = ?", [Value::Text(parent.to_owned())]);
    }
    if let Some(t) = query.account_type {
        sql.filter("a.type = ?", [Value::Text(t.as_str().to_owned())]);
    }
    if let Some(industry) = query
        .industry
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        sql.filter(
            "a.industry = ? COLLATE NOCASE",
            [Value::Text(industry.to_owned())],
        );
    }
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        |row| {
            Ok(AccountSummary {
                id: row.get("id")?,
                name: row.get("name")?,
                industry: row.get("industry")?,
                website: row.get("website")?,
                phone: row.get("phone")?,
                city: row.get("address_city")?,
                country: row.get("address_country")?,
                contact_count: row.get("contact_count")?,
                updated_at: row.get("updated_at")?,
                custom: CustomValues::new(),
            })
        },
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}

/// Finds the one account named `name` (any case) or creates it; returns its id and whether it
/// was created. Several accounts with that name is a [`Error::Conflict`], since picking one
/// would be a guess.
pub fn find_or_create_by_name(w: &Writer<'_>, name: &str) -> Result<(String, bool)> {
    // Only the ids: an import asks this once per row.
    let found: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM accounts WHERE name = ?1 COLLATE NOCASE")?
        .query_map([name.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match found.as_slice() {
        [] => {
            let input = AccountInput {
                name: name.to_owned(),
                ..Default::default()
            };
            Ok((create_in(w, &input)?, true))
        }
        [one] => Ok((one.clone(), false)),
        many => Err(Error::Conflict(format!(
            "{} accounts are named \"{}\"; name the one you mean by its id",
            many.len(),
            name.trim()
        ))),
    }
}

impl From<&Account> for AccountInput {
    /// The account's values as they would be entered in the edit form.
    fn from(a: &Account) -> Self {
        AccountInput {
            name: a.name.clone(),
            industry: a.industry.clone(),
            website: a.website.clone(),
            phone: a.phone.clone(),
            address: a.address.clone(),
            annual_revenue: a.annual_revenue.as_ref().map(|m| MoneyInput {
                amount: crate::kernel::money::format_plain(m),
                currency: m.currency.clone(),
            }),
            employee_count: a.employee_count,
            notes: a.notes.clone(),
            account_type: a.account_type,
            turnover_band: a.turnover_band.clone(),
            employee_band: a.employee_band.clone(),
            parent_id: a.parent_id.clone(),
            owner_id: a.owner_id.clone(),
            tags: a.tags.clone(),
            custom: a.custom.clone(),
        }
    }
}

impl crate::records::fields::WithCustom for AccountSummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}

/// The fields a merge of two accounts lets the user take from either side (`address` is the
/// whole postal address, `annual_revenue` the amount with its currency).
pub const MERGE_FIELDS: &[&str] = &[
    "name",
    "industry",
    "website",
    "phone",
    "address",
    "annual_revenue",
    "employee_count",
    "type",
    "turnover_band",
    "employee_band",
    "parent_id",
    "owner_id",
    "notes",
];

/// What merging two accounts did; `batch_id` undoes it (`changelog::undo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountMergeResult {
    pub survivor: Account,
    pub merged_id: String,
    pub batch_id: String,
}

/// Merges the account `other` into `survivor` in one transaction: each field of
/// [`MERGE_FIELDS`] from the side the user picked (unpicked: the survivor's, or the other's
/// where the survivor has none; notes: both), tags and custom values united (the survivor's
/// value wins), and everything that pointed at `other` (contacts, sub-accounts, deals,
/// tickets, quotes, orders, invoices, activities, campaign and list memberships) moved to
/// `survivor`; then `other` is deleted. Undone as one action.
pub fn merge(
    db: &mut Db,
    survivor_id: &str,
    other_id: &str,
    choices: &crate::people::contacts::MergeChoices,
) -> Result<AccountMergeResult> {
    use crate::people::contacts::MergeSide;
    if survivor_id == other_id {
        return Err(Error::invalid(
            "other",
            "an account cannot be merged into itself",
        ));
    }
    if let Some(field) = choices
        .fields
        .keys()
        .find(|f| !MERGE_FIELDS.contains(&f.as_str()))
    {
        // Named as the command line's flag; the window only offers the fields above.
        return Err(Error::invalid(
            "take",
            format!(
                "\"{field}\" is not a field a merge can take; use one of {}",
                MERGE_FIELDS.join(", ")
            ),
        ));
    }
    let batch_id = db.write(|w| {
        let survivor = get(w.conn(), survivor_id)?;
        let other = get(w.conn(), other_id)?;
        w.describe(format!("Merged {} into {}", other.name, survivor.name));
        let from_other = |field: &str, survivor_has: bool| match choices.fields.get(field) {
            Some(side) => *side == MergeSide::Other,
            None => !survivor_has,
        };
        let s = AccountInput::from(&survivor);
        let o = AccountInput::from(&other);
        let pick = |field: &str, s: &Option<String>, o: &Option<String>| {
            let has = s.as_deref().is_some_and(|v| !v.trim().is_empty());
            if from_other(field, has) {
                o.clone()
            } else {
                s.clone()
            }
        };
        let address_empty = |a: &Address| {
            [&a.street, &a.city, &a.region, &a.postal_code, &a.country]
                .iter()
                .all(|p| p.as_deref().is_none_or(|v| v.trim().is_empty()))
        };
        let notes = match (choices.fields.get("notes"), &s.notes, &o.notes) {
            (None, Some(a), Some(b)) if a.trim() != b.trim() => Some(format!("{a}\n\n{b}")),
            _ => pick("notes", &s.notes, &o.notes),
        };
        // Neither account can become the merged one's parent: it would be its own.
        let parent = pick("parent_id", &s.parent_id, &o.parent_id)
            .filter(|p| p != survivor_id && p != other_id);
        let mut tags = s.tags.clone();
        tags.extend(o.tags.iter().filter(|t| !s.tags.contains(t)).cloned());
        let mut custom = o.custom.clone();
        custom.extend(s.custom.clone());
        let input = AccountInput {
            name: if from_other("name", !s.name.trim().is_empty()) {
                o.name.clone()
            } else {
                s.name.clone()
            },
            industry: pick("industry", &s.industry, &o.industry),
            website: pick("website", &s.website, &o.website),
            phone: pick("phone", &s.phone, &o.phone),
            address: if from_other("address", !address_empty(&s.address)) {
                o.address.clone()
            } else {
                s.address.clone()
            },
            annual_revenue: if from_other("annual_revenue", s.annual_revenue.is_some()) {
                o.annual_revenue.clone()
            } else {
                s.annual_revenue.clone()
            },
            employee_count: if from_other("employee_count", s.employee_count.is_some()) {
                o.employee_count
            } else {
                s.employee_count
            },
            account_type: if from_other("type", s.account_type.is_some()) {
                o.account_type
            } else {
                s.account_type
            },
            turnover_band: pick("turnover_band", &s.turnover_band, &o.turnover_band),
            employee_band: pick("employee_band", &s.employee_band, &o.employee_band),
            parent_id: parent,
            owner_id: pick("owner_id", &s.owner_id, &o.owner_id),
            notes,
            tags,
            custom,
        };
        // Everything that pointed at the other account now points at the survivor; the
        // survivor itself, if it was the other's subsidiary, is detached from itself.
        crate::store::links::move_all(w, TABLE, survivor_id, other_id)?;
        w.emit(&Event::RecordsMerged {
            kind: TABLE,
            from: other_id.to_owned(),
            into: survivor_id.to_owned(),
        })?;
        if get(w.conn(), survivor_id)?.parent_id.as_deref() == Some(survivor_id) {
            w.update(TABLE, survivor_id, &[("parent_id", Value::Null)])?;
        }
        w.delete(TABLE, other_id)?;
        search::remove(w.conn(), TABLE, other_id)?;
        // Moved contacts were marked for the search index by `move_all`; the survivor's own
        // follow a change of its name in `update_in`.
        update_in(w, survivor_id, &input)?;
        Ok(w.batch_id().to_owned())
    })?;
    Ok(AccountMergeResult {
        survivor: get(db.conn(), survivor_id)?,
        merged_id: other_id.to_owned(),
        batch_id,
    })
}
