// The one module that talks to the Rust backend. Screens import `api` and the generated
// types from here; nothing else calls `invoke` (an ESLint rule enforces it).
import { invoke } from "@tauri-apps/api/core";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import {
  isPermissionGranted,
  requestPermission,
  sendNotification,
} from "@tauri-apps/plugin-notification";

import type { Account } from "./bindings/Account";
import type { Campaign } from "./bindings/Campaign";
import type { CampaignInput } from "./bindings/CampaignInput";
import type { CampaignMember } from "./bindings/CampaignMember";
import type { Effectiveness } from "./bindings/Effectiveness";
import type { EmailTemplate } from "./bindings/EmailTemplate";
import type { EmailTemplateInput } from "./bindings/EmailTemplateInput";
import type { EnrolReport } from "./bindings/EnrolReport";
import type { Enrolment } from "./bindings/Enrolment";
import type { FollowUpSequence } from "./bindings/FollowUpSequence";
import type { MergeField } from "./bindings/MergeField";
import type { OutboxCounts } from "./bindings/OutboxCounts";
import type { OutboxMessage } from "./bindings/OutboxMessage";
import type { OutboxQuery } from "./bindings/OutboxQuery";
import type { Promotion } from "./bindings/Promotion";
import type { PromotionInput } from "./bindings/PromotionInput";
import type { PromotionPreview } from "./bindings/PromotionPreview";
import type { RenderedEmail } from "./bindings/RenderedEmail";
import type { Segment } from "./bindings/Segment";
import type { SegmentEntity } from "./bindings/SegmentEntity";
import type { SegmentField } from "./bindings/SegmentField";
import type { SegmentFilter } from "./bindings/SegmentFilter";
import type { SegmentInput } from "./bindings/SegmentInput";
import type { SegmentMembers } from "./bindings/SegmentMembers";
import type { SequenceInput } from "./bindings/SequenceInput";
import type { SmtpSettings } from "./bindings/SmtpSettings";
import type { SmtpStatus } from "./bindings/SmtpStatus";
import type { WorkReport } from "./bindings/WorkReport";
import type { AccountInput } from "./bindings/AccountInput";
import type { AccountQuery } from "./bindings/AccountQuery";
import type { AccountSummary } from "./bindings/AccountSummary";
import type { AppStatus } from "./bindings/AppStatus";
import type { CommandError } from "./bindings/CommandError";
import type { Contact } from "./bindings/Contact";
import type { ContactInput } from "./bindings/ContactInput";
import type { ContactQuery } from "./bindings/ContactQuery";
import type { ContactSummary } from "./bindings/ContactSummary";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FieldError } from "./bindings/FieldError";
import type { DuplicateGroup } from "./bindings/DuplicateGroup";
import type { DuplicateMatch } from "./bindings/DuplicateMatch";
import type { MergeChoices } from "./bindings/MergeChoices";
import type { MergeResult } from "./bindings/MergeResult";
import type { Page } from "./bindings/Page";
import type { SearchGroup } from "./bindings/SearchGroup";
import type { TeamMember } from "./bindings/TeamMember";
import type { TeamMemberInput } from "./bindings/TeamMemberInput";
import type { TimelineItem } from "./bindings/TimelineItem";
import type { BulkAction } from "./bindings/BulkAction";
import type { BulkResult } from "./bindings/BulkResult";
import type { CustomField } from "./bindings/CustomField";
import type { CustomFieldInput } from "./bindings/CustomFieldInput";
import type { SavedView } from "./bindings/SavedView";
import type { Activity } from "./bindings/Activity";
import type { ActivityInput } from "./bindings/ActivityInput";
import type { ActivityQuery } from "./bindings/ActivityQuery";
import type { Agenda } from "./bindings/Agenda";
import type { CalendarEntry } from "./bindings/CalendarEntry";
import type { Completed } from "./bindings/Completed";
import type { Logged } from "./bindings/Logged";
import type { Scope } from "./bindings/Scope";
import type { Reminder } from "./bindings/Reminder";
import type { TimelineFilter } from "./bindings/TimelineFilter";
import type { IcsQuery } from "./bindings/IcsQuery";
import type { ExportReport } from "./bindings/ExportReport";
import type { Board } from "./bindings/Board";
import type { BoardQuery } from "./bindings/BoardQuery";
import type { Forecast } from "./bindings/Forecast";
import type { ForecastQuery } from "./bindings/ForecastQuery";
import type { LostReason } from "./bindings/LostReason";
import type { MoveInput } from "./bindings/MoveInput";
import type { Moved } from "./bindings/Moved";
import type { Opportunity } from "./bindings/Opportunity";
import type { OpportunityInput } from "./bindings/OpportunityInput";
import type { OpportunityQuery } from "./bindings/OpportunityQuery";
import type { OpportunitySummary } from "./bindings/OpportunitySummary";
import type { Pipeline } from "./bindings/Pipeline";
import type { StageInput } from "./bindings/StageInput";
import type { StageVisit } from "./bindings/StageVisit";
import type { Lead } from "./bindings/Lead";
import type { LeadInput } from "./bindings/LeadInput";
import type { LeadQuery } from "./bindings/LeadQuery";
import type { LeadSummary } from "./bindings/LeadSummary";
import type { LeadStatus } from "./bindings/LeadStatus";
import type { LeadColumn } from "./bindings/LeadColumn";
import type { LeadSource } from "./bindings/LeadSource";
import type { ConversionPlan } from "./bindings/ConversionPlan";
import type { ConvertInput } from "./bindings/ConvertInput";
import type { Converted } from "./bindings/Converted";
import type { CallList } from "./bindings/CallList";
import type { CallListInput } from "./bindings/CallListInput";
import type { CallListImport } from "./bindings/CallListImport";
import type { CallListReport } from "./bindings/CallListReport";
import type { Entry } from "./bindings/Entry";
import type { EntryQuery } from "./bindings/EntryQuery";
import type { QueueItem } from "./bindings/QueueItem";
import type { CallInput } from "./bindings/CallInput";
import type { Called } from "./bindings/Called";
import type { Inspection } from "./bindings/Inspection";
import type { ImportEntity } from "./bindings/ImportEntity";
import type { ImportOptions } from "./bindings/ImportOptions";
import type { ImportReport } from "./bindings/ImportReport";
import type { PreviewRow } from "./bindings/PreviewRow";
import type { ExportEntity } from "./bindings/ExportEntity";
import type { CsvReport } from "./bindings/CsvReport";
import type { ArchiveReport } from "./bindings/ArchiveReport";
import type { VcardReport } from "./bindings/VcardReport";
import type { VcardVersion } from "./bindings/VcardVersion";
import type { BackupFile } from "./bindings/BackupFile";
import type { BackupReport } from "./bindings/BackupReport";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { Ticket } from "./bindings/Ticket";
import type { TicketInput } from "./bindings/TicketInput";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { TicketQuery } from "./bindings/TicketQuery";
import type { TicketStatus } from "./bindings/TicketStatus";
import type { MessageInput } from "./bindings/MessageInput";
import type { QueueCounts } from "./bindings/QueueCounts";
import type { ComplaintStats } from "./bindings/ComplaintStats";
import type { SlaPolicy } from "./bindings/SlaPolicy";
import type { SlaPolicyInput } from "./bindings/SlaPolicyInput";
import type { WorkingHours } from "./bindings/WorkingHours";
import type { Holiday } from "./bindings/Holiday";
import type { Agreement } from "./bindings/Agreement";
import type { AgreementInput } from "./bindings/AgreementInput";
import type { Occurrence } from "./bindings/Occurrence";
import type { Product } from "./bindings/Product";
import type { ProductInput } from "./bindings/ProductInput";
import type { Document } from "./bindings/Document";
import type { DocumentSummary } from "./bindings/DocumentSummary";
import type { DocumentKind } from "./bindings/DocumentKind";
import type { DocumentQuery } from "./bindings/DocumentQuery";
import type { QuoteInput } from "./bindings/QuoteInput";
import type { PartInput } from "./bindings/PartInput";
import type { PaymentInput } from "./bindings/PaymentInput";
import type { AccountMoney } from "./bindings/AccountMoney";
import type { Sequence } from "./bindings/Sequence";
import type { CompanyProfile } from "./bindings/CompanyProfile";
import type { PdfReport } from "./bindings/PdfReport";
import type { ChurnRisk } from "./bindings/ChurnRisk";
import type { Dashboard } from "./bindings/Dashboard";
import type { FigureRecord } from "./bindings/FigureRecord";
import type { Report } from "./bindings/Report";
import type { ScopeInput } from "./bindings/ScopeInput";

