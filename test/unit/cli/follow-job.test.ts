// The CLI keeps following a job through a moment of 503s (a storage call of the app timing out under load
// ended a 100,000-property benchmark's follower): it waits each answer's Retry-After, then reads on; other
// refusals end the follow at once. The server here speaks the API's contract
// (the job view as src/jobs/job-view.ts builds it); the client is the CLI's own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../cli/api-client.ts';
import { followJob } from '../../../cli/follow-job.ts';
import { initialProgress } from '../../../src/domain/job-progress.ts';
import { jobView } from '../../../src/jobs/job-view.ts';

const finished = jobView(
  {
    id: 'job-1',
    portfolioId: 'PF-1',
    analysisType: 'risk',
    status: 'completed',
    totalProperties: 10,
    estimatedCost: 0.1,
    createdAt: '2026-11-24T10:00:00.000Z',
    endTime: '2026-11-24T10:01:00.000Z',
  },
  initialProgress({ jobId: 'job-1', total: 10, chunkCount: 1, estimatedCents: 10, startTime: 'T' }),
  'Completed',
);

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** An API that answers the first `outages` reads 503 with Retry-After: 0, then `status` with the finished job. */
async function apiWithOutages(outages: number, status = 200): Promise<{ url: string; reads: () => number }> {
  let reads = 0;
  server = createServer((request, response) => {
    reads++;
    response.setHeader('content-type', 'application/json');
    if (reads <= outages) {
      response.writeHead(503, { 'retry-after': '0' });
      response.end(JSON.stringify({ success: false, error: 'storage is down', correlationId: 'c-1' }));
      return;
    }
    if (status !== 200) {
      response.writeHead(status);
      response.end(JSON.stringify({ success: false, error: `Job 'job-1' not found.` }));
      return;
    }
    response.end(JSON.stringify({ success: true, job: finished }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reads: () => reads };
}

describe('followJob', () => {
  it('reads on after a 503 and its Retry-After', async () => {
    const api = await apiWithOutages(2);
    const job = await followJob(createApiClient({ baseUrl: api.url }), 'job-1', { pollIntervalMs: 10 });
    expect(job.status).toBe('completed');
    expect(api.reads()).toBe(3);
  });

  it('does not try a 404 again: the job is not there', async () => {
    const api = await apiWithOutages(0, 404);
    const follow = followJob(createApiClient({ baseUrl: api.url }), 'job-1', { pollIntervalMs: 10 });
    await expect(follow).rejects.toMatchObject({ name: 'ApiError', status: 404 });
    expect(api.reads()).toBe(1);
  });
});
