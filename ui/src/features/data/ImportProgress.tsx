import { useMutation, useQuery } from "@tanstack/react-query";

import { api } from "../../lib/api";
import "../../styles/import-running.css";
import { qk } from "../../lib/queryKeys";

/** How often the running import is asked how far it got. */
export const PROGRESS_POLL_MS = 250;

/**
 * While an import runs: a bar fed by polling `import_progress`, and a button that stops it
 * (the import then writes nothing). Mount it only while the import is running.
 */
export function ImportRunning({ what = "rows" }: { what?: string }) {
  const progress = useQuery({
    queryKey: qk.importProgress,
    queryFn: api.imports.progress,
    refetchInterval: PROGRESS_POLL_MS,
    refetchIntervalInBackground: true,
    staleTime: 0,
    gcTime: 0,
  });
  const cancel = useMutation({ mutationFn: api.imports.cancel });
  const done = progress.data?.done ?? 0;
  const total = progress.data?.total ?? 0;
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="import-running" data-testid="import-running">
      <div
        className={`progress${total > 0 ? "" : " indeterminate"}`}
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={total > 0 ? pct : undefined}
        data-testid="import-progress"
      >
        <div className="progress-fill" style={{ width: `${total > 0 ? pct : 0}%` }} />
      </div>
      <span className="muted small import-running-text" data-testid="import-progress-text">
        {cancel.isPending || cancel.isSuccess
          ? "Stopping…"
          : total > 0
            ? `${done.toLocaleString()} of ${total.toLocaleString()} ${what} (${pct}%)`
            : "Starting…"}
      </span>
      <button className="btn small" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.isSuccess} data-testid="import-cancel">
        Cancel
      </button>
    </div>
  );
}
