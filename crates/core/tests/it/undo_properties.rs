//! Property test of undo: random sequences of saves, edits, deletes, tag changes, merges, small
//! imports and undos of random earlier actions (refusals allowed); then every action still
//! standing is undone, newest first, and the data is exactly what it was at the start.
//! `PROPTEST_CASES` sets the number of cases (32 by default).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use rapport_core::data::import::{self, Dedup, ImportEntity, ImportOptions, table};
use rapport_core::people::accounts::{self, AccountInput};
use rapport_core::people::contacts::{self, ContactInput, EmailEntry, MergeChoices};
use rapport_core::store::{changelog, history};
use rapport_core::{Connection, Db};
use rusqlite::types::ValueRef;

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

#[derive(Debug, Clone)]
enum Op {
    CreateContact {
        name: usize,
        account: Option<usize>,
        tags: Vec<usize>,
    },
    CreateAccount {
        name: usize,
    },
    EditContact {
        pick: usize,
        name: usize,
        email: bool,
    },
    EditAccount {
        pick: usize,
        industry: usize,
    },
    TagContact {
        pick: usize,
        tags: Vec<usize>,
    },
    DeleteContact {
        pick: usize,
    },
    DeleteAccount {
        pick: usize,
    },
    Merge {
        a: usize,
        b: usize,
    },
    Import {
        names: Vec<usize>,
        update: bool,
    },
    Undo {
        pick: usize,
    },
}

const NAMES: &[&str] = &["Ann", "Bo", "Cy", "Di", "Ed", "Flo"];
const TAGS: &[&str] = &["vip", "cold", "new"];

fn op() -> impl Strategy<Value = Op> {
    let n = 0..NAMES.len();
    let tags = proptest::collection::vec(0..TAGS.len(), 0..3);
    prop_oneof![
        3 => (n.clone(), proptest::option::of(0usize..8), tags.clone())
            .prop_map(|(name, account, tags)| Op::CreateContact { name, account, tags }),
        2 => n.clone().prop_map(|name| Op::CreateAccount { name }),
        3 => (0usize..8, n.clone(), any::<bool>())
            .prop_map(|(pick, name, email)| Op::EditContact { pick, name, email }),
        1 => (0usize..8, 0usize..3).prop_map(|(pick, industry)| Op::EditAccount { pick, industry }),
        2 => (0usize..8, tags).prop_map(|(pick, tags)| Op::TagContact { pick, tags }),
        1 => (0usize..8).prop_map(|pick| Op::DeleteContact { pick }),
        1 => (0usize..8).prop_map(|pick| Op::DeleteAccount { pick }),
        1 => (0usize..8, 0usize..8).prop_map(|(a, b)| Op::Merge { a, b }),
        1 => (proptest::collection::vec(n, 1..4), any::<bool>())
            .prop_map(|(names, update)| Op::Import { names, update }),
        3 => (0usize..16).prop_map(|pick| Op::Undo { pick }),
    ]
}

