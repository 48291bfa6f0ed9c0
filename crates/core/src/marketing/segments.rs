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

mod conditions;
mod fields;
mod members;

use conditions::*;
pub use fields::*;
pub use members::*;

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
    let definition: String = r.get("definition")?;
    Ok(Segment {
        id: r.get("id")?,
        name: r.get("name")?,
        entity: SegmentEntity::parse(&r.get::<_, String>("entity")?)
            .unwrap_or(SegmentEntity::Contacts),
        kind: SegmentKind::parse(&r.get::<_, String>("kind")?).unwrap_or(SegmentKind::Static),
        // A definition that cannot be read must never become "no conditions" (everyone).
        filter: serde_json::from_str(&definition).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        description: r.get("description")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
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
