import { useQuery } from "@tanstack/react-query";

import { LeadsTabs } from "./LeadsTabs";
import { ListScreen } from "../../components/ListScreen";
import type { Column } from "../../components/SortableTable";
import { api, type LeadSort, type LeadSummary } from "../../lib/api";
import { formatDate, formatMoney, initials } from "../../lib/format";
import { LEAD_STATUSES, RATING_LABELS, RATINGS, STATUS_LABELS } from "./leads";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";
import { countOf } from "../../lib/count";

const dash = <span className="muted">—</span>;

const columns: Column<LeadSummary, LeadSort>[] = [
  {
    id: "name",
    width: "16%",
    sort: "name",
    label: "Name",
    render: (l) => (
      <span className="name-cell">
        <span className="avatar">{initials(l.name)}</span>
        {l.name}
      </span>
    ),
  },
  { id: "company", width: "13%", sort: "company", label: "Company", render: (l) => l.company ?? dash },
  {
    id: "status",
    // Fixed, so the longest badge ("Unqualified") fits however narrow the window.
    width: "136px",
    sort: "status",
    label: "Status",
    render: (l) => <span className={`badge lead-status status-${l.status}`}>{STATUS_LABELS[l.status]}</span>,
  },
  {
    id: "rating",
    width: "9%",
    sort: "rating",
    label: "Rating",
    render: (l) => (l.rating ? <span className={`badge rating-${l.rating}`}>{RATING_LABELS[l.rating]}</span> : dash),
  },
  { id: "source", width: "10%", label: "Source", render: (l) => l.source ?? dash },
  {
    id: "estimated",
    width: "10%",
    sort: "estimated_value",
    label: "Estimated",
    render: (l) => (l.estimated_value ? formatMoney(l.estimated_value) : dash),
  },
  { id: "owner", width: "9%", label: "Owner", render: (l) => l.owner_name ?? dash },
  { id: "created", width: "12%", sort: "created_at", label: "Created", render: (l) => formatDate(l.created_at) },
];

export function LeadsList() {
  const sources = useQuery({ queryKey: qk.leads.sources, queryFn: api.leads.sources });
  return (
    <ListScreen
      entity="leads"
      title="Leads"
      headExtra={<LeadsTabs />}
      countLabel={(n, capped) => countOf(n, capped, "lead", "leads")}
      noun={["lead", "leads"]}
      rowTestId="lead-row"
      ownerActionLabel="Assign to…"
      extraFilters={(f, set) => (
        <>
          <select
            className="input"
            aria-label="Filter by status"
            data-testid="filter-status"
            value={(f.statuses as string[] | undefined)?.[0] ?? ""}
            onChange={(e) => set({ statuses: e.target.value ? [e.target.value] : [] })}
          >
            <option value="">All but converted</option>
            {LEAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <select
            className="input"
            aria-label="Filter by rating"
            data-testid="filter-rating"
            value={(f.rating as string | undefined) ?? ""}
            onChange={(e) => set({ rating: e.target.value || null })}
          >
            <option value="">Any rating</option>
            {RATINGS.map((r) => (
              <option key={r} value={r}>
                {RATING_LABELS[r]}
              </option>
            ))}
          </select>
          <select
            className="input"
            aria-label="Filter by source"
            data-testid="filter-source"
            value={(f.source as string | undefined) ?? ""}
            onChange={(e) => set({ source: e.target.value || null })}
          >
            <option value="">Any source</option>
            {sources.data?.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </>
      )}
      columns={columns}
      defaultSort="created_at"
      load={(q) => api.leads.list(q)}
      filterPlaceholder="Filter by name, company, e-mail, phone"
      newLabel="New lead"
      empty={{
        title: "No leads yet",
        text: "Leads are people who might buy: web-form sign-ups, trade-fair contacts, or people promoted from a call list.",
      }}
    />
  );
}
