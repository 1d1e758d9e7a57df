// The local storage stack for integration tests and benches: Azurite (in memory, through devhost's launcher,
// the one Azurite launcher of the repository) and the Cosmos DB server (@vercel/cosmosdb-server, in-process,
// plain HTTP, keep-alive), both on free loopback ports. Started once per test run by global-setup.ts (only when
// the run includes integration tests); test files reach them through test/integration/fixtures.ts. The local
// stack and the benches call the starters directly.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { azuriteConnectionString, ensureAzurite } from 'devhost';
import { COSMOS_EMULATOR_KEY } from '../src/storage/clients.ts';
import { journalServer, type JournaledServer } from './cosmos-journal.ts';

const HOST = '127.0.0.1';

/** A free TCP port on the loopback interface (bound and released: another process could take it in between, rarely). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port; rejects after timeoutInMs. */
export async function waitForPort(port: number, timeoutInMs = 15_000, describe = `port ${port}`): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: HOST, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`${describe} (${HOST}:${port}) did not accept connections within ${timeoutInMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface CosmosServerInstance {
  port: number;
  endpoint: string;
  key: string;
  /** Resolves when the server listens. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Makes the local server's queries linear in the container size. Its SQL engine (@zeit/cosmosdb-query
 * 0.7.2) compiles `FROM c` into `coll.reduce(($, c) => [...$, { c }], [])`, which copies the accumulator
 * for every document: O(n^2). A query over 10,000 documents took 0.15 s, over 20,000 2.9 s and over 30,000
 * 9-10 s, whatever the WHERE clause (the server scans every partition). The rewrite pushes instead; the
 * result is identical. Only that exact generated shape is rewritten (JOIN forms are left alone).
 * Returns false when the engine no longer looks as expected (then nothing is patched).
 */
export function patchLocalCosmosQueryEngine(): boolean {
  const require = createRequire(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server'));
  const engine = require('@zeit/cosmosdb-query') as { default: (sql: string) => object };
  const prototype = Object.getPrototypeOf(engine.default('SELECT * FROM c')) as object;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'code');
  // oxlint-disable-next-line typescript/unbound-method -- a getter, called below with the query's `this`
  const original = descriptor?.get;
  if (!descriptor || !original || (original as { linearPatched?: boolean }).linearPatched) return Boolean(original);
  const patched = function (this: { _code: string | null }): string {
    if (this._code === null)
      this._code = (original.call(this) as string).replace(/\[\.\.\.\$, (\{[^{}[\]]*\})\]/g, '($.push($1), $)');
    return this._code;
  };
  Object.assign(patched, { linearPatched: true });
  Object.defineProperty(prototype, 'code', { ...descriptor, get: patched });
  return true;
}

/**
 * A document created in a database or container that does not exist: Cosmos DB answers 404 (substatus
 * 1003, "owner resource does not exist"), the local server throws and answers 500 "Cannot read properties
 * of undefined (reading '_rid')". That answer is rewritten to Cosmos DB's, so the app sees what it would
 * see in Azure (and creates the database again: src/storage/ensure-again.ts). Call before `listen`.
 */
export function answerMissingOwnerAs404(server: Server): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (res.statusCode === 500 && typeof chunk === 'string' && chunk.includes("reading '_rid'")) {
        res.statusCode = 404;
        res.setHeader('x-ms-substatus', '1003');
        return end(JSON.stringify({ code: 'NotFound', message: 'Owner resource does not exist' }), ...rest);
      }
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
    handlers.forEach((handler) => handler(req, res));
  });
}

export interface CosmosServerOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /**
   * Keep the documents in this directory (`cosmos-journal.jsonl`, see cosmos-journal.ts): a server started
   * again on it has every write the previous one acknowledged. Default: memory only.
   */
  dataDir?: string;
  /** With dataDir: compact the journal at start from this size (default 32 MiB; tests set it low). */
  compactAtBytes?: number;
}

/** The journal file of a Cosmos server's data directory. */
export const cosmosJournalFile = (dataDir: string) => path.join(dataDir, 'cosmos-journal.jsonl');

/** Starts @vercel/cosmosdb-server in this process over plain HTTP with keep-alive (in memory, or journaled to disk). */
export async function startCosmosServer(options: CosmosServerOptions = {}): Promise<CosmosServerInstance> {
  const port = options.port || (await freePort());
  let server: Server | undefined;
  let journal: JournaledServer | undefined;
  const ready = (async () => {
    const { createHttpServer } = await import('@vercel/cosmosdb-server');
    patchLocalCosmosQueryEngine();
    // keepAlive is an http.ServerOptions field in recent Node; without it the server sends Connection: close.
    server = createHttpServer({ keepAlive: true });
    answerMissingOwnerAs404(server);
    if (options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true });
      journal = journalServer(server, {
        file: cosmosJournalFile(options.dataDir),
        port,
        ...(options.compactAtBytes !== undefined && { compactAtBytes: options.compactAtBytes }),
      });
    }
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, HOST, () => resolve());
    });
    await journal?.ready;
  })();
  ready.catch(() => undefined);
  return {
    port,
    endpoint: `http://${HOST}:${port}`,
    key: COSMOS_EMULATOR_KEY,
    ready,
    async stop() {
      await ready.catch(() => undefined);
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      journal?.close();
    },
  };
}

