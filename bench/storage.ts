// Storage bench (never part of npm test): upserts 10,000 per-property results into the local Cosmos
// server (in this process) and reads them back, in each write mode, and times the other hot paths of a
// job: point reads of a retried chunk, paging, top-N queries, chunk markers, chunk blobs. Prints figures.
//   npm run bench:storage [-- --count 10000]
import { randomUUID } from 'node:crypto';
import { createStorageClients, openStorage } from '../src/storage/clients.ts';
import type { StoredResult } from '../src/domain/results.ts';
import { ResultsRepository } from '../src/storage/results-repository.ts';
import { startLocalServices } from '../scripts/local-services.ts';
import { syntheticResults } from '../test/integration/storage/results-data.ts';

const countArg = process.argv.indexOf('--count');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 10_000;
const CHUNK = 100;

const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;
async function timed<T>(label: string, n: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${n > 0 ? rate(n, ms) : ''}`);
  return value;
}

const startedAll = performance.now();
const services = await startLocalServices();
await services.ready;
console.log(
  `local services ready in ${(performance.now() - startedAll).toFixed(0)} ms (Azurite child process + in-process Cosmos server)`,
);
const clients = createStorageClients({
  cosmos: {
    endpoint: services.endpoints.cosmosEndpoint,
    key: services.endpoints.cosmosKey,
    databaseId: `bench-${randomUUID().slice(0, 8)}`,
  },
  connectionString: services.endpoints.storageConnectionString,
});
try {
  const storage = await openStorage(clients);
  const results = syntheticResults(COUNT);
  const chunks = Array.from({ length: Math.ceil(COUNT / CHUNK) }, (_, i) => results.slice(i * CHUNK, (i + 1) * CHUNK));
  console.log(
    `\n${COUNT.toLocaleString('en-US')} results, ${chunks.length} chunks of ${CHUNK}, Node ${process.version}\n`,
  );

  for (const writeMode of ['batch', 'parallel', 'bulk'] as const) {
    const repo = new ResultsRepository({ container: storage.containers.results, writeMode, concurrency: 16 });
    const jobId = `job-${writeMode}`;
    await timed(`upsert, ${writeMode}, one call of ${COUNT}`, COUNT, () => repo.upsertMany(jobId, 0, results));
    if (writeMode === 'bulk') {
      // executeBulkOperations sleeps 1,000 ms before sending a partial batch: one chunk shows the floor.
      await timed(`upsert again, bulk, one chunk of ${CHUNK}`, CHUNK, () => repo.upsertMany(jobId, 0, chunks[0]!));
      continue;
    }
    await timed(`upsert again (existing docs), ${writeMode}, per chunk x4 chunks at once`, COUNT, async () => {
      for (let i = 0; i < chunks.length; i += 4)
        await Promise.all(chunks.slice(i, i + 4).map((c, k) => repo.upsertMany(jobId, i + k, c)));
    });
  }

  const repo = storage.results;
  const jobId = 'job-parallel';
  const ids = results.map((r) => r.propertyId);
  const back = await timed(`read back: point reads (getMany, 16 in flight)`, COUNT, () => repo.getMany(jobId, ids));
  if (back.length !== COUNT) throw new Error(`read back ${back.length} of ${COUNT}`);
  await timed(`read back: getMany per chunk of ${CHUNK} (a retried chunk)`, CHUNK, () =>
    repo.getMany(jobId, ids.slice(0, CHUNK)),
  );
  const paged: StoredResult[] = [];
  await timed(`read back: page() x pageSize 1000 with continuation`, COUNT, async () => {
    let token: string | undefined;
    do {
      const page = await repo.page(jobId, { pageSize: 1000, continuationToken: token });
      paged.push(...page.items);
      token = page.continuationToken;
    } while (token);
  });
  if (new Set(paged.map((r) => r.id)).size !== COUNT) throw new Error(`paged ${paged.length} results`);
  await timed(`first page of 100, filter flagged`, 0, () => repo.page(jobId, { filter: 'flagged', pageSize: 100 }));
  for (const kind of ['largestDrops', 'preDistressed', 'highestFraud'] as const) {
    await timed(`top(${kind}, 25): ${COUNT} in the job, ${3 * COUNT} in the container`, 0, () =>
      repo.top(jobId, kind, 25),
    );
  }
  const unvalidated = new ResultsRepository({ container: storage.containers.results, validate: false });
  await timed(`read back: point reads, no schema validation`, COUNT, () => unvalidated.getMany(jobId, ids));
  await timed(`chunk markers: ${chunks.length} begin`, chunks.length, () =>
    Promise.all(chunks.map((_, i) => storage.chunkMarkers.begin(jobId, i, `bench:${i}:0`))),
  );
  await timed(`blob staging: stage ${chunks.length} chunk blobs`, chunks.length, () =>
    Promise.all(
      chunks.map((c, i) =>
        storage.staging.stageChunk(
          jobId,
          'bench',
          i,
          c.map((r) => ({
            propertyId: r.propertyId,
            address: '1 Main St',
            state: r.state,
            zip: r.zip,
            propertyType: r.propertyType,
          })),
        ),
      ),
    ),
  );
  await storage.staging.stageSharedIdentities(jobId, 'bench', []);
  await timed(`blob staging: read one chunk`, 0, () => storage.staging.readChunk(jobId, 7, 'bench'));
} finally {
  clients.dispose();
  await services.stop();
}
