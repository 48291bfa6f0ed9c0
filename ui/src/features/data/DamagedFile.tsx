import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner } from "../../components/PageHead";
import { api, toApiError, type AppStatus } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { reopenWindow } from "../../lib/reopen";

function plain(error: unknown): Error {
  const m = toApiError(error).message;
  return new Error(m.charAt(0).toUpperCase() + m.slice(1));
}

/** The data file could not be opened: say why, and offer the newest good backup or another file. */
export function DamagedFile({ status }: { status: AppStatus }) {
  const e = status.open_error;
  const backup = status.newest_backup;
  const [confirming, setConfirming] = useState(false);
  const restore = useMutation({
    mutationFn: (path: string) => api.db.restore(path),
    onSuccess: () => reopenWindow(),
    onSettled: () => setConfirming(false),
  });
  const openOther = useMutation({
    mutationFn: async () => {
      const path = await api.openFile("Rapport data files", ["db", "sqlite", "rapport"]);
      if (!path) return false;
      await api.db.open(path);
      return true;
    },
    onSuccess: (opened) => {
      if (opened) reopenWindow();
    },
  });
  const busy = restore.isPending || openOther.isPending;
  const error = restore.error ?? openOther.error;

  return (
    <div className="fatal" data-testid="open-error">
      <div className="card">
        <h2>Rapport could not open your data file</h2>
        <p>{e?.message}</p>
        <p className="muted">
          File: <code>{status.db_path}</code>
          <br />
          Nothing was changed. Restore a backup, or open another data file.
        </p>
        {backup ? (
          <p data-testid="newest-backup">
            The newest good backup was taken {formatDateTime(backup.taken_at)}:
            <br />
            <code>{backup.path}</code>
            <br />
            Restoring it moves the damaged file aside (never overwritten). From the command line, with Rapport closed:
            <br />
            <code>
              rapport --db {status.db_path} restore {backup.path}
            </code>
          </p>
        ) : (
          <p className="muted">No backup of this file was found in its backups folder.</p>
        )}
        <ErrorBanner error={error ? plain(error) : null} />
        <div className="actions fatal-actions">
          {backup && (
            <button className="btn primary" onClick={() => setConfirming(true)} disabled={busy} data-testid="restore-newest">
              {restore.isPending ? "Restoring…" : "Restore this backup"}
            </button>
          )}
          <button className="btn" onClick={() => openOther.mutate()} disabled={busy} data-testid="open-other">
            {openOther.isPending ? "Opening…" : "Open another file…"}
          </button>
        </div>
      </div>
      {confirming && backup && (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel={restore.isPending ? "Restoring…" : "Restore"}
          busy={restore.isPending}
          onConfirm={() => restore.mutate(backup.path)}
          onCancel={() => setConfirming(false)}
        >
          Replace the data in <strong>{status.db_path.split(/[\\/]/).pop()}</strong> with the backup from{" "}
          <strong>{formatDateTime(backup.taken_at)}</strong>? The damaged file is kept aside first.
        </ConfirmDialog>
      )}
    </div>
  );
}
