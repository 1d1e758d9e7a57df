// The in-memory side of the Azure Storage task hub and its bookkeeping: the instance list, the pending work per
// partition (rebuilt from the tables at start-up), the work index (a `Ready` row while a partition may hold
// pending work) and the write-behind copy of instance and entity rows in the `Instances` table.
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { HistoryEvent } from '../history.ts';
import type { ActivityWorkItem, EntityRecord, EntityRequest, OrchestrationMessage, Outbox } from '../store.ts';
import {
  BATCH_LIMIT,
  containerName,
  delay,
  encodeKey,
  ENTITY_INDEX_PARTITION,
  ignore404,
  INDEX_PARTITION,
  insertSorted,
  pad,
  READY_PARTITION,
  tableName,
  type Props,
} from './layout.ts';
import { Payloads, type StoredInstance } from './payloads.ts';

export interface HubOptions {
  connectionString: string;
  taskHubName: string;
  /** How often failed background work (outbox delivery, index writes) is retried. */
  pollIntervalMs: number;
}

/** A stored message not yet consumed, in arrival order (`seq`). */
export interface PendingMessage {
  seq: string;
  message: OrchestrationMessage;
}

/** A stored entity request not yet consumed, in arrival order (`seq`). */
export interface PendingRequest {
  seq: string;
  request: EntityRequest;
}

/** One instance's or entity's partition of the State table, as the store keeps it in memory. */
export interface Partition {
  id: string;
  inbox: PendingMessage[];
  requests: PendingRequest[];
  /** Activity work items of this orchestration still stored (queued or running). */
  activities: number;
  locked: boolean;
  /** Whether the Ready row exists once `markChain` settles. */
  marked: boolean;
  markChain: Promise<void>;
  /** Deliveries, outboxes and index writes under way for this partition; it stays marked meanwhile. */
  busy: number;
  /** Outbox deliveries from this partition run in order. */
  deliverChain: Promise<void>;
  history?: HistoryEvent[] | undefined;
  /** Index rows to rewrite: 'I' (the instance) and/or 'E' (the entity). */
  indexDirty: Set<'I' | 'E'>;
  indexWriting: boolean;
}

/** An outbox row of a commit, not yet delivered. */
export interface PendingOutbox {
  partition: string;
  rowKey: string;
  outbox: Outbox;
}

/** The shared state of the store's modules: table clients, payload blobs, the in-memory view and its bookkeeping. */
export class Hub {
  readonly state: TableClient;
  readonly ready: TableClient;
  readonly index: TableClient;
  readonly payloads: Payloads;
  readonly pollIntervalMs: number;

  readonly instances = new Map<string, StoredInstance>();
  readonly entities = new Map<string, { record: EntityRecord; props: Props }>();
  readonly partitions = new Map<string, Partition>();
  /** Partitions with orchestration messages / entity requests in memory. */
  readonly orchestrationInboxes = new Set<string>();
  readonly entityInboxes = new Set<string>();
  readonly queuedActivities = new Map<string, ActivityWorkItem>();
  readonly runningActivities = new Map<string, ActivityWorkItem>();
  readonly background = new Set<Promise<unknown>>();
  readonly listeners: Array<() => void> = [];
  private lastSeq = 0;
  stopped = false;

