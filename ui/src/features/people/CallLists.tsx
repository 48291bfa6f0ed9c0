import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";

import { ImportRunning } from "../data/ImportProgress";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, toApiError, type CallListReport, type Inspection, type Progress } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { progressPercent } from "./leads";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

export function ProgressBar({ progress }: { progress: Progress }) {
  const pct = progressPercent(progress);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} title={`${pct}% called`}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function CallLists() {
  const lists = useQuery({ queryKey: qk.callLists.all, queryFn: api.callLists.list });
  const [importing, setImporting] = useState(false);
  return (
    <>
      <PageHead title="Call lists" sub={lists.data ? `${lists.data.length} ${lists.data.length === 1 ? "list" : "lists"}` : " "}>
        <button className="btn primary" onClick={() => setImporting(true)} data-testid="calllist-import">
          Import call list…
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={lists.error} />
        {lists.data && lists.data.length === 0 && (
          <div className="empty" data-testid="calllists-empty">
            <h2>No call lists yet</h2>
            <div>Import a CSV file of people to call (a purchased list, a trade-fair scan) and work through it one call at a time.</div>
            <button className="btn primary" onClick={() => setImporting(true)}>
              Import call list…
            </button>
          </div>
        )}
        {lists.data && lists.data.length > 0 && (
          <div className="table-card">
            <table className="list calllists" data-testid="calllists-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">People</th>
                  <th className="num">Called</th>
                  <th className="num">Remaining</th>
                  <th className="num">Callbacks due</th>
                  <th className="num">Promoted</th>
                  <th className="progress-col">Progress</th>
                  <th className="row-actions" aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {lists.data.map((l) => (
                  <tr key={l.id} data-testid="calllist-row">
                    <td>
                      <Link href={`/calllists/${l.id}`} data-testid="calllist-name">
                        {l.name}
                      </Link>
                      <div className="muted small">
                        {l.owner_name ? `${l.owner_name} · ` : ""}imported {formatDate(l.created_at)}
                      </div>
                    </td>
                    <td className="num">{l.progress.total.toLocaleString()}</td>
                    <td className="num">{l.progress.called.toLocaleString()}</td>
                    <td className="num">{l.progress.remaining.toLocaleString()}</td>
                    <td className="num">{l.progress.callbacks_due > 0 ? <span className="badge">{l.progress.callbacks_due}</span> : 0}</td>
                    <td className="num">{l.progress.promoted.toLocaleString()}</td>
                    <td>
                      <ProgressBar progress={l.progress} />
                    </td>
                    <td className="row-actions">
                      <Link className="btn primary small" href={`/calllists/${l.id}/call`} data-testid="calllist-start">
                        {l.progress.called > 0 ? "Continue calling" : "Start calling"}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </>
  );
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Pick a CSV, check the columns, name the list, import, read the report. */
function ImportDialog({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [path, setPath] = useState<string | null>(null);
  const [inspection, setInspection] = useState<Inspection | null>(null);
  const [mapping, setMapping] = useState<(string | null)[]>([]);
  const [name, setName] = useState("");
  const [script, setScript] = useState("");
  const [includeKnown, setIncludeKnown] = useState(false);
  const [report, setReport] = useState<CallListReport | null>(null);
  const [stopped, setStopped] = useState(false);
  const pick = useMutation({
    mutationFn: async () => {
      const picked = await api.openFile("CSV files", ["csv", "txt"]);
      if (!picked) return null;
      const inspected = await api.imports.inspect(picked, "call_list");
      return { picked, inspected };
    },
    onSuccess: (r) => {
      if (!r) return;
      setPath(r.picked);
      setInspection(r.inspected);
      setMapping(r.inspected.mapping);
      setName((n) => n || fileName(r.picked).replace(/\.[^.]+$/, ""));
    },
  });
  const run = useMutation({
    mutationFn: () => {
      setStopped(false);
      return api.callLists.import(path as string, {
        list: { name: name.trim(), script: script.trim() || null, max_attempts: null, owner_id: null },
        mapping,
        include_known: includeKnown,
        source_file: path ? fileName(path) : null,
      });
    },
    onSuccess: async (r) => {
      if (r.cancelled) {
        // Stopped by the user: nothing was written; the choices stay for another go.
        setStopped(true);
        return;
      }
      setReport(r);
      await client.invalidateQueries({ queryKey: qk.callLists.all });
    },
  });
  const error = pick.error ?? run.error;
  const fieldError = run.error ? toApiError(run.error).field("list.name") ?? toApiError(run.error).field("name") : undefined;

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !run.isPending && onClose()}>
      <div className="dialog import-dialog" role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog">
        <h2 id="import-title">Import a call list</h2>
        <ErrorBanner error={error && !fieldError ? error : null} />
        {report ? (
          <ImportReportView report={report} />
        ) : !inspection ? (
          <p>
            Choose a CSV file with one person per row: at least a name and a phone number. Other columns are kept as details shown while calling.
          </p>
        ) : (
          <>
            <p className="muted small">
              {inspection.file_name}: {inspection.rows.toLocaleString()} rows · {inspection.encoding} · separated by “{inspection.delimiter === "\t" ? "tab" : inspection.delimiter}”
            </p>
            <label className="menu-field">
              Name of the list
              <input className="input" data-testid="import-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
              {fieldError && <span className="field-error">{fieldError}</span>}
            </label>
            <label className="menu-field">
              Call script (optional)
              <textarea className="input" rows={3} data-testid="import-script" placeholder="Hello, this is … from …" value={script} onChange={(e) => setScript(e.target.value)} />
            </label>
            <div className="import-preview">
              <table className="list" data-testid="import-mapping">
                <thead>
                  <tr>
                    {inspection.headers.map((h, i) => (
                      <th key={i}>
                        <div className="import-head">{h}</div>
                        <select
                          className="input"
                          aria-label={`Field for column ${h}`}
                          value={mapping[i] ?? ""}
                          onChange={(e) => setMapping((m) => m.map((x, j) => (j === i ? e.target.value || null : x)))}
                        >
                          <option value="">Keep as detail</option>
                          {inspection.targets.map((t) => (
                            <option key={t.key} value={t.key}>
                              {t.label}
                            </option>
                          ))}
                        </select>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {inspection.sample.map((row) => (
                    <tr key={row.line} title={row.problem ?? undefined} className={row.problem ? "problem" : undefined}>
                      {inspection.headers.map((_, i) => (
                        <td key={i}>{row.cells[i] ?? ""}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <label className="radio-row">
              <input type="checkbox" checked={includeKnown} onChange={(e) => setIncludeKnown(e.target.checked)} />
              Also import people whose number already belongs to a contact or lead
            </label>
            {run.isPending && <ImportRunning what="rows" />}
            {stopped && !run.isPending && (
              <p className="muted" role="status" data-testid="import-stopped">
                Stopped: nothing was imported.
              </p>
            )}
          </>
        )}
        <div className="actions">
          {report ? (
            <>
              {report.batch_id && (
                <button
                  className="btn"
                  onClick={() => {
                    api
                      .undo(report.batch_id as string)
                      .then(async () => {
                        await client.invalidateQueries({ queryKey: qk.callLists.all });
                        notify("Import undone");
                        onClose();
                      })
                      .catch((e: unknown) => notify(toApiError(e).message, "error"));
                  }}
                >
                  Undo import
                </button>
              )}
              {report.list_id && (
                <Link className="btn" href={`/calllists/${report.list_id}/call`} data-testid="import-start">
                  Start calling
                </Link>
              )}
              <button className="btn primary" onClick={onClose} data-testid="import-done">
                Done
              </button>
            </>
          ) : (
            <>
              <button className="btn" onClick={onClose} disabled={run.isPending}>
                Cancel
              </button>
              <button className={`btn${inspection ? "" : " primary"}`} onClick={() => pick.mutate()} disabled={pick.isPending || run.isPending} data-testid="import-pick">
                {inspection ? "Choose another file…" : "Choose a file…"}
              </button>
              {inspection && (
                <button className="btn primary" onClick={() => run.mutate()} disabled={run.isPending || !name.trim()} data-testid="import-run">
                  {run.isPending ? "Importing…" : `Import ${inspection.rows.toLocaleString()} rows`}
                </button>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function ImportReportView({ report }: { report: CallListReport }) {
  return (
    <div data-testid="import-report">
      <p>
        <strong>{report.added.toLocaleString()}</strong> {report.added === 1 ? "person" : "people"} added to <strong>{report.name}</strong> (of{" "}
        {report.rows_read.toLocaleString()} rows read).
      </p>
      {report.skipped.length > 0 && (
        <details open={report.skipped.length <= 10}>
          <summary>
            {report.skipped.length.toLocaleString()} skipped as duplicates
          </summary>
          <ul className="report-rows" data-testid="import-skipped">
            {report.skipped.map((r) => (
              <li key={`s${r.line}`}>
                Line {r.line}: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {report.rejected.length > 0 && (
        <details open={report.rejected.length <= 10}>
          <summary>
            {report.rejected.length.toLocaleString()} rejected
          </summary>
          <ul className="report-rows" data-testid="import-rejected">
            {report.rejected.map((r) => (
              <li key={`r${r.line}`}>
                Line {r.line}: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
