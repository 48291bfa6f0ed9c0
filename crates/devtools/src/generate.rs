//! A seeded generator of realistic CRM data. The same seed gives the same data, so benchmark
//! runs compare like with like; names, companies, cities and notes vary enough that searches
//! hit realistic numbers of rows.

use std::io::Write;
use std::path::Path;

use rapport_core::Db;
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::accounts::{self, AccountInput, AccountType, Address};
use rapport_core::people::contacts::{self, Channel, ContactInput, EmailEntry, PhoneEntry};

use crate::words::*;

/// How much data to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub accounts: usize,
    pub contacts: usize,
}

/// Deterministic picks from the vocabularies.
#[derive(Debug)]
pub struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    pub fn company_name(&mut self) -> String {
        let suffix = self.pick(COMPANY_SUFFIX);
        let name = format!("{} {}", self.pick(COMPANY_FIRST), self.pick(COMPANY_SECOND));
        if suffix.is_empty() {
            name
        } else {
            format!("{name} {suffix}")
        }
    }

    pub fn sentence(&mut self, words: usize) -> String {
        let mut text: Vec<&str> = (0..words).map(|_| self.pick(NOTE_WORDS)).collect();
        let first = text[0].to_owned();
        let mut s = String::new();
        s.push_str(&first[..1].to_uppercase());
        s.push_str(&first[1..]);
        text.remove(0);
        for w in text {
            s.push(' ');
            s.push_str(w);
        }
        s.push('.');
        s
    }

    pub fn phone(&mut self) -> String {
        format!(
            "+{} {} {:03} {:04}",
            self.pick(&[44, 49, 33, 39, 34, 31, 46, 1]),
            self.rng.u16(20..999),
            self.rng.u16(0..1000),
            self.rng.u16(0..10000)
        )
    }

    pub fn account(&mut self) -> AccountInput {
        let name = self.company_name();
        let (city, country) = self.pick(CITIES);
        let domain = slug(&name);
        AccountInput {
            website: Some(format!("{domain}.example")),
            industry: Some(self.pick(INDUSTRIES).to_owned()),
            phone: Some(self.phone()),
            address: Address {
                street: Some(format!("{} {}", self.rng.u16(1..300), self.pick(STREETS))),
                city: Some(city.to_owned()),
                region: None,
                postal_code: Some(format!("{:05}", self.rng.u32(1000..99999))),
                country: Some(country.to_owned()),
            },
            annual_revenue: self.chance(70).then(|| MoneyInput {
                amount: format!("{}000", self.rng.u32(50..50_000)),
                currency: self
                    .pick(&["EUR", "EUR", "GBP", "USD", "SEK", "CHF"])
                    .to_owned(),
            }),
            employee_count: Some(i64::from(self.rng.u16(1..300))),
            notes: self.chance(40).then(|| self.sentence(12)),
            account_type: Some(self.pick(&[
                AccountType::Customer,
                AccountType::Customer,
                AccountType::Prospect,
                AccountType::Prospect,
                AccountType::Partner,
                AccountType::Vendor,
            ])),
            turnover_band: self
                .chance(70)
                .then(|| self.pick(accounts::TURNOVER_BANDS).to_owned()),
            employee_band: self
                .chance(70)
                .then(|| self.pick(accounts::EMPLOYEE_BANDS).to_owned()),
            parent_id: None,
            owner_id: None,
            tags: (0..self.rng.usize(0..2))
                .map(|_| self.pick(TAGS).to_owned())
                .collect(),
            custom: Default::default(),
            name,
        }
    }

    /// An interaction with `contact`, somewhere between a year ago and three months ahead of
    /// `now`: past ones done, future ones open, a few with reminders.
    pub fn activity(
        &mut self,
        contact: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> rapport_core::activities::activity::ActivityInput {
        use rapport_core::activities::activity::{
            ActivityInput, ActivityKind, CallOutcome, RecordRef,
        };
        let kinds = [
            ActivityKind::Call,
            ActivityKind::Call,
            ActivityKind::Email,
            ActivityKind::Meeting,
            ActivityKind::Task,
            ActivityKind::Note,
        ];
        let kind = kinds[self.rng.usize(..kinds.len())];
        let offset_min = self.rng.i64(-365 * 24 * 60..90 * 24 * 60);
        let at = now + chrono::Duration::minutes(offset_min - offset_min % 15);
        let past = at < now;
        ActivityInput {
            kind: Some(kind),
            subject: self.sentence(4),
            notes: self.chance(40).then(|| self.sentence(18)),
            outcome: (kind == ActivityKind::Call && past).then_some(CallOutcome::Connected),
            starts_at: Some(rapport_core::kernel::time::stamp(at)),
            duration_minutes: (kind == ActivityKind::Meeting).then_some(45),
            done: past && !self.chance(5),
            remind_at: (!past && self.chance(10))
                .then(|| rapport_core::kernel::time::stamp(at - chrono::Duration::minutes(15))),
            links: vec![RecordRef {
                entity: "contacts".into(),
                id: contact.to_owned(),
            }],
            ..Default::default()
        }
    }

    /// An open deal with `account` in `stage`, closing within the next nine months.
    pub fn deal(
        &mut self,
        account: &str,
        stage: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> rapport_core::sales::opportunities::OpportunityInput {
        let close = now + chrono::Duration::days(self.rng.i64(-30..270));
        rapport_core::sales::opportunities::OpportunityInput {
            name: format!(
                "{} {}",
                self.pick(&["Renewal", "Expansion", "New order", "Pilot", "Upgrade"]),
                self.sentence(2)
            ),
            account_id: Some(account.to_owned()),
            stage_id: Some(stage.to_owned()),
            amount: Some(rapport_core::kernel::money::MoneyInput {
                amount: format!("{}.{:02}", self.rng.u32(500..250_000), self.rng.u8(..100)),
                currency: if self.chance(85) { "EUR" } else { "USD" }.into(),
            }),
            expected_close: Some(close.format("%Y-%m-%d").to_string()),
            ..Default::default()
        }
    }

    /// A contact, working at `account` (its id and web domain) when there is one.
    pub fn contact(&mut self, account: Option<(&str, &str)>) -> ContactInput {
        let first = self.pick(FIRST_NAMES);
        let last = self.pick(LAST_NAMES);
        let domain = match account {
            Some((_, domain)) => domain.to_owned(),
            None => self.pick(FREE_MAIL).to_owned(),
        };
        let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        let mut emails = vec![EmailEntry {
            label: "work".into(),
            address: format!("{local}{}@{domain}", self.rng.u16(1..10_000)),
        }];
        if self.chance(15) {
            emails.push(EmailEntry {
                label: "home".into(),
                address: format!(
                    "{local}{}@{}",
                    self.rng.u16(1..10_000),
                    self.pick(FREE_MAIL)
                ),
            });
        }
        ContactInput {
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            title: self.chance(80).then(|| self.pick(TITLES).to_owned()),
            account_id: account.map(|(id, _)| id.to_owned()),
            emails,
            phones: vec![PhoneEntry {
                label: self.pick(&["work", "mobile", "mobile"]).to_owned(),
                number: self.phone(),
            }],
            birthday: self.chance(30).then(|| {
                format!(
                    "{}-{:02}-{:02}",
                    self.rng.u16(1950..2004),
                    self.rng.u8(1..13),
                    self.rng.u8(1..29)
                )
            }),
            lead_source: self.chance(60).then(|| self.pick(LEAD_SOURCES).to_owned()),
            preferred_channel: self.chance(40).then(|| self.pick(&Channel::ALL)),
            do_not_call: self.chance(3),
            do_not_email: self.chance(4),
            unsubscribed: self.chance(6),
            tags: (0..self.rng.usize(0..3))
                .map(|_| self.pick(TAGS).to_owned())
                .collect(),
            addresses: Vec::new(),
            owner_id: None,
            custom: Default::default(),
            notes: self.chance(50).then(|| {
                let n = self.rng.usize(1..4);
                (0..n)
                    .map(|_| {
                        let words = self.rng.usize(6..16);
                        self.sentence(words)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        }
    }
}

/// A lower-case web-domain stem for a company name ("Northwind Logistics Ltd" -> "northwind-logistics-ltd").
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Fills `db` through the core's write path (validation, change log), in one transaction per
/// entity kind. Returns the account ids.
pub fn fill(db: &mut Db, size: Size, seed: u64) -> rapport_core::Result<Vec<String>> {
    let mut g = Gen::new(seed);
    let accounts: Vec<(String, String)> = db.write(|w| {
        (0..size.accounts)
            .map(|_| {
                let input = g.account();
                let domain = input
                    .website
                    .as_deref()
                    .unwrap_or("company.example")
                    .to_owned();
                Ok((accounts::create_in(w, &input)?, domain))
            })
            .collect()
    })?;
    db.write(|w| {
        for _ in 0..size.contacts {
            let account = if !accounts.is_empty() && g.chance(85) {
                let (id, domain) = &accounts[g.rng.usize(..accounts.len())];
                Some((id.as_str(), domain.as_str()))
            } else {
                None
            };
            contacts::create_in(w, &g.contact(account))?;
        }
        Ok(())
    })?;
    Ok(accounts.into_iter().map(|(id, _)| id).collect())
}

/// Writes `rows` contacts as a CSV in the shape of an Outlook export, for import benchmarks.
pub fn write_contacts_csv(path: &Path, rows: usize, seed: u64) -> std::io::Result<()> {
    let mut g = Gen::new(seed);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "First Name,Last Name,E-mail Address,Company,Job Title,Mobile Phone,Notes"
    )?;
    for _ in 0..rows {
        let company = g.company_name();
        let domain = format!("{}.example", slug(&company));
        let c = g.contact(Some(("", &domain)));
        let field = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            field(&c.first_name),
            field(&c.last_name),
            field(&c.emails[0].address),
            field(&company),
            field(c.title.as_deref().unwrap_or("")),
            field(&c.phones[0].number),
            field(c.notes.as_deref().unwrap_or("")),
        )?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let one = Gen::new(7).contact(None);
        let two = Gen::new(7).contact(None);
        let other = Gen::new(8).contact(None);
        assert_eq!(one, two);
        assert_ne!(one, other);
    }

    #[test]
    fn generated_records_pass_the_core_validation() {
        let mut db = Db::open_in_memory().unwrap();
        let accounts = fill(
            &mut db,
            Size {
                accounts: 50,
                contacts: 400,
            },
            1,
        )
        .unwrap();
        assert_eq!(accounts.len(), 50);
        let count: i64 = db
            .conn()
            .query_row("SELECT count(DISTINCT last_name) FROM contacts", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            count > 100,
            "names vary: {count} distinct last names in 400 contacts"
        );
    }

    #[test]
    fn slugs_are_web_safe() {
        assert_eq!(
            slug("Northwind Logistics S.p.A."),
            "northwind-logistics-s-p-a"
        );
        assert_eq!(slug("Oak Hill & Co"), "oak-hill-co");
    }
}
