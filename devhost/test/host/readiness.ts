// Shared by the readiness tests: a host of the slow-start fixture on a port known before it has started.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevHost, type DevHost } from '../../src/host.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { freePort } from '../free-port.ts';
import { fixture, recordingLogger } from './helpers.ts';

export interface StartingHost {
  base: string;
  /** Lets the app finish loading. */
  open(): void;
  /** Removes the gate file. */
  dispose(): void;
  started: Promise<DevHost>;
}

/** Starts the slow-start app; the returned host stays Starting until `open()`. */
export async function startSlowHost(
  options: { startupHoldMs?: number; masterKey?: string } = {},
): Promise<StartingHost> {
  const gate = join(tmpdir(), `devhost-slow-start-${process.pid}-${Date.now()}`);
  process.env.SLOW_START_GATE = gate;
  const port = await freePort();
  const started = startDevHost({ appDir: fixture('slow-start-app'), port, log: recordingLogger(), ...options });
  started.catch(() => undefined);
  return {
    base: `http://127.0.0.1:${port}`,
    open: () => writeFileSync(gate, ''),
    dispose: () => rmSync(gate, { force: true }),
    started,
  };
}

/** The host's reported state, once its port answers. */
export async function hostState(base: string, key?: string): Promise<string> {
  for (const end = Date.now() + WAIT_MS; Date.now() < end;) {
    try {
      const response = await fetch(`${base}/admin/host/status`, key ? { headers: { 'x-functions-key': key } } : {});
      return ((await response.json()) as { state: string }).state;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error(`no host status at ${base}`);
}
