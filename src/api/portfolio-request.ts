// The body of POST /api/portfolio/analyze and /estimate in any form read (DESIGN §5): a JSON request, a
// CSV or Excel tape with the request fields as query parameters, or a JSON request naming a tape the caller
// uploaded as a blob (`propertiesBlob`). Every form goes through src/intake, so a property reads the same
// whatever it came in, and the answer carries the same data-quality account.
// No form is held whole: a JSON body is read as tokens twice (its fields, then its properties one by one),
// a tape row by row, a blob as a stream; each accepted property goes to the caller's sink at once.
import type { HttpRequest } from '@azure/functions';
import { analyzeBodySchema, analyzeFieldsSchema, MAX_PROPERTIES, type AnalyzeFields } from '../domain/schemas.ts';
import type { Settings } from '../config.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import type { FieldError } from '../domain/validation.ts';
import { decodeChunks, detectEncoding } from '../intake/decode.ts';
import { JsonSyntaxError, jsonArrayItems, scanJsonEnvelope, type JsonEnvelope } from '../intake/json-stream.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import { readCsvTape, readJsonProperties, readXlsxTape, type TapeResult } from '../intake/tape.ts';
import { UploadChangedError } from '../storage/errors.ts';
import {
  changedRefusal,
  openUploadedTape,
  readUploadedTape,
  type TapeRefusal,
  type UploadSource,
} from '../jobs/uploaded-tape.ts';
import type { TapeReference } from '../workflow.ts';
import { bodyFormat, sniff, type BodyFormat } from './body-format.ts';
import { readBody, readQuery, validate, type Parsed } from './request-parsing.ts';
import { badRequest, inputChanged, unsupportedMediaType, validationFailed } from './responses.ts';
import { analyzeBlobBodySchema, fileRequestQuerySchema } from './schemas.ts';

/** A valid request's fields and the account of how its properties were read (they went to the sink). */
export interface PortfolioRequest {
  fields: AnalyzeFields;
  dataQuality: DataQuality;
  /** The identities several accepted propertyIds share (valuationKey, domain/identity.ts). */
  sharedIdentities: Set<string>;
}

/** What reading a request needs besides the request. */
export interface ReadContext {
  settings: Settings;
  /** "Today" of the date checks. */
  asOf: Date;
  /** Takes each accepted property, in order. */
  sink: PropertySink;
  uploads: UploadSource;
}

/**
 * A JSON request naming an uploaded tape, accepted without reading it: its fields and the tape, with the version
 * the blob has now (what the job's readTape activity reads), or without it when the blob was not looked at (the
 * request's Idempotency-Key names a job already: its answer is that job's, whatever became of the blob).
 */
export interface ReferencedRequest {
  kind: 'reference';
  fields: AnalyzeFields;
  tape: Omit<TapeReference, 'etag'>;
  etag: string | undefined;
}

type AnyRequest = PortfolioRequest | ReferencedRequest;

/**
 * How a request naming an uploaded tape is taken: read now (the estimate), accepted for its job to read once its
 * blob passed the checks its properties and first bytes decide, or taken by its fields alone (its key has a job).
 */
type RequestContext = ReadContext & { references: 'read' | 'accept' | 'fields' };

/**
 * Reads, recognises and validates the body and query of an analyze or estimate request; accepted properties
 * go to `context.sink` as they are read. A refused request answers 4xx (the sink may have taken properties
 * by then: the caller discards them): 409 on propertiesBlob for an uploaded tape replaced or deleted while it
 * was read. Throws what the uploads' store throws otherwise.
 */
export async function readPortfolioRequest(
  request: HttpRequest,
  context: ReadContext,
): Promise<Parsed<PortfolioRequest>> {
  const read = await readRequest(request, { ...context, references: 'read' });
  if (read.ok && 'kind' in read.value) throw new Error('readPortfolioRequest: a tape by reference was not read');
  return read as Parsed<PortfolioRequest>;
}

