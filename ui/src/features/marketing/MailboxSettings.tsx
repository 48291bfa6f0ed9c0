// Settings → E-mail, reading: the mailbox (IMAP) Rapport reads replies and customer mail from,
// its password (kept in the system keyring), a connection test, a sync now, and how far each
// folder was read.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import {
  api,
  ApiError,
  type MailboxSettings as Settings,
  type MailboxStatus,
  type MailboxTest,
  type SmtpSecurity,
  type SyncReport,
  type UnmatchedAction,
} from "../../lib/api";
import { TextField } from "../../components/Field";
import { Problem } from "./MarketingPage";
import { PasswordRow, ServerFields } from "./SmtpSettings";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";
import { problemText } from "./marketing";
import { formatDateTime } from "../../lib/format";

/** The usual port of each kind of connection. */
const PORTS: Record<SmtpSecurity, number> = { tls: 993, starttls: 143, none: 143 };

/** The settings as the backend takes them: text trimmed, folders split at commas. */
export function mailboxPayload(s: Omit<Settings, "port" | "folders"> & { port: string | number; folders: string }): Settings {
  return {
    host: s.host.trim(),
    port: Math.trunc(Number(s.port)) || 0,
    security: s.security,
    username: s.username.trim(),
    folders: s.folders
      .split(",")
      .map((f) => f.trim())
      .filter(Boolean),
    support_address: s.support_address.trim(),
    capture_address: s.capture_address.trim(),
  };
}

/** One line for a sync: what was read and kept, or what went wrong. */
export function syncSummary(r: SyncReport): string {
  const seen = r.folders.reduce((n, f) => n + f.seen, 0);
  const problems = r.folders.flatMap((f) => f.problems.map((p) => `${f.folder}: ${p}`));
  const kept = r.stored === 1 ? "1 message kept" : `${r.stored} messages kept`;
  const read = seen === 1 ? "1 new message read" : `${seen} new messages read`;
  return problems.length ? `${read}, ${kept}. Not finished: ${problems.join("; ")}` : `${read}, ${kept}.`;
}

export function MailboxSettings() {
  const status = useQuery({ queryKey: qk.mailbox.status, queryFn: api.mailbox.status });
  const problem = useQuery({ queryKey: qk.mailbox.problem, queryFn: api.mailbox.problem, refetchInterval: 60_000 });
  return (
    <section className="form-section form" data-testid="settings-mailbox">
      <h2>Mailbox</h2>
      <p className="muted">
        The mailbox Rapport reads (IMAP), so customers' replies and mail land on their timelines. Only messages from or to your contacts,
        leads and companies (or to the support and lead-capture addresses) are kept in Rapport; everything else stays on the server and is
        never stored. Rapport only reads: it never deletes, moves or marks your mail. Gmail and Microsoft 365 need an app password.
      </p>
      <Problem error={status.error} />
      {status.data ? (
        <>
          {status.data.keyring_problem && (
            <div className="banner warn" role="status" data-testid="mailbox-keyring-problem">
              The system keyring cannot be used here: {status.data.keyring_problem}
            </div>
          )}
          <MailboxForm key={JSON.stringify(status.data.settings)} initial={status.data.settings} />
          <PasswordRow status={status.data} prefix="mailbox" queryKey={qk.mailbox.status} store={api.mailbox.setPassword} />
          {status.data.settings.host && <SyncPanel status={status.data} problem={problem.data ?? null} />}
          {status.data.settings.host && <UnmatchedReplies />}
        </>
      ) : (
        !status.error && <span className="muted">Loading…</span>
      )}
    </section>
  );
}

