import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { ChooseDialog, Figure, MarketingPage, Problem, RecordLink, StatusBadge } from "./MarketingPage";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type Enrolment, type Sequence, type SequenceInput, type SequenceStatus } from "../../lib/api";
import { formatDate, formatNumber } from "../../lib/format";
import { ENROLMENT_STATUSES, STOP_REASONS, countOf, problemText, recordHref, stepsSummary } from "./marketing";
import { qk } from "../../lib/queryKeys";

const dash = <span className="muted">—</span>;

/** Every follow-up sequence with its steps and how many people are in it. */
export function Sequences() {
  const [, navigate] = useLocation();
  const sequences = useQuery({ queryKey: qk.marketing.sequences.list, queryFn: api.marketing.sequences.list });
  const rows = sequences.data ?? [];
  const newButton = (
    <Link className="btn primary" href="/marketing/sequences/new" data-testid="new-sequence">
      + New sequence
    </Link>
  );
  const open = (s: Sequence) => navigate(`/marketing/sequences/${s.id}`);
  return (
    <MarketingPage
      title="Follow-up sequences"
      sub={sequences.data ? `${countOf(rows.length, ["sequence", "sequences"])}: e-mails sent one after the other, until someone answers` : " "}
      actions={newButton}
      testId="sequences-screen"
    >
      <Problem error={sequences.error} />
      {!sequences.data && !sequences.error && <p className="muted">Loading…</p>}
      {sequences.data && rows.length === 0 && (
        <div className="empty" data-testid="sequences-empty">
          <h2>No sequences yet</h2>
          <p className="muted">
            A sequence sends a welcome today, product details two days later and an offer after that, and stops by itself when they reply,
            convert or unsubscribe. Write the templates first, then build one.
          </p>
          {newButton}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-card">
          <table className="list mk-table" data-testid="sequence-list">
            <thead>
              <tr>
                <th style={{ width: "22%" }}>Sequence</th>
                <th style={{ width: 100 }}>Status</th>
                <th>Steps</th>
                <th className="num" style={{ width: 90 }}>
                  Active
                </th>
                <th className="num" style={{ width: 110 }}>
                  Completed
                </th>
                <th className="num" style={{ width: 90 }}>
                  Stopped
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr
                  key={s.id}
                  tabIndex={0}
                  data-testid="sequence-row"
                  data-name={s.name}
                  onClick={() => open(s)}
                  onKeyDown={(e) => e.key === "Enter" && open(s)}
                >
                  <td>
                    <strong>{s.name}</strong>
                    {s.enrol_new_leads && <span className="tag tag-strong">new leads</span>}
                  </td>
                  <td>
                    <StatusBadge status={s.status} label={s.status === "active" ? "Active" : "Paused"} />
                  </td>
                  <td title={stepsSummary(s.steps)} data-testid="sequence-steps">
                    {stepsSummary(s.steps)}
                  </td>
                  <td className="num">{formatNumber(s.active)}</td>
                  <td className="num">{formatNumber(s.completed)}</td>
                  <td className="num">{formatNumber(s.stopped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </MarketingPage>
  );
}

/** Finds one sequence in the list (there is no single-sequence call). */
function useSequence(id: string | undefined) {
  const list = useQuery({ queryKey: qk.marketing.sequences.list, queryFn: api.marketing.sequences.list, enabled: Boolean(id) });
  return { ...list, sequence: list.data?.find((s) => s.id === id) };
}

function Missing({ error }: { error: unknown }) {
  return (
    <MarketingPage title="Sequence">
      <Problem error={error ?? "This sequence no longer exists."} />
      <Link href="/marketing/sequences">← Back to sequences</Link>
    </MarketingPage>
  );
}

function Loading() {
  return (
    <MarketingPage title="Sequence">
      <p className="muted">Loading…</p>
    </MarketingPage>
  );
}

/** `/marketing/sequences/:id`: steps, figures and who is enrolled. */
export function SequenceDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const { sequence: s, error, data } = useSequence(id);
  const enrolments = useQuery({
    queryKey: qk.marketing.sequences.enrolments(id),
    queryFn: () => api.marketing.sequences.enrolments(id),
  });
  const [dialog, setDialog] = useState<"enrol" | "delete" | null>(null);
  const campaigns = useQuery({ queryKey: qk.marketing.campaigns.list, queryFn: api.marketing.campaigns.list });
  const segments = useQuery({
    queryKey: qk.marketing.segments.list,
    queryFn: api.marketing.segments.list,
    enabled: dialog === "enrol",
  });
  const enrol = useMutation({
    mutationFn: (segmentId: string) => api.marketing.sequences.enrollSegment(id, segmentId),
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: qk.marketing.sequences.all });
      const already = r.already > 0 ? ` (${formatNumber(r.already)} ${r.already === 1 ? "was" : "were"} in it already)` : "";
      notify(`Enrolled ${countOf(r.enrolled, ["person", "people"])}${already}`);
      setDialog(null);
    },
  });
  const remove = useMutation({
    mutationFn: () => api.marketing.sequences.remove(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(`Deleted the sequence ${s?.name ?? ""}`.trim());
      navigate("/marketing/sequences");
    },
    onError: () => setDialog(null),
  });
  const stop = useMutation({
    mutationFn: (e: Enrolment) => api.marketing.sequences.removeEnrolment(id, e.entity, e.entity_id),
    onSuccess: async (_r, e) => {
      await client.invalidateQueries({ queryKey: qk.marketing.sequences.all });
      notify(`Took ${e.name} out of the sequence`);
    },
    onError: (e) => notify(problemText(e), "error"),
  });

  if (error || (data && !s)) return <Missing error={error} />;
  if (!s) return <Loading />;
  const campaignName = campaigns.data?.find((c) => c.id === s.lead_campaign_id)?.name;
  const stepName = (position: number) => s.steps.find((x) => x.position === position)?.template_name;
  return (
    <MarketingPage
      title={
        <span className="mk-inline">
          <span data-testid="sequence-title">{s.name}</span>
          <StatusBadge status={s.status} label={s.status === "active" ? "Active" : "Paused"} />
        </span>
      }
      sub={stepsSummary(s.steps)}
      testId="sequence-detail"
      actions={
        <>
          <Link className="btn" href="/marketing/sequences">
            ← All sequences
          </Link>
          <button className="btn" onClick={() => setDialog("enrol")} data-testid="sequence-enrol-segment">
            Enrol a segment
          </button>
          <Link className="btn" href={`/marketing/sequences/${id}/edit`} data-testid="edit-sequence">
            Edit
          </Link>
          <button className="btn danger" onClick={() => setDialog("delete")} data-testid="delete-sequence">
            Delete
          </button>
        </>
      }
    >
      <Problem error={remove.error} />
      {s.status === "paused" && (
        <div className="banner warn" role="status">
          Paused: no step is sent until you make it active again (Edit). Enrolments wait where they are.
        </div>
      )}
      <div className="mk-figures">
        <Figure label="Active" value={formatNumber(s.active)} hint="Still getting its steps" testId="sequence-active" />
        <Figure label="Completed" value={formatNumber(s.completed)} />
        <Figure label="Stopped" value={formatNumber(s.stopped)} hint="Replied, converted, unsubscribed…" />
        <Figure
          label="New leads"
          value={s.enrol_new_leads ? "Enrolled" : "Not enrolled"}
          hint={
            s.enrol_new_leads
              ? [s.lead_source ? `from ${s.lead_source}` : "any source", s.lead_campaign_id ? `of ${campaignName ?? "one campaign"}` : null]
                  .filter(Boolean)
                  .join(", ")
              : "Only by hand"
          }
        />
      </div>
      <section className="card" style={{ marginBottom: 18 }}>
        <h2>Steps</h2>
        {s.steps.length === 0 ? (
          <span className="muted">No steps: edit the sequence to add the e-mails it sends.</span>
        ) : (
          <ol className="mk-step-list" data-testid="sequence-step-list">
            {s.steps.map((st, i) => (
              <li key={st.position}>
                <strong>{st.template_name}</strong>{" "}
                <span className="muted">
                  {i === 0
                    ? st.delay_days === 0
                      ? "on the day they are enrolled"
                      : `${countOf(st.delay_days, ["day", "days"])} after they are enrolled`
                    : `${countOf(st.delay_days, ["day", "days"])} after the step before`}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="mk-section">
        <div className="mk-section-head">
          <h2>Enrolled</h2>
          {enrolments.data && <span className="muted">{countOf(enrolments.data.length, ["person", "people"])}</span>}
        </div>
        <Problem error={enrolments.error} />
        {!enrolments.data && !enrolments.error && <p className="muted">Loading…</p>}
        {enrolments.data?.length === 0 && (
          <p className="muted" data-testid="enrolments-empty">
            Nobody is in this sequence yet. Enrol a segment, or let it take new leads by themselves (Edit).
          </p>
        )}
        {enrolments.data && enrolments.data.length > 0 && (
          <div className="table-card">
            <table className="list mk-table static" data-testid="enrolment-list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th style={{ width: 120 }}>Status</th>
                  <th style={{ width: 170 }}>Stopped because</th>
                  <th>Next step</th>
                  <th style={{ width: 130 }}>Due</th>
                  <th style={{ width: 130 }}>Enrolled</th>
                  <th style={{ width: 110 }} aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {enrolments.data.map((e) => (
                  <tr key={e.id} data-testid="enrolment-row">
                    <td>
                      <RecordLink href={recordHref(e.entity, e.entity_id)}>{e.name}</RecordLink>
                      <span className="muted small"> · {e.entity === "leads" ? "lead" : "contact"}</span>
                    </td>
                    <td>
                      <StatusBadge status={e.status} label={ENROLMENT_STATUSES[e.status]} />
                    </td>
                    <td data-testid="enrolment-stop-reason">{e.stop_reason ? STOP_REASONS[e.stop_reason] : dash}</td>
                    <td>
                      {e.status === "active" ? (
                        <>
                          Step {e.next_position}
                          {stepName(e.next_position) && <span className="muted"> · {stepName(e.next_position)}</span>}
                        </>
                      ) : (
                        dash
                      )}
                    </td>
                    <td>{e.next_due_on ? formatDate(e.next_due_on) : dash}</td>
                    <td>{formatDate(e.enrolled_on)}</td>
                    <td className="actions">
                      {e.status === "active" && (
                        <button
                          className="btn small ghost danger"
                          disabled={stop.isPending}
                          onClick={() => stop.mutate(e)}
                          aria-label={`Take ${e.name} out of the sequence`}
                          data-testid="enrolment-remove"
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {dialog === "enrol" && (
        <ChooseDialog
          title="Enrol a segment"
          label="Segment"
          testId="sequence-enrol"
          options={segments.data?.map((x) => ({ value: x.id, label: x.entity === "accounts" ? `${x.name} (the accounts' contacts)` : x.name }))}
          confirmLabel="Enrol"
          busy={enrol.isPending}
          error={segments.error ?? enrol.error}
          empty="There are no segments yet: make one in the Segments tab first."
          onConfirm={(segmentId) => enrol.mutate(segmentId)}
          onCancel={() => setDialog(null)}
        >
          <p>
            Everyone in the segment now starts the sequence at step 1. People already in it (running, done or stopped) are left out; so are
            those who cannot be e-mailed, when their step comes.
          </p>
        </ChooseDialog>
      )}
      {dialog === "delete" && (
        <ConfirmDialog
          title={`Delete ${s.name}?`}
          confirmLabel="Delete sequence"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setDialog(null)}
          onConfirm={() => remove.mutate()}
        >
          Its enrolments stop and no further step is sent. Messages already sent stay in the outbox and on the timelines.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}

/** `/marketing/sequences/new` and `/marketing/sequences/:id/edit`. */
export function SequenceEditPage({ id }: { id?: string }) {
  const { sequence, error, data } = useSequence(id);
  if (!id) return <SequenceEditor sequence={null} />;
  if (error || (data && !sequence)) return <Missing error={error} />;
  if (!sequence) return <Loading />;
  return <SequenceEditor key={sequence.id} sequence={sequence} />;
}

type DraftStep = { key: number; template: string; delay: string };
let nextKey = 1;

/** The sequence as the backend takes it. */
export function sequencePayload(d: {
  name: string;
  status: SequenceStatus;
  enrolNew: boolean;
  leadSource: string;
  leadCampaign: string;
  steps: { template: string; delay: string }[];
}): SequenceInput {
  return {
    name: d.name.trim(),
    status: d.status,
    enrol_new_leads: d.enrolNew,
    lead_source: d.enrolNew && d.leadSource ? d.leadSource : null,
    lead_campaign: d.enrolNew && d.leadCampaign ? d.leadCampaign : null,
    steps: d.steps.map((s) => ({ template: s.template, delay_days: Math.max(0, Math.trunc(Number(s.delay) || 0)) })),
  };
}

function SequenceEditor({ sequence }: { sequence: Sequence | null }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const templates = useQuery({ queryKey: qk.marketing.templates.list, queryFn: api.marketing.templates.list });
  const sources = useQuery({ queryKey: qk.leads.sources, queryFn: api.leads.sources });
  const campaigns = useQuery({ queryKey: qk.marketing.campaigns.list, queryFn: api.marketing.campaigns.list });
  const [name, setName] = useState(sequence?.name ?? "");
  const [status, setStatus] = useState<SequenceStatus>(sequence?.status ?? "active");
  const [enrolNew, setEnrolNew] = useState(sequence?.enrol_new_leads ?? false);
  const [leadSource, setLeadSource] = useState(sequence?.lead_source ?? "");
  const [leadCampaign, setLeadCampaign] = useState(sequence?.lead_campaign_id ?? "");
  const [steps, setSteps] = useState<DraftStep[]>(() =>
    (sequence?.steps ?? []).map((s) => ({ key: nextKey++, template: s.template_id, delay: String(s.delay_days) })),
  );
  const save = useMutation({
    mutationFn: () => {
      const input = sequencePayload({ name, status, enrolNew, leadSource, leadCampaign, steps });
      return sequence ? api.marketing.sequences.update(sequence.id, input) : api.marketing.sequences.create(input);
    },
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: qk.marketing.sequences.all });
      notify(`Saved the sequence ${s.name}`);
      navigate(`/marketing/sequences/${s.id}`);
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (field: string) => err?.field(field);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const setStep = (i: number, patch: Partial<DraftStep>) => setSteps((xs) => xs.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const move = (i: number, by: number) =>
    setSteps((xs) => {
      const next = [...xs];
      const [item] = next.splice(i, 1);
      if (item) next.splice(i + by, 0, item);
      return next;
    });
  const addStep = () =>
    setSteps((xs) => [...xs, { key: nextKey++, template: templates.data?.[0]?.id ?? "", delay: xs.length === 0 ? "0" : "2" }]);
  const stepError = (i: number, f: string) => fe(`steps.${i}.${f}`) ?? fe(`steps[${i}].${f}`);
  const known = new Set(["name", "status", "enrol_new_leads", "lead_source", "lead_campaign", "steps"]);
  const otherErrors = err?.fields.filter((f) => !known.has(f.field) && !/^steps[.[]\d/.test(f.field)) ?? [];
  const cancelTo = sequence ? `/marketing/sequences/${sequence.id}` : "/marketing/sequences";

  return (
    <MarketingPage
      title={sequence ? `Edit ${sequence.name}` : "New sequence"}
      sub="The e-mails it sends, in order, and who it takes in by itself"
      testId="sequence-editor"
      actions={
        <>
          <Link className="btn" href={cancelTo}>
            Cancel
          </Link>
          <button className="btn primary" onClick={() => submit()} disabled={save.isPending} data-testid="sequence-save">
            {save.isPending ? "Saving…" : sequence ? "Save sequence" : "Create sequence"}
          </button>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        {err && err.code !== "validation" && <Problem error={err} />}
        {err?.code === "validation" && (
          <div className="banner" role="alert">
            <div>
              Please correct the highlighted fields.
              {otherErrors.map((f) => (
                <div key={f.field}>
                  {f.field}: {f.message}
                </div>
              ))}
            </div>
          </div>
        )}
        <section className="form-section">
          <h2>Sequence</h2>
          <div className="grid-2">
            <TextField
              label="Name"
              name="name"
              autoFocus={!sequence}
              placeholder="e.g. New lead welcome"
              data-testid="sequence-name"
              value={name}
              error={fe("name")}
              onChange={setName}
            />
            <Field label="Status" error={fe("status")}>
              {(a11y) => (
                <select {...a11y} className="input" data-testid="sequence-status" value={status} onChange={(e) => setStatus(e.target.value as SequenceStatus)}>
                  <option value="active">Active: sends its steps</option>
                  <option value="paused">Paused: sends nothing for now</option>
                </select>
              )}
            </Field>
          </div>
          <label className="check-filter" style={{ marginBottom: 12 }}>
            <input type="checkbox" checked={enrolNew} onChange={(e) => setEnrolNew(e.target.checked)} data-testid="sequence-enrol-new" />
            Enrol new leads automatically
          </label>
          {enrolNew && (
            <div className="grid-2">
              <Field label="Only leads from this source (optional)" error={fe("lead_source")}>
                {(a11y) => (
                  <select {...a11y} className="input" data-testid="sequence-lead-source" value={leadSource} onChange={(e) => setLeadSource(e.target.value)}>
                    <option value="">Any source</option>
                    {sources.data?.map((x) => (
                      <option key={x.id} value={x.name}>
                        {x.name}
                      </option>
                    ))}
                    {leadSource && !sources.data?.some((x) => x.name === leadSource) && <option value={leadSource}>{leadSource}</option>}
                  </select>
                )}
              </Field>
              <Field label="Only leads of this campaign (optional)" error={fe("lead_campaign")}>
                {(a11y) => (
                  <select {...a11y} className="input" data-testid="sequence-lead-campaign" value={leadCampaign} onChange={(e) => setLeadCampaign(e.target.value)}>
                    <option value="">Any campaign</option>
                    {campaigns.data?.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          )}
        </section>
        <section className="form-section">
          <h2>Steps</h2>
          <Problem error={templates.error} />
          {fe("steps") && <span className="field-error">{fe("steps")}</span>}
          {templates.data?.length === 0 && (
            <p className="mk-note">
              Steps send templates, and there are none yet: <Link href="/marketing/templates/new">write a template</Link> first.
            </p>
          )}
          {steps.length === 0 && templates.data && templates.data.length > 0 && (
            <p className="mk-none">No steps yet. Add the first e-mail: day 0 sends it the day someone is enrolled.</p>
          )}
          <div className="mk-steps">
            {steps.map((st, i) => (
              <div className="mk-step" key={st.key} data-testid="sequence-step">
                <span className="n" aria-hidden>
                  {i + 1}
                </span>
                <Field label={`Step ${i + 1}: template`} error={stepError(i, "template")}>
                  {(a11y) => (
                    <select {...a11y} className="input" data-testid={`sequence-step-template-${i}`} value={st.template} onChange={(e) => setStep(i, { template: e.target.value })}>
                      <option value="">Choose a template…</option>
                      {templates.data?.map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={i === 0 ? "Days after enrolment" : "Days after the step before"} error={stepError(i, "delay_days")}>
                  {(a11y) => (
                    <input
                      {...a11y}
                      className="input num"
                      type="number"
                      min={0}
                      step={1}
                      data-testid={`sequence-step-delay-${i}`}
                      value={st.delay}
                      onChange={(e) => setStep(i, { delay: e.target.value })}
                    />
                  )}
                </Field>
                <div className="mk-step-actions">
                  <button type="button" className="btn" aria-label={`Move step ${i + 1} up`} title="Move up" disabled={i === 0} onClick={() => move(i, -1)} data-testid={`sequence-step-up-${i}`}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn"
                    aria-label={`Move step ${i + 1} down`}
                    title="Move down"
                    disabled={i === steps.length - 1}
                    onClick={() => move(i, 1)}
                    data-testid={`sequence-step-down-${i}`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn ghost danger"
                    aria-label={`Remove step ${i + 1}`}
                    title="Remove"
                    onClick={() => setSteps((xs) => xs.filter((_, j) => j !== i))}
                    data-testid={`sequence-step-remove-${i}`}
                  >
                    ✕
                  </button>
                </div>
              </div>
            ))}
          </div>
          <button type="button" className="btn add-row" onClick={addStep} disabled={!templates.data?.length} data-testid="sequence-add-step">
            + Add step
          </button>
          {steps.length > 0 && (
            <p className="muted small" data-testid="sequence-summary">
              {stepsSummary(
                steps.map((st) => ({
                  template_name: templates.data?.find((t) => t.id === st.template)?.name ?? "(no template)",
                  delay_days: Math.max(0, Math.trunc(Number(st.delay) || 0)),
                })),
              )}
            </p>
          )}
          <div style={{ height: 8 }} />
        </section>
        <div className="form-actions">
          <Link className="btn" href={cancelTo}>
            Cancel
          </Link>
          <button type="submit" className="btn primary" disabled={save.isPending}>
            {sequence ? "Save sequence" : "Create sequence"}
          </button>
        </div>
      </form>
    </MarketingPage>
  );
}
