//! What mail to the support and lead-capture addresses opens: a ticket, or a lead.
//!
//! **Support.** A customer's mail (not an automatic one) to the support address is added to
//! its ticket when it answers a message of one (by In-Reply-To and References) or names one
//! in its subject (`[#123]`), as a customer's message: a ticket waiting on the customer opens
//! again. Otherwise it opens a ticket (channel e-mail) for the sender's contact, made when
//! there is none, with its SLA clocks counted from the mail's date.
//!
//! **Lead capture.** A mail to the capture address from someone who is neither a contact nor
//! a lead yet becomes a lead: its sender's name and address, the subject and text as notes,
//! source "E-mail". A web form's notification (lines of `Field: value`) fills the lead's
//! fields by the leads import's mapping instead, source "Web form". A second mail from the
//! same address is on that lead's timeline (the sender is a lead now), not another lead.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::activities::activity::RecordRef;
use crate::kernel::error::Result;
use crate::kernel::validate::{NOTES_MAX, SHORT_TEXT_MAX, clip};
use crate::people::contacts::{self, ContactInput, EmailEntry};
use crate::sales::leads::{self, LeadInput};
use crate::service::tickets::{self, MessageInput, MessageKind, TicketChannel, TicketInput};
use crate::store::writer::Writer;

use super::parse::Incoming;

/// Opens or continues the ticket or lead the message asks for, and adds it to `links`.
pub(super) fn route_in(
    w: &Writer<'_>,
    m: &Incoming,
    support: Option<&str>,
    capture: Option<&str>,
    links: &mut Vec<RecordRef>,
) -> Result<()> {
    let to =
        |address: Option<&str>| address.is_some_and(|a| m.to.iter().chain(&m.cc).any(|x| x == a));
    if m.automatic || m.from.is_none() {
        return Ok(());
    }
    if to(support) {
        let ticket = ticket_in(w, m, links)?;
        push(links, "tickets", ticket);
    }
    if to(capture)
        && !links
            .iter()
            .any(|r| r.entity == "contacts" || r.entity == "leads")
    {
        let lead = lead_in(w, m)?;
        push(links, "leads", lead);
    }
    Ok(())
}

fn push(links: &mut Vec<RecordRef>, entity: &str, id: String) {
    if !links.iter().any(|r| r.entity == entity && r.id == id) {
        links.push(RecordRef {
            entity: entity.to_owned(),
            id,
        });
    }
}

/// The ticket the message continues, else a new one; returns its id.
fn ticket_in(w: &Writer<'_>, m: &Incoming, links: &mut Vec<RecordRef>) -> Result<String> {
    let body = if m.text.trim().is_empty() {
        m.subject.clone()
    } else {
        clip(&m.text, NOTES_MAX)
    };
    let body = if body.trim().is_empty() {
        "(an empty message)".to_owned()
    } else {
        body
    };
    if let Some(ticket) = continued_ticket(w, m)? {
        tickets::add_message_in(
            w,
            &ticket,
            &MessageInput {
                kind: Some(MessageKind::Customer),
                body,
                ..Default::default()
            },
        )?;
        return Ok(ticket);
    }
    let contact = match links.iter().find(|r| r.entity == "contacts") {
        Some(c) => c.id.clone(),
        None => {
            let id = sender_contact_in(w, m)?;
            push(links, "contacts", id.clone());
            id
        }
    };
    let account: Option<String> = w.conn().query_row(
        "SELECT account_id FROM contacts WHERE id = ?1",
        [&contact],
        |r| r.get(0),
    )?;
    let subject = if m.subject.trim().is_empty() {
        "(no subject)".to_owned()
    } else {
        clip(&m.subject, SHORT_TEXT_MAX)
    };
    let ticket = tickets::create_in(
        w,
        &TicketInput {
            subject,
            description: Some(body),
            account_id: account,
            contact_id: Some(contact),
            channel: Some(TicketChannel::Email),
            ..Default::default()
        },
    )?;
    if let Some(date) = &m.date {
        tickets::opened_at_in(w, &ticket, date)?;
    }
    Ok(ticket)
}

