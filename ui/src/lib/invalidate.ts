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
