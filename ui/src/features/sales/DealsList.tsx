import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "wouter";

import { DealsTabs } from "./DealsTabs";
import { ListScreen } from "../../components/ListScreen";
import type { Column } from "../../components/SortableTable";
import { api, type OpportunitySort, type OpportunitySummary } from "../../lib/api";
import { isPast } from "./deals";
import { formatDate, formatMoney, initials } from "../../lib/format";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";
import { countOf } from "../../lib/count";

const dash = <span className="muted">—</span>;

const columns: Column<OpportunitySummary, OpportunitySort>[] = [
  {
    id: "name",
    width: "22%",
    sort: "name",
    label: "Name",
    render: (d) => (
      <span className="name-cell">
        <span className="avatar square">{initials(d.name)}</span>
        {d.name}
      </span>
    ),
  },
  { id: "account", width: "15%", label: "Account", render: (d) => d.account_name ?? dash },
  {
    id: "stage",
    width: "13%",
    sort: "stage",
    label: "Stage",
    render: (d) =>
      d.stage_kind === "open" ? d.stage_name : <span className={`badge ${d.stage_kind === "won" ? "ok" : "danger"}`}>{d.stage_name}</span>,
  },
  {
    id: "amount",
    width: "12%",
    sort: "amount",
    label: "Amount",
    render: (d) => (d.amount ? formatMoney(d.amount) : dash),
  },
  { id: "probability", width: "7%", label: "Prob.", render: (d) => `${d.probability}%` },
  {
    id: "close",
    width: "14%",
    sort: "expected_close",
    label: "Close",
    render: (d) =>
      d.expected_close ? (
        <span className={d.stage_kind === "open" && isPast(d.expected_close) ? "overdue" : undefined}>{formatDate(d.expected_close)}</span>
      ) : (
        dash
      ),
  },
  { id: "owner", width: "14%", label: "Owner", render: (d) => d.owner_name ?? dash },
];

export function DealsList() {
  const [params] = useSearchParams();
  const stageParam = params.get("stage");
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const multi = (pipelines.data?.length ?? 0) > 1;
  return (
    <ListScreen
      key={stageParam ?? ""}
      entity="opportunities"
      routeBase="/deals"
      title="Deals"
      headExtra={<DealsTabs />}
      initialFilters={stageParam ? { stage: stageParam } : {}}
      countLabel={(n, capped) => countOf(n, capped, "deal", "deals")}
      noun={["deal", "deals"]}
      extraFilters={(f, set) => (
        <>
          <select
            className="input"
            aria-label="Filter by status"
            data-testid="filter-status"
            value={(f.status as string | undefined) ?? ""}
            onChange={(e) => set({ status: e.target.value || null })}
          >
            <option value="">Open, won and lost</option>
            <option value="open">Open</option>
            <option value="won">Won</option>
            <option value="lost">Lost</option>
          </select>
          <select
            className="input"
            aria-label="Filter by stage"
            data-testid="filter-stage"
            value={(f.stage as string | undefined) ?? ""}
            onChange={(e) => set({ stage: e.target.value || null })}
          >
            <option value="">Any stage</option>
            {pipelines.data?.map((p) =>
              p.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {multi ? `${p.name}: ${s.name}` : s.name}
                </option>
              )),
            )}
          </select>
        </>
      )}
      columns={columns}
      defaultSort="expected_close"
      load={(q) => api.deals.list(q)}
      filterPlaceholder="Filter by deal or account"
      newLabel="New deal"
      empty={{
        title: "No deals here",
        text: "Deals are the sales you are working on, from first contact to signature.",
      }}
    />
  );
}
