// Cost: the seed's price table, the estimate (an upper bound) and what a property actually cost.
// Money is counted in whole cents, so totals are exact: 10,000 comprehensive properties cost exactly
// $800.00, not 799.9999999999.
import { z } from 'zod';
import { centsToDollars as toDollars, toCents } from './money.ts';
import type { Cost } from './results.ts';
import type { AnalysisType } from './schemas.ts';

const wholeCents = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;
const rate = z.number().min(0).max(1_000).refine(wholeCents, 'must be a whole number of cents');

/** Dollars per unit of work (seed: AVM $0.02, AI fraud review $0.05, risk $0.01). */
export const costRatesSchema = z.object({
  /** Per property valued by a paid AVM answer. A cascade is billed per hit, like the vendors' cascades. */
  valuation: rate.default(0.02),
  /** Per AI fraud review. */
  fraud: rate.default(0.05),
  /** Per property risk-scored. */
  risk: rate.default(0.01),
});
export type CostRates = z.infer<typeof costRatesSchema>;

export const COST_COMPONENTS = ['valuation', 'fraud', 'risk'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

/** What each analysis type may pay for. */
export function componentsFor(analysisType: AnalysisType): readonly CostComponent[] {
  return analysisType === 'comprehensive' ? COST_COMPONENTS : [analysisType];
}

export const costBreakdownSchema = z.object({
  properties: z.number().int(),
  analysisType: z.string(),
  /** Dollars per property for each component the analysis type includes. */
  perProperty: z.partialRecord(z.enum(COST_COMPONENTS), z.number()),
  /** Dollars per component for the whole portfolio. */
  components: z.partialRecord(z.enum(COST_COMPONENTS), z.number()),
  total: z.number(),
});
export type CostBreakdown = z.infer<typeof costBreakdownSchema>;

/**
 * The estimate: every property pays every component of its analysis type. It is an upper bound on the
 * actual cost (cache hits, stored values and properties the rules clear cost less), which is what budget
 * checks and reservations need.
 */
export function estimateCost(properties: number, analysisType: AnalysisType, rates: CostRates): CostBreakdown {
  const perProperty: Partial<Record<CostComponent, number>> = {};
  const components: Partial<Record<CostComponent, number>> = {};
  let totalCents = 0;
  for (const component of componentsFor(analysisType)) {
    const cents = toCents(rates[component]) * properties;
    perProperty[component] = rates[component];
    components[component] = toDollars(cents);
    totalCents += cents;
  }
  return { properties, analysisType, perProperty, components, total: toDollars(totalCents) };
}

/** The estimate in whole cents, for reservations and budget checks done in integers. */
export function estimateCents(properties: number, analysisType: AnalysisType, rates: CostRates): number {
  return componentsFor(analysisType).reduce((sum, component) => sum + toCents(rates[component]) * properties, 0);
}

export interface PaidWork {
  /** The value came from a paid AVM answer (not the cache, a stored result or the appraisal). */
  boughtValuation: boolean;
  aiReviewed: boolean;
  riskScored: boolean;
}

/** What one property actually cost, in dollars (whole cents). */
export function propertyCost(work: PaidWork, rates: CostRates): Cost {
  const valuation = work.boughtValuation ? toCents(rates.valuation) : 0;
  const fraud = work.aiReviewed ? toCents(rates.fraud) : 0;
  const risk = work.riskScored ? toCents(rates.risk) : 0;
  return {
    valuation: toDollars(valuation),
    fraud: toDollars(fraud),
    risk: toDollars(risk),
    total: toDollars(valuation + fraud + risk),
  };
}
