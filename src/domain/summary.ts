// ChunkSummary: what a chunk of analysed properties contributes to the portfolio report, as a monoid
// (emptySummary, mergeSummaries). Chunks, batches and the root merge summaries in whatever order they
// finish; the report is computed once from the merged whole (DESIGN §4 "Summaries are monoids").
//
// Everything in it is an integer count or an integer sum, so merging is exactly associative and
// commutative (floating-point sums are not: (a + b) + c !== a + (b + c) in general). Units: money in whole
// cents (each amount converted to cents before summing, so totals are exact to the cent), fractions (LTV,
// value change, inflation, FSD) in basis points. Integers stay exact below 2^53: about $90 trillion in cents.
// The one part that is not a sum, the highlight lists, merges by keeping the best N under a total order
// (top-lists.ts), which is exact too.
//
// Every chunk run stores one (chunk markers) and the report merges them all, so it is compact: sparse maps
// hold only keys that occur and group statistics are tuples. A 100-property chunk serialises to 3-10 KB (10 KB
// when every property has its own ZIP, county and appraiser); a merged 100,000-property summary to about 80 KB
// for a regional portfolio (300 ZIPs) and 0.9 MB when spread evenly over all 41,000 US ZIPs (ZIP groups
// dominate).
import { z } from 'zod';
import { PROPERTY_TYPES } from './schemas.ts';
import {
  DOWNGRADE_REASONS,
  RISK_TIERS,
  VALUE_BANDS,
  VALUE_SOURCES,
  aiReviewSchema,
  type PropertyResult,
} from './results.ts';
import {
  BASIS_POINTS,
  FRAUD_SCORE_BINS,
  LTV_BINS,
  VALUE_CHANGE_BINS,
  addHistogramInto,
  emptyHistogram,
  histogramSchema,
  tallyHistogram,
  toUnits,
} from './histogram.ts';
import { addKeyedInto, canonicalOrder, own } from './sparse-map.ts';
import { addAppraiserStatsInto, appraiserStatsSchema, tallyAppraisal } from './appraisers.ts';
import { addProviderTalliesInto, providerTalliesSchema, tallyCascade } from './avm-providers.ts';
import { toCents } from './money.ts';
import { addTopListsInto, canonicalTopLists, emptyTopLists, tallyTop, topListsSchema } from './top-lists.ts';

const count = z.number().int().nonnegative();
/** Whole cents. */
const cents = z.number().int().nonnegative();
/** Basis points (1/10,000); may be negative (value falls). */
const basisPoints = z.number().int();
const AI_VERDICTS = aiReviewSchema.shape.verdict.options;

const tierCountsSchema = z.record(z.enum(RISK_TIERS), count);

/** Per geographic group: [properties, current value in whole cents]. */
const groupSchema = z.tuple([count, cents]);
export type GroupSums = z.infer<typeof groupSchema>;

const propertyTypeSumsSchema = z.object({
  properties: count,
  /** Current value, whole cents. */
  value: cents,
  /** Properties of this type with a loan (an LTV), and the sum of their LTVs in basis points. */
  loans: count,
  ltvSumBp: basisPoints,
  /** Loans of this type per risk tier. */
  tiers: tierCountsSchema,
  /** Properties of this type tiered without a loan. */
  noLoan: count,
});
export type PropertyTypeSums = z.infer<typeof propertyTypeSumsSchema>;

