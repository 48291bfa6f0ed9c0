//! Reading documents: one in full, a filtered list, and an account's money per currency.

use super::*;

const SELECT: &str = "SELECT d.id, d.kind, d.number, d.version, d.status, d.account_id,
        a.name AS account_name,
        d.contact_id, trim(c.first_name || ' ' || c.last_name) AS contact_name, d.opportunity_id,
        o.name AS opportunity_name,
        d.source_id, s.number AS source_number, d.currency, d.issued_on, d.valid_until, d.due_on,
        d.notes,
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

fn kind_of(r: &Row<'_>, column: &str) -> rusqlite::Result<DocumentKind> {
    Ok(DocumentKind::parse(&r.get::<_, String>(column)?).unwrap_or(DocumentKind::Quote))
}

fn status_of(r: &Row<'_>, column: &str) -> rusqlite::Result<DocumentStatus> {
    Ok(DocumentStatus::parse(&r.get::<_, String>(column)?).unwrap_or(DocumentStatus::Draft))
}

pub fn get(conn: &Connection, id: &str) -> Result<Document> {
    let today = today();
    let mut doc = conn
        .prepare_cached(&format!("{SELECT} WHERE d.id = ?1"))?
        .query_row([id], |r| {
            let kind = kind_of(r, "kind")?;
            let valid_until: Option<String> = r.get("valid_until")?;
            let due_on: Option<String> = r.get("due_on")?;
            Ok(Document {
                id: r.get("id")?,
                kind,
                number: r.get("number")?,
                version: r.get("version")?,
                status: shown_status(
                    kind,
                    status_of(r, "status")?,
                    valid_until.as_deref(),
                    due_on.as_deref(),
                    today,
                ),
                account_id: r.get("account_id")?,
                account_name: r.get("account_name")?,
                contact_id: r.get("contact_id")?,
                contact_name: r.get("contact_name")?,
                opportunity_id: r.get("opportunity_id")?,
                opportunity_name: r.get("opportunity_name")?,
                source_id: r.get("source_id")?,
                source_number: r.get("source_number")?,
                currency: r.get("currency")?,
                issued_on: r.get("issued_on")?,
                valid_until,
                due_on,
                notes: r.get("notes")?,
                subtotal_minor: r.get("subtotal_minor")?,
                discount_minor: r.get("discount_minor")?,
                tax_minor: r.get("tax_minor")?,
                total_minor: r.get("total_minor")?,
                created_at: r.get("created_at")?,
                updated_at: r.get("updated_at")?,
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
                id: r.get("id")?,
                position: r.get("position")?,
                product_id: r.get("product_id")?,
                sku: r.get("sku")?,
                description: r.get("description")?,
                unit: r.get("unit")?,
                quantity_milli: r.get("quantity_milli")?,
                unit_price_minor: r.get("unit_price_minor")?,
                discount_bp: r.get("discount_bp")?,
                tax_rate_bp: r.get("tax_rate_bp")?,
                amounts: LineAmounts {
                    gross_minor: r.get("gross_minor")?,
                    discount_minor: r.get("discount_minor")?,
                    net_minor: r.get("net_minor")?,
                    tax_minor: r.get("tax_minor")?,
                    total_minor: r.get("total_minor")?,
                },
                source_line_id: r.get("source_line_id")?,
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
                id: r.get("id")?,
                paid_on: r.get("paid_on")?,
                amount_minor: r.get("amount_minor")?,
                method: r.get("method")?,
                reference: r.get("reference")?,
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
        "SELECT d.id, d.kind, d.number, d.version, d.status, d.account_id, a.name AS account_name,
                d.opportunity_id,
                d.currency, d.issued_on, d.due_on, d.total_minor, d.valid_until,
                CASE WHEN d.kind = 'invoice' AND d.status NOT IN ('draft', 'void') THEN
                     d.total_minor
                     - (SELECT ifnull(money_sum(amount_minor), 0) FROM payments WHERE invoice_id = d.id)
                     - (SELECT ifnull(money_sum(c.total_minor), 0) FROM sales_documents c
                         WHERE c.source_id = d.id AND c.kind = 'credit_note' AND c.status <> 'void')
                ELSE 0 END AS balance_minor,
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
            let kind = kind_of(r, "kind")?;
            let valid_until: Option<String> = r.get("valid_until")?;
            let due_on: Option<String> = r.get("due_on")?;
            Ok(DocumentSummary {
                id: r.get("id")?,
                kind,
                number: r.get("number")?,
                version: r.get("version")?,
                status: shown_status(
                    kind,
                    status_of(r, "status")?,
                    valid_until.as_deref(),
                    due_on.as_deref(),
                    today,
                ),
                account_id: r.get("account_id")?,
                account_name: r.get("account_name")?,
                opportunity_id: r.get("opportunity_id")?,
                currency: r.get("currency")?,
                issued_on: r.get("issued_on")?,
                due_on,
                total_minor: r.get("total_minor")?,
                balance_minor: r.get("balance_minor")?,
                created_at: r.get("created_at")?,
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
