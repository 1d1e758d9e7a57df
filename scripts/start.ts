// `npm start [-- --fresh] [-- --memory] [-- --data DIR]`: the local stack until Ctrl-C, its state kept in
// a data folder (default .local/) so a restart, even after kill -9, loses nothing. Configured by
// environment variables beside these options (README: Quickstart).
import { parseArgs } from 'node:util';
import { launchedByNpm, whenParentGone } from 'devhost';
import { startLocalStack, type LocalStack } from './local-stack.ts';

const { values: args } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});

function numberFrom(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`${name} must be a non-negative number, got '${raw}'`);
    process.exit(2);
  }
  return value;
}

/** The stack once started (a service may be lost while it starts). */
const running: { stack?: LocalStack } = {};
let stopping = false;
/** Stops every service, then exits with `code`. */
function stop(why: string, code: number): void {
  if (stopping) return;
  stopping = true;
  console.log(`\n${why}; stopping...`);
  (running.stack?.stop() ?? Promise.resolve()).then(
    () => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

const rate = numberFrom('SANDBOX_RATE_PER_SECOND');
const stack = await startLocalStack({
  port: numberFrom('PORT', 7071)!,
  sandboxPort: numberFrom('SANDBOX_AVM_PORT', 7081)!,
  sandbox: {
    latencyInMs: numberFrom('SANDBOX_LATENCY_MS', 0)!,
    jitterInMs: numberFrom('SANDBOX_JITTER_MS', 0)!,
    failureRate: numberFrom('SANDBOX_FAILURE_RATE', 0)!,
    ...(rate !== undefined && { ratePerSecond: rate }),
  },
  quiet: process.env.QUIET !== 'false',
  masterKey: process.env.DEVHOST_MASTER_KEY,
  state: args.memory ? 'memory' : 'disk',
  fresh: args.fresh,
  ...(args.data !== undefined && { dataDir: args.data }),
  onServiceLost: (reason) => stop(`the stack cannot go on: ${reason}`, 1),
});
running.stack = stack;
console.log(`\nPortfolio Analytics is running: ${stack.url}/api  (Ctrl-C to stop)`);
console.log(`Dashboard: ${stack.url}/api/dashboard/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(`${signal} received`, 0));
// `npm start` runs this in `sh -c`, and npm passes a SIGTERM only to that shell (devhost/src/parent-watch.ts).
if (launchedByNpm()) whenParentGone(() => stop('the process that started the stack ended', 0));
