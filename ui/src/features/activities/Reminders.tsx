import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { addDays, atTime, formatWhen, linkedNames } from "./activities";
import { api, toApiError, type Reminder } from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useActivityDialog } from "./ActivityDialog";
import { Icon, KindIcon } from "../../components/Icon";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";

export const POLL_MS = 30_000;

/** The title and body of a reminder's notification. */
export function reminderText(r: Reminder): { title: string; body: string } {
  const a = r.activity;
  const when = a.starts_at ? formatWhen(a.starts_at, a.all_day) : "";
  const withWhom = linkedNames(a.links);
  return { title: a.subject, body: [when, withWhom].filter(Boolean).join(" · ") || "Reminder" };
}

/**
 * Asks for new reminders when the app starts and every 30 seconds; each one becomes a
 * desktop notification and a toast. Several missed while the app was closed make one
 * summary rather than a flood.
 */
export function useReminderPoller() {
  const client = useQueryClient();
  const notify = useNotify();
  const first = useRef(true);
  useEffect(() => {
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      const atStart = first.current;
      try {
        const fresh = await api.reminders.takeNew();
        first.current = false;
        if (fresh.length === 0) return;
        const missed = fresh.filter((r) => r.missed);
        const rest = atStart && missed.length > 1 ? fresh.filter((r) => !r.missed) : fresh;
        if (atStart && missed.length > 1) {
          const text = `${missed.length} reminders were due while Rapport was closed`;
          void api.notify("Rapport", text);
          notify(text);
        }
        for (const r of rest) {
          const { title, body } = reminderText(r);
          void api.notify(title, body);
          notify(`Reminder: ${title}${body !== "Reminder" ? ` · ${body}` : ""}`);
        }
        await client.invalidateQueries({ queryKey: qk.reminders.all });
      } catch {
        // A failed poll is retried at the next tick; nothing to tell the user.
      } finally {
        busy = false;
      }
    };
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [client, notify]);
}

const SNOOZES: { key: string; label: string; until: (now: Date) => Date }[] = [
  { key: "10m", label: "10 minutes", until: (now) => new Date(now.getTime() + 10 * 60_000) },
  { key: "1h", label: "1 hour", until: (now) => new Date(now.getTime() + 3_600_000) },
  { key: "tomorrow", label: "Tomorrow 9:00", until: (now) => atTime(addDays(now, 1), 9) },
];

/** The bell in the sidebar: how many reminders are due, and the list of them. */
export function RemindersBell() {
  useReminderPoller();
  const [open, setOpen] = useState(false);
  const due = useQuery({ queryKey: qk.reminders.due, queryFn: api.reminders.due, staleTime: 0 });
  const count = due.data?.length ?? 0;
  return (
    <>
      <button
        className={`nav-link bell${open ? " active" : ""}`}
        data-testid="reminders-bell"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span>
          <Icon name="bell" /> Reminders
        </span>
        {count > 0 && (
          <span className="badge-count" data-testid="reminders-count">
            {count}
          </span>
        )}
      </button>
      {open && <RemindersPanel reminders={due.data ?? []} onClose={() => setOpen(false)} />}
    </>
  );
}

function RemindersPanel({ reminders, onClose }: { reminders: Reminder[]; onClose: () => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const openDialog = useActivityDialog();
  const [snoozing, setSnoozing] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.querySelector('[aria-modal="true"]')) onClose();
    };
    // A click outside (but not on the bell, which toggles it) closes the panel.
    const onDown = (e: MouseEvent) => {
      const target = e.target as Element | null;
      if (!target || ref.current?.contains(target) || target.closest?.('[data-testid="reminders-bell"], [aria-modal="true"]')) return;
      onClose();
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onDown);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onDown);
    };
  }, [onClose]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      await invalidateActivities(client);
      notify(done);
    } catch (e) {
      notify(toApiError(e).message, "error");
    }
  };

  return (
    <div className="reminders-panel" role="dialog" aria-label="Reminders" data-testid="reminders-panel" ref={ref}>
      <header>
        <strong>Reminders</strong>
        <span className="spacer" />
        <button className="btn ghost small" onClick={onClose} aria-label="Close reminders">
          ×
        </button>
      </header>
      {reminders.length === 0 && <p className="muted reminders-empty">No reminders due. You are all caught up.</p>}
      <ul>
        {reminders.map((r) => {
          const a = r.activity;
          const { body } = reminderText(r);
          return (
            <li key={a.id} className="reminder-item" data-testid="reminder-item">
              <KindIcon kind={a.kind} small />
              <div className="reminder-main">
                <button className="linklike" onClick={() => openDialog({ mode: "edit", id: a.id })}>
                  {a.subject}
                </button>
                <div className="muted small">{body}</div>
                <div className="reminder-actions">
                  <button
                    className="btn small"
                    data-testid="reminder-done"
                    onClick={() => void act(() => api.activities.complete(a.id), `Done: ${a.subject}`)}
                  >
                    ✓ Done
                  </button>
                  <span className="menu">
                    <button
                      className="btn small"
                      data-testid="reminder-snooze"
                      aria-haspopup="menu"
                      aria-expanded={snoozing === a.id}
                      onClick={() => setSnoozing((s) => (s === a.id ? null : a.id))}
                    >
                      Snooze ▾
                    </button>
                    {snoozing === a.id && (
                      <span className="menu-pop" role="menu">
                        {SNOOZES.map((s) => (
                          <button
                            key={s.key}
                            role="menuitem"
                            className="menu-item"
                            data-testid={`snooze-${s.key}`}
                            onClick={() => {
                              setSnoozing(null);
                              const until = s.until(new Date());
                              void act(
                                () => api.reminders.snooze(a.id, until.toISOString()),
                                `Snoozed until ${formatWhen(until.toISOString(), false)}`,
                              );
                            }}
                          >
                            {s.label}
                          </button>
                        ))}
                      </span>
                    )}
                  </span>
                  <button
                    className="btn ghost small"
                    data-testid="reminder-dismiss"
                    onClick={() => void act(() => api.reminders.dismiss(a.id), "Reminder dismissed")}
                  >
                    Dismiss
                  </button>
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
