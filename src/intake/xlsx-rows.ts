// An Excel workbook (.xlsx) read as a stream of rows, never held whole: excelts's streaming WorkbookReader
// unzips and parses it in one pass (a sheet stored before the shared strings, as Excel writes them, is
// spooled to a temporary file and read once they are known), and this adapter turns its rows into the
// tape records of file-rows.ts with the cell types read-excel-file gave: text trimmed (empty is absent),
// numbers, booleans, Dates for number cells formatted as dates, a formula's cached result, and an error
// cell (#N/A) or a merged cell's covered part as absent.
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { WorkbookReader, excelToDate, isDateDisplayFormat, type Row } from '@cj-tech-master/excelts';
import type { Cell } from './cells.ts';
import type { ByteSource } from './decode.ts';
import type { TapeRecord } from './file-rows.ts';

/** The workbook cannot be read as one: not a zip, a zip cut short, XML that does not parse, a bad reference. */
export class InvalidWorkbookError extends Error {}

/**
 * Most bytes of sheet XML spooled to a temporary file while the shared strings they refer to are still to
 * come (about 1.4 KB a row for the widest layout, so 1,000,000 such rows): a zip whose sheet unpacks to
 * more is refused rather than fill the disk.
 */
const MAX_SPOOLED_SHEET_BYTES = 4 * 2 ** 30;

/** The sheet a tape is read from: its name, every sheet's name in workbook order, and its rows. */
export interface WorkbookSheet {
  name: string;
  sheets: readonly string[];
  rows: AsyncIterable<TapeRecord>;
}

/** What `readWorkbook` hands its callback: the sheet chosen, or why none could be. */
export type SheetChoice = { kind: 'sheet'; sheet: WorkbookSheet } | { kind: 'missing'; sheets: readonly string[] };

/**
 * Reads the workbook in `source` in one pass and calls `read` once: with the sheet named `sheet` (the
 * first sheet in workbook order when undefined) while its rows stream, or with the workbook's sheet names
 * when it has no such sheet. Other sheets are read through and dropped. Returns what `read` returns.
 * Throws InvalidWorkbookError for a workbook that cannot be read (also from the rows, mid-read), and what
 * the byte source throws as it threw it (UploadChangedError for a blob replaced while read).
 */
export async function readWorkbook<T>(
  source: ByteSource,
  sheet: string | undefined,
  read: (choice: SheetChoice) => Promise<T>,
): Promise<T> {
  let sourceError: { error: Error } | undefined;
  /** What a failed step of the reader throws: the byte source's error as it was, else an InvalidWorkbookError. */
  const failure = (error: unknown): Error =>
    sourceError !== undefined
      ? sourceError.error
      : error instanceof InvalidWorkbookError
        ? error
        : new InvalidWorkbookError(error instanceof Error ? error.message : String(error), { cause: error });
  // Every step of the reader also ends on an error of the input (the byte source's, a zip cut short, or one
  // the zip parser reports by destroying its input): a zip cut short leaves the parser waiting for bytes that
  // never come. (One set of waiting steps, not Promise.race with a promise that never settles: each race
  // would stay attached to it, and with it the row it resolved to.)
  let broken: { error: Error } | undefined;
  const waiting = new Set<(error: Error) => void>();
  const bytes = Readable.from(
    (async function* () {
      const tail = new Tail();
      try {
        for await (const chunk of source()) {
          tail.add(chunk);
          yield chunk;
        }
      } catch (error) {
        sourceError = { error: error instanceof Error ? error : new Error(String(error)) };
        throw sourceError.error;
      }
      // Failing the input fails the reader's parse too, which then removes what it spooled.
      const cut = await tail.cutShort();
      if (cut !== undefined) throw new InvalidWorkbookError(cut);
    })(),
  );
  bytes.on('error', (error) => {
    broken ??= { error };
    for (const reject of waiting) reject(error);
  });
  const reader = new TapeWorkbookReader(bytes, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
    maxBufferedWorksheetBytes: MAX_SPOOLED_SHEET_BYTES,
  });
  const events = reader.parse();
  /** The reader's next step; what `read` does with it fails as it fails (a sink's storage error is no bad workbook). */
  const next = <V>(iterator: AsyncIterator<V>) =>
    new Promise<IteratorResult<V>>((resolve, reject) => {
      const fail = (error: unknown) => reject(failure(error));
      if (broken !== undefined) return fail(broken.error);
      waiting.add(fail);
      iterator
        .next()
        .then(resolve, fail)
        .finally(() => waiting.delete(fail));
    });
  const outcome = async (): Promise<T> => {
    for (let event = await next(events); event.done !== true; event = await next(events)) {
      if (event.value.eventType !== 'worksheet') continue;
      const worksheet = event.value.value;
      const names = (reader.model?.sheets ?? []).map((s) => s.name);
      const wanted = sheet ?? names[0];
      if (wanted === undefined || !names.includes(wanted)) return read({ kind: 'missing', sheets: names });
      const rows = worksheet[Symbol.asyncIterator]();
      if (worksheet.name !== wanted) {
        for (let row = await next(rows); row.done !== true; row = await next(rows));
        continue;
      }
      const date1904 = reader.properties?.model?.date1904 === true;
      return read({ kind: 'sheet', sheet: { name: wanted, sheets: names, rows: tapeRecords(rows, next, date1904) } });
    }
    return read({ kind: 'missing', sheets: (reader.model?.sheets ?? []).map((s) => s.name) });
  };
  try {
    return await outcome();
  } finally {
    // Stops the parse, which removes the temporary files of sheets spooled and not read. Not awaited: a
    // parse that already failed may be waiting on a part that never ends.
    events.throw?.(new Error('read ended')).catch(() => undefined);
    bytes.destroy();
  }
}

