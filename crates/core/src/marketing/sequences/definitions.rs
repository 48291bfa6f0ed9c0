//! Sequence definitions: checking, creating, updating and deleting a sequence with its steps,
//! and reading them back.

use super::*;

/// A sequence's columns, and its steps as (template id, delay in days).
type Checked = (Vec<(&'static str, Value)>, Vec<(String, i64)>);

fn check(conn: &Connection, input: &SequenceInput, id: Option<&str>) -> Result<Checked> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    crate::store::writer::unique_name(&mut c, conn, TABLE, "sequence", &name, id)?;
    let source = c.text("lead_source", &input.lead_source, SHORT_TEXT_MAX);
    let campaign = match input.lead_campaign.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => match crate::marketing::campaigns::find(conn, key) {
            Ok(found) => Some(found.id),
            Err(e) => {
                c.fail("lead_campaign", e.to_string());
                None
            }
        },
    };
    if input.steps.is_empty() {
        c.fail(
            "steps",
            "add at least one step: a template and its delay in days",
        );
    }
    let mut steps = Vec::new();
    for (i, step) in input.steps.iter().enumerate() {
        match crate::marketing::templates::find(conn, &step.template) {
            Ok(t) => steps.push((t.id, step.delay_days)),
            Err(e) => c.fail(format!("steps.{i}.template"), e.to_string()),
        }
        if !(0..=365).contains(&step.delay_days) {
            c.fail(
                format!("steps.{i}.delay_days"),
                format!(
                    "the delay is {} days: it must be from 0 to 365 days after the step before",
                    step.delay_days
                ),
            );
        }
    }
    c.finish()?;
    Ok((
        vec![
            ("name", Value::Text(name)),
            (
                "status",
                Value::Text(
                    input
                        .status
                        .unwrap_or(SequenceStatus::Active)
                        .as_str()
                        .into(),
                ),
            ),
            (
                "enrol_new_leads",
                Value::Integer(input.enrol_new_leads.into()),
            ),
            ("lead_source", text(&source)),
            ("lead_campaign_id", text(&campaign)),
        ],
        steps,
    ))
}

fn write_steps(w: &Writer<'_>, id: &str, steps: &[(String, i64)]) -> Result<()> {
    let old: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM sequence_steps WHERE sequence_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in old {
        w.delete("sequence_steps", &row)?;
    }
    for (i, (template, delay)) in steps.iter().enumerate() {
        w.insert(
            "sequence_steps",
            &crate::new_id(),
            &[
                ("sequence_id", Value::Text(id.to_owned())),
                ("position", Value::Integer(i as i64 + 1)),
                ("template_id", Value::Text(template.clone())),
                ("delay_days", Value::Integer(*delay)),
            ],
        )?;
    }
    Ok(())
}

pub fn create(db: &mut Db, input: &SequenceInput) -> Result<Sequence> {
    let (fields, steps) = check(db.conn(), input, None)?;
    let id = crate::new_id();
    db.write(|w| {
        w.insert(TABLE, &id, &fields)?;
        write_steps(w, &id, &steps)
    })?;
    get(db.conn(), &id)
}

/// Changes a sequence. Its running enrolments go on from the step they are at, with the new
/// steps; one past the last step completes at its next run.
pub fn update(db: &mut Db, id: &str, input: &SequenceInput) -> Result<Sequence> {
    get(db.conn(), id)?;
    let (fields, steps) = check(db.conn(), input, Some(id))?;
    db.write(|w| {
        w.update(TABLE, id, &fields)?;
        write_steps(w, id, &steps)
    })?;
    get(db.conn(), id)
}

/// Deletes a sequence nobody was enrolled in; one that ran is paused instead, so its history
/// stays.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    let s = get(db.conn(), id)?;
    if s.active + s.completed + s.stopped > 0 {
        return Err(Error::Conflict(format!(
            "\"{}\" has enrolments and sent messages; pause it instead, so its history stays",
            s.name
        )));
    }
    db.write(|w| {
        write_steps(w, id, &[])?;
        crate::store::links::release(w, TABLE, id)?;
        w.delete(TABLE, id)
    })
}

const SELECT: &str = "SELECT s.id, s.name, s.status, s.enrol_new_leads, s.lead_source,
        s.lead_campaign_id, s.created_at, s.updated_at,
        (SELECT count(*) FROM sequence_enrolments e WHERE e.sequence_id = s.id AND e.status = 'active') AS active,
        (SELECT count(*) FROM sequence_enrolments e WHERE e.sequence_id = s.id AND e.status = 'completed') AS completed,
        (SELECT count(*) FROM sequence_enrolments e WHERE e.sequence_id = s.id AND e.status = 'stopped') AS stopped
   FROM sequences s";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Sequence> {
    Ok(Sequence {
        id: r.get("id")?,
        name: r.get("name")?,
        status: SequenceStatus::parse(&r.get::<_, String>("status")?)
            .unwrap_or(SequenceStatus::Paused),
        enrol_new_leads: r.get("enrol_new_leads")?,
        lead_source: r.get("lead_source")?,
        lead_campaign_id: r.get("lead_campaign_id")?,
        steps: Vec::new(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        active: r.get("active")?,
        completed: r.get("completed")?,
        stopped: r.get("stopped")?,
    })
}

fn steps_of(conn: &Connection, id: &str) -> Result<Vec<SequenceStep>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.position, p.template_id, t.name AS template_name, p.delay_days
           FROM sequence_steps p JOIN email_templates t ON t.id = p.template_id
          WHERE p.sequence_id = ?1 ORDER BY p.position",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(SequenceStep {
            position: r.get("position")?,
            template_id: r.get("template_id")?,
            template_name: r.get("template_name")?,
            delay_days: r.get("delay_days")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Sequence> {
    let mut s = conn
        .prepare_cached(&format!("{SELECT} WHERE s.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("sequence", id))?;
    s.steps = steps_of(conn, id)?;
    Ok(s)
}

/// The sequence with this id or name (any case).
pub fn find(conn: &Connection, name_or_id: &str) -> Result<Sequence> {
    crate::store::writer::find_named(conn, TABLE, "sequence", "sequences", name_or_id, get)
}

pub fn list(conn: &Connection) -> Result<Vec<Sequence>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} ORDER BY s.name COLLATE NOCASE, s.id"))?;
    let mut out: Vec<Sequence> = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for s in &mut out {
        s.steps = steps_of(conn, &s.id)?;
    }
    Ok(out)
}
