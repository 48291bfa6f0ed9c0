//! Importing contacts and accounts from CSV files: columns mapped to fields (guessed from the
//! headers of common exports, custom fields included), a preview of the first rows as they
//! will be stored, a duplicate policy, and a report in which rows read always equal created +
//! updated + skipped + rejected. The whole import is one write: one batch, undone as a whole,
//! and never half there.

pub mod calllist;
mod mapping;
pub mod table;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::MoneyInput;
use crate::people::accounts::{self, AccountInput};
use crate::people::contacts::{self, ContactInput, EmailEntry, PhoneEntry, PostalAddress};
use crate::records::fields::CustomValues;
use crate::sales::leads::{self, LeadInput};
use crate::sales::opportunities::{self, OpportunityInput};
use crate::store::db::Db;
use crate::store::writer::Writer;

pub use mapping::{TargetField, guess, targets};
pub use table::{Table, TableRow};

mod cells;
mod prepare;
mod write;

pub(crate) use cells::*;
use prepare::*;
use write::*;

/// What the rows become.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportEntity {
    #[default]
    Contacts,
    Accounts,
    /// Leads (form submissions, bought lists).
    Leads,
    /// People on a call list (see [`calllist::import`]).
    CallList,
    /// Deals (opportunities), each in a pipeline stage.
    Opportunities,
    /// The product catalogue (SKU, name, unit, price, tax rate), matched by SKU.
    Products,
}

impl ImportEntity {
    /// The table whose custom fields columns can fill.
    pub fn table(self) -> &'static str {
        match self {
            ImportEntity::Contacts => "contacts",
            ImportEntity::Accounts => "accounts",
            ImportEntity::Leads => "leads",
            ImportEntity::CallList => "call_list_entries",
            ImportEntity::Opportunities => "opportunities",
            ImportEntity::Products => "products",
        }
    }
}

/// What to do with a row that matches a record already on file (contacts by e-mail or
/// phone number, accounts by web domain or name) or an earlier row of the same file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Dedup {
    /// Leave the existing record alone; the row counts as skipped.
    #[default]
    Skip,
    /// Fill the existing record with the row's values (lists are added to, not replaced).
    Update,
    /// Create a new record anyway.
    Create,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ImportOptions {
    pub entity: ImportEntity,
    /// The field key for each column, in column order (`null` or `""`: not imported). Empty:
    /// guessed from the headers.
    pub mapping: Vec<Option<String>>,
    pub dedup: Dedup,
    /// Leads: the source of rows that name none (default "Web form").
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rejected {
    #[ts(type = "number")]
    pub line: u64,
    pub reason: String,
}

/// What an import did. `rows_read` = `created` + `updated` + `skipped` + `rejected.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub created: u64,
    #[ts(type = "number")]
    pub updated: u64,
    /// Duplicates left alone.
    #[ts(type = "number")]
    pub skipped: u64,
    pub rejected: Vec<Rejected>,
    /// Undoes the whole import (`rapport undo`); `null` when nothing was written.
    pub batch_id: Option<String>,
    pub encoding: String,
    pub delimiter: String,
    /// The mapping used, one entry per column.
    pub mapping: Vec<Option<String>>,
    /// Stopped by the user: nothing was written.
    pub cancelled: bool,
    /// Columns with values that are not mapped to any field, so their values were left out.
    pub unimported: Vec<UnimportedColumn>,
}

/// A column with values that the import leaves out: it is mapped to no field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnimportedColumn {
    /// The column's header as the file names it.
    pub column: String,
    /// How many rows have a value in it.
    #[ts(type = "number")]
    pub cells: u64,
    /// "Website 1 - Value: 300 non-empty cells not imported".
    pub message: String,
}

/// How many rows have a value in each column of `table`.
pub fn filled_cells(table: &Table) -> Vec<u64> {
    let mut filled = vec![0u64; table.headers.len()];
    for row in &table.rows {
        for (i, cell) in row.cells.iter().enumerate().take(filled.len()) {
            if !cell.trim().is_empty() {
                filled[i] += 1;
            }
        }
    }
    filled
}

/// The columns that hold values but are mapped to no field, in column order.
pub fn unimported_columns(
    headers: &[String],
    filled: &[u64],
    mapping: &[Option<String>],
) -> Vec<UnimportedColumn> {
    headers
        .iter()
        .zip(filled)
        .enumerate()
        .filter(|(i, (_, n))| **n > 0 && mapping.get(*i).is_none_or(Option::is_none))
        .map(|(i, (header, &cells))| {
            let column = if header.trim().is_empty() {
                format!("Column {}", i + 1)
            } else {
                header.clone()
            };
            let message = format!(
                "{column}: {cells} non-empty {} not imported",
                if cells == 1 { "cell" } else { "cells" }
            );
            UnimportedColumn {
                column,
                cells,
                message,
            }
        })
        .collect()
}

