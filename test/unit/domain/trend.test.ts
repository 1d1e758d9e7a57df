import { describe, expect, it } from 'vitest';
import {
  compareReports,
  compareTrendPoints,
  materialFindings,
  materialityOptionsSchema,
  trendPointFor,
  trendPointSchema,
  type TrendPoint,
} from '../../../src/domain/trend.ts';
import { finalizeReport } from '../../../src/domain/report.ts';
import { summarizeResults } from '../../../src/domain/summary.ts';
import { analyzedResult, samplePortfolio } from './property-results.ts';

function point(overrides: Partial<TrendPoint> = {}): TrendPoint {
  return {
    date: '2025-06-01',
    generatedAt: '2025-06-01T02:00:00.000Z',
    jobId: 'job-a',
    properties: 100,
    totalValue: 1_000,
    averageValue: 10,
    weightedLtv: 0.5,
    tiers: { A: 40, B: 30, C: 20, D: 10 },
    tierShares: { A: 0.4, B: 0.3, C: 0.2, D: 0.1 },
    preDistressed: 10,
    flagged: 5,
    hhi: { state: 900, county: 1_500, zip: 2_000 },
    concentration: { state: 'unconcentrated', county: 'moderate', zip: 'high' },
    ...overrides,
  };
}

describe('trendPointFor', () => {
  it('boils a report down to the time-series point', () => {
    const report = finalizeReport(summarizeResults(samplePortfolio()), {
      portfolioId: 'PF-1',
      jobId: 'job-1',
      analysisType: 'comprehensive',
      generatedAt: '2025-06-02T03:04:05.000Z',
    });
    const p = trendPointFor(report);
    expect(trendPointSchema.parse(p)).toStrictEqual(p);
    expect(p).toMatchObject({
      date: '2025-06-02',
      jobId: 'job-1',
      properties: 5,
      totalValue: 2_500_000,
      averageValue: 500_000,
      preDistressed: 1,
      flagged: 1,
      tiers: { A: 1, B: 2, C: 0, D: 1 },
      tierShares: { A: 0.25, B: 0.5, C: 0, D: 0.25 },
      concentration: { state: 'high', county: 'high', zip: 'high' },
    });
    expect(p.weightedLtv).toBeCloseTo(0.835, 12);
    expect(p.hhi.state).toBeCloseTo(4_048, 9);
  });
});

describe('compareTrendPoints', () => {
  it('computes the deltas of the key metrics', () => {
    const d = compareTrendPoints(
      point(),
      point({
        date: '2025-06-02',
        properties: 110,
        totalValue: 900,
        averageValue: 900 / 110,
        weightedLtv: 0.625,
        tiers: { A: 35, B: 35, C: 25, D: 15 },
        tierShares: { A: 0.35, B: 0.35, C: 0.25, D: 0.15 },
        preDistressed: 15,
        flagged: 4,
        hhi: { state: 1_100, county: 1_400, zip: 2_000 },
        concentration: { state: 'moderate', county: 'moderate', zip: 'high' },
      }),
    );
    expect(d).toMatchObject({
      from: '2025-06-01',
      to: '2025-06-02',
      propertiesChange: 10,
      totalValue: { previous: 1_000, current: 900 },
      totalValueChange: -100,
      weightedLtvChange: 0.125,
      tierCountChanges: { A: -5, B: 5, C: 5, D: 5 },
      preDistressedChange: 5,
      flaggedChange: -1,
      hhi: { state: { previous: 900, current: 1_100, change: 200 }, county: { change: -100 }, zip: { change: 0 } },
      concentration: { state: { previous: 'unconcentrated', current: 'moderate' } },
    });
    expect(d.totalValueChangePct).toBeCloseTo(-0.1, 12);
    expect(d.averageValueChangePct).toBeCloseTo((900 / 110 - 10) / 10, 12);
    expect(d.tierShareChanges.A).toBeCloseTo(-0.05, 12);
  });

  it('has null relative changes when the previous figure is zero or unknown', () => {
    const d = compareTrendPoints(point({ totalValue: 0, averageValue: null, weightedLtv: null }), point());
    expect([d.totalValueChangePct, d.averageValueChangePct, d.weightedLtvChange]).toEqual([null, null, null]);
  });
});

