import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, ApiError, type CustomField, type FieldKind } from "../../lib/api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { qk } from "../../lib/queryKeys";

const KINDS: { value: FieldKind; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "money", label: "Money" },
  { value: "date", label: "Date" },
  { value: "single_select", label: "Single select" },
  { value: "multi_select", label: "Multi select" },
  { value: "checkbox", label: "Checkbox" },
];

const split = (text: string) =>
  text
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);

/** Define, rename and delete the custom fields of one kind of record. */
export function FieldsEditor({ entity, title }: { entity: string; title: string }) {
  const client = useQueryClient();
  const notify = useNotify();
  const fields = useQuery({ queryKey: qk.fields(entity), queryFn: () => api.fields.list(entity) });
  const [label, setLabel] = useState("");
  const [kind, setKind] = useState<FieldKind>("text");
  const [options, setOptions] = useState("");
  const [removing, setRemoving] = useState<CustomField | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: qk.fields(entity) });
  const define = useMutation({
    mutationFn: () => api.fields.define({ entity, label, kind, options: split(options) }),
    onSuccess: async (f) => {
      await refresh();
      notify(`Added the field ${f.label}`);
      setLabel("");
      setOptions("");
    },
  });
  const archive = useMutation({
    mutationFn: (f: CustomField) => api.fields.archive(f.id),
    onSuccess: async () => {
      await refresh();
      setRemoving(null);
    },
  });
  const err = define.error instanceof ApiError ? define.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    define.mutate();
  };
  const selects = kind === "single_select" || kind === "multi_select";
  return (
    <section className="form-section form" data-testid={`fields-${entity}`}>
      <h2>{title}</h2>
      <ErrorBanner error={archive.error} />
      <ul className="dup-records">
        {fields.data?.map((f) => (
          <FieldRow key={f.id} field={f} onRemove={() => setRemoving(f)} onSaved={refresh} />
        ))}
        {fields.data?.length === 0 && <li className="muted">No custom fields yet.</li>}
      </ul>
      <form className="grid-2" onSubmit={submit} noValidate>
        <TextField label="New field" name={`${entity}.field.label`} value={label} error={err?.field("label")} onChange={setLabel} />
        <Field label="Kind">
          {(a11y) => (
            <select {...a11y} className="input" name={`${entity}.field.kind`} value={kind} onChange={(e) => setKind(e.target.value as FieldKind)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {selects && (
          <TextField
            label="Choices (comma-separated)"
            name={`${entity}.field.options`}
            value={options}
            error={err?.field("options")}
            onChange={setOptions}
          />
        )}
        <div>
          <button type="submit" className="btn primary" disabled={define.isPending} data-testid={`add-field-${entity}`}>
            Add field
          </button>
        </div>
      </form>
      {removing && (
        <ConfirmDialog
          title={`Delete the field ${removing.label}?`}
          confirmLabel="Delete field"
          busy={archive.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => archive.mutate(removing)}
        >
          It disappears from forms and lists. The values already entered stay in your data file.
        </ConfirmDialog>
      )}
    </section>
  );
}

function FieldRow({ field, onRemove, onSaved }: { field: CustomField; onRemove: () => void; onSaved: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(field.label);
  const [options, setOptions] = useState(field.options.join(", "));
  const save = useMutation({
    mutationFn: () => api.fields.update(field.id, label, split(options)),
    onSuccess: async () => {
      await onSaved();
      setEditing(false);
    },
  });
  const kind = KINDS.find((k) => k.value === field.kind)?.label ?? field.kind;
  if (!editing) {
    return (
      <li className="field-row">
        <span>
          <strong>{field.label}</strong> <span className="muted">· {kind}</span>
          {field.options.length > 0 && <span className="muted"> · {field.options.join(", ")}</span>}
        </span>
        <span>
          <button className="btn ghost" onClick={() => setEditing(true)}>
            Rename
          </button>
          <button className="btn ghost danger" onClick={onRemove}>
            Delete
          </button>
        </span>
      </li>
    );
  }
  const err = save.error instanceof ApiError ? save.error : undefined;
  return (
    <li>
      <div className="grid-2">
        <TextField label="Label" name="rename.label" value={label} error={err?.field("label")} onChange={setLabel} />
        {field.options.length > 0 && <TextField label="Choices" name="rename.options" value={options} error={err?.field("options")} onChange={setOptions} />}
      </div>
      <button className="btn primary" onClick={() => save.mutate()} disabled={save.isPending}>
        Save
      </button>{" "}
      <button className="btn" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </li>
  );
}
