// redriveJob's decisions over an in-memory job document: refusals the pipeline tests do not reach (a job whose
// jobProgress entity the task hub purge removed, a root still running or failed for an earlier run) write and
// start nothing; a job whose run failed before writing its end gets that end first and is redriven as a failed
// job; the run learns the job's previous status; the previous end's words are not left for the new run; a start
// that fails puts them back. And what the 202 says each include mode does with properties left without a result.
import type { DurableOrchestrationStatus } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import type { RootStatus } from '../../../src/jobs/failed-run-end.ts';
import { redriveJob, redriveMessage, redriveRequestSchema, type RedrivePorts } from '../../../src/jobs/redrive-job.ts';
import { applyJobPatch, type JobDocument } from '../../../src/storage/jobs-repository.ts';
import type { PortfolioAnalysisInput } from '../../../src/workflow.ts';

const finishedJob: JobDocument = {
  id: 'job-r',
  portfolioId: 'PF-r',
  analysisType: 'risk',
  status: 'completed',
  totalProperties: 20,
  chunkCount: 2,
  chunkSize: 10,
  estimatedCost: 0.6,
  allowPartial: false,
  createdAt: '2026-10-01T10:00:00.000Z',
  updatedAt: '2026-10-01T10:05:00.000Z',
  endTime: '2026-10-01T10:05:00.000Z',
};

const FAILED_AT = new Date('2026-10-01T10:03:00.000Z');
const FAILURE = "Orchestrator function 'jobRun' failed: Activity function 'aggregateReport' failed: Cosmos DB down";

/** The job's root as the durable client reads it, having run `run`. */
const root = (runtimeStatus: string, run = 'job-r:run'): RootStatus => ({
  runtimeStatus: runtimeStatus as DurableOrchestrationStatus['runtimeStatus'],
  customStatus: { phase: 'running', run },
  lastUpdatedTime: FAILED_AT,
  output: FAILURE,
});

/** The job document in memory, updated as the repository does; every stored version and start kept. */
function store(document: JobDocument, options: { startFails?: boolean } = {}) {
  const written: JobDocument[] = [];
  const started: PortfolioAnalysisInput[] = [];
  let current = document;
  const ports: RedrivePorts = {
    updateJob: (_jobId, update) => {
      current = applyJobPatch(current, update(current));
      written.push(current);
      return Promise.resolve(current);
    },
    start: (_name, _instanceId, input) => {
      if (options.startFails) return Promise.reject(new Error('task hub unavailable'));
      started.push(input);
      return Promise.resolve();
    },
  };
  return { ports, written, started, current: () => current };
}

