import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation, useSearchParams } from "wouter";

import { AccountPicker, ContactChooser } from "../people/PeoplePickers";
import { Field } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { TotalsBlock } from "./SalesTotals";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Document, type Product, type QuoteInput } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { invalidateSales } from "../../lib/invalidate";
import {
  blankLine,
  documentTitle,
  documentTotals,
  draftLineOf,
  lineInput,
  previewLine,
  withProduct,
  type DraftLine,
} from "./sales";
import { useDebounced } from "../../lib/useDebounced";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";
import { useClickAway } from "../../lib/useClickAway";

type Ref = { id: string; name: string };

/** The editor's state: the quote as typed. */
export type EditorState = {
  opportunity: Ref | null;
  account: Ref | null;
  contact: Ref | null;
  currency: string;
  valid_until: string;
  notes: string;
  lines: DraftLine[];
};

function isBlank(l: DraftLine): boolean {
  return !l.product.trim() && !l.description.trim() && !l.unit_price.trim();
}

/** What is sent: trailing empty rows dropped (earlier rows keep their index for the error paths). */
export function quotePayload(s: EditorState): QuoteInput {
  const lines = [...s.lines];
  while (lines.length > 1 && isBlank(lines[lines.length - 1] as DraftLine)) lines.pop();
  return {
    opportunity_id: s.opportunity?.id ?? null,
    account_id: s.account?.id ?? null,
    contact_id: s.contact?.id ?? null,
    currency: s.currency.trim().toUpperCase() || null,
    valid_until: s.valid_until || null,
    notes: s.notes.trim() || null,
    lines: lines.map(lineInput),
  };
}

function stateOf(d: Document): EditorState {
  return {
    opportunity: d.opportunity_id ? { id: d.opportunity_id, name: d.opportunity_name ?? "Deal" } : null,
    account: d.account_id ? { id: d.account_id, name: d.account_name ?? "Account" } : null,
    contact: d.contact_id ? { id: d.contact_id, name: d.contact_name ?? "Contact" } : null,
    currency: d.currency,
    valid_until: d.valid_until ?? "",
    notes: d.notes ?? "",
    lines: d.lines.length ? d.lines.map((l) => draftLineOf(l, d.currency)) : [blankLine()],
  };
}

/** `/quotes/new?opportunity=…&account=…`: a new quote, prefilled from the deal or account. */
export function NewQuotePage() {
  const [params] = useSearchParams();
  const dealId = params.get("opportunity");
  const accountId = params.get("account");
  const deal = useQuery({ queryKey: qk.deals.detail(dealId), queryFn: () => api.deals.get(dealId as string), enabled: Boolean(dealId) });
  const account = useQuery({
    queryKey: qk.accounts.detail(accountId),
    queryFn: () => api.accounts.get(accountId as string),
    enabled: Boolean(accountId),
  });
  const error = deal.error ?? account.error;
  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
      </div>
    );
  }
  if ((dealId && !deal.data) || (accountId && !account.data)) return <div className="page-body muted">Loading…</div>;
  const d = deal.data;
  const a = account.data;
  const initial: EditorState = {
    opportunity: d ? { id: d.id, name: d.name } : null,
    account: a ? { id: a.id, name: a.name } : d?.account_id ? { id: d.account_id, name: d.account_name ?? "Account" } : null,
    contact: null,
    currency: d?.amount?.currency ?? "",
    valid_until: "",
    notes: "",
    lines: [blankLine()],
  };
  return <QuoteEditor key={`${dealId ?? ""}-${accountId ?? ""}`} mode="new" initial={initial} />;
}

/** `/documents/:id/edit` (a draft quote) and `/documents/:id/revise` (a new version). */
export function EditQuotePage({ id, revise = false }: { id: string; revise?: boolean }) {
  const { data: d, error } = useQuery({ queryKey: qk.documents.detail(id), queryFn: () => api.documents.get(id) });
  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
      </div>
    );
  }
  if (!d) return <div className="page-body muted">Loading…</div>;
  if (d.kind !== "quote") {
    return (
      <div className="page-body">
        <div className="banner">Only quotes are edited here.</div>
        <Link href={`/documents/${id}`}>← Back to the document</Link>
      </div>
    );
  }
  return <QuoteEditor key={`${id}-${revise}`} mode={revise ? "revise" : "edit"} doc={d} initial={stateOf(d)} />;
}

