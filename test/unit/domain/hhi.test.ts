import { describe, expect, it } from 'vitest';
import { exactHhi, hhiAbove, hhiDifference, hhiText, hhiValue } from '../../../src/domain/hhi.ts';

describe('exactHhi', () => {
  it('sums squared percentage shares exactly', () => {
    expect(hhiValue(exactHhi([50, 30, 20]))).toBe(3_800);
    expect(hhiValue(exactHhi([500_000, 300_000, 200_000]))).toBe(3_800); // shares, not amounts
    expect(hhiValue(exactHhi([7, 7, 7, 7]))).toBe(2_500);
    expect(hhiValue(exactHhi([1, 2]))).toBeCloseTo(5_555.555555556, 9); // 100² x 5 / 9
  });

  it('is 10,000 for a single group and 0 for nothing', () => {
    expect(hhiValue(exactHhi([123_456]))).toBe(10_000);
    expect(hhiValue(exactHhi([123_456, 0]))).toBe(10_000);
    expect(hhiValue(exactHhi([]))).toBe(0);
    expect(hhiValue(exactHhi([0, 0]))).toBe(0);
  });

  it('takes whole non-negative amounts only', () => {
    expect(() => exactHhi([10, -1])).toThrow(RangeError);
    expect(() => exactHhi([1.5])).toThrow(RangeError);
    expect(() => exactHhi([Number.NaN])).toThrow(RangeError);
    expect(() => exactHhi([2 ** 53])).toThrow(RangeError);
  });
});

describe('the band boundaries are exact', () => {
  // Ten equal groups: 10 x 10² = 1,000 exactly. Shares 30/20/10/10/10/10/10: 900 + 400 + 5 x 100 = 1,800.
  const tenEqual = (cents: number) => Array.from({ length: 10 }, () => cents);
  const eighteenHundred = (unit: number) => [3, 2, 1, 1, 1, 1, 1].map((k) => k * unit);

  it('1,000 is not above 1,000 and 1,800 is not above 1,800, whatever the amounts', () => {
    for (const unit of [1, 7, 33, 1_234_567, 987_654_321, 333_333_333]) {
      expect(hhiAbove(exactHhi(tenEqual(unit)), 1_000)).toBe(false);
      expect(hhiValue(exactHhi(tenEqual(unit)))).toBe(1_000);
      expect(hhiAbove(exactHhi(eighteenHundred(unit)), 1_800)).toBe(false);
      expect(hhiAbove(exactHhi(eighteenHundred(unit)), 1_799)).toBe(true);
      expect(hhiValue(exactHhi(eighteenHundred(unit)))).toBe(1_800);
    }
  });

  it('where floating point misplaces them, it does not', () => {
    // Σv = 1,000 and Σv² = 100,000: HHI = 10⁴ x 100,000 / 1,000² = 1,000 exactly. The float formula
    // Σ (v / T x 100)² gives 1000.0000000000001 here, the worse band.
    const atThousand = [162, 134, 100, 100, 100, 100, 50, 38, 50, 50, 66, 50];
    // Σv = 1,000 and Σv² = 180,000: 1,800 exactly; the float formula gives 1800.0000000000002.
    const atEighteenHundred = [300, 196, 84, 92, 120, 108, 100];
    const float = (values: number[]) => {
      const total = values.reduce((a, b) => a + b, 0);
      return values.reduce((sum, v) => sum + ((v / total) * 100) ** 2, 0);
    };
    expect(float(atThousand)).toBeGreaterThan(1_000);
    expect(float(atEighteenHundred)).toBeGreaterThan(1_800);
    for (const unit of [1, 100, 987_654]) {
      expect(hhiAbove(exactHhi(atThousand.map((v) => v * unit)), 1_000)).toBe(false);
      expect(hhiValue(exactHhi(atThousand.map((v) => v * unit)))).toBe(1_000);
      expect(hhiAbove(exactHhi(atEighteenHundred.map((v) => v * unit)), 1_800)).toBe(false);
      expect(hhiValue(exactHhi(atEighteenHundred.map((v) => v * unit)))).toBe(1_800);
    }
  });

  it('one cent more in the largest group crosses the boundary', () => {
    const values = tenEqual(1_000_000);
    values[0] = 1_000_001;
    expect(hhiAbove(exactHhi(values), 1_000)).toBe(true);
    expect(hhiValue(exactHhi(values))).toBeGreaterThan(1_000);
  });

  it('refuses thresholds that are not whole points', () => {
    expect(() => hhiAbove(exactHhi([1]), 1_000.5)).toThrow(RangeError);
  });
});

describe('the change rule: ΔHHI above 100', () => {
  // Five groups of 20: HHI 2,000. Values summing to 20 with Σv² = 84 ([5,5,4,3,3]): 25 x 84 = 2,100.
  // Values summing to 1,000 with Σv² = 210,100 ([271,129,203,197,200]): 210,100 / 100 = 2,101.
  const before = exactHhi([20, 20, 20, 20, 20]);
  const up100 = exactHhi([5, 5, 4, 3, 3]);
  const up101 = exactHhi([271, 129, 203, 197, 200]);

  it('a rise of exactly 100 is not above 100; 101 is', () => {
    expect(hhiValue(up100)).toBe(2_100);
    expect(hhiValue(up101)).toBe(2_101);
    expect(hhiValue(hhiDifference(up100, before))).toBe(100);
    expect(hhiAbove(hhiDifference(up100, before), 100)).toBe(false);
    expect(hhiAbove(hhiDifference(up101, before), 100)).toBe(true);
  });

  it('differences may be negative', () => {
    expect(hhiValue(hhiDifference(before, up101))).toBe(-101);
    expect(hhiAbove(hhiDifference(before, up101), 0)).toBe(false);
  });
});

describe('hhiText: an index never reads as a boundary it is not', () => {
  it('shows whole indexes whole and up to two decimals otherwise', () => {
    expect(hhiText(1_000)).toBe('1,000');
    expect(hhiText(hhiValue(exactHhi([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])))).toBe('1,000');
    expect(hhiText(1_000.4)).toBe('1,000.4');
    expect(hhiText(2_345.678)).toBe('2,345.68');
  });

  it('takes more decimals where two would round to a whole number', () => {
    expect(hhiText(1_800.004)).toBe('1,800.004');
    expect(hhiText(999.999)).toBe('999.999');
    // 10,000 × (1,000,001² + 999,999²) / 2,000,000² = 5,000.000000005, above 5,000 by 5e-9.
    const justAbove = hhiValue(exactHhi([1_000_001, 999_999]));
    expect(hhiText(justAbove)).not.toBe('5,000');
    expect(hhiText(justAbove)).toBe('5,000.000000005');
    expect(hhiText(-100.001)).toBe('-100.001');
  });
});
