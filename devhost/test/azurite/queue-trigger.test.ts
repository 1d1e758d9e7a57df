// Queue triggers on storage queues (Azurite): delivery of base64 and plain-text messages, trigger metadata as
// the host passes it, and poison messages moved to `<queue>-poison` after maxDequeueCount (2 in the fixture).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevHost, type DevHost } from '../../src/host.ts';
import { WAIT_MS } from '../durable/harness.ts';
import { useAzurite } from './helpers.ts';

const app = fileURLToPath(new URL('../fixtures/queue-app/', import.meta.url));
const azurite = useAzurite();
let host: DevHost;
let logFile: string;

interface Invocation {
  message: unknown;
  metadata: {
    id: string;
    dequeueCount: number;
    insertionTime: string;
    expirationTime: string;
    nextVisibleTime: string;
    popReceipt: string;
    queueTrigger: string;
  };
}

const invocations = (): Invocation[] =>
  existsSync(logFile)
    ? readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Invocation)
    : [];

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  logFile = join(azurite.dataDir, 'queue-log.jsonl');
  process.env.QUEUE_LOG_FILE = logFile;
  // The app's AzureWebJobsStorage is UseDevelopmentStorage=true: devhost maps it to the storage it was given.
  host = await startDevHost({
    appDir: app,
    port: 0,
    quiet: true,
    storage: azurite.connectionString,
    log: { info() {}, warn() {}, error() {} },
  });
});
afterAll(() => host?.stop());

describe('queue triggers', () => {
  const queue = () => QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient('work-items');

  it('delivers base64 JSON and plain-text messages with the trigger metadata', async () => {
    const q = queue();
    await q.createIfNotExists();
    const sentJson = await q.sendMessage(Buffer.from(JSON.stringify({ n: 1 })).toString('base64'));
    const sentPlain = await q.sendMessage('hello plain text');
    const [json, plain] = await until(() => {
      const seen = invocations();
      const a = seen.find((i) => i.metadata.id === sentJson.messageId);
      const b = seen.find((i) => i.metadata.id === sentPlain.messageId);
      return a && b ? [a, b] : undefined;
    });
    expect(json.message).toEqual({ n: 1 });
    expect(plain.message).toBe('hello plain text');
    expect(json.metadata).toMatchObject({ dequeueCount: 1, queueTrigger: { n: 1 } }); // the library JSON-parses string metadata
    expect(typeof json.metadata.popReceipt).toBe('string');
    for (const key of ['insertionTime', 'expirationTime', 'nextVisibleTime'] as const)
      expect(Number.isNaN(Date.parse(json.metadata[key]))).toBe(false);
    expect(Date.parse(json.metadata.expirationTime)).toBeGreaterThan(Date.parse(json.metadata.insertionTime));
    // Processed messages are deleted.
    await until(async () =>
      (await q.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.length === 0 ? true : undefined,
    );
  });

  it('moves a message that keeps failing to the poison queue after maxDequeueCount', async () => {
    const q = queue();
    const sent = await q.sendMessage(Buffer.from(JSON.stringify({ fail: true })).toString('base64'));
    const poison = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(
      'work-items-poison',
    );
    const poisoned = await until(async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
      return peeked.length > 0 ? peeked : undefined;
    });
    expect(poisoned.map((m) => Buffer.from(m.messageText, 'base64').toString())).toEqual(['{"fail":true}']);
    const attempts = invocations().filter((i) => i.metadata.id === sent.messageId);
    expect(attempts.map((a) => a.metadata.dequeueCount)).toEqual([1, 2]);
    expect((await q.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toEqual([]);
  });
});
