// Invokes a registered function exactly the way the Node worker does (worker src/eventHandlers/InvocationHandler.ts):
// everything goes through the app's ProgrammingModel so the library's own conversions (HttpRequest, timer
// camelCasing, return/extraOutputs, HttpResponse -> wire) run unchanged; devhost only speaks RpcTypedData.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RegisteredFunction, HookCallback } from './core-api.ts';
import type { LoadedApp } from './loader.ts';
import { logAtLevel } from './log.ts';
import type { HostLogger } from './log.ts';
import type { InvocationRequest, RpcInvocationResponse, RpcParameterBinding, RpcTypedData } from './rpc-types.ts';

export type InvocationOutcome =
  | {
      ok: true;
      returnValue?: RpcTypedData;
      /**
       * The handler's return value as the library handed it back, before its conversion to wire data. Only an
       * in-process host has it; the durable engine reads object identity in it (durable/pitfalls.ts).
       */
      result?: unknown;
      outputData: RpcParameterBinding[];
      durationMs: number;
      invocationId: string;
    }
  | { ok: false; error: Error; durationMs: number; invocationId: string };

export interface InvokerOptions {
  /** Binding data for durableClient inputs (see durable-protocol.md §5.1); required if any function uses one. */
  durableClientData?: () => unknown;
  log: HostLogger;
}

export interface Invoker {
  invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome>;
}

/** Decodes wire data the way a host would read it (json -> parsed, string -> string, bytes -> Buffer). */
export function decodeTypedData(data: RpcTypedData | undefined | null): unknown {
  if (!data) return undefined;
  if (data.json != null) return JSON.parse(data.json);
  if (data.string != null) return data.string;
  if (data.int != null) return data.int;
  if (data.double != null) return data.double;
  if (data.bytes != null) return Buffer.from(data.bytes);
  if (data.stream != null) return Buffer.from(data.stream);
  if (data.http != null) return data.http;
  return undefined;
}

/**
 * A thrown value as the Node worker turns it into the invocation's exception (worker `ensureErrorType`): an Error
 * as it is; otherwise an Error whose message is 'Unknown error' (null, undefined), the string itself, the
 * object's JSON ('[Circular]' for a repeated reference) or `String(value)`. The message is what Azure reports (an
 * activity's failure reason, the log line), so devhost does not dress it up. Unlike the worker, devhost does not
 * mask credential-looking text in it.
 */
function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  switch (typeof err) {
    case 'undefined':
      return new Error('Unknown error');
    case 'string':
      return new Error(err);
    case 'object':
      return new Error(err === null ? 'Unknown error' : stringifyThrown(err));
    default:
      return new Error(String(err));
  }
}

function stringifyThrown(value: object): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
}

function runLogHooks(hooks: HookCallback[], ctx: Record<string, unknown>, log: HostLogger): void {
  // Log hooks are synchronous in the worker; a throwing hook must not break the invocation.
  for (const hook of [...hooks]) {
    try {
      hook(ctx);
    } catch (err) {
      log.error(`devhost: log hook threw: ${toError(err).message}`);
    }
  }
}

export function createInvoker(app: LoadedApp, options: InvokerOptions): Invoker {
  const { registry, appHookData } = app;
  const log = options.log;

  async function invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome> {
    const started = performance.now();
    const invocationId = request.invocationId ?? randomUUID();
    let invocationContext: unknown;

    const inputData: RpcParameterBinding[] = [...request.inputData];
    if (fn.durableClientBindingName !== undefined && !inputData.some((b) => b.name === fn.durableClientBindingName)) {
      if (!options.durableClientData) {
        return fail(
          new Error(`Function '${fn.name}' needs a durable client, but devhost has no durable engine configured.`),
        );
      }
      inputData.push({
        name: fn.durableClientBindingName,
        data: { string: JSON.stringify(options.durableClientData()) },
      });
    }

    const coreCtx: Record<string, unknown> = {
      invocationId,
      request: { invocationId, functionId: fn.name, inputData, triggerMetadata: request.triggerMetadata ?? {} },
      metadata: { name: fn.name, bindings: fn.bindings },
      state: undefined,
      log(level: string, category: string, message: string): void {
        const hookCtx: Record<string, unknown> = { hookData: {}, level, message, category, invocationContext };
        runLogHooks(registry.hooks.log, hookCtx, log);
        const finalLevel = typeof hookCtx.level === 'string' ? hookCtx.level : level;
        const finalMessage = typeof hookCtx.message === 'string' ? hookCtx.message : message;
        logAtLevel(log, finalLevel, category === 'system' ? `[system] ${finalMessage}` : finalMessage);
      },
    };

    function fail(error: Error): InvocationOutcome {
      const durationMs = Math.round(performance.now() - started);
      log.error(`Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms)`);
      log.error(`Exception while executing function: Functions.${fn.name}. ${error.stack ?? error.message}`);
      return { ok: false, error, durationMs, invocationId };
    }

    try {
      const model = registry.programmingModel;
      if (!model) throw new Error('devhost: no programming model registered.');
      const invocationModel = await model.getInvocationModel(coreCtx);
      const args = await invocationModel.getArguments();
      const context = args.context;
      invocationContext = context;
      let inputs = args.inputs;
      let callback = fn.callback;

      // One hookData object spans pre- and post-invocation hooks of this invocation (worker semantics).
      const hookData: Record<string, unknown> = {};
      coreCtx.state = 'preInvocationHooks';
      const preCtx: Record<string, unknown> = {
        hookData,
        appHookData,
        invocationContext: context,
        inputs,
        functionCallback: callback,
      };
      for (const hook of [...registry.hooks.preInvocation]) await hook(preCtx);
      if (Array.isArray(preCtx.inputs)) inputs = preCtx.inputs as unknown[];
      if (typeof preCtx.functionCallback === 'function') callback = preCtx.functionCallback as typeof callback;

      coreCtx.state = 'invocation';
      let result: unknown;
      let error: unknown;
      try {
        result = await invocationModel.invokeFunction(context, inputs, callback);
      } catch (err) {
        error = err;
      }

      coreCtx.state = 'postInvocationHooks';
      const postCtx: Record<string, unknown> = {
        hookData,
        appHookData,
        invocationContext: context,
        inputs,
        result,
        error,
      };
      for (const hook of [...registry.hooks.postInvocation]) await hook(postCtx);
      result = postCtx.result;
      error = postCtx.error;
      if (error !== undefined && error !== null) throw toError(error);

      const response = (await invocationModel.getResponse(context, result)) as RpcInvocationResponse;
      const outputData: RpcParameterBinding[] = [];
      for (const out of response.outputData ?? []) {
        if (out.name && out.data) outputData.push({ name: out.name, data: out.data });
      }
      const durationMs = Math.round(performance.now() - started);
      log.info(`Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`);
      const outcome: InvocationOutcome = { ok: true, outputData, durationMs, invocationId, result };
      if (response.returnValue != null) outcome.returnValue = response.returnValue;
      return outcome;
    } catch (err) {
      return fail(toError(err));
    }
  }

  return { invoke };
}
