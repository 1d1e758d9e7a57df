// Things an orchestration does that work on devhost but hurt in Azure (or behave there in a surprising way
// devhost reproduces). Each is found while an episode runs and reported as one log line per instance and kind
// (engine.ts dedupes), naming the cause and the fix.
import { ActionType, type Action } from './actions.ts';
import { EventType, type HistoryEvent } from './history.ts';

export type PitfallKind =
  | 'reyielded-task'
  | 'large-payload'
  | 'custom-status-size'
  | 'history-size'
  | 'completion-delayed'
  | 'non-error-thrown'
  | 'retry-abandoned';

export interface Pitfall {
  kind: PitfallKind;
  message: string;
}

/**
 * Payloads above this many UTF-8 bytes do not fit an Azure Storage queue message: DurableTask.AzureStorage
 * (MessageManager.MaxStorageQueuePayloadSizeInBytes, 45 KB) compresses them into a blob of the task hub's
 * large-message container and sends a reference, which costs blob operations and time for every such message.
 */
const QUEUE_PAYLOAD_LIMIT_BYTES = 45 * 1024;

/**
 * The Durable extension refuses a custom status whose JSON is larger than 16 KB of UTF-16 text
 * (DurableOrchestrationContext.SetCustomStatus → MessagePayloadDataConverter.Serialize(value, 16)): whole KB,
 * rounded down, must not exceed 16.
 */
const CUSTOM_STATUS_LIMIT_KB = 16;

/**
 * A history longer than this makes every episode slow in Azure (each replays the whole history, loaded from
 * table storage): the Durable Functions guidance is to keep histories small with sub-orchestrations or
 * continue-as-new. devhost's threshold, not an Azure limit.
 */
export const HISTORY_EVENTS_WARNING = 5_000;

/** The UTF-16 size of a custom status in whole KB, as the extension computes it; undefined when within the limit. */
export function oversizedCustomStatusKb(json: string): number | undefined {
  const kb = Math.floor((json.length * 2) / 1024);
  return kb > CUSTOM_STATUS_LIMIT_KB ? kb : undefined;
}

/** The extension's message for a custom status over the limit (the orchestration fails with it). */
export function customStatusTooLarge(kb: number): string {
  return `The UTF-16 size of the JSON-serialized payload must not exceed ${CUSTOM_STATUS_LIMIT_KB} KB. The current payload size is ${kb} KB.`;
}

/** A payload (JSON text) that would travel as a large-message blob in Azure, described; undefined otherwise. */
function largePayload(what: string, text: string | null | undefined): Pitfall | undefined {
  if (text === null || text === undefined) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= QUEUE_PAYLOAD_LIMIT_BYTES) return undefined;
  return {
    kind: 'large-payload',
    message: `${what} is ${(bytes / 1024).toFixed(0)} KB, over the 45 KB that fit an Azure Storage queue message: in Azure it is compressed into a large-message blob and fetched again by the receiver, for every message like it. Pass a reference (a blob name, a document id) instead of the data.`,
  };
}

/**
 * Actions the SDK returned twice as the same object: a task already scheduled and yielded again inside a new
 * Task.any/Task.all. The out-of-process protocol carries no task ids, so the Durable extension (and devhost)
 * schedule it again and the host's task numbering drifts from the SDK's (Azure/azure-functions-durable-js#574).
 * Needs the SDK's own objects (`raw`), which only an in-process host sees.
 */
export function reyieldedTasks(rawState: unknown): Action[] {
  const actions = (rawState as { actions?: unknown } | undefined)?.actions;
  if (!Array.isArray(actions)) return [];
  const seen = new Set<object>();
  const repeated: Action[] = [];
  const visit = (action: unknown): void => {
    if (typeof action !== 'object' || action === null) return;
    const a = action as Action;
    if (a.actionType === ActionType.WhenAll || a.actionType === ActionType.WhenAny) {
      for (const child of a.compoundActions ?? []) visit(child);
      return;
    }
    if (seen.has(a)) repeated.push(a);
    else seen.add(a);
  };
  for (const group of actions) if (Array.isArray(group)) for (const action of group) visit(action);
  return repeated;
}

