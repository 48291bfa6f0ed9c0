//! vCard files: address books exported from phones, Outlook, Google and CardDAV servers come
//! in as contacts, and contacts go out as vCard 4.0 (or 3.0 for older programs).
//!
//! Reading turns the cards into a [`Table`] with the headers the contact import already knows,
//! so a vCard import gets the same mapping, preview, duplicate policy and report as a CSV one.
//! vCard 2.1 (quoted-printable values in a declared charset), 3.0 and 4.0 are read; cards are
//! parsed by `vcard-rs`, which unfolds lines and keeps parameters as written.

use std::borrow::Cow;
use std::path::Path;

use ::vcard::tree::cst::VcardCst;
use ::vcard::tree::line::VcardLine;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::data::import::{Table, TableRow};
use crate::kernel::error::{Error, Result};

/// The columns cards are read into, named as the contact import recognises them.
const HEADERS: &[&str] = &[
    "First Name",
    "Last Name",
    "Full Name",
    "E-mail",
    "E-mail 2",
    "E-mail 3",
    "Phone",
    "Mobile",
    "Phone 2",
    "Company",
    "Job Title",
    "Street",
    "City",
    "Region",
    "Postal Code",
    "Country",
    "Birthday",
    "Notes",
    "Tags",
];

fn col(name: &str) -> usize {
    HEADERS.iter().position(|h| *h == name).unwrap_or(0)
}

/// Whether `text` (decoded) looks like a vCard file.
pub fn looks_like_vcard(text: &str) -> bool {
    text.trim_start()
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// The `TYPE`s of a line, lower case: `TYPE=work,voice`, `TYPE=WORK;TYPE=CELL` and 2.1's bare
/// `;WORK;CELL` alike.
fn types(line: &VcardLine<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for p in &line.params {
        let name = p.name.get();
        if name.eq_ignore_ascii_case("TYPE") {
            out.extend(p.values.iter().map(|v| v.get().to_lowercase()));
        } else if p.values.is_empty() {
            out.push(name.to_lowercase());
        }
    }
    out
}

/// A line's value as text: quoted-printable octets resolved and the declared charset applied
/// (vCard 2.1), then split into its `;` components with escapes undone.
fn components(line: &VcardLine<'_>) -> Vec<String> {
    let qp = line.params.iter().any(|p| {
        (p.name.get().eq_ignore_ascii_case("ENCODING")
            && p.values
                .iter()
                .any(|v| v.get().eq_ignore_ascii_case("QUOTED-PRINTABLE")))
            || (p.values.is_empty() && p.name.get().eq_ignore_ascii_case("QUOTED-PRINTABLE"))
    });
    let charset = line
        .params
        .iter()
        .find(|p| p.name.get().eq_ignore_ascii_case("CHARSET"))
        .and_then(|p| p.values.first())
        .and_then(|v| encoding_rs::Encoding::for_label(v.get().as_bytes()));
    if !qp && charset.is_none() {
        let n = line.value.component_count().max(1);
        return (0..n)
            .map(|i| line.value.decode_component(i).trim().to_owned())
            .collect();
    }
    // The whole value, escapes undone (2.1 rarely escapes; `;` then separates components).
    let raw = line.value.decode_bytes();
    let bytes: Cow<'_, [u8]> = if qp {
        Cow::Owned(
            quoted_printable::decode(raw.as_ref(), quoted_printable::ParseMode::Robust)
                .unwrap_or_else(|_| raw.to_vec()),
        )
    } else {
        raw
    };
    let text = charset
        .unwrap_or(encoding_rs::UTF_8)
        .decode_without_bom_handling(&bytes)
        .0
        .into_owned();
    split_components(&text)
}

/// Splits a decoded value into its `;` components.
fn split_components(text: &str) -> Vec<String> {
    text.split(';').map(|s| s.trim().to_owned()).collect()
}

/// `19850412`, `1985-04-12`, `--0412` (no year: left out) as YYYY-MM-DD.
fn birthday(value: &str) -> Option<String> {
    let digits: String = value
        .chars()
        .take_while(|c| *c != 'T')
        .filter(char::is_ascii_digit)
        .collect();
    (digits.len() == 8 && !value.starts_with("--"))
        .then(|| format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]))
}

