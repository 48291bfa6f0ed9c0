import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";

import {
  CHANNELS,
  CHANNEL_LABELS,
  DEFAULT_CHANNEL,
  DIRECTION_LABELS,
  HAS_DURATION,
  HAS_LOCATION,
  KINDS,
  KIND_LABELS,
  OUTCOMES,
  OUTCOME_LABELS,
  REMINDER_OPTIONS,
  SHOWN_FIELDS,
  buildFollowUp,
  buildInput,
  formFromActivity,
  formStart,
  newForm,
  quickWhen,
  repeatOptions,
  shortDate,
  toDateInput,
  toTimeInput,
  type ActivityForm,
  type FollowUpForm,
  type QuickWhen,
} from "./activities";
import {
  api,
  toApiError,
  type Activity,
  type ActivityKind,
  type ApiError,
  type LinkedRecord,
  type Scope,
} from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useDebounced } from "../../lib/useDebounced";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { Icon, KindIcon } from "../../components/Icon";
import { OwnerSelect } from "../../components/Pickers";
import { ScopeDialog } from "./ScopeDialog";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";

/** What to open the dialog for: log something that happened, schedule something, or edit. */
export type ActivityRequest =
  | {
      mode: "log" | "schedule";
      kind?: ActivityKind;
      links?: LinkedRecord[];
      start?: Date;
      allDay?: boolean;
    }
  | { mode: "edit"; id: string };

type Open = (request: ActivityRequest) => void;
const DialogContext = createContext<Open>(() => {});

/** Holds the one activity dialog of the app; screens open it with useActivityDialog(). */
export function ActivityDialogProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<{ req: ActivityRequest; n: number } | null>(null);
  const open = useCallback<Open>((req) => setRequest((r) => ({ req, n: (r?.n ?? 0) + 1 })), []);
  const close = useCallback(() => setRequest(null), []);
  return (
    <DialogContext.Provider value={open}>
      {children}
      {request && <ActivityDialog key={request.n} request={request.req} onClose={close} />}
    </DialogContext.Provider>
  );
}

export function useActivityDialog(): Open {
  return useContext(DialogContext);
}

/** The dialog; for an edit, it loads the activity first. */
export function ActivityDialog({ request, onClose }: { request: ActivityRequest; onClose: () => void }) {
  const id = request.mode === "edit" ? request.id : null;
  const loaded = useQuery({
    queryKey: qk.activities.detail(id),
    queryFn: () => api.activities.get(id ?? ""),
    enabled: id !== null,
    staleTime: 0,
  });
  if (request.mode !== "edit") return <Editor request={request} activity={null} onClose={onClose} />;
  if (loaded.data) return <Editor request={request} activity={loaded.data} onClose={onClose} />;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog activity-dialog" role="dialog" aria-modal="true" aria-label="Activity" data-testid="activity-dialog">
        {loaded.error ? (
          <>
            <div className="banner" role="alert">
              {toApiError(loaded.error).message}
            </div>
            <div className="actions">
              <button className="btn" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : (
          <span className="muted">Loading…</span>
        )}
      </div>
    </div>
  );
}

const FOLLOW_UP_KINDS: ActivityKind[] = ["task", "call", "meeting", "email"];

function titleFor(mode: ActivityRequest["mode"], kind: ActivityKind): string {
  if (mode === "edit") return `Edit ${KIND_LABELS[kind].toLowerCase()}`;
  return mode === "log" ? "Log activity" : "Schedule activity";
}

type Pending = { action: "save" | "delete" } | null;

