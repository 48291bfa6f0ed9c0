import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { useActivityDialog } from "../activities/ActivityDialog";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CustomFieldValues } from "../../components/CustomFields";
import { invalidateDeals, useDealMove } from "./DealMove";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { DealDocuments } from "./SalesPanels";
import { TagList } from "../../components/Pickers";
import { Timeline } from "../activities/Timeline";
import { useNotify } from "../../components/Toasts";
import { api, type Opportunity, type Stage } from "../../lib/api";
import { days, isPast } from "./deals";
import { formatDate, formatDateTime, formatMoney, initials } from "../../lib/format";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";

export function DealDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const openActivity = useActivityDialog();
  const [confirming, setConfirming] = useState(false);
  const { data: d, error } = useQuery({ queryKey: qk.deals.detail(id), queryFn: () => api.deals.get(id) });
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const history = useQuery({ queryKey: qk.deals.history(id), queryFn: () => api.deals.history(id) });
  const mover = useDealMove();
  const remove = useMutation({
    mutationFn: () => api.deals.remove(id),
    onSuccess: async () => {
      notify(`Deleted ${d?.name ?? "the deal"}`);
      navigate("/deals");
      await invalidateDeals(client);
    },
  });
  useShortcut("e", () => navigate(`/deals/${id}/edit`));

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/deals">← Back to deals</Link>
      </div>
    );
  }
  if (!d) return <div className="page-body muted">Loading…</div>;
  const stages = pipelines.data?.find((p) => p.id === d.pipeline_id)?.stages ?? [];
  const dash = <span className="muted">—</span>;
  const links = [{ entity: "opportunities", id, name: d.name }];

  return (
    <>
      <PageHead
        title={
          <span className="detail-head">
            <span className="avatar lg square">{initials(d.name)}</span>
            <span data-testid="deal-name">{d.name}</span>
          </span>
        }
        sub={
          <>
            {d.account_id ? (
              <Link href={`/accounts/${d.account_id}`} data-testid="deal-account">
                {d.account_name}
              </Link>
            ) : (
              <span className="muted">No account</span>
            )}
            {" · "}
            {d.pipeline_name}
          </>
        }
      >
        <Link className="btn" href="/deals">
          ← Board
        </Link>
        <button className="btn primary" onClick={() => openActivity({ mode: "log", kind: "call", links })} data-testid="log-activity">
          + Log activity
        </button>
        <button className="btn" onClick={() => openActivity({ mode: "schedule", kind: "task", links })} data-testid="schedule-activity">
          Schedule
        </button>
        <Link className="btn" href={`/deals/${id}/edit`} data-testid="edit-deal">
          Edit
        </Link>
        <button className="btn danger" onClick={() => setConfirming(true)} data-testid="delete-deal">
          Delete
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={remove.error} />
        <StageBar deal={d} stages={stages} onPick={(s) => mover.request({ id: d.id, name: d.name, stageId: d.stage_id }, s)} />
        {d.rotting && (
          <div className="banner warn" role="status" data-testid="deal-rotting">
            No activity on this deal for a while ({days(d.days_in_stage)} in {d.stage_name}
            {d.last_activity_at ? `, last activity ${formatDate(d.last_activity_at)}` : ""}). Log a call or schedule a next step.
          </div>
        )}
        {d.stage_kind === "lost" && (
          <div className="banner" role="status" data-testid="deal-lost">
            Lost{d.closed_on ? ` on ${formatDate(d.closed_on)}` : ""}: {d.lost_reason ?? "no reason given"}
            {d.lost_note ? ` — ${d.lost_note}` : ""}
          </div>
        )}
        {d.stage_kind === "won" && (
          <div className="banner ok" role="status" data-testid="deal-won">
            Won{d.closed_on ? ` on ${formatDate(d.closed_on)}` : ""}.
          </div>
        )}
        <div className="deal-facts card" data-testid="deal-facts">
          <Fact label="Amount" value={d.amount ? formatMoney(d.amount) : "—"} testId="deal-amount" />
          <Fact label="Weighted" value={d.weighted ? formatMoney(d.weighted) : "—"} />
          <Fact label={d.probability_override !== null ? "Probability (set)" : "Probability"} value={`${d.probability}%`} />
          <Fact
            label="Expected close"
            value={
              d.expected_close ? (
                <span className={d.stage_kind === "open" && isPast(d.expected_close) ? "overdue" : undefined}>{formatDate(d.expected_close)}</span>
              ) : (
                "—"
              )
            }
          />
          <Fact label="Stage" value={d.stage_name} />
          <Fact label="In stage" value={days(d.days_in_stage)} />
          <Fact label="Owner" value={d.owner_name ?? "Nobody"} />
        </div>
        <div className="cards">
          <section className="card" data-testid="deal-people">
            <h2>People in the deal</h2>
            {d.contacts.length ? (
              <ul className="dup-records">
                {d.contacts.map((c) => (
                  <li key={c.contact_id}>
                    <Link href={`/contacts/${c.contact_id}`}>{c.name}</Link>
                    {c.role && <span className="badge subtle"> {c.role}</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">Nobody yet. Edit the deal to add the people involved.</span>
            )}
          </section>
          <section className="card">
            <h2>Details</h2>
            <dl className="props">
              <dt>Next step</dt>
              <dd data-testid="deal-next-step">{d.next_step ?? dash}</dd>
              <dt>Products</dt>
              <dd>
                {d.products.length ? (
                  <span className="tags">
                    {d.products.map((p) => (
                      <span key={p} className="tag">
                        {p}
                      </span>
                    ))}
                  </span>
                ) : (
                  dash
                )}
              </dd>
              <dt>Source</dt>
              <dd>{d.source ?? dash}</dd>
              <dt>Tags</dt>
              <dd>
                <TagList tags={d.tags} />
              </dd>
              <dt>Last activity</dt>
              <dd>{d.last_activity_at ? formatDateTime(d.last_activity_at) : dash}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(d.created_at)}</dd>
            </dl>
          </section>
          <section className="card deal-history" data-testid="deal-history">
            <h2>Stage history</h2>
            {history.data?.length ? (
              <table className="list">
                <thead>
                  <tr>
                    <th>Stage</th>
                    <th>Entered</th>
                    <th>Days</th>
                  </tr>
                </thead>
                <tbody>
                  {history.data.map((v) => (
                    <tr key={`${v.stage_id}-${v.entered_at}`}>
                      <td>{v.stage_name}</td>
                      <td>{formatDate(v.entered_at)}</td>
                      <td>{v.days}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <span className="muted">{history.error ? String(history.error) : "…"}</span>
            )}
          </section>
          <DealDocuments dealId={id} accountId={d.account_id} />
          <CustomFieldValues entity="opportunities" values={d.custom as Record<string, unknown>} />
          <Timeline entity="opportunities" id={id} />
          <section className="card wide">
            <h2>Notes</h2>
            {d.notes ? <p className="notes">{d.notes}</p> : <span className="muted">No notes yet.</span>}
          </section>
        </div>
      </div>
      {mover.dialog}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${d.name}?`}
          confirmLabel="Delete deal"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
        >
          The deal leaves the board and the forecast. The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}

function Fact({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <div className="deal-fact">
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/** The open stages as steps, then Won and Lost; clicking one moves the deal there. */
function StageBar({ deal, stages, onPick }: { deal: Opportunity; stages: Stage[]; onPick: (s: Stage) => void }) {
  if (stages.length === 0) return null;
  const currentIndex = stages.findIndex((s) => s.id === deal.stage_id);
  const open = deal.stage_kind === "open";
  return (
    <div className="stage-bar" role="group" aria-label="Stage" data-testid="stage-bar">
      {stages.map((s, i) => {
        const current = s.id === deal.stage_id;
        const done = open && s.kind === "open" && i < currentIndex;
        const cls = ["stage-step", s.kind !== "open" ? s.kind : "", current ? "current" : "", done ? "done" : ""].filter(Boolean).join(" ");
        return (
          <button
            key={s.id}
            type="button"
            className={cls}
            aria-current={current ? "step" : undefined}
            title={current ? `Now in ${s.name}` : `Move to ${s.name}`}
            data-testid="stage-step"
            disabled={current}
            onClick={() => onPick(s)}
          >
            {s.name}
          </button>
        );
      })}
    </div>
  );
}
