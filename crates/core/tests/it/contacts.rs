//! The accounts and contacts slice: create, list, get, update, delete, with validation.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::accounts::{self, AccountInput, AccountQuery, AccountSort, Address};
use rapport_core::people::contacts::{
    self, ContactInput, ContactQuery, ContactSort, EmailEntry, PhoneEntry,
};
use rapport_core::records::list::SortDirection;
use rapport_core::{Db, ErrorCode};

fn email(label: &str, address: &str) -> EmailEntry {
    EmailEntry {
        label: label.into(),
        address: address.into(),
    }
}

fn person(first: &str, last: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        ..Default::default()
    }
}

#[test]
fn a_contact_round_trips_with_its_emails_phones_and_account() {
    let mut db = Db::open_in_memory().unwrap();
    let account = accounts::create(
        &mut db,
        &AccountInput {
            name: "  Initech ".into(),
            website: Some("initech.example".into()),
            annual_revenue: Some(MoneyInput {
                amount: "1250000.50".into(),
                currency: "usd".into(),
            }),
            employee_count: Some(42),
            address: Address {
                city: Some("Austin".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(account.name, "Initech", "trimmed");
    assert_eq!(account.website.as_deref(), Some("https://initech.example"));
    let revenue = account.annual_revenue.clone().unwrap();
    assert_eq!(
        (revenue.amount_minor, revenue.currency.as_str()),
        (125_000_050, "USD")
    );

    let input = ContactInput {
        title: Some("Engineer".into()),
        account_id: Some(account.id.clone()),
        emails: vec![
            email("Work", "peter@initech.example"),
            email("home", "peter@home.example"),
        ],
        phones: vec![PhoneEntry {
            label: "mobile".into(),
            number: "+1 (512) 555-0199".into(),
        }],
        ..person("Peter", "Gibbons")
    };
    let created = contacts::create(&mut db, &input).unwrap();
    let fetched = contacts::get(db.conn(), &created.id).unwrap();
    assert_eq!(created, fetched);
    assert_eq!(fetched.account_name.as_deref(), Some("Initech"));
    assert_eq!(
        fetched.emails[0],
        email("work", "peter@initech.example"),
        "labels lower-cased"
    );
    assert_eq!(fetched.emails[1].address, "peter@home.example");
    assert_eq!(fetched.phones[0].number, "+1 (512) 555-0199");
    assert_eq!(
        accounts::get(db.conn(), &account.id).unwrap().contact_count,
        1
    );

    // Edit: drop the home address, change the work one, add a second phone.
    let edit = ContactInput {
        emails: vec![email("work", "pgibbons@initech.example")],
        phones: vec![
            input.phones[0].clone(),
            PhoneEntry {
                label: "work".into(),
                number: "512-555-0100".into(),
            },
        ],
        ..input.clone()
    };
    let updated = contacts::update(&mut db, &created.id, &edit).unwrap();
    assert_eq!(
        updated.emails,
        vec![email("work", "pgibbons@initech.example")]
    );
    assert_eq!(updated.phones.len(), 2);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(updated.created_at, created.created_at);

    contacts::delete(&mut db, &created.id).unwrap();
    let err = contacts::get(db.conn(), &created.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let orphans: i64 = db
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM contact_emails) + (SELECT count(*) FROM contact_phones)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn validation_names_every_bad_field_and_writes_nothing() {
    let mut db = Db::open_in_memory().unwrap();
    let bad = ContactInput {
        emails: vec![email("work", "not-an-address"), email("home", "")],
        phones: vec![PhoneEntry {
            label: "work".into(),
            number: "call me".into(),
        }],
        account_id: Some("no-such-account".into()),
        notes: Some("x".repeat(100_001)),
        ..person(" ", "")
    };
    let err = contacts::create(&mut db, &bad).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "first_name",
            "account_id",
            "emails.0.address",
            "emails.1.address",
            "phones.0.number",
            "notes"
        ]
    );
    assert!(
        err.to_string()
            .contains("\"not-an-address\" is not an e-mail address"),
        "{err}"
    );
    let rows: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);

    let err = accounts::create(
        &mut db,
        &AccountInput {
            name: "".into(),
            website: Some("not a site".into()),
            employee_count: Some(-3),
            annual_revenue: Some(MoneyInput {
                amount: "12,50".into(),
                currency: "EUR".into(),
            }),
            ..Default::default()
        },
    )
    .unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["name", "website", "annual_revenue.amount", "employee_count"]
    );
}

#[test]
fn lists_sort_and_filter() {
    let mut db = Db::open_in_memory().unwrap();
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "acme".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let zeta = accounts::create(
        &mut db,
        &AccountInput {
            name: "Zeta".into(),
            ..Default::default()
        },
    )
    .unwrap();
    for (first, last, account, mail) in [
        ("Grace", "Hopper", &zeta.id, "grace@navy.example"),
        ("Ada", "Lovelace", &acme.id, "ada@engine.example"),
        ("Alan", "Turing", &acme.id, "alan@bletchley.example"),
        ("Edsger", "dijkstra", &zeta.id, "ewd@tue.example"),
    ] {
        contacts::create(
            &mut db,
            &ContactInput {
                account_id: Some(account.clone()),
                emails: vec![email("work", mail)],
                ..person(first, last)
            },
        )
        .unwrap();
    }
    let names = |q: ContactQuery| -> Vec<String> {
        contacts::list(db.conn(), &q)
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.last_name)
            .collect()
    };
    assert_eq!(
        names(ContactQuery::default()),
        ["dijkstra", "Hopper", "Lovelace", "Turing"]
    );
    assert_eq!(
        names(ContactQuery {
            direction: SortDirection::Desc,
            ..Default::default()
        }),
        ["Turing", "Lovelace", "Hopper", "dijkstra"]
    );
    assert_eq!(
        names(ContactQuery {
            sort: ContactSort::Account,
            ..Default::default()
        }),
        ["Lovelace", "Turing", "dijkstra", "Hopper"]
    );
    assert_eq!(
        names(ContactQuery {
            sort: ContactSort::Email,
            ..Default::default()
        }),
        ["Lovelace", "Turing", "dijkstra", "Hopper"]
    );
    assert_eq!(
        names(ContactQuery {
            search: Some("ACME".into()),
            ..Default::default()
        }),
        ["Lovelace", "Turing"]
    );
    assert_eq!(
        names(ContactQuery {
            search: Some("bletchley".into()),
            ..Default::default()
        }),
        ["Turing"]
    );
    assert_eq!(
        names(ContactQuery {
            search: Some("%".into()),
            ..Default::default()
        }),
        ["dijkstra", "Hopper", "Lovelace", "Turing"],
        "nothing searchable in the text: no filter"
    );
    let page = contacts::list(
        db.conn(),
        &ContactQuery {
            account_id: Some(zeta.id),
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((page.items.len(), page.total), (1, Some(2)));

    let accounts_by_count = accounts::list(
        db.conn(),
        &AccountQuery {
            sort: AccountSort::ContactCount,
            direction: SortDirection::Desc,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(accounts_by_count.items[0].contact_count, 2);
    assert_eq!(accounts_by_count.total, Some(2));
}

#[test]
fn deleting_an_account_keeps_its_contacts_unlinked() {
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
            account_id: Some(acme.id.clone()),
            ..person("Wile", "Coyote")
        },
    )
    .unwrap();
    accounts::delete(&mut db, &acme.id).unwrap();
    let c = contacts::get(db.conn(), &c.id).unwrap();
    assert_eq!((c.account_id, c.account_name), (None, None));
    assert_eq!(
        accounts::delete(&mut db, &acme.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn keyset_pages_walk_every_row_once_in_every_sort() {
    let mut db = Db::open_in_memory().unwrap();
    let accounts: Vec<String> = ["Beta", "alpha", "Gamma"]
        .iter()
        .map(|n| {
            accounts::create(
                &mut db,
                &AccountInput {
                    name: (*n).into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        })
        .collect();
    // Repeated names, missing titles, accounts and e-mails: the tie-breaks must hold.
    for i in 0..120 {
        let mut input = person(
            ["Ann", "Bob", "cy"][i % 3],
            ["Smith", "jones", "Smith", "Zed"][i % 4],
        );
        if i % 5 != 0 {
            input.title = Some(["CEO", "buyer", "Analyst"][i % 3].into());
        }
        if i % 4 != 0 {
            input.account_id = Some(accounts[i % 3].clone());
        }
        if i % 6 != 0 {
            input.emails = vec![email("work", &format!("p{}@x{}.example", i % 7, i))];
        }
        contacts::create(&mut db, &input).unwrap();
    }
    for sort in [
        ContactSort::Name,
        ContactSort::Account,
        ContactSort::Email,
        ContactSort::Title,
        ContactSort::CreatedAt,
        ContactSort::UpdatedAt,
    ] {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let all = contacts::list(
                db.conn(),
                &ContactQuery {
                    sort,
                    direction,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(all.total, Some(120));
            assert_eq!(all.next, None);
            let mut walked = Vec::new();
            let mut query = ContactQuery {
                sort,
                direction,
                limit: Some(7),
                ..Default::default()
            };
            loop {
                let page = contacts::list(db.conn(), &query).unwrap();
                assert!(page.items.len() <= 7);
                walked.extend(page.items.into_iter().map(|c| c.id));
                match page.next {
                    Some(next) => {
                        assert_eq!(
                            page.total.is_some(),
                            query.after.is_none(),
                            "counted on the first page only"
                        );
                        query.after = Some(next);
                    }
                    None => break,
                }
            }
            let expected: Vec<String> = all.items.into_iter().map(|c| c.id).collect();
            assert_eq!(walked, expected, "{sort:?} {direction:?}");
        }
    }
}

#[test]
fn a_foreign_cursor_is_refused_with_a_clear_message() {
    let db = Db::open_in_memory().unwrap();
    for bad in ["nonsense", "[1]", "[{\"a\":1},2,3]", "\"x\""] {
        let err = contacts::list(
            db.conn(),
            &ContactQuery {
                after: Some(bad.into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "after", "{bad}");
    }
}

#[test]
fn richer_records_round_trip_and_consent_keeps_its_date() {
    use rapport_core::people::contacts::{Channel, PostalAddress};
    use rapport_core::records::team::{self, TeamMemberInput};
    let mut db = Db::open_in_memory().unwrap();
    let sam = team::create(
        &mut db,
        &TeamMemberInput {
            name: "Sam Seller".into(),
            email: None,
        },
    )
    .unwrap();
    let input = ContactInput {
        birthday: Some("1915-12-10".into()),
        lead_source: Some("Referral".into()),
        owner_id: Some(sam.id),
        preferred_channel: Some(Channel::Letter),
        do_not_call: true,
        tags: vec!["vip".into(), " VIP ".into(), "newsletter".into(), "".into()],
        addresses: vec![
            PostalAddress {
                label: "Home".into(),
                street: Some("12 St James's Square".into()),
                city: Some("London".into()),
                country: Some("United Kingdom".into()),
                ..Default::default()
            },
            PostalAddress {
                label: "blank".into(),
                ..Default::default()
            },
        ],
        ..person("Ada", "Lovelace")
    };
    let c = contacts::create(&mut db, &input).unwrap();
    assert_eq!(c.birthday.as_deref(), Some("1915-12-10"));
    assert_eq!(c.owner_name.as_deref(), Some("Sam Seller"));
    assert_eq!(c.preferred_channel, Some(Channel::Letter));
    assert_eq!(
        c.tags,
        ["newsletter", "vip"],
        "trimmed, de-duplicated, blank dropped"
    );
    assert_eq!(
        c.addresses.len(),
        1,
        "an address with no parts is not stored"
    );
    assert_eq!(c.addresses[0].label, "home");
    let since = c
        .do_not_call_since
        .clone()
        .expect("refusal recorded with its date");
    assert!(c.do_not_email_since.is_none());

    // Saving again keeps the date the contact refused calls, not the date of this save.
    let mut edit = ContactInput::from(&c);
    edit.title = Some("Countess".into());
    edit.tags = vec!["vip".into()];
    let again = contacts::update(&mut db, &c.id, &edit).unwrap();
    assert_eq!(again.do_not_call_since.as_deref(), Some(since.as_str()));
    assert_eq!(again.tags, ["vip"]);
    edit.do_not_call = false;
    assert!(
        contacts::update(&mut db, &c.id, &edit)
            .unwrap()
            .do_not_call_since
            .is_none()
    );

    let bad = ContactInput {
        birthday: Some("10/12/1815".into()),
        owner_id: Some("nobody".into()),
        ..person("X", "Y")
    };
    let err = contacts::create(&mut db, &bad).unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["birthday", "owner_id"]);

    contacts::delete(&mut db, &c.id).unwrap();
    let leftovers: i64 = db
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM taggings) + (SELECT count(*) FROM contact_addresses)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0);
}

#[test]
fn accounts_have_types_owners_tags_and_parents_without_cycles() {
    use rapport_core::people::accounts::AccountType;
    let mut db = Db::open_in_memory().unwrap();
    let group = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme Group".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let sub = accounts::create(
        &mut db,
        &AccountInput {
            name: "Acme Retail".into(),
            account_type: Some(AccountType::Customer),
            turnover_band: Some("1M - 10M".into()),
            parent_id: Some(group.id.clone()),
            tags: vec!["key account".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(sub.parent_name.as_deref(), Some("Acme Group"));
    assert_eq!(sub.account_type, Some(AccountType::Customer));
    assert_eq!(sub.tags, ["key account"]);
    let children = accounts::sub_account_ids(db.conn(), &group.id).unwrap();
    assert_eq!(children, std::slice::from_ref(&sub.id));

    let mut cyclic = AccountInput::from(&group);
    cyclic.parent_id = Some(sub.id.clone());
    let err = accounts::update(&mut db, &group.id, &cyclic).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "parent_id");
    let mut itself = AccountInput::from(&group);
    itself.parent_id = Some(group.id.clone());
    assert!(accounts::update(&mut db, &group.id, &itself).is_err());

    accounts::delete(&mut db, &group.id).unwrap();
    assert_eq!(
        accounts::get(db.conn(), &sub.id).unwrap().parent_id,
        None,
        "the subsidiary is kept, unlinked"
    );
}

#[test]
fn lists_filter_by_tags_owner_consent_type_industry_and_creation_day() {
    use rapport_core::people::accounts::AccountType;
    use rapport_core::records::list::CommonFilters;
    use rapport_core::records::team::{self, TeamMemberInput};
    let mut db = Db::open_in_memory().unwrap();
    let sam = team::create(
        &mut db,
        &TeamMemberInput {
            name: "Sam".into(),
            email: None,
        },
    )
    .unwrap();
    let mk = |db: &mut Db, first: &str, tags: &[&str], owner: Option<&str>, no_email: bool| {
        contacts::create(
            db,
            &ContactInput {
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                owner_id: owner.map(str::to_owned),
                do_not_email: no_email,
                ..person(first, "X")
            },
        )
        .unwrap()
    };
    mk(&mut db, "Ann", &["vip"], Some(&sam.id), false);
    mk(&mut db, "Bob", &["newsletter"], None, true);
    mk(&mut db, "Cy", &["VIP", "newsletter"], None, false);
    let firsts = |q: ContactQuery| -> Vec<String> {
        let mut v: Vec<String> = contacts::list(db.conn(), &q)
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.first_name)
            .collect();
        v.sort();
        v
    };
    let with = |filters: CommonFilters| ContactQuery {
        filters,
        ..Default::default()
    };
    assert_eq!(
        firsts(with(CommonFilters {
            tags: vec!["vip".into()],
            ..Default::default()
        })),
        ["Ann", "Cy"]
    );
    assert_eq!(
        firsts(with(CommonFilters {
            tags: vec!["vip".into(), "newsletter".into()],
            ..Default::default()
        })),
        ["Ann", "Bob", "Cy"],
        "any of the tags"
    );
    assert_eq!(
        firsts(with(CommonFilters {
            owner_id: Some(sam.id),
            ..Default::default()
        })),
        ["Ann"]
    );
    assert_eq!(
        firsts(with(CommonFilters {
            owner_id: Some("none".into()),
            ..Default::default()
        })),
        ["Bob", "Cy"]
    );
    assert_eq!(
        firsts(ContactQuery {
            emailable: true,
            ..Default::default()
        }),
        ["Ann", "Cy"]
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(
        firsts(with(CommonFilters {
            created_from: Some(today.clone()),
            created_to: Some(today),
            ..Default::default()
        }))
        .len(),
        3
    );
    assert!(
        firsts(with(CommonFilters {
            created_to: Some("2000-01-01".into()),
            ..Default::default()
        }))
        .is_empty()
    );
    let err = contacts::list(
        db.conn(),
        &with(CommonFilters {
            created_from: Some("yesterday".into()),
            ..Default::default()
        }),
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "created_from");

    accounts::create(
        &mut db,
        &AccountInput {
            name: "A".into(),
            industry: Some("Retail".into()),
            account_type: Some(AccountType::Customer),
            ..Default::default()
        },
    )
    .unwrap();
    accounts::create(
        &mut db,
        &AccountInput {
            name: "B".into(),
            industry: Some("retail".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let names = |q: AccountQuery| -> Vec<String> {
        accounts::list(db.conn(), &q)
            .unwrap()
            .items
            .into_iter()
            .map(|a| a.name)
            .collect()
    };
    assert_eq!(
        names(AccountQuery {
            industry: Some("RETAIL".into()),
            ..Default::default()
        }),
        ["A", "B"]
    );
    assert_eq!(
        names(AccountQuery {
            account_type: Some(AccountType::Customer),
            ..Default::default()
        }),
        ["A"]
    );
}

#[test]
fn a_search_stops_counting_past_its_cap_and_pages_stay_sorted() {
    let mut db = Db::open_in_memory().unwrap();
    let names = [
        "Maier", "Martin", "Mason", "Matthews", "Mayer", "Baker", "Cole",
    ];
    for i in 0..28 {
        let mut p = person(&format!("P{i:02}"), names[i % names.len()]);
        p.emails.clear();
        contacts::create(&mut db, &p).unwrap();
    }
    let query = |cap: Option<i64>, after: Option<String>| ContactQuery {
        search: Some("ma".into()),
        limit: Some(5),
        count_cap: cap,
        after,
        ..Default::default()
    };
    // 20 match "ma": under the default cap the count is exact.
    let page = contacts::list(db.conn(), &query(None, None)).unwrap();
    assert_eq!(page.total, Some(20));
    assert!(!page.total_capped);
    // A cap of 10 (the dense walk) and of 3 (the per-row lookup): "10+" / "3+", same rows.
    for cap in [10, 3, 19, 20] {
        let mut seen = Vec::new();
        let mut after = None;
        let first = contacts::list(db.conn(), &query(Some(cap), None)).unwrap();
        assert_eq!(first.total, Some(cap.min(20)), "cap {cap}");
        assert_eq!(first.total_capped, cap < 20, "cap {cap}");
        loop {
            let page = contacts::list(db.conn(), &query(Some(cap), after.clone())).unwrap();
            seen.extend(
                page.items
                    .iter()
                    .map(|c| (c.last_name.clone(), c.first_name.clone())),
            );
            after = page.next;
            if after.is_none() {
                break;
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_by_key(|(l, f)| (l.to_lowercase(), f.to_lowercase()));
        assert_eq!(seen.len(), 20, "cap {cap}");
        assert_eq!(seen, sorted, "cap {cap}");
        assert!(seen.iter().all(|(l, _)| l.starts_with("Ma")));
    }
    // The cap never shows in the JSON unless it was hit.
    let json =
        serde_json::to_value(contacts::list(db.conn(), &query(None, None)).unwrap()).unwrap();
    assert!(json.get("total_capped").is_none());
    let json =
        serde_json::to_value(contacts::list(db.conn(), &query(Some(3), None)).unwrap()).unwrap();
    assert_eq!(json["total_capped"], true);
}

#[test]
fn a_search_pages_the_same_rows_as_the_plain_query_whichever_way_it_walks() {
    let mut db = Db::open_in_memory().unwrap();
    let lasts = [
        "Abbott",
        "Åberg",
        "Adler",
        "Bauer",
        "Becker",
        "de la Cruz",
        "Müller",
        "Mueller",
        "Muller",
        "O'Brien",
        "Schmidt",
        "Schneider",
        "Schulz",
        "Schwarz",
        "Schmitz",
        "Scott",
        "van der Berg",
        "Wagner",
        "Zoë",
        "Øster",
    ];
    let firsts = [
        "Ada",
        "Anna",
        "Sébastien",
        "Scarlett",
        "Maria",
        "Marco",
        "Zoé",
        "Ole",
        "Schuyler",
        "Ian",
    ];
    let acme = accounts::create(
        &mut db,
        &AccountInput {
            name: "Schmitz \"Quotes\" GmbH".into(),
            ..Default::default()
        },
    )
    .unwrap();
    for i in 0..240 {
        // The Sch... names are many and late in the name order, as in real address books.
        let last = if i % 3 == 0 {
            lasts[10 + i % 5]
        } else {
            lasts[(i * 7) % lasts.len()]
        };
        let mut p = person(firsts[(i * 3) % firsts.len()], last);
        if i % 17 == 0 {
            p.account_id = Some(acme.id.clone());
        }
        contacts::create(&mut db, &p).unwrap();
    }
    let plain = |search: &str, direction: SortDirection| -> Vec<String> {
        let Some(fts) = rapport_core::store::search::fts_query(search) else {
            return Vec::new();
        };
        let dir = match direction {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        };
        let mut stmt = db
            .conn()
            .prepare(&format!(
                "SELECT c.id FROM contacts c WHERE c.id IN
                   (SELECT d.entity_id FROM search_index
                      JOIN search_docs d ON d.rowid = search_index.rowid
                     WHERE search_index MATCH ?1 AND d.entity = 'contacts')
                  ORDER BY c.last_name COLLATE NOCASE {dir}, c.first_name COLLATE NOCASE {dir},
                           c.id {dir}"
            ))
            .unwrap();
        stmt.query_map([fts], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let searches = [
        "s",
        "sc",
        "sch",
        "schm",
        "Schmitz",
        "mü",
        "mu",
        "muller",
        "müller",
        "o'brien",
        "O'B",
        "\"sc",
        "van der",
        "ma ri",
        "zoe",
        "Zoë",
        "é",
        "ab",
        "x",
        "gmbh sch",
        "\"quotes\"",
    ];
    for search in searches {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let expected = plain(search, direction);
            let n = expected.len() as i64;
            for cap in [None, Some(200), Some(40), Some(12), Some(3)] {
                for limit in [7, 50] {
                    let case = format!("{search:?} {direction:?} cap {cap:?} limit {limit}");
                    let mut seen = Vec::new();
                    let mut after = None;
                    loop {
                        let page = contacts::list(
                            db.conn(),
                            &ContactQuery {
                                search: Some(search.into()),
                                direction,
                                limit: Some(limit),
                                count_cap: cap,
                                after: after.clone(),
                                ..Default::default()
                            },
                        )
                        .unwrap();
                        if after.is_none() {
                            let cap = cap.unwrap_or(10_000);
                            assert_eq!(page.total, Some(n.min(cap)), "{case}");
                            assert_eq!(page.total_capped, n > cap, "{case}");
                        }
                        seen.extend(page.items.into_iter().map(|c| c.id));
                        after = page.next;
                        if after.is_none() {
                            break;
                        }
                    }
                    assert_eq!(seen, expected, "{case}");
                }
            }
        }
    }
    // The inputs cover one, two and many matches, and none.
    assert!(plain("sc", SortDirection::Asc).len() > 60);
    assert!(!plain("o'brien", SortDirection::Asc).is_empty());
    assert!(plain("x", SortDirection::Asc).is_empty());
}
