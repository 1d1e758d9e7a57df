// What the durable engine needs from the host: a way to run the app's orchestrator, activity and entity
// functions by name. The host adapts its registry and invoker to this; the engine knows nothing else.
export type FunctionResult = { ok: true; value: unknown } | { ok: false; error: Error };

export interface DurableFunctionRunner {
  /** Runs an orchestrator episode with the trigger payload of durable-protocol.md §2.1. */
  runOrchestrator(name: string, payload: unknown): Promise<FunctionResult>;
  runActivity(name: string, input: unknown, instanceId: string): Promise<FunctionResult>;
  /** Runs an entity batch (payload of §3); `name` is matched case-insensitively, as scheduler ids lowercase it. */
  runEntity(name: string, payload: unknown): Promise<FunctionResult>;
  hasOrchestrator(name: string): boolean;
  hasEntity(name: string): boolean;
  /** The registered spelling of an orchestrator name (matching is case-insensitive, as in Azure). */
  orchestratorName(name: string): string | undefined;
}
