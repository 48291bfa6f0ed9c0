//! Products, quotes, orders, invoices, payments and credit notes as a business uses them:
//! exact totals, versions of a quote, partial invoicing, gapless invoice numbers also with
//! several writers, balances that add up, PDFs whose text says the right thing.

// Amounts are written as euros_cents (998_00 is EUR 998.00).
#![allow(clippy::unwrap_used, clippy::inconsistent_digit_grouping)]

use std::process::Command;

use chrono::{Datelike, Duration, Utc};
use proptest::prelude::*;
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::sales::documents::{
    self, CompanyProfile, DocumentKind, DocumentStatus, LineInput, PartInput, PaymentInput,
    QuoteInput,
};
use rapport_core::sales::opportunities::{self, OpportunityInput};
use rapport_core::sales::products::{self, ProductInput};
use rapport_core::{Db, Error};

/// An account to sell to. The file gets a seller too (as Settings, Company would give it),
/// unless one is set: invoices are issued only with the company's name and address.
fn account(db: &mut Db, name: &str) -> String {
    if documents::company(db.conn()).unwrap().name.is_empty() {
        documents::set_company(
            db,
            &CompanyProfile {
                name: "Seller Ltd".into(),
                address: "1 High Street\nLondon".into(),
                ..CompanyProfile::default()
            },
        )
        .unwrap();
    }
    buyer(db, name)
}

/// An account, and nothing else.
fn buyer(db: &mut Db, name: &str) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            ..AccountInput::default()
        },
    )
    .unwrap()
    .id
}

fn product(db: &mut Db, sku: &str, name: &str, price: &str, tax: &str) -> products::Product {
    products::create(
        db,
        &ProductInput {
            sku: sku.into(),
            name: name.into(),
            unit: Some("piece".into()),
            unit_price: price.into(),
            currency: "EUR".into(),
            tax_rate: tax.into(),
            ..ProductInput::default()
        },
    )
    .unwrap()
}

fn line(
    product: Option<&str>,
    description: Option<&str>,
    quantity: &str,
    price: Option<&str>,
) -> LineInput {
    LineInput {
        product: product.map(Into::into),
        description: description.map(Into::into),
        quantity: quantity.into(),
        unit_price: price.map(Into::into),
        ..LineInput::default()
    }
}

fn year() -> i32 {
    rapport_core::kernel::time::local_date(rapport_core::kernel::time::local_zone(), Utc::now())
        .year()
}

fn quote_for(db: &mut Db, account: &str, lines: Vec<LineInput>) -> documents::Document {
    documents::create_quote(
        db,
        &QuoteInput {
            account_id: Some(account.into()),
            currency: Some("EUR".into()),
            lines,
            ..QuoteInput::default()
        },
    )
    .unwrap()
}