/// One row as it would be stored, for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewRow {
    #[ts(type = "number")]
    pub line: u64,
    /// `create`, `update`, `skip` or `reject`.
    pub outcome: String,
    /// Field label and value, in mapping order.
    pub values: Vec<(String, String)>,
    pub reason: Option<String>,
}

/// A row turned into a record input, with the keys to find its duplicates by.
struct Prepared {
    contact: Option<ContactInput>,
    account: Option<AccountInput>,
    lead: Option<LeadInput>,
    deal: Option<OpportunityInput>,
    product: Option<crate::sales::products::ProductInput>,
    /// A deal's Lost reason, found or added when the row is written.
    lost_reason: Option<String>,
    account_name: Option<String>,
    keys: Vec<String>,
}

#[derive(Clone, Copy)]
enum Outcome {
    Created = 0,
    Updated = 1,
    Skipped = 2,
}

/// Imports `table` in one transaction. `progress(done, total)` is called every few hundred rows;
/// returning `false` cancels the import and nothing is written.
pub fn import(
    db: &mut Db,
    table: &Table,
    options: &ImportOptions,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ImportReport> {
    if options.entity == ImportEntity::CallList {
        return Err(Error::invalid(
            "entity",
            "call lists are imported with calllists::import (rapport calllists import)",
        ));
    }
    let mapping = resolve_mapping(db.conn(), table, options.entity, &options.mapping)?;
    let mut report = ImportReport {
        rows_read: table.rows.len() as u64,
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.clone(),
        mapping: mapping.clone(),
        unimported: unimported_columns(&table.headers, &filled_cells(table), &mapping),
        ..Default::default()
    };
    let origin = db.origin();
    db.set_origin("import");
    let phone_columns: Vec<usize> = mapping
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.as_deref(), Some("phone" | "mobile" | "phone_2")))
        .map(|(i, _)| i)
        .collect();
    let parts = table
        .rows
        .chunks(CHUNK)
        .map(|rows| {
            rows.iter()
                .flat_map(|row| {
                    phone_columns
                        .iter()
                        .filter_map(|&i| row.cells.get(i).map(|c| c.trim()))
                        .filter(|c| !c.is_empty())
                })
                .collect()
        })
        .collect();
    let country = crate::store::settings::default_country(db.conn())?;
    let result = crate::kernel::phone::primed(parts, country.as_deref(), |parsed| {
        // First without savepoints (see `write::Mode`); if a row fails after it wrote
        // something, the whole write is rolled back and made again with them.
        let mut result = Err(Error::Cancelled);
        for mode in [Mode::Straight, Mode::Savepoints] {
            let mut again = false;
            report.created = 0;
            report.updated = 0;
            report.skipped = 0;
            report.rejected.clear();
            result = db.write(|w| {
                if table.rows.len() > CHUNK {
                    // A big import dirties more pages than the default cache holds; spilling
                    // them to the WAL mid-transaction would write them twice.
                    w.expect_many()?;
                }
                let mut index = Index::load(w.conn(), options.entity)?;
                index.day_first = slash_order(table, &mapping);
                for (i, rows) in table.rows.chunks(CHUNK).enumerate() {
                    if !progress(i * CHUNK, table.rows.len()) {
                        return Err(Error::Cancelled);
                    }
                    parsed.wait_for(i);
                    let done = chunk(
                        w,
                        mode,
                        &mut index,
                        rows,
                        table,
                        &mapping,
                        options,
                        &mut report,
                    )?;
                    if !done {
                        again = true;
                        return Err(Error::Internal("an import row failed half-written".into()));
                    }
                }
                progress(table.rows.len(), table.rows.len());
                let noun = match options.entity {
                    ImportEntity::Contacts => ("contact", "contacts"),
                    ImportEntity::Accounts => ("account", "accounts"),
                    ImportEntity::Leads => ("lead", "leads"),
                    ImportEntity::CallList => ("person", "people"),
                    ImportEntity::Opportunities => ("deal", "deals"),
                    ImportEntity::Products => ("product", "products"),
                };
                let mut label = format!(
                    "Imported {}",
                    crate::store::changelog::counted(report.created, noun.0, noun.1)
                );
                if report.updated > 0 {
                    label.push_str(&format!(", updated {}", report.updated));
                }
                w.describe(label);
                Ok(w.batch_id().to_owned())
            });
            if !again {
                break;
            }
        }
        result
    });
    db.set_origin(origin);
    match result {
        Ok(batch) => {
            if report.created + report.updated > 0 {
                report.batch_id = Some(batch);
            }
            Ok(report)
        }
        Err(Error::Cancelled) => Ok(ImportReport {
            created: 0,
            updated: 0,
            skipped: 0,
            rejected: Vec::new(),
            cancelled: true,
            ..report
        }),
        Err(e) => Err(e),
    }
}

