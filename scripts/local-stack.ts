// The whole app on one machine (DESIGN §6): Azurite, the Cosmos DB server, the sandbox AVM / AI review
// server and devhost running the compiled app, all on loopback. `npm start` runs it until Ctrl-C, its state
// kept on disk (`state: 'disk'`); the demo and the benchmarks start it in-process with startLocalStack(),
// in memory. Azurite and (on disk) the Cosmos DB server are processes of their own, watched: a Cosmos DB
// server that exits is started again on its data, an Azurite that is gone stops the stack with the reason.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAzurite, isAlive, startDevHost, type DevHost } from 'devhost';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.ts';
import { COSMOS_EMULATOR_KEY } from '../src/storage/clients.ts';
import { startSupervisedCosmos } from './cosmos-process.ts';
import { startCosmosServer } from './local-services.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalStackOptions {
  /** The app's port (default 7071; 0 = any free port). */
  port?: number;
  /** The sandbox's port (default 7081; 0 = any free port). */
  sandboxPort?: number;
  sandbox?: Omit<SandboxOptions, 'port'>;
  /**
   * Where the stack keeps its files (default `.local/` in the repo): Azurite's in `azurite/` (its log
   * `azurite.log`), and with `state: 'disk'` the Cosmos DB server's journal in `cosmos/`.
   */
  dataDir?: string;
  /**
   * `disk`: the task hub in Azurite and the Cosmos DB documents journaled under dataDir, so a restart (even
   * after kill -9) loses no job, report, cache entry or idempotency key. `memory` (default): the task hub and
   * the documents live in this process and end with it (tests, benchmarks, the demo).
   */
  state?: 'disk' | 'memory';
  /** Remove the stack's data under dataDir first (stopping an Azurite a previous run left on it). */
  fresh?: boolean;
  /**
   * Called once when a service the app needs is gone for good (Azurite died; the Cosmos DB server keeps
   * exiting), with the reason. Default: the reason is logged. `npm start` stops the stack with it.
   */
  onServiceLost?: (reason: string) => void;
  /** Use a Cosmos DB server that is already running (its own process) instead of starting one in this process. */
  cosmosEndpoint?: string;
  /** Require this key on every API call (devhost's master key; sent as x-functions-key or ?code=). */
  masterKey?: string | undefined;
  /** Extra app settings (they win over the stack's). */
  env?: Record<string, string>;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  sandboxUrl: string;
  cosmosEndpoint: string;
  storageConnectionString: string;
  host: DevHost;
  sandbox: Sandbox;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir ?? path.join(REPO_ROOT, '.local'));
  const state = options.state ?? 'memory';
  if (options.fresh) await removeStackData(dataDir, log);
  mkdirSync(dataDir, { recursive: true });
  let lost = false;
  const serviceLost = (reason: string) => {
    if (lost) return;
    lost = true;
    log(`service lost: ${reason}`);
    options.onServiceLost?.(reason);
  };
  const cosmosDir = path.join(dataDir, 'cosmos');
  const [azurite, cosmos, sandbox] = await Promise.all([
    ensureAzurite({ dataDir }),
    options.cosmosEndpoint
      ? { endpoint: options.cosmosEndpoint, key: COSMOS_EMULATOR_KEY, stop: async () => {} }
      : state === 'disk'
        ? startSupervisedCosmos({ dataDir: cosmosDir, log, onGiveUp: serviceLost })
        : startCosmosServer(),
    startSandbox({ port: options.sandboxPort ?? 7081, ...options.sandbox }),
  ]);
  log(
    `azurite        ${azurite.connectionString.match(/BlobEndpoint=([^;]+)/)?.[1] ?? ''} (blob), queue and table beside it, pid ${azurite.pid}${azurite.reattached ? ' (reattached)' : ''}, data in ${path.join(dataDir, 'azurite')}`,
  );
  const cosmosWhere =
    'pid' in cosmos
      ? `, pid ${cosmos.pid()}, documents in ${cosmosDir}`
      : options.cosmosEndpoint
        ? ' (already running)'
        : ' (in memory)';
  log(`cosmos server  ${cosmos.endpoint}${cosmosWhere}`);
  const azuriteWatch = watchProcess(azurite.pid, () =>
    serviceLost(
      `Azurite (pid ${azurite.pid}) is gone: blobs, queues and the task hub cannot be reached. Its log: ${path.join(dataDir, 'azurite.log')}; its data stays in ${path.join(dataDir, 'azurite')}.`,
    ),
  );
  log(`sandbox        ${sandbox.url}  (AVM + AI review; GET /stats)`);
  Object.assign(process.env, {
    AzureWebJobsStorage: azurite.connectionString,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    AVM_MODE: 'http',
    AVM_BASE_URL: sandbox.url,
    FRAUD_REVIEW_MODE: 'http',
    FRAUD_REVIEW_BASE_URL: sandbox.url,
    NIGHTLY_SCHEDULE: process.env.NIGHTLY_SCHEDULE ?? '0 0 2 * * *',
    TASK_HUB_NAME: process.env.TASK_HUB_NAME ?? 'PortfolioAnalytics',
    ...options.env,
  });
  let host: DevHost;
  try {
    host = await startDevHost({
      appDir: REPO_ROOT,
      port: options.port ?? 7071,
      quiet: options.quiet ?? true,
      ...(state === 'disk' ? { store: 'azurite', storage: azurite.connectionString } : { store: 'memory' }),
      ...(options.masterKey && { masterKey: options.masterKey }),
    });
  } catch (error) {
    clearInterval(azuriteWatch);
    await Promise.allSettled([sandbox.close(), cosmos.stop(), azurite.stop()]);
    throw error;
  }
  log(`app            ${host.url}/api  (OpenAPI: ${host.url}/api/openapi.json)`);
  log(`dashboard      ${host.url}/api/dashboard/`);
  let stopping: Promise<void> | undefined;
  return {
    url: host.url,
    sandboxUrl: sandbox.url,
    cosmosEndpoint: cosmos.endpoint,
    storageConnectionString: azurite.connectionString,
    host,
    sandbox,
    stop() {
      stopping ??= (async () => {
        clearInterval(azuriteWatch);
        await host.stop();
        await Promise.allSettled([sandbox.close(), cosmos.stop(), azurite.stop()]);
      })();
      return stopping;
    },
  };
}

/** Calls `onGone` once when process `pid` no longer exists (checked every second; the timer keeps nothing alive). */
function watchProcess(pid: number, onGone: () => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (isAlive(pid)) return;
    clearInterval(timer);
    onGone();
  }, 1000);
  timer.unref();
  return timer;
}

/**
 * Removes what the stack keeps under `dataDir` (Azurite's files and its record, the Cosmos DB journal),
 * stopping first an Azurite a previous run left running on them. Nothing else in the folder is touched.
 */
async function removeStackData(dataDir: string, log: (line: string) => void): Promise<void> {
  const record = path.join(dataDir, 'azurite.json');
  if (existsSync(record)) {
    const { pid } = JSON.parse(readFileSync(record, 'utf8')) as { pid?: number };
    if (typeof pid === 'number' && isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  for (const name of ['azurite', 'cosmos', 'azurite.json'])
    rmSync(path.join(dataDir, name), { recursive: true, force: true });
  log(`fresh start: the stack's data under ${dataDir} was removed`);
}
