// In-process host on the ES-module fixture: host.json route prefix, default routes, catch-all, defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost } from '../../src/host.ts';
import type { DevHost } from '../../src/host.ts';
import { loadApp } from '../../src/loader.ts';
import { fixture, recordingLogger } from './helpers.ts';

let host: DevHost;

beforeAll(async () => {
  host = await startDevHost({ appDir: fixture('esm-app'), port: 0, log: recordingLogger() });
});

afterAll(async () => {
  await host?.stop();
});

describe('ESM app', () => {
  it('uses the function name as the default route under the host.json prefix', async () => {
    const res = await fetch(`${host.url}/v1/ping`, { method: 'POST' });
    expect(await res.json()).toEqual({ method: 'POST', setting: 'esm-local-value' });
    expect((await fetch(`${host.url}/api/ping`)).status).toBe(404);
    // default methods are GET and POST
    expect((await fetch(`${host.url}/v1/ping`, { method: 'DELETE' })).status).toBe(405);
  });

  it('fills catch-all and defaulted parameters', async () => {
    expect(await (await fetch(`${host.url}/v1/files/a/b/c.txt`)).json()).toEqual({ path: 'a/b/c.txt' });
    expect(await (await fetch(`${host.url}/v1/files`)).json()).toEqual({ path: null });
    expect(await (await fetch(`${host.url}/v1/greet`)).text()).toBe('hi friend');
    expect(await (await fetch(`${host.url}/v1/greet/Zoe`)).text()).toBe('hi Zoe');
  });

  it('refuses to load a second, different app in the same process', async () => {
    await expect(loadApp(fixture('cjs-app'))).rejects.toThrow(/already loaded the app .*one app per process/);
    // the same app again is the same LoadedApp
    expect(await loadApp(fixture('esm-app'))).toBe(host.app);
  });
});
