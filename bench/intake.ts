// The intake alone, at any size: a generated CSV tape read from disk in a stream as a blob would be
// (readTapeStream: the UTF-8 pass, then rows decoded, validated and checked across rows), every accepted
// property handed to a sink that keeps nothing. Prints one JSON line: rows, seconds, rows per second, and
// the process's peak RSS and heap, which is what reading a tape of that size costs the host before staging.
//   npm run bench:intake -- --size 1000000   (the tape is generated once, kept in $TMPDIR)
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DISCARD } from '../src/intake/sink.ts';
import { readTapeStream } from '../src/intake/tape.ts';

const { values } = parseArgs({ options: { size: { type: 'string' } } });
const size = Number(values.size);
const source = path.join(tmpdir(), `pa-intake-${size}.csv`);
if (!existsSync(source))
  execFileSync(process.execPath, ['examples/generate.ts', '--size', String(size), '--format', 'csv', '--out', source], {
    stdio: 'ignore',
  });

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
const started = performance.now();
const result = await readTapeStream(
  { kind: 'csv', head, bytes },
  { asOf: new Date(), invalidRows: 'skip', maxRows: 1_000_000 },
  DISCARD,
);
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(timer);
if (!result.ok) throw new Error(`the tape was refused: ${JSON.stringify(result.errors.slice(0, 3))}`);
console.log(
  JSON.stringify({
    rows: result.dataQuality.rows,
    accepted: result.dataQuality.accepted,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(result.dataQuality.rows / seconds),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
  }),
);
