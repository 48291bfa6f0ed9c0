//! Benchmarks of sales documents on the 100k database: 1,000 issued invoices (each through a
//! quote and an order); the invoices list, an account's money with 100 invoices, issuing an
//! invoice (the numbering transaction), and printing a 40-line invoice as PDF.

use rapport_core::Db;
use rapport_core::sales::documents::{
    self, DocumentKind, DocumentQuery, DocumentStatus, LineInput, QuoteInput,
};
use rusqlite::Connection;

use crate::{Case, Stats, report, samples};

fn lines(n: usize) -> Vec<LineInput> {
    (0..n)
        .map(|i| LineInput {
            description: Some(format!(
                "Service item {i}: maintenance of the label printers"
            )),
            quantity: format!("{}.5", 1 + i % 4),
            unit_price: Some(format!("{}.{:02}", 20 + i * 7, i % 100)),
            discount: Some(if i % 3 == 0 { "10".into() } else { "0".into() }),
            tax_rate: Some(if i % 2 == 0 { "19".into() } else { "7".into() }),
            ..LineInput::default()
        })
        .collect()
}

/// A draft invoice for `account` with `n` lines, through a quote and an order.
fn draft(db: &mut Db, account: &str, n: usize) -> rapport_core::Result<String> {
    let q = documents::create_quote(
        db,
        &QuoteInput {
            account_id: Some(account.to_owned()),
            currency: Some("EUR".into()),
            lines: lines(n),
            ..QuoteInput::default()
        },
    )?;
    documents::set_quote_status(db, &q.id, DocumentStatus::Accepted)?;
    let order = documents::order_from_quote(db, &q.id)?;
    Ok(documents::invoice_from_order(db, &order.id, None)?.id)
}

pub fn cases(db: &mut Db) -> Result<Vec<Case>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    report("sales: 1000 invoices");
    let accounts: Vec<String> = db
        .conn()
        .prepare("SELECT id FROM accounts ORDER BY id LIMIT 10")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(big) = accounts.first().cloned() else {
        return Ok(cases);
    };
    // Invoices are issued only with the seller's name and address.
    if documents::company(db.conn())?.name.is_empty() {
        documents::set_company(
            db,
            &documents::CompanyProfile {
                name: "Bench Ltd".into(),
                address: "1 High Street\nLondon".into(),
                ..Default::default()
            },
        )?;
    }
    for i in 0..1000 {
        let account = &accounts[i % accounts.len()];
        let id = draft(db, account, 1 + i % 5)?;
        documents::issue_invoice(db, &id, None, None)?;
    }

    let runs: Vec<usize> = (0..50).collect();
    let query = DocumentQuery {
        kind: Some(DocumentKind::Invoice),
        limit: Some(500),
        ..DocumentQuery::default()
    };
    let ours = samples(&runs, |_| {
        std::hint::black_box(documents::list(db.conn(), &query).ok());
    });
    #[allow(clippy::disallowed_methods)] // the baseline is raw SQLite on purpose
    let base = Connection::open(db.path().unwrap_or(std::path::Path::new(":memory:")))?;
    let mut page = base.prepare(
        "SELECT id, number, total_minor FROM sales_documents WHERE kind = 'invoice'
          ORDER BY created_at DESC LIMIT 500",
    )?;
    let baseline = samples(&runs, |_| {
        let n = page
            .query_map([], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(page);
    cases.push(Case {
        name: "invoices list: the newest 500 of 1,000 issued invoices, with balances".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one indexed SELECT of 500 invoices (no balances, no account names)".into(),
        budget_ms: Some(50.0),
        note: "Each row's balance subtracts its payments and credit notes; overdue is worked out from the due date.".into(),
    });

    report("sales: account money");
    let ours = samples(&runs, |_| {
        std::hint::black_box(documents::account_money(db.conn(), &big).ok());
    });
    let mut sum = base.prepare(
        "SELECT currency, sum(total_minor) FROM sales_documents
          WHERE kind = 'invoice' AND account_id = ?1 GROUP BY currency",
    )?;
    let baseline = samples(&runs, |_| {
        let n = sum
            .query_map([&big], |r| r.get::<_, String>(0))
            .map(|r| r.count());
        std::hint::black_box(n.ok());
    });
    drop(sum);
    cases.push(Case {
        name: "an account's money (invoiced, paid, outstanding, overdue) over its 100 invoices"
            .into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "one GROUP BY of the account's invoice totals".into(),
        budget_ms: Some(30.0),
        note: "Shown on the account page.".into(),
    });

    report("sales: issue an invoice");
    let drafts: Vec<String> = (0..50)
        .map(|_| draft(db, &big, 3))
        .collect::<rapport_core::Result<_>>()?;
    let ours = samples(&drafts, |id| {
        std::hint::black_box(documents::issue_invoice(db, id, None, None).ok());
    });
    let mut raw = base;
    let baseline = samples(&drafts, |id| {
        let done = raw.transaction().and_then(|tx| {
            tx.execute(
                "UPDATE number_sequences SET next = next + 1 WHERE id = 'order'",
                [],
            )?;
            tx.execute("UPDATE sales_documents SET notes = 'x' WHERE id = ?1", [id])?;
            tx.commit()
        });
        std::hint::black_box(done.ok());
    });
    cases.push(Case {
        name: "issue a draft invoice: take the next number and date it (50 times)".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "two raw UPDATEs (a sequence, a document) in one transaction".into(),
        budget_ms: Some(50.0),
        note: "One write transaction: the sequence row and the invoice, both logged for history."
            .into(),
    });

    report("sales: a 40-line invoice as PDF");
    let long = draft(db, &big, 40)?;
    let long = documents::issue_invoice(db, &long, None, None)?;
    let locale = rapport_core::sales::pdf::Locale::from_name("en_GB");
    let ours = samples(&runs, |_| {
        std::hint::black_box(rapport_core::sales::pdf::render(db.conn(), &long, locale).ok());
    });
    let baseline = samples(&runs, |_| {
        std::hint::black_box(documents::get(db.conn(), &long.id).ok());
    });
    cases.push(Case {
        name: "print a 40-line invoice as PDF (2 pages, in memory)".into(),
        ours: Stats::of(ours),
        baseline: Stats::of(baseline),
        baseline_does: "reading the invoice with its lines and payments (no layout)".into(),
        budget_ms: Some(200.0),
        note: "Lays out the company, customer, lines (wrapped), totals and footers with the Helvetica metrics; the file is written whole afterwards.".into(),
    });
    Ok(cases)
}
