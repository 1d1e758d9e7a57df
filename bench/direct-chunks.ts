// The chunk work of a job run directly in one process, without the Functions host or orchestrations:
// analyzeChunk over staged chunks with the same storage writes and concurrency. The baseline of the
// engine-overhead scenario (bench/pipeline.ts runs this in its own process and reads the last line).
//   node bench/direct-chunks.ts --size 10000
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createActivities } from '../src/app.ts';
import { createAppServices, startApp } from '../src/services.ts';
import { chunk } from '../src/domain/chunking.ts';
import { generatePortfolio } from '../examples/portfolio.ts';
import { startLocalServices } from '../scripts/local-services.ts';
import { startSandbox } from '../sandbox/server.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '10000' } } });
const properties = [...generatePortfolio({ size: Number(values.size) })].map((g) => g.property);
const services = await startLocalServices();
await services.ready;
const sandbox = await startSandbox({ port: 0 });
const env = {
  ...process.env,
  AzureWebJobsStorage: services.endpoints.storageConnectionString,
  COSMOS_ENDPOINT: services.endpoints.cosmosEndpoint,
  COSMOS_KEY: services.endpoints.cosmosKey,
  COSMOS_DATABASE: `direct-${randomUUID().slice(0, 8)}`,
  AVM_MODE: 'http',
  AVM_BASE_URL: sandbox.url,
  FRAUD_REVIEW_MODE: 'http',
  FRAUD_REVIEW_BASE_URL: sandbox.url,
};
const app = await createAppServices(startApp(env));
const activities = createActivities(app);
const jobId = `direct-${randomUUID().slice(0, 8)}`;
const chunks = chunk(properties, app.settings.chunking.chunkSize);
const concurrency = app.settings.pipeline.maxConcurrentChunks;
const asOf = new Date().toISOString();
const started = performance.now();
await app.storage.staging.stageChunks(jobId, chunks);
for (let i = 0; i < chunks.length; i += concurrency) {
  await Promise.all(
    chunks.slice(i, i + concurrency).map((_, k) =>
      activities.analyzeChunk(
        {
          jobId,
          plan: { mode: 'all' },
          entry: i + k,
          reservationKey: `direct:${i + k}:0`,
          capCents: Number.MAX_SAFE_INTEGER,
          analysisType: 'comprehensive',
          asOf,
        },
        async () => undefined,
      ),
    ),
  );
}
const seconds = (performance.now() - started) / 1000;
await sandbox.close();
await services.stop();
console.log(JSON.stringify({ seconds, properties: properties.length }));
process.exit(0);
