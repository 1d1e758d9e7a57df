// The host's HTTP front door: HTTP-trigger functions under the route prefix, the admin API the real host exposes
// (`/admin/host/status`, `/admin/host/systemkeys`, `/admin/functions/{name}`), and the Durable endpoints, all on one
// port — the same layout `func start` gives, so durable-functions' client URLs and scripts written against Core
// Tools work. A second listener on loopback serves the durable client's RPC endpoint, as the Durable extension's
// LocalHttpListener does.
//
// Start-up. The port is bound before the app loads (host.ts says why); the host reports its state as the
// Functions host does (ScriptHostState: Starting, Initialized, Running, Error, Stopping, Stopped), and requests
// that arrive before it is Initialized are held, up to `startupHoldMs` (the host's HostTimeoutSeconds, 30 s), then
// answered 503 "Function host is not running." (HostAvailabilityCheckMiddleware).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisteredFunction } from './core-api.ts';
import type { DurableRequestPrefix } from './durable-contract.ts';
import type { Invoker } from './invoker.ts';
import type { LoadedApp } from './loader.ts';
import { grants, presentedKey, type AuthLevel, type HostKeys } from './keys.ts';
import type { HostLogger } from './log.ts';
import { buildRouteTable, getRoutePrefix, matchCompiled } from './routes.ts';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './rpc-types.ts';
import { nextOccurrence, timerPayload } from './timer-triggers.ts';

export const MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface DurableHttpHandler {
  handle(req: IncomingMessage, res: ServerResponse, path: string, prefix: DurableRequestPrefix): Promise<void>;
}

/** The Functions host's ScriptHostState values devhost goes through. */
export type HostState = 'Starting' | 'Initialized' | 'Running' | 'Error' | 'Stopping' | 'Stopped';

/** How long a request that arrives while the host starts is held (the Functions host's HostTimeoutSeconds). */
export const STARTUP_HOLD_MS = 30_000;

export interface HttpServerOptions {
  /** 0 = pick a free port. */
  port: number;
  host?: string;
  /** Keys to enforce; none = an open host, as `func start` runs. */
  keys?: HostKeys | undefined;
  /** How long requests are held while the host starts (default STARTUP_HOLD_MS). */
  startupHoldMs?: number;
  log: HostLogger;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** The durable client's RPC endpoint on loopback, with a trailing slash: `http://127.0.0.1:<port>/durabletask/`. */
  rpcBaseUrl: string;
  server: Server;
  /** Late-binds the app and invoker (the app is loaded after the port is known); the host is then Initialized. */
  attach(app: LoadedApp, invoker: Invoker): void;
  /** Late-binds the durable handler (the engine needs the server's URL before it can be built). */
  setDurable(durable: DurableHttpHandler | undefined): void;
  /** Moves the reported host state on; held requests go on at Initialized/Running and get 503 at Error/Stopping. */
  setState(state: HostState): void;
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
  const { log, keys } = options;
  let app: LoadedApp | undefined;
  let invoker: Invoker | undefined;
  const host = options.host ?? '127.0.0.1';
  let durable: DurableHttpHandler | undefined;
  let routes: ReturnType<typeof buildRouteTable> | undefined;
  const readiness = createReadiness(options.startupHoldMs ?? STARTUP_HOLD_MS);

  function authorized(req: IncomingMessage, url: URL, level: AuthLevel): boolean {
    return grants(keys, presentedKey(req, url), level);
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
      if (!authorized(req, url, functionAuthLevel(route.authLevel))) {
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
      if (!authorized(req, url, 'admin')) return sendText(res, 401);
      sendJson(res, 200, {
        state: readiness.state,
        version: '4.x-devhost',
        processUptime: Math.round(process.uptime() * 1000),
      });
      return;
    }
    const systemKeys = /^\/admin\/host\/systemkeys(?:\/([^/]+))?\/?$/i.exec(path);
    if (systemKeys) {
      if (!authorized(req, url, 'admin')) return sendText(res, 401);
      return sendSystemKeys(res, systemKeys[1] === undefined ? undefined : decodeURIComponent(systemKeys[1]));
    }
    if (!(await readiness.wait()) || !app || !invoker) return sendText(res, 503, 'Function host is not running.');

    const adminFn = /^\/admin\/functions\/([^/]+)\/?$/i.exec(path);
    if (adminFn?.[1] !== undefined) {
      await handleAdminInvoke(app, invoker, req, res, url, adminFn[1]);
      return;
    }
    const webhookPrefix = '/runtime/webhooks/durabletask/';
    if (lower.startsWith(webhookPrefix) || lower === webhookPrefix.slice(0, -1)) {
      if (!durable) return sendText(res, 404, 'Durable Functions are not enabled in this host.');
      if (!authorized(req, url, 'system')) return sendText(res, 401);
      await durable.handle(req, res, path.slice(webhookPrefix.length), 'webhook');
      return;
    }
    const rpcPrefix = '/durabletask/';
    if (lower.startsWith(rpcPrefix)) {
      if (!durable) return sendText(res, 404, 'Durable Functions are not enabled in this host.');
      if (!authorized(req, url, 'system')) return sendText(res, 401);
      await durable.handle(req, res, path.slice(rpcPrefix.length), 'rpc');
      return;
    }
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

  /** The loopback RPC listener: only the durable client's endpoint, no keys (as the extension's LocalHttpListener). */
  async function handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const rpcPrefix = '/durabletask/';
    if (!path.toLowerCase().startsWith(rpcPrefix)) return sendText(res, 404);
    if (!(await readiness.wait()) || !durable) return sendText(res, 503, 'Function host is not running.');
    await durable.handle(req, res, path.slice(rpcPrefix.length), 'rpc');
  }

