//! CSV import as a user meets it: files from other programs, in their encodings, with their
//! mistakes; exact counts and reasons; duplicates; one undoable batch; nothing lost.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use rapport_core::data::import::{self, Dedup, ImportEntity, ImportOptions, ImportReport, table};
use rapport_core::people::contacts::{self, ContactInput, ContactQuery, EmailEntry};
use rapport_core::{Db, store::changelog};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name);
    std::fs::read(&path).unwrap()
}

fn run(db: &mut Db, bytes: &[u8], name: &str, entity: ImportEntity, dedup: Dedup) -> ImportReport {
    let t = table::read(bytes, name).unwrap();
    let report = import::import(
        db,
        &t,
        &ImportOptions {
            entity,
            dedup,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(
        report.rows_read,
        report.created + report.updated + report.skipped + report.rejected.len() as u64,
        "rows read equal the sum of the outcomes: {report:?}"
    );
    report
}

fn find(db: &Db, text: &str) -> contacts::Contact {
    let hit = contacts::list(
        db.conn(),
        &ContactQuery {
            search: Some(text.into()),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .remove(0);
    contacts::get(db.conn(), &hit.id).unwrap()
}

fn names(db: &Db) -> Vec<String> {
    contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .items
        .into_iter()
        .map(|c| {
            format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_owned()
        })
        .collect()
}

#[test]
fn a_google_contacts_export_imports_with_a_reason_for_each_rejected_row() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("google-contacts.csv"),
        "google-contacts.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!((r.rows_read, r.created, r.skipped), (3, 1, 1), "{r:?}");
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 3);
    assert_eq!(
        r.rejected[0].reason,
        "E-mail 1 - Value: \"not-an-email\" is not an e-mail address"
    );
    assert_eq!(r.encoding, "UTF-8");
    let ada = contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .items
        .remove(0);
    let ada = contacts::get(db.conn(), &ada.id).unwrap();
    assert_eq!(ada.account_name.as_deref(), Some("Analytical Engines"));
    assert_eq!(ada.title.as_deref(), Some("Countess"));
    assert_eq!(
        ada.tags,
        ["VIP"],
        "Google's '* myContacts' group is not a tag"
    );
    assert_eq!(ada.phones[0].number, "+44 20 7946 0958");
}

#[test]
fn utf16_and_windows_1252_files_keep_their_accents() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("outlook-utf16.csv"),
        "outlook.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!((r.created, r.encoding.as_str()), (2, "UTF-16LE"));
    let r = run(
        &mut db,
        &fixture("windows-1252.csv"),
        "de.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(
        (r.created, r.encoding.as_str(), r.delimiter.as_str()),
        (2, "windows-1252", ";")
    );
    let mut all = names(&db);
    all.sort();
    assert_eq!(
        all,
        ["José Núñez", "Jürgen Müller", "Renée Dubois", "Zoë Ørsted"]
    );
}

#[test]
fn ragged_rows_quotes_and_an_unclosed_quote() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("ragged-and-quoted.csv"),
        "ragged.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!((r.rows_read, r.created), (4, 3), "{r:?}");
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 7);
    assert!(
        r.rejected[0].reason.contains("never closed"),
        "{}",
        r.rejected[0].reason
    );
    let ada = find(&db, "Lovelace");
    assert_eq!(ada.notes.as_deref(), Some("She said \"hello\"\nand left"));
}

#[test]
fn a_ten_megabyte_field_rejects_its_row_and_nothing_else() {
    let mut db = Db::open_in_memory().unwrap();
    let mut csv = b"First Name,Last Name,Notes\nAda,Lovelace,short\nHuge,Row,".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    csv.extend(b"\nBob,Smith,fine\n");
    let r = run(
        &mut db,
        &csv,
        "huge.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!((r.created, r.rejected.len()), (2, 1));
    assert_eq!(r.rejected[0].line, 3);
    assert_eq!(
        r.rejected[0].reason,
        "Notes: is 10485760 characters long; the limit is 100000"
    );
}

#[test]
fn formula_cells_are_stored_as_plain_text() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("formulas.csv"),
        "f.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(r.created, 2);
    let c = find(&db, "Cell");
    assert_eq!(c.first_name, "=HYPERLINK(\"http://evil.example\")");
    assert_eq!(c.notes.as_deref(), Some("+SUM(A1:A2)"));
}

