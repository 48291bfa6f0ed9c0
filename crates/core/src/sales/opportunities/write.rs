//! Writing deals: validation, create, update, moving between stages, delete.

use super::*;

struct Valid {
    fields: Vec<(&'static str, Value)>,
    stage: Stage,
    lost_reason_id: Option<String>,
    closed_on: Option<String>,
    contacts: Vec<DealContact>,
    products: Vec<String>,
    tags: Vec<String>,
    custom: crate::records::fields::Checked,
}

fn check(
    conn: &Connection,
    id: Option<&str>,
    input: &OpportunityInput,
    today: NaiveDate,
) -> Result<Valid> {
    let mut c = Checker::default();
    let name = c.required("name", &input.name, SHORT_TEXT_MAX);
    let pipeline = match pipelines::find(conn, input.pipeline_id.as_deref()) {
        Ok(p) => Some(p),
        Err(e) => {
            c.fail("pipeline_id", e.to_string());
            None
        }
    };
    let stage = pipeline.as_ref().and_then(|p| {
        match input.stage_id.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => match pipelines::stage(p, s) {
                Ok(stage) => Some(stage),
                Err(e) => {
                    c.fail(
                        "stage_id",
                        e.field_errors()
                            .first()
                            .map_or(e.to_string(), |f| f.message.clone()),
                    );
                    None
                }
            },
            None => p.stages.first().cloned(),
        }
    });
    let amount = match &input.amount {
        Some(m) if !m.amount.trim().is_empty() => match m.parse("amount") {
            Ok(money) => Some(money),
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                None
            }
        },
        _ => None,
    };
    if let Some(p) = input.probability.filter(|p| !(0..=100).contains(p)) {
        c.fail(
            "probability",
            format!("{p} is not a percentage from 0 to 100"),
        );
    }
    let expected_close = c.date("expected_close", &input.expected_close);
    let closed_on = c.date("closed_on", &input.closed_on);
    if let Some(account) = input.account_id.as_deref().filter(|a| !a.trim().is_empty()) {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)")?
            .query_row([account.trim()], |r| r.get(0))?;
        if !exists {
            c.fail("account_id", format!("no account with id {account} exists"));
        }
    }
    let lost_reason_id = match input
        .lost_reason_id
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        Some(r) => match pipelines::find_lost_reason(conn, r) {
            Ok(reason) => Some(reason.id),
            Err(e) => {
                c.fail(
                    "lost_reason_id",
                    e.field_errors()
                        .first()
                        .map_or(e.to_string(), |f| f.message.clone()),
                );
                None
            }
        },
        None => None,
    };
    let kind = stage.as_ref().map_or(StageKind::Open, |s| s.kind);
    let reason_given = input
        .lost_reason_id
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    if kind == StageKind::Lost && !reason_given {
        c.fail(
            "lost_reason_id",
            "is required when a deal is lost (say why)",
        );
    }
    let mut contacts: Vec<DealContact> = Vec::new();
    for (i, dc) in input.contacts.iter().enumerate() {
        let name: Option<String> = conn
            .prepare_cached(
                "SELECT trim(first_name || ' ' || last_name) FROM contacts WHERE id = ?1",
            )?
            .query_row([dc.contact_id.trim()], |r| r.get(0))
            .optional()?;
        match name {
            None => c.fail(
                format!("contacts.{i}"),
                format!("no contact with id {} exists", dc.contact_id),
            ),
            Some(_)
                if contacts
                    .iter()
                    .any(|x| x.contact_id == dc.contact_id.trim()) => {}
            Some(name) => contacts.push(DealContact {
                contact_id: dc.contact_id.trim().to_owned(),
                name,
                role: c.text(&format!("contacts.{i}.role"), &dc.role, SHORT_TEXT_MAX),
            }),
        }
    }
    let mut products: Vec<String> = Vec::new();
    for (i, p) in input.products.iter().enumerate() {
        if let Some(p) = c.text(&format!("products.{i}"), &Some(p.clone()), SHORT_TEXT_MAX)
            && !products.iter().any(|x| x.eq_ignore_ascii_case(&p))
        {
            products.push(p);
        }
    }
    let next_step = c.text("next_step", &input.next_step, SHORT_TEXT_MAX);
    let source = c.text("source", &input.source, SHORT_TEXT_MAX);
    let notes = c.text("notes", &input.notes, NOTES_MAX);
    let lost_note = c.text("lost_note", &input.lost_note, NOTES_MAX);
    let owner_id = crate::records::team::check_owner(&mut c, conn, &input.owner_id)?;
    let tags = crate::records::tags::clean(&mut c, "tags", &input.tags);
    let custom = crate::records::fields::check(&mut c, conn, TABLE, id, &input.custom)?;
    c.finish()?;
    let Some(stage) = stage else {
        return Err(Error::invalid("stage_id", "the pipeline has no stages"));
    };
    let closed_on = match stage.kind {
        StageKind::Open => None,
        _ => Some(closed_on.unwrap_or_else(|| today.format("%Y-%m-%d").to_string())),
    };
    Ok(Valid {
        fields: vec![
            ("name", Value::Text(name)),
            (
                "account_id",
                text(&input.account_id.as_deref().map(|a| a.trim().to_owned())),
            ),
            ("amount_minor", int(amount.as_ref().map(|m| m.amount_minor))),
            ("currency", text(&amount.map(|m| m.currency))),
            ("probability", int(input.probability)),
            ("expected_close", text(&expected_close)),
            ("next_step", text(&next_step)),
            ("source", text(&source)),
            ("campaign_id", text(&input.campaign_id)),
            ("owner_id", text(&owner_id)),
            ("notes", text(&notes)),
            (
                "lost_note",
                text(&lost_note.filter(|_| stage.kind == StageKind::Lost)),
            ),
        ],
        lost_reason_id: lost_reason_id.filter(|_| stage.kind == StageKind::Lost),
        closed_on,
        stage,
        contacts,
        products,
        tags,
        custom,
    })
}

