// Cost is the vendor's bill (issue 11.2, 11.3, 11.5, 12.2), with the sandbox's answered calls per provider as
// the bill: a cascade-heavy job reports exactly what was billed (each AVM answer at its provider's price, each
// AI review); a storage fault right after a paid valuation keeps the value, and the redrive that fixes the
// property buys nothing twice; with allowPartial the bill never passes the budget; a budget equal to what a
// job really costs analyses (nearly) all of it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxStats } from '../../../sandbox/server.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};
const properties = sample.properties.slice(0, 300);
/** Cents per answer: the cascade's two providers at different prices, the AI reviewer. */
const PRICE = { 'avm-primary': 2, 'avm-secondary': 3, 'fraud-review': 5 } as const;
const RISK_CENTS = 1;

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({
    env: {
      // FSD at most 5%: over half the primary's answers are not enough, so the cascade buys a second one.
      MAX_FSD: '0.05',
      AVM_PRICES: 'avm-secondary=0.03',
      // Every job buys its own answers (no reuse between jobs), so jobs of the same properties compare.
      VALUATION_CACHE_TTL_HOURS: '0',
      // Failures stay for the redrive to fix (the end-of-job retry pass is tested in failures.test.ts).
      RETRY_PASSES: '0',
      CHAOS_FAULT_AFTER_VALUATION_RATE: '0.05',
      CHUNK_SIZE: '20',
      MAX_CONCURRENT_CHUNKS: '4',
      PROPERTY_CONCURRENCY: '4',
    },
  });
});
afterAll(() => h?.stop());

/** The vendors' bill in cents for the calls the sandbox answered. */
function vendorBill(stats: SandboxStats): { avm: number; review: number } {
  const calls = (name: keyof typeof PRICE) => stats.byProvider[name] ?? 0;
  return {
    avm: calls('avm-primary') * PRICE['avm-primary'] + calls('avm-secondary') * PRICE['avm-secondary'],
    review: calls('fraud-review') * PRICE['fraud-review'],
  };
}

interface Report {
  status: string;
  totals: { properties: number; failed: number };
  cost: { valuation: number; fraud: number; risk: number; total: number };
}

async function run(body: Record<string, unknown>) {
  const response = await h.post('/api/portfolio/analyze', { analysisType: 'comprehensive', properties, ...body });
  expect(response.status).toBe(202);
  const { jobId, estimatedCost } = (await response.json()) as { jobId: string; estimatedCost: number };
  const job = await h.waitForJob(jobId, 120_000);
  return { jobId, estimatedCost, job, report: await reportOf(jobId) };
}

