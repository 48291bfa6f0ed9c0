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
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { CSS } from "@dnd-kit/utilities";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useEffect, useRef, useState } from "react";
import { Link, useLocation } from "wouter";

import { useDealMove } from "./DealMove";
import { DealsTabs } from "./DealsTabs";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { api, type Board as BoardData, type BoardColumn, type Card, type Stage } from "../../lib/api";
import { days, formatTotals, isPast, moveCard, todayIso } from "./deals";
import { formatDate, formatMoney, initials } from "../../lib/format";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";

type Filters = { pipeline: string; owner_id: string; close_month: string; tag: string };
const NO_FILTERS: Filters = { pipeline: "", owner_id: "", close_month: "", tag: "" };
const FILTERS_KEY = "rapport.board.filters";

function loadFilters(): Filters {
  try {
    return { ...NO_FILTERS, ...(JSON.parse(localStorage.getItem(FILTERS_KEY) ?? "{}") as Partial<Filters>) };
  } catch {
    return NO_FILTERS;
  }
}

/** Arrow keys jump from column to column while a card is picked up with the keyboard. */
const columnJump: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const rects = [...context.droppableRects.values()].sort((a, b) => a.left - b.left);
  if (rects.length === 0) return undefined;
  const x = currentCoordinates.x;
  let index = rects.findIndex((r) => x >= r.left && x <= r.right);
  if (index < 0) index = 0;
  const step = event.code === "ArrowRight" ? 1 : event.code === "ArrowLeft" ? -1 : 0;
  if (event.code === "ArrowDown") return { ...currentCoordinates, y: currentCoordinates.y + 40 };
  if (event.code === "ArrowUp") return { ...currentCoordinates, y: currentCoordinates.y - 40 };
  if (step === 0) return undefined;
  event.preventDefault();
  const next = rects[Math.min(rects.length - 1, Math.max(0, index + step))];
  if (!next) return undefined;
  return { x: next.left + Math.min(next.width / 2, 60), y: Math.max(currentCoordinates.y, next.top + 20) };
};

