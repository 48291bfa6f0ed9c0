//! Duplicates: warned about on entry, found by a scan, merged with the user's picks, and the
//! merge undone from the change log.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{
    self, ContactInput, EmailEntry, MergeChoices, MergeSide, PhoneEntry,
};
use rapport_core::store::changelog;
use rapport_core::{Db, ErrorCode, people::duplicates, store::search};
use rusqlite::types::Value;

fn person(
    first: &str,
    last: &str,
    email: Option<&str>,
    phone: Option<&str>,
    account: Option<&str>,
) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        account_id: account.map(str::to_owned),
        emails: email
            .map(|e| EmailEntry {
                label: "work".into(),
                address: e.into(),
            })
            .into_iter()
            .collect(),
        phones: phone
            .map(|p| PhoneEntry {
                label: "mobile".into(),
                number: p.into(),
            })
            .into_iter()
            .collect(),
        ..Default::default()
    }
}

fn account(db: &mut Db, name: &str, website: Option<&str>) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            website: website.map(str::to_owned),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

#[test]
fn entering_a_likely_duplicate_names_the_existing_record_and_why() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme", None);
    let other_co = account(&mut db, "Other Co", None);
    let john = contacts::create(
        &mut db,
        &person(
            "John",
            "Smith",
            Some("john@acme.example"),
            Some("+44 20 7946 0958"),
            Some(&acme),
        ),
    )
    .unwrap();

    let reasons = |input: &ContactInput| -> Vec<String> {
        duplicates::likely_contacts(db.conn(), input, None)
            .unwrap()
            .into_iter()
            .map(|m| m.reason)
            .collect()
    };
    assert_eq!(
        reasons(&person("J", "S", Some("JOHN@acme.example"), None, None)),
        ["same e-mail john@acme.example"]
    );
    assert_eq!(
        reasons(&person("J", "S", None, Some("+44 (0)20-7946-0958"), None)),
        ["same phone +442079460958"]
    );
    assert_eq!(
        reasons(&person("Jon", "Smith", None, None, Some(&acme))),
        ["similar name at the same account (John Smith)"]
    );
    assert!(
        reasons(&person("Jon", "Smith", None, None, Some(&other_co))).is_empty(),
        "another company"
    );
    assert!(
        reasons(&person(
            "Jane",
            "Doe",
            Some("jane@x.example"),
            None,
            Some(&acme)
        ))
        .is_empty()
    );
    let editing = duplicates::likely_contacts(
        db.conn(),
        &person("John", "Smith", Some("john@acme.example"), None, None),
        Some(&john.id),
    )
    .unwrap();
    assert!(editing.is_empty(), "a record is not its own duplicate");
}

#[test]
fn the_scan_groups_duplicates_with_their_reasons() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme Tools Ltd", Some("https://www.acme.example"));
    let acme2 = account(&mut db, "ACME Tools", None);
    let acme3 = account(&mut db, "Acme Trading", Some("acme.example/shop"));
    account(&mut db, "Zenith", None);
    let a = contacts::create(
        &mut db,
        &person("Ada", "Lovelace", Some("ada@x.example"), None, None),
    )
    .unwrap();
    let b = contacts::create(
        &mut db,
        &person(
            "Ada",
            "King",
            Some("ADA@x.example"),
            Some("+1 206 555 0142"),
            None,
        ),
    )
    .unwrap();
    let c = contacts::create(
        &mut db,
        &person("Augusta", "King", None, Some("+1 (206) 555-0142"), None),
    )
    .unwrap();
    let d = contacts::create(
        &mut db,
        &person("Katherine", "Johnson", None, None, Some(&acme)),
    )
    .unwrap();
    let e = contacts::create(
        &mut db,
        &person("Katharine", "Johnson", None, None, Some(&acme)),
    )
    .unwrap();
    contacts::create(
        &mut db,
        &person("Grace", "Hopper", Some("grace@x.example"), None, None),
    )
    .unwrap();

    let groups = duplicates::scan(db.conn()).unwrap();
    let ids =
        |g: &duplicates::DuplicateGroup| g.records.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(groups.len(), 3, "{groups:#?}");
    let people: Vec<_> = groups.iter().filter(|g| g.entity == "contacts").collect();
    let abc = people.iter().find(|g| g.records.len() == 3).unwrap();
    assert_eq!(
        ids(abc),
        [a.id, b.id, c.id],
        "linked through e-mail then phone; oldest first"
    );
    assert!(
        abc.reasons
            .contains(&"same e-mail ada@x.example".to_owned())
    );
    assert!(abc.reasons.contains(&"same phone +12065550142".to_owned()));
    let de = people.iter().find(|g| g.records.len() == 2).unwrap();
    assert_eq!(ids(de), [d.id, e.id]);
    assert_eq!(de.reasons, ["similar name at the same account"]);
    let companies = groups.iter().find(|g| g.entity == "accounts").unwrap();
    assert_eq!(ids(companies), [acme, acme2, acme3]);
    assert!(
        companies
            .reasons
            .contains(&"same name \"acme tools\"".to_owned())
    );
    assert!(
        companies
            .reasons
            .contains(&"same website acme.example".to_owned())
    );
}

