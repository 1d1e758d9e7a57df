// Reads and validates request bodies, routes and queries with zod. A rejected request answers 400 (or 413)
// with field errors and nothing else happens: no job, no blob, no document.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { parsePropertiesCsv } from '../domain/csv.ts';
import { formatIssues } from '../domain/validation.ts';
import { payloadTooLarge, validationFailed, badRequest } from './responses.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

/** Validates `value` with `schema`; field paths are prefixed with `where` (e.g. `query`). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where?: string): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const { errors, totalErrors } = formatIssues(result.error);
  return {
    ok: false,
    response: validationFailed(
      where ? errors.map((e) => ({ ...e, path: e.path ? `${where}.${e.path}` : where })) : errors,
      totalErrors,
    ),
  };
}

/** The body as text, refusing bodies over `maxBytes` (by Content-Length first, then by what arrives). */
export async function readText(request: HttpRequest, maxBytes: number): Promise<Parsed<string>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return { ok: false, response: payloadTooLarge(maxBytes) };
  const buffer = Buffer.from(await request.arrayBuffer());
  if (buffer.length > maxBytes) return { ok: false, response: payloadTooLarge(maxBytes) };
  return { ok: true, value: buffer.toString('utf8') };
}

export function parseJsonText(text: string): Parsed<unknown> {
  if (text.trim() === '') return { ok: false, response: badRequest('The request body is empty; expected JSON.') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      response: badRequest(
        `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
}

export function isCsv(request: HttpRequest): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('text/csv');
}

/** Properties from a CSV body, with row/column errors as field errors (`row 14, column loan.balance`). */
export function parseCsvProperties(text: string, asOf: Date, maxRows: number): Parsed<unknown[]> {
  const result = parsePropertiesCsv(text, { asOf, maxRows });
  if (result.ok) return { ok: true, value: result.properties };
  return {
    ok: false,
    response: validationFailed(
      result.errors.map((e) => ({
        path: e.column === undefined ? `row ${e.row}` : `row ${e.row}, column ${e.column}`,
        message: e.message,
      })),
      result.totalErrors,
    ),
  };
}

/** Query parameters as a plain object (last value wins), for zod. */
export function queryObject(request: HttpRequest): Record<string, string> {
  return Object.fromEntries(request.query.entries());
}
