import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  finalizeReport,
  portfolioReportSchema,
  reportOptionsSchema,
  type FinalizeReportInput,
  type PortfolioReport,
} from '../../../src/domain/report.ts';
import { emptySummary, mergeSummaries, summarizeResults } from '../../../src/domain/summary.ts';
import { analyzedResult, failedResult, samplePortfolio } from './property-results.ts';
import { propertyResultsArb } from './result-arbitraries.ts';
import { baseInput, reportOf, snapshotOf } from './report-fixtures.ts';

describe('finalizeReport on the sample portfolio (figures computed by hand)', () => {
  // P1 TX 400k (last 500k, loan 240k: LTV 60% A), P2 TX 600k (last 500k, loan 480k + second 60k: CLTV 90%
  // C, flagged), P3 CA 1M (loan 950k: 95% D), P4 CA 200k (no loan, tier B), P5 NY 300k (cached, last 300k,
  // no risk result), P6 failed.
  let report: PortfolioReport;
  beforeAll(async () => {
    report = await reportOf(samplePortfolio());
  });

  it('is a valid PortfolioReport carrying its identity, complete', () => {
    expect(portfolioReportSchema.parse(report)).toStrictEqual(report);
    expect(report).toMatchObject({ ...baseInput, highlights: { largestDrops: [] } });
    expect(report.completeness).toEqual({
      status: 'completed',
      complete: true,
      submitted: 6,
      processed: 6,
      notProcessed: 0,
    });
  });

  it('totals, with every failure code explained', () => {
    expect(report.totals).toEqual({
      properties: 6,
      analyzed: 5,
      failed: 1,
      failureRate: 1 / 6,
      failures: [
        {
          code: 'AVM_UNAVAILABLE',
          count: 1,
          explanation: 'the AVM providers failed (errors, timeouts or rate limits after retries)',
        },
      ],
    });
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

  it('risk: loan tiers on CLTV, no-loan properties apart, pre-distressed, weighted and simple ratios', () => {
    const r = report.risk;
    expect(r).toMatchObject({ tierRatio: 'cltv', tiered: 4, loans: 3, loansWithSecondLien: 1, tieredOnCltv: 1 });
    expect(r.tiers).toEqual({
      A: { count: 1, share: 1 / 3 },
      B: { count: 0, share: 0 },
      C: { count: 1, share: 1 / 3 },
      D: { count: 1, share: 1 / 3 },
    });
    expect(r.noLoan).toEqual({ properties: 1, tiers: { A: 0, B: 1, C: 0, D: 0 } });
    expect(r).toMatchObject({
      preDistressed: 1,
      preDistressedShare: 1 / 3,
      preDistressedFirstLien: 950_000,
      preDistressedExposure: 950_000,
      totalFirstLienBalance: 1_670_000,
      totalSecondLienBalance: 60_000,
    });
    expect(r.weightedLtv).toBeCloseTo(1_670_000 / 2_000_000, 12); // 0.835
    expect(r.weightedCltv).toBeCloseTo(1_730_000 / 2_000_000, 12); // 0.865
    expect(r.meanLtv).toBeCloseTo((0.6 + 0.8 + 0.95) / 3, 12);
    expect(r.meanCltv).toBeCloseTo((0.6 + 0.9 + 0.95) / 3, 12);
    expect(r.ltvQuantiles.p10).toBeCloseTo(0.6 + 0.3 * 0.005, 12);
    expect(r.ltvQuantiles.p50).toBeCloseTo(0.8 + 0.5 * 0.005, 12);
    expect(r.ltvQuantiles.p90).toBeCloseTo(0.95 + 0.7 * 0.005, 12);
    expect(r.ltvQuantiles.binWidth).toBe(0.005);
    expect(r.cltvQuantiles.p50).toBeCloseTo(0.9 + 0.5 * 0.005, 12);
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

  it('fraud: flagged, reasons among flagged and among screened, score quantiles, AI reviews, appraisers', () => {
    const f = report.fraud;
    expect(f).toMatchObject({
      screened: 3,
      flagged: 1,
      flagRate: 1 / 3,
      reasons: {
        amongFlagged: { APPRAISAL_ABOVE_AVM: 1, FLIP: 1 },
        amongScreened: { APPRAISAL_ABOVE_AVM: 1, FLIP: 1 },
      },
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
    expect(c.state.hhi).toBe(4_048);
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
    expect(sfr?.tiers).toEqual({ A: 1, B: 0, C: 1, D: 0 });
    expect(condo?.tiers).toEqual({ A: 0, B: 0, C: 0, D: 1 }); // the loan; P4 has none
    expect(condo?.tierShares).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    expect(condo?.noLoan).toBe(1);
    expect(multi?.averageLtv).toBeNull();
  });

  it('stress: the three loans under the default shocks', () => {
    // P1 60% A -> 66.7% B at -10%; P2 CLTV 90% C -> 100% D; P3 95% D stays D.
    expect(report.stress.loans).toBe(3);
    expect(report.stress.baseline.tiers).toEqual({ A: 1, B: 0, C: 1, D: 1 });
    expect(report.stress.scenarios[0]).toMatchObject({
      name: 'values -10%',
      tiers: { A: 0, B: 1, C: 0, D: 2 },
      preDistressed: { count: 2, firstLienBalance: 1_430_000, exposure: 1_490_000 },
    });
  });

  it('AVM performance: no provider asked (the sample has no cascades), no benchmark', () => {
    expect(report.avmPerformance).toMatchObject({ maxFsd: 0.13, cascadeProperties: 4, reusedValues: 1, providers: [] });
    expect(report.avmPerformance.accuracy.sale.overall.properties).toBe(0);
  });

  it('no comparison without a previous run, and notes on what the figures cover', () => {
    expect(report.comparison).toEqual({
      available: false,
      reason: 'no earlier complete report of this portfolio',
    });
    expect(report.findings).toEqual([]);
    expect(report.notes).toEqual([
      '1 property has no loan: it is tiered by value change since the last appraisal and valuation confidence, apart from the loan tiers.',
      '1 loan with a second lien is tiered on CLTV, the combined exposure (RISK_TIER_RATIO=cltv).',
      '1 property failed and is in no figure but the failure counts (totals.failures says why).',
    ]);
  });

  it('actual cost in dollars, failed properties included', () => {
    // Four full-cost properties (0.08), the cached one without valuation (0.06), the failure's AVM call (0.02).
    expect(report.cost).toEqual({ valuation: 0.1, fraud: 0.25, risk: 0.05, total: 0.4, unconfirmed: 0 });
    expect(report.notes.join(' ')).not.toContain('may have been billed');
  });

  it('shows what may have been billed without an answer apart from the total, to the cent, with a note', async () => {
    const unconfirmed = await reportOf(samplePortfolio(), { unconfirmedCents: 123_457 });
    expect(unconfirmed.cost).toEqual({ ...report.cost, unconfirmed: 1_234.57 });
    expect(unconfirmed.notes).toContainEqual(expect.stringContaining('Up to $1,234.57 more'));
  });
});

describe('finalizeReport edge cases', () => {
  let input: FinalizeReportInput;
  beforeAll(async () => {
    input = { ...baseInput, submitted: 0, unconfirmedCents: 0, snapshot: await snapshotOf([]) };
  });

  it('reports nulls, not NaN, for an empty summary', () => {
    const report = finalizeReport(emptySummary(), input);
    expect(portfolioReportSchema.parse(report)).toStrictEqual(report);
    expect(report.totals.failureRate).toBe(0);
    expect(report.valuation.averageValue).toBeNull();
    expect(report.valuation.change.quantiles).toEqual({ p10: null, p50: null, p90: null, binWidth: 0.005 });
    expect(report.risk.weightedLtv).toBeNull();
    expect(report.fraud.flagRate).toBeNull();
    expect(report.concentration.state).toEqual({ hhi: 0, band: 'unconcentrated', groups: 0, top: [] });
    expect(report.propertyTypes).toEqual([]);
  });

  it('applies options: top groups and listed appraisers', () => {
    const report = finalizeReport(summarizeResults(samplePortfolio()), {
      ...input,
      submitted: 6,
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

  it('says what a partial report covers', async () => {
    const cancelled = await reportOf(samplePortfolio(), { status: 'cancelled', submitted: 1_000 });
    expect(cancelled.completeness).toEqual({
      status: 'cancelled',
      complete: false,
      submitted: 1_000,
      processed: 6,
      notProcessed: 994,
      note: 'Partial report: the job was cancelled after 6 of 1,000 submitted properties; every figure covers those 6 only (994 not analysed).',
    });
    const stopped = await reportOf(samplePortfolio(), { status: 'budget_exceeded', submitted: 10 });
    expect(stopped.completeness.note).toMatch(/^Partial report: the job stopped at its budget after 6 of 10/);
  });

  it('explains a risk run: what its values rest on, and why properties failed', async () => {
    const results = [
      analyzedResult({ id: 'S1', value: 100_000, source: 'stored', loan: { balance: 50_000 } }),
      analyzedResult({
        id: 'A1',
        value: 100_000,
        source: 'appraisal',
        loan: { balance: 50_000 },
        tier: 'B',
        downgradeReasons: ['APPRAISAL_ONLY'],
      }),
      failedResult('F1', {}, 'TX', 'NO_VALUE_BASIS'),
    ];
    const report = await reportOf(results, { analysisType: 'risk' });
    expect(report.totals.failures).toEqual([
      {
        code: 'NO_VALUE_BASIS',
        count: 1,
        explanation:
          'no stored valuation and no appraisal on file: this analysis type buys no AVM value (run a valuation first, or give lastAppraisedValue and lastAppraisalDate)',
      },
    ]);
    expect(report.risk.downgrades).toEqual({ WEAK_FSD: 0, STALE_VALUATION: 0, APPRAISAL_ONLY: 1 });
    expect(report.notes[0]).toBe(
      'A risk run buys no AVM value: 1 property rests on a stored valuation (0 of them older than 90 days, a weak basis) and 1 on their last appraisal (APPRAISAL_ONLY, a weak basis); a weak basis lowers the tier one step.',
    );
  });

  it('sums money in cents: totals exact to the cent', async () => {
    // 0.10 + 0.20 + ... in dollars drifts in binary floating point; in cents it is exact.
    const results = Array.from({ length: 10 }, (_, i) =>
      analyzedResult({ id: `C${i}`, value: 100_000.1, loan: { balance: 50_000.07, secondLienBalance: 0.01 } }),
    );
    const report = await reportOf(results);
    expect(report.valuation.totalValue).toBe(1_000_001);
    expect(report.risk.totalFirstLienBalance).toBe(500_000.7);
    expect(report.risk.totalSecondLienBalance).toBe(0.1);
  });

  it('compares like for like with the previous run and finds nothing when only properties were added', async () => {
    const before = samplePortfolio();
    const after = [
      ...before,
      analyzedResult({ id: 'P7', value: 500_000, loan: { balance: 490_000 }, fraud: { score: 90, flagged: true } }),
    ];
    const report = await reportOf(after, { previous: before });
    expect(report.comparison).toMatchObject({
      available: true,
      previousRun: { jobId: 'job-0' },
      population: { matched: 5, added: 1, failedBoth: 1 },
    });
    expect(report.findings).toEqual([]);
    expect(report.risk.preDistressed).toBe(2); // the totals do move: one more pre-distressed loan in the book
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
