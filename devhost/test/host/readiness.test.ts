// Start-up as the Functions host does it: the status says Starting while the app loads, and a request that
// arrives meanwhile is held and served once the host is up (not answered 503).
import { afterAll, expect, it } from 'vitest';
import type { DevHost } from '../../src/host.ts';
import { hostState, startSlowHost, type StartingHost } from './readiness.ts';

let host: DevHost | undefined;
let starting: StartingHost | undefined;
afterAll(async () => {
  await host?.stop();
  starting?.dispose();
});

it('reports Starting, holds an early request, then serves it and reports Running', async () => {
  starting = await startSlowHost();
  expect(await hostState(starting.base)).toBe('Starting');
  const early = fetch(`${starting.base}/api/hello`);
  expect(await hostState(starting.base)).toBe('Starting');
  starting.open();
  host = await starting.started;
  const response = await early;
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('hello after start');
  expect(await hostState(starting.base)).toBe('Running');
});
