// One orchestration episode, as the Durable extension runs it: add the new events to the history, replay the
// whole history through the SDK, then turn the actions it returns into history events and messages, and decide
// as DurableTask.Core's TaskOrchestrationExecutor does whether the instance completes, fails or continues as new
// (only when no task is open, see open-tasks.ts).
//
// Sequence numbers. The SDK numbers tasks in the order it tracks them and matches completions by number
// (durable-protocol.md §2.3), so devhost must number scheduling events the same way. Actions number themselves in
// list order; the tasks the host continues on its own take numbers the action list does not show: a retry (a
// timer after each failed attempt, then the next attempt), a long timer (one sub-timer after another) and a
// durable HTTP call (while it answers 202: a timer, then a poll). The SDK takes those numbers while it processes
// the failure, the timer or the 202, so devhost processes such events first in an episode and takes the same
// numbers then; actions later skip them.
import { randomUUID } from 'node:crypto';
import {
  ActionType,
  actionMatchesEvent,
  describeAction,
  describeEvent,
  flattenActions,
  HTTP_ACTIVITY,
  inputText,
  takesEventId,
  type Action,
  type DurableHttpRequest,
} from './actions.ts';
import { refusal } from './action-refusals.ts';
import {
  EventType,
  historyEvent,
  type EventTypeCode,
  type HistoryEvent,
  type RetryPolicy,
  type SchedulingNote,
} from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import { httpPollDelayMs, pollRequest, readHttpResponse } from './http-activity.ts';
import { describeOpenTasks, openTasks } from './open-tasks.ts';
import { interpretOutcome, type Failure, type OrchestratorOutcome } from './orchestrator-outcome.ts';
import {
  completionDelayed,
  customStatusSize,
  customStatusTooLarge,
  episodePitfalls,
  HISTORY_EVENTS_WARNING,
  nonErrorThrown,
  oversizedCustomStatusKb,
  retryAbandoned,
  reyielded,
  reyieldedTasks,
  type Pitfall,
} from './pitfalls.ts';
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

/** The pause between polls of a durable HTTP call whose 202 has no Retry-After (the extension's default). */
const DEFAULT_HTTP_POLL_MS = 30_000;

export interface EpisodeInput {
  instance: InstanceRecord;
  history: HistoryEvent[];
  messages: OrchestrationMessage[];
  now: Date;
  timers: TimerSettings;
  /** Pause between polls of a durable HTTP call without Retry-After (default DEFAULT_HTTP_POLL_MS). */
  httpPollMs?: number;
  /** History length that draws the history-size warning (default HISTORY_EVENTS_WARNING). */
  historyWarningEvents?: number;
}

/** What an episode stores, and the Azure pitfalls it ran into (logged by the engine). */
export interface EpisodeResult {
  commit: OrchestrationCommit;
  pitfalls: Pitfall[];
}

/** Why an action cannot be scheduled: the history disagrees (nondeterminism), or the action is invalid. */
type ActionProblem = { kind: 'nondeterminism'; message: string } | { kind: 'invalid'; message: string };

export async function runEpisode(input: EpisodeInput, functions: DurableFunctionRunner): Promise<EpisodeResult> {
  return new Episode(input, functions).run();
}

class Episode {
  private readonly instance: InstanceRecord;
  private readonly history: HistoryEvent[];
  private readonly messages: OrchestrationMessage[];
  private readonly timestamp: string;
  private readonly nowMs: number;
  private readonly timers: TimerSettings;
  private readonly httpPollMs: number;
  private readonly historyWarningEvents: number;
  private readonly functions: DurableFunctionRunner;
  private readonly outbox: Outbox = emptyOutbox();
  /** Events this episode appends after OrchestratorStarted and the new events: what it scheduled. */
  private readonly scheduled: HistoryEvent[] = [];
  private readonly consumed: string[] = [];
  private readonly pitfalls: Pitfall[] = [];
  /** Timers whose action is cancelled (by sequence number): not open tasks. */
  private readonly cancelledTimers = new Set<number>();

