// What the HTTP API answers, as zod schemas: the one definition of each answer. The triggers build their
// bodies to these types, src/api/openapi.ts generates the OpenAPI document from them, the CLI reads the
// answers through them, and the integration suite checks every answer it gets against the document.
import { z } from 'zod';
import { costBreakdownSchema } from '../domain/cost.ts';
import { dataQualitySchema, fieldErrorSchema } from '../domain/data-quality.ts';
import { STOP_REASONS } from '../domain/job-progress.ts';
import { jobStatusSchema } from '../domain/job-status.ts';
import { REDRIVE_INCLUDES } from '../domain/passes.ts';
import { propertyResultSchema, resultFilterSchema } from '../domain/results.ts';
import { ANALYSIS_TYPES } from '../domain/schemas.ts';
import { portfolioReportSchema } from '../domain/report.ts';
import { trendPointSchema } from '../domain/trend.ts';
import { portfolioDocumentSchema } from '../storage/portfolios-repository.ts';

const dollars = z.number().meta({ description: 'US dollars' });
const isoDateTime = z.string().meta({ description: 'ISO 8601 date-time, UTC' });

/** Every refusal: 404, 413, and the base of the others. */
export const errorAnswerSchema = z.object({ success: z.literal(false), error: z.string() });
export type ErrorAnswer = z.infer<typeof errorAnswerSchema>;

/**
 * 500 and 503, what the one error boundary (./error-boundary.ts) answers for an error no handler answered: the
 * message and the correlation id of the one log line that says what happened (also the x-correlation-id
 * header). A 503 (a service the app depends on is unavailable) also carries Retry-After in seconds.
 */
export const serverErrorAnswerSchema = errorAnswerSchema.extend({ correlationId: z.string() });
export type ServerErrorAnswer = z.infer<typeof serverErrorAnswerSchema>;

/**
 * 400 (and 415) with field errors (at most MAX_REPORTED_ERRORS listed; totalErrors counts them all). A refused
 * tape also carries the account of what was read of it.
 */
export const validationErrorAnswerSchema = errorAnswerSchema.extend({
  errors: z.array(fieldErrorSchema).min(1),
  totalErrors: z.number().int().positive(),
  dataQuality: dataQualitySchema.optional(),
});
export type ValidationErrorAnswer = z.infer<typeof validationErrorAnswerSchema>;

/** 422: the estimate is over the caller's budget and allowPartial was not set; the field error is on budget. */
export const overBudgetAnswerSchema = errorAnswerSchema.extend({
  errors: z.array(fieldErrorSchema).min(1),
  estimatedCost: dollars,
  budget: dollars,
  breakdown: costBreakdownSchema,
  dataQuality: dataQualitySchema,
});
export type OverBudgetAnswer = z.infer<typeof overBudgetAnswerSchema>;

/**
 * 422: the Idempotency-Key names a job that was submitted with another request (IETF draft "The
 * Idempotency-Key HTTP Header Field" §2.7). The job the key names, and where to read it.
 */
export const idempotencyKeyReusedAnswerSchema = errorAnswerSchema.extend({ jobId: z.string(), statusUrl: z.string() });
export type IdempotencyKeyReusedAnswer = z.infer<typeof idempotencyKeyReusedAnswerSchema>;

