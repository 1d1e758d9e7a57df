// The AVM and AI-review sandbox as the benchmarks use it: in a process of its own, as a vendor is remote.
// In the measured process it would compete for the same event loop, and under load the app's 5 s call
// timeouts then fire on answers the sandbox had already sent (each timeout a repeated paid call).
import type { ChildProcess } from 'node:child_process';
import type { SandboxStats } from '../sandbox/server.ts';
import { spawnUntil } from './spawn-until.ts';

/** A sandbox child: its base URL, its stats and a stop. */
export interface VendorSandbox {
  url: string;
  child: ChildProcess;
  /** GET /stats: calls answered (retries included), by provider, 429s, abandoned calls. */
  stats(): Promise<SandboxStats>;
}

/** Starts sandbox/cli.ts at `latencyInMs` (ms per answer) and, if given, a `ratePerSecond` window. */
export async function startVendorSandbox(options: {
  latencyInMs: number;
  ratePerSecond?: number;
}): Promise<VendorSandbox> {
  const { child, match } = await spawnUntil(['sandbox/cli.ts'], /sandbox listening on (\S+)/, {
    ...process.env,
    SANDBOX_PORT: '0',
    SANDBOX_LATENCY_MS: String(options.latencyInMs),
    SANDBOX_RATE_PER_SECOND: options.ratePerSecond === undefined ? '' : String(options.ratePerSecond),
  });
  const url = match[1]!;
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as SandboxStats,
  };
}
