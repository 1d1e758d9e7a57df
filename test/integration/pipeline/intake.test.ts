// Loan tapes end to end (issue 9), over real HTTP against devhost, Azurite, the Cosmos server and the
// sandbox: a CSV sent as Excel's content type, an estimate from a tape, a 415, lenient intake through the
// 202, the job status and the report, new property types in the report, condo units without unit
// numbers that are never given each other's cached value, and tapes submitted by reference to a blob
// (accepted at once, then read in a stream by the job and staged as they are read; an invalid, changed or
// over-budget one ends the job rejected with the errors an inline 400 gives and leaves nothing staged; keyed
// retries, and a cancel while the tape is read). The app's blob requests pass through a proxy (blob-proxy.ts)
// that lets a test see them and act between two of them.
import { readFileSync } from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../../src/jobs/submit-job.ts';
import type { DataQuality } from '../../../src/domain/data-quality.ts';
import type { JobView } from '../../../src/api/answers.ts';
import type { StoredReport } from '../../../src/domain/stored-report.ts';
import { propertyResultSchema, type PropertyResult } from '../../../src/domain/results.ts';
import { itAnswersAsDocumented } from '../../openapi-answers.ts';
import { startBlobProxy, type BlobProxy } from '../blob-proxy.ts';
import { serviceEndpoints } from '../fixtures.ts';
import { startPipeline, REPO_ROOT, type PipelineHarness } from './harness.ts';

const tape = (name: string) => readFileSync(`${REPO_ROOT}test/fixtures/input-cases/${name}`);

let h: PipelineHarness;
let proxy: BlobProxy;
/** Azurite itself, not through the proxy: what the tests write and list. */
let blobs: BlobServiceClient;
beforeAll(async () => {
  const { storageConnectionString } = await serviceEndpoints();
  blobs = BlobServiceClient.fromConnectionString(storageConnectionString);
  proxy = await startBlobProxy(storageConnectionString);
  h = await startPipeline({ env: { AzureWebJobsStorage: proxy.connectionString } });
});
afterAll(async () => {
  await h?.stop();
  await proxy?.close();
});

