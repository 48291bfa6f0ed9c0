//! Quotes, sales orders, invoices, credit notes and payments.
//!
//! **Money.** Every amount is integer minor units of the document's currency. A line computes,
//! in this order, each rounded half away from zero to the minor unit:
//! gross = quantity × unit price; discount = gross × discount %; net = gross − discount;
//! tax = net × tax rate; total = net + tax. A document's figures are the sums of its lines'
//! (tax also per rate), so the lines always add up to the total exactly.
//!
//! **Flow.** A quote (from a deal or an account) is a draft until sent; a sent quote is
//! accepted, rejected or expires after its valid-until date; revising it makes a new version
//! with the same number and keeps the old one (superseded). An accepted quote becomes a sales
//! order in one action; an order is invoiced in full or in part. An invoice is a draft until
//! issued, when it takes the next number of its sequence in the same transaction (so numbers
//! never repeat and never skip, also with several writers). Payments move it to partly paid and
//! paid; a credit note reverses all or part of it; an issued invoice is voided, never deleted.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::kernel::money::{self, Money, MoneyInput};
use crate::kernel::validate::{Checker, NOTES_MAX, SHORT_TEXT_MAX};
use crate::store::db::Db;
use crate::store::writer::{Writer, text};

pub(crate) const TABLE: &str = "sales_documents";
const LINES: &str = "document_lines";
const PAYMENTS: &str = "payments";
const SEQUENCES: &str = "number_sequences";
/// Days from issue to due date unless the invoice says otherwise.
pub const DEFAULT_TERMS_DAYS: i64 = 30;

text_enum!(
    DocumentKind {
        Quote = "quote",
        Order = "order",
        Invoice = "invoice",
        CreditNote = "credit_note",
    }
);

text_enum!(
    /// Quotes: draft, sent, accepted, rejected, expired (shown once valid-until has passed),
    /// superseded (revised). Orders: open, partly_invoiced, invoiced, cancelled. Invoices:
    /// draft, issued, partly_paid, paid, overdue (shown after the due date), credited (fully
    /// reversed), void. Credit notes: issued.
    DocumentStatus {
        Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Rejected = "rejected",
        Expired = "expired",
        Superseded = "superseded",
        Open = "open",
        PartlyInvoiced = "partly_invoiced",
        Invoiced = "invoiced",
        Cancelled = "cancelled",
        Issued = "issued",
        PartlyPaid = "partly_paid",
        Paid = "paid",
        Overdue = "overdue",
        Credited = "credited",
        Void = "void",
    }
);

/// The amounts of one line, from its quantity, price, discount and tax rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineAmounts {
    #[ts(type = "number")]
    pub gross_minor: i64,
    #[ts(type = "number")]
    pub discount_minor: i64,
    #[ts(type = "number")]
    pub net_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
    #[ts(type = "number")]
    pub total_minor: i64,
}

