// The local Cosmos DB server's journal (scripts/cosmos-journal.ts): a server killed with SIGKILL and started
// again on the same directory has every write it acknowledged, through the app's own repositories (creates,
// etag-guarded replaces, upserts, batches, conditional patches, deletes); a large journal is compacted at
// start into the same state.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnUntil } from '../../../bench/spawn-until.ts';
import { cosmosJournalFile, freePort, startCosmosServer } from '../../../scripts/local-services.ts';
import { COSMOS_EMULATOR_KEY } from '../../../src/storage/clients.ts';
import { ensureDatabase, type CosmosContainers } from '../../../src/storage/cosmos.ts';
import { JobsRepository, type JobDocument } from '../../../src/storage/jobs-repository.ts';
import { ChunkMarkersRepository } from '../../../src/storage/chunk-markers-repository.ts';
import { ResultsRepository } from '../../../src/storage/results-repository.ts';
import { syntheticResults } from './results-data.ts';

const dirs: string[] = [];
const clients: CosmosClient[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-journal-'));
  dirs.push(dir);
  return dir;
};
const clientFor = (endpoint: string) => {
  const client = new CosmosClient({
    endpoint,
    key: COSMOS_EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  clients.push(client);
  return client;
};
afterEach(() => clients.splice(0).forEach((c) => c.dispose()));
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const job = (id: string): JobDocument => ({
  id,
  portfolioId: 'book',
  analysisType: 'valuation',
  status: 'queued',
  totalProperties: 3,
  chunkCount: 1,
  estimatedCost: 0.06,
  allowPartial: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

/** Every document of every container, without the server's system properties, sorted. */
async function contents(containers: CosmosContainers): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, container] of Object.entries<Container>(containers)) {
    const { resources } = await container.items.readAll<Record<string, unknown>>().fetchAll();
    out[name] = resources
      .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** Writes of every kind the app makes, through its repositories and the SDK. */
async function writeEverything(containers: CosmosContainers): Promise<void> {
  const jobs = new JobsRepository({ container: containers.jobs });
  await jobs.create(job('job-1'));
  await jobs.create(job('job-2'));
  await jobs.update('job-1', { status: 'processing' }); // read, then replace under If-Match
  await jobs.update('job-1', (current) => ({ totalProperties: current.totalProperties + 1 }));
  const markers = new ChunkMarkersRepository({ container: containers.chunkMarkers });
  await markers.begin('job-1', 0, 'reservation-1');
  await markers.begin('job-1', 0, 'reservation-2'); // a retry: upsert with attempt 2
  await markers.release('job-1', 0);
  await new ResultsRepository({ container: containers.results }).upsertMany('job-1', 0, syntheticResults(150)); // 2 batches
  await containers.jobs.item('job-2', 'job-2').patch({
    condition: "FROM c WHERE c.status = 'queued'",
    operations: [{ op: 'set', path: '/status', value: 'cancelled' }],
  });
  await containers.jobs.items.create({ ...job('job-3') });
  await containers.jobs.item('job-3', 'job-3').delete();
}

describe('the local Cosmos DB server with a data directory', () => {
  it('has every acknowledged write after a SIGKILL and a restart, and etags work on', async () => {
    const dir = dataDir();
    const port = await freePort();
    const args = ['scripts/cosmos-server.ts', '--port', String(port), '--data', dir];
    const first = await spawnUntil(args, /cosmos listening on (\S+)/);
    const containers = await ensureDatabase(clientFor(first.match[1]!), { databaseId: 'journal' });
    await writeEverything(containers);
    const before = await contents(containers);
    expect(before.results).toHaveLength(150);
    expect(before.jobs).toMatchObject([
      { id: 'job-1', status: 'processing', totalProperties: 4 },
      { id: 'job-2', status: 'cancelled' },
    ]);

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    const second = await spawnUntil(args, /cosmos listening on (\S+)/);
    try {
      expect(second.match[1]).toBe(first.match[1]);
      const after = await contents(await ensureDatabase(clientFor(second.match[1]!), { databaseId: 'journal' }));
      expect(after).toEqual(before);
      const jobs = new JobsRepository({ container: clientFor(second.match[1]!).database('journal').container('jobs') });
      expect((await jobs.update('job-1', { status: 'completed' })).status).toBe('completed');
    } finally {
      second.child.kill('SIGTERM');
    }
  });

  it('compacts a journal past its threshold at start into the same state, and keeps journaling after it', async () => {
    const dir = dataDir();
    const first = await startCosmosServer({ dataDir: dir });
    await first.ready;
    const containers = await ensureDatabase(clientFor(first.endpoint), { databaseId: 'compact' });
    await writeEverything(containers);
    for (let i = 0; i < 5; i++)
      await new ResultsRepository({ container: containers.results }).upsertMany('job-1', 0, syntheticResults(150));
    const before = await contents(containers);
    await first.stop();
    const journaled = statSync(cosmosJournalFile(dir)).size;

    const second = await startCosmosServer({ dataDir: dir, port: first.port, compactAtBytes: 1 });
    await second.ready;
    const compacted = statSync(cosmosJournalFile(dir)).size;
    expect(compacted).toBeLessThan(journaled / 2);
    const again = await ensureDatabase(clientFor(second.endpoint), { databaseId: 'compact' });
    expect(await contents(again)).toEqual(before);
    await again.jobs.items.create({ ...job('job-after') });
    await second.stop();

    const third = await startCosmosServer({ dataDir: dir, port: first.port });
    await third.ready;
    const last = await ensureDatabase(clientFor(third.endpoint), { databaseId: 'compact' });
    expect((await contents(last)).jobs?.map((j) => (j as { id: string }).id)).toEqual(['job-1', 'job-2', 'job-after']);
    await third.stop();
  });
});
