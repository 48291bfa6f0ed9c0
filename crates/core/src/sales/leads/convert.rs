//! Converting a lead into a contact (and an account and a deal), with its history, tags and custom values.

use super::*;

/// An existing record the conversion could use instead of creating one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Suggestion {
    pub id: String,
    pub name: String,
    /// Why it matched: `same name`, `same e-mail domain`, `same e-mail`, `same phone`.
    pub reason: String,
}

/// What converting a lead would do, worked out before anything is written: the names it would
/// use and the existing records it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConversionPlan {
    pub lead: Lead,
    /// Proposed for a new account: the lead's company.
    pub account_name: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// Accounts with the same name or web domain.
    pub accounts: Vec<Suggestion>,
    /// Contacts with the same e-mail address or phone number.
    pub contacts: Vec<Suggestion>,
    pub opportunity_name: String,
    pub amount: Option<Money>,
    /// How many activities would move.
    #[ts(type = "number")]
    pub activities: i64,
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ConvertInput {
    /// Use this existing account.
    pub account_id: Option<String>,
    /// Otherwise create an account with this name (default: the lead's company).
    pub account_name: Option<String>,
    /// No account at all (a private customer), even if the lead names a company.
    pub no_account: bool,
    /// Use this existing contact (the lead's e-mail and phone are added to it).
    pub contact_id: Option<String>,
    /// Otherwise create a contact; default: the lead's name split at the last space.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Also create this deal; its account, contact, source and owner default to the lead's.
    pub opportunity: Option<OpportunityInput>,
}

/// What a conversion did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Converted {
    pub lead: Lead,
    pub account_id: Option<String>,
    pub account_created: bool,
    pub contact_id: String,
    pub contact_created: bool,
    pub opportunity_id: Option<String>,
    /// Activities moved from the lead to the new records.
    #[ts(type = "number")]
    pub activities_moved: i64,
    pub batch_id: String,
}

/// A full name split for a contact: everything before the last space is the first name.
pub fn split_name(name: &str) -> (String, String) {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), name.trim().to_owned()),
    }
}

pub(super) fn email_domain(email: &str) -> Option<String> {
    const FREE: &[&str] = &[
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "mail.com",
    ];
    let domain = email.rsplit_once('@')?.1.trim().to_lowercase();
    (!FREE.contains(&domain.as_str())).then_some(domain)
}

pub(super) fn linked_activities(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM activity_links WHERE entity = 'leads' AND entity_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?)
}

/// The conversion's defaults and the existing accounts and contacts it matches. Writes nothing.
pub fn plan_conversion(conn: &Connection, id: &str) -> Result<ConversionPlan> {
    let lead = get(conn, id)?;
    let (first_name, last_name) = split_name(&lead.name);
    let mut accounts: Vec<Suggestion> = Vec::new();
    if let Some(company) = &lead.company {
        let folded = crate::people::duplicates::fold_company(company);
        let mut stmt = conn.prepare_cached("SELECT id, name FROM accounts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (aid, name) = row?;
            if crate::people::duplicates::fold_company(&name) == folded {
                accounts.push(Suggestion {
                    id: aid,
                    name,
                    reason: "same name".into(),
                });
            }
        }
    }
    let domain = lead
        .website
        .as_deref()
        .and_then(crate::people::duplicates::domain)
        .or_else(|| lead.email.as_deref().and_then(email_domain));
    if let Some(domain) = domain {
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, website FROM accounts WHERE website LIKE '%' || ?1 || '%'",
        )?;
        let rows = stmt.query_map([&domain], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (aid, name, website) = row?;
            if crate::people::duplicates::domain(&website).as_deref() == Some(domain.as_str())
                && !accounts.iter().any(|a| a.id == aid)
            {
                accounts.push(Suggestion {
                    id: aid,
                    name,
                    reason: "same web domain".into(),
                });
            }
        }
    }
    let mut contacts: Vec<Suggestion> = Vec::new();
    let mut add_contacts = |sql: &str, key: &str, reason: &str| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([key], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (cid, name) = row?;
            if !contacts.iter().any(|c| c.id == cid) {
                contacts.push(Suggestion {
                    id: cid,
                    name,
                    reason: reason.into(),
                });
            }
        }
        Ok(())
    };
    if let Some(email) = &lead.email {
        add_contacts(
            "SELECT c.id, trim(c.first_name || ' ' || c.last_name) FROM contact_emails e
               JOIN contacts c ON c.id = e.contact_id WHERE e.address = ?1 COLLATE NOCASE",
            email,
            "same e-mail",
        )?;
    }
    let e164: Option<String> = conn
        .prepare_cached("SELECT phone_e164 FROM leads WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if let Some(e164) = &e164 {
        add_contacts(
            "SELECT c.id, trim(c.first_name || ' ' || c.last_name) FROM contact_phones p
               JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ?1",
            e164,
            "same phone",
        )?;
    }
    Ok(ConversionPlan {
        account_name: lead.company.clone(),
        first_name,
        last_name,
        accounts,
        contacts,
        opportunity_name: plan_name(&lead),
        amount: lead.estimated_value.clone(),
        activities: linked_activities(conn, id)?,
        lead,
    })
}

