//! Reactions as events: deleting, merging, completing and converting raise events inside the
//! write, the modules registered in `crate::wiring` react in the same transaction, and an
//! error from any reaction undoes the write that caused it.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::marketing::campaigns::{self, CampaignInput};
use rapport_core::marketing::segments::{
    self, SegmentEntity, SegmentFilter, SegmentInput, SegmentKind,
};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::sales::leads::{self, ConvertInput, LeadInput};
use rapport_core::store::events::Event;
use rapport_core::{Db, Error};

fn contact(db: &mut Db, first: &str) -> String {
    contacts::create(
        db,
        &ContactInput {
            first_name: first.into(),
            last_name: "Baker".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn static_list(db: &mut Db, name: &str, entity: SegmentEntity, ids: &[String]) -> String {
    let list = segments::create(
        db,
        &SegmentInput {
            name: name.into(),
            entity,
            kind: SegmentKind::Static,
            filter: SegmentFilter::default(),
            description: None,
        },
    )
    .unwrap();
    segments::add_members(db, &list.id, ids).unwrap();
    list.id
}

fn campaign(db: &mut Db, name: &str) -> String {
    campaigns::create(
        db,
        &CampaignInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn count(db: &Db, sql: &str, id: &str) -> i64 {
    db.conn().query_row(sql, [id], |r| r.get(0)).unwrap()
}

fn in_lists(db: &Db, id: &str) -> i64 {
    count(
        db,
        "SELECT count(*) FROM segment_members WHERE entity_id = ?1",
        id,
    )
}

fn in_campaigns(db: &Db, id: &str) -> i64 {
    count(
        db,
        "SELECT count(*) FROM campaign_members WHERE entity_id = ?1",
        id,
    )
}

/// Records every event raised through `db`.
fn recorder(db: &mut Db) -> Arc<Mutex<Vec<Event>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&seen);
    db.subscribe(Box::new(move |_, event| {
        into.lock().unwrap().push(event.clone());
        Ok(())
    }));
    seen
}

#[test]
fn deleting_a_record_takes_it_off_lists_and_campaigns() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann");
    let bob = contact(&mut db, "Bob");
    let people = [ann.clone(), bob.clone()];
    static_list(&mut db, "Fair visitors", SegmentEntity::Contacts, &people);
    let fair = campaign(&mut db, "Fair");
    campaigns::add_members(&mut db, &fair, "contacts", &people).unwrap();
    let lead = leads::create(
        &mut db,
        &LeadInput {
            name: "Zoë Lead".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    static_list(
        &mut db,
        "Hot leads",
        SegmentEntity::Leads,
        std::slice::from_ref(&lead),
    );
    campaigns::add_members(&mut db, &fair, "leads", std::slice::from_ref(&lead)).unwrap();
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    static_list(
        &mut db,
        "Key accounts",
        SegmentEntity::Accounts,
        std::slice::from_ref(&acme),
    );
    let seen = recorder(&mut db);

    contacts::delete(&mut db, &ann).unwrap();
    leads::delete(&mut db, &lead).unwrap();
    accounts::delete(&mut db, &acme).unwrap();

    for gone in [&ann, &lead, &acme] {
        assert_eq!((in_lists(&db, gone), in_campaigns(&db, gone)), (0, 0));
    }
    assert_eq!((in_lists(&db, &bob), in_campaigns(&db, &bob)), (1, 1));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Event::RecordDeleted {
                kind: "contacts",
                id: ann.clone()
            },
            Event::RecordDeleted {
                kind: "leads",
                id: lead.clone()
            },
            Event::RecordDeleted {
                kind: "accounts",
                id: acme.clone()
            },
        ]
    );
    // Undoing the delete brings the memberships back with the record.
    let batch: String = db
        .conn()
        .query_row(
            "SELECT batch_id FROM change_entries WHERE entity_id = ?1 ORDER BY seq DESC LIMIT 1",
            [&ann],
            |r| r.get(0),
        )
        .unwrap();
    rapport_core::store::changelog::undo(&mut db, &batch).unwrap();
    assert_eq!((in_lists(&db, &ann), in_campaigns(&db, &ann)), (1, 1));
}

#[test]
fn merging_keeps_one_membership_where_both_had_one() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann");
    let twin = contact(&mut db, "Ann");
    let both = [ann.clone(), twin.clone()];
    static_list(&mut db, "Both", SegmentEntity::Contacts, &both);
    static_list(
        &mut db,
        "Twin only",
        SegmentEntity::Contacts,
        std::slice::from_ref(&twin),
    );
    let fair = campaign(&mut db, "Fair");
    campaigns::add_members(&mut db, &fair, "contacts", &both).unwrap();
    let show = campaign(&mut db, "Show");
    campaigns::add_members(&mut db, &show, "contacts", std::slice::from_ref(&twin)).unwrap();
    let seen = recorder(&mut db);

    contacts::merge(&mut db, &ann, &twin, &Default::default()).unwrap();

    assert_eq!((in_lists(&db, &ann), in_campaigns(&db, &ann)), (2, 2));
    assert_eq!((in_lists(&db, &twin), in_campaigns(&db, &twin)), (0, 0));
    assert!(seen.lock().unwrap().contains(&Event::RecordsMerged {
        kind: "contacts",
        from: twin.clone(),
        into: ann.clone(),
    }));
}

#[test]
fn an_error_in_a_reaction_undoes_the_write_that_raised_it() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann");
    static_list(
        &mut db,
        "Fair visitors",
        SegmentEntity::Contacts,
        std::slice::from_ref(&ann),
    );
    db.subscribe(Box::new(|_, event| match event {
        Event::RecordDeleted { .. } => Err(Error::Internal("the reaction failed".into())),
        _ => Ok(()),
    }));

    let err = contacts::delete(&mut db, &ann).unwrap_err();

    assert!(err.to_string().contains("the reaction failed"), "{err}");
    assert_eq!(contacts::get(db.conn(), &ann).unwrap().id, ann);
    assert_eq!(in_lists(&db, &ann), 1, "the list reaction is undone too");
}

#[test]
fn completing_an_activity_and_converting_a_lead_are_announced() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann");
    let call = activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Call),
            subject: "Call Ann".into(),
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: ann.clone(),
            }],
            ..Default::default()
        },
        chrono_tz::UTC,
    )
    .unwrap()
    .id;
    let lead = leads::create(
        &mut db,
        &LeadInput {
            name: "Zoë Lead".into(),
            company: Some("Zoë's".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let seen = recorder(&mut db);

    activity::complete(&mut db, &call).unwrap();
    // Completing it again changes nothing and announces nothing.
    activity::complete(&mut db, &call).unwrap();
    let converted = leads::convert(&mut db, &lead, &ConvertInput::default()).unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0],
        Event::ActivityCompleted {
            id: call.clone(),
            links: vec![("contacts".into(), ann)],
        }
    );
    assert_eq!(
        seen.last().unwrap(),
        &Event::LeadConverted {
            lead_id: lead.clone(),
            account_id: converted.account_id.clone(),
            contact_id: converted.contact_id.clone(),
            opportunity_id: converted.opportunity_id,
        }
    );
    assert_eq!(
        seen.iter()
            .filter(|e| matches!(e, Event::ActivityCompleted { .. }))
            .count(),
        1
    );
}
