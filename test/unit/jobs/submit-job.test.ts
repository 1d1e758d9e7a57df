// submitJob with an in-memory job store and orchestration starter: a request over its budget writes and starts
// nothing; an Idempotency-Key names one job, started once, whatever instant a first submission died at (another
// request under the same key is refused); a
// submission stages its chunks (with the identities its propertyIds share), starts portfolioAnalysis with a
// small input, then writes the document, in that order. Prices: avm-primary 2 cents, avm-secondary 3, AI
// review 5, risk 1, so a comprehensive property costs at most 11 cents and 25 of them $2.75.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { jobIdFor, submitJob, type JobRequest, type JobStore, type Starter } from '../../../src/jobs/submit-job.ts';
import type { JobDocument } from '../../../src/storage/jobs-repository.ts';
import { ORCHESTRATIONS, type PortfolioAnalysisInput } from '../../../src/workflow.ts';
import { property } from '../activities/chunk-world.ts';

const settings = loadSettings({
  CHUNK_SIZE: '10',
  AVM_CASCADE: 'avm-primary,avm-secondary',
  AVM_PRICES: 'avm-secondary=0.03',
  MAX_CONCURRENT_CHUNKS: '4',
  RETRY_PASSES: '1',
  MAX_FAILURE_RATE: '0.1',
});
const properties: Property[] = Array.from({ length: 25 }, (_, i) => property(i + 1));
const asOf = new Date('2026-11-02T08:00:00.000Z');

/** The job documents, staged chunks and orchestration instances of one test; `log` says in which order. */
function memory() {
  const log: string[] = [];
  const jobs = new Map<string, JobDocument>();
  const staged = new Map<string, { chunks: Property[][]; shared: string[] }>();
  const started: Array<{ name: string; instanceId: string; input: PortfolioAnalysisInput }> = [];
  const store: JobStore = {
    getJob: async (jobId) => jobs.get(jobId),
    createJob: async (job) => {
      log.push('document');
      if (jobs.has(job.id)) return false;
      jobs.set(job.id, job);
      return true;
    },
    stageChunks: async (jobId, chunks, shared) => {
      log.push('stage');
      staged.set(jobId, { chunks, shared: [...shared] });
    },
  };
  const starter: Starter = {
    exists: async (instanceId) => started.some((s) => s.instanceId === instanceId),
    start: async (name, instanceId, input) => {
      log.push('start');
      started.push({ name, instanceId, input: structuredClone(input) });
    },
  };
  const step = (s: string) => log.push(`step ${s}`);
  return { log, jobs, staged, started, store, starter, step };
}

const request = (overrides: Partial<JobRequest> = {}): JobRequest => ({
  portfolioId: 'PF-submit',
  analysisType: 'comprehensive',
  properties,
  allowPartial: false,
  asOf,
  ...overrides,
});

/** A host that dies right after `step`. */
const diesAfter = (step: string) => (s: string) => {
  if (s === step) throw new Error(`host died after ${step}`);
};

