//! Quotes: created from a deal or an account, revised into new versions, sent, accepted,
//! rejected or expired.

use super::*;

fn account_of_deal(conn: &Connection, deal: &str) -> Result<(Option<String>, Option<String>)> {
    conn.prepare_cached("SELECT account_id, currency FROM opportunities WHERE id = ?1")?
        .query_row([deal], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::invalid("opportunity_id", format!("no deal with id {deal}")))
}

struct ValidQuote {
    fields: Vec<(&'static str, Value)>,
    lines: Vec<ValidLine>,
}

fn check_quote(conn: &Connection, input: &QuoteInput) -> Result<ValidQuote> {
    let mut c = Checker::default();
    let deal = input
        .opportunity_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (deal_account, deal_currency) = match deal {
        Some(d) => match account_of_deal(conn, d) {
            Ok(pair) => pair,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                (None, None)
            }
        },
        None => (None, None),
    };
    let account = input
        .account_id
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or(deal_account);
    if let Some(a) = &account
        && !crate::store::writer::exists(conn, "accounts", a)?
    {
        c.fail("account_id", format!("no account with id {a}"));
    }
    if account.is_none() && deal.is_none() {
        c.fail("account_id", "a quote is made for a deal or an account");
    }
    let contact = input.contact_id.clone().filter(|s| !s.trim().is_empty());
    if let Some(p) = &contact
        && !crate::store::writer::exists(conn, "contacts", p)?
    {
        c.fail("contact_id", format!("no contact with id {p}"));
    }
    let first_product_currency = input
        .lines
        .iter()
        .filter_map(|l| l.product.as_deref())
        .find_map(|p| crate::sales::products::find(conn, p).ok().flatten())
        .map(|p| p.unit_price.currency);
    let currency_text = input
        .currency
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or(deal_currency)
        .or(first_product_currency);
    let currency = match currency_text
        .as_deref()
        .map(|t| crate::kernel::money::currency(t, "currency"))
    {
        Some(Ok(cur)) => cur.code().to_owned(),
        Some(Err(e)) => {
            for f in e.field_errors() {
                c.fail(&f.field, &f.message);
            }
            "EUR".into()
        }
        None => {
            c.fail(
                "currency",
                "is needed (for example EUR) when no deal or product gives one",
            );
            "EUR".into()
        }
    };
    let valid_until = c
        .date("valid_until", &input.valid_until)
        .unwrap_or_else(|| ymd(today() + Duration::days(30)));
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let lines = check_lines(&mut c, conn, &currency, &input.lines)?;
    c.finish()?;
    Ok(ValidQuote {
        fields: vec![
            ("account_id", text(&account)),
            ("contact_id", text(&contact)),
            ("opportunity_id", text(&deal.map(str::to_owned))),
            ("currency", Value::Text(currency)),
            ("valid_until", Value::Text(valid_until)),
            ("notes", text(&notes)),
        ],
        lines,
    })
}

/// Makes a draft quote with the next quote number.
pub fn create_quote(db: &mut Db, input: &QuoteInput) -> Result<Document> {
    let v = check_quote(db.conn(), input)?;
    let id = crate::new_id();
    db.write(|w| {
        let number = take_number(w, DocumentKind::Quote)?;
        let mut fields = v.fields;
        fields.push(("kind", Value::Text("quote".into())));
        fields.push(("number", Value::Text(number)));
        fields.push(("status", Value::Text("draft".into())));
        w.insert(TABLE, &id, &fields)?;
        write_lines(w, &id, &v.lines)
    })?;
    get(db.conn(), &id)
}

/// Saves a draft quote's new content; a sent quote is revised instead.
pub fn update_quote(db: &mut Db, id: &str, input: &QuoteInput) -> Result<Document> {
    let old = get(db.conn(), id)?;
    if old.kind != DocumentKind::Quote || old.status != DocumentStatus::Draft {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; only a draft quote is edited in place (revise a sent quote to make a new version)",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " ")
            ),
        ));
    }
    let v = check_quote(db.conn(), input)?;
    db.write(|w| {
        w.update(TABLE, id, &v.fields)?;
        write_lines(w, id, &v.lines)
    })?;
    get(db.conn(), id)
}

/// Revises a sent (or rejected, or expired) quote: a new version with the same number and this
/// content; the old one is kept, superseded.
pub fn revise_quote(db: &mut Db, id: &str, input: &QuoteInput) -> Result<Document> {
    let old = get(db.conn(), id)?;
    if old.kind != DocumentKind::Quote
        || !matches!(
            old.status,
            DocumentStatus::Sent | DocumentStatus::Rejected | DocumentStatus::Expired
        )
    {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; a draft is edited, an accepted quote stays as agreed",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " ")
            ),
        ));
    }
    let v = check_quote(db.conn(), input)?;
    let new_id = crate::new_id();
    db.write(|w| {
        let mut fields = v.fields;
        fields.push(("kind", Value::Text("quote".into())));
        fields.push(("number", text(&old.number)));
        fields.push(("version", Value::Integer(old.version + 1)));
        fields.push(("status", Value::Text("draft".into())));
        fields.push(("source_id", Value::Text(id.to_owned())));
        // The number is unique per kind; the old version keeps it with its version suffix.
        w.update(
            TABLE,
            id,
            &[
                ("status", Value::Text("superseded".into())),
                (
                    "number",
                    Value::Text(format!(
                        "{}/v{}",
                        old.number.clone().unwrap_or_default(),
                        old.version
                    )),
                ),
            ],
        )?;
        w.insert(TABLE, &new_id, &fields)?;
        write_lines(w, &new_id, &v.lines)
    })?;
    get(db.conn(), &new_id)
}

/// Moves a quote to sent, accepted or rejected (a draft can be accepted directly when the
/// customer agreed on the spot).
pub fn set_quote_status(db: &mut Db, id: &str, status: DocumentStatus) -> Result<Document> {
    let old = get(db.conn(), id)?;
    use DocumentStatus as S;
    let allowed = old.kind == DocumentKind::Quote
        && matches!(
            (old.status, status),
            (S::Draft, S::Sent | S::Accepted)
                | (S::Sent | S::Expired, S::Accepted | S::Rejected)
                | (S::Rejected, S::Sent)
        );
    if !allowed {
        return Err(Error::invalid(
            "status",
            format!(
                "{} is {}; it cannot become {}",
                old.number.unwrap_or_default(),
                old.status.as_str().replace('_', " "),
                status.as_str().replace('_', " ")
            ),
        ));
    }
    db.write(|w| {
        let mut fields = vec![("status", Value::Text(status.as_str().to_owned()))];
        if status == S::Sent && old.issued_on.is_none() {
            fields.push(("issued_on", Value::Text(ymd(today()))));
        }
        w.update(TABLE, id, &fields)?;
        Ok(())
    })?;
    get(db.conn(), id)
}
