// The task hub purge's decisions (src/functions/purge-history.ts) over an in-memory task hub and job store: what a
// job keeps on its document before its root, runs and entity go, and that a job reads the same after the purge
// as before it — above all a job whose run failed before writing its end, which must not read processing again.
import * as df from 'durable-functions';
import type { DurableOrchestrationStatus } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { purgeFinishedBefore, type PurgePorts } from '../../../src/functions/purge-history.ts';
import { initialProgress, type JobProgress } from '../../../src/domain/job-progress.ts';
import { failureDetails, jobView, type RuntimeStatus } from '../../../src/jobs/job-view.ts';
import { DocumentNotFoundError } from '../../../src/storage/errors.ts';
import { applyJobPatch, type JobDocument, type JobPatch } from '../../../src/storage/jobs-repository.ts';
import { JOB_PROGRESS_ENTITY } from '../../../src/workflow.ts';

const CUTOFF = new Date('2026-11-20T00:00:00.000Z');
const BEFORE = new Date('2026-11-10T00:00:00.000Z');
const FAILED_AT = new Date('2026-11-10T00:05:00.000Z');
const FAILURE = "Orchestrator function 'jobRun' failed: Activity function 'aggregateReport' failed: Cosmos DB down";

const document = (id: string, overrides: Partial<JobDocument> = {}): JobDocument => ({
  id,
  portfolioId: 'PF-1',
  analysisType: 'valuation',
  status: 'processing',
  totalProperties: 100,
  chunkCount: 10,
  chunkSize: 10,
  estimatedCost: 4,
  allowPartial: false,
  createdAt: BEFORE.toISOString(),
  updatedAt: BEFORE.toISOString(),
  ...overrides,
});

const counts = (jobId: string): JobProgress => ({
  ...initialProgress({ jobId, total: 100, chunkCount: 10, estimatedCents: 400, startTime: BEFORE.toISOString() }),
  processed: 40,
  failed: 3,
  cached: 5,
  actualCents: 120,
  reservedCents: 40,
  reservations: { 'run:lane-0:chunk-4': 40 },
  lastUpdate: FAILED_AT.toISOString(),
});

const root = (
  instanceId: string,
  runtimeStatus: RuntimeStatus,
  extra: Partial<DurableOrchestrationStatus> = {},
): DurableOrchestrationStatus => ({
  name: 'portfolioAnalysis',
  instanceId,
  createdTime: BEFORE,
  lastUpdatedTime: FAILED_AT,
  input: undefined,
  output: null,
  runtimeStatus: runtimeStatus as df.OrchestrationRuntimeStatus,
  customStatus: { phase: 'running', run: `${instanceId}:run` },
  ...extra,
});

/** An in-memory task hub (instances, entities) and job store behind the purge's ports. */
function hub() {
  const instances = new Map<string, DurableOrchestrationStatus>();
  const entities = new Map<string, unknown>();
  const jobs = new Map<string, JobDocument>();
  /** Runs once before the next document update reads the document (another writer getting there first). */
  let before: (() => void) | undefined;
  let purgeByFails = false;
  const entityKey = (jobId: string) => new df.EntityId(JOB_PROGRESS_ENTITY, jobId).toString();
  const ports: PurgePorts = {
    client: {
      getStatusBy: async (filter) =>
        [...instances.values()].filter(
          (s) => s.createdTime < filter.createdTimeTo! && filter.runtimeStatus!.includes(s.runtimeStatus),
        ),
      readEntityState: async <T>(entity: df.EntityId) => {
        const state = entities.get(entity.toString());
        return { entityExists: state !== undefined, entityState: state as T };
      },
      purgeInstanceHistory: async (id: string) => ({
        instancesDeleted: entities.delete(id) || instances.delete(id) ? 1 : 0,
      }),
      purgeInstanceHistoryBy: async (filter) => {
        if (purgeByFails) throw new Error('task hub unavailable');
        const gone = await ports.client.getStatusBy(filter);
        for (const s of gone) instances.delete(s.instanceId);
        return { instancesDeleted: gone.length };
      },
    },
    async updateJob(jobId: string, update: (current: JobDocument) => JobPatch) {
      before?.();
      before = undefined;
      const current = jobs.get(jobId);
      if (!current) throw new DocumentNotFoundError('jobs', jobId);
      const next = applyJobPatch(current, update(current));
      jobs.set(jobId, next);
      return next;
    },
  };
  return {
    ports,
    instances,
    entities,
    jobs,
    entityKey,
    /** A job with its root and, when given, its jobProgress entity. */
    add(job: JobDocument, status: DurableOrchestrationStatus, progress?: JobProgress) {
      jobs.set(job.id, job);
      instances.set(status.instanceId, status);
      if (progress) entities.set(entityKey(job.id), progress);
    },
    beforeNextUpdate(fn: () => void) {
      before = fn;
    },
    failPurgeBy(fails: boolean) {
      purgeByFails = fails;
    },
  };
}

/** The job as GET /jobs/{id} shows it from this task hub (src/functions/jobs.ts liveView). */
function viewOf(h: ReturnType<typeof hub>, jobId: string) {
  const status = h.instances.get(jobId);
  const runtime = status?.runtimeStatus as RuntimeStatus | undefined;
  const live = h.entities.get(h.entityKey(jobId)) as JobProgress | undefined;
  return jobView(h.jobs.get(jobId)!, live, runtime, runtime === 'Failed' ? failureDetails(status?.output) : undefined);
}

