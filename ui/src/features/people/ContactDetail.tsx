import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { TagList } from "../../components/Pickers";
import { CustomFieldValues } from "../../components/CustomFields";
import { RecordActivityActions } from "../activities/RecordActivityActions";
import { RecordNav } from "../../components/RecordNav";
import { RecordSequences } from "../marketing/RecordSequences";
import { ContactTickets } from "../service/Service";
import { Timeline } from "../activities/Timeline";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api } from "../../lib/api";
import { formatDate, formatDateTime, fullName, initials } from "../../lib/format";

const CHANNEL_NAMES: Record<string, string> = {
  email: "E-mail",
  phone: "Phone",
  sms: "SMS",
  letter: "Letter",
  in_person: "In person",
};
import { useShortcut } from "../../lib/useShortcut";
import { qk } from "../../lib/queryKeys";

export function ContactDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [params] = useSearchParams();
  const mergedBatch = params.get("merged");
  const { data: c, error } = useQuery({ queryKey: qk.contacts.detail(id), queryFn: () => api.contacts.get(id) });
  const undoMerge = useMutation({
    mutationFn: (batch: string) => api.undo(batch),
    onSuccess: async () => {
      await client.invalidateQueries();
      notify("Merge undone: both contacts are back as they were");
      navigate(`/contacts/${id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => api.contacts.remove(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.contacts.all });
      await client.invalidateQueries({ queryKey: qk.accounts.all });
      notify(`Deleted ${c ? fullName(c) : "the contact"}`);
      navigate("/contacts");
    },
  });
  useShortcut("e", () => navigate(`/contacts/${id}/edit`));

  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
        <Link href="/contacts">← Back to contacts</Link>
      </div>
    );
  }
  if (!c) return <div className="page-body muted">Loading…</div>;
  const name = fullName(c);
  const children = c.emails.length + c.phones.length;

  return (
    <>
      <PageHead
        title={
          <span className="detail-head">
            <span className="avatar lg">{initials(name)}</span>
            <span data-testid="contact-name">{name}</span>
          </span>
        }
        sub={[c.title, c.account_name].filter(Boolean).join(" at ")}
      >
        <Link className="btn" href="/contacts">
          ← All contacts
        </Link>
        <RecordNav entity="contacts" id={id} />
        <RecordActivityActions entity="contacts" id={id} name={name} />
        <Link className="btn" href={`/contacts/${id}/edit`} data-testid="edit-contact">
          Edit
        </Link>
        <button className="btn danger" onClick={() => setConfirming(true)} data-testid="delete-contact">
          Delete
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={remove.error ?? undoMerge.error} />
        {mergedBatch && (
          <div className="banner ok" data-testid="merged-banner">
            <span>Merged. Everything from the other contact is now here.</span>
            <span className="spacer" />
            <button
              className="btn"
              data-testid="undo-merge"
              disabled={undoMerge.isPending}
              onClick={() => undoMerge.mutate(mergedBatch)}
            >
              Undo merge
            </button>
          </div>
        )}
        <div className="cards">
          <section className="card">
            <h2>Contact details</h2>
            <dl className="props">
              <dt>E-mail</dt>
              <dd data-testid="contact-emails">
                {c.emails.length === 0 && <span className="muted">None</span>}
                {c.emails.map((e) => (
                  <div key={e.address}>
                    <a href={`mailto:${e.address}`}>{e.address}</a>
                    <span className="tag">{e.label}</span>
                  </div>
                ))}
              </dd>
              <dt>Phone</dt>
              <dd data-testid="contact-phones">
                {c.phones.length === 0 && <span className="muted">None</span>}
                {c.phones.map((p, i) => (
                  <div key={`${p.number}-${i}`}>
                    {p.number}
                    <span className="tag">{p.label}</span>
                  </div>
                ))}
              </dd>
              <dt>Title</dt>
              <dd>{c.title ?? <span className="muted">—</span>}</dd>
              <dt>Account</dt>
              <dd data-testid="contact-account">
                {c.account_id ? (
                  <Link href={`/accounts/${c.account_id}`}>{c.account_name}</Link>
                ) : (
                  <span className="muted">Not linked to an account</span>
                )}
              </dd>
            </dl>
          </section>
          <section className="card" data-testid="contact-relationship">
            <h2>Relationship</h2>
            <dl className="props">
              <dt>Owner</dt>
              <dd>{c.owner_name ?? <span className="muted">Nobody</span>}</dd>
              <dt>Lead source</dt>
              <dd>{c.lead_source ?? <span className="muted">—</span>}</dd>
              <dt>Prefers</dt>
              <dd>{c.preferred_channel ? CHANNEL_NAMES[c.preferred_channel] : <span className="muted">No preference</span>}</dd>
              <dt>Birthday</dt>
              <dd>{c.birthday ? formatDate(c.birthday) : <span className="muted">—</span>}</dd>
              <dt>Tags</dt>
              <dd>
                <TagList tags={c.tags} />
              </dd>
              <dt>Consent</dt>
              <dd data-testid="contact-consent">
                {[
                  [c.do_not_call_since, "Do not call"],
                  [c.do_not_email_since, "Do not e-mail"],
                  [c.unsubscribed_since, "Unsubscribed"],
                ]
                  .filter(([since]) => since)
                  .map(([since, label]) => (
                    <div key={label}>
                      <span className="tag tag-warn">{label}</span> since {formatDate(since as string)}
                    </div>
                  ))}
                {!c.do_not_call_since && !c.do_not_email_since && !c.unsubscribed_since && (
                  <span className="muted">No restrictions</span>
                )}
              </dd>
              {c.addresses.map((a, i) => (
                <Fragment key={i}>
                  <dt>Address ({a.label})</dt>
                  <dd>
                    {[a.street, [a.postal_code, a.city].filter(Boolean).join(" "), a.region, a.country]
                      .filter(Boolean)
                      .map((line) => (
                        <div key={line}>{line}</div>
                      ))}
                  </dd>
                </Fragment>
              ))}
            </dl>
          </section>
          <section className="card">
            <h2>Record</h2>
            <dl className="props">
              <dt>Created</dt>
              <dd>{formatDateTime(c.created_at)}</dd>
              <dt>Last changed</dt>
              <dd>{formatDateTime(c.updated_at)}</dd>
            </dl>
          </section>
          <RecordSequences entity="contacts" id={id} name={name} />
          <CustomFieldValues entity="contacts" values={c.custom as Record<string, unknown>} />
          <ContactTickets contactId={id} accountId={c.account_id} name={fullName(c)} />
          <Timeline entity="contacts" id={id} />
          <section className="card wide">
            <h2>Notes</h2>
            {c.notes ? <p className="notes">{c.notes}</p> : <span className="muted">No notes yet.</span>}
          </section>
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmLabel="Delete contact"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => {
            setConfirming(false);
            remove.reset();
          }}
          onConfirm={() => remove.mutate()}
        >
          {children > 0
            ? `Their ${c.emails.length} e-mail address(es) and ${c.phones.length} phone number(s) go too. `
            : ""}
          Their tickets, deals, quotes, orders and activities stay, no longer naming them; a contact with issued invoices
          is kept for your books. The change log keeps a record of what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}