export const chunkSummarySchema = z.object({
  counts: z.object({
    /** Every property result, analysed or failed. */
    properties: count,
    analyzed: count,
    failed: count,
    /** Analysed properties whose value came from the cross-job valuation cache. */
    cachedValuations: count,
    /** Analysed properties with a current value (a valuation result). */
    valued: count,
    /** Valued properties that also have a last appraised value: the value-change population. */
    appraised: count,
    /** Significant changes (|change| at or above the configured threshold) upwards and downwards. */
    significantUp: count,
    significantDown: count,
    /** Analysed properties with a risk result: loans and properties without a loan. */
    tiered: count,
    /** Tiered properties with a loan (an LTV): the loan population. */
    loans: count,
    /** Loans with a second lien (balance above 0). */
    loansWithSecondLien: count,
    /** Loans tiered on CLTV (a second lien, and RISK_TIER_RATIO cltv). */
    tieredOnCltv: count,
    /** Tiered properties without a loan (tiered by value change and confidence). */
    noLoan: count,
    /** Loans flagged pre-distressed (tier ratio > 90%). */
    preDistressed: count,
    /** Analysed properties with a fraud result. */
    screened: count,
    /** Screened properties whose score reached the flag threshold. */
    flagged: count,
    aiReviews: count,
  }),
  /** Whole cents. */
  moneyCents: z.object({
    /** Current value of valued properties. */
    currentValue: cents,
    /** Current value of the appraised population. */
    appraisedCurrentValue: cents,
    /** Last appraised value of the appraised population. */
    lastAppraisedValue: cents,
    /** Current value of the loan population (the denominator of the weighted LTV and CLTV). */
    loanPropertyValue: cents,
    /** First-lien balances of the loan population, as given on each loan. */
    firstLienBalance: cents,
    /** Second-lien balances of the loan population. */
    secondLienBalance: cents,
    /** First-lien balances and combined (first + second lien) balances of the pre-distressed loans. */
    preDistressedFirstLien: cents,
    preDistressedExposure: cents,
  }),
  /** Sums of fractions in basis points: value change over the appraised population, LTV and CLTV over loans. */
  basisPointSums: z.object({ valueChange: basisPoints, ltv: basisPoints, cltv: basisPoints }),
  /** Loans per risk tier (properties without a loan are in noLoanTiers). */
  tiers: tierCountsSchema,
  /** Properties without a loan per tier of the value-change rule. */
  noLoanTiers: tierCountsSchema,
  /** Tiered properties whose tier was lowered one step, per reason (a property may have several). */
  downgrades: z.record(z.enum(DOWNGRADE_REASONS), count),
  valueBands: z.record(z.enum(VALUE_BANDS), count),
  valueSources: z.record(z.enum(VALUE_SOURCES), count),
  aiVerdicts: z.record(z.enum(AI_VERDICTS), count),
  histograms: z.object({
    valueChange: histogramSchema,
    ltv: histogramSchema,
    /** CLTV of the loans, in the LTV bins (equal to the LTV without a second lien). */
    cltv: histogramSchema,
    fraudScore: histogramSchema,
  }),
  fraudReasons: z.object({
    /** Reason code -> screened properties on which that rule fired at least once (flagged overall or not). */
    fired: z.record(z.string(), count),
    /** Reason code -> flagged properties on which that rule fired. */
    flagged: z.record(z.string(), count),
  }),
  /** Failure code -> failed properties (NO_VALUE_BASIS, AVM_UNAVAILABLE, ...). */
  failures: z.record(z.string(), count),
  /**
   * Analysed properties and their current value by state, county (`ST|County`, or `ST|FIPS` when the county
   * FIPS code is given; when known) and 5-digit ZIP.
   */
  geography: z.object({
    state: z.record(z.string(), groupSchema),
    county: z.record(z.string(), groupSchema),
    zip: z.record(z.string(), groupSchema),
  }),
  propertyTypes: z.partialRecord(z.enum(PROPERTY_TYPES), propertyTypeSumsSchema),
  appraisers: appraiserStatsSchema,
  /** Per AVM provider: the cascade calls made in this job and what they answered (avm-providers.ts). */
  avmProviders: providerTalliesSchema,
  /** Actual cost (paid calls only) of every property, analysed or failed, in cents. */
  costCents: z.object({ valuation: count, fraud: count, risk: count, total: count }),
  /**
   * The best TOP_N analysed results of each highlight list (top-lists.ts). Absent from summaries stored before
   * chunks kept them, and from any merge that includes one: the report then ranks the stored results instead.
   */
  top: topListsSchema.optional(),
});
export type ChunkSummary = z.infer<typeof chunkSummarySchema>;

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The identity of mergeSummaries: the summary of no properties. */
export function emptySummary(): ChunkSummary {
  return {
    counts: {
      properties: 0,
      analyzed: 0,
      failed: 0,
      cachedValuations: 0,
      valued: 0,
      appraised: 0,
      significantUp: 0,
      significantDown: 0,
      tiered: 0,
      loans: 0,
      loansWithSecondLien: 0,
      tieredOnCltv: 0,
      noLoan: 0,
      preDistressed: 0,
      screened: 0,
      flagged: 0,
      aiReviews: 0,
    },
    moneyCents: {
      currentValue: 0,
      appraisedCurrentValue: 0,
      lastAppraisedValue: 0,
      loanPropertyValue: 0,
      firstLienBalance: 0,
      secondLienBalance: 0,
      preDistressedFirstLien: 0,
      preDistressedExposure: 0,
    },
    basisPointSums: { valueChange: 0, ltv: 0, cltv: 0 },
    tiers: zeroCounts(RISK_TIERS),
    noLoanTiers: zeroCounts(RISK_TIERS),
    downgrades: zeroCounts(DOWNGRADE_REASONS),
    valueBands: zeroCounts(VALUE_BANDS),
    valueSources: zeroCounts(VALUE_SOURCES),
    aiVerdicts: zeroCounts(AI_VERDICTS),
    histograms: {
      valueChange: emptyHistogram(),
      ltv: emptyHistogram(),
      cltv: emptyHistogram(),
      fraudScore: emptyHistogram(),
    },
    fraudReasons: { fired: {}, flagged: {} },
    failures: {},
    geography: { state: {}, county: {}, zip: {} },
    propertyTypes: {},
    appraisers: {},
    avmProviders: {},
    costCents: { valuation: 0, fraud: 0, risk: 0, total: 0 },
    top: emptyTopLists(),
  };
}

