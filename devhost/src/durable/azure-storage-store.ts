// The task hub on Azure Storage (Azurite locally, or a real account): crash-safe durable state. The layout and
// the crash-safety argument are in ./azure-storage/layout.ts; the in-memory view and the work index in hub.ts,
// payload blobs in payloads.ts, outbox delivery in delivery.ts, start-up in startup.ts. This module is the
// TaskHubStore the engine talks to.
import { odata, type TransactionAction } from '@azure/data-tables';
import { deliverAfterCommit, messageRow, outboxProps, write } from './azure-storage/delivery.ts';
import { Hub } from './azure-storage/hub.ts';
import {
  BATCH_LIMIT,
  chunks,
  decodeKey,
  encodeKey,
  historyKey,
  ignore404,
  MAX_MESSAGES,
} from './azure-storage/layout.ts';
import { encodeInstance } from './azure-storage/payloads.ts';
import { loadHub } from './azure-storage/startup.ts';
import type { HistoryEvent } from './history.ts';
import { matchesQuery, pageOf } from './instance-query.ts';
import {
  isControlMessage,
  supersededBy,
  TERMINAL_STATUSES,
  type ActivityWorkItem,
  type EntityRecord,
  type EntityRequest,
  type EntityWorkItem,
  type InstanceQuery,
  type InstanceRecord,
  type OrchestrationCommit,
  type OrchestrationMessage,
  type OrchestrationWorkItem,
  type Outbox,
  type TaskHubStore,
} from './store.ts';

export { MAX_INLINE_CHARS } from './azure-storage/layout.ts';

export interface AzureStorageTaskHubStoreOptions {
  connectionString: string;
  taskHubName: string;
  /** Unused by this single-host layout (one partition per instance); accepted for the Azure Storage provider's settings. */
  partitionCount?: number;
  /** How often failed background work (outbox delivery, index writes) is retried. Default 1000 ms. */
  pollIntervalMs?: number;
}

export class AzureStorageTaskHubStore implements TaskHubStore {
  private readonly hub: Hub;
  private started: Promise<void> | undefined;

  constructor(options: AzureStorageTaskHubStoreOptions) {
    this.hub = new Hub({
      connectionString: options.connectionString,
      taskHubName: options.taskHubName,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    });
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  start(): Promise<void> {
    this.started ??= loadHub(this.hub);
    return this.started;
  }

  async stop(): Promise<void> {
    this.hub.stopped = true;
    await this.started?.catch(() => undefined);
    while (this.hub.background.size > 0) await Promise.allSettled([...this.hub.background]);
  }

  onWork(listener: () => void): void {
    this.hub.listeners.push(listener);
  }

  private async ensureStarted(): Promise<void> {
    await this.start();
  }

  // ---------------------------------------------------------------------------------------------- reads

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    await this.ensureStarted();
    const stored = this.hub.instances.get(instanceId);
    return stored && { ...stored.record };
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    await this.ensureStarted();
    const stored = this.hub.instances.get(instanceId);
    if (!stored) return [];
    const p = this.hub.partitions.get(instanceId);
    if (p?.history) return [...p.history];
    const history = await this.readHistory(instanceId, stored.histGen, stored.histRows);
    // Keep running instances' histories in memory (each episode reads it); finished ones are read on demand.
    if (!TERMINAL_STATUSES.has(stored.record.runtimeStatus) && this.hub.instances.get(instanceId) === stored)
      this.hub.partition(instanceId).history = history;
    return [...history];
  }