export type * from "./types";

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

/** A failed command, as the backend reported it: branch on `code`, show `message`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(error: CommandError) {
    super(error.message);
    this.name = "ApiError";
    this.code = error.code;
    this.fields = error.fields;
  }

  /** The message for one input field, if the backend named it. */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === name)?.message;
  }
}

function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CommandError).code === "string" &&
    typeof (value as CommandError).message === "string"
  );
}

/** Turns whatever a rejected `invoke` carried into an ApiError. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isCommandError(reason)) {
    return new ApiError({ ...reason, fields: reason.fields ?? [] });
  }
  const message =
    typeof reason === "string" ? reason : reason instanceof Error ? reason.message : String(reason);
  return new ApiError({ code: "internal", message, fields: [] });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toApiError(reason);
  }
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  db: {
    /** Works on another database file from now on; a file that cannot be opened is refused
     * (`not_a_database`, `corrupt_database`, `schema_too_new`) and the current one stays open. */
    open: (path: string) => call<AppStatus>("db_open", { path }),
    /** Creates a new, empty database at `path` and works on it (refused when the file exists). */
    create: (path: string) => call<AppStatus>("db_new", { path }),
    /** Replaces the open file with `backup` (the current file is kept as a before-restore
     * backup, or moved aside when damaged) and reopens it. */
    restore: (backup: string) => call<RestoreReport>("db_restore", { backup }),
  },
  accounts: {
    list: (query: Partial<AccountQuery> = {}) =>
      call<Page<AccountSummary>>("accounts_list", { query }),
    get: (id: string) => call<Account>("accounts_get", { id }),
    create: (input: AccountInput) => call<Account>("accounts_create", { input }),
    update: (id: string, input: AccountInput) => call<Account>("accounts_update", { id, input }),
    remove: (id: string) => call<null>("accounts_delete", { id }),
  },
  contacts: {
    list: (query: Partial<ContactQuery> = {}) =>
      call<Page<ContactSummary>>("contacts_list", { query }),
    get: (id: string) => call<Contact>("contacts_get", { id }),
    create: (input: ContactInput) => call<Contact>("contacts_create", { input }),
    update: (id: string, input: ContactInput) => call<Contact>("contacts_update", { id, input }),
    remove: (id: string) => call<null>("contacts_delete", { id }),
    likelyDuplicates: (input: ContactInput, except: string | null = null) =>
      call<DuplicateMatch[]>("contacts_likely_duplicates", { input, except }),
    merge: (survivor: string, other: string, choices: MergeChoices) =>
      call<MergeResult>("contacts_merge", { survivor, other, choices }),
  },
  /** Everything whose words start with what was typed, grouped by kind, best first. */
  search: (query: string) => call<SearchGroup[]>("search", { query }),
  duplicates: () => call<DuplicateGroup[]>("duplicates_scan"),
  team: {
    list: () => call<TeamMember[]>("team_list"),
    create: (input: TeamMemberInput) => call<TeamMember>("team_create", { input }),
  },
  /** A record's 360-degree timeline, newest first; pass the oldest `at` as `before` for more. */
  timeline: (entity: string, id: string, before: string | null = null, filter: TimelineFilter | null = null) =>
    filter && (filter.types.length > 0 || filter.channels.length > 0)
      ? call<TimelineItem[]>("timeline_filtered", { entity, id, before, filter })
      : call<TimelineItem[]>("timeline", { entity, id, before }),
  activities: {
    get: (id: string) => call<Activity>("activity_get", { id }),
    list: (query: Partial<ActivityQuery> = {}) => call<Activity[]>("activity_list", { query }),
    /** Logs or schedules an activity and, in the same save, its follow-up (undo: `batch_id`). */
    log: (input: ActivityInput, followUp: ActivityInput | null = null) =>
      call<Logged>("activity_log", { input, followUp }),
    update: (id: string, input: ActivityInput, scope: Scope = "this") =>
      call<Activity>("activity_update", { id, input, scope }),
    /** Marks it done; for a recurring one, `next` is the next occurrence. */
    complete: (id: string) => call<Completed>("activity_complete", { id }),
    reopen: (id: string) => call<Activity>("activity_reopen", { id }),
    /** Moves it to a new start (RFC 3339, or YYYY-MM-DD for all day), keeping its length. */
    reschedule: (id: string, startsAt: string, scope: Scope = "this") =>
      call<Activity>("activity_reschedule", { id, startsAt, scope }),
    remove: (id: string, scope: Scope = "this") => call<null>("activity_delete", { id, scope }),
  },
  /** Overdue, today and the next `days` days, in the computer's time zone. */
  agenda: (days = 7) => call<Agenda>("agenda", { days }),
  /** Everything starting in [from, to), with the coming occurrences of recurring series. */
  calendar: (from: string, to: string) => call<CalendarEntry[]>("calendar", { from, to }),
  reminders: {
    /** Every due reminder not dismissed (the in-app list). */
    due: () => call<Reminder[]>("reminders_due"),
    /** Reminders that fell due since the last call, or while the app was closed; each once. */
    takeNew: () => call<Reminder[]>("reminders_take_new"),
    snooze: (id: string, until: string) => call<Activity>("reminder_snooze", { id, until }),
    dismiss: (id: string) => call<Activity>("reminder_dismiss", { id }),
  },
  /** Asks where to save, then writes the activities as an .ics file; null when cancelled. */
  exportIcs: async (query: IcsQuery, suggestedName = "rapport.ics"): Promise<ExportReport | null> => {
    const path = await saveFile(suggestedName, "iCalendar", ["ics"]);
    if (!path) return null;
    return call<ExportReport>("export_ics", { query, path });
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
    list: (entity: string) => call<CustomField[]>("fields_list", { entity }),
    define: (input: CustomFieldInput) => call<CustomField>("fields_define", { input }),
    update: (id: string, label: string, options: string[]) =>
      call<CustomField>("fields_update", { id, label, options }),
    archive: (id: string) => call<null>("fields_archive", { id }),
  },
  views: {
    list: (entity: string) => call<SavedView[]>("views_list", { entity }),
    save: (entity: string, name: string, definition: unknown) => call<SavedView>("views_save", { entity, name, definition }),
    remove: (id: string) => call<null>("views_delete", { id }),
  },
  /** One action on many records, as one undoable batch. */
  bulk: (entity: string, ids: string[], action: BulkAction) => call<BulkResult>("bulk_apply", { entity, ids, action }),
  /** Every tag in use, by name. */
  tags: () => call<string[]>("tags_all"),
  pipelines: {
    list: () => call<Pipeline[]>("pipelines_list"),
    create: (name: string) => call<Pipeline>("pipeline_create", { name }),
    addStage: (pipelineId: string, input: StageInput, position: number | null = null) =>
      call<Pipeline>("stage_add", { pipelineId, input, position }),
    updateStage: (stageId: string, input: StageInput) => call<Pipeline>("stage_update", { stageId, input }),
    reorderStages: (pipelineId: string, order: string[]) => call<Pipeline>("stages_reorder", { pipelineId, order }),
    /** Refused (code `conflict`) while the stage holds deals and no `moveTo` stage is given. */
    removeStage: (stageId: string, moveTo: string | null = null) =>
      call<Pipeline>("stage_remove", { stageId, moveTo }),
    lostReasons: () => call<LostReason[]>("lost_reasons"),
    addLostReason: (name: string) => call<LostReason>("lost_reason_add", { name }),
  },
  deals: {
    /** Per stage: totals (per currency, weighted) and the first cards. */
    board: (query: Partial<BoardQuery> = {}) => call<Board>("deals_board", { query }),
    list: (query: Partial<OpportunityQuery> = {}) => call<Page<OpportunitySummary>>("deals_list", { query }),
    get: (id: string) => call<Opportunity>("deal_get", { id }),
    create: (input: OpportunityInput) => call<Opportunity>("deal_create", { input }),
    update: (id: string, input: OpportunityInput) => call<Opportunity>("deal_update", { id, input }),
    /** A drop on the board: Lost needs `lost_reason`; returns the stage's suggested tasks. */
    move: (id: string, input: MoveInput) => call<Moved>("deal_move", { id, input }),
    remove: (id: string) => call<null>("deal_delete", { id }),
    history: (id: string) => call<StageVisit[]>("deal_history", { id }),
    forecast: (query: Partial<ForecastQuery> = {}) => call<Forecast>("forecast", { query }),
  },
  analytics: {
    /** The dashboard's figures (money in `currency` minor units, rates in basis points). */
    dashboard: (scope: ScopeInput) => call<Dashboard>("analytics_dashboard", { scope }),
    /** The records behind one dashboard figure (`Figure.key`). */
    records: (key: string, scope: ScopeInput) => call<FigureRecord[]>("analytics_records", { key, scope }),
    /** A report by name (pipeline, forecast, won-lost, funnel, tickets, service, retention, customers, churn). */
    report: (name: string, scope: ScopeInput) => call<Report>("analytics_report", { name, scope }),
    /** Asks where to save, then writes the report as CSV; null when cancelled. */
    exportCsv: async (name: string, scope: ScopeInput): Promise<CsvReport | null> => {
      const path = await saveFile(`rapport-${name}.csv`, "CSV", ["csv"]);
      if (!path) return null;
      return call<CsvReport>("analytics_report_csv", { name, scope, path });
    },
    /** Customers most at risk of leaving, highest score first. */
    churn: (top = 20) => call<ChurnRisk[]>("analytics_churn", { top }),
    /** One account's churn score with the reasons behind it. */
    churnOf: (accountId: string) => call<ChurnRisk>("analytics_churn_of", { accountId }),
  },
  marketing: {
    campaigns: {
      list: () => call<Campaign[]>("campaigns_list"),
      get: (id: string) => call<Campaign>("campaign_get", { id }),
      create: (input: CampaignInput) => call<Campaign>("campaign_create", { input }),
      update: (id: string, input: CampaignInput) => call<Campaign>("campaign_update", { id, input }),
      remove: (id: string) => call<null>("campaign_delete", { id }),
      /** Every campaign's effectiveness, or one's (`id`). */
      effectiveness: (id?: string) => call<Effectiveness[]>("campaign_effectiveness", { id: id ?? null }),
      members: (id: string) => call<CampaignMember[]>("campaign_members", { id }),
    },
    segments: {
      list: () => call<Segment[]>("segments_list"),
      get: (id: string) => call<Segment>("segment_get", { id }),
      create: (input: SegmentInput) => call<Segment>("segment_create", { input }),
      update: (id: string, input: SegmentInput) => call<Segment>("segment_update", { id, input }),
      remove: (id: string) => call<null>("segment_delete", { id }),
      /** The fields conditions can test, with the values in use. */
      fields: (entity: SegmentEntity) => call<SegmentField[]>("segment_fields", { entity }),
      /** Live count (`total`) and first members of an unsaved filter. */
      preview: (entity: SegmentEntity, filter: SegmentFilter, limit = 50) =>
        call<SegmentMembers>("segment_preview", { entity, filter, limit }),
      members: (id: string, offset = 0, limit = 100) => call<SegmentMembers>("segment_members", { id, offset, limit }),
      /** Asks where to save, then writes the members as CSV; null when cancelled. */
      exportCsv: async (id: string, name: string): Promise<number | null> => {
        const path = await saveFile(`${name}.csv`, "CSV", ["csv"]);
        if (!path) return null;
        return call<number>("segment_export_csv", { id, path });
      },
      addMembers: (id: string, ids: string[]) => call<number>("segment_add_members", { id, ids }),
      removeMembers: (id: string, ids: string[]) => call<number>("segment_remove_members", { id, ids }),
      /** A static list of today's members. */
      freeze: (id: string, name: string) => call<Segment>("segment_freeze", { id, name }),
      /** Adds the members to a campaign; returns how many were added. */
      toCampaign: (id: string, campaignId: string) => call<number>("segment_to_campaign", { id, campaignId }),
    },
    templates: {
      list: () => call<EmailTemplate[]>("templates_list"),
      create: (input: EmailTemplateInput) => call<EmailTemplate>("template_create", { input }),
      update: (id: string, input: EmailTemplateInput) => call<EmailTemplate>("template_update", { id, input }),
      remove: (id: string) => call<null>("template_delete", { id }),
      /** Filled for a real contact or lead (`entity`: contacts | leads). */
      preview: (id: string, entity: string, recordId: string) =>
        call<RenderedEmail>("template_preview", { id, entity, recordId }),
      mergeFields: () => call<MergeField[]>("merge_fields"),
    },
    sequences: {
      list: () => call<FollowUpSequence[]>("followups_list"),
      create: (input: SequenceInput) => call<FollowUpSequence>("followup_create", { input }),
      update: (id: string, input: SequenceInput) => call<FollowUpSequence>("followup_update", { id, input }),
      remove: (id: string) => call<null>("followup_delete", { id }),
      enrolments: (id: string) => call<Enrolment[]>("followup_enrolments", { id }),
      enroll: (id: string, entity: string, ids: string[]) => call<EnrolReport>("followup_enroll", { id, entity, ids }),
      enrollSegment: (id: string, segmentId: string) => call<EnrolReport>("followup_enroll_segment", { id, segmentId }),
      removeEnrolment: (id: string, entity: string, entityId: string) =>
        call<null>("followup_remove", { id, entity, entityId }),
      of: (entity: string, id: string) => call<Enrolment[]>("enrolments_of", { entity, id }),
      /** Logs a reply (an inbound e-mail); the record's sequences stop. */
      recordReply: (entity: string, id: string, subject = "") => call<number>("record_reply", { entity, id, subject }),
      unsubscribe: (entity: string, id: string) => call<number>("unsubscribe", { entity, id }),
    },
    promotions: {
      list: () => call<Promotion[]>("promotions_list"),
      get: (id: string) => call<Promotion>("promotion_get", { id }),
      preview: (input: PromotionInput) => call<PromotionPreview>("promotion_preview", { input }),
      queue: (input: PromotionInput) => call<Promotion>("promotion_queue", { input }),
      /** Cancels what is not sent yet; returns how many. */
      cancel: (id: string) => call<number>("promotion_cancel", { id }),
    },
    outbox: {
      list: (query: Partial<OutboxQuery> = {}) => call<OutboxMessage[]>("outbox_list", { query }),
      counts: () => call<OutboxCounts>("outbox_counts"),
      /** Failed messages back to the queue (all when `ids` is empty). */
      retry: (ids: string[] = []) => call<number>("outbox_retry", { ids }),
      cancel: (ids: string[]) => call<number>("outbox_cancel", { ids }),
      sendNow: () => call<WorkReport>("outbox_send_now"),
      /** Why the background sender's last round could not run (keyring, password, busy file). */
      problem: () => call<string | null>("outbox_problem"),
    },
    smtp: {
      status: () => call<SmtpStatus>("smtp_status"),
      save: (settings: SmtpSettings) => call<SmtpStatus>("smtp_save", { settings }),
      /** Kept in the system keyring, never in the file; "" removes it. */
      setPassword: (password: string) => call<SmtpStatus>("smtp_set_password", { password }),
    },
  },
  leads: {
    /** Empty `statuses`: every lead but converted ones. */
    list: (query: Partial<LeadQuery> = {}) => call<Page<LeadSummary>>("leads_list", { query }),
    /** One column per status; `query.limit` = cards per column. */
    board: (query: Partial<LeadQuery> = {}) => call<LeadColumn[]>("leads_board", { query }),
    get: (id: string) => call<Lead>("lead_get", { id }),
    create: (input: LeadInput) => call<Lead>("lead_create", { input }),
    update: (id: string, input: LeadInput) => call<Lead>("lead_update", { id, input }),
    /** `converted` is refused: convert the lead instead. */
    setStatus: (id: string, status: LeadStatus) => call<Lead>("lead_set_status", { id, status }),
    remove: (id: string) => call<null>("lead_delete", { id }),
    sources: () => call<LeadSource[]>("lead_sources"),
    addSource: (name: string) => call<LeadSource[]>("lead_source_add", { name }),
    removeSource: (name: string) => call<LeadSource[]>("lead_source_remove", { name }),
    /** What converting would do (writes nothing). */
    conversionPlan: (id: string) => call<ConversionPlan>("lead_conversion_plan", { id }),
    convert: (id: string, input: ConvertInput) => call<Converted>("lead_convert", { id, input }),
  },
  callLists: {
    list: () => call<CallList[]>("call_lists"),
    /** By id or name. */
    get: (key: string) => call<CallList>("call_list_get", { key }),
    import: (path: string, options: CallListImport) => call<CallListReport>("call_list_import", { path, options }),
    update: (key: string, input: CallListInput) => call<CallList>("call_list_update", { key, input }),
    remove: (key: string) => call<null>("call_list_delete", { key }),
    entries: (key: string, query: Partial<EntryQuery> = {}) => call<Page<Entry>>("call_list_entries", { key, query }),
    /** The person to call now; null when the list is done. `skip`: ids passed over this session. */
    next: (key: string, skip: string[] = []) => call<QueueItem | null>("call_list_next", { key, skip }),
    /** Records the outcome of a call (undo: `batch_id`). */
    record: (entryId: string, input: CallInput) => call<Called>("call_list_record", { entryId, input }),
  },
  imports: {
    /** Headers, guessed mapping, targets and first rows of a file (writes nothing). */
    inspect: (path: string, entity: ImportEntity) => call<Inspection>("import_inspect", { path, entity }),
    /** The first rows as they would be stored, with what would happen to each (writes nothing). */
    preview: (path: string, options: ImportOptions) => call<PreviewRow[]>("import_preview", { path, options }),
    /** One undoable batch (`batch_id`). */
    file: (path: string, options: ImportOptions) => call<ImportReport>("import_file", { path, options }),
    /** How far the running import (file or call list) got; does not wait for it. */
    progress: () => call<ImportProgress>("import_progress"),
    /** Stops the running import: its report says `cancelled` and nothing is written. */
    cancel: () => call<null>("import_cancel"),
  },
  exports: {
    csv: (entity: ExportEntity, path: string) => call<CsvReport>("export_csv", { entity, path }),
    /** The whole database as one JSON file (`rapport import archive` loads it into an empty file). */
    archive: (path: string) => call<ArchiveReport>("export_archive", { path }),
    vcard: (path: string, version: VcardVersion) => call<VcardReport>("export_vcard", { path, version }),
  },
  backups: {
    /** The backups of the open file, newest first. */
    list: () => call<BackupFile[]>("backups_list"),
    /** A verified backup now; null when the database is not a file. */
    now: () => call<BackupReport | null>("backup_now"),
    /** A verified backup to a file the user picked. */
    to: (path: string) => call<BackupReport>("backup_to", { path }),
  },
  tickets: {
    /** One queue (default `open`), filtered and sorted; pass `after` for the next page. */
    list: (query: Partial<TicketQuery> = {}) => call<Page<TicketSummary>>("tickets_list", { query }),
    /** How many tickets each queue holds, and who "Mine" means. */
    counts: () => call<QueueCounts>("ticket_counts"),
    get: (id: string) => call<Ticket>("ticket_get", { id }),
    create: (input: TicketInput) => call<Ticket>("ticket_create", { input }),
    update: (id: string, input: TicketInput) => call<Ticket>("ticket_update", { id, input }),
    setStatus: (id: string, status: TicketStatus) => call<Ticket>("ticket_set_status", { id, status }),
    /** A reply, a customer's message or an internal note; `status` changes it in the same save. */
    message: (id: string, input: MessageInput) => call<Ticket>("ticket_message", { id, input }),
    remove: (id: string) => call<null>("ticket_delete", { id }),
    /** Which team member "Mine" means; null forgets it. */
    setMe: (memberId: string | null) => call<string | null>("ticket_me_set", { memberId }),
    /** Complaint figures for tickets opened in [from, to) (YYYY-MM-DD, either open). */
    complaints: (from: string | null = null, to: string | null = null) => call<ComplaintStats>("complaints", { from, to }),
  },
  sla: {
    policies: () => call<SlaPolicy[]>("sla_policies"),
    /** Upserts by tier and priority; returns every policy. */
    savePolicy: (input: SlaPolicyInput) => call<SlaPolicy[]>("sla_policy_save", { input }),
    removePolicy: (id: string) => call<SlaPolicy[]>("sla_policy_remove", { id }),
    hours: () => call<WorkingHours>("working_hours"),
    setHours: (hours: WorkingHours) => call<WorkingHours>("working_hours_set", { hours }),
    holidays: () => call<Holiday[]>("holidays"),
    addHoliday: (day: string, name: string) => call<Holiday[]>("holiday_add", { day, name }),
    removeHoliday: (day: string) => call<Holiday[]>("holiday_remove", { day }),
  },
  agreements: {
    list: (accountId: string | null = null) => call<Agreement[]>("agreements_list", { accountId }),
    create: (input: AgreementInput) => call<Agreement>("agreement_create", { input }),
    update: (id: string, input: AgreementInput) => call<Agreement>("agreement_update", { id, input }),
    remove: (id: string) => call<null>("agreement_delete", { id }),
    /** The delivery log, newest due date first. */
    occurrences: (agreementId: string | null = null) => call<Occurrence[]>("agreement_occurrences", { agreementId }),
    /** Delivered or skipped (a skip needs a note). */
    settle: (id: string, status: "delivered" | "skipped", note: string | null = null) =>
      call<Occurrence>("occurrence_settle", { id, status, note }),
  },
  products: {
    /** By SKU or name; inactive products only when asked. */
    list: (search: string | null = null, includeInactive = false) =>
      call<Product[]>("products_list", { search, includeInactive }),
    get: (id: string) => call<Product>("product_get", { id }),
    create: (input: ProductInput) => call<Product>("product_create", { input }),
    update: (id: string, input: ProductInput) => call<Product>("product_update", { id, input }),
  },
  documents: {
    /** Quotes, orders, invoices and credit notes, newest first. */
    list: (query: Partial<DocumentQuery> = {}) =>
      call<DocumentSummary[]>("documents_list", {
        query: {
          kind: null,
          account_id: null,
          opportunity_id: null,
          source_id: null,
          status: null,
          limit: null,
          ...query,
        } satisfies DocumentQuery,
      }),
    get: (id: string) => call<Document>("document_get", { id }),
    /** Writes the document as a PDF to `path`. */
    pdf: (id: string, path: string) => call<PdfReport>("document_pdf", { id, path }),
  },
  quotes: {
    create: (input: QuoteInput) => call<Document>("quote_create", { input }),
    /** Drafts only. */
    update: (id: string, input: QuoteInput) => call<Document>("quote_update", { id, input }),
    /** A sent, rejected or expired quote: a new version with the same number; the old one is superseded. */
    revise: (id: string, input: QuoteInput) => call<Document>("quote_revise", { id, input }),
    setStatus: (id: string, status: "sent" | "accepted" | "rejected") => call<Document>("quote_set_status", { id, status }),
    /** The sales order of an accepted (or sent: accepted in the same step) quote. */
    toOrder: (quoteId: string) => call<Document>("order_from_quote", { quoteId }),
  },
  orders: {
    /** A draft invoice: `parts` for a partial one, null for everything not yet invoiced. */
    invoice: (orderId: string, parts: PartInput[] | null = null) => call<Document>("invoice_from_order", { orderId, parts }),
  },
  invoices: {
    /** Numbers the draft (next invoice number) and sets its due date. */
    issue: (id: string, issuedOn: string | null = null, termsDays: number | null = null) =>
      call<Document>("invoice_issue", { id, issuedOn, termsDays }),
    pay: (invoiceId: string, input: PaymentInput) => call<Document>("payment_record", { invoiceId, input }),
    /** The credit note: `parts` per line, null for the whole invoice. */
    credit: (invoiceId: string, parts: PartInput[] | null = null, notes: string | null = null) =>
      call<Document>("credit_note_create", { invoiceId, parts, notes }),
    /** An issued invoice without payments becomes void (its number kept); a draft is deleted. */
    void: (id: string) => call<null>("invoice_void", { id }),
  },
  /** What an account was invoiced, paid and owes, one entry per currency. */
  accountMoney: (accountId: string) => call<AccountMoney[]>("account_money", { accountId }),
  sequences: {
    list: () => call<Sequence[]>("sequences"),
    set: (kind: DocumentKind, prefix: string | null, yearly: boolean | null, next: number | null) =>
      call<Sequence[]>("sequence_set", { kind, prefix, yearly, next }),
  },
  company: {
    get: () => call<CompanyProfile>("company_profile"),
    set: (profile: CompanyProfile) => call<CompanyProfile>("company_profile_set", { profile }),
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
  undo: (batch: string) => call<string>("undo", { batch }),
};

export type Api = typeof api;
