// In-process host on the CommonJS fixture without a master key (vitest forks: one app per test-file process).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost } from '../../src/host.ts';
import type { DevHost } from '../../src/host.ts';
import { fileStorageConnectionString } from '../azurite/helpers.ts';
import { fixture, recordingLogger } from './helpers.ts';

const log = recordingLogger();
let host: DevHost;

beforeAll(async () => {
  // A variable already set in the environment must win over local.settings.json.
  process.env.FIXTURE_PRESET = 'from-environment';
  // The fixture's queue trigger reads UseDevelopmentStorage: this file's account on the run's Azurite serves it
  // (cli.test.ts and no-orphans.test.ts cover devhost starting an Azurite of its own).
  host = await startDevHost({ appDir: fixture('cjs-app'), port: 0, log, storage: fileStorageConnectionString() });
});

afterAll(async () => {
  await host?.stop();
});

async function get(path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${host.url}${path}`, init);
}

describe('HTTP triggers (CJS fixture)', () => {
  it('serves a simple GET with the query string', async () => {
    const res = await get('/api/hello?name=Ada');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Hello, Ada');
  });

  it('passes route params including an optional segment', async () => {
    expect(await (await get('/api/items/7')).json()).toEqual({ params: { id: '7' } });
    expect(await (await get('/api/items/7/full')).json()).toEqual({ params: { id: '7', detail: 'full' } });
  });

  it('prefers literal routes and enforces constraints', async () => {
    expect(await (await get('/api/items/special')).text()).toBe('literal wins');
    expect((await get('/api/items/notanint')).status).toBe(404);
  });

  it('answers 405 when the route matches but not the method, 404 when nothing matches', async () => {
    expect((await get('/api/hello', { method: 'POST' })).status).toBe(405);
    expect((await get('/api/things/abc')).status).toBe(405);
    expect((await get('/api/things/abc', { method: 'DELETE' })).status).toBe(200);
    expect((await get('/api/nope')).status).toBe(404);
    expect((await get('/elsewhere')).status).toBe(404);
  });

  it('round-trips JSON bodies', async () => {
    const res = await get('/api/echo/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1, b: ['x'] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ received: { a: 1, b: ['x'] }, contentType: 'application/json' });
  });

  it('round-trips binary bodies byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 128, 10, 13]);
    const res = await get('/api/echo/binary', { method: 'PUT', body: bytes });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([...bytes].reverse()));
  });

  it('writes status, headers and cookies', async () => {
    const res = await get('/api/respond');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly; SameSite=Lax']);
    expect(await res.text()).toBe('created');
  });

  it('turns a throwing function into a bare 500 and logs the error with its stack', async () => {
    const res = await get('/api/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret failure detail');
    const errors = log.lines
      .filter((l) => l.level === 'error')
      .map((l) => l.msg)
      .join('\n');
    expect(errors).toMatch(/Executed 'Functions\.boom' \(Failed, Id=[\w-]+, Duration=\d+ms\)/);
    expect(errors).toContain('secret failure detail');
    expect(errors).toContain('http.js');
  });

  it('is open for every auth level when no master key is set', async () => {
    expect((await get('/api/secure')).status).toBe(200);
    expect((await get('/api/adminOnly')).status).toBe(200);
  });

  it('applies local.settings.json without overriding the environment, and sets WEBSITE_HOSTNAME', async () => {
    const body = (await (await get('/api/settings')).json()) as Record<string, unknown>;
    expect(body.setting).toBe('from-local-settings');
    expect(body.preset).toBe('from-environment');
    expect(body.websiteHostname).toBe(`127.0.0.1:${host.port}`);
  });

  it('runs app and invocation hooks', async () => {
    const body = (await (await get('/api/settings')).json()) as { hooks: Record<string, unknown> };
    expect(body.hooks.appStart).toBe(1);
    expect(body.hooks.preInvocation).toContain('settings');
    expect(body.hooks.postInvocation).toContain('hello:pre');
  });

  it('forwards context.log output to the host logger with its level', async () => {
    await get('/api/settings');
    expect(log.lines).toContainEqual({ level: 'info', msg: 'settings called' });
    expect(log.lines).toContainEqual({ level: 'warn', msg: 'settings warning' });
    // log hooks may rewrite message and level
    expect(log.lines).toContainEqual({ level: 'warn', msg: 'rewritten by log hook' });
    expect(log.lines.some((l) => l.msg === 'rewrite me')).toBe(false);
    expect(
      log.lines.some((l) => /^Executed 'Functions\.settings' \(Succeeded, Id=[\w-]+, Duration=\d+ms\)$/.test(l.msg)),
    ).toBe(true);
  });

  it('reports host status', async () => {
    const res = await get('/admin/host/status');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'Running' });
  });

  it('ran the runOnStartup timer once with the camelCased timer payload', async () => {
    const state = (await (await get('/api/state')).json()) as { tick: Array<Record<string, unknown>> };
    expect(state.tick).toHaveLength(1);
    expect(state.tick[0]).toMatchObject({ schedule: { adjustForDST: true }, isPastDue: false });
    expect((state.tick[0]?.scheduleStatus as { next: string }).next).toMatch(/-01-01T00:00:00.000Z$/);
  });

  it('invokes non-HTTP functions through POST /admin/functions/{name} with 202', async () => {
    const timer = await get('/admin/functions/manualTimer', { method: 'POST', body: JSON.stringify({ input: '' }) });
    expect(timer.status).toBe(202);
    const queue = await get('/admin/functions/QueueWorker', {
      method: 'POST',
      body: JSON.stringify({ input: 'hello queue' }),
    });
    expect(queue.status).toBe(202);
    const state = (await (await get('/api/state')).json()) as {
      manual: Array<{ functionName: string; timer: Record<string, unknown> }>;
      queue: unknown[];
    };
    expect(state.manual).toHaveLength(1);
    expect(state.manual[0]?.functionName).toBe('manualTimer');
    expect(state.manual[0]?.timer).toMatchObject({ schedule: { adjustForDST: true }, isPastDue: false });
    expect(state.queue).toEqual(['hello queue']);
    expect((await get('/admin/functions/doesNotExist', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await get('/admin/functions/hello', { method: 'POST', body: '{}' })).status).toBe(400);
  });

  it('rejects bodies over 100 MB with 413', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${host.url}/api/echo/binary`, {
        method: 'POST',
        headers: { 'content-length': String(101 * 1024 * 1024), 'content-type': 'application/octet-stream' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
        req.destroy();
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  });
});
