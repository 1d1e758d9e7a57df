// Adapts the host's registry and invoker to what the durable engine runs: orchestrator episodes, activities
// and entity batches, each invoked through the library exactly as the Functions host invokes them.
import type { FunctionRegistry, RegisteredFunction } from '../core-api.ts';
import { decodeTypedData, type Invoker } from '../invoker.ts';
import type { DurableFunctionRunner, FunctionResult } from './functions.ts';

function byTrigger(registry: FunctionRegistry, triggerType: string): Map<string, RegisteredFunction> {
  const found = new Map<string, RegisteredFunction>();
  for (const fn of registry.functions.values())
    if (fn.triggerType.toLowerCase() === triggerType.toLowerCase()) found.set(fn.name.toLowerCase(), fn);
  return found;
}

export function createFunctionRunner(registry: FunctionRegistry, invoker: Invoker): DurableFunctionRunner {
  const orchestrators = byTrigger(registry, 'orchestrationTrigger');
  const activities = byTrigger(registry, 'activityTrigger');
  const entities = byTrigger(registry, 'entityTrigger');

  async function run(
    fn: RegisteredFunction | undefined,
    kind: string,
    name: string,
    data: { string?: string; json?: string },
    triggerMetadata?: Record<string, { string: string }>,
  ): Promise<FunctionResult> {
    if (!fn)
      return {
        ok: false,
        error: new Error(`The function '${name}' doesn't exist, is disabled, or is not an ${kind} function.`),
      };
    const outcome = await invoker.invoke(fn, {
      inputData: [{ name: fn.triggerBindingName, data }],
      ...(triggerMetadata && { triggerMetadata }),
    });
    return outcome.ok
      ? { ok: true, value: decodeTypedData(outcome.returnValue), raw: outcome.result }
      : { ok: false, error: outcome.error };
  }

  return {
    runOrchestrator: (name, payload) =>
      run(orchestrators.get(name.toLowerCase()), 'orchestrator', name, { string: JSON.stringify(payload) }),
    runActivity: (name, input, instanceId) =>
      run(
        activities.get(name.toLowerCase()),
        'activity',
        name,
        { json: JSON.stringify(input ?? null) },
        { instanceId: { string: instanceId } },
      ),
    runEntity: (name, payload) =>
      run(entities.get(name.toLowerCase()), 'entity', name, { string: JSON.stringify(payload) }),
    hasOrchestrator: (name) => orchestrators.has(name.toLowerCase()),
    hasActivity: (name) => activities.has(name.toLowerCase()),
    hasEntity: (name) => entities.has(name.toLowerCase()),
    names: (kind) =>
      [...(kind === 'orchestrator' ? orchestrators : kind === 'activity' ? activities : entities).values()].map(
        (fn) => fn.name,
      ),
    orchestratorName: (name) => orchestrators.get(name.toLowerCase())?.name,
  };
}