/// Converts a lead into an account, a contact and optionally a deal, in one transaction:
/// every activity moves to the new records, tags and matching custom values go to the contact
/// (values without a matching contact, account or deal field are written into the contact's
/// notes, so nothing is lost), and the lead is marked converted with links to what it became.
/// A lead can be converted once.
pub fn convert(db: &mut Db, id: &str, input: &ConvertInput) -> Result<Converted> {
    let (ids, batch_id) = db.write(|w| {
        let name = get(w.conn(), id)?.name;
        let ids = convert_in(w, id, input)?;
        w.describe(format!("Converted the lead {name}"));
        Ok((ids, w.batch_id().to_owned()))
    })?;
    let (account_id, account_created, contact_id, contact_created, opportunity_id, moved) = ids;
    Ok(Converted {
        lead: get(db.conn(), id)?,
        account_id,
        account_created,
        contact_id,
        contact_created,
        opportunity_id,
        activities_moved: moved,
        batch_id,
    })
}

pub(super) type ConvertedIds = (Option<String>, bool, String, bool, Option<String>, i64);

pub(super) fn convert_in(w: &Writer<'_>, id: &str, input: &ConvertInput) -> Result<ConvertedIds> {
    let conn = w.conn();
    let lead = get(conn, id)?;
    if let Some(done) = &lead.conversion {
        let into: Vec<String> = [
            done.account_name
                .as_ref()
                .map(|n| format!("the account {n}")),
            done.contact_name
                .as_ref()
                .map(|n| format!("the contact {n}")),
            done.opportunity_name
                .as_ref()
                .map(|n| format!("the deal {n}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        return Err(Error::Conflict(format!(
            "{} was already converted on {} (into {}); a lead is converted once.",
            lead.name,
            done.converted_at.get(..10).unwrap_or(&done.converted_at),
            into.join(", ")
        )));
    }

    // The account.
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (account_id, account_created) = if input.no_account {
        (None, false)
    } else if let Some(aid) = given(&input.account_id) {
        crate::people::accounts::get(conn, &aid)?;
        (Some(aid), false)
    } else if let Some(name) = given(&input.account_name).or_else(|| lead.company.clone()) {
        let account = crate::people::accounts::AccountInput {
            name,
            website: lead.website.clone().or_else(|| {
                lead.email
                    .as_deref()
                    .and_then(email_domain)
                    .map(|d| format!("https://{d}"))
            }),
            owner_id: lead.owner_id.clone(),
            ..Default::default()
        };
        (
            Some(
                crate::people::accounts::create_in(w, &account)
                    .map_err(|e| prefix(e, "account"))?,
            ),
            true,
        )
    } else {
        (None, false)
    };

    // Custom values: to the contact's, account's or deal's field of the same label and kind.
    let moved_values = custom_targets(conn, id)?;
    let mut leftover_notes: Vec<String> = Vec::new();

    // The contact.
    let (contact_id, contact_created) = if let Some(cid) = given(&input.contact_id) {
        let existing = crate::people::contacts::get(conn, &cid)?;
        let mut c = ContactInput::from(&existing);
        if let Some(email) = &lead.email
            && !c
                .emails
                .iter()
                .any(|e| e.address.eq_ignore_ascii_case(email))
        {
            c.emails.push(EmailEntry {
                label: "work".into(),
                address: email.clone(),
            });
        }
        if let Some(phone) = &lead.phone
            && !c.phones.iter().any(|p| p.number == *phone)
        {
            let e164 = conn
                .prepare_cached("SELECT phone_e164 FROM leads WHERE id = ?1")?
                .query_row([id], |r| r.get::<_, Option<String>>(0))?;
            let known: bool = match &e164 {
                Some(e) => conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM contact_phones WHERE contact_id = ?1 AND e164 = ?2)",
                    )?
                    .query_row((&cid, e), |r| r.get(0))?,
                None => false,
            };
            if !known {
                c.phones.push(PhoneEntry {
                    label: "work".into(),
                    number: phone.clone(),
                });
            }
        }
        if c.account_id.is_none() {
            c.account_id.clone_from(&account_id);
        }
        if c.title.is_none() {
            c.title.clone_from(&lead.title);
        }
        for t in &lead.tags {
            if !c.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                c.tags.push(t.clone());
            }
        }
        if let Some(notes) = &lead.notes {
            c.notes = Some(match c.notes.take() {
                Some(old) => format!("{old}\n\n{notes}"),
                None => notes.clone(),
            });
        }
        crate::people::contacts::update_in(w, &cid, &c).map_err(|e| prefix(e, "contact"))?;
        (cid, false)
    } else {
        let (first, last) = split_name(&lead.name);
        let c = ContactInput {
            first_name: given(&input.first_name).unwrap_or(first),
            last_name: given(&input.last_name).unwrap_or(last),
            title: lead.title.clone(),
            account_id: account_id.clone(),
            emails: lead
                .email
                .iter()
                .map(|e| EmailEntry {
                    label: "work".into(),
                    address: e.clone(),
                })
                .collect(),
            phones: lead
                .phone
                .iter()
                .map(|p| PhoneEntry {
                    label: "work".into(),
                    number: p.clone(),
                })
                .collect(),
            lead_source: lead.source.clone(),
            owner_id: lead.owner_id.clone(),
            notes: lead.notes.clone(),
            tags: lead.tags.clone(),
            ..Default::default()
        };
        (
            crate::people::contacts::create_in(w, &c).map_err(|e| prefix(e, "contact"))?,
            true,
        )
    };

    // The deal.
    let opportunity_id = match &input.opportunity {
        Some(o) => {
            let mut o = o.clone();
            if o.name.trim().is_empty() {
                o.name = plan_name(&lead);
            }
            if o.account_id.is_none() {
                o.account_id.clone_from(&account_id);
            }
            if o.contacts.is_empty() {
                o.contacts.push(crate::sales::opportunities::DealContact {
                    contact_id: contact_id.clone(),
                    name: String::new(),
                    role: None,
                });
            }
            if o.source.is_none() {
                o.source.clone_from(&lead.source);
            }
            if o.campaign_id.is_none() {
                o.campaign_id.clone_from(&lead.campaign_id);
            }
            if o.owner_id.is_none() {
                o.owner_id.clone_from(&lead.owner_id);
            }
            Some(
                crate::sales::opportunities::create_in(w, &o)
                    .map_err(|e| prefix(e, "opportunity"))?,
            )
        }
        None => None,
    };

    for value in moved_values {
        let target = match value.target {
            Target::Contact => Some(("contacts", contact_id.clone())),
            Target::Account => account_id.clone().map(|a| ("accounts", a)),
            Target::Opportunity => opportunity_id.clone().map(|o| ("opportunities", o)),
            Target::Notes => None,
        };
        match target.zip(value.field_id.clone()) {
            Some(((entity, record), field_id)) => {
                let taken: bool = conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM custom_values
                          WHERE entity = ?1 AND entity_id = ?2 AND field_id = ?3)",
                    )?
                    .query_row((entity, &record, &field_id), |r| r.get(0))?;
                if taken {
                    leftover_notes.push(value.as_note());
                } else {
                    w.insert(
                        "custom_values",
                        &crate::new_id(),
                        &[
                            ("field_id", Value::Text(field_id)),
                            ("entity", Value::Text(entity.to_owned())),
                            ("entity_id", Value::Text(record.clone())),
                            ("value", value.value.clone()),
                            ("currency", text(&value.currency)),
                        ],
                    )?;
                    match entity {
                        "contacts" => w.reindex_later("contacts", &record),
                        "accounts" => w.reindex_later("accounts", &record),
                        _ => {}
                    }
                }
            }
            None => leftover_notes.push(value.as_note()),
        }
    }
    if !leftover_notes.is_empty() {
        let old: Option<String> = conn
            .prepare_cached("SELECT notes FROM contacts WHERE id = ?1")?
            .query_row([&contact_id], |r| r.get(0))?;
        let extra = format!("From the lead:\n{}", leftover_notes.join("\n"));
        let notes = match old {
            Some(old) => format!("{old}\n\n{extra}"),
            None => extra,
        };
        w.update("contacts", &contact_id, &[("notes", Value::Text(notes))])?;
    }
    crate::records::fields::clear(w, TABLE, id)?;
    crate::records::tags::clear(w, TABLE, id)?;

    // The history.
    let mut targets = vec![RecordRef {
        entity: "contacts".into(),
        id: contact_id.clone(),
    }];
    if let Some(a) = &account_id {
        targets.push(RecordRef {
            entity: "accounts".into(),
            id: a.clone(),
        });
    }
    if let Some(o) = &opportunity_id {
        targets.push(RecordRef {
            entity: "opportunities".into(),
            id: o.clone(),
        });
    }
    let moved = crate::activities::activity::relink(
        w,
        &RecordRef {
            entity: TABLE.into(),
            id: id.to_owned(),
        },
        &targets,
    )?;

    w.update(
        TABLE,
        id,
        &[
            (
                "status",
                Value::Text(LeadStatus::Converted.as_str().to_owned()),
            ),
            ("converted_at", Value::Text(w.now().to_owned())),
            ("converted_account_id", text(&account_id)),
            ("converted_contact_id", Value::Text(contact_id.clone())),
            ("converted_opportunity_id", text(&opportunity_id)),
        ],
    )?;
    w.reindex_later(TABLE, id);
    w.emit(&Event::LeadConverted {
        lead_id: id.to_owned(),
        account_id: account_id.clone(),
        contact_id: contact_id.clone(),
        opportunity_id: opportunity_id.clone(),
    })?;
    Ok((
        account_id,
        account_created,
        contact_id,
        contact_created,
        opportunity_id,
        moved as i64,
    ))
}

