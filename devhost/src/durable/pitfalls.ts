// Things an orchestration does that work on devhost but hurt in Azure (or behave there in a surprising way
// devhost reproduces). Each is found while an episode runs and reported as one log line per instance and kind
// (engine.ts dedupes), naming the cause and the fix.
import { ActionType, type Action } from './actions.ts';

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
export const QUEUE_PAYLOAD_LIMIT_BYTES = 45 * 1024;

/**
 * The Durable extension refuses a custom status whose JSON is larger than 16 KB of UTF-16 text
 * (DurableOrchestrationContext.SetCustomStatus → MessagePayloadDataConverter.Serialize(value, 16)): whole KB,
 * rounded down, must not exceed 16.
 */
export const CUSTOM_STATUS_LIMIT_KB = 16;

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
export function largePayload(what: string, text: string | null | undefined): Pitfall | undefined {
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