/// `n / d` rounded half away from zero.
fn div_round(n: i128, d: i128) -> i64 {
    let q = n / d;
    let r = n % d;
    let q = if 2 * r.abs() >= d.abs() {
        q + n.signum() * d.signum()
    } else {
        q
    };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

/// One line's amounts (see the module documentation for the rule).
pub fn line_amounts(
    quantity_milli: i64,
    unit_price_minor: i64,
    discount_bp: i64,
    tax_rate_bp: i64,
) -> LineAmounts {
    let gross = div_round(
        i128::from(quantity_milli) * i128::from(unit_price_minor),
        1000,
    );
    let discount = div_round(i128::from(gross) * i128::from(discount_bp), 10_000);
    let net = gross - discount;
    let tax = div_round(i128::from(net) * i128::from(tax_rate_bp), 10_000);
    LineAmounts {
        gross_minor: gross,
        discount_minor: discount,
        net_minor: net,
        tax_minor: tax,
        total_minor: net + tax,
    }
}

/// Tax of one rate on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaxLine {
    #[ts(type = "number")]
    pub rate_bp: i64,
    #[ts(type = "number")]
    pub net_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Line {
    pub id: String,
    #[ts(type = "number")]
    pub position: i64,
    pub product_id: Option<String>,
    pub sku: Option<String>,
    pub description: String,
    pub unit: Option<String>,
    /// Thousandths: 1500 = 1.5.
    #[ts(type = "number")]
    pub quantity_milli: i64,
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    #[ts(type = "number")]
    pub discount_bp: i64,
    #[ts(type = "number")]
    pub tax_rate_bp: i64,
    pub amounts: LineAmounts,
    /// The order line it bills or the invoice line it credits.
    pub source_line_id: Option<String>,
}

/// A line as typed: a product (by id or SKU) or free text, a quantity and, optionally, a price,
/// discount and tax rate (by default the product's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct LineInput {
    /// A product id or SKU.
    pub product: Option<String>,
    pub description: Option<String>,
    /// `2`, `1.5`, `0.25` (up to three decimals).
    pub quantity: String,
    /// In the document's currency: `120.00`.
    pub unit_price: Option<String>,
    /// Percent: `10`.
    pub discount: Option<String>,
    /// Percent: `19`.
    pub tax_rate: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Payment {
    pub id: String,
    pub paid_on: String,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// A quote, order, invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    /// `null` for a draft invoice (numbered when issued).
    pub number: Option<String>,
    #[ts(type = "number")]
    pub version: i64,
    pub status: DocumentStatus,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub contact_id: Option<String>,
    pub contact_name: Option<String>,
    pub opportunity_id: Option<String>,
    pub opportunity_name: Option<String>,
    pub source_id: Option<String>,
    pub source_number: Option<String>,
    pub currency: String,
    pub issued_on: Option<String>,
    pub valid_until: Option<String>,
    pub due_on: Option<String>,
    pub notes: Option<String>,
    #[ts(type = "number")]
    pub subtotal_minor: i64,
    #[ts(type = "number")]
    pub discount_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
    #[ts(type = "number")]
    pub total_minor: i64,
    pub taxes: Vec<TaxLine>,
    pub lines: Vec<Line>,
    /// Invoices: payments, credit notes and what is left to pay.
    pub payments: Vec<Payment>,
    #[ts(type = "number")]
    pub paid_minor: i64,
    #[ts(type = "number")]
    pub credited_minor: i64,
    #[ts(type = "number")]
    pub balance_minor: i64,
    /// Documents made from this one (orders of a quote, invoices of an order, credit notes of
    /// an invoice, the revision of a quote).
    pub derived: Vec<DocumentSummary>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentSummary {
    pub id: String,
    pub kind: DocumentKind,
    pub number: Option<String>,
    #[ts(type = "number")]
    pub version: i64,
    pub status: DocumentStatus,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub opportunity_id: Option<String>,
    pub currency: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    #[ts(type = "number")]
    pub total_minor: i64,
    #[ts(type = "number")]
    pub balance_minor: i64,
    pub created_at: String,
}

/// A new quote (or a draft's new content).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct QuoteInput {
    pub opportunity_id: Option<String>,
    /// Default: the deal's account.
    pub account_id: Option<String>,
    pub contact_id: Option<String>,
    /// Default: the deal's currency, else the first product's.
    pub currency: Option<String>,
    /// `YYYY-MM-DD`; default 30 days from today.
    pub valid_until: Option<String>,
    pub notes: Option<String>,
    pub lines: Vec<LineInput>,
}

/// Part of a document to carry over: a line and the quantity (default: all that is left).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PartInput {
    pub line_id: String,
    pub quantity: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PaymentInput {
    /// In the invoice's currency: `100.00`.
    pub amount: String,
    /// `YYYY-MM-DD`; default today.
    pub paid_on: Option<String>,
    /// `bank transfer`, `card`, `cash`, ...
    pub method: Option<String>,
    pub reference: Option<String>,
}

use crate::kernel::time::today;

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// A quantity typed by a person (`2`, `1.5`) as thousandths.
pub fn quantity_milli(field: &str, text: &str) -> Result<i64> {
    let q = crate::kernel::money::parse_minor(text.trim(), 3).map_err(|_| {
        Error::invalid(
            field,
            format!("\"{text}\" is not a quantity such as 2 or 1.5 (up to three decimals)"),
        )
    })?;
    if q <= 0 {
        return Err(Error::invalid(field, "should be more than zero"));
    }
    Ok(q)
}

/// Thousandths as text: 1500 → `1.5`, 2000 → `2`.
pub fn format_quantity(milli: i64) -> String {
    let whole = milli / 1000;
    let frac = (milli % 1000).abs();
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

struct ValidLine {
    product_id: Option<String>,
    sku: Option<String>,
    description: String,
    unit: Option<String>,
    quantity_milli: i64,
    unit_price_minor: i64,
    discount_bp: i64,
    tax_rate_bp: i64,
    source_line_id: Option<String>,
    /// Amounts fixed in advance: the last part of a line taken in parts gets what is left of
    /// the line's amounts, so the parts add up to the line to the cent.
    amounts: Option<LineAmounts>,
}

fn check_lines(
    c: &mut Checker,
    conn: &Connection,
    currency: &str,
    lines: &[LineInput],
) -> Result<Vec<ValidLine>> {
    if lines.is_empty() {
        c.fail("lines", "add at least one line");
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines.{i}.{name}");
        let product = match line
            .product
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(key) => match crate::sales::products::find(conn, key)? {
                Some(p) => Some(p),
                None => {
                    c.fail(
                        field("product"),
                        format!("no product has the SKU or id {key}"),
                    );
                    None
                }
            },
            None => None,
        };
        let description = line
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .or_else(|| product.as_ref().map(|p| p.name.clone()));
        let Some(description) = description else {
            c.fail(
                field("description"),
                "say what the line is, or pick a product",
            );
            continue;
        };
        if description.chars().count() > SHORT_TEXT_MAX * 4 {
            c.fail(field("description"), "is too long");
        }
        let quantity = match quantity_milli(&field("quantity"), &line.quantity) {
            Ok(q) => q,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                continue;
            }
        };
        let price = match (&line.unit_price, &product) {
            (Some(p), _) if !p.trim().is_empty() => MoneyInput {
                amount: p.clone(),
                currency: currency.to_owned(),
            }
            .parse(&field("unit_price"))
            .map(|m| m.amount_minor),
            (_, Some(p)) if p.unit_price.currency == currency => Ok(p.unit_price.amount_minor),
            (_, Some(p)) => Err(Error::invalid(
                field("unit_price"),
                format!(
                    "{} is priced in {}, the document in {currency}; type the price",
                    p.sku, p.unit_price.currency
                ),
            )),
            (_, None) => Err(Error::invalid(
                field("unit_price"),
                "is needed for a line without a product",
            )),
        };
        let price = match price {
            Ok(p) => p,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(f.field.replace(".amount", ""), &f.message);
                }
                continue;
            }
        };
        let bp = |c: &mut Checker, name: &str, text: &Option<String>, default: i64| match text {
            Some(t) if !t.trim().is_empty() => {
                match crate::sales::products::percent_bp(&field(name), t) {
                    Ok(v) => v,
                    Err(e) => {
                        for f in e.field_errors() {
                            c.fail(&f.field, &f.message);
                        }
                        0
                    }
                }
            }
            _ => default,
        };
        let discount_bp = bp(c, "discount", &line.discount, 0);
        let tax_rate_bp = bp(
            c,
            "tax_rate",
            &line.tax_rate,
            product.as_ref().map_or(0, |p| p.tax_rate_bp),
        );
        // Quantity × price stays within the largest amount too, so no line (and, with the
        // check below, no document) can come to more than a total can hold.
        let amounts = line_amounts(quantity, price, discount_bp, tax_rate_bp);
        let cap = money::max_minor(
            iso_currency::Currency::from_code(currency).map_or(2, money::exponent),
        );
        if [amounts.gross_minor, amounts.total_minor]
            .iter()
            .any(|a| a.unsigned_abs() > cap.unsigned_abs())
        {
            c.fail(
                field("quantity"),
                format!(
                    "quantity × unit price {}",
                    money::too_large_message(currency)
                ),
            );
            continue;
        }
        out.push(ValidLine {
            product_id: product.as_ref().map(|p| p.id.clone()),
            sku: product.as_ref().map(|p| p.sku.clone()),
            description,
            unit: line
                .unit
                .clone()
                .filter(|u| !u.trim().is_empty())
                .or_else(|| product.as_ref().and_then(|p| p.unit.clone())),
            quantity_milli: quantity,
            unit_price_minor: price,
            discount_bp,
            tax_rate_bp,
            source_line_id: None,
            amounts: None,
        });
    }
    let total: i128 = out
        .iter()
        .map(|l| {
            i128::from(
                line_amounts(
                    l.quantity_milli,
                    l.unit_price_minor,
                    l.discount_bp,
                    l.tax_rate_bp,
                )
                .total_minor,
            )
        })
        .sum();
    let cap =
        money::max_minor(iso_currency::Currency::from_code(currency).map_or(2, money::exponent));
    if total.unsigned_abs() > u128::from(cap.unsigned_abs()) {
        c.fail(
            "lines",
            format!(
                "the document's total {}",
                money::too_large_message(currency)
            ),
        );
    }
    Ok(out)
}

