// Runs one activity work item and turns its outcome into the completion message for its orchestration. The
// extension's built-in HTTP activity (durable HTTP calls) runs here too, without an app function.
import { randomUUID } from 'node:crypto';
import { HTTP_ACTIVITY } from './actions.ts';
import { EventType, historyEvent, type FailureDetails } from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import { runHttpActivity } from './http-activity.ts';
import type { ActivityWorkItem, OrchestrationMessage } from './store.ts';

/**
 * With `df.app.setExceptionPropertiesProvider`, the library replaces a thrown error's message by a JSON
 * object of failure details; the real host turns that into FailureDetails, and so do we.
 */
function failureDetailsFromMessage(error: Error): FailureDetails | undefined {
  try {
    const parsed = JSON.parse(error.message) as {
      errorType?: unknown;
      errorMessage?: unknown;
      stackTrace?: unknown;
      isNonRetriable?: unknown;
      properties?: unknown;
    };
    if (typeof parsed.errorType !== 'string' || typeof parsed.errorMessage !== 'string') return undefined;
    return {
      ErrorType: parsed.errorType,
      ErrorMessage: parsed.errorMessage,
      StackTrace: typeof parsed.stackTrace === 'string' ? parsed.stackTrace : null,
      IsNonRetriable: parsed.isNonRetriable === true,
      Properties:
        parsed.properties && typeof parsed.properties === 'object'
          ? (parsed.properties as Record<string, unknown>)
          : null,
    };
  } catch {
    return undefined;
  }
}

export async function runActivity(
  item: ActivityWorkItem,
  functions: DurableFunctionRunner,
): Promise<OrchestrationMessage> {
  const input: unknown = item.input === null ? null : JSON.parse(item.input);
  const builtIn = item.name === HTTP_ACTIVITY;
  const result = builtIn
    ? await runHttpActivity(input)
    : await functions.runActivity(item.name, input, item.instanceId);
  const now = new Date().toISOString();
  let event;
  if (result.ok) {
    event = historyEvent(EventType.TaskCompleted, now, {
      TaskScheduledId: item.taskScheduledId,
      Result: JSON.stringify(result.value ?? null),
    });
  } else {
    const details = builtIn ? undefined : failureDetailsFromMessage(result.error);
    const message = details?.ErrorMessage ?? result.error.message;
    event = historyEvent(EventType.TaskFailed, now, {
      TaskScheduledId: item.taskScheduledId,
      // The extension's HTTP activity fails with the exception's message alone (TaskFailureException).
      Reason: builtIn ? message : `Activity function '${item.name}' failed: ${message}`,
      Details: result.error.stack ?? result.error.message,
      ...(details && { FailureDetails: details }),
    });
  }
  return { id: randomUUID(), instanceId: item.instanceId, executionId: item.executionId, event };
}
