// The actions an orchestrator episode returns (durable-protocol.md §2.5), flattened in the order the SDK
// assigned them sequence numbers, and how each matches the history event it scheduled.
import { EventType, type HistoryEvent, type RetryPolicy } from './history.ts';

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** The name of the activity the Durable extension runs a durable HTTP call as (HttpOptions.HttpTaskActivityReservedName). */
export const HTTP_ACTIVITY = 'BuiltIn::HttpActivity';

/** A durable HTTP request as the SDK sends it in a CallHttp action (durable-functions DurableHttpRequest). */
export interface DurableHttpRequest {
  method: string;
  uri: string;
  content?: string | null;
  headers?: Record<string, string> | null;
  tokenSource?: unknown;
  asynchronousPatternEnabled?: boolean;
}

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  operation?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: RetryPolicy;
  httpRequest?: DurableHttpRequest;
  compoundActions?: Action[];
}

/** The atomic actions in depth-first order, compound WhenAll/WhenAny wrappers removed. */
export function flattenActions(actions: readonly Action[]): Action[] {
  const flat: Action[] = [];
  const visit = (action: Action) => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny)
      for (const child of action.compoundActions ?? []) visit(child);
    else flat.push(action);
  };
  for (const action of actions) visit(action);
  return flat;
}

/** Actions that take a sequence number (the SDK's `sequenceNumber++`). */
export function takesEventId(action: Action): boolean {
  return action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew;
}

/** The JSON text of an action's input: activity and continueAsNew inputs arrive pre-stringified when strings. */
export function inputText(action: Action): string | null {
  if (action.input === undefined) return null;
  const preStringified =
    action.actionType === ActionType.CallActivity ||
    action.actionType === ActionType.CallActivityWithRetry ||
    action.actionType === ActionType.ContinueAsNew;
  if (preStringified && typeof action.input === 'string') return action.input;
  return JSON.stringify(action.input);
}

export function describeAction(action: Action): string {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `callActivity('${action.functionName}')`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `callSubOrchestrator('${action.functionName}')`;
    case ActionType.CreateTimer:
      return 'createTimer';
    case ActionType.CallEntity:
      return `callEntity('${action.instanceId}', '${action.operation}')`;
    case ActionType.SignalEntity:
      return `signalEntity('${action.instanceId}', '${action.operation}')`;
    case ActionType.CallHttp:
      return 'callHttp';
    default:
      return `action type ${action.actionType}`;
  }
}

export function describeEvent(event: HistoryEvent): string {
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return event.Name === HTTP_ACTIVITY ? 'callHttp' : `callActivity('${event.Name}')`;
    case EventType.SubOrchestrationInstanceCreated:
      return `callSubOrchestrator('${event.Name}')`;
    case EventType.TimerCreated:
      return 'createTimer';
    case EventType.EventSent: {
      const request = JSON.parse(event.Input ?? '{}') as { op?: string; signal?: boolean };
      return `${request.signal ? 'signalEntity' : 'callEntity'}('${event.InstanceId}', '${request.op}')`;
    }
    default:
      return `event type ${event.EventType}`;
  }
}

/** Whether a replayed action is the one that scheduled `event` (the nondeterminism check). */
export function actionMatchesEvent(action: Action, event: HistoryEvent): boolean {
  return describeAction(action) === describeEvent(event);
}
