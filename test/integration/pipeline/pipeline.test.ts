// The whole data flow end to end: POST a 1,000-property portfolio, follow the job, read the report and the
// stored documents, over real HTTP against devhost, Azurite, the Cosmos server and the sandbox.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueClient } from '@azure/storage-queue';
import { decodeQueueMessage } from '../../../src/storage/queues.ts';
import { portfolioReportSchema, type PortfolioReport } from '../../../src/domain/report.ts';
import { stressAnswerSchema, type StressAnswer } from '../../../src/jobs/job-stress.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';
import { itAnswersAsDocumented } from '../../openapi-answers.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  portfolioId: string;
  analysisType: string;
  properties: Array<{ propertyId: string }>;
};

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

async function countDocuments(
  container: string,
  where = '',
  parameters: Array<{ name: string; value: string }> = [],
): Promise<number> {
  const db = h.database;
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
      estimatedCost: 100, // the worst case: both AVMs of the cascade, an AI review and risk for each property
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
    const { results } = (await response.json()) as { results: PortfolioReport };
    // Exactly what the report schema, and so the OpenAPI document generated from it, describes: parsing drops
    // unknown fields, so equality means there are none, and every field has its declared type.
    expect(portfolioReportSchema.parse(results)).toEqual(results);
    expect(results.portfolioId).toBe('sample-1000');
    expect(results.totals).toMatchObject({ properties: 1000, analyzed: 1000, failed: 0 });
    expect(results.valuation.valued).toBe(1000);
    expect(results.concentration.state.hhi).toBeGreaterThan(1000);
    expect(results.highlights.preDistressed.length).toBeGreaterThan(0);
    expect(results.highlights.highestFraud[0]!.fraud!.score).toBeGreaterThanOrEqual(
      results.highlights.highestFraud.at(-1)!.fraud!.score,
    );
  });

  it("lists the best results of the whole job, as the store's own ranking of every result has them", async () => {
    const { results } = (await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as {
      results: PortfolioReport;
    };
    // The report merges the lists each chunk kept; the store ranks all 1,000 stored results at once. Equal
    // values may tie in another order, so the lists are compared by value.
    const ranked = async (query: string): Promise<number[]> =>
      (
        await h.database
          .container('results')
          .items.query<number>({ query: `SELECT TOP 10 VALUE ${query}`, parameters: [{ name: '@j', value: jobId }] })
          .fetchAll()
      ).resources;
    const { largestDrops, preDistressed, highestFraud } = results.highlights;
    expect(largestDrops.map((r) => r.valuation!.changePct)).toEqual(
      await ranked(
        'c.valuation.changePct FROM c WHERE c.jobId = @j AND c.valuation.changePct < 0 ORDER BY c.valuation.changePct ASC',
      ),
    );
    expect(preDistressed.map((r) => r.risk!.cltv)).toEqual(
      await ranked('c.risk.cltv FROM c WHERE c.jobId = @j AND c.risk.preDistressed = true ORDER BY c.risk.cltv DESC'),
    );
    expect(highestFraud.map((r) => r.fraud!.score)).toEqual(
      await ranked('c.fraud.score FROM c WHERE c.jobId = @j AND c.fraud.score > 0 ORDER BY c.fraud.score DESC'),
    );
    expect(largestDrops).toHaveLength(10);
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
    expect(Object.keys(doc.paths)).toContain('/portfolio/jobs/{jobId}/redrive');
  });

  it('estimates without starting anything', async () => {
    const response = await h.post('/api/portfolio/estimate', { ...sample, properties: sample.properties.slice(0, 10) });
    expect(await response.json()).toMatchObject({
      estimatedCost: 1,
      breakdown: { components: { valuation: 0.4, fraud: 0.5, risk: 0.1 } },
    });
  });

  it('answers 404 for an unknown job', async () => {
    expect((await h.get('/api/portfolio/jobs/job-unknown')).status).toBe(404);
    expect((await h.get('/api/portfolio/jobs/job-unknown/results')).status).toBe(404);
    expect((await fetch(`${h.url}/api/portfolio/jobs/job-unknown`, { method: 'DELETE' })).status).toBe(404);
  });
});

