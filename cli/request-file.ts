// Reads a portfolio file for the CLI: a JSON request body, a JSON array of properties, or a CSV file of
// properties (the request fields then come from the options). The server validates everything.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RequestFileOptions {
  analysisType?: string | undefined;
  portfolioId?: string | undefined;
  budget?: number | undefined;
  allowPartial?: boolean | undefined;
}

export type PreparedRequest =
  | { contentType: 'application/json'; body: string; query?: undefined }
  | { contentType: 'text/csv'; body: string; query: Record<string, string> };

export function prepareRequest(file: string, options: RequestFileOptions): PreparedRequest {
  const text = readFileSync(file, 'utf8');
  const defaultId = path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._:-]/g, '-');
  if (file.toLowerCase().endsWith('.csv')) {
    return {
      contentType: 'text/csv',
      body: text,
      query: {
        portfolioId: options.portfolioId ?? defaultId,
        analysisType: options.analysisType ?? 'comprehensive',
        ...(options.budget !== undefined && { budget: String(options.budget) }),
        ...(options.allowPartial !== undefined && { allowPartial: String(options.allowPartial) }),
      },
    };
  }
  const parsed: unknown = JSON.parse(text);
  const base = Array.isArray(parsed) ? { properties: parsed } : (parsed as Record<string, unknown>);
  const body = {
    ...base,
    portfolioId: options.portfolioId ?? base.portfolioId ?? defaultId,
    analysisType: options.analysisType ?? base.analysisType ?? 'comprehensive',
    ...(options.budget !== undefined && { budget: options.budget }),
    ...(options.allowPartial !== undefined && { allowPartial: options.allowPartial }),
  };
  return { contentType: 'application/json', body: JSON.stringify(body) };
}
