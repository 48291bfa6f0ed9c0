//! Every column that points at another record, and what deleting (or merging) that record does
//! to the rows that point at it. One table, [`LINKS`], checked against the schema's foreign keys
//! (`PRAGMA foreign_key_list`) by `tests/it/links.rs`, so a table added later cannot be forgotten.
//!
//! A module's delete calls [`release`] before it deletes its row: refusals are checked first
//! (nothing is written when one applies), then rows are detached or deleted through the
//! [`Writer`], so the change log holds everything and `changelog::undo` puts it all back.
//! A merge calls [`move_all`] to point every link at the surviving record.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::kernel::error::{Error, Result};
use crate::store::writer::Writer;

/// What deleting the parent record does to a row that points at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// The link is set to NULL: the row stays, as history, no longer naming the parent.
    Detach,
    /// The row belongs to the parent and is deleted with it (its own links first).
    Delete,
    /// The parent is not deleted while such a row exists; the message says why and what to do.
    Refuse(&'static Refusal),
    /// Issued invoices and credit notes refuse the delete (they are kept for the books and
    /// print the customer's name and address); quotes, orders and draft invoices are detached.
    KeepIssued,
    /// The parent's own module settles these rows before it deletes (the reason is given).
    Module(&'static str),
    /// Records of the parent's kind are never deleted (archived, deactivated or voided
    /// instead), so nothing is to be done; a delete added later must choose another rule.
    ParentKept,
}

/// Why rows of one kind keep their parent, in words: "{Name} has 2 {many} (a, b); {advice}."
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub one: &'static str,
    pub many: &'static str,
    pub advice: &'static str,
}

/// One foreign key: `table.column` points at a row of `parent`.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub table: &'static str,
    pub column: &'static str,
    pub parent: &'static str,
    pub on_delete: OnDelete,
    /// On a merge, a row of the merged record whose value in this column the survivor
    /// already has is deleted instead of moved (a contact on a deal once, not twice).
    pub once_per: Option<&'static str>,
}

const fn link(
    table: &'static str,
    column: &'static str,
    parent: &'static str,
    on_delete: OnDelete,
) -> Link {
    Link {
        table,
        column,
        parent,
        on_delete,
        once_per: None,
    }
}

use OnDelete::{Delete, Detach, KeepIssued, Module, ParentKept, Refuse};

static AGREEMENTS: Refusal = Refusal {
    one: "service agreement",
    many: "service agreements",
    advice: "an agreement belongs to its account, so delete or move the agreement first",
};
static SEQUENCE_CAMPAIGN: Refusal = Refusal {
    one: "follow-up sequence that enrols the campaign's new leads",
    many: "follow-up sequences that enrol the campaign's new leads",
    advice: "change those sequences to another campaign (or none) first",
};
static PROMOTION_SEGMENT: Refusal = Refusal {
    one: "promotion sent to it",
    many: "promotions sent to it",
    advice: "it is kept so they still say who they went to",
};
static TEMPLATE_USE: Refusal = Refusal {
    one: "sequence step or promotion using it",
    many: "sequence steps or promotions using it",
    advice: "take it out of them first",
};
static ENROLMENTS: Refusal = Refusal {
    one: "enrolment",
    many: "enrolments",
    advice: "pause it instead, so its history stays",
};

