//! Values out of range and files out of shape, as a user meets them: amounts no business
//! means, years no one lives in, a damaged data file, text that would drive a terminal.
//! Each test first reproduces what went wrong (a panic, a raw "integer overflow", a whole
//! export failing, writes going on into a damaged file), then shows the fix.

#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use rapport_core::activities::activity::{
    self, ActivityInput, ActivityKind, ActivityQuery, RecordRef,
};
use rapport_core::data::import::{self, ImportEntity, ImportOptions, table};
use rapport_core::insight::analytics::{self, Scope};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::contacts::{self, ContactInput, ContactQuery};
use rapport_core::sales::documents::{self, DocumentStatus, LineInput, QuoteInput};
use rapport_core::sales::opportunities::{self, BoardQuery, ForecastQuery, OpportunityInput};
use rapport_core::{Db, ErrorCode, data::ics, people::accounts};

fn today() -> NaiveDate {
    rapport_core::kernel::time::local_date(rapport_core::kernel::time::local_zone(), Utc::now())
}

fn deal_input(name: &str, amount: &str) -> OpportunityInput {
    OpportunityInput {
        name: name.into(),
        amount: Some(MoneyInput {
            amount: amount.into(),
            currency: "EUR".into(),
        }),
        expected_close: Some(today().format("%Y-%m-%d").to_string()),
        ..Default::default()
    }
}

fn figures(db: &Db) -> Vec<rapport_core::Result<()>> {
    let scope = Scope::new(Some("this_year"), None, None, today()).unwrap();
    vec![
        opportunities::board(db.conn(), &BoardQuery::default(), Utc::now()).map(|_| ()),
        opportunities::forecast(db.conn(), &ForecastQuery::default(), today()).map(|_| ()),
        analytics::dashboard(db.conn(), &scope, today()).map(|_| ()),
    ]
}