#[test]
fn empty_and_binary_files_are_refused_before_anything_is_written() {
    let err = table::read(&fixture("empty.csv"), "empty.csv").unwrap_err();
    assert!(err.to_string().contains("empty.csv is empty"), "{err}");
    let err = table::read(&fixture("binary.csv"), "binary.csv").unwrap_err();
    assert!(
        err.to_string().contains("binary.csv is not a text file"),
        "{err}"
    );
}

#[test]
fn duplicates_are_skipped_updated_or_created_as_asked() {
    let mut db = Db::open_in_memory().unwrap();
    let existing = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "Ada@Engines.example".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let csv = b"First Name,Last Name,Email,Mobile,Tags\nAda,Lovelace,ada@engines.example,+44 7700 900123,imported\n";
    let r = run(&mut db, csv, "a.csv", ImportEntity::Contacts, Dedup::Skip);
    assert_eq!((r.created, r.updated, r.skipped), (0, 0, 1));
    let r = run(&mut db, csv, "a.csv", ImportEntity::Contacts, Dedup::Update);
    assert_eq!((r.created, r.updated), (0, 1));
    let ada = contacts::get(db.conn(), &existing.id).unwrap();
    assert_eq!(ada.emails.len(), 1, "the same address is not added twice");
    assert_eq!(ada.phones[0].number, "+44 7700 900123");
    assert_eq!(ada.tags, ["imported"]);
    let r = run(&mut db, csv, "a.csv", ImportEntity::Contacts, Dedup::Create);
    assert_eq!(r.created, 1);
    assert_eq!(names(&db).len(), 2);
}

#[test]
fn accounts_match_by_web_domain_and_name() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("accounts-salesforce.csv"),
        "accounts.csv",
        ImportEntity::Accounts,
        Dedup::Skip,
    );
    assert_eq!((r.created, r.skipped, r.rejected.len()), (1, 1, 1), "{r:?}");
    assert!(
        r.rejected[0].reason.starts_with("Annual Revenue:"),
        "{}",
        r.rejected[0].reason
    );
    let acme = rapport_core::people::accounts::find_by_name(db.conn(), "acme rockets")
        .unwrap()
        .remove(0);
    assert_eq!(acme.annual_revenue.unwrap().amount_minor, 125_000_050);
    assert_eq!(acme.employee_count, Some(120));
}

#[test]
fn an_import_is_one_batch_undone_as_a_whole_and_a_cancelled_one_writes_nothing() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("outlook-utf16.csv"),
        "o.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(names(&db).len(), 2);
    changelog::undo(&mut db, r.batch_id.as_deref().unwrap()).unwrap();
    assert!(names(&db).is_empty());
    assert!(
        rapport_core::people::accounts::find_by_name(db.conn(), "Müller & Söhne GmbH")
            .unwrap()
            .is_empty(),
        "the account it created went too"
    );

    let t = table::read(&fixture("outlook-utf16.csv"), "o.csv").unwrap();
    let report = import::import(&mut db, &t, &ImportOptions::default(), &mut |_, _| false).unwrap();
    assert!(report.cancelled);
    assert!(names(&db).is_empty());
}

#[test]
fn the_preview_shows_what_each_row_will_become_and_writes_nothing() {
    let mut db = Db::open_in_memory().unwrap();
    let t = table::read(&fixture("google-contacts.csv"), "g.csv").unwrap();
    let rows = import::preview(&mut db, &t, &ImportOptions::default(), 10).unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["create", "reject", "skip"]);
    assert!(
        rows[0]
            .values
            .contains(&("E-mail".to_owned(), "ada@engines.example".to_owned()))
    );
    assert!(names(&db).is_empty());
}

