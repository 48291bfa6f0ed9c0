import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import { CSS } from "@dnd-kit/utilities";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useEffect, useRef, useState } from "react";
import { Link, useLocation } from "wouter";

import { LeadsTabs } from "./LeadsTabs";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, toApiError, type LeadColumn, type LeadStatus, type LeadSummary } from "../../lib/api";
import { formatTotals } from "../sales/deals";
import { formatMoney, initials } from "../../lib/format";
import { LEAD_STATUSES, RATING_LABELS, STATUS_LABELS } from "./leads";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";
import "../../styles/leads.css";

const CARDS_PER_COLUMN = 50;

/** `columns` with the card moved to `to` (counts follow; totals are refetched after). */
export function moveLead(columns: LeadColumn[], id: string, to: LeadStatus): LeadColumn[] {
  const card = columns.flatMap((c) => c.cards).find((c) => c.id === id);
  if (!card) return columns;
  return columns.map((c) => {
    if (c.status === to) return { ...c, count: c.count + 1, cards: [{ ...card, status: to }, ...c.cards] };
    if (c.cards.some((x) => x.id === id)) return { ...c, count: c.count - 1, cards: c.cards.filter((x) => x.id !== id) };
    return c;
  });
}

export function LeadsBoard() {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const query = { statuses: LEAD_STATUSES, limit: CARDS_PER_COLUMN };
  const boardKey = ["leads", "board"];
  const board = useQuery({ queryKey: boardKey, queryFn: () => api.leads.board(query) });
  useShortcut("n", () => navigate("/leads/new"));
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] } }),
  );
  const [dragging, setDragging] = useState<LeadSummary | null>(null);

  const move = async (lead: LeadSummary, to: LeadStatus) => {
    if (lead.status === to) return;
    if (to === "converted") {
      notify(`To convert ${lead.name}, open the lead and use Convert.`, "info", {
        label: "Open lead",
        run: () => navigate(`/leads/${lead.id}`),
      });
      return;
    }
    const before = client.getQueryData<LeadColumn[]>(boardKey);
    if (before) client.setQueryData<LeadColumn[]>(boardKey, moveLead(before, lead.id, to));
    const from = lead.status;
    try {
      await api.leads.setStatus(lead.id, to);
      notify(`Moved ${lead.name} to ${STATUS_LABELS[to]}`, "info", {
        label: "Undo",
        run: () => {
          api.leads
            .setStatus(lead.id, from)
            .then(() => client.invalidateQueries({ queryKey: ["leads"] }))
            .catch((e: unknown) => notify(toApiError(e).message, "error"));
        },
      });
    } catch (e) {
      if (before) client.setQueryData(boardKey, before);
      notify(`Could not move ${lead.name}: ${toApiError(e).message}`, "error");
    } finally {
      await client.invalidateQueries({ queryKey: ["leads"] });
    }
  };

  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current as { lead: LeadSummary } | undefined)?.lead ?? null);
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const lead = (e.active.data.current as { lead: LeadSummary } | undefined)?.lead;
    const to = e.over?.id as LeadStatus | undefined;
    if (lead && to) void move(lead, to);
  };

  const columns = board.data ?? [];
  const open = columns.filter((c) => c.status !== "converted").reduce((n, c) => n + c.count, 0);
  return (
    <>
      <PageHead title="Leads" sub={board.data ? <span data-testid="leads-board-summary">{open.toLocaleString()} open {open === 1 ? "lead" : "leads"}</span> : " "}>
        <LeadsTabs />
        <Link className="btn primary" href="/leads/new" data-testid="new-leads">
          + New lead
        </Link>
      </PageHead>
      <div className="page-body board-body">
        <div className="filter-bar">
          <span className="spacer" />
          <span className="muted small">Drag cards to change the status, or use Move to… on a card. Converting is done on the lead.</span>
        </div>
        <ErrorBanner error={board.error} />
        {!board.data && !board.error && <div className="muted">Loading…</div>}
        {board.data && (
          <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
            <div className="board" data-testid="leads-board">
              {columns.map((col) => (
                <Column key={col.status} column={col} onMove={(l, s) => void move(l, s)} onOpen={(l) => navigate(`/leads/${l.id}`)} />
              ))}
            </div>
            <DragOverlay dropAnimation={null}>{dragging ? <LeadCardView lead={dragging} overlay /> : null}</DragOverlay>
          </DndContext>
        )}
      </div>
    </>
  );
}

