// Redrive (issue 11.5): analyse a finished job's failed properties again — and, on request, the properties
// a cancel or the budget left without a result — in the same job. The job's results, counts, cost and report
// are updated in place (the report is rebuilt from every chunk's summary); the answers each property already
// bought are reused from its stored result, so nothing bought is bought again. The redrive is a new run of
// the job's root orchestration (same instance id, so the statusQueryGetUri handed out at submission follows
// it), with a `{jobId}:redrive-{n}` child.
import { z } from 'zod';
import { isFinal, type JobStatus } from '../domain/job-status.ts';
import { REDRIVE_INCLUDES } from '../domain/passes.ts';
import type { Settings } from '../config.ts';
import type { JobDocument, JobPatch } from '../storage/jobs-repository.ts';
import { ORCHESTRATIONS, type JobSpec, type PortfolioAnalysisInput } from '../workflow.ts';
import { runOptionsOf } from './submit-job.ts';

export const redriveRequestSchema = z.strictObject({
  /** failed (default): failed properties; failed-and-left: also those a cancel or the budget left. */
  include: z.enum(REDRIVE_INCLUDES, { error: `must be one of ${REDRIVE_INCLUDES.join(', ')}` }).default('failed'),
  /** A new budget for the whole job, dollars (what it spent so far included); default: the job's budget. */
  budget: z.number().positive('must be > 0').max(1e10, 'must be <= 10000000000').optional(),
});
export type RedriveRequest = z.infer<typeof redriveRequestSchema>;

export interface RedrivePorts {
  /** Applies `update` to the job document under its etag; returns the stored document. */
  updateJob(jobId: string, update: (current: JobDocument) => JobPatch): Promise<JobDocument>;
  start(name: string, instanceId: string, input: PortfolioAnalysisInput): Promise<void>;
}

export type RedriveOutcome =
  | { kind: 'started'; redrive: number; include: RedriveRequest['include'] }
  | { kind: 'not_finished'; status: JobStatus }
  | { kind: 'budget_below_spent'; spent: number }
  | { kind: 'not_redrivable'; reason: string };

/** Thrown inside the document update to refuse it without writing. */
class Refused extends Error {
  readonly outcome: Exclude<RedriveOutcome, { kind: 'started' }>;
  constructor(outcome: Exclude<RedriveOutcome, { kind: 'started' }>) {
    super(outcome.kind);
    this.outcome = outcome;
  }
}

/** The job as submitted, from its document (chunks are re-read with the chunk size they were staged with). */
export function jobSpecOf(job: JobDocument, budget: number | undefined): JobSpec | undefined {
  if (job.chunkSize === undefined) return undefined;
  return {
    jobId: job.id,
    portfolioId: job.portfolioId,
    analysisType: job.analysisType,
    totalProperties: job.totalProperties,
    chunkCount: job.chunkCount,
    chunkSize: job.chunkSize,
    estimatedCents: Math.round(job.estimatedCost * 100),
    ...(budget !== undefined && { budgetCents: Math.round(budget * 100) }),
    allowPartial: job.allowPartial,
    ...(job.idempotencyKey !== undefined && { idempotencyKey: job.idempotencyKey }),
    ...(job.stagingId !== undefined && { stagingId: job.stagingId }),
    asOf: job.createdAt,
  };
}

/**
 * Starts redrive n+1 of a finished job: marks its document processing (refusing, without writing, a job that
 * has not finished, one staged before redrives existed, or a budget below what the job already spent) and
 * starts its root orchestration again. `spentDollars` is what the job was billed so far.
 */
export async function redriveJob(
  jobId: string,
  request: RedriveRequest,
  spentDollars: number,
  settings: Settings,
  ports: RedrivePorts,
): Promise<RedriveOutcome> {
  let spec: JobSpec | undefined;
  let redrive = 0;
  let previous: JobDocument['status'] = 'completed';
  try {
    await ports.updateJob(jobId, (current) => {
      if (!isFinal(current.status)) throw new Refused({ kind: 'not_finished', status: current.status });
      if (request.budget !== undefined && request.budget < spentDollars)
        throw new Refused({ kind: 'budget_below_spent', spent: spentDollars });
      // The run reopens the job's jobProgress entity, which the task hub purge removed (its counts were kept
      // on the document for the job view, not the reservations a run needs).
      if (current.finalProgress !== undefined)
        throw new Refused({
          kind: 'not_redrivable',
          reason: `its task hub state was purged (PURGE_RETENTION_DAYS after it finished); submit the portfolio again`,
        });
      spec = jobSpecOf(current, request.budget ?? current.budget);
      if (!spec)
        throw new Refused({
          kind: 'not_redrivable',
          reason: 'the job was staged before redrives were supported; submit it again',
        });
      redrive = (current.redrives ?? 0) + 1;
      previous = current.status;
      return {
        status: 'processing',
        redrives: redrive,
        ...(request.budget !== undefined && { budget: request.budget }),
      };
    });
  } catch (error) {
    if (error instanceof Refused) return error.outcome;
    throw error;
  }
  try {
    await ports.start(ORCHESTRATIONS.portfolioAnalysis, jobId, {
      job: spec!,
      options: runOptionsOf(settings),
      run: { kind: 'redrive', redrive, include: request.include },
    });
  } catch (error) {
    // Nothing started: the job keeps the status it finished with.
    await ports.updateJob(jobId, () => ({ status: previous, redrives: redrive - 1 }));
    throw error;
  }
  return { kind: 'started', redrive, include: request.include };
}