function Editor({
  request,
  activity,
  onClose,
}: {
  request: ActivityRequest;
  activity: Activity | null;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const notify = useNotify();
  const [form, setForm] = useState<ActivityForm>(() =>
    activity
      ? formFromActivity(activity)
      : newForm({
          mode: request.mode === "edit" ? "schedule" : request.mode,
          kind: request.mode !== "edit" ? request.kind : undefined,
          start: request.mode !== "edit" ? request.start : undefined,
          allDay: request.mode !== "edit" ? request.allDay : undefined,
          links: request.mode !== "edit" ? request.links : undefined,
        }),
  );
  const [follow, setFollow] = useState<FollowUpForm>(() => {
    const at = quickWhen("tomorrow");
    return { enabled: false, kind: "task", subject: "", date: toDateInput(at), time: toTimeInput(at), reminder: "0" };
  });
  const [followSubjectTouched, setFollowSubjectTouched] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const creating = activity === null;
  const isSeries = Boolean(activity?.series_id);

  useEffect(() => subjectRef.current?.focus(), []);

  const set = <K extends keyof ActivityForm>(key: K, value: ActivityForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setF = <K extends keyof FollowUpForm>(key: K, value: FollowUpForm[K]) => setFollow((f) => ({ ...f, [key]: value }));

  const changeKind = (kind: ActivityKind) =>
    setForm((f) => ({
      ...f,
      kind,
      // The channel follows the kind unless the user picked another one.
      channel: !f.channel || f.channel === DEFAULT_CHANNEL[f.kind] ? (DEFAULT_CHANNEL[kind] ?? "") : f.channel,
      duration: kind === "meeting" && !f.duration ? "30" : f.duration,
      direction: kind === "call" && !f.direction && f.done ? "outbound" : f.direction,
    }));

  const changeSubject = (subject: string) => {
    set("subject", subject);
    if (!followSubjectTouched) setF("subject", subject.trim() ? `Follow up: ${subject.trim()}` : "");
  };

  const start = formStart(form).at;
  const repeatChoices = start ? repeatOptions(start) : [];
  const fieldError = (name: string) => error?.field(name);
  const hidden = error?.fields.filter((f) => !SHOWN_FIELDS.includes(f.field)) ?? [];

  const finishWrite = async () => {
    await invalidateActivities(client);
    onClose();
  };

  const undo = (batch: string) => {
    void api
      .undo(batch)
      .then(() => invalidateActivities(client))
      .then(() => notify("Undone"))
      .catch((e: unknown) => notify(toApiError(e).message, "error"));
  };

  const save = async (scope: Scope = "this") => {
    if (saving) return;
    setSaving(true);
    setError(null);
    try {
      const input = buildInput(form);
      if (activity) {
        await api.activities.update(activity.id, input, scope);
        notify(`Saved “${input.subject}”`);
      } else {
        const followUp = follow.enabled ? buildFollowUp(follow, form.links) : null;
        const logged = await api.activities.log(input, followUp);
        const what = `${KIND_LABELS[input.kind ?? "task"]} ${input.done ? "logged" : "scheduled"}`;
        const next = logged.follow_up?.starts_at
          ? ` · follow-up on ${shortDate(logged.follow_up.starts_at, logged.follow_up.all_day)}`
          : "";
        notify(`${what}${next}`, "info", { label: "Undo", run: () => undo(logged.batch_id) });
      }
      await finishWrite();
    } catch (e) {
      setError(toApiError(e));
      setSaving(false);
    }
  };

  const remove = async (scope: Scope = "this") => {
    if (!activity) return;
    setSaving(true);
    setError(null);
    try {
      await api.activities.remove(activity.id, scope);
      notify(scope === "future" ? `Deleted “${activity.subject}” and the ones after it` : `Deleted “${activity.subject}”`);
      await finishWrite();
    } catch (e) {
      setPending(null);
      setError(toApiError(e));
      setSaving(false);
    }
  };

  const requestSave = () => {
    if (saving) return;
    if (isSeries) setPending({ action: "save" });
    else void save();
  };

  const applyQuick = (which: QuickWhen) => {
    const at = quickWhen(which);
    setFollow((f) => ({ ...f, date: toDateInput(at), time: toTimeInput(at) }));
  };

  const isCall = form.kind === "call";
  const showDuration = HAS_DURATION.includes(form.kind) && !form.allDay;
  const showLocation = HAS_LOCATION.includes(form.kind);

  return (
    <>
      <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !saving && onClose()}>
        <div
          className="dialog activity-dialog"
          role="dialog"
          aria-modal="true"
          aria-labelledby="activity-title"
          data-testid="activity-dialog"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              onClose();
            } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              requestSave();
            }
          }}
        >
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              requestSave();
            }}
          >
            <header className="ad-head">
              <KindIcon kind={form.kind} />
              <h2 id="activity-title">{titleFor(request.mode, form.kind)}</h2>
              {activity?.repeat_text && <span className="badge">↻ {activity.repeat_text}</span>}
              <span className="spacer" />
              <span className="muted small">Ctrl+Enter saves · Esc closes</span>
            </header>

            {error && error.code !== "validation" && (
              <div className="banner" role="alert" data-testid="activity-error">
                {error.message}
              </div>
            )}
            {error?.code === "validation" && (
              <div className="banner" role="alert" data-testid="activity-error">
                <span>
                  Please correct the highlighted fields.
                  {hidden.map((f) => (
                    <span key={f.field} className="block">
                      {f.message}
                    </span>
                  ))}
                </span>
              </div>
            )}

            <div className="ad-row ad-top">
              <Field label="Kind" error={fieldError("kind")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    className="input"
                    data-testid="activity-kind"
                    value={form.kind}
                    onChange={(e) => changeKind(e.target.value as ActivityKind)}
                  >
                    {KINDS.map((k) => (
                      <option key={k} value={k}>
                        {KIND_LABELS[k]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Subject" error={fieldError("subject")}>
                {(a11y) => (
                  <input
                    {...a11y}
                    ref={subjectRef}
                    className="input"
                    data-testid="activity-subject"
                    placeholder={isCall ? "Discussed the renewal" : "What is it about?"}
                    value={form.subject}
                    onChange={(e) => changeSubject(e.target.value)}
                  />
                )}
              </Field>
            </div>

            <div className="ad-row ad-3">
              {isCall && (
                <Field label="Direction" error={fieldError("direction")}>
                  {(a11y) => (
                    <select
                      {...a11y}
                      className="input"
                      data-testid="activity-direction"
                      value={form.direction}
                      onChange={(e) => set("direction", e.target.value as ActivityForm["direction"])}
                    >
                      <option value="">—</option>
                      {(["outbound", "inbound"] as const).map((d) => (
                        <option key={d} value={d}>
                          {DIRECTION_LABELS[d]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
              {isCall && (
                <Field label="Outcome" error={fieldError("outcome")}>
                  {(a11y) => (
                    <select
                      {...a11y}
                      className="input"
                      data-testid="activity-outcome"
                      value={form.outcome}
                      onChange={(e) => set("outcome", e.target.value as ActivityForm["outcome"])}
                    >
                      <option value="">—</option>
                      {OUTCOMES.map((o) => (
                        <option key={o} value={o}>
                          {OUTCOME_LABELS[o]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
              <Field label="Channel" error={fieldError("channel")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    className="input"
                    data-testid="activity-channel"
                    value={form.channel}
                    onChange={(e) => set("channel", e.target.value as ActivityForm["channel"])}
                  >
                    <option value="">—</option>
                    {CHANNELS.map((c) => (
                      <option key={c} value={c}>
                        {CHANNEL_LABELS[c]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>

            <div className="ad-row ad-when">
              <Field label="Date" error={fieldError("starts_at")}>
                {(a11y) => (
                  <input
                    {...a11y}
                    type="date"
                    className="input"
                    data-testid="activity-date"
                    value={form.date}
                    onChange={(e) => set("date", e.target.value)}
                  />
                )}
              </Field>
              {!form.allDay && (
                <Field label="Time">
                  {(a11y) => (
                    <input
                      {...a11y}
                      type="time"
                      className="input"
                      data-testid="activity-time"
                      value={form.time}
                      onChange={(e) => set("time", e.target.value)}
                    />
                  )}
                </Field>
              )}
              {showDuration && (
                <Field label="Minutes" error={fieldError("duration_minutes")}>
                  {(a11y) => (
                    <input
                      {...a11y}
                      type="number"
                      min={0}
                      step={5}
                      className="input"
                      data-testid="activity-duration"
                      value={form.duration}
                      onChange={(e) => set("duration", e.target.value)}
                    />
                  )}
                </Field>
              )}
              <label className="check ad-check">
                <input
                  type="checkbox"
                  data-testid="activity-all-day"
                  checked={form.allDay}
                  onChange={(e) => set("allDay", e.target.checked)}
                />
                All day
              </label>
            </div>

            {showLocation && (
              <Field label="Location" error={fieldError("location")}>
                {(a11y) => (
                  <input
                    {...a11y}
                    className="input"
                    data-testid="activity-location"
                    value={form.location}
                    onChange={(e) => set("location", e.target.value)}
                  />
                )}
              </Field>
            )}

            <Field label="Notes" error={fieldError("notes")}>
              {(a11y) => (
                <textarea
                  {...a11y}
                  className="input ad-notes"
                  data-testid="activity-notes"
                  value={form.notes}
                  onChange={(e) => set("notes", e.target.value)}
                />
              )}
            </Field>

            <div className="ad-row ad-2">
              <Field label="Reminder" error={fieldError("remind_at")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    className="input"
                    data-testid="activity-reminder"
                    value={form.reminder}
                    disabled={!form.date}
                    onChange={(e) => set("reminder", e.target.value)}
                  >
                    {form.keptRemindAt && (
                      <option value="keep">At {shortDate(form.keptRemindAt)}</option>
                    )}
                    {REMINDER_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Repeat" error={fieldError("repeat")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    className="input"
                    data-testid="activity-repeat"
                    value={form.repeat}
                    disabled={!start}
                    onChange={(e) => set("repeat", e.target.value as ActivityForm["repeat"])}
                  >
                    {repeatChoices.length === 0 && <option value="none">Does not repeat (set a date)</option>}
                    {repeatChoices.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            {form.repeat === "custom" && (
              <Field label="Rule (RFC 5545 RRULE)" error={undefined}>
                {(a11y) => (
                  <input
                    {...a11y}
                    className="input mono"
                    data-testid="activity-rrule"
                    placeholder="FREQ=WEEKLY;BYDAY=MO,WE,FR"
                    value={form.customRule}
                    onChange={(e) => set("customRule", e.target.value)}
                  />
                )}
              </Field>
            )}

            <div className="ad-links">
              <span className="ad-label">Linked to</span>
              <div className="chips" data-testid="activity-links">
                {form.links.length === 0 && <span className="muted small">Nothing</span>}
                {form.links.map((l) => (
                  <span key={`${l.entity}:${l.id}`} className="chip" data-testid="activity-link">
                    <Icon name={l.entity === "accounts" ? "accounts" : "contacts"} size={13} />
                    {l.name}
                    <button
                      type="button"
                      className="chip-x"
                      aria-label={`Remove ${l.name}`}
                      onClick={() => set("links", form.links.filter((x) => x !== l))}
                    >
                      ×
                    </button>
                  </span>
                ))}
                <LinkPicker
                  exclude={form.links}
                  onPick={(l) => set("links", [...form.links, l])}
                />
              </div>
              {fieldError("links") && <span className="field-error">{fieldError("links")}</span>}
            </div>

            <div className="ad-row ad-2" data-testid="activity-owner">
              <OwnerSelect value={form.ownerId} error={fieldError("owner_id")} onChange={(v) => set("ownerId", v)} />
            </div>

            <label className="check ad-done">
              <input
                type="checkbox"
                data-testid="activity-done"
                checked={form.done}
                onChange={(e) => set("done", e.target.checked)}
              />
              Done{form.done ? "" : " (leave unchecked for something still to do)"}
            </label>

            {creating && (
              <section className={`ad-follow${follow.enabled ? " on" : ""}`}>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid="follow-up-toggle"
                    checked={follow.enabled}
                    onChange={(e) => setF("enabled", e.target.checked)}
                  />
                  <strong>Schedule a follow-up</strong>
                </label>
                {follow.enabled && (
                  <div className="ad-follow-body">
                    <div className="ad-row ad-top">
                      <Field label="Kind" error={fieldError("follow_up.kind")}>
                        {(a11y) => (
                          <select
                            {...a11y}
                            className="input"
                            data-testid="follow-up-kind"
                            value={follow.kind}
                            onChange={(e) => setF("kind", e.target.value as ActivityKind)}
                          >
                            {FOLLOW_UP_KINDS.map((k) => (
                              <option key={k} value={k}>
                                {KIND_LABELS[k]}
                              </option>
                            ))}
                          </select>
                        )}
                      </Field>
                      <Field label="Follow-up subject" error={fieldError("follow_up.subject")}>
                        {(a11y) => (
                          <input
                            {...a11y}
                            className="input"
                            data-testid="follow-up-subject"
                            value={follow.subject}
                            onChange={(e) => {
                              setFollowSubjectTouched(true);
                              setF("subject", e.target.value);
                            }}
                          />
                        )}
                      </Field>
                    </div>
                    <div className="quick">
                      <button type="button" className="btn small" data-testid="follow-up-tomorrow" onClick={() => applyQuick("tomorrow")}>
                        Tomorrow 9:00
                      </button>
                      <button type="button" className="btn small" data-testid="follow-up-3days" onClick={() => applyQuick("in3days")}>
                        In 3 days
                      </button>
                      <button type="button" className="btn small" data-testid="follow-up-nextweek" onClick={() => applyQuick("nextweek")}>
                        Next week
                      </button>
                    </div>
                    <div className="ad-row ad-3">
                      <Field label="Date" error={fieldError("follow_up.starts_at")}>
                        {(a11y) => (
                          <input
                            {...a11y}
                            type="date"
                            className="input"
                            data-testid="follow-up-date"
                            value={follow.date}
                            onChange={(e) => setF("date", e.target.value)}
                          />
                        )}
                      </Field>
                      <Field label="Time">
                        {(a11y) => (
                          <input
                            {...a11y}
                            type="time"
                            className="input"
                            data-testid="follow-up-time"
                            value={follow.time}
                            onChange={(e) => setF("time", e.target.value)}
                          />
                        )}
                      </Field>
                      <Field label="Reminder" error={fieldError("follow_up.remind_at")}>
                        {(a11y) => (
                          <select
                            {...a11y}
                            className="input"
                            data-testid="follow-up-reminder"
                            value={follow.reminder}
                            onChange={(e) => setF("reminder", e.target.value)}
                          >
                            {REMINDER_OPTIONS.map((o) => (
                              <option key={o.value} value={o.value}>
                                {o.label}
                              </option>
                            ))}
                          </select>
                        )}
                      </Field>
                    </div>
                  </div>
                )}
              </section>
            )}

            <div className="actions ad-actions">
              {activity && (
                <button
                  type="button"
                  className="btn danger"
                  data-testid="activity-delete"
                  disabled={saving}
                  onClick={() => setPending({ action: "delete" })}
                >
                  Delete
                </button>
              )}
              <span className="spacer" />
              <button type="button" className="btn" onClick={onClose} disabled={saving}>
                Cancel
              </button>
              <button type="submit" className="btn primary" data-testid="activity-save" disabled={saving}>
                {saving ? "Saving…" : activity ? "Save" : form.done ? "Log it" : "Schedule"}
              </button>
            </div>
          </form>
        </div>
      </div>
      {pending && isSeries && (
        <ScopeDialog
          action={pending.action}
          onCancel={() => setPending(null)}
          onChoose={(scope) => {
            const action = pending.action;
            setPending(null);
            void (action === "save" ? save(scope) : remove(scope));
          }}
        />
      )}
      {pending?.action === "delete" && !isSeries && activity && (
        <ConfirmDialog
          title={`Delete “${activity.subject}”?`}
          confirmLabel="Delete"
          busy={saving}
          onCancel={() => setPending(null)}
          onConfirm={() => void remove()}
        >
          The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}

/** A small search box that adds a contact or account to the activity's links. */
function LinkPicker({ exclude, onPick }: { exclude: LinkedRecord[]; onPick: (l: LinkedRecord) => void }) {
  const [text, setText] = useState("");
  const query = useDebounced(text.trim(), 120);
  const results = useQuery({
    queryKey: qk.search(query),
    queryFn: () => api.search(query),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const hits = query
    ? (results.data ?? [])
        .filter((g) => g.entity === "contacts" || g.entity === "accounts")
        .flatMap((g) => g.hits)
        .filter((h) => !exclude.some((l) => l.entity === h.entity && l.id === h.id))
        .slice(0, 8)
    : [];
  return (
    <span className="link-picker">
      <input
        className="input chip-input"
        placeholder="+ Link a person or company"
        aria-label="Link a person or company"
        data-testid="activity-link-search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
            e.preventDefault();
            const h = hits[0];
            if (h) {
              onPick({ entity: h.entity, id: h.id, name: h.title });
              setText("");
            }
          }
        }}
      />
      {hits.length > 0 && (
        <ul className="menu-pop link-pop" role="listbox">
          {hits.map((h) => (
            <li key={`${h.entity}:${h.id}`}>
              <button
                type="button"
                className="menu-item"
                onClick={() => {
                  onPick({ entity: h.entity, id: h.id, name: h.title });
                  setText("");
                }}
              >
                <Icon name={h.entity === "accounts" ? "accounts" : "contacts"} size={14} />
                {h.title}
                {h.subtitle && <span className="muted small">{h.subtitle}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
