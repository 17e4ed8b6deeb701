// A table whose columns sort by clicking their headers (again to reverse); numbers right-aligned. Used by
// the Timings, Kernels and Memory panels.
import { useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import './panels.css';

export interface Column<T> {
  id: string;
  label: ReactNode;
  /** Header tooltip: what the column means. */
  title?: string;
  /** Right-aligned, tabular figures; sorts descending first. */
  numeric?: boolean;
  /** The value the column sorts by; a column without one does not sort. */
  sort?: (row: T) => number | string | undefined;
  render(row: T): ReactNode;
  className?: string;
}

export interface SortableTableProps<T> {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey(row: T, index: number): string;
  /** Initial sort: a column id and direction. */
  initialSort?: { id: string; dir: 'asc' | 'desc' };
  rowProps?(row: T): HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;
  /** Rows kept below the sorted ones (totals). */
  footer?: ReactNode;
  testId?: string;
  caption?: string;
}

const compare = (a: number | string | undefined, b: number | string | undefined): number => {
  // Missing values sort last whatever the direction (handled by the caller), numbers before strings.
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
};

export function SortableTable<T>({ rows, columns, rowKey, initialSort, rowProps, footer, testId, caption }: SortableTableProps<T>) {
  const [sort, setSort] = useState(initialSort);
  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.id === sort.id);
    if (!col?.sort) return rows;
    const key = col.sort;
    const sign = sort!.dir === 'asc' ? 1 : -1;
    return rows
      .map((row, i) => ({ row, i, v: key(row) }))
      .sort((x, y) => {
        const mx = x.v === undefined || (typeof x.v === 'number' && Number.isNaN(x.v));
        const my = y.v === undefined || (typeof y.v === 'number' && Number.isNaN(y.v));
        if (mx !== my) return mx ? 1 : -1;
        return (mx ? 0 : sign * compare(x.v, y.v)) || x.i - y.i;
      })
      .map((x) => x.row);
  }, [rows, columns, sort]);

  const clickHeader = (c: Column<T>) => {
    if (!c.sort) return;
    setSort((s) => (s?.id === c.id ? { id: c.id, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { id: c.id, dir: c.numeric ? 'desc' : 'asc' }));
  };

  return (
    <div className="pp-table-wrap">
      <table className="pp-table" data-testid={testId}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.id === c.id;
              return (
                <th
                  key={c.id}
                  scope="col"
                  className={`${c.numeric ? 'num' : ''} ${c.className ?? ''}`}
                  aria-sort={active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  title={c.title}
                >
                  {c.sort ? (
                    <button type="button" className={`pp-sort ${active ? 'on' : ''}`} onClick={() => clickHeader(c)}>
                      {c.label}
                      <span className="pp-sort-mark" aria-hidden="true">
                        {active ? (sort!.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowProps?.(row)}>
              {columns.map((c) => (
                <td key={c.id} className={`${c.numeric ? 'num' : ''} ${c.className ?? ''}`}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
    </div>
  );
}
