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
    // A big import dirties more pages than the default 2 MB cache holds; spilling them to the
    // WAL mid-transaction would write them twice.
    let cache: i64 = db
        .conn()
        .pragma_query_value(None, "cache_size", |r| r.get(0))?;
    db.conn().pragma_update(None, "cache_size", -256_000)?;
    let phone_columns: Vec<usize> = mapping
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.as_deref(), Some("phone" | "mobile" | "phone_2")))
        .map(|(i, _)| i)
        .collect();
    let numbers = table.rows.iter().flat_map(|row| {
        phone_columns
            .iter()
            .filter_map(|&i| row.cells.get(i).map(|c| c.trim()))
            .filter(|c| !c.is_empty())
    });
    let country = crate::store::settings::default_country(db.conn())?;
    let result = crate::kernel::phone::primed(numbers, country.as_deref(), || {
        db.write(|w| {
            let mut index = Index::load(w.conn(), options.entity)?;
            index.day_first = slash_order(table, &mapping);
            for (i, rows) in table.rows.chunks(CHUNK).enumerate() {
                if !progress(i * CHUNK, table.rows.len()) {
                    return Err(Error::Cancelled);
                }
                chunk(w, &mut index, rows, table, &mapping, options, &mut report)?;
            }
            progress(table.rows.len(), table.rows.len());
            Ok(w.batch_id().to_owned())
        })
    });
    db.set_origin(origin);
    db.conn().pragma_update(None, "cache_size", cache)?;
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

/// A website's domain, without scheme, `www.` or path: `https://www.Acme.com/x` -> `acme.com`.
fn domain(website: &str) -> Option<String> {
    let rest = website.trim().to_lowercase();
    let rest = rest.split("://").last().unwrap_or(&rest).to_owned();
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .trim_start_matches("www.")
        .to_owned();
    (host.contains('.') && !host.contains(char::is_whitespace)).then_some(host)
}

/// The trimmed, non-empty value of the column mapped to `key`.
pub(crate) fn cell<'a>(
    row: &'a TableRow,
    mapping: &[Option<String>],
    key: &str,
) -> Option<&'a str> {
    mapping
        .iter()
        .position(|m| m.as_deref() == Some(key))
        .and_then(|i| row.cells.get(i))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

fn cells<'a>(
    row: &'a TableRow,
    mapping: &'a [Option<String>],
    keys: &'a [&str],
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    keys.iter()
        .filter_map(move |k| cell(row, mapping, k).map(|v| (*k, v)))
}

fn text(row: &TableRow, mapping: &[Option<String>], key: &str) -> Option<String> {
    cell(row, mapping, key).map(str::to_owned)
}

/// `slot` takes the row's value when the row has one.
fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// The row's tags added to the record's, without repeats (any case).
fn add_tags(tags: &mut Vec<String>, new: Vec<String>) {
    for t in new {
        if !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            tags.push(t);
        }
    }
}

/// The row's notes after the record's, unless they are there already.
fn add_notes(notes: &mut Option<String>, new: Option<String>) {
    if let Some(n) = new {
        *notes = Some(match notes.take() {
            Some(old) if !old.contains(&n) => format!("{old}\n\n{n}"),
            _ => n,
        });
    }
}

/// A money cell: `1234.50`, `1,234.50 GBP`, or an amount with the currency in its own column
/// (EUR when there is none).
fn money(row: &TableRow, mapping: &[Option<String>], key: &str) -> Option<MoneyInput> {
    cell(row, mapping, key).map(|amount| {
        let (amount, currency) = match amount.rsplit_once(' ') {
            Some((a, c)) if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => {
                (a.to_owned(), c.to_owned())
            }
            _ => (
                amount.to_owned(),
                text(row, mapping, "currency").unwrap_or_else(|| "EUR".into()),
            ),
        };
        MoneyInput {
            amount: amount.replace([',', ' '], ""),
            currency,
        }
    })
}

