import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation, useSearchParams } from "wouter";

import { CustomFieldInputs, editableCustom } from "../../components/CustomFields";
import { AccountPicker, ContactChooser } from "../people/PeoplePickers";
import { Field, TextField } from "../../components/Field";
import { FormFrame } from "../../components/FormFrame";
import { ErrorBanner } from "../../components/PageHead";
import { OwnerSelect, TagsField } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import {
  api,
  ApiError,
  type Ticket,
  type TicketCategory,
  type TicketChannel,
  type TicketInput,
  type TicketPriority,
  type TicketStatus,
} from "../../lib/api";
import { invalidateTickets } from "../../lib/invalidate";
import { localDateTime } from "../people/leads";
import {
  CATEGORIES,
  CATEGORY_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  TICKET_CHANNEL_LABELS,
  TICKET_CHANNELS,
  TICKET_STATUSES,
  TICKET_STATUS_LABELS,
} from "./tickets";
import { useDraft } from "../../lib/useDraft";
import "../../styles/tickets.css";
import { qk } from "../../lib/queryKeys";

/** The form's state: the input plus the names shown for the chosen account and contact. */
type FormState = TicketInput & { account_name: string | null; contact_name: string | null };

export function toInput(t: Ticket | undefined, account: string | null, contact: string | null): FormState {
  return {
    subject: t?.subject ?? "",
    description: t?.description ?? null,
    account_id: t?.account_id ?? account,
    account_name: t?.account_name ?? null,
    contact_id: t?.contact_id ?? contact,
    contact_name: t?.contact_name ?? null,
    product: t?.product ?? null,
    channel: t?.channel ?? "email",
    category: t?.category ?? "question",
    priority: t?.priority ?? "normal",
    status: t?.status ?? null,
    owner_id: t?.owner_id ?? null,
    callback_at: t?.callback_at ? localDateTime(new Date(t.callback_at)) : null,
    resolve_on_callback: t?.resolve_on_callback ?? true,
    tags: t?.tags ?? [],
    custom: editableCustom(t?.custom),
  };
}

/** What is sent: trimmed text, blank as none, the callback only for callback requests. */
export function ticketPayload(state: FormState): TicketInput {
  const blank = (v: string | null) => (v && v.trim() ? v.trim() : null);
  const { account_name: _a, contact_name: _c, ...input } = state;
  void _a;
  void _c;
  const callback = input.category === "callback";
  return {
    ...input,
    subject: input.subject.trim(),
    description: blank(input.description),
    product: blank(input.product),
    callback_at: callback ? blank(input.callback_at) : null,
    resolve_on_callback: callback ? input.resolve_on_callback : null,
  };
}

export function TicketFormPage({ id }: { id?: string }) {
  const { data: ticket, error } = useQuery({
    queryKey: qk.tickets.detail(id),
    queryFn: () => api.tickets.get(id as string),
    enabled: Boolean(id),
  });
  if (error) {
    return (
      <div className="page-body">
        <ErrorBanner error={error} />
      </div>
    );
  }
  if (id && !ticket) return <div className="page-body muted">Loading…</div>;
  return <TicketForm key={id ?? "new"} ticket={ticket} />;
}

