//! A ticket's SLA clocks: the status history they are counted from, and counting them again.

use super::*;

pub(super) fn history_of(conn: &Connection, id: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT status, entered_at FROM ticket_status_history WHERE ticket_id = ?1
              ORDER BY entered_at, rowid",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(s, at)| Ok((s, parse_stamp(&at)?)))
        .collect()
}

pub(super) fn opt_stamp(text: Option<String>) -> Result<Option<DateTime<Utc>>> {
    text.map(|t| parse_stamp(&t)).transpose()
}

/// The stored figures of the two clocks: first response, then resolution.
pub(super) const CLOCK_COLUMNS: [[&str; 6]; 2] = [
    [
        "fr_target_minutes",
        "fr_due_at",
        "fr_warn_at",
        "fr_left_seconds",
        "fr_met_at",
        "fr_breached_at",
    ],
    [
        "res_target_minutes",
        "res_due_at",
        "res_warn_at",
        "res_left_seconds",
        "res_met_at",
        "res_breached_at",
    ],
];

/// Counts a ticket's two clocks again, as of `now`, and stores the figures.
pub(crate) fn recount(w: &Writer<'_>, id: &str, now: DateTime<Utc>) -> Result<()> {
    let cal = crate::service::hours::calendar(w.conn())?;
    recount_with(w, &cal, id, now)
}

pub(super) fn recount_with(
    w: &Writer<'_>,
    cal: &Calendar,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (account_id, priority, status, responded, resolved): (
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    ) = w.conn().query_row(
        "SELECT account_id, priority, status, first_responded_at, resolved_at FROM tickets WHERE id = ?1",
        [id],
        |r| Ok((r.get("account_id")?, r.get("priority")?, r.get("status")?, r.get("first_responded_at")?, r.get("resolved_at")?)),
    )?;
    let priority = TicketPriority::parse(&priority).unwrap_or(TicketPriority::Normal);
    let status = TicketStatus::parse(&status).unwrap_or(TicketStatus::Open);
    let resolved = if status.done() {
        opt_stamp(resolved)?
    } else {
        None
    };
    let responded = opt_stamp(responded)?.or(resolved);
    let running = crate::service::sla::running_from(&history_of(w.conn(), id)?);
    let targets = crate::service::sla::targets(w.conn(), account_id.as_deref(), priority)?;
    let figures = |target: i64, met: Option<DateTime<Utc>>| {
        crate::service::sla::count(cal, &running, target, met, now)
    };
    let (fr, res) = match targets {
        Some((first, resolution)) => (
            Some((first, figures(first, responded))),
            Some((resolution, figures(resolution, resolved))),
        ),
        None => (None, None),
    };
    // A breach on record stays on record while the target is the same: the ticket being
    // answered or resolved later does not undo it.
    let recorded: [(Option<i64>, Option<String>); 2] = w.conn().query_row(
        "SELECT fr_target_minutes, fr_breached_at, res_target_minutes, res_breached_at
           FROM tickets WHERE id = ?1",
        [id],
        |r| Ok([(r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)]),
    )?;
    let mut fields = Vec::new();
    for ((prefix, clock), (old_target, old_breach)) in
        [("fr", fr), ("res", res)].into_iter().zip(recorded)
    {
        let (target, mut f) = match clock {
            Some((target, f)) => (Some(target), f),
            None => (None, Figures::default()),
        };
        if f.breached_at.is_none() && target.is_some() && target == old_target {
            f.breached_at = opt_stamp(old_breach)?;
        }
        let at = |d: Option<DateTime<Utc>>| d.map_or(Value::Null, |d| Value::Text(stamp(d)));
        let names = if prefix == "fr" {
            CLOCK_COLUMNS[0]
        } else {
            CLOCK_COLUMNS[1]
        };
        fields.push((names[0], target.map_or(Value::Null, Value::Integer)));
        fields.push((names[1], at(f.due_at)));
        fields.push((names[2], at(f.warn_at)));
        fields.push((
            names[3],
            if target.is_some() {
                Value::Integer(f.left_seconds)
            } else {
                Value::Null
            },
        ));
        fields.push((names[4], at(f.met_at)));
        fields.push((names[5], at(f.breached_at)));
    }
    w.update(TABLE, id, &fields)?;
    Ok(())
}

