// Market monitoring (DESIGN §4): geographic concentration by the Herfindahl-Hirschman Index on value share,
// property-type distribution, and the trend between successive reports of one portfolio with the findings
// worth an alert.
import { z } from 'zod';
import { PROPERTY_TYPES } from './schemas.ts';
import { RISK_TIERS, type RiskTier } from './results.ts';
import { BASIS_POINTS } from './histogram.ts';
import type { ChunkSummary, GroupSums } from './summary.ts';
import type { PortfolioReport } from './report.ts';

/**
 * Herfindahl-Hirschman Index of the groups' values: the sum of squared percentage shares, 0 to 10,000.
 * One group holding everything = 10,000; four equal groups = 2,500; shares 50/30/20 = 3,800.
 * No groups, or no value at all, = 0 (nothing is concentrated).
 */
export function hhi(values: readonly number[]): number {
  let total = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`hhi: values must be finite and >= 0, got ${v}`);
    total += v;
  }
  if (total === 0) return 0;
  let index = 0;
  for (const v of values) {
    const sharePct = (v / total) * 100;
    index += sharePct * sharePct;
  }
  return index;
}

export const CONCENTRATION_BANDS = ['unconcentrated', 'moderate', 'high'] as const;
export type ConcentrationBand = (typeof CONCENTRATION_BANDS)[number];

export const concentrationOptionsSchema = z
  .object({
    /** HHI above which a market is moderately concentrated (2023 US Merger Guidelines: 1,000). */
    moderateAbove: z.number().min(0).max(10_000).default(1_000),
    /** HHI above which a market is highly concentrated (2023 US Merger Guidelines: 1,800). */
    highAbove: z.number().min(0).max(10_000).default(1_800),
    /** Largest groups listed per dimension in the report. */
    topGroups: z.number().int().min(0).max(1_000).default(10),
  })
  .refine((o) => o.highAbove >= o.moderateAbove, {
    message: 'highAbove must be >= moderateAbove',
    path: ['highAbove'],
  });
export type ConcentrationOptions = z.infer<typeof concentrationOptionsSchema>;

/** Strictly above a threshold moves up a band: exactly 1,000 is unconcentrated, exactly 1,800 moderate. */
export function concentrationBand(
  index: number,
  bands: Pick<ConcentrationOptions, 'moderateAbove' | 'highAbove'>,
): ConcentrationBand {
  if (index > bands.highAbove) return 'high';
  if (index > bands.moderateAbove) return 'moderate';
  return 'unconcentrated';
}

export const concentrationSchema = z.object({
  /** HHI on current-value share, 0-10,000. */
  hhi: z.number(),
  band: z.enum(CONCENTRATION_BANDS),
  /** Distinct groups (states, counties, ZIPs) holding at least one analysed property. */
  groups: z.number().int(),
  /** The largest groups by value (ties: more properties, then key), with their share of the total value. */
  top: z.array(z.object({ key: z.string(), properties: z.number().int(), value: z.number(), valueShare: z.number() })),
});
export type Concentration = z.infer<typeof concentrationSchema>;

/** Concentration of one dimension from its group sums ([properties, value] per key). */
export function concentrationFor(
  groups: Readonly<Record<string, GroupSums>>,
  options: ConcentrationOptions,
): Concentration {
  const entries = Object.entries(groups);
  const total = entries.reduce((sum, [, [, value]]) => sum + value, 0);
  const index = hhi(entries.map(([, [, value]]) => value));
  const top = entries
    .sort(([ka, [pa, va]], [kb, [pb, vb]]) => vb - va || pb - pa || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .slice(0, options.topGroups)
    .map(([key, [properties, value]]) => ({ key, properties, value, valueShare: total > 0 ? value / total : 0 }));
  return { hhi: index, band: concentrationBand(index, options), groups: entries.length, top };
}

const tierFigures = z.record(z.enum(RISK_TIERS), z.number());

export const propertyTypeShareSchema = z.object({
  propertyType: z.enum(PROPERTY_TYPES),
  properties: z.number().int(),
  /** Current value, dollars, and its share of the portfolio's current value. */
  value: z.number(),
  valueShare: z.number(),
  /** Simple mean LTV of this type's properties with a loan; null when none has one. */
  averageLtv: z.number().nullable(),
  /** Properties of this type per risk tier, and each tier's share of the type's tiered properties. */
  tiers: tierFigures,
  tierShares: tierFigures,
});
export type PropertyTypeShare = z.infer<typeof propertyTypeShareSchema>;

/** Count and share of each tier; shares are 0 when nothing was tiered. */
export function tierShares(tiers: Readonly<Record<RiskTier, number>>): Record<RiskTier, number> {
  const tiered = RISK_TIERS.reduce((sum, t) => sum + tiers[t], 0);
  return Object.fromEntries(RISK_TIERS.map((t) => [t, tiered > 0 ? tiers[t] / tiered : 0])) as Record<RiskTier, number>;
}

/** Per property type present in the portfolio, in the fixed order of PROPERTY_TYPES. */
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
        value: t.value,
        valueShare: totalValue > 0 ? t.value / totalValue : 0,
        averageLtv: t.loans > 0 ? t.ltvSumBp / t.loans / BASIS_POINTS : null,
        tiers: { ...t.tiers },
        tierShares: tierShares(t.tiers),
      },
    ];
  });
}