function QuoteEditor({ mode, doc, initial }: { mode: "new" | "edit" | "revise"; doc?: Document; initial: EditorState }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [s, setS] = useState<EditorState>(initial);
  const set = <K extends keyof EditorState>(key: K, value: EditorState[K]) => setS((p) => ({ ...p, [key]: value }));
  const setLine = (i: number, change: (l: DraftLine) => DraftLine) =>
    setS((p) => ({ ...p, lines: p.lines.map((l, j) => (j === i ? change(l) : l)) }));
  const save = useMutation({
    mutationFn: (input: QuoteInput) =>
      mode === "new" ? api.quotes.create(input) : mode === "edit" ? api.quotes.update(doc?.id ?? "", input) : api.quotes.revise(doc?.id ?? "", input),
    onSuccess: async (saved) => {
      client.setQueryData(qk.documents.detail(saved.id), saved);
      await invalidateSales(client);
      notify(
        mode === "revise"
          ? `Saved ${documentTitle(saved)}; the earlier version is kept as superseded`
          : mode === "edit"
            ? `Saved ${documentTitle(saved)}`
            : `Created ${documentTitle(saved)}`,
      );
      navigate(`/documents/${saved.id}`, { replace: mode === "edit" });
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!save.isPending) save.mutate(quotePayload(s));
  };
  useShortcut("s", submit);
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);

  const currency = s.currency.trim().toUpperCase() || "EUR";
  const previews = s.lines.map((l) => (isBlank(l) ? null : previewLine(l, currency)));
  const totals = documentTotals(previews.filter((p): p is NonNullable<typeof p> => p !== null));
  const incomplete = previews.some((p, i) => p === null && !isBlank(s.lines[i] as DraftLine));

  const title =
    mode === "new" ? "New quote" : mode === "edit" ? `Edit ${doc ? documentTitle(doc) : "quote"}` : `Revise ${doc ? documentTitle(doc) : "quote"}`;
  const cancelTo = doc ? `/documents/${doc.id}` : s.opportunity ? `/deals/${s.opportunity.id}` : s.account ? `/accounts/${s.account.id}` : "/invoices?kind=quote";

  return (
    <div className="screen-col" data-testid="quote-editor">
      <PageHead
        title={title}
        sub={
          mode === "revise"
            ? `Saving makes version ${(doc?.version ?? 1) + 1} with the same number; this version is kept as superseded.`
            : s.opportunity
              ? (
                  <>
                    For the deal <Link href={`/deals/${s.opportunity.id}`}>{s.opportunity.name}</Link> · Ctrl+S saves
                  </>
                )
              : "Ctrl+S saves"
        }
      >
        <Link className="btn" href={cancelTo}>
          Cancel
        </Link>
        <button className="btn primary" onClick={() => submit()} disabled={save.isPending} data-testid="quote-save">
          {save.isPending ? "Saving…" : mode === "revise" ? "Save new version" : mode === "edit" ? "Save quote" : "Create quote"}
        </button>
      </PageHead>
      <div className="page-body">
        <form className="form quote-form" onSubmit={submit} noValidate data-testid="quote-form">
          {err && err.code !== "validation" && <ErrorBanner error={err} />}
          {err?.code === "validation" && (
            <div className="banner" role="alert" data-testid="quote-invalid">
              Please correct the highlighted fields.
            </div>
          )}
          <section className="form-section">
            <h2>Customer</h2>
            <div className="grid-2">
              <Field label="Account" error={fe("account_id") ?? fe("opportunity_id")}>
                {(a11y) => (
                  <AccountPicker
                    a11y={a11y}
                    value={s.account}
                    onChange={(a) => setS((p) => ({ ...p, account: a, contact: a?.id === p.account?.id ? p.contact : null }))}
                  />
                )}
              </Field>
              <Field label="Contact" error={fe("contact_id")}>
                {(a11y) => (
                  <ContactChooser
                    a11y={a11y}
                    accountId={s.account?.id ?? null}
                    value={s.contact}
                    onChange={(c) =>
                      setS((p) => ({
                        ...p,
                        contact: c ? { id: c.id, name: c.name } : null,
                        ...(c && !p.account && c.accountId ? { account: { id: c.accountId, name: c.accountName ?? "Account" } } : {}),
                      }))
                    }
                  />
                )}
              </Field>
              <Field label="Currency" error={fe("currency")}>
                {(a11y) => (
                  <input
                    {...a11y}
                    className="input"
                    name="currency"
                    maxLength={3}
                    placeholder="From the deal or the first product"
                    data-testid="quote-currency"
                    value={s.currency}
                    onChange={(e) => set("currency", e.target.value.toUpperCase())}
                  />
                )}
              </Field>
              <Field label="Valid until" error={fe("valid_until")}>
                {(a11y) => (
                  <input
                    {...a11y}
                    className="input"
                    type="date"
                    name="valid_until"
                    data-testid="quote-valid-until"
                    value={s.valid_until}
                    onChange={(e) => set("valid_until", e.target.value)}
                  />
                )}
              </Field>
            </div>
            {!s.valid_until && <p className="muted small">Left empty, the quote is valid for 30 days.</p>}
          </section>
          <section className="form-section lines-section">
            <h2>Lines</h2>
            <div className="lines-scroll">
              <table className="lines-edit" data-testid="quote-lines">
                <thead>
                  <tr>
                    <th style={{ width: "17%" }}>Product</th>
                    <th>Description</th>
                    <th className="num" style={{ width: 84 }}>
                      Qty
                    </th>
                    <th className="num" style={{ width: 110 }}>
                      Unit price
                    </th>
                    <th className="num" style={{ width: 80 }}>
                      Disc. %
                    </th>
                    <th className="num" style={{ width: 72 }}>
                      Tax %
                    </th>
                    <th className="num" style={{ width: 120 }}>
                      Amount
                    </th>
                    <th style={{ width: 36 }} aria-label="Remove" />
                  </tr>
                </thead>
                <tbody>
                  {s.lines.map((l, i) => (
                    <LineRow
                      key={l.key}
                      index={i}
                      line={l}
                      currency={currency}
                      amount={previews[i] ? formatMoney({ amount_minor: previews[i].amounts.net_minor, currency }) : null}
                      fieldError={(name) => fe(`lines.${i}.${name}`)}
                      onChange={(change) => setLine(i, change)}
                      onPick={(p) => {
                        setLine(i, (x) => withProduct(x, p, s.currency.trim() || null));
                        if (!s.currency.trim()) set("currency", p.unit_price.currency);
                      }}
                      onRemove={
                        s.lines.length > 1 ? () => setS((p) => ({ ...p, lines: p.lines.filter((_, j) => j !== i) })) : undefined
                      }
                    />
                  ))}
                </tbody>
              </table>
            </div>
            {fe("lines") && (
              <span className="field-error" role="alert">
                {fe("lines")}
              </span>
            )}
            <div className="lines-foot">
              <button
                type="button"
                className="btn"
                data-testid="line-add"
                onClick={() => setS((p) => ({ ...p, lines: [...p.lines, blankLine()] }))}
              >
                + Add line
              </button>
              <span className="spacer" />
              <TotalsBlock totals={totals} currency={currency} testId="quote-totals" />
            </div>
            <p className="muted small">
              {incomplete
                ? "Lines with a number that cannot be read yet are left out of the totals."
                : "A preview: the saved quote shows the figures of record."}
            </p>
          </section>
          <section className="form-section">
            <h2>Notes</h2>
            <Field label="Notes (printed on the quote)" error={fe("notes")}>
              {(a11y) => (
                <textarea
                  {...a11y}
                  className="input"
                  name="notes"
                  rows={3}
                  data-testid="quote-notes"
                  value={s.notes}
                  onChange={(e) => set("notes", e.target.value)}
                />
              )}
            </Field>
          </section>
          {/* Enter in a text box submits the form. */}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </form>
      </div>
    </div>
  );
}

