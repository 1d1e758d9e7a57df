// Loan tapes end to end (issue 9), over real HTTP against devhost, Azurite, the Cosmos server and the
// sandbox: a CSV sent as Excel's content type, an estimate from a tape, a 415, lenient intake through the
// 202, the job status and the report, new property types in the report, condo units without unit
// numbers that are never given each other's cached value, and tapes submitted by reference to a blob
// (read in a stream and staged as they are read; a refused one leaves nothing staged; one replaced or
// deleted while it is read answers 409 and leaves no job; a keyed retry stages nothing). The app's blob
// requests pass through a proxy (blob-proxy.ts) that lets a test see them and act between two of them.
import { readFileSync } from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../../src/jobs/submit-job.ts';
import type { DataQuality } from '../../../src/domain/data-quality.ts';
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
  /** The names staged for a job, in the staging container. */
  const staged = async (jobId: string) => {
    const names: string[] = [];
    const container = blobs.getContainerClient(h.env.STAGING_CONTAINER!);
    for await (const blob of container.listBlobsFlat({ prefix: `jobs/${jobId}/` })) names.push(blob.name);
    return names.sort();
  };

  it('analyses an uploaded CSV tape, staged in chunks, and knows it for the same request as the tape sent inline', async () => {
    await upload('books/q4.csv', book, 'text/csv');
    const key = { 'idempotency-key': 'by-reference-q4' };
    const request = { portfolioId: 'by-reference', analysisType: 'risk', propertiesBlob: 'books/q4.csv' };
    const accepted = await h.post('/api/portfolio/analyze', request, key);
    expect(accepted.status).toBe(202);
    const answer = (await accepted.json()) as { jobId: string; dataQuality: DataQuality; estimatedCost: number };
    expect(answer.jobId).toBe(jobIdFor('by-reference-q4'));
    expect(answer.dataQuality).toMatchObject({ format: { kind: 'csv', encoding: 'utf-8' }, rows: 250, accepted: 250 });
    expect(answer.estimatedCost).toBe(2.5);
    const names = await staged(answer.jobId);
    const folder = names[0]!.split('/')[2];
    expect(names).toEqual(
      ['chunk-0.json', 'chunk-1.json', 'chunk-2.json', 'shared-identities.json'].map(
        (n) => `jobs/${answer.jobId}/${folder}/${n}`,
      ),
    );
    expect(await h.waitForJob(answer.jobId)).toMatchObject({ status: 'completed', progress: { processed: 250 } });

    // The same tape sent inline under the same key is the same request: the job, and nothing staged again.
    const inline = await fetch(`${h.url}/api/portfolio/analyze?portfolioId=by-reference&analysisType=risk`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...key },
      body: book,
    });
    expect(inline.status).toBe(202);
    expect(await inline.json()).toMatchObject({
      jobId: answer.jobId,
      message: expect.stringContaining('already exists') as unknown,
    });
    expect(await staged(answer.jobId)).toEqual(names);
  });

  it('reads an uploaded JSON array, and refuses an invalid one leaving nothing staged', async () => {
    const properties = JSON.parse(readFileSync(`${REPO_ROOT}examples/portfolio-1000.json`, 'utf8')) as {
      properties: Array<Record<string, unknown>>;
    };
    const three = properties.properties.slice(0, 3);
    await upload('books/three.json', JSON.stringify(three), 'application/json');
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

    // 150 properties (two chunks), the 120th without a ZIP: refused with its path, and the first chunk's
    // blob, staged before the bad row was read, deleted.
    const many = properties.properties.slice(0, 150).map((p, i) => (i === 119 ? { ...p, zip: undefined } : p));
    await upload('books/bad.json', JSON.stringify(many), 'application/json');
    const key = 'by-reference-bad';
    const refused = await h.post(
      '/api/portfolio/analyze',
      { portfolioId: 'by-reference-bad', analysisType: 'risk', propertiesBlob: 'books/bad.json' },
      { 'idempotency-key': key },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'properties[119].zip' })] });
    expect(await staged(jobIdFor(key))).toEqual([]);
  });

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

  it('reads a keyed retry of a job that exists only for its fingerprint: the job, and nothing staged', async () => {
    await upload('books/retry.csv', book, 'text/csv');
    const key = { 'idempotency-key': 'by-reference-retry' };
    const request = { portfolioId: 'by-reference-retry', analysisType: 'risk', propertiesBlob: 'books/retry.csv' };
    const jobId = jobIdFor(key['idempotency-key']);
    const first = await stagingWrites(jobId, async () => {
      expect((await h.post('/api/portfolio/analyze', request, key)).status).toBe(202);
    });
    expect(first).toHaveLength(4); // three chunks and the shared identities
    const names = await staged(jobId);
    expect(names).toHaveLength(4);

    // The same request again: its job, with nothing written under the job's folders.
    const retried = await stagingWrites(jobId, async () => {
      const again = await h.post('/api/portfolio/analyze', request, key);
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({
        jobId,
        estimatedCost: 2.5,
        message: 'A job with this Idempotency-Key already exists; returning it.',
      });
    });
    expect(retried).toEqual([]);

    // Another tape under the key: the 422 naming the job. An invalid one: its 400, as a first submission's.
    await upload('books/retry-other.csv', `${sample.slice(0, 201).join('\n')}\n`, 'text/csv');
    await upload('books/retry-invalid.csv', book.replace(',TX,77013,', ',TX,,'), 'text/csv');
    const refused = await stagingWrites(jobId, async () => {
      const other = await h.post(
        '/api/portfolio/analyze',
        { ...request, propertiesBlob: 'books/retry-other.csv' },
        key,
      );
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({
        jobId,
        error: expect.stringContaining('with a different request') as unknown,
      });
      const invalid = await h.post(
        '/api/portfolio/analyze',
        { ...request, propertiesBlob: 'books/retry-invalid.csv' },
        key,
      );
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'row 2, column zip' })] });
    });
    expect(refused).toEqual([]);
    expect(await staged(jobId)).toEqual(names);
    expect(await h.waitForJob(jobId)).toMatchObject({ status: 'completed', progress: { processed: 250 } });
  });

  describe('a tape replaced or deleted between its two reads (the encoding, then the rows)', () => {
    /**
     * Runs `change` on the tape `name` just before the app's third request for its content: its first bytes
     * (to tell its kind), then the whole of it for its encoding (it has no byte-order mark), then the whole
     * again for its rows (a tape this small is one range).
     */
    function changeBeforeRowsRead(name: string, change: () => Promise<unknown>) {
      let reads = 0;
      proxy.hook = async ({ method, path }) => {
        if (method !== 'GET' || !path.split('?')[0]!.endsWith(`/${h.env.UPLOADS_CONTAINER!}/${name}`)) return;
        if (++reads === 3) await change();
      };
    }
    const tapes = () => blobs.getContainerClient(h.env.UPLOADS_CONTAINER!);

    it('replaced: 409 on propertiesBlob naming the fix, no job, nothing staged, and the key free', async () => {
      await upload('books/changing.csv', book, 'text/csv');
      const replacement = `${sample.slice(0, 121).join('\n')}\n`;
      changeBeforeRowsRead('books/changing.csv', () => upload('books/changing.csv', replacement, 'text/csv'));
      const key = { 'idempotency-key': 'by-reference-changing' };
      const request = { portfolioId: 'changing', analysisType: 'risk', propertiesBlob: 'books/changing.csv' };
      const changed = await h.post('/api/portfolio/analyze', request, key).finally(() => (proxy.hook = undefined));
      expect(changed.status).toBe(409);
      expect(await changed.json()).toEqual({
        success: false,
        error: 'The input changed while it was being read',
        errors: [
          {
            path: 'propertiesBlob',
            message:
              "the blob 'books/changing.csv' was replaced while it was being read (another upload to that name finished meanwhile), so nothing was started: upload each tape under a new name, or wait until its upload has finished, then send the request again",
          },
        ],
        totalErrors: 1,
      });
      const jobId = jobIdFor(key['idempotency-key']);
      expect((await h.get(`/api/portfolio/jobs/${jobId}`)).status).toBe(404);
      expect(await staged(jobId)).toEqual([]);

      // Sent again, the request starts the job, of the tape now there.
      const again = await h.post('/api/portfolio/analyze', request, key);
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ jobId, message: 'Analysis of 120 properties started.' });
      expect(await h.waitForJob(jobId)).toMatchObject({ status: 'completed', progress: { processed: 120 } });
    });

    it('deleted: 409 on propertiesBlob, and nothing started', async () => {
      await upload('books/vanishing.csv', book, 'text/csv');
      changeBeforeRowsRead('books/vanishing.csv', () => tapes().deleteBlob('books/vanishing.csv'));
      const key = { 'idempotency-key': 'by-reference-vanishing' };
      const request = { portfolioId: 'vanishing', analysisType: 'risk', propertiesBlob: 'books/vanishing.csv' };
      const deleted = await h.post('/api/portfolio/analyze', request, key).finally(() => (proxy.hook = undefined));
      expect(deleted.status).toBe(409);
      expect(await deleted.json()).toMatchObject({
        errors: [
          {
            path: 'propertiesBlob',
            message: expect.stringMatching(
              /^the blob 'books\/vanishing\.csv' was deleted while it was being read, so nothing was started: upload the tape again/,
            ) as unknown,
          },
        ],
      });
      const jobId = jobIdFor(key['idempotency-key']);
      expect((await h.get(`/api/portfolio/jobs/${jobId}`)).status).toBe(404);
      expect(await staged(jobId)).toEqual([]);
    });
  });
});

itAnswersAsDocumented(() => h);