/// A price as spreadsheets write it (`499.00`, `1,234.50`, `1.234,50`, `€ 499`, `499,00 EUR`):
/// the amount with a decimal point, and the currency it names, if any (else the row's
/// currency column).
fn price(
    row: &TableRow,
    mapping: &[Option<String>],
    key: &str,
) -> (Option<String>, Option<String>) {
    let column_currency = text(row, mapping, "currency");
    let Some(raw) = cell(row, mapping, key) else {
        return (None, column_currency);
    };
    let mut currency = None;
    let mut digits = String::new();
    for word in raw.split_whitespace() {
        if word.len() == 3 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            currency = Some(word.to_ascii_uppercase());
            continue;
        }
        digits.push_str(word);
    }
    for (symbol, code) in [('€', "EUR"), ('$', "USD"), ('£', "GBP"), ('¥', "JPY")] {
        if digits.contains(symbol) {
            currency.get_or_insert_with(|| code.to_owned());
            digits = digits.replace(symbol, "");
        }
    }
    let amount = match (digits.rfind(','), digits.rfind('.')) {
        // Both: the last one is the decimal separator.
        (Some(c), Some(d)) if c > d => digits.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => digits.replace(',', ""),
        // A comma alone with other than three digits after it is a decimal comma.
        (Some(c), None) if digits.len() - c - 1 != 3 => digits.replace(',', "."),
        (Some(_), None) => digits.replace(',', ""),
        // Several points are thousands separators.
        (None, Some(_)) if digits.matches('.').count() > 1 => digits.replace('.', ""),
        _ => digits,
    };
    (Some(amount), currency.or(column_currency))
}

fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| ["yes", "y", "true", "1", "x", "on"].contains(&v.to_lowercase().as_str()))
}

fn tags(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split([',', ';'])
                .flat_map(|part| part.split(":::"))
                .map(|t| t.trim().trim_start_matches("* ").trim().to_owned())
                .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("myContacts"))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the file's dates with slashes put the day first: `Some(true)` when some date can
/// only be read day first (`31/01/2026`) and none only month first, `Some(false)` the other
/// way round, `None` when nothing tells (or the file mixes both).
fn slash_order(table: &Table, mapping: &[Option<String>]) -> Option<bool> {
    let columns: Vec<usize> = mapping
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.as_deref(), Some("birthday" | "expected_close")))
        .map(|(i, _)| i)
        .collect();
    let (mut day_first, mut month_first) = (false, false);
    for row in &table.rows {
        for &i in &columns {
            if let Some((a, b)) = row.cells.get(i).and_then(|c| slash_parts(c)) {
                day_first |= a > 12 && b <= 12;
                month_first |= b > 12 && a <= 12;
            }
        }
    }
    match (day_first, month_first) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// The first two numbers of `a/b/yyyy`.
fn slash_parts(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.trim().split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && y.len() == 4).then_some(())?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// A date in one of the forms exports use, as YYYY-MM-DD (left as typed when unrecognised,
/// so the row is rejected with the value named). The year is always written in full: a
/// two-digit year (`26-01-05`, `05.01.26`) is never read as the year 26, nor guessed to be
/// 2026, but left as typed so the row is refused with a message asking for four digits.
/// `03/04/2026` is read in the order the rest of the file shows (`day_first`, see
/// [`slash_order`]); when nothing in the file tells, it is not guessed but refused.
fn date(value: Option<&str>, day_first: Option<bool>) -> Option<String> {
    let v = value?;
    if let Some((a, b)) = slash_parts(v)
        && a <= 12
        && b <= 12
        && a != b
    {
        let format = match day_first {
            Some(true) => "%d/%m/%Y",
            Some(false) => "%m/%d/%Y",
            None => return Some(v.to_owned()),
        };
        return chrono::NaiveDate::parse_from_str(v.trim(), format)
            .ok()
            .filter(|d| crate::kernel::time::in_range(*d))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .or_else(|| Some(v.to_owned()));
    }
    for format in ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d", "%d/%m/%Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(v, format)
            && crate::kernel::time::in_range(d)
        {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    Some(v.to_owned())
}

fn custom(row: &TableRow, mapping: &[Option<String>]) -> CustomValues {
    mapping
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let field = m.as_deref()?.strip_prefix("custom:")?;
            let value = row.cells.get(i)?.trim();
            (!value.is_empty()).then(|| {
                (
                    field.to_owned(),
                    serde_json::Value::String(value.to_owned()),
                )
            })
        })
        .collect()
}

