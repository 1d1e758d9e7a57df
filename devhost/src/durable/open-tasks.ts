// Open tasks, as DurableTask.Core counts them (TaskOrchestrationContext.openTasks): a scheduled activity, a
// sub-orchestration and a timer stay open until their completion arrives; a timer also leaves when it is
// cancelled. Entity calls and external events are not DTFx tasks (the extension waits for them itself), so they
// never keep an instance alive. TaskOrchestrationExecutor completes, fails or continues an orchestration as new
// only when no task is open (`if (!this.context.HasOpenTasks)`); until then the instance stays Running even when
// the orchestrator function has returned or thrown.
import { EventType, type HistoryEvent } from './history.ts';

/**
 * The scheduling events in `events` (history, new events and what this episode scheduled, in order) whose tasks
 * are still open. `cancelledTimers` holds the sequence numbers of timers whose action is cancelled now; a long
 * timer's sub-timers count as cancelled with it.
 */
export function openTasks(events: readonly HistoryEvent[], cancelledTimers: ReadonlySet<number>): HistoryEvent[] {
  const scheduled = new Map<number, HistoryEvent>();
  const finished = new Set<number>();
  for (const e of events) {
    switch (e.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.TimerCreated:
        if (e.EventId >= 0) scheduled.set(e.EventId, e);
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        finished.add(e.TaskScheduledId ?? -1);
        break;
      case EventType.TimerFired:
        finished.add(e.TimerId ?? -1);
        break;
    }
  }
  return [...scheduled.values()].filter((e) => {
    if (finished.has(e.EventId)) return false;
    if (e.EventType !== EventType.TimerCreated) return true;
    const timer = e.Devhost?.role === 'long-timer' ? (e.Devhost.actionId ?? e.EventId) : e.EventId;
    return !cancelledTimers.has(timer);
  });
}

/** Open tasks in words, for the log: "an un-cancelled timer (fires at …), activity 'slow' (task 3)". */
export function describeOpenTasks(open: readonly HistoryEvent[]): string {
  return open
    .map((e) => {
      switch (e.EventType) {
        case EventType.TimerCreated:
          return e.Devhost?.role === 'retry-timer'
            ? `a retry timer (fires at ${e.FireAt})`
            : e.Devhost?.role === 'http-timer'
              ? `a durable HTTP polling timer (fires at ${e.FireAt})`
              : `an un-cancelled timer (fires at ${e.Devhost?.finalFireAt ?? e.FireAt})`;
        case EventType.SubOrchestrationInstanceCreated:
          return `sub-orchestration '${e.Name}' (instance ${e.InstanceId})`;
        default:
          return `activity '${e.Name}' (task ${e.EventId})`;
      }
    })
    .join(', ');
}
