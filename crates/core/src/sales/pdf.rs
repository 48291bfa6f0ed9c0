//! Quotes, orders, invoices and credit notes as PDF files, written with `pdf-writer` in the
//! standard Helvetica font (no font file to ship or embed). Text is encoded as WinAnsi, which
//! covers Western European languages; a character outside it prints as `?`.
//!
//! The page shows the company profile (Settings), the customer, the document's number and
//! dates, the lines with quantities, prices, discounts, tax rates and amounts, then the totals
//! with tax per rate, and for invoices what was paid and what is due, with the bank details.
//! Amounts and dates follow the user's locale (`$LC_ALL`, `$LC_MONETARY`, `$LANG`).

use std::path::Path;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::sales::documents::{self, CompanyProfile, Document, DocumentKind, DocumentStatus};

mod logo;
mod text;

pub(crate) use logo::*;
use text::*;

/// What writing a PDF did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PdfReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub pages: u32,
}

/// How numbers and dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    decimal: char,
    group: char,
    /// The currency after the amount (`1.234,50 €`) rather than before (`€1,234.50`).
    symbol_after: bool,
    date: DateStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Iso,
    DayMonthYearDots,
    DayMonthYearSlashes,
    MonthDayYear,
}

impl Locale {
    /// From a POSIX locale name such as `de_DE.UTF-8` or `en_US`.
    pub fn from_name(name: &str) -> Locale {
        let lower = name.to_ascii_lowercase();
        let lang = lower.split(['_', '.', '-', '@']).next().unwrap_or("");
        let region = lower
            .split(['_', '-'])
            .nth(1)
            .map(|r| r.split('.').next().unwrap_or(""));
        match lang {
            "de" | "nl" | "da" | "id" | "tr" => Locale {
                decimal: ',',
                group: '.',
                symbol_after: true,
                date: if lang == "de" || lang == "tr" {
                    DateStyle::DayMonthYearDots
                } else {
                    DateStyle::DayMonthYearSlashes
                },
            },
            "fr" | "es" | "it" | "pt" | "pl" | "cs" | "sv" | "fi" | "nb" | "ru" => Locale {
                decimal: ',',
                group: if matches!(lang, "fr" | "pl" | "cs" | "sv" | "fi" | "nb" | "ru") {
                    ' '
                } else {
                    '.'
                },
                symbol_after: true,
                date: if matches!(lang, "pl" | "cs" | "fi" | "nb" | "ru") {
                    DateStyle::DayMonthYearDots
                } else {
                    DateStyle::DayMonthYearSlashes
                },
            },
            "en" => Locale {
                decimal: '.',
                group: ',',
                symbol_after: false,
                date: if region == Some("us") {
                    DateStyle::MonthDayYear
                } else {
                    DateStyle::DayMonthYearSlashes
                },
            },
            _ => Locale {
                decimal: '.',
                group: ',',
                symbol_after: false,
                date: DateStyle::Iso,
            },
        }
    }

    /// The user's locale from the environment.
    pub fn current() -> Locale {
        let name = ["LC_ALL", "LC_MONETARY", "LANG"]
            .iter()
            .find_map(|k| {
                std::env::var(k)
                    .ok()
                    .filter(|v| !v.is_empty() && v != "C" && v != "POSIX")
            })
            .unwrap_or_default();
        Locale::from_name(&name)
    }

    /// `1234567` minor units of EUR → `€12,345.67` or `12.345,67 €`.
    pub fn money(&self, amount_minor: i64, currency: &str) -> String {
        let exp =
            iso_currency::Currency::from_code(currency).map_or(2, crate::kernel::money::exponent);
        let scale = 10_u64.pow(exp);
        let abs = amount_minor.unsigned_abs();
        let grouped = crate::kernel::money::group_digits(&(abs / scale).to_string(), self.group);
        let number = if exp == 0 {
            grouped
        } else {
            format!(
                "{grouped}{}{:0width$}",
                self.decimal,
                abs % scale,
                width = exp as usize
            )
        };
        let sign = if amount_minor < 0 { "-" } else { "" };
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "JPY" => "¥",
            other => other,
        };
        let spaced = symbol.chars().count() > 1;
        if self.symbol_after {
            format!("{sign}{number} {symbol}")
        } else if spaced {
            format!("{sign}{symbol} {number}")
        } else {
            format!("{sign}{symbol}{number}")
        }
    }

    /// `2026-11-30` → `30.11.2026`, `30/11/2026`, `11/30/2026` or as is.
    pub fn date(&self, iso: &str) -> String {
        let Some(d) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok() else {
            return iso.to_owned();
        };
        match self.date {
            DateStyle::Iso => iso.to_owned(),
            DateStyle::DayMonthYearDots => d.format("%d.%m.%Y").to_string(),
            DateStyle::DayMonthYearSlashes => d.format("%d/%m/%Y").to_string(),
            DateStyle::MonthDayYear => d.format("%m/%d/%Y").to_string(),
        }
    }

    /// A quantity or percentage from thousandths or basis points.
    fn decimal(&self, value: i64, places: u32) -> String {
        let scale = 10_i64.pow(places);
        let whole = value / scale;
        let frac = (value % scale).abs();
        if frac == 0 {
            return whole.to_string();
        }
        let digits = format!("{frac:0width$}", width = places as usize);
        format!("{whole}{}{}", self.decimal, digits.trim_end_matches('0'))
    }
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const FOOTER_Y: f32 = 40.0;

