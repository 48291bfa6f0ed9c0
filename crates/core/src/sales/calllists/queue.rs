//! The calling queue: a list's entries, the next one to call, and recording a call's outcome
//! (callback, no answer, not interested, promoted to a lead).

use super::*;

const ENTRY_SELECT: &str = "SELECT e.id, e.call_list_id, e.position, e.name, e.company, e.title,
        e.phone, e.email, e.city, e.notes, e.extra, e.status, e.attempts, e.last_called_at,
        e.callback_at, e.lead_id
   FROM call_list_entries e";

fn entry_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let extra: String = r.get("extra")?;
    let details: BTreeMap<String, String> = serde_json::from_str(&extra).unwrap_or_default();
    Ok(Entry {
        id: r.get("id")?,
        call_list_id: r.get("call_list_id")?,
        position: r.get("position")?,
        name: r.get("name")?,
        company: r.get("company")?,
        title: r.get("title")?,
        phone: r.get("phone")?,
        email: r.get("email")?,
        city: r.get("city")?,
        notes: r.get("notes")?,
        details: details.into_iter().collect(),
        status: EntryStatus::parse(&r.get::<_, String>("status")?).unwrap_or(EntryStatus::Pending),
        attempts: r.get("attempts")?,
        last_called_at: r.get("last_called_at")?,
        callback_at: r.get("callback_at")?,
        lead_id: r.get("lead_id")?,
    })
}

pub fn entry(conn: &Connection, id: &str) -> Result<Entry> {
    conn.prepare_cached(&format!("{ENTRY_SELECT} WHERE e.id = ?1"))?
        .query_row([id], entry_row)
        .optional()?
        .ok_or_else(|| Error::not_found("person on a call list", id))
}

/// Which people of a list to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct EntryQuery {
    pub status: Option<EntryStatus>,
    /// Name, company or phone containing this text.
    pub search: Option<String>,
    /// The `position` to continue after.
    #[ts(type = "number | null")]
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