  /** `GET /admin/host/systemkeys[/{name}]`: how the host hands out system keys (`{name, value}`). */
  function sendSystemKeys(res: ServerResponse, name: string | undefined): void {
    const all = [...(keys?.system ?? new Map<string, string>())].map(([key, value]) => ({ name: key, value }));
    if (name === undefined) return sendJson(res, 200, { keys: all });
    const found = all.find((k) => k.name === name);
    if (!found) return sendText(res, 404);
    sendJson(res, 200, found);
  }

  const onError = (req: IncomingMessage, res: ServerResponse) => (err: unknown) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500)
      log.error(
        `devhost: request ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      sendText(res, status);
    } else res.end();
  };
  const server = createServer((req, res) => void handle(req, res).catch(onError(req, res)));
  const rpcServer = createServer((req, res) => void handleRpc(req, res).catch(onError(req, res)));
  // Long durable waits (start-and-wait, waitForCompletionOrCreateCheckStatusResponse) must not be cut by Node's
  // default timeouts.
  for (const s of [server, rpcServer]) {
    s.requestTimeout = 0;
    s.headersTimeout = 0;
  }

  function address(): AddressInfo {
    return server.address() as AddressInfo;
  }

  const close = (s: Server) =>
    new Promise<void>((res, rej) => {
      s.close((err) => (err ? rej(err) : res()));
      s.closeAllConnections();
    });

  return listen(server, options.port, host).then(async (port) => {
    let rpcPort: number;
    try {
      rpcPort = await listen(rpcServer, 0, '127.0.0.1');
    } catch (error) {
      await close(server);
      throw error;
    }
    // A wildcard bind is reachable on loopback; URLs handed to clients must name a concrete address
    // (durable-functions' getClient also treats 0.0.0.0 as "unset" and rewrites it to localhost:7071).
    const concrete = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    const urlHost = concrete.includes(':') ? `[${concrete}]` : concrete;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      rpcBaseUrl: `http://127.0.0.1:${rpcPort}/durabletask/`,
      server,
      attach(a, i) {
        app = a;
        invoker = i;
        routes = undefined;
        readiness.set('Initialized');
      },
      setDurable(d) {
        durable = d;
      },
      setState: (state) => readiness.set(state),
      async close() {
        readiness.set('Stopped');
        await Promise.all([close(server), close(rpcServer)]);
      },
    };
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The host state, and a wait for it to allow requests (Initialized or Running) with a bound. */
function createReadiness(holdMs: number) {
  let state: HostState = 'Starting';
  const waiters = new Set<() => void>();
  const ready = () => state === 'Initialized' || state === 'Running';
  const settled = () => ready() || state === 'Error' || state === 'Stopping' || state === 'Stopped';
  return {
    get state(): HostState {
      return state;
    },
    set(next: HostState): void {
      state = next;
      if (settled()) for (const wake of [...waiters]) wake();
    },
    /** True once requests may go on; false when the host failed, stops, or is not ready within the bound. */
    async wait(): Promise<boolean> {
      if (!settled()) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, holdMs);
          waiters.add(wake);
        });
      }
      return ready();
    },
  };
}

/** The auth level of an HTTP trigger (`authLevel` on the trigger, lowercased by the route table). */
function functionAuthLevel(level: string): AuthLevel {
  if (level === 'anonymous' || level === 'admin' || level === 'system') return level;
  return 'function';
}