#[test]
fn a_mapping_without_a_name_is_refused_with_what_to_do() {
    let mut db = Db::open_in_memory().unwrap();
    let t = table::read(b"Colour,Size\nred,L\n", "shirts.csv").unwrap();
    let err = import::import(&mut db, &t, &ImportOptions::default(), &mut |_, _| true).unwrap_err();
    assert!(
        err.to_string()
            .contains("map a column to the first, last or full name"),
        "{err}"
    );
}

#[test]
fn vcards_from_phones_and_address_books_import_and_round_trip() {
    // A 2.1 card from an old phone (quoted-printable, Latin-1), a 3.0 card from a CardDAV
    // server, a 4.0 card with a group prefix and a folded note.
    let file = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n\
        TEL;CELL:+49 171 1234567\r\nEMAIL;INTERNET:juergen@mueller.example\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:3.0\r\nN:Hopper;Grace;Brewster;;\r\nFN:Grace Hopper\r\nORG:Navy\\, US;Research\r\n\
        TITLE:Rear Admiral\r\nEMAIL;TYPE=INTERNET,WORK:grace@navy.example\r\nTEL;TYPE=WORK,VOICE:+1 202 555 0100\r\n\
        ADR;TYPE=WORK:;;1 Main St;Arlington;VA;22201;USA\r\nBDAY:1906-12-09\r\nCATEGORIES:vip,navy\r\nEND:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Solo\r\nitem1.EMAIL;TYPE=home:solo@example.com\r\n\
        NOTE:Met at the fair\\, liked\r\n  the demo\r\nEND:VCARD\r\n";
    let mut db = Db::open_in_memory().unwrap();
    let report = run(
        &mut db,
        file.as_bytes(),
        "contacts.vcf",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(
        (report.created, report.rejected.len()),
        (3, 0),
        "{report:?}"
    );
    let juergen = find(&db, "juergen@mueller.example");
    assert_eq!(
        (juergen.first_name.as_str(), juergen.last_name.as_str()),
        ("Jürgen", "Müller")
    );
    assert_eq!(juergen.phones[0].label, "mobile");
    let grace = find(&db, "grace@navy.example");
    assert_eq!(grace.first_name, "Grace Brewster");
    assert_eq!(grace.account_name.as_deref(), Some("Navy, US"));
    assert_eq!(grace.title.as_deref(), Some("Rear Admiral"));
    assert_eq!(grace.addresses[0].city.as_deref(), Some("Arlington"));
    assert_eq!(grace.addresses[0].postal_code.as_deref(), Some("22201"));
    assert_eq!(grace.birthday.as_deref(), Some("1906-12-09"));
    assert_eq!(grace.tags, ["navy", "vip"]);
    let solo = find(&db, "solo@example.com");
    assert_eq!(solo.last_name, "Solo");
    assert_eq!(
        solo.notes.as_deref(),
        Some("Met at the fair, liked the demo")
    );

    // Out as vCard 4.0 and 3.0, and back in: the same people.
    let dir = tempfile::tempdir().unwrap();
    for version in [
        rapport_core::data::vcard::VcardVersion::V4,
        rapport_core::data::vcard::VcardVersion::V3,
    ] {
        let path = dir.path().join("out.vcf");
        let written = rapport_core::data::vcard::export(db.conn(), &path, version, None).unwrap();
        assert_eq!(written.cards, 3);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
        let mut copy = Db::open_in_memory().unwrap();
        let again = run(
            &mut copy,
            text.as_bytes(),
            "out.vcf",
            ImportEntity::Contacts,
            Dedup::Skip,
        );
        assert_eq!(again.created, 3, "{version:?}: {again:?}");
        assert_eq!(names(&copy), names(&db), "{version:?}");
        let g = find(&copy, "grace@navy.example");
        assert_eq!(g.account_name.as_deref(), Some("Navy, US"));
        assert_eq!(g.birthday.as_deref(), Some("1906-12-09"));
        assert_eq!(g.addresses[0].street.as_deref(), Some("1 Main St"));
        assert_eq!(g.tags, ["navy", "vip"]);
        assert_eq!(
            find(&copy, "solo@example.com").notes.as_deref(),
            Some("Met at the fair, liked the demo")
        );
    }

    // A card that is not one is refused by name, and nothing is imported.
    let broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half a card\r\n";
    match table::read(broken.as_bytes(), "broken.vcf") {
        Err(e) => assert!(e.to_string().contains("broken.vcf"), "{e}"),
        Ok(t) => {
            let mut db = Db::open_in_memory().unwrap();
            let r = run(
                &mut db,
                broken.as_bytes(),
                "broken.vcf",
                ImportEntity::Contacts,
                Dedup::Skip,
            );
            assert_eq!(t.rows.len() as u64, r.rows_read);
        }
    }
}

#[test]
fn deals_from_a_pipedrive_export_land_in_their_stages_with_their_companies_and_people() {
    let mut db = Db::open_in_memory().unwrap();
    contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "ada@engines.example".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let csv = "Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Expected close date,Organization - Name,Person - Email,Deal - Lost reason,Deal - Probability\n\
        Two engines,\"5,000.00\",EUR,Proposal sent,2026-12-15,Engines Ltd,ada@engines.example,,60\n\
        Fleet renewal,12000,GBP,Lost,2026-10-01,Fleet Co,,Chose a competitor,\n\
        Old lost one,300,EUR,Lost,2026-09-01,Fleet Co,,,\n\
        Mystery,100,EUR,Daydreaming,,Nowhere Inc,,,\n\
        Two engines,5500,EUR,Negotiation,,Engines Ltd,,,\n";
    let report = run(
        &mut db,
        csv.as_bytes(),
        "deals.csv",
        ImportEntity::Opportunities,
        Dedup::Update,
    );
    assert_eq!(
        (report.created, report.updated, report.rejected.len()),
        (3, 1, 1),
        "{report:?}"
    );
    assert_eq!(report.rejected[0].line, 5);
    assert!(
        report.rejected[0].reason.contains("Deal - Stage")
            && report.rejected[0]
                .reason
                .contains("\"Daydreaming\" is not a stage"),
        "{:?}",
        report.rejected[0]
    );
    let deals = rapport_core::sales::opportunities::list(db.conn(), &Default::default())
        .unwrap()
        .items;
    let two = deals.iter().find(|d| d.name == "Two engines").unwrap();
    let two = rapport_core::sales::opportunities::get(db.conn(), &two.id).unwrap();
    assert_eq!(
        two.stage_name, "Negotiation",
        "the second row updated the first: a move"
    );
    assert_eq!(two.amount.as_ref().unwrap().amount_minor, 550_000);
    assert_eq!(two.probability_override, Some(60));
    assert_eq!(two.account_name.as_deref(), Some("Engines Ltd"));
    assert_eq!(two.contacts[0].name, "Ada Lovelace");
    assert_eq!(
        rapport_core::sales::opportunities::stage_history(db.conn(), &two.id)
            .unwrap()
            .len(),
        2
    );
    let fleet = deals.iter().find(|d| d.name == "Fleet renewal").unwrap();
    let fleet = rapport_core::sales::opportunities::get(db.conn(), &fleet.id).unwrap();
    assert_eq!(fleet.lost_reason.as_deref(), Some("Chose a competitor"));
    let old = deals.iter().find(|d| d.name == "Old lost one").unwrap();
    let old = rapport_core::sales::opportunities::get(db.conn(), &old.id).unwrap();
    assert_eq!(
        old.lost_reason.as_deref(),
        Some("Not recorded"),
        "a lost deal without a reason still imports"
    );
    assert_eq!(
        rapport_core::people::accounts::find_by_name(db.conn(), "Fleet Co")
            .unwrap()
            .len(),
        1,
        "one company for both of its deals"
    );
}

#[test]
fn a_product_catalogue_imports_from_a_german_spreadsheet_and_round_trips() {
    let mut db = Db::open_in_memory().unwrap();
    // Semicolons, decimal commas, a euro sign, a percent sign and a discontinued product.
    let csv = "Artikelnummer;Bezeichnung;Einheit;Preis;MwSt;Status\n\
               PRN-1;Etikettendrucker ZT-410;Stück;1.234,50 €;19%;active\n\
               SRV-H;Installation;Stunde;120,00;19;active\n\
               OLD-9;Altes Modell;Stück;99;7;discontinued\n";
    let report = run(
        &mut db,
        csv.as_bytes(),
        "artikel.csv",
        ImportEntity::Products,
        Dedup::Skip,
    );
    assert_eq!(
        (report.created, report.rejected.len()),
        (3, 0),
        "{report:?}"
    );
    let p = rapport_core::sales::products::find(db.conn(), "PRN-1")
        .unwrap()
        .unwrap();
    assert_eq!(p.name, "Etikettendrucker ZT-410");
    assert_eq!(p.unit.as_deref(), Some("Stück"));
    assert_eq!(
        (p.unit_price.amount_minor, p.unit_price.currency.as_str()),
        (123_450, "EUR")
    );
    assert_eq!(p.tax_rate_bp, 1900);
    let old = rapport_core::sales::products::find(db.conn(), "old-9")
        .unwrap()
        .unwrap();
    assert!(!old.active);
    assert_eq!(old.tax_rate_bp, 700);

    // A new price list updates prices by SKU; a blank cell keeps what was there; a new product
    // without a price is refused, saying why.
    let prices = "SKU,Price,Currency\nPRN-1,1299.00,EUR\nSRV-H,,EUR\nNEW-1,,EUR\n";
    let report = run(
        &mut db,
        prices.as_bytes(),
        "prices.csv",
        ImportEntity::Products,
        Dedup::Update,
    );
    assert_eq!(report.updated, 2, "{report:?}");
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].line, 4, "{report:?}");
    assert!(report.rejected[0].reason.contains("amount"), "{report:?}");
    let p = rapport_core::sales::products::find(db.conn(), "PRN-1")
        .unwrap()
        .unwrap();
    assert_eq!(p.unit_price.amount_minor, 129_900);
    assert_eq!(p.name, "Etikettendrucker ZT-410", "the name stays");
    let s = rapport_core::sales::products::find(db.conn(), "SRV-H")
        .unwrap()
        .unwrap();
    assert_eq!(
        s.unit_price.amount_minor, 12_000,
        "a blank price keeps the old one"
    );

    // Exported and imported into another file, the catalogue is the same.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("products.csv");
    rapport_core::data::export::csv(
        db.conn(),
        rapport_core::data::export::ExportEntity::Products,
        &out,
    )
    .unwrap();
    let mut other = Db::open_in_memory().unwrap();
    let bytes = std::fs::read(&out).unwrap();
    let report = run(
        &mut other,
        &bytes,
        "products.csv",
        ImportEntity::Products,
        Dedup::Skip,
    );
    assert_eq!(report.created, 3, "{report:?}");
    let strip = |list: Vec<rapport_core::sales::products::Product>| -> Vec<(String, String, Option<String>, i64, i64, bool)> {
        list.into_iter()
            .map(|p| (p.sku, p.name, p.unit, p.unit_price.amount_minor, p.tax_rate_bp, p.active))
            .collect()
    };
    assert_eq!(
        strip(rapport_core::sales::products::list(other.conn(), None, true).unwrap()),
        strip(rapport_core::sales::products::list(db.conn(), None, true).unwrap())
    );
}

