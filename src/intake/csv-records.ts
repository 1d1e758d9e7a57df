// CSV text to records, one at a time: the separator is found in the header line (`,` `;` `|` or tab, the
// most frequent outside quotes), line ends are normalised (CRLF, CR and LF mixed in one file are all
// line ends), and csv-parse tokenises (quotes, doubled quotes, line breaks inside quoted cells). Each
// record carries the file row it starts on (the header is row 1), counting the lines of quoted cells.
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CsvSeparator } from '../domain/csv.ts';

export const SEPARATORS: readonly CsvSeparator[] = [',', ';', '|', '\t'];

/** A record of the file: its cells as text and the row it starts on. */
export interface SourceRecord {
  row: number;
  cells: string[];
}

/** The separator of a header line: the candidate seen most often outside quotes (`,` when none is). */
export function detectSeparator(headerLine: string): CsvSeparator {
  const counts = new Map<CsvSeparator, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char as CsvSeparator))
      counts.set(char as CsvSeparator, (counts.get(char as CsvSeparator) ?? 0) + 1);
  }
  let best: CsvSeparator = ',';
  for (const [separator, count] of counts) if (count > (counts.get(best) ?? 0)) best = separator;
  return best;
}

/** Chunks with every CRLF and lone CR turned into LF (a CR at a chunk's end waits for the next chunk). */
async function* normalizedLineEnds(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let pendingCr = false;
  for await (const chunk of chunks) {
    let text: string = pendingCr ? `\r${chunk}` : chunk;
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    if (text !== '') yield text.replace(/\r\n?/g, '\n');
  }
  if (pendingCr) yield '\n';
}

/** The end of the first line (outside quotes) in `text`, or -1. */
function firstLineEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (char === '\n' && !quoted) return i;
  }
  return -1;
}

/** A CSV syntax error (an unclosed quote), with the row csv-parse stopped at. */
export class CsvSyntaxError extends Error {
  readonly row: number;
  constructor(message: string, row: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CsvSyntaxError';
    this.row = row;
  }
}

/**
 * Opens decoded CSV text: reads as far as the end of the header line to find the separator, then yields
 * records one at a time (blank lines skipped). Records' iteration throws CsvSyntaxError on broken quoting.
 */
export async function openCsv(
  chunks: AsyncIterable<string> | Iterable<string>,
): Promise<{ separator: CsvSeparator; records: AsyncGenerator<SourceRecord> }> {
  const source = normalizedLineEnds(chunks)[Symbol.asyncIterator]();
  let head = '';
  for (;;) {
    if (firstLineEnd(head) >= 0) break;
    const next = await source.next();
    if (next.done) break;
    head += next.value;
  }
  const end = firstLineEnd(head);
  const separator = detectSeparator(end >= 0 ? head.slice(0, end) : head);
  async function* text(): AsyncGenerator<string> {
    try {
      if (head !== '') yield head;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      await source.return(undefined);
    }
  }
  async function* records(): AsyncGenerator<SourceRecord> {
    // pipeline, not pipe: a source that fails mid-way (a blob replaced while it is read) fails the records'
    // iteration with its error (pipe would leave it unhandled and the parser waiting forever), and records
    // left unread (a refused tape) close the source.
    const parser = pipeline(
      Readable.from(text()),
      parse({ delimiter: separator, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }),
      () => {},
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        // csv-parse counts the line a record ends on; the record starts as many lines earlier as its cells hold.
        let inner = 0;
        for (const cell of record) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) inner++;
        yield { row: info.lines - inner, cells: record };
      }
    } catch (error) {
      if (error instanceof CsvError)
        throw new CsvSyntaxError(error.message, typeof error.lines === 'number' ? error.lines : 1, { cause: error });
      throw error;
    }
  }
  return { separator, records: records() };
}
