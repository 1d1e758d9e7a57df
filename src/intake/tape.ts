// Reading a portfolio, whatever form it comes in: a CSV tape (any of four separators, any of the
// encodings of decode.ts), an Excel workbook (xlsx-rows.ts), or the `properties` of a JSON body. Each
// way ends in the same per-row reading and the same collector, so the same property reads the same and
// every normalisation is counted the same, whatever the dialect.
//
// Rows are decoded, mapped and validated one at a time (text is decoded and parsed in chunks) and each
// accepted property goes to a sink (sink.ts) at once: a tape is never held whole, whether it comes as a
// request body or as a blob read in a stream (`readTapeStream`).
import { z } from 'zod';
import { MAX_PROPERTIES, propertySchema, type InvalidRowsMode } from '../domain/schemas.ts';
import { TapeCollector, type TapeResult } from './collector.ts';
import type { ColumnOptions } from './columns.ts';
import { CsvSyntaxError, openCsv } from './csv-records.ts';
import {
  decodeChunks,
  decodeStream,
  detectEncoding,
  detectStreamEncoding,
  type ByteSource,
  type TextEncoding,
} from './decode.ts';
import { readTapeRecords } from './file-rows.ts';
import { readJsonItems } from './json-items.ts';
import { JsonSyntaxError, NotAnArrayError, jsonArrayItems } from './json-stream.ts';
import type { PropertySink } from '../domain/property-sink.ts';
import { InvalidWorkbookError, readWorkbook } from './xlsx-rows.ts';
import { quoteCell, type InputFormat, type IntakeError } from '../domain/data-quality.ts';

export type { TapeResult } from './collector.ts';

/** Settings of file uploads (CSV and Excel). */
export const tapeSettingsSchema = z.object({
  /** Most data rows accepted in one file; a longer file is refused at the first row too many. */
  maxRows: z.number().int().min(1).max(MAX_PROPERTIES).default(MAX_PROPERTIES),
});

export interface TapeOptions extends ColumnOptions {
  /** "Today" for the not-in-the-future date checks. */
  asOf: Date;
  invalidRows: InvalidRowsMode;
  /** Most data rows accepted. */
  maxRows: number;
  /** Most errors listed (default 100). */
  maxReportedErrors?: number | undefined;
}

/**
 * The property schema of a day. zod compiles a schema on its first parse, which costs more than reading a
 * small tape: one schema per UTC day (what the date limits depend on) is built and reused.
 */
let daySchema: { day: string; schema: ReturnType<typeof propertySchema> } | undefined;
function schemaFor(asOf: Date): ReturnType<typeof propertySchema> {
  const day = asOf.toISOString().slice(0, 10);
  if (daySchema?.day !== day) daySchema = { day, schema: propertySchema({ asOf: new Date(`${day}T00:00:00Z`) }) };
  return daySchema.schema;
}

const collectorFor = (options: TapeOptions, format: InputFormat, sink: PropertySink) =>
  new TapeCollector(
    { invalidRows: options.invalidRows, maxRows: options.maxRows, maxReportedErrors: options.maxReportedErrors },
    format,
    sink,
  );

const refusal = (error: IntakeError): TapeResult => ({ ok: false, errors: [error], totalErrors: 1 });

/** A CSV tape from its bytes; `declaredCharset` is the request's `charset`, if any. */
export async function readCsvTape(
  bytes: Uint8Array,
  declaredCharset: string | undefined,
  options: TapeOptions,
  sink: PropertySink,
): Promise<TapeResult> {
  const encoding = detectEncoding(bytes, declaredCharset);
  if (!encoding.ok) return refusal(encoding.error);
  return readCsvText(decodeChunks(bytes, encoding.value.encoding), encoding.value, options, sink);
}

/** A tape's text and the encoding it was read in. */
async function readCsvText(
  text: AsyncIterable<string> | Iterable<string>,
  encoding: TextEncoding,
  options: TapeOptions,
  sink: PropertySink,
): Promise<TapeResult> {
  const { separator, records } = await openCsv(text);
  const decimalComma = separator === ';';
  const collector = collectorFor(
    options,
    { kind: 'csv', encoding: encoding.encoding, separator, ...(decimalComma && { decimalComma }) },
    sink,
  );
  if (encoding.fallback) collector.warnings.add('ENCODING_WINDOWS_1252', undefined, { at: 'file' });
  try {
    await readTapeRecords(
      records,
      { ...options, separator, dialect: { decimalComma, spreadsheet: true }, schema: schemaFor(options.asOf) },
      collector,
    );
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    collector.fatal([
      {
        path: `row ${error.row}`,
        row: error.row,
        code: 'CSV_SYNTAX',
        message: `the CSV cannot be read from row ${error.row} on (${error.message}): a quote is not closed; close it or remove it`,
        fix: 'close the quote or remove it',
      },
    ]);
  }
  return collector.finish();
}

