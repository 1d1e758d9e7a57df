// What the analytics produce for one property: the contract between the per-property analysis
// (valuation, risk, fraud), the stored result documents and the mergeable ChunkSummary.
// Schemas, not bare interfaces, so stored documents can be checked when read back and the
// OpenAPI description can be generated from the same source.
import { z } from 'zod';
import { PROPERTY_TYPES, US_STATES } from './schemas.ts';

export const VALUE_BANDS = ['under-200k', '200k-500k', '500k-1m', 'over-1m'] as const;
export type ValueBand = (typeof VALUE_BANDS)[number];

export const RISK_TIERS = ['A', 'B', 'C', 'D'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Where a property's current value came from. */
export const VALUE_SOURCES = ['avm', 'cache', 'stored', 'appraisal'] as const;
export type ValueSource = (typeof VALUE_SOURCES)[number];

/** One AVM answer, as a provider returns it (or as the cache replays it). */
export const avmQuoteSchema = z.object({
  provider: z.string(),
  estimatedValue: z.number().positive(),
  /** Forecast standard deviation: the model's own relative uncertainty (0.08 = +/-8% at one sigma). */
  fsd: z.number().min(0),
  lowValue: z.number().optional(),
  highValue: z.number().optional(),
  /** ISO date-time the provider valued the property. */
  valuedAt: z.string(),
});
export type AvmQuote = z.infer<typeof avmQuoteSchema>;

/** What an AVM value is checked against (AVM performance, DESIGN §4). */
export const BENCHMARK_KINDS = ['sale', 'appraisal'] as const;
export type BenchmarkKind = (typeof BENCHMARK_KINDS)[number];

/**
 * The property's benchmark for AVM accuracy: its most recent arm's-length sale in the 12 months before the
 * analysis date, else its most recent appraisal in that window (see avm-accuracy.ts).
 */
export const benchmarkSchema = z.object({
  kind: z.enum(BENCHMARK_KINDS),
  /** YYYY-MM-DD of the sale or of the appraisal's effective date. */
  date: z.string(),
  /** Sale price or appraised value, dollars. */
  value: z.number(),
  /** (AVM value - benchmark) / benchmark, a fraction: 0.05 = the AVM value is 5% above the benchmark. */
  errorPct: z.number(),
});
export type Benchmark = z.infer<typeof benchmarkSchema>;

/** One provider asked during the AVM cascade: what it answered (an FSD, or why it did not) and who paid. */
export const cascadeAttemptSchema = z.object({
  provider: z.string(),
  fsd: z.number().optional(),
  /** The ProviderError kind (`no_value`, `unavailable`, ...), or the message of any other error. */
  error: z.string().optional(),
  /** What this job paid for the answer, in cents; absent when nothing was billed. */
  cents: z.number().int().nonnegative().optional(),
  /** True when the answer was reused from the valuation cache (bought earlier, by this job or another). */
  cached: z.boolean().optional(),
});
export type CascadeAttempt = z.infer<typeof cascadeAttemptSchema>;

export const valuationResultSchema = z.object({
  source: z.enum(VALUE_SOURCES),
  provider: z.string().optional(),
  estimatedValue: z.number(),
  /** FSD of the accepted quote; absent for an appraisal-only basis. */
  fsd: z.number().optional(),
  /** True when the accepted quote's FSD is at or under `maxFsd`. */
  withinMaxFsd: z.boolean(),
  /**
   * Providers asked, in cascade order, with what each answered and who paid: `cents` is what this job paid
   * for the answer (absent when nothing was billed), `cached` marks an answer reused from the valuation cache
   * (bought earlier, by this job or another).
   */
  cascade: z.array(cascadeAttemptSchema),
  valuedAt: z.string(),
  lastAppraisedValue: z.number().optional(),
  /** estimatedValue - lastAppraisedValue; absent without a last appraisal. */
  changeAmount: z.number().optional(),
  /** changeAmount / lastAppraisedValue, as a fraction (-0.12 = down 12%). */
  changePct: z.number().optional(),
  significantChange: z.boolean(),
  valueBand: z.enum(VALUE_BANDS),
  /** Present for an AVM value (not an appraisal basis) when the property has a benchmark. */
  benchmark: benchmarkSchema.optional(),
});
export type ValuationResult = z.infer<typeof valuationResultSchema>;

/**
 * What a property's tier rests on: 'ltv' or 'cltv', the ratio a loan was tiered on (CLTV where a second lien
 * exists and the RISK_TIER_RATIO setting is cltv); 'no-loan' when tiered by value change and confidence only.
 */
export const RISK_BASES = ['ltv', 'cltv', 'no-loan'] as const;

/** Why a tier was lowered one step: the value it rests on is weak (risk.ts). */
export const DOWNGRADE_REASONS = ['WEAK_FSD', 'STALE_VALUATION', 'APPRAISAL_ONLY'] as const;
export type DowngradeReason = (typeof DOWNGRADE_REASONS)[number];

export const riskResultSchema = z.object({
  /** First-lien balance / current value, as a fraction; absent without a loan. */
  ltv: z.number().optional(),
  /** (first + second lien) / current value (Fannie Mae Selling Guide B2-1.2-02); equals ltv without a second lien. */
  cltv: z.number().optional(),
  /** First-lien unpaid balance, dollars, as given; absent without a loan. */
  firstLienBalance: z.number().optional(),
  /** Second-lien balance, dollars (0 when none was given); absent without a loan. */
  secondLienBalance: z.number().optional(),
  /** Tier before the weak-basis downgrade. */
  baseTier: z.enum(RISK_TIERS),
  tier: z.enum(RISK_TIERS),
  /** Why the tier was lowered one step (empty when it was not). */
  downgradeReasons: z.array(z.enum(DOWNGRADE_REASONS)),
  /** The tier ratio (`basis`) above the tier C limit, 90% (DESIGN §4); never for a property without a loan. */
  preDistressed: z.boolean(),
  basis: z.enum(RISK_BASES),
  note: z.string().optional(),
});
export type RiskResult = z.infer<typeof riskResultSchema>;

export const fraudFlagSchema = z.object({
  /** Stable reason code, e.g. APPRAISAL_ABOVE_AVM. */
  code: z.string(),
  /** Points this flag adds to the 0-100 score. */
  points: z.number(),
  /** Human-readable explanation with the observed value and the threshold. */
  detail: z.string(),
  appraisalId: z.string().optional(),
});
export type FraudFlag = z.infer<typeof fraudFlagSchema>;

/** Per-appraisal facts the portfolio-wide appraiser statistics are built from. */
export const appraisalCheckSchema = z.object({
  appraisalId: z.string(),
  appraiserId: z.string(),
  /** (appraisedValue - current AVM value) / AVM value; absent when no AVM value was available. */
  inflationPct: z.number().optional(),
  flagged: z.boolean(),
});
export type AppraisalCheck = z.infer<typeof appraisalCheckSchema>;

export const aiReviewSchema = z.object({
  provider: z.string(),
  /** The reviewer's own 0-100 risk score. */
  riskScore: z.number().min(0).max(100),
  verdict: z.enum(['clear', 'review', 'refer']),
  summary: z.string(),
});
export type AiReview = z.infer<typeof aiReviewSchema>;

export const fraudResultSchema = z.object({
  /** 0 (nothing found) to 100. */
  score: z.number().min(0).max(100),
  flags: z.array(fraudFlagSchema),
  /** True when the score reaches the flag threshold. */
  flagged: z.boolean(),
  appraisals: z.array(appraisalCheckSchema),
  aiReview: aiReviewSchema.optional(),
});
export type FraudResult = z.infer<typeof fraudResultSchema>;

export const costSchema = z.object({
  valuation: z.number(),
  fraud: z.number(),
  risk: z.number(),
  total: z.number(),
});
export type Cost = z.infer<typeof costSchema>;

/**
 * One answer a vendor billed for a property in a job: kept on the property's result so that a retry or a
 * redrive reuses it instead of buying it again, and so the property's cost is the sum of what was billed.
 */
export const purchaseSchema = z.object({
  kind: z.enum(['avm', 'review']),
  provider: z.string(),
  /** What the vendor billed for the answer, in cents (the price when it was bought). */
  cents: z.number().int().nonnegative(),
  /** ISO date-time the answer was bought. */
  at: z.string(),
  /** The AVM answer (kind avm). */
  quote: avmQuoteSchema.optional(),
  /** The AI review (kind review). */
  review: aiReviewSchema.optional(),
});
export type Purchase = z.infer<typeof purchaseSchema>;

export const propertyErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /**
   * True when the cause may pass (a provider or storage outage, a rate limit): the end-of-job retry pass tries again.
   */
  transient: z.boolean().optional(),
});
export type PropertyError = z.infer<typeof propertyErrorSchema>;

