// The body of POST /api/portfolio/analyze and /estimate (the same request): JSON, or text/csv with the
// request fields as query parameters, validated with zod before anything is written.
import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { analyzeRequestSchema } from '../domain/schemas.ts';
import type { Settings } from '../config.ts';
import {
  isCsv,
  parseCsvProperties,
  parseJsonText,
  queryObject,
  readText,
  validate,
  type Parsed,
} from './request-parsing.ts';
import { csvRequestQuerySchema } from './schemas.ts';

/**
 * The validated request. Each stage runs in a function of its own so that what it read is garbage once it
 * returns: the request text (60 MB for 100,000 properties) and the parsed body are never alive beside the
 * validated copy that the job is built from.
 */
export type AnalyzeRequest = z.output<ReturnType<typeof analyzeRequestSchema>>;

export async function readAnalyzeRequest(
  request: HttpRequest,
  settings: Settings,
  asOf: Date,
): Promise<Parsed<AnalyzeRequest>> {
  const body = await readAnalyzeBody(request, settings, asOf);
  return body.ok ? validate(analyzeRequestSchema({ asOf }), body.value) : body;
}

/** The request body as JSON, or a CSV body with the request fields from the query string. */
async function readAnalyzeBody(request: HttpRequest, settings: Settings, asOf: Date): Promise<Parsed<unknown>> {
  const text = await readText(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!text.ok) return text;
  if (!isCsv(request)) return parseJsonText(text.value);
  const query = validate(csvRequestQuerySchema, queryObject(request), 'query');
  if (!query.ok) return query;
  const properties = parseCsvProperties(text.value, asOf, settings.csvImport.maxRows);
  if (!properties.ok) return properties;
  return { ok: true, value: { ...query.value, properties: properties.value } };
}