  private async readHistory(instanceId: string, gen: number, rows: number): Promise<HistoryEvent[]> {
    if (rows === 0) return [];
    const found: Array<{ key: string; events: HistoryEvent[] }> = [];
    const lo = historyKey(gen, 0);
    const hi = historyKey(gen, rows);
    for await (const row of this.hub.state.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${encodeKey(instanceId)} and RowKey ge ${lo} and RowKey lt ${hi}` },
    })) {
      found.push({
        key: row.rowKey ?? '',
        events: JSON.parse(await this.hub.payloads.readText(row, 'Data')) as HistoryEvent[],
      });
    }
    found.sort((a, b) => (a.key < b.key ? -1 : 1));
    return found.flatMap((f) => f.events);
  }

  async queryInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceRecord[]; continuationToken?: string | undefined }> {
    await this.ensureStarted();
    const matching: InstanceRecord[] = [];
    for (const stored of this.hub.instances.values())
      if (matchesQuery(stored.record, query)) matching.push(stored.record);
    matching.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    return pageOf(matching, query);
  }

  async getEntity(entityId: string): Promise<EntityRecord | undefined> {
    await this.ensureStarted();
    const e = this.hub.entities.get(entityId);
    return e && { ...e.record };
  }

  async listEntities(): Promise<EntityRecord[]> {
    await this.ensureStarted();
    return [...this.hub.entities.values()].map((e) => ({ ...e.record }));
  }

  async nextVisibleAt(after: number): Promise<number | undefined> {
    let earliest: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && at > after && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const id of this.hub.orchestrationInboxes)
      for (const m of this.hub.partitions.get(id)?.inbox ?? []) consider(m.message.visibleAt);
    for (const id of this.hub.entityInboxes)
      for (const r of this.hub.partitions.get(id)?.requests ?? []) consider(r.request.visibleAt);
    return earliest;
  }

  // ---------------------------------------------------------------------------------------------- instances

  async purgeInstance(instanceId: string): Promise<boolean> {
    await this.ensureStarted();
    const existed = this.hub.instances.get(instanceId);
    if (!existed) return false;
    const p = this.hub.partition(instanceId);
    const pk = encodeKey(instanceId);
    p.busy++;
    try {
      // Marked first: if we crash half-way, start-up reconciles the index with what is left.
      await this.hub.ensureMarked(p);
      await this.hub.state.deleteEntity(pk, 'I').catch(ignore404);
      this.hub.instances.delete(instanceId);
      // The rows we know of (history, pending messages, queued activities), without a query; a listing of the
      // partition when that fails. Rows left behind by a crash are invisible: history rows beyond the instance
      // row's count are never read, and stray messages are discarded on arrival.
      const known = Array.from({ length: existed.histRows }, (_, seq) => historyKey(existed.histGen, seq));
      known.push(...p.inbox.map((m) => `M|${encodeKey(m.message.id)}`));
      p.history = undefined;
      p.inbox = [];
      this.hub.orchestrationInboxes.delete(instanceId);
      for (const [id, item] of this.hub.queuedActivities) {
        if (item.instanceId !== instanceId) continue;
        this.hub.queuedActivities.delete(id);
        p.activities--;
        known.push(`A|${encodeKey(id)}`);
      }
      try {
        for (const batch of chunks(known, BATCH_LIMIT))
          await this.hub.submit(
            instanceId,
            batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
          );
      } catch {
        const keys: string[] = [];
        for await (const row of this.hub.state.listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ['RowKey'] },
        })) {
          const key = row.rowKey ?? '';
          // Running activities keep their rows (their completion finds the instance gone); outboxes being
          // delivered delete themselves.
          if ((key.startsWith('A|') && this.hub.runningActivities.has(decodeKey(key.slice(2)))) || key.startsWith('O|'))
            continue;
          keys.push(key);
        }
        for (const batch of chunks(keys, BATCH_LIMIT))
          await this.hub.submit(
            instanceId,
            batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
          );
      }
      this.hub.writeIndex(p, 'I'); // serialized with index writes still under way; deletes the row
      await this.hub.payloads.deletePartition(instanceId);
      return true;
    } finally {
      p.busy--;
      this.hub.maybeUnmark(p);
    }
  }

  async createInstance(instance: InstanceRecord, messages: OrchestrationMessage[]): Promise<void> {
    await this.ensureStarted();
    const id = instance.instanceId;
    const pk = encodeKey(id);
    const p = this.hub.partition(id);
    const previous = this.hub.instances.get(id);
    const histGen = previous ? previous.histGen + 1 : 0;
    const own = messages.filter((m) => m.instanceId === id).map((message) => ({ message, seq: this.hub.nextSeq() }));
    const others = messages.filter((m) => m.instanceId !== id);
    p.busy++;
    try {
      await this.hub.ensureMarked(p);
      const ownRows = await Promise.all(own.map((o) => messageRow(this.hub, o.message, o.seq)));
      // A restart drops the old execution's pending messages (as the in-memory hub does). They leave the inbox
      // at once, so no work item takes a message whose row is being deleted (its commit would delete the row
      // again, and a transaction deleting a missing row fails, every time). A work item under way keeps the
      // messages it holds and the rest: its commit, or the new execution's first episode, consumes them as stale.
      const stale = p.locked ? [] : p.inbox;
      if (!p.locked) p.inbox = [];
      const deletes = stale.map((m): TransactionAction => [
        'delete',
        { partitionKey: pk, rowKey: `M|${encodeKey(m.message.id)}` },
      ]);
      try {
        const early = Math.max(0, deletes.length - (BATCH_LIMIT - 1 - ownRows.length));
        for (const batch of chunks(deletes.slice(0, early), BATCH_LIMIT)) await this.hub.submit(id, batch);
        const props = await encodeInstance(this.hub.payloads, instance, histGen, 0);
        await this.hub.submit(id, [
          ['upsert', { partitionKey: pk, rowKey: 'I', ...props }, 'Replace'],
          ...ownRows.map((row): TransactionAction => ['upsert', row, 'Replace']),
          ...deletes.slice(early),
        ]);
        this.hub.instances.set(id, { record: { ...instance }, histGen, histRows: 0, props });
      } catch (error) {
        // Not restarted: the old execution's messages are still stored, so they are pending again.
        for (const m of stale) this.hub.addMessage(m.message, m.seq);
        throw error;
      }
      p.history = [];
      for (const o of own) this.hub.addMessage(o.message, o.seq);
      if (p.inbox.length === 0) this.hub.orchestrationInboxes.delete(id);
      this.hub.writeIndex(p, 'I');
      if (previous) this.hub.track(this.deleteHistoryGenerationsBelow(id, histGen));
    } finally {
      p.busy--;
      this.hub.maybeUnmark(p);
    }
    if (others.length > 0) await this.sendOrchestrationMessages(others);
    else this.hub.notify();
  }

  private async deleteHistoryGenerationsBelow(instanceId: string, gen: number): Promise<void> {
    const pk = encodeKey(instanceId);
    const hi = historyKey(gen, 0);
    const keys: string[] = [];
    for await (const row of this.hub.state.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${pk} and RowKey ge 'H|' and RowKey lt ${hi}`, select: ['RowKey'] },
    }))
      keys.push(row.rowKey ?? '');
    for (const batch of chunks(keys, BATCH_LIMIT))
      await this.hub.submit(
        instanceId,
        batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
      );
  }

  async sendOrchestrationMessages(messages: OrchestrationMessage[]): Promise<void> {
    await this.ensureStarted();
    if (messages.length === 0) return;
    const apply = await write(this.hub, { orchestrationMessages: messages, activities: [], entityRequests: [] });
    apply();
  }

  async sendEntityRequests(requests: EntityRequest[]): Promise<void> {
    await this.ensureStarted();
    if (requests.length === 0) return;
    const apply = await write(this.hub, { orchestrationMessages: [], activities: [], entityRequests: requests });
    apply();
  }

  // ---------------------------------------------------------------------------------------------- orchestrations

  async takeOrchestrationWorkItem(): Promise<OrchestrationWorkItem | undefined> {
    await this.ensureStarted();
    const now = Date.now();
    for (const id of this.hub.orchestrationInboxes) {
      const p = this.hub.partitions.get(id);
      if (!p || p.locked) continue;
      if (p.inbox.length === 0) {
        this.hub.orchestrationInboxes.delete(id);
        continue;
      }
      const suspended = this.hub.instances.get(id)?.record.runtimeStatus === 'Suspended';
      const visible: OrchestrationMessage[] = [];
      for (const m of p.inbox) {
        if ((m.message.visibleAt ?? 0) > now) continue;
        if (suspended && !isControlMessage(m.message)) continue;
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
    const p = this.hub.partition(id);
    const pk = encodeKey(id);
    const previous = this.hub.instances.get(id);
    if (supersededBy(previous?.record, commit)) {
      // The instance was started anew while this episode ran: only its messages are done with.
      await this.discardOrchestrationMessages(id, commit.consumed);
      this.hub.notify();
      return;
    }
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
          ...(await this.hub.payloads.packText(id, 'Data', JSON.stringify(events))),
        },
        'Replace',
      ]);
      histRows++;
    }
    const props = await encodeInstance(this.hub.payloads, instance, histGen, histRows, previous);
    actions.push(['upsert', { partitionKey: pk, rowKey: 'I', ...props }, 'Replace']);
    const stored = new Set(p.inbox.map((m) => m.message.id));
    const consumed = [...new Set(commit.consumed)].filter((mid) => stored.has(mid));
    for (const mid of consumed) actions.push(['delete', { partitionKey: pk, rowKey: `M|${encodeKey(mid)}` }]);
    const outbox = await outboxProps(this.hub, id, commit.outbox);
    if (outbox) actions.push(['upsert', outbox.row, 'Replace']);
    await this.hub.submit(id, actions);

    // Stored: now the in-memory view.
    this.hub.instances.set(id, { record: { ...instance }, histGen, histRows, props });
    if (TERMINAL_STATUSES.has(instance.runtimeStatus)) p.history = undefined;
    else if (replaced) p.history = structuredClone(events);
    else if (p.history) p.history.push(...structuredClone(events));
    const done = new Set(consumed);
    p.inbox = p.inbox.filter((m) => !done.has(m.message.id));
    if (p.inbox.length === 0) this.hub.orchestrationInboxes.delete(id);
    p.locked = false;
    this.hub.writeIndex(p, 'I');
    if (replaced && histGen > 0) this.hub.track(this.deleteHistoryGenerationsBelow(id, histGen));
    if (outbox) deliverAfterCommit(this.hub, p, outbox.pending);
    this.hub.maybeUnmark(p);
    this.hub.notify();
  }

  async discardOrchestrationMessages(instanceId: string, messageIds: readonly string[]): Promise<void> {
    const p = this.hub.partition(instanceId);
    const pk = encodeKey(instanceId);
    const stored = new Set(p.inbox.map((m) => m.message.id));
    const ids = [...new Set(messageIds)].filter((mid) => stored.has(mid));
    try {
      for (const batch of chunks(ids, BATCH_LIMIT))
        await this.hub.submit(
          instanceId,
          batch.map((mid): TransactionAction => ['delete', { partitionKey: pk, rowKey: `M|${encodeKey(mid)}` }]),
        );
      const discarded = new Set(ids);
      p.inbox = p.inbox.filter((m) => !discarded.has(m.message.id));
      if (p.inbox.length === 0) this.hub.orchestrationInboxes.delete(instanceId);
    } finally {
      p.locked = false;
      this.hub.maybeUnmark(p);
    }
  }

  async abandonOrchestrationWorkItem(instanceId: string): Promise<void> {
    const p = this.hub.partition(instanceId);
    p.locked = false;
    this.hub.maybeUnmark(p);
    this.hub.notify();
  }

  // ---------------------------------------------------------------------------------------------- activities

  async takeActivityWorkItem(): Promise<ActivityWorkItem | undefined> {
    await this.ensureStarted();
    for (const [id, item] of this.hub.queuedActivities) {
      this.hub.queuedActivities.delete(id);
      this.hub.runningActivities.set(id, item);
      return { ...item };
    }
    return undefined;
  }

  async completeActivityWorkItem(itemId: string, result: OrchestrationMessage): Promise<void> {
    const item = this.hub.runningActivities.get(itemId);
    if (!item) return; // purged meanwhile
    const p = this.hub.partition(item.instanceId);
    if (result.instanceId !== item.instanceId)
      throw new Error(`devhost: activity result for '${result.instanceId}' from a work item of '${item.instanceId}'.`);
    const seq = this.hub.nextSeq();
    p.busy++;
    try {
      await this.hub.ensureMarked(p);
      await this.hub.submit(item.instanceId, [
        ['upsert', await messageRow(this.hub, result, seq), 'Replace'],
        ['delete', { partitionKey: encodeKey(item.instanceId), rowKey: `A|${encodeKey(itemId)}` }],
      ]);
      this.hub.runningActivities.delete(itemId);
      p.activities--;
      this.hub.addMessage(result, seq);
    } catch (error) {
      // Offered again (at-least-once).
      this.hub.runningActivities.delete(itemId);
      this.hub.queuedActivities.set(itemId, item);
      throw error;
    } finally {
      p.busy--;
      this.hub.maybeUnmark(p);
    }
    this.hub.notify();
  }

  // ---------------------------------------------------------------------------------------------- entities

  async purgeEntity(entityId: string): Promise<boolean> {
    await this.ensureStarted();
    const p = this.hub.partition(entityId);
    if (!this.hub.entities.has(entityId) || p.locked) return false;
    const pk = encodeKey(entityId);
    // Locked so that no batch is taken while the rows go; marked first, as purgeInstance does.
    p.locked = true;
    p.busy++;
    try {
      await this.hub.ensureMarked(p);
      const keys = ['E', ...p.requests.map((r) => `R|${encodeKey(r.request.id)}`)];
      for (const batch of chunks(keys, BATCH_LIMIT))
        await this.hub.submit(
          entityId,
          batch.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
        );
      this.hub.entities.delete(entityId);
      p.requests = [];
      this.hub.entityInboxes.delete(entityId);
      this.hub.writeIndex(p, 'E'); // deletes the index row
      await this.hub.payloads.deletePartition(entityId);
      return true;
    } finally {
      p.locked = false;
      p.busy--;
      this.hub.maybeUnmark(p);
    }
  }

  async takeEntityWorkItem(maxBatch: number): Promise<EntityWorkItem | undefined> {
    await this.ensureStarted();
    const now = Date.now();
    const limit = Math.min(maxBatch, MAX_MESSAGES);
    for (const id of this.hub.entityInboxes) {
      const p = this.hub.partitions.get(id);
      if (!p || p.locked) continue;
      if (p.requests.length === 0) {
        this.hub.entityInboxes.delete(id);
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
    const p = this.hub.partition(id);
    const pk = encodeKey(id);
    try {
      const previous = this.hub.entities.get(id);
      const data = JSON.stringify(entity);
      const props = await this.hub.payloads.packText(
        id,
        'Data',
        data,
        previous?.props,
        previous && JSON.stringify(previous.record),
      );
      const actions: TransactionAction[] = [['upsert', { partitionKey: pk, rowKey: 'E', ...props }, 'Replace']];
      const stored = new Set(p.requests.map((r) => r.request.id));
      const done = [...new Set(consumed)].filter((rid) => stored.has(rid));
      for (const rid of done) actions.push(['delete', { partitionKey: pk, rowKey: `R|${encodeKey(rid)}` }]);
      const pending = await outboxProps(this.hub, id, outbox);
      if (pending) actions.push(['upsert', pending.row, 'Replace']);
      await this.hub.submit(id, actions);
      if (entity.exists) this.hub.entities.set(id, { record: { ...entity }, props });
      else this.hub.entities.delete(id);
      if (entity.exists || previous) this.hub.writeIndex(p, 'E');
      const doneSet = new Set(done);
      p.requests = p.requests.filter((r) => !doneSet.has(r.request.id));
      if (p.requests.length === 0) this.hub.entityInboxes.delete(id);
      if (pending) deliverAfterCommit(this.hub, p, pending.pending);
    } finally {
      p.locked = false;
      this.hub.maybeUnmark(p);
    }
    this.hub.notify();
  }
}
