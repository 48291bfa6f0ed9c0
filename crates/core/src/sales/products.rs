//! The product catalogue: what the business sells, with its unit price and tax rate. Quotes,
//! orders and invoices copy a product's details into their lines, so later price changes never
//! alter a document already made.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::{Money, MoneyInput};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::{Writer, text};

pub(crate) const TABLE: &str = "products";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    /// `hour`, `piece`, `month`, ...
    pub unit: Option<String>,
    pub unit_price: Money,
    /// Basis points: 1900 = 19%.
    #[ts(type = "number")]
    pub tax_rate_bp: i64,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub unit: Option<String>,
    /// `120.00`, in `currency`.
    pub unit_price: String,
    pub currency: String,
    /// Percent: `19`, `7.5`, `0`.
    pub tax_rate: String,
    /// Default true.
    pub active: Option<bool>,
}

/// A percentage typed by a person (`19`, `7.5`, `0.25`) as basis points; `field` names it.
pub fn percent_bp(field: &str, text: &str) -> Result<i64> {
    let t = text.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(0);
    }
    let bp = crate::kernel::money::parse_minor(t, 2).map_err(|_| {
        Error::invalid(
            field,
            format!("\"{text}\" is not a percentage such as 19 or 7.5"),
        )
    })?;
    if !(0..=10_000).contains(&bp) {
        return Err(Error::invalid(field, "should be between 0 and 100 percent"));
    }
    Ok(bp)
}

fn check(
    conn: &Connection,
    id: Option<&str>,
    input: &ProductInput,
) -> Result<Vec<(&'static str, Value)>> {
    let mut c = Checker::default();
    let sku = c.required("sku", &input.sku, 64);
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let description = c.text("description", &input.description, NOTES_MAX);
    let unit = c.text("unit", &input.unit, 32);
    let price = MoneyInput {
        amount: input.unit_price.clone(),
        currency: input.currency.clone(),
    }
    .parse("unit_price");
    let price = match price {
        Ok(p) if p.amount_minor < 0 => {
            c.fail("unit_price.amount", "is below zero");
            None
        }
        Ok(p) => Some(p),
        Err(e) => {
            for f in e.field_errors() {
                c.fail(&f.field, &f.message);
            }
            None
        }
    };
    let tax = match percent_bp("tax_rate", &input.tax_rate) {
        Ok(bp) => bp,
        Err(e) => {
            for f in e.field_errors() {
                c.fail(&f.field, &f.message);
            }
            0
        }
    };
    let taken: Option<String> = conn
        .prepare_cached(
            "SELECT name FROM products WHERE sku = ?1 COLLATE NOCASE AND id <> ifnull(?2, '')",
        )?
        .query_row((&sku, id), |r| r.get(0))
        .optional()?;
    if let Some(other) = taken {
        c.fail("sku", format!("{sku} is already the SKU of {other}"));
    }
    c.finish()?;
    let price = price.unwrap_or(Money {
        amount_minor: 0,
        currency: "EUR".into(),
    });
    Ok(vec![
        ("sku", Value::Text(sku)),
        ("name", Value::Text(name)),
        ("description", text(&description)),
        ("unit", text(&unit)),
        ("unit_price_minor", Value::Integer(price.amount_minor)),
        ("currency", Value::Text(price.currency)),
        ("tax_rate_bp", Value::Integer(tax)),
        (
            "active",
            Value::Integer(i64::from(input.active.unwrap_or(true))),
        ),
    ])
}

/// Adds a product inside a larger write (an import); returns its id.
pub fn create_in(w: &Writer<'_>, input: &ProductInput) -> Result<String> {
    let fields = check(w.conn(), None, input)?;
    let id = crate::new_id();
    w.insert(TABLE, &id, &fields)?;
    Ok(id)
}

pub fn create(db: &mut Db, input: &ProductInput) -> Result<Product> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

/// Saves a product inside a larger write.
pub fn update_in(w: &Writer<'_>, id: &str, input: &ProductInput) -> Result<()> {
    get(w.conn(), id)?;
    let fields = check(w.conn(), Some(id), input)?;
    w.update(TABLE, id, &fields)?;
    Ok(())
}

pub fn update(db: &mut Db, id: &str, input: &ProductInput) -> Result<Product> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

const SELECT: &str = "SELECT id, sku, name, description, unit, unit_price_minor, currency,
        tax_rate_bp, active, created_at, updated_at FROM products";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get("id")?,
        sku: r.get("sku")?,
        name: r.get("name")?,
        description: r.get("description")?,
        unit: r.get("unit")?,
        unit_price: Money {
            amount_minor: r.get("unit_price_minor")?,
            currency: r.get("currency")?,
        },
        tax_rate_bp: r.get("tax_rate_bp")?,
        active: r.get("active")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Product> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("product", id))
}

/// The product with this SKU (any case), or with this id.
pub fn find(conn: &Connection, sku_or_id: &str) -> Result<Option<Product>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE sku = ?1 COLLATE NOCASE OR id = ?1 ORDER BY sku = ?1 COLLATE NOCASE DESC LIMIT 1"
        ))?
        .query_row([sku_or_id.trim()], from_row)
        .optional()?)
}

/// The catalogue by name; words of `search` match the SKU or name (any case); inactive
/// products only with `include_inactive`.
pub fn list(
    conn: &Connection,
    search: Option<&str>,
    include_inactive: bool,
) -> Result<Vec<Product>> {
    let pattern = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(crate::records::list::contains_pattern);
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE (?1 OR active = 1)
            AND (?2 IS NULL OR sku LIKE ?2 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\')
          ORDER BY name COLLATE NOCASE LIMIT 1000"
    ))?;
    let rows = stmt.query_map((include_inactive, pattern), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
