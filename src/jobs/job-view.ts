// What GET /api/portfolio/jobs/{jobId} answers: the job document, the live jobProgress entity and the
// orchestration status, folded into the seed's shape (DESIGN §5).
import type { CostBreakdown } from '../domain/cost.ts';
import type { DataQuality } from '../domain/data-quality.ts';
import type { FieldError } from '../domain/validation.ts';
import type { FinalProgress, JobProgress } from '../domain/job-progress.ts';
import { estimatedSecondsRemaining } from '../domain/job-progress.ts';
import { isFinal, type JobStatus } from '../domain/job-status.ts';
import type { AnalysisType } from '../domain/schemas.ts';
import type { JobView } from '../api/answers.ts';

export interface JobDocumentView {
  id: string;
  portfolioId: string;
  analysisType: AnalysisType;
  status: JobStatus;
  totalProperties: number;
  estimatedCost: number;
  budget?: number | undefined;
  createdAt: string;
  endTime?: string | undefined;
  error?: string | undefined;
  dataQuality?: DataQuality | undefined;
  statusReason?: string | undefined;
  /** The tape a request by reference named. */
  propertiesBlob?: string | undefined;
  /** A rejected job's field errors, and how many there were in all. */
  errors?: FieldError[] | undefined;
  totalErrors?: number | undefined;
  /** A job rejected over budget: its estimate's breakdown. */
  breakdown?: CostBreakdown | undefined;
  /** Set once the task hub purge removed the job's jobProgress entity. */
  finalProgress?: FinalProgress | undefined;
}

/** Orchestration runtime status as the durable client reports it. */
export type RuntimeStatus =
  | 'Pending'
  | 'Running'
  | 'Completed'
  | 'ContinuedAsNew'
  | 'Failed'
  | 'Canceled'
  | 'Terminated'
  | 'Suspended'
  | 'Unknown';

/**
 * The job's status: final once the job document says so. A run marks the document processing as it starts
 * and writes the final status as it ends, whatever happens to the root meanwhile (terminated, purged), so
 * while it runs only a failed root (the run failed and could not write the end) changes the answer. Before
 * a run started, the root's state tells; a job whose tape is being read (reading) stays so while its root reads.
 */
export function jobStatusOf(job: JobDocumentView, runtime: RuntimeStatus | undefined): JobStatus {
  if (isFinal(job.status)) return job.status;
  if (job.status === 'processing') return runtime === 'Failed' ? 'failed' : 'processing';
  switch (runtime) {
    case 'Running':
    case 'Suspended':
    case 'ContinuedAsNew':
    case 'Completed':
      return job.status === 'reading' ? 'reading' : 'processing';
    case 'Failed':
      return 'failed';
    case 'Terminated':
    case 'Canceled':
      return 'cancelled';
    default:
      return job.status;
  }
}

const dollars = (cents: number) => Math.round(cents) / 100;

/**
 * A failed orchestration's output, its failure details (the reason: "Orchestrator function 'jobRun' failed: ..."),
 * as text; 'no details' when it has none.
 */
export function failureDetails(output: unknown): string {
  if (typeof output === 'string' && output.trim() !== '') return output;
  return output === undefined || output === null ? 'no details' : JSON.stringify(output);
}

/**
 * The error of a job whose run failed before it could write its end, from the orchestration's failure details
 * (see failureDetails): what GET /jobs/{id} shows while the failed root exists, and what the task hub purge
 * writes onto the document before it removes the root (src/functions/purge-history.ts).
 */
export function orchestrationFailedError(details: string): string {
  return `The job orchestration failed: ${details}`;
}

/**
 * Why a failed job failed, never nothing: the cause its run wrote to the document; else the orchestration's
 * failure details (a run that failed could not write its end); else the message of the stop that ended it.
 */
function failureCause(job: JobDocumentView, live: JobProgress | undefined, failure: string | undefined): string {
  if (job.error !== undefined) return job.error;
  if (failure !== undefined) return orchestrationFailedError(failure);
  if (live?.stop?.reason === 'failed' && live.stop.message !== undefined) return live.stop.message;
  return 'The job orchestration failed and recorded no cause; the host log of its instance says more.';
}

/**
 * The job as the API shows it: cost in dollars (the entity counts cents), ETA in seconds while processing and its
 * root exists, and for a failed job its cause (see failureCause; `failure` is the orchestration's failure details,
 * when it failed).
 * Counts and cost come from the live jobProgress entity, or, once the task hub purge removed it, from the copy
 * on the job document.
 */
export function jobView(
  job: JobDocumentView,
  live: JobProgress | undefined,
  runtime: RuntimeStatus | undefined,
  failure?: string,
): JobView {
  const status = jobStatusOf(job, runtime);
  const progress = live ?? job.finalProgress;
  const processed = progress?.processed ?? 0;
  const total = job.totalProperties;
  // Only while the root exists: without it (purged, or never started) nothing says the run still goes on, so the
  // counts are shown as they are and no time is promised.
  const remaining =
    live && status === 'processing' && runtime !== undefined ? estimatedSecondsRemaining(live) : undefined;
  return {
    jobId: job.id,
    portfolioId: job.portfolioId,
    analysisType: job.analysisType,
    status,
    progress: {
      total,
      processed,
      failed: progress?.failed ?? 0,
      cached: progress?.cached ?? 0,
      // A job has at least one property once its tape is read: 0 of 0 is a tape not read (reading, rejected).
      percentComplete: total === 0 ? 0 : Math.round((processed / total) * 1000) / 10,
    },
    cost: {
      estimated: job.estimatedCost,
      reserved: dollars(progress?.reservedCents ?? 0),
      actual: dollars(progress?.actualCents ?? 0),
      // A crash may have cost calls whose answers were never recorded: at most this much more was billed.
      ...(progress !== undefined &&
        progress.unconfirmedCents > 0 && { unconfirmed: dollars(progress.unconfirmedCents) }),
      ...(job.budget !== undefined && { budget: job.budget }),
    },
    startTime: progress?.startTime ?? job.createdAt,
    ...(isFinal(status) && job.endTime !== undefined && { endTime: job.endTime }),
    ...(remaining !== undefined && { estimatedTimeRemaining: remaining }),
    ...(!isFinal(status) && live?.stop && { stopRequested: live.stop.reason }),
    ...(status === 'failed'
      ? { error: failureCause(job, live, failure) }
      : job.error !== undefined && isFinal(status) && { error: job.error }),
    ...(job.statusReason !== undefined && isFinal(status) && { statusReason: job.statusReason }),
    ...(job.dataQuality !== undefined && { dataQuality: job.dataQuality }),
    ...(job.propertiesBlob !== undefined && { propertiesBlob: job.propertiesBlob }),
    ...(status === 'rejected' &&
      job.errors !== undefined && { errors: job.errors, totalErrors: job.totalErrors ?? job.errors.length }),
    ...(status === 'rejected' && job.breakdown !== undefined && { breakdown: job.breakdown }),
  };
}
