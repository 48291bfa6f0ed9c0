//! Bulk actions on a selection: tag, set owner, delete, each one undoable batch.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::data::bulk::{self, BulkAction};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::records::team::{self, TeamMemberInput};
use rapport_core::{Db, ErrorCode, store::changelog};

fn people(db: &mut Db, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            contacts::create(
                db,
                &ContactInput {
                    first_name: format!("P{i}"),
                    tags: vec!["old".into()],
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        })
        .collect()
}

#[test]
fn tag_set_owner_and_delete_a_selection_then_undo() {
    let mut db = Db::open_in_memory().unwrap();
    let ids = people(&mut db, 4);
    let sam = team::create(
        &mut db,
        &TeamMemberInput {
            name: "Sam".into(),
            email: None,
        },
    )
    .unwrap();
    let picked = ids[..3].to_vec();

    let r = bulk::apply(
        &mut db,
        "contacts",
        &picked,
        &BulkAction::AddTags {
            tags: vec!["fair-2026".into(), "OLD".into()],
        },
    )
    .unwrap();
    assert_eq!(r.changed, 3);
    assert_eq!(
        contacts::get(db.conn(), &ids[0]).unwrap().tags,
        ["fair-2026", "old"]
    );
    assert_eq!(
        contacts::get(db.conn(), &ids[3]).unwrap().tags,
        ["old"],
        "not selected"
    );

    let r = bulk::apply(
        &mut db,
        "contacts",
        &picked,
        &BulkAction::SetOwner {
            owner_id: Some(sam.id),
        },
    )
    .unwrap();
    assert_eq!(r.changed, 3);
    assert_eq!(
        contacts::get(db.conn(), &ids[1])
            .unwrap()
            .owner_name
            .as_deref(),
        Some("Sam")
    );

    let r = bulk::apply(
        &mut db,
        "contacts",
        &picked,
        &BulkAction::RemoveTags {
            tags: vec!["old".into()],
        },
    )
    .unwrap();
    assert_eq!(r.changed, 3);
    assert_eq!(
        contacts::get(db.conn(), &ids[2]).unwrap().tags,
        ["fair-2026"]
    );

    let deleted = bulk::apply(&mut db, "contacts", &picked[..2], &BulkAction::Delete).unwrap();
    assert_eq!(deleted.changed, 2);
    assert_eq!(
        contacts::get(db.conn(), &ids[0]).unwrap_err().code(),
        ErrorCode::NotFound
    );
    changelog::undo(&mut db, &deleted.batch_id).unwrap();
    let back = contacts::get(db.conn(), &ids[0]).unwrap();
    assert_eq!(
        (back.tags, back.owner_name.as_deref()),
        (vec!["fair-2026".to_owned()], Some("Sam"))
    );
}

#[test]
fn one_unknown_id_changes_nothing() {
    let mut db = Db::open_in_memory().unwrap();
    let mut ids = people(&mut db, 2);
    ids.push("no-such-id".into());
    let err = bulk::apply(&mut db, "contacts", &ids, &BulkAction::Delete).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(contacts::get(db.conn(), &ids[0]).is_ok());
    let err = bulk::apply(
        &mut db,
        "contacts",
        &ids[..1],
        &BulkAction::AddTags {
            tags: vec![" ".into()],
        },
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "tags");
    let err = bulk::apply(
        &mut db,
        "contacts",
        &ids[..1],
        &BulkAction::SetOwner {
            owner_id: Some("ghost".into()),
        },
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "owner_id");
}

#[test]
fn add_a_selection_to_a_static_list_then_undo() {
    use rapport_core::marketing::segments::{
        self, ConditionOp, SegmentCondition, SegmentEntity, SegmentFilter, SegmentInput,
        SegmentKind, SegmentMatch,
    };
    let mut db = Db::open_in_memory().unwrap();
    let ids = people(&mut db, 4);
    let list = |db: &mut Db, name: &str, entity, kind| {
        segments::create(
            db,
            &SegmentInput {
                name: name.into(),
                entity,
                kind,
                filter: match kind {
                    SegmentKind::Static => SegmentFilter::default(),
                    SegmentKind::Dynamic => SegmentFilter {
                        combine: SegmentMatch::All,
                        conditions: vec![SegmentCondition {
                            field: "tag".into(),
                            op: ConditionOp::Is,
                            value: "old".into(),
                        }],
                    },
                },
                description: None,
            },
        )
        .unwrap()
        .id
    };
    let fair = list(
        &mut db,
        "Fair 2026",
        SegmentEntity::Contacts,
        SegmentKind::Static,
    );
    let today = chrono::Local::now().date_naive();
    let add = |db: &mut Db, picked: &[String], segment: &str| {
        bulk::apply(
            db,
            "contacts",
            picked,
            &BulkAction::AddToList {
                segment_id: segment.into(),
            },
        )
    };

    assert_eq!(add(&mut db, &ids[..2], &fair).unwrap().changed, 2);
    // Someone already on the list is not added twice.
    let again = add(&mut db, &ids[1..3], &fair).unwrap();
    assert_eq!(again.changed, 1);
    assert_eq!(segments::count(db.conn(), &fair, today).unwrap(), 3);
    changelog::undo(&mut db, &again.batch_id).unwrap();
    assert_eq!(segments::count(db.conn(), &fair, today).unwrap(), 2);

    // A dynamic segment, or a list of another kind of record, is refused by name.
    let dynamic = list(
        &mut db,
        "Old hands",
        SegmentEntity::Contacts,
        SegmentKind::Dynamic,
    );
    let err = add(&mut db, &ids[..1], &dynamic).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"Old hands\" is a dynamic segment"),
        "{err}"
    );
    let leads = list(
        &mut db,
        "Cold leads",
        SegmentEntity::Leads,
        SegmentKind::Static,
    );
    let err = add(&mut db, &ids[..1], &leads).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "segment_id");
    assert!(
        err.to_string().contains("a list of leads, not of contacts"),
        "{err}"
    );
    assert_eq!(segments::count(db.conn(), &leads, today).unwrap(), 0);
}