fn ids(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare(&format!("SELECT id FROM {table} ORDER BY created_at, id"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pick(list: &[String], i: usize) -> Option<String> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

/// Every user table's rows, as text, sorted: everything but the change log and the search
/// index's internals.
fn dump(conn: &Connection) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%'
               AND name NOT LIKE 'change_%' AND name != 'schema_migrations'
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let width = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..width)
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

/// Applies `op`; undos pick among the batches newer than `floor`.
fn apply(db: &mut Db, op: &Op, floor: Option<&str>, undos: &mut BTreeMap<String, String>) {
    let conn_contacts = ids(db.conn(), "contacts");
    let conn_accounts = ids(db.conn(), "accounts");
    let person = |name: usize, account: Option<String>, tags: &[usize]| ContactInput {
        first_name: NAMES[name].into(),
        last_name: "Test".into(),
        account_id: account,
        tags: tags.iter().map(|t| TAGS[*t].to_owned()).collect(),
        ..Default::default()
    };
    // Refusals (a delete of an account with contacts, a merge of one with itself) are fine.
    match op {
        Op::CreateContact {
            name,
            account,
            tags,
        } => {
            let account = account.and_then(|a| pick(&conn_accounts, a));
            let _ = contacts::create(db, &person(*name, account, tags));
        }
        Op::CreateAccount { name } => {
            let _ = accounts::create(
                db,
                &AccountInput {
                    name: format!("{} Ltd", NAMES[*name]),
                    ..Default::default()
                },
            );
        }
        Op::EditContact {
            pick: p,
            name,
            email,
        } => {
            if let Some(id) = pick(&conn_contacts, *p) {
                let mut input = ContactInput::from(&contacts::get(db.conn(), &id).unwrap());
                input.first_name = NAMES[*name].into();
                if *email {
                    input.emails.push(EmailEntry {
                        label: "work".into(),
                        address: format!("{}@example.com", NAMES[*name].to_lowercase()),
                    });
                }
                let _ = contacts::update(db, &id, &input);
            }
        }
        Op::EditAccount { pick: p, industry } => {
            if let Some(id) = pick(&conn_accounts, *p) {
                let mut input = AccountInput::from(&accounts::get(db.conn(), &id).unwrap());
                input.industry = Some(["Tools", "Food", "Law"][*industry].into());
                let _ = accounts::update(db, &id, &input);
            }
        }
        Op::TagContact { pick: p, tags } => {
            if let Some(id) = pick(&conn_contacts, *p) {
                let mut input = ContactInput::from(&contacts::get(db.conn(), &id).unwrap());
                input.tags = tags.iter().map(|t| TAGS[*t].to_owned()).collect();
                let _ = contacts::update(db, &id, &input);
            }
        }
        Op::DeleteContact { pick: p } => {
            if let Some(id) = pick(&conn_contacts, *p) {
                let _ = contacts::delete(db, &id);
            }
        }
        Op::DeleteAccount { pick: p } => {
            if let Some(id) = pick(&conn_accounts, *p) {
                let _ = accounts::delete(db, &id);
            }
        }
        Op::Merge { a, b } => {
            if let (Some(a), Some(b)) = (pick(&conn_contacts, *a), pick(&conn_contacts, *b)) {
                let _ = contacts::merge(db, &a, &b, &MergeChoices::default());
            }
        }
        Op::Import { names, update } => {
            let mut csv = String::from("First name,Last name,Email,Company\n");
            for n in names {
                let name = NAMES[*n];
                csv.push_str(&format!(
                    "{name},Test,{}@example.com,{name} Ltd\n",
                    name.to_lowercase()
                ));
            }
            let t = table::read(csv.as_bytes(), "people.csv").unwrap();
            let options = ImportOptions {
                entity: ImportEntity::Contacts,
                dedup: if *update { Dedup::Update } else { Dedup::Skip },
                ..Default::default()
            };
            import::import(db, &t, &options, &mut |_, _| true).unwrap();
        }
        Op::Undo { pick: p } => {
            let batches: Vec<_> = changelog::batches(db.conn(), None, 64)
                .unwrap()
                .into_iter()
                .take_while(|b| Some(b.batch_id.as_str()) != floor)
                .collect();
            if let Some(b) = batches.get(p % batches.len().max(1))
                && let Ok(undo) = changelog::undo(db, &b.batch_id)
            {
                undos.insert(undo, b.batch_id.clone());
            }
        }
    }
}

/// How many undos deep a batch is: 0 for an action, 1 for its undo, 2 for a redo, ...
fn undo_depth(undos: &BTreeMap<String, String>, batch: &str) -> usize {
    let mut depth = 0;
    let mut at = batch;
    while let Some(target) = undos.get(at) {
        depth += 1;
        at = target;
    }
    depth
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn undoing_everything_returns_to_the_start(
        setup in proptest::collection::vec(op(), 0..4),
        ops in proptest::collection::vec(op(), 1..14),
    ) {
        let mut db = Db::open_in_memory().unwrap();
        // Some data made before: it must survive untouched.
        for op in setup.iter().filter(|o| !matches!(o, Op::Undo { .. })) {
            apply(&mut db, op, None, &mut BTreeMap::new());
        }
        let start = dump(db.conn());
        let since = changelog::batches(db.conn(), None, 1).unwrap().first().map(|b| b.batch_id.clone());
        // Which batch undid which, as the test made them (the log's own links are guessed on
        // today's schema: a delete right after a create looks exactly like its undo).
        let mut undos: BTreeMap<String, String> = BTreeMap::new();
        for op in &ops {
            apply(&mut db, op, since.as_deref(), &mut undos);
        }
        // Undo every action since the start that still has an effect, newest first: one not
        // undone that is not an undo, or is the undo of an undo (a redo).
        for round in 0.. {
            prop_assert!(round < 100, "undoing does not end after {:?}", ops);
            let actions = history::recent(db.conn(), None, 10_000).unwrap();
            let standing: Vec<_> = actions
                .iter()
                .take_while(|a| Some(&a.batch_id) != since.as_ref())
                .filter(|a| !undos.values().any(|target| *target == a.batch_id))
                .filter(|a| undo_depth(&undos, &a.batch_id).is_multiple_of(2))
                .collect();
            let Some(newest) = standing.first() else { break };
            prop_assert!(newest.can_undo, "cannot undo {:?} after {:?}", newest, ops);
            let undo = changelog::undo(&mut db, &newest.batch_id).unwrap();
            undos.insert(undo, newest.batch_id.clone());
        }
        let end = dump(db.conn());
        let lost: Vec<_> = start.iter().filter(|r| !end.contains(r)).collect();
        let extra: Vec<_> = end.iter().filter(|r| !start.contains(r)).collect();
        prop_assert!(lost.is_empty() && extra.is_empty(), "lost {:#?}\nextra {:#?}\nafter {:?}", lost, extra, ops);
    }
}
