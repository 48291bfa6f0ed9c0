import { ListScreen } from "../../components/ListScreen";
import type { Column } from "../../components/SortableTable";
import { api, type ContactSort, type ContactSummary } from "../../lib/api";
import { formatRelative, fullName, initials } from "../../lib/format";
import { countOf } from "../../lib/count";

const dash = <span className="muted">—</span>;

const columns: Column<ContactSummary, ContactSort>[] = [
  {
    id: "name",
    width: "28%",
    sort: "name",
    label: "Name",
    render: (c) => (
      <span className="name-cell">
        <span className="avatar">{initials(fullName(c))}</span>
        <span>
          {fullName(c)}
          {c.title && <span className="muted"> · {c.title}</span>}
        </span>
      </span>
    ),
  },
  { id: "account", width: "20%", sort: "account", label: "Account", render: (c) => c.account_name ?? dash },
  { id: "email", width: "22%", sort: "email", label: "E-mail", render: (c) => c.email ?? dash },
  { id: "phone", width: "15%", sort: "phone", label: "Phone", render: (c) => c.phone ?? dash },
  { id: "updated", width: "15%", sort: "updated_at", label: "Updated", render: (c) => formatRelative(c.updated_at) },
];

export function ContactsList() {
  return (
    <ListScreen
      entity="contacts"
      title="Contacts"
      countLabel={(n, capped) => countOf(n, capped, "person", "people")}
      noun={["contact", "contacts"]}
      extraFilters={(f, set) => (
        <label className="check-filter">
          <input type="checkbox" checked={f.emailable === true} onChange={(e) => set({ emailable: e.target.checked })} />
          Can be e-mailed
        </label>
      )}
      columns={columns}
      defaultSort="name"
      load={(q) => api.contacts.list(q)}
      filterPlaceholder="Filter by name, e-mail or account"
      newLabel="New contact"
      empty={{
        title: "No contacts yet",
        text: "Add the people you work with; link them to their company as you go.",
      }}
    />
  );
}
