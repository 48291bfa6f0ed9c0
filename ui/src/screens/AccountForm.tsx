import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { Field, TextField } from "../components/Field";
import { ErrorBanner, PageHead } from "../components/PageHead";
import { useNotify } from "../components/Toasts";
import { api, ApiError, type Account, type AccountInput, type Address } from "../lib/api";
import { moneyToPlain } from "../lib/format";
import { useShortcut } from "../lib/useShortcut";

const DEFAULT_CURRENCY = "EUR";

function toInput(a: Account | undefined): AccountInput {
  return {
    name: a?.name ?? "",
    industry: a?.industry ?? null,
    website: a?.website ?? null,
    phone: a?.phone ?? null,
    address: a?.address ?? { street: null, city: null, region: null, postal_code: null, country: null },
    annual_revenue: a?.annual_revenue
      ? { amount: moneyToPlain(a.annual_revenue), currency: a.annual_revenue.currency }
      : { amount: "", currency: DEFAULT_CURRENCY },
    employee_count: a?.employee_count ?? null,
    notes: a?.notes ?? null,
  };
}

export function AccountFormPage({ id }: { id?: string }) {
  const { data: account, error } = useQuery({
    queryKey: ["accounts", id],
    queryFn: () => api.accounts.get(id as string),
    enabled: Boolean(id),
  });
  if (error) return <div className="page-body"><ErrorBanner error={error} /></div>;
  if (id && !account) return <div className="page-body muted">Loading…</div>;
  return <AccountForm key={id ?? "new"} account={account} />;
}

function AccountForm({ account }: { account: Account | undefined }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [input, setInput] = useState<AccountInput>(() => toInput(account));
  const save = useMutation({
    mutationFn: (value: AccountInput) => (account ? api.accounts.update(account.id, value) : api.accounts.create(value)),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ["accounts"] });
      await client.invalidateQueries({ queryKey: ["contacts"] });
      notify(account ? `Saved ${saved.name}` : `Added ${saved.name}`);
      navigate(`/accounts/${saved.id}`, { replace: Boolean(account) });
    },
  });
  const apiError = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => apiError?.field(name);
  const set = <K extends keyof AccountInput>(key: K, value: AccountInput[K]) =>
    setInput((prev) => ({ ...prev, [key]: value }));
  const setAddress = (key: keyof Address, value: string) =>
    setInput((prev) => ({ ...prev, address: { ...prev.address, [key]: value || null } }));
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (save.isPending) return;
    const revenue = input.annual_revenue;
    save.mutate({ ...input, annual_revenue: revenue && revenue.amount.trim() ? revenue : null });
  };
  const cancelTo = account ? `/accounts/${account.id}` : "/accounts";
  useShortcut("s", submit);
  const text = (label: string, key: "name" | "industry" | "website" | "phone", extra: object = {}) => (
    <TextField
      label={label}
      name={key}
      value={input[key]}
      error={fieldError(key)}
      onChange={(v) => set(key, key === "name" ? v : v || null)}
      {...extra}
    />
  );
  const addressField = (label: string, key: keyof Address) => (
    <TextField
      label={label}
      name={`address.${key}`}
      value={input.address[key]}
      error={fieldError(`address.${key}`)}
      onChange={(v) => setAddress(key, v)}
    />
  );

  return (
    <>
      <PageHead title={account ? `Edit ${account.name}` : "New account"} sub="Ctrl+S saves, Esc cancels">
        <Link className="btn" href={cancelTo}>
          Cancel
        </Link>
        <button className="btn primary" onClick={() => submit()} disabled={save.isPending} data-testid="save">
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </PageHead>
      <div className="page-body" onKeyDown={(e) => e.key === "Escape" && navigate(cancelTo)}>
        <form className="form" onSubmit={submit} noValidate data-testid="account-form">
          {apiError && apiError.code !== "validation" && <ErrorBanner error={apiError} />}
          {apiError?.code === "validation" && (
            <div className="banner" role="alert">
              Please correct the highlighted fields.
            </div>
          )}
          <section className="form-section">
            <h2>Company</h2>
            <div className="grid-2">
              {text("Name", "name", { autoFocus: true, placeholder: "e.g. Northwind Traders" })}
              {text("Industry", "industry", { placeholder: "e.g. Wholesale" })}
              {text("Website", "website", { placeholder: "northwind.example" })}
              {text("Phone", "phone", { type: "tel" })}
            </div>
          </section>
          <section className="form-section">
            <h2>Address</h2>
            {addressField("Street", "street")}
            <div className="grid-2">
              {addressField("Postal code", "postal_code")}
              {addressField("City", "city")}
              {addressField("Region", "region")}
              {addressField("Country", "country")}
            </div>
          </section>
          <section className="form-section">
            <h2>Size</h2>
            <div className="grid-2">
              <Field
                label="Annual revenue"
                error={fieldError("annual_revenue.amount") ?? fieldError("annual_revenue.currency")}
              >
                {(a11y) => (
                  <div className="money-row">
                    <input
                      {...a11y}
                      name="annual_revenue.amount"
                      className="input"
                      inputMode="decimal"
                      placeholder="1250000.00"
                      value={input.annual_revenue?.amount ?? ""}
                      onChange={(e) =>
                        set("annual_revenue", {
                          amount: e.target.value,
                          currency: input.annual_revenue?.currency ?? DEFAULT_CURRENCY,
                        })
                      }
                    />
                    <input
                      name="annual_revenue.currency"
                      className="input"
                      aria-label="Currency"
                      maxLength={3}
                      value={input.annual_revenue?.currency ?? DEFAULT_CURRENCY}
                      onChange={(e) =>
                        set("annual_revenue", {
                          amount: input.annual_revenue?.amount ?? "",
                          currency: e.target.value.toUpperCase(),
                        })
                      }
                    />
                  </div>
                )}
              </Field>
              <TextField
                label="Employees"
                name="employee_count"
                type="number"
                min={0}
                step={1}
                value={input.employee_count?.toString() ?? ""}
                error={fieldError("employee_count")}
                onChange={(v) => set("employee_count", v === "" ? null : Math.trunc(Number(v)))}
              />
            </div>
          </section>
          <section className="form-section">
            <h2>Notes</h2>
            <Field label="Notes" error={fieldError("notes")}>
              {(a11y) => (
                <textarea
                  {...a11y}
                  name="notes"
                  className="input"
                  value={input.notes ?? ""}
                  onChange={(e) => set("notes", e.target.value || null)}
                />
              )}
            </Field>
          </section>
          <div className="form-actions">
            <Link className="btn" href={cancelTo}>
              Cancel
            </Link>
            <button type="submit" className="btn primary" disabled={save.isPending}>
              {account ? "Save changes" : "Add account"}
            </button>
          </div>
        </form>
      </div>
    </>
  );
}
