//! Field checks shared by the domain modules. Each check normalises the value (trims it,
//! turns blank into `None`) and records a [`FieldError`] naming the field when it is invalid,
//! so one save reports every problem at once.

use crate::kernel::error::{Error, FieldError, Result};

/// Collects field errors while an input is checked.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    errors: Vec<FieldError>,
}

pub(crate) const SHORT_TEXT_MAX: usize = 200;
pub(crate) const NOTES_MAX: usize = 100_000;

impl Checker {
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Trimmed text, blank -> `None`, at most `max` characters, without control characters
    /// (see [`control_char`]).
    pub fn text(&mut self, field: &str, value: &Option<String>, max: usize) -> Option<String> {
        let trimmed = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        if let Some(message) = control_message(trimmed) {
            self.fail(field, message);
        }
        let len = trimmed.chars().count();
        if len > max {
            self.fail(
                field,
                format!("is {len} characters long; the limit is {max}"),
            );
        }
        Some(trimmed.to_owned())
    }

    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        match self.text(field, &Some(value.to_owned()), max) {
            Some(s) => s,
            None => {
                self.fail(field, "is required");
                String::new()
            }
        }
    }

    pub fn email(&mut self, field: &str, value: &str) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.fail(field, "is empty; enter an e-mail address or remove the row");
        } else if !email_address::EmailAddress::is_valid(trimmed) || !trimmed.contains('.') {
            self.fail(field, format!("\"{trimmed}\" is not an e-mail address"));
        }
        trimmed.to_owned()
    }

    pub fn phone(&mut self, field: &str, value: &str) -> String {
        let trimmed = value.trim();
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        let allowed = |c: char| c.is_ascii_digit() || " +-().,/#*xXext".contains(c);
        if trimmed.is_empty() {
            self.fail(field, "is empty; enter a phone number or remove the row");
        } else if digits < 3 || !trimmed.chars().all(allowed) || trimmed.len() > 50 {
            self.fail(field, format!("\"{trimmed}\" is not a phone number"));
        }
        trimmed.to_owned()
    }

    /// A web address; a bare domain gets `https://` in front.
    pub fn website(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        let text = self.text(field, value, SHORT_TEXT_MAX)?;
        let host = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .unwrap_or(&text);
        let host = host.split('/').next().unwrap_or("");
        if host.contains(char::is_whitespace) || !host.contains('.') || host.starts_with('.') {
            self.fail(field, format!("\"{text}\" is not a web address"));
            return Some(text);
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            Some(text)
        } else {
            Some(format!("https://{text}"))
        }
    }

    /// A calendar date written `YYYY-MM-DD`, in the years [`crate::kernel::time::parse_date`] accepts.
    pub fn date(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        let text = self.text(field, value, 12)?;
        match crate::kernel::time::parse_date(field, &text) {
            Ok(date) => Some(date.format("%Y-%m-%d").to_string()),
            Err(e) => {
                self.absorb(e);
                Some(text)
            }
        }
    }

    /// Records the field errors of `e` (any other error as a problem of the input as a whole).
    pub fn absorb(&mut self, e: Error) {
        match e {
            Error::Validation(errors) => self.errors.extend(errors),
            other => self.fail("input", other.to_string()),
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}

/// Whether `c` is a control character no text field may hold: ESC, NUL and the rest of C0,
/// DEL and the C1 controls (U+0080 to U+009F), which could drive a terminal or a printer when
/// the text is shown. Tab, line feed and carriage return are allowed: notes and addresses
/// have lines, and the CLI shows them escaped in its tables.
pub fn control_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The refusal for text holding a control character, naming the first one.
pub(crate) fn control_message(text: &str) -> Option<String> {
    let c = text.chars().find(|c| control_char(*c))?;
    Some(format!(
        "contains the control character U+{:04X}, which cannot be stored; remove it (it may have come in with copied text)",
        u32::from(c)
    ))
}

/// `text` without the control characters [`control_char`] refuses, a Windows line end made
/// `\n`. Imported files are cleaned this way rather than refused row by row.
pub fn strip_controls(text: &str) -> String {
    if !text.chars().any(control_char) {
        return text.to_owned();
    }
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !control_char(*c))
        .collect()
}

/// `text` cut to at most `max` characters (with an ellipsis when cut), for a copy kept in a
/// shorter field.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
