import type { QueryClient } from "@tanstack/react-query";

import { isTimeline, qk, rootOf } from "./queryKeys";

/** The caches an activity write can change: agenda, calendar, reminders, timelines, lists. */
const ROOTS = new Set([qk.agenda, qk.calendar.all, qk.reminders.all, qk.activities.all].map(rootOf));

export function invalidateActivities(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => {
      const key = q.queryKey;
      return ROOTS.has(rootOf(key)) || isTimeline(key);
    },
  });
}

/**
 * The caches a ticket write can change: ticket lists, queue counts (the sidebar badge), the
 * ticket itself, timelines (accounts and contacts list their tickets), and the agenda (a
 * callback request schedules a call).
 */
export function invalidateTickets(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => {
      const key = q.queryKey;
      return rootOf(key) === rootOf(qk.tickets.all) || ROOTS.has(rootOf(key)) || isTimeline(key);
    },
  });
}

/** Sales documents' roots: the documents and their lists (on deals and accounts too), account money. */
const SALES_ROOTS = new Set([qk.documents.all, qk.accountMoney.all].map(rootOf));

/**
 * The caches a sales write (quote, order, invoice, payment, credit note) can change: the
 * documents themselves and their lists (on deals and accounts too), and account money.
 */
export function invalidateSales(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => SALES_ROOTS.has(rootOf(q.queryKey)),
  });
}
