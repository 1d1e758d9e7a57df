// Storage queue triggers (`app.storageQueue(...)`), polled as the Functions host's queue listener does:
// receive up to `batchSize` messages, invoke the function for each, delete on success; on failure the message
// becomes visible again after `visibilityTimeout`, and once its dequeue count reaches `maxDequeueCount` it is
// moved to `<queue>-poison`. An empty queue backs off exponentially up to `maxPollingInterval`.
// Settings come from host.json `extensions.queues`; the trigger's `connection` names an app setting
// (default AzureWebJobsStorage) where `UseDevelopmentStorage=true` means devhost's own Azurite.
import { QueueServiceClient } from '@azure/storage-queue';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { RegisteredFunction } from './core-api.ts';
import type { Invoker } from './invoker.ts';
import type { LoadedApp } from './loader.ts';
import type { HostLogger } from './log.ts';
import type { RpcTypedData } from './rpc-types.ts';

export interface QueueSettings {
  batchSize: number;
  maxDequeueCount: number;
  /** Ms before a failed message is visible again. */
  visibilityTimeoutMs: number;
  /** Ms: the longest wait between polls of an empty queue. */
  maxPollingIntervalMs: number;
  messageEncoding: 'base64' | 'none';
}

/** devhost defaults: as the host's, except a 1 s maximum polling interval (the host's is 1 minute). */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  batchSize: 16,
  maxDequeueCount: 5,
  visibilityTimeoutMs: 0,
  maxPollingIntervalMs: 1000,
  messageEncoding: 'base64',
};
const MIN_POLLING_INTERVAL_MS = 100;
/** How long a message being processed stays invisible (the host renews its lease; devhost uses a long one). */
const PROCESSING_LEASE_SECONDS = 10 * 60;

/** A TimeSpan (`[d.]hh:mm:ss[.fff]`) or a number of milliseconds. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!m) return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  const [, d = '0', h = '0', min = '0', s = '0', frac = '0'] = m;
  return (
    (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Math.round(Number(`0.${frac}`) * 1000)
  );
}

export function queueSettings(hostJson: unknown): QueueSettings {
  const section =
    (hostJson as { extensions?: { queues?: Record<string, unknown> } } | undefined)?.extensions?.queues ?? {};
  const int = (value: unknown, fallback: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
  const d = DEFAULT_QUEUE_SETTINGS;
  return {
    batchSize: int(section.batchSize, d.batchSize, 32),
    maxDequeueCount: int(section.maxDequeueCount, d.maxDequeueCount, 1000),
    visibilityTimeoutMs: parseDurationMs(section.visibilityTimeout) ?? d.visibilityTimeoutMs,
    maxPollingIntervalMs: Math.max(
      MIN_POLLING_INTERVAL_MS,
      parseDurationMs(section.maxPollingInterval) ?? d.maxPollingIntervalMs,
    ),
    messageEncoding:
      typeof section.messageEncoding === 'string' && section.messageEncoding.toLowerCase() === 'none'
        ? 'none'
        : 'base64',
  };
}

/** The message text as the function sees it: base64-decoded (the Functions default), or as is when it is not base64. */
export function decodeMessageText(text: string, encoding: QueueSettings['messageEncoding']): string {
  if (encoding === 'none' || text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    return text;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return text;
  }
}

/** The trigger value the host sends: JSON objects/arrays as json, anything else as a string. */
export function queueTriggerData(body: string): RpcTypedData {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed);
      return { json: body };
    } catch {
      // not JSON
    }
  }
  return { string: body };
}

const iso = (d: Date | undefined) => JSON.stringify((d ?? new Date(0)).toISOString());

/** Binding data the host passes with a queue trigger (QueueTriggerBindingDataProvider); the library camelCases it. */
export function queueTriggerMetadata(message: DequeuedMessageItem, body: string): Record<string, RpcTypedData> {
  return {
    QueueTrigger: { string: body },
    Id: { string: message.messageId },
    DequeueCount: { json: String(message.dequeueCount) },
    InsertionTime: { json: iso(message.insertedOn) },
    ExpirationTime: { json: iso(message.expiresOn) },
    NextVisibleTime: { json: iso(message.nextVisibleOn) },
    PopReceipt: { string: message.popReceipt },
  };
}

/** Replaces `%Name%` parts with app settings, as binding expressions do. */
function resolveSettings(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => env[name] ?? name);
}

