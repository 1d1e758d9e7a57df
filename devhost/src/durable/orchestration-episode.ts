// One orchestration episode, as the Durable extension runs it: add the new events to the history, replay
// the whole history through the SDK, then turn the actions it returns into history events and messages.
//
// Sequence numbers. The SDK numbers tasks in the order it tracks them and matches completions by number
// (durable-protocol.md §2.3), so devhost must number scheduling events the same way. Actions number
// themselves in list order; two host-side features take numbers the action list does not show: a retry
// (a timer after each failed attempt, then the next attempt) and a long timer (one sub-timer after another).
// The SDK takes those numbers while it processes the failure or the timer, so devhost processes such
// events first in an episode and takes the same numbers then; actions later skip them.
import { randomUUID } from 'node:crypto';
import {
  ActionType,
  actionMatchesEvent,
  describeAction,
  describeEvent,
  flattenActions,
  inputText,
  takesEventId,
  type Action,
  type RetryOptions,
} from './actions.ts';
import {
  EventType,
  failureDetailsOf,
  historyEvent,
  type EventTypeCode,
  type FailureDetails,
  type HistoryEvent,
  type SchedulingNote,
} from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import {
  emptyOutbox,
  TERMINAL_STATUSES,
  type InstanceRecord,
  type OrchestrationCommit,
  type OrchestrationMessage,
  type Outbox,
} from './store.ts';

export interface TimerSettings {
  /** Timers further away than this are split (Azure Storage: 6 days). .NET TimeSpan text and milliseconds. */
  maximumShortTimerDuration: string;
  maximumShortTimerMs: number;
  /** Length of each sub-timer of a split timer (Azure Storage: 3 days). */
  longRunningTimerIntervalDuration: string;
  longRunningTimerIntervalMs: number;
}

export const AZURE_STORAGE_TIMERS: TimerSettings = {
  maximumShortTimerDuration: '6.00:00:00',
  maximumShortTimerMs: 6 * 86_400_000,
  longRunningTimerIntervalDuration: '3.00:00:00',
  longRunningTimerIntervalMs: 3 * 86_400_000,
};

/** Milliseconds as a .NET TimeSpan string (d.hh:mm:ss.fff), which the SDK parses with moment. */
export function timeSpan(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = new Date(ms % 86_400_000).toISOString().slice(11, 23);
  return `${days}.${rest}`;
}

export interface EpisodeInput {
  instance: InstanceRecord;
  history: HistoryEvent[];
  messages: OrchestrationMessage[];
  now: Date;
  timers: TimerSettings;
}

interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
  failureDetails?: FailureDetails;
}

const OUT_OF_PROC_DATA = '$OutOfProcData$:';

function isRetryable(event: HistoryEvent): boolean {
  return event.Devhost?.role === 'retry-attempt';
}

export async function runEpisode(input: EpisodeInput, functions: DurableFunctionRunner): Promise<OrchestrationCommit> {
  const episode = new Episode(input);
  return episode.run(functions);
}

class Episode {
  private readonly instance: InstanceRecord;
  private readonly history: HistoryEvent[];
  private readonly messages: OrchestrationMessage[];
  private readonly timestamp: string;
  private readonly nowMs: number;
  private readonly timers: TimerSettings;
  private readonly outbox: Outbox = emptyOutbox();
  /** Events this episode appends after OrchestratorStarted and the new events: what it scheduled. */
  private readonly scheduled: HistoryEvent[] = [];
  private readonly consumed: string[] = [];

  constructor(input: EpisodeInput) {
    this.instance = { ...input.instance };
    this.history = input.history;
    this.messages = input.messages;
    this.timestamp = input.now.toISOString();
    this.nowMs = input.now.getTime();
    this.timers = input.timers;
  }

  async run(functions: DurableFunctionRunner): Promise<OrchestrationCommit> {
    const live: OrchestrationMessage[] = [];
    for (const m of this.messages) {
      const stale = m.executionId !== undefined && m.executionId !== this.instance.executionId;
      if (stale || TERMINAL_STATUSES.has(this.instance.runtimeStatus)) this.consumed.push(m.id);
      else live.push(m);
    }
    const terminate = live.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminate) return this.terminate(live, terminate);

