// The "Sequences" card of a contact or lead page: the follow-up sequences they are in, with
// "Log a reply" and "Unsubscribe".
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";

import { api } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { ENROLMENT_STATUSES, STOP_REASONS, countOf, problemText } from "./marketing";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { StatusBadge } from "./MarketingPage";
import { useNotify } from "../../components/Toasts";
import { isTimeline, qk, rootOf } from "../../lib/queryKeys";

export function RecordSequences({ entity, id, name }: { entity: "contacts" | "leads"; id: string; name: string }) {
  const client = useQueryClient();
  const notify = useNotify();
  const enrolments = useQuery({ queryKey: qk.marketing.sequences.of(entity, id), queryFn: () => api.marketing.sequences.of(entity, id) });
  const sequences = useQuery({ queryKey: qk.marketing.sequences.list, queryFn: api.marketing.sequences.list });
  const [confirming, setConfirming] = useState(false);
  const nameOf = (sequenceId: string) => sequences.data?.find((s) => s.id === sequenceId)?.name ?? "A sequence";
  // Consent and timelines change too: refresh the record and the marketing screens.
  const refresh = () =>
    client.invalidateQueries({
      predicate: (q) => {
        const root = rootOf(q.queryKey);
        return root === rootOf(qk.marketing.all) || root === rootOf(qk.records(entity).all) || isTimeline(q.queryKey);
      },
    });
  const reply = useMutation({
    mutationFn: () => api.marketing.sequences.recordReply(entity, id),
    onSuccess: async (stopped) => {
      await refresh();
      notify(stopped > 0 ? `Logged a reply from ${name}: ${countOf(stopped, ["sequence", "sequences"])} stopped` : `Logged a reply from ${name}`);
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  const unsubscribe = useMutation({
    mutationFn: () => api.marketing.sequences.unsubscribe(entity, id),
    onSuccess: async () => {
      await refresh();
      notify(`${name} is unsubscribed: no more marketing e-mails`);
    },
    onError: (e) => notify(problemText(e), "error"),
    onSettled: () => setConfirming(false),
  });
  const rows = enrolments.data ?? [];
  const running = rows.filter((e) => e.status === "active").length;
  return (
    <section className="card" data-testid="record-sequences">
      <h2>Sequences</h2>
      {enrolments.error ? (
        <span className="mk-error-text">{problemText(enrolments.error)}</span>
      ) : !enrolments.data ? (
        <span className="muted">Loading…</span>
      ) : rows.length === 0 ? (
        <p className="muted" style={{ marginTop: 0 }}>
          Not in any follow-up sequence. Enrol a segment from <Link href="/marketing/sequences">Marketing → Sequences</Link>.
        </p>
      ) : (
        <ul className="mk-enrolments" data-testid="record-enrolments">
          {rows.map((e) => (
            <li key={e.id} data-testid="record-enrolment">
              <Link href={`/marketing/sequences/${e.sequence_id}`}>{nameOf(e.sequence_id)}</Link>
              <StatusBadge status={e.status} label={ENROLMENT_STATUSES[e.status]} />
              <span className="muted small">
                {e.status === "active"
                  ? `step ${e.next_position}${e.next_due_on ? ` due ${formatDate(e.next_due_on)}` : ""}`
                  : e.stop_reason
                    ? STOP_REASONS[e.stop_reason]
                    : e.ended_at
                      ? formatDate(e.ended_at)
                      : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="mk-card-actions">
        <button
          className="btn small"
          onClick={() => reply.mutate()}
          disabled={reply.isPending}
          title={running > 0 ? "They answered: their sequences stop" : "Log an inbound e-mail"}
          data-testid="record-log-reply"
        >
          Log a reply
        </button>
        <button className="btn small danger" onClick={() => setConfirming(true)} data-testid="record-unsubscribe">
          Unsubscribe
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Unsubscribe ${name}?`}
          confirmLabel="Unsubscribe"
          busy={unsubscribe.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => unsubscribe.mutate()}
        >
          They get no more promotions or sequence e-mails, and their running sequences stop. You can still write to them yourself.
        </ConfirmDialog>
      )}
    </section>
  );
}
