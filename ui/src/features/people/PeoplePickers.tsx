import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api } from "../../lib/api";
import { fullName } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { qk } from "../../lib/queryKeys";
import { useClickAway } from "../../lib/useClickAway";

type Hit = { id: string; name: string; sub?: string | null; accountId?: string | null };

/** A text box that searches as you type and offers the first matches to pick. */
function SearchPick({
  id,
  name,
  label,
  placeholder,
  search,
  onPick,
  invalid,
  describedBy,
  kind,
  scope,
}: {
  id?: string;
  name: string;
  label: string;
  placeholder: string;
  search: (text: string) => Promise<Hit[]>;
  onPick: (hit: Hit) => void;
  invalid?: boolean;
  describedBy?: string | undefined;
  kind: "account" | "contact";
  /** What else the search depends on (part of its cache key). */
  scope?: string | null;
}) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text, 150).trim();
  const hits = useQuery({ queryKey: qk.picker(kind, q, scope ?? null), queryFn: () => search(q), enabled: open });
  const ref = useClickAway(open, setOpen);
  const list = hits.data ?? [];
  const pick = (h: Hit) => {
    onPick(h);
    setText("");
    setOpen(false);
  };
  return (
    <div className="search-pick" ref={ref}>
      <input
        id={id}
        name={name}
        className="input"
        aria-label={id ? undefined : label}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-autocomplete="list"
        autoComplete="off"
        placeholder={placeholder}
        value={text}
        data-testid={`${kind}-search`}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, list.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && open && list[active]) {
            e.preventDefault();
            pick(list[active]);
          } else if (e.key === "Escape" && open) {
            e.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {open && list.length > 0 && (
        <div className="menu-pop" role="listbox" aria-label={label}>
          {list.map((h, i) => (
            <button
              key={h.id}
              type="button"
              role="option"
              aria-selected={i === active}
              className="menu-item"
              style={i === active ? { background: "var(--surface-2)" } : undefined}
              data-testid={`${kind}-option`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(h)}
            >
              {h.name}
              {h.sub && <span className="muted small">{h.sub}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** The account of a deal: its name with a Change button, or a search box. */
export function AccountPicker({
  a11y,
  value,
  onChange,
}: {
  a11y: { id: string; "aria-invalid": boolean; "aria-describedby"?: string };
  value: { id: string; name: string } | null;
  onChange: (account: { id: string; name: string } | null) => void;
}) {
  if (value) {
    return (
      <div className="chip-input" data-testid="account-chosen">
        <span className="chip">
          {value.name}
          <button type="button" className="chip-x" aria-label="Remove the account" onClick={() => onChange(null)}>
            ×
          </button>
        </span>
        <input type="hidden" name="account_id" value={value.id} />
      </div>
    );
  }
  return (
    <SearchPick
      id={a11y.id}
      name="account_id"
      label="Account"
      kind="account"
      placeholder="Search accounts…"
      invalid={a11y["aria-invalid"]}
      describedBy={a11y["aria-describedby"]}
      search={async (text) => {
        const page = await api.accounts.list({ search: text || null, limit: 8 });
        return page.items.map((a) => ({ id: a.id, name: a.name, sub: a.city }));
      }}
      onPick={(h) => onChange({ id: h.id, name: h.name })}
    />
  );
}

/** A search box adding a person to the deal. */
export function ContactPicker({ onPick, exclude }: { onPick: (c: { id: string; name: string }) => void; exclude: string[] }) {
  return (
    <SearchPick
      name="contacts.search"
      label="Add a person"
      kind="contact"
      placeholder="Add a person: search contacts…"
      search={async (text) => {
        const page = await api.contacts.list({ search: text || null, limit: 8 });
        return page.items
          .filter((c) => !exclude.includes(c.id))
          .map((c) => ({ id: c.id, name: fullName(c), sub: c.account_name }));
      }}
      onPick={(h) => onPick({ id: h.id, name: h.name })}
    />
  );
}

/** One contact (of a ticket): its name with a remove button, or a search box; `accountId`
 * narrows the search to that account's people. */
export function ContactChooser({
  a11y,
  value,
  accountId,
  onChange,
}: {
  a11y: { id: string; "aria-invalid": boolean; "aria-describedby"?: string };
  value: { id: string; name: string } | null;
  accountId?: string | null;
  onChange: (contact: { id: string; name: string; accountId: string | null; accountName: string | null } | null) => void;
}) {
  if (value) {
    return (
      <div className="chip-input" data-testid="contact-chosen">
        <span className="chip">
          {value.name}
          <button type="button" className="chip-x" aria-label="Remove the contact" onClick={() => onChange(null)}>
            ×
          </button>
        </span>
        <input type="hidden" name="contact_id" value={value.id} />
      </div>
    );
  }
  return (
    <SearchPick
      id={a11y.id}
      name="contact_id"
      label="Contact"
      kind="contact"
      scope={accountId ?? null}
      placeholder="Search contacts…"
      invalid={a11y["aria-invalid"]}
      describedBy={a11y["aria-describedby"]}
      search={async (text) => {
        const page = await api.contacts.list({ search: text || null, account_id: accountId ?? null, limit: 8 });
        return page.items.map((c) => ({ id: c.id, name: fullName(c), sub: c.account_name, accountId: c.account_id }));
      }}
      onPick={(h) => onChange({ id: h.id, name: h.name, accountId: h.accountId ?? null, accountName: h.sub ?? null })}
    />
  );
}
