import { describe, expect, it } from 'vitest';
import { LikeForLikeTally, likeForLikeFindings, type Comparison } from '../../../src/domain/like-for-like.ts';
import { concentrationOptionsSchema } from '../../../src/domain/market.ts';
import type { SnapshotRecord } from '../../../src/domain/snapshot.ts';
import { analyzeSnapshots } from '../../../src/domain/snapshot-analysis.ts';
import { riskOptionsSchema, tierLimitsOf } from '../../../src/domain/risk.ts';

const bands = concentrationOptionsSchema.parse({});
const run = { jobId: 'job-prev', asOf: '2026-10-01T02:00:00.000Z', generatedAt: '2026-10-01T02:10:00.000Z' };
const $ = (dollars: number) => dollars * 100;

/** A loan: value and first lien in dollars, tier, in `state`. */
function loan(
  id: string,
  value: number,
  firstLien: number,
  tier: SnapshotRecord['tier'],
  extra: Partial<SnapshotRecord> = {},
): SnapshotRecord {
  return {
    id,
    state: 'TX',
    zip: '78701',
    value: $(value),
    firstLien: $(firstLien),
    secondLien: 0,
    tier,
    basis: 'ltv',
    screened: true,
    ...extra,
  };
}

async function* stream(records: SnapshotRecord[]): AsyncGenerator<SnapshotRecord> {
  yield* records;
}

async function compare(previous: SnapshotRecord[], current: SnapshotRecord[]): Promise<Comparison> {
  const analysis = await analyzeSnapshots(
    stream(current),
    { run, records: stream(previous) },
    { scenarios: [], limits: tierLimitsOf(riskOptionsSchema.parse({})), concentration: bands },
  );
  return analysis.comparison!;
}

/** 200 properties spread evenly over 20 states' worth of ZIPs: nothing concentrated. */
function book(count: number, from = 0): SnapshotRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const zip = String(10_000 + (n % 20) * 1_000);
    const distressed = n % 10 === 0;
    return loan(`P-${String(n).padStart(5, '0')}`, 400_000, distressed ? 380_000 : 240_000, distressed ? 'D' : 'A', {
      zip,
      ...(distressed && { preDistressed: true }),
      ...(n % 7 === 0 && { flagged: true }),
    });
  });
}

