// What one run of the orchestrator function means, read the way the Durable extension reads it
// (OutOfProcOrchestrationShim.ScheduleDurableTaskEvents and TaskOrchestrationShim.InvokeUserCodeAndHandleResults):
//   - the SDK returned its state: done (output, or continue-as-new) or not done yet;
//   - the SDK threw OrchestrationFailureError, whose message carries the state after `$OutOfProcData$:`: with a
//     non-empty `error` the orchestration fails with OrchestrationFailureException(Reason "Orchestrator function
//     '<name>' failed: <error>", Details "Message: <error>, StackTrace: <stack>"); with no error text (a thrown
//     string, object or Error('')) the extension neither fails nor completes it, and it waits forever;
//   - the invocation failed before the SDK could say anything: the orchestration fails with that message.
// In every case the actions the SDK returned are still scheduled.
import type { Action } from './actions.ts';
import type { FailureDetails } from './history.ts';
import type { FunctionResult } from './functions.ts';

interface OrchestratorState {
  isDone: boolean;
  actions?: Action[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
  failureDetails?: FailureDetails;
}

/** How an orchestration fails: DTFx's Reason and Details, and FailureDetails only when the SDK sent them. */
export interface Failure {
  reason: string;
  details: string;
  failureDetails?: FailureDetails | undefined;
}

interface Common {
  actions: Action[];
  customStatus: unknown;
  /** The SDK's own state object (same process only), for object-identity checks (pitfalls.ts). */
  raw?: unknown;
}

export type OrchestratorOutcome =
  | (Common & { kind: 'running' })
  | (Common & { kind: 'done'; output: unknown })
  | (Common & { kind: 'failed'; failure: Failure })
  /** The orchestrator threw something without a message: Azure keeps the instance Running forever. */
  | (Common & { kind: 'threw-without-message' });

const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/** The shim's failure for an orchestrator error text, with the JavaScript stack standing in for the .NET one. */
function orchestratorFailure(name: string, error: string, stack: string, details?: FailureDetails): Failure {
  return {
    reason: `Orchestrator function '${name}' failed: ${error}`,
    details: `Message: ${error}, StackTrace: ${stack}`,
    ...(details && { failureDetails: details }),
  };
}

/** Reads one orchestrator run (see the top of this file); `name` is the orchestration's registered name. */
export function interpretOutcome(name: string, result: FunctionResult): OrchestratorOutcome {
  if (result.ok) {
    const state = result.value as OrchestratorState;
    const common = { actions: state.actions?.flat() ?? [], customStatus: state.customStatus, raw: result.raw };
    return state.isDone ? { ...common, kind: 'done', output: state.output } : { ...common, kind: 'running' };
  }
  const message = result.error.message;
  const at = message.indexOf(OUT_OF_PROC_DATA);
  const stack = stackOf(result.error);
  if (at < 0)
    return {
      kind: 'failed',
      actions: [],
      customStatus: undefined,
      failure: orchestratorFailure(name, message, stack),
    };
  const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
  const common = { actions: state.actions?.flat() ?? [], customStatus: state.customStatus };
  if (state.error)
    return { ...common, kind: 'failed', failure: orchestratorFailure(name, state.error, stack, state.failureDetails) };
  if (state.isDone) return { ...common, kind: 'done', output: state.output };
  return { ...common, kind: 'threw-without-message' };
}

/** The stack frames of an error, without its message line(s). */
function stackOf(error: Error): string {
  const stack = error.stack ?? '';
  const firstFrame = stack.search(/\n\s+at /);
  return firstFrame < 0 ? '' : stack.slice(firstFrame + 1);
}
