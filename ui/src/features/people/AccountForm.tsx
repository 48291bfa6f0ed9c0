import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";

import { Field, NotesSection, TextField } from "../../components/Field";
import { FormFrame } from "../../components/FormFrame";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { CustomFieldInputs, editableCustom } from "../../components/CustomFields";
import { OwnerSelect, TagsField } from "../../components/Pickers";
import { api, ApiError, type Account, type AccountInput, type AccountType, type Address } from "../../lib/api";
import { moneyToPlain } from "../../lib/format";
import { useDraft } from "../../lib/useDraft";
import { qk } from "../../lib/queryKeys";

const DEFAULT_CURRENCY = "EUR";

export function toInput(a: Account | undefined): AccountInput {
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
    type: a?.type ?? null,
    turnover_band: a?.turnover_band ?? null,
    employee_band: a?.employee_band ?? null,
    parent_id: a?.parent_id ?? null,
    owner_id: a?.owner_id ?? null,
    tags: a?.tags ?? [],
    custom: editableCustom(a?.custom),
  };
}

const TYPES: { value: AccountType; label: string }[] = [
  { value: "prospect", label: "Prospect" },
  { value: "customer", label: "Customer" },
  { value: "partner", label: "Partner" },
  { value: "vendor", label: "Vendor" },
];
const TURNOVER_BANDS = ["< 1M", "1M - 10M", "10M - 50M", "50M - 250M", "> 250M"];
const EMPLOYEE_BANDS = ["1 - 9", "10 - 49", "50 - 249", "250 - 999", "1000+"];

/** A select of fixed choices that still shows a value typed elsewhere (CLI, import). */
function BandSelect(props: {
  label: string;
  name: "turnover_band" | "employee_band";
  choices: string[];
  value: string | null;
  error?: string | undefined;
  onChange: (v: string | null) => void;
}) {
  const choices = props.value && !props.choices.includes(props.value) ? [...props.choices, props.value] : props.choices;
  return (
    <Field label={props.label} error={props.error}>
      {(a11y) => (
        <select {...a11y} name={props.name} className="input" value={props.value ?? ""} onChange={(e) => props.onChange(e.target.value || null)}>
          <option value="">—</option>
          {choices.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function AccountFormPage({ id }: { id?: string }) {
  const { data: account, error } = useQuery({
    queryKey: qk.accounts.detail(id),
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
  const draft = useDraft<AccountInput>(`accounts.${account?.id ?? "new"}`, () => toInput(account), account?.updated_at ?? "new");
  const input = draft.value;
  const setInput = draft.setValue;
  const parents = useQuery({ queryKey: qk.accounts.picker, queryFn: () => api.accounts.list({ limit: 5000 }) });
  const save = useMutation({
    mutationFn: (value: AccountInput) => (account ? api.accounts.update(account.id, value) : api.accounts.create(value)),
    onSuccess: async (saved) => {
      draft.clear();
      await client.invalidateQueries({ queryKey: qk.accounts.all });
      await client.invalidateQueries({ queryKey: qk.contacts.all });
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
  const cancelTo = account ? `/accounts/${account.id}` : "/accounts";

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
    <FormFrame
      title={account ? `Edit ${account.name}` : "New account"}
      cancelTo={cancelTo}
      saving={save.isPending}
      onSave={() => {
    const revenue = input.annual_revenue;
    save.mutate({ ...input, annual_revenue: revenue && revenue.amount.trim() ? revenue : null });
  }}
      error={apiError}
      draft={draft}
      testId="account-form"
      saveLabel={account ? "Save changes" : "Add account"}
    >
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
            <h2>Relationship</h2>
            <div className="grid-2">
              <Field label="Type" error={fieldError("type")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    name="type"
                    className="input"
                    value={input.type ?? ""}
                    onChange={(e) => set("type", (e.target.value || null) as AccountType | null)}
                  >
                    <option value="">—</option>
                    {TYPES.map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <OwnerSelect value={input.owner_id} error={fieldError("owner_id")} onChange={(v) => set("owner_id", v)} />
              <Field label="Parent company" error={fieldError("parent_id")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    name="parent_id"
                    className="input"
                    value={input.parent_id ?? ""}
                    onChange={(e) => set("parent_id", e.target.value || null)}
                  >
                    <option value="">— None —</option>
                    {parents.data?.items
                      .filter((p) => p.id !== account?.id)
                      .map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name}
                        </option>
                      ))}
                  </select>
                )}
              </Field>
              <BandSelect
                label="Turnover band"
                name="turnover_band"
                choices={TURNOVER_BANDS}
                value={input.turnover_band}
                error={fieldError("turnover_band")}
                onChange={(v) => set("turnover_band", v)}
              />
              <BandSelect
                label="Employee band"
                name="employee_band"
                choices={EMPLOYEE_BANDS}
                value={input.employee_band}
                error={fieldError("employee_band")}
                onChange={(v) => set("employee_band", v)}
              />
            </div>
            <TagsField value={input.tags} error={fieldError("tags.0")} onChange={(v) => set("tags", v)} />
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
          <CustomFieldInputs
            entity="accounts"
            values={input.custom as Record<string, unknown>}
            fieldError={fieldError}
            onChange={(custom) => set("custom", custom as typeof input.custom)}
          />
          <NotesSection value={input.notes} error={fieldError("notes")} onChange={(v) => set("notes", v)} />
    </FormFrame>
  );
}