const concentrationDimensions = <T extends z.ZodType>(schema: T) =>
  z.object({ state: schema, county: schema, zip: schema });

/** One point of a portfolio's time series (GET /api/portfolios/{id}/trends): a report, boiled down. */
export const trendPointSchema = z.object({
  /** UTC day of the report (YYYY-MM-DD). */
  date: z.string(),
  generatedAt: z.string(),
  jobId: z.string(),
  /** Analysed properties. */
  properties: z.number().int(),
  totalValue: z.number(),
  averageValue: z.number().nullable(),
  weightedLtv: z.number().nullable(),
  tiers: tierFigures,
  tierShares: tierFigures,
  preDistressed: z.number().int(),
  flagged: z.number().int(),
  hhi: concentrationDimensions(z.number()),
  concentration: concentrationDimensions(z.enum(CONCENTRATION_BANDS)),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export function trendPointFor(report: PortfolioReport): TrendPoint {
  const { concentration: c } = report;
  return {
    date: report.generatedAt.slice(0, 10),
    generatedAt: report.generatedAt,
    jobId: report.jobId,
    properties: report.totals.analyzed,
    totalValue: report.valuation.totalValue,
    averageValue: report.valuation.averageValue,
    weightedLtv: report.risk.weightedLtv,
    tiers: Object.fromEntries(RISK_TIERS.map((t) => [t, report.risk.tiers[t].count])) as Record<RiskTier, number>,
    tierShares: Object.fromEntries(RISK_TIERS.map((t) => [t, report.risk.tiers[t].share])) as Record<RiskTier, number>,
    preDistressed: report.risk.preDistressed,
    flagged: report.fraud.flagged,
    hhi: { state: c.state.hhi, county: c.county.hhi, zip: c.zip.hhi },
    concentration: { state: c.state.band, county: c.county.band, zip: c.zip.band },
  };
}

const change = <T extends z.ZodType>(schema: T) => z.object({ previous: schema, current: schema });

export const trendDeltaSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Change in analysed properties: a portfolio that grew or shrank moves every total with it. */
  propertiesChange: z.number().int(),
  totalValue: change(z.number()),
  totalValueChange: z.number(),
  /** (current - previous) / previous total value; null when the previous total was 0. */
  totalValueChangePct: z.number().nullable(),
  /** Same on the average value, which is not moved by properties added or removed. */
  averageValueChangePct: z.number().nullable(),
  /** Difference of weighted LTVs as a fraction (0.02 = two percentage points); null when either is unknown. */
  weightedLtvChange: z.number().nullable(),
  /**
   * Net change in properties per tier (current count - previous count). Aggregate reports cannot tell which
   * property moved; B +3 / C -3 is three properties' worth of net migration from C to B.
   */
  tierCountChanges: tierFigures,
  tierShareChanges: tierFigures,
  preDistressedChange: z.number().int(),
  flaggedChange: z.number().int(),
  hhi: concentrationDimensions(change(z.number()).extend({ change: z.number() })),
  concentration: concentrationDimensions(change(z.enum(CONCENTRATION_BANDS))),
});
export type TrendDelta = z.infer<typeof trendDeltaSchema>;

const relativeChange = (previous: number | null, current: number | null): number | null =>
  previous === null || current === null || previous === 0 ? null : (current - previous) / previous;

