// Keys as in Azure, with a master key set: the durable webhooks and the durable client routes need the Durable
// extension's system key (or the master key), the URLs devhost hands out carry the system key and never the
// master key, the admin API needs the master key; the app's own durable client still works (loopback RPC).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost, type DevHost } from '../../src/host.ts';
import { deriveSystemKey, DURABLE_SYSTEM_KEY_NAME } from '../../src/keys.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { fixture, recordingLogger } from './helpers.ts';

const MASTER = 'keys-test-master-key';
let host: DevHost;

beforeAll(async () => {
  host = await startDevHost({
    appDir: fixture('orchestration-app'),
    port: 0,
    masterKey: MASTER,
    log: recordingLogger(),
  });
});
afterAll(() => host?.stop());

const withKey = (url: string, key: string) => `${url}${url.includes('?') ? '&' : '?'}code=${encodeURIComponent(key)}`;

describe('keys with a master key set', () => {
  let systemKey = '';
  let started: { id: string; statusQueryGetUri: string; terminatePostUri: string; sendEventPostUri: string };

  it('hands out the extension system key through the admin API, to the master key only', async () => {
    const url = `${host.url}/admin/host/systemkeys/${DURABLE_SYSTEM_KEY_NAME}`;
    expect((await fetch(url)).status).toBe(401);
    const response = await fetch(url, { headers: { 'x-functions-key': MASTER } });
    expect(response.status).toBe(200);
    const key = (await response.json()) as { name: string; value: string };
    expect(key).toEqual({ name: DURABLE_SYSTEM_KEY_NAME, value: deriveSystemKey(MASTER, DURABLE_SYSTEM_KEY_NAME) });
    systemKey = key.value;
    expect(systemKey).not.toBe(MASTER);
    expect((await fetch(withKey(url, systemKey))).status).toBe(401);
  });

  it('starts through the app’s own durable client; the URLs carry the system key, never the master key', async () => {
    const response = await fetch(`${host.url}/api/start/waitForApproval`, { method: 'POST' });
    expect(response.status).toBe(202);
    const text = await response.text();
    expect(text).not.toContain(MASTER);
    started = JSON.parse(text) as typeof started;
    expect(new URL(started.statusQueryGetUri).searchParams.get('code')).toBe(systemKey);
  });

  it('serves the webhooks with the system key or the master key, and nothing without a key', async () => {
    expect([200, 202]).toContain((await fetch(started.statusQueryGetUri)).status);
    const bare = started.statusQueryGetUri.replace(/&code=[^&]*/, '');
    expect((await fetch(bare)).status).toBe(401);
    expect((await fetch(withKey(bare, 'wrong'))).status).toBe(401);
    expect([200, 202]).toContain((await fetch(withKey(bare, MASTER))).status);
    const list = `${host.url}/runtime/webhooks/durabletask/instances`;
    expect((await fetch(list)).status).toBe(401);
    expect((await fetch(list, { headers: { 'x-functions-key': systemKey } })).status).toBe(200);
  });

  it('refuses unsigned management calls: terminate, raise event, entity signals, the client routes', async () => {
    const bare = (url: string) => url.replace(/&code=[^&]*/, '');
    expect((await fetch(bare(started.terminatePostUri.replace('{text}', 'x')), { method: 'POST' })).status).toBe(401);
    const signal = `${host.url}/runtime/webhooks/durabletask/entities/counter/forged?op=add`;
    expect((await fetch(signal, { method: 'POST', body: '1000000' })).status).toBe(401);
    expect((await fetch(`${host.url}/durabletask/instances/${started.id}`)).status).toBe(401);
    expect((await fetch(`${host.url}/runtime/webhooks/durabletask/entities/counter/forged`)).status).toBe(401);
    // and the instance is untouched
    expect(await (await fetch(started.statusQueryGetUri)).json()).toMatchObject({ runtimeStatus: 'Running' });
  });

  it('accepts the handed-out URLs as they are', async () => {
    const approve = await fetch(started.sendEventPostUri.replace('{eventName}', 'approve'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '"ok"',
    });
    expect(approve.status).toBe(202);
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (const end = Date.now() + WAIT_MS; Date.now() < end && status.runtimeStatus !== 'Completed';) {
      status = (await (await fetch(started.statusQueryGetUri)).json()) as typeof status;
      if (status.runtimeStatus !== 'Completed') await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'approved: "ok"' });
  });

  it('guards the admin API with the master key alone', async () => {
    expect((await fetch(`${host.url}/admin/host/status`)).status).toBe(401);
    expect((await fetch(withKey(`${host.url}/admin/host/status`, systemKey))).status).toBe(401);
    expect((await fetch(withKey(`${host.url}/admin/host/status`, MASTER))).status).toBe(200);
  });

  it('derives the same system key from the same master key (URLs survive a restart)', () => {
    expect(deriveSystemKey(MASTER, DURABLE_SYSTEM_KEY_NAME)).toBe(systemKey);
    expect(deriveSystemKey('another master key', DURABLE_SYSTEM_KEY_NAME)).not.toBe(systemKey);
  });
});