/// An issued invoice for `lines`, through quote, order and invoice.
fn issued_invoice(db: &mut Db, account: &str, lines: Vec<LineInput>) -> documents::Document {
    let q = quote_for(db, account, lines);
    documents::set_quote_status(db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(db, &q.id).unwrap();
    let draft = documents::invoice_from_order(db, &order.id, None).unwrap();
    documents::issue_invoice(db, &draft.id, None, None).unwrap()
}

#[test]
fn a_deal_becomes_a_quote_an_order_and_invoices_that_are_paid_and_credited() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme GmbH");
    let deal = opportunities::create(
        &mut db,
        &OpportunityInput {
            name: "Acme: printers".into(),
            account_id: Some(acme.clone()),
            amount: Some(rapport_core::kernel::money::MoneyInput {
                amount: "5000".into(),
                currency: "EUR".into(),
            }),
            ..OpportunityInput::default()
        },
    )
    .unwrap();
    product(&mut db, "PRN-1", "Label printer", "499.00", "19");

    // "PRN-1" x 2 at the catalogue price and 1.5 hours of consulting at 120.00, 7% tax.
    let quote = documents::create_quote(
        &mut db,
        &QuoteInput {
            opportunity_id: Some(deal.id.clone()),
            lines: vec![
                line(Some("prn-1"), None, "2", None),
                LineInput {
                    tax_rate: Some("7".into()),
                    discount: Some("10".into()),
                    ..line(None, Some("Consulting"), "1.5", Some("120.00"))
                },
            ],
            ..QuoteInput::default()
        },
    )
    .unwrap();
    assert_eq!(
        quote.account_id.as_deref(),
        Some(acme.as_str()),
        "the deal's account"
    );
    assert_eq!(quote.currency, "EUR", "the deal's currency");
    assert_eq!(
        quote.number.as_deref(),
        Some(format!("Q-{}-0001", year()).as_str())
    );
    assert_eq!(quote.status, DocumentStatus::Draft);
    // 2 x 499.00 = 998.00, tax 189.62; 1.5 x 120.00 = 180.00 less 18.00 = 162.00, tax 11.34.
    assert_eq!(quote.lines[0].description, "Label printer");
    assert_eq!(quote.lines[0].amounts.total_minor, 998_00 + 189_62);
    assert_eq!(quote.lines[1].amounts.discount_minor, 18_00);
    assert_eq!(quote.lines[1].amounts.tax_minor, 11_34);
    assert_eq!(quote.subtotal_minor, 1178_00);
    assert_eq!(quote.discount_minor, 18_00);
    assert_eq!(quote.tax_minor, 189_62 + 11_34);
    assert_eq!(quote.total_minor, 1160_00 + 200_96);
    assert_eq!(quote.taxes.len(), 2);

    // Sent, then revised: a second version with the same number; the first is kept.
    documents::set_quote_status(&mut db, &quote.id, DocumentStatus::Sent).unwrap();
    let err = documents::update_quote(&mut db, &quote.id, &QuoteInput::default()).unwrap_err();
    assert!(err.to_string().contains("revise"), "{err}");
    let v2 = documents::revise_quote(
        &mut db,
        &quote.id,
        &QuoteInput {
            opportunity_id: Some(deal.id),
            lines: vec![line(Some("PRN-1"), None, "3", None)],
            ..QuoteInput::default()
        },
    )
    .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.number, quote.number);
    let v1 = documents::get(db.conn(), &quote.id).unwrap();
    assert_eq!(v1.status, DocumentStatus::Superseded);
    assert_eq!(v1.lines.len(), 2, "the old version keeps its lines");
    assert_eq!(v1.derived[0].id, v2.id);

    // Accepted, it becomes an order in one step; an order is made once.
    documents::set_quote_status(&mut db, &v2.id, DocumentStatus::Sent).unwrap();
    let order = documents::order_from_quote(&mut db, &v2.id).unwrap();
    assert_eq!(order.kind, DocumentKind::Order);
    assert_eq!(order.total_minor, v2.total_minor);
    assert_eq!(
        documents::get(db.conn(), &v2.id).unwrap().status,
        DocumentStatus::Accepted
    );
    assert!(matches!(
        documents::order_from_quote(&mut db, &v2.id),
        Err(Error::Conflict(_))
    ));

    // Invoiced in two parts: one printer now, the rest later.
    let part = documents::invoice_from_order(
        &mut db,
        &order.id,
        Some(&[PartInput {
            line_id: order.lines[0].id.clone(),
            quantity: Some("1".into()),
        }]),
    )
    .unwrap();
    assert_eq!(part.status, DocumentStatus::Draft);
    assert_eq!(part.number, None, "a draft has no number yet");
    assert_eq!(
        documents::get(db.conn(), &order.id).unwrap().status,
        DocumentStatus::PartlyInvoiced
    );
    let too_much = documents::invoice_from_order(
        &mut db,
        &order.id,
        Some(&[PartInput {
            line_id: order.lines[0].id.clone(),
            quantity: Some("5".into()),
        }]),
    )
    .unwrap_err();
    assert!(
        too_much.to_string().contains("more than the 2 left"),
        "{too_much}"
    );
    let first = documents::issue_invoice(&mut db, &part.id, None, Some(14)).unwrap();
    assert_eq!(
        first.number.as_deref(),
        Some(format!("INV-{}-0001", year()).as_str())
    );
    assert_eq!(first.total_minor, 499_00 + 94_81);
    let rest = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    assert_eq!(rest.lines[0].quantity_milli, 2000);
    assert_eq!(
        documents::get(db.conn(), &order.id).unwrap().status,
        DocumentStatus::Invoiced
    );
    let second = documents::issue_invoice(&mut db, &rest.id, None, None).unwrap();
    assert_eq!(
        second.number.as_deref(),
        Some(format!("INV-{}-0002", year()).as_str())
    );

    // Paid in part, then credited in part, then paid off; overpaying is refused.
    let paid = documents::record_payment(
        &mut db,
        &second.id,
        &PaymentInput {
            amount: "100.00".into(),
            method: Some("bank transfer".into()),
            ..PaymentInput::default()
        },
    )
    .unwrap();
    assert_eq!(paid.status, DocumentStatus::PartlyPaid);
    assert_eq!(paid.balance_minor, second.total_minor - 100_00);
    let credit = documents::credit_note(
        &mut db,
        &second.id,
        Some(&[PartInput {
            line_id: second.lines[0].id.clone(),
            quantity: Some("1".into()),
        }]),
        None,
    )
    .unwrap();
    assert_eq!(credit.kind, DocumentKind::CreditNote);
    assert_eq!(
        credit.number.as_deref(),
        Some(format!("CN-{}-0001", year()).as_str())
    );
    assert_eq!(credit.total_minor, 593_81);
    let after = documents::get(db.conn(), &second.id).unwrap();
    assert_eq!(after.balance_minor, second.total_minor - 100_00 - 593_81);
    let over = documents::record_payment(
        &mut db,
        &second.id,
        &PaymentInput {
            amount: "10000.00".into(),
            ..PaymentInput::default()
        },
    )
    .unwrap_err();
    assert!(over.to_string().contains("left to pay"), "{over}");
    let balance = rapport_core::kernel::money::format_plain(&rapport_core::kernel::money::Money {
        amount_minor: after.balance_minor,
        currency: "EUR".into(),
    });
    let done = documents::record_payment(
        &mut db,
        &second.id,
        &PaymentInput {
            amount: balance,
            ..PaymentInput::default()
        },
    )
    .unwrap();
    assert_eq!(done.status, DocumentStatus::Paid);
    assert_eq!(done.balance_minor, 0);

    // The account's money: two invoices less the credit note, what was paid, what is left.
    let money = documents::account_money(db.conn(), &acme).unwrap();
    assert_eq!(money.len(), 1);
    assert_eq!(
        money[0].invoiced_minor,
        first.total_minor + second.total_minor - 593_81
    );
    assert_eq!(money[0].outstanding_minor, first.total_minor);
    assert_eq!(money[0].paid_minor, second.total_minor - 593_81);
    assert_eq!(money[0].overdue_minor, 0);
}