/// The people of a list in file order, a page at a time.
pub fn entries(conn: &Connection, key: &str, query: &EntryQuery) -> Result<Page<Entry>> {
    let list = get(conn, key, Utc::now())?;
    let limit = crate::records::list::limit(query.limit);
    let like = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(crate::records::list::contains_pattern);
    let filter = "e.call_list_id = ?1 AND (?2 IS NULL OR e.status = ?2)
           AND (?3 IS NULL OR e.name LIKE ?3 ESCAPE '\\' OR e.company LIKE ?3 ESCAPE '\\'
                OR e.phone LIKE ?3 ESCAPE '\\')";
    let status = query.status.map(|s| s.as_str().to_owned());
    let mut items: Vec<Entry> = conn
        .prepare_cached(&format!(
            "{ENTRY_SELECT} WHERE {filter} AND e.position > ?4 ORDER BY e.position LIMIT ?5"
        ))?
        .query_map(
            (
                &list.id,
                &status,
                &like,
                query.after.unwrap_or(0),
                i64::from(limit) + 1,
            ),
            entry_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let total = if query.after.is_none() {
        Some(
            conn.prepare_cached(&format!(
                "SELECT count(*) FROM call_list_entries e WHERE {filter}"
            ))?
            .query_row((&list.id, &status, &like), |r| r.get(0))?,
        )
    } else {
        None
    };
    Ok(Page {
        next: if more {
            items.last().map(|e| e.position.to_string())
        } else {
            None
        },
        items,
        total,
        total_capped: false,
    })
}

/// The calls on a person, newest first.
fn history(conn: &Connection, entry_id: &str) -> Result<Vec<Activity>> {
    activity::list(
        conn,
        &activity::ActivityQuery {
            record: Some(RecordRef {
                entity: ENTRIES.into(),
                id: entry_id.to_owned(),
            }),
            limit: Some(50),
            ..Default::default()
        },
    )
}

/// The next person to call on the list: a callback that has fallen due (oldest first), else
/// the first person not yet called, else the person who went unanswered least often. `skip`
/// leaves out people passed over in this session. `None` when the list is done.
pub fn next(
    conn: &Connection,
    key: &str,
    now: DateTime<Utc>,
    skip: &[String],
) -> Result<Option<QueueItem>> {
    let list = get(conn, key, now)?;
    let skip = serde_json::to_string(skip).map_err(|e| Error::Internal(e.to_string()))?;
    let found = conn
        .prepare_cached(&format!(
            "{ENTRY_SELECT} WHERE e.call_list_id = ?1
                AND (e.status = 'pending'
                     OR (e.status = 'no_answer' AND e.attempts < ?2)
                     OR (e.status = 'callback' AND e.callback_at <= ?3))
                AND e.id NOT IN (SELECT value FROM json_each(?4))
              ORDER BY e.status <> 'callback', e.callback_at, e.attempts, e.position
              LIMIT 1"
        ))?
        .query_row((&list.id, list.max_attempts, stamp(now), &skip), entry_row)
        .optional()?;
    let Some(entry) = found else {
        return Ok(None);
    };
    Ok(Some(QueueItem {
        history: history(conn, &entry.id)?,
        entry,
        script: list.script,
        progress: list.progress,
    }))
}

/// Records how the call to the person `entry_id` went, in one transaction: the call is logged
/// on them (a scheduled callback is marked done instead of logging a second call), a callback
/// is scheduled with a reminder, and `interested` creates a lead that takes over the calls.
pub fn record(db: &mut Db, entry_id: &str, input: &CallInput, tz: Tz) -> Result<Called> {
    let mut c = Checker::default();
    let result = input.result;
    if result.is_none() {
        c.fail(
            "result",
            format!("say how the call went: one of {}", CallResult::names()),
        );
    }
    let note = c.text("note", &input.note, NOTES_MAX);
    let callback = match (result, input.callback_at.as_deref().map(str::trim)) {
        (Some(CallResult::CallBack), Some(at)) if !at.is_empty() => {
            match time::parse_input("callback_at", at, tz) {
                Ok((at, _)) => Some(at),
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    None
                }
            }
        }
        (Some(CallResult::CallBack), _) => {
            c.fail("callback_at", "say when to call back");
            None
        }
        _ => None,
    };
    c.finish()?;
    let Some(result) = result else {
        return Err(Error::Internal("no result".into()));
    };
    let called = db.write(|w| {
        let e = entry(w.conn(), entry_id)?;
        if e.status == EntryStatus::Promoted {
            return Err(Error::Conflict(format!(
                "{} was already promoted to a lead; log further calls on the lead.",
                e.name
            )));
        }
        let outcome = match result {
            CallResult::NoAnswer => CallOutcome::NoAnswer,
            CallResult::CallBack => CallOutcome::CallBack,
            CallResult::WrongNumber => CallOutcome::WrongNumber,
            CallResult::NotInterested | CallResult::Interested => CallOutcome::Connected,
        };
        let what = match result {
            CallResult::NoAnswer => "no answer",
            CallResult::CallBack => "asked to be called back",
            CallResult::NotInterested => "not interested",
            CallResult::WrongNumber => "wrong number",
            CallResult::Interested => "interested",
        };
        let me = RecordRef {
            entity: ENTRIES.into(),
            id: e.id.clone(),
        };
        // A callback scheduled earlier is the call now being made.
        let scheduled: Option<String> = w
            .conn()
            .prepare_cached(
                "SELECT a.id FROM activities a JOIN activity_links l ON l.activity_id = a.id
                  WHERE l.entity = 'call_list_entries' AND l.entity_id = ?1
                    AND a.kind = 'call' AND a.done_at IS NULL
                  ORDER BY a.starts_at LIMIT 1",
            )?
            .query_row([&e.id], |r| r.get(0))
            .optional()?;
        let activity_id = match scheduled {
            Some(id) => {
                activity::finish_call(w, &id, outcome, note.as_deref())?;
                w.update(
                    activity::TABLE,
                    &id,
                    &[("subject", Value::Text(format!("Call {}: {what}", e.name)))],
                )?;
                id
            }
            None => activity::create_in(
                w,
                &ActivityInput {
                    kind: Some(ActivityKind::Call),
                    subject: format!("Call {}: {what}", e.name),
                    notes: note.clone(),
                    direction: Some(Direction::Outbound),
                    outcome: Some(outcome),
                    done: true,
                    links: vec![me.clone()],
                    ..Default::default()
                },
                tz,
            )?,
        };
        let callback_id = match callback {
            Some(at) => Some(activity::create_in(
                w,
                &ActivityInput {
                    kind: Some(ActivityKind::Call),
                    subject: format!("Call back {}", e.name),
                    notes: note.clone(),
                    direction: Some(Direction::Outbound),
                    starts_at: Some(stamp(at)),
                    remind_at: Some(stamp(at)),
                    links: vec![me.clone()],
                    ..Default::default()
                },
                tz,
            )?),
            None => None,
        };
        let status = match result {
            CallResult::NoAnswer => EntryStatus::NoAnswer,
            CallResult::CallBack => EntryStatus::Callback,
            CallResult::NotInterested => EntryStatus::NotInterested,
            CallResult::WrongNumber => EntryStatus::WrongNumber,
            CallResult::Interested => EntryStatus::Promoted,
        };
        let lead_id = if result == CallResult::Interested {
            let owner: Option<String> = w
                .conn()
                .prepare_cached("SELECT owner_id FROM call_lists WHERE id = ?1")?
                .query_row([&e.call_list_id], |r| r.get(0))?;
            let mut notes: Vec<String> = e.notes.iter().cloned().collect();
            notes.extend(e.details.iter().map(|(k, v)| format!("{k}: {v}")));
            let lead = LeadInput {
                name: e.name.clone(),
                company: e.company.clone(),
                title: e.title.clone(),
                email: e.email.clone(),
                phone: Some(e.phone.clone()),
                source: Some(leads::CALL_LIST.into()),
                status: Some(LeadStatus::Contacted),
                owner_id: owner,
                notes: (!notes.is_empty()).then(|| notes.join("\n")),
                ..Default::default()
            };
            // An e-mail the lead form refuses must not block the promotion: it goes to notes.
            let id = match leads::create_from(w, &lead, Some(&e.id)) {
                Err(Error::Validation(list)) if list.iter().all(|f| f.field == "email") => {
                    let mut lead = lead.clone();
                    lead.notes = Some(
                        [
                            lead.notes.clone(),
                            e.email.as_ref().map(|m| format!("E-mail: {m}")),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n"),
                    );
                    lead.email = None;
                    leads::create_from(w, &lead, Some(&e.id))?
                }
                other => other?,
            };
            activity::relink(
                w,
                &me,
                &[RecordRef {
                    entity: leads::TABLE.into(),
                    id: id.clone(),
                }],
            )?;
            Some(id)
        } else {
            None
        };
        w.update(
            ENTRIES,
            &e.id,
            &[
                ("status", Value::Text(status.as_str().to_owned())),
                ("attempts", Value::Integer(e.attempts + 1)),
                ("last_called_at", Value::Text(w.now().to_owned())),
                ("callback_at", text(&callback.map(stamp))),
                ("lead_id", text(&lead_id)),
            ],
        )?;
        Ok((activity_id, callback_id, lead_id, w.batch_id().to_owned()))
    })?;
    let (activity_id, callback_id, lead_id, batch_id) = called;
    Ok(Called {
        entry: entry(db.conn(), entry_id)?,
        activity_id,
        callback_id,
        lead_id,
        batch_id,
    })
}