describe('compareReports', () => {
  it('compares two runs of the sample portfolio: P1 falls to 360k, P4 takes a 190k loan', () => {
    const finalize = (jobId: string, generatedAt: string, results = samplePortfolio()) =>
      finalizeReport(summarizeResults(results), {
        portfolioId: 'PF-1',
        jobId,
        analysisType: 'comprehensive',
        generatedAt,
      });
    const later = samplePortfolio().map((r) => {
      if (r.propertyId === 'P1')
        return analyzedResult({
          id: 'P1',
          value: 360_000,
          lastAppraisedValue: 500_000,
          county: 'Travis',
          loan: { balance: 240_000 },
        });
      if (r.propertyId === 'P4')
        return analyzedResult({
          id: 'P4',
          value: 200_000,
          state: 'CA',
          county: 'San Francisco',
          zip: '94105',
          propertyType: 'CONDO',
          loan: { balance: 190_000 },
        });
      return r;
    });
    const d = compareReports(
      finalize('job-1', '2025-06-01T02:00:00Z'),
      finalize('job-2', '2025-06-02T02:00:00Z', later),
    );
    expect(d.totalValueChange).toBe(-40_000);
    expect(d.totalValueChangePct).toBeCloseTo(-0.016, 12);
    expect(d.weightedLtvChange).toBeCloseTo(1_860_000 / 2_160_000 - 0.835, 12);
    // P1 moves A -> B (LTV 66.7%), P4 from the no-loan B to D (95%): A -1, B 0, D +1.
    expect(d.tierCountChanges).toEqual({ A: -1, B: 0, C: 0, D: 1 });
    expect(d.preDistressedChange).toBe(1);
    expect(d.flaggedChange).toBe(0);
    const shares = [1_200_000, 960_000, 300_000].map((v) => (v / 2_460_000) * 100);
    expect(d.hhi.state.change).toBeCloseTo(shares.reduce((s, x) => s + x * x, 0) - 4_048, 9);
    expect(materialFindings(d).map((f) => f.code)).toEqual(['PRE_DISTRESSED_RISE']);
  });
});

describe('materialFindings', () => {
  const against = (current: Partial<TrendPoint>, options?: Parameters<typeof materialFindings>[1]) =>
    materialFindings(compareTrendPoints(point(), point(current)), options).map((f) => f.code);

  it('has the documented defaults', () => {
    expect(materialityOptionsSchema.parse({})).toEqual({
      totalValueDropPct: 0.05,
      weightedLtvRise: 0.05,
      preDistressedRise: 0,
      flaggedRise: 0,
      concentrationWorsened: true,
    });
  });

  it('finds nothing when nothing changed', () => {
    expect(against({})).toEqual([]);
  });

  it('total value: a 5% drop is not material, more is', () => {
    expect(against({ totalValue: 950 })).toEqual([]);
    expect(against({ totalValue: 949 })).toEqual(['TOTAL_VALUE_DROP']);
    expect(against({ totalValue: 2_000 })).toEqual([]);
  });

  it('weighted LTV: a rise exactly at the threshold is not material, above it is', () => {
    expect(against({ weightedLtv: 0.625 }, { weightedLtvRise: 0.125 })).toEqual([]);
    expect(against({ weightedLtv: 0.6251 }, { weightedLtvRise: 0.125 })).toEqual(['WEIGHTED_LTV_RISE']);
    expect(against({ weightedLtv: 0.4 })).toEqual([]);
  });

  it('pre-distressed and fraud flags: any rise by default, more than the configured count otherwise', () => {
    expect(against({ preDistressed: 11, flagged: 6 })).toEqual(['PRE_DISTRESSED_RISE', 'FRAUD_FLAGS_RISE']);
    expect(against({ preDistressed: 12, flagged: 6 }, { preDistressedRise: 2, flaggedRise: 1 })).toEqual([]);
    expect(against({ preDistressed: 9, flagged: 4 })).toEqual([]);
  });

  it('concentration: a band moving up is material, moving down is not; can be switched off', () => {
    const worse = { concentration: { state: 'moderate', county: 'high', zip: 'moderate' } } as const;
    const found = materialFindings(compareTrendPoints(point(), point(worse)));
    expect(found.map((f) => f.code)).toEqual(['CONCENTRATION_WORSENED', 'CONCENTRATION_WORSENED']);
    expect(found[0]?.message).toContain('state concentration unconcentrated -> moderate');
    expect(against(worse, { concentrationWorsened: false })).toEqual([]);
  });
});
