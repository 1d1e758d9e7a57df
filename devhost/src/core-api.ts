// Provides `@azure/functions-core` the same way the Node worker does (worker src/setupCoreModule.ts): a Proxy on
// `Module.prototype.require` that answers that one specifier with a host-owned object. `@azure/functions` loads
// the core module lazily through `require` (its webpack bundle keeps it external) and caches the answer forever,
// so the proxy must be in place before the app's first `app.*` call. It works for ESM apps too because the library
// itself is CommonJS.
import Module from 'node:module';

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;
export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  name: string;
  /** Binding metadata as produced by the library's toCoreFunctionMetadata (key = binding name, `$return` for the return binding). */
  bindings: Record<string, Record<string, unknown>>;
  callback: FunctionCallback;
  triggerBindingName: string;
  /** e.g. 'httpTrigger', 'orchestrationTrigger', 'activityTrigger', 'entityTrigger', 'timerTrigger', 'queueTrigger'. */
  triggerType: string;
  trigger: Record<string, unknown>;
  /** Input binding of type durableClient/orchestrationClient, which the host must fill with client binding data. */
  durableClientBindingName?: string;
  returnBindingType?: string;
}

/** The library's ProgrammingModel, narrowed to what the host calls. */
export interface ProgrammingModel {
  name?: string;
  version?: string;
  getInvocationModel(coreCtx: unknown): InvocationModel | Promise<InvocationModel>;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<unknown>;
}

export type SystemLogSink = (level: string, category: string, message: string) => void;

export interface FunctionRegistry {
  functions: Map<string, RegisteredFunction>;
  programmingModel?: ProgrammingModel;
  hooks: Record<HookName, HookCallback[]>;
  /** Set once the app's entry points are loaded; later registrations throw, as in the worker. */
  locked: boolean;
  lock(): void;
  /** Where `coreApi.log(level, 'system', msg)` goes; the loader points it at the host logger. */
  systemLog: SystemLogSink;
  /** Set when the library logs that `app.setup({ enableHttpStream: true })` was applied (unsupported here). */
  httpStreamRequested: boolean;
  /** The app directory owning this registry; one app per process because the library caches the core module. */
  appDir?: string;
}

const HOOK_NAMES: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];
const CORE_MODULE = '@azure/functions-core';
// Stored on globalThis (not module state) so that two copies of this module (e.g. a test runner's transformed copy
// and Node's own) still share one registry, like the single worker per process.
const GLOBAL_KEY = Symbol.for('devhost.functionsCoreRegistry');

class Disposable {
  static from(...inDisposables: Array<{ dispose(): unknown }>): Disposable {
    let disposables: Array<{ dispose(): unknown }> | undefined = inDisposables;
    return new Disposable(() => {
      if (disposables) {
        for (const d of disposables) d.dispose();
        disposables = undefined;
      }
    });
  }

  #callOnDispose?: () => unknown;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const fn = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return fn?.();
  }
}

/** Error shape the library recognises as a system error (`isAzureFunctionsSystemError`). */
function systemError(message: string, ErrorType: ErrorConstructor = Error): Error {
  const err = new ErrorType(message);
  Object.assign(err, { isAzureFunctionsSystemError: true });
  return err;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toRegisteredFunction(metadata: unknown, callback: unknown): RegisteredFunction {
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || !metadata.name) {
    throw systemError('registerFunction: function metadata must have a "name".');
  }
  const name = metadata.name;
  if (typeof callback !== 'function') {
    throw systemError(`registerFunction: function "${name}" has no callback.`);
  }
  if (!isRecord(metadata.bindings)) {
    throw systemError(`registerFunction: function "${name}" has no bindings.`);
  }
  const bindings: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(metadata.bindings)) {
    if (isRecord(value)) bindings[key] = value;
  }
  let triggerBindingName: string | undefined;
  let durableClientBindingName: string | undefined;
  for (const [key, binding] of Object.entries(bindings)) {
    const type = typeof binding.type === 'string' ? binding.type : '';
    if (triggerBindingName === undefined && /trigger$/i.test(type)) triggerBindingName = key;
    const lower = type.toLowerCase();
    if (binding.direction !== 'out' && (lower === 'durableclient' || lower === 'orchestrationclient')) {
      durableClientBindingName = key;
    }
  }
  if (triggerBindingName === undefined) {
    throw systemError(`registerFunction: function "${name}" has no trigger binding.`);
  }
  const trigger = bindings[triggerBindingName] ?? {};
  const returnBinding = bindings['$return'];
  const fn: RegisteredFunction = {
    name,
    bindings,
    callback: callback as FunctionCallback,
    triggerBindingName,
    triggerType: String(trigger.type),
    trigger,
  };
  if (durableClientBindingName !== undefined) fn.durableClientBindingName = durableClientBindingName;
  if (returnBinding && typeof returnBinding.type === 'string') fn.returnBindingType = returnBinding.type;
  return fn;
}

