// The one module that talks to the Rust backend. Screens import `api` and the generated
// types from here. Each command is called through its typed wrapper in commands.ts, which
// `make bindings` generates from the Rust commands; only call.ts calls `invoke` (an ESLint
// rule keeps it inside src/lib/api).
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import {
  isPermissionGranted,
  requestPermission,
  sendNotification,
} from "@tauri-apps/plugin-notification";

import { commands } from "./commands";
import type { CampaignInput } from "./bindings/CampaignInput";
import type { EmailTemplateInput } from "./bindings/EmailTemplateInput";
import type { OutboxQuery } from "./bindings/OutboxQuery";
import type { PromotionInput } from "./bindings/PromotionInput";
import type { SegmentEntity } from "./bindings/SegmentEntity";
import type { SegmentFilter } from "./bindings/SegmentFilter";
import type { SegmentInput } from "./bindings/SegmentInput";
import type { SequenceInput } from "./bindings/SequenceInput";
import type { SmtpSettings } from "./bindings/SmtpSettings";
import type { MailboxSettings } from "./bindings/MailboxSettings";
import type { MailQuery } from "./bindings/MailQuery";
import type { UnmatchedAction } from "./bindings/UnmatchedAction";
import type { AccountInput } from "./bindings/AccountInput";
import type { AccountQuery } from "./bindings/AccountQuery";
import type { ContactInput } from "./bindings/ContactInput";
import type { ContactQuery } from "./bindings/ContactQuery";
import type { MergeChoices } from "./bindings/MergeChoices";
import type { TeamMemberInput } from "./bindings/TeamMemberInput";
import type { BulkAction } from "./bindings/BulkAction";
import type { CustomFieldInput } from "./bindings/CustomFieldInput";
import type { ActivityInput } from "./bindings/ActivityInput";
import type { ActivityQuery } from "./bindings/ActivityQuery";
import type { Scope } from "./bindings/Scope";
import type { TimelineFilter } from "./bindings/TimelineFilter";
import type { IcsQuery } from "./bindings/IcsQuery";
import type { ExportReport } from "./bindings/ExportReport";
import type { BoardQuery } from "./bindings/BoardQuery";
import type { ForecastQuery } from "./bindings/ForecastQuery";
import type { MoveInput } from "./bindings/MoveInput";
import type { OpportunityInput } from "./bindings/OpportunityInput";
import type { OpportunityQuery } from "./bindings/OpportunityQuery";
import type { StageInput } from "./bindings/StageInput";
import type { LeadInput } from "./bindings/LeadInput";
import type { LeadQuery } from "./bindings/LeadQuery";
import type { LeadStatus } from "./bindings/LeadStatus";
import type { ConvertInput } from "./bindings/ConvertInput";
import type { CallListInput } from "./bindings/CallListInput";
import type { CallListImport } from "./bindings/CallListImport";
import type { EntryQuery } from "./bindings/EntryQuery";
import type { CallInput } from "./bindings/CallInput";
import type { ImportEntity } from "./bindings/ImportEntity";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ExportEntity } from "./bindings/ExportEntity";
import type { CsvReport } from "./bindings/CsvReport";
import type { VcardVersion } from "./bindings/VcardVersion";
import type { TicketInput } from "./bindings/TicketInput";
import type { TicketQuery } from "./bindings/TicketQuery";
import type { TicketStatus } from "./bindings/TicketStatus";
import type { MessageInput } from "./bindings/MessageInput";
import type { SlaPolicyInput } from "./bindings/SlaPolicyInput";
import type { WorkingHours } from "./bindings/WorkingHours";
import type { AgreementInput } from "./bindings/AgreementInput";
import type { ProductInput } from "./bindings/ProductInput";
import type { DocumentKind } from "./bindings/DocumentKind";
import type { DocumentQuery } from "./bindings/DocumentQuery";
import type { QuoteInput } from "./bindings/QuoteInput";
import type { PartInput } from "./bindings/PartInput";
import type { PaymentInput } from "./bindings/PaymentInput";
import type { CompanyProfile } from "./bindings/CompanyProfile";
import type { ScopeInput } from "./bindings/ScopeInput";

export type * from "./types";
export { ApiError, toApiError } from "./call";

