// The task hub: everything the durable engine keeps. The engine is written against this interface so the
// same engine runs on the in-memory hub (fast tests) and on Azure Storage (crash-safe; see azurite-store).
// Each method that changes state is one atomic step: a crash between steps loses nothing acknowledged.
import { EventType, type HistoryEvent } from './history.ts';

export const RUNTIME_STATUSES = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text, or null. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: ParentRef | undefined;
  /** SDK ids allocated so far in this execution (DTFx's sequence number), see orchestration-episode.ts. */
  nextEventId: number;
}

/** A message to an orchestration instance: a history event to add, visible from `visibleAt` (timers). */
export interface OrchestrationMessage {
  id: string;
  instanceId: string;
  /** Execution the message belongs to; messages of an older execution (before continueAsNew) are dropped. */
  executionId?: string | undefined;
  event: HistoryEvent;
  /** Epoch ms; absent = now. */
  visibleAt?: number | undefined;
}

export interface ActivityWorkItem {
  id: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  /** JSON text of the input. */
  input: string | null;
}

/** An operation request to an entity (DTFx RequestMessage). */
export interface EntityRequest {
  id: string;
  /** Scheduler id `@name@key`. */
  entityId: string;
  operation: string;
  /** JSON text, or null. */
  input: string | null;
  isSignal: boolean;
  /** Caller to answer (calls only). */
  parentInstanceId?: string | undefined;
  parentExecutionId?: string | undefined;
  visibleAt?: number | undefined;
}

export interface EntityRecord {
  entityId: string;
  exists: boolean;
  /** JSON text. */
  state: string | null;
  lastModifiedTime: string;
}

export interface Outbox {
  orchestrationMessages: OrchestrationMessage[];
  activities: ActivityWorkItem[];
  entityRequests: EntityRequest[];
}

export const emptyOutbox = (): Outbox => ({ orchestrationMessages: [], activities: [], entityRequests: [] });

/** Resume and terminate reach a suspended instance; every other message waits until it resumes. */
export const isControlMessage = (m: OrchestrationMessage): boolean =>
  m.event.EventType === EventType.ExecutionResumed || m.event.EventType === EventType.ExecutionTerminated;

export interface OrchestrationWorkItem {
  instanceId: string;
  messages: OrchestrationMessage[];
}

export interface OrchestrationCommit {
  instance: InstanceRecord;
  /** Events to append to the execution's history. */
  newEvents: HistoryEvent[];
  /** When set, the history is replaced (continueAsNew starts a fresh execution). */
  replaceHistory?: HistoryEvent[] | undefined;
  /** Messages this episode consumed. */
  consumed: readonly string[];
  outbox: Outbox;
}

export interface EntityWorkItem {
  entityId: string;
  requests: EntityRequest[];
}

export interface InstanceQuery {
  createdTimeFrom?: string | undefined;
  createdTimeTo?: string | undefined;
  runtimeStatus?: readonly RuntimeStatus[] | undefined;
  instanceIdPrefix?: string | undefined;
  top?: number | undefined;
  continuationToken?: string | undefined;
}

export interface TaskHubStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called whenever work may be available (a message was added or a lock released). */
  onWork(listener: () => void): void;

  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;
  getHistory(instanceId: string): Promise<HistoryEvent[]>;
  queryInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceRecord[]; continuationToken?: string | undefined }>;
  /** Deletes the instance, its history and pending messages. */
  purgeInstance(instanceId: string): Promise<boolean>;
  /**
   * Deletes an entity, its state and pending requests (what the host's purge of an entity's instance id
   * `@name@key` does: entities are instances there). False when it does not exist or is running a batch.
   */
  purgeEntity(entityId: string): Promise<boolean>;
  /** Creates or replaces an instance record (a start) together with its first messages, atomically. */
  createInstance(instance: InstanceRecord, messages: OrchestrationMessage[]): Promise<void>;
  sendOrchestrationMessages(messages: OrchestrationMessage[]): Promise<void>;
  sendEntityRequests(requests: EntityRequest[]): Promise<void>;

  /** Locks an instance with visible messages and hands them over; undefined when none is ready. */
  takeOrchestrationWorkItem(): Promise<OrchestrationWorkItem | undefined>;
  /** Stores an episode's outcome atomically and unlocks the instance. */
  completeOrchestrationWorkItem(commit: OrchestrationCommit): Promise<void>;
  /** Deletes messages that can never be delivered (their instance is gone) and unlocks. */
  discardOrchestrationMessages(instanceId: string, messageIds: readonly string[]): Promise<void>;
  /** Unlocks without consuming anything (the messages are offered again). */
  abandonOrchestrationWorkItem(instanceId: string): Promise<void>;
  /**
   * Epoch ms of the earliest message (or entity request) that becomes visible after `after` (epoch ms), for the
   * timer wake-up; it may already be due by now. Messages visible at `after` are not counted: the pump that
   * started then saw them, and whatever held them back (a lock, a suspension, capacity) notifies when it ends.
   */
  nextVisibleAt(after: number): Promise<number | undefined>;

  takeActivityWorkItem(): Promise<ActivityWorkItem | undefined>;
  /** Removes the work item and posts its result to the orchestration, atomically. */
  completeActivityWorkItem(itemId: string, result: OrchestrationMessage): Promise<void>;

  getEntity(entityId: string): Promise<EntityRecord | undefined>;
  listEntities(): Promise<EntityRecord[]>;
  takeEntityWorkItem(maxBatch: number): Promise<EntityWorkItem | undefined>;
  completeEntityWorkItem(entity: EntityRecord, consumed: readonly string[], outbox: Outbox): Promise<void>;
}

/**
 * True when `stored` (the instance as stored now) was started anew (createInstance: a new execution id) while the
 * episode that produced `commit` ran on the execution before it. Such a commit is dropped but for the messages it
 * consumed: writing it would put the old execution back over the new one. A continue-as-new or restart commit
 * changes the execution id itself, and says so with `replaceHistory`.
 */
export function supersededBy(stored: InstanceRecord | undefined, commit: OrchestrationCommit): boolean {
  return (
    stored !== undefined && commit.replaceHistory === undefined && stored.executionId !== commit.instance.executionId
  );
}
