//! Custom fields: defined per kind of record, validated by kind, shown, filtered and
//! searched; renaming or deleting a field never loses other data.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::people::contacts::{self, ContactInput, ContactQuery};
use rapport_core::records::fields::{self, CustomFieldInput, CustomValues, FieldKind};
use rapport_core::records::list::{CommonFilters, CustomFilter};
use rapport_core::{Db, ErrorCode, store::search};
use serde_json::json;

fn define(db: &mut Db, label: &str, kind: FieldKind, options: &[&str]) -> String {
    fields::define(
        db,
        &CustomFieldInput {
            entity: "contacts".into(),
            label: label.into(),
            kind,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        },
    )
    .unwrap()
    .id
}

fn person(custom: CustomValues) -> ContactInput {
    ContactInput {
        first_name: "Ada".into(),
        custom,
        ..Default::default()
    }
}

#[test]
fn every_kind_validates_stores_and_reads_back() {
    let mut db = Db::open_in_memory().unwrap();
    let text = define(&mut db, "Shoe size note", FieldKind::Text, &[]);
    let number = define(&mut db, "Seats", FieldKind::Number, &[]);
    let money = define(&mut db, "Budget", FieldKind::Money, &[]);
    let date = define(&mut db, "Renewal", FieldKind::Date, &[]);
    let single = define(
        &mut db,
        "Tier",
        FieldKind::SingleSelect,
        &["Gold", "Silver"],
    );
    let multi = define(
        &mut db,
        "Interests",
        FieldKind::MultiSelect,
        &["Boats", "Cars", "Planes"],
    );
    let check = define(&mut db, "Reference customer", FieldKind::Checkbox, &[]);

    let mut values = CustomValues::new();
    values.insert(text.clone(), json!("  likes tea  "));
    values.insert(number.clone(), json!("12"));
    values.insert(
        money.clone(),
        json!({"amount": "2500.50", "currency": "eur"}),
    );
    values.insert(date.clone(), json!("2027-03-01"));
    values.insert(single.clone(), json!("gold"));
    values.insert(multi.clone(), json!(["planes", "Boats"]));
    values.insert(check.clone(), json!("yes"));
    let c = contacts::create(&mut db, &person(values)).unwrap();
    assert_eq!(c.custom[&text], json!("likes tea"));
    assert_eq!(c.custom[&number], json!(12));
    assert_eq!(
        c.custom[&money],
        json!({"amount_minor": 250050, "currency": "EUR"})
    );
    assert_eq!(c.custom[&date], json!("2027-03-01"));
    assert_eq!(
        c.custom[&single],
        json!("Gold"),
        "stored as the option is written"
    );
    assert_eq!(c.custom[&multi], json!(["Planes", "Boats"]));
    assert_eq!(c.custom[&check], json!(true));

    let mut bad = CustomValues::new();
    bad.insert(number, json!("a dozen"));
    bad.insert(date, json!("01/03/2027"));
    bad.insert(single, json!("Bronze"));
    bad.insert("no-such-field".into(), json!("x"));
    let err = contacts::create(&mut db, &person(bad)).unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields.len(), 4, "{err}");
    assert!(
        err.to_string()
            .contains("Tier: \"Bronze\" is not one of Gold, Silver"),
        "{err}"
    );
    assert!(err.to_string().contains("Renewal"), "{err}");
}

#[test]
fn renaming_or_deleting_a_field_loses_no_data() {
    let mut db = Db::open_in_memory().unwrap();
    let tier = define(
        &mut db,
        "Tier",
        FieldKind::SingleSelect,
        &["Gold", "Silver"],
    );
    let note = define(&mut db, "Note", FieldKind::Text, &[]);
    let mut values = CustomValues::new();
    values.insert(tier.clone(), json!("Gold"));
    values.insert(note.clone(), json!("met at the fair"));
    let c = contacts::create(&mut db, &person(values)).unwrap();

    fields::update(
        &mut db,
        &tier,
        "Customer tier",
        &["Gold".into(), "Silver".into(), "Bronze".into()],
    )
    .unwrap();
    assert_eq!(
        contacts::get(db.conn(), &c.id).unwrap().custom[&tier],
        json!("Gold")
    );

    fields::archive(&mut db, &note).unwrap();
    let now = contacts::get(db.conn(), &c.id).unwrap();
    assert!(
        !now.custom.contains_key(&note),
        "an archived field is hidden"
    );
    assert_eq!(fields::list(db.conn(), "contacts").unwrap().len(), 1);
    // Saving the record through a form that no longer shows the field keeps its value.
    contacts::update(&mut db, &c.id, &ContactInput::from(&now)).unwrap();
    let kept: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM custom_values WHERE field_id = ?1",
            [&note],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);

    let dup = fields::define(
        &mut db,
        &CustomFieldInput {
            entity: "contacts".into(),
            label: "customer TIER".into(),
            kind: FieldKind::Text,
            options: vec![],
        },
    )
    .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Validation);
}

