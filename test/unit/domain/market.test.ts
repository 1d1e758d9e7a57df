import { describe, expect, it } from 'vitest';
import {
  concentrationBand,
  concentrationFor,
  concentrationOptionsSchema,
  hhi,
  propertyTypeDistribution,
} from '../../../src/domain/market.ts';

const defaults = concentrationOptionsSchema.parse({});

describe('hhi', () => {
  it('sums squared percentage shares', () => {
    expect(hhi([50, 30, 20])).toBeCloseTo(3_800, 9);
    expect(hhi([500_000, 300_000, 200_000])).toBeCloseTo(3_800, 9); // shares, not amounts
    expect(hhi([7, 7, 7, 7])).toBeCloseTo(2_500, 9);
    expect(hhi(Array.from({ length: 10 }, () => 1))).toBeCloseTo(1_000, 9);
  });

  it('is 10,000 for a single group and 0 for nothing', () => {
    expect(hhi([123_456])).toBe(10_000);
    expect(hhi([123_456, 0])).toBe(10_000);
    expect(hhi([])).toBe(0);
    expect(hhi([0, 0])).toBe(0);
  });

  it('rejects negative and non-finite values', () => {
    expect(() => hhi([10, -1])).toThrow(RangeError);
    expect(() => hhi([Number.NaN])).toThrow(RangeError);
    expect(() => hhi([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('concentrationBand', () => {
  it('defaults to the 2023 Merger Guidelines thresholds, strictly above each', () => {
    expect(defaults).toMatchObject({ moderateAbove: 1_000, highAbove: 1_800 });
    expect(concentrationBand(0, defaults)).toBe('unconcentrated');
    expect(concentrationBand(1_000, defaults)).toBe('unconcentrated');
    expect(concentrationBand(1_000.01, defaults)).toBe('moderate');
    expect(concentrationBand(1_800, defaults)).toBe('moderate');
    expect(concentrationBand(1_800.01, defaults)).toBe('high');
    expect(concentrationBand(10_000, defaults)).toBe('high');
  });

  it('follows configured bands', () => {
    expect(concentrationBand(1_600, { moderateAbove: 1_500, highAbove: 2_500 })).toBe('moderate');
    expect(concentrationBand(2_600, { moderateAbove: 1_500, highAbove: 2_500 })).toBe('high');
  });

  it('rejects bands out of order or out of range', () => {
    expect(() => concentrationOptionsSchema.parse({ moderateAbove: 2_000, highAbove: 1_000 })).toThrow();
    expect(() => concentrationOptionsSchema.parse({ highAbove: 10_001 })).toThrow();
  });
});

describe('concentrationFor', () => {
  it('lists the top groups by value, ties broken by properties then key', () => {
    const c = concentrationFor({ B: [1, 100], A: [1, 100], C: [3, 100], D: [1, 700] }, { ...defaults, topGroups: 3 });
    expect(c.groups).toBe(4);
    expect(c.top).toEqual([
      { key: 'D', properties: 1, value: 700, valueShare: 0.7 },
      { key: 'C', properties: 3, value: 100, valueShare: 0.1 },
      { key: 'A', properties: 1, value: 100, valueShare: 0.1 },
    ]);
    expect(c.hhi).toBeCloseTo(4_900 + 3 * 100, 9);
    expect(c.band).toBe('high');
  });

  it('gives zero shares when no group has value', () => {
    const c = concentrationFor({ TX: [2, 0] }, defaults);
    expect(c).toEqual({
      hhi: 0,
      band: 'unconcentrated',
      groups: 1,
      top: [{ key: 'TX', properties: 2, value: 0, valueShare: 0 }],
    });
  });
});

describe('propertyTypeDistribution', () => {
  it('lists present types in the fixed type order, with zero shares when there is no value', () => {
    const tiers = { A: 0, B: 0, C: 0, D: 0 };
    const rows = propertyTypeDistribution(
      {
        LAND: { properties: 1, value: 0, loans: 0, ltvSumBp: 0, tiers },
        SFR: { properties: 2, value: 0, loans: 2, ltvSumBp: 15_000, tiers: { ...tiers, A: 1, C: 1 } },
      },
      0,
    );
    expect(rows.map((r) => r.propertyType)).toEqual(['SFR', 'LAND']);
    expect(rows[0]).toMatchObject({ valueShare: 0, averageLtv: 0.75, tierShares: { A: 0.5, B: 0, C: 0.5, D: 0 } });
    expect(rows[1]).toMatchObject({ averageLtv: null, tierShares: { A: 0, B: 0, C: 0, D: 0 } });
  });
});
