//! Reading a deal: its row with stage, account and probability, contacts, products, stage history.

use super::*;

pub(super) fn contacts_of(conn: &Connection, id: &str) -> Result<Vec<(String, DealContact)>> {
    let rows = conn
        .prepare_cached(
            "SELECT oc.id, oc.contact_id, trim(c.first_name || ' ' || c.last_name), oc.role
               FROM opportunity_contacts oc JOIN contacts c ON c.id = oc.contact_id
              WHERE oc.opportunity_id = ?1 ORDER BY oc.position",
        )?
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                DealContact {
                    contact_id: r.get(1)?,
                    name: r.get(2)?,
                    role: r.get(3)?,
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
        "SELECT o.id, o.name, o.pipeline_id, p.name, o.stage_id, s.name, s.kind, o.stage_entered_at,
            o.account_id, a.name, o.amount_minor, o.currency, {PROBABILITY}, o.probability,
            o.expected_close, o.closed_on, o.lost_reason_id, r.name, o.lost_note, o.next_step,
            o.source, o.campaign_id, o.owner_id, t.name, o.notes, {LAST_ACTIVITY}, s.rotting_days,
            o.created_at, o.updated_at
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
    let minor: Option<i64> = row.get(10)?;
    let currency: Option<String> = row.get(11)?;
    let probability: i64 = row.get(12)?;
    let amount = Money::stored(minor, currency);
    let kind = StageKind::parse(&row.get::<_, String>(6)?);
    let entered: String = row.get(7)?;
    let last: Option<String> = row.get(25)?;
    let rotting_days: Option<i64> = row.get(26)?;
    Ok(Opportunity {
        id: row.get(0)?,
        name: row.get(1)?,
        pipeline_id: row.get(2)?,
        pipeline_name: row.get(3)?,
        stage_id: row.get(4)?,
        stage_name: row.get(5)?,
        stage_kind: kind,
        days_in_stage: days_between(&entered, now),
        rotting: is_rotting(kind, rotting_days, &entered, last.as_deref(), now),
        stage_entered_at: entered,
        account_id: row.get(8)?,
        account_name: row.get(9)?,
        weighted: amount.as_ref().map(|m| Money {
            amount_minor: weigh(m.amount_minor, probability),
            currency: m.currency.clone(),
        }),
        amount,
        probability,
        probability_override: row.get(13)?,
        expected_close: row.get(14)?,
        closed_on: row.get(15)?,
        lost_reason_id: row.get(16)?,
        lost_reason: row.get(17)?,
        lost_note: row.get(18)?,
        next_step: row.get(19)?,
        source: row.get(20)?,
        campaign_id: row.get(21)?,
        owner_id: row.get(22)?,
        owner_name: row.get(23)?,
        notes: row.get(24)?,
        last_activity_at: last,
        created_at: row.get(27)?,
        updated_at: row.get(28)?,
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
            "SELECT h.stage_id, s.name, h.entered_at, h.left_at FROM opportunity_stage_history h
               JOIN pipeline_stages s ON s.id = h.stage_id
              WHERE h.opportunity_id = ?1 ORDER BY h.entered_at, h.id",
        )?
        .query_map([id], |r| {
            let entered: String = r.get(2)?;
            let left: Option<String> = r.get(3)?;
            let days = match &left {
                Some(l) => match (parse_stamp(&entered), parse_stamp(l)) {
                    (Ok(a), Ok(b)) => (b - a).num_days(),
                    _ => 0,
                },
                None => days_between(&entered, now),
            };
            Ok(StageVisit {
                stage_id: r.get(0)?,
                stage_name: r.get(1)?,
                entered_at: entered,
                left_at: left,
                days,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
