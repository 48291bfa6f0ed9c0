import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CustomFieldValues } from "../../components/CustomFields";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { TagList } from "../../components/Pickers";
import { RecordNav } from "../../components/RecordNav";
import { Timeline } from "../activities/Timeline";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type MessageKind, type OutboxStatus, type SlaClock, type Ticket, type TicketStatus } from "../../lib/api";
import { formatDateTime, formatRelative } from "../../lib/format";
import { invalidateTickets } from "../../lib/invalidate";
import {
  CATEGORY_LABELS,
  MESSAGE_KIND_LABELS,
  TICKET_CHANNEL_LABELS,
  TICKET_STATUS_LABELS,
  clockHeadline,
  formatSpan,
  formatTarget,
  messageInput,
  replyToast,
  threadEntries,
  usedWidth,
} from "./tickets";
import { useShortcut } from "../../lib/useShortcut";
import { PriorityPill, StatusPill } from "./TicketsList";
import "../../styles/deals.css";
import "../../styles/leads.css";
import "../../styles/tickets.css";
import { qk } from "../../lib/queryKeys";

const STATUS_BUTTONS: TicketStatus[] = ["open", "waiting", "resolved", "closed"];

export function TicketDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { data: t, error } = useQuery({ queryKey: qk.tickets.detail(id), queryFn: () => api.tickets.get(id) });
  const saved = async (ticket: Ticket) => {
    client.setQueryData(qk.tickets.detail(id), ticket);
    await invalidateTickets(client);
  };
  const setStatus = useMutation({
    mutationFn: (status: TicketStatus) => api.tickets.setStatus(id, status),
    onSuccess: async (ticket) => {
      await saved(ticket);
      notify(`#${ticket.number} is now ${TICKET_STATUS_LABELS[ticket.status].toLowerCase()}`);
    },
  });
  const remove = useMutation({
    mutationFn: () => api.tickets.remove(id),
    onSuccess: async () => {
      client.removeQueries({ queryKey: qk.tickets.detail(id) });
      await invalidateTickets(client);
      notify(`Deleted ticket #${t?.number ?? ""}`);
      navigate("/tickets");
    },
  });
  useShortcut("e", () => navigate(`/tickets/${id}/edit`));

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/tickets">← Back to tickets</Link>
      </div>
    );
  }
  if (!t) return <div className="page-body muted">Loading…</div>;
  const dash = <span className="muted">—</span>;

  return (
    <div className="screen-col" data-testid="ticket-detail">
      <PageHead
        title={
          <span className="detail-head" data-testid="ticket-title">
            <span className="ticket-number">#{t.number}</span> {t.subject}
          </span>
        }
        sub={
          <span className="ticket-sub">
            <StatusPill status={t.status} testId="ticket-status" />
            <PriorityPill priority={t.priority} />
            <span className="badge subtle">{CATEGORY_LABELS[t.category]}</span>
            {t.account_id && (
              <Link href={`/accounts/${t.account_id}`} data-testid="ticket-account">
                {t.account_name ?? "Account"}
              </Link>
            )}
            {t.contact_id && (
              <Link href={`/contacts/${t.contact_id}`} data-testid="ticket-contact">
                {t.contact_name ?? "Contact"}
              </Link>
            )}
            <span className="muted" data-testid="ticket-owner">
              {t.owner_name ? `Owner: ${t.owner_name}` : "Nobody owns it"}
            </span>
          </span>
        }
      >
        <Link className="btn" href="/tickets">
          ← Tickets
        </Link>
        <RecordNav entity="tickets" id={id} />
        <div className="status-buttons" role="group" aria-label="Status">
          {STATUS_BUTTONS.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={t.status === s}
              title={TICKET_STATUS_LABELS[s]}
              disabled={setStatus.isPending || t.status === s}
              data-testid={`ticket-status-${s}`}
              onClick={() => setStatus.mutate(s)}
            >
              {s === "waiting" ? "Waiting" : TICKET_STATUS_LABELS[s]}
            </button>
          ))}
        </div>
        <Link className="btn" href={`/tickets/${id}/edit`} data-testid="edit-ticket">
          Edit
        </Link>
        <button className="btn danger" onClick={() => setConfirming(true)} data-testid="delete-ticket">
          Delete
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={setStatus.error ?? remove.error} />
        <div className="ticket-layout">
          <div className="ticket-main">
            <section className="card" data-testid="ticket-thread">
              <h2>Conversation</h2>
              {t.description && <p className="ticket-description" data-testid="ticket-description-text">{t.description}</p>}
              <Thread ticket={t} />
              <Composer ticket={t} onSaved={saved} />
            </section>
            <Timeline entity="tickets" id={id} />
          </div>
          <aside className="ticket-side">
            <SlaPanel ticket={t} />
            <section className="card" data-testid="ticket-facts">
              <h2>Details</h2>
              <dl className="props">
                <dt>Status</dt>
                <dd>{TICKET_STATUS_LABELS[t.status]}</dd>
                <dt>Category</dt>
                <dd>{CATEGORY_LABELS[t.category]}</dd>
                <dt>Channel</dt>
                <dd>{TICKET_CHANNEL_LABELS[t.channel]}</dd>
                <dt>Product</dt>
                <dd>{t.product ?? dash}</dd>
                <dt>Account</dt>
                <dd>{t.account_id ? <Link href={`/accounts/${t.account_id}`}>{t.account_name}</Link> : dash}</dd>
                <dt>Contact</dt>
                <dd>{t.contact_id ? <Link href={`/contacts/${t.contact_id}`}>{t.contact_name}</Link> : dash}</dd>
                <dt>Owner</dt>
                <dd>{t.owner_name ?? <span className="muted">Nobody</span>}</dd>
                {t.category === "callback" && (
                  <>
                    <dt>Call back</dt>
                    <dd data-testid="ticket-callback-info">
                      {t.callback_at ? formatDateTime(t.callback_at) : dash}
                      {t.callback_at && t.resolve_on_callback && <div className="muted small">The call resolves the ticket</div>}
                    </dd>
                  </>
                )}
                <dt>Tags</dt>
                <dd>
                  <TagList tags={t.tags} />
                </dd>
                <dt>Opened</dt>
                <dd>{formatDateTime(t.created_at)}</dd>
                {t.first_responded_at && (
                  <>
                    <dt>First reply</dt>
                    <dd>{formatDateTime(t.first_responded_at)}</dd>
                  </>
                )}
                {t.resolved_at && (
                  <>
                    <dt>Resolved</dt>
                    <dd>{formatDateTime(t.resolved_at)}</dd>
                  </>
                )}
                {t.closed_at && (
                  <>
                    <dt>Closed</dt>
                    <dd>{formatDateTime(t.closed_at)}</dd>
                  </>
                )}
              </dl>
            </section>
            <CustomFieldValues entity="tickets" values={t.custom as Record<string, unknown>} />
          </aside>
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete ticket #${t.number}?`}
          confirmLabel="Delete ticket"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
        >
          The ticket and its conversation are deleted; its number is not given again. The change log keeps a record of
          what was deleted.
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Both SLA clocks: target, due time, time left or overdue, how much is used. */
function SlaPanel({ ticket }: { ticket: Ticket }) {
  const { first_response, resolution } = ticket.sla;
  return (
    <section className="card" data-testid="ticket-sla">
      <h2>
        SLA{" "}
        {ticket.sla.breached ? (
          <span className="badge danger">Breached</span>
        ) : ticket.sla.warning ? (
          <span className="badge prio-high">Breaching soon</span>
        ) : null}
      </h2>
      {!first_response && !resolution ? (
        <span className="muted">
          No SLA policy covers this priority. <Link href="/settings">Set targets in Settings</Link>.
        </span>
      ) : (
        <>
          {first_response && <Clock name="First response" testId="ticket-sla-first_response" clock={first_response} />}
          {resolution && <Clock name="Resolution" testId="ticket-sla-resolution" clock={resolution} />}
        </>
      )}
    </section>
  );
}

