import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINER_DEFINITIONS, ensureDatabase, verifyDatabase } from '../../../src/storage/cosmos.ts';
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

describe('verifyDatabase (Azure, where the containers are declared in Bicep)', () => {
  it('hands out the containers of a complete database', async () => {
    const containers = await verifyDatabase(t.clients.cosmos, t.names.databaseId);
    expect(Object.keys(containers).sort()).toEqual(Object.keys(CONTAINER_DEFINITIONS).sort());
  });

  it('names every missing container and the fix', async () => {
    const databaseId = `${t.names.databaseId}-partial`;
    const { database } = await t.clients.cosmos.databases.createIfNotExists({ id: databaseId });
    try {
      await database.containers.createIfNotExists(CONTAINER_DEFINITIONS.jobs);
      const missing = Object.values(CONTAINER_DEFINITIONS)
        .map((d) => d.id)
        .filter((id) => id !== 'jobs')
        .sort()
        .join(', ');
      await expect(verifyDatabase(t.clients.cosmos, databaseId)).rejects.toThrow(
        `Cosmos DB database '${databaseId}' lacks the container(s) ${missing}: declare them in infra/app/cosmos.bicep`,
      );
    } finally {
      await database.delete();
    }
  });
});
