// kill -9 of the host (issue 12.1, 11.2), with the task hub in Azurite as in production: the app runs in a
// devhost child process that is killed with SIGKILL and started again on the same hub.
// - Mid-job: the job completes with exactly one result per property, and the reported cost is the vendors'
//   bill; a crash can cost calls whose answers were never recorded, and the job says how much at most.
// - At each step of a submission (after staging, after start, after the document): a retry with the same
//   Idempotency-Key ends in exactly one job, which runs to its end.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../../src/api/answers.ts';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { spawnCli, type SpawnedCli } from '../../../devhost/test/spawn-cli.ts';
import { serviceEndpoints } from '../fixtures.ts';
import { appEnv, REPO_ROOT } from './harness.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};

let sandbox: Sandbox;
let cosmos: CosmosClient;
let env: Record<string, string>;
let storage: string;
const databaseId = `crash-${randomUUID().slice(0, 8)}`;
const running: SpawnedCli[] = [];

beforeAll(async () => {
  const services = await serviceEndpoints();
  sandbox = await startSandbox({ port: 0, latencyInMs: 50 });
  env = appEnv(services, sandbox.url, databaseId, {
    CHUNK_SIZE: '20',
    MAX_CONCURRENT_CHUNKS: '4',
    PROPERTY_CONCURRENCY: '4',
    // A heavy cascade at two prices: the bill depends on who answered.
    MAX_FSD: '0.05',
    AVM_PRICES: 'avm-secondary=0.03',
  });
  storage = env.AzureWebJobsStorage!;
  cosmos = new CosmosClient({
    endpoint: services.cosmosEndpoint,
    key: services.cosmosKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});
afterAll(async () => {
  for (const host of running) host.child.kill('SIGKILL');
  cosmos?.dispose();
  await sandbox?.close();
});

async function startHost(extra: Record<string, string> = {}): Promise<{ host: SpawnedCli; url: string }> {
  const host = spawnCli(
    ['start', '--app', REPO_ROOT, '--port', '0', '--store', 'azurite', '--storage', storage, '--quiet'],
    { ...env, ...extra },
  );
  running.push(host);
  return { host, url: await host.ready };
}

async function kill(host: SpawnedCli): Promise<void> {
  host.child.kill('SIGKILL');
  await host.exited;
}

async function jobOf(url: string, jobId: string): Promise<JobView & { endTime?: string }> {
  return ((await (await fetch(`${url}/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
}

async function waitForEnd(url: string, jobId: string): Promise<JobView> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const job = await jobOf(url, jobId);
    if (!['queued', 'processing'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}: ${JSON.stringify(job.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function count(container: string, jobId: string, field = 'jobId'): Promise<number> {
  const { resources } = await cosmos
    .database(databaseId)
    .container(container)
    .items.query<number>({
      query: `SELECT VALUE COUNT(1) FROM c WHERE c.${field} = @j`,
      parameters: [{ name: '@j', value: jobId }],
    })
    .fetchAll();
  return resources[0] ?? 0;
}

const analyze = (url: string, body: unknown, key: string) =>
  fetch(`${url}/api/portfolio/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

describe('kill -9 mid-job', () => {
  it('completes with one result per property and a reported cost equal to the bill, or qualified', async () => {
    sandbox.reset();
    let { host, url } = await startHost();
    const properties = sample.properties.slice(0, 400);
    const response = await analyze(url, { portfolioId: 'crash', analysisType: 'valuation', properties }, 'crash-mid');
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    // Killed with calls in flight, once a third of the job is done.
    for (;;) {
      if ((await jobOf(url, jobId)).progress.processed >= 120 && sandbox.stats().pending > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await kill(host);
    const atKill = sandbox.stats();
    ({ host, url } = await startHost());
    const job = await waitForEnd(url, jobId);
    expect(job).toMatchObject({ status: 'completed', progress: { processed: 400 } });
    expect(await count('results', jobId)).toBe(400);

    const stats = sandbox.stats();
    const billed = (stats.byProvider['avm-primary'] ?? 0) * 2 + (stats.byProvider['avm-secondary'] ?? 0) * 3;
    const reported = Math.round(job.cost.actual * 100);
    const unconfirmed = Math.round(((job.cost as { unconfirmed?: number }).unconfirmed ?? 0) * 100);
    console.log(
      `[crash] killed with ${atKill.pending} calls in flight; billed ${billed} cents, reported ${reported} cents, unconfirmed at most ${unconfirmed} cents (${stats.calls} calls, ${stats.distinctProperties} properties)`,
    );
    // Every answer recorded is counted; an answer the crash lost was billed and is within `unconfirmed`.
    expect(reported).toBeLessThanOrEqual(billed);
    expect(billed).toBeLessThanOrEqual(reported + unconfirmed);
    await kill(host);
  });
});

describe('kill -9 during submission', () => {
  it.each(['staging', 'start', 'document'] as const)(
    'after %s: a retry with the same Idempotency-Key ends in exactly one job, run to its end',
    async (step) => {
      const key = `crash-${step}`;
      const body = { portfolioId: `submit-${step}`, analysisType: 'risk', properties: sample.properties.slice(0, 60) };
      let { host, url } = await startHost({ CHAOS_EXIT_AFTER_SUBMIT_STEP: step });
      await analyze(url, body, key).catch(() => undefined); // the host dies mid-request
      await host.exited;
      ({ host, url } = await startHost());
      const retry = await analyze(url, body, key);
      expect(retry.status).toBe(202);
      const { jobId } = (await retry.json()) as { jobId: string };
      const job = await waitForEnd(url, jobId);
      expect(job).toMatchObject({ status: 'completed', progress: { processed: 60 } });
      expect(await count('jobs', jobId, 'id')).toBe(1);
      expect(await count('results', jobId)).toBe(60);
      const instances = (await (
        await fetch(`${url}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=${jobId}`)
      ).json()) as Array<{ instanceId: string }>;
      expect(instances.filter((i) => i.instanceId === jobId)).toHaveLength(1);
      await kill(host);
    },
  );
});
