// The trend of one portfolio across runs (DESIGN §4): each report boiled down to a trend point, the deltas
// between successive points and the findings material enough for an alert (portfolio-alerts queue).
import { z } from 'zod';
import { RISK_TIERS, type RiskTier } from './results.ts';
import { CONCENTRATION_BANDS, tierFigures } from './market.ts';
import type { PortfolioReport } from './report.ts';

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
