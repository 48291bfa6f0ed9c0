//! A segment's filter as SQL: each condition checked and turned into a WHERE clause over alias `r`.

use super::*;

/// The `WHERE` condition (alias `r`) and its parameters for `filter` over `entity`, checked:
/// each bad condition is named (`conditions.2.value`) with what is wrong.
pub(crate) fn condition_sql(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
) -> Result<(String, Vec<Value>)> {
    let known = builtins(entity);
    let tz = crate::kernel::time::local_zone();
    let mut c = Checker::default();
    let mut parts = Vec::new();
    let mut params = Vec::new();
    for (i, cond) in filter.conditions.iter().enumerate() {
        let at = format!("conditions.{i}");
        let value = cond.value.trim();
        let (kind, expr) = if let Some(id) = cond.field.strip_prefix("custom:") {
            let Ok(field) = crate::records::fields::get(conn, id) else {
                c.fail(
                    format!("{at}.field"),
                    format!("no custom field with id {id}"),
                );
                continue;
            };
            if field.entity != entity.as_str() {
                c.fail(
                    format!("{at}.field"),
                    format!("{} is a field of {}", field.label, field.entity),
                );
                continue;
            }
            let checkbox = field.kind == crate::records::fields::FieldKind::Checkbox;
            if matches!(cond.op, ConditionOp::Is)
                || (checkbox && matches!(cond.op, ConditionOp::Yes | ConditionOp::No))
            {
                let wanted = if checkbox && cond.op != ConditionOp::Is {
                    "yes"
                } else {
                    value
                };
                match crate::records::fields::filter_condition(
                    conn,
                    entity.as_str(),
                    "r",
                    &crate::records::list::CustomFilter {
                        field_id: field.id.clone(),
                        value: wanted.to_owned(),
                    },
                ) {
                    Ok((sql, p)) => {
                        parts.push(if cond.op == ConditionOp::No {
                            format!("NOT ({sql})")
                        } else {
                            sql
                        });
                        params.extend(p);
                    }
                    Err(e) => {
                        for f in e.field_errors() {
                            c.fail(format!("{at}.value"), &f.message);
                        }
                    }
                }
                continue;
            }
            // The id is a custom field's, read from the database; the entity a known name.
            let expr = format!(
                "(SELECT v.value FROM custom_values v
                   WHERE v.entity = '{}' AND v.entity_id = r.id AND v.field_id = '{}')",
                entity.as_str(),
                field.id.replace('\'', "")
            );
            let kind = match field.kind {
                crate::records::fields::FieldKind::Date => SegmentFieldKind::Date,
                crate::records::fields::FieldKind::Number => SegmentFieldKind::Number,
                crate::records::fields::FieldKind::Checkbox => SegmentFieldKind::Boolean,
                _ => SegmentFieldKind::Text,
            };
            (kind, expr)
        } else if let Some(b) = known.iter().find(|b| b.key == cond.field) {
            if account_column(entity, b.key).is_some() {
                (b.kind, ACCOUNT_VALUE.to_owned())
            } else {
                (b.kind, b.expr.clone())
            }
        } else {
            c.fail(
                format!("{at}.field"),
                format!(
                    "{} segments have no field \"{}\" (they have: {})",
                    entity.as_str(),
                    cond.field,
                    known.iter().map(|b| b.key).collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        let (parts_before, params_before) = (parts.len(), params.len());
        let needs_value = !matches!(
            cond.op,
            ConditionOp::IsSet | ConditionOp::IsNotSet | ConditionOp::Yes | ConditionOp::No
        );
        if needs_value && value.is_empty() {
            c.fail(format!("{at}.value"), "enter a value to test against");
            continue;
        }
        let bad_op = |c: &mut Checker| {
            c.fail(
                format!("{at}.op"),
                format!(
                    "\"{}\" is not a test for a {} field",
                    cond.op.as_str(),
                    kind.as_str()
                ),
            );
        };
        use ConditionOp::*;
        use SegmentFieldKind as K;
        let text = Value::Text(value.to_owned());
        match (kind, cond.op) {
            (K::Tag, Is | IsNot) => {
                let not = if cond.op == IsNot { "NOT " } else { "" };
                parts.push(format!(
                    "r.id {not}IN (SELECT g.entity_id FROM taggings g JOIN tags t ON t.id = g.tag_id
                        WHERE g.entity = '{}' AND t.name = ? COLLATE NOCASE)",
                    entity.as_str()
                ));
                params.push(text);
            }
            (K::Boolean, Yes | No) => {
                let truth = if cond.op == Yes { "" } else { "NOT " };
                parts.push(format!("{truth}coalesce({expr}, 0)"));
            }
            (K::Tag | K::Boolean, _) => bad_op(&mut c),
            (_, IsSet) => parts.push(format!("ifnull({expr}, '') <> ''")),
            (_, IsNotSet) => parts.push(format!("ifnull({expr}, '') = ''")),
            (K::Text | K::Choice, Is) => {
                parts.push(format!("{expr} = ? COLLATE NOCASE"));
                params.push(text);
            }
            (K::Text | K::Choice, IsNot) => {
                parts.push(format!("ifnull({expr}, '') <> ? COLLATE NOCASE"));
                params.push(text);
            }
            (K::Text | K::Choice, Contains) => {
                parts.push(format!("instr(lower({expr}), lower(?)) > 0"));
                params.push(text);
            }
            (K::Date, Before | After | Is) => {
                let Some(day) = day(value, today) else {
                    c.fail(
                        format!("{at}.value"),
                        format!(
                            "\"{value}\" is not a day: write 2026-01-31, or 90d for 90 days ago"
                        ),
                    );
                    continue;
                };
                // Time stamps (UTC) are compared from local midnight; days as days.
                let stamped = matches!(cond.field.as_str(), "created" | "last_activity");
                let bound = |d: NaiveDate| -> Value {
                    Value::Text(if stamped {
                        crate::kernel::time::stamp(crate::kernel::time::start_of_day(tz, d))
                    } else {
                        d.format("%Y-%m-%d").to_string()
                    })
                };
                let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
                let value_sql = if stamped {
                    expr.clone()
                } else {
                    format!("substr({expr}, 1, 10)")
                };
                match cond.op {
                    // Never having had an activity is before any day.
                    Before if cond.field == "last_activity" => {
                        parts.push(format!("ifnull({value_sql}, '') < ?"));
                        params.push(bound(day));
                    }
                    Before => {
                        parts.push(format!("{value_sql} < ?"));
                        params.push(bound(day));
                    }
                    After => {
                        parts.push(format!("{value_sql} >= ?"));
                        params.push(bound(next));
                    }
                    _ => {
                        parts.push(format!("{value_sql} >= ? AND {value_sql} < ?"));
                        params.push(bound(day));
                        params.push(bound(next));
                    }
                }
            }
            (K::Number, AtLeast | AtMost | Is) => {
                let Ok(n) = value.replace([',', ' ', '_'], "").parse::<f64>() else {
                    c.fail(
                        format!("{at}.value"),
                        format!("\"{value}\" is not a number"),
                    );
                    continue;
                };
                let cmp = match cond.op {
                    AtLeast => ">=",
                    AtMost => "<=",
                    _ => "=",
                };
                parts.push(format!("CAST({expr} AS REAL) {cmp} ?"));
                params.push(Value::Real(n));
            }
            _ => bad_op(&mut c),
        }
        // A contact's account field: tested once over the accounts (a set the contacts are
        // looked up in), instead of once per contact; a contact without an account is tested
        // against an empty value, as before.
        if let (Some(column), true) = (
            account_column(entity, &cond.field),
            parts.len() > parts_before,
        ) {
            let part = parts.pop().unwrap_or_default();
            let bound = params.split_off(params_before);
            parts.push(format!(
                "CASE WHEN r.account_id IS NULL THEN ({}) ELSE r.account_id IN
                   (SELECT a.id FROM accounts a WHERE {}) END",
                part.replace(ACCOUNT_VALUE, "NULL"),
                part.replace(ACCOUNT_VALUE, &format!("a.{column}"))
            ));
            params.extend(bound.iter().cloned());
            params.extend(bound);
        }
    }
    c.finish()?;
    if parts.is_empty() {
        return Ok(("1".into(), params));
    }
    let joiner = match filter.combine {
        SegmentMatch::All => " AND ",
        SegmentMatch::Any => " OR ",
    };
    let sql = parts
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(joiner);
    Ok((format!("({sql})"), params))
}

/// Stands for a contact's account column in a condition until it is placed (see
/// [`condition_sql`]); never valid SQL by itself.
const ACCOUNT_VALUE: &str = "\u{1}account\u{1}";

/// The accounts column behind a contact field read from the contact's account.
fn account_column(entity: SegmentEntity, key: &str) -> Option<&'static str> {
    if entity != SegmentEntity::Contacts {
        return None;
    }
    match key {
        "industry" => Some("industry"),
        "turnover_band" => Some("turnover_band"),
        "employee_band" => Some("employee_band"),
        "account_type" => Some("type"),
        _ => None,
    }
}

/// A day written `2026-01-31`, or `90d` (90 days before `today`).
fn day(value: &str, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(n) = value
        .strip_suffix('d')
        .and_then(|n| n.trim().parse::<u64>().ok())
    {
        return today.checked_sub_days(Days::new(n));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}