/// Replaces a document's lines and stores its totals.
fn write_lines(w: &Writer<'_>, document_id: &str, lines: &[ValidLine]) -> Result<()> {
    let old: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM document_lines WHERE document_id = ?1")?
        .query_map([document_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in old {
        w.delete(LINES, &id)?;
    }
    let (mut gross, mut discount, mut tax, mut total) = (0_i128, 0_i128, 0_i128, 0_i128);
    for (i, l) in lines.iter().enumerate() {
        let a = l.amounts.unwrap_or_else(|| {
            line_amounts(
                l.quantity_milli,
                l.unit_price_minor,
                l.discount_bp,
                l.tax_rate_bp,
            )
        });
        gross += i128::from(a.gross_minor);
        discount += i128::from(a.discount_minor);
        tax += i128::from(a.tax_minor);
        total += i128::from(a.total_minor);
        w.insert(
            LINES,
            &crate::new_id(),
            &[
                ("document_id", Value::Text(document_id.to_owned())),
                ("position", Value::Integer(i as i64)),
                ("product_id", text(&l.product_id)),
                ("source_line_id", text(&l.source_line_id)),
                ("sku", text(&l.sku)),
                ("description", Value::Text(l.description.clone())),
                ("unit", text(&l.unit)),
                ("quantity_milli", Value::Integer(l.quantity_milli)),
                ("unit_price_minor", Value::Integer(l.unit_price_minor)),
                ("discount_bp", Value::Integer(l.discount_bp)),
                ("tax_rate_bp", Value::Integer(l.tax_rate_bp)),
                ("gross_minor", Value::Integer(a.gross_minor)),
                ("discount_minor", Value::Integer(a.discount_minor)),
                ("net_minor", Value::Integer(a.net_minor)),
                ("tax_minor", Value::Integer(a.tax_minor)),
                ("total_minor", Value::Integer(a.total_minor)),
            ],
        )?;
    }
    w.update(
        TABLE,
        document_id,
        &[
            (
                "subtotal_minor",
                Value::Integer(money::narrow("document's subtotal", gross)?),
            ),
            (
                "discount_minor",
                Value::Integer(money::narrow("document's discount", discount)?),
            ),
            (
                "tax_minor",
                Value::Integer(money::narrow("document's tax", tax)?),
            ),
            (
                "total_minor",
                Value::Integer(money::narrow("document's total", total)?),
            ),
        ],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Numbering

/// A document number sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sequence {
    pub kind: DocumentKind,
    pub prefix: String,
    /// The count restarts at 1 each calendar year, and the number carries the year.
    pub yearly: bool,
    #[ts(type = "number")]
    pub year: i64,
    #[ts(type = "number")]
    pub next: i64,
    #[ts(type = "number")]
    pub padding: i64,
    /// What the next number will look like.
    pub preview: String,
}

/// Seeds the sequences (migration 8, in its transaction).
pub(crate) fn seed(conn: &Connection) -> rusqlite::Result<()> {
    let now = crate::kernel::time::now();
    let year = i64::from(today().year());
    for (kind, prefix) in [
        ("quote", "Q-"),
        ("order", "SO-"),
        ("invoice", "INV-"),
        ("credit_note", "CN-"),
    ] {
        conn.execute(
            "INSERT INTO number_sequences (id, prefix, yearly, year, next, padding, created_at, updated_at)
             VALUES (?1, ?2, 1, ?3, 1, 4, ?4, ?4)",
            (kind, prefix, year, &now),
        )?;
    }
    Ok(())
}

fn format_number(prefix: &str, yearly: bool, year: i64, n: i64, padding: i64) -> String {
    let width = usize::try_from(padding.clamp(1, 12)).unwrap_or(4);
    if yearly {
        format!("{prefix}{year}-{n:0width$}")
    } else {
        format!("{prefix}{n:0width$}")
    }
}

/// The sequences, one per kind.
pub fn sequences(conn: &Connection) -> Result<Vec<Sequence>> {
    let year = i64::from(today().year());
    let mut stmt = conn.prepare_cached(
        "SELECT id, prefix, yearly, year, next, padding FROM number_sequences
          ORDER BY CASE id WHEN 'quote' THEN 0 WHEN 'order' THEN 1 WHEN 'invoice' THEN 2 ELSE 3 END",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(0)?;
        let prefix: String = r.get(1)?;
        let yearly: bool = r.get(2)?;
        let stored_year: i64 = r.get(3)?;
        let next: i64 = r.get(4)?;
        let padding: i64 = r.get(5)?;
        let (y, n) = if yearly && stored_year != year {
            (year, 1)
        } else {
            (stored_year, next)
        };
        Ok(Sequence {
            kind: DocumentKind::parse(&kind).unwrap_or(DocumentKind::Invoice),
            preview: format_number(&prefix, yearly, y, n, padding),
            prefix,
            yearly,
            year: y,
            next: n,
            padding,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes a sequence's prefix, yearly reset or next number. The next number can only move
/// forward past numbers already given, so no number is ever given twice.
pub fn set_sequence(
    db: &mut Db,
    kind: DocumentKind,
    prefix: Option<&str>,
    yearly: Option<bool>,
    next: Option<i64>,
) -> Result<Vec<Sequence>> {
    let current = sequences(db.conn())?
        .into_iter()
        .find(|s| s.kind == kind)
        .ok_or_else(|| Error::not_found("number sequence", kind.as_str()))?;
    let mut c = Checker::default();
    let prefix = prefix
        .map(str::trim)
        .map(str::to_owned)
        .unwrap_or(current.prefix.clone());
    if prefix.chars().count() > 20 {
        c.fail("prefix", "is longer than 20 characters");
    }
    let yearly = yearly.unwrap_or(current.yearly);
    let next = next.unwrap_or(current.next);
    if next < 1 {
        c.fail("next", "should be 1 or more");
    }
    // Numbers already given with this prefix and year must stay ahead of `next`.
    let probe = format_number(&prefix, yearly, current.year, next, current.padding);
    let taken: bool = db
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sales_documents WHERE kind = ?1 AND number >= ?2 AND number LIKE ?3 ESCAPE '\\')")?
        .query_row(
            (kind.as_str(), &probe, format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"))),
            |r| r.get(0),
        )?;
    if taken {
        c.fail(
            "next",
            format!("{probe} or a later number was already given; choose a higher next number"),
        );
    }
    c.finish()?;
    db.write(|w| {
        w.update(
            SEQUENCES,
            kind.as_str(),
            &[
                ("prefix", Value::Text(prefix.clone())),
                ("yearly", Value::Integer(i64::from(yearly))),
                ("year", Value::Integer(current.year)),
                ("next", Value::Integer(next)),
            ],
        )?;
        Ok(())
    })?;
    sequences(db.conn())
}

/// Takes the next number of `kind`'s sequence, inside the write that uses it.
fn take_number(w: &Writer<'_>, kind: DocumentKind) -> Result<String> {
    let year = i64::from(today().year());
    let (prefix, yearly, stored_year, next, padding): (String, bool, i64, i64, i64) =
        w.conn().query_row(
            "SELECT prefix, yearly, year, next, padding FROM number_sequences WHERE id = ?1",
            [kind.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    let (y, n) = if yearly && stored_year != year {
        (year, 1)
    } else {
        (stored_year, next)
    };
    w.update(
        SEQUENCES,
        kind.as_str(),
        &[("year", Value::Integer(y)), ("next", Value::Integer(n + 1))],
    )?;
    Ok(format_number(&prefix, yearly, y, n, padding))
}

// ---------------------------------------------------------------------------------------------
// Quotes

fn account_of_deal(conn: &Connection, deal: &str) -> Result<(Option<String>, Option<String>)> {
    conn.prepare_cached("SELECT account_id, currency FROM opportunities WHERE id = ?1")?
        .query_row([deal], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::invalid("opportunity_id", format!("no deal with id {deal}")))
}

struct ValidQuote {
    fields: Vec<(&'static str, Value)>,
    lines: Vec<ValidLine>,
}

fn check_quote(conn: &Connection, input: &QuoteInput) -> Result<ValidQuote> {
    let mut c = Checker::default();
    let deal = input
        .opportunity_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (deal_account, deal_currency) = match deal {
        Some(d) => match account_of_deal(conn, d) {
            Ok(pair) => pair,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                (None, None)
            }
        },
        None => (None, None),
    };
    let account = input
        .account_id
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or(deal_account);
    if let Some(a) = &account
        && !crate::store::writer::exists(conn, "accounts", a)?
    {
        c.fail("account_id", format!("no account with id {a}"));
    }
    if account.is_none() && deal.is_none() {
        c.fail("account_id", "a quote is made for a deal or an account");
    }
    let contact = input.contact_id.clone().filter(|s| !s.trim().is_empty());
    if let Some(p) = &contact
        && !crate::store::writer::exists(conn, "contacts", p)?
    {
        c.fail("contact_id", format!("no contact with id {p}"));
    }
    let first_product_currency = input
        .lines
        .iter()
        .filter_map(|l| l.product.as_deref())
        .find_map(|p| crate::sales::products::find(conn, p).ok().flatten())
        .map(|p| p.unit_price.currency);
    let currency_text = input
        .currency
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or(deal_currency)
        .or(first_product_currency);
    let currency = match currency_text
        .as_deref()
        .map(|t| crate::kernel::money::currency(t, "currency"))
    {
        Some(Ok(cur)) => cur.code().to_owned(),
        Some(Err(e)) => {
            for f in e.field_errors() {
                c.fail(&f.field, &f.message);
            }
            "EUR".into()
        }
        None => {
            c.fail(
                "currency",
                "is needed (for example EUR) when no deal or product gives one",
            );
            "EUR".into()
        }
    };
    let valid_until = c
        .date("valid_until", &input.valid_until)
        .unwrap_or_else(|| ymd(today() + Duration::days(30)));
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let lines = check_lines(&mut c, conn, &currency, &input.lines)?;
    c.finish()?;
    Ok(ValidQuote {
        fields: vec![
            ("account_id", text(&account)),
            ("contact_id", text(&contact)),
            ("opportunity_id", text(&deal.map(str::to_owned))),
            ("currency", Value::Text(currency)),
            ("valid_until", Value::Text(valid_until)),
            ("notes", text(&notes)),
        ],
        lines,
    })
}

/// Makes a draft quote with the next quote number.
pub fn create_quote(db: &mut Db, input: &QuoteInput) -> Result<Document> {
    let v = check_quote(db.conn(), input)?;
    let id = crate::new_id();
    db.write(|w| {
        let number = take_number(w, DocumentKind::Quote)?;
        let mut fields = v.fields;
        fields.push(("kind", Value::Text("quote".into())));
        fields.push(("number", Value::Text(number)));
        fields.push(("status", Value::Text("draft".into())));
        w.insert(TABLE, &id, &fields)?;
        write_lines(w, &id, &v.lines)
    })?;
    get(db.conn(), &id)
}

/// Saves a draft quote's new content; a sent quote is revised instead.
pub fn update_quote(db: &mut Db, id: &str, input: &QuoteInput) -> Result<Document> {
    let old = get(db.conn(), id)?;
    if old.kind != DocumentKind::Quote || old.status != DocumentStatus::Draft {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; only a draft quote is edited in place (revise a sent quote to make a new version)",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " ")
            ),
        ));
    }
    let v = check_quote(db.conn(), input)?;
    db.write(|w| {
        w.update(TABLE, id, &v.fields)?;
        write_lines(w, id, &v.lines)
    })?;
    get(db.conn(), id)
}

/// Revises a sent (or rejected, or expired) quote: a new version with the same number and this
/// content; the old one is kept, superseded.
pub fn revise_quote(db: &mut Db, id: &str, input: &QuoteInput) -> Result<Document> {
    let old = get(db.conn(), id)?;
    if old.kind != DocumentKind::Quote
        || !matches!(
            old.status,
            DocumentStatus::Sent | DocumentStatus::Rejected | DocumentStatus::Expired
        )
    {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; a draft is edited, an accepted quote stays as agreed",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " ")
            ),
        ));
    }
    let v = check_quote(db.conn(), input)?;
    let new_id = crate::new_id();
    db.write(|w| {
        let mut fields = v.fields;
        fields.push(("kind", Value::Text("quote".into())));
        fields.push(("number", text(&old.number)));
        fields.push(("version", Value::Integer(old.version + 1)));
        fields.push(("status", Value::Text("draft".into())));
        fields.push(("source_id", Value::Text(id.to_owned())));
        // The number is unique per kind; the old version keeps it with its version suffix.
        w.update(
            TABLE,
            id,
            &[
                ("status", Value::Text("superseded".into())),
                (
                    "number",
                    Value::Text(format!(
                        "{}/v{}",
                        old.number.clone().unwrap_or_default(),
                        old.version
                    )),
                ),
            ],
        )?;
        w.insert(TABLE, &new_id, &fields)?;
        write_lines(w, &new_id, &v.lines)
    })?;
    get(db.conn(), &new_id)
}

/// Moves a quote to sent, accepted or rejected (a draft can be accepted directly when the
/// customer agreed on the spot).
pub fn set_quote_status(db: &mut Db, id: &str, status: DocumentStatus) -> Result<Document> {
    let old = get(db.conn(), id)?;
    use DocumentStatus as S;
    let allowed = old.kind == DocumentKind::Quote
        && matches!(
            (old.status, status),
            (S::Draft, S::Sent | S::Accepted)
                | (S::Sent | S::Expired, S::Accepted | S::Rejected)
                | (S::Rejected, S::Sent)
        );
    if !allowed {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; it cannot become {}",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " "),
                status.as_str().replace('_', " ")
            ),
        ));
    }
    db.write(|w| {
        let mut fields = vec![("status", Value::Text(status.as_str().to_owned()))];
        if status == S::Sent && old.issued_on.is_none() {
            fields.push(("issued_on", Value::Text(ymd(today()))));
        }
        w.update(TABLE, id, &fields)?;
        Ok(())
    })?;
    get(db.conn(), id)
}

