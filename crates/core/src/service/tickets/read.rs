//! Reading one ticket: its fields, SLA figures, conversation and history.

use super::*;

pub(super) fn parse_or<T: Copy>(text: String, parse: fn(&str) -> Option<T>, default: T) -> T {
    parse(&text).unwrap_or(default)
}

pub(super) fn ticket_from_row(
    row: &Row<'_>,
    cal: &Calendar,
    now: DateTime<Utc>,
) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: row.get("id")?,
        number: row.get("number")?,
        subject: row.get("subject")?,
        description: row.get("description")?,
        account_id: row.get("account_id")?,
        account_name: row.get("account_name")?,
        contact_id: row.get("contact_id")?,
        contact_name: row.get("contact_name")?,
        contact_email: None,
        product: row.get("product")?,
        channel: parse_or(
            row.get("channel")?,
            TicketChannel::parse,
            TicketChannel::Email,
        ),
        category: parse_or(
            row.get("category")?,
            TicketCategory::parse,
            TicketCategory::Question,
        ),
        priority: parse_or(
            row.get("priority")?,
            TicketPriority::parse,
            TicketPriority::Normal,
        ),
        status: parse_or(row.get("status")?, TicketStatus::parse, TicketStatus::Open),
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        callback_activity_id: row.get("callback_activity_id")?,
        callback_at: row.get("callback_at")?,
        resolve_on_callback: row.get("resolve_on_callback")?,
        first_responded_at: row.get("first_responded_at")?,
        resolved_at: row.get("resolved_at")?,
        closed_at: row.get("closed_at")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        sla: sla(
            cal,
            stored_clock(row, "fr")?,
            stored_clock(row, "res")?,
            now,
        ),
        tags: Vec::new(),
        custom: CustomValues::new(),
        messages: Vec::new(),
        history: Vec::new(),
    })
}

/// A ticket with its conversation and history, its SLA figures as of `now`.
pub fn get(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Ticket> {
    let cal = crate::service::hours::calendar(conn)?;
    let mut ticket = conn
        .prepare_cached(&format!(
            "SELECT x.id, x.number, x.subject, x.description, x.account_id, a.name AS account_name,
                    x.contact_id, trim(c.first_name || ' ' || c.last_name) AS contact_name,
                    x.product, x.channel, x.category, x.priority, x.status, x.owner_id,
                    t.name AS owner_name, x.callback_activity_id, act.starts_at AS callback_at,
                    x.resolve_on_callback, x.first_responded_at, x.resolved_at,
                    x.closed_at, x.created_at, x.updated_at, {SLA_COLUMNS}
               FROM tickets x
               LEFT JOIN accounts a ON a.id = x.account_id
               LEFT JOIN contacts c ON c.id = x.contact_id
               LEFT JOIN team_members t ON t.id = x.owner_id
               LEFT JOIN activities act ON act.id = x.callback_activity_id
              WHERE x.id = ?1"
        ))?
        .query_row([id], |r| ticket_from_row(r, &cal, now))
        .optional()?
        .ok_or_else(|| Error::not_found("ticket", id))?;
    ticket.contact_email = match &ticket.contact_id {
        Some(c) => conn
            .prepare_cached(
                "SELECT address FROM contact_emails WHERE contact_id = ?1 ORDER BY position LIMIT 1",
            )?
            .query_row([c], |r| r.get(0))
            .optional()?,
        None => None,
    };
    ticket.tags = crate::records::tags::of(conn, TABLE, id)?;
    ticket.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    ticket.messages = conn
        .prepare_cached(
            "SELECT m.id, m.kind, m.body, m.author_id, t.name AS author_name, m.created_at
               FROM ticket_messages m
               LEFT JOIN team_members t ON t.id = m.author_id
              WHERE m.ticket_id = ?1 ORDER BY m.created_at, m.rowid",
        )?
        .query_map([id], |r| {
            Ok(TicketMessage {
                id: r.get("id")?,
                kind: parse_or(r.get("kind")?, MessageKind::parse, MessageKind::Note),
                body: r.get("body")?,
                author_id: r.get("author_id")?,
                author_name: r.get("author_name")?,
                created_at: r.get("created_at")?,
                mail_status: None,
                mail_problem: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for m in &mut ticket.messages {
        if let Some((status, problem)) = crate::marketing::outbox::service_mail_state(conn, &m.id)?
        {
            m.mail_status = Some(status);
            m.mail_problem = problem;
        }
    }
    ticket.history = conn
        .prepare_cached(
            "SELECT status, entered_at FROM ticket_status_history WHERE ticket_id = ?1
              ORDER BY entered_at, rowid",
        )?
        .query_map([id], |r| {
            Ok(StatusChange {
                status: parse_or(r.get(0)?, TicketStatus::parse, TicketStatus::Open),
                entered_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ticket)
}

/// A ticket by its number (`12` or `#12`) or its id.
pub fn find(conn: &Connection, number_or_id: &str) -> Result<String> {
    let key = number_or_id.trim().trim_start_matches('#');
    if let Ok(number) = key.parse::<i64>()
        && let Some(id) = conn
            .prepare_cached("SELECT id FROM tickets WHERE number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?
    {
        return Ok(id);
    }
    stored_status(conn, key)?;
    Ok(key.to_owned())
}

impl From<&Ticket> for TicketInput {
    fn from(t: &Ticket) -> Self {
        TicketInput {
            subject: t.subject.clone(),
            description: t.description.clone(),
            account_id: t.account_id.clone(),
            contact_id: t.contact_id.clone(),
            product: t.product.clone(),
            channel: Some(t.channel),
            category: Some(t.category),
            priority: Some(t.priority),
            status: Some(t.status),
            owner_id: t.owner_id.clone(),
            callback_at: None,
            resolve_on_callback: Some(t.resolve_on_callback),
            tags: t.tags.clone(),
            custom: t.custom.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
