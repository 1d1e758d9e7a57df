// Like-for-like comparison of two runs of a portfolio (DESIGN §4): the previous complete report's snapshot
// and this run's, joined by propertyId. Only properties analysed successfully in both runs are compared;
// what was added, removed or failed on either side is counted apart and never moves a metric. A run that
// analyses 100 more properties with unchanged values therefore changes nothing here and raises no alert,
// where a comparison of totals would report more pre-distressed loans and more fraud flags.
// Every finding (alert) is computed on this matched set and says how many properties it rests on.
import { z } from 'zod';
import { exactHhi, hhiAbove, hhiDifference, hhiText, hhiValue } from './hhi.ts';
import { CONCENTRATION_BANDS, concentrationBand, type ConcentrationOptions } from './market.ts';
import { centsToDollars } from './money.ts';
import { RISK_TIERS, type RiskTier } from './results.ts';
import { ANALYSIS_TYPES } from './schemas.ts';
import type { SnapshotRecord } from './snapshot.ts';

export const materialityOptionsSchema = z.object({
  /** Like-for-like total value falling by more than this fraction is material (0.05 = 5%). */
  totalValueDropPct: z.number().min(0).default(0.05),
  /** Like-for-like weighted LTV rising by more than this (a fraction: 0.05 = five percentage points). */
  weightedLtvRise: z.number().min(0).default(0.05),
  /** Pre-distressed loans among those in both runs rising by more than this many is material (0: any rise). */
  preDistressedRise: z.number().int().min(0).default(0),
  /** Fraud-flagged properties among those screened in both runs rising by more than this many (0: any rise). */
  flaggedRise: z.number().int().min(0).default(0),
  /** Any concentration band moving up (unconcentrated -> moderate -> high) is material. */
  concentrationWorsened: z.boolean().default(true),
});

const count = z.number().int().nonnegative();
const maybe = z.number().nullable();
const tierCounts = z.record(z.enum(RISK_TIERS), count);
const sides = <T extends z.ZodType>(schema: T) => z.object({ previous: schema, current: schema });
const moved = <T extends z.ZodType>(schema: T) => sides(schema).extend({ change: schema });
/** A count in both runs, with the properties that entered it and those that left it. */
const countChange = moved(z.number().int()).extend({ newly: count, noLonger: count });

const dimensionSchema = z.object({
  previous: z.object({ hhi: z.number(), band: z.enum(CONCENTRATION_BANDS) }),
  current: z.object({ hhi: z.number(), band: z.enum(CONCENTRATION_BANDS) }),
  /** current - previous HHI. */
  change: z.number(),
  /**
   * The 2023 Merger Guidelines' change rule (§2.1): the current HHI is above the high band (1,800) and rose by
   * more than 100 points. Decided on the exact fractions.
   */
  significantIncrease: z.boolean(),
});

export const comparisonSchema = z.object({
  /** The report compared with: the portfolio's latest complete run with an earlier analysis date. */
  previousRun: z.object({
    jobId: z.string(),
    asOf: z.string(),
    generatedAt: z.string(),
    /** Its analysis type (absent for reports written before it was recorded). */
    analysisType: z.enum(ANALYSIS_TYPES).optional(),
  }),
  /** How the two runs' properties pair up by propertyId. */
  population: z.object({
    /** Properties with a result in each run. */
    previous: count,
    current: count,
    /** Analysed successfully in both: the like-for-like set everything below is computed on. */
    matched: count,
    /** In this run only, and in the previous run only. */
    added: count,
    removed: count,
    /** In both runs, but failed in the previous run only, in this run only, or in both. */
    failedPreviousOnly: count,
    failedCurrentOnly: count,
    failedBoth: count,
  }),
  likeForLike: z.object({
    /**
     * Matched properties valued in both runs but on different bases: by an AVM in one run and on the appraisal
     * on file in the other (a risk-only run after a valuation run, say). Their values, loans, tiers and
     * concentration are left out of every comparison below, which would otherwise measure the change of method.
     */
    valueBasisChanged: count,
    /** Matched properties with a value in both runs, on the same basis (AVM in both, or appraisal in both). */
    valued: count,
    /** Their total value, dollars; changePct = change / previous. */
    totalValue: moved(z.number()).extend({ changePct: maybe }),
    /** Matched properties with a loan in both runs. */
    loans: count,
    /** Σ first-lien balances / Σ values over those loans, each run on its own figures. */
    weightedLtv: moved(maybe),
    weightedCltv: moved(maybe),
    /** Those loans per tier in each run, and by previous tier (first key) and current tier (second key). */
    tiers: sides(tierCounts),
    migration: z.record(z.enum(RISK_TIERS), tierCounts),
    preDistressed: countChange,
    /** Matched properties screened for fraud in both runs, and their flags. */
    screened: count,
    flagged: countChange,
    /** Concentration of the valued matched properties' values, in each run. */
    concentration: z.object({ state: dimensionSchema, county: dimensionSchema, zip: dimensionSchema }),
  }),
});
export type Comparison = z.infer<typeof comparisonSchema>;

