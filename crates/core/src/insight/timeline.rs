//! The 360-degree timeline: everything that happened to or around one record, newest first.
//!
//! One entry point, [`for_record`], takes any kind of record. Each source of events is a
//! provider below; modules that land later (activities, deals, tickets, invoices) add theirs
//! to [`for_record`] and every record page shows them.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::activities::activity::{
    self, Activity, ActivityChannel, ActivityKind, ActivityQuery, RecordRef,
};
use crate::kernel::error::Result;
use crate::store::changelog::Change;
use crate::store::links;

/// One event on a record's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineItem {
    /// When it happened (UTC, RFC 3339).
    pub at: String,
    /// `history` (the record itself changed), `contact` (a person at this account),
    /// `subsidiary`, and later `activity`, `deal`, `ticket`, `invoice`, ...
    pub kind: String,
    /// One line: "Created", "Edited title and tags", "Ada Lovelace joined".
    pub title: String,
    /// What changed, one line each ("Title: Analyst → Countess").
    pub details: Vec<String>,
    /// The record the event is about, when it is another one (`{entity, id}`).
    pub link_entity: Option<String>,
    pub link_id: Option<String>,
    /// Who made the change: `app`, `cli`, `import`, ...
    pub origin: Option<String>,
    /// The change batch, for undo.
    pub batch_id: Option<String>,
    /// For `activity` items: the activity itself.
    pub activity: Option<Activity>,
}

/// Which events a timeline shows; everything when both lists are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TimelineFilter {
    /// Activity kinds (`call`, `meeting`, ...) and/or `changes` (edits, people joining).
    pub types: Vec<String>,
    /// Only activities through these channels.
    pub channels: Vec<ActivityChannel>,
}

/// The newest `limit` events of a record, strictly before `before` (an `at` from a previous
/// page) when given.
pub fn for_record(
    conn: &Connection,
    entity: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    for_record_filtered(conn, entity, id, before, limit, &TimelineFilter::default())
}

/// [`for_record`] showing only what `filter` keeps.
pub fn for_record_filtered(
    conn: &Connection,
    entity: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
    filter: &TimelineFilter,
) -> Result<Vec<TimelineItem>> {
    let changes = filter.channels.is_empty()
        && (filter.types.is_empty() || filter.types.iter().any(|t| t == "changes"));
    let kinds: Vec<ActivityKind> = filter
        .types
        .iter()
        .filter_map(|t| ActivityKind::parse(t))
        .collect();
    let any_activities = filter.types.is_empty() || !kinds.is_empty();
    let mut items = Vec::new();
    // Records that point at this one (found through the link registry, so a link added there
    // shows here): its people and subsidiaries, tickets and sales documents.
    if changes {
        items.extend(history(conn, entity, id, before, limit)?);
        if let Some(column) = links::column("contacts", entity) {
            items.extend(people(conn, column, id, before, limit)?);
        }
        if let Some(column) = links::column("accounts", entity) {
            items.extend(subsidiaries(conn, column, id, before, limit)?);
        }
    }
    let tickets = filter.channels.is_empty()
        && (filter.types.is_empty() || filter.types.iter().any(|t| t == "tickets"));
    if tickets && let Some(column) = links::column("tickets", entity) {
        items.extend(ticket_items(conn, column, id, before, limit)?);
    }
    let documents = filter.channels.is_empty()
        && (filter.types.is_empty() || filter.types.iter().any(|t| t == "documents"));
    if documents && let Some(column) = links::column("sales_documents", entity) {
        items.extend(document_items(conn, column, id, before, limit)?);
    }
    if any_activities {
        items.extend(activity_items(
            conn, entity, id, before, limit, kinds, filter,
        )?);
    }
    items.sort_by(|a, b| b.at.cmp(&a.at));
    items.truncate(limit);
    Ok(items)
}

const HIDDEN: &[&str] = &[
    "updated_at",
    "created_at",
    "position",
    "contact_id",
    "e164",
    "national",
    "phone_e164",
    "phone_national",
    "entity",
    "entity_id",
    "tag_id",
    "stage_entered_at",
    "pipeline_id",
    "converted_at",
    // A ticket's answer, resolution and closing show in its conversation and status history.
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "callback_activity_id",
    "resolve_on_callback",
    "fr_target_minutes",
    "fr_due_at",
    "fr_warn_at",
    "fr_left_seconds",
    "fr_met_at",
    "fr_breached_at",
    "res_target_minutes",
    "res_due_at",
    "res_warn_at",
    "res_left_seconds",
    "res_met_at",
    "res_breached_at",
];

