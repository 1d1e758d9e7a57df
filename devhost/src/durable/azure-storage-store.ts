// The task hub on Azure Storage (Azurite locally, or a real account): crash-safe durable state.
//
// Layout (hub "MyHub"):
//   table MyHubState      one partition per orchestration instance / entity (PartitionKey = the id), rows:
//                           I            the instance record (orchestrations)
//                           E            the entity record (entities)
//                           H|gen|seq    history: the events one commit appended (one row per commit)
//                           M|msgId      an orchestration message (inbox); visibleAt for timers
//                           R|reqId      an entity request (inbox)
//                           A|itemId     an activity work item of this orchestration
//                           O|seq        an outbox: what a commit sends elsewhere, until it is delivered
//   table MyHubReady      the work index: one row per partition that may hold pending work (messages,
//                         requests, activities, outboxes) or whose MyHubInstances row may be stale
//   table MyHubInstances  a copy of every I row in one partition, for listing (RowKey = instance id)
//   container myhub-large payloads over 16 K characters (32 KB as UTF-16); rows keep the blob name
//
// Crash safety: every state change is one table batch transaction in one partition, made before it is
// acknowledged. An episode's commit (history row + instance row + consumed message deletes + outbox row) is one
// batch: history is packed one row per commit and large payloads go to blobs written before the batch, and an
// episode takes at most MAX_MESSAGES messages, so a commit never exceeds 100 operations. Outboxes are delivered
// after the commit (idempotent upserts keyed by message id into the target partitions), then deleted; delivered
// messages are offered to the dispatcher only after their outbox row is gone, so a redelivery after a crash can
// never duplicate a consumed message. Activity completion is one batch in the orchestration's partition (result
// message upsert + work item delete).
//
// Single host: one devhost process owns a hub. Locks live in memory; after a crash they are simply gone and
// every unfinished work item is offered again (activities are at-least-once). Start-up rebuilds the in-memory
// view from storage: the instance list from MyHubInstances, the pending work from the partitions MyHubReady
// names (leftover outboxes are redelivered first).
import { randomUUID } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import type { TableEntity, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { ContainerClient } from '@azure/storage-blob';
import type { HistoryEvent } from './history.ts';
import { EventType } from './history.ts';
import { matchesQuery, pageOf } from './instance-query.ts';
import type {
  ActivityWorkItem,
  EntityRecord,
  EntityRequest,
  EntityWorkItem,
  InstanceQuery,
  InstanceRecord,
  OrchestrationCommit,
  OrchestrationMessage,
  OrchestrationWorkItem,
  Outbox,
  TaskHubStore,
} from './store.ts';
import { TERMINAL_STATUSES } from './store.ts';

export interface AzureStorageTaskHubStoreOptions {
  connectionString: string;
  taskHubName: string;
  /** Unused by this single-host layout (one partition per instance); accepted for the Azure Storage provider's settings. */
  partitionCount?: number;
  /** How often failed background work (outbox delivery, index writes) is retried. Default 1000 ms. */
  pollIntervalMs?: number;
}

/** Messages one episode (or entity batch) may consume, so a commit fits in one 100-operation batch. */
export const MAX_MESSAGES = 90;
/** Strings longer than this (UTF-16: 2 bytes a character) are stored in a blob. */
export const MAX_INLINE_CHARS = 16 * 1024;
const BATCH_LIMIT = 100;
/** Above this many partitions to rebuild, start-up reads the whole table once instead of querying each. */
const FULL_SCAN_THRESHOLD = 64;
const INDEX_PARTITION = 'instances';
const ENTITY_INDEX_PARTITION = 'entities';
const READY_PARTITION = 'ready';

type Row = TableEntity<Record<string, unknown>>;
type Props = Record<string, string | number | boolean>;

const isControl = (m: OrchestrationMessage) =>
  m.event.EventType === EventType.ExecutionResumed || m.event.EventType === EventType.ExecutionTerminated;

/** Table keys may not contain / \ # ? or control characters; % escapes them (and itself). */
export function encodeKey(id: string): string {
  return id.replace(
    // eslint-disable-next-line no-control-regex
    /[%/\\#?\u0000-\u001f\u007f-\u009f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
}

export function decodeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const historyKey = (gen: number, seq: number) => `H|${pad(gen, 6)}|${pad(seq, 8)}`;

function tableName(hub: string, suffix: string): string {
  let base = hub.replace(/[^A-Za-z0-9]/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `h${base}`;
  return `${base.slice(0, 63 - suffix.length)}${suffix}`;
}

function containerName(hub: string): string {
  let base = hub.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (base.length === 0) base = 'hub';
  return `${base.slice(0, 57)}-large`;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface StoredInstance {
  record: InstanceRecord;
  histGen: number;
  histRows: number;
  /** The encoded row properties (blob references included), reused for the index row and unchanged payloads. */
  props: Props;
}

interface PendingMessage {
  seq: string;
  message: OrchestrationMessage;
}

interface PendingRequest {
  seq: string;
  request: EntityRequest;
}

interface Partition {
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

interface PendingOutbox {
  partition: string;
  rowKey: string;
  outbox: Outbox;
}

export class AzureStorageTaskHubStore implements TaskHubStore {
  private readonly state: TableClient;
  private readonly ready: TableClient;
  private readonly index: TableClient;
  private readonly container: ContainerClient;
  private readonly pollIntervalMs: number;

  private readonly instances = new Map<string, StoredInstance>();
  private readonly entities = new Map<string, { record: EntityRecord; props: Props }>();
  private readonly partitions = new Map<string, Partition>();
  /** Partitions with orchestration messages / entity requests in memory. */
  private readonly orchestrationInboxes = new Set<string>();
  private readonly entityInboxes = new Set<string>();
  private readonly queuedActivities = new Map<string, ActivityWorkItem>();
  private readonly runningActivities = new Map<string, ActivityWorkItem>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly listeners: Array<() => void> = [];
  private lastSeq = 0;
  private started: Promise<void> | undefined;
  private stopped = false;

  constructor(options: AzureStorageTaskHubStoreOptions) {
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
    this.container = BlobServiceClient.fromConnectionString(options.connectionString).getContainerClient(
      containerName(options.taskHubName),
    );
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.started?.catch(() => undefined);
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  onWork(listener: () => void): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async ensureStarted(): Promise<void> {
    await this.start();
  }

  private async load(): Promise<void> {
    await Promise.all([
      this.state.createTable(),
      this.ready.createTable(),
      this.index.createTable(),
      this.container.createIfNotExists(),
    ]);
    // 1. The instance list, from the index (reconciled below for partitions that may be stale).
    for await (const row of this.index.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${INDEX_PARTITION}` },
    })) {
      const stored = await this.decodeInstance(row);
      this.instances.set(stored.record.instanceId, stored);
    }
    for await (const row of this.index.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${ENTITY_INDEX_PARTITION}` },
    })) {
      const record = JSON.parse(await this.readText(row, 'Data')) as EntityRecord;
      if (record.exists) this.entities.set(record.entityId, { record, props: this.propsOf(row) });
    }
    // 2. Partitions with possible pending work.
    const marked: string[] = [];
    for await (const row of this.ready.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${READY_PARTITION}` },
    })) {
      const id = decodeKey(row.rowKey ?? '');
      const p = this.partition(id);
      p.marked = true;
      marked.push(id);
    }
    // 3. Leftover outboxes first (their deliveries may add partitions to scan), then each partition's rows.
    //    Few marked partitions: a query per partition. Many: one pass over the table (Azurite answers every
    //    query by scanning the whole table, so per-partition queries would cost O(partitions x rows)).
    const wholeTable = marked.length > FULL_SCAN_THRESHOLD;
    const outboxes: PendingOutbox[] = [];
    const collectOutbox = async (row: TableEntityResult<Record<string, unknown>>) => {
      const id = decodeKey(row.partitionKey ?? '');
      if (this.partitions.get(id)?.marked)
        outboxes.push({
          partition: id,
          rowKey: row.rowKey ?? '',
          outbox: JSON.parse(await this.readText(row, 'Data')) as Outbox,
        });
    };
    if (wholeTable) {
      for await (const row of this.state.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`RowKey ge 'O|' and RowKey lt 'O}'` },
      }))
        await collectOutbox(row);
    } else {
      await forEachLimit(marked, 16, async (id) => {
        for await (const row of this.state.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${encodeKey(id)} and RowKey ge 'O|' and RowKey lt 'O}'` },
        }))
          await collectOutbox(row);
      });
    }
    outboxes.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    for (const o of outboxes) await this.deliverOutbox(o);
    const toScan = [...this.partitions.values()].filter((p) => p.marked).map((p) => p.id);
    const rowsOf = new Map<string, Array<TableEntityResult<Record<string, unknown>>>>(toScan.map((id) => [id, []]));
    const filters = [odata`RowKey lt 'H'`, odata`RowKey ge 'I' and RowKey lt 'O'`, odata`RowKey ge 'P'`];
    if (wholeTable || toScan.length > FULL_SCAN_THRESHOLD) {
      for (const filter of filters) {
        for await (const row of this.state.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
          rowsOf.get(decodeKey(row.partitionKey ?? ''))?.push(row);
      }
    } else {
      await forEachLimit(toScan, 16, async (id) => {
        const pk = encodeKey(id);
        for (const filter of filters) {
          for await (const row of this.state.listEntities<Record<string, unknown>>({
            queryOptions: { filter: `${odata`PartitionKey eq ${pk}`} and ${filter}` },
          }))
            rowsOf.get(id)?.push(row);
        }
      });
    }
    await forEachLimit([...rowsOf], 16, ([id, rows]) => this.applyRows(id, rows));
  }

  /** Rebuilds one partition's pending work from its rows and reconciles its index rows (start-up only). */
  private async applyRows(id: string, rows: Array<TableEntityResult<Record<string, unknown>>>): Promise<void> {
    const p = this.partition(id);
    let instanceRow: TableEntityResult<Record<string, unknown>> | undefined;
    for (const row of rows) {
      const key = row.rowKey ?? '';
      if (key === 'I') instanceRow = row;
      else if (key === 'E') {
        const record = JSON.parse(await this.readText(row, 'Data')) as EntityRecord;
        const props = this.propsOf(row);
        const indexed = this.entities.get(id);
        if (record.exists) this.entities.set(id, { record, props });
        else this.entities.delete(id);
        if (!indexed || !record.exists || !sameProps(indexed.props, props)) await this.writeIndexRow(id, 'E');
      } else if (key.startsWith('M|')) {
        this.addMessage(JSON.parse(await this.readText(row, 'Data')) as OrchestrationMessage, String(row.Seq ?? ''));
      } else if (key.startsWith('R|')) {
        this.addRequest(JSON.parse(await this.readText(row, 'Data')) as EntityRequest, String(row.Seq ?? ''));
      } else if (key.startsWith('A|')) {
        this.addActivity(JSON.parse(await this.readText(row, 'Data')) as ActivityWorkItem);
      }
    }
    // The I row is the truth; the index row follows it.
    const indexed = this.instances.get(id);
    if (instanceRow) {
      const props = this.propsOf(instanceRow);
      if (!indexed || !sameProps(indexed.props, props)) {
        this.instances.set(id, await this.decodeInstance(instanceRow));
        await this.writeIndexRow(id, 'I');
      }
    } else if (indexed) {
      this.instances.delete(id);
      await this.writeIndexRow(id, 'I');
    }
    this.maybeUnmark(p);
  }

  // ---------------------------------------------------------------------------------------------- payloads

  /** Encodes a text property: inline when short, else in a blob (reusing the previous blob when unchanged). */
  private async packText(
    partition: string,
    name: string,
    text: string | null,
    previous?: Props,
    previousText?: string | null,
  ): Promise<Props> {
    if (text === null) return {};
    if (text.length <= MAX_INLINE_CHARS) return { [name]: text };
    const prevRef = previous?.[`${name}Blob`];
    if (typeof prevRef === 'string' && previousText === text) return { [`${name}Blob`]: prevRef };
    const blobName = `${Buffer.from(partition, 'utf8').toString('base64url')}/${randomUUID()}.json`;
    const body = Buffer.from(text, 'utf8');
    await this.container
      .getBlockBlobClient(blobName)
      .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
    return { [`${name}Blob`]: blobName };
  }

  private async readText(row: Record<string, unknown>, name: string): Promise<string> {
    return (await this.readOptionalText(row, name)) ?? '';
  }

  private async readOptionalText(row: Record<string, unknown>, name: string): Promise<string | null> {
    const inline = row[name];
    if (typeof inline === 'string') return inline;
    const ref = row[`${name}Blob`];
    if (typeof ref === 'string')
      return (await this.container.getBlockBlobClient(ref).downloadToBuffer()).toString('utf8');
    return null;
  }

  private propsOf(row: Record<string, unknown>): Props {
    const props: Props = {};
    for (const [key, value] of Object.entries(row)) {
      if (
        key === 'partitionKey' ||
        key === 'rowKey' ||
        key === 'etag' ||
        key === 'timestamp' ||
        key.startsWith('odata')
      )
        continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') props[key] = value;
    }
    return props;
  }

  private async encodeInstance(
    record: InstanceRecord,
    histGen: number,
    histRows: number,
    previous?: StoredInstance,
  ): Promise<Props> {
    const id = record.instanceId;
    const { input, output, customStatus, ...rest } = record;
    const [i, o, c] = await Promise.all([
      this.packText(id, 'Input', input, previous?.props, previous?.record.input),
      this.packText(id, 'Output', output, previous?.props, previous?.record.output),
      this.packText(id, 'CustomStatus', customStatus, previous?.props, previous?.record.customStatus),
    ]);
    return {
      Record: JSON.stringify(rest),
      RuntimeStatus: record.runtimeStatus,
      CreatedTime: record.createdTime,
      HistGen: histGen,
      HistRows: histRows,
      ...i,
      ...o,
      ...c,
    };
  }

  private async decodeInstance(row: Record<string, unknown>): Promise<StoredInstance> {
    const rest = JSON.parse(String(row.Record)) as Omit<InstanceRecord, 'input' | 'output' | 'customStatus'>;
    const [input, output, customStatus] = await Promise.all([
      this.readOptionalText(row, 'Input'),
      this.readOptionalText(row, 'Output'),
      this.readOptionalText(row, 'CustomStatus'),
    ]);
    return {
      record: { ...rest, input, output, customStatus },
      histGen: Number(row.HistGen ?? 0),
      histRows: Number(row.HistRows ?? 0),
      props: this.propsOf(row),
    };
  }

  // ---------------------------------------------------------------------------------------------- bookkeeping

  private partition(id: string): Partition {
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
  private nextSeq(): string {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return pad(this.lastSeq, 17);
  }

  /** Makes sure the Ready row exists before pending work is written to the partition. */
  private ensureMarked(p: Partition): Promise<void> {
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

  private maybeUnmark(p: Partition): void {
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

  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
    return work;
  }

  /** Copies the instance's (or entity's) row to the index (write-behind, coalesced); the partition stays marked until done. */
  private writeIndex(p: Partition, kind: 'I' | 'E'): void {
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

  private async writeIndexRow(id: string, kind: 'I' | 'E'): Promise<void> {
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

  // ---------------------------------------------------------------------------------------------- writes

  private async submit(partition: string, actions: TransactionAction[]): Promise<void> {
    if (actions.length === 0) return;
    if (actions.length > BATCH_LIMIT)
      throw new Error(
        `devhost: a task hub transaction of ${actions.length} operations exceeds ${BATCH_LIMIT} (partition '${partition}').`,
      );
    await this.state.submitTransaction(actions);
  }

  private async messageRow(message: OrchestrationMessage, seq: string): Promise<Row> {
    return {
      partitionKey: encodeKey(message.instanceId),
      rowKey: `M|${encodeKey(message.id)}`,
      Seq: seq,
      ...(await this.packText(message.instanceId, 'Data', JSON.stringify(message))),
    };
  }

  private async requestRow(request: EntityRequest, seq: string): Promise<Row> {
    return {
      partitionKey: encodeKey(request.entityId),
      rowKey: `R|${encodeKey(request.id)}`,
      Seq: seq,
      ...(await this.packText(request.entityId, 'Data', JSON.stringify(request))),
    };
  }

  private async activityRow(item: ActivityWorkItem): Promise<Row> {
    return {
      partitionKey: encodeKey(item.instanceId),
      rowKey: `A|${encodeKey(item.id)}`,
      ...(await this.packText(item.instanceId, 'Data', JSON.stringify(item))),
    };
  }

  /**
   * Stores messages/requests/activities in their partitions (upserts: idempotent). Returns a function that
   * makes them visible in memory, to be called once the caller's own bookkeeping (an outbox delete) is done.
   */
  private async write(outbox: Outbox): Promise<() => void> {
    const byPartition = new Map<string, { rows: Row[]; apply: Array<() => void> }>();
    const group = (id: string) => {
      let g = byPartition.get(id);
      if (!g) byPartition.set(id, (g = { rows: [], apply: [] }));
      return g;
    };
    for (const message of outbox.orchestrationMessages) {
      const seq = this.nextSeq();
      const g = group(message.instanceId);
      g.rows.push(await this.messageRow(message, seq));
      g.apply.push(() => this.addMessage(message, seq));
    }
    for (const request of outbox.entityRequests) {
      const seq = this.nextSeq();
      const g = group(request.entityId);
      g.rows.push(await this.requestRow(request, seq));
      g.apply.push(() => this.addRequest(request, seq));
    }
    for (const item of outbox.activities) {
      const g = group(item.instanceId);
      g.rows.push(await this.activityRow(item));
      g.apply.push(() => this.addActivity(item));
    }
    const partitions = [...byPartition.keys()].map((id) => this.partition(id));
    for (const p of partitions) p.busy++;
    try {
      await forEachLimit([...byPartition], 8, async ([id, g]) => {
        await this.ensureMarked(this.partition(id));
        for (const batch of chunks(g.rows, BATCH_LIMIT))
          await this.submit(
            id,
            batch.map((row): TransactionAction => ['upsert', row, 'Replace']),
          );
      });
    } catch (error) {
      for (const p of partitions) {
        p.busy--;
        this.maybeUnmark(p);
      }
      throw error;
    }
    return () => {
      for (const g of byPartition.values()) for (const apply of g.apply) apply();
      for (const p of partitions) {
        p.busy--;
        this.maybeUnmark(p);
      }
      if (byPartition.size > 0) this.notify();
    };
  }

  private addMessage(message: OrchestrationMessage, seq: string): void {
    const p = this.partition(message.instanceId);
    p.inbox = p.inbox.filter((m) => m.message.id !== message.id);
    insertSorted(p.inbox, { seq, message });
    this.orchestrationInboxes.add(p.id);
  }

  private addRequest(request: EntityRequest, seq: string): void {
    const p = this.partition(request.entityId);
    p.requests = p.requests.filter((r) => r.request.id !== request.id);
    insertSorted(p.requests, { seq, request });
    this.entityInboxes.add(p.id);
  }

  private addActivity(item: ActivityWorkItem): void {
    if (this.queuedActivities.has(item.id) || this.runningActivities.has(item.id)) return;
    this.queuedActivities.set(item.id, item);
    this.partition(item.instanceId).activities++;
  }

  /** Delivers an outbox row's contents, deletes the row, then offers the delivered work. */
  private async deliverOutbox(o: PendingOutbox): Promise<void> {
    const apply = await this.write(o.outbox);
    await this.state.deleteEntity(encodeKey(o.partition), o.rowKey).catch(ignore404);
    apply();
  }

  /**
   * Delivers a commit's outbox in the background, in order per source partition, retrying until it succeeds
   * (the partition stays marked meanwhile, so a crash leaves the row for start-up to redeliver).
   */
  private deliverAfterCommit(source: Partition, o: PendingOutbox): void {
    source.busy++;
    source.deliverChain = source.deliverChain
      .then(async () => {
        for (;;) {
          try {
            return await this.deliverOutbox(o);
          } catch (error) {
            if (this.stopped) throw error;
            await delay(this.pollIntervalMs);
          }
        }
      })
      .catch(() => undefined)
      .finally(() => {
        source.busy--;
        this.maybeUnmark(source);
      });
    this.track(source.deliverChain);
  }

  private async outboxProps(
    partition: string,
    outbox: Outbox,
  ): Promise<{ row: Row; pending: PendingOutbox } | undefined> {
    if (
      outbox.activities.length === 0 &&
      outbox.orchestrationMessages.length === 0 &&
      outbox.entityRequests.length === 0
    )
      return undefined;
    const rowKey = `O|${this.nextSeq()}`;
    const row: Row = {
      partitionKey: encodeKey(partition),
      rowKey,
      ...(await this.packText(partition, 'Data', JSON.stringify(outbox))),
    };
    return { row, pending: { partition, rowKey, outbox: structuredClone(outbox) } };
  }

  // ---------------------------------------------------------------------------------------------- reads

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    await this.ensureStarted();
    const stored = this.instances.get(instanceId);
    return stored && { ...stored.record };
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    await this.ensureStarted();
    const stored = this.instances.get(instanceId);
    if (!stored) return [];
    const p = this.partitions.get(instanceId);
    if (p?.history) return [...p.history];
    const history = await this.readHistory(instanceId, stored.histGen, stored.histRows);
    // Keep running instances' histories in memory (each episode reads it); finished ones are read on demand.
    if (!TERMINAL_STATUSES.has(stored.record.runtimeStatus) && this.instances.get(instanceId) === stored)
      this.partition(instanceId).history = history;
    return [...history];
  }

  private async readHistory(instanceId: string, gen: number, rows: number): Promise<HistoryEvent[]> {
    if (rows === 0) return [];
    const found: Array<{ key: string; events: HistoryEvent[] }> = [];
    const lo = historyKey(gen, 0);
    const hi = historyKey(gen, rows);
    for await (const row of this.state.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${encodeKey(instanceId)} and RowKey ge ${lo} and RowKey lt ${hi}` },
    })) {
      found.push({ key: row.rowKey ?? '', events: JSON.parse(await this.readText(row, 'Data')) as HistoryEvent[] });
    }
    found.sort((a, b) => (a.key < b.key ? -1 : 1));
    return found.flatMap((f) => f.events);
  }

  async queryInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceRecord[]; continuationToken?: string | undefined }> {
    await this.ensureStarted();
    const matching: InstanceRecord[] = [];
    for (const stored of this.instances.values()) if (matchesQuery(stored.record, query)) matching.push(stored.record);
    matching.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    return pageOf(matching, query);
  }

  async getEntity(entityId: string): Promise<EntityRecord | undefined> {
    await this.ensureStarted();
    const e = this.entities.get(entityId);
    return e && { ...e.record };
  }

  async listEntities(): Promise<EntityRecord[]> {
    await this.ensureStarted();
    return [...this.entities.values()].map((e) => ({ ...e.record }));
  }

  async nextVisibleAt(): Promise<number | undefined> {
    let earliest: number | undefined;
    const now = Date.now();
    const consider = (at: number | undefined) => {
      if (at !== undefined && at > now && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const id of this.orchestrationInboxes)
      for (const m of this.partitions.get(id)?.inbox ?? []) consider(m.message.visibleAt);
    for (const id of this.entityInboxes)
      for (const r of this.partitions.get(id)?.requests ?? []) consider(r.request.visibleAt);
    return earliest;
  }

  // ---------------------------------------------------------------------------------------------- instances

  async purgeInstance(instanceId: string): Promise<boolean> {
    await this.ensureStarted();
    const existed = this.instances.get(instanceId);
    if (!existed) return false;
    const p = this.partition(instanceId);
    const pk = encodeKey(instanceId);
    p.busy++;
    try {
      // Marked first: if we crash half-way, start-up reconciles the index with what is left.
      await this.ensureMarked(p);
      await this.state.deleteEntity(pk, 'I').catch(ignore404);
      this.instances.delete(instanceId);
      // The rows we know of (history, pending messages, queued activities), without a query; a listing of the
      // partition when that fails. Rows left behind by a crash are invisible: history rows beyond the instance
      // row's count are never read, and stray messages are discarded on arrival.
      const known = Array.from({ length: existed.histRows }, (_, seq) => historyKey(existed.histGen, seq));
      known.push(...p.inbox.map((m) => `M|${encodeKey(m.message.id)}`));
      p.history = undefined;
      p.inbox = [];
      this.orchestrationInboxes.delete(instanceId);
      for (const [id, item] of this.queuedActivities) {
        if (item.instanceId !== instanceId) continue;
        this.queuedActivities.delete(id);
        p.activities--;
        known.push(`A|${encodeKey(id)}`);
      }
      try {
        for (const batch of chunks(known, BATCH_LIMIT))
          await this.submit(
            instanceId,
            batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
          );
      } catch {
        const keys: string[] = [];
        for await (const row of this.state.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] },
        })) {
          const key = row.rowKey ?? '';
          // Running activities keep their rows (their completion finds the instance gone); outboxes being
          // delivered delete themselves.
          if ((key.startsWith('A|') && this.runningActivities.has(decodeKey(key.slice(2)))) || key.startsWith('O|'))
            continue;
          keys.push(key);
        }
        for (const batch of chunks(keys, BATCH_LIMIT))
          await this.submit(
            instanceId,
            batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
          );
      }
      this.writeIndex(p, 'I'); // serialized with index writes still under way; deletes the row
      const prefix = `${Buffer.from(instanceId, 'utf8').toString('base64url')}/`;
      for await (const blob of this.container.listBlobsFlat({ prefix }))
        await this.container.deleteBlob(blob.name).catch(ignore404);
      return true;
    } finally {
      p.busy--;
      this.maybeUnmark(p);
    }
  }

  async createInstance(instance: InstanceRecord, messages: OrchestrationMessage[]): Promise<void> {
    await this.ensureStarted();
    const id = instance.instanceId;
    const pk = encodeKey(id);
    const p = this.partition(id);
    const previous = this.instances.get(id);
    const histGen = previous ? previous.histGen + 1 : 0;
    const own = messages.filter((m) => m.instanceId === id).map((message) => ({ message, seq: this.nextSeq() }));
    const others = messages.filter((m) => m.instanceId !== id);
    p.busy++;
    try {
      await this.ensureMarked(p);
      const ownRows = await Promise.all(own.map((o) => this.messageRow(o.message, o.seq)));
      // A restart drops the old execution's pending messages (as the in-memory hub does).
      const stale = p.locked ? [] : p.inbox.map((m) => m.message.id);
      const deletes = stale.map((mid): TransactionAction => [
        'delete',
        { partitionKey: pk, rowKey: `M|${encodeKey(mid)}` },
      ]);
      const early = Math.max(0, deletes.length - (BATCH_LIMIT - 1 - ownRows.length));
      for (const batch of chunks(deletes.slice(0, early), BATCH_LIMIT)) await this.submit(id, batch);
      const props = await this.encodeInstance(instance, histGen, 0);
      await this.submit(id, [
        ['upsert', { partitionKey: pk, rowKey: 'I', ...props }, 'Replace'],
        ...ownRows.map((row): TransactionAction => ['upsert', row, 'Replace']),
        ...deletes.slice(early),
      ]);
      this.instances.set(id, { record: { ...instance }, histGen, histRows: 0, props });
      p.history = [];
      if (!p.locked) p.inbox = [];
      for (const o of own) this.addMessage(o.message, o.seq);
      if (p.inbox.length === 0) this.orchestrationInboxes.delete(id);
      this.writeIndex(p, 'I');
      if (previous) this.track(this.deleteHistoryGenerationsBelow(id, histGen));
    } finally {
      p.busy--;
      this.maybeUnmark(p);
    }
    if (others.length > 0) await this.sendOrchestrationMessages(others);
    else this.notify();
  }

  private async deleteHistoryGenerationsBelow(instanceId: string, gen: number): Promise<void> {
    const pk = encodeKey(instanceId);
    const hi = historyKey(gen, 0);
    const keys: string[] = [];
    for await (const row of this.state.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${pk} and RowKey ge 'H|' and RowKey lt ${hi}`, select: ['RowKey'] },
    }))
      keys.push(row.rowKey ?? '');
    for (const batch of chunks(keys, BATCH_LIMIT))
      await this.submit(
        instanceId,
        batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
      );
  }

  async sendOrchestrationMessages(messages: OrchestrationMessage[]): Promise<void> {
    await this.ensureStarted();
    if (messages.length === 0) return;
    const apply = await this.write({ orchestrationMessages: messages, activities: [], entityRequests: [] });
    apply();
  }

  async sendEntityRequests(requests: EntityRequest[]): Promise<void> {
    await this.ensureStarted();
    if (requests.length === 0) return;
    const apply = await this.write({ orchestrationMessages: [], activities: [], entityRequests: requests });
    apply();
  }

  // ---------------------------------------------------------------------------------------------- orchestrations

  async takeOrchestrationWorkItem(): Promise<OrchestrationWorkItem | undefined> {
    await this.ensureStarted();
    const now = Date.now();
    for (const id of this.orchestrationInboxes) {
      const p = this.partitions.get(id);
      if (!p || p.locked) continue;
      if (p.inbox.length === 0) {
        this.orchestrationInboxes.delete(id);
        continue;
      }
      const suspended = this.instances.get(id)?.record.runtimeStatus === 'Suspended';
      const visible: OrchestrationMessage[] = [];
      for (const m of p.inbox) {
        if ((m.message.visibleAt ?? 0) > now) continue;
        if (suspended && !isControl(m.message)) continue;
        visible.push(m.message);
        if (visible.length >= MAX_MESSAGES) break;
      }
      if (visible.length === 0) continue;
      p.locked = true;
      return { instanceId: id, messages: structuredClone(visible) };
    }
    return undefined;
  }

  async completeOrchestrationWorkItem(commit: OrchestrationCommit): Promise<void> {
    const { instance } = commit;
    const id = instance.instanceId;
    const p = this.partition(id);
    const pk = encodeKey(id);
    const previous = this.instances.get(id);
    let histGen = previous?.histGen ?? 0;
    let histRows = previous?.histRows ?? 0;
    const actions: TransactionAction[] = [];
    const replaced = commit.replaceHistory !== undefined;
    const events = commit.replaceHistory ?? commit.newEvents;
    if (replaced) {
      histGen++;
      histRows = 0;
    }
    if (events.length > 0) {
      actions.push([
        'upsert',
        {
          partitionKey: pk,
          rowKey: historyKey(histGen, histRows),
          ...(await this.packText(id, 'Data', JSON.stringify(events))),
        },
        'Replace',
      ]);
      histRows++;
    }
    const props = await this.encodeInstance(instance, histGen, histRows, previous);
    actions.push(['upsert', { partitionKey: pk, rowKey: 'I', ...props }, 'Replace']);
    const stored = new Set(p.inbox.map((m) => m.message.id));
    const consumed = [...new Set(commit.consumed)].filter((mid) => stored.has(mid));
    for (const mid of consumed) actions.push(['delete', { partitionKey: pk, rowKey: `M|${encodeKey(mid)}` }]);
    const outbox = await this.outboxProps(id, commit.outbox);
    if (outbox) actions.push(['upsert', outbox.row, 'Replace']);
    await this.submit(id, actions);

    // Stored: now the in-memory view.
    this.instances.set(id, { record: { ...instance }, histGen, histRows, props });
    if (TERMINAL_STATUSES.has(instance.runtimeStatus)) p.history = undefined;
    else if (replaced) p.history = structuredClone(events);
    else if (p.history) p.history.push(...structuredClone(events));
    const done = new Set(consumed);
    p.inbox = p.inbox.filter((m) => !done.has(m.message.id));
    if (p.inbox.length === 0) this.orchestrationInboxes.delete(id);
    p.locked = false;
    this.writeIndex(p, 'I');
    if (replaced && histGen > 0) this.track(this.deleteHistoryGenerationsBelow(id, histGen));
    if (outbox) this.deliverAfterCommit(p, outbox.pending);
    this.maybeUnmark(p);
    this.notify();
  }

  async discardOrchestrationMessages(instanceId: string, messageIds: readonly string[]): Promise<void> {
    const p = this.partition(instanceId);
    const pk = encodeKey(instanceId);
    const stored = new Set(p.inbox.map((m) => m.message.id));
    const ids = [...new Set(messageIds)].filter((mid) => stored.has(mid));
    try {
      for (const batch of chunks(ids, BATCH_LIMIT))
        await this.submit(
          instanceId,
          batch.map((mid): TransactionAction => ['delete', { partitionKey: pk, rowKey: `M|${encodeKey(mid)}` }]),
        );
      const discarded = new Set(ids);
      p.inbox = p.inbox.filter((m) => !discarded.has(m.message.id));
      if (p.inbox.length === 0) this.orchestrationInboxes.delete(instanceId);
    } finally {
      p.locked = false;
      this.maybeUnmark(p);
    }
  }

  async abandonOrchestrationWorkItem(instanceId: string): Promise<void> {
    const p = this.partition(instanceId);
    p.locked = false;
    this.maybeUnmark(p);
    this.notify();
  }

  // ---------------------------------------------------------------------------------------------- activities

  async takeActivityWorkItem(): Promise<ActivityWorkItem | undefined> {
    await this.ensureStarted();
    for (const [id, item] of this.queuedActivities) {
      this.queuedActivities.delete(id);
      this.runningActivities.set(id, item);
      return { ...item };
    }
    return undefined;
  }

  async completeActivityWorkItem(itemId: string, result: OrchestrationMessage): Promise<void> {
    const item = this.runningActivities.get(itemId);
    if (!item) return; // purged meanwhile
    const p = this.partition(item.instanceId);
    if (result.instanceId !== item.instanceId)
      throw new Error(`devhost: activity result for '${result.instanceId}' from a work item of '${item.instanceId}'.`);
    const seq = this.nextSeq();
    p.busy++;
    try {
      await this.ensureMarked(p);
      await this.submit(item.instanceId, [
        ['upsert', await this.messageRow(result, seq), 'Replace'],
        ['delete', { partitionKey: encodeKey(item.instanceId), rowKey: `A|${encodeKey(itemId)}` }],
      ]);
      this.runningActivities.delete(itemId);
      p.activities--;
      this.addMessage(result, seq);
    } catch (error) {
      // Offered again (at-least-once).
      this.runningActivities.delete(itemId);
      this.queuedActivities.set(itemId, item);
      throw error;
    } finally {
      p.busy--;
      this.maybeUnmark(p);
    }
    this.notify();
  }

  // ---------------------------------------------------------------------------------------------- entities

  async purgeEntity(entityId: string): Promise<boolean> {
    await this.ensureStarted();
    const p = this.partition(entityId);
    if (!this.entities.has(entityId) || p.locked) return false;
    const pk = encodeKey(entityId);
    // Locked so that no batch is taken while the rows go; marked first, as purgeInstance does.
    p.locked = true;
    p.busy++;
    try {
      await this.ensureMarked(p);
      const keys = ['E', ...p.requests.map((r) => `R|${encodeKey(r.request.id)}`)];
      for (const batch of chunks(keys, BATCH_LIMIT))
        await this.submit(
          entityId,
          batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
        );
      this.entities.delete(entityId);
      p.requests = [];
      this.entityInboxes.delete(entityId);
      this.writeIndex(p, 'E'); // deletes the index row
      const prefix = `${Buffer.from(entityId, 'utf8').toString('base64url')}/`;
      for await (const blob of this.container.listBlobsFlat({ prefix }))
        await this.container.deleteBlob(blob.name).catch(ignore404);
      return true;
    } finally {
      p.locked = false;
      p.busy--;
      this.maybeUnmark(p);
    }
  }

  async takeEntityWorkItem(maxBatch: number): Promise<EntityWorkItem | undefined> {
    await this.ensureStarted();
    const now = Date.now();
    const limit = Math.min(maxBatch, MAX_MESSAGES);
    for (const id of this.entityInboxes) {
      const p = this.partitions.get(id);
      if (!p || p.locked) continue;
      if (p.requests.length === 0) {
        this.entityInboxes.delete(id);
        continue;
      }
      const requests: EntityRequest[] = [];
      for (const r of p.requests) {
        if ((r.request.visibleAt ?? 0) > now || requests.length >= limit) break;
        requests.push({ ...r.request });
      }
      if (requests.length === 0) continue;
      p.locked = true;
      return { entityId: id, requests };
    }
    return undefined;
  }

  async completeEntityWorkItem(entity: EntityRecord, consumed: readonly string[], outbox: Outbox): Promise<void> {
    const id = entity.entityId;
    const p = this.partition(id);
    const pk = encodeKey(id);
    try {
      const previous = this.entities.get(id);
      const data = JSON.stringify(entity);
      const props = await this.packText(id, 'Data', data, previous?.props, previous && JSON.stringify(previous.record));
      const actions: TransactionAction[] = [['upsert', { partitionKey: pk, rowKey: 'E', ...props }, 'Replace']];
      const stored = new Set(p.requests.map((r) => r.request.id));
      const done = [...new Set(consumed)].filter((rid) => stored.has(rid));
      for (const rid of done) actions.push(['delete', { partitionKey: pk, rowKey: `R|${encodeKey(rid)}` }]);
      const pending = await this.outboxProps(id, outbox);
      if (pending) actions.push(['upsert', pending.row, 'Replace']);
      await this.submit(id, actions);
      if (entity.exists) this.entities.set(id, { record: { ...entity }, props });
      else this.entities.delete(id);
      if (entity.exists || previous) this.writeIndex(p, 'E');
      const doneSet = new Set(done);
      p.requests = p.requests.filter((r) => !doneSet.has(r.request.id));
      if (p.requests.length === 0) this.entityInboxes.delete(id);
      if (pending) this.deliverAfterCommit(p, pending.pending);
    } finally {
      p.locked = false;
      this.maybeUnmark(p);
    }
    this.notify();
  }
}

function sameProps(a: Props, b: Props): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function ignore404(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}

function insertSorted<T extends { seq: string }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.seq > item.seq) i--;
  list.splice(i, 0, item);
}
