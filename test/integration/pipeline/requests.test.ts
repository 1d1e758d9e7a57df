// Unambiguous requests and one error boundary, end to end (issue 11.4, 11.6, 11.7): query parameters beside
// a JSON body, Idempotency-Key reuse (422), `?code=` on every route, continuation tokens, the error
// boundary's answers, and a portfolio's revaluation on demand. The app runs with a master key, as a
// Functions host with function keys does, so every call here carries `?code=`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const KEY = 'requests-test-key';
const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  properties: Array<Record<string, unknown>>;
};
const sampleCsv = readFileSync(`${REPO_ROOT}examples/portfolio-1000.csv`, 'utf8').trimEnd().split('\n');
const csvOf = (n: number) => `${sampleCsv.slice(0, n + 1).join('\n')}\n`;
const request = (n: number, portfolioId: string, extra: Record<string, unknown> = {}) => ({
  portfolioId,
  analysisType: 'valuation',
  properties: sample.properties.slice(0, n),
  ...extra,
});

interface ErrorAnswer {
  success: false;
  error: string;
  errors?: Array<{ path: string; message: string }>;
  correlationId?: string;
  jobId?: string;
}

let h: PipelineHarness;

/** `path` with the function key appended, as a portal that uses `?code=` sends it. */
const withCode = (path: string) => `${path}${path.includes('?') ? '&' : '?'}code=${KEY}`;
const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${withCode(path)}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body }),
  });
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', path, JSON.stringify(body), headers);
const postCsv = (path: string, csv: string, headers: Record<string, string> = {}) =>
  call('POST', path, csv, { 'content-type': 'text/csv', ...headers });
const get = (path: string) => call('GET', path);
const jobs = () => h.database.container('jobs');
const jobCount = async () =>
  (await jobs().items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0] ?? 0;

beforeAll(async () => {
  h = await startPipeline({ masterKey: KEY, env: { CHUNK_SIZE: '10' } });
});
afterAll(async () => {
  await h?.stop();
});

describe('query parameters beside a JSON body', () => {
  it('refuses one that conflicts with the body with a 400 naming both, and starts nothing', async () => {
    await get('/api/portfolio/jobs'); // the app's storage exists before counting
    const before = await jobCount();
    const response = await postJson('/api/portfolio/analyze?analysisType=risk', request(3, 'q-conflict'));
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorAnswer;
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]?.path).toBe('query.analysisType');
    expect(answer.errors?.[0]?.message).toMatch(/'risk' conflicts with analysisType "valuation" in the JSON body/);
    expect(await jobCount()).toBe(before);
  });

  it('refuses a request field the body lacks, an unknown parameter, and one that repeats the body', async () => {
    const body = request(3, 'q-other');
    delete (body as { analysisType?: string }).analysisType;
    const response = await postJson('/api/portfolio/analyze?analysisType=risk&colour=blue&portfolioId=q-other', body);
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as ErrorAnswer;
    expect(errors?.map((e) => e.path).sort()).toEqual(['query.analysisType', 'query.colour', 'query.portfolioId']);
    expect(errors?.find((e) => e.path === 'query.analysisType')?.message).toMatch(
      /move analysisType into the JSON body/,
    );
    expect(errors?.find((e) => e.path === 'query.colour')?.message).toMatch(/unknown query parameter/);
    expect(errors?.find((e) => e.path === 'query.portfolioId')?.message).toMatch(/repeats portfolioId "q-other"/);
  });

  it('does the same on /estimate, and refuses a CSV upload field given twice', async () => {
    const estimate = await postJson('/api/portfolio/estimate?budget=5', request(3, 'q-estimate'));
    expect(estimate.status).toBe(400);
    expect(((await estimate.json()) as ErrorAnswer).errors?.[0]?.path).toBe('query.budget');
    const twice = await postCsv(
      '/api/portfolio/analyze?portfolioId=q-csv&analysisType=risk&analysisType=valuation',
      csvOf(3),
    );
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as ErrorAnswer).errors).toEqual([
      { path: 'query.analysisType', message: 'given 2 times; give it once' },
    ]);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same job for the same request, also sent as CSV, and 422 naming it for another request', async () => {
    const key = { 'idempotency-key': 'requests-order-1' };
    const first = await postJson('/api/portfolio/analyze', request(5, 'idem-book'), key);
    expect(first.status).toBe(202);
    const { jobId } = (await first.json()) as { jobId: string };

    const again = await postJson('/api/portfolio/analyze', request(5, 'idem-book'), key);
    expect(again.status).toBe(202);
    expect(((await again.json()) as { jobId: string }).jobId).toBe(jobId);
    // The same request normalised: as CSV with its fields in the query string, and with a default spelled out.
    const asCsv = await postCsv('/api/portfolio/analyze?portfolioId=idem-book&analysisType=valuation', csvOf(5), key);
    expect(asCsv.status).toBe(202);
    expect(((await asCsv.json()) as { jobId: string }).jobId).toBe(jobId);
    const spelledOut = await postJson('/api/portfolio/analyze', request(5, 'idem-book', { allowPartial: false }), key);
    expect(((await spelledOut.json()) as { jobId: string }).jobId).toBe(jobId);

    const before = await jobCount();
    for (const other of [
      request(5, 'idem-book', { analysisType: 'comprehensive' }),
      request(6, 'idem-book'),
      request(5, 'another-book'),
      request(5, 'idem-book', { budget: 100 }),
    ]) {
      const reused = await postJson('/api/portfolio/analyze', other, key);
      expect(reused.status).toBe(422);
      const answer = (await reused.json()) as ErrorAnswer;
      expect(answer.jobId).toBe(jobId);
      expect(answer.error).toContain(`already used for job ${jobId} (portfolio 'idem-book') with a different request`);
    }
    expect(await jobCount()).toBe(before);
    await h.waitForJob(jobId);
  });
});

