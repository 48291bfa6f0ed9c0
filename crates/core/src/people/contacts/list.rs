//! The contact list, keyset-paged, sorted and filtered.

use super::*;

/// The list's columns and tables.
pub(super) const LIST_SQL: ListShape = ListShape {
    columns: "c.id, c.first_name, c.last_name, c.title, c.account_id, a.name AS account_name,
         (SELECT address FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1)
           AS email,
         (SELECT number FROM contact_phones p WHERE p.contact_id = c.id ORDER BY position LIMIT 1)
           AS phone,
         c.updated_at",
    column_count: 9,
    from: "contacts c LEFT JOIN accounts a ON a.id = c.account_id",
    count_from: "contacts c",
};

pub fn list(conn: &Connection, query: &ContactQuery) -> Result<Page<ContactSummary>> {
    let keys: &[&str] = match query.sort {
        ContactSort::Name => &["c.last_name COLLATE NOCASE", "c.first_name COLLATE NOCASE"],
        ContactSort::Account => &[
            "ifnull(a.name, '') COLLATE NOCASE",
            "c.last_name COLLATE NOCASE",
            "c.first_name COLLATE NOCASE",
        ],
        ContactSort::Email => &["ifnull((SELECT e.address FROM contact_emails e
               WHERE e.contact_id = c.id ORDER BY e.position LIMIT 1), '') COLLATE NOCASE"],
        ContactSort::Phone => &["ifnull((SELECT p.number FROM contact_phones p
               WHERE p.contact_id = c.id ORDER BY p.position LIMIT 1), '')"],
        ContactSort::Title => &[
            "ifnull(c.title, '') COLLATE NOCASE",
            "c.last_name COLLATE NOCASE",
            "c.first_name COLLATE NOCASE",
        ],
        ContactSort::CreatedAt => &["c.created_at"],
        ContactSort::UpdatedAt => &["c.updated_at"],
    };
    let mut sql = ListSql::for_records(
        conn,
        LIST_SQL,
        TABLE,
        "c",
        keys,
        query.sort_field.as_deref(),
        query.direction,
        query.search.as_deref(),
        &query.filters,
    )?;
    if let Some(account) = query.account_id.as_deref().filter(|s| !s.is_empty()) {
        sql.filter("c.account_id = ?", [Value::Text(account.to_owned())]);
    }
    if query.emailable {
        sql.filter(
            "c.do_not_email_since IS NULL AND c.unsubscribed_since IS NULL",
            [],
        );
    }
    if let Some(cap) = query.count_cap {
        sql.count_cap(cap);
    }
    if let Some(after) = &query.after {
        sql.after(after)?;
    }
    sql.page(
        conn,
        crate::records::list::limit(query.limit),
        query.after.is_none(),
        |row| {
            Ok(ContactSummary {
                id: row.get("id")?,
                first_name: row.get("first_name")?,
                last_name: row.get("last_name")?,
                title: row.get("title")?,
                account_id: row.get("account_id")?,
                account_name: row.get("account_name")?,
                email: row.get("email")?,
                phone: row.get("phone")?,
                updated_at: row.get("updated_at")?,
                custom: CustomValues::new(),
            })
        },
    )
    .and_then(|page| crate::records::fields::attach(conn, TABLE, page))
}
