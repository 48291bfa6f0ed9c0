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
//! issued, when it takes the next number of its numbering in the same transaction (so numbers
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

mod company;
mod invoices;
mod lines;
mod mail;
mod numbering;
mod quotes;
mod read;

pub use company::*;
pub use invoices::*;
use lines::*;
pub(crate) use mail::mail_sent;
pub use mail::{DocumentMail, DocumentMailInput, email, mails};
pub use numbering::*;
pub use quotes::*;
pub use read::*;

pub(crate) const TABLE: &str = "sales_documents";
const LINES: &str = "document_lines";
const PAYMENTS: &str = "payments";
const NUMBERINGS: &str = "number_sequences";
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
