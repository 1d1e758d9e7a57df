// The intake alone, at any size: a generated tape read from disk as a blob would be, every accepted
// property handed to a sink that keeps nothing. A CSV is read in a stream (readTapeStream: the UTF-8 pass,
// then rows decoded, validated and checked across rows); an Excel workbook (`--format xlsx`, the same
// tape written by bench/xlsx-tape.ts) as the API reads one. Prints one JSON line: rows, seconds, rows per
// second, and the process's peak RSS and heap, which is what reading a tape of that size costs the host
// before staging.
//   npm run bench:intake -- --size 1000000 [--format csv|xlsx]   (the tape is generated once, kept in $TMPDIR)
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DISCARD } from '../src/intake/sink.ts';
import { readTapeStream, readXlsxTape, type TapeOptions } from '../src/intake/tape.ts';

const { values } = parseArgs({ options: { size: { type: 'string' }, format: { type: 'string', default: 'csv' } } });
const size = Number(values.size);
const format = values.format;
if (format !== 'csv' && format !== 'xlsx') throw new Error('--format is csv or xlsx');
const csv = path.join(tmpdir(), `pa-intake-${size}.csv`);
if (!existsSync(csv))
  execFileSync(process.execPath, ['examples/generate.ts', '--size', String(size), '--format', 'csv', '--out', csv], {
    stdio: 'ignore',
  });
const source = format === 'csv' ? csv : path.join(tmpdir(), `pa-intake-${size}.xlsx`);
if (!existsSync(source)) execFileSync(process.execPath, ['bench/xlsx-tape.ts', csv, source], { stdio: 'ignore' });

global.gc?.();
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
};
const timer = setInterval(sample, 50);
const bytes = () => createReadStream(source, { highWaterMark: 1 << 16 }) as AsyncIterable<Uint8Array>;
const head = new Uint8Array(4096);
const fd = openSync(source, 'r');
readSync(fd, head, 0, head.length, 0);
closeSync(fd);
const options: TapeOptions = { asOf: new Date(), invalidRows: 'skip', maxRows: 1_000_000 };
const started = performance.now();
const result =
  format === 'csv'
    ? await readTapeStream({ kind: 'csv', head, bytes }, options, DISCARD)
    : await readXlsxTape(bytes, options, DISCARD);
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(timer);
if (!result.ok) throw new Error(`the tape was refused: ${JSON.stringify(result.errors.slice(0, 3))}`);
console.log(
  JSON.stringify({
    format,
    rows: result.dataQuality.rows,
    accepted: result.dataQuality.accepted,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(result.dataQuality.rows / seconds),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
  }),
);
