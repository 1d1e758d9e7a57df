import { describe, expect, it } from 'vitest';
import { referenceMarketValue } from '../../../src/domain/price-levels.ts';
import { createSimulatedAvm, createSimulatedFraudReview } from '../../../src/providers/simulator.ts';
import { simulateAvmQuote } from '../../../src/providers/simulated-quotes.ts';
import { subject } from './subjects.ts';

const fixedClock = () => '2025-01-01T00:00:00.000Z';

describe('simulated AVM', () => {
  it('answers the same quote for the same provider and property', async () => {
    const a = createSimulatedAvm('avm-primary', { valuedAt: fixedClock });
    const b = createSimulatedAvm('avm-primary', { valuedAt: fixedClock });
    expect(await a.value(subject('P-1'))).toEqual(await b.value(subject('P-1')));
  });

  it('stays within 3% of the reference value, rounded to hundreds, with a consistent range', () => {
    for (let i = 0; i < 500; i++) {
      const s = subject(`P-${i}`);
      const quote = simulateAvmQuote('avm-primary', s, fixedClock());
      const reference = referenceMarketValue(s);
      expect(quote.estimatedValue % 100).toBe(0);
      expect(Math.abs(quote.estimatedValue / reference - 1)).toBeLessThanOrEqual(0.031);
      expect(quote.lowValue).toBe(Math.round(quote.estimatedValue * (1 - quote.fsd)));
      expect(quote.highValue).toBe(Math.round(quote.estimatedValue * (1 + quote.fsd)));
    }
  });

  it('spreads FSD so that some answers are too uncertain, differently per provider', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `PROP-${i}`);
    const fsds = (provider: string) => ids.map((id) => simulateAvmQuote(provider, subject(id), fixedClock()).fsd);
    const primary = fsds('avm-primary');
    const secondary = fsds('avm-secondary');
    const share = (values: number[], over: number) => values.filter((f) => f > over).length / values.length;
    for (const values of [primary, secondary]) {
      expect(share(values, 0.13)).toBeGreaterThan(0.1);
      expect(share(values, 0.13)).toBeLessThan(0.4);
      expect(share(values, 0.2)).toBeGreaterThan(0.01);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0.03);
    }
    const same = primary.filter((f, i) => f === secondary[i]).length;
    expect(same).toBeLessThan(ids.length / 10);
  });

  it('rejects when the signal is already aborted', async () => {
    const avm = createSimulatedAvm('avm-primary');
    await expect(avm.value(subject('P-1'), { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});

describe('simulated fraud review', () => {
  const request = (propertyId: string, rulesScore: number) => ({
    propertyId,
    state: 'TX' as const,
    zip: '78701',
    propertyType: 'SFR' as const,
    rulesScore,
    flags: [{ code: 'APPRAISAL_ABOVE_AVM', points: 30, detail: 'appraisal 25% above AVM' }],
  });

  it('is deterministic, within 15 points of the rules score, with the verdict its score implies', async () => {
    const reviewer = createSimulatedFraudReview();
    for (let i = 0; i < 300; i++) {
      const rulesScore = i % 101;
      const review = await reviewer.review(request(`P-${i}`, rulesScore));
      expect(review).toEqual(await reviewer.review(request(`P-${i}`, rulesScore)));
      expect(Math.abs(review.riskScore - rulesScore)).toBeLessThanOrEqual(15);
      expect(review.riskScore).toBeGreaterThanOrEqual(0);
      expect(review.riskScore).toBeLessThanOrEqual(100);
      const expected = review.riskScore >= 70 ? 'refer' : review.riskScore >= 40 ? 'review' : 'clear';
      expect(review.verdict).toBe(expected);
      expect(review.summary).toContain('APPRAISAL_ABOVE_AVM');
    }
  });
});
