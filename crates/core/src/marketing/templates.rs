//! E-mail templates: a subject and a plain-text body with merge fields, such as
//! `Hello {{first_name|there}},` (the text after `|` is used when the record has no value).
//!
//! A message is sent with two parts: the plain text as written, and an HTML part made from it
//! (paragraphs, line breaks and links; every merged value is escaped). [`render`] fills the
//! fields from a contact or a lead; [`preview`] shows the result for a real record before
//! anything is sent. An unknown field is refused when the template is saved, naming it.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, SHORT_TEXT_MAX};
use crate::store::db::Db;

const TABLE: &str = "email_templates";
/// The longest body a template may have (about 20 pages of text).
const BODY_MAX: usize = 100_000;

/// Every merge field and what it holds.
pub const MERGE_FIELDS: &[(&str, &str)] = &[
    ("first_name", "First name (a lead's first word of its name)"),
    ("last_name", "Last name"),
    ("full_name", "Full name"),
    (
        "company",
        "Company (the contact's account, the lead's company)",
    ),
    ("title", "Job title"),
    ("email", "E-mail address the message goes to"),
    ("city", "City"),
    ("owner", "Owner's name (the record's, else the account's)"),
    ("sender", "Your name, as set for sending"),
    ("today", "Today's date"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmailTemplate {
    pub id: String,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct EmailTemplateInput {
    pub name: String,
    pub subject: String,
    pub body: String,
}

/// A merge field, for the editor's picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeField {
    pub key: String,
    pub label: String,
}

pub fn merge_fields() -> Vec<MergeField> {
    MERGE_FIELDS
        .iter()
        .map(|(k, l)| MergeField {
            key: (*k).to_owned(),
            label: (*l).to_owned(),
        })
        .collect()
}

/// A template filled for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RenderedEmail {
    pub to_name: String,
    pub to_address: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Why this recipient would not get it (no address, do not e-mail, unsubscribed); empty
    /// when they would.
    pub skip_reason: Option<String>,
}

/// What a message needs to know of its recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipient {
    pub entity: String,
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub owner: Option<String>,
    pub do_not_email: bool,
    pub unsubscribed: bool,
    /// The address bounced for good (the report's words), as the mailbox told.
    pub bounced: Option<String>,
    /// A lead converted into a contact.
    pub converted: bool,
}

impl Recipient {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    /// Why a message may not go to them; `None` when it may.
    pub fn skip_reason(&self) -> Option<String> {
        if self.converted {
            Some("converted: write to the contact it became".into())
        } else if self.unsubscribed {
            Some("unsubscribed".into())
        } else if self.do_not_email {
            Some("marked do not e-mail".into())
        } else if self.email.is_none() {
            Some("has no e-mail address".into())
        } else {
            self.bounced
                .as_ref()
                .map(|reason| format!("the address bounced ({reason})"))
        }
    }

