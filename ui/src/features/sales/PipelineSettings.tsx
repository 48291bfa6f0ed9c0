import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "wouter";

import { invalidateDeals } from "./DealMove";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, toApiError, type Pipeline, type Stage, type StageInput, type SuggestedActivity } from "../../lib/api";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";

/** Pipelines, their stages (probability, rotting limit, checklist) and the reasons deals are lost. */
export function PipelineSettings() {
  const client = useQueryClient();
  const notify = useNotify();
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api.pipelines.create(name.trim()),
    onSuccess: async (p) => {
      setName("");
      notify(`Added the ${p.name} pipeline`);
      await invalidateDeals(client);
    },
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  return (
    <>
      <PageHead title="Pipelines" sub="The stages your deals go through, and why deals are lost">
        <Link className="btn" href="/settings">
          ← Settings
        </Link>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={pipelines.error} />
        {pipelines.data?.map((p) => (
          <PipelineEditor key={p.id} pipeline={p} />
        ))}
        <section className="form-section form">
          <h2>New pipeline</h2>
          <p className="muted">A separate sales process, e.g. for renewals or partners. It starts with default stages you can change.</p>
          <form
            className="grid-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <TextField label="Name" name="pipeline.name" value={name} error={err?.field("name") ?? (err && !err.fields.length ? err.message : undefined)} onChange={setName} />
            <div>
              <button type="submit" className="btn primary" disabled={create.isPending || !name.trim()} data-testid="new-pipeline">
                Add pipeline
              </button>
            </div>
          </form>
        </section>
        <LostReasons />
      </div>
    </>
  );
}

function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<Stage | null>(null);
  const run = async (what: () => Promise<unknown>, done?: string) => {
    setError(null);
    try {
      await what();
      if (done) notify(done);
      await invalidateDeals(client);
      return true;
    } catch (e) {
      setError(toApiError(e));
      return false;
    }
  };
  const open = pipeline.stages.filter((s) => s.kind === "open");
  const move = (stage: Stage, by: -1 | 1) => {
    const ids = open.map((s) => s.id);
    const i = ids.indexOf(stage.id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
    const closed = pipeline.stages.filter((s) => s.kind !== "open").map((s) => s.id);
    void run(() => api.pipelines.reorderStages(pipeline.id, [...ids, ...closed]));
  };
  const remove = async (stage: Stage) => {
    setError(null);
    try {
      await api.pipelines.removeStage(stage.id);
      notify(`Removed the stage ${stage.name}`);
      await invalidateDeals(client);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === "conflict") setRemoving(stage);
      else setError(err);
    }
  };
  return (
    <section className="form-section form" data-testid="pipeline" data-pipeline={pipeline.name}>
      <h2>{pipeline.name}</h2>
      <ErrorBanner error={error} />
      <div className="stage-list">
        {pipeline.stages.map((s) => (
          <StageRow
            key={`${s.id}:${s.name}:${s.probability}:${s.rotting_days}:${JSON.stringify(s.checklist)}`}
            stage={s}
            first={open[0]?.id === s.id}
            last={open.at(-1)?.id === s.id}
            onMove={(by) => move(s, by)}
            onRemove={() => void remove(s)}
            onSave={(input) => run(() => api.pipelines.updateStage(s.id, input), `Saved the stage ${input.name}`)}
          />
        ))}
      </div>
      <AddStage pipeline={pipeline} />
      {removing && (
        <RemoveStageDialog
          stage={removing}
          targets={pipeline.stages.filter((s) => s.id !== removing.id)}
          onCancel={() => setRemoving(null)}
          onConfirm={async (target) => {
            const ok = await run(() => api.pipelines.removeStage(removing.id, target), `Removed the stage ${removing.name}`);
            if (ok) setRemoving(null);
          }}
        />
      )}
    </section>
  );
}