fn owner(conn: &Connection, value: Option<&str>) -> Result<Option<String>> {
    let Some(name) = value else { return Ok(None) };
    match crate::records::team::find(conn, name)? {
        Some(m) => Ok(Some(m.id)),
        None => Err(Error::invalid(
            "owner_id",
            format!("nobody named \"{name}\" is on the team"),
        )),
    }
}

fn prepare(
    conn: &Connection,
    index: &Index,
    row: &TableRow,
    mapping: &[Option<String>],
    entity: ImportEntity,
) -> Result<Prepared> {
    let m = mapping;
    match entity {
        ImportEntity::Contacts => {
            let (mut first, mut last) = (text(row, m, "first_name"), text(row, m, "last_name"));
            if first.is_none()
                && last.is_none()
                && let Some(full) = cell(row, m, "full_name")
            {
                match full.rsplit_once(' ') {
                    Some((f, l)) => {
                        (first, last) = (Some(f.trim().to_owned()), Some(l.trim().to_owned()));
                    }
                    None => last = Some(full.to_owned()),
                }
            }
            let emails: Vec<EmailEntry> = cells(row, m, &["email", "email_2", "email_3"])
                .map(|(k, v)| EmailEntry {
                    label: if k == "email" { "work" } else { "other" }.into(),
                    address: v.to_owned(),
                })
                .collect();
            let phones: Vec<PhoneEntry> = cells(row, m, &["phone", "mobile", "phone_2"])
                .map(|(k, v)| PhoneEntry {
                    label: match k {
                        "mobile" => "mobile",
                        "phone" => "work",
                        _ => "other",
                    }
                    .into(),
                    number: v.to_owned(),
                })
                .collect();
            let address = PostalAddress {
                label: "work".into(),
                street: text(row, m, "street"),
                city: text(row, m, "city"),
                region: text(row, m, "region"),
                postal_code: text(row, m, "postal_code"),
                country: text(row, m, "country"),
            };
            let has_address = [
                &address.street,
                &address.city,
                &address.region,
                &address.postal_code,
                &address.country,
            ]
            .iter()
            .any(|p| p.is_some());
            let mut keys: Vec<String> = emails
                .iter()
                .map(|e| format!("e:{}", e.address.to_lowercase()))
                .collect();
            keys.extend(phones.iter().filter_map(|p| {
                crate::kernel::phone::normalize(&p.number, index.default_country.as_deref())
                    .map(|n| format!("p:{}", n.e164))
            }));
            Ok(Prepared {
                product: None,
                contact: Some(ContactInput {
                    first_name: first.unwrap_or_default(),
                    last_name: last.unwrap_or_default(),
                    title: text(row, m, "title"),
                    emails,
                    phones,
                    addresses: if has_address {
                        vec![address]
                    } else {
                        Vec::new()
                    },
                    birthday: date(cell(row, m, "birthday"), index.day_first),
                    lead_source: text(row, m, "lead_source"),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    do_not_email: truthy(cell(row, m, "do_not_email")),
                    do_not_call: truthy(cell(row, m, "do_not_call")),
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    notes: text(row, m, "notes"),
                    ..Default::default()
                }),
                account: None,
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: text(row, m, "account"),
                keys,
            })
        }
        ImportEntity::Accounts => {
            let name = text(row, m, "name").unwrap_or_default();
            let website = text(row, m, "website");
            let mut keys = Vec::new();
            if let Some(d) = website.as_deref().and_then(domain) {
                keys.push(format!("d:{d}"));
            }
            if !name.is_empty() {
                keys.push(format!("n:{}", name.to_lowercase()));
            }
            let revenue = money(row, m, "annual_revenue");
            let employees = match cell(row, m, "employees") {
                None => None,
                Some(v) => Some(v.replace([',', ' '], "").parse::<i64>().map_err(|_| {
                    Error::invalid(
                        "employee_count",
                        format!("\"{v}\" is not a number of employees"),
                    )
                })?),
            };
            Ok(Prepared {
                product: None,
                contact: None,
                account: Some(AccountInput {
                    name,
                    industry: text(row, m, "industry"),
                    website,
                    phone: text(row, m, "phone"),
                    address: crate::people::accounts::Address {
                        street: text(row, m, "street"),
                        city: text(row, m, "city"),
                        region: text(row, m, "region"),
                        postal_code: text(row, m, "postal_code"),
                        country: text(row, m, "country"),
                    },
                    annual_revenue: revenue,
                    employee_count: employees,
                    notes: text(row, m, "notes"),
                    account_type: cell(row, m, "type")
                        .and_then(crate::people::accounts::AccountType::parse),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: None,
                keys,
            })
        }
        ImportEntity::Leads => {
            let name = match (cell(row, m, "first_name"), cell(row, m, "last_name")) {
                (None, None) => text(row, m, "full_name").unwrap_or_default(),
                (first, last) => [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let email = text(row, m, "email");
            let phone = text(row, m, "phone").or_else(|| text(row, m, "mobile"));
            let mut keys: Vec<String> = email
                .iter()
                .map(|e| format!("e:{}", e.to_lowercase()))
                .collect();
            keys.extend(phone.iter().filter_map(|p| {
                crate::kernel::phone::normalize(p, index.default_country.as_deref())
                    .map(|n| format!("p:{}", n.e164))
            }));
            let estimated = money(row, m, "estimated_value");
            let status = match cell(row, m, "status") {
                None => None,
                Some(s) => Some(leads::LeadStatus::parse(s).ok_or_else(|| {
                    Error::invalid(
                        "status",
                        format!(
                            "\"{s}\" is not a lead status ({})",
                            leads::LeadStatus::names()
                        ),
                    )
                })?),
            };
            let rating = match cell(row, m, "rating") {
                None => None,
                Some(r) => Some(leads::LeadRating::parse(r).ok_or_else(|| {
                    Error::invalid(
                        "rating",
                        format!("\"{r}\" is not a rating (hot, warm or cold)"),
                    )
                })?),
            };
            Ok(Prepared {
                product: None,
                contact: None,
                account: None,
                lead: Some(LeadInput {
                    name,
                    company: text(row, m, "account"),
                    title: text(row, m, "title"),
                    email,
                    phone,
                    website: text(row, m, "website"),
                    source: text(row, m, "lead_source"),
                    status,
                    rating,
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    estimated_value: estimated,
                    notes: text(row, m, "notes"),
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                deal: None,
                lost_reason: None,
                account_name: None,
                keys,
            })
        }
        ImportEntity::Opportunities => {
            let pipeline = crate::sales::pipelines::find(conn, cell(row, m, "pipeline"))?;
            let stage = match cell(row, m, "stage") {
                Some(s) => Some(crate::sales::pipelines::stage(&pipeline, s).map_err(|_| {
                    let names: Vec<&str> =
                        pipeline.stages.iter().map(|s| s.name.as_str()).collect();
                    Error::invalid(
                        "stage",
                        format!(
                            "\"{s}\" is not a stage of the {} pipeline; its stages are: {}",
                            pipeline.name,
                            names.join(", ")
                        ),
                    )
                })?),
                None => None,
            };
            let lost = stage
                .as_ref()
                .is_some_and(|s| s.kind == crate::sales::pipelines::StageKind::Lost);
            let amount = money(row, m, "amount");
            let probability = match cell(row, m, "probability") {
                None => None,
                Some(p) => Some(
                    p.trim_end_matches('%')
                        .trim()
                        .parse::<f64>()
                        .map(|p| p.round() as i64)
                        .map_err(|_| {
                            Error::invalid("probability", format!("\"{p}\" is not a percentage"))
                        })?,
                ),
            };
            let contact = match cell(row, m, "contact_email") {
                Some(email) => conn
                    .prepare_cached(
                        "SELECT contact_id FROM contact_emails WHERE address = ?1 COLLATE NOCASE LIMIT 1",
                    )?
                    .query_row([email], |r| r.get::<_, String>(0))
                    .optional()?
                    .map(|contact_id| crate::sales::opportunities::DealContact {
                        contact_id,
                        ..Default::default()
                    }),
                None => None,
            };
            let name = text(row, m, "name").unwrap_or_default();
            Ok(Prepared {
                product: None,
                contact: None,
                account: None,
                lead: None,
                lost_reason: lost.then(|| {
                    text(row, m, "lost_reason").unwrap_or_else(|| "Not recorded".to_owned())
                }),
                deal: Some(OpportunityInput {
                    name: name.clone(),
                    pipeline_id: Some(pipeline.id),
                    stage_id: stage.map(|s| s.id),
                    amount,
                    probability,
                    expected_close: date(cell(row, m, "expected_close"), index.day_first),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    source: text(row, m, "source"),
                    next_step: text(row, m, "next_step"),
                    notes: text(row, m, "notes"),
                    tags: tags(cell(row, m, "tags")),
                    contacts: contact.into_iter().collect(),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                account_name: text(row, m, "account"),
                // The account is known only once it is found or created; see `write_row`.
                keys: vec![format!("n:{}", name.to_lowercase())],
            })
        }
        ImportEntity::Products => {
            let sku = text(row, m, "sku").unwrap_or_default();
            let (unit_price, currency) = price(row, m, "unit_price");
            Ok(Prepared {
                contact: None,
                account: None,
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: None,
                keys: vec![format!("s:{}", sku.trim().to_lowercase())],
                product: Some(crate::sales::products::ProductInput {
                    // Empty when the file has no name: a new product is named by its SKU, an
                    // existing one keeps its name.
                    name: text(row, m, "name").unwrap_or_default(),
                    sku,
                    description: text(row, m, "description"),
                    unit: text(row, m, "unit"),
                    unit_price: unit_price.unwrap_or_default(),
                    currency: currency.unwrap_or_default(),
                    tax_rate: cell(row, m, "tax_rate")
                        .map(|t| t.trim_end_matches('%').trim().replace(',', "."))
                        .unwrap_or_default(),
                    active: cell(row, m, "active").map(|v| {
                        ![
                            "no",
                            "n",
                            "false",
                            "0",
                            "inactive",
                            "discontinued",
                            "archived",
                        ]
                        .contains(&v.to_lowercase().as_str())
                    }),
                }),
            })
        }
        ImportEntity::CallList => Err(Error::Internal("call lists have their own import".into())),
    }
}

/// Rows written under one savepoint. Journalling a page once per chunk rather than once per row
/// is most of what makes a 100,000-row import fast.
const CHUNK: usize = 500;

/// Writes `rows` under one savepoint. When a row is refused, the chunk is rolled back and
/// written again row by row, each in its own savepoint, so a refused row leaves nothing behind
/// and the others are kept.
fn chunk(
    w: &Writer<'_>,
    index: &mut Index,
    rows: &[TableRow],
    table: &Table,
    mapping: &[Option<String>],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<()> {
    w.conn().execute_batch("SAVEPOINT import_chunk")?;
    let mark = index.mark();
    let mut tally = [0u64; 3];
    let mut refused = Vec::new();
    let mut whole = true;
    for row in rows {
        if let Some(problem) = &row.problem {
            // Known before anything is written: no need to start again.
            refused.push(Rejected {
                line: row.line,
                reason: reason(&Error::invalid("row", problem.clone()), table, mapping),
            });
            continue;
        }
        match write_row(w, index, row, mapping, options) {
            Ok(outcome) => tally[outcome as usize] += 1,
            Err(e) if e.is_user_error() => {
                whole = false;
                break;
            }
            Err(e) => return Err(e),
        }
    }
    if whole {
        w.conn().execute_batch("RELEASE import_chunk")?;
        report.created += tally[Outcome::Created as usize];
        report.updated += tally[Outcome::Updated as usize];
        report.skipped += tally[Outcome::Skipped as usize];
        report.rejected.extend(refused);
        return Ok(());
    }
    w.conn()
        .execute_batch("ROLLBACK TO import_chunk; RELEASE import_chunk")?;
    index.rollback(mark);
    for row in rows {
        match one_row(w, index, row, mapping, options) {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Skipped) => report.skipped += 1,
            Err(e) if e.is_user_error() => report.rejected.push(Rejected {
                line: row.line,
                reason: reason(&e, table, mapping),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Imports one row inside a savepoint, so a row that fails leaves nothing behind.
fn one_row(
    w: &Writer<'_>,
    index: &mut Index,
    row: &TableRow,
    mapping: &[Option<String>],
    options: &ImportOptions,
) -> Result<Outcome> {
    w.conn().execute_batch("SAVEPOINT import_row")?;
    let mark = index.mark();
    let result = write_row(w, index, row, mapping, options);
    match &result {
        Ok(_) => w.conn().execute_batch("RELEASE import_row")?,
        Err(_) => {
            w.conn()
                .execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
            index.rollback(mark);
        }
    }
    result
}

fn write_row(
    w: &Writer<'_>,
    index: &mut Index,
    row: &TableRow,
    mapping: &[Option<String>],
    options: &ImportOptions,
) -> Result<Outcome> {
    if let Some(problem) = &row.problem {
        return Err(Error::invalid("row", problem.clone()));
    }
    let mut p = prepare(w.conn(), index, row, mapping, options.entity)?;
    if let Some(deal) = p.deal.as_mut() {
        if let Some(name) = &p.account_name {
            deal.account_id = Some(accounts::find_or_create_by_name(w, name)?.0);
        }
        if let Some(reason) = &p.lost_reason {
            deal.lost_reason_id = Some(crate::sales::pipelines::add_lost_reason_in(w, reason)?);
        }
        p.keys = vec![format!(
            "n:{}|{}",
            deal.name.trim().to_lowercase(),
            deal.account_id.clone().unwrap_or_default()
        )];
    }
    let existing = match options.dedup {
        Dedup::Create => None,
        _ => index.find(&p.keys),
    };
    match (existing, options.dedup) {
        (Some(_), Dedup::Skip) => Ok(Outcome::Skipped),
        (Some(id), _) => {
            match (p.contact, p.account) {
                (Some(mut c), _) => {
                    if let Some(name) = &p.account_name {
                        c.account_id = Some(accounts::find_or_create_by_name(w, name)?.0);
                    }
                    let merged = merge_contact(&contacts::get(w.conn(), &id)?, c);
                    contacts::update_in(w, &id, &merged)?;
                }
                (None, Some(a)) => {
                    let merged = merge_account(&accounts::get(w.conn(), &id)?, a);
                    accounts::update_in(w, &id, &merged)?;
                }
                (None, None) => {
                    if let Some(product) = p.product {
                        // A price list imported again brings new prices: the file's values win.
                        // Blank cells keep what the product had.
                        let old = crate::sales::products::get(w.conn(), &id)?;
                        let keep = |new: String, old: String| {
                            if new.trim().is_empty() { old } else { new }
                        };
                        let merged = crate::sales::products::ProductInput {
                            name: keep(product.name, old.name),
                            // A blank price keeps the old price in its own currency.
                            currency: if product.unit_price.trim().is_empty() {
                                old.unit_price.currency.clone()
                            } else {
                                keep(product.currency, old.unit_price.currency.clone())
                            },
                            unit_price: keep(
                                product.unit_price,
                                crate::kernel::money::format_plain(&old.unit_price),
                            ),
                            tax_rate: keep(
                                product.tax_rate,
                                format!("{}.{:02}", old.tax_rate_bp / 100, old.tax_rate_bp % 100),
                            ),
                            description: product.description.or(old.description),
                            unit: product.unit.or(old.unit),
                            active: product.active.or(Some(old.active)),
                            sku: product.sku,
                        };
                        crate::sales::products::update_in(w, &id, &merged)?;
                    }
                    if let Some(lead) = p.lead {
                        let merged = merge_lead(&leads::get(w.conn(), &id)?, lead);
                        leads::update_in(w, &id, &merged)?;
                    }
                    if let Some(deal) = p.deal {
                        let merged = merge_deal(&opportunities::get(w.conn(), &id)?, deal);
                        opportunities::update_in(w, &id, &merged)?;
                    }
                }
            }
            index.add(&p.keys, &id);
            Ok(Outcome::Updated)
        }
        (None, _) => {
            let id = match (p.contact, p.account) {
                (Some(mut c), _) => {
                    if let Some(name) = &p.account_name {
                        c.account_id = Some(accounts::find_or_create_by_name(w, name)?.0);
                    }
                    contacts::create_in(w, &c)?
                }
                (None, Some(a)) => accounts::create_in(w, &a)?,
                (None, None) => match p.lead {
                    Some(mut lead) => {
                        if lead.source.is_none() {
                            lead.source = Some(
                                options
                                    .source
                                    .clone()
                                    .filter(|s| !s.trim().is_empty())
                                    .unwrap_or_else(|| leads::WEB_FORM.to_owned()),
                            );
                        }
                        leads::create_in(w, &lead)?
                    }
                    None => match (p.deal, p.product) {
                        (Some(deal), _) => opportunities::create_in(w, &deal)?,
                        (None, Some(mut product)) => {
                            if product.name.trim().is_empty() {
                                product.name.clone_from(&product.sku);
                            }
                            // Without a currency column or symbol: the catalogue's usual
                            // currency (EUR for an empty catalogue, as elsewhere in imports).
                            if product.currency.trim().is_empty() {
                                product.currency = w
                                    .conn()
                                    .prepare_cached(
                                        "SELECT currency FROM products GROUP BY currency ORDER BY count(*) DESC LIMIT 1",
                                    )?
                                    .query_row([], |r| r.get(0))
                                    .optional()?
                                    .unwrap_or_else(|| "EUR".to_owned());
                            }
                            crate::sales::products::create_in(w, &product)?
                        }
                        (None, None) => return Err(Error::Internal("nothing to import".into())),
                    },
                },
            };
            index.add(&p.keys, &id);
            Ok(Outcome::Created)
        }
    }
}

/// The stored contact with the row's values laid over it: single values replace, lists grow.
fn merge_contact(old: &contacts::Contact, new: ContactInput) -> ContactInput {
    let mut m = ContactInput::from(old);
    if !new.first_name.is_empty() {
        m.first_name = new.first_name;
    }
    if !new.last_name.is_empty() {
        m.last_name = new.last_name;
    }
    fill(&mut m.title, new.title);
    fill(&mut m.birthday, new.birthday);
    fill(&mut m.lead_source, new.lead_source);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.account_id, new.account_id);
    add_notes(&mut m.notes, new.notes);
    for e in new.emails {
        if !m
            .emails
            .iter()
            .any(|x| x.address.eq_ignore_ascii_case(&e.address))
        {
            m.emails.push(e);
        }
    }
    for p in new.phones {
        if !m.phones.iter().any(|x| x.number == p.number) {
            m.phones.push(p);
        }
    }
    if m.addresses.is_empty() {
        m.addresses = new.addresses;
    }
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m.do_not_email |= new.do_not_email;
    m.do_not_call |= new.do_not_call;
    m
}

/// The stored lead with the row's values laid over it; a converted lead keeps its status.
fn merge_lead(old: &leads::Lead, new: LeadInput) -> LeadInput {
    let mut m = LeadInput::from(old);
    if !new.name.is_empty() {
        m.name = new.name;
    }
    fill(&mut m.company, new.company);
    fill(&mut m.title, new.title);
    fill(&mut m.email, new.email);
    fill(&mut m.phone, new.phone);
    fill(&mut m.website, new.website);
    fill(&mut m.source, new.source);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.rating, new.rating);
    if new.status.is_some() && old.status != leads::LeadStatus::Converted {
        m.status = new.status;
    }
    fill(&mut m.estimated_value, new.estimated_value);
    add_notes(&mut m.notes, new.notes);
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
}

/// The stored deal with the row's values laid over it; a different stage is a move.
fn merge_deal(old: &opportunities::Opportunity, new: OpportunityInput) -> OpportunityInput {
    let mut m = OpportunityInput::from(old);
    fill(&mut m.stage_id, new.stage_id);
    fill(&mut m.expected_close, new.expected_close);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.source, new.source);
    fill(&mut m.next_step, new.next_step);
    fill(&mut m.notes, new.notes);
    fill(&mut m.lost_reason_id, new.lost_reason_id);
    fill(&mut m.amount, new.amount);
    fill(&mut m.probability, new.probability);
    for c in new.contacts {
        if !m.contacts.iter().any(|x| x.contact_id == c.contact_id) {
            m.contacts.push(c);
        }
    }
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
}

fn merge_account(old: &accounts::Account, new: AccountInput) -> AccountInput {
    let mut m = AccountInput::from(old);
    fill(&mut m.industry, new.industry);
    fill(&mut m.website, new.website);
    fill(&mut m.phone, new.phone);
    fill(&mut m.notes, new.notes);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.address.street, new.address.street);
    fill(&mut m.address.city, new.address.city);
    fill(&mut m.address.region, new.address.region);
    fill(&mut m.address.postal_code, new.address.postal_code);
    fill(&mut m.address.country, new.address.country);
    fill(&mut m.annual_revenue, new.annual_revenue);
    fill(&mut m.employee_count, new.employee_count);
    fill(&mut m.account_type, new.account_type);
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
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
