// Stress scenarios (DESIGN §4): house-price shocks applied to the values a run stored, with no paid call.
// Each loan's value moves by its scenario's shock (a national change, or its state's where the scenario
// names one); the loan is re-tiered by the same exact rule as today's tier (risk.ts tierOf, then one step
// lower when today's tier was lowered for a weak value basis), on the same ratio (LTV, or CLTV where the
// run tiered on it). Reported per scenario: the migration matrix from today's tier to the stressed one, the
// pre-distressed count and exposure, and the weighted LTV and CLTV. Properties without a loan have no
// ratio to stress and are left out, as are failed ones.
import { z } from 'zod';
import { BASIS_POINTS, toUnits } from './histogram.ts';
import { centsToDollars } from './money.ts';
import { RISK_TIERS, type RiskTier } from './results.ts';
import { lowerTier, tierOf, type TierLimits } from './risk.ts';
import { US_STATES, stressScenariosSchema, type StressScenario } from './schemas.ts';
import type { SnapshotRecord } from './snapshot.ts';

/** The body of POST /api/portfolio/jobs/{jobId}/stress: scenarios to run (default: DEFAULT_SCENARIOS). */
export const stressRequestSchema = z.strictObject({ scenarios: stressScenariosSchema.optional() });
export type StressRequest = z.infer<typeof stressRequestSchema>;

/** The report's scenarios when none are given: values down 10%, 20% and 30% everywhere. */
export const DEFAULT_SCENARIOS: readonly StressScenario[] = [-0.1, -0.2, -0.3].map((shock) => ({ shock }));

const count = z.number().int().nonnegative();
const maybe = z.number().nullable();
const tierCounts = z.record(z.enum(RISK_TIERS), count);

const stressFiguresSchema = z.object({
  /** Loans per tier. */
  tiers: tierCounts,
  preDistressed: z.object({
    /** Loans whose tier ratio is above the tier C limit (90%). */
    count,
    /** count / loans. */
    share: maybe,
    /** Their first-lien balances, dollars (exact to the cent). */
    firstLienBalance: z.number(),
    /** Their combined (first + second lien) balances, dollars: the exposure. */
    exposure: z.number(),
  }),
  /** Σ first-lien balances / Σ values of the loans (values after the shock). */
  weightedLtv: maybe,
  /** Σ (first + second lien) / Σ values. */
  weightedCltv: maybe,
});
export type StressFigures = z.infer<typeof stressFiguresSchema>;

export const stressScenarioResultSchema = stressFiguresSchema.extend({
  name: z.string(),
  shock: z.number(),
  stateShocks: z.partialRecord(z.enum(US_STATES), z.number()),
  /** Loans by today's tier (first key) and tier under the shock (second key). */
  migration: z.record(z.enum(RISK_TIERS), tierCounts),
  /** Loans whose tier worsened under the shock. */
  worsened: count,
});

export const stressResultSchema = z.object({
  /** Loans the scenarios apply to: analysed properties with a loan and a value. */
  loans: count,
  /** Tier limits the loans were re-tiered with, as fractions (0.6 = 60%). */
  tierLimits: z.object({ A: z.number(), B: z.number(), C: z.number() }),
  /** Today's figures on the same loans (no shock). */
  baseline: stressFiguresSchema,
  scenarios: z.array(stressScenarioResultSchema),
});
export type StressResult = z.infer<typeof stressResultSchema>;

const pct = (fraction: number) => `${Number((fraction * 100).toFixed(2))}%`;

/** A scenario's name: its own, else its shocks ("values -20%; TX -30%, FL -35%"). */
export function scenarioName(s: StressScenario): string {
  if (s.name !== undefined) return s.name;
  const states = Object.entries(s.stateShocks ?? {}).map(([state, shock]) => `${state} ${pct(shock)}`);
  return [`values ${pct(s.shock)}`, ...(states.length > 0 ? [states.join(', ')] : [])].join('; ');
}

const zeroTiers = (): Record<RiskTier, number> => ({ A: 0, B: 0, C: 0, D: 0 });

/** Running sums of one scenario (or of the baseline) over the loans. */
class Figures {
  readonly tiers = zeroTiers();
  readonly migration = Object.fromEntries(RISK_TIERS.map((t) => [t, zeroTiers()])) as Record<
    RiskTier,
    Record<RiskTier, number>
  >;
  worsened = 0;
  preDistressed = 0;
  preDistressedFirstLien = 0;
  preDistressedExposure = 0;
  firstLien = 0n;
  combined = 0n;
  /** Σ value x (10^4 + shock bp): the shocked values, scaled by 10^4 to stay integers. */
  scaledValues = 0n;

