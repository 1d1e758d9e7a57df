// Task hub housekeeping (issue 15): once a day, at 03:30 UTC, the durable client purges finished
// orchestration instances (completed, failed, terminated) created more than PURGE_RETENTION_DAYS ago, and the
// jobProgress entity of each purged job, so the task hub's history tables, queues and blobs stop growing.
// Jobs, results, reports and trends in Cosmos DB stay; the entity's final counts and cost are copied onto the
// job document first, so the job view of a purged job still shows them, and a job whose run failed before
// writing its end gets that end written first (else it would read processing again once its failed root is gone).
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { finalProgressSchema, jobProgressSchema, type FinalProgress } from '../domain/job-progress.ts';
import { isFinal } from '../domain/job-status.ts';
import { failedRunEnd } from '../jobs/failed-run-end.ts';
import { DocumentNotFoundError } from '../storage/errors.ts';
import type { JobDocument, JobPatch } from '../storage/jobs-repository.ts';
import type { AppServices } from '../services.ts';
import { JOB_PROGRESS_ENTITY, ORCHESTRATIONS } from '../workflow.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const FINISHED = [
  df.OrchestrationRuntimeStatus.Completed,
  df.OrchestrationRuntimeStatus.Failed,
  df.OrchestrationRuntimeStatus.Terminated,
];

export interface PurgeOutcome {
  /** Instances created before this instant were eligible. */
  cutoff: string;
  /** Root portfolioAnalysis instances among them (one per job). */
  jobs: number;
  /** Jobs whose run failed before writing its end: the purge wrote it (failed, with the error) first. */
  failedEndsWritten: number;
  /** Orchestration instances purged (roots, their jobRun runs and chunkLane sub-orchestrations). */
  instancesDeleted: number;
  /** jobProgress entities purged. */
  entitiesDeleted: number;
}

export interface PurgePorts {
  client: Pick<DurableClient, 'getStatusBy' | 'readEntityState' | 'purgeInstanceHistory' | 'purgeInstanceHistoryBy'>;
  /**
   * Applies the patch `update` returns to the job document under its etag (`update` runs again on a conflict);
   * throws DocumentNotFoundError for a job without a document.
   */
  updateJob(jobId: string, update: (current: JobDocument) => JobPatch): Promise<unknown>;
}

/**
 * What the purge writes onto a job document before its root and entity go, or undefined to leave the job's
 * entity alone because the job runs (again). A final job keeps the entity's counts. A job whose current run
 * failed before writing its end gets that end (failedRunEnd) and the counts. Anything else is a run going on.
 */
function purgePatch(
  job: JobDocument,
  root: DurableOrchestrationStatus,
  finalProgress: FinalProgress | undefined,
): JobPatch | undefined {
  const counts = finalProgress && { finalProgress };
  if (isFinal(job.status)) return { ...counts };
  const end = failedRunEnd(job, root);
  return end && { ...end, ...counts };
}

/**
 * Purges what finished before `cutoff`: first each finished job's jobProgress entity (found through its root
 * instance, whose id is the job id) after keeping its final state on the job document — and, for a job whose run
 * failed before writing its end, that end (see purgePatch), so that the job still reads failed once its failed
 * root is gone — then the finished instances themselves. Safe to repeat: what is gone is skipped, a document
 * already final is not ended again. A job that runs (its first run, or a redrive that reopened it since its root
 * was read) keeps its entity and document as they are.
 */
export async function purgeFinishedBefore(ports: PurgePorts, cutoff: Date): Promise<PurgeOutcome> {
  const { client } = ports;
  const filter = { createdTimeFrom: new Date(0), createdTimeTo: cutoff, runtimeStatus: FINISHED };
  const finished = await client.getStatusBy(filter);
  const roots = finished.filter((s) => s.name === ORCHESTRATIONS.portfolioAnalysis);
  let entitiesDeleted = 0;
  let failedEndsWritten = 0;
  for (const root of roots) {
    const jobId = root.instanceId;
    const entity = new df.EntityId(JOB_PROGRESS_ENTITY, jobId);
    const state = await client.readEntityState<unknown>(entity);
    const progress = state.entityExists ? jobProgressSchema.safeParse(state.entityState) : undefined;
    // The schema keeps the fields the job view reads and drops the rest (reservations, the stop).
    const finalProgress = progress?.success ? finalProgressSchema.parse(progress.data) : undefined;
    let runs = false;
    let ended = false;
    await ports
      .updateJob(jobId, (current) => {
        const patch = purgePatch(current, root, finalProgress);
        runs = patch === undefined;
        ended = patch?.status === 'failed';
        return patch ?? {};
      })
      .catch((error: unknown) => {
        if (!(error instanceof DocumentNotFoundError)) throw error;
      });
    if (ended) failedEndsWritten++;
    if (runs) continue;
    entitiesDeleted += (await client.purgeInstanceHistory(entity.toString())).instancesDeleted;
  }
  const { instancesDeleted } = await client.purgeInstanceHistoryBy(filter);
  return { cutoff: cutoff.toISOString(), jobs: roots.length, failedEndsWritten, instancesDeleted, entitiesDeleted };
}

export async function purgeHistory(
  { settings, storage }: AppServices,
  timer: Timer,
  context: InvocationContext,
): Promise<void> {
  const cutoff = new Date(Date.now() - settings.operations.retentionDays * DAY_MS);
  const outcome = await purgeFinishedBefore(
    {
      client: df.getClient(context),
      updateJob: (jobId, update) => storage.jobs.update(jobId, update),
    },
    cutoff,
  );
  context.log(
    JSON.stringify({
      event: 'taskHubPurged',
      retentionDays: settings.operations.retentionDays,
      ...outcome,
      ...(timer.isPastDue && { pastDue: true }),
    }),
  );
}

/** Daily at 03:30 UTC, after the nightly revaluation has been enqueued (NIGHTLY_SCHEDULE, default 02:00). */
export const PURGE_SCHEDULE = '0 30 3 * * *';