/** What excelts's reader reads a zip's entries into: parts read, sheets ready and sheets to spool. */
type Entries = ReturnType<WorkbookReader['_parseEntries']>;
type WaitingEntry = Extract<
  Entries extends AsyncIterableIterator<infer E> ? E : never,
  { eventType: 'waiting-worksheet' }
>['entry'];

/**
 * excelts's reader, reading a sheet only once the workbook's styles are known. The reader waits for the
 * shared strings, the workbook and its relationships before it reads a sheet, and spools one stored before
 * them; not for the styles, which say which numbers are dates. A sheet stored before the styles but after
 * the rest (a workbook stored in an order Excel does not use, but another writer may) is spooled the same
 * way instead of being read with no dates.
 */
class TapeWorkbookReader extends WorkbookReader {
  readonly #defaultStyles = this.styles;

  protected override async *_parseEntries(stream: Readable): Entries {
    for await (const event of super._parseEntries(stream)) {
      if (event.eventType === 'worksheet' && this.styles === this.#defaultStyles) {
        const worksheet = event.value;
        yield {
          eventType: 'waiting-worksheet',
          sheetNo: String(worksheet.sheetNo),
          entry: Readable.from(worksheet.iterator) as unknown as WaitingEntry,
        };
      } else yield event;
    }
  }
}

/**
 * A sheet's rows as tape records: row numbers as in the sheet (a row the sheet leaves out is an empty
 * record, as read-excel-file gave), cells from column A, a row ending at its last cell that holds a value.
 */
async function* tapeRecords(
  rows: AsyncIterator<Row>,
  next: (iterator: AsyncIterator<Row>) => Promise<IteratorResult<Row>>,
  date1904: boolean,
): AsyncGenerator<TapeRecord> {
  let previous = 0;
  for (let result = await next(rows); result.done !== true; result = await next(rows)) {
    const row = result.value;
    while (++previous < row.number) yield { row: previous, cells: [] };
    previous = row.number;
    const cells: Cell[] = [];
    row.eachCell((cell, column) => {
      const value = cellValue(cell.value, cell.numFmt, date1904);
      if (value !== null) cells[column - 1] = value;
    });
    yield { row: row.number, cells: Array.from(cells, (c) => c ?? null) };
  }
}

/** A text cell's value: trimmed, and absent when nothing is left. */
const text = (value: string): string | null => value.trim() || null;

/**
 * A cell's value as the intake reads it. `numFmt` is the cell's number format (a number formatted as a
 * date is a Date, counted from 1904 in a workbook saved so). Throws InvalidWorkbookError for a shared
 * string the workbook does not hold.
 */
function cellValue(value: unknown, numFmt: unknown, date1904: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return text(value);
  if (typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value !== 'object') return null;
  if ('sharedString' in value)
    throw new InvalidWorkbookError(`a cell refers to shared string ${String(value.sharedString)}, which is missing`);
  if ('richText' in value && Array.isArray(value.richText))
    return text(value.richText.map((run: { text?: string | null }) => run.text ?? '').join(''));
  // A formula: its result as last calculated (a number formatted as a date is a date, as for any cell).
  if ('formula' in value || 'sharedFormula' in value) {
    const result = 'result' in value ? value.result : undefined;
    if (typeof result === 'number' && !Number.isNaN(result) && isDateDisplayFormat(formatCode(numFmt)))
      return excelToDate(result, date1904);
    return cellValue(result, undefined, date1904);
  }
  if ('text' in value && typeof value.text === 'string') return text(value.text); // a hyperlink's text
  return null; // an error value (#N/A, #DIV/0!): absent, as read-excel-file read it
}

const formatCode = (numFmt: unknown): string =>
  typeof numFmt === 'string'
    ? numFmt
    : typeof numFmt === 'object' && numFmt !== null && 'formatCode' in numFmt && typeof numFmt.formatCode === 'string'
      ? numFmt.formatCode
      : '';

/**
 * The last bytes of a stream, kept as they go by (a zip's end record and its central directory, a few KB in
 * a workbook): enough for yauzl to tell whether the zip is whole.
 */
class Tail {
  static readonly BYTES = 2 ** 20;
  #chunks: Uint8Array[] = [];
  #kept = 0;
  #size = 0;

  add(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#kept += chunk.length;
    this.#size += chunk.length;
    while (this.#chunks.length > 1 && this.#kept - (this.#chunks[0]?.length ?? 0) >= Tail.BYTES)
      this.#kept -= this.#chunks.shift()?.length ?? 0;
  }

  /** Why the zip is not whole (its end record or central directory missing or beyond the bytes read), or undefined. */
  async cutShort(): Promise<string | undefined> {
    const tail = Buffer.concat(this.#chunks);
    const offset = this.#size - tail.length;
    const reader = new (class extends yauzl.RandomAccessReader {
      override _readStreamForRange(start: number, end: number): Readable {
        if (start >= offset) return Readable.from([tail.subarray(start - offset, end - offset)]);
        const missing = new Readable({ read: () => undefined });
        missing.destroy(new Error('its central directory is not where its end record says'));
        return missing;
      }
    })();
    try {
      const zip = await yauzl.fromRandomAccessReaderPromise(reader, this.#size, {
        lazyEntries: true,
        autoClose: false,
      });
      try {
        for await (const entry of zip.eachEntry()) void entry;
      } finally {
        zip.close();
      }
      return undefined;
    } catch (error) {
      return `it is cut short or damaged: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
