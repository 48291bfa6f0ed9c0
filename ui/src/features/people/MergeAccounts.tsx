import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "wouter";

import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, type Account, type MergeSide } from "../../lib/api";
import { formatMoney, formatNumber } from "../../lib/format";
import { qk } from "../../lib/queryKeys";
import { BothLoaded, MergeActions, PickTable, defaultSide, type PickField } from "./Merge";

const address = (a: Account) =>
  [a.address.street, a.address.postal_code, a.address.city, a.address.region, a.address.country]
    .filter((p) => p && p.trim())
    .join(", ") || null;

/** The fields a merge of two accounts lets the user pick, as `accounts::MERGE_FIELDS` names them. */
export const ACCOUNT_FIELDS: PickField<Account>[] = [
  { key: "name", label: "Name", value: (a) => a.name || null },
  { key: "industry", label: "Industry", value: (a) => a.industry },
  { key: "website", label: "Website", value: (a) => a.website },
  { key: "phone", label: "Phone", value: (a) => a.phone },
  { key: "address", label: "Address", value: address },
  { key: "annual_revenue", label: "Annual revenue", value: (a) => (a.annual_revenue ? formatMoney(a.annual_revenue) : null) },
  { key: "employee_count", label: "Employees", value: (a) => (a.employee_count === null ? null : formatNumber(a.employee_count)) },
  { key: "type", label: "Type", value: (a) => a.type },
  { key: "turnover_band", label: "Turnover band", value: (a) => a.turnover_band },
  { key: "employee_band", label: "Employee band", value: (a) => a.employee_band },
  { key: "parent_id", label: "Parent company", value: (a) => a.parent_name },
  { key: "owner_id", label: "Owner", value: (a) => a.owner_name },
  { key: "notes", label: "Notes", value: (a) => a.notes },
];

/** Two accounts side by side; the user picks each field's value, then merges. */
export function MergeAccounts({ survivorId, otherId }: { survivorId: string; otherId: string }) {
  const survivor = useQuery({ queryKey: qk.accounts.detail(survivorId), queryFn: () => api.accounts.get(survivorId) });
  const other = useQuery({ queryKey: qk.accounts.detail(otherId), queryFn: () => api.accounts.get(otherId) });
  return <BothLoaded survivor={survivor} other={other} form={(s, o) => <MergeAccountsForm survivor={s} other={o} />} />;
}

function MergeAccountsForm({ survivor, other }: { survivor: Account; other: Account }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [picks, setPicks] = useState<Record<string, MergeSide>>({});
  // Two different notes are both kept unless one side is picked: neither radio is on then.
  const bothNotes = !!survivor.notes?.trim() && !!other.notes?.trim() && survivor.notes.trim() !== other.notes.trim();
  const side = (f: PickField<Account>) =>
    picks[f.key] ?? (f.key === "notes" && bothNotes ? null : defaultSide(f, survivor, other));
  const undo = useMutation({
    mutationFn: (batch: string) => api.undo(batch),
    onSuccess: async () => {
      await client.invalidateQueries();
      notify("Merge undone: both companies are back.");
    },
  });
  const merge = useMutation({
    mutationFn: () => api.accounts.merge(survivor.id, other.id, { fields: picks }),
    onSuccess: async (result) => {
      await client.invalidateQueries();
      notify(`Merged ${other.name} into ${result.survivor.name}.`, "info", {
        label: "Undo",
        run: () => undo.mutate(result.batch_id),
        testId: "undo-merge",
      });
      navigate(`/accounts/${result.survivor.id}`);
    },
  });
  const tags = [...new Set([...survivor.tags, ...other.tags])];

  return (
    <>
      <PageHead title="Merge companies" sub={`${other.name} will be merged into ${survivor.name}`}>
        <MergeActions merge={() => merge.mutate()} pending={merge.isPending} />
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={merge.error} />
        <PickTable
          fields={ACCOUNT_FIELDS}
          survivor={survivor}
          other={other}
          survivorName={survivor.name}
          otherName={other.name}
          side={side}
          onPick={(key, s) => setPicks((p) => ({ ...p, [key]: s }))}
        >
          <tr>
            <td className="muted">Tags</td>
            <td colSpan={2}>
              {tags.join(", ") || <span className="muted">none</span>} <span className="tag">all kept</span>
            </td>
          </tr>
        </PickTable>
        <p className="muted merge-note">
          {bothNotes && "Unless you pick one side, both notes are kept. "}
          {other.name}'s {other.contact_count} contact
          {other.contact_count === 1 ? "" : "s"}, its deals, tickets, quotes, orders, invoices, activities and sub-companies
          move to {survivor.name}, and {other.name} is deleted. The merge can be undone from the message that follows, or
          later from History.
        </p>
      </div>
    </>
  );
}
