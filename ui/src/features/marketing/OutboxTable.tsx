import type { OutboxMessage } from "../../lib/api";
import { formatDateTime, formatNumber } from "../../lib/format";
import { OUTBOX_STATUSES, recordHref } from "./marketing";
import { RecordLink, StatusBadge } from "./MarketingPage";

const dash = <span className="muted">—</span>;

/**
 * Messages of the outbox: who, what, where it stands and why. With `onCancel` and `onRetry`:
 * Cancel on messages not sent (queued, failed, maybe sent), Retry on failed ones and "Send
 * again" on those that may have gone already.
 */
export function OutboxTable({
  messages,
  empty,
  onCancel,
  onRetry,
  busy,
}: {
  messages: OutboxMessage[];
  empty: string;
  onCancel?: (m: OutboxMessage) => void;
  onRetry?: (m: OutboxMessage) => void;
  busy?: boolean;
}) {
  const actions = Boolean(onCancel || onRetry);
  if (messages.length === 0) {
    return (
      <p className="muted" data-testid="outbox-empty">
        {empty}
      </p>
    );
  }
  return (
    <div className="table-card mk-scroll">
      <table className="list mk-table static" data-testid="outbox-table" style={{ minWidth: 1100 }}>
        <thead>
          <tr>
            <th style={{ width: "13%" }}>To</th>
            <th style={{ width: "16%" }}>Address</th>
            <th>Subject</th>
            <th style={{ width: 100 }}>Status</th>
            <th className="num" style={{ width: 80 }}>
              Tries
            </th>
            <th style={{ width: 150 }}>Next try</th>
            <th style={{ width: "18%" }}>Why</th>
            <th style={{ width: 150 }}>Sent</th>
            {actions && <th style={{ width: 190 }} aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => {
            const why = m.last_error ?? m.skip_reason;
            return (
              <tr key={m.id} data-testid="outbox-row" data-status={m.status}>
                <td>
                  <RecordLink href={recordHref(m.entity, m.entity_id)}>{m.to_name}</RecordLink>
                </td>
                <td>{m.to_address ?? dash}</td>
                <td title={m.subject}>{m.subject}</td>
                <td>
                  <StatusBadge status={m.status === "sent" ? "outbox-sent" : m.status} label={OUTBOX_STATUSES[m.status]} testId="outbox-status" />
                </td>
                <td className="num">{formatNumber(m.attempts)}</td>
                <td>{m.status === "queued" ? (m.next_attempt_at ? formatDateTime(m.next_attempt_at) : "Next send") : dash}</td>
                <td className="wrap" title={why ?? undefined}>
                  {why ? (
                    <span className={m.last_error ? "mk-error-text" : "mk-reason"} data-testid="outbox-why">
                      {why}
                    </span>
                  ) : (
                    dash
                  )}
                </td>
                <td>{m.sent_at ? formatDateTime(m.sent_at) : dash}</td>
                {actions && (
                  <td className="actions">
                    {onRetry && (m.status === "failed" || m.status === "unsure") && (
                      <button
                        className="btn small"
                        disabled={busy}
                        onClick={() => onRetry(m)}
                        aria-label={`${m.status === "unsure" ? "Send again" : "Retry"} the message to ${m.to_name}`}
                        title={m.status === "unsure" ? "It may have reached them already" : undefined}
                        data-testid="outbox-retry-one"
                      >
                        {m.status === "unsure" ? "Send again…" : "Retry"}
                      </button>
                    )}
                    {onCancel && (m.status === "queued" || m.status === "failed" || m.status === "unsure") && (
                      <button
                        className="btn small ghost danger"
                        disabled={busy}
                        onClick={() => onCancel(m)}
                        aria-label={`Cancel the message to ${m.to_name}`}
                        data-testid="outbox-cancel"
                      >
                        Cancel
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
