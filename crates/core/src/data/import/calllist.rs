//! Importing a call list from a CSV file: each row becomes a person to call, with numbers
//! already on the list (or, unless asked, already a contact's or a lead's) skipped and rows
//! without a name or a number rejected. The list itself is `crate::sales::calllists`'s.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ImportEntity, Rejected, Table, TableRow, cell};
use crate::kernel::error::{Error, Result};
use crate::kernel::validate::{NOTES_MAX, SHORT_TEXT_MAX};
use crate::sales::calllists::{CallListInput, ENTRIES, TABLE, check_list};
use crate::store::db::Db;
use crate::store::writer::text;

/// How to import a call list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CallListImport {
    /// The new list's name, script, attempts and owner.
    pub list: CallListInput,
    /// The field key for each column (`null`: kept as a detail); empty: guessed from headers.
    pub mapping: Vec<Option<String>>,
    /// Also import people whose number already belongs to a contact or a lead.
    pub include_known: bool,
    /// The file's name, remembered with the list.
    pub source_file: Option<String>,
}

/// A row not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SkippedRow {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// What a call-list import did: `rows_read` = `added` + `skipped.len()` + `rejected.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CallListReport {
    pub list_id: Option<String>,
    pub name: String,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub added: u64,
    /// Duplicates: a number already on the list, or (unless asked) a known contact or lead.
    pub skipped: Vec<SkippedRow>,
    /// Rows that cannot be called: no phone number, no name.
    pub rejected: Vec<Rejected>,
    pub encoding: String,
    pub delimiter: String,
    pub mapping: Vec<Option<String>>,
    /// Undoes the import (`rapport undo`); `null` when nothing was written.
    pub batch_id: Option<String>,
    pub cancelled: bool,
}

/// A row read for the list, before it is written.
struct Person {
    line: u64,
    name: String,
    company: Option<String>,
    title: Option<String>,
    phone: String,
    e164: Option<String>,
    email: Option<String>,
    city: Option<String>,
    notes: Option<String>,
    extra: BTreeMap<String, String>,
}

fn clip(value: Option<&str>, max: usize) -> Option<String> {
    value.map(|v| v.chars().take(max).collect())
}

