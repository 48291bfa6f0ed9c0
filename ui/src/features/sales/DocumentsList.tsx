import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";

import { DocStatusPill, isOverdue, money } from "./SalesPanels";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { api, type DocumentKind, type DocumentStatus } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { KINDS, KIND_PLURALS, STATUS_LABELS, documentNumber } from "./sales";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";

const STATUSES: Record<DocumentKind, DocumentStatus[]> = {
  quote: ["draft", "sent", "accepted", "rejected", "expired", "superseded"],
  order: ["open", "partly_invoiced", "invoiced", "cancelled"],
  invoice: ["draft", "issued", "partly_paid", "paid", "overdue", "credited", "void"],
  credit_note: ["issued"],
};

const EMPTY: Record<DocumentKind, string> = {
  quote: "No quotes yet. Create one from a deal or an account.",
  order: "No sales orders yet. An accepted quote becomes one.",
  invoice: "No invoices yet. Invoice a sales order to make one.",
  credit_note: "No credit notes yet.",
};

function isKind(v: string | null): v is DocumentKind {
  return KINDS.includes(v as DocumentKind);
}

/** Every sales document, one tab per kind, newest first. */
export function DocumentsList() {
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  const param = params.get("kind");
  const kind: DocumentKind = isKind(param) ? param : "invoice";
  const [status, setStatus] = useState<DocumentStatus | "">("");
  const [filter, setFilter] = useState("");
  const docs = useQuery({
    queryKey: qk.documents.list({ kind, status }),
    queryFn: () => api.documents.list({ kind, status: status || null, limit: 1000 }),
  });
  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = docs.data ?? [];
    return q ? all.filter((d) => `${d.number ?? "draft"} ${d.account_name ?? ""}`.toLowerCase().includes(q)) : all;
  }, [docs.data, filter]);
  const showBalance = kind === "invoice";
  const pick = (k: DocumentKind) => {
    setStatus("");
    setParams({ kind: k }, { replace: true });
  };

  return (
    <div className="screen-col" data-testid="documents-screen">
      <PageHead title="Sales documents" sub="Quotes, sales orders, invoices and credit notes">
        <Link className="btn" href="/products">
          Products
        </Link>
        <Link className="btn primary" href="/quotes/new?" data-testid="new-quote">
          + New quote
        </Link>
      </PageHead>
      <div className="page-body">
        <div className="queue-tabs" role="tablist" aria-label="Kind of document">
          {KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={k === kind}
              className={`queue-tab${k === kind ? " active" : ""}`}
              data-testid={`doc-tab-${k}`}
              onClick={() => pick(k)}
            >
              {KIND_PLURALS[k]}
            </button>
          ))}
        </div>
        <div className="filter-bar">
          <input
            className="input search"
            type="search"
            placeholder="Filter by number or account"
            aria-label="Filter documents"
            data-testid="doc-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {STATUSES[kind].length > 1 && (
            <select
              className="input"
              aria-label="Filter by status"
              data-testid="doc-status-filter"
              value={status}
              onChange={(e) => setStatus(e.target.value as DocumentStatus | "")}
            >
              <option value="">Any status</option>
              {STATUSES[kind].map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          )}
          <span className="spacer" />
          {docs.data && (
            <span className="muted" data-testid="doc-count">
              {rows.length.toLocaleString()} {rows.length === 1 ? "document" : "documents"}
            </span>
          )}
        </div>
        <ErrorBanner error={docs.error} />
        {docs.data && rows.length === 0 ? (
          <div className="empty" data-testid="doc-empty">
            <h2>{filter || status ? "Nothing matches" : `No ${KIND_PLURALS[kind].toLowerCase()}`}</h2>
            <p className="muted">{filter || status ? "Try another filter." : EMPTY[kind]}</p>
          </div>
        ) : (
          <div className="table-card">
            <table className="list doc-table" data-testid="doc-list">
              <thead>
                <tr>
                  <th className="pad" style={{ width: "20%" }}>
                    Number
                  </th>
                  <th className="pad">Account</th>
                  <th className="pad" style={{ width: 130 }}>
                    Date
                  </th>
                  {showBalance && (
                    <th className="pad" style={{ width: 130 }}>
                      Due
                    </th>
                  )}
                  <th className="pad" style={{ width: 140 }}>
                    Status
                  </th>
                  <th className="pad num" style={{ width: 140 }}>
                    Total
                  </th>
                  {showBalance && (
                    <th className="pad num" style={{ width: 140 }}>
                      Balance
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => {
                  const open = () => navigate(`/documents/${d.id}`);
                  const late = isOverdue(d);
                  return (
                    <tr
                      key={d.id}
                      tabIndex={0}
                      className={late ? "is-overdue" : undefined}
                      data-testid={`doc-row-${d.number ?? `draft-${d.id}`}`}
                      onClick={open}
                      onKeyDown={(e) => e.key === "Enter" && open()}
                    >
                      <td>
                        <strong className={d.number ? "doc-number" : "muted"}>{documentNumber(d)}</strong>
                      </td>
                      <td>{d.account_name ?? <span className="muted">—</span>}</td>
                      <td>{formatDate(d.issued_on ?? d.created_at)}</td>
                      {showBalance && <td className={late ? "overdue" : undefined}>{d.due_on ? formatDate(d.due_on) : <span className="muted">—</span>}</td>}
                      <td>
                        <DocStatusPill status={d.status} />
                      </td>
                      <td className="num">{money(d.total_minor, d.currency)}</td>
                      {showBalance && (
                        <td className={`num${late ? " overdue" : ""}`} data-testid="doc-row-balance">
                          {d.status === "draft" ? <span className="muted">—</span> : money(d.balance_minor, d.currency)}
                        </td>
                      )}
                    </tr>
                  );
                })}
                {!docs.data && !docs.error && (
                  <tr>
                    <td colSpan={7} className="muted">
                      Loading…
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
