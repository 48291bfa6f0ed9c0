//! The History screen's actions in plain words, what can be undone, and Ctrl+Z's undo of the
//! newest action of a session.

#![allow(clippy::unwrap_used)]

use rapport_core::data::import::{self, ImportEntity, ImportOptions, table};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::store::history;
use rapport_core::{Db, Error};

fn person(first: &str, last: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        ..Default::default()
    }
}

#[test]
fn actions_read_in_plain_words() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contacts::create(&mut db, &person("Ann", "Lee")).unwrap();
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    accounts::update(
        &mut db,
        &acme.id,
        &AccountInput {
            name: "Acme".into(),
            industry: Some("Tools".into()),
            website: Some("acme.example".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut titled = person("Ann", "Lee");
    titled.title = Some("Buyer".into());
    contacts::update(&mut db, &ann.id, &titled).unwrap();
    contacts::delete(&mut db, &ann.id).unwrap();
    let csv = "First name,Last name\nBo,Ek\nCy,Do\nDi,Fa\n";
    let t = table::read(csv.as_bytes(), "people.csv").unwrap();
    import::import(
        &mut db,
        &t,
        &ImportOptions {
            entity: ImportEntity::Contacts,
            ..Default::default()
        },
        &mut |_, _| true,
    )
    .unwrap();

    let actions = history::recent(db.conn(), None, 50).unwrap();
    let words: Vec<&str> = actions.iter().map(|a| a.summary.as_str()).collect();
    assert_eq!(
        words,
        [
            "Imported 3 contacts",
            "Deleted contact Ann Lee",
            "Changed contact Ann Lee (1 field)",
            "Changed account Acme (2 fields)",
            "Added account Acme",
            "Added contact Ann Lee",
        ]
    );
    assert_eq!(actions[0].origin, "import");
    assert!(actions[0].can_undo && actions[1].can_undo && actions[3].can_undo);
    assert!(!actions[2].can_undo);
    // The creation of Ann was followed by her delete: not undoable, with the reason.
    assert!(!actions[4].can_undo);
    assert!(
        actions[4]
            .why_not
            .as_deref()
            .unwrap()
            .starts_with("Cannot undo that action")
    );

    // Paging: older than the third.
    let older = history::recent(db.conn(), Some(&actions[2].batch_id), 50).unwrap();
    assert_eq!(older, actions[3..].to_vec());
    assert_eq!(older.len(), 3);
    let first_two = history::recent(db.conn(), None, 2).unwrap();
    assert_eq!(first_two, actions[..2].to_vec());
}

#[test]
fn ctrl_z_walks_back_through_the_session() {
    let mut db = Db::open_in_memory().unwrap();
    let before = contacts::create(&mut db, &person("Old", "Session")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let since = rapport_core::kernel::time::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let ann = contacts::create(&mut db, &person("Ann", "Lee")).unwrap();
    contacts::update(&mut db, &ann.id, &person("Ann", "Lee-Smith")).unwrap();
    // Something the CLI did in between is not this window's to undo.
    let mut cli = db.with_origin("cli");
    contacts::create(&mut cli, &person("Cli", "Made")).unwrap();
    let mut db = cli.with_origin("app");

    let (undone, _) = history::undo_newest(&mut db, &since, "app")
        .unwrap()
        .unwrap();
    assert_eq!(undone.summary, "Changed contact Ann Lee-Smith (1 field)");
    assert_eq!(contacts::get(db.conn(), &ann.id).unwrap().last_name, "Lee");

    // The edit and its undo cancel out: the creation can be undone next.
    let (undone, undo_batch) = history::undo_newest(&mut db, &since, "app")
        .unwrap()
        .unwrap();
    assert_eq!(undone.summary, "Added contact Ann Lee");
    assert!(contacts::get(db.conn(), &ann.id).is_err());

    let actions = history::recent(db.conn(), None, 10).unwrap();
    assert_eq!(actions[0].batch_id, undo_batch);
    assert_eq!(actions[0].summary, "Undid: Added contact Ann Lee");
    assert_eq!(actions[0].undoes.as_deref(), Some(undone.batch_id.as_str()));
    let created = actions
        .iter()
        .find(|a| a.batch_id == undone.batch_id)
        .unwrap();
    assert_eq!(created.undone_by.as_deref(), Some(undo_batch.as_str()));
    assert!(!created.can_undo && created.why_not.is_none());

    // Nothing of this session is left; the earlier session's contact stays.
    assert!(
        history::undo_newest(&mut db, &since, "app")
            .unwrap()
            .is_none()
    );
    assert!(contacts::get(db.conn(), &before.id).is_ok());
}

#[test]
fn ctrl_z_says_why_it_cannot() {
    let mut db = Db::open_in_memory().unwrap();
    let since = rapport_core::kernel::time::now();
    let ann = contacts::create(&mut db, &person("Ann", "Lee")).unwrap();
    let mut cli = db.with_origin("cli");
    contacts::update(&mut cli, &ann.id, &person("Ann", "Other")).unwrap();
    let mut db = cli.with_origin("app");
    let err = history::undo_newest(&mut db, &since, "app").unwrap_err();
    assert!(matches!(err, Error::Conflict(ref why) if why.starts_with("Cannot undo that action")));
    assert!(contacts::get(db.conn(), &ann.id).is_ok());
}

/// The newest action whose summary starts with `words`.
fn action_like(db: &Db, words: &str) -> history::Action {
    history::recent(db.conn(), None, 50)
        .unwrap()
        .into_iter()
        .find(|a| a.summary.starts_with(words))
        .unwrap_or_else(|| panic!("no action {words}"))
}

/// Undoing an action that made something a later action used (a tag given since to another
/// contact, an account a later contact was filed under) is refused with both named, whether
/// the later use still stands or was itself removed since: undoing that removal later needs
/// the tag back. History says so before the click, and every later action stays undoable.
#[test]
fn what_a_later_action_used_cannot_be_undone_away() {
    let mut db = Db::open_in_memory().unwrap();
    let tagged = |first: &str, tags: &[&str]| ContactInput {
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..person(first, "Lee")
    };
    contacts::create(&mut db, &tagged("Ann", &["VIP"])).unwrap();
    let bob = contacts::create(&mut db, &tagged("Bob", &["VIP"])).unwrap();
    let ann_added = action_like(&db, "Added contact Ann Lee");
    let why = ann_added.why_not.clone().unwrap_or_default();
    assert!(!ann_added.can_undo, "{ann_added:?}");
    assert!(
        why.contains("the tag VIP it added has been used since by the contact Bob Lee"),
        "{why}"
    );
    // Bob loses the tag: the use is gone from the data, not from what undo may put back.
    contacts::update(&mut db, &bob.id, &tagged("Bob", &[])).unwrap();
    let ann_added = action_like(&db, "Added contact Ann Lee");
    assert!(!ann_added.can_undo, "{ann_added:?}");
    match rapport_core::store::changelog::undo(&mut db, &ann_added.batch_id) {
        Err(Error::Conflict(why)) => assert!(why.contains("the tag VIP"), "{why}"),
        other => panic!("undo of a tag used since: {other:?}"),
    }
    // Newest first, everything comes back off.
    for _ in 0..3 {
        let standing = history::recent(db.conn(), None, 50)
            .unwrap()
            .into_iter()
            .find(|a| a.undone_by.is_none() && a.undoes.is_none())
            .unwrap();
        assert!(standing.can_undo, "{standing:?}");
        rapport_core::store::changelog::undo(&mut db, &standing.batch_id).unwrap();
    }
    let left: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);

    // An account a later contact was filed under, that contact deleted since.
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let cy = contacts::create(
        &mut db,
        &ContactInput {
            account_id: Some(acme.id),
            ..person("Cy", "Lee")
        },
    )
    .unwrap();
    contacts::delete(&mut db, &cy.id).unwrap();
    let acme_added = action_like(&db, "Added account Acme");
    let why = acme_added.why_not.clone().unwrap_or_default();
    assert!(
        why.contains("the account Acme it added has been used since by a contact"),
        "{acme_added:?}"
    );
}