#[test]
fn a_refused_row_deep_in_a_big_file_costs_only_itself() {
    // 1,200 rows: more than one chunk of writes. Row 800 has a bad e-mail; row 900 repeats the
    // e-mail of row 600, in the same chunk as the refused row; row 1,100 repeats row 850's,
    // written after the chunk was rolled back and written again; the refused row's company is
    // named nowhere else. Expected: 1,197 created, 2 skipped as duplicates, 1 rejected (line
    // 801, the header being line 1), and no trace of the refused row, its company included.
    let mut csv = String::from("First Name,Last Name,E-mail Address,Company,Mobile Phone\n");
    for i in 1..=1200 {
        let email = match i {
            800 => "not-an-email".to_owned(),
            900 => "person600@example.com".to_owned(),
            1100 => "person850@example.com".to_owned(),
            _ => format!("person{i}@example.com"),
        };
        let company = if i == 800 { "Only Refused Ltd" } else { "Acme" };
        csv.push_str(&format!("P{i},Row{i},{email},{company},+33 6 12 {i:06}\n"));
    }
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        csv.as_bytes(),
        "big.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(
        (r.created, r.skipped, r.rejected.len()),
        (1197, 2, 1),
        "{r:?}"
    );
    assert_eq!(r.rejected[0].line, 801);
    assert!(r.rejected[0].reason.contains("not-an-email"), "{r:?}");
    let total = contacts::list(db.conn(), &ContactQuery::default())
        .unwrap()
        .total;
    assert_eq!(total, Some(1197));
    assert!(
        rapport_core::people::accounts::find_by_name(db.conn(), "Only Refused Ltd")
            .unwrap()
            .is_empty(),
        "the refused row's company was not created"
    );
    // Numbers parsed ahead of the writes are stored normalised as any other.
    let e164: String = db
        .conn()
        .query_row(
            "SELECT e164 FROM contact_phones WHERE number = '+33 6 12 001200'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(e164, "+33612001200");
    // The batch is still one batch: undoing it removes every row.
    changelog::undo(&mut db, r.batch_id.as_deref().unwrap()).unwrap();
    assert!(names(&db).is_empty());
}

