// Appraiser performance across a portfolio: a per-appraiser monoid inside the ChunkSummary (counts and
// integer sums, merged exactly), and the judgement made once on the merged whole, because "unusual" is
// relative to every other appraiser in the portfolio.
import { z } from 'zod';
import type { AppraisalCheck } from './results.ts';
import { BASIS_POINTS, toUnits } from './histogram.ts';
import { addKeyedInto, own } from './sparse-map.ts';

const count = z.number().int().nonnegative();

/**
 * appraiserId -> [appraisals, flagged, inflationCount, inflationSumBp]:
 * appraisals seen; of them, flagged by a fraud rule; of them, with an AVM value to compare against; and the
 * sum of their inflation (appraised value vs AVM value) in basis points (1,250 = appraised 12.5% above AVM).
 * A tuple, not an object: a portfolio may have thousands of appraisers and the summary travels in history.
 */
export const appraiserStatsSchema = z.record(z.string(), z.tuple([count, count, count, z.number().int()]));
export type AppraiserStats = z.infer<typeof appraiserStatsSchema>;

type AppraiserSums = AppraiserStats[string];
const NO_APPRAISALS: AppraiserSums = [0, 0, 0, 0];
const addSums = ([x0, x1, x2, x3]: AppraiserSums, [y0, y1, y2, y3]: AppraiserSums): AppraiserSums => [
  x0 + y0,
  x1 + y1,
  x2 + y2,
  x3 + y3,
];

/** Counts one appraisal into `stats`. Mutates: meant for building a fresh summary. */
export function tallyAppraisal(stats: AppraiserStats, check: AppraisalCheck): void {
  const [appraisals, flagged, inflationCount, inflationSumBp] = own(stats, check.appraiserId) ?? NO_APPRAISALS;
  const inflationBp = check.inflationPct === undefined ? undefined : toUnits(check.inflationPct, BASIS_POINTS);
  stats[check.appraiserId] = [
    appraisals + 1,
    flagged + (check.flagged ? 1 : 0),
    inflationCount + (inflationBp === undefined ? 0 : 1),
    inflationSumBp + (inflationBp ?? 0),
  ];
}

/** Adds `source` into `target` (mutating `target` only); exact, being integer sums. */
export function addAppraiserStatsInto(target: AppraiserStats, source: AppraiserStats): void {
  addKeyedInto(target, source, NO_APPRAISALS, addSums);
}

export const appraiserOptionsSchema = z.object({
  /** Appraisals an appraiser needs before being judged at all: two appraisals are an anecdote. */
  minAppraisals: z.number().int().min(1).default(3),
  /** Mean inflation vs AVM above which an appraiser is an outlier (0.10 = appraises 10% above AVM on average). */
  meanInflationPct: z.number().default(0.1),
  /** Share of an appraiser's appraisals flagged by fraud rules above which the appraiser is an outlier. */
  flagRate: z.number().min(0).max(1).default(0.3),
  /**
   * Peer rule: an outlier when the mean inflation is more than this many standard deviations above the mean
   * of the other judged appraisers (leave-one-out, so a single extreme appraiser cannot hide by inflating
   * the spread it is measured against).
   */
  peerStdDevs: z.number().positive().default(2),
  /** The peer rule needs at least this many other judged appraisers; with fewer, spread means nothing. */
  peerMinAppraisers: z.number().int().min(2).default(5),
  /**
   * ...and the excess over the peers' mean must be at least this much, so that in a tightly agreeing
   * portfolio (spread near zero) a fraction of a percent does not make an outlier.
   */
  peerMinExcessPct: z.number().min(0).default(0.05),
});

export const APPRAISER_OUTLIER_REASONS = ['HIGH_MEAN_INFLATION', 'HIGH_FLAG_RATE', 'INFLATION_ABOVE_PEERS'] as const;

export const appraiserPerformanceSchema = z.object({
  appraiserId: z.string(),
  appraisals: count,
  flagged: count,
  /** Appraisals recent enough to compare with the current AVM value (fraud option recentAppraisalMonths). */
  comparedAppraisals: count,
  /** Mean of (appraised value - AVM value) / AVM value over appraisals with an AVM value; null without any. */
  meanInflationPct: z.number().nullable(),
  /** flagged / appraisals. */
  flagRate: z.number(),
  /** False for appraisers with fewer than minAppraisals appraisals: they are listed but not judged. */
  judged: z.boolean(),
  outlier: z.boolean(),
  reasons: z.array(z.enum(APPRAISER_OUTLIER_REASONS)),
});
export type AppraiserPerformance = z.infer<typeof appraiserPerformanceSchema>;