function Column({
  column,
  onMove,
  onOpen,
}: {
  column: LeadColumn;
  onMove: (lead: LeadSummary, to: LeadStatus) => void;
  onOpen: (lead: LeadSummary) => void;
}) {
  const { status, count, estimated, cards } = column;
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const converted = status === "converted";
  const more = count - cards.length;
  return (
    <section
      ref={setNodeRef}
      className={`board-col lead-col status-${status}${isOver ? (converted ? " refuse" : " over") : ""}`}
      data-testid="lead-column"
      data-status={status}
      aria-label={`${STATUS_LABELS[status]}: ${count} leads`}
    >
      <header className="board-col-head">
        <div className="board-col-title">
          <strong>{STATUS_LABELS[status]}</strong>
          <span className="badge subtle" data-testid="column-count">
            {count}
          </span>
        </div>
        <div className="board-col-totals small">
          <span data-testid="column-total" title="Estimated value">
            {formatTotals(estimated)}
          </span>
        </div>
      </header>
      <div className="board-cards">
        {cards.map((lead) => (
          <DraggableLead key={lead.id} lead={lead} onMove={onMove} onOpen={onOpen} />
        ))}
        {converted && isOver && <div className="board-drop-hint small">Open the lead and use Convert.</div>}
        {cards.length === 0 && !isOver && <div className="board-drop-hint muted small">{converted ? "Converted leads appear here" : "No leads"}</div>}
        {more > 0 && (
          <Link className="board-more" href="/leads" data-testid="column-more">
            + {more} more
          </Link>
        )}
      </div>
    </section>
  );
}

const DraggableLead = memo(function DraggableLead({
  lead,
  onMove,
  onOpen,
}: {
  lead: LeadSummary;
  onMove: (lead: LeadSummary, to: LeadStatus) => void;
  onOpen: (lead: LeadSummary) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: lead.id,
    data: { lead },
    disabled: lead.status === "converted",
  });
  const style = transform ? { transform: CSS.Translate.toString(transform) } : undefined;
  return (
    <div
      ref={setNodeRef}
      style={style}
      {...attributes}
      {...listeners}
      className={`deal-card-wrap${isDragging ? " dragging" : ""}`}
      data-testid="lead-card"
      data-lead-id={lead.id}
      aria-roledescription="lead card"
      aria-label={`${lead.name}${lead.company ? `, ${lead.company}` : ""}`}
      onClick={() => onOpen(lead)}
      onKeyDown={(e) => {
        listeners?.onKeyDown?.(e);
        if (e.key === "Enter" && !e.defaultPrevented && e.target === e.currentTarget) onOpen(lead);
      }}
    >
      <LeadCardView lead={lead} />
      {lead.status !== "converted" && <MoveMenu lead={lead} onMove={onMove} />}
    </div>
  );
});

function LeadCardView({ lead, overlay }: { lead: LeadSummary; overlay?: boolean }) {
  return (
    <article className={`deal-card${overlay ? " overlay" : ""}`}>
      <div className="deal-card-name">{lead.name}</div>
      {lead.company && <div className="deal-card-account muted small">{lead.company}</div>}
      <div className="deal-card-row">
        <span className="deal-card-amount">{lead.estimated_value ? formatMoney(lead.estimated_value) : <span className="muted">No estimate</span>}</span>
        {lead.owner_name && (
          <span className="avatar xs" title={lead.owner_name}>
            {initials(lead.owner_name)}
          </span>
        )}
      </div>
      <div className="deal-card-row small muted">
        <span>{lead.source ?? "No source"}</span>
        {lead.rating && <span className={`badge rating-${lead.rating}`}>{RATING_LABELS[lead.rating]}</span>}
      </div>
    </article>
  );
}

function MoveMenu({ lead, onMove }: { lead: LeadSummary; onMove: (lead: LeadSummary, to: LeadStatus) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [open]);
  return (
    <div
      className={`card-move${open ? " open" : ""}`}
      ref={ref}
      onClick={(e) => e.stopPropagation()}
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Escape") setOpen(false);
      }}
    >
      <button
        type="button"
        className="btn small"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Move ${lead.name} to…`}
        data-testid="card-move"
        onClick={() => setOpen((o) => !o)}
      >
        Move to…
      </button>
      {open && (
        <div className="menu-pop" role="menu" data-testid="card-move-menu">
          {LEAD_STATUSES.filter((s) => s !== "converted").map((s) => (
            <button
              key={s}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={s === lead.status}
              data-testid="move-target"
              onClick={() => {
                setOpen(false);
                onMove(lead, s);
              }}
            >
              {STATUS_LABELS[s]}
              {s === lead.status && <span className="muted small"> (now)</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
