// Tapes submitted by reference, read from Azurite in ranges of their pinned version (storage/uploads.ts): a
// tape read whole across many ranges; one replaced or deleted mid-read fails at its next range with
// UploadChangedError; and the request reader answers such a tape with a 409 on propertiesBlob while its
// chunks are being staged, after which discarding the stager (as the analyze trigger does) leaves nothing.
// The replacement happens at a chosen point of the read (the first chunk staged, or the first bytes read),
// before the reader asks for a range it has not reached, so the failure is certain.
import { readFileSync } from 'node:fs';
import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPortfolioRequest } from '../../../src/api/portfolio-request.ts';
import { loadSettings } from '../../../src/config.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import type { PropertySink } from '../../../src/domain/property-sink.ts';
import { ChunkStager } from '../../../src/jobs/chunk-stager.ts';
import { UploadChangedError } from '../../../src/storage/errors.ts';
import { TapeUploads, type Upload } from '../../../src/storage/uploads.ts';
import { PropertyList, reordered, xlsxOf } from '../../unit/intake/tapes.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
/** Small ranges, so that a tape of a few hundred KB spans dozens of them. */
let uploads: TapeUploads;
beforeAll(async () => {
  t = await openTestStorage('uploads');
  uploads = new TapeUploads({
    serviceClient: t.clients.blobs,
    containerName: t.names.uploadsContainer,
    rangeBytes: 4096,
  });
});
afterAll(() => t?.cleanup());

const REPO_ROOT = new URL('../../../', import.meta.url);
/** 1,000 properties, about 425 KB: about 100 ranges of 4 KiB. */
const sampleCsv = readFileSync(new URL('examples/portfolio-1000.csv', REPO_ROOT));
const sampleJson = JSON.stringify(
  (JSON.parse(readFileSync(new URL('examples/portfolio-1000.json', REPO_ROOT), 'utf8')) as { properties: unknown[] })
    .properties,
);

/**
 * A workbook of `rows` properties whose shared strings and styles are stored before its sheet, so that its rows
 * are read as it streams (stored after it, as Excel does, the sheet is spooled until they are read); `compress`
 * false stores its parts undeflated, so that its size is far beyond what the reader buffers ahead of its rows.
 */
async function sampleWorkbook(rows: number, compress = true): Promise<Buffer> {
  const header = ['Property ID', 'Address', 'State', 'ZIP', 'Property Type', 'Loan Balance', 'Last Appraisal Date'];
  const date = new Date('2024-03-15T00:00:00Z');
  const data = Array.from({ length: rows }, (_, i) => [`P-${i}`, `${i} Elm St`, 'MA', '02134', 'SFR', 1000 + i, date]);
  const workbook = await xlsxOf({ Tape: [header, ...data] });
  return Buffer.from(
    await reordered(workbook, (path) => (/(sharedStrings|styles)\.xml$/.test(path) ? 0 : 1), { compress }),
  );
}
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const blob = (name: string) => t.clients.blobs.getContainerClient(t.names.uploadsContainer).getBlockBlobClient(name);
const upload = (name: string, content: string | Buffer, contentType: string) =>
  blob(name).uploadData(Buffer.from(content), { blobHTTPHeaders: { blobContentType: contentType } });

async function opened(name: string): Promise<Upload> {
  const tape = await uploads.open(name);
  if (tape === undefined) throw new Error(`no upload ${name}`);
  return tape;
}

/** Reads `tape` through, calling `between` once after its first bytes; what was read, or the error thrown. */
async function readThrough(tape: Upload, between: () => Promise<unknown> = async () => {}) {
  const parts: Uint8Array[] = [];
  try {
    for await (const part of tape.bytes()) {
      if (parts.length === 0) await between();
      parts.push(part);
    }
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
  return { bytes: Buffer.concat(parts), error: undefined };
}

describe('TapeUploads', () => {
  it('reads a tape across many ranges, byte for byte, and again on each call', async () => {
    await upload('books/whole.csv', sampleCsv, 'text/csv');
    const tape = await opened('books/whole.csv');
    expect(tape).toMatchObject({ size: sampleCsv.length, contentType: 'text/csv' });
    expect(Buffer.from(tape.head)).toEqual(sampleCsv.subarray(0, 4096));
    for (let call = 0; call < 2; call++)
      expect(await readThrough(tape)).toEqual({ bytes: sampleCsv, error: undefined });
  });

  it('fails the read at the next range when the tape is replaced or deleted after reading began', async () => {
    await upload('books/replaced.csv', sampleCsv, 'text/csv');
    const replaced = await readThrough(await opened('books/replaced.csv'), () =>
      upload('books/replaced.csv', 'propertyId\n', 'text/csv'),
    );
    expect(replaced.error).toBeInstanceOf(UploadChangedError);
    expect(replaced.error).toMatchObject({ blobName: 'books/replaced.csv', change: 'replaced' });
    expect(replaced.bytes.length).toBeLessThan(sampleCsv.length);

    await upload('books/deleted.csv', sampleCsv, 'text/csv');
    const deleted = await readThrough(await opened('books/deleted.csv'), () => blob('books/deleted.csv').delete());
    expect(deleted.error).toMatchObject({ name: 'UploadChangedError', change: 'deleted' });
  });

  it('reads an Excel workbook by reference across many ranges as it reads the same workbook sent as the body', async () => {
    const workbook = await sampleWorkbook(2000);
    await upload('books/tape.xlsx', workbook, XLSX);
    const read = async (request: HttpRequest) => {
      const list = new PropertyList();
      const answer = await readPortfolioRequest(request, {
        settings: loadSettings({}),
        asOf: new Date(),
        sink: list,
        uploads,
      });
      if (!answer.ok) throw new Error(JSON.stringify(answer.response.jsonBody));
      return { dataQuality: answer.value.dataQuality, properties: list.properties };
    };
    const byReference = await read(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/portfolio/analyze',
        headers: { 'content-type': 'application/json' },
        body: {
          string: JSON.stringify({ portfolioId: 'book', analysisType: 'risk', propertiesBlob: 'books/tape.xlsx' }),
        },
      }),
    );
    const inBody = await read(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/portfolio/analyze?portfolioId=book&analysisType=risk',
        headers: { 'content-type': XLSX },
        body: { bytes: new Uint8Array(workbook) },
      }),
    );
    expect(workbook.length).toBeGreaterThan(10 * 4096);
    expect(byReference.properties).toHaveLength(2000);
    expect(byReference).toStrictEqual(inBody);
  });

  it('answers undefined for a name no blob has', async () => {
    expect(await uploads.open('books/none.csv')).toBeUndefined();
  });
});

