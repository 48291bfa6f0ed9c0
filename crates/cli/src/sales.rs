//! `rapport products|quotes|orders|invoices|company|numbering ...`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use rapport_core::kernel::money::Money;
use rapport_core::sales::documents::{
    self, CompanyProfile, Document, DocumentKind, DocumentQuery, DocumentStatus, DocumentSummary,
    LineInput, PartInput, PaymentInput, QuoteInput,
};
use rapport_core::sales::products::{self, ProductInput};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

#[derive(Debug, Subcommand)]
pub enum ProductsCmd {
    /// Add a product to the catalogue; prints its id.
    Add(Box<ProductFields>),
    /// Change a product (by SKU or id; only the fields given).
    Update {
        product: String,
        #[command(flatten)]
        fields: Box<ProductFields>,
    },
    /// The catalogue, by name.
    List {
        #[arg(long)]
        search: Option<String>,
        /// Also products no longer sold.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct ProductFields {
    #[arg(long)]
    sku: Option<String>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// piece, hour, month, ...
    #[arg(long)]
    unit: Option<String>,
    /// The unit price, e.g. 120.00 (with --currency).
    #[arg(long)]
    price: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    /// The tax rate in percent, e.g. 19 or 7.5.
    #[arg(long)]
    tax: Option<String>,
    /// true or false: still sold.
    #[arg(long)]
    active: Option<bool>,
}

impl ProductFields {
    fn apply(&self, input: &mut ProductInput) {
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                target.clone_from(v);
            }
        };
        set(&mut input.sku, &self.sku);
        set(&mut input.name, &self.name);
        set(&mut input.unit_price, &self.price);
        set(&mut input.currency, &self.currency);
        set(&mut input.tax_rate, &self.tax);
        crate::set(&mut input.description, &self.description);
        crate::set(&mut input.unit, &self.unit);
        if let Some(a) = self.active {
            input.active = Some(a);
        }
    }
}

fn amount(minor: i64, currency: &str) -> String {
    output::money(&Money {
        amount_minor: minor,
        currency: currency.to_owned(),
    })
}

pub fn run_products(db: &mut Db, cmd: ProductsCmd) -> rapport_core::Result<()> {
    match cmd {
        ProductsCmd::Add(fields) => {
            let mut input = ProductInput::default();
            fields.apply(&mut input);
            let p = products::create(db, &input)?;
            output::line(&p.id)
        }
        ProductsCmd::Update { product, fields } => {
            let p = products::find(db.conn(), &product)?
                .ok_or_else(|| Error::not_found("product", product.clone()))?;
            let mut input = ProductInput {
                sku: p.sku.clone(),
                name: p.name.clone(),
                description: p.description.clone(),
                unit: p.unit.clone(),
                unit_price: rapport_core::kernel::money::format_plain(&p.unit_price),
                currency: p.unit_price.currency.clone(),
                tax_rate: format!("{}.{:02}", p.tax_rate_bp / 100, p.tax_rate_bp % 100),
                active: Some(p.active),
            };
            fields.apply(&mut input);
            products::update(db, &p.id, &input)?;
            Ok(())
        }
        ProductsCmd::List {
            search,
            all,
            format,
        } => {
            let list = products::list(db.conn(), search.as_deref(), all)?;
            emit(format, &list, || {
                output::table(
                    &["SKU", "NAME", "UNIT", "PRICE", "TAX %", "ACTIVE"],
                    list.iter().map(|p| {
                        vec![
                            p.sku.clone(),
                            p.name.clone(),
                            p.unit.clone().unwrap_or_default(),
                            amount(p.unit_price.amount_minor, &p.unit_price.currency),
                            format!("{}.{:02}", p.tax_rate_bp / 100, p.tax_rate_bp % 100),
                            if p.active { "yes" } else { "no" }.into(),
                        ]
                    }),
                )
            })
        }
    }
}

