import { ListScreen } from "../../components/ListScreen";
import type { Column } from "../../components/SortableTable";
import { api, type AccountSort, type AccountSummary } from "../../lib/api";
import { formatRelative, initials } from "../../lib/format";
import { countOf } from "../../lib/count";

const dash = <span className="muted">—</span>;

const columns: Column<AccountSummary, AccountSort>[] = [
  {
    id: "name",
    width: "28%",
    sort: "name",
    label: "Name",
    render: (a) => (
      <span className="name-cell">
        <span className="avatar square">{initials(a.name)}</span>
        {a.name}
      </span>
    ),
  },
  { id: "industry", width: "14%", sort: "industry", label: "Industry", render: (a) => a.industry ?? dash },
  {
    id: "city",
    width: "18%",
    sort: "city",
    label: "City",
    render: (a) => [a.city, a.country].filter(Boolean).join(", ") || dash,
  },
  { id: "phone", width: "16%", sort: "phone", label: "Phone", render: (a) => a.phone ?? dash },
  { id: "contacts", width: "9%", sort: "contact_count", label: "Contacts", render: (a) => a.contact_count },
  { id: "updated", width: "15%", sort: "updated_at", label: "Updated", render: (a) => formatRelative(a.updated_at) },
];

export function AccountsList() {
  return (
    <ListScreen
      entity="accounts"
      title="Accounts"
      countLabel={(n, capped) => countOf(n, capped, "company", "companies")}
      noun={["account", "accounts"]}
      extraFilters={(f, set) => (
        <>
          <input
            className="input"
            placeholder="Industry"
            aria-label="Filter by industry"
            value={(f.industry as string | undefined) ?? ""}
            onChange={(e) => set({ industry: e.target.value || null })}
          />
          <select
          className="input"
          aria-label="Filter by type"
          value={(f.type as string | undefined) ?? ""}
          onChange={(e) => set({ type: e.target.value || null })}
        >
          <option value="">Any type</option>
          <option value="prospect">Prospects</option>
          <option value="customer">Customers</option>
          <option value="partner">Partners</option>
          <option value="vendor">Vendors</option>
          </select>
        </>
      )}
      columns={columns}
      defaultSort="name"
      load={(q) => api.accounts.list(q)}
      filterPlaceholder="Filter by name"
      newLabel="New account"
      empty={{
        title: "No accounts yet",
        text: "Accounts are the companies you sell to, buy from or work with.",
      }}
    />
  );
}