/// The ticket a message answers (a mail of its conversation was kept on it, or it answers a
/// reply sent from it) or names in its subject (`[#123]`).
fn continued_ticket(w: &Writer<'_>, m: &Incoming) -> Result<Option<String>> {
    for id in m.answers() {
        let found: Option<String> = w
            .conn()
            .prepare_cached(
                "SELECT l.entity_id FROM mail_messages mm
                   JOIN activity_links l ON l.activity_id = mm.activity_id AND l.entity = 'tickets'
                  WHERE mm.message_id = ?1 LIMIT 1",
            )?
            .query_row([&id], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
        // An answer to a reply the outbox sent from the ticket.
        if let Some(outbox) = crate::marketing::outbox::outbox_id(&id) {
            let found: Option<String> = w
                .conn()
                .prepare_cached(
                    "SELECT m.ticket_id FROM outbox o
                       JOIN ticket_messages m ON m.id = o.ticket_message_id WHERE o.id = ?1",
                )?
                .query_row([outbox], |r| r.get(0))
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    match ticket_number(&m.subject) {
        Some(n) => tickets::by_number(w.conn(), n),
        None => Ok(None),
    }
}

/// `Re: [#123] Broken oven` → 123.
fn ticket_number(subject: &str) -> Option<i64> {
    let mut rest = subject;
    while let Some(at) = rest.find("[#") {
        rest = &rest[at + 2..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
    }
    None
}

/// A contact for a sender Rapport does not know: the name the mail gives, and its address.
fn sender_contact_in(w: &Writer<'_>, m: &Incoming) -> Result<String> {
    let (address, name) = m.from.clone().unwrap_or_default();
    let (first, last) = split_name(&name, &address);
    contacts::create_in(
        w,
        &ContactInput {
            first_name: first,
            last_name: last,
            emails: vec![EmailEntry {
                label: "work".into(),
                address,
            }],
            ..Default::default()
        },
    )
}

/// "Jan Kowalski" → ("Jan", "Kowalski"); "Kowalski, Jan" → ("Jan", "Kowalski"); no name: the
/// address's part before the `@` as the last name.
fn split_name(name: &str, address: &str) -> (String, String) {
    let name = clip(name.trim().trim_matches('"').trim(), SHORT_TEXT_MAX);
    if name.is_empty() || name.contains('@') {
        let local = address.split('@').next().unwrap_or(address);
        return (String::new(), clip(local, SHORT_TEXT_MAX));
    }
    if let Some((last, first)) = name.split_once(", ") {
        return (first.trim().to_owned(), last.trim().to_owned());
    }
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), name),
    }
}

/// A lead from a mail to the capture address (a form's fields when it is a notification).
fn lead_in(w: &Writer<'_>, m: &Incoming) -> Result<String> {
    let fields = form_fields(&m.text);
    let from_form = if fields.len() >= 2 {
        crate::data::import::lead_from_form(w.conn(), &fields)?
    } else {
        None
    };
    let input = match from_form {
        Some(mut lead) => {
            lead.source.get_or_insert_with(|| "Web form".to_owned());
            if lead.name.trim().is_empty() {
                let email = lead.email.clone().unwrap_or_default();
                lead.name = split_name("", &email).1;
            }
            lead
        }
        None => {
            let (address, name) = m.from.clone().unwrap_or_default();
            let (first, last) = split_name(&name, &address);
            let notes = [m.subject.trim(), m.text.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            LeadInput {
                name: [first, last]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                email: Some(address),
                source: Some("E-mail".to_owned()),
                notes: (!notes.is_empty()).then(|| clip(&notes, NOTES_MAX)),
                ..Default::default()
            }
        }
    };
    leads::create_in(w, &input)
}

/// The `Field: value` lines of a form notification, a value's further lines joined to it.
fn form_fields(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let key_value = line.split_once(':').filter(|(k, _)| {
            let k = k.trim();
            !k.is_empty()
                && k.chars().count() <= 40
                && k.chars().next().is_some_and(char::is_alphabetic)
                && k.chars()
                    .all(|c| c.is_alphanumeric() || " -_/.".contains(c))
        });
        match key_value {
            Some((k, v)) => fields.push((k.trim().to_owned(), v.trim().to_owned())),
            None if !line.trim().is_empty() => {
                if let Some((_, v)) = fields.last_mut() {
                    if !v.is_empty() {
                        v.push('\n');
                    }
                    v.push_str(line.trim());
                }
            }
            None => {}
        }
    }
    fields
}

text_enum!(
    /// What to make of an unmatched reply: a new contact, a new lead, or nothing.
    UnmatchedAction {
        Contact = "contact",
        Lead = "lead",
        Ignore = "ignore",
    }
);

/// Settles an unmatched reply: its sender becomes a contact or a lead (the mail on their
/// timeline), or it is ignored (the stored mail is deleted; it stays on the server). Returns
/// the record made. One write, undone as one.
pub fn resolve_unmatched(
    db: &mut crate::store::db::Db,
    activity_id: &str,
    action: UnmatchedAction,
) -> Result<Option<RecordRef>> {
    let sender: Option<(String, Option<String>, String)> = db
        .conn()
        .prepare_cached(
            "SELECT from_address, from_name, a.subject FROM mail_messages m
               JOIN activities a ON a.id = m.activity_id
              WHERE m.activity_id = ?1 AND m.unmatched = 1 AND from_address IS NOT NULL",
        )?
        .query_row([activity_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((address, name, subject)) = sender else {
        return Err(crate::kernel::error::Error::not_found(
            "unmatched reply",
            activity_id,
        ));
    };
    let name = name.unwrap_or_default();
    db.write(|w| {
        w.describe(match action {
            UnmatchedAction::Contact => format!("Reply from {address} made a contact"),
            UnmatchedAction::Lead => format!("Reply from {address} made a lead"),
            UnmatchedAction::Ignore => format!("Reply from {address} ignored"),
        });
        let record = match action {
            UnmatchedAction::Ignore => {
                crate::activities::activity::delete_in(w, activity_id)?;
                return Ok(None);
            }
            UnmatchedAction::Contact => {
                let m = Incoming {
                    from: Some((address.clone(), name.clone())),
                    ..Incoming::default()
                };
                RecordRef {
                    entity: "contacts".into(),
                    id: sender_contact_in(w, &m)?,
                }
            }
            UnmatchedAction::Lead => {
                let (first, last) = split_name(&name, &address);
                let lead = leads::create_in(
                    w,
                    &LeadInput {
                        name: [first, last]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" "),
                        email: Some(address.clone()),
                        source: Some("E-mail".to_owned()),
                        notes: Some(format!("Answered: {subject}")),
                        ..Default::default()
                    },
                )?;
                RecordRef {
                    entity: "leads".into(),
                    id: lead,
                }
            }
        };
        crate::activities::activity::link_in(w, activity_id, &record)?;
        let row: String = w.conn().query_row(
            "SELECT id FROM mail_messages WHERE activity_id = ?1",
            [activity_id],
            |r| r.get(0),
        )?;
        w.update(
            "mail_messages",
            &row,
            &[("unmatched", rusqlite::types::Value::Integer(0))],
        )?;
        Ok(Some(record))
    })
}

#[cfg(test)]
mod tests {
    use super::{form_fields, split_name, ticket_number};

    #[test]
    fn a_ticket_number_is_read_from_the_subject() {
        assert_eq!(ticket_number("Re: [#123] Broken oven"), Some(123));
        assert_eq!(ticket_number("[#12a] x [#7]"), Some(7));
        assert_eq!(ticket_number("No number [#]"), None);
    }

    #[test]
    fn names_are_split_as_people_write_them() {
        assert_eq!(
            split_name("Jan Kowalski", "j@x.example"),
            ("Jan".into(), "Kowalski".into())
        );
        assert_eq!(
            split_name("Kowalski, Jan", "j@x.example"),
            ("Jan".into(), "Kowalski".into())
        );
        assert_eq!(
            split_name("", "jan.k@x.example"),
            (String::new(), "jan.k".into())
        );
    }

    #[test]
    fn a_form_notification_gives_its_fields_with_long_values_joined() {
        let text = "New submission\nName: Jan Kowalski\nE-mail: jan@x.example\nMessage: Hello,\nplease call.\n";
        assert_eq!(
            form_fields(text),
            vec![
                ("Name".into(), "Jan Kowalski".into()),
                ("E-mail".into(), "jan@x.example".into()),
                ("Message".into(), "Hello,\nplease call.".into()),
            ]
        );
    }
}
