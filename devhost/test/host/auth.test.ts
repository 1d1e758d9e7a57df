// Host with a master key: function/admin auth levels and the admin API need it; anonymous stays open.
// Also runs without a durable engine (durable: false).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost } from '../../src/host.ts';
import type { DevHost } from '../../src/host.ts';
import { deriveSystemKey, DURABLE_SYSTEM_KEY_NAME } from '../../src/keys.ts';
import { fileStorageConnectionString } from '../azurite/helpers.ts';
import { fixture, recordingLogger } from './helpers.ts';

const KEY = 'test-master-key';
let host: DevHost;

beforeAll(async () => {
  host = await startDevHost({
    appDir: fixture('cjs-app'),
    port: 0,
    masterKey: KEY,
    log: recordingLogger(),
    durable: false,
    // The fixture's queue trigger reads UseDevelopmentStorage: this file's account on the run's Azurite.
    storage: fileStorageConnectionString(),
  });
});

afterAll(async () => {
  await host?.stop();
});

describe('auth levels with a master key', () => {
  it('keeps anonymous functions open', async () => {
    expect((await fetch(`${host.url}/api/hello`)).status).toBe(200);
  });

  it('requires the key for function and admin levels (401 otherwise)', async () => {
    expect((await fetch(`${host.url}/api/secure`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/secure?code=wrong`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/adminOnly`)).status).toBe(401);
    const byQuery = await fetch(`${host.url}/api/secure?code=${KEY}`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toBe('function-level ok');
    expect((await fetch(`${host.url}/api/adminOnly`, { headers: { 'x-functions-key': KEY } })).status).toBe(200);
  });

  it('does not open function-level routes to the Durable extension system key', async () => {
    const systemKey = deriveSystemKey(KEY, DURABLE_SYSTEM_KEY_NAME);
    expect((await fetch(`${host.url}/api/secure?code=${systemKey}`)).status).toBe(401);
  });

  it('protects the admin invoke endpoint', async () => {
    const body = JSON.stringify({ input: '' });
    expect((await fetch(`${host.url}/admin/functions/manualTimer`, { method: 'POST', body })).status).toBe(401);
    const ok = await fetch(`${host.url}/admin/functions/manualTimer`, {
      method: 'POST',
      body,
      headers: { 'x-functions-key': KEY },
    });
    expect(ok.status).toBe(202);
  });

  it('answers 404 on durable paths when the durable engine is disabled', async () => {
    expect((await fetch(`${host.url}/runtime/webhooks/durabletask/instances?code=${KEY}`)).status).toBe(404);
    expect((await fetch(`${host.url}/durabletask/instances/x`)).status).toBe(404);
  });
});