#[test]
fn issued_invoices_are_voided_never_deleted_and_their_numbers_never_come_back() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let a = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Setup"), "1", Some("50.00"))],
    );
    documents::void_invoice(&mut db, &a.id).unwrap();
    let voided = documents::get(db.conn(), &a.id).unwrap();
    assert_eq!(voided.status, DocumentStatus::Void);
    assert_eq!(voided.number, a.number);
    let b = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Setup"), "1", Some("50.00"))],
    );
    assert_eq!(
        b.number.as_deref(),
        Some(format!("INV-{}-0002", year()).as_str())
    );
    documents::record_payment(
        &mut db,
        &b.id,
        &PaymentInput {
            amount: "10".into(),
            ..PaymentInput::default()
        },
    )
    .unwrap();
    let err = documents::void_invoice(&mut db, &b.id).unwrap_err();
    assert!(err.to_string().contains("credit note"), "{err}");
    // A draft is simply deleted, and took no number.
    let q = quote_for(
        &mut db,
        &acme,
        vec![line(None, Some("Extra"), "1", Some("5.00"))],
    );
    documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(&mut db, &q.id).unwrap();
    let draft = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    documents::void_invoice(&mut db, &draft.id).unwrap();
    assert!(documents::get(db.conn(), &draft.id).is_err());
    assert_eq!(
        documents::get(db.conn(), &order.id).unwrap().status,
        DocumentStatus::Open
    );
    let c = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Setup"), "1", Some("50.00"))],
    );
    assert_eq!(
        c.number.as_deref(),
        Some(format!("INV-{}-0003", year()).as_str())
    );
}

