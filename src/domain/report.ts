// The portfolio report (DESIGN §2.5): computed once, from the merged ChunkSummary of a whole job.
// Metrics that need the whole portfolio (quantiles, HHI, appraiser outliers) are computed here, never per
// chunk. The doc comments on the schema are the metric definitions the README quotes.
//
// "Not available" is null, not absent: an average over no properties, a quantile of an empty histogram.
// Money is in dollars (whole dollars for values and balances, cents for cost); ratios are fractions
// (0.8 = 80%).
import { z } from 'zod';
import { ANALYSIS_TYPES, US_STATES } from './schemas.ts';
import { RISK_TIERS, VALUE_BANDS, VALUE_SOURCES, type RiskTier } from './results.ts';
import {
  BASIS_POINTS,
  FRAUD_SCORE_BINS,
  LTV_BINS,
  VALUE_CHANGE_BINS,
  coarseDistribution,
  distributionSchema,
  quantile,
  type Histogram,
  type HistogramSpec,
} from './histogram.ts';
import { appraiserOptionsSchema, appraiserPerformance, appraiserPerformanceSchema } from './appraisers.ts';
import {
  concentrationFor,
  concentrationOptionsSchema,
  concentrationSchema,
  propertyTypeDistribution,
  propertyTypeShareSchema,
  tierShares,
} from './market.ts';
import type { ChunkSummary } from './summary.ts';
import { dataQualitySchema, type DataQuality } from './data-quality.ts';

export const reportOptionsSchema = z.object({
  concentration: concentrationOptionsSchema.prefault({}),
  appraisers: appraiserOptionsSchema.prefault({}),
  /** Appraisers listed in the report, worst first (every outlier comes before every non-outlier). */
  listedAppraisers: z.number().int().min(0).max(10_000).default(25),
});
export type ReportOptions = z.infer<typeof reportOptionsSchema>;

const count = z.number().int().nonnegative();
/** null when the population it is taken over is empty. */
const maybe = z.number().nullable();

/** Quantiles from the fixed-bin histogram: exact to within one bin (see histogram.ts for each resolution). */
const quantilesSchema = z.object({ p10: maybe, p50: maybe, p90: maybe });