function MailboxForm({ initial }: { initial: Settings }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [s, setS] = useState({
    ...initial,
    port: initial.port ? String(initial.port) : String(PORTS[initial.security]),
    folders: initial.folders.join(", "),
  });
  const set = <K extends keyof typeof s>(key: K, value: (typeof s)[K]) => setS((x) => ({ ...x, [key]: value }));
  const save = useMutation({
    mutationFn: () => api.mailbox.save(mailboxPayload(s)),
    onSuccess: (saved: MailboxStatus) => {
      client.setQueryData(qk.mailbox.status, saved);
      notify(`Saved: Rapport reads ${saved.settings.username} at ${saved.settings.host}`);
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="mailbox-form">
      {err && err.code !== "validation" && <Problem error={err} />}
      <div className="grid-2">
        <ServerFields prefix="mailbox" label="IMAP server" ports={PORTS} order={["tls", "starttls", "none"]} value={s} onChange={setS} error={fe} />
        <TextField
          label="User name"
          name="mailbox.username"
          autoComplete="off"
          placeholder="you@example.com"
          data-testid="mailbox-username"
          value={s.username}
          error={fe("username")}
          onChange={(v) => set("username", v)}
        />
        <TextField
          label="Folders to read (blank: the inbox and Sent)"
          name="mailbox.folders"
          placeholder="INBOX, Sent"
          data-testid="mailbox-folders"
          value={s.folders}
          error={fe("folders")}
          onChange={(v) => set("folders", v)}
        />
        <TextField
          label="Support address (mail to it opens a ticket; optional)"
          name="mailbox.support_address"
          type="email"
          placeholder="support@example.com"
          data-testid="mailbox-support"
          value={s.support_address}
          error={fe("support_address")}
          onChange={(v) => set("support_address", v)}
        />
        <TextField
          label="Lead-capture address (mail to it becomes a lead; optional)"
          name="mailbox.capture_address"
          type="email"
          placeholder="hello@example.com"
          data-testid="mailbox-capture"
          value={s.capture_address}
          error={fe("capture_address")}
          onChange={(v) => set("capture_address", v)}
        />
      </div>
      <div style={{ marginBottom: 16 }}>
        <button type="submit" className="btn primary" disabled={save.isPending} data-testid="mailbox-save">
          {save.isPending ? "Saving…" : "Save mailbox settings"}
        </button>
      </div>
    </form>
  );
}

function SyncPanel({ status, problem }: { status: MailboxStatus; problem: string | null }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [tested, setTested] = useState<MailboxTest | null>(null);
  const test = useMutation({
    mutationFn: api.mailbox.test,
    onSuccess: setTested,
    onError: (e) => notify(problemText(e), "error"),
  });
  const sync = useMutation({
    mutationFn: api.mailbox.syncNow,
    onSuccess: (report) => {
      notify(syncSummary(report), report.complete ? "info" : "error");
      void client.invalidateQueries({ queryKey: qk.mailbox.all });
      // Kept mail is on timelines and in activity lists.
      void client.invalidateQueries({ queryKey: qk.activities.all });
    },
    onError: (e) => {
      notify(problemText(e), "error");
      void client.invalidateQueries({ queryKey: qk.mailbox.all });
    },
  });
  return (
    <div data-testid="mailbox-sync">
      <div className="row-actions" style={{ marginBottom: 12 }}>
        <button type="button" className="btn" onClick={() => test.mutate()} disabled={test.isPending} data-testid="mailbox-test">
          {test.isPending ? "Connecting…" : "Test connection"}
        </button>
        <button type="button" className="btn" onClick={() => sync.mutate()} disabled={sync.isPending} data-testid="mailbox-sync-now">
          {sync.isPending ? "Reading…" : "Read new mail now"}
        </button>
      </div>
      {tested && (
        <div className={`banner ${tested.ok ? "ok" : "warn"}`} role="status" data-testid="mailbox-test-result" data-stage={tested.stage ?? "ok"}>
          {tested.message}
        </div>
      )}
      {problem && !tested && (
        <div className="banner warn" role="status" data-testid="mailbox-problem">
          The last reading did not finish: {problem}
        </div>
      )}
      <p className="muted small" data-testid="mailbox-progress">
        {status.messages === 1 ? "1 message kept" : `${status.messages} messages kept`}
        {status.folders.length > 0 &&
          " · " +
            status.folders
              .map((f) => `${f.name}: ${f.synced_at ? `read ${formatDateTime(f.synced_at)}` : "not read to its end yet"}`)
              .join(" · ")}
        . Rapport reads new mail at start and every five minutes.
      </p>
    </div>
  );
}

const ACTION_DONE: Record<UnmatchedAction, string> = {
  contact: "made a contact",
  lead: "made a lead",
  ignore: "ignored",
};

/** Answers to campaign or sequence mail from addresses Rapport does not know: each can become
 * a contact or a lead (the mail then on their timeline), or be ignored. */
export function UnmatchedReplies() {
  const client = useQueryClient();
  const notify = useNotify();
  const list = useQuery({ queryKey: qk.mailbox.unmatched, queryFn: api.mailbox.unmatched });
  const resolve = useMutation({
    mutationFn: ({ id, action }: { id: string; action: UnmatchedAction; from: string }) => api.mailbox.resolve(id, action),
    onSuccess: (_made, { action, from }) => {
      notify(`Reply from ${from} ${ACTION_DONE[action]}`);
      void client.invalidateQueries({ queryKey: qk.mailbox.all });
      void client.invalidateQueries({ queryKey: qk.activities.all });
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  if (!list.data || list.data.length === 0) return null;
  return (
    <div data-testid="mailbox-unmatched">
      <h3>Unmatched replies</h3>
      <p className="muted small">Answers to your campaigns and sequences from addresses that are not in Rapport yet.</p>
      <ul style={{ listStyle: "none", padding: 0 }}>
        {list.data.map((m) => {
          const from = m.from_name ? `${m.from_name} <${m.from_address}>` : (m.from_address ?? "");
          const act = (action: UnmatchedAction) => resolve.mutate({ id: m.activity_id, action, from: m.from_address ?? "" });
          return (
            <li key={m.activity_id} className="row-actions" data-testid="unmatched-reply">
              <span>
                <strong>{from}</strong> · {m.subject} · <span className="muted">{formatDateTime(m.at)}</span>
              </span>
              <span className="spacer" />
              <button type="button" className="btn small" disabled={resolve.isPending} onClick={() => act("contact")} data-testid="unmatched-contact">
                Create contact
              </button>
              <button type="button" className="btn small" disabled={resolve.isPending} onClick={() => act("lead")} data-testid="unmatched-lead">
                Create lead
              </button>
              <button type="button" className="btn small" disabled={resolve.isPending} onClick={() => act("ignore")} data-testid="unmatched-ignore">
                Ignore
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
