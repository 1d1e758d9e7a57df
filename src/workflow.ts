// The shapes that travel between the orchestrations, the entity and the activities, in one place.
// Everything here goes through orchestration history, so it is small: ids, counts and summaries, never
// property lists (those are staged as chunk blobs).
import type { ChunkSummary } from './domain/summary.ts';
import type { AnalysisType, StressScenario } from './domain/schemas.ts';
import type { JobStatus } from './domain/job-status.ts';

export const ORCHESTRATIONS = { portfolioAnalysis: 'portfolioAnalysis', chunkBatch: 'chunkBatch' } as const;
export const ACTIVITIES = { analyzeChunk: 'analyzeChunk', aggregateReport: 'aggregateReport' } as const;
export const JOB_PROGRESS_ENTITY = 'jobProgress';

/** The phases of a job, each logged once (logLine 'jobPhase'): submitted, started, batches, reported, finished. */
export type JobPhase = 'submitted' | 'started' | 'batches' | 'reported' | 'finished';

/**
 * One structured log line: `{"event": ..., ...fields}` as JSON, so that the traces of a job can be found and
 * summed in Application Insights (`traces | extend e = parse_json(message) | where e.jobId == ...`).
 * Fields in money are cents, durations milliseconds.
 */
export function logLine(
  event: 'jobPhase' | 'chunkAnalyzed',
  fields: Record<string, string | number | boolean>,
): string {
  return JSON.stringify({ event, ...fields });
}

export interface PortfolioAnalysisInput {
  jobId: string;
  portfolioId: string;
  analysisType: AnalysisType;
  totalProperties: number;
  chunkCount: number;
  chunkSize: number;
  chunksPerBatch: number;
  /** Chunks analysed at once within a batch, and batches at once within the job. */
  maxConcurrentChunks: number;
  maxConcurrentBatches: number;
  /** Most a chunk can cost (its properties x the per-property estimate), in cents: what it reserves. */
  chunkCostCents: number[];
  estimatedCents: number;
  budgetCents?: number | undefined;
  /** Share of failed properties above which the job fails. */
  maxFailureRate: number;
  /** "Today" of the analysis, fixed when the job is submitted. */
  asOf: string;
  /** The report's stress scenarios, when the request gave them (a few hundred bytes at most). */
  stressScenarios?: StressScenario[] | undefined;
}

export interface ChunkBatchInput {
  jobId: string;
  analysisType: AnalysisType;
  firstChunk: number;
  chunkCount: number;
  maxConcurrentChunks: number;
  chunkCostCents: number[];
  asOf: string;
}

export interface ChunkBatchOutput {
  summary: ChunkSummary;
  chunksRun: number;
  /** Set when the entity refused a reservation: the batch stopped scheduling. */
  stoppedBy?: 'cancelled' | 'budget_exceeded' | undefined;
}

export interface AnalyzeChunkInput {
  jobId: string;
  chunkIndex: number;
  analysisType: AnalysisType;
  asOf: string;
}

export interface AnalyzeChunkOutput {
  chunkIndex: number;
  summary: ChunkSummary;
  processed: number;
  failed: number;
  cached: number;
  actualCents: number;
  /** Properties found already stored for the job (a retried chunk), not analysed again. */
  alreadyStored: number;
}

export interface AggregateReportInput {
  jobId: string;
  portfolioId: string;
  analysisType: AnalysisType;
  status: JobStatus;
  summary: ChunkSummary;
  totalProperties: number;
  asOf: string;
  error?: string | undefined;
  stressScenarios?: StressScenario[] | undefined;
}