/** A retried task the host stops retrying without the timer the SDK waits for (RetryInterceptor). */
export function retryAbandoned(subject: string, what: string): Pitfall {
  return {
    kind: 'retry-abandoned',
    message: `${subject}: ${what}; DurableTask.Core stops retrying without the timer the SDK waits for, so the orchestration stays Running and its catch never runs, in Azure too (Azure/azure-functions-durable-js#629). Bound retries with maxNumberOfAttempts instead.`,
  };
}

export function customStatusSize(subject: string, kb: number): Pitfall {
  return {
    kind: 'custom-status-size',
    message: `${subject} set a custom status of ${kb} KB (UTF-16); the Durable extension refuses more than ${CUSTOM_STATUS_LIMIT_KB} KB and fails the orchestration, as devhost does. Keep the status small and put data in storage.`,
  };
}

/** `tasks`: the re-yielded tasks in words. */
export function reyielded(subject: string, tasks: string): Pitfall {
  return {
    kind: 'reyielded-task',
    message: `${subject} yields again, inside a new Task.any/Task.all, a task it had already scheduled (${tasks}). The out-of-process protocol carries no task ids, so Azure schedules it again and its task numbering drifts from the SDK's (Azure/azure-functions-durable-js#574); devhost does the same. Yield a fresh task, or keep a running task in one Task.any/Task.all.`,
  };
}

export function nonErrorThrown(subject: string): Pitfall {
  return {
    kind: 'non-error-thrown',
    message: `${subject} threw a value that is not an Error with a message (a string, an object, Error('')). The SDK reports no error text, so the Durable extension neither fails nor completes the orchestration: it stays Running with no output, in Azure too (Azure/azure-functions-durable-js#390). Throw an Error with a message.`,
  };
}

/** `open`: the open tasks in words (open-tasks.ts describeOpenTasks). */
export function completionDelayed(subject: string, failed: boolean, open: string): Pitfall {
  return {
    kind: 'completion-delayed',
    message: `${subject} ${failed ? 'failed' : 'finished'}, but DurableTask.Core ends an orchestration only when no task is open, so it stays Running until these finish: ${open}. Cancel timers you no longer need (timer.cancel()) and wait for the tasks you start.`,
  };
}

/**
 * The payload and history-size pitfalls of one episode: the first payload entering or leaving the instance that
 * Azure sends as a large-message blob, and a history crossing `historyLimit` events in this episode.
 */
export function episodePitfalls(
  subject: string,
  historyLength: number,
  newEvents: readonly HistoryEvent[],
  scheduled: readonly HistoryEvent[],
  historyLimit: number,
): Pitfall[] {
  const found: Pitfall[] = [];
  const payloads: Array<[string, string | null | undefined]> = [];
  for (const e of newEvents) {
    if (e.EventType === EventType.TaskCompleted) payloads.push(['an activity result', e.Result]);
    if (e.EventType === EventType.SubOrchestrationInstanceCompleted)
      payloads.push(['a sub-orchestration result', e.Result]);
    if (e.EventType === EventType.EventRaised) payloads.push([`event '${e.Name}'`, e.Input]);
    if (e.EventType === EventType.ExecutionStarted) payloads.push(['the orchestration input', e.Input]);
  }
  for (const e of scheduled) {
    if (e.EventType === EventType.TaskScheduled) payloads.push([`the input of activity '${e.Name}'`, e.Input]);
    if (e.EventType === EventType.SubOrchestrationInstanceCreated)
      payloads.push([`the input of sub-orchestration '${e.Name}'`, e.Input]);
    if (e.EventType === EventType.EventSent) payloads.push([`an operation sent to entity ${e.InstanceId}`, e.Input]);
  }
  for (const [what, text] of payloads) {
    const large = largePayload(`${subject}: ${what}`, text);
    if (large) {
      found.push(large);
      break;
    }
  }
  const length = historyLength + newEvents.length + scheduled.length;
  if (historyLength <= historyLimit && length > historyLimit)
    found.push({
      kind: 'history-size',
      message: `${subject} has a history of more than ${historyLimit.toLocaleString('en-US')} events. Every episode replays it (and in Azure loads it from table storage first), so each step gets slower as it grows. Split the work into sub-orchestrations or use continueAsNew.`,
    });
  return found;
}
