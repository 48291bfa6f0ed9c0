//! Everything the CLI prints: results on stdout, one-line problems on stderr.

use std::io::Write;
use std::process::ExitCode;

use rapport_core::Error;
use serde::Serialize;

fn stdout(text: &str) -> rapport_core::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // The reader went away (`rapport ... | head`): not our failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Io {
            action: "write to",
            path: "standard output".into(),
            source,
        }),
    }
}

/// A warning that does not fail the command (a record a bulk delete kept), on stderr.
pub fn warn(text: &str) {
    stderr(text);
}

fn stderr(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", visible(text, "\n"));
}

/// `text` with every control character that could drive a terminal (ESC, NUL, the rest of
/// C0, DEL, C1) written out as `\x1b`, `\u{9b}`..., except those in `keep`. Stored data from an
/// older version (or written to the file by another program) prints as it is, never as a
/// command to the terminal.
pub fn visible(text: &str, keep: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !keep.contains(c) {
            let code = u32::from(c);
            if code < 0x80 {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A warning on stderr, so it never mixes into the JSON on stdout: `warning: ...`.
pub fn warning(text: &str) {
    stderr(&format!("warning: {text}"));
}

pub fn line(text: &str) -> rapport_core::Result<()> {
    stdout(&format!("{}\n", visible(text, "\n\t")))
}

/// Money for people: `1234.50 EUR`.
pub fn money(m: &rapport_core::kernel::money::Money) -> String {
    format!(
        "{} {}",
        rapport_core::kernel::money::format_plain(m),
        m.currency
    )
}

pub fn json<T: Serialize>(value: &T) -> rapport_core::Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Internal(format!("could not write JSON: {e}")))?;
    line(&text)
}

/// Aligned columns for people; scripts use `--format json`.
pub fn table(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> rapport_core::Result<()> {
    // A cell is one line: its own newlines and tabs are shown escaped too.
    let rows: Vec<Vec<String>> = rows
        .map(|row| row.iter().map(|cell| visible(cell, "")).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |cells: Vec<&str>| {
        let mut text = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    };
    let mut text = render(headers.to_vec());
    for row in &rows {
        text.push_str(&render(row.iter().map(String::as_str).collect()));
    }
    stdout(&text)
}

/// One record as `key: value` lines, nested objects flattened with dots.
pub fn record<T: Serialize>(value: &T) -> rapport_core::Result<()> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::Internal(format!("could not render the record: {e}")))?;
    let mut lines = Vec::new();
    flatten("", &value, &mut lines);
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let text: String = lines
        .iter()
        .map(|(k, v)| format!("{k:<width$}  {}\n", visible(v, "")))
        .collect();
    stdout(&text)
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value as J;
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        J::Object(map) => map.iter().for_each(|(k, v)| flatten(&key(k), v, out)),
        J::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&key(&i.to_string()), v, out)),
        J::Null => out.push((prefix.to_owned(), String::new())),
        J::String(s) => out.push((prefix.to_owned(), s.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

/// A usage mistake caught by the argument parser: exit 2 with one line. Help and version
/// requests print as usual and succeed.
pub fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = err.render().to_string();
    let message = rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect::<Vec<_>>()
        .join(" ");
    stderr(&message);
    ExitCode::from(2)
}

/// A failed command: exit 2 when the user can fix their input, 1 otherwise; one line.
pub fn failure(err: &Error) -> ExitCode {
    let message = match err {
        Error::Validation(fields) => fields
            .iter()
            .map(|f| match f.field.as_str() {
                // A file problem names the file in its message already; the SMTP set-up has
                // no flag of its own.
                "file" | "smtp" => f.message.clone(),
                field => format!("{}: {}", flag_name(field), f.message),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    stderr(&format!("error: {}", message.replace('\n', " ")));
    if err.is_user_error() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

/// The CLI flag that carries a core input field (`emails.1.address` -> `--email #2`).
fn flag_name(field: &str) -> String {
    if field.starts_with("--") {
        return field.to_owned();
    }
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["emails", i, _] | ["phones", i, _] => {
            let n = i.parse::<usize>().map_or(0, |n| n + 1);
            let flag = if parts[0] == "emails" {
                "email"
            } else {
                "phone"
            };
            format!("--{flag} #{n}")
        }
        ["annual_revenue", "currency"] => "--currency".into(),
        ["annual_revenue", _] => "--annual-revenue".into(),
        ["address", part] => format!("--{}", part.replace('_', "-")),
        ["employee_count"] => "--employees".into(),
        ["conditions", i, ..] => format!("--where #{}", i.parse::<usize>().map_or(0, |n| n + 1)),
        ["steps", i, ..] => format!("--step #{}", i.parse::<usize>().map_or(0, |n| n + 1)),
        ["from_address"] => "--from".into(),
        ["ids"] => "--id".into(),
        ["starts_on"] => "--start".into(),
        ["ends_on"] => "--end".into(),
        ["username"] => "--user".into(),
        ["folders"] => "--folder".into(),
        _ => format!("--{}", field.replace('_', "-")),
    }
}

#[cfg(test)]
mod tests {
    use super::flag_name;

    #[test]
    fn core_fields_are_named_by_their_flags() {
        assert_eq!(flag_name("first_name"), "--first-name");
        assert_eq!(flag_name("emails.1.address"), "--email #2");
        assert_eq!(flag_name("phones.0.number"), "--phone #1");
        assert_eq!(flag_name("annual_revenue.amount"), "--annual-revenue");
        assert_eq!(flag_name("address.postal_code"), "--postal-code");
        assert_eq!(flag_name("--name"), "--name");
        assert_eq!(flag_name("conditions.2.value"), "--where #3");
        assert_eq!(flag_name("steps.0.template"), "--step #1");
        assert_eq!(flag_name("from_address"), "--from");
    }
}