export const FINDING_CODES = [
  'TOTAL_VALUE_DROP',
  'WEIGHTED_LTV_RISE',
  'PRE_DISTRESSED_RISE',
  'FRAUD_FLAGS_RISE',
  'CONCENTRATION_WORSENED',
  'CONCENTRATION_INCREASE',
] as const;

export const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  message: z.string(),
  /** Findings compare like with like: the properties analysed in both runs. */
  basis: z.literal('like-for-like'),
  /** How many properties the finding is computed on (valued, loans or screened in both runs). */
  properties: count,
});
export type Finding = z.infer<typeof findingSchema>;

const zeroTiers = (): Record<RiskTier, number> => ({ A: 0, B: 0, C: 0, D: 0 });
const DIMENSIONS = ['state', 'county', 'zip'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Sums of one run over the matched set. */
class Side {
  value = 0;
  firstLien = 0;
  combined = 0;
  loanValue = 0;
  preDistressed = 0;
  flagged = 0;
  readonly tiers = zeroTiers();
}

const hasLoan = (r: SnapshotRecord): boolean =>
  r.firstLien !== undefined && r.tier !== undefined && r.basis !== 'no-loan' && (r.value ?? 0) > 0;

/** Both values came from an AVM (the record names its provider), or both from the appraisal on file. */
const sameValueBasis = (a: SnapshotRecord, b: SnapshotRecord): boolean =>
  (a.provider !== undefined) === (b.provider !== undefined);

/**
 * The like-for-like comparison, one pair at a time: add(previous, current) with the record of a propertyId
 * in each run (undefined where the run has none), in any order; then result(). Memory is a few counters and
 * the matched properties' value per state, county and ZIP.
 */
export class LikeForLikeTally {
  readonly #population = {
    previous: 0,
    current: 0,
    matched: 0,
    added: 0,
    removed: 0,
    failedPreviousOnly: 0,
    failedCurrentOnly: 0,
    failedBoth: 0,
  };
  readonly #previous = new Side();
  readonly #current = new Side();
  readonly #migration = Object.fromEntries(RISK_TIERS.map((t) => [t, zeroTiers()])) as Record<
    RiskTier,
    Record<RiskTier, number>
  >;
  readonly #groups: Record<Dimension, Map<string, [number, number]>> = {
    state: new Map(),
    county: new Map(),
    zip: new Map(),
  };
  #valueBasisChanged = 0;
  #valued = 0;
  #loans = 0;
  #screened = 0;
  #preDistressedMoves = { newly: 0, noLonger: 0 };
  #flaggedMoves = { newly: 0, noLonger: 0 };

  add(previous: SnapshotRecord | undefined, current: SnapshotRecord | undefined): void {
    const p = this.#population;
    if (previous) p.previous += 1;
    if (current) p.current += 1;
    if (!previous || !current) {
      if (current) p.added += 1;
      else if (previous) p.removed += 1;
      return;
    }
    const failedBefore = previous.failed !== undefined;
    const failedNow = current.failed !== undefined;
    if (failedBefore || failedNow) {
      if (failedBefore && failedNow) p.failedBoth += 1;
      else if (failedBefore) p.failedPreviousOnly += 1;
      else p.failedCurrentOnly += 1;
      return;
    }
    p.matched += 1;
    if (previous.value !== undefined && current.value !== undefined && !sameValueBasis(previous, current))
      this.#valueBasisChanged += 1;
    else {
      if (previous.value !== undefined && current.value !== undefined) this.#addValues(previous, current);
      if (hasLoan(previous) && hasLoan(current)) this.#addLoans(previous, current);
    }
    if (previous.screened && current.screened) {
      this.#screened += 1;
      this.#previous.flagged += previous.flagged ? 1 : 0;
      this.#current.flagged += current.flagged ? 1 : 0;
      count2(this.#flaggedMoves, previous.flagged === true, current.flagged === true);
    }
  }

  #addValues(previous: SnapshotRecord, current: SnapshotRecord): void {
    this.#valued += 1;
    this.#previous.value += previous.value!;
    this.#current.value += current.value!;
    for (const dimension of DIMENSIONS) {
      // The place is the current run's; a property that moved county is a data correction, counted where it is now.
      const key = dimension === 'state' ? current.state : dimension === 'zip' ? current.zip : current.county;
      if (key === undefined) continue;
      const sums = this.#groups[dimension].get(key) ?? [0, 0];
      this.#groups[dimension].set(key, [sums[0] + previous.value!, sums[1] + current.value!]);
    }
  }

  #addLoans(previous: SnapshotRecord, current: SnapshotRecord): void {
    this.#loans += 1;
    for (const [side, r] of [
      [this.#previous, previous],
      [this.#current, current],
    ] as const) {
      side.firstLien += r.firstLien!;
      side.combined += r.firstLien! + (r.secondLien ?? 0);
      side.loanValue += r.value!;
      side.tiers[r.tier!] += 1;
      if (r.preDistressed) side.preDistressed += 1;
    }
    this.#migration[previous.tier!][current.tier!] += 1;
    count2(this.#preDistressedMoves, previous.preDistressed === true, current.preDistressed === true);
  }

  /** The comparison; `previousRun` names the report compared with. */
  result(
    previousRun: Comparison['previousRun'],
    bands: Pick<ConcentrationOptions, 'moderateAbove' | 'highAbove' | 'significantIncreaseAbove'>,
  ): Comparison {
    const before = this.#previous;
    const now = this.#current;
    const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
    const movedRatio = (previous: number | null, current: number | null) => ({
      previous,
      current,
      change: previous === null || current === null ? null : current - previous,
    });
    const concentration = (dimension: Dimension) => {
      const groups = [...this.#groups[dimension].values()];
      const previous = exactHhi(groups.map(([v]) => v));
      const current = exactHhi(groups.map(([, v]) => v));
      const change = hhiDifference(current, previous);
      return {
        previous: { hhi: hhiValue(previous), band: concentrationBand(previous, bands) },
        current: { hhi: hhiValue(current), band: concentrationBand(current, bands) },
        change: hhiValue(change),
        significantIncrease: hhiAbove(current, bands.highAbove) && hhiAbove(change, bands.significantIncreaseAbove),
      };
    };
    return {
      previousRun,
      population: { ...this.#population },
      likeForLike: {
        valueBasisChanged: this.#valueBasisChanged,
        valued: this.#valued,
        totalValue: {
          previous: centsToDollars(before.value),
          current: centsToDollars(now.value),
          change: centsToDollars(now.value - before.value),
          changePct: ratio(now.value - before.value, before.value),
        },
        loans: this.#loans,
        weightedLtv: movedRatio(ratio(before.firstLien, before.loanValue), ratio(now.firstLien, now.loanValue)),
        weightedCltv: movedRatio(ratio(before.combined, before.loanValue), ratio(now.combined, now.loanValue)),
        tiers: { previous: { ...before.tiers }, current: { ...now.tiers } },
        migration: Object.fromEntries(RISK_TIERS.map((t) => [t, { ...this.#migration[t] }])) as Record<
          RiskTier,
          Record<RiskTier, number>
        >,
        preDistressed: {
          previous: before.preDistressed,
          current: now.preDistressed,
          change: now.preDistressed - before.preDistressed,
          ...this.#preDistressedMoves,
        },
        screened: this.#screened,
        flagged: {
          previous: before.flagged,
          current: now.flagged,
          change: now.flagged - before.flagged,
          ...this.#flaggedMoves,
        },
        concentration: { state: concentration('state'), county: concentration('county'), zip: concentration('zip') },
      },
    };
  }
}

/** Counts a property entering (false -> true) or leaving (true -> false) a set. */
function count2(moves: { newly: number; noLonger: number }, before: boolean, now: boolean): void {
  if (!before && now) moves.newly += 1;
  else if (before && !now) moves.noLonger += 1;
}

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const n = (value: number): string => value.toLocaleString('en-US');

/**
 * The like-for-like changes worth an alert (portfolio-alerts queue). Each threshold is strict: exactly at it
 * is not material. Each message names the set it was computed on.
 */
export function likeForLikeFindings(
  comparison: Comparison,
  options?: z.input<typeof materialityOptionsSchema>,
): Finding[] {
  const o = materialityOptionsSchema.parse(options ?? {});
  const l = comparison.likeForLike;
  // A property valued by an AVM in one run and on its appraisal in the other is in neither set (valueBasisChanged).
  const onValued = `on the ${n(l.valued)} properties valued the same way in both runs`;
  const onLoans = `on the ${n(l.loans)} loans analysed the same way in both runs`;
  const findings: Finding[] = [];
  const add = (code: Finding['code'], message: string, properties: number) =>
    findings.push({ code, message, basis: 'like-for-like', properties });
  const drop = l.totalValue.changePct === null ? null : -l.totalValue.changePct;
  if (drop !== null && drop > o.totalValueDropPct)
    add(
      'TOTAL_VALUE_DROP',
      `total value down ${pct(drop)} ($${n(l.totalValue.previous)} -> $${n(l.totalValue.current)}) ${onValued}`,
      l.valued,
    );
  if (l.weightedLtv.change !== null && l.weightedLtv.change > o.weightedLtvRise)
    add(
      'WEIGHTED_LTV_RISE',
      `weighted LTV up ${(l.weightedLtv.change * 100).toFixed(1)} percentage points (${pct(l.weightedLtv.previous!)} -> ${pct(l.weightedLtv.current!)}) ${onLoans}`,
      l.loans,
    );
  const pd = l.preDistressed;
  if (pd.change > o.preDistressedRise)
    add(
      'PRE_DISTRESSED_RISE',
      `pre-distressed loans up by ${n(pd.change)} (${n(pd.previous)} -> ${n(pd.current)}: ${n(pd.newly)} newly, ${n(pd.noLonger)} no longer) ${onLoans}`,
      l.loans,
    );
  const f = l.flagged;
  if (f.change > o.flaggedRise)
    add(
      'FRAUD_FLAGS_RISE',
      `fraud-flagged properties up by ${n(f.change)} (${n(f.previous)} -> ${n(f.current)}: ${n(f.newly)} newly, ${n(f.noLonger)} no longer) on the ${n(l.screened)} properties screened in both runs`,
      l.screened,
    );
  for (const dimension of DIMENSIONS) {
    const c = l.concentration[dimension];
    const hhi = `HHI ${hhiText(c.previous.hhi)} -> ${hhiText(c.current.hhi)}`;
    if (
      o.concentrationWorsened &&
      CONCENTRATION_BANDS.indexOf(c.current.band) > CONCENTRATION_BANDS.indexOf(c.previous.band)
    )
      add(
        'CONCENTRATION_WORSENED',
        `${dimension} concentration ${c.previous.band} -> ${c.current.band} (${hhi}) ${onValued}`,
        l.valued,
      );
    if (c.significantIncrease)
      add(
        'CONCENTRATION_INCREASE',
        `${dimension} concentration up ${hhiText(c.change)} HHI points in a highly concentrated book (${hhi}; a significant increase under the 2023 Merger Guidelines' change rule) ${onValued}`,
        l.valued,
      );
  }
  return findings;
}
