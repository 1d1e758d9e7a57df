// A job whose run failed before it could write its end (the job document still says processing; only the failed
// root says failed), on the real stack: the daily task hub purge (issue 15) must leave it reading failed, with its
// error, once it has removed that root; a redrive must take it as the failed job it is and end it truthfully.
// Its own app and task hub: the purge here keeps no history (PURGE_RETENTION_DAYS=0), which no other test file's
// jobs should meet.
import { readFileSync } from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDocumentFor } from '../../../src/activities/open-job.ts';
import type { JobView, RedriveAccepted } from '../../../src/api/answers.ts';
import { stageProperties } from '../../../src/jobs/chunk-stager.ts';
import { propertySchema } from '../../../src/domain/schemas.ts';
import { BlobStaging } from '../../../src/storage/blob-staging.ts';
import type { JobSpec } from '../../../src/workflow.ts';
import { REPO_ROOT, startPipeline, type PipelineHarness } from './harness.ts';

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline({ env: { PURGE_RETENTION_DAYS: '0' } });
});
afterAll(() => h?.stop());

const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: unknown[];
};
const durable = (path: string) => `${h.url}/runtime/webhooks/durabletask/${path}`;
const jobOf = async (jobId: string) =>
  ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
const failedJobIds = async () =>
  ((await (await h.get('/api/portfolio/jobs?status=failed')).json()) as { jobs: JobView[] }).jobs.map((j) => j.jobId);

/**
 * Makes `spec`'s job as a run leaves it that opened its job (processing) and then failed before writing its end:
 * its document says processing, and its root, started as the app starts it, failed because its jobRun failed at
 * once (its run options carry no price table). Answers the job as GET /jobs/{id} shows it then.
 */
async function jobWhoseRunFailed(spec: JobSpec): Promise<JobView> {
  expect((await h.get('/api/portfolio/jobs')).status).toBe(200); // the app creates its containers
  await h.database.container('jobs').items.create(jobDocumentFor(spec, 'processing', new Date()));
  const input = { job: spec, options: { lanes: 1, maxFailureRate: 0.1, retryPasses: 0 }, run: { kind: 'analysis' } };
  const started = await fetch(durable(`orchestrators/portfolioAnalysis/${spec.jobId}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(started.status).toBe(202);
  const failed = await h.waitForJob(spec.jobId, 60_000);
  expect(failed.status).toBe('failed');
  expect(failed.error).toMatch(/^The job orchestration failed: .*jobRun/);
  return failed;
}

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
    const before = await jobWhoseRunFailed(spec);
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

// After the purge's test: its purge (retention 0) must not meet this job, whose runs the test follows.
describe('a redrive of a job whose run failed before writing its end', () => {
  const jobId = 'job-run-failed-redriven';
  const redrive = async (body: Record<string, unknown>) => {
    const response = await h.post(`/api/portfolio/jobs/${jobId}/redrive`, body);
    expect(response.status).toBe(202);
    return (await response.json()) as RedriveAccepted;
  };

  it('ends it as the failed job it reads (never 409 "processing"), and says and does what each include mode does with the properties it never reached', async () => {
    const schema = propertySchema({ asOf: new Date() });
    const properties = sample.properties.slice(0, 20).map((p) => schema.parse(p));
    const staging = new BlobStaging({
      serviceClient: BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!),
      containerName: h.env.STAGING_CONTAINER!,
    });
    const tape = await stageProperties(staging, jobId, properties, 10);
    await jobWhoseRunFailed({
      jobId,
      portfolioId: 'redrive-failed',
      analysisType: 'valuation',
      totalProperties: 20,
      chunkCount: tape.chunkCount,
      chunkSize: 10,
      estimatedCents: 80,
      allowPartial: false,
      stagingId: tape.stagingId,
      asOf: new Date().toISOString(),
    });

    // include failed (the default): its properties have no result, none failed; it is told so at once...
    const first = await redrive({});
    expect(first.message).toMatch(/20 properties have no result/);
    expect(first.message).toMatch(/failed-and-left/);
    // ...and the run ends failed again, saying how many are still without a result and how to analyse them.
    const failed = await h.waitForJob(jobId);
    expect(failed).toMatchObject({ status: 'failed', progress: { processed: 0, failed: 0 } });
    expect(failed.error).toMatch(/^20 of 20 properties are still without a result.*include "failed-and-left"/);
    expect(await failedJobIds()).toContain(jobId);

    // include failed-and-left analyses them: the job completes, without the earlier run's error.
    const second = await redrive({ include: 'failed-and-left' });
    expect(second.message).toMatch(/the 20 properties left without a result/);
    const completed = await h.waitForJob(jobId);
    expect(completed).toMatchObject({ status: 'completed', progress: { total: 20, processed: 20 } });
    expect(completed).not.toHaveProperty('error');
    expect(completed).not.toHaveProperty('statusReason');
    expect((await h.get(`/api/portfolio/jobs/${jobId}/results`)).status).toBe(200);
  });

  it('is refused (409) while the job runs, writing nothing', async () => {
    h.sandbox.hold();
    const submitted = await h.post('/api/portfolio/analyze', {
      portfolioId: 'redrive-running',
      analysisType: 'valuation',
      // Properties no other job valued: none is answered from the valuation cache, each waits on the sandbox.
      properties: sample.properties.slice(100, 105),
    });
    expect(submitted.status).toBe(202);
    const { jobId: running } = (await submitted.json()) as { jobId: string };
    while (h.sandbox.stats().pending === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await h.post(`/api/portfolio/jobs/${running}/redrive`, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe(
      'The job is processing; redrive it once it has finished.',
    );
    h.sandbox.release();
    expect(await h.waitForJob(running)).toMatchObject({ status: 'completed', progress: { processed: 5 } });
    const { resource } = await h.database.container('jobs').item(running, running).read<{ redrives?: number }>();
    expect(resource?.redrives).toBeUndefined();
  });
});