/// Reads a CSV or JSON file from disk into a [`Table`], naming the file in every error.
pub fn read_file(path: &std::path::Path) -> Result<Table> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(Error::invalid(
            "file",
            format!("{name} does not exist or is not a file"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    table::read(&bytes, &name)
}

/// A file about to be imported: its columns, the fields they were guessed to be, the fields
/// they could be, and its first rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Inspection {
    pub file_name: String,
    pub encoding: String,
    pub delimiter: String,
    pub headers: Vec<String>,
    pub mapping: Vec<Option<String>>,
    pub targets: Vec<TargetField>,
    #[ts(type = "number")]
    pub rows: u64,
    /// The first rows, as read.
    pub sample: Vec<TableRow>,
    /// How many rows have a value in each column: a column with values that is mapped to no
    /// field is warned about ([`unimported_columns`]).
    #[ts(type = "number[]")]
    pub filled: Vec<u64>,
}

/// Reads `path` and guesses what its columns hold for `entity`.
pub fn inspect(
    conn: &Connection,
    path: &std::path::Path,
    entity: ImportEntity,
) -> Result<Inspection> {
    let table = read_file(path)?;
    Ok(Inspection {
        file_name: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        encoding: table.encoding.clone(),
        delimiter: table.delimiter.clone(),
        mapping: guess(conn, entity, &table.headers)?,
        targets: targets(conn, entity)?,
        rows: table.rows.len() as u64,
        sample: table.rows.iter().take(5).cloned().collect(),
        filled: filled_cells(&table),
        headers: table.headers,
    })
}

/// The first `limit` rows as they would be stored, without storing anything.
pub fn preview(
    db: &mut Db,
    table: &Table,
    options: &ImportOptions,
    limit: usize,
) -> Result<Vec<PreviewRow>> {
    let mapping = resolve_mapping(db.conn(), table, options.entity, &options.mapping)?;
    let labels: HashMap<String, String> = targets(db.conn(), options.entity)?
        .into_iter()
        .map(|t| (t.key, t.label))
        .collect();
    let mut rows = Vec::new();
    // Runs the real import on the first rows, then rolls it back.
    let _ = db.write(|w| {
        let mut index = Index::load(w.conn(), options.entity)?;
        index.day_first = slash_order(table, &mapping);
        for row in table.rows.iter().take(limit) {
            let values = mapping
                .iter()
                .enumerate()
                .filter_map(|(i, key)| {
                    let key = key.as_ref()?;
                    let value = row.cells.get(i).cloned().unwrap_or_default();
                    Some((
                        labels.get(key).cloned().unwrap_or_else(|| key.clone()),
                        value,
                    ))
                })
                .collect();
            let (outcome, why) = match one_row(w, &mut index, row, &mapping, options) {
                Ok(Outcome::Created) => ("create", None),
                Ok(Outcome::Updated) => ("update", None),
                Ok(Outcome::Skipped) => ("skip", Some("already on file".to_owned())),
                Err(e) => ("reject", Some(reason(&e, table, &mapping))),
            };
            rows.push(PreviewRow {
                line: row.line,
                outcome: outcome.into(),
                values,
                reason: why,
            });
        }
        Err::<(), _>(Error::Cancelled)
    });
    Ok(rows)
}

/// The mapping to use: the one given, else one guessed from the headers; checked against the
/// fields `entity` has, and for a column that names the record.
pub(crate) fn resolve_mapping(
    conn: &Connection,
    table: &Table,
    entity: ImportEntity,
    given: &[Option<String>],
) -> Result<Vec<Option<String>>> {
    let mapping: Vec<Option<String>> =
        if given.iter().all(|m| m.as_deref().is_none_or(str::is_empty)) {
            guess(conn, entity, &table.headers)?
        } else {
            given
                .iter()
                .map(|m| m.clone().filter(|k| !k.is_empty()))
                .collect()
        };
    let known = targets(conn, entity)?;
    for (i, key) in mapping.iter().enumerate() {
        if let Some(key) = key
            && !known.iter().any(|t| &t.key == key)
        {
            return Err(Error::invalid(
                "mapping",
                format!(
                    "column {} ({}) is mapped to \"{key}\", which {} do not have",
                    i + 1,
                    table.headers.get(i).map_or("", String::as_str),
                    match entity {
                        ImportEntity::CallList => "call lists",
                        other => other.table(),
                    }
                ),
            ));
        }
    }
    if !mapping.iter().flatten().any(|k| {
        matches!(
            (entity, k.as_str()),
            (
                ImportEntity::Contacts | ImportEntity::Leads,
                "first_name" | "last_name" | "full_name"
            ) | (ImportEntity::Accounts | ImportEntity::Opportunities, "name")
                | (ImportEntity::Products, "sku")
                | (
                    ImportEntity::CallList,
                    "first_name" | "last_name" | "full_name" | "account"
                )
        )
    }) {
        return Err(Error::invalid(
            "mapping",
            match entity {
                ImportEntity::Contacts | ImportEntity::Leads => {
                    "map a column to the first, last or full name: no column was recognised as a name"
                }
                ImportEntity::Accounts => {
                    "map a column to the account name: no column was recognised as one"
                }
                ImportEntity::CallList => {
                    "map a column to the name or the company: no column was recognised as either"
                }
                ImportEntity::Opportunities => {
                    "map a column to the deal name: no column was recognised as one"
                }
                ImportEntity::Products => {
                    "map a column to the SKU (the product's code): no column was recognised as one"
                }
            },
        ));
    }
    Ok(mapping)
}

/// Existing records by their duplicate keys (`e:` e-mail, `p:` phone, `d:` web domain, `n:` name).
struct Index {
    keys: HashMap<String, String>,
    /// Keys added since the index was loaded, in order, so a rolled-back chunk can take its
    /// own back out.
    added: Vec<String>,
    default_country: Option<String>,
    /// How this file writes dates with slashes: day first (`31/01/2026`), month first
    /// (`01/31/2026`), or unknown when no date in it tells (see [`slash_order`]).
    day_first: Option<bool>,
}

/// A lead from a web form's notification: its `Field: value` lines read by the same mapping as
/// the leads import (lines no field takes go to the notes, as `Field: value`). `None` when no
/// line gives a name or an e-mail address.
pub(crate) fn lead_from_form(
    conn: &Connection,
    lines: &[(String, String)],
) -> Result<Option<LeadInput>> {
    let headers: Vec<String> = lines.iter().map(|(k, _)| k.clone()).collect();
    let mapping = mapping::guess(conn, ImportEntity::Leads, &headers)?;
    let row = TableRow {
        line: 1,
        cells: lines.iter().map(|(_, v)| v.clone()).collect(),
        problem: None,
    };
    let index = Index {
        keys: HashMap::new(),
        added: Vec::new(),
        default_country: crate::store::settings::default_country(conn)?,
        day_first: None,
    };
    let Some(mut lead) = prepare::prepare(conn, &index, &row, &mapping, ImportEntity::Leads)?.lead
    else {
        return Ok(None);
    };
    if lead.name.trim().is_empty() && lead.email.is_none() {
        return Ok(None);
    }
    let rest: Vec<String> = lines
        .iter()
        .zip(&mapping)
        .filter(|(_, m)| m.is_none())
        .map(|((k, v), _)| format!("{k}: {v}"))
        .collect();
    if !rest.is_empty() {
        let notes = lead
            .notes
            .take()
            .into_iter()
            .chain(rest)
            .collect::<Vec<_>>();
        lead.notes = Some(notes.join("\n"));
    }
    Ok(Some(lead))
}

impl Index {
    fn load(conn: &Connection, entity: ImportEntity) -> Result<Index> {
        let mut keys = HashMap::new();
        let sql: &[&str] = match entity {
            ImportEntity::Contacts => &[
                "SELECT 'e:' || lower(address), contact_id FROM contact_emails",
                "SELECT 'p:' || e164, contact_id FROM contact_phones WHERE e164 IS NOT NULL",
            ],
            ImportEntity::Accounts => &[
                "SELECT 'n:' || lower(trim(name)), id FROM accounts",
                "SELECT 'w:' || website, id FROM accounts WHERE website IS NOT NULL",
            ],
            ImportEntity::Leads => &[
                "SELECT 'e:' || lower(email), id FROM leads WHERE email IS NOT NULL",
                "SELECT 'p:' || phone_e164, id FROM leads WHERE phone_e164 IS NOT NULL",
            ],
            ImportEntity::CallList => &[],
            // Deals are told apart by name and account: `n:` lower(name) '|' account id.
            ImportEntity::Opportunities => &[
                "SELECT 'n:' || lower(trim(name)) || '|' || ifnull(account_id, ''), id FROM opportunities",
            ],
            ImportEntity::Products => &["SELECT 's:' || lower(trim(sku)), id FROM products"],
        };
        for q in sql {
            let mut stmt = conn.prepare(q)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                // Websites are keyed by their domain, like the rows they are compared with.
                let key = match key.strip_prefix("w:") {
                    Some(website) => match domain(website) {
                        Some(d) => format!("d:{d}"),
                        None => continue,
                    },
                    None => key,
                };
                keys.entry(key).or_insert(r.get(1)?);
            }
        }
        Ok(Index {
            keys,
            added: Vec::new(),
            default_country: crate::store::settings::default_country(conn)?,
            day_first: None,
        })
    }

    fn find(&self, keys: &[String]) -> Option<String> {
        keys.iter().find_map(|k| self.keys.get(k).cloned())
    }

    fn add(&mut self, keys: &[String], id: &str) {
        for k in keys {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.keys.entry(k.clone()) {
                slot.insert(id.to_owned());
                self.added.push(k.clone());
            }
        }
    }

    /// The id of the account named `name` (letter case aside, as SQLite's NOCASE compares),
    /// created if there is none: looked up once per name, since most rows of a file name a
    /// company that earlier rows named too. Kept with the row keys, so a rolled-back chunk
    /// forgets the accounts it created.
    fn account(&mut self, w: &Writer<'_>, name: &str) -> Result<String> {
        let key = account_key(name);
        if let Some(id) = self.keys.get(&key) {
            return Ok(id.clone());
        }
        let (id, _) = accounts::find_or_create_by_name(w, name)?;
        self.keys.insert(key.clone(), id.clone());
        self.added.push(key);
        Ok(id)
    }

    /// Whether [`Index::account`] has already found or created the account named `name`.
    fn knows_account(&self, name: &str) -> bool {
        self.keys.contains_key(&account_key(name))
    }

    fn mark(&self) -> usize {
        self.added.len()
    }

    /// Forgets the keys added since `mark`.
    fn rollback(&mut self, mark: usize) {
        for k in self.added.drain(mark..) {
            self.keys.remove(&k);
        }
    }
}

