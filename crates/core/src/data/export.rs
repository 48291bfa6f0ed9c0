//! CSV exports, one entity per file, that open cleanly in LibreOffice and Excel (UTF-8 with a
//! byte-order mark, a header row, one record per row, custom fields as columns) and are safe
//! to open: a cell that would start a formula (`=`, `+`, `-`, `@`, tab, carriage return) is
//! written with a leading apostrophe, as OWASP advises, unless it is a plain number.

use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::records::fields::CustomValues;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportEntity {
    Contacts,
    Accounts,
    Opportunities,
    Activities,
    Leads,
    Products,
}

impl ExportEntity {
    pub fn parse(text: &str) -> Option<ExportEntity> {
        match text.trim().to_lowercase().as_str() {
            "contacts" | "contact" => Some(ExportEntity::Contacts),
            "accounts" | "account" => Some(ExportEntity::Accounts),
            "opportunities" | "opportunity" | "deals" | "deal" => Some(ExportEntity::Opportunities),
            "activities" | "activity" => Some(ExportEntity::Activities),
            "leads" | "lead" => Some(ExportEntity::Leads),
            "products" | "product" => Some(ExportEntity::Products),
            _ => None,
        }
    }

    fn table(self) -> &'static str {
        match self {
            ExportEntity::Contacts => "contacts",
            ExportEntity::Accounts => "accounts",
            ExportEntity::Opportunities => "opportunities",
            ExportEntity::Activities => "activities",
            ExportEntity::Leads => "leads",
            ExportEntity::Products => "products",
        }
    }
}

pub use crate::kernel::files::safe_cell;

fn custom_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Json::Array(items) => items.iter().map(custom_text).collect::<Vec<_>>().join(", "),
        Json::Object(o) => match (
            o.get("amount_minor").and_then(Json::as_i64),
            o.get("currency").and_then(Json::as_str),
        ) {
            (Some(minor), Some(cur)) => format!(
                "{} {cur}",
                crate::kernel::money::format_plain(&crate::kernel::money::Money {
                    amount_minor: minor,
                    currency: cur.to_owned()
                })
            ),
            _ => v.to_string(),
        },
        other => other.to_string(),
    }
}

