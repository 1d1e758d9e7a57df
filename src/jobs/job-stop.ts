// Whether a job has been told to stop, as its chunks check before each property (issue 11.1): its
// jobProgress entity says so (DELETE, a chunk that failed every attempt), or its root orchestration was
// terminated (the Durable terminate URL, the durable client; a termination never reaches the root's
// children, so the chunks must see it themselves). Read through the durable client, at most once per
// interval per job and process, so a chunk of 100 properties costs a couple of reads, not hundreds.
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { JobProgress, StopReason } from '../domain/job-progress.ts';
import { JOB_PROGRESS_ENTITY } from '../workflow.ts';
import { instanceStatus } from './bindings.ts';

/** The entity's state as stored: a stop can come before the job's run initialised it. */
export type StoredProgress = JobProgress | { stoppedBeforeInit: NonNullable<JobProgress['stop']> };

/** The stop recorded in an entity state, if any. */
export function stopOf(state: StoredProgress | null | undefined): NonNullable<JobProgress['stop']> | undefined {
  if (!state) return undefined;
  return 'stoppedBeforeInit' in state ? state.stoppedBeforeInit : state.stop;
}

/** The job's stop as its entity and its root's status tell it now; undefined while it may go on. */
export async function readStop(client: DurableClient, jobId: string): Promise<StopReason | undefined> {
  const [entity, root] = await Promise.all([
    client.readEntityState<StoredProgress>(new df.EntityId(JOB_PROGRESS_ENTITY, jobId)),
    instanceStatus(client, jobId),
  ]);
  const stop = entity.entityExists ? stopOf(entity.entityState) : undefined;
  if (stop) return stop.reason;
  return String(root?.runtimeStatus) === 'Terminated' ? 'terminated' : undefined;
}

/**
 * A per-process stop check: answers from the last read of the job when it is younger than `intervalMs`. A
 * read that fails (storage hiccup) answers "go on" and is tried again at the next property.
 */
export function stopChecker(
  intervalMs: number,
): (client: DurableClient, jobId: string) => Promise<StopReason | undefined> {
  const last = new Map<string, { at: number; reason: Promise<StopReason | undefined> }>();
  return (client, jobId) => {
    const now = Date.now();
    const hit = last.get(jobId);
    if (hit && now - hit.at < intervalMs) return hit.reason;
    if (last.size > 1_000) for (const [id, entry] of last) if (now - entry.at > 60_000) last.delete(id);
    const reason = readStop(client, jobId).catch(() => {
      last.delete(jobId);
      return undefined;
    });
    last.set(jobId, { at: now, reason });
    return reason;
  };
}
