//! Orders and invoices: an accepted quote becomes an order, an order is invoiced in full or in
//! part; issuing, payments, credit notes and voiding.

use super::*;

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
            "SELECT ifnull(money_sum(l.gross_minor), 0) AS gross_minor,
                    ifnull(money_sum(l.discount_minor), 0) AS discount_minor,
                    ifnull(money_sum(l.net_minor), 0) AS net_minor,
                    ifnull(money_sum(l.tax_minor), 0) AS tax_minor,
                    ifnull(money_sum(l.total_minor), 0) AS total_minor
               FROM document_lines l JOIN sales_documents d ON d.id = l.document_id
              WHERE l.source_line_id = ?1 AND d.kind = ?2 AND d.status <> 'void'",
        )?
        .query_row((&line.id, kind.as_str()), |r| {
            Ok((
                r.get("gross_minor")?,
                r.get("discount_minor")?,
                r.get("net_minor")?,
                r.get("tax_minor")?,
                r.get("total_minor")?,
            ))
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
    // A yearly numbering numbers this year's invoices; an invoice dated in another year would
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
pub(super) fn balance(total: i64, paid: i64, credited: i64) -> Result<i64> {
    money::narrow(
        "invoice's balance",
        i128::from(total) - i128::from(paid) - i128::from(credited),
    )
}

pub(super) fn money_of(conn: &Connection, id: &str) -> Result<(i64, i64, i64)> {
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
