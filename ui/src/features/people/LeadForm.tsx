import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "wouter";

import { CustomFieldInputs, editableCustom } from "../../components/CustomFields";
import { Field, NotesSection, TextField } from "../../components/Field";
import { FormFrame } from "../../components/FormFrame";
import { ErrorBanner } from "../../components/PageHead";
import { OwnerSelect, TagsField } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Lead, type LeadInput, type LeadRating, type LeadStatus } from "../../lib/api";
import { lastCurrency, rememberCurrency } from "../sales/deals";
import { moneyToPlain } from "../../lib/format";
import { LEAD_STATUSES, RATING_LABELS, RATINGS, STATUS_LABELS } from "./leads";
import { useDraft } from "../../lib/useDraft";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

export function toInput(l: Lead | undefined): LeadInput {
  return {
    name: l?.name ?? "",
    company: l?.company ?? null,
    title: l?.title ?? null,
    email: l?.email ?? null,
    phone: l?.phone ?? null,
    website: l?.website ?? null,
    source: l?.source ?? null,
    campaign_id: l?.campaign_id ?? null,
    status: l?.status ?? "new",
    rating: l?.rating ?? null,
    owner_id: l?.owner_id ?? null,
    estimated_value: l?.estimated_value
      ? { amount: moneyToPlain(l.estimated_value), currency: l.estimated_value.currency }
      : { amount: "", currency: lastCurrency() },
    notes: l?.notes ?? null,
    tags: l?.tags ?? [],
    custom: editableCustom(l?.custom),
  };
}

/** What is sent: trimmed text, blank as none, a blank estimate as none. */
export function leadPayload(input: LeadInput): LeadInput {
  const blank = (v: string | null) => (v && v.trim() ? v.trim() : null);
  const value = input.estimated_value;
  return {
    ...input,
    name: input.name.trim(),
    company: blank(input.company),
    title: blank(input.title),
    email: blank(input.email),
    phone: blank(input.phone),
    website: blank(input.website),
    source: blank(input.source),
    estimated_value: value && value.amount.trim() ? { amount: value.amount.trim(), currency: value.currency } : null,
  };
}

export function LeadFormPage({ id }: { id?: string }) {
  const { data: lead, error } = useQuery({
    queryKey: qk.leads.detail(id),
    queryFn: () => api.leads.get(id as string),
    enabled: Boolean(id),
  });
  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
      </div>
    );
  }
  if (id && !lead) return <div className="page-body muted">Loading…</div>;
  return <LeadForm key={id ?? "new"} lead={lead} />;
}

