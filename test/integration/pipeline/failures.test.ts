// Provider failures end to end: with 10% of sandbox answers failing and retries off, the job completes
// and exactly the properties whose valuation failed are failed, counted and reported.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({
    sandbox: { failureRate: 0.1, seed: 11 },
    env: { AVM_MAX_RETRIES: '0', AVM_CASCADE: 'avm-primary' },
  });
});
afterAll(() => h?.stop());

describe('sandbox failures at 10%', () => {
  it('leave the job completed with those properties failed and counted', async () => {
    const response = await h.post('/api/portfolio/analyze', {
      portfolioId: 'flaky',
      analysisType: 'valuation',
      properties: sample.properties.slice(0, 500),
    });
    const { jobId } = (await response.json()) as { jobId: string };
    const job = await h.waitForJob(jobId, 120_000);
    const stats = (await (await fetch(`${h.sandbox.url}/stats`)).json()) as { calls: number; failed503: number };
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ processed: 500, failed: stats.failed503 });
    expect(stats.failed503 / (stats.calls + stats.failed503)).toBeGreaterThan(0.05);
    expect(stats.failed503 / (stats.calls + stats.failed503)).toBeLessThan(0.15);
    const failed = (await (
      await h.get(`/api/portfolio/jobs/${jobId}/properties?filter=failed&pageSize=1000`)
    ).json()) as { properties: Array<{ status: string; error: { code: string } }> };
    expect(failed.properties).toHaveLength(job.progress.failed);
    expect(failed.properties.every((p) => p.status === 'failed' && p.error.code === 'AVM_UNAVAILABLE')).toBe(true);
    const report = (await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as {
      results: { totals: { failed: number; failureRate: number } };
    };
    expect(report.results.totals.failed).toBe(job.progress.failed);
  });
});
