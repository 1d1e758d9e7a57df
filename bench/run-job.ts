// One job on a fresh local stack, in a process of its own (the app keeps its clients for the life of the
// process, so each stack needs one). Prints one JSON line: time, sandbox calls, peak RSS, largest history.
// The app takes its settings from --env only (bench/job-settings.ts builds them), beside the stack's own.
// The tape is submitted by reference (`--submit blob`, default: a CSV uploaded from disk in a stream, as a
// lender's large tape is) or as one JSON body (`--submit body`: the body is also held by this process).
//   node bench/run-job.ts --size 10000 [--type comprehensive] [--latency 100 --rate 500] [--submit blob|body]
//     [--live-heap] [--env KEY=VALUE ...]
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createApiClient } from '../cli/api-client.ts';
import { UPLOADS_CONTAINER } from '../src/storage/uploads.ts';
import { followJob } from '../cli/follow-job.ts';
import { startLocalStack } from '../scripts/local-stack.ts';
import { parseEnvArguments } from './job-settings.ts';
import { spawnUntil } from './spawn-until.ts';
import { generateTape, uploadTape } from './tape.ts';
import { startVendorSandbox } from './vendor-sandbox.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string' },
    type: { type: 'string', default: 'comprehensive' },
    latency: { type: 'string', default: '0' },
    rate: { type: 'string' },
    submit: { type: 'string', default: 'blob' },
    'live-heap': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const size = Number(values.size);
const env = parseEnvArguments(values.env);
if (values.submit !== 'blob' && values.submit !== 'body') throw new Error('--submit is blob or body');
const byReference = values.submit === 'blob';
/**
 * POSTs the analyze request and answers its 202 body. Not fetch: fetch gives up after 300 s without an answer's
 * headers, and a large body (`--submit body`) is read, validated and staged before its 202 (a tape by reference is
 * answered at once and read by its job). @throws Error with the answer when it is not a 202.
 */