// ---------------------------------------------------------------------------------------------
// Orders and invoices

fn copy_lines(
    conn: &Connection,
    from: &Document,
    kind: DocumentKind,
    parts: Option<&[PartInput]>,
    left: impl Fn(&Line) -> Result<i64>,
) -> Result<Vec<ValidLine>> {
    let mut c = Checker::default();
    let mut out = Vec::new();
    for (i, line) in from.lines.iter().enumerate() {
        let remaining = left(line)?;
        let wanted = match parts {
            None => remaining,
            Some(parts) => match parts.iter().find(|p| p.line_id == line.id) {
                None => 0,
                Some(p) => match &p.quantity {
                    None => remaining,
                    Some(q) => match quantity_milli(&format!("lines.{i}.quantity"), q) {
                        Ok(q) if q > remaining => {
                            c.fail(
                                format!("lines.{i}.quantity"),
                                format!(
                                    "{} of \"{}\" is more than the {} left",
                                    format_quantity(q),
                                    line.description,
                                    format_quantity(remaining)
                                ),
                            );
                            0
                        }
                        Ok(q) => q,
                        Err(e) => {
                            for f in e.field_errors() {
                                c.fail(&f.field, &f.message);
                            }
                            0
                        }
                    },
                },
            },
        };
        if wanted > 0 {
            out.push(ValidLine {
                product_id: line.product_id.clone(),
                sku: line.sku.clone(),
                description: line.description.clone(),
                unit: line.unit.clone(),
                quantity_milli: wanted,
                unit_price_minor: line.unit_price_minor,
                discount_bp: line.discount_bp,
                tax_rate_bp: line.tax_rate_bp,
                source_line_id: Some(line.id.clone()),
                amounts: if wanted == remaining {
                    Some(rest_of(conn, line, kind)?)
                } else {
                    None
                },
            });
        }
    }
    if let Some(parts) = parts {
        for p in parts {
            if !from.lines.iter().any(|l| l.id == p.line_id) {
                c.fail(
                    "lines",
                    format!(
                        "line {} is not on {}",
                        p.line_id,
                        from.number.clone().unwrap_or_default()
                    ),
                );
            }
        }
    }
    if out.is_empty() {
        c.fail("lines", "nothing is left to carry over");
    }
    c.finish()?;
    let _ = conn;
    Ok(out)
}

