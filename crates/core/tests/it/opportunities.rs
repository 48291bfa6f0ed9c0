//! Deals and the pipeline: stages with probabilities, moves kept in history, won and lost,
//! integer weighted totals, rotting, the board and the forecast.

#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use rapport_core::activities::activity::{self, ActivityInput, ActivityKind, RecordRef};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::sales::opportunities::{
    self, BoardQuery, DealFilters, ForecastQuery, MoveInput, OpportunityInput, weigh,
};
use rapport_core::sales::pipelines::{self, StageInput, StageKind};
use rapport_core::{Db, Error};

fn deal(db: &mut Db, name: &str, amount: &str, stage: Option<&str>) -> opportunities::Opportunity {
    let pipeline = pipelines::find(db.conn(), None).unwrap();
    opportunities::create(
        db,
        &OpportunityInput {
            name: name.into(),
            amount: Some(MoneyInput {
                amount: amount.into(),
                currency: "EUR".into(),
            }),
            stage_id: stage.map(|s| pipelines::stage(&pipeline, s).unwrap().id),
            ..Default::default()
        },
    )
    .unwrap()
}

fn move_to(db: &mut Db, id: &str, stage: &str) -> opportunities::Moved {
    opportunities::move_to(
        db,
        id,
        &MoveInput {
            stage: stage.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn a_new_database_has_the_default_pipeline_and_lost_reasons() {
    let db = Db::open_in_memory().unwrap();
    let p = pipelines::find(db.conn(), None).unwrap();
    let stages: Vec<(String, i64, StageKind)> = p
        .stages
        .iter()
        .map(|s| (s.name.clone(), s.probability, s.kind))
        .collect();
    assert_eq!(
        stages,
        [
            ("Prospecting".to_owned(), 10, StageKind::Open),
            ("Qualification".to_owned(), 20, StageKind::Open),
            ("Needs analysis".to_owned(), 40, StageKind::Open),
            ("Proposal sent".to_owned(), 60, StageKind::Open),
            ("Negotiation".to_owned(), 80, StageKind::Open),
            ("Won".to_owned(), 100, StageKind::Won),
            ("Lost".to_owned(), 0, StageKind::Lost),
        ]
    );
    assert!(
        pipelines::lost_reasons(db.conn())
            .unwrap()
            .iter()
            .any(|r| r.name == "Price")
    );
}

#[test]
fn probability_follows_the_stage_unless_overridden_and_closing_fixes_it() {
    let mut db = Db::open_in_memory().unwrap();
    let d = deal(&mut db, "Two engines", "5000", None);
    assert_eq!(d.stage_name, "Prospecting");
    assert_eq!(
        (d.probability, d.weighted.as_ref().unwrap().amount_minor),
        (10, 50_000)
    );
    let moved = move_to(&mut db, &d.id, "Proposal sent").opportunity;
    assert_eq!(moved.probability, 60);

    let mut edit = OpportunityInput::from(&moved);
    edit.probability = Some(75);
    let edited = opportunities::update(&mut db, &d.id, &edit).unwrap();
    assert_eq!(
        (edited.probability, edited.probability_override),
        (75, Some(75))
    );
    let next = move_to(&mut db, &d.id, "Negotiation").opportunity;
    assert_eq!(
        next.probability, 75,
        "an override stays when the stage changes"
    );

    let won = move_to(&mut db, &d.id, "Won").opportunity;
    assert_eq!(won.probability, 100);
    assert_eq!(
        won.closed_on.as_deref(),
        Some(
            rapport_core::kernel::time::local_date(
                rapport_core::kernel::time::local_zone(),
                Utc::now()
            )
            .to_string()
            .as_str()
        )
    );
    let reopened = move_to(&mut db, &d.id, "Negotiation").opportunity;
    assert!(
        reopened.closed_on.is_none(),
        "moving back to an open stage reopens it"
    );
}

#[test]
fn losing_a_deal_needs_a_reason_and_every_move_is_kept() {
    let mut db = Db::open_in_memory().unwrap();
    let d = deal(&mut db, "Fleet renewal", "12000", None);
    move_to(&mut db, &d.id, "Qualification");
    let err = opportunities::move_to(
        &mut db,
        &d.id,
        &MoveInput {
            stage: "Lost".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    assert!(
        err.to_string()
            .contains("is required when a deal is lost (say why)"),
        "{err}"
    );
    assert_eq!(
        opportunities::get(db.conn(), &d.id).unwrap().stage_name,
        "Qualification",
        "nothing moved"
    );

    let err = opportunities::move_to(
        &mut db,
        &d.id,
        &MoveInput {
            stage: "Lost".into(),
            lost_reason: Some("Too expensive".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("the reasons are: Price"), "{err}");

    let lost = opportunities::move_to(
        &mut db,
        &d.id,
        &MoveInput {
            stage: "lost".into(),
            lost_reason: Some("chose a competitor".into()),
            lost_note: Some("Went with Acme".into()),
            closed_on: Some("2026-11-20".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .opportunity;
    assert_eq!(lost.lost_reason.as_deref(), Some("Chose a competitor"));
    assert_eq!(lost.closed_on.as_deref(), Some("2026-11-20"));
    assert_eq!(lost.probability, 0);
    let visits: Vec<String> = opportunities::stage_history(db.conn(), &d.id)
        .unwrap()
        .into_iter()
        .map(|v| {
            format!(
                "{}{}",
                v.stage_name,
                if v.left_at.is_some() { "" } else { " (now)" }
            )
        })
        .collect();
    assert_eq!(visits, ["Prospecting", "Qualification", "Lost (now)"]);
    let timeline =
        rapport_core::insight::timeline::for_record(db.conn(), "opportunities", &d.id, None, 20)
            .unwrap();
    assert!(
        timeline
            .iter()
            .any(|i| i.details.iter().any(|d| d == "Stage: Qualification → Lost")),
        "{timeline:#?}"
    );
}

#[test]
fn entering_a_stage_offers_its_suggested_activities_as_tasks_on_the_deal() {
    let mut db = Db::open_in_memory().unwrap();
    let d = deal(&mut db, "Website redesign", "8000", None);
    let moved = opportunities::move_to(
        &mut db,
        &d.id,
        &MoveInput {
            stage: "Proposal sent".into(),
            create_suggested: true,
            ..Default::default()
        },
    )
    .unwrap();
    let subjects: Vec<&str> = moved.suggested.iter().map(|s| s.subject.as_str()).collect();
    assert_eq!(subjects, ["Send pricing", "Follow up on the proposal"]);
    assert_eq!(moved.created.len(), 2);
    let tasks = activity::list(
        db.conn(),
        &activity::ActivityQuery {
            record: Some(RecordRef {
                entity: "opportunities".into(),
                id: d.id.clone(),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(
        tasks
            .iter()
            .all(|t| t.kind == ActivityKind::Task && t.done_at.is_none())
    );
}

#[test]
fn stages_can_be_added_renamed_reordered_and_removed_without_losing_a_deal() {
    let mut db = Db::open_in_memory().unwrap();
    let p = pipelines::find(db.conn(), None).unwrap();
    let p = pipelines::add_stage(
        &mut db,
        &p.id,
        &StageInput {
            name: "Demo".into(),
            probability: 50,
            ..Default::default()
        },
        Some(3),
    )
    .unwrap();
    let names =
        |p: &pipelines::Pipeline| p.stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&p)[3], "Demo");
    let demo = pipelines::stage(&p, "Demo").unwrap();
    let d = deal(&mut db, "Demo deal", "100", Some("Demo"));
    assert_eq!(d.probability, 50);

    // Won and Lost stay last.
    let mut order: Vec<String> = p.stages.iter().map(|s| s.id.clone()).collect();
    order.swap(0, 6);
    let err = pipelines::reorder_stages(&mut db, &p.id, &order).unwrap_err();
    assert!(err.to_string().contains("Won and Lost come after"), "{err}");
    let mut order: Vec<String> = p.stages.iter().map(|s| s.id.clone()).collect();
    order.swap(0, 1);
    let p = pipelines::reorder_stages(&mut db, &p.id, &order).unwrap();
    assert_eq!(&names(&p)[..2], ["Qualification", "Prospecting"]);

    // A stage with deals is not removed until they have somewhere to go.
    let err = pipelines::remove_stage(&mut db, &demo.id, None).unwrap_err();
    assert!(err.to_string().contains("1 deal is in Demo"), "{err}");
    assert!(
        pipelines::remove_stage(&mut db, &pipelines::stage(&p, "Won").unwrap().id, None).is_err()
    );
    let p = pipelines::remove_stage(&mut db, &demo.id, Some("Negotiation")).unwrap();
    assert!(!names(&p).contains(&"Demo".to_owned()));
    let moved = opportunities::get(db.conn(), &d.id).unwrap();
    assert_eq!(moved.stage_name, "Negotiation");
    assert_eq!(moved.probability, 80);
}

#[test]
fn weighted_totals_are_integer_sums_rounded_once() {
    let mut db = Db::open_in_memory().unwrap();
    // Three deals of 0.01 EUR at 40%: each weighs 0.4 cent. Rounding each would say 0 cents;
    // the exact sum is 1.2 cents, shown as 1.
    for i in 0..3 {
        deal(
            &mut db,
            &format!("tiny {i}"),
            "0.01",
            Some("Needs analysis"),
        );
    }
    // Large amounts do not drift: 123,456,789.99 EUR at 80% twice.
    deal(&mut db, "big 1", "123456789.99", Some("Negotiation"));
    deal(&mut db, "big 2", "123456789.99", Some("Negotiation"));
    let board = opportunities::board(db.conn(), &BoardQuery::default(), Utc::now()).unwrap();
    let col = |name: &str| board.columns.iter().find(|c| c.stage.name == name).unwrap();
    let needs = &col("Needs analysis").totals;
    assert_eq!(needs.count, 3);
    assert_eq!(needs.amount[0].amount_minor, 3);
    assert_eq!(needs.weighted[0].amount_minor, 1);
    let nego = &col("Negotiation").totals;
    assert_eq!(nego.amount[0].amount_minor, 2 * 12_345_678_999);
    assert_eq!(
        nego.weighted[0].amount_minor, 19_753_086_398,
        "2 × 12,345,678,999 × 0.8 = 19,753,086,398.4"
    );
    assert_eq!(board.open.count, 5);
    assert_eq!(
        board.open.weighted[0].amount_minor, 19_753_086_400,
        "1.2 + 19,753,086,398.4 = 19,753,086,399.6, rounded once"
    );
    assert_eq!(weigh(5, 50), 3, "half a cent rounds away from zero");
    assert_eq!(weigh(-5, 50), -3);
}

#[test]
fn a_deal_with_no_activity_past_its_stage_limit_is_rotting_until_something_happens() {
    let mut db = Db::open_in_memory().unwrap();
    let d = deal(&mut db, "Quiet deal", "900", None);
    // Entered Prospecting (limit 14 days) three weeks ago.
    db.conn()
        .execute(
            "UPDATE opportunities SET stage_entered_at = ?1 WHERE id = ?2",
            (
                rapport_core::kernel::time::stamp(Utc::now() - chrono::Duration::days(21)),
                &d.id,
            ),
        )
        .unwrap();
    let o = opportunities::get(db.conn(), &d.id).unwrap();
    assert!(o.rotting);
    assert_eq!(o.days_in_stage, 21);
    let board = opportunities::board(db.conn(), &BoardQuery::default(), Utc::now()).unwrap();
    assert!(board.columns[0].cards[0].rotting);

    activity::create(
        &mut db,
        &ActivityInput {
            kind: Some(ActivityKind::Call),
            subject: "Checked in".into(),
            done: true,
            links: vec![RecordRef {
                entity: "opportunities".into(),
                id: d.id.clone(),
            }],
            ..Default::default()
        },
        Tz::UTC,
    )
    .unwrap();
    assert!(!opportunities::get(db.conn(), &d.id).unwrap().rotting);
}

#[test]
fn the_board_filters_by_owner_close_month_and_tag() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = rapport_core::records::team::create(
        &mut db,
        &rapport_core::records::team::TeamMemberInput {
            name: "Ann".into(),
            ..Default::default()
        },
    )
    .unwrap();
    for (name, owner, close, tag) in [
        ("A", Some(&ann.id), "2026-12-10", "vip"),
        ("B", None, "2026-12-20", ""),
        ("C", Some(&ann.id), "2027-01-05", ""),
    ] {
        opportunities::create(
            &mut db,
            &OpportunityInput {
                name: name.into(),
                owner_id: owner.cloned(),
                expected_close: Some(close.into()),
                tags: if tag.is_empty() {
                    vec![]
                } else {
                    vec![tag.into()]
                },
                ..Default::default()
            },
        )
        .unwrap();
    }
    let names = |filters: DealFilters| -> Vec<String> {
        let b = opportunities::board(
            db.conn(),
            &BoardQuery {
                filters,
                ..Default::default()
            },
            Utc::now(),
        )
        .unwrap();
        b.columns
            .iter()
            .flat_map(|c| c.cards.iter().map(|x| x.name.clone()))
            .collect()
    };
    assert_eq!(names(DealFilters::default()), ["A", "B", "C"]);
    assert_eq!(
        names(DealFilters {
            owner_id: Some(ann.id),
            ..Default::default()
        }),
        ["A", "C"]
    );
    assert_eq!(
        names(DealFilters {
            owner_id: Some("none".into()),
            ..Default::default()
        }),
        ["B"]
    );
    assert_eq!(
        names(DealFilters {
            close_month: Some("2026-12".into()),
            ..Default::default()
        }),
        ["A", "B"]
    );
    assert_eq!(
        names(DealFilters {
            tag: Some("VIP".into()),
            ..Default::default()
        }),
        ["A"]
    );
    let err = opportunities::board(
        db.conn(),
        &BoardQuery {
            filters: DealFilters {
                close_month: Some("December".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        Utc::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("YYYY-MM"), "{err}");
}

#[test]
fn the_forecast_sums_open_deals_by_close_month_and_won_deals_by_the_month_they_closed() {
    let mut db = Db::open_in_memory().unwrap();
    for (name, amount, close, stage) in [
        ("Jan a", "1000", "2027-01-15", "Proposal sent"),
        ("Jan b", "500", "2027-01-31", "Prospecting"),
        ("Feb", "2000", "2027-02-01", "Negotiation"),
    ] {
        let pipeline = pipelines::find(db.conn(), None).unwrap();
        opportunities::create(
            &mut db,
            &OpportunityInput {
                name: name.into(),
                amount: Some(MoneyInput {
                    amount: amount.into(),
                    currency: "EUR".into(),
                }),
                expected_close: Some(close.into()),
                stage_id: Some(pipelines::stage(&pipeline, stage).unwrap().id),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let won = deal(&mut db, "Won in November", "300", None);
    opportunities::move_to(
        &mut db,
        &won.id,
        &MoveInput {
            stage: "Won".into(),
            closed_on: Some("2026-11-10".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let f = opportunities::forecast(db.conn(), &ForecastQuery::default(), today).unwrap();
    let month = |m: &str| f.months.iter().find(|x| x.month == m).unwrap();
    assert_eq!(f.months.first().unwrap().month, "2026-05");
    assert_eq!(f.months.last().unwrap().month, "2027-11");
    let jan = month("2027-01");
    assert_eq!(jan.open.count, 2);
    assert_eq!(jan.open.amount[0].amount_minor, 150_000);
    assert_eq!(
        jan.open.weighted[0].amount_minor,
        60_000 + 5_000,
        "1000 × 60% + 500 × 10%"
    );
    assert_eq!(month("2027-02").open.weighted[0].amount_minor, 160_000);
    let nov = month("2026-11");
    assert_eq!((nov.won.count, nov.won.amount[0].amount_minor), (1, 30_000));
    assert_eq!(f.undated.count, 0);
}

#[test]
fn deleting_an_account_keeps_its_deals_and_merging_contacts_moves_their_roles() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = rapport_core::people::accounts::create(
        &mut db,
        &rapport_core::people::accounts::AccountInput {
            name: "Acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let person = |db: &mut Db| {
        rapport_core::people::contacts::create(
            db,
            &rapport_core::people::contacts::ContactInput {
                first_name: "Ada".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    };
    let ada = person(&mut db);
    let twin = person(&mut db);
    let d = opportunities::create(
        &mut db,
        &OpportunityInput {
            name: "Acme deal".into(),
            account_id: Some(acme.id.clone()),
            contacts: vec![opportunities::DealContact {
                contact_id: twin.clone(),
                role: Some("Decision maker".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    rapport_core::people::contacts::merge(&mut db, &ada, &twin, &Default::default()).unwrap();
    let o = opportunities::get(db.conn(), &d.id).unwrap();
    assert_eq!(o.contacts[0].contact_id, ada);
    assert_eq!(o.contacts[0].role.as_deref(), Some("Decision maker"));
    rapport_core::people::accounts::delete(&mut db, &acme.id).unwrap();
    let o = opportunities::get(db.conn(), &d.id).unwrap();
    assert!(o.account_id.is_none());
}

#[test]
fn deals_take_bulk_actions_as_one_undoable_batch() {
    let mut db = Db::open_in_memory().unwrap();
    let a = deal(&mut db, "A", "10", None);
    let b = deal(&mut db, "B", "20", None);
    let ids = vec![a.id.clone(), b.id.clone()];
    let tagged = rapport_core::data::bulk::apply(
        &mut db,
        "opportunities",
        &ids,
        &rapport_core::data::bulk::BulkAction::AddTags {
            tags: vec!["q4".into()],
        },
    )
    .unwrap();
    assert_eq!(tagged.changed, 2);
    assert_eq!(opportunities::get(db.conn(), &b.id).unwrap().tags, ["q4"]);
    let deleted = rapport_core::data::bulk::apply(
        &mut db,
        "opportunities",
        &ids,
        &rapport_core::data::bulk::BulkAction::Delete,
    )
    .unwrap();
    assert!(opportunities::get(db.conn(), &a.id).is_err());
    rapport_core::store::changelog::undo(&mut db, &deleted.batch_id).unwrap();
    let back = opportunities::get(db.conn(), &a.id).unwrap();
    assert_eq!(
        (back.tags.as_slice(), back.stage_name.as_str()),
        (["q4".to_owned()].as_slice(), "Prospecting")
    );
    assert_eq!(
        opportunities::stage_history(db.conn(), &a.id)
            .unwrap()
            .len(),
        1,
        "its history came back too"
    );
}
