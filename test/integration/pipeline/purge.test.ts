// The daily task hub purge (issue 15) on the real stack: a job whose run failed before it could write its end
// (the job document still says processing; only the failed root says failed) must still read failed, with its
// error, once the purge has removed that root. Its own app and task hub: the purge here keeps no history
// (PURGE_RETENTION_DAYS=0), which no other test file's jobs should meet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDocumentFor } from '../../../src/activities/open-job.ts';
import type { JobView } from '../../../src/api/answers.ts';
import type { JobSpec } from '../../../src/workflow.ts';
import { startPipeline, type PipelineHarness } from './harness.ts';

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({ env: { PURGE_RETENTION_DAYS: '0' } });
});
afterAll(() => h?.stop());

const durable = (path: string) => `${h.url}/runtime/webhooks/durabletask/${path}`;
const jobOf = async (jobId: string) =>
  ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
const failedJobIds = async () =>
  ((await (await h.get('/api/portfolio/jobs?status=failed')).json()) as { jobs: JobView[] }).jobs.map((j) => j.jobId);

describe('the task hub purge of a job whose run failed before writing its end', () => {
  it('writes that end first: the job still reads failed, with its error, and the failed filter lists it', async () => {
    const jobId = 'job-run-failed';
    const spec: JobSpec = {
      jobId,
      portfolioId: 'purge-failed',
      analysisType: 'valuation',
      totalProperties: 20,
      chunkCount: 2,
      chunkSize: 10,
      estimatedCents: 80,
      allowPartial: false,
      asOf: new Date().toISOString(),
    };
    // The state a run leaves that opened its job (processing) and then failed: its document says processing.
    expect((await h.get('/api/portfolio/jobs')).status).toBe(200); // the app creates its containers
    await h.database.container('jobs').items.create(jobDocumentFor(spec, 'processing', new Date()));
    // The root, started as the app starts it, whose jobRun fails at once: its run options carry no price table.
    const input = { job: spec, options: { lanes: 1, maxFailureRate: 0.1, retryPasses: 0 }, run: { kind: 'analysis' } };
    const started = await fetch(durable(`orchestrators/portfolioAnalysis/${jobId}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    expect(started.status).toBe(202);
    const before = await h.waitForJob(jobId, 60_000);
    expect(before.status).toBe('failed');
    expect(before.error).toMatch(/^The job orchestration failed: .*jobRun/);
    expect(await failedJobIds()).toContain(jobId);

    const purged = await fetch(`${h.url}/admin/functions/purgeHistory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(purged.status).toBe(202);
    expect((await fetch(durable(`instances/${jobId}`))).status).toBe(404);

    const after = await jobOf(jobId);
    expect(typeof after.endTime).toBe('string');
    expect(after).toEqual({ ...before, endTime: after.endTime });
    expect(after).not.toHaveProperty('estimatedTimeRemaining');
    expect(await failedJobIds()).toContain(jobId);
    // Idempotent: a second purge finds nothing of the job and changes nothing.
    await fetch(`${h.url}/admin/functions/purgeHistory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(await jobOf(jobId)).toEqual(after);
  });
});