describe('?code= on every route', () => {
  it('is accepted wherever the Functions host passes it through', async () => {
    const csv = await postCsv('/api/portfolio/analyze?portfolioId=code-book&analysisType=valuation', csvOf(4));
    expect(csv.status).toBe(202);
    const { jobId } = (await csv.json()) as { jobId: string };
    const estimate = await postCsv('/api/portfolio/estimate?portfolioId=code-book&analysisType=risk', csvOf(4));
    expect(estimate.status).toBe(200);
    expect((await postJson('/api/portfolio/estimate', request(4, 'code-book'))).status).toBe(200);
    await h.waitForJob(jobId);
    for (const path of [
      `/api/portfolio/jobs/${jobId}`,
      `/api/portfolio/jobs/${jobId}/results`,
      `/api/portfolio/jobs/${jobId}/properties?filter=all&pageSize=2`,
      `/api/portfolio/jobs/${jobId}/properties/${String(sample.properties[0]?.propertyId)}`,
      '/api/portfolio/jobs?portfolioId=code-book&pageSize=5',
      '/api/openapi.json',
    ])
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    const put = await call(
      'PUT',
      '/api/portfolios/code-book',
      JSON.stringify({ properties: sample.properties.slice(0, 2) }),
    );
    expect(put.status).toBe(200);
    for (const path of ['/api/portfolios/code-book', '/api/portfolios/code-book/trends'])
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    expect((await fetch(`${h.url}/api/portfolio/jobs/${jobId}`)).status).toBe(401); // the key is really required
  });
});

describe('continuation tokens', () => {
  let jobId: string;
  let token: string;
  beforeAll(async () => {
    const response = await postJson('/api/portfolio/analyze', request(12, 'token-book'));
    jobId = ((await response.json()) as { jobId: string }).jobId;
    await h.waitForJob(jobId);
    const page = (await (await get(`/api/portfolio/jobs/${jobId}/properties?pageSize=5`)).json()) as {
      continuationToken: string;
    };
    token = page.continuationToken;
    expect(token).toBeTruthy();
  });

  const malformed = () => {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString()) as { q: string; t: string; s: string };
    const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    return [
      ['garbage', 'not-a-token'],
      ['base64 of something else', Buffer.from('{"page":2}').toString('base64url')],
      ['one character changed', flipped],
      ['a forged store token', Buffer.from(JSON.stringify({ ...decoded, t: `${decoded.t}x` })).toString('base64url')],
      ['a token with junk appended', `${token}!!`],
    ] as const;
  };

  it('pages through every property with the tokens handed out', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = (await (
        await get(
          `/api/portfolio/jobs/${jobId}/properties?pageSize=5${next ? `&continuationToken=${encodeURIComponent(next)}` : ''}`,
        )
      ).json()) as { properties: Array<{ propertyId: string }>; continuationToken?: string };
      seen.push(...page.properties.map((p) => p.propertyId));
      next = page.continuationToken;
    } while (next);
    expect(seen.sort()).toEqual(
      sample.properties
        .slice(0, 12)
        .map((p) => String(p.propertyId))
        .sort(),
    );
  });

  it('answers 400 naming the fix for a malformed or altered token, never a 500 or page 1', async () => {
    for (const [name, bad] of malformed()) {
      for (const path of [
        `/api/portfolio/jobs/${jobId}/properties?pageSize=5&continuationToken=${encodeURIComponent(bad)}`,
        `/api/portfolio/jobs?pageSize=1&continuationToken=${encodeURIComponent(bad)}`,
      ]) {
        const response = await get(path);
        expect({ name, path, status: response.status }).toEqual({ name, path, status: 400 });
        const answer = (await response.json()) as ErrorAnswer;
        expect(answer.error).toMatch(/continuationToken.*request the first page again without it/);
      }
    }
  });

  it("answers 400 for another query's token: another filter, another job, the jobs list", async () => {
    const other = (await (await postJson('/api/portfolio/analyze', request(2, 'token-other'))).json()) as {
      jobId: string;
    };
    await h.waitForJob(other.jobId);
    const jobsPage = (await (await get('/api/portfolio/jobs?pageSize=1')).json()) as { continuationToken: string };
    for (const path of [
      `/api/portfolio/jobs/${jobId}/properties?pageSize=5&filter=failed&continuationToken=${encodeURIComponent(token)}`,
      `/api/portfolio/jobs/${other.jobId}/properties?pageSize=5&continuationToken=${encodeURIComponent(token)}`,
      `/api/portfolio/jobs?pageSize=1&continuationToken=${encodeURIComponent(token)}`,
      `/api/portfolio/jobs?pageSize=1&portfolioId=token-book&continuationToken=${encodeURIComponent(jobsPage.continuationToken)}`,
    ])
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 400 });
  });
});

