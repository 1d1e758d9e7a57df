// Runs the sandbox from the command line: `node sandbox/cli.ts`, configured by environment variables.
import { startSandbox } from './server.ts';
import type { SandboxOptions } from './server.ts';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return value;
}

function optionsFromEnv(): SandboxOptions {
  const options: SandboxOptions = { port: numberFromEnv('SANDBOX_PORT') ?? 7081 };
  const latencyInMs = numberFromEnv('SANDBOX_LATENCY_MS');
  const jitterInMs = numberFromEnv('SANDBOX_JITTER_MS');
  const ratePerSecond = numberFromEnv('SANDBOX_RATE_PER_SECOND');
  const failureRate = numberFromEnv('SANDBOX_FAILURE_RATE');
  if (latencyInMs !== undefined) options.latencyInMs = latencyInMs;
  if (jitterInMs !== undefined) options.jitterInMs = jitterInMs;
  if (ratePerSecond !== undefined) options.ratePerSecond = ratePerSecond;
  if (failureRate !== undefined) options.failureRate = failureRate;
  if (process.env.SANDBOX_API_KEY) options.apiKey = process.env.SANDBOX_API_KEY;
  return options;
}

const sandbox = await startSandbox(optionsFromEnv());
console.log(`sandbox listening on ${sandbox.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
