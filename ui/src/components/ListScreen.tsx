import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import { api, type BulkAction, type Page, type Segment, type SortDirection } from "../lib/api";
import { rememberOrder } from "../lib/recordNav";
import { useDebounced } from "../lib/useDebounced";
import { useShortcut } from "../lib/useShortcut";
import { ConfirmDialog } from "./ConfirmDialog";
import { showValue } from "./CustomFields";
import { ErrorBanner, PageHead } from "./PageHead";
import { SortHeader, type Column } from "./SortableTable";
import { useNotify } from "./Toasts";
import { qk } from "../lib/queryKeys";

/** Filters a list screen sends with every page; keys match the Rust query types. */
export type Filters = Record<string, unknown> & { tags?: string[]; owner_id?: string | null };

export type ListQuery<S> = Filters & {
  search: string | null;
  sort: S;
  direction: SortDirection;
  after: string | null;
  limit: number;
};

type Row = { id: string; custom: Record<string, unknown> };

type Props<T extends Row, S extends string> = {
  /** "contacts": the route prefix, query key and test-id stem. */
  entity: string;
  title: string;
  /** The count under the title; `capped` when the count stopped at its cap ("10,000+"). */
  countLabel: (n: number, capped: boolean) => string;
  /** Singular and plural nouns for messages ("contact", "contacts"). */
  noun: [string, string];
  columns: Column<T, S>[];
  defaultSort: S;
  load: (query: ListQuery<S>) => Promise<Page<T>>;
  filterPlaceholder: string;
  newLabel: string;
  empty: { title: string; text: ReactNode };
  /** Extra filter controls of this kind of record. */
  extraFilters?: (filters: Filters, set: (patch: Filters) => void) => ReactNode;
  /** Where rows and New go when it differs from `entity` ("/deals" for "opportunities"). */
  routeBase?: string;
  /** Filters to start with (e.g. from the address). */
  initialFilters?: Filters;
  /** More controls in the page head, before the search box. */
  headExtra?: ReactNode;
  /** data-testid of each row ("lead-row"), or one per row ("ticket-row-12"). */
  rowTestId?: string | ((row: T) => string);
  /** data-testid of the New button (default `new-<entity>`). */
  newTestId?: string;
  /** Controls above the filter bar that set filters too (e.g. queue tabs). */
  above?: (filters: Filters, set: (patch: Filters) => void) => ReactNode;
  /** What an empty filtered list says (default "Nothing matches these filters."). */
  noMatch?: (filters: Filters, search: string | null) => ReactNode;
  /** The bulk owner menu's first entry (default "Set owner…"). */
  ownerActionLabel?: string;
};

const PAGE = 100;
const ROW_HEIGHT = 49;

/**
 * A searchable, sortable, filterable list of one kind of record, with a "New" button (Ctrl+N),
 * multi-select with bulk actions, a column chooser and saved views. Pages are fetched by cursor
 * as the user scrolls, and only the rows on screen are rendered, so 100,000 records scroll
 * like 100.
 */
