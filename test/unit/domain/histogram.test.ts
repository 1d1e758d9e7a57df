import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FRAUD_SCORE_BINS,
  LTV_BINS,
  VALUE_CHANGE_BINS,
  coarseDistribution,
  emptyHistogram,
  histogramTotal,
  mergeHistograms,
  quantile,
  tallyHistogram,
  toUnits,
  type Histogram,
  type HistogramSpec,
} from '../../../src/domain/histogram.ts';

function histogramOf(spec: HistogramSpec, values: readonly number[]): Histogram {
  const h = emptyHistogram();
  for (const v of values) tallyHistogram(h, spec, v);
  return h;
}

describe('bin definitions', () => {
  it('have a whole number of bins at the documented resolutions', () => {
    const bins = (s: HistogramSpec) => (s.upperUnits - s.lowerUnits) / s.binWidthUnits;
    expect(bins(VALUE_CHANGE_BINS)).toBe(400); // -100%..+100% in 0.5% steps
    expect(bins(LTV_BINS)).toBe(400); // 0..200% in 0.5% steps
    expect(bins(FRAUD_SCORE_BINS)).toBe(100); // 0..100 in 1-point steps
    expect(VALUE_CHANGE_BINS.binWidthUnits / VALUE_CHANGE_BINS.unitsPerValue).toBe(0.005);
    expect(FRAUD_SCORE_BINS.binWidthUnits / FRAUD_SCORE_BINS.unitsPerValue).toBe(1);
  });
});

describe('toUnits', () => {
  it('rounds half away from zero, symmetrically, and never yields -0', () => {
    expect(toUnits(0.12345, 10_000)).toBe(1235);
    expect(toUnits(-0.12345, 10_000)).toBe(-1235);
    expect(toUnits(0.6, 10_000)).toBe(6000);
    expect(Object.is(toUnits(-0.00001, 10_000), 0)).toBe(true);
  });
});

describe('tallyHistogram', () => {
  it('puts values on bin edges into the bin that starts there', () => {
    const h = histogramOf(LTV_BINS, [0, 0.6, 0.8, 0.9, 0.6049]);
    expect(h.bins).toEqual({ '0': 1, '120': 2, '160': 1, '180': 1 });
  });

  it('counts the upper edge in the last bin, and beyond the range as under/overflow', () => {
    const h = histogramOf(FRAUD_SCORE_BINS, [100, 99.99, -1, 100.5]);
    expect(h).toEqual({ bins: { '99': 2 }, under: 1, over: 1 });
    const change = histogramOf(VALUE_CHANGE_BINS, [-1, 1, 1.01]);
    expect(change).toEqual({ bins: { '0': 1, '399': 1 }, under: 0, over: 1 });
  });
});

describe('mergeHistograms', () => {
  it('adds counts bin by bin, including under- and overflow', () => {
    const a = histogramOf(LTV_BINS, [0.5, 0.5, 3]);
    const b = histogramOf(LTV_BINS, [0.5, 0.75, -0.1]);
    expect(mergeHistograms(a, b)).toEqual({ bins: { '100': 3, '150': 1 }, under: 1, over: 1 });
  });

  it('equals the histogram of all values, whatever the split', () => {
    const values = fc.array(fc.double({ min: -0.2, max: 2.5, noNaN: true }), { maxLength: 50 });
    fc.assert(
      fc.property(values, values, (a, b) => {
        expect(mergeHistograms(histogramOf(LTV_BINS, a), histogramOf(LTV_BINS, b))).toStrictEqual(
          histogramOf(LTV_BINS, [...a, ...b]),
        );
      }),
    );
  });
});

