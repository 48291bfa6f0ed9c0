import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type FieldProps = {
  label: string;
  error?: string | undefined;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
};

/** A label, a control and the backend's message for it, wired for screen readers. */
export function Field({ label, error, children }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <span>
        <label htmlFor={id}>{label}</label>
      </span>
      {children({ id, "aria-invalid": Boolean(error), ...(error ? { "aria-describedby": errorId } : {}) })}
      {error && (
        <span className="field-error" id={errorId} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

type TextFieldProps = {
  label: string;
  name: string;
  value: string | null | undefined;
  error?: string | undefined;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "name">;

export function TextField({ label, name, value, error, onChange, ...rest }: TextFieldProps) {
  return (
    <Field label={label} error={error}>
      {(a11y) => (
        <input
          {...a11y}
          {...rest}
          name={name}
          className="input"
          value={value ?? ""}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** The Notes section every form ends with (blank text is stored as no notes). */
export function NotesSection({
  value,
  error,
  onChange,
}: {
  value: string | null;
  error?: string | undefined;
  onChange: (value: string | null) => void;
}) {
  return (
    <section className="form-section">
      <h2>Notes</h2>
      <Field label="Notes" error={error}>
        {(a11y) => (
          <textarea {...a11y} name="notes" className="input" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)} />
        )}
      </Field>
    </section>
  );
}
