// Market monitoring (DESIGN §4): geographic concentration by the Herfindahl-Hirschman Index on value share
// (decided exactly: hhi.ts) and the property-type distribution. A report's time-series point is in trend.ts;
// comparisons between runs are like-for-like (like-for-like.ts).
import { z } from 'zod';
import { PROPERTY_TYPES } from './schemas.ts';
import { RISK_TIERS, type RiskTier } from './results.ts';
import { BASIS_POINTS } from './histogram.ts';
import { exactHhi, hhiAbove, hhiValue, type ExactHhi } from './hhi.ts';
import { centsToDollars } from './money.ts';
import type { ChunkSummary, GroupSums } from './summary.ts';

export const CONCENTRATION_BANDS = ['unconcentrated', 'moderate', 'high'] as const;
export type ConcentrationBand = (typeof CONCENTRATION_BANDS)[number];

const hhiPoints = z.number().int('must be a whole number of HHI points').min(0).max(10_000);

export const concentrationOptionsSchema = z
  .object({
    /** HHI above which a market is moderately concentrated (1,000, as in the 2023 US Merger Guidelines). */
    moderateAbove: hhiPoints.default(1_000),
    /** HHI above which a market is highly concentrated (2023 US Merger Guidelines §2.1: 1,800). */
    highAbove: hhiPoints.default(1_800),
    /** In a highly concentrated market, an HHI rise of more than this is significant (2023 Guidelines: 100). */
    significantIncreaseAbove: hhiPoints.default(100),
    /** Largest groups listed per dimension in the report. */
    topGroups: z.number().int().min(0).max(1_000).default(10),
  })
  .refine((o) => o.highAbove >= o.moderateAbove, {
    message: 'highAbove must be >= moderateAbove',
    path: ['highAbove'],
  });
export type ConcentrationOptions = z.infer<typeof concentrationOptionsSchema>;

/**
 * The band of an exact HHI. Strictly above a threshold moves up a band: exactly 1,000 is unconcentrated,
 * exactly 1,800 moderate, decided on the exact fraction (never on a float that reads 1000.0000000000001).
 */
export function concentrationBand(
  index: ExactHhi,
  bands: Pick<ConcentrationOptions, 'moderateAbove' | 'highAbove'>,
): ConcentrationBand {
  if (hhiAbove(index, bands.highAbove)) return 'high';
  if (hhiAbove(index, bands.moderateAbove)) return 'moderate';
  return 'unconcentrated';
}

export const concentrationSchema = z.object({
  /** HHI on current-value share, 0-10,000 (within 1e-9 of the exact value; the band is decided exactly). */
  hhi: z.number(),
  band: z.enum(CONCENTRATION_BANDS),
  /** Distinct groups (states, counties, ZIPs) holding at least one analysed property. */
  groups: z.number().int(),
  /** The largest groups by value (ties: more properties, then key), with their share of the total value. */
  top: z.array(
    z.object({
      key: z.string(),
      properties: z.number().int(),
      /** Current value, dollars. */
      value: z.number(),
      valueShare: z.number(),
    }),
  ),
});
export type Concentration = z.infer<typeof concentrationSchema>;

/** Concentration of one dimension from its group sums ([properties, value in cents] per key). */
export function concentrationFor(
  groups: Readonly<Record<string, GroupSums>>,
  options: ConcentrationOptions,
): Concentration {
  const entries = Object.entries(groups);
  const total = entries.reduce((sum, [, [, value]]) => sum + value, 0);
  const index = exactHhi(entries.map(([, [, value]]) => value));
  const top = entries
    .sort(([ka, [pa, va]], [kb, [pb, vb]]) => vb - va || pb - pa || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .slice(0, options.topGroups)
    .map(([key, [properties, value]]) => ({
      key,
      properties,
      value: centsToDollars(value),
      valueShare: total > 0 ? value / total : 0,
    }));
  return { hhi: hhiValue(index), band: concentrationBand(index, options), groups: entries.length, top };
}

/** A figure per risk tier (counts, shares or their changes). */
export const tierFigures = z.record(z.enum(RISK_TIERS), z.number());

export const propertyTypeShareSchema = z.object({
  propertyType: z.enum(PROPERTY_TYPES),
  properties: z.number().int(),
  /** Current value, dollars, and its share of the portfolio's current value. */
  value: z.number(),
  valueShare: z.number(),
  /** Simple mean LTV of this type's properties with a loan; null when none has one. */
  averageLtv: z.number().nullable(),
  /** Loans of this type per risk tier, and each tier's share of the type's loans. */
  tiers: tierFigures,
  tierShares: tierFigures,
  /** Properties of this type without a loan (tiered by value change, not in `tiers`). */
  noLoan: z.number().int(),
});
export type PropertyTypeShare = z.infer<typeof propertyTypeShareSchema>;

/** Count and share of each tier; shares are 0 when nothing was tiered. */
export function tierShares(tiers: Readonly<Record<RiskTier, number>>): Record<RiskTier, number> {
  const tiered = RISK_TIERS.reduce((sum, t) => sum + tiers[t], 0);
  return Object.fromEntries(RISK_TIERS.map((t) => [t, tiered > 0 ? tiers[t] / tiered : 0])) as Record<RiskTier, number>;
}

/** Per property type present in the portfolio, in the fixed order of PROPERTY_TYPES; `totalValue` in cents. */
export function propertyTypeDistribution(
  types: ChunkSummary['propertyTypes'],
  totalValue: number,
): PropertyTypeShare[] {
  return PROPERTY_TYPES.flatMap((propertyType) => {
    const t = types[propertyType];
    if (!t) return [];
    return [
      {
        propertyType,
        properties: t.properties,
        value: centsToDollars(t.value),
        valueShare: totalValue > 0 ? t.value / totalValue : 0,
        averageLtv: t.loans > 0 ? t.ltvSumBp / t.loans / BASIS_POINTS : null,
        tiers: { ...t.tiers },
        tierShares: tierShares(t.tiers),
        noLoan: t.noLoan,
      },
    ];
  });
}
