import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { MarketingPage, Problem } from "./MarketingPage";
import { OutboxTable } from "./OutboxTable";
import { useNotify } from "../../components/Toasts";
import { api, type OutboxCounts, type OutboxMessage, type OutboxStatus } from "../../lib/api";
import { formatNumber } from "../../lib/format";
import { OUTBOX_STATUSES, countOf, isRunning, problemText, workReportText } from "./marketing";
import { qk } from "../../lib/queryKeys";

const STATES: OutboxStatus[] = ["queued", "sending", "sent", "failed", "unsure", "skipped", "cancelled"];
/** States shown in the counts only when some message is in them. */
const RARE = new Set<OutboxStatus>(["sending", "unsure"]);

/** Every e-mail Rapport sends: what waits, what went, what failed and why. */
export function Outbox() {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const [status, setStatus] = useState<OutboxStatus | "">("");
  const counts = useQuery({
    queryKey: qk.marketing.outbox.counts,
    queryFn: api.marketing.outbox.counts,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data && isRunning(q.state.data) ? 5000 : false),
  });
  const running = counts.data ? isRunning(counts.data) : false;
  const messages = useQuery({
    queryKey: qk.marketing.outbox.list(status),
    queryFn: () => api.marketing.outbox.list({ status: status || null }),
    staleTime: 0,
    refetchInterval: running ? 5000 : false,
  });
  const smtp = useQuery({ queryKey: qk.marketing.smtp, queryFn: api.marketing.smtp.status });
  // Why the background sender could not run last time (keyring, password, busy file).
  const problem = useQuery({ queryKey: qk.marketing.outbox.problem, queryFn: api.marketing.outbox.problem, staleTime: 0 });
  const notSetUp = smtp.data ? !smtp.data.settings.host.trim() : false;
  const refresh = () => client.invalidateQueries({ queryKey: qk.marketing.all });

  const sendNow = useMutation({
    mutationFn: api.marketing.outbox.sendNow,
    onSuccess: async (report) => {
      await refresh();
      const { text, notSetUp: missing } = workReportText(report);
      if (missing) {
        notify(text, "info", { label: "Set up e-mail", run: () => navigate("/settings?section=email"), testId: "toast-smtp-settings" });
      } else {
        notify(text, report.sent && report.sent.failed > 0 ? "error" : "info");
      }
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  const retry = useMutation({
    mutationFn: () => api.marketing.outbox.retry([]),
    onSuccess: async (n) => {
      await refresh();
      notify(n === 0 ? "No failed messages to retry" : `${countOf(n, ["failed message", "failed messages"])} back in the queue`);
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api.marketing.outbox.cancel([id]),
    onSuccess: async () => {
      await refresh();
      notify("Cancelled the message");
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  // A message that may have gone already is sent again only once the user confirms.
  const [sendAgain, setSendAgain] = useState<OutboxMessage | null>(null);
  const retryOne = useMutation({
    mutationFn: (m: OutboxMessage) => api.marketing.outbox.retry([m.id]),
    onSuccess: async (_n, m) => {
      await refresh();
      notify(`The message to ${m.to_name} is back in the queue`);
    },
    onError: (e) => notify(problemText(e), "error"),
    onSettled: () => setSendAgain(null),
  });

  const c = counts.data;
  const filterLabel = status ? OUTBOX_STATUSES[status].toLowerCase() : "";
  return (
    <MarketingPage
      title="Outbox"
      sub={c ? `${formatNumber(c.queued)} waiting · ${formatNumber(c.sent)} sent · ${formatNumber(c.failed)} failed` : " "}
      testId="outbox-screen"
      actions={
        <>
          <button
            className="btn"
            onClick={() => retry.mutate()}
            disabled={retry.isPending || (c !== undefined && c.failed === 0)}
            title="Failed messages go back in the queue (not those that may have gone already)"
            data-testid="outbox-retry"
          >
            {retry.isPending ? "Retrying…" : "Retry failed"}
          </button>
          <button className="btn primary" onClick={() => sendNow.mutate()} disabled={sendNow.isPending} data-testid="outbox-send-now">
            {sendNow.isPending ? "Sending…" : "Send now"}
          </button>
        </>
      }
    >
      {notSetUp && (
        <div className="banner warn" role="status" data-testid="outbox-smtp-banner">
          Sending is not set up: messages wait here until you{" "}
          <Link href="/settings?section=email" data-testid="outbox-smtp-link">
            set up your SMTP server in Settings → E-mail
          </Link>
          .
        </div>
      )}
      {!notSetUp && problem.data && (
        <div className="banner warn" role="status" data-testid="outbox-problem">
          The last sending round could not run: {problem.data}
        </div>
      )}
      <Problem error={counts.error ?? smtp.error} />
      {c && <CountsStrip counts={c} active={status} onPick={(s) => setStatus((cur) => (cur === s ? "" : s))} />}
      <div className="filter-bar" style={{ padding: "0 0 12px" }}>
        <select
          className="input"
          aria-label="Show messages that are"
          data-testid="outbox-status-filter"
          value={status}
          onChange={(e) => setStatus(e.target.value as OutboxStatus | "")}
        >
          <option value="">Every status</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {OUTBOX_STATUSES[s]}
            </option>
          ))}
        </select>
        {messages.data && (
          <span className="muted">
            {countOf(messages.data.length, ["message", "messages"])}
            {messages.data.length >= 500 ? " (the newest 500)" : ""}
          </span>
        )}
      </div>
      <Problem error={messages.error} />
      {!messages.data && !messages.error && <p className="muted">Loading…</p>}
      {messages.data && (
        <OutboxTable
          messages={messages.data}
          empty={
            status
              ? `No ${filterLabel} messages.`
              : "The outbox is empty. Queue a promotion, or start a sequence: their e-mails wait here until they are sent."
          }
          onCancel={(m) => cancel.mutate(m.id)}
          onRetry={(m) => (m.status === "unsure" ? setSendAgain(m) : retryOne.mutate(m))}
          busy={cancel.isPending || retryOne.isPending}
        />
      )}
      {sendAgain && (
        <ConfirmDialog
          title={`Send again to ${sendAgain.to_name}?`}
          confirmLabel="Send again"
          busy={retryOne.isPending}
          onCancel={() => setSendAgain(null)}
          onConfirm={() => retryOne.mutate(sendAgain)}
        >
          Rapport stopped while handing “{sendAgain.subject}” to the server, so it may have reached them already. Check your sent mail
          first: sending again could give them a second copy.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}

function CountsStrip({ counts, active, onPick }: { counts: OutboxCounts; active: OutboxStatus | ""; onPick: (s: OutboxStatus) => void }) {
  return (
    <div className="mk-counts" data-testid="outbox-counts">
      {STATES.filter((s) => !RARE.has(s) || counts[s] > 0).map((s) => (
        <button
          key={s}
          type="button"
          className={`mk-count ${s}`}
          aria-pressed={active === s}
          title={`Show only ${OUTBOX_STATUSES[s].toLowerCase()} messages`}
          onClick={() => onPick(s)}
          data-testid={`outbox-count-${s}`}
        >
          <strong>{formatNumber(counts[s])}</strong>
          <span>{OUTBOX_STATUSES[s].toLowerCase()}</span>
        </button>
      ))}
    </div>
  );
}
