// Job control end to end: bad input changes nothing, Idempotency-Key, cancel, budget, partial runs.
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { PortfolioReport } from '../../../src/domain/report.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';
import { itAnswersAsDocumented } from '../../openapi-answers.ts';

const execFileAsync = promisify(execFile);
const sample = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
  portfolioId: string;
  analysisType: string;
  properties: Array<Record<string, unknown>>;
};
const small = (n: number, portfolioId = 'control') => ({
  portfolioId,
  analysisType: 'comprehensive',
  properties: sample.properties.slice(0, n),
});

let h: PipelineHarness;
beforeAll(async () => {
  // A slow sandbox so that cancel arrives while chunks are still to run.
  h = await startPipeline({
    sandbox: { latencyInMs: 20 },
    env: { CHUNK_SIZE: '50', MAX_CONCURRENT_CHUNKS: '2', PROPERTY_CONCURRENCY: '4', MAX_REQUEST_MB: '2' },
  });
});
afterAll(async () => {
  await h?.stop();
});

async function jobCount(): Promise<number> {
  const { resources } = await h.database
    .container('jobs')
    .items.query<number>('SELECT VALUE COUNT(1) FROM c')
    .fetchAll()
    .catch(() => ({ resources: [0] }));
  return resources[0] ?? 0;
}

/** Blobs in the container the app stages into (its STAGING_CONTAINER setting, one per test file). */
async function stagedBlobs(): Promise<number> {
  const container = BlobServiceClient.fromConnectionString(h.env.AzureWebJobsStorage!).getContainerClient(
    h.env.STAGING_CONTAINER!,
  );
  if (!(await container.exists())) return 0;
  let n = 0;
  for await (const _ of container.listBlobsFlat()) n++;
  return n;
}

/**
 * POSTs `declaredBytes` of content-length and writes only `sentBytes` of it, then answers the status and
 * content type from the response headers: a server that refuses on the header answers before the body is in.
 */
function postDeclaring(declaredBytes: number, sentBytes: number): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${h.url}/api/portfolio/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes) },
    });
    request.once('response', (response) => {
      resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']) });
      request.destroy();
    });
    // The server may close the connection while the body is still being written: the answer is what counts.
    request.once('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.write(Buffer.alloc(sentBytes, 0x20));
    if (sentBytes === declaredBytes) request.end();
  });
}