/// A `--line` value: `SKU:QTY`, `TEXT:QTY@PRICE`, with optional `,discount=10`, `,tax=19`.
fn parse_line(db: &Db, spec: &str) -> rapport_core::Result<LineInput> {
    let bad = || {
        Error::invalid(
            "--line",
            format!(
                "\"{spec}\" should look like SKU:2 or \"Consulting:1.5@120.00\" (optionally ,discount=10 and ,tax=19)"
            ),
        )
    };
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or_default();
    let (item, rest) = head.rsplit_once(':').ok_or_else(bad)?;
    let (quantity, price) = match rest.split_once('@') {
        Some((q, p)) => (q.trim(), Some(p.trim().to_owned())),
        None => (rest.trim(), None),
    };
    let item = item.trim();
    if item.is_empty() || quantity.is_empty() {
        return Err(bad());
    }
    let mut line = LineInput {
        quantity: quantity.to_owned(),
        unit_price: price,
        ..LineInput::default()
    };
    match products::find(db.conn(), item)? {
        Some(p) => line.product = Some(p.id),
        None => line.description = Some(item.to_owned()),
    }
    for extra in parts {
        match extra.split_once('=') {
            Some(("discount", v)) => line.discount = Some(v.trim().to_owned()),
            Some(("tax", v)) => line.tax_rate = Some(v.trim().to_owned()),
            Some(("unit", v)) => line.unit = Some(v.trim().to_owned()),
            _ => return Err(bad()),
        }
    }
    Ok(line)
}

fn parse_part(spec: &str) -> rapport_core::Result<PartInput> {
    match spec.split_once(':') {
        Some((line, qty)) => Ok(PartInput {
            line_id: line.trim().to_owned(),
            quantity: Some(qty.trim().to_owned()),
        }),
        None => Ok(PartInput {
            line_id: spec.trim().to_owned(),
            quantity: None,
        }),
    }
}

#[derive(Debug, Args)]
pub struct QuoteFields {
    /// The deal it is for (its account and currency are used).
    #[arg(long = "opportunity", value_name = "ID")]
    opportunity: Option<String>,
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long, value_name = "ID")]
    contact_id: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    valid_until: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// A line (repeat): SKU:QTY or "TEXT:QTY@PRICE", optionally ",discount=10,tax=19".
    #[arg(long = "line", value_name = "LINE")]
    lines: Vec<String>,
}

impl QuoteFields {
    fn input(&self, db: &Db, base: QuoteInput) -> rapport_core::Result<QuoteInput> {
        let mut input = base;
        crate::set(&mut input.opportunity_id, &self.opportunity);
        crate::set(&mut input.account_id, &self.account_id);
        crate::set(&mut input.contact_id, &self.contact_id);
        crate::set(&mut input.currency, &self.currency);
        crate::set(&mut input.valid_until, &self.valid_until);
        crate::set(&mut input.notes, &self.notes);
        if !self.lines.is_empty() {
            input.lines = self
                .lines
                .iter()
                .map(|l| parse_line(db, l))
                .collect::<rapport_core::Result<_>>()?;
        }
        Ok(input)
    }
}

