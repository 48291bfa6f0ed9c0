//! Data in and out as plain files: the JSON archive round trip and CSV exports.

#![allow(clippy::unwrap_used)]

use chrono_tz::Tz;
use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::data::export::{self, ExportEntity};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::contacts::{self, ContactInput, EmailEntry, PhoneEntry};
use rapport_core::records::fields::{self, CustomFieldInput, FieldKind};
use rapport_core::sales::opportunities::{self, MoveInput, OpportunityInput};
use rapport_core::{Db, Error, data::archive, people::accounts};
use serde_json::Value;

/// A database with a bit of everything: accounts, people, tags, custom fields, a recurring
/// activity with a reminder, a deal that moved, a merge's history.
fn filled(db: &mut Db) {
    rapport_core::sales::products::create(
        db,
        &rapport_core::sales::products::ProductInput {
            sku: "SKU-1".into(),
            name: "=HYPERLINK(\"x\")".into(),
            unit_price: "12.50".into(),
            currency: "EUR".into(),
            tax_rate: "7.5".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let field = fields::define(
        db,
        &CustomFieldInput {
            entity: "contacts".into(),
            label: "Shoe size".into(),
            kind: FieldKind::Number,
            options: vec![],
        },
    )
    .unwrap();
    let acme = accounts::create(
        db,
        &accounts::AccountInput {
            name: "Acme".into(),
            annual_revenue: Some(MoneyInput {
                amount: "1250000.50".into(),
                currency: "EUR".into(),
            }),
            tags: vec!["vip".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let ada = contacts::create(
        db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            account_id: Some(acme.id.clone()),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "ada@acme.example".into(),
            }],
            phones: vec![PhoneEntry {
                label: "mobile".into(),
                number: "+44 7700 900123".into(),
            }],
            tags: vec!["newsletter".into()],
            custom: [(field.id, Value::from("38.5"))].into_iter().collect(),
            notes: Some("Likes \"engines\",\nand commas".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let deal = opportunities::create(
        db,
        &OpportunityInput {
            name: "=cmd|' /C calc'!A0".into(),
            account_id: Some(acme.id),
            amount: Some(MoneyInput {
                amount: "5000".into(),
                currency: "EUR".into(),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    opportunities::move_to(
        db,
        &deal.id,
        &MoveInput {
            stage: "Proposal sent".into(),
            create_suggested: true,
            ..Default::default()
        },
    )
    .unwrap();
    activity::create(
        db,
        &ActivityInput {
            kind: Some(ActivityKind::Meeting),
            subject: "Monthly review".into(),
            starts_at: Some("2026-12-01T09:00:00Z".into()),
            repeat: Some("FREQ=MONTHLY;BYMONTHDAY=1".into()),
            remind_at: Some("2026-12-01T08:45:00Z".into()),
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: ada.id,
            }],
            ..Default::default()
        },
        Tz::UTC,
    )
    .unwrap();
    // A call list with one person promoted to a lead (the call moved to it), another left.
    let list = rapport_core::data::import::table::read(
        b"Name,Phone,Shop size\nBea Brown,+44 20 7946 0001,small\nCal Green,+44 20 7946 0002,large\n",
        "calls.csv",
    )
    .unwrap();
    rapport_core::data::import::calllist::import(
        db,
        &list,
        &rapport_core::data::import::calllist::CallListImport {
            list: rapport_core::sales::calllists::CallListInput {
                name: "Shops".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    let bea = rapport_core::sales::calllists::next(db.conn(), "Shops", chrono::Utc::now(), &[])
        .unwrap()
        .unwrap();
    rapport_core::sales::calllists::record(
        db,
        &bea.entry.id,
        &rapport_core::sales::calllists::CallInput {
            result: Some(rapport_core::sales::calllists::CallResult::Interested),
            ..Default::default()
        },
        Tz::UTC,
    )
    .unwrap();
    // A quote e-mailed to Ada: its PDF is kept, as bytes, with the mail in the outbox.
    use rapport_core::sales::documents;
    documents::set_company(
        db,
        &documents::CompanyProfile {
            name: "Crumb & Co".into(),
            address: "Mehlweg 1\n10115 Berlin".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let (ada_id, acme_id): (String, String) = db
        .conn()
        .query_row(
            "SELECT id, account_id FROM contacts WHERE first_name = 'Ada'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let quote = documents::create_quote(
        db,
        &documents::QuoteInput {
            account_id: Some(acme_id),
            contact_id: Some(ada_id),
            currency: Some("EUR".into()),
            lines: vec![documents::LineInput {
                description: Some("Sourdough".into()),
                quantity: "40".into(),
                unit_price: Some("4.50".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    documents::email(db, &quote.id, &Default::default()).unwrap();
}

fn tables(path: &std::path::Path) -> Value {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["tables"].clone()
}

#[test]
fn an_archive_loads_into_an_empty_database_and_gives_back_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(dir.path().join("a.db")).unwrap();
    filled(&mut db);
    let first = dir.path().join("first.json");
    let report = archive::export(&db, &first).unwrap();
    assert!(
        report
            .tables
            .iter()
            .any(|(t, n)| t == "change_log" && *n > 10)
    );

    let mut copy = Db::open(dir.path().join("b.db")).unwrap();
    archive::import(&mut copy, &first).unwrap();
    let second = dir.path().join("second.json");
    archive::export(&copy, &second).unwrap();
    assert_eq!(
        tables(&first),
        tables(&second),
        "the same rows, ids and change log"
    );

    // And the app sees it: search works (the index was rebuilt), the deal is where it was.
    let found = rapport_core::store::search::search(copy.conn(), "lovel", 5).unwrap();
    assert!(!found.is_empty());
    let deals = opportunities::list(copy.conn(), &Default::default()).unwrap();
    assert_eq!(deals.items[0].stage_name, "Proposal sent");
    let leads = rapport_core::sales::leads::list(copy.conn(), &Default::default()).unwrap();
    assert_eq!(leads.items[0].name, "Bea Brown");
    let progress = rapport_core::sales::calllists::get(copy.conn(), "Shops", chrono::Utc::now())
        .unwrap()
        .progress;
    assert_eq!((progress.total, progress.promoted), (2, 1));

    // The PDF sent with the quote came back byte for byte.
    let pdf = |db: &Db| -> Vec<u8> {
        db.conn()
            .query_row(
                "SELECT attachment FROM outbox WHERE attachment IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(pdf(&copy).starts_with(b"%PDF-"));
    assert_eq!(pdf(&copy), pdf(&db));

    // Undoing the e-mail takes the queued mail back; undoing that puts it back, bytes and all.
    let newest = rapport_core::store::changelog::batches(copy.conn(), None, 1).unwrap();
    let undo = rapport_core::store::changelog::undo(&mut copy, &newest[0].batch_id).unwrap();
    let queued = |db: &Db| -> i64 {
        db.conn()
            .query_row(
                "SELECT count(*) FROM outbox WHERE attachment IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(queued(&copy), 0);
    rapport_core::store::changelog::undo(&mut copy, &undo).unwrap();
    assert_eq!(queued(&copy), 1);
    assert_eq!(pdf(&copy), pdf(&db));

    // Loading twice is refused, leaving the data as it is.
    let err = archive::import(&mut copy, &first).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
}

#[test]
fn a_broken_or_foreign_archive_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(dir.path().join("a.db")).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"rapport-archive\", \"tables\": {").unwrap();
    let err = archive::import(&mut db, &bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.json is not a Rapport archive: its JSON is broken at line 1"),
        "{err}"
    );
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"hello\": 1}").unwrap();
    let err = archive::import(&mut db, &other).unwrap_err();
    assert!(
        err.to_string()
            .contains("other.json is not a Rapport archive"),
        "{err}"
    );
}

#[test]
fn csv_exports_open_as_plain_tables_with_formulas_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(dir.path().join("a.db")).unwrap();
    filled(&mut db);
    for entity in [
        ExportEntity::Contacts,
        ExportEntity::Accounts,
        ExportEntity::Opportunities,
        ExportEntity::Activities,
        ExportEntity::Leads,
        ExportEntity::Products,
    ] {
        let path = dir.path().join(format!("{entity:?}.csv"));
        let report = export::csv(db.conn(), entity, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a BOM, so spreadsheets read UTF-8"
        );
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() as u64, report.rows, "{entity:?}");
        let header = reader.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        match entity {
            ExportEntity::Contacts => {
                assert_eq!(&rows[0][col("E-mails")], "ada@acme.example");
                assert_eq!(&rows[0][col("Company")], "Acme");
                assert_eq!(&rows[0][col("Notes")], "Likes \"engines\",\nand commas");
                assert_eq!(&rows[0][col("Shoe size")], "38.5");
            }
            ExportEntity::Accounts => {
                assert_eq!(&rows[0][col("Annual revenue")], "1250000.50");
                assert_eq!(&rows[0][col("Tags")], "vip");
            }
            ExportEntity::Opportunities => {
                assert_eq!(
                    &rows[0][col("Name")],
                    "'=cmd|' /C calc'!A0",
                    "a formula is written as text"
                );
                assert_eq!(&rows[0][col("Amount")], "5000.00");
                assert_eq!(&rows[0][col("Stage")], "Proposal sent");
            }
            ExportEntity::Activities => {
                assert_eq!(
                    rows.len(),
                    4,
                    "two suggested tasks, the meeting and the call"
                );
            }
            ExportEntity::Products => {
                assert_eq!(&rows[0][col("SKU")], "SKU-1");
                assert_eq!(
                    &rows[0][col("Name")],
                    "'=HYPERLINK(\"x\")",
                    "a formula is written as text"
                );
                assert_eq!(&rows[0][col("Unit price")], "12.50");
                assert_eq!(&rows[0][col("Tax rate")], "7.5");
            }
            ExportEntity::Leads => {
                assert_eq!(&rows[0][col("Name")], "Bea Brown");
                assert_eq!(&rows[0][col("Source")], "Call list");
                assert_eq!(&rows[0][col("Phone")], "'+44 20 7946 0001");
            }
        }
    }
}
