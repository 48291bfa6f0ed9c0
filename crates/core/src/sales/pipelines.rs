//! Pipelines: the ordered stages a deal moves through, each with a default probability, an
//! optional "rotting" limit (days without activity) and a checklist of suggested activities.
//! Every pipeline ends in one Won and one Lost stage. Lost reasons are a managed list.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::ActivityKind;
use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::{Writer, int};

const PIPELINES: &str = "pipelines";
pub(crate) const STAGES: &str = "pipeline_stages";
const LOST_REASONS: &str = "lost_reasons";

/// Whether a stage holds open deals or closes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StageKind {
    #[default]
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(text: &str) -> StageKind {
        match text {
            "won" => StageKind::Won,
            "lost" => StageKind::Lost,
            _ => StageKind::Open,
        }
    }
}

/// An activity the sales policy suggests on entering a stage ("send pricing" in Proposal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SuggestedActivity {
    pub kind: ActivityKind,
    pub subject: String,
    /// Due this many days after entering the stage.
    #[ts(type = "number")]
    pub due_in_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stage {
    pub id: String,
    pub pipeline_id: String,
    pub name: String,
    #[ts(type = "number")]
    pub position: i64,
    pub kind: StageKind,
    /// Default probability of deals in this stage, in percent.
    #[ts(type = "number")]
    pub probability: i64,
    /// A deal with no activity for this many days is marked as rotting.
    #[ts(type = "number | null")]
    pub rotting_days: Option<i64>,
    pub checklist: Vec<SuggestedActivity>,
    /// How many deals are in this stage now.
    #[ts(type = "number")]
    pub deal_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub stages: Vec<Stage>,
}

/// What the user enters for a stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct StageInput {
    pub name: String,
    #[ts(type = "number")]
    pub probability: i64,
    #[ts(type = "number | null")]
    pub rotting_days: Option<i64>,
    pub checklist: Vec<SuggestedActivity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LostReason {
    pub id: String,
    pub name: String,
}

/// A default stage: name, kind, probability, rotting limit, suggested tasks (subject, due in days).
type DefaultStage = (
    &'static str,
    StageKind,
    i64,
    Option<i64>,
    &'static [(&'static str, i64)],
);

/// The pipeline every new database starts with.
const DEFAULT_STAGES: &[DefaultStage] = &[
    (
        "Prospecting",
        StageKind::Open,
        10,
        Some(14),
        &[("Qualify the need and the budget", 3)],
    ),
    ("Qualification", StageKind::Open, 20, Some(14), &[]),
    ("Needs analysis", StageKind::Open, 40, Some(21), &[]),
    (
        "Proposal sent",
        StageKind::Open,
        60,
        Some(14),
        &[("Send pricing", 0), ("Follow up on the proposal", 3)],
    ),
    ("Negotiation", StageKind::Open, 80, Some(14), &[]),
    ("Won", StageKind::Won, 100, None, &[]),
    ("Lost", StageKind::Lost, 0, None, &[]),
];

const DEFAULT_LOST_REASONS: &[&str] = &[
    "Price",
    "Chose a competitor",
    "No budget",
    "No decision",
    "Timing",
    "Stopped answering",
];

/// Seeds the default pipeline and lost reasons (migration 4, run once in its transaction).
pub(crate) fn seed(conn: &Connection) -> rusqlite::Result<()> {
    let now = crate::kernel::time::now();
    let pipeline = crate::new_id();
    conn.execute(
        "INSERT INTO pipelines (id, name, position, created_at, updated_at) VALUES (?1, 'Sales', 0, ?2, ?2)",
        (&pipeline, &now),
    )?;
    for (i, (name, kind, probability, rotting, checklist)) in DEFAULT_STAGES.iter().enumerate() {
        let checklist: Vec<SuggestedActivity> = checklist
            .iter()
            .map(|(subject, days)| SuggestedActivity {
                kind: ActivityKind::Task,
                subject: (*subject).to_owned(),
                due_in_days: *days,
            })
            .collect();
        conn.execute(
            "INSERT INTO pipeline_stages (id, pipeline_id, name, position, kind, probability,
                                          rotting_days, checklist, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            (
                crate::new_id(),
                &pipeline,
                name,
                i as i64,
                kind.as_str(),
                probability,
                rotting,
                serde_json::to_string(&checklist).unwrap_or_else(|_| "[]".into()),
                &now,
            ),
        )?;
    }
    for (i, name) in DEFAULT_LOST_REASONS.iter().enumerate() {
        conn.execute(
            "INSERT INTO lost_reasons (id, name, position, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            (crate::new_id(), name, i as i64, &now),
        )?;
    }
    Ok(())
}