export const propertyResultSchema = z.object({
  propertyId: z.string(),
  status: z.enum(['analyzed', 'failed']),
  error: propertyErrorSchema.optional(),
  /**
   * The street address as submitted (for search and the property view); absent on results stored before it was kept.
   */
  address: z.string().optional(),
  /** The unit (apartment, suite) as submitted, when the property has one. */
  unit: z.string().optional(),
  city: z.string().optional(),
  state: z.enum(US_STATES),
  county: z.string().optional(),
  countyFips: z.string().optional(),
  zip: z.string(),
  propertyType: z.enum(PROPERTY_TYPES),
  valuation: valuationResultSchema.optional(),
  risk: riskResultSchema.optional(),
  fraud: fraudResultSchema.optional(),
  /** What this property actually cost: paid calls only (cache hits and stored values are free). */
  cost: costSchema,
  /** The answers billed for this property in this job (failed properties keep theirs for the retry). */
  purchases: z.array(purchaseSchema).optional(),
  /** True when the value came from the cross-job valuation cache. */
  cachedValuation: z.boolean(),
});
export type PropertyResult = z.infer<typeof propertyResultSchema>;

/** A result as stored: one document per job and property, under storage keys the API leaves out (resultOf). */
export const storedResultSchema = propertyResultSchema.extend({
  /** = propertyId. */
  id: z.string(),
  jobId: z.string(),
  chunkIndex: z.number().int().nonnegative(),
});
export type StoredResult = z.infer<typeof storedResultSchema>;

/** A stored result as the API answers it: the storage keys (id, jobId, chunkIndex) left out. */
export function resultOf(stored: StoredResult): PropertyResult {
  const { id: _id, jobId: _jobId, chunkIndex: _chunkIndex, ...result } = stored;
  return result;
}

/** The property filters of GET /api/portfolio/jobs/{id}/properties. */
export const RESULT_FILTERS = ['all', 'failed', 'flagged', ...RISK_TIERS.map((t) => `tier-${t}` as const)] as const;
export const resultFilterSchema = z.enum(RESULT_FILTERS);
export type ResultFilter = z.infer<typeof resultFilterSchema>;
