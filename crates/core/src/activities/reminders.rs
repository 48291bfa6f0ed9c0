//! Reminders on activities. While the app runs it asks [`take_new`] every half minute and shows
//! what comes back as desktop notifications; [`due`] is the in-app list (every reminder that is
//! due and not dismissed). A reminder that fell due while the app was closed is still pending
//! at the next start, so it is shown then, once.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::{self, Activity, ReminderState};
use crate::kernel::error::{Error, Result};
use crate::kernel::time::{self, stamp};
use crate::store::db::Db;

/// A reminder that is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reminder {
    pub activity: Activity,
    pub remind_at: String,
    /// It fell due more than a minute before it was first shown (the app was closed).
    pub missed: bool,
}

fn due_rows(
    conn: &Connection,
    now: DateTime<Utc>,
    states: &[ReminderState],
) -> Result<Vec<Activity>> {
    let states: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let items = conn
        .prepare_cached(&format!(
            "{} WHERE a.reminder_state IN ({}) AND a.remind_at <= ?1 AND a.done_at IS NULL
             ORDER BY a.remind_at, a.id LIMIT 500",
            activity::SELECT,
            states.join(", ")
        ))?
        .query_map([stamp(now)], activity::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    activity::complete_rows(conn, items)
}

fn reminder(a: Activity, now: DateTime<Utc>) -> Reminder {
    let remind_at = a.remind_at.clone().unwrap_or_default();
    let missed =
        time::parse_stamp(&remind_at).is_ok_and(|at| now - at > chrono::Duration::minutes(1));
    Reminder {
        activity: a,
        remind_at,
        missed,
    }
}

/// Every reminder due at `now` and not dismissed, oldest first: the in-app list.
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
    Ok(
        due_rows(conn, now, &[ReminderState::Pending, ReminderState::Shown])?
            .into_iter()
            .map(|a| reminder(a, now))
            .collect(),
    )
}

/// The reminders that fell due and were not yet shown, marked shown: each is returned once,
/// whether it fell due a second ago or while the app was closed.
pub fn take_new(db: &mut Db, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
    let fresh = due_rows(db.conn(), now, &[ReminderState::Pending])?;
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    db.write(|w| {
        for a in &fresh {
            w.update(
                activity::TABLE,
                &a.id,
                &[(
                    "reminder_state",
                    Value::Text(ReminderState::Shown.as_str().into()),
                )],
            )?;
        }
        Ok(())
    })?;
    Ok(fresh.into_iter().map(|a| reminder(a, now)).collect())
}

/// Reminds again at `until` (RFC 3339 or local time in `tz`).
pub fn snooze(db: &mut Db, activity_id: &str, until: &str, tz: Tz) -> Result<Activity> {
    let (at, _) = time::parse_input("until", until, tz)?;
    db.write(|w| {
        let a = activity::get(w.conn(), activity_id)?;
        if a.remind_at.is_none() {
            return Err(Error::invalid(
                "activity",
                format!("\"{}\" has no reminder to snooze", a.subject),
            ));
        }
        w.update(
            activity::TABLE,
            activity_id,
            &[
                ("remind_at", Value::Text(stamp(at))),
                (
                    "reminder_state",
                    Value::Text(ReminderState::Pending.as_str().into()),
                ),
            ],
        )?;
        Ok(())
    })?;
    activity::get(db.conn(), activity_id)
}

/// Stops reminding; the activity itself stays as it is.
pub fn dismiss(db: &mut Db, activity_id: &str) -> Result<Activity> {
    db.write(|w| {
        let a = activity::get(w.conn(), activity_id)?;
        if a.remind_at.is_some() {
            w.update(
                activity::TABLE,
                activity_id,
                &[(
                    "reminder_state",
                    Value::Text(ReminderState::Dismissed.as_str().into()),
                )],
            )?;
        }
        Ok(())
    })?;
    activity::get(db.conn(), activity_id)
}
