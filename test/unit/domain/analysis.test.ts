import { describe, expect, it } from 'vitest';
import {
  analyzedProperty,
  failedProperty,
  fraudScreening,
  type AnalysisOptions,
} from '../../../src/domain/analysis.ts';
import { costRatesSchema, priceTable } from '../../../src/domain/cost.ts';
import { fraudOptionsSchema } from '../../../src/domain/fraud.ts';
import { riskOptionsSchema } from '../../../src/domain/risk.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { appraisalBasis, quoteBasis, valuationOptionsSchema } from '../../../src/domain/valuation.ts';

const options: AnalysisOptions = {
  valuation: valuationOptionsSchema.parse({}),
  risk: riskOptionsSchema.parse({}),
  fraud: fraudOptionsSchema.parse({}),
  prices: priceTable(costRatesSchema.parse({}), ['avm-primary', 'avm-secondary']),
};
const asOf = new Date('2026-11-01T00:00:00Z');
const property: Property = {
  propertyId: 'P-1',
  address: '1 Main St',
  state: 'TX',
  zip: '75201',
  county: 'Dallas',
  propertyType: 'SFR',
  lastAppraisedValue: 400_000,
  lastAppraisalDate: '2024-05-01',
  loan: { balance: 300_000 },
  appraisals: [{ appraisalId: 'A-1', appraiserId: 'APR-1', appraisedValue: 425_000, effectiveDate: '2026-06-01' }],
};
const primaryPurchase = { kind: 'avm' as const, provider: 'avm-primary', cents: 2, at: '2026-11-01T00:00:00.000Z' };
const bought = quoteBasis(
  {
    quote: { provider: 'avm-primary', estimatedValue: 350_000, fsd: 0.08, valuedAt: '2026-11-01T00:00:00.000Z' },
    withinMaxFsd: true,
  },
  'avm',
);

describe('analyzedProperty', () => {
  it('composes valuation, risk and fraud for a comprehensive analysis, charging what was paid for', () => {
    const review = { provider: 'ai', riskScore: 60, verdict: 'review' as const, summary: 's' };
    const reviewPurchase = { kind: 'review' as const, provider: 'ai', cents: 5, at: primaryPurchase.at, review };
    const result = analyzedProperty(
      {
        property,
        analysisType: 'comprehensive',
        basis: bought,
        purchases: [primaryPurchase, reviewPurchase],
        aiReview: review,
        asOf,
      },
      options,
    );
    expect(result).toMatchObject({
      propertyId: 'P-1',
      status: 'analyzed',
      county: 'Dallas',
      valuation: {
        source: 'avm',
        estimatedValue: 350_000,
        changePct: -0.125,
        significantChange: true,
        valueBand: '200k-500k',
      },
      risk: { tier: 'C', preDistressed: false }, // 300,000 / 350,000 = 85.7%
      fraud: {
        flags: [
          expect.objectContaining({ code: 'APPRAISAL_ABOVE_AVM' }),
          expect.objectContaining({ code: 'ROUND_NUMBER' }),
        ],
        aiReview: review,
      },
      cost: { valuation: 0.02, fraud: 0.05, risk: 0.01, total: 0.08 },
      cachedValuation: false,
    });
  });

  it('keeps the unit with the address, so a result names the apartment valued', () => {
    const result = analyzedProperty(
      { property: { ...property, unit: 'Apt 4B' }, analysisType: 'risk', basis: bought, purchases: [], asOf },
      options,
    );
    expect(result).toMatchObject({ address: property.address, unit: 'Apt 4B' });
    expect(
      analyzedProperty({ property, analysisType: 'risk', basis: bought, purchases: [], asOf }, options),
    ).not.toHaveProperty('unit');
  });

  it('charges nothing for a cached value and only risk for risk alone', () => {
    const cached = { ...bought, source: 'cache' as const };
    const result = analyzedProperty({ property, analysisType: 'risk', basis: cached, purchases: [], asOf }, options);
    expect(result.cost).toEqual({ valuation: 0, fraud: 0, risk: 0.01, total: 0.01 });
    expect(result.cachedValuation).toBe(true);
    expect(result.fraud).toBeUndefined();
  });

  it('falls back to the appraisal for risk alone, lowering the tier for the weak basis', () => {
    const result = analyzedProperty(
      { property, analysisType: 'risk', basis: appraisalBasis(property), purchases: [], asOf },
      options,
    );
    expect(result.risk).toMatchObject({ ltv: 0.75, baseTier: 'B', tier: 'C', downgradeReasons: ['APPRAISAL_ONLY'] });
  });

  it('fails a property with no value basis at all, and screens fraud without one', () => {
    const bare = { ...property, lastAppraisedValue: undefined, lastAppraisalDate: undefined };
    expect(
      analyzedProperty({ property: bare, analysisType: 'risk', basis: undefined, purchases: [], asOf }, options),
    ).toMatchObject({ status: 'failed', error: { code: 'NO_VALUE_BASIS' } });
    const fraudOnly = analyzedProperty(
      { property: bare, analysisType: 'fraud', basis: undefined, purchases: [], asOf },
      options,
    );
    expect(fraudOnly.status).toBe('analyzed');
    expect(fraudOnly.fraud?.flags.map((f) => f.code)).toEqual(['ROUND_NUMBER']); // no AVM value: no above-AVM rule
  });

  it('does not compare appraisals with an appraisal basis', () => {
    expect(fraudScreening(property, appraisalBasis(property), asOf, options.fraud).appraisals[0]).not.toHaveProperty(
      'inflationPct',
    );
  });

  it('records a failure with the cost of a valuation already bought', () => {
    expect(failedProperty(property, { code: 'X', message: 'm' }, [primaryPurchase], options.prices)).toMatchObject({
      status: 'failed',
      cost: { total: 0.02 },
      purchases: [primaryPurchase],
    });
  });
});