/// Every foreign key of the schema, with its rule. Parents first by module.
pub const LINKS: &[Link] = &[
    // People and companies.
    link("contacts", "account_id", "accounts", Detach),
    link("accounts", "parent_id", "accounts", Detach),
    link(
        "contact_emails",
        "contact_id",
        "contacts",
        Module("merged by contacts::merge; deleted with the contact"),
    ),
    link(
        "contact_phones",
        "contact_id",
        "contacts",
        Module("merged by contacts::merge; deleted with the contact"),
    ),
    link(
        "contact_addresses",
        "contact_id",
        "contacts",
        Module("merged by contacts::merge; deleted with the contact"),
    ),
    link("activity_participants", "contact_id", "contacts", Detach),
    Link {
        once_per: Some("opportunity_id"),
        ..link("opportunity_contacts", "contact_id", "contacts", Delete)
    },
    link("tickets", "account_id", "accounts", Detach),
    link("tickets", "contact_id", "contacts", Detach),
    link("sales_documents", "account_id", "accounts", KeepIssued),
    link("sales_documents", "contact_id", "contacts", KeepIssued),
    link(
        "service_agreements",
        "account_id",
        "accounts",
        Refuse(&AGREEMENTS),
    ),
    link("opportunities", "account_id", "accounts", Detach),
    link("leads", "converted_account_id", "accounts", Detach),
    link("leads", "converted_contact_id", "contacts", Detach),
    // Activities.
    link("activity_links", "activity_id", "activities", Delete),
    link("activity_participants", "activity_id", "activities", Delete),
    link("outbox", "activity_id", "activities", Detach),
    link("mail_messages", "activity_id", "activities", Delete),
    link("activities", "series_id", "activity_series", ParentKept),
    // Deals and pipelines.
    link(
        "opportunity_contacts",
        "opportunity_id",
        "opportunities",
        Delete,
    ),
    link(
        "opportunity_products",
        "opportunity_id",
        "opportunities",
        Delete,
    ),
    link(
        "opportunity_stage_history",
        "opportunity_id",
        "opportunities",
        Delete,
    ),
    link("sales_documents", "opportunity_id", "opportunities", Detach),
    link("leads", "converted_opportunity_id", "opportunities", Detach),
    link("opportunities", "pipeline_id", "pipelines", ParentKept),
    link("pipeline_stages", "pipeline_id", "pipelines", ParentKept),
    link(
        "opportunities",
        "stage_id",
        "pipeline_stages",
        Module("pipelines::remove_stage moves the deals to a stage the user names"),
    ),
    link(
        "opportunity_stage_history",
        "stage_id",
        "pipeline_stages",
        Module("pipelines::remove_stage moves the history with the deals"),
    ),
    link(
        "opportunities",
        "lost_reason_id",
        "lost_reasons",
        ParentKept,
    ),
    // Leads and call lists.
    link(
        "call_list_entries",
        "call_list_id",
        "call_lists",
        Module("calllists::delete deletes the entries and their calls"),
    ),
    link("leads", "call_list_entry_id", "call_list_entries", Detach),
    // Catalogue and sales documents.
    link("opportunity_products", "product_id", "products", ParentKept),
    link("document_lines", "product_id", "products", ParentKept),
    link("document_lines", "document_id", "sales_documents", Delete),
    link("payments", "invoice_id", "sales_documents", ParentKept),
    // The change log: batches and kinds of rows are never deleted.
    link("change_log", "batch", "change_batches", ParentKept),
    link("change_log", "kind", "change_kinds", ParentKept),
    link("change_batches", "undoes", "change_batches", ParentKept),
    link(
        "sales_documents",
        "source_id",
        "sales_documents",
        ParentKept,
    ),
    // Service.
    link("ticket_messages", "ticket_id", "tickets", Delete),
    link("ticket_status_history", "ticket_id", "tickets", Delete),
    link(
        "agreement_occurrences",
        "agreement_id",
        "service_agreements",
        Delete,
    ),
    // Marketing.
    link("campaign_members", "campaign_id", "campaigns", Delete),
    link("outbox", "campaign_id", "campaigns", Detach),
    link("outbox", "ticket_message_id", "ticket_messages", Detach),
    link("outbox", "document_id", "sales_documents", Detach),
    link("promotions", "campaign_id", "campaigns", Detach),
    link(
        "sequences",
        "lead_campaign_id",
        "campaigns",
        Refuse(&SEQUENCE_CAMPAIGN),
    ),
    link("segment_members", "segment_id", "segments", Delete),
    link(
        "promotions",
        "segment_id",
        "segments",
        Refuse(&PROMOTION_SEGMENT),
    ),
    link("sequence_steps", "sequence_id", "sequences", Delete),
    link(
        "sequence_enrolments",
        "sequence_id",
        "sequences",
        Refuse(&ENROLMENTS),
    ),
    link("outbox", "enrolment_id", "sequence_enrolments", ParentKept),
    link("outbox", "promotion_id", "promotions", ParentKept),
    link("outbox", "template_id", "email_templates", Detach),
    link(
        "promotions",
        "template_id",
        "email_templates",
        Refuse(&TEMPLATE_USE),
    ),
    link(
        "sequence_steps",
        "template_id",
        "email_templates",
        Refuse(&TEMPLATE_USE),
    ),
    // Settings-like records, never deleted.
    link("custom_values", "field_id", "custom_fields", ParentKept),
    link("taggings", "tag_id", "tags", ParentKept),
    // Team members are deactivated, never deleted.
    link("accounts", "owner_id", "team_members", ParentKept),
    link("contacts", "owner_id", "team_members", ParentKept),
    link("activities", "owner_id", "team_members", ParentKept),
    link(
        "activity_participants",
        "member_id",
        "team_members",
        ParentKept,
    ),
    link("call_lists", "owner_id", "team_members", ParentKept),
    link("campaigns", "owner_id", "team_members", ParentKept),
    link("leads", "owner_id", "team_members", ParentKept),
    link("opportunities", "owner_id", "team_members", ParentKept),
    link("service_agreements", "owner_id", "team_members", ParentKept),
    link("ticket_messages", "author_id", "team_members", ParentKept),
    link("tickets", "owner_id", "team_members", ParentKept),
];

