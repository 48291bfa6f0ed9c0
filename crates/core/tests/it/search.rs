//! Global search: finds people and companies by any word they are known by, and never
//! breaks on what a person types.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::Db;
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, EmailEntry, PhoneEntry};
use rapport_core::store::search::{self, SearchGroup};

fn titles(groups: &[SearchGroup], entity: &str) -> Vec<String> {
    groups
        .iter()
        .find(|g| g.entity == entity)
        .map(|g| g.hits.iter().map(|h| h.title.clone()).collect())
        .unwrap_or_default()
}

fn seed() -> (Db, String, String) {
    let mut db = Db::open_in_memory().unwrap();
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme Rockets".into(),
            industry: Some("Aerospace".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let ada = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            title: Some("Analyst".into()),
            account_id: Some(acme.id.clone()),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "ada@engines.example".into(),
            }],
            phones: vec![PhoneEntry {
                label: "work".into(),
                number: "+44 (20) 7946-0958".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    for (first, last) in [("Adam", "Smith"), ("Grace", "Adams"), ("Alan", "Turing")] {
        contacts::create(
            &mut db,
            &ContactInput {
                first_name: first.into(),
                last_name: last.into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    (db, acme.id, ada.id)
}

#[test]
fn finds_by_name_prefix_email_phone_company_and_title() {
    let (db, _, _) = seed();
    let find = |q: &str| search::search(db.conn(), q, 10).unwrap();
    assert_eq!(titles(&find("lovel"), "contacts"), ["Ada Lovelace"]);
    assert_eq!(
        titles(&find("ada"), "contacts"),
        ["Ada Lovelace", "Adam Smith", "Grace Adams"],
        "a name starting with the text ranks first"
    );
    assert_eq!(titles(&find("engines"), "contacts"), ["Ada Lovelace"]);
    assert_eq!(
        titles(&find("2079460958"), "contacts"),
        ["Ada Lovelace"],
        "phone digits"
    );
    assert_eq!(
        titles(&find("acme"), "contacts"),
        ["Ada Lovelace"],
        "by the account's name"
    );
    assert_eq!(titles(&find("acme"), "accounts"), ["Acme Rockets"]);
    assert_eq!(titles(&find("aero"), "accounts"), ["Acme Rockets"]);
    assert_eq!(
        titles(&find("ada analyst"), "contacts"),
        ["Ada Lovelace"],
        "every word must match"
    );
    assert!(find("zzz").is_empty());
}

#[test]
fn hostile_input_never_errors() {
    let (db, _, _) = seed();
    for q in [
        "\"",
        "\"ada",
        "ada\"",
        "a AND",
        "OR",
        "NOT ada",
        "*",
        "ada*",
        "-ada",
        "(ada",
        "ada)",
        "NEAR(ada lovelace)",
        "ada:lovelace",
        "{title}: ada",
        "^ada",
        "'; DROP TABLE contacts; --",
        "\u{0}",
        "ß",
        "日本",
        &"a".repeat(100_000),
        "",
    ] {
        let result = search::search(db.conn(), q, 10);
        assert!(result.is_ok(), "{q:?}: {result:?}");
    }
    assert_eq!(
        titles(
            &search::search(db.conn(), "\"lovelace", 10).unwrap(),
            "contacts"
        ),
        ["Ada Lovelace"]
    );
}

#[test]
fn the_index_follows_every_write() {
    let (mut db, acme, ada) = seed();
    let find = |db: &Db, q: &str| titles(&search::search(db.conn(), q, 10).unwrap(), "contacts");

    let mut edit = ContactInput::from(&contacts::get(db.conn(), &ada).unwrap());
    edit.last_name = "Byron".into();
    contacts::update(&mut db, &ada, &edit).unwrap();
    assert!(find(&db, "lovelace").is_empty());
    assert_eq!(find(&db, "byron"), ["Ada Byron"]);

    // Renaming the account re-indexes the people who work there.
    let mut company = AccountInput::from(&accounts::get(db.conn(), &acme).unwrap());
    company.name = "Zenith Rockets".into();
    accounts::update(&mut db, &acme, &company).unwrap();
    assert_eq!(find(&db, "zenith"), ["Ada Byron"]);
    assert!(find(&db, "acme").is_empty());

    contacts::delete(&mut db, &ada).unwrap();
    assert!(find(&db, "byron").is_empty());
    accounts::delete(&mut db, &acme).unwrap();
    assert!(
        titles(
            &search::search(db.conn(), "zenith", 10).unwrap(),
            "accounts"
        )
        .is_empty()
    );
}

#[test]
fn a_rebuild_gives_the_same_answers() {
    let (db, _, _) = seed();
    let before = search::search(db.conn(), "ad", 10).unwrap();
    search::rebuild(db.conn()).unwrap();
    assert_eq!(search::search(db.conn(), "ad", 10).unwrap(), before);
}
