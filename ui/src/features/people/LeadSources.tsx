import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, ApiError, type LeadSource } from "../../lib/api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { TextField } from "../../components/Field";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

const leadsText = (n: number) => `${n.toLocaleString()} ${n === 1 ? "lead" : "leads"}`;

/** The pick list of lead sources (Web form, Referral, …): add one, or take one off the list. */
export function LeadSources() {
  const client = useQueryClient();
  const notify = useNotify();
  const sources = useQuery({ queryKey: qk.leads.sources, queryFn: api.leads.sources });
  const [name, setName] = useState("");
  const [removing, setRemoving] = useState<LeadSource | null>(null);
  // Both commands answer with the whole list as it now is.
  const saved = (list: LeadSource[]) => client.setQueryData(qk.leads.sources, list);
  const add = useMutation({
    mutationFn: (n: string) => api.leads.addSource(n),
    onSuccess: (list, n) => {
      saved(list);
      notify(`Added the lead source ${n}`);
      setName("");
    },
  });
  const remove = useMutation({
    mutationFn: (s: LeadSource) => api.leads.removeSource(s.name),
    onSuccess: (list, s) => {
      saved(list);
      notify(`Removed the lead source ${s.name}`);
      setRemoving(null);
    },
    // The message shows above the list, where the dialog no longer hides it.
    onError: () => setRemoving(null),
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed) add.mutate(trimmed);
  };
  return (
    <section className="form-section form" data-testid="lead-sources">
      <h2>Lead sources</h2>
      <p className="muted">Where leads come from. They are offered in the Source list of every lead.</p>
      <ErrorBanner error={sources.error ?? remove.error} />
      <ul className="dup-records">
        {sources.data?.map((s) => (
          <li key={s.id} className="field-row" data-testid="lead-source-row" data-source={s.name}>
            <span>
              <strong>{s.name}</strong> <span className="muted">· {s.leads === 0 ? "no leads" : leadsText(s.leads)}</span>
            </span>
            <button className="btn ghost danger" onClick={() => setRemoving(s)} data-testid="lead-source-remove">
              Remove
            </button>
          </li>
        ))}
        {sources.data?.length === 0 && <li className="muted">No lead sources yet.</li>}
      </ul>
      <form className="lead-source-add" onSubmit={submit} noValidate>
        <TextField
          label="New source"
          name="lead-source.name"
          placeholder="e.g. Trade fair"
          data-testid="lead-source-add-input"
          value={name}
          error={err?.field("name") ?? err?.message}
          onChange={setName}
        />
        <button type="submit" className="btn primary" disabled={add.isPending || !name.trim()} data-testid="lead-source-add">
          Add
        </button>
      </form>
      {removing && (
        <ConfirmDialog
          title={`Remove the lead source ${removing.name}?`}
          confirmLabel="Remove source"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing)}
        >
          It is no longer offered for new leads.{" "}
          {removing.leads > 0
            ? `The ${leadsText(removing.leads)} that name it keep it as their source.`
            : "No lead names it now."}
        </ConfirmDialog>
      )}
    </section>
  );
}
