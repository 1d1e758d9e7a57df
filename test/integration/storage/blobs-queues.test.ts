import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../../src/domain/like-for-like.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { sharedIdentities } from '../../../src/domain/identity.ts';
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
  it('stages chunks as jobs/{jobId}/chunk-{n}.json and reads them back', async () => {
    const chunks = [[property(1), property(2)], [property(3)], [property(4), property(5), property(6)]];
    const names = await t.storage.staging.stageChunks('job-1', chunks);
    expect(names).toEqual(['jobs/job-1/chunk-0.json', 'jobs/job-1/chunk-1.json', 'jobs/job-1/chunk-2.json']);
    expect(await t.storage.staging.readChunk('job-1', 2)).toEqual({ properties: chunks[2], sharedIdentities: [] });
    expect(await t.storage.staging.readChunk('job-1', 0)).toEqual({ properties: chunks[0], sharedIdentities: [] });
  });

  it("stages with each chunk the identities its properties share with the job's other propertyIds", async () => {
    const twin = { ...property(9), propertyId: 'P9-twin', address: '9 MAIN STREET' };
    const chunks = [[property(8), property(9)], [twin]];
    await t.storage.staging.stageChunks('job-3', chunks, sharedIdentities(chunks.flat()));
    expect(await t.storage.staging.readChunk('job-3', 0)).toEqual({
      properties: chunks[0],
      sharedIdentities: ['78701|9 MAIN ST'],
    });
    expect((await t.storage.staging.readChunk('job-3', 1)).sharedIdentities).toEqual(['78701|9 MAIN ST']);
  });

  it('reads a chunk staged as a bare array (before identities were staged) as sharing nothing', async () => {
    await t.clients.blobs
      .getContainerClient(t.storage.staging.containerName)
      .getBlockBlobClient(chunkBlobName('job-old', 0))
      .upload(JSON.stringify([property(1)]), JSON.stringify([property(1)]).length);
    expect(await t.storage.staging.readChunk('job-old', 0)).toEqual({
      properties: [property(1)],
      sharedIdentities: [],
    });
  });

  it('throws BlobNotFoundError for a chunk that was never staged', async () => {
    await expect(t.storage.staging.readChunk('job-1', 9)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(t.storage.staging.readChunk('job-none', 0)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes every blob of one job and nothing else', async () => {
    await t.storage.staging.stageChunks('job-2', [[property(1)], [property(2)]]);
    await t.storage.staging.stageChunks('job-20', [[property(3)]]);
    expect(await t.storage.staging.deleteJob('job-2')).toBe(2);
    await expect(t.storage.staging.readChunk('job-2', 0)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect((await t.storage.staging.readChunk('job-20', 0)).properties).toEqual([property(3)]);
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
      await staging.stageChunks('job-x', [[property(1)]]);
      expect((await staging.readChunk('job-x', 0)).properties).toEqual([property(1)]);
      expect(chunkBlobName('job-x', 0)).toBe('jobs/job-x/chunk-0.json');
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
