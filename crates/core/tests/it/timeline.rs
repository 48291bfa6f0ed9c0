//! The 360-degree timeline of a record: its history, one item per save, and what is linked.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, EmailEntry};
use rapport_core::{Db, insight::timeline};

#[test]
fn a_contact_timeline_reads_like_its_history() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let c = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "ada@x.example".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let mut edit = ContactInput::from(&c);
    edit.title = Some("Analyst".into());
    edit.account_id = Some(acme.id.clone());
    edit.emails.push(EmailEntry {
        label: "home".into(),
        address: "ada@home.example".into(),
    });
    edit.tags = vec!["vip".into()];
    contacts::update(&mut db, &c.id, &edit).unwrap();

    let items = timeline::for_record(db.conn(), "contacts", &c.id, None, 20).unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    let newest = &items[0];
    assert_eq!(newest.title, "Edited account, title, e-mail and tag");
    assert!(
        newest.details.contains(&"Title: — → Analyst".to_owned()),
        "{:?}",
        newest.details
    );
    assert!(
        newest.details.contains(&"Account: — → Acme".to_owned()),
        "{:?}",
        newest.details
    );
    assert!(
        newest
            .details
            .contains(&"E-mail added: ada@home.example".to_owned())
    );
    assert!(newest.details.contains(&"Tag added: vip".to_owned()));
    assert_eq!(items[1].title, "Created");
    assert!(items[1].details.contains(&"First name: Ada".to_owned()));
    assert!(
        items[1]
            .details
            .contains(&"E-mail added: ada@x.example".to_owned())
    );

    // The account's timeline shows the person who joined it.
    let account_items = timeline::for_record(db.conn(), "accounts", &acme.id, None, 20).unwrap();
    let joined = account_items.iter().find(|i| i.kind == "contact").unwrap();
    assert_eq!(joined.title, "Ada Lovelace added");
    assert_eq!(joined.link_id.as_deref(), Some(c.id.as_str()));

    // Paging: nothing is older than the oldest item.
    let oldest = &items[1].at;
    let before = timeline::for_record(db.conn(), "contacts", &c.id, Some(oldest), 20).unwrap();
    assert!(before.is_empty());
}

/// The timeline's providers find the rows that point at a record through the link registry
/// (`links::column`), which must then name one column per table and kind of record.
#[test]
fn no_table_points_at_one_kind_of_record_through_two_columns() {
    use rapport_core::store::links::LINKS;
    let mut twice = Vec::new();
    for (i, a) in LINKS.iter().enumerate() {
        for b in &LINKS[i + 1..] {
            if a.table == b.table && a.parent == b.parent {
                twice.push(format!(
                    "{}.{{{}, {}}} -> {}",
                    a.table, a.column, b.column, a.parent
                ));
            }
        }
    }
    assert!(
        twice.is_empty(),
        "links::column cannot choose between: {twice:?}"
    );
}