  constructor(input: EpisodeInput, functions: DurableFunctionRunner) {
    this.instance = { ...input.instance };
    this.history = input.history;
    this.messages = input.messages;
    this.timestamp = input.now.toISOString();
    this.nowMs = input.now.getTime();
    this.timers = input.timers;
    this.httpPollMs = input.httpPollMs ?? DEFAULT_HTTP_POLL_MS;
    this.historyWarningEvents = input.historyWarningEvents ?? HISTORY_EVENTS_WARNING;
    this.functions = functions;
  }

  async run(): Promise<EpisodeResult> {
    const live: OrchestrationMessage[] = [];
    for (const m of this.messages) {
      const stale = m.executionId !== undefined && m.executionId !== this.instance.executionId;
      if (stale || TERMINAL_STATUSES.has(this.instance.runtimeStatus)) this.consumed.push(m.id);
      else live.push(m);
    }
    const terminate = live.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminate) return this.result(this.terminate(live, terminate));

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
    if (this.instance.runtimeStatus === 'Suspended' || replayable.length === 0)
      return this.result(this.commit(newEvents));

    // Host-side task progress first, so their sequence numbers are the ones the SDK takes (see top).
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
    const result = await this.functions.runOrchestrator(this.instance.name, this.payload(replayHistory));
    return this.result(this.apply(interpretOutcome(this.instance.name, result), [started, ...ordered]));
  }

  private result(commit: OrchestrationCommit): EpisodeResult {
    return { commit, pitfalls: this.pitfalls };
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
      defaultHttpAsyncRequestSleepTimeMillseconds: this.httpPollMs,
    };
  }

  private pitfall(pitfall: Pitfall | undefined): void {
    if (pitfall) this.pitfalls.push(pitfall);
  }

  private get subject(): string {
    return `Orchestration '${this.instance.name}' (instance ${this.instance.instanceId})`;
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

  private takeEventId(): number {
    return this.instance.nextEventId++;
  }

  // ------------------------------------------------------------------------------------------ host-side tasks

  /** A failed retryable attempt, a fired host timer, or a durable HTTP call answering 202: the host goes on. */
  private isProgressEvent(event: HistoryEvent): boolean {
    const byId = this.scheduledEvents();
    if (event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed)
      return byId.get(event.TaskScheduledId ?? -1)?.Devhost?.role === 'retry-attempt';
    if (event.EventType === EventType.TimerFired) {
      const role = byId.get(event.TimerId ?? -1)?.Devhost?.role;
      return role === 'retry-timer' || role === 'long-timer' || role === 'http-timer';
    }
    if (event.EventType === EventType.TaskCompleted) {
      const call = byId.get(event.TaskScheduledId ?? -1);
      return call?.Devhost?.role === 'http-call' && this.httpPoll(call, event) !== undefined;
    }
    return false;
  }

  /** The Location to poll when a durable HTTP call answered 202 with polling enabled; undefined otherwise. */
  private httpPoll(call: HistoryEvent, completed: HistoryEvent): string | undefined {
    const first = this.scheduledEvents().get(call.Devhost?.actionId ?? -1);
    const request = first && requestOf(first);
    if (!request || request.asynchronousPatternEnabled === false) return undefined;
    const response = readHttpResponse(completed.Result ?? null);
    return response?.statusCode === 202 ? response.header('Location') : undefined;
  }

  private advanceHostSideTask(event: HistoryEvent): void {
    const byId = this.scheduledEvents();
    if (event.EventType === EventType.TimerFired) {
      const note = byId.get(event.TimerId ?? -1)!.Devhost!;
      const first = byId.get(note.actionId ?? -1)!;
      if (note.role === 'long-timer') {
        const finalFireAt = note.finalFireAt ?? this.timestamp;
        if (finalFireAt > this.timestamp) this.scheduleTimer(this.takeEventId(), finalFireAt, note.actionId);
        return;
      }
      if (note.role === 'http-timer') {
        const poll = pollRequest(requestOf(first)!, note.pollLocation ?? '');
        this.scheduleHttpCall(this.takeEventId(), poll, {
          role: 'http-call',
          hostTaken: true,
          actionId: first.EventId,
        });
        return;
      }
      const attempt = note.attempt ?? 1;
      if (attempt + 1 > retryOptionsOf(first).maxNumberOfAttempts) return; // the SDK fails the task now
      this.scheduleAttempt(this.takeEventId(), first, attempt + 1);
      return;
    }
    if (event.EventType === EventType.TaskCompleted) {
      const call = byId.get(event.TaskScheduledId ?? -1)!;
      const location = this.httpPoll(call, event)!;
      const delay = httpPollDelayMs(readHttpResponse(event.Result ?? null)!, this.httpPollMs);
      this.hostTimer(delay, {
        role: 'http-timer',
        hostTaken: true,
        actionId: call.Devhost?.actionId,
        pollLocation: location,
      });
      return;
    }
    this.retryAfterFailure(event);
  }

  /**
   * A failed attempt of a retried task, as DurableTask.Core's RetryInterceptor goes on: a non-retriable failure
   * ends the retries at once; after the last attempt comes a timer firing at once ("dummy timer for
   * back-compat"); otherwise the next attempt waits for a back-off timer — unless the retry timeout has passed,
   * where the interceptor stops without a timer. The SDK waits for a timer after every failure, so in those two
   * cases the orchestration never hears of the failure and stays Running in Azure; devhost does the same and says why.
   */
  private retryAfterFailure(failed: HistoryEvent): void {
    const byId = this.scheduledEvents();
    const note = byId.get(failed.TaskScheduledId ?? -1)!.Devhost!;
    const actionId = note.actionId ?? -1;
    const attempt = note.attempt ?? 1;
    const first = byId.get(actionId)!;
    const retry = retryOptionsOf(first);
    const what = `${first.EventType === EventType.TaskScheduled ? 'activity' : 'sub-orchestration'} '${first.Name}'`;
    if (failed.FailureDetails?.IsNonRetriable) {
      this.pitfall(retryAbandoned(this.subject, `attempt ${attempt} of ${what} failed with a non-retriable error`));
      return;
    }
    if (attempt < retry.maxNumberOfAttempts) {
      const timeout = retry.retryTimeoutInMilliseconds;
      const expiresAt = timeout === undefined ? Number.POSITIVE_INFINITY : Date.parse(first.Timestamp) + timeout;
      if (this.nowMs >= expiresAt) {
        this.pitfall(
          retryAbandoned(
            this.subject,
            `attempt ${attempt} of ${what} failed after retryTimeoutInMilliseconds (${timeout} ms) had passed`,
          ),
        );
        return;
      }
    }
    // DTFx writes the timer after the last attempt too (firing at once); the SDK waits for it before failing.
    const delay = attempt < retry.maxNumberOfAttempts ? retryDelayMs(retry, attempt) : 0;
    this.hostTimer(delay, { role: 'retry-timer', hostTaken: true, actionId, attempt });
  }

  /** A timer the host takes a sequence number for, firing `delayMs` from now. */
  private hostTimer(delayMs: number, note: SchedulingNote): void {
    const id = this.takeEventId();
    const fireAt = new Date(this.nowMs + delayMs).toISOString();
    this.push(historyEvent(EventType.TimerCreated, this.timestamp, { EventId: id, FireAt: fireAt, Devhost: note }));
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

  /**
   * A timer (or the next sub-timer of a long one) toward `finalFireAt`, split as the SDK splits it.
   * `longTimerAction`: the sequence number of the long timer this sub-timer continues (host-taken).
   */
  private scheduleTimer(id: number, finalFireAt: string, longTimerAction?: number): void {
    const long = Date.parse(finalFireAt) - this.nowMs > this.timers.maximumShortTimerMs;
    const fireAt = long ? new Date(this.nowMs + this.timers.longRunningTimerIntervalMs).toISOString() : finalFireAt;
    const hostTaken = longTimerAction !== undefined;
    const note: SchedulingNote | undefined =
      long || hostTaken ? { role: 'long-timer', hostTaken, actionId: longTimerAction ?? id, finalFireAt } : undefined;
    this.push(
      historyEvent(EventType.TimerCreated, this.timestamp, {
        EventId: id,
        FireAt: fireAt,
        ...(note && { Devhost: note }),
      }),
    );
    this.outbox.orchestrationMessages.push(this.timerFired(id, fireAt));
  }

  private scheduleActivity(id: number, name: string, input: string | null, note?: SchedulingNote): void {
    this.push(
      historyEvent(EventType.TaskScheduled, this.timestamp, {
        EventId: id,
        Name: name,
        Input: input,
        ...(note && { Devhost: note }),
      }),
    );
    this.outbox.activities.push({
      id: randomUUID(),
      instanceId: this.instance.instanceId,
      executionId: this.instance.executionId,
      taskScheduledId: id,
      name,
      input,
    });
  }

  /** A durable HTTP call runs as the extension's built-in activity, with `[request]` as its input. */
  private scheduleHttpCall(id: number, request: DurableHttpRequest, note: SchedulingNote): void {
    this.scheduleActivity(id, HTTP_ACTIVITY, JSON.stringify([request]), note);
  }

  private scheduleAttempt(id: number, first: HistoryEvent, attempt: number): void {
    const firstNote = first.Devhost;
    const note: SchedulingNote = { role: 'retry-attempt', hostTaken: true, actionId: first.EventId, attempt };
    if (first.EventType === EventType.TaskScheduled) {
      this.scheduleActivity(id, first.Name ?? '', first.Input ?? null, note);
      return;
    }
    // DTFx creates each attempt with the action's instance id: none given means a new `<executionId>:<id>`.
    const childId = firstNote?.childIdGenerated ? `${this.instance.executionId}:${id}` : (first.InstanceId ?? '');
    this.scheduleSubOrchestration(id, first.Name ?? '', childId, first.Input ?? null, {
      ...note,
      ...(firstNote?.childIdGenerated && { childIdGenerated: true }),
    });
  }

  private scheduleSubOrchestration(
    id: number,
    name: string,
    childId: string,
    input: string | null,
    note?: SchedulingNote,
    retry?: RetryPolicy,
  ): void {
    this.push(
      historyEvent(EventType.SubOrchestrationInstanceCreated, this.timestamp, {
        EventId: id,
        Name: name,
        InstanceId: childId,
        Input: input,
        ...(note && { Devhost: note }),
        ...(retry && { RetryOptions: retry }),
      }),
    );
    const executionId = randomUUID();
    this.outbox.orchestrationMessages.push({
      id: randomUUID(),
      instanceId: childId,
      event: historyEvent(EventType.ExecutionStarted, this.timestamp, {
        Name: this.functions.orchestratorName(name) ?? name,
        Input: input,
        OrchestrationInstance: { InstanceId: childId, ExecutionId: executionId },
        ParentInstance: {
          OrchestrationInstance: { InstanceId: this.instance.instanceId, ExecutionId: this.instance.executionId },
          Name: this.instance.name,
          TaskScheduledId: id,
        },
      }),
    });
  }

  // ------------------------------------------------------------------------------------------ the outcome

  private apply(outcome: OrchestratorOutcome, newEvents: HistoryEvent[]): OrchestrationCommit {
    let failure: Failure | undefined;
    // The shim sets the custom status before it replays the actions; the extension refuses one over 16 KB.
    if (isSetCustomStatus(outcome.customStatus)) {
      const json = JSON.stringify(outcome.customStatus);
      const kb = oversizedCustomStatusKb(json);
      if (kb === undefined) this.instance.customStatus = json;
      else {
        failure = this.invalidAction(customStatusTooLarge(kb));
        this.pitfall(customStatusSize(this.subject, kb));
      }
    }
    const actions = flattenActions(outcome.actions);
    if (!failure) {
      const problem = this.scheduleActions(actions);
      // DurableTask.Core fails a nondeterministic orchestration at once, open tasks or not.
      if (problem?.kind === 'nondeterminism')
        return this.fail(newEvents, {
          reason: problem.message,
          details: `Unhandled exception while executing orchestration: NonDeterministicOrchestrationException: ${problem.message}`,
        });
      if (problem) failure = this.invalidAction(problem.message);
      if (outcome.kind !== 'failed' && reyieldedTasks(outcome.raw).length > 0)
        this.pitfall(reyielded(this.subject, reyieldedTasks(outcome.raw).map(describeAction).join(', ')));
    }
    for (const pitfall of episodePitfalls(
      this.subject,
      this.history.length,
      newEvents,
      this.scheduled,
      this.historyWarningEvents,
    ))
      this.pitfall(pitfall);
    if (!failure && outcome.kind === 'failed') failure = outcome.failure;
    if (!failure && outcome.kind === 'threw-without-message') this.pitfall(nonErrorThrown(this.subject));
    if (failure === undefined && outcome.kind !== 'done') return this.commitRunning(newEvents);

    const open = openTasks([...this.history, ...newEvents, ...this.scheduled], this.cancelledTimers);
    if (open.length > 0) {
      this.pitfall(completionDelayed(this.subject, failure !== undefined, describeOpenTasks(open)));
      return this.commitRunning(newEvents);
    }
    if (failure) return this.fail(newEvents, failure);
    const continueAsNew = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return this.continueAsNew(inputText(continueAsNew));
    return this.complete(newEvents, outcome.kind === 'done' ? outcome.output : undefined);
  }

  /** An action the extension refuses (an ArgumentException in its shim): the orchestrator function fails with it. */
  private invalidAction(message: string): Failure {
    return { reason: `Orchestrator function '${this.instance.name}' failed: ${message}`, details: message };
  }

  /** Matches replayed actions with the history and schedules new ones; returns why one cannot be. */
  private scheduleActions(actions: Action[]): ActionProblem | undefined {
    const byId = this.scheduledEvents();
    const hostTaken = new Set([...byId.values()].filter((e) => e.Devhost?.hostTaken).map((e) => e.EventId));
    let next = 0;
    let problem: ActionProblem | undefined;
    for (const action of actions) {
      if (!takesEventId(action)) continue;
      while (hostTaken.has(next)) next++;
      const id = next++;
      if (action.actionType === ActionType.CreateTimer && action.isCanceled) this.cancelledTimers.add(id);
      const existing = byId.get(id);
      if (existing) {
        if (!actionMatchesEvent(action, existing))
          return {
            kind: 'nondeterminism',
            message: `Non-Deterministic workflow detected: the orchestrator now calls ${describeAction(action)} as task ${id}, but the history has ${describeEvent(existing)} there. Orchestrator code must replay the same actions in the same order; deploy changes to running orchestrations as new orchestration names or versions.`,
          };
        continue;
      }
      // The extension's shim stops at the first action it refuses; later actions are not scheduled.
      problem ??= refusal(action, this.functions, this.instance);
      if (!problem) this.schedule(action, id);
    }
    this.instance.nextEventId = Math.max(this.instance.nextEventId, next);
    return problem;
  }

  private schedule(action: Action, id: number): void {
    const input = inputText(action);
    const retry: SchedulingNote | undefined = action.retryOptions
      ? { role: 'retry-attempt', hostTaken: false, actionId: id, attempt: 1 }
      : undefined;
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
        this.scheduleActivity(id, action.functionName ?? '', input, retry);
        if (action.retryOptions) this.scheduled.at(-1)!.RetryOptions = action.retryOptions;
        return;
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const generated = action.instanceId === undefined || action.instanceId === '';
        const childId = generated ? `${this.instance.executionId}:${id}` : action.instanceId!;
        const note = retry && { ...retry, ...(generated && { childIdGenerated: true }) };
        this.scheduleSubOrchestration(id, action.functionName ?? '', childId, input, note, action.retryOptions);
        return;
      }
      case ActionType.CreateTimer:
        if (action.isCanceled)
          this.push(
            historyEvent(EventType.TimerCreated, this.timestamp, {
              EventId: id,
              FireAt: action.fireAt ?? this.timestamp,
            }),
          );
        else this.scheduleTimer(id, action.fireAt ?? this.timestamp);
        return;
      case ActionType.CallHttp:
        this.scheduleHttpCall(id, action.httpRequest!, { role: 'http-call', hostTaken: false, actionId: id });
        return;
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
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------ commits

  private commit(events: HistoryEvent[]): OrchestrationCommit {
    this.instance.lastUpdatedTime = this.timestamp;
    return { instance: this.instance, newEvents: events, consumed: this.consumed, outbox: this.outbox };
  }

  /** The instance goes on: what it scheduled, then OrchestratorCompleted. */
  private commitRunning(newEvents: HistoryEvent[]): OrchestrationCommit {
    return this.commit([
      ...newEvents,
      ...this.scheduled,
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
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
      historyEvent(EventType.ExecutionCompleted, this.timestamp, { Result: result, OrchestrationStatus: 'Completed' }),
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
  }

  /**
   * DTFx FailOrchestration: the output is the reason; a parent hears Reason and Details (and FailureDetails only
   * when the SDK sent them: the extension runs DTFx with ErrorPropagationMode.SerializeExceptions).
   */
  private fail(newEvents: HistoryEvent[], failure: Failure): OrchestrationCommit {
    this.instance.runtimeStatus = 'Failed';
    this.instance.output = JSON.stringify(failure.reason);
    const details = failure.failureDetails && { FailureDetails: failure.failureDetails };
    this.notifyParent(EventType.SubOrchestrationInstanceFailed, {
      Reason: failure.reason,
      Details: failure.details,
      ...details,
    });
    return this.commit([
      ...newEvents,
      ...this.scheduled,
      historyEvent(EventType.ExecutionCompleted, this.timestamp, {
        Result: this.instance.output,
        OrchestrationStatus: 'Failed',
        ...details,
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
      historyEvent(EventType.ExecutionCompleted, this.timestamp, {
        Result: this.instance.output,
        OrchestrationStatus: 'Terminated',
      }),
      historyEvent(EventType.OrchestratorCompleted, this.timestamp),
    ]);
  }
}

/** The SDK drops falsy custom statuses; the extension ignores null (so a status can never be cleared). */
function isSetCustomStatus(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

/** The request of a durable HTTP call's first TaskScheduled (`[request]` as the input). */
function requestOf(event: HistoryEvent): DurableHttpRequest | undefined {
  try {
    return (JSON.parse(event.Input ?? '[]') as DurableHttpRequest[])[0];
  } catch {
    return undefined;
  }
}

function retryOptionsOf(event: HistoryEvent): RetryPolicy {
  return event.RetryOptions ?? { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 1 };
}

/** Delay before retry attempt `attempt + 1`, as DTFx computes it: first * coefficient^(attempt-1), capped. */
function retryDelayMs(retry: RetryPolicy, attempt: number): number {
  const delay = retry.firstRetryIntervalInMilliseconds * (retry.backoffCoefficient ?? 1) ** (attempt - 1);
  return Math.min(delay, retry.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