#[test]
fn custom_values_are_searched_and_filtered() {
    let mut db = Db::open_in_memory().unwrap();
    let tier = define(
        &mut db,
        "Tier",
        FieldKind::SingleSelect,
        &["Gold", "Silver"],
    );
    let hobbies = define(
        &mut db,
        "Hobbies",
        FieldKind::MultiSelect,
        &["Sailing", "Chess"],
    );
    let vip = define(&mut db, "VIP", FieldKind::Checkbox, &[]);
    for (name, t, h, v) in [
        ("Ann", "Gold", vec!["Sailing"], true),
        ("Bob", "Silver", vec!["Chess", "Sailing"], false),
        ("Cy", "", vec![], false),
    ] {
        let mut values = CustomValues::new();
        values.insert(tier.clone(), json!(t));
        values.insert(hobbies.clone(), json!(h));
        values.insert(vip.clone(), json!(v));
        contacts::create(
            &mut db,
            &ContactInput {
                first_name: name.into(),
                custom: values,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let found = search::search(db.conn(), "sailing", 10).unwrap();
    assert_eq!(found[0].hits.len(), 2);
    let names = |filter: CustomFilter| -> Vec<String> {
        let q = ContactQuery {
            filters: CommonFilters {
                custom: vec![filter],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut n: Vec<String> = contacts::list(db.conn(), &q)
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.first_name)
            .collect();
        n.sort();
        n
    };
    let f = |field: &str, value: &str| CustomFilter {
        field_id: field.to_owned(),
        value: value.to_owned(),
    };
    assert_eq!(names(f(&tier, "gold")), ["Ann"]);
    assert_eq!(names(f(&tier, "")), ["Cy"], "no value");
    assert_eq!(names(f(&hobbies, "chess")), ["Bob"]);
    assert_eq!(names(f(&vip, "yes")), ["Ann"]);
    assert_eq!(names(f(&vip, "no")), ["Bob", "Cy"]);
    let page = contacts::list(db.conn(), &ContactQuery::default()).unwrap();
    let ann = page.items.iter().find(|c| c.first_name == "Ann").unwrap();
    assert_eq!(
        ann.custom[&tier],
        json!("Gold"),
        "lists carry custom values for columns"
    );
}

#[test]
fn a_saved_view_restores_its_list() {
    let mut db = Db::open_in_memory().unwrap();
    let tier = define(
        &mut db,
        "Tier",
        FieldKind::SingleSelect,
        &["Gold", "Silver"],
    );
    for (name, t) in [("Ann", "Gold"), ("Bob", "Silver")] {
        let mut values = CustomValues::new();
        values.insert(tier.clone(), json!(t));
        contacts::create(
            &mut db,
            &ContactInput {
                first_name: name.into(),
                custom: values,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let definition = json!({"sort": "name", "direction": "desc", "custom": [{"field_id": tier, "value": "Gold"}], "columns": ["name", "email"]});
    rapport_core::records::views::save(&mut db, "contacts", "Gold customers", &definition).unwrap();
    let again =
        rapport_core::records::views::save(&mut db, "contacts", "gold CUSTOMERS", &definition)
            .unwrap();
    assert_eq!(
        rapport_core::records::views::list(db.conn(), "contacts")
            .unwrap()
            .len(),
        1,
        "same name replaces"
    );
    let view = rapport_core::records::views::find(db.conn(), "contacts", "Gold customers").unwrap();
    assert_eq!(view.id, again.id);
    let query: ContactQuery = serde_json::from_value(view.definition).unwrap();
    let names: Vec<String> = contacts::list(db.conn(), &query)
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.first_name)
        .collect();
    assert_eq!(names, ["Ann"]);
    rapport_core::records::views::delete(&mut db, &view.id).unwrap();
    assert!(
        rapport_core::records::views::list(db.conn(), "contacts")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn lists_sort_by_a_custom_field_and_page_through_it() {
    let mut db = Db::open_in_memory().unwrap();
    let seats = define(&mut db, "Seats", FieldKind::Number, &[]);
    for (name, n) in [
        ("Ann", Some(30)),
        ("Bob", Some(5)),
        ("Cy", None),
        ("Di", Some(12)),
    ] {
        let mut values = CustomValues::new();
        if let Some(n) = n {
            values.insert(seats.clone(), json!(n));
        }
        contacts::create(
            &mut db,
            &ContactInput {
                first_name: name.into(),
                custom: values,
                ..Default::default()
            },
        )
        .unwrap();
    }
    let mut q = ContactQuery {
        sort_field: Some(seats),
        limit: Some(2),
        ..Default::default()
    };
    let mut order = Vec::new();
    loop {
        let page = contacts::list(db.conn(), &q).unwrap();
        order.extend(page.items.into_iter().map(|c| c.first_name));
        match page.next {
            Some(next) => q.after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        order,
        ["Bob", "Di", "Ann", "Cy"],
        "numbers in order, then the one without a value"
    );
    let err = contacts::list(
        db.conn(),
        &ContactQuery {
            sort_field: Some("x'; DROP TABLE contacts; --".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "sort_field");
}
