//! Segments: saved groups of contacts, accounts or leads to target.
//!
//! A **dynamic** segment is a filter kept by name: conditions on the records' fields (industry,
//! turnover and employee bands, tags, location, type, owner, last activity, open deals, customer
//! since, custom fields...) combined with AND (`all`) or OR (`any`). Its members are whoever
//! matches now, so its count changes as the records do. A **static** list holds the records put
//! in it by hand (or frozen from a dynamic segment) until they are taken out or deleted.
//!
//! Dates in conditions are days (`2026-01-31`) or a number of days before today (`90d`), so a
//! saved "no activity in the last 90 days" stays true to its name. "Last activity before" also
//! keeps records that never had one.
//!
//! A segment is exported to CSV ([`export_csv`]) and gives a campaign or a promotion its
//! recipients ([`recipients`]): a segment of accounts reaches the accounts' contacts.

use chrono::{Days, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::text;

const TABLE: &str = "segments";

text_enum!(
    /// What a segment's members are.
    SegmentEntity {
        Contacts = "contacts",
        Accounts = "accounts",
        Leads = "leads",
    }
);

text_enum!(
    /// `dynamic`: whoever matches its conditions now; `static`: a list kept by hand.
    SegmentKind {
        Dynamic = "dynamic",
        Static = "static",
    }
);

text_enum!(
    /// How conditions combine: `all` (AND) or `any` (OR).
    SegmentMatch {
        All = "all",
        Any = "any",
    }
);

text_enum!(
    /// A condition's test. Text and choices: `is`, `is_not`, `contains`, `is_set`,
    /// `is_not_set`; dates: `before`, `after` (plus the set tests); numbers: `at_least`,
    /// `at_most`; yes/no fields: `yes`, `no`; tags: `is` (has it), `is_not`.
    ConditionOp {
        Is = "is",
        IsNot = "is_not",
        Contains = "contains",
        IsSet = "is_set",
        IsNotSet = "is_not_set",
        Before = "before",
        After = "after",
        AtLeast = "at_least",
        AtMost = "at_most",
        Yes = "yes",
        No = "no",
    }
);

text_enum!(
    /// The kind of value a segment field holds, which decides its tests.
    SegmentFieldKind {
        Text = "text",
        Choice = "choice",
        Date = "date",
        Number = "number",
        Boolean = "boolean",
        Tag = "tag",
    }
);

/// One condition: `field` (a key of [`fields`]), its test and the value tested against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentCondition {
    pub field: String,
    pub op: ConditionOp,
    #[serde(default)]
    pub value: String,
}

/// A dynamic segment's conditions and how they combine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentFilter {
    #[serde(rename = "match", default = "all")]
    #[ts(rename = "match")]
    pub combine: SegmentMatch,
    #[serde(default)]
    pub conditions: Vec<SegmentCondition>,
}

fn all() -> SegmentMatch {
    SegmentMatch::All
}

impl Default for SegmentFilter {
    fn default() -> Self {
        SegmentFilter {
            combine: SegmentMatch::All,
            conditions: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub entity: SegmentEntity,
    pub kind: SegmentKind,
    /// The conditions of a dynamic segment (empty for a static list).
    pub filter: SegmentFilter,
    pub description: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentInput {
    pub name: String,
    pub entity: SegmentEntity,
    pub kind: SegmentKind,
    #[serde(default)]
    pub filter: SegmentFilter,
    #[serde(default)]
    pub description: Option<String>,
}

/// A value a choice field offers: what is stored and what is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentChoice {
    pub value: String,
    pub label: String,
}

/// A field conditions can test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentField {
    pub key: String,
    pub label: String,
    pub kind: SegmentFieldKind,
    /// The values in use (choices, tags), for pickers.
    pub choices: Vec<SegmentChoice>,
}

/// One member, as previews and exports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentMember {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
}

/// A page of members and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentMembers {
    #[ts(type = "number")]
    pub total: i64,
    pub members: Vec<SegmentMember>,
}

// ------------------------------------------------------------------ fields

/// How a built-in field is read in SQL; `r` is the record's alias.
struct Builtin {
    key: &'static str,
    label: &'static str,
    kind: SegmentFieldKind,
    expr: String,
    /// SQL listing the values in use, for choices.
    choices: Option<&'static str>,
}

const ACCOUNT_OF_CONTACT: &str = "(SELECT {} FROM accounts a WHERE a.id = r.account_id)";
const OWNERS: &str = "SELECT id, name FROM team_members ORDER BY name";

