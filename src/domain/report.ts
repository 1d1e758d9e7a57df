// The portfolio report (DESIGN §2.5): computed once, from the merged ChunkSummary of a whole job and the
// one streaming pass over its per-property snapshot (snapshot-analysis.ts). Metrics that need the whole
// portfolio (quantiles, HHI, appraiser outliers, like-for-like comparison, stress) are computed here, never
// per chunk. The doc comments on the schema are the metric definitions the README quotes; this schema is
// what GET /api/portfolio/jobs/{jobId}/results returns and what the OpenAPI document describes.
//
// "Not available" is null, not absent: an average over no properties, a quantile of an empty histogram.
// Money is in dollars, exact to the cent (sums are taken in whole cents); ratios are fractions (0.8 = 80%).
import { agree, counted } from './plural.ts';
import { z } from 'zod';
import { ANALYSIS_TYPES, US_STATES, type AnalysisType } from './schemas.ts';
import {
  DOWNGRADE_REASONS,
  RISK_TIERS,
  VALUE_BANDS,
  VALUE_SOURCES,
  propertyResultSchema,
  type RiskTier,
} from './results.ts';
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
import { avmAccuracySchema } from './avm-accuracy.ts';
import { providerPerformance, providerPerformanceSchema } from './avm-providers.ts';
import {
  comparisonSchema,
  findingSchema,
  likeForLikeFindings,
  materialityOptionsSchema,
  type Finding,
} from './like-for-like.ts';
import {
  concentrationFor,
  concentrationOptionsSchema,
  concentrationSchema,
  propertyTypeDistribution,
  propertyTypeShareSchema,
  tierShares,
} from './market.ts';
import { jobStatusSchema } from './job-status.ts';
import { centsToDollars, exactCents } from './money.ts';
import { TIER_RATIOS } from './risk.ts';
import type { SnapshotAnalysis } from './snapshot-analysis.ts';
import { stressResultSchema } from './stress.ts';
import type { ChunkSummary } from './summary.ts';
import { dataQualitySchema, type DataQuality } from './data-quality.ts';

/**
 * The statuses a finished job's report can carry (a job that is still running has no report, nor has a job whose
 * tape was rejected before anything was analysed).
 */
export const reportStatusSchema = jobStatusSchema.exclude(['reading', 'queued', 'processing', 'rejected']);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

export const reportOptionsSchema = z.object({
  concentration: concentrationOptionsSchema.prefault({}),
  appraisers: appraiserOptionsSchema.prefault({}),
  materiality: materialityOptionsSchema.prefault({}),
  /** Appraisers listed in the report, worst first (every outlier comes before every non-outlier). */
  listedAppraisers: z.number().int().min(0).max(10_000).default(25),
  /** The cascade's acceptance limit and the tier ratio the run used, echoed so the report reads alone. */
  maxFsd: z.number().min(0).max(1).default(0.13),
  tierRatio: z.enum(TIER_RATIOS).default('cltv'),
  /** Stale-valuation age of the risk rules, for the notes on weak value bases. */
  staleValuationDays: z.number().int().min(0).default(90),
});
export type ReportOptions = z.infer<typeof reportOptionsSchema>;

const count = z.number().int().nonnegative();
/** null when the population it is taken over is empty. */
const maybe = z.number().nullable();

/** Quantiles from a fixed-bin histogram: exact to within one bin of `binWidth` (in the metric's unit). */
const quantilesSchema = z.object({ p10: maybe, p50: maybe, p90: maybe, binWidth: z.number() });

const tierCounts = z.record(z.enum(RISK_TIERS), count);

/** The top-N lists of the report: per-property results as stored. */
export const highlightsSchema = z.object({
  /** Largest falls in value since the last appraisal (most negative change first). */
  largestDrops: z.array(propertyResultSchema),
  /** Pre-distressed loans, highest CLTV first (CLTV equals LTV without a second lien). */
  preDistressed: z.array(propertyResultSchema),
  /** Highest fraud scores (properties on which some rule fired). */
  highestFraud: z.array(propertyResultSchema),
});
export type Highlights = z.infer<typeof highlightsSchema>;