#[test]
fn overdue_invoices_count_on_the_account() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let q = quote_for(
        &mut db,
        &acme,
        vec![line(None, Some("Audit"), "1", Some("300.00"))],
    );
    documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(&mut db, &q.id).unwrap();
    let draft = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    // Dated back across a year's end in January too: the yearly restart is turned off here.
    documents::set_numbering(&mut db, DocumentKind::Invoice, None, Some(false), None).unwrap();
    let long_ago = (Utc::now() - Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    let inv = documents::issue_invoice(&mut db, &draft.id, Some(&long_ago), Some(14)).unwrap();
    assert_eq!(inv.status, DocumentStatus::Overdue);
    let money = documents::account_money(db.conn(), &acme).unwrap();
    assert_eq!(money[0].overdue_minor, 300_00);
    let listed = documents::list(
        db.conn(),
        &documents::DocumentQuery {
            status: Some(DocumentStatus::Overdue),
            ..documents::DocumentQuery::default()
        },
    )
    .unwrap();
    assert_eq!(listed.len(), 1);
}

#[test]
fn invoice_numbers_have_no_gap_and_no_repeat_with_several_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut db = Db::open(&path).unwrap();
    let acme = account(&mut db, "Acme");
    // 60 drafts, issued by four writers at once, each with its own connection.
    let mut drafts = Vec::new();
    for i in 0..60 {
        let q = quote_for(
            &mut db,
            &acme,
            vec![line(
                None,
                Some("Work"),
                "1",
                Some(&format!("{}.00", i + 1)),
            )],
        );
        documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
        let order = documents::order_from_quote(&mut db, &q.id).unwrap();
        drafts.push(
            documents::invoice_from_order(&mut db, &order.id, None)
                .unwrap()
                .id,
        );
    }
    drop(db);
    let chunks: Vec<Vec<String>> = drafts.chunks(15).map(<[String]>::to_vec).collect();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|ids| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut db = Db::open(&path).unwrap();
                for id in ids {
                    loop {
                        match documents::issue_invoice(&mut db, &id, None, None) {
                            Ok(_) => break,
                            Err(Error::Busy) => {
                                std::thread::sleep(std::time::Duration::from_millis(5));
                            }
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let db = Db::open(&path).unwrap();
    let mut numbers: Vec<String> = documents::list(
        db.conn(),
        &documents::DocumentQuery {
            kind: Some(DocumentKind::Invoice),
            ..documents::DocumentQuery::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|d| d.number.unwrap())
    .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=60).map(|n| format!("INV-{}-{n:04}", year())).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn numbering_is_configurable_and_cannot_go_back_over_given_numbers() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let seqs = documents::set_numbering(
        &mut db,
        DocumentKind::Invoice,
        Some("RE-"),
        Some(false),
        Some(1000),
    )
    .unwrap();
    let inv = seqs
        .iter()
        .find(|s| s.kind == DocumentKind::Invoice)
        .unwrap();
    assert_eq!(inv.preview, "RE-1000");
    let a = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Work"), "1", Some("1.00"))],
    );
    assert_eq!(a.number.as_deref(), Some("RE-1000"));
    let err = documents::set_numbering(&mut db, DocumentKind::Invoice, None, None, Some(999))
        .unwrap_err();
    assert!(err.to_string().contains("already given"), "{err}");
}

#[test]
fn lines_are_checked_and_errors_name_the_line() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let err = documents::create_quote(
        &mut db,
        &QuoteInput {
            account_id: Some(acme),
            currency: Some("EUR".into()),
            lines: vec![
                line(Some("NOPE"), None, "1", None),
                line(None, Some("Work"), "-2", Some("10")),
                line(None, Some("Work"), "1", None),
            ],
            ..QuoteInput::default()
        },
    )
    .unwrap_err();
    let fields: Vec<String> = err.field_errors().iter().map(|f| f.field.clone()).collect();
    assert!(fields.contains(&"lines.0.product".to_owned()), "{fields:?}");
    assert!(
        fields.contains(&"lines.1.quantity".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"lines.2.unit_price".to_owned()),
        "{fields:?}"
    );
}

