// AVM accuracy against benchmarks (DESIGN §4 "AVM performance"). The Interagency Appraisal and Evaluation
// Guidelines (December 2010, Appendix B) expect a lender to validate the AVMs it relies on against market
// evidence; the market's own answer is an arm's-length sale price, and a recent appraisal is the next best
// evidence. The metrics are the AVM industry's standard ones (for example Clear Capital's and AVMetrics'
// glossaries), computed exactly, never from bins:
//   error            e = (AVM value - benchmark) / benchmark (0.05: the AVM value is 5% above);
//   MdAPE            the median of |e| (median absolute percentage error: typical size of a miss);
//   PPE10, PPE20     the share of properties with |e| <= 10% and <= 20% (percentage predicted within);
//   median error     the median of e (signed: the model's bias, above 0 when it values high).
// A median over an even count is the mean of the two middle values. This is not a blind test: a vendor may
// have seen the sale or appraisal before valuing the property, so the figures are a best case.
import { z } from 'zod';
import { addMonths, isoDay } from './dates.ts';
import { compareStrings } from './order.ts';
import type { BenchmarkKind } from './results.ts';
import type { Property } from './schemas.ts';
import type { SnapshotRecord } from './snapshot.ts';

/** Benchmarks older than this many months before the analysis date are not used. */
export const BENCHMARK_WINDOW_MONTHS = 12;

export interface BenchmarkChoice {
  kind: BenchmarkKind;
  /** YYYY-MM-DD. */
  date: string;
  /** Dollars. */
  value: number;
}

/**
 * The property's benchmark as of `asOf`: its most recent sale in the `windowMonths` before the analysis date
 * that is not marked `saleType: 'non-arms-length'` (an unmarked sale is taken as arm's length), else its most
 * recent appraisal in that window (from `appraisals` and `lastAppraisedValue`/`lastAppraisalDate`). On a
 * date tie the later-listed entry wins. Undefined when nothing falls in the window.
 */
export function benchmarkFor(
  property: Pick<Property, 'sales' | 'appraisals' | 'lastAppraisedValue' | 'lastAppraisalDate'>,
  asOf: Date,
  windowMonths = BENCHMARK_WINDOW_MONTHS,
): BenchmarkChoice | undefined {
  const today = isoDay(asOf);
  const from = addMonths(today, -windowMonths);
  const latest = (entries: readonly { date: string; value: number }[]) => {
    let best: { date: string; value: number } | undefined;
    for (const e of entries) if (e.date >= from && e.date <= today && (!best || e.date >= best.date)) best = e;
    return best;
  };
  const sale = latest(
    (property.sales ?? [])
      .filter((s) => s.saleType !== 'non-arms-length')
      .map((s) => ({ date: s.date, value: s.price })),
  );
  if (sale) return { kind: 'sale', ...sale };
  const appraisals = (property.appraisals ?? []).map((a) => ({ date: a.effectiveDate, value: a.appraisedValue }));
  if (property.lastAppraisedValue !== undefined && property.lastAppraisalDate !== undefined)
    appraisals.push({ date: property.lastAppraisalDate, value: property.lastAppraisedValue });
  const appraisal = latest(appraisals);
  return appraisal && { kind: 'appraisal', ...appraisal };
}

const count = z.number().int().nonnegative();
const maybe = z.number().nullable();

export const accuracySchema = z.object({
  /** Properties with an AVM value and a benchmark of this kind. */
  properties: count,
  /** Median of |AVM - benchmark| / benchmark; exact. */
  mdape: maybe,
  /** Share with |error| <= 10%, decided on whole cents (|AVM - benchmark| x 10 <= benchmark). */
  ppe10: maybe,
  /** Share with |error| <= 20%. */
  ppe20: maybe,
  /** Median of the signed error (AVM - benchmark) / benchmark: the bias; exact. */
  medianError: maybe,
});
export type Accuracy = z.infer<typeof accuracySchema>;

/** Errors of one population, kept as numbers in a growing Float64Array: 8 bytes a property. */
export class AccuracyTally {
  #errors = new Float64Array(1_024);
  #count = 0;
  #within10 = 0;
  #within20 = 0;

  /** Adds one property: its AVM value and its benchmark, in whole cents (benchmark > 0). */
  add(valueCents: number, benchmarkCents: number): void {
    const miss = Math.abs(valueCents - benchmarkCents);
    if (miss * 10 <= benchmarkCents) this.#within10 += 1;
    if (miss * 5 <= benchmarkCents) this.#within20 += 1;
    if (this.#count === this.#errors.length) {
      const grown = new Float64Array(this.#errors.length * 2);
      grown.set(this.#errors);
      this.#errors = grown;
    }
    this.#errors[this.#count++] = (valueCents - benchmarkCents) / benchmarkCents;
  }

  result(): Accuracy {
    const n = this.#count;
    if (n === 0) return { properties: 0, mdape: null, ppe10: null, ppe20: null, medianError: null };
    const signed = this.#errors.slice(0, n).sort();
    const absolute = signed.map(Math.abs).sort();
    return {
      properties: n,
      mdape: median(absolute),
      ppe10: this.#within10 / n,
      ppe20: this.#within20 / n,
      medianError: median(signed),
    };
  }
}

/** Median of a sorted, non-empty array: the middle value, or the mean of the two middle values. */
function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const providerAccuracySchema = accuracySchema.extend({ provider: z.string() });

const byBenchmarkSchema = z.object({
  /** Every AVM value with a benchmark of this kind. */
  overall: accuracySchema,
  /** The same per AVM provider (the provider whose value was used), in provider-name order. */
  byProvider: z.array(providerAccuracySchema),
});

export const avmAccuracySchema = z.object({
  /** Benchmarks are dated within this many months before the analysis date. */
  windowMonths: z.number().int(),
  /** Against arm's-length sale prices: the market's own answer. */
  sale: byBenchmarkSchema,
  /** Against appraised values, for properties without such a sale. */
  appraisal: byBenchmarkSchema,
});
export type AvmAccuracy = z.infer<typeof avmAccuracySchema>;

/** Accuracy per benchmark kind, overall and per provider, one snapshot record at a time. */
export class AvmAccuracyTally {
  readonly #overall: Record<BenchmarkKind, AccuracyTally> = {
    sale: new AccuracyTally(),
    appraisal: new AccuracyTally(),
  };
  readonly #byProvider: Record<BenchmarkKind, Map<string, AccuracyTally>> = { sale: new Map(), appraisal: new Map() };

  /** Counts a property with an AVM value (`provider`) and a benchmark; anything else is ignored. */
  add(record: Pick<SnapshotRecord, 'failed' | 'value' | 'provider' | 'benchmark'>): void {
    const { value, provider, benchmark } = record;
    if (record.failed !== undefined || value === undefined || provider === undefined || !benchmark) return;
    const [kind, benchmarkCents] = benchmark;
    if (benchmarkCents <= 0) return;
    this.#overall[kind].add(value, benchmarkCents);
    const tallies = this.#byProvider[kind];
    let tally = tallies.get(provider);
    if (!tally) tallies.set(provider, (tally = new AccuracyTally()));
    tally.add(value, benchmarkCents);
  }

  result(): AvmAccuracy {
    const of = (kind: BenchmarkKind) => ({
      overall: this.#overall[kind].result(),
      byProvider: [...this.#byProvider[kind].entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([provider, tally]) => ({ provider, ...tally.result() })),
    });
    return { windowMonths: BENCHMARK_WINDOW_MONTHS, sale: of('sale'), appraisal: of('appraisal') };
  }
}