macro_rules! builtin {
    ($key:literal, $label:literal, $kind:ident, $expr:expr) => {
        Builtin {
            key: $key,
            label: $label,
            kind: SegmentFieldKind::$kind,
            expr: String::from($expr),
            choices: None,
        }
    };
    ($key:literal, $label:literal, $kind:ident, $expr:expr, $choices:expr) => {
        Builtin {
            key: $key,
            label: $label,
            kind: SegmentFieldKind::$kind,
            expr: String::from($expr),
            choices: Some($choices),
        }
    };
}

fn last_activity(entity: &str) -> String {
    format!(
        "(SELECT max(coalesce(act.starts_at, act.done_at)) FROM activity_links l
            JOIN activities act ON act.id = l.activity_id
           WHERE l.entity = '{entity}' AND l.entity_id = r.id AND act.done_at IS NOT NULL)"
    )
}

/// The day an account became a customer: its first won deal or issued invoice.
const CUSTOMER_SINCE: &str = "(SELECT min(d) FROM (
        SELECT o.closed_on AS d FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
         WHERE o.account_id = {account} AND s.kind = 'won'
        UNION ALL
        SELECT x.issued_on FROM sales_documents x
         WHERE x.account_id = {account} AND x.kind = 'invoice' AND x.issued_on IS NOT NULL))";

const OPEN_DEAL: &str =
    "EXISTS (SELECT 1 FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
         WHERE o.account_id = {account} AND s.kind = 'open')";

fn builtins(entity: SegmentEntity) -> Vec<Builtin> {
    use SegmentEntity::*;
    let acct = |column: &str| ACCOUNT_OF_CONTACT.replace("{}", column);
    match entity {
        Contacts => vec![
            builtin!(
                "industry",
                "Industry",
                Choice,
                acct("industry"),
                "SELECT DISTINCT industry, industry FROM accounts WHERE industry IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "turnover_band",
                "Turnover band",
                Choice,
                acct("turnover_band"),
                "SELECT DISTINCT turnover_band, turnover_band FROM accounts WHERE turnover_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "employee_band",
                "Employee band",
                Choice,
                acct("employee_band"),
                "SELECT DISTINCT employee_band, employee_band FROM accounts WHERE employee_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "account_type",
                "Account type",
                Choice,
                acct("type"),
                "SELECT DISTINCT type, type FROM accounts WHERE type IS NOT NULL ORDER BY 1"
            ),
            builtin!("tag", "Tag", Tag, ""),
            builtin!(
                "city",
                "City",
                Text,
                "(SELECT x.city FROM contact_addresses x WHERE x.contact_id = r.id ORDER BY x.position LIMIT 1)"
            ),
            builtin!(
                "country",
                "Country",
                Text,
                "(SELECT x.country FROM contact_addresses x WHERE x.contact_id = r.id ORDER BY x.position LIMIT 1)"
            ),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("contacts")
            ),
            builtin!(
                "has_open_deal",
                "Has an open deal",
                Boolean,
                OPEN_DEAL.replace("{account}", "r.account_id")
            ),
            builtin!(
                "customer_since",
                "Customer since",
                Date,
                CUSTOMER_SINCE.replace("{account}", "r.account_id")
            ),
            builtin!(
                "lead_source",
                "Lead source",
                Choice,
                "r.lead_source",
                "SELECT DISTINCT lead_source, lead_source FROM contacts WHERE lead_source IS NOT NULL ORDER BY 1"
            ),
            builtin!("title", "Job title", Text, "r.title"),
            builtin!("created", "Created", Date, "r.created_at"),
            builtin!(
                "emailable",
                "May be e-mailed",
                Boolean,
                "(r.do_not_email_since IS NULL AND r.unsubscribed_since IS NULL
                  AND EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = r.id))"
            ),
        ],
        Accounts => vec![
            builtin!(
                "industry",
                "Industry",
                Choice,
                "r.industry",
                "SELECT DISTINCT industry, industry FROM accounts WHERE industry IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "turnover_band",
                "Turnover band",
                Choice,
                "r.turnover_band",
                "SELECT DISTINCT turnover_band, turnover_band FROM accounts WHERE turnover_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "employee_band",
                "Employee band",
                Choice,
                "r.employee_band",
                "SELECT DISTINCT employee_band, employee_band FROM accounts WHERE employee_band IS NOT NULL ORDER BY 1"
            ),
            builtin!("employees", "Employees", Number, "r.employee_count"),
            builtin!(
                "type",
                "Type",
                Choice,
                "r.type",
                "SELECT DISTINCT type, type FROM accounts WHERE type IS NOT NULL ORDER BY 1"
            ),
            builtin!("tag", "Tag", Tag, ""),
            builtin!("city", "City", Text, "r.address_city"),
            builtin!("country", "Country", Text, "r.address_country"),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("accounts")
            ),
            builtin!(
                "has_open_deal",
                "Has an open deal",
                Boolean,
                OPEN_DEAL.replace("{account}", "r.id")
            ),
            builtin!(
                "customer_since",
                "Customer since",
                Date,
                CUSTOMER_SINCE.replace("{account}", "r.id")
            ),
            builtin!("created", "Created", Date, "r.created_at"),
        ],
        Leads => vec![
            builtin!(
                "source",
                "Source",
                Choice,
                "r.source",
                "SELECT DISTINCT source, source FROM leads WHERE source IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "status",
                "Status",
                Choice,
                "r.status",
                "SELECT value, value FROM json_each('[\"new\",\"contacted\",\"qualified\",\"unqualified\",\"converted\"]')"
            ),
            builtin!(
                "rating",
                "Rating",
                Choice,
                "r.rating",
                "SELECT value, value FROM json_each('[\"hot\",\"warm\",\"cold\"]')"
            ),
            builtin!(
                "campaign",
                "Campaign",
                Choice,
                "r.campaign_id",
                "SELECT id, name FROM campaigns ORDER BY name"
            ),
            builtin!("company", "Company", Text, "r.company"),
            builtin!("tag", "Tag", Tag, ""),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("leads")
            ),
            builtin!("created", "Created", Date, "r.created_at"),
            builtin!(
                "emailable",
                "May be e-mailed",
                Boolean,
                "(r.email IS NOT NULL AND r.unsubscribed_since IS NULL)"
            ),
        ],
    }
}

