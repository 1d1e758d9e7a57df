// History events as the Durable Task Framework writes them (PascalCase, EventType as an integer), which is
// what the durable-functions SDK replays. See ../shared/reference/durable-protocol.md §2.2.
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];

export const EVENT_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(EventType).map(([name, code]) => [code, name]),
);

export interface HistoryEvent {
  EventType: EventTypeCode;
  /** The sequence number of a scheduling event (TaskScheduled, TimerCreated, ...); -1 for the others. */
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string | null;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: {
    OrchestrationInstance: { InstanceId: string; ExecutionId: string };
    Name: string;
    TaskScheduledId: number;
  } | null;
  Version?: string;
  /** ExecutionCompleted: how the execution ended (DTFx OrchestrationStatus, by name). */
  OrchestrationStatus?: 'Completed' | 'Failed' | 'Terminated';
  /** The retry policy of a first retryable attempt (devhost bookkeeping; DTFx keeps it in memory). */
  RetryOptions?: RetryPolicy;
  /** devhost bookkeeping (ignored by the SDK): what a scheduling event was for. */
  Devhost?: SchedulingNote;
}

/** A retry policy as the SDK sends it (RetryOptions of durable-functions; milliseconds). */
export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/**
 * Why devhost wrote a scheduling event, so later episodes can continue the tasks the host runs on its own, as
 * the Durable extension does: retries (an attempt, a timer, the next attempt), long timers (one sub-timer after
 * another) and durable HTTP calls (a request; while it answers 202, a timer and a poll of its Location).
 * `hostTaken`: its sequence number was taken by the host, not by an action in the SDK's action list.
 */
export interface SchedulingNote {
  role: 'retry-attempt' | 'retry-timer' | 'long-timer' | 'http-call' | 'http-timer';
  hostTaken: boolean;
  /** The sequence number of the action the task belongs to (its first event). */
  actionId?: number;
  /** Retries: this attempt's number (from 1). */
  attempt?: number;
  /** Retried sub-orchestrations: the action gave no instance id, so every attempt gets one of its own. */
  childIdGenerated?: boolean;
  /** Long timers: when the whole timer fires. */
  finalFireAt?: string;
  /** Durable HTTP polling timers: the Location the poll after this timer GETs. */
  pollLocation?: string;
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string | null;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown> | null;
  InnerFailure?: FailureDetails | null;
}

export function historyEvent(type: EventTypeCode, timestamp: string, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp, ...fields };
}
