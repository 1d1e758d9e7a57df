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

export const valuationResultSchema = z.object({
  source: z.enum(VALUE_SOURCES),
  provider: z.string().optional(),
  estimatedValue: z.number(),
  /** FSD of the accepted quote; absent for an appraisal-only basis. */
  fsd: z.number().optional(),
  /** True when the accepted quote's FSD is at or under `maxFsd`. */
  withinMaxFsd: z.boolean(),
  /** Providers asked, in cascade order, with what each answered. */
  cascade: z.array(z.object({ provider: z.string(), fsd: z.number().optional(), error: z.string().optional() })),
  valuedAt: z.string(),
  lastAppraisedValue: z.number().optional(),
  /** estimatedValue - lastAppraisedValue; absent without a last appraisal. */
  changeAmount: z.number().optional(),
  /** changeAmount / lastAppraisedValue, as a fraction (-0.12 = down 12%). */
  changePct: z.number().optional(),
  significantChange: z.boolean(),
  valueBand: z.enum(VALUE_BANDS),
});
export type ValuationResult = z.infer<typeof valuationResultSchema>;

export const riskResultSchema = z.object({
  /** First-lien balance / current value, as a fraction; absent without a loan. */
  ltv: z.number().optional(),
  /** (first + second lien) / current value. */
  cltv: z.number().optional(),
  /** Tier before the weak-basis downgrade. */
  baseTier: z.enum(RISK_TIERS),
  tier: z.enum(RISK_TIERS),
  /** Why the tier was lowered one step (empty when it was not). */
  downgradeReasons: z.array(z.string()),
  /** LTV above 90% (DESIGN §4). */
  preDistressed: z.boolean(),
  /** 'ltv' when tiered by loan-to-value; 'no-loan' when tiered by value change and confidence only. */
  basis: z.enum(['ltv', 'no-loan']),
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

export const propertyResultSchema = z.object({
  propertyId: z.string(),
  status: z.enum(['analyzed', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The street address as submitted (for search and the property view); absent on results stored before it was kept. */
  address: z.string().optional(),
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
  /** True when the value came from the cross-job valuation cache. */
  cachedValuation: z.boolean(),
});
export type PropertyResult = z.infer<typeof propertyResultSchema>;
