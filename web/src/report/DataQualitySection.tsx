// The report's data quality: how the submitted file was read (format, rows read, accepted, skipped), every
// normalisation or data-quality warning with its count and examples, and the rows left out with their reasons.
import type { Report } from '../api.ts';
import { count } from '../format.ts';
import { Figures, Section } from '../components/common.tsx';
import { DataTable } from '../components/DataTable.tsx';

type DataQuality = NonNullable<Report['dataQuality']>;

const SEPARATORS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '|': 'pipe', '\t': 'tab' };

/** The format as a reader says it: `CSV, utf-8, semicolon-separated, decimal comma` or `Excel, sheet Tape`. */
function formatOf(f: DataQuality['format']): string {
  return [
    f.kind === 'xlsx' ? 'Excel' : f.kind.toUpperCase(),
    f.encoding,
    f.separator && `${SEPARATORS[f.separator] ?? f.separator}-separated`,
    f.decimalComma && 'decimal comma',
    f.sheet && `sheet ${f.sheet}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export function DataQualitySection({ quality }: { quality: DataQuality }) {
  return (
    <Section id="data-quality" title="Data quality of the submitted file" wide>
      <Figures
        label="Input"
        items={[
          { label: 'Format', value: formatOf(quality.format) },
          { label: 'Rows read', value: count(quality.rows) },
          { label: 'Accepted', value: count(quality.accepted) },
          {
            label: 'Skipped',
            value: count(quality.skipped),
            detail: quality.invalidRows === 'skip' ? 'invalid rows left out' : 'invalid rows refuse the file',
            tone: quality.skipped > 0 ? 'warn' : undefined,
          },
          { label: 'Warnings', value: count(quality.warnings.reduce((n, w) => n + w.count, 0)) },
        ]}
      />
      <DataTable
        label="Input warnings"
        caption="What was normalised or looks doubtful (the value as read, and as used)"
        rows={quality.warnings}
        rowKey={(_, i) => i}
        empty="No warning: every value was read as written."
        columns={[
          { label: 'Warning', cell: (w) => <span className="code">{w.code}</span> },
          { label: 'Column', cell: (w) => <span className="mono">{w.field ?? ''}</span> },
          { label: 'Rows', num: true, cell: (w) => count(w.count) },
          { label: 'What happened', cell: (w) => (w.fix ? `${w.message} ${w.fix}` : w.message) },
          {
            label: 'Examples',
            cell: (w) =>
              w.examples
                .map((e) =>
                  [e.at, e.value !== undefined && `“${e.value}”`, e.normalised !== undefined && `→ “${e.normalised}”`]
                    .filter(Boolean)
                    .join(' '),
                )
                .join('; ') + (w.count > w.examples.length ? '; …' : ''),
          },
        ]}
      />
      {quality.skipped > 0 && (
        <DataTable
          label="Skipped rows"
          caption={`Rows left out${quality.skipped > quality.skippedRows.length ? ` (first ${count(quality.skippedRows.length)} of ${count(quality.skipped)})` : ''}`}
          rows={quality.skippedRows}
          rowKey={(r, i) => `${r.at}-${i}`}
          columns={[
            { label: 'Row', cell: (r) => r.at },
            { label: 'Property', cell: (r) => <span className="mono">{r.propertyId ?? ''}</span> },
            {
              label: 'Why',
              cell: (r) => r.reasons.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
            },
          ]}
        />
      )}
    </Section>
  );
}
