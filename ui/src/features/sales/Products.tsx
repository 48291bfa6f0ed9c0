import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";

import { Field, TextField } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { money } from "./SalesPanels";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Product, type ProductInput } from "../../lib/api";
import { moneyToPlain } from "../../lib/format";
import { normalizeDecimal, percentText } from "./sales";
import { useDebounced } from "../../lib/useDebounced";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";

export function inputOf(p: Product | null): ProductInput {
  return {
    sku: p?.sku ?? "",
    name: p?.name ?? "",
    description: p?.description ?? null,
    unit: p?.unit ?? null,
    unit_price: p ? moneyToPlain(p.unit_price) : "",
    currency: p?.unit_price.currency ?? "EUR",
    tax_rate: p ? percentText(p.tax_rate_bp) : "19",
    active: p?.active ?? true,
  };
}

/** The price list: what quotes pick lines from. */
export function Products() {
  const [search, setSearch] = useState("");
  const [inactive, setInactive] = useState(false);
  const q = useDebounced(search, 150).trim();
  const products = useQuery({
    queryKey: qk.products.list(q, inactive),
    queryFn: () => api.products.list(q || null, inactive),
  });
  // null: closed; "new"; or the product being edited.
  const [editing, setEditing] = useState<Product | "new" | null>(null);
  const rows = products.data ?? [];

  return (
    <div className="screen-col" data-testid="products-screen">
      <PageHead title="Products" sub="Your price list: quotes take their lines, prices and tax rates from it">
        <button className="btn primary" onClick={() => setEditing("new")} data-testid="new-product">
          + New product
        </button>
      </PageHead>
      <div className="page-body">
        <div className="filter-bar">
          <input
            className="input search"
            type="search"
            placeholder="Search by SKU or name"
            aria-label="Search products"
            data-testid="product-search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <label className="check-filter">
            <input type="checkbox" checked={inactive} onChange={(e) => setInactive(e.target.checked)} data-testid="product-show-inactive" />
            Show inactive
          </label>
          <span className="spacer" />
          {products.data && (
            <span className="muted">
              {rows.length.toLocaleString()} {rows.length === 1 ? "product" : "products"}
            </span>
          )}
        </div>
        <ErrorBanner error={products.error} />
        {products.data && rows.length === 0 ? (
          <div className="empty" data-testid="products-empty">
            <h2>{q ? "Nothing matches" : "No products yet"}</h2>
            <p className="muted">
              {q ? "Try another SKU or name." : "Add what you sell, with its unit price and tax rate, to build quotes from it."}
            </p>
          </div>
        ) : (
          <div className="table-card">
            <table className="list" data-testid="product-list">
              <thead>
                <tr>
                  <th className="pad" style={{ width: "16%" }}>
                    SKU
                  </th>
                  <th className="pad">Name</th>
                  <th className="pad" style={{ width: 100 }}>
                    Unit
                  </th>
                  <th className="pad num" style={{ width: 140 }}>
                    Price
                  </th>
                  <th className="pad num" style={{ width: 90 }}>
                    Tax
                  </th>
                  <th className="pad" style={{ width: 100 }}>
                    Active
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr
                    key={p.id}
                    tabIndex={0}
                    className={p.active ? undefined : "is-inactive"}
                    data-testid={`product-row-${p.sku}`}
                    onClick={() => setEditing(p)}
                    onKeyDown={(e) => e.key === "Enter" && setEditing(p)}
                  >
                    <td className="mono">{p.sku}</td>
                    <td>
                      <strong>{p.name}</strong>
                      {p.description && <span className="muted"> · {p.description}</span>}
                    </td>
                    <td>{p.unit ?? <span className="muted">—</span>}</td>
                    <td className="num">{money(p.unit_price.amount_minor, p.unit_price.currency)}</td>
                    <td className="num">{percentText(p.tax_rate_bp)}%</td>
                    <td>{p.active ? <span className="badge dstatus-paid">Active</span> : <span className="badge subtle">Inactive</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {editing && <ProductDialog product={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

function ProductDialog({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [input, setInput] = useState<ProductInput>(() => inputOf(product));
  const set = <K extends keyof ProductInput>(key: K, value: ProductInput[K]) => setInput((p) => ({ ...p, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const value: ProductInput = {
        ...input,
        sku: input.sku.trim(),
        name: input.name.trim(),
        description: input.description?.trim() || null,
        unit: input.unit?.trim() || null,
        unit_price: normalizeDecimal(input.unit_price),
        currency: input.currency.trim().toUpperCase(),
        tax_rate: normalizeDecimal(input.tax_rate),
      };
      return product ? api.products.update(product.id, value) : api.products.create(value);
    },
    onSuccess: async (p) => {
      await client.invalidateQueries({ queryKey: qk.products.all });
      notify(product ? `Saved ${p.sku}` : `Added ${p.sku} ${p.name}`);
      onClose();
    },
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate();
  };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="dialog wide-dialog" role="dialog" aria-modal="true" aria-labelledby="product-title" onSubmit={submit} noValidate data-testid="product-form">
        <h2 id="product-title">{product ? `Edit ${product.sku}` : "New product"}</h2>
        {err && err.code !== "validation" && <ErrorBanner error={err} />}
        <div className="grid-2">
          <TextField label="SKU" name="sku" autoFocus data-testid="product-sku" placeholder="e.g. CONS-H" value={input.sku} error={fe("sku")} onChange={(v) => set("sku", v)} />
          <TextField label="Name" name="name" data-testid="product-name" placeholder="e.g. Consulting" value={input.name} error={fe("name")} onChange={(v) => set("name", v)} />
        </div>
        <TextField
          label="Description"
          name="description"
          data-testid="product-description"
          value={input.description}
          error={fe("description")}
          onChange={(v) => set("description", v || null)}
        />
        <div className="grid-2">
          <TextField label="Unit" name="unit" data-testid="product-unit" placeholder="hour, piece, month" value={input.unit} error={fe("unit")} onChange={(v) => set("unit", v || null)} />
          <TextField
            label="Tax rate (%)"
            name="tax_rate"
            inputMode="decimal"
            data-testid="product-tax"
            value={input.tax_rate}
            error={fe("tax_rate")}
            onChange={(v) => set("tax_rate", v)}
          />
          <TextField
            label="Unit price"
            name="unit_price"
            inputMode="decimal"
            placeholder="120.00"
            data-testid="product-price"
            value={input.unit_price}
            error={fe("unit_price") ?? fe("unit_price.amount")}
            onChange={(v) => set("unit_price", v)}
          />
          <TextField
            label="Currency"
            name="currency"
            maxLength={3}
            data-testid="product-currency"
            value={input.currency}
            error={fe("currency") ?? fe("unit_price.currency")}
            onChange={(v) => set("currency", v.toUpperCase())}
          />
        </div>
        <Field label="Status" error={fe("active")}>
          {(a11y) => (
            <label className="checks">
              <input
                {...a11y}
                type="checkbox"
                data-testid="product-active"
                checked={input.active ?? true}
                onChange={(e) => set("active", e.target.checked)}
              />
              Active: offered when building quotes
            </label>
          )}
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending} data-testid="product-save">
            {save.isPending ? "Saving…" : product ? "Save product" : "Add product"}
          </button>
        </div>
      </form>
    </div>
  );
}