  constructor(options: HubOptions) {
    const insecure = /DefaultEndpointsProtocol=http;|Endpoint=http:\/\/|UseDevelopmentStorage=true/i.test(
      options.connectionString,
    );
    const tableOptions = { allowInsecureConnection: insecure };
    this.state = TableClient.fromConnectionString(
      options.connectionString,
      tableName(options.taskHubName, 'State'),
      tableOptions,
    );
    this.ready = TableClient.fromConnectionString(
      options.connectionString,
      tableName(options.taskHubName, 'Ready'),
      tableOptions,
    );
    this.index = TableClient.fromConnectionString(
      options.connectionString,
      tableName(options.taskHubName, 'Instances'),
      tableOptions,
    );
    this.payloads = new Payloads(
      BlobServiceClient.fromConnectionString(options.connectionString).getContainerClient(
        containerName(options.taskHubName),
      ),
    );
    this.pollIntervalMs = options.pollIntervalMs;
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  partition(id: string): Partition {
    let p = this.partitions.get(id);
    if (!p) {
      p = {
        id,
        inbox: [],
        requests: [],
        activities: 0,
        locked: false,
        marked: false,
        markChain: Promise.resolve(),
        busy: 0,
        deliverChain: Promise.resolve(),
        indexDirty: new Set(),
        indexWriting: false,
      };
      this.partitions.set(id, p);
    }
    return p;
  }

  /** A strictly increasing, sortable sequence (arrival order of messages, order of outboxes). */
  nextSeq(): string {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return pad(this.lastSeq, 17);
  }

  /** Makes sure the Ready row exists before pending work is written to the partition. */
  ensureMarked(p: Partition): Promise<void> {
    if (!p.marked) {
      p.marked = true;
      p.markChain = p.markChain
        .catch(() => undefined)
        .then(() =>
          this.ready
            .upsertEntity({ partitionKey: READY_PARTITION, rowKey: encodeKey(p.id) }, 'Replace')
            .then(() => undefined),
        );
      // A failed upsert leaves the partition unmarked so the next write tries again.
      p.markChain.catch(() => {
        p.marked = false;
      });
    }
    return p.markChain;
  }

  maybeUnmark(p: Partition): void {
    if (
      !p.marked ||
      p.locked ||
      p.busy > 0 ||
      p.inbox.length > 0 ||
      p.requests.length > 0 ||
      p.activities > 0 ||
      p.indexDirty.size > 0 ||
      p.indexWriting
    )
      return;
    p.marked = false;
    p.markChain = p.markChain
      .catch(() => undefined)
      .then(() => this.ready.deleteEntity(READY_PARTITION, encodeKey(p.id)).then(() => undefined, ignore404));
    this.track(p.markChain);
  }

  /** Keeps background work (its failures are retried or surface elsewhere) in `background` until it settles. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Copies the instance's (or entity's) row to the index (write-behind, coalesced); the partition stays marked until done. */
  writeIndex(p: Partition, kind: 'I' | 'E'): void {
    p.indexDirty.add(kind);
    if (p.indexWriting) return;
    p.indexWriting = true;
    const run = async () => {
      try {
        while (p.indexDirty.size > 0 && !this.stopped) {
          const next = p.indexDirty.has('I') ? 'I' : 'E';
          p.indexDirty.delete(next);
          try {
            await this.writeIndexRow(p.id, next);
          } catch {
            p.indexDirty.add(next);
            await delay(this.pollIntervalMs);
          }
        }
      } finally {
        p.indexWriting = false;
        this.maybeUnmark(p);
      }
    };
    this.track(run());
  }

  async writeIndexRow(id: string, kind: 'I' | 'E'): Promise<void> {
    const rowKey = encodeKey(id);
    if (kind === 'I') {
      const stored = this.instances.get(id);
      if (stored) await this.index.upsertEntity({ partitionKey: INDEX_PARTITION, rowKey, ...stored.props }, 'Replace');
      else await this.index.deleteEntity(INDEX_PARTITION, rowKey).catch(ignore404);
    } else {
      const entity = this.entities.get(id);
      if (entity)
        await this.index.upsertEntity({ partitionKey: ENTITY_INDEX_PARTITION, rowKey, ...entity.props }, 'Replace');
      else await this.index.deleteEntity(ENTITY_INDEX_PARTITION, rowKey).catch(ignore404);
    }
  }

  async submit(partition: string, actions: TransactionAction[]): Promise<void> {
    if (actions.length === 0) return;
    if (actions.length > BATCH_LIMIT)
      throw new Error(
        `devhost: a task hub transaction of ${actions.length} operations exceeds ${BATCH_LIMIT} (partition '${partition}').`,
      );
    await this.state.submitTransaction(actions);
  }

  addMessage(message: OrchestrationMessage, seq: string): void {
    const p = this.partition(message.instanceId);
    p.inbox = p.inbox.filter((m) => m.message.id !== message.id);
    insertSorted(p.inbox, { seq, message });
    this.orchestrationInboxes.add(p.id);
  }

  addRequest(request: EntityRequest, seq: string): void {
    const p = this.partition(request.entityId);
    p.requests = p.requests.filter((r) => r.request.id !== request.id);
    insertSorted(p.requests, { seq, request });
    this.entityInboxes.add(p.id);
  }

  addActivity(item: ActivityWorkItem): void {
    if (this.queuedActivities.has(item.id) || this.runningActivities.has(item.id)) return;
    this.queuedActivities.set(item.id, item);
    this.partition(item.instanceId).activities++;
  }
}