function StageRow({
  stage,
  first,
  last,
  onMove,
  onRemove,
  onSave,
}: {
  stage: Stage;
  first: boolean;
  last: boolean;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  onSave: (input: StageInput) => Promise<boolean>;
}) {
  const [name, setName] = useState(stage.name);
  const [probability, setProbability] = useState(String(stage.probability));
  const [rotting, setRotting] = useState(stage.rotting_days === null ? "" : String(stage.rotting_days));
  const [checklist, setChecklist] = useState<SuggestedActivity[]>(stage.checklist);
  const closed = stage.kind !== "open";
  const dirty =
    name !== stage.name ||
    probability !== String(stage.probability) ||
    rotting !== (stage.rotting_days === null ? "" : String(stage.rotting_days)) ||
    JSON.stringify(checklist) !== JSON.stringify(stage.checklist);
  const save = (e?: FormEvent) => {
    e?.preventDefault();
    void onSave({
      name: name.trim(),
      probability: Math.trunc(Number(probability) || 0),
      rotting_days: rotting.trim() === "" ? null : Math.trunc(Number(rotting)),
      checklist: checklist.filter((c) => c.subject.trim()),
    });
  };
  const setItem = (i: number, patch: Partial<SuggestedActivity>) => setChecklist((l) => l.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <form className="stage-row" data-testid="stage-row" data-stage={stage.name} onSubmit={save} noValidate>
      <TextField label={closed ? `Name (${stage.kind})` : "Name"} name="stage.name" value={name} onChange={setName} />
      <TextField
        label="Prob. %"
        name="stage.probability"
        type="number"
        min={0}
        max={100}
        disabled={closed}
        value={probability}
        onChange={setProbability}
      />
      <TextField
        label="Rotting days"
        title="A deal with no activity for this many days is marked as rotting"
        name="stage.rotting_days"
        type="number"
        min={1}
        placeholder="never"
        disabled={closed}
        value={rotting}
        onChange={setRotting}
      />
      <div className="stage-row-actions">
        <button type="button" className="btn small" aria-label={`Move ${stage.name} up`} disabled={closed || first} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="btn small" aria-label={`Move ${stage.name} down`} disabled={closed || last} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="submit" className="btn small primary" disabled={!dirty || !name.trim()} data-testid="stage-save">
          Save
        </button>
        {!closed && (
          <button type="button" className="btn small danger" onClick={onRemove} data-testid="stage-remove" title={`Remove ${stage.name}`}>
            Remove
          </button>
        )}
        <span className="muted small" title="Deals in this stage now">
          {stage.deal_count} deal{stage.deal_count === 1 ? "" : "s"}
        </span>
      </div>
      <div className="stage-checklist">
        <span className="muted small">Suggested tasks on entering this stage</span>
        {checklist.map((c, i) => (
          <div className="checklist-row" key={i}>
            <input
              className="input"
              aria-label="Task subject"
              placeholder="e.g. Send pricing"
              value={c.subject}
              onChange={(e) => setItem(i, { subject: e.target.value })}
            />
            <input
              className="input"
              type="number"
              min={0}
              aria-label="Due in days"
              title="Due this many days after entering the stage"
              value={c.due_in_days}
              onChange={(e) => setItem(i, { due_in_days: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })}
            />
            <span className="muted small">days after entering</span>
            <button type="button" className="btn small ghost" onClick={() => setChecklist((l) => l.filter((_, j) => j !== i))} aria-label="Remove task">
              ×
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn small ghost"
            onClick={() => setChecklist((l) => [...l, { kind: "task", subject: "", due_in_days: 2 }])}
            data-testid="checklist-add"
          >
            + Suggested task
          </button>
        </div>
      </div>
    </form>
  );
}

function AddStage({ pipeline }: { pipeline: Pipeline }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState("");
  const [probability, setProbability] = useState("50");
  const add = useMutation({
    mutationFn: () =>
      api.pipelines.addStage(pipeline.id, { name: name.trim(), probability: Math.trunc(Number(probability) || 0), rotting_days: null, checklist: [] }),
    onSuccess: async () => {
      notify(`Added the stage ${name.trim()}`);
      setName("");
      await invalidateDeals(client);
    },
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  return (
    <form
      className="grid-2"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <TextField label="New stage" name="new-stage.name" placeholder="e.g. Negotiation" value={name} error={err?.field("name") ?? (err && !err.fields.length ? err.message : undefined)} onChange={setName} />
      <TextField label="Probability %" name="new-stage.probability" type="number" min={0} max={100} value={probability} error={err?.field("probability")} onChange={setProbability} />
      <div>
        <button type="submit" className="btn" disabled={add.isPending || !name.trim()} data-testid="add-stage">
          + Add stage
        </button>
      </div>
    </form>
  );
}

export function RemoveStageDialog({
  stage,
  targets,
  onCancel,
  onConfirm,
}: {
  stage: Stage;
  targets: Stage[];
  onCancel: () => void;
  onConfirm: (targetId: string) => void;
}) {
  const [target, setTarget] = useState(targets.find((t) => t.kind === "open")?.id ?? "");
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <form
        className="dialog deal-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="remove-stage-title"
        data-testid="remove-stage-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (target) onConfirm(target);
        }}
      >
        <h2 id="remove-stage-title">Remove {stage.name}?</h2>
        <p>
          {stage.deal_count > 0 ? `${stage.deal_count} deal${stage.deal_count === 1 ? " is" : "s are"}` : "Deals are"} still in this stage. Move them to:
        </p>
        <Field label="Move the deals to">
          {(a11y) => (
            <select {...a11y} className="input" data-testid="remove-stage-target" value={target} onChange={(e) => setTarget(e.target.value)}>
              {targets
                .filter((t) => t.kind === "open")
                .map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn danger solid" disabled={!target} data-testid="remove-stage-confirm">
            Move deals and remove
          </button>
        </div>
      </form>
    </div>
  );
}

function LostReasons() {
  const client = useQueryClient();
  const notify = useNotify();
  const reasons = useQuery({ queryKey: qk.pipelines.lostReasons, queryFn: api.pipelines.lostReasons });
  const [name, setName] = useState("");
  const add = useMutation({
    mutationFn: () => api.pipelines.addLostReason(name.trim()),
    onSuccess: async (r) => {
      setName("");
      notify(`Added the reason ${r.name}`);
      await client.invalidateQueries({ queryKey: qk.pipelines.lostReasons });
    },
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  return (
    <section className="form-section form" data-testid="lost-reasons">
      <h2>Lost reasons</h2>
      <p className="muted">Asked for whenever a deal is marked as lost, so you can see why deals slip away.</p>
      <ul className="dup-records">
        {reasons.data?.map((r) => (
          <li key={r.id}>{r.name}</li>
        ))}
        {reasons.data?.length === 0 && <li className="muted">None yet.</li>}
      </ul>
      <form
        className="grid-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <TextField label="New reason" name="lost-reason.name" placeholder="e.g. Price too high" value={name} error={err?.field("name") ?? (err && !err.fields.length ? err.message : undefined)} onChange={setName} />
        <div>
          <button type="submit" className="btn" disabled={add.isPending || !name.trim()} data-testid="add-lost-reason">
            Add reason
          </button>
        </div>
      </form>
    </section>
  );
}
