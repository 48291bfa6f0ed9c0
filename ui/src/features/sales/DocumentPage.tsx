import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { DocStatusPill, money } from "./SalesPanels";
import { TotalsBlock } from "./SalesTotals";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Document, type DocumentKind, type DocumentSummary, type PartInput } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { invalidateSales } from "../../lib/invalidate";
import {
  KIND_PLURALS,
  documentNumber,
  documentTitle,
  leftByLine,
  mailToast,
  normalizeDecimal,
  parseScaled,
  pdfName,
  percentText,
  priceText,
  quantityText,
  today,
} from "./sales";
import "../../styles/deals.css";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";

type Dialog = "issue" | "pay" | "credit" | "part" | "void" | "delete" | null;

/** Open (issued, partly paid, overdue) invoices take payments and credit notes. */
const PAYABLE = new Set(["issued", "partly_paid", "overdue"]);

export function DocumentPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const { data: d, error } = useQuery({ queryKey: qk.documents.detail(id), queryFn: () => api.documents.get(id) });

  const saved = async (doc: Document) => {
    client.setQueryData(qk.documents.detail(doc.id), doc);
    await invalidateSales(client);
  };
  const act = useMutation({
    mutationFn: async (action: () => Promise<Document>) => action(),
  });
  const run = (action: () => Promise<Document>, done: (doc: Document) => void | Promise<void>) =>
    act.mutate(action, {
      onSuccess: async (doc) => {
        await saved(doc);
        await done(doc);
      },
    });
  const voidIt = useMutation({
    mutationFn: () => api.invoices.void(id),
    onSuccess: async () => {
      setDialog(null);
      if (d?.status === "draft") {
        client.removeQueries({ queryKey: qk.documents.detail(id) });
        await invalidateSales(client);
        notify("Deleted the draft invoice");
        navigate(d.source_id ? `/documents/${d.source_id}` : "/invoices", { replace: true });
      } else {
        await invalidateSales(client);
        notify(`${d ? documentTitle(d) : "The invoice"} is void; its number stays used`);
      }
    },
  });
  const email = useMutation({
    mutationFn: () => api.documents.email(id),
    onSuccess: async (m) => {
      notify(mailToast(m));
      await invalidateSales(client);
    },
    onError: (e) => notify(e instanceof Error ? e.message : String(e), "error"),
  });
  const [pdfBusy, setPdfBusy] = useState(false);
  const savePdf = async (doc: Document) => {
    setPdfBusy(true);
    try {
      const path = await api.saveFile(pdfName(doc), "PDF", ["pdf"]);
      if (!path) return;
      const r = await api.documents.pdf(doc.id, path);
      notify(`Saved ${r.path} (${r.pages} ${r.pages === 1 ? "page" : "pages"})`);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), "error");
    } finally {
      setPdfBusy(false);
    }
  };

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/invoices">← Back to sales documents</Link>
      </div>
    );
  }
  if (!d) return <div className="page-body muted">Loading…</div>;

  const busy = act.isPending || voidIt.isPending;
  const hasOrder = d.derived.some((x) => x.kind === "order" && x.status !== "cancelled");
  const actions: ReactNode[] = [];
  const button = (testId: string, label: string, onClick: () => void, primary = false, danger = false) => (
    <button
      key={testId}
      className={`btn${primary ? " primary" : ""}${danger ? " danger" : ""}`}
      disabled={busy}
      data-testid={testId}
      onClick={onClick}
    >
      {label}
    </button>
  );

  if (d.kind === "quote") {
    if (d.status === "draft") {
      actions.push(
        <Link key="edit" className="btn" href={`/documents/${id}/edit`} data-testid="quote-edit">
          Edit
        </Link>,
        button("quote-send", "Mark sent", () => run(() => api.quotes.setStatus(id, "sent"), (q) => notify(`${documentTitle(q)} marked sent`)), true),
        button("quote-accept", "Accept", () => run(() => api.quotes.setStatus(id, "accepted"), (q) => notify(`${documentTitle(q)} accepted`))),
      );
    }
    if (d.status === "sent") {
      actions.push(
        button("quote-accept", "Accept", () => run(() => api.quotes.setStatus(id, "accepted"), (q) => notify(`${documentTitle(q)} accepted`)), true),
        button("quote-reject", "Reject", () => run(() => api.quotes.setStatus(id, "rejected"), (q) => notify(`${documentTitle(q)} rejected`)), false, true),
      );
    }
    if (d.status === "sent" || d.status === "rejected" || d.status === "expired") {
      actions.push(
        <Link key="revise" className="btn" href={`/documents/${id}/revise`} data-testid="quote-revise">
          Revise
        </Link>,
      );
    }
    if (d.status === "accepted" && !hasOrder) {
      actions.push(
        button(
          "quote-to-order",
          "Create sales order",
          () =>
            run(
              () => api.quotes.toOrder(id),
              (order) => {
                notify(`Created ${documentTitle(order)}`);
                navigate(`/documents/${order.id}`);
              },
            ),
          true,
        ),
      );
    }
  }
  if (d.kind === "order" && (d.status === "open" || d.status === "partly_invoiced")) {
    actions.push(
      button(
        "order-invoice",
        "Invoice everything",
        () =>
          run(
            () => api.orders.invoice(id, null),
            (inv) => {
              notify(`Created a draft invoice of ${money(inv.total_minor, inv.currency)}`);
              navigate(`/documents/${inv.id}`);
            },
          ),
        true,
      ),
      button("order-invoice-part", "Invoice part…", () => setDialog("part")),
    );
  }
  if (d.kind === "invoice") {
    if (d.status === "draft") {
      actions.push(
        button("invoice-issue", "Issue", () => setDialog("issue"), true),
        button("invoice-delete", "Delete draft", () => setDialog("delete"), false, true),
      );
    }
    if (PAYABLE.has(d.status)) {
      actions.push(
        button("invoice-pay", "Record payment", () => setDialog("pay"), true),
        button("invoice-credit", "Credit note…", () => setDialog("credit")),
      );
      if (d.paid_minor === 0 && d.credited_minor === 0 && d.payments.length === 0) {
        actions.push(button("invoice-void", "Void", () => setDialog("void"), false, true));
      }
    }
  }
  if (d.kind !== "order") {
    actions.push(
      <button key="pdf" className="btn" disabled={pdfBusy} data-testid="doc-pdf" onClick={() => void savePdf(d)}>
        {pdfBusy ? "Saving…" : "Save PDF…"}
      </button>,
    );
  }
  // A quote at any time, an invoice or credit note once it has its number.
  if ((d.kind === "quote" || (d.kind !== "order" && d.status !== "draft")) && d.status !== "void" && d.status !== "superseded") {
    actions.push(
      <button key="email" className="btn" disabled={email.isPending} data-testid="doc-email" onClick={() => email.mutate()}>
        {email.isPending ? "Queuing…" : "E-mail to customer"}
      </button>,
    );
  }

  const isInvoice = d.kind === "invoice";
  const late = d.status === "overdue";

  return (
    <div className="screen-col" data-testid="document-page" data-kind={d.kind} data-status={d.status}>
      <PageHead
        title={
          <span className="detail-head doc-head">
            <span data-testid="doc-title">{documentTitle(d)}</span>
            <DocStatusPill status={d.status} testId="doc-status" />
          </span>
        }
        sub={
          <span className="doc-sub">
            {d.account_id ? (
              <Link href={`/accounts/${d.account_id}`} data-testid="doc-account">
                {d.account_name ?? "Account"}
              </Link>
            ) : (
              <span className="muted">No account</span>
            )}
            {d.contact_id && (
              <Link href={`/contacts/${d.contact_id}`} data-testid="doc-contact">
                {d.contact_name ?? "Contact"}
              </Link>
            )}
            {d.opportunity_id && (
              <span>
                Deal{" "}
                <Link href={`/deals/${d.opportunity_id}`} data-testid="doc-deal">
                  {d.opportunity_name ?? "Deal"}
                </Link>
              </span>
            )}
            {d.source_id && d.source_number && (
              <span>
                from{" "}
                <Link href={`/documents/${d.source_id}`} data-testid="doc-source">
                  {d.source_number}
                </Link>
              </span>
            )}
          </span>
        }
      >
        <Link className="btn" href={`/invoices?kind=${d.kind}`}>
          ← {KIND_PLURALS[d.kind]}
        </Link>
        {actions}
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={act.error ?? voidIt.error} />
        {late && (
          <div className="banner" role="status" data-testid="doc-overdue">
            Overdue: {money(d.balance_minor, d.currency)} was due {d.due_on ? formatDate(d.due_on) : ""}.
          </div>
        )}
        {d.status === "superseded" && (
          <div className="banner warn" role="status">
            A later version of this quote replaces it.
          </div>
        )}
        <div className="doc-facts card" data-testid="doc-dates">
          <Fact label={d.kind === "quote" ? "Date" : "Issued"} value={d.issued_on ? formatDate(d.issued_on) : d.status === "draft" && isInvoice ? "Not yet issued" : formatDate(d.created_at)} testId="doc-issued" />
          {d.kind === "quote" && <Fact label="Valid until" value={d.valid_until ? formatDate(d.valid_until) : "—"} testId="doc-valid-until" />}
          {isInvoice && <Fact label="Due" value={d.due_on ? formatDate(d.due_on) : "—"} testId="doc-due" tone={late ? "overdue" : undefined} />}
          <Fact label="Currency" value={d.currency} />
          <Fact label="Total" value={money(d.total_minor, d.currency)} testId="doc-total" />
          {isInvoice && d.status !== "draft" && (
            <Fact label="Balance due" value={money(d.balance_minor, d.currency)} tone={late ? "overdue" : undefined} />
          )}
        </div>
        <section className="card doc-lines-card">
          <div className="lines-scroll">
            <table className="doc-lines" data-testid="doc-lines">
              <thead>
                <tr>
                  <th style={{ width: 36 }}>#</th>
                  <th>Description</th>
                  <th className="num">Qty</th>
                  <th className="num">Unit price</th>
                  <th className="num">Discount</th>
                  <th className="num">Tax</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {d.lines.map((l, i) => (
                  <tr key={l.id} data-testid={`doc-line-${i}`}>
                    <td className="muted">{i + 1}</td>
                    <td>
                      {l.description}
                      {l.sku && <span className="muted small mono"> · {l.sku}</span>}
                    </td>
                    <td className="num">
                      {quantityText(l.quantity_milli)}
                      {l.unit && <span className="muted small"> {l.unit}</span>}
                    </td>
                    <td className="num">{money(l.unit_price_minor, d.currency)}</td>
                    <td className="num">{l.discount_bp ? `${percentText(l.discount_bp)}%` : <span className="muted">—</span>}</td>
                    <td className="num">{percentText(l.tax_rate_bp)}%</td>
                    <td className="num" data-testid={`doc-line-amount-${i}`}>
                      {money(l.amounts.net_minor, d.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="lines-foot">
            <span className="spacer" />
            <TotalsBlock totals={d} currency={d.currency} testId="doc-totals">
              {isInvoice && d.status !== "draft" && (
                <>
                  {d.credited_minor !== 0 && (
                    <tr data-testid="totals-credited">
                      <th>Credited</th>
                      <td>{money(-d.credited_minor, d.currency)}</td>
                    </tr>
                  )}
                  <tr data-testid="totals-paid">
                    <th>Paid</th>
                    <td>{money(-d.paid_minor, d.currency)}</td>
                  </tr>
                  <tr className={`grand${late ? " overdue" : ""}`}>
                    <th>Balance due</th>
                    <td data-testid="doc-balance">{money(d.balance_minor, d.currency)}</td>
                  </tr>
                </>
              )}
            </TotalsBlock>
          </div>
        </section>
        <div className="cards doc-cards">
          {isInvoice && (
            <section className="card" data-testid="doc-payments">
              <h2>Payments</h2>
              {d.payments.length === 0 ? (
                <span className="muted">{d.status === "draft" ? "Issue the invoice to record payments." : "No payments yet."}</span>
              ) : (
                <table className="list plain">
                  <tbody>
                    {d.payments.map((p) => (
                      <tr key={p.id} data-testid="doc-payment">
                        <td>{formatDate(p.paid_on)}</td>
                        <td>{[p.method, p.reference].filter(Boolean).join(" · ") || <span className="muted">—</span>}</td>
                        <td className="num">{money(p.amount_minor, d.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          )}
          <Related doc={d} />
          {d.notes && (
            <section className="card">
              <h2>Notes</h2>
              <p className="notes" data-testid="doc-notes">
                {d.notes}
              </p>
            </section>
          )}
        </div>
      </div>
      {dialog === "issue" && (
        <IssueDialog
          busy={act.isPending}
          error={act.error}
          onCancel={() => setDialog(null)}
          onIssue={(issuedOn, terms) =>
            run(
              () => api.invoices.issue(id, issuedOn, terms),
              (inv) => {
                setDialog(null);
                notify(`Issued ${documentTitle(inv)}`);
              },
            )
          }
        />
      )}
      {dialog === "pay" && (
        <PaymentDialog
          doc={d}
          onClose={() => setDialog(null)}
          onSaved={async (inv) => {
            await saved(inv);
            setDialog(null);
          }}
        />
      )}
      {dialog === "credit" && (
        <PartsDialog
          mode="credit"
          doc={d}
          onClose={() => setDialog(null)}
          onSaved={async (note) => {
            await saved(note);
            await client.invalidateQueries({ queryKey: qk.documents.detail(id) });
            setDialog(null);
            notify(`Created ${documentTitle(note)} for ${money(note.total_minor, note.currency)}`, "info", {
              label: "Open",
              testId: "toast-open-credit-note",
              run: () => navigate(`/documents/${note.id}`),
            });
          }}
        />
      )}
      {dialog === "part" && (
        <PartsDialog
          mode="invoice"
          doc={d}
          onClose={() => setDialog(null)}
          onSaved={async (inv) => {
            await saved(inv);
            setDialog(null);
            notify(`Created a draft invoice of ${money(inv.total_minor, inv.currency)}`);
            navigate(`/documents/${inv.id}`);
          }}
        />
      )}
      {dialog === "void" && (
        <ConfirmDialog
          title={`Void ${documentTitle(d)}?`}
          confirmLabel="Void invoice"
          busy={voidIt.isPending}
          onCancel={() => setDialog(null)}
          onConfirm={() => voidIt.mutate()}
        >
          The invoice stays on file marked void, and its number stays used. Nothing is owed on it any more.
        </ConfirmDialog>
      )}
      {dialog === "delete" && (
        <ConfirmDialog
          title="Delete this draft invoice?"
          confirmLabel="Delete draft"
          busy={voidIt.isPending}
          onCancel={() => setDialog(null)}
          onConfirm={() => voidIt.mutate()}
        >
          The draft has no number yet, so nothing is skipped. Its order can be invoiced again.
        </ConfirmDialog>
      )}
    </div>
  );
}

function Fact({ label, value, testId, tone }: { label: string; value: ReactNode; testId?: string; tone?: string | undefined }) {
  return (
    <div className="doc-fact">
      <span className="label">{label}</span>
      <span className={`value${tone ? ` ${tone}` : ""}`} data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

const RELATION: Record<DocumentKind, string> = {
  quote: "Revision",
  order: "Order",
  invoice: "Invoice",
  credit_note: "Credit note",
};

/** Where the document came from and what was made from it. */
function Related({ doc }: { doc: Document }) {
  const derived: DocumentSummary[] = doc.derived;
  if (!doc.source_id && derived.length === 0) return null;
  return (
    <section className="card" data-testid="doc-related">
      <h2>Related documents</h2>
      <ul className="related">
        {doc.source_id && (
          <li data-testid="doc-related-source">
            <span className="muted small">Made from</span>{" "}
            <Link href={`/documents/${doc.source_id}`}>{doc.source_number ?? "the source document"}</Link>
          </li>
        )}
        {derived.map((x) => (
          <li key={x.id} data-testid={`doc-related-${x.number ?? x.id}`}>
            <span className="muted small">{x.kind === doc.kind ? RELATION.quote : RELATION[x.kind]}</span>{" "}
            <Link href={`/documents/${x.id}`}>{documentNumber(x)}</Link> <DocStatusPill status={x.status} />{" "}
            <span className="muted">{money(x.total_minor, x.currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A modal with a form; Esc or the backdrop closes it. */
function FormDialog({
  title,
  testId,
  children,
  onClose,
  onSubmit,
  wide,
}: {
  title: string;
  testId: string;
  children: ReactNode;
  onClose: () => void;
  onSubmit: () => void;
  wide?: boolean;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className={`dialog${wide ? " wide-dialog" : ""}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        noValidate
        onSubmit={submit}
        data-testid={testId}
      >
        <h2 id={`${testId}-title`}>{title}</h2>
        {children}
      </form>
    </div>
  );
}

function IssueDialog({
  busy,
  error,
  onCancel,
  onIssue,
}: {
  busy: boolean;
  error: unknown;
  onCancel: () => void;
  onIssue: (issuedOn: string | null, terms: number | null) => void;
}) {
  const [issuedOn, setIssuedOn] = useState(today());
  const [terms, setTerms] = useState("30");
  const err = error instanceof ApiError ? error : undefined;
  const termsNumber = terms.trim() === "" ? null : Number(terms);
  const badTerms = termsNumber !== null && (!Number.isInteger(termsNumber) || termsNumber < 0);
  return (
    <FormDialog title="Issue the invoice" testId="issue-dialog" onClose={onCancel} onSubmit={() => !badTerms && onIssue(issuedOn || null, termsNumber)}>
      <p>It takes the next invoice number now; from then on it is corrected by a credit note, not edited.</p>
      <div className="grid-2">
        <Field label="Invoice date" error={err?.field("issued_on")}>
          {(a11y) => <input {...a11y} type="date" className="input" data-testid="issue-date" value={issuedOn} onChange={(e) => setIssuedOn(e.target.value)} />}
        </Field>
        <Field label="Payment terms (days)" error={badTerms ? "a whole number of days" : err?.field("terms_days")}>
          {(a11y) => (
            <input {...a11y} className="input" inputMode="numeric" data-testid="issue-terms" value={terms} onChange={(e) => setTerms(e.target.value)} />
          )}
        </Field>
      </div>
      {err?.code === "company_profile_missing" ? (
        <div className="banner" role="alert" data-testid="issue-company-missing">
          <span>{err.message}</span>
          <Link className="btn small" href="/settings?section=company" data-testid="issue-open-company">
            Set the company in Settings
          </Link>
        </div>
      ) : (
        err && !err.field("issued_on") && !err.field("terms_days") && <ErrorBanner error={err} />
      )}
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={busy || badTerms} data-testid="invoice-issue-confirm">
          {busy ? "Issuing…" : "Issue invoice"}
        </button>
      </div>
    </FormDialog>
  );
}

const METHODS = ["bank transfer", "card", "cash", "direct debit", "cheque"];

function PaymentDialog({ doc, onClose, onSaved }: { doc: Document; onClose: () => void; onSaved: (d: Document) => Promise<void> }) {
  const notify = useNotify();
  const [amount, setAmount] = useState(() => priceText(doc.balance_minor, doc.currency));
  const [paidOn, setPaidOn] = useState(today());
  const [method, setMethod] = useState("bank transfer");
  const [reference, setReference] = useState("");
  const save = useMutation({
    mutationFn: () =>
      api.invoices.pay(doc.id, {
        amount: normalizeDecimal(amount),
        paid_on: paidOn || null,
        method: method.trim() || null,
        reference: reference.trim() || null,
      }),
    onSuccess: async (inv) => {
      await onSaved(inv);
      notify(
        inv.balance_minor > 0
          ? `Recorded ${money(inv.paid_minor - doc.paid_minor, doc.currency)}; ${money(inv.balance_minor, inv.currency)} still due`
          : `Recorded the payment; ${documentTitle(inv)} is paid`,
      );
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const amountError = err?.field("amount");
  return (
    <FormDialog title={`Record a payment on ${documentTitle(doc)}`} testId="payment-dialog" onClose={onClose} onSubmit={() => !save.isPending && save.mutate()}>
      <p>
        Balance due: <strong>{money(doc.balance_minor, doc.currency)}</strong>
      </p>
      <div className="grid-2">
        <Field label={`Amount (${doc.currency})`} error={amountError}>
          {(a11y) => (
            <input {...a11y} className="input num" inputMode="decimal" autoFocus data-testid="payment-amount" value={amount} onChange={(e) => setAmount(e.target.value)} />
          )}
        </Field>
        <Field label="Paid on" error={err?.field("paid_on")}>
          {(a11y) => <input {...a11y} type="date" className="input" data-testid="payment-date" value={paidOn} onChange={(e) => setPaidOn(e.target.value)} />}
        </Field>
        <Field label="Method" error={err?.field("method")}>
          {(a11y) => (
            <>
              <input {...a11y} className="input" list="payment-methods" data-testid="payment-method" value={method} onChange={(e) => setMethod(e.target.value)} />
              <datalist id="payment-methods">
                {METHODS.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Reference" error={err?.field("reference")}>
          {(a11y) => (
            <input {...a11y} className="input" placeholder="e.g. bank statement line" data-testid="payment-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
          )}
        </Field>
      </div>
      {err && !amountError && <ErrorBanner error={err} />}
      <div className="actions">
        <button type="button" className="btn" onClick={onClose} disabled={save.isPending}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending} data-testid="payment-save">
          {save.isPending ? "Saving…" : "Record payment"}
        </button>
      </div>
    </FormDialog>
  );
}

/**
 * Lines to carry over with a quantity each: part of an order to invoice, or part of an invoice
 * to credit (or the whole invoice).
 */
function PartsDialog({
  mode,
  doc,
  onClose,
  onSaved,
}: {
  mode: "invoice" | "credit";
  doc: Document;
  onClose: () => void;
  onSaved: (d: Document) => Promise<void>;
}) {
  const laterKind: DocumentKind = mode === "invoice" ? "invoice" : "credit_note";
  const later = useQueries({
    queries: doc.derived
      .filter((x) => x.kind === laterKind && x.status !== "void")
      .map((x) => ({ queryKey: qk.documents.detail(x.id), queryFn: () => api.documents.get(x.id) })),
  });
  const loaded = later.every((q) => q.data);
  const left = leftByLine(
    doc,
    later.flatMap((q) => (q.data ? [q.data] : [])),
  );
  const [whole, setWhole] = useState(mode === "credit");
  const [qty, setQty] = useState<Record<string, string>>({});
  const [notes, setNotes] = useState("");
  const qtyOf = (lineId: string) => qty[lineId] ?? quantityText(left.get(lineId) ?? 0);
  const parts = (): PartInput[] =>
    doc.lines
      .map((l) => ({ line_id: l.id, quantity: normalizeDecimal(qtyOf(l.id)) }))
      .filter((p) => p.quantity !== "" && parseScaled(p.quantity, 3) !== 0);
  const save = useMutation({
    mutationFn: () =>
      mode === "invoice"
        ? api.orders.invoice(doc.id, parts())
        : api.invoices.credit(doc.id, whole ? null : parts(), notes.trim() || null),
    onSuccess: onSaved,
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const showLines = mode === "invoice" || !whole;
  const nothing = showLines && loaded && parts().length === 0;
  const prefix = mode === "invoice" ? "part" : "credit";
  return (
    <FormDialog
      wide
      title={mode === "invoice" ? `Invoice part of ${documentTitle(doc)}` : `Credit note for ${documentTitle(doc)}`}
      testId={mode === "invoice" ? "invoice-part-dialog" : "credit-dialog"}
      onClose={onClose}
      onSubmit={() => !save.isPending && !nothing && save.mutate()}
    >
      {mode === "credit" && (
        <div className="seg credit-mode" role="radiogroup" aria-label="What to credit">
          <button type="button" role="radio" aria-checked={whole} className={`seg-item${whole ? " active" : ""}`} data-testid="credit-full" onClick={() => setWhole(true)}>
            Whole invoice
          </button>
          <button type="button" role="radio" aria-checked={!whole} className={`seg-item${!whole ? " active" : ""}`} data-testid="credit-lines" onClick={() => setWhole(false)}>
            Per line
          </button>
        </div>
      )}
      {mode === "credit" && whole && (
        <p>Credits everything not credited yet: {money(doc.total_minor - doc.credited_minor, doc.currency)} at most.</p>
      )}
      {mode === "invoice" && <p>The quantities left to invoice are filled in; change them to invoice less. The invoice is made as a draft.</p>}
      {showLines && (
        <table className="parts" data-testid={`${prefix}-lines`}>
          <thead>
            <tr>
              <th>Line</th>
              <th className="num">{mode === "invoice" ? "Left to invoice" : "Left to credit"}</th>
              <th className="num" style={{ width: 120 }}>
                Quantity
              </th>
            </tr>
          </thead>
          <tbody>
            {doc.lines.map((l, i) => {
              const remaining = left.get(l.id) ?? 0;
              const error = err?.field(`lines.${i}.quantity`);
              return (
                <tr key={l.id}>
                  <td>
                    {l.description}
                    <div className="muted small">
                      {quantityText(l.quantity_milli)} × {money(l.unit_price_minor, doc.currency)}
                    </div>
                  </td>
                  <td className="num" data-testid={`${prefix}-left-${i}`}>
                    {loaded ? quantityText(remaining) : "…"}
                    {l.unit && <span className="muted small"> {l.unit}</span>}
                  </td>
                  <td className="num">
                    <input
                      className="input num"
                      inputMode="decimal"
                      aria-label={`Quantity of ${l.description}`}
                      aria-invalid={Boolean(error)}
                      disabled={!loaded || remaining === 0}
                      data-testid={`${prefix}-qty-${i}`}
                      value={loaded ? qtyOf(l.id) : ""}
                      onChange={(e) => setQty((q) => ({ ...q, [l.id]: e.target.value }))}
                    />
                    {error && (
                      <span className="field-error" role="alert">
                        {error}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {mode === "credit" && (
        <Field label="Note on the credit note" error={err?.field("notes")}>
          {(a11y) => (
            <input
              {...a11y}
              className="input"
              placeholder={`Credit note for invoice ${doc.number ?? ""}`}
              data-testid="credit-notes"
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
            />
          )}
        </Field>
      )}
      {err && !doc.lines.some((_, i) => err.field(`lines.${i}.quantity`)) && <ErrorBanner error={err} />}
      <div className="actions">
        <button type="button" className="btn" onClick={onClose} disabled={save.isPending}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending || nothing || !loaded} data-testid={`${prefix}-save`}>
          {save.isPending ? "Saving…" : mode === "invoice" ? "Create draft invoice" : "Create credit note"}
        </button>
      </div>
    </FormDialog>
  );
}
