// Runs one activity work item and turns its outcome into the completion message for its orchestration.
import { randomUUID } from 'node:crypto';
import { EventType, historyEvent, type FailureDetails } from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
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
  const result = await functions.runActivity(item.name, input, item.instanceId);
  const now = new Date().toISOString();
  let event;
  if (result.ok) {
    event = historyEvent(EventType.TaskCompleted, now, {
      TaskScheduledId: item.taskScheduledId,
      Result: JSON.stringify(result.value ?? null),
    });
  } else {
    const details = failureDetailsFromMessage(result.error);
    event = historyEvent(EventType.TaskFailed, now, {
      TaskScheduledId: item.taskScheduledId,
      Reason: `Activity function '${item.name}' failed: ${details?.ErrorMessage ?? result.error.message}`,
      Details: result.error.stack ?? result.error.message,
      ...(details && { FailureDetails: details }),
    });
  }
  return { id: randomUUID(), instanceId: item.instanceId, executionId: item.executionId, event };
}