function LeadForm({ lead }: { lead: Lead | undefined }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const draft = useDraft<LeadInput>(`leads.${lead?.id ?? "new"}`, () => toInput(lead), lead?.updated_at ?? "new");
  const input = draft.value;
  const setInput = draft.setValue;
  const set = <K extends keyof LeadInput>(key: K, value: LeadInput[K]) => setInput((prev) => ({ ...prev, [key]: value }));
  const sources = useQuery({ queryKey: qk.leads.sources, queryFn: api.leads.sources });
  const known = sources.data?.map((s) => s.name) ?? [];
  const [otherSource, setOtherSource] = useState(false);
  const typingSource = otherSource || Boolean(input.source && sources.data && !known.includes(input.source));
  const save = useMutation({
    mutationFn: (value: LeadInput) => (lead ? api.leads.update(lead.id, value) : api.leads.create(value)),
    onSuccess: async (saved) => {
      draft.clear();
      if (saved.estimated_value) rememberCurrency(saved.estimated_value.currency);
      await client.invalidateQueries({ queryKey: qk.leads.all });
      notify(lead ? `Saved ${saved.name}` : `Added ${saved.name}`);
      navigate(`/leads/${saved.id}`, { replace: Boolean(lead) });
    },
  });
  const apiError = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => apiError?.field(name);
  const converted = lead?.status === "converted";

  return (
    <FormFrame
      title={lead ? `Edit ${lead.name}` : "New lead"}
      cancelTo={lead ? `/leads/${lead.id}` : "/leads"}
      saving={save.isPending}
      onSave={() => save.mutate(leadPayload(input))}
      error={apiError}
      draft={draft}
      testId="lead-form"
      saveLabel={lead ? "Save changes" : "Add lead"}
    >
      <section className="form-section">
        <h2>Lead</h2>
        <div className="grid-2">
          <TextField label="Name" name="name" autoFocus placeholder="e.g. Ada Lovelace" value={input.name} error={fieldError("name")} onChange={(v) => set("name", v)} />
          <TextField label="Company" name="company" value={input.company} error={fieldError("company")} onChange={(v) => set("company", v)} />
          <TextField label="Title" name="title" placeholder="e.g. Head of purchasing" value={input.title} error={fieldError("title")} onChange={(v) => set("title", v)} />
          <TextField label="E-mail" name="email" type="email" value={input.email} error={fieldError("email")} onChange={(v) => set("email", v)} />
          <TextField label="Phone" name="phone" type="tel" value={input.phone} error={fieldError("phone")} onChange={(v) => set("phone", v)} />
          <TextField label="Website" name="website" placeholder="example.com" value={input.website} error={fieldError("website")} onChange={(v) => set("website", v)} />
        </div>
      </section>
      <section className="form-section">
        <h2>Qualification</h2>
        <div className="grid-2">
          <Field label="Status" error={fieldError("status")}>
            {(a11y) => (
              <select
                {...a11y}
                name="status"
                className="input"
                value={input.status ?? "new"}
                disabled={converted}
                onChange={(e) => set("status", e.target.value as LeadStatus)}
              >
                {LEAD_STATUSES.filter((s) => s !== "converted" || converted).map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Rating" error={fieldError("rating")}>
            {(a11y) => (
              <select
                {...a11y}
                name="rating"
                className="input"
                value={input.rating ?? ""}
                onChange={(e) => set("rating", (e.target.value || null) as LeadRating | null)}
              >
                <option value="">— Not rated —</option>
                {RATINGS.map((r) => (
                  <option key={r} value={r}>
                    {RATING_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Source" error={fieldError("source")}>
            {(a11y) =>
              typingSource ? (
                <div className="money-row">
                  <input
                    {...a11y}
                    name="source"
                    className="input"
                    placeholder="A new source, e.g. Trade fair"
                    value={input.source ?? ""}
                    onChange={(e) => set("source", e.target.value || null)}
                  />
                  <button
                    type="button"
                    className="btn ghost small"
                    onClick={() => {
                      setOtherSource(false);
                      set("source", null);
                    }}
                  >
                    Pick from list
                  </button>
                </div>
              ) : (
                <select
                  {...a11y}
                  name="source"
                  className="input"
                  value={input.source ?? ""}
                  onChange={(e) => {
                    if (e.target.value === "\u0000other") {
                      setOtherSource(true);
                      set("source", null);
                    } else {
                      set("source", e.target.value || null);
                    }
                  }}
                >
                  <option value="">— No source —</option>
                  {known.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                  <option value={"\u0000other"}>Other…</option>
                </select>
              )
            }
          </Field>
          <Field label="Estimated value" error={fieldError("estimated_value.amount") ?? fieldError("estimated_value.currency") ?? fieldError("estimated_value")}>
            {(a11y) => (
              <div className="money-row">
                <input
                  {...a11y}
                  name="estimated_value.amount"
                  className="input"
                  inputMode="decimal"
                  placeholder="5000.00"
                  value={input.estimated_value?.amount ?? ""}
                  onChange={(e) => set("estimated_value", { amount: e.target.value, currency: input.estimated_value?.currency ?? lastCurrency() })}
                />
                <input
                  name="estimated_value.currency"
                  className="input"
                  aria-label="Currency"
                  maxLength={3}
                  value={input.estimated_value?.currency ?? ""}
                  onChange={(e) => set("estimated_value", { amount: input.estimated_value?.amount ?? "", currency: e.target.value.toUpperCase() })}
                />
              </div>
            )}
          </Field>
          <OwnerSelect value={input.owner_id} error={fieldError("owner_id")} onChange={(v) => set("owner_id", v)} />
        </div>
        <TagsField value={input.tags} error={fieldError("tags.0") ?? fieldError("tags")} onChange={(v) => set("tags", v)} />
      </section>
      <CustomFieldInputs
        entity="leads"
        values={input.custom as Record<string, unknown>}
        fieldError={fieldError}
        onChange={(custom) => set("custom", custom as LeadInput["custom"])}
      />
      <NotesSection value={input.notes} error={fieldError("notes")} onChange={(v) => set("notes", v)} />
    </FormFrame>
  );
}
