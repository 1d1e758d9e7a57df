// Records real orchestration histories for the replay tests (test/unit/orchestrators/replay.test.ts): runs
// a few jobs on devhost (memory task hub) against the local stack and the sandbox, and keeps, for every
// execution of every orchestration (each continueAsNew starts a new one), its last episode: the payload
// devhost handed the SDK (history, input, instance id) and the state the SDK answered (actions, output,
// custom status). Replaying that history through the current orchestrator code must answer the same.
//   npm run record:histories     (writes test/unit/orchestrators/recorded/<scenario>.json)
// Each scenario runs in a process of its own: the app reads its settings once per process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { startDevHost, decodeTypedData, type Invoker } from 'devhost';
import { createDurableEngine } from '../devhost/src/durable/engine.ts';
import { startSandbox } from '../sandbox/server.ts';
import { startLocalServices } from './local-services.ts';
import { isFinal, type JobStatus } from '../src/domain/job-status.ts';

export interface RecordedEpisode {
  orchestrator: string;
  instanceId: string;
  /** The trigger payload devhost sent (durable-protocol.md §2.1). */
  payload: { history: unknown[]; input: unknown; instanceId: string } & Record<string, unknown>;
  /** What the SDK answered (OrchestratorState): isDone, actions, output, error, customStatus, schemaVersion. */
  response: unknown;
}

const OUT = new URL('../test/unit/orchestrators/recorded/', import.meta.url);
const sample = JSON.parse(readFileSync(new URL('../examples/portfolio-1000.json', import.meta.url), 'utf8')) as {
  properties: unknown[];
};

/** An invoker that keeps each orchestration execution's latest episode, keyed by instance and execution. */
function recording(invoker: Invoker, episodes: Map<string, RecordedEpisode>): Invoker {
  return {
    ...invoker,
    async invoke(fn, request) {
      const outcome = await invoker.invoke(fn, request);
      if (fn.triggerType.toLowerCase() === 'orchestrationtrigger' && outcome.ok) {
        const payload = JSON.parse(request.inputData[0]!.data.string!) as RecordedEpisode['payload'];
        const started = payload.history.find((e) => (e as { EventType: number }).EventType === 0) as
          { OrchestrationInstance?: { ExecutionId?: string } } | undefined;
        const execution = started?.OrchestrationInstance?.ExecutionId ?? '';
        episodes.set(`${payload.instanceId}|${execution}`, {
          orchestrator: fn.name,
          instanceId: payload.instanceId,
          payload,
          response: decodeTypedData(outcome.returnValue),
        });
      }
      return outcome;
    },
  };
}

const { values } = parseArgs({ options: { scenario: { type: 'string' } } });

interface Scenario {
  name: string;
  env: Record<string, string>;
  run(url: string): Promise<void>;
}

/** Uploads a tape to the uploads container, as a lender does before naming it in a request (propertiesBlob). */
async function uploadTape(name: string, content: string): Promise<void> {
  const container = BlobServiceClient.fromConnectionString(process.env.AzureWebJobsStorage!).getContainerClient(
    process.env.UPLOADS_CONTAINER!,
  );
  await container.createIfNotExists();
  await container.getBlockBlobClient(name).upload(content, Buffer.byteLength(content), {
    blobHTTPHeaders: { blobContentType: 'text/csv' },
  });
}

const sampleCsv = readFileSync(new URL('../examples/portfolio-1000.csv', import.meta.url), 'utf8').split('\n');

async function post(url: string, path: string, body: unknown): Promise<{ jobId: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { jobId: string };
}