#[test]
fn google_and_outlook_exports_keep_job_titles_and_say_what_is_left_out() {
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("google-contacts-2024.csv"),
        "google-contacts-2024.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(r.created, 3, "{r:?}");
    assert_eq!(
        find(&db, "Lovelace").title.as_deref(),
        Some("Head of Research")
    );
    assert_eq!(find(&db, "Hopper").title.as_deref(), Some("Rear Admiral"));
    // Every non-empty column that is not imported is named with its count.
    let left: Vec<(String, u64)> = r
        .unimported
        .iter()
        .map(|u| (u.column.clone(), u.cells))
        .collect();
    assert!(left.contains(&("Website 1 - Value".into(), 2)), "{left:?}");
    assert!(left.contains(&("Name Prefix".into(), 1)), "{left:?}");
    assert!(left.contains(&("Nickname".into(), 1)), "{left:?}");
    assert!(
        !left
            .iter()
            .any(|(c, _)| c == "Organization Title" || c == "Middle Name"),
        "mapped or empty columns are not warned about: {left:?}"
    );
    let site = r
        .unimported
        .iter()
        .find(|u| u.column == "Website 1 - Value")
        .unwrap();
    assert_eq!(
        site.message,
        "Website 1 - Value: 2 non-empty cells not imported"
    );

    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("outlook-contacts.csv"),
        "outlook-contacts.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(r.created, 2, "{r:?}");
    // The salutation (Ms, Mr) is not the job title.
    assert_eq!(
        find(&db, "Lovelace").title.as_deref(),
        Some("Head of Research")
    );
    assert_eq!(find(&db, "Turing").title.as_deref(), Some("Cryptanalyst"));
    let left: Vec<&str> = r.unimported.iter().map(|u| u.column.as_str()).collect();
    assert!(left.contains(&"Title"), "{left:?}");
    assert!(left.contains(&"Web Page"), "{left:?}");

    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        &fixture("outlook-de.csv"),
        "outlook-de.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(r.created, 1, "{r:?}");
    let zoe = find(&db, "Müller");
    assert_eq!(zoe.title.as_deref(), Some("Geschäftsführerin"));
    assert_eq!(zoe.account_name.as_deref(), Some("Müller & Söhne GmbH"));
    assert_eq!(zoe.emails[0].address, "zoe@mueller.example");
    assert_eq!(zoe.phones[0].number, "+49 221 123456");
    assert_eq!(zoe.addresses[0].city.as_deref(), Some("Köln"));
    assert_eq!(zoe.addresses[0].postal_code.as_deref(), Some("50667"));
    let left: Vec<&str> = r.unimported.iter().map(|u| u.column.as_str()).collect();
    assert_eq!(left, ["Anrede", "Webseite"]);
}