export function Board() {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const [filters, setFilters] = useState<Filters>(loadFilters);
  useEffect(() => {
    localStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
  }, [filters]);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const pipelines = useQuery({ queryKey: ["pipelines"], queryFn: api.pipelines.list });
  const team = useQuery({ queryKey: ["team"], queryFn: api.team.list });
  const tags = useQuery({ queryKey: ["tags"], queryFn: api.tags });
  const query = {
    pipeline: filters.pipeline || null,
    owner_id: filters.owner_id || null,
    close_month: filters.close_month || null,
    tag: filters.tag || null,
  };
  const boardKey = ["deals", "board", query];
  const board = useQuery({ queryKey: boardKey, queryFn: () => api.deals.board(query) });
  const mover = useDealMove({
    optimistic: (dealId, stage) => {
      const before = client.getQueryData<BoardData>(boardKey);
      if (before) client.setQueryData<BoardData>(boardKey, moveCard(before, dealId, stage.id));
      return () => client.setQueryData(boardKey, before);
    },
  });
  useShortcut("n", () => navigate("/deals/new"));

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: columnJump,
      keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] },
    }),
  );
  const [dragging, setDragging] = useState<Card | null>(null);
  const data = board.data;
  const stages = data?.columns.map((c) => c.stage) ?? [];
  const stageOf = (cardId: string) => data?.columns.find((c) => c.cards.some((x) => x.id === cardId))?.stage.id ?? null;
  const requestMove = (card: Card, stage: Stage) => mover.request({ id: card.id, name: card.name, stageId: stageOf(card.id) }, stage);

  const onDragStart = (e: DragStartEvent) => {
    setDragging((e.active.data.current as { card: Card } | undefined)?.card ?? null);
  };
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const card = (e.active.data.current as { card: Card } | undefined)?.card;
    const stage = stages.find((s) => s.id === e.over?.id);
    if (card && stage) requestMove(card, stage);
  };

  const open = data?.columns.filter((c) => c.stage.kind === "open") ?? [];
  const closed = data?.columns.filter((c) => c.stage.kind !== "open") ?? [];
  const filtered = Boolean(filters.owner_id || filters.close_month || filters.tag);

  return (
    <>
      <PageHead
        title="Deals"
        sub={
          data ? (
            <span data-testid="board-summary">
              {data.open.count} open {data.open.count === 1 ? "deal" : "deals"} · {formatTotals(data.open.amount)} ·{" "}
              <span title="Amount × probability">weighted {formatTotals(data.open.weighted)}</span>
            </span>
          ) : (
            " "
          )
        }
      >
        <DealsTabs />
        <Link className="btn primary" href="/deals/new" data-testid="new-deal">
          + New deal
        </Link>
      </PageHead>
      <div className="page-body board-body">
        <div className="filter-bar" data-testid="board-filters">
          {(pipelines.data?.length ?? 0) > 1 && (
            <select
              className="input"
              aria-label="Pipeline"
              data-testid="pipeline-select"
              value={filters.pipeline || data?.pipeline_id || ""}
              onChange={(e) => set({ pipeline: e.target.value })}
            >
              {pipelines.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
          <select
            className="input"
            aria-label="Filter by owner"
            data-testid="filter-owner"
            value={filters.owner_id}
            onChange={(e) => set({ owner_id: e.target.value })}
          >
            <option value="">Any owner</option>
            <option value="none">Unassigned</option>
            {team.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <input
            className="input"
            type="month"
            aria-label="Expected close month"
            title="Expected close month"
            data-testid="filter-close-month"
            value={filters.close_month}
            onChange={(e) => set({ close_month: e.target.value })}
          />
          <select
            className="input"
            aria-label="Filter by tag"
            data-testid="filter-tag"
            value={filters.tag}
            onChange={(e) => set({ tag: e.target.value })}
          >
            <option value="">Any tag</option>
            {tags.data?.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          {filtered && (
            <button className="btn ghost" onClick={() => setFilters({ ...NO_FILTERS, pipeline: filters.pipeline })}>
              Clear filters
            </button>
          )}
          <span className="spacer" />
          <span className="muted small">Drag cards, or focus one and press Space, then ← → and Space.</span>
        </div>
        <ErrorBanner error={board.error} />
        {!data && !board.error && <div className="muted">Loading…</div>}
        {data && (
          <DndContext
            sensors={sensors}
            onDragStart={onDragStart}
            onDragEnd={onDragEnd}
            onDragCancel={() => setDragging(null)}
            accessibility={{
              screenReaderInstructions: {
                draggable: "Press Space to pick up the deal, the arrow keys to choose a stage, Space to drop it, Escape to cancel.",
              },
              announcements: {
                onDragStart: () => "Picked up the deal.",
                onDragOver: ({ over }) => (over ? `Over ${stages.find((s) => s.id === over.id)?.name ?? "a stage"}.` : "Not over a stage."),
                onDragEnd: ({ over }) => (over ? `Dropped on ${stages.find((s) => s.id === over.id)?.name ?? "a stage"}.` : "Dropped outside the stages."),
                onDragCancel: () => "Cancelled.",
              },
            }}
          >
            <div className="board" data-testid="board">
              {open.map((col) => (
                <Column key={col.stage.id} column={col} stages={stages} onMove={requestMove} onOpen={(c) => navigate(`/deals/${c.id}`)} />
              ))}
              {closed.length > 0 && (
                <div className="board-closed">
                  <div className="board-closed-label muted small">Won / lost, last 30 days</div>
                  {closed.map((col) => (
                    <Column key={col.stage.id} column={col} stages={stages} onMove={requestMove} onOpen={(c) => navigate(`/deals/${c.id}`)} />
                  ))}
                </div>
              )}
            </div>
            <DragOverlay dropAnimation={null}>{dragging ? <CardView card={dragging} overlay /> : null}</DragOverlay>
          </DndContext>
        )}
        {data && data.open.count === 0 && !filtered && (
          <div className="empty" data-testid="board-empty">
            <h2>No open deals yet</h2>
            <p className="muted">Add a deal to follow it from first contact to signature.</p>
            <Link className="btn primary" href="/deals/new">
              + New deal
            </Link>
          </div>
        )}
      </div>
      {mover.dialog}
    </>
  );
}

function Column({
  column,
  stages,
  onMove,
  onOpen,
}: {
  column: BoardColumn;
  stages: Stage[];
  onMove: (card: Card, stage: Stage) => void;
  onOpen: (card: Card) => void;
}) {
  const { stage, totals, cards } = column;
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const more = totals.count - cards.length;
  const closed = stage.kind !== "open";
  return (
    <section
      ref={setNodeRef}
      className={`board-col kind-${stage.kind}${isOver ? " over" : ""}`}
      data-testid="board-column"
      data-stage={stage.name}
      aria-label={`${stage.name}: ${totals.count} deals`}
    >
      <header className="board-col-head">
        <div className="board-col-title">
          <strong>{stage.name}</strong>
          <span className="badge subtle" data-testid="column-count">
            {totals.count}
          </span>
          {!closed && (
            <span className="muted small" title="Default probability">
              {stage.probability}%
            </span>
          )}
        </div>
        <div className="board-col-totals small">
          <span data-testid="column-total">{formatTotals(totals.amount)}</span>
          {!closed && (
            <span className="muted" data-testid="column-weighted" title="Weighted: amount × probability">
              ≈ {formatTotals(totals.weighted)}
            </span>
          )}
        </div>
      </header>
      <div className="board-cards">
        {cards.map((card) => (
          <DraggableCard key={card.id} card={card} stage={stage} stages={stages} onMove={onMove} onOpen={onOpen} />
        ))}
        {cards.length === 0 && <div className="board-drop-hint muted small">{closed ? `Drop here: ${stage.name}` : "No deals"}</div>}
        {more > 0 && (
          <Link className="board-more" href={`/deals/list?stage=${encodeURIComponent(stage.id)}`} data-testid="column-more">
            + {more} more
          </Link>
        )}
      </div>
    </section>
  );
}

const DraggableCard = memo(function DraggableCard({
  card,
  stage,
  stages,
  onMove,
  onOpen,
}: {
  card: Card;
  stage: Stage;
  stages: Stage[];
  onMove: (card: Card, stage: Stage) => void;
  onOpen: (card: Card) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: card.id, data: { card } });
  const style = transform ? { transform: CSS.Translate.toString(transform) } : undefined;
  return (
    <div
      ref={setNodeRef}
      style={style}
      {...attributes}
      {...listeners}
      className={`deal-card-wrap${isDragging ? " dragging" : ""}`}
      data-testid="deal-card"
      data-deal-id={card.id}
      aria-roledescription="deal card"
      aria-label={`${card.name}${card.account_name ? `, ${card.account_name}` : ""}`}
      onClick={() => onOpen(card)}
      onKeyDown={(e) => {
        listeners?.onKeyDown?.(e);
        if (e.key === "Enter" && !e.defaultPrevented && e.target === e.currentTarget) onOpen(card);
      }}
    >
      <CardView card={card} closed={stage.kind !== "open"} />
      <MoveMenu card={card} current={stage} stages={stages} onMove={onMove} />
    </div>
  );
});

/** Whole days since the newest done activity, else since the deal entered its stage. */
function quietDays(card: Card): number {
  if (!card.last_activity_at) return card.days_in_stage;
  const since = Math.floor((Date.now() - Date.parse(card.last_activity_at)) / 86_400_000);
  return Math.max(0, Math.min(since, card.days_in_stage));
}

function CardView({ card, overlay, closed }: { card: Card; overlay?: boolean; closed?: boolean }) {
  const past = isPast(card.expected_close, todayIso());
  const quiet = `No activity for ${days(quietDays(card))}`;
  return (
    <article
      className={`deal-card${card.rotting ? " rotting" : ""}${overlay ? " overlay" : ""}`}
      title={card.rotting ? quiet : undefined}
    >
      <div className="deal-card-name">{card.name}</div>
      {card.account_name && <div className="deal-card-account muted small">{card.account_name}</div>}
      <div className="deal-card-row">
        <span className="deal-card-amount">{card.amount ? formatMoney(card.amount) : <span className="muted">No amount</span>}</span>
        {card.owner_name && (
          <span className="avatar xs" title={card.owner_name}>
            {initials(card.owner_name)}
          </span>
        )}
      </div>
      {closed && card.closed_on && <div className="deal-card-row small muted">Closed {formatDate(card.closed_on)}</div>}
      {!closed && (
        <div className="deal-card-row small muted">
          {card.expected_close ? (
            <span className={past ? "overdue" : undefined} data-testid={past ? "close-overdue" : undefined} title={past ? "Expected close date has passed" : "Expected close"}>
              {formatDate(card.expected_close)}
            </span>
          ) : (
            <span>No close date</span>
        )}
        <span title="Days in this stage">
          {card.rotting && (
            <span className="rot-dot" data-testid="rotting" aria-label={quiet}>
              ●{" "}
            </span>
          )}
          {days(card.days_in_stage)}
        </span>
      </div>
      )}
    </article>
  );
}

function MoveMenu({ card, current, stages, onMove }: { card: Card; current: Stage; stages: Stage[]; onMove: (card: Card, stage: Stage) => void }) {
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
        aria-label={`Move ${card.name} to…`}
        data-testid="card-move"
        onClick={() => setOpen((o) => !o)}
      >
        Move to…
      </button>
      {open && (
        <div className="menu-pop" role="menu" data-testid="card-move-menu">
          {stages.map((s) => (
            <button
              key={s.id}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={s.id === current.id}
              data-testid="move-target"
              onClick={() => {
                setOpen(false);
                onMove(card, s);
              }}
            >
              {s.name}
              {s.id === current.id && <span className="muted small"> (now)</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
