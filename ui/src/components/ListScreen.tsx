import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import type { Page, SortDirection } from "../lib/api";
import { useDebounced } from "../lib/useDebounced";
import { useShortcut } from "../lib/useShortcut";
import { ErrorBanner, PageHead } from "./PageHead";
import { SortHeader, type Column } from "./SortableTable";

export type ListQuery<S> = {
  search: string | null;
  sort: S;
  direction: SortDirection;
  after: string | null;
  limit: number;
};

type Props<T extends { id: string }, S extends string> = {
  /** "contacts": the route prefix, query key and test-id stem. */
  entity: string;
  title: string;
  countLabel: (n: number) => string;
  columns: Column<T, S>[];
  defaultSort: S;
  load: (query: ListQuery<S>) => Promise<Page<T>>;
  filterPlaceholder: string;
  newLabel: string;
  empty: { title: string; text: ReactNode };
};

const PAGE = 100;
const ROW_HEIGHT = 49;

/**
 * A searchable, sortable list of one kind of record, with a "New" button (Ctrl+N). Pages are
 * fetched by cursor as the user scrolls, and only the rows on screen are rendered, so 100,000
 * records scroll like 100.
 */
export function ListScreen<T extends { id: string }, S extends string>(props: Props<T, S>) {
  const { entity, columns, load } = props;
  const [, navigate] = useLocation();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<S>(props.defaultSort);
  const [direction, setDirection] = useState<SortDirection>("asc");
  const filter = { search: useDebounced(search).trim() || null, sort, direction };
  const list = useInfiniteQuery({
    queryKey: [entity, "list", filter],
    queryFn: ({ pageParam }) => load({ ...filter, after: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? null;

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

  const newHref = `/${entity}/new`;
  useShortcut("n", () => navigate(newHref));
  const newButton = (
    <Link className="btn primary" href={newHref} data-testid={`new-${entity}`}>
      + {props.newLabel}
    </Link>
  );
  const open = (row: T) => navigate(`/${entity}/${row.id}`);
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <>
      <PageHead title={props.title} sub={total !== null ? props.countLabel(total) : " "}>
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
        <ErrorBanner error={list.error} />
        {total === 0 && !filter.search ? (
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
                  {columns.map((c) => (
                    <SortHeader
                      key={c.id}
                      column={c}
                      sort={sort}
                      direction={direction}
                      onSort={(k, d) => {
                        setSort(k);
                        setDirection(d);
                      }}
                    />
                  ))}
                </tr>
              </thead>
              <tbody>
                {padTop > 0 && (
                  <tr aria-hidden="true" className="spacer">
                    <td colSpan={columns.length} style={{ height: padTop }} />
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
                      onClick={() => open(row)}
                      onKeyDown={(e) => e.key === "Enter" && open(row)}
                    >
                      {columns.map((c) => (
                        <td key={c.id}>{c.render(row)}</td>
                      ))}
                    </tr>
                  );
                })}
                {padBottom > 0 && (
                  <tr aria-hidden="true" className="spacer">
                    <td colSpan={columns.length} style={{ height: padBottom }} />
                  </tr>
                )}
              </tbody>
            </table>
            {total === 0 && <div className="empty">Nothing matches “{search.trim()}”.</div>}
          </div>
        )}
        {(list.isPending || isFetchingNextPage) && <div className="list-foot">Loading…</div>}
      </div>
    </>
  );
}
