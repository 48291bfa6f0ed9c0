import { useQuery } from "@tanstack/react-query";
import { Fragment } from "react";

import { api, type CustomField } from "../lib/api";
import { formatDate, formatMoney, moneyToPlain } from "../lib/format";
import { Field } from "./Field";
import { qk } from "../lib/queryKeys";

type Values = Record<string, unknown>;

/** The user's custom fields of `entity`, as inputs for a form. Values are sent as typed. */
export function CustomFieldInputs({
  entity,
  values,
  fieldError,
  onChange,
}: {
  entity: string;
  values: Values;
  fieldError: (name: string) => string | undefined;
  onChange: (values: Values) => void;
}) {
  const fields = useQuery({ queryKey: qk.fields(entity), queryFn: () => api.fields.list(entity) });
  if (!fields.data?.length) return null;
  const set = (id: string, value: unknown) => onChange({ ...values, [id]: value });
  return (
    <section className="form-section" data-testid="custom-fields">
      <h2>More fields</h2>
      <div className="grid-2">
        {fields.data.map((f) => (
          <Field key={f.id} label={f.label} error={fieldError(`custom.${f.id}`)}>
            {(a11y) => <CustomInput field={f} a11y={a11y} value={values[f.id]} onChange={(v) => set(f.id, v)} />}
          </Field>
        ))}
      </div>
    </section>
  );
}

type A11y = { id: string; "aria-invalid": boolean; "aria-describedby"?: string };

function asText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object" && v && "amount_minor" in v) {
    const m = v as { amount_minor: number; currency: string };
    return `${m.amount_minor} ${m.currency}`;
  }
  return String(v);
}

function CustomInput({ field, a11y, value, onChange }: { field: CustomField; a11y: A11y; value: unknown; onChange: (v: unknown) => void }) {
  const name = `custom.${field.id}`;
  switch (field.kind) {
    case "checkbox":
      return (
        <label className="checks">
          <input {...a11y} type="checkbox" name={name} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          Yes
        </label>
      );
    case "single_select":
      return (
        <select {...a11y} name={name} className="input" value={asText(value)} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">—</option>
          {field.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
    case "multi_select": {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <div className="checks" role="group" aria-label={field.label}>
          {field.options.map((o) => (
            <label key={o}>
              <input
                type="checkbox"
                name={`${name}.${o}`}
                checked={chosen.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((x) => x !== o))}
              />
              {o}
            </label>
          ))}
        </div>
      );
    }
    case "money": {
      const m = value && typeof value === "object" && "amount_minor" in value ? (value as { amount_minor: number; currency: string }) : null;
      return (
        <input
          {...a11y}
          name={name}
          className="input"
          placeholder="1250.00 EUR"
          defaultValue={m ? `${moneyToPlain(m)} ${m.currency}` : asText(value)}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    }
    default:
      return (
        <input
          {...a11y}
          name={name}
          className="input"
          type={field.kind === "date" ? "date" : field.kind === "number" ? "number" : "text"}
          value={asText(value)}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
  }
}

/** Custom values of a record, for a detail page. */
export function CustomFieldValues({ entity, values }: { entity: string; values: Values }) {
  const fields = useQuery({ queryKey: qk.fields(entity), queryFn: () => api.fields.list(entity) });
  if (!fields.data?.length) return null;
  return (
    <section className="card" data-testid="custom-values">
      <h2>More fields</h2>
      <dl className="props">
        {fields.data.map((f) => (
          <Fragment key={f.id}>
            <dt>{f.label}</dt>
            <dd>{showValue(f, values[f.id])}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

export function showValue(f: CustomField, v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  switch (f.kind) {
    case "checkbox":
      return v === true ? "Yes" : "No";
    case "money":
      return typeof v === "object" ? formatMoney(v as { amount_minor: number; currency: string }) : String(v);
    case "date":
      return formatDate(String(v));
    case "multi_select":
      return Array.isArray(v) ? v.join(", ") : String(v);
    default:
      return String(v);
  }
}

/** Stored custom values as a form sends them back (money as "1250.00 EUR" text). */
export function editableCustom(custom: Record<string, unknown> | undefined): Record<string, never> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(custom ?? {})) {
    if (v && typeof v === "object" && !Array.isArray(v) && "amount_minor" in v) {
      const money = v as unknown as { amount_minor: number; currency: string };
      out[k] = `${moneyToPlain(money)} ${money.currency}`;
    } else {
      out[k] = v;
    }
  }
  return out as Record<string, never>;
}
