import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ImportRunning } from "./ImportProgress";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import {
  api,
  toApiError,
  type BackupFile,
  type Dedup,
  type ExportEntity,
  type ImportEntity,
  type ImportOptions,
  type ImportReport,
  type Inspection,
  type VcardVersion,
} from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { reopenWindow } from "../../lib/reopen";
import "../../styles/leads.css";
import "../../styles/data.css";
import { qk } from "../../lib/queryKeys";

/** Import files, export files, see backups: the user owns their data. */
export function Data() {
  return (
    <>
      <PageHead title="Data" sub="Bring records in, take everything out, and keep copies" />
      <div className="page-body data-page">
        <DataFileSection />
        <ImportSection />
        <ExportSection />
        <BackupsSection />
      </div>
    </>
  );
}

/** Today in the computer's time zone, as YYYY-MM-DD (for file names). */
export function localDay(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i > 0 ? path.slice(0, i) : ".";
}

const n = (x: number) => x.toLocaleString();

/* ---------------------------------------------------------------- data file */

/** The file extensions a Rapport data file may have. */
const DB_EXTENSIONS = ["db", "sqlite", "rapport"];

function DataFileSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const status = useQuery({ queryKey: qk.appStatus, queryFn: api.appStatus });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"open" | "new" | "backup" | null>(null);

  const act = async (key: "open" | "new" | "backup", run: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(plainError(e));
    } finally {
      setBusy(null);
    }
  };

  const openOther = () =>
    act("open", async () => {
      const path = await api.openFile("Rapport data files", DB_EXTENSIONS);
      if (!path) return;
      await api.db.open(path);
      reopenWindow();
    });
  const createNew = () =>
    act("new", async () => {
      const path = await api.saveFile("rapport-new.db", "Rapport data file", ["db"]);
      if (!path) return;
      await api.db.create(path);
      reopenWindow();
    });
  const backUpTo = () =>
    act("backup", async () => {
      const path = await api.saveFile(`rapport-backup-${localDay()}.db`, "Rapport data file", ["db"]);
      if (!path) return;
      const r = await api.backups.to(path);
      await client.invalidateQueries({ queryKey: qk.backups });
      notify(`Backed up to ${r.path} (${formatMegabytes(r.bytes)})`);
    });

  const dbPath = status.data?.db_path;
  return (
    <section className="form-section data-section data-file" data-testid="data-file">
      <h2>Data file</h2>
      <p className="data-file-path">
        <span className="muted">Open now:</span>
        <code data-testid="data-file-path" title={dbPath}>
          {dbPath ?? "…"}
        </code>
      </p>
      <div className="data-buttons">
        <button className="btn" onClick={() => void openOther()} disabled={busy !== null} data-testid="data-file-open">
          {busy === "open" ? "Opening…" : "Open another file…"}
        </button>
        <button className="btn" onClick={() => void createNew()} disabled={busy !== null} data-testid="data-file-new">
          {busy === "new" ? "Creating…" : "New database…"}
        </button>
        <button className="btn" onClick={() => void backUpTo()} disabled={busy !== null} data-testid="data-file-backup">
          {busy === "backup" ? "Backing up…" : "Back up to a file…"}
        </button>
      </div>
      <ErrorBanner error={error} />
    </section>
  );
}

/* ---------------------------------------------------------------- import */

const IMPORT_KINDS: { value: ImportEntity; label: string; hint: string }[] = [
  { value: "contacts", label: "Contacts", hint: "People, from a CSV file (Google, Outlook, HubSpot, …) or vCards (.vcf)." },
  { value: "accounts", label: "Accounts", hint: "Companies, from a CSV file." },
  { value: "leads", label: "Leads", hint: "Leads, from a CSV file or a JSON export of a web form." },
  { value: "opportunities", label: "Deals", hint: "Deals, from a CSV file (Pipedrive, HubSpot, Salesforce, …): stage by name, company found or created." },
  { value: "products", label: "Products", hint: "The product catalogue, from a CSV file: SKU, name, unit, price, tax rate; matched by SKU (update to load a new price list)." },
];

