import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ConvertDialog } from "./ConvertDialog";
import { CustomFieldValues } from "../../components/CustomFields";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { TagList } from "../../components/Pickers";
import { RecordActivityActions } from "../activities/RecordActivityActions";
import { RecordSequences } from "../marketing/RecordSequences";
import { Timeline } from "../activities/Timeline";
import { useNotify } from "../../components/Toasts";
import { api } from "../../lib/api";
import { formatDate, formatDateTime, formatMoney, initials } from "../../lib/format";
import { RATING_LABELS, STATUS_LABELS } from "./leads";
import { useShortcut } from "../../lib/useShortcut";
import "../../styles/leads.css";
import { qk } from "../../lib/queryKeys";

export function LeadDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [converting, setConverting] = useState(false);
  const { data: l, error } = useQuery({ queryKey: qk.leads.detail(id), queryFn: () => api.leads.get(id) });
  const remove = useMutation({
    mutationFn: () => api.leads.remove(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.leads.all });
      notify(`Deleted ${l?.name ?? "the lead"}`);
      navigate("/leads");
    },
  });
  useShortcut("e", () => navigate(`/leads/${id}/edit`));

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/leads">← Back to leads</Link>
      </div>
    );
  }
  if (!l) return <div className="page-body muted">Loading…</div>;
  const dash = <span className="muted">—</span>;
  const conv = l.conversion;

  return (
    <>
      <PageHead
        title={
          <span className="detail-head">
            <span className="avatar lg">{initials(l.name)}</span>
            <span data-testid="lead-name">{l.name}</span>
          </span>
        }
        sub={
          <span className="lead-sub">
            <span className={`badge lead-status status-${l.status}`} data-testid="lead-status">
              {STATUS_LABELS[l.status]}
            </span>
            {l.rating && <span className={`badge rating-${l.rating}`}>{RATING_LABELS[l.rating]}</span>}
            {[l.title, l.company].filter(Boolean).join(" at ")}
          </span>
        }
      >
        {/* A converted lead's history lives on what it became; new activities go there. */}
        {!conv && <RecordActivityActions entity="leads" id={id} name={l.name} />}
        <Link className="btn" href={`/leads/${id}/edit`} data-testid="edit-lead">
          Edit
        </Link>
        {!conv && (
          <button className="btn primary" onClick={() => setConverting(true)} data-testid="lead-convert">
            Convert…
          </button>
        )}
        <button className="btn danger" onClick={() => setConfirming(true)} data-testid="delete-lead">
          Delete
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={remove.error} />
        {conv && (
          <div className="banner ok" role="status" data-testid="lead-conversion">
            <span>
              Converted on {formatDate(conv.converted_at)} into{" "}
              {joinParts([
                conv.account_id ? (
                  <span key="a">
                    the account{" "}
                    <Link href={`/accounts/${conv.account_id}`} data-testid="conversion-account">
                      {conv.account_name ?? "account"}
                    </Link>
                  </span>
                ) : null,
                conv.contact_id ? (
                  <span key="c">
                    the contact{" "}
                    <Link href={`/contacts/${conv.contact_id}`} data-testid="conversion-contact">
                      {conv.contact_name ?? "contact"}
                    </Link>
                  </span>
                ) : null,
                conv.opportunity_id ? (
                  <span key="o">
                    the deal{" "}
                    <Link href={`/deals/${conv.opportunity_id}`} data-testid="conversion-deal">
                      {conv.opportunity_name ?? "deal"}
                    </Link>
                  </span>
                ) : null,
              ])}
              .
            </span>
          </div>
        )}
        <div className="cards">
          <section className="card" data-testid="lead-facts">
            <h2>Lead</h2>
            <dl className="props">
              <dt>Company</dt>
              <dd>{l.company ?? dash}</dd>
              <dt>Title</dt>
              <dd>{l.title ?? dash}</dd>
              <dt>E-mail</dt>
              <dd>{l.email ? <a href={`mailto:${l.email}`}>{l.email}</a> : dash}</dd>
              <dt>Phone</dt>
              <dd>{l.phone ? <a href={`tel:${l.phone}`}>{l.phone}</a> : dash}</dd>
              <dt>Website</dt>
              <dd>{l.website ?? dash}</dd>
            </dl>
          </section>
          <section className="card">
            <h2>Qualification</h2>
            <dl className="props">
              <dt>Status</dt>
              <dd>{STATUS_LABELS[l.status]}</dd>
              <dt>Rating</dt>
              <dd>{l.rating ? RATING_LABELS[l.rating] : dash}</dd>
              <dt>Estimated value</dt>
              <dd data-testid="lead-estimated">{l.estimated_value ? formatMoney(l.estimated_value) : dash}</dd>
              <dt>Source</dt>
              <dd>{l.source ?? dash}</dd>
              {l.call_list_id && (
                <>
                  <dt>Call list</dt>
                  <dd>
                    <Link href={`/calllists/${l.call_list_id}`}>{l.call_list_name ?? "Call list"}</Link>
                  </dd>
                </>
              )}
              <dt>Owner</dt>
              <dd>{l.owner_name ?? "Nobody"}</dd>
              <dt>Tags</dt>
              <dd>
                <TagList tags={l.tags} />
              </dd>
              <dt>Created</dt>
              <dd>{formatDateTime(l.created_at)}</dd>
            </dl>
          </section>
          <RecordSequences entity="leads" id={id} name={l.name} />
          <CustomFieldValues entity="leads" values={l.custom as Record<string, unknown>} />
          <Timeline entity="leads" id={id} />
          <section className="card wide">
            <h2>Notes</h2>
            {l.notes ? <p className="notes">{l.notes}</p> : <span className="muted">No notes yet.</span>}
          </section>
        </div>
      </div>
      {converting && <ConvertDialog leadId={id} onClose={() => setConverting(false)} />}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${l.name}?`}
          confirmLabel="Delete lead"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
        >
          The lead and its activities are deleted. The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}

/** "a, b and c" of the parts given. */
function joinParts(parts: (ReactNode | null)[]): ReactNode[] {
  const shown = parts.filter((p) => p !== null);
  return shown.flatMap((p, i) => (i === 0 ? [p] : [i === shown.length - 1 ? " and " : ", ", p]));
}