/**
 * As readPortfolioRequest, except that a JSON request naming an uploaded tape (`propertiesBlob`) is not read: once
 * its fields and the checks its blob's properties and first bytes decide pass (a 400 on propertiesBlob otherwise),
 * it is answered as a ReferencedRequest, the blob's version pinned, for the job to read after its 202. With
 * `keyHasJob` (the request's Idempotency-Key names a job), its blob is not looked at: the fields are what its
 * fingerprint needs.
 */
export function acceptPortfolioRequest(
  request: HttpRequest,
  context: ReadContext & { keyHasJob: boolean },
): Promise<Parsed<AnyRequest>> {
  return readRequest(request, { ...context, references: context.keyHasJob ? 'fields' : 'accept' });
}

async function readRequest(request: HttpRequest, context: RequestContext): Promise<Parsed<AnyRequest>> {
  const query = readQuery(request);
  if (!query.ok) return query;
  const body = await readBody(request, context.settings.pipeline.maxRequestMegabytes * 1024 * 1024);
  if (!body.ok) return body;
  if (body.value.length === 0)
    return { ok: false, response: badRequest('The request body is empty: send JSON, CSV or an Excel workbook.') };
  const format = bodyFormat(request.headers.get('content-type'), body.value);
  if (!format.ok) return { ok: false, response: unsupportedMediaType(format.message) };
  return format.value.kind === 'json'
    ? readJsonRequest(body.value, format.value, query.value, context)
    : readFileRequest(body.value, format.value, query.value, context);
}

function fromTape(result: TapeResult, fields: AnalyzeFields): Parsed<PortfolioRequest> {
  if (!result.ok)
    return {
      ok: false,
      response: validationFailed(result.errors, result.totalErrors, result.dataQuality),
    };
  return { ok: true, value: { fields, dataQuality: result.dataQuality, sharedIdentities: result.sharedIdentities } };
}

/** Bodies up to this size get JSON.parse's message for a syntax error (it gives the position). */
const EXACT_SYNTAX_MESSAGE_BYTES = 16 * 1024 * 1024;

