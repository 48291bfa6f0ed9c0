//! Field checks shared by the domain modules. Each check normalises the value (trims it,
//! turns blank into `None`) and records a [`FieldError`] naming the field when it is invalid,
//! so one save reports every problem at once.

use crate::error::{Error, FieldError, Result};

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

    /// Trimmed text, blank -> `None`, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &Option<String>, max: usize) -> Option<String> {
        let trimmed = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
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

    /// A calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        let text = self.text(field, value, 10)?;
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => Some(date.format("%Y-%m-%d").to_string()),
            Err(_) => {
                self.fail(
                    field,
                    format!("\"{text}\" is not a date; write it as YYYY-MM-DD"),
                );
                Some(text)
            }
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
