// Passes over a job's chunks: the first pass analyses every property; the end-of-job retry pass redoes the
// properties that failed for a transient cause; a redrive redoes the failed ones (and, on request, the ones
// a cancel, the budget or a failed run left). Each chunk keeps its counts after every pass, and each run of a chunk
// reports what it changed as a difference (a ChunkDelta), so passes add up whatever order they ran in.
import { z } from 'zod';
import type { PropertyResult } from './results.ts';

export const PASS_MODES = ['all', 'transient', 'failed', 'failed-and-left'] as const;
/**
 * Which properties of a chunk a pass analyses: all of them (those without a result), transient failures, failures, or
 * failures and the properties left without a result.
 */
export type PassMode = (typeof PASS_MODES)[number];

/**
 * What a redrive re-analyses: failed properties, or failed ones and those a cancel, the budget or a failed run left.
 */
export const REDRIVE_INCLUDES = ['failed', 'failed-and-left'] as const;
export type RedriveInclude = (typeof REDRIVE_INCLUDES)[number];

const count = z.number().int().nonnegative();

/** A chunk's counts after a pass: its stored results, and the properties left without one. */
export const chunkCountsSchema = z.object({
  /** Properties with a stored result, analysed or failed. */
  processed: count,
  failed: count,
  /** Failed properties whose cause may pass (the retry pass redoes them). */
  transient: count,
  /** Analysed properties valued from the cross-job cache. */
  cached: count,
  /** Properties without a result (not reached: cancel, budget). */
  left: count,
});
export type ChunkCounts = z.infer<typeof chunkCountsSchema>;

/** What one run of a chunk changed: counts as differences (negative when a retry fixed failures) and cents billed. */
export const chunkDeltaSchema = z.object({
  processed: z.number().int(),
  failed: z.number().int(),
  transient: z.number().int(),
  cached: z.number().int(),
  /** What the vendors billed for the answers of this run (answers bought by earlier, crashed attempts included). */
  cents: count,
  /** Calls that may have been billed without their answer recorded (a crashed attempt, timeouts): a bound, in cents. */
  unconfirmedCents: count,
});
export type ChunkDelta = z.infer<typeof chunkDeltaSchema>;

export const NO_CHANGE: ChunkDelta = {
  processed: 0,
  failed: 0,
  transient: 0,
  cached: 0,
  cents: 0,
  unconfirmedCents: 0,
};
export const NO_COUNTS: ChunkCounts = { processed: 0, failed: 0, transient: 0, cached: 0, left: 0 };

/** Whether a property with `stored` as its result (undefined: none) is analysed by a pass in `mode`. */
export function needsWork(stored: PropertyResult | undefined, mode: PassMode): boolean {
  switch (mode) {
    case 'all':
      return stored === undefined;
    case 'transient':
      return stored?.status === 'failed' && stored.error?.transient === true;
    case 'failed':
      return stored?.status === 'failed';
    case 'failed-and-left':
      return stored === undefined || stored.status === 'failed';
  }
}

/** The counts of a chunk of `size` properties whose stored results are `results`. */
export function chunkCounts(results: readonly PropertyResult[], size: number): ChunkCounts {
  let failed = 0;
  let transient = 0;
  let cached = 0;
  for (const r of results) {
    if (r.status === 'failed') {
      failed++;
      if (r.error?.transient === true) transient++;
    } else if (r.cachedValuation) cached++;
  }
  return { processed: results.length, failed, transient, cached, left: size - results.length };
}

/** The change from `before` to `after`, with what was billed meanwhile. */
export function deltaBetween(
  before: ChunkCounts,
  after: ChunkCounts,
  billed: { cents: number; unconfirmedCents: number },
): ChunkDelta {
  return {
    processed: after.processed - before.processed,
    failed: after.failed - before.failed,
    transient: after.transient - before.transient,
    cached: after.cached - before.cached,
    cents: billed.cents,
    unconfirmedCents: billed.unconfirmedCents,
  };
}

/** Two deltas added (the monoid lanes and passes fold with; NO_CHANGE is its identity). */
export function addDeltas(a: ChunkDelta, b: ChunkDelta): ChunkDelta {
  return {
    processed: a.processed + b.processed,
    failed: a.failed + b.failed,
    transient: a.transient + b.transient,
    cached: a.cached + b.cached,
    cents: a.cents + b.cents,
    unconfirmedCents: a.unconfirmedCents + b.unconfirmedCents,
  };
}
