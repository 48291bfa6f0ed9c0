/**
 * Every TanStack Query key of the UI, and nowhere else (an ESLint rule rejects an array
 * literal as a `queryKey` or as the key of a query-client call).
 *
 * A key is an array whose first item is its root. Invalidation matches by prefix, so
 * `qk.contacts.all` refetches every contact query: lists, pages, timelines, duplicates.
 * Some writes match on the root, or on the `TIMELINE` marker anywhere in a key, with a
 * predicate instead (lib/invalidate.ts, `invalidateDeals`): keep a new key under the root of
 * the records it shows, and the marker in every timeline.
 */

/** A record's id; a page whose query waits for one (`enabled: false`) may not have it yet. */
type Id = string | null | undefined;

/** The item every timeline key carries, whatever its root. */
export const TIMELINE = "timeline";

/** The keys every kind of record has: under its root, its list, a page, and its timeline. */
function records<R extends string>(root: R) {
  return {
    all: [root] as const,
    detail: (id: Id) => [root, id] as const,
    list: (query: unknown) => [root, "list", query] as const,
    timeline: (id: string, filter: unknown) => [root, id, TIMELINE, filter] as const,
  };
}

export const qk = {
  /** The keys of a kind of record named at run time (a list screen's or a timeline's entity). */
  records: (entity: string) => records(entity),

  appStatus: ["app-status"] as const,
  /** The number that moves when the file was changed outside the window (lib/outsideChanges). */
  outsideChanges: ["outside-changes"] as const,
  appHealth: ["app-health"] as const,
  /** The History screen's list of recent actions (pages). */
  history: ["history"] as const,
  search: (text: string) => ["search", text] as const,
  fields: (entity: string) => ["fields", entity] as const,
  views: (entity: string) => ["views", entity] as const,
  team: ["team"] as const,
  tags: ["tags"] as const,
  company: ["company"] as const,
  /** Invoice, quote, order and credit note numbering (sales settings). */
  numbering: ["numbering"] as const,
  /** A search-as-you-type picker of accounts or contacts (`scope`: what else it depends on). */
  picker: (kind: "account" | "contact", text: string, scope: string | null) => [kind, "pick", text, scope] as const,

  contacts: {
    ...records("contacts"),
    ofAccount: (accountId: string) => ["contacts", "of-account", accountId] as const,
    likelyDuplicates: (id: string | null, probe: unknown) => ["contacts", "likely-duplicates", id, probe] as const,
  },
  accounts: {
    ...records("accounts"),
    children: (id: string) => ["accounts", "children", id] as const,
    /** Every account, for the parent and company pickers. */
    picker: ["accounts", "list", "picker"] as const,
  },
  duplicates: ["duplicates"] as const,
  leads: {
    ...records("leads"),
    board: ["leads", "board"] as const,
    sources: ["leads", "sources"] as const,
    conversionPlan: (id: string) => ["leads", id, "plan"] as const,
  },
  callLists: {
    all: ["calllists"] as const,
    detail: (id: string) => ["calllists", id] as const,
    entries: (id: Id, status: unknown, text: string | null) => ["calllists", id, "entries", status, text] as const,
    queue: (id: string, skip: unknown) => ["calllists", id, "queue", skip] as const,
  },

  agenda: ["agenda"] as const,
  calendar: {
    all: ["calendar"] as const,
    range: (from: string, to: string, owner: string | null) => ["calendar", from, to, owner] as const,
    month: (from: string, to: string, owner: string | null) => ["calendar", "month", from, to, owner] as const,
    /** Who "Mine" means, asked again each time the calendar opens. */
    me: ["calendar", "me"] as const,
  },
  activities: {
    all: ["activities"] as const,
    detail: (id: Id) => ["activities", id] as const,
  },
  reminders: {
    all: ["reminders"] as const,
    due: ["reminders", "due"] as const,
  },

  /** Deal pages, the board and the forecast; deal lists and timelines are `opportunities`. */
  deals: {
    all: ["deals"] as const,
    detail: (id: Id) => ["deals", id] as const,
    history: (id: string) => ["deals", id, "history"] as const,
    board: (query: unknown) => ["deals", "board", query] as const,
    forecast: (query: unknown) => ["deals", "forecast", query] as const,
    ofAccount: (accountId: string) => ["deals", "of-account", accountId] as const,
  },
  /** Deals under their record name: the list screen, custom fields and timelines. */
  opportunities: records("opportunities"),
  pipelines: {
    all: ["pipelines"] as const,
    lostReasons: ["pipelines", "lost-reasons"] as const,
  },
  products: {
    all: ["products"] as const,
    list: (text: string, inactive: boolean) => ["products", "list", text, inactive] as const,
    pick: (text: string) => ["products", "pick", text] as const,
  },
  documents: {
    all: ["documents"] as const,
    list: (query: unknown) => ["documents", "list", query] as const,
    detail: (id: string) => ["documents", id] as const,
  },
  accountMoney: {
    all: ["account-money"] as const,
    of: (accountId: string) => ["account-money", accountId] as const,
  },

  tickets: {
    ...records("tickets"),
    counts: ["tickets", "counts"] as const,
    total: (which: "resolved" | "all") => ["tickets", "total", which] as const,
    /** The tickets of an account or a contact. */
    of: (filter: unknown) => ["tickets", "of", filter] as const,
  },
  agreements: {
    all: ["agreements"] as const,
    of: (accountId: string) => ["agreements", accountId] as const,
    occurrences: (id: string) => ["agreements", "occurrences", id] as const,
  },
  sla: {
    hours: ["sla", "hours"] as const,
    holidays: ["sla", "holidays"] as const,
    policies: ["sla", "policies"] as const,
  },

  mailbox: {
    all: ["mailbox"] as const,
    status: ["mailbox", "status"] as const,
    problem: ["mailbox", "problem"] as const,
    unmatched: ["mailbox", "unmatched"] as const,
    message: (activityId: string) => ["mailbox", "message", activityId] as const,
  },
  marketing: {
    all: ["marketing"] as const,
    smtp: ["marketing", "smtp"] as const,
    mergeFields: ["marketing", "merge-fields"] as const,
    campaigns: {
      all: ["marketing", "campaigns"] as const,
      list: ["marketing", "campaigns", "list"] as const,
      effectiveness: ["marketing", "campaigns", "effectiveness"] as const,
      detail: (id: string) => ["marketing", "campaigns", id] as const,
      effectivenessOf: (id: string) => ["marketing", "campaigns", id, "effectiveness"] as const,
      members: (id: string) => ["marketing", "campaigns", id, "members"] as const,
    },
    segments: {
      all: ["marketing", "segments"] as const,
      list: ["marketing", "segments", "list"] as const,
      detail: (id: Id) => ["marketing", "segments", id] as const,
      count: (id: string) => ["marketing", "segments", id, "count"] as const,
      members: (id: string, limit: number) => ["marketing", "segments", id, "members", limit] as const,
      fields: (entity: string) => ["marketing", "segments", "fields", entity] as const,
      preview: (entity: string, filter: unknown) => ["marketing", "segments", "preview", entity, filter] as const,
    },
    sequences: {
      all: ["marketing", "sequences"] as const,
      list: ["marketing", "sequences", "list"] as const,
      enrolments: (id: string) => ["marketing", "sequences", id, "enrolments"] as const,
      of: (entity: string, id: string) => ["marketing", "sequences", "of", entity, id] as const,
    },
    templates: {
      list: ["marketing", "templates", "list"] as const,
      preview: (id: string | undefined, updatedAt: string | undefined, contactId: string | undefined) =>
        ["marketing", "templates", "preview", id, updatedAt, contactId] as const,
    },
    promotions: {
      list: ["marketing", "promotions", "list"] as const,
      detail: (id: string) => ["marketing", "promotions", id] as const,
    },
    outbox: {
      counts: ["marketing", "outbox", "counts"] as const,
      list: (status: unknown) => ["marketing", "outbox", "list", status] as const,
      problem: ["marketing", "outbox", "problem"] as const,
      ofPromotion: (id: string) => ["marketing", "outbox", "promotion", id] as const,
    },
  },

  analytics: {
    dashboard: (scope: unknown) => ["analytics", "dashboard", scope] as const,
    records: (figure: string, scope: unknown) => ["analytics", "records", figure, scope] as const,
    report: (name: string, scope: unknown) => ["analytics", "report", name, scope] as const,
    churn: (accountId: string) => ["analytics", "churn", accountId] as const,
  },

  backups: ["backups"] as const,
  importProgress: ["import-progress"] as const,
  importPreview: (path: string | undefined, options: unknown) => ["import-preview", path, options] as const,
};

/** The root of a key, for predicates that match several roots. */
export function rootOf(key: readonly unknown[]): string {
  return String(key[0]);
}

/** Whether a key is a timeline's (of any record). */
export function isTimeline(key: readonly unknown[]): boolean {
  return key.includes(TIMELINE);
}
