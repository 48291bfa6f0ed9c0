import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { api } from "./api";
import { qk, rootOf } from "./queryKeys";

/** How often the window asks whether the file changed outside it. */
export const OUTSIDE_POLL_MS = 2000;

/**
 * What the window should do on a new answer: `refresh` when the file moved since the last
 * known answer. An unknown answer (`null`: another program is writing right now) changes
 * nothing, so the refresh comes once that program is done.
 */
export function outsideStep(last: number | null, next: number | null | undefined): { last: number | null; refresh: boolean } {
  if (next === null || next === undefined) return { last, refresh: false };
  return { last: next, refresh: last !== null && next !== last };
}

/** Refetches what is on screen (every query but this poll's own). */
export function refreshAll(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ predicate: (q) => rootOf(q.queryKey) !== rootOf(qk.outsideChanges) });
}

/**
 * Changes made outside the window show by themselves within a few seconds: a `rapport import`
 * in a terminal, a restore by another program, mail fetched in the background. The data is
 * otherwise cached until the window's own writes invalidate it (App.tsx), so the shell asks
 * SQLite's change counter every two seconds (no read of the data, never waiting for a busy
 * file) and refetches what is shown when it moved. Forms keep what is being typed: their
 * drafts do not follow refetches.
 */
export function useOutsideChanges(): void {
  const client = useQueryClient();
  const last = useRef<number | null>(null);
  const version = useQuery({ queryKey: qk.outsideChanges, queryFn: api.outsideChanges, refetchInterval: OUTSIDE_POLL_MS });
  useEffect(() => {
    const step = outsideStep(last.current, version.data);
    last.current = step.last;
    if (step.refresh) void refreshAll(client);
  }, [client, version.data]);
}