/** Field-by-field sum of two objects with the same numeric fields (keys in `a`'s order). */
function addFields<T extends Record<string, number>>(a: T, b: T): T {
  const out: Record<string, number> = {};
  for (const key of Object.keys(a)) out[key] = (a[key] ?? 0) + (b[key] ?? 0);
  return out as T;
}

const add = (x: number, y: number): number => x + y;

const NO_GROUP: GroupSums = [0, 0];
const addGroups = (x: GroupSums, y: GroupSums): GroupSums => [x[0] + y[0], x[1] + y[1]];

const NO_PROPERTIES: PropertyTypeSums = {
  properties: 0,
  value: 0,
  loans: 0,
  ltvSumBp: 0,
  tiers: zeroCounts(RISK_TIERS),
  noLoan: 0,
};
const addPropertyTypeSums = (x: PropertyTypeSums, y: PropertyTypeSums): PropertyTypeSums => ({
  properties: x.properties + y.properties,
  value: x.value + y.value,
  loans: x.loans + y.loans,
  ltvSumBp: x.ltvSumBp + y.ltvSumBp,
  tiers: addFields(x.tiers, y.tiers),
  noLoan: x.noLoan + y.noLoan,
});

/** The per-type map with string keys, as the sparse-map helpers take it (only PROPERTY_TYPES ever occur). */
const byType = (types: ChunkSummary['propertyTypes']) => types as Record<string, PropertyTypeSums>;

/** Adds `s` into the accumulator `t`, mutating `t` only (nothing of `s` is shared into it). */
function addInto(t: ChunkSummary, s: ChunkSummary): void {
  t.counts = addFields(t.counts, s.counts);
  t.moneyCents = addFields(t.moneyCents, s.moneyCents);
  t.basisPointSums = addFields(t.basisPointSums, s.basisPointSums);
  t.tiers = addFields(t.tiers, s.tiers);
  t.noLoanTiers = addFields(t.noLoanTiers, s.noLoanTiers);
  t.downgrades = addFields(t.downgrades, s.downgrades);
  t.valueBands = addFields(t.valueBands, s.valueBands);
  t.valueSources = addFields(t.valueSources, s.valueSources);
  t.aiVerdicts = addFields(t.aiVerdicts, s.aiVerdicts);
  addHistogramInto(t.histograms.valueChange, s.histograms.valueChange);
  addHistogramInto(t.histograms.ltv, s.histograms.ltv);
  addHistogramInto(t.histograms.cltv, s.histograms.cltv);
  addHistogramInto(t.histograms.fraudScore, s.histograms.fraudScore);
  addKeyedInto(t.fraudReasons.fired, s.fraudReasons.fired, 0, add);
  addKeyedInto(t.fraudReasons.flagged, s.fraudReasons.flagged, 0, add);
  addKeyedInto(t.failures, s.failures, 0, add);
  addKeyedInto(t.geography.state, s.geography.state, NO_GROUP, addGroups);
  addKeyedInto(t.geography.county, s.geography.county, NO_GROUP, addGroups);
  addKeyedInto(t.geography.zip, s.geography.zip, NO_GROUP, addGroups);
  addKeyedInto(byType(t.propertyTypes), byType(s.propertyTypes), NO_PROPERTIES, addPropertyTypeSums);
  addAppraiserStatsInto(t.appraisers, s.appraisers);
  addProviderTalliesInto(t.avmProviders, s.avmProviders);
  t.costCents = addFields(t.costCents, s.costCents);
  // A summary without lists leaves the merge without them: a partial list would look whole.
  if (t.top && s.top) addTopListsInto(t.top, s.top);
  else delete t.top;
}