fn derived_document(
    w: &Writer<'_>,
    from: &Document,
    kind: DocumentKind,
    status: DocumentStatus,
    number: Option<String>,
    lines: &[ValidLine],
    extra: Vec<(&'static str, Value)>,
) -> Result<String> {
    let id = crate::new_id();
    let mut fields = vec![
        ("kind", Value::Text(kind.as_str().to_owned())),
        ("number", text(&number)),
        ("status", Value::Text(status.as_str().to_owned())),
        ("account_id", text(&from.account_id)),
        ("contact_id", text(&from.contact_id)),
        ("opportunity_id", text(&from.opportunity_id)),
        ("source_id", Value::Text(from.id.clone())),
        ("currency", Value::Text(from.currency.clone())),
        ("notes", text(&from.notes)),
    ];
    fields.extend(extra);
    w.insert(TABLE, &id, &fields)?;
    write_lines(w, &id, lines)?;
    Ok(id)
}

/// Turns an accepted (or sent, which is accepted in the same step) quote into a sales order.
pub fn order_from_quote(db: &mut Db, quote_id: &str) -> Result<Document> {
    let quote = get(db.conn(), quote_id)?;
    if quote.kind != DocumentKind::Quote
        || !matches!(
            quote.status,
            DocumentStatus::Accepted | DocumentStatus::Sent
        )
    {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; only an accepted quote becomes an order",
                quote.number.clone().unwrap_or_default(),
                quote.status.as_str().replace('_', " ")
            ),
        ));
    }
    if quote
        .derived
        .iter()
        .any(|d| d.kind == DocumentKind::Order && d.status != DocumentStatus::Cancelled)
    {
        return Err(Error::Conflict(format!(
            "{} already became an order",
            quote.number.clone().unwrap_or_default()
        )));
    }
    let lines = copy_lines(db.conn(), &quote, DocumentKind::Order, None, |l| {
        Ok(l.quantity_milli)
    })?;
    let id = db.write(|w| {
        if quote.status == DocumentStatus::Sent {
            w.update(
                TABLE,
                quote_id,
                &[("status", Value::Text("accepted".into()))],
            )?;
        }
        let number = take_number(w, DocumentKind::Order)?;
        derived_document(
            w,
            &quote,
            DocumentKind::Order,
            DocumentStatus::Open,
            Some(number),
            &lines,
            vec![("issued_on", Value::Text(ymd(today())))],
        )
    })?;
    get(db.conn(), &id)
}

/// A line's amounts less what earlier parts of it (documents of `kind`, not void) carry.
fn rest_of(conn: &Connection, line: &Line, kind: DocumentKind) -> Result<LineAmounts> {
    let (gross, discount, net, tax, total): (i64, i64, i64, i64, i64) = conn
        .prepare_cached(
            "SELECT ifnull(money_sum(l.gross_minor), 0), ifnull(money_sum(l.discount_minor), 0),
                    ifnull(money_sum(l.net_minor), 0), ifnull(money_sum(l.tax_minor), 0),
                    ifnull(money_sum(l.total_minor), 0)
               FROM document_lines l JOIN sales_documents d ON d.id = l.document_id
              WHERE l.source_line_id = ?1 AND d.kind = ?2 AND d.status <> 'void'",
        )?
        .query_row((&line.id, kind.as_str()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let a = line.amounts;
    Ok(LineAmounts {
        gross_minor: a.gross_minor - gross,
        discount_minor: a.discount_minor - discount,
        net_minor: a.net_minor - net,
        tax_minor: a.tax_minor - tax,
        total_minor: a.total_minor - total,
    })
}

/// How much of a line later documents of `kind` (not void) already carry.
fn carried(conn: &Connection, line_id: &str, kind: DocumentKind) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT ifnull(sum(l.quantity_milli), 0) FROM document_lines l
               JOIN sales_documents d ON d.id = l.document_id
              WHERE l.source_line_id = ?1 AND d.kind = ?2 AND d.status <> 'void'",
        )?
        .query_row((line_id, kind.as_str()), |r| r.get(0))?)
}

/// A draft invoice for an order: everything not yet invoiced, or the given parts.
pub fn invoice_from_order(
    db: &mut Db,
    order_id: &str,
    parts: Option<&[PartInput]>,
) -> Result<Document> {
    let order = get(db.conn(), order_id)?;
    if order.kind != DocumentKind::Order || order.status == DocumentStatus::Cancelled {
        return Err(Error::invalid(
            "order",
            format!(
                "{} is not an open order",
                order.number.clone().unwrap_or_default()
            ),
        ));
    }
    let conn = db.conn();
    let lines = copy_lines(conn, &order, DocumentKind::Invoice, parts, |l| {
        Ok(l.quantity_milli - carried(conn, &l.id, DocumentKind::Invoice)?)
    })?;
    let id = db.write(|w| {
        let id = derived_document(
            w,
            &order,
            DocumentKind::Invoice,
            DocumentStatus::Draft,
            None,
            &lines,
            vec![],
        )?;
        refresh_order(w, order_id)?;
        Ok(id)
    })?;
    get(db.conn(), &id)
}

