// The durable task engine: pulls work from the task hub and runs it with the concurrency limits of
// host.json (extensions.durableTask), as the Durable extension's dispatchers do. Orchestration episodes run
// one at a time per instance, entity batches one at a time per entity, activities in parallel.
import type { DurableEngine, DurableEngineContext } from '../durable-contract.ts';
import { runActivity } from './activity.ts';
import { AzureStorageTaskHubStore } from './azure-storage-store.ts';
import { runEntityBatch } from './entity-batch.ts';
import { createFunctionRunner } from './function-runner.ts';
import { EventType } from './history.ts';
import { createHttpApi } from './http-api.ts';
import { clientBindingData } from './management-urls.ts';
import { MemoryTaskHubStore } from './memory-store.ts';
import { AZURE_STORAGE_TIMERS, runEpisode, type TimerSettings } from './orchestration-episode.ts';
import type { Pitfall, PitfallKind } from './pitfalls.ts';
import type { InstanceRecord, OrchestrationWorkItem, TaskHubStore } from './store.ts';

export interface DurableEngineOptions {
  /** A task hub store; by default the context's kind decides (memory here; azurite in its own module). */
  store?: TaskHubStore;
  /** Timer splitting (tests shorten it to exercise long timers); Azure Storage's values by default. */
  timers?: TimerSettings;
  /** Pause between durable HTTP polls without Retry-After (the extension's default 30 s; tests shorten it). */
  httpPollMs?: number;
  /** History length that draws the history-size warning (pitfalls.ts HISTORY_EVENTS_WARNING; tests lower it). */
  historyWarningEvents?: number;
}

interface DurableTaskSettings {
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  maxEntityOperationBatchSize: number;
}

function durableTaskSettings(hostJson: unknown): DurableTaskSettings {
  const section =
    (hostJson as { extensions?: { durableTask?: Record<string, unknown> } } | undefined)?.extensions?.durableTask ?? {};
  const positive = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
  const rawHub = typeof section.hubName === 'string' ? section.hubName : 'TestHubName';
  // %NAME% refers to an app setting, as in the real host.
  const hubName = rawHub.replace(/%([^%]+)%/g, (_, name: string) => process.env[name] ?? name);
  return {
    hubName,
    maxConcurrentActivityFunctions: positive(section.maxConcurrentActivityFunctions, 10),
    maxConcurrentOrchestratorFunctions: positive(section.maxConcurrentOrchestratorFunctions, 10),
    maxEntityOperationBatchSize: positive(section.maxEntityOperationBatchSize, 50),
  };
}

