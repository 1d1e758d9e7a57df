// The actions the Durable extension refuses when its shim replays them (ArgumentExceptions of
// DurableOrchestrationContext.CallDurableTaskFunctionAsync and DurableTaskExtension.ThrowIfFunctionDoesNotExist):
// a function that is not registered, a sub-orchestration that reuses its parent's id or starts with '@', an action
// type it does not know. The orchestrator function then fails with the message.
import { ActionType, type Action } from './actions.ts';
import { parseEntityId } from './entity-batch.ts';
import type { DurableFunctionRunner } from './functions.ts';
import type { InstanceRecord } from './store.ts';

/** Why the extension would refuse a new `action` of `instance` (its message), or undefined. */
export function refusal(
  action: Action,
  functions: DurableFunctionRunner,
  instance: InstanceRecord,
): { kind: 'invalid'; message: string } | undefined {
  const invalid = (message: string) => ({ kind: 'invalid' as const, message });
  const unknown = (kind: 'activity' | 'orchestrator' | 'entity', name: string) => {
    const known = functions.names(kind);
    return invalid(
      `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function. Additional info: ${
        known.length > 0
          ? `The following are the known ${kind} functions: '${known.join("', '")}'.`
          : `No ${kind} functions are currently registered!`
      }`,
    );
  };
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return functions.hasActivity(action.functionName ?? '')
        ? undefined
        : unknown('activity', action.functionName ?? '');
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const name = action.functionName ?? '';
      if (!functions.hasOrchestrator(name)) return unknown('orchestrator', name);
      const id = action.instanceId?.toLowerCase();
      if (
        id !== undefined &&
        (id === instance.instanceId.toLowerCase() || id === instance.parent?.instanceId.toLowerCase())
      )
        return invalid(
          'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.',
        );
      // (sic: the extension passes its message as the parameter name)
      if (action.instanceId?.startsWith('@'))
        return invalid("instanceId (Parameter 'Orchestration instance ids must not start with @')");
      return undefined;
    }
    case ActionType.CallEntity:
    case ActionType.SignalEntity: {
      const { name } = parseEntityId(action.instanceId ?? '');
      return functions.hasEntity(name) ? undefined : unknown('entity', name);
    }
    case ActionType.CreateTimer:
    case ActionType.CallHttp:
      return undefined;
    default:
      return invalid(`Received an unexpected action type from the out-of-proc function: '$${action.actionType}'.`);
  }
}
