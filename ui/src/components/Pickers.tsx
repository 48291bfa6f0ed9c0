import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import { api } from "../lib/api";
import { Field } from "./Field";
import { qk } from "../lib/queryKeys";

/** A select of team members, for the owner of a record. */
export function OwnerSelect({
  value,
  error,
  onChange,
}: {
  value: string | null;
  error?: string | undefined;
  onChange: (id: string | null) => void;
}) {
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  return (
    <Field label="Owner" error={error}>
      {(a11y) => (
        <select {...a11y} name="owner_id" className="input" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">— Nobody —</option>
          {team.data?.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Tags typed as a comma-separated list, with the tags already in use offered as you type. */
export function TagsField({
  value,
  error,
  onChange,
}: {
  value: string[];
  error?: string | undefined;
  onChange: (tags: string[]) => void;
}) {
  const listId = useId();
  const known = useQuery({ queryKey: qk.tags, queryFn: api.tags });
  const [text, setText] = useState(value.join(", "));
  return (
    <Field label="Tags (comma-separated)" error={error}>
      {(a11y) => (
        <>
          <input
            {...a11y}
            name="tags"
            className="input"
            list={listId}
            placeholder="vip, newsletter"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              onChange(
                e.target.value
                  .split(",")
                  .map((t) => t.trim())
                  .filter(Boolean),
              );
            }}
          />
          <datalist id={listId}>
            {known.data?.map((t) => (
              <option key={t} value={`${text.replace(/[^,]*$/, "").trimStart()}${text.includes(",") ? " " : ""}${t}`} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

/** Tags as small labels. */
export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tags">
      {tags.map((t) => (
        <span key={t} className="tag tag-strong">
          {t}
        </span>
      ))}
    </span>
  );
}