/// Text drawn on pages; pages are started as the cursor runs out of room.
struct Pages {
    pages: Vec<Content>,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
        }
    }

    fn current(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, text: &str, bold: bool, size: f32) {
        let font = if bold { Name(b"F2") } else { Name(b"F1") };
        let bytes = encode(text);
        let c = self.current();
        c.begin_text();
        c.set_font(font, size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn right(&mut self, x_right: f32, y: f32, text: &str, bold: bool, size: f32) {
        let w = width(text, bold, size);
        self.text(x_right - w, y, text, bold, size);
    }

    fn gray(&mut self, shade: f32) {
        self.current().set_fill_rgb(shade, shade, shade);
    }

    fn rule(&mut self, y: f32, x1: f32, x2: f32) {
        let c = self.current();
        c.set_line_width(0.6);
        c.set_stroke_rgb(0.75, 0.75, 0.75);
        c.move_to(x1, y);
        c.line_to(x2, y);
        c.stroke();
    }

    fn band(&mut self, y: f32, height: f32) {
        let c = self.current();
        c.set_fill_rgb(0.94, 0.95, 0.97);
        c.rect(MARGIN, y, PAGE_W - 2.0 * MARGIN, height);
        c.fill_nonzero();
        c.set_fill_rgb(0.0, 0.0, 0.0);
    }

    /// Makes room for `needed` points, starting a new page when there is not enough.
    fn room(&mut self, needed: f32) -> bool {
        if self.y - needed < FOOTER_Y + 30.0 {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
            true
        } else {
            false
        }
    }
}

fn title(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Quote => "Quote",
        DocumentKind::Order => "Order confirmation",
        DocumentKind::Invoice => "Invoice",
        DocumentKind::CreditNote => "Credit note",
    }
}

struct Customer {
    name: Option<String>,
    address: Vec<String>,
}

fn customer(conn: &Connection, doc: &Document) -> Result<Customer> {
    type Address = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let address: Option<Address> = match &doc.account_id {
        Some(id) => conn
            .prepare_cached(
                "SELECT address_street, address_postal_code, address_city, address_region, address_country
                   FROM accounts WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get("address_street")?,
                    r.get("address_postal_code")?,
                    r.get("address_city")?,
                    r.get("address_region")?,
                    r.get("address_country")?,
                ))
            })
            .optional()?,
        None => None,
    };
    let mut lines = Vec::new();
    if let Some(contact) = &doc.contact_name
        && doc.account_name.is_some()
    {
        lines.push(format!("Attn. {contact}"));
    }
    if let Some((street, postal, city, region, country)) = address {
        lines.extend(
            street
                .into_iter()
                .flat_map(|s| s.lines().map(str::to_owned).collect::<Vec<_>>()),
        );
        let place = [postal, city]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !place.trim().is_empty() {
            lines.push(place);
        }
        lines.extend(region);
        lines.extend(country);
    }
    Ok(Customer {
        name: doc
            .account_name
            .clone()
            .or_else(|| doc.contact_name.clone()),
        address: lines,
    })
}

