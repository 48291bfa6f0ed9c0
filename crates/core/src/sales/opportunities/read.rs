//! Reading a deal: its row with stage, account and probability, contacts, products, stage history.

use super::*;

pub(super) fn contacts_of(conn: &Connection, id: &str) -> Result<Vec<(String, DealContact)>> {
    let rows = conn
        .prepare_cached(
            "SELECT oc.id, oc.contact_id, trim(c.first_name || ' ' || c.last_name) AS name, oc.role
               FROM opportunity_contacts oc JOIN contacts c ON c.id = oc.contact_id
              WHERE oc.opportunity_id = ?1 ORDER BY oc.position",
        )?
        .query_map([id], |r| {
            Ok((
                r.get("id")?,
                DealContact {
                    contact_id: r.get("contact_id")?,
                    name: r.get("name")?,
                    role: r.get("role")?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(super) fn products_of(conn: &Connection, id: &str) -> Result<Vec<(String, String)>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, name FROM opportunity_products WHERE opportunity_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The probability in effect, as SQL over `o` (the deal) and `s` (its stage).
pub(super) const PROBABILITY: &str = "(CASE s.kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE coalesce(o.probability, s.probability) END)";

/// The newest done activity on deal `o`, as SQL.
pub(super) const LAST_ACTIVITY: &str =
    "(SELECT max(x.done_at) FROM activity_links l JOIN activities x ON x.id = l.activity_id
          WHERE l.entity = 'opportunities' AND l.entity_id = o.id AND x.done_at IS NOT NULL)";

fn select() -> String {
    format!(
        "SELECT o.id, o.name, o.pipeline_id, p.name AS pipeline_name, o.stage_id,
                s.name AS stage_name, s.kind, o.stage_entered_at, o.account_id,
                a.name AS account_name, o.amount_minor, o.currency,
                {PROBABILITY} AS effective_probability, o.probability, o.expected_close,
                o.closed_on, o.lost_reason_id, r.name AS lost_reason, o.lost_note, o.next_step,
                o.source, o.campaign_id, o.owner_id, t.name AS owner_name, o.notes,
                {LAST_ACTIVITY} AS last_activity_at, s.rotting_days, o.created_at, o.updated_at
       FROM opportunities o
       JOIN pipeline_stages s ON s.id = o.stage_id
       JOIN pipelines p ON p.id = o.pipeline_id
       LEFT JOIN accounts a ON a.id = o.account_id
       LEFT JOIN lost_reasons r ON r.id = o.lost_reason_id
       LEFT JOIN team_members t ON t.id = o.owner_id"
    )
}

/// amount × percent / 100, rounded half away from zero, in integers.
pub fn weigh(amount_minor: i64, percent: i64) -> i64 {
    divide_by_100(i128::from(amount_minor) * i128::from(percent))
}

fn divide_by_100(total: i128) -> i64 {
    let rounded = hundredths(total);
    i64::try_from(rounded).unwrap_or(if total >= 0 { i64::MAX } else { i64::MIN })
}

/// `total / 100`, rounded half away from zero.
pub(super) fn hundredths(total: i128) -> i128 {
    if total >= 0 {
        (total + 50) / 100
    } else {
        (total - 50) / 100
    }
}

pub(super) fn days_between(from: &str, now: DateTime<Utc>) -> i64 {
    parse_stamp(from).map_or(0, |t| (now - t).num_days().max(0))
}

pub(super) fn is_rotting(
    kind: StageKind,
    rotting_days: Option<i64>,
    entered: &str,
    last: Option<&str>,
    now: DateTime<Utc>,
) -> bool {
    let Some(limit) = rotting_days.filter(|_| kind == StageKind::Open) else {
        return false;
    };
    let touched = match last {
        Some(l) if l > entered => l,
        _ => entered,
    };
    days_between(touched, now) > limit
}

fn from_row(row: &Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<Opportunity> {
    let minor: Option<i64> = row.get("amount_minor")?;
    let currency: Option<String> = row.get("currency")?;
    let probability: i64 = row.get("effective_probability")?;
    let amount = Money::stored(minor, currency);
    let kind = StageKind::parse(&row.get::<_, String>("kind")?);
    let entered: String = row.get("stage_entered_at")?;
    let last: Option<String> = row.get("last_activity_at")?;
    let rotting_days: Option<i64> = row.get("rotting_days")?;
    Ok(Opportunity {
        id: row.get("id")?,
        name: row.get("name")?,
        pipeline_id: row.get("pipeline_id")?,
        pipeline_name: row.get("pipeline_name")?,
        stage_id: row.get("stage_id")?,
        stage_name: row.get("stage_name")?,
        stage_kind: kind,
        days_in_stage: days_between(&entered, now),
        rotting: is_rotting(kind, rotting_days, &entered, last.as_deref(), now),
        stage_entered_at: entered,
        account_id: row.get("account_id")?,
        account_name: row.get("account_name")?,
        weighted: amount.as_ref().map(|m| Money {
            amount_minor: weigh(m.amount_minor, probability),
            currency: m.currency.clone(),
        }),
        amount,
        probability,
        probability_override: row.get("probability")?,
        expected_close: row.get("expected_close")?,
        closed_on: row.get("closed_on")?,
        lost_reason_id: row.get("lost_reason_id")?,
        lost_reason: row.get("lost_reason")?,
        lost_note: row.get("lost_note")?,
        next_step: row.get("next_step")?,
        source: row.get("source")?,
        campaign_id: row.get("campaign_id")?,
        owner_id: row.get("owner_id")?,
        owner_name: row.get("owner_name")?,
        notes: row.get("notes")?,
        last_activity_at: last,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        contacts: Vec::new(),
        products: Vec::new(),
        tags: Vec::new(),
        custom: CustomValues::new(),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Opportunity> {
    let now = Utc::now();
    let mut o = conn
        .prepare_cached(&format!("{} WHERE o.id = ?1", select()))?
        .query_row([id], |r| from_row(r, now))
        .optional()?
        .ok_or_else(|| Error::not_found("opportunity", id))?;
    o.contacts = contacts_of(conn, id)?.into_iter().map(|(_, c)| c).collect();
    o.products = products_of(conn, id)?.into_iter().map(|(_, p)| p).collect();
    o.tags = crate::records::tags::of(conn, TABLE, id)?;
    o.custom = crate::records::fields::values_of(conn, TABLE, id)?;
    Ok(o)
}

/// The stages a deal has been through, oldest first.
pub fn stage_history(conn: &Connection, id: &str) -> Result<Vec<StageVisit>> {
    let now = Utc::now();
    let rows = conn
        .prepare_cached(
            "SELECT h.stage_id, s.name AS stage_name, h.entered_at, h.left_at
               FROM opportunity_stage_history h
               JOIN pipeline_stages s ON s.id = h.stage_id
              WHERE h.opportunity_id = ?1 ORDER BY h.entered_at, h.id",
        )?
        .query_map([id], |r| {
            let entered: String = r.get("entered_at")?;
            let left: Option<String> = r.get("left_at")?;
            let days = match &left {
                Some(l) => match (parse_stamp(&entered), parse_stamp(l)) {
                    (Ok(a), Ok(b)) => (b - a).num_days(),
                    _ => 0,
                },
                None => days_between(&entered, now),
            };
            Ok(StageVisit {
                stage_id: r.get("stage_id")?,
                stage_name: r.get("stage_name")?,
                entered_at: entered,
                left_at: left,
                days,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
