// A request held while the host starts gets 503 "Function host is not running." once the hold bound passes
// (HostAvailabilityCheckMiddleware); with a master key, the status itself needs the key.
import { afterAll, expect, it } from 'vitest';
import type { DevHost } from '../../src/host.ts';
import { hostState, startSlowHost, type StartingHost } from './readiness.ts';

let host: DevHost | undefined;
let starting: StartingHost | undefined;
afterAll(async () => {
  await host?.stop();
  starting?.dispose();
});

it('answers 503 after the hold bound while the app still loads', async () => {
  starting = await startSlowHost({ startupHoldMs: 200, masterKey: 'readiness-key' });
  expect(await hostState(starting.base, 'readiness-key')).toBe('Starting');
  expect((await fetch(`${starting.base}/admin/host/status`)).status).toBe(401);
  const held = await fetch(`${starting.base}/api/hello`);
  expect(held.status).toBe(503);
  expect(await held.text()).toBe('Function host is not running.');
  starting.open();
  host = await starting.started;
  expect(await hostState(starting.base, 'readiness-key')).toBe('Running');
});
