import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  finalizeReport,
  portfolioReportSchema,
  reportOptionsSchema,
  type FinalizeReportInput,
} from '../../../src/domain/report.ts';
import { emptySummary, mergeSummaries, summarizeResults } from '../../../src/domain/summary.ts';
import { analyzedResult, samplePortfolio } from './property-results.ts';
import { propertyResultsArb } from './result-arbitraries.ts';

const input: FinalizeReportInput = {
  portfolioId: 'PF-1',
  jobId: 'job-1',
  analysisType: 'comprehensive',
  generatedAt: '2025-06-02T03:04:05.000Z',
};

describe('finalizeReport on the sample portfolio (figures computed by hand)', () => {
  // P1 TX 400k (last 500k, loan 240k: LTV 60% A), P2 TX 600k (last 500k, loan 480k + 60k: LTV 80% B, flagged),
  // P3 CA 1M (loan 950k: LTV 95% D), P4 CA 200k (no loan, tier B), P5 NY 300k (cached, last 300k), P6 failed.
  const report = finalizeReport(summarizeResults(samplePortfolio()), input);

  it('is a valid PortfolioReport carrying its identity', () => {
    expect(portfolioReportSchema.parse(report)).toStrictEqual(report);
    expect(report).toMatchObject(input);
  });

  it('totals', () => {
    expect(report.totals).toEqual({ properties: 6, analyzed: 5, failed: 1, failureRate: 1 / 6 });
  });

  it('valuation: totals, bands, sources, change vs last appraisal', () => {
    const v = report.valuation;
    expect(v).toMatchObject({ valued: 5, cachedValuations: 1, totalValue: 2_500_000, averageValue: 500_000 });
    expect(v.valueBands).toEqual({ 'under-200k': 0, '200k-500k': 3, '500k-1m': 1, 'over-1m': 1 });
    expect(v.sources).toEqual({ avm: 4, cache: 1, stored: 0, appraisal: 0 });
    // P1 -20%, P2 +20%, P5 0%: 1.3M appraised, 1.3M now.
    expect(v.lastAppraisal).toEqual({
      properties: 3,
      totalLastAppraisedValue: 1_300_000,
      totalCurrentValue: 1_300_000,
      aggregateChange: 0,
      aggregateChangePct: 0,
    });
    expect(v.change.meanPct).toBe(0);
    expect(v.change.significantUp).toBe(1);
    expect(v.change.significantDown).toBe(1);
    // Ranks 0.3, 1.5, 2.7 of three values, one per 0.5% bin starting at -20%, 0%, +20%.
    expect(v.change.quantiles.p10).toBeCloseTo(-0.2 + 0.3 * 0.005, 12);
    expect(v.change.quantiles.p50).toBeCloseTo(0 + 0.5 * 0.005, 12);
    expect(v.change.quantiles.p90).toBeCloseTo(0.2 + 0.7 * 0.005, 12);
  });

  it('risk: tiers, pre-distressed, weighted and simple LTV', () => {
    const r = report.risk;
    expect(r.tiered).toBe(4);
    expect(r.tiers).toEqual({
      A: { count: 1, share: 0.25 },
      B: { count: 2, share: 0.5 },
      C: { count: 0, share: 0 },
      D: { count: 1, share: 0.25 },
    });
    expect(r).toMatchObject({
      loans: 3,
      preDistressed: 1,
      preDistressedShare: 1 / 3,
      totalFirstLienBalance: 1_670_000,
      totalSecondLienBalance: 60_000,
    });
    expect(r.weightedLtv).toBeCloseTo(1_670_000 / 2_000_000, 12); // 0.835
    expect(r.weightedCltv).toBeCloseTo(1_730_000 / 2_000_000, 12); // 0.865
    expect(r.meanLtv).toBeCloseTo((0.6 + 0.8 + 0.95) / 3, 12);
    expect(r.ltvQuantiles.p10).toBeCloseTo(0.6 + 0.3 * 0.005, 12);
    expect(r.ltvQuantiles.p50).toBeCloseTo(0.8 + 0.5 * 0.005, 12);
    expect(r.ltvQuantiles.p90).toBeCloseTo(0.95 + 0.7 * 0.005, 12);
  });

  it('distributions for charts: 5-point bins regrouped exactly from the histograms', () => {
    const nonZero = (d: { bins: Array<{ from: number; count: number }> }) =>
      d.bins.filter((b) => b.count > 0).map((b) => [Number(b.from.toFixed(4)), b.count]);
    const { valueChange, ltv, cltv } = report.distributions;
    expect(valueChange.bins).toHaveLength(20);
    expect(nonZero(valueChange)).toEqual([
      [-0.2, 1],
      [0, 1],
      [0.2, 1],
    ]);
    expect(ltv.bins).toHaveLength(30);
    expect(nonZero(ltv)).toEqual([
      [0.6, 1],
      [0.8, 1],
      [0.95, 1],
    ]);
    // P2 has a second lien: CLTV (480k + 60k) / 600k = 90%.
    expect(nonZero(cltv)).toEqual([
      [0.6, 1],
      [0.9, 1],
      [0.95, 1],
    ]);
    expect([ltv.under, ltv.over, valueChange.under, valueChange.over]).toEqual([0, 0, 0, 0]);
  });

  it('fraud: flagged, reasons, score quantiles, AI reviews, appraisers', () => {
    const f = report.fraud;
    expect(f).toMatchObject({
      screened: 3,
      flagged: 1,
      flagRate: 1 / 3,
      byReason: { APPRAISAL_ABOVE_AVM: 1, FLIP: 1 },
    });
    expect(f.scoreQuantiles.p10).toBeCloseTo(10.3, 12); // scores 10, 30, 70
    expect(f.scoreQuantiles.p50).toBeCloseTo(30.5, 12);
    expect(f.scoreQuantiles.p90).toBeCloseTo(70.7, 12);
    expect(f.aiReviews).toEqual({ count: 1, byVerdict: { clear: 0, review: 0, refer: 1 } });
    expect(f.appraisers).toMatchObject({ count: 1, judged: 0, outliers: 0 });
    expect(f.appraisers.listed[0]).toMatchObject({
      appraiserId: 'APR-9',
      appraisals: 1,
      meanInflationPct: 0.25,
      judged: false,
    });
  });

  it('concentration by state, county and ZIP on value share', () => {
    const c = report.concentration;
    // States: CA 1.2M (48%), TX 1M (40%), NY 300k (12%): 48² + 40² + 12² = 4,048.
    expect(c.state.hhi).toBeCloseTo(4_048, 9);
    expect(c.state.band).toBe('high');
    expect(c.state.groups).toBe(3);
    expect(c.state.top.map((g) => [g.key, g.properties, g.value])).toEqual([
      ['CA', 2, 1_200_000],
      ['TX', 2, 1_000_000],
      ['NY', 1, 300_000],
    ]);
    expect(c.state.top[0]?.valueShare).toBeCloseTo(0.48, 12);
    // Counties and ZIPs: 48%, 24%, 16%, 12%: 2,304 + 576 + 256 + 144 = 3,280.
    expect(c.county.hhi).toBeCloseTo(3_280, 9);
    expect(c.county.top.map((g) => g.key)).toEqual(['CA|San Francisco', 'TX|Harris', 'TX|Travis', 'NY|Kings']);
    expect(c.zip.hhi).toBeCloseTo(3_280, 9);
  });

  it('property-type distribution', () => {
    expect(report.propertyTypes.map((t) => [t.propertyType, t.properties, t.value])).toEqual([
      ['SFR', 2, 1_000_000],
      ['CONDO', 2, 1_200_000],
      ['MULTI_2_4', 1, 300_000],
    ]);
    const [sfr, condo, multi] = report.propertyTypes;
    expect(sfr?.valueShare).toBeCloseTo(0.4, 12);
    expect(sfr?.averageLtv).toBeCloseTo(0.7, 12);
    expect(condo?.averageLtv).toBeCloseTo(0.95, 12);
    expect(condo?.tiers).toEqual({ A: 0, B: 1, C: 0, D: 1 });
    expect(condo?.tierShares).toEqual({ A: 0, B: 0.5, C: 0, D: 0.5 });
    expect(multi?.averageLtv).toBeNull();
  });

  it('actual cost in dollars, failed properties included', () => {
    // Four full-cost properties (0.08), the cached one without valuation (0.06), the failure's AVM call (0.02).
    expect(report.cost).toEqual({ valuation: 0.1, fraud: 0.25, risk: 0.05, total: 0.4 });
  });
});

