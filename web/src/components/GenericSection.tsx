// A report section the dashboard has no bespoke view for (a section added to the report after this page was
// written): shown as tables, as the API wrote it, so a new section appears without a change here.
import { count, titleOf } from '../format.ts';
import { tabulate, type Cell } from '../export/tabulate.ts';
import { Section } from './common.tsx';
import { DataTable } from './DataTable.tsx';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

function show(value: Cell): string {
  if (value === null) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? count(value) : number.format(value);
  return String(value);
}

export function GenericSection({ name, value }: { name: string; value: unknown }) {
  const blocks = tabulate(value);
  return (
    <Section id={`section-${name}`} title={titleOf(name)} wide>
      {blocks.map((block, i) => (
        <DataTable
          key={i}
          label={`${titleOf(name)}${block.title ? `: ${block.title}` : ''}`}
          {...(block.title && { caption: block.title })}
          rows={block.rows}
          rowKey={(_, r) => r}
          columns={block.columns.map((column, c) => ({
            label: column,
            num: block.rows.every((row) => typeof row[c] === 'number' || row[c] === null),
            cell: (row: Cell[]) => show(row[c] ?? null),
          }))}
        />
      ))}
    </Section>
  );
}
