// Pipeline benchmarks of DESIGN §7 and issue 16 (never part of npm test). Each scenario prints its figures,
// its ratio and its target; a child that fails prints its own errors and the scenario fails loudly instead of
// printing a ratio of unlike runs.
//   npm run bench -- [--scenario overhead|provider|scale|crash|all] [--size 10000] [--scale-size 100000]
//     [--rounds 3]
// overhead: 10,000 properties, comprehensive, zero-latency sandbox: end to end on devhost against the same
//           work run directly (the same tape uploaded and read by readTape, then analyzeChunk with the same
//           storage writes, settings and lanes); --rounds pairs of runs, the median of their ratios.
// provider: 10,000 properties, sandbox at 100 ms latency and 500 requests/s: share of the limit sustained,
//           with the limit configured as the providers' ceiling and with nothing configured; then the same job
//           with no limit at all, for what the machine sustains at that latency.
// scale:    --scale-size properties against a tenth of them: time (against 10x), peak RSS, largest history.
// crash:    the host killed with SIGKILL mid-job and restarted (bench/crash.ts, also npm run bench:crash).
// Every job runs in a process of its own (bench/run-job.ts), the direct baseline in bench/direct-chunks.ts.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchJobEnv, envArguments, type ProviderLimits } from './job-settings.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    size: { type: 'string', default: '10000' },
    'scale-size': { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
  },
});
const SIZE = Number(values.size);
const SCALE_SIZE = Number(values['scale-size']);
const ROUNDS = Number(values.rounds);
const scenarios = values.scenario === 'all' ? ['overhead', 'provider', 'scale', 'crash'] : [values.scenario];

/** What bench/run-job.ts prints of one job. */
interface JobRun {
  status: string;
  seconds: number;
  processed: number;
  failed: number;
  calls: number;
  rejected429: number;
  /** From the vendor's first admitted request to its last answer: the span in which it was called. */
  callingSeconds: number;
  peakRssMb: number;
  /** The peak by the time the 202 came back (reading and staging the tape). */
  submitPeakRssMb: number;
  largestHistory: number;
  instances: number;
  submitSeconds: number;
}

/**
 * Runs a bench script in a process of its own (with Node's `nodeOptions`) and returns its last stdout line as JSON.
 * @throws Error carrying the child's exit status and the tail of its stderr when it fails.
 */
