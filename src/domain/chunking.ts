// How a portfolio is cut into work: chunks of properties (one analyzeChunk activity each) grouped into
// batches of chunks (one chunkBatch sub-orchestration each), so no orchestration history grows with the
// portfolio (DESIGN §2).
import { z } from 'zod';

export const chunkingOptionsSchema = z.object({
  /** Properties per chunk: one activity, one blob, one bulk write. */
  chunkSize: z.number().int().min(1).max(1_000).default(100),
  /** Chunks per chunkBatch sub-orchestration; about 10 history events each, so 100 keeps it near 1,000. */
  chunksPerBatch: z.number().int().min(1).max(500).default(100),
});
export type ChunkingOptions = z.infer<typeof chunkingOptionsSchema>;

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

/** A batch: chunks [firstChunk, firstChunk + chunkCount). */
export interface BatchRange {
  batchIndex: number;
  firstChunk: number;
  chunkCount: number;
}

export function batchRanges(chunkCount: number, chunksPerBatch: number): BatchRange[] {
  const ranges: BatchRange[] = [];
  for (let first = 0, index = 0; first < chunkCount; first += chunksPerBatch, index++) {
    ranges.push({ batchIndex: index, firstChunk: first, chunkCount: Math.min(chunksPerBatch, chunkCount - first) });
  }
  return ranges;
}
