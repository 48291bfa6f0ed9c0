//! `rapport`: Rapport's headless command line. A contract for scripts: flags, JSON shapes and
//! exit codes stay stable (see `rapport help`).
//!
//! Exit codes: 0 success; 2 bad input (one line on stderr naming the problem); 1 any other
//! failure (also one line on stderr).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rapport_core::data::backup;
use rapport_core::data::bulk::{self, BulkAction};
use rapport_core::kernel::money::MoneyInput;
use rapport_core::people::accounts::{
    self, AccountInput, AccountQuery, AccountSort, AccountType, Address,
};
use rapport_core::people::contacts::{
    self, Channel, ContactInput, ContactQuery, ContactSort, EmailEntry, MergeChoices, MergeSide,
    PhoneEntry,
};
use rapport_core::records::fields::{self, CustomFieldInput, FieldKind};
use rapport_core::records::list::{CommonFilters, CustomFilter, Page, SortDirection};
use rapport_core::{
    Db, Error, people::duplicates, records::team, records::views, store::changelog,
};
use serde::Serialize;

mod activities;
mod analytics;
mod campaigns;
mod deals;
mod import;
mod leads;
mod marketing;
mod output;
mod sales;
mod service;

const AFTER_HELP: &str = "\
DATABASE
  The database is --db PATH, else $RAPPORT_DB, else rapport.db in the user's data folder
  (~/.local/share/rapport/ on Linux). `init` creates it, and every command upgrades it as
  needed. A command that writes creates a missing file too; one that only reads (list, get,
  search, history, members, preview, pipeline, forecast, report, dashboard, churn, agenda,
  reminders, duplicates, views, export, backup) refuses a path where no file is (exit 2),
  and every command but init refuses an empty (0-byte) file, which is left as it is.
  Once SQLite's check has found the file damaged (`rapport check`, or the app after it
  starts), every write is refused (exit 1) naming the damage and the newest good backup in
  backups/; `rapport restore BACKUP` puts that back. A command that meets damage says the
  same, never SQLite's raw error.

LIMITS
  Amounts: at most 10,000,000,000,000 (ten trillion) in the currency's major unit for every
  amount, price, budget, payment, document line (quantity x unit price) and document total;
  more is refused (exit 2), naming the field. Every total is counted exactly; a total of
  stored amounts beyond 92,233,720,368,547,758.07 (only possible with amounts an older
  version let in) is refused with a plain message instead of being wrapped.
  Dates and times: years 1900 to 2200, the year written in full: 26-01-05 is refused, not
  read as the year 26 nor guessed (also in imports). `export ics` leaves out an activity
  whose stored time lies outside those years, with a warning on stderr (JSON: skipped).
  Text: control characters (ESC, NUL, the other C0 codes except tab, line feed and carriage
  return, DEL, and C1) are refused in every field (exit 2); imports take them out of every
  cell instead. Tables and `get` show stored control characters escaped (\\x1b).

SHARING THE FILE WITH THE APP
  Commands keep working while the desktop app has the same file open: the two take turns,
  so a command waits (up to 30 s) while the app is saving, and the app waits for a command.
  When the wait runs out the command exits 1 without changing anything:
    A rapport command (pid 77) is using PATH; try again in a moment. Nothing was changed.
  `outbox send` waits only for its database work, never while mail is being sent.
  `restore` replaces the file, so it refuses (exit 2, code file_in_use) while any other
  Rapport program has it open, naming that program:
    The Rapport app (pid 4242) has PATH open. Close it, then restore.
  A command started while a restore runs waits a few seconds, then exits 1. Two lock files
  beside the database (PATH-lock, PATH-turn) hold this together; they are never in a backup
  and may be left where they are.

EXIT CODES
  0  success
  2  bad input: a missing or invalid flag, a value that fails validation, an unknown id;
     also a restore refused because another Rapport program has the file open.
     One line on stderr names the problem.
  1  any other failure (the file is not a Rapport database, is damaged, cannot be written,
     or stayed busy longer than the command waits).

