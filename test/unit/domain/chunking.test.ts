import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batchRanges, chunk, chunkCountFor } from '../../../src/domain/chunking.ts';

describe('chunk', () => {
  it('cuts into consecutive slices, the last shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 1.5)).toThrow(RangeError);
  });

  it('keeps every item once, in order, and agrees with chunkCountFor', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 500 }), fc.integer({ min: 1, max: 120 }), (items, size) => {
        const chunks = chunk(items, size);
        expect(chunks.flat()).toEqual(items);
        expect(chunks.length).toBe(chunkCountFor(items.length, size));
        expect(chunks.every((c) => c.length >= 1 && c.length <= size)).toBe(true);
      }),
    );
  });
});

describe('batchRanges', () => {
  it('covers 1,000 chunks (100,000 properties) with 10 batches of 100', () => {
    const ranges = batchRanges(1_000, 100);
    expect(ranges).toHaveLength(10);
    expect(ranges[9]).toEqual({ batchIndex: 9, firstChunk: 900, chunkCount: 100 });
  });

  it('covers every chunk exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 200 }), (chunks, perBatch) => {
        const covered = batchRanges(chunks, perBatch).flatMap((r) =>
          Array.from({ length: r.chunkCount }, (_, i) => r.firstChunk + i),
        );
        expect(covered).toEqual(Array.from({ length: chunks }, (_, i) => i));
      }),
    );
  });
});
