// Settings → E-mail: the SMTP server Rapport sends through, and its password (kept in the
// system keyring, never in the data file).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useLocation, useSearchParams } from "wouter";

import { api, ApiError, type SmtpSecurity, type SmtpSettings as Settings, type SmtpStatus } from "../../lib/api";
import { problemText } from "./marketing";
import { Field, TextField } from "../../components/Field";
import { Problem } from "./MarketingPage";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";


/** The usual port of each kind of connection. */
const PORTS: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

/** The settings as the backend takes them: text trimmed, the port a whole number. */
export function smtpPayload(s: Omit<Settings, "port"> & { port: string | number }): Settings {
  return {
    host: s.host.trim(),
    port: Math.trunc(Number(s.port)) || 0,
    security: s.security,
    username: s.username.trim(),
    from_address: s.from_address.trim(),
    from_name: s.from_name.trim(),
    reply_to: s.reply_to.trim(),
  };
}

export function SmtpSettings() {
  const status = useQuery({ queryKey: qk.marketing.smtp, queryFn: api.marketing.smtp.status });
  const ref = useRef<HTMLElement>(null);
  const [params] = useSearchParams();
  const [location, navigate] = useLocation();
  const wanted = params.get("section") === "email";
  const loaded = Boolean(status.data);
  useEffect(() => {
    // Opened from "set up your SMTP server": bring this section into view, once (the trailing
    // "?" clears the address's query, so coming back later does not scroll again).
    if (!wanted || !loaded) return;
    ref.current?.scrollIntoView?.({ block: "start" });
    navigate(`${location}?`, { replace: true });
  }, [wanted, loaded, location, navigate]);
  return (
    <section className="form-section form" data-testid="settings-email" ref={ref}>
      <h2>E-mail</h2>
      <p className="muted">
        The SMTP server promotions and sequences send through (your provider's or your company's). Until it is set up, messages wait in
        the Marketing outbox.
      </p>
      <Problem error={status.error} />
      {status.data ? (
        <>
          {status.data.keyring_problem && (
            <div className="banner warn" role="status" data-testid="smtp-keyring-problem">
              The system keyring cannot be used here: {status.data.keyring_problem}
            </div>
          )}
          <SmtpForm key={JSON.stringify(status.data.settings)} initial={status.data.settings} />
          <PasswordRow status={status.data} prefix="smtp" queryKey={qk.marketing.smtp} store={api.marketing.smtp.setPassword} />
        </>
      ) : (
        !status.error && <span className="muted">Loading…</span>
      )}
    </section>
  );
}