function TicketForm({ ticket }: { ticket: Ticket | undefined }) {
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const notify = useNotify();
  const client = useQueryClient();
  const accountParam = params.get("account");
  const contactParam = params.get("contact");
  const draftKey = `tickets.${ticket?.id ?? "new"}${accountParam ? `.a${accountParam}` : ""}${contactParam ? `.c${contactParam}` : ""}`;
  const draft = useDraft<FormState>(draftKey, () => toInput(ticket, accountParam, contactParam), ticket?.updated_at ?? "new");
  const input = draft.value;
  const setInput = draft.setValue;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setInput((prev) => ({ ...prev, [key]: value }));
  // Names of an account or contact handed over in the address (New ticket on an account page).
  const accountPrefill = useQuery({
    queryKey: qk.accounts.detail(accountParam),
    queryFn: () => api.accounts.get(accountParam as string),
    enabled: Boolean(accountParam && !ticket && input.account_id === accountParam && !input.account_name),
  });
  const contactPrefill = useQuery({
    queryKey: qk.contacts.detail(contactParam),
    queryFn: () => api.contacts.get(contactParam as string),
    enabled: Boolean(contactParam && !ticket && input.contact_id === contactParam && !input.contact_name),
  });
  const accountName =
    input.account_name ?? (accountPrefill.data?.id === input.account_id ? accountPrefill.data?.name : null) ?? null;
  const contactName =
    input.contact_name ??
    (contactPrefill.data?.id === input.contact_id
      ? `${contactPrefill.data?.first_name ?? ""} ${contactPrefill.data?.last_name ?? ""}`.trim()
      : null) ??
    null;
  const save = useMutation({
    mutationFn: (value: TicketInput) => (ticket ? api.tickets.update(ticket.id, value) : api.tickets.create(value)),
    onSuccess: async (saved) => {
      draft.clear();
      await invalidateTickets(client);
      notify(ticket ? `Saved #${saved.number}` : `Opened ticket #${saved.number}`);
      navigate(`/tickets/${saved.id}`, { replace: Boolean(ticket) });
    },
  });
  const apiError = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => apiError?.field(name);
  const callback = input.category === "callback";

  return (
    <FormFrame
      title={ticket ? `Edit #${ticket.number} ${ticket.subject}` : "New ticket"}
      cancelTo={ticket ? `/tickets/${ticket.id}` : "/tickets"}
      saving={save.isPending}
      onSave={() => save.mutate(ticketPayload(input))}
      error={apiError}
      draft={draft}
      testId="ticket-form"
      saveLabel={ticket ? "Save changes" : "Open ticket"}
    >
      <section className="form-section">
        <h2>Ticket</h2>
        <TextField
          label="Subject"
          name="subject"
          autoFocus
          placeholder="e.g. Invoice 2041 charged twice"
          data-testid="ticket-subject"
          value={input.subject}
          error={fieldError("subject")}
          onChange={(v) => set("subject", v)}
        />
        <Field label="Description" error={fieldError("description")}>
          {(a11y) => (
            <textarea
              {...a11y}
              name="description"
              className="input"
              rows={5}
              placeholder="What the customer asked or reported"
              data-testid="ticket-description"
              value={input.description ?? ""}
              onChange={(e) => set("description", e.target.value || null)}
            />
          )}
        </Field>
        <div className="grid-2">
          <Field label="Category" error={fieldError("category")}>
            {(a11y) => (
              <select
                {...a11y}
                name="category"
                className="input"
                data-testid="ticket-category"
                value={input.category ?? "question"}
                onChange={(e) => set("category", e.target.value as TicketCategory)}
              >
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {CATEGORY_LABELS[c]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Priority" error={fieldError("priority")}>
            {(a11y) => (
              <select
                {...a11y}
                name="priority"
                className="input"
                data-testid="ticket-priority"
                value={input.priority ?? "normal"}
                onChange={(e) => set("priority", e.target.value as TicketPriority)}
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Channel" error={fieldError("channel")}>
            {(a11y) => (
              <select
                {...a11y}
                name="channel"
                className="input"
                data-testid="ticket-channel"
                value={input.channel ?? "email"}
                onChange={(e) => set("channel", e.target.value as TicketChannel)}
              >
                {TICKET_CHANNELS.map((c) => (
                  <option key={c} value={c}>
                    {TICKET_CHANNEL_LABELS[c]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {ticket && (
            <Field label="Status" error={fieldError("status")}>
              {(a11y) => (
                <select
                  {...a11y}
                  name="status"
                  className="input"
                  data-testid="ticket-status-select"
                  value={input.status ?? ticket.status}
                  onChange={(e) => set("status", e.target.value as TicketStatus)}
                >
                  {TICKET_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {TICKET_STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <TextField
            label="Product"
            name="product"
            placeholder="e.g. Rapport Pro"
            data-testid="ticket-product"
            value={input.product}
            error={fieldError("product")}
            onChange={(v) => set("product", v || null)}
          />
          <OwnerSelect value={input.owner_id} error={fieldError("owner_id")} onChange={(v) => set("owner_id", v)} />
        </div>
        {callback && (
          <div className="grid-2" data-testid="ticket-callback">
            <Field label="Call back at" error={fieldError("callback_at")}>
              {(a11y) => (
                <input
                  {...a11y}
                  type="datetime-local"
                  name="callback_at"
                  className="input"
                  data-testid="ticket-callback-at"
                  value={input.callback_at ?? ""}
                  onChange={(e) => set("callback_at", e.target.value || null)}
                />
              )}
            </Field>
            <div className="field">
              <span>&nbsp;</span>
              <label className="checks">
                <input
                  type="checkbox"
                  name="resolve_on_callback"
                  data-testid="ticket-resolve-on-callback"
                  checked={input.resolve_on_callback ?? true}
                  onChange={(e) => set("resolve_on_callback", e.target.checked)}
                />
                Completing the call resolves the ticket
              </label>
            </div>
          </div>
        )}
      </section>
      <section className="form-section">
        <h2>Customer</h2>
        <div className="grid-2">
          <Field label="Account" error={fieldError("account_id")}>
            {(a11y) => (
              <AccountPicker
                a11y={a11y}
                value={input.account_id ? { id: input.account_id, name: accountName ?? "…" } : null}
                onChange={(a) => setInput((prev) => ({ ...prev, account_id: a?.id ?? null, account_name: a?.name ?? null }))}
              />
            )}
          </Field>
          <Field label="Contact" error={fieldError("contact_id")}>
            {(a11y) => (
              <ContactChooser
                a11y={a11y}
                accountId={input.account_id}
                value={input.contact_id ? { id: input.contact_id, name: contactName ?? "…" } : null}
                onChange={(c) =>
                  setInput((prev) => ({
                    ...prev,
                    contact_id: c?.id ?? null,
                    contact_name: c?.name ?? null,
                    // Picking a person of an account fills in the account too.
                    ...(c && !prev.account_id && c.accountId ? { account_id: c.accountId, account_name: c.accountName } : {}),
                  }))
                }
              />
            )}
          </Field>
        </div>
        <TagsField value={input.tags} error={fieldError("tags.0") ?? fieldError("tags")} onChange={(v) => set("tags", v)} />
      </section>
      <CustomFieldInputs
        entity="tickets"
        values={input.custom as Record<string, unknown>}
        fieldError={fieldError}
        onChange={(custom) => set("custom", custom as TicketInput["custom"])}
      />
    </FormFrame>
  );
}