/// The pipeline's stages; with `counts`, how many deals each holds (a scan of its deals, so
/// only for screens that show it, never on the write path).
fn stages_of(conn: &Connection, pipeline_id: &str, counts: bool) -> Result<Vec<Stage>> {
    let count = if counts {
        "(SELECT count(*) FROM opportunities o WHERE o.stage_id = s.id)"
    } else {
        "0"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.pipeline_id, s.name, s.position, s.kind, s.probability, s.rotting_days,
                s.checklist, {count} AS deal_count
           FROM pipeline_stages s WHERE s.pipeline_id = ?1 ORDER BY s.position, s.id"
    ))?;
    let stages = stmt
        .query_map([pipeline_id], |r| {
            let checklist: String = r.get("checklist")?;
            Ok(Stage {
                id: r.get("id")?,
                pipeline_id: r.get("pipeline_id")?,
                name: r.get("name")?,
                position: r.get("position")?,
                kind: StageKind::parse(&r.get::<_, String>("kind")?),
                probability: r.get("probability")?,
                rotting_days: r.get("rotting_days")?,
                checklist: serde_json::from_str(&checklist).unwrap_or_default(),
                deal_count: r.get("deal_count")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(stages)
}

/// A pipeline with its stages and how many deals each holds.
pub fn get(conn: &Connection, id: &str) -> Result<Pipeline> {
    load(conn, id, true)
}

fn load(conn: &Connection, id: &str, counts: bool) -> Result<Pipeline> {
    let name: String = conn
        .prepare_cached("SELECT name FROM pipelines WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("pipeline", id))?;
    Ok(Pipeline {
        id: id.to_owned(),
        name,
        stages: stages_of(conn, id, counts)?,
    })
}

/// Every pipeline, the default (first) one first.
pub fn list(conn: &Connection) -> Result<Vec<Pipeline>> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM pipelines ORDER BY position, name COLLATE NOCASE")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| get(conn, id)).collect()
}

/// The pipeline named or identified by `key` (any case), or the default one when `None`; its
/// stages' `deal_count` is not filled in.
pub fn find(conn: &Connection, key: Option<&str>) -> Result<Pipeline> {
    let id: Option<String> = match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => conn
            .prepare_cached("SELECT id FROM pipelines WHERE id = ?1 OR name = ?1 COLLATE NOCASE")?
            .query_row([k], |r| r.get(0))
            .optional()?,
        None => conn
            .prepare_cached("SELECT id FROM pipelines ORDER BY position LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?,
    };
    match id {
        Some(id) => load(conn, &id, false),
        None => Err(Error::invalid(
            "pipeline",
            format!("no pipeline is called \"{}\"", key.unwrap_or_default()),
        )),
    }
}

/// The stage named or identified by `key` in `pipeline` (any case).
pub fn stage(pipeline: &Pipeline, key: &str) -> Result<Stage> {
    let key = key.trim();
    pipeline
        .stages
        .iter()
        .find(|s| s.id == key || s.name.eq_ignore_ascii_case(key))
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
            Error::invalid(
                "stage",
                format!(
                    "the {} pipeline has no stage \"{key}\"; its stages are: {}",
                    pipeline.name,
                    names.join(", ")
                ),
            )
        })
}

pub(crate) fn stage_by_id(conn: &Connection, id: &str) -> Result<Stage> {
    let pipeline_id: String = conn
        .prepare_cached("SELECT pipeline_id FROM pipeline_stages WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("stage", id))?;
    stage(&load(conn, &pipeline_id, false)?, id)
}

fn check_stage(c: &mut Checker, input: &StageInput) -> (String, Vec<(&'static str, Value)>) {
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    if !(0..=100).contains(&input.probability) {
        c.fail(
            "probability",
            format!("{} is not a percentage from 0 to 100", input.probability),
        );
    }
    if let Some(d) = input.rotting_days.filter(|d| *d <= 0) {
        c.fail(
            "rotting_days",
            format!("{d} is not a number of days; leave it empty for no limit"),
        );
    }
    for (i, s) in input.checklist.iter().enumerate() {
        c.required(
            &format!("checklist.{i}.subject"),
            &s.subject,
            SHORT_TEXT_MAX,
        );
        if !(0..=365).contains(&s.due_in_days) {
            c.fail(
                format!("checklist.{i}.due_in_days"),
                "should be 0 to 365 days",
            );
        }
    }
    let checklist = serde_json::to_string(&input.checklist).unwrap_or_else(|_| "[]".into());
    (
        name.clone(),
        vec![
            ("name", Value::Text(name)),
            ("probability", Value::Integer(input.probability)),
            ("rotting_days", int(input.rotting_days)),
            ("checklist", Value::Text(checklist)),
        ],
    )
}

fn name_taken(
    conn: &Connection,
    pipeline_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM pipeline_stages WHERE pipeline_id = ?1
                AND name = ?2 COLLATE NOCASE AND id IS NOT ?3)",
        )?
        .query_row((pipeline_id, name.trim(), except), |r| r.get(0))?)
}

