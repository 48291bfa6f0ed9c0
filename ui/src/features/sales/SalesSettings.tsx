// Settings for sales documents: the company printed on them, and their numbering.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useSearchParams } from "wouter";

import { api, ApiError, type CompanyProfile, type Numbering } from "../../lib/api";
import { KIND_PLURALS } from "./sales";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import "../../styles/sales.css";
import { qk } from "../../lib/queryKeys";

/** Blank optional text as null, everything trimmed. */
export function companyPayload(p: CompanyProfile): CompanyProfile {
  const opt = (v: string | null) => (v && v.trim() ? v.trim() : null);
  return {
    name: p.name.trim(),
    address: p.address.trim(),
    email: opt(p.email),
    phone: opt(p.phone),
    website: opt(p.website),
    tax_id: opt(p.tax_id),
    bank_details: opt(p.bank_details),
    footer: opt(p.footer),
    logo_path: opt(p.logo_path),
  };
}

/** Settings → Company: who the documents come from. */
export function CompanySettings() {
  const profile = useQuery({ queryKey: qk.company, queryFn: api.company.get });
  const [params] = useSearchParams();
  const ref = useRef<HTMLElement>(null);
  const asked = params.get("section") === "company";
  const loaded = Boolean(profile.data);
  // Opened from "Set the company in Settings" (an invoice that cannot be issued yet).
  useEffect(() => {
    if (!asked || !loaded) return;
    ref.current?.scrollIntoView?.({ block: "start" });
    ref.current?.querySelector<HTMLInputElement>("input")?.focus();
  }, [asked, loaded]);
  return (
    <section ref={ref} id="company" className="form-section form" data-testid="settings-company">
      <h2>Company</h2>
      <p className="muted">Printed on every quote, invoice and credit note.</p>
      <ErrorBanner error={profile.error} />
      {profile.data ? <CompanyForm key={JSON.stringify(profile.data)} initial={profile.data} /> : !profile.error && <span className="muted">Loading…</span>}
    </section>
  );
}