/// Counts every unfinished ticket's clocks again (the policies or the calendar changed).
pub(crate) fn recount_open(w: &Writer<'_>) -> Result<()> {
    let cal = crate::service::hours::calendar(w.conn())?;
    let now = parse_stamp(w.now())?;
    let ids: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM tickets WHERE status IN ('new', 'open', 'waiting')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        recount_with(w, &cal, &id, now)?;
    }
    Ok(())
}

/// Writes down the breaches that happened since the tickets last changed, each dated when
/// its target fell due; returns how many were recorded.
pub fn record_breaches(db: &mut Db, now: DateTime<Utc>) -> Result<usize> {
    let now = stamp(now);
    db.write(|w| {
        let mut recorded = 0;
        for (due, breached) in [
            ("fr_due_at", "fr_breached_at"),
            ("res_due_at", "res_breached_at"),
        ] {
            let rows: Vec<(String, String)> = w
                .conn()
                .prepare_cached(&format!(
                    "SELECT id, {due} FROM tickets WHERE status IN ('new', 'open')
                       AND {due} <= ?1 AND {breached} IS NULL"
                ))?
                .query_map([&now], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, at) in rows {
                w.update(TABLE, &id, &[(breached, Value::Text(at))])?;
                recorded += 1;
            }
        }
        Ok(recorded)
    })
}

pub(super) struct StoredClock {
    pub(super) target: Option<i64>,
    pub(super) due_at: Option<String>,
    pub(super) warn_at: Option<String>,
    pub(super) left: Option<i64>,
    pub(super) met_at: Option<String>,
    pub(super) breached_at: Option<String>,
}

/// One SLA clock of a row holding [`SLA_COLUMNS`]: `fr` (first response) or `res`
/// (resolution).
pub(super) fn stored_clock(row: &Row<'_>, clock: &str) -> rusqlite::Result<StoredClock> {
    let column = |name: &str| format!("{clock}_{name}");
    Ok(StoredClock {
        target: row.get(column("target_minutes").as_str())?,
        due_at: row.get(column("due_at").as_str())?,
        warn_at: row.get(column("warn_at").as_str())?,
        left: row.get(column("left_seconds").as_str())?,
        met_at: row.get(column("met_at").as_str())?,
        breached_at: row.get(column("breached_at").as_str())?,
    })
}

pub(super) fn clock(cal: &Calendar, s: StoredClock, now: DateTime<Utc>) -> Option<SlaClock> {
    let target = s.target?;
    let due = s.due_at.as_deref().and_then(|d| parse_stamp(d).ok());
    let (state, left) = match (&s.met_at, due) {
        (Some(_), _) => (ClockState::Met, s.left.unwrap_or(0)),
        (None, Some(due)) => (
            ClockState::Running,
            crate::service::sla::left_until(cal, now, due),
        ),
        (None, None) => (ClockState::Paused, s.left.unwrap_or(0)),
    };
    let breached_at = s
        .breached_at
        .or_else(|| due.filter(|d| *d <= now).map(stamp));
    let warning = state == ClockState::Running
        && breached_at.is_none()
        && s.warn_at
            .as_deref()
            .and_then(|w| parse_stamp(w).ok())
            .is_some_and(|w| w <= now);
    let target_seconds = (target * 60).max(1);
    Some(SlaClock {
        target_minutes: target,
        state,
        due_at: if state == ClockState::Running {
            s.due_at
        } else {
            None
        },
        seconds_left: left,
        used_percent: (target_seconds - left) * 100 / target_seconds,
        warning,
        breached_at,
        met_at: s.met_at,
    })
}

pub(super) fn sla(cal: &Calendar, fr: StoredClock, res: StoredClock, now: DateTime<Utc>) -> Sla {
    let first_response = clock(cal, fr, now);
    let resolution = clock(cal, res, now);
    let clocks = [&first_response, &resolution];
    Sla {
        breached: clocks
            .iter()
            .any(|c| c.as_ref().is_some_and(|c| c.breached_at.is_some())),
        warning: clocks.iter().any(|c| c.as_ref().is_some_and(|c| c.warning)),
        first_response,
        resolution,
    }
}

pub(super) const SLA_COLUMNS: &str =
    "x.fr_target_minutes, x.fr_due_at, x.fr_warn_at, x.fr_left_seconds,
        x.fr_met_at, x.fr_breached_at, x.res_target_minutes, x.res_due_at, x.res_warn_at,
        x.res_left_seconds, x.res_met_at, x.res_breached_at";

// ---------------------------------------------------------------------------------------------
