//! Finding records that are probably the same person or company: when one is created, and
//! by a scan over everything on file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::Result;
use crate::people::contacts::ContactInput;
use crate::store::search::SearchHit;

/// Two names this alike (Jaro-Winkler, 0 to 1) at the same company count as the same person.
const NAME_SIMILARITY: f64 = 0.93;

/// An existing record that looks like the one being entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateMatch {
    pub record: SearchHit,
    /// Why it looks the same: "same e-mail ada@x.example".
    pub reason: String,
}

/// Records that are probably one and the same, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DuplicateGroup {
    /// `contacts` or `accounts`.
    pub entity: String,
    /// Oldest first: the usual survivor of a merge.
    pub records: Vec<SearchHit>,
    pub reasons: Vec<String>,
}

/// A person's name folded for comparison: lower case, letters and digits, single spaces.
pub fn fold_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A company's name folded for comparison, without legal forms ("Acme Ltd." = "ACME").
pub fn fold_company(name: &str) -> String {
    const FORMS: &[&str] = &[
        "ltd",
        "limited",
        "gmbh",
        "inc",
        "incorporated",
        "llc",
        "sarl",
        "sas",
        "sa",
        "bv",
        "nv",
        "ab",
        "oy",
        "spa",
        "srl",
        "ag",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "group",
        "kg",
        "as",
        "aps",
        "pty",
        "the",
    ];
    let folded = fold_name(&name.replace('.', ""));
    folded
        .split(' ')
        .filter(|w| !FORMS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The host of a web address, without `www.` ("https://www.Acme.example/x" -> "acme.example").
pub fn domain(website: &str) -> Option<String> {
    let rest = website.trim();
    let rest = rest
        .split_once("://")
        .map_or(rest, |(_, after)| after)
        .split(['/', '?', '#'])
        .next()?
        .to_lowercase();
    let host = rest.strip_prefix("www.").unwrap_or(&rest);
    (host.contains('.')).then(|| host.to_owned())
}

fn contact_hits(conn: &Connection, ids: &[String]) -> Result<HashMap<String, SearchHit>> {
    let json = serde_json::to_string(ids).map_err(|e| crate::Error::Internal(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, trim(c.first_name || ' ' || c.last_name),
                nullif(concat_ws(' · ', c.title, a.name,
                   (SELECT address FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1)), '')
           FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
          WHERE c.id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = stmt.query_map([json], |r| {
        Ok(SearchHit {
            entity: "contacts".into(),
            id: r.get(0)?,
            title: r.get(1)?,
            subtitle: r.get(2)?,
        })
    })?;
    let mut out = HashMap::new();
    for hit in rows {
        let hit = hit?;
        out.insert(hit.id.clone(), hit);
    }
    Ok(out)
}

/// Contacts on file that look like `input` (same e-mail, same phone number, or a very similar
/// name at the same account), best reasons first. `except` leaves out the record being edited.
pub fn likely_contacts(
    conn: &Connection,
    input: &ContactInput,
    except: Option<&str>,
) -> Result<Vec<DuplicateMatch>> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |id: String, reason: String| {
        if Some(id.as_str()) != except {
            found.entry(id).or_insert(reason);
        }
    };
    for e in &input.emails {
        let address = e.address.trim();
        if address.is_empty() {
            continue;
        }
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT contact_id FROM contact_emails WHERE address = ?1 COLLATE NOCASE",
        )?;
        for id in stmt.query_map([address], |r| r.get::<_, String>(0))? {
            note(id?, format!("same e-mail {}", address.to_lowercase()));
        }
    }
    let country = crate::store::settings::default_country(conn)?;
    for p in &input.phones {
        if let Some(n) = crate::kernel::phone::normalize(&p.number, country.as_deref()) {
            let mut stmt = conn
                .prepare_cached("SELECT DISTINCT contact_id FROM contact_phones WHERE e164 = ?1")?;
            for id in stmt.query_map([&n.e164], |r| r.get::<_, String>(0))? {
                note(id?, format!("same phone {}", n.e164));
            }
        }
    }
    if let Some(account) = input.account_id.as_deref().filter(|a| !a.is_empty()) {
        let wanted = fold_name(&format!("{} {}", input.first_name, input.last_name));
        let mut stmt = conn.prepare_cached(
            "SELECT id, first_name || ' ' || last_name FROM contacts WHERE account_id = ?1",
        )?;
        for row in stmt.query_map([account], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (id, name) = row?;
            if !wanted.is_empty()
                && strsim::jaro_winkler(&wanted, &fold_name(&name)) >= NAME_SIMILARITY
            {
                note(
                    id,
                    format!("similar name at the same account ({})", name.trim()),
                );
            }
        }
    }
    let ids: Vec<String> = found.keys().cloned().collect();
    let hits = contact_hits(conn, &ids)?;
    Ok(found
        .into_iter()
        .filter_map(|(id, reason)| {
            hits.get(&id).map(|h| DuplicateMatch {
                record: h.clone(),
                reason,
            })
        })
        .collect())
}

/// Joins records into groups: every pair found is one edge.
#[derive(Debug, Default)]
struct Groups {
    parent: HashMap<String, String>,
    reasons: Vec<(String, String)>,
}

impl Groups {
    fn root(&mut self, id: &str) -> String {
        let mut current = id.to_owned();
        loop {
            let parent = self
                .parent
                .entry(current.clone())
                .or_insert_with(|| current.clone())
                .clone();
            if parent == current {
                return current;
            }
            current = parent;
        }
    }

    fn join(&mut self, ids: &[String], reason: String) {
        let Some(first) = ids.first() else { return };
        let root = self.root(first);
        for other in &ids[1..] {
            let other_root = self.root(other);
            if other_root != root {
                self.parent.insert(other_root, root.clone());
            }
        }
        self.reasons.push((first.clone(), reason));
    }

    /// Members (sorted) and reasons of every group of two or more.
    fn finish(mut self) -> Vec<(Vec<String>, Vec<String>)> {
        let ids: Vec<String> = self.parent.keys().cloned().collect();
        let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for id in &ids {
            let root = self.root(id);
            members.entry(root).or_default().insert(id.clone());
        }
        let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, reason) in std::mem::take(&mut self.reasons) {
            let root = self.root(&id);
            let list = reasons.entry(root).or_default();
            if !list.contains(&reason) {
                list.push(reason);
            }
        }
        members
            .into_iter()
            .filter(|(_, m)| m.len() > 1)
            .map(|(root, m)| {
                (
                    m.into_iter().collect(),
                    reasons.remove(&root).unwrap_or_default(),
                )
            })
            .collect()
    }
}

fn grouped(conn: &Connection, sql: &str) -> Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (key, ids) = row?;
        out.push((key, ids.split(',').map(str::to_owned).collect()));
    }
    Ok(out)
}