/** A cell's input, with the backend's message for it. */
function Cell({
  testId,
  label,
  value,
  error,
  onChange,
  numeric,
  placeholder,
}: {
  testId: string;
  label: string;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
  numeric?: boolean;
  placeholder?: string;
}) {
  const errorId = `${testId}-error`;
  return (
    <>
      <input
        className={`input${numeric ? " num" : ""}`}
        aria-label={label}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        inputMode={numeric ? "decimal" : undefined}
        placeholder={placeholder}
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </>
  );
}

function LineRow({
  index: i,
  line,
  currency,
  amount,
  fieldError,
  onChange,
  onPick,
  onRemove,
}: {
  index: number;
  line: DraftLine;
  currency: string;
  amount: string | null;
  fieldError: (name: string) => string | undefined;
  onChange: (change: (l: DraftLine) => DraftLine) => void;
  onPick: (p: Product) => void;
  onRemove: (() => void) | undefined;
}) {
  const field = <K extends keyof DraftLine>(key: K) => (v: string) => onChange((l) => ({ ...l, [key]: v }));
  return (
    <tr data-testid={`line-row-${i}`}>
      <td>
        <ProductCell index={i} value={line.product} error={fieldError("product")} onType={field("product")} onPick={onPick} />
      </td>
      <td>
        <Cell
          testId={`line-description-${i}`}
          label={`Line ${i + 1} description`}
          placeholder={line.product ? "The product's name" : "What you sell"}
          value={line.description}
          error={fieldError("description")}
          onChange={field("description")}
        />
      </td>
      <td>
        <Cell testId={`line-quantity-${i}`} label={`Line ${i + 1} quantity`} numeric value={line.quantity} error={fieldError("quantity")} onChange={field("quantity")} />
        {line.unit && <span className="muted small unit">{line.unit}</span>}
      </td>
      <td>
        <Cell
          testId={`line-price-${i}`}
          label={`Line ${i + 1} unit price (${currency})`}
          numeric
          placeholder={line.product ? "Product's" : "0.00"}
          value={line.unit_price}
          error={fieldError("unit_price")}
          onChange={field("unit_price")}
        />
      </td>
      <td>
        <Cell
          testId={`line-discount-${i}`}
          label={`Line ${i + 1} discount (%)`}
          numeric
          placeholder="0"
          value={line.discount}
          error={fieldError("discount")}
          onChange={field("discount")}
        />
      </td>
      <td>
        <Cell
          testId={`line-tax-${i}`}
          label={`Line ${i + 1} tax rate (%)`}
          numeric
          placeholder={line.product ? "Product's" : "0"}
          value={line.tax_rate}
          error={fieldError("tax_rate")}
          onChange={field("tax_rate")}
        />
      </td>
      <td className="num amount" data-testid={`line-amount-${i}`}>
        {amount ?? <span className="muted">—</span>}
      </td>
      <td>
        {onRemove && (
          <button type="button" className="chip-x line-remove" aria-label={`Remove line ${i + 1}`} title="Remove line" data-testid={`line-remove-${i}`} onClick={onRemove}>
            ×
          </button>
        )}
      </td>
    </tr>
  );
}