/// An order is invoiced once every line is.
fn refresh_order(w: &Writer<'_>, order_id: &str) -> Result<()> {
    let (ordered, invoiced): (i64, i64) = w.conn().query_row(
        "SELECT ifnull(sum(l.quantity_milli), 0),
                ifnull(sum((SELECT ifnull(sum(x.quantity_milli), 0) FROM document_lines x
                             JOIN sales_documents d ON d.id = x.document_id
                            WHERE x.source_line_id = l.id AND d.kind = 'invoice' AND d.status <> 'void')), 0)
           FROM document_lines l WHERE l.document_id = ?1",
        [order_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let status = if invoiced == 0 {
        "open"
    } else if invoiced >= ordered {
        "invoiced"
    } else {
        "partly_invoiced"
    };
    w.update(TABLE, order_id, &[("status", Value::Text(status.into()))])?;
    Ok(())
}

/// Issues a draft invoice: the next invoice number, today's date (or `issued_on`), due after
/// `terms_days` (default 30).
pub fn issue_invoice(
    db: &mut Db,
    id: &str,
    issued_on: Option<&str>,
    terms_days: Option<i64>,
) -> Result<Document> {
    let doc = get(db.conn(), id)?;
    if doc.kind != DocumentKind::Invoice || doc.status != DocumentStatus::Draft {
        return Err(Error::invalid(
            "status",
            format!(
                "this invoice is {}; only a draft is issued",
                doc.status.as_str().replace('_', " ")
            ),
        ));
    }
    require_seller(db.conn(), "issuing an invoice")?;
    let mut c = Checker::default();
    let issued = c
        .date("issued_on", &issued_on.map(str::to_owned))
        .and_then(|d| parse_day(&d))
        .unwrap_or_else(today);
    let terms = terms_days.unwrap_or(DEFAULT_TERMS_DAYS);
    if !(0..=365).contains(&terms) {
        c.fail("terms_days", "should be between 0 and 365 days");
    }
    // A yearly sequence numbers this year's invoices; an invoice dated in another year would
    // carry the wrong year's number.
    let yearly: bool = db
        .conn()
        .prepare_cached("SELECT yearly FROM number_sequences WHERE id = 'invoice'")?
        .query_row([], |r| r.get(0))?;
    if yearly && issued.year() != today().year() {
        c.fail(
            "issued_on",
            format!(
                "invoices are numbered per year; date it in {} (or turn off the yearly restart in Settings, Document numbers)",
                today().year()
            ),
        );
    }
    c.finish()?;
    db.write(|w| {
        let number = take_number(w, DocumentKind::Invoice)?;
        w.update(
            TABLE,
            id,
            &[
                ("number", Value::Text(number)),
                ("status", Value::Text("issued".into())),
                ("issued_on", Value::Text(ymd(issued))),
                ("due_on", Value::Text(ymd(issued + Duration::days(terms)))),
            ],
        )?;
        // An invoice of nothing (free goods, a full discount) is settled as soon as issued.
        refresh_invoice(w, id)
    })?;
    get(db.conn(), id)
}

/// Records a payment; the invoice becomes partly paid or paid. Paying more than is left is
/// refused.
pub fn record_payment(db: &mut Db, invoice_id: &str, input: &PaymentInput) -> Result<Document> {
    let doc = get(db.conn(), invoice_id)?;
    if doc.kind != DocumentKind::Invoice
        || !matches!(
            doc.status,
            DocumentStatus::Issued | DocumentStatus::PartlyPaid | DocumentStatus::Overdue
        )
    {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; payments are recorded on issued invoices",
                doc.number.clone().unwrap_or_else(|| "this invoice".into()),
                doc.status.as_str().replace('_', " ")
            ),
        ));
    }
    let mut c = Checker::default();
    let amount = match (MoneyInput {
        amount: input.amount.clone(),
        currency: doc.currency.clone(),
    })
    .parse("amount")
    {
        Ok(m) if m.amount_minor <= 0 => {
            c.fail("amount", "should be more than zero");
            0
        }
        Ok(m) if m.amount_minor > doc.balance_minor => {
            c.fail(
                "amount",
                format!(
                    "is more than the {} {} left to pay",
                    crate::kernel::money::format_plain(&Money {
                        amount_minor: doc.balance_minor,
                        currency: doc.currency.clone()
                    }),
                    doc.currency
                ),
            );
            0
        }
        Ok(m) => m.amount_minor,
        Err(e) => {
            for f in e.field_errors() {
                c.fail("amount", &f.message);
            }
            0
        }
    };
    let paid_on = c
        .date("paid_on", &input.paid_on)
        .unwrap_or_else(|| ymd(today()));
    let method = c.text("method", &input.method, SHORT_TEXT_MAX);
    let reference = c.text("reference", &input.reference, SHORT_TEXT_MAX);
    c.finish()?;
    db.write(|w| {
        w.insert(
            PAYMENTS,
            &crate::new_id(),
            &[
                ("invoice_id", Value::Text(invoice_id.to_owned())),
                ("paid_on", Value::Text(paid_on.clone())),
                ("amount_minor", Value::Integer(amount)),
                ("method", text(&method)),
                ("reference", text(&reference)),
            ],
        )?;
        refresh_invoice(w, invoice_id)
    })?;
    get(db.conn(), invoice_id)
}

/// Stores an issued invoice's status from its payments and credit notes.
fn refresh_invoice(w: &Writer<'_>, id: &str) -> Result<()> {
    let (total, paid, credited) = money_of(w.conn(), id)?;
    let balance = balance(total, paid, credited)?;
    let status = if balance <= 0 {
        // Settled: by credit notes alone, or by payments (a free invoice counts as paid).
        if paid == 0 && credited > 0 {
            "credited"
        } else {
            "paid"
        }
    } else if paid > 0 {
        "partly_paid"
    } else {
        "issued"
    };
    w.update(TABLE, id, &[("status", Value::Text(status.into()))])?;
    Ok(())
}

/// What is left to pay on an invoice: total − paid − credited, counted without overflow.
fn balance(total: i64, paid: i64, credited: i64) -> Result<i64> {
    money::narrow(
        "invoice's balance",
        i128::from(total) - i128::from(paid) - i128::from(credited),
    )
}

