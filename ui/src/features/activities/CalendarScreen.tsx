import type { DatesSetArg, EventClickArg, EventDropArg, EventMountArg } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin, { type DateClickArg, type EventResizeDoneArg } from "@fullcalendar/interaction";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";

import { useActivityDialog } from "./ActivityDialog";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { WhoAmI } from "../../components/WhoAmI";
import { DayList } from "./DayList";
import { ScopeDialog } from "./ScopeDialog";
import { useNotify } from "../../components/Toasts";
import {
  KIND_COLORS,
  MONTH_PER_DAY,
  clickTarget,
  dropDecision,
  entriesToEvents,
  icsExportMessage,
  icsFileName,
  loadWhose,
  monthToEvents,
  ownerFor,
  rescheduleArgs,
  resizeDecision,
  saveWhose,
  uses12Hour,
  whoseFromValue,
  whoseValue,
  type DropDecision,
  type ResizeDecision,
  type Whose,
} from "./calendar";
import { KINDS, KIND_LABELS, atTime, buildInput, formFromActivity, formatWhen } from "./activities";
import { api, toApiError, type CalendarEntry, type Scope } from "../../lib/api";
import { invalidateActivities } from "../../lib/invalidate";
import { useKey } from "../../lib/useShortcut";
import { qk } from "../../lib/queryKeys";

type Move = Extract<DropDecision, { action: "reschedule" }>;
type Resize = Extract<ResizeDecision, { action: "resize" }>;
type Pending = { kind: "move"; move: Move; revert: () => void } | { kind: "resize"; resize: Resize; revert: () => void };

/** Month, week and day calendar of my activities (or everyone's, or a team member's), with
 * drag-and-drop rescheduling. The month grid shows each day's first few items and "+K more",
 * which opens that day's full list. */
export function CalendarScreen() {
  const client = useQueryClient();
  const notify = useNotify();
  const openDialog = useActivityDialog();
  const calendarRef = useRef<FullCalendar>(null);
  const [range, setRange] = useState<{ from: Date; to: Date; view: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [exporting, setExporting] = useState(false);
  const [day, setDay] = useState<string | null>(null);
  const [whose, setWhose] = useState<Whose>(loadWhose);
  useEffect(() => saveWhose(whose), [whose]);
  const me = useQuery({ queryKey: qk.calendar.me, queryFn: api.team.me, staleTime: 0 });
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const { owner, notice } = ownerFor(whose, me.data ?? null, team.data ?? []);
  const from = range?.from.toISOString() ?? "";
  const to = range?.to.toISOString() ?? "";
  const month = range?.view === "dayGridMonth";
  // Wait for who "me" is, so that "Mine" never flashes everyone's calendar first.
  const ready = range !== null && !me.isPending;
  const entries = useQuery({
    queryKey: qk.calendar.range(from, to, owner),
    queryFn: () => api.calendar(from, to, owner),
    enabled: ready && !month,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const grid = useQuery({
    queryKey: qk.calendar.month(from, to, owner),
    queryFn: () => api.calendarMonth(from, to, owner, MONTH_PER_DAY),
    enabled: ready && month,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const shown = month ? grid : entries;
  const events = useMemo(
    () => (month ? monthToEvents(grid.data ?? []) : entriesToEvents(entries.data ?? [])),
    [month, grid.data, entries.data],
  );
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
    const more = info.event.extendedProps.more as { date: string } | undefined;
    if (more) {
      setDay(more.date);
      return;
    }
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
        <div className="chip-row" role="group" aria-label="Whose calendar" data-testid="calendar-whose">
          {(["mine", "everyone"] as const).map((w) => (
            <button
              key={w}
              className={`fchip${whose === w ? " on" : ""}`}
              aria-pressed={whose === w}
              onClick={() => setWhose(w)}
              data-testid={`calendar-${w}`}
            >
              {w === "mine" ? "Mine" : "Everyone"}
            </button>
          ))}
          {(team.data?.length ?? 0) > 0 && (
            <select
              className={`input fchip-select${typeof whose === "object" ? " on" : ""}`}
              aria-label="A team member's calendar"
              data-testid="calendar-member"
              value={typeof whose === "object" ? whoseValue(whose) : ""}
              onChange={(e) => setWhose(e.target.value ? whoseFromValue(e.target.value) : "mine")}
            >
              <option value="">Someone’s…</option>
              {team.data?.map((m) => (
                <option key={m.id} value={`member:${m.id}`}>
                  {m.name}
                </option>
              ))}
            </select>
          )}
        </div>
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
        {notice && <WhoAmI notice={notice} askWho={whose === "mine"} testId="calendar-me-hint" selectTestId="calendar-me-select" />}
        <ErrorBanner error={shown.error ? toApiError(shown.error) : null} />
        <div className="calendar-wrap" data-testid="calendar">
          <FullCalendar
            plugins={[dayGridPlugin, timeGridPlugin, interactionPlugin]}
            initialView="timeGridWeek"
            ref={calendarRef}
            headerToolbar={{ left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay" }}
            buttonText={{ today: "Today", month: "Month", week: "Week", day: "Day" }}
            firstDay={1}
            height="100%"
            nowIndicator
            editable
            dayMaxEvents={4}
            views={{ dayGridMonth: { dayMaxEvents: false } }}
            eventOrder="order,start,-duration,allDay,title"
            scrollTime="07:30:00"
            allDayText="All day"
            slotLabelFormat={{ hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12 }}
            eventTimeFormat={{ hour: hour12 ? "numeric" : "2-digit", minute: "2-digit", hour12 }}
            events={events}
            datesSet={(arg: DatesSetArg) => setRange({ from: arg.start, to: arg.end, view: arg.view.type })}
            eventDrop={onDrop}
            eventResize={onResize}
            dateClick={onDateClick}
            eventClick={onEventClick}
            eventDidMount={onMount}
          />
        </div>
      </div>
      {day && (
        <DayList
          date={day}
          owner={owner}
          onClose={() => setDay(null)}
          onOpen={(entry) => {
            setDay(null);
            openDialog({ mode: "edit", id: clickTarget(entry) });
          }}
          onDayView={(date) => {
            setDay(null);
            calendarRef.current?.getApi().changeView("timeGridDay", date);
          }}
        />
      )}
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