async function send(path: string, body: Uint8Array, contentType: string, query: string) {
  const response = await fetch(`${h.url}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Buffer.from(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function analyze(name: string, query: string, contentType = 'text/csv') {
  const answer = await send('/api/portfolio/analyze', tape(name), contentType, query);
  expect(answer.status).toBe(202);
  return answer.body as { jobId: string; estimatedCost: number; dataQuality: DataQuality };
}

async function results(jobId: string): Promise<PropertyResult[]> {
  const page = (await (await h.get(`/api/portfolio/jobs/${jobId}/properties?pageSize=100`)).json()) as {
    properties: PropertyResult[];
  };
  return page.properties;
}

describe('tapes as lenders send them', () => {
  it('analyses a CSV sent as application/vnd.ms-excel and keeps its data-quality account with the job', async () => {
    const { jobId, dataQuality } = await analyze(
      'csv-sent-as-application-vnd-ms-excel.csv',
      '?portfolioId=excel-csv&analysisType=risk',
      'application/vnd.ms-excel',
    );
    expect(dataQuality.format).toStrictEqual({ kind: 'csv', encoding: 'utf-8', separator: ',' });
    const job = await h.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'completed', progress: { processed: 2, failed: 0 } });
    const status = (await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as {
      job: { dataQuality: DataQuality };
    };
    expect(status.job.dataQuality).toStrictEqual(dataQuality);
    // The results are what the OpenAPI document declares: no storage keys (id, jobId, chunkIndex).
    const properties = await results(jobId);
    expect(properties).toHaveLength(2);
    for (const p of properties) expect(propertyResultSchema.strict().safeParse(p).error).toBeUndefined();
  });

  it('estimates a tape, counting only the rows that would be analysed, and starts nothing', async () => {
    const all = await send(
      '/api/portfolio/estimate',
      tape('semicolon-separated-eu-excel.csv'),
      'text/csv',
      '?portfolioId=e&analysisType=comprehensive',
    );
    // Each comprehensive property at its worst case: both AVMs ($0.02 each), an AI review ($0.05), risk ($0.01).
    expect(all).toMatchObject({ status: 200, body: { estimatedCost: 0.2, dataQuality: { accepted: 2 } } });
    const skip = await send(
      '/api/portfolio/estimate',
      tape('zip-leading-zero-stripped-and-zip9.csv'),
      'text/csv',
      '?portfolioId=e&analysisType=comprehensive&invalidRows=skip',
    );
    expect(skip).toMatchObject({
      status: 200,
      body: { estimatedCost: 0.2, dataQuality: { rows: 4, accepted: 2, skipped: 2 } },
    });
  });

  it('answers 415 naming the types it reads, and creates nothing', async () => {
    const answer = await send(
      '/api/portfolio/analyze',
      tape('pipe-delimited-agency-style.csv'),
      'multipart/form-data; boundary=x',
      '?portfolioId=m&analysisType=risk',
    );
    expect(answer.status).toBe(415);
    expect(answer.body.error).toContain('text/csv');
  });
});

describe('invalidRows=skip', () => {
  it('analyses the valid rows and lists the skipped ones in the 202, the job status and the report', async () => {
    const accepted = await analyze(
      'zip-leading-zero-stripped-and-zip9.csv',
      '?portfolioId=skip-book&analysisType=risk&invalidRows=skip',
    );
    expect(accepted.estimatedCost).toBe(0.02); // two analysed rows of risk at $0.01
    expect(accepted.dataQuality).toMatchObject({ rows: 4, accepted: 2, skipped: 2 });
    expect(accepted.dataQuality.skippedRows.map((s) => [s.row, s.propertyId])).toStrictEqual([
      [2, 'P-001'],
      [3, 'P-002'],
    ]);
    const job = await h.waitForJob(accepted.jobId);
    expect(job).toMatchObject({ status: 'completed', progress: { total: 2, processed: 2 }, cost: { actual: 0.02 } });
    const report = (await (await h.get(`/api/portfolio/jobs/${accepted.jobId}/results`)).json()) as {
      results: StoredReport['report'];
    };
    expect(report.results.dataQuality).toStrictEqual(accepted.dataQuality);
    expect(report.results.totals.properties).toBe(2);
  });
});

describe('property types added for agency and HMDA vocabularies', () => {
  it('carries PUD and manufactured housing through the analysis into the type distribution', async () => {
    const { jobId } = await analyze('property-type-vocabulary.csv', '?portfolioId=types&analysisType=risk');
    expect((await h.waitForJob(jobId)).status).toBe('completed');
    const report = (await (await h.get(`/api/portfolio/jobs/${jobId}/results`)).json()) as {
      results: StoredReport['report'];
    };
    expect(report.results.propertyTypes.map((t) => [t.propertyType, t.properties])).toStrictEqual([
      ['SFR', 3],
      ['CONDO', 2],
      ['PUD', 1],
      ['MANUFACTURED', 1],
      ['MULTI_2_4', 1],
    ]);
  });
});

describe('property identity and the valuation cache', () => {
  it('values condo units without unit numbers each on its own, in the first run and from the cache', async () => {
    const query = '?portfolioId=harbor&analysisType=valuation';
    const before = h.sandbox.stats().calls;
    const first = await analyze('condo-units-without-unit-number.csv', query);
    expect(first.dataQuality.warnings.map((w) => w.code)).toStrictEqual(['UNIT_MISSING', 'SHARED_ADDRESS_NO_UNIT']);
    expect((await h.waitForJob(first.jobId)).status).toBe('completed');
    expect(h.sandbox.stats().calls - before).toBeGreaterThanOrEqual(3); // one each (a cascade may ask twice)
    const valueOf = (rs: PropertyResult[]) =>
      Object.fromEntries(rs.map((r) => [r.propertyId, r.valuation?.estimatedValue]));
    const bought = valueOf(await results(first.jobId));
    expect(new Set(Object.values(bought)).size).toBe(3);

    const calls = h.sandbox.stats().calls;
    const second = await analyze('condo-units-without-unit-number.csv', query);
    const job = await h.waitForJob(second.jobId);
    expect(job).toMatchObject({ status: 'completed', progress: { cached: 3 }, cost: { actual: 0 } });
    expect(h.sandbox.stats().calls).toBe(calls);
    expect(valueOf(await results(second.jobId))).toStrictEqual(bought);
  });
});

describe('tapes submitted by reference (propertiesBlob, issue 16.3)', () => {
  const sample = readFileSync(`${REPO_ROOT}examples/portfolio-1000.csv`, 'utf8').split('\n');
  /** The sample's header and its first 250 properties: three chunks at CHUNK_SIZE 100. */
  const book = `${sample.slice(0, 251).join('\n')}\n`;
  const upload = async (name: string, content: string, contentType: string) => {
    const container = blobs.getContainerClient(h.env.UPLOADS_CONTAINER!);
    await container.createIfNotExists();
    await container.getBlockBlobClient(name).upload(content, Buffer.byteLength(content), {
      blobHTTPHeaders: { blobContentType: contentType },
    });
  };
  const tapes = () => blobs.getContainerClient(h.env.UPLOADS_CONTAINER!);
  /** The names staged for a job, in the staging container. */
  const staged = async (jobId: string) => {
    const names: string[] = [];
    const container = blobs.getContainerClient(h.env.STAGING_CONTAINER!);
    for await (const blob of container.listBlobsFlat({ prefix: `jobs/${jobId}/` })) names.push(blob.name);
    return names.sort();
  };
  /** Every per-property result of a job, by propertyId. */
  const allResults = async (jobId: string) => {
    const all: PropertyResult[] = [];
    let token: string | undefined;
    do {
      const page = (await (
        await h.get(
          `/api/portfolio/jobs/${jobId}/properties?pageSize=1000${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
        )
      ).json()) as { properties: PropertyResult[]; continuationToken?: string };
      all.push(...page.properties);
      token = page.continuationToken;
    } while (token);
    return all.sort((a, b) => a.propertyId.localeCompare(b.propertyId));
  };
  /** A tape sent inline as CSV with the request fields in the query string. */
  const inline = (csv: string, query: string, headers: Record<string, string> = {}) =>
    fetch(`${h.url}/api/portfolio/analyze?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...headers },
      body: csv,
    });
  const job = async (jobId: string) =>
    ((await (await h.get(`/api/portfolio/jobs/${jobId}`)).json()) as { job: JobView }).job;
  /** Until the job view says `done`, polled (never a wait of a fixed time). */
  const until = async (jobId: string, done: (view: JobView) => boolean) => {
    for (;;) {
      const view = await job(jobId);
      if (done(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Whether a blob request names the tape `name` in the uploads container. */
  const forTape = (path: string, name: string) => path.split('?')[0]!.endsWith(`/${h.env.UPLOADS_CONTAINER!}/${name}`);

  /** The app's blob writes under the job's staging folders while `act` runs (seen at the proxy). */
  async function stagingWrites(jobId: string, act: () => Promise<void>): Promise<string[]> {
    const writes: string[] = [];
    const folder = `/${h.env.STAGING_CONTAINER!}/jobs/${jobId}/`;
    proxy.hook = ({ method, path }) => {
      if (method === 'PUT' && path.includes(folder)) writes.push(path);
    };
    try {
      await act();
    } finally {
      proxy.hook = undefined;
    }
    return writes;
  }

  it('answers 202 before the tape is read (status reading), reads it in its job and completes it as the same tape sent inline', async () => {
    await upload('books/q4.csv', book, 'text/csv');
    const key = { 'idempotency-key': 'by-reference-q4' };
    const request = { portfolioId: 'by-reference', analysisType: 'risk', propertiesBlob: 'books/q4.csv' };
    const accepted = await h.post('/api/portfolio/analyze', request, key);
    expect(accepted.status).toBe(202);
    const answer = (await accepted.json()) as Record<string, unknown>;
    const jobId = jobIdFor('by-reference-q4');
    expect(answer).toMatchObject({ jobId, status: 'reading', propertiesBlob: 'books/q4.csv' });
    expect(answer.message).toMatch(/^Accepted: the tape 'books\/q4\.csv' is being read/);
    expect(answer).not.toHaveProperty('estimatedCost');
    expect(answer).not.toHaveProperty('dataQuality');
    expect(accepted.headers.get('location')).toBe(answer.statusUrl);

    const done = await h.waitForJob(jobId);
    expect(done).toMatchObject({
      status: 'completed',
      propertiesBlob: 'books/q4.csv',
      progress: { total: 250, processed: 250, percentComplete: 100 },
      cost: { estimated: 2.5 },
      dataQuality: { format: { kind: 'csv', encoding: 'utf-8' }, rows: 250, accepted: 250 },
    });
    // Staged by the job under its one folder: three chunks and the shared identities.
    expect(await staged(jobId)).toEqual(
      ['chunk-0.json', 'chunk-1.json', 'chunk-2.json', 'shared-identities.json'].map((n) => `jobs/${jobId}/read/${n}`),
    );

    // The same tape sent inline: the same account, estimate, counts, cost and per-property results.
    const sent = await inline(book, 'portfolioId=by-reference&analysisType=risk');
    expect(sent.status).toBe(202);
    const direct = (await sent.json()) as { jobId: string; estimatedCost: number; dataQuality: DataQuality };
    expect(direct.dataQuality).toStrictEqual(done.dataQuality);
    expect(direct.estimatedCost).toBe(done.cost.estimated);
    const directJob = await h.waitForJob(direct.jobId);
    expect(directJob.progress).toEqual(done.progress);
    expect(directJob.cost).toEqual(done.cost);
    expect(await allResults(direct.jobId)).toEqual(await allResults(jobId));

    // A keyed retry after completion: the job as it is, without looking at the blob (deleted since).
    await tapes().deleteBlob('books/q4.csv');
    const again = await h.post('/api/portfolio/analyze', request, key);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({
      jobId,
      status: 'completed',
      message: expect.stringContaining('already exists') as unknown,
    });
    // The same tape inline under the key is another request (its fingerprint is of its properties; the
    // reference's is of its fields and blob): the 422.
    const other = await inline(book, 'portfolioId=by-reference&analysisType=risk', key);
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({
      jobId,
      error: expect.stringContaining('with a different request') as unknown,
    });
  });

  it('ends a job whose tape is invalid rejected, with the errors and data-quality account of the inline 400, nothing analysed and nothing left staged', async () => {
    // Rows 2 and 131 without a ZIP.
    const rows = book.split('\n');
    const noZip = (line: string) =>
      line
        .split(',')
        .map((cell, i) => (i === 5 ? '' : cell))
        .join(',');
    rows[1] = noZip(rows[1]!);
    rows[130] = noZip(rows[130]!);
    const invalid = rows.join('\n');
    await upload('books/invalid.csv', invalid, 'text/csv');
    const refused = await inline(invalid, 'portfolioId=by-reference-bad&analysisType=risk');
    expect(refused.status).toBe(400);
    const expected = (await refused.json()) as { errors: unknown[]; totalErrors: number; dataQuality?: DataQuality };
    expect(expected.errors.map((e) => (e as { path: string }).path)).toEqual([
      'row 2, column zip',
      'row 131, column zip',
    ]);

    const key = { 'idempotency-key': 'by-reference-bad' };
    const jobId = jobIdFor(key['idempotency-key']);
    const request = { portfolioId: 'by-reference-bad', analysisType: 'risk', propertiesBlob: 'books/invalid.csv' };
    const accepted = await h.post('/api/portfolio/analyze', request, key);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ jobId, status: 'reading' });
    const rejected = await h.waitForJob(jobId);
    expect(rejected).toMatchObject({
      status: 'rejected',
      errors: expected.errors,
      totalErrors: expected.totalErrors,
      progress: { total: 0, processed: 0, percentComplete: 0 },
      cost: { actual: 0, reserved: 0 },
      statusReason: expect.stringMatching(
        /^The tape failed validation \(2 errors, listed in errors\): nothing was analysed or spent\./,
      ) as unknown,
    });
    expect(rejected.dataQuality).toStrictEqual(expected.dataQuality);
    expect(await staged(jobId)).toEqual([]);
    expect(await allResults(jobId)).toEqual([]);

    // No report, and nothing to redrive: both say why and name the fix.
    const report = await h.get(`/api/portfolio/jobs/${jobId}/results`);
    expect(report.status).toBe(409);
    expect(await report.json()).toMatchObject({
      status: 'rejected',
      error: expect.stringContaining('before anything was analysed') as unknown,
    });
    const redrive = await h.post(`/api/portfolio/jobs/${jobId}/redrive`, {});
    expect(redrive.status).toBe(409);
    expect(await redrive.json()).toMatchObject({ error: expect.stringContaining('new Idempotency-Key') as unknown });

    // The key keeps its answer: the same request again is the rejected job.
    const again = await h.post('/api/portfolio/analyze', request, key);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ jobId, status: 'rejected' });
  });

  it('reads an uploaded JSON array, and rejects an invalid one with the paths of the inline 400', async () => {
    const properties = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
      properties: Array<Record<string, unknown>>;
    };
    const three = properties.properties.slice(0, 3);
    await upload('books/three.json', JSON.stringify(three), 'application/json');
    // The estimate by reference reads the tape while the caller waits (it writes nothing).
    const good = await h.post('/api/portfolio/estimate', {
      portfolioId: 'by-reference-json',
      analysisType: 'risk',
      propertiesBlob: 'books/three.json',
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({
      estimatedCost: 0.03,
      dataQuality: { format: { kind: 'json' }, accepted: 3 },
    });

    const many = properties.properties.slice(0, 150).map((p, i) => (i === 119 ? { ...p, zip: undefined } : p));
    const fields = { portfolioId: 'by-reference-json-bad', analysisType: 'risk' };
    const direct = await h.post('/api/portfolio/analyze', { ...fields, properties: many });
    expect(direct.status).toBe(400);
    const expected = (await direct.json()) as { errors: unknown[]; totalErrors: number };
    await upload('books/bad.json', JSON.stringify(many), 'application/json');
    const accepted = await h.post('/api/portfolio/analyze', { ...fields, propertiesBlob: 'books/bad.json' });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    expect(await h.waitForJob(jobId)).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ path: 'properties[119].zip' })],
      totalErrors: expected.totalErrors,
    });
    expect((await job(jobId)).errors).toEqual(expected.errors);
    expect(await staged(jobId)).toEqual([]);
  });

  it('rejects a tape whose estimate exceeds the budget with the estimate, budget and breakdown; with allowPartial it runs', async () => {
    await upload('books/dear.csv', book, 'text/csv');
    const request = {
      portfolioId: 'by-reference-budget',
      analysisType: 'risk',
      propertiesBlob: 'books/dear.csv',
      budget: 1,
    };
    const accepted = await h.post('/api/portfolio/analyze', request);
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    let rejected: JobView | undefined;
    const writes = await stagingWrites(jobId, async () => {
      rejected = await h.waitForJob(jobId);
    });
    expect(rejected).toMatchObject({
      status: 'rejected',
      progress: { total: 250, processed: 0 },
      cost: { estimated: 2.5, budget: 1, actual: 0 },
      breakdown: { properties: 250, total: 2.5 },
      errors: [{ path: 'budget', message: expect.stringContaining('exceeds the budget $1.00') as unknown }],
      dataQuality: { accepted: 250 },
      statusReason: expect.stringContaining('The estimated cost $2.50 exceeds the budget $1.00') as unknown,
    });
    expect(writes).toHaveLength(4); // staged whole (three chunks, the shared identities), then deleted
    expect(await staged(jobId)).toEqual([]);

    const partial = await h.post('/api/portfolio/analyze', { ...request, allowPartial: true });
    expect(partial.status).toBe(202);
    const partialJob = await h.waitForJob(((await partial.json()) as { jobId: string }).jobId);
    expect(partialJob).toMatchObject({ status: 'budget_exceeded', cost: { estimated: 2.5, budget: 1 } });
    expect(partialJob.progress.processed).toBeGreaterThan(0);
    expect(partialJob.cost.actual).toBeLessThanOrEqual(1);
  });

  describe('a tape replaced or deleted after the 202: rejected naming the fix, never two tapes mixed', () => {
    /**
     * Runs `change` on the tape `name` before the job's read asks for it with request number `at` (the job's
     * requests name the version accepted, If-Match: its properties, its first bytes, the whole of it for its
     * encoding, the whole again for its rows).
     */
    function changeBeforeJobRequest(name: string, at: number, change: () => Promise<unknown>) {
      let seen = 0;
      proxy.hook = async ({ method, path, headers }) => {
        if (!forTape(path, name) || headers['if-match'] === undefined || !['GET', 'HEAD'].includes(method)) return;
        if (method === 'HEAD' && seen === 0)
          seen = 1; // the job's first request: its properties
        else if (seen > 0) seen++;
        if (seen === at) await change();
      };
    }

    it.each([
      ['replaced before the job read it', 1, 'replaced'],
      ['replaced while its rows were read', 4, 'replaced'],
      ['deleted while its rows were read', 4, 'deleted'],
    ] as const)('%s', async (_, at, change) => {
      const name = `books/changing-${at}-${change}.csv`;
      await upload(name, book, 'text/csv');
      const replacement = `${sample.slice(0, 121).join('\n')}\n`;
      changeBeforeJobRequest(name, at, () =>
        change === 'replaced' ? upload(name, replacement, 'text/csv') : tapes().deleteBlob(name),
      );
      const key = { 'idempotency-key': `by-reference-${at}-${change}` };
      const request = { portfolioId: 'changing', analysisType: 'risk', propertiesBlob: name };
      const jobId = jobIdFor(key['idempotency-key']);
      try {
        const accepted = await h.post('/api/portfolio/analyze', request, key);
        expect(accepted.status).toBe(202);
        const rejected = await h.waitForJob(jobId);
        expect(rejected).toMatchObject({
          status: 'rejected',
          progress: { total: 0, processed: 0 },
          cost: { actual: 0 },
          totalErrors: 1,
          statusReason: expect.stringContaining('no two versions were mixed') as unknown,
        });
        expect(rejected.errors).toEqual([
          {
            path: 'propertiesBlob',
            message:
              change === 'replaced'
                ? `the blob '${name}' was replaced after the request named it (while it waited or was being read) (another upload to that name finished meanwhile), so nothing was analysed: upload each tape under a new name, or wait until its upload has finished, then send the request again with a new Idempotency-Key`
                : `the blob '${name}' was deleted after the request named it (while it waited or was being read), so nothing was analysed: upload the tape again (under a new name if it is being replaced), then send the request again with a new Idempotency-Key`,
          },
        ]);
      } finally {
        proxy.hook = undefined;
      }
      expect(await staged(jobId)).toEqual([]);
      if (change === 'deleted') return;
      // The key keeps its answer; with a new key the tape now there is read and analysed.
      const again = await h.post('/api/portfolio/analyze', request, key);
      expect(await again.json()).toMatchObject({ jobId, status: 'rejected' });
      const fresh = await h.post('/api/portfolio/analyze', request, {
        'idempotency-key': `${key['idempotency-key']}-2`,
      });
      const freshJob = await h.waitForJob(((await fresh.json()) as { jobId: string }).jobId);
      expect(freshJob).toMatchObject({ status: 'completed', progress: { processed: 120 } });
    });

    it('the estimate, which reads while the caller waits: 409 on propertiesBlob naming the fix', async () => {
      await upload('books/estimate-changing.csv', book, 'text/csv');
      let reads = 0;
      proxy.hook = async ({ method, path }) => {
        // Its first bytes, then the whole for its encoding, then the whole again for its rows.
        if (method === 'GET' && forTape(path, 'books/estimate-changing.csv') && ++reads === 3)
          await upload('books/estimate-changing.csv', `${sample.slice(0, 121).join('\n')}\n`, 'text/csv');
      };
      const request = { portfolioId: 'changing', analysisType: 'risk', propertiesBlob: 'books/estimate-changing.csv' };
      const changed = await h.post('/api/portfolio/estimate', request).finally(() => (proxy.hook = undefined));
      expect(changed.status).toBe(409);
      expect(await changed.json()).toEqual({
        success: false,
        error: 'The input changed while it was being read',
        errors: [
          {
            path: 'propertiesBlob',
            message:
              "the blob 'books/estimate-changing.csv' was replaced while it was being read (another upload to that name finished meanwhile), so nothing was started: upload each tape under a new name, or wait until its upload has finished, then send the request again",
          },
        ],
        totalErrors: 1,
      });
    });
  });

  it('answers a keyed retry while the tape is read with its job, another request with the key 422, and cancels it while reading', async () => {
    await upload('books/held.csv', book, 'text/csv');
    // The job's read waits at its first request (it names the version accepted: If-Match) until released.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    proxy.hook = async ({ method, path, headers }) => {
      if (method === 'HEAD' && forTape(path, 'books/held.csv') && headers['if-match'] !== undefined) await held;
    };
    const key = { 'idempotency-key': 'by-reference-held' };
    const jobId = jobIdFor(key['idempotency-key']);
    const request = { portfolioId: 'held', analysisType: 'risk', propertiesBlob: 'books/held.csv' };
    try {
      expect((await h.post('/api/portfolio/analyze', request, key)).status).toBe(202);
      expect(await job(jobId)).toMatchObject({ status: 'reading', progress: { total: 0, percentComplete: 0 } });
      const again = await h.post('/api/portfolio/analyze', request, key);
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({
        jobId,
        status: 'reading',
        message: expect.stringContaining('already exists') as unknown,
      });
      const other = await h.post('/api/portfolio/analyze', { ...request, analysisType: 'valuation' }, key);
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({ jobId });

      const cancel = await fetch(`${h.url}/api/portfolio/jobs/${jobId}`, { method: 'DELETE' });
      expect(cancel.status).toBe(200);
      await until(jobId, (view) => view.stopRequested === 'cancelled');
    } finally {
      release();
      proxy.hook = undefined;
    }
    const cancelled = await h.waitForJob(jobId);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      statusReason:
        'Cancelled on request (DELETE) while its tape was being read: nothing was analysed or spent, and what was staged was deleted.',
      progress: { total: 0, processed: 0 },
      cost: { actual: 0 },
    });
    expect(await staged(jobId)).toEqual([]);
    expect((await h.get(`/api/portfolio/jobs/${jobId}/results`)).status).toBe(409);
    expect(await (await h.post('/api/portfolio/analyze', request, key)).json()).toMatchObject({
      jobId,
      status: 'cancelled',
    });
  });
});

itAnswersAsDocumented(() => h);