async function finished(url: string, jobId: string): Promise<string> {
  for (;;) {
    const { job } = (await (await fetch(`${url}/api/portfolio/jobs/${jobId}`)).json()) as {
      job: { status: JobStatus };
    };
    if (isFinal(job.status)) return job.status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const scenarios: Scenario[] = [
  {
    // 80 chunks over 2 lanes: each lane continues as new; a storage fault after some valuations feeds a retry pass.
    name: 'analysis',
    env: { CHUNK_SIZE: '3', MAX_CONCURRENT_CHUNKS: '2', CHAOS_FAULT_AFTER_VALUATION_RATE: '0.1', RETRY_PASSES: '1' },
    async run(url) {
      const { jobId } = await post(url, '/api/portfolio/analyze', {
        portfolioId: 'replay',
        analysisType: 'comprehensive',
        properties: sample.properties.slice(0, 240),
      });
      console.log(`analysis: ${await finished(url, jobId)}`);
    },
  },
  {
    // A budget of a fifth of the estimate over 3 lanes: waits, a partial grant, the budget stop; then a redrive.
    name: 'budget-redrive',
    env: { CHUNK_SIZE: '10', MAX_CONCURRENT_CHUNKS: '3' },
    async run(url) {
      const { jobId } = await post(url, '/api/portfolio/analyze', {
        portfolioId: 'replay-budget',
        analysisType: 'comprehensive',
        properties: sample.properties.slice(0, 100),
        budget: 2,
        allowPartial: true,
      });
      console.log(`budget: ${await finished(url, jobId)}`);
      await post(url, `/api/portfolio/jobs/${jobId}/redrive`, { include: 'failed-and-left', budget: 20 });
      console.log(`redrive: ${await finished(url, jobId)}`);
    },
  },
  {
    // The budget stops a job with failures (no retry pass); a redrive of its failed properties leaves what the
    // budget left (it ends budget_exceeded again); a redrive with failed-and-left and the budget to cover them ends
    // it. Both redrives name the job's previous status: their runs initialise the entity before reopening it.
    name: 'redrive-left',
    env: { CHUNK_SIZE: '10', MAX_CONCURRENT_CHUNKS: '2', CHAOS_FAULT_AFTER_VALUATION_RATE: '0.1', RETRY_PASSES: '0' },
    async run(url) {
      const { jobId } = await post(url, '/api/portfolio/analyze', {
        portfolioId: 'replay-left',
        analysisType: 'valuation',
        properties: sample.properties.slice(0, 60),
        budget: 1,
        allowPartial: true,
      });
      console.log(`budget: ${await finished(url, jobId)}`);
      await post(url, `/api/portfolio/jobs/${jobId}/redrive`, { budget: 1.5 });
      console.log(`redrive failed: ${await finished(url, jobId)}`);
      await post(url, `/api/portfolio/jobs/${jobId}/redrive`, { include: 'failed-and-left', budget: 20 });
      console.log(`redrive failed-and-left: ${await finished(url, jobId)}`);
    },
  },
  {
    // Tapes by reference, read by the job's root after the 202 (readTape): one analysed, one refused (a row without
    // a ZIP), one over its budget; the last two end rejected through endBeforeRun.
    name: 'by-reference',
    env: { CHUNK_SIZE: '10', MAX_CONCURRENT_CHUNKS: '2' },
    async run(url) {
      const tape = `${sampleCsv.slice(0, 31).join('\n')}\n`;
      await uploadTape('replay/good.csv', tape);
      await uploadTape('replay/bad.csv', tape.replace(',TX,77013,', ',TX,,'));
      const fields = { portfolioId: 'replay-blob', analysisType: 'valuation' };
      const good = await post(url, '/api/portfolio/analyze', { ...fields, propertiesBlob: 'replay/good.csv' });
      console.log(`by reference: ${await finished(url, good.jobId)}`);
      const bad = await post(url, '/api/portfolio/analyze', { ...fields, propertiesBlob: 'replay/bad.csv' });
      console.log(`invalid: ${await finished(url, bad.jobId)}`);
      const dear = await post(url, '/api/portfolio/analyze', {
        ...fields,
        propertiesBlob: 'replay/good.csv',
        budget: 0.1,
      });
      console.log(`over budget: ${await finished(url, dear.jobId)}`);
    },
  },
  {
    // Cancelled while every lane holds calls in flight.
    name: 'cancel',
    env: { CHUNK_SIZE: '10', MAX_CONCURRENT_CHUNKS: '2', PROPERTY_CONCURRENCY: '2' },
    async run(url) {
      sandbox.hold();
      const { jobId } = await post(url, '/api/portfolio/analyze', {
        portfolioId: 'replay-cancel',
        analysisType: 'valuation',
        properties: sample.properties.slice(0, 100),
      });
      while (sandbox.stats().pending < 4) await new Promise((resolve) => setTimeout(resolve, 20));
      await fetch(`${url}/api/portfolio/jobs/${jobId}`, { method: 'DELETE' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      sandbox.release();
      console.log(`cancel: ${await finished(url, jobId)}`);
    },
  },
];

mkdirSync(OUT, { recursive: true });
if (values.scenario === undefined) {
  for (const { name } of scenarios)
    execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--scenario', name], { stdio: 'inherit' });
  process.exit(0);
}
const scenario = scenarios.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`unknown scenario '${values.scenario}'`);
const services = await startLocalServices();
await services.ready;
const sandbox = await startSandbox({ port: 0, latencyInMs: 2 });
const episodes = new Map<string, RecordedEpisode>();
const databaseId = `replay-${scenario.name}`;
Object.assign(process.env, {
  AzureWebJobsStorage: services.endpoints.storageConnectionString,
  COSMOS_ENDPOINT: services.endpoints.cosmosEndpoint,
  COSMOS_KEY: services.endpoints.cosmosKey,
  COSMOS_DATABASE: databaseId,
  STAGING_CONTAINER: `staging-${databaseId}`,
  UPLOADS_CONTAINER: `uploads-${databaseId}`,
  TASK_HUB_NAME: 'replay',
  AVM_MODE: 'http',
  AVM_BASE_URL: sandbox.url,
  FRAUD_REVIEW_MODE: 'http',
  FRAUD_REVIEW_BASE_URL: sandbox.url,
  AVM_RATE_PER_SECOND: '5000',
  FRAUD_REVIEW_RATE_PER_SECOND: '5000',
  NIGHTLY_SCHEDULE: '0 0 2 * * *',
  ...scenario.env,
});
const host = await startDevHost({
  appDir: new URL('..', import.meta.url).pathname,
  port: 0,
  quiet: true,
  durable: (ctx) => createDurableEngine({ ...ctx, invoker: recording(ctx.invoker, episodes) }),
  log: { info() {}, warn() {}, error: (m) => console.error(m) },
});
await scenario.run(host.url);
await host.stop();
const recorded = [...episodes.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
writeFileSync(new URL(`${scenario.name}.json`, OUT), `${JSON.stringify(recorded)}\n`);
console.log(`${scenario.name}: ${recorded.length} executions recorded`);
await sandbox.close();
await services.stop();
process.exit(0);