/** A job as GET /api/portfolio/jobs/{jobId} shows it (DESIGN §5). */
export const jobViewSchema = z.object({
  jobId: z.string(),
  portfolioId: z.string(),
  analysisType: z.enum(ANALYSIS_TYPES),
  status: jobStatusSchema.meta({
    description:
      'reading: a tape submitted by reference is being read, validated and staged (progress.total and cost.estimated are 0 until it is); queued; processing; then completed, failed, cancelled, budget_exceeded, or rejected: the tape was refused after the 202 (errors say why; over budget: cost.estimated, cost.budget and breakdown), nothing was analysed or spent, and the job has no report',
  }),
  progress: z.object({
    /** Properties in the job; 0 while its tape is read, and for a tape rejected or cancelled before it was read. */
    total: z.number().int(),
    processed: z.number().int(),
    failed: z.number().int(),
    /** Properties valued from the cross-job cache (no AVM call bought). */
    cached: z.number().int(),
    /** processed / total, in percent, one decimal. */
    percentComplete: z.number(),
  }),
  cost: z.object({
    /** The worst case: every AVM of the cascade, a review, risk. */
    estimated: dollars,
    /** Held by chunks in flight (at most their worst case). */
    reserved: dollars,
    /** The vendors' bill as recorded with each answer, plus the risk charge. */
    actual: dollars,
    /**
     * Present when some answers were never received: at most this much more may have been billed for answers a
     * crash lost and for calls that timed out (counted against the budget).
     */
    unconfirmed: dollars.optional(),
    budget: dollars.optional(),
  }),
  startTime: isoDateTime,
  /** Once the job has ended. */
  endTime: isoDateTime.optional(),
  /** Seconds left at the observed rate, while processing. */
  estimatedTimeRemaining: z.number().int().optional(),
  /** While a stopped job finishes its properties in flight: why it stops. */
  stopRequested: z.enum(STOP_REASONS).optional(),
  /** Why a failed job failed. */
  error: z.string().optional(),
  /** Why a job ended short of its portfolio (cancel, terminate, budget). */
  statusReason: z.string().optional(),
  /** How the request's properties were read (absent for runs of a registered portfolio). */
  dataQuality: dataQualitySchema.optional(),
  /** The uploaded tape a request by reference named (its blob in the uploads container). */
  propertiesBlob: z.string().optional(),
  /**
   * A rejected job's field errors, as a 400 would have listed them (at most 100; totalErrors counts them all): the
   * tape's rows, propertiesBlob for a tape replaced or deleted after the request named it, budget for an estimate
   * over the budget.
   */
  errors: z.array(fieldErrorSchema).optional(),
  totalErrors: z.number().int().positive().optional(),
  /** A job rejected over budget: the estimate's breakdown (cost.estimated is its total, cost.budget the budget). */
  breakdown: costBreakdownSchema.optional(),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** What every 202 of POST /api/portfolio/analyze carries: the job, and Durable management URLs of its instance. */
const acceptedJobSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  message: z.string(),
  /** GET this for progress (also the Location header). */
  statusUrl: z.string(),
  /**
   * The Durable status query of the job's root; carries the task hub's system key in Azure
   * (HAND_OUT_MANAGEMENT_URLS=false leaves it and the two below out).
   */
  statusQueryGetUri: z.string().optional(),
  /** Terminates the job: chunks stop buying, it ends cancelled with a partial report. */
  terminatePostUri: z.string().optional(),
  /** Purges the root's history; the job, its results and report stay. */
  purgeHistoryDeleteUri: z.string().optional(),
});

/** 202 of POST /api/portfolio/analyze for properties in the body (JSON, CSV, Excel): read, staged and priced. */
export const analyzeAcceptedSchema = acceptedJobSchema.extend({
  estimatedCost: dollars,
  breakdown: costBreakdownSchema,
  /** How the properties were read: rows skipped (invalidRows=skip), normalisations with their counts. */
  dataQuality: dataQualitySchema,
});
export type AnalyzeAccepted = z.infer<typeof analyzeAcceptedSchema>;

/**
 * 202 of POST /api/portfolio/analyze for a tape by reference (`propertiesBlob`): accepted once the request's fields
 * and the blob (it exists, is not empty, is a kind read) pass, before the tape is read. The job reads, validates and
 * stages it (status reading), then runs, or ends rejected with the errors a synchronous read would have answered;
 * its estimate, breakdown and dataQuality appear on the job (statusUrl) once the read ends.
 */
export const tapeAcceptedSchema = acceptedJobSchema.extend({
  /** reading for a request just accepted; for a keyed retry, the status its job has now. */
  status: jobStatusSchema,
  /** The tape the job reads (its blob name in the uploads container). */
  propertiesBlob: z.string(),
});
export type TapeAccepted = z.infer<typeof tapeAcceptedSchema>;

