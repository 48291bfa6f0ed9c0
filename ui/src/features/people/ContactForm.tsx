import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useSearchParams } from "wouter";

import { Field, NotesSection, TextField } from "../../components/Field";
import { FormFrame } from "../../components/FormFrame";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { CustomFieldInputs, editableCustom } from "../../components/CustomFields";
import { OwnerSelect, TagsField } from "../../components/Pickers";
import { api, ApiError, type Channel, type Contact, type ContactInput, type PostalAddress } from "../../lib/api";
import { fullName } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { useDraft } from "../../lib/useDraft";
import { qk } from "../../lib/queryKeys";

const LABELS = ["work", "home", "mobile", "other"];

const CHANNELS: { value: Channel; label: string }[] = [
  { value: "email", label: "E-mail" },
  { value: "phone", label: "Phone" },
  { value: "sms", label: "SMS" },
  { value: "letter", label: "Letter" },
  { value: "in_person", label: "In person" },
];

const SOURCES = ["Website", "Referral", "Trade show", "Advertisement", "Cold call", "Partner", "Search engine", "Webinar"];

const NO_ADDRESS: PostalAddress = { label: "work", street: null, city: null, region: null, postal_code: null, country: null };

export function toInput(c: Contact | undefined, accountId: string | null): ContactInput {
  return {
    first_name: c?.first_name ?? "",
    last_name: c?.last_name ?? "",
    title: c?.title ?? null,
    account_id: c ? c.account_id : accountId,
    emails: c?.emails ?? [{ label: "work", address: "" }],
    phones: c?.phones ?? [{ label: "work", number: "" }],
    addresses: c?.addresses.length ? c.addresses : [NO_ADDRESS],
    birthday: c?.birthday ?? null,
    lead_source: c?.lead_source ?? null,
    owner_id: c?.owner_id ?? null,
    preferred_channel: c?.preferred_channel ?? null,
    do_not_call: Boolean(c?.do_not_call_since),
    do_not_email: Boolean(c?.do_not_email_since),
    unsubscribed: Boolean(c?.unsubscribed_since),
    tags: c?.tags ?? [],
    custom: editableCustom(c?.custom),
    notes: c?.notes ?? null,
  };
}

/** Blank rows are the form's spare slots, not values: they are not sent. */
export function cleaned(input: ContactInput): ContactInput {
  return {
    ...input,
    emails: input.emails.filter((e) => e.address.trim() !== ""),
    phones: input.phones.filter((p) => p.number.trim() !== ""),
    addresses: input.addresses.filter((a) => [a.street, a.city, a.region, a.postal_code, a.country].some((x) => x?.trim())),
  };
}

export function ContactFormPage({ id }: { id?: string }) {
  const { data: contact, error } = useQuery({
    queryKey: qk.contacts.detail(id),
    queryFn: () => api.contacts.get(id as string),
    enabled: Boolean(id),
  });
  if (error) return <div className="page-body"><ErrorBanner error={error} /></div>;
  if (id && !contact) return <div className="page-body muted">Loading…</div>;
  return <ContactForm key={id ?? "new"} contact={contact} />;
}