export const portfolioReportSchema = z.object({
  portfolioId: z.string(),
  jobId: z.string(),
  analysisType: z.enum(ANALYSIS_TYPES),
  /** ISO date-time the report was computed (passed in; the domain never reads the clock). */
  generatedAt: z.string(),
  totals: z.object({
    /** Properties with a result: analysed + failed. */
    properties: count,
    analyzed: count,
    /** Properties whose analysis failed (the error is on the property's result). */
    failed: count,
    /** failed / properties; 0 for no properties. */
    failureRate: z.number(),
  }),
  valuation: z.object({
    /** Analysed properties with a current value. */
    valued: count,
    /** Of those, values replayed from the cross-job cache (no AVM call bought). */
    cachedValuations: count,
    /** Sum of current values, whole dollars. */
    totalValue: z.number(),
    /** totalValue / valued. */
    averageValue: maybe,
    /** Valued properties per value band of the seed (under-200k, 200k-500k, 500k-1m, over-1m). */
    valueBands: z.record(z.enum(VALUE_BANDS), count),
    /** Valued properties per value source (avm, cache, stored, appraisal). */
    sources: z.record(z.enum(VALUE_SOURCES), count),
    /** The valued properties that have a last appraised value. */
    lastAppraisal: z.object({
      properties: count,
      totalLastAppraisedValue: z.number(),
      /** Their current value. */
      totalCurrentValue: z.number(),
      /** totalCurrentValue - totalLastAppraisedValue. */
      aggregateChange: z.number(),
      /** aggregateChange / totalLastAppraisedValue: the value-weighted change. */
      aggregateChangePct: maybe,
    }),
    change: z.object({
      /** Simple mean of each property's (current - last appraised) / last appraised; every property weighs one. */
      meanPct: maybe,
      /** Quantiles of the per-property change; 0.5% bins over -100%..+100%, beyond that capped at the edge. */
      quantiles: quantilesSchema,
      /** Properties whose |change| reached the significance threshold (default 10%), up and down. */
      significantUp: count,
      significantDown: count,
    }),
  }),
  risk: z.object({
    /** Analysed properties with a risk tier. */
    tiered: count,
    /** Properties per tier and the tier's share of tiered properties. */
    tiers: z.record(z.enum(RISK_TIERS), z.object({ count, share: z.number() })),
    /** Valued properties with a loan (an LTV). */
    loans: count,
    /** Loans with LTV > 90%. */
    preDistressed: count,
    /** preDistressed / loans. */
    preDistressedShare: maybe,
    /** Sum of first-lien balances of the loans, whole dollars. */
    totalFirstLienBalance: z.number(),
    totalSecondLienBalance: z.number(),
    /** Portfolio LTV: totalFirstLienBalance / current value of the loans' properties (large loans weigh more). */
    weightedLtv: maybe,
    /** Same with second liens: (first + second liens) / current value of the loans' properties. */
    weightedCltv: maybe,
    /** Simple mean of the loans' LTVs (each loan weighs one). */
    meanLtv: maybe,
    /** Quantiles of LTV; 0.5% bins over 0..200%, above 200% capped at 200%. */
    ltvQuantiles: quantilesSchema,
  }),
  fraud: z.object({
    /** Analysed properties screened by the fraud rules. */
    screened: count,
    /** Screened properties whose score reached the flag threshold. */
    flagged: count,
    /** flagged / screened. */
    flagRate: maybe,
    /** Reason code -> screened properties on which that rule fired (flagged overall or not). */
    byReason: z.record(z.string(), count),
    /** Quantiles of the 0-100 score; 1-point bins. */
    scoreQuantiles: quantilesSchema,
    /** Properties sent to the AI reviewer (scored above the review threshold), and its verdicts. */
    aiReviews: z.object({ count, byVerdict: z.record(z.string(), count) }),
    appraisers: z.object({
      /** Distinct appraisers over every screened appraisal. */
      count,
      /** Appraisers with enough appraisals to be judged (minAppraisals). */
      judged: count,
      outliers: count,
      /** The first listedAppraisers appraisers, worst first; see appraiserPerformance for the rules. */
      listed: z.array(appraiserPerformanceSchema),
    }),
  }),
  /** Geographic concentration of current value: HHI (0-10,000) and its band, and the largest groups. */
  concentration: z.object({ state: concentrationSchema, county: concentrationSchema, zip: concentrationSchema }),
  /** Per property type: properties, value and value share, simple mean LTV, tier mix. */
  propertyTypes: z.array(propertyTypeShareSchema),
  /** Actual cost of paid calls, dollars (cache hits and stored values cost nothing). */
  cost: z.object({ valuation: z.number(), fraud: z.number(), risk: z.number(), total: z.number() }),
  /**
   * Distributions for charts, regrouped exactly from the fixed-bin histograms: value change vs last
   * appraisal in 5-point bins over -50%..+50%; LTV and CLTV of the loans in 5-point bins over 0..150%.
   */
  distributions: z.object({ valueChange: distributionSchema, ltv: distributionSchema, cltv: distributionSchema }),
  /**
   * How the submitted properties were read: rows read, accepted and skipped (invalidRows=skip, each with
   * its reasons), and every normalisation or data-quality warning with its count. Absent for runs of a
   * stored portfolio (the nightly revaluation), whose properties were read when it was registered.
   */
  dataQuality: dataQualitySchema.optional(),
});
export type PortfolioReport = z.infer<typeof portfolioReportSchema>;

export interface FinalizeReportInput {
  portfolioId: string;
  jobId: string;
  analysisType: PortfolioReport['analysisType'];
  /** ISO date-time: the caller's clock. */
  generatedAt: string;
  options?: z.input<typeof reportOptionsSchema>;
  dataQuality?: DataQuality | undefined;
}

/** Chart bins: -50%..+50% of value change and 0..150% of LTV, 5 points wide (basis points). */
const CHANGE_DISPLAY = { fromUnits: -5_000, toUnits: 5_000, widthUnits: 500 };
const LTV_DISPLAY = { fromUnits: 0, toUnits: 15_000, widthUnits: 500 };

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function quantiles(histogram: Histogram, spec: HistogramSpec): z.infer<typeof quantilesSchema> {
  return {
    p10: quantile(histogram, spec, 0.1),
    p50: quantile(histogram, spec, 0.5),
    p90: quantile(histogram, spec, 0.9),
  };
}