/// A new pipeline with one open stage, Won and Lost.
pub fn create(db: &mut Db, name: &str) -> Result<Pipeline> {
    let id = db.write(|w| {
        let mut c = Checker::default();
        let name = c.required("name", name, SHORT_TEXT_MAX);
        let taken: bool = w
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM pipelines WHERE name = ?1 COLLATE NOCASE)",
            )?
            .query_row([&name], |r| r.get(0))?;
        if taken {
            c.fail("name", format!("a pipeline called {name} already exists"));
        }
        c.finish()?;
        let id = crate::new_id();
        let position: i64 = w.conn().query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM pipelines",
            [],
            |r| r.get(0),
        )?;
        w.insert(
            PIPELINES,
            &id,
            &[
                ("name", Value::Text(name)),
                ("position", Value::Integer(position)),
            ],
        )?;
        for (i, (stage, kind, p)) in [
            ("New", StageKind::Open, 10),
            ("Won", StageKind::Won, 100),
            ("Lost", StageKind::Lost, 0),
        ]
        .into_iter()
        .enumerate()
        {
            w.insert(
                STAGES,
                &crate::new_id(),
                &[
                    ("pipeline_id", Value::Text(id.clone())),
                    ("name", Value::Text(stage.into())),
                    ("position", Value::Integer(i as i64)),
                    ("kind", Value::Text(kind.as_str().into())),
                    ("probability", Value::Integer(p)),
                ],
            )?;
        }
        Ok(id)
    })?;
    get(db.conn(), &id)
}

/// Adds an open stage before the pipeline's Won and Lost stages (or at `position`).
pub fn add_stage(
    db: &mut Db,
    pipeline_id: &str,
    input: &StageInput,
    position: Option<usize>,
) -> Result<Pipeline> {
    db.write(|w| {
        let p = load(w.conn(), pipeline_id, false)?;
        let mut c = Checker::default();
        let (name, fields) = check_stage(&mut c, input);
        if name_taken(w.conn(), pipeline_id, &name, None)? {
            c.fail(
                "name",
                format!("the {} pipeline already has a stage called {name}", p.name),
            );
        }
        c.finish()?;
        let open = p
            .stages
            .iter()
            .filter(|s| s.kind == StageKind::Open)
            .count();
        let at = position.unwrap_or(open).min(open);
        let id = crate::new_id();
        let mut all = fields;
        all.push(("pipeline_id", Value::Text(pipeline_id.to_owned())));
        all.push(("position", Value::Integer(at as i64)));
        all.push(("kind", Value::Text(StageKind::Open.as_str().into())));
        w.insert(STAGES, &id, &all)?;
        let mut order: Vec<String> = p.stages.iter().map(|s| s.id.clone()).collect();
        order.insert(at, id);
        renumber(w, &order)
    })?;
    get(db.conn(), pipeline_id)
}

/// Renames a stage or changes its probability, rotting limit or checklist.
pub fn update_stage(db: &mut Db, stage_id: &str, input: &StageInput) -> Result<Pipeline> {
    let s = stage_by_id(db.conn(), stage_id)?;
    db.write(|w| {
        let mut c = Checker::default();
        let (name, fields) = check_stage(&mut c, input);
        if name_taken(w.conn(), &s.pipeline_id, &name, Some(stage_id))? {
            c.fail("name", format!("another stage is already called {name}"));
        }
        c.finish()?;
        w.update(STAGES, stage_id, &fields)?;
        Ok(())
    })?;
    get(db.conn(), &s.pipeline_id)
}

fn renumber(w: &Writer<'_>, order: &[String]) -> Result<()> {
    for (i, id) in order.iter().enumerate() {
        w.update(STAGES, id, &[("position", Value::Integer(i as i64))])?;
    }
    Ok(())
}

/// Puts the pipeline's stages in this order (every stage, once). Won and Lost stay last.
pub fn reorder_stages(db: &mut Db, pipeline_id: &str, order: &[String]) -> Result<Pipeline> {
    db.write(|w| {
        let p = load(w.conn(), pipeline_id, false)?;
        let mut given: Vec<&String> = order.iter().collect();
        given.sort();
        given.dedup();
        let mut known: Vec<&String> = p.stages.iter().map(|s| &s.id).collect();
        known.sort();
        if given != known || order.len() != p.stages.len() {
            return Err(Error::invalid(
                "order",
                "name every stage of the pipeline exactly once",
            ));
        }
        let kinds: Vec<StageKind> = order
            .iter()
            .filter_map(|id| p.stages.iter().find(|s| &s.id == id).map(|s| s.kind))
            .collect();
        let first_closed = kinds
            .iter()
            .position(|k| *k != StageKind::Open)
            .unwrap_or(kinds.len());
        if kinds[first_closed..].contains(&StageKind::Open) {
            return Err(Error::invalid(
                "order",
                "Won and Lost come after every open stage",
            ));
        }
        renumber(w, order)
    })?;
    get(db.conn(), pipeline_id)
}

