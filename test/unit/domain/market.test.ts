import { describe, expect, it } from 'vitest';
import {
  concentrationBand,
  concentrationFor,
  concentrationOptionsSchema,
  propertyTypeDistribution,
} from '../../../src/domain/market.ts';
import { exactHhi } from '../../../src/domain/hhi.ts';

const defaults = concentrationOptionsSchema.parse({});

describe('concentrationBand', () => {
  it('defaults to the 2023 Merger Guidelines thresholds, strictly above each, decided exactly', () => {
    expect(defaults).toMatchObject({ moderateAbove: 1_000, highAbove: 1_800, significantIncreaseAbove: 100 });
    const tenEqual = exactHhi(Array.from({ length: 10 }, () => 1)); // 1,000
    const justAbove = exactHhi([1_000_001, ...Array.from({ length: 9 }, () => 1_000_000)]);
    const eighteenHundred = exactHhi([3, 2, 1, 1, 1, 1, 1]); // 900 + 400 + 500
    expect(concentrationBand(exactHhi([]), defaults)).toBe('unconcentrated');
    expect(concentrationBand(tenEqual, defaults)).toBe('unconcentrated');
    expect(concentrationBand(justAbove, defaults)).toBe('moderate');
    expect(concentrationBand(eighteenHundred, defaults)).toBe('moderate');
    expect(concentrationBand(exactHhi([3_001, 2_000, 1_000, 1_000, 1_000, 1_000, 1_000]), defaults)).toBe('high');
    expect(concentrationBand(exactHhi([1]), defaults)).toBe('high');
  });

  it('follows configured bands', () => {
    const twentySixHundred = exactHhi([4, 2, 2, 1, 1]); // shares 40, 20, 20, 10, 10: 1,600 + 400 + 400 + 100 + 100
    expect(concentrationBand(twentySixHundred, { moderateAbove: 1_500, highAbove: 2_500 })).toBe('high');
    expect(concentrationBand(twentySixHundred, { moderateAbove: 1_500, highAbove: 2_600 })).toBe('moderate');
  });

  it('rejects bands out of order, out of range or not whole points', () => {
    expect(() => concentrationOptionsSchema.parse({ moderateAbove: 2_000, highAbove: 1_000 })).toThrow();
    expect(() => concentrationOptionsSchema.parse({ highAbove: 10_001 })).toThrow();
    expect(() => concentrationOptionsSchema.parse({ highAbove: 1_800.5 })).toThrow();
  });
});

describe('concentrationFor', () => {
  it('lists the top groups by value in dollars, ties broken by properties then key', () => {
    const c = concentrationFor(
      { B: [1, 10_000], A: [1, 10_000], C: [3, 10_000], D: [1, 70_000] },
      { ...defaults, topGroups: 3 },
    );
    expect(c.groups).toBe(4);
    expect(c.top).toEqual([
      { key: 'D', properties: 1, value: 700, valueShare: 0.7 },
      { key: 'C', properties: 3, value: 100, valueShare: 0.1 },
      { key: 'A', properties: 1, value: 100, valueShare: 0.1 },
    ]);
    expect(c.hhi).toBe(4_900 + 3 * 100);
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
        LAND: { properties: 1, value: 0, loans: 0, ltvSumBp: 0, tiers, noLoan: 1 },
        SFR: { properties: 2, value: 0, loans: 2, ltvSumBp: 15_000, tiers: { ...tiers, A: 1, C: 1 }, noLoan: 0 },
      },
      0,
    );
    expect(rows.map((r) => r.propertyType)).toEqual(['SFR', 'LAND']);
    expect(rows[0]).toMatchObject({ valueShare: 0, averageLtv: 0.75, tierShares: { A: 0.5, B: 0, C: 0.5, D: 0 } });
    expect(rows[1]).toMatchObject({ averageLtv: null, tierShares: { A: 0, B: 0, C: 0, D: 0 }, noLoan: 1 });
  });
});
