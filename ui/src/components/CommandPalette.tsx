import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation } from "wouter";

import { api, type SearchHit } from "../lib/api";
import { useDebounced } from "../lib/useDebounced";
import { useShortcut } from "../lib/useShortcut";
import { qk } from "../lib/queryKeys";

type Item = { key: string; label: string; hint?: string | null; group: string; go: string };

const ACTIONS: Item[] = [
  { key: "go-today", label: "Go to Today", group: "Actions", go: "/today" },
  { key: "go-calendar", label: "Go to Calendar", group: "Actions", go: "/calendar" },
  { key: "new-contact", label: "New contact", group: "Actions", go: "/contacts/new" },
  { key: "new-account", label: "New account", group: "Actions", go: "/accounts/new" },
  { key: "go-contacts", label: "Go to Contacts", group: "Actions", go: "/contacts" },
  { key: "go-accounts", label: "Go to Accounts", group: "Actions", go: "/accounts" },
  { key: "go-duplicates", label: "Find duplicates", group: "Actions", go: "/duplicates" },
  { key: "new-ticket", label: "New ticket", group: "Actions", go: "/tickets/new" },
  { key: "go-tickets", label: "Go to Tickets", group: "Actions", go: "/tickets" },
  { key: "go-dashboard", label: "Go to Dashboard", group: "Actions", go: "/dashboard" },
  { key: "go-reports", label: "Go to Reports", group: "Actions", go: "/reports" },
];

const GROUP_NAMES: Record<string, string> = { contacts: "Contacts", accounts: "Accounts", leads: "Leads", tickets: "Tickets" };

/** Where a search hit opens: its record page (deals live under /deals). */
export function hitRoute(entity: string, id: string): string {
  const base = entity === "opportunities" ? "deals" : entity;
  return `/${base}/${id}`;
}

function hitItem(h: SearchHit): Item {
  return { key: `${h.entity}:${h.id}`, label: h.title, hint: h.subtitle, group: GROUP_NAMES[h.entity] ?? h.entity, go: hitRoute(h.entity, h.id) };
}

/** Ctrl+K (Cmd+K): search everything and run actions from the keyboard. */
export function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  useShortcut("k", () => onOpenChange(!open));
  if (!open) return null;
  return <Palette onClose={() => onOpenChange(false)} />;
}

function Palette({ onClose }: { onClose: () => void }) {
  const [, navigate] = useLocation();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const query = useDebounced(text.trim(), 80);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);
  const results = useQuery({
    queryKey: qk.search(query),
    queryFn: () => api.search(query),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const items = useMemo(() => {
    const needle = query.toLowerCase();
    const actions = ACTIONS.filter((a) => !needle || a.label.toLowerCase().includes(needle));
    const hits = query ? (results.data ?? []).flatMap((g) => g.hits.map(hitItem)) : [];
    return [...hits, ...actions];
  }, [query, results.data]);
  const choose = (item: Item | undefined) => {
    if (!item) return;
    onClose();
    navigate(item.go);
  };
  const selected = Math.min(active, Math.max(items.length - 1, 0));

  return (
    <div className="dialog-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Search and commands" data-testid="palette">
        <input
          ref={inputRef}
          className="palette-input"
          placeholder="Search people and companies, or type a command…"
          aria-label="Search"
          data-testid="palette-input"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") onClose();
            else if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((i) => Math.min(i + 1, items.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((i) => Math.max(i - 1, 0));
            } else if (e.key === "Enter") {
              e.preventDefault();
              choose(items[selected]);
            }
          }}
        />
        <ul className="palette-list" role="listbox">
          {items.map((item, i) => (
            <li key={item.key} role="option" aria-selected={i === selected}>
              {(i === 0 || items[i - 1]?.group !== item.group) && <div className="palette-group">{item.group}</div>}
              <button
                className={`palette-item${i === selected ? " active" : ""}`}
                data-testid="palette-item"
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(item)}
              >
                <span>{item.label}</span>
                {item.hint && <span className="muted">{item.hint}</span>}
              </button>
            </li>
          ))}
          {query && results.data && items.length === 0 && <li className="palette-empty">Nothing found for “{query}”.</li>}
        </ul>
        <div className="palette-foot">↑↓ to move · Enter to open · Esc to close</div>
      </div>
    </div>
  );
}