declare global {
  interface Window {
    /**
     * The e2e seam for the native file dialogs, which WebDriver cannot drive: the end-to-end
     * tests set this (through executeScript) to the paths the next open and save dialogs
     * should "choose". While it holds entries, `api.openFile` and `api.saveFile` take the next
     * one (shift) instead of showing a dialog. Never set by the app itself.
     */
    __rapportE2eFiles?: string[];
  }
}

/** The next path queued by the e2e tests (see `Window.__rapportE2eFiles`), if any. */
function e2eFile(): string | undefined {
  const queued = typeof window === "undefined" ? undefined : window.__rapportE2eFiles;
  return Array.isArray(queued) && queued.length > 0 ? queued.shift() : undefined;
}

/** Asks where to save (suggesting `defaultPath`); null when cancelled. */
async function saveFile(defaultPath: string, name: string, extensions: string[]): Promise<string | null> {
  const queued = e2eFile();
  if (queued !== undefined) return queued;
  const path = await saveDialog({ defaultPath, filters: [{ name, extensions }] });
  return path ?? null;
}

/** How sales documents are numbered: prefix, yearly restart and next number per kind. */
const numbering = {
  list: () => commands.numberingList(),
  set: (kind: DocumentKind, prefix: string | null, yearly: boolean | null, next: number | null) =>
    commands.numberingSet(kind, prefix, yearly, next),
};

