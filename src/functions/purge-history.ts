// Task hub housekeeping (issue 15): once a day, at 03:30 UTC, the durable client purges finished
// orchestration instances (completed, failed, terminated) created more than PURGE_RETENTION_DAYS ago, and the
// jobProgress entity of each purged job, so the task hub's history tables, queues and blobs stop growing.
// Jobs, results, reports and trends in Cosmos DB stay; the entity's final counts and cost are copied onto the
// job document first, so the job view of a purged job still shows them.
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { finalProgressSchema, jobProgressSchema, type JobProgress } from '../domain/job-progress.ts';
import { isFinal } from '../domain/job-status.ts';
import { DocumentNotFoundError } from '../storage/errors.ts';
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
  /** Orchestration instances purged (roots, their jobRun runs and chunkLane sub-orchestrations). */
  instancesDeleted: number;
  /** jobProgress entities purged. */
  entitiesDeleted: number;
}

export interface PurgePorts {
  client: Pick<DurableClient, 'getStatusBy' | 'readEntityState' | 'purgeInstanceHistory' | 'purgeInstanceHistoryBy'>;
  /**
   * Copies a job's final progress onto its job document. False when the job runs again (a redrive began since
   * its root was read): its entity is then left alone. A job without a document is skipped (true).
   */
  keepFinalProgress(jobId: string, progress: JobProgress): Promise<boolean>;
}

/**
 * Purges what finished before `cutoff`: first each finished job's jobProgress entity (found through its root
 * instance, whose id is the job id) after keeping its final state, then the finished instances themselves.
 * Safe to repeat: what is gone is skipped. Entities of running jobs are never touched (their root is running).
 */
export async function purgeFinishedBefore(ports: PurgePorts, cutoff: Date): Promise<PurgeOutcome> {
  const { client } = ports;
  const filter = { createdTimeFrom: new Date(0), createdTimeTo: cutoff, runtimeStatus: FINISHED };
  const finished = await client.getStatusBy(filter);
  const jobIds = finished.filter((s) => s.name === ORCHESTRATIONS.portfolioAnalysis).map((s) => s.instanceId);
  let entitiesDeleted = 0;
  for (const jobId of jobIds) {
    const entity = new df.EntityId(JOB_PROGRESS_ENTITY, jobId);
    const state = await client.readEntityState<unknown>(entity);
    const progress = jobProgressSchema.safeParse(state.entityState);
    if (state.entityExists && progress.success && !(await ports.keepFinalProgress(jobId, progress.data))) continue;
    entitiesDeleted += (await client.purgeInstanceHistory(entity.toString())).instancesDeleted;
  }
  const { instancesDeleted } = await client.purgeInstanceHistoryBy(filter);
  return { cutoff: cutoff.toISOString(), jobs: jobIds.length, instancesDeleted, entitiesDeleted };
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
      async keepFinalProgress(jobId, progress) {
        // The schema keeps the fields the job view reads and drops the rest (reservations, the stop).
        const finalProgress = finalProgressSchema.parse(progress);
        let final = true;
        await storage.jobs
          .update(jobId, (current) => {
            final = isFinal(current.status);
            return final ? { finalProgress } : {};
          })
          .catch((error: unknown) => {
            if (!(error instanceof DocumentNotFoundError)) throw error;
          });
        return final;
      },
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