/** Deltas of the key metrics between two trend points of the same portfolio (previous run first). */
export function compareTrendPoints(previous: TrendPoint, current: TrendPoint): TrendDelta {
  const perTier = (pick: (p: TrendPoint, t: RiskTier) => number) =>
    Object.fromEntries(RISK_TIERS.map((t) => [t, pick(current, t) - pick(previous, t)])) as Record<RiskTier, number>;
  const hhiOf = (d: 'state' | 'county' | 'zip') => ({
    previous: previous.hhi[d],
    current: current.hhi[d],
    change: current.hhi[d] - previous.hhi[d],
  });
  const bandOf = (d: 'state' | 'county' | 'zip') => ({
    previous: previous.concentration[d],
    current: current.concentration[d],
  });
  return {
    from: previous.date,
    to: current.date,
    propertiesChange: current.properties - previous.properties,
    totalValue: { previous: previous.totalValue, current: current.totalValue },
    totalValueChange: current.totalValue - previous.totalValue,
    totalValueChangePct: relativeChange(previous.totalValue, current.totalValue),
    averageValueChangePct: relativeChange(previous.averageValue, current.averageValue),
    weightedLtvChange:
      previous.weightedLtv === null || current.weightedLtv === null ? null : current.weightedLtv - previous.weightedLtv,
    tierCountChanges: perTier((p, t) => p.tiers[t]),
    tierShareChanges: perTier((p, t) => p.tierShares[t]),
    preDistressedChange: current.preDistressed - previous.preDistressed,
    flaggedChange: current.flagged - previous.flagged,
    hhi: { state: hhiOf('state'), county: hhiOf('county'), zip: hhiOf('zip') },
    concentration: { state: bandOf('state'), county: bandOf('county'), zip: bandOf('zip') },
  };
}

/** compareTrendPoints on two full reports. */
export function compareReports(previous: PortfolioReport, current: PortfolioReport): TrendDelta {
  return compareTrendPoints(trendPointFor(previous), trendPointFor(current));
}

export const materialityOptionsSchema = z.object({
  /** Total value falling by more than this fraction is material (0.05 = 5%). */
  totalValueDropPct: z.number().min(0).default(0.05),
  /** Weighted LTV rising by more than this (a fraction: 0.05 = five percentage points) is material. */
  weightedLtvRise: z.number().min(0).default(0.05),
  /** Pre-distressed loans rising by more than this many is material (0: any rise). */
  preDistressedRise: z.number().int().min(0).default(0),
  /** Fraud-flagged properties rising by more than this many is material (0: any rise). */
  flaggedRise: z.number().int().min(0).default(0),
  /** Any concentration band moving up (unconcentrated -> moderate -> high) is material. */
  concentrationWorsened: z.boolean().default(true),
});
export type MaterialityOptions = z.infer<typeof materialityOptionsSchema>;

export const FINDING_CODES = [
  'TOTAL_VALUE_DROP',
  'WEIGHTED_LTV_RISE',
  'PRE_DISTRESSED_RISE',
  'FRAUD_FLAGS_RISE',
  'CONCENTRATION_WORSENED',
] as const;

export const findingSchema = z.object({ code: z.enum(FINDING_CODES), message: z.string() });
export type Finding = z.infer<typeof findingSchema>;

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** The changes worth an alert (portfolio-alerts queue); each threshold is strict: exactly at it is not material. */
export function materialFindings(delta: TrendDelta, options?: z.input<typeof materialityOptionsSchema>): Finding[] {
  const o = materialityOptionsSchema.parse(options ?? {});
  const findings: Finding[] = [];
  if (delta.totalValueChangePct !== null && -delta.totalValueChangePct > o.totalValueDropPct)
    findings.push({
      code: 'TOTAL_VALUE_DROP',
      message: `total value down ${pct(-delta.totalValueChangePct)} (${delta.totalValue.previous} -> ${delta.totalValue.current}; properties ${delta.propertiesChange >= 0 ? '+' : ''}${delta.propertiesChange})`,
    });
  if (delta.weightedLtvChange !== null && delta.weightedLtvChange > o.weightedLtvRise)
    findings.push({
      code: 'WEIGHTED_LTV_RISE',
      message: `weighted LTV up ${(delta.weightedLtvChange * 100).toFixed(1)} percentage points`,
    });
  if (delta.preDistressedChange > o.preDistressedRise)
    findings.push({
      code: 'PRE_DISTRESSED_RISE',
      message: `pre-distressed loans (LTV > 90%) up by ${delta.preDistressedChange}`,
    });
  if (delta.flaggedChange > o.flaggedRise)
    findings.push({ code: 'FRAUD_FLAGS_RISE', message: `fraud-flagged properties up by ${delta.flaggedChange}` });
  if (o.concentrationWorsened)
    for (const dimension of ['state', 'county', 'zip'] as const) {
      const { previous, current } = delta.concentration[dimension];
      if (CONCENTRATION_BANDS.indexOf(current) > CONCENTRATION_BANDS.indexOf(previous)) {
        const h = delta.hhi[dimension];
        findings.push({
          code: 'CONCENTRATION_WORSENED',
          message: `${dimension} concentration ${previous} -> ${current} (HHI ${Math.round(h.previous)} -> ${Math.round(h.current)})`,
        });
      }
    }
  return findings;
}
