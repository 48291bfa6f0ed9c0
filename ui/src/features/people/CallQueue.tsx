import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, toApiError, type CallInput, type CallResult, type QueueItem } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { inOneHour, OUTCOMES, progressText, tomorrowNine } from "./leads";
import { useKey } from "../../lib/useShortcut";
import { ProgressBar } from "./CallLists";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

const OUTCOME_TEXT: Record<CallResult, string> = {
  no_answer: "No answer",
  call_back: "Callback scheduled",
  not_interested: "Not interested",
  wrong_number: "Wrong number",
  interested: "Promoted to lead",
};

/**
 * The calling screen: one person at a time, as the backend's queue hands them out (due
 * callbacks, then people not called yet in file order, then no-answers). Each outcome is
 * saved at once with Undo; the next person follows. Keys 1–5 record outcomes, S skips.
 */
export function CallQueue({ listId }: { listId: string }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [, navigate] = useLocation();
  const [skip, setSkip] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const list = useQuery({ queryKey: qk.callLists.detail(listId), queryFn: () => api.callLists.get(listId) });
  const queueKey = qk.callLists.queue(listId, skip);
  const queue = useQuery({ queryKey: queueKey, queryFn: () => api.callLists.next(listId, skip), staleTime: 0 });

  const refresh = async () => {
    await client.invalidateQueries({ queryKey: qk.callLists.all });
    await client.invalidateQueries({ queryKey: qk.leads.all });
  };

  const record = async (item: QueueItem, input: CallInput) => {
    if (busy) return;
    setBusy(true);
    try {
      const called = await api.callLists.record(item.entry.id, input);
      const result = input.result ?? "no_answer";
      const name = item.entry.name;
      const undo = {
        label: "Undo",
        run: () => {
          api
            .undo(called.batch_id)
            .then(async () => {
              await refresh();
              notify(`Undone: ${name} is back in the queue`);
            })
            .catch((e: unknown) => notify(toApiError(e).message, "error"));
        },
      };
      if (result === "interested" && called.lead_id) {
        const leadId = called.lead_id;
        notify(`Promoted to lead: ${name}`, "info", [
          { label: "Open lead", testId: "toast-open-lead", run: () => navigate(`/leads/${leadId}`) },
          undo,
        ]);
      } else {
        const when = result === "call_back" && input.callback_at ? ` for ${formatDateTime(input.callback_at)}` : "";
        notify(`${OUTCOME_TEXT[result]}${when}: ${name}`, "info", undo);
      }
      await refresh();
    } catch (e) {
      notify(`Could not save the call to ${item.entry.name}: ${toApiError(e).message}`, "error");
    } finally {
      setBusy(false);
    }
  };

  const item = queue.data;
  const progress = item?.progress ?? list.data?.progress;
  return (
    <>
      <PageHead
        title={list.data ? `Calling: ${list.data.name}` : "Calling"}
        sub={progress ? <span data-testid="queue-progress">{progressText(progress)}</span> : " "}
      >
        <Link className="btn" href={`/calllists/${listId}`}>
          People on the list
        </Link>
        <Link className="btn" href="/calllists">
          ← All call lists
        </Link>
      </PageHead>
      <div className="page-body" data-testid="call-queue">
        <ErrorBanner error={list.error ?? queue.error} />
        {progress && <ProgressBar progress={progress} />}
        {queue.isPending && <div className="muted">Loading…</div>}
        {item === null && progress && (
          <div className="empty" data-testid="queue-done">
            <h2>Everyone on this list has been called</h2>
            <div>{progressText(progress)}</div>
            {skip.length > 0 && (
              <div>
                <p className="muted">
                  You skipped {skip.length} {skip.length === 1 ? "person" : "people"} in this session.
                </p>
                <button className="btn" onClick={() => setSkip([])} data-testid="queue-unskip">
                  Go back to the skipped
                </button>
              </div>
            )}
            <Link className="btn primary" href="/calllists">
              Back to call lists
            </Link>
          </div>
        )}
        {item && (
          <QueuePerson
            key={item.entry.id}
            item={item}
            busy={busy || queue.isFetching}
            onRecord={(input) => void record(item, input)}
            onSkip={() => setSkip((s) => [...s, item.entry.id])}
          />
        )}
      </div>
    </>
  );
}

