//! Contacts: the people the business deals with, each optionally working at an account.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::records::fields::CustomValues;
use crate::records::list::{CommonFilters, ListShape, ListSql, Page, SortDirection};
use crate::store::db::Db;
use crate::store::events::Event;
use crate::store::writer::{Writer, text};
use crate::{kernel::phone, store::search};

mod list;
mod merge;

pub use list::*;
pub use merge::*;

pub(crate) const TABLE: &str = "contacts";
const EMAILS: &str = "contact_emails";
const PHONES: &str = "contact_phones";
const ADDRESSES: &str = "contact_addresses";
const LABEL_MAX: usize = 40;

/// A labelled e-mail address ("work", "home", ...). The first one is the primary address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EmailEntry {
    pub label: String,
    pub address: String,
}

/// A labelled phone number ("work", "mobile", ...), as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhoneEntry {
    pub label: String,
    pub number: String,
}

/// A labelled postal address ("work", "home", "billing", ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PostalAddress {
    pub label: String,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// How a contact prefers to be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Channel {
    Email,
    Phone,
    Sms,
    Letter,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Phone,
        Channel::Sms,
        Channel::Letter,
        Channel::InPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Letter => "letter",
            Channel::InPerson => "in_person",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim().to_lowercase().replace([' ', '-'], "_"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Contact {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub emails: Vec<EmailEntry>,
    pub phones: Vec<PhoneEntry>,
    pub addresses: Vec<PostalAddress>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    pub lead_source: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub preferred_channel: Option<Channel>,
    /// Consent: set (to when it was given) when the contact must not be called.
    pub do_not_call_since: Option<String>,
    pub do_not_email_since: Option<String>,
    pub unsubscribed_since: Option<String>,
    pub tags: Vec<String>,
    /// Custom field values by field id.
    pub custom: CustomValues,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to create a contact or to save an edited one. Emails and phones
/// replace the stored lists, position by position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub account_id: Option<String>,
    pub emails: Vec<EmailEntry>,
    pub phones: Vec<PhoneEntry>,
    pub addresses: Vec<PostalAddress>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    pub lead_source: Option<String>,
    /// A team member's id.
    pub owner_id: Option<String>,
    pub preferred_channel: Option<Channel>,
    pub do_not_call: bool,
    pub do_not_email: bool,
    pub unsubscribed: bool,
    pub tags: Vec<String>,
    /// Custom field values by field id; every active field not named here is cleared.
    pub custom: CustomValues,
    pub notes: Option<String>,
}

/// One row of the contacts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactSummary {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub title: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    /// The primary (first) e-mail address.
    pub email: Option<String>,
    /// The primary (first) phone number.
    pub phone: Option<String>,
    /// Custom field values by field id.
    pub custom: CustomValues,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ContactSort {
    /// Last name, then first name.
    #[default]
    Name,
    Account,
    Email,
    Phone,
    Title,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ContactQuery {
    pub sort: ContactSort,
    pub direction: SortDirection,
    /// Keeps contacts found by this text: every word must start a word of their name,
    /// e-mail, phone, title or account (as in global search).
    pub search: Option<String>,
    /// Only the contacts of this account.
    pub account_id: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub filters: CommonFilters,
    /// Only contacts who may be e-mailed (not marked do-not-e-mail or unsubscribed).
    pub emailable: bool,
    /// Sort by this custom field (its id) instead of `sort`.
    pub sort_field: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// At most this many rows (default 500, at most 5000).
    pub limit: Option<u32>,
    /// Stop counting a search's matches past this many (tests use a small cap); by default
    /// [`crate::records::list::COUNT_CAP`].
    #[serde(skip)]
    #[ts(skip)]
    pub count_cap: Option<i64>,
}

struct Valid {
    fields: Vec<(&'static str, Value)>,
    emails: Vec<EmailEntry>,
    phones: Vec<PhoneEntry>,
    addresses: Vec<PostalAddress>,
    tags: Vec<String>,
    consent: [(&'static str, bool); 3],
    custom: crate::records::fields::Checked,
}

fn label(c: &mut Checker, field: String, value: &str) -> String {
    let label = c
        .text(&field, &Some(value.to_owned()), LABEL_MAX)
        .unwrap_or_else(|| "work".to_owned());
    label.to_lowercase()
}

fn check(conn: &Connection, record: Option<&str>, input: &ContactInput) -> Result<Valid> {
    let mut c = Checker::default();
    let first = c
        .text(
            "first_name",
            &Some(input.first_name.clone()),
            SHORT_TEXT_MAX,
        )
        .unwrap_or_default();
    let last = c
        .text("last_name", &Some(input.last_name.clone()), SHORT_TEXT_MAX)
        .unwrap_or_default();
    if first.is_empty() && last.is_empty() {
        c.fail("first_name", "enter a first or a last name");
    }
    let title = c.text("title", &input.title, SHORT_TEXT_MAX);
    let account_id = input
        .account_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(id) = account_id {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?;
        if !exists {
            c.fail("account_id", format!("no account with id {id} exists"));
        }
    }
    let mut emails = Vec::with_capacity(input.emails.len());
    for (i, e) in input.emails.iter().enumerate() {
        let address = c.email(&format!("emails.{i}.address"), &e.address);
        let duplicate = emails
            .iter()
            .any(|x: &EmailEntry| x.address.eq_ignore_ascii_case(&address));
        if duplicate && !address.is_empty() {
            c.fail(
                format!("emails.{i}.address"),
                format!("{address} is listed twice"),
            );
        }
        emails.push(EmailEntry {
            label: label(&mut c, format!("emails.{i}.label"), &e.label),
            address,
        });
    }
    let mut phones = Vec::with_capacity(input.phones.len());
    for (i, p) in input.phones.iter().enumerate() {
        phones.push(PhoneEntry {
            label: label(&mut c, format!("phones.{i}.label"), &p.label),
            number: c.phone(&format!("phones.{i}.number"), &p.number),
        });
    }
    let mut addresses = Vec::with_capacity(input.addresses.len());
    for (i, a) in input.addresses.iter().enumerate() {
        let part = |c: &mut Checker, name: &str, v: &Option<String>, max| {
            c.text(&format!("addresses.{i}.{name}"), v, max)
        };
        let address = PostalAddress {
            label: label(&mut c, format!("addresses.{i}.label"), &a.label),
            street: part(&mut c, "street", &a.street, 500),
            city: part(&mut c, "city", &a.city, SHORT_TEXT_MAX),
            region: part(&mut c, "region", &a.region, SHORT_TEXT_MAX),
            postal_code: part(&mut c, "postal_code", &a.postal_code, 40),
            country: part(&mut c, "country", &a.country, SHORT_TEXT_MAX),
        };
        let empty = [
            &address.street,
            &address.city,
            &address.region,
            &address.postal_code,
            &address.country,
        ]
        .iter()
        .all(|p| p.is_none());
        if !empty {
            addresses.push(address);
        }
    }
    let birthday = c.date("birthday", &input.birthday);
    let lead_source = c.text("lead_source", &input.lead_source, SHORT_TEXT_MAX);
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, record, &input.custom)?;
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    c.finish()?;
    Ok(Valid {
        custom,
        fields: vec![
            ("first_name", Value::Text(first)),
            ("last_name", Value::Text(last)),
            ("title", text(&title)),
            ("account_id", text(&account_id.map(str::to_owned))),
            ("birthday", text(&birthday)),
            ("lead_source", text(&lead_source)),
            ("owner_id", text(&owner_id)),
            (
                "preferred_channel",
                text(&input.preferred_channel.map(|ch| ch.as_str().to_owned())),
            ),
            ("notes", text(&notes)),
        ],
        emails,
        phones,
        addresses,
        tags,
        consent: [
            ("do_not_call_since", input.do_not_call),
            ("do_not_email_since", input.do_not_email),
            ("unsubscribed_since", input.unsubscribed),
        ],
    })
}

/// Creates a contact inside a larger write; returns its id.
/// Checks a new contact as [`create_in`] would, writing nothing.
pub(crate) fn validate(conn: &Connection, input: &ContactInput) -> Result<()> {
    check(conn, None, input).map(|_| ())
}

pub fn create_in(w: &Writer<'_>, input: &ContactInput) -> Result<String> {
    let valid = check(w.conn(), None, input)?;
    let id = crate::new_id();
    let mut fields = valid.fields.clone();
    for (column, on) in valid.consent {
        fields.push((
            column,
            if on {
                Value::Text(w.now().to_owned())
            } else {
                Value::Null
            },
        ));
    }
    w.insert(TABLE, &id, &fields)?;
    sync_children(w, &id, &valid, true)?;
    w.reindex_later(TABLE, &id);
    Ok(id)
}

pub fn create(db: &mut Db, input: &ContactInput) -> Result<Contact> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

/// Saves an edited contact inside a larger write.
pub fn update_in(w: &Writer<'_>, id: &str, input: &ContactInput) -> Result<()> {
    let valid = check(w.conn(), Some(id), input)?;
    let stored = get(w.conn(), id)?;
    let mut fields = valid.fields.clone();
    for ((column, on), since) in valid.consent.into_iter().zip([
        stored.do_not_call_since,
        stored.do_not_email_since,
        stored.unsubscribed_since,
    ]) {
        // Keep the date consent changed, not the date of the last save.
        let value = match (on, since) {
            (true, Some(since)) => Value::Text(since),
            (true, None) => Value::Text(w.now().to_owned()),
            (false, _) => Value::Null,
        };
        fields.push((column, value));
    }
    w.update(TABLE, id, &fields)?;
    sync_children(w, id, &valid, false)?;
    w.reindex_later(TABLE, id);
    Ok(())
}

pub fn update(db: &mut Db, id: &str, input: &ContactInput) -> Result<Contact> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

/// Deletes the contact with its e-mail addresses, phone numbers, postal addresses and tags
/// (all logged). Tickets, quotes, orders, draft invoices, leads and activities that name the
/// contact stay, no longer naming it (see `links::LINKS`); a contact with issued invoices or
/// credit notes is refused with the reason.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// Deletes a contact inside a larger write.
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    get(w.conn(), id)?;
    crate::store::links::release(w, TABLE, id)?;
    for table in [EMAILS, PHONES, ADDRESSES] {
        for child in child_ids(w.conn(), table, id)? {
            w.delete(table, &child)?;
        }
    }
    w.emit(&Event::RecordDeleted {
        kind: TABLE,
        id: id.to_owned(),
    })?;
    w.delete(TABLE, id)?;
    search::remove(w.conn(), TABLE, id)
}

fn child_ids(conn: &Connection, table: &'static str, contact_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM {table} WHERE contact_id = ?1 ORDER BY position"
    ))?;
    let ids = stmt
        .query_map([contact_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Makes the stored e-mail and phone rows match the input, position by position: existing
/// rows are updated in place, extra ones deleted, new ones inserted. A `new` contact has none
/// yet, so nothing is looked up (an import creates 100,000 of them in one go).
fn sync_children(w: &Writer<'_>, contact_id: &str, valid: &Valid, new: bool) -> Result<()> {
    let emails = valid.emails.iter().map(|e| {
        vec![
            ("label", Value::Text(e.label.clone())),
            ("address", Value::Text(e.address.clone())),
        ]
    });
    sync_list(w, EMAILS, contact_id, new, emails.collect())?;
    let country = w.default_country()?;
    let phones = valid.phones.iter().map(|p| {
        let normalized = phone::normalize(&p.number, country.as_deref());
        vec![
            ("label", Value::Text(p.label.clone())),
            ("number", Value::Text(p.number.clone())),
            ("e164", text(&normalized.as_ref().map(|n| n.e164.clone()))),
            ("national", text(&normalized.map(|n| n.national))),
        ]
    });
    sync_list(w, PHONES, contact_id, new, phones.collect())?;
    let addresses = valid.addresses.iter().map(|a| {
        vec![
            ("label", Value::Text(a.label.clone())),
            ("street", text(&a.street)),
            ("city", text(&a.city)),
            ("region", text(&a.region)),
            ("postal_code", text(&a.postal_code)),
            ("country", text(&a.country)),
        ]
    });
    sync_list(w, ADDRESSES, contact_id, new, addresses.collect())?;
    crate::records::fields::save(w, TABLE, contact_id, valid.custom.clone())?;
    if new && valid.tags.is_empty() {
        return Ok(());
    }
    crate::records::tags::set(w, TABLE, contact_id, &valid.tags)
}

fn sync_list(
    w: &Writer<'_>,
    table: &'static str,
    contact_id: &str,
    new: bool,
    wanted: Vec<Vec<(&'static str, Value)>>,
) -> Result<()> {
    let existing = if new {
        Vec::new()
    } else {
        child_ids(w.conn(), table, contact_id)?
    };
    let count = wanted.len();
    for (position, values) in wanted.into_iter().enumerate() {
        let mut fields = vec![("position", Value::Integer(position as i64))];
        fields.extend(values);
        match existing.get(position) {
            Some(child) => {
                w.update(table, child, &fields)?;
            }
            None => {
                fields.push(("contact_id", Value::Text(contact_id.to_owned())));
                w.insert(table, &crate::new_id(), &fields)?;
            }
        }
    }
    for child in existing.iter().skip(count) {
        w.delete(table, child)?;
    }
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Contact> {
    let contact = conn
        .prepare_cached(
            "SELECT c.id, c.first_name, c.last_name, c.title, c.account_id, a.name AS account_name,
                    c.notes, c.created_at, c.updated_at, c.birthday, c.lead_source, c.owner_id,
                    t.name AS owner_name,
                    c.preferred_channel, c.do_not_call_since, c.do_not_email_since,
                    c.unsubscribed_since
               FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
               LEFT JOIN team_members t ON t.id = c.owner_id
              WHERE c.id = ?1",
        )?
        .query_row([id], |row| {
            Ok(Contact {
                id: row.get("id")?,
                first_name: row.get("first_name")?,
                last_name: row.get("last_name")?,
                title: row.get("title")?,
                account_id: row.get("account_id")?,
                account_name: row.get("account_name")?,
                notes: row.get("notes")?,
                created_at: row.get("created_at")?,
                updated_at: row.get("updated_at")?,
                birthday: row.get("birthday")?,
                lead_source: row.get("lead_source")?,
                owner_id: row.get("owner_id")?,
                owner_name: row.get("owner_name")?,
                preferred_channel: row
                    .get::<_, Option<String>>("preferred_channel")?
                    .and_then(|c| Channel::parse(&c)),
                do_not_call_since: row.get("do_not_call_since")?,
                do_not_email_since: row.get("do_not_email_since")?,
                unsubscribed_since: row.get("unsubscribed_since")?,
                emails: Vec::new(),
                phones: Vec::new(),
                addresses: Vec::new(),
                tags: Vec::new(),
                custom: CustomValues::new(),
            })
        })
        .optional()?;
    let mut contact = contact.ok_or_else(|| Error::not_found("contact", id))?;
    contact.emails = conn
        .prepare_cached(
            "SELECT label, address FROM contact_emails WHERE contact_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(EmailEntry {
                label: r.get(0)?,
                address: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    contact.phones = conn
        .prepare_cached(
            "SELECT label, number FROM contact_phones WHERE contact_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(PhoneEntry {
                label: r.get(0)?,
                number: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    contact.addresses = conn
        .prepare_cached(
            "SELECT label, street, city, region, postal_code, country FROM contact_addresses
              WHERE contact_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(PostalAddress {
                label: r.get("label")?,
                street: r.get("street")?,
                city: r.get("city")?,
                region: r.get("region")?,
                postal_code: r.get("postal_code")?,
                country: r.get("country")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    contact.tags = crate::records::tags::of(conn, TABLE, id)?;
    contact.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    Ok(contact)
}

impl From<&Contact> for ContactInput {
    /// The contact's values as they would be entered in the edit form.
    fn from(c: &Contact) -> Self {
        ContactInput {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            title: c.title.clone(),
            account_id: c.account_id.clone(),
            emails: c.emails.clone(),
            phones: c.phones.clone(),
            addresses: c.addresses.clone(),
            birthday: c.birthday.clone(),
            lead_source: c.lead_source.clone(),
            owner_id: c.owner_id.clone(),
            preferred_channel: c.preferred_channel,
            do_not_call: c.do_not_call_since.is_some(),
            do_not_email: c.do_not_email_since.is_some(),
            unsubscribed: c.unsubscribed_since.is_some(),
            tags: c.tags.clone(),
            custom: c.custom.clone(),
            notes: c.notes.clone(),
        }
    }
}

impl crate::records::fields::WithCustom for ContactSummary {
    fn id(&self) -> &str {
        &self.id
    }

    fn custom_mut(&mut self) -> &mut CustomValues {
        &mut self.custom
    }
}