fn label(field: &str) -> String {
    let known = match field {
        "first_name" => "First name",
        "last_name" => "Last name",
        "account_id" => "Account",
        "owner_id" => "Owner",
        "parent_id" => "Parent company",
        "stage_id" => "Stage",
        "lost_reason_id" => "Lost reason",
        "amount_minor" => "Amount",
        "expected_close" => "Expected close",
        "annual_revenue_minor" => "Annual revenue",
        "annual_revenue_currency" => "Revenue currency",
        "do_not_call_since" => "Do not call",
        "do_not_email_since" => "Do not e-mail",
        "unsubscribed_since" => "Unsubscribed",
        "preferred_channel" => "Preferred channel",
        "address_street" => "Street",
        "address_city" => "City",
        "address_region" => "Region",
        "address_postal_code" => "Postal code",
        "address_country" => "Country",
        "estimated_minor" => "Estimated value",
        "estimated_currency" => "Estimated value currency",
        "converted_at" => "Converted",
        "converted_account_id" => "Converted to account",
        "converted_contact_id" => "Converted to contact",
        "converted_opportunity_id" => "Converted to deal",
        "call_list_entry_id" => "From call list",
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            return chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
        }
    };
    known.to_owned()
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "—".into(),
        Json::String(s) if s.chars().count() > 80 => {
            format!("{}…", s.chars().take(80).collect::<String>())
        }
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Names for ids that appear in changes (accounts, owners, tags).
fn name_of(conn: &Connection, field: &str, v: &Json) -> Result<String> {
    let Some(id) = v.as_str() else {
        return Ok(show(v));
    };
    let sql = match field {
        "account_id" | "parent_id" | "converted_account_id" => {
            "SELECT name FROM accounts WHERE id = ?1"
        }
        "converted_contact_id" => {
            "SELECT trim(first_name || ' ' || last_name) FROM contacts WHERE id = ?1"
        }
        "converted_opportunity_id" => "SELECT name FROM opportunities WHERE id = ?1",
        "call_list_entry_id" => {
            "SELECT l.name FROM call_list_entries e JOIN call_lists l ON l.id = e.call_list_id
              WHERE e.id = ?1"
        }
        "owner_id" => "SELECT name FROM team_members WHERE id = ?1",
        "tag_id" => "SELECT name FROM tags WHERE id = ?1",
        "stage_id" => "SELECT name FROM pipeline_stages WHERE id = ?1",
        "lost_reason_id" => "SELECT name FROM lost_reasons WHERE id = ?1",
        _ => return Ok(show(v)),
    };
    let name: Option<String> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached(sql)?.query_row([id], |r| r.get(0)),
    )?;
    Ok(name.unwrap_or_else(|| "(deleted)".into()))
}

fn history(
    conn: &Connection,
    entity: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    let seqs = crate::store::changelog::record_seqs(conn, entity, id, before, limit * 8)?;
    let Some(&oldest) = seqs.last() else {
        return Ok(Vec::new());
    };
    let changes = crate::store::changelog::for_record_since(conn, entity, id, oldest)?;
    // One item per batch (one save), newest first.
    let mut batches: Vec<(String, Vec<Change>)> = Vec::new();
    for change in changes.into_iter().rev() {
        match batches.last_mut() {
            Some((batch, list)) if *batch == change.batch_id => list.push(change),
            _ => batches.push((change.batch_id.clone(), vec![change])),
        }
    }
    batches
        .into_iter()
        .take(limit)
        .map(|(batch, changes)| describe(conn, entity, id, batch, changes))
        .collect()
}

