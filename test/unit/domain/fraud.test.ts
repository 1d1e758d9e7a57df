import { describe, expect, it } from 'vitest';
import { appraiserPerformance, tallyAppraisal, type AppraiserStats } from '../../../src/domain/appraisers.ts';
import {
  fraudOptionsSchema,
  fraudScoreFor,
  needsAiReview,
  screenProperty,
  withAiReview,
  type FraudReasonCode,
} from '../../../src/domain/fraud.ts';
import { referenceMarketValue } from '../../../src/domain/price-levels.ts';
import type { Appraisal, Property } from '../../../src/domain/schemas.ts';
import { generatePortfolio, type PlantedPattern } from '../../../examples/portfolio.ts';

const options = fraudOptionsSchema.parse({});
const asOf = new Date('2026-11-01T00:00:00Z');
type Screened = Pick<Property, 'locale' | 'appraisals' | 'sales'>;

function appraisal(overrides: Partial<Appraisal> = {}): Appraisal {
  return {
    appraisalId: 'AP-1',
    appraiserId: 'APR-001',
    appraisedValue: 401_300,
    effectiveDate: '2026-06-01',
    ...overrides,
  };
}
const codes = (property: Screened, currentValue?: number) =>
  screenProperty(property, currentValue, asOf, options).flags.map((f) => f.code);

describe('APPRAISAL_ABOVE_AVM', () => {
  it('flags a recent appraisal more than 20% above the AVM value, and not exactly 20%', () => {
    expect(codes({ appraisals: [appraisal({ appraisedValue: 360_100 })] }, 300_000)).toEqual(['APPRAISAL_ABOVE_AVM']);
    expect(codes({ appraisals: [appraisal({ appraisedValue: 360_000 })] }, 300_000)).toEqual([]);
  });

  it('does not compare old appraisals or run without a current value', () => {
    expect(
      codes({ appraisals: [appraisal({ appraisedValue: 500_100, effectiveDate: '2024-10-31' })] }, 300_000),
    ).toEqual([]);
    expect(
      codes({ appraisals: [appraisal({ appraisedValue: 500_100, effectiveDate: '2024-11-01' })] }, 300_000),
    ).toEqual(['APPRAISAL_ABOVE_AVM']);
    expect(codes({ appraisals: [appraisal({ appraisedValue: 500_100 })] }, undefined)).toEqual([]);
  });

  it('records the inflation per appraisal for the appraiser statistics', () => {
    const result = screenProperty(
      {
        appraisals: [
          appraisal({ appraisedValue: 330_000 }),
          appraisal({ appraisalId: 'AP-0', effectiveDate: '2019-01-01' }),
        ],
      },
      300_000,
      asOf,
      options,
    );
    expect(result.appraisals).toEqual([
      { appraisalId: 'AP-1', appraiserId: 'APR-001', inflationPct: 0.1, flagged: false },
      { appraisalId: 'AP-0', appraiserId: 'APR-001', flagged: false },
    ]);
  });
});

describe('FLIP', () => {
  const sale = (date: string, price: number) => ({ date, price });
  it('flags a resale within 12 months at more than 30% gain, in any listed order', () => {
    expect(codes({ sales: [sale('2025-09-01', 390_100), sale('2025-01-01', 300_000)] })).toEqual(['FLIP']);
    expect(codes({ sales: [sale('2025-01-01', 300_000), sale('2026-01-01', 390_100)] })).toEqual(['FLIP']); // exactly 12 months
  });

  it('passes 30% exactly, and a large gain over a longer hold', () => {
    expect(codes({ sales: [sale('2025-01-01', 300_000), sale('2025-09-01', 390_000)] })).toEqual([]);
    expect(codes({ sales: [sale('2025-01-01', 300_000), sale('2026-01-02', 500_000)] })).toEqual([]);
  });
});

describe('comparables', () => {
  const comps = (...c: Array<[distanceMiles: number, saleDate: string]>) =>
    c.map(([distanceMiles, saleDate]) => ({ salePrice: 400_000, distanceMiles, saleDate }));
  it('limits distance by locale: 1 mile urban, 2 suburban or unknown, 5 rural', () => {
    const appraisals = [appraisal({ comparables: comps([0.5, '2026-03-01'], [1.5, '2026-03-01']) })];
    expect(codes({ locale: 'urban', appraisals })).toEqual(['DISTANT_COMPARABLES']);
    expect(codes({ locale: 'suburban', appraisals })).toEqual([]);
    expect(codes({ appraisals })).toEqual([]);
    expect(
      codes({
        locale: 'rural',
        appraisals: [appraisal({ comparables: comps([5, '2026-03-01'], [5.1, '2026-03-01']) })],
      }),
    ).toEqual(['DISTANT_COMPARABLES']);
  });

  it('flags comparables sold more than 12 months before the appraisal, once per appraisal', () => {
    const appraisals = [
      appraisal({
        effectiveDate: '2026-06-01',
        comparables: comps([0.2, '2025-06-01'], [0.2, '2025-05-31'], [0.2, '2025-01-01']),
      }),
    ];
    const result = screenProperty({ appraisals }, undefined, asOf, options);
    expect(result.flags).toHaveLength(1);
    expect(result.flags[0]).toMatchObject({ code: 'STALE_COMPARABLES', appraisalId: 'AP-1', points: 25 });
    expect(result.flags[0]?.detail).toContain('2 of 3 comparables');
  });
});

describe('ROUND_NUMBER', () => {
  it('flags exact multiples of $25,000 only', () => {
    expect(codes({ appraisals: [appraisal({ appraisedValue: 425_000 })] })).toEqual(['ROUND_NUMBER']);
    expect(codes({ appraisals: [appraisal({ appraisedValue: 420_000 })] })).toEqual([]);
  });
});

