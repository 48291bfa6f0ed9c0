import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { formatWhen } from "./activities";
import { api, toApiError, type Activity } from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useNotify } from "../../components/Toasts";

/**
 * Ticks an activity off, with a toast naming the next occurrence of a recurring one and an
 * Undo that takes the whole save back (the next occurrence included). `onUndone` and
 * `onFailed` let a screen put an item it hid at once back in place.
 */
export function useCompleteActivity() {
  const client = useQueryClient();
  const notify = useNotify();
  return useCallback(
    async (a: Activity, hooks: { onUndone?: () => void; onFailed?: () => void } = {}) => {
      try {
        const result = await api.activities.complete(a.id);
        await invalidateActivities(client);
        const next = result.next?.starts_at ? ` · next on ${formatWhen(result.next.starts_at, result.next.all_day)}` : "";
        notify(`Done: ${a.subject}${next}`, "info", {
          label: "Undo",
          run: () =>
            void api
              .undo(result.batch_id)
              .then(() => {
                hooks.onUndone?.();
                return invalidateActivities(client);
              })
              .catch((e: unknown) => notify(toApiError(e).message, "error")),
        });
      } catch (e) {
        hooks.onFailed?.();
        notify(toApiError(e).message, "error");
      }
    },
    [client, notify],
  );
}