function SmtpForm({ initial }: { initial: Settings }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [s, setS] = useState({ ...initial, port: initial.port ? String(initial.port) : String(PORTS[initial.security]) });
  const set = <K extends keyof typeof s>(key: K, value: (typeof s)[K]) => setS((x) => ({ ...x, [key]: value }));
  const save = useMutation({
    mutationFn: () => api.marketing.smtp.save(smtpPayload(s)),
    onSuccess: (saved: SmtpStatus) => {
      client.setQueryData(qk.marketing.smtp, saved);
      notify(saved.settings.host ? `Saved: e-mail goes out through ${saved.settings.host}` : "Saved: sending is switched off");
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="smtp-form">
      {err && err.code !== "validation" && <Problem error={err} />}
      <div className="grid-2">
        <ServerFields prefix="smtp" label="SMTP server" ports={PORTS} order={["starttls", "tls", "none"]} value={s} onChange={setS} error={fe} />
        <TextField
          label="User name (blank when the server needs no login)"
          name="smtp.username"
          autoComplete="off"
          data-testid="smtp-username"
          value={s.username}
          error={fe("username")}
          onChange={(v) => set("username", v)}
        />
        <TextField
          label="From address"
          name="smtp.from_address"
          type="email"
          placeholder="news@example.com"
          data-testid="smtp-from-address"
          value={s.from_address}
          error={fe("from_address")}
          onChange={(v) => set("from_address", v)}
        />
        <TextField
          label="From name"
          name="smtp.from_name"
          placeholder="Your company"
          data-testid="smtp-from-name"
          value={s.from_name}
          error={fe("from_name")}
          onChange={(v) => set("from_name", v)}
        />
        <TextField
          label="Replies to (blank: the from address)"
          name="smtp.reply_to"
          type="email"
          data-testid="smtp-reply-to"
          value={s.reply_to}
          error={fe("reply_to")}
          onChange={(v) => set("reply_to", v)}
        />
      </div>
      {s.security === "none" && s.host.trim() && !/^(localhost|127\.|::1)/.test(s.host.trim()) && (
        <div className="banner warn" role="status">
          Without TLS, the password and every message cross the network readable by anyone on the way. Use it only for a server on this
          machine or a network you trust.
        </div>
      )}
      <div style={{ marginBottom: 16 }}>
        <button type="submit" className="btn primary" disabled={save.isPending} data-testid="smtp-save">
          {save.isPending ? "Saving…" : "Save e-mail settings"}
        </button>
      </div>
    </form>
  );
}

type Server = { host: string; security: SmtpSecurity; port: string };

/** A mail server's name, kind of connection and port (the usual one following the connection,
 * unless a special one was typed); `prefix` names the fields (`smtp.host`, `mailbox-port`). */
export function ServerFields<S extends Server>({
  prefix,
  label,
  ports,
  order,
  value: s,
  onChange,
  error,
}: {
  prefix: string;
  label: string;
  ports: Record<SmtpSecurity, number>;
  order: SmtpSecurity[];
  value: S;
  onChange: (update: (s: S) => S) => void;
  error: (field: string) => string | undefined;
}) {
  const names: Record<SmtpSecurity, string> = { starttls: "STARTTLS", tls: "TLS", none: "None" };
  const changeSecurity = (security: SmtpSecurity) =>
    onChange((x) => ({
      ...x,
      security,
      port: Object.values(ports).map(String).includes(x.port) || !x.port ? String(ports[security]) : x.port,
    }));
  return (
    <>
      <TextField
        label={label}
        name={`${prefix}.host`}
        placeholder={`${prefix === "smtp" ? "smtp" : "imap"}.example.com`}
        data-testid={`${prefix}-host`}
        value={s.host}
        error={error("host")}
        onChange={(v) => onChange((x) => ({ ...x, host: v }))}
      />
      <div className="grid-2">
        <Field label="Connection" error={error("security")}>
          {(a11y) => (
            <select {...a11y} className="input" data-testid={`${prefix}-security`} value={s.security} onChange={(e) => changeSecurity(e.target.value as SmtpSecurity)}>
              {order.map((k) => (
                <option key={k} value={k}>
                  {k === "none" ? names[k] : `${names[k]} (${ports[k]})`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Port"
          name={`${prefix}.port`}
          type="number"
          min={1}
          max={65535}
          data-testid={`${prefix}-port`}
          value={s.port}
          error={error("port")}
          onChange={(v) => onChange((x) => ({ ...x, port: v }))}
        />
      </div>
    </>
  );
}

/** A server's password: stored in the system keyring, replaced or removed; `prefix` names its
 * test ids (`smtp-password`, `mailbox-password`). */
export function PasswordRow<S extends { has_password: boolean }>({
  status,
  prefix,
  queryKey,
  store: save,
}: {
  status: S;
  prefix: string;
  queryKey: readonly string[];
  store: (password: string) => Promise<S>;
}) {
  const client = useQueryClient();
  const notify = useNotify();
  const [password, setPassword] = useState("");
  const store = useMutation({
    mutationFn: (value: string) => save(value),
    onSuccess: (saved, value) => {
      client.setQueryData(queryKey, saved);
      setPassword("");
      notify(value ? "Stored the password in the system keyring" : "Removed the password from the system keyring");
    },
    onError: (e) => notify(problemText(e), "error"),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password && !store.isPending) store.mutate(password);
  };
  return (
    <form onSubmit={submit} noValidate data-testid={`${prefix}-password-form`}>
      <div className="mk-stored">
        {status.has_password ? (
          <>
            <span className="badge mk-outbox-sent" data-testid={`${prefix}-has-password`}>
              A password is stored
            </span>
            <button type="button" className="linklike small" onClick={() => store.mutate("")} disabled={store.isPending} data-testid={`${prefix}-password-remove`}>
              Remove it
            </button>
          </>
        ) : (
          <span className="badge subtle" data-testid={`${prefix}-no-password`}>
            No password stored
          </span>
        )}
      </div>
      <div className="mk-password">
        <TextField
          label={status.has_password ? "New password" : "Password"}
          name={`${prefix}.password`}
          type="password"
          autoComplete="new-password"
          data-testid={`${prefix}-password`}
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="btn" disabled={!password || store.isPending} data-testid={`${prefix}-password-save`}>
          {store.isPending ? "Storing…" : "Store password"}
        </button>
      </div>
      <p className="muted small" style={{ marginTop: 0 }}>
        Kept in your system keyring, never in the Rapport file or its backups.
      </p>
    </form>
  );
}