function CompanyForm({ initial }: { initial: CompanyProfile }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [p, setP] = useState<CompanyProfile>(initial);
  const set = <K extends keyof CompanyProfile>(key: K, value: CompanyProfile[K]) => setP((x) => ({ ...x, [key]: value }));
  const save = useMutation({
    mutationFn: () => api.company.set(companyPayload(p)),
    onSuccess: (saved) => {
      client.setQueryData(qk.company, saved);
      notify("Saved the company details");
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const area = (key: "address" | "bank_details" | "footer", label: string, testId: string, rows: number, placeholder?: string) => (
    <Field label={label} error={fe(key)}>
      {(a11y) => (
        <textarea
          {...a11y}
          className="input"
          name={key}
          rows={rows}
          placeholder={placeholder}
          data-testid={testId}
          value={p[key] ?? ""}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );
  return (
    <form onSubmit={submit} noValidate>
      {err && err.code !== "validation" && <ErrorBanner error={err} />}
      <div className="grid-2">
        <TextField label="Company name" name="company.name" data-testid="company-name" value={p.name} error={fe("name")} onChange={(v) => set("name", v)} />
        <TextField label="Tax id (VAT number)" name="company.tax_id" data-testid="company-tax-id" value={p.tax_id} error={fe("tax_id")} onChange={(v) => set("tax_id", v)} />
        {area("address", "Address", "company-address", 3, "Street\nPostal code and city\nCountry")}
        {area("bank_details", "Bank details", "company-bank", 3, "Bank name\nIBAN\nBIC")}
        <TextField label="E-mail" name="company.email" type="email" data-testid="company-email" value={p.email} error={fe("email")} onChange={(v) => set("email", v)} />
        <TextField label="Phone" name="company.phone" data-testid="company-phone" value={p.phone} error={fe("phone")} onChange={(v) => set("phone", v)} />
        <TextField label="Website" name="company.website" data-testid="company-website" value={p.website} error={fe("website")} onChange={(v) => set("website", v)} />
        <Field label="Logo (a JPEG file)" error={fe("logo_path")}>
          {(a11y) => (
            <div className="inline-pick">
              <input
                {...a11y}
                className="input"
                name="company.logo_path"
                placeholder="/path/to/logo.jpg"
                data-testid="company-logo"
                value={p.logo_path ?? ""}
                onChange={(e) => set("logo_path", e.target.value)}
              />
              <button
                type="button"
                className="btn"
                data-testid="company-logo-pick"
                onClick={async () => {
                  const path = await api.openFile("JPEG image", ["jpg", "jpeg"]);
                  if (path) set("logo_path", path);
                }}
              >
                Choose…
              </button>
            </div>
          )}
        </Field>
      </div>
      {area("footer", "Footer (bottom of every page)", "company-footer", 2)}
      <div>
        <button type="submit" className="btn primary" disabled={save.isPending} data-testid="company-save">
          {save.isPending ? "Saving…" : "Save company"}
        </button>
      </div>
    </form>
  );
}

/** Settings → Document numbers: one row per sequence. */
export function NumberingSettings() {
  const numbering = useQuery({ queryKey: qk.numbering, queryFn: api.numbering.list });
  return (
    <section className="form-section form" data-testid="settings-numbering">
      <h2>Document numbers</h2>
      <p className="muted">
        Numbers are taken when a document is made (invoices: when issued), never repeat and never skip. A yearly sequence restarts at 1 each
        year and carries the year.
      </p>
      <ErrorBanner error={numbering.error} />
      {numbering.data && (
        <table className="sequences">
          <thead>
            <tr>
              <th>Documents</th>
              <th>Prefix</th>
              <th>Yearly</th>
              <th>Next number</th>
              <th>Next looks like</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {numbering.data.map((s) => (
              <NumberingRow key={`${s.kind}-${s.prefix}-${s.yearly}-${s.next}`} seq={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NumberingRow({ seq }: { seq: Numbering }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [prefix, setPrefix] = useState(seq.prefix);
  const [yearly, setYearly] = useState(seq.yearly);
  const [next, setNext] = useState(String(seq.next));
  const nextNumber = Number(next);
  const badNext = !/^\d+$/.test(next.trim()) || nextNumber < 1;
  const changed = prefix !== seq.prefix || yearly !== seq.yearly || (!badNext && nextNumber !== seq.next);
  const save = useMutation({
    mutationFn: () =>
      api.numbering.set(
        seq.kind,
        prefix !== seq.prefix ? prefix.trim() : null,
        yearly !== seq.yearly ? yearly : null,
        nextNumber !== seq.next ? nextNumber : null,
      ),
    onSuccess: (all) => {
      client.setQueryData(qk.numbering, all);
      const now = all.find((x) => x.kind === seq.kind);
      notify(`${KIND_PLURALS[seq.kind]} now start at ${now?.preview ?? "the new number"}`);
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  // A live preview of the typed values; the saved preview is the server's.
  const preview = changed && !badNext ? previewOf(prefix, yearly, seq.year, nextNumber, seq.padding) : seq.preview;
  const t = `seq-${seq.kind}`;
  return (
    <tr data-testid={t}>
      <td>{KIND_PLURALS[seq.kind]}</td>
      <td>
        <input className="input" aria-label={`${KIND_PLURALS[seq.kind]} prefix`} aria-invalid={Boolean(err?.field("prefix"))} data-testid={`${t}-prefix`} value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        {err?.field("prefix") && <span className="field-error">{err.field("prefix")}</span>}
      </td>
      <td>
        <input type="checkbox" aria-label={`${KIND_PLURALS[seq.kind]} restart yearly`} data-testid={`${t}-yearly`} checked={yearly} onChange={(e) => setYearly(e.target.checked)} />
      </td>
      <td>
        <input
          className="input num"
          inputMode="numeric"
          aria-label={`${KIND_PLURALS[seq.kind]} next number`}
          aria-invalid={badNext || Boolean(err?.field("next"))}
          data-testid={`${t}-next`}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        {(err?.field("next") ?? (badNext ? "a whole number from 1" : undefined)) && (
          <span className="field-error">{err?.field("next") ?? "a whole number from 1"}</span>
        )}
      </td>
      <td className="mono" data-testid={`${t}-preview`}>
        {preview}
      </td>
      <td>
        <button className="btn small" disabled={!changed || badNext || save.isPending} data-testid={`${t}-save`} onClick={() => save.mutate()}>
          Save
        </button>
        {err && !err.field("prefix") && !err.field("next") && <span className="field-error">{err.message}</span>}
      </td>
    </tr>
  );
}

/** What the next number will look like, as the core formats it (prefix, year, padded count). */
export function previewOf(prefix: string, yearly: boolean, year: number, next: number, padding: number): string {
  const n = String(next).padStart(padding, "0");
  return yearly ? `${prefix}${year}-${n}` : `${prefix}${n}`;
}
