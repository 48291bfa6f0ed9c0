//! The fields a segment can filter on: built-in ones per entity with how each is read in SQL,
//! and the choices offered for them.

use super::*;

/// How a built-in field is read in SQL; `r` is the record's alias.
pub(super) struct Builtin {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) kind: SegmentFieldKind,
    pub(super) expr: String,
    /// SQL listing the values in use, for choices.
    pub(super) choices: Option<&'static str>,
}

const ACCOUNT_OF_CONTACT: &str = "(SELECT {} FROM accounts a WHERE a.id = r.account_id)";
const OWNERS: &str = "SELECT id, name FROM team_members ORDER BY name";

macro_rules! builtin {
    ($key:literal, $label:literal, $kind:ident, $expr:expr) => {
        Builtin {
            key: $key,
            label: $label,
            kind: SegmentFieldKind::$kind,
            expr: String::from($expr),
            choices: None,
        }
    };
    ($key:literal, $label:literal, $kind:ident, $expr:expr, $choices:expr) => {
        Builtin {
            key: $key,
            label: $label,
            kind: SegmentFieldKind::$kind,
            expr: String::from($expr),
            choices: Some($choices),
        }
    };
}

fn last_activity(entity: &str) -> String {
    format!(
        "(SELECT max(coalesce(act.starts_at, act.done_at)) FROM activity_links l
            JOIN activities act ON act.id = l.activity_id
           WHERE l.entity = '{entity}' AND l.entity_id = r.id AND act.done_at IS NOT NULL)"
    )
}

/// The day an account became a customer: its first won deal or issued invoice.
const CUSTOMER_SINCE: &str = "(SELECT min(d) FROM (
        SELECT o.closed_on AS d FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
         WHERE o.account_id = {account} AND s.kind = 'won'
        UNION ALL
        SELECT x.issued_on FROM sales_documents x
         WHERE x.account_id = {account} AND x.kind = 'invoice' AND x.issued_on IS NOT NULL))";

const OPEN_DEAL: &str =
    "EXISTS (SELECT 1 FROM opportunities o JOIN pipeline_stages s ON s.id = o.stage_id
         WHERE o.account_id = {account} AND s.kind = 'open')";

