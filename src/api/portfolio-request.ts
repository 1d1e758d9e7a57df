// The body of POST /api/portfolio/analyze and /estimate in any form read (DESIGN §5): a JSON request, or a
// CSV or Excel tape with the request fields as query parameters. Every form goes through src/intake, so a
// property reads the same whatever it came in, and the answer carries the same data-quality account.
// Each stage runs in a function of its own so that what it read is garbage once it returns: the body (60 MB
// for 100,000 properties) is never alive beside the validated copy the job is built from.
import type { HttpRequest } from '@azure/functions';
import { analyzeBodySchema, analyzeFieldsSchema, MAX_PROPERTIES, type AnalyzeRequest } from '../domain/schemas.ts';
import type { Settings } from '../config.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import type { FieldError } from '../domain/validation.ts';
import { readCsvTape, readJsonProperties, readXlsxTape, type TapeResult } from '../intake/tape.ts';
import { bodyFormat, sniff, type BodyFormat } from './body-format.ts';
import { bodyText, parseJsonText, readBody, readQuery, validate, type Parsed } from './request-parsing.ts';
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
  const query = readQuery(request);
  if (!query.ok) return query;
  const body = await readBody(request, settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!body.ok) return body;
  if (body.value.length === 0)
    return { ok: false, response: badRequest('The request body is empty: send JSON, CSV or an Excel workbook.') };
  const format = bodyFormat(request.headers.get('content-type'), body.value);
  if (!format.ok) return { ok: false, response: unsupportedMediaType(format.message) };
  return format.value.kind === 'json'
    ? readJsonRequest(body.value, format.value, query.value, asOf)
    : readFileRequest(body.value, format.value, query.value, settings, asOf);
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

async function readJsonRequest(
  bytes: Uint8Array,
  format: BodyFormat,
  query: Record<string, string>,
  asOf: Date,
): Promise<Parsed<PortfolioRequest>> {
  const text = bodyText(bytes, format.charset);
  if (!text.ok) return text;
  const hint = sniff(bytes) === 'csv' ? ' (the body looks like CSV: send it with Content-Type: text/csv)' : '';
  const parsed = parseJsonText(text.value.text, hint);
  if (!parsed.ok) return parsed;
  const unambiguous = refuseQueryBesideJson(query, parsed.value);
  if (!unambiguous.ok) return unambiguous;
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
  query: Record<string, string>,
  settings: Settings,
  asOf: Date,
): Promise<Parsed<PortfolioRequest>> {
  const fieldsRead = validate(fileRequestQuerySchema, query, 'query');
  if (!fieldsRead.ok) return fieldsRead;
  const { invalidRows = 'reject', unknownColumns, sheet, columnMap, ...rest } = fieldsRead.value;
  const fields = { priority: 'standard' as const, allowPartial: false, ...rest, invalidRows };
  const options = { asOf, invalidRows, maxRows: settings.tapes.maxRows, unknownColumns, columnMap };
  const result =
    format.kind === 'xlsx'
      ? await readXlsxTape(bytes, { ...options, sheet })
      : await readCsvTape(bytes, format.charset, options);
  return fromTape(result, fields);
}

/**
 * A JSON request carries its fields in the body; a query parameter beside it (`?analysisType=risk` on a
 * body that says `comprehensive`) would leave the caller guessing which one ran. Every such parameter is a
 * field error naming it and the body's field, with the fix. `query` comes without the function key.
 */
export function refuseQueryBesideJson(query: Record<string, string>, body: unknown): Parsed<unknown> {
  const names = Object.keys(query);
  if (names.length === 0) return { ok: true, value: body };
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const bodyFields = analyzeFieldsSchema().shape;
  const errors: FieldError[] = names.map((name) => {
    const given = `'${query[name]}'`;
    if (!(name in fileRequestQuerySchema.shape))
      return {
        path: `query.${name}`,
        message: `unknown query parameter ${given}; a JSON request takes none: remove it`,
      };
    if (!(name in bodyFields))
      return {
        path: `query.${name}`,
        message: `${given} applies to CSV and Excel uploads only; a JSON request is read as sent: remove it`,
      };
    if (!Object.hasOwn(fields, name))
      return {
        path: `query.${name}`,
        message: `${given} is not read with a JSON body (query parameters carry the fields of CSV and Excel uploads only): move ${name} into the JSON body`,
      };
    const inBody = (fields as Record<string, unknown>)[name];
    const relation = String(inBody) === query[name] ? 'repeats' : 'conflicts with';
    return {
      path: `query.${name}`,
      message: `${given} ${relation} ${name} ${JSON.stringify(inBody)} in the JSON body, which is the request: remove the query parameter`,
    };
  });
  return { ok: false, response: validationFailed(errors) };
}
