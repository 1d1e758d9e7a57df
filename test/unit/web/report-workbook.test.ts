// The report workbook's sheets (web/src/export/report-workbook.ts), built from a report as the API serves it.
import { describe, expect, it } from 'vitest';
import { reportSheets } from '../../../web/src/export/report-workbook.ts';
import { analyzedResult } from '../domain/property-results.ts';
import { reportOf } from '../domain/report-fixtures.ts';

/** A cell's value: bold header cells are objects holding it. */
const valueOf = (cell: unknown): unknown =>
  cell !== null && typeof cell === 'object' && 'value' in cell ? cell.value : cell;
const rowsOf = (sheets: ReturnType<typeof reportSheets>, name: string) =>
  sheets.find((s) => s.sheet === name)!.data.map((row) => row.map(valueOf));
const field = (sheets: ReturnType<typeof reportSheets>, name: string, path: string) =>
  rowsOf(sheets, name).find((row) => row[0] === path)?.[1];

describe('reportSheets', () => {
  it('says on the Summary sheet that a report is partial: processed of submitted, and why', async () => {
    const report = await reportOf([analyzedResult({ id: 'P1', value: 100_000, loan: { balance: 50_000 } })], {
      status: 'cancelled',
      submitted: 40,
    });
    const sheets = reportSheets(report);
    expect(sheets[0]!.sheet).toBe('Summary');
    expect(field(sheets, 'Summary', 'status')).toBe('cancelled');
    expect(field(sheets, 'Summary', 'complete')).toBe(false);
    expect(field(sheets, 'Summary', 'processed')).toBe('1 of 40 submitted properties');
    expect(field(sheets, 'Summary', 'partialReport')).toBe(report.completeness.note);
  });

  it('shows a complete report as complete, and the unconfirmed cost on the Cost sheet', async () => {
    const report = await reportOf([analyzedResult({ id: 'P1', value: 100_000 })], { unconfirmedCents: 1_207 });
    const sheets = reportSheets(report);
    expect(field(sheets, 'Summary', 'complete')).toBe(true);
    expect(field(sheets, 'Summary', 'partialReport')).toBeUndefined();
    expect(field(sheets, 'Cost', 'unconfirmed')).toBe(12.07);
  });
});
