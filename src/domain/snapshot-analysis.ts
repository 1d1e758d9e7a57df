// One streaming pass over a run's sorted snapshot, joined by propertyId with the previous run's: the
// report's sections that need every property rather than the merged summary (like-for-like comparison,
// exact AVM accuracy, stress scenarios). Memory holds counters, the accuracy errors (8 bytes per
// benchmarked property) and the matched properties' values per concentration group; never a result set.
import { AvmAccuracyTally, type AvmAccuracy } from './avm-accuracy.ts';
import { LikeForLikeTally, type Comparison } from './like-for-like.ts';
import type { ConcentrationOptions } from './market.ts';
import type { TierLimits } from './risk.ts';
import { inIdOrder, type SnapshotRecord } from './snapshot.ts';
import type { StressScenario } from './schemas.ts';
import { StressTally, type StressResult } from './stress.ts';

export interface SnapshotAnalysisOptions {
  scenarios: readonly StressScenario[];
  limits: TierLimits;
  concentration: Pick<ConcentrationOptions, 'moderateAbove' | 'highAbove' | 'significantIncreaseAbove'>;
}

export interface PreviousSnapshot {
  run: Comparison['previousRun'];
  records: AsyncIterable<SnapshotRecord>;
}

export interface SnapshotAnalysis {
  /** Records in this run's snapshot. */
  records: number;
  accuracy: AvmAccuracy;
  stress: StressResult;
  /** Absent without a previous snapshot. */
  comparison?: Comparison;
}

/**
 * Analyses `current` (this run's snapshot) and, when given, joins it with the previous run's. Both must be
 * sorted by propertyId; throws an Error when either is not (see inIdOrder).
 */
export async function analyzeSnapshots(
  current: AsyncIterable<SnapshotRecord>,
  previous: PreviousSnapshot | undefined,
  options: SnapshotAnalysisOptions,
): Promise<SnapshotAnalysis> {
  const accuracy = new AvmAccuracyTally();
  const stress = new StressTally(options.scenarios, options.limits);
  const like = new LikeForLikeTally();
  let records = 0;
  const visit = (record: SnapshotRecord) => {
    records += 1;
    accuracy.add(record);
    stress.add(record);
  };

  const now = inIdOrder(current, 'this run')[Symbol.asyncIterator]();
  const before = previous && inIdOrder(previous.records, 'the previous run')[Symbol.asyncIterator]();
  let c = await now.next();
  let p = before ? await before.next() : undefined;
  for (;;) {
    const cur = c.done ? undefined : c.value;
    const prev = p === undefined || p.done ? undefined : p.value;
    if (cur && (!prev || cur.id < prev.id)) {
      visit(cur);
      like.add(undefined, cur);
      c = await now.next();
    } else if (prev && (!cur || prev.id < cur.id)) {
      like.add(prev, undefined);
      p = await before!.next();
    } else if (cur && prev) {
      visit(cur);
      like.add(prev, cur);
      [c, p] = await Promise.all([now.next(), before!.next()]);
    } else break;
  }
  return {
    records,
    accuracy: accuracy.result(),
    stress: stress.result(),
    ...(previous && { comparison: like.result(previous.run, options.concentration) }),
  };
}
