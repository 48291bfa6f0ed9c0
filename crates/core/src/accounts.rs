//! Accounts: the companies and organisations the business deals with.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::list::{ListShape, ListSql, Page, SortDirection};
use crate::money::{Money, MoneyInput};
use crate::search;
use crate::store::{Writer, int, text};
use crate::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};

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
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// At most this many rows (default 500, at most 5000).
    pub limit: Option<u32>,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
}

fn check(conn: &Connection, input: &AccountInput) -> Result<Valid> {
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
    c.finish()?;
    let phone_country = crate::settings::default_country(conn)?;
    let normalized = phone
        .as_deref()
        .and_then(|p| crate::phone::normalize(p, phone_country.as_deref()));
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
        ],
    })
}

/// Creates an account inside a larger write; returns its id.
pub fn create_in(w: &Writer<'_>, input: &AccountInput) -> Result<String> {
    let valid = check(w.conn(), input)?;
    let id = crate::new_id();
    w.insert(TABLE, &id, &valid.fields)?;
    w.reindex_later(TABLE, &id);
    Ok(id)
}

pub fn create(db: &mut Db, input: &AccountInput) -> Result<Account> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

pub fn update(db: &mut Db, id: &str, input: &AccountInput) -> Result<Account> {
    db.write(|w| {
        let valid = check(w.conn(), input)?;
        let old_name = get(w.conn(), id)?.name;
        if w.update(TABLE, id, &valid.fields)? {
            w.reindex_later(TABLE, id);
            if get(w.conn(), id)?.name != old_name {
                // Contacts show their account's name in search results.
                for contact_id in contact_ids(w.conn(), id)? {
                    w.reindex_later(crate::contacts::TABLE, &contact_id);
                }
            }
        }
        Ok(())
    })?;
    get(db.conn(), id)
}

fn contact_ids(conn: &Connection, account_id: &str) -> Result<Vec<String>> {
    let ids = conn
        .prepare_cached("SELECT id FROM contacts WHERE account_id = ?1")?
        .query_map([account_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Deletes the account. Its contacts are kept and unlinked from it (both logged).
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| {
        for contact_id in contact_ids(w.conn(), id)? {
            w.update(
                crate::contacts::TABLE,
                &contact_id,
                &[("account_id", Value::Null)],
            )?;
            w.reindex_later(crate::contacts::TABLE, &contact_id);
        }
        w.delete(TABLE, id)?;
        search::remove(w.conn(), TABLE, id)
    })
}

const SELECT: &str = "SELECT a.id, a.name, a.industry, a.website, a.phone,
        a.address_street, a.address_city, a.address_region, a.address_postal_code, a.address_country,
        a.annual_revenue_minor, a.annual_revenue_currency, a.employee_count, a.notes,
        (SELECT count(*) FROM contacts c WHERE c.account_id = a.id),
        a.created_at, a.updated_at
   FROM accounts a";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    let minor: Option<i64> = row.get(10)?;
    let currency: Option<String> = row.get(11)?;
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        industry: row.get(2)?,
        website: row.get(3)?,
        phone: row.get(4)?,
        address: Address {
            street: row.get(5)?,
            city: row.get(6)?,
            region: row.get(7)?,
            postal_code: row.get(8)?,
            country: row.get(9)?,
        },
        annual_revenue: minor.zip(currency).map(|(amount_minor, currency)| Money {
            amount_minor,
            currency,
        }),
        employee_count: row.get(12)?,
        notes: row.get(13)?,
        contact_count: row.get(14)?,
        created_at: row.get(15)?,
        updated_at: row.get(16)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Account> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("account", id))
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
    columns: "a.id, a.name, a.industry, a.website, a.phone, a.address_city, a.address_country,
         (SELECT count(*) FROM contacts c WHERE c.account_id = a.id), a.updated_at",
    column_count: 9,
    from: "accounts a",
    count_from: "accounts a",
};

pub fn list(conn: &Connection, query: &AccountQuery) -> Result<Page<AccountSummary>> {
    let keys: &[&str] = match query.sort {
        AccountSort::Name => &["a.name COLLATE NOCASE"],
        AccountSort::Industry => &["ifnull(a.industry, '') COLLATE NOCASE"],
        AccountSort::City => &["ifnull(a.address_city, '') COLLATE NOCASE"],
        AccountSort::ContactCount => {
            &["(SELECT count(*) FROM contacts c WHERE c.account_id = a.id)"]
        }
        AccountSort::CreatedAt => &["a.created_at"],
        AccountSort::UpdatedAt => &["a.updated_at"],
    };
    let mut sql = ListSql::new(LIST_SQL, keys, "a.id", query.direction);
    if let Some(fts) = query.search.as_deref().and_then(search::fts_query) {
        sql.filter(
            "a.id IN (SELECT d.entity_id FROM search_index
                        JOIN search_docs d ON d.rowid = search_index.rowid
                       WHERE search_index MATCH ? AND d.entity = 'accounts')",
            [Value::Text(fts)],
        );
    }
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::list::limit(query.limit),
        query.after.is_none(),
        |row| {
            Ok(AccountSummary {
                id: row.get(0)?,
                name: row.get(1)?,
                industry: row.get(2)?,
                website: row.get(3)?,
                phone: row.get(4)?,
                city: row.get(5)?,
                country: row.get(6)?,
                contact_count: row.get(7)?,
                updated_at: row.get(8)?,
            })
        },
    )
}

/// Finds the one account named `name` (any case) or creates it; returns its id and whether it
/// was created. Several accounts with that name is a [`Error::Conflict`], since picking one
/// would be a guess.
pub fn find_or_create_by_name(w: &Writer<'_>, name: &str) -> Result<(String, bool)> {
    let found = find_by_name(w.conn(), name)?;
    match found.as_slice() {
        [] => {
            let input = AccountInput {
                name: name.to_owned(),
                ..Default::default()
            };
            Ok((create_in(w, &input)?, true))
        }
        [one] => Ok((one.id.clone(), false)),
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
                amount: crate::money::format_plain(m),
                currency: m.currency.clone(),
            }),
            employee_count: a.employee_count,
            notes: a.notes.clone(),
        }
    }
}
