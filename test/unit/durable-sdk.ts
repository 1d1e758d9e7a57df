// The durable-functions SDK's own test drivers: DummyOrchestrationContext and DummyEntityContext (public),
// and createOrchestrator and createEntityFunction from the same module (lib/src/util/testingUtils.js), which
// the package ships without type declarations. They run a handler exactly as the Functions runtime does: the
// orchestrator replays a history, the entity executes a batch.
import { createRequire } from 'node:module';
import { DummyEntityContext, DummyOrchestrationContext } from 'durable-functions';
import type { EntityHandler, OrchestrationHandler } from 'durable-functions';

/** What an orchestrator episode answers the host (OrchestratorState). */
export interface OrchestratorState {
  isDone: boolean;
  actions: unknown[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

/** One operation of an entity batch, as the host sends it: input and results are JSON text. */
export interface EntityOperation {
  name: string;
  signal: boolean;
  input?: string;
  id?: string;
}

export interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  results: Array<{ isError: boolean; result?: string }>;
  signals: unknown[];
}

interface TestingUtils {
  createOrchestrator(fn: OrchestrationHandler): (trigger: object, context: object) => Promise<OrchestratorState>;
  createEntityFunction<T>(fn: EntityHandler<T>): (trigger: object, context: object) => Promise<EntityBatchResult>;
}

const require = createRequire(import.meta.url);
const testing = require('durable-functions/lib/src/util/testingUtils.js') as TestingUtils;

/**
 * Runs one orchestrator episode with the SDK's executor, as the runtime does: `payload` is the trigger input
 * the host sends (history, input, instanceId, schema version...), as scripts/record-histories.ts records it.
 */
export function runOrchestrator(handler: OrchestrationHandler, payload: object): Promise<OrchestratorState> {
  return testing.createOrchestrator(handler)(structuredClone(payload), new DummyOrchestrationContext());
}

/** Runs one batch of operations on an entity whose stored state is `state` (undefined: it does not exist). */
export function runEntityBatch<T>(
  handler: EntityHandler<T>,
  entity: { name: string; key: string },
  state: T | undefined,
  batch: EntityOperation[],
): Promise<EntityBatchResult> {
  const trigger = {
    self: entity,
    exists: state !== undefined,
    state: state === undefined ? undefined : JSON.stringify(state),
    batch,
  };
  return testing.createEntityFunction(handler)(trigger, new DummyEntityContext<T>());
}