/**
 * Lower end of the 95% Wilson score interval of a proportion. A flag rate is judged on it, not on the raw
 * share: 1 flagged appraisal of 3 is 33% but says little, while 30 of 90 says a lot.
 */
export function wilsonLowerBound(successes: number, trials: number, z = 1.96): number {
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - margin) / (1 + z2 / trials));
}

function worstFirst(a: AppraiserPerformance, b: AppraiserPerformance): number {
  if (a.outlier !== b.outlier) return a.outlier ? -1 : 1;
  if (a.meanInflationPct !== b.meanInflationPct) {
    if (a.meanInflationPct === null) return 1;
    if (b.meanInflationPct === null) return -1;
    return b.meanInflationPct - a.meanInflationPct;
  }
  if (a.flagRate !== b.flagRate) return b.flagRate - a.flagRate;
  return a.appraiserId < b.appraiserId ? -1 : a.appraiserId > b.appraiserId ? 1 : 0;
}

/**
 * Every appraiser's figures and verdict, worst first: outliers before the rest, then by mean inflation
 * (highest first, unknown last), flag rate, and appraiser id for a stable order.
 * Rules (each strict: a value exactly at its threshold passes), applied only to judged appraisers, and the
 * inflation rules only to those with at least minAppraisals appraisals compared with an AVM value:
 * HIGH_MEAN_INFLATION: meanInflationPct > options.meanInflationPct;
 * HIGH_FLAG_RATE: the 95% Wilson lower bound of flagged / appraisals > options.flagRate (confidently above it);
 * INFLATION_ABOVE_PEERS: among judged appraisers with a mean inflation, and with at least peerMinAppraisers
 *   others, meanInflationPct > peersMean + peerStdDevs x peersStdDev (population standard deviation of the
 *   others' means, each appraiser weighing one) and meanInflationPct - peersMean >= peerMinExcessPct.
 */
export function appraiserPerformance(
  stats: AppraiserStats,
  options?: z.input<typeof appraiserOptionsSchema>,
): AppraiserPerformance[] {
  const o = appraiserOptionsSchema.parse(options ?? {});
  const rows = Object.entries(stats).map(([appraiserId, [appraisals, flagged, inflationCount, inflationSumBp]]) => ({
    appraiserId,
    appraisals,
    flagged,
    comparedAppraisals: inflationCount,
    meanInflationPct: inflationCount > 0 ? inflationSumBp / inflationCount / BASIS_POINTS : null,
    flagRate: appraisals > 0 ? flagged / appraisals : 0,
    judged: appraisals >= o.minAppraisals,
    // A mean of one or two comparisons is an anecdote too: inflation rules need minAppraisals of them.
    inflationJudged: inflationCount >= o.minAppraisals,
  }));

  const peerMeans = rows.flatMap((r) => (r.inflationJudged && r.meanInflationPct !== null ? [r.meanInflationPct] : []));
  let sum = 0;
  let sumOfSquares = 0;
  for (const m of peerMeans) {
    sum += m;
    sumOfSquares += m * m;
  }
  const abovePeers = (mean: number): boolean => {
    const n = peerMeans.length - 1;
    if (n < o.peerMinAppraisers) return false;
    const peersMean = (sum - mean) / n;
    const peersStdDev = Math.sqrt(Math.max(0, (sumOfSquares - mean * mean) / n - peersMean * peersMean));
    return mean > peersMean + o.peerStdDevs * peersStdDev && mean - peersMean >= o.peerMinExcessPct;
  };

  const verdicts = rows.map((r): AppraiserPerformance => {
    const { inflationJudged, ...row } = r;
    const reasons: AppraiserPerformance['reasons'] = [];
    const mean = inflationJudged ? r.meanInflationPct : null;
    if (mean !== null && mean > o.meanInflationPct) reasons.push('HIGH_MEAN_INFLATION');
    if (r.judged && wilsonLowerBound(r.flagged, r.appraisals) > o.flagRate) reasons.push('HIGH_FLAG_RATE');
    if (mean !== null && abovePeers(mean)) reasons.push('INFLATION_ABOVE_PEERS');
    return { ...row, outlier: reasons.length > 0, reasons };
  });
  return verdicts.sort(worstFirst);
}