  add(today: RiskTier, stressed: RiskTier, preDistressed: boolean, first: number, second: number, scaled: bigint) {
    this.tiers[stressed] += 1;
    this.migration[today][stressed] += 1;
    if (RISK_TIERS.indexOf(stressed) > RISK_TIERS.indexOf(today)) this.worsened += 1;
    if (preDistressed) {
      this.preDistressed += 1;
      this.preDistressedFirstLien += first;
      this.preDistressedExposure += first + second;
    }
    this.firstLien += BigInt(first);
    this.combined += BigInt(first + second);
    this.scaledValues += scaled;
  }

  figures(loans: number): StressFigures {
    const weighted = (balances: bigint) =>
      this.scaledValues === 0n ? null : Number(balances * BigInt(BASIS_POINTS)) / Number(this.scaledValues);
    return {
      tiers: { ...this.tiers },
      preDistressed: {
        count: this.preDistressed,
        share: loans > 0 ? this.preDistressed / loans : null,
        firstLienBalance: centsToDollars(this.preDistressedFirstLien),
        exposure: centsToDollars(this.preDistressedExposure),
      },
      weightedLtv: weighted(this.firstLien),
      weightedCltv: weighted(this.combined),
    };
  }
}

/** The shock of `scenario` for a state, in basis points. */
const shockBpOf = (scenario: StressScenario, state: SnapshotRecord['state']): number =>
  toUnits(scenario.stateShocks?.[state] ?? scenario.shock, BASIS_POINTS);

/**
 * Stress scenarios over a snapshot, one record at a time (add), then the figures (result). Memory does not
 * grow with the portfolio: a few counters per scenario.
 */
export class StressTally {
  readonly #scenarios: readonly StressScenario[];
  readonly #limits: TierLimits;
  readonly #baseline = new Figures();
  readonly #stressed: Figures[];
  #loans = 0;

  constructor(scenarios: readonly StressScenario[], limits: TierLimits) {
    this.#scenarios = scenarios;
    this.#limits = limits;
    this.#stressed = scenarios.map(() => new Figures());
  }

  add(record: SnapshotRecord): void {
    const { value, firstLien, tier } = record;
    if (record.failed !== undefined || value === undefined || firstLien === undefined || tier === undefined) return;
    if (record.basis === 'no-loan' || value <= 0) return;
    const second = record.secondLien ?? 0;
    const balance = record.basis === 'cltv' ? firstLien + second : firstLien;
    const stressedTier = (shockBp: number) => {
      const base = tierOf(balance, value, this.#limits, shockBp);
      return { tier: record.weak ? lowerTier(base) : base, preDistressed: base === 'D' };
    };
    this.#loans += 1;
    const today = stressedTier(0);
    this.#baseline.add(tier, today.tier, today.preDistressed, firstLien, second, BigInt(value) * BigInt(BASIS_POINTS));
    this.#scenarios.forEach((scenario, i) => {
      const shockBp = shockBpOf(scenario, record.state);
      const after = stressedTier(shockBp);
      const scaled = BigInt(value) * BigInt(BASIS_POINTS + shockBp);
      this.#stressed[i]!.add(tier, after.tier, after.preDistressed, firstLien, second, scaled);
    });
  }

  result(): StressResult {
    const fraction = (bp: number) => bp / BASIS_POINTS;
    return {
      loans: this.#loans,
      tierLimits: { A: fraction(this.#limits.A), B: fraction(this.#limits.B), C: fraction(this.#limits.C) },
      baseline: this.#baseline.figures(this.#loans),
      scenarios: this.#scenarios.map((scenario, i) => {
        const f = this.#stressed[i]!;
        return {
          name: scenarioName(scenario),
          shock: scenario.shock,
          stateShocks: { ...scenario.stateShocks },
          ...f.figures(this.#loans),
          migration: Object.fromEntries(RISK_TIERS.map((t) => [t, { ...f.migration[t] }])) as Record<
            RiskTier,
            Record<RiskTier, number>
          >,
          worsened: f.worsened,
        };
      }),
    };
  }
}

/** The scenarios over every record of a snapshot (one streaming pass). */
export async function stressSnapshot(
  records: AsyncIterable<SnapshotRecord>,
  scenarios: readonly StressScenario[],
  limits: TierLimits,
): Promise<StressResult> {
  const tally = new StressTally(scenarios, limits);
  for await (const record of records) tally.add(record);
  return tally.result();
}
