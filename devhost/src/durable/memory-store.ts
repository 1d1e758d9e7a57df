// The in-memory task hub: the whole state in maps, for tests and quick local runs. Gone when the process
// ends; `--store azurite` keeps it in Azure Storage instead.
import type { HistoryEvent } from './history.ts';
import { isControlMessage, supersededBy } from './store.ts';
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
import { matchesQuery, pageOf } from './instance-query.ts';

export class MemoryTaskHubStore implements TaskHubStore {
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly histories = new Map<string, HistoryEvent[]>();
  /** Pending messages per instance, in arrival order. */
  private readonly inboxes = new Map<string, OrchestrationMessage[]>();
  private readonly lockedInstances = new Set<string>();
  private readonly activities = new Map<string, ActivityWorkItem>();
  private readonly runningActivities = new Set<string>();
  private readonly entities = new Map<string, EntityRecord>();
  private readonly entityInboxes = new Map<string, EntityRequest[]>();
  private readonly lockedEntities = new Set<string>();
  private readonly listeners: Array<() => void> = [];

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  onWork(listener: () => void): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const record = this.instances.get(instanceId);
    return record && { ...record };
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    // Events are never changed once stored (episodes copy before marking IsPlayed), so a shallow copy will do.
    return [...(this.histories.get(instanceId) ?? [])];
  }

  async queryInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceRecord[]; continuationToken?: string | undefined }> {
    const matching = [...this.instances.values()]
      .filter((i) => matchesQuery(i, query))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    return pageOf(matching, query);
  }

  async purgeInstance(instanceId: string): Promise<boolean> {
    const existed = this.instances.delete(instanceId);
    this.histories.delete(instanceId);
    this.inboxes.delete(instanceId);
    return existed;
  }

  async purgeEntity(entityId: string): Promise<boolean> {
    if (!this.entities.has(entityId) || this.lockedEntities.has(entityId)) return false;
    this.entities.delete(entityId);
    this.entityInboxes.delete(entityId);
    return true;
  }

  async createInstance(instance: InstanceRecord, messages: OrchestrationMessage[]): Promise<void> {
    this.instances.set(instance.instanceId, { ...instance });
    this.histories.set(instance.instanceId, []);
    this.inboxes.set(instance.instanceId, []);
    await this.sendOrchestrationMessages(messages);
  }

  async sendOrchestrationMessages(messages: OrchestrationMessage[]): Promise<void> {
    for (const message of messages) {
      const inbox = this.inboxes.get(message.instanceId) ?? [];
      inbox.push(structuredClone(message));
      this.inboxes.set(message.instanceId, inbox);
    }
    if (messages.length > 0) this.notify();
  }

  async sendEntityRequests(requests: EntityRequest[]): Promise<void> {
    for (const request of requests) {
      const inbox = this.entityInboxes.get(request.entityId) ?? [];
      inbox.push({ ...request });
      this.entityInboxes.set(request.entityId, inbox);
    }
    if (requests.length > 0) this.notify();
  }

  async takeOrchestrationWorkItem(): Promise<OrchestrationWorkItem | undefined> {
    const now = Date.now();
    for (const [instanceId, inbox] of this.inboxes) {
      if (this.lockedInstances.has(instanceId)) continue;
      let visible = inbox.filter((m) => (m.visibleAt ?? 0) <= now);
      if (this.instances.get(instanceId)?.runtimeStatus === 'Suspended') visible = visible.filter(isControlMessage);
      if (visible.length === 0) continue;
      this.lockedInstances.add(instanceId);
      return { instanceId, messages: structuredClone(visible) };
    }
    return undefined;
  }

  async completeOrchestrationWorkItem(commit: OrchestrationCommit): Promise<void> {
    const { instance } = commit;
    const id = instance.instanceId;
    if (supersededBy(this.instances.get(id), commit)) {
      // The instance was started anew while this episode ran: only its messages are done with.
      await this.discardOrchestrationMessages(id, commit.consumed);
      this.notify();
      return;
    }
    if (commit.replaceHistory) this.histories.set(id, structuredClone(commit.replaceHistory));
    else this.histories.set(id, [...(this.histories.get(id) ?? []), ...structuredClone(commit.newEvents)]);
    this.instances.set(id, { ...instance });
    const consumed = new Set(commit.consumed);
    this.inboxes.set(
      id,
      (this.inboxes.get(id) ?? []).filter((m) => !consumed.has(m.id)),
    );
    this.lockedInstances.delete(id);
    this.deliver(commit.outbox);
  }

  async discardOrchestrationMessages(instanceId: string, messageIds: readonly string[]): Promise<void> {
    const discarded = new Set(messageIds);
    const remaining = (this.inboxes.get(instanceId) ?? []).filter((m) => !discarded.has(m.id));
    if (remaining.length > 0) this.inboxes.set(instanceId, remaining);
    else this.inboxes.delete(instanceId);
    this.lockedInstances.delete(instanceId);
  }

  async abandonOrchestrationWorkItem(instanceId: string): Promise<void> {
    this.lockedInstances.delete(instanceId);
    this.notify();
  }

  async nextVisibleAt(after: number): Promise<number | undefined> {
    let earliest: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && at > after && (earliest === undefined || at < earliest)) earliest = at;
    };
    for (const inbox of this.inboxes.values()) for (const m of inbox) consider(m.visibleAt);
    for (const inbox of this.entityInboxes.values()) for (const r of inbox) consider(r.visibleAt);
    return earliest;
  }

  async takeActivityWorkItem(): Promise<ActivityWorkItem | undefined> {
    for (const [id, item] of this.activities) {
      if (this.runningActivities.has(id)) continue;
      this.runningActivities.add(id);
      return { ...item };
    }
    return undefined;
  }

  async completeActivityWorkItem(itemId: string, result: OrchestrationMessage): Promise<void> {
    this.activities.delete(itemId);
    this.runningActivities.delete(itemId);
    await this.sendOrchestrationMessages([result]);
  }

  async getEntity(entityId: string): Promise<EntityRecord | undefined> {
    const record = this.entities.get(entityId);
    return record && { ...record };
  }

  async listEntities(): Promise<EntityRecord[]> {
    return [...this.entities.values()].map((e) => ({ ...e }));
  }

  async takeEntityWorkItem(maxBatch: number): Promise<EntityWorkItem | undefined> {
    const now = Date.now();
    for (const [entityId, inbox] of this.entityInboxes) {
      if (this.lockedEntities.has(entityId)) continue;
      const requests: EntityRequest[] = [];
      // Deliver in order: stop at the first request not yet visible (a scheduled signal).
      for (const r of inbox) {
        if ((r.visibleAt ?? 0) > now || requests.length >= maxBatch) break;
        requests.push({ ...r });
      }
      if (requests.length === 0) continue;
      this.lockedEntities.add(entityId);
      return { entityId, requests };
    }
    return undefined;
  }

  async completeEntityWorkItem(entity: EntityRecord, consumed: readonly string[], outbox: Outbox): Promise<void> {
    if (entity.exists) this.entities.set(entity.entityId, { ...entity });
    else this.entities.delete(entity.entityId);
    const done = new Set(consumed);
    const remaining = (this.entityInboxes.get(entity.entityId) ?? []).filter((r) => !done.has(r.id));
    if (remaining.length > 0) this.entityInboxes.set(entity.entityId, remaining);
    else this.entityInboxes.delete(entity.entityId);
    this.lockedEntities.delete(entity.entityId);
    this.deliver(outbox);
  }

  private deliver(outbox: Outbox): void {
    for (const item of outbox.activities) this.activities.set(item.id, { ...item });
    void this.sendOrchestrationMessages(outbox.orchestrationMessages);
    void this.sendEntityRequests(outbox.entityRequests);
    this.notify();
  }
}
