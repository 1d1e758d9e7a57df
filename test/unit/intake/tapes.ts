// Shared by the intake tests: read a tape or a request the way the API does, and take its result apart.
import { HttpRequest } from '@azure/functions';
import { buffer } from 'node:stream/consumers';
import writeXlsxFile from 'write-excel-file/node';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { loadSettings } from '../../../src/config.ts';
import type { DataQuality, IntakeError, IntakeWarning } from '../../../src/domain/data-quality.ts';
import type { AnalyzeFields, Property } from '../../../src/domain/schemas.ts';
import { readPortfolioRequest, type PortfolioRequest } from '../../../src/api/portfolio-request.ts';
import type { PropertySink } from '../../../src/domain/property-sink.ts';
import { readCsvTape, readXlsxTape, type TapeOptions, type TapeResult } from '../../../src/intake/tape.ts';

/** A sink that keeps the properties a tape hands it, to look at. */
export class PropertyList implements PropertySink {
  readonly properties: Property[] = [];
  add(property: Property): void {
    this.properties.push(property);
  }
}

/** A tape's result and the properties it handed to its sink. */
export type ReadTape = TapeResult & { properties: Property[] };

export const asOf = new Date('2026-11-24T00:00:00Z');

export const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

export async function readCsv(
  text: string | Uint8Array,
  options: Partial<TapeOptions> & { charset?: string } = {},
): Promise<ReadTape> {
  const { charset, ...rest } = options;
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const list = new PropertyList();
  const result = await readCsvTape(bytes, charset, { asOf, invalidRows: 'reject', maxRows: 100_000, ...rest }, list);
  return { ...result, properties: list.properties };
}

export async function readXlsx(
  bytes: Uint8Array,
  options: Partial<TapeOptions> & { sheet?: string } = {},
): Promise<ReadTape> {
  const list = new PropertyList();
  const source = async function* () {
    yield bytes;
  };
  const result = await readXlsxTape(source, { asOf, invalidRows: 'reject', maxRows: 100_000, ...options }, list);
  return { ...result, properties: list.properties };
}

export function propertiesOf(result: ReadTape): Property[] {
  if (!result.ok)
    throw new Error(`expected no errors, got:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.properties;
}

export function failureOf(result: TapeResult): Extract<TapeResult, { ok: false }> {
  if (result.ok) throw new Error('expected errors, got none');
  return result;
}

export const errorsOf = (result: TapeResult): IntakeError[] => failureOf(result).errors;

/** The warnings of a result as `code field count` lines, for compact expectations. */
export function warningsOf(result: { dataQuality?: DataQuality | undefined } | TapeResult): IntakeWarning[] {
  return ('dataQuality' in result ? result.dataQuality?.warnings : undefined) ?? [];
}
export const warningCounts = (result: { dataQuality?: DataQuality | undefined } | TapeResult) =>
  Object.fromEntries(
    warningsOf(result).map((w) => [`${w.code}${w.field === undefined ? '' : ` ${w.field}`}`, w.count]),
  );

/** A POST to /api/portfolio/analyze as the Functions runtime hands it to the trigger. */
export function analyzeRequest(body: string | Uint8Array, contentType: string | undefined, query = ''): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost/api/portfolio/analyze${query}`,
    body: { bytes: typeof body === 'string' ? new TextEncoder().encode(body) : body },
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  });
}

const settings = loadSettings({});

/** A request read whole: its fields with the properties its sink took, and the rest of what was read. */
export type ReadRequest = Omit<PortfolioRequest, 'fields'> & { request: AnalyzeFields & { properties: Property[] } };

/** No blob is uploaded in these tests (submission by reference is tested against Azurite). */
const NO_UPLOADS = { containerName: 'portfolio-uploads', open: async () => undefined };

/** The request read as the analyze and estimate triggers read it: either the request or the error answer. */
export async function readRequest(
  body: string | Uint8Array,
  contentType: string | undefined,
  query = '',
  today = asOf,
): Promise<{ ok: true; value: ReadRequest } | { ok: false; status: number; body: Record<string, unknown> }> {
  const list = new PropertyList();
  const read = await readPortfolioRequest(analyzeRequest(body, contentType, query), {
    settings,
    asOf: today,
    sink: list,
    uploads: NO_UPLOADS,
  });
  if (read.ok) {
    const { fields, ...rest } = read.value;
    return { ok: true, value: { ...rest, request: { ...fields, properties: list.properties } } };
  }
  return { ok: false, status: read.response.status ?? 200, body: read.response.jsonBody as Record<string, unknown> };
}

/** A request that must be read without errors. */
export async function acceptedRequest(
  body: string | Uint8Array,
  contentType: string | undefined,
  query = '',
): Promise<ReadRequest> {
  const read = await readRequest(body, contentType, query);
  if (!read.ok) throw new Error(`expected no errors, got ${read.status}: ${JSON.stringify(read.body, null, 1)}`);
  return read.value;
}

/** An .xlsx workbook of `rows` (cells typed as given; Dates formatted as dates) on one or more sheets. */
export async function xlsxOf(
  sheets: Record<string, readonly (readonly (string | number | boolean | Date | null)[])[]>,
): Promise<Uint8Array> {
  const entries = Object.entries(sheets).map(([sheet, data]) => ({
    sheet,
    dateFormat: 'yyyy-mm-dd',
    data: data.map((row) => [...row]),
  }));
  return new Uint8Array(await writeXlsxFile(entries).toBuffer());
}

/** The workbook's zip entries (path and bytes) in stored order. */
export async function entriesOf(workbook: Uint8Array): Promise<{ path: string; bytes: Buffer }[]> {
  const zip = await yauzl.fromBufferPromise(Buffer.from(workbook));
  const entries: { path: string; bytes: Buffer }[] = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    entries.push({ path: entry.fileName, bytes: await buffer(stream) });
  }
  return entries;
}

/** The same workbook with its entries stored in another order (and deflated, or stored as they are). */
export async function reordered(
  workbook: Uint8Array,
  order: (path: string) => number,
  options: { compress?: boolean } = {},
): Promise<Uint8Array> {
  const entries = (await entriesOf(workbook)).sort((a, b) => order(a.path) - order(b.path));
  const zip = new yazl.ZipFile();
  for (const { path, bytes } of entries) zip.addBuffer(bytes, path, { compress: options.compress ?? true });
  zip.end();
  return new Uint8Array(await buffer(zip.outputStream));
}