    /// A contact (`contacts`) or a lead (`leads`) as a recipient.
    pub fn load(conn: &Connection, entity: &str, id: &str) -> Result<Recipient> {
        let sql = match entity {
            "contacts" => {
                "SELECT c.first_name, c.last_name, a.name AS company, c.title,
                    (SELECT address FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1) AS email,
                    (SELECT city FROM contact_addresses x WHERE x.contact_id = c.id ORDER BY position LIMIT 1) AS city,
                    (SELECT name FROM team_members t WHERE t.id = coalesce(c.owner_id, a.owner_id)) AS owner,
                    c.do_not_email_since IS NOT NULL AS do_not_email,
                    c.unsubscribed_since IS NOT NULL AS unsubscribed, 0 AS converted
                   FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ?1"
            }
            "leads" => {
                "SELECT l.name AS first_name, '' AS last_name, l.company, l.title, l.email,
                        NULL AS city,
                    (SELECT name FROM team_members t WHERE t.id = l.owner_id) AS owner,
                    0 AS do_not_email, l.unsubscribed_since IS NOT NULL AS unsubscribed,
                    l.status = 'converted' AS converted
                   FROM leads l WHERE l.id = ?1"
            }
            other => {
                return Err(Error::invalid(
                    "entity",
                    format!("messages go to contacts or leads, not {other}"),
                ));
            }
        };
        let found = conn
            .prepare_cached(sql)?
            .query_row([id], |r| {
                let mut first: String = r.get("first_name")?;
                let mut last: String = r.get("last_name")?;
                if entity == "leads" {
                    // A lead has one name: its first word is the first name.
                    let whole = first.trim().to_owned();
                    let (f, l) = whole.split_once(' ').unwrap_or((&whole, ""));
                    (first, last) = (f.to_owned(), l.trim().to_owned());
                }
                Ok(Recipient {
                    entity: entity.to_owned(),
                    id: id.to_owned(),
                    first_name: first,
                    last_name: last,
                    company: r.get("company")?,
                    title: r.get("title")?,
                    email: r
                        .get::<_, Option<String>>("email")?
                        .filter(|e| !e.trim().is_empty()),
                    city: r.get("city")?,
                    owner: r.get("owner")?,
                    do_not_email: r.get("do_not_email")?,
                    unsubscribed: r.get("unsubscribed")?,
                    converted: r.get("converted")?,
                    bounced: None,
                })
            })
            .optional()?;
        let mut found = found.ok_or_else(|| {
            Error::not_found(if entity == "leads" { "lead" } else { "contact" }, id)
        })?;
        if let Some(email) = &found.email {
            found.bounced = conn
                .prepare_cached("SELECT reason FROM mail_bounces WHERE address = ?1")?
                .query_row([email], |r| r.get(0))
                .optional()?;
        }
        Ok(found)
    }
}

/// The merge fields a text uses, and the unknown ones it names.
fn unknown_fields(text: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    for (name, _) in fields_in(text) {
        if !MERGE_FIELDS.iter().any(|(k, _)| *k == name) && !unknown.contains(&name) {
            unknown.push(name);
        }
    }
    unknown
}

/// The start of a merge field that is never closed (`{{first_name` without `}}`), as written.
fn unclosed_field(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            // A field may not hold another field's opening: `{{first_name {{company}}`.
            Some(end) if !after[..end].contains("{{") => rest = &after[end + 2..],
            _ => {
                let snippet: String = rest[start..].chars().take(30).collect();
                return Some(snippet.split_whitespace().next().unwrap_or("{{").to_owned());
            }
        }
    }
    None
}

/// `(field, fallback)` of each `{{field|fallback}}` in `text`.
fn fields_in(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = &after[..end];
        let (name, fallback) = inner.split_once('|').unwrap_or((inner, ""));
        out.push((name.trim().to_lowercase(), fallback.trim().to_owned()));
        rest = &after[end + 2..];
    }
    out
}

/// Replaces every `{{field|fallback}}` of `text` by `value(field)` (or the fallback), passing
/// each value through `escape`; text outside the fields through `plain`.
fn merge(
    text: &str,
    value: &dyn Fn(&str) -> Option<String>,
    escape: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&escape(&rest[..start]));
        let inner = &after[..end];
        let (name, fallback) = inner.split_once('|').unwrap_or((inner, ""));
        let v = value(&name.trim().to_lowercase())
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| fallback.trim().to_owned());
        out.push_str(&escape(&v));
        rest = &after[end + 2..];
    }
    out.push_str(&escape(rest));
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Plain text as the HTML part of a message (escaped, paragraphs, links).
pub(crate) fn text_to_html(text: &str) -> String {
    to_html(&html_escape(text))
}

