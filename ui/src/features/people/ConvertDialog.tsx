import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useLocation } from "wouter";

import { api, ApiError, toApiError, type ConversionPlan, type ConvertInput, type OpportunityInput } from "../../lib/api";
import { lastCurrency } from "../sales/deals";
import { moneyToPlain } from "../../lib/format";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";

type AccountChoice = { kind: "new" } | { kind: "existing"; id: string } | { kind: "none" };
type ContactChoice = { kind: "new" } | { kind: "existing"; id: string };

/** The form's state, from the plan. */
type State = {
  account: AccountChoice;
  accountName: string;
  contact: ContactChoice;
  firstName: string;
  lastName: string;
  createDeal: boolean;
  dealName: string;
  amount: string;
  currency: string;
  stageId: string;
  probability: string;
  expectedClose: string;
};

function fromPlan(plan: ConversionPlan): State {
  return {
    account: plan.account_name ? { kind: "new" } : { kind: "none" },
    accountName: plan.account_name ?? "",
    contact: { kind: "new" },
    firstName: plan.first_name,
    lastName: plan.last_name,
    createDeal: false,
    dealName: plan.opportunity_name,
    amount: plan.amount ? moneyToPlain(plan.amount) : "",
    currency: plan.amount?.currency ?? lastCurrency(),
    stageId: "",
    probability: "",
    expectedClose: "",
  };
}

function emptyDeal(name: string): OpportunityInput {
  return {
    name,
    pipeline_id: null,
    stage_id: null,
    account_id: null,
    amount: null,
    probability: null,
    expected_close: null,
    closed_on: null,
    lost_reason_id: null,
    lost_note: null,
    next_step: null,
    source: null,
    campaign_id: null,
    owner_id: null,
    notes: null,
    contacts: [],
    products: [],
    tags: [],
    custom: {},
  };
}

/** What is sent for the choices made: an existing record by id, or names for new ones. */
export function convertInput(s: State, pipelineOf: (stageId: string) => string | null): ConvertInput {
  const deal: OpportunityInput | null = s.createDeal
    ? {
        ...emptyDeal(s.dealName.trim()),
        pipeline_id: s.stageId ? pipelineOf(s.stageId) : null,
        stage_id: s.stageId || null,
        amount: s.amount.trim() ? { amount: s.amount.trim(), currency: s.currency.trim().toUpperCase() } : null,
        probability: s.probability.trim() === "" ? null : Math.trunc(Number(s.probability)),
        expected_close: s.expectedClose || null,
      }
    : null;
  return {
    account_id: s.account.kind === "existing" ? s.account.id : null,
    account_name: s.account.kind === "new" ? s.accountName.trim() || null : null,
    no_account: s.account.kind === "none",
    contact_id: s.contact.kind === "existing" ? s.contact.id : null,
    first_name: s.contact.kind === "new" ? s.firstName.trim() || null : null,
    last_name: s.contact.kind === "new" ? s.lastName.trim() || null : null,
    opportunity: deal,
  };
}

/**
 * Converting a lead: shows what the backend plans (names, matching accounts and contacts)
 * and lets the user choose to create, reuse or skip each record, then converts in one go.
 */