    const newEvents: HistoryEvent[] = [];
    for (const m of live) {
      this.consumed.push(m.id);
      if (m.event.EventType === EventType.ExecutionSuspended) this.instance.runtimeStatus = 'Suspended';
      if (m.event.EventType === EventType.ExecutionResumed) this.instance.runtimeStatus = 'Running';
      if (m.event.EventType === EventType.ExecutionStarted && this.instance.runtimeStatus === 'Pending')
        this.instance.runtimeStatus = 'Running';
      newEvents.push(m.event);
    }
    const replayable = newEvents.filter(
      (e) => e.EventType !== EventType.ExecutionSuspended && e.EventType !== EventType.ExecutionResumed,
    );
    if (this.instance.runtimeStatus === 'Suspended' || replayable.length === 0) return this.commit(newEvents);

    // Retry and long-timer progress first, so their sequence numbers are the ones the SDK takes (see top).
    const progress = replayable.filter((e) => this.isProgressEvent(e));
    const ordered = [
      ...progress,
      ...replayable.filter((e) => !progress.includes(e)),
      ...newEvents.filter((e) => !replayable.includes(e)),
    ];
    for (const event of progress) this.advanceHostSideTask(event);

    const started = historyEvent(EventType.OrchestratorStarted, this.timestamp);
    const past = this.history.map((e) => ({ ...e, IsPlayed: true }));
    const replayHistory = [...past, started, ...ordered, ...this.scheduled];
    const outcome = await functions.runOrchestrator(this.instance.name, this.payload(replayHistory));
    const state = this.stateOf(outcome);
    return this.apply(state, [started, ...ordered], functions);
  }

  private payload(history: HistoryEvent[]): unknown {
    return {
      history,
      input: this.instance.input === null ? null : (JSON.parse(this.instance.input) as unknown),
      instanceId: this.instance.instanceId,
      isReplaying: false,
      parentInstanceId: this.instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: this.timers.longRunningTimerIntervalDuration,
      maximumShortTimerDuration: this.timers.maximumShortTimerDuration,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
  }

  private stateOf(
    outcome: Awaited<ReturnType<DurableFunctionRunner['runOrchestrator']>>,
  ): OrchestratorState | { failure: string; failureDetails?: FailureDetails | undefined; actions?: Action[][] } {
    if (outcome.ok) return outcome.value as OrchestratorState;
    const message = outcome.error.message;
    const at = message.indexOf(OUT_OF_PROC_DATA);
    if (at < 0) return { failure: message, failureDetails: failureDetailsOf(outcome.error) };
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
    return {
      failure: state.error ?? 'orchestrator failed',
      failureDetails: state.failureDetails,
      actions: state.actions,
    };
  }

  /** Scheduling events by sequence number: the history's, then this episode's (kept up to date by `push`). */
  private byIdCache: Map<number, HistoryEvent> | undefined;

  private scheduledEvents(): Map<number, HistoryEvent> {
    if (!this.byIdCache) {
      this.byIdCache = new Map();
      for (const e of this.history) this.index(e);
    }
    return this.byIdCache;
  }

  private index(e: HistoryEvent): void {
    const scheduling =
      e.EventType === EventType.TaskScheduled ||
      e.EventType === EventType.SubOrchestrationInstanceCreated ||
      e.EventType === EventType.TimerCreated ||
      e.EventType === EventType.EventSent;
    if (scheduling && e.EventId >= 0) this.byIdCache?.set(e.EventId, e);
  }

  private push(e: HistoryEvent): void {
    this.scheduled.push(e);
    this.index(e);
  }

  /** A failed retryable attempt, or a fired retry timer or long sub-timer: the host takes the next step. */
  private isProgressEvent(event: HistoryEvent): boolean {
    const byId = this.scheduledEvents();
    if (event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed) {
      const scheduledBy = byId.get(event.TaskScheduledId ?? -1);
      return scheduledBy !== undefined && isRetryable(scheduledBy);
    }
    if (event.EventType === EventType.TimerFired) {
      const role = byId.get(event.TimerId ?? -1)?.Devhost?.role;
      return role === 'retry-timer' || role === 'long-timer';
    }
    return false;
  }

  private takeEventId(): number {
    return this.instance.nextEventId++;
  }

  private advanceHostSideTask(event: HistoryEvent): void {
    const byId = this.scheduledEvents();
    if (event.EventType === EventType.TimerFired) {
      const note = byId.get(event.TimerId ?? -1)!.Devhost!;
      if (note.role === 'long-timer') {
        const finalFireAt = note.finalFireAt ?? this.timestamp;
        if (finalFireAt > this.timestamp) this.scheduleTimer(this.takeEventId(), finalFireAt, true);
        return;
      }
      const first = byId.get(note.actionId ?? -1)!;
      const attempt = note.attempt ?? 1;
      if (attempt + 1 > retryOptionsOf(first).maxNumberOfAttempts) return; // the SDK fails the task now
      this.scheduleAttempt(this.takeEventId(), first, attempt + 1);
      return;
    }
    const note = byId.get(event.TaskScheduledId ?? -1)!.Devhost!;
    const actionId = note.actionId ?? -1;
    const attempt = note.attempt ?? 1;
    const retry = retryOptionsOf(byId.get(actionId)!);
    // DTFx writes the timer after the last attempt too (firing at once); the SDK waits for it before failing.
    const delay = attempt < retry.maxNumberOfAttempts ? retryDelayMs(retry, attempt) : 0;
    const id = this.takeEventId();
    const fireAt = new Date(this.nowMs + delay).toISOString();
    this.push(
      historyEvent(EventType.TimerCreated, this.timestamp, {
        EventId: id,
        FireAt: fireAt,
        Devhost: { role: 'retry-timer', hostTaken: true, actionId, attempt },
      }),
    );
    this.outbox.orchestrationMessages.push(this.timerFired(id, fireAt));
  }

  private timerFired(timerId: number, fireAt: string): OrchestrationMessage {
    return {
      id: randomUUID(),
      instanceId: this.instance.instanceId,
      executionId: this.instance.executionId,
      event: historyEvent(EventType.TimerFired, fireAt, { TimerId: timerId, FireAt: fireAt }),
      visibleAt: Date.parse(fireAt),
    };
  }

  /** A timer (or the next sub-timer of a long one) toward `finalFireAt`, split as the SDK splits it. */
  private scheduleTimer(id: number, finalFireAt: string, hostTaken: boolean): void {
    const long = Date.parse(finalFireAt) - this.nowMs > this.timers.maximumShortTimerMs;
    const fireAt = long ? new Date(this.nowMs + this.timers.longRunningTimerIntervalMs).toISOString() : finalFireAt;
    const note: SchedulingNote | undefined =
      long || hostTaken ? { role: 'long-timer', hostTaken, finalFireAt } : undefined;
    this.push(
      historyEvent(EventType.TimerCreated, this.timestamp, {
        EventId: id,
        FireAt: fireAt,
        ...(note && { Devhost: note }),
      }),
    );
    this.outbox.orchestrationMessages.push(this.timerFired(id, fireAt));
  }

  private scheduleAttempt(id: number, first: HistoryEvent, attempt: number): void {
    const note: SchedulingNote = { role: 'retry-attempt', hostTaken: true, actionId: first.EventId, attempt };
    if (first.EventType === EventType.TaskScheduled) {
      this.push(
        historyEvent(EventType.TaskScheduled, this.timestamp, {
          EventId: id,
          Name: first.Name,
          Input: first.Input ?? null,
          Devhost: note,
        }),
      );
      this.outbox.activities.push({
        id: randomUUID(),
        instanceId: this.instance.instanceId,
        executionId: this.instance.executionId,
        taskScheduledId: id,
        name: first.Name ?? '',
        input: first.Input ?? null,
      });
    } else {
      const childId = first.InstanceId ?? `${this.instance.executionId}:${id}`;
      this.push(
        historyEvent(EventType.SubOrchestrationInstanceCreated, this.timestamp, {
          EventId: id,
          Name: first.Name,
          InstanceId: childId,
          Input: first.Input ?? null,
          Devhost: note,
        }),
      );
      this.startChild(childId, first.Name ?? '', first.Input ?? null, id);
    }
  }

  private startChild(childId: string, name: string, input: string | null, taskScheduledId: number): void {
    const executionId = randomUUID();
    this.outbox.orchestrationMessages.push({
      id: randomUUID(),
      instanceId: childId,
      event: historyEvent(EventType.ExecutionStarted, this.timestamp, {
        Name: name,
        Input: input,
        OrchestrationInstance: { InstanceId: childId, ExecutionId: executionId },
        ParentInstance: {
          OrchestrationInstance: { InstanceId: this.instance.instanceId, ExecutionId: this.instance.executionId },
          Name: this.instance.name,
          TaskScheduledId: taskScheduledId,
        },
      }),
    });
  }

  private apply(
    state: OrchestratorState | { failure: string; failureDetails?: FailureDetails | undefined; actions?: Action[][] },
    newEvents: HistoryEvent[],
    functions: DurableFunctionRunner,
  ): OrchestrationCommit {
    const actions = flattenActions(('failure' in state ? state.actions : state.actions)?.flat() ?? []);
    const problem = this.scheduleActions(actions, functions);
    if (problem)
      return this.fail(newEvents, problem, {
        ErrorType: 'NonDeterministicOrchestrationException',
        ErrorMessage: problem,
      });
    if ('failure' in state) return this.fail(newEvents, state.failure, state.failureDetails);
    if (
      state.customStatus !== undefined &&
      state.customStatus !== null &&
      state.customStatus !== false &&
      state.customStatus !== 0 &&
      state.customStatus !== ''
    )
      this.instance.customStatus = JSON.stringify(state.customStatus);
    if (!state.isDone)
      return this.commit([
        ...newEvents,
        ...this.scheduled,
        historyEvent(EventType.OrchestratorCompleted, this.timestamp),
      ]);
    const continueAsNew = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return this.continueAsNew(inputText(continueAsNew));
    return this.complete(newEvents, state.output);
  }

  /** Matches replayed actions with the history and schedules new ones; returns a nondeterminism message. */
  private scheduleActions(actions: Action[], functions: DurableFunctionRunner): string | undefined {
    const byId = this.scheduledEvents();
    const hostTaken = new Set([...byId.values()].filter((e) => e.Devhost?.hostTaken).map((e) => e.EventId));
    let next = 0;
    for (const action of actions) {
      if (!takesEventId(action)) continue;
      while (hostTaken.has(next)) next++;
      const id = next++;
      const existing = byId.get(id);
      if (existing) {
        if (!actionMatchesEvent(action, existing)) {
          return `Non-deterministic workflow detected: the orchestrator now calls ${describeAction(action)} as task ${id}, but the history has ${describeEvent(existing)} there. Orchestrator code must replay the same actions in the same order; deploy changes to running orchestrations as new orchestration names or versions.`;
        }
        continue;
      }
      const unsupported = this.schedule(action, id, functions);
      if (unsupported) return unsupported;
    }
    this.instance.nextEventId = Math.max(this.instance.nextEventId, next);
    return undefined;
  }

  private schedule(action: Action, id: number, functions: DurableFunctionRunner): string | undefined {
    const input = inputText(action);
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const note: SchedulingNote | undefined = action.retryOptions
          ? { role: 'retry-attempt', hostTaken: false, actionId: id, attempt: 1 }
          : undefined;
        this.push(
          historyEvent(EventType.TaskScheduled, this.timestamp, {
            EventId: id,
            Name: action.functionName,
            Input: input,
            ...(note && { Devhost: note }),
            ...(action.retryOptions && { RetryOptions: action.retryOptions }),
          }),
        );
        this.outbox.activities.push({
          id: randomUUID(),
          instanceId: this.instance.instanceId,
          executionId: this.instance.executionId,
          taskScheduledId: id,
          name: action.functionName ?? '',
          input,
        });
        return undefined;
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const name = action.functionName ?? '';
        if (!functions.hasOrchestrator(name))
          return `The orchestrator calls sub-orchestration '${name}', but no orchestration of that name is registered.`;
        const childId = action.instanceId ?? `${this.instance.executionId}:${id}`;
        const note: SchedulingNote | undefined = action.retryOptions
          ? { role: 'retry-attempt', hostTaken: false, actionId: id, attempt: 1 }
          : undefined;
        this.push(
          historyEvent(EventType.SubOrchestrationInstanceCreated, this.timestamp, {
            EventId: id,
            Name: name,
            InstanceId: childId,
            Input: input,
            ...(note && { Devhost: note }),
            ...(action.retryOptions && { RetryOptions: action.retryOptions }),
          }),
        );
        this.startChild(childId, functions.orchestratorName(name) ?? name, input, id);
        return undefined;
      }
      case ActionType.CreateTimer:
        if (action.isCanceled) {
          this.push(
            historyEvent(EventType.TimerCreated, this.timestamp, {
              EventId: id,
              FireAt: action.fireAt ?? this.timestamp,
            }),
          );
          return undefined;
        }
        this.scheduleTimer(id, action.fireAt ?? this.timestamp, false);
        return undefined;
      case ActionType.CallEntity:
      case ActionType.SignalEntity: {
        const signal = action.actionType === ActionType.SignalEntity;
        const entityId = action.instanceId ?? '';
        const requestId = randomUUID();
        const request = {
          op: action.operation,
          id: requestId,
          input,
          parent: this.instance.instanceId,
          parentExecution: this.instance.executionId,
          signal,
          isSignal: signal,
        };
        this.push(
          historyEvent(EventType.EventSent, this.timestamp, {
            EventId: id,
            InstanceId: entityId,
            Name: 'op',
            Input: JSON.stringify(request),
          }),
        );
        this.outbox.entityRequests.push({
          id: requestId,
          entityId,
          operation: action.operation ?? '',
          input,
          isSignal: signal,
          ...(!signal && { parentInstanceId: this.instance.instanceId, parentExecutionId: this.instance.executionId }),
        });
        return undefined;
      }
      default:
        return `${describeAction(action)} is not supported by devhost (durable HTTP calls and entity locks need the Durable extension's schema V4).`;
    }
  }

  private commit(events: HistoryEvent[]): OrchestrationCommit {
    this.instance.lastUpdatedTime = this.timestamp;
    return { instance: this.instance, newEvents: events, consumed: this.consumed, outbox: this.outbox };
  }

  /** Tells the parent orchestration (if any) how this sub-orchestration ended. */
  private notifyParent(type: EventTypeCode, fields: Partial<HistoryEvent>): void {
    const parent = this.instance.parent;
    if (!parent) return;
    this.outbox.orchestrationMessages.push({
      id: randomUUID(),
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      event: historyEvent(type, this.timestamp, { TaskScheduledId: parent.taskScheduledId, ...fields }),
    });
  }

  private complete(newEvents: HistoryEvent[], output: unknown): OrchestrationCommit {
    const result = JSON.stringify(output ?? null);
    this.instance.runtimeStatus = 'Completed';
    this.instance.output = result;
    this.notifyParent(EventType.SubOrchestrationInstanceCompleted, { Result: result });
    return this.commit([
      ...newEvents,
      ...this.scheduled,
      historyEvent(EventType.ExecutionCompleted, this.timestamp, { Result: result }),
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
  }

  private fail(newEvents: HistoryEvent[], message: string, details: FailureDetails | undefined): OrchestrationCommit {
    const reason = `Orchestrator function '${this.instance.name}' failed: ${message}`;
    this.instance.runtimeStatus = 'Failed';
    this.instance.output = JSON.stringify(reason);
    const failureDetails: FailureDetails = details ?? {
      ErrorType: 'OrchestrationFailureException',
      ErrorMessage: message,
    };
    this.notifyParent(EventType.SubOrchestrationInstanceFailed, {
      Reason: reason,
      Details: failureDetails.StackTrace ?? message,
      FailureDetails: failureDetails,
    });
    return this.commit([
      ...newEvents,
      ...this.scheduled,
      historyEvent(EventType.ExecutionCompleted, this.timestamp, {
        Result: this.instance.output,
        FailureDetails: failureDetails,
      }),
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
  }

  private continueAsNew(input: string | null): OrchestrationCommit {
    const executionId = randomUUID();
    this.instance.executionId = executionId;
    this.instance.input = input;
    this.instance.runtimeStatus = 'Running';
    this.instance.nextEventId = 0;
    this.instance.lastUpdatedTime = this.timestamp;
    this.outbox.orchestrationMessages.push({
      id: randomUUID(),
      instanceId: this.instance.instanceId,
      executionId,
      event: historyEvent(EventType.ExecutionStarted, this.timestamp, {
        Name: this.instance.name,
        Input: input,
        OrchestrationInstance: { InstanceId: this.instance.instanceId, ExecutionId: executionId },
        ParentInstance: this.instance.parent
          ? {
              OrchestrationInstance: {
                InstanceId: this.instance.parent.instanceId,
                ExecutionId: this.instance.parent.executionId,
              },
              Name: '',
              TaskScheduledId: this.instance.parent.taskScheduledId,
            }
          : null,
      }),
    });
    // Only the fire-and-forget work of this last episode leaves; timers and activities of the old execution
    // carry its execution id and are dropped on arrival.
    return { instance: this.instance, newEvents: [], replaceHistory: [], consumed: this.consumed, outbox: this.outbox };
  }

  private terminate(live: OrchestrationMessage[], message: OrchestrationMessage): OrchestrationCommit {
    for (const m of live) this.consumed.push(m.id);
    this.instance.runtimeStatus = 'Terminated';
    this.instance.output = message.event.Input ?? JSON.stringify('');
    return this.commit([
      historyEvent(EventType.OrchestratorStarted, this.timestamp),
      message.event,
      historyEvent(EventType.ExecutionCompleted, this.timestamp, { Result: this.instance.output }),
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
  }
}

function retryOptionsOf(event: HistoryEvent): RetryOptions {
  return event.RetryOptions ?? { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 1 };
}

/** Delay before retry attempt `attempt + 1`, as DTFx computes it: first * coefficient^(attempt-1), capped. */
export function retryDelayMs(retry: RetryOptions, attempt: number): number {
  const delay = retry.firstRetryIntervalInMilliseconds * (retry.backoffCoefficient ?? 1) ** (attempt - 1);
  return Math.min(delay, retry.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
