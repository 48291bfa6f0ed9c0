//! Reading a CSV file someone exported from another program: its encoding (UTF-8 with or
//! without BOM, UTF-16 with BOM or without, Windows-1252 and the like, guessed by `chardetng`),
//! its delimiter (comma, semicolon, tab or pipe), ragged rows, quoted newlines. Nothing is
//! dropped silently: every row keeps its line number for the report.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};

/// A decoded CSV file: header and rows, with where each row started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Table {
    /// The encoding the bytes were read as (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: String,
    /// The field delimiter found: `,`, `;`, tab or `|`.
    pub delimiter: String,
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableRow {
    /// The line of the file the row starts on (the header is line 1).
    #[ts(type = "number")]
    pub line: u64,
    pub cells: Vec<String>,
    /// Why the row cannot be read as it stands (an unclosed quote), when so.
    pub problem: Option<String>,
}

/// The file's text, decoded. `source` names the file in messages.
pub fn decode(bytes: &[u8], source: &str) -> Result<(String, &'static str)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::invalid(
            "file",
            format!("{source} is empty: there is no header row and no data to import"),
        ));
    }
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return finish(text.into_owned(), had_errors, encoding.name(), source);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return finish(text.into_owned(), had_errors, encoding.name(), source);
    }
    if looks_binary(bytes) {
        return Err(Error::invalid(
            "file",
            format!(
                "{source} is not a text file (it holds binary data); export it as CSV and try again"
            ),
        ));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "UTF-8"));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, had_errors) = encoding.decode(bytes);
    finish(text.into_owned(), had_errors, encoding.name(), source)
}

fn finish(
    text: String,
    had_errors: bool,
    name: &'static str,
    source: &str,
) -> Result<(String, &'static str)> {
    if had_errors && text.chars().filter(|c| *c == '\u{FFFD}').count() > text.len() / 20 {
        return Err(Error::invalid(
            "file",
            format!(
                "{source} could not be read as {name} text; save it as UTF-8 CSV and try again"
            ),
        ));
    }
    Ok((text, name))
}

/// UTF-16 written without a byte-order mark: every other byte of ASCII text is zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd_zero * 10 > pairs * 7 && even_zero * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even_zero * 10 > pairs * 7 && odd_zero * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|b| (**b < 0x09) || (0x0e..0x20).contains(*b) && **b != 0x1b)
        .count();
    sample.contains(&0) || control * 50 > sample.len()
}

/// The delimiter that splits the first lines into the most consistent number of fields.
fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize);
    for delim in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .filter_map(|r| r.ok())
            .map(|r| r.len())
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|c| **c == first).count();
        let score = consistent * 100 + first;
        if score > best.1 {
            best = (delim, score);
        }
    }
    best.0
}

/// Decodes and parses a CSV file. The first row is the header; blank rows are skipped;
/// rows with more or fewer cells than the header are kept (missing cells are empty).
///
/// Control characters (ESC, NUL, ...; see [`crate::kernel::validate::control_char`]) are taken out of
/// every cell and header here, once, so a name in a bought list can never drive a terminal
/// and a row is not refused for an invisible character.
pub fn read(bytes: &[u8], source: &str) -> Result<Table> {
    let mut table = read_raw(bytes, source)?;
    // Only the rare cell that holds one is copied.
    let clean = |text: &mut String| {
        if text.chars().any(crate::kernel::validate::control_char) {
            *text = crate::kernel::validate::strip_controls(text);
        }
    };
    table.headers.iter_mut().for_each(clean);
    for row in &mut table.rows {
        row.cells.iter_mut().for_each(clean);
    }
    Ok(table)
}

fn read_raw(bytes: &[u8], source: &str) -> Result<Table> {
    let (text, encoding) = decode(bytes, source)?;
    if text.trim_start().starts_with(['[', '{']) {
        return read_json(&text, encoding, source);
    }
    if crate::data::vcard::looks_like_vcard(&text) {
        return crate::data::vcard::read(&text, encoding, source);
    }
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut last_start = 0usize;
    let mut lines = LineCounter::new(&text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte() as usize));
            Error::invalid("file", format!("{source}, line {line}: {e}"))
        })?;
        last_start = record.position().map_or(0, |p| p.byte() as usize);
        let line = lines.line_at(last_start);
        let cells: Vec<String> = record.iter().map(unquote_formula).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match &headers {
            None => headers = Some(cells),
            Some(_) => rows.push(TableRow {
                line,
                cells,
                problem: None,
            }),
        }
    }
    // A quote opened and never closed swallows the rest of the file into the last row.
    let tail = text.get(last_start..).unwrap_or("");
    if tail.matches('"').count() % 2 == 1
        && let Some(last) = rows.last_mut()
    {
        last.problem = Some(
            "opens a quoted value (\") that is never closed, so the rest of the file ran into it"
                .into(),
        );
    }
    let Some(headers) = headers else {
        return Err(Error::invalid(
            "file",
            format!("{source} has no header row"),
        ));
    };
    Ok(Table {
        encoding: encoding.to_owned(),
        delimiter: match delimiter {
            b'\t' => "tab".to_owned(),
            d => (d as char).to_string(),
        },
        headers,
        rows,
    })
}