#[derive(Debug, Subcommand)]
pub enum QuotesCmd {
    /// Make a draft quote; prints its id.
    Create(Box<QuoteFields>),
    /// Change a draft quote (lines given replace all lines).
    Update {
        id: String,
        #[command(flatten)]
        fields: Box<QuoteFields>,
    },
    /// A new version of a sent quote (same number); the old one is kept.
    Revise {
        id: String,
        #[command(flatten)]
        fields: Box<QuoteFields>,
    },
    /// Mark a quote sent to the customer; with --email, e-mail it to the quote's contact
    /// (the PDF attached, through the outbox: sent now when the SMTP server answers, else
    /// later) and it is marked sent when the mail leaves.
    Send {
        id: String,
        #[arg(long)]
        email: bool,
        /// An e-mail template's name or id (with --email); none: a short letter.
        #[arg(long, requires = "email")]
        template: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The customer accepted it.
    Accept {
        id: String,
    },
    /// The customer declined it.
    Reject {
        id: String,
    },
    /// Turn an accepted quote into a sales order; prints the order's id.
    Order {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    List(ListArgs),
    Get(GetArgs),
}

#[derive(Debug, Subcommand)]
pub enum OrdersCmd {
    /// Invoice an order: everything not yet invoiced, or --part LINE_ID:QTY (repeat). The
    /// invoice is issued at once (numbered) unless --draft; prints its id. Given an accepted
    /// quote instead, its order is used (and made, if the quote has none yet).
    Invoice {
        id: String,
        #[arg(long = "part", value_name = "LINE_ID[:QTY]")]
        parts: Vec<String>,
        #[arg(long)]
        draft: bool,
        /// Days until it is due (default 30).
        #[arg(long)]
        terms: Option<i64>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    List(ListArgs),
    Get(GetArgs),
}

#[derive(Debug, Subcommand)]
pub enum InvoicesCmd {
    /// Issue a draft invoice: it takes the next number.
    Issue {
        id: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        terms: Option<i64>,
    },
    /// Record a payment.
    Pay {
        id: String,
        #[arg(long)]
        amount: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        method: Option<String>,
        #[arg(long)]
        reference: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Issue a credit note reversing the invoice, or --part LINE_ID[:QTY] of it; prints its id.
    Credit {
        id: String,
        #[arg(long = "part", value_name = "LINE_ID[:QTY]")]
        parts: Vec<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Void an issued invoice without payments (its number stays used), or delete a draft.
    Void {
        id: String,
    },
    /// E-mail the invoice (or a credit note, or a quote) to its contact with the PDF
    /// attached, through the outbox: sent now when the SMTP server answers, else later.
    Send {
        id: String,
        /// An e-mail template's name or id; none: a short letter naming the document.
        #[arg(long)]
        template: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write the invoice (or a quote or credit note) as a PDF.
    Pdf {
        id: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    List(ListArgs),
    Get(GetArgs),
    /// An account's lifetime invoiced, paid, outstanding and overdue amounts.
    Balance {
        #[arg(long, value_name = "ID")]
        account_id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long = "opportunity", value_name = "ID")]
    opportunity: Option<String>,
    /// As shown: draft, sent, accepted, ..., issued, partly_paid, paid, overdue, ...
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The number (INV-2026-0001) or id.
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn list(db: &Db, kind: DocumentKind, args: ListArgs) -> rapport_core::Result<()> {
    let status = match args.status.as_deref() {
        Some(s) => Some(DocumentStatus::parse(s).ok_or_else(|| {
            Error::invalid(
                "--status",
                format!("use one of: {}", DocumentStatus::names()),
            )
        })?),
        None => None,
    };
    let items = documents::list(
        db.conn(),
        &DocumentQuery {
            kind: Some(kind),
            account_id: args.account_id,
            opportunity_id: args.opportunity,
            status,
            limit: args.limit,
            ..DocumentQuery::default()
        },
    )?;
    emit(args.format, &items, || table(&items))
}

fn table(items: &[DocumentSummary]) -> rapport_core::Result<()> {
    output::table(
        &[
            "NUMBER", "ACCOUNT", "DATE", "DUE", "STATUS", "TOTAL", "BALANCE", "ID",
        ],
        items.iter().map(|d| {
            vec![
                d.number.clone().unwrap_or_else(|| "(draft)".into()),
                d.account_name.clone().unwrap_or_default(),
                d.issued_on.clone().unwrap_or_default(),
                d.due_on.clone().unwrap_or_default(),
                d.status.as_str().to_owned(),
                amount(d.total_minor, &d.currency),
                if d.kind == DocumentKind::Invoice {
                    amount(d.balance_minor, &d.currency)
                } else {
                    String::new()
                },
                d.id.clone(),
            ]
        }),
    )
}

fn show(db: &Db, args: GetArgs) -> rapport_core::Result<()> {
    let doc = documents::get(db.conn(), &documents::find(db.conn(), &args.id)?)?;
    emit(args.format, &doc, || print_document(&doc))
}

fn print_document(doc: &Document) -> rapport_core::Result<()> {
    output::line(&format!(
        "{} {} ({}), {}",
        doc.kind.as_str().replace('_', " "),
        doc.number.clone().unwrap_or_else(|| "(draft)".into()),
        doc.status.as_str().replace('_', " "),
        doc.account_name.clone().unwrap_or_default()
    ))?;
    output::table(
        &[
            "#",
            "DESCRIPTION",
            "QTY",
            "PRICE",
            "DISC %",
            "TAX %",
            "NET",
            "LINE ID",
        ],
        doc.lines.iter().map(|l| {
            vec![
                (l.position + 1).to_string(),
                l.description.clone(),
                documents::format_quantity(l.quantity_milli),
                amount(l.unit_price_minor, &doc.currency),
                format!("{}", l.discount_bp as f64 / 100.0),
                format!("{}", l.tax_rate_bp as f64 / 100.0),
                amount(l.amounts.net_minor, &doc.currency),
                l.id.clone(),
            ]
        }),
    )?;
    output::line(&format!(
        "Total {} (tax {}){}",
        amount(doc.total_minor, &doc.currency),
        amount(doc.tax_minor, &doc.currency),
        if doc.kind == DocumentKind::Invoice {
            format!(", balance {}", amount(doc.balance_minor, &doc.currency))
        } else {
            String::new()
        }
    ))
}

fn id_of(db: &Db, key: &str) -> rapport_core::Result<String> {
    documents::find(db.conn(), key)
}

pub fn run_quotes(db: &mut Db, cmd: QuotesCmd) -> rapport_core::Result<()> {
    match cmd {
        QuotesCmd::Create(fields) => {
            let input = fields.input(db, QuoteInput::default())?;
            let q = documents::create_quote(db, &input)?;
            output::line(&q.id)
        }
        QuotesCmd::Update { id, fields } => {
            let id = id_of(db, &id)?;
            let input = fields.input(db, current_quote(db, &id)?)?;
            documents::update_quote(db, &id, &input)?;
            Ok(())
        }
        QuotesCmd::Revise { id, fields } => {
            let id = id_of(db, &id)?;
            let input = fields.input(db, current_quote(db, &id)?)?;
            let q = documents::revise_quote(db, &id, &input)?;
            output::line(&q.id)
        }
        QuotesCmd::Send {
            id,
            email: true,
            template,
            format,
        } => email_document(db, &id, template, format),
        QuotesCmd::Send { id, .. } => status(db, &id, DocumentStatus::Sent),
        QuotesCmd::Accept { id } => status(db, &id, DocumentStatus::Accepted),
        QuotesCmd::Reject { id } => status(db, &id, DocumentStatus::Rejected),
        QuotesCmd::Order { id, format } => {
            let id = id_of(db, &id)?;
            let order = documents::order_from_quote(db, &id)?;
            emit(format, &order, || output::line(&order.id))
        }
        QuotesCmd::List(args) => list(db, DocumentKind::Quote, args),
        QuotesCmd::Get(args) => show(db, args),
    }
}

fn status(db: &mut Db, id: &str, status: DocumentStatus) -> rapport_core::Result<()> {
    let id = id_of(db, id)?;
    documents::set_quote_status(db, &id, status)?;
    Ok(())
}

/// A quote's content as input, for an update or revision that changes only some fields.
fn current_quote(db: &Db, id: &str) -> rapport_core::Result<QuoteInput> {
    let q = documents::get(db.conn(), id)?;
    Ok(QuoteInput {
        opportunity_id: q.opportunity_id.clone(),
        account_id: q.account_id.clone(),
        contact_id: q.contact_id.clone(),
        currency: Some(q.currency.clone()),
        valid_until: q.valid_until.clone(),
        notes: q.notes.clone(),
        lines: q
            .lines
            .iter()
            .map(|l| LineInput {
                product: l.product_id.clone(),
                description: Some(l.description.clone()),
                quantity: documents::format_quantity(l.quantity_milli),
                unit_price: Some(rapport_core::kernel::money::format_plain(&Money {
                    amount_minor: l.unit_price_minor,
                    currency: q.currency.clone(),
                })),
                discount: Some(format!(
                    "{}.{:02}",
                    l.discount_bp / 100,
                    l.discount_bp % 100
                )),
                tax_rate: Some(format!(
                    "{}.{:02}",
                    l.tax_rate_bp / 100,
                    l.tax_rate_bp % 100
                )),
                unit: l.unit.clone(),
            })
            .collect(),
    })
}

/// The order a document id means: the order itself, or an accepted quote's order (made now
/// if it has none).
fn order_of(db: &mut Db, id: &str) -> rapport_core::Result<String> {
    let doc = documents::get(db.conn(), id)?;
    if doc.kind != DocumentKind::Quote {
        return Ok(doc.id);
    }
    match doc
        .derived
        .iter()
        .find(|d| d.kind == DocumentKind::Order && d.status != DocumentStatus::Cancelled)
    {
        Some(order) => Ok(order.id.clone()),
        None => Ok(documents::order_from_quote(db, id)?.id),
    }
}

pub fn run_orders(db: &mut Db, cmd: OrdersCmd) -> rapport_core::Result<()> {
    match cmd {
        OrdersCmd::Invoice {
            id,
            parts,
            draft,
            terms,
            format,
        } => {
            let id = order_of(db, &id_of(db, &id)?)?;
            if !draft {
                // Refused before the draft is made, so a refusal leaves nothing behind.
                documents::require_seller(db.conn(), "issuing an invoice")?;
            }
            let parts: Vec<PartInput> = parts
                .iter()
                .map(|p| parse_part(p))
                .collect::<rapport_core::Result<_>>()?;
            let mut invoice = documents::invoice_from_order(
                db,
                &id,
                if parts.is_empty() { None } else { Some(&parts) },
            )?;
            if !draft {
                invoice = documents::issue_invoice(db, &invoice.id, None, terms)?;
            }
            emit(format, &invoice, || output::line(&invoice.id))
        }
        OrdersCmd::List(args) => list(db, DocumentKind::Order, args),
        OrdersCmd::Get(args) => show(db, args),
    }
}

pub fn run_invoices(db: &mut Db, cmd: InvoicesCmd) -> rapport_core::Result<()> {
    match cmd {
        InvoicesCmd::Issue { id, date, terms } => {
            let id = id_of(db, &id)?;
            let doc = documents::issue_invoice(db, &id, date.as_deref(), terms)?;
            output::line(&doc.number.unwrap_or_default())
        }
        InvoicesCmd::Pay {
            id,
            amount: paid,
            date,
            method,
            reference,
            format,
        } => {
            let id = id_of(db, &id)?;
            let doc = documents::record_payment(
                db,
                &id,
                &PaymentInput {
                    amount: paid,
                    paid_on: date,
                    method,
                    reference,
                },
            )?;
            emit(format, &doc, || {
                output::line(&format!(
                    "{} is {}; balance {}",
                    doc.number.clone().unwrap_or_default(),
                    doc.status.as_str().replace('_', " "),
                    amount(doc.balance_minor, &doc.currency)
                ))
            })
        }
        InvoicesCmd::Credit { id, parts, notes } => {
            let id = id_of(db, &id)?;
            let parts: Vec<PartInput> = parts
                .iter()
                .map(|p| parse_part(p))
                .collect::<rapport_core::Result<_>>()?;
            let note = documents::credit_note(
                db,
                &id,
                if parts.is_empty() { None } else { Some(&parts) },
                notes.as_deref(),
            )?;
            output::line(&note.id)
        }
        InvoicesCmd::Void { id } => {
            let id = id_of(db, &id)?;
            documents::void_invoice(db, &id)
        }
        InvoicesCmd::Send {
            id,
            template,
            format,
        } => email_document(db, &id, template, format),
        InvoicesCmd::Pdf { id, out, format } => {
            let id = id_of(db, &id)?;
            let report = rapport_core::sales::pdf::write(db.conn(), &id, &out)?;
            emit(format, &report, || {
                output::line(&format!(
                    "Wrote {} ({} page(s), {} bytes)",
                    report.path, report.pages, report.bytes
                ))
            })
        }
        InvoicesCmd::List(args) => list(db, DocumentKind::Invoice, args),
        InvoicesCmd::Get(args) => show(db, args),
        InvoicesCmd::Balance { account_id, format } => {
            let money = documents::account_money(db.conn(), &account_id)?;
            emit(format, &money, || {
                output::table(
                    &["CURRENCY", "INVOICED", "PAID", "OUTSTANDING", "OVERDUE"],
                    money.iter().map(|m| {
                        vec![
                            m.currency.clone(),
                            amount(m.invoiced_minor, &m.currency),
                            amount(m.paid_minor, &m.currency),
                            amount(m.outstanding_minor, &m.currency),
                            amount(m.overdue_minor, &m.currency),
                        ]
                    }),
                )
            })
        }
    }
}

/// `rapport company`: the business printed on documents (name, address, tax id, bank details,
/// footer, logo).
#[derive(Debug, Args)]
pub struct CompanyArgs {
    #[arg(long)]
    name: Option<String>,
    /// The postal address; use \n between lines.
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    website: Option<String>,
    #[arg(long)]
    tax_id: Option<String>,
    /// Bank, IBAN, BIC; use \n between lines.
    #[arg(long)]
    bank: Option<String>,
    #[arg(long)]
    footer: Option<String>,
    /// A PNG or JPEG logo for the top of documents ("" removes it).
    #[arg(long, value_name = "FILE")]
    logo: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run_company(db: &mut Db, args: CompanyArgs) -> rapport_core::Result<()> {
    let mut profile: CompanyProfile = documents::company(db.conn())?;
    let unescape = |s: &String| s.replace("\\n", "\n");
    let changed = args.name.is_some()
        || args.address.is_some()
        || args.email.is_some()
        || args.phone.is_some()
        || args.website.is_some()
        || args.tax_id.is_some()
        || args.bank.is_some()
        || args.footer.is_some()
        || args.logo.is_some();
    if let Some(n) = &args.name {
        profile.name.clone_from(n);
    }
    if let Some(a) = &args.address {
        profile.address = unescape(a);
    }
    crate::set(&mut profile.email, &args.email);
    crate::set(&mut profile.phone, &args.phone);
    crate::set(&mut profile.website, &args.website);
    crate::set(&mut profile.tax_id, &args.tax_id);
    crate::set(&mut profile.bank_details, &args.bank.as_ref().map(unescape));
    crate::set(&mut profile.footer, &args.footer);
    crate::set(&mut profile.logo_path, &args.logo);
    if changed {
        profile = documents::set_company(db, &profile)?;
    }
    emit(args.format, &profile, || output::record(&profile))
}

/// `rapport numbering`: the document number sequences.
#[derive(Debug, Args)]
pub struct NumberingArgs {
    /// quote, order, invoice or credit_note: the sequence to change.
    #[arg(long)]
    kind: Option<String>,
    #[arg(long, requires = "kind")]
    prefix: Option<String>,
    /// true: the count restarts each year and the number carries the year.
    #[arg(long, requires = "kind")]
    yearly: Option<bool>,
    /// The next number to give (only forward past numbers already given).
    #[arg(long, requires = "kind")]
    next: Option<i64>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run_numbering(db: &mut Db, args: NumberingArgs) -> rapport_core::Result<()> {
    let list = match &args.kind {
        Some(k) => {
            let kind = DocumentKind::parse(k).ok_or_else(|| {
                Error::invalid("--kind", format!("use one of: {}", DocumentKind::names()))
            })?;
            documents::set_numbering(db, kind, args.prefix.as_deref(), args.yearly, args.next)?
        }
        None => documents::numberings(db.conn())?,
    };
    emit(args.format, &list, || {
        output::table(
            &["KIND", "PREFIX", "YEARLY", "NEXT", "NEXT NUMBER"],
            list.iter().map(|s| {
                vec![
                    s.kind.as_str().to_owned(),
                    s.prefix.clone(),
                    if s.yearly { "yes" } else { "no" }.into(),
                    s.next.to_string(),
                    s.preview.clone(),
                ]
            }),
        )
    })
}

/// Whether the command talks to the mail server: it then takes the file's turn only for its
/// database work, never while the server answers.
pub fn sends_mail(quote: Option<&QuotesCmd>, invoice: Option<&InvoicesCmd>) -> bool {
    matches!(quote, Some(QuotesCmd::Send { email: true, .. }))
        || matches!(invoice, Some(InvoicesCmd::Send { .. }))
}

/// Queues a document for its contact and sends what is due now; prints what became of it.
fn email_document(
    db: &mut Db,
    id: &str,
    template: Option<String>,
    format: Format,
) -> rapport_core::Result<()> {
    let id = id_of(db, id)?;
    let queued = documents::email(db, &id, &documents::DocumentMailInput { template })?;
    let today = rapport_core::kernel::time::today();
    let _ = rapport_core::marketing::outbox::work(
        db,
        chrono::Utc::now(),
        today,
        &rapport_mail::connect,
        &|| true,
    )?;
    let mail = documents::mails(db.conn(), &id)?
        .into_iter()
        .find(|m| m.id == queued.id)
        .unwrap_or(queued);
    use rapport_core::marketing::outbox::OutboxStatus as S;
    emit(format, &mail, || {
        output::line(&match mail.status {
            S::Sent => format!("Sent to {} <{}>", mail.to_name, mail.to_address),
            S::Queued => format!(
                "Queued for {}: {}",
                mail.to_address,
                mail.problem
                    .as_deref()
                    .unwrap_or("it goes with the next send")
            ),
            other => format!(
                "{}: {}",
                other.as_str(),
                mail.problem.as_deref().unwrap_or_default()
            ),
        })
    })?;
    match mail.status {
        S::Failed | S::Skipped => Err(Error::Delivery(format!(
            "the mail to {} did not go: {}",
            mail.to_address,
            mail.problem.unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}