describe('bad input', () => {
  const duplicate = { ...sample.properties[0] };
  const corpus: Array<[string, string | object, number, Record<string, string>?]> = [
    ['malformed JSON', '{"portfolioId": "p", "properties": [', 400],
    ['empty body', '', 400],
    ['a JSON array', '[]', 400],
    ['wrong types', { portfolioId: 42, analysisType: 'comprehensive', properties: 'many' }, 400],
    ['unknown analysis type', { ...small(1), analysisType: 'everything' }, 400],
    ['unknown top-level field', { ...small(1), priorityLane: 'vip' }, 400],
    [
      'unknown property field',
      { ...small(0), properties: [{ ...sample.properties[0], ownerSsn: '123-45-6789' }] },
      400,
    ],
    ['duplicate propertyIds', { ...small(0), properties: [duplicate, duplicate] }, 400],
    ['no properties', small(0), 400],
    ['negative loan balance', { ...small(0), properties: [{ ...sample.properties[0], loan: { balance: -1 } }] }, 400],
    [
      'a date in the future',
      { ...small(0), properties: [{ ...sample.properties[0], lastAppraisalDate: '2999-01-01' }] },
      400,
    ],
    ['a hostile id', { ...small(1), portfolioId: '../../etc/passwd' }, 400],
    [
      'a script in a string',
      { ...small(0), properties: [{ ...sample.properties[0], address: `<script>${'x'.repeat(300)}</script>` }] },
      400,
    ],
    ['a huge number', { ...small(0), properties: [{ ...sample.properties[0], lastAppraisedValue: 1e300 }] }, 400],
    ['a bad Idempotency-Key', small(1), 400, { 'idempotency-key': 'k'.repeat(500) }],
    ['a bad CSV', 'propertyId,address\nP1,1 Main St\n', 400, { 'content-type': 'text/csv' }],
  ];

  it.each(corpus)('%s: answers with field errors and creates nothing', async (_name, body, status, headers) => {
    const jobsBefore = await jobCount();
    const blobsBefore = await stagedBlobs();
    const response = await h.post('/api/portfolio/analyze', body, headers);
    expect(response.status).toBe(status);
    const answer = (await response.json()) as { success: boolean; errors?: Array<{ path: string; message: string }> };
    expect(answer.success).toBe(false);
    expect(answer.errors?.length).toBeGreaterThan(0);
    expect(await jobCount()).toBe(jobsBefore);
    expect(await stagedBlobs()).toBe(blobsBefore);
  });

  it('names the offending field', async () => {
    const response = await h.post('/api/portfolio/analyze', {
      ...small(0),
      properties: [sample.properties[0], { ...sample.properties[1], loan: { balance: -5 } }],
    });
    const { errors } = (await response.json()) as { errors: Array<{ path: string; message: string }> };
    expect(errors).toContainEqual(
      expect.objectContaining({
        path: 'properties[1].loan.balance',
        message: 'must be >= 0: write the amount in dollars without a minus sign (0 for none)',
      }),
    );
  });

  it('counts the container the app stages into: an accepted job adds a chunk and its shared identities', async () => {
    const blobsBefore = await stagedBlobs();
    const response = await h.post('/api/portfolio/analyze', small(20, 'staged'));
    expect(response.status).toBe(202);
    expect(await stagedBlobs()).toBe(blobsBefore + 2);
  });

  it("answers 413 beyond the app's MAX_REQUEST_MB (2 MB here) as a JSON error, creating nothing", async () => {
    const jobsBefore = await jobCount();
    const blobsBefore = await stagedBlobs();
    const answer = await postDeclaring(3 * 1024 * 1024, 3 * 1024 * 1024);
    expect(answer).toEqual({ status: 413, contentType: expect.stringContaining('application/json') as unknown });
    expect(await jobCount()).toBe(jobsBefore);
    expect(await stagedBlobs()).toBe(blobsBefore);
  });

  it("answers 413 from the header alone beyond the host's 100 MB body limit, creating nothing", async () => {
    const jobsBefore = await jobCount();
    const answer = await postDeclaring(200 * 1024 * 1024, 1024);
    expect(answer.status).toBe(413);
    expect(await jobCount()).toBe(jobsBefore);
  });
});

describe('Idempotency-Key', () => {
  it('gives one job for the same key twice', async () => {
    const first = await h.post('/api/portfolio/analyze', small(20, 'idem'), { 'idempotency-key': 'order-42' });
    const second = await h.post('/api/portfolio/analyze', small(20, 'idem'), { 'idempotency-key': 'order-42' });
    const a = (await first.json()) as { jobId: string };
    const b = (await second.json()) as { jobId: string };
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(b.jobId).toBe(a.jobId);
    await h.waitForJob(a.jobId);
  });
});

