import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useLocation, useSearchParams } from "wouter";

import { CustomFieldInputs, editableCustom } from "../../components/CustomFields";
import { AccountPicker, ContactPicker } from "../people/PeoplePickers";
import { invalidateDeals } from "./DealMove";
import { Field, NotesSection, TextField } from "../../components/Field";
import { FormFrame } from "../../components/FormFrame";
import { ErrorBanner } from "../../components/PageHead";
import { OwnerSelect, TagsField } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Opportunity, type OpportunityInput } from "../../lib/api";
import { lastCurrency, rememberCurrency, ROLES } from "./deals";
import { moneyToPlain } from "../../lib/format";
import { useDraft } from "../../lib/useDraft";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";

/** The form's state: the input plus the names shown for picked records. */
type FormState = OpportunityInput & { account_name: string | null };

export function toInput(o: Opportunity | undefined, accountId: string | null): FormState {
  return {
    name: o?.name ?? "",
    pipeline_id: o?.pipeline_id ?? null,
    stage_id: o?.stage_id ?? null,
    account_id: o ? o.account_id : accountId,
    account_name: o?.account_name ?? null,
    amount: o?.amount ? { amount: moneyToPlain(o.amount), currency: o.amount.currency } : { amount: "", currency: lastCurrency() },
    probability: o?.probability_override ?? null,
    expected_close: o?.expected_close ?? null,
    closed_on: o?.closed_on ?? null,
    lost_reason_id: o?.lost_reason_id ?? null,
    lost_note: o?.lost_note ?? null,
    next_step: o?.next_step ?? null,
    source: o?.source ?? null,
    campaign_id: o?.campaign_id ?? null,
    owner_id: o?.owner_id ?? null,
    notes: o?.notes ?? null,
    contacts: o?.contacts ?? [],
    products: o?.products ?? [],
    tags: o?.tags ?? [],
    custom: editableCustom(o?.custom),
  };
}

/** What is sent: blank amount as none, the display-only names dropped. */
export function toPayload(state: FormState): OpportunityInput {
  const { account_name: _shown, ...input } = state;
  void _shown;
  const amount = input.amount && input.amount.amount.trim() ? { amount: input.amount.amount.trim(), currency: input.amount.currency } : null;
  return { ...input, name: input.name.trim(), amount };
}

export function DealFormPage({ id }: { id?: string }) {
  const { data: deal, error } = useQuery({
    queryKey: qk.deals.detail(id),
    queryFn: () => api.deals.get(id as string),
    enabled: Boolean(id),
  });
  if (error) return <div className="page-body"><ErrorBanner error={error} /></div>;
  if (id && !deal) return <div className="page-body muted">Loading…</div>;
  return <DealForm key={id ?? "new"} deal={deal} />;
}

