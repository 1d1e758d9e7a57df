// What the durable engine needs from the host: a way to run the app's orchestrator, activity and entity
// functions by name. The host adapts its registry and invoker to this; the engine knows nothing else.
/** `value` is the result as wire data decodes it; `raw` is the handler's own return value (same process only). */
export type FunctionResult = { ok: true; value: unknown; raw?: unknown } | { ok: false; error: Error };

export interface DurableFunctionRunner {
  /** Runs an orchestrator episode with the trigger payload of durable-protocol.md §2.1. */
  runOrchestrator(name: string, payload: unknown): Promise<FunctionResult>;
  runActivity(name: string, input: unknown, instanceId: string): Promise<FunctionResult>;
  /** Runs an entity batch (payload of §3); `name` is matched case-insensitively, as scheduler ids lowercase it. */
  runEntity(name: string, payload: unknown): Promise<FunctionResult>;
  hasOrchestrator(name: string): boolean;
  hasActivity(name: string): boolean;
  hasEntity(name: string): boolean;
  /** Registered names of a kind, in registration order (the extension lists them when a name is unknown). */
  names(kind: 'orchestrator' | 'activity' | 'entity'): string[];
  /** The registered spelling of an orchestrator name (matching is case-insensitive, as in Azure). */
  orchestratorName(name: string): string | undefined;
}
