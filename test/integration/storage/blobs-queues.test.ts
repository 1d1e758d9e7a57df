import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../../src/domain/like-for-like.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { stageProperties } from '../../../src/jobs/chunk-stager.ts';
import { BlobStaging, chunkBlobName } from '../../../src/storage/blob-staging.ts';
import { BlobNotFoundError, MessageTooLargeError } from '../../../src/storage/errors.ts';
import { decodeQueueMessage, type PortfolioAlert } from '../../../src/storage/queues.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('blobs');
});
afterAll(() => t?.cleanup());

const property = (i: number): Property => ({
  propertyId: `P${i}`,
  address: `${i} Main St`,
  state: 'TX',
  zip: '78701',
  propertyType: 'SFR',
  lastAppraisedValue: 300_000 + i,
  loan: { balance: 200_000 },
  appraisals: [{ appraisalId: `A${i}`, appraiserId: 'APR-1', appraisedValue: 310_000, effectiveDate: '2024-01-15' }],
});

describe('BlobStaging', () => {
  const stage = (jobId: string, properties: readonly Property[], chunkSize: number, staging = t.storage.staging) =>
    stageProperties(staging, jobId, properties, chunkSize);

  it('stages a tape as chunks in a folder of its own and reads them back', async () => {
    const properties = [1, 2, 3, 4, 5, 6].map(property);
    const tape = await stage('job-1', properties, 2);
    expect(tape).toMatchObject({ count: 6, chunkCount: 3 });
    expect(chunkBlobName('job-1', 2, tape.stagingId)).toBe(`jobs/job-1/${tape.stagingId}/chunk-2.json`);
    expect(await t.storage.staging.readChunk('job-1', 2, tape.stagingId)).toEqual({
      properties: [property(5), property(6)],
      sharedIdentities: [],
    });
    expect((await t.storage.staging.readChunk('job-1', 0, tape.stagingId)).properties).toEqual([
      property(1),
      property(2),
    ]);
  });

  it("reads with each chunk the identities its properties share with the job's other propertyIds, in any chunk", async () => {
    const twin = { ...property(9), propertyId: 'P9-twin', address: '9 MAIN STREET' };
    const tape = await stage('job-3', [property(8), property(9), property(10), twin], 2);
    expect(await t.storage.staging.readChunk('job-3', 0, tape.stagingId)).toEqual({
      properties: [property(8), property(9)],
      sharedIdentities: ['78701|9 MAIN ST'],
    });
    expect((await t.storage.staging.readChunk('job-3', 1, tape.stagingId)).sharedIdentities).toEqual([
      '78701|9 MAIN ST',
    ]);
  });

  it('keeps two submissions of one job id apart, and deletes one folder without touching the other', async () => {
    const first = await stage('job-4', [property(1), property(2)], 1);
    const second = await stage('job-4', [property(3)], 1);
    expect((await t.storage.staging.readChunk('job-4', 0, first.stagingId)).properties).toEqual([property(1)]);
    expect((await t.storage.staging.readChunk('job-4', 0, second.stagingId)).properties).toEqual([property(3)]);
    // Two chunks and the shared identities.
    expect(await t.storage.staging.discardStaging('job-4', first.stagingId)).toBe(3);
    await expect(t.storage.staging.readChunk('job-4', 0, first.stagingId)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect((await t.storage.staging.readChunk('job-4', 0, second.stagingId)).properties).toEqual([property(3)]);
  });

  it('reads chunks staged before folders: a bare array, and properties with their shared identities', async () => {
    const container = t.clients.blobs.getContainerClient(t.storage.staging.containerName);
    const put = (name: string, content: unknown) =>
      container.getBlockBlobClient(name).upload(JSON.stringify(content), JSON.stringify(content).length);
    await put(chunkBlobName('job-old', 0), [property(1)]);
    await put(chunkBlobName('job-old', 1), { properties: [property(2)], sharedIdentities: ['78701|2 MAIN ST'] });
    expect(await t.storage.staging.readChunk('job-old', 0, undefined)).toEqual({
      properties: [property(1)],
      sharedIdentities: [],
    });
    expect(await t.storage.staging.readChunk('job-old', 1, undefined)).toEqual({
      properties: [property(2)],
      sharedIdentities: ['78701|2 MAIN ST'],
    });
  });

  it('throws BlobNotFoundError for a chunk that was never staged', async () => {
    const tape = await stage('job-5', [property(1)], 1);
    await expect(t.storage.staging.readChunk('job-5', 9, tape.stagingId)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(t.storage.staging.readChunk('job-none', 0, undefined)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes every blob of one job and nothing else', async () => {
    await stage('job-2', [property(1), property(2)], 1);
    const other = await stage('job-20', [property(3)], 1);
    expect(await t.storage.staging.deleteJob('job-2')).toBe(3);
    expect((await t.storage.staging.readChunk('job-20', 0, other.stagingId)).properties).toEqual([property(3)]);
    expect(await t.storage.staging.deleteJob('job-2')).toBe(0);
  });

  it('stores a registered portfolio under a blob name the registry keeps', async () => {
    const blobName = await t.storage.staging.stagePortfolio('pf-1', [property(7), property(8)]);
    expect(blobName).toBe('portfolios/pf-1/properties.json');
    expect(await t.storage.staging.readPortfolio(blobName)).toEqual([property(7), property(8)]);
    await t.storage.staging.stagePortfolio('pf-1', [property(9)]);
    expect(await t.storage.staging.readPortfolio(blobName)).toEqual([property(9)]);
  });

  it('creates its container when missing', async () => {
    const staging = new BlobStaging({
      serviceClient: t.clients.blobs,
      containerName: `${t.names.stagingContainer}-new`,
    });
    try {
      const tape = await stage('job-x', [property(1)], 1, staging);
      expect((await staging.readChunk('job-x', 0, tape.stagingId)).properties).toEqual([property(1)]);
    } finally {
      await t.clients.blobs.getContainerClient(staging.containerName).deleteIfExists();
    }
  });
});

describe('PortfolioQueues', () => {
  it('sends revaluation messages as base64-encoded JSON', async () => {
    await t.storage.queues.sendRevaluation({ portfolioId: 'pf-1', runDate: '20250601' });
    await t.storage.queues.sendRevaluation({ portfolioId: 'pf-2', runDate: '20250601' });
    const { receivedMessageItems } = await t.storage.queues.revaluation.receiveMessages({ numberOfMessages: 32 });
    expect(receivedMessageItems.map((m) => m.messageText).every((text) => /^[A-Za-z0-9+/]+=*$/.test(text))).toBe(true);
    expect(receivedMessageItems.map((m) => decodeQueueMessage(m.messageText))).toEqual([
      { portfolioId: 'pf-1', runDate: '20250601' },
      { portfolioId: 'pf-2', runDate: '20250601' },
    ]);
  });

  it('sends alerts (unicode survives) and refuses one over 64 KiB', async () => {
    const alert: PortfolioAlert = {
      portfolioId: 'pf-1',
      jobId: 'job-1',
      at: '2025-06-01T02:00:00.000Z',
      findings: [
        { code: FINDING_CODES[0], message: 'Portfolio value fell 12% — €, ü', basis: 'like-for-like', properties: 10 },
      ],
    };
    await t.storage.queues.sendAlert(alert);
    const { receivedMessageItems } = await t.storage.queues.alerts.receiveMessages();
    expect(decodeQueueMessage(receivedMessageItems[0]!.messageText)).toEqual(alert);
    const huge: PortfolioAlert = { ...alert, findings: [{ ...alert.findings[0]!, message: 'x'.repeat(60_000) }] };
    await expect(t.storage.queues.sendAlert(huge)).rejects.toBeInstanceOf(MessageTooLargeError);
  });
});
