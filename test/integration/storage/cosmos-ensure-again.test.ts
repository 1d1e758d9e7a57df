// The app's Cosmos DB client outlives the database it started with (issue 12.3): a server that restarted
// empty, or a database removed under the running app, is created again at the first write that finds it
// missing, and every repository works on; a read of what is gone answers "not found" as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDocument } from '../../../src/storage/jobs-repository.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';
import { syntheticResults } from './results-data.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('ensure-again');
});
afterAll(() => t?.cleanup());

const job = (id: string): JobDocument => ({
  id,
  portfolioId: 'pf-gone',
  analysisType: 'valuation',
  status: 'queued',
  totalProperties: 120,
  chunkCount: 2,
  estimatedCost: 2.4,
  allowPartial: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

describe('a database that is gone under the running app', () => {
  it('is created again with its containers by the next write, and reads and writes work on', async () => {
    const { storage, clients, names } = t;
    await storage.jobs.create(job('job-before'));
    await clients.cosmos.database(names.databaseId).delete();

    expect(await storage.jobs.get('job-before')).toBeUndefined();
    await storage.jobs.create(job('job-after'));
    expect(await storage.jobs.get('job-after')).toEqual(job('job-after'));
    await storage.results.upsertMany('job-after', 0, syntheticResults(120));
    expect((await storage.results.page('job-after', { filter: 'all', pageSize: 200 })).items).toHaveLength(120);
    const { resources } = await clients.cosmos.database(names.databaseId).containers.readAll().fetchAll();
    expect(resources.map((c) => c.id).sort()).toEqual(
      ['chunkMarkers', 'jobs', 'portfolios', 'reports', 'results', 'trends', 'valuationCache'].sort(),
    );
  });
});