/// The document as PDF bytes, and its page count.
pub fn render(conn: &Connection, doc: &Document, locale: Locale) -> Result<(Vec<u8>, u32)> {
    if doc.kind == DocumentKind::Invoice && doc.status == DocumentStatus::Draft {
        // Still rendered (a preview), marked as a draft.
    }
    // An issued invoice or credit note never goes out with a placeholder for the seller; drafts
    // and quotes may (they say "(draft)" or "set it in Settings" where the name goes).
    if matches!(doc.kind, DocumentKind::Invoice | DocumentKind::CreditNote)
        && doc.status != DocumentStatus::Draft
    {
        documents::require_seller(conn, "printing an issued invoice or credit note")?;
    }
    let company: CompanyProfile = documents::company(conn)?;
    let cust = customer(conn, doc)?;
    let money = |m: i64| locale.money(m, &doc.currency);
    let mut p = Pages::new();
    let right_edge = PAGE_W - MARGIN;

    // The logo, top left, at most 48 points high and 160 wide.
    // A logo that went missing since it was chosen leaves the document without one rather
    // than without a PDF (the profile checks the file when it is saved).
    let logo = company
        .logo_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .and_then(|path| load_logo(Path::new(path)).ok());
    let top = p.y;
    if let Some(l) = &logo {
        let scale = (48.0 / l.height.max(1) as f32).min(160.0 / l.width.max(1) as f32);
        let (w, h) = (l.width as f32 * scale, l.height as f32 * scale);
        let c = p.current();
        c.save_state();
        c.transform([w, 0.0, 0.0, h, MARGIN, top - h]);
        c.x_object(Name(b"Im1"));
        c.restore_state();
        p.y = top - h - 10.0;
    }

    // The company, top left.
    let company_name = if company.name.trim().is_empty() {
        "Your company (set it in Settings)".to_owned()
    } else {
        company.name.clone()
    };
    p.text(MARGIN, p.y - 14.0, &company_name, true, 16.0);
    let mut y = p.y - 32.0;
    let contact_bits: Vec<String> = company
        .address
        .lines()
        .map(str::to_owned)
        .chain(company.phone.clone())
        .chain(company.email.clone())
        .chain(company.website.clone())
        .chain(company.tax_id.clone().map(|t| format!("Tax ID: {t}")))
        .filter(|l| !l.trim().is_empty())
        .collect();
    for line in &contact_bits {
        p.gray(0.35);
        p.text(MARGIN, y, line, false, 9.0);
        y -= 12.0;
    }
    p.gray(0.0);

    // The title, number and dates, top right.
    let heading = if doc.status == DocumentStatus::Draft && doc.kind == DocumentKind::Invoice {
        "Invoice (draft)".to_owned()
    } else {
        title(doc.kind).to_owned()
    };
    p.right(right_edge, top - 16.0, &heading, true, 20.0);
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(n) = &doc.number {
        facts.push(("Number".into(), n.clone()));
    }
    if doc.kind == DocumentKind::Quote && doc.version > 1 {
        facts.push(("Version".into(), doc.version.to_string()));
    }
    if let Some(d) = &doc.issued_on {
        facts.push(("Date".into(), locale.date(d)));
    }
    if let Some(d) = &doc.valid_until
        && doc.kind == DocumentKind::Quote
    {
        facts.push(("Valid until".into(), locale.date(d)));
    }
    if let Some(d) = &doc.due_on {
        facts.push(("Due date".into(), locale.date(d)));
    }
    if let Some(s) = &doc.source_number
        && doc.kind != DocumentKind::Quote
    {
        let label = match doc.kind {
            DocumentKind::CreditNote => "For invoice",
            DocumentKind::Invoice => "Order",
            _ => "Quote",
        };
        facts.push((label.into(), s.clone()));
    }
    let mut fy = top - 40.0;
    for (label, value) in &facts {
        p.gray(0.35);
        p.right(right_edge - 110.0, fy, label, false, 9.0);
        p.gray(0.0);
        p.right(right_edge, fy, value, true, 9.0);
        fy -= 13.0;
    }

    // The customer.
    let mut by = y.min(fy) - 24.0;
    p.gray(0.35);
    p.text(MARGIN, by, "Bill to", false, 8.0);
    p.gray(0.0);
    by -= 14.0;
    if let Some(name) = &cust.name {
        p.text(MARGIN, by, name, true, 11.0);
        by -= 14.0;
    }
    for line in &cust.address {
        p.text(MARGIN, by, line, false, 10.0);
        by -= 12.0;
    }
    p.y = by - 20.0;

    // The lines.
    let cols = LineColumns::new(right_edge);
    header_row(&mut p, &cols);
    let mut shown_discount = false;
    for (i, line) in doc.lines.iter().enumerate() {
        let mut desc = wrap(&line.description, false, 9.5, cols.desc_width);
        if let Some(sku) = &line.sku {
            desc.push(format!("SKU {sku}"));
        }
        let height = 12.0 * desc.len() as f32 + 8.0;
        if p.room(height) {
            header_row(&mut p, &cols);
        }
        let top = p.y - 11.0;
        p.text(MARGIN + 4.0, top, &(i + 1).to_string(), false, 9.5);
        for (k, d) in desc.iter().enumerate() {
            let sku_line = line.sku.is_some() && k == desc.len() - 1;
            if sku_line {
                p.gray(0.45);
            }
            p.text(
                cols.desc,
                top - 12.0 * k as f32,
                d,
                false,
                if sku_line { 8.0 } else { 9.5 },
            );
            p.gray(0.0);
        }
        let qty = match &line.unit {
            Some(u) => format!("{} {u}", locale.decimal(line.quantity_milli, 3)),
            None => locale.decimal(line.quantity_milli, 3),
        };
        p.right(cols.qty, top, &qty, false, 9.5);
        p.right(cols.price, top, &money(line.unit_price_minor), false, 9.5);
        if line.discount_bp > 0 {
            shown_discount = true;
            p.right(
                cols.discount,
                top,
                &format!("{}%", locale.decimal(line.discount_bp, 2)),
                false,
                9.5,
            );
        }
        p.right(
            cols.tax,
            top,
            &format!("{}%", locale.decimal(line.tax_rate_bp, 2)),
            false,
            9.5,
        );
        p.right(
            right_edge - 4.0,
            top,
            &money(line.amounts.net_minor),
            false,
            9.5,
        );
        p.y -= height;
        p.rule(p.y + 2.0, MARGIN, right_edge);
    }
    let _ = shown_discount;

    // The totals.
    let mut totals: Vec<(String, String, bool)> =
        vec![("Subtotal".into(), money(doc.subtotal_minor), false)];
    if doc.discount_minor != 0 {
        totals.push(("Discounts".into(), money(-doc.discount_minor), false));
        totals.push((
            "Net".into(),
            money(doc.subtotal_minor - doc.discount_minor),
            false,
        ));
    }
    for t in &doc.taxes {
        totals.push((
            format!(
                "Tax {}% on {}",
                locale.decimal(t.rate_bp, 2),
                money(t.net_minor)
            ),
            money(t.tax_minor),
            false,
        ));
    }
    totals.push(("Total".into(), money(doc.total_minor), true));
    if doc.kind == DocumentKind::Invoice && doc.status != DocumentStatus::Draft {
        if doc.credited_minor != 0 {
            totals.push(("Credited".into(), money(-doc.credited_minor), false));
        }
        if doc.paid_minor != 0 {
            totals.push(("Paid".into(), money(-doc.paid_minor), false));
        }
        totals.push(("Balance due".into(), money(doc.balance_minor), true));
    }
    p.room(16.0 * totals.len() as f32 + 20.0);
    p.y -= 8.0;
    for (label, value, bold) in &totals {
        p.y -= 15.0;
        if *bold {
            p.rule(p.y + 11.0, right_edge - 220.0, right_edge);
        }
        p.right(
            right_edge - 110.0,
            p.y,
            label,
            *bold,
            if *bold { 10.5 } else { 9.5 },
        );
        p.right(
            right_edge - 4.0,
            p.y,
            value,
            *bold,
            if *bold { 10.5 } else { 9.5 },
        );
    }

    // Notes, terms and bank details.
    let mut tail: Vec<(String, bool)> = Vec::new();
    if let Some(notes) = &doc.notes {
        tail.push((notes.clone(), false));
    }
    if doc.kind == DocumentKind::Invoice && doc.balance_minor > 0 {
        let due = doc
            .due_on
            .as_deref()
            .map(|d| locale.date(d))
            .unwrap_or_default();
        tail.push((
            format!(
                "Please pay {} by {due}, quoting {}.",
                money(doc.balance_minor),
                doc.number.clone().unwrap_or_default()
            ),
            true,
        ));
        if let Some(bank) = &company.bank_details {
            tail.push((bank.clone(), false));
        }
    }
    if doc.kind == DocumentKind::Quote
        && let Some(d) = &doc.valid_until
    {
        tail.push((
            format!("This quote is valid until {}.", locale.date(d)),
            false,
        ));
    }
    p.y -= 24.0;
    for (text, bold) in &tail {
        for line in wrap(text, *bold, 9.5, PAGE_W - 2.0 * MARGIN) {
            p.room(14.0);
            p.text(MARGIN, p.y, &line, *bold, 9.5);
            p.y -= 13.0;
        }
        p.y -= 4.0;
    }

    // Footers, now that the page count is known.
    let count = p.pages.len();
    let footer = company.footer.unwrap_or_default();
    for i in 0..count {
        let last = p.pages.len() - 1;
        p.pages.swap(i, last);
        p.gray(0.45);
        if !footer.trim().is_empty() {
            for (k, line) in wrap(&footer, false, 8.0, PAGE_W - 2.0 * MARGIN - 80.0)
                .iter()
                .take(3)
                .enumerate()
            {
                p.text(MARGIN, FOOTER_Y - 10.0 * k as f32, line, false, 8.0);
            }
        }
        p.right(
            right_edge,
            FOOTER_Y,
            &format!("Page {} of {count}", i + 1),
            false,
            8.0,
        );
        p.gray(0.0);
        let last = p.pages.len() - 1;
        p.pages.swap(i, last);
    }

    // Assemble the file.
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let image = Ref::new(6);
    let mask = Ref::new(7);
    let mut next = 8;
    let mut page_ids = Vec::new();
    let mut content_ids = Vec::new();
    for _ in 0..count {
        page_ids.push(Ref::new(next));
        content_ids.push(Ref::new(next + 1));
        next += 2;
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(count as i32);
    for (n, ((page, content), stream)) in page_ids.iter().zip(&content_ids).zip(p.pages).enumerate()
    {
        let mut w = pdf.page(*page);
        w.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        w.parent(tree);
        w.contents(*content);
        {
            let mut resources = w.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
            drop(fonts);
            if n == 0 && logo.is_some() {
                resources.x_objects().pair(Name(b"Im1"), image);
            }
        }
        w.finish();
        pdf.stream(*content, &stream.finish());
    }
    if let Some(l) = &logo {
        let mut x = pdf.image_xobject(image, &l.data);
        x.filter(l.filter);
        x.width(l.width as i32);
        x.height(l.height as i32);
        match l.components {
            1 => {
                x.color_space().device_gray();
            }
            4 => {
                x.color_space().device_cmyk();
            }
            _ => {
                x.color_space().device_rgb();
            }
        }
        x.bits_per_component(8);
        if l.alpha.is_some() {
            x.s_mask(mask);
        }
        x.finish();
        if let Some(alpha) = &l.alpha {
            let mut s = pdf.image_xobject(mask, alpha);
            s.filter(Filter::FlateDecode);
            s.width(l.width as i32);
            s.height(l.height as i32);
            s.color_space().device_gray();
            s.bits_per_component(8);
        }
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let doc_title = format!(
        "{} {}",
        title(doc.kind),
        doc.number.clone().unwrap_or_default()
    );
    pdf.document_info(info)
        .title(TextStr(&doc_title))
        .producer(TextStr("Rapport"));
    Ok((pdf.finish(), count as u32))
}

struct LineColumns {
    desc: f32,
    desc_width: f32,
    qty: f32,
    price: f32,
    discount: f32,
    tax: f32,
}

impl LineColumns {
    fn new(right_edge: f32) -> LineColumns {
        let amount_w = 80.0;
        let tax = right_edge - amount_w - 8.0;
        let discount = tax - 40.0;
        let price = discount - 44.0;
        let qty = price - 78.0;
        let desc = MARGIN + 24.0;
        LineColumns {
            desc,
            desc_width: qty - 58.0 - desc,
            qty,
            price,
            discount,
            tax,
        }
    }
}

fn header_row(p: &mut Pages, cols: &LineColumns) {
    let right_edge = PAGE_W - MARGIN;
    p.band(p.y - 18.0, 18.0);
    let y = p.y - 12.5;
    p.gray(0.3);
    p.text(MARGIN + 4.0, y, "#", true, 8.5);
    p.text(cols.desc, y, "Description", true, 8.5);
    p.right(cols.qty, y, "Qty", true, 8.5);
    p.right(cols.price, y, "Unit price", true, 8.5);
    p.right(cols.discount, y, "Disc.", true, 8.5);
    p.right(cols.tax, y, "Tax", true, 8.5);
    p.right(right_edge - 4.0, y, "Amount", true, 8.5);
    p.gray(0.0);
    p.y -= 22.0;
}

/// Writes document `id` as a PDF at `path` (whole or not at all).
pub fn write(conn: &Connection, id: &str, path: &Path) -> Result<PdfReport> {
    let doc = documents::get(conn, id)?;
    if doc.lines.is_empty() {
        return Err(Error::invalid(
            "lines",
            "the document has no lines to print",
        ));
    }
    let (bytes, pages) = render(conn, &doc, Locale::current())?;
    crate::kernel::files::write_atomically(path, &bytes)?;
    Ok(PdfReport {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
        pages,
    })
}

#[cfg(test)]
mod tests;
