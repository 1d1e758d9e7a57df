// Redrive (issue 11.5): analyse a finished job's failed properties again — and, on request, the properties a
// cancel, the budget or a failed run left without a result — in the same job. The job's results, counts, cost
// and report are updated in place (the report is rebuilt from every chunk's summary); the answers each property
// already bought are reused from its stored result, so nothing bought is bought again. The redrive is a new run
// of the job's root orchestration (same instance id, so the statusQueryGetUri handed out at submission follows
// it), with a `{jobId}:redrive-{n}` child. A job whose run failed before writing its end reads failed (its root
// failed) while its document still says processing: the redrive writes that end first, as the task hub purge
// would, and redrives it as the failed job it is.
import { z } from 'zod';
import { isFinal, type JobStatus } from '../domain/job-status.ts';
import { REDRIVE_INCLUDES } from '../domain/passes.ts';
import { agree, counted } from '../domain/plural.ts';
import { endWithLeft } from '../domain/run-end.ts';
import type { Settings } from '../config.ts';
import type { JobDocument, JobPatch } from '../storage/jobs-repository.ts';
import { ORCHESTRATIONS, type JobSpec, type PortfolioAnalysisInput } from '../workflow.ts';
import { failedRunEnd, type RootStatus } from './failed-run-end.ts';
import { runOptionsOf } from './submit-job.ts';

/** What each include mode does, for the API's readers (OpenAPI). */
const INCLUDE_MODES =
  'failed (default): the properties that failed are analysed again; properties a cancel, the budget or a failed run ' +
  'left without a result stay so, and the job ends with the status that left them (cancelled, budget_exceeded, ' +
  'failed) again, never completed, saying how many are left. failed-and-left: those are analysed too (within the ' +
  "job's budget: give one that covers them).";

export const redriveRequestSchema = z.strictObject({
  /** failed (default): failed properties; failed-and-left: also those a cancel, the budget or a failed run left. */
  include: z
    .enum(REDRIVE_INCLUDES, { error: `must be one of ${REDRIVE_INCLUDES.join(', ')}` })
    .default('failed')
    .meta({ description: INCLUDE_MODES }),
  /** A new budget for the whole job, dollars (what it spent so far included); default: the job's budget. */
  budget: z.number().positive('must be > 0').max(1e10, 'must be <= 10000000000').optional(),
});
export type RedriveRequest = z.infer<typeof redriveRequestSchema>;

export interface RedrivePorts {
  /** Applies `update` to the job document under its etag; returns the stored document. */
  updateJob(jobId: string, update: (current: JobDocument) => JobPatch): Promise<JobDocument>;
  start(name: string, instanceId: string, input: PortfolioAnalysisInput): Promise<void>;
}

/** What the job's live view read beside its document. */
export interface RedriveLive {
  /** What the job was billed so far, dollars. */
  spentDollars: number;
  /** Its root orchestration (instance id = jobId), when it exists. */
  root: RootStatus | undefined;
}

type Started = {
  kind: 'started';
  redrive: number;
  include: RedriveRequest['include'];
  /** The job's status before the redrive (the end of its previous run). */
  previous: JobStatus;
};

export type RedriveOutcome =
  | Started
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
 * Starts redrive n+1 of a finished job: marks its document processing, without the previous end's time, error
 * and reason (refusing, without writing, a job that has not finished, one staged before redrives existed, one
 * the task hub purge reached, or a budget below what the job already spent) and starts its root orchestration
 * again, naming the job's previous status in the run's input (the status the run keeps if it ends with
 * properties an earlier run left). A job whose current run failed before writing its end (see failedRunEnd) gets
 * that end first, so it is redriven as a failed job. Throws what its ports throw; a start that fails puts the
 * previous end back.
 */
export async function redriveJob(
  job: JobDocument,
  request: RedriveRequest,
  live: RedriveLive,
  settings: Settings,
  ports: RedrivePorts,
): Promise<RedriveOutcome> {
  const { root } = live;
  if (root && failedRunEnd(job, root)) await ports.updateJob(job.id, (current) => failedRunEnd(current, root) ?? {});
  let spec: JobSpec | undefined;
  let redrive = 0;
  let ended: JobDocument | undefined;
  try {
    await ports.updateJob(job.id, (current) => {
      if (!isFinal(current.status)) throw new Refused({ kind: 'not_finished', status: current.status });
      // A job whose tape was refused, or that ended while its tape was read, has nothing staged to analyse again.
      if (current.status === 'rejected')
        throw new Refused({
          kind: 'not_redrivable',
          reason:
            'it was rejected (its errors say why) and nothing of it was analysed: fix the tape (or the budget) and send the request again with a new Idempotency-Key',
        });
      if (current.totalProperties === 0)
        throw new Refused({
          kind: 'not_redrivable',
          reason: `it ended ${current.status} while its tape was being read, so nothing of it was staged: send the request again with a new Idempotency-Key`,
        });
      if (request.budget !== undefined && request.budget < live.spentDollars)
        throw new Refused({ kind: 'budget_below_spent', spent: live.spentDollars });
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
      ended = current;
      return {
        status: 'processing',
        redrives: redrive,
        ...(request.budget !== undefined && { budget: request.budget }),
        // The run's end writes its own: the previous end's would be read as this run's.
        endTime: null,
        error: null,
        statusReason: null,
      };
    });
  } catch (error) {
    if (error instanceof Refused) return error.outcome;
    throw error;
  }
  const before = ended!;
  try {
    await ports.start(ORCHESTRATIONS.portfolioAnalysis, job.id, {
      job: spec!,
      options: runOptionsOf(settings),
      run: { kind: 'redrive', redrive, include: request.include, previous: before.status },
    });
  } catch (error) {
    // Nothing started: the job keeps the end it had.
    await ports.updateJob(job.id, () => ({
      status: before.status,
      redrives: redrive - 1,
      endTime: before.endTime,
      error: before.error,
      statusReason: before.statusReason,
    }));
    throw error;
  }
  return { kind: 'started', redrive, include: request.include, previous: before.status };
}

/**
 * The 202's message: what redrive `started` analyses, and, for a job with `left` properties without a result
 * (its total less those with one), what its include mode does with them: "failed" leaves them, so the job ends
 * with the status that left them again (endWithLeft); "failed-and-left" analyses them.
 */
export function redriveMessage(started: Started, left: number): string {
  const head = `Redrive ${started.redrive} started:`;
  const reused = 'answers already bought are reused.';
  if (started.include === 'failed-and-left')
    return left === 0
      ? `${head} failed properties are analysed again (none is left without a result); ${reused}`
      : `${head} failed properties and the ${counted(left, 'property', 'properties')} left without a result are analysed; ${reused}`;
  const failedOnly = `${head} failed properties are analysed again; ${reused}`;
  if (left === 0) return failedOnly;
  const { status, why, fix } = endWithLeft(started.previous);
  const again = status === started.previous ? ' again' : '';
  return `${failedOnly} ${counted(left, 'property', 'properties')} ${agree(left, 'has', 'have')} no result (${why}): include "failed" leaves them, so the job ends ${status}${again}; ${fix}.`;
}
