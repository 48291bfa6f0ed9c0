//! Linked records can always be deleted and merged. Derived from the schema itself: every
//! foreign key (`PRAGMA foreign_key_list` over every table) pointing at a kind of record that
//! can be deleted gets one child row, then the parent is deleted (and a contact or an account merged), and
//! the action undone. No raw database error may reach the caller, nothing may be left
//! pointing at a deleted row, issued invoices survive, and undo puts everything back.
//!
//! A table added later with a link to one of these records makes this test fail with its
//! name until a recipe below creates such a row and `links::LINKS` says what deleting the
//! parent does to it.

#![allow(clippy::unwrap_used, clippy::panic)]

use chrono_tz::Tz;
use rapport_core::activities::activity::{self, ActivityInput, Scope};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, MergeChoices};
use rapport_core::sales::opportunities::{self, OpportunityInput};
use rapport_core::service::tickets::{self, TicketInput};
use rapport_core::store::links::{self, OnDelete};
use rapport_core::{Db, Error, ErrorCode, sales::leads, store::changelog};

const NOW: &str = "2026-12-01T10:00:00.000Z";

/// The kinds of record that have a delete, with how the test deletes one. Every other kind
/// pointed at by a foreign key is never deleted (`OnDelete::ParentKept`), or settled by its
/// own module (`OnDelete::Module`).
const DELETABLE: &[&str] = &[
    "contacts",
    "accounts",
    "leads",
    "opportunities",
    "tickets",
    "campaigns",
    "segments",
    "activities",
    "sequences",
    "email_templates",
    "service_agreements",
];

/// Records deleted only by their own module's rules (a call list with its entries, a stage
/// once its deals moved, a draft invoice), tested with those modules.
const DELETED_BY_MODULE: &[&str] = &[
    "call_lists",
    "call_list_entries",
    "pipeline_stages",
    "sales_documents",
    // Deleted with their ticket; a reply's mail in the outbox is kept, detached.
    "ticket_messages",
];

