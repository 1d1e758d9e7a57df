// Every table of the dashboard: a named, keyboard-scrollable table with a header row, right-aligned
// numeric columns and a line for "nothing here".
import type { ReactNode } from 'react';
import { ScrollArea } from './common.tsx';

export interface Column<T> {
  label: string;
  /** Numbers: right-aligned. */
  num?: boolean;
  cell: (row: T) => ReactNode;
}

export function DataTable<T>({
  label,
  caption,
  columns,
  rows,
  rowKey,
  empty = 'None.',
  className,
}: {
  /** The table's accessible name. */
  label: string;
  caption?: ReactNode;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  empty?: ReactNode;
  className?: string;
}) {
  return (
    <ScrollArea label={label}>
      <table className={`data${className ? ` ${className}` : ''}`} aria-label={label}>
        {caption !== undefined && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <td key={c.label} className={c.num ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
