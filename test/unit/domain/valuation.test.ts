import { describe, expect, it } from 'vitest';
import type { AvmQuote } from '../../../src/domain/results.ts';
import {
  appraisalBasis,
  changeVsAppraisal,
  chooseQuote,
  quoteBasis,
  valuationOptionsSchema,
  valuationResultFor,
  valueBandFor,
} from '../../../src/domain/valuation.ts';

const quote = (provider: string, fsd: number, estimatedValue = 400_000): AvmQuote => ({
  provider,
  fsd,
  estimatedValue,
  valuedAt: '2026-11-01T00:00:00.000Z',
});
const options = valuationOptionsSchema.parse({});

describe('chooseQuote (the cascade rule)', () => {
  it('takes the first quote at or under maxFsd, in cascade order', () => {
    const choice = chooseQuote([quote('a', 0.2), quote('b', 0.13), quote('c', 0.05)], 0.13);
    expect(choice).toEqual({ quote: quote('b', 0.13), withinMaxFsd: true });
  });

  it('keeps the most confident quote when none qualifies, the earliest on ties', () => {
    expect(chooseQuote([quote('a', 0.25), quote('b', 0.18), quote('c', 0.18)], 0.13)).toEqual({
      quote: quote('b', 0.18),
      withinMaxFsd: false,
    });
  });

  it('has nothing to choose from an empty list', () => {
    expect(chooseQuote([], 0.13)).toBeUndefined();
  });
});

describe('valueBandFor (the seed bands)', () => {
  it.each([
    [199_999.99, 'under-200k'],
    [200_000, '200k-500k'],
    [499_999, '200k-500k'],
    [500_000, '500k-1m'],
    [999_999, '500k-1m'],
    [1_000_000, 'over-1m'],
  ])('%d is %s', (value, band) => expect(valueBandFor(value)).toBe(band));
});

describe('changeVsAppraisal', () => {
  it('gives the change as an amount and a fraction of the appraisal', () => {
    expect(changeVsAppraisal(330_000, 300_000, 0.1)).toEqual({
      changeAmount: 30_000,
      changePct: 0.1,
      significantChange: true,
    });
    expect(changeVsAppraisal(270_500, 300_000, 0.1)).toMatchObject({ changeAmount: -29_500, significantChange: false });
  });

  it('treats exactly the threshold as significant in both directions, despite float rounding', () => {
    // (3.3 - 3) / 3 is 0.09999999999999995 in floating point: still a 10% change.
    expect((3.3 - 3) / 3).toBeLessThan(0.1);
    expect(changeVsAppraisal(3.3, 3, 0.1).significantChange).toBe(true);
    expect(changeVsAppraisal(90_000, 100_000, 0.1).significantChange).toBe(true);
    expect(changeVsAppraisal(90_001, 100_000, 0.1).significantChange).toBe(false);
  });
});

describe('valuationResultFor', () => {
  const asOf = new Date('2026-11-01T12:00:00Z');

  it('reports a bought AVM value against the last appraisal', () => {
    const basis = quoteBasis({ quote: quote('avm-primary', 0.08, 450_000), withinMaxFsd: true }, 'avm', [
      { provider: 'avm-primary', fsd: 0.08 },
    ]);
    expect(valuationResultFor({ lastAppraisedValue: 500_000 }, basis, options, asOf)).toEqual({
      source: 'avm',
      provider: 'avm-primary',
      estimatedValue: 450_000,
      fsd: 0.08,
      withinMaxFsd: true,
      cascade: [{ provider: 'avm-primary', fsd: 0.08 }],
      valuedAt: '2026-11-01T00:00:00.000Z',
      lastAppraisedValue: 500_000,
      changeAmount: -50_000,
      changePct: -0.1,
      significantChange: true,
      valueBand: '200k-500k',
    });
  });

  it('has no change without a last appraisal', () => {
    const basis = quoteBasis({ quote: quote('avm-primary', 0.08), withinMaxFsd: true }, 'cache');
    const result = valuationResultFor({}, basis, options, asOf);
    expect(result).not.toHaveProperty('changePct');
    expect(result.significantChange).toBe(false);
    expect(result.source).toBe('cache');
  });

  it('does not compare an appraisal basis with itself', () => {
    const basis = appraisalBasis({ lastAppraisedValue: 610_000, lastAppraisalDate: '2025-03-01' });
    expect(basis).toBeDefined();
    const result = valuationResultFor(
      { lastAppraisedValue: 610_000, lastAppraisalDate: '2026-03-01' },
      basis!,
      options,
      asOf,
    );
    expect(result).toMatchObject({
      source: 'appraisal',
      estimatedValue: 610_000,
      valuedAt: '2025-03-01',
      withinMaxFsd: false,
      significantChange: false,
      valueBand: '500k-1m',
    });
    expect(result).not.toHaveProperty('changePct');
    expect(result).not.toHaveProperty('fsd');
    expect(result).not.toHaveProperty('benchmark'); // an appraisal is no test of an AVM
  });

  it('checks an AVM value against its benchmark, on whole cents', () => {
    const basis = quoteBasis({ quote: quote('avm-primary', 0.08, 462_000), withinMaxFsd: true }, 'avm');
    const property = { sales: [{ date: '2026-05-20', price: 420_000 }], lastAppraisedValue: 500_000 };
    expect(valuationResultFor(property, basis, options, asOf).benchmark).toEqual({
      kind: 'sale',
      date: '2026-05-20',
      value: 420_000,
      errorPct: 0.1, // (462,000 - 420,000) / 420,000
    });
  });

  it('has no appraisal basis without both the value and the date', () => {
    expect(appraisalBasis({ lastAppraisedValue: 610_000 })).toBeUndefined();
  });
});