/// The key of an account's name in [`Index`].
fn account_key(name: &str) -> String {
    format!("a:{}", name.trim().to_ascii_lowercase())
}

/// A rejected row's reason in the file's own words: the column header, then the problem.
fn reason(e: &Error, table: &Table, mapping: &[Option<String>]) -> String {
    let column = |key: &str| -> Option<String> {
        mapping
            .iter()
            .position(|m| m.as_deref() == Some(key))
            .and_then(|i| table.headers.get(i).cloned())
    };
    match e {
        Error::Validation(list) => list
            .iter()
            .map(|f| {
                let root = f.field.split('.').next().unwrap_or(&f.field);
                let nth = f
                    .field
                    .split('.')
                    .nth(1)
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0);
                let key = match root {
                    "emails" => ["email", "email_2", "email_3"].get(nth).copied(),
                    "phones" => ["phone", "mobile", "phone_2"].get(nth).copied(),
                    "addresses" => f.field.rsplit('.').next(),
                    "address" => f.field.rsplit('.').next(),
                    "annual_revenue" => Some("annual_revenue"),
                    "estimated_value" => Some("estimated_value"),
                    "amount" => Some("amount"),
                    "stage_id" => Some("stage"),
                    "pipeline_id" => Some("pipeline"),
                    "lost_reason_id" => Some("lost_reason"),
                    "source" => Some("lead_source"),
                    "company" => Some("account"),
                    "employee_count" => Some("employees"),
                    "owner_id" => Some("owner"),
                    "account_id" => Some("account"),
                    "custom" => None,
                    other => Some(other),
                };
                let name = match (root, key) {
                    ("custom", _) => f
                        .field
                        .strip_prefix("custom.")
                        .and_then(|id| column(&format!("custom:{id}"))),
                    (_, Some(k)) => column(k),
                    _ => None,
                }
                .unwrap_or_else(|| f.field.clone());
                if f.field == "row" {
                    return format!("the row {}", f.message);
                }
                format!("{name}: {}", f.message)
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
