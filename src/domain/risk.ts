// Risk: loan-to-value, tiers A-D and the pre-distressed flag (DESIGN §4).
import { z } from 'zod';
import { daysBetween, isoDay } from './dates.ts';
import { RISK_TIERS, type RiskResult, type RiskTier, type ValuationResult } from './results.ts';
import type { Property } from './schemas.ts';

const fraction = z.number().min(0).max(10);

export const riskOptionsSchema = z
  .object({
    /** Highest LTV of tier A (0.60 = 60%); exactly 60% is tier A. */
    tierAMaxLtv: fraction.default(0.6),
    tierBMaxLtv: fraction.default(0.8),
    /** Highest LTV of tier C; above it a loan is tier D and pre-distressed. */
    tierCMaxLtv: fraction.default(0.9),
    /** An AVM answer less confident than this (FSD above it) is a weak basis. */
    weakFsd: z.number().min(0).max(1).default(0.2),
    /** A stored or cached valuation older than this many days is a weak basis. */
    staleValuationDays: z.number().int().min(0).default(90),
    /** Without a loan: a value fall of at least this fraction vs the last appraisal makes tier B... */
    noLoanTierBDropPct: fraction.default(0.1),
    /** ...and of at least this fraction tier C. */
    noLoanTierCDropPct: fraction.default(0.2),
  })
  .refine((o) => o.tierAMaxLtv <= o.tierBMaxLtv && o.tierBMaxLtv <= o.tierCMaxLtv, {
    message: 'tier limits must rise: tierAMaxLtv <= tierBMaxLtv <= tierCMaxLtv',
    path: ['tierBMaxLtv'],
  })
  .refine((o) => o.noLoanTierBDropPct <= o.noLoanTierCDropPct, {
    message: 'noLoanTierBDropPct must be <= noLoanTierCDropPct',
    path: ['noLoanTierCDropPct'],
  });
export type RiskOptions = z.infer<typeof riskOptionsSchema>;

export const DOWNGRADE_REASONS = ['WEAK_FSD', 'STALE_VALUATION', 'APPRAISAL_ONLY'] as const;
export type DowngradeReason = (typeof DOWNGRADE_REASONS)[number];

/** Tier of a loan-to-value ratio: A <= 60%, B <= 80%, C <= 90%, D above (defaults). */
export function riskTierFor(
  ltv: number,
  options: Pick<RiskOptions, 'tierAMaxLtv' | 'tierBMaxLtv' | 'tierCMaxLtv'>,
): RiskTier {
  if (ltv <= options.tierAMaxLtv) return 'A';
  if (ltv <= options.tierBMaxLtv) return 'B';
  if (ltv <= options.tierCMaxLtv) return 'C';
  return 'D';
}

/** One tier worse; D stays D. */
export function lowerTier(tier: RiskTier): RiskTier {
  return RISK_TIERS[Math.min(RISK_TIERS.indexOf(tier) + 1, RISK_TIERS.length - 1)] ?? 'D';
}

/** Why a value basis is weak (empty when it is sound). */
export function weakBasisReasons(
  valuation: ValuationResult,
  asOf: Date,
  options: Pick<RiskOptions, 'weakFsd' | 'staleValuationDays'>,
): DowngradeReason[] {
  const reasons: DowngradeReason[] = [];
  if (valuation.source === 'appraisal') reasons.push('APPRAISAL_ONLY');
  if (valuation.fsd !== undefined && valuation.fsd > options.weakFsd) reasons.push('WEAK_FSD');
  const reused = valuation.source === 'cache' || valuation.source === 'stored';
  if (reused && daysBetween(valuation.valuedAt, isoDay(asOf)) > options.staleValuationDays)
    reasons.push('STALE_VALUATION');
  return reasons;
}

function noLoanTier(valuation: ValuationResult, options: RiskOptions): RiskTier {
  const fall = -(valuation.changePct ?? 0);
  if (fall >= options.noLoanTierCDropPct) return 'C';
  if (fall >= options.noLoanTierBDropPct) return 'B';
  return 'A';
}

/**
 * Risk of one property on its current value. LTV = first-lien balance / value, CLTV adds the second lien.
 * The tier comes from LTV; a weak value basis lowers it one step. Pre-distressed means LTV above the tier C
 * limit (90%), whatever the basis. Without a loan there is no LTV: the tier says only how far the value
 * fell since the last appraisal and how sure we are of it, and the result says so.
 */
export function riskFor(
  property: Pick<Property, 'loan'>,
  valuation: ValuationResult,
  asOf: Date,
  options: RiskOptions,
): RiskResult {
  const downgradeReasons = weakBasisReasons(valuation, asOf, options);
  const lower = (tier: RiskTier) => (downgradeReasons.length > 0 ? lowerTier(tier) : tier);
  const { loan } = property;
  if (loan === undefined) {
    const baseTier = noLoanTier(valuation, options);
    return {
      baseTier,
      tier: lower(baseTier),
      downgradeReasons,
      preDistressed: false,
      basis: 'no-loan',
      note: 'No loan: tiered by value change since the last appraisal and valuation confidence only.',
    };
  }
  const ltv = loan.balance / valuation.estimatedValue;
  const cltv = (loan.balance + (loan.secondLienBalance ?? 0)) / valuation.estimatedValue;
  const baseTier = riskTierFor(ltv, options);
  return {
    ltv,
    cltv,
    baseTier,
    tier: lower(baseTier),
    downgradeReasons,
    preDistressed: ltv > options.tierCMaxLtv,
    basis: 'ltv',
  };
}
