// The host's HTTP front door: HTTP-trigger functions under the route prefix, the admin API the real host exposes
// locally (`/admin/host/status`, `/admin/functions/{name}`), and the Durable endpoints, all on one port — the same
// layout `func start` gives, so durable-functions' client URLs and scripts written against Core Tools work.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { RegisteredFunction } from './core-api.ts';
import type { Invoker } from './invoker.ts';
import type { LoadedApp } from './loader.ts';
import type { HostLogger } from './log.ts';
import { buildRouteTable, getRoutePrefix, matchCompiled } from './routes.ts';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './rpc-types.ts';
import { nextOccurrence, timerPayload } from './timer-triggers.ts';

export const MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface DurableHttpHandler {
  handle(req: IncomingMessage, res: ServerResponse, path: string, prefix: 'webhook' | 'rpc'): Promise<void>;
}

export interface HttpServerOptions {
  /** May be attached later (host.ts binds the port before loading the app); requests get 503 until then. */
  app?: LoadedApp;
  invoker?: Invoker;
  /** 0 = pick a free port. */
  port: number;
  host?: string;
  masterKey?: string;
  durable?: DurableHttpHandler;
  log: HostLogger;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  server: Server;
  /** Late-binds the app and invoker (the app is loaded after the port is known). */
  attach(app: LoadedApp, invoker: Invoker): void;
  /** Late-binds the durable handler (the engine needs the server's URL before it can be built). */
  setDurable(durable: DurableHttpHandler | undefined): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text = ''): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the request body, enforcing the size limit (413) without buffering past it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, `Request body exceeds ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new HttpError(413, `Request body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function keysEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  if (typeof header === 'string' && header) return header;
  return url.searchParams.get('code') ?? undefined;
}

/** Serializes an RpcHttpCookie (as produced by the library's toRpcHttpCookie) to a Set-Cookie value. */
export function serializeCookie(cookie: RpcHttpCookie): string {
  let out = `${cookie.name ?? ''}=${cookie.value ?? ''}`;
  if (cookie.domain?.value) out += `; Domain=${cookie.domain.value}`;
  if (cookie.path?.value) out += `; Path=${cookie.path.value}`;
  const seconds = cookie.expires?.value?.seconds;
  if (seconds != null) out += `; Expires=${new Date(seconds * 1000).toUTCString()}`;
  if (cookie.maxAge?.value != null) out += `; Max-Age=${cookie.maxAge.value}`;
  if (cookie.secure?.value) out += '; Secure';
  if (cookie.httpOnly?.value) out += '; HttpOnly';
  if (cookie.sameSite === 'lax') out += '; SameSite=Lax';
  else if (cookie.sameSite === 'strict') out += '; SameSite=Strict';
  else if (cookie.sameSite === 'explicitNone') out += '; SameSite=None';
  return out;
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes != null) return Buffer.from(body.bytes);
  if (body.string != null) return Buffer.from(body.string, 'utf8');
  if (body.json != null) return Buffer.from(body.json, 'utf8');
  if (body.int != null) return Buffer.from(String(body.int));
  if (body.double != null) return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

/** Writes the `$return` http data of a function back to the client. */
function writeHttpResponse(res: ServerResponse, http: RpcHttpData | null | undefined, method: string): void {
  if (!http) {
    // The function returned nothing for its http output: answer 204 No Content, as the host does.
    res.writeHead(204);
    res.end();
    return;
  }
  const status = Number(http.statusCode ?? 200) || 200;
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(http.headers ?? {})) headers[key.toLowerCase()] = value;
  const cookies = (http.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ...cookies,
    ];
  }
  const body = bodyBytes(http.body);
  const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  if (!noBody) headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(noBody ? undefined : body);
}

function returnHttp(returnValue: RpcTypedData | undefined): RpcHttpData | undefined {
  return returnValue?.http ?? undefined;
}

/** Builds the trigger data for a non-HTTP function invoked through the admin API (like the host's admin endpoint). */
function adminTriggerData(fn: RegisteredFunction, input: unknown): RpcTypedData {
  const type = fn.triggerType.toLowerCase();
  if (type === 'timertrigger') {
    const now = new Date();
    let next: Date | undefined;
    try {
      next = nextOccurrence(String(fn.trigger.schedule), now);
    } catch {
      next = undefined; // an unresolvable schedule should not stop a manual run
    }
    return timerPayload({ last: now, next, isPastDue: false });
  }
  const text = input === undefined || input === null ? '' : typeof input === 'string' ? input : JSON.stringify(input);
  return { string: text };
}