/** The portfolio metrics of a merged summary. Pure: the same summary and input give the same report. */
export function finalizeReport(summary: ChunkSummary, input: FinalizeReportInput): PortfolioReport {
  const o = reportOptionsSchema.parse(input.options ?? {});
  const { counts, money, histograms } = summary;
  const shares = tierShares(summary.tiers);
  const appraisers = appraiserPerformance(summary.appraisers, o.appraisers);
  const cents = summary.costCents;
  return {
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    analysisType: input.analysisType,
    generatedAt: input.generatedAt,
    totals: {
      properties: counts.properties,
      analyzed: counts.analyzed,
      failed: counts.failed,
      failureRate: ratio(counts.failed, counts.properties) ?? 0,
    },
    valuation: {
      valued: counts.valued,
      cachedValuations: counts.cachedValuations,
      totalValue: money.currentValue,
      averageValue: ratio(money.currentValue, counts.valued),
      valueBands: { ...summary.valueBands },
      sources: { ...summary.valueSources },
      lastAppraisal: {
        properties: counts.appraised,
        totalLastAppraisedValue: money.lastAppraisedValue,
        totalCurrentValue: money.appraisedCurrentValue,
        aggregateChange: money.appraisedCurrentValue - money.lastAppraisedValue,
        aggregateChangePct: ratio(money.appraisedCurrentValue - money.lastAppraisedValue, money.lastAppraisedValue),
      },
      change: {
        meanPct: ratio(summary.basisPointSums.valueChange / BASIS_POINTS, counts.appraised),
        quantiles: quantiles(histograms.valueChange, VALUE_CHANGE_BINS),
        significantUp: counts.significantUp,
        significantDown: counts.significantDown,
      },
    },
    risk: {
      tiered: counts.tiered,
      tiers: Object.fromEntries(RISK_TIERS.map((t) => [t, { count: summary.tiers[t], share: shares[t] }])) as Record<
        RiskTier,
        { count: number; share: number }
      >,
      loans: counts.loans,
      preDistressed: counts.preDistressed,
      preDistressedShare: ratio(counts.preDistressed, counts.loans),
      totalFirstLienBalance: money.firstLienBalance,
      totalSecondLienBalance: money.secondLienBalance,
      weightedLtv: ratio(money.firstLienBalance, money.loanPropertyValue),
      weightedCltv: ratio(money.firstLienBalance + money.secondLienBalance, money.loanPropertyValue),
      meanLtv: ratio(summary.basisPointSums.ltv / BASIS_POINTS, counts.loans),
      ltvQuantiles: quantiles(histograms.ltv, LTV_BINS),
    },
    fraud: {
      screened: counts.screened,
      flagged: counts.flagged,
      flagRate: ratio(counts.flagged, counts.screened),
      byReason: { ...summary.fraudReasons },
      scoreQuantiles: quantiles(histograms.fraudScore, FRAUD_SCORE_BINS),
      aiReviews: { count: counts.aiReviews, byVerdict: { ...summary.aiVerdicts } },
      appraisers: {
        count: appraisers.length,
        judged: appraisers.filter((a) => a.judged).length,
        outliers: appraisers.filter((a) => a.outlier).length,
        listed: appraisers.slice(0, o.listedAppraisers),
      },
    },
    concentration: {
      // Every state is listed (at most 56, for the map); counties and ZIPs only the largest topGroups.
      state: concentrationFor(summary.geography.state, { ...o.concentration, topGroups: US_STATES.length }),
      county: concentrationFor(summary.geography.county, o.concentration),
      zip: concentrationFor(summary.geography.zip, o.concentration),
    },
    propertyTypes: propertyTypeDistribution(summary.propertyTypes, money.currentValue),
    cost: {
      valuation: cents.valuation / 100,
      fraud: cents.fraud / 100,
      risk: cents.risk / 100,
      total: cents.total / 100,
    },
    distributions: {
      valueChange: coarseDistribution(histograms.valueChange, VALUE_CHANGE_BINS, CHANGE_DISPLAY),
      ltv: coarseDistribution(histograms.ltv, LTV_BINS, LTV_DISPLAY),
      cltv: coarseDistribution(histograms.cltv, LTV_BINS, LTV_DISPLAY),
    },
    ...(input.dataQuality !== undefined && { dataQuality: input.dataQuality }),
  };
}
