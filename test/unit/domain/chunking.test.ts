import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunk, chunkCountFor, chunkLength } from '../../../src/domain/chunking.ts';

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

describe('chunkLength', () => {
  it('gives each chunk its size, the last one shorter, past the end none', () => {
    expect([0, 1, 2, 3].map((i) => chunkLength(i, 250, 100))).toEqual([100, 100, 50, 0]);
  });

  it('agrees with chunk() for every chunk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 200 }), (total, size) => {
        const lengths = chunk(
          Array.from({ length: total }, (_, i) => i),
          size,
        ).map((c) => c.length);
        expect(lengths).toEqual(lengths.map((_, i) => chunkLength(i, total, size)));
      }),
    );
  });
});
