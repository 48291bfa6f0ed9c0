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