pub(super) fn plan_name(lead: &Lead) -> String {
    match &lead.company {
        Some(company) => format!("{company}: {}", lead.name),
        None => lead.name.clone(),
    }
}

/// Names the part of the conversion that failed: `contact: emails.0.address: ...`.
pub(super) fn prefix(e: Error, part: &str) -> Error {
    match e {
        Error::Validation(list) => Error::Validation(
            list.into_iter()
                .map(|f| {
                    crate::kernel::error::FieldError::new(format!("{part}.{}", f.field), f.message)
                })
                .collect(),
        ),
        other => other,
    }
}

pub(super) enum Target {
    Contact,
    Account,
    Opportunity,
    Notes,
}

pub(super) struct MovedValue {
    pub(super) label: String,
    pub(super) field_id: Option<String>,
    pub(super) target: Target,
    pub(super) value: Value,
    pub(super) currency: Option<String>,
}

impl MovedValue {
    pub(super) fn as_note(&self) -> String {
        let shown = match &self.value {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => match &self.currency {
                Some(c) => {
                    crate::kernel::money::format_plain(&Money {
                        amount_minor: *n,
                        currency: c.clone(),
                    }) + " "
                        + c
                }
                None => n.to_string(),
            },
            Value::Real(r) => r.to_string(),
            _ => String::new(),
        };
        format!("{}: {shown}", self.label)
    }
}