/// The physical line (1-based) of a byte offset, as a text editor numbers it: `\r\n`, `\n`
/// and a lone `\r` each end a line. The CSV reader's own count skips blank lines and counts a
/// `\r\n` twice, so reports named the wrong line. A record's position may be the start of the
/// blank lines before it; those are stepped over. Offsets only grow, so it counts on from the
/// last one.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> u64 {
        let mut offset = offset.min(self.text.len());
        // The blank lines the reader skipped before the record.
        while matches!(self.text.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset < self.at {
            // Not expected (offsets grow); count again from the start.
            self.at = 0;
            self.line = 1;
        }
        while self.at < offset {
            match self.text[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

/// A cell as typed: trimmed, and without the apostrophe that spreadsheets and our own CSV
/// export put before text starting like a formula (`'+44 20 ...`, `'=Acme`).
fn unquote_formula(cell: &str) -> String {
    let cell = cell.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// Form submissions exported as JSON: an array of objects, an object holding one (`{"data":
/// [...]}`), or one object per line. Nested objects become `parent.child` columns and lists of
/// values one comma-separated cell. Each record's "line" is its number, counting from 2 so a
/// report reads like a CSV file's (record 1 is line 2).
fn read_json(text: &str, encoding: &str, source: &str) -> Result<Table> {
    use serde_json::Value as Json;
    let records: Vec<Json> = match serde_json::from_str::<Json>(text) {
        Ok(Json::Array(items)) => items,
        Ok(Json::Object(map)) => match map.values().find(|v| v.is_array()) {
            Some(Json::Array(items)) => items.clone(),
            _ => vec![Json::Object(map)],
        },
        Ok(_) => {
            return Err(Error::invalid(
                "file",
                format!("{source} holds JSON, but not a list of records"),
            ));
        }
        Err(whole) => {
            // One object per line (JSON Lines)?
            let mut items = Vec::new();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                items.push(serde_json::from_str::<Json>(line).map_err(|_| {
                    Error::invalid(
                        "file",
                        format!(
                            "{source} is not valid JSON: {whole} (line {}, column {})",
                            whole.line(),
                            whole.column()
                        ),
                    )
                })?);
            }
            items
        }
    };
    fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, String)>) {
        match value {
            Json::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            Json::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                let joined: Vec<String> = items.iter().map(scalar).collect();
                out.push((prefix.to_owned(), joined.join(", ")));
            }
            Json::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    flatten(&format!("{prefix}.{i}"), v, out);
                }
            }
            other => out.push((prefix.to_owned(), scalar(other))),
        }
    }
    fn scalar(v: &Json) -> String {
        match v {
            Json::Null => String::new(),
            Json::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        }
    }
    let mut headers: Vec<String> = Vec::new();
    let mut flat = Vec::new();
    for record in &records {
        let mut cells = Vec::new();
        flatten("", record, &mut cells);
        for (k, _) in &cells {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
        flat.push(cells);
    }
    if headers.is_empty() {
        return Err(Error::invalid("file", format!("{source} holds no records")));
    }
    let rows = flat
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![String::new(); headers.len()];
            for (k, v) in cells {
                if let Some(at) = headers.iter().position(|h| *h == k) {
                    row[at] = v;
                }
            }
            let problem = (!records[i].is_object()).then(|| "is not a JSON object".to_owned());
            TableRow {
                line: i as u64 + 2,
                cells: row,
                problem,
            }
        })
        .collect();
    Ok(Table {
        encoding: encoding.to_owned(),
        delimiter: "json".to_owned(),
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        let utf8_bom = b"\xEF\xBB\xBFName,City\nZo\xC3\xAB,K\xC3\xB6ln\n";
        let t = read(utf8_bom, "a.csv").unwrap();
        assert_eq!(
            (t.encoding.as_str(), t.headers[0].as_str()),
            ("UTF-8", "Name")
        );
        assert_eq!(t.rows[0].cells, ["Zoë", "Köln"]);

        let text = "Name;City\nZoë;Köln\n";
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let t = read(&utf16, "b.csv").unwrap();
        assert_eq!(
            (t.encoding.as_str(), t.delimiter.as_str()),
            ("UTF-16LE", ";")
        );
        assert_eq!(t.rows[0].cells, ["Zoë", "Köln"]);

        let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            read(&no_bom, "c.csv").unwrap().rows[0].cells,
            ["Zoë", "Köln"]
        );

        let cp1252 = b"Name\tCity\nZo\xEB M\xFCller\tK\xF6ln\nRen\xE9e \x80\tParis\n";
        let t = read(cp1252, "d.csv").unwrap();
        assert_eq!(t.encoding, "windows-1252");
        assert_eq!(t.delimiter, "tab");
        assert_eq!(t.rows[0].cells, ["Zoë Müller", "Köln"]);
        assert_eq!(t.rows[1].cells, ["Renée €", "Paris"]);
    }

    #[test]
    fn quoted_newlines_ragged_rows_and_line_numbers() {
        let csv = "Name,Notes,City\n\"Ada\",\"line one\nline two\",London\nBob\n\nCy,x,y,extra\n";
        let t = read(csv.as_bytes(), "e.csv").unwrap();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].cells[1], "line one\nline two");
        assert_eq!(
            t.rows[1].line, 4,
            "Bob starts on line 4, after the two-line note"
        );
        assert_eq!(t.rows[1].cells, ["Bob"]);
        assert_eq!(t.rows[2].cells.len(), 4);
        assert!(t.rows.iter().all(|r| r.problem.is_none()));
        let t = read(
            b"Name,Email\nAda,a@x.example\n\"Bob,b@x.example\nCy,c@x.example\n",
            "f.csv",
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert!(
            t.rows[1]
                .problem
                .as_deref()
                .unwrap_or("")
                .contains("never closed")
        );
    }

    /// The physical line of the file each row starts on (1-based, the header is line 1),
    /// as a text editor shows it, whatever the line endings, blank lines and quoted newlines.
    #[test]
    fn rows_name_the_physical_line_they_start_on() {
        let lines = |csv: &str| -> Vec<(u64, String)> {
            read(csv.as_bytes(), "l.csv")
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.line, r.cells[0].clone()))
                .collect()
        };
        let expect = |v: &[(u64, &str)]| -> Vec<(u64, String)> {
            v.iter().map(|(l, s)| (*l, (*s).to_owned())).collect()
        };
        // CRLF endings.
        assert_eq!(
            lines("Name,City\r\nAda,London\r\nBob,Paris\r\nCy,Rome\r\n"),
            expect(&[(2, "Ada"), (3, "Bob"), (4, "Cy")])
        );
        // Blank lines (LF and CRLF) count as lines.
        assert_eq!(
            lines("Name,City\n\nAda,London\n\n\nBob,Paris\n"),
            expect(&[(3, "Ada"), (6, "Bob")])
        );
        assert_eq!(
            lines("Name,City\r\n\r\nAda,London\r\n\r\nBob,Paris\r\n"),
            expect(&[(3, "Ada"), (5, "Bob")])
        );
        // A quoted value over three lines (CRLF inside), then a blank line.
        assert_eq!(
            lines("Name,Notes\r\nAda,\"one\r\ntwo\r\nthree\"\r\n\r\nBob,x\r\nCy,\"a\nb\"\nDee,y\n"),
            expect(&[(2, "Ada"), (6, "Bob"), (7, "Cy"), (9, "Dee")])
        );
        // Blank lines before the header, and old Mac CR-only endings.
        assert_eq!(lines("\n\nName,City\nAda,London\n"), expect(&[(4, "Ada")]));
        assert_eq!(
            lines("Name,City\rAda,London\r\rBob,Paris\r"),
            expect(&[(2, "Ada"), (4, "Bob")])
        );
    }

    #[test]
    fn the_apostrophe_before_formula_like_text_is_dropped() {
        let t = read(
            b"Name,Phone,Note\n'=Acme,'+44 20 7946 0958,'quoted on purpose\n",
            "x.csv",
        )
        .unwrap();
        assert_eq!(
            t.rows[0].cells,
            ["=Acme", "+44 20 7946 0958", "'quoted on purpose"]
        );
    }

    #[test]
    fn json_form_exports_become_tables() {
        let t = read(
            br#"[{"name": "Ada Lovelace", "email": "ada@x.example", "fields": {"company": "Engines"}, "tags": ["a", "b"]},
                 {"name": "Bob", "phone": "+44 20 7946 0958"}]"#,
            "forms.json",
        )
        .unwrap();
        assert_eq!(t.delimiter, "json");
        // Keys in name order within a record (serde_json's map), new keys of later records after.
        assert_eq!(
            t.headers,
            ["email", "fields.company", "name", "tags", "phone"]
        );
        assert_eq!(
            t.rows[0].cells,
            ["ada@x.example", "Engines", "Ada Lovelace", "a, b", ""]
        );
        assert_eq!(t.rows[1].line, 3);
        let wrapped = read(br#"{"data": [{"Name": "Cy"}]}"#, "w.json").unwrap();
        assert_eq!(wrapped.rows[0].cells, ["Cy"]);
        let lines = read(b"{\"Name\": \"A\"}\n{\"Name\": \"B\"}\n", "l.jsonl").unwrap();
        assert_eq!(lines.rows.len(), 2);
        let err = read(b"[{\"Name\": \"A\",}", "bad.json").unwrap_err();
        assert!(
            err.to_string().contains("bad.json is not valid JSON"),
            "{err}"
        );
    }

    #[test]
    fn empty_and_binary_files_are_refused_by_name() {
        let err = read(b"  \n", "empty.csv").unwrap_err();
        assert!(err.to_string().contains("empty.csv is empty"), "{err}");
        let err = read(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "photo.csv").unwrap_err();
        assert!(
            err.to_string().contains("photo.csv is not a text file"),
            "{err}"
        );
    }
}
