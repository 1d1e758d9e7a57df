import { describe, expect, it } from 'vitest';
import { trendPointFor, trendPointSchema } from '../../../src/domain/trend.ts';
import { samplePortfolio } from './property-results.ts';
import { reportOf } from './report-fixtures.ts';

describe('trendPointFor', () => {
  it('boils a report down to the time-series point', async () => {
    const p = trendPointFor(await reportOf(samplePortfolio()));
    expect(trendPointSchema.parse(p)).toStrictEqual(p);
    expect(p).toMatchObject({
      date: '2025-06-02',
      jobId: 'job-1',
      properties: 5,
      totalValue: 2_500_000,
      averageValue: 500_000,
      preDistressed: 1,
      flagged: 1,
      tiers: { A: 1, B: 0, C: 1, D: 1 }, // loans only: P4 has no loan
      concentration: { state: 'high', county: 'high', zip: 'high' },
    });
    expect(p.tierShares.A).toBeCloseTo(1 / 3, 15);
    expect(p.weightedLtv).toBeCloseTo(0.835, 12);
    expect(p.weightedCltv).toBeCloseTo(0.865, 12);
    expect(p.hhi.state).toBe(4_048);
  });
});
