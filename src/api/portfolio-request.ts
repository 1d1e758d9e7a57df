// The body of POST /api/portfolio/analyze and /estimate in any form read (DESIGN §5): a JSON request, or a
// CSV or Excel tape with the request fields as query parameters. Every form goes through src/intake, so a
// property reads the same whatever it came in, and the answer carries the same data-quality account.
// Each stage runs in a function of its own so that what it read is garbage once it returns: the body (60 MB
// for 100,000 properties) is never alive beside the validated copy the job is built from.
import type { HttpRequest } from '@azure/functions';
import { analyzeBodySchema, MAX_PROPERTIES, type AnalyzeRequest } from '../domain/schemas.ts';
import type { Settings } from '../config.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import { readCsvTape, readJsonProperties, readXlsxTape, type TapeResult } from '../intake/tape.ts';
import { bodyFormat, sniff, type BodyFormat } from './body-format.ts';
import { bodyText, parseJsonText, queryObject, readBody, validate, type Parsed } from './request-parsing.ts';
import { badRequest, unsupportedMediaType, validationFailed } from './responses.ts';
import { fileRequestQuerySchema } from './schemas.ts';

/** A valid request and the account of how its properties were read. */
export interface PortfolioRequest {
  request: AnalyzeRequest;
  dataQuality: DataQuality;
}

/** Reads, recognises and validates the body and query of an analyze or estimate request. */
export async function readPortfolioRequest(
  request: HttpRequest,
  settings: Settings,
  asOf: Date,
): Promise<Parsed<PortfolioRequest>> {
  const body = await readBody(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!body.ok) return body;
  if (body.value.length === 0)
    return { ok: false, response: badRequest('The request body is empty: send JSON, CSV or an Excel workbook.') };
  const format = bodyFormat(request.headers.get('content-type'), body.value);
  if (!format.ok) return { ok: false, response: unsupportedMediaType(format.message) };
  return format.value.kind === 'json'
    ? readJsonRequest(body.value, format.value, asOf)
    : readFileRequest(body.value, format.value, request, settings, asOf);
}

function fromTape(result: TapeResult, fields: Omit<AnalyzeRequest, 'properties'>): Parsed<PortfolioRequest> {
  if (!result.ok)
    return {
      ok: false,
      response: validationFailed(result.errors, result.totalErrors, result.dataQuality),
    };
  return {
    ok: true,
    value: { request: { ...fields, properties: result.properties }, dataQuality: result.dataQuality },
  };
}

async function readJsonRequest(bytes: Uint8Array, format: BodyFormat, asOf: Date): Promise<Parsed<PortfolioRequest>> {
  const text = bodyText(bytes, format.charset);
  if (!text.ok) return text;
  const hint = sniff(bytes) === 'csv' ? ' (the body looks like CSV: send it with Content-Type: text/csv)' : '';
  const parsed = parseJsonText(text.value.text, hint);
  if (!parsed.ok) return parsed;
  const envelope = validate(analyzeBodySchema(), parsed.value);
  if (!envelope.ok) return envelope;
  const { properties, ...fields } = envelope.value;
  const result = readJsonProperties(
    properties,
    { asOf, invalidRows: fields.invalidRows, maxRows: MAX_PROPERTIES },
    text.value.encoding,
  );
  return fromTape(result, fields);
}

async function readFileRequest(
  bytes: Uint8Array,
  format: BodyFormat,
  request: HttpRequest,
  settings: Settings,
  asOf: Date,
): Promise<Parsed<PortfolioRequest>> {
  const query = validate(fileRequestQuerySchema, queryObject(request), 'query');
  if (!query.ok) return query;
  const { invalidRows = 'reject', unknownColumns, sheet, columnMap, ...rest } = query.value;
  const fields = { priority: 'standard' as const, allowPartial: false, ...rest, invalidRows };
  const options = { asOf, invalidRows, maxRows: settings.tapes.maxRows, unknownColumns, columnMap };
  const result =
    format.kind === 'xlsx'
      ? await readXlsxTape(bytes, { ...options, sheet })
      : await readCsvTape(bytes, format.charset, options);
  return fromTape(result, fields);
}
