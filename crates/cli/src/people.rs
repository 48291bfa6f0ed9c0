//! Accounts and contacts: their subcommands, the filters and fields their lists and forms
//! share, and running them.

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::accounts::{
    self, AccountInput, AccountQuery, AccountSort, AccountType, Address,
};
use rapport_core::people::contacts::{
    self, Channel, ContactInput, ContactQuery, ContactSort, EmailEntry, MergeChoices, MergeSide,
    PhoneEntry,
};
use rapport_core::records::fields;
use rapport_core::records::list::{CommonFilters, CustomFilter, Page};
use rapport_core::{Db, Error, records::views};

use crate::{Format, direction, emit, output, owner_filter, owner_id, set};

#[derive(Debug, Subcommand)]
pub(crate) enum AccountsCmd {
    /// Add an account; prints its id.
    Add(AccountFields),
    /// List accounts.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        #[arg(long, value_enum, default_value_t)]
        sort: AccountSortArg,
        /// Sort in descending order.
        #[arg(long)]
        desc: bool,
        /// Only accounts found by this text (name, website, industry, city, phone).
        #[arg(long)]
        search: Option<String>,
        /// Use a saved view's filters and sort (other filter flags are then ignored).
        #[arg(long, value_name = "NAME")]
        view: Option<String>,
        /// Sort by this custom field (label or id) instead of --sort.
        #[arg(long, value_name = "LABEL")]
        sort_field: Option<String>,
        /// Only accounts of this type (prospect, customer, partner, vendor).
        #[arg(long = "type", value_name = "TYPE")]
        account_type: Option<String>,
        /// Only accounts in this industry.
        #[arg(long)]
        industry: Option<String>,
        #[command(flatten)]
        filters: FilterArgs,
        /// At most this many rows (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Show one account.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change an account: only the flags given are changed ("" clears a field).
    Update {
        id: String,
        #[command(flatten)]
        fields: AccountFields,
    },
    /// Delete an account; its contacts, deals, tickets, quotes and orders are kept, unlinked.
    /// Refused (exit 2, with the reason) while it has issued invoices or a service agreement.
    Delete { id: String },
    /// Merge account OTHER into SURVIVOR: OTHER's contacts, sub-accounts, deals, tickets,
    /// documents, activities and tags move over, then OTHER is deleted. Prints the batch id
    /// that `rapport undo` takes.
    Merge {
        survivor: String,
        other: String,
        /// Take this field from OTHER instead (name, industry, website, phone, address,
        /// annual_revenue, employee_count, type, turnover_band, employee_band, parent_id,
        /// owner_id, notes); repeat for several.
        #[arg(long = "take", value_name = "FIELD")]
        take: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// Filters both lists share.
#[derive(Debug, Args)]
pub(crate) struct FilterArgs {
    /// Only records whose custom field has this value, as LABEL=VALUE (an empty VALUE:
    /// records without one); repeat for several.
    #[arg(long = "where", value_name = "LABEL=VALUE")]
    custom: Vec<String>,
    /// Only records with this tag; repeat for any of several.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Only records owned by this team member (by name), or "none".
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// Only records created on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    created_from: Option<String>,
    /// Only records created on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    created_to: Option<String>,
}

impl FilterArgs {
    fn to_filters(
        &self,
        conn: &rapport_core::Connection,
        entity: &str,
    ) -> rapport_core::Result<CommonFilters> {
        let custom = self
            .custom
            .iter()
            .map(|pair| {
                let (field, value) = field_pair(conn, entity, "--where", pair)?;
                Ok(CustomFilter {
                    field_id: field,
                    value,
                })
            })
            .collect::<rapport_core::Result<Vec<_>>>()?;
        let owner_id = owner_filter(conn, &self.owner)?;
        Ok(CommonFilters {
            tags: self.tags.clone(),
            owner_id,
            created_from: self.created_from.clone(),
            created_to: self.created_to.clone(),
            custom,
        })
    }
}

/// Splits LABEL=VALUE and finds the field of `entity` it names (by label or id).
pub(crate) fn field_pair(
    conn: &rapport_core::Connection,
    entity: &str,
    flag: &str,
    pair: &str,
) -> rapport_core::Result<(String, String)> {
    let Some((label, value)) = pair.split_once('=') else {
        return Err(Error::invalid(
            flag,
            format!("\"{pair}\" is not LABEL=VALUE"),
        ));
    };
    let field = match fields::find(conn, entity, label)? {
        Some(f) => f,
        None => fields::list(conn, entity)?
            .into_iter()
            .find(|f| f.id == label.trim())
            .ok_or_else(|| {
                Error::invalid(
                    flag,
                    format!(
                        "{entity} have no custom field \"{}\" (see: rapport fields list)",
                        label.trim()
                    ),
                )
            })?,
    };
    Ok((field.id, value.to_owned()))
}

pub(crate) fn sort_field_id(
    conn: &rapport_core::Connection,
    entity: &str,
    label: &Option<String>,
) -> rapport_core::Result<Option<String>> {
    let Some(label) = label else { return Ok(None) };
    Ok(Some(
        field_pair(conn, entity, "--sort-field", &format!("{label}="))?.0,
    ))
}

pub(crate) fn apply_custom(
    conn: &rapport_core::Connection,
    entity: &str,
    pairs: &[String],
    custom: &mut rapport_core::records::fields::CustomValues,
) -> rapport_core::Result<()> {
    for pair in pairs {
        let (field, value) = field_pair(conn, entity, "--field", pair)?;
        custom.insert(field, serde_json::Value::String(value));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(crate) enum AccountSortArg {
    #[default]
    Name,
    Industry,
    City,
    Phone,
    Contacts,
    Created,
    Updated,
}

#[derive(Debug, Args)]
pub(crate) struct AccountFields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    industry: Option<String>,
    #[arg(long)]
    website: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    street: Option<String>,
    #[arg(long)]
    city: Option<String>,
    #[arg(long)]
    region: Option<String>,
    #[arg(long)]
    postal_code: Option<String>,
    #[arg(long)]
    country: Option<String>,
    /// Annual revenue as a decimal amount, e.g. 1250000.50 (needs --currency).
    #[arg(long, requires = "currency")]
    annual_revenue: Option<String>,
    /// ISO 4217 currency code of --annual-revenue, e.g. EUR.
    #[arg(long)]
    currency: Option<String>,
    #[arg(long)]
    employees: Option<i64>,
    #[arg(long)]
    notes: Option<String>,
    /// prospect, customer, partner or vendor ("" clears it).
    #[arg(long = "type", value_name = "TYPE")]
    account_type: Option<String>,
    /// e.g. "1M - 10M".
    #[arg(long)]
    turnover_band: Option<String>,
    /// e.g. "10 - 49".
    #[arg(long)]
    employee_band: Option<String>,
    /// The parent company's account id ("" unlinks).
    #[arg(long, value_name = "ID")]
    parent_id: Option<String>,
    /// The team member responsible, by name ("" clears it).
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// A tag; repeat for several (replaces the account's tags).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// A custom field value, as LABEL=VALUE (LABEL may be the field's id; an empty VALUE
    /// clears it); repeat for several.
    #[arg(long = "field", value_name = "LABEL=VALUE")]
    custom: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ContactsCmd {
    /// Add a contact; prints its id.
    Add {
        #[command(flatten)]
        fields: ContactFields,
    },
    /// List contacts.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        #[arg(long, value_enum, default_value_t)]
        sort: ContactSortArg,
        /// Sort in descending order.
        #[arg(long)]
        desc: bool,
        /// Only contacts found by this text (name, e-mail, phone, title, account).
        #[arg(long)]
        search: Option<String>,
        /// Only the contacts of this account.
        #[arg(long)]
        account_id: Option<String>,
        /// Use a saved view's filters and sort (other filter flags are then ignored).
        #[arg(long, value_name = "NAME")]
        view: Option<String>,
        /// Sort by this custom field (label or id) instead of --sort.
        #[arg(long, value_name = "LABEL")]
        sort_field: Option<String>,
        /// Only contacts who may be e-mailed (not do-not-e-mail, not unsubscribed).
        #[arg(long)]
        emailable: bool,
        #[command(flatten)]
        filters: FilterArgs,
        /// At most this many rows (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Show one contact.
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Change a contact: only the flags given are changed ("" clears a field; --email and
    /// --phone replace the whole list).
    Update {
        id: String,
        #[command(flatten)]
        fields: ContactFields,
    },
    /// Delete a contact with its e-mail addresses and phone numbers; tickets, deals, quotes
    /// and activities are kept, unlinked. Refused (exit 2) while it has issued invoices.
    Delete { id: String },
    /// Find contacts by any word of their name, e-mail, phone, title or account.
    Search {
        query: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// At most this many rows (default: all matches).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Merge OTHER into SURVIVOR: OTHER's e-mails, phones, tags and links move over, then
    /// OTHER is deleted. Prints the batch id that `rapport undo` takes.
    Merge {
        survivor: String,
        other: String,
        /// Take this field from OTHER instead (first_name, last_name, title, account_id,
        /// notes); repeat for several.
        #[arg(long = "take", value_name = "FIELD")]
        take: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(crate) enum ContactSortArg {
    #[default]
    Name,
    Account,
    Email,
    Phone,
    Title,
    Created,
    Updated,
}

#[derive(Debug, Args)]
pub(crate) struct ContactFields {
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    #[arg(long)]
    title: Option<String>,
    /// E-mail address; repeat for several (the first is the primary one).
    #[arg(long)]
    email: Vec<String>,
    /// Phone number; repeat for several.
    #[arg(long)]
    phone: Vec<String>,
    /// The account, by name: linked if one exists, created if none does.
    #[arg(long, value_name = "NAME", conflicts_with = "account_id")]
    account: Option<String>,
    /// The account, by id ("" unlinks).
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    birthday: Option<String>,
    #[arg(long)]
    lead_source: Option<String>,
    /// The team member responsible, by name ("" clears it).
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// email, phone, sms, letter or in_person ("" clears it).
    #[arg(long, value_name = "CHANNEL")]
    channel: Option<String>,
    /// The contact must not be called: yes or no.
    #[arg(long, value_name = "YES|NO")]
    do_not_call: Option<YesNo>,
    /// The contact must not be e-mailed: yes or no.
    #[arg(long, value_name = "YES|NO")]
    do_not_email: Option<YesNo>,
    /// The contact unsubscribed from mailings: yes or no.
    #[arg(long, value_name = "YES|NO")]
    unsubscribed: Option<YesNo>,
    /// A tag; repeat for several (replaces the contact's tags).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// A custom field value, as LABEL=VALUE (LABEL may be the field's id; an empty VALUE
    /// clears it); repeat for several.
    #[arg(long = "field", value_name = "LABEL=VALUE")]
    custom: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum YesNo {
    Yes,
    No,
}
pub(crate) fn run_accounts(db: &mut Db, cmd: AccountsCmd) -> rapport_core::Result<()> {
    match cmd {
        AccountsCmd::Add(fields) => {
            if fields.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(Error::invalid("--name", "is required"));
            }
            let mut input = AccountInput::default();
            fields.apply(db.conn(), &mut input)?;
            let account = accounts::create(db, &input)?;
            output::line(&account.id)
        }
        AccountsCmd::List {
            format,
            sort,
            desc,
            search,
            view,
            sort_field,
            account_type,
            industry,
            filters,
            limit,
        } => {
            let sort_field = sort_field_id(db.conn(), "accounts", &sort_field)?;
            let account_type = match account_type.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(t) => Some(AccountType::parse(t).ok_or_else(|| {
                    Error::invalid(
                        "--type",
                        format!("\"{t}\" is not prospect, customer, partner or vendor"),
                    )
                })?),
            };
            let query = AccountQuery {
                sort_field,
                filters: filters.to_filters(db.conn(), "accounts")?,
                account_type,
                industry,
                sort: match sort {
                    AccountSortArg::Name => AccountSort::Name,
                    AccountSortArg::Industry => AccountSort::Industry,
                    AccountSortArg::City => AccountSort::City,
                    AccountSortArg::Phone => AccountSort::Phone,
                    AccountSortArg::Contacts => AccountSort::ContactCount,
                    AccountSortArg::Created => AccountSort::CreatedAt,
                    AccountSortArg::Updated => AccountSort::UpdatedAt,
                },
                direction: direction(desc),
                search,
                parent_id: None,
                after: None,
                limit,
            };
            let query = match view {
                Some(name) => from_view(db.conn(), "accounts", &name, limit)?,
                None => query,
            };
            let items = all_pages(query, limit, |q| accounts::list(db.conn(), q))?;
            emit(format, &items, || {
                output::table(
                    &["ID", "NAME", "INDUSTRY", "CITY", "CONTACTS"],
                    items.iter().map(|a| {
                        vec![
                            a.id.clone(),
                            a.name.clone(),
                            a.industry.clone().unwrap_or_default(),
                            a.city.clone().unwrap_or_default(),
                            a.contact_count.to_string(),
                        ]
                    }),
                )
            })
        }
        AccountsCmd::Get { id, format } => {
            let account = accounts::get(db.conn(), &id)?;
            emit(format, &account, || output::record(&account))
        }
        AccountsCmd::Update { id, fields } => {
            let current = accounts::get(db.conn(), &id)?;
            let mut input = AccountInput::from(&current);
            fields.apply(db.conn(), &mut input)?;
            accounts::update(db, &id, &input)?;
            Ok(())
        }
        AccountsCmd::Delete { id } => accounts::delete(db, &id),
        AccountsCmd::Merge {
            survivor,
            other,
            take,
            format,
        } => {
            let choices = MergeChoices {
                fields: take
                    .iter()
                    .map(|f| (f.replace('-', "_"), MergeSide::Other))
                    .collect(),
            };
            let result = accounts::merge(db, &survivor, &other, &choices)?;
            emit(format, &result, || output::line(&result.batch_id))
        }
    }
}

pub(crate) fn run_contacts(db: &mut Db, cmd: ContactsCmd) -> rapport_core::Result<()> {
    match cmd {
        ContactsCmd::Add { fields } => {
            let no_name = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
            if no_name(&fields.first_name) && no_name(&fields.last_name) {
                return Err(Error::invalid("--first-name", "or --last-name is required"));
            }
            let mut input = ContactInput::default();
            fields.apply(db.conn(), &mut input)?;
            let id = db.write(|w| {
                if let Some(name) = &fields.account {
                    input.account_id = Some(accounts::find_or_create_by_name(w, name)?.0);
                }
                contacts::create_in(w, &input)
            })?;
            output::line(&id)
        }
        ContactsCmd::List {
            format,
            sort,
            desc,
            search,
            account_id,
            view,
            sort_field,
            emailable,
            filters,
            limit,
        } => {
            let sort_field = sort_field_id(db.conn(), "contacts", &sort_field)?;
            let query = ContactQuery {
                sort_field,
                filters: filters.to_filters(db.conn(), "contacts")?,
                emailable,
                sort: match sort {
                    ContactSortArg::Name => ContactSort::Name,
                    ContactSortArg::Account => ContactSort::Account,
                    ContactSortArg::Email => ContactSort::Email,
                    ContactSortArg::Phone => ContactSort::Phone,
                    ContactSortArg::Title => ContactSort::Title,
                    ContactSortArg::Created => ContactSort::CreatedAt,
                    ContactSortArg::Updated => ContactSort::UpdatedAt,
                },
                direction: direction(desc),
                search,
                account_id,
                after: None,
                limit,
                count_cap: None,
            };
            let query = match view {
                Some(name) => from_view(db.conn(), "contacts", &name, limit)?,
                None => query,
            };
            let items = all_pages(query, limit, |q| contacts::list(db.conn(), q))?;
            emit(format, &items, || contacts_table(&items))
        }
        ContactsCmd::Get { id, format } => {
            let contact = contacts::get(db.conn(), &id)?;
            emit(format, &contact, || output::record(&contact))
        }
        ContactsCmd::Update { id, fields } => {
            let current = contacts::get(db.conn(), &id)?;
            let mut input = ContactInput::from(&current);
            fields.apply(db.conn(), &mut input)?;
            db.write(|w| {
                if let Some(name) = &fields.account {
                    input.account_id = Some(accounts::find_or_create_by_name(w, name)?.0);
                }
                contacts::update_in(w, &id, &input)
            })
        }
        ContactsCmd::Delete { id } => contacts::delete(db, &id),
        ContactsCmd::Search {
            query,
            format,
            limit,
        } => {
            let query = ContactQuery {
                search: Some(query),
                limit,
                ..Default::default()
            };
            let items = all_pages(query, limit, |q| contacts::list(db.conn(), q))?;
            emit(format, &items, || contacts_table(&items))
        }
        ContactsCmd::Merge {
            survivor,
            other,
            take,
            format,
        } => {
            let mut choices = MergeChoices::default();
            for field in take {
                const FIELDS: &[&str] =
                    &["first_name", "last_name", "title", "account_id", "notes"];
                let field = field.replace('-', "_");
                if !FIELDS.contains(&field.as_str()) {
                    return Err(Error::invalid(
                        "--take",
                        format!(
                            "\"{field}\" is not a field a merge can take; use one of {}",
                            FIELDS.join(", ")
                        ),
                    ));
                }
                choices.fields.insert(field, MergeSide::Other);
            }
            let result = contacts::merge(db, &survivor, &other, &choices)?;
            emit(format, &result, || output::line(&result.batch_id))
        }
    }
}
/// A list query from a saved view's settings.
pub(crate) fn from_view<Q: serde::de::DeserializeOwned>(
    conn: &rapport_core::Connection,
    entity: &str,
    name: &str,
    limit: Option<u32>,
) -> rapport_core::Result<Q> {
    let mut definition = views::find(conn, entity, name)?.definition;
    if let Some(obj) = definition.as_object_mut() {
        obj.remove("after");
        obj.insert("limit".into(), serde_json::json!(limit));
    }
    serde_json::from_value(definition).map_err(|e| {
        Error::invalid(
            "--view",
            format!("the saved view \"{name}\" cannot be read: {e}"),
        )
    })
}

pub(crate) fn contacts_table(items: &[contacts::ContactSummary]) -> rapport_core::Result<()> {
    output::table(
        &["ID", "NAME", "ACCOUNT", "EMAIL", "PHONE"],
        items.iter().map(|c| {
            vec![
                c.id.clone(),
                format!("{} {}", c.first_name, c.last_name)
                    .trim()
                    .to_owned(),
                c.account_name.clone().unwrap_or_default(),
                c.email.clone().unwrap_or_default(),
                c.phone.clone().unwrap_or_default(),
            ]
        }),
    )
}

/// A list query that continues after a cursor.
pub(crate) trait Paged {
    fn continue_after(&mut self, cursor: String);
}

impl Paged for ContactQuery {
    fn continue_after(&mut self, cursor: String) {
        self.after = Some(cursor);
    }
}

impl Paged for AccountQuery {
    fn continue_after(&mut self, cursor: String) {
        self.after = Some(cursor);
    }
}

/// Every row of a list (or the first `limit` when one was given), page by page.
pub(crate) fn all_pages<Q: Paged, T>(
    mut query: Q,
    limit: Option<u32>,
    fetch: impl Fn(&Q) -> rapport_core::Result<Page<T>>,
) -> rapport_core::Result<Vec<T>> {
    let mut items = Vec::new();
    loop {
        let page = fetch(&query)?;
        items.extend(page.items);
        match page.next {
            Some(next) if limit.is_none() => query.continue_after(next),
            _ => return Ok(items),
        }
    }
}
impl AccountFields {
    fn apply(
        &self,
        conn: &rapport_core::Connection,
        input: &mut AccountInput,
    ) -> rapport_core::Result<()> {
        if let Some(name) = &self.name {
            input.name = name.clone();
        }
        set(&mut input.industry, &self.industry);
        set(&mut input.website, &self.website);
        set(&mut input.phone, &self.phone);
        let Address {
            street,
            city,
            region,
            postal_code,
            country,
        } = &mut input.address;
        set(street, &self.street);
        set(city, &self.city);
        set(region, &self.region);
        set(postal_code, &self.postal_code);
        set(country, &self.country);
        match (&self.annual_revenue, &self.currency) {
            (Some(amount), _) if amount.trim().is_empty() => input.annual_revenue = None,
            (Some(amount), Some(currency)) => {
                input.annual_revenue = Some(MoneyInput {
                    amount: amount.clone(),
                    currency: currency.clone(),
                });
            }
            (None, Some(currency)) => {
                if let Some(money) = &mut input.annual_revenue {
                    money.currency = currency.clone();
                }
            }
            _ => {}
        }
        if let Some(n) = self.employees {
            input.employee_count = Some(n);
        }
        set(&mut input.notes, &self.notes);
        if let Some(t) = &self.account_type {
            input.account_type = if t.trim().is_empty() {
                None
            } else {
                Some(AccountType::parse(t).ok_or_else(|| {
                    Error::invalid(
                        "--type",
                        format!("\"{t}\" is not prospect, customer, partner or vendor"),
                    )
                })?)
            };
        }
        set(&mut input.turnover_band, &self.turnover_band);
        set(&mut input.employee_band, &self.employee_band);
        set(&mut input.parent_id, &self.parent_id);
        if let Some(owner) = owner_id(conn, &self.owner)? {
            input.owner_id = owner;
        }
        if !self.tags.is_empty() {
            input.tags = self.tags.clone();
        }
        apply_custom(conn, "accounts", &self.custom, &mut input.custom)
    }
}

impl ContactFields {
    fn apply(
        &self,
        conn: &rapport_core::Connection,
        input: &mut ContactInput,
    ) -> rapport_core::Result<()> {
        if let Some(v) = &self.first_name {
            input.first_name = v.clone();
        }
        if let Some(v) = &self.last_name {
            input.last_name = v.clone();
        }
        set(&mut input.title, &self.title);
        set(&mut input.account_id, &self.account_id);
        set(&mut input.notes, &self.notes);
        if !self.email.is_empty() {
            input.emails = self
                .email
                .iter()
                .filter(|e| !e.trim().is_empty())
                .map(|address| EmailEntry {
                    label: "work".into(),
                    address: address.clone(),
                })
                .collect();
        }
        if !self.phone.is_empty() {
            input.phones = self
                .phone
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(|number| PhoneEntry {
                    label: "work".into(),
                    number: number.clone(),
                })
                .collect();
        }
        set(&mut input.birthday, &self.birthday);
        set(&mut input.lead_source, &self.lead_source);
        if let Some(owner) = owner_id(conn, &self.owner)? {
            input.owner_id = owner;
        }
        if let Some(ch) = &self.channel {
            input.preferred_channel = if ch.trim().is_empty() {
                None
            } else {
                Some(Channel::parse(ch).ok_or_else(|| {
                    Error::invalid(
                        "--channel",
                        format!("\"{ch}\" is not email, phone, sms, letter or in_person"),
                    )
                })?)
            };
        }
        let yes = |v: YesNo| matches!(v, YesNo::Yes);
        if let Some(v) = self.do_not_call {
            input.do_not_call = yes(v);
        }
        if let Some(v) = self.do_not_email {
            input.do_not_email = yes(v);
        }
        if let Some(v) = self.unsubscribed {
            input.unsubscribed = yes(v);
        }
        if !self.tags.is_empty() {
            input.tags = self.tags.clone();
        }
        apply_custom(conn, "contacts", &self.custom, &mut input.custom)
    }
}
