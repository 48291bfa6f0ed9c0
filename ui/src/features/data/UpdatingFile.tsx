import type { AppStatus } from "../../lib/api";

/** How often the shell asks how the file stands: every second while it is being updated. */
export function statusInterval(status: AppStatus | undefined): number | false {
  return status?.open_error?.code === "updating" ? 1000 : false;
}

/** The data file is being brought up to this version in the background: say so, and wait.
 * The shell asks again every second and opens by itself when it is done. */
export function UpdatingFile({ status }: { status: AppStatus }) {
  return (
    <div className="fatal" data-testid="updating-file" role="status" aria-live="polite">
      <div className="card">
        <h2>Updating your data file…</h2>
        <p>{status.open_error?.message}</p>
        <p className="muted">
          File: <code>{status.db_path}</code>
          <br />
          The window opens by itself when it is done.
        </p>
      </div>
    </div>
  );
}
