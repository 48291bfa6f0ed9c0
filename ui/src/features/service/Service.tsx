// The service parts of account and contact pages: their tickets and service agreements.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { api, ApiError, type Agreement, type AgreementInput, type Occurrence, type TicketQuery } from "../../lib/api";
import { formatDate, formatDateTime } from "../../lib/format";
import { invalidateActivities } from "../../lib/invalidate";
import { RRULE_PRESETS, TICKET_STATUS_LABELS, slaSummary, todayIso } from "./tickets";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner } from "../../components/PageHead";
import { OwnerSelect } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import "../../styles/tickets.css";
import { qk } from "../../lib/queryKeys";

/** A small table of tickets (every queue), newest activity first. */
function TicketsTable({ filter, empty, testId }: { filter: Partial<TicketQuery>; empty: string; testId: string }) {
  const [, navigate] = useLocation();
  const tickets = useQuery({
    queryKey: qk.tickets.of(filter),
    queryFn: () => api.tickets.list({ ...filter, queue: "all", sort: "updated_at", direction: "desc", limit: 50 }),
  });
  const rows = tickets.data?.items ?? [];
  if (tickets.error) return <ErrorBanner error={tickets.error} />;
  if (tickets.data && rows.length === 0) return <span className="muted">{empty}</span>;
  return (
    <table className="list" data-testid={testId}>
      <tbody>
        {rows.map((t) => {
          const sla = slaSummary(t.sla);
          const open = () => navigate(`/tickets/${t.id}`);
          return (
            <tr key={t.id} tabIndex={0} data-testid={`ticket-row-${t.number}`} onClick={open} onKeyDown={(e) => e.key === "Enter" && open()}>
              <td style={{ width: 64 }}>
                <span className="ticket-number">#{t.number}</span>
              </td>
              <td>{t.subject}</td>
              <td style={{ width: 92 }}>
                <span className={`badge prio-${t.priority}`}>{t.priority.charAt(0).toUpperCase() + t.priority.slice(1)}</span>
              </td>
              <td style={{ width: 170 }}>
                <span className={`badge tstatus-${t.status}`}>{TICKET_STATUS_LABELS[t.status]}</span>
              </td>
              <td style={{ width: 130 }}>
                <span className={`sla sla-${sla.tone}`}>{sla.text}</span>
              </td>
              <td style={{ width: 120 }} className="muted">
                {formatDate(t.created_at)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The account page's Service card: its tickets and its service agreements. */
export function AccountService({ accountId, accountName }: { accountId: string; accountName: string }) {
  return (
    <section className="card wide" data-testid="account-service">
      <div className="card-head">
        <h2>Service</h2>
        <span className="spacer" />
        <Link className="btn small" href={`/tickets/new?account=${accountId}`} data-testid="new-ticket-here">
          + New ticket
        </Link>
      </div>
      <TicketsTable filter={{ account_id: accountId }} empty={`No tickets from ${accountName} yet.`} testId="account-tickets" />
      <Agreements accountId={accountId} accountName={accountName} />
    </section>
  );
}

/** The contact page's tickets. */
export function ContactTickets({ contactId, accountId, name }: { contactId: string; accountId: string | null; name: string }) {
  const href = `/tickets/new?contact=${contactId}${accountId ? `&account=${accountId}` : ""}`;
  return (
    <section className="card wide" data-testid="contact-tickets">
      <div className="card-head">
        <h2>Tickets</h2>
        <span className="spacer" />
        <Link className="btn small" href={href} data-testid="new-ticket-here">
          + New ticket
        </Link>
      </div>
      <TicketsTable filter={{ contact_id: contactId }} empty={`No tickets from ${name} yet.`} testId="contact-ticket-list" />
    </section>
  );
}

const CUSTOM = "\u0000custom";

function emptyAgreement(accountId: string): AgreementInput {
  return {
    account_id: accountId,
    name: "",
    description: null,
    rrule: RRULE_PRESETS[0]?.rrule ?? "",
    starts_on: todayIso(),
    ends_on: null,
    owner_id: null,
  };
}

/** An account's service agreements, their delivery logs, and a form to add one. */
function Agreements({ accountId, accountName }: { accountId: string; accountName: string }) {
  const agreements = useQuery({ queryKey: qk.agreements.of(accountId), queryFn: () => api.agreements.list(accountId) });
  const [adding, setAdding] = useState(false);
  return (
    <div data-testid="account-agreements">
      <div className="card-head service-sub">
        <h3 className="service-sub" style={{ margin: 0 }}>
          Service agreements
        </h3>
        <span className="spacer" />
        {!adding && (
          <button className="btn small" onClick={() => setAdding(true)} data-testid="add-agreement">
            + Add agreement
          </button>
        )}
      </div>
      <ErrorBanner error={agreements.error} />
      {agreements.data?.length === 0 && !adding && (
        <span className="muted">No agreements with {accountName}: promise a monthly report or a quarterly visit here.</span>
      )}
      <ul className="agreements">
        {agreements.data?.map((a) => (
          <AgreementItem key={a.id} agreement={a} />
        ))}
      </ul>
      {adding && <AgreementForm accountId={accountId} onDone={() => setAdding(false)} />}
    </div>
  );
}

export function AgreementForm({ accountId, onDone }: { accountId: string; onDone: () => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [input, setInput] = useState<AgreementInput>(() => emptyAgreement(accountId));
  const [custom, setCustom] = useState(false);
  const set = <K extends keyof AgreementInput>(key: K, value: AgreementInput[K]) => setInput((p) => ({ ...p, [key]: value }));
  const save = useMutation({
    mutationFn: () =>
      api.agreements.create({
        ...input,
        name: input.name.trim(),
        rrule: input.rrule.trim(),
        description: input.description?.trim() || null,
        starts_on: input.starts_on || null,
        ends_on: input.ends_on || null,
      }),
    onSuccess: async (a) => {
      await client.invalidateQueries({ queryKey: qk.agreements.all });
      await invalidateActivities(client);
      notify(`Added the agreement ${a.name}`);
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const preset = custom ? CUSTOM : (RRULE_PRESETS.find((p) => p.rrule === input.rrule)?.rrule ?? CUSTOM);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="agreement-form form" onSubmit={submit} noValidate data-testid="agreement-form">
      {err && err.code !== "validation" && <ErrorBanner error={err} />}
      <div className="grid-2">
        <TextField
          label="Name"
          name="agreement.name"
          autoFocus
          placeholder="e.g. Monthly statement by e-mail"
          data-testid="agreement-name"
          value={input.name}
          error={err?.field("name")}
          onChange={(v) => set("name", v)}
        />
        <Field label="Schedule" error={err?.field("rrule")}>
          {(a11y) => (
            <div className="money-row">
              <select
                {...a11y}
                className="input"
                name="agreement.preset"
                data-testid="agreement-preset"
                value={preset}
                onChange={(e) => {
                  if (e.target.value === CUSTOM) {
                    setCustom(true);
                  } else {
                    setCustom(false);
                    set("rrule", e.target.value);
                  }
                }}
              >
                {RRULE_PRESETS.map((p) => (
                  <option key={p.rrule} value={p.rrule}>
                    {p.label}
                  </option>
                ))}
                <option value={CUSTOM}>Custom rule…</option>
              </select>
              {preset === CUSTOM && (
                <input
                  className="input"
                  name="agreement.rrule"
                  aria-label="Custom rule (RFC 5545)"
                  placeholder="FREQ=MONTHLY;BYMONTHDAY=15"
                  data-testid="agreement-rrule"
                  value={input.rrule}
                  onChange={(e) => set("rrule", e.target.value)}
                />
              )}
            </div>
          )}
        </Field>
        <TextField
          label="Starts on"
          name="agreement.starts_on"
          type="date"
          data-testid="agreement-starts"
          value={input.starts_on}
          error={err?.field("starts_on")}
          onChange={(v) => set("starts_on", v || null)}
        />
        <TextField
          label="Ends on (optional)"
          name="agreement.ends_on"
          type="date"
          data-testid="agreement-ends"
          value={input.ends_on}
          error={err?.field("ends_on")}
          onChange={(v) => set("ends_on", v || null)}
        />
        <OwnerSelect value={input.owner_id} error={err?.field("owner_id")} onChange={(v) => set("owner_id", v)} />
        <TextField
          label="Description"
          name="agreement.description"
          data-testid="agreement-description"
          value={input.description}
          error={err?.field("description")}
          onChange={(v) => set("description", v || null)}
        />
      </div>
      {err?.field("account_id") && <div className="field-error">{err.field("account_id")}</div>}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending} data-testid="agreement-save">
          Add agreement
        </button>
      </div>
    </form>
  );
}

const LOG_SHOWN = 5;

function AgreementItem({ agreement: a }: { agreement: Agreement }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [all, setAll] = useState(false);
  const [removing, setRemoving] = useState(false);
  const log = useQuery({ queryKey: qk.agreements.occurrences(a.id), queryFn: () => api.agreements.occurrences(a.id) });
  const remove = useMutation({
    mutationFn: () => api.agreements.remove(a.id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.agreements.all });
      await invalidateActivities(client);
      notify(`Deleted the agreement ${a.name}`);
      setRemoving(false);
    },
  });
  const occurrences = log.data ?? [];
  const shown = all ? occurrences : occurrences.slice(0, LOG_SHOWN);
  return (
    <li className="agreement" data-testid="agreement">
      <div className="agreement-head">
        <strong data-testid="agreement-title">{a.name}</strong>
        <span className="badge subtle" title={a.rrule} data-testid="agreement-schedule">
          ↻ {a.schedule}
        </span>
        {a.open > 0 && <span className="badge occ-due">{a.open} due</span>}
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn ghost small" onClick={() => setRemoving(true)} data-testid="agreement-delete">
          Delete
        </button>
      </div>
      <div className="agreement-meta">
        {a.next_due ? <>Next due {formatDate(a.next_due)}</> : "No further dates"} · {a.delivered} delivered · {a.skipped} skipped · from{" "}
        {formatDate(a.starts_on)}
        {a.ends_on ? ` to ${formatDate(a.ends_on)}` : ""}
        {a.owner_name ? ` · ${a.owner_name}` : ""}
      </div>
      {a.description && <div className="agreement-meta">{a.description}</div>}
      <ErrorBanner error={log.error ?? remove.error} />
      {occurrences.length > 0 && (
        <ul className="occurrences" data-testid="agreement-log" aria-label={`Delivery log of ${a.name}`}>
          {shown.map((o) => (
            <OccurrenceRow key={o.id} occurrence={o} />
          ))}
        </ul>
      )}
      {occurrences.length > LOG_SHOWN && (
        <button className="linklike small" onClick={() => setAll((x) => !x)}>
          {all ? "Show fewer" : `Show all ${occurrences.length}`}
        </button>
      )}
      {removing && (
        <ConfirmDialog
          title={`Delete the agreement ${a.name}?`}
          confirmLabel="Delete agreement"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setRemoving(false)}
          onConfirm={() => remove.mutate()}
        >
          Its delivery log goes too. The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </li>
  );
}

const OCC_LABELS = { due: "Due", delivered: "Delivered", skipped: "Skipped" } as const;

function OccurrenceRow({ occurrence: o }: { occurrence: Occurrence }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [skipping, setSkipping] = useState(false);
  const [note, setNote] = useState("");
  const settle = useMutation({
    mutationFn: (v: { status: "delivered" | "skipped"; note: string | null }) => api.agreements.settle(o.id, v.status, v.note),
    onSuccess: async (done) => {
      await client.invalidateQueries({ queryKey: qk.agreements.all });
      await invalidateActivities(client);
      notify(`${done.status === "delivered" ? "Delivered" : "Skipped"}: ${o.agreement_name}, ${formatDate(o.due_on)}`);
      setSkipping(false);
    },
  });
  const err = settle.error instanceof ApiError ? settle.error : undefined;
  return (
    <li data-testid="occurrence" data-status={o.status}>
      <span style={{ minWidth: 110 }}>{formatDate(o.due_on)}</span>
      <span className={`badge occ-${o.status}`}>{OCC_LABELS[o.status]}</span>
      {o.settled_at && <span className="muted small">{formatDateTime(o.settled_at)}</span>}
      {o.note && <span className="muted">“{o.note}”</span>}
      <span style={{ flex: 1 }} />
      {o.status === "due" && !skipping && (
        <>
          <button
            className="btn small primary"
            disabled={settle.isPending}
            data-testid="occurrence-deliver"
            onClick={() => settle.mutate({ status: "delivered", note: null })}
          >
            Deliver
          </button>
          <button className="btn small" disabled={settle.isPending} data-testid="occurrence-skip" onClick={() => setSkipping(true)}>
            Skip…
          </button>
        </>
      )}
      {skipping && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim()) settle.mutate({ status: "skipped", note: note.trim() });
          }}
        >
          <input
            className="input"
            autoFocus
            placeholder="Why is it skipped?"
            aria-label="Why is it skipped?"
            data-testid="occurrence-skip-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setSkipping(false)}
          />
          <button type="submit" className="btn small" disabled={!note.trim() || settle.isPending} data-testid="occurrence-skip-confirm">
            Skip
          </button>
          <button type="button" className="btn ghost small" onClick={() => setSkipping(false)}>
            Cancel
          </button>
        </form>
      )}
      {err && <span className="field-error">{err.field("note") ?? err.message}</span>}
    </li>
  );
}