#[test]
fn an_invoice_pdf_says_who_what_and_how_much() {
    let mut db = Db::open_in_memory().unwrap();
    documents::set_company(
        &mut db,
        &CompanyProfile {
            name: "Rapport Demo GmbH".into(),
            address: "Hauptstraße 1\n10115 Berlin".into(),
            tax_id: Some("DE123456789".into()),
            bank_details: Some("IBAN DE02 1203 0000 0000 2020 51".into()),
            footer: Some("Registered in Berlin, HRB 12345".into()),
            logo_path: Some(
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../assets/icons/128x128.png"
                )
                .into(),
            ),
            ..CompanyProfile::default()
        },
    )
    .unwrap();
    let acme = account(&mut db, "Acme Café GmbH");
    product(&mut db, "PRN-1", "Label printer", "499.00", "19");
    let inv = issued_invoice(
        &mut db,
        &acme,
        vec![
            line(Some("PRN-1"), None, "2", None),
            LineInput {
                tax_rate: Some("19".into()),
                ..line(None, Some("Installation on site"), "1.5", Some("120.00"))
            },
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoice.pdf");
    let report = rapport_core::sales::pdf::write(db.conn(), &inv.id, &file).unwrap();
    assert_eq!(report.pages, 1);
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils; `make deps-test-system` installs it)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let number = inv.number.unwrap();
    for expected in [
        "Rapport Demo GmbH",
        "Hauptstraße 1",
        "DE123456789",
        "Invoice",
        number.as_str(),
        "Acme Café GmbH",
        "Label printer",
        "SKU PRN-1",
        "Installation on site",
        "Balance due",
        "IBAN DE02 1203 0000 0000 2020 51",
        "Registered in Berlin",
        "Page 1 of 1",
    ] {
        assert!(
            text.contains(expected),
            "the PDF lacks {expected:?}:\n{text}"
        );
    }
    // The logo is in, with its transparency.
    let images = Command::new("pdfimages")
        .args(["-list", file.to_str().unwrap()])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&images.stdout);
    assert!(list.contains("image") && list.contains("smask"), "{list}");
    // A logo that is not a picture is refused, saying so.
    let not_a_picture = dir.path().join("logo.txt");
    std::fs::write(&not_a_picture, "hello").unwrap();
    let err = documents::set_company(
        &mut db,
        &CompanyProfile {
            name: "X".into(),
            logo_path: Some(not_a_picture.display().to_string()),
            ..CompanyProfile::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("neither a PNG nor a JPEG"),
        "{err}"
    );
    // 2 x 499.00 + 1.5 x 120.00 = 1,178.00 net, 223.82 tax, 1,401.82 total (English locale
    // unless the environment says otherwise).
    let locale = rapport_core::sales::pdf::Locale::current();
    for amount in [1178_00, 223_82, 1401_82] {
        let shown = locale.money(amount, "EUR");
        assert!(text.contains(&shown), "the PDF lacks {shown}:\n{text}");
    }
}