export interface QueueTriggerOptions {
  app: LoadedApp;
  invoker: Invoker;
  log: HostLogger;
  /** The storage devhost uses itself (Azurite); `UseDevelopmentStorage=true` maps to it when set. */
  devStorageConnectionString?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface RunningQueueTriggers {
  stop(): Promise<void>;
}

export function queueTriggerFunctions(app: LoadedApp): RegisteredFunction[] {
  return [...app.registry.functions.values()].filter((fn) => fn.triggerType.toLowerCase() === 'queuetrigger');
}

/** The connection string a queue trigger uses. */
export function queueConnectionString(
  fn: RegisteredFunction,
  env: NodeJS.ProcessEnv,
  devStorage: string | undefined,
): string {
  const setting =
    typeof fn.trigger.connection === 'string' && fn.trigger.connection ? fn.trigger.connection : 'AzureWebJobsStorage';
  const value = env[setting] ?? env[`AzureWebJobs${setting}`];
  if (!value)
    throw new Error(
      `Function '${fn.name}': the storage connection setting '${setting}' is not set (add it to local.settings.json Values).`,
    );
  if (/^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(value)) return devStorage ?? value;
  return value;
}

export function startQueueTriggers(options: QueueTriggerOptions): RunningQueueTriggers {
  const { app, invoker, log } = options;
  const env = options.env ?? process.env;
  const settings = queueSettings(app.hostJson);
  let stopped = false;
  const wakeUps = new Set<() => void>();
  const loops: Array<Promise<void>> = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUps.delete(done);
        resolve();
      }
      wakeUps.add(done);
    });

  async function processMessage(
    fn: RegisteredFunction,
    queue: QueueClient,
    poison: () => Promise<QueueClient>,
    message: DequeuedMessageItem,
  ): Promise<void> {
    const toPoison = async () => {
      await (await poison()).sendMessage(message.messageText);
      await queue.deleteMessage(message.messageId, message.popReceipt);
      log.warn(
        `Message ${message.messageId} has reached MaxDequeueCount of ${settings.maxDequeueCount}. Moving message to queue '${queue.name}-poison'.`,
      );
    };
    if (message.dequeueCount > settings.maxDequeueCount) return toPoison();
    const body = decodeMessageText(message.messageText, settings.messageEncoding);
    const outcome = await invoker.invoke(fn, {
      inputData: [{ name: fn.triggerBindingName, data: queueTriggerData(body) }],
      triggerMetadata: queueTriggerMetadata(message, body),
    });
    if (outcome.ok) {
      await queue.deleteMessage(message.messageId, message.popReceipt);
    } else if (message.dequeueCount >= settings.maxDequeueCount) {
      await toPoison();
    } else {
      await queue.updateMessage(
        message.messageId,
        message.popReceipt,
        undefined,
        Math.ceil(settings.visibilityTimeoutMs / 1000),
      );
    }
  }

  async function poll(fn: RegisteredFunction, queue: QueueClient, service: QueueServiceClient): Promise<void> {
    let poisonQueue: QueueClient | undefined;
    const poison = async () => {
      if (!poisonQueue) {
        poisonQueue = service.getQueueClient(`${queue.name}-poison`);
        await poisonQueue.createIfNotExists();
      }
      return poisonQueue;
    };
    let created = false;
    let wait = MIN_POLLING_INTERVAL_MS;
    while (!stopped) {
      try {
        if (!created) {
          await queue.createIfNotExists();
          created = true;
        }
        const response = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: PROCESSING_LEASE_SECONDS,
        });
        if (response.receivedMessageItems.length === 0) {
          await sleep(wait);
          wait = Math.min(wait * 2, settings.maxPollingIntervalMs);
          continue;
        }
        wait = MIN_POLLING_INTERVAL_MS;
        await Promise.all(
          response.receivedMessageItems.map((m) =>
            processMessage(fn, queue, poison, m).catch((error: unknown) =>
              log.error(
                `devhost: queue trigger '${fn.name}': ${error instanceof Error ? error.message : String(error)}`,
              ),
            ),
          ),
        );
      } catch (error) {
        if (stopped) break;
        log.error(
          `devhost: polling queue '${queue.name}' for '${fn.name}' failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        await sleep(settings.maxPollingIntervalMs);
      }
    }
  }

  for (const fn of queueTriggerFunctions(app)) {
    let connection: string;
    try {
      connection = queueConnectionString(fn, env, options.devStorageConnectionString);
    } catch (error) {
      log.error(error instanceof Error ? error.message : String(error));
      continue;
    }
    const queueName = resolveSettings(
      typeof fn.trigger.queueName === 'string' ? fn.trigger.queueName : '',
      env,
    ).toLowerCase();
    if (!queueName) {
      log.error(`Function '${fn.name}': the queue trigger has no queueName.`);
      continue;
    }
    const service = QueueServiceClient.fromConnectionString(connection);
    const queue = service.getQueueClient(queueName);
    log.info(`Queue function '${fn.name}' listening on queue '${queueName}'`);
    loops.push(poll(fn, queue, service));
  }

  return {
    async stop(): Promise<void> {
      stopped = true;
      for (const wake of [...wakeUps]) wake();
      await Promise.allSettled(loops);
    },
  };
}