/// The SQL for each entity: id first, then the columns people read.
fn query(entity: ExportEntity) -> &'static str {
    match entity {
        ExportEntity::Contacts => {
            "SELECT c.id, c.first_name, c.last_name, c.title, a.name,
                (SELECT group_concat(address, '; ') FROM (SELECT address FROM contact_emails WHERE contact_id = c.id ORDER BY position)),
                (SELECT group_concat(number, '; ') FROM (SELECT number FROM contact_phones WHERE contact_id = c.id ORDER BY position)),
                ad.street, ad.city, ad.region, ad.postal_code, ad.country,
                c.birthday, c.lead_source, t.name, c.preferred_channel,
                CASE WHEN c.do_not_email_since IS NULL THEN '' ELSE 'yes' END,
                CASE WHEN c.do_not_call_since IS NULL THEN '' ELSE 'yes' END,
                (SELECT group_concat(name, ', ') FROM (SELECT tg.name FROM taggings g JOIN tags tg ON tg.id = g.tag_id
                  WHERE g.entity = 'contacts' AND g.entity_id = c.id ORDER BY tg.name)),
                c.notes, c.created_at, c.updated_at
               FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
               LEFT JOIN team_members t ON t.id = c.owner_id
               LEFT JOIN contact_addresses ad ON ad.id = (SELECT id FROM contact_addresses WHERE contact_id = c.id ORDER BY position LIMIT 1)
              ORDER BY c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.id"
        }
        ExportEntity::Accounts => {
            "SELECT a.id, a.name, a.type, a.industry, a.website, a.phone, a.address_street, a.address_city,
                a.address_region, a.address_postal_code, a.address_country, a.annual_revenue_minor,
                a.annual_revenue_currency, a.employee_count, p.name, t.name,
                (SELECT group_concat(name, ', ') FROM (SELECT tg.name FROM taggings g JOIN tags tg ON tg.id = g.tag_id
                  WHERE g.entity = 'accounts' AND g.entity_id = a.id ORDER BY tg.name)),
                a.notes, a.created_at, a.updated_at
               FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id
               LEFT JOIN team_members t ON t.id = a.owner_id
              ORDER BY a.name COLLATE NOCASE, a.id"
        }
        ExportEntity::Opportunities => {
            "SELECT o.id, o.name, a.name, pl.name, s.name, o.amount_minor, o.currency,
                CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END,
                o.expected_close, o.closed_on, r.name, t.name, o.next_step, o.source,
                (SELECT group_concat(name, ', ') FROM (SELECT tg.name FROM taggings g JOIN tags tg ON tg.id = g.tag_id
                  WHERE g.entity = 'opportunities' AND g.entity_id = o.id ORDER BY tg.name)),
                o.notes, o.created_at, o.updated_at
               FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
               JOIN pipelines pl ON pl.id = o.pipeline_id
               LEFT JOIN accounts a ON a.id = o.account_id
               LEFT JOIN lost_reasons r ON r.id = o.lost_reason_id
               LEFT JOIN team_members t ON t.id = o.owner_id
              ORDER BY o.created_at, o.id"
        }
        ExportEntity::Leads => {
            "SELECT l.id, l.name, l.company, l.title, l.email, l.phone, l.website, l.source,
                l.status, l.rating, l.estimated_minor, l.estimated_currency, t.name,
                substr(l.converted_at, 1, 10),
                (SELECT group_concat(name, ', ') FROM (SELECT tg.name FROM taggings g
                   JOIN tags tg ON tg.id = g.tag_id
                  WHERE g.entity = 'leads' AND g.entity_id = l.id ORDER BY tg.name)),
                l.notes, l.created_at, l.updated_at
               FROM leads l LEFT JOIN team_members t ON t.id = l.owner_id
              ORDER BY l.created_at, l.id"
        }
        ExportEntity::Products => {
            "SELECT id, sku, name, description, unit, unit_price_minor, currency,
                printf('%g', tax_rate_bp / 100.0), CASE active WHEN 1 THEN 'yes' ELSE 'no' END,
                created_at, updated_at
               FROM products ORDER BY sku COLLATE NOCASE, id"
        }
        ExportEntity::Activities => {
            "SELECT x.id, x.kind, x.subject, x.starts_at, x.duration_minutes, x.done_at, x.channel,
                x.direction, x.outcome, x.location, s.rrule, x.notes, x.created_at, x.updated_at
               FROM activities x LEFT JOIN activity_series s ON s.id = x.series_id
              ORDER BY coalesce(x.starts_at, x.created_at), x.id"
        }
    }
}

const CONTACT_HEADERS: &[&str] = &[
    "Id",
    "First name",
    "Last name",
    "Title",
    "Company",
    "E-mails",
    "Phones",
    "Street",
    "City",
    "Region",
    "Postal code",
    "Country",
    "Birthday",
    "Lead source",
    "Owner",
    "Preferred channel",
    "Do not e-mail",
    "Do not call",
    "Tags",
    "Notes",
    "Created",
    "Updated",
];
const ACCOUNT_HEADERS: &[&str] = &[
    "Id",
    "Name",
    "Type",
    "Industry",
    "Website",
    "Phone",
    "Street",
    "City",
    "Region",
    "Postal code",
    "Country",
    "Annual revenue",
    "Revenue currency",
    "Employees",
    "Parent company",
    "Owner",
    "Tags",
    "Notes",
    "Created",
    "Updated",
];
const DEAL_HEADERS: &[&str] = &[
    "Id",
    "Name",
    "Account",
    "Pipeline",
    "Stage",
    "Amount",
    "Currency",
    "Probability %",
    "Expected close",
    "Closed on",
    "Lost reason",
    "Owner",
    "Next step",
    "Source",
    "Tags",
    "Notes",
    "Created",
    "Updated",
];
/// Named as `rapport import leads` reads them back.
/// Read back by `rapport import products` (the headers are the import's field names).
const PRODUCT_HEADERS: &[&str] = &[
    "ID",
    "SKU",
    "Name",
    "Description",
    "Unit",
    "Unit price",
    "Currency",
    "Tax rate",
    "Active",
    "Created",
    "Updated",
];

