// How a run of a job ends: its final status and, in words, why (the error of a failed job, the reason of one that
// ended short of its portfolio), from what its passes did. jobRun decides its end here; the redrive trigger says
// beforehand what a redrive will end as. A job never reads completed while properties are without a result: a
// run that ends with properties left and no stop of its own (a redrive with include "failed" of a job a cancel,
// the budget or a failed run left short) keeps the status that left them.
import type { LaneStop } from './job-progress.ts';
import type { JobStatus } from './job-status.ts';
import { agree, counted } from './plural.ts';

const STOP_WORDS: Record<LaneStop, string> = {
  cancelled: 'Cancelled on request (DELETE): properties in flight finished, the rest were left.',
  terminated:
    'The job orchestration was terminated (Durable management API or client): chunks in flight stopped buying, the rest were left.',
  failed: 'Stopped as failed: a chunk failed every attempt, or the job orchestration failed before its run began.',
  budget_exceeded: 'The budget could not cover one more property at its worst case.',
};

/** What a run did, for runEnd. Counts are the job's after the run, earlier runs included. */
export interface RunOutcome {
  /** The job's properties. */
  total: number;
  /** Properties with a result, analysed or failed. */
  processed: number;
  failed: number;
  /** The stop that won over the run's lanes, with its message when it has one (why a chunk failed). */
  stop?: { reason: LaneStop; message?: string | undefined } | undefined;
  /** Share of failed properties (a fraction) above which the job fails. */
  maxFailureRate: number;
  /** For a redrive, the job's status before it (the end of its previous run); undefined for a first run. */
  previous?: JobStatus | undefined;
}

/** A run's end: what aggregateReport writes onto the job. */
export interface RunEnd {
  status: JobStatus;
  /** Why the job failed (status failed only). */
  error?: string;
  /** Why the job ended short of its portfolio, or what stopped it. */
  statusReason?: string;
}

type ShortStatus = Extract<JobStatus, 'cancelled' | 'budget_exceeded' | 'failed'>;

const LEFT_BY: Record<ShortStatus, string> = {
  cancelled: 'the cancel left them',
  budget_exceeded: 'the budget left them',
  failed: 'the run that failed left them',
};

/**
 * How a job ends when a run leaves properties without a result and has no stop of its own: the status of the end
 * that left them (`previous`: cancelled, budget_exceeded or failed), else failed (no end says why they were left: a
 * job that read completed with properties left before this rule, or a first run that missed some); why they were
 * left, and what analyses them, in words.
 */
export function endWithLeft(previous: JobStatus | undefined): { status: ShortStatus; why: string; fix: string } {
  const status =
    previous === 'cancelled' || previous === 'budget_exceeded' || previous === 'failed' ? previous : 'failed';
  const budget = status === 'budget_exceeded' ? ' and a budget that covers them' : '';
  return {
    status,
    why: status === previous ? LEFT_BY[status] : 'no run reached them',
    fix: `redrive with include "failed-and-left"${budget} to analyse them`,
  };
}

/** Why `left` of `total` properties have no result after a run that did not stop, and how to analyse them. */
function leftWords(
  left: number,
  total: number,
  previous: JobStatus | undefined,
): { status: ShortStatus; words: string } {
  const { status, why, fix } = endWithLeft(previous);
  const still = `${left} of ${counted(total, 'property', 'properties')} ${agree(left, 'is', 'are')} still without a result`;
  return {
    status,
    words: `${still} (${why}); a redrive with include "failed" analyses failed properties only: ${fix}.`,
  };
}

/**
 * The end of a run (see the module comment): cancelled when cancelled or terminated; failed when a chunk failed
 * every attempt (its message as the error); budget_exceeded when the budget stopped it with properties left; with
 * properties left and no stop, the status that left them (endWithLeft); else failed when the failed share passes
 * `maxFailureRate`, completed otherwise. A stop other than a failure is named in statusReason.
 */
export function runEnd(outcome: RunOutcome): RunEnd {
  const { total, processed, failed, stop, maxFailureRate, previous } = outcome;
  const left = total - processed;
  if (stop?.reason === 'failed') return { status: 'failed', error: stop.message ?? STOP_WORDS.failed };
  const stopped = stop && { statusReason: STOP_WORDS[stop.reason] };
  if (stop?.reason === 'cancelled' || stop?.reason === 'terminated') return { status: 'cancelled', ...stopped };
  if (left > 0) {
    if (stop?.reason === 'budget_exceeded') return { status: 'budget_exceeded', ...stopped };
    const { status, words } = leftWords(left, total, previous);
    return status === 'failed' ? { status, error: words } : { status, statusReason: words };
  }
  const failureRate = processed === 0 ? 0 : failed / processed;
  if (failureRate > maxFailureRate)
    return {
      status: 'failed',
      error: `${failed} of ${processed} properties failed (${(failureRate * 100).toFixed(1)}%), above the limit of ${(maxFailureRate * 100).toFixed(1)}%`,
      ...stopped,
    };
  return { status: 'completed', ...stopped };
}

/**
 * The error of a run whose report could not be written after every attempt: everything the run bought is stored,
 * and a redrive of the job (any include) rebuilds the report from the chunks' summaries, reusing every stored
 * answer. `cause` is the report activity's last failure; `processed` counts results, `status` is the end the run
 * had reached (runEnd).
 */
export function reportFailedError(run: { jobId: string; processed: number; status: JobStatus }, cause: string): string {
  return (
    `The run stored its ${counted(run.processed, 'result', 'results')} and reached its end (${run.status}), but its report could not be written ` +
    `(${cause}). Redrive the job (POST /api/portfolio/jobs/${run.jobId}/redrive) to write it: the answers already ` +
    'bought are reused, not bought again.'
  );
}