describe('cancel', () => {
  it('ends cancelled with a partial report', async () => {
    const response = await h.post('/api/portfolio/analyze', small(1000, 'cancel-me'));
    const { jobId } = (await response.json()) as { jobId: string };
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancel = await fetch(`${h.url}/api/portfolio/jobs/${jobId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);
    const job = await h.waitForJob(jobId, 120_000);
    expect(job.status).toBe('cancelled');
    expect(job.progress.processed).toBeLessThan(1000);
    const results = (await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as {
      results: PortfolioReport;
    };
    expect(results.results.status).toBe('cancelled');
    expect(results.results.totals.properties).toBe(job.progress.processed);
    expect(results.results.completeness).toEqual({
      status: 'cancelled',
      complete: false,
      submitted: 1000,
      processed: job.progress.processed,
      notProcessed: 1000 - job.progress.processed,
      note: expect.stringMatching(
        /^Partial report: the job was cancelled after [\d,]+ of 1,000 submitted properties/,
      ) as unknown,
    });
    expect((await fetch(`${h.url}/api/portfolio/jobs/${jobId}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('budget', () => {
  it('refuses a budget below the estimate with 422, starting nothing', async () => {
    const jobsBefore = await jobCount();
    const response = await h.post('/api/portfolio/analyze', { ...small(100, 'budget'), budget: 5 });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      success: false,
      estimatedCost: 10,
      budget: 5,
      errors: [
        {
          path: 'budget',
          message:
            'the estimated cost $10.00 exceeds the budget $5.00: raise the budget, or set allowPartial to analyse until the budget is spent',
        },
      ],
    });
    expect(await jobCount()).toBe(jobsBefore);
  });

  it('with allowPartial, stops at the budget: budget_exceeded, actual cost within it', async () => {
    // Valuations are cached across portfolios and a cached one costs nothing, so these 300 take a unit no other
    // test values: otherwise a fast run of the cancel test above leaves them cached and $10 covers all 300.
    const book = small(300, 'budget-partial');
    const response = await h.post('/api/portfolio/analyze', {
      ...book,
      properties: book.properties.map((property) => ({ ...property, unit: 'Budget 1' })),
      budget: 10,
      allowPartial: true,
    });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const job = await h.waitForJob(jobId, 120_000);
    expect(job.status).toBe('budget_exceeded');
    expect(job.cost.actual).toBeLessThanOrEqual(10);
    expect(job.progress.processed).toBeGreaterThan(0);
    expect(job.progress.processed).toBeLessThan(300);
  });
});

describe('the portfolio-analytics CLI', () => {
  // Asynchronous: the app runs in this process and must keep serving while the CLI waits for it.
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await execFileAsync(
        process.execPath,
        ['cli/bin/portfolio-analytics.js', ...args, '--url', h.url],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      );
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: `${e.stdout}${e.stderr}` };
    }
  };

  it('analyzes a CSV file, follows the job and writes the report', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'pa-cli-'));
    const csv = path.join(out, 'book.csv');
    writeFileSync(
      csv,
      readFileSync(`${REPO_ROOT}examples/portfolio-1000.csv`, 'utf8').split('\n').slice(0, 121).join('\n'),
    );
    const run = await cli('analyze', csv, '--type', 'risk', '--portfolio-id', 'cli-book', '--out', out);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/job job-\S+: Analysis of 120 properties started\. Estimated cost \$1\.20\./);
    expect(run.out).toContain('completed: 120/120 properties');
    expect(run.out).toContain('Risk tiers of the');
    expect(run.out).toContain('Properties without a loan (not in the loan tiers)');
    expect(run.out).toContain('Stress scenarios');
    expect(run.out).not.toContain('Partial report');
    const jobId = /job (job-\S+):/.exec(run.out)![1]!;
    const stress = await cli('stress', jobId, '--shock', '-0.15', '--state', 'TX=-0.3');
    expect(stress.code).toBe(0);
    expect(stress.out).toContain('values -15%; TX -30%');
    expect(stress.out).toContain('Tier migration under');
    const refused = await cli('stress', jobId, '--shock', '-2');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('body.scenarios[0].shock: must be >= -0.99');
    const report = readdirSync(out).find((f) => f.startsWith('report-'));
    expect(report).toBeDefined();
    const written = JSON.parse(readFileSync(path.join(out, report!), 'utf8')) as {
      report: { totals: { properties: number } };
    };
    expect(written.report.totals.properties).toBe(120);
    rmSync(out, { recursive: true, force: true });
  });

  it('prints the estimate, and field errors with a non-zero exit', async () => {
    const estimate = await cli('estimate', `${REPO_ROOT}examples/portfolio-1000.json`);
    expect(estimate.out).toContain('$100.00 for 1000 properties');
    const dir = mkdtempSync(path.join(tmpdir(), 'pa-cli-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ ...sample.properties[0], loan: { balance: -1 } }]));
    const refused = await cli('analyze', bad);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      'properties[0].loan.balance: must be >= 0: write the amount in dollars without a minus sign (0 for none)',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('estimates a tape as its bytes, printing the rows it would skip and the warnings', async () => {
    const tape = `${REPO_ROOT}test/fixtures/input-cases/zip-leading-zero-stripped-and-zip9.csv`;
    const run = await cli('estimate', tape, '--type', 'risk', '--invalid-rows', 'skip');
    expect(run.code).toBe(0);
    expect(run.out).toContain('$0.02 for 2 properties');
    expect(run.out).toContain('2 of 4 rows skipped:');
    expect(run.out).toContain("row 2 (P-001): '2134' looks like the ZIP 02134 with its leading zero lost");
    expect(run.out).toContain('warning ZIP4_DASH: 2 ZIP+4 codes written without a dash were normalised to 12345-6789');
    const accents = await cli(
      'estimate',
      `${REPO_ROOT}test/fixtures/input-cases/windows-1252-encoded-accents.csv`,
      '--type',
      'risk',
    );
    expect(accents.out).toContain('warning ENCODING_WINDOWS_1252');
  });
});

itAnswersAsDocumented(() => h);
