// A portfolio's time series (GET /api/portfolios/{id}/trends): one point per complete run, a report boiled
// down. Points describe whole runs; whether a change between runs is material is judged like-for-like, on
// the properties analysed in both (like-for-like.ts), never on these totals.
import { z } from 'zod';
import { CONCENTRATION_BANDS, tierFigures } from './market.ts';
import { RISK_TIERS, type RiskTier } from './results.ts';
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
  /** Dollars. */
  totalValue: z.number(),
  averageValue: z.number().nullable(),
  weightedLtv: z.number().nullable(),
  /** null in points stored before CLTV was tracked. */
  weightedCltv: z.number().nullable().default(null),
  /** Loans per tier, and each tier's share of the loans (properties without a loan are not tiered here). */
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
    weightedCltv: report.risk.weightedCltv,
    tiers: Object.fromEntries(RISK_TIERS.map((t) => [t, report.risk.tiers[t].count])) as Record<RiskTier, number>,
    tierShares: Object.fromEntries(RISK_TIERS.map((t) => [t, report.risk.tiers[t].share])) as Record<RiskTier, number>,
    preDistressed: report.risk.preDistressed,
    flagged: report.fraud.flagged,
    hhi: { state: c.state.hhi, county: c.county.hhi, zip: c.zip.hhi },
    concentration: { state: c.state.band, county: c.county.band, zip: c.zip.band },
  };
}