export const portfolioReportSchema = z.object({
  portfolioId: z.string(),
  jobId: z.string(),
  analysisType: z.enum(ANALYSIS_TYPES),
  /** ISO date-time the report was computed (passed in; the domain never reads the clock). */
  generatedAt: z.string(),
  /** ISO date-time of the analysis ("today" for every rule), fixed when the job was submitted. */
  asOf: z.string(),
  status: reportStatusSchema,
  /** Whether the report covers the whole submitted portfolio. Every rendering shows it when it does not. */
  completeness: z.object({
    status: reportStatusSchema,
    /** True for a completed run: every submitted property has a result. */
    complete: z.boolean(),
    /** Properties submitted, properties with a result (analysed or failed), and the rest. */
    submitted: count,
    processed: count,
    notProcessed: count,
    /** What a partial or failed report covers, in plain words; absent when complete. */
    note: z.string().optional(),
  }),
  totals: z.object({
    /** Properties with a result: analysed + failed. */
    properties: count,
    analyzed: count,
    /** Properties whose analysis failed (the error is on the property's result). */
    failed: count,
    /** failed / properties; 0 for no properties. */
    failureRate: z.number(),
    /** Failed properties per failure code, with what the code means, most frequent first. */
    failures: z.array(z.object({ code: z.string(), count, explanation: z.string() })),
  }),
  valuation: z.object({
    /** Analysed properties with a current value. */
    valued: count,
    /** Of those, values replayed from the cross-job cache (no AVM call bought). */
    cachedValuations: count,
    /** Sum of current values, dollars. */
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
      /** Quantiles of the per-property change; 0.5-point bins over -100%..+100%, beyond that capped at the edge. */
      quantiles: quantilesSchema,
      /** Properties whose |change| reached the significance threshold (default 10%), up and down. */
      significantUp: count,
      significantDown: count,
    }),
  }),
  risk: z.object({
    /** The ratio loans with a second lien are tiered on (setting RISK_TIER_RATIO): cltv or ltv. */
    tierRatio: z.enum(TIER_RATIOS),
    /** Analysed properties with a risk tier: loans and properties without a loan. */
    tiered: count,
    /** Tiered properties with a loan. */
    loans: count,
    /** Loans with a second lien, and those tiered on CLTV because of it. */
    loansWithSecondLien: count,
    tieredOnCltv: count,
    /** Loans per tier and the tier's share of the loans (properties without a loan are in noLoan). */
    tiers: z.record(z.enum(RISK_TIERS), z.object({ count, share: z.number() })),
    /** Properties without a loan: no ratio, tiered by value change since the last appraisal and confidence. */
    noLoan: z.object({ properties: count, tiers: tierCounts }),
    /** Tiered properties whose tier was lowered one step, per reason (weak value basis). */
    downgrades: z.record(z.enum(DOWNGRADE_REASONS), count),
    /** Loans whose tier ratio is above 90% (tier D before any weak-basis step). */
    preDistressed: count,
    /** preDistressed / loans. */
    preDistressedShare: maybe,
    /** First-lien balances of the pre-distressed loans, and their combined (first + second lien) exposure. */
    preDistressedFirstLien: z.number(),
    preDistressedExposure: z.number(),
    /** Sum of first-lien balances of the loans, dollars. */
    totalFirstLienBalance: z.number(),
    totalSecondLienBalance: z.number(),
    /** Portfolio LTV: totalFirstLienBalance / current value of the loans' properties (large loans weigh more). */
    weightedLtv: maybe,
    /** Same with second liens: (first + second liens) / current value of the loans' properties. */
    weightedCltv: maybe,
    /** Simple means of the loans' LTVs and CLTVs (each loan weighs one). */
    meanLtv: maybe,
    meanCltv: maybe,
    /** Quantiles of LTV and CLTV; 0.5-point bins over 0..200%, above 200% capped at 200%. */
    ltvQuantiles: quantilesSchema,
    cltvQuantiles: quantilesSchema,
  }),
  fraud: z.object({
    /** Analysed properties screened by the fraud rules. */
    screened: count,
    /** Screened properties whose score reached the flag threshold. */
    flagged: count,
    /** flagged / screened. */
    flagRate: maybe,
    reasons: z.object({
      /** Reason code -> flagged properties on which that rule fired (what explains the flags). */
      amongFlagged: z.record(z.string(), count),
      /** Reason code -> screened properties on which that rule fired, flagged or not (weak rules fire alone). */
      amongScreened: z.record(z.string(), count),
    }),
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
  /**
   * AVM performance (Interagency Appraisal and Evaluation Guidelines, 2010, Appendix B): avm-providers.ts,
   * avm-accuracy.ts.
   */
  avmPerformance: z.object({
    /** The cascade's acceptance limit (FSD at or under it). */
    maxFsd: z.number(),
    /** Properties whose cascade ran in this job: the population of the provider figures. */
    cascadeProperties: count,
    /** Values reused from the cache or stored results (no provider was asked), not in the provider figures. */
    reusedValues: count,
    providers: z.array(providerPerformanceSchema),
    /** Exact accuracy against sales and appraisals of the 12 months before the analysis date. */
    accuracy: avmAccuracySchema,
  }),
  /** Geographic concentration of current value: HHI (0-10,000) and its band, and the largest groups. */
  concentration: z.object({ state: concentrationSchema, county: concentrationSchema, zip: concentrationSchema }),
  /** Per property type: properties, value and value share, simple mean LTV, tier mix of its loans. */
  propertyTypes: z.array(propertyTypeShareSchema),
  /** House-price shocks applied to the stored values (stress.ts). */
  stress: stressResultSchema,
  /**
   * Like-for-like comparison with the previous complete report of the portfolio (like-for-like.ts), or why
   * there is none.
   */
  comparison: z.discriminatedUnion('available', [
    comparisonSchema.extend({ available: z.literal(true) }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
  /** Material like-for-like changes; posted as an alert only for a completed run. */
  findings: z.array(findingSchema),
  highlights: highlightsSchema,
  /** What a reader must know to read the figures right, in plain words (weak value bases, no-loan tiers...). */
  notes: z.array(z.string()),
  /** Actual cost of paid calls, dollars exact to the cent (cache hits and stored values cost nothing). */
  cost: z.object({
    /** Billed for the AVM answers recorded with the results. */
    valuation: z.number(),
    /** Billed for the AI reviews recorded with the results. */
    fraud: z.number(),
    /** The risk charge per property risk-scored. */
    risk: z.number(),
    /** valuation + fraud + risk: the bill as recorded. */
    total: z.number(),
    /**
     * Not in total: at most this much more may have been billed for paid calls whose answer was never recorded
     * (calls in flight when a chunk attempt crashed, at the dearest price; calls that timed out, at their price).
     * 0 when every call was answered. The same figure as the job's cost.unconfirmed.
     */
    unconfirmed: z.number(),
  }),
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
  analysisType: AnalysisType;
  /** ISO date-time: the caller's clock. */
  generatedAt: string;
  /** ISO date-time of the analysis. */
  asOf: string;
  status: ReportStatus;
  /** Properties submitted with the job. */
  submitted: number;
  /** Cents that may have been billed without an answer recorded (the chunk runs' unconfirmed calls). */
  unconfirmedCents: number;
  /** The streaming pass over the run's snapshot (and the previous run's). */
  snapshot: SnapshotAnalysis;
  /** Why there is no comparison; used when snapshot.comparison is absent. */
  noComparisonReason?: string | undefined;
  highlights: Highlights;
  options?: z.input<typeof reportOptionsSchema>;
  dataQuality?: DataQuality | undefined;
}

/** Chart bins: -50%..+50% of value change and 0..150% of LTV, 5 points wide (basis points). */
const CHANGE_DISPLAY = { fromUnits: -5_000, toUnits: 5_000, widthUnits: 500 };
const LTV_DISPLAY = { fromUnits: 0, toUnits: 15_000, widthUnits: 500 };

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const n = (value: number): string => value.toLocaleString('en-US');
/** Whole cents as dollars to the cent: 123456 -> "$1,234.56". */
const centsText = (cents: number): string =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function quantiles(histogram: Histogram, spec: HistogramSpec): z.infer<typeof quantilesSchema> {
  return {
    p10: quantile(histogram, spec, 0.1),
    p50: quantile(histogram, spec, 0.5),
    p90: quantile(histogram, spec, 0.9),
    binWidth: spec.binWidthUnits / spec.unitsPerValue,
  };
}

/** What each failure code means; `risk` and `fraud` runs buy no AVM value, which changes what a missing value means. */
export function failureExplanation(code: string, analysisType: AnalysisType): string {
  switch (code) {
    case 'NO_VALUE_BASIS':
      return analysisType === 'risk' || analysisType === 'fraud'
        ? 'no stored valuation and no appraisal on file: this analysis type buys no AVM value (run a valuation first, or give lastAppraisedValue and lastAppraisalDate)'
        : 'no AVM value and no last appraisal to value the property on';
    case 'NO_AVM_VALUE':
      return 'every AVM provider answered that it has no value for the property (a no-hit)';
    case 'AVM_UNAVAILABLE':
      return 'the AVM providers failed (errors, timeouts or rate limits after retries)';
    case 'ANALYSIS_ERROR':
      return "an unexpected error while analysing the property (its result's error says which)";
    default:
      return code.startsWith('PROVIDER_')
        ? `a provider call failed: ${code.slice('PROVIDER_'.length).toLowerCase().replaceAll('_', ' ')}`
        : 'see the error on the property result';
  }
}

function completenessOf(input: FinalizeReportInput, processed: number): PortfolioReport['completeness'] {
  const { status, submitted } = input;
  const notProcessed = Math.max(0, submitted - processed);
  const complete = status === 'completed';
  const covers = `${n(processed)} of ${n(submitted)} submitted properties`;
  const why: Record<ReportStatus, string> = {
    completed: '',
    cancelled: `Partial report: the job was cancelled after ${covers}`,
    budget_exceeded: `Partial report: the job stopped at its budget after ${covers}`,
    failed: `Report of a failed job: ${covers} have a result, and too many of them failed`,
  };
  return {
    status,
    complete,
    submitted,
    processed,
    notProcessed,
    ...(!complete && {
      note: `${why[status]}; every figure covers those ${n(processed)} only (${n(notProcessed)} not analysed).`,
    }),
  };
}

/** Plain-words notes on how to read the figures. */
function notesOf(summary: ChunkSummary, input: FinalizeReportInput, o: ReportOptions): string[] {
  const notes: string[] = [];
  const { counts, valueSources, downgrades } = summary;
  if (input.analysisType === 'risk' || input.analysisType === 'fraud') {
    notes.push(
      `A ${input.analysisType} run buys no AVM value: ${counted(valueSources.stored + valueSources.cache, 'property rests', 'properties rest', n)} on a stored valuation ` +
        `(${n(downgrades.STALE_VALUATION)} of them older than ${o.staleValuationDays} days, a weak basis) and ${n(valueSources.appraisal)} on their last appraisal ` +
        '(APPRAISAL_ONLY, a weak basis); a weak basis lowers the tier one step.',
    );
  }
  if (counts.noLoan > 0)
    notes.push(
      `${counted(counts.noLoan, 'property has', 'properties have', n)} no loan: ${agree(counts.noLoan, 'it is', 'they are')} tiered by value change since the last appraisal and valuation confidence, apart from the loan tiers.`,
    );
  if (counts.tieredOnCltv > 0)
    notes.push(
      `${counted(counts.tieredOnCltv, 'loan with a second lien is', 'loans with a second lien are', n)} tiered on CLTV, the combined exposure (RISK_TIER_RATIO=${o.tierRatio}).`,
    );
  if (counts.failed > 0)
    notes.push(
      `${counted(counts.failed, 'property failed and is', 'properties failed and are', n)} in no figure but the failure counts (totals.failures says why).`,
    );
  if (input.unconfirmedCents > 0)
    notes.push(
      `Up to ${centsText(input.unconfirmedCents)} more than the cost's total may have been billed: paid calls timed out or were in flight when a chunk attempt crashed, and their answers were never recorded (cost.unconfirmed, counted against the budget).`,
    );
  return notes;
}

/** The portfolio report of a merged summary and its snapshot pass. Pure: the same inputs give the same report. */
export function finalizeReport(summary: ChunkSummary, input: FinalizeReportInput): PortfolioReport {
  const o = reportOptionsSchema.parse(input.options ?? {});
  const { counts, histograms } = summary;
  const money = Object.fromEntries(
    Object.entries(summary.moneyCents).map(([k, v]) => [k, exactCents(v, `moneyCents.${k}`)]),
  ) as ChunkSummary['moneyCents'];
  const dollars = centsToDollars;
  const shares = tierShares(summary.tiers);
  const appraisers = appraiserPerformance(summary.appraisers, o.appraisers);
  const cents = summary.costCents;
  const { snapshot } = input;
  const comparison: PortfolioReport['comparison'] = snapshot.comparison
    ? { available: true, ...snapshot.comparison }
    : { available: false, reason: input.noComparisonReason ?? 'no earlier complete report of this portfolio' };
  const findings: Finding[] = snapshot.comparison ? likeForLikeFindings(snapshot.comparison, o.materiality) : [];
  return {
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    analysisType: input.analysisType,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    status: input.status,
    completeness: completenessOf(input, counts.properties),
    totals: {
      properties: counts.properties,
      analyzed: counts.analyzed,
      failed: counts.failed,
      failureRate: ratio(counts.failed, counts.properties) ?? 0,
      failures: Object.entries(summary.failures)
        .sort(([ca, a], [cb, b]) => b - a || (ca < cb ? -1 : 1))
        .map(([code, failed]) => ({ code, count: failed, explanation: failureExplanation(code, input.analysisType) })),
    },
    valuation: {
      valued: counts.valued,
      cachedValuations: counts.cachedValuations,
      totalValue: dollars(money.currentValue),
      averageValue: counts.valued > 0 ? dollars(money.currentValue) / counts.valued : null,
      valueBands: { ...summary.valueBands },
      sources: { ...summary.valueSources },
      lastAppraisal: {
        properties: counts.appraised,
        totalLastAppraisedValue: dollars(money.lastAppraisedValue),
        totalCurrentValue: dollars(money.appraisedCurrentValue),
        aggregateChange: dollars(money.appraisedCurrentValue - money.lastAppraisedValue),
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
      tierRatio: o.tierRatio,
      tiered: counts.tiered,
      loans: counts.loans,
      loansWithSecondLien: counts.loansWithSecondLien,
      tieredOnCltv: counts.tieredOnCltv,
      tiers: Object.fromEntries(RISK_TIERS.map((t) => [t, { count: summary.tiers[t], share: shares[t] }])) as Record<
        RiskTier,
        { count: number; share: number }
      >,
      noLoan: { properties: counts.noLoan, tiers: { ...summary.noLoanTiers } },
      downgrades: { ...summary.downgrades },
      preDistressed: counts.preDistressed,
      preDistressedShare: ratio(counts.preDistressed, counts.loans),
      preDistressedFirstLien: dollars(money.preDistressedFirstLien),
      preDistressedExposure: dollars(money.preDistressedExposure),
      totalFirstLienBalance: dollars(money.firstLienBalance),
      totalSecondLienBalance: dollars(money.secondLienBalance),
      weightedLtv: ratio(money.firstLienBalance, money.loanPropertyValue),
      weightedCltv: ratio(money.firstLienBalance + money.secondLienBalance, money.loanPropertyValue),
      meanLtv: ratio(summary.basisPointSums.ltv / BASIS_POINTS, counts.loans),
      meanCltv: ratio(summary.basisPointSums.cltv / BASIS_POINTS, counts.loans),
      ltvQuantiles: quantiles(histograms.ltv, LTV_BINS),
      cltvQuantiles: quantiles(histograms.cltv, LTV_BINS),
    },
    fraud: {
      screened: counts.screened,
      flagged: counts.flagged,
      flagRate: ratio(counts.flagged, counts.screened),
      reasons: { amongFlagged: { ...summary.fraudReasons.flagged }, amongScreened: { ...summary.fraudReasons.fired } },
      scoreQuantiles: quantiles(histograms.fraudScore, FRAUD_SCORE_BINS),
      aiReviews: { count: counts.aiReviews, byVerdict: { ...summary.aiVerdicts } },
      appraisers: {
        count: appraisers.length,
        judged: appraisers.filter((a) => a.judged).length,
        outliers: appraisers.filter((a) => a.outlier).length,
        listed: appraisers.slice(0, o.listedAppraisers),
      },
    },
    avmPerformance: {
      maxFsd: o.maxFsd,
      cascadeProperties: summary.valueSources.avm,
      reusedValues: summary.valueSources.cache + summary.valueSources.stored,
      providers: providerPerformance(summary.avmProviders),
      accuracy: snapshot.accuracy,
    },
    concentration: {
      // Every state is listed (at most 56, for the map); counties and ZIPs only the largest topGroups.
      state: concentrationFor(summary.geography.state, { ...o.concentration, topGroups: US_STATES.length }),
      county: concentrationFor(summary.geography.county, o.concentration),
      zip: concentrationFor(summary.geography.zip, o.concentration),
    },
    propertyTypes: propertyTypeDistribution(summary.propertyTypes, money.currentValue),
    stress: snapshot.stress,
    comparison,
    findings,
    highlights: input.highlights,
    notes: notesOf(summary, input, o),
    cost: {
      valuation: dollars(cents.valuation),
      fraud: dollars(cents.fraud),
      risk: dollars(cents.risk),
      total: dollars(cents.total),
      unconfirmed: dollars(exactCents(input.unconfirmedCents, 'unconfirmedCents')),
    },
    distributions: {
      valueChange: coarseDistribution(histograms.valueChange, VALUE_CHANGE_BINS, CHANGE_DISPLAY),
      ltv: coarseDistribution(histograms.ltv, LTV_BINS, LTV_DISPLAY),
      cltv: coarseDistribution(histograms.cltv, LTV_BINS, LTV_DISPLAY),
    },
    ...(input.dataQuality !== undefined && { dataQuality: input.dataQuality }),
  };
}
