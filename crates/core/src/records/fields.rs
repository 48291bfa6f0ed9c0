//! Custom fields: extra fields the user defines per kind of record (text, number, money, date,
//! single select, multi select, checkbox). Values hang off the field's id, so renaming a field
//! changes only its label; deleting archives it, and its values stay in the file.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::MoneyInput;
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::Writer;

const TABLE: &str = "custom_fields";
const VALUES: &str = "custom_values";
/// Kinds of record that can carry custom fields.
pub const ENTITIES: &[&str] = &["contacts", "accounts", "opportunities", "leads", "tickets"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldKind {
    Text,
    Number,
    Money,
    Date,
    SingleSelect,
    MultiSelect,
    Checkbox,
}

impl FieldKind {
    pub const ALL: [FieldKind; 7] = [
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::Money,
        FieldKind::Date,
        FieldKind::SingleSelect,
        FieldKind::MultiSelect,
        FieldKind::Checkbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Money => "money",
            FieldKind::Date => "date",
            FieldKind::SingleSelect => "single_select",
            FieldKind::MultiSelect => "multi_select",
            FieldKind::Checkbox => "checkbox",
        }
    }

    pub fn parse(text: &str) -> Option<FieldKind> {
        let t = text.trim().to_lowercase().replace([' ', '-'], "_");
        FieldKind::ALL.into_iter().find(|k| k.as_str() == t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomField {
    pub id: String,
    /// `contacts` or `accounts`.
    pub entity: String,
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a single or multi select.
    pub options: Vec<String>,
    #[ts(type = "number")]
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CustomFieldInput {
    pub entity: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub options: Vec<String>,
}

/// Custom values of one record: field id -> value (text, number, `{amount_minor, currency}`,
/// `YYYY-MM-DD`, option, `[options]`, true/false).
pub type CustomValues = BTreeMap<String, Json>;

fn check_entity(entity: &str) -> Result<&'static str> {
    ENTITIES
        .iter()
        .find(|e| **e == entity)
        .copied()
        .ok_or_else(|| {
            Error::invalid(
                "entity",
                format!("{entity} records have no custom fields; use contacts, accounts, opportunities, leads or tickets"),
            )
        })
}

fn clean_options(c: &mut Checker, kind: FieldKind, options: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, o) in options.iter().enumerate() {
        if let Some(o) = c.text(&format!("options.{i}"), &Some(o.clone()), SHORT_TEXT_MAX)
            && !out.iter().any(|x| x.eq_ignore_ascii_case(&o))
        {
            out.push(o);
        }
    }
    if matches!(kind, FieldKind::SingleSelect | FieldKind::MultiSelect) && out.is_empty() {
        c.fail("options", "a select needs at least one choice");
    }
    out
}

/// Defines a new field at the end of the entity's fields.
pub fn define(db: &mut Db, input: &CustomFieldInput) -> Result<CustomField> {
    let entity = check_entity(&input.entity)?;
    let mut c = Checker::default();
    let label = c.required("label", &input.label, SHORT_TEXT_MAX);
    let options = clean_options(&mut c, input.kind, &input.options);
    c.finish()?;
    if find(db.conn(), entity, &label)?.is_some() {
        return Err(Error::invalid(
            "label",
            format!("{entity} already have a field called {label}"),
        ));
    }
    let id = crate::new_id();
    db.write(|w| {
        let position: i64 = w.conn().query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM custom_fields WHERE entity = ?1",
            [entity],
            |r| r.get(0),
        )?;
        w.insert(
            TABLE,
            &id,
            &[
                ("entity", Value::Text(entity.to_owned())),
                ("label", Value::Text(label)),
                ("kind", Value::Text(input.kind.as_str().to_owned())),
                ("options", Value::Text(json_text(&options)?)),
                ("position", Value::Integer(position)),
            ],
        )
    })?;
    get(db.conn(), &id)
}

/// Renames a field and/or changes a select's choices; values are untouched.
pub fn update(db: &mut Db, id: &str, label: &str, options: &[String]) -> Result<CustomField> {
    let field = get(db.conn(), id)?;
    let mut c = Checker::default();
    let label = c.required("label", label, SHORT_TEXT_MAX);
    let options = clean_options(&mut c, field.kind, options);
    c.finish()?;
    if let Some(other) = find(db.conn(), &field.entity, &label)?
        && other.id != id
    {
        return Err(Error::invalid(
            "label",
            format!("another field is already called {label}"),
        ));
    }
    db.write(|w| {
        w.update(
            TABLE,
            id,
            &[
                ("label", Value::Text(label)),
                ("options", Value::Text(json_text(&options)?)),
            ],
        )
    })?;
    get(db.conn(), id)
}

/// Removes a field from forms and lists. Its values stay in the file (and in exports of the
/// change log), so restoring it later brings them back.
pub fn archive(db: &mut Db, id: &str) -> Result<()> {
    get(db.conn(), id)?;
    db.write(|w| {
        let now = w.now().to_owned();
        w.update(TABLE, id, &[("archived_at", Value::Text(now))])
    })?;
    Ok(())
}

fn json_text<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

const SELECT: &str = "SELECT id, entity, label, kind, options, position FROM custom_fields";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomField> {
    let kind: String = r.get("kind")?;
    let options: String = r.get("options")?;
    Ok(CustomField {
        id: r.get("id")?,
        entity: r.get("entity")?,
        label: r.get("label")?,
        kind: FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
        options: serde_json::from_str(&options).unwrap_or_default(),
        position: r.get("position")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<CustomField> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("custom field", id))
}

/// The active field of `entity` labelled `label` (any case).
pub fn find(conn: &Connection, entity: &str, label: &str) -> Result<Option<CustomField>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE entity = ?1 AND label = ?2 COLLATE NOCASE AND archived_at IS NULL"
        ))?
        .query_row((entity, label.trim()), row)
        .optional()?)
}

