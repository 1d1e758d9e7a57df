// A tier migration matrix as a table: one row per tier before (`fromLabel`), one column per tier after,
// loans in each cell. The comparison with the previous run and each stress scenario show one.
import { count } from '../format.ts';
import { DataTable } from '../components/DataTable.tsx';
import { TIERS } from './bar-option.ts';

type Tier = (typeof TIERS)[number];

export function MigrationTable({
  label,
  caption,
  fromLabel,
  matrix,
}: {
  label: string;
  caption?: string;
  fromLabel: string;
  /** Loans by tier before (first key) and tier after (second key). */
  matrix: Record<Tier, Record<Tier, number>>;
}) {
  return (
    <DataTable
      label={label}
      {...(caption !== undefined && { caption })}
      rows={[...TIERS]}
      rowKey={(t) => t}
      columns={[
        { label: fromLabel, cell: (t) => t },
        ...TIERS.map((to) => ({ label: `→ ${to}`, num: true, cell: (from: Tier) => count(matrix[from][to]) })),
      ]}
    />
  );
}
