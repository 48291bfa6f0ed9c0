import { useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, type Contact, type MergeSide } from "../../lib/api";
import { fullName } from "../../lib/format";
import { qk } from "../../lib/queryKeys";

/** A field of a merge: the user picks which record's value the survivor keeps. */
export type PickField<T> = { key: string; label: string; value: (r: T) => string | null };

type Field = PickField<Contact>;

const FIELDS: Field[] = [
  { key: "first_name", label: "First name", value: (c) => c.first_name || null },
  { key: "last_name", label: "Last name", value: (c) => c.last_name || null },
  { key: "title", label: "Title", value: (c) => c.title },
  { key: "account_id", label: "Account", value: (c) => c.account_name },
  { key: "notes", label: "Notes", value: (c) => c.notes },
];

/** The side a field takes when the user has not picked: the survivor's, unless it is empty. */
export function defaultSide<T>(f: PickField<T>, survivor: T, other: T): MergeSide {
  return f.value(survivor) || !f.value(other) ? "survivor" : "other";
}

/** Two contacts side by side; the user picks each field's value, then merges. */
export function Merge({ survivorId, otherId }: { survivorId: string; otherId: string }) {
  const survivor = useQuery({ queryKey: qk.contacts.detail(survivorId), queryFn: () => api.contacts.get(survivorId) });
  const other = useQuery({ queryKey: qk.contacts.detail(otherId), queryFn: () => api.contacts.get(otherId) });
  return <BothLoaded survivor={survivor} other={other} form={(s, o) => <MergeForm survivor={s} other={o} />} />;
}

/** The merge form once both records are read; the error, with the way back, if one cannot be. */
export function BothLoaded<T>({
  survivor,
  other,
  form,
}: {
  survivor: UseQueryResult<T>;
  other: UseQueryResult<T>;
  form: (survivor: T, other: T) => React.ReactNode;
}) {
  const error = survivor.error ?? other.error;
  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/duplicates">← Back to duplicates</Link>
      </div>
    );
  }
  if (!survivor.data || !other.data) return <div className="page-body muted">Loading…</div>;
  return form(survivor.data, other.data);
}

function MergeForm({ survivor, other }: { survivor: Contact; other: Contact }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [picks, setPicks] = useState<Record<string, MergeSide>>({});
  const side = (f: Field) => picks[f.key] ?? defaultSide(f, survivor, other);
  const merge = useMutation({
    mutationFn: () => api.contacts.merge(survivor.id, other.id, { fields: Object.fromEntries(FIELDS.map((f) => [f.key, side(f)])) }),
    onSuccess: async (result) => {
      await client.invalidateQueries();
      notify(`Merged into ${fullName(result.survivor)}. Undo from the contact's page.`);
      navigate(`/contacts/${result.survivor.id}?merged=${result.batch_id}`);
    },
  });
  const emails = [...new Set([...survivor.emails, ...other.emails].map((e) => e.address.toLowerCase()))];
  const phones = [...new Set([...survivor.phones, ...other.phones].map((p) => p.number))];

  return (
    <>
      <PageHead title="Merge contacts" sub={`${fullName(other)} will be merged into ${fullName(survivor)}`}>
        <MergeActions merge={() => merge.mutate()} pending={merge.isPending} />
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={merge.error} />
        <PickTable
          fields={FIELDS}
          survivor={survivor}
          other={other}
          survivorName={fullName(survivor)}
          otherName={fullName(other)}
          side={side}
          onPick={(key, s) => setPicks((p) => ({ ...p, [key]: s }))}
        >
          <tr>
            <td className="muted">E-mail</td>
            <td colSpan={2}>{emails.join(", ") || <span className="muted">none</span>} <span className="tag">all kept</span></td>
          </tr>
          <tr>
            <td className="muted">Phone</td>
            <td colSpan={2}>{phones.join(", ") || <span className="muted">none</span>} <span className="tag">all kept</span></td>
          </tr>
        </PickTable>
        <p className="muted merge-note">
          Tags and everything linked to {fullName(other)} move to {fullName(survivor)}. The merge can be undone from the
          contact's page right after, and is kept in the change log.
        </p>
      </div>
    </>
  );
}

/** Two records side by side, a radio per field for the value to keep (fields empty on both
 * sides left out); `children` adds rows. */
export function PickTable<T>({
  fields,
  survivor,
  other,
  survivorName,
  otherName,
  side,
  onPick,
  children,
}: {
  fields: PickField<T>[];
  survivor: T;
  other: T;
  survivorName: string;
  otherName: string;
  /** `null`: neither value alone (both are kept, as notes are). */
  side: (f: PickField<T>) => MergeSide | null;
  onPick: (key: string, side: MergeSide) => void;
  children?: React.ReactNode;
}) {
  return (
    <div className="table-card merge-table">
      <table className="list" data-testid="merge-table">
        <thead>
          <tr>
            <th style={{ width: "20%" }}>
              <button disabled>Field</button>
            </th>
            <th style={{ width: "40%" }}>
              <button disabled>Keep · {survivorName}</button>
            </th>
            <th style={{ width: "40%" }}>
              <button disabled>Merge in · {otherName}</button>
            </th>
          </tr>
        </thead>
        <tbody>
          {/* A field empty on both sides has nothing to pick. */}
          {fields.filter((f) => f.value(survivor) !== null || f.value(other) !== null).map((f) => (
            <tr key={f.key}>
              <td className="muted">{f.label}</td>
              {(["survivor", "other"] as const).map((s) => {
                const value = f.value(s === "survivor" ? survivor : other);
                return (
                  <td key={s}>
                    <label className="pick">
                      <input
                        type="radio"
                        name={f.key}
                        value={s}
                        data-testid={`pick-${f.key}-${s}`}
                        checked={side(f) === s}
                        onChange={() => onPick(f.key, s)}
                      />
                      {value ?? <span className="muted">empty</span>}
                    </label>
                  </td>
                );
              })}
            </tr>
          ))}
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** Cancel (back to the duplicates) and Merge, in a merge page's header. */
export function MergeActions({ merge, pending }: { merge: () => void; pending: boolean }) {
  return (
    <>
      <Link className="btn" href="/duplicates">
        Cancel
      </Link>
      <button className="btn primary" onClick={merge} disabled={pending} data-testid="merge">
        {pending ? "Merging…" : "Merge"}
      </button>
    </>
  );
}
