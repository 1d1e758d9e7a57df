// Reads a portfolio file for the CLI: a JSON request body, a JSON array of properties, or a tape (CSV, TSV
// or an Excel workbook) whose request fields come from the options. A tape is sent as its bytes: the server
// recognises its separator and encoding (a Windows-1252 export read here as UTF-8 would lose its accents).
// `analyze` and `estimate` send the same request from the same file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestBody } from './api-client.ts';

export interface RequestFileOptions {
  analysisType?: string | undefined;
  portfolioId?: string | undefined;
  budget?: number | undefined;
  allowPartial?: boolean | undefined;
  /** Tapes: `reject` (default) or `skip` invalid rows. */
  invalidRows?: string | undefined;
  /** Excel: the sheet to read. */
  sheet?: string | undefined;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TAPE_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv',
  '.tsv': 'text/csv',
  '.txt': 'text/csv',
  '.xlsx': XLSX,
};

/** The file types read, by extension, for messages and help. */
export const REQUEST_FILE_TYPES = '.json (a request or an array of properties), .csv, .tsv, .txt or .xlsx';

export function prepareRequest(file: string, options: RequestFileOptions): RequestBody {
  const defaultId = path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._:-]/g, '-');
  const tapeType = TAPE_TYPES[path.extname(file).toLowerCase()];
  if (tapeType !== undefined) {
    return {
      contentType: tapeType,
      body: readFileSync(file),
      query: {
        portfolioId: options.portfolioId ?? defaultId,
        analysisType: options.analysisType ?? 'comprehensive',
        ...(options.budget !== undefined && { budget: String(options.budget) }),
        ...(options.allowPartial !== undefined && { allowPartial: String(options.allowPartial) }),
        ...(options.invalidRows !== undefined && { invalidRows: options.invalidRows }),
        ...(options.sheet !== undefined && { sheet: options.sheet }),
      },
    };
  }
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  const base = Array.isArray(parsed) ? { properties: parsed } : (parsed as Record<string, unknown>);
  const body = {
    ...base,
    portfolioId: options.portfolioId ?? base.portfolioId ?? defaultId,
    analysisType: options.analysisType ?? base.analysisType ?? 'comprehensive',
    ...(options.budget !== undefined && { budget: options.budget }),
    ...(options.allowPartial !== undefined && { allowPartial: options.allowPartial }),
    ...(options.invalidRows !== undefined && { invalidRows: options.invalidRows }),
  };
  return { contentType: 'application/json', body: JSON.stringify(body) };
}