/// Creates a deal inside a larger write (a lead conversion); returns its id.
pub fn create_in(w: &Writer<'_>, input: &OpportunityInput) -> Result<String> {
    let today = time::local_date(time::local_zone(), parse_stamp(w.now())?);
    let v = check(w.conn(), None, input, today)?;
    let id = crate::new_id();
    let mut fields = v.fields.clone();
    fields.extend([
        ("pipeline_id", Value::Text(v.stage.pipeline_id.clone())),
        ("stage_id", Value::Text(v.stage.id.clone())),
        ("stage_entered_at", Value::Text(w.now().to_owned())),
        ("closed_on", text(&v.closed_on)),
        ("lost_reason_id", text(&v.lost_reason_id)),
    ]);
    w.insert(TABLE, &id, &fields)?;
    w.insert(
        HISTORY,
        &crate::new_id(),
        &[
            ("opportunity_id", Value::Text(id.clone())),
            ("stage_id", Value::Text(v.stage.id.clone())),
            ("entered_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    save_children(w, &id, &v)?;
    Ok(id)
}

fn save_children(w: &Writer<'_>, id: &str, v: &Valid) -> Result<()> {
    let stored = contacts_of(w.conn(), id)?;
    let same = stored.len() == v.contacts.len()
        && stored
            .iter()
            .zip(&v.contacts)
            .all(|((_, a), b)| a.contact_id == b.contact_id && a.role == b.role);
    if !same {
        for (row, _) in stored {
            w.delete(CONTACTS, &row)?;
        }
        for (i, dc) in v.contacts.iter().enumerate() {
            w.insert(
                CONTACTS,
                &crate::new_id(),
                &[
                    ("opportunity_id", Value::Text(id.to_owned())),
                    ("contact_id", Value::Text(dc.contact_id.clone())),
                    ("role", text(&dc.role)),
                    ("position", Value::Integer(i as i64)),
                ],
            )?;
        }
    }
    let stored = products_of(w.conn(), id)?;
    if stored.iter().map(|(_, n)| n).ne(v.products.iter()) {
        for (row, _) in stored {
            w.delete(PRODUCTS, &row)?;
        }
        for (i, name) in v.products.iter().enumerate() {
            // A name or SKU from the catalogue links the product itself.
            let product: Option<String> = w
                .conn()
                .prepare_cached(
                    "SELECT id FROM products WHERE sku = ?1 COLLATE NOCASE OR name = ?1 COLLATE NOCASE
                      ORDER BY sku = ?1 COLLATE NOCASE DESC LIMIT 1",
                )?
                .query_row([name], |r| r.get(0))
                .optional()?;
            w.insert(
                PRODUCTS,
                &crate::new_id(),
                &[
                    ("opportunity_id", Value::Text(id.to_owned())),
                    ("name", Value::Text(name.clone())),
                    ("position", Value::Integer(i as i64)),
                    ("product_id", text(&product)),
                ],
            )?;
        }
    }
    crate::records::tags::set(w, TABLE, id, &v.tags)?;
    crate::records::fields::save(w, TABLE, id, v.custom.clone())
}

pub fn create(db: &mut Db, input: &OpportunityInput) -> Result<Opportunity> {
    let id = db.write(|w| create_in(w, input))?;
    get(db.conn(), &id)
}

/// Saves an edited deal. A different stage is a move, kept in the stage history.
pub fn update(db: &mut Db, id: &str, input: &OpportunityInput) -> Result<Opportunity> {
    db.write(|w| update_in(w, id, input))?;
    get(db.conn(), id)
}

/// [`update`] inside a larger write (an import that updates deals on file).
pub fn update_in(w: &Writer<'_>, id: &str, input: &OpportunityInput) -> Result<()> {
    {
        let old = get(w.conn(), id)?;
        let today = time::local_date(time::local_zone(), parse_stamp(w.now())?);
        let mut input = input.clone();
        if input.pipeline_id.is_none() {
            input.pipeline_id = Some(old.pipeline_id.clone());
        }
        let v = check(w.conn(), Some(id), &input, today)?;
        if v.stage.id != old.stage_id {
            enter_stage(w, id, &v.stage)?;
        }
        let mut fields = v.fields.clone();
        fields.push(("closed_on", text(&v.closed_on)));
        fields.push(("lost_reason_id", text(&v.lost_reason_id)));
        w.update(TABLE, id, &fields)?;
        save_children(w, id, &v)
    }
}

/// Puts a deal in `stage` now: closes its current stay, opens a new one. Leaving a closed stage
/// for an open one reopens the deal.
pub(crate) fn enter_stage(w: &Writer<'_>, id: &str, stage: &Stage) -> Result<()> {
    let current: Option<String> = w
        .conn()
        .prepare_cached(
            "SELECT id FROM opportunity_stage_history WHERE opportunity_id = ?1 AND left_at IS NULL
              ORDER BY entered_at DESC LIMIT 1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(visit) = current {
        w.update(
            HISTORY,
            &visit,
            &[("left_at", Value::Text(w.now().to_owned()))],
        )?;
    }
    w.insert(
        HISTORY,
        &crate::new_id(),
        &[
            ("opportunity_id", Value::Text(id.to_owned())),
            ("stage_id", Value::Text(stage.id.clone())),
            ("entered_at", Value::Text(w.now().to_owned())),
        ],
    )?;
    let mut fields = vec![
        ("stage_id", Value::Text(stage.id.clone())),
        ("pipeline_id", Value::Text(stage.pipeline_id.clone())),
        ("stage_entered_at", Value::Text(w.now().to_owned())),
    ];
    if stage.kind == StageKind::Open {
        fields.extend([
            ("closed_on", Value::Null),
            ("lost_reason_id", Value::Null),
            ("lost_note", Value::Null),
        ]);
    }
    w.update(TABLE, id, &fields)?;
    Ok(())
}

/// Moves a deal to another stage of its pipeline (a drop on the board). Won and Lost take a
/// close date (default today); Lost needs a reason. The stage's suggested activities come back,
/// created as tasks on the deal when `create_suggested` is set.
pub fn move_to(db: &mut Db, id: &str, input: &MoveInput) -> Result<Moved> {
    let tz = time::local_zone();
    let (suggested, created, batch_id) = db.write(|w| {
        let old = get(w.conn(), id)?;
        let pipeline = pipelines::find(w.conn(), Some(&old.pipeline_id))?;
        let stage = pipelines::stage(&pipeline, &input.stage)?;
        let today = time::local_date(tz, parse_stamp(w.now())?);
        let mut c = Checker::default();
        let closed_on = c.date("closed_on", &input.closed_on);
        let reason = match (
            stage.kind,
            input
                .lost_reason
                .as_deref()
                .filter(|r| !r.trim().is_empty()),
        ) {
            (StageKind::Lost, None) => {
                c.fail("lost_reason", "is required when a deal is lost (say why)");
                None
            }
            (StageKind::Lost, Some(r)) => match pipelines::find_lost_reason(w.conn(), r) {
                Ok(reason) => Some(reason.id),
                Err(e) => {
                    for f in e.field_errors() {
                        c.fail(&f.field, &f.message);
                    }
                    None
                }
            },
            _ => None,
        };
        let lost_note = c.text("lost_note", &input.lost_note, NOTES_MAX);
        c.finish()?;
        if stage.id != old.stage_id {
            enter_stage(w, id, &stage)?;
        }
        if stage.kind != StageKind::Open {
            w.update(
                TABLE,
                id,
                &[
                    (
                        "closed_on",
                        Value::Text(
                            closed_on.unwrap_or_else(|| today.format("%Y-%m-%d").to_string()),
                        ),
                    ),
                    ("lost_reason_id", text(&reason)),
                    ("lost_note", text(&lost_note)),
                ],
            )?;
        }
        let suggested: Vec<ActivityInput> = if stage.id == old.stage_id {
            Vec::new()
        } else {
            stage
                .checklist
                .iter()
                .map(|s| ActivityInput {
                    kind: Some(s.kind),
                    subject: s.subject.clone(),
                    starts_at: Some(
                        (today + Duration::days(s.due_in_days))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    owner_id: old.owner_id.clone(),
                    links: vec![RecordRef {
                        entity: TABLE.into(),
                        id: id.to_owned(),
                    }],
                    ..Default::default()
                })
                .collect()
        };
        let mut created = Vec::new();
        if input.create_suggested {
            for s in &suggested {
                created.push(crate::activities::activity::create_in(w, s, tz)?);
            }
        }
        Ok((suggested, created, w.batch_id().to_owned()))
    })?;
    Ok(Moved {
        opportunity: get(db.conn(), id)?,
        suggested,
        created,
        batch_id,
    })
}

/// Deletes a deal with its people, products and stage history; its activities stay, unlinked.
pub fn delete(db: &mut Db, id: &str) -> Result<()> {
    db.write(|w| delete_in(w, id))
}

/// [`delete`] inside a larger write (a bulk delete).
pub fn delete_in(w: &Writer<'_>, id: &str) -> Result<()> {
    {
        get(w.conn(), id)?;
        // Its people, products and stage history go with it; quotes, orders, invoices and the
        // lead it came from stay, no longer naming it (`links::LINKS`).
        crate::store::links::release(w, TABLE, id)?;
        w.emit(&crate::store::events::Event::RecordDeleted {
            kind: TABLE,
            id: id.to_owned(),
        })?;
        w.delete(TABLE, id)
    }
}
