// Storage queues (DESIGN §2.5, §2.7): material findings go to `portfolio-alerts`; the nightly timer puts
// one message per registered portfolio on `portfolio-revaluation`, which a queue trigger consumes.
// Messages are base64-encoded UTF-8 JSON: the Functions queue trigger's default messageEncoding is base64
// (the storage SDK itself sends text as-is).
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { Finding } from '../domain/like-for-like.ts';
import { MessageTooLargeError, StorageError } from './errors.ts';

export const ALERTS_QUEUE = 'portfolio-alerts';
export const REVALUATION_QUEUE = 'portfolio-revaluation';
/** Storage queues accept at most 64 KiB of message text. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface PortfolioAlert {
  portfolioId: string;
  jobId: string;
  findings: Finding[];
  /** ISO date-time. */
  at: string;
}

export interface RevaluationMessage {
  portfolioId: string;
  /** yyyyMMdd (UTC). */
  runDate: string;
}

/** Base64 of the UTF-8 JSON: what a Functions queue trigger decodes by default. */
export function encodeQueueMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** The inverse of encodeQueueMessage. */
export function decodeQueueMessage(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch (error) {
    throw new StorageError('queue message is not base64-encoded JSON', { cause: error });
  }
}

export interface PortfolioQueuesOptions {
  serviceClient: QueueServiceClient;
  alertsQueue?: string;
  revaluationQueue?: string;
}

export class PortfolioQueues {
  readonly alerts: QueueClient;
  readonly revaluation: QueueClient;
  readonly #ready = new Map<QueueClient, Promise<void>>();

  constructor(options: PortfolioQueuesOptions) {
    this.alerts = options.serviceClient.getQueueClient(options.alertsQueue ?? ALERTS_QUEUE);
    this.revaluation = options.serviceClient.getQueueClient(options.revaluationQueue ?? REVALUATION_QUEUE);
  }

  /** Creates both queues if missing (once per instance). */
  async ensureQueues(): Promise<void> {
    await Promise.all([this.#ensure(this.alerts), this.#ensure(this.revaluation)]);
  }

  async sendAlert(alert: PortfolioAlert): Promise<void> {
    await this.#send(this.alerts, alert);
  }

  async sendRevaluation(message: RevaluationMessage): Promise<void> {
    await this.#send(this.revaluation, message);
  }

  async #send(queue: QueueClient, value: unknown): Promise<void> {
    const text = encodeQueueMessage(value);
    if (text.length > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(queue.name, text.length);
    await this.#ensure(queue);
    await queue.sendMessage(text);
  }

  #ensure(queue: QueueClient): Promise<void> {
    let ready = this.#ready.get(queue);
    if (!ready) {
      ready = queue.createIfNotExists().then(
        () => undefined,
        (error: unknown) => {
          this.#ready.delete(queue);
          throw error;
        },
      );
      this.#ready.set(queue, ready);
    }
    return ready;
  }
}