async function readJsonRequest(
  bytes: Uint8Array,
  format: BodyFormat,
  query: Record<string, string>,
  context: RequestContext,
): Promise<Parsed<AnyRequest>> {
  const encoding = detectEncoding(bytes, format.charset);
  if (!encoding.ok) return { ok: false, response: badRequest(encoding.error.message) };
  const text = () => decodeChunks(bytes, encoding.value.encoding);
  let envelope: JsonEnvelope;
  try {
    envelope = await scanJsonEnvelope(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return {
      ok: false,
      response: badRequest(`The request body is not valid JSON: ${syntaxMessage(bytes, text, error)}${csvHint(bytes)}`),
    };
  }
  if (envelope.propertiesRepeated)
    return {
      ok: false,
      response: validationFailed([
        { path: 'properties', message: 'given more than once in the body: send one properties list' },
      ]),
    };
  const body = envelopeValue(envelope);
  const unambiguous = refuseQueryBesideJson(query, body);
  if (!unambiguous.ok) return unambiguous;
  if (typeof body === 'object' && body !== null && 'propertiesBlob' in body) return readBlobRequest(body, context);
  const valid = validate(analyzeBodySchema(), body);
  if (!valid.ok) return valid;
  const { properties: _, ...fields } = valid.value;
  const options = { asOf: context.asOf, invalidRows: fields.invalidRows, maxRows: MAX_PROPERTIES };
  const result = await readJsonProperties(
    jsonArrayItems(text, 'properties'),
    options,
    encoding.value.encoding,
    context.sink,
  );
  return fromTape(result, fields);
}

/**
 * The body as zod sees it: the fields, and `properties` as what it holds (its items stand-ins: they are
 * read one by one afterwards) or, when it is not an array, whole.
 */
function envelopeValue(envelope: JsonEnvelope): unknown {
  if (envelope.notAnObject !== undefined) return envelope.notAnObject;
  const { properties } = envelope;
  if (properties === undefined) return envelope.fields;
  return {
    ...envelope.fields,
    properties:
      properties.kind === 'other'
        ? properties.value
        : new Array<null>(Math.min(properties.count, MAX_PROPERTIES + 1)).fill(null),
  };
}

/** JSON.parse's message (with the position) for a body small enough to parse again; else the tokenizer's. */
function syntaxMessage(bytes: Uint8Array, text: () => Iterable<string>, error: JsonSyntaxError): string {
  if (bytes.length > EXACT_SYNTAX_MESSAGE_BYTES) return error.message;
  try {
    JSON.parse([...text()].join(''));
  } catch (exact) {
    if (exact instanceof SyntaxError) return exact.message;
  }
  return error.message;
}

const csvHint = (bytes: Uint8Array) =>
  sniff(bytes) === 'csv' ? ' (the body looks like CSV: send it with Content-Type: text/csv)' : '';

/**
 * A JSON request naming an uploaded tape (`propertiesBlob`): its fields, then (references 'fields') nothing more, or
 * the checks its blob's properties and first bytes decide, then (references 'read') the blob read in a stream, or
 * (references 'accept') the request accepted with the blob's version pinned, for the job to read.
 */
async function readBlobRequest(body: object, context: RequestContext): Promise<Parsed<AnyRequest>> {
  if ('properties' in body)
    return {
      ok: false,
      response: validationFailed([
        {
          path: 'properties',
          message:
            'given beside propertiesBlob: send the properties in the body or name an uploaded tape, not both; remove one',
        },
      ]),
    };
  const valid = validate(analyzeBlobBodySchema(), body);
  if (!valid.ok) return valid;
  const { propertiesBlob, unknownColumns, sheet, columnMap, ...fields } = valid.value;
  const reading = { invalidRows: fields.invalidRows, unknownColumns, sheet, columnMap };
  const tape = { blobName: propertiesBlob, ...reading };
  if (context.references === 'fields') return { ok: true, value: { kind: 'reference', fields, tape, etag: undefined } };
  const refused = (refusal: TapeRefusal): Parsed<never> => ({
    ok: false,
    response: refusal.changed
      ? inputChanged(refusal.errors)
      : validationFailed(refusal.errors, refusal.totalErrors, refusal.dataQuality),
  });
  let opened;
  try {
    opened = await openUploadedTape(context.uploads, { blobName: propertiesBlob });
  } catch (error) {
    if (!(error instanceof UploadChangedError)) throw error;
    return refused(changedRefusal(error, 'read'));
  }
  if (!opened.ok) return refused(opened);
  if (context.references === 'accept')
    return { ok: true, value: { kind: 'reference', fields, tape, etag: opened.value.upload.etag } };
  const read = await readUploadedTape(
    opened.value,
    { ...reading, asOf: context.asOf },
    context.settings,
    context.sink,
    'read',
  );
  if (!read.ok) return refused(read);
  return { ok: true, value: { fields, dataQuality: read.dataQuality, sharedIdentities: read.sharedIdentities } };
}

async function readFileRequest(
  bytes: Uint8Array,
  format: BodyFormat,
  query: Record<string, string>,
  context: ReadContext,
): Promise<Parsed<PortfolioRequest>> {
  const fieldsRead = validate(fileRequestQuerySchema, query, 'query');
  if (!fieldsRead.ok) return fieldsRead;
  const { invalidRows = 'reject', unknownColumns, sheet, columnMap, ...rest } = fieldsRead.value;
  const fields = { priority: 'standard' as const, allowPartial: false, ...rest, invalidRows };
  const options = {
    asOf: context.asOf,
    invalidRows,
    maxRows: context.settings.tapes.maxRows,
    unknownColumns,
    columnMap,
  };
  const result =
    format.kind === 'xlsx'
      ? await readXlsxTape(
          async function* () {
            yield bytes;
          },
          { ...options, sheet },
          context.sink,
        )
      : await readCsvTape(bytes, format.charset, options, context.sink);
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
