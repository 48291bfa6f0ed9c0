import type { QueryClient } from "@tanstack/react-query";

/** The caches an activity write can change: agenda, calendar, reminders, timelines, lists. */
const ROOTS = new Set(["agenda", "calendar", "reminders", "activities"]);

export function invalidateActivities(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => {
      const key = q.queryKey;
      return ROOTS.has(String(key[0])) || key.includes("timeline");
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
      return key[0] === "tickets" || ROOTS.has(String(key[0])) || key.includes("timeline");
    },
  });
}

/**
 * The caches a sales write (quote, order, invoice, payment, credit note) can change: the
 * documents themselves and their lists (on deals and accounts too), and account money.
 */
export function invalidateSales(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => {
      const root = String(q.queryKey[0]);
      return root === "documents" || root === "account-money";
    },
  });
}
