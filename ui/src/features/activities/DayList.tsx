import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { ErrorBanner } from "../../components/PageHead";
import { KIND_COLORS, dayRange } from "./calendar";
import { KIND_LABELS, dayLabel, formatTime } from "./activities";
import { api, toApiError, type CalendarEntry } from "../../lib/api";
import { qk } from "../../lib/queryKeys";

type Props = {
  /** The day, YYYY-MM-DD (local). */
  date: string;
  /** Only this team member's items (null: everyone's), as the calendar shows. */
  owner: string | null;
  onOpen: (entry: CalendarEntry) => void;
  onDayView: (date: string) => void;
  onClose: () => void;
};

/** Everything on one day of the month grid, which shows only the first few: opened by
 * "+K more", loaded in full for that day alone. */
export function DayList({ date, owner, onOpen, onDayView, onClose }: Props) {
  const { from, to } = dayRange(date);
  const items = useQuery({
    queryKey: qk.calendar.range(from, to, owner),
    queryFn: () => api.calendar(from, to, owner),
    staleTime: 0,
  });
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onClose]);
  const [y, m, d] = date.split("-").map(Number);
  const title = dayLabel(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  const list = items.data ?? [];
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog day-list" role="dialog" aria-modal="true" aria-labelledby="day-list-title" data-testid="day-list">
        <h2 id="day-list-title">{title}</h2>
        <ErrorBanner error={items.error ? toApiError(items.error) : null} />
        <p data-testid="day-list-count">
          {items.isPending ? "Loading…" : `${list.length.toLocaleString()} item${list.length === 1 ? "" : "s"}`}
        </p>
        <ul className="day-list-items">
          {list.map((e) => (
            <li key={e.projected ? `${e.activity_id}@${e.starts_at}` : e.activity_id}>
              <button
                className={`day-list-item${e.done ? " done" : ""}`}
                onClick={() => onOpen(e)}
                data-testid="day-list-item"
                title={`${KIND_LABELS[e.kind]}${e.with ? ` with ${e.with}` : ""}`}
              >
                <span className="dot" style={{ background: KIND_COLORS[e.kind] }} />
                <span className="day-list-time">{e.all_day ? "All day" : formatTime(e.starts_at)}</span>
                <span className="day-list-subject">{e.subject}</span>
                {e.with && <span className="muted day-list-with">{e.with}</span>}
              </button>
            </li>
          ))}
        </ul>
        <div className="actions">
          <button className="btn" onClick={() => onDayView(date)} data-testid="day-list-day-view">
            Open the day view
          </button>
          <button ref={close} className="btn ghost" onClick={onClose} data-testid="day-list-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