fn money_of(conn: &Connection, id: &str) -> Result<(i64, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT d.total_minor,
                    (SELECT ifnull(money_sum(amount_minor), 0) FROM payments WHERE invoice_id = d.id),
                    (SELECT ifnull(money_sum(c.total_minor), 0) FROM sales_documents c
                      WHERE c.source_id = d.id AND c.kind = 'credit_note' AND c.status <> 'void')
               FROM sales_documents d WHERE d.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// Issues a credit note reversing all of an invoice, or the given parts of it.
pub fn credit_note(
    db: &mut Db,
    invoice_id: &str,
    parts: Option<&[PartInput]>,
    notes: Option<&str>,
) -> Result<Document> {
    let invoice = get(db.conn(), invoice_id)?;
    if invoice.kind != DocumentKind::Invoice
        || matches!(invoice.status, DocumentStatus::Draft | DocumentStatus::Void)
    {
        return Err(Error::invalid(
            "status",
            "only an issued invoice is credited (a draft is simply deleted)",
        ));
    }
    let conn = db.conn();
    let lines = copy_lines(conn, &invoice, DocumentKind::CreditNote, parts, |l| {
        Ok(l.quantity_milli - carried(conn, &l.id, DocumentKind::CreditNote)?)
    })?;
    let id = db.write(|w| {
        let number = take_number(w, DocumentKind::CreditNote)?;
        let mut from = invoice.clone();
        from.notes = notes.map(str::to_owned).or(Some(format!(
            "Credit note for invoice {}",
            invoice.number.clone().unwrap_or_default()
        )));
        let id = derived_document(
            w,
            &from,
            DocumentKind::CreditNote,
            DocumentStatus::Issued,
            Some(number),
            &lines,
            vec![("issued_on", Value::Text(ymd(today())))],
        )?;
        // A credit note never takes more than is left to pay: the rest is owed back.
        refresh_invoice(w, invoice_id)?;
        Ok(id)
    })?;
    get(db.conn(), &id)
}

/// Voids an issued invoice without payments; its number stays used. A draft is deleted.
pub fn void_invoice(db: &mut Db, id: &str) -> Result<()> {
    let doc = get(db.conn(), id)?;
    if doc.kind != DocumentKind::Invoice {
        return Err(Error::invalid("kind", "only invoices are voided"));
    }
    if doc.paid_minor > 0 || doc.credited_minor > 0 {
        return Err(Error::invalid(
            "status",
            "this invoice has payments or credit notes; issue a credit note instead",
        ));
    }
    let order = doc.source_id.clone();
    db.write(|w| {
        if doc.status == DocumentStatus::Draft {
            for line in &doc.lines {
                w.delete(LINES, &line.id)?;
            }
            w.delete(TABLE, id)?;
        } else {
            w.update(TABLE, id, &[("status", Value::Text("void".into()))])?;
        }
        if let Some(order) = &order {
            refresh_order(w, order)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Reading

const SELECT: &str = "SELECT d.id, d.kind, d.number, d.version, d.status, d.account_id, a.name,
        d.contact_id, trim(c.first_name || ' ' || c.last_name), d.opportunity_id, o.name,
        d.source_id, s.number, d.currency, d.issued_on, d.valid_until, d.due_on, d.notes,
        d.subtotal_minor, d.discount_minor, d.tax_minor, d.total_minor, d.created_at, d.updated_at
   FROM sales_documents d
   LEFT JOIN accounts a ON a.id = d.account_id
   LEFT JOIN contacts c ON c.id = d.contact_id
   LEFT JOIN opportunities o ON o.id = d.opportunity_id
   LEFT JOIN sales_documents s ON s.id = d.source_id";

/// The status to show: a sent quote past its date is expired, an unpaid invoice past its due
/// date overdue.
fn shown_status(
    kind: DocumentKind,
    stored: DocumentStatus,
    valid_until: Option<&str>,
    due_on: Option<&str>,
    today: NaiveDate,
) -> DocumentStatus {
    let past = |d: Option<&str>| d.and_then(parse_day).is_some_and(|d| d < today);
    match (kind, stored) {
        (DocumentKind::Quote, DocumentStatus::Sent) if past(valid_until) => DocumentStatus::Expired,
        (DocumentKind::Invoice, DocumentStatus::Issued | DocumentStatus::PartlyPaid)
            if past(due_on) =>
        {
            DocumentStatus::Overdue
        }
        _ => stored,
    }
}

fn kind_of(r: &Row<'_>, i: usize) -> rusqlite::Result<DocumentKind> {
    Ok(DocumentKind::parse(&r.get::<_, String>(i)?).unwrap_or(DocumentKind::Quote))
}

fn status_of(r: &Row<'_>, i: usize) -> rusqlite::Result<DocumentStatus> {
    Ok(DocumentStatus::parse(&r.get::<_, String>(i)?).unwrap_or(DocumentStatus::Draft))
}

pub fn get(conn: &Connection, id: &str) -> Result<Document> {
    let today = today();
    let mut doc = conn
        .prepare_cached(&format!("{SELECT} WHERE d.id = ?1"))?
        .query_row([id], |r| {
            let kind = kind_of(r, 1)?;
            let valid_until: Option<String> = r.get(15)?;
            let due_on: Option<String> = r.get(16)?;
            Ok(Document {
                id: r.get(0)?,
                kind,
                number: r.get(2)?,
                version: r.get(3)?,
                status: shown_status(
                    kind,
                    status_of(r, 4)?,
                    valid_until.as_deref(),
                    due_on.as_deref(),
                    today,
                ),
                account_id: r.get(5)?,
                account_name: r.get(6)?,
                contact_id: r.get(7)?,
                contact_name: r.get(8)?,
                opportunity_id: r.get(9)?,
                opportunity_name: r.get(10)?,
                source_id: r.get(11)?,
                source_number: r.get(12)?,
                currency: r.get(13)?,
                issued_on: r.get(14)?,
                valid_until,
                due_on,
                notes: r.get(17)?,
                subtotal_minor: r.get(18)?,
                discount_minor: r.get(19)?,
                tax_minor: r.get(20)?,
                total_minor: r.get(21)?,
                created_at: r.get(22)?,
                updated_at: r.get(23)?,
                taxes: Vec::new(),
                lines: Vec::new(),
                payments: Vec::new(),
                paid_minor: 0,
                credited_minor: 0,
                balance_minor: 0,
                derived: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("document", id))?;
    doc.lines = conn
        .prepare_cached(
            "SELECT id, position, product_id, sku, description, unit, quantity_milli, unit_price_minor,
                    discount_bp, tax_rate_bp, gross_minor, discount_minor, net_minor, tax_minor,
                    total_minor, source_line_id
               FROM document_lines WHERE document_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Line {
                id: r.get(0)?,
                position: r.get(1)?,
                product_id: r.get(2)?,
                sku: r.get(3)?,
                description: r.get(4)?,
                unit: r.get(5)?,
                quantity_milli: r.get(6)?,
                unit_price_minor: r.get(7)?,
                discount_bp: r.get(8)?,
                tax_rate_bp: r.get(9)?,
                amounts: LineAmounts {
                    gross_minor: r.get(10)?,
                    discount_minor: r.get(11)?,
                    net_minor: r.get(12)?,
                    tax_minor: r.get(13)?,
                    total_minor: r.get(14)?,
                },
                source_line_id: r.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut taxes: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for l in &doc.lines {
        let t = taxes.entry(l.tax_rate_bp).or_default();
        t.0 = money::add("net amount of a tax rate", t.0, l.amounts.net_minor)?;
        t.1 = money::add("tax of a tax rate", t.1, l.amounts.tax_minor)?;
    }
    doc.taxes = taxes
        .into_iter()
        .map(|(rate_bp, (net_minor, tax_minor))| TaxLine {
            rate_bp,
            net_minor,
            tax_minor,
        })
        .collect();
    doc.payments = conn
        .prepare_cached("SELECT id, paid_on, amount_minor, method, reference FROM payments WHERE invoice_id = ?1 ORDER BY paid_on, rowid")?
        .query_map([id], |r| {
            Ok(Payment {
                id: r.get(0)?,
                paid_on: r.get(1)?,
                amount_minor: r.get(2)?,
                method: r.get(3)?,
                reference: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if doc.kind == DocumentKind::Invoice {
        let (total, paid, credited) = money_of(conn, id)?;
        doc.paid_minor = paid;
        doc.credited_minor = credited;
        doc.balance_minor = if matches!(doc.status, DocumentStatus::Draft | DocumentStatus::Void) {
            0
        } else {
            balance(total, paid, credited)?
        };
    }
    doc.derived = list(
        conn,
        &DocumentQuery {
            source_id: Some(id.to_owned()),
            ..DocumentQuery::default()
        },
    )?;
    Ok(doc)
}

/// A document by its number (`INV-2026-0001`) or id.
pub fn find(conn: &Connection, number_or_id: &str) -> Result<String> {
    let key = number_or_id.trim();
    conn.prepare_cached(
        "SELECT id FROM sales_documents WHERE id = ?1 OR number = ?1 COLLATE NOCASE
          ORDER BY id = ?1 DESC, version DESC LIMIT 1",
    )?
    .query_row([key], |r| r.get(0))
    .optional()?
    .ok_or_else(|| Error::not_found("document", key))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DocumentQuery {
    pub kind: Option<DocumentKind>,
    pub account_id: Option<String>,
    pub opportunity_id: Option<String>,
    pub source_id: Option<String>,
    /// Only documents shown with this status (e.g. `overdue`).
    pub status: Option<DocumentStatus>,
    pub limit: Option<u32>,
}

/// Documents, newest first.
pub fn list(conn: &Connection, query: &DocumentQuery) -> Result<Vec<DocumentSummary>> {
    let today = today();
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.kind, d.number, d.version, d.status, d.account_id, a.name, d.opportunity_id,
                d.currency, d.issued_on, d.due_on, d.total_minor, d.valid_until,
                CASE WHEN d.kind = 'invoice' AND d.status NOT IN ('draft', 'void') THEN
                     d.total_minor
                     - (SELECT ifnull(money_sum(amount_minor), 0) FROM payments WHERE invoice_id = d.id)
                     - (SELECT ifnull(money_sum(c.total_minor), 0) FROM sales_documents c
                         WHERE c.source_id = d.id AND c.kind = 'credit_note' AND c.status <> 'void')
                ELSE 0 END,
                d.created_at
           FROM sales_documents d LEFT JOIN accounts a ON a.id = d.account_id
          WHERE (?1 IS NULL OR d.kind = ?1) AND (?2 IS NULL OR d.account_id = ?2)
            AND (?3 IS NULL OR d.opportunity_id = ?3) AND (?4 IS NULL OR d.source_id = ?4)
            -- The status as shown: a sent quote past its date is expired, an unpaid invoice
            -- past its due date overdue (?6 is today).
            AND (?7 IS NULL OR CASE
                 WHEN d.kind = 'quote' AND d.status = 'sent' AND d.valid_until < ?6 THEN 'expired'
                 WHEN d.kind = 'invoice' AND d.status IN ('issued', 'partly_paid')
                      AND d.due_on < ?6 THEN 'overdue'
                 ELSE d.status END = ?7)
          ORDER BY d.created_at DESC, d.id DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        (
            query.kind.map(DocumentKind::as_str),
            &query.account_id,
            &query.opportunity_id,
            &query.source_id,
            i64::from(query.limit.unwrap_or(500).clamp(1, 5000)),
            ymd(today),
            query.status.map(DocumentStatus::as_str),
        ),
        |r| {
            let kind = kind_of(r, 1)?;
            let valid_until: Option<String> = r.get(12)?;
            let due_on: Option<String> = r.get(10)?;
            Ok(DocumentSummary {
                id: r.get(0)?,
                kind,
                number: r.get(2)?,
                version: r.get(3)?,
                status: shown_status(
                    kind,
                    status_of(r, 4)?,
                    valid_until.as_deref(),
                    due_on.as_deref(),
                    today,
                ),
                account_id: r.get(5)?,
                account_name: r.get(6)?,
                opportunity_id: r.get(7)?,
                currency: r.get(8)?,
                issued_on: r.get(9)?,
                due_on,
                total_minor: r.get(11)?,
                balance_minor: r.get(13)?,
                created_at: r.get(14)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An account's money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AccountMoney {
    pub currency: String,
    /// Issued invoices (not void) less credit notes.
    #[ts(type = "number")]
    pub invoiced_minor: i64,
    #[ts(type = "number")]
    pub paid_minor: i64,
    #[ts(type = "number")]
    pub outstanding_minor: i64,
    /// The part of outstanding past its due date.
    #[ts(type = "number")]
    pub overdue_minor: i64,
}

/// Lifetime invoiced, paid, outstanding and overdue, per currency.
pub fn account_money(conn: &Connection, account_id: &str) -> Result<Vec<AccountMoney>> {
    // Every issued invoice of the account, however many.
    let invoices: Vec<(String, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, currency, due_on FROM sales_documents
              WHERE account_id = ?1 AND kind = 'invoice' AND status NOT IN ('draft', 'void')",
        )?
        .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let today = today();
    let mut by: BTreeMap<String, AccountMoney> = BTreeMap::new();
    for (id, currency, due_on) in &invoices {
        let (total, paid, credited) = money_of(conn, id)?;
        let m = by.entry(currency.clone()).or_insert_with(|| AccountMoney {
            currency: currency.clone(),
            invoiced_minor: 0,
            paid_minor: 0,
            outstanding_minor: 0,
            overdue_minor: 0,
        });
        let balance = balance(total, paid, credited)?.max(0);
        let invoiced = money::narrow("invoiced amount", i128::from(total) - i128::from(credited))?;
        m.invoiced_minor = money::add("lifetime invoiced amount", m.invoiced_minor, invoiced)?;
        m.paid_minor = money::add("lifetime paid amount", m.paid_minor, paid)?;
        m.outstanding_minor = money::add("outstanding amount", m.outstanding_minor, balance)?;
        if due_on
            .as_deref()
            .and_then(parse_day)
            .is_some_and(|d| d < today)
        {
            m.overdue_minor = money::add("overdue amount", m.overdue_minor, balance)?;
        }
    }
    Ok(by.into_values().collect())
}

/// The business on its documents (Settings, Company).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CompanyProfile {
    pub name: String,
    /// Lines of the postal address.
    pub address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub tax_id: Option<String>,
    /// Bank name, IBAN, BIC: printed on invoices.
    pub bank_details: Option<String>,
    /// Printed at the bottom of every page.
    pub footer: Option<String>,
    /// A PNG or JPEG file printed at the top left of documents.
    pub logo_path: Option<String>,
}

const COMPANY: &str = "company";

pub fn company(conn: &Connection) -> Result<CompanyProfile> {
    Ok(crate::store::settings::get(conn, COMPANY)?.unwrap_or_default())
}

/// Refuses `action` (issuing or printing an invoice) while the company's name or address is
/// missing: an issued invoice names its seller, and is never changed afterwards.
pub fn require_seller(conn: &Connection, action: &'static str) -> Result<()> {
    let profile = company(conn)?;
    let missing = match (
        profile.name.trim().is_empty(),
        profile.address.trim().is_empty(),
    ) {
        (false, false) => return Ok(()),
        (true, true) => "name and address",
        (true, false) => "name",
        (false, true) => "address",
    };
    Err(Error::CompanyProfileMissing { missing, action })
}

pub fn set_company(db: &mut Db, profile: &CompanyProfile) -> Result<CompanyProfile> {
    let mut c = Checker::default();
    c.required("name", &profile.name, SHORT_TEXT_MAX);
    c.text("address", &Some(profile.address.clone()), NOTES_MAX);
    c.text("bank_details", &profile.bank_details, NOTES_MAX);
    c.text("footer", &profile.footer, NOTES_MAX);
    if let Some(path) = profile
        .logo_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        && let Err(e) = crate::sales::pdf::check_logo(std::path::Path::new(path))
    {
        for f in e.field_errors() {
            c.fail(&f.field, &f.message);
        }
    }
    c.finish()?;
    db.write(|w| crate::store::settings::set(w, COMPANY, profile))?;
    company(db.conn())
}