/** The product of a line: type a SKU or a name, pick one of the suggestions. */
function ProductCell({
  index: i,
  value,
  error,
  onType,
  onPick,
}: {
  index: number;
  value: string;
  error: string | undefined;
  onType: (v: string) => void;
  onPick: (p: Product) => void;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(value, 150).trim();
  const hits = useQuery({
    queryKey: qk.products.pick(q),
    queryFn: () => api.products.list(q || null, false),
    enabled: open,
    // While the next letters are looked up, the suggestions shown stay put instead of blinking out.
    placeholderData: keepPreviousData,
  });
  const ref = useClickAway(open, setOpen);
  const list = (hits.data ?? []).slice(0, 8);
  const pick = (p: Product) => {
    onPick(p);
    setOpen(false);
  };
  const errorId = `line-product-${i}-error`;
  return (
    <div className="search-pick" ref={ref}>
      <input
        className="input"
        aria-label={`Line ${i + 1} product (SKU or name)`}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        aria-autocomplete="list"
        aria-expanded={open && list.length > 0}
        autoComplete="off"
        placeholder="SKU or name"
        data-testid={`line-product-${i}`}
        value={value}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          onType(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, list.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open && list[active]) {
            e.preventDefault();
            pick(list[active]);
          } else if (e.key === "Escape" && open) {
            e.stopPropagation();
            setOpen(false);
          } else if (e.key === "Tab") {
            // Tabbing away on an exact SKU takes that product.
            const exact = list.find((p) => p.sku.toLowerCase() === value.trim().toLowerCase());
            if (exact && open) pick(exact);
            else setOpen(false);
          }
        }}
      />
      {open && list.length > 0 && (
        <div className="menu-pop product-pop" role="listbox" aria-label="Products">
          {list.map((p, j) => (
            <button
              key={p.id}
              type="button"
              role="option"
              aria-selected={j === active}
              className={`menu-item${j === active ? " active" : ""}`}
              data-testid="line-product-option"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(p)}
            >
              <span className="mono">{p.sku}</span> {p.name}
              <span className="muted small">
                {formatMoney(p.unit_price)}
                {p.unit ? ` / ${p.unit}` : ""}
              </span>
            </button>
          ))}
        </div>
      )}
      {error && (
        <span className="field-error" id={errorId} role="alert" data-testid={`line-product-${i}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