const LEAD_HEADERS: &[&str] = &[
    "Id",
    "Name",
    "Company",
    "Title",
    "E-mail",
    "Phone",
    "Website",
    "Source",
    "Status",
    "Rating",
    "Estimated value",
    "Currency",
    "Owner",
    "Converted on",
    "Tags",
    "Notes",
    "Created",
    "Updated",
];
const ACTIVITY_HEADERS: &[&str] = &[
    "Id",
    "Type",
    "Subject",
    "Starts",
    "Duration (min)",
    "Done",
    "Channel",
    "Direction",
    "Outcome",
    "Location",
    "Repeats",
    "Notes",
    "Created",
    "Updated",
];

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CsvReport {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// Writes one entity as CSV to `path` (whole or not at all).
pub fn csv(conn: &Connection, entity: ExportEntity, path: &Path) -> Result<CsvReport> {
    let custom = if matches!(entity, ExportEntity::Activities | ExportEntity::Products) {
        Vec::new()
    } else {
        crate::records::fields::list(conn, entity.table())?
    };
    let (headers, money_at): (&[&str], Option<usize>) = match entity {
        ExportEntity::Contacts => (CONTACT_HEADERS, None),
        ExportEntity::Accounts => (ACCOUNT_HEADERS, Some(11)),
        ExportEntity::Opportunities => (DEAL_HEADERS, Some(5)),
        ExportEntity::Activities => (ACTIVITY_HEADERS, None),
        ExportEntity::Leads => (LEAD_HEADERS, Some(10)),
        ExportEntity::Products => (PRODUCT_HEADERS, Some(5)),
    };
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| Error::Internal(format!("could not write CSV: {e}"));
    let mut head: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    head.extend(custom.iter().map(|f| f.label.clone()));
    out.write_record(&head).map_err(fail)?;
    let mut stmt = conn.prepare(query(entity))?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let mut cells: Vec<String> = Vec::with_capacity(head.len());
        for i in 0..headers.len() {
            let v: rusqlite::types::Value = r.get(i)?;
            let text = match v {
                rusqlite::types::Value::Null => String::new(),
                rusqlite::types::Value::Integer(x) if Some(i) == money_at => {
                    let currency: Option<String> = r.get(i + 1)?;
                    crate::kernel::money::format_plain(&crate::kernel::money::Money {
                        amount_minor: x,
                        currency: currency.unwrap_or_else(|| "EUR".into()),
                    })
                }
                rusqlite::types::Value::Integer(x) => x.to_string(),
                rusqlite::types::Value::Real(x) => x.to_string(),
                rusqlite::types::Value::Text(s) => s,
                rusqlite::types::Value::Blob(_) => String::new(),
            };
            cells.push(safe_cell(&text));
        }
        if !custom.is_empty() {
            let id: String = r.get(0)?;
            let values: CustomValues =
                crate::records::fields::values_of(conn, entity.table(), &id)?;
            for f in &custom {
                cells.push(safe_cell(
                    &values.get(&f.id).map(custom_text).unwrap_or_default(),
                ));
            }
        }
        out.write_record(&cells).map_err(fail)?;
        n += 1;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Internal(format!("could not write CSV: {e}")))?;
    crate::kernel::files::write_atomically(path, &bytes)?;
    Ok(CsvReport {
        path: path.display().to_string(),
        rows: n,
    })
}