describe('redriveJob', () => {
  const settings = loadSettings({});
  const request = redriveRequestSchema.parse({});
  const live = (root?: RootStatus) => ({ spentDollars: 0.2, root });

  it('starts the next redrive of a finished job, naming its previous status in the run', async () => {
    const s = store(finishedJob);
    expect(await redriveJob(finishedJob, request, live(root('Completed')), settings, s.ports)).toEqual({
      kind: 'started',
      redrive: 1,
      include: 'failed',
      previous: 'completed',
    });
    expect(s.written).toHaveLength(1);
    expect(s.started.map((i) => i.run)).toEqual([
      { kind: 'redrive', redrive: 1, include: 'failed', previous: 'completed' },
    ]);
  });

  it("reopens the job without the previous end's time, error and reason (its run writes its own)", async () => {
    const short: JobDocument = {
      ...finishedJob,
      status: 'budget_exceeded',
      statusReason: 'The budget could not cover one more property at its worst case.',
      error: 'an earlier error',
    };
    const s = store(short);
    await redriveJob(short, request, live(), settings, s.ports);
    expect(s.current()).toMatchObject({ status: 'processing', redrives: 1 });
    expect(s.current()).not.toHaveProperty('endTime');
    expect(s.current()).not.toHaveProperty('error');
    expect(s.current()).not.toHaveProperty('statusReason');
    expect(s.started[0]!.run).toMatchObject({ previous: 'budget_exceeded' });
  });

  it('puts the previous end back when the run cannot be started', async () => {
    const short: JobDocument = { ...finishedJob, status: 'cancelled', statusReason: 'Cancelled on request.' };
    const s = store(short, { startFails: true });
    await expect(redriveJob(short, request, live(), settings, s.ports)).rejects.toThrow('task hub unavailable');
    expect(s.current()).toEqual({ ...short, redrives: 0, updatedAt: short.updatedAt });
  });

  it('writes the end of a job whose run failed before writing it, then redrives it as the failed job it reads', async () => {
    const failedRun: JobDocument = { ...finishedJob, status: 'processing', endTime: undefined };
    const s = store(failedRun);
    const outcome = await redriveJob(failedRun, request, live(root('Failed')), settings, s.ports);
    expect(outcome).toEqual({ kind: 'started', redrive: 1, include: 'failed', previous: 'failed' });
    // First the end the purge would write (src/jobs/failed-run-end.ts), then the reopened job.
    expect(s.written[0]).toMatchObject({
      status: 'failed',
      endTime: FAILED_AT.toISOString(),
      error: `The job orchestration failed: ${FAILURE}`,
    });
    expect(s.written[1]).toMatchObject({ status: 'processing', redrives: 1 });
    expect(s.written[1]).not.toHaveProperty('error');
    expect(s.started[0]!.run).toMatchObject({ kind: 'redrive', previous: 'failed' });
  });

  it('keeps that end when the redrive itself is refused (a budget below what the job spent)', async () => {
    const failedRun: JobDocument = { ...finishedJob, status: 'processing', endTime: undefined };
    const s = store(failedRun);
    const outcome = await redriveJob(failedRun, { ...request, budget: 0.1 }, live(root('Failed')), settings, s.ports);
    expect(outcome).toEqual({ kind: 'budget_below_spent', spent: 0.2 });
    expect(s.current()).toMatchObject({ status: 'failed', error: `The job orchestration failed: ${FAILURE}` });
    expect(s.started).toEqual([]);
  });

  it.each([
    ['its root still runs', { status: 'processing' as const }, root('Running')],
    [
      'its root failed in an earlier run (a redrive reopened it since)',
      { status: 'processing' as const, redrives: 1 },
      root('Failed'),
    ],
    ['it has no root yet', { status: 'queued' as const }, undefined],
  ])('refuses a job that has not finished (%s), writing and starting nothing', async (_, fields, jobRoot) => {
    const running: JobDocument = { ...finishedJob, ...fields, endTime: undefined };
    const s = store(running);
    expect(await redriveJob(running, request, live(jobRoot), settings, s.ports)).toEqual({
      kind: 'not_finished',
      status: fields.status,
    });
    expect(s.written).toEqual([]);
    expect(s.started).toEqual([]);
  });

  it('refuses a job the task hub purge reached, writing and starting nothing', async () => {
    const purged: JobDocument = {
      ...finishedJob,
      finalProgress: {
        processed: 20,
        failed: 3,
        cached: 0,
        reservedCents: 0,
        actualCents: 20,
        unconfirmedCents: 0,
        startTime: '2026-10-01T10:00:01.000Z',
      },
    };
    const s = store(purged);
    const outcome = await redriveJob(purged, request, live(), settings, s.ports);
    expect(outcome).toMatchObject({ kind: 'not_redrivable' });
    expect(outcome.kind === 'not_redrivable' && outcome.reason).toMatch(/purged .*PURGE_RETENTION_DAYS.*submit/);
    expect(s.written).toEqual([]);
    expect(s.started).toEqual([]);
  });
});

describe('redriveMessage', () => {
  const started = (include: 'failed' | 'failed-and-left', previous: JobDocument['status']) =>
    ({ kind: 'started', redrive: 2, include, previous }) as const;

  it('says only what is redone when no property is left without a result', () => {
    expect(redriveMessage(started('failed', 'completed'), 0)).toBe(
      'Redrive 2 started: failed properties are analysed again; answers already bought are reused.',
    );
    expect(redriveMessage(started('failed-and-left', 'failed'), 0)).toBe(
      'Redrive 2 started: failed properties are analysed again (none is left without a result); answers already bought are reused.',
    );
  });

  it('says that include "failed" leaves the properties left, the status the job ends with again, and the fix', () => {
    expect(redriveMessage(started('failed', 'budget_exceeded'), 120)).toBe(
      'Redrive 2 started: failed properties are analysed again; answers already bought are reused. 120 properties have no result (the budget left them): include "failed" leaves them, so the job ends budget_exceeded again; redrive with include "failed-and-left" and a budget that covers them to analyse them.',
    );
    expect(redriveMessage(started('failed', 'cancelled'), 1)).toMatch(
      /1 property has no result \(the cancel left them\): .* ends cancelled again; redrive with include "failed-and-left" to analyse them\.$/,
    );
    // A job that read completed with properties left (before the rule): it cannot end completed again.
    expect(redriveMessage(started('failed', 'completed'), 5)).toMatch(/\(no run reached them\): .* ends failed; /);
  });

  it('says that include "failed-and-left" analyses them', () => {
    expect(redriveMessage(started('failed-and-left', 'cancelled'), 30)).toBe(
      'Redrive 2 started: failed properties and the 30 properties left without a result are analysed; answers already bought are reused.',
    );
  });
});