export function createDurableEngine(ctx: DurableEngineContext, options: DurableEngineOptions = {}): DurableEngine {
  const settings = durableTaskSettings(ctx.hostJson);
  const store = options.store ?? defaultStore(ctx, settings.hubName);
  const timers = options.timers ?? AZURE_STORAGE_TIMERS;
  const functions = createFunctionRunner(ctx.app.registry, ctx.invoker);
  const api = createHttpApi({
    store,
    functions,
    baseUrl: ctx.baseUrl,
    taskHubName: settings.hubName,
    systemKey: ctx.systemKey,
  });
  const bindingData = clientBindingData({
    baseUrl: ctx.baseUrl,
    rpcBaseUrl: ctx.rpcBaseUrl,
    taskHubName: settings.hubName,
    systemKey: ctx.systemKey,
  });
  /** Pitfalls already reported, per instance: one log line per instance and kind. */
  const reported = new Map<string, Set<PitfallKind>>();

  function report(instanceId: string, pitfalls: readonly Pitfall[]): void {
    for (const pitfall of pitfalls) {
      let kinds = reported.get(instanceId);
      if (!kinds) reported.set(instanceId, (kinds = new Set()));
      if (kinds.has(pitfall.kind)) continue;
      kinds.add(pitfall.kind);
      ctx.log.warn(`devhost [Azure pitfall: ${pitfall.kind}] ${pitfall.message}`);
    }
  }

  let running = false;
  let pumping = false;
  let pumpAgain = false;
  let wakeTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  let orchestrations = 0;
  let activities = 0;
  let entities = 0;

  function track(work: Promise<void>, done: () => void): void {
    const tracked = work
      .catch((error: unknown) =>
        ctx.log.error(
          `devhost durable engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      )
      .finally(() => {
        done();
        inFlight.delete(tracked);
        schedulePump();
      });
    inFlight.add(tracked);
  }

  function schedulePump(): void {
    if (!running) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    void pump().finally(() => {
      pumping = false;
      if (pumpAgain) {
        pumpAgain = false;
        schedulePump();
      }
    });
  }

  async function pump(): Promise<void> {
    // A message that comes due after this instant may have been passed over by the takes below; the wake
    // timer must count it even if it is due by the time the timer is armed (else nothing wakes the pump).
    const takenAt = Date.now();
    while (running && orchestrations < settings.maxConcurrentOrchestratorFunctions) {
      const item = await store.takeOrchestrationWorkItem();
      if (!item) break;
      orchestrations++;
      track(processOrchestration(item), () => orchestrations--);
    }
    while (running && entities < settings.maxConcurrentOrchestratorFunctions) {
      const item = await store.takeEntityWorkItem(settings.maxEntityOperationBatchSize);
      if (!item) break;
      entities++;
      track(
        (async () => {
          const current = await store.getEntity(item.entityId);
          const { entity, outbox } = await runEntityBatch(item, current, functions);
          await store.completeEntityWorkItem(
            entity,
            item.requests.map((r) => r.id),
            outbox,
          );
        })(),
        () => entities--,
      );
    }
    while (running && activities < settings.maxConcurrentActivityFunctions) {
      const item = await store.takeActivityWorkItem();
      if (!item) break;
      activities++;
      track(
        (async () => {
          const result = await runActivity(item, functions);
          await store.completeActivityWorkItem(item.id, result);
        })(),
        () => activities--,
      );
    }
    await armWakeTimer(takenAt);
  }

  async function armWakeTimer(takenAt: number): Promise<void> {
    const at = await store.nextVisibleAt(takenAt);
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = undefined;
    if (at === undefined || !running) return;
    wakeTimer = setTimeout(schedulePump, Math.max(0, at - Date.now()) + 1);
  }

  async function processOrchestration(item: OrchestrationWorkItem): Promise<void> {
    try {
      const instance = (await store.getInstance(item.instanceId)) ?? instanceFromStart(item);
      if (!instance) {
        // Messages for an instance that does not exist (purged, or a reply to a purged caller): drop them.
        await store.discardOrchestrationMessages(
          item.instanceId,
          item.messages.map((m) => m.id),
        );
        return;
      }
      const restart = item.messages.find(
        (m) =>
          m.event.EventType === EventType.ExecutionStarted &&
          m.executionId !== instance.executionId &&
          m.event.OrchestrationInstance?.ExecutionId !== instance.executionId,
      );
      const current = restart ? instanceFromStart({ instanceId: item.instanceId, messages: [restart] })! : instance;
      const history = restart ? [] : await store.getHistory(item.instanceId);
      const { commit, pitfalls } = await runEpisode(
        {
          instance: current,
          history,
          messages: item.messages,
          now: new Date(),
          timers,
          ...(options.httpPollMs !== undefined && { httpPollMs: options.httpPollMs }),
          ...(options.historyWarningEvents !== undefined && { historyWarningEvents: options.historyWarningEvents }),
        },
        functions,
      );
      if (restart) commit.replaceHistory = commit.newEvents;
      await store.completeOrchestrationWorkItem(commit);
      report(item.instanceId, pitfalls);
    } catch (error) {
      await store.abandonOrchestrationWorkItem(item.instanceId);
      throw error;
    }
  }

  return {
    clientBindingData: () => bindingData,
    handle: (req, res, path) => api.handle(req, res, path),
    async start() {
      running = true;
      store.onWork(schedulePump);
      try {
        await store.start();
      } catch (error) {
        ctx.log.error(`devhost: task hub failed to start: ${String(error)}`);
        throw error;
      }
      schedulePump();
    },
    async stop() {
      running = false;
      if (wakeTimer) clearTimeout(wakeTimer);
      await Promise.allSettled([...inFlight]);
      await store.stop();
    },
  };
}

function defaultStore(ctx: DurableEngineContext, hubName: string): TaskHubStore {
  if (ctx.store !== 'azurite') return new MemoryTaskHubStore();
  if (!ctx.storageConnectionString)
    throw new Error(
      "devhost: the 'azurite' task hub store needs a storage connection string (--storage, or let devhost start Azurite).",
    );
  return new AzureStorageTaskHubStore({ connectionString: ctx.storageConnectionString, taskHubName: hubName });
}

/** A sub-orchestration (or restarted instance) is created by its ExecutionStarted message. */
function instanceFromStart(item: OrchestrationWorkItem): InstanceRecord | undefined {
  const start = item.messages.find((m) => m.event.EventType === EventType.ExecutionStarted);
  if (!start) return undefined;
  const e = start.event;
  const parent = e.ParentInstance ?? undefined;
  return {
    instanceId: item.instanceId,
    name: e.Name ?? '',
    executionId: e.OrchestrationInstance?.ExecutionId ?? start.executionId ?? '',
    runtimeStatus: 'Pending',
    input: e.Input ?? null,
    output: null,
    customStatus: null,
    createdTime: e.Timestamp,
    lastUpdatedTime: e.Timestamp,
    parent: parent
      ? {
          instanceId: parent.OrchestrationInstance.InstanceId,
          executionId: parent.OrchestrationInstance.ExecutionId,
          taskScheduledId: parent.TaskScheduledId,
        }
      : undefined,
    nextEventId: 0,
  };
}
