// Runs the compiled Functions app on devhost against the real local services (Azurite, the Cosmos DB
// server, the sandbox AVM / AI review server) and talks to it over HTTP only, as a client would.
import { randomUUID } from 'node:crypto';
import { CosmosClient, type Database } from '@azure/cosmos';
import { fileURLToPath } from 'node:url';
import { startDevHost, type DevHost } from 'devhost';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../sandbox/server.ts';
import type { JobView } from '../../../src/api/answers.ts';
import { isFinal } from '../../../src/domain/job-status.ts';
import { fileStorageConnectionString } from '../../../devhost/test/azurite/helpers.ts';
import { serviceEndpoints } from '../fixtures.ts';
import type { ServiceEndpoints } from '../../../scripts/local-services.ts';
import { recordAnswers, type RecordedAnswer } from '../../openapi-answers.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface PipelineHarness {
  url: string;
  host: DevHost;
  sandbox: Sandbox;
  databaseId: string;
  /** The app's Cosmos database, for checks against storage (and the state a test sets up behind the API). */
  database: Database;
  /** The settings the app runs with, for checks against storage. */
  env: Record<string, string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Every answer the app's HTTP triggers gave since start (see openapi-answers.ts). */
  answers: RecordedAnswer[];
  /** Polls the job until it leaves queued/processing. */
  waitForJob(jobId: string, timeoutMs?: number): Promise<JobView>;
  stop(): Promise<void>;
}

/**
 * The app's settings for a test file: its own storage account, Cosmos database, blob containers and task hub
 * over the run's shared services, both providers over HTTP at `sandboxUrl`; `extra` settings win.
 */
export function appEnv(
  services: ServiceEndpoints,
  sandboxUrl: string,
  databaseId: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AzureWebJobsStorage: fileStorageConnectionString(),
    COSMOS_ENDPOINT: services.cosmosEndpoint,
    COSMOS_KEY: services.cosmosKey,
    COSMOS_DATABASE: databaseId,
    // Own blob container per test file: the files share one Azurite.
    STAGING_CONTAINER: `staging-${databaseId}`,
    UPLOADS_CONTAINER: `uploads-${databaseId}`,
    TASK_HUB_NAME: `hub${databaseId.replaceAll('-', '')}`,
    AVM_MODE: 'http',
    AVM_BASE_URL: sandboxUrl,
    AVM_MAX_RETRIES: '3',
    AVM_RATE_PER_SECOND: '5000',
    // The sandbox fails by answering 503 or 429, never by hanging. A per-attempt timeout would turn a slow
    // answer on a loaded machine into a failed property or a second purchase that no test expects.
    AVM_TIMEOUT_MS: '120000',
    FRAUD_REVIEW_TIMEOUT_MS: '120000',
    FRAUD_REVIEW_MODE: 'http',
    FRAUD_REVIEW_BASE_URL: sandboxUrl,
    FRAUD_REVIEW_RATE_PER_SECOND: '5000',
    NIGHTLY_SCHEDULE: '0 0 2 * * *',
    CHUNK_SIZE: '100',
    ...extra,
  };
}

/** Starts the app with its own Cosmos database and sandbox. One per test file (devhost runs one app per process). */
export async function startPipeline(
  options: {
    sandbox?: SandboxOptions;
    env?: Record<string, string>;
    /** Require this key on every API call (as the Functions host does); waitForJob sends it. */
    masterKey?: string;
  } = {},
): Promise<PipelineHarness> {
  const services = await serviceEndpoints();
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const databaseId = `pa-${randomUUID().slice(0, 8)}`;
  const env = appEnv(services, sandbox.url, databaseId, options.env);
  Object.assign(process.env, env);
  const host = await startDevHost({
    appDir: REPO_ROOT,
    port: 0,
    quiet: true,
    log: { info() {}, warn() {}, error: (m) => console.error(m) },
    ...(options.masterKey !== undefined && { masterKey: options.masterKey }),
  });
  const keyHeader: Record<string, string> =
    options.masterKey === undefined ? {} : { 'x-functions-key': options.masterKey };
  const url = host.url;
  const recording = await recordAnswers();
  const cosmos = new CosmosClient({
    endpoint: services.cosmosEndpoint,
    key: services.cosmosKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const harness: PipelineHarness = {
    url,
    host,
    sandbox,
    databaseId,
    database: cosmos.database(databaseId),
    env,
    answers: recording.answers,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path) => fetch(`${url}${path}`),
    async waitForJob(jobId, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${url}/api/portfolio/jobs/${jobId}`, { headers: keyHeader });
        const body = (await response.json()) as { job: JobView };
        if (isFinal(body.job.status)) return body.job;
        if (Date.now() > deadline)
          throw new Error(
            `job ${jobId} still ${body.job.status} after ${timeoutMs} ms: ${JSON.stringify(body.job.progress)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      recording.dispose();
      cosmos.dispose();
      await host.stop();
      await sandbox.close();
    },
  };
  return harness;
}
