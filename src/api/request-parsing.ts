// Reads and validates request bodies, routes and queries with zod. A rejected request answers 400 (or 413,
// 415) with field errors and nothing else happens: no job, no blob, no document.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { formatIssues } from '../domain/validation.ts';
import { decodeText, detectEncoding } from '../intake/decode.ts';
import { jsonBodyFormat } from './body-format.ts';
import { payloadTooLarge, validationFailed, badRequest, unsupportedMediaType } from './responses.ts';

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

/** The body's bytes, refusing bodies over `maxBytes` (by Content-Length first, then by what arrives). */
export async function readBody(request: HttpRequest, maxBytes: number): Promise<Parsed<Uint8Array>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return { ok: false, response: payloadTooLarge(maxBytes) };
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > maxBytes) return { ok: false, response: payloadTooLarge(maxBytes) };
  return { ok: true, value: bytes };
}

/**
 * The body as text: UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark, the declared charset,
 * or Windows-1252 for bytes that are not UTF-8.
 */
export function bodyText(bytes: Uint8Array, charset?: string): Parsed<{ text: string; encoding: string }> {
  const encoding = detectEncoding(bytes, charset);
  if (!encoding.ok) return { ok: false, response: badRequest(encoding.error.message) };
  return { ok: true, value: { text: decodeText(bytes, encoding.value.encoding), encoding: encoding.value.encoding } };
}

/** The body parsed as JSON; `hint` is added to the message of a syntax error. */
export function parseJsonText(text: string, hint = ''): Parsed<unknown> {
  if (text.trim() === '') return { ok: false, response: badRequest('The request body is empty; expected JSON.') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      response: badRequest(
        `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}${hint}`,
      ),
    };
  }
}

/**
 * A small optional JSON body (stress, redrive): an empty body reads as `{}`; over `maxBytes` is a 413; a body
 * that is not JSON (a CSV, a workbook) is a 415 naming the types read.
 */
export async function readOptionalJson(request: HttpRequest, maxBytes: number): Promise<Parsed<unknown>> {
  const bytes = await readBody(request, maxBytes);
  if (!bytes.ok) return bytes;
  const format = jsonBodyFormat(request.headers.get('content-type'), bytes.value);
  if (!format.ok) return { ok: false, response: unsupportedMediaType(format.message) };
  const text = bodyText(bytes.value);
  if (!text.ok) return text;
  return text.value.text.trim() === '' ? { ok: true, value: {} } : parseJsonText(text.value.text);
}

/**
 * The query parameter that carries a function key (`?code=KEY`). The Functions host checks it and then
 * passes it on to the function, so every route accepts it and none reads it.
 */
export const FUNCTION_KEY_PARAMETER = 'code';

/**
 * The query parameters as a plain object for zod, without the function key. A parameter given more than
 * once (`?analysisType=risk&analysisType=valuation`) is refused with a field error naming it: picking one
 * value would be a guess. Read from the request URL: the Functions host joins repeated values with commas
 * in `request.query`, where a repeat can no longer be told from a value with a comma.
 */
export function readQuery(request: HttpRequest): Parsed<Record<string, string>> {
  const parameters = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of parameters) {
    if (name === FUNCTION_KEY_PARAMETER) continue;
    if (Object.hasOwn(query, name)) repeated.add(name);
    query[name] = value;
  }
  if (repeated.size === 0) return { ok: true, value: query };
  return {
    ok: false,
    response: validationFailed(
      [...repeated].map((name) => ({
        path: `query.${name}`,
        message: `given ${parameters.getAll(name).length} times; give it once`,
      })),
    ),
  };
}

/** Validates the query string (without the function key) with `schema`; field paths start with `query.`. */
export function validateQuery<S extends z.ZodType>(schema: S, request: HttpRequest): Parsed<z.output<S>> {
  const query = readQuery(request);
  return query.ok ? validate(schema, query.value, 'query') : query;
}