#[test]
fn an_amount_beyond_ten_trillion_is_refused_naming_the_field() {
    let mut db = Db::open_in_memory().unwrap();
    let err =
        opportunities::create(&mut db, &deal_input("Moon", "92233720368547758.07")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field_errors()[0].field, "amount.amount", "{err}");
    assert!(err.to_string().contains("largest amount"), "{err}");
    let err =
        opportunities::create(&mut db, &deal_input("Just over", "10000000000000.01")).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "amount.amount", "{err}");
    // Accounts, leads, products, campaigns and custom money fields read amounts the same way.
    let err = accounts::create(
        &mut db,
        &accounts::AccountInput {
            name: "Big".into(),
            annual_revenue: Some(MoneyInput {
                amount: "99999999999999".into(),
                currency: "USD".into(),
            }),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.field_errors()[0].field,
        "annual_revenue.amount",
        "{err}"
    );
    let err = rapport_core::sales::products::create(
        &mut db,
        &rapport_core::sales::products::ProductInput {
            sku: "X".into(),
            name: "Gold".into(),
            unit_price: "10000000000001".into(),
            currency: "EUR".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("largest amount"), "{err}");
    let err = rapport_core::marketing::campaigns::create(
        &mut db,
        &rapport_core::marketing::campaigns::CampaignInput {
            name: "Fair".into(),
            budget: "20000000000000".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.field_errors()[0].field.starts_with("budget"), "{err}");
    assert!(err.to_string().contains("largest amount"), "{err}");
}

#[test]
fn deals_at_the_largest_amount_add_up_exactly_on_the_board_forecast_and_dashboard() {
    let mut db = Db::open_in_memory().unwrap();
    for name in ["One", "Two", "Three"] {
        opportunities::create(&mut db, &deal_input(name, "10000000000000")).unwrap();
    }
    let board = opportunities::board(db.conn(), &BoardQuery::default(), Utc::now()).unwrap();
    assert_eq!(board.open.amount[0].amount_minor, 3_000_000_000_000_000);
    for figure in figures(&db) {
        figure.unwrap();
    }
}

#[test]
fn huge_amounts_stored_by_an_older_version_give_a_plain_error_not_integer_overflow() {
    let mut db = Db::open_in_memory().unwrap();
    for name in ["One", "Two"] {
        opportunities::create(&mut db, &deal_input(name, "1000")).unwrap();
    }
    // What an older version let through: 92,233,720,368,547,758.07 twice.
    db.conn()
        .execute(
            "UPDATE opportunities SET amount_minor = 9223372036854775807",
            [],
        )
        .unwrap();
    for (i, figure) in figures(&db).into_iter().enumerate() {
        let err = figure.unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("integer overflow"), "figure {i}: {text}");
        assert_eq!(err.code(), ErrorCode::TotalTooLarge, "{text}");
        assert!(text.contains("10,000,000,000,000"), "{text}");
    }
}

fn account(db: &mut Db) -> String {
    accounts::create(
        db,
        &accounts::AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn quote(
    db: &mut Db,
    account: &str,
    lines: &[(&str, &str)],
) -> rapport_core::Result<documents::Document> {
    documents::create_quote(
        db,
        &QuoteInput {
            account_id: Some(account.into()),
            currency: Some("EUR".into()),
            lines: lines
                .iter()
                .map(|(q, p)| LineInput {
                    description: Some("Work".into()),
                    quantity: (*q).into(),
                    unit_price: Some((*p).into()),
                    ..LineInput::default()
                })
                .collect(),
            ..QuoteInput::default()
        },
    )
}

#[test]
fn document_lines_refuse_a_price_quantity_or_total_beyond_the_largest_amount() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db);
    // Two lines at the old maximum made the total overflow (a panic in debug builds).
    let err = quote(
        &mut db,
        &acme,
        &[("1", "92233720368547758.07"), ("1", "92233720368547758.07")],
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "lines.0.unit_price", "{err}");
    let err = quote(&mut db, &acme, &[("1000000", "10000000000")]).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "lines.0.quantity", "{err}");
    assert!(err.to_string().contains("largest amount"), "{err}");
    let err = quote(
        &mut db,
        &acme,
        &[("1", "6000000000000"), ("1", "6000000000000")],
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "lines", "{err}");
    let fine = quote(
        &mut db,
        &acme,
        &[("1", "5000000000000"), ("1", "5000000000000")],
    )
    .unwrap();
    assert_eq!(fine.total_minor, 1_000_000_000_000_000);
}

#[test]
fn an_invoice_balance_from_stored_extremes_is_a_plain_error_not_a_panic() {
    let mut db = Db::open_in_memory().unwrap();
    // Invoices are only issued once the seller is known.
    documents::set_company(
        &mut db,
        &documents::CompanyProfile {
            name: "Seller Ltd".into(),
            address: "1 High Street".into(),
            ..documents::CompanyProfile::default()
        },
    )
    .unwrap();
    let acme = account(&mut db);
    let q = quote(&mut db, &acme, &[("1", "100")]).unwrap();
    documents::set_quote_status(&mut db, &q.id, DocumentStatus::Accepted).unwrap();
    let order = documents::order_from_quote(&mut db, &q.id).unwrap();
    let draft = documents::invoice_from_order(&mut db, &order.id, None).unwrap();
    let invoice = documents::issue_invoice(&mut db, &draft.id, None, None).unwrap();
    documents::record_payment(
        &mut db,
        &invoice.id,
        &documents::PaymentInput {
            amount: "10".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let err = documents::record_payment(
        &mut db,
        &invoice.id,
        &documents::PaymentInput {
            amount: "92233720368547758.07".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("largest amount"), "{err}");
    // A total stored by an older version at the bottom of the range: total − paid overflows.
    db.conn()
        .execute(
            "UPDATE sales_documents SET total_minor = -9223372036854775807 WHERE id = ?1",
            [&invoice.id],
        )
        .unwrap();
    let err = documents::get(db.conn(), &invoice.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TotalTooLarge, "{err}");
    assert!(err.to_string().contains("balance"), "{err}");
}

fn contact(first: &str, birthday: Option<&str>) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        birthday: birthday.map(Into::into),
        ..Default::default()
    }
}

#[test]
fn years_outside_1900_to_2200_and_two_digit_years_are_refused_where_typed() {
    let mut db = Db::open_in_memory().unwrap();
    for bad in ["0000-01-01", "-0001-01-01", "9999-12-31", "26-01-05"] {
        let err = contacts::create(&mut db, &contact("Ann", Some(bad))).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "birthday", "{bad}: {err}");
    }
    let err = contacts::create(&mut db, &contact("Ann", Some("26-01-05"))).unwrap_err();
    assert!(err.to_string().contains("2026-01-05"), "{err}");
    contacts::create(&mut db, &contact("Ann", Some("1950-02-03"))).unwrap();
    for bad in ["0000-01-01T10:00", "-0001-06-01", "9999-12-31T09:00:00Z"] {
        let err = activity::create(
            &mut db,
            &ActivityInput {
                kind: Some(ActivityKind::Meeting),
                subject: "Lunch".into(),
                starts_at: Some(bad.into()),
                ..Default::default()
            },
            Tz::UTC,
        )
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "starts_at", "{bad}: {err}");
    }
}