describe('like-for-like comparison', () => {
  it('a rerun with 100 more properties and unchanged values changes nothing and finds nothing', async () => {
    const before = book(1_000);
    const after = book(1_100); // the same 1,000 (same values), plus 100 more, with their own distressed and flagged
    const c = await compare(before, after);
    expect(c.population).toEqual({
      previous: 1_000,
      current: 1_100,
      matched: 1_000,
      added: 100,
      removed: 0,
      failedPreviousOnly: 0,
      failedCurrentOnly: 0,
      failedBoth: 0,
    });
    expect(c.likeForLike.preDistressed).toEqual({ previous: 100, current: 100, change: 0, newly: 0, noLonger: 0 });
    expect(c.likeForLike.flagged.change).toBe(0);
    expect(c.likeForLike.totalValue.change).toBe(0);
    expect(c.likeForLike.weightedLtv.change).toBe(0);
    expect(c.likeForLike.concentration.zip.change).toBe(0);
    expect(likeForLikeFindings(c)).toEqual([]);
  });

  it('keeps failures on either side out of the metrics (a failure-heavy previous run)', async () => {
    // Previous: P1..P4, P3 and P4 failed. Current: P1..P4 analysed, P4 distressed, plus P5.
    const previous = [
      loan('P1', 100_000, 50_000, 'A'),
      loan('P2', 100_000, 50_000, 'A'),
      { id: 'P3', state: 'TX', zip: '78701', failed: 'AVM_UNAVAILABLE' } as SnapshotRecord,
      { id: 'P4', state: 'TX', zip: '78701', failed: 'AVM_UNAVAILABLE' } as SnapshotRecord,
    ];
    const current = [
      loan('P1', 100_000, 50_000, 'A'),
      { id: 'P2', state: 'TX', zip: '78701', failed: 'NO_AVM_VALUE' } as SnapshotRecord,
      loan('P3', 100_000, 50_000, 'A'),
      loan('P4', 100_000, 95_000, 'D', { preDistressed: true }),
      loan('P5', 100_000, 99_000, 'D', { preDistressed: true }),
    ];
    const c = await compare(previous, current);
    expect(c.population).toMatchObject({ matched: 1, added: 1, failedPreviousOnly: 2, failedCurrentOnly: 1 });
    expect(c.likeForLike).toMatchObject({ valued: 1, loans: 1, screened: 1 });
    expect(c.likeForLike.preDistressed.change).toBe(0);
    expect(likeForLikeFindings(c)).toEqual([]);
  });

  it('follows each matched loan from its previous tier to its current one', async () => {
    const previous = [
      loan('A1', 100_000, 50_000, 'A'),
      loan('B1', 100_000, 70_000, 'B'),
      loan('C1', 100_000, 85_000, 'C'),
      loan('N1', 100_000, 0, 'A', { firstLien: undefined, basis: 'no-loan' }),
    ];
    const current = [
      loan('A1', 80_000, 50_000, 'B'), // value fell 20%: 62.5%
      loan('B1', 70_000, 70_000, 'D', { preDistressed: true, flagged: true }),
      loan('C1', 100_000, 85_000, 'C'),
      loan('N1', 100_000, 0, 'A', { firstLien: undefined, basis: 'no-loan' }),
    ];
    const c = await compare(previous, current);
    const l = c.likeForLike;
    expect(l).toMatchObject({ valued: 4, loans: 3, screened: 4 });
    expect(l.totalValue).toEqual({ previous: 400_000, current: 350_000, change: -50_000, changePct: -0.125 });
    expect(l.weightedLtv.previous).toBeCloseTo(205_000 / 300_000, 15);
    expect(l.weightedLtv.current).toBeCloseTo(205_000 / 250_000, 15);
    expect(l.tiers).toEqual({ previous: { A: 1, B: 1, C: 1, D: 0 }, current: { A: 0, B: 1, C: 1, D: 1 } });
    expect(l.migration.A).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(l.migration.B).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    expect(l.preDistressed).toEqual({ previous: 0, current: 1, change: 1, newly: 1, noLonger: 0 });
    expect(l.flagged).toEqual({ previous: 0, current: 1, change: 1, newly: 1, noLonger: 0 });
    const findings = likeForLikeFindings(c);
    expect(findings.map((f) => f.code)).toEqual([
      'TOTAL_VALUE_DROP',
      'WEIGHTED_LTV_RISE',
      'PRE_DISTRESSED_RISE',
      'FRAUD_FLAGS_RISE',
    ]);
    expect(findings[2]).toEqual({
      code: 'PRE_DISTRESSED_RISE',
      message:
        'pre-distressed loans up by 1 (0 -> 1: 1 newly, 0 no longer) on the 3 loans analysed the same way in both runs',
      basis: 'like-for-like',
      properties: 3,
    });
    expect(findings[0]!.message).toMatch(/on the 4 properties valued the same way in both runs$/);
  });

  it('raises the change rule above 100 points in a highly concentrated book, and not at exactly 100', async () => {
    // Five ZIPs: values 20 each (HHI 2,000), then [5,5,4,3,3] x 4 (2,100: +100) or [271,129,203,197,200] (2,101).
    const inZips = (values: number[]) =>
      values.map((v, i): SnapshotRecord => ({ id: `Z${i}`, state: 'TX', zip: `7870${i}`, value: v }));
    const even = inZips([200, 200, 200, 200, 200]);
    const plus100 = await compare(even, inZips([250, 250, 200, 150, 150]));
    const plus101 = await compare(even, inZips([271, 129, 203, 197, 200]));
    expect(plus100.likeForLike.concentration.zip).toMatchObject({
      previous: { hhi: 2_000, band: 'high' },
      current: { hhi: 2_100, band: 'high' },
      change: 100,
      significantIncrease: false,
    });
    expect(plus101.likeForLike.concentration.zip).toMatchObject({ change: 101, significantIncrease: true });
    expect(likeForLikeFindings(plus100).map((f) => f.code)).not.toContain('CONCENTRATION_INCREASE');
    const increase = likeForLikeFindings(plus101).find((f) => f.code === 'CONCENTRATION_INCREASE');
    expect(increase?.message).toBe(
      "zip concentration up 101 HHI points in a highly concentrated book (HHI 2,000 -> 2,101; a significant increase under the 2023 Merger Guidelines' change rule) on the 5 properties valued the same way in both runs",
    );
  });

  it('reports a band crossing exactly, never "1000 -> 1000"', async () => {
    // Ten equal groups (1,000, unconcentrated) to ten equal groups again: no crossing however values move together.
    const ten = (value: number) =>
      Array.from({ length: 10 }, (_, i): SnapshotRecord => ({ id: `G${i}`, state: 'TX', zip: `7870${i}`, value }));
    const c = await compare(ten(123_457), ten(98_765));
    expect(c.likeForLike.concentration.zip.current.band).toBe('unconcentrated');
    expect(likeForLikeFindings(c).map((f) => f.code)).toEqual(['TOTAL_VALUE_DROP']);
  });

  it('leaves a change of value basis (AVM in one run, appraisal in the other) out of every value metric', async () => {
    // A comprehensive run valued the book by AVM; a later risk-only run values it on the appraisals on file,
    // 30% higher: comparing the two would be a false "value up / LTV down" (or, the other way, a false alert).
    const byAvm = book(200).map((r) => ({ ...r, provider: 'avm-primary' }));
    const onAppraisal = book(200).map((r, i) => ({
      ...r,
      value: Math.round(r.value! * 0.7),
      ...(i < 50 && { provider: 'avm-primary', value: r.value }),
    }));
    const comparison = await compare(byAvm, onAppraisal);
    expect(comparison.population.matched).toBe(200);
    expect(comparison.likeForLike.valueBasisChanged).toBe(150);
    expect(comparison.likeForLike.valued).toBe(50);
    expect(comparison.likeForLike.loans).toBe(50);
    expect(comparison.likeForLike.totalValue.change).toBe(0);
    expect(likeForLikeFindings(comparison)).toStrictEqual([]);
    // Screening does not rest on the value basis: every matched property is still compared for flags.
    expect(comparison.likeForLike.screened).toBe(200);
  });

  it('counts what is on one side only, and takes pairs in any order', () => {
    const tally = new LikeForLikeTally();
    tally.add(loan('X', 1, 0, 'A'), undefined);
    tally.add(undefined, loan('Y', 1, 0, 'A'));
    tally.add({ id: 'Z', state: 'TX', zip: '78701', failed: 'X' }, { id: 'Z', state: 'TX', zip: '78701', failed: 'Y' });
    expect(tally.result(run, bands).population).toEqual({
      previous: 2,
      current: 2,
      matched: 0,
      added: 1,
      removed: 1,
      failedPreviousOnly: 0,
      failedCurrentOnly: 0,
      failedBoth: 1,
    });
  });
});

describe('analyzeSnapshots', () => {
  it('refuses a snapshot out of propertyId order', async () => {
    const options = { scenarios: [], limits: tierLimitsOf(riskOptionsSchema.parse({})), concentration: bands };
    await expect(
      analyzeSnapshots(stream([loan('B', 1, 0, 'A'), loan('A', 1, 0, 'A')]), undefined, options),
    ).rejects.toThrow(/record 'A' follows 'B'/);
    await expect(
      analyzeSnapshots(
        stream([loan('A', 1, 0, 'A')]),
        { run, records: stream([loan('A', 1, 0, 'A'), loan('A', 1, 0, 'A')]) },
        options,
      ),
    ).rejects.toThrow(/previous run: record 'A' follows 'A'/);
  });
});
