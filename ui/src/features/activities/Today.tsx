import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link } from "wouter";

import { useActivityDialog } from "./ActivityDialog";
import { Icon, KindIcon } from "../../components/Icon";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { useCompleteActivity } from "./useCompleteActivity";
import {
  KIND_LABELS,
  OUTCOME_LABELS,
  addDays,
  dayLabel,
  formatTime,
  formatWhen,
  nextMonday,
  parseWhen,
  rescheduleTo,
  toDateInput,
  type RescheduleTarget,
} from "./activities";
import { api, toApiError, type Activity } from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useKey } from "../../lib/useShortcut";
import { qk } from "../../lib/queryKeys";

/** The day's work: what is overdue, what is due today, and the week ahead. */
export function Today() {
  const client = useQueryClient();
  const notify = useNotify();
  const openDialog = useActivityDialog();
  const agenda = useQuery({ queryKey: qk.agenda, queryFn: () => api.agenda(7), staleTime: 0 });
  // Items just ticked off disappear at once, before the agenda reloads.
  const [gone, setGone] = useState<Set<string>>(() => new Set());
  useKey("n", () => openDialog({ mode: "schedule" }));

  const hide = (id: string, hidden: boolean) =>
    setGone((g) => {
      const next = new Set(g);
      if (hidden) next.add(id);
      else next.delete(id);
      return next;
    });

  const completeActivity = useCompleteActivity();
  const complete = async (a: Activity) => {
    hide(a.id, true);
    await completeActivity(a, { onUndone: () => hide(a.id, false), onFailed: () => hide(a.id, false) });
  };

  const reschedule = async (a: Activity, startsAt: string) => {
    try {
      const moved = await api.activities.reschedule(a.id, startsAt, "this");
      await invalidateActivities(client);
      notify(`Moved “${a.subject}” to ${moved.starts_at ? formatWhen(moved.starts_at, moved.all_day) : "no date"}`);
    } catch (e) {
      notify(toApiError(e).message, "error");
    }
  };

  const data = agenda.data;
  const visible = (list: Activity[]) => list.filter((a) => !gone.has(a.id));
  const overdue = data ? visible(data.overdue) : [];
  const today = data ? visible(data.due_today) : [];
  const days = data ? data.upcoming.map((d) => ({ ...d, items: visible(d.items) })).filter((d) => d.items.length > 0) : [];
  const hiddenOverdue = data ? data.overdue.length - overdue.length : 0;
  const shownUpcoming = data ? data.upcoming.reduce((n, d) => n + d.items.length, 0) : 0;
  const moreUpcoming = data ? Math.max(data.upcoming_total - shownUpcoming, 0) : 0;
  const overdueTotal = data ? Math.max(data.overdue_total - hiddenOverdue, overdue.length) : 0;
  const empty = data && overdue.length === 0 && today.length === 0 && days.length === 0;
  const todayDate = data ? parseWhen(data.today) : new Date();
  const row = (a: Activity, showDate: boolean) => (
    <AgendaRow key={a.id} activity={a} showDate={showDate} onDone={complete} onMove={reschedule} />
  );

  return (
    <>
      <PageHead
        title="Today"
        sub={todayDate.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" })}
      >
        <button className="btn primary" data-testid="new-activity" onClick={() => openDialog({ mode: "schedule" })}>
          + New activity <kbd className="kbd">N</kbd>
        </button>
      </PageHead>
      <div className="page-body today">
        <ErrorBanner error={agenda.error ? toApiError(agenda.error) : null} />
        {agenda.isPending && <span className="muted">Loading…</span>}
        {empty && (
          <div className="empty" data-testid="agenda-empty">
            <div className="empty-icon" aria-hidden>
              <Icon name="sun" size={40} />
            </div>
            <h2>All clear</h2>
            <p>Nothing is overdue and nothing is planned for the next seven days.</p>
            <button className="btn primary" onClick={() => openDialog({ mode: "schedule" })}>
              Plan something
            </button>
          </div>
        )}
        {data && !empty && (
          <div className="agenda">
            {overdue.length > 0 && (
              <section className="agenda-section overdue" data-testid="agenda-overdue">
                <h2>
                  Overdue <span className="count">{overdueTotal}</span>
                  {overdueTotal > overdue.length && (
                    <span className="muted small"> showing the oldest {overdue.length}</span>
                  )}
                </h2>
                <ul className="agenda-list">{overdue.map((a) => row(a, true))}</ul>
              </section>
            )}
            <section className="agenda-section today" data-testid="agenda-today">
              <h2>
                Today <span className="count">{today.length}</span>
              </h2>
              {today.length === 0 ? (
                <p className="muted agenda-none">Nothing due today.</p>
              ) : (
                <ul className="agenda-list">{today.map((a) => row(a, false))}</ul>
              )}
            </section>
            <section className="agenda-section upcoming" data-testid="agenda-upcoming">
              <h2>Next 7 days</h2>
              {days.length === 0 && <p className="muted agenda-none">Nothing planned.</p>}
              {days.map((d) => (
                <div key={d.date} className="agenda-day">
                  <h3>{dayLabel(parseWhen(d.date), todayDate)}</h3>
                  <ul className="agenda-list">{d.items.map((a) => row(a, false))}</ul>
                </div>
              ))}
              {moreUpcoming > 0 && (
                <p className="muted agenda-more" data-testid="agenda-upcoming-more">
                  and {moreUpcoming.toLocaleString()} more in these days: see the{" "}
                  <Link href="/calendar">calendar</Link>.
                </p>
              )}
            </section>
          </div>
        )}
      </div>
    </>
  );
}

function AgendaRow({
  activity: a,
  showDate,
  onDone,
  onMove,
}: {
  activity: Activity;
  showDate: boolean;
  onDone: (a: Activity) => void;
  onMove: (a: Activity, startsAt: string) => void;
}) {
  const openDialog = useActivityDialog();
  const when = a.starts_at
    ? showDate
      ? formatWhen(a.starts_at, a.all_day)
      : a.all_day
        ? "All day"
        : formatTime(a.starts_at)
    : "";
  return (
    <li className={`agenda-item k-${a.kind}`} data-testid="agenda-item">
      <input
        type="checkbox"
        className="agenda-check"
        aria-label={`Mark “${a.subject}” done`}
        data-testid="agenda-done"
        checked={false}
        onChange={() => onDone(a)}
      />
      <KindIcon kind={a.kind} small title={KIND_LABELS[a.kind]} />
      <span className="agenda-time">{when}</span>
      <div className="agenda-main">
        <button className="linklike agenda-subject" onClick={() => openDialog({ mode: "edit", id: a.id })}>
          {a.subject}
        </button>
        {a.repeat_text && <span className="badge subtle">↻ {a.repeat_text}</span>}
        {a.outcome && <span className="badge subtle">{OUTCOME_LABELS[a.outcome]}</span>}
        {a.links.length > 0 && (
          <span className="agenda-links">
            {a.links.map((l, i) => (
              <span key={`${l.entity}:${l.id}`}>
                {i > 0 && ", "}
                {l.entity === "contacts" || l.entity === "accounts" ? <Link href={`/${l.entity}/${l.id}`}>{l.name}</Link> : l.name}
              </span>
            ))}
          </span>
        )}
      </div>
      <RescheduleMenu activity={a} onMove={onMove} />
    </li>
  );
}

const TARGETS: { key: RescheduleTarget; label: string }[] = [
  { key: "later", label: "Later today (+2 h)" },
  { key: "tomorrow", label: "Tomorrow" },
  { key: "nextweek", label: "Next week" },
];

function RescheduleMenu({ activity, onMove }: { activity: Activity; onMove: (a: Activity, startsAt: string) => void }) {
  const [open, setOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const [date, setDate] = useState(() => toDateInput(addDays(new Date(), 1)));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const hint = (key: RescheduleTarget) => {
    const now = new Date();
    if (key === "later") return formatTime(rescheduleTo("later", activity, now));
    const d = key === "tomorrow" ? addDays(now, 1) : nextMonday(now);
    return d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
  };
  const go = (startsAt: string) => {
    setOpen(false);
    setPicking(false);
    onMove(activity, startsAt);
  };
  return (
    <div className="menu agenda-menu" ref={ref}>
      <button
        className="btn ghost small"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="agenda-reschedule"
        onClick={() => setOpen((o) => !o)}
      >
        Reschedule ▾
      </button>
      {open && (
        <div className="menu-pop right" role="menu">
          {TARGETS.map((t) => (
            <button
              key={t.key}
              role="menuitem"
              className="menu-item"
              data-testid={`reschedule-${t.key}`}
              onClick={() => go(rescheduleTo(t.key, activity))}
            >
              <span>{t.label}</span>
              <span className="spacer" />
              <span className="muted small">{hint(t.key)}</span>
            </button>
          ))}
          {!picking ? (
            <button role="menuitem" className="menu-item" data-testid="reschedule-pick" onClick={() => setPicking(true)}>
              Pick a date…
            </button>
          ) : (
            <form
              className="inline-form pick-date"
              onSubmit={(e) => {
                e.preventDefault();
                if (date) go(rescheduleTo({ date }, activity));
              }}
            >
              <input
                type="date"
                className="input"
                aria-label="New date"
                data-testid="reschedule-date"
                value={date}
                onChange={(e) => setDate(e.target.value)}
                autoFocus
              />
              <button className="btn primary small" type="submit" data-testid="reschedule-apply">
                Move
              </button>
            </form>
          )}
        </div>
      )}
    </div>
  );
}
