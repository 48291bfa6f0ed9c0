// The sales parts shared by several screens: status pills, a small documents table, the deal
// page's "Quotes & invoices" card and the account page's Money card.
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "wouter";

import { api, type DocumentQuery, type DocumentStatus, type DocumentSummary } from "../../lib/api";
import { formatDate, formatMoney } from "../../lib/format";
import { KIND_LABELS, STATUS_LABELS, documentNumber } from "./sales";
import { ErrorBanner } from "../../components/PageHead";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";

export function DocStatusPill({ status, testId }: { status: DocumentStatus; testId?: string }) {
  return (
    <span className={`badge dstatus-${status}`} data-testid={testId} data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  );
}

/** Minor units of `currency` as money text. */
export function money(amount_minor: number, currency: string): string {
  return formatMoney({ amount_minor, currency });
}

/** An open amount that is overdue shows red. */
export function isOverdue(d: Pick<DocumentSummary, "status">): boolean {
  return d.status === "overdue";
}

/** A small table of documents (deal and account pages), newest first. */
export function DocumentsTable({ query, empty, testId }: { query: Partial<DocumentQuery>; empty: string; testId: string }) {
  const [, navigate] = useLocation();
  const docs = useQuery({ queryKey: qk.documents.list(query), queryFn: () => api.documents.list({ ...query, limit: 100 }) });
  if (docs.error) return <ErrorBanner error={docs.error} />;
  if (!docs.data) return <span className="muted">Loading…</span>;
  if (docs.data.length === 0) return <span className="muted">{empty}</span>;
  return (
    <table className="list doc-mini" data-testid={testId}>
      <thead>
        <tr>
          <th className="pad">Document</th>
          <th className="pad">Date</th>
          <th className="pad">Status</th>
          <th className="pad num">Total</th>
          <th className="pad num">Balance</th>
        </tr>
      </thead>
      <tbody>
        {docs.data.map((d) => {
          const open = () => navigate(`/documents/${d.id}`);
          return (
            <tr
              key={d.id}
              tabIndex={0}
              className={isOverdue(d) ? "is-overdue" : undefined}
              data-testid={`doc-row-${d.number ?? `draft-${d.id}`}`}
              onClick={open}
              onKeyDown={(e) => e.key === "Enter" && open()}
            >
              <td>
                <span className="muted small">{KIND_LABELS[d.kind]}</span> <strong>{documentNumber(d)}</strong>
              </td>
              <td>{formatDate(d.issued_on ?? d.created_at)}</td>
              <td>
                <DocStatusPill status={d.status} />
              </td>
              <td className="num">{money(d.total_minor, d.currency)}</td>
              <td className="num">
                {d.kind === "invoice" && d.status !== "draft" ? (
                  <span className={isOverdue(d) ? "overdue" : undefined}>{money(d.balance_minor, d.currency)}</span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The deal page's card: its quotes, orders, invoices and credit notes, and "Create quote". */
export function DealDocuments({ dealId, accountId }: { dealId: string; accountId: string | null }) {
  const href = `/quotes/new?opportunity=${dealId}${accountId ? `&account=${accountId}` : ""}`;
  return (
    <section className="card wide" data-testid="deal-documents">
      <div className="card-head">
        <h2>Quotes &amp; invoices</h2>
        <span className="spacer" />
        <Link className="btn small" href={href} data-testid="deal-create-quote">
          + Create quote
        </Link>
      </div>
      <DocumentsTable
        query={{ opportunity_id: dealId }}
        empty="No quotes for this deal yet. Create one to price it line by line."
        testId="deal-document-list"
      />
    </section>
  );
}

/** The account page's Money card: invoiced, paid, outstanding and overdue, per currency, and its documents. */
export function AccountMoneyPanel({ accountId, accountName }: { accountId: string; accountName: string }) {
  const figures = useQuery({ queryKey: qk.accountMoney.of(accountId), queryFn: () => api.accountMoney(accountId) });
  return (
    <section className="card wide" data-testid="account-money">
      <div className="card-head">
        <h2>Money</h2>
        <span className="spacer" />
        <Link className="btn small" href={`/quotes/new?account=${accountId}`} data-testid="account-create-quote">
          + Create quote
        </Link>
      </div>
      <ErrorBanner error={figures.error} />
      {figures.data && figures.data.length === 0 && <p className="muted">Nothing invoiced to {accountName} yet.</p>}
      {figures.data?.map((m) => (
        <div key={m.currency} className="money-figures" data-testid={`account-money-${m.currency}`}>
          <Figure label="Invoiced" value={money(m.invoiced_minor, m.currency)} testId="money-invoiced" />
          <Figure label="Paid" value={money(m.paid_minor, m.currency)} testId="money-paid" />
          <Figure label="Outstanding" value={money(m.outstanding_minor, m.currency)} testId="money-outstanding" />
          <Figure
            label="Overdue"
            value={money(m.overdue_minor, m.currency)}
            testId="money-overdue"
            tone={m.overdue_minor > 0 ? "overdue" : undefined}
          />
        </div>
      ))}
      <h3 className="service-sub">Documents</h3>
      <DocumentsTable query={{ account_id: accountId }} empty={`No quotes or invoices for ${accountName} yet.`} testId="account-documents" />
    </section>
  );
}

function Figure({ label, value, testId, tone }: { label: string; value: string; testId: string; tone?: string | undefined }) {
  return (
    <div className="money-figure">
      <span className="label">{label}</span>
      <span className={`value${tone ? ` ${tone}` : ""}`} data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
