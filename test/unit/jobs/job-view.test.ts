// jobStatusOf and jobView: the job document's final status wins; before it, the orchestration's runtime
// status decides; the view folds the entity's counts and cost (cents to dollars) into the API's shape.
import { describe, expect, it } from 'vitest';
import { finalProgressSchema, initialProgress } from '../../../src/domain/job-progress.ts';
import { JOB_STATUSES, type JobStatus } from '../../../src/domain/job-status.ts';
import { jobStatusOf, jobView, type JobDocumentView, type RuntimeStatus } from '../../../src/jobs/job-view.ts';

const job = (overrides: Partial<JobDocumentView> = {}): JobDocumentView => ({
  id: 'job-v',
  portfolioId: 'PF-v',
  analysisType: 'comprehensive',
  status: 'queued',
  totalProperties: 200,
  estimatedCost: 16,
  createdAt: '2026-11-24T10:00:00.000Z',
  ...overrides,
});

/** A job's status under each runtime status of its root (`none`: no instance, never started or purged). */
type ByRuntime = Record<RuntimeStatus | 'none', JobStatus>;
const RUNTIMES = [
  'none',
  'Pending',
  'Running',
  'Suspended',
  'ContinuedAsNew',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'Unknown',
] as const;
const always = (status: JobStatus) => Object.fromEntries(RUNTIMES.map((r) => [r, status])) as ByRuntime;

const EXPECTED: Record<JobStatus, ByRuntime> = {
  // A tape by reference being read: its root reads it; a failed root fails the job, an ended one ends it cancelled.
  reading: {
    ...always('reading'),
    Failed: 'failed',
    Canceled: 'cancelled',
    Terminated: 'cancelled',
  },
  // Before its run began, the root decides: running (or done, its run about to mark the document), failed, ended.
  queued: {
    none: 'queued',
    Pending: 'queued',
    Unknown: 'queued',
    Running: 'processing',
    Suspended: 'processing',
    ContinuedAsNew: 'processing',
    Completed: 'processing',
    Failed: 'failed',
    Canceled: 'cancelled',
    Terminated: 'cancelled',
  },
  // The run writes the end itself, a terminated or purged root included; only a failed run cannot.
  processing: { ...always('processing'), Failed: 'failed' },
  // A final document wins over anything its root says.
  completed: always('completed'),
  failed: always('failed'),
  cancelled: always('cancelled'),
  budget_exceeded: always('budget_exceeded'),
  rejected: always('rejected'),
};

describe('jobStatusOf', () => {
  it.each(JOB_STATUSES)('a %s job document, under every runtime status of its root', (status) => {
    const actual = Object.fromEntries(
      RUNTIMES.map((r) => [r, jobStatusOf(job({ status }), r === 'none' ? undefined : r)]),
    );
    expect(actual).toEqual(EXPECTED[status]);
  });
});

