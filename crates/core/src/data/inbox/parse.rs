//! One message as Rapport keeps it, read with `mail-parser` (every MIME structure, RFC 2047
//! words, and legacy charsets through `encoding_rs`). Reading never fails: what cannot be read
//! is left out and named in `problems`, and the message is kept with the rest.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::validate::strip_controls;

/// The most of a message's HTML kept (after sanitising); longer is cut, and said so.
const HTML_MAX: usize = 1_000_000;

/// A file attached to a message: listed with its name, type and size (its bytes stay on the
/// server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MailAttachment {
    pub name: String,
    #[serde(rename = "type")]
    pub mime_type: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// A message read from its raw bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming {
    /// Without angle brackets; made up from the headers when the message has none.
    pub message_id: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// Lower-case address and the name shown with it.
    pub from: Option<(String, String)>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// When it was written (UTC, RFC 3339); `None` when the message has no readable date.
    pub date: Option<String>,
    pub text: String,
    /// Sanitised: no script, no style sheet, no form, no event handler.
    pub html: Option<String>,
    pub attachments: Vec<MailAttachment>,
    /// An automatic reply (RFC 3834 `Auto-Submitted`, an out-of-office) or a delivery report.
    pub automatic: bool,
    /// A delivery report (`multipart/report`), as its headers already say.
    pub report: bool,
    /// What a delivery report says failed for good, when it says so.
    pub bounce: Option<Bounce>,
    pub problems: Vec<String>,
}

impl Incoming {
    /// Every address the message names (from, to, cc), lower-case, each once.
    pub fn addresses(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .from
            .iter()
            .map(|(a, _)| a.clone())
            .chain(self.to.iter().cloned())
            .chain(self.cc.iter().cloned())
            .collect();
        let mut seen = std::collections::HashSet::new();
        all.retain(|a| seen.insert(a.clone()));
        all
    }

    /// The messages this one answers, nearest first (In-Reply-To, then References from the
    /// newest back).
    pub fn answers(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.in_reply_to.clone();
        ids.extend(self.references.iter().rev().cloned());
        let mut seen = std::collections::HashSet::new();
        ids.retain(|a| seen.insert(a.clone()));
        ids
    }
}

/// A hard bounce: an address a delivery report says mail cannot reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// Lower-case.
    pub address: String,
    /// The report's words: its status code and diagnostic.
    pub reason: String,
}

/// The failed recipient of a delivery status notification (RFC 3464), when its status is a
/// permanent failure (5.x.x); a delay or a temporary failure (4.x.x) is no bounce.
fn bounce_of(m: &mail_parser::Message<'_>) -> Option<Bounce> {
    let status_part = m.parts.iter().find(|p| {
        p.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("message")
                && c.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    })?;
    let text = String::from_utf8_lossy(status_part.contents()).into_owned();
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let status = field("Status")?;
    let failed = field("Action").is_none_or(|a| a.eq_ignore_ascii_case("failed"));
    if !status.starts_with('5') || !failed {
        return None;
    }
    let recipient = field("Final-Recipient").or_else(|| field("Original-Recipient"))?;
    // "rfc822; jan@x.example"
    let address = recipient
        .rsplit(';')
        .next()?
        .trim()
        .trim_matches(['<', '>'])
        .to_lowercase();
    if !address.contains('@') {
        return None;
    }
    let diagnostic = field("Diagnostic-Code")
        .map(|d| {
            d.split_once(';')
                .map_or(d.clone(), |(_, t)| t.trim().to_owned())
        })
        .unwrap_or_default();
    let reason = strip_controls(format!("{status} {diagnostic}").trim());
    Some(Bounce {
        address: strip_controls(&address),
        reason,
    })
}

