import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { MarketingPage, OutboxProgress, Problem, RecordLink, StatusBadge } from "./MarketingPage";
import { OutboxTable } from "./OutboxTable";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type OutboxCounts, type Promotion, type PromotionInput, type PromotionPreview } from "../../lib/api";
import { formatDateTime, formatNumber } from "../../lib/format";
import { OUTBOX_STATUSES, countOf, doneOf, isRunning, problemText, recordHref, totalOf } from "./marketing";
import { qk } from "../../lib/queryKeys";


/** Every promotion with how far its sending got. */
export function Promotions() {
  const [, navigate] = useLocation();
  const promotions = useQuery({
    queryKey: qk.marketing.promotions.list,
    queryFn: api.marketing.promotions.list,
    staleTime: 0,
    // Follow the sending while some messages still wait.
    refetchInterval: (q) => (q.state.data?.some((p) => isRunning(p.progress)) ? 3000 : false),
  });
  const rows = promotions.data ?? [];
  const newButton = (
    <Link className="btn primary" href="/marketing/promotions/new" data-testid="new-promotion">
      + New promotion
    </Link>
  );
  const open = (p: Promotion) => navigate(`/marketing/promotions/${p.id}`);
  return (
    <MarketingPage
      title="Promotions"
      sub={promotions.data ? `${countOf(rows.length, ["promotion", "promotions"])}: one template sent to one segment` : " "}
      actions={newButton}
      testId="promotions-screen"
    >
      <Problem error={promotions.error} />
      {!promotions.data && !promotions.error && <p className="muted">Loading…</p>}
      {promotions.data && rows.length === 0 && (
        <div className="empty" data-testid="promotions-empty">
          <h2>No promotions yet</h2>
          <p className="muted">
            A promotion sends one template to everyone in a segment, leaving out those who unsubscribed or should not be e-mailed. Preview
            who gets it, then queue it.
          </p>
          {newButton}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-card">
          <table className="list mk-table" data-testid="promotion-list">
            <thead>
              <tr>
                <th style={{ width: "22%" }}>Promotion</th>
                <th>Template</th>
                <th>Segment</th>
                <th style={{ width: 170 }}>Queued</th>
                <th style={{ width: 220 }}>Progress</th>
                <th style={{ width: 110 }}>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr
                  key={p.id}
                  tabIndex={0}
                  data-testid="promotion-row"
                  data-name={p.name}
                  onClick={() => open(p)}
                  onKeyDown={(e) => e.key === "Enter" && open(p)}
                >
                  <td>
                    <strong>{p.name}</strong>
                  </td>
                  <td>{p.template_name}</td>
                  <td>{p.segment_name}</td>
                  <td>{formatDateTime(p.created_at)}</td>
                  <td>
                    <ProgressCell counts={p.progress} />
                  </td>
                  <td>
                    <PromotionStatusBadge p={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </MarketingPage>
  );
}

function ProgressCell({ counts }: { counts: OutboxCounts }) {
  const done = doneOf(counts);
  const total = totalOf(counts);
  return (
    <div className="mk-inline" style={{ flexWrap: "nowrap" }}>
      <div style={{ flex: 1 }}>
        <OutboxProgress counts={counts} />
      </div>
      <span className="muted small">
        {formatNumber(done)}/{formatNumber(total)}
      </span>
    </div>
  );
}

function PromotionStatusBadge({ p }: { p: Promotion }) {
  if (p.status === "cancelled") return <StatusBadge status="cancelled" label="Cancelled" />;
  if (isRunning(p.progress)) return <StatusBadge status="queued" label="Sending" />;
  if (p.progress.failed > 0) return <StatusBadge status="failed" label="Done, some failed" />;
  return <StatusBadge status="outbox-sent" label="Done" />;
}

/** `/marketing/promotions/new`: choose, preview who gets it, queue it. */
export function NewPromotion() {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const templates = useQuery({ queryKey: qk.marketing.templates.list, queryFn: api.marketing.templates.list });
  const segments = useQuery({ queryKey: qk.marketing.segments.list, queryFn: api.marketing.segments.list });
  const campaigns = useQuery({ queryKey: qk.marketing.campaigns.list, queryFn: api.marketing.campaigns.list });
  const [input, setInput] = useState<PromotionInput>({ name: "", template: "", segment: "", campaign: null });
  const set = <K extends keyof PromotionInput>(key: K, value: PromotionInput[K]) => setInput((p) => ({ ...p, [key]: value }));
  const payload = (): PromotionInput => ({ ...input, name: input.name.trim(), campaign: input.campaign || null });
  // The preview belongs to the choices it was made for: changing one hides it.
  const [previewed, setPreviewed] = useState<{ key: string; data: PromotionPreview } | null>(null);
  const keyOf = (p: PromotionInput) => JSON.stringify([p.template, p.segment, p.campaign]);
  const key = keyOf(payload());
  // Queue pressed without a name: say so by the name.
  const [nameMissing, setNameMissing] = useState(false);
  const current = previewed?.key === key ? previewed.data : null;
  const [confirming, setConfirming] = useState(false);

  const preview = useMutation({
    mutationFn: (p: PromotionInput) => api.marketing.promotions.preview(p),
    onSuccess: (data, p) => setPreviewed({ key: keyOf(p), data }),
  });
  const queue = useMutation({
    mutationFn: (p: PromotionInput) => api.marketing.promotions.queue(p),
    onSuccess: async (p) => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(`Queued ${p.name}`);
      navigate(`/marketing/promotions/${p.id}`);
    },
    onSettled: () => setConfirming(false),
  });
  const err = (preview.error ?? queue.error) as ApiError | null;
  const fe = (name: string) => (err instanceof ApiError ? err.field(name) : undefined);
  const ready = Boolean(input.template && input.segment);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!preview.isPending) preview.mutate(payload());
  };
  const templateName = templates.data?.find((t) => t.id === input.template)?.name;
  const segmentName = segments.data?.find((s) => s.id === input.segment)?.name;

  return (
    <MarketingPage
      title="New promotion"
      sub="Choose the message and who gets it; preview before anything is queued"
      testId="promotion-new"
      actions={
        <Link className="btn" href="/marketing/promotions">
          Cancel
        </Link>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        {err && err.code !== "validation" && <Problem error={err} />}
        {err?.code === "validation" && (
          <div className="banner" role="alert">
            Please correct the highlighted fields.
          </div>
        )}
        <Problem error={templates.error ?? segments.error ?? campaigns.error} />
        <section className="form-section">
          <TextField
            label="Name"
            name="name"
            autoFocus
            placeholder="e.g. Spring offer 2026"
            data-testid="promotion-name"
            value={input.name}
            error={fe("name") ?? (nameMissing && !input.name.trim() ? "Give the promotion a name to queue it." : undefined)}
            onChange={(v) => set("name", v)}
          />
          <div className="grid-2">
            <Field label="Template" error={fe("template")}>
              {(a11y) => (
                <select {...a11y} className="input" data-testid="promotion-template" value={input.template} onChange={(e) => set("template", e.target.value)}>
                  <option value="">Choose a template…</option>
                  {templates.data?.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Segment" error={fe("segment")}>
              {(a11y) => (
                <select {...a11y} className="input" data-testid="promotion-segment" value={input.segment} onChange={(e) => set("segment", e.target.value)}>
                  <option value="">Choose a segment…</option>
                  {segments.data?.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Campaign (optional)" error={fe("campaign")}>
              {(a11y) => (
                <select
                  {...a11y}
                  className="input"
                  data-testid="promotion-campaign"
                  value={input.campaign ?? ""}
                  onChange={(e) => set("campaign", e.target.value || null)}
                >
                  <option value="">No campaign</option>
                  {campaigns.data?.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="field">
              <span aria-hidden>&nbsp;</span>
              <p className="muted small" style={{ margin: 0 }}>
                With a campaign, everyone who gets it becomes a member, marked sent when it goes out.
              </p>
            </div>
          </div>
          {(templates.data?.length === 0 || segments.data?.length === 0) && (
            <p className="mk-note">
              A promotion needs a <Link href="/marketing/templates/new">template</Link> and a <Link href="/marketing/segments/new">segment</Link>
              : make them first.
            </p>
          )}
          <div className="form-actions" style={{ justifyContent: "flex-start" }}>
            <button type="submit" className="btn" disabled={!ready || preview.isPending} data-testid="promotion-preview-btn">
              {preview.isPending ? "Working out who gets it…" : "Preview recipients"}
            </button>
            <button
              type="button"
              className="btn primary"
              disabled={!ready || (current !== null && current.will_send === 0) || queue.isPending || preview.isPending}
              onClick={() => {
                if (!input.name.trim()) {
                  setNameMissing(true);
                } else if (current) {
                  setConfirming(true);
                } else {
                  // Queued without a preview: preview first, then ask.
                  preview.mutate(payload(), { onSuccess: (data) => data.will_send > 0 && setConfirming(true) });
                }
              }}
              data-testid="promotion-queue"
            >
              Queue for sending
            </button>
          </div>
        </section>
      </form>
      {current && <PreviewPanel preview={current} />}
      {confirming && current && (
        <ConfirmDialog
          title={`Queue ${input.name.trim()}?`}
          confirmLabel={`Queue ${countOf(current.will_send, ["message", "messages"])}`}
          busy={queue.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => queue.mutate(payload())}
        >
          {templateName ?? "The template"} goes to {countOf(current.will_send, ["person", "people"])} in {segmentName ?? "the segment"}
          {current.skipped > 0 ? ` (${formatNumber(current.skipped)} skipped)` : ""}. Messages wait in the outbox and go out when it is sent;
          you can cancel what has not gone yet.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}

function PreviewPanel({ preview: p }: { preview: PromotionPreview }) {
  return (
    <section className="mk-section" data-testid="promotion-preview" style={{ maxWidth: 980 }}>
      <div className="mk-counts">
        <div className="mk-count sent">
          <strong data-testid="promotion-will-send">{formatNumber(p.will_send)} will get it</strong>
        </div>
        <div className="mk-count">
          <strong data-testid="promotion-skipped">{formatNumber(p.skipped)} skipped</strong>
        </div>
        <div className="mk-count">
          <span>{countOf(p.total, ["person", "people"])} to write to</span>
        </div>
      </div>
      {p.will_send === 0 && (
        <div className="banner warn" role="status">
          Nobody in this segment can be e-mailed: there is nothing to queue.
        </div>
      )}
      <div className="mk-editor">
        <div>
          <div className="mk-section-head">
            <h2>Recipients</h2>
            {p.recipients.length < p.total && <span className="muted">the first {formatNumber(p.recipients.length)}</span>}
          </div>
          <div className="table-card">
            <table className="list mk-table static">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>E-mail</th>
                  <th style={{ width: "34%" }}>Gets it?</th>
                </tr>
              </thead>
              <tbody>
                {p.recipients.map((r) => (
                  <tr key={`${r.entity}-${r.id}`} className={r.skip_reason ? "is-skipped" : undefined} data-testid="promotion-recipient">
                    <td>
                      <RecordLink href={recordHref(r.entity, r.id)}>{r.name}</RecordLink>
                    </td>
                    <td>{r.email ?? <span className="muted">no address</span>}</td>
                    <td className="wrap">
                      {r.skip_reason ? (
                        <span className="mk-reason" data-testid="promotion-skip-reason">
                          Skipped: {r.skip_reason}
                        </span>
                      ) : (
                        <span className="badge mk-outbox-sent">Yes</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          <div className="mk-section-head">
            <h2>Sample</h2>
          </div>
          {p.sample ? (
            <div className="mk-message" data-testid="promotion-sample">
              <dl>
                <dt>To</dt>
                <dd>
                  {p.sample.to_name}
                  {p.sample.to_address ? ` <${p.sample.to_address}>` : ""}
                </dd>
                <dt>Subject</dt>
                <dd data-testid="promotion-sample-subject">
                  <strong>{p.sample.subject}</strong>
                </dd>
              </dl>
              <pre data-testid="promotion-sample-text">{p.sample.text}</pre>
            </div>
          ) : (
            <p className="muted">No sample: nobody would get it.</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** `/marketing/promotions/:id`: how far the sending got, and each message. */
export function PromotionDetail({ id }: { id: string }) {
  const client = useQueryClient();
  const notify = useNotify();
  const promotion = useQuery({
    queryKey: qk.marketing.promotions.detail(id),
    queryFn: () => api.marketing.promotions.get(id),
    staleTime: 0,
    refetchInterval: (q) => (q.state.data && isRunning(q.state.data.progress) ? 1500 : false),
  });
  const p = promotion.data;
  const running = p ? isRunning(p.progress) : false;
  const messages = useQuery({
    queryKey: qk.marketing.outbox.ofPromotion(id),
    queryFn: () => api.marketing.outbox.list({ promotion_id: id }),
    staleTime: 0,
    refetchInterval: running ? 1500 : false,
  });
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => api.marketing.promotions.cancel(id),
    onSuccess: async (n) => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(n === 0 ? "Nothing was left to cancel" : `Cancelled ${countOf(n, ["message", "messages"])} not sent yet`);
    },
    onError: (e) => notify(problemText(e), "error"),
    onSettled: () => setConfirming(false),
  });

  if (promotion.error) {
    return (
      <MarketingPage title="Promotion">
        <Problem error={promotion.error} />
        <Link href="/marketing/promotions">← Back to promotions</Link>
      </MarketingPage>
    );
  }
  if (!p) {
    return (
      <MarketingPage title="Promotion">
        <p className="muted">Loading…</p>
      </MarketingPage>
    );
  }
  const c = p.progress;
  const states: (keyof OutboxCounts)[] = ["queued", "sending", "sent", "failed", "skipped", "cancelled", "unsure"];
  return (
    <MarketingPage
      title={
        <span className="mk-inline">
          <span data-testid="promotion-title">{p.name}</span>
          <PromotionStatusBadge p={p} />
        </span>
      }
      sub={`${p.template_name} to ${p.segment_name} · queued ${formatDateTime(p.created_at)}`}
      testId="promotion-detail"
      actions={
        <>
          <Link className="btn" href="/marketing/promotions">
            ← All promotions
          </Link>
          <Link className="btn" href="/marketing/outbox" data-testid="promotion-outbox">
            Outbox
          </Link>
          <button
            className="btn danger"
            disabled={!running || cancel.isPending || p.status === "cancelled"}
            title={running ? undefined : "Everything has gone or was cancelled"}
            onClick={() => setConfirming(true)}
            data-testid="promotion-cancel"
          >
            Cancel the rest
          </button>
        </>
      }
    >
      <OutboxProgress counts={c} large testId="promotion-progress" />
      <div className="mk-counts" data-testid="promotion-counts">
        {states
          .filter((s) => (s !== "sending" && s !== "unsure") || c[s] > 0)
          .map((s) => (
            <div key={s} className={`mk-count ${s}`} data-testid={`promotion-count-${s}`}>
              <strong>{formatNumber(c[s])}</strong>
              <span>{OUTBOX_STATUSES[s].toLowerCase()}</span>
            </div>
          ))}
      </div>
      {running && (
        <p className="mk-note">
          Messages go out when the outbox is sent (on its own every few minutes when sending is set up, or with Send now in the{" "}
          <Link href="/marketing/outbox">Outbox</Link>). This page follows along.
        </p>
      )}
      <section className="mk-section">
        <div className="mk-section-head">
          <h2>Messages</h2>
          {messages.data && <span className="muted">{countOf(messages.data.length, ["message", "messages"])}</span>}
        </div>
        <Problem error={messages.error} />
        {!messages.data && !messages.error && <p className="muted">Loading…</p>}
        {messages.data && <OutboxTable messages={messages.data} empty="No messages in this promotion." />}
      </section>
      {confirming && (
        <ConfirmDialog
          title="Cancel what has not gone yet?"
          confirmLabel="Cancel the rest"
          busy={cancel.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => cancel.mutate()}
        >
          {formatNumber(c.queued)} queued {c.queued === 1 ? "message is" : "messages are"} cancelled. Those already sent stay sent.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}
