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
  /** The retry policy of a first retryable attempt (devhost bookkeeping; DTFx keeps it in memory). */
  RetryOptions?: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
  };
  /** devhost bookkeeping (ignored by the SDK): what a scheduling event was for. */
  Devhost?: SchedulingNote;
}

/**
 * Why devhost wrote a scheduling event, so later episodes can continue retries and long timers.
 * `hostTaken`: its sequence number was taken by the host (a retry's timer or later attempt, a long timer's
 * later sub-timer), not by an action in the SDK's action list.
 */
export interface SchedulingNote {
  role: 'retry-attempt' | 'retry-timer' | 'long-timer';
  hostTaken: boolean;
  /** Retries: the sequence number of the first attempt, and this attempt's number (from 1). */
  actionId?: number;
  attempt?: number;
  /** Long timers: when the whole timer fires. */
  finalFireAt?: string;
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

/** A thrown value as FailureDetails: the error's name, message and stack. */
export function failureDetailsOf(error: unknown): FailureDetails {
  if (error instanceof Error)
    return {
      ErrorType: error.name || 'Error',
      ErrorMessage: error.message,
      StackTrace: error.stack ?? null,
      IsNonRetriable: false,
      Properties: null,
      InnerFailure: null,
    };
  return {
    ErrorType: 'Error',
    ErrorMessage: String(error),
    StackTrace: null,
    IsNonRetriable: false,
    Properties: null,
    InnerFailure: null,
  };
}
