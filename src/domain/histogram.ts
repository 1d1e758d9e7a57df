// Fixed-bin histograms: the part of a ChunkSummary that lets a merged summary answer quantile questions
// (median value change, 90th-percentile LTV) without keeping every value.
//
// Bins are fixed by constants, never derived from the data, so every summary of the same kind has the same
// bins and merging is bin-by-bin addition of integer counts (exact, associative, commutative).
// Values are first converted to integer units (basis points, hundredths of a point) so that a value lands in
// the same bin whatever floating-point noise it carries, and bin edges are exact.
import { z } from 'zod';
import { addKeyedInto } from './sparse-map.ts';

/** Basis points per unit fraction: sums of fractions (LTV, value change, inflation) are kept in basis points. */
export const BASIS_POINTS = 10_000;

export interface HistogramSpec {
  /** Integer units per natural unit: 10,000 for fractions held in basis points. */
  unitsPerValue: number;
  /** Lower edge of the first bin, in units. */
  lowerUnits: number;
  /** Upper edge of the last bin, in units; the last bin includes it (a score of exactly 100 is counted). */
  upperUnits: number;
  /** Width of every bin, in units; (upperUnits - lowerUnits) is a whole number of bins. */
  binWidthUnits: number;
}

/**
 * Relative value change (current value vs last appraisal), -100%..+100% in 0.5% bins (400 bins):
 * quantiles are exact to within half a percentage point. Changes above +100% count as overflow.
 */
export const VALUE_CHANGE_BINS: HistogramSpec = {
  unitsPerValue: BASIS_POINTS,
  lowerUnits: -10_000,
  upperUnits: 10_000,
  binWidthUnits: 50,
};

/** Loan-to-value, 0%..200% in 0.5% bins (400 bins). LTVs above 200% count as overflow. */
export const LTV_BINS: HistogramSpec = {
  unitsPerValue: BASIS_POINTS,
  lowerUnits: 0,
  upperUnits: 20_000,
  binWidthUnits: 50,
};

/** Fraud score, 0..100 in 1-point bins (100 bins), held in hundredths of a point. */
export const FRAUD_SCORE_BINS: HistogramSpec = {
  unitsPerValue: 100,
  lowerUnits: 0,
  upperUnits: 10_000,
  binWidthUnits: 100,
};

const count = z.number().int().nonnegative();

/**
 * Counts per bin, sparse: only bins that hold something appear, keyed by bin index ("0" is the first bin).
 * Integer-like keys keep ascending order in JavaScript objects, so serialisation is canonical.
 */
export const histogramSchema = z.object({
  bins: z.record(z.string().regex(/^(?:0|[1-9]\d*)$/), count),
  /** Values below the first bin's lower edge. */
  under: count,
  /** Values above the last bin's upper edge. */
  over: count,
});
export type Histogram = z.infer<typeof histogramSchema>;

export function emptyHistogram(): Histogram {
  return { bins: {}, under: 0, over: 0 };
}

/**
 * `value` in integer units (`unitsPerValue` of them per natural unit), rounded half away from zero so +x and
 * -x stay symmetric, and never -0 (which would make equal summaries compare unequal).
 */
export function toUnits(value: number, unitsPerValue: number): number {
  const magnitude = Math.round(Math.abs(value * unitsPerValue));
  return magnitude === 0 ? 0 : Math.sign(value) * magnitude;
}

function binCount(spec: HistogramSpec): number {
  return (spec.upperUnits - spec.lowerUnits) / spec.binWidthUnits;
}

/** Counts `value` into `histogram`. Mutates: meant for building a fresh summary, never for a shared one. */
export function tallyHistogram(histogram: Histogram, spec: HistogramSpec, value: number): void {
  const units = toUnits(value, spec.unitsPerValue);
  if (units < spec.lowerUnits) histogram.under += 1;
  else if (units > spec.upperUnits) histogram.over += 1;
  else {
    const index = Math.min(Math.floor((units - spec.lowerUnits) / spec.binWidthUnits), binCount(spec) - 1);
    histogram.bins[index] = (histogram.bins[index] ?? 0) + 1; // index keys: no prototype member to collide with
  }
}

const add = (x: number, y: number): number => x + y;

/** Adds `source`'s counts into `target` (mutating `target` only). */
export function addHistogramInto(target: Histogram, source: Histogram): void {
  addKeyedInto(target.bins, source.bins, 0, add);
  target.under += source.under;
  target.over += source.over;
}

