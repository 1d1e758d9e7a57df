// The report as an Excel workbook for a credit committee: a Summary sheet (identity, status, totals), then one
// sheet per report section, each written with write-excel-file from the same tables the dashboard shows.
import writeXlsxFile, { type Row, type Sheet } from 'write-excel-file/browser';
import type { Report } from '../api.ts';
import { titleOf } from '../format.ts';
import { tabulate, type Block } from './tabulate.ts';

/** Excel's limits on sheet names: 31 characters, none of : \ / ? * [ ]. */
const sheetName = (title: string): string => title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);

const bold = (text: string) => ({ value: text, fontWeight: 'bold' as const });

function rowsOf(blocks: Block[]): Row[] {
  const rows: Row[] = [];
  for (const block of blocks) {
    if (rows.length > 0) rows.push([]);
    if (block.title) rows.push([bold(titleOf(block.title.split('.').pop() ?? block.title)), block.title]);
    rows.push(block.columns.map(bold));
    for (const r of block.rows) rows.push(r.map((v) => (v === null ? null : v)));
  }
  return rows;
}

/** The workbook's sheets: Summary first, then every object or list section of the report in the API's order. */
export function reportSheets(report: Report, job?: { total: number; estimatedCost: number }): Sheet<never>[] {
  const summary: Record<string, unknown> = {};
  const sections: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(report)) {
    if (value !== null && typeof value === 'object') sections.push([key, value]);
    else summary[key] = value;
  }
  // A partial report says so on its first sheet, as every rendering does: processed of submitted, and why.
  const c = report.completeness;
  if (c)
    Object.assign(summary, {
      complete: c.complete,
      processed: `${c.processed} of ${c.submitted} submitted properties`,
      ...(c.note !== undefined && { partialReport: c.note }),
    });
  if (job) Object.assign(summary, { propertiesSubmitted: job.total, estimatedCost: job.estimatedCost });
  const used = new Set<string>();
  const name = (title: string) => {
    let candidate = sheetName(title);
    for (let n = 2; used.has(candidate); n++) candidate = sheetName(`${title.slice(0, 27)} ${n}`);
    used.add(candidate);
    return candidate;
  };
  return [
    { sheet: name('Summary'), data: rowsOf(tabulate(summary)), columns: [{ width: 28 }, { width: 40 }] },
    ...sections.map(([key, value]) => ({
      sheet: name(titleOf(key)),
      data: rowsOf(tabulate(value)),
      columns: [{ width: 34 }, { width: 18 }, { width: 18 }, { width: 18 }, { width: 18 }],
    })),
  ];
}

/** Downloads the report as `report-{jobId}.xlsx`. */
export async function downloadReportWorkbook(report: Report, job?: { total: number; estimatedCost: number }) {
  await writeXlsxFile(reportSheets(report, job)).toFile(`report-${report.jobId}.xlsx`);
}
