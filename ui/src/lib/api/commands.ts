// Generated from src-tauri/src/commands (list.rs and the functions it names) by `make
// bindings`; `make bindings-check` fails when this copy is stale. Do not edit: change the
// Rust command and regenerate. Screens call these through `api` (index.ts).
import { call } from "./call";
import type { Account } from "./bindings/Account";
import type { AccountInput } from "./bindings/AccountInput";
import type { AccountMergeResult } from "./bindings/AccountMergeResult";
import type { AccountMoney } from "./bindings/AccountMoney";
import type { AccountQuery } from "./bindings/AccountQuery";
import type { AccountSummary } from "./bindings/AccountSummary";
import type { Action } from "./bindings/Action";
import type { Activity } from "./bindings/Activity";
import type { ActivityInput } from "./bindings/ActivityInput";
import type { ActivityQuery } from "./bindings/ActivityQuery";
import type { Agenda } from "./bindings/Agenda";
import type { Agreement } from "./bindings/Agreement";
import type { AgreementInput } from "./bindings/AgreementInput";
import type { AppStatus } from "./bindings/AppStatus";
import type { ArchiveReport } from "./bindings/ArchiveReport";
import type { BackupFile } from "./bindings/BackupFile";
import type { BackupReport } from "./bindings/BackupReport";
import type { Board } from "./bindings/Board";
import type { BoardQuery } from "./bindings/BoardQuery";
import type { BulkAction } from "./bindings/BulkAction";
import type { BulkResult } from "./bindings/BulkResult";
import type { CalendarDay } from "./bindings/CalendarDay";
import type { CalendarEntry } from "./bindings/CalendarEntry";
import type { CallInput } from "./bindings/CallInput";
import type { CallList } from "./bindings/CallList";
import type { CallListImport } from "./bindings/CallListImport";
import type { CallListInput } from "./bindings/CallListInput";
import type { CallListReport } from "./bindings/CallListReport";
import type { Called } from "./bindings/Called";
import type { Campaign } from "./bindings/Campaign";
import type { CampaignInput } from "./bindings/CampaignInput";
import type { CampaignMember } from "./bindings/CampaignMember";
import type { ChurnRisk } from "./bindings/ChurnRisk";
import type { CompanyProfile } from "./bindings/CompanyProfile";
import type { ComplaintStats } from "./bindings/ComplaintStats";
import type { Completed } from "./bindings/Completed";
import type { Contact } from "./bindings/Contact";
import type { ContactInput } from "./bindings/ContactInput";
import type { ContactQuery } from "./bindings/ContactQuery";
import type { ContactSummary } from "./bindings/ContactSummary";
import type { ConversionPlan } from "./bindings/ConversionPlan";
import type { ConvertInput } from "./bindings/ConvertInput";
import type { Converted } from "./bindings/Converted";
import type { CsvReport } from "./bindings/CsvReport";
import type { CustomField } from "./bindings/CustomField";
import type { CustomFieldInput } from "./bindings/CustomFieldInput";
import type { Dashboard } from "./bindings/Dashboard";
import type { Document } from "./bindings/Document";
import type { DocumentKind } from "./bindings/DocumentKind";
import type { DocumentMail } from "./bindings/DocumentMail";
import type { DocumentMailInput } from "./bindings/DocumentMailInput";
import type { DocumentQuery } from "./bindings/DocumentQuery";
import type { DocumentStatus } from "./bindings/DocumentStatus";
import type { DocumentSummary } from "./bindings/DocumentSummary";
import type { DuplicateGroup } from "./bindings/DuplicateGroup";
import type { DuplicateMatch } from "./bindings/DuplicateMatch";
import type { Effectiveness } from "./bindings/Effectiveness";
import type { EmailTemplate } from "./bindings/EmailTemplate";
import type { EmailTemplateInput } from "./bindings/EmailTemplateInput";
import type { EnrolReport } from "./bindings/EnrolReport";
import type { Enrolment } from "./bindings/Enrolment";
import type { Entry } from "./bindings/Entry";
import type { EntryQuery } from "./bindings/EntryQuery";
import type { ExportEntity } from "./bindings/ExportEntity";
import type { ExportReport } from "./bindings/ExportReport";
import type { FigureRecord } from "./bindings/FigureRecord";
import type { Forecast } from "./bindings/Forecast";
import type { ForecastQuery } from "./bindings/ForecastQuery";
import type { Holiday } from "./bindings/Holiday";
import type { IcsQuery } from "./bindings/IcsQuery";
import type { ImportEntity } from "./bindings/ImportEntity";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { Inspection } from "./bindings/Inspection";
import type { Lead } from "./bindings/Lead";
import type { LeadColumn } from "./bindings/LeadColumn";
import type { LeadInput } from "./bindings/LeadInput";
import type { LeadQuery } from "./bindings/LeadQuery";
import type { LeadSource } from "./bindings/LeadSource";
import type { LeadStatus } from "./bindings/LeadStatus";
import type { LeadSummary } from "./bindings/LeadSummary";
import type { Logged } from "./bindings/Logged";
import type { LostReason } from "./bindings/LostReason";
import type { MailMessage } from "./bindings/MailMessage";
import type { MailQuery } from "./bindings/MailQuery";
import type { MailboxSettings } from "./bindings/MailboxSettings";
import type { MailboxStatus } from "./bindings/MailboxStatus";
import type { MailboxTest } from "./bindings/MailboxTest";
import type { MergeChoices } from "./bindings/MergeChoices";
import type { MergeField } from "./bindings/MergeField";
import type { MergeResult } from "./bindings/MergeResult";
import type { MessageInput } from "./bindings/MessageInput";
import type { MoveInput } from "./bindings/MoveInput";
import type { Moved } from "./bindings/Moved";
import type { Numbering } from "./bindings/Numbering";
import type { Occurrence } from "./bindings/Occurrence";
import type { OccurrenceStatus } from "./bindings/OccurrenceStatus";
import type { Opportunity } from "./bindings/Opportunity";
import type { OpportunityInput } from "./bindings/OpportunityInput";
import type { OpportunityQuery } from "./bindings/OpportunityQuery";
import type { OpportunitySummary } from "./bindings/OpportunitySummary";
import type { OutboxCounts } from "./bindings/OutboxCounts";
import type { OutboxMessage } from "./bindings/OutboxMessage";
import type { OutboxQuery } from "./bindings/OutboxQuery";
import type { Page } from "./bindings/Page";
import type { PartInput } from "./bindings/PartInput";
import type { PaymentInput } from "./bindings/PaymentInput";
import type { PdfReport } from "./bindings/PdfReport";
import type { Pipeline } from "./bindings/Pipeline";
import type { PreviewRow } from "./bindings/PreviewRow";
import type { Product } from "./bindings/Product";
import type { ProductInput } from "./bindings/ProductInput";
import type { Promotion } from "./bindings/Promotion";
import type { PromotionInput } from "./bindings/PromotionInput";
import type { PromotionPreview } from "./bindings/PromotionPreview";
import type { QueueCounts } from "./bindings/QueueCounts";
import type { QueueItem } from "./bindings/QueueItem";
import type { QuoteInput } from "./bindings/QuoteInput";
import type { RecordRef } from "./bindings/RecordRef";
import type { Reminder } from "./bindings/Reminder";
import type { RenderedEmail } from "./bindings/RenderedEmail";
import type { Report } from "./bindings/Report";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { SavedView } from "./bindings/SavedView";
import type { Scope } from "./bindings/Scope";
import type { ScopeInput } from "./bindings/ScopeInput";
import type { SearchGroup } from "./bindings/SearchGroup";
import type { Segment } from "./bindings/Segment";
import type { SegmentEntity } from "./bindings/SegmentEntity";
import type { SegmentField } from "./bindings/SegmentField";
import type { SegmentFilter } from "./bindings/SegmentFilter";
import type { SegmentInput } from "./bindings/SegmentInput";
import type { SegmentMembers } from "./bindings/SegmentMembers";
import type { Sequence } from "./bindings/Sequence";
import type { SequenceInput } from "./bindings/SequenceInput";
import type { SlaPolicy } from "./bindings/SlaPolicy";
import type { SlaPolicyInput } from "./bindings/SlaPolicyInput";
import type { SmtpSettings } from "./bindings/SmtpSettings";
import type { SmtpStatus } from "./bindings/SmtpStatus";
import type { StageInput } from "./bindings/StageInput";
import type { StageVisit } from "./bindings/StageVisit";
import type { SyncReport } from "./bindings/SyncReport";
import type { TeamMember } from "./bindings/TeamMember";
import type { TeamMemberInput } from "./bindings/TeamMemberInput";
import type { Ticket } from "./bindings/Ticket";
import type { TicketInput } from "./bindings/TicketInput";
import type { TicketQuery } from "./bindings/TicketQuery";
import type { TicketStatus } from "./bindings/TicketStatus";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { TimelineFilter } from "./bindings/TimelineFilter";
import type { TimelineItem } from "./bindings/TimelineItem";
import type { Undone } from "./bindings/Undone";
import type { UnmatchedAction } from "./bindings/UnmatchedAction";
import type { VcardReport } from "./bindings/VcardReport";
import type { VcardVersion } from "./bindings/VcardVersion";
import type { WorkReport } from "./bindings/WorkReport";
import type { WorkingHours } from "./bindings/WorkingHours";

