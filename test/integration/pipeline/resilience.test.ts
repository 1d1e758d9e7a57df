// Repeats: a retried chunk buys nothing twice, and the nightly run starts once per registered portfolio
// however often its message is delivered.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueClient } from '@azure/storage-queue';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';
import { itAnswersAsDocumented } from '../../openapi-answers.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};

let h: PipelineHarness;
beforeAll(async () => {
  // Every chunk's first attempt crashes after buying its values (a chaos switch), so every chunk is retried;
  // 10% of sandbox answers fail and retries are off, so some values are bought by the second attempt.
  h = await startPipeline({
    sandbox: { failureRate: 0.1, seed: 7 },
    env: { AVM_MAX_RETRIES: '0', AVM_CASCADE: 'avm-primary', CHAOS_FAIL_FIRST_CHUNK_ATTEMPT: 'true' },
  });
});
afterAll(() => h?.stop());

const stats = async () =>
  (await (await fetch(`${h.sandbox.url}/stats`)).json()) as {
    calls: number;
    distinctProperties: number;
    failed503: number;
  };

describe('retried chunks', () => {
  it('buy no value twice', async () => {
    const response = await h.post('/api/portfolio/analyze', {
      portfolioId: 'flaky',
      analysisType: 'valuation',
      properties: sample.properties.slice(0, 400),
    });
    const { jobId } = (await response.json()) as { jobId: string };
    const job = await h.waitForJob(jobId, 120_000);
    const s = await stats();
    expect(job.status).toBe('completed');
    expect(job.progress.processed).toBe(400);
    // Every chunk ran twice, yet each property's value was bought at most once: answered calls = distinct
    // properties, and the properties without one are exactly the failed ones.
    expect(s.calls).toBe(s.distinctProperties);
    expect(s.calls + job.progress.failed).toBe(400);
    expect(s.failed503).toBeGreaterThan(job.progress.failed); // first-attempt failures got a second chance
    const report = (await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as {
      results: { totals: { failed: number } };
    };
    expect(report.results.totals.failed).toBe(job.progress.failed);
  });
});

describe('nightly revaluation', () => {
  it('starts one run per registered portfolio, and a re-delivered message starts none', async () => {
    for (const id of ['north', 'south']) {
      const put = await fetch(`${h.url}/api/portfolios/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ analysisType: 'risk', properties: sample.properties.slice(0, 30) }),
      });
      expect(put.status).toBe(200);
    }
    const timer = await fetch(`${h.url}/admin/functions/enqueueNightlyRuns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":""}',
    });
    expect(timer.status).toBe(202);
    const runDate = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const ids = ['north', 'south'].map((p) => `nightly-${p}-${runDate}`);
    const jobs = await Promise.all(ids.map((id) => waitForExistence(id).then(() => h.waitForJob(id, 120_000))));
    expect(jobs.map((j) => j.status)).toEqual(['completed', 'completed']);

    const instance = async () =>
      (await (await fetch(`${h.url}/runtime/webhooks/durabletask/instances/${ids[0]}`)).json()) as {
        createdTime: string;
        runtimeStatus: string;
      };
    const before = await instance();
    const queue = new QueueClient(h.env.AzureWebJobsStorage!, 'portfolio-revaluation');
    await queue.sendMessage(Buffer.from(JSON.stringify({ portfolioId: 'north', runDate })).toString('base64'));
    // No fixed wait: devhost deletes a message once its function has run (the count includes messages being
    // run), so an empty queue means the duplicate was handled; the poison queue shows it did not fail.
    await untilQueueEmpty(queue);
    expect(await queuedMessages(new QueueClient(h.env.AzureWebJobsStorage!, 'portfolio-revaluation-poison'))).toBe(0);
    // The same instance, not started again under its id.
    expect(await instance()).toMatchObject({ createdTime: before.createdTime, runtimeStatus: 'Completed' });
    const instances = (await (
      await fetch(`${h.url}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=nightly-north-`)
    ).json()) as Array<{ instanceId: string }>;
    // One root run; its chunkBatch sub-orchestrations are named `{jobId}:batch-{n}`.
    expect(instances.filter((i) => !i.instanceId.includes(':')).map((i) => i.instanceId)).toEqual([
      `nightly-north-${runDate}`,
    ]);
    const trend = (await (await h.get('/api/portfolios/north/trends')).json()) as { trend: unknown[] };
    expect(trend.trend).toHaveLength(1);
  });
});

/** Messages in the queue, visible or being run; 0 for a queue that does not exist. */
async function queuedMessages(queue: QueueClient): Promise<number> {
  if (!(await queue.exists())) return 0;
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}

async function untilQueueEmpty(queue: QueueClient): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    if ((await queuedMessages(queue)) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`queue ${queue.name} still holds messages after 120 s`);
}

/** Waits for the job the queue trigger starts; on a loaded machine that took over 30 s (two minutes allowed). */
async function waitForExistence(jobId: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    if ((await h.get(`/api/portfolio/jobs/${jobId}`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} never appeared`);
}

itAnswersAsDocumented(() => h);