#[test]
fn a_long_invoice_continues_on_more_pages() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let lines: Vec<LineInput> = (0..80)
        .map(|i| line(None, Some(&format!("Service item number {i} with a description long enough to wrap onto a second line of the table")), "1", Some("10.00")))
        .collect();
    let inv = issued_invoice(&mut db, &acme, lines);
    let (bytes, pages) = rapport_core::sales::pdf::render(
        db.conn(),
        &inv,
        rapport_core::sales::pdf::Locale::from_name("en_GB"),
    )
    .unwrap();
    assert!(pages >= 3, "{pages}");
    assert!(bytes.starts_with(b"%PDF-"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn totals_never_drift(
        lines in prop::collection::vec((1i64..50_000, 0i64..2_000_000, 0i64..=10_000, prop::sample::select(vec![0i64, 500, 700, 1900, 2000, 2500])), 1..12)
    ) {
        let mut db = Db::open_in_memory().unwrap();
        let acme = account(&mut db, "Acme");
        let inputs: Vec<LineInput> = lines
            .iter()
            .map(|(q, p, d, t)| LineInput {
                description: Some("Item".into()),
                quantity: format!("{}.{:03}", q / 1000, q % 1000),
                unit_price: Some(format!("{}.{:02}", p / 100, p % 100)),
                discount: Some(format!("{}.{:02}", d / 100, d % 100)),
                tax_rate: Some(format!("{}.{:02}", t / 100, t % 100)),
                ..LineInput::default()
            })
            .collect();
        let inv = issued_invoice(&mut db, &acme, inputs);
        let line_sum: i64 = inv.lines.iter().map(|l| l.amounts.total_minor).sum();
        prop_assert_eq!(line_sum, inv.total_minor);
        prop_assert_eq!(inv.subtotal_minor - inv.discount_minor + inv.tax_minor, inv.total_minor);
        prop_assert_eq!(inv.taxes.iter().map(|t| t.tax_minor).sum::<i64>(), inv.tax_minor);
        for l in &inv.lines {
            let a = documents::line_amounts(l.quantity_milli, l.unit_price_minor, l.discount_bp, l.tax_rate_bp);
            prop_assert_eq!(a, l.amounts);
        }
        // A credit note for the first line, and a payment of a third of what is left: the
        // balance is the total less both, to the cent.
        let credit = documents::credit_note(&mut db, &inv.id, Some(&[PartInput { line_id: inv.lines[0].id.clone(), quantity: None }]), None).unwrap();
        prop_assert_eq!(credit.total_minor, inv.lines[0].amounts.total_minor);
        let after = documents::get(db.conn(), &inv.id).unwrap();
        prop_assert_eq!(after.balance_minor, inv.total_minor - credit.total_minor);
        let third = after.balance_minor / 3;
        if third > 0 {
            let amount = rapport_core::kernel::money::format_plain(&rapport_core::kernel::money::Money { amount_minor: third, currency: "EUR".into() });
            let paid = documents::record_payment(&mut db, &inv.id, &PaymentInput { amount, ..PaymentInput::default() }).unwrap();
            prop_assert_eq!(paid.balance_minor, inv.total_minor - credit.total_minor - third);
            prop_assert_eq!(paid.status, DocumentStatus::PartlyPaid);
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero(q in 1i64..100_000, p in -1_000_000i64..1_000_000) {
        let a = documents::line_amounts(q, p, 0, 0);
        let exact = q as f64 * p as f64 / 1000.0;
        let expected = if exact >= 0.0 { (exact + 0.5).floor() } else { (exact - 0.5).ceil() };
        // Half-way cases computed in integers; the float is only a cross-check away from them.
        if (exact.fract().abs() - 0.5).abs() > 1e-6 {
            prop_assert_eq!(a.gross_minor as f64, expected);
        }
    }
}

#[test]
fn quotes_invoices_and_payments_show_on_the_account_and_deal_timelines() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let inv = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Audit"), "1", Some("300.00"))],
    );
    documents::record_payment(
        &mut db,
        &inv.id,
        &PaymentInput {
            amount: "120.00".into(),
            method: Some("card".into()),
            ..PaymentInput::default()
        },
    )
    .unwrap();
    let items = rapport_core::insight::timeline::for_record(db.conn(), "accounts", &acme, None, 50)
        .unwrap();
    let titles: Vec<&str> = items
        .iter()
        .filter(|i| i.kind == "document" || i.kind == "payment")
        .map(|i| i.title.as_str())
        .collect();
    let number = inv.number.unwrap();
    assert_eq!(
        titles[0],
        format!("Payment of 120.00 EUR on invoice {number}")
    );
    assert!(
        titles.contains(&format!("Invoice {number}: 300.00 EUR").as_str()),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Quote Q-")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Sales order SO-")),
        "{titles:?}"
    );
}

#[test]
fn a_deals_products_of_interest_link_the_catalogue() {
    let mut db = Db::open_in_memory().unwrap();
    let p = product(&mut db, "PRN-1", "Label printer", "499.00", "19");
    let deal = opportunities::create(
        &mut db,
        &OpportunityInput {
            name: "Printers".into(),
            products: vec!["prn-1".into(), "Something bespoke".into()],
            ..OpportunityInput::default()
        },
    )
    .unwrap();
    let linked: Vec<Option<String>> = db
        .conn()
        .prepare("SELECT product_id FROM opportunity_products WHERE opportunity_id = ?1 ORDER BY position")
        .unwrap()
        .query_map([&deal.id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(linked, vec![Some(p.id), None]);
}

#[test]
fn parts_add_up_to_the_line_to_the_cent_and_settle_the_invoice() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let inv = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Widget"), "1", Some("1.00"))],
    );
    let line_id = inv.lines[0].id.clone();
    let mut credited = 0;
    for q in ["0.333", "0.333", "0.334"] {
        let note = documents::credit_note(
            &mut db,
            &inv.id,
            Some(&[PartInput {
                line_id: line_id.clone(),
                quantity: Some(q.into()),
            }]),
            None,
        )
        .unwrap();
        credited += note.total_minor;
    }
    // 0.33 + 0.33 + the rest, 0.34: the three credit notes are the invoice, not 0.99.
    assert_eq!(credited, 100);
    let after = documents::get(db.conn(), &inv.id).unwrap();
    assert_eq!(after.balance_minor, 0);
    assert_eq!(after.status, DocumentStatus::Credited);
}