function DealForm({ deal }: { deal: Opportunity | undefined }) {
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const notify = useNotify();
  const client = useQueryClient();
  const accountParam = params.get("account");
  const draft = useDraft<FormState>(`deals.${deal?.id ?? "new"}${accountParam ? `.${accountParam}` : ""}`, () => toInput(deal, accountParam), deal?.updated_at ?? "new");
  const input = draft.value;
  const setInput = draft.setValue;
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const prefill = useQuery({
    queryKey: qk.accounts.detail(accountParam),
    queryFn: () => api.accounts.get(accountParam as string),
    enabled: Boolean(accountParam && !deal && input.account_id === accountParam && !input.account_name),
  });
  const isLost = (stageId: string | null) => pipelines.data?.some((p) => p.stages.some((s) => s.id === stageId && s.kind === "lost"));
  const reasons = useQuery({ queryKey: qk.pipelines.lostReasons, queryFn: api.pipelines.lostReasons });
  const save = useMutation({
    mutationFn: (value: OpportunityInput) => (deal ? api.deals.update(deal.id, value) : api.deals.create(value)),
    onSuccess: async (saved) => {
      draft.clear();
      if (saved.amount) rememberCurrency(saved.amount.currency);
      await invalidateDeals(client);
      notify(deal ? `Saved ${saved.name}` : `Added ${saved.name}`);
      navigate(`/deals/${saved.id}`, { replace: Boolean(deal) });
    },
  });
  const apiError = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => apiError?.field(name);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setInput((prev) => ({ ...prev, [key]: value }));

  const pipeline = pipelines.data?.find((p) => p.id === input.pipeline_id) ?? pipelines.data?.[0];
  const stage = pipeline?.stages.find((s) => s.id === input.stage_id) ?? pipeline?.stages[0];
  const accountName = input.account_name ?? (prefill.data && prefill.data.id === input.account_id ? prefill.data.name : null);
  const [product, setProduct] = useState("");
  const productsId = useId();
  const addProduct = () => {
    const p = product.trim();
    if (p && !input.products.includes(p)) set("products", [...input.products, p]);
    setProduct("");
  };
  const cancelTo = deal ? `/deals/${deal.id}` : accountParam ? `/accounts/${accountParam}` : "/deals";
  const closedStage = stage && stage.kind !== "open";

  return (
    <FormFrame
      title={deal ? `Edit ${deal.name}` : "New deal"}
      cancelTo={cancelTo}
      saving={save.isPending}
      onSave={() => {
        const payload = toPayload(input);
        if (!isLost(payload.stage_id)) {
          payload.lost_reason_id = null;
          payload.lost_note = null;
        }
        save.mutate(payload);
      }}
      error={apiError}
      draft={draft}
      testId="deal-form"
      saveLabel={deal ? "Save changes" : "Add deal"}
    >
      <section className="form-section">
        <h2>Deal</h2>
        <div className="grid-2">
          <TextField
            label="Name"
            name="name"
            autoFocus
            placeholder="e.g. Northwind – 50 seats"
            value={input.name}
            error={fieldError("name")}
            onChange={(v) => set("name", v)}
          />
          <Field label="Account" error={fieldError("account_id")}>
            {(a11y) => (
              <AccountPicker
                a11y={a11y}
                value={input.account_id ? { id: input.account_id, name: accountName ?? "…" } : null}
                onChange={(a) => setInput((prev) => ({ ...prev, account_id: a?.id ?? null, account_name: a?.name ?? null }))}
              />
            )}
          </Field>
          {(pipelines.data?.length ?? 0) > 1 && (
            <Field label="Pipeline" error={fieldError("pipeline_id")}>
              {(a11y) => (
                <select
                  {...a11y}
                  name="pipeline_id"
                  className="input"
                  value={input.pipeline_id ?? ""}
                  onChange={(e) => setInput((prev) => ({ ...prev, pipeline_id: e.target.value || null, stage_id: null }))}
                >
                  {pipelines.data?.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label="Stage" error={fieldError("stage_id")}>
            {(a11y) => (
              <select
                {...a11y}
                name="stage_id"
                className="input"
                value={input.stage_id ?? ""}
                onChange={(e) => set("stage_id", e.target.value || null)}
              >
                {!input.stage_id && <option value="">{pipeline?.stages[0]?.name ?? "First stage"}</option>}
                {pipeline?.stages.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                    {s.kind === "open" ? ` (${s.probability}%)` : ""}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Amount" error={fieldError("amount.amount") ?? fieldError("amount.currency") ?? fieldError("amount")}>
            {(a11y) => (
              <div className="money-row">
                <input
                  {...a11y}
                  name="amount.amount"
                  className="input"
                  inputMode="decimal"
                  placeholder="12500.00"
                  value={input.amount?.amount ?? ""}
                  onChange={(e) => set("amount", { amount: e.target.value, currency: input.amount?.currency ?? lastCurrency() })}
                />
                <input
                  name="amount.currency"
                  className="input"
                  aria-label="Currency"
                  maxLength={3}
                  value={input.amount?.currency ?? ""}
                  onChange={(e) => set("amount", { amount: input.amount?.amount ?? "", currency: e.target.value.toUpperCase() })}
                />
              </div>
            )}
          </Field>
          <TextField
            label="Probability (%)"
            name="probability"
            type="number"
            min={0}
            max={100}
            step={1}
            placeholder={stage ? `${stage.kind === "won" ? 100 : stage.kind === "lost" ? 0 : stage.probability} (stage default)` : "stage default"}
            value={input.probability === null ? "" : String(input.probability)}
            error={fieldError("probability")}
            onChange={(v) => set("probability", v.trim() === "" ? null : Math.trunc(Number(v)))}
          />
          <TextField
            label="Expected close"
            name="expected_close"
            type="date"
            value={input.expected_close}
            error={fieldError("expected_close")}
            onChange={(v) => set("expected_close", v || null)}
          />
          {closedStage && (
            <TextField
              label={stage.kind === "won" ? "Won on" : "Lost on"}
              name="closed_on"
              type="date"
              value={input.closed_on}
              error={fieldError("closed_on")}
              onChange={(v) => set("closed_on", v || null)}
            />
          )}
          {stage?.kind === "lost" && (
            <>
              <Field label="Lost reason" error={fieldError("lost_reason_id")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    name="lost_reason_id"
                    className="input"
                    value={input.lost_reason_id ?? ""}
                    onChange={(e) => set("lost_reason_id", e.target.value || null)}
                  >
                    <option value="">Choose a reason…</option>
                    {reasons.data?.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <TextField
                label="Lost note"
                name="lost_note"
                value={input.lost_note}
                error={fieldError("lost_note")}
                onChange={(v) => set("lost_note", v || null)}
              />
            </>
          )}
        </div>
      </section>
      <section className="form-section">
        <h2>Follow-up</h2>
        <div className="grid-2">
          <TextField
            label="Next step"
            name="next_step"
            placeholder="e.g. Send the revised quote"
            value={input.next_step}
            error={fieldError("next_step")}
            onChange={(v) => set("next_step", v || null)}
          />
          <TextField
            label="Source"
            name="source"
            placeholder="e.g. Referral, Website, Trade fair"
            value={input.source}
            error={fieldError("source")}
            onChange={(v) => set("source", v || null)}
          />
          <OwnerSelect value={input.owner_id} error={fieldError("owner_id")} onChange={(v) => set("owner_id", v)} />
        </div>
        <TagsField value={input.tags} error={fieldError("tags.0")} onChange={(v) => set("tags", v)} />
      </section>
      <section className="form-section" data-testid="deal-people">
        <h2>People in the deal</h2>
        <datalist id={`${productsId}-roles`}>
          {ROLES.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <div className="people-rows">
          {input.contacts.map((c, i) => (
            <div className="people-row" key={c.contact_id}>
              <span>{c.name}</span>
              <input
                className="input"
                name={`contacts.${i}.role`}
                aria-label={`Role of ${c.name}`}
                list={`${productsId}-roles`}
                placeholder="Role (e.g. Decision maker)"
                value={c.role ?? ""}
                onChange={(e) =>
                  set(
                    "contacts",
                    input.contacts.map((x, j) => (j === i ? { ...x, role: e.target.value || null } : x)),
                  )
                }
              />
              <button
                type="button"
                className="btn ghost small"
                aria-label={`Remove ${c.name}`}
                onClick={() => set("contacts", input.contacts.filter((_, j) => j !== i))}
              >
                Remove
              </button>
              {fieldError(`contacts.${i}.contact_id`) && <span className="field-error">{fieldError(`contacts.${i}.contact_id`)}</span>}
            </div>
          ))}
        </div>
        <ContactPicker
          exclude={input.contacts.map((c) => c.contact_id)}
          onPick={(c) => set("contacts", [...input.contacts, { contact_id: c.id, name: c.name, role: null }])}
        />
      </section>
      <section className="form-section">
        <h2>Products of interest</h2>
        <Field label="Products" error={fieldError("products.0") ?? fieldError("products")}>
          {(a11y) => (
            <div className="chip-input" data-testid="products">
              {input.products.map((p) => (
                <span className="chip" key={p}>
                  {p}
                  <button type="button" className="chip-x" aria-label={`Remove ${p}`} onClick={() => set("products", input.products.filter((x) => x !== p))}>
                    ×
                  </button>
                </span>
              ))}
              <input
                {...a11y}
                name="products"
                className="input"
                placeholder="Type a product, then Enter"
                value={product}
                onChange={(e) => setProduct(e.target.value)}
                onBlur={addProduct}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === ",") {
                    e.preventDefault();
                    addProduct();
                  } else if (e.key === "Backspace" && !product && input.products.length) {
                    set("products", input.products.slice(0, -1));
                  }
                }}
              />
            </div>
          )}
        </Field>
      </section>
      <CustomFieldInputs
        entity="opportunities"
        values={input.custom as Record<string, unknown>}
        fieldError={fieldError}
        onChange={(custom) => set("custom", custom as typeof input.custom)}
      />
      <NotesSection value={input.notes} error={fieldError("notes")} onChange={(v) => set("notes", v)} />
    </FormFrame>
  );
}