function QueuePerson({
  item,
  busy,
  onRecord,
  onSkip,
}: {
  item: QueueItem;
  busy: boolean;
  onRecord: (input: CallInput) => void;
  onSkip: () => void;
}) {
  const { entry, history, script } = item;
  const [note, setNote] = useState("");
  const [picking, setPicking] = useState(false);
  const [callbackAt, setCallbackAt] = useState("");
  const [missing, setMissing] = useState(false);
  const noteOrNull = note.trim() || null;

  const outcome = (result: CallResult) => {
    if (busy) return;
    if (result === "call_back") {
      setPicking(true);
      return;
    }
    onRecord({ result, note: noteOrNull, callback_at: null });
  };
  const confirmCallback = () => {
    if (!callbackAt) {
      setMissing(true);
      return;
    }
    if (!busy) onRecord({ result: "call_back", note: noteOrNull, callback_at: callbackAt });
  };
  useKey("1", () => outcome("no_answer"));
  useKey("2", () => outcome("call_back"));
  useKey("3", () => outcome("not_interested"));
  useKey("4", () => outcome("wrong_number"));
  useKey("5", () => outcome("interested"));
  useKey("s", () => !busy && onSkip());

  const facts: [string, React.ReactNode][] = [
    ["E-mail", entry.email ? <a key="mail" href={`mailto:${entry.email}`}>{entry.email}</a> : null],
    ["City", entry.city],
  ];
  return (
    <div className="queue">
      <section className="card queue-person" data-testid="queue-person">
        <div className="queue-head">
          <div>
            <h2 className="queue-name" data-testid="queue-name">
              {entry.name}
            </h2>
            <div className="queue-sub" data-testid="queue-company">
              {[entry.title, entry.company].filter(Boolean).join(" · ")}
            </div>
          </div>
          <span className="spacer" />
          <div className="queue-tags">
            <span className="badge subtle">#{entry.position}</span>
            {entry.attempts > 0 && <span className="badge subtle">{entry.attempts} {entry.attempts === 1 ? "call" : "calls"} so far</span>}
            {entry.status === "callback" && entry.callback_at && (
              <span className="badge outcome-call_back" data-testid="queue-callback">
                Call back {formatDateTime(entry.callback_at)}
              </span>
            )}
          </div>
        </div>
        <a className="queue-phone-big" href={`tel:${entry.phone}`} data-testid="queue-phone" title="Call with your phone app">
          {entry.phone}
        </a>
        <dl className="props">
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <FactRow key={k} label={k} value={v} />
            ))}
          {entry.details.map(([k, v]) => (
            <FactRow key={`d:${k}`} label={k} value={v} />
          ))}
        </dl>
        {entry.notes && <p className="notes queue-notes">{entry.notes}</p>}
        <label className="menu-field queue-note-label">
          Note on this call
          <textarea
            className="input"
            rows={3}
            data-testid="queue-note"
            placeholder="What was said (the keys 1–5 and S work when you are not typing here)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") (e.target as HTMLTextAreaElement).blur();
            }}
          />
        </label>
        <div className="queue-outcomes" role="group" aria-label="Outcome">
          {OUTCOMES.map((o) => (
            <button
              key={o.result}
              type="button"
              className={`btn outcome outcome-${o.result}${o.result === "interested" ? " primary" : ""}`}
              disabled={busy}
              data-testid={`outcome-${o.result}`}
              aria-keyshortcuts={o.key}
              onClick={() => outcome(o.result)}
            >
              <kbd className="kbd">{o.key}</kbd> {o.label}
            </button>
          ))}
          <button type="button" className="btn ghost" disabled={busy} data-testid="queue-skip" aria-keyshortcuts="S" onClick={onSkip}>
            <kbd className="kbd">S</kbd> Skip
          </button>
        </div>
        {picking && (
          <div className="callback-picker" data-testid="callback-picker">
            <label className="menu-field">
              Call back at
              <input
                className="input"
                type="datetime-local"
                data-testid="callback-at"
                value={callbackAt}
                autoFocus
                onChange={(e) => {
                  setCallbackAt(e.target.value);
                  setMissing(false);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") confirmCallback();
                  if (e.key === "Escape") setPicking(false);
                }}
              />
            </label>
            <div className="callback-quick">
              <button type="button" className="btn small" data-testid="callback-in-hour" onClick={() => { setCallbackAt(inOneHour()); setMissing(false); }}>
                In 1 hour
              </button>
              <button type="button" className="btn small" data-testid="callback-tomorrow" onClick={() => { setCallbackAt(tomorrowNine()); setMissing(false); }}>
                Tomorrow 9:00
              </button>
            </div>
            {missing && (
              <span className="field-error" role="alert">
                Choose when to call back.
              </span>
            )}
            <div className="callback-actions">
              <button type="button" className="btn" onClick={() => setPicking(false)}>
                Cancel
              </button>
              <button type="button" className="btn primary" disabled={busy} data-testid="callback-confirm" onClick={confirmCallback}>
                Schedule callback
              </button>
            </div>
          </div>
        )}
      </section>
      <aside className="queue-side">
        {script && (
          <details className="card queue-script" open data-testid="queue-script">
            <summary>Call script</summary>
            <p className="notes">{script}</p>
          </details>
        )}
        <section className="card" data-testid="queue-history">
          <h2>Calls so far</h2>
          {history.length === 0 ? (
            <span className="muted">Not called yet.</span>
          ) : (
            <ul className="queue-history">
              {history.map((a) => (
                <li key={a.id}>
                  <div>
                    <strong>{a.subject}</strong>
                    {a.outcome && <span className={`badge outcome-${a.outcome}`}> {a.outcome.replace(/_/g, " ")}</span>}
                  </div>
                  <div className="muted small">{a.starts_at ? formatDateTime(a.starts_at) : ""}</div>
                  {a.notes && <div className="small">{a.notes}</div>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </aside>
    </div>
  );
}

function FactRow({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}