/** An accumulator's contents with every sparse map in canonical key order (see sparse-map.ts). */
function canonical(d: ChunkSummary): ChunkSummary {
  return {
    ...d,
    fraudReasons: { fired: canonicalOrder(d.fraudReasons.fired), flagged: canonicalOrder(d.fraudReasons.flagged) },
    failures: canonicalOrder(d.failures),
    geography: {
      state: canonicalOrder(d.geography.state),
      county: canonicalOrder(d.geography.county),
      zip: canonicalOrder(d.geography.zip),
    },
    propertyTypes: canonicalOrder(byType(d.propertyTypes)),
    appraisers: canonicalOrder(d.appraisers),
    avmProviders: canonicalOrder(d.avmProviders),
    ...(d.top && { top: canonicalTopLists(d.top) }),
  };
}

/**
 * The summary of all the inputs' properties: mergeAllSummaries([a, b, c]) equals
 * mergeSummaries(mergeSummaries(a, b), c). It costs time in proportion to the inputs' total size, so a
 * batch merges its chunks in one call rather than folding them pairwise (each fold copies the running total).
 */
export function mergeAllSummaries(summaries: readonly ChunkSummary[]): ChunkSummary {
  const accumulator = emptySummary();
  for (const s of summaries) addInto(accumulator, s);
  return canonical(accumulator);
}

/**
 * Exactly associative and commutative, with emptySummary() as identity; neither input is modified. Results
 * are equal in content and in serialisation (key order) whatever the merge order.
 */
export function mergeSummaries(a: ChunkSummary, b: ChunkSummary): ChunkSummary {
  return mergeAllSummaries([a, b]);
}

/** Whole cents of a non-negative dollar amount. */
const centsOf = (amount: number): number => Math.max(0, toCents(amount));

function tallyGroup(groups: Record<string, GroupSums>, key: string, value: number): void {
  const [properties, sum] = own(groups, key) ?? NO_GROUP;
  groups[key] = [properties + 1, sum + value];
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (own(counts, key) ?? 0) + 1;
};

