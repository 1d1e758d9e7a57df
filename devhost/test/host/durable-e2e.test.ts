// End to end with the default durable engine (src/durable/engine.ts): an HTTP starter starts an orchestration that
// calls an activity; the public status URL the client returned reports the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost } from '../../src/host.ts';
import type { DevHost } from '../../src/host.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { fixture, recordingLogger } from './helpers.ts';

let host: DevHost;

beforeAll(async () => {
  host = await startDevHost({ appDir: fixture('host-durable-app'), port: 0, log: recordingLogger() });
});

afterAll(async () => {
  await host?.stop();
});

describe('durable end to end (default engine)', () => {
  it('runs orchestration -> activity and reports completion at statusQueryGetUri', async () => {
    const res = await fetch(`${host.url}/api/start/Ada`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { statusQueryGetUri } = (await res.json()) as { statusQueryGetUri: string };
    expect(statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/`)).toBe(true);
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (const end = Date.now() + WAIT_MS; Date.now() < end && status.runtimeStatus !== 'Completed';) {
      status = (await (await fetch(statusQueryGetUri)).json()) as typeof status;
      if (status.runtimeStatus !== 'Completed') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello, Ada!' });
  });
});