/// What deleting a record does to the rows that point at it by kind and id (a pair of
/// columns no foreign key can check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindOnDelete {
    /// The rows belong to the record and are deleted with it, by [`release`].
    Delete,
    /// A subscriber to `Event::RecordDeleted` settles them (named here, see `crate::wiring`).
    Event(&'static str),
    /// The rows are kept as they are, for the reason given.
    Kept(&'static str),
}

/// What merging a record into another does to the rows that point at it by kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindOnMerge {
    /// [`move_all`] points them at the survivor; where the survivor already has a row with
    /// the same value in `once_per`, the merged record's row is deleted instead.
    Move { once_per: &'static str },
    /// A subscriber to `Event::RecordsMerged` moves them (named here).
    Event(&'static str),
    /// The rows are kept as they are, for the reason given.
    Kept(&'static str),
}

/// A pair of columns that points at a record of any kind: `kind_column` holds the record's
/// table (`None`: the kind is the parent row's, as a static list's members are of the list's
/// kind) and `id_column` its id.
#[derive(Debug, Clone, Copy)]
pub struct KindLink {
    pub table: &'static str,
    pub kind_column: Option<&'static str>,
    pub id_column: &'static str,
    pub on_delete: KindOnDelete,
    pub on_merge: KindOnMerge,
}

const fn kind_link(
    table: &'static str,
    kind_column: Option<&'static str>,
    id_column: &'static str,
    on_delete: KindOnDelete,
    on_merge: KindOnMerge,
) -> KindLink {
    KindLink {
        table,
        kind_column,
        id_column,
        on_delete,
        on_merge,
    }
}

/// Every column pair of the schema that points at a record by kind and id; `tests/it/links.rs`
/// fails on an `entity_id`/`record_id` column missing here.
pub const KIND_LINKS: &[KindLink] = &[
    kind_link(
        "taggings",
        Some("entity"),
        "entity_id",
        KindOnDelete::Delete,
        KindOnMerge::Move { once_per: "tag_id" },
    ),
    kind_link(
        "custom_values",
        Some("entity"),
        "entity_id",
        KindOnDelete::Delete,
        KindOnMerge::Move {
            once_per: "field_id",
        },
    ),
    kind_link(
        "activity_links",
        Some("entity"),
        "entity_id",
        KindOnDelete::Delete,
        KindOnMerge::Move {
            once_per: "activity_id",
        },
    ),
    kind_link(
        "campaign_members",
        Some("entity"),
        "entity_id",
        KindOnDelete::Event("marketing::campaigns takes the record off the member list"),
        KindOnMerge::Event("marketing::campaigns moves the membership, once per campaign"),
    ),
    kind_link(
        "segment_members",
        None,
        "entity_id",
        KindOnDelete::Event("marketing::segments takes the record out of the static list"),
        KindOnMerge::Event("marketing::segments moves the membership, once per list"),
    ),
    kind_link(
        "sequence_enrolments",
        Some("entity"),
        "entity_id",
        KindOnDelete::Event(
            "marketing::sequences stops the enrolment (kept, reason removed) and cancels its queued mail",
        ),
        KindOnMerge::Event("marketing::sequences moves the enrolments and their messages"),
    ),
    kind_link(
        "outbox",
        Some("entity"),
        "entity_id",
        KindOnDelete::Kept("mail sent or cancelled is a record of what went out"),
        KindOnMerge::Event("marketing::sequences moves the messages with the enrolments"),
    ),
    kind_link(
        "search_docs",
        Some("entity"),
        "entity_id",
        KindOnDelete::Kept("the record's module removes its search document with it"),
        KindOnMerge::Kept("the merged record's search document is removed by the merge"),
    ),
    // The change log names a changed row by `kind` and `row_id`, and the record it belongs to
    // by `record_kind` and `record_id` when that is another one; kinds are codes of
    // `change_kinds` and UUID ids 16-byte blobs (see `changelog`).
    kind_link(
        "change_log",
        Some("record_kind"),
        "record_id",
        KindOnDelete::Kept("history: undo brings the record back from it"),
        KindOnMerge::Kept("history of what happened to the merged record"),
    ),
];

/// The ids of the rows of `link.table` that point at record `id` of kind `parent`.
fn kind_rows(conn: &Connection, link: &KindLink, parent: &str, id: &str) -> Result<Vec<String>> {
    let Some(kind) = link.kind_column else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT id FROM {t} WHERE {kind} = ?1 AND {c} = ?2",
        t = link.table,
        c = link.id_column
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map((parent, id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The links that point at records of `parent`.
pub fn to(parent: &str) -> impl Iterator<Item = &'static Link> + '_ {
    LINKS.iter().filter(move |l| l.parent == parent)
}

/// The column of `table` that points at records of `parent`, when the registry has one: how a
/// reader (the timeline's providers, for one) finds the rows that belong to a record without
/// naming the column itself, so a link added to the registry shows up everywhere at once.
pub fn column(table: &str, parent: &str) -> Option<&'static str> {
    let mut found = LINKS
        .iter()
        .filter(|l| l.table == table && l.parent == parent);
    let first = found.next()?;
    // Two columns of one table pointing at the same kind (none today) would need a choice.
    debug_assert!(found.next().is_none(), "{table} has two links to {parent}");
    Some(first.column)
}

/// The foreign keys of the schema, as (table, column, parent table).
pub fn schema_foreign_keys(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = Vec::new();
    for table in tables {
        let mut stmt =
            conn.prepare("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?1)")?;
        let rows = stmt
            .query_map([&table], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (parent, column) in rows {
            keys.push((table.clone(), column, parent));
        }
    }
    Ok(keys)
}

/// Foreign keys of the schema that [`LINKS`] does not list (each needs a rule), and entries of
/// [`LINKS`] the schema no longer has.
pub fn undeclared(conn: &Connection) -> Result<(Vec<String>, Vec<String>)> {
    let schema = schema_foreign_keys(conn)?;
    let missing = schema
        .iter()
        .filter(|(t, c, p)| {
            !LINKS
                .iter()
                .any(|l| l.table == t && l.column == c && l.parent == p)
        })
        .map(|(t, c, p)| format!("{t}.{c} -> {p}"))
        .collect();
    let stale = LINKS
        .iter()
        .filter(|l| {
            !schema
                .iter()
                .any(|(t, c, p)| l.table == t && l.column == c && l.parent == p)
        })
        .map(|l| format!("{}.{} -> {}", l.table, l.column, l.parent))
        .collect();
    Ok((missing, stale))
}

/// Ids of the rows of `link.table` that point at `id`.
fn rows(conn: &Connection, link: &Link, id: &str, extra: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT id FROM {} WHERE {} = ?1 {extra} ORDER BY id",
            link.table, link.column
        ))?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The kept sales documents: issued (or paid, credited, void) invoices and credit notes.
const ISSUED: &str = "AND kind IN ('invoice', 'credit_note') AND status <> 'draft'";

/// How a record is named in messages.
pub(crate) fn record_name(conn: &Connection, table: &str, id: &str) -> Result<String> {
    let expr = match table {
        "contacts" => "trim(first_name || ' ' || last_name)",
        "tickets" => "'ticket #' || number",
        "activities" => "subject",
        "sales_documents" => "coalesce(number, 'a draft ' || replace(kind, '_', ' '))",
        "sequence_steps" => "'step ' || position",
        _ => {
            let named: bool = conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = 'name')",
                )?
                .query_row([table], |r| r.get(0))?;
            if named { "name" } else { "id" }
        }
    };
    let name: Option<String> = conn
        .prepare_cached(&format!("SELECT {expr} FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(name.unwrap_or_else(|| id.to_owned()))
}

/// The singular noun of a record of `table`, for messages.
pub(crate) fn noun(table: &str) -> &'static str {
    match table {
        "contacts" => "contact",
        "accounts" => "account",
        "leads" => "lead",
        "opportunities" => "deal",
        "tickets" => "ticket",
        "campaigns" => "campaign",
        "segments" => "segment",
        "sequences" => "sequence",
        "email_templates" => "template",
        "service_agreements" => "service agreement",
        "activities" => "activity",
        "call_lists" => "call list",
        "call_list_entries" => "person on a call list",
        "sales_documents" => "document",
        "products" => "product",
        "team_members" => "team member",
        "pipeline_stages" => "stage",
        "pipelines" => "pipeline",
        "promotions" => "promotion",
        "tags" => "tag",
        _ => "record",
    }
}

/// A few names, "a, b, c and 2 more".
fn some_names(conn: &Connection, table: &str, ids: &[String]) -> Result<String> {
    let mut names = Vec::new();
    for id in ids.iter().take(3) {
        names.push(record_name(conn, table, id)?);
    }
    if ids.len() > 3 {
        names.push(format!("{} more", ids.len() - 3));
    }
    Ok(names.join(", "))
}

/// Why the record `parent`/`id` cannot be deleted, one plain sentence per reason; empty when
/// it can be.
pub fn refusals(conn: &Connection, parent: &str, id: &str) -> Result<Vec<String>> {
    let mut reasons = Vec::new();
    let mut cached = None;
    let mut name = |conn: &Connection| -> Result<String> {
        if cached.is_none() {
            cached = Some(record_name(conn, parent, id)?);
        }
        Ok(cached.clone().unwrap_or_default())
    };
    for link in to(parent) {
        match link.on_delete {
            Refuse(r) => {
                let ids = rows(conn, link, id, "")?;
                if !ids.is_empty() {
                    let what = if ids.len() == 1 { r.one } else { r.many };
                    let list = some_names(conn, link.table, &ids)?;
                    let list = if link.table == "sequence_enrolments" {
                        String::new()
                    } else {
                        format!(" ({list})")
                    };
                    reasons.push(format!(
                        "{} has {} {what}{list}; {}.",
                        name(conn)?,
                        ids.len(),
                        r.advice
                    ));
                }
            }
            KeepIssued => {
                let ids = rows(conn, link, id, ISSUED)?;
                if !ids.is_empty() {
                    let numbers = some_names(conn, link.table, &ids)?;
                    let what = if ids.len() == 1 {
                        "issued invoice or credit note"
                    } else {
                        "issued invoices or credit notes"
                    };
                    let merge = if parent == "contacts" {
                        " If it is a duplicate, merge it into the other contact instead."
                    } else {
                        ""
                    };
                    reasons.push(format!(
                        "{} has {} {what} ({numbers}); invoices are kept for your books, so the {} cannot be deleted.{merge}",
                        name(conn)?,
                        ids.len(),
                        noun(parent)
                    ));
                }
            }
            ParentKept => {
                let ids = rows(conn, link, id, "")?;
                if !ids.is_empty() {
                    reasons.push(format!(
                        "{} is still used by {} {} record(s); it cannot be deleted.",
                        name(conn)?,
                        ids.len(),
                        noun(link.table)
                    ));
                }
            }
            Detach | Delete | Module(_) => {}
        }
    }
    Ok(reasons)
}

/// Settles every row that points at `parent`/`id` before the record itself is deleted:
/// refuses (writing nothing) when a rule says so, else detaches or deletes the rows through
/// the writer. The caller deletes its own row afterwards.
pub fn release(w: &Writer<'_>, parent: &str, id: &str) -> Result<()> {
    let reasons = refusals(w.conn(), parent, id)?;
    if !reasons.is_empty() {
        return Err(Error::Conflict(reasons.join(" ")));
    }
    for link in to(parent) {
        match link.on_delete {
            Detach | KeepIssued => {
                for row in rows(w.conn(), link, id, "")? {
                    w.update(link.table, &row, &[(link.column, Value::Null)])?;
                    reindex(w, link.table, &row);
                }
            }
            Delete => {
                for row in rows(w.conn(), link, id, "")? {
                    release(w, link.table, &row)?;
                    w.delete(link.table, &row)?;
                }
            }
            Refuse(_) | ParentKept | Module(_) => {}
        }
    }
    for link in KIND_LINKS {
        if link.on_delete == KindOnDelete::Delete {
            for row in kind_rows(w.conn(), link, parent, id)? {
                w.delete(link.table, &row)?;
            }
        }
    }
    Ok(())
}

fn reindex(w: &Writer<'_>, table: &str, id: &str) {
    if let Some(kind) = crate::store::search::KINDS.iter().find(|k| **k == table) {
        w.reindex_later(kind, id);
    }
}

/// Points every link to `other` at `survivor` instead (a merge). A row whose `once_per`
/// value the survivor already has is deleted rather than doubled. Links settled by the
/// parent's module (a contact's e-mail rows) are left to it.
pub fn move_all(w: &Writer<'_>, parent: &str, survivor: &str, other: &str) -> Result<()> {
    for link in to(parent) {
        if matches!(link.on_delete, Module(_)) {
            continue;
        }
        for row in rows(w.conn(), link, other, "")? {
            let doubled = match link.once_per {
                Some(key) => w
                    .conn()
                    .prepare_cached(&format!(
                        "SELECT EXISTS (SELECT 1 FROM {t} s, {t} o WHERE o.id = ?1
                            AND s.{c} = ?2 AND s.{key} = o.{key})",
                        t = link.table,
                        c = link.column
                    ))?
                    .query_row((&row, survivor), |r| r.get(0))?,
                None => false,
            };
            if doubled {
                release(w, link.table, &row)?;
                w.delete(link.table, &row)?;
            } else {
                w.update(
                    link.table,
                    &row,
                    &[(link.column, Value::Text(survivor.to_owned()))],
                )?;
                reindex(w, link.table, &row);
            }
        }
    }
    for link in KIND_LINKS {
        let (KindOnMerge::Move { once_per }, Some(kind)) = (link.on_merge, link.kind_column) else {
            continue;
        };
        for row in kind_rows(w.conn(), link, parent, other)? {
            let doubled: bool = w
                .conn()
                .prepare_cached(&format!(
                    "SELECT EXISTS (SELECT 1 FROM {t} s, {t} o WHERE o.id = ?1
                        AND s.{kind} = ?2 AND s.{c} = ?3 AND s.{once_per} = o.{once_per})",
                    t = link.table,
                    c = link.id_column
                ))?
                .query_row((&row, parent, survivor), |r| r.get(0))?;
            if doubled {
                w.delete(link.table, &row)?;
            } else {
                w.update(
                    link.table,
                    &row,
                    &[(link.id_column, Value::Text(survivor.to_owned()))],
                )?;
            }
        }
    }
    Ok(())
}

/// What still points at `table`/`id`, as "tickets: 2, sales documents: 1": for the message of a
/// delete the rules above did not foresee.
pub(crate) fn users(conn: &Connection, table: &str, id: &str) -> Result<String> {
    let mut parts = Vec::new();
    for (child, column, parent) in schema_foreign_keys(conn)? {
        if parent != table {
            continue;
        }
        let n: i64 = conn
            .prepare(&format!("SELECT count(*) FROM {child} WHERE {column} = ?1"))?
            .query_row([id], |r| r.get(0))?;
        if n > 0 {
            parts.push(format!("{}: {n}", child.replace('_', " ")));
        }
    }
    Ok(parts.join(", "))
}
