// Stop means stop (issue 11.1): however a job is ended — the app's DELETE, the Durable terminate URL the 202
// hands out, a purge — the vendor bills nothing but the calls in flight, and the job ends consistently:
// final status with an end time, a partial report, DELETE answering 404. The sandbox holds its answers, so
// "in flight" is a count the test reads, not a guess about timing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDocumentFor } from '../../../src/activities/open-job.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};
const LANES = 2;
const PER_CHUNK = 3;

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({
    sandbox: { latencyInMs: 20 },
    env: {
      CHUNK_SIZE: '10',
      MAX_CONCURRENT_CHUNKS: String(LANES),
      PROPERTY_CONCURRENCY: String(PER_CHUNK),
      // Every property start reads the stop afresh: what starts after the stop is recorded is a bug, not timing.
      STOP_CHECK_MS: '0',
      AVM_CASCADE: 'avm-primary',
      // No reuse between the jobs of this file: each buys its own values, so its bill is its calls in flight.
      VALUATION_CACHE_TTL_HOURS: '0',
    },
  });
});
afterAll(() => h?.stop());

interface Accepted {
  jobId: string;
  statusUrl: string;
  statusQueryGetUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Submits a valuation job while the sandbox holds its answers; resolves once every slot has a call in flight. */
async function submitHeld(portfolioId: string): Promise<{ accepted: Accepted; inFlight: number }> {
  h.sandbox.reset();
  h.sandbox.hold();
  const response = await h.post('/api/portfolio/analyze', {
    portfolioId,
    analysisType: 'valuation',
    properties: sample.properties.slice(0, 200),
  });
  expect(response.status).toBe(202);
  const accepted = (await response.json()) as Accepted;
  const inFlight = await until('every slot to hold a call', async () => {
    const pending = h.sandbox.stats().pending;
    return pending === LANES * PER_CHUNK ? pending : undefined;
  });
  return { accepted, inFlight };
}

const jobOf = async (jobId: string) =>
  ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: Record<string, unknown> }).job;

async function expectEndedConsistently(jobId: string, status: string) {
  const job = await h.waitForJob(jobId, 120_000);
  expect(job.status).toBe(status);
  expect((job as unknown as { endTime?: string }).endTime).toEqual(expect.any(String));
  const results = await h.get(`/api/portfolio/jobs/${jobId}/results`);
  expect(results.status).toBe(200);
  const report = (await results.json()) as { results: { status: string; totals: { properties: number } } };
  expect(report.results.status).toBe(status);
  expect(report.results.totals.properties).toBe(job.progress.processed);
  expect((await fetch(`${h.url}/api/portfolio/jobs/${jobId}`, { method: 'DELETE' })).status).toBe(404);
  return job;
}

describe('cancel right after submit', () => {
  it('bills only the calls in flight, and ends cancelled with a partial report', async () => {
    const { accepted, inFlight } = await submitHeld('cancel-at-once');
    const cancel = await fetch(accepted.statusUrl, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    await until('the stop to be recorded', async () =>
      (await jobOf(accepted.jobId)).stopRequested === 'cancelled' ? true : undefined,
    );
    h.sandbox.release();
    const job = await expectEndedConsistently(accepted.jobId, 'cancelled');
    const { calls } = h.sandbox.stats();
    expect(calls).toBe(inFlight);
    expect(job.progress.processed).toBe(calls);
    expect(job.cost.actual).toBeCloseTo(calls * 0.02, 10);
  });
});

describe('the terminate URL of the 202', () => {
  it('stops the spending at the calls in flight; the job ends cancelled, and a purge keeps it so', async () => {
    const { accepted, inFlight } = await submitHeld('terminated');
    const terminate = await fetch(accepted.terminatePostUri.replace('{text}', 'operator'), { method: 'POST' });
    expect(terminate.status).toBe(202);
    await until('the root to be terminated', async () => {
      const status = (await (await fetch(accepted.statusQueryGetUri)).json()) as { runtimeStatus: string };
      return status.runtimeStatus === 'Terminated' ? true : undefined;
    });
    h.sandbox.release();
    const job = await expectEndedConsistently(accepted.jobId, 'cancelled');
    expect((job as unknown as { statusReason: string }).statusReason).toMatch(/terminated/);
    expect(h.sandbox.stats().calls).toBe(inFlight);
    expect(job.progress.processed).toBe(inFlight);

    const purge = await fetch(accepted.purgeHistoryDeleteUri, { method: 'DELETE' });
    expect(purge.status).toBe(200);
    expect((await fetch(accepted.statusQueryGetUri)).status).toBe(404);
    expect(await jobOf(accepted.jobId)).toMatchObject({ status: 'cancelled', endTime: job.endTime });
    expect((await h.get(`/api/portfolio/jobs/${accepted.jobId}/results`)).status).toBe(200);
  });

  it('hands out only management URLs whose use keeps the job consistent', async () => {
    const { accepted } = await submitHeld('urls');
    expect(
      Object.keys(accepted)
        .filter((k) => k.endsWith('Uri'))
        .sort(),
    ).toEqual(['purgeHistoryDeleteUri', 'statusQueryGetUri', 'terminatePostUri']);
    await fetch(accepted.statusUrl, { method: 'DELETE' });
    h.sandbox.release();
    await h.waitForJob(accepted.jobId, 120_000);
  });
});

describe('a purge while the job runs', () => {
  it('removes the root history only: the job runs to completion and never reads as queued', async () => {
    const { accepted } = await submitHeld('purged-running');
    expect((await fetch(accepted.purgeHistoryDeleteUri, { method: 'DELETE' })).status).toBe(200);
    expect((await jobOf(accepted.jobId)).status).toBe('processing');
    h.sandbox.release();
    const job = await h.waitForJob(accepted.jobId, 120_000);
    expect(job).toMatchObject({ status: 'completed', progress: { processed: 200, failed: 0 } });
  });
});

describe('a job whose root ended before its run began', () => {
  it('ends cancelled with an empty report when it is looked at, instead of staying queued', async () => {
    // The state a purge of a just-started root leaves: a queued document and no orchestration at all.
    const jobId = 'job-never-started';
    await h.database.container('jobs').items.create(
      jobDocumentFor(
        {
          jobId,
          portfolioId: 'never',
          analysisType: 'valuation',
          totalProperties: 20,
          chunkCount: 2,
          chunkSize: 10,
          estimatedCents: 80,
          allowPartial: false,
          asOf: new Date().toISOString(),
        },
        'queued',
        new Date(),
      ),
    );
    const job = await expectEndedConsistently(jobId, 'cancelled');
    expect(job.progress).toMatchObject({ total: 20, processed: 0 });
  });
});
