// Orchestration history sizes of a 1,000,000-property job (issue 16.4): every history must stay under 1,000
// events whatever the portfolio's size. A history's length depends on the number of chunks, the lanes and
// the budget waits, not on what a chunk holds, so this runs the real engine over 10,000 chunks of
// 100-property jobs' shape (totalProperties 1,000,000, chunkSize 100) whose staged blobs hold one property
// each: every reservation, activity and settlement of the 1,000,000-property job happens, in minutes
// instead of hours (the 1,000,000-property run itself needs the streaming intake of issue 16.3). Devhost
// runs in this process on its memory task hub; each orchestration episode's history is counted as devhost
// hands it to the SDK, so the maximum printed is exact, per execution (a lane continues as new).
//   npm run build && node bench/history.ts [--properties 1000000] [--chunk-size 100] [--lanes 16]
import { parseArgs } from 'node:util';
import { startDevHost, type Invoker } from 'devhost';
import { createDurableEngine } from '../devhost/src/durable/engine.ts';
import { loadSettings } from '../src/config.ts';
import { estimateCents } from '../src/domain/cost.ts';
import { chunkCountFor } from '../src/domain/chunking.ts';
import { runOptionsOf } from '../src/jobs/submit-job.ts';
import { createStorageClients, openStorage } from '../src/storage/clients.ts';
import { stageProperties } from '../src/jobs/chunk-stager.ts';
import { ORCHESTRATIONS, type PortfolioAnalysisInput } from '../src/workflow.ts';
import { generatePortfolio } from '../examples/portfolio.ts';
import { startLocalServices } from '../scripts/local-services.ts';

const { values } = parseArgs({
  options: {
    properties: { type: 'string', default: '1000000' },
    'chunk-size': { type: 'string', default: '100' },
    lanes: { type: 'string', default: '16' },
  },
});
const total = Number(values.properties);
const chunkSize = Number(values['chunk-size']);
const chunkCount = chunkCountFor(total, chunkSize);

/** Largest history seen per execution, and the orchestrator that ran it. */
const executions = new Map<string, { orchestrator: string; events: number; inputBytes: number }>();
function counting(invoker: Invoker): Invoker {
  return {
    ...invoker,
    invoke(fn, request) {
      if (fn.triggerType.toLowerCase() === 'orchestrationtrigger') {
        const text = request.inputData[0]!.data.string!;
        const payload = JSON.parse(text) as {
          instanceId: string;
          input: unknown;
          history: Array<{ EventType: number }>;
        };
        const started = payload.history.find((e) => e.EventType === 0) as
          { OrchestrationInstance?: { ExecutionId?: string } } | undefined;
        const key = `${payload.instanceId}|${started?.OrchestrationInstance?.ExecutionId ?? ''}`;
        const seen = executions.get(key);
        executions.set(key, {
          orchestrator: fn.name,
          events: Math.max(seen?.events ?? 0, payload.history.length),
          inputBytes: JSON.stringify(payload.input).length,
        });
      }
      return invoker.invoke(fn, request);
    },
  };
}

const services = await startLocalServices();
await services.ready;
const env = {
  AzureWebJobsStorage: services.endpoints.storageConnectionString,
  COSMOS_ENDPOINT: services.endpoints.cosmosEndpoint,
  COSMOS_KEY: services.endpoints.cosmosKey,
  COSMOS_DATABASE: 'history',
  TASK_HUB_NAME: 'history',
  AVM_MODE: 'simulated',
  FRAUD_REVIEW_MODE: 'simulated',
  NIGHTLY_SCHEDULE: '0 0 2 * * *',
  CHUNK_SIZE: String(chunkSize),
  MAX_CONCURRENT_CHUNKS: values.lanes,
};
Object.assign(process.env, env);
const settings = loadSettings(process.env);
const storage = await openStorage(createStorageClients(settings.storage));
const jobId = `history-${total}`;
const properties = [...generatePortfolio({ size: chunkCount })].map((g) => g.property);
let started = performance.now();
const { stagingId } = await stageProperties(storage.staging, jobId, properties, 1);
console.log(
  `staged ${chunkCount} chunk blobs of one property each in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const host = await startDevHost({
  appDir: new URL('..', import.meta.url).pathname,
  port: 0,
  quiet: true,
  durable: (ctx) => createDurableEngine({ ...ctx, invoker: counting(ctx.invoker) }),
  log: { info() {}, warn() {}, error: (m) => console.error(m) },
});
const options = runOptionsOf(settings);
const input: PortfolioAnalysisInput = {
  job: {
    jobId,
    portfolioId: 'history',
    analysisType: 'comprehensive',
    totalProperties: total,
    chunkCount,
    chunkSize,
    stagingId,
    estimatedCents: estimateCents(total, 'comprehensive', options.prices),
    allowPartial: false,
    asOf: new Date().toISOString(),
  },
  options,
  run: { kind: 'analysis' },
};
started = performance.now();
const created = await fetch(
  `${host.url}/runtime/webhooks/durabletask/orchestrators/${ORCHESTRATIONS.portfolioAnalysis}/${jobId}`,
  { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) },
);
if (created.status !== 202) throw new Error(`start: ${created.status} ${await created.text()}`);
for (;;) {
  const status = (await (await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${jobId}`)).json()) as {
    runtimeStatus: string;
  };
  if (['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus)) {
    if (status.runtimeStatus !== 'Completed') throw new Error(`the job ended ${JSON.stringify(status)}`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
const seconds = (performance.now() - started) / 1000;
await host.stop();
await services.stop();

console.log(
  `[history] ${total.toLocaleString('en-US')} properties in ${chunkCount.toLocaleString('en-US')} chunks of ${chunkSize}, ${options.lanes} lanes: ${seconds.toFixed(0)} s`,
);
const byOrchestrator = new Map<string, Array<{ events: number; inputBytes: number }>>();
for (const e of executions.values())
  byOrchestrator.set(e.orchestrator, [...(byOrchestrator.get(e.orchestrator) ?? []), e]);
for (const [name, list] of byOrchestrator) {
  const events = list.map((e) => e.events);
  console.log(
    `  ${name}: ${list.length} executions, history events max ${Math.max(...events)}, mean ${Math.round(events.reduce((a, b) => a + b, 0) / events.length)}; input at most ${Math.max(...list.map((e) => e.inputBytes))} bytes`,
  );
}
const largest = Math.max(...[...executions.values()].map((e) => e.events));
console.log(`  largest history: ${largest} events (${largest < 1_000 ? 'under' : 'NOT under'} 1,000)`);
process.exit(largest < 1_000 ? 0 : 1);
