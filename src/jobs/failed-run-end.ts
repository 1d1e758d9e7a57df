// The end of a job whose run failed before it could write it: its document still says queued or processing,
// while its root orchestration, Failed, makes the job read failed (job-view.ts jobStatusOf). Whoever meets such a
// job and needs its document to be true writes this end: the task hub purge before it removes the root
// (src/functions/purge-history.ts), a redrive before it reopens the job (src/jobs/redrive-job.ts).
import * as df from 'durable-functions';
import type { DurableOrchestrationStatus } from 'durable-functions';
import { isFinal } from '../domain/job-status.ts';
import type { JobDocument, JobPatch } from '../storage/jobs-repository.ts';
import { runInstanceId } from '../workflow.ts';
import { failureDetails, orchestrationFailedError } from './job-view.ts';

/** What the end is read from: the job's root orchestration (instance id = jobId) as the durable client reads it. */
export type RootStatus = Pick<
  DurableOrchestrationStatus,
  'runtimeStatus' | 'customStatus' | 'lastUpdatedTime' | 'output'
>;

/** The run a root instance ran (portfolioAnalysis's custom status names it), when it says. */
function runOf(root: RootStatus): string | undefined {
  const status = root.customStatus;
  return typeof status === 'object' && status !== null && 'run' in status && typeof status.run === 'string'
    ? status.run
    : undefined;
}

/**
 * Whether `root` ran the job's current run: its redrive number's run, or, before any redrive, its first run or
 * the end of a job that never ran. A root read before a redrive reopened the job ran an earlier run.
 */
function ranCurrentRun(job: JobDocument, root: RootStatus): boolean {
  const run = runOf(root);
  if (job.redrives) return run === runInstanceId(job.id, { kind: 'redrive', redrive: job.redrives, include: 'failed' });
  return (
    run === undefined ||
    run === runInstanceId(job.id, { kind: 'analysis' }) ||
    run === runInstanceId(job.id, { kind: 'end', reason: 'failed' })
  );
}

/**
 * The end of `job` when its current run failed before writing it (the document not final, `root` Failed for that
 * run), as the job view reads it while the root exists: status failed, at the root's last update, with the
 * orchestration's failure details as its error (orchestrationFailedError). Undefined for anything else: a final
 * document, a root that runs or ended otherwise, a Failed root of an earlier run (a redrive reopened the job since).
 */
export function failedRunEnd(job: JobDocument, root: RootStatus): JobPatch | undefined {
  if (isFinal(job.status) || root.runtimeStatus !== df.OrchestrationRuntimeStatus.Failed || !ranCurrentRun(job, root))
    return undefined;
  return {
    status: 'failed',
    endTime: new Date(root.lastUpdatedTime).toISOString(),
    error: orchestrationFailedError(failureDetails(root.output)),
  };
}
