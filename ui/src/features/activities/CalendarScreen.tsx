import type { DatesSetArg, EventClickArg, EventDropArg, EventMountArg } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin, { type DateClickArg, type EventResizeDoneArg } from "@fullcalendar/interaction";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";

import { useActivityDialog } from "./ActivityDialog";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { ScopeDialog } from "./ScopeDialog";
import { useNotify } from "../../components/Toasts";
import {
  KIND_COLORS,
  clickTarget,
  dropDecision,
  entriesToEvents,
  icsExportMessage,
  icsFileName,
  rescheduleArgs,
  resizeDecision,
  uses12Hour,
  type DropDecision,
  type ResizeDecision,
} from "./calendar";
import { KINDS, KIND_LABELS, atTime, buildInput, formFromActivity, formatWhen } from "./activities";
import { api, toApiError, type CalendarEntry, type Scope } from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useKey } from "../../lib/useShortcut";
import { qk } from "../../lib/queryKeys";

type Move = Extract<DropDecision, { action: "reschedule" }>;
type Resize = Extract<ResizeDecision, { action: "resize" }>;
type Pending = { kind: "move"; move: Move; revert: () => void } | { kind: "resize"; resize: Resize; revert: () => void };

/** Month and week calendar of every activity, with drag-and-drop rescheduling. */
export function CalendarScreen() {
  const client = useQueryClient();
  const notify = useNotify();
  const openDialog = useActivityDialog();
  const [range, setRange] = useState<{ from: Date; to: Date } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [exporting, setExporting] = useState(false);
  const from = range?.from.toISOString() ?? "";
  const to = range?.to.toISOString() ?? "";
  const entries = useQuery({
    queryKey: qk.calendar.range(from, to),
    queryFn: () => api.calendar(from, to),
    enabled: range !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const events = useMemo(() => entriesToEvents(entries.data ?? []), [entries.data]);
  const hour12 = useMemo(() => uses12Hour(), []);
  useKey("n", () => openDialog({ mode: "schedule" }));

  const move = async (m: Move, scope: Scope, revert: () => void) => {
    try {
      const moved = await api.activities.reschedule(...rescheduleArgs(m, scope));
      await invalidateActivities(client);
      notify(`Moved “${moved.subject}” to ${moved.starts_at ? formatWhen(moved.starts_at, moved.all_day) : "no date"}`);
    } catch (e) {
      revert();
      notify(toApiError(e).message, "error");
    }
  };

  const onDrop = (info: EventDropArg) => {
    const entry = info.event.extendedProps.entry as CalendarEntry;
    const decision = dropDecision(entry, info.event.start, info.event.allDay);
    if (decision.action === "revert") {
      info.revert();
      notify(decision.reason, "error");
    } else if (decision.askScope) {
      setPending({ kind: "move", move: decision, revert: info.revert });
    } else {
      void move(decision, "this", info.revert);
    }
  };

  const resize = async (r: Resize, scope: Scope, revert: () => void) => {
    try {
      // The backend changes a length through a full update, so start from the stored item.
      const current = await api.activities.get(r.id);
      const input = { ...buildInput(formFromActivity(current)), duration_minutes: r.minutes };
      const saved = await api.activities.update(r.id, input, scope);
      await invalidateActivities(client);
      notify(`“${saved.subject}” now takes ${r.minutes} minutes`);
    } catch (e) {
      revert();
      notify(toApiError(e).message, "error");
    }
  };

  const onResize = (info: EventResizeDoneArg) => {
    const entry = info.event.extendedProps.entry as CalendarEntry;
    const decision = resizeDecision(entry, info.event.start, info.event.end);
    if (decision.action === "revert") {
      info.revert();
      notify(decision.reason, "error");
    } else if (decision.askScope) {
      setPending({ kind: "resize", resize: decision, revert: info.revert });
    } else {
      void resize(decision, "this", info.revert);
    }
  };

  const onDateClick = (info: DateClickArg) => {
    // A day in the month grid means "that day", at the start of the working day.
    const month = info.view.type === "dayGridMonth";
    openDialog({ mode: "schedule", start: month ? atTime(info.date, 9) : info.date, allDay: month ? false : info.allDay });
  };

  const onEventClick = (info: EventClickArg) => {
    info.jsEvent.preventDefault();
    const entry = info.event.extendedProps.entry as CalendarEntry;
    openDialog({ mode: "edit", id: clickTarget(entry) });
  };

  const onMount = (info: EventMountArg) => {
    info.el.title = `${info.event.title}\n${String(info.event.extendedProps.tip ?? "")}`;
  };

  const exportRange = async () => {
    if (!range) return;
    setExporting(true);
    try {
      const report = await api.exportIcs({ record: null, from, to }, icsFileName(range.from, range.to));
      if (report) {
        const { text, kind } = icsExportMessage(report);
        notify(text, kind);
      }
    } catch (e) {
      notify(toApiError(e).message, "error");
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHead title="Calendar" sub="Drag to reschedule · click a free slot to plan something">
        <span className="legend" aria-hidden>
          {KINDS.filter((k) => ["call", "meeting", "task", "email", "event"].includes(k)).map((k) => (
            <span key={k} className="legend-item">
              <span className="dot" style={{ background: KIND_COLORS[k] }} />
              {KIND_LABELS[k]}
            </span>
          ))}
        </span>
        <button className="btn" onClick={() => void exportRange()} disabled={!range || exporting} data-testid="calendar-export">
          Export .ics
        </button>
        <button className="btn primary" onClick={() => openDialog({ mode: "schedule" })} data-testid="new-activity">
          + New activity
        </button>
      </PageHead>
      <div className="page-body calendar-body">
        <ErrorBanner error={entries.error ? toApiError(entries.error) : null} />
        <div className="calendar-wrap" data-testid="calendar">
          <FullCalendar
            plugins={[dayGridPlugin, timeGridPlugin, interactionPlugin]}
            initialView="timeGridWeek"
            headerToolbar={{ left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek" }}
            buttonText={{ today: "Today", month: "Month", week: "Week" }}
            firstDay={1}
            height="100%"
            nowIndicator
            editable
            dayMaxEvents={4}
            scrollTime="07:30:00"
            allDayText="All day"
            slotLabelFormat={{ hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12 }}
            eventTimeFormat={{ hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12 }}
            events={events}
            datesSet={(arg: DatesSetArg) => setRange({ from: arg.start, to: arg.end })}
            eventDrop={onDrop}
            eventResize={onResize}
            dateClick={onDateClick}
            eventClick={onEventClick}
            eventDidMount={onMount}
          />
        </div>
      </div>
      {pending && (
        <ScopeDialog
          action={pending.kind === "move" ? "move" : "save"}
          onCancel={() => {
            pending.revert();
            setPending(null);
          }}
          onChoose={(scope) => {
            const p = pending;
            setPending(null);
            if (p.kind === "move") void move(p.move, scope, p.revert);
            else void resize(p.resize, scope, p.revert);
          }}
        />
      )}
    </>
  );
}