describe('purgeFinishedBefore', () => {
  it('writes the end of a job whose run failed before writing it: it still reads failed, with its error', async () => {
    const h = hub();
    h.add(document('job-f'), root('job-f', 'Failed', { output: FAILURE }), counts('job-f'));
    const before = viewOf(h, 'job-f');
    expect(before).toMatchObject({ status: 'failed', error: `The job orchestration failed: ${FAILURE}` });

    const outcome = await purgeFinishedBefore(h.ports, CUTOFF);

    expect(outcome).toMatchObject({ jobs: 1, failedEndsWritten: 1, instancesDeleted: 1, entitiesDeleted: 1 });
    expect(h.instances.size).toBe(0);
    expect(h.entities.size).toBe(0);
    expect(h.jobs.get('job-f')).toMatchObject({
      status: 'failed',
      endTime: FAILED_AT.toISOString(),
      error: before.error,
      finalProgress: { processed: 40, failed: 3, cached: 5, actualCents: 120, reservedCents: 40 },
    });
    // The same job as before, now with the time it ended; no ETA, nothing in flight invented.
    expect(viewOf(h, 'job-f')).toEqual({ ...before, endTime: FAILED_AT.toISOString() });
  });

  it('ends failed a job whose root failed before its run began (queued, no entity), as the view read it', async () => {
    const h = hub();
    h.add(
      document('job-q', { status: 'queued' }),
      root('job-q', 'Failed', { output: 'bad input', customStatus: null }),
    );
    const before = viewOf(h, 'job-q');
    expect(before.status).toBe('failed');
    await purgeFinishedBefore(h.ports, CUTOFF);
    expect(viewOf(h, 'job-q')).toEqual({ ...before, endTime: FAILED_AT.toISOString() });
    expect(h.jobs.get('job-q')).not.toHaveProperty('finalProgress');
  });

  it('is safe to repeat: a purge that stopped half-way does not end the job again', async () => {
    const h = hub();
    h.add(document('job-r'), root('job-r', 'Failed', { output: FAILURE }), counts('job-r'));
    h.failPurgeBy(true);
    await expect(purgeFinishedBefore(h.ports, CUTOFF)).rejects.toThrow('task hub unavailable');
    const ended = h.jobs.get('job-r')!;
    expect(ended.status).toBe('failed');
    // The root is still there, now saying something else (a later read): the document keeps its first end.
    h.instances.set('job-r', root('job-r', 'Failed', { output: 'other', lastUpdatedTime: CUTOFF }));
    h.failPurgeBy(false);
    const again = await purgeFinishedBefore(h.ports, CUTOFF);
    expect(again).toMatchObject({ failedEndsWritten: 0, instancesDeleted: 1 });
    expect(h.jobs.get('job-r')).toEqual(ended);
    expect(await purgeFinishedBefore(h.ports, CUTOFF)).toMatchObject({ jobs: 0, instancesDeleted: 0 });
  });

  it('leaves a job a redrive reopened after its root was read: no end written, its entity kept', async () => {
    const h = hub();
    // A job that ended failed, whose root then failed (it is read Failed); a redrive reopens it meanwhile.
    const job = document('job-d', { status: 'failed', endTime: 'T', error: 'too many failures' });
    h.add(job, root('job-d', 'Failed', { output: FAILURE }), counts('job-d'));
    h.beforeNextUpdate(() => h.jobs.set('job-d', { ...job, status: 'processing', redrives: 1 }));
    const outcome = await purgeFinishedBefore(h.ports, CUTOFF);
    expect(outcome).toMatchObject({ failedEndsWritten: 0, entitiesDeleted: 0 });
    expect(h.jobs.get('job-d')).toMatchObject({ status: 'processing', redrives: 1 });
    expect(h.jobs.get('job-d')).not.toHaveProperty('finalProgress');
    expect(h.entities.has(h.entityKey('job-d'))).toBe(true);
  });

  it("ends a failed redrive by its own root, not an earlier run's", async () => {
    const h = hub();
    const redriven = document('job-e', { redrives: 2 });
    const failedRun = (run: string) =>
      root('job-e', 'Failed', { output: FAILURE, customStatus: { phase: 'running', run } });
    h.add(redriven, failedRun('job-e:redrive-1'), counts('job-e'));
    await purgeFinishedBefore(h.ports, CUTOFF);
    expect(h.jobs.get('job-e')!.status).toBe('processing');
    h.add(redriven, failedRun('job-e:redrive-2'), counts('job-e'));
    await purgeFinishedBefore(h.ports, CUTOFF);
    expect(h.jobs.get('job-e')).toMatchObject({ status: 'failed', error: `The job orchestration failed: ${FAILURE}` });
  });

  it('leaves a run going on (its root terminated) and copies the counts of finished jobs', async () => {
    const h = hub();
    h.add(document('job-t'), root('job-t', 'Terminated'), counts('job-t'));
    const done = document('job-c', { status: 'completed', endTime: 'T' });
    h.add(done, root('job-c', 'Completed'), counts('job-c'));
    h.instances.set('gone', root('gone', 'Completed'));
    h.entities.set(h.entityKey('gone'), counts('gone'));
    const outcome = await purgeFinishedBefore(h.ports, CUTOFF);
    expect(outcome).toMatchObject({ jobs: 3, failedEndsWritten: 0, instancesDeleted: 3, entitiesDeleted: 2 });
    expect(h.jobs.get('job-t')).toEqual(document('job-t'));
    expect(h.entities.has(h.entityKey('job-t'))).toBe(true);
    expect(h.jobs.get('job-c')).toMatchObject({ status: 'completed', finalProgress: { processed: 40 } });
    // A job without a document: its entity goes too.
    expect(h.entities.has(h.entityKey('gone'))).toBe(false);
  });
});
