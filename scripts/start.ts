// `npm start`: the local stack until Ctrl-C. Configured by environment variables (README: Local stack).
import { launchedByNpm, whenParentGone } from 'devhost';
import { startLocalStack } from './local-stack.ts';

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
});
console.log(`\nPortfolio Analytics is running: ${stack.url}/api  (Ctrl-C to stop)`);
console.log(`Dashboard: ${stack.url}/api/dashboard/`);

let stopping = false;
function stop(reason: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}, stopping...`);
  stack.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(`${signal} received`));
// `npm start` runs this in `sh -c`, and npm passes a SIGTERM only to that shell (devhost/src/parent-watch.ts).
if (launchedByNpm()) whenParentGone(() => stop('the process that started the stack ended'));