async function alertsFor(jobId: string): Promise<Array<{ code: string; basis: string }>> {
  const alerts = new QueueClient(h.env.AzureWebJobsStorage!, 'portfolio-alerts');
  const messages = (await alerts.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map(
    (m) => decodeQueueMessage(m.messageText) as { jobId: string; findings: Array<{ code: string; basis: string }> },
  );
  return messages.find((m) => m.jobId === jobId)?.findings ?? [];
}

async function runJob(body: unknown): Promise<string> {
  const response = await h.post('/api/portfolio/analyze', body);
  expect(response.status).toBe(202);
  const { jobId } = (await response.json()) as { jobId: string };
  expect((await h.waitForJob(jobId, 120_000)).status).toBe('completed');
  return jobId;
}

const reportOf = async (jobId: string): Promise<PortfolioReport> =>
  ((await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as { results: PortfolioReport }).results;

describe('like-for-like comparison', () => {
  it('a rerun with 100 more properties and unchanged values raises no alert, though the totals grow', async () => {
    const book = { portfolioId: 'lfl-book', analysisType: 'comprehensive' };
    const first = await runJob({ ...book, properties: sample.properties.slice(0, 200) });
    const second = await runJob({ ...book, properties: sample.properties.slice(0, 300) });
    const [before, after] = [await reportOf(first), await reportOf(second)];
    expect(before.comparison).toEqual({
      available: false,
      reason: 'no earlier complete report of this portfolio to compare with',
    });
    expect(after.comparison).toMatchObject({
      available: true,
      previousRun: { jobId: first, asOf: before.asOf },
      population: { previous: 200, current: 300, matched: 200, added: 100, removed: 0, failedCurrentOnly: 0 },
    });
    if (!after.comparison.available) throw new Error('unreachable');
    const l = after.comparison.likeForLike;
    expect(l.totalValue.change).toBe(0);
    expect(l.preDistressed.change).toBe(0);
    expect(l.flagged.change).toBe(0);
    // A comparison of totals would have alerted: the added properties bring their own pre-distressed loans and flags.
    expect(after.risk.preDistressed).toBeGreaterThan(before.risk.preDistressed);
    expect(after.fraud.flagged).toBeGreaterThan(before.fraud.flagged);
    expect(after.findings).toEqual([]);
    expect(await alertsFor(second)).toEqual([]);
    expect(portfolioReportSchema.parse(after)).toEqual(after);
  });
});

describe('stress scenarios', () => {
  it("run in the report with the request's per-state shocks, and on demand on the stored values", async () => {
    const properties = sample.properties.slice(300, 400);
    const scenarios = [{ name: 'Texas slump', shock: -0.05, stateShocks: { TX: -0.25 } }];
    const jobId = await runJob({
      portfolioId: 'stress-book',
      analysisType: 'risk',
      properties,
      stressScenarios: scenarios,
    });
    const report = await reportOf(jobId);
    expect(report.stress.scenarios.map((s) => [s.name, s.stateShocks])).toEqual([['Texas slump', { TX: -0.25 }]]);
    const today = Object.values(report.risk.tiers).map((t) => t.count);
    expect(Object.values(report.stress.baseline.tiers)).toEqual(today);

    const before = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { calls: number };
    const response = await h.post(`/api/portfolio/jobs/${jobId}/stress`, {
      scenarios: [...scenarios, { shock: -0.3 }],
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as StressAnswer;
    expect(stressAnswerSchema.parse(answer)).toEqual(answer);
    expect(answer.completeness).toMatchObject({ complete: true, submitted: 100, processed: 100 });
    expect(answer.stress.loans).toBe(report.stress.loans);
    expect(answer.stress.scenarios[0]).toEqual(report.stress.scenarios[0]);
    expect(answer.stress.scenarios[1]!.preDistressed.count).toBeGreaterThanOrEqual(report.risk.preDistressed);
    const after = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { calls: number };
    expect(after.calls).toBe(before.calls); // no paid call

    const defaults = (await (
      await fetch(`${h.url}/api/portfolio/jobs/${jobId}/stress`, { method: 'POST' })
    ).json()) as StressAnswer;
    expect(defaults.stress.scenarios.map((s) => s.name)).toEqual(['values -10%', 'values -20%', 'values -30%']);
  });

  it('refuse a bad request with field errors, and an unknown job with 404', async () => {
    const bad = await h.post('/api/portfolio/jobs/job-unknown/stress', {
      scenarios: [{ shock: -1.5, stateShocks: { ZZ: 0 } }],
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Array<{ path: string; message: string }> };
    expect(body.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['body.scenarios[0].shock', expect.stringMatching(/^body\.scenarios\[0\]\.stateShocks/)]),
    );
    expect((await h.post('/api/portfolio/jobs/job-unknown/stress', {})).status).toBe(404);
    expect((await h.post('/api/portfolio/jobs/job-unknown/stress', '{not json')).status).toBe(400);
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
      results: PortfolioReport;
    };
    expect(report.results.findings.map((f) => f.code)).toContain('WEIGHTED_LTV_RISE');
    const alerted = await alertsFor(secondJob);
    expect(alerted.map((f) => f.code)).toContain('WEIGHTED_LTV_RISE');
    expect(alerted.every((f) => f.basis === 'like-for-like')).toBe(true);
  });
});

itAnswersAsDocumented(() => h);