function submit(url: string, body: string): Promise<{ jobId: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (piece: string) => (text += piece));
        response.on('end', () =>
          response.statusCode === 202
            ? resolve(JSON.parse(text) as { jobId: string })
            : reject(new Error(`analyze answered ${response.statusCode}: ${text.slice(0, 2000)}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** V8's gc(), as --expose-gc would give it, for this process (no flag on the command line needed). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Each field of a memoryUsage() in whole MB. */
const mbOf = (usage: Partial<NodeJS.MemoryUsage>) =>
  Object.fromEntries(Object.entries(usage).map(([key, bytes]) => [key, Math.round(bytes / 2 ** 20)]));
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
let peakRss = 0;
let peakHeapUsed = 0;
/** process.memoryUsage() when RSS peaked: whether the peak is live heap, garbage not yet collected, or buffers. */
let atPeak: NodeJS.MemoryUsage | undefined;
setInterval(() => {
  const usage = process.memoryUsage();
  peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
  if (usage.rss > peakRss) [peakRss, atPeak] = [usage.rss, usage];
}, 100).unref();
// Where memory and event-loop stalls go over the run, on stderr (pipeline.ts shows it only when a run fails).
const recentLoopDelay = monitorEventLoopDelay({ resolution: 20 });
recentLoopDelay.enable();
// --live-heap: a full collection before each 30 s sample, so heapUsed is what is live (the working set), apart
// from the garbage V8 leaves while memory is plentiful. It lowers the peak RSS too: runs compared by peak RSS
// go without it.
const collect = values['live-heap'] ? exposeGc() : undefined;
let peakLiveHeap = 0;
setInterval(() => {
  collect?.();
  if (collect) peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const stallMs = Math.round(recentLoopDelay.max / 1e6);
  recentLoopDelay.reset();
  console.error(
    `${Math.round(performance.now() / 1000)} s: memory MB ${JSON.stringify(mbOf({ rss, heapUsed, heapTotal, external, arrayBuffers }))}, longest loop stall ${stallMs} ms`,
  );
}, 30_000).unref();

// The tape is generated by another process, and the Cosmos server and the sandbox run in processes of their
// own: the peak RSS measured here is the host's (devhost and the app), and with --submit body this
// process's copy of the request besides.
const dataDir = mkdtempSync(path.join(tmpdir(), 'pa-bench-'));
const bodyFile = path.join(dataDir, byReference ? 'tape.csv' : 'request.json');
generateTape(size, byReference ? 'csv' : 'json', bodyFile);
const cosmos = await spawnUntil(['scripts/cosmos-server.ts'], /cosmos listening on (\S+)/);
const cosmosEndpoint = cosmos.match[1]!;
const sandbox = await startVendorSandbox({
  latencyInMs: Number(values.latency),
  ...(values.rate !== undefined && { ratePerSecond: Number(values.rate) }),
});
const stack = await startLocalStack({
  port: 0,
  sandboxPort: 0,
  quiet: true,
  log: () => {},
  dataDir,
  cosmosEndpoint,
  // The stack's own sandbox stays idle: the app calls the one in its own process.
  env: {
    COSMOS_DATABASE: 'bench',
    AVM_BASE_URL: sandbox.url,
    FRAUD_REVIEW_BASE_URL: sandbox.url,
    ...env,
  },
});
const api = createApiClient({ baseUrl: stack.url });
const started = performance.now();
let body: string;
if (byReference) {
  // Uploaded from disk in blocks by another process, as `az storage blob upload` would; the request names it.
  await uploadTape(
    stack.storageConnectionString,
    env.UPLOADS_CONTAINER ?? UPLOADS_CONTAINER,
    'bench/tape.csv',
    bodyFile,
  );
  body = JSON.stringify({ portfolioId: `bench-${size}`, analysisType: values.type, propertiesBlob: 'bench/tape.csv' });
} else {
  // Sent as the generator wrote it (a comprehensive request), or with its analysis type swapped.
  body = readFileSync(bodyFile, 'utf8').replace('"analysisType":"comprehensive"', `"analysisType":"${values.type}"`);
}
const requested = performance.now();
const accepted = await submit(`${stack.url}/api/portfolio/analyze`, body);
// From the request to its 202: for a tape by reference, before the tape is read.
const acceptSeconds = (performance.now() - requested) / 1000;
// A tape by reference is read, validated and staged by the job after the 202 (status reading).
while ((await api.job(accepted.jobId)).status === 'reading') await sleep(200);
// The upload, the 202 and the read: the tape staged, as a synchronous submission answered before.
const submitSeconds = (performance.now() - started) / 1000;
// The peak while the tape was read and staged, apart from the run's.
const submitPeakRss = peakRss;
const job = await followJob(api, accepted.jobId, { pollIntervalMs: 200 });
const seconds = (performance.now() - started) / 1000;
const stats = await sandbox.stats();

// The largest orchestration history: the root, its run (`{jobId}:run`) and each lane (`{jobId}:run:lane-{n}`),
// as each stands at the end (a lane's earlier generations are gone: bench/history.ts counts every one).
const list = (await (
  await fetch(
    `${stack.url}/runtime/webhooks/durabletask/instances/?instanceIdPrefix=${encodeURIComponent(job.jobId)}&top=1000`,
  )
).json()) as Array<{ instanceId: string }>;
let largestHistory = 0;
/** Each lane's last generation's duration, first event to last: where the time of a big job goes. */
const laneSeconds: number[] = [];
/** The report's time: its run's aggregateReport, first attempt scheduled to last attempt answered. */
let reportSeconds: number | undefined;
for (const { instanceId } of list) {
  const status = (await (
    await fetch(
      `${stack.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showHistory=true`,
    )
  ).json()) as { historyEvents?: Array<{ Timestamp: string; FunctionName?: string; ScheduledTime?: string }> };
  const events = status.historyEvents ?? [];
  // An activity's row is its completion (or failure), with the time it was scheduled.
  const reports = events.filter((e) => e.FunctionName === 'aggregateReport' && e.ScheduledTime !== undefined);
  if (reports.length > 0)
    reportSeconds = (Date.parse(reports.at(-1)!.Timestamp) - Date.parse(reports[0]!.ScheduledTime!)) / 1000;
  largestHistory = Math.max(largestHistory, events.length);
  if (instanceId.includes(':lane-') && events.length > 1)
    laneSeconds.push((Date.parse(events.at(-1)!.Timestamp) - Date.parse(events[0]!.Timestamp)) / 1000);
}
await stack.stop();
cosmos.child.kill('SIGTERM');
sandbox.child.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    status: job.status,
    seconds,
    processed: job.progress.processed,
    failed: job.progress.failed,
    calls: stats.calls,
    rejected429: stats.rejected429,
    callingSeconds: stats.callingMs / 1000,
    answeredPerSecond: stats.answeredPerSecond,
    byProvider: stats.byProvider,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    peakHeapUsedMb: Math.round(peakHeapUsed / 2 ** 20),
    atPeakRssMb: atPeak && mbOf(atPeak),
    ...(collect && { peakLiveHeapMb: Math.round(peakLiveHeap / 2 ** 20) }),
    submitPeakRssMb: Math.round(submitPeakRss / 2 ** 20),
    largestHistory,
    instances: list.length,
    laneSeconds: laneSeconds.map((b) => Math.round(b * 10) / 10),
    ...(reportSeconds !== undefined && { reportSeconds: Math.round(reportSeconds * 10) / 10 }),
    submit: values.submit,
    acceptSeconds: Math.round(acceptSeconds * 100) / 100,
    submitSeconds: Math.round(submitSeconds * 10) / 10,
    loopDelayMaxMs: Math.round(loopDelay.max / 1e6),
    loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
  }),
);
process.exit(0);
