//! Property tests: arbitrary input against the invariants users rely on. `make test` runs
//! them with proptest's default 256 cases; `make fuzz` runs many more.

// A failed unwrap in a test helper fails the test with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use rapport_core::kernel::money::{MoneyInput, format_plain};
use rapport_core::people::contacts::{self, ContactInput, ContactQuery, ContactSort};
use rapport_core::records::list::SortDirection;
use rapport_core::{Db, store::search};

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases())]

    /// Whatever is typed into a search box, the search answers (maybe with nothing).
    #[test]
    fn any_search_text_is_answered(text in any::<String>()) {
        thread_local! {
            static DB: Db = {
                let mut db = Db::open_in_memory().unwrap();
                contacts::create(&mut db, &ContactInput { first_name: "Ada".into(), last_name: "O'Brien-Lovelace".into(), ..Default::default() }).unwrap();
                db
            };
        }
        DB.with(|db| {
            prop_assert!(search::search(db.conn(), &text, 5).is_ok());
            let listed = contacts::list(db.conn(), &ContactQuery { search: Some(text.clone()), ..Default::default() });
            prop_assert!(listed.is_ok());
            Ok(())
        })?;
    }

    /// Search-syntax characters anywhere in a name's words still find it.
    #[test]
    fn words_found_whatever_surrounds_them(noise in "[\"*()^:+\\-{}\\[\\] ]{0,6}") {
        let db = {
            let mut db = Db::open_in_memory().unwrap();
            contacts::create(&mut db, &ContactInput { first_name: "Grace".into(), last_name: "Hopper".into(), ..Default::default() }).unwrap();
            db
        };
        let query = format!("{noise}hopp{noise}");
        let groups = search::search(db.conn(), &query, 5).unwrap();
        prop_assert_eq!(groups.len(), 1);
    }

    /// Money typed as a decimal comes back exactly, never through a float.
    #[test]
    fn money_round_trips(whole in 0i64..9_000_000_000_000, cents in 0i64..100, negative: bool) {
        let text = format!("{}{whole}.{cents:02}", if negative && (whole > 0 || cents > 0) { "-" } else { "" });
        let money = MoneyInput { amount: text.clone(), currency: "EUR".into() }.parse("amount").unwrap();
        prop_assert_eq!(money.amount_minor.abs(), whole * 100 + cents);
        prop_assert_eq!(format_plain(&money), text);
    }

    /// Parsing arbitrary text as money never panics.
    #[test]
    fn money_parsing_never_panics(amount in any::<String>(), currency in "[A-Za-z]{0,4}") {
        let _ = MoneyInput { amount, currency }.parse("amount");
    }

    /// Walking a list page by page, in any sort and page size, gives every row exactly once,
    /// in the same order as one big page.
    #[test]
    fn keyset_paging_matches_one_big_page(
        people in proptest::collection::vec(("[A-Ca-c]{0,2}", "[A-Ca-c]{1,2}", proptest::option::of("[a-c ]{0,3}")), 1..40),
        page in 1u32..7,
        sort_pick in 0usize..7,
        desc: bool,
    ) {
        let mut db = Db::open_in_memory().unwrap();
        for (first, last, title) in &people {
            contacts::create(&mut db, &ContactInput { first_name: first.clone(), last_name: last.clone(), title: title.clone(), ..Default::default() }).unwrap();
        }
        let sort = [ContactSort::Name, ContactSort::Account, ContactSort::Email, ContactSort::Phone, ContactSort::Title, ContactSort::CreatedAt, ContactSort::UpdatedAt][sort_pick];
        let direction = if desc { SortDirection::Desc } else { SortDirection::Asc };
        let all: Vec<String> = contacts::list(db.conn(), &ContactQuery { sort, direction, ..Default::default() })
            .unwrap().items.into_iter().map(|c| c.id).collect();
        let mut walked = Vec::new();
        let mut q = ContactQuery { sort, direction, limit: Some(page), ..Default::default() };
        loop {
            let p = contacts::list(db.conn(), &q).unwrap();
            walked.extend(p.items.into_iter().map(|c| c.id));
            match p.next { Some(n) => q.after = Some(n), None => break }
        }
        prop_assert_eq!(walked, all);
    }
}

