import type { ReactNode } from "react";

import type { SortDirection } from "../lib/api";

export type Column<T, K extends string> = {
  id: string;
  label: string;
  render: (row: T) => ReactNode;
  /** The sort this column's header applies; not sortable without one. */
  sort?: K;
  width?: string;
};

type Props<T, K extends string> = {
  columns: Column<T, K>[];
  rows: T[];
  rowKey: (row: T) => string;
  sort: K;
  direction: SortDirection;
  onSort: (key: K, direction: SortDirection) => void;
  onOpen: (row: T) => void;
  testId?: string;
};

/** A list whose column headers sort it; rows open on click or Enter. */
export function SortableTable<T, K extends string>(props: Props<T, K>) {
  const { columns, rows, rowKey, sort, direction, onSort, onOpen, testId } = props;
  return (
    <table className="list" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = c.sort !== undefined && c.sort === sort;
            const ariaSort = active ? (direction === "asc" ? "ascending" : "descending") : "none";
            return (
              <th key={c.id} aria-sort={ariaSort} style={c.width ? { width: c.width } : undefined}>
                {c.sort === undefined ? (
                  <button disabled>{c.label}</button>
                ) : (
                  <button
                    data-testid={`sort-${c.id}`}
                    onClick={() => onSort(c.sort as K, active && direction === "asc" ? "desc" : "asc")}
                  >
                    {c.label}
                    {active && <span className="arrow">{direction === "asc" ? "▲" : "▼"}</span>}
                  </button>
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={rowKey(row)}
            tabIndex={0}
            onClick={() => onOpen(row)}
            onKeyDown={(e) => e.key === "Enter" && onOpen(row)}
          >
            {columns.map((c) => (
              <td key={c.id}>{c.render(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