/**
 * An Excel workbook (.xlsx) from its bytes (a body already read, or a blob read in a stream): its first
 * sheet, or the sheet named `sheet`, read row by row as it is unzipped (xlsx-rows.ts), never held whole.
 * Throws what `bytes` throws (UploadChangedError for a blob replaced while read).
 */
export async function readXlsxTape(
  bytes: ByteSource,
  options: TapeOptions & { sheet?: string | undefined },
  sink: PropertySink,
): Promise<TapeResult> {
  const refuse = (code: string, message: string, fix: string): TapeResult =>
    refusal({ path: '', code, message: `${message}: ${fix}`, fix });
  try {
    return await readWorkbook(bytes, options.sheet, async (choice) => {
      if (choice.kind === 'missing')
        return refuse(
          'SHEET_NOT_FOUND',
          options.sheet === undefined
            ? 'the workbook has no sheet'
            : `the workbook has no sheet ${quoteCell(options.sheet)} (its sheets: ${choice.sheets.map((n) => quoteCell(n)).join(', ')})`,
          'name one of its sheets with ?sheet=NAME',
        );
      const { name, sheets, rows } = choice.sheet;
      const collector = collectorFor(options, { kind: 'xlsx', sheet: name }, sink);
      await readTapeRecords(
        rows,
        {
          ...options,
          workbook: { sheet: name, sheets },
          dialect: { decimalComma: false, spreadsheet: true },
          schema: schemaFor(options.asOf),
          // A cell right of the header is in a column without one, not an overflow of its row (a sheet's
          // columns are its own, whatever a row holds).
          sheetColumns: true,
        },
        collector,
      );
      return collector.finish();
    });
  } catch (error) {
    if (!(error instanceof InvalidWorkbookError)) throw error;
    return refuse(
      'INVALID_XLSX',
      `the body is not a readable Excel workbook (${error.message})`,
      'save it again as .xlsx, or send CSV',
    );
  }
}

/** The `properties` items of a JSON body (or a top-level array's items), read in `encoding`. */
export async function readJsonProperties(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  options: TapeOptions,
  encoding: string,
  sink: PropertySink,
): Promise<TapeResult> {
  const collector = collectorFor(options, { kind: 'json', encoding }, sink);
  try {
    await readJsonItems(items, schemaFor(options.asOf), collector);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError || error instanceof NotAnArrayError)) throw error;
    collector.fatal([
      {
        path: '',
        code: 'INVALID_JSON',
        message: `the JSON cannot be read (${error.message}): send a JSON array of properties, [ {...}, {...} ]`,
        fix: 'send a JSON array of properties',
      },
    ]);
  }
  return collector.finish();
}

/** A tape kept as a blob: its kind (from its name, type and first bytes), a head of its bytes and its bytes. */
export interface TapeStream {
  kind: 'csv' | 'json';
  /** The first bytes (a few KiB): the byte-order mark, NULs. */
  head: Uint8Array;
  /** The declared charset, if any. */
  charset?: string | undefined;
  bytes: ByteSource;
}

/**
 * A CSV or JSON tape read from a stream, never held whole: unless a byte-order mark or a declared charset
 * decides, the bytes are read once to tell UTF-8 from Windows-1252 (as `detectEncoding` does for a body),
 * then again to read the rows. JSON is an array of properties.
 */
export async function readTapeStream(tape: TapeStream, options: TapeOptions, sink: PropertySink): Promise<TapeResult> {
  const encoding = await detectStreamEncoding(tape.head, tape.charset, tape.bytes);
  if (!encoding.ok) return refusal(encoding.error);
  const text = () => decodeStream(tape.bytes, encoding.value.encoding);
  if (tape.kind === 'csv') return readCsvText(text(), encoding.value, options, sink);
  return readJsonProperties(jsonArrayItems(text), options, encoding.value.encoding, sink);
}
