// A stand-in for the AVM vendors and the Azure OpenAI deployment, for development and tests: real
// HTTP, real 429s, 503s and slow answers, deterministic values. node:http only, no framework.
//
// Routes:
//   POST /avm/{provider}/valuations                          body { property } -> AvmQuote
//   POST /openai/deployments/{deployment}/chat/completions   Azure OpenAI chat completion
//   GET  /stats        { calls, byProvider, distinctProperties, rejected429, failed503, abandoned, pending,
//                        callingMs }
//   POST /stats/reset
// `calls` counts valuation and review requests answered 200 (the ones a vendor would bill), `byProvider`
// the same per AVM provider and per AI deployment (name in the route): with a price per name, the bill;
// `distinctProperties` counts the propertyIds among them (both routes together); 401, 429, 503
// and 400 answers are not calls. Stats routes need no key and are not rate limited.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from './prng.ts';
import { answerChat, answerValuation, AVM_ROUTE, CHAT_ROUTE } from './routes.ts';
import type { RouteResult } from './routes.ts';
import { SlidingWindowLimiter } from './sliding-window.ts';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Added before every valuation or review answer (200 or 503). */
  latencyInMs?: number;
  /** Extra random delay, 0 to jitterInMs, on top of latencyInMs. */
  jitterInMs?: number;
  /** Admitted requests per sliding second; undefined = unlimited. */
  ratePerSecond?: number;
  /** Fraction of admitted requests answered 503. */
  failureRate?: number;
  /** Seeds the PRNG behind failures and jitter. */
  seed?: number;
  /** When set, requests must carry it in `x-api-key` or `api-key`, else 401. */
  apiKey?: string;
}

export interface SandboxStats {
  calls: number;
  /** Calls answered 200 per provider (AVM) or deployment (AI review) name. */
  byProvider: Record<string, number>;
  distinctProperties: number;
  rejected429: number;
  failed503: number;
  /** Requests whose client gave up waiting (a timeout) before the answer: nothing delivered, nothing billed. */
  abandoned: number;
  /** Valuation and review requests received and not answered yet (the calls in flight). */
  pending: number;
  /**
   * Milliseconds from the first request admitted to the last call answered 200 (0 before any): the span in
   * which the vendor was being called, against which a rate of `calls` is the vendor's view of a job.
   */
  callingMs: number;
  /** Calls answered 200 in each second from the first request admitted: how the rate went over a job. */
  answeredPerSecond: number[];
}

export interface Sandbox {
  url: string;
  stats: () => SandboxStats;
  reset: () => void;
  /**
   * Holds every valuation and review answer (requests are read, not answered) until release(): lets a test act
   * while a job is certainly mid-flight, without depending on timing.
   */
  hold: () => void;
  release: () => void;
  close: () => Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const {
    port = 0,
    host = '127.0.0.1',
    latencyInMs = 0,
    jitterInMs = 0,
    ratePerSecond,
    failureRate = 0,
    seed = 1,
    apiKey,
  } = options;
  const random = mulberry32(seed);
  const limiter = ratePerSecond === undefined ? undefined : new SlidingWindowLimiter(ratePerSecond);
  let calls = 0;
  let byProvider: Record<string, number> = {};
  let rejected429 = 0;
  let failed503 = 0;
  let abandoned = 0;
  let pending = 0;
  let firstAdmittedAt: number | undefined;
  let lastAnsweredAt: number | undefined;
  let answeredPerSecond: number[] = [];
  const properties = new Set<string>();
  let gate: { opened: Promise<void>; open: () => void } | undefined;

  const stats = (): SandboxStats => ({
    calls,
    byProvider: { ...byProvider },
    distinctProperties: properties.size,
    rejected429,
    failed503,
    abandoned,
    pending,
    callingMs: firstAdmittedAt === undefined || lastAnsweredAt === undefined ? 0 : lastAnsweredAt - firstAdmittedAt,
    answeredPerSecond: Array.from(answeredPerSecond, (n) => n ?? 0),
  });
  const reset = (): void => {
    calls = 0;
    byProvider = {};
    rejected429 = 0;
    failed503 = 0;
    abandoned = 0;
    firstAdmittedAt = undefined;
    lastAnsweredAt = undefined;
    answeredPerSecond = [];
    properties.clear();
    limiter?.reset();
  };

  async function handleProviderRoute(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    answer: (body: unknown) => RouteResult,
  ): Promise<void> {
    const key = req.headers['x-api-key'] ?? req.headers['api-key'];
    if (apiKey !== undefined && key !== apiKey) return send(res, 401, { error: 'invalid api key' });
    const admission = limiter?.admit(Date.now());
    if (admission && !admission.admitted) {
      rejected429++;
      req.resume();
      return send(res, 429, { error: 'rate limit exceeded' }, { 'retry-after': String(admission.retryAfterSeconds) });
    }
    firstAdmittedAt ??= Date.now();
    const fails = failureRate > 0 && random() < failureRate;
    const delay = latencyInMs + (jitterInMs > 0 ? random() * jitterInMs : 0);
    const body = await readJson(req);
    pending++;
    try {
      if (gate) await gate.opened;
      if (delay > 0) await sleep(delay);
    } finally {
      pending--;
    }
    if (fails) {
      failed503++;
      return send(res, 503, { error: 'simulated outage' });
    }
    const result = answer(body);
    if (!result.ok) return send(res, 400, { error: result.message });
    // The client gave up waiting: nothing delivered, nothing billed.
    if (res.destroyed || req.socket.destroyed) {
      abandoned++;
      return;
    }
    calls++;
    lastAnsweredAt = Date.now();
    const second = Math.floor((lastAnsweredAt - (firstAdmittedAt ?? lastAnsweredAt)) / 1000);
    answeredPerSecond[second] = (answeredPerSecond[second] ?? 0) + 1;
    byProvider[name] = (byProvider[name] ?? 0) + 1;
    properties.add(result.propertyId);
    send(res, 200, result.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path === '/stats' && req.method === 'GET') return send(res, 200, stats());
    if (path === '/stats/reset' && req.method === 'POST') {
      reset();
      return send(res, 200, stats());
    }
    const avm = AVM_ROUTE.exec(path);
    const chat = CHAT_ROUTE.exec(path);
    if (!avm && !chat) return send(res, 404, { error: `no route ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    const name = decodeURIComponent(((avm ?? chat) as RegExpExecArray)[1] as string);
    return handleProviderRoute(
      req,
      res,
      name,
      avm
        ? (body) => answerValuation(name, body, new Date().toISOString())
        : (body) => answerChat(name, body, Date.now()),
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyError) send(res, error.status, { error: error.message });
      else send(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  // Idempotent: tests close in afterEach even when a test already closed it.
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections (fetch keeps them) would hold close() open indefinitely.
      server.closeAllConnections();
    }));

  const hold = (): void => {
    if (gate) return;
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    gate = { opened, open };
  };
  const release = (): void => {
    gate?.open();
    gate = undefined;
  };

  return {
    url: `http://${urlHost}:${address.port}`,
    stats,
    reset,
    hold,
    release,
    close: () => {
      release();
      return close();
    },
  };
}