#[test]
fn an_import_reads_no_two_digit_year_as_year_26() {
    let mut db = Db::open_in_memory().unwrap();
    let csv = "First Name,Birthday\nAnn,26-01-05\nBob,1980-04-02\nCy,05.01.26\n";
    let t = table::read(csv.as_bytes(), "people.csv").unwrap();
    let report = import::import(
        &mut db,
        &t,
        &ImportOptions {
            entity: ImportEntity::Contacts,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(report.created, 1, "{report:?}");
    assert_eq!(report.rejected.len(), 2, "{report:?}");
    assert_eq!(report.rejected[0].line, 2);
    assert!(report.rejected[0].reason.contains("Birthday"), "{report:?}");
    let stored: Vec<Option<String>> = db
        .conn()
        .prepare("SELECT birthday FROM contacts")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored, [Some("1980-04-02".to_owned())]);
}

fn meeting(db: &mut Db, subject: &str, at: &str, link: &RecordRef) -> String {
    activity::create(
        db,
        &ActivityInput {
            kind: Some(ActivityKind::Meeting),
            subject: subject.into(),
            starts_at: Some(at.into()),
            duration_minutes: Some(30),
            links: vec![link.clone()],
            ..Default::default()
        },
        Tz::UTC,
    )
    .unwrap()
    .id
}

#[test]
fn one_stored_date_before_year_0_is_left_out_of_the_calendar_export_with_a_warning() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contacts::create(&mut db, &contact("Ann", None)).unwrap();
    let link = RecordRef {
        entity: "contacts".into(),
        id: ann.id.clone(),
    };
    meeting(&mut db, "Good meeting", "2026-03-02T10:00", &link);
    let bad = meeting(&mut db, "Ancient meeting", "2026-03-03T10:00", &link);
    // Stored by an older version, which took any year.
    db.conn()
        .execute(
            "UPDATE activities SET starts_at = '-0001-03-03T10:00:00.000Z' WHERE id = ?1",
            [&bad],
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal.ics");
    let report = ics::export_to(db.conn(), &ics::IcsQuery::default(), Tz::UTC, &out).unwrap();
    assert_eq!(report.items, 1);
    assert_eq!(report.skipped.len(), 1, "{report:?}");
    assert!(report.skipped[0].contains("Ancient meeting"), "{report:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("Good meeting"));
    // Every other reader shows the rest and the odd one as stored.
    let listed = activity::list(db.conn(), &ActivityQuery::default()).unwrap();
    assert_eq!(listed.len(), 2);
    activity::agenda(db.conn(), Utc::now(), Tz::UTC, 7).unwrap();
    activity::calendar(db.conn(), "2026-03-01", "2026-03-31", Tz::UTC, None).unwrap();
    let timeline =
        rapport_core::insight::timeline::for_record(db.conn(), "contacts", &ann.id, None, 50);
    assert!(timeline.is_ok(), "{timeline:?}");
    let scope = Scope::new(Some("this_year"), None, None, today()).unwrap();
    analytics::dashboard(db.conn(), &scope, today()).unwrap();
}

#[test]
fn control_characters_are_refused_in_forms_and_stripped_on_import() {
    let mut db = Db::open_in_memory().unwrap();
    let err = contacts::create(&mut db, &contact("Evil\x1b[2J", None)).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "first_name", "{err}");
    assert!(err.to_string().contains("U+001B"), "{err}");
    for bad in ["A\0B", "A\u{7f}", "A\u{9b}31m"] {
        let err = contacts::create(&mut db, &contact(bad, None)).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "first_name", "{bad:?}: {err}");
    }
    // Lines and tabs stay where text has them.
    let mut notes = contact("Ann", None);
    notes.notes = Some("line one\n\tline two".into());
    contacts::create(&mut db, &notes).unwrap();
    // A text that no form check looks at is still refused at the one write path.
    let acme = account(&mut db);
    let err = documents::create_quote(
        &mut db,
        &QuoteInput {
            account_id: Some(acme),
            currency: Some("EUR".into()),
            lines: vec![LineInput {
                description: Some("Work\x1b]0;pwned\x07".into()),
                quantity: "1".into(),
                unit_price: Some("10".into()),
                ..LineInput::default()
            }],
            ..QuoteInput::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");

    let csv = "First Name,Last Name\n\"Mal\x1b[2J\",\"Ware\u{7f}\u{9b}\"\nBob,Stone\n";
    let t = table::read(csv.as_bytes(), "people.csv").unwrap();
    let report = import::import(
        &mut db,
        &t,
        &ImportOptions {
            entity: ImportEntity::Contacts,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(report.created, 2, "{report:?}");
    let names: Vec<String> = contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .items
        .into_iter()
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .collect();
    assert!(names.contains(&"Mal[2J Ware".to_owned()), "{names:?}");
    assert!(
        names.iter().all(|n| !n.contains(['\x1b', '\0'])),
        "{names:?}"
    );
}

/// A real data file with some people, a good automatic backup beside it, then pages in the
/// middle overwritten with garbage, as a failing disk leaves them.
fn damaged_file(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let path = dir.join("crm.db");
    let mut db = Db::open(&path).unwrap();
    for i in 0..400 {
        let mut c = contact(&format!("Person {i}"), None);
        c.notes = Some("notes that take some room ".repeat(20));
        contacts::create(&mut db, &c).unwrap();
    }
    let backup = rapport_core::data::backup::auto(
        &db,
        rapport_core::data::backup::AutoReason::Quit,
        Utc::now(),
    )
    .unwrap()
    .unwrap()
    .path;
    db.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let root: i64 = db
        .conn()
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'contacts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Pages of the people's rows in the middle of the table: what opening the file never
    // reads, and listing or adding people does.
    let leaves: Vec<i64> = db
        .conn()
        .prepare("SELECT pageno FROM dbstat WHERE name = 'contacts' AND pagetype = 'leaf' ORDER BY pageno")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(leaves.len() > 8, "{leaves:?}");
    drop(db);
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    let garbage = |bytes: &mut Vec<u8>, n: usize| {
        for (k, b) in bytes[n * page + 8..(n + 1) * page].iter_mut().enumerate() {
            *b = (k * 31 % 251) as u8;
        }
    };
    garbage(&mut bytes, usize::try_from(root - 1).unwrap());
    for n in &leaves[leaves.len() / 2..leaves.len() / 2 + 4] {
        garbage(&mut bytes, usize::try_from(n - 1).unwrap());
    }
    std::fs::write(&path, &bytes).unwrap();
    (path, backup)
}

#[test]
fn once_the_check_finds_damage_writes_are_refused_naming_it_and_the_newest_good_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (path, backup) = damaged_file(dir.path());
    let mut db = Db::open(&path).expect("opening reads none of the damaged pages");
    let problems = rapport_core::store::health::quick_check(&path).unwrap();
    assert!(!problems.is_empty(), "the quick check finds the damage");
    let err = contacts::create(&mut db, &contact("After", None)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::CorruptDatabase, "{err}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("is damaged"), "{text}");
    assert!(
        text.contains(&format!("Restore the newest good backup: {backup}")),
        "{text}"
    );
    // Another process (a CLI command) opening the file later is refused too.
    drop(db);
    let mut again = Db::open(&path).unwrap();
    let err = contacts::create(&mut again, &contact("Later", None)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::CorruptDatabase, "{err}");
    // Restoring the backup lifts the refusal.
    drop(again);
    rapport_core::data::backup::restore(&path, std::path::Path::new(&backup)).unwrap();
    let mut restored = Db::open(&path).unwrap();
    contacts::create(&mut restored, &contact("Restored", None)).unwrap();
}

#[test]
fn a_read_that_meets_damage_says_what_it_means_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (path, backup) = damaged_file(dir.path());
    let db = Db::open(&path).unwrap();
    let err = contacts::list(db.conn(), &ContactQuery::default())
        .map(|_| ())
        .and_then(|()| {
            db.conn()
                .query_row("SELECT count(*), max(notes) FROM contacts", [], |_| Ok(()))
                .map_err(rapport_core::Error::from)
        })
        .unwrap_err()
        .locate(&path);
    assert_eq!(err.code(), ErrorCode::CorruptDatabase, "{err:?}");
    let text = err.to_string();
    assert!(!text.starts_with("Database error"), "{text}");
    assert!(
        text.contains(&format!(
            "The data file {} is damaged (SQLite: ",
            path.display()
        )),
        "{text}"
    );
    assert!(text.contains(&backup), "{text}");
}

#[test]
fn a_missing_or_empty_data_file_is_refused_not_made_into_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let err = rapport_core::store::health::existing(&empty).unwrap_err();
    assert!(
        err.to_string().contains("empty.db is an empty file"),
        "{err}"
    );
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    let missing = dir.path().join("typo.db");
    let err = rapport_core::store::health::existing(&missing).unwrap_err();
    assert!(err.to_string().contains("no data file at"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn an_import_reads_03_04_in_the_order_the_file_shows_and_never_guesses_it() {
    let import_csv = |db: &mut Db, csv: &str| {
        let t = table::read(csv.as_bytes(), "people.csv").unwrap();
        import::import(
            db,
            &t,
            &ImportOptions {
                entity: ImportEntity::Contacts,
                ..Default::default()
            },
            &mut |_, _| true,
        )
        .unwrap()
    };
    let birthday = |db: &Db, name: &str| -> Option<String> {
        db.conn()
            .query_row(
                "SELECT birthday FROM contacts WHERE first_name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap()
    };
    // 31/01/1980 shows the file writes the day first.
    let mut db = Db::open_in_memory().unwrap();
    let r = import_csv(
        &mut db,
        "First Name,Birthday\nAnn,03/04/1980\nBob,31/01/1980\n",
    );
    assert_eq!(r.created, 2, "{r:?}");
    assert_eq!(birthday(&db, "Ann").as_deref(), Some("1980-04-03"));
    // 01/31/1980 shows it writes the month first.
    let mut db = Db::open_in_memory().unwrap();
    let r = import_csv(
        &mut db,
        "First Name,Birthday\nAnn,03/04/1980\nBob,01/31/1980\n",
    );
    assert_eq!(r.created, 2, "{r:?}");
    assert_eq!(birthday(&db, "Ann").as_deref(), Some("1980-03-04"));
    // Nothing tells: that row is refused, naming the field, the others imported.
    let mut db = Db::open_in_memory().unwrap();
    let r = import_csv(
        &mut db,
        "First Name,Birthday\nAnn,03/04/1980\nBob,1980-01-31\n",
    );
    assert_eq!(r.created, 1, "{r:?}");
    assert!(r.rejected[0].reason.contains("Birthday"), "{r:?}");
    assert!(r.rejected[0].reason.contains("could be"), "{r:?}");
}
