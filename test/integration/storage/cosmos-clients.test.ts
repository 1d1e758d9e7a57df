import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/settings-table.ts';
import {
  COSMOS_EMULATOR_KEY,
  DEVELOPMENT_STORAGE_CONNECTION_STRING,
  loadStorageSettings,
  resolveStorageConnectionString,
  STORAGE_SETTINGS,
  storageSettingsSchema,
} from '../../../src/storage/clients.ts';
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
      expect(resource?.partitionKey?.paths).toEqual(
        CONTAINER_DEFINITIONS[name as keyof typeof CONTAINER_DEFINITIONS].partitionKey.paths,
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

describe('storage settings', () => {
  it('defaults to the local stack', () => {
    expect(loadStorageSettings({})).toEqual({
      cosmos: { endpoint: 'http://127.0.0.1:8081', key: COSMOS_EMULATOR_KEY, databaseId: 'portfolio-analytics' },
      connectionString: 'UseDevelopmentStorage=true',
      stagingContainer: 'portfolio-staging',
    });
  });

  it('reads COSMOS_ENDPOINT, COSMOS_KEY, COSMOS_DATABASE, AzureWebJobsStorage and STAGING_CONTAINER', () => {
    const settings = loadStorageSettings({
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
      COSMOS_KEY: 'k',
      COSMOS_DATABASE: 'db1',
      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b',
      STAGING_CONTAINER: 'staging-db1',
    });
    expect(settings).toEqual({
      cosmos: { endpoint: 'https://acct.documents.azure.com:443/', key: 'k', databaseId: 'db1' },
      connectionString: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b',
      stagingContainer: 'staging-db1',
    });
  });

  it('names the variable of a bad value and never prints secrets', () => {
    try {
      loadStorageSettings({ COSMOS_ENDPOINT: 'not a url', COSMOS_DATABASE: 'a/b', STAGING_CONTAINER: 'Staging_1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      const problems = (error as ConfigurationError).problems.join('\n');
      expect(problems).toContain('COSMOS_ENDPOINT');
      expect(problems).toContain('COSMOS_DATABASE');
      expect(problems).toContain('STAGING_CONTAINER');
    }
    expect(STORAGE_SETTINGS.filter((r) => r.secret).map((r) => r.env)).toEqual(['COSMOS_KEY', 'AzureWebJobsStorage']);
    expect(storageSettingsSchema.parse({}).cosmos.databaseId).toBe('portfolio-analytics');
  });

  it('expands UseDevelopmentStorage=true to the Azurite connection string', () => {
    expect(resolveStorageConnectionString('UseDevelopmentStorage=true')).toBe(DEVELOPMENT_STORAGE_CONNECTION_STRING);
    expect(resolveStorageConnectionString(' usedevelopmentstorage=TRUE; ')).toBe(DEVELOPMENT_STORAGE_CONNECTION_STRING);
    expect(DEVELOPMENT_STORAGE_CONNECTION_STRING).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
    expect(resolveStorageConnectionString('AccountName=x')).toBe('AccountName=x');
  });
});
