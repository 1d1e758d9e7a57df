// submitJob with an in-memory job store and starter: the refusals write nothing, an Idempotency-Key names
// one job, a submission stages its chunks and starts portfolioAnalysis with a small input, and a failed
// start leaves the job failed with the reason.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { jobIdFor, submitJob, type JobRequest, type JobStore, type NewJob } from '../../../src/jobs/submit-job.ts';
import { ORCHESTRATIONS, type PortfolioAnalysisInput } from '../../../src/workflow.ts';
import { generatePortfolio } from '../../../examples/portfolio.ts';

const settings = loadSettings({ CHUNK_SIZE: '10', CHUNKS_PER_BATCH: '2' });
const properties: Property[] = [...generatePortfolio({ size: 25 })].map((g) => g.property);
const asOf = new Date('2026-11-02T08:00:00.000Z');

function memory() {
  const jobs = new Map<string, NewJob & { error?: string }>();
  const staged = new Map<string, Property[][]>();
  const started: Array<{ name: string; instanceId: string; input: PortfolioAnalysisInput }> = [];
  const store: JobStore = {
    getJob: async (jobId) => jobs.get(jobId),
    createJob: async (job) => {
      if (jobs.has(job.id)) return false;
      jobs.set(job.id, job);
      return true;
    },
    stageChunks: async (jobId, chunks) => {
      staged.set(jobId, chunks);
    },
    markJobFailed: async (jobId, error) => {
      const job = jobs.get(jobId)!;
      jobs.set(jobId, { ...job, status: 'failed' as 'queued', error });
    },
  };
  const starter = {
    start: async (name: string, instanceId: string, input: unknown) => {
      started.push({ name, instanceId, input: input as PortfolioAnalysisInput });
      return true;
    },
  };
  return { jobs, staged, started, store, starter };
}

const request = (overrides: Partial<JobRequest> = {}): JobRequest => ({
  portfolioId: 'PF-submit',
  analysisType: 'comprehensive',
  properties,
  allowPartial: false,
  asOf,
  ...overrides,
});

describe('submitJob', () => {
  it('stages the chunks, writes the job and starts portfolioAnalysis with ids and counts only', async () => {
    const m = memory();
    const outcome = await submitJob(request(), settings, m.store, m.starter);
    expect(outcome).toMatchObject({ kind: 'started', estimatedCost: 2, breakdown: { properties: 25, total: 2 } });
    const jobId = outcome.kind === 'started' ? outcome.jobId : '';
    expect(m.staged.get(jobId)?.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(m.jobs.get(jobId)).toMatchObject({
      portfolioId: 'PF-submit',
      status: 'queued',
      totalProperties: 25,
      chunkCount: 3,
      estimatedCost: 2,
      createdAt: asOf.toISOString(),
    });
    expect(m.started).toEqual([
      {
        name: ORCHESTRATIONS.portfolioAnalysis,
        instanceId: jobId,
        input: {
          jobId,
          portfolioId: 'PF-submit',
          analysisType: 'comprehensive',
          totalProperties: 25,
          chunkCount: 3,
          chunkSize: 10,
          chunksPerBatch: 2,
          maxConcurrentChunks: settings.pipeline.maxConcurrentChunks,
          maxConcurrentBatches: settings.pipeline.maxConcurrentBatches,
          chunkCostCents: [80, 80, 40],
          estimatedCents: 200,
          maxFailureRate: settings.pipeline.maxFailureRate,
          asOf: asOf.toISOString(),
        },
      },
    ]);
    // Property lists never travel through orchestration history.
    expect(JSON.stringify(m.started[0]!.input)).not.toContain(properties[0]!.propertyId);
  });

  it('refuses an estimate over the budget without writing or starting anything', async () => {
    const m = memory();
    const outcome = await submitJob(request({ budget: 1.99 }), settings, m.store, m.starter);
    expect(outcome).toMatchObject({ kind: 'over_budget', estimatedCost: 2, budget: 1.99 });
    expect(m.jobs.size + m.staged.size + m.started.length).toBe(0);
  });

  it('with allowPartial, starts a job under budget and passes the budget in cents', async () => {
    const m = memory();
    const outcome = await submitJob(request({ budget: 1.25, allowPartial: true }), settings, m.store, m.starter);
    expect(outcome.kind).toBe('started');
    expect(m.started[0]?.input.budgetCents).toBe(125);
  });

  it('gives the same Idempotency-Key of the same portfolio one job, started once', async () => {
    const m = memory();
    const first = await submitJob(request({ idempotencyKey: 'order-42' }), settings, m.store, m.starter);
    const again = await submitJob(request({ idempotencyKey: 'order-42' }), settings, m.store, m.starter);
    expect(first).toMatchObject({ kind: 'started', jobId: jobIdFor('PF-submit', 'order-42') });
    expect(again).toMatchObject({ kind: 'existing', jobId: jobIdFor('PF-submit', 'order-42') });
    expect(m.started).toHaveLength(1);
    expect(jobIdFor('PF-other', 'order-42')).not.toBe(jobIdFor('PF-submit', 'order-42'));
    expect(jobIdFor('PF-submit', undefined)).not.toBe(jobIdFor('PF-submit', undefined));
  });

  it('marks the job failed with the reason when the orchestration cannot start, and rethrows', async () => {
    const m = memory();
    const refusing = { start: () => Promise.reject(new Error('task hub unreachable')) };
    await expect(submitJob(request({ jobId: 'job-fixed' }), settings, m.store, refusing)).rejects.toThrow(
      'task hub unreachable',
    );
    expect(m.jobs.get('job-fixed')).toMatchObject({
      status: 'failed',
      error: 'could not start the job: task hub unreachable',
    });
  });
});