export const api = {
  appStatus: () => commands.appStatus(),
  /** A number that moves when the file was changed outside the window (a `rapport` command,
   * mail fetched in the background); `null` while another program writes to it. */
  outsideChanges: () => commands.outsideChanges(),
  history: {
    /** Recent actions in plain words, newest first; `before` (a batch id) pages on. */
    list: (before: string | null, limit: number) => commands.historyList(before, limit),
    /** Ctrl+Z: undoes the newest action of this session; `null` when none is left. */
    undoLast: () => commands.undoLast(null),
  },
  db: {
    /** Works on another database file from now on; a file that cannot be opened is refused
     * (`not_a_database`, `corrupt_database`, `schema_too_new`) and the current one stays open. */
    open: (path: string) => commands.dbOpen(path),
    /** Creates a new, empty database at `path` and works on it (refused when the file exists). */
    create: (path: string) => commands.dbNew(path),
    /** Replaces the open file with `backup` (the current file is kept as a before-restore
     * backup, or moved aside when damaged) and reopens it. */
    restore: (backup: string) => commands.dbRestore(backup),
  },
  accounts: {
    list: (query: Partial<AccountQuery> = {}) =>
      commands.accountsList(query),
    get: (id: string) => commands.accountsGet(id),
    create: (input: AccountInput) => commands.accountsCreate(input),
    update: (id: string, input: AccountInput) => commands.accountsUpdate(id, input),
    remove: (id: string) => commands.accountsDelete(id),
    /** Merges `other` into `survivor`; `choices` names only the fields taken from `other`
     * or kept explicitly (unnamed: the survivor's, else the other's; notes: both). */
    merge: (survivor: string, other: string, choices: MergeChoices) =>
      commands.accountsMerge(survivor, other, choices),
  },
  contacts: {
    list: (query: Partial<ContactQuery> = {}) =>
      commands.contactsList(query),
    get: (id: string) => commands.contactsGet(id),
    create: (input: ContactInput) => commands.contactsCreate(input),
    update: (id: string, input: ContactInput) => commands.contactsUpdate(id, input),
    remove: (id: string) => commands.contactsDelete(id),
    likelyDuplicates: (input: ContactInput, except: string | null = null) =>
      commands.contactsLikelyDuplicates(input, except),
    merge: (survivor: string, other: string, choices: MergeChoices) =>
      commands.contactsMerge(survivor, other, choices),
  },
  /** Everything whose words start with what was typed, grouped by kind, best first. */
  search: (query: string) => commands.search(query),
  duplicates: () => commands.duplicatesScan(),
  team: {
    list: () => commands.teamList(),
    /** The team member the person at this computer is ("Mine"), or null. */
    me: () => commands.teamMe(),
    create: (input: TeamMemberInput) => commands.teamCreate(input),
  },
  /** A record's 360-degree timeline, newest first; pass the oldest `at` as `before` for more. */
  timeline: (entity: string, id: string, before: string | null = null, filter: TimelineFilter | null = null) =>
    filter && (filter.types.length > 0 || filter.channels.length > 0)
      ? commands.timelineFiltered(entity, id, before, filter)
      : commands.timeline(entity, id, before),
  activities: {
    get: (id: string) => commands.activityGet(id),
    list: (query: Partial<ActivityQuery> = {}) => commands.activityList(query),
    /** Logs or schedules an activity and, in the same save, its follow-up (undo: `batch_id`). */
    log: (input: ActivityInput, followUp: ActivityInput | null = null) =>
      commands.activityLog(input, followUp),
    update: (id: string, input: ActivityInput, scope: Scope = "this") =>
      commands.activityUpdate(id, input, scope),
    /** Marks it done; for a recurring one, `next` is the next occurrence. */
    complete: (id: string) => commands.activityComplete(id),
    reopen: (id: string) => commands.activityReopen(id),
    /** Moves it to a new start (RFC 3339, or YYYY-MM-DD for all day), keeping its length. */
    reschedule: (id: string, startsAt: string, scope: Scope = "this") =>
      commands.activityReschedule(id, startsAt, scope),
    remove: (id: string, scope: Scope = "this") => commands.activityDelete(id, scope),
  },
  /** Overdue, today and the next `days` days, in the computer's time zone. */
  agenda: (days = 7) => commands.agenda(days),
  /** Everything starting in [from, to), with the coming occurrences of recurring series;
   * only `owner`'s (a team member's id) when given. */
  calendar: (from: string, to: string, owner: string | null = null) => commands.calendar(from, to, owner),
  /** The month grid over [from, to): each local day's count and its first `perDay` items. */
  calendarMonth: (from: string, to: string, owner: string | null, perDay: number) =>
    commands.calendarMonth(from, to, owner, perDay),
  reminders: {
    /** Every due reminder not dismissed (the in-app list). */
    due: () => commands.remindersDue(),
    /** Reminders that fell due since the last call, or while the app was closed; each once. */
    takeNew: () => commands.remindersTakeNew(),
    snooze: (id: string, until: string) => commands.reminderSnooze(id, until),
    dismiss: (id: string) => commands.reminderDismiss(id),
  },
  /** Asks where to save, then writes the activities as an .ics file; null when cancelled. */
  exportIcs: async (query: IcsQuery, suggestedName = "rapport.ics"): Promise<ExportReport | null> => {
    const path = await saveFile(suggestedName, "iCalendar", ["ics"]);
    if (!path) return null;
    return commands.exportIcs(query, path);
  },
  /** A desktop notification; false when the desktop has no notification service. */
  notify: async (title: string, body: string): Promise<boolean> => {
    try {
      let granted = await isPermissionGranted();
      if (!granted) granted = (await requestPermission()) === "granted";
      if (granted) sendNotification({ title, body });
      return granted;
    } catch {
      return false;
    }
  },
  fields: {
    list: (entity: string) => commands.fieldsList(entity),
    define: (input: CustomFieldInput) => commands.fieldsDefine(input),
    update: (id: string, label: string, options: string[]) =>
      commands.fieldsUpdate(id, label, options),
    archive: (id: string) => commands.fieldsArchive(id),
  },
  views: {
    list: (entity: string) => commands.viewsList(entity),
    save: (entity: string, name: string, definition: unknown) => commands.viewsSave(entity, name, definition),
    remove: (id: string) => commands.viewsDelete(id),
  },
  /** One action on many records, as one undoable batch. */
  bulk: (entity: string, ids: string[], action: BulkAction) => commands.bulkApply(entity, ids, action),
  /** Every tag in use, by name. */
  tags: () => commands.tagsAll(),
  pipelines: {
    list: () => commands.pipelinesList(),
    create: (name: string) => commands.pipelineCreate(name),
    addStage: (pipelineId: string, input: StageInput, position: number | null = null) =>
      commands.stageAdd(pipelineId, input, position),
    updateStage: (stageId: string, input: StageInput) => commands.stageUpdate(stageId, input),
    reorderStages: (pipelineId: string, order: string[]) => commands.stagesReorder(pipelineId, order),
    /** Refused (code `conflict`) while the stage holds deals and no `moveTo` stage is given. */
    removeStage: (stageId: string, moveTo: string | null = null) =>
      commands.stageRemove(stageId, moveTo),
    lostReasons: () => commands.lostReasons(),
    addLostReason: (name: string) => commands.lostReasonAdd(name),
  },
  deals: {
    /** Per stage: totals (per currency, weighted) and the first cards. */
    board: (query: Partial<BoardQuery> = {}) => commands.dealsBoard(query),
    list: (query: Partial<OpportunityQuery> = {}) => commands.dealsList(query),
    get: (id: string) => commands.dealGet(id),
    create: (input: OpportunityInput) => commands.dealCreate(input),
    update: (id: string, input: OpportunityInput) => commands.dealUpdate(id, input),
    /** A drop on the board: Lost needs `lost_reason`; returns the stage's suggested tasks. */
    move: (id: string, input: MoveInput) => commands.dealMove(id, input),
    remove: (id: string) => commands.dealDelete(id),
    history: (id: string) => commands.dealHistory(id),
    forecast: (query: Partial<ForecastQuery> = {}) => commands.forecast(query),
  },
  analytics: {
    /** The dashboard's figures (money in `currency` minor units, rates in basis points). */
    dashboard: (scope: ScopeInput) => commands.analyticsDashboard(scope),
    /** The records behind one dashboard figure (`Figure.key`). */
    records: (key: string, scope: ScopeInput) => commands.analyticsRecords(key, scope),
    /** A report by name (pipeline, forecast, won-lost, funnel, tickets, service, retention, customers, churn). */
    report: (name: string, scope: ScopeInput) => commands.analyticsReport(name, scope),
    /** Asks where to save, then writes the report as CSV; null when cancelled. */
    exportCsv: async (name: string, scope: ScopeInput): Promise<CsvReport | null> => {
      const path = await saveFile(`rapport-${name}.csv`, "CSV", ["csv"]);
      if (!path) return null;
      return commands.analyticsReportCsv(name, scope, path);
    },
    /** Customers most at risk of leaving, highest score first. */
    churn: (top = 20) => commands.analyticsChurn(top),
    /** One account's churn score with the reasons behind it. */
    churnOf: (accountId: string) => commands.analyticsChurnOf(accountId),
  },
  marketing: {
    campaigns: {
      list: () => commands.campaignsList(),
      get: (id: string) => commands.campaignGet(id),
      create: (input: CampaignInput) => commands.campaignCreate(input),
      update: (id: string, input: CampaignInput) => commands.campaignUpdate(id, input),
      remove: (id: string) => commands.campaignDelete(id),
      /** Every campaign's effectiveness, or one's (`id`). */
      effectiveness: (id?: string) => commands.campaignEffectiveness(id ?? null),
      members: (id: string) => commands.campaignMembers(id),
    },
    segments: {
      list: () => commands.segmentsList(),
      get: (id: string) => commands.segmentGet(id),
      create: (input: SegmentInput) => commands.segmentCreate(input),
      update: (id: string, input: SegmentInput) => commands.segmentUpdate(id, input),
      remove: (id: string) => commands.segmentDelete(id),
      /** The fields conditions can test, with the values in use. */
      fields: (entity: SegmentEntity) => commands.segmentFields(entity),
      /** Live count (`total`) and first members of an unsaved filter. */
      preview: (entity: SegmentEntity, filter: SegmentFilter, limit = 50) =>
        commands.segmentPreview(entity, filter, limit),
      members: (id: string, offset = 0, limit = 100) => commands.segmentMembers(id, offset, limit),
      /** Asks where to save, then writes the members as CSV; null when cancelled. */
      exportCsv: async (id: string, name: string): Promise<number | null> => {
        const path = await saveFile(`${name}.csv`, "CSV", ["csv"]);
        if (!path) return null;
        return commands.segmentExportCsv(id, path);
      },
      addMembers: (id: string, ids: string[]) => commands.segmentAddMembers(id, ids),
      removeMembers: (id: string, ids: string[]) => commands.segmentRemoveMembers(id, ids),
      /** A static list of today's members. */
      freeze: (id: string, name: string) => commands.segmentFreeze(id, name),
      /** Adds the members to a campaign; returns how many were added. */
      toCampaign: (id: string, campaignId: string) => commands.segmentToCampaign(id, campaignId),
    },
    templates: {
      list: () => commands.templatesList(),
      create: (input: EmailTemplateInput) => commands.templateCreate(input),
      update: (id: string, input: EmailTemplateInput) => commands.templateUpdate(id, input),
      remove: (id: string) => commands.templateDelete(id),
      /** Filled for a real contact or lead (`entity`: contacts | leads). */
      preview: (id: string, entity: string, recordId: string) =>
        commands.templatePreview(id, entity, recordId),
      mergeFields: () => commands.mergeFields(),
    },
    sequences: {
      list: () => commands.sequencesList(),
      create: (input: SequenceInput) => commands.sequenceCreate(input),
      update: (id: string, input: SequenceInput) => commands.sequenceUpdate(id, input),
      remove: (id: string) => commands.sequenceDelete(id),
      enrolments: (id: string) => commands.sequenceEnrolments(id),
      enroll: (id: string, entity: string, ids: string[]) => commands.sequenceEnroll(id, entity, ids),
      enrollSegment: (id: string, segmentId: string) => commands.sequenceEnrollSegment(id, segmentId),
      removeEnrolment: (id: string, entity: string, entityId: string) =>
        commands.sequenceRemoveEnrolment(id, entity, entityId),
      of: (entity: string, id: string) => commands.enrolmentsOf(entity, id),
      /** Logs a reply (an inbound e-mail); the record's sequences stop. */
      recordReply: (entity: string, id: string, subject = "") => commands.recordReply(entity, id, subject),
      unsubscribe: (entity: string, id: string) => commands.unsubscribe(entity, id),
    },
    promotions: {
      list: () => commands.promotionsList(),
      get: (id: string) => commands.promotionGet(id),
      preview: (input: PromotionInput) => commands.promotionPreview(input),
      queue: (input: PromotionInput) => commands.promotionQueue(input),
      /** Cancels what is not sent yet; returns how many. */
      cancel: (id: string) => commands.promotionCancel(id),
    },
    outbox: {
      list: (query: Partial<OutboxQuery> = {}) => commands.outboxList(query),
      counts: () => commands.outboxCounts(),
      /** Failed messages back to the queue (all when `ids` is empty). */
      retry: (ids: string[] = []) => commands.outboxRetry(ids),
      cancel: (ids: string[]) => commands.outboxCancel(ids),
      sendNow: () => commands.outboxSendNow(),
      /** Why the background sender's last round could not run (keyring, password, busy file). */
      problem: () => commands.outboxProblem(),
    },
    smtp: {
      status: () => commands.smtpStatus(),
      save: (settings: SmtpSettings) => commands.smtpSave(settings),
      /** Kept in the system keyring, never in the file; "" removes it. */
      setPassword: (password: string) => commands.smtpSetPassword(password),
    },
  },
  /** The mailbox Rapport reads (IMAP): only mail concerning a record is kept. */
  mailbox: {
    status: () => commands.mailboxStatus(),
    save: (settings: MailboxSettings) => commands.mailboxSave(settings),
    /** Kept in the system keyring, never in the file; "" removes it. */
    setPassword: (password: string) => commands.mailboxSetPassword(password),
    /** Connects, logs in and lists the folders; `stage` names the step that failed. */
    test: () => commands.mailboxTest(),
    syncNow: () => commands.mailboxSyncNow(),
    /** Why the background sync's last round could not run or finish. */
    problem: () => commands.mailboxProblem(),
    messages: (query: Partial<MailQuery> = {}) => commands.mailMessages(query),
    /** The stored message an e-mail activity is (null for one typed in or sent by the outbox). */
    message: (activityId: string) => commands.mailMessage(activityId),
    /** Answers to campaign or sequence mail from unknown addresses. */
    unmatched: () => commands.mailMessages({ unmatched: true }),
    /** Makes an unmatched reply's sender a contact or a lead (returns it), or ignores it. */
    resolve: (activityId: string, action: UnmatchedAction) => commands.mailResolve(activityId, action),
  },
  leads: {
    /** Empty `statuses`: every lead but converted ones. */
    list: (query: Partial<LeadQuery> = {}) => commands.leadsList(query),
    /** One column per status; `query.limit` = cards per column. */
    board: (query: Partial<LeadQuery> = {}) => commands.leadsBoard(query),
    get: (id: string) => commands.leadGet(id),
    create: (input: LeadInput) => commands.leadCreate(input),
    update: (id: string, input: LeadInput) => commands.leadUpdate(id, input),
    /** `converted` is refused: convert the lead instead. */
    setStatus: (id: string, status: LeadStatus) => commands.leadSetStatus(id, status),
    remove: (id: string) => commands.leadDelete(id),
    sources: () => commands.leadSources(),
    addSource: (name: string) => commands.leadSourceAdd(name),
    removeSource: (name: string) => commands.leadSourceRemove(name),
    /** What converting would do (writes nothing). */
    conversionPlan: (id: string) => commands.leadConversionPlan(id),
    convert: (id: string, input: ConvertInput) => commands.leadConvert(id, input),
  },
  callLists: {
    list: () => commands.callLists(),
    /** By id or name. */
    get: (key: string) => commands.callListGet(key),
    import: (path: string, options: CallListImport) => commands.callListImport(path, options),
    update: (key: string, input: CallListInput) => commands.callListUpdate(key, input),
    remove: (key: string) => commands.callListDelete(key),
    entries: (key: string, query: Partial<EntryQuery> = {}) => commands.callListEntries(key, query),
    /** The person to call now; null when the list is done. `skip`: ids passed over this session. */
    next: (key: string, skip: string[] = []) => commands.callListNext(key, skip),
    /** Records the outcome of a call (undo: `batch_id`). */
    record: (entryId: string, input: CallInput) => commands.callListRecord(entryId, input),
  },
  imports: {
    /** Headers, guessed mapping, targets and first rows of a file (writes nothing). */
    inspect: (path: string, entity: ImportEntity) => commands.importInspect(path, entity),
    /** The first rows as they would be stored, with what would happen to each (writes nothing). */
    preview: (path: string, options: ImportOptions) => commands.importPreview(path, options),
    /** One undoable batch (`batch_id`). */
    file: (path: string, options: ImportOptions) => commands.importFile(path, options),
    /** How far the running import (file or call list) got; does not wait for it. */
    progress: () => commands.importProgress(),
    /** Stops the running import: its report says `cancelled` and nothing is written. */
    cancel: () => commands.importCancel(),
  },
  exports: {
    csv: (entity: ExportEntity, path: string) => commands.exportCsv(entity, path),
    /** The whole database as one JSON file (`rapport import archive` loads it into an empty file). */
    archive: (path: string) => commands.exportArchive(path),
    vcard: (path: string, version: VcardVersion) => commands.exportVcard(path, version),
  },
  backups: {
    /** The backups of the open file, newest first. */
    list: () => commands.backupsList(),
    /** A verified backup now; null when the database is not a file. */
    now: () => commands.backupNow(),
    /** A verified backup to a file the user picked. */
    to: (path: string) => commands.backupTo(path),
  },
  tickets: {
    /** One queue (default `open`), filtered and sorted; pass `after` for the next page. */
    list: (query: Partial<TicketQuery> = {}) => commands.ticketsList(query),
    /** How many tickets each queue holds, and who "Mine" means. */
    counts: () => commands.ticketCounts(),
    get: (id: string) => commands.ticketGet(id),
    create: (input: TicketInput) => commands.ticketCreate(input),
    update: (id: string, input: TicketInput) => commands.ticketUpdate(id, input),
    setStatus: (id: string, status: TicketStatus) => commands.ticketSetStatus(id, status),
    /** A reply, a customer's message or an internal note; `status` changes it in the same save. */
    message: (id: string, input: MessageInput) => commands.ticketMessage(id, input),
    remove: (id: string) => commands.ticketDelete(id),
    /** Which team member "Mine" means; null forgets it. */
    setMe: (memberId: string | null) => commands.ticketMeSet(memberId),
    /** Complaint figures for tickets opened in [from, to) (YYYY-MM-DD, either open). */
    complaints: (from: string | null = null, to: string | null = null) => commands.complaints(from, to),
  },
  sla: {
    policies: () => commands.slaPolicies(),
    /** Upserts by tier and priority; returns every policy. */
    savePolicy: (input: SlaPolicyInput) => commands.slaPolicySave(input),
    removePolicy: (id: string) => commands.slaPolicyRemove(id),
    hours: () => commands.workingHours(),
    setHours: (hours: WorkingHours) => commands.workingHoursSet(hours),
    holidays: () => commands.holidays(),
    addHoliday: (day: string, name: string) => commands.holidayAdd(day, name),
    removeHoliday: (day: string) => commands.holidayRemove(day),
  },
  agreements: {
    list: (accountId: string | null = null) => commands.agreementsList(accountId),
    create: (input: AgreementInput) => commands.agreementCreate(input),
    update: (id: string, input: AgreementInput) => commands.agreementUpdate(id, input),
    remove: (id: string) => commands.agreementDelete(id),
    /** The delivery log, newest due date first. */
    occurrences: (agreementId: string | null = null) => commands.agreementOccurrences(agreementId),
    /** Delivered or skipped (a skip needs a note). */
    settle: (id: string, status: "delivered" | "skipped", note: string | null = null) =>
      commands.occurrenceSettle(id, status, note),
  },
  products: {
    /** By SKU or name; inactive products only when asked. */
    list: (search: string | null = null, includeInactive = false) =>
      commands.productsList(search, includeInactive),
    get: (id: string) => commands.productGet(id),
    create: (input: ProductInput) => commands.productCreate(input),
    update: (id: string, input: ProductInput) => commands.productUpdate(id, input),
  },
  documents: {
    /** Quotes, orders, invoices and credit notes, newest first. */
    list: (query: Partial<DocumentQuery> = {}) =>
      commands.documentsList({
        kind: null,
        account_id: null,
        opportunity_id: null,
        source_id: null,
        status: null,
        limit: null,
        ...query,
      } satisfies DocumentQuery),
    get: (id: string) => commands.documentGet(id),
    /** Writes the document as a PDF to `path`. */
    pdf: (id: string, path: string) => commands.documentPdf(id, path),
    /** E-mails it to its contact with the PDF attached (through the outbox; sending starts at once). */
    email: (id: string, template: string | null = null) => commands.documentEmail(id, { template }),
    /** The mails that carried it, newest first. */
    mails: (id: string) => commands.documentMails(id),
  },
  quotes: {
    create: (input: QuoteInput) => commands.quoteCreate(input),
    /** Drafts only. */
    update: (id: string, input: QuoteInput) => commands.quoteUpdate(id, input),
    /** A sent, rejected or expired quote: a new version with the same number; the old one is superseded. */
    revise: (id: string, input: QuoteInput) => commands.quoteRevise(id, input),
    setStatus: (id: string, status: "sent" | "accepted" | "rejected") => commands.quoteSetStatus(id, status),
    /** The sales order of an accepted (or sent: accepted in the same step) quote. */
    toOrder: (quoteId: string) => commands.orderFromQuote(quoteId),
  },
  orders: {
    /** A draft invoice: `parts` for a partial one, null for everything not yet invoiced. */
    invoice: (orderId: string, parts: PartInput[] | null = null) => commands.invoiceFromOrder(orderId, parts),
  },
  invoices: {
    /** Numbers the draft (next invoice number) and sets its due date. */
    issue: (id: string, issuedOn: string | null = null, termsDays: number | null = null) =>
      commands.invoiceIssue(id, issuedOn, termsDays),
    pay: (invoiceId: string, input: PaymentInput) => commands.paymentRecord(invoiceId, input),
    /** The credit note: `parts` per line, null for the whole invoice. */
    credit: (invoiceId: string, parts: PartInput[] | null = null, notes: string | null = null) =>
      commands.creditNoteCreate(invoiceId, parts, notes),
    /** An issued invoice without payments becomes void (its number kept); a draft is deleted. */
    void: (id: string) => commands.invoiceVoid(id),
  },
  /** What an account was invoiced, paid and owes, one entry per currency. */
  accountMoney: (accountId: string) => commands.accountMoney(accountId),
  numbering,
  company: {
    get: () => commands.companyProfile(),
    set: (profile: CompanyProfile) => commands.companyProfileSet(profile),
  },
  /** Asks for a file to open; null when cancelled. */
  openFile: async (name: string, extensions: string[]): Promise<string | null> => {
    const queued = e2eFile();
    if (queued !== undefined) return queued;
    const path = await openDialog({ multiple: false, directory: false, filters: [{ name, extensions }] });
    return typeof path === "string" ? path : null;
  },
  saveFile,
  /** Reverses an earlier action (a merge, an import) by its batch id. */
  undo: (batch: string) => commands.undo(batch),
};

export type Api = typeof api;
