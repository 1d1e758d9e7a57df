// The durable-functions SDK's own test drivers: DummyOrchestrationContext and DummyEntityContext (public), and
// createOrchestrator and createEntityFunction from lib/src/util/testingUtils.js, which the package ships without
// type declarations. They run an orchestrator or an entity exactly as the Functions runtime does: an orchestrator
// replays a history and answers the state; an entity runs a batch of operations on its stored state.
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

/** One operation of an entity batch as the host sends it: the input is JSON text. */
interface EntityOperation {
  name: string;
  input?: string;
  isSignal: boolean;
}

/** What an entity batch answers the host (EntityState): the state as JSON text, one result per operation. */
export interface EntityBatchResult {
  entityExists: boolean;
  entityState?: string;
  /** `result` is the operation's return value as JSON text (absent when it returned nothing). */
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

/**
 * Runs one batch of operations on entity `name@key` with the SDK's executor, as the runtime does: `state` is the
 * entity's stored state (undefined: the entity does not exist yet), each operation's input given as a value.
 */
export function runEntityBatch<T>(
  handler: EntityHandler<T>,
  self: { name: string; key: string },
  state: T | undefined,
  operations: ReadonlyArray<{ name: string; input?: unknown; signal?: boolean }>,
): Promise<EntityBatchResult> {
  const trigger = {
    self,
    exists: state !== undefined,
    state: state === undefined ? null : JSON.stringify(state),
    batch: operations.map((op): EntityOperation => ({
      name: op.name,
      ...(op.input !== undefined && { input: JSON.stringify(op.input) }),
      isSignal: op.signal ?? false,
    })),
  };
  return testing.createEntityFunction(handler)(trigger, new DummyEntityContext<T>());
}