fn card_row(card: &VcardCst<'_>, line: u64) -> TableRow {
    let mut cells = vec![String::new(); HEADERS.len()];
    fn set(cells: &mut [String], name: &str, value: &str) {
        let cell = &mut cells[col(name)];
        if cell.is_empty() && !value.trim().is_empty() {
            value.trim().clone_into(cell);
        }
    }
    let mut put = |name: &str, value: &str| set(&mut cells, name, value);
    let (mut emails, mut phones): (Vec<String>, Vec<(bool, String)>) = (Vec::new(), Vec::new());
    let mut tags: Vec<String> = Vec::new();
    let mut full_name = String::new();
    let mut notes: Vec<String> = Vec::new();
    for l in &card.props {
        let parts = components(l);
        let first = parts.first().cloned().unwrap_or_default();
        match l.bare_name().to_ascii_uppercase().as_str() {
            "N" => {
                let given = [parts.get(1), parts.get(2)]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                put("First Name", &given);
                put("Last Name", &first);
            }
            "FN" => full_name = first,
            "EMAIL" => emails.push(first),
            "TEL" => {
                let number = first.trim_start_matches("tel:").to_owned();
                phones.push((types(l).iter().any(|t| t == "cell"), number));
            }
            "ORG" => put("Company", &first),
            "TITLE" => put("Job Title", &first),
            "ADR" => {
                let street = [parts.get(1), parts.get(2)]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                put("Street", &street);
                for (i, name) in [
                    (3, "City"),
                    (4, "Region"),
                    (5, "Postal Code"),
                    (6, "Country"),
                ] {
                    put(name, parts.get(i).map_or("", String::as_str));
                }
            }
            "BDAY" => put("Birthday", &birthday(&first).unwrap_or_default()),
            "NOTE" => notes.push(parts.join(";")),
            "CATEGORIES" => tags.extend(
                parts
                    .join(";")
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty()),
            ),
            _ => {}
        }
    }
    if cells[col("First Name")].is_empty() && cells[col("Last Name")].is_empty() {
        let company = cells[col("Company")].clone();
        set(&mut cells, "Full Name", &full_name);
        set(&mut cells, "Full Name", &company);
    }
    let mut put = |name: &str, value: &str| set(&mut cells, name, value);
    for (name, email) in ["E-mail", "E-mail 2", "E-mail 3"].iter().zip(&emails) {
        put(name, email);
    }
    let mobile = phones.iter().position(|(cell, _)| *cell);
    if let Some(i) = mobile {
        put("Mobile", &phones[i].1);
    }
    let others: Vec<&String> = phones
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != mobile)
        .map(|(_, (_, n))| n)
        .collect();
    for (name, number) in ["Phone", "Phone 2"].iter().zip(others) {
        put(name, number);
    }
    put("Notes", &notes.join("\n\n"));
    put("Tags", &tags.join(", "));
    TableRow {
        line,
        cells,
        problem: None,
    }
}

/// Reads a vCard file (already decoded to text) as a table of contact rows; each row's line is
/// the line its `BEGIN:VCARD` is on.
pub fn read(text: &str, encoding: &str, source: &str) -> Result<Table> {
    let starts: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start()
                .to_ascii_uppercase()
                .starts_with("BEGIN:VCARD")
        })
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let mut rows = Vec::new();
    for (i, card) in VcardCst::parse_many(text).enumerate() {
        let line = starts.get(i).copied().unwrap_or(0);
        match card {
            Ok(card) => rows.push(card_row(&card, line)),
            Err(e) => {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "{source}: the card starting on line {line} cannot be read ({e}); nothing was imported"
                    ),
                ));
            }
        }
    }
    if rows.is_empty() {
        return Err(Error::invalid("file", format!("{source} holds no cards")));
    }
    Ok(Table {
        encoding: encoding.to_owned(),
        delimiter: "vcard".to_owned(),
        headers: HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    })
}

/// Which vCard version to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum VcardVersion {
    #[default]
    #[serde(rename = "4.0")]
    V4,
    #[serde(rename = "3.0")]
    V3,
}

