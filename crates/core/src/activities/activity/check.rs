//! Checking an activity's input, and the records an activity can be linked to.

use super::*;

/// Records an activity can be linked to: the table (which is also the link's `entity`) and the
/// SQL expression that names one of its rows. Modules that land later add theirs here.
pub(super) const LINKABLE: &[(&str, &str)] = &[
    ("contacts", "trim(first_name || ' ' || last_name)"),
    ("accounts", "name"),
    ("opportunities", "name"),
    ("leads", "name"),
    ("call_list_entries", "name"),
    ("tickets", "'#' || number || ' ' || subject"),
];

/// The name of a linkable record, or `None` when it does not exist.
pub fn record_name(conn: &Connection, entity: &str, id: &str) -> Result<Option<String>> {
    let Some((table, name)) = LINKABLE.iter().find(|(e, _)| *e == entity) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(&format!("SELECT {name} FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// SQL naming the record a link row `l` points at, whatever its kind.
pub(super) fn link_name_sql() -> String {
    let cases: String = LINKABLE
        .iter()
        .map(|(table, name)| {
            format!(" WHEN '{table}' THEN (SELECT {name} FROM {table} WHERE id = l.entity_id)")
        })
        .collect();
    format!("CASE l.entity{cases} END")
}

/// The stored form of an input, checked.
#[derive(Debug, Clone)]
pub(super) struct Valid {
    pub(super) kind: ActivityKind,
    pub(super) subject: String,
    pub(super) notes: Option<String>,
    pub(super) channel: Option<ActivityChannel>,
    pub(super) direction: Option<Direction>,
    pub(super) outcome: Option<CallOutcome>,
    pub(super) starts_at: Option<DateTime<Utc>>,
    pub(super) all_day: bool,
    pub(super) duration_minutes: Option<i64>,
    pub(super) location: Option<String>,
    pub(super) done: bool,
    pub(super) remind_at: Option<DateTime<Utc>>,
    pub(super) repeat: Option<String>,
    pub(super) owner_id: Option<String>,
    pub(super) links: Vec<RecordRef>,
    pub(super) participants: Vec<Participant>,
}

pub(super) fn check(conn: &Connection, input: &ActivityInput, tz: Tz) -> Result<Valid> {
    let mut c = Checker::default();
    let kind = input.kind.unwrap_or(ActivityKind::Task);
    let subject = c.required("subject", &input.subject, SHORT_TEXT_MAX);
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let location = c.text("location", &input.location, SHORT_TEXT_MAX);
    let mut all_day = input.all_day;
    let mut moment = |field: &str, value: &Option<String>, c: &mut Checker| match value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) => match time::parse_input(field, v, tz) {
            Ok((at, date_only)) => {
                if field == "starts_at" && date_only {
                    all_day = true;
                }
                Some(at)
            }
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                None
            }
        },
    };
    let starts_at = moment("starts_at", &input.starts_at, &mut c);
    let remind_at = moment("remind_at", &input.remind_at, &mut c);
    if let Some(d) = input
        .duration_minutes
        .filter(|d| !(0..=60 * 24 * 31).contains(d))
    {
        c.fail(
            "duration_minutes",
            format!("{d} minutes is not a duration Rapport accepts (0 to 31 days)"),
        );
    }
    if input.outcome.is_some() && kind != ActivityKind::Call {
        c.fail("outcome", "only calls have an outcome");
    }
    let repeat = match input
        .repeat
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(rule) => {
            if starts_at.is_none()
                && input
                    .starts_at
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty())
            {
                c.fail("repeat", "a repeating activity needs a start or due time");
            }
            match recurrence::normalize("repeat", rule) {
                Ok(rule) => Some(rule),
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    None
                }
            }
        }
    };
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let mut links: Vec<RecordRef> = Vec::new();
    for (i, link) in input.links.iter().enumerate() {
        let field = format!("links[{i}]");
        if !LINKABLE.iter().any(|(e, _)| *e == link.entity) {
            c.fail(
                &field,
                format!(
                    "activities cannot be linked to \"{}\"; use one of: contacts, accounts, opportunities, leads",
                    link.entity
                ),
            );
            continue;
        }
        if record_name(conn, &link.entity, link.id.trim())?.is_none() {
            c.fail(
                &field,
                format!(
                    "no {} with id {} exists",
                    singular(&link.entity),
                    link.id.trim()
                ),
            );
            continue;
        }
        let link = RecordRef {
            entity: link.entity.clone(),
            id: link.id.trim().to_owned(),
        };
        if !links.contains(&link) {
            links.push(link);
        }
    }
    let mut participants = Vec::new();
    for (i, p) in input.participants.iter().enumerate() {
        let field = format!("participants[{i}]");
        let mut name = p.name.trim().to_owned();
        if let Some(contact) = p.contact_id.as_deref().filter(|s| !s.is_empty()) {
            match record_name(conn, "contacts", contact)? {
                Some(n) if name.is_empty() => name = n,
                Some(_) => {}
                None => c.fail(&field, format!("no contact with id {contact} exists")),
            }
        }
        if let Some(member) = p.member_id.as_deref().filter(|s| !s.is_empty()) {
            let found: Option<String> = conn
                .prepare_cached("SELECT name FROM team_members WHERE id = ?1")?
                .query_row([member], |r| r.get(0))
                .optional()?;
            match found {
                Some(n) if name.is_empty() => name = n,
                Some(_) => {}
                None => c.fail(&field, format!("no team member with id {member} exists")),
            }
        }
        let email = c.text(&format!("{field}.email"), &p.email, SHORT_TEXT_MAX);
        if let Some(e) = &email {
            c.email(&format!("{field}.email"), e);
        }
        if name.is_empty() {
            name = email.clone().unwrap_or_default();
        }
        if name.is_empty() {
            c.fail(
                &field,
                "needs a name, an e-mail address, a contact or a team member",
            );
            continue;
        }
        participants.push(Participant {
            contact_id: p.contact_id.clone().filter(|s| !s.is_empty()),
            member_id: p.member_id.clone().filter(|s| !s.is_empty()),
            name,
            email,
        });
    }
    c.finish()?;
    Ok(Valid {
        kind,
        subject,
        notes,
        channel: input.channel.or_else(|| kind.default_channel()),
        direction: input.direction,
        outcome: input.outcome,
        starts_at,
        all_day: all_day && starts_at.is_some(),
        duration_minutes: input.duration_minutes,
        location,
        done: input.done,
        remind_at,
        repeat,
        owner_id,
        links,
        participants,
    })
}

pub(super) fn singular(entity: &str) -> &str {
    entity.strip_suffix('s').unwrap_or(entity)
}

impl Valid {
    /// The activity's own columns. `done_at` and the reminder are set by the caller, who knows
    /// what was stored before.
    pub(super) fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("kind", Value::Text(self.kind.as_str().to_owned())),
            ("subject", Value::Text(self.subject.clone())),
            ("notes", text(&self.notes)),
            (
                "channel",
                text(&self.channel.map(|c| c.as_str().to_owned())),
            ),
            (
                "direction",
                text(&self.direction.map(|d| d.as_str().to_owned())),
            ),
            (
                "outcome",
                text(&self.outcome.map(|o| o.as_str().to_owned())),
            ),
            ("starts_at", text(&self.starts_at.map(stamp))),
            ("all_day", Value::Integer(i64::from(self.all_day))),
            ("duration_minutes", int(self.duration_minutes)),
            ("location", text(&self.location)),
            ("owner_id", text(&self.owner_id)),
        ]
    }
}
