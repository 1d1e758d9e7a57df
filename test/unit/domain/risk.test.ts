import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ValuationResult } from '../../../src/domain/results.ts';
import {
  lowerTier,
  riskFor,
  riskOptionsSchema,
  tierLimitsOf,
  tierOf,
  weakBasisReasons,
} from '../../../src/domain/risk.ts';

const options = riskOptionsSchema.parse({});
const asOf = new Date('2026-11-01T12:00:00Z');

function valuation(overrides: Partial<ValuationResult> = {}): ValuationResult {
  return {
    source: 'avm',
    provider: 'avm-primary',
    estimatedValue: 500_000,
    fsd: 0.08,
    withinMaxFsd: true,
    cascade: [],
    valuedAt: '2026-11-01T12:00:00.000Z',
    significantChange: false,
    valueBand: '500k-1m',
    ...overrides,
  };
}

describe('tierOf (exact, on whole cents and basis points)', () => {
  const limits = tierLimitsOf(options);
  // Balances against a value of $500,000.00 (50,000,000 cents).
  it.each([
    [0, 'A'],
    [30_000_000, 'A'], // 60% exactly
    [30_000_001, 'B'], // one cent more
    [40_000_000, 'B'],
    [40_000_001, 'C'],
    [45_000_000, 'C'],
    [45_000_001, 'D'],
    [75_000_000, 'D'],
  ] as const)('%d cents is tier %s', (balance, tier) => expect(tierOf(balance, 50_000_000, limits)).toBe(tier));

  it('decides 80% exactly where the float ratio of dollars with cents would not', () => {
    // $80,000.32 / $100,000.40 is exactly 0.8; in doubles 80000.32 / 100000.4 = 0.8000000000000002 (tier C).
    expect(80000.32 / 100000.4).toBeGreaterThan(0.8);
    expect(tierOf(8_000_032, 10_000_040, limits)).toBe('B');
    expect(riskFor({ loan: { balance: 80000.32 } }, valuation({ estimatedValue: 100000.4 }), asOf, options).tier).toBe(
      'B',
    );
  });

  it('moves the value by a shock in basis points: 72% LTV under a 10% fall is exactly 80%', () => {
    // 360,000 / (500,000 x 0.9) = 0.8 exactly: still B; one cent more is C.
    expect(tierOf(36_000_000, 50_000_000, limits, -1_000)).toBe('B');
    expect(tierOf(36_000_001, 50_000_000, limits, -1_000)).toBe('C');
    expect(tierOf(36_000_000, 50_000_000, limits, 1_000)).toBe('B'); // 360,000 / 550,000 = 65.5% after a 10% rise
    expect(tierOf(33_000_000, 50_000_000, limits, 1_000)).toBe('A'); // 330,000 / 550,000 = 60% exactly
  });

  it('agrees with integer arithmetic everywhere, on the boundaries above all', () => {
    const exact = (balance: number, value: number, shock: number): string => {
      const left = BigInt(balance) * 100_000_000n;
      const right = BigInt(value) * BigInt(10_000 + shock);
      const within = (limit: number) => left <= BigInt(limit) * right;
      return within(limits.A) ? 'A' : within(limits.B) ? 'B' : within(limits.C) ? 'C' : 'D';
    };
    // Values up to $10 billion; balances at a limit's exact boundary (when whole), one cent either side, or anywhere.
    const caseArb = fc
      .record({
        value: fc.integer({ min: 1, max: 1_000_000_000_000 }),
        shock: fc.integer({ min: -9_900, max: 10_000 }),
        limit: fc.constantFrom(limits.A, limits.B, limits.C),
        offset: fc.constantFrom(-1, 0, 1),
        anywhere: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: undefined }),
      })
      .map(({ value, shock, limit, offset, anywhere }) => {
        const boundary = Number((BigInt(limit) * BigInt(value) * BigInt(10_000 + shock)) / 100_000_000n);
        return { value, shock, balance: Math.max(0, anywhere ?? boundary + offset) };
      });
    fc.assert(
      fc.property(caseArb, ({ balance, value, shock }) => {
        expect(tierOf(balance, value, limits, shock)).toBe(exact(balance, value, shock));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a shocked value that is not positive, and amounts that are not whole cents', () => {
    expect(() => tierOf(1, 100, limits, -10_000)).toThrow(RangeError);
    expect(() => tierOf(1, 0, limits)).toThrow(RangeError);
    expect(() => tierOf(1.5, 100, limits)).toThrow(RangeError);
  });

  it('lowers one step and no further than D', () => {
    expect(['A', 'B', 'C', 'D'].map((t) => lowerTier(t as 'A'))).toEqual(['B', 'C', 'D', 'D']);
  });
});

describe('riskFor with a loan', () => {
  it('computes LTV and CLTV on the current value, at the exact boundaries of DESIGN §4', () => {
    expect(riskFor({ loan: { balance: 300_000 } }, valuation(), asOf, options)).toMatchObject({
      ltv: 0.6,
      cltv: 0.6,
      tier: 'A',
      preDistressed: false,
      basis: 'ltv',
    });
    expect(riskFor({ loan: { balance: 400_000 } }, valuation(), asOf, options)).toMatchObject({ ltv: 0.8, tier: 'B' });
    expect(riskFor({ loan: { balance: 450_000 } }, valuation(), asOf, options)).toMatchObject({
      ltv: 0.9,
      tier: 'C',
      preDistressed: false,
    });
    expect(riskFor({ loan: { balance: 450_001 } }, valuation(), asOf, options)).toMatchObject({
      tier: 'D',
      preDistressed: true,
    });
  });

  it('tiers on CLTV where a second lien exists: 60% LTV and 110% CLTV is tier D and pre-distressed', () => {
    // Value 500,000; first lien 300,000 (60%); second lien 250,000: (300,000 + 250,000) / 500,000 = 110%.
    const loan = { balance: 300_000, secondLienBalance: 250_000 };
    expect(riskFor({ loan }, valuation(), asOf, options)).toMatchObject({
      ltv: 0.6,
      cltv: 1.1,
      firstLienBalance: 300_000,
      secondLienBalance: 250_000,
      baseTier: 'D',
      tier: 'D',
      preDistressed: true,
      basis: 'cltv',
    });
    // The ltv setting tiers on the first lien alone: 60% is tier A.
    expect(riskFor({ loan }, valuation(), asOf, { ...options, tierRatio: 'ltv' })).toMatchObject({
      cltv: 1.1,
      tier: 'A',
      preDistressed: false,
      basis: 'ltv',
    });
  });

  it('tiers on CLTV at its exact boundaries: 50% + 30% = 80% is B, one dollar more is C', () => {
    const tierWith = (second: number) =>
      riskFor({ loan: { balance: 250_000, secondLienBalance: second } }, valuation(), asOf, options).tier;
    expect(tierWith(150_000)).toBe('B');
    expect(tierWith(150_001)).toBe('C');
    expect(tierWith(200_000)).toBe('C'); // 90%
    expect(tierWith(200_001)).toBe('D');
  });

  it('tiers on LTV without a second lien (or with one of 0), and says so', () => {
    expect(riskFor({ loan: { balance: 250_000 } }, valuation(), asOf, options)).toMatchObject({
      cltv: 0.5,
      secondLienBalance: 0,
      basis: 'ltv',
      tier: 'A',
    });
    expect(riskFor({ loan: { balance: 250_000, secondLienBalance: 0 } }, valuation(), asOf, options).basis).toBe('ltv');
  });

  it('lowers the tier one step on a weak basis, keeping the base tier and the reason', () => {
    const risk = riskFor({ loan: { balance: 350_000 } }, valuation({ fsd: 0.21 }), asOf, options);
    expect(risk).toMatchObject({ baseTier: 'B', tier: 'C', downgradeReasons: ['WEAK_FSD'] });
  });

  it('does not lower the tier at exactly the weak FSD', () => {
    expect(riskFor({ loan: { balance: 350_000 } }, valuation({ fsd: 0.2 }), asOf, options).tier).toBe('B');
  });

  it('marks pre-distressed on the tier ratio alone, even when a weak basis already makes it D', () => {
    const risk = riskFor(
      { loan: { balance: 460_000 } },
      valuation({ source: 'appraisal', fsd: undefined }),
      asOf,
      options,
    );
    expect(risk).toMatchObject({ baseTier: 'D', tier: 'D', preDistressed: true, downgradeReasons: ['APPRAISAL_ONLY'] });
  });
});

describe('weakBasisReasons', () => {
  it('finds an appraisal-only basis, a weak FSD and a stale reused valuation', () => {
    expect(weakBasisReasons(valuation(), asOf, options)).toEqual([]);
    expect(
      weakBasisReasons(valuation({ source: 'appraisal', fsd: undefined, valuedAt: '2026-10-01' }), asOf, options),
    ).toEqual(['APPRAISAL_ONLY']);
    expect(weakBasisReasons(valuation({ source: 'stored', valuedAt: '2026-08-03T00:00:00Z' }), asOf, options)).toEqual(
      [],
    ); // 90 days
    expect(weakBasisReasons(valuation({ source: 'stored', valuedAt: '2026-08-02T00:00:00Z' }), asOf, options)).toEqual([
      'STALE_VALUATION',
    ]); // 91 days
    expect(weakBasisReasons(valuation({ source: 'cache', fsd: 0.3, valuedAt: '2026-01-01' }), asOf, options)).toEqual([
      'WEAK_FSD',
      'STALE_VALUATION',
    ]);
  });

  it('never calls a value bought today stale, however old its date field looks to a reused one', () => {
    expect(weakBasisReasons(valuation({ source: 'avm', valuedAt: '2026-01-01' }), asOf, options)).toEqual([]);
  });
});

describe('riskFor without a loan', () => {
  it('tiers by the fall since the last appraisal and says so', () => {
    const noLoan = (changePct?: number) =>
      riskFor({}, valuation(changePct === undefined ? {} : { changePct }), asOf, options);
    expect(noLoan()).toMatchObject({ basis: 'no-loan', tier: 'A', preDistressed: false });
    expect(noLoan().note).toMatch(/No loan/);
    expect(noLoan()).not.toHaveProperty('ltv');
    expect(noLoan(0.3).tier).toBe('A');
    expect(noLoan(-0.0999).tier).toBe('A');
    expect(noLoan(-0.1).tier).toBe('B');
    expect(noLoan(-0.2).tier).toBe('C');
  });

  it('still lowers the tier on a weak basis', () => {
    expect(riskFor({}, valuation({ fsd: 0.25, changePct: -0.12 }), asOf, options)).toMatchObject({
      baseTier: 'B',
      tier: 'C',
    });
  });
});

describe('riskOptionsSchema', () => {
  it('refuses tier limits that do not rise', () => {
    const result = riskOptionsSchema.safeParse({ tierAMaxLtv: 0.85 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['tierBMaxLtv']);
  });

  it('takes tier limits in whole basis points and CLTV tiering by default', () => {
    expect(riskOptionsSchema.parse({}).tierRatio).toBe('cltv');
    expect(tierLimitsOf(riskOptionsSchema.parse({ tierAMaxLtv: 0.6125 }))).toEqual({ A: 6_125, B: 8_000, C: 9_000 });
    expect(riskOptionsSchema.safeParse({ tierAMaxLtv: 0.60005 }).success).toBe(false);
  });
});
