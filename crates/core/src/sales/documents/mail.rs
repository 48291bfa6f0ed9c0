//! Quotes, invoices and credit notes e-mailed to the customer: the PDF made now and kept with
//! the message (the exact file they got), a template's words or Rapport's own, sent through
//! the outbox. When it leaves, a draft quote becomes sent and the e-mail is on the account's
//! and the deal's timelines as well as the contact's.

use super::*;
use crate::marketing::outbox::{self, OutboxStatus, ServiceMail};
use crate::marketing::templates::{self, Recipient};

/// What to send with a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DocumentMailInput {
    /// An e-mail template's name or id (its merge fields filled for the contact); none: a
    /// short letter naming the document, its date and total.
    pub template: Option<String>,
}

/// A document's mail, queued or gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentMail {
    /// The outbox message.
    pub id: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub status: OutboxStatus,
    /// Why it failed, was skipped or waits, in words.
    pub problem: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

/// Queues document `id` for its contact, its PDF attached; returns the queued mail.
pub fn email(db: &mut Db, id: &str, input: &DocumentMailInput) -> Result<DocumentMail> {
    let doc = get(db.conn(), id)?;
    let number = doc.number.clone().unwrap_or_default();
    let what = match doc.kind {
        DocumentKind::Quote => "quote",
        DocumentKind::Invoice => "invoice",
        DocumentKind::CreditNote => "credit note",
        DocumentKind::Order => {
            return Err(Error::invalid(
                "kind",
                "a sales order is not e-mailed: send the customer its quote or its invoice",
            ));
        }
    };
    if doc.kind != DocumentKind::Quote && doc.status == DocumentStatus::Draft {
        return Err(Error::invalid(
            "status",
            format!(
                "issue the {what} first: a draft has no number yet, and an invoice sent must not change"
            ),
        ));
    }
    if doc.lines.is_empty() {
        return Err(Error::invalid(
            "lines",
            format!("the {what} has no lines to send"),
        ));
    }
    let Some(contact) = doc.contact_id.clone() else {
        return Err(Error::invalid(
            "contact_id",
            format!("choose the contact to send {what} {number} to: it names none"),
        ));
    };
    let conn = db.conn();
    let who = Recipient::load(conn, "contacts", &contact)?;
    let Some(address) = who.email.clone() else {
        return Err(Error::invalid(
            "contact_id",
            format!(
                "{} has no e-mail address: add one to the contact first",
                who.full_name()
            ),
        ));
    };
    if who.do_not_email {
        return Err(Error::invalid(
            "contact_id",
            format!("{} is marked do not e-mail", who.full_name()),
        ));
    }
    if let Some(why) = &who.bounced {
        return Err(Error::invalid(
            "contact_id",
            format!("mail to {address} bounced ({why}): correct the address first"),
        ));
    }
    let seller = company(conn)?;
    let locale = crate::sales::pdf::Locale::current();
    let (subject, text) = match &input.template {
        Some(t) => {
            let template = templates::find(conn, t)?;
            let r = templates::render(&template, &who, &seller.name, today());
            (r.subject, r.text)
        }
        None => {
            let mut kind = what.to_owned();
            kind[..1].make_ascii_uppercase();
            let date = doc.issued_on.as_deref().map(|d| locale.date(d));
            let total = locale.money(doc.total_minor, &doc.currency);
            (
                format!("{kind} {number} from {}", seller.name)
                    .trim()
                    .to_owned(),
                format!(
                    "Dear {},\n\nplease find attached our {what} {number}{} over {total}.\n\nKind regards,\n{}",
                    if who.first_name.is_empty() {
                        who.full_name()
                    } else {
                        who.first_name.as_str().to_owned()
                    },
                    date.map(|d| format!(" of {d}")).unwrap_or_default(),
                    seller.name
                ),
            )
        }
    };
    let (pdf, _) = crate::sales::pdf::render(conn, &doc, locale)?;
    let file: String = format!("{number}.pdf")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = who.full_name();
    let queued = db.write(|w| {
        w.describe(format!("{} {number} e-mailed to {name}", what));
        outbox::queue_service(
            w,
            &ServiceMail {
                contact_id: &contact,
                to_address: &address,
                to_name: &name,
                subject: &subject,
                text: &text,
                ticket_message_id: None,
                document_id: Some(id),
                attachment: Some((&file, &pdf)),
                in_reply_to: None,
                references: &[],
            },
        )
    })?;
    mails(db.conn(), id)?
        .into_iter()
        .find(|m| m.id == queued)
        .ok_or_else(|| Error::not_found("queued mail", &queued))
}

/// Every mail that carried document `id`, newest first.
pub fn mails(conn: &Connection, id: &str) -> Result<Vec<DocumentMail>> {
    let setup = crate::marketing::mailer::settings(conn)?.is_set();
    let rows = conn
        .prepare_cached(
            "SELECT id, to_address, to_name, subject, status, coalesce(skip_reason, last_error),
                    sent_at, created_at
               FROM outbox WHERE document_id = ?1 ORDER BY created_at DESC, id DESC",
        )?
        .query_map([id], |r| {
            let status = OutboxStatus::parse(&r.get::<_, String>(4)?).unwrap_or(OutboxStatus::Failed);
            let problem: Option<String> = r.get(5)?;
            Ok(DocumentMail {
                id: r.get(0)?,
                to_address: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                to_name: r.get(2)?,
                subject: r.get(3)?,
                problem: problem.or_else(|| {
                    (status == OutboxStatus::Queued && !setup).then(|| {
                        "e-mail is not set up: it waits in the outbox until you enter your SMTP server in Settings → E-mail".to_owned()
                    })
                }),
                status,
                sent_at: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The outbox sent message `outbox_id` (logged as `activity_id`): when it carried a document,
/// a draft quote is now sent, and the e-mail is on the account's and the deal's timelines.
pub(crate) fn mail_sent(w: &Writer<'_>, outbox_id: &str, activity_id: &str) -> Result<()> {
    // (id, kind, status, issued_on, account_id, opportunity_id)
    type Sent = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let doc: Option<Sent> = w
        .conn()
        .prepare_cached(
            "SELECT d.id, d.kind, d.status, d.issued_on, d.account_id, d.opportunity_id
               FROM outbox o JOIN sales_documents d ON d.id = o.document_id WHERE o.id = ?1",
        )?
        .query_row([outbox_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((id, kind, status, issued_on, account, deal)) = doc else {
        return Ok(());
    };
    if kind == DocumentKind::Quote.as_str() && status == DocumentStatus::Draft.as_str() {
        let mut fields = vec![(
            "status",
            Value::Text(DocumentStatus::Sent.as_str().to_owned()),
        )];
        if issued_on.is_none() {
            fields.push(("issued_on", Value::Text(ymd(today()))));
        }
        w.update(TABLE, &id, &fields)?;
    }
    for (entity, record) in [("accounts", account), ("opportunities", deal)] {
        if let Some(record) = record {
            crate::activities::activity::link_in(
                w,
                activity_id,
                &crate::activities::activity::RecordRef {
                    entity: entity.to_owned(),
                    id: record,
                },
            )?;
        }
    }
    Ok(())
}
