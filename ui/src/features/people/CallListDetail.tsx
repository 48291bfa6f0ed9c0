import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { OwnerSelect } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type CallList, type EntryStatus } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { ENTRY_STATUS_LABELS, progressText } from "./leads";
import { useDebounced } from "../../lib/useDebounced";
import { ProgressBar } from "./CallLists";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

const STATUSES = Object.keys(ENTRY_STATUS_LABELS) as EntryStatus[];

export function CallListDetail({ id }: { id: string }) {
  const list = useQuery({ queryKey: qk.callLists.detail(id), queryFn: () => api.callLists.get(id) });
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<EntryStatus | "">("");
  const [search, setSearch] = useState("");
  const text = useDebounced(search).trim() || null;
  const entries = useInfiniteQuery({
    queryKey: qk.callLists.entries(id, status, text),
    queryFn: ({ pageParam }) => api.callLists.entries(id, { status: status || null, search: text, after: pageParam, limit: 200 }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => (last.next === null ? undefined : Number(last.next)),
  });
  const rows = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const total = entries.data?.pages[0]?.total ?? null;
  const l = list.data;
  return (
    <>
      <PageHead title={l?.name ?? "Call list"} sub={l ? progressText(l.progress) : " "}>
        <Link className="btn" href="/calllists">
          ← All call lists
        </Link>
        <button className="btn" onClick={() => setEditing(true)} disabled={!l || editing} data-testid="calllist-edit">
          Edit list
        </button>
        <Link className="btn primary" href={`/calllists/${id}/call`} data-testid="calllist-start">
          {l && l.progress.called > 0 ? "Continue calling" : "Start calling"}
        </Link>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={list.error ?? entries.error} />
        {l && editing && <EditCallList list={l} onDone={() => setEditing(false)} />}
        {l && !editing && (
          <div className="calllist-summary card">
            <ProgressBar progress={l.progress} />
            <div className="calllist-counts small">
              <span>{l.progress.not_called.toLocaleString()} not called yet</span>
              <span>{l.progress.no_answer.toLocaleString()} no answer</span>
              <span>{(l.progress.callbacks_due + l.progress.callbacks_later).toLocaleString()} callbacks ({l.progress.callbacks_due} due)</span>
              <span>{l.progress.not_interested.toLocaleString()} not interested</span>
              <span>{l.progress.wrong_number.toLocaleString()} wrong numbers</span>
              <span>{l.progress.unreachable.toLocaleString()} unreachable</span>
              <span>{l.progress.promoted.toLocaleString()} promoted to leads</span>
            </div>
            {l.script && (
              <details className="script">
                <summary>Call script</summary>
                <p className="notes">{l.script}</p>
              </details>
            )}
          </div>
        )}
        <div className="filter-bar">
          <input
            className="input search entries-search"
            type="search"
            placeholder="Filter by name, company, phone"
            aria-label="Filter people"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <select
            className="input"
            aria-label="Filter by status"
            data-testid="entry-status-filter"
            value={status}
            onChange={(e) => setStatus(e.target.value as EntryStatus | "")}
          >
            <option value="">Everyone</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {ENTRY_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          {total !== null && (
            <span className="muted small">
              {total.toLocaleString()} {total === 1 ? "person" : "people"}
            </span>
          )}
        </div>
        <div className="table-card">
          <table className="list" data-testid="entries-table">
            <thead>
              <tr>
                <th style={{ width: "5%" }}>#</th>
                <th style={{ width: "20%" }}>Name</th>
                <th style={{ width: "18%" }}>Company</th>
                <th style={{ width: "15%" }}>Phone</th>
                <th style={{ width: "15%" }}>Status</th>
                <th style={{ width: "7%" }}>Calls</th>
                <th>Last called / call back</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="entry-row">
                  <td className="muted">{e.position}</td>
                  <td>{e.lead_id ? <Link href={`/leads/${e.lead_id}`}>{e.name}</Link> : e.name}</td>
                  <td>{e.company ?? <span className="muted">—</span>}</td>
                  <td>
                    <a href={`tel:${e.phone}`}>{e.phone}</a>
                  </td>
                  <td>
                    <span className={`badge entry-${e.status}`}>{ENTRY_STATUS_LABELS[e.status]}</span>
                  </td>
                  <td>{e.attempts}</td>
                  <td className="small">
                    {e.status === "callback" && e.callback_at
                      ? `Call back ${formatDateTime(e.callback_at)}`
                      : e.last_called_at
                        ? formatDateTime(e.last_called_at)
                        : <span className="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {total === 0 && <div className="empty">Nobody here.</div>}
        </div>
        {entries.hasNextPage && (
          <div className="list-foot">
            <button className="btn" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
              {entries.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          </div>
        )}
      </div>
    </>
  );
}

/** The list's settings (name, script, attempts, owner) and, at the bottom, deleting it. */
export function EditCallList({ list, onDone }: { list: CallList; onDone: () => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [, navigate] = useLocation();
  const [name, setName] = useState(list.name);
  const [script, setScript] = useState(list.script ?? "");
  const [attempts, setAttempts] = useState(String(list.max_attempts));
  const [owner, setOwner] = useState(list.owner_id);
  const [attemptsError, setAttemptsError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const save = useMutation({
    mutationFn: (maxAttempts: number) =>
      api.callLists.update(list.id, { name, script: script.trim() ? script : null, max_attempts: maxAttempts, owner_id: owner }),
    onSuccess: async (saved) => {
      client.setQueryData(qk.callLists.detail(list.id), saved);
      await client.invalidateQueries({ queryKey: qk.callLists.all });
      notify(`Saved the call list ${saved.name}`);
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.callLists.remove(list.id),
    onSuccess: () => {
      notify(`Deleted the call list ${list.name}`);
      navigate("/calllists");
      client.removeQueries({ queryKey: qk.callLists.detail(list.id) });
      void client.invalidateQueries({ queryKey: qk.callLists.all, exact: true });
      // Leads promoted from it stay, but the list they name is gone.
      void client.invalidateQueries({ queryKey: qk.leads.all });
    },
    onError: () => setConfirming(false),
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(attempts.trim());
    if (!attempts.trim() || !Number.isInteger(n)) {
      setAttemptsError("Enter a whole number from 1 to 20");
      return;
    }
    setAttemptsError(undefined);
    save.mutate(n);
  };
  const people = list.progress.total;
  const promoted = list.progress.promoted;
  const unnamed = err && err.fields.length === 0 ? err : null;
  return (
    <>
      <form className="form-section form calllist-edit" onSubmit={submit} noValidate data-testid="calllist-edit-form">
        <h2>Edit list</h2>
        <ErrorBanner error={unnamed ?? remove.error} />
        <div className="grid-2">
          <TextField label="Name" name="calllist.name" value={name} error={err?.field("name")} onChange={setName} required />
          <OwnerSelect value={owner} error={err?.field("owner_id")} onChange={setOwner} />
          <TextField
            label="Attempts before giving up (1–20)"
            name="calllist.max_attempts"
            type="number"
            min={1}
            max={20}
            step={1}
            value={attempts}
            error={attemptsError ?? err?.field("max_attempts")}
            onChange={setAttempts}
          />
        </div>
        <Field label="Call script" error={err?.field("script")}>
          {(a11y) => (
            <textarea
              {...a11y}
              name="calllist.script"
              className="input"
              rows={6}
              placeholder="What to say when someone picks up"
              value={script}
              onChange={(e) => setScript(e.target.value)}
            />
          )}
        </Field>
        <div className="form-actions calllist-edit-actions">
          <button type="button" className="btn danger" onClick={() => setConfirming(true)} data-testid="calllist-delete">
            Delete list
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onDone} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending} data-testid="calllist-save">
            {save.isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Delete the call list ${list.name}?`}
          confirmLabel="Delete list"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
        >
          {people === 1 ? "The 1 person" : `All ${people.toLocaleString()} people`} on it and the calls logged on them are deleted.{" "}
          {promoted > 0
            ? `The ${promoted.toLocaleString()} ${promoted === 1 ? "person" : "people"} promoted to leads stay, as leads, with their calls.`
            : "Nobody on it has been promoted to a lead yet."}
        </ConfirmDialog>
      )}
    </>
  );
}
