import { describe, expect, it } from 'vitest';
import {
  avmPriceCents,
  componentsFor,
  costRatesSchema,
  estimateCents,
  estimateCost,
  largestCallCents,
  priceTable,
  propertyCost,
  worstCaseCentsPerProperty,
} from '../../../src/domain/cost.ts';
import type { Purchase } from '../../../src/domain/results.ts';

const CASCADE = ['avm-primary', 'avm-secondary'];
const table = priceTable(costRatesSchema.parse({}), CASCADE);

describe('priceTable', () => {
  it('prices each provider of the cascade, at COST_VALUATION unless AVM_PRICES names it', () => {
    expect(table).toEqual({
      avm: [
        { provider: 'avm-primary', cents: 2 },
        { provider: 'avm-secondary', cents: 2 },
      ],
      review: 5,
      risk: 1,
    });
    const own = priceTable(costRatesSchema.parse({ avmPrices: ['avm-secondary=0.03'] }), CASCADE);
    expect(own.avm).toEqual([
      { provider: 'avm-primary', cents: 2 },
      { provider: 'avm-secondary', cents: 3 },
    ]);
    expect(avmPriceCents(own, 'avm-secondary')).toBe(3);
    expect(avmPriceCents(own, 'elsewhere')).toBe(0);
  });

  it('refuses a price that is not provider=dollars in whole cents', () => {
    expect(costRatesSchema.safeParse({ avmPrices: ['avm-secondary'] }).success).toBe(false);
    expect(costRatesSchema.safeParse({ avmPrices: ['avm-secondary=0.015'] }).success).toBe(false);
  });
});

describe('estimateCost: the cascade worst case', () => {
  it('prices 10,000 comprehensive properties at exactly $1,000.00 (both AVMs, a review, risk)', () => {
    expect(estimateCost(10_000, 'comprehensive', table)).toEqual({
      properties: 10_000,
      analysisType: 'comprehensive',
      perProperty: { valuation: 0.04, fraud: 0.05, risk: 0.01 },
      components: { valuation: 400, fraud: 500, risk: 100 },
      cascade: [
        { provider: 'avm-primary', price: 0.02 },
        { provider: 'avm-secondary', price: 0.02 },
      ],
      total: 1000,
    });
    expect(estimateCents(10_000, 'comprehensive', table)).toBe(100_000);
  });

  it.each([
    ['valuation', 1, 0.04],
    ['fraud', 3, 0.15],
    ['risk', 7, 0.07],
    ['comprehensive', 3, 0.3],
    ['comprehensive', 100_000, 10_000],
  ] as const)('%s x %d = $%d, to the cent', (type, count, total) => {
    expect(estimateCost(count, type, table).total).toBe(total);
  });

  it('is exact where floating point is not (0.07 * 3 = 0.21000000000000002)', () => {
    expect(0.07 * 3).not.toBe(0.21);
    const cheap = priceTable(costRatesSchema.parse({ valuation: 0.01, fraud: 0.05, risk: 0.01 }), ['one']);
    expect(estimateCost(3, 'comprehensive', cheap).total).toBe(0.21);
  });

  it('lists only the components of the analysis type, the cascade only where values are bought', () => {
    expect(componentsFor('risk')).toEqual(['risk']);
    expect(estimateCost(5, 'valuation', table).components).toEqual({ valuation: 0.2 });
    expect(estimateCost(5, 'risk', table)).not.toHaveProperty('cascade');
  });

  it('gives the per-property worst case and the dearest single call that reservations and crashes use', () => {
    expect(worstCaseCentsPerProperty('comprehensive', table)).toBe(10);
    expect(worstCaseCentsPerProperty('risk', table)).toBe(1);
    expect(largestCallCents('comprehensive', table)).toBe(5);
    expect(largestCallCents('valuation', table)).toBe(2);
    expect(largestCallCents('risk', table)).toBe(0);
  });
});

describe('propertyCost: what was billed for the property', () => {
  const at = '2026-11-01T00:00:00.000Z';
  const avm = (provider: string, cents: number): Purchase => ({ kind: 'avm', provider, cents, at });
  it('sums every AVM answer bought (both of a cascade), the review, and the risk charge', () => {
    const purchases = [
      avm('avm-primary', 2),
      avm('avm-secondary', 3),
      { kind: 'review' as const, provider: 'r', cents: 5, at },
    ];
    expect(propertyCost(purchases, true, table)).toEqual({ valuation: 0.05, fraud: 0.05, risk: 0.01, total: 0.11 });
  });

  it('charges nothing for reused answers: risk alone when nothing was bought', () => {
    expect(propertyCost([], true, table)).toEqual({ valuation: 0, fraud: 0, risk: 0.01, total: 0.01 });
    expect(propertyCost([], false, table).total).toBe(0);
  });
});

describe('costRatesSchema', () => {
  it('refuses fractions of a cent and negative rates', () => {
    expect(costRatesSchema.safeParse({ valuation: 0.015 }).success).toBe(false);
    expect(costRatesSchema.safeParse({ risk: -0.01 }).success).toBe(false);
    expect(costRatesSchema.parse({ fraud: 0.1 }).fraud).toBe(0.1);
  });
});
