// Submitting a job (DESIGN §2.1): estimate, check the budget, stage the properties as chunk blobs, write
// the job document and start portfolioAnalysis with a small input. Used by the HTTP API and the nightly
// queue starter. Everything that can refuse a request happens before anything is written.
import { createHash, randomUUID } from 'node:crypto';
import { chunk, chunkCountFor } from '../domain/chunking.ts';
import { estimateCents, estimateCost, type CostBreakdown } from '../domain/cost.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import { sharedIdentities } from '../domain/identity.ts';
import type { AnalysisType, Property, StressScenario } from '../domain/schemas.ts';
import type { Settings } from '../config.ts';
import { ORCHESTRATIONS, type PortfolioAnalysisInput } from '../workflow.ts';

export interface JobRequest {
  portfolioId: string;
  analysisType: AnalysisType;
  properties: Property[];
  budget?: number | undefined;
  allowPartial: boolean;
  idempotencyKey?: string | undefined;
  /** A fixed job id (the nightly run uses `nightly-{portfolioId}-{yyyyMMdd}`); else derived or random. */
  jobId?: string | undefined;
  /** How the properties were read (rows skipped, normalisations): kept with the job for its status and report. */
  dataQuality?: DataQuality | undefined;
  asOf: Date;
  /** The report's stress scenarios (default: the configured ones). */
  stressScenarios?: StressScenario[] | undefined;
}

export interface JobStore {
  /** The job document, if one exists. */
  getJob(jobId: string): Promise<{ id: string; estimatedCost: number; status: string } | undefined>;
  /** Creates the job document; false when a job with this id already exists. */
  createJob(job: NewJob): Promise<boolean>;
  /** Stages the chunks with the identities shared across the job (see valuationKey). */
  stageChunks(jobId: string, chunks: Property[][], sharedIdentities: ReadonlySet<string>): Promise<void>;
  markJobFailed(jobId: string, error: string): Promise<void>;
}

export interface NewJob {
  id: string;
  portfolioId: string;
  analysisType: AnalysisType;
  status: 'queued';
  totalProperties: number;
  chunkCount: number;
  estimatedCost: number;
  budget?: number | undefined;
  allowPartial: boolean;
  idempotencyKey?: string | undefined;
  dataQuality?: DataQuality | undefined;
  createdAt: string;
  updatedAt: string;
}

export interface Starter {
  /** Starts the orchestration; false when an instance with this id is already running. */
  start(name: string, instanceId: string, input: unknown): Promise<boolean>;
}

export type SubmitOutcome =
  | { kind: 'started' | 'existing'; jobId: string; estimatedCost: number; breakdown: CostBreakdown }
  | { kind: 'over_budget'; estimatedCost: number; budget: number; breakdown: CostBreakdown };

/** The same Idempotency-Key for the same portfolio always names the same job. */
export function jobIdFor(portfolioId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `job-${randomUUID()}`;
  return `job-${createHash('sha256').update(`${portfolioId}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

export async function submitJob(
  request: JobRequest,
  settings: Settings,
  store: JobStore,
  starter: Starter,
): Promise<SubmitOutcome> {
  const breakdown = estimateCost(request.properties.length, request.analysisType, settings.costRates);
  const jobId = request.jobId ?? jobIdFor(request.portfolioId, request.idempotencyKey);
  const existing = await store.getJob(jobId);
  if (existing) return { kind: 'existing', jobId, estimatedCost: existing.estimatedCost, breakdown };
  if (request.budget !== undefined && request.budget < breakdown.total && !request.allowPartial) {
    return { kind: 'over_budget', estimatedCost: breakdown.total, budget: request.budget, breakdown };
  }

  const { chunkSize, chunksPerBatch } = settings.chunking;
  const chunkCount = chunkCountFor(request.properties.length, chunkSize);
  const now = request.asOf.toISOString();
  const created = await store.createJob({
    id: jobId,
    portfolioId: request.portfolioId,
    analysisType: request.analysisType,
    status: 'queued',
    totalProperties: request.properties.length,
    chunkCount,
    estimatedCost: breakdown.total,
    ...(request.budget !== undefined && { budget: request.budget }),
    allowPartial: request.allowPartial,
    ...(request.idempotencyKey !== undefined && { idempotencyKey: request.idempotencyKey }),
    ...(request.dataQuality !== undefined && { dataQuality: request.dataQuality }),
    createdAt: now,
    updatedAt: now,
  });
  if (!created) return { kind: 'existing', jobId, estimatedCost: breakdown.total, breakdown };

  try {
    const chunks = chunk(request.properties, chunkSize);
    await store.stageChunks(jobId, chunks, sharedIdentities(request.properties));
    const input: PortfolioAnalysisInput = {
      jobId,
      portfolioId: request.portfolioId,
      analysisType: request.analysisType,
      totalProperties: request.properties.length,
      chunkCount,
      chunkSize,
      chunksPerBatch,
      maxConcurrentChunks: settings.pipeline.maxConcurrentChunks,
      maxConcurrentBatches: settings.pipeline.maxConcurrentBatches,
      chunkCostCents: chunks.map((c) => estimateCents(c.length, request.analysisType, settings.costRates)),
      estimatedCents: estimateCents(request.properties.length, request.analysisType, settings.costRates),
      ...(request.budget !== undefined && { budgetCents: Math.round(request.budget * 100) }),
      maxFailureRate: settings.pipeline.maxFailureRate,
      asOf: now,
      ...(request.stressScenarios !== undefined && { stressScenarios: request.stressScenarios }),
    };
    await starter.start(ORCHESTRATIONS.portfolioAnalysis, jobId, input);
  } catch (error) {
    await store.markJobFailed(
      jobId,
      `could not start the job: ${error instanceof Error ? error.message : String(error)}`,
    );
    throw error;
  }
  return { kind: 'started', jobId, estimatedCost: breakdown.total, breakdown };
}
