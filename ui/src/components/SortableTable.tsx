import type { ReactNode } from "react";

import type { SortDirection } from "../lib/api";

export type Column<T, K extends string> = {
  id: string;
  label: string;
  render: (row: T) => ReactNode;
  /** The sort this column's header applies; not sortable without one (or a sortField). */
  sort?: K;
  /** A custom field's id: the header sorts by that field. */
  sortField?: string;
  /** Share of the table's width, e.g. "24%" (the table has a fixed layout). */
  width: string;
};

type HeaderProps<T, K extends string> = {
  column: Column<T, K>;
  active: boolean;
  direction: SortDirection;
  /** Sorts by this column; a second click on the active column reverses the order. */
  onSort: (direction: SortDirection) => void;
};

/** A column header that sorts the list by its column. */
export function SortHeader<T, K extends string>({ column, active, direction, onSort }: HeaderProps<T, K>) {
  const sortable = column.sort !== undefined || column.sortField !== undefined;
  const ariaSort = active ? (direction === "asc" ? "ascending" : "descending") : "none";
  return (
    <th aria-sort={ariaSort} style={{ width: column.width }}>
      {sortable ? (
        <button data-testid={`sort-${column.id}`} onClick={() => onSort(active && direction === "asc" ? "desc" : "asc")}>
          {column.label}
          {active && <span className="arrow">{direction === "asc" ? "▲" : "▼"}</span>}
        </button>
      ) : (
        <button disabled>{column.label}</button>
      )}
    </th>
  );
}
