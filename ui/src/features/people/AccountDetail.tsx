import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";

import { ChurnRiskCard } from "../insight/ChurnRisk";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { TagList } from "../../components/Pickers";
import { CustomFieldValues } from "../../components/CustomFields";
import { RecordActivityActions } from "../activities/RecordActivityActions";
import { RecordNav } from "../../components/RecordNav";
import { AccountMoneyPanel } from "../sales/SalesPanels";
import { AccountService } from "../service/Service";
import { Timeline } from "../activities/Timeline";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, type Address } from "../../lib/api";
import { formatDate, formatDateTime, formatMoney, fullName, initials } from "../../lib/format";
import { useShortcut } from "../../lib/useShortcut";
import { qk } from "../../lib/queryKeys";

function addressLines(a: Address): string[] {
  const cityLine = [a.postal_code, a.city].filter(Boolean).join(" ");
  return [a.street, cityLine, a.region, a.country].filter((x): x is string => Boolean(x));
}

export function AccountDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { data: a, error } = useQuery({ queryKey: qk.accounts.detail(id), queryFn: () => api.accounts.get(id) });
  const subsidiaries = useQuery({
    queryKey: qk.accounts.children(id),
    queryFn: () => api.accounts.list({ parent_id: id, limit: 200 }),
  });
  const people = useQuery({
    queryKey: qk.contacts.ofAccount(id),
    queryFn: () => api.contacts.list({ account_id: id, limit: 200 }),
  });
  const deals = useQuery({
    queryKey: qk.deals.ofAccount(id),
    queryFn: () => api.deals.list({ account_id: id, status: "open", sort: "expected_close", limit: 50 }),
  });
  const remove = useMutation({
    mutationFn: () => api.accounts.remove(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.accounts.all });
      await client.invalidateQueries({ queryKey: qk.contacts.all });
      notify(`Deleted ${a?.name ?? "the account"}`);
      navigate("/accounts");
    },
  });
  useShortcut("e", () => navigate(`/accounts/${id}/edit`));

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/accounts">← Back to accounts</Link>
      </div>
    );
  }
  if (!a) return <div className="page-body muted">Loading…</div>;
  const address = addressLines(a.address);
  const dash = <span className="muted">—</span>;

  return (
    <>
      <PageHead
        title={
          <span className="detail-head">
            <span className="avatar lg square">{initials(a.name)}</span>
            <span data-testid="account-name">{a.name}</span>
          </span>
        }
        sub={a.industry ?? undefined}
      >
        <Link className="btn" href="/accounts">
          ← All accounts
        </Link>
        <RecordNav entity="accounts" id={id} />
        <RecordActivityActions entity="accounts" id={id} name={a.name} />
        <Link className="btn" href={`/contacts/new?account=${a.id}`} data-testid="add-contact-here">
          + Contact here
        </Link>
        <Link className="btn" href={`/accounts/${id}/edit`} data-testid="edit-account">
          Edit
        </Link>
        <button className="btn danger" onClick={() => setConfirming(true)} data-testid="delete-account">
          Delete
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={remove.error} />
        <div className="cards">
          <section className="card">
            <h2>Company</h2>
            <dl className="props">
              <dt>Website</dt>
              <dd>
                {a.website ? (
                  <a href={a.website} target="_blank" rel="noreferrer noopener">
                    {a.website.replace(/^https?:\/\//, "")}
                  </a>
                ) : (
                  dash
                )}
              </dd>
              <dt>Phone</dt>
              <dd>{a.phone ?? dash}</dd>
              <dt>Address</dt>
              <dd>{address.length ? address.map((l) => <div key={l}>{l}</div>) : dash}</dd>
              <dt>Annual revenue</dt>
              <dd>{a.annual_revenue ? formatMoney(a.annual_revenue) : dash}</dd>
              <dt>Employees</dt>
              <dd>{a.employee_count?.toLocaleString() ?? dash}</dd>
            </dl>
          </section>
          <section className="card" data-testid="account-relationship">
            <h2>Relationship</h2>
            <dl className="props">
              <dt>Type</dt>
              <dd>{a.type ? a.type.charAt(0).toUpperCase() + a.type.slice(1) : dash}</dd>
              <dt>Owner</dt>
              <dd>{a.owner_name ?? <span className="muted">Nobody</span>}</dd>
              <dt>Parent company</dt>
              <dd>{a.parent_id ? <Link href={`/accounts/${a.parent_id}`}>{a.parent_name}</Link> : dash}</dd>
              <dt>Turnover</dt>
              <dd>{a.turnover_band ?? dash}</dd>
              <dt>Employees (band)</dt>
              <dd>{a.employee_band ?? dash}</dd>
              <dt>Tags</dt>
              <dd>
                <TagList tags={a.tags} />
              </dd>
            </dl>
          </section>
          <ChurnRiskCard accountId={id} />
          {subsidiaries.data && subsidiaries.data.items.length > 0 && (
            <section className="card" data-testid="account-subsidiaries">
              <h2>Subsidiaries ({subsidiaries.data.items.length})</h2>
              <ul className="dup-records">
                {subsidiaries.data.items.map((s) => (
                  <li key={s.id}>
                    <Link href={`/accounts/${s.id}`}>{s.name}</Link>
                    <div className="muted">{[s.industry, s.city].filter(Boolean).join(" · ")}</div>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="card">
            <h2>Record</h2>
            <dl className="props">
              <dt>Created</dt>
              <dd>{formatDateTime(a.created_at)}</dd>
              <dt>Last changed</dt>
              <dd>{formatDateTime(a.updated_at)}</dd>
            </dl>
          </section>
          <section className="card wide" data-testid="account-contacts">
            <h2>People ({a.contact_count})</h2>
            {people.data?.items.length ? (
              <table className="list">
                <tbody>
                  {people.data.items.map((c) => (
                    <tr key={c.id} tabIndex={0} onClick={() => navigate(`/contacts/${c.id}`)}>
                      <td>
                        <span className="name-cell">
                          <span className="avatar">{initials(fullName(c))}</span>
                          {fullName(c)}
                        </span>
                      </td>
                      <td>{c.title ?? dash}</td>
                      <td>{c.email ?? dash}</td>
                      <td>{c.phone ?? dash}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <span className="muted">Nobody from {a.name} yet.</span>
            )}
          </section>
          <section className="card wide" data-testid="account-deals">
            <h2>
              Open deals ({deals.data?.total ?? deals.data?.items.length ?? 0}){" "}
              <Link className="btn small" href={`/deals/new?account=${id}`} data-testid="new-deal-here">
                + New deal
              </Link>
            </h2>
            {deals.data?.items.length ? (
              <table className="list">
                <tbody>
                  {deals.data.items.map((d) => (
                    <tr key={d.id} tabIndex={0} onClick={() => navigate(`/deals/${d.id}`)} onKeyDown={(e) => e.key === "Enter" && navigate(`/deals/${d.id}`)}>
                      <td>{d.name}</td>
                      <td>{d.stage_name}</td>
                      <td>{d.amount ? formatMoney(d.amount) : dash}</td>
                      <td>{d.expected_close ? formatDate(d.expected_close) : dash}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <span className="muted">No open deals with {a.name}.</span>
            )}
          </section>
          <AccountMoneyPanel accountId={id} accountName={a.name} />
          <AccountService accountId={id} accountName={a.name} />
          <CustomFieldValues entity="accounts" values={a.custom as Record<string, unknown>} />
          <Timeline entity="accounts" id={id} />
          <section className="card wide">
            <h2>Notes</h2>
            {a.notes ? <p className="notes">{a.notes}</p> : <span className="muted">No notes yet.</span>}
          </section>
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${a.name}?`}
          confirmLabel="Delete account"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => {
            setConfirming(false);
            remove.reset();
          }}
          onConfirm={() => remove.mutate()}
        >
          {a.contact_count > 0
            ? `Its ${a.contact_count} contact(s) are kept, no longer linked to an account. `
            : ""}
          Its deals, tickets, quotes and orders stay, no longer naming it; an account with issued invoices or a service
          agreement is kept. The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}