JSON OUTPUT (--format json), stable: fields are only ever added, never renamed or removed.
  accounts list  -> [Account summary]   {id, name, industry, website, phone, city, country,
                                          contact_count, updated_at}
  accounts get   -> Account             {id, name, industry, website, phone,
                                          address: {street, city, region, postal_code, country},
                                          annual_revenue: null | {amount_minor, currency},
                                          employee_count, notes, type, turnover_band,
                                          employee_band, parent_id, parent_name, owner_id,
                                          owner_name, tags: [text], contact_count,
                                          created_at, updated_at}
  contacts list  -> [Contact summary]   {id, first_name, last_name, title, account_id,
                                          account_name, email, phone, updated_at}
  contacts get   -> Contact             {id, first_name, last_name, title, account_id,
                                          account_name, emails: [{label, address}],
                                          phones: [{label, number}],
                                          addresses: [{label, street, city, region,
                                                       postal_code, country}],
                                          birthday, lead_source, owner_id, owner_name,
                                          preferred_channel, do_not_call_since,
                                          do_not_email_since, unsubscribed_since,
                                          tags: [text], notes, created_at, updated_at}
  Missing values are null. Times are UTC, RFC 3339 with milliseconds. Money is an integer
  amount in the currency's minor unit (cents) plus an ISO 4217 code. Ids are UUID v7 text.

  contacts search -> [Contact summary], sorted by name
  duplicates     -> [{entity, records: [{entity, id, title, subtitle}], reasons: [text]}]
  contacts merge -> {survivor: Contact, merged_id, batch_id}
  team list      -> [{id, name, email, active}]
  bulk           -> {changed, batch_id, skipped: [{id, name, reason}]}
                    --delete deletes every record it may; each one kept (a contact or
                    account with issued invoices, an account with a service agreement) is
                    listed in skipped with the reason, also on stderr. When none could be
                    deleted the command fails with the reasons (exit 2).
  fields list    -> [{id, entity, label, kind, options: [text], position}]
  views          -> [{id, entity, name, definition: {sort, direction, search, tags, ..., columns}}]
  backup         -> {path, bytes, millis}
  backups        -> [{path, taken_at, bytes, kind: automatic|before-restore|damaged}], newest
                    first; automatic backups live in backups/ beside the database file
  restore        -> {restored_from, safety_backup}   safety_backup is the copy of the file
                    as it was (backups/NAME-before-restore-TIME.db, or -damaged- when it could
                    not be read); a second one in the same second gets -2, -3, ...
  activities get  -> Activity            {id, kind, subject, notes, channel, direction, outcome,
                                          starts_at, ends_at, all_day, duration_minutes,
                                          location, done_at, remind_at, reminder_state,
                                          series_id, repeat, repeat_text, owner_id,
                                          owner_name, links: [{entity, id, name}],
                                          participants: [{contact_id, member_id, name, email}],
                                          created_at, updated_at}
  activities list -> [Activity], newest first
  activities add  -> {activity: Activity, follow_up: null | Activity, batch_id}
  activities done -> {activity: Activity, next: null | Activity, batch_id}
  agenda         -> {today: YYYY-MM-DD, overdue: [Activity], overdue_total,
                     due_today: [Activity], upcoming: [{date, items: [Activity]}],
                     upcoming_total}   overdue and upcoming show at most 500 items each
  reminders      -> [{activity: Activity, remind_at, missed}]
  export ics     -> {path, bytes, items, skipped: [text]}
  export json    -> {path, tables: [[table, rows]]}   the archive itself:
                    {format: rapport-archive, version: 1, schema_version, exported_at,
                     tables: {table: [{column: value}]}}, ids and the change log included
  export csv     -> {path, rows}   UTF-8 with BOM; cells starting =, +, -, @, tab or CR
                    (other than plain numbers) get a leading apostrophe
  export vcard   -> {path, cards}   vCard 4.0 (or --vcard-version 3.0), lines folded at 75 octets
  import archive -> {path, tables: [[table, rows]]}   into an empty database only
  import         -> {rows_read, created, updated, skipped, rejected: [{line, reason}],
                     batch_id, encoding, delimiter, mapping: [field key | null], cancelled,
                     unimported: [{column, cells, message}]}
                    rows_read = created + updated + skipped + rejected (blank lines are not
                    rows). Rows are checked like a form; a rejected row writes nothing.
                    line is the physical line of the file (the header is line 1; blank lines
                    and the lines of a quoted value over several lines count; CRLF or LF).
                    unimported names every column that is not mapped to a field but has
                    values, with how many non-empty cells it has ('Website 1 - Value: 300
                    non-empty cells not imported'); the text output prints each as a warning.
  import --dry-run -> [{line, outcome: create|update|skip|reject, values: [[label, value]],
                       reason}]   the unimported columns are warned about on stderr
  deals get      -> Opportunity         {id, name, pipeline_id, pipeline_name, stage_id,
                                          stage_name, stage_kind: open|won|lost,
                                          stage_entered_at, days_in_stage, account_id,
                                          account_name, amount: null | Money, probability,
                                          probability_override, weighted: null | Money,
                                          expected_close, closed_on, lost_reason_id,
                                          lost_reason, lost_note, next_step, source,
                                          campaign_id, owner_id, owner_name, notes,
                                          contacts: [{contact_id, name, role}],
                                          products: [text], tags: [text], custom,
                                          last_activity_at, rotting, created_at, updated_at}
  deals list     -> [{id, name, account_name, stage_name, stage_kind, amount, probability,
                      expected_close, owner_name, custom, updated_at}]
  deals move     -> {opportunity, suggested: [activity input], created: [id], batch_id}
  deals history  -> [{stage_id, stage_name, entered_at, left_at, days}]
  pipeline       -> {pipeline_id, pipeline_name, open: Totals,
                     columns: [{stage: {id, name, position, kind, probability, rotting_days,
                                        checklist, deal_count},
                                totals: Totals, cards: [{id, name, account_name, amount,
                                probability, expected_close, owner_name, days_in_stage,
                                rotting}]}]}
                    Totals = {count, amount: [Money], weighted: [Money]}, one Money per
                    currency. Weighted sums are amount x probability summed in integers and
                    divided by 100 once (half away from zero). Won and Lost columns hold the
                    deals closed in the last 30 days.
  forecast       -> {pipeline_name, undated: Totals,
                     months: [{month: YYYY-MM, open: Totals, won: Totals}]}
  pipelines list -> [{id, name, stages: [stage]}]
  leads get      -> Lead                {id, name, company, title, email, phone, website,
                                          source, campaign_id,
                                          status: new|contacted|qualified|unqualified|converted,
                                          rating: null|hot|warm|cold, owner_id, owner_name,
                                          estimated_value: null | Money, notes, tags, custom,
                                          call_list_id, call_list_name,
                                          conversion: null | {converted_at, account_id,
                                            account_name, contact_id, contact_name,
                                            opportunity_id, opportunity_name},
                                          created_at, updated_at}
  leads list     -> [{id, name, company, email, phone, source, status, rating, owner_name,
                      estimated_value, custom, created_at, updated_at}]
  leads board    -> [{status, count, estimated: [Money], cards: [lead summary]}]
  leads suggest  -> {lead: Lead, account_name, first_name, last_name,
                     accounts: [{id, name, reason}], contacts: [{id, name, reason}],
                     opportunity_name, amount, activities}   (writes nothing)
  leads convert  -> {lead_id, account_id, account_created, contact_id, contact_created,
                     opportunity_id, activities_moved, batch_id}; a second conversion exits 2
  leads sources  -> [{id, name, leads}]
  import leads   -> the import report above; CSV or JSON (an array of objects, an object
                    holding one, or one object per line; nested keys as parent.child)
  import products -> the import report above; rows are matched by SKU (--dedup update loads a
                    new price list; blank cells keep what the product had); prices may be
                    written 1,234.50, 1.234,50 or with a currency sign
  calllists import   -> {list_id, name, rows_read, added, skipped: [{line, reason}],
                         rejected: [{line, reason}], encoding, delimiter, mapping, batch_id,
                         cancelled}   rows_read = added + skipped + rejected
  calllists progress -> {total, called, remaining, callbacks_due, callbacks_later, not_called,
                         no_answer, unreachable, not_interested, wrong_number, promoted}
  calllists list     -> [{id, name, script, max_attempts, source_file, owner_id, owner_name,
                          progress, created_at, updated_at}]
  calllists entries  -> [Entry]  {id, call_list_id, position, name, company, title, phone,
                                   email, city, notes, details: [[header, value]],
                                   status: pending|no_answer|callback|not_interested|
                                           wrong_number|promoted,
                                   attempts, last_called_at, callback_at, lead_id}
  calllists next     -> null | {entry: Entry, history: [Activity], script, progress}
                        Due callbacks first, then people not yet called in file order, then
                        the unanswered (fewest attempts first) until max_attempts.
  calllists call     -> {entry: Entry, activity_id, callback_id, lead_id, batch_id}
  tickets get    -> Ticket              {id, number, subject, description, account_id,
                                          account_name, contact_id, contact_name, product,
                                          channel: phone|email|web_form|letter|in_person,
                                          category: question|problem|complaint|request|callback,
                                          priority: low|normal|high|urgent,
                                          status: new|open|waiting|resolved|closed,
                                          owner_id, owner_name, callback_activity_id,
                                          callback_at, resolve_on_callback,
                                          first_responded_at, resolved_at, closed_at, sla: Sla,
                                          tags, custom, messages: [{id, kind: reply|customer|note,
                                          body, author_id, author_name, created_at}],
                                          history: [{status, entered_at}], created_at,
                                          updated_at}
  tickets list   -> [{id, number, subject, account_id, account_name, contact_name, category,
                      priority, status, channel, owner_name, sla: Sla, custom, created_at,
                      updated_at}]   queues: open (new, open, waiting), mine, breaching_soon,
                      breached, waiting, resolved (and closed), all
                    Sla = {first_response: Clock | null, resolution: Clock | null, breached,
                           warning}   null when no policy covers the priority
                    Clock = {target_minutes, state: running|paused|met, due_at (while running),
                             seconds_left (business seconds; negative when over),
                             used_percent, warning, breached_at, met_at}
                    Clocks count business hours only (sla hours, sla holidays); they run while
                    a ticket is new or open, pause while it waits on the customer and stop when
                    it is resolved. The first reply meets the first response.
  tickets reply  -> Ticket   the reply is saved on the ticket, not e-mailed (Rapport does not
                    send ticket replies yet): send it to the customer yourself
  tickets counts -> {open, mine, breaching_soon, breached, waiting, me}
  tickets complaints -> {tickets, complaints, complaint_share_tenths (125 = 12.5%),
                         accounts_with_tickets, accounts_complaining,
                         accounts: [{account_id, account_name, tickets, complaints}]}
  sla breaches   -> [ticket summary as in tickets list]
  sla policies   -> [{id, tier: null | text, priority, first_response_minutes,
                      resolution_minutes}]   a tier policy applies to accounts tagged with it
  sla hours      -> {time_zone, days: [{open, start, end}] Monday first, warn_percent}
  sla holidays   -> [{id, day, name}]
  agreements list -> [{id, account_id, account_name, name, description, rrule, schedule,
                       starts_on, ends_on, owner_id, owner_name, next_due, delivered,
                       skipped, open, created_at}]
  agreements log  -> [{id, agreement_id, agreement_name, account_name, due_on,
                       status: due|delivered|skipped, task_id, note, settled_at}]
                    Occurrences due within 7 days are made with a task each (agreements run,
                    and the app hourly); completing the task delivers the occurrence.
  agreements run  -> {created}
  products list  -> [{id, sku, name, description, unit, unit_price: Money, tax_rate_bp,
                      active, created_at, updated_at}]   tax_rate_bp: 1900 = 19%
  quotes|orders|invoices get -> Document {id, kind: quote|order|invoice|credit_note, number
                      (null for a draft invoice), version, status, account_id, account_name,
                      contact_id, contact_name, opportunity_id, opportunity_name, source_id,
                      source_number, currency, issued_on, valid_until, due_on, notes,
                      subtotal_minor, discount_minor, tax_minor, total_minor,
                      taxes: [{rate_bp, net_minor, tax_minor}],
                      lines: [{id, position, product_id, sku, description, unit,
                               quantity_milli (1500 = 1.5), unit_price_minor, discount_bp,
                               tax_rate_bp, amounts: {gross_minor, discount_minor, net_minor,
                               tax_minor, total_minor}, source_line_id}],
                      payments: [{id, paid_on, amount_minor, method, reference}], paid_minor,
                      credited_minor, balance_minor, derived: [summary], created_at,
                      updated_at}
                    Each line: gross = quantity x price, discount = gross x discount %,
                    net = gross - discount, tax = net x rate, each rounded half away from zero
                    to the minor unit; the document's figures are the sums of its lines'.
                    Status: quote draft|sent|accepted|rejected|expired|superseded; order
                    open|partly_invoiced|invoiced|cancelled; invoice draft|issued|partly_paid|
                    paid|overdue|credited|void; credit note issued
  quotes|orders|invoices list -> [{id, kind, number, version, status, account_id,
                      account_name, opportunity_id, currency, issued_on, due_on, total_minor,
                      balance_minor, created_at}], newest first
  quotes order, orders invoice, invoices pay -> Document (with --format json; else the id,
                      or a line saying the status and balance)
                    invoices issue and orders invoice (without --draft) exit 2, issuing
                    nothing, while the company's name or address is not set (rapport company
                    --name ... --address ...): an invoice must name its seller
  invoices pdf   -> {path, bytes, pages}   an issued invoice or credit note needs the company's
                    name and address too (exit 2); quotes, orders and drafts print without
  invoices balance -> [{currency, invoiced_minor, paid_minor, outstanding_minor,
                        overdue_minor}]
  company        -> {name, address, email, phone, website, tax_id, bank_details, footer,
                     logo_path}
  numbering      -> [{kind, prefix, yearly, year, next, padding, preview}]   invoice and
                    credit-note numbers are taken when issued, so they never skip or repeat
  report NAME    -> {name, title, scope: {from, to, owner_id, currency}, currency,
                     columns: [{key, label, unit}], rows: [[cell]], note}
                    unit: count|money (minor units)|percent (basis points: 6667 = 66.67 %)|
                    days|minutes|text; a cell is a number, a string or null (a rate of
                    nothing). --format csv writes major units and percentages (1234.50,
                    66.67). Reports: pipeline, pipeline-by-owner, forecast, won-lost, funnel,
                    tickets, service, retention, customers, churn, campaigns. Periods: --period
                    this_month|last_month|this_quarter|this_year|last_year or --from/--to
                    (days included); money counts one currency (--currency, default that of
                    most invoices), other currencies are not converted
  dashboard      -> {scope, currency, other_currencies, figures: [{key, label, unit, value,
                     count}], forecast: [{month, open_minor, weighted_minor, won_minor}],
                     conversion: [{source, leads, converted}]}
                    figure keys: open_pipeline, weighted_forecast, won, lost, win_rate,
                    average_deal, sales_cycle, lead_conversion, new_customers, open_tickets,
                    sla_breaches, overdue_invoices; --records KEY ->
                    [{entity, id, label, amount_minor}]
  campaigns list -> [Campaign];  campaigns get -> Campaign   {id, name, kind, status,
                     starts_on, ends_on, currency, budget, actual_cost, expected_revenue (each
                     {amount_minor, currency} or null), description, owner_id, created_at,
                     updated_at}
  campaigns members -> [{entity, entity_id, name, email, status (targeted|sent|responded|
                     unsubscribed|bounced), responded_at}]   (without --contact or --lead)
  campaigns report -> [{campaign_id, name, kind, status, currency, members, responses, leads,
                     leads_converted, deals, deals_won, won_minor, cost_minor,
                     cost_per_lead_minor, roi_bp (7500 = 75 %)}]   leads and deals count when
                     they name the campaign (leads add|deals add --campaign NAME); a converted
                     lead's deal names its campaign
  churn          -> [{account_id, account_name, score (0-100), reasons: [{points, text}]}]
                    most at risk first; --account ID for one
  segments list   -> [{id, name, entity (contacts|accounts|leads), kind (dynamic|static),
                     filter: {match (all|any), conditions: [{field, op, value}]}, description,
                     created_at, updated_at}]; segments get -> one of them   --where 'FIELD OP VALUE'; ops: is, is_not,
                     contains, is_set, is_not_set, before, after (a day or 90d = 90 days ago;
                     last_activity before includes never), at_least, at_most, yes, no;
                     `segments fields --entity E` lists the fields (custom ones: custom:ID)
  segments count -> N (JSON {id, name, count});  segments members -> {total, members: [{id,
                     name, email, company, phone}]} (for accounts, company holds the industry);
                     segments export writes that as CSV
  templates list -> [{id, name, subject, body, created_at, updated_at}]
  templates preview -> {to_name, to_address, subject, text, html, skip_reason}
  sequences list -> [{id, name, status (active|paused), enrol_new_leads, lead_source,
                     lead_campaign_id, steps: [{position, template_id, template_name,
                     delay_days}], active, completed, stopped, created_at, updated_at}]
  sequences enroll -> {enrolled, already};  sequences run -> {queued, completed, stopped}
  sequences enrolments -> [{id, sequence_id, entity, entity_id, name, status (active|
                     completed|stopped), stop_reason (replied|converted|unsubscribed|
                     do_not_email|removed|no_address), next_position, next_due_on,
                     enrolled_on, ended_at}]   a step's delay counts from the day the step
                     before it was queued; a missed day is caught up at the next run
  promotions preview -> {total, will_send, skipped, recipients: [{entity, id, name, email,
                     skip_reason}], sample: (as templates preview) or null}
  promotions list -> [{id, name, template_id, template_name, segment_id, segment_name,
                     campaign_id, status (queued|done|cancelled: done once no message waits),
                     progress, created_at}]
  promotions progress -> {queued, sending, sent, failed, skipped, cancelled, unsure}
  outbox list    -> [{id, entity, entity_id, to_name, to_address, subject, body_text, status
                     (queued|sending|sent|failed|skipped|cancelled|unsure: the app stopped while
                     sending, so it may have gone; only retried by its id), skip_reason, attempts,
                     next_attempt_at, last_error, sent_at, activity_id, sequence_id,
                     step_position, promotion_id, campaign_id, created_at}]
  outbox send    -> {recovered, sequences: {queued, completed, stopped}, sent: {sent, failed,
                     deferred, skipped, problems: [text]} or null when sending is not set
                     up, waiting}; exits 1 with the server's reason when a message could not go (it
                     is retried after 1, 5, 15, 60 minutes, then every 4 hours: 10 tries
                     when the server refuses for now, without end while it cannot be reached
                     or refuses the login; `outbox retry` tries at once),
                     2 when sending is not set up and messages wait. The SMTP password is
                     kept in the system keyring (outbox setup --password-stdin), never in the
                     file; $RAPPORT_SMTP_PASSWORD is read instead where no keyring runs
  --line         SKU:QTY or 'TEXT:QTY@PRICE', optionally ',discount=10,tax=19,unit=hour';
                 a document id can be given as its number (Q-2026-0001, INV-2026-0001)
  Activity kinds: call, meeting, task, note, email, sms, letter, fax, web_visit, event.
  Times typed without an offset (2026-11-24T09:00) are local time: $TZ, else the system's
  zone; a date alone (2026-11-24) means all day. A repeating activity (--rrule, RFC 5545)
  stores its next occurrence only; `activities done` stores the one after and prints its id.
  Moving or editing this and all future occurrences (--future) splits the series: an UNTIL in the rule
  still ends it; a COUNT counts again from the split.
  Custom values appear in contacts and accounts (get and list) as custom: {field id: value},
  the value being text, a number, {amount_minor, currency}, a YYYY-MM-DD date, a choice,
  [choices] or true/false.

  `add` commands print the new id alone on stdout. `contacts merge` prints the batch id
  (or the JSON above with --format json); `rapport undo BATCH` reverses that merge and prints
  the undo's own batch id.";

