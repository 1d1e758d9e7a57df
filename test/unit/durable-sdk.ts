// The durable-functions SDK's own orchestration test driver: DummyOrchestrationContext (public) and
// createOrchestrator from lib/src/util/testingUtils.js, which the package ships without type declarations.
// It runs an orchestrator exactly as the Functions runtime does: it replays a history and answers the state.
import { createRequire } from 'node:module';
import { DummyOrchestrationContext } from 'durable-functions';
import type { OrchestrationHandler } from 'durable-functions';

/** What an orchestrator episode answers the host (OrchestratorState). */
export interface OrchestratorState {
  isDone: boolean;
  actions: unknown[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

interface TestingUtils {
  createOrchestrator(fn: OrchestrationHandler): (trigger: object, context: object) => Promise<OrchestratorState>;
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