/// Removes a stage. Deals in it are moved to `move_to` first (in the same save); without it,
/// a stage that still holds deals is refused, so no deal is ever lost. Won and Lost stay.
pub fn remove_stage(db: &mut Db, stage_id: &str, move_to: Option<&str>) -> Result<Pipeline> {
    let s = stage_by_id(db.conn(), stage_id)?;
    if s.kind != StageKind::Open {
        return Err(Error::invalid(
            "stage",
            format!(
                "{} closes deals; every pipeline keeps its Won and Lost stages",
                s.name
            ),
        ));
    }
    db.write(|w| {
        let p = load(w.conn(), &s.pipeline_id, false)?;
        if p.stages
            .iter()
            .filter(|x| x.kind == StageKind::Open)
            .count()
            == 1
        {
            return Err(Error::invalid(
                "stage",
                "a pipeline needs at least one open stage",
            ));
        }
        let deals: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM opportunities WHERE stage_id = ?1")?
            .query_map([stage_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !deals.is_empty() {
            let Some(target) = move_to else {
                let what = match deals.len() {
                    1 => "1 deal is".to_owned(),
                    n => format!("{n} deals are"),
                };
                return Err(Error::Conflict(format!(
                    "{what} in {}; choose the stage to move them to before removing it",
                    s.name
                )));
            };
            let target = stage(&p, target)?;
            if target.id == s.id || target.kind != StageKind::Open {
                return Err(Error::invalid(
                    "move_to",
                    "move the deals to another open stage",
                ));
            }
            for deal in &deals {
                crate::sales::opportunities::enter_stage(w, deal, &target)?;
            }
        }
        let visits: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM opportunity_stage_history WHERE stage_id = ?1")?
            .query_map([stage_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for v in visits {
            // The stage's past visits go with it; deals keep the rest of their history.
            w.delete("opportunity_stage_history", &v)?;
        }
        w.delete(STAGES, stage_id)?;
        let order: Vec<String> = p
            .stages
            .iter()
            .filter(|x| x.id != s.id)
            .map(|x| x.id.clone())
            .collect();
        renumber(w, &order)
    })?;
    get(db.conn(), &s.pipeline_id)
}

/// The lost reasons offered when a deal is lost, in order.
pub fn lost_reasons(conn: &Connection) -> Result<Vec<LostReason>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, name FROM lost_reasons WHERE archived_at IS NULL ORDER BY position, name",
        )?
        .query_map([], |r| {
            Ok(LostReason {
                id: r.get("id")?,
                name: r.get("name")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Adds a lost reason (or brings back an archived one of that name).
pub fn add_lost_reason(db: &mut Db, name: &str) -> Result<LostReason> {
    let id = db.write(|w| add_lost_reason_in(w, name))?;
    lost_reasons(db.conn())?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Error::not_found("lost reason", id))
}

/// Finds the lost reason named `name` (offering it again if it was archived) or adds it;
/// returns its id.
pub(crate) fn add_lost_reason_in(w: &Writer<'_>, name: &str) -> Result<String> {
    {
        let mut c = Checker::default();
        let name = c.required("name", name, SHORT_TEXT_MAX);
        c.finish()?;
        let existing: Option<String> = w
            .conn()
            .prepare_cached("SELECT id FROM lost_reasons WHERE name = ?1 COLLATE NOCASE")?
            .query_row([&name], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            w.update(LOST_REASONS, &id, &[("archived_at", Value::Null)])?;
            return Ok(id);
        }
        let position: i64 = w.conn().query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM lost_reasons",
            [],
            |r| r.get(0),
        )?;
        let id = crate::new_id();
        w.insert(
            LOST_REASONS,
            &id,
            &[
                ("name", Value::Text(name)),
                ("position", Value::Integer(position)),
            ],
        )?;
        Ok(id)
    }
}

/// Stops offering a lost reason; deals lost for it keep it.
pub fn archive_lost_reason(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| {
        w.update(
            LOST_REASONS,
            id,
            &[("archived_at", Value::Text(w.now().to_owned()))],
        )?;
        Ok(())
    })
}

/// The lost reason named or identified by `key` (any case).
pub fn find_lost_reason(conn: &Connection, key: &str) -> Result<LostReason> {
    let key = key.trim();
    let all = lost_reasons(conn)?;
    all.iter()
        .find(|r| r.id == key || r.name.eq_ignore_ascii_case(key))
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
            Error::invalid(
                "lost_reason",
                format!(
                    "\"{key}\" is not a lost reason; the reasons are: {}",
                    names.join(", ")
                ),
            )
        })
}
