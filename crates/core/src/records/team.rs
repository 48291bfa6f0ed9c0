//! The team: the people who own records (the salesperson responsible for an account, ...).

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

pub(crate) const TABLE: &str = "team_members";

/// The setting naming the team member the person at this computer is: "Mine" in the tickets'
/// queues and the calendar.
pub const ME: &str = "me";

/// Which team member the person at this computer is, if someone said so.
pub fn me(conn: &Connection) -> Result<Option<String>> {
    // A forgotten "me" is stored as null.
    Ok(crate::store::settings::get::<Option<String>>(conn, ME)?.flatten())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TeamMemberInput {
    pub name: String,
    pub email: Option<String>,
}

pub fn create(db: &mut Db, input: &TeamMemberInput) -> Result<TeamMember> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let email = input
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| c.email("email", e));
    c.finish()?;
    let taken: bool = db.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM team_members WHERE name = ?1 COLLATE NOCASE)",
        [&name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "name",
            format!("{name} is already on the team"),
        ));
    }
    let id = crate::new_id();
    db.write(|w| {
        w.insert(
            TABLE,
            &id,
            &[
                ("name", Value::Text(name)),
                ("email", crate::store::writer::text(&email)),
            ],
        )
    })?;
    get(db.conn(), &id)
}

pub fn get(conn: &Connection, id: &str) -> Result<TeamMember> {
    conn.prepare_cached("SELECT id, name, email, active FROM team_members WHERE id = ?1")?
        .query_row([id], row)
        .optional()?
        .ok_or_else(|| Error::not_found("team member", id))
}

/// Everyone on the team, by name.
pub fn list(conn: &Connection) -> Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, email, active FROM team_members ORDER BY name COLLATE NOCASE",
    )?;
    let members = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(members)
}

/// The team member named `name` (any case), for CLI flags that take a name.
pub fn find(conn: &Connection, name: &str) -> Result<Option<TeamMember>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, email, active FROM team_members WHERE name = ?1 COLLATE NOCASE",
        )?
        .query_row([name.trim()], row)
        .optional()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TeamMember> {
    Ok(TeamMember {
        id: r.get("id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        active: r.get("active")?,
    })
}

/// Checks that `owner_id`, when given, is on the team.
pub(crate) fn check_owner(
    c: &mut Checker,
    conn: &Connection,
    owner_id: &Option<String>,
) -> Result<Option<String>> {
    let Some(id) = owner_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM team_members WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?;
    if !exists {
        c.fail("owner_id", format!("no team member with id {id}"));
    }
    Ok(Some(id.to_owned()))
}
