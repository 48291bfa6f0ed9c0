//! Campaigns: members and responses, the leads and deals they bring, and the effectiveness
//! report checked against figures worked out by hand in the comments.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use rapport_core::Db;
use rapport_core::insight::analytics::{self, Cell, Scope};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::marketing::campaigns::{self, CampaignInput, CampaignKind, MemberStatus};
use rapport_core::people::contacts::{self, ContactInput};
use rapport_core::sales::leads::{self, ConvertInput, LeadInput};
use rapport_core::sales::opportunities::{self, MoveInput, OpportunityInput};

fn eur(amount: &str) -> Option<MoneyInput> {
    Some(MoneyInput {
        amount: amount.into(),
        currency: "EUR".into(),
    })
}

fn campaign(db: &mut Db, name: &str, currency: &str, cost: &str, from: &str, to: &str) -> String {
    campaigns::create(
        db,
        &CampaignInput {
            name: name.into(),
            kind: Some(CampaignKind::TradeShow),
            currency: currency.into(),
            budget: "2500".into(),
            actual_cost: cost.into(),
            starts_on: Some(from.into()),
            ends_on: Some(to.into()),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

#[test]
fn the_effectiveness_report_matches_the_hand_computed_example() {
    let mut db = Db::open_in_memory().unwrap();
    let fair = campaign(
        &mut db,
        "Spring fair",
        "EUR",
        "2000",
        "2026-03-01",
        "2026-03-31",
    );
    let letter = campaign(
        &mut db,
        "US newsletter",
        "USD",
        "100",
        "2026-03-10",
        "2026-03-10",
    );
    campaign(
        &mut db,
        "Last year's fair",
        "EUR",
        "900",
        "2025-03-01",
        "2025-03-31",
    );

    // Members: 4 contacts and 2 leads; one contact and one lead responded (2 of 6: 33.33 %).
    let people: Vec<String> = (0..4)
        .map(|i| {
            contacts::create(
                &mut db,
                &ContactInput {
                    first_name: format!("Visitor{i}"),
                    last_name: "Fair".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        })
        .collect();
    // Five leads came from the fair.
    let leads: Vec<String> = (0..5)
        .map(|i| {
            leads::create(
                &mut db,
                &LeadInput {
                    name: format!("Lead {i}"),
                    company: Some(format!("Company {i}")),
                    campaign_id: Some(fair.clone()),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        })
        .collect();
    assert_eq!(
        campaigns::add_members(&mut db, &fair, "contacts", &people).unwrap(),
        4
    );
    assert_eq!(
        campaigns::add_members(&mut db, &fair, "leads", &leads[..2]).unwrap(),
        2
    );
    assert_eq!(
        campaigns::add_members(&mut db, &fair, "contacts", &people[..1]).unwrap(),
        0,
        "a member is added once"
    );
    campaigns::set_member_status(
        &mut db,
        &fair,
        "contacts",
        &people[0],
        MemberStatus::Responded,
    )
    .unwrap();
    campaigns::set_member_status(&mut db, &fair, "leads", &leads[1], MemberStatus::Responded)
        .unwrap();

    // Two leads convert with a deal each (3,000 won later; 1,000 left open); their deals
    // inherit the campaign. A deal made directly for the fair: 500, won.
    let deal_of = |db: &mut Db, lead: &str, amount: &str| {
        leads::convert(
            db,
            lead,
            &ConvertInput {
                opportunity: Some(OpportunityInput {
                    name: format!("Deal from {lead}"),
                    amount: eur(amount),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap()
        .opportunity_id
        .unwrap()
    };
    let big = deal_of(&mut db, &leads[0], "3000");
    deal_of(&mut db, &leads[1], "1000");
    opportunities::move_to(
        &mut db,
        &big,
        &MoveInput {
            stage: "Won".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let direct = opportunities::create(
        &mut db,
        &OpportunityInput {
            name: "Fair: stand demo".into(),
            amount: eur("500"),
            campaign_id: Some(fair.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    opportunities::move_to(
        &mut db,
        &direct,
        &MoveInput {
            stage: "Won".into(),
            ..Default::default()
        },
    )
    .unwrap();

    let e = campaigns::effectiveness(db.conn(), Some(&fair))
        .unwrap()
        .remove(0);
    // Members 6, responses 2; leads 5, converted 2; deals 3, won 2 for 3,500.00.
    assert_eq!(
        (
            e.members,
            e.responses,
            e.leads,
            e.leads_converted,
            e.deals,
            e.deals_won
        ),
        (6, 2, 5, 2, 3, 2)
    );
    assert_eq!(e.won_minor, 350_000);
    // Cost per lead: 2,000 / 5 = 400.00. ROI: (3,500 - 2,000) / 2,000 = 75 %.
    assert_eq!(e.cost_per_lead_minor, Some(40_000));
    assert_eq!(e.roi_bp, Some(7_500));

    // The report for March 2026 in EUR: the fair with its money, the US newsletter without
    // (another currency), not last year's fair.
    let march = Scope::new(
        None,
        Some("2026-03-01"),
        Some("2026-03-31"),
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
    )
    .unwrap();
    let march = Scope {
        currency: Some("EUR".into()),
        ..march
    };
    let report = analytics::report(
        db.conn(),
        "campaigns",
        &march,
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
    )
    .unwrap();
    let names: Vec<&Cell> = report.rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        names,
        [
            &Cell::Text("US newsletter".into()),
            &Cell::Text("Spring fair".into())
        ]
    );
    let fair_row = &report.rows[1];
    assert_eq!(fair_row[4], Cell::Number(3333), "response rate");
    assert_eq!(fair_row[9], Cell::Number(350_000));
    assert_eq!(fair_row[10], Cell::Number(200_000));
    assert_eq!(fair_row[12], Cell::Number(7_500));
    assert_eq!(report.rows[0][10], Cell::Empty, "USD is not mixed into EUR");
    let csv = analytics::to_csv(&report).unwrap();
    assert!(
        csv.contains("Spring fair,Trade show,6,2,33.33,5,2,3,2,3500.00,2000.00,400.00,75.00"),
        "{csv}"
    );

    // Deleting a campaign keeps its leads and deals, no longer naming it.
    campaigns::delete(&mut db, &letter).unwrap();
    campaigns::delete(&mut db, &fair).unwrap();
    assert_eq!(leads::get(db.conn(), &leads[2]).unwrap().campaign_id, None);
    assert!(campaigns::get(db.conn(), &fair).is_err());
}

#[test]
fn campaigns_refuse_bad_input_in_plain_words() {
    let mut db = Db::open_in_memory().unwrap();
    let err = campaigns::create(
        &mut db,
        &CampaignInput {
            name: " ".into(),
            actual_cost: "lots".into(),
            starts_on: Some("2026-05-01".into()),
            ends_on: Some("2026-04-01".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("name"), "{text}");
    assert!(
        text.contains("ends (2026-04-01) before it starts"),
        "{text}"
    );
    assert!(text.contains("lots"), "{text}");
    let id = campaign(&mut db, "Fair", "EUR", "", "2026-03-01", "2026-03-02");
    let err = campaigns::add_members(&mut db, &id, "accounts", &["x".into()]).unwrap_err();
    assert!(err.to_string().contains("contacts or leads"), "{err}");
    let err = campaigns::add_members(&mut db, &id, "contacts", &["nobody".into()]).unwrap_err();
    assert!(err.to_string().contains("nobody"), "{err}");
    // No cost recorded: no cost per lead and no ROI, rather than a division by zero.
    let e = campaigns::effectiveness(db.conn(), Some(&id))
        .unwrap()
        .remove(0);
    assert_eq!((e.cost_per_lead_minor, e.roi_bp), (None, None));
    // A second campaign of the same name is refused (letter case aside) ...
    let input = CampaignInput {
        name: "fair".into(),
        currency: "EUR".into(),
        ..Default::default()
    };
    let err = campaigns::create(&mut db, &input).unwrap_err();
    assert!(
        err.to_string()
            .contains("another campaign is already named"),
        "{err}"
    );
    // ... but a file from before that rule may hold two: the name alone is refused, the id works.
    let twin = campaign(&mut db, "Fair 2", "USD", "", "2026-04-01", "2026-04-02");
    db.conn()
        .execute("UPDATE campaigns SET name = 'fair' WHERE id = ?1", [&twin])
        .unwrap();
    let err = campaigns::find(db.conn(), "Fair").unwrap_err();
    assert!(err.to_string().contains("2 campaigns are named"), "{err}");
    assert_eq!(campaigns::find(db.conn(), &twin).unwrap().currency, "USD");
    // A member who responded and then unsubscribed still responded.
    let zoe = contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Zoe".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    campaigns::add_members(&mut db, &id, "contacts", std::slice::from_ref(&zoe)).unwrap();
    campaigns::set_member_status(&mut db, &id, "contacts", &zoe, MemberStatus::Responded).unwrap();
    campaigns::set_member_status(&mut db, &id, "contacts", &zoe, MemberStatus::Unsubscribed)
        .unwrap();
    let e = campaigns::effectiveness(db.conn(), Some(&id))
        .unwrap()
        .remove(0);
    assert_eq!((e.members, e.responses), (1, 1));
    // A deleted contact leaves the member list with it.
    contacts::delete(&mut db, &zoe).unwrap();
    let e = campaigns::effectiveness(db.conn(), Some(&id))
        .unwrap()
        .remove(0);
    assert_eq!((e.members, e.responses), (0, 0));
}