/// Reads a message (or only its headers: the body is then empty).
pub fn parse(raw: &[u8]) -> Incoming {
    let Some(m) = MessageParser::default().parse(raw) else {
        return Incoming {
            message_id: made_up_id(raw),
            subject: String::new(),
            problems: vec![
                "the message could not be read as e-mail; it is kept without its text".into(),
            ],
            ..Incoming::default()
        };
    };
    let mut problems = Vec::new();
    let message_id = match m.message_id().map(clean_id).filter(|s| !s.is_empty()) {
        Some(id) => id,
        None => made_up_id(raw),
    };
    let date = m.date().and_then(|d| {
        chrono::DateTime::from_timestamp(d.to_timestamp(), 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    });
    if date.is_none() {
        problems
            .push("the message has no readable date: it is shown at the time it was read".into());
    }
    let from = m.from().and_then(|a| {
        a.iter().find_map(|x| {
            let address = x.address()?.trim().to_lowercase();
            address
                .contains('@')
                .then(|| (address, x.name().map(one_line).unwrap_or_default()))
        })
    });
    // A message sent as HTML only has its text made from the HTML by the parser.
    // A From the parser could not read as an address (an unclosed comment, stray quotes):
    // the address written in it is still the sender's.
    let from = from.or_else(|| {
        let raw = m.header_raw("From")?;
        let address = loose_address(raw)?;
        problems.push("the sender's line is malformed; its address was read as it stands".into());
        Some((address, String::new()))
    });
    let text = m
        .body_text(0)
        .map(|t| strip_controls(&t).trim().to_owned())
        .unwrap_or_default();
    let html = m.body_html(0).map(|h| {
        let clean = sanitise(&h);
        if clean.len() > HTML_MAX {
            problems.push("the HTML of the message is longer than 1 MB and was cut".into());
            let mut end = HTML_MAX;
            while !clean.is_char_boundary(end) {
                end -= 1;
            }
            clean[..end].to_owned()
        } else {
            clean
        }
    });
    let attachments = m
        .attachments()
        .map(|p| MailAttachment {
            name: p
                .attachment_name()
                .map(one_line)
                .unwrap_or_else(|| "(unnamed)".to_owned()),
            mime_type: p
                .content_type()
                .map(|c| match c.subtype() {
                    Some(sub) => format!("{}/{}", c.ctype(), sub),
                    None => c.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_owned())
                .to_lowercase(),
            size: p.len() as u64,
        })
        .collect();
    let auto_submitted = m
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"));
    let report = m.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = from.as_ref().is_some_and(|(a, _)| {
        let local = a.split('@').next().unwrap_or_default();
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    });
    let autoreply_header = ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"]
        .iter()
        .any(|h| m.header_raw(*h).is_some())
        || m.header_raw("Precedence")
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("auto_reply"));
    Incoming {
        message_id,
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        from,
        to: addresses(m.to()),
        cc: addresses(m.cc()),
        subject: m.subject().map(one_line).unwrap_or_default(),
        date,
        text,
        html,
        attachments,
        automatic: auto_submitted || report || daemon || autoreply_header,
        report,
        bounce: if report { bounce_of(&m) } else { None },
        problems,
    }
}

/// An address written somewhere in a header line: in angle brackets, else a bare word with an
/// `@`.
fn loose_address(raw: &str) -> Option<String> {
    let inside = raw
        .split('<')
        .skip(1)
        .find_map(|part| part.split_once('>').map(|(a, _)| a));
    let candidate = inside.or_else(|| {
        raw.split(|c: char| c.is_whitespace() || "()\",;".contains(c))
            .find(|w| w.contains('@'))
    })?;
    let address = candidate.trim().to_lowercase();
    let (local, domain) = address.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace))
        .then(|| strip_controls(&address))
}

fn addresses(a: Option<&Address<'_>>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| x.address())
            .map(|s| s.trim().to_lowercase())
            .filter(|s| s.contains('@'))
            .collect()
    })
    .unwrap_or_default()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![clean_id(t)],
        HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

fn clean_id(id: &str) -> String {
    strip_controls(
        id.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim(),
    )
}

/// A header's text on one line, without control characters.
fn one_line(s: &str) -> String {
    strip_controls(&s.replace(['\r', '\n', '\t'], " "))
        .trim()
        .to_owned()
}

/// A stable id for a message without one, so the same message in two folders is kept once.
fn made_up_id(raw: &[u8]) -> String {
    // FNV-1a over the headers (the part before the first blank line).
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in &raw[..end] {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}@no-message-id.rapport")
}

/// HTML without anything that runs or loads by itself: no script, style sheet, form, frame or
/// event handler; links open outside the app.
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_malformed_sender_line_still_gives_its_address() {
        for from in [
            "( <ada@lee.example>",
            "A( <ada@lee.example>",
            "\"Ada <ada@lee.example>",
        ] {
            let raw = format!("From: {from}\r\nTo: ann@crumb.example\r\nSubject: x\r\n\r\nHi\r\n");
            let m = parse(raw.as_bytes());
            assert_eq!(
                m.from.map(|f| f.0).as_deref(),
                Some("ada@lee.example"),
                "{from}: {:?}",
                m.problems
            );
        }
    }
}