#[test]
fn the_inspection_counts_filled_cells_so_the_preview_can_warn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.csv");
    std::fs::write(&path, fixture("google-contacts-2024.csv")).unwrap();
    let db = Db::open_in_memory().unwrap();
    let i = import::inspect(db.conn(), &path, ImportEntity::Contacts).unwrap();
    let at = i
        .headers
        .iter()
        .position(|h| h == "Website 1 - Value")
        .unwrap();
    assert_eq!(i.filled[at], 2);
    assert_eq!(i.mapping[at], None);
    let warned = import::unimported_columns(&i.headers, &i.filled, &i.mapping);
    assert!(
        warned
            .iter()
            .any(|u| u.message == "Website 1 - Value: 2 non-empty cells not imported"),
        "{warned:?}"
    );
}

#[test]
fn rejected_rows_name_the_physical_line_of_the_file() {
    let mut db = Db::open_in_memory().unwrap();
    // CRLF endings, a blank line and a note over two lines before the bad row.
    let csv = "First Name,Last Name,Email,Notes\r\nAda,Lovelace,ada@x.example,\"two\r\nlines\"\r\n\r\nBob,Bad,not-an-address,\r\n";
    let r = run(
        &mut db,
        csv.as_bytes(),
        "crlf.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    assert_eq!(r.rejected[0].line, 5, "{r:?}");
}

#[test]
fn undoing_a_big_import_removes_every_row_it_wrote_and_its_search_documents() {
    // 1,500 rows: several chunks, more records than a write counts as big (its page cache is
    // raised, then put back), companies named by many rows (created once, found after).
    let mut csv = String::from("First Name,Last Name,E-mail Address,Company,Mobile Phone\n");
    for i in 1..=1500 {
        csv.push_str(&format!(
            "Zed{i},Quokka{i},zq{i}@example.com,Company {},+33 6 12 {i:06}\n",
            i % 40
        ));
    }
    let mut db = Db::open_in_memory().unwrap();
    let cache: i64 = db
        .conn()
        .pragma_query_value(None, "cache_size", |r| r.get(0))
        .unwrap();
    let r = run(
        &mut db,
        csv.as_bytes(),
        "big.csv",
        ImportEntity::Contacts,
        Dedup::Skip,
    );
    assert_eq!((r.created, r.rejected.len()), (1500, 0), "{r:?}");
    let count = |db: &Db, table: &str| -> i64 {
        db.conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&db, "accounts"), 40);
    assert_eq!(count(&db, "contact_phones"), 1500);
    let found = rapport_core::store::search::search(db.conn(), "quokka1499", 8).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        db.conn()
            .pragma_query_value(None, "cache_size", |r| r.get::<_, i64>(0))
            .unwrap(),
        cache,
        "the page cache is back to its size"
    );

    changelog::undo(&mut db, r.batch_id.as_deref().unwrap()).unwrap();
    for table in [
        "contacts",
        "contact_emails",
        "contact_phones",
        "accounts",
        "search_docs",
    ] {
        assert_eq!(count(&db, table), 0, "{table}");
    }
    for text in ["quokka", "zed1", "company", "zq1499"] {
        assert!(
            rapport_core::store::search::search(db.conn(), text, 8)
                .unwrap()
                .is_empty(),
            "{text}"
        );
    }
}