/// What a vCard export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VcardReport {
    pub path: String,
    #[ts(type = "number")]
    pub cards: u64,
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// One content line, folded at 75 octets (never inside a character), ending in CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// Writes every contact (or those whose ids are given) to `path` as vCards, whole or not at all.
pub fn export(
    conn: &Connection,
    path: &Path,
    version: VcardVersion,
    ids: Option<&[String]>,
) -> Result<VcardReport> {
    let ids: Vec<String> = match ids {
        Some(ids) => ids.to_vec(),
        None => conn
            .prepare("SELECT id FROM contacts ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let v4 = version == VcardVersion::V4;
    let mut out = String::new();
    for id in &ids {
        let c = crate::people::contacts::get(conn, id)?;
        push_line(&mut out, "BEGIN:VCARD");
        push_line(&mut out, if v4 { "VERSION:4.0" } else { "VERSION:3.0" });
        push_line(&mut out, &format!("UID:urn:uuid:{}", c.id));
        push_line(
            &mut out,
            &format!("N:{};{};;;", escape(&c.last_name), escape(&c.first_name)),
        );
        let full = format!("{} {}", c.first_name, c.last_name);
        push_line(&mut out, &format!("FN:{}", escape(full.trim())));
        if let Some(org) = &c.account_name {
            push_line(&mut out, &format!("ORG:{}", escape(org)));
        }
        if let Some(title) = &c.title {
            push_line(&mut out, &format!("TITLE:{}", escape(title)));
        }
        for (i, e) in c.emails.iter().enumerate() {
            let pref = match (i, v4) {
                (0, true) => ";PREF=1",
                (0, false) => ",pref",
                _ => "",
            };
            let kind = if e.label == "home" { "home" } else { "work" };
            let line = if v4 {
                format!("EMAIL;TYPE={kind}{pref}:{}", escape(&e.address))
            } else {
                format!("EMAIL;TYPE=internet,{kind}{pref}:{}", escape(&e.address))
            };
            push_line(&mut out, &line);
        }
        for p in &c.phones {
            let kind = match p.label.as_str() {
                "mobile" => "cell",
                "home" => "home",
                "fax" => "fax",
                _ => "work",
            };
            let line = if v4 {
                format!("TEL;TYPE={kind},voice;VALUE=text:{}", escape(&p.number))
            } else {
                format!("TEL;TYPE={kind},voice:{}", escape(&p.number))
            };
            push_line(&mut out, &line);
        }
        for a in &c.addresses {
            let part = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
            let kind = if a.label == "home" { "home" } else { "work" };
            push_line(
                &mut out,
                &format!(
                    "ADR;TYPE={kind}:;;{};{};{};{};{}",
                    part(&a.street),
                    part(&a.city),
                    part(&a.region),
                    part(&a.postal_code),
                    part(&a.country)
                ),
            );
        }
        if let Some(b) = &c.birthday {
            let line = if v4 {
                format!("BDAY:{}", b.replace('-', ""))
            } else {
                format!("BDAY:{b}")
            };
            push_line(&mut out, &line);
        }
        if !c.tags.is_empty() {
            let tags: Vec<String> = c.tags.iter().map(|t| escape(t)).collect();
            push_line(&mut out, &format!("CATEGORIES:{}", tags.join(",")));
        }
        if let Some(n) = &c.notes {
            push_line(&mut out, &format!("NOTE:{}", escape(n)));
        }
        let rev: String = c
            .updated_at
            .chars()
            .filter(|ch| *ch != '-' && *ch != ':')
            .collect();
        push_line(
            &mut out,
            &format!(
                "REV:{}Z",
                rev.split('.').next().unwrap_or(&rev).trim_end_matches('Z')
            ),
        );
        push_line(&mut out, "END:VCARD");
    }
    crate::kernel::files::write_atomically(path, out.as_bytes())?;
    Ok(VcardReport {
        path: path.display().to_string(),
        cards: ids.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_2_1_quoted_printable_in_its_charset_is_read() {
        let card = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n\
                    TEL;CELL:+49 171 1234567\r\nTEL;WORK;VOICE:+49 30 1234567\r\n\
                    NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine two=\r\n continued\r\nEND:VCARD\r\n";
        let t = read(card, "UTF-8", "phone.vcf").unwrap();
        let row = &t.rows[0];
        assert_eq!(row.cells[col("First Name")], "Jürgen");
        assert_eq!(row.cells[col("Last Name")], "Müller");
        assert_eq!(row.cells[col("Mobile")], "+49 171 1234567");
        assert_eq!(row.cells[col("Phone")], "+49 30 1234567");
        assert!(
            row.cells[col("Notes")].starts_with("Line one\r\nLine two"),
            "{:?}",
            row.cells[col("Notes")]
        );
    }

    #[test]
    fn escapes_and_folding_round_trip() {
        let mut out = String::new();
        let long = format!("NOTE:{}", escape(&"a, b; c\\ d\nnext ".repeat(10)));
        push_line(&mut out, &long);
        assert!(out.lines().all(|l| l.len() <= 75), "{out}");
        let card = format!("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:X\r\n{out}END:VCARD\r\n");
        let t = read(&card, "UTF-8", "x.vcf").unwrap();
        assert_eq!(
            t.rows[0].cells[col("Notes")],
            "a, b; c\\ d\nnext ".repeat(10).trim()
        );
        assert_eq!(t.rows[0].cells[col("Full Name")], "X");
    }
}
