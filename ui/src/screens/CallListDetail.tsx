import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";

import { ErrorBanner, PageHead } from "../components/PageHead";
import { api, type EntryStatus } from "../lib/api";
import { formatDateTime } from "../lib/format";
import { ENTRY_STATUS_LABELS, progressText } from "../lib/leads";
import { useDebounced } from "../lib/useDebounced";
import { ProgressBar } from "./CallLists";
import "../styles/leads.css";

const STATUSES = Object.keys(ENTRY_STATUS_LABELS) as EntryStatus[];

export function CallListDetail({ id }: { id: string }) {
  const list = useQuery({ queryKey: ["calllists", id], queryFn: () => api.callLists.get(id) });
  const [status, setStatus] = useState<EntryStatus | "">("");
  const [search, setSearch] = useState("");
  const text = useDebounced(search).trim() || null;
  const entries = useInfiniteQuery({
    queryKey: ["calllists", id, "entries", status, text],
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
        <input
          className="input search"
          type="search"
          placeholder="Filter by name, company, phone"
          aria-label="Filter people"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <Link className="btn primary" href={`/calllists/${id}/call`} data-testid="calllist-start">
          {l && l.progress.called > 0 ? "Continue calling" : "Start calling"}
        </Link>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={list.error ?? entries.error} />
        {l && (
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
