import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import type { Page, SortDirection } from "../lib/api";
import { useDebounced } from "../lib/useDebounced";
import { useShortcut } from "../lib/useShortcut";
import { ErrorBanner, PageHead } from "./PageHead";
import { SortableTable, type Column } from "./SortableTable";

type ListQuery<S> = { search: string | null; sort: S; direction: SortDirection };

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

/** A searchable, sortable list of one kind of record, with a "New" button (Ctrl+N). */
export function ListScreen<T extends { id: string }, S extends string>(props: Props<T, S>) {
  const { entity, columns, load } = props;
  const [, navigate] = useLocation();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<S>(props.defaultSort);
  const [direction, setDirection] = useState<SortDirection>("asc");
  const query: ListQuery<S> = { search: useDebounced(search).trim() || null, sort, direction };
  const { data, error, isPending } = useQuery({
    queryKey: [entity, "list", query],
    queryFn: () => load(query),
    placeholderData: keepPreviousData,
  });
  const newHref = `/${entity}/new`;
  useShortcut("n", () => navigate(newHref));
  const newButton = (
    <Link className="btn primary" href={newHref} data-testid={`new-${entity}`}>
      + {props.newLabel}
    </Link>
  );

  return (
    <>
      <PageHead title={props.title} sub={data ? props.countLabel(data.total) : " "}>
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
      <div className="page-body">
        <ErrorBanner error={error} />
        {data && data.total === 0 && !query.search ? (
          <div className="empty" data-testid={`${entity}-empty`}>
            <h2>{props.empty.title}</h2>
            <div>{props.empty.text}</div>
            {newButton}
          </div>
        ) : (
          <div className="table-card">
            <SortableTable
              testId={`${entity}-table`}
              columns={columns}
              rows={data?.items ?? []}
              rowKey={(row) => row.id}
              sort={sort}
              direction={direction}
              onSort={(k, d) => {
                setSort(k);
                setDirection(d);
              }}
              onOpen={(row) => navigate(`/${entity}/${row.id}`)}
            />
            {data && data.total === 0 && <div className="empty">Nothing matches “{search.trim()}”.</div>}
          </div>
        )}
        {isPending && <div className="list-foot">Loading…</div>}
        {data && data.items.length < data.total && (
          <div className="list-foot">
            Showing the first {data.items.length.toLocaleString()} of {data.total.toLocaleString()}; filter to
            narrow down.
          </div>
        )}
      </div>
    </>
  );
}