function ContactForm({ contact }: { contact: Contact | undefined }) {
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const notify = useNotify();
  const client = useQueryClient();
  const draft = useDraft<ContactInput>(`contacts.${contact?.id ?? "new"}`, () => toInput(contact, params.get("account")), contact?.updated_at ?? "new");
  const input = draft.value;
  const setInput = draft.setValue;
  const accounts = useQuery({
    queryKey: qk.accounts.picker,
    queryFn: () => api.accounts.list({ limit: 5000 }),
  });
  const save = useMutation({
    mutationFn: (value: ContactInput) =>
      contact ? api.contacts.update(contact.id, value) : api.contacts.create(value),
    onSuccess: async (saved) => {
      draft.clear();
      await client.invalidateQueries({ queryKey: qk.contacts.all });
      await client.invalidateQueries({ queryKey: qk.accounts.all });
      notify(contact ? `Saved ${fullName(saved)}` : `Added ${fullName(saved)}`);
      navigate(`/contacts/${saved.id}`, { replace: Boolean(contact) });
    },
  });
  const probe = useDebounced(cleaned(input), 300);
  const likely = useQuery({
    queryKey: qk.contacts.likelyDuplicates(contact?.id ?? null, probe),
    queryFn: () => api.contacts.likelyDuplicates(probe, contact?.id ?? null),
    staleTime: 0,
  });
  const apiError = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => apiError?.field(name);
  // Blank rows are not sent, so the backend numbers rows without them.
  const sentIndex = (values: string[], i: number) =>
    values[i]?.trim() ? values.slice(0, i).filter((v) => v.trim()).length : -1;
  const emailError = (i: number) => fieldError(`emails.${sentIndex(input.emails.map((e) => e.address), i)}.address`);
  const phoneError = (i: number) => fieldError(`phones.${sentIndex(input.phones.map((p) => p.number), i)}.number`);
  const set = <K extends keyof ContactInput>(key: K, value: ContactInput[K]) =>
    setInput((prev) => ({ ...prev, [key]: value }));
  const cancelTo = contact ? `/contacts/${contact.id}` : "/contacts";


  return (
    <FormFrame
      title={contact ? `Edit ${fullName(contact)}` : "New contact"}
      cancelTo={cancelTo}
      saving={save.isPending}
      onSave={() => save.mutate(cleaned(input))}
      error={apiError}
      draft={draft}
      testId="contact-form"
      saveLabel={contact ? "Save changes" : "Add contact"}
    >
          {likely.data && likely.data.length > 0 && (
            <div className="banner warn" role="status" data-testid="duplicate-warning">
              <strong>This may already be on file:</strong>
              <ul>
                {likely.data.map((m) => (
                  <li key={m.record.id}>
                    <Link href={`/contacts/${m.record.id}`}>{m.record.title}</Link>
                    {m.record.subtitle && <span className="muted"> · {m.record.subtitle}</span>} ({m.reason})
                  </li>
                ))}
              </ul>
            </div>
          )}
          <section className="form-section">
            <h2>Person</h2>
            <div className="grid-2">
              <TextField
                label="First name"
                name="first_name"
                autoFocus
                value={input.first_name}
                error={fieldError("first_name")}
                onChange={(v) => set("first_name", v)}
              />
              <TextField
                label="Last name"
                name="last_name"
                value={input.last_name}
                error={fieldError("last_name")}
                onChange={(v) => set("last_name", v)}
              />
              <TextField
                label="Title"
                name="title"
                placeholder="e.g. Purchasing manager"
                value={input.title}
                error={fieldError("title")}
                onChange={(v) => set("title", v || null)}
              />
              <Field label="Account" error={fieldError("account_id")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    name="account_id"
                    className="input"
                    value={input.account_id ?? ""}
                    onChange={(e) => set("account_id", e.target.value || null)}
                  >
                    <option value="">— No account —</option>
                    {accounts.data?.items.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          </section>

          <section className="form-section">
            <h2>E-mail addresses</h2>
            {input.emails.map((e, i) => (
              <div className="multi-row" key={i}>
                <select
                  className="input"
                  aria-label={`Label of e-mail ${i + 1}`}
                  value={e.label}
                  onChange={(ev) =>
                    set("emails", input.emails.map((x, j) => (j === i ? { ...x, label: ev.target.value } : x)))
                  }
                >
                  {[...new Set([...LABELS, e.label])].map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
                <div>
                  <input
                    className="input"
                    type="email"
                    name={`emails.${i}.address`}
                    aria-label={`E-mail ${i + 1}`}
                    aria-invalid={Boolean(emailError(i))}
                    placeholder="name@company.com"
                    value={e.address}
                    onChange={(ev) =>
                      set(
                        "emails",
                        input.emails.map((x, j) => (j === i ? { ...x, address: ev.target.value } : x)),
                      )
                    }
                  />
                  {emailError(i) && (
                    <span className="field-error" role="alert">
                      {emailError(i)}
                    </span>
                  )}
                </div>
                <button
                  type="button"
                  className="btn ghost"
                  aria-label={`Remove e-mail ${i + 1}`}
                  onClick={() => set("emails", input.emails.filter((_, j) => j !== i))}
                >
                  ✕
                </button>
              </div>
            ))}
            <button
              type="button"
              className="btn ghost add-row"
              onClick={() => set("emails", [...input.emails, { label: "work", address: "" }])}
            >
              + Add e-mail
            </button>
          </section>

          <section className="form-section">
            <h2>Phone numbers</h2>
            {input.phones.map((p, i) => (
              <div className="multi-row" key={i}>
                <select
                  className="input"
                  aria-label={`Label of phone ${i + 1}`}
                  value={p.label}
                  onChange={(ev) =>
                    set("phones", input.phones.map((x, j) => (j === i ? { ...x, label: ev.target.value } : x)))
                  }
                >
                  {[...new Set([...LABELS, p.label])].map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
                <div>
                  <input
                    className="input"
                    type="tel"
                    name={`phones.${i}.number`}
                    aria-label={`Phone ${i + 1}`}
                    aria-invalid={Boolean(phoneError(i))}
                    placeholder="+44 20 7946 0958"
                    value={p.number}
                    onChange={(ev) =>
                      set(
                        "phones",
                        input.phones.map((x, j) => (j === i ? { ...x, number: ev.target.value } : x)),
                      )
                    }
                  />
                  {phoneError(i) && (
                    <span className="field-error" role="alert">
                      {phoneError(i)}
                    </span>
                  )}
                </div>
                <button
                  type="button"
                  className="btn ghost"
                  aria-label={`Remove phone ${i + 1}`}
                  onClick={() => set("phones", input.phones.filter((_, j) => j !== i))}
                >
                  ✕
                </button>
              </div>
            ))}
            <button
              type="button"
              className="btn ghost add-row"
              onClick={() => set("phones", [...input.phones, { label: "mobile", number: "" }])}
            >
              + Add phone
            </button>
          </section>

          <section className="form-section">
            <h2>Relationship</h2>
            <div className="grid-2">
              <OwnerSelect value={input.owner_id} error={fieldError("owner_id")} onChange={(v) => set("owner_id", v)} />
              <TextField
                label="Lead source"
                name="lead_source"
                list="lead-sources"
                value={input.lead_source}
                error={fieldError("lead_source")}
                onChange={(v) => set("lead_source", v || null)}
              />
              <Field label="Preferred channel" error={fieldError("preferred_channel")}>
                {(a11y) => (
                  <select
                    {...a11y}
                    name="preferred_channel"
                    className="input"
                    value={input.preferred_channel ?? ""}
                    onChange={(e) => set("preferred_channel", (e.target.value || null) as Channel | null)}
                  >
                    <option value="">— No preference —</option>
                    {CHANNELS.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <TextField
                label="Birthday"
                name="birthday"
                type="date"
                value={input.birthday}
                error={fieldError("birthday")}
                onChange={(v) => set("birthday", v || null)}
              />
            </div>
            <TagsField value={input.tags} error={fieldError("tags.0")} onChange={(v) => set("tags", v)} />
            <datalist id="lead-sources">
              {SOURCES.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
            <div className="checks" role="group" aria-label="Consent">
              {(
                [
                  ["do_not_call", "Do not call"],
                  ["do_not_email", "Do not e-mail"],
                  ["unsubscribed", "Unsubscribed from mailings"],
                ] as const
              ).map(([key, label]) => (
                <label key={key}>
                  <input type="checkbox" name={key} checked={input[key]} onChange={(e) => set(key, e.target.checked)} />
                  {label}
                </label>
              ))}
            </div>
          </section>

          <section className="form-section">
            <h2>Postal address</h2>
            <div className="grid-2">
              {(
                [
                  ["street", "Street"],
                  ["postal_code", "Postal code"],
                  ["city", "City"],
                  ["region", "Region"],
                  ["country", "Country"],
                ] as const
              ).map(([key, label]) => (
                <TextField
                  key={key}
                  label={label}
                  name={`addresses.0.${key}`}
                  value={input.addresses[0]?.[key]}
                  error={fieldError(`addresses.0.${key}`)}
                  onChange={(v) =>
                    set("addresses", [{ ...(input.addresses[0] ?? NO_ADDRESS), [key]: v || null }, ...input.addresses.slice(1)])
                  }
                />
              ))}
            </div>
          </section>

          <CustomFieldInputs
            entity="contacts"
            values={input.custom as Record<string, unknown>}
            fieldError={fieldError}
            onChange={(custom) => set("custom", custom as typeof input.custom)}
          />
          <NotesSection value={input.notes} error={fieldError("notes")} onChange={(v) => set("notes", v)} />
    </FormFrame>
  );
}