async function reportOf(jobId: string): Promise<Report> {
  return ((await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as { results: Report }).results;
}

const cents = (dollars: number) => Math.round(dollars * 100);

async function redrive(jobId: string, body: Record<string, unknown>) {
  const response = await h.post(`/api/portfolio/jobs/${jobId}/redrive`, body);
  expect(response.status).toBe(202);
  return h.waitForJob(jobId, 120_000);
}

describe('a cascade-heavy comprehensive job', () => {
  let jobId: string;
  let billed: { avm: number; review: number };
  let analyzed: number;

  it('reports exactly what the vendors billed: each AVM answer at its price, each review', async () => {
    h.sandbox.reset();
    const outcome = await run({ portfolioId: 'heavy' });
    jobId = outcome.jobId;
    const stats = h.sandbox.stats();
    billed = vendorBill(stats);
    expect(stats.byProvider['avm-secondary']).toBeGreaterThan(properties.length * 0.4); // the cascade is heavy
    expect(outcome.job.status).toBe('completed');
    // A storage fault after the paid valuation failed some properties; they keep what they bought.
    expect(outcome.report.totals.failed).toBeGreaterThan(0);
    expect(cents(outcome.report.cost.valuation)).toBe(billed.avm);
    expect(cents(outcome.report.cost.fraud)).toBe(billed.review);
    analyzed = outcome.report.totals.properties - outcome.report.totals.failed;
    expect(cents(outcome.report.cost.risk)).toBe(analyzed * RISK_CENTS);
    expect(cents(outcome.job.cost.actual)).toBe(billed.avm + billed.review + analyzed * RISK_CENTS);
    expect(outcome.job.cost.actual).toBeLessThanOrEqual(outcome.estimatedCost);
  });

  it('is redriven: the failed properties reuse the valuation they paid for, nothing is bought twice', async () => {
    const failed = (await (
      await h.get(`/api/portfolio/jobs/${jobId}/properties?filter=failed&pageSize=1000`)
    ).json()) as { properties: Array<{ error: { code: string; transient: boolean }; cost: { valuation: number } }> };
    expect(failed.properties.every((p) => p.error.code === 'STORAGE_ERROR' && p.error.transient)).toBe(true);
    expect(failed.properties.every((p) => p.cost.valuation > 0)).toBe(true);

    // Requests that cannot be redriven change nothing.
    const refused = async (path: string, body: unknown, status: number) =>
      expect((await h.post(path, body)).status).toBe(status);
    await refused(`/api/portfolio/jobs/${jobId}/redrive`, { include: 'everything' }, 400);
    await refused(`/api/portfolio/jobs/${jobId}/redrive`, { budget: 0.01 }, 400); // below what it spent
    await refused('/api/portfolio/jobs/job-unknown/redrive', {}, 404);

    const avmCallsBefore = h.sandbox.stats().byProvider;
    const job = await redrive(jobId, {});
    const stats = h.sandbox.stats();
    expect(job).toMatchObject({ status: 'completed', progress: { processed: 300, failed: 0 } });
    expect(stats.byProvider['avm-primary']).toBe(avmCallsBefore['avm-primary']);
    expect(stats.byProvider['avm-secondary']).toBe(avmCallsBefore['avm-secondary']);
    const bill = vendorBill(stats);
    const report = await reportOf(jobId);
    expect(report.totals).toMatchObject({ properties: 300, failed: 0 });
    expect(cents(report.cost.valuation)).toBe(bill.avm);
    expect(cents(report.cost.fraud)).toBe(bill.review);
    expect(cents(job.cost.actual)).toBe(bill.avm + bill.review + 300 * RISK_CENTS);
  });
});

describe('a budget', () => {
  it('with allowPartial, is never passed by the bill', async () => {
    h.sandbox.reset();
    const { job, report, jobId } = await run({ portfolioId: 'tight', budget: 5, allowPartial: true });
    const bill = vendorBill(h.sandbox.stats());
    expect(job.status).toBe('budget_exceeded');
    expect(job.progress.processed).toBeGreaterThan(0);
    expect(job.progress.processed).toBeLessThan(300);
    expect(bill.avm + bill.review + cents(report.cost.risk)).toBeLessThanOrEqual(500);
    expect(cents(job.cost.actual)).toBe(bill.avm + bill.review + cents(report.cost.risk));
    const left = 300 - job.progress.processed;

    // A redrive of its failed properties only (the default), under a budget that covers them, leaves what the
    // budget left: it is told so at once, and the job still reads budget_exceeded, saying how many are left and
    // how to analyse them, never completed.
    const failedOnly = await h.post(`/api/portfolio/jobs/${jobId}/redrive`, { budget: 40 });
    expect(failedOnly.status).toBe(202);
    expect(((await failedOnly.json()) as { message: string }).message).toMatch(
      new RegExp(`${left} properties have no result.*ends budget_exceeded again.*failed-and-left`),
    );
    const short = await h.waitForJob(jobId, 120_000);
    expect(short).toMatchObject({ status: 'budget_exceeded', progress: { processed: job.progress.processed } });
    expect(short.statusReason).toMatch(
      new RegExp(`^${left} of 300 properties are still without a result.*include "failed-and-left"`),
    );
    expect((await reportOf(jobId)).status).toBe('budget_exceeded');

    // A redrive with a budget that covers the rest analyses what the budget left, buying nothing twice.
    const after = await redrive(jobId, { include: 'failed-and-left', budget: 40 });
    expect(after).not.toHaveProperty('statusReason');
    const stats = h.sandbox.stats();
    // Properties analysed for the first time meet the chaos switch as in any first analysis.
    expect(after).toMatchObject({ status: 'completed', progress: { processed: 300 } });
    expect(stats.byProvider['avm-primary']).toBeLessThanOrEqual(300);
    expect(stats.byProvider['avm-secondary']).toBeLessThanOrEqual(300);
    const total = vendorBill(stats);
    const redriven = await reportOf(jobId);
    expect(cents(redriven.cost.valuation)).toBe(total.avm);
    expect(cents(redriven.cost.fraud)).toBe(total.review);
    expect(cents(redriven.cost.risk)).toBe((300 - after.progress.failed) * RISK_CENTS);
    expect(cents(after.cost.actual)).toBe(cents(redriven.cost.total));
  });

  it('equal to what the job really costs (well under the estimate) analyses nearly all of it', async () => {
    // The same 300 properties again, priced by a run without a budget: the job's real cost.
    h.sandbox.reset();
    const free = await run({ portfolioId: 'priced' });
    const realCost = free.job.cost.actual;
    console.log(
      `real cost $${realCost.toFixed(2)} of the $${free.estimatedCost.toFixed(2)} estimate (${((realCost / free.estimatedCost) * 100).toFixed(1)}%)`,
    );
    h.sandbox.reset();
    const { job } = await run({ portfolioId: 'at-cost', budget: realCost, allowPartial: true });
    const bill = vendorBill(h.sandbox.stats());
    console.log(
      `budget $${realCost.toFixed(2)}: ${job.progress.processed} of 300 analysed, billed $${job.cost.actual}`,
    );
    expect(bill.avm + bill.review).toBeLessThanOrEqual(cents(realCost));
    expect(job.cost.actual).toBeLessThanOrEqual(realCost);
    // Reservations hold each chunk's worst case, but a waiting lane gets the budget its siblings release.
    expect(job.progress.processed).toBeGreaterThanOrEqual(285);
  });
});