/// The HTML part: paragraphs from blank lines, line breaks, and web addresses as links.
fn to_html(escaped_text: &str) -> String {
    let paragraphs: Vec<String> = escaped_text
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let lines: Vec<String> = p
                .trim()
                .lines()
                .map(|line| {
                    line.split(' ')
                        .map(|word| {
                            if word.starts_with("https://") || word.starts_with("http://") {
                                format!("<a href=\"{word}\">{word}</a>")
                            } else {
                                word.to_owned()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            format!("<p>{}</p>", lines.join("<br>\n"))
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n{}\n</body></html>\n",
        paragraphs.join("\n")
    )
}

/// Fills `template` for `recipient`; `sender` is the name messages are sent under.
pub fn render(
    template: &EmailTemplate,
    recipient: &Recipient,
    sender: &str,
    today: chrono::NaiveDate,
) -> RenderedEmail {
    let value = |field: &str| -> Option<String> {
        match field {
            "first_name" => Some(recipient.first_name.clone()),
            "last_name" => Some(recipient.last_name.clone()),
            "full_name" => Some(recipient.full_name()),
            "company" => recipient.company.clone(),
            "title" => recipient.title.clone(),
            "email" => recipient.email.clone(),
            "city" => recipient.city.clone(),
            "owner" => recipient.owner.clone(),
            "sender" => Some(sender.to_owned()),
            "today" => Some(today.format("%-d %B %Y").to_string()),
            _ => None,
        }
    };
    let same = |s: &str| s.to_owned();
    let subject = merge(&template.subject, &value, &same)
        .replace(['\r', '\n'], " ")
        .trim()
        .to_owned();
    let text = merge(&template.body, &value, &same);
    let html = to_html(&merge(&template.body, &value, &html_escape));
    RenderedEmail {
        to_name: recipient.full_name(),
        to_address: recipient.email.clone(),
        subject,
        text,
        html,
        skip_reason: recipient.skip_reason(),
    }
}

/// The template filled for a real contact or lead, as it would be sent today.
pub fn preview(
    conn: &Connection,
    template_id: &str,
    entity: &str,
    record_id: &str,
) -> Result<RenderedEmail> {
    let template = get(conn, template_id)?;
    let recipient = Recipient::load(conn, entity, record_id)?;
    let sender = crate::marketing::mailer::settings(conn)?.from_name;
    Ok(render(
        &template,
        &recipient,
        &sender,
        crate::kernel::time::today(),
    ))
}

fn check(
    conn: &Connection,
    input: &EmailTemplateInput,
    id: Option<&str>,
) -> Result<Vec<(&'static str, Value)>> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    crate::store::writer::unique_name(&mut c, conn, TABLE, "template", &name, id)?;
    let subject = c.required("subject", &input.subject, SHORT_TEXT_MAX);
    if input.body.trim().is_empty() {
        c.fail("body", "write the message");
    } else if input.body.len() > BODY_MAX {
        c.fail(
            "body",
            format!(
                "is {} characters long; a message may have at most {BODY_MAX}",
                input.body.chars().count()
            ),
        );
    }
    for (field, text) in [("subject", &input.subject), ("body", &input.body)] {
        if let Some(open) = unclosed_field(text) {
            c.fail(
                field,
                format!("\"{open}\" is not closed: end the merge field with }}}}"),
            );
        }
        let unknown = unknown_fields(text);
        if !unknown.is_empty() {
            c.fail(
                field,
                format!(
                    "{} not a merge field (the fields are: {})",
                    unknown
                        .iter()
                        .map(|u| format!("{{{{{u}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + if unknown.len() == 1 { " is" } else { " are" },
                    MERGE_FIELDS
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    c.finish()?;
    Ok(vec![
        ("name", Value::Text(name)),
        ("subject", Value::Text(subject)),
        ("body", Value::Text(input.body.replace("\r\n", "\n"))),
    ])
}

pub fn create(db: &mut Db, input: &EmailTemplateInput) -> Result<EmailTemplate> {
    let fields = check(db.conn(), input, None)?;
    let id = crate::new_id();
    db.write(|w| w.insert(TABLE, &id, &fields))?;
    get(db.conn(), &id)
}

pub fn update(db: &mut Db, id: &str, input: &EmailTemplateInput) -> Result<EmailTemplate> {
    get(db.conn(), id)?;
    let fields = check(db.conn(), input, Some(id))?;
    db.write(|w| w.update(TABLE, id, &fields))?;
    get(db.conn(), id)
}

/// Deletes a template no sequence step or promotion uses; messages already queued keep their
/// text.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    get(db.conn(), id)?;
    let used: i64 = db.conn().query_row(
        "SELECT (SELECT count(*) FROM sequence_steps WHERE template_id = ?1)
              + (SELECT count(*) FROM promotions WHERE template_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if used > 0 {
        return Err(Error::Conflict(
            "a sequence step or a promotion uses this template; take it out of them first".into(),
        ));
    }
    db.write(|w| {
        let queued: Vec<String> = w
            .conn()
            .prepare_cached("SELECT id FROM outbox WHERE template_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for row in queued {
            w.update("outbox", &row, &[("template_id", Value::Null)])?;
        }
        w.delete(TABLE, id)
    })
}

const SELECT: &str = "SELECT id, name, subject, body, created_at, updated_at FROM email_templates";

fn from_row(r: &Row<'_>) -> rusqlite::Result<EmailTemplate> {
    Ok(EmailTemplate {
        id: r.get("id")?,
        name: r.get("name")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<EmailTemplate> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("e-mail template", id))
}

/// The template with this id or name (any case).
pub fn find(conn: &Connection, name_or_id: &str) -> Result<EmailTemplate> {
    crate::store::writer::find_named(conn, TABLE, "e-mail template", "templates", name_or_id, get)
}

pub fn list(conn: &Connection) -> Result<Vec<EmailTemplate>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY name COLLATE NOCASE, id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Recipient {
        Recipient {
            entity: "contacts".into(),
            id: "c1".into(),
            first_name: "Zoë".into(),
            last_name: "O'Hara".into(),
            company: Some("Bread & <Butter>".into()),
            email: Some("zoe@example.com".into()),
            ..Recipient::default()
        }
    }

    #[test]
    fn merge_fields_fill_and_fall_back_and_html_escapes_values() {
        let t = EmailTemplate {
            id: "t".into(),
            name: "n".into(),
            subject: "Hello {{ first_name }} at {{company}}".into(),
            body: "Dear {{first_name|friend}} {{title|}},\n\nSee https://example.com/x\n{{owner|The team}}".into(),
            created_at: String::new(),
            updated_at: String::new(),
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let out = render(&t, &person(), "Ann", day);
        assert_eq!(out.subject, "Hello Zoë at Bread & <Butter>");
        assert_eq!(
            out.text,
            "Dear Zoë ,\n\nSee https://example.com/x\nThe team"
        );
        assert!(out.html.contains("<p>Dear Zoë ,</p>"), "{}", out.html);
        assert!(
            out.html.contains(
                "<a href=\"https://example.com/x\">https://example.com/x</a><br>\nThe team"
            ),
            "{}",
            out.html
        );
        let t2 = EmailTemplate {
            body: "{{company}}".into(),
            ..t
        };
        assert!(
            render(&t2, &person(), "Ann", day)
                .html
                .contains("Bread &amp; &lt;Butter&gt;")
        );
    }

    #[test]
    fn unknown_merge_fields_are_named() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE email_templates (id TEXT, name TEXT)")
            .unwrap();
        let err = check(
            &conn,
            &EmailTemplateInput {
                name: "x".into(),
                subject: "Hi {{frist_name}}".into(),
                body: "ok {{first_name}} {{compnay}}".into(),
            },
            None,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("subject: {{frist_name}} is not a merge field"),
            "{err}"
        );
        assert!(err.contains("body: {{compnay}} is not"), "{err}");
    }

    #[test]
    fn a_merge_field_left_open_is_named() {
        assert_eq!(
            unclosed_field("Hi {{first_name, welcome"),
            Some("{{first_name,".into())
        );
        assert_eq!(
            unclosed_field("{{first_name {{company}}"),
            Some("{{first_name".into())
        );
        assert_eq!(unclosed_field("Hi {{first_name|there}}, {{company}}"), None);
        assert_eq!(unclosed_field("A } and a { are only text"), None);
    }
}