#[test]
fn a_part_credit_note_leaves_an_unpaid_invoice_issued_and_a_free_invoice_is_settled() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let inv = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Work"), "2", Some("50.00"))],
    );
    documents::credit_note(
        &mut db,
        &inv.id,
        Some(&[PartInput {
            line_id: inv.lines[0].id.clone(),
            quantity: Some("1".into()),
        }]),
        None,
    )
    .unwrap();
    let after = documents::get(db.conn(), &inv.id).unwrap();
    assert_eq!(after.status, DocumentStatus::Issued, "nothing was paid");
    assert_eq!(after.balance_minor, 50_00);
    let free = issued_invoice(
        &mut db,
        &acme,
        vec![line(None, Some("Goodwill"), "1", Some("0.00"))],
    );
    assert_eq!(free.status, DocumentStatus::Paid);
    assert_eq!(free.balance_minor, 0);
}

#[test]
fn an_invoice_cannot_be_dated_into_another_years_numbers() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    let q = quote_for(
        &mut db,
        &acme,
        vec![line(None, Some("Audit"), "1", Some("300.00"))],
    );
    documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(&mut db, &q.id).unwrap();
    let draft = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    let last_year = format!("{}-12-31", year() - 1);
    let err = documents::issue_invoice(&mut db, &draft.id, Some(&last_year), None).unwrap_err();
    assert!(err.to_string().contains("numbered per year"), "{err}");
    assert_eq!(
        documents::get(db.conn(), &draft.id).unwrap().number,
        None,
        "still a draft"
    );
}

#[test]
fn an_invoice_is_not_issued_or_printed_without_the_sellers_name_and_address() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = buyer(&mut db, "Acme");
    let q = quote_for(
        &mut db,
        &acme,
        vec![line(None, Some("Setup"), "1", Some("50.00"))],
    );
    // A quote and a draft invoice print, marked as such, with the placeholder for the seller.
    let dir = tempfile::tempdir().unwrap();
    rapport_core::sales::pdf::write(db.conn(), &q.id, &dir.path().join("q.pdf")).unwrap();
    documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(&mut db, &q.id).unwrap();
    let draft = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    rapport_core::sales::pdf::write(db.conn(), &draft.id, &dir.path().join("d.pdf")).unwrap();

    let err = documents::issue_invoice(&mut db, &draft.id, None, None).unwrap_err();
    assert_eq!(err.code(), rapport_core::ErrorCode::CompanyProfileMissing);
    assert!(err.is_user_error());
    assert!(
        err.to_string()
            .starts_with("Set your company's name and address in Settings, Company"),
        "{err}"
    );
    // Nothing was taken: still a draft, without a number.
    let still = documents::get(db.conn(), &draft.id).unwrap();
    assert_eq!((still.status, still.number), (DocumentStatus::Draft, None));

    // A name alone is not enough: the address is named.
    documents::set_company(
        &mut db,
        &CompanyProfile {
            name: "Seller Ltd".into(),
            ..CompanyProfile::default()
        },
    )
    .unwrap();
    let err = documents::issue_invoice(&mut db, &draft.id, None, None).unwrap_err();
    assert!(
        err.to_string().starts_with("Set your company's address in"),
        "{err}"
    );

    documents::set_company(
        &mut db,
        &CompanyProfile {
            name: "Seller Ltd".into(),
            address: "1 High Street\nLondon".into(),
            ..CompanyProfile::default()
        },
    )
    .unwrap();
    let issued = documents::issue_invoice(&mut db, &draft.id, None, None).unwrap();
    assert_eq!(issued.status, DocumentStatus::Issued);
    rapport_core::sales::pdf::write(db.conn(), &issued.id, &dir.path().join("i.pdf")).unwrap();

    // An issued invoice is never printed with a placeholder seller, even if the address was
    // cleared since.
    documents::set_company(
        &mut db,
        &CompanyProfile {
            name: "Seller Ltd".into(),
            ..CompanyProfile::default()
        },
    )
    .unwrap();
    let err = rapport_core::sales::pdf::write(db.conn(), &issued.id, &dir.path().join("j.pdf"))
        .unwrap_err();
    assert_eq!(err.code(), rapport_core::ErrorCode::CompanyProfileMissing);
}