export function ConvertDialog({ leadId, onClose }: { leadId: string; onClose: () => void }) {
  const plan = useQuery({ queryKey: qk.leads.conversionPlan(leadId), queryFn: () => api.leads.conversionPlan(leadId), staleTime: 0 });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog convert-dialog" role="dialog" aria-modal="true" aria-labelledby="convert-title" data-testid="convert-dialog">
        <h2 id="convert-title">Convert {plan.data ? plan.data.lead.name : "lead"}</h2>
        <ErrorBanner error={plan.error} />
        {!plan.data && !plan.error && <p className="muted">Working out what to create…</p>}
        {plan.data && <ConvertForm key={plan.data.lead.id} plan={plan.data} onClose={onClose} />}
        {plan.error && (
          <div className="actions">
            <button className="btn" onClick={onClose}>
              Close
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function ConvertForm({ plan, onClose }: { plan: ConversionPlan; onClose: () => void }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const [s, setState] = useState<State>(() => fromPlan(plan));
  const set = (patch: Partial<State>) => setState((prev) => ({ ...prev, ...patch }));
  const pipelineOf = (stageId: string) => pipelines.data?.find((p) => p.stages.some((x) => x.id === stageId))?.id ?? null;
  const convert = useMutation({
    mutationFn: (input: ConvertInput) => api.leads.convert(plan.lead.id, input),
    onSuccess: async (done) => {
      await client.invalidateQueries();
      onClose();
      const target = done.opportunity_id ? `/deals/${done.opportunity_id}` : `/contacts/${done.contact_id}`;
      notify(`Converted ${plan.lead.name}`, "info", {
        label: "Undo",
        run: () => {
          api
            .undo(done.batch_id)
            .then(async () => {
              await client.invalidateQueries();
              notify("Conversion undone");
              navigate(`/leads/${plan.lead.id}`);
            })
            .catch((e: unknown) => notify(toApiError(e).message, "error"));
        },
      });
      navigate(target);
    },
  });
  const error = convert.error instanceof ApiError ? convert.error : convert.error ? toApiError(convert.error) : undefined;
  const fieldError = (...names: string[]) => names.map((n) => error?.field(n)).find(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!convert.isPending) convert.mutate(convertInput(s, pipelineOf));
  };
  const openStages = pipelines.data?.flatMap((p) => p.stages.filter((x) => x.kind === "open").map((x) => ({ ...x, pipeline: p.name }))) ?? [];
  const multi = (pipelines.data?.length ?? 0) > 1;

  return (
    <form onSubmit={submit} noValidate>
      {error && (error.code !== "validation" || error.fields.length === 0) && <ErrorBanner error={error} />}
      <fieldset className="convert-section" data-testid="convert-account">
        <legend>Account</legend>
        <label className="radio-row">
          <input type="radio" name="account" checked={s.account.kind === "new"} onChange={() => set({ account: { kind: "new" } })} data-testid="convert-account-new" />
          Create a new account
        </label>
        {s.account.kind === "new" && (
          <div className="radio-sub">
            <input
              className="input"
              aria-label="Name of the new account"
              data-testid="convert-account-name"
              value={s.accountName}
              onChange={(e) => set({ accountName: e.target.value })}
            />
            {fieldError("account_name") && <span className="field-error">{fieldError("account_name")}</span>}
          </div>
        )}
        {plan.accounts.map((a) => (
          <label className="radio-row" key={a.id}>
            <input
              type="radio"
              name="account"
              checked={s.account.kind === "existing" && s.account.id === a.id}
              onChange={() => set({ account: { kind: "existing", id: a.id } })}
              data-testid="convert-account-suggestion"
            />
            Use <strong>{a.name}</strong> <span className="badge subtle">{a.reason}</span>
          </label>
        ))}
        <label className="radio-row">
          <input type="radio" name="account" checked={s.account.kind === "none"} onChange={() => set({ account: { kind: "none" } })} data-testid="convert-account-none" />
          No account (a private customer)
        </label>
      </fieldset>
      <fieldset className="convert-section" data-testid="convert-contact">
        <legend>Contact</legend>
        <label className="radio-row">
          <input type="radio" name="contact" checked={s.contact.kind === "new"} onChange={() => set({ contact: { kind: "new" } })} data-testid="convert-contact-new" />
          Create a new contact
        </label>
        {s.contact.kind === "new" && (
          <div className="radio-sub two">
            <input className="input" aria-label="First name" data-testid="convert-first-name" value={s.firstName} onChange={(e) => set({ firstName: e.target.value })} />
            <input className="input" aria-label="Last name" data-testid="convert-last-name" value={s.lastName} onChange={(e) => set({ lastName: e.target.value })} />
            {fieldError("first_name", "last_name") && <span className="field-error">{fieldError("first_name", "last_name")}</span>}
          </div>
        )}
        {plan.contacts.map((c) => (
          <label className="radio-row" key={c.id}>
            <input
              type="radio"
              name="contact"
              checked={s.contact.kind === "existing" && s.contact.id === c.id}
              onChange={() => set({ contact: { kind: "existing", id: c.id } })}
              data-testid="convert-contact-suggestion"
            />
            Use <strong>{c.name}</strong> <span className="badge subtle">{c.reason}</span>
          </label>
        ))}
      </fieldset>
      <fieldset className="convert-section" data-testid="convert-opportunity">
        <legend>Deal</legend>
        <label className="radio-row">
          <input type="checkbox" checked={s.createDeal} onChange={(e) => set({ createDeal: e.target.checked })} data-testid="convert-create-deal" />
          Also create a deal
        </label>
        {s.createDeal && (
          <div className="convert-deal">
            <label className="menu-field">
              Name
              <input className="input" data-testid="convert-deal-name" value={s.dealName} onChange={(e) => set({ dealName: e.target.value })} />
              {fieldError("opportunity.name") && <span className="field-error">{fieldError("opportunity.name")}</span>}
            </label>
            <label className="menu-field">
              Amount
              <span className="money-row">
                <input
                  className="input"
                  inputMode="decimal"
                  placeholder="12500.00"
                  data-testid="convert-deal-amount"
                  value={s.amount}
                  onChange={(e) => set({ amount: e.target.value })}
                />
                <input
                  className="input"
                  aria-label="Currency"
                  maxLength={3}
                  data-testid="convert-deal-currency"
                  value={s.currency}
                  onChange={(e) => set({ currency: e.target.value.toUpperCase() })}
                />
              </span>
              {fieldError("opportunity.amount.amount", "opportunity.amount.currency", "opportunity.amount") && (
                <span className="field-error">{fieldError("opportunity.amount.amount", "opportunity.amount.currency", "opportunity.amount")}</span>
              )}
            </label>
            <label className="menu-field">
              Stage
              <select className="input" data-testid="convert-deal-stage" value={s.stageId} onChange={(e) => set({ stageId: e.target.value })}>
                {!s.stageId && <option value="">{openStages[0]?.name ?? "First stage"}</option>}
                {openStages.map((x) => (
                  <option key={x.id} value={x.id}>
                    {multi ? `${x.pipeline}: ${x.name}` : x.name} ({x.probability}%)
                  </option>
                ))}
              </select>
            </label>
            <label className="menu-field">
              Probability (%)
              <input
                className="input"
                type="number"
                min={0}
                max={100}
                placeholder="stage default"
                data-testid="convert-deal-probability"
                value={s.probability}
                onChange={(e) => set({ probability: e.target.value })}
              />
              {fieldError("opportunity.probability") && <span className="field-error">{fieldError("opportunity.probability")}</span>}
            </label>
            <label className="menu-field">
              Expected close
              <input className="input" type="date" data-testid="convert-deal-close" value={s.expectedClose} onChange={(e) => set({ expectedClose: e.target.value })} />
              {fieldError("opportunity.expected_close") && <span className="field-error">{fieldError("opportunity.expected_close")}</span>}
            </label>
          </div>
        )}
      </fieldset>
      <p className="muted small" data-testid="convert-activities">
        {plan.activities === 0
          ? "The lead has no activities to move."
          : `${plan.activities} ${plan.activities === 1 ? "activity" : "activities"} (calls, notes, tasks) will move to the new records.`}
      </p>
      <div className="actions">
        <button type="button" className="btn" onClick={onClose} disabled={convert.isPending}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={convert.isPending} data-testid="convert-submit">
          {convert.isPending ? "Converting…" : "Convert"}
        </button>
      </div>
    </form>
  );
}