/** Counts one result into the accumulator `s` (mutating it). */
function tallyResult(s: ChunkSummary, r: PropertyResult): void {
  s.counts.properties += 1;
  s.costCents.valuation += centsOf(r.cost.valuation);
  s.costCents.fraud += centsOf(r.cost.fraud);
  s.costCents.risk += centsOf(r.cost.risk);
  s.costCents.total += centsOf(r.cost.total);
  if (r.status === 'failed') {
    s.counts.failed += 1;
    bump(s.failures, r.error?.code ?? 'UNKNOWN');
    return;
  }
  s.counts.analyzed += 1;
  if (r.cachedValuation) s.counts.cachedValuations += 1;

  const { valuation, risk, fraud } = r;
  const value = valuation ? centsOf(valuation.estimatedValue) : 0;
  if (valuation) {
    s.counts.valued += 1;
    s.moneyCents.currentValue += value;
    s.valueBands[valuation.valueBand] += 1;
    s.valueSources[valuation.source] += 1;
    if (valuation.lastAppraisedValue !== undefined && valuation.changePct !== undefined) {
      s.counts.appraised += 1;
      s.moneyCents.appraisedCurrentValue += value;
      s.moneyCents.lastAppraisedValue += centsOf(valuation.lastAppraisedValue);
      s.basisPointSums.valueChange += toUnits(valuation.changePct, BASIS_POINTS);
      tallyHistogram(s.histograms.valueChange, VALUE_CHANGE_BINS, valuation.changePct);
    }
    if (valuation.significantChange && valuation.changePct !== undefined) {
      if (valuation.changePct > 0) s.counts.significantUp += 1;
      else if (valuation.changePct < 0) s.counts.significantDown += 1;
    }
    tallyCascade(s.avmProviders, valuation);
  }

  const type = (s.propertyTypes[r.propertyType] ??= addPropertyTypeSums(NO_PROPERTIES, NO_PROPERTIES));
  type.properties += 1;
  type.value += value;

  if (risk) {
    s.counts.tiered += 1;
    for (const reason of risk.downgradeReasons) s.downgrades[reason] += 1;
    if (risk.basis === 'no-loan' || risk.ltv === undefined || !valuation) {
      s.counts.noLoan += 1;
      s.noLoanTiers[risk.tier] += 1;
      type.noLoan += 1;
    } else {
      const ltvBp = toUnits(risk.ltv, BASIS_POINTS);
      const first = centsOf(risk.firstLienBalance ?? 0);
      const second = centsOf(risk.secondLienBalance ?? 0);
      s.counts.loans += 1;
      s.tiers[risk.tier] += 1;
      type.tiers[risk.tier] += 1;
      if (second > 0) s.counts.loansWithSecondLien += 1;
      if (risk.basis === 'cltv') s.counts.tieredOnCltv += 1;
      if (risk.preDistressed) {
        s.counts.preDistressed += 1;
        s.moneyCents.preDistressedFirstLien += first;
        s.moneyCents.preDistressedExposure += first + second;
      }
      s.moneyCents.loanPropertyValue += value;
      s.moneyCents.firstLienBalance += first;
      s.moneyCents.secondLienBalance += second;
      s.basisPointSums.ltv += ltvBp;
      s.basisPointSums.cltv += toUnits(risk.cltv ?? risk.ltv, BASIS_POINTS);
      tallyHistogram(s.histograms.ltv, LTV_BINS, risk.ltv);
      tallyHistogram(s.histograms.cltv, LTV_BINS, risk.cltv ?? risk.ltv);
      type.loans += 1;
      type.ltvSumBp += ltvBp;
    }
  }

  if (fraud) {
    s.counts.screened += 1;
    if (fraud.flagged) s.counts.flagged += 1;
    tallyHistogram(s.histograms.fraudScore, FRAUD_SCORE_BINS, fraud.score);
    for (const code of new Set(fraud.flags.map((f) => f.code))) {
      bump(s.fraudReasons.fired, code);
      if (fraud.flagged) bump(s.fraudReasons.flagged, code);
    }
    if (fraud.aiReview) {
      s.counts.aiReviews += 1;
      s.aiVerdicts[fraud.aiReview.verdict] += 1;
    }
    for (const check of fraud.appraisals) tallyAppraisal(s.appraisers, check);
  }
  if (s.top) tallyTop(s.top, r);

  tallyGroup(s.geography.state, r.state, value);
  const county = r.countyFips ?? r.county;
  if (county !== undefined && county.trim() !== '') tallyGroup(s.geography.county, countyKey(r.state, county), value);
  tallyGroup(s.geography.zip, r.zip.slice(0, 5), value);
}

/**
 * County group key: state and county, `TX|Travis` (county names repeat across states), or `TX|48453` when
 * the county FIPS code is known (it names the county whatever the spelling of its name).
 */
export function countyKey(state: string, county: string): string {
  return `${state}|${county.trim()}`;
}

/**
 * The summary of a list of results. summarizeResults(a.concat(b)) deep-equals (and serialises identically
 * to) mergeSummaries(summarizeResults(a), summarizeResults(b)).
 * Failed properties count in `properties`, `failed`, `failures` and cost only; analysed ones count everywhere
 * they have the data for (a `risk`-only job has no fraud results, a property without a loan no LTV).
 */
export function summarizeResults(results: readonly PropertyResult[]): ChunkSummary {
  const accumulator = emptySummary();
  for (const r of results) tallyResult(accumulator, r);
  return canonical(accumulator);
}