fn choices(conn: &Connection, sql: &str) -> Result<Vec<SegmentChoice>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(SegmentChoice {
            value: r.get(0)?,
            label: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The fields a segment of `entity` can test: the built-in ones, then the custom fields.
pub fn fields(conn: &Connection, entity: SegmentEntity) -> Result<Vec<SegmentField>> {
    let mut out = Vec::new();
    for b in builtins(entity) {
        let choices = match (b.kind, b.choices) {
            (SegmentFieldKind::Tag, _) => choices(
                conn,
                &format!(
                    "SELECT DISTINCT t.name, t.name FROM tags t JOIN taggings g ON g.tag_id = t.id
                      WHERE g.entity = '{}' ORDER BY t.name COLLATE NOCASE",
                    entity.as_str()
                ),
            )?,
            (_, Some(sql)) => choices(conn, sql)?,
            _ => Vec::new(),
        };
        out.push(SegmentField {
            key: b.key.to_owned(),
            label: b.label.to_owned(),
            kind: b.kind,
            choices,
        });
    }
    for f in crate::records::fields::list(conn, entity.as_str())? {
        let kind = match f.kind {
            crate::records::fields::FieldKind::Date => SegmentFieldKind::Date,
            crate::records::fields::FieldKind::Number => SegmentFieldKind::Number,
            crate::records::fields::FieldKind::Checkbox => SegmentFieldKind::Boolean,
            crate::records::fields::FieldKind::SingleSelect
            | crate::records::fields::FieldKind::MultiSelect => SegmentFieldKind::Choice,
            _ => SegmentFieldKind::Text,
        };
        out.push(SegmentField {
            key: format!("custom:{}", f.id),
            label: f.label.clone(),
            kind,
            choices: f
                .options
                .iter()
                .map(|o| SegmentChoice {
                    value: o.clone(),
                    label: o.clone(),
                })
                .collect(),
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------ SQL

/// The `WHERE` condition (alias `r`) and its parameters for `filter` over `entity`, checked:
/// each bad condition is named (`conditions.2.value`) with what is wrong.
pub(crate) fn condition_sql(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
) -> Result<(String, Vec<Value>)> {
    let known = builtins(entity);
    let tz = crate::kernel::time::local_zone();
    let mut c = Checker::default();
    let mut parts = Vec::new();
    let mut params = Vec::new();
    for (i, cond) in filter.conditions.iter().enumerate() {
        let at = format!("conditions.{i}");
        let value = cond.value.trim();
        let (kind, expr) = if let Some(id) = cond.field.strip_prefix("custom:") {
            let Ok(field) = crate::records::fields::get(conn, id) else {
                c.fail(
                    format!("{at}.field"),
                    format!("no custom field with id {id}"),
                );
                continue;
            };
            if field.entity != entity.as_str() {
                c.fail(
                    format!("{at}.field"),
                    format!("{} is a field of {}", field.label, field.entity),
                );
                continue;
            }
            let checkbox = field.kind == crate::records::fields::FieldKind::Checkbox;
            if matches!(cond.op, ConditionOp::Is)
                || (checkbox && matches!(cond.op, ConditionOp::Yes | ConditionOp::No))
            {
                let wanted = if checkbox && cond.op != ConditionOp::Is {
                    "yes"
                } else {
                    value
                };
                match crate::records::fields::filter_condition(
                    conn,
                    entity.as_str(),
                    "r",
                    &crate::records::list::CustomFilter {
                        field_id: field.id.clone(),
                        value: wanted.to_owned(),
                    },
                ) {
                    Ok((sql, p)) => {
                        parts.push(if cond.op == ConditionOp::No {
                            format!("NOT ({sql})")
                        } else {
                            sql
                        });
                        params.extend(p);
                    }
                    Err(e) => {
                        for f in e.field_errors() {
                            c.fail(format!("{at}.value"), &f.message);
                        }
                    }
                }
                continue;
            }
            // The id is a custom field's, read from the database; the entity a known name.
            let expr = format!(
                "(SELECT v.value FROM custom_values v
                   WHERE v.entity = '{}' AND v.entity_id = r.id AND v.field_id = '{}')",
                entity.as_str(),
                field.id.replace('\'', "")
            );
            let kind = match field.kind {
                crate::records::fields::FieldKind::Date => SegmentFieldKind::Date,
                crate::records::fields::FieldKind::Number => SegmentFieldKind::Number,
                crate::records::fields::FieldKind::Checkbox => SegmentFieldKind::Boolean,
                _ => SegmentFieldKind::Text,
            };
            (kind, expr)
        } else if let Some(b) = known.iter().find(|b| b.key == cond.field) {
            if account_column(entity, b.key).is_some() {
                (b.kind, ACCOUNT_VALUE.to_owned())
            } else {
                (b.kind, b.expr.clone())
            }
        } else {
            c.fail(
                format!("{at}.field"),
                format!(
                    "{} segments have no field \"{}\" (they have: {})",
                    entity.as_str(),
                    cond.field,
                    known.iter().map(|b| b.key).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        let (parts_before, params_before) = (parts.len(), params.len());
        let needs_value = !matches!(
            cond.op,
            ConditionOp::IsSet | ConditionOp::IsNotSet | ConditionOp::Yes | ConditionOp::No
        );
        if needs_value && value.is_empty() {
            c.fail(format!("{at}.value"), "enter a value to test against");
            continue;
        }
        let bad_op = |c: &mut Checker| {
            c.fail(
                format!("{at}.op"),
                format!(
                    "\"{}\" is not a test for a {} field",
                    cond.op.as_str(),
                    kind.as_str()
                ),
            );
        };
        use ConditionOp::*;
        use SegmentFieldKind as K;
        let text = Value::Text(value.to_owned());
        match (kind, cond.op) {
            (K::Tag, Is | IsNot) => {
                let not = if cond.op == IsNot { "NOT " } else { "" };
                parts.push(format!(
                    "r.id {not}IN (SELECT g.entity_id FROM taggings g JOIN tags t ON t.id = g.tag_id
                        WHERE g.entity = '{}' AND t.name = ? COLLATE NOCASE)",
                    entity.as_str()
                ));
                params.push(text);
            }
            (K::Boolean, Yes | No) => {
                let truth = if cond.op == Yes { "" } else { "NOT " };
                parts.push(format!("{truth}coalesce({expr}, 0)"));
            }
            (K::Tag | K::Boolean, _) => bad_op(&mut c),
            (_, IsSet) => parts.push(format!("ifnull({expr}, '') <> ''")),
            (_, IsNotSet) => parts.push(format!("ifnull({expr}, '') = ''")),
            (K::Text | K::Choice, Is) => {
                parts.push(format!("{expr} = ? COLLATE NOCASE"));
                params.push(text);
            }
            (K::Text | K::Choice, IsNot) => {
                parts.push(format!("ifnull({expr}, '') <> ? COLLATE NOCASE"));
                params.push(text);
            }
            (K::Text | K::Choice, Contains) => {
                parts.push(format!("instr(lower({expr}), lower(?)) > 0"));
                params.push(text);
            }
            (K::Date, Before | After | Is) => {
                let Some(day) = day(value, today) else {
                    c.fail(
                        format!("{at}.value"),
                        format!(
                            "\"{value}\" is not a day: write 2026-01-31, or 90d for 90 days ago"
                        ),
                    );
                    continue;
                };
                // Time stamps (UTC) are compared from local midnight; days as days.
                let stamped = matches!(cond.field.as_str(), "created" | "last_activity");
                let bound = |d: NaiveDate| -> Value {
                    Value::Text(if stamped {
                        crate::kernel::time::stamp(crate::kernel::time::start_of_day(tz, d))
                    } else {
                        d.format("%Y-%m-%d").to_string()
                    })
                };
                let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
                let value_sql = if stamped {
                    expr.clone()
                } else {
                    format!("substr({expr}, 1, 10)")
                };
                match cond.op {
                    // Never having had an activity is before any day.
                    Before if cond.field == "last_activity" => {
                        parts.push(format!("ifnull({value_sql}, '') < ?"));
                        params.push(bound(day));
                    }
                    Before => {
                        parts.push(format!("{value_sql} < ?"));
                        params.push(bound(day));
                    }
                    After => {
                        parts.push(format!("{value_sql} >= ?"));
                        params.push(bound(next));
                    }
                    _ => {
                        parts.push(format!("{value_sql} >= ? AND {value_sql} < ?"));
                        params.push(bound(day));
                        params.push(bound(next));
                    }
                }
            }
            (K::Number, AtLeast | AtMost | Is) => {
                let Ok(n) = value.replace([',', ' ', '_'], "").parse::<f64>() else {
                    c.fail(
                        format!("{at}.value"),
                        format!("\"{value}\" is not a number"),
                    );
                    continue;
                };
                let cmp = match cond.op {
                    AtLeast => ">=",
                    AtMost => "<=",
                    _ => "=",
                };
                parts.push(format!("CAST({expr} AS REAL) {cmp} ?"));
                params.push(Value::Real(n));
            }
            _ => bad_op(&mut c),
        }
        // A contact's account field: tested once over the accounts (a set the contacts are
        // looked up in), instead of once per contact; a contact without an account is tested
        // against an empty value, as before.
        if let (Some(column), true) = (
            account_column(entity, &cond.field),
            parts.len() > parts_before,
        ) {
            let part = parts.pop().unwrap_or_default();
            let bound = params.split_off(params_before);
            parts.push(format!(
                "CASE WHEN r.account_id IS NULL THEN ({}) ELSE r.account_id IN
                   (SELECT a.id FROM accounts a WHERE {}) END",
                part.replace(ACCOUNT_VALUE, "NULL"),
                part.replace(ACCOUNT_VALUE, &format!("a.{column}"))
            ));
            params.extend(bound.iter().cloned());
            params.extend(bound);
        }
    }
    c.finish()?;
    if parts.is_empty() {
        return Ok(("1".into(), params));
    }
    let joiner = match filter.combine {
        SegmentMatch::All => " AND ",
        SegmentMatch::Any => " OR ",
    };
    let sql = parts
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(joiner);
    Ok((format!("({sql})"), params))
}

/// Stands for a contact's account column in a condition until it is placed (see
/// [`condition_sql`]); never valid SQL by itself.
const ACCOUNT_VALUE: &str = "\u{1}account\u{1}";

/// The accounts column behind a contact field read from the contact's account.
fn account_column(entity: SegmentEntity, key: &str) -> Option<&'static str> {
    if entity != SegmentEntity::Contacts {
        return None;
    }
    match key {
        "industry" => Some("industry"),
        "turnover_band" => Some("turnover_band"),
        "employee_band" => Some("employee_band"),
        "account_type" => Some("type"),
        _ => None,
    }
}

/// A day written `2026-01-31`, or `90d` (90 days before `today`).
fn day(value: &str, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(n) = value
        .strip_suffix('d')
        .and_then(|n| n.trim().parse::<u64>().ok())
    {
        return today.checked_sub_days(Days::new(n));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// A saved segment and its members' condition (alias `r`) with its parameters.
fn saved(conn: &Connection, id: &str, today: NaiveDate) -> Result<(Segment, String, Vec<Value>)> {
    let s = get(conn, id)?;
    let (sql, params) = match s.kind {
        SegmentKind::Static => (
            "r.id IN (SELECT entity_id FROM segment_members WHERE segment_id = ?)".into(),
            vec![Value::Text(s.id.clone())],
        ),
        SegmentKind::Dynamic => condition_sql(conn, s.entity, &s.filter, today)?,
    };
    Ok((s, sql, params))
}

fn count_where(
    conn: &Connection,
    entity: SegmentEntity,
    sql: &str,
    params: Vec<Value>,
) -> Result<i64> {
    Ok(conn
        .prepare(&format!(
            "SELECT count(*) FROM {} r WHERE {sql}",
            entity.as_str()
        ))?
        .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?)
}

/// How many records match `filter` now: the live count shown while a segment is built.
pub fn count_filter(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
) -> Result<i64> {
    let (sql, params) = condition_sql(conn, entity, filter, today)?;
    count_where(conn, entity, &sql, params)
}

/// How many members a saved segment has today.
pub fn count(conn: &Connection, id: &str, today: NaiveDate) -> Result<i64> {
    let (s, sql, params) = saved(conn, id, today)?;
    count_where(conn, s.entity, &sql, params)
}

/// The columns members are shown with, per entity.
fn member_select(entity: SegmentEntity) -> &'static str {
    match entity {
        SegmentEntity::Contacts => {
            "SELECT r.id, trim(r.first_name || ' ' || r.last_name),
                (SELECT address FROM contact_emails e WHERE e.contact_id = r.id ORDER BY position LIMIT 1),
                (SELECT name FROM accounts a WHERE a.id = r.account_id),
                (SELECT number FROM contact_phones p WHERE p.contact_id = r.id ORDER BY position LIMIT 1)
               FROM contacts r"
        }
        SegmentEntity::Accounts => {
            "SELECT r.id, r.name, NULL, r.industry, r.phone FROM accounts r"
        }
        SegmentEntity::Leads => "SELECT r.id, r.name, r.email, r.company, r.phone FROM leads r",
    }
}

fn member_row(r: &Row<'_>) -> rusqlite::Result<SegmentMember> {
    Ok(SegmentMember {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        company: r.get(3)?,
        phone: r.get(4)?,
    })
}

fn order(entity: SegmentEntity) -> &'static str {
    match entity {
        SegmentEntity::Contacts => "r.last_name COLLATE NOCASE, r.first_name COLLATE NOCASE, r.id",
        _ => "r.name COLLATE NOCASE, r.id",
    }
}

/// Members of `filter` (or of a saved static list), by name, from `offset`, at most `limit`.
fn members_where(
    conn: &Connection,
    entity: SegmentEntity,
    sql: &str,
    params: Vec<Value>,
    offset: i64,
    limit: i64,
) -> Result<SegmentMembers> {
    let total = count_where(conn, entity, sql, params.clone())?;
    let mut all_params = params;
    all_params.push(Value::Integer(limit));
    all_params.push(Value::Integer(offset));
    let mut stmt = conn.prepare(&format!(
        "{} WHERE {sql} ORDER BY {} LIMIT ? OFFSET ?",
        member_select(entity),
        order(entity)
    ))?;
    let members = stmt
        .query_map(rusqlite::params_from_iter(all_params), member_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SegmentMembers { total, members })
}

/// The first members matching an unsaved filter: the preview while a segment is built.
pub fn preview(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
    limit: i64,
) -> Result<SegmentMembers> {
    let (sql, params) = condition_sql(conn, entity, filter, today)?;
    members_where(conn, entity, &sql, params, 0, limit.clamp(1, 1000))
}

/// A saved segment's members, by name.
pub fn members(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<SegmentMembers> {
    let (s, sql, params) = saved(conn, id, today)?;
    members_where(
        conn,
        s.entity,
        &sql,
        params,
        offset.max(0),
        limit.clamp(1, 5000),
    )
}

/// Who a message to this segment reaches: `(entity, id)` of contacts or leads. A segment of
/// accounts reaches every contact of those accounts.
pub fn recipients(conn: &Connection, id: &str, today: NaiveDate) -> Result<Vec<(String, String)>> {
    let (s, sql, params) = saved(conn, id, today)?;
    let query = match s.entity {
        SegmentEntity::Contacts => format!("SELECT 'contacts', r.id FROM contacts r WHERE {sql}"),
        SegmentEntity::Leads => format!("SELECT 'leads', r.id FROM leads r WHERE {sql}"),
        SegmentEntity::Accounts => format!(
            "SELECT 'contacts', c.id FROM contacts c
              WHERE c.account_id IN (SELECT r.id FROM accounts r WHERE {sql})"
        ),
    };
    let mut stmt = conn.prepare(&query)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a segment's members to a CSV file (UTF-8 with a byte-order mark, so spreadsheet
/// programs read accents right): id, name, email, company, phone. Returns how many rows.
pub fn export_csv(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    path: &std::path::Path,
) -> Result<usize> {
    let (s, sql, params) = saved(conn, id, today)?;
    let all = members_where(conn, s.entity, &sql, params, 0, i64::MAX)?;
    let io = |source| Error::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header = match s.entity {
            SegmentEntity::Accounts => ["id", "name", "email", "industry", "phone"],
            _ => ["id", "name", "email", "company", "phone"],
        };
        w.write_record(header)
            .map_err(|e| Error::Internal(e.to_string()))?;
        for m in &all.members {
            let cell =
                |v: &Option<String>| crate::kernel::files::safe_cell(v.as_deref().unwrap_or(""));
            w.write_record([
                m.id.clone(),
                crate::kernel::files::safe_cell(&m.name),
                cell(&m.email),
                cell(&m.company),
                cell(&m.phone),
            ])
            .map_err(|e| Error::Internal(e.to_string()))?;
        }
        w.flush().map_err(io)?;
    }
    crate::kernel::files::write_atomically(path, &out)?;
    Ok(all.members.len())
}

// ------------------------------------------------------------------ storage

fn check(
    conn: &Connection,
    input: &SegmentInput,
    id: Option<&str>,
) -> Result<Vec<(&'static str, Value)>> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    crate::store::writer::unique_name(&mut c, conn, TABLE, "segment", &name, id)?;
    let description = c.text("description", &input.description, NOTES_MAX);
    if input.kind == SegmentKind::Dynamic && input.filter.conditions.is_empty() {
        c.fail(
            "conditions",
            "add at least one condition: a segment without any would hold everyone (to pick people by hand, make a static list)",
        );
    }
    c.finish()?;
    if input.kind == SegmentKind::Dynamic {
        // Refuses a filter that would not run, naming the condition.
        condition_sql(
            conn,
            input.entity,
            &input.filter,
            crate::kernel::time::today(),
        )?;
    }
    let filter = match input.kind {
        SegmentKind::Dynamic => input.filter.clone(),
        SegmentKind::Static => SegmentFilter::default(),
    };
    let definition = serde_json::to_string(&filter).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(vec![
        ("name", Value::Text(name)),
        ("entity", Value::Text(input.entity.as_str().into())),
        ("kind", Value::Text(input.kind.as_str().into())),
        ("definition", Value::Text(definition)),
        ("description", text(&description)),
    ])
}

pub fn create(db: &mut Db, input: &SegmentInput) -> Result<Segment> {
    let fields = check(db.conn(), input, None)?;
    let id = crate::new_id();
    db.write(|w| w.insert(TABLE, &id, &fields))?;
    get(db.conn(), &id)
}

/// Changes a segment's name, conditions or description; a static list keeps its members (its
/// entity and kind do not change).
pub fn update(db: &mut Db, id: &str, input: &SegmentInput) -> Result<Segment> {
    let stored = get(db.conn(), id)?;
    if stored.entity != input.entity || stored.kind != input.kind {
        return Err(Error::invalid(
            "kind",
            "a segment keeps its kind and what it holds; make a new one instead",
        ));
    }
    let fields = check(db.conn(), input, Some(id))?;
    db.write(|w| w.update(TABLE, id, &fields))?;
    get(db.conn(), id)
}

/// Deletes a segment (a static list's members stay as records). Promotions sent to it keep
/// their messages.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    get(db.conn(), id)?;
    let used: i64 = db.conn().query_row(
        "SELECT count(*) FROM promotions WHERE segment_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if used > 0 {
        return Err(Error::Conflict(format!(
            "this segment was sent {used} promotion(s); it is kept so they still say who they went to"
        )));
    }
    db.write(|w| {
        let rows: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM segment_members WHERE segment_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows {
            w.delete("segment_members", &row)?;
        }
        crate::store::links::release(w, TABLE, id)?;
        w.delete(TABLE, id)
    })
}

/// Adds records to a static list; those already in it stay. Returns how many were added.
pub fn add_members(db: &mut Db, id: &str, ids: &[String]) -> Result<usize> {
    let s = static_list(db.conn(), id, "segment")?;
    db.write(|w| {
        let mut added = 0;
        for record in ids {
            if !crate::store::writer::exists(w.conn(), s.entity.as_str(), record)? {
                return Err(Error::invalid(
                    "ids",
                    format!("no {} with id {record} exists", s.entity.as_str()),
                ));
            }
            if add_member_in(w, &s.id, record)? {
                added += 1;
            }
        }
        Ok(added)
    })
}

/// The segment `id`, which must be a static list: only those have members added by hand.
/// `field` is the input that named it, for the error.
pub(crate) fn static_list(conn: &Connection, id: &str, field: &str) -> Result<Segment> {
    let s = get(conn, id)?;
    if s.kind != SegmentKind::Static {
        return Err(Error::invalid(
            field,
            format!(
                "\"{}\" is a dynamic segment: its members are those its conditions find; add them to a static list",
                s.name
            ),
        ));
    }
    Ok(s)
}

/// Puts one (existing) record in a static list, inside the caller's write. False when it was
/// already there.
pub(crate) fn add_member_in(
    w: &crate::store::writer::Writer<'_>,
    segment: &str,
    record: &str,
) -> Result<bool> {
    let there: Option<String> = w
        .conn()
        .prepare_cached("SELECT id FROM segment_members WHERE segment_id = ?1 AND entity_id = ?2")?
        .query_row((segment, record), |r| r.get(0))
        .optional()?;
    if there.is_some() {
        return Ok(false);
    }
    w.insert(
        "segment_members",
        &crate::new_id(),
        &[
            ("segment_id", Value::Text(segment.to_owned())),
            ("entity_id", Value::Text(record.to_owned())),
        ],
    )?;
    Ok(true)
}

/// Takes records out of a static list. Returns how many were in it.
pub fn remove_members(db: &mut Db, id: &str, ids: &[String]) -> Result<usize> {
    get(db.conn(), id)?;
    db.write(|w| {
        let mut removed = 0;
        for record in ids {
            let row: Option<String> = w
                .conn()
                .prepare_cached(
                    "SELECT id FROM segment_members WHERE segment_id = ?1 AND entity_id = ?2",
                )?
                .query_row((id, record), |r| r.get(0))
                .optional()?;
            if let Some(row) = row {
                w.delete("segment_members", &row)?;
                removed += 1;
            }
        }
        Ok(removed)
    })
}

/// Takes a deleted record out of every static list (inside its delete).
pub(crate) fn forget_member(w: &crate::store::writer::Writer<'_>, id: &str) -> Result<()> {
    let rows: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM segment_members WHERE entity_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        w.delete("segment_members", &row)?;
    }
    Ok(())
}

/// Moves a merged record's static-list memberships to the record it was merged into.
pub(crate) fn move_member(
    w: &crate::store::writer::Writer<'_>,
    survivor: &str,
    other: &str,
) -> Result<()> {
    let rows: Vec<(String, bool)> = w
        .conn()
        .prepare_cached(
            "SELECT o.id, EXISTS (SELECT 1 FROM segment_members s
                                   WHERE s.segment_id = o.segment_id AND s.entity_id = ?1)
               FROM segment_members o WHERE o.entity_id = ?2",
        )?
        .query_map((survivor, other), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, survivor_in_it) in rows {
        if survivor_in_it {
            w.delete("segment_members", &id)?;
        } else {
            w.update(
                "segment_members",
                &id,
                &[("entity_id", Value::Text(survivor.to_owned()))],
            )?;
        }
    }
    Ok(())
}

/// A static list holding today's members of a dynamic segment.
pub fn freeze(db: &mut Db, id: &str, name: &str, today: NaiveDate) -> Result<Segment> {
    let (s, sql, params) = saved(db.conn(), id, today)?;
    let ids: Vec<String> = db
        .conn()
        .prepare(&format!(
            "SELECT r.id FROM {} r WHERE {sql}",
            s.entity.as_str()
        ))?
        .query_map(rusqlite::params_from_iter(params), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let input = SegmentInput {
        name: name.to_owned(),
        entity: s.entity,
        kind: SegmentKind::Static,
        filter: SegmentFilter::default(),
        description: Some(format!("Frozen from \"{}\" on {today}", s.name)),
    };
    let fields = check(db.conn(), &input, None)?;
    let list = crate::new_id();
    db.write(|w| {
        w.insert(TABLE, &list, &fields)?;
        for record in &ids {
            w.insert(
                "segment_members",
                &crate::new_id(),
                &[
                    ("segment_id", Value::Text(list.clone())),
                    ("entity_id", Value::Text(record.clone())),
                ],
            )?;
        }
        Ok(())
    })?;
    get(db.conn(), &list)
}

/// Makes a segment's members (contacts and leads; an account segment's contacts) members of a
/// campaign. Returns how many were added.
pub fn add_to_campaign(
    db: &mut Db,
    segment_id: &str,
    campaign_id: &str,
    today: NaiveDate,
) -> Result<usize> {
    let people = recipients(db.conn(), segment_id, today)?;
    crate::marketing::campaigns::add_members_all(db, campaign_id, &people)
}

const SELECT: &str =
    "SELECT id, name, entity, kind, definition, description, created_at, updated_at FROM segments";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Segment> {
    let definition: String = r.get(4)?;
    Ok(Segment {
        id: r.get(0)?,
        name: r.get(1)?,
        entity: SegmentEntity::parse(&r.get::<_, String>(2)?).unwrap_or(SegmentEntity::Contacts),
        kind: SegmentKind::parse(&r.get::<_, String>(3)?).unwrap_or(SegmentKind::Static),
        // A definition that cannot be read must never become "no conditions" (everyone).
        filter: serde_json::from_str(&definition).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        description: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Segment> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("segment", id))
}

/// The segment with this id or name (any case); two of that name are a conflict.
pub fn find(conn: &Connection, name_or_id: &str) -> Result<Segment> {
    crate::store::writer::find_named(conn, TABLE, "segment", "segments", name_or_id, get)
}

/// Every segment, by name.
pub fn list(conn: &Connection) -> Result<Vec<Segment>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY name COLLATE NOCASE, id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