const DEDUP: { value: Dedup; label: string; hint: string }[] = [
  { value: "skip", label: "Skip", hint: "Leave the record on file alone and leave the row out." },
  { value: "update", label: "Update", hint: "Fill the record on file with the row's values (lists are added to)." },
  { value: "create", label: "Create", hint: "Add the row as a new record anyway." },
];

const OUTCOME_LABEL: Record<string, string> = { create: "New", update: "Update", skip: "Skip", reject: "Rejected" };

type Picked = { path: string; inspection: Inspection };

function ImportSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const [entity, setEntity] = useState<ImportEntity>("contacts");
  const [picked, setPicked] = useState<Picked | null>(null);
  const [mapping, setMapping] = useState<(string | null)[]>([]);
  const [dedup, setDedup] = useState<Dedup>("skip");
  const [source, setSource] = useState("");
  const [previewing, setPreviewing] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [undone, setUndone] = useState(false);
  const [stopped, setStopped] = useState(false);

  const start = (p: Picked | null) => {
    setPicked(p);
    setMapping(p ? p.inspection.mapping : []);
    setPreviewing(false);
    setReport(null);
    setUndone(false);
    setStopped(false);
    run.reset();
    undo.reset();
  };

  const inspect = useMutation({
    mutationFn: async ({ kind, path }: { kind: ImportEntity; path: string | null }) => {
      const chosen = path ?? (await api.openFile("Data files", ["csv", "tsv", "txt", "json", "vcf"]));
      if (!chosen) return null;
      return { path: chosen, inspection: await api.imports.inspect(chosen, kind) };
    },
    onSuccess: (p) => {
      if (p) start(p);
    },
  });

  const options: ImportOptions = {
    entity,
    mapping,
    dedup,
    source: entity === "leads" ? source.trim() || null : null,
  };
  const preview = useQuery({
    queryKey: qk.importPreview(picked?.path, options),
    queryFn: () => api.imports.preview(picked?.path as string, options),
    enabled: previewing && picked !== null && report === null,
    staleTime: 0,
    gcTime: 0,
    placeholderData: keepPreviousData,
  });

  const run = useMutation({
    mutationFn: () => {
      setStopped(false);
      return api.imports.file(picked?.path as string, options);
    },
    onSuccess: async (r) => {
      if (r.cancelled) {
        // Stopped by the user: nothing was written; the mapping stays for another go.
        setStopped(true);
        return;
      }
      setReport(r);
      // Rows can touch more than their own kind (a contact's account, tags): refetch what is shown.
      await client.invalidateQueries();
    },
  });
  const undo = useMutation({
    mutationFn: (batch: string) => api.undo(batch),
    onSuccess: async () => {
      setUndone(true);
      // Rows can touch more than their own kind (a contact's account, tags): refetch what is shown.
      await client.invalidateQueries();
      notify("Import undone");
    },
  });

  const changeEntity = (kind: ImportEntity) => {
    setEntity(kind);
    // Other targets: ask again what the columns could be.
    if (picked && !report) inspect.mutate({ kind, path: picked.path });
    else start(null);
  };

  const inspection = picked?.inspection;
  const kind = IMPORT_KINDS.find((k) => k.value === entity);
  const error = inspect.error ?? run.error ?? undo.error ?? (preview.isError ? preview.error : null);

  return (
    <section className="form-section data-section" data-testid="data-import">
      <h2>Import</h2>
      <div className="data-pick">
        <label className="menu-field">
          What to import
          <select className="input" value={entity} onChange={(e) => changeEntity(e.target.value as ImportEntity)} disabled={run.isPending} data-testid="data-import-entity">
            {IMPORT_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <button
          className={`btn${picked && !report ? "" : " primary"}`}
          onClick={() => inspect.mutate({ kind: entity, path: null })}
          disabled={inspect.isPending || run.isPending}
          data-testid="data-import-choose"
        >
          {inspect.isPending ? "Reading…" : picked && !report ? "Choose another file…" : "Choose file…"}
        </button>
        <span className="muted">{kind?.hint}</span>
      </div>
      <ErrorBanner error={error ? new Error(plainError(error)) : null} />

      {report && picked ? (
        <ImportReportView
          report={report}
          file={picked.inspection.file_name}
          undone={undone}
          undoing={undo.isPending}
          onUndo={() => report.batch_id && undo.mutate(report.batch_id)}
        />
      ) : (
        inspection &&
        picked && (
          <div className="data-steps">
            <h3 data-testid="data-import-file">
              Columns of {inspection.file_name}
              <span className="muted small">
                {n(inspection.rows)} {inspection.rows === 1 ? "row" : "rows"} · {inspection.encoding}
                {inspection.delimiter && <> · separated by “{inspection.delimiter === "\t" ? "tab" : inspection.delimiter}”</>}
              </span>
            </h3>
            <div className="table-card">
              <table className="list data-mapping" data-testid="data-import-mapping">
                <thead>
                  <tr>
                    <th className="col-head">Column in the file</th>
                    <th>Sample values</th>
                    <th className="col-target">Import as</th>
                  </tr>
                </thead>
                <tbody>
                  {inspection.headers.map((h, i) => {
                    const samples = inspection.sample
                      .map((r) => r.cells[i] ?? "")
                      .filter((v) => v.trim() !== "")
                      .slice(0, 2);
                    return (
                      <tr key={i} className={mapping[i] ? undefined : "unmapped"}>
                        <td title={h}>{h || <span className="muted">(no header)</span>}</td>
                        <td className="samples" title={samples.join(" · ")}>
                          {samples.length > 0 ? samples.join(" · ") : <span className="muted">empty</span>}
                        </td>
                        <td>
                          <select
                            className="input"
                            aria-label={`Import column ${h || i + 1} as`}
                            value={mapping[i] ?? ""}
                            data-testid="data-import-map"
                            data-column={i}
                            onChange={(e) => setMapping((m) => m.map((x, j) => (j === i ? e.target.value || null : x)))}
                          >
                            <option value="">— don't import</option>
                            {inspection.targets.map((t) => (
                              <option key={t.key} value={t.key}>
                                {t.label}
                              </option>
                            ))}
                          </select>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>

            <UnimportedWarnings warnings={unimportedColumns(inspection.headers, inspection.filled, mapping)} testId="data-import-unimported" />

            <div className="data-options">
              <fieldset className="data-dedup">
                <legend>When a row matches a record already on file</legend>
                {DEDUP.map((d) => (
                  <label key={d.value} className="radio-row">
                    <input type="radio" name="data-dedup" value={d.value} checked={dedup === d.value} onChange={() => setDedup(d.value)} data-testid={`data-import-dedup-${d.value}`} />
                    <span>
                      <strong>{d.label}</strong> <span className="muted">— {d.hint}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
              {entity === "leads" && (
                <label className="menu-field data-source">
                  Source (for rows that name none)
                  <input className="input" value={source} placeholder="Web form" onChange={(e) => setSource(e.target.value)} data-testid="data-import-source" />
                </label>
              )}
            </div>

            <div className="data-actions">
              <button className="btn" onClick={() => (previewing ? void preview.refetch() : setPreviewing(true))} disabled={preview.isFetching || run.isPending} data-testid="data-import-preview">
                {preview.isFetching ? "Checking…" : "Preview"}
              </button>
              <button className="btn primary" onClick={() => run.mutate()} disabled={run.isPending} data-testid="data-import-run">
                {run.isPending ? "Importing…" : `Import ${n(inspection.rows)} ${inspection.rows === 1 ? "row" : "rows"}`}
              </button>
              <span className="muted small">Nothing is written until you import; an import can be undone as a whole.</span>
            </div>
            {run.isPending && <ImportRunning />}
            {stopped && !run.isPending && (
              <p className="data-stopped" role="status" data-testid="data-import-stopped">
                Stopped: nothing was imported.
              </p>
            )}

            {previewing && preview.data && (
              <>
                <h3>
                  Preview <span className="muted small">the first {n(preview.data.length)} rows as they would be stored</span>
                </h3>
                <div className="table-card">
                  <table className="list data-preview" data-testid="data-import-preview-table">
                    <thead>
                      <tr>
                        <th className="col-line">Line</th>
                        <th className="col-outcome">Outcome</th>
                        <th>Values</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.data.map((r) => (
                        <tr key={r.line} className={`outcome-${r.outcome}`} data-testid="data-preview-row" data-outcome={r.outcome}>
                          <td className="num">{r.line}</td>
                          <td>
                            <span className={`badge outcome-${r.outcome}`}>{OUTCOME_LABEL[r.outcome] ?? r.outcome}</span>
                          </td>
                          <td className="values">
                            {r.reason && <div className="reason">{r.reason}</div>}
                            <div className="pairs">
                              {r.values.map(([label, value], i) => (
                                <span key={i}>
                                  <span className="muted">{label}:</span> {value}
                                </span>
                              ))}
                            </div>
                          </td>
                        </tr>
                      ))}
                      {preview.data.length === 0 && (
                        <tr>
                          <td colSpan={3} className="muted">
                            The file has no rows to import.
                          </td>
                        </tr>
                      )}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </div>
        )
      )}
    </section>
  );
}

/** The backend's message, said as plainly as we can. */
function plainError(error: unknown): string {
  const e = toApiError(error);
  return e.message.charAt(0).toUpperCase() + e.message.slice(1);
}

/**
 * The columns with values that are mapped to no field, as the core words them in the report
 * ("Website 1 - Value: 300 non-empty cells not imported"); counted over the whole file.
 */
export function unimportedColumns(headers: string[], filled: number[], mapping: (string | null)[]): string[] {
  return headers.flatMap((h, i) => {
    const cells = filled[i] ?? 0;
    if (cells === 0 || mapping[i]) return [];
    const column = h.trim() ? h : `Column ${i + 1}`;
    return [`${column}: ${cells} non-empty ${cells === 1 ? "cell" : "cells"} not imported`];
  });
}

function UnimportedWarnings({ warnings, testId }: { warnings: string[]; testId: string }) {
  if (warnings.length === 0) return null;
  return (
    <div className="banner warn" role="status" data-testid={testId}>
      <span>
        <strong>
          {warnings.length === 1 ? "1 column with values is not imported" : `${warnings.length} columns with values are not imported`}
        </strong>{" "}
        (pick a field for a column above to import it):
        <ul className="report-rows">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </span>
    </div>
  );
}

function ImportReportView({
  report,
  file,
  undone,
  undoing,
  onUndo,
}: {
  report: ImportReport;
  file: string;
  undone: boolean;
  undoing: boolean;
  onUndo: () => void;
}) {
  const counts: [string, number, string][] = [
    ["created", report.created, "ok"],
    ["updated", report.updated, ""],
    ["skipped", report.skipped, ""],
    ["rejected", report.rejected.length, report.rejected.length > 0 ? "bad" : ""],
  ];
  return (
    <div className="data-report" data-testid="data-import-report">
      <p>
        {undone ? "Undone: " : ""}
        {n(report.rows_read)} {report.rows_read === 1 ? "row" : "rows"} read from <strong>{file}</strong>
        {report.cancelled ? " — cancelled, nothing was written." : "."}
      </p>
      <div className="data-counts">
        {counts.map(([label, value, tone]) => (
          <div key={label} className={`data-count ${tone}`} data-testid={`data-count-${label}`}>
            <strong>{n(value)}</strong>
            <span>{label}</span>
          </div>
        ))}
      </div>
      <UnimportedWarnings warnings={report.unimported.map((u) => u.message)} testId="data-report-unimported" />
      {report.rejected.length > 0 && (
        <div>
          <h3>Rejected rows</h3>
          <ul className="report-rows" data-testid="data-import-rejected">
            {report.rejected.map((r) => (
              <li key={r.line}>
                Line {r.line}: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="data-actions">
        {report.batch_id && !undone && (
          <button className="btn" onClick={onUndo} disabled={undoing} data-testid="data-import-undo">
            {undoing ? "Undoing…" : "Undo this import"}
          </button>
        )}
        {undone && <span className="badge subtle">Import undone</span>}
      </div>
    </div>
  );
}

/* ---------------------------------------------------------------- export */

const CSV_KINDS: { entity: ExportEntity; label: string }[] = [
  { entity: "contacts", label: "Contacts" },
  { entity: "accounts", label: "Accounts" },
  { entity: "opportunities", label: "Deals" },
  { entity: "activities", label: "Activities" },
  { entity: "leads", label: "Leads" },
  { entity: "products", label: "Products" },
];

function ExportSection() {
  const notify = useNotify();
  const [version, setVersion] = useState<VcardVersion>("4.0");
  const [busy, setBusy] = useState<string | null>(null);

  const exportTo = async (key: string, name: string, filter: [string, string[]], write: (path: string) => Promise<string>) => {
    setBusy(key);
    try {
      const path = await api.saveFile(name, filter[0], filter[1]);
      if (!path) return;
      notify(await write(path));
    } catch (e) {
      notify(plainError(e), "error");
    } finally {
      setBusy(null);
    }
  };
  const day = localDay();

  return (
    <section className="form-section data-section" data-testid="data-export">
      <h2>Export</h2>
      <p className="muted">Your records as files other programs read. Exporting changes nothing in Rapport.</p>
      <div className="data-export-row">
        <span className="data-export-label">Spreadsheet (CSV)</span>
        <div className="data-buttons">
          {CSV_KINDS.map((k) => (
            <button
              key={k.entity}
              className="btn"
              disabled={busy !== null}
              data-testid={`export-csv-${k.entity}`}
              onClick={() =>
                void exportTo(k.entity, `rapport-${k.entity}-${day}.csv`, ["CSV", ["csv"]], async (path) => {
                  const r = await api.exports.csv(k.entity, path);
                  return `Wrote ${n(r.rows)} ${r.rows === 1 ? "row" : "rows"} to ${r.path}`;
                })
              }
            >
              {k.label}
            </button>
          ))}
        </div>
      </div>
      <div className="data-export-row">
        <span className="data-export-label">Everything</span>
        <div className="data-buttons">
          <button
            className="btn"
            disabled={busy !== null}
            data-testid="export-archive"
            onClick={() =>
              void exportTo("archive", `rapport-archive-${day}.json`, ["JSON", ["json"]], async (path) => {
                const r = await api.exports.archive(path);
                const rows = r.tables.reduce((sum, [, count]) => sum + Number(count), 0);
                return `Wrote ${n(rows)} ${rows === 1 ? "row" : "rows"} from ${n(r.tables.length)} tables to ${r.path}`;
              })
            }
          >
            Everything (JSON archive)
          </button>
          <span className="muted small">
            Load it into a new data file with <code>rapport import archive</code>.
          </span>
        </div>
      </div>
      <div className="data-export-row">
        <span className="data-export-label">Address books</span>
        <div className="data-buttons">
          <button
            className="btn"
            disabled={busy !== null}
            data-testid="export-vcard"
            onClick={() =>
              void exportTo("vcard", `rapport-contacts-${day}.vcf`, ["vCard", ["vcf"]], async (path) => {
                const r = await api.exports.vcard(path, version);
                return `Wrote ${n(r.cards)} ${r.cards === 1 ? "card" : "cards"} to ${r.path}`;
              })
            }
          >
            Contacts as vCard
          </button>
          <select className="input data-version" value={version} onChange={(e) => setVersion(e.target.value as VcardVersion)} aria-label="vCard version" data-testid="export-vcard-version">
            <option value="4.0">vCard 4.0</option>
            <option value="3.0">vCard 3.0 (older)</option>
          </select>
        </div>
      </div>
    </section>
  );
}

/* ---------------------------------------------------------------- backups */

const KIND_LABEL: Record<string, string> = {
  automatic: "Automatic",
  "before-restore": "Before a restore",
  damaged: "Damaged (set aside)",
};

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb.toLocaleString(undefined, { minimumFractionDigits: mb < 10 ? 2 : 1, maximumFractionDigits: mb < 10 ? 2 : 1 })} MB`;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // The webview may refuse the async clipboard; fall back to a selection copy.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("The clipboard is not available; select the command and copy it by hand.");
}

function BackupsSection() {
  const client = useQueryClient();
  const notify = useNotify();
  const status = useQuery({ queryKey: qk.appStatus, queryFn: api.appStatus });
  const backups = useQuery({ queryKey: qk.backups, queryFn: api.backups.list });
  const now = useMutation({
    mutationFn: api.backups.now,
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: qk.backups });
      notify(r ? `Backed up to ${r.path}` : "Nothing to back up: this data file lives in memory");
    },
  });
  const dbPath = status.data?.db_path ?? "";
  const folder = dbPath ? `${folderOf(dbPath)}/backups` : backups.data?.[0] ? folderOf(backups.data[0].path) : "";
  const restoreCommand = (b: BackupFile) => (dbPath ? `rapport --db ${dbPath} restore ${b.path}` : `rapport restore ${b.path}`);
  const [restoring, setRestoring] = useState<BackupFile | null>(null);
  const restore = useMutation({
    mutationFn: (b: BackupFile) => api.db.restore(b.path),
    onSuccess: () => reopenWindow(),
    onSettled: () => setRestoring(null),
  });

  return (
    <>
      <section className="form-section data-section" data-testid="data-backups">
        <h2>Backups</h2>
        <div className="data-backup-head">
          <div>
            <p className="muted">Rapport checks and copies your data file every day and when you quit, and keeps the recent copies (7 daily and 4 weekly by default).</p>
            {folder && (
              <p className="small">
                Folder: <code data-testid="backups-folder">{folder}</code>
              </p>
            )}
          </div>
          <button className="btn primary" onClick={() => now.mutate()} disabled={now.isPending} data-testid="backup-now">
            {now.isPending ? "Backing up…" : "Back up now"}
          </button>
        </div>
        <ErrorBanner error={backups.error ?? now.error ?? (restore.error ? new Error(plainError(restore.error)) : null)} />
        {backups.data && backups.data.length === 0 && <p className="muted" data-testid="backups-empty">No backups yet.</p>}
        {backups.data && backups.data.length > 0 && (
          <div className="table-card">
            <table className="list data-backups" data-testid="backups-list">
              <thead>
                <tr>
                  <th>Taken</th>
                  <th className="col-size num">Size</th>
                  <th className="col-kind">Kind</th>
                  <th className="col-copy" aria-label="Restore" />
                </tr>
              </thead>
              <tbody>
                {backups.data.map((b) => (
                  <tr key={b.path} data-testid="backup-row">
                    <td title={b.path}>
                      {formatDateTime(b.taken_at)}
                      <div className="mono muted small">{fileName(b.path)}</div>
                    </td>
                    <td className="num">{formatMegabytes(b.bytes)}</td>
                    <td>
                      <span className={`badge${b.kind === "damaged" ? " danger" : b.kind === "automatic" ? " subtle" : ""}`}>{KIND_LABEL[b.kind] ?? b.kind}</span>
                    </td>
                    <td className="row-actions">
                      <button className="btn small" onClick={() => setRestoring(b)} disabled={restore.isPending} data-testid="backup-restore">
                        Restore…
                      </button>
                      <button
                        className="btn small ghost"
                        title={restoreCommand(b)}
                        data-testid="backup-copy"
                        onClick={() =>
                          copyText(restoreCommand(b))
                            .then(() => notify("Restore command copied"))
                            .catch((e: unknown) => notify(plainError(e), "error"))
                        }
                      >
                        Copy command
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted small data-restore">
          Restoring puts the backup in place of your data file; your current file is kept as a backup first, never overwritten. From the command line:{" "}
          <code>rapport restore &lt;path&gt;</code>
          {dbPath && (
            <>
              {" "}
              (with <code>--db {dbPath}</code> when this is not your default data file)
            </>
          )}
          .
        </p>
      </section>
      {restoring && (
        <ConfirmDialog
          title="Restore this backup?"
          confirmLabel={restore.isPending ? "Restoring…" : "Restore"}
          busy={restore.isPending}
          onConfirm={() => restore.mutate(restoring)}
          onCancel={() => setRestoring(null)}
        >
          Replace the data in <strong>{fileName(dbPath || "your data file")}</strong> with the backup from{" "}
          <strong>{formatDateTime(restoring.taken_at)}</strong>? Your current data is kept as a backup first.
        </ConfirmDialog>
      )}
    </>
  );
}
