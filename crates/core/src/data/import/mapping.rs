//! Which column holds which field: the fields a CSV column can fill, and a guess from the
//! header names that Google Contacts, Outlook, HubSpot, Pipedrive and Salesforce exports use.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ImportEntity;
use crate::kernel::error::Result;

mod known;

use known::*;

/// A field a column can be mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetField {
    /// `first_name`, `email`, ..., or `custom:<field id>`.
    pub key: String,
    pub label: String,
}

/// The fields of `entity`; a key may appear twice (extra header names), the first label wins.
fn fixed(entity: ImportEntity) -> Vec<Known> {
    let shared = |keys: &[&str]| -> Vec<Known> {
        CONTACT_FIELDS
            .iter()
            .filter(|(k, _, _)| keys.contains(k))
            .map(|&(k, label, names)| match k {
                "account" => (k, "Company", names),
                "lead_source" => (k, "Source", names),
                _ => (k, label, names),
            })
            .collect()
    };
    match entity {
        ImportEntity::Contacts => CONTACT_FIELDS.to_vec(),
        ImportEntity::Accounts => ACCOUNT_FIELDS.to_vec(),
        ImportEntity::Leads => {
            let mut all = shared(LEAD_SHARED);
            all.extend_from_slice(LEAD_FIELDS);
            all
        }
        ImportEntity::CallList => shared(CALL_LIST_SHARED),
        ImportEntity::Opportunities => DEAL_FIELDS.to_vec(),
        ImportEntity::Products => PRODUCT_FIELDS.to_vec(),
    }
}

/// Lower case, letters and digits only, accents dropped: "E-mail 1 - Value" -> "email1value",
/// "Straße" -> "strasse", "Téléphone" -> "telephone".
fn squash(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'ß' => out.push_str("ss"),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            _ => {}
        }
    }
    out
}

/// Header names too vague to win over a specific one in the same file: Outlook exports both
/// "Title" (the salutation, Mr or Ms) and "Job Title", so "Title" is the job title only when
/// no column names the job title more precisely.
const WEAK_NAMES: &[&str] = &["title"];

fn custom_fields(
    conn: &Connection,
    entity: ImportEntity,
) -> Result<Vec<crate::records::fields::CustomField>> {
    match entity {
        ImportEntity::CallList | ImportEntity::Products => Ok(Vec::new()),
        other => crate::records::fields::list(conn, other.table()),
    }
}

/// Every field a column can be mapped to, custom fields last.
pub fn targets(conn: &Connection, entity: ImportEntity) -> Result<Vec<TargetField>> {
    let mut all: Vec<TargetField> = Vec::new();
    for (key, label, _) in fixed(entity) {
        if !all.iter().any(|t| t.key == key) {
            all.push(TargetField {
                key: key.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    for f in custom_fields(conn, entity)? {
        all.push(TargetField {
            key: format!("custom:{}", f.id),
            label: f.label,
        });
    }
    Ok(all)
}

/// A field for each header, guessed from its name (a custom field by its label); each field is
/// used once, by the first column that names it.
pub fn guess(
    conn: &Connection,
    entity: ImportEntity,
    headers: &[String],
) -> Result<Vec<Option<String>>> {
    let custom = custom_fields(conn, entity)?;
    let fixed = fixed(entity);
    let candidate = |h: &str| -> Option<String> {
        custom
            .iter()
            .find(|f| squash(&f.label) == h)
            .map(|f| format!("custom:{}", f.id))
            .or_else(|| {
                fixed
                    .iter()
                    .find(|(_, _, names)| names.contains(&h))
                    .map(|(key, _, _)| (*key).to_owned())
            })
    };
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let candidates: Vec<Option<String>> = squashed.iter().map(|h| candidate(h)).collect();
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, h) in squashed.iter().enumerate() {
        let weak = WEAK_NAMES.contains(&h.as_str());
        let key = candidates[i]
            .clone()
            .filter(|k| !used.contains(k))
            // A vague name gives way to a column that names the same field precisely.
            .filter(|k| {
                !weak
                    || !squashed.iter().zip(&candidates).any(|(other, c)| {
                        c.as_ref() == Some(k) && !WEAK_NAMES.contains(&other.as_str())
                    })
            });
        if let Some(k) = &key {
            used.push(k.clone());
        }
        out.push(key);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
