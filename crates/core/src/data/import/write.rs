//! Writing prepared rows: in chunks under savepoints, updating or merging into duplicates.

use super::*;

/// Rows written between two progress reports, and under one savepoint when savepoints are used.
/// Journalling a page once per chunk rather than once per row is most of what makes an import
/// with savepoints fast.
pub(super) const CHUNK: usize = 500;

/// How rows are kept apart, so that a refused row leaves nothing behind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    /// No savepoints. Rows are checked before anything of them is written (a contact before
    /// the company it names is created), so a refused row has written nothing, which SQLite's
    /// change count confirms. A row that fails after writing something stops the write: the
    /// transaction is rolled back and the import made again with [`Mode::Savepoints`].
    /// Savepoints are not free: every page a chunk touches is first copied to the
    /// sub-journal, about a fifth of a 100,000-row import's time.
    Straight,
    /// A savepoint per chunk; when a row fails, the chunk is rolled back and written again
    /// row by row, each under its own savepoint.
    Savepoints,
}

/// Writes `rows`. Returns `false` (in [`Mode::Straight`]) when a row failed after writing
/// something: the caller rolls the transaction back.
#[allow(clippy::too_many_arguments)]
pub(super) fn chunk(
    w: &Writer<'_>,
    mode: Mode,
    index: &mut Index,
    rows: &[TableRow],
    table: &Table,
    mapping: &[Option<String>],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<bool> {
    if mode == Mode::Savepoints {
        w.conn().execute_batch("SAVEPOINT import_chunk")?;
    }
    let mark = index.mark();
    let mut tally = [0u64; 3];
    let mut refused = Vec::new();
    let mut whole = true;
    for row in rows {
        if let Some(problem) = &row.problem {
            // Known before anything is written: no need to start again.
            refused.push(Rejected {
                line: row.line,
                reason: reason(&Error::invalid("row", problem.clone()), table, mapping),
            });
            continue;
        }
        let before = w.conn().total_changes();
        match write_row(w, index, row, mapping, options) {
            Ok(outcome) => tally[outcome as usize] += 1,
            Err(e) if e.is_user_error() && mode == Mode::Straight => {
                if w.conn().total_changes() != before {
                    return Ok(false);
                }
                refused.push(Rejected {
                    line: row.line,
                    reason: reason(&e, table, mapping),
                });
            }
            Err(e) if e.is_user_error() => {
                whole = false;
                break;
            }
            Err(e) => return Err(e),
        }
    }
    if whole {
        if mode == Mode::Savepoints {
            w.conn().execute_batch("RELEASE import_chunk")?;
        }
        report.created += tally[Outcome::Created as usize];
        report.updated += tally[Outcome::Updated as usize];
        report.skipped += tally[Outcome::Skipped as usize];
        report.rejected.extend(refused);
        return Ok(true);
    }
    w.conn()
        .execute_batch("ROLLBACK TO import_chunk; RELEASE import_chunk")?;
    w.rolled_back();
    index.rollback(mark);
    for row in rows {
        match one_row(w, index, row, mapping, options) {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Skipped) => report.skipped += 1,
            Err(e) if e.is_user_error() => report.rejected.push(Rejected {
                line: row.line,
                reason: reason(&e, table, mapping),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Imports one row inside a savepoint, so a row that fails leaves nothing behind.
pub(super) fn one_row(
    w: &Writer<'_>,
    index: &mut Index,
    row: &TableRow,
    mapping: &[Option<String>],
    options: &ImportOptions,
) -> Result<Outcome> {
    w.conn().execute_batch("SAVEPOINT import_row")?;
    let mark = index.mark();
    let result = write_row(w, index, row, mapping, options);
    match &result {
        Ok(_) => w.conn().execute_batch("RELEASE import_row")?,
        Err(_) => {
            w.conn()
                .execute_batch("ROLLBACK TO import_row; RELEASE import_row")?;
            w.rolled_back();
            index.rollback(mark);
        }
    }
    result
}

fn write_row(
    w: &Writer<'_>,
    index: &mut Index,
    row: &TableRow,
    mapping: &[Option<String>],
    options: &ImportOptions,
) -> Result<Outcome> {
    if let Some(problem) = &row.problem {
        return Err(Error::invalid("row", problem.clone()));
    }
    let mut p = prepare(w.conn(), index, row, mapping, options.entity)?;
    if let Some(deal) = p.deal.as_mut() {
        if let Some(name) = &p.account_name {
            deal.account_id = Some(index.account(w, name)?);
        }
        if let Some(reason) = &p.lost_reason {
            deal.lost_reason_id = Some(crate::sales::pipelines::add_lost_reason_in(w, reason)?);
        }
        p.keys = vec![format!(
            "n:{}|{}",
            deal.name.trim().to_lowercase(),
            deal.account_id.clone().unwrap_or_default()
        )];
    }
    let existing = match options.dedup {
        Dedup::Create => None,
        _ => index.find(&p.keys),
    };
    match (existing, options.dedup) {
        (Some(_), Dedup::Skip) => Ok(Outcome::Skipped),
        (Some(id), _) => {
            match (p.contact, p.account) {
                (Some(mut c), _) => {
                    if let Some(name) = &p.account_name {
                        c.account_id = Some(index.account(w, name)?);
                    }
                    let merged = merge_contact(&contacts::get(w.conn(), &id)?, c);
                    contacts::update_in(w, &id, &merged)?;
                }
                (None, Some(a)) => {
                    let merged = merge_account(&accounts::get(w.conn(), &id)?, a);
                    accounts::update_in(w, &id, &merged)?;
                }
                (None, None) => {
                    if let Some(product) = p.product {
                        // A price list imported again brings new prices: the file's values win.
                        // Blank cells keep what the product had.
                        let old = crate::sales::products::get(w.conn(), &id)?;
                        let keep = |new: String, old: String| {
                            if new.trim().is_empty() { old } else { new }
                        };
                        let merged = crate::sales::products::ProductInput {
                            name: keep(product.name, old.name),
                            // A blank price keeps the old price in its own currency.
                            currency: if product.unit_price.trim().is_empty() {
                                old.unit_price.currency.clone()
                            } else {
                                keep(product.currency, old.unit_price.currency.clone())
                            },
                            unit_price: keep(
                                product.unit_price,
                                crate::kernel::money::format_plain(&old.unit_price),
                            ),
                            tax_rate: keep(
                                product.tax_rate,
                                format!("{}.{:02}", old.tax_rate_bp / 100, old.tax_rate_bp % 100),
                            ),
                            description: product.description.or(old.description),
                            unit: product.unit.or(old.unit),
                            active: product.active.or(Some(old.active)),
                            sku: product.sku,
                        };
                        crate::sales::products::update_in(w, &id, &merged)?;
                    }
                    if let Some(lead) = p.lead {
                        let merged = merge_lead(&leads::get(w.conn(), &id)?, lead);
                        leads::update_in(w, &id, &merged)?;
                    }
                    if let Some(deal) = p.deal {
                        let merged = merge_deal(&opportunities::get(w.conn(), &id)?, deal);
                        opportunities::update_in(w, &id, &merged)?;
                    }
                }
            }
            index.add(&p.keys, &id);
            Ok(Outcome::Updated)
        }
        (None, _) => {
            let id = match (p.contact, p.account) {
                (Some(mut c), _) => {
                    if let Some(name) = &p.account_name {
                        if !index.knows_account(name) {
                            // Checked before its company is created, so that a refused row
                            // writes nothing (see `Mode::Straight`).
                            contacts::validate(w.conn(), &c)?;
                        }
                        c.account_id = Some(index.account(w, name)?);
                    }
                    contacts::create_in(w, &c)?
                }
                (None, Some(a)) => accounts::create_in(w, &a)?,
                (None, None) => match p.lead {
                    Some(mut lead) => {
                        if lead.source.is_none() {
                            lead.source = Some(
                                options
                                    .source
                                    .clone()
                                    .filter(|s| !s.trim().is_empty())
                                    .unwrap_or_else(|| leads::WEB_FORM.to_owned()),
                            );
                        }
                        leads::create_in(w, &lead)?
                    }
                    None => match (p.deal, p.product) {
                        (Some(deal), _) => opportunities::create_in(w, &deal)?,
                        (None, Some(mut product)) => {
                            if product.name.trim().is_empty() {
                                product.name.clone_from(&product.sku);
                            }
                            // Without a currency column or symbol: the catalogue's usual
                            // currency (EUR for an empty catalogue, as elsewhere in imports).
                            if product.currency.trim().is_empty() {
                                product.currency = w
                                    .conn()
                                    .prepare_cached(
                                        "SELECT currency FROM products GROUP BY currency ORDER BY count(*) DESC LIMIT 1",
                                    )?
                                    .query_row([], |r| r.get(0))
                                    .optional()?
                                    .unwrap_or_else(|| "EUR".to_owned());
                            }
                            crate::sales::products::create_in(w, &product)?
                        }
                        (None, None) => return Err(Error::Internal("nothing to import".into())),
                    },
                },
            };
            index.add(&p.keys, &id);
            Ok(Outcome::Created)
        }
    }
}

/// The stored contact with the row's values laid over it: single values replace, lists grow.
fn merge_contact(old: &contacts::Contact, new: ContactInput) -> ContactInput {
    let mut m = ContactInput::from(old);
    if !new.first_name.is_empty() {
        m.first_name = new.first_name;
    }
    if !new.last_name.is_empty() {
        m.last_name = new.last_name;
    }
    fill(&mut m.title, new.title);
    fill(&mut m.birthday, new.birthday);
    fill(&mut m.lead_source, new.lead_source);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.account_id, new.account_id);
    add_notes(&mut m.notes, new.notes);
    for e in new.emails {
        if !m
            .emails
            .iter()
            .any(|x| x.address.eq_ignore_ascii_case(&e.address))
        {
            m.emails.push(e);
        }
    }
    for p in new.phones {
        if !m.phones.iter().any(|x| x.number == p.number) {
            m.phones.push(p);
        }
    }
    if m.addresses.is_empty() {
        m.addresses = new.addresses;
    }
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m.do_not_email |= new.do_not_email;
    m.do_not_call |= new.do_not_call;
    m
}

/// The stored lead with the row's values laid over it; a converted lead keeps its status.
fn merge_lead(old: &leads::Lead, new: LeadInput) -> LeadInput {
    let mut m = LeadInput::from(old);
    if !new.name.is_empty() {
        m.name = new.name;
    }
    fill(&mut m.company, new.company);
    fill(&mut m.title, new.title);
    fill(&mut m.email, new.email);
    fill(&mut m.phone, new.phone);
    fill(&mut m.website, new.website);
    fill(&mut m.source, new.source);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.rating, new.rating);
    if new.status.is_some() && old.status != leads::LeadStatus::Converted {
        m.status = new.status;
    }
    fill(&mut m.estimated_value, new.estimated_value);
    add_notes(&mut m.notes, new.notes);
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
}

/// The stored deal with the row's values laid over it; a different stage is a move.
fn merge_deal(old: &opportunities::Opportunity, new: OpportunityInput) -> OpportunityInput {
    let mut m = OpportunityInput::from(old);
    fill(&mut m.stage_id, new.stage_id);
    fill(&mut m.expected_close, new.expected_close);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.source, new.source);
    fill(&mut m.next_step, new.next_step);
    fill(&mut m.notes, new.notes);
    fill(&mut m.lost_reason_id, new.lost_reason_id);
    fill(&mut m.amount, new.amount);
    fill(&mut m.probability, new.probability);
    for c in new.contacts {
        if !m.contacts.iter().any(|x| x.contact_id == c.contact_id) {
            m.contacts.push(c);
        }
    }
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
}

fn merge_account(old: &accounts::Account, new: AccountInput) -> AccountInput {
    let mut m = AccountInput::from(old);
    fill(&mut m.industry, new.industry);
    fill(&mut m.website, new.website);
    fill(&mut m.phone, new.phone);
    fill(&mut m.notes, new.notes);
    fill(&mut m.owner_id, new.owner_id);
    fill(&mut m.address.street, new.address.street);
    fill(&mut m.address.city, new.address.city);
    fill(&mut m.address.region, new.address.region);
    fill(&mut m.address.postal_code, new.address.postal_code);
    fill(&mut m.address.country, new.address.country);
    fill(&mut m.annual_revenue, new.annual_revenue);
    fill(&mut m.employee_count, new.employee_count);
    fill(&mut m.account_type, new.account_type);
    add_tags(&mut m.tags, new.tags);
    m.custom.extend(new.custom);
    m
}