/** Every command the window may call, typed as its Rust function. */
export const commands = {
  appStatus: () => call<AppStatus>("app_status"),
  /** A number that moves when the open file was changed outside the window (a `rapport` command, a copy synced into place, mail fetched in the background); the window asks every few seconds and refreshes what it shows when it moved. `null` while another program is writing (ask again later). */
  outsideChanges: () => call<number | null>("outside_changes"),
  search: (query: string) => call<Array<SearchGroup>>("search", { query }),
  /** Reverses an earlier action by its batch id; returns the undo's own batch id. */
  undo: (batch: string) => call<string>("undo", { batch }),
  /** The recent actions in plain words, newest first (`limit`, default 50); `before` (a batch id) pages on to older ones. */
  historyList: (before: string | null, limit: number | null) => call<Array<Action>>("history_list", { before, limit }),
  /** Ctrl+Z: undoes the newest action made in this window since `since` (default: when this session started) that is not an undo and not undone yet. `null` when there is none left; refused (conflict) with the reason when it cannot be undone. */
  undoLast: (since: string | null) => call<Undone | null>("undo_last", { since }),
  /** Works on another database file from now on (picked by the user); the window reloads. */
  dbOpen: (path: string) => call<AppStatus>("db_open", { path }),
  /** Creates a new, empty database file and works on it. */
  dbNew: (path: string) => call<AppStatus>("db_new", { path }),
  /** Replaces the open file with a backup, keeping the current file as a backup first. */
  dbRestore: (backup: string) => call<RestoreReport>("db_restore", { backup }),
  accountsList: (query: Partial<AccountQuery>) => call<Page<AccountSummary>>("accounts_list", { query }),
  accountsGet: (id: string) => call<Account>("accounts_get", { id }),
  accountsCreate: (input: AccountInput) => call<Account>("accounts_create", { input }),
  accountsUpdate: (id: string, input: AccountInput) => call<Account>("accounts_update", { id, input }),
  accountsDelete: (id: string) => call<null>("accounts_delete", { id }),
  accountsMerge: (survivor: string, other: string, choices: MergeChoices) => call<AccountMergeResult>("accounts_merge", { survivor, other, choices }),
  contactsList: (query: Partial<ContactQuery>) => call<Page<ContactSummary>>("contacts_list", { query }),
  contactsGet: (id: string) => call<Contact>("contacts_get", { id }),
  contactsCreate: (input: ContactInput) => call<Contact>("contacts_create", { input }),
  contactsUpdate: (id: string, input: ContactInput) => call<Contact>("contacts_update", { id, input }),
  contactsDelete: (id: string) => call<null>("contacts_delete", { id }),
  contactsLikelyDuplicates: (input: ContactInput, except: string | null) => call<Array<DuplicateMatch>>("contacts_likely_duplicates", { input, except }),
  contactsMerge: (survivor: string, other: string, choices: MergeChoices) => call<MergeResult>("contacts_merge", { survivor, other, choices }),
  duplicatesScan: () => call<Array<DuplicateGroup>>("duplicates_scan"),
  teamList: () => call<Array<TeamMember>>("team_list"),
  /** The team member the person at this computer is ("Mine"), if someone said so. */
  teamMe: () => call<string | null>("team_me"),
  teamCreate: (input: TeamMemberInput) => call<TeamMember>("team_create", { input }),
  tagsAll: () => call<Array<string>>("tags_all"),
  fieldsList: (entity: string) => call<Array<CustomField>>("fields_list", { entity }),
  fieldsDefine: (input: CustomFieldInput) => call<CustomField>("fields_define", { input }),
  fieldsUpdate: (id: string, label: string, options: Array<string>) => call<CustomField>("fields_update", { id, label, options }),
  fieldsArchive: (id: string) => call<null>("fields_archive", { id }),
  bulkApply: (entity: string, ids: Array<string>, action: BulkAction) => call<BulkResult>("bulk_apply", { entity, ids, action }),
  viewsList: (entity: string) => call<Array<SavedView>>("views_list", { entity }),
  viewsSave: (entity: string, name: string, definition: unknown) => call<SavedView>("views_save", { entity, name, definition }),
  viewsDelete: (id: string) => call<null>("views_delete", { id }),
  activityGet: (id: string) => call<Activity>("activity_get", { id }),
  activityList: (query: Partial<ActivityQuery>) => call<Array<Activity>>("activity_list", { query }),
  /** Logs an interaction and, in the same save, schedules its follow-up. */
  activityLog: (input: ActivityInput, followUp: ActivityInput | null) => call<Logged>("activity_log", { input, followUp }),
  activityUpdate: (id: string, input: ActivityInput, scope: Scope) => call<Activity>("activity_update", { id, input, scope }),
  activityComplete: (id: string) => call<Completed>("activity_complete", { id }),
  activityReopen: (id: string) => call<Activity>("activity_reopen", { id }),
  activityReschedule: (id: string, startsAt: string, scope: Scope) => call<Activity>("activity_reschedule", { id, startsAt, scope }),
  activityDelete: (id: string, scope: Scope) => call<null>("activity_delete", { id, scope }),
  agenda: (days: number) => call<Agenda>("agenda", { days }),
  /** Every item in `[from, to)` (the week and day views, a day's full list); only `owner`'s when given. */
  calendar: (from: string, to: string, owner: string | null) => call<Array<CalendarEntry>>("calendar", { from, to, owner }),
  /** The month grid: each local day's count and its first `per_day` items; only `owner`'s when given. */
  calendarMonth: (from: string, to: string, owner: string | null, perDay: number) => call<Array<CalendarDay>>("calendar_month", { from, to, owner, perDay }),
  remindersDue: () => call<Array<Reminder>>("reminders_due"),
  /** Reminders that fell due since the last call (or while the app was closed), each once. */
  remindersTakeNew: () => call<Array<Reminder>>("reminders_take_new"),
  reminderSnooze: (id: string, until: string) => call<Activity>("reminder_snooze", { id, until }),
  reminderDismiss: (id: string) => call<Activity>("reminder_dismiss", { id }),
  /** Writes the selected activities as an iCalendar file at `path` (picked by the user). */
  exportIcs: (query: IcsQuery, path: string) => call<ExportReport>("export_ics", { query, path }),
  pipelinesList: () => call<Array<Pipeline>>("pipelines_list"),
  pipelineCreate: (name: string) => call<Pipeline>("pipeline_create", { name }),
  stageAdd: (pipelineId: string, input: StageInput, position: number | null) => call<Pipeline>("stage_add", { pipelineId, input, position }),
  stageUpdate: (stageId: string, input: StageInput) => call<Pipeline>("stage_update", { stageId, input }),
  stagesReorder: (pipelineId: string, order: Array<string>) => call<Pipeline>("stages_reorder", { pipelineId, order }),
  /** Removes a stage; its deals go to `move_to` first (refused without it when it holds deals). */
  stageRemove: (stageId: string, moveTo: string | null) => call<Pipeline>("stage_remove", { stageId, moveTo }),
  lostReasons: () => call<Array<LostReason>>("lost_reasons"),
  lostReasonAdd: (name: string) => call<LostReason>("lost_reason_add", { name }),
  dealsBoard: (query: Partial<BoardQuery>) => call<Board>("deals_board", { query }),
  dealsList: (query: Partial<OpportunityQuery>) => call<Page<OpportunitySummary>>("deals_list", { query }),
  dealGet: (id: string) => call<Opportunity>("deal_get", { id }),
  dealCreate: (input: OpportunityInput) => call<Opportunity>("deal_create", { input }),
  dealUpdate: (id: string, input: OpportunityInput) => call<Opportunity>("deal_update", { id, input }),
  /** Moves a deal to another stage (a drop on the board). */
  dealMove: (id: string, input: MoveInput) => call<Moved>("deal_move", { id, input }),
  dealDelete: (id: string) => call<null>("deal_delete", { id }),
  dealHistory: (id: string) => call<Array<StageVisit>>("deal_history", { id }),
  forecast: (query: Partial<ForecastQuery>) => call<Forecast>("forecast", { query }),
  leadsList: (query: Partial<LeadQuery>) => call<Page<LeadSummary>>("leads_list", { query }),
  leadsBoard: (query: Partial<LeadQuery>) => call<Array<LeadColumn>>("leads_board", { query }),
  leadGet: (id: string) => call<Lead>("lead_get", { id }),
  leadCreate: (input: LeadInput) => call<Lead>("lead_create", { input }),
  leadUpdate: (id: string, input: LeadInput) => call<Lead>("lead_update", { id, input }),
  /** Moves a lead to another status (a drop on the leads board). */
  leadSetStatus: (id: string, status: LeadStatus) => call<Lead>("lead_set_status", { id, status }),
  leadDelete: (id: string) => call<null>("lead_delete", { id }),
  leadSources: () => call<Array<LeadSource>>("lead_sources"),
  leadSourceAdd: (name: string) => call<Array<LeadSource>>("lead_source_add", { name }),
  leadSourceRemove: (name: string) => call<Array<LeadSource>>("lead_source_remove", { name }),
  /** What converting the lead would do, with the existing accounts and contacts it matches. */
  leadConversionPlan: (id: string) => call<ConversionPlan>("lead_conversion_plan", { id }),
  leadConvert: (id: string, input: ConvertInput) => call<Converted>("lead_convert", { id, input }),
  callLists: () => call<Array<CallList>>("call_lists"),
  callListGet: (key: string) => call<CallList>("call_list_get", { key }),
  /** Imports the CSV file at `path` as a new call list. */
  callListImport: (path: string, options: CallListImport) => call<CallListReport>("call_list_import", { path, options }),
  callListUpdate: (key: string, input: CallListInput) => call<CallList>("call_list_update", { key, input }),
  callListDelete: (key: string) => call<null>("call_list_delete", { key }),
  callListEntries: (key: string, query: Partial<EntryQuery>) => call<Page<Entry>>("call_list_entries", { key, query }),
  /** The next person to call; `skip` holds the people passed over in this session. */
  callListNext: (key: string, skip: Array<string>) => call<QueueItem | null>("call_list_next", { key, skip }),
  /** Records how the call to one person went. */
  callListRecord: (entryId: string, input: CallInput) => call<Called>("call_list_record", { entryId, input }),
  /** The catalogue, by name. */
  productsList: (search: string | null, includeInactive: boolean) => call<Array<Product>>("products_list", { search, includeInactive }),
  productGet: (id: string) => call<Product>("product_get", { id }),
  productCreate: (input: ProductInput) => call<Product>("product_create", { input }),
  productUpdate: (id: string, input: ProductInput) => call<Product>("product_update", { id, input }),
  /** Quotes, orders, invoices and credit notes, newest first. */
  documentsList: (query: DocumentQuery) => call<Array<DocumentSummary>>("documents_list", { query }),
  documentGet: (id: string) => call<Document>("document_get", { id }),
  quoteCreate: (input: QuoteInput) => call<Document>("quote_create", { input }),
  /** Saves a draft quote. */
  quoteUpdate: (id: string, input: QuoteInput) => call<Document>("quote_update", { id, input }),
  /** A new version of a sent quote; the old one is kept. */
  quoteRevise: (id: string, input: QuoteInput) => call<Document>("quote_revise", { id, input }),
  quoteSetStatus: (id: string, status: DocumentStatus) => call<Document>("quote_set_status", { id, status }),
  orderFromQuote: (quoteId: string) => call<Document>("order_from_quote", { quoteId }),
  /** A draft invoice for all that is not yet invoiced, or for the given parts. */
  invoiceFromOrder: (orderId: string, parts: Array<PartInput> | null) => call<Document>("invoice_from_order", { orderId, parts }),
  invoiceIssue: (id: string, issuedOn: string | null, termsDays: number | null) => call<Document>("invoice_issue", { id, issuedOn, termsDays }),
  paymentRecord: (invoiceId: string, input: PaymentInput) => call<Document>("payment_record", { invoiceId, input }),
  creditNoteCreate: (invoiceId: string, parts: Array<PartInput> | null, notes: string | null) => call<Document>("credit_note_create", { invoiceId, parts, notes }),
  /** Voids an issued invoice (its number stays used) or deletes a draft. */
  invoiceVoid: (id: string) => call<null>("invoice_void", { id }),
  accountMoney: (accountId: string) => call<Array<AccountMoney>>("account_money", { accountId }),
  /** How each kind of sales document is numbered (prefix, yearly restart, next number). */
  numberingList: () => call<Array<Numbering>>("numbering_list"),
  numberingSet: (kind: DocumentKind, prefix: string | null, yearly: boolean | null, next: number | null) => call<Array<Numbering>>("numbering_set", { kind, prefix, yearly, next }),
  companyProfile: () => call<CompanyProfile>("company_profile"),
  companyProfileSet: (profile: CompanyProfile) => call<CompanyProfile>("company_profile_set", { profile }),
  /** Writes the quote, invoice or credit note as a PDF file. */
  documentPdf: (id: string, path: string) => call<PdfReport>("document_pdf", { id, path }),
  /** E-mails a quote, invoice or credit note to its contact, the PDF attached, through the outbox; sending starts at once. */
  documentEmail: (id: string, input: DocumentMailInput) => call<DocumentMail>("document_email", { id, input }),
  /** The mails that carried a document, newest first. */
  documentMails: (id: string) => call<Array<DocumentMail>>("document_mails", { id }),
  /** Tickets of a queue (default: open), with their SLA figures now. */
  ticketsList: (query: Partial<TicketQuery>) => call<Page<TicketSummary>>("tickets_list", { query }),
  /** How many tickets each queue holds (the sidebar). */
  ticketCounts: () => call<QueueCounts>("ticket_counts"),
  ticketGet: (id: string) => call<Ticket>("ticket_get", { id }),
  ticketCreate: (input: TicketInput) => call<Ticket>("ticket_create", { input }),
  ticketUpdate: (id: string, input: TicketInput) => call<Ticket>("ticket_update", { id, input }),
  ticketSetStatus: (id: string, status: TicketStatus) => call<Ticket>("ticket_set_status", { id, status }),
  /** A reply, a customer's message or an internal note (optionally with a new status). */
  ticketMessage: (id: string, input: MessageInput) => call<Ticket>("ticket_message", { id, input }),
  ticketDelete: (id: string) => call<null>("ticket_delete", { id }),
  /** Which team member "mine" means on this computer. */
  ticketMeSet: (memberId: string | null) => call<string | null>("ticket_me_set", { memberId }),
  complaints: (from: string | null, to: string | null) => call<ComplaintStats>("complaints", { from, to }),
  slaPolicies: () => call<Array<SlaPolicy>>("sla_policies"),
  slaPolicySave: (input: SlaPolicyInput) => call<Array<SlaPolicy>>("sla_policy_save", { input }),
  slaPolicyRemove: (id: string) => call<Array<SlaPolicy>>("sla_policy_remove", { id }),
  workingHours: () => call<WorkingHours>("working_hours"),
  workingHoursSet: (hours: WorkingHours) => call<WorkingHours>("working_hours_set", { hours }),
  holidays: () => call<Array<Holiday>>("holidays"),
  holidayAdd: (day: string, name: string) => call<Array<Holiday>>("holiday_add", { day, name }),
  holidayRemove: (day: string) => call<Array<Holiday>>("holiday_remove", { day }),
  agreementsList: (accountId: string | null) => call<Array<Agreement>>("agreements_list", { accountId }),
  agreementCreate: (input: AgreementInput) => call<Agreement>("agreement_create", { input }),
  agreementUpdate: (id: string, input: AgreementInput) => call<Agreement>("agreement_update", { id, input }),
  agreementDelete: (id: string) => call<null>("agreement_delete", { id }),
  /** The delivery log: newest due date first. */
  agreementOccurrences: (agreementId: string | null) => call<Array<Occurrence>>("agreement_occurrences", { agreementId }),
  /** Logs an occurrence as delivered or skipped (a skip needs a note). */
  occurrenceSettle: (id: string, status: OccurrenceStatus, note: string | null) => call<Occurrence>("occurrence_settle", { id, status, note }),
  campaignsList: () => call<Array<Campaign>>("campaigns_list"),
  campaignGet: (id: string) => call<Campaign>("campaign_get", { id }),
  campaignCreate: (input: CampaignInput) => call<Campaign>("campaign_create", { input }),
  campaignUpdate: (id: string, input: CampaignInput) => call<Campaign>("campaign_update", { id, input }),
  campaignDelete: (id: string) => call<null>("campaign_delete", { id }),
  /** Every campaign's effectiveness (or one's). */
  campaignEffectiveness: (id: string | null) => call<Array<Effectiveness>>("campaign_effectiveness", { id }),
  campaignMembers: (id: string) => call<Array<CampaignMember>>("campaign_members", { id }),
  segmentsList: () => call<Array<Segment>>("segments_list"),
  segmentGet: (id: string) => call<Segment>("segment_get", { id }),
  segmentCreate: (input: SegmentInput) => call<Segment>("segment_create", { input }),
  segmentUpdate: (id: string, input: SegmentInput) => call<Segment>("segment_update", { id, input }),
  segmentDelete: (id: string) => call<null>("segment_delete", { id }),
  /** The fields a segment of `entity` can test, with the values in use. */
  segmentFields: (entity: SegmentEntity) => call<Array<SegmentField>>("segment_fields", { entity }),
  /** The live count and first members of an unsaved filter, while it is being built. */
  segmentPreview: (entity: SegmentEntity, filter: SegmentFilter, limit: number | null) => call<SegmentMembers>("segment_preview", { entity, filter, limit }),
  segmentMembers: (id: string, offset: number | null, limit: number | null) => call<SegmentMembers>("segment_members", { id, offset, limit }),
  segmentExportCsv: (id: string, path: string) => call<number>("segment_export_csv", { id, path }),
  segmentAddMembers: (id: string, ids: Array<string>) => call<number>("segment_add_members", { id, ids }),
  segmentRemoveMembers: (id: string, ids: Array<string>) => call<number>("segment_remove_members", { id, ids }),
  /** A static list of the segment's members today. */
  segmentFreeze: (id: string, name: string) => call<Segment>("segment_freeze", { id, name }),
  /** Makes the segment's members members of a campaign; returns how many were added. */
  segmentToCampaign: (id: string, campaignId: string) => call<number>("segment_to_campaign", { id, campaignId }),
  templatesList: () => call<Array<EmailTemplate>>("templates_list"),
  templateCreate: (input: EmailTemplateInput) => call<EmailTemplate>("template_create", { input }),
  templateUpdate: (id: string, input: EmailTemplateInput) => call<EmailTemplate>("template_update", { id, input }),
  templateDelete: (id: string) => call<null>("template_delete", { id }),
  /** The template filled for a real contact or lead. */
  templatePreview: (id: string, entity: string, recordId: string) => call<RenderedEmail>("template_preview", { id, entity, recordId }),
  mergeFields: () => call<Array<MergeField>>("merge_fields"),
  sequencesList: () => call<Array<Sequence>>("sequences_list"),
  sequenceCreate: (input: SequenceInput) => call<Sequence>("sequence_create", { input }),
  sequenceUpdate: (id: string, input: SequenceInput) => call<Sequence>("sequence_update", { id, input }),
  sequenceDelete: (id: string) => call<null>("sequence_delete", { id }),
  sequenceEnrolments: (id: string) => call<Array<Enrolment>>("sequence_enrolments", { id }),
  /** Enrols contacts or leads (`entity`) by hand. */
  sequenceEnroll: (id: string, entity: string, ids: Array<string>) => call<EnrolReport>("sequence_enroll", { id, entity, ids }),
  sequenceEnrollSegment: (id: string, segmentId: string) => call<EnrolReport>("sequence_enroll_segment", { id, segmentId }),
  sequenceRemoveEnrolment: (id: string, entity: string, entityId: string) => call<null>("sequence_remove_enrolment", { id, entity, entityId }),
  /** The sequences a contact or lead is (or was) in. */
  enrolmentsOf: (entity: string, id: string) => call<Array<Enrolment>>("enrolments_of", { entity, id }),
  /** Logs a reply (stopping the record's sequences); returns how many stopped. */
  recordReply: (entity: string, id: string, subject: string) => call<number>("record_reply", { entity, id, subject }),
  /** Marks a contact or lead unsubscribed; returns how many sequences stopped. */
  unsubscribe: (entity: string, id: string) => call<number>("unsubscribe", { entity, id }),
  promotionsList: () => call<Array<Promotion>>("promotions_list"),
  promotionGet: (id: string) => call<Promotion>("promotion_get", { id }),
  /** Who would get it and the message as the first of them would read it. */
  promotionPreview: (input: PromotionInput) => call<PromotionPreview>("promotion_preview", { input }),
  /** Queues a message per recipient in the outbox and starts sending. */
  promotionQueue: (input: PromotionInput) => call<Promotion>("promotion_queue", { input }),
  promotionCancel: (id: string) => call<number>("promotion_cancel", { id }),
  outboxList: (query: Partial<OutboxQuery>) => call<Array<OutboxMessage>>("outbox_list", { query }),
  outboxCounts: () => call<OutboxCounts>("outbox_counts"),
  /** Puts failed messages back in the queue (all of them when `ids` is empty) and sends. */
  outboxRetry: (ids: Array<string>) => call<number>("outbox_retry", { ids }),
  outboxCancel: (ids: Array<string>) => call<number>("outbox_cancel", { ids }),
  /** Does the mail work now (due sequence steps, then due messages) and reports it; waits for a round already running. */
  outboxSendNow: () => call<WorkReport>("outbox_send_now"),
  /** Why the mail worker's last round could not run, if it could not. */
  outboxProblem: () => call<string | null>("outbox_problem"),
  smtpStatus: () => call<SmtpStatus>("smtp_status"),
  smtpSave: (settings: SmtpSettings) => call<SmtpStatus>("smtp_save", { settings }),
  /** Keeps the password in the system keyring (an empty one removes it). */
  smtpSetPassword: (password: string) => call<SmtpStatus>("smtp_set_password", { password }),
  mailboxStatus: () => call<MailboxStatus>("mailbox_status"),
  mailboxSave: (settings: MailboxSettings) => call<MailboxStatus>("mailbox_save", { settings }),
  /** Keeps the password in the system keyring (an empty one removes it). */
  mailboxSetPassword: (password: string) => call<MailboxStatus>("mailbox_set_password", { password }),
  /** Connects, logs in and lists the folders, on a connection of its own (never holding the window's while waiting for the server). */
  mailboxTest: () => call<MailboxTest>("mailbox_test"),
  /** Reads what is new now; waits for a sync already running. */
  mailboxSyncNow: () => call<SyncReport>("mailbox_sync_now"),
  /** Why the background sync's last round could not run or finish, if it could not. */
  mailboxProblem: () => call<string | null>("mailbox_problem"),
  mailMessages: (query: Partial<MailQuery>) => call<Array<MailMessage>>("mail_messages", { query }),
  /** The message an e-mail activity is, whole; `None` for one typed in or sent by the outbox. */
  mailMessage: (activityId: string) => call<MailMessage | null>("mail_message", { activityId }),
  /** Settles an unmatched reply: its sender made a contact or a lead, or the reply ignored. */
  mailResolve: (activityId: string, action: UnmatchedAction) => call<RecordRef | null>("mail_resolve", { activityId, action }),
  /** Reads a file the user picked and guesses its columns, for the import screens. */
  importInspect: (path: string, entity: ImportEntity) => call<Inspection>("import_inspect", { path, entity }),
  /** Imports a CSV or JSON file of contacts, accounts or leads. */
  importFile: (path: string, options: ImportOptions) => call<ImportReport>("import_file", { path, options }),
  /** The first rows of a file as the import would store them (nothing is written). */
  importPreview: (path: string, options: ImportOptions) => call<Array<PreviewRow>>("import_preview", { path, options }),
  /** Writes one kind of record as CSV at `path` (picked by the user). */
  exportCsv: (entity: ExportEntity, path: string) => call<CsvReport>("export_csv", { entity, path }),
  /** Writes the whole database as one JSON archive at `path`. */
  exportArchive: (path: string) => call<ArchiveReport>("export_archive", { path }),
  /** Writes every contact as vCards at `path`. */
  exportVcard: (path: string, version: VcardVersion) => call<VcardReport>("export_vcard", { path, version }),
  /** The backups of the open file, newest first. */
  backupsList: () => call<Array<BackupFile>>("backups_list"),
  /** Takes a verified backup now (into the backups folder, rotated like the automatic ones). */
  backupNow: () => call<BackupReport | null>("backup_now"),
  /** Writes a verified backup to `path` (picked by the user). */
  backupTo: (path: string) => call<BackupReport>("backup_to", { path }),
  /** Polled by the window while an import runs. */
  importProgress: () => call<ImportProgress>("import_progress"),
  /** Stops the running import; it writes nothing (its report says `cancelled`). */
  importCancel: () => call<null>("import_cancel"),
  /** A record's 360-degree timeline, newest first; `before` pages back. */
  timeline: (entity: string, id: string, before: string | null) => call<Array<TimelineItem>>("timeline", { entity, id, before }),
  /** A record's timeline showing only what `filter` keeps (activity kinds, `changes`, channels). */
  timelineFiltered: (entity: string, id: string, before: string | null, filter: TimelineFilter) => call<Array<TimelineItem>>("timeline_filtered", { entity, id, before, filter }),
  /** The dashboard's figures, forecast chart and conversion by source. */
  analyticsDashboard: (scope: ScopeInput) => call<Dashboard>("analytics_dashboard", { scope }),
  /** The records behind one dashboard figure. */
  analyticsRecords: (key: string, scope: ScopeInput) => call<Array<FigureRecord>>("analytics_records", { key, scope }),
  analyticsReport: (name: string, scope: ScopeInput) => call<Report>("analytics_report", { name, scope }),
  /** Writes a report as CSV at `path`. */
  analyticsReportCsv: (name: string, scope: ScopeInput, path: string) => call<CsvReport>("analytics_report_csv", { name, scope, path }),
  analyticsChurn: (top: number) => call<Array<ChurnRisk>>("analytics_churn", { top }),
  /** One account's churn risk and its reasons. */
  analyticsChurnOf: (accountId: string) => call<ChurnRisk>("analytics_churn_of", { accountId }),
};
