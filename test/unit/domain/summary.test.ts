import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  chunkSummarySchema,
  countyKey,
  emptySummary,
  mergeAllSummaries,
  mergeSummaries,
  summarizeResults,
  type ChunkSummary,
} from '../../../src/domain/summary.ts';
import { propertyResultArb, propertyResultsArb } from './result-arbitraries.ts';
import { analyzedResult, failedResult } from './property-results.ts';

const summaryArb = propertyResultsArb().map(summarizeResults);

/**
 * Deep equality and identical serialisation (same keys in the same order). Not toStrictEqual: it compares
 * `.constructor`, which is an ordinary key here (an appraiser may be called "constructor").
 */
function expectSame(actual: ChunkSummary, expected: ChunkSummary): void {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const COST = { valuation: 0.02, risk: 0.01 };

describe('mergeSummaries (monoid laws, exact)', () => {
  it('is associative', () => {
    fc.assert(
      fc.property(summaryArb, summaryArb, summaryArb, (a, b, c) => {
        expectSame(mergeSummaries(mergeSummaries(a, b), c), mergeSummaries(a, mergeSummaries(b, c)));
      }),
    );
  });

  it('is commutative', () => {
    fc.assert(fc.property(summaryArb, summaryArb, (a, b) => expectSame(mergeSummaries(a, b), mergeSummaries(b, a))));
  });

  it('has emptySummary() as its identity on both sides', () => {
    fc.assert(
      fc.property(summaryArb, (s) => {
        expectSame(mergeSummaries(emptySummary(), s), s);
        expectSame(mergeSummaries(s, emptySummary()), s);
      }),
    );
  });

  it('summarising a concatenation equals merging the summaries of its parts', () => {
    fc.assert(
      fc.property(propertyResultsArb(), propertyResultsArb(), (a, b) => {
        expectSame(summarizeResults([...a, ...b]), mergeSummaries(summarizeResults(a), summarizeResults(b)));
      }),
    );
  });

  it('mergeAllSummaries equals folding with mergeSummaries, and of nothing is the identity', () => {
    fc.assert(
      fc.property(fc.array(summaryArb, { maxLength: 6 }), (list) => {
        expectSame(mergeAllSummaries(list), list.reduce(mergeSummaries, emptySummary()));
      }),
    );
    expectSame(mergeAllSummaries([]), emptySummary());
  });

  it('does not modify its inputs', () => {
    fc.assert(
      fc.property(summaryArb, summaryArb, (a, b) => {
        const before = JSON.stringify([a, b]);
        mergeSummaries(a, b);
        expect(JSON.stringify([a, b])).toBe(before);
      }),
    );
  });

  it('produces summaries that satisfy chunkSummarySchema and survive a JSON round trip', () => {
    fc.assert(
      fc.property(summaryArb, summaryArb, (a, b) => {
        const merged = mergeSummaries(a, b);
        expectSame(chunkSummarySchema.parse(JSON.parse(JSON.stringify(merged))), merged);
      }),
    );
  });
});

describe('summarizeResults', () => {
  it('summarises nothing as the empty summary', () => {
    expectSame(summarizeResults([]), emptySummary());
  });

  it('counts a hand-built chunk into the right fields and units', () => {
    const results = [
      analyzedResult({ id: 'P1', value: 300_000.4, lastAppraisedValue: 250_000, county: 'Travis', cost: COST }),
      analyzedResult({
        id: 'P2',
        value: 150_000.6,
        zip: '78702-0001',
        loan: { balance: 135_000, secondLienBalance: 15_000.6 },
        tier: 'D',
        fraud: {
          score: 65.5,
          flags: [
            { code: 'APPRAISAL_ABOVE_AVM', points: 30, detail: '+25%', appraisalId: 'A1' },
            { code: 'APPRAISAL_ABOVE_AVM', points: 30, detail: '+30%', appraisalId: 'A2' },
          ],
          flagged: true,
          appraisals: [
            { appraisalId: 'A1', appraiserId: 'X', inflationPct: 0.25, flagged: true },
            { appraisalId: 'A2', appraiserId: 'X', inflationPct: -0.00004, flagged: false },
          ],
          aiReview: { provider: 'ai', riskScore: 70, verdict: 'refer', summary: 'refer' },
        },
        cost: COST,
      }),
      failedResult('P3', COST, 'CA'),
    ];
    const s = summarizeResults(results);
    expect(s.counts).toEqual({
      properties: 3,
      analyzed: 2,
      failed: 1,
      cachedValuations: 0,
      valued: 2,
      appraised: 1,
      significantUp: 1,
      significantDown: 0,
      tiered: 1,
      loans: 1,
      loansWithSecondLien: 1,
      tieredOnCltv: 1,
      noLoan: 0,
      preDistressed: 1, // CLTV (135,000 + 15,000.60) / 150,000.60 = 100% > 90%
      screened: 1,
      flagged: 1,
      aiReviews: 1,
    });
    // Every amount in whole cents, summed exactly; balances as given on the loan, not recovered from ratios.
    expect(s.moneyCents).toEqual({
      currentValue: 30_000_040 + 15_000_060,
      appraisedCurrentValue: 30_000_040,
      lastAppraisedValue: 25_000_000,
      loanPropertyValue: 15_000_060,
      firstLienBalance: 13_500_000,
      secondLienBalance: 1_500_060,
      preDistressedFirstLien: 13_500_000,
      preDistressedExposure: 15_000_060,
    });
    // LTV 0.899996 rounds to 9,000 bp; CLTV is exactly 1.
    expect(s.basisPointSums).toEqual({ valueChange: 2_000, ltv: 9_000, cltv: 10_000 });
    expect(s.histograms.valueChange.bins).toEqual({ '240': 1 }); // +20% -> (2,000 + 10,000) / 50
    expect(s.histograms.ltv.bins).toEqual({ '180': 1 });
    expect(s.histograms.cltv.bins).toEqual({ '200': 1 });
    expect(s.histograms.fraudScore.bins).toEqual({ '65': 1 });
    expect(s.tiers).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    expect(s.noLoanTiers).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    // One property, even with two flags of the code; it is flagged, so it counts among the flagged too.
    expect(s.fraudReasons).toEqual({ fired: { APPRAISAL_ABOVE_AVM: 1 }, flagged: { APPRAISAL_ABOVE_AVM: 1 } });
    expect(s.failures).toEqual({ AVM_UNAVAILABLE: 1 });
    expect(s.aiVerdicts).toEqual({ clear: 0, review: 0, refer: 1 });
    // An inflation of -0.4 bp rounds to 0, never to -0.
    expect(s.appraisers).toStrictEqual({ X: [2, 1, 2, 2_500] });
    expect(s.geography.state).toEqual({ TX: [2, 45_000_100] });
    expect(s.geography.county).toEqual({ [countyKey('TX', 'Travis')]: [1, 30_000_040] });
    expect(s.geography.zip).toEqual({ '78701': [1, 30_000_040], '78702': [1, 15_000_060] });
    expect(s.propertyTypes).toEqual({
      SFR: {
        properties: 2,
        value: 45_000_100,
        loans: 1,
        ltvSumBp: 9_000,
        tiers: { A: 0, B: 0, C: 0, D: 1 },
        noLoan: 0,
      },
    });
    // Failed properties still cost what they spent.
    expect(s.costCents).toEqual({ valuation: 6, fraud: 0, risk: 3, total: 9 });
  });

  it('keeps properties without a loan apart from the loan tiers, and counts flag reasons among flagged', () => {
    const s = summarizeResults([
      analyzedResult({ id: 'N1', value: 100_000, tier: 'B' }),
      analyzedResult({ id: 'N2', value: 100_000, tier: 'C', downgradeReasons: ['APPRAISAL_ONLY'] }),
      analyzedResult({ id: 'L1', value: 100_000, loan: { balance: 50_000 } }),
      analyzedResult({
        id: 'R1',
        value: 100_000,
        fraud: { score: 15, flags: [{ code: 'ROUND_NUMBER', points: 15, detail: 'round' }] },
      }),
      failedResult('F1', {}, 'TX', 'NO_VALUE_BASIS'),
    ]);
    expect(s.counts).toMatchObject({ tiered: 3, loans: 1, noLoan: 2, screened: 1, flagged: 0 });
    expect(s.tiers).toEqual({ A: 1, B: 0, C: 0, D: 0 });
    expect(s.noLoanTiers).toEqual({ A: 0, B: 1, C: 1, D: 0 });
    expect(s.downgrades).toEqual({ WEAK_FSD: 0, STALE_VALUATION: 0, APPRAISAL_ONLY: 1 });
    expect(s.fraudReasons).toEqual({ fired: { ROUND_NUMBER: 1 }, flagged: {} });
    expect(s.failures).toEqual({ NO_VALUE_BASIS: 1 });
    expect(s.propertyTypes.SFR).toMatchObject({ loans: 1, noLoan: 2, tiers: { A: 1, B: 0, C: 0, D: 0 } });
  });

  it('tallies each provider of a cascade run in this job', () => {
    const cascade = (source: 'avm' | 'cache') =>
      analyzedResult({ id: `P-${source}`, value: 100_000, source, provider: 'avm-primary' });
    const withCascade = (r: ReturnType<typeof cascade>) => ({
      ...r,
      valuation: {
        ...r.valuation!,
        cascade: [
          { provider: 'avm-secondary', fsd: 0.21 },
          { provider: 'avm-primary', fsd: 0.05 },
        ],
      },
    });
    const s = summarizeResults([withCascade(cascade('avm')), withCascade(cascade('cache'))]);
    // Only the cascade that ran now (source avm) counts; the FSD of 5% falls in the first band (<= 5%).
    expect(s.avmProviders).toEqual({
      'avm-primary': {
        asked: 1,
        answered: 1,
        noValue: 0,
        failed: 0,
        withinMaxFsd: 1,
        fsdSumBp: 500,
        fsdBands: [1, 0, 0, 0, 0, 0, 0],
      },
      'avm-secondary': {
        asked: 1,
        answered: 1,
        noValue: 0,
        failed: 0,
        withinMaxFsd: 0,
        fsdSumBp: 2_100,
        fsdBands: [0, 0, 0, 0, 1, 0, 0],
      },
    });
  });

  it('counts a significant fall as down and an insignificant change as neither', () => {
    const s = summarizeResults([
      analyzedResult({ id: 'P1', value: 80_000, lastAppraisedValue: 100_000 }),
      analyzedResult({ id: 'P2', value: 105_000, lastAppraisedValue: 100_000 }),
    ]);
    expect([s.counts.significantUp, s.counts.significantDown]).toEqual([0, 1]);
  });

  it('keeps a 100-property chunk to a few KB of JSON', () => {
    const results = fc.sample(propertyResultArb, { numRuns: 100, seed: 42 });
    expect(JSON.stringify(summarizeResults(results)).length).toBeLessThan(8_000);
  });
});