/// Scans every contact and account for likely duplicates.
pub fn scan(conn: &Connection) -> Result<Vec<DuplicateGroup>> {
    let mut people = Groups::default();
    for (address, ids) in grouped(
        conn,
        "SELECT lower(address), group_concat(DISTINCT contact_id) FROM contact_emails
          GROUP BY lower(address) HAVING count(DISTINCT contact_id) > 1",
    )? {
        people.join(&ids, format!("same e-mail {address}"));
    }
    for (number, ids) in grouped(
        conn,
        "SELECT e164, group_concat(DISTINCT contact_id) FROM contact_phones WHERE e164 IS NOT NULL
          GROUP BY e164 HAVING count(DISTINCT contact_id) > 1",
    )? {
        people.join(&ids, format!("same phone {number}"));
    }
    {
        let mut stmt = conn.prepare(
            "SELECT account_id, id, first_name || ' ' || last_name FROM contacts
              WHERE account_id IS NOT NULL ORDER BY account_id",
        )?;
        let mut by_account: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (account, id, name) = row?;
            by_account
                .entry(account)
                .or_default()
                .push((id, fold_name(&name)));
        }
        for people_here in by_account.values().filter(|p| p.len() > 1) {
            for (i, (a, an)) in people_here.iter().enumerate() {
                for (b, bn) in &people_here[i + 1..] {
                    if !an.is_empty() && strsim::jaro_winkler(an, bn) >= NAME_SIMILARITY {
                        people.join(
                            &[a.clone(), b.clone()],
                            "similar name at the same account".into(),
                        );
                    }
                }
            }
        }
    }

    let mut companies = Groups::default();
    {
        let mut stmt = conn.prepare("SELECT id, name, website FROM accounts")?;
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_domain: HashMap<String, Vec<String>> = HashMap::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })? {
            let (id, name, website) = row?;
            let folded = fold_company(&name);
            if !folded.is_empty() {
                by_name.entry(folded).or_default().push(id.clone());
            }
            if let Some(d) = website.as_deref().and_then(domain) {
                by_domain.entry(d).or_default().push(id);
            }
        }
        for (name, ids) in by_name.into_iter().filter(|(_, ids)| ids.len() > 1) {
            companies.join(&ids, format!("same name \"{name}\""));
        }
        for (d, ids) in by_domain.into_iter().filter(|(_, ids)| ids.len() > 1) {
            companies.join(&ids, format!("same website {d}"));
        }
    }

    let mut out = Vec::new();
    let people = people.finish();
    let all: Vec<String> = people.iter().flat_map(|(ids, _)| ids.clone()).collect();
    let hits = contact_hits(conn, &all)?;
    for (ids, reasons) in people {
        out.push(group("contacts", &ids, reasons, &hits));
    }
    for (ids, reasons) in companies.finish() {
        let mut hits = HashMap::new();
        for id in &ids {
            let a = crate::people::accounts::get(conn, id)?;
            hits.insert(
                id.clone(),
                SearchHit {
                    entity: "accounts".into(),
                    id: a.id.clone(),
                    subtitle: [a.website.clone(), a.address.city.clone()]
                        .into_iter()
                        .flatten()
                        .reduce(|x, y| format!("{x} · {y}")),
                    title: a.name,
                },
            );
        }
        out.push(group("accounts", &ids, reasons, &hits));
    }
    Ok(out)
}

fn group(
    entity: &str,
    ids: &[String],
    reasons: Vec<String>,
    hits: &HashMap<String, SearchHit>,
) -> DuplicateGroup {
    // Oldest first: ids are UUID v7, so their order is their creation order.
    let mut ids = ids.to_vec();
    ids.sort();
    DuplicateGroup {
        entity: entity.to_owned(),
        records: ids.iter().filter_map(|id| hits.get(id).cloned()).collect(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold_name("  Ada  LOVELACE-King "), "ada lovelace king");
        assert_eq!(fold_company("Acme Tools Ltd."), "acme tools");
        assert_eq!(fold_company("The ACME Tools, Inc"), "acme tools");
        assert_eq!(
            domain("https://www.Acme.example/contact").as_deref(),
            Some("acme.example")
        );
        assert_eq!(domain("acme.example").as_deref(), Some("acme.example"));
        assert_eq!(domain("not a site"), None);
    }
}
