// How the host wires a durable engine: client binding data reaches durable-functions' getClient, the client's
// HTTP calls come back to the engine's handler on the same port, and durable triggers run through the invoker.
// The engine here is a stub; the real one lives in src/durable/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost } from '../../src/host.ts';
import type { DevHost } from '../../src/host.ts';
import type { DurableEngineContext } from '../../src/durable-contract.ts';
import { createInvoker, decodeTypedData } from '../../src/invoker.ts';
import { fixture, recordingLogger } from './helpers.ts';

const calls: Array<{ method: string | undefined; path: string; prefix: string; body: string }> = [];
let engineCtx: DurableEngineContext | undefined;
let started = 0;
let stopped = 0;
let host: DevHost;
const log = recordingLogger();

function clientData(baseUrl: string): unknown {
  const webhook = `${baseUrl}/runtime/webhooks/durabletask`;
  const q = 'taskHub=FixtureHub&connection=Storage';
  return {
    taskHubName: 'FixtureHub',
    creationUrls: {
      createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]`,
      createAndWaitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${webhook}/instances/INSTANCEID?${q}`,
      sendEventPostUri: `${webhook}/instances/INSTANCEID/raiseEvent/{eventName}?${q}`,
      terminatePostUri: `${webhook}/instances/INSTANCEID/terminate?reason={text}&${q}`,
      rewindPostUri: `${webhook}/instances/INSTANCEID/rewind?reason={text}&${q}`,
      purgeHistoryDeleteUri: `${webhook}/instances/INSTANCEID?${q}`,
      restartPostUri: `${webhook}/instances/INSTANCEID/restart?${q}`,
      suspendPostUri: `${webhook}/instances/INSTANCEID/suspend?reason={text}&${q}`,
      resumePostUri: `${webhook}/instances/INSTANCEID/resume?reason={text}&${q}`,
    },
    baseUrl: webhook,
    requiredQueryStringParameters: '',
    rpcBaseUrl: `${baseUrl}/durabletask/`,
    httpBaseUrl: null,
  };
}

async function stubHandle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  prefix: 'webhook' | 'rpc',
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  calls.push({ method: req.method, path, prefix, body: Buffer.concat(chunks).toString('utf8') });
  res.setHeader('content-type', 'application/json');
  if (req.method === 'POST' && path.startsWith('orchestrators/')) {
    res.writeHead(202).end(JSON.stringify({ id: 'inst-1' }));
  } else if (req.method === 'GET' && path === 'instances/inst-1') {
    res.writeHead(200).end(
      JSON.stringify({
        name: 'helloOrchestrator',
        instanceId: 'inst-1',
        runtimeStatus: 'Completed',
        input: 'Ada',
        output: 'Hello, Ada!',
        createdTime: '2024-01-01T00:00:00Z',
        lastUpdatedTime: '2024-01-01T00:00:01Z',
      }),
    );
  } else {
    res.writeHead(404).end('{}');
  }
}

beforeAll(async () => {
  host = await startDevHost({
    appDir: fixture('host-durable-app'),
    port: 0,
    log,
    durable: (ctx) => {
      engineCtx = ctx;
      return {
        clientBindingData: () => clientData(ctx.baseUrl),
        handle: stubHandle,
        start: async () => void started++,
        stop: async () => void stopped++,
      };
    },
  });
});

afterAll(async () => {
  await host?.stop();
  expect(stopped).toBe(1);
});

describe('durable wiring', () => {
  it('builds the engine with the host context and starts it', () => {
    expect(started).toBe(1);
    expect(engineCtx?.baseUrl).toBe(host.url);
    expect(engineCtx?.store).toBe('memory');
    expect(engineCtx?.hostJson).toMatchObject({ extensions: { durableTask: { hubName: 'FixtureHub' } } });
  });

  it('registers durable triggers with their types and the client binding', () => {
    const fns = host.app.registry.functions;
    expect(fns.get('helloorchestrator')?.triggerType).toBe('orchestrationTrigger');
    expect(fns.get('sayhello')?.triggerType).toBe('activityTrigger');
    expect(fns.get('starthello')?.durableClientBindingName).toMatch(/^durableClient/);
    expect(fns.get('starthello')?.returnBindingType).toBe('http');
  });

  it('hands client binding data to getClient and routes its rpc calls to the engine', async () => {
    const res = await fetch(`${host.url}/api/start/Ada`, { method: 'POST' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, string>;
    expect(body.id).toBe('inst-1');
    // WEBSITE_HOSTNAME is set, so getClient keeps our origin instead of localhost:7071.
    expect(body.statusQueryGetUri).toBe(
      `${host.url}/runtime/webhooks/durabletask/instances/inst-1?taskHub=FixtureHub&connection=Storage`,
    );
    expect(calls).toContainEqual({
      method: 'POST',
      path: 'orchestrators/helloOrchestrator',
      prefix: 'rpc',
      body: '"Ada"',
    });

    const status: unknown = await (await fetch(`${host.url}/api/status/inst-1`)).json();
    expect(status).toEqual({ name: 'helloOrchestrator', runtimeStatus: 'Completed', output: 'Hello, Ada!' });
  });

  it('routes webhook paths to the engine', async () => {
    const res = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/inst-1?taskHub=FixtureHub`);
    expect(res.status).toBe(200);
    expect(calls.at(-1)).toMatchObject({ path: 'instances/inst-1', prefix: 'webhook' });
  });

  it('invokes an activity through the invoker and returns its result as typed data', async () => {
    const invoker = createInvoker(host.app, { log });
    const fn = host.app.registry.functions.get('sayhello');
    if (!fn) throw new Error('sayHello not registered');
    const outcome = await invoker.invoke(fn, {
      inputData: [{ name: fn.triggerBindingName, data: { string: JSON.stringify('Grace') } }],
    });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(decodeTypedData(outcome.returnValue)).toBe('Hello, Grace!');
  });

  it('reports a failing invocation as an outcome instead of throwing', async () => {
    const invoker = createInvoker(host.app, { log });
    const fn = host.app.registry.functions.get('sayhello');
    if (!fn) throw new Error('sayHello not registered');
    const outcome = await invoker.invoke(fn, { inputData: [{ name: 'noSuchBinding', data: { string: '1' } }] });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/Failed to find binding "noSuchBinding"/);
  });
});