fn id() -> String {
    uuid_like()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!(
        "00000000-0000-7000-8000-{:012}",
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn raw(db: &Db, table: &str, fields: &[(&str, &str)]) -> String {
    let row = id();
    let mut cols = vec!["id", "created_at", "updated_at"];
    let mut vals = vec![row.clone(), NOW.to_owned(), NOW.to_owned()];
    for (c, v) in fields {
        cols.push(c);
        vals.push((*v).to_owned());
    }
    let marks: Vec<String> = (1..=vals.len()).map(|i| format!("?{i}")).collect();
    db.conn()
        .execute(
            &format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                cols.join(", "),
                marks.join(", ")
            ),
            rusqlite::params_from_iter(vals),
        )
        .unwrap_or_else(|e| panic!("inserting a {table} row: {e}"));
    row
}

fn contact(db: &mut Db, first: &str, last: &str) -> String {
    contacts::create(
        db,
        &ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn account(db: &mut Db, name: &str) -> String {
    accounts::create(
        db,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn deal(db: &mut Db, account_id: Option<&str>) -> String {
    opportunities::create(
        db,
        &OpportunityInput {
            name: "Forty desks".into(),
            account_id: account_id.map(str::to_owned),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn activity(db: &mut Db) -> String {
    activity::create(
        db,
        &ActivityInput {
            subject: "Call about the desks".into(),
            ..Default::default()
        },
        Tz::UTC,
    )
    .unwrap()
    .id
}

fn ticket(db: &mut Db, account_id: Option<&str>, contact_id: Option<&str>) -> String {
    tickets::create(
        db,
        &TicketInput {
            subject: "The desk wobbles".into(),
            account_id: account_id.map(str::to_owned),
            contact_id: contact_id.map(str::to_owned),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn template(db: &Db) -> String {
    raw(
        db,
        "email_templates",
        &[
            ("name", &format!("Welcome {}", id())),
            ("subject", "Hello"),
            ("body", "Hi"),
        ],
    )
}

fn campaign(db: &Db) -> String {
    raw(
        db,
        "campaigns",
        &[("name", &format!("Spring {}", id())), ("currency", "EUR")],
    )
}

fn segment(db: &Db) -> String {
    raw(
        db,
        "segments",
        &[
            ("name", &format!("VIPs {}", id())),
            ("entity", "contacts"),
            ("kind", "static"),
        ],
    )
}

fn sequence(db: &Db) -> String {
    raw(db, "sequences", &[("name", &format!("Nurture {}", id()))])
}

fn agreement(db: &mut Db) -> String {
    let acme = account(db, "Agreement Co");
    raw(
        db,
        "service_agreements",
        &[
            ("account_id", &acme),
            ("name", "Yearly check"),
            ("rrule", "FREQ=YEARLY"),
            ("starts_on", "2026-01-01"),
        ],
    )
}

fn outbox(db: &mut Db, column: &str, value: &str) -> String {
    let to = contact(db, "Ola", "Nordmann");
    raw(
        db,
        "outbox",
        &[
            ("entity", "contacts"),
            ("entity_id", &to),
            ("to_name", "Ola Nordmann"),
            ("subject", "Hello"),
            ("body_text", "Hi"),
            ("body_html", "<p>Hi</p>"),
            ("status", "sent"),
            (column, value),
        ],
    )
}

fn promotion(db: &mut Db, column: &str, value: &str) -> String {
    let template = if column == "template_id" {
        value.to_owned()
    } else {
        template(db)
    };
    let segment = if column == "segment_id" {
        value.to_owned()
    } else {
        segment(db)
    };
    let mut fields = vec![
        ("name", format!("Promo {}", id())),
        ("template_id", template),
        ("segment_id", segment),
    ];
    if column == "campaign_id" {
        fields.push(("campaign_id", value.to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(c, v)| (*c, v.as_str())).collect();
    raw(db, "promotions", &fields)
}

/// A sales document naming `parent` in `column`: a quote, or an issued invoice.
fn document(db: &Db, column: &str, value: &str, issued: bool) -> String {
    let (kind, status, number) = if issued {
        ("invoice", "issued", format!("INV-2026-{}", &id()[30..]))
    } else {
        ("quote", "draft", format!("Q-2026-{}", &id()[30..]))
    };
    raw(
        db,
        "sales_documents",
        &[
            ("kind", kind),
            ("status", status),
            ("number", &number),
            ("currency", "EUR"),
            ("issued_on", "2026-11-30"),
            (column, value),
        ],
    )
}

/// One child row of `table` pointing at `parent` through `column`, made as the app makes it
/// where a core API exists. `variant` picks among the kinds of child worth telling apart
/// (an issued invoice is not a quote).
fn make_child(db: &mut Db, table: &str, column: &str, parent: &str, variant: &str) -> String {
    match (table, column) {
        ("contact_emails", "contact_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("position", "0"),
                ("address", "ann@example.com"),
            ],
        ),
        ("contact_phones", "contact_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("position", "0"),
                ("number", "+49 30 1234567"),
            ],
        ),
        ("contact_addresses", "contact_id") => raw(
            db,
            table,
            &[(column, parent), ("position", "0"), ("city", "Berlin")],
        ),
        ("activity_participants", "contact_id") => {
            let a = activity(db);
            raw(
                db,
                table,
                &[
                    ("activity_id", &a),
                    (column, parent),
                    ("position", "0"),
                    ("name", "Ann Lee"),
                ],
            )
        }
        ("mail_messages", "activity_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("message_id", "m1@bakery.example"),
                ("thread_id", "m1@bakery.example"),
                ("folder", "INBOX"),
                ("uid", "1"),
            ],
        ),
        ("activity_participants", "activity_id") => raw(
            db,
            table,
            &[(column, parent), ("position", "0"), ("name", "A guest")],
        ),
        ("activity_links", "activity_id") => {
            let c = contact(db, "Linked", "Person");
            raw(
                db,
                table,
                &[(column, parent), ("entity", "contacts"), ("entity_id", &c)],
            )
        }
        ("opportunity_contacts", "contact_id") => {
            let d = deal(db, None);
            raw(
                db,
                table,
                &[
                    ("opportunity_id", &d),
                    (column, parent),
                    ("position", "0"),
                    ("role", "buyer"),
                ],
            )
        }
        ("opportunity_contacts", "opportunity_id") => {
            let c = contact(db, "Deal", "Person");
            raw(
                db,
                table,
                &[(column, parent), ("contact_id", &c), ("position", "1")],
            )
        }
        ("opportunity_products", "opportunity_id") => raw(
            db,
            table,
            &[(column, parent), ("name", "Desk"), ("position", "0")],
        ),
        ("opportunity_stage_history", "opportunity_id") => {
            let stage: String = db
                .conn()
                .query_row(
                    "SELECT stage_id FROM opportunities WHERE id = ?1",
                    [parent],
                    |r| r.get(0),
                )
                .unwrap();
            raw(
                db,
                table,
                &[
                    (column, parent),
                    ("stage_id", &stage),
                    ("entered_at", "2026-01-01T00:00:00.000Z"),
                    ("left_at", "2026-02-01T00:00:00.000Z"),
                ],
            )
        }
        ("tickets", "contact_id") => ticket(db, None, Some(parent)),
        ("tickets", "account_id") => ticket(db, Some(parent), None),
        ("ticket_messages", "ticket_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("kind", "customer"),
                ("body", "It still wobbles"),
            ],
        ),
        ("ticket_status_history", "ticket_id") => raw(
            db,
            table,
            &[(column, parent), ("status", "open"), ("entered_at", NOW)],
        ),
        ("sales_documents", "contact_id" | "account_id" | "opportunity_id") => {
            document(db, column, parent, variant == "issued invoice")
        }
        ("contacts", "account_id") => {
            contacts::create(
                db,
                &ContactInput {
                    first_name: "Works".into(),
                    last_name: "There".into(),
                    account_id: Some(parent.to_owned()),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        }
        ("accounts", "parent_id") => {
            accounts::create(
                db,
                &AccountInput {
                    name: "Acme Subsidiary".into(),
                    parent_id: Some(parent.to_owned()),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        }
        ("opportunities", "account_id") => deal(db, Some(parent)),
        ("leads", "converted_account_id" | "converted_contact_id" | "converted_opportunity_id") => {
            raw(
                db,
                table,
                &[
                    ("name", "Converted lead"),
                    ("status", "converted"),
                    ("converted_at", NOW),
                    (column, parent),
                ],
            )
        }
        ("service_agreements", "account_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("name", "Yearly check"),
                ("rrule", "FREQ=YEARLY"),
                ("starts_on", "2026-01-01"),
            ],
        ),
        ("agreement_occurrences", "agreement_id") => raw(
            db,
            table,
            &[
                (column, parent),
                ("due_on", "2026-06-01"),
                ("status", "delivered"),
            ],
        ),
        ("campaign_members", "campaign_id") => {
            let c = contact(db, "Member", "Person");
            raw(
                db,
                table,
                &[(column, parent), ("entity", "contacts"), ("entity_id", &c)],
            )
        }
        ("outbox", "campaign_id" | "activity_id" | "template_id") => outbox(db, column, parent),
        ("promotions", "campaign_id" | "segment_id" | "template_id") => {
            promotion(db, column, parent)
        }
        ("sequences", "lead_campaign_id") => raw(
            db,
            table,
            &[
                ("name", "New leads of the fair"),
                ("enrol_new_leads", "1"),
                (column, parent),
            ],
        ),
        ("segment_members", "segment_id") => {
            let c = contact(db, "Listed", "Person");
            raw(db, table, &[(column, parent), ("entity_id", &c)])
        }
        ("sequence_steps", "sequence_id" | "template_id") => {
            let (sequence, template) = if column == "sequence_id" {
                (parent.to_owned(), template(db))
            } else {
                (sequence(db), parent.to_owned())
            };
            raw(
                db,
                table,
                &[
                    ("sequence_id", &sequence),
                    ("template_id", &template),
                    ("position", "1"),
                    ("delay_days", "0"),
                ],
            )
        }
        ("sequence_enrolments", "sequence_id") => {
            let c = contact(db, "Enrolled", "Person");
            raw(
                db,
                table,
                &[
                    (column, parent),
                    ("entity", "contacts"),
                    ("entity_id", &c),
                    ("enrolled_on", "2026-11-01"),
                ],
            )
        }
        _ => panic!(
            "no recipe for a {table} row pointing at {column}: a new link to a record that can \
             be deleted. Add a recipe to make_child in tests/it/links.rs and decide in \
             links::LINKS what deleting the parent does to it"
        ),
    }
}

/// The kinds of child worth telling apart for one link.
fn variants(table: &str) -> &'static [&'static str] {
    if table == "sales_documents" {
        &["quote", "issued invoice"]
    } else {
        &["row"]
    }
}

fn make_parent(db: &mut Db, kind: &str) -> String {
    match kind {
        "contacts" => contact(db, "Ann", "Lee"),
        "accounts" => account(db, "Acme"),
        "leads" => {
            leads::create(
                db,
                &leads::LeadInput {
                    name: "Bo Berg".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        }
        "opportunities" => deal(db, None),
        "tickets" => ticket(db, None, None),
        "campaigns" => campaign(db),
        "segments" => segment(db),
        "activities" => activity(db),
        "sequences" => sequence(db),
        "email_templates" => template(db),
        "service_agreements" => agreement(db),
        other => panic!("no recipe for a {other} record"),
    }
}

fn delete(db: &mut Db, kind: &str, id: &str) -> Result<(), Error> {
    use rapport_core::{
        marketing::campaigns, marketing::segments, marketing::sequences, marketing::templates,
        service::agreements,
    };
    match kind {
        "contacts" => contacts::delete(db, id),
        "accounts" => accounts::delete(db, id),
        "leads" => leads::delete(db, id),
        "opportunities" => opportunities::delete(db, id),
        "tickets" => tickets::delete(db, id),
        "campaigns" => campaigns::delete(db, id),
        "segments" => segments::delete(db, id),
        "activities" => activity::delete(db, id, Scope::This),
        "sequences" => sequences::delete(db, id),
        "email_templates" => templates::delete(db, id),
        "service_agreements" => agreements::delete(db, id),
        other => panic!("no delete for {other}"),
    }
}

/// Every row of every table of user data, sorted, to compare before and after.
fn dump(db: &Db) -> Vec<String> {
    let tables: Vec<String> = db
        .conn()
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT IN ('change_log', 'change_batches', 'change_kinds',
                                'schema_migrations', 'sqlite_sequence')
               AND name NOT LIKE 'search_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut rows = Vec::new();
    for t in tables {
        let mut stmt = db.conn().prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = stmt.column_count();
        let mut found: Vec<String> = stmt
            .query_map([], |r| {
                let vals: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(format!("{t}: {}", vals.join(" | ")))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        found.sort();
        rows.extend(found);
    }
    rows
}

fn orphans(db: &Db) -> Vec<String> {
    db.conn()
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| {
            Ok(format!(
                "{} row {} -> {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn issued_invoices(db: &Db) -> i64 {
    db.conn()
        .query_row(
            "SELECT count(*) FROM sales_documents WHERE kind IN ('invoice', 'credit_note')
               AND status <> 'draft'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn last_batch(db: &Db) -> String {
    db.conn()
        .query_row(
            "SELECT batch_id FROM change_entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn assert_plain(case: &str, e: &Error) {
    let message = e.to_string();
    assert!(
        matches!(e.code(), ErrorCode::Conflict | ErrorCode::Validation),
        "{case}: a raw error reached the caller: {e:?}"
    );
    for raw in ["constraint", "Database error", "FOREIGN KEY", "SQLITE"] {
        assert!(
            !message.contains(raw),
            "{case}: the message is not plain: {message}"
        );
    }
}

/// The rule `links::LINKS` gives a schema foreign key, which must have one.
fn rule(table: &str, column: &str, parent: &str) -> OnDelete {
    links::LINKS
        .iter()
        .find(|l| l.table == table && l.column == column && l.parent == parent)
        .unwrap_or_else(|| {
            panic!("{table}.{column} -> {parent} has no rule in links::LINKS: decide one")
        })
        .on_delete
}

#[test]
fn every_foreign_key_has_a_rule_and_only_records_never_deleted_are_kept() {
    let db = Db::open_in_memory().unwrap();
    let (missing, stale) = links::undeclared(db.conn()).unwrap();
    assert!(
        missing.is_empty(),
        "foreign keys without a rule: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rules for foreign keys that no longer exist: {stale:?}"
    );
    for (table, column, parent) in links::schema_foreign_keys(db.conn()).unwrap() {
        if DELETED_BY_MODULE.contains(&parent.as_str()) {
            continue;
        }
        let kept = matches!(rule(&table, &column, &parent), OnDelete::ParentKept);
        assert_eq!(
            kept,
            !DELETABLE.contains(&parent.as_str()),
            "{table}.{column} -> {parent}: ParentKept is for the records that have no delete, \
             and only for them"
        );
    }
}

#[test]
fn deleting_a_record_settles_every_link_to_it_and_undo_restores_it() {
    let fresh = Db::open_in_memory().unwrap();
    let schema = links::schema_foreign_keys(fresh.conn()).unwrap();
    let mut cases = 0;
    for kind in DELETABLE {
        for (table, column, parent) in schema.iter().filter(|(_, _, p)| p == kind) {
            for variant in variants(table) {
                let case = format!("deleting a {kind} pointed at by {table}.{column} ({variant})");
                let mut db = Db::open_in_memory().unwrap();
                let id = make_parent(&mut db, kind);
                make_child(&mut db, table, column, &id, variant);
                assert!(orphans(&db).is_empty(), "{case}: set-up left orphans");
                let before = dump(&db);
                let invoices = issued_invoices(&db);
                let refuses = match rule(table, column, parent) {
                    OnDelete::Refuse(_) => true,
                    OnDelete::KeepIssued => *variant == "issued invoice",
                    _ => false,
                };
                match delete(&mut db, kind, &id) {
                    Err(e) => {
                        assert_plain(&case, &e);
                        assert!(refuses, "{case}: refused, but the rule says it may go: {e}");
                        assert_eq!(dump(&db), before, "{case}: a refusal changed something");
                    }
                    Ok(()) => {
                        assert!(
                            !refuses,
                            "{case}: deleted, but the rule says it must be refused"
                        );
                        assert_eq!(orphans(&db), Vec::<String>::new(), "{case}: orphans left");
                        assert_eq!(issued_invoices(&db), invoices, "{case}: an invoice went");
                        let gone: bool = db
                            .conn()
                            .query_row(
                                &format!("SELECT NOT EXISTS (SELECT 1 FROM {kind} WHERE id = ?1)"),
                                [&id],
                                |r| r.get(0),
                            )
                            .unwrap();
                        assert!(gone, "{case}: the record is still there");
                        let batch = last_batch(&db);
                        changelog::undo(&mut db, &batch)
                            .unwrap_or_else(|e| panic!("{case}: undo failed: {e}"));
                        assert_eq!(
                            dump(&db),
                            before,
                            "{case}: undo did not put everything back"
                        );
                        assert!(orphans(&db).is_empty(), "{case}: undo left orphans");
                    }
                }
                cases += 1;
            }
        }
    }
    assert!(cases > 30, "only {cases} cases: the schema was not read");
}

#[test]
fn a_contact_with_an_issued_invoice_is_refused_by_name_and_count() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann", "Lee");
    document(&db, "contact_id", &ann, true);
    document(&db, "contact_id", &ann, true);
    let e = contacts::delete(&mut db, &ann).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let message = e.to_string();
    assert!(
        message.starts_with("Ann Lee has 2 issued invoices or credit notes (INV-2026-"),
        "{message}"
    );
    assert!(
        message.contains("invoices are kept for your books"),
        "{message}"
    );
    assert!(message.contains("cannot be deleted"), "{message}");
}

#[test]
fn a_contact_with_everything_at_once_is_deleted_and_undone() {
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann", "Lee");
    let schema = links::schema_foreign_keys(db.conn()).unwrap();
    for (table, column, _) in schema.iter().filter(|(_, _, p)| p == "contacts") {
        make_child(&mut db, table, column, &ann, "quote");
    }
    let before = dump(&db);
    contacts::delete(&mut db, &ann).unwrap();
    assert!(orphans(&db).is_empty());
    let batch = last_batch(&db);
    changelog::undo(&mut db, &batch).unwrap();
    assert_eq!(dump(&db), before);
}

/// Merges `other` into `survivor`, records of `kind`; returns the batch.
fn merge(db: &mut Db, kind: &str, survivor: &str, other: &str) -> Result<String, Error> {
    let choices = MergeChoices::default();
    match kind {
        "contacts" => contacts::merge(db, survivor, other, &choices).map(|m| m.batch_id),
        "accounts" => accounts::merge(db, survivor, other, &choices).map(|m| m.batch_id),
        _ => panic!("{kind} has no merge"),
    }
}

#[test]
fn merging_contacts_or_accounts_moves_every_link_and_undo_restores_them() {
    let fresh = Db::open_in_memory().unwrap();
    let schema = links::schema_foreign_keys(fresh.conn()).unwrap();
    for kind in ["contacts", "accounts"] {
        for (table, column, _) in schema.iter().filter(|(_, _, p)| p == kind) {
            for variant in variants(table) {
                merge_one(kind, table, column, variant);
            }
        }
    }
}

fn merge_one(kind: &str, table: &str, column: &str, variant: &str) {
    let case = format!("merging {kind} pointed at by {table}.{column} ({variant})");
    let mut db = Db::open_in_memory().unwrap();
    let survivor = make_parent(&mut db, kind);
    let other = make_parent(&mut db, kind);
    let child = make_child(&mut db, table, column, &other, variant);
    let before = dump(&db);
    let invoices = issued_invoices(&db);
    let batch = merge(&mut db, kind, &survivor, &other).unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(orphans(&db), Vec::<String>::new(), "{case}: orphans left");
    assert_eq!(issued_invoices(&db), invoices, "{case}: an invoice went");
    let now: Option<Option<String>> = db
        .conn()
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            [&child],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .unwrap();
    match rule(table, column, kind) {
        // The contact's own e-mails, phones and addresses are united by the merge.
        OnDelete::Module(_) => {}
        _ => assert_eq!(
            now,
            Some(Some(survivor.clone())),
            "{case}: the row did not move to the survivor"
        ),
    }
    changelog::undo(&mut db, &batch).unwrap_or_else(|e| panic!("{case}: undo failed: {e}"));
    assert_eq!(
        dump(&db),
        before,
        "{case}: undo did not put everything back"
    );
}

#[test]
fn bulk_delete_deletes_what_it_may_and_names_each_record_kept_with_the_reason() {
    use rapport_core::data::bulk::{self, BulkAction};
    let mut db = Db::open_in_memory().unwrap();
    let ann = contact(&mut db, "Ann", "Lee");
    let bo = contact(&mut db, "Bo", "Berg");
    document(&db, "contact_id", &ann, true);
    ticket(&mut db, None, Some(&bo));
    let before = dump(&db);
    let result = bulk::apply(
        &mut db,
        "contacts",
        &[ann.clone(), bo.clone()],
        &BulkAction::Delete,
    )
    .unwrap();
    assert_eq!(result.changed, 1);
    assert_eq!(result.skipped.len(), 1);
    assert_eq!(result.skipped[0].id, ann);
    assert_eq!(result.skipped[0].name, "Ann Lee");
    assert!(
        result.skipped[0]
            .reason
            .contains("invoices are kept for your books"),
        "{}",
        result.skipped[0].reason
    );
    contacts::get(db.conn(), &ann).unwrap();
    assert!(contacts::get(db.conn(), &bo).is_err());
    assert!(orphans(&db).is_empty());
    changelog::undo(&mut db, &result.batch_id).unwrap();
    assert_eq!(dump(&db), before);
}

#[test]
fn a_broken_link_that_slips_through_is_named_in_plain_words() {
    use rusqlite::types::Value;
    let mut db = Db::open_in_memory().unwrap();
    let acme = account(&mut db, "Acme");
    contacts::create(
        &mut db,
        &ContactInput {
            first_name: "Works".into(),
            account_id: Some(acme.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    // A delete that skips the rules (as a new module might): what still points at it is named.
    let e = db.write(|w| w.delete("accounts", &acme)).unwrap_err();
    assert_plain("raw delete", &e);
    assert_eq!(
        e.to_string(),
        "The account \"Acme\" cannot be deleted: other records still point at it (contacts: 1). Nothing was deleted."
    );
    // A write that points at a record that is gone.
    let e = db
        .write(|w| {
            w.insert(
                "contacts",
                "01900000-0000-7000-8000-000000000001",
                &[
                    ("first_name", Value::Text("Ghost".into())),
                    ("account_id", Value::Text("no-such-account".into())),
                ],
            )
        })
        .unwrap_err();
    assert_plain("raw insert", &e);
}

/// Columns that point at a record by kind and id cannot be checked by SQLite; every one of
/// them is in `links::KIND_LINKS`, which says what a delete and a merge do to its rows.
#[test]
fn every_kind_and_id_column_is_declared_with_its_rule() {
    use rapport_core::store::links::KIND_LINKS;
    let db = Db::open_in_memory().unwrap();
    let tables: Vec<String> = db
        .conn()
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
              AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut columns = Vec::new();
    for table in &tables {
        let names: Vec<String> = db
            .conn()
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for name in &names {
            if name == "entity_id" || name == "record_id" {
                columns.push((table.clone(), name.clone(), names.clone()));
            }
        }
    }
    assert!(columns.len() >= 8, "found only {columns:?}");
    let missing: Vec<String> = columns
        .iter()
        .filter(|(t, c, _)| !KIND_LINKS.iter().any(|l| l.table == t && l.id_column == c))
        .map(|(t, c, _)| format!("{t}.{c}"))
        .collect();
    assert!(
        missing.is_empty(),
        "declare these in links::KIND_LINKS: {missing:?}"
    );
    for link in KIND_LINKS {
        let (_, _, names) = columns
            .iter()
            .find(|(t, c, _)| t == link.table && c == link.id_column)
            .unwrap_or_else(|| panic!("{}.{} is not in the schema", link.table, link.id_column));
        if let Some(kind) = link.kind_column {
            assert!(
                names.iter().any(|n| n == kind),
                "{}.{kind} is not in the schema",
                link.table
            );
        }
    }
}