function Clock({ name, clock, testId }: { name: string; clock: SlaClock; testId: string }) {
  const { text, tone } = clockHeadline(clock);
  return (
    <div className="sla-clock" data-testid={testId} data-state={clock.state}>
      <div className="sla-clock-head">
        <strong>
          {name}: {formatTarget(clock.target_minutes)}
        </strong>
        <span className={`sla sla-${tone}`} data-testid={`${testId}-text`}>
          {text}
        </span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`${name}: share of the target used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={usedWidth(clock)}
      >
        <div className={`progress-fill tone-${tone}`} style={{ width: `${usedWidth(clock)}%` }} />
      </div>
      <div className="sla-clock-meta">
        {clock.state === "running" && clock.due_at && <div>Due {formatDateTime(clock.due_at)}</div>}
        {clock.state === "paused" && clock.seconds_left > 0 && <div>{formatSpan(clock.seconds_left)} left when it resumes</div>}
        {clock.breached_at && <div className="sla-breached">Breached {formatDateTime(clock.breached_at)}</div>}
        {clock.met_at && <div>Met {formatDateTime(clock.met_at)}</div>}
        <div>{clock.used_percent}% of the target used</div>
      </div>
    </div>
  );
}

/** The conversation with the status changes in between, oldest first. */
function Thread({ ticket }: { ticket: Ticket }) {
  const entries = threadEntries(ticket.messages, ticket.history);
  return (
    <ol className="thread">
      {entries.map((e, i) =>
        e.kind === "message" ? (
          <li key={e.message.id} className={`msg kind-${e.message.kind}`} data-testid={`ticket-message-${e.message.kind}`}>
            <div className="msg-head">
              {e.message.kind === "note" ? (
                <span className="note-mark">Internal note</span>
              ) : (
                <strong>
                  {e.message.kind === "customer"
                    ? (ticket.contact_name ?? ticket.account_name ?? "Customer")
                    : (e.message.author_name ?? "Reply")}
                </strong>
              )}
              {e.message.kind === "note" && e.message.author_name && <strong>{e.message.author_name}</strong>}
              <span>{e.message.kind === "customer" ? "wrote" : e.message.kind === "reply" ? "replied" : ""}</span>
              {e.message.mail_status && (
                <span
                  className={`badge ${e.message.mail_status === "sent" ? "mk-outbox-sent" : "subtle"}`}
                  title={e.message.mail_problem ?? undefined}
                  data-testid="ticket-mail-status"
                >
                  {MAIL_STATUS_LABELS[e.message.mail_status]}
                </span>
              )}
              <span className="spacer" />
              <span title={formatDateTime(e.message.created_at)}>{formatRelative(e.message.created_at)}</span>
            </div>
            <div className="msg-body">{e.message.body}</div>
          </li>
        ) : (
          <li key={`s-${i}-${e.at}`} className="thread-status" data-testid="ticket-status-change">
            <span>
              {e.first ? "Ticket opened" : `Status: ${TICKET_STATUS_LABELS[e.change.status]}`} ·{" "}
              <span title={formatDateTime(e.at)}>{formatDateTime(e.at)}</span>
            </span>
          </li>
        ),
      )}
    </ol>
  );
}

const KINDS: MessageKind[] = ["reply", "customer", "note"];

const PLACEHOLDERS: Record<MessageKind, string> = {
  reply: "Write a reply to the customer…",
  customer: "Paste what the customer wrote…",
  note: "A note for the team; the customer never sees it…",
};

/** Where a reply's e-mail stands, as its badge says it. */
const MAIL_STATUS_LABELS: Record<OutboxStatus, string> = {
  queued: "E-mail queued",
  sending: "E-mail sending",
  sent: "E-mailed",
  failed: "E-mail failed",
  skipped: "Not e-mailed",
  cancelled: "E-mail cancelled",
  unsure: "E-mail may have gone",
};

/** Reply, record the customer's message, or add an internal note. Ctrl+Enter saves. */
export function Composer({ ticket, onSaved }: { ticket: Ticket; onSaved: (t: Ticket) => Promise<void> }) {
  const notify = useNotify();
  const [kind, setKind] = useState<MessageKind>("reply");
  const [body, setBody] = useState("");
  const [email, setEmail] = useState(true);
  const mailable = kind === "reply" && Boolean(ticket.contact_email);
  const counts = useQuery({ queryKey: qk.tickets.counts, queryFn: api.tickets.counts });
  const send = useMutation({
    mutationFn: (wait: boolean) =>
      api.tickets.message(ticket.id, messageInput(kind, body, counts.data?.me ?? null, wait, mailable && email)),
    onSuccess: async (saved, wait) => {
      setBody("");
      await onSaved(saved);
      notify(kind === "note" ? "Note added" : kind === "customer" ? "Customer message added" : replyToast(saved, wait));
    },
  });
  const err = send.error instanceof ApiError ? send.error : undefined;
  const bodyError = err?.field("body");
  const blank = body.trim() === "";
  return (
    <div className={`composer kind-${kind}`} data-testid="ticket-composer">
      <div className="seg" role="radiogroup" aria-label="Kind of message">
        {KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={kind === k}
            className={`seg-item${kind === k ? " active" : ""}`}
            data-testid={`ticket-kind-${k}`}
            onClick={() => setKind(k)}
          >
            {MESSAGE_KIND_LABELS[k]}
          </button>
        ))}
      </div>
      <textarea
        className="input"
        aria-label={MESSAGE_KIND_LABELS[kind]}
        aria-invalid={Boolean(bodyError)}
        placeholder={PLACEHOLDERS[kind]}
        data-testid="ticket-reply-body"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !blank && !send.isPending) {
            e.preventDefault();
            send.mutate(false);
          }
        }}
      />
      {bodyError && (
        <span className="field-error" role="alert">
          {bodyError}
        </span>
      )}
      {err && !bodyError && <ErrorBanner error={err} />}
      <div className="composer-actions">
        {mailable ? (
          <label className="check small" data-testid="ticket-reply-email">
            <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} /> E-mail it to {ticket.contact_email} · Ctrl+Enter
            saves
          </label>
        ) : (
          <span className="muted small">
            {kind === "note"
              ? "Only the team sees internal notes."
              : kind === "reply"
                ? "Saved on the ticket; the contact has no e-mail address to send it to · Ctrl+Enter saves"
                : "Ctrl+Enter saves"}
          </span>
        )}
        <span className="spacer" />
        {kind !== "customer" && (
          <button
            type="button"
            className="btn"
            disabled={blank || send.isPending}
            data-testid="ticket-send-wait"
            onClick={() => send.mutate(true)}
          >
            {kind === "note" ? "Add and wait on customer" : mailable && email ? "Send and wait on customer" : "Save and wait on customer"}
          </button>
        )}
        <button
          type="button"
          className="btn primary"
          disabled={blank || send.isPending}
          data-testid="ticket-send"
          onClick={() => send.mutate(false)}
        >
          {kind === "note" ? "Add note" : kind === "customer" ? "Add message" : mailable && email ? "Send reply" : "Save reply"}
        </button>
      </div>
    </div>
  );
}