/** 200 of POST /api/portfolio/estimate: the cost of the properties that would be analysed. */
export const estimateAnswerSchema = z.object({
  success: z.literal(true),
  estimatedCost: dollars,
  breakdown: costBreakdownSchema,
  dataQuality: dataQualitySchema,
});
export type EstimateAnswer = z.infer<typeof estimateAnswerSchema>;

export const jobAnswerSchema = z.object({ success: z.literal(true), job: jobViewSchema });
export type JobAnswer = z.infer<typeof jobAnswerSchema>;

/** GET /api/portfolio/jobs: newest first. */
export const jobsPageSchema = z.object({
  success: z.literal(true),
  /** queued and processing are told apart live, after the page is read: such a page may hold fewer. */
  jobs: z.array(jobViewSchema),
  continuationToken: z.string().optional(),
});
export type JobsPage = z.infer<typeof jobsPageSchema>;

/** 400 of GET .../results before the report exists; 409 for a failed job, which has none. */
export const notFinishedAnswerSchema = errorAnswerSchema.extend({
  status: jobStatusSchema,
  progress: jobViewSchema.shape.progress,
});
export type NotFinishedAnswer = z.infer<typeof notFinishedAnswerSchema>;

export const resultsAnswerSchema = z.object({
  success: z.literal(true),
  status: jobStatusSchema,
  results: portfolioReportSchema,
});
export type ResultsAnswer = z.infer<typeof resultsAnswerSchema>;

export const propertiesPageSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  filter: resultFilterSchema,
  properties: z.array(propertyResultSchema),
  /** Present when more may follow: pass it back unchanged for the next page. */
  continuationToken: z.string().optional(),
});
export type PropertiesPage = z.infer<typeof propertiesPageSchema>;

/** GET /api/portfolio/jobs/{jobId}/properties/{propertyId}. */
export const propertyAnswerSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  property: propertyResultSchema,
});
export type PropertyAnswer = z.infer<typeof propertyAnswerSchema>;

export const cancelAnswerSchema = z.object({ success: z.literal(true), jobId: z.string(), message: z.string() });
export type CancelAnswer = z.infer<typeof cancelAnswerSchema>;

/** 409: the job is in a state the request needs it out of (a redrive before the job has finished). */
export const conflictAnswerSchema = errorAnswerSchema.extend({ status: jobStatusSchema.optional() });
export type ConflictAnswer = z.infer<typeof conflictAnswerSchema>;

/** 202 of POST /api/portfolio/jobs/{jobId}/redrive. */
export const redriveAcceptedSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  /** The n-th redrive of the job. */
  redrive: z.number().int().positive(),
  include: z.enum(REDRIVE_INCLUDES),
  message: z.string().meta({
    description:
      'What the redrive analyses; for a job with properties left without a result, what its include mode does with them (failed leaves them: the job ends with the status that left them again; failed-and-left analyses them)',
  }),
  /** GET this for progress (also the Location header). */
  statusUrl: z.string(),
});
export type RedriveAccepted = z.infer<typeof redriveAcceptedSchema>;

/**
 * 202 of POST /api/portfolios/{portfolioId}/revalue: the day's revaluation, started now or already there (the
 * message says which). At most one a UTC day: its job id is nightly-{portfolioId}-{runDate}.
 */
export const revalueAcceptedSchema = z.object({
  success: z.literal(true),
  jobId: z.string(),
  portfolioId: z.string(),
  /** The UTC day of the run, yyyyMMdd. */
  runDate: z.string().regex(/^\d{8}$/),
  estimatedCost: dollars,
  message: z.string(),
  /** GET this for progress (also the Location header). */
  statusUrl: z.string(),
});
export type RevalueAccepted = z.infer<typeof revalueAcceptedSchema>;

export const portfolioAnswerSchema = z.object({ success: z.literal(true), portfolio: portfolioDocumentSchema });
export type PortfolioAnswer = z.infer<typeof portfolioAnswerSchema>;

export const trendAnswerSchema = z.object({
  success: z.literal(true),
  portfolioId: z.string(),
  trend: z.array(trendPointSchema),
});
export type TrendAnswer = z.infer<typeof trendAnswerSchema>;
