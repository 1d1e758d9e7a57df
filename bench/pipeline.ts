// Pipeline benchmarks of DESIGN §7 (never part of npm test). Each scenario prints its figures and ratio.
//   npm run bench -- [--scenario overhead|provider|scale|crash|all] [--size 10000] [--scale-size 100000]
// overhead: 10,000 properties, comprehensive, zero-latency sandbox: end to end on devhost against the same
//           chunk work (analyzeChunk with the same storage writes) run directly in one process.
// provider: 10,000 properties, sandbox at 100 ms latency and 500 requests/s: share of the limit sustained.
// scale:    100,000 properties: time (against 10x the 10,000 run), peak RSS, largest orchestration history.
// crash:    the host killed with SIGKILL mid-job and restarted (bench/crash.ts, also npm run bench:crash).
// Every job runs in a process of its own (bench/run-job.ts), the direct baseline in bench/direct-chunks.ts.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    size: { type: 'string', default: '10000' },
    'scale-size': { type: 'string', default: '100000' },
  },
});
const SIZE = Number(values.size);
const SCALE_SIZE = Number(values['scale-size']);
const scenarios = values.scenario === 'all' ? ['overhead', 'provider', 'scale', 'crash'] : [values.scenario];

interface JobRun {
  status: string;
  seconds: number;
  processed: number;
  failed: number;
  calls: number;
  rejected429: number;
  peakRssMb: number;
  largestHistory: number;
  instances: number;
}

function lastJsonLine<T>(output: string): T {
  return JSON.parse(output.trim().split('\n').at(-1)!) as T;
}

function runJob(size: number, options: { latency?: number; rate?: number; env?: Record<string, string> } = {}): JobRun {
  const args = ['bench/run-job.ts', '--size', String(size), '--latency', String(options.latency ?? 0)];
  if (options.rate !== undefined) args.push('--rate', String(options.rate));
  for (const [k, v] of Object.entries(options.env ?? {})) args.push('--env', `${k}=${v}`);
  const run = lastJsonLine<JobRun>(
    execFileSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 2 ** 20,
    }),
  );
  if (run.status !== 'completed') throw new Error(`a ${size}-property job ended ${run.status}`);
  return run;
}

console.log(
  `Portfolio Analytics benchmarks, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB`,
);

if (scenarios.includes('overhead')) {
  const devhost = runJob(SIZE);
  const direct = lastJsonLine<{ seconds: number }>(
    execFileSync(process.execPath, ['bench/direct-chunks.ts', '--size', String(SIZE)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  console.log(`\n[overhead] ${SIZE} properties comprehensive, zero-latency sandbox`);
  console.log(
    `  devhost end to end: ${devhost.seconds.toFixed(1)} s (${(SIZE / devhost.seconds).toFixed(0)} properties/s)`,
  );
  console.log(
    `  same chunk work directly: ${direct.seconds.toFixed(1)} s (${(SIZE / direct.seconds).toFixed(0)} properties/s)`,
  );
  console.log(`  ratio: ${(devhost.seconds / direct.seconds).toFixed(2)}x (target <= 1.5x)`);
}

if (scenarios.includes('provider')) {
  // Client-side limits split the sandbox's single 500/s window: the two AVMs 350/s each (the secondary is
  // asked for about a quarter of the properties), the reviewer 40/s.
  const run = runJob(SIZE, {
    latency: 100,
    rate: 500,
    env: {
      AVM_RATE_PER_SECOND: '350',
      FRAUD_REVIEW_RATE_PER_SECOND: '40',
      PROPERTY_CONCURRENCY: '16',
    },
  });
  const rate = run.calls / run.seconds;
  console.log(`\n[provider] ${SIZE} properties comprehensive, sandbox 100 ms latency, 500 requests/s limit`);
  console.log(
    `  ${run.seconds.toFixed(1)} s, ${run.calls} provider calls answered (${rate.toFixed(0)}/s), ${run.rejected429} answered 429`,
  );
  console.log(
    `  utilisation of the limit: ${((rate / 500) * 100).toFixed(0)}% (target >= 85%; ideal ${(run.calls / 500).toFixed(0)} s)`,
  );
}

if (scenarios.includes('scale')) {
  // The same concurrency at both sizes (8 chunks at a time: 8 lanes), so the ratio measures how the work
  // scales, not how a 2-core machine copes with more concurrency.
  const constant = { env: { MAX_CONCURRENT_CHUNKS: '8' } };
  const small = runJob(SCALE_SIZE / 10, constant);
  const big = runJob(SCALE_SIZE, constant);
  console.log(`\n[scale] comprehensive, zero-latency sandbox, 8 chunks at a time`);
  console.log(
    `  ${SCALE_SIZE / 10}: ${small.seconds.toFixed(1)} s, peak RSS ${small.peakRssMb} MB, largest history ${small.largestHistory} events`,
  );
  console.log(
    `  ${SCALE_SIZE}: ${big.seconds.toFixed(1)} s, peak RSS ${big.peakRssMb} MB, largest history ${big.largestHistory} events over ${big.instances} instances`,
  );
  console.log(`  time ratio to 10x: ${(big.seconds / (small.seconds * 10)).toFixed(2)} (target within 15%: 0.85-1.15)`);
  console.log(
    `  peak RSS of the host process (devhost, the app, the sandbox; Azurite and the Cosmos server run apart): ${big.peakRssMb} MB (target < 1,024 MB)`,
  );
  console.log(`  largest orchestration history: ${big.largestHistory} events (target < 1,000)`);
}
if (scenarios.includes('crash')) {
  const output = execFileSync(process.execPath, ['bench/crash.ts', '--size', String(SIZE / 2)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  console.log(
    `\n${output
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('[crash]') || line.startsWith('  '))
      .join('\n')}`,
  );
}
process.exit(0);
