// How a portfolio is cut into work: chunks of properties (one analyzeChunk activity and one staged blob
// each), which the job's lanes take in turn (DESIGN §2).
import { z } from 'zod';

export const chunkingOptionsSchema = z.object({
  /** Properties per chunk: one activity, one blob, one bulk write. */
  chunkSize: z.number().int().min(1).max(1_000).default(100),
});

/** `items` cut into consecutive slices of `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export function chunkCountFor(properties: number, chunkSize: number): number {
  return Math.ceil(properties / chunkSize);
}

/** Properties in chunk `index` of a portfolio of `total` properties cut into chunks of `chunkSize`. */
export function chunkLength(index: number, total: number, chunkSize: number): number {
  return Math.max(0, Math.min(chunkSize, total - index * chunkSize));
}