function createRegistry(): FunctionRegistry {
  const registry: FunctionRegistry = {
    functions: new Map(),
    hooks: { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [], log: [] },
    locked: false,
    lock() {
      registry.locked = true;
    },
    systemLog: () => {},
    httpStreamRequested: false,
  };
  return registry;
}

function createCoreApi(registry: FunctionRegistry): Record<string, unknown> {
  return {
    version: '0.0.0-devhost',
    // The library gates log hooks / streaming on host capability; report a current 4.x host.
    get hostVersion(): string {
      return '4.1040.0';
    },
    Disposable,
    registerHook(hookName: unknown, callback: unknown): Disposable {
      if (typeof hookName !== 'string' || !HOOK_NAMES.includes(hookName as HookName)) {
        throw systemError(`"${String(hookName)}" is not a valid hook name.`, RangeError);
      }
      if (typeof callback !== 'function') throw systemError(`Hook "${hookName}" requires a callback function.`);
      const list = registry.hooks[hookName as HookName];
      const cb = callback as HookCallback;
      list.push(cb);
      return new Disposable(() => {
        const i = list.indexOf(cb);
        if (i >= 0) list.splice(i, 1);
      });
    },
    setProgrammingModel(model: unknown): void {
      if (!isRecord(model) || typeof model.getInvocationModel !== 'function') {
        throw systemError('setProgrammingModel: not a programming model.');
      }
      // Last one wins, as in the worker (several copies of @azure/functions may each call this).
      registry.programmingModel = model as unknown as ProgrammingModel;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.programmingModel;
    },
    log(level: unknown, category: unknown, message: unknown): void {
      const msg = String(message);
      if (msg === 'HTTP streaming enabled.') registry.httpStreamRequested = true;
      registry.systemLog(String(level), String(category), msg);
    },
    registerFunction(metadata: unknown, callback: unknown): Disposable {
      const fn = toRegisteredFunction(metadata, callback);
      if (registry.locked) {
        throw systemError(
          `A function can only be registered during app startup (tried to register "${fn.name}" after the app was loaded).`,
        );
      }
      const key = fn.name.toLowerCase();
      if (registry.functions.has(key)) {
        throw systemError(`A function with name "${fn.name}" has already been registered.`);
      }
      registry.functions.set(key, fn);
      return new Disposable(() => {
        if (registry.locked) throw systemError('A function can only be disposed during app startup.');
        registry.functions.delete(key);
      });
    },
  };
}

interface InstalledCore {
  registry: FunctionRegistry;
  core: Record<string, unknown>;
}

/**
 * Installs the `@azure/functions-core` require hook (idempotent) and returns the process-wide registry the app's
 * registrations land in.
 */
export function installCoreApi(): FunctionRegistry {
  const holder = globalThis as Record<symbol, unknown>;
  const existing = holder[GLOBAL_KEY] as InstalledCore | undefined;
  if (existing) return existing.registry;

  const registry = createRegistry();
  const core = createCoreApi(registry);
  holder[GLOBAL_KEY] = { registry, core } satisfies InstalledCore;

  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg: unknown, args: unknown[]): unknown {
      if (args[0] === CORE_MODULE) return core;
      return Reflect.apply(target, thisArg, args);
    },
  });
  return registry;
}