fn tag(db: &mut Db, contact: &str, name: &str) {
    db.write(|w| {
        let tag_id: Option<String> = w
            .conn()
            .query_row("SELECT id FROM tags WHERE name = ?1", [name], |r| r.get(0))
            .ok();
        let tag_id = match tag_id {
            Some(id) => id,
            None => {
                let id = rapport_core::new_id();
                w.insert("tags", &id, &[("name", Value::Text(name.into()))])?;
                id
            }
        };
        w.insert(
            "taggings",
            &rapport_core::new_id(),
            &[
                ("tag_id", Value::Text(tag_id)),
                ("entity", Value::Text("contacts".into())),
                ("entity_id", Value::Text(contact.into())),
            ],
        )
    })
    .unwrap();
}

fn tags_of(db: &Db, contact: &str) -> Vec<String> {
    let mut stmt = db
        .conn()
        .prepare("SELECT t.name FROM taggings g JOIN tags t ON t.id = g.tag_id WHERE g.entity_id = ?1 ORDER BY t.name")
        .unwrap();
    stmt.query_map([contact], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_merge_takes_the_picks_unites_the_rest_and_undoes_as_a_whole() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme", None);
    let mut a_in = person(
        "Ada",
        "Lovelace",
        Some("ada@x.example"),
        Some("+44 20 7946 0958"),
        None,
    );
    a_in.notes = Some("Met at the fair.".into());
    let a = contacts::create(&mut db, &a_in).unwrap();
    let mut b_in = person(
        "Augusta Ada",
        "King",
        Some("countess@y.example"),
        Some("+44 (20) 7946-0958"),
        Some(&acme),
    );
    b_in.title = Some("Countess".into());
    b_in.notes = Some("Prefers letters.".into());
    let b = contacts::create(&mut db, &b_in).unwrap();
    tag(&mut db, &a.id, "vip");
    tag(&mut db, &b.id, "vip");
    tag(&mut db, &b.id, "newsletter");
    let before_a = contacts::get(db.conn(), &a.id).unwrap();
    let before_b = contacts::get(db.conn(), &b.id).unwrap();

    let mut choices = MergeChoices::default();
    choices.fields.insert("last_name".into(), MergeSide::Other);
    let result = contacts::merge(&mut db, &a.id, &b.id, &choices).unwrap();
    let s = result.survivor;
    assert_eq!(
        (s.first_name.as_str(), s.last_name.as_str()),
        ("Ada", "King"),
        "picked"
    );
    assert_eq!(
        s.title.as_deref(),
        Some("Countess"),
        "empty on the survivor: taken from the other"
    );
    assert_eq!(s.account_id.as_deref(), Some(acme.as_str()));
    assert_eq!(
        s.notes.as_deref(),
        Some("Met at the fair.\n\nPrefers letters.")
    );
    let emails: Vec<&str> = s.emails.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(emails, ["ada@x.example", "countess@y.example"]);
    assert_eq!(
        s.phones.len(),
        1,
        "the same number written two ways is kept once"
    );
    assert_eq!(tags_of(&db, &a.id), ["newsletter", "vip"]);
    assert_eq!(
        contacts::get(db.conn(), &b.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
    let found = search::search(db.conn(), "countess", 5).unwrap();
    assert_eq!(
        found[0]
            .hits
            .iter()
            .map(|h| h.id.as_str())
            .collect::<Vec<_>>(),
        [a.id.as_str()]
    );

    changelog::undo(&mut db, &result.batch_id).unwrap();
    assert_eq!(
        contacts::get(db.conn(), &a.id).unwrap(),
        before_a,
        "survivor as it was, to the time stamps"
    );
    assert_eq!(
        contacts::get(db.conn(), &b.id).unwrap(),
        before_b,
        "the merged contact is back, same id"
    );
    assert_eq!(tags_of(&db, &a.id), ["vip"]);
    assert_eq!(tags_of(&db, &b.id), ["newsletter", "vip"]);
    let found = search::search(db.conn(), "countess", 5).unwrap();
    assert_eq!(
        found[0]
            .hits
            .iter()
            .map(|h| h.id.as_str())
            .collect::<Vec<_>>(),
        [b.id.as_str()]
    );

    let again = changelog::undo(&mut db, &result.batch_id).unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict, "{again}");
    assert_eq!(
        contacts::merge(&mut db, &a.id, &a.id, &choices)
            .unwrap_err()
            .code(),
        ErrorCode::Validation
    );
}

#[test]
fn merging_records_with_money_custom_values_works() {
    use rapport_core::records::fields::{self, CustomFieldInput, CustomValues, FieldKind};
    let mut db = Db::open_in_memory().unwrap();
    let budget = fields::define(
        &mut db,
        &CustomFieldInput {
            entity: "contacts".into(),
            label: "Budget".into(),
            kind: FieldKind::Money,
            options: vec![],
        },
    )
    .unwrap()
    .id;
    let mk = |db: &mut Db, first: &str, amount: &str| {
        let mut custom = CustomValues::new();
        custom.insert(budget.clone(), serde_json::json!(amount));
        contacts::create(
            db,
            &ContactInput {
                first_name: first.into(),
                custom,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let a = mk(&mut db, "Ann", "100.00 EUR");
    let b = mk(&mut db, "Ann", "250.00 EUR");
    let merged = contacts::merge(&mut db, &a.id, &b.id, &MergeChoices::default()).unwrap();
    assert_eq!(
        merged.survivor.custom[&budget],
        serde_json::json!({"amount_minor": 10000, "currency": "EUR"})
    );
    // Saving a record as read back (as the CLI's update does) keeps the value.
    let again = contacts::update(&mut db, &a.id, &ContactInput::from(&merged.survivor)).unwrap();
    assert_eq!(again.custom[&budget]["amount_minor"], 10000);
}

#[test]
fn undo_refuses_when_something_belonging_to_the_record_changed_since() {
    let mut db = Db::open_in_memory().unwrap();
    let c = contacts::create(&mut db, &person("Ada", "Lovelace", None, None, None)).unwrap();
    let created = changelog::for_entity(db.conn(), "contacts", &c.id).unwrap()[0]
        .batch_id
        .clone();
    let mut edit = ContactInput::from(&c);
    edit.emails.push(EmailEntry {
        label: "work".into(),
        address: "ada@later.example".into(),
    });
    contacts::update(&mut db, &c.id, &edit).unwrap();
    let err = changelog::undo(&mut db, &created).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(
        contacts::get(db.conn(), &c.id).is_ok(),
        "nothing was undone"
    );
}

#[test]
fn undo_brings_the_search_index_back_too() {
    let mut db = Db::open_in_memory().unwrap();
    let c = contacts::create(&mut db, &person("Ada", "Lovelace", None, None, None)).unwrap();
    let mut edit = ContactInput::from(&c);
    edit.emails.push(EmailEntry {
        label: "work".into(),
        address: "countess@engines.example".into(),
    });
    contacts::update(&mut db, &c.id, &edit).unwrap();
    assert_eq!(search::search(db.conn(), "countess", 5).unwrap().len(), 1);
    // The save touched only the e-mail rows: find its batch through the record's history.
    let edited = changelog::for_record_since(db.conn(), "contacts", &c.id, 0)
        .unwrap()
        .last()
        .unwrap()
        .batch_id
        .clone();
    changelog::undo(&mut db, &edited).unwrap();
    assert!(
        search::search(db.conn(), "countess", 5).unwrap().is_empty(),
        "the undone e-mail is no longer found"
    );
    assert_eq!(search::search(db.conn(), "lovelace", 5).unwrap().len(), 1);
}

#[test]
fn two_accounts_merge_with_everything_that_pointed_at_the_other_and_undo_as_one() {
    use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
    use rapport_core::sales::opportunities::{self, OpportunityInput};
    let mut db = Db::open_in_memory().unwrap();
    let other = accounts::create(
        &mut db,
        &AccountInput {
            name: "ACME Ltd.".into(),
            industry: Some("Engineering".into()),
            phone: Some("+44 20 7946 0958".into()),
            notes: Some("Met at the fair".into()),
            tags: vec!["Partner".into()],
            ..Default::default()
        },
    )
    .unwrap();
    // The survivor was entered as a subsidiary of its own duplicate.
    let survivor = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme Ltd".into(),
            website: Some("https://acme.example".into()),
            phone: Some("020 0000 0000".into()),
            notes: Some("Pays late".into()),
            parent_id: Some(other.id.clone()),
            tags: vec!["VIP".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let branch = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme North".into(),
            parent_id: Some(other.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let bob = contacts::create(
        &mut db,
        &person("Bob", "Stone", None, None, Some(&other.id)),
    )
    .unwrap();
    let deal = opportunities::create(
        &mut db,
        &OpportunityInput {
            name: "Spare parts".into(),
            account_id: Some(other.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let call = activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Call),
            subject: "Called the front desk".into(),
            links: vec![RecordRef {
                entity: "accounts".into(),
                id: other.id.clone(),
            }],
            ..Default::default()
        },
        chrono_tz::Tz::UTC,
    )
    .unwrap();
    let groups = duplicates::scan(db.conn()).unwrap();
    assert!(
        groups.iter().any(|g| g.entity == "accounts"),
        "the scan pairs the two: {groups:?}"
    );

    let mut choices = MergeChoices::default();
    choices.fields.insert("phone".into(), MergeSide::Other);
    let result = accounts::merge(&mut db, &survivor.id, &other.id, &choices).unwrap();
    let merged = result.survivor;
    assert_eq!(merged.name, "Acme Ltd", "the survivor's name, not picked");
    assert_eq!(merged.phone.as_deref(), Some("+44 20 7946 0958"), "picked");
    assert_eq!(
        merged.industry.as_deref(),
        Some("Engineering"),
        "the survivor had none"
    );
    assert_eq!(merged.website.as_deref(), Some("https://acme.example"));
    assert_eq!(
        merged.notes.as_deref(),
        Some("Pays late\n\nMet at the fair")
    );
    assert_eq!(merged.parent_id, None, "not its own parent");
    let mut tags = merged.tags;
    tags.sort();
    assert_eq!(tags, ["Partner", "VIP"]);
    assert_eq!(
        contacts::get(db.conn(), &bob.id)
            .unwrap()
            .account_id
            .as_deref(),
        Some(survivor.id.as_str())
    );
    assert_eq!(
        opportunities::get(db.conn(), &deal.id)
            .unwrap()
            .account_id
            .as_deref(),
        Some(survivor.id.as_str())
    );
    assert_eq!(
        accounts::get(db.conn(), &branch.id)
            .unwrap()
            .parent_id
            .as_deref(),
        Some(survivor.id.as_str())
    );
    let linked = activity::get(db.conn(), &call.id).unwrap().links;
    assert!(
        linked
            .iter()
            .any(|l| l.entity == "accounts" && l.id == survivor.id),
        "{linked:?}"
    );
    assert_eq!(
        accounts::get(db.conn(), &other.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert!(
        !duplicates::scan(db.conn())
            .unwrap()
            .iter()
            .any(|g| g.entity == "accounts"),
        "nothing left to merge"
    );
    // Bob is found under the survivor's name.
    let found = search::search(db.conn(), "Bob", 5).unwrap();
    let hit = found
        .iter()
        .flat_map(|g| &g.hits)
        .find(|h| h.id == bob.id)
        .unwrap();
    assert!(
        hit.subtitle
            .as_deref()
            .is_some_and(|s| s.contains("Acme Ltd")),
        "{hit:?}"
    );

    changelog::undo(&mut db, &result.batch_id).unwrap();
    let back = accounts::get(db.conn(), &other.id).unwrap();
    assert_eq!(back.name, "ACME Ltd.");
    let kept = accounts::get(db.conn(), &survivor.id).unwrap();
    assert_eq!(kept.phone.as_deref(), Some("020 0000 0000"));
    assert_eq!(kept.parent_id.as_deref(), Some(other.id.as_str()));
    assert_eq!(kept.tags, ["VIP"]);
    assert_eq!(
        contacts::get(db.conn(), &bob.id)
            .unwrap()
            .account_id
            .as_deref(),
        Some(other.id.as_str())
    );
    assert_eq!(
        accounts::get(db.conn(), &branch.id)
            .unwrap()
            .parent_id
            .as_deref(),
        Some(other.id.as_str())
    );
}

#[test]
fn an_account_merge_names_a_field_it_cannot_take_and_changes_nothing() {
    let mut db = Db::open_in_memory().unwrap();
    let a = account(&mut db, "Acme", None);
    let b = account(&mut db, "ACME", None);
    let mut choices = MergeChoices::default();
    choices.fields.insert("colour".into(), MergeSide::Other);
    let err = accounts::merge(&mut db, &a, &b, &choices).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(
        err.to_string().contains("\"colour\" is not a field"),
        "{err}"
    );
    let err = accounts::merge(&mut db, &a, &a, &MergeChoices::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(accounts::get(db.conn(), &b).unwrap().name, "ACME");
}