describe('finalizeReport edge cases', () => {
  it('reports nulls, not NaN, for an empty summary', () => {
    const report = finalizeReport(emptySummary(), input);
    expect(portfolioReportSchema.parse(report)).toStrictEqual(report);
    expect(report.totals.failureRate).toBe(0);
    expect(report.valuation.averageValue).toBeNull();
    expect(report.valuation.change.quantiles).toEqual({ p10: null, p50: null, p90: null });
    expect(report.risk.weightedLtv).toBeNull();
    expect(report.fraud.flagRate).toBeNull();
    expect(report.concentration.state).toEqual({ hhi: 0, band: 'unconcentrated', groups: 0, top: [] });
    expect(report.propertyTypes).toEqual([]);
  });

  it('applies options: top groups and listed appraisers', () => {
    const report = finalizeReport(summarizeResults(samplePortfolio()), {
      ...input,
      options: { concentration: { topGroups: 1 }, listedAppraisers: 0 },
    });
    expect(report.concentration.county.top.map((g) => g.key)).toEqual(['CA|San Francisco']);
    // The map needs every state: the state list ignores topGroups.
    expect(report.concentration.state.top.map((g) => g.key)).toEqual(['CA', 'TX', 'NY']);
    expect(report.fraud.appraisers.listed).toEqual([]);
    expect(report.fraud.appraisers.count).toBe(1);
  });

  it('rejects inconsistent concentration bands', () => {
    expect(() => reportOptionsSchema.parse({ concentration: { moderateAbove: 2_000, highAbove: 1_500 } })).toThrow();
  });

  it('one property in one state is fully concentrated', () => {
    const report = finalizeReport(
      summarizeResults([analyzedResult({ id: 'X', value: 250_000, state: 'WY', zip: '82001' })]),
      input,
    );
    expect(report.concentration.state).toMatchObject({ hhi: 10_000, band: 'high' });
    expect(report.concentration.county.groups).toBe(0); // county unknown: not guessed
  });

  it('is the same report whichever way the chunks were merged', () => {
    fc.assert(
      fc.property(propertyResultsArb(), propertyResultsArb(), (a, b) => {
        const whole = finalizeReport(summarizeResults([...a, ...b]), input);
        const merged = finalizeReport(mergeSummaries(summarizeResults(b), summarizeResults(a)), input);
        expect(JSON.stringify(merged)).toBe(JSON.stringify(whole));
      }),
    );
  });
});