describe('quantile', () => {
  // Ten fraud scores, one in each of the 1-point bins starting at 10, 20, ..., 90 and 99.
  const tens = histogramOf(FRAUD_SCORE_BINS, [10, 20.5, 30.5, 40.5, 50.5, 60.5, 70.5, 80.5, 90.5, 99.5]);

  it('interpolates linearly inside the bin holding the rank', () => {
    expect(histogramTotal(tens)).toBe(10);
    // p = 0.5: rank 5 ends bin 50 (the 5th value) -> its upper edge, 51.
    expect(quantile(tens, FRAUD_SCORE_BINS, 0.5)).toBe(51);
    // p = 0.45: rank 4.5 is halfway through the 5th value's bin [50, 51).
    expect(quantile(tens, FRAUD_SCORE_BINS, 0.45)).toBeCloseTo(50.5, 10);
    expect(quantile(tens, FRAUD_SCORE_BINS, 0)).toBe(10);
    expect(quantile(tens, FRAUD_SCORE_BINS, 1)).toBe(100);
  });

  it('finds the median of a uniform spread of value changes to within one bin', () => {
    // -10%, -9.5%, ..., +10%: 41 values, median 0.
    const values = Array.from({ length: 41 }, (_, i) => -0.1 + i * 0.005);
    const h = histogramOf(VALUE_CHANGE_BINS, values);
    expect(Math.abs((quantile(h, VALUE_CHANGE_BINS, 0.5) ?? NaN) - 0)).toBeLessThanOrEqual(0.005);
    expect(Math.abs((quantile(h, VALUE_CHANGE_BINS, 0.1) ?? NaN) - -0.08)).toBeLessThanOrEqual(0.005);
    expect(Math.abs((quantile(h, VALUE_CHANGE_BINS, 0.9) ?? NaN) - 0.08)).toBeLessThanOrEqual(0.005);
  });

  it('returns the range edges for ranks in the under- or overflow', () => {
    const h = histogramOf(LTV_BINS, [-0.5, 0.5, 2.5, 3]);
    expect(quantile(h, LTV_BINS, 0.1)).toBe(0);
    expect(quantile(h, LTV_BINS, 0.9)).toBe(2);
  });

  it('is null for an empty histogram and rejects p outside [0, 1]', () => {
    expect(quantile(emptyHistogram(), LTV_BINS, 0.5)).toBeNull();
    expect(() => quantile(tens, FRAUD_SCORE_BINS, 1.1)).toThrow(RangeError);
    expect(() => quantile(tens, FRAUD_SCORE_BINS, Number.NaN)).toThrow(RangeError);
  });

  it('is monotone in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.5, max: 2.5, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p, q) => {
          const h = histogramOf(LTV_BINS, values);
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          expect(quantile(h, LTV_BINS, lo) ?? NaN).toBeLessThanOrEqual(quantile(h, LTV_BINS, hi) ?? NaN);
        },
      ),
    );
  });
});

describe('coarseDistribution', () => {
  const wide = { fromUnits: -5_000, toUnits: 5_000, widthUnits: 500 };

  it('regroups fine bins into wide ones exactly, edges included, and sends the rest to under/over', () => {
    // -50% is the first wide bin's lower edge; -50.5% falls below it; +49.9% is in the last bin; +50% is over.
    const h = histogramOf(VALUE_CHANGE_BINS, [-1.5, -0.505, -0.5, -0.001, 0, 0.049, 0.05, 0.499, 0.5, 2]);
    const d = coarseDistribution(h, VALUE_CHANGE_BINS, wide);
    expect(d.bins).toHaveLength(20);
    expect(d.bins[0]).toEqual({ from: -0.5, to: -0.45, count: 1 });
    expect(d.bins[9]).toEqual({ from: -0.05, to: 0, count: 1 });
    expect(d.bins[10]).toEqual({ from: 0, to: 0.05, count: 2 });
    expect(d.bins[11]?.count).toBe(1);
    expect(d.bins[19]?.count).toBe(1);
    expect(d.under).toBe(2); // -150% (underflow) and -50.5%
    expect(d.over).toBe(2); // +50% and +200% (overflow)
    expect(d.under + d.over + d.bins.reduce((n, b) => n + b.count, 0)).toBe(histogramTotal(h));
  });

  it('refuses wide edges that would split a fine bin', () => {
    expect(() =>
      coarseDistribution(emptyHistogram(), LTV_BINS, { fromUnits: 0, toUnits: 15_000, widthUnits: 75 }),
    ).toThrow(RangeError);
    expect(() =>
      coarseDistribution(emptyHistogram(), LTV_BINS, { fromUnits: 25, toUnits: 525, widthUnits: 500 }),
    ).toThrow(RangeError);
  });
});