fn describe(
    conn: &Connection,
    entity: &str,
    id: &str,
    batch: String,
    changes: Vec<Change>,
) -> Result<TimelineItem> {
    let created = changes
        .iter()
        .any(|c| c.entity == entity && c.entity_id == id && c.op == "insert");
    let mut details = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    for c in changes.iter().rev() {
        let what = match c.entity.as_str() {
            "contact_emails" => Some(("E-mail", "address")),
            "contact_phones" => Some(("Phone", "number")),
            "contact_addresses" => Some(("Address", "city")),
            "taggings" => Some(("Tag", "tag_id")),
            _ => None,
        };
        if let Some((noun, key)) = what {
            let value = |side: usize| -> Result<String> {
                match c.changes.get(key) {
                    Some(pair) => {
                        let v = if side == 0 { &pair.0 } else { &pair.1 };
                        name_of(conn, key, v)
                    }
                    None => Ok(String::new()),
                }
            };
            let line = match c.op.as_str() {
                "insert" => format!("{noun} added: {}", value(1)?),
                "delete" => format!("{noun} removed: {}", value(0)?),
                _ if c.changes.contains_key(key) => {
                    format!("{noun} changed: {} → {}", value(0)?, value(1)?)
                }
                _ => continue,
            };
            details.push(line);
            if !touched.contains(&noun.to_owned()) {
                touched.push(noun.to_owned());
            }
            continue;
        }
        if c.entity != entity || c.entity_id != id {
            continue;
        }
        let fields: BTreeMap<&String, &(Json, Json)> = c
            .changes
            .iter()
            .filter(|(k, _)| !HIDDEN.contains(&k.as_str()))
            .collect();
        // Money is shown as an amount with its currency, not as minor units and a code.
        let currency_of = |amount_field: &str, side: usize| -> Option<String> {
            let code_field = amount_field
                .replace("_minor", "_currency")
                .replace("amount_currency", "currency");
            let (_, pair) = fields.iter().find(|(k, _)| k.as_str() == code_field)?;
            let v = if side == 0 { &pair.0 } else { &pair.1 };
            v.as_str().map(str::to_owned)
        };
        let money = |field: &str, v: &Json, side: usize| -> Option<String> {
            let minor = v.as_i64()?;
            let currency = currency_of(field, side)?;
            Some(format!(
                "{} {currency}",
                crate::kernel::money::format_plain(&crate::kernel::money::Money {
                    amount_minor: minor,
                    currency: currency.clone()
                })
            ))
        };
        let has = |name: &str| fields.keys().any(|k| k.as_str() == name);
        for (field, pair) in &fields {
            let field = field.as_str();
            let (old, new) = (&pair.0, &pair.1);
            if (field == "currency" && has("amount_minor"))
                || (field == "annual_revenue_currency" && has("annual_revenue_minor"))
            {
                continue;
            }
            if field.ends_with("_minor") {
                let name = label(field);
                let show = |v: &Json, side| money(field, v, side).unwrap_or_else(|| show(v));
                if created {
                    if !new.is_null() {
                        details.push(format!("{name}: {}", show(new, 1)));
                    }
                } else {
                    details.push(format!("{name}: {} → {}", show(old, 0), show(new, 1)));
                    touched.push(name.to_lowercase());
                }
                continue;
            }
            let name = label(field);
            if field.ends_with("_since") {
                // Consent flags: what matters is on or off; the date is on the record.
                details.push(format!(
                    "{name}: {}",
                    if new.is_null() { "off" } else { "on" }
                ));
                touched.push(name.to_lowercase());
                continue;
            }
            if created {
                if !new.is_null() {
                    details.push(format!("{name}: {}", name_of(conn, field, new)?));
                }
            } else {
                details.push(format!(
                    "{name}: {} → {}",
                    name_of(conn, field, old)?,
                    name_of(conn, field, new)?
                ));
                touched.push(name.to_lowercase());
            }
        }
    }
    let first = &changes[0];
    let title = if created {
        "Created".to_owned()
    } else if touched.is_empty() {
        "Edited".to_owned()
    } else {
        format!(
            "Edited {}",
            join_words(&touched.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
        )
    };
    Ok(TimelineItem {
        at: first.at.clone(),
        kind: "history".into(),
        title,
        details,
        link_entity: None,
        link_id: None,
        origin: Some(first.origin.clone()),
        batch_id: Some(batch),
        activity: None,
    })
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The record's activities (for an account, its people's too), by start or creation time.
fn activity_items(
    conn: &Connection,
    entity: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
    kinds: Vec<ActivityKind>,
    filter: &TimelineFilter,
) -> Result<Vec<TimelineItem>> {
    let list = activity::list(
        conn,
        &ActivityQuery {
            record: Some(RecordRef {
                entity: entity.to_owned(),
                id: id.to_owned(),
            }),
            kinds,
            channels: filter.channels.clone(),
            before: before.map(str::to_owned),
            limit: Some(limit as u32),
            ..Default::default()
        },
    )?;
    Ok(list
        .into_iter()
        .map(|a| TimelineItem {
            at: a.starts_at.clone().unwrap_or_else(|| a.created_at.clone()),
            kind: "activity".into(),
            title: a.subject.clone(),
            details: Vec::new(),
            link_entity: Some("activities".into()),
            link_id: Some(a.id.clone()),
            origin: None,
            batch_id: None,
            activity: Some(a),
        })
        .collect())
}

/// Quotes, orders, invoices, credit notes and payments of an account, contact or deal.
fn document_items(
    conn: &Connection,
    column: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM (
            SELECT d.id, d.kind, d.number, d.version, d.status, d.currency,
                   d.total_minor AS amount_minor,
                   d.created_at AS at, NULL AS paid, NULL AS method
              FROM sales_documents d WHERE d.{column} = ?1
            UNION ALL
            SELECT d.id, 'payment', d.number, d.version, d.status, d.currency, p.amount_minor,
                   p.created_at AS at, p.paid_on, p.method
              FROM payments p JOIN sales_documents d ON d.id = p.invoice_id
             WHERE d.{column} = ?1)
          WHERE (?2 IS NULL OR at < ?2) ORDER BY at DESC LIMIT ?3"
    ))?;
    let items = stmt
        .query_map((id, before, limit as i64), |r| {
            let kind: String = r.get("kind")?;
            let number: Option<String> = r.get("number")?;
            let version: i64 = r.get("version")?;
            let status: String = r.get("status")?;
            let money = crate::kernel::money::Money {
                amount_minor: r.get("amount_minor")?,
                currency: r.get("currency")?,
            };
            let amount = format!(
                "{} {}",
                crate::kernel::money::format_plain(&money),
                money.currency
            );
            let number = number.unwrap_or_else(|| "(draft)".into());
            let paid_on: Option<String> = r.get("paid")?;
            let method: Option<String> = r.get("method")?;
            let (title, details) = match kind.as_str() {
                "payment" => (
                    format!("Payment of {amount} on invoice {number}"),
                    [paid_on.map(|d| format!("Paid on {d}")), method]
                        .into_iter()
                        .flatten()
                        .collect(),
                ),
                "quote" if version > 1 => (
                    format!("Quote {number} version {version}: {amount}"),
                    vec![format!("Status: {}", status.replace('_', " "))],
                ),
                other => (
                    format!(
                        "{} {number}: {amount}",
                        match other {
                            "quote" => "Quote",
                            "order" => "Sales order",
                            "credit_note" => "Credit note",
                            _ => "Invoice",
                        }
                    ),
                    vec![format!("Status: {}", status.replace('_', " "))],
                ),
            };
            Ok(TimelineItem {
                at: r.get("at")?,
                kind: if kind == "payment" {
                    "payment".into()
                } else {
                    "document".into()
                },
                title,
                details,
                link_entity: Some("documents".into()),
                link_id: Some(r.get("id")?),
                origin: None,
                batch_id: None,
                activity: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

/// Tickets of an account or contact: opened, and resolved.
fn ticket_items(
    conn: &Connection,
    column: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM (
            SELECT id, number, subject, category, priority, created_at AS at, 0 AS resolved
              FROM tickets WHERE {column} = ?1
            UNION ALL
            SELECT id, number, subject, category, priority, resolved_at AS at, 1 AS resolved
              FROM tickets WHERE {column} = ?1 AND resolved_at IS NOT NULL)
          WHERE (?2 IS NULL OR at < ?2) ORDER BY at DESC LIMIT ?3"
    ))?;
    let items = stmt
        .query_map((id, before, limit as i64), |r| {
            let number: i64 = r.get("number")?;
            let subject: String = r.get("subject")?;
            let category: String = r.get("category")?;
            let priority: String = r.get("priority")?;
            let resolved: bool = r.get("resolved")?;
            Ok(TimelineItem {
                at: r.get("at")?,
                kind: "ticket".into(),
                title: if resolved {
                    format!("Ticket #{number} resolved: {subject}")
                } else {
                    format!("Ticket #{number} opened: {subject}")
                },
                details: if resolved {
                    Vec::new()
                } else {
                    vec![format!("{category}, {priority} priority").replace('_', " ")]
                },
                link_entity: Some("tickets".into()),
                link_id: Some(r.get("id")?),
                origin: None,
                batch_id: None,
                activity: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

fn people(
    conn: &Connection,
    column: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, trim(first_name || ' ' || last_name) AS name, title, created_at FROM contacts
          WHERE {column} = ?1 AND (?2 IS NULL OR created_at < ?2)
          ORDER BY created_at DESC LIMIT ?3"
    ))?;
    let items = stmt
        .query_map((id, before, limit as i64), |r| {
            let title: Option<String> = r.get("title")?;
            Ok(TimelineItem {
                at: r.get("created_at")?,
                kind: "contact".into(),
                title: format!("{} added", r.get::<_, String>("name")?),
                details: title.into_iter().collect(),
                link_entity: Some("contacts".into()),
                link_id: Some(r.get("id")?),
                origin: None,
                batch_id: None,
                activity: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

fn subsidiaries(
    conn: &Connection,
    column: &str,
    id: &str,
    before: Option<&str>,
    limit: usize,
) -> Result<Vec<TimelineItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, name, created_at FROM accounts
          WHERE {column} = ?1 AND (?2 IS NULL OR created_at < ?2)
          ORDER BY created_at DESC LIMIT ?3"
    ))?;
    let items = stmt
        .query_map((id, before, limit as i64), |r| {
            Ok(TimelineItem {
                at: r.get("created_at")?,
                kind: "subsidiary".into(),
                title: format!("Subsidiary {} added", r.get::<_, String>("name")?),
                details: Vec::new(),
                link_entity: Some("accounts".into()),
                link_id: Some(r.get("id")?),
                origin: None,
                batch_id: None,
                activity: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}
