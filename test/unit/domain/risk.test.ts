import { describe, expect, it } from 'vitest';
import type { ValuationResult } from '../../../src/domain/results.ts';
import { lowerTier, riskFor, riskOptionsSchema, riskTierFor, weakBasisReasons } from '../../../src/domain/risk.ts';

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

describe('riskTierFor', () => {
  it.each([
    [0, 'A'],
    [0.6, 'A'],
    [0.6000001, 'B'],
    [0.8, 'B'],
    [0.8000001, 'C'],
    [0.9, 'C'],
    [0.9000001, 'D'],
    [1.5, 'D'],
  ] as const)('LTV %d is tier %s', (ltv, tier) => expect(riskTierFor(ltv, options)).toBe(tier));

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

  it('adds the second lien into CLTV but tiers on the first lien', () => {
    const risk = riskFor({ loan: { balance: 250_000, secondLienBalance: 100_000 } }, valuation(), asOf, options);
    expect(risk).toMatchObject({ ltv: 0.5, cltv: 0.7, baseTier: 'A', tier: 'A' });
  });

  it('lowers the tier one step on a weak basis, keeping the base tier and the reason', () => {
    const risk = riskFor({ loan: { balance: 350_000 } }, valuation({ fsd: 0.21 }), asOf, options);
    expect(risk).toMatchObject({ baseTier: 'B', tier: 'C', downgradeReasons: ['WEAK_FSD'] });
  });

  it('does not lower the tier at exactly the weak FSD', () => {
    expect(riskFor({ loan: { balance: 350_000 } }, valuation({ fsd: 0.2 }), asOf, options).tier).toBe('B');
  });

  it('marks pre-distressed on LTV alone, even when a weak basis already makes it D', () => {
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
});
