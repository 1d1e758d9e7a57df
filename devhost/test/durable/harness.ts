// Starts devhost with the durable fixture app and talks to it over HTTP only, as a user's client would.
import { fileURLToPath } from 'node:url';
import { createDurableEngine, type DurableEngineOptions } from '../../src/durable/engine.ts';
import { startDevHost, type DevHost, type DevHostOptions } from '../../src/host.ts';

export const DURABLE_APP = fileURLToPath(new URL('../fixtures/orchestration-app', import.meta.url));

/**
 * How long a test polls for an instance, a warning or a process before it calls it stuck (ms): a deadline
 * on the clock, not a count of polls, and generous, because other test runs may load the machine (a
 * 1,000-activity fan-out on Azurite takes seconds on a quiet machine and more than 20 s on a busy one).
 * A failure bound, never a speed check; vitest's testTimeout (vitest.config.ts) stays above it.
 */
export const WAIT_MS = 120_000;

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Array<{ EventType: string; FunctionName?: string }>;
}

export interface Started {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export class DurableHarness {
  readonly host: DevHost;
  constructor(host: DevHost) {
    this.host = host;
  }

  /** `hostOptions` selects the task hub store (e.g. `{ store: 'azurite', storage: connectionString }`). */
  static async start(
    options: DurableEngineOptions = {},
    hostOptions: Partial<DevHostOptions> = {},
  ): Promise<DurableHarness> {
    const host = await startDevHost({
      appDir: DURABLE_APP,
      port: 0,
      quiet: true,
      log: { info() {}, warn() {}, error() {} },
      durable: (ctx) => createDurableEngine(ctx, options),
      ...hostOptions,
    });
    return new DurableHarness(host);
  }

  get url(): string {
    return this.host.url;
  }

  async start(name: string, input?: unknown, instanceId?: string): Promise<Started> {
    const response = await fetch(`${this.url}/api/start/${name}${instanceId ? `/${instanceId}` : ''}`, {
      method: 'POST',
      body: input === undefined ? '' : JSON.stringify(input),
    });
    const body = (await response.json()) as Started;
    if (response.status !== 202) throw new Error(`start ${name}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  async status(instanceId: string, query = ''): Promise<Status | undefined> {
    const response = await fetch(`${this.url}/runtime/webhooks/durabletask/instances/${instanceId}${query}`);
    if (response.status === 404) return undefined;
    return (await response.json()) as Status;
  }

  /** Polls until the instance reaches one of `statuses` (terminal ones by default). */
  async waitFor(
    instanceId: string,
    statuses: readonly string[] = ['Completed', 'Failed', 'Terminated'],
    timeoutMs = WAIT_MS,
  ): Promise<Status> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(instanceId);
      if (status && statuses.includes(status.runtimeStatus)) return status;
      if (Date.now() > deadline)
        throw new Error(`instance ${instanceId} still ${status?.runtimeStatus} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async run(name: string, input?: unknown, instanceId?: string): Promise<Status> {
    const started = await this.start(name, input, instanceId);
    return this.waitFor(started.id);
  }

  post(path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    });
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
