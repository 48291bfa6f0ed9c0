import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";

import { api, toApiError, type MoveInput, type Moved, type Stage } from "../../lib/api";
import { dropOutcome, todayIso, type DropOutcome } from "./deals";
import { useNotify } from "../../components/Toasts";
import { isTimeline, qk, rootOf } from "../../lib/queryKeys";

/** Refetches everything a deal write can change: board, lists, pages, forecast, stage counts. */
export function invalidateDeals(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (q) => DEAL_ROOTS.has(rootOf(q.queryKey)) || isTimeline(q.queryKey),
  });
}

const DEAL_ROOTS = new Set([qk.deals.all, qk.opportunities.all, qk.pipelines.all, qk.agenda, qk.activities.all].map(rootOf));

type Pending = { dealId: string; dealName: string; stage: Stage; outcome: DropOutcome };

type Options = {
  /** Applies the move on screen before the backend answers; returns how to take it back. */
  optimistic?: (dealId: string, stage: Stage) => () => void;
  onMoved?: (moved: Moved) => void;
};

/**
 * Moving a deal to a stage, as the board and the deal page do it: asks for the close date
 * (Won), the reason (Lost) or whether to create the stage's tasks, then moves, with a toast
 * offering Undo. Returns `request` and the dialog to render.
 */
export function useDealMove({ optimistic, onMoved }: Options = {}) {
  const client = useQueryClient();
  const notify = useNotify();
  const [pending, setPending] = useState<Pending | null>(null);

  const perform = async (dealId: string, dealName: string, stage: Stage, input: MoveInput) => {
    const revert = optimistic?.(dealId, stage);
    try {
      const moved = await api.deals.move(dealId, input);
      const made = moved.created.length;
      const text =
        stage.kind === "won"
          ? `Won ${dealName}`
          : stage.kind === "lost"
            ? `Marked ${dealName} as lost`
            : `Moved ${dealName} to ${stage.name}${made ? ` and created ${made} task${made === 1 ? "" : "s"}` : ""}`;
      notify(text, "info", {
        label: "Undo",
        run: () => {
          api
            .undo(moved.batch_id)
            .then(() => {
              notify("Undone");
              return invalidateDeals(client);
            })
            .catch((e: unknown) => notify(`Could not undo: ${toApiError(e).message}`, "error"));
        },
      });
      onMoved?.(moved);
    } catch (e) {
      revert?.();
      notify(`Could not move ${dealName} to ${stage.name}: ${toApiError(e).message}`, "error");
    } finally {
      await invalidateDeals(client);
    }
  };

  const request = (deal: { id: string; name: string; stageId: string | null }, stage: Stage) => {
    const outcome = dropOutcome(deal.stageId, stage);
    if (outcome.kind === "none") return;
    if (outcome.kind === "move") {
      void perform(deal.id, deal.name, stage, {
        stage: stage.id,
        lost_reason: null,
        lost_note: null,
        closed_on: null,
        create_suggested: false,
      });
      return;
    }
    setPending({ dealId: deal.id, dealName: deal.name, stage, outcome });
  };

  const dialog = pending ? (
    <MoveDialog
      pending={pending}
      onCancel={() => setPending(null)}
      onConfirm={(input) => {
        setPending(null);
        void perform(pending.dealId, pending.dealName, pending.stage, input);
      }}
    />
  ) : null;

  return { request, dialog, busy: pending !== null };
}

function MoveDialog({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: Pending;
  onCancel: () => void;
  onConfirm: (input: MoveInput) => void;
}) {
  const { stage, outcome, dealName } = pending;
  const kind = outcome.kind === "won" ? "won" : outcome.kind === "lost" ? "lost" : "checklist";
  const reasons = useQuery({ queryKey: qk.pipelines.lostReasons, queryFn: api.pipelines.lostReasons, enabled: kind === "lost" });
  const [closedOn, setClosedOn] = useState(todayIso());
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [createTasks, setCreateTasks] = useState(true);
  const [tried, setTried] = useState(false);
  const firstRef = useRef<HTMLSelectElement & HTMLInputElement>(null);
  useEffect(() => {
    firstRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onCancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);

  const tasks = stage.checklist;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (kind === "lost" && !reason) {
      setTried(true);
      return;
    }
    onConfirm({
      stage: stage.id,
      lost_reason: kind === "lost" ? reason : null,
      lost_note: kind === "lost" ? note.trim() || null : null,
      closed_on: kind === "checklist" ? null : closedOn || null,
      create_suggested: tasks.length > 0 && createTasks,
    });
  };
  const title =
    kind === "won" ? `Won ${dealName}` : kind === "lost" ? `Lost ${dealName}` : `Move ${dealName} to ${stage.name}`;
  const confirmLabel = kind === "won" ? "Mark as won" : kind === "lost" ? "Mark as lost" : "Move";

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <form
        className="dialog deal-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="move-title"
        data-testid={`${kind}-dialog`}
        onSubmit={submit}
        noValidate
      >
        <h2 id="move-title">{title}</h2>
        {kind === "lost" && (
          <label className="field">
            <span>Reason</span>
            <select
              ref={firstRef}
              className="input"
              name="lost_reason"
              data-testid="lost-reason"
              value={reason}
              aria-invalid={tried && !reason}
              onChange={(e) => setReason(e.target.value)}
            >
              <option value="">Choose a reason…</option>
              {reasons.data?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
            {tried && !reason && (
              <span className="field-error" role="alert">
                Choose why the deal was lost.
              </span>
            )}
          </label>
        )}
        {kind === "lost" && (
          <label className="field">
            <span>Note (optional)</span>
            <textarea className="input" name="lost_note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
        )}
        {kind !== "checklist" && (
          <label className="field">
            <span>{kind === "won" ? "Won on" : "Lost on"}</span>
            <input
              ref={kind === "won" ? firstRef : undefined}
              className="input"
              type="date"
              name="closed_on"
              data-testid="closed-on"
              value={closedOn}
              onChange={(e) => setClosedOn(e.target.value)}
            />
          </label>
        )}
        {tasks.length > 0 && (
          <div className="deal-checklist" data-testid="checklist-offer">
            <label className="check">
              <input
                type="checkbox"
                data-testid="checklist-create"
                checked={createTasks}
                onChange={(e) => setCreateTasks(e.target.checked)}
              />
              Create these {tasks.length} task{tasks.length === 1 ? "" : "s"}?
            </label>
            <ul>
              {tasks.map((t, i) => (
                <li key={i}>
                  {t.subject} <span className="muted">· due in {t.due_in_days} day{t.due_in_days === 1 ? "" : "s"}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className={`btn ${kind === "lost" ? "danger solid" : "primary"}`} data-testid={`${kind}-confirm`}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