/// Where each of the lead's custom values goes: the first of the contact's, account's and
/// deal's fields with the same label and kind; the notes otherwise.
pub(super) fn custom_targets(conn: &Connection, id: &str) -> Result<Vec<MovedValue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.label, f.kind, v.value, v.currency,
                (SELECT t.entity || ' ' || t.id FROM custom_fields t
                  WHERE t.entity IN ('contacts', 'accounts', 'opportunities')
                    AND t.archived_at IS NULL AND t.kind = f.kind AND t.label = f.label COLLATE NOCASE
                  ORDER BY CASE t.entity WHEN 'contacts' THEN 0 WHEN 'accounts' THEN 1 ELSE 2 END
                  LIMIT 1)
           FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
          WHERE v.entity = 'leads' AND v.entity_id = ?1 AND f.archived_at IS NULL
          ORDER BY f.position",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Value>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (label, kind, value, currency, target) = row?;
        let (target, field_id) = match target.as_deref().and_then(|t| t.split_once(' ')) {
            Some(("contacts", f)) => (Target::Contact, Some(f.to_owned())),
            Some(("accounts", f)) => (Target::Account, Some(f.to_owned())),
            Some((_, f)) => (Target::Opportunity, Some(f.to_owned())),
            None => (Target::Notes, None),
        };
        // Multi-select values are JSON arrays and checkboxes 0/1: shown readably in notes.
        let value = match (kind.as_str(), &value, &target) {
            ("multi_select", Value::Text(t), Target::Notes) => Value::Text(
                serde_json::from_str::<Vec<String>>(t)
                    .map(|v| v.join(", "))
                    .unwrap_or_else(|_| t.clone()),
            ),
            ("checkbox", Value::Integer(n), Target::Notes) => {
                Value::Text(if *n != 0 { "yes" } else { "no" }.into())
            }
            _ => value,
        };
        out.push(MovedValue {
            label,
            field_id,
            target,
            value,
            currency,
        });
    }
    Ok(out)
}
