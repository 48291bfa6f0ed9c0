import { useQuery, useQueryClient } from "@tanstack/react-query";
import { memo } from "react";
import { Link, useLocation } from "wouter";

import { LeadsTabs } from "./LeadsTabs";
import { Kanban, KanbanCard, KanbanColumn } from "../../components/Kanban";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, toApiError, type LeadColumn, type LeadStatus, type LeadSummary } from "../../lib/api";
import { formatTotals } from "../sales/deals";
import { formatMoney, initials } from "../../lib/format";
import { LEAD_STATUSES, RATING_LABELS, STATUS_LABELS } from "./leads";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/deals.css";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

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
  const boardKey = qk.leads.board;
  const board = useQuery({ queryKey: boardKey, queryFn: () => api.leads.board(query) });
  useShortcut("n", () => navigate("/leads/new"));

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
            .then(() => client.invalidateQueries({ queryKey: qk.leads.all }))
            .catch((e: unknown) => notify(toApiError(e).message, "error"));
        },
      });
    } catch (e) {
      if (before) client.setQueryData(boardKey, before);
      notify(`Could not move ${lead.name}: ${toApiError(e).message}`, "error");
    } finally {
      await client.invalidateQueries({ queryKey: qk.leads.all });
    }
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
          <Kanban<LeadSummary> testId="leads-board" onDrop={(lead, to) => void move(lead, to as LeadStatus)} overlay={(lead) => <LeadCardView lead={lead} overlay />}>
            {columns.map((col) => (
              <Column key={col.status} column={col} onMove={(l, s) => void move(l, s)} onOpen={(l) => navigate(`/leads/${l.id}`)} />
            ))}
          </Kanban>
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
  const converted = status === "converted";
  const more = count - cards.length;
  return (
    <KanbanColumn
      id={status}
      className={(isOver) => `board-col lead-col status-${status}${isOver ? (converted ? " refuse" : " over") : ""}`}
      testId="lead-column"
      data={{ "data-status": status }}
      label={`${STATUS_LABELS[status]}: ${count} leads`}
      head={
        <>
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
        </>
      }
    >
      {(isOver) => (
        <>
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
        </>
      )}
    </KanbanColumn>
  );
}

/** Where the "Move to…" menu can send a lead: any status but Converted, which is done on the lead. */
const MOVE_TO = LEAD_STATUSES.filter((s) => s !== "converted");

const DraggableLead = memo(function DraggableLead({
  lead,
  onMove,
  onOpen,
}: {
  lead: LeadSummary;
  onMove: (lead: LeadSummary, to: LeadStatus) => void;
  onOpen: (lead: LeadSummary) => void;
}) {
  const converted = lead.status === "converted";
  return (
    <KanbanCard
      id={lead.id}
      item={lead}
      testId="lead-card"
      data={{ "data-lead-id": lead.id }}
      roleDescription="lead card"
      label={`${lead.name}${lead.company ? `, ${lead.company}` : ""}`}
      name={lead.name}
      disabled={converted}
      onOpen={onOpen}
      move={
        converted
          ? undefined
          : {
              targets: MOVE_TO.map((s) => ({ id: s, label: STATUS_LABELS[s], current: s === lead.status })),
              onMove: (l, to) => onMove(l, to as LeadStatus),
            }
      }
    >
      <LeadCardView lead={lead} />
    </KanbanCard>
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
