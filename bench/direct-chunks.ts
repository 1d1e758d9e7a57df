// The job's work run directly in one process, without the Functions host or orchestrations: the baseline of the
// engine-overhead scenario. The same tape as the end-to-end run (a generated CSV, uploaded to the uploads
// container by another process) read, validated and staged by the same readTape activity, then analyzeChunk over
// its chunks, with the same storage writes and the same settings as the end-to-end run (bench/job-settings.ts),
// and the same concurrency shape: MAX_CONCURRENT_CHUNKS lanes, each taking the next chunk as soon as its last one
// is done. What is left out is what the engine adds: the HTTP submission, the task hub, the orchestrations, the
// job's progress entity and the report.
// bench/pipeline.ts runs this in its own process and reads the last line.
//   node bench/direct-chunks.ts --size 10000 [--env KEY=VALUE ...]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAzurite } from 'devhost';
import { createActivities } from '../src/app.ts';
import { createAppServices, startApp } from '../src/services.ts';
import { COSMOS_EMULATOR_KEY } from '../src/storage/clients.ts';
import { mapWithConcurrency } from '../src/concurrency.ts';
import { parseEnvArguments } from './job-settings.ts';
import { spawnUntil } from './spawn-until.ts';
import { generateTape, uploadTape } from './tape.ts';
import { startVendorSandbox } from './vendor-sandbox.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '0' },
    rate: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const size = Number(values.size);
// Azurite, the Cosmos DB server and the sandbox each in a process of its own, as bench/run-job.ts has them.
const dataDir = mkdtempSync(path.join(tmpdir(), 'pa-direct-'));
const tapeFile = path.join(dataDir, 'tape.csv');
generateTape(size, 'csv', tapeFile);
const azurite = await ensureAzurite({ dataDir });
const cosmos = await spawnUntil(['scripts/cosmos-server.ts'], /cosmos listening on (\S+)/);
const sandbox = await startVendorSandbox({
  latencyInMs: Number(values.latency),
  ...(values.rate !== undefined && { ratePerSecond: Number(values.rate) }),
});
const app = await createAppServices(
  startApp({
    ...process.env,
    AzureWebJobsStorage: azurite.connectionString,
    COSMOS_ENDPOINT: cosmos.match[1]!,
    COSMOS_KEY: COSMOS_EMULATOR_KEY,
    COSMOS_DATABASE: `direct-${randomUUID().slice(0, 8)}`,
    AVM_MODE: 'http',
    AVM_BASE_URL: sandbox.url,
    FRAUD_REVIEW_MODE: 'http',
    FRAUD_REVIEW_BASE_URL: sandbox.url,
    ...parseEnvArguments(values.env),
  }),
);
const activities = createActivities(app);
const jobId = `direct-${randomUUID().slice(0, 8)}`;
const asOf = new Date().toISOString();
const started = performance.now();
// Uploaded from disk by another process, as bench/run-job.ts does; then read as the job's root reads it.
await uploadTape(azurite.connectionString, app.settings.storage.uploadsContainer, 'bench/tape.csv', tapeFile);
// Opened as the submission opens it for its 202, for the version the job reads.
const upload = await app.storage.uploads.open('bench/tape.csv');
if (!upload) throw new Error('the uploaded tape is not there');
const read = await activities.readTape(
  {
    job: {
      jobId,
      portfolioId: `bench-${size}`,
      analysisType: 'comprehensive',
      chunkSize: app.settings.chunking.chunkSize,
      allowPartial: false,
      asOf,
    },
    tape: { blobName: 'bench/tape.csv', etag: upload.etag, invalidRows: 'reject' },
  },
  async () => undefined,
);
if (read.kind !== 'read') throw new Error(`the tape was not read: ${JSON.stringify(read).slice(0, 2000)}`);
const { stagingId, chunkCount } = read;
const entries = Array.from({ length: chunkCount }, (_, n) => n);
const runs = await mapWithConcurrency(entries, app.settings.pipeline.maxConcurrentChunks, (n) =>
  activities.analyzeChunk(
    {
      jobId,
      stagingId,
      plan: { mode: 'all' },
      entry: n,
      reservationKey: `direct:${n}:0`,
      capCents: Number.MAX_SAFE_INTEGER,
      analysisType: 'comprehensive',
      asOf,
    },
    async () => undefined,
  ),
);
const seconds = (performance.now() - started) / 1000;
const stats = await sandbox.stats();
sandbox.child.kill('SIGTERM');
cosmos.child.kill('SIGTERM');
await azurite.stop();
rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    seconds,
    processed: runs.reduce((sum, run) => sum + run.delta.processed, 0),
    failed: runs.reduce((sum, run) => sum + run.delta.failed, 0),
    calls: stats.calls,
    rejected429: stats.rejected429,
    byProvider: stats.byProvider,
  }),
);
process.exit(0);
