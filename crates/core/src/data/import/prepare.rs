//! Turning a file's row into a record's input, with duplicates found and cells parsed.

use super::*;

pub(super) fn prepare(
    conn: &Connection,
    index: &Index,
    row: &TableRow,
    mapping: &[Option<String>],
    entity: ImportEntity,
) -> Result<Prepared> {
    let m = mapping;
    match entity {
        ImportEntity::Contacts => {
            let (mut first, mut last) = (text(row, m, "first_name"), text(row, m, "last_name"));
            if first.is_none()
                && last.is_none()
                && let Some(full) = cell(row, m, "full_name")
            {
                match full.rsplit_once(' ') {
                    Some((f, l)) => {
                        (first, last) = (Some(f.trim().to_owned()), Some(l.trim().to_owned()));
                    }
                    None => last = Some(full.to_owned()),
                }
            }
            let emails: Vec<EmailEntry> = cells(row, m, &["email", "email_2", "email_3"])
                .map(|(k, v)| EmailEntry {
                    label: if k == "email" { "work" } else { "other" }.into(),
                    address: v.to_owned(),
                })
                .collect();
            let phones: Vec<PhoneEntry> = cells(row, m, &["phone", "mobile", "phone_2"])
                .map(|(k, v)| PhoneEntry {
                    label: match k {
                        "mobile" => "mobile",
                        "phone" => "work",
                        _ => "other",
                    }
                    .into(),
                    number: v.to_owned(),
                })
                .collect();
            let address = PostalAddress {
                label: "work".into(),
                street: text(row, m, "street"),
                city: text(row, m, "city"),
                region: text(row, m, "region"),
                postal_code: text(row, m, "postal_code"),
                country: text(row, m, "country"),
            };
            let has_address = [
                &address.street,
                &address.city,
                &address.region,
                &address.postal_code,
                &address.country,
            ]
            .iter()
            .any(|p| p.is_some());
            let mut keys: Vec<String> = emails
                .iter()
                .map(|e| format!("e:{}", e.address.to_lowercase()))
                .collect();
            keys.extend(phones.iter().filter_map(|p| {
                crate::kernel::phone::normalize(&p.number, index.default_country.as_deref())
                    .map(|n| format!("p:{}", n.e164))
            }));
            Ok(Prepared {
                product: None,
                contact: Some(ContactInput {
                    first_name: first.unwrap_or_default(),
                    last_name: last.unwrap_or_default(),
                    title: text(row, m, "title"),
                    emails,
                    phones,
                    addresses: if has_address {
                        vec![address]
                    } else {
                        Vec::new()
                    },
                    birthday: date(cell(row, m, "birthday"), index.day_first),
                    lead_source: text(row, m, "lead_source"),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    do_not_email: truthy(cell(row, m, "do_not_email")),
                    do_not_call: truthy(cell(row, m, "do_not_call")),
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    notes: text(row, m, "notes"),
                    ..Default::default()
                }),
                account: None,
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: text(row, m, "account"),
                keys,
            })
        }
        ImportEntity::Accounts => {
            let name = text(row, m, "name").unwrap_or_default();
            let website = text(row, m, "website");
            let mut keys = Vec::new();
            if let Some(d) = website.as_deref().and_then(domain) {
                keys.push(format!("d:{d}"));
            }
            if !name.is_empty() {
                keys.push(format!("n:{}", name.to_lowercase()));
            }
            let revenue = money(row, m, "annual_revenue");
            let employees = match cell(row, m, "employees") {
                None => None,
                Some(v) => Some(v.replace([',', ' '], "").parse::<i64>().map_err(|_| {
                    Error::invalid(
                        "employee_count",
                        format!("\"{v}\" is not a number of employees"),
                    )
                })?),
            };
            Ok(Prepared {
                product: None,
                contact: None,
                account: Some(AccountInput {
                    name,
                    industry: text(row, m, "industry"),
                    website,
                    phone: text(row, m, "phone"),
                    address: crate::people::accounts::Address {
                        street: text(row, m, "street"),
                        city: text(row, m, "city"),
                        region: text(row, m, "region"),
                        postal_code: text(row, m, "postal_code"),
                        country: text(row, m, "country"),
                    },
                    annual_revenue: revenue,
                    employee_count: employees,
                    notes: text(row, m, "notes"),
                    account_type: cell(row, m, "type")
                        .and_then(crate::people::accounts::AccountType::parse),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: None,
                keys,
            })
        }
        ImportEntity::Leads => {
            let name = match (cell(row, m, "first_name"), cell(row, m, "last_name")) {
                (None, None) => text(row, m, "full_name").unwrap_or_default(),
                (first, last) => [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let email = text(row, m, "email");
            let phone = text(row, m, "phone").or_else(|| text(row, m, "mobile"));
            let mut keys: Vec<String> = email
                .iter()
                .map(|e| format!("e:{}", e.to_lowercase()))
                .collect();
            keys.extend(phone.iter().filter_map(|p| {
                crate::kernel::phone::normalize(p, index.default_country.as_deref())
                    .map(|n| format!("p:{}", n.e164))
            }));
            let estimated = money(row, m, "estimated_value");
            let status = match cell(row, m, "status") {
                None => None,
                Some(s) => Some(leads::LeadStatus::parse(s).ok_or_else(|| {
                    Error::invalid(
                        "status",
                        format!(
                            "\"{s}\" is not a lead status ({})",
                            leads::LeadStatus::names()
                        ),
                    )
                })?),
            };
            let rating = match cell(row, m, "rating") {
                None => None,
                Some(r) => Some(leads::LeadRating::parse(r).ok_or_else(|| {
                    Error::invalid(
                        "rating",
                        format!("\"{r}\" is not a rating (hot, warm or cold)"),
                    )
                })?),
            };
            Ok(Prepared {
                product: None,
                contact: None,
                account: None,
                lead: Some(LeadInput {
                    name,
                    company: text(row, m, "account"),
                    title: text(row, m, "title"),
                    email,
                    phone,
                    website: text(row, m, "website"),
                    source: text(row, m, "lead_source"),
                    status,
                    rating,
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    estimated_value: estimated,
                    notes: text(row, m, "notes"),
                    tags: tags(cell(row, m, "tags")),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                deal: None,
                lost_reason: None,
                account_name: None,
                keys,
            })
        }
        ImportEntity::Opportunities => {
            let pipeline = crate::sales::pipelines::find(conn, cell(row, m, "pipeline"))?;
            let stage = match cell(row, m, "stage") {
                Some(s) => Some(crate::sales::pipelines::stage(&pipeline, s).map_err(|_| {
                    let names: Vec<&str> =
                        pipeline.stages.iter().map(|s| s.name.as_str()).collect();
                    Error::invalid(
                        "stage",
                        format!(
                            "\"{s}\" is not a stage of the {} pipeline; its stages are: {}",
                            pipeline.name,
                            names.join(", ")
                        ),
                    )
                })?),
                None => None,
            };
            let lost = stage
                .as_ref()
                .is_some_and(|s| s.kind == crate::sales::pipelines::StageKind::Lost);
            let amount = money(row, m, "amount");
            let probability = match cell(row, m, "probability") {
                None => None,
                Some(p) => Some(
                    p.trim_end_matches('%')
                        .trim()
                        .parse::<f64>()
                        .map(|p| p.round() as i64)
                        .map_err(|_| {
                            Error::invalid("probability", format!("\"{p}\" is not a percentage"))
                        })?,
                ),
            };
            let contact = match cell(row, m, "contact_email") {
                Some(email) => conn
                    .prepare_cached(
                        "SELECT contact_id FROM contact_emails WHERE address = ?1 COLLATE NOCASE LIMIT 1",
                    )?
                    .query_row([email], |r| r.get::<_, String>(0))
                    .optional()?
                    .map(|contact_id| crate::sales::opportunities::DealContact {
                        contact_id,
                        ..Default::default()
                    }),
                None => None,
            };
            let name = text(row, m, "name").unwrap_or_default();
            Ok(Prepared {
                product: None,
                contact: None,
                account: None,
                lead: None,
                lost_reason: lost.then(|| {
                    text(row, m, "lost_reason").unwrap_or_else(|| "Not recorded".to_owned())
                }),
                deal: Some(OpportunityInput {
                    name: name.clone(),
                    pipeline_id: Some(pipeline.id),
                    stage_id: stage.map(|s| s.id),
                    amount,
                    probability,
                    expected_close: date(cell(row, m, "expected_close"), index.day_first),
                    owner_id: owner(conn, cell(row, m, "owner"))?,
                    source: text(row, m, "source"),
                    next_step: text(row, m, "next_step"),
                    notes: text(row, m, "notes"),
                    tags: tags(cell(row, m, "tags")),
                    contacts: contact.into_iter().collect(),
                    custom: custom(row, m),
                    ..Default::default()
                }),
                account_name: text(row, m, "account"),
                // The account is known only once it is found or created; see `write_row`.
                keys: vec![format!("n:{}", name.to_lowercase())],
            })
        }
        ImportEntity::Products => {
            let sku = text(row, m, "sku").unwrap_or_default();
            let (unit_price, currency) = price(row, m, "unit_price");
            Ok(Prepared {
                contact: None,
                account: None,
                lead: None,
                deal: None,
                lost_reason: None,
                account_name: None,
                keys: vec![format!("s:{}", sku.trim().to_lowercase())],
                product: Some(crate::sales::products::ProductInput {
                    // Empty when the file has no name: a new product is named by its SKU, an
                    // existing one keeps its name.
                    name: text(row, m, "name").unwrap_or_default(),
                    sku,
                    description: text(row, m, "description"),
                    unit: text(row, m, "unit"),
                    unit_price: unit_price.unwrap_or_default(),
                    currency: currency.unwrap_or_default(),
                    tax_rate: cell(row, m, "tax_rate")
                        .map(|t| t.trim_end_matches('%').trim().replace(',', "."))
                        .unwrap_or_default(),
                    active: cell(row, m, "active").map(|v| {
                        ![
                            "no",
                            "n",
                            "false",
                            "0",
                            "inactive",
                            "discontinued",
                            "archived",
                        ]
                        .contains(&v.to_lowercase().as_str())
                    }),
                }),
            })
        }
        ImportEntity::CallList => Err(Error::Internal("call lists have their own import".into())),
    }
}
