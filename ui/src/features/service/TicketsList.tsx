import { useQuery } from "@tanstack/react-query";

import { ListScreen, type Filters } from "../../components/ListScreen";
import type { Column } from "../../components/SortableTable";
import { WhoAmI } from "../../components/WhoAmI";
import { api, type QueueCounts, type TicketQueue, type TicketSort, type TicketSummary } from "../../lib/api";
import {
  CATEGORIES,
  CATEGORY_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  QUEUES,
  TICKET_STATUS_LABELS,
  slaSummary,
} from "./tickets";
import "../../styles/tickets.css";
import { qk } from "../../lib/queryKeys";
import { countOf } from "../../lib/count";

const dash = <span className="muted">—</span>;

export function SlaCell({ sla }: { sla: TicketSummary["sla"] }) {
  const { text, tone } = slaSummary(sla);
  return (
    <span className={`sla sla-${tone}`} data-testid="ticket-sla-cell" data-tone={tone}>
      {text}
    </span>
  );
}

export function PriorityPill({ priority }: { priority: TicketSummary["priority"] }) {
  return <span className={`badge prio-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

export function StatusPill({ status, testId }: { status: TicketSummary["status"]; testId?: string }) {
  return (
    <span className={`badge tstatus-${status}`} data-testid={testId}>
      {TICKET_STATUS_LABELS[status]}
    </span>
  );
}

const columns: Column<TicketSummary, TicketSort>[] = [
  {
    id: "number",
    width: "64px",
    sort: "number",
    label: "#",
    render: (t) => <span className="ticket-number">#{t.number}</span>,
  },
  { id: "name", width: "26%", sort: "subject", label: "Subject", render: (t) => <strong>{t.subject}</strong> },
  {
    id: "account",
    width: "15%",
    label: "Account",
    render: (t) => t.account_name ?? t.contact_name ?? dash,
  },
  { id: "priority", width: "92px", sort: "priority", label: "Priority", render: (t) => <PriorityPill priority={t.priority} /> },
  { id: "status", width: "168px", sort: "status", label: "Status", render: (t) => <StatusPill status={t.status} /> },
  { id: "owner", width: "11%", label: "Owner", render: (t) => t.owner_name ?? dash },
  { id: "sla", width: "130px", sort: "due", label: "SLA", render: (t) => <SlaCell sla={t.sla} /> },
];

type CountKey = Exclude<keyof QueueCounts, "me">;

/** The queue tabs, each with how many tickets it holds. */
export function QueueTabs({ active, onChange }: { active: TicketQueue; onChange: (queue: TicketQueue) => void }) {
  const counts = useQuery({ queryKey: qk.tickets.counts, queryFn: api.tickets.counts });
  // The counts call covers the working queues; resolved and all are the totals of their lists.
  const resolved = useQuery({
    queryKey: qk.tickets.total("resolved"),
    queryFn: () => api.tickets.list({ queue: "resolved", limit: 1 }),
  });
  const all = useQuery({ queryKey: qk.tickets.total("all"), queryFn: () => api.tickets.list({ queue: "all", limit: 1 }) });
  const countOf = (queue: TicketQueue): number | null => {
    if (queue === "resolved") return resolved.data?.total ?? null;
    if (queue === "all") return all.data?.total ?? null;
    return counts.data ? counts.data[queue as CountKey] : null;
  };
  return (
    <div className="queue-tabs" role="tablist" aria-label="Ticket queues" data-testid="ticket-queues">
      {QUEUES.map(({ queue, label }) => {
        const n = countOf(queue);
        const alert = queue === "breached" && (n ?? 0) > 0;
        const warn = queue === "breaching_soon" && (n ?? 0) > 0;
        return (
          <button
            key={queue}
            type="button"
            role="tab"
            aria-selected={active === queue}
            className={`queue-tab${active === queue ? " active" : ""}${alert ? " alert" : ""}${warn ? " warn" : ""}`}
            data-testid={`queue-${queue}`}
            onClick={() => onChange(queue)}
          >
            {label}
            <span className="queue-count" data-testid={`queue-count-${queue}`}>
              {n === null ? "…" : n.toLocaleString()}
            </span>
          </button>
        );
      })}
    </div>
  );
}


function queueOf(filters: Filters): TicketQueue {
  return (filters.queue as TicketQueue | undefined) ?? "open";
}

const NO_MATCH: Partial<Record<TicketQueue, string>> = {
  open: "No open tickets. All caught up.",
  mine: "Nothing assigned to you is open.",
  breaching_soon: "No ticket is close to its SLA target.",
  breached: "No ticket is past its SLA target.",
  waiting: "No ticket is waiting on a customer.",
  resolved: "No resolved tickets yet.",
};

export function TicketsList() {
  const counts = useQuery({ queryKey: qk.tickets.counts, queryFn: api.tickets.counts });
  return (
    <div className="screen-col" data-testid="tickets-screen">
      <ListScreen
        entity="tickets"
        title="Tickets"
        countLabel={(n, capped) => countOf(n, capped, "ticket", "tickets")}
        noun={["ticket", "tickets"]}
        rowTestId={(t) => `ticket-row-${t.number}`}
        newTestId="new-ticket"
        initialFilters={{ queue: "open" }}
        ownerActionLabel="Assign to…"
        above={(f, set) => (
          <>
            <QueueTabs active={queueOf(f)} onChange={(queue) => set({ queue })} />
            {queueOf(f) === "mine" && counts.data && counts.data.me === null && <WhoAmI notice="“Mine” shows the tickets you own. Who are you?" testId="mine-hint" selectTestId="me-select" />}
          </>
        )}
        noMatch={(f, search) =>
          search || Object.entries(f).some(([k, v]) => k !== "queue" && (Array.isArray(v) ? v.length > 0 : Boolean(v)))
            ? "Nothing matches these filters."
            : (NO_MATCH[queueOf(f)] ?? "No tickets here.")
        }
        extraFilters={(f, set) => (
          <>
            <select
              className="input"
              aria-label="Filter by priority"
              data-testid="filter-priority"
              value={(f.priority as string | undefined) ?? ""}
              onChange={(e) => set({ priority: e.target.value || null })}
            >
              <option value="">Any priority</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABELS[p]}
                </option>
              ))}
            </select>
            <select
              className="input"
              aria-label="Filter by category"
              data-testid="filter-category"
              value={(f.category as string | undefined) ?? ""}
              onChange={(e) => set({ category: e.target.value || null })}
            >
              <option value="">Any category</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          </>
        )}
        columns={columns}
        defaultSort="due"
        load={(q) => api.tickets.list(q)}
        filterPlaceholder="Filter by subject, number, account, contact"
        newLabel="New ticket"
        empty={{
          title: "No tickets yet",
          text: "Tickets are your customers' questions, problems, complaints and callback requests, each with its SLA clocks.",
        }}
      />
    </div>
  );
}