describe('the error boundary', () => {
  it('answers an unexpected failure with a JSON 500 that carries a correlation id and nothing internal', async () => {
    // A job document this version cannot read (as one written by a future version would be).
    await jobs().items.create({ id: 'job-unreadable', portfolioId: 'x', status: 'sideways' });
    const response = await get('/api/portfolio/jobs/job-unreadable');
    expect(response.status).toBe(500);
    const answer = (await response.json()) as ErrorAnswer;
    expect(answer.correlationId).toMatch(/\S{8,}/);
    expect(response.headers.get('x-correlation-id')).toBe(answer.correlationId);
    expect(answer.error).toBe(`Internal error. Quote correlation id ${answer.correlationId} when reporting it.`);
    expect(JSON.stringify(answer)).not.toMatch(/sideways|Stored document|at |\.ts/);
    await jobs().item('job-unreadable', 'job-unreadable').delete();
  });

  it('answers a registered portfolio whose stored properties are gone with a 404 naming the fix', async () => {
    const put = await call(
      'PUT',
      '/api/portfolios/lost-book',
      JSON.stringify({ properties: sample.properties.slice(0, 2) }),
    );
    expect(put.status).toBe(200);
    const { portfolio } = (await put.json()) as { portfolio: { source: { blobName: string } } };
    // The app's staging container: the harness's own where the app reads STAGING_CONTAINER, else the default.
    const blobs = BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!);
    const deleted = await Promise.all(
      [h.env.STAGING_CONTAINER!, 'portfolio-staging'].map(
        async (name) =>
          (await blobs.getContainerClient(name).exists()) &&
          (await blobs
            .getContainerClient(name)
            .deleteBlob(portfolio.source.blobName)
            .then(
              () => true,
              () => false,
            )),
      ),
    );
    expect(deleted).toContain(true);
    const response = await call('POST', '/api/portfolios/lost-book/revalue');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorAnswer).error).toMatch(/is missing .*submit the portfolio again/);
  });
});

describe('revaluation on demand', () => {
  it("starts the portfolio's nightly run for today, once: a second call answers the same job", async () => {
    const put = await call(
      'PUT',
      '/api/portfolios/reval-book',
      JSON.stringify({ analysisType: 'valuation', properties: sample.properties.slice(0, 8) }),
    );
    expect(put.status).toBe(200);
    const runDate = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const first = await call('POST', '/api/portfolios/reval-book/revalue');
    expect(first.status).toBe(202);
    const started = (await first.json()) as { jobId: string; runDate: string; message: string };
    // The nightly timer's id for today, so the night's run (or a second click) starts nothing new.
    expect(started.jobId).toBe(`nightly-reval-book-${runDate}`);
    expect(started.runDate).toBe(runDate);
    expect(first.headers.get('location')).toContain(`/api/portfolio/jobs/${started.jobId}`);
    const second = await call('POST', '/api/portfolios/reval-book/revalue');
    expect(second.status).toBe(202);
    const again = (await second.json()) as { jobId: string; message: string };
    expect(again.jobId).toBe(started.jobId);
    expect(again.message).toMatch(/already has its revaluation/);
    const job = await h.waitForJob(started.jobId);
    expect(job.status).toBe('completed');
    expect(job.progress.processed).toBe(8);
    const third = (await (await call('POST', '/api/portfolios/reval-book/revalue')).json()) as { jobId: string };
    expect(third.jobId).toBe(started.jobId);
    const listed = (await (await get('/api/portfolio/jobs?portfolioId=reval-book')).json()) as {
      jobs: Array<{ jobId: string }>;
    };
    expect(listed.jobs.map((j) => j.jobId)).toEqual([started.jobId]);
  });

  it('answers 404 naming the fix for a portfolio that is not registered', async () => {
    const response = await call('POST', '/api/portfolios/never-registered/revalue');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorAnswer).error).toMatch(
      /register it with PUT \/api\/portfolios\/never-registered/,
    );
  });
});
