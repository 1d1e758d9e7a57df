import { describe, expect, it } from 'vitest';
import { componentsFor, costRatesSchema, estimateCents, estimateCost, propertyCost } from '../../../src/domain/cost.ts';

const rates = costRatesSchema.parse({});

describe('estimateCost (the seed table)', () => {
  it('prices 10,000 comprehensive properties at exactly $800.00', () => {
    expect(estimateCost(10_000, 'comprehensive', rates)).toEqual({
      properties: 10_000,
      analysisType: 'comprehensive',
      perProperty: { valuation: 0.02, fraud: 0.05, risk: 0.01 },
      components: { valuation: 200, fraud: 500, risk: 100 },
      total: 800,
    });
    expect(estimateCents(10_000, 'comprehensive', rates)).toBe(80_000);
  });

  it.each([
    ['valuation', 1, 0.02],
    ['fraud', 3, 0.15],
    ['risk', 7, 0.07],
    ['comprehensive', 3, 0.24],
    ['comprehensive', 100_000, 8_000],
  ] as const)('%s x %d = $%d, to the cent', (type, count, total) => {
    expect(estimateCost(count, type, rates).total).toBe(total);
  });

  it('is exact where floating point is not (0.07 * 3 = 0.21000000000000002)', () => {
    expect(0.07 * 3).not.toBe(0.21);
    expect(estimateCost(3, 'comprehensive', { valuation: 0.01, fraud: 0.05, risk: 0.01 }).total).toBe(0.21);
  });

  it('lists only the components of the analysis type', () => {
    expect(componentsFor('risk')).toEqual(['risk']);
    expect(estimateCost(5, 'valuation', rates).components).toEqual({ valuation: 0.1 });
  });
});

describe('propertyCost', () => {
  it('charges only paid work', () => {
    expect(propertyCost({ boughtValuation: true, aiReviewed: true, riskScored: true }, rates)).toEqual({
      valuation: 0.02,
      fraud: 0.05,
      risk: 0.01,
      total: 0.08,
    });
    expect(propertyCost({ boughtValuation: false, aiReviewed: false, riskScored: true }, rates)).toEqual({
      valuation: 0,
      fraud: 0,
      risk: 0.01,
      total: 0.01,
    });
  });
});

describe('costRatesSchema', () => {
  it('refuses fractions of a cent and negative rates', () => {
    expect(costRatesSchema.safeParse({ valuation: 0.015 }).success).toBe(false);
    expect(costRatesSchema.safeParse({ risk: -0.01 }).success).toBe(false);
    expect(costRatesSchema.parse({ fraud: 0.1 }).fraud).toBe(0.1);
  });
});
