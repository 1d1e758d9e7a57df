import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINER_DEFINITIONS, ensureDatabase } from '../../../src/storage/cosmos.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('cosmos');
});
afterAll(() => t?.cleanup());

describe('ensureDatabase', () => {
  it('creates every container with its partition key, and is idempotent', async () => {
    const again = await ensureDatabase(t.clients.cosmos, { databaseId: t.names.databaseId });
    expect(Object.keys(again).sort()).toEqual([
      'chunkMarkers',
      'jobs',
      'portfolios',
      'reports',
      'results',
      'trends',
      'valuationCache',
    ]);
    for (const [name, container] of Object.entries(again)) {
      const { resource } = await container.read();
      expect(resource?.partitionKey).toMatchObject(
        CONTAINER_DEFINITIONS[name as keyof typeof CONTAINER_DEFINITIONS].partitionKey,
      );
    }
    // Existing data survives a second ensureDatabase (containers are never replaced).
    await t.storage.portfolios.put({
      id: 'pf-keep',
      analysisType: 'risk',
      nightly: false,
      source: { kind: 'blob', blobName: 'b' },
      propertyCount: 1,
      updatedAt: 'now',
    });
    await ensureDatabase(t.clients.cosmos, { databaseId: t.names.databaseId });
    expect(await t.storage.portfolios.get('pf-keep')).toBeDefined();
  });
});
