//! Merging two contacts: the user's pick for each field, every link moved to the survivor, the other deleted, all in one write (undone as one).

use super::*;

/// Which of two records a merged field takes its value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MergeSide {
    Survivor,
    Other,
}

/// The user's picks when merging two contacts: `field -> side` for first_name, last_name,
/// title, account_id and notes. A field not named keeps the survivor's value, or the other's
/// when the survivor has none (notes: both, one after the other). E-mail addresses and phone
/// numbers are always united.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MergeChoices {
    pub fields: std::collections::BTreeMap<String, MergeSide>,
}

/// What a merge did; `batch_id` undoes it (`changelog::undo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MergeResult {
    pub survivor: Contact,
    pub merged_id: String,
    pub batch_id: String,
}

/// Merges `other` into `survivor` in one transaction: the chosen field values, every e-mail
/// and phone, every tag and custom value and every linked record move to the survivor; the
/// other contact is deleted. The whole merge can be undone from the change log.
pub fn merge(
    db: &mut Db,
    survivor_id: &str,
    other_id: &str,
    choices: &MergeChoices,
) -> Result<MergeResult> {
    if survivor_id == other_id {
        return Err(Error::invalid(
            "other",
            "a contact cannot be merged into itself",
        ));
    }
    let batch_id = db.write(|w| {
        let survivor = get(w.conn(), survivor_id)?;
        let other = get(w.conn(), other_id)?;
        let name = |c: &super::Contact| {
            format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_owned()
        };
        w.describe(format!("Merged {} into {}", name(&other), name(&survivor)));
        let pick = |field: &str, s: &Option<String>, o: &Option<String>| -> Option<String> {
            match choices.fields.get(field) {
                Some(MergeSide::Other) => o.clone(),
                Some(MergeSide::Survivor) => s.clone(),
                None => s
                    .clone()
                    .filter(|v| !v.trim().is_empty())
                    .or_else(|| o.clone()),
            }
        };
        let name = |field: &str, s: &str, o: &str| -> String {
            pick(
                field,
                &Some(s.to_owned()).filter(|v| !v.is_empty()),
                &Some(o.to_owned()),
            )
            .unwrap_or_default()
        };
        let notes = match (choices.fields.get("notes"), &survivor.notes, &other.notes) {
            (None, Some(a), Some(b)) if a.trim() != b.trim() => Some(format!("{a}\n\n{b}")),
            _ => pick("notes", &survivor.notes, &other.notes),
        };
        let mut emails = survivor.emails.clone();
        for e in &other.emails {
            if !emails
                .iter()
                .any(|x| x.address.eq_ignore_ascii_case(&e.address))
            {
                emails.push(e.clone());
            }
        }
        // The same number written two ways is one number: compare E.164 when both parse.
        let country = w.default_country()?;
        let key = |s: &str| {
            phone::normalize(s, country.as_deref())
                .map(|n| n.e164)
                .unwrap_or_else(|| s.chars().filter(char::is_ascii_digit).collect())
        };
        let mut phones = survivor.phones.clone();
        for p in &other.phones {
            if !phones.iter().any(|x| key(&x.number) == key(&p.number)) {
                phones.push(p.clone());
            }
        }
        let mut addresses = survivor.addresses.clone();
        for a in &other.addresses {
            let same = |x: &PostalAddress| {
                PostalAddress {
                    label: a.label.clone(),
                    ..x.clone()
                } == *a
            };
            if !addresses.iter().any(same) {
                addresses.push(a.clone());
            }
        }
        let mut tags = survivor.tags.clone();
        tags.extend(
            other
                .tags
                .iter()
                .filter(|t| !survivor.tags.contains(t))
                .cloned(),
        );
        let base = ContactInput::from(&survivor);
        let input = ContactInput {
            first_name: name("first_name", &survivor.first_name, &other.first_name),
            last_name: name("last_name", &survivor.last_name, &other.last_name),
            title: pick("title", &survivor.title, &other.title),
            account_id: pick("account_id", &survivor.account_id, &other.account_id),
            birthday: pick("birthday", &survivor.birthday, &other.birthday),
            lead_source: pick("lead_source", &survivor.lead_source, &other.lead_source),
            owner_id: pick("owner_id", &survivor.owner_id, &other.owner_id),
            preferred_channel: survivor.preferred_channel.or(other.preferred_channel),
            // Consent is never loosened by a merge: a refusal on either record stands.
            do_not_call: base.do_not_call || other.do_not_call_since.is_some(),
            do_not_email: base.do_not_email || other.do_not_email_since.is_some(),
            unsubscribed: base.unsubscribed || other.unsubscribed_since.is_some(),
            emails,
            phones,
            addresses,
            tags,
            custom: {
                let mut custom = other.custom.clone();
                custom.extend(survivor.custom.clone());
                custom
            },
            notes,
        };
        move_links(w, survivor_id, other_id)?;
        for table in [EMAILS, PHONES, ADDRESSES] {
            for child in child_ids(w.conn(), table, other_id)? {
                w.delete(table, &child)?;
            }
        }
        w.delete(TABLE, other_id)?;
        search::remove(w.conn(), TABLE, other_id)?;
        update_in(w, survivor_id, &input)?;
        // A refusal keeps the date it was given: the earlier of the two records'.
        let merged = get(w.conn(), survivor_id)?;
        let mut earliest = Vec::new();
        for (column, kept, theirs) in [
            (
                "do_not_call_since",
                &merged.do_not_call_since,
                &other.do_not_call_since,
            ),
            (
                "do_not_email_since",
                &merged.do_not_email_since,
                &other.do_not_email_since,
            ),
            (
                "unsubscribed_since",
                &merged.unsubscribed_since,
                &other.unsubscribed_since,
            ),
        ] {
            if let (Some(kept), Some(theirs)) = (kept, theirs)
                && theirs < kept
            {
                earliest.push((column, Value::Text(theirs.clone())));
            }
        }
        w.update(TABLE, survivor_id, &earliest)?;
        Ok(w.batch_id().to_owned())
    })?;
    Ok(MergeResult {
        survivor: get(db.conn(), survivor_id)?,
        merged_id: other_id.to_owned(),
        batch_id,
    })
}

/// Moves what points at `other` over to `survivor`: every foreign key to contacts, and the
/// tags, custom values and activity links that point at it by kind and id (the registry,
/// `links::LINKS` and `links::KIND_LINKS`, checked against the schema; the survivor's own tag
/// or value wins where both have one); campaign and list memberships, sequences and messages
/// follow through [`Event::RecordsMerged`].
pub(super) fn move_links(w: &Writer<'_>, survivor: &str, other: &str) -> Result<()> {
    crate::store::links::move_all(w, TABLE, survivor, other)?;
    w.emit(&Event::RecordsMerged {
        kind: TABLE,
        from: other.to_owned(),
        into: survivor.to_owned(),
    })
}
