import { describe, expect, it } from 'vitest';
import { AccuracyTally, AvmAccuracyTally, benchmarkFor } from '../../../src/domain/avm-accuracy.ts';

const asOf = new Date('2026-11-01T12:00:00Z'); // the window opens on 2025-11-01

describe('benchmarkFor', () => {
  const appraisal = (effectiveDate: string, appraisedValue: number) => ({
    appraisalId: `A-${effectiveDate}`,
    appraiserId: 'APR-1',
    appraisedValue,
    effectiveDate,
  });

  it('prefers the latest arm’s-length sale of the 12 months before the analysis date', () => {
    expect(
      benchmarkFor(
        {
          sales: [
            { date: '2026-02-01', price: 400_000 },
            { date: '2026-05-20', price: 420_000 },
          ],
          appraisals: [appraisal('2026-10-01', 450_000)],
        },
        asOf,
      ),
    ).toEqual({ kind: 'sale', date: '2026-05-20', value: 420_000 });
  });

  it('falls back to the latest appraisal in the window, from the list or the last appraisal', () => {
    expect(
      benchmarkFor(
        {
          sales: [{ date: '2025-10-31', price: 390_000 }], // one day before the window
          appraisals: [appraisal('2026-01-15', 430_000)],
          lastAppraisedValue: 440_000,
          lastAppraisalDate: '2026-03-01',
        },
        asOf,
      ),
    ).toEqual({ kind: 'appraisal', date: '2026-03-01', value: 440_000 });
  });

  it('skips sales marked non-arms-length and takes the window edge as inside', () => {
    expect(
      benchmarkFor(
        {
          sales: [
            { date: '2026-06-01', price: 150_000, saleType: 'non-arms-length' },
            { date: '2025-11-01', price: 380_000 },
          ],
        },
        asOf,
      ),
    ).toEqual({ kind: 'sale', date: '2025-11-01', value: 380_000 });
  });

  it('takes the later-listed of two on the same date, and nothing outside the window', () => {
    expect(
      benchmarkFor(
        {
          sales: [
            { date: '2026-04-01', price: 1 },
            { date: '2026-04-01', price: 2 },
          ],
        },
        asOf,
      ),
    ).toMatchObject({ value: 2 });
    expect(benchmarkFor({ appraisals: [appraisal('2024-01-01', 300_000)] }, asOf)).toBeUndefined();
    expect(benchmarkFor({}, asOf)).toBeUndefined();
  });
});

describe('AccuracyTally: MdAPE, PPE10, PPE20 and median error, by hand', () => {
  // Benchmark -> AVM value, and the error (AVM - benchmark) / benchmark:
  //   100,000 -> 105,000  +5%      200,000 -> 180,000  -10% (exactly 10%: within PPE10)
  //   300,000 -> 345,000  +15%     400,000 -> 480,000  +20% (exactly 20%: within PPE20, not PPE10)
  //   500,000 -> 375,000  -25%
  const five: Array<[number, number]> = [
    [105_000, 100_000],
    [180_000, 200_000],
    [345_000, 300_000],
    [480_000, 400_000],
    [375_000, 500_000],
  ];
  const tallyOf = (pairs: Array<[number, number]>) => {
    const tally = new AccuracyTally();
    for (const [value, benchmark] of pairs) tally.add(value * 100, benchmark * 100);
    return tally.result();
  };

  it('on an odd count: the middle value', () => {
    // |e| sorted: 5, 10, 15, 20, 25% -> MdAPE 15%. e sorted: -25, -10, +5, +15, +20% -> median +5%.
    expect(tallyOf(five)).toEqual({ properties: 5, mdape: 0.15, ppe10: 0.4, ppe20: 0.8, medianError: 0.05 });
  });

  it('on an even count: the mean of the two middle values', () => {
    // Add 100,000 -> 100,000 (0%). |e|: 0, 5, 10, 15, 20, 25% -> (10 + 15) / 2 = 12.5%.
    // e: -25, -10, 0, +5, +15, +20% -> (0 + 5) / 2 = 2.5%. Within 10%: 3 of 6; within 20%: 5 of 6.
    const r = tallyOf([...five, [100_000, 100_000]]);
    expect(r).toMatchObject({ properties: 6, ppe10: 0.5, ppe20: 5 / 6 });
    expect(r.mdape).toBeCloseTo(0.125, 15);
    expect(r.medianError).toBeCloseTo(0.025, 15);
  });

  it('decides within 10% on whole cents: one cent beyond is outside', () => {
    const tally = new AccuracyTally();
    tally.add(11_000_000, 10_000_000); // $110,000.00 vs $100,000.00: 10% exactly
    tally.add(11_000_001, 10_000_000); // one cent more
    expect(tally.result()).toMatchObject({ ppe10: 0.5, ppe20: 1 });
  });

  it('is all null on no properties', () => {
    expect(new AccuracyTally().result()).toEqual({
      properties: 0,
      mdape: null,
      ppe10: null,
      ppe20: null,
      medianError: null,
    });
  });

  it('grows past its first buffer', () => {
    const tally = new AccuracyTally();
    for (let i = 0; i < 3_001; i++) tally.add(i % 2 === 0 ? 110 : 90, 100);
    expect(tally.result()).toMatchObject({ properties: 3_001, mdape: 0.1, medianError: 0.1, ppe10: 1 });
  });
});

describe('AvmAccuracyTally', () => {
  it('splits sales from appraisals and each by the provider whose value was used', () => {
    const tally = new AvmAccuracyTally();
    tally.add({ value: 105, provider: 'avm-a', benchmark: ['sale', 100] });
    tally.add({ value: 80, provider: 'avm-b', benchmark: ['sale', 100] });
    tally.add({ value: 130, provider: 'avm-a', benchmark: ['appraisal', 100] });
    tally.add({ value: 130, benchmark: ['appraisal', 100] }); // an appraisal basis: no provider, no AVM to test
    tally.add({ value: 130, provider: 'avm-a' }); // no benchmark
    tally.add({ failed: 'AVM_UNAVAILABLE' });
    const r = tally.result();
    expect(r.windowMonths).toBe(12);
    expect(r.sale.overall).toMatchObject({ properties: 2, ppe10: 0.5, ppe20: 1 });
    expect(r.sale.byProvider.map((p) => [p.provider, p.properties, p.medianError])).toEqual([
      ['avm-a', 1, 0.05],
      ['avm-b', 1, -0.2],
    ]);
    expect(r.appraisal.overall).toMatchObject({ properties: 1, mdape: 0.3, ppe20: 0 });
  });
});
