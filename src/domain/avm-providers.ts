// AVM provider performance, the monitoring the Interagency Appraisal and Evaluation Guidelines (OCC, FRB,
// FDIC, OTS, NCUA, December 2010; Appendix B, "Evaluations Based on Analytical Methods or Technological
// Tools") expect of a lender using automated valuation models: how often each model returns a value (hit
// rate), how often its answer is confident enough to use (FSD at or under the acceptance limit), and the
// spread of its confidence (the FSD distribution). A per-provider monoid inside the ChunkSummary: integer
// counts and sums, merged exactly; the figures are computed once on the merged whole.
import { z } from 'zod';
import { BASIS_POINTS, toUnits } from './histogram.ts';
import { addKeyedInto, own } from './sparse-map.ts';
import type { ValuationResult } from './results.ts';

const count = z.number().int().nonnegative();

/** Inclusive upper edges of the FSD bands, in basis points: <= 5%, <= 10%, ..., <= 30%, then above 30%. */
export const FSD_BAND_EDGES_BP = [500, 1_000, 1_500, 2_000, 2_500, 3_000] as const;

export const providerTallySchema = z.object({
  /** Calls the cascade made to the provider (one per property that reached it in the cascade). */
  asked: count,
  /** Calls answered with a value. */
  answered: count,
  /** Calls answered "no value for this property" (a no-hit). */
  noValue: count,
  /** Calls that failed otherwise, after retries (timeouts, 5xx, rate limits, refused requests). */
  failed: count,
  /** Answers whose FSD was at or under the cascade's acceptance limit (maxFsd): the value was used. */
  withinMaxFsd: count,
  /** Sum of the answers' FSD, in basis points (800 = 8%). */
  fsdSumBp: count,
  /** Answers per FSD band (FSD_BAND_EDGES_BP, then above the last edge). */
  fsdBands: z.array(count),
});
export type ProviderTally = z.infer<typeof providerTallySchema>;

/** provider name -> tally. */
export const providerTalliesSchema = z.record(z.string(), providerTallySchema);
export type ProviderTallies = z.infer<typeof providerTalliesSchema>;

const noAnswers = (): ProviderTally => ({
  asked: 0,
  answered: 0,
  noValue: 0,
  failed: 0,
  withinMaxFsd: 0,
  fsdSumBp: 0,
  fsdBands: FSD_BAND_EDGES_BP.map(() => 0).concat(0),
});

function addTallies(a: ProviderTally, b: ProviderTally): ProviderTally {
  return {
    asked: a.asked + b.asked,
    answered: a.answered + b.answered,
    noValue: a.noValue + b.noValue,
    failed: a.failed + b.failed,
    withinMaxFsd: a.withinMaxFsd + b.withinMaxFsd,
    fsdSumBp: a.fsdSumBp + b.fsdSumBp,
    fsdBands: a.fsdBands.map((n, i) => n + (b.fsdBands[i] ?? 0)),
  };
}

/** Adds `source` into `target` (mutating `target` only). */
export function addProviderTalliesInto(target: ProviderTallies, source: ProviderTallies): void {
  addKeyedInto(target, source, noAnswers(), addTallies);
}

/** The band index of an FSD (a fraction): the first edge it is at or under, else the last band. */
export function fsdBandOf(fsd: number): number {
  const bp = toUnits(fsd, BASIS_POINTS);
  const index = FSD_BAND_EDGES_BP.findIndex((edge) => bp <= edge);
  return index === -1 ? FSD_BAND_EDGES_BP.length : index;
}

/**
 * Counts the cascade of one valuation into `tallies` (mutating it). Only a cascade that ran in this job
 * counts (source 'avm'): a value replayed from the cache or a stored result asked nobody. The cascade stops
 * at the first answer within maxFsd, so the answer within the limit is the accepted one.
 */
export function tallyCascade(tallies: ProviderTallies, valuation: ValuationResult): void {
  if (valuation.source !== 'avm') return;
  for (const attempt of valuation.cascade) {
    const t = (tallies[attempt.provider] = own(tallies, attempt.provider) ?? noAnswers());
    t.asked += 1;
    if (attempt.fsd !== undefined) {
      t.answered += 1;
      t.fsdSumBp += toUnits(attempt.fsd, BASIS_POINTS);
      t.fsdBands[fsdBandOf(attempt.fsd)]! += 1;
      if (valuation.withinMaxFsd && valuation.provider === attempt.provider) t.withinMaxFsd += 1;
    } else if (attempt.error === 'no_value') t.noValue += 1;
    else t.failed += 1;
  }
}

const maybe = z.number().nullable();

export const providerPerformanceSchema = z.object({
  provider: z.string(),
  asked: count,
  answered: count,
  noValue: count,
  failed: count,
  /** answered / asked: the share of properties asked for which the model returned a value (null: never asked). */
  hitRate: maybe,
  withinMaxFsd: count,
  /** withinMaxFsd / answered: the share of its values confident enough to be accepted. */
  acceptedShare: maybe,
  /** withinMaxFsd / asked: the usable hit rate (a value, and a confident one). */
  usableHitRate: maybe,
  /** Mean FSD of its answers (exact to the basis point). */
  meanFsd: maybe,
  /** FSD distribution: answers per band, `upTo` the band's inclusive upper edge (null: above the last edge). */
  fsdBands: z.array(z.object({ upTo: z.number().nullable(), count })),
});
export type ProviderPerformance = z.infer<typeof providerPerformanceSchema>;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Per-provider figures, in provider-name order. */
export function providerPerformance(tallies: ProviderTallies): ProviderPerformance[] {
  return Object.keys(tallies)
    .sort()
    .map((provider) => {
      const t = tallies[provider]!;
      return {
        provider,
        asked: t.asked,
        answered: t.answered,
        noValue: t.noValue,
        failed: t.failed,
        hitRate: ratio(t.answered, t.asked),
        withinMaxFsd: t.withinMaxFsd,
        acceptedShare: ratio(t.withinMaxFsd, t.answered),
        usableHitRate: ratio(t.withinMaxFsd, t.asked),
        meanFsd: t.answered > 0 ? t.fsdSumBp / t.answered / BASIS_POINTS : null,
        fsdBands: t.fsdBands.map((n, i) => {
          const edge = FSD_BAND_EDGES_BP[i];
          return { upTo: edge === undefined ? null : edge / BASIS_POINTS, count: n };
        }),
      };
    });
}
