// Tapes read from a stream (readTapeStream, as a blob is read): a source that fails part-way through (a blob
// replaced or deleted mid-read) fails the read with its own error, CSV or JSON, instead of going unhandled
// while the reader waits forever; a tape refused before its end stops reading and closes the source.
import { describe, expect, it, vi } from 'vitest';
import { readTapeStream, type TapeStream } from '../../../src/intake/tape.ts';
import { asOf, csv, PropertyList } from './tapes.ts';

const HEADER = 'propertyId,address,state,zip,propertyType';
const rows = (n: number) => Array.from({ length: n }, (_, i) => `P${i},${i + 1} Main St,TX,75001,SFR`);
const encoder = new TextEncoder();

/**
 * A byte source yielding `text` in 1 KiB parts, then throwing `failure` (if any); counts its parts. A
 * byte-order mark leads, so that the tape is read once (no read-through to tell its encoding).
 */
function source(text: string, failure?: Error) {
  const bytes = encoder.encode(`\uFEFF${text}`);
  const state = { parts: 0, closed: false };
  const read = async function* () {
    try {
      for (let start = 0; start < bytes.length; start += 1024) {
        state.parts++;
        yield bytes.subarray(start, start + 1024);
      }
      if (failure) throw failure;
    } finally {
      state.closed = true;
    }
  };
  return { state, read, head: bytes.subarray(0, 4096) };
}

const options = { asOf, invalidRows: 'reject' as const, maxRows: 100_000 };
const tapeOf = (kind: TapeStream['kind'], s: ReturnType<typeof source>): TapeStream => ({
  kind,
  head: s.head,
  bytes: s.read,
});

describe('readTapeStream', () => {
  it('fails with the error of a CSV source that fails after many rows', async () => {
    const failure = new Error('the blob changed');
    const s = source(csv(HEADER, ...rows(5_000)), failure);
    const list = new PropertyList();
    await expect(readTapeStream(tapeOf('csv', s), options, list)).rejects.toBe(failure);
    expect(list.properties.length).toBeGreaterThan(0);
  });

  it('fails with the error of a JSON source that fails after many items', async () => {
    const failure = new Error('the blob changed');
    const items = rows(5_000).map((row) => {
      const [propertyId, address, state, zip, propertyType] = row.split(',');
      return { propertyId, address, state, zip, propertyType };
    });
    const s = source(JSON.stringify(items), failure);
    const list = new PropertyList();
    await expect(readTapeStream(tapeOf('json', s), options, list)).rejects.toBe(failure);
    expect(list.properties.length).toBeGreaterThan(0);
  });

  it('stops reading a CSV refused at its first row too many, and closes the source', async () => {
    const text = csv(HEADER, ...rows(20_000));
    const s = source(text);
    const result = await readTapeStream(tapeOf('csv', s), { ...options, maxRows: 10 }, new PropertyList());
    expect(result.ok).toBe(false);
    expect(s.state.parts).toBeLessThan(encoder.encode(text).length / 1024 / 2);
    // Streams close asynchronously (after the read has answered).
    await vi.waitFor(() => expect(s.state.closed).toBe(true), { timeout: 30_000 });
  });
});