export function ListScreen<T extends Row, S extends string>(props: Props<T, S>) {
  const { entity, load } = props;
  const [, navigate] = useLocation();
  const notify = useNotify();
  const client = useQueryClient();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<S>(props.defaultSort);
  const [direction, setDirection] = useState<SortDirection>("asc");
  const [sortField, setSortField] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(props.initialFilters ?? {});
  // The selection belongs to one query: changing the search, filters or sort clears it, so a
  // bulk action never reaches rows the user can no longer see.
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: "", ids: new Set() });
  // The columns shown; null: the built-in ones (custom fields are opt-in).
  const [shown, setShown] = useState<Set<string> | null>(null);
  const [activeView, setActiveView] = useState<string>("");
  const [naming, setNaming] = useState<string | null>(null);
  const patchFilters = (patch: Filters) => setFilters((f) => ({ ...f, ...patch }));

  const fields = useQuery({ queryKey: qk.fields(entity), queryFn: () => api.fields.list(entity) });
  const columns: Column<T, S>[] = useMemo(
    () => [
      ...props.columns,
      ...(fields.data ?? []).map((f) => ({
        id: `custom:${f.id}`,
        label: f.label,
        width: "12%",
        sortField: f.id,
        render: (row: T) => showValue(f, row.custom[f.id]),
      })),
    ],
    [props.columns, fields.data],
  );
  const visible = columns.filter((c) => (shown ? shown.has(c.id) || c.id === "name" : !c.id.startsWith("custom:")));
  const toggleColumn = (id: string, show: boolean) => {
    const next = new Set(visible.map((c) => c.id));
    if (show) next.add(id);
    else next.delete(id);
    setShown(next);
  };

  const query = { ...filters, search: useDebounced(search).trim() || null, sort, direction, sort_field: sortField };
  const queryKey = JSON.stringify(query);
  const selected = selection.key === queryKey ? selection.ids : new Set<string>();
  const setSelected = (next: Set<string> | ((prev: Set<string>) => Set<string>)) =>
    setSelection((s) => {
      const prev = s.key === queryKey ? s.ids : new Set<string>();
      return { key: queryKey, ids: typeof next === "function" ? next(prev) : next };
    });
  const list = useInfiniteQuery({
    queryKey: qk.records(entity).list(query),
    queryFn: ({ pageParam }) => load({ ...query, after: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? null;
  const totalCapped = list.data?.pages[0]?.total_capped ?? false;
  const filtered = Boolean(query.search) || Object.values(filters).some((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v)));

  const views = useQuery({ queryKey: qk.views(entity), queryFn: () => api.views.list(entity) });
  const applyView = (id: string) => {
    setActiveView(id);
    const view = views.data?.find((v) => v.id === id);
    const d = (view?.definition ?? {}) as Record<string, unknown>;
    const { sort: s, direction: dir, search: text, columns: cols, sort_field: sf, ...rest } = d;
    setSort((s as S) ?? props.defaultSort);
    setSortField(typeof sf === "string" ? sf : null);
    setDirection((dir as SortDirection) ?? "asc");
    setSearch(typeof text === "string" ? text : "");
    setFilters(rest as Filters);
    setShown(Array.isArray(cols) ? new Set(cols as string[]) : null);
  };
  const saveView = useMutation({
    mutationFn: (name: string) =>
      api.views.save(entity, name, {
        ...filters,
        search: query.search,
        sort,
        direction,
        sort_field: sortField,
        columns: visible.map((c) => c.id),
      }),
    onSuccess: async (v) => {
      await client.invalidateQueries({ queryKey: qk.views(entity) });
      setActiveView(v.id);
      notify(`Saved the view ${v.name}`);
    },
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  // No React Compiler here; the virtualizer re-renders on scroll by design.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const [confirmDelete, setConfirmDelete] = useState(false);
  const [lastBatch, setLastBatch] = useState<{ batch: string; text: string } | null>(null);
  // Static lists of this kind of record, offered in the bulk bar's "Add to list…".
  const listable = entity === "contacts" || entity === "accounts" || entity === "leads";
  const lists = useQuery({
    queryKey: qk.marketing.segments.list,
    queryFn: () => api.marketing.segments.list(),
    enabled: listable,
    select: (all) => all.filter((s) => s.kind === "static" && s.entity === entity),
  });
  const bulk = useMutation({
    mutationFn: (action: BulkAction) => api.bulk(entity, [...selected], action),
    onSuccess: async (result, action) => {
      await client.invalidateQueries();
      const [one, many] = props.noun;
      const n = `${result.changed} ${result.changed === 1 ? one : many}`;
      // A delete leaves the records it may not delete (issued invoices, ...) selected, and
      // says why for each.
      const kept = result.skipped.map((s) => s.reason).join(" ");
      const text = bulkDone(action, n, lists.data) + (kept ? ` Not deleted: ${kept}` : "");
      setLastBatch({ batch: result.changed > 0 ? result.batch_id : "", text });
      setSelected(new Set(result.skipped.map((s) => s.id)));
      setConfirmDelete(false);
    },
  });
  const undo = useMutation({
    mutationFn: (batch: string) => api.undo(batch),
    onSuccess: async () => {
      await client.invalidateQueries();
      setLastBatch(null);
      notify("Undone");
    },
  });

  const base = props.routeBase ?? `/${entity}`;
  const newHref = `${base}/new`;
  useShortcut("n", () => navigate(newHref));
  const newButton = (
    <Link className="btn primary" href={newHref} data-testid={props.newTestId ?? `new-${entity}`}>
      + {props.newLabel}
    </Link>
  );
  const open = (row: T) => {
    rememberOrder(entity, rows.map((r) => r.id));
    navigate(`${base}/${row.id}`);
  };
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  const allLoadedSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <PageHead title={props.title} sub={total !== null ? props.countLabel(total, totalCapped) : " "}>
        {props.headExtra}
        <input
          className="input search"
          type="search"
          placeholder={props.filterPlaceholder}
          aria-label={`Filter ${entity}`}
          data-testid={`${entity}-filter`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {newButton}
      </PageHead>
      <div className="page-body list-body" ref={scrollRef}>
        {props.above?.(filters, patchFilters)}
        <div className="filter-bar" data-testid={`${entity}-filters`}>
          <select
            className="input"
            aria-label="Saved view"
            data-testid="view-select"
            value={activeView}
            onChange={(e) => {
              if (e.target.value) {
                applyView(e.target.value);
              } else {
                setActiveView("");
                setFilters({});
                setShown(null);
                setSearch("");
                setSort(props.defaultSort);
                setSortField(null);
                setDirection("asc");
              }
            }}
          >
            <option value="">All {entity}</option>
            {views.data?.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
          <FilterControls filters={filters} set={patchFilters} />
          <MoreFilters entity={entity} filters={filters} set={patchFilters} />
          {props.extraFilters?.(filters, patchFilters)}
          <ColumnChooser columns={columns} isVisible={(id) => visible.some((c) => c.id === id)} onToggle={toggleColumn} />
          {naming === null ? (
            <button
              className="btn ghost"
              data-testid="save-view"
              onClick={() => setNaming(views.data?.find((v) => v.id === activeView)?.name ?? "")}
            >
              Save view…
            </button>
          ) : (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (naming.trim()) saveView.mutate(naming.trim(), { onSuccess: () => setNaming(null) });
              }}
            >
              <input
                className="input"
                autoFocus
                placeholder="Name of the view"
                aria-label="Name of the view"
                data-testid="view-name"
                value={naming}
                onChange={(e) => setNaming(e.target.value)}
                onKeyDown={(e) => e.key === "Escape" && setNaming(null)}
              />
              <button className="btn primary" type="submit" data-testid="view-save">
                Save
              </button>
            </form>
          )}
        </div>
        <ErrorBanner error={list.error ?? bulk.error ?? saveView.error ?? undo.error} />
        {lastBatch && (
          <div className="banner ok" data-testid="bulk-done">
            <span>{lastBatch.text}</span>
            <span className="spacer" />
            {lastBatch.batch && (
              <button className="btn" onClick={() => undo.mutate(lastBatch.batch)} disabled={undo.isPending} data-testid="bulk-undo">
                Undo
              </button>
            )}
          </div>
        )}
        {selected.size > 0 && (
          <BulkBar
            count={selected.size}
            noun={props.noun}
            busy={bulk.isPending}
            ownerLabel={props.ownerActionLabel ?? "Set owner…"}
            lists={listable ? (lists.data ?? []) : null}
            onAction={(a) => (a.action === "delete" ? setConfirmDelete(true) : bulk.mutate(a))}
            onClear={() => setSelected(new Set())}
          />
        )}
        {total === 0 && !filtered ? (
          <div className="empty" data-testid={`${entity}-empty`}>
            <h2>{props.empty.title}</h2>
            <div>{props.empty.text}</div>
            {newButton}
          </div>
        ) : (
          <div className="table-card">
            <table className="list" data-testid={`${entity}-table`} aria-rowcount={total ?? undefined}>
              <thead>
                <tr>
                  <th className="select-cell">
                    <input
                      type="checkbox"
                      aria-label="Select all loaded rows"
                      checked={allLoadedSelected}
                      onChange={() => setSelected(allLoadedSelected ? new Set() : new Set(rows.map((r) => r.id)))}
                    />
                  </th>
                  {visible.map((c) => (
                    <SortHeader
                      key={c.id}
                      column={c}
                      active={c.sortField ? sortField === c.sortField : !sortField && c.sort === sort}
                      direction={direction}
                      onSort={(d) => {
                        if (c.sortField) {
                          setSortField(c.sortField);
                        } else if (c.sort) {
                          setSortField(null);
                          setSort(c.sort);
                        }
                        setDirection(d);
                      }}
                    />
                  ))}
                </tr>
              </thead>
              <tbody>
                {padTop > 0 && (
                  <tr aria-hidden="true" className="spacer">
                    <td colSpan={visible.length + 1} style={{ height: padTop }} />
                  </tr>
                )}
                {items.map((v) => {
                  const row = rows[v.index];
                  if (!row) return null;
                  return (
                    <tr
                      key={row.id}
                      tabIndex={0}
                      aria-rowindex={v.index + 2}
                      aria-selected={selected.has(row.id)}
                      data-testid={typeof props.rowTestId === "function" ? props.rowTestId(row) : props.rowTestId}
                      onClick={() => open(row)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") open(row);
                        if (e.key === " ") {
                          e.preventDefault();
                          toggle(row.id);
                        }
                      }}
                    >
                      <td className="select-cell" onClick={(e) => e.stopPropagation()}>
                        <input
                          type="checkbox"
                          aria-label="Select"
                          data-testid="row-select"
                          checked={selected.has(row.id)}
                          onChange={() => toggle(row.id)}
                        />
                      </td>
                      {visible.map((c) => (
                        <td key={c.id}>{c.render(row)}</td>
                      ))}
                    </tr>
                  );
                })}
                {padBottom > 0 && (
                  <tr aria-hidden="true" className="spacer">
                    <td colSpan={visible.length + 1} style={{ height: padBottom }} />
                  </tr>
                )}
              </tbody>
            </table>
            {total === 0 && <div className="empty">{props.noMatch?.(filters, query.search) ?? "Nothing matches these filters."}</div>}
          </div>
        )}
        {(list.isPending || isFetchingNextPage) && <div className="list-foot">Loading…</div>}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${selected.size} ${selected.size === 1 ? props.noun[0] : props.noun[1]}?`}
          confirmLabel="Delete"
          busy={bulk.isPending}
          error={bulk.error}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => bulk.mutate({ action: "delete" })}
        >
          You can undo this right after, and the change log keeps what was deleted.
        </ConfirmDialog>
      )}
    </>
  );
}

/** Tag and owner filters, shared by every list. */
function FilterControls({ filters, set }: { filters: Filters; set: (patch: Filters) => void }) {
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const tags = useQuery({ queryKey: qk.tags, queryFn: api.tags });
  return (
    <>
      <select
        className="input"
        aria-label="Filter by tag"
        data-testid="filter-tag"
        value={filters.tags?.[0] ?? ""}
        onChange={(e) => set({ tags: e.target.value ? [e.target.value] : [] })}
      >
        <option value="">Any tag</option>
        {tags.data?.map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      <select
        className="input"
        aria-label="Filter by owner"
        data-testid="filter-owner"
        value={filters.owner_id ?? ""}
        onChange={(e) => set({ owner_id: e.target.value || null })}
      >
        <option value="">Any owner</option>
        <option value="none">Nobody</option>
        {team.data?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** Creation dates and custom-field conditions, in a drop-down. */
function MoreFilters({ entity, filters, set }: { entity: string; filters: Filters; set: (patch: Filters) => void }) {
  const [open, setOpen] = useState(false);
  const fields = useQuery({ queryKey: qk.fields(entity), queryFn: () => api.fields.list(entity) });
  const custom = (filters.custom as { field_id: string; value: string }[] | undefined) ?? [];
  const valueOf = (id: string) => custom.find((c) => c.field_id === id)?.value ?? "";
  const setCustom = (id: string, value: string) =>
    set({ custom: [...custom.filter((c) => c.field_id !== id), ...(value ? [{ field_id: id, value }] : [])] });
  const active = [filters.created_from, filters.created_to].filter(Boolean).length + custom.length;
  return (
    <div className="menu">
      <button className="btn ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="more-filters">
        More filters{active ? ` (${active})` : ""}
      </button>
      {open && (
        <div className="menu-pop wide" role="dialog" aria-label="More filters">
          <label className="menu-field">
            Created from
            <input
              className="input"
              type="date"
              value={(filters.created_from as string | undefined) ?? ""}
              onChange={(e) => set({ created_from: e.target.value || null })}
            />
          </label>
          <label className="menu-field">
            Created to
            <input
              className="input"
              type="date"
              value={(filters.created_to as string | undefined) ?? ""}
              onChange={(e) => set({ created_to: e.target.value || null })}
            />
          </label>
          {fields.data?.map((f) => (
            <label className="menu-field" key={f.id}>
              {f.label}
              {f.options.length > 0 || f.kind === "checkbox" ? (
                <select className="input" value={valueOf(f.id)} onChange={(e) => setCustom(f.id, e.target.value)}>
                  <option value="">Any</option>
                  {(f.kind === "checkbox" ? ["yes", "no"] : f.options).map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              ) : (
                <input
                  className="input"
                  placeholder="Any"
                  value={valueOf(f.id)}
                  onChange={(e) => setCustom(f.id, e.target.value)}
                />
              )}
            </label>
          ))}
          <button className="btn ghost" onClick={() => set({ created_from: null, created_to: null, custom: [] })}>
            Clear these filters
          </button>
        </div>
      )}
    </div>
  );
}

function ColumnChooser<T, S extends string>({
  columns,
  isVisible,
  onToggle,
}: {
  columns: Column<T, S>[];
  isVisible: (id: string) => boolean;
  onToggle: (id: string, show: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu">
      <button className="btn ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="columns">
        Columns
      </button>
      {open && (
        <div className="menu-pop" role="menu" onMouseLeave={() => setOpen(false)}>
          {columns.map((c) => (
            <label key={c.id} className="menu-item">
              <input type="checkbox" checked={isVisible(c.id)} disabled={c.id === "name"} onChange={(e) => onToggle(c.id, e.target.checked)} />
              {c.label}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

/** The banner after a bulk action: what was done to how many (`n`, "3 contacts"). */
function bulkDone(action: BulkAction, n: string, lists: Segment[] | undefined): string {
  switch (action.action) {
    case "delete":
      return `Deleted ${n}.`;
    case "set_owner":
      return `Changed the owner of ${n}.`;
    case "add_tags":
      return `Tagged ${n}.`;
    case "remove_tags":
      return `Untagged ${n}.`;
    case "add_to_list": {
      const name = lists?.find((l) => l.id === action.segment_id)?.name ?? "the list";
      return `Added ${n} to ${name}.`;
    }
  }
}

function BulkBar({
  count,
  noun,
  busy,
  ownerLabel,
  lists,
  onAction,
  onClear,
}: {
  count: number;
  noun: [string, string];
  busy: boolean;
  ownerLabel: string;
  /** Static lists the selection can join; null where records have no lists. */
  lists: Segment[] | null;
  onAction: (a: BulkAction) => void;
  onClear: () => void;
}) {
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const [tag, setTag] = useState("");
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <strong>
        {count} {count === 1 ? noun[0] : noun[1]} selected
      </strong>
      <button className="btn ghost" onClick={onClear} title="Clear the selection">
        Clear
      </button>
      <input className="input" placeholder="tag" aria-label="Tag to add or remove" data-testid="bulk-tag" value={tag} onChange={(e) => setTag(e.target.value)} />
      <button className="btn" disabled={busy || !tag.trim()} onClick={() => onAction({ action: "add_tags", tags: [tag] })} data-testid="bulk-add-tag">
        Add tag
      </button>
      <button className="btn" disabled={busy || !tag.trim()} onClick={() => onAction({ action: "remove_tags", tags: [tag] })}>
        Remove tag
      </button>
      <select
        className="input"
        aria-label="Set owner"
        data-testid="bulk-owner"
        value=""
        disabled={busy}
        onChange={(e) => e.target.value && onAction({ action: "set_owner", owner_id: e.target.value === "none" ? null : e.target.value })}
      >
        <option value="">{ownerLabel}</option>
        <option value="none">Nobody</option>
        {team.data?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
      {lists && (
        <select
          className="input"
          aria-label="Add to list"
          data-testid="bulk-list"
          value=""
          disabled={busy || lists.length === 0}
          title={lists.length === 0 ? "No static lists yet: make one in Marketing → Segments" : undefined}
          onChange={(e) => e.target.value && onAction({ action: "add_to_list", segment_id: e.target.value })}
        >
          <option value="">Add to list…</option>
          {lists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      )}
      <button className="btn danger" disabled={busy} onClick={() => onAction({ action: "delete" })} data-testid="bulk-delete">
        Delete…
      </button>

    </div>
  );
}