#[derive(Debug, Parser)]
#[command(
    name = "rapport",
    version,
    about = "Rapport, the local-first CRM, from the command line.",
    after_long_help = AFTER_HELP
)]
struct Cli {
    /// The database file (default: $RAPPORT_DB, else the user's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database, or bring an existing one up to this version's schema.
    Init,
    /// Companies and organisations.
    #[command(subcommand)]
    Accounts(AccountsCmd),
    /// People.
    #[command(subcommand)]
    Contacts(ContactsCmd),
    /// Find likely duplicate contacts and accounts (groups, with the reasons).
    Duplicates {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write a verified copy of the database (VACUUM INTO, then integrity_check) to PATH.
    Backup {
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check the database file without changing it: exit 0 when healthy, 1 naming the problem.
    Check,
    /// Replace the database with a backup. The current file is first kept as a backup (or,
    /// when it is damaged, moved aside untouched). Refused (exit 2) while the app or another
    /// command has the file open: close the app first.
    Restore {
        backup: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The automatic backups of the database (newest first); --now takes one.
    Backups {
        /// Take a backup now and apply the retention policy (7 daily, 4 weekly by default).
        #[arg(long)]
        now: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Calls, meetings, tasks, notes, e-mails, SMS, letters: log, schedule, complete, repeat.
    #[command(subcommand)]
    Activities(activities::ActivitiesCmd),
    /// What is overdue, due today and due in the next days (open activities).
    Agenda {
        /// How many days after today to show.
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Reminders that are due and not dismissed.
    Reminders {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write data out to a file.
    #[command(subcommand)]
    Export(activities::ExportCmd),
    /// Read contacts or accounts from a CSV file (one batch, undone as a whole), or a JSON archive.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Opportunities: add, list, move through the pipeline, win or lose.
    #[command(subcommand)]
    Deals(deals::DealsCmd),
    /// The pipeline board: per stage, deals, amount and weighted amount.
    Pipeline(deals::BoardArgs),
    /// Pipelines, their stages and the lost reasons.
    #[command(subcommand)]
    Pipelines(deals::PipelinesCmd),
    /// Leads: add, list, qualify, import form submissions, convert.
    #[command(subcommand)]
    Leads(leads::LeadsCmd),
    /// Call lists (pre-leads): import, work through the calling queue, see progress.
    #[command(subcommand)]
    Calllists(leads::CallListsCmd),
    /// Service tickets: open, reply, wait on the customer, resolve; queues with SLA figures.
    #[command(subcommand)]
    Tickets(service::TicketsCmd),
    /// Service levels: breaches, targets per priority, working hours and holidays.
    #[command(subcommand)]
    Sla(service::SlaCmd),
    /// Service agreements (commitments such as a monthly statement): add, run, log delivery.
    #[command(subcommand)]
    Agreements(service::AgreementsCmd),
    /// The product catalogue: SKU, name, unit, price, tax rate.
    #[command(subcommand)]
    Products(sales::ProductsCmd),
    /// Quotes: create from a deal, send, accept or reject, revise, turn into an order.
    #[command(subcommand)]
    Quotes(sales::QuotesCmd),
    /// Sales orders: invoice them in full or in part.
    #[command(subcommand)]
    Orders(sales::OrdersCmd),
    /// Invoices: issue, record payments, credit, void, print as PDF.
    #[command(subcommand)]
    Invoices(sales::InvoicesCmd),
    /// The business printed on quotes and invoices (name, address, tax id, bank, footer).
    Company(sales::CompanyArgs),
    /// Document number sequences (prefix, yearly restart, next number).
    Numbering(sales::NumberingArgs),
    /// Marketing campaigns: cost, members and responses, the leads and deals they brought, ROI.
    #[command(subcommand)]
    Campaigns(campaigns::CampaignsCmd),
    /// Segments: saved filters (industry, bands, tags, location, activity, deals, custom
    /// fields; AND or OR) and static lists; count, members, CSV export.
    #[command(subcommand)]
    Segments(marketing::SegmentsCmd),
    /// E-mail templates with merge fields ({{first_name}}, {{company}}, ...), previewed on a
    /// real record.
    #[command(subcommand)]
    Templates(marketing::TemplatesCmd),
    /// Follow-up sequences (auto-responders): steps days apart; enrol, run, reply, unsubscribe.
    #[command(subcommand)]
    Sequences(marketing::SequencesCmd),
    /// Promotions: a template sent to a segment; preview, queue, progress, cancel.
    #[command(subcommand)]
    Promotions(marketing::PromotionsCmd),
    /// The outbox: list, send what is due through your SMTP server, retry, cancel; setup.
    #[command(subcommand)]
    Outbox(marketing::OutboxCmd),
    /// A report for a period as a table, JSON or CSV (`rapport report --help` lists them).
    Report(analytics::ReportArgs),
    /// The dashboard's figures for a period; --records FIGURE lists the records behind one.
    Dashboard(analytics::DashboardArgs),
    /// Customers most at risk of leaving, with the reasons behind each score.
    Churn(analytics::ChurnArgs),
    /// Open pipeline by expected close month (count, amount, weighted) and won amounts.
    Forecast {
        #[arg(long)]
        pipeline: Option<String>,
        /// Months before this one to show.
        #[arg(long, default_value_t = 6)]
        months_back: u32,
        /// Months after this one to show.
        #[arg(long, default_value_t = 12)]
        months_ahead: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Reverse one earlier action (a merge, a save) by the batch id it printed.
    Undo { batch: String },
    /// The people who own records.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Custom fields of contacts and accounts.
    #[command(subcommand)]
    Fields(FieldsCmd),
    /// Saved list views (made in the app; used by `contacts list --view NAME`).
    Views {
        /// contacts or accounts (default: both).
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Act on many contacts, accounts or leads at once (one undoable batch; prints its id).
    Bulk {
        /// contacts, accounts or leads.
        #[arg(value_parser = ["contacts", "accounts", "leads"])]
        entity: String,
        /// A record id; repeat for several.
        #[arg(long = "id", value_name = "ID", required = true)]
        ids: Vec<String>,
        /// Add this tag to each; repeat for several.
        #[arg(long = "add-tag", value_name = "TAG", group = "bulk_action")]
        add_tags: Vec<String>,
        /// Remove this tag from each; repeat for several.
        #[arg(long = "remove-tag", value_name = "TAG", group = "bulk_action")]
        remove_tags: Vec<String>,
        /// Give each to this team member (by name), or "none".
        #[arg(long, value_name = "NAME", group = "bulk_action")]
        owner: Option<String>,
        /// Delete each that may be deleted; the others are reported with the reason.
        #[arg(long, group = "bulk_action")]
        delete: bool,
        /// Put each on this static list (a segment, by name or id).
        #[arg(long, value_name = "LIST", group = "bulk_action")]
        add_to_list: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum FieldsCmd {
    /// Define a field; prints its id.
    Add {
        /// contacts or accounts.
        #[arg(long)]
        entity: String,
        #[arg(long)]
        label: String,
        /// text, number, money, date, single_select, multi_select or checkbox.
        #[arg(long)]
        kind: String,
        /// A choice of a select; repeat for several.
        #[arg(long = "option", value_name = "CHOICE")]
        options: Vec<String>,
    },
    /// List the fields of contacts and accounts.
    List {
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Rename a field (and replace a select's choices with --option); values are kept.
    Rename {
        id: String,
        #[arg(long)]
        label: String,
        #[arg(long = "option", value_name = "CHOICE")]
        options: Vec<String>,
    },
    /// Remove a field from forms and lists; its values stay in the file.
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
enum TeamCmd {
    /// Add a team member; prints the id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// List the team.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
enum Format {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
enum AccountsCmd {
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
}

/// Filters both lists share.
#[derive(Debug, Args)]
struct FilterArgs {
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
fn field_pair(
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

fn sort_field_id(
    conn: &rapport_core::Connection,
    entity: &str,
    label: &Option<String>,
) -> rapport_core::Result<Option<String>> {
    let Some(label) = label else { return Ok(None) };
    Ok(Some(
        field_pair(conn, entity, "--sort-field", &format!("{label}="))?.0,
    ))
}

fn apply_custom(
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
enum AccountSortArg {
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
struct AccountFields {
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
enum ContactsCmd {
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
enum ContactSortArg {
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
struct ContactFields {
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
enum YesNo {
    Yes,
    No,
}

/// How long a command waits for the desktop app (or another command) to finish what it is
/// doing with the file before giving up as busy.
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Commands that only read: they never create the data file (a mistyped `--db` must not
/// leave an empty database behind). By the names the user typed: a command, or a command and
/// its verb. Anything else may write, and creates a missing file as before.
fn reads_only(matches: &clap::ArgMatches) -> bool {
    const COMMANDS: &[&str] = &[
        "duplicates",
        "agenda",
        "reminders",
        "export",
        "pipeline",
        "report",
        "dashboard",
        "churn",
        "forecast",
        "views",
        "backup",
    ];
    const VERBS: &[&str] = &[
        "list", "get", "show", "search", "history", "timeline", "count", "members", "preview",
    ];
    match matches.subcommand() {
        Some((command, _)) if COMMANDS.contains(&command) => true,
        Some((_, sub)) => sub
            .subcommand_name()
            .is_some_and(|verb| VERBS.contains(&verb)),
        None => false,
    }
}

fn main() -> ExitCode {
    let matches = match <Cli as clap::CommandFactory>::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return output::usage_error(&e),
    };
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(&e),
    };
    let db_path = cli
        .db
        .clone()
        .unwrap_or_else(rapport_core::kernel::paths::default_db_path);
    // Only `init` makes a data file of an empty one; a read never creates one.
    let empty = std::fs::metadata(&db_path).is_ok_and(|m| m.is_file() && m.len() == 0);
    if !matches!(
        cli.command,
        Command::Init | Command::Check | Command::Restore { .. }
    ) && (empty || (reads_only(&matches) && !db_path.exists()))
        && let Err(err) = rapport_core::store::health::existing(&db_path)
    {
        return output::failure(&err);
    }
    if let Command::Check = cli.command {
        return match rapport_core::store::health::check(&db_path) {
            Ok(()) => match output::line(&format!("{}: healthy", db_path.display())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => output::failure(&err),
            },
            Err(err) => output::failure(&err),
        };
    }
    if let Command::Restore { backup, format } = &cli.command {
        let result = backup::restore(&db_path, backup).and_then(|report| {
            emit(*format, &report, || {
                output::line(&format!(
                    "{}: restored from {}",
                    db_path.display(),
                    report.restored_from
                ))?;
                match &report.safety_backup {
                    Some(p) => output::line(&format!("the previous file is kept at {p}")),
                    None => Ok(()),
                }
            })
        });
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => output::failure(&err),
        };
    }
    // The command runs in this process's turn on the file (see rapport_core::store::owner): the
    // desktop app, with the same file open, waits for it, and it waits for the app. Sending
    // mail takes its turns around the database work only, never while talking to the server.
    let sends_mail = matches!(
        cli.command,
        Command::Outbox(marketing::OutboxCmd::Send { .. })
    );
    let result = Db::open_waiting(&db_path, TURN_WAIT).and_then(|db| {
        let turn = if sends_mail { None } else { Some(db.turn()?) };
        let done = run(db.with_origin("cli"), cli.command);
        drop(turn);
        done
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A damaged file is named, with its newest good backup.
        Err(err) => output::failure(&err.locate(&db_path)),
    }
}

fn run(mut db: Db, command: Command) -> rapport_core::Result<()> {
    match command {
        Command::Init => {
            let path = db
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            output::line(&format!(
                "{path}: ready (schema version {})",
                db.schema_version()?
            ))
        }
        Command::Accounts(cmd) => run_accounts(&mut db, cmd),
        Command::Contacts(cmd) => run_contacts(&mut db, cmd),
        Command::Duplicates { format } => {
            let groups = duplicates::scan(db.conn())?;
            emit(format, &groups, || {
                let mut text = String::new();
                for g in &groups {
                    text.push_str(&format!("{} ({}):\n", g.entity, g.reasons.join("; ")));
                    for r in &g.records {
                        text.push_str(&format!("  {}  {}\n", r.id, r.title));
                    }
                }
                if groups.is_empty() {
                    text.push_str("No likely duplicates.\n");
                }
                output::line(text.trim_end())
            })
        }
        Command::Team(TeamCmd::Add { name, email }) => {
            let member = team::create(&mut db, &team::TeamMemberInput { name, email })?;
            output::line(&member.id)
        }
        Command::Team(TeamCmd::List { format }) => {
            let members = team::list(db.conn())?;
            emit(format, &members, || {
                output::table(
                    &["ID", "NAME", "EMAIL"],
                    members.iter().map(|m| {
                        vec![
                            m.id.clone(),
                            m.name.clone(),
                            m.email.clone().unwrap_or_default(),
                        ]
                    }),
                )
            })
        }
        Command::Bulk {
            entity,
            ids,
            add_tags,
            remove_tags,
            owner,
            delete,
            add_to_list,
            format,
        } => {
            let action = if delete {
                BulkAction::Delete
            } else if let Some(list) = &add_to_list {
                BulkAction::AddToList {
                    segment_id: rapport_core::marketing::segments::find(db.conn(), list)?.id,
                }
            } else if !add_tags.is_empty() {
                BulkAction::AddTags { tags: add_tags }
            } else if !remove_tags.is_empty() {
                BulkAction::RemoveTags { tags: remove_tags }
            } else if let Some(name) = &owner {
                let owner_id = if name.trim().eq_ignore_ascii_case("none") {
                    None
                } else {
                    owner_id(db.conn(), &owner)?.flatten()
                };
                BulkAction::SetOwner { owner_id }
            } else {
                return Err(Error::invalid(
                    "--add-tag",
                    "or --remove-tag, --owner, --add-to-list or --delete is needed: say what to do",
                ));
            };
            // The list is named by --add-to-list here (the core says segment_id).
            let result = bulk::apply(&mut db, &entity, &ids, &action).map_err(|e| match e {
                Error::Validation(mut fields) => {
                    for f in fields.iter_mut().filter(|f| f.field == "segment_id") {
                        f.field = "--add-to-list".into();
                    }
                    Error::Validation(fields)
                }
                other => other,
            })?;
            if result.changed == 0 && !result.skipped.is_empty() {
                // Nothing was deleted: refused, with every record's reason.
                return Err(Error::Conflict(
                    result
                        .skipped
                        .iter()
                        .map(|s| s.reason.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
            }
            for s in &result.skipped {
                output::warn(&format!("not deleted: {}", s.reason));
            }
            emit(format, &result, || output::line(&result.batch_id))
        }
        Command::Fields(cmd) => run_fields(&mut db, cmd),
        Command::Views { entity, format } => {
            let mut all = Vec::new();
            for e in fields::ENTITIES
                .iter()
                .filter(|e| entity.as_deref().is_none_or(|x| x == **e))
            {
                all.extend(views::list(db.conn(), e)?);
            }
            emit(format, &all, || {
                output::table(
                    &["ID", "ENTITY", "NAME"],
                    all.iter()
                        .map(|v| vec![v.id.clone(), v.entity.clone(), v.name.clone()]),
                )
            })
        }
        Command::Backup { out, format } => {
            let report = backup::backup(&db, &out)?;
            emit(format, &report, || {
                output::line(&format!(
                    "{} ({} bytes, verified)",
                    report.path, report.bytes
                ))
            })
        }
        Command::Check | Command::Restore { .. } => Ok(()),
        Command::Backups { now, format } => {
            if now {
                backup::auto(&db, backup::AutoReason::Quit, chrono::Utc::now())?;
            }
            let path = db.path().map(std::path::Path::to_owned).unwrap_or_default();
            let all = backup::list(&path)?;
            emit(format, &all, || {
                output::table(
                    &["TAKEN", "KIND", "SIZE", "PATH"],
                    all.iter().map(|b| {
                        vec![
                            b.taken_at.clone(),
                            b.kind.clone(),
                            format!("{:.1} MB", b.bytes as f64 / 1e6),
                            b.path.clone(),
                        ]
                    }),
                )
            })
        }
        Command::Activities(cmd) => activities::run(&mut db, cmd),
        Command::Agenda { days, format } => activities::agenda(&db, days, format),
        Command::Reminders { format } => activities::reminders_list(&db, format),
        Command::Export(cmd) => activities::export(&db, cmd),
        Command::Import(cmd) => import::run(&mut db, cmd),
        Command::Deals(cmd) => deals::run(&mut db, cmd),
        Command::Pipeline(args) => deals::board(&db, args),
        Command::Pipelines(cmd) => deals::pipelines_cmd(&mut db, cmd),
        Command::Leads(cmd) => leads::run(&mut db, cmd),
        Command::Calllists(cmd) => leads::run_calllists(&mut db, cmd),
        Command::Tickets(cmd) => service::run(&mut db, cmd),
        Command::Sla(cmd) => service::run_sla(&mut db, cmd),
        Command::Campaigns(cmd) => campaigns::run(&mut db, cmd),
        Command::Segments(cmd) => marketing::run_segments(&mut db, cmd),
        Command::Templates(cmd) => marketing::run_templates(&mut db, cmd),
        Command::Sequences(cmd) => marketing::run_sequences(&mut db, cmd),
        Command::Promotions(cmd) => marketing::run_promotions(&mut db, cmd),
        Command::Outbox(cmd) => marketing::run_outbox(&mut db, cmd),
        Command::Report(a) => analytics::run_report(&mut db, a),
        Command::Dashboard(a) => analytics::run_dashboard(&mut db, a),
        Command::Churn(a) => analytics::run_churn(&mut db, a),
        Command::Agreements(cmd) => service::run_agreements(&mut db, cmd),
        Command::Products(cmd) => sales::run_products(&mut db, cmd),
        Command::Quotes(cmd) => sales::run_quotes(&mut db, cmd),
        Command::Orders(cmd) => sales::run_orders(&mut db, cmd),
        Command::Invoices(cmd) => sales::run_invoices(&mut db, cmd),
        Command::Company(args) => sales::run_company(&mut db, args),
        Command::Numbering(args) => sales::run_numbering(&mut db, args),
        Command::Forecast {
            pipeline,
            months_back,
            months_ahead,
            format,
        } => deals::forecast(&db, pipeline, months_back, months_ahead, format),
        Command::Undo { batch } => {
            let undo = changelog::undo(&mut db, &batch)?;
            output::line(&undo)
        }
    }
}

fn run_accounts(db: &mut Db, cmd: AccountsCmd) -> rapport_core::Result<()> {
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
    }
}

fn run_contacts(db: &mut Db, cmd: ContactsCmd) -> rapport_core::Result<()> {
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

fn run_fields(db: &mut Db, cmd: FieldsCmd) -> rapport_core::Result<()> {
    match cmd {
        FieldsCmd::Add {
            entity,
            label,
            kind,
            options,
        } => {
            let kind = FieldKind::parse(&kind).ok_or_else(|| {
                Error::invalid(
                    "--kind",
                    format!("\"{kind}\" is not text, number, money, date, single_select, multi_select or checkbox"),
                )
            })?;
            let field = fields::define(
                db,
                &CustomFieldInput {
                    entity,
                    label,
                    kind,
                    options,
                },
            )?;
            output::line(&field.id)
        }
        FieldsCmd::List { entity, format } => {
            let mut all = Vec::new();
            for e in fields::ENTITIES
                .iter()
                .filter(|e| entity.as_deref().is_none_or(|x| x == **e))
            {
                all.extend(fields::list(db.conn(), e)?);
            }
            emit(format, &all, || {
                output::table(
                    &["ID", "ENTITY", "LABEL", "KIND", "CHOICES"],
                    all.iter().map(|f| {
                        vec![
                            f.id.clone(),
                            f.entity.clone(),
                            f.label.clone(),
                            f.kind.as_str().to_owned(),
                            f.options.join(", "),
                        ]
                    }),
                )
            })
        }
        FieldsCmd::Rename { id, label, options } => {
            let current = fields::get(db.conn(), &id)?;
            let options = if options.is_empty() {
                current.options
            } else {
                options
            };
            fields::update(db, &id, &label, &options)?;
            Ok(())
        }
        FieldsCmd::Delete { id } => fields::archive(db, &id),
    }
}

/// A list query from a saved view's settings.
fn from_view<Q: serde::de::DeserializeOwned>(
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

fn contacts_table(items: &[contacts::ContactSummary]) -> rapport_core::Result<()> {
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
trait Paged {
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
fn all_pages<Q: Paged, T>(
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

fn direction(desc: bool) -> SortDirection {
    if desc {
        SortDirection::Desc
    } else {
        SortDirection::Asc
    }
}

fn emit<T: Serialize>(
    format: Format,
    value: &T,
    table: impl FnOnce() -> rapport_core::Result<()>,
) -> rapport_core::Result<()> {
    match format {
        Format::Json => output::json(value),
        Format::Table => table(),
    }
}

/// `Some("")` clears a field; `None` leaves it as it is.
pub(crate) fn set(target: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value {
        *target = Some(v.clone()).filter(|s| !s.trim().is_empty());
    }
}

/// A list's owner filter: a team member's id, `"none"` for unowned records, or no filter.
pub(crate) fn owner_filter(
    conn: &rapport_core::Connection,
    name: &Option<String>,
) -> rapport_core::Result<Option<String>> {
    match name.as_deref().map(str::trim) {
        Some(n) if n.eq_ignore_ascii_case("none") => Ok(Some("none".to_owned())),
        _ => Ok(owner_id(conn, name)?.flatten()),
    }
}

/// The id of the team member named `name`; `Some("")` clears the owner.
fn owner_id(
    conn: &rapport_core::Connection,
    name: &Option<String>,
) -> rapport_core::Result<Option<Option<String>>> {
    let Some(name) = name else { return Ok(None) };
    if name.trim().is_empty() {
        return Ok(Some(None));
    }
    match team::find(conn, name)? {
        Some(member) => Ok(Some(Some(member.id))),
        None => Err(Error::invalid(
            "--owner",
            format!(
                "nobody named \"{name}\" is on the team (add them with: rapport team add --name ...)"
            ),
        )),
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
