// Pipeline benchmarks of DESIGN §7 (never part of npm test). Each scenario prints its figures and ratio.
//   npm run bench -- [--scenario overhead|provider|scale|all] [--size 10000] [--scale-size 100000]
// overhead: 10,000 properties, comprehensive, zero-latency sandbox: end to end on devhost against the same
//           chunk work (analyzeChunk with the same storage writes) run directly in one process.
// provider: 10,000 properties, sandbox at 100 ms latency and 500 requests/s: share of the limit sustained.
// scale:    100,000 properties: time (against 10x the 10,000 run), peak RSS, largest orchestration history.
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { generatePortfolio } from '../examples/portfolio.ts';
import { createApiClient } from '../cli/api-client.ts';
import { followJob } from '../cli/follow-job.ts';
import { startLocalStack, type LocalStack } from '../scripts/local-stack.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'all' }, size: { type: 'string', default: '10000' }, 'scale-size': { type: 'string', default: '100000' } } });
const SIZE = Number(values.size);
const SCALE_SIZE = Number(values['scale-size']);
const scenarios = values.scenario === 'all' ? ['overhead', 'provider', 'scale'] : [values.scenario!];

const portfolio = (size: number) => [...generatePortfolio({ size })].map((g) => g.property);
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
rssTimer.unref();

console.log(`Portfolio Analytics benchmarks, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB`);

/** No client-side provider limit: the overhead and scale scenarios measure the engine, not a vendor's rate. */
const UNLIMITED = { AVM_RATE_PER_SECOND: '100000', FRAUD_REVIEW_RATE_PER_SECOND: '100000' };

async function withStack<T>(options: Parameters<typeof startLocalStack>[0], fn: (stack: LocalStack) => Promise<T>): Promise<T> {
  const stack = await startLocalStack({ port: 0, sandboxPort: 0, quiet: true, log: () => {}, ...options, env: { COSMOS_DATABASE: `bench-${randomUUID().slice(0, 8)}`, TASK_HUB_NAME: `bench${randomUUID().slice(0, 8)}`, ...UNLIMITED, ...options?.env } });
  try {
    return await fn(stack);
  } finally {
    await stack.stop();
  }
}

async function runJob(stack: LocalStack, properties: unknown[], analysisType = 'comprehensive'): Promise<{ seconds: number; jobId: string; processed: number; failed: number }> {
  const api = createApiClient({ baseUrl: stack.url });
  const started = performance.now();
  const accepted = await api.analyze(JSON.stringify({ portfolioId: `bench-${properties.length}`, analysisType, properties }), 'application/json');
  const job = await followJob(api, accepted.jobId, { pollIntervalMs: 200 });
  const seconds = (performance.now() - started) / 1000;
  if (job.status !== 'completed') throw new Error(`job ${job.jobId} ended ${job.status}: ${job.error ?? ''}`);
  return { seconds, jobId: job.jobId, processed: job.progress.processed, failed: job.progress.failed };
}

async function largestHistory(stack: LocalStack, jobId: string): Promise<{ instance: string; events: number }> {
  const ids = [jobId];
  const list = (await (await fetch(`${stack.url}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=${encodeURIComponent(`${jobId}:`)}&top=1000`)).json()) as Array<{ instanceId: string }>;
  ids.push(...list.map((i) => i.instanceId));
  let largest = { instance: jobId, events: 0 };
  for (const id of ids) {
    const status = (await (await fetch(`${stack.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true`)).json()) as { historyEvents?: unknown[] };
    const events = status.historyEvents?.length ?? 0;
    if (events > largest.events) largest = { instance: id, events };
  }
  return largest;
}

const results: Record<string, number> = {};

if (scenarios.includes('overhead')) {
  const properties = portfolio(SIZE);
  const devhost = await withStack({}, async (stack) => runJob(stack, properties));
  // The same chunk work directly, in its own process (this one has the Functions host loaded).
  const output = execFileSync(process.execPath, ['bench/direct-chunks.ts', '--size', String(SIZE)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...UNLIMITED } });
  const direct = (JSON.parse(output.trim().split('\n').at(-1)!) as { seconds: number }).seconds;
  results.overheadRatio = devhost.seconds / direct;
  console.log(`\n[overhead] ${SIZE} properties comprehensive, zero-latency sandbox`);
  console.log(`  devhost end to end: ${devhost.seconds.toFixed(1)} s (${(SIZE / devhost.seconds).toFixed(0)} properties/s)`);
  console.log(`  same chunk work directly: ${direct.toFixed(1)} s (${(SIZE / direct).toFixed(0)} properties/s)`);
  console.log(`  ratio: ${results.overheadRatio.toFixed(2)}x (target <= 1.5x)`);
}

if (scenarios.includes('provider')) {
  const properties = portfolio(SIZE);
  await withStack({ sandbox: { latencyInMs: 100, ratePerSecond: 500 }, env: { AVM_RATE_PER_SECOND: '250', FRAUD_REVIEW_RATE_PER_SECOND: '50', PROPERTY_CONCURRENCY: '32' } }, async (stack) => {
    await fetch(`${stack.sandboxUrl}/stats/reset`, { method: 'POST' });
    const run = await runJob(stack, properties);
    const stats = (await (await fetch(`${stack.sandboxUrl}/stats`)).json()) as { calls: number; rejected429: number };
    const rate = stats.calls / run.seconds;
    results.providerUtilisation = rate / 500;
    console.log(`\n[provider] ${SIZE} properties comprehensive, sandbox 100 ms latency, 500 requests/s limit`);
    console.log(`  ${run.seconds.toFixed(1)} s, ${stats.calls} provider calls answered (${rate.toFixed(0)}/s), ${stats.rejected429} answered 429`);
    console.log(`  utilisation of the limit: ${(results.providerUtilisation * 100).toFixed(0)}% (target >= 85%; ideal ${(stats.calls / 500).toFixed(0)} s)`);
  });
}

if (scenarios.includes('scale')) {
  const small = await withStack({}, async (stack) => runJob(stack, portfolio(SCALE_SIZE / 10)));
  peakRss = 0;
  const big = await withStack({}, async (stack) => {
    const run = await runJob(stack, portfolio(SCALE_SIZE));
    const history = await largestHistory(stack, run.jobId);
    return { ...run, history };
  });
  results.scaleRatio = big.seconds / (small.seconds * 10);
  console.log(`\n[scale] ${SCALE_SIZE} properties comprehensive`);
  console.log(`  ${SCALE_SIZE / 10}: ${small.seconds.toFixed(1)} s; ${SCALE_SIZE}: ${big.seconds.toFixed(1)} s; ratio to 10x: ${results.scaleRatio.toFixed(2)} (target within 15%)`);
  console.log(`  peak RSS of the process (devhost, app, Cosmos server, sandbox): ${(peakRss / 2 ** 20).toFixed(0)} MB (target < 1 GB)`);
  console.log(`  largest orchestration history: ${big.history.events} events (${big.history.instance}; target < 1,000)`);
}
process.exit(0);
