// Risk: loan-to-value and combined loan-to-value, tiers A-D and the pre-distressed flag (DESIGN §4).
// Tiers are decided exactly, on whole cents and whole basis points: a loan at exactly 80% of its value is
// tier B whatever digits the amounts carry, and a house-price shock (stress.ts) moves it by the same rule.
import { z } from 'zod';
import { daysBetween, isoDay } from './dates.ts';
import { BASIS_POINTS } from './histogram.ts';
import { toCents } from './money.ts';
import { RISK_TIERS, type DowngradeReason, type RiskResult, type RiskTier, type ValuationResult } from './results.ts';
import type { Property } from './schemas.ts';

const fraction = z.number().min(0).max(10);
/** A fraction that is a whole number of basis points (0.6 or 0.6125, not 0.60005): tier limits are exact. */
const limit = fraction.refine((v) => Number.isInteger(Math.round(v * 1e8) / 1e4), 'must be whole basis points');

/** Which ratio tiers a loan with a second lien: CLTV (the combined exposure, default) or first-lien LTV. */
export const TIER_RATIOS = ['cltv', 'ltv'] as const;

export const riskOptionsSchema = z
  .object({
    /** Highest ratio of tier A (0.60 = 60%); exactly 60% is tier A. */
    tierAMaxLtv: limit.default(0.6),
    tierBMaxLtv: limit.default(0.8),
    /** Highest ratio of tier C; above it a loan is tier D and pre-distressed. */
    tierCMaxLtv: limit.default(0.9),
    /** The ratio tiers and pre-distressed are decided on where a second lien exists. */
    tierRatio: z.enum(TIER_RATIOS).default('cltv'),
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

/** The highest ratio of tiers A, B and C, in whole basis points (6000 = 60%). */
export interface TierLimits {
  A: number;
  B: number;
  C: number;
}

export function tierLimitsOf(options: Pick<RiskOptions, 'tierAMaxLtv' | 'tierBMaxLtv' | 'tierCMaxLtv'>): TierLimits {
  const bp = (v: number) => Math.round(v * BASIS_POINTS);
  return { A: bp(options.tierAMaxLtv), B: bp(options.tierBMaxLtv), C: bp(options.tierCMaxLtv) };
}

/**
 * balance x 10^8 <= limit x value x factor, for whole numbers: in doubles when the two sides differ by far
 * more than the rounding of the products (at most 3 x 2^-53 relative; 10^-12 is allowed), else in BigInts.
 * The answer is the exact integer comparison either way; the doubles only save time away from a boundary.
 */
function atMost(balanceCents: number, limitBp: number, valueCents: number, factor: number): boolean {
  const left = balanceCents * 100_000_000;
  const right = limitBp * valueCents * factor;
  if (Math.abs(left - right) > 1e-12 * Math.max(left, right)) return left < right;
  return BigInt(balanceCents) * 100_000_000n <= BigInt(limitBp) * BigInt(valueCents) * BigInt(factor);
}

/**
 * The tier of `balanceCents` against a value of `valueCents` moved by `shockBp` basis points (-2000: the
 * value falls 20%; 0: today's value). Exact: ratio <= limit is decided as
 * balance x 10^8 <= limit(bp) x value x (10^4 + shock(bp)) in integers, so boundaries belong to the better
 * tier (exactly 60% is A) with no floating-point noise. Throws a RangeError when the shocked value is not
 * positive (a shock of -100% or beyond) or an amount is not whole cents.
 */
export function tierOf(balanceCents: number, valueCents: number, limits: TierLimits, shockBp = 0): RiskTier {
  if (!Number.isSafeInteger(balanceCents) || !Number.isSafeInteger(valueCents) || !Number.isInteger(shockBp))
    throw new RangeError('tierOf: amounts must be whole cents and the shock whole basis points');
  if (valueCents <= 0 || shockBp <= -BASIS_POINTS)
    throw new RangeError(`tierOf: the shocked value must be positive (value ${valueCents}, shock ${shockBp} bp)`);
  const factor = BASIS_POINTS + shockBp;
  if (atMost(balanceCents, limits.A, valueCents, factor)) return 'A';
  if (atMost(balanceCents, limits.B, valueCents, factor)) return 'B';
  if (atMost(balanceCents, limits.C, valueCents, factor)) return 'C';
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

/** The ratio a loan is tiered on: CLTV where a second lien exists and the setting says so, else LTV. */
export function tierBasisOf(
  secondLienCents: number,
  tierRatio: RiskOptions['tierRatio'],
): Exclude<RiskResult['basis'], 'no-loan'> {
  return tierRatio === 'cltv' && secondLienCents > 0 ? 'cltv' : 'ltv';
}

/**
 * Risk of one property on its current value. LTV = first-lien balance / value; CLTV = (first + second lien)
 * / value (Fannie Mae Selling Guide B2-1.2-02). The tier comes from CLTV where a second lien exists (setting
 * `tierRatio`, default cltv), else from LTV; a weak value basis lowers it one step. Pre-distressed means that
 * ratio above the tier C limit (90%), whatever the basis. Without a loan there is no ratio: the tier says only
 * how far the value fell since the last appraisal and how sure we are of it, and the result says so.
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
  const value = Math.max(1, toCents(valuation.estimatedValue));
  const first = toCents(loan.balance);
  const second = toCents(loan.secondLienBalance ?? 0);
  const basis = tierBasisOf(second, options.tierRatio);
  const baseTier = tierOf(basis === 'cltv' ? first + second : first, value, tierLimitsOf(options));
  return {
    ltv: first / value,
    cltv: (first + second) / value,
    firstLienBalance: loan.balance,
    secondLienBalance: loan.secondLienBalance ?? 0,
    baseTier,
    tier: lower(baseTier),
    downgradeReasons,
    preDistressed: baseTier === 'D',
    basis,
  };
}
