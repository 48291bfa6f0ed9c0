//! Lead sources: the list of where leads come from, kept as they are typed.

use super::*;

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
pub(super) fn remember_source(w: &Writer<'_>, name: &str) -> Result<()> {
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