proptest! {
    #![proptest_config(cases())]

    /// Any bytes given as a CSV or JSON file are read or refused with a message naming the
    /// file, and whatever is read imports as leads or a call list with a report that adds up.
    #[test]
    fn any_file_is_read_or_refused_by_name_and_imports_with_a_report_that_adds_up(
        bytes in prop_oneof![
            any::<Vec<u8>>(),
            "[a-zA-Z ,;\"\n'+=0-9@.]{0,300}".prop_map(String::into_bytes),
            "(Name,Phone,E-mail\n)([A-Za-z ]{0,12},[+0-9 ()-]{0,16},[a-z@.]{0,12}\n){0,8}".prop_map(String::into_bytes),
            "\\[(\\{\"name\": \"[A-Za-z ]{0,10}\", \"phone\": \"[+0-9 ]{0,12}\"\\},? ?){0,4}\\]?".prop_map(String::into_bytes),
        ]
    ) {
        match rapport_core::data::import::table::read(&bytes, "input.csv") {
            Err(e) => prop_assert!(e.to_string().contains("input.csv"), "{}", e),
            Ok(table) => {
                let mut db = Db::open_in_memory().unwrap();
                let report = rapport_core::data::import::import(
                    &mut db,
                    &table,
                    &rapport_core::data::import::ImportOptions {
                        entity: rapport_core::data::import::ImportEntity::Leads,
                        ..Default::default()
                    },
                    &mut |_, _| true,
                );
                match report {
                    Ok(r) => prop_assert_eq!(r.rows_read, r.created + r.updated + r.skipped + r.rejected.len() as u64),
                    Err(e) => prop_assert!(e.is_user_error(), "{}", e),
                }
                let listed = rapport_core::data::import::calllist::import(
                    &mut db,
                    &table,
                    &rapport_core::data::import::calllist::CallListImport {
                        list: rapport_core::sales::calllists::CallListInput { name: "Fuzz".into(), ..Default::default() },
                        ..Default::default()
                    },
                    &mut |_, _| true,
                );
                match listed {
                    Ok(r) => prop_assert_eq!(r.rows_read, r.added + r.skipped.len() as u64 + r.rejected.len() as u64),
                    Err(e) => prop_assert!(e.is_user_error(), "{}", e),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(cases())]

    /// Any text in a vCard envelope (folded lines, odd parameters, quoted-printable, broken
    /// escapes) is read or refused by name, and what is read imports with counts that add up.
    #[test]
    fn any_vcard_is_read_or_refused_by_name(
        lines in proptest::collection::vec(
            prop_oneof![
                "(FN|N|EMAIL|TEL|ORG|TITLE|ADR|NOTE|BDAY|CATEGORIES|X-FOO)(;[A-Z=,-]{0,12}){0,2}:[^\r\n]{0,40}",
                "N;ENCODING=QUOTED-PRINTABLE;CHARSET=(UTF-8|ISO-8859-1|bogus):[=0-9A-Fa-z;]{0,30}",
                " [^\r\n]{0,20}",
                "[^\r\n]{0,30}",
            ],
            0..12,
        ),
        version in "(2\\.1|3\\.0|4\\.0|9)",
        close in any::<bool>(),
    ) {
        let mut card = format!("BEGIN:VCARD\r\nVERSION:{version}\r\n");
        for l in &lines {
            card.push_str(l);
            card.push_str("\r\n");
        }
        if close {
            card.push_str("END:VCARD\r\n");
        }
        match rapport_core::data::import::table::read(card.as_bytes(), "cards.vcf") {
            Err(e) => prop_assert!(e.to_string().contains("cards.vcf"), "{}", e),
            Ok(table) => {
                let mut db = Db::open_in_memory().unwrap();
                let report = rapport_core::data::import::import(
                    &mut db,
                    &table,
                    &rapport_core::data::import::ImportOptions::default(),
                    &mut |_, _| true,
                );
                match report {
                    Ok(r) => prop_assert_eq!(r.rows_read, r.created + r.updated + r.skipped + r.rejected.len() as u64),
                    Err(e) => prop_assert!(e.is_user_error(), "{}", e),
                }
            }
        }
    }

    /// A JSON archive with any part of it damaged (a value, a table, the header) is refused with
    /// a message, or loads whole; an archive that loads and is exported again is unchanged.
    #[test]
    fn a_damaged_archive_is_refused_or_loads_whole(
        cut in 0usize..4000,
        replacement in prop_oneof![Just(String::new()), "[\\[\\]{}\",:0-9a-z ]{1,8}"],
    ) {
        thread_local! {
            static ARCHIVE: Vec<u8> = {
                let dir = tempfile::tempdir().unwrap();
                let mut db = Db::open(dir.path().join("a.db")).unwrap();
                contacts::create(&mut db, &ContactInput {
                    first_name: "Ada".into(),
                    last_name: "Lovelace".into(),
                    emails: vec![rapport_core::people::contacts::EmailEntry { label: "work".into(), address: "ada@x.example".into() }],
                    tags: vec!["vip".into()],
                    ..Default::default()
                }).unwrap();
                rapport_core::sales::leads::create(&mut db, &rapport_core::sales::leads::LeadInput { name: "Bea".into(), ..Default::default() }).unwrap();
                let path = dir.path().join("a.json");
                rapport_core::data::archive::export(&db, &path).unwrap();
                std::fs::read(&path).unwrap()
            };
        }
        let mut bytes = ARCHIVE.with(Clone::clone);
        let at = cut.min(bytes.len().saturating_sub(1));
        let end = (at + replacement.len().max(1)).min(bytes.len());
        bytes.splice(at..end, replacement.bytes());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("damaged.json");
        std::fs::write(&file, &bytes).unwrap();
        let mut db = Db::open(dir.path().join("b.db")).unwrap();
        match rapport_core::data::archive::import(&mut db, &file) {
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                let rows: i64 = db.conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap();
                prop_assert_eq!(rows, 0, "a refused archive leaves nothing behind");
            }
            Ok(_) => {
                let again = dir.path().join("again.json");
                prop_assert!(rapport_core::data::archive::export(&db, &again).is_ok());
            }
        }
    }
}

/// A mailbox holding fixed messages: the fuzz harness of the mailbox sync (the real IMAP client
/// is tested against Dovecot in tests/imap).
struct FixedMailbox(Vec<Vec<u8>>);

impl rapport_core::data::inbox::MailServer for FixedMailbox {
    fn folders(&mut self) -> rapport_core::Result<Vec<rapport_core::data::inbox::RemoteFolder>> {
        Ok(vec![rapport_core::data::inbox::RemoteFolder {
            name: "INBOX".into(),
            sent: false,
        }])
    }
    fn examine(
        &mut self,
        folder: &str,
    ) -> rapport_core::Result<Option<rapport_core::data::inbox::FolderInfo>> {
        Ok(
            (folder == "INBOX").then_some(rapport_core::data::inbox::FolderInfo {
                uidvalidity: 1,
                exists: u32::try_from(self.0.len()).unwrap(),
            }),
        )
    }
    fn uids_from(&mut self, first: u32) -> rapport_core::Result<Vec<u32>> {
        Ok((first..=u32::try_from(self.0.len()).unwrap()).collect())
    }
    fn headers(
        &mut self,
        uids: &[u32],
    ) -> rapport_core::Result<Vec<rapport_core::data::inbox::Fetched>> {
        self.messages(uids)
    }
    fn messages(
        &mut self,
        uids: &[u32],
    ) -> rapport_core::Result<Vec<rapport_core::data::inbox::Fetched>> {
        Ok(uids
            .iter()
            .map(|u| rapport_core::data::inbox::Fetched {
                uid: *u,
                bytes: self.0[*u as usize - 1].clone(),
            })
            .collect())
    }
}

/// A message from a known contact, with arbitrary header values, charsets and body bytes.
fn any_mail() -> impl Strategy<Value = Vec<u8>> {
    (
        // Any text on one line (a line break would start another header).
        "[^\r\n]{0,60}",
        prop::sample::select(vec![
            "utf-8",
            "iso-8859-2",
            "x-unknown",
            "utf-16",
            "koi8-r",
            "",
        ]),
        prop::collection::vec(any::<u8>(), 0..400),
        "[^\r\n<>\",;:@]{0,30}",
        prop::sample::select(vec![
            "text/plain",
            "text/html",
            "multipart/mixed; boundary=B",
            "multipart/report; report-type=delivery-status; boundary=B",
        ]),
        any::<bool>(),
    )
        .prop_map(|(subject, charset, body, name, ctype, with_id)| {
            let mut m = format!(
                "From: {name} <ada@lee.example>\r\nTo: ann@crumb.example\r\nSubject: {subject}\r\n\
                 Content-Type: {ctype}; charset={charset}\r\n"
            )
            .into_bytes();
            if with_id {
                m.extend_from_slice(
                    b"Message-ID: <x@lee.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n",
                );
            }
            m.extend_from_slice(b"\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n");
            m.extend_from_slice(&body);
            m
        })
}

proptest! {
    #![proptest_config(cases())]

    /// Whatever a mailbox holds, the sync reads all of it without a panic, keeps each message
    /// from a known contact (once per Message-ID) and goes on past the broken ones.
    #[test]
    fn any_mail_is_kept_with_what_could_be_read(mails in prop::collection::vec(any_mail(), 1..4)) {
        let mut db = Db::open_in_memory().unwrap();
        contacts::create(&mut db, &ContactInput {
            first_name: "Ada".into(),
            last_name: "Lee".into(),
            emails: vec![rapport_core::people::contacts::EmailEntry { label: "work".into(), address: "ada@lee.example".into() }],
            ..Default::default()
        }).unwrap();
        rapport_core::data::inbox::save_settings(&mut db, &rapport_core::data::inbox::MailboxSettings {
            host: "imap.example".into(),
            username: "ann@crumb.example".into(),
            ..Default::default()
        }).unwrap();
        let n = mails.len();
        let report = rapport_core::data::inbox::sync(&mut db, &mut FixedMailbox(mails)).unwrap();
        prop_assert!(report.complete, "{report:?}");
        prop_assert_eq!(report.folders[0].seen as usize, n);
        let kept = rapport_core::data::inbox::stored_messages(db.conn()).unwrap();
        prop_assert!(kept >= 1 && kept as usize <= n, "{kept} of {n}");
        // Reading again finds nothing new.
        let again = rapport_core::data::inbox::sync(&mut db, &mut FixedMailbox(Vec::new())).unwrap();
        prop_assert_eq!(again.stored, 0);
    }
}
