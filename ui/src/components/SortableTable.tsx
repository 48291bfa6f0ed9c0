import type { ReactNode } from "react";

import type { SortDirection } from "../lib/api";

export type Column<T, K extends string> = {
  id: string;
  label: string;
  render: (row: T) => ReactNode;
  /** The sort this column's header applies; not sortable without one. */
  sort?: K;
  /** Share of the table's width, e.g. "24%" (the table has a fixed layout). */
  width: string;
};

type HeaderProps<T, K extends string> = {
  column: Column<T, K>;
  sort: K;
  direction: SortDirection;
  onSort: (key: K, direction: SortDirection) => void;
};

/** A column header that sorts the list by its column; a second click reverses the order. */
export function SortHeader<T, K extends string>({ column, sort, direction, onSort }: HeaderProps<T, K>) {
  const key = column.sort;
  const active = key !== undefined && key === sort;
  const ariaSort = active ? (direction === "asc" ? "ascending" : "descending") : "none";
  return (
    <th aria-sort={ariaSort} style={{ width: column.width }}>
      {key === undefined ? (
        <button disabled>{column.label}</button>
      ) : (
        <button
          data-testid={`sort-${column.id}`}
          onClick={() => onSort(key, active && direction === "asc" ? "desc" : "asc")}
        >
          {column.label}
          {active && <span className="arrow">{direction === "asc" ? "▲" : "▼"}</span>}
        </button>
      )}
    </th>
  );
}