#[test]
fn a_first_chunk_rolled_back_on_a_new_file_logs_every_row_under_its_own_kind() {
    // On a new file the first rows write the first changes of their kinds. Row 3 is refused
    // (probability 150) after its company, the file's first, was written: the import starts
    // again with savepoints, and the rollback of row 3's savepoint takes the code of the kind
    // "account" away with it. Row 4 then brings the first lost reason, whose kind may take
    // that code; row 5 brings another company. Each change must still name the table its row
    // is in, and undo must find every row.
    let csv = "Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Organization - Name,Deal - Lost reason,Deal - Probability\n\
               One,100,EUR,Proposal sent,,,\n\
               Two,100,EUR,Proposal sent,,,\n\
               Three,100,EUR,Proposal sent,Gamma,,150\n\
               Four,100,EUR,Lost,,Too dear,\n\
               Five,100,EUR,Proposal sent,Acme,,\n";
    let mut db = Db::open_in_memory().unwrap();
    let r = run(
        &mut db,
        csv.as_bytes(),
        "small.csv",
        ImportEntity::Opportunities,
        Dedup::Skip,
    );
    assert_eq!((r.created, r.rejected.len()), (4, 1), "{r:?}");
    let batch = r.batch_id.unwrap();
    let logged: Vec<(String, String)> = db
        .conn()
        .prepare("SELECT entity, entity_id FROM change_entries WHERE batch_id = ?1")
        .unwrap()
        .query_map([&batch], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        logged.iter().map(|(entity, _)| entity.as_str()).collect();
    assert!(
        kinds.contains("accounts") && kinds.contains("opportunities"),
        "{logged:?}"
    );
    for (entity, id) in &logged {
        let there: bool = db
            .conn()
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {entity} WHERE id = ?1)"),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(there, "{entity} {id} is logged under the wrong kind");
    }
    assert!(
        rapport_core::people::accounts::find_by_name(db.conn(), "Gamma")
            .unwrap()
            .is_empty(),
        "Gamma went with its row"
    );
    changelog::undo(&mut db, &batch).unwrap();
    for table in ["opportunities", "accounts"] {
        let n: i64 = db
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[test]
fn a_row_refused_after_its_company_was_written_leaves_nothing_behind() {
    // The deal's company is created before the deal is checked, and the deal's probability
    // (150) is refused only then: the import starts again with savepoints, and the refused
    // row's company goes with it. The rows around it are imported once each.
    let mut db = Db::open_in_memory().unwrap();
    let csv = "Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Organization - Name,Deal - Probability\n\
        First deal,100,EUR,Proposal sent,Steady Co,\n\
        Overconfident,100,EUR,Proposal sent,Halfway Ltd,150\n\
        Second deal,200,EUR,Proposal sent,Steady Co,\n";
    let report = run(
        &mut db,
        csv.as_bytes(),
        "deals.csv",
        ImportEntity::Opportunities,
        Dedup::Update,
    );
    assert_eq!(
        (report.created, report.updated, report.rejected.len()),
        (2, 0, 1),
        "{report:?}"
    );
    assert_eq!(report.rejected[0].line, 3);
    assert!(
        report.rejected[0]
            .reason
            .contains("150 is not a percentage"),
        "{report:?}"
    );
    let accounts = |db: &Db, name: &str| {
        rapport_core::people::accounts::find_by_name(db.conn(), name)
            .unwrap()
            .len()
    };
    assert_eq!(
        accounts(&db, "Halfway Ltd"),
        0,
        "the refused row's company is gone"
    );
    assert_eq!(accounts(&db, "Steady Co"), 1);
    let deals = rapport_core::sales::opportunities::list(db.conn(), &Default::default())
        .unwrap()
        .items;
    let mut names: Vec<_> = deals.iter().map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["First deal", "Second deal"]);
    changelog::undo(&mut db, report.batch_id.as_deref().unwrap()).unwrap();
    assert_eq!(
        accounts(&db, "Steady Co"),
        0,
        "one batch, undone as a whole"
    );
}