describe('VALUE_JUMP', () => {
  it('flags an appraisal more than 30% above the previous one within 12 months', () => {
    const first = appraisal({ appraisalId: 'A', appraisedValue: 300_100, effectiveDate: '2025-03-01' });
    const jump = appraisal({ appraisalId: 'B', appraisedValue: 400_200, effectiveDate: '2025-10-01' });
    const result = screenProperty({ appraisals: [jump, first] }, undefined, asOf, options);
    expect(result.flags.map((f) => [f.code, f.appraisalId])).toEqual([['VALUE_JUMP', 'B']]);
    expect(result.appraisals.find((a) => a.appraisalId === 'B')?.flagged).toBe(true);
    expect(result.appraisals.find((a) => a.appraisalId === 'A')?.flagged).toBe(false);
  });

  it('passes a rise over more than 12 months', () => {
    const first = appraisal({ appraisalId: 'A', appraisedValue: 300_100, effectiveDate: '2024-03-01' });
    expect(
      codes({
        appraisals: [first, appraisal({ appraisalId: 'B', appraisedValue: 450_100, effectiveDate: '2025-03-02' })],
      }),
    ).toEqual([]);
  });
});

describe('the score', () => {
  it('adds each reason code once and caps at 100', () => {
    const f = (code: FraudReasonCode, points: number) => ({ code, points, detail: '' });
    expect(fraudScoreFor([])).toBe(0);
    expect(fraudScoreFor([f('ROUND_NUMBER', 15), f('ROUND_NUMBER', 15)])).toBe(15);
    expect(fraudScoreFor([f('FLIP', 40), f('VALUE_JUMP', 35), f('APPRAISAL_ABOVE_AVM', 35)])).toBe(100);
  });

  it('flags at the threshold: a round number alone is not enough, with stale comparables it is', () => {
    const round = screenProperty({ appraisals: [appraisal({ appraisedValue: 425_000 })] }, undefined, asOf, options);
    expect(round).toMatchObject({ score: 15, flagged: false });
    expect(needsAiReview(round, options)).toBe(false);
    const both = screenProperty(
      {
        appraisals: [
          appraisal({
            appraisedValue: 425_000,
            comparables: [{ salePrice: 1, saleDate: '2020-01-01', distanceMiles: 0.1 }],
          }),
        ],
      },
      undefined,
      asOf,
      options,
    );
    expect(both).toMatchObject({ score: 40, flagged: true });
    expect(needsAiReview(both, options)).toBe(true);
    expect(withAiReview(both, { provider: 'ai', riskScore: 70, verdict: 'refer', summary: 's' })).toMatchObject({
      score: 40,
      aiReview: { verdict: 'refer' },
    });
  });
});

describe('on the sample portfolio (planted patterns, examples/README.md)', () => {
  const sample = [...generatePortfolio({ size: 1_000 })];
  const expectedCode: Partial<Record<PlantedPattern, FraudReasonCode>> = {
    flip: 'FLIP',
    distantComparables: 'DISTANT_COMPARABLES',
    staleComparables: 'STALE_COMPARABLES',
    roundNumberAppraisal: 'ROUND_NUMBER',
    valueJump: 'VALUE_JUMP',
  };
  const screened = sample.map((g) => ({
    ...g,
    result: screenProperty(g.property, referenceMarketValue(g.property), asOf, options),
  }));

  it.each(Object.entries(expectedCode))('finds every %s with %s', (pattern, code) => {
    const planted = screened.filter((s) => s.planted.includes(pattern as PlantedPattern));
    expect(planted.length).toBeGreaterThan(5);
    const missed = planted
      .filter((s) => !s.result.flags.some((f) => f.code === code))
      .map((s) => s.property.propertyId);
    expect(missed).toEqual([]);
  });

  it('raises nothing on ordinary properties', () => {
    const falsePositives = screened.filter((s) => s.planted.length === 0 && s.result.flags.length > 0);
    expect(falsePositives.map((s) => [s.property.propertyId, s.result.flags.map((f) => f.code)])).toEqual([]);
  });
});

describe('appraiser outliers on a 10,000-property sample', () => {
  it('finds inflating appraisers with enough recent appraisals, and nobody else', () => {
    const sample = [...generatePortfolio({ size: 10_000 })];
    const stats: AppraiserStats = {};
    for (const g of sample)
      for (const check of screenProperty(g.property, referenceMarketValue(g.property), asOf, options).appraisals)
        tallyAppraisal(stats, check);
    const appraisersOf = (planted: boolean) =>
      new Set(
        sample
          .filter((g) => g.planted.includes('inflatingAppraiser') === planted)
          .flatMap((g) => (g.property.appraisals ?? []).map((a) => a.appraiserId)),
      );
    const ordinary = appraisersOf(false);
    const inflating = [...appraisersOf(true)].filter((id) => !ordinary.has(id));
    expect(inflating).toHaveLength(5);
    const performance = appraiserPerformance(stats);
    const outliers = performance.filter((p) => p.outlier).map((p) => p.appraiserId);
    expect(outliers.filter((id) => !inflating.includes(id))).toEqual([]);
    // Each inflating appraiser is found once there are enough recent appraisals to judge the mean by.
    const judgeable = performance
      .filter((p) => inflating.includes(p.appraiserId) && p.comparedAppraisals >= 3)
      .map((p) => p.appraiserId);
    expect(judgeable.length).toBeGreaterThanOrEqual(4);
    expect(outliers.sort()).toEqual(judgeable.sort());
  });
});
