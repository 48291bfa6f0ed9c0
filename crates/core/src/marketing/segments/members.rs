//! A segment's members: counts, previews, pages, recipients and the CSV export.

use super::*;

/// A saved segment and its members' condition (alias `r`) with its parameters.
pub(super) fn saved(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
) -> Result<(Segment, String, Vec<Value>)> {
    let s = get(conn, id)?;
    let (sql, params) = match s.kind {
        SegmentKind::Static => (
            "r.id IN (SELECT entity_id FROM segment_members WHERE segment_id = ?)".into(),
            vec![Value::Text(s.id.clone())],
        ),
        SegmentKind::Dynamic => condition_sql(conn, s.entity, &s.filter, today)?,
    };
    Ok((s, sql, params))
}

fn count_where(
    conn: &Connection,
    entity: SegmentEntity,
    sql: &str,
    params: Vec<Value>,
) -> Result<i64> {
    Ok(conn
        .prepare(&format!(
            "SELECT count(*) FROM {} r WHERE {sql}",
            entity.as_str()
        ))?
        .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?)
}

/// How many records match `filter` now: the live count shown while a segment is built.
pub fn count_filter(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
) -> Result<i64> {
    let (sql, params) = condition_sql(conn, entity, filter, today)?;
    count_where(conn, entity, &sql, params)
}

/// How many members a saved segment has today.
pub fn count(conn: &Connection, id: &str, today: NaiveDate) -> Result<i64> {
    let (s, sql, params) = saved(conn, id, today)?;
    count_where(conn, s.entity, &sql, params)
}

/// The columns members are shown with, per entity.
fn member_select(entity: SegmentEntity) -> &'static str {
    match entity {
        SegmentEntity::Contacts => {
            "SELECT r.id, trim(r.first_name || ' ' || r.last_name) AS name,
                (SELECT address FROM contact_emails e WHERE e.contact_id = r.id ORDER BY position LIMIT 1) AS email,
                (SELECT name FROM accounts a WHERE a.id = r.account_id) AS company,
                (SELECT number FROM contact_phones p WHERE p.contact_id = r.id ORDER BY position LIMIT 1) AS phone
               FROM contacts r"
        }
        SegmentEntity::Accounts => {
            "SELECT r.id, r.name, NULL AS email, r.industry AS company, r.phone FROM accounts r"
        }
        SegmentEntity::Leads => "SELECT r.id, r.name, r.email, r.company, r.phone FROM leads r",
    }
}

fn member_row(r: &Row<'_>) -> rusqlite::Result<SegmentMember> {
    Ok(SegmentMember {
        id: r.get("id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        company: r.get("company")?,
        phone: r.get("phone")?,
    })
}

fn order(entity: SegmentEntity) -> &'static str {
    match entity {
        SegmentEntity::Contacts => "r.last_name COLLATE NOCASE, r.first_name COLLATE NOCASE, r.id",
        _ => "r.name COLLATE NOCASE, r.id",
    }
}

/// Members of `filter` (or of a saved static list), by name, from `offset`, at most `limit`.
fn members_where(
    conn: &Connection,
    entity: SegmentEntity,
    sql: &str,
    params: Vec<Value>,
    offset: i64,
    limit: i64,
) -> Result<SegmentMembers> {
    let total = count_where(conn, entity, sql, params.clone())?;
    let mut all_params = params;
    all_params.push(Value::Integer(limit));
    all_params.push(Value::Integer(offset));
    let mut stmt = conn.prepare(&format!(
        "{} WHERE {sql} ORDER BY {} LIMIT ? OFFSET ?",
        member_select(entity),
        order(entity)
    ))?;
    let members = stmt
        .query_map(rusqlite::params_from_iter(all_params), member_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SegmentMembers { total, members })
}

/// The first members matching an unsaved filter: the preview while a segment is built.
pub fn preview(
    conn: &Connection,
    entity: SegmentEntity,
    filter: &SegmentFilter,
    today: NaiveDate,
    limit: i64,
) -> Result<SegmentMembers> {
    let (sql, params) = condition_sql(conn, entity, filter, today)?;
    members_where(conn, entity, &sql, params, 0, limit.clamp(1, 1000))
}

/// A saved segment's members, by name.
pub fn members(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<SegmentMembers> {
    let (s, sql, params) = saved(conn, id, today)?;
    members_where(
        conn,
        s.entity,
        &sql,
        params,
        offset.max(0),
        limit.clamp(1, 5000),
    )
}

/// Who a message to this segment reaches: `(entity, id)` of contacts or leads. A segment of
/// accounts reaches every contact of those accounts.
pub fn recipients(conn: &Connection, id: &str, today: NaiveDate) -> Result<Vec<(String, String)>> {
    let (s, sql, params) = saved(conn, id, today)?;
    let query = match s.entity {
        SegmentEntity::Contacts => format!("SELECT 'contacts', r.id FROM contacts r WHERE {sql}"),
        SegmentEntity::Leads => format!("SELECT 'leads', r.id FROM leads r WHERE {sql}"),
        SegmentEntity::Accounts => format!(
            "SELECT 'contacts', c.id FROM contacts c
              WHERE c.account_id IN (SELECT r.id FROM accounts r WHERE {sql})"
        ),
    };
    let mut stmt = conn.prepare(&query)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a segment's members to a CSV file (UTF-8 with a byte-order mark, so spreadsheet
/// programs read accents right): id, name, email, company, phone. Returns how many rows.
pub fn export_csv(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    path: &std::path::Path,
) -> Result<usize> {
    let (s, sql, params) = saved(conn, id, today)?;
    let all = members_where(conn, s.entity, &sql, params, 0, i64::MAX)?;
    let io = |source| Error::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header = match s.entity {
            SegmentEntity::Accounts => ["id", "name", "email", "industry", "phone"],
            _ => ["id", "name", "email", "company", "phone"],
        };
        w.write_record(header)
            .map_err(|e| Error::Internal(e.to_string()))?;
        for m in &all.members {
            let cell =
                |v: &Option<String>| crate::kernel::files::safe_cell(v.as_deref().unwrap_or(""));
            w.write_record([
                m.id.clone(),
                crate::kernel::files::safe_cell(&m.name),
                cell(&m.email),
                cell(&m.company),
                cell(&m.phone),
            ])
            .map_err(|e| Error::Internal(e.to_string()))?;
        }
        w.flush().map_err(io)?;
    }
    crate::kernel::files::write_atomically(path, &out)?;
    Ok(all.members.len())
}
