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
      preDistressed: 0,
      screened: 1,
      flagged: 1,
      aiReviews: 1,
    });
    // Values rounded to whole dollars before summing; liens recovered from LTV and CLTV.
    expect(s.money).toEqual({
      currentValue: 300_000 + 150_001,
      appraisedCurrentValue: 300_000,
      lastAppraisedValue: 250_000,
      loanPropertyValue: 150_001,
      firstLienBalance: 135_000, // LTV 0.899996 x 150,000.6
      secondLienBalance: 15_001, // CLTV 1 x 150,000.6 rounds to 150,001; minus the first lien
    });
    expect(s.basisPointSums).toEqual({ valueChange: 2_000, ltv: 9_000 }); // LTV 0.899996 rounds to 9,000 bp
    expect(s.histograms.valueChange.bins).toEqual({ '240': 1 }); // +20% -> (2,000 + 10,000) / 50
    expect(s.histograms.ltv.bins).toEqual({ '180': 1 });
    expect(s.histograms.fraudScore.bins).toEqual({ '65': 1 });
    expect(s.tiers).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    expect(s.fraudReasons).toEqual({ APPRAISAL_ABOVE_AVM: 1 }); // one property, even with two flags of the code
    expect(s.aiVerdicts).toEqual({ clear: 0, review: 0, refer: 1 });
    // An inflation of -0.4 bp rounds to 0, never to -0.
    expect(s.appraisers).toStrictEqual({ X: [2, 1, 2, 2_500] });
    expect(s.geography.state).toEqual({ TX: [2, 450_001] });
    expect(s.geography.county).toEqual({ [countyKey('TX', 'Travis')]: [1, 300_000] });
    expect(s.geography.zip).toEqual({ '78701': [1, 300_000], '78702': [1, 150_001] });
    expect(s.propertyTypes).toEqual({
      SFR: { properties: 2, value: 450_001, loans: 1, ltvSumBp: 9_000, tiers: { A: 0, B: 0, C: 0, D: 1 } },
    });
    // Failed properties still cost what they spent.
    expect(s.costCents).toEqual({ valuation: 6, fraud: 0, risk: 3, total: 9 });
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
    expect(JSON.stringify(summarizeResults(results)).length).toBeLessThan(6_000);
  });
});
