// The whole data flow end to end: POST a 1,000-property portfolio, follow the job, read the report and the
// stored documents, over real HTTP against devhost, Azurite, the Cosmos server and the sandbox.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosClient } from '@azure/cosmos';
import { QueueClient } from '@azure/storage-queue';
import { decodeQueueMessage } from '../../../src/storage/queues.ts';
import type { StoredReport } from '../../../src/domain/stored-report.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  portfolioId: string;
  analysisType: string;
  properties: Array<{ propertyId: string }>;
};

let h: PipelineHarness;
let cosmos: CosmosClient;
beforeAll(async () => {
  h = await startPipeline();
  cosmos = new CosmosClient({
    endpoint: h.env.COSMOS_ENDPOINT!,
    key: h.env.COSMOS_KEY!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});
afterAll(async () => {
  cosmos?.dispose();
  await h?.stop();
});

async function countDocuments(
  container: string,
  where = '',
  parameters: Array<{ name: string; value: string }> = [],
): Promise<number> {
  const db = cosmos.database(h.databaseId);
  const { resources } = await db
    .container(container)
    .items.query<number>({ query: `SELECT VALUE COUNT(1) FROM c ${where}`, parameters })
    .fetchAll();
  return resources[0] ?? 0;
}

describe('a 1,000-property comprehensive job', () => {
  let jobId: string;
  let accepted: Record<string, unknown>;

  it('is accepted with the estimate and the management URLs', async () => {
    const response = await h.post('/api/portfolio/analyze', sample);
    accepted = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(202);
    expect(accepted).toMatchObject({
      success: true,
      estimatedCost: 80,
      statusUrl: expect.stringContaining('/api/portfolio/jobs/') as unknown,
      statusQueryGetUri: expect.stringContaining('/runtime/webhooks/durabletask/instances/') as unknown,
    });
    expect(response.headers.get('location')).toBe(accepted.statusUrl);
    jobId = accepted.jobId as string;
  });

  it('completes with every property counted', async () => {
    const job = await h.waitForJob(jobId, 120_000);
    expect(job).toMatchObject({
      jobId,
      status: 'completed',
      progress: { total: 1000, processed: 1000, failed: 0, percentComplete: 100 },
    });
    expect(job.cost.actual).toBeGreaterThan(0);
    expect(job.cost.actual).toBeLessThanOrEqual(job.cost.estimated);
    expect(job.cost.reserved).toBe(0);
  });

  it('agrees with the Durable status URL', async () => {
    const status = (await (await fetch(accepted.statusQueryGetUri as string)).json()) as {
      runtimeStatus: string;
      output: { status: string; processed: number };
    };
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toMatchObject({ status: 'completed', processed: 1000, failed: 0 });
  });

  it('has a report with the portfolio metrics', async () => {
    const response = await h.get(`/api/portfolio/jobs/${jobId}/results`);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: StoredReport['report'] };
    expect(results.portfolioId).toBe('sample-1000');
    expect(results.totals).toMatchObject({ properties: 1000, analyzed: 1000, failed: 0 });
    expect(results.valuation.valued).toBe(1000);
    expect(results.concentration.state.hhi).toBeGreaterThan(1000);
    expect(results.highlights.preDistressed.length).toBeGreaterThan(0);
    expect(results.highlights.highestFraud[0]!.fraud!.score).toBeGreaterThanOrEqual(
      results.highlights.highestFraud.at(-1)!.fraud!.score,
    );
  });

  it('stored one result per property, and bought each value once', async () => {
    expect(await countDocuments('results', 'WHERE c.jobId = @j', [{ name: '@j', value: jobId }])).toBe(1000);
    const stats = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { distinctProperties: number };
    expect(stats.distinctProperties).toBeGreaterThanOrEqual(1000);
  });

  it('pages per-property results with filters', async () => {
    const first = (await (
      await h.get(`/api/portfolio/jobs/${jobId}/properties?filter=flagged&pageSize=10`)
    ).json()) as { properties: Array<{ fraud: { flagged: boolean } }>; continuationToken?: string };
    expect(first.properties).toHaveLength(10);
    expect(first.properties.every((p) => p.fraud.flagged)).toBe(true);
    expect(first.continuationToken).toBeDefined();
  });

  it('re-running the portfolio within the TTL buys no AVM call', async () => {
    const before = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { calls: number };
    const response = await h.post('/api/portfolio/analyze', { ...sample, analysisType: 'valuation' });
    const { jobId: second } = (await response.json()) as { jobId: string };
    const job = await h.waitForJob(second, 120_000);
    expect(job).toMatchObject({ status: 'completed', progress: { processed: 1000, cached: 1000 } });
    expect(job.cost.actual).toBe(0);
    const after = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { calls: number };
    expect(after.calls).toBe(before.calls);
  });
});

describe('the API contract', () => {
  it('serves an OpenAPI 3.1 description', async () => {
    const doc = (await (await h.get('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/portfolio/analyze');
  });

  it('estimates without starting anything', async () => {
    const response = await h.post('/api/portfolio/estimate', { ...sample, properties: sample.properties.slice(0, 10) });
    expect(await response.json()).toMatchObject({
      estimatedCost: 0.8,
      breakdown: { components: { valuation: 0.2, fraud: 0.5, risk: 0.1 } },
    });
  });

  it('answers 404 for an unknown job', async () => {
    expect((await h.get('/api/portfolio/jobs/job-unknown')).status).toBe(404);
    expect((await h.get('/api/portfolio/jobs/job-unknown/results')).status).toBe(404);
    expect((await fetch(`${h.url}/api/portfolio/jobs/job-unknown`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('trends and alerts', () => {
  it('appends a trend point per complete run and alerts on a material change', async () => {
    const properties = sample.properties.slice(0, 60) as Array<
      Record<string, unknown> & { loan?: { balance: number } }
    >;
    const first = await h.post('/api/portfolio/analyze', {
      portfolioId: 'trend-book',
      analysisType: 'risk',
      properties,
    });
    await h.waitForJob(((await first.json()) as { jobId: string }).jobId);
    // The same book a month later, every loan 30% larger: weighted LTV rises by far more than 5 points.
    const heavier = properties.map((p) =>
      p.loan ? { ...p, loan: { ...p.loan, balance: Math.round(p.loan.balance * 1.3) } } : p,
    );
    const second = await h.post('/api/portfolio/analyze', {
      portfolioId: 'trend-book',
      analysisType: 'risk',
      properties: heavier,
    });
    const secondJob = ((await second.json()) as { jobId: string }).jobId;
    await h.waitForJob(secondJob);

    const trend = (await (await h.get('/api/portfolios/trend-book/trends')).json()) as { trend: unknown[] };
    expect(trend.trend).toHaveLength(2);
    const report = (await (await h.get(`/api/portfolio/jobs/${secondJob}/results`)).json()) as {
      results: StoredReport['report'];
    };
    expect(report.results.findings.map((f) => f.code)).toContain('WEIGHTED_LTV_RISE');
    const alerts = new QueueClient(h.env.AzureWebJobsStorage!, 'portfolio-alerts');
    const messages = (await alerts.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map(
      (m) => decodeQueueMessage(m.messageText) as { jobId: string; findings: Array<{ code: string }> },
    );
    expect(messages.find((m) => m.jobId === secondJob)?.findings.map((f) => f.code)).toContain('WEIGHTED_LTV_RISE');
  });
});
