// The whole app on one machine (DESIGN §6): Azurite, the Cosmos DB server, the sandbox AVM / AI review
// server and devhost running the compiled app, all on loopback. `npm start` runs it until Ctrl-C; the demo
// and the benchmarks start it in-process with startLocalStack().
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAzurite, startDevHost, type DevHost } from 'devhost';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.ts';
import { COSMOS_EMULATOR_KEY } from '../src/storage/clients.ts';
import { startCosmosServer } from './local-services.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LocalStackOptions {
  /** The app's port (default 7071; 0 = any free port). */
  port?: number;
  /** The sandbox's port (default 7081; 0 = any free port). */
  sandboxPort?: number;
  sandbox?: Omit<SandboxOptions, 'port'>;
  /** Where Azurite keeps its files (default `.local/` in the repo). */
  dataDir?: string;
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
  const dataDir = options.dataDir ?? path.join(REPO_ROOT, '.local');
  mkdirSync(dataDir, { recursive: true });
  const [azurite, cosmos, sandbox] = await Promise.all([
    ensureAzurite({ dataDir }),
    options.cosmosEndpoint
      ? { endpoint: options.cosmosEndpoint, key: COSMOS_EMULATOR_KEY, stop: async () => {} }
      : startCosmosServer(),
    startSandbox({ port: options.sandboxPort ?? 7081, ...options.sandbox }),
  ]);
  log(
    `azurite        ${azurite.connectionString.match(/BlobEndpoint=([^;]+)/)?.[1] ?? ''} (blob), queue and table beside it${azurite.reattached ? ' (reattached)' : ''}`,
  );
  log(`cosmos server  ${cosmos.endpoint}`);
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
      store: 'memory',
      ...(options.masterKey && { masterKey: options.masterKey }),
    });
  } catch (error) {
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
        await host.stop();
        await Promise.allSettled([sandbox.close(), cosmos.stop(), azurite.stop()]);
      })();
      return stopping;
    },
  };
}