/** What tests and benches need to reach the stack. */
export interface ServiceEndpoints {
  cosmosEndpoint: string;
  cosmosKey: string;
  cosmosPort: number;
  storageConnectionString: string;
  azuritePorts: number[];
  azuriteLog: string;
}

export interface LocalServices {
  endpoints: ServiceEndpoints;
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts both services (Azurite in memory, its log in a temporary directory); `ready` resolves when both listen.
 * `accounts`: storage accounts Azurite serves beside the development account (see `accountConnectionString`).
 */
export async function startLocalServices(options: { accounts?: readonly string[] } = {}): Promise<LocalServices> {
  const azuriteDir = mkdtempSync(path.join(tmpdir(), 'local-services-'));
  const [azurite, cosmos] = await Promise.all([
    ensureAzurite({ dataDir: azuriteDir, location: 'memory', ...(options.accounts && { accounts: options.accounts }) }),
    startCosmosServer(),
  ]);
  return {
    endpoints: {
      cosmosEndpoint: cosmos.endpoint,
      cosmosKey: cosmos.key,
      cosmosPort: cosmos.port,
      storageConnectionString: azurite.connectionString,
      azuritePorts: [azurite.ports.blob, azurite.ports.queue, azurite.ports.table],
      azuriteLog: azurite.logFile,
    },
    ready: cosmos.ready,
    async stop() {
      await Promise.all([azurite.stop(), cosmos.stop()]);
      rmSync(azuriteDir, { recursive: true, force: true });
    },
  };
}

/** The connection string of `account`, one of the accounts the services were started with, on their Azurite. */
export function accountConnectionString(endpoints: ServiceEndpoints, account: string): string {
  const [blob = 0, queue = 0, table = 0] = endpoints.azuritePorts;
  return azuriteConnectionString(HOST, { blob, queue, table }, account);
}

/** Waits (from any process) until the services behind `endpoints` accept connections. */
export async function waitForServices(endpoints: ServiceEndpoints, timeoutInMs = 30_000): Promise<void> {
  try {
    await Promise.all([
      waitForPort(endpoints.cosmosPort, timeoutInMs, 'Cosmos server'),
      ...endpoints.azuritePorts.map((p) => waitForPort(p, timeoutInMs, 'Azurite')),
    ]);
  } catch (error) {
    let tail = '';
    try {
      tail = readFileSync(endpoints.azuriteLog, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      /* no log yet */
    }
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nAzurite log (${endpoints.azuriteLog}):\n${tail}`,
      { cause: error },
    );
  }
}
