//! Every write leaves the right change-log entry, in the same transaction.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, EmailEntry};
use rapport_core::store::changelog;
use rapport_core::{Db, Error};
use serde_json::json;

fn acme() -> AccountInput {
    AccountInput {
        name: "Acme Tools".into(),
        industry: Some("Manufacturing".into()),
        ..Default::default()
    }
}

#[test]
fn create_update_and_delete_each_leave_one_entry_with_old_and_new_values() {
    let mut db = Db::open_in_memory().unwrap().with_origin("test");
    let account = accounts::create(&mut db, &acme()).unwrap();

    let mut edit = acme();
    edit.industry = Some("Retail".into());
    accounts::update(&mut db, &account.id, &edit).unwrap();
    // Saving the same values again changes nothing and logs nothing.
    accounts::update(&mut db, &account.id, &edit).unwrap();
    accounts::delete(&mut db, &account.id).unwrap();

    let log = changelog::for_entity(db.conn(), "accounts", &account.id).unwrap();
    let ops: Vec<&str> = log.iter().map(|c| c.op.as_str()).collect();
    assert_eq!(ops, ["insert", "update", "delete"]);

    assert_eq!(log[0].changes["name"], (json!(null), json!("Acme Tools")));
    assert_eq!(
        log[0].changes["industry"],
        (json!(null), json!("Manufacturing"))
    );
    assert!(
        !log[0].changes.contains_key("website"),
        "empty fields are not logged"
    );

    let fields: Vec<&str> = log[1].changes.keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        ["industry", "updated_at"],
        "only the changed field, and when"
    );
    assert_eq!(
        log[1].changes["industry"],
        (json!("Manufacturing"), json!("Retail"))
    );

    assert_eq!(log[2].changes["name"], (json!("Acme Tools"), json!(null)));
    assert_eq!(log[2].changes["industry"], (json!("Retail"), json!(null)));
    assert!(
        log.iter()
            .all(|c| c.origin == "test" && c.entity == "accounts")
    );
    assert!(log[0].at <= log[1].at && log[1].at <= log[2].at);
}

#[test]
fn one_save_is_one_batch_covering_the_contact_and_its_child_rows() {
    let mut db = Db::open_in_memory().unwrap();
    let contact = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec![EmailEntry {
                label: "work".into(),
                address: "ada@example.com".into(),
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let first = &changelog::for_entity(db.conn(), "contacts", &contact.id).unwrap()[0];
    let batch = changelog::for_batch(db.conn(), &first.batch_id).unwrap();
    let entities: Vec<&str> = batch.iter().map(|c| c.entity.as_str()).collect();
    assert_eq!(entities, ["contacts", "contact_emails"]);
    assert_eq!(batch[1].changes["address"].1, json!("ada@example.com"));

    contacts::delete(&mut db, &contact.id).unwrap();
    let deleted = changelog::for_entity(db.conn(), "contacts", &contact.id).unwrap();
    let last = deleted.last().unwrap();
    let batch = changelog::for_batch(db.conn(), &last.batch_id).unwrap();
    assert_eq!(
        batch.len(),
        2,
        "the e-mail row's delete is logged with the contact's"
    );
}

#[test]
fn a_failed_write_leaves_neither_rows_nor_log_entries() {
    let mut db = Db::open_in_memory().unwrap();
    let result: Result<(), Error> = db.write(|w| {
        accounts::create_in(w, &acme())?;
        // Fails: the name is required. The account created above must roll back too.
        accounts::create_in(w, &AccountInput::default())?;
        Ok(())
    });
    assert_eq!(
        result.unwrap_err().code(),
        rapport_core::ErrorCode::Validation
    );
    let count = |table: &str| -> i64 {
        db.conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!((count("accounts"), count("change_log")), (0, 0));
}

#[test]
fn the_history_lists_batches_in_plain_words_with_their_undo() {
    let mut db = Db::open_in_memory().unwrap().with_origin("test");
    let person = |first: &str, email: &str| ContactInput {
        first_name: first.into(),
        last_name: "Lee".into(),
        emails: vec![EmailEntry {
            label: "work".into(),
            address: email.into(),
        }],
        ..Default::default()
    };
    let a = contacts::create(&mut db, &person("Ann", "ann@a.example")).unwrap();
    let b = contacts::create(&mut db, &person("Ann", "ann@b.example")).unwrap();
    let merged =
        contacts::merge(&mut db, &a.id, &b.id, &contacts::MergeChoices::default()).unwrap();

    let listed = changelog::batches(db.conn(), None, 10).unwrap();
    assert_eq!(listed.len(), 3);
    let merge = &listed[0];
    assert_eq!(merge.batch_id, merged.batch_id);
    assert_eq!(merge.label.as_deref(), Some("Merged Ann Lee into Ann Lee"));
    assert_eq!(merge.origin, "test");
    assert!(
        merge
            .records
            .contains(&("contacts".to_owned(), a.id.clone()))
    );
    assert!(
        merge
            .records
            .contains(&("contacts".to_owned(), b.id.clone()))
    );
    assert!(
        merge
            .kinds
            .iter()
            .any(|(t, op, n)| t == "contacts" && op == "delete" && *n == 1)
    );
    assert_eq!(merge.changes, merge.kinds.iter().map(|k| k.2).sum::<u64>());
    // Paging: older than the merge.
    let older = changelog::batches(db.conn(), Some(&merged.batch_id), 10).unwrap();
    assert_eq!(older.len(), 2);
    assert_eq!(older[0].records, [("contacts".to_owned(), b.id.clone())]);
    assert!(
        older[0]
            .kinds
            .iter()
            .any(|(t, op, n)| t == "contact_emails" && op == "insert" && *n == 1)
    );

    // Creating Ann A cannot be undone: the merge changed her since.
    // The reason names the record, not its id.
    let blocker = changelog::undo_blocker(db.conn(), &older[1].batch_id).unwrap();
    assert_eq!(
        blocker.as_deref(),
        Some(
            "Cannot undo that action: the contact Ann Lee changed again after it (or the action \
             was already undone). Undo the later changes first, or change the records by hand."
        )
    );
    assert_eq!(
        changelog::undo_blocker(db.conn(), &merged.batch_id).unwrap(),
        None
    );

    let undo = changelog::undo(&mut db, &merged.batch_id).unwrap();
    let undone = changelog::batch(db.conn(), &undo).unwrap().unwrap();
    assert_eq!(
        undone.label.as_deref(),
        Some("Undid: Merged Ann Lee into Ann Lee")
    );
    assert_eq!(undone.undoes.as_deref(), Some(merged.batch_id.as_str()));
    let merge = changelog::batch(db.conn(), &merged.batch_id)
        .unwrap()
        .unwrap();
    assert_eq!(merge.undone_by.as_deref(), Some(undo.as_str()));
    // Undoing it again is refused with the same words undo_blocker gives.
    let why = changelog::undo_blocker(db.conn(), &merged.batch_id)
        .unwrap()
        .unwrap();
    match changelog::undo(&mut db, &merged.batch_id) {
        Err(Error::Conflict(message)) => assert_eq!(message, why),
        other => panic!("{other:?}"),
    }
    assert!(
        changelog::batch(db.conn(), "no-such-batch")
            .unwrap()
            .is_none()
    );
}