/** The histogram of both inputs' values (bins are array-index keys, so the order is canonical by itself). */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  const out = emptyHistogram();
  addHistogramInto(out, a);
  addHistogramInto(out, b);
  return out;
}

export function histogramTotal(histogram: Histogram): number {
  let total = histogram.under + histogram.over;
  for (const n of Object.values(histogram.bins)) total += n;
  return total;
}

/**
 * The p-quantile (0 <= p <= 1) in natural units, or null for an empty histogram.
 * The rank p x N is located in the cumulative counts and interpolated linearly inside its bin (values are
 * assumed spread evenly across a bin), so the answer is exact to within one bin width. Ranks falling in the
 * underflow or overflow return the range's lower or upper edge: a bound, not the value.
 */
export function quantile(histogram: Histogram, spec: HistogramSpec, p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  const total = histogramTotal(histogram);
  if (total === 0) return null;
  const rank = p * total;
  let cumulative = histogram.under;
  if (histogram.under > 0 && rank <= cumulative) return spec.lowerUnits / spec.unitsPerValue;
  const occupied = Object.keys(histogram.bins)
    .map(Number)
    .sort((x, y) => x - y);
  for (const index of occupied) {
    const n = histogram.bins[index] ?? 0;
    if (rank <= cumulative + n) {
      const lower = spec.lowerUnits + index * spec.binWidthUnits;
      return (lower + ((rank - cumulative) / n) * spec.binWidthUnits) / spec.unitsPerValue;
    }
    cumulative += n;
  }
  return spec.upperUnits / spec.unitsPerValue;
}

/** A display range of wider bins over a fixed-bin histogram; edges must fall on the histogram's own bin edges. */
export interface CoarseBinsSpec {
  /** Lower edge of the first wide bin and upper edge of the last, in the histogram's units. */
  fromUnits: number;
  toUnits: number;
  /** Width of each wide bin, in units: a whole multiple of the histogram's bin width. */
  widthUnits: number;
}

export const distributionSchema = z.object({
  /** Wide bins in natural units (fractions: 0.05 = 5%): `from` inclusive, `to` exclusive (the last includes it). */
  bins: z.array(z.object({ from: z.number(), to: z.number(), count })),
  /** Values below the first wide bin (including the histogram's own underflow). */
  under: count,
  /** Values above the last wide bin (including the histogram's own overflow). */
  over: count,
});
export type Distribution = z.infer<typeof distributionSchema>;

/**
 * The histogram's counts regrouped into wide bins for a chart: exact (each fine bin lies wholly inside one
 * wide bin, so nothing is split or interpolated). Fine bins outside [fromUnits, toUnits] go to under/over.
 * Throws RangeError when the wide edges do not fall on fine-bin edges.
 */
export function coarseDistribution(histogram: Histogram, spec: HistogramSpec, wide: CoarseBinsSpec): Distribution {
  const aligned = (units: number) => (units - spec.lowerUnits) % spec.binWidthUnits === 0;
  if (
    !aligned(wide.fromUnits) ||
    !aligned(wide.toUnits) ||
    wide.widthUnits % spec.binWidthUnits !== 0 ||
    wide.toUnits <= wide.fromUnits ||
    (wide.toUnits - wide.fromUnits) % wide.widthUnits !== 0
  )
    throw new RangeError('coarseDistribution: wide bins must fall on the histogram bin edges');
  const wideCount = (wide.toUnits - wide.fromUnits) / wide.widthUnits;
  const counts = new Array<number>(wideCount).fill(0);
  let under = histogram.under;
  let over = histogram.over;
  for (const [key, n] of Object.entries(histogram.bins)) {
    const lower = spec.lowerUnits + Number(key) * spec.binWidthUnits;
    if (lower < wide.fromUnits) under += n;
    else if (lower >= wide.toUnits) over += n;
    else {
      const index = Math.floor((lower - wide.fromUnits) / wide.widthUnits);
      counts[index] = (counts[index] ?? 0) + n;
    }
  }
  return {
    bins: counts.map((n, i) => ({
      from: (wide.fromUnits + i * wide.widthUnits) / spec.unitsPerValue,
      to: (wide.fromUnits + (i + 1) * wide.widthUnits) / spec.unitsPerValue,
      count: n,
    })),
    under,
    over,
  };
}