function runChild<T>(script: string, args: string[], nodeOptions: string[] = []): T {
  const child = spawnSync(process.execPath, [...nodeOptions, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(
      `${script} ${args.join(' ')} exited ${child.status ?? child.signal}:\n${child.stderr.trim().split('\n').slice(-40).join('\n')}`,
    );
  return JSON.parse(last) as T;
}

interface JobOptions {
  limits: ProviderLimits;
  latency?: number;
  rate?: number;
  env?: Record<string, string>;
}

const sandboxArguments = (options: JobOptions) => [
  '--latency',
  String(options.latency ?? 0),
  ...(options.rate === undefined ? [] : ['--rate', String(options.rate)]),
  ...envArguments(benchJobEnv(options.limits, options.env)),
];

/**
 * V8's heap limit of the deployed worker, in MB (infra/main.bicep `workerHeapMB`, passed as
 * --max-old-space-size): the host is measured as it runs in Azure, where V8 collects before its RSS grows past
 * a large submission's garbage.
 */
const DEPLOYED_HEAP_MB = 450;

/** One job end to end; @throws Error unless it completed with every property analysed. */
function runJob(size: number, options: JobOptions): JobRun {
  const run = runChild<JobRun>(
    'bench/run-job.ts',
    ['--size', String(size), ...sandboxArguments(options)],
    [`--max-old-space-size=${DEPLOYED_HEAP_MB}`],
  );
  if (run.status !== 'completed' || run.processed !== size || run.failed !== 0)
    throw new Error(
      `a ${size}-property job ended ${run.status} with ${run.processed} processed and ${run.failed} failed`,
    );
  return run;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(0)}%`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const median = (values: number[]) => {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

console.log(
  `Portfolio Analytics benchmarks, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, load ${loadavg()[0]!.toFixed(1)} at start`,
);

if (scenarios.includes('overhead')) {
  // Rounds, each the two runs back to back, and the median of their ratios: on a shared machine one pair of runs
  // can differ by a quarter either way (three pairs at load 2: 1.17x to 1.38x, docs/performance.md).
  const options: JobOptions = { limits: 'unlimited' };
  console.log(
    `\n[overhead] ${SIZE} properties comprehensive, zero-latency sandbox, same settings both ways, ${ROUNDS} rounds`,
  );
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const devhost = runJob(SIZE, options);
    const direct = runChild<{ seconds: number; processed: number; failed: number; calls: number }>(
      'bench/direct-chunks.ts',
      ['--size', String(SIZE), ...sandboxArguments(options)],
      [`--max-old-space-size=${DEPLOYED_HEAP_MB}`],
    );
    if (direct.processed !== SIZE || direct.failed !== 0 || direct.calls !== devhost.calls)
      throw new Error(
        `unlike runs: directly ${direct.processed} processed, ${direct.failed} failed, ${direct.calls} calls; end to end ${devhost.processed}, ${devhost.failed}, ${devhost.calls}`,
      );
    ratios.push(devhost.seconds / direct.seconds);
    console.log(
      `  round ${round}: devhost end to end ${devhost.seconds.toFixed(1)} s (submission ${devhost.submitSeconds} s), the same tape read and chunks analysed directly ${direct.seconds.toFixed(1)} s, ${direct.calls} provider calls each: ${ratios.at(-1)!.toFixed(2)}x`,
    );
  }
  const ratio = median(ratios);
  console.log(`  median ratio: ${ratio.toFixed(2)}x (target <= 1.15x: ${met(ratio <= 1.15)})`);
}

if (scenarios.includes('provider')) {
  const LIMIT = 500;
  console.log(`\n[provider] ${SIZE} properties comprehensive, sandbox 100 ms latency, ${LIMIT} requests/s limit`);
  const runs: Array<[string, ProviderLimits, number]> = [
    [`ceiling ${LIMIT}/s configured`, { ceilingPerSecond: LIMIT }, 0.95],
    ['nothing configured (the limiter finds it)', 'adaptive', 0.9],
  ];
  const callingRate = (run: JobRun) => run.calls / run.callingSeconds;
  for (const [label, limits, target] of runs) {
    const run = runJob(SIZE, { limits, latency: 100, rate: LIMIT, env: { PROPERTY_CONCURRENCY: '16' } });
    const rate = run.calls / run.seconds;
    console.log(
      `  ${label}: ${run.seconds.toFixed(1)} s, ${run.calls} calls answered (${rate.toFixed(0)}/s), ${run.rejected429} answered 429; ` +
        `${percent(rate / LIMIT)} of the limit (target >= ${percent(target)}: ${met(rate / LIMIT >= target)}; ideal ${(run.calls / LIMIT).toFixed(1)} s)`,
    );
    // The same calls over the span the vendor was called (the submission before it and the report after it
    // left out): what the limiter made of the vendor's limit.
    console.log(
      `    as the vendor saw it: ${run.calls} calls in ${run.callingSeconds.toFixed(1)} s from its first request to its last answer (${callingRate(run).toFixed(0)}/s), ${percent(callingRate(run) / LIMIT)} of the limit; submission ${run.submitSeconds.toFixed(1)} s`,
    );
  }
  // The same job against a vendor with no limit and no client-side limit: what this machine sustains at 100 ms
  // latency at all. Where it is near the limit, the figures above measure the machine as much as the limiter.
  const free = runJob(SIZE, { limits: 'unlimited', latency: 100, env: { PROPERTY_CONCURRENCY: '16' } });
  console.log(
    `  no limit anywhere (the job's own pace at 100 ms): ${free.seconds.toFixed(1)} s, ${(free.calls / free.seconds).toFixed(0)}/s end to end, ${callingRate(free).toFixed(0)}/s as the vendor saw it`,
  );
}

if (scenarios.includes('scale')) {
  // The same lanes at both sizes, so the ratio measures how the work scales, not how 2 cores cope with more.
  const options: JobOptions = { limits: 'unlimited', env: { MAX_CONCURRENT_CHUNKS: '8' } };
  const small = runJob(SCALE_SIZE / 10, options);
  const big = runJob(SCALE_SIZE, options);
  const ratio = big.seconds / (small.seconds * 10);
  console.log(
    `\n[scale] comprehensive, zero-latency sandbox, 8 lanes, V8 heap limited to ${DEPLOYED_HEAP_MB} MB as deployed`,
  );
  for (const run of [small, big])
    console.log(
      `  ${run.processed}: ${run.seconds.toFixed(1)} s (submission ${run.submitSeconds} s), peak RSS ${run.peakRssMb} MB (${run.submitPeakRssMb} MB by the end of submission), largest history ${run.largestHistory} events over ${run.instances} instances`,
    );
  console.log(`  time ratio to 10x: ${ratio.toFixed(2)} (target within 10%: ${met(ratio >= 0.9 && ratio <= 1.1)})`);
  const peak = Math.max(small.peakRssMb, big.peakRssMb);
  console.log(
    `  peak RSS of the host process (devhost and the app; Azurite, the Cosmos server and the sandbox run apart): ${peak} MB (target < 600 MB: ${met(peak < 600)})`,
  );
  console.log(
    `  largest orchestration history at the end (each lane's last generation; bench/history.ts counts every one): ${big.largestHistory} events (target < 1,000: ${met(big.largestHistory < 1000)})`,
  );
}

if (scenarios.includes('crash')) {
  const child = spawnSync(process.execPath, ['bench/crash.ts', '--size', String(SIZE / 2)], { encoding: 'utf8' });
  if (child.status !== 0)
    throw new Error(`bench/crash.ts exited ${child.status ?? child.signal}:\n${child.stderr.trim().slice(-4000)}`);
  console.log(
    `\n${child.stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('[crash]') || line.startsWith('  '))
      .join('\n')}`,
  );
}
process.exit(0);