describe('a tape that changes while it is read and staged', () => {
  const settings = loadSettings({});
  const CHUNK = 50;

  /** A sink staging into `stager` that runs `change` once the first chunk is staged (listed in the container). */
  function changingAfterFirstChunk(stager: ChunkStager, jobId: string, change: () => Promise<unknown>): PropertySink {
    let count = 0;
    return {
      add: async (property: Property) => {
        await stager.add(property);
        if (++count !== CHUNK) return;
        while ((await stagedNames(jobId)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await change();
      },
    };
  }

  async function stagedNames(jobId: string): Promise<string[]> {
    const names: string[] = [];
    const container = t.clients.blobs.getContainerClient(t.names.stagingContainer);
    for await (const b of container.listBlobsFlat({ prefix: `jobs/${jobId}/` })) names.push(b.name);
    return names;
  }

  /** Reads a request naming `name` as the analyze trigger does, then discards the staging on a refusal. */
  async function analyze(name: string, jobId: string, change: () => Promise<unknown>) {
    const stager = new ChunkStager(t.storage.staging, jobId, { chunkSize: CHUNK });
    const request = new HttpRequest({
      method: 'POST',
      url: 'http://localhost/api/portfolio/analyze',
      headers: { 'content-type': 'application/json' },
      body: { string: JSON.stringify({ portfolioId: 'changing', analysisType: 'risk', propertiesBlob: name }) },
    });
    const sink = changingAfterFirstChunk(stager, jobId, change);
    const read = await readPortfolioRequest(request, { settings, asOf: new Date(), sink, uploads });
    if (!read.ok) await stager.discard();
    return { read, staged: await stagedNames(jobId) };
  }

  /** The read answered 409 on propertiesBlob with a message matching `message`, and left nothing staged. */
  function expectChanged({ read, staged }: Awaited<ReturnType<typeof analyze>>, message: RegExp) {
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.response.status).toBe(409);
    expect(read.response.jsonBody).toMatchObject({
      errors: [{ path: 'propertiesBlob', message: expect.stringMatching(message) as unknown }],
    });
    expect(staged).toEqual([]);
  }

  it('a CSV replaced after its first chunk was staged: 409 on propertiesBlob naming the fix, nothing staged', async () => {
    await upload('books/q4.csv', sampleCsv, 'text/csv');
    const { read, staged } = await analyze('books/q4.csv', 'job-replaced', () =>
      upload('books/q4.csv', sampleCsv.subarray(0, 2000), 'text/csv'),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.response.status).toBe(409);
    expect(read.response.jsonBody).toEqual({
      success: false,
      error: 'The input changed while it was being read',
      errors: [
        {
          path: 'propertiesBlob',
          message:
            "the blob 'books/q4.csv' was replaced while it was being read (another upload to that name finished meanwhile), so nothing was started: upload each tape under a new name, or wait until its upload has finished, then send the request again",
        },
      ],
      totalErrors: 1,
    });
    expect(staged).toEqual([]);
  });

  it('an Excel workbook replaced after its first chunk was staged (read as it streams): 409 on propertiesBlob, nothing staged', async () => {
    const workbook = await sampleWorkbook(20_000, false);
    expect(workbook.length).toBeGreaterThan(5 * 2 ** 20); // far more than the reader reads ahead of its rows
    await upload('books/q4.xlsx', workbook, XLSX);
    const changed = await analyze('books/q4.xlsx', 'job-replaced-xlsx', () =>
      upload('books/q4.xlsx', workbook.subarray(0, 2000), XLSX),
    );
    expectChanged(changed, /^the blob 'books\/q4\.xlsx' was replaced while it was being read/);
  });

  it('a JSON array deleted after its first chunk was staged: 409 on propertiesBlob, nothing staged', async () => {
    await upload('books/q4.json', sampleJson, 'application/json');
    const changed = await analyze('books/q4.json', 'job-deleted', () => blob('books/q4.json').delete());
    expectChanged(changed, /^the blob 'books\/q4\.json' was deleted while it was being read, so nothing/);
  });
});
