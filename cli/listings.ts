// Lists for a terminal and for spreadsheets: jobs and a job's properties as tables, and properties as CSV
// with every field the API answers (nested fields as dotted columns, lists as JSON text).
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { JobView } from '../src/api/answers.ts';
import type { PropertyResult } from '../src/domain/results.ts';
import { pct, usd } from './report-tables.ts';

function render(head: string[], rows: string[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  table.push(...rows);
  return table.toString();
}

/** Jobs as a table: id, portfolio, type, status, progress, cost against the estimate, start. */
export function renderJobs(jobs: readonly JobView[]): string {
  return render(
    ['job', 'portfolio', 'type', 'status', 'processed', 'failed', 'cost', 'estimated', 'started (UTC)'],
    jobs.map((j) => [
      j.jobId,
      j.portfolioId,
      j.analysisType,
      j.status,
      `${j.progress.processed}/${j.progress.total}`,
      String(j.progress.failed),
      usd(j.cost.actual),
      usd(j.cost.estimated),
      j.startTime.slice(0, 19).replace('T', ' '),
    ]),
  );
}

/** Properties as a table: the figures an analyst scans first (the CSV has every field). */
export function renderProperties(properties: readonly PropertyResult[]): string {
  return render(
    ['property', 'status', 'state', 'type', 'value', 'change', 'LTV', 'tier', 'fraud', 'error'],
    properties.map((p) => [
      p.propertyId,
      p.status,
      p.state,
      p.propertyType,
      usd(p.valuation?.estimatedValue),
      pct(p.valuation?.changePct),
      pct(p.risk?.ltv),
      p.risk?.tier ?? '-',
      p.fraud === undefined ? '-' : String(p.fraud.score),
      p.error?.code ?? '-',
    ]),
  );
}

/** `value`'s leaves by dotted path; arrays stay whole (a JSON cell), as do empty objects. */
function leaves(value: Record<string, unknown>, prefix: string, into: Map<string, unknown>): void {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const nested = typeof child === 'object' && child !== null && !Array.isArray(child);
    if (nested && Object.keys(child).length > 0) leaves(child as Record<string, unknown>, path, into);
    else into.set(path, child);
  }
}

/**
 * Properties as CSV (RFC 4180, header row): one row per property, one column per field any of them has,
 * in order of first appearance; objects inside lists (cascade attempts, fraud flags) as JSON text.
 * Ratios stay fractions (0.8 = 80%) and money dollars, as the API answers them.
 */
export function propertiesCsv(properties: readonly PropertyResult[]): string {
  const rows = properties.map((p) => {
    const row = new Map<string, unknown>();
    leaves(p, '', row);
    return row;
  });
  const columns = [...new Set(rows.flatMap((row) => [...row.keys()]))];
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : v);
  return stringify(
    rows.map((row) => columns.map((c) => cell(row.get(c)))),
    { header: true, columns },
  );
}
