// A dropped or chosen file as an API request body. CSV goes as it is (the API validates it and names rows
// and columns); JSON as its object (or an array of properties); an Excel workbook's first sheet is read
// with read-excel-file and written as CSV with csv-stringify, so its rows keep their numbers (header =
// row 1) in the API's errors. Excel dates become YYYY-MM-DD, the API's date form.
import { readSheet, type SheetData } from 'read-excel-file/web-worker';
import { stringify } from 'csv-stringify/browser/esm/sync';

/** What was read: the server counts and validates the properties (its estimate says how many). */
export type Upload =
  { kind: 'csv' | 'excel'; name: string; text: string } | { kind: 'json'; name: string; body: Record<string, unknown> };

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** A cell as read-excel-file gives it (text, number, boolean, a Date, or null when empty) as CSV text. */
function cellText(value: unknown): string {
  if (value instanceof Date) return isoDay(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export async function readUpload(file: File): Promise<Upload> {
  const name = file.name;
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) {
    let sheet: SheetData;
    try {
      sheet = await readSheet(file);
    } catch (error) {
      throw new UploadError(
        `${name} could not be read as an Excel workbook (.xlsx): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = stringify(sheet.map((row) => row.map(cellText)));
    return { kind: 'excel', name, text };
  }
  if (lower.endsWith('.xls'))
    throw new UploadError(`${name} is an Excel 97-2003 workbook: save it as .xlsx (Excel Workbook) or CSV.`);
  const text = await file.text();
  if (lower.endsWith('.json') || text.trimStart().startsWith('{') || text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new UploadError(`${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body = Array.isArray(parsed) ? { properties: parsed } : parsed;
    if (typeof body !== 'object' || body === null)
      throw new UploadError(`${name}: expected an object with "properties", or an array of properties.`);
    return { kind: 'json', name, body: body as Record<string, unknown> };
  }
  return { kind: 'csv', name, text };
}