describe('jobView', () => {
  const progress = {
    ...initialProgress({
      jobId: 'job-v',
      total: 200,
      chunkCount: 2,
      estimatedCents: 1_600,
      budgetCents: 1_000,
      startTime: '2026-11-24T10:00:05.000Z',
    }),
    processed: 50,
    failed: 2,
    cached: 7,
    reservedCents: 801,
    actualCents: 399,
    lastUpdate: '2026-11-24T10:00:15.000Z',
  };

  it('shows progress, cost in dollars and the ETA at the observed rate while processing', () => {
    expect(jobView(job({ budget: 10 }), progress, 'Running')).toEqual({
      jobId: 'job-v',
      portfolioId: 'PF-v',
      analysisType: 'comprehensive',
      status: 'processing',
      progress: { total: 200, processed: 50, failed: 2, cached: 7, percentComplete: 25 },
      cost: { estimated: 16, reserved: 8.01, actual: 3.99, budget: 10 },
      startTime: '2026-11-24T10:00:05.000Z',
      // 50 properties in 10 s: 150 left take 30 s.
      estimatedTimeRemaining: 30,
    });
  });

  it('before the entity exists: nothing processed, started when the job was created, no ETA', () => {
    expect(jobView(job(), undefined, undefined)).toMatchObject({
      status: 'queued',
      progress: { processed: 0, failed: 0, percentComplete: 0 },
      cost: { reserved: 0, actual: 0 },
      startTime: '2026-11-24T10:00:00.000Z',
    });
    expect(jobView(job(), undefined, undefined)).not.toHaveProperty('estimatedTimeRemaining');
  });

  it('a finished job carries its end time and error, and no ETA; a job whose tape is not read yet is 0% complete', () => {
    const failed = jobView(job({ status: 'failed', endTime: 'T', error: 'boom' }), progress, 'Completed');
    expect(failed).toMatchObject({ status: 'failed', endTime: 'T', error: 'boom' });
    expect(failed).not.toHaveProperty('estimatedTimeRemaining');
    const reading = jobView(job({ status: 'reading', totalProperties: 0, estimatedCost: 0 }), undefined, 'Running');
    expect(reading).toMatchObject({ status: 'reading', progress: { total: 0, percentComplete: 0 } });
  });

  it('a rejected job shows its field errors and, over budget, the breakdown; no other job does', () => {
    const errors = [{ path: 'row 2, column zip', message: 'must not be empty', code: 'VALUE' }];
    const breakdown = {
      properties: 3,
      analysisType: 'risk',
      perProperty: { risk: 0.01 },
      components: { risk: 0.03 },
      total: 0.03,
    };
    const rejected = jobView(job({ status: 'rejected', errors, totalErrors: 4, breakdown }), undefined, 'Completed');
    expect(rejected).toMatchObject({ status: 'rejected', errors, totalErrors: 4, breakdown });
    const running = jobView(job({ status: 'processing', errors, breakdown }), progress, 'Running');
    expect(running).not.toHaveProperty('errors');
    expect(running).not.toHaveProperty('breakdown');
  });

  it('after the task hub purge removed the entity, reads the same from the copy on the job document', () => {
    const done = { ...progress, unconfirmedCents: 12, stop: { reason: 'cancelled' as const, at: 'T' } };
    const finished = job({ status: 'cancelled', endTime: 'T', statusReason: 'Cancelled on request.' });
    const live = jobView(finished, done, 'Completed');
    const purged = jobView({ ...finished, finalProgress: finalProgressSchema.parse(done) }, undefined, undefined);
    expect(purged).toEqual(live);
    expect(purged.cost).toMatchObject({ actual: 3.99, unconfirmed: 0.12 });
  });

  describe('a failed job always says why', () => {
    const details = "Orchestrator function 'jobRun' failed: Activity function 'aggregateReport' failed: boom";

    it("the cause its run wrote wins over the orchestration's failure details", () => {
      const view = jobView(job({ status: 'failed', error: 'boom' }), progress, 'Failed', details);
      expect(view.error).toBe('boom');
    });

    it("a run that failed before writing its end: the orchestration's failure details", () => {
      const view = jobView(job({ status: 'processing' }), progress, 'Failed', details);
      expect(view).toMatchObject({ status: 'failed', error: `The job orchestration failed: ${details}` });
    });

    it("without either: the failure stop's message, else a sentence saying no cause was recorded", () => {
      const stop = { reason: 'failed' as const, message: 'chunk entry 0 failed every attempt: gone', at: 't' };
      const stopped = jobView(job({ status: 'failed' }), { ...progress, stop }, 'Completed');
      expect(stopped.error).toBe(stop.message);
      expect(jobView(job({ status: 'failed' }), undefined, 'Completed').error).toMatch(/recorded no cause/);
    });

    it('a job that did not fail carries no failure cause', () => {
      expect(jobView(job({ status: 'processing' }), progress, 'Running', details)).not.toHaveProperty('error');
      expect(jobView(job({ status: 'completed' }), progress, 'Completed')).not.toHaveProperty('error');
    });
  });

  it('a root terminated while its run goes on: still processing, the stop shown, counts live', () => {
    const live = { ...progress, stop: { reason: 'terminated' as const, at: '2026-11-24T10:00:12.000Z' } };
    const view = jobView(job({ status: 'processing' }), live, 'Terminated');
    expect(view).toMatchObject({ status: 'processing', stopRequested: 'terminated', progress: { processed: 50 } });
    expect(view).not.toHaveProperty('endTime');
  });

  it('a cancel requested while the run goes on shows as the stop; once the run ended, the end replaces it', () => {
    const live = { ...progress, stop: { reason: 'cancelled' as const, at: '2026-11-24T10:00:12.000Z' } };
    expect(jobView(job({ status: 'processing' }), live, 'Running')).toMatchObject({
      status: 'processing',
      stopRequested: 'cancelled',
    });
    const ended = job({ status: 'cancelled', endTime: 'T', statusReason: 'Cancelled on request (DELETE).' });
    const view = jobView(ended, live, 'Completed');
    expect(view).toMatchObject({ status: 'cancelled', endTime: 'T', statusReason: 'Cancelled on request (DELETE).' });
    expect(view).not.toHaveProperty('stopRequested');
    expect(view).not.toHaveProperty('estimatedTimeRemaining');
  });

  it('a root terminated before its run began: cancelled, nothing counted, no end time until the end is written', () => {
    const view = jobView(job({ status: 'queued' }), undefined, 'Terminated');
    expect(view).toMatchObject({ status: 'cancelled', progress: { processed: 0 }, cost: { actual: 0 } });
    expect(view).not.toHaveProperty('endTime');
    expect(view).not.toHaveProperty('stopRequested');
  });

  it('a run that failed and wrote its end: failed with its error, whatever its root says now', () => {
    const failed = job({ status: 'failed', endTime: 'T', error: 'A chunk failed every attempt: storage unavailable' });
    for (const runtime of ['Failed', 'Completed', undefined] as const)
      expect(jobView(failed, progress, runtime)).toMatchObject({
        status: 'failed',
        endTime: 'T',
        error: 'A chunk failed every attempt: storage unavailable',
      });
  });

  it('a purged root: a run still going stays processing on its live counts, no ETA; a job never run stays queued', () => {
    // Without the root nothing says the run still goes on: the counts are what is known, no time is promised.
    const purged = jobView(job({ status: 'processing' }), progress, undefined);
    expect(purged).toMatchObject({ status: 'processing', progress: { processed: 50 } });
    expect(purged).not.toHaveProperty('estimatedTimeRemaining');
    expect(jobView(job({ status: 'queued' }), undefined, undefined)).toMatchObject({ status: 'queued' });
  });

  it("a redrive in progress hides the earlier run's end: its end time, error and reason", () => {
    const redriven = job({ status: 'processing', endTime: 'T', error: 'too many failures', statusReason: 'r' });
    const view = jobView(redriven, progress, 'Running');
    expect(view.status).toBe('processing');
    for (const field of ['endTime', 'error', 'statusReason']) expect(view).not.toHaveProperty(field);
  });
});