/// The active fields of `entity`, in form order.
pub fn list(conn: &Connection, entity: &str) -> Result<Vec<CustomField>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE entity = ?1 AND archived_at IS NULL ORDER BY position, label"
    ))?;
    let fields = stmt
        .query_map([entity], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(fields)
}

/// The values of one record, active fields only.
pub fn values_of(conn: &Connection, entity: &str, id: &str) -> Result<CustomValues> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.field_id, f.kind, v.value, v.currency FROM custom_values v
           JOIN custom_fields f ON f.id = v.field_id
          WHERE v.entity = ?1 AND v.entity_id = ?2 AND f.archived_at IS NULL",
    )?;
    let rows = stmt.query_map((entity, id), |r| {
        Ok((
            r.get::<_, String>("field_id")?,
            r.get::<_, String>("kind")?,
            r.get::<_, Value>("value")?,
            r.get::<_, Option<String>>("currency")?,
        ))
    })?;
    let mut out = CustomValues::new();
    for row in rows {
        let (field, kind, value, currency) = row?;
        out.insert(
            field,
            to_json(
                FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
                value,
                currency,
            ),
        );
    }
    Ok(out)
}

/// The values of every record of a list page, in one query: record id -> values.
pub(crate) fn values_for_page<'a>(
    conn: &Connection,
    entity: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<BTreeMap<String, CustomValues>> {
    let ids: Vec<&str> = ids.collect();
    let mut out: BTreeMap<String, CustomValues> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let json = json_text(&ids)?;
    let mut stmt = conn.prepare_cached(
        "SELECT v.entity_id, v.field_id, f.kind, v.value, v.currency FROM custom_values v
           JOIN custom_fields f ON f.id = v.field_id
          WHERE v.entity = ?1 AND f.archived_at IS NULL
            AND v.entity_id IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt.query_map((entity, json), |r| {
        Ok((
            r.get::<_, String>("entity_id")?,
            r.get::<_, String>("field_id")?,
            r.get::<_, String>("kind")?,
            r.get::<_, Value>("value")?,
            r.get::<_, Option<String>>("currency")?,
        ))
    })?;
    for row in rows {
        let (record, field, kind, value, currency) = row?;
        out.entry(record).or_default().insert(
            field,
            to_json(
                FieldKind::parse(&kind).unwrap_or(FieldKind::Text),
                value,
                currency,
            ),
        );
    }
    Ok(out)
}

fn to_json(kind: FieldKind, value: Value, currency: Option<String>) -> Json {
    match (kind, value) {
        (_, Value::Null) => Json::Null,
        (FieldKind::Checkbox, Value::Integer(i)) => Json::Bool(i != 0),
        (FieldKind::Money, Value::Integer(minor)) => {
            serde_json::json!({"amount_minor": minor, "currency": currency.unwrap_or_default()})
        }
        (FieldKind::MultiSelect, Value::Text(t)) => serde_json::from_str(&t).unwrap_or(Json::Null),
        (_, Value::Integer(i)) => Json::from(i),
        (_, Value::Real(f)) => Json::from(f),
        (_, Value::Text(t)) => Json::from(t),
        (_, Value::Blob(_)) => Json::Null,
    }
}

/// A checked value ready to store: the `value` column and the money's currency.
pub(crate) type Stored = (Value, Option<String>);

/// What a save does to one custom field of a record.
#[derive(Debug, Clone)]
pub(crate) enum FieldChange {
    /// The value sent is the value stored: leave it, even if it would no longer pass the
    /// field's checks (a select whose choices were renamed since).
    Keep,
    Clear,
    Set(Stored),
}

/// Every active field of a record with what to do to it.
pub(crate) type Checked = Vec<(CustomField, FieldChange)>;

fn check_value(c: &mut Checker, field: &CustomField, v: &Json) -> Option<Stored> {
    let name = format!("custom.{}", field.id);
    let text = |v: &Json| -> Option<String> {
        match v {
            Json::String(s) => Some(s.trim().to_owned()),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    };
    if v.is_null()
        || (v.as_array().is_some_and(Vec::is_empty))
        || text(v).is_none() && !v.is_array() && !v.is_object()
    {
        return None;
    }
    let fail = |c: &mut Checker, why: String| {
        c.fail(&name, format!("{}: {why}", field.label));
        None
    };
    match field.kind {
        FieldKind::Text => {
            let t = text(v)?;
            c.text(&name, &Some(t), 10_000)
                .map(|t| (Value::Text(t), None))
        }
        FieldKind::Number => {
            let t = text(v)?;
            match t.parse::<f64>() {
                Ok(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 9e15 => {
                    Some((Value::Integer(n as i64), None))
                }
                Ok(n) if n.is_finite() => Some((Value::Real(n), None)),
                _ => fail(c, format!("\"{t}\" is not a number")),
            }
        }
        FieldKind::Money => {
            // As stored and read back: {amount_minor, currency}.
            if let Some(minor) = v.get("amount_minor").and_then(Json::as_i64) {
                let code = v.get("currency").and_then(Json::as_str).unwrap_or_default();
                return match crate::kernel::money::currency(code, &name) {
                    Ok(cur) => Some((Value::Integer(minor), Some(cur.code().to_owned()))),
                    Err(_) => fail(c, format!("\"{code}\" is not an ISO 4217 currency code")),
                };
            }
            let input: Option<MoneyInput> = match v {
                Json::Object(_) => serde_json::from_value(v.clone()).ok(),
                _ => text(v).and_then(|t| {
                    let (amount, currency) = t.rsplit_once(' ')?;
                    Some(MoneyInput {
                        amount: amount.to_owned(),
                        currency: currency.to_owned(),
                    })
                }),
            };
            let Some(input) = input else {
                return fail(c, "write an amount and a currency, like 1250.00 EUR".into());
            };
            match input.parse(&name) {
                Ok(m) => Some((Value::Integer(m.amount_minor), Some(m.currency))),
                Err(e) => fail(
                    c,
                    e.field_errors()
                        .first()
                        .map(|f| f.message.clone())
                        .unwrap_or_default(),
                ),
            }
        }
        FieldKind::Date => {
            let t = text(v)?;
            match crate::kernel::time::parse_date(&name, &t) {
                Ok(d) => Some((Value::Text(d.format("%Y-%m-%d").to_string()), None)),
                Err(e) => fail(
                    c,
                    e.field_errors()
                        .first()
                        .map(|f| f.message.clone())
                        .unwrap_or_default(),
                ),
            }
        }
        FieldKind::SingleSelect => {
            let t = text(v)?;
            match field.options.iter().find(|o| o.eq_ignore_ascii_case(&t)) {
                Some(o) => Some((Value::Text(o.clone()), None)),
                None => fail(
                    c,
                    format!("\"{t}\" is not one of {}", field.options.join(", ")),
                ),
            }
        }
        FieldKind::MultiSelect => {
            let picked: Vec<String> = match v {
                Json::Array(items) => items.iter().filter_map(text).collect(),
                _ => text(v)?
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
            };
            let mut chosen = Vec::new();
            for p in picked {
                match field.options.iter().find(|o| o.eq_ignore_ascii_case(&p)) {
                    Some(o) if !chosen.contains(o) => chosen.push(o.clone()),
                    Some(_) => {}
                    None => {
                        return fail(
                            c,
                            format!("\"{p}\" is not one of {}", field.options.join(", ")),
                        );
                    }
                }
            }
            if chosen.is_empty() {
                return None;
            }
            Some((
                Value::Text(serde_json::to_string(&chosen).unwrap_or_default()),
                None,
            ))
        }
        FieldKind::Checkbox => match v {
            Json::Bool(b) => Some((Value::Integer(i64::from(*b)), None)),
            _ => match text(v)?.to_lowercase().as_str() {
                "true" | "yes" | "1" | "on" | "x" => Some((Value::Integer(1), None)),
                "false" | "no" | "0" | "off" => Some((Value::Integer(0), None)),
                other => fail(c, format!("\"{other}\" is not yes or no")),
            },
        },
    }
}

/// Checks `values` against the active fields of `entity`; returns what to store per field
/// (`None` clears it). Unknown or archived fields are refused, naming the field.
pub(crate) fn check(
    c: &mut Checker,
    conn: &Connection,
    entity: &str,
    record: Option<&str>,
    values: &CustomValues,
) -> Result<Checked> {
    let fields = list(conn, entity)?;
    let stored = match record {
        Some(id) => values_of(conn, entity, id)?,
        None => CustomValues::new(),
    };
    for key in values.keys() {
        if !fields.iter().any(|f| &f.id == key) {
            c.fail(
                format!("custom.{key}"),
                "there is no such custom field (it may have been deleted)",
            );
        }
    }
    Ok(fields
        .into_iter()
        .map(|f| {
            let sent = values.get(&f.id);
            let change = match (sent, stored.get(&f.id)) {
                (Some(v), Some(old)) if v == old => FieldChange::Keep,
                (Some(v), _) => check_value(c, &f, v).map_or(FieldChange::Clear, FieldChange::Set),
                (None, _) => FieldChange::Clear,
            };
            (f, change)
        })
        .collect())
}

/// Stores a record's checked values: every active field is set or cleared; archived fields'
/// values are left alone.
pub(crate) fn save(w: &Writer<'_>, entity: &str, id: &str, checked: Checked) -> Result<()> {
    for (field, change) in checked {
        let stored = match change {
            FieldChange::Keep => continue,
            FieldChange::Clear => None,
            FieldChange::Set(value) => Some(value),
        };
        let existing: Option<String> = w
            .conn()
            .prepare_cached("SELECT id FROM custom_values WHERE entity = ?1 AND entity_id = ?2 AND field_id = ?3")?
            .query_row((entity, id, &field.id), |r| r.get(0))
            .optional()?;
        match (existing, stored) {
            (Some(row), None) => w.delete(VALUES, &row)?,
            (Some(row), Some((value, currency))) => {
                w.update(
                    VALUES,
                    &row,
                    &[
                        ("value", value),
                        ("currency", crate::store::writer::text(&currency)),
                    ],
                )?;
            }
            (None, Some((value, currency))) => w.insert(
                VALUES,
                &crate::new_id(),
                &[
                    ("field_id", Value::Text(field.id.clone())),
                    ("entity", Value::Text(entity.to_owned())),
                    ("entity_id", Value::Text(id.to_owned())),
                    ("value", value),
                    ("currency", crate::store::writer::text(&currency)),
                ],
            )?,
            (None, None) => {}
        }
    }
    Ok(())
}

/// Deletes every custom value of a record being deleted (archived fields' too).
pub(crate) fn clear(w: &Writer<'_>, entity: &str, id: &str) -> Result<()> {
    let rows: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM custom_values WHERE entity = ?1 AND entity_id = ?2")?
        .query_map((entity, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        w.delete(VALUES, &row)?;
    }
    Ok(())
}

/// The SQL condition (with its parameters) for a list filter on a custom field: the value
/// is read the way a form reads it ("yes" for a checkbox, "1250 EUR" for money); an empty
/// value keeps records without one; a multi select keeps records whose choices include it.
pub(crate) fn filter_condition(
    conn: &Connection,
    entity: &str,
    alias: &str,
    filter: &crate::records::list::CustomFilter,
) -> Result<(String, Vec<Value>)> {
    let field = get(conn, &filter.field_id)?;
    if field.entity != entity {
        return Err(Error::invalid(
            format!("custom.{}", field.id),
            format!(
                "{} is a field of {}, not of {entity}",
                field.label, field.entity
            ),
        ));
    }
    let id = Value::Text(field.id.clone());
    if filter.value.trim().is_empty() {
        return Ok((
            format!("{alias}.id NOT IN (SELECT entity_id FROM custom_values WHERE field_id = ?)"),
            vec![id],
        ));
    }
    if field.kind == FieldKind::MultiSelect {
        return Ok((
            format!(
                "{alias}.id IN (SELECT v.entity_id FROM custom_values v, json_each(v.value) j
                                 WHERE v.field_id = ? AND j.value = ? COLLATE NOCASE)"
            ),
            vec![id, Value::Text(filter.value.trim().to_owned())],
        ));
    }
    let mut c = Checker::default();
    let stored = check_value(&mut c, &field, &Json::String(filter.value.clone()));
    c.finish()?;
    let Some((value, _)) = stored else {
        return Ok(("0".into(), Vec::new()));
    };
    Ok((
        format!(
            "{alias}.id IN (SELECT entity_id FROM custom_values WHERE field_id = ? AND value = ? COLLATE NOCASE)"
        ),
        vec![id, value],
    ))
}

/// The sort key SQL for a custom field of `entity` (rows without a value sort first), after
/// checking that `field_id` is one of its fields. The id is embedded in SQL only once it is
/// known to be a field's id.
pub(crate) fn sort_key(
    conn: &Connection,
    entity: &str,
    alias: &str,
    field_id: &str,
) -> Result<String> {
    let field = get(conn, field_id).map_err(|_| {
        Error::invalid("sort_field", format!("there is no custom field {field_id}"))
    })?;
    if field.entity != entity || !field.id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Error::invalid(
            "sort_field",
            format!("{} is not a field of {entity}", field.label),
        ));
    }
    Ok(format!(
        "ifnull((SELECT v.value FROM custom_values v WHERE v.entity = '{entity}'
                   AND v.entity_id = {alias}.id AND v.field_id = '{}'), '') COLLATE NOCASE",
        field.id
    ))
}

/// A list row that shows custom values.
pub(crate) trait WithCustom {
    fn id(&self) -> &str;
    fn custom_mut(&mut self) -> &mut CustomValues;
}

/// Fills in the custom values of a page of list rows, with one query.
pub(crate) fn attach<T: WithCustom>(
    conn: &Connection,
    entity: &str,
    mut page: crate::records::list::Page<T>,
) -> Result<crate::records::list::Page<T>> {
    let mut values = values_for_page(conn, entity, page.items.iter().map(|i| i.id()))?;
    for item in &mut page.items {
        let found = values.remove(item.id()).unwrap_or_default();
        *item.custom_mut() = found;
    }
    Ok(page)
}