fn person(
    table: &Table,
    row: &TableRow,
    mapping: &[Option<String>],
    country: Option<&str>,
) -> std::result::Result<Person, String> {
    if let Some(problem) = &row.problem {
        return Err(format!("the row {problem}"));
    }
    let m = mapping;
    let name = match (cell(row, m, "first_name"), cell(row, m, "last_name")) {
        (None, None) => cell(row, m, "full_name").map(str::to_owned),
        (first, last) => Some(
            [first, last]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
    .or_else(|| cell(row, m, "account").map(str::to_owned));
    let Some(name) = name else {
        return Err("no name or company to ask for".into());
    };
    let Some(phone) = cell(row, m, "phone").or_else(|| cell(row, m, "mobile")) else {
        let header = mapping
            .iter()
            .position(|k| k.as_deref() == Some("phone"))
            .and_then(|i| table.headers.get(i));
        return Err(match header {
            Some(h) => format!("{h}: no phone number to call"),
            None => "no phone number to call".into(),
        });
    };
    if phone.chars().filter(char::is_ascii_digit).count() < 3 || phone.len() > 50 {
        return Err(format!("\"{phone}\" is not a phone number"));
    }
    let mut extra = BTreeMap::new();
    for (i, key) in mapping.iter().enumerate() {
        if key.is_none()
            && let (Some(header), Some(value)) = (table.headers.get(i), row.cells.get(i))
            && !value.trim().is_empty()
        {
            extra.insert(
                clip(Some(header), SHORT_TEXT_MAX).unwrap_or_default(),
                clip(Some(value.trim()), 2_000).unwrap_or_default(),
            );
        }
    }
    Ok(Person {
        line: row.line,
        name: clip(Some(&name), SHORT_TEXT_MAX).unwrap_or_default(),
        company: clip(cell(row, m, "account"), SHORT_TEXT_MAX),
        title: clip(cell(row, m, "title"), SHORT_TEXT_MAX),
        e164: crate::kernel::phone::normalize(phone, country).map(|n| n.e164),
        phone: phone.to_owned(),
        email: clip(cell(row, m, "email"), SHORT_TEXT_MAX),
        city: clip(cell(row, m, "city"), SHORT_TEXT_MAX),
        notes: clip(cell(row, m, "notes"), NOTES_MAX),
        extra,
    })
}

/// Reads the rows on all cores: parsing phone numbers is most of an import's work.
fn people(
    table: &Table,
    mapping: &[Option<String>],
    country: Option<&str>,
) -> Vec<std::result::Result<Person, String>> {
    crate::par_map(&table.rows, |row| person(table, row, mapping, country))
}

/// Imports `table` as a new call list, in one transaction. `progress(done, total)` is called
/// every few thousand rows; returning `false` cancels and nothing is written.
pub fn import(
    db: &mut Db,
    table: &Table,
    options: &CallListImport,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CallListReport> {
    let conn = db.conn();
    let mapping = super::resolve_mapping(conn, table, ImportEntity::CallList, &options.mapping)?;
    if !mapping
        .iter()
        .flatten()
        .any(|k| matches!(k.as_str(), "phone" | "mobile"))
    {
        return Err(Error::invalid(
            "mapping",
            "map a column to the phone number: no column was recognised as one",
        ));
    }
    let country = crate::store::settings::default_country(conn)?;
    let rows = people(table, &mapping, country.as_deref());
    let mut known: HashMap<String, String> = HashMap::new();
    if !options.include_known {
        for (sql, what) in [
            (
                "SELECT p.e164, trim(c.first_name || ' ' || c.last_name) FROM contact_phones p
                   JOIN contacts c ON c.id = p.contact_id WHERE p.e164 IS NOT NULL",
                "contact",
            ),
            (
                "SELECT phone_e164, name FROM leads WHERE phone_e164 IS NOT NULL",
                "lead",
            ),
        ] {
            let mut stmt = conn.prepare(sql)?;
            let mut found = stmt.query([])?;
            while let Some(r) = found.next()? {
                known.entry(r.get(0)?).or_insert(format!(
                    "already on file as the {what} {}",
                    r.get::<_, String>(1)?
                ));
            }
        }
    }
    let mut report = CallListReport {
        name: options.list.name.trim().to_owned(),
        rows_read: table.rows.len() as u64,
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.clone(),
        mapping,
        ..Default::default()
    };
    let origin = db.origin();
    db.set_origin("import");
    let result = db.write(|w| {
        let v = check_list(w.conn(), None, &options.list)?;
        let list_id = crate::new_id();
        let mut fields = v.fields;
        fields.push(("source_file", text(&options.source_file)));
        w.insert(TABLE, &list_id, &fields)?;
        let mut seen: HashMap<String, u64> = HashMap::new();
        let total = rows.len();
        for (i, row) in rows.iter().enumerate() {
            if i % 2000 == 0 && !progress(i, total) {
                return Err(Error::Cancelled);
            }
            let p = match row {
                Ok(p) => p,
                Err(reason) => {
                    report.rejected.push(Rejected {
                        line: table.rows[i].line,
                        reason: reason.clone(),
                    });
                    continue;
                }
            };
            let key = p
                .e164
                .clone()
                .unwrap_or_else(|| p.phone.chars().filter(char::is_ascii_digit).collect());
            if let Some(first) = seen.get(&key) {
                report.skipped.push(SkippedRow {
                    line: p.line,
                    reason: format!("{} is already on the list (line {first})", p.phone),
                });
                continue;
            }
            if let Some(why) = p.e164.as_ref().and_then(|e| known.get(e)) {
                report.skipped.push(SkippedRow {
                    line: p.line,
                    reason: format!("{}: {why}", p.phone),
                });
                continue;
            }
            seen.insert(key, p.line);
            let extra =
                serde_json::to_string(&p.extra).map_err(|e| Error::Internal(e.to_string()))?;
            report.added += 1;
            w.insert(
                ENTRIES,
                &crate::new_id(),
                &[
                    ("call_list_id", Value::Text(list_id.clone())),
                    ("position", Value::Integer(report.added as i64)),
                    ("name", Value::Text(p.name.clone())),
                    ("company", text(&p.company)),
                    ("title", text(&p.title)),
                    ("phone", Value::Text(p.phone.clone())),
                    ("phone_e164", text(&p.e164)),
                    ("email", text(&p.email)),
                    ("city", text(&p.city)),
                    ("notes", text(&p.notes)),
                    ("extra", Value::Text(extra)),
                ],
            )?;
        }
        progress(total, total);
        w.describe(format!(
            "Imported the call list {} ({})",
            options.list.name.trim(),
            crate::store::changelog::counted(report.added, "person", "people")
        ));
        Ok((list_id, w.batch_id().to_owned()))
    });
    db.set_origin(origin);
    match result {
        Ok((list_id, batch)) => {
            report.list_id = Some(list_id);
            report.batch_id = Some(batch);
            Ok(report)
        }
        Err(Error::Cancelled) => Ok(CallListReport {
            added: 0,
            skipped: Vec::new(),
            rejected: Vec::new(),
            cancelled: true,
            ..report
        }),
        Err(e) => Err(e),
    }
}

/// [`import`] of the CSV file at `path`, remembering the file's name with the list.
pub fn import_file(
    db: &mut Db,
    path: &std::path::Path,
    options: &CallListImport,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CallListReport> {
    let table = super::read_file(path)?;
    let mut options = options.clone();
    if options.source_file.is_none() {
        options.source_file = path.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    import(db, &table, &options, progress)
}