pub(super) fn builtins(entity: SegmentEntity) -> Vec<Builtin> {
    use SegmentEntity::*;
    let acct = |column: &str| ACCOUNT_OF_CONTACT.replace("{}", column);
    match entity {
        Contacts => vec![
            builtin!(
                "industry",
                "Industry",
                Choice,
                acct("industry"),
                "SELECT DISTINCT industry, industry FROM accounts WHERE industry IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "turnover_band",
                "Turnover band",
                Choice,
                acct("turnover_band"),
                "SELECT DISTINCT turnover_band, turnover_band FROM accounts WHERE turnover_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "employee_band",
                "Employee band",
                Choice,
                acct("employee_band"),
                "SELECT DISTINCT employee_band, employee_band FROM accounts WHERE employee_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "account_type",
                "Account type",
                Choice,
                acct("type"),
                "SELECT DISTINCT type, type FROM accounts WHERE type IS NOT NULL ORDER BY 1"
            ),
            builtin!("tag", "Tag", Tag, ""),
            builtin!(
                "city",
                "City",
                Text,
                "(SELECT x.city FROM contact_addresses x WHERE x.contact_id = r.id ORDER BY x.position LIMIT 1)"
            ),
            builtin!(
                "country",
                "Country",
                Text,
                "(SELECT x.country FROM contact_addresses x WHERE x.contact_id = r.id ORDER BY x.position LIMIT 1)"
            ),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("contacts")
            ),
            builtin!(
                "has_open_deal",
                "Has an open deal",
                Boolean,
                OPEN_DEAL.replace("{account}", "r.account_id")
            ),
            builtin!(
                "customer_since",
                "Customer since",
                Date,
                CUSTOMER_SINCE.replace("{account}", "r.account_id")
            ),
            builtin!(
                "lead_source",
                "Lead source",
                Choice,
                "r.lead_source",
                "SELECT DISTINCT lead_source, lead_source FROM contacts WHERE lead_source IS NOT NULL ORDER BY 1"
            ),
            builtin!("title", "Job title", Text, "r.title"),
            builtin!("created", "Created", Date, "r.created_at"),
            builtin!(
                "emailable",
                "May be e-mailed",
                Boolean,
                "(r.do_not_email_since IS NULL AND r.unsubscribed_since IS NULL
                  AND EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = r.id))"
            ),
        ],
        Accounts => vec![
            builtin!(
                "industry",
                "Industry",
                Choice,
                "r.industry",
                "SELECT DISTINCT industry, industry FROM accounts WHERE industry IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "turnover_band",
                "Turnover band",
                Choice,
                "r.turnover_band",
                "SELECT DISTINCT turnover_band, turnover_band FROM accounts WHERE turnover_band IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "employee_band",
                "Employee band",
                Choice,
                "r.employee_band",
                "SELECT DISTINCT employee_band, employee_band FROM accounts WHERE employee_band IS NOT NULL ORDER BY 1"
            ),
            builtin!("employees", "Employees", Number, "r.employee_count"),
            builtin!(
                "type",
                "Type",
                Choice,
                "r.type",
                "SELECT DISTINCT type, type FROM accounts WHERE type IS NOT NULL ORDER BY 1"
            ),
            builtin!("tag", "Tag", Tag, ""),
            builtin!("city", "City", Text, "r.address_city"),
            builtin!("country", "Country", Text, "r.address_country"),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("accounts")
            ),
            builtin!(
                "has_open_deal",
                "Has an open deal",
                Boolean,
                OPEN_DEAL.replace("{account}", "r.id")
            ),
            builtin!(
                "customer_since",
                "Customer since",
                Date,
                CUSTOMER_SINCE.replace("{account}", "r.id")
            ),
            builtin!("created", "Created", Date, "r.created_at"),
        ],
        Leads => vec![
            builtin!(
                "source",
                "Source",
                Choice,
                "r.source",
                "SELECT DISTINCT source, source FROM leads WHERE source IS NOT NULL ORDER BY 1"
            ),
            builtin!(
                "status",
                "Status",
                Choice,
                "r.status",
                "SELECT value, value FROM json_each('[\"new\",\"contacted\",\"qualified\",\"unqualified\",\"converted\"]')"
            ),
            builtin!(
                "rating",
                "Rating",
                Choice,
                "r.rating",
                "SELECT value, value FROM json_each('[\"hot\",\"warm\",\"cold\"]')"
            ),
            builtin!(
                "campaign",
                "Campaign",
                Choice,
                "r.campaign_id",
                "SELECT id, name FROM campaigns ORDER BY name"
            ),
            builtin!("company", "Company", Text, "r.company"),
            builtin!("tag", "Tag", Tag, ""),
            builtin!("owner", "Owner", Choice, "r.owner_id", OWNERS),
            builtin!(
                "last_activity",
                "Last activity",
                Date,
                last_activity("leads")
            ),
            builtin!("created", "Created", Date, "r.created_at"),
            builtin!(
                "emailable",
                "May be e-mailed",
                Boolean,
                "(r.email IS NOT NULL AND r.unsubscribed_since IS NULL)"
            ),
        ],
    }
}

fn choices(conn: &Connection, sql: &str) -> Result<Vec<SegmentChoice>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(SegmentChoice {
            value: r.get(0)?,
            label: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The fields a segment of `entity` can test: the built-in ones, then the custom fields.
pub fn fields(conn: &Connection, entity: SegmentEntity) -> Result<Vec<SegmentField>> {
    let mut out = Vec::new();
    for b in builtins(entity) {
        let choices = match (b.kind, b.choices) {
            (SegmentFieldKind::Tag, _) => choices(
                conn,
                &format!(
                    "SELECT DISTINCT t.name, t.name FROM tags t JOIN taggings g ON g.tag_id = t.id
                      WHERE g.entity = '{}' ORDER BY t.name COLLATE NOCASE",
                    entity.as_str()
                ),
            )?,
            (_, Some(sql)) => choices(conn, sql)?,
            _ => Vec::new(),
        };
        out.push(SegmentField {
            key: b.key.to_owned(),
            label: b.label.to_owned(),
            kind: b.kind,
            choices,
        });
    }
    for f in crate::records::fields::list(conn, entity.as_str())? {
        let kind = match f.kind {
            crate::records::fields::FieldKind::Date => SegmentFieldKind::Date,
            crate::records::fields::FieldKind::Number => SegmentFieldKind::Number,
            crate::records::fields::FieldKind::Checkbox => SegmentFieldKind::Boolean,
            crate::records::fields::FieldKind::SingleSelect
            | crate::records::fields::FieldKind::MultiSelect => SegmentFieldKind::Choice,
            _ => SegmentFieldKind::Text,
        };
        out.push(SegmentField {
            key: format!("custom:{}", f.id),
            label: f.label.clone(),
            kind,
            choices: f
                .options
                .iter()
                .map(|o| SegmentChoice {
                    value: o.clone(),
                    label: o.clone(),
                })
                .collect(),
        });
    }
    Ok(out)
}