export function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { log } = options;
  let app = options.app;
  let invoker = options.invoker;
  const host = options.host ?? '127.0.0.1';
  const masterKey = options.masterKey && options.masterKey.length > 0 ? options.masterKey : undefined;
  let durable = options.durable;
  let routes: ReturnType<typeof buildRouteTable> | undefined;

  function authorized(req: IncomingMessage, url: URL, level: string): boolean {
    if (!masterKey || level === 'anonymous') return true;
    const key = presentedKey(req, url);
    return key !== undefined && keysEqual(key, masterKey);
  }

  async function handleFunctionRoute(
    app: LoadedApp,
    invoker: Invoker,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    subPath: string,
  ): Promise<void> {
    routes ??= buildRouteTable(app.registry.functions.values());
    const method = (req.method ?? 'GET').toUpperCase();
    let methodMismatch = false;
    for (const route of routes) {
      const params = matchCompiled(route.route, subPath);
      if (!params) continue;
      if (route.methods.length > 0 && !route.methods.includes(method)) {
        methodMismatch = true;
        continue;
      }
      if (!authorized(req, url, route.authLevel)) {
        sendText(res, 401);
        return;
      }
      const body = await readBody(req);
      const query: Record<string, string> = {};
      for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
      const http: RpcHttpData = {
        method,
        url: url.href,
        headers: headerMap(req),
        query,
        params,
        body: { bytes: body },
      };
      const outcome = await invoker.invoke(route.fn, {
        inputData: [{ name: route.fn.triggerBindingName, data: { http } }],
        triggerMetadata: {},
      });
      if (!outcome.ok) {
        // Like the host: a bare 500, never the exception (it is logged instead).
        sendText(res, 500);
        return;
      }
      writeHttpResponse(res, returnHttp(outcome.returnValue), method);
      return;
    }
    if (methodMismatch) sendText(res, 405);
    else sendText(res, 404);
  }

  async function handleAdminInvoke(
    app: LoadedApp,
    invoker: Invoker,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
  ): Promise<void> {
    if (req.method !== 'POST') {
      sendText(res, 405);
      return;
    }
    if (!authorized(req, url, 'admin')) {
      sendText(res, 401);
      return;
    }
    const fn = app.registry.functions.get(decodeURIComponent(name).toLowerCase());
    if (!fn) {
      sendText(res, 404);
      return;
    }
    const triggerType = fn.triggerType.toLowerCase();
    if (triggerType === 'httptrigger') {
      sendJson(res, 400, { error: `Function '${fn.name}' is HTTP-triggered; call its route instead.` });
      return;
    }
    if (triggerType === 'orchestrationtrigger' || triggerType === 'entitytrigger') {
      // Their trigger payload is engine state (history / batches), not user input: start them via a durable client.
      sendJson(res, 400, {
        error: `Function '${fn.name}' is a ${fn.triggerType}; start it through the durable client or the durabletask webhooks.`,
      });
      return;
    }
    const raw = await readBody(req);
    let input: unknown;
    if (raw.length > 0) {
      try {
        const parsed = JSON.parse(raw.toString('utf8')) as unknown;
        input = typeof parsed === 'object' && parsed !== null ? (parsed as { input?: unknown }).input : undefined;
      } catch {
        sendJson(res, 400, { error: 'Body must be JSON like {"input": "..."}.' });
        return;
      }
    }
    // The real host queues the invocation and answers 202 at once; devhost waits for it to finish first so
    // scripts can rely on its effects when the response arrives (failures are logged, as in the host).
    await invoker.invoke(fn, { inputData: [{ name: fn.triggerBindingName, data: adminTriggerData(fn, input) }] });
    res.writeHead(202, { 'content-length': '0' });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `${host}:${address().port}`}`);
    const path = url.pathname;
    const lower = path.toLowerCase();

    if (lower === '/admin/host/status' || lower === '/admin/host/status/') {
      sendJson(res, 200, {
        state: 'Running',
        version: '4.x-devhost',
        processUptime: Math.round(process.uptime() * 1000),
      });
      return;
    }
    const adminFn = /^\/admin\/functions\/([^/]+)\/?$/i.exec(path);
    if (adminFn?.[1] !== undefined) {
      if (!app || !invoker) return sendText(res, 503, 'devhost: the app is still loading.');
      await handleAdminInvoke(app, invoker, req, res, url, adminFn[1]);
      return;
    }
    const webhookPrefix = '/runtime/webhooks/durabletask/';
    if (lower.startsWith(webhookPrefix) || lower === webhookPrefix.slice(0, -1)) {
      if (!durable) return sendText(res, 404, 'Durable Functions are not enabled in this host.');
      await durable.handle(req, res, path.slice(webhookPrefix.length), 'webhook');
      return;
    }
    const rpcPrefix = '/durabletask/';
    if (lower.startsWith(rpcPrefix)) {
      if (!durable) return sendText(res, 404, 'Durable Functions are not enabled in this host.');
      await durable.handle(req, res, path.slice(rpcPrefix.length), 'rpc');
      return;
    }
    if (!app || !invoker) return sendText(res, 503, 'devhost: the app is still loading.');
    const prefix = getRoutePrefix(app.hostJson);
    const routeStart = prefix === '' ? '' : `/${prefix.toLowerCase()}`;
    if (prefix === '' || lower === routeStart || lower.startsWith(`${routeStart}/`)) {
      if (prefix !== '' || path !== '/') {
        await handleFunctionRoute(app, invoker, req, res, url, path.slice(routeStart.length));
        return;
      }
    }
    if (path === '/' || path === '') {
      sendText(res, 200, 'devhost: Azure Functions local host is running.');
      return;
    }
    sendText(res, 404);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500)
        log.error(
          `devhost: request ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
        sendText(res, status);
      } else res.end();
    });
  });
  // Long durable waits (waitForCompletionOrCreateCheckStatusResponse) must not be cut by Node's default timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;

  function address(): AddressInfo {
    return server.address() as AddressInfo;
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      const port = address().port;
      // A wildcard bind is reachable on loopback; URLs handed to clients must name a concrete address
      // (durable-functions' getClient also treats 0.0.0.0 as "unset" and rewrites it to localhost:7071).
      const concrete = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      const urlHost = concrete.includes(':') ? `[${concrete}]` : concrete;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        server,
        attach(a, i) {
          app = a;
          invoker = i;
          routes = undefined;
        },
        setDurable(d) {
          durable = d;
        },
        close: () =>
          new Promise<void>((res, rej) => {
            server.close((err) => (err ? rej(err) : res()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