describe('submitJob', () => {
  it('stages the chunks, starts portfolioAnalysis with ids, counts and prices only, then writes the document', async () => {
    const m = memory();
    const outcome = await submitJob(request(), settings, m.store, m.starter, m.step);
    expect(outcome).toMatchObject({ kind: 'started', estimatedCost: 2.75, breakdown: { properties: 25, total: 2.75 } });
    const { jobId } = outcome as { jobId: string };
    expect(m.log).toEqual(['stage', 'step staging', 'start', 'step start', 'document', 'step document']);
    expect(m.staged.get(jobId)?.chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(m.started).toEqual([
      {
        name: ORCHESTRATIONS.portfolioAnalysis,
        instanceId: jobId,
        input: {
          job: {
            jobId,
            portfolioId: 'PF-submit',
            analysisType: 'comprehensive',
            totalProperties: 25,
            chunkCount: 3,
            chunkSize: 10,
            estimatedCents: 275,
            allowPartial: false,
            asOf: asOf.toISOString(),
          },
          options: {
            lanes: 4,
            prices: {
              avm: [
                { provider: 'avm-primary', cents: 2 },
                { provider: 'avm-secondary', cents: 3 },
              ],
              review: 5,
              risk: 1,
            },
            maxFailureRate: 0.1,
            retryPasses: 1,
          },
          run: { kind: 'analysis' },
        },
      },
    ]);
    // Property lists never travel through orchestration history.
    expect(JSON.stringify(m.started)).not.toContain('Main St');
    expect(m.jobs.get(jobId)).toMatchObject({
      portfolioId: 'PF-submit',
      status: 'queued',
      totalProperties: 25,
      chunkCount: 3,
      chunkSize: 10,
      estimatedCost: 2.75,
      createdAt: asOf.toISOString(),
    });
  });

  it('refuses an estimate over the budget, staging, starting and writing nothing', async () => {
    const m = memory();
    const outcome = await submitJob(request({ budget: 2.74 }), settings, m.store, m.starter, m.step);
    expect(outcome).toMatchObject({ kind: 'over_budget', estimatedCost: 2.75, budget: 2.74 });
    expect(m.log).toEqual([]);
    // The estimate itself fits.
    expect((await submitJob(request({ budget: 2.75 }), settings, m.store, m.starter)).kind).toBe('started');
  });

  it('with allowPartial, starts a job its budget cannot cover and carries the budget in cents', async () => {
    const m = memory();
    const outcome = await submitJob(request({ budget: 1.25, allowPartial: true }), settings, m.store, m.starter);
    expect(outcome.kind).toBe('started');
    expect(m.started[0]?.input.job).toMatchObject({ budgetCents: 125, allowPartial: true });
    expect(m.jobs.get(m.started[0]!.instanceId)).toMatchObject({ budget: 1.25, allowPartial: true });
  });

  it('gives an Idempotency-Key one job, started once: the same request answers it, another is refused', async () => {
    const m = memory();
    const keyed = (overrides: Partial<JobRequest>) => request({ idempotencyKey: 'order-42', ...overrides });
    const first = await submitJob(keyed({ requestFingerprint: 'sha256:a' }), settings, m.store, m.starter);
    const jobId = jobIdFor('order-42');
    expect(first).toMatchObject({ kind: 'started', jobId });
    expect(m.jobs.get(jobId)).toMatchObject({ idempotencyKey: 'order-42', requestFingerprint: 'sha256:a' });
    const logged = m.log.length;

    // The same request again: the job as it was estimated.
    const again = await submitJob(keyed({ requestFingerprint: 'sha256:a' }), settings, m.store, m.starter);
    expect(again).toMatchObject({ kind: 'existing', jobId, estimatedCost: 2.75 });
    // Another request under the same key (fewer properties, another portfolio): refused, naming the job.
    const other = keyed({
      portfolioId: 'PF-other',
      properties: properties.slice(0, 5),
      requestFingerprint: 'sha256:b',
    });
    expect(await submitJob(other, settings, m.store, m.starter)).toEqual({
      kind: 'key_reused',
      jobId,
      portfolioId: 'PF-submit',
    });
    expect(m.log.slice(logged)).toEqual([]);
    expect(jobIdFor(undefined)).not.toBe(jobIdFor(undefined));
  });

  it('a host that died after starting: the resubmission writes the document and starts nothing again', async () => {
    const m = memory();
    const keyed = request({ idempotencyKey: 'order-7', requestFingerprint: 'sha256:c' });
    await expect(submitJob(keyed, settings, m.store, m.starter, diesAfter('start'))).rejects.toThrow('host died');
    expect(m.log).toEqual(['stage', 'start']);
    const again = await submitJob(keyed, settings, m.store, m.starter);
    expect(again).toMatchObject({ kind: 'existing', jobId: jobIdFor('order-7'), estimatedCost: 2.75 });
    expect(m.log).toEqual(['stage', 'start', 'document']);
    expect(m.jobs.get(jobIdFor('order-7'))).toMatchObject({
      status: 'queued',
      idempotencyKey: 'order-7',
      requestFingerprint: 'sha256:c',
    });
  });

  it('a host that died after staging started nothing: the resubmission stages again and starts the job', async () => {
    const m = memory();
    const keyed = request({ idempotencyKey: 'order-8' });
    await expect(submitJob(keyed, settings, m.store, m.starter, diesAfter('staging'))).rejects.toThrow('host died');
    expect(m.started).toEqual([]);
    expect((await submitJob(keyed, settings, m.store, m.starter)).kind).toBe('started');
    expect(m.log).toEqual(['stage', 'stage', 'start', 'document']);
  });

  it('a start the durable client refuses leaves no document', async () => {
    const m = memory();
    const refusing: Starter = { ...m.starter, start: () => Promise.reject(new Error('task hub unreachable')) };
    await expect(submitJob(request(), settings, m.store, refusing)).rejects.toThrow('task hub unreachable');
    expect(m.log).toEqual(['stage']);
    expect(m.jobs.size).toBe(0);
  });

  it('stages the identities its propertyIds share, so that they share no paid answer', async () => {
    const m = memory();
    const twin = { ...property(5), propertyId: 'P5-twin' };
    const unit = property(6, { address: '6 Main St', unit: '4B' });
    const outcome = await submitJob(request({ properties: [...properties, twin, unit] }), settings, m.store, m.starter);
    const { jobId } = outcome as { jobId: string };
    expect(m.staged.get(jobId)?.shared).toEqual(['78701|5 MAIN ST']);
    expect(m.staged.get(jobId)?.chunks.map((c) => c.length)).toEqual([10, 10, 7]);
  });
});
