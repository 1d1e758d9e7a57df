// The history a status query returns with `showHistory=true`, in the merged shape the Durable extension builds
// (DurableClient.GetDurableOrchestrationStatusAsync): EventType by name; a TaskScheduled or
// SubOrchestrationInstanceCreated row disappears into the row that completes it, which gains FunctionName,
// ScheduledTime and (with showInput) Input; EventId, IsPlayed, TaskScheduledId and TimerId go; ExecutionStarted
// names its FunctionName; ExecutionCompleted says its OrchestrationStatus; OrchestratorStarted/Completed go;
// results are kept (as JSON values) only with showHistoryOutput.
import { EventType, EVENT_TYPE_NAMES, type HistoryEvent } from './history.ts';

export interface HistoryViewOptions {
  showHistoryOutput: boolean;
  showInput: boolean;
}

/** JSON text as a value, or the text itself when it is not JSON (the extension's ParseToJToken). */
export function parseToken(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed;
  }
}

const COMPLETIONS: ReadonlyMap<number, number> = new Map([
  [EventType.TaskCompleted, EventType.TaskScheduled],
  [EventType.TaskFailed, EventType.TaskScheduled],
  [EventType.SubOrchestrationInstanceCompleted, EventType.SubOrchestrationInstanceCreated],
  [EventType.SubOrchestrationInstanceFailed, EventType.SubOrchestrationInstanceCreated],
]);

/** The merged history rows of `events` (the current execution's history). */
export function historyView(
  events: readonly HistoryEvent[],
  options: HistoryViewOptions,
): Array<Record<string, unknown>> {
  const scheduling = new Map<string, HistoryEvent>();
  const merged = new Set<HistoryEvent>();
  for (const e of events)
    if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated)
      scheduling.set(`${e.EventType}:${e.EventId}`, e);

  const rows: Array<{ event: HistoryEvent; row: Record<string, unknown> }> = [];
  for (const e of events) {
    if (e.EventType === EventType.OrchestratorStarted || e.EventType === EventType.OrchestratorCompleted) continue;
    const row: Record<string, unknown> = { EventType: EVENT_TYPE_NAMES[e.EventType], Timestamp: e.Timestamp };
    const scheduledBy = COMPLETIONS.get(e.EventType);
    const scheduled = scheduledBy === undefined ? undefined : scheduling.get(`${scheduledBy}:${e.TaskScheduledId}`);
    switch (e.EventType) {
      case EventType.ExecutionStarted:
        row.FunctionName = e.Name;
        if (options.showInput) row.Input = e.Input ?? null;
        break;
      case EventType.ExecutionCompleted:
        row.OrchestrationStatus = e.OrchestrationStatus ?? 'Completed';
        if (options.showHistoryOutput) row.Result = parseToken(e.Result);
        if (e.FailureDetails) row.FailureDetails = e.FailureDetails;
        break;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        // Still waiting for its completion (else merged into it below).
        row.Name = e.Name;
        if (e.InstanceId !== undefined) row.InstanceId = e.InstanceId;
        if (options.showInput) row.Input = e.Input ?? null;
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        if (options.showHistoryOutput) row.Result = parseToken(e.Result);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        row.Reason = e.Reason;
        row.Details = e.Details;
        if (e.FailureDetails) row.FailureDetails = e.FailureDetails;
        break;
      case EventType.TimerCreated:
      case EventType.TimerFired:
        row.FireAt = e.FireAt;
        break;
      case EventType.EventRaised:
      case EventType.EventSent:
        if (e.InstanceId !== undefined) row.InstanceId = e.InstanceId;
        row.Name = e.Name;
        if (options.showInput) row.Input = e.Input ?? null;
        break;
      case EventType.ExecutionTerminated:
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        if (options.showInput) row.Input = e.Input ?? null;
        break;
    }
    if (scheduled) {
      merged.add(scheduled);
      row.ScheduledTime = scheduled.Timestamp;
      row.FunctionName = scheduled.Name;
      if (options.showInput) row.Input = scheduled.Input ?? null;
    }
    rows.push({ event: e, row });
  }
  // A scheduling row that found its completion is gone (its data lives on in the completion's row).
  return rows.filter(({ event }) => !merged.has(event)).map(({ row }) => row);
}
