import { describe, expect, it } from 'vitest';
import { riskOptionsSchema, tierLimitsOf } from '../../../src/domain/risk.ts';
import type { SnapshotRecord } from '../../../src/domain/snapshot.ts';
import {
  DEFAULT_SCENARIOS,
  StressTally,
  scenarioName,
  stressRequestSchema,
  stressSnapshot,
} from '../../../src/domain/stress.ts';

const limits = tierLimitsOf(riskOptionsSchema.parse({}));
const $ = (dollars: number) => dollars * 100;

// Today: L1 50% A; L2 70% B; L3 CLTV (600k + 150k) / 1M = 75% B; L4 85% C lowered to D (weak basis);
// L5 72% B. N1 has no loan and F1 failed: neither is stressed.
const book: SnapshotRecord[] = [
  {
    id: 'L1',
    state: 'TX',
    zip: '78701',
    value: $(500_000),
    firstLien: $(250_000),
    secondLien: 0,
    tier: 'A',
    basis: 'ltv',
  },
  {
    id: 'L2',
    state: 'TX',
    zip: '78701',
    value: $(400_000),
    firstLien: $(280_000),
    secondLien: 0,
    tier: 'B',
    basis: 'ltv',
  },
  {
    id: 'L3',
    state: 'CA',
    zip: '94105',
    value: $(1_000_000),
    firstLien: $(600_000),
    secondLien: $(150_000),
    tier: 'B',
    basis: 'cltv',
  },
  {
    id: 'L4',
    state: 'FL',
    zip: '33101',
    value: $(200_000),
    firstLien: $(170_000),
    secondLien: 0,
    tier: 'D',
    basis: 'ltv',
    weak: true,
  },
  {
    id: 'L5',
    state: 'TX',
    zip: '78701',
    value: $(500_000),
    firstLien: $(360_000),
    secondLien: 0,
    tier: 'B',
    basis: 'ltv',
  },
  { id: 'N1', state: 'TX', zip: '78701', value: $(300_000), tier: 'A', basis: 'no-loan' },
  { id: 'F1', state: 'TX', zip: '78701', failed: 'AVM_UNAVAILABLE' },
];

async function* stream(records: SnapshotRecord[]): AsyncGenerator<SnapshotRecord> {
  yield* records;
}

describe('stress scenarios, by hand', () => {
  it('re-tiers every loan under each shock: migration, pre-distressed, weighted LTV', async () => {
    const r = await stressSnapshot(stream(book), DEFAULT_SCENARIOS, limits);
    expect(r.loans).toBe(5);
    expect(r.tierLimits).toEqual({ A: 0.6, B: 0.8, C: 0.9 });
    // Baseline: L4's ratio is 85% (C), lowered to D; not pre-distressed (that is decided on the ratio).
    expect(r.baseline).toMatchObject({
      tiers: { A: 1, B: 3, C: 0, D: 1 },
      preDistressed: { count: 0, share: 0, firstLienBalance: 0, exposure: 0 },
    });
    expect(r.baseline.weightedLtv).toBeCloseTo(1_660_000 / 2_600_000, 15);
    expect(r.baseline.weightedCltv).toBeCloseTo(1_810_000 / 2_600_000, 15);

    const [ten, twenty, thirty] = r.scenarios;
    // -10%: L1 55.6% A, L2 77.8% B, L3 83.3% C, L4 94.4% D (pre-distressed), L5 exactly 80% B.
    expect(ten).toMatchObject({
      name: 'values -10%',
      shock: -0.1,
      tiers: { A: 1, B: 2, C: 1, D: 1 },
      worsened: 1,
      preDistressed: { count: 1, share: 0.2, firstLienBalance: 170_000, exposure: 170_000 },
    });
    expect(ten!.migration).toEqual({
      A: { A: 1, B: 0, C: 0, D: 0 },
      B: { A: 0, B: 2, C: 1, D: 0 },
      C: { A: 0, B: 0, C: 0, D: 0 },
      D: { A: 0, B: 0, C: 0, D: 1 },
    });
    expect(ten!.weightedLtv).toBeCloseTo(1_660_000 / 2_340_000, 15);
    // -20%: L1 62.5% B, L2 87.5% C, L3 93.75% D, L4 106% D, L5 exactly 90% C.
    expect(twenty).toMatchObject({
      tiers: { A: 0, B: 1, C: 2, D: 2 },
      worsened: 4,
      preDistressed: { count: 2, firstLienBalance: 770_000, exposure: 920_000 },
    });
    expect(twenty!.migration.B).toEqual({ A: 0, B: 0, C: 2, D: 1 });
    // -30%: L1 71.4% B; L2 100%, L3 107%, L4 121%, L5 102.9%: all D.
    expect(thirty).toMatchObject({
      tiers: { A: 0, B: 1, C: 0, D: 4 },
      preDistressed: { count: 4, firstLienBalance: 1_410_000, exposure: 1_560_000 },
    });
    expect(thirty!.weightedCltv).toBeCloseTo(1_810_000 / 1_820_000, 15);
  });

  it('applies a state shock in its state and the national one elsewhere', async () => {
    const r = await stressSnapshot(stream(book), [{ shock: -0.1, stateShocks: { CA: -0.3 } }], limits);
    const [s] = r.scenarios;
    expect(s!.name).toBe('values -10%; CA -30%');
    // L3 in CA: 750k / 700k = 107% D; the rest as at -10%.
    expect(s).toMatchObject({ tiers: { A: 1, B: 2, C: 0, D: 2 }, preDistressed: { count: 2, exposure: 920_000 } });
  });

  it('keeps the exact boundary: a 72% loan after a 10% fall is exactly 80%, tier B', () => {
    const tally = new StressTally([{ shock: -0.1 }, { shock: -0.1001 }], limits);
    tally.add(book[4]!);
    const [atEdge, beyond] = tally.result().scenarios;
    expect(atEdge!.tiers.B).toBe(1);
    expect(beyond!.tiers.C).toBe(1);
  });
});

describe('stressRequestSchema', () => {
  it('takes scenarios with national and per-state shocks in whole basis points', () => {
    expect(
      stressRequestSchema.parse({ scenarios: [{ name: 'Gulf storm', shock: -0.05, stateShocks: { FL: -0.35 } }] }),
    ).toEqual({ scenarios: [{ name: 'Gulf storm', shock: -0.05, stateShocks: { FL: -0.35 } }] });
    expect(stressRequestSchema.parse({})).toEqual({});
    expect(scenarioName({ shock: 0.025 })).toBe('values 2.5%');
  });

  it('names each bad field', () => {
    const paths = (body: unknown) =>
      stressRequestSchema.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(paths({ scenarios: [{ shock: -1 }] })).toEqual(['scenarios.0.shock: must be >= -0.99']);
    expect(paths({ scenarios: [{ shock: -0.12345 }] })).toEqual([
      'scenarios.0.shock: must be whole basis points (at most 4 decimals)',
    ]);
    expect(paths({ scenarios: [{ shock: -0.1, stateShocks: { XX: -0.2 } }] })[0]).toMatch(/^scenarios\.0\.stateShocks/);
    expect(paths({ scenarios: [] })).toEqual(['scenarios: must contain at least 1 scenario']);
    expect(paths({ scenarios: [{ shock: -0.1, extra: 1 }] })[0]).toMatch(/extra/);
  });
});
