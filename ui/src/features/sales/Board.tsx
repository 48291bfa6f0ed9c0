import { type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useEffect, useState } from "react";
import { Link, useLocation } from "wouter";

import { useDealMove } from "./DealMove";
import { DealsTabs } from "./DealsTabs";
import { Kanban, KanbanCard, KanbanColumn } from "../../components/Kanban";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { api, type Board as BoardData, type BoardColumn, type Card, type Stage } from "../../lib/api";
import { days, formatTotals, isPast, moveCard, todayIso } from "./deals";
import { formatDate, formatMoney, initials } from "../../lib/format";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";

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
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const tags = useQuery({ queryKey: qk.tags, queryFn: api.tags });
  const query = {
    pipeline: filters.pipeline || null,
    owner_id: filters.owner_id || null,
    close_month: filters.close_month || null,
    tag: filters.tag || null,
  };
  const boardKey = qk.deals.board(query);
  const board = useQuery({ queryKey: boardKey, queryFn: () => api.deals.board(query) });
  const mover = useDealMove({
    optimistic: (dealId, stage) => {
      const before = client.getQueryData<BoardData>(boardKey);
      if (before) client.setQueryData<BoardData>(boardKey, moveCard(before, dealId, stage.id));
      return () => client.setQueryData(boardKey, before);
    },
  });
  useShortcut("n", () => navigate("/deals/new"));

  const data = board.data;
  const stages = data?.columns.map((c) => c.stage) ?? [];
  const stageOf = (cardId: string) => data?.columns.find((c) => c.cards.some((x) => x.id === cardId))?.stage.id ?? null;
  const requestMove = (card: Card, stage: Stage) => mover.request({ id: card.id, name: card.name, stageId: stageOf(card.id) }, stage);

  const onDrop = (card: Card, stageId: string) => {
    const stage = stages.find((s) => s.id === stageId);
    if (stage) requestMove(card, stage);
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
          <Kanban<Card>
            testId="board"
            onDrop={onDrop}
            overlay={(card) => <CardView card={card} overlay />}
            keyboardCoordinates={columnJump}
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
          </Kanban>
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
  const more = totals.count - cards.length;
  const closed = stage.kind !== "open";
  return (
    <KanbanColumn
      id={stage.id}
      className={(isOver) => `board-col kind-${stage.kind}${isOver ? " over" : ""}`}
      testId="board-column"
      data={{ "data-stage": stage.name }}
      label={`${stage.name}: ${totals.count} deals`}
      head={
        <>
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
        </>
      }
    >
      {() => (
        <>
          {cards.map((card) => (
            <DraggableCard key={card.id} card={card} stage={stage} stages={stages} onMove={onMove} onOpen={onOpen} />
          ))}
          {cards.length === 0 && <div className="board-drop-hint muted small">{closed ? `Drop here: ${stage.name}` : "No deals"}</div>}
          {more > 0 && (
            <Link className="board-more" href={`/deals/list?stage=${encodeURIComponent(stage.id)}`} data-testid="column-more">
              + {more} more
            </Link>
          )}
        </>
      )}
    </KanbanColumn>
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
  return (
    <KanbanCard
      id={card.id}
      item={card}
      testId="deal-card"
      data={{ "data-deal-id": card.id }}
      roleDescription="deal card"
      label={`${card.name}${card.account_name ? `, ${card.account_name}` : ""}`}
      name={card.name}
      onOpen={onOpen}
      move={{
        targets: stages.map((s) => ({ id: s.id, label: s.name, current: s.id === stage.id })),
        onMove: (c, to) => {
          const target = stages.find((s) => s.id === to);
          if (target) onMove(c, target);
        },
      }}
    >
      <CardView card={card} closed={stage.kind !== "open"} />
    </KanbanCard>
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
