// Loads a function app the way the Node worker does at startup (worker src/startApp.ts): apply local settings,
// install the core module, import every entry point matched by package.json `main`, lock registration, ask the
// programming model for capabilities (this locks `app.setup`) and run the appStart hooks.
import { existsSync, globSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script, constants as vmConstants } from 'node:vm';
import { installCoreApi } from './core-api.ts';
import type { FunctionRegistry } from './core-api.ts';
import { logAtLevel } from './log.ts';
import type { HostLogger } from './log.ts';

export interface LoadAppOptions {
  /** Environment to apply local.settings.json to (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives the library's system logs (debug/trace are dropped). */
  log?: HostLogger;
}

export interface LoadedApp {
  appDir: string;
  registry: FunctionRegistry;
  hostJson: Record<string, unknown>;
  /** Shared by every hook invocation for the life of the app (worker semantics). */
  appHookData: Record<string, unknown>;
  /** Entry files that were imported, in load order. */
  files: string[];
  runAppTerminateHooks(): Promise<void>;
}

// Remembers which app this process loaded: the library caches the core module, so a second app would register
// into the same registry and the two could not be told apart.
const LOADED_KEY = Symbol.for('devhost.loadedApp');

// A native dynamic import that a bundler or test runner cannot rewrite: the app must be loaded by Node's own loader
// so that its `require('@azure/functions')` goes through Module.prototype.require (and thus our core module).
// oxlint-disable-next-line typescript/no-implied-eval -- the point: an import() the test runner cannot rewrite
const functionImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let vmImport: ((specifier: string) => Promise<unknown>) | undefined;

async function nativeImport(specifier: string): Promise<unknown> {
  try {
    return await functionImport(specifier);
  } catch (err) {
    // Runners that evaluate our modules through `vm` (vitest) leave `new Function` without a dynamic-import
    // callback; a vm.Script bound to the main context's default loader works there (experimental API, so only
    // used as a fallback).
    if ((err as { code?: unknown }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw err;
    vmImport ??= new Script('(specifier) => import(specifier)', {
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext() as (specifier: string) => Promise<unknown>;
    return vmImport(specifier);
  }
}

function readJsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(`devhost: cannot parse ${what} at ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies local.settings.json `Values` into env without overriding what is already set (like `func start`). */
export function applyLocalSettings(appDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = join(appDir, 'local.settings.json');
  if (!existsSync(file)) return {};
  const settings = readJsonFile(file, 'local.settings.json');
  const values = isRecord(settings) && isRecord(settings.Values) ? settings.Values : {};
  const applied: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (env[key] !== undefined) continue;
    // Values are strings, numbers or booleans in local.settings.json; anything else is kept as its JSON.
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
    env[key] = text;
    applied[key] = text;
  }
  return applied;
}

/** Resolves package.json `main` (a file or a glob) to absolute entry files, sorted for a stable load order. */
export function resolveEntryPoints(appDir: string): string[] {
  const pkgFile = join(appDir, 'package.json');
  if (!existsSync(pkgFile))
    throw new Error(`devhost: no package.json in ${appDir}; the app's entry point comes from its "main".`);
  const pkg = readJsonFile(pkgFile, 'package.json');
  const main = isRecord(pkg) ? pkg.main : undefined;
  if (typeof main !== 'string' || !main.trim()) {
    throw new Error(
      `devhost: ${pkgFile} has no "main" field (expected a file or glob such as "dist/src/functions/*.js").`,
    );
  }
  const pattern = main.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  let files: string[];
  if (/[*?[{]/.test(pattern)) {
    files = globSync(pattern, { cwd: appDir }).map((f) => resolve(appDir, f));
  } else {
    const file = isAbsolute(pattern) ? pattern : resolve(appDir, pattern);
    files = existsSync(file) ? [file] : [];
  }
  files = files.filter((f) => statSync(f).isFile()).sort();
  if (files.length === 0) {
    throw new Error(`devhost: package.json "main" (${main}) matched no files in ${appDir}. Did you build the app?`);
  }
  return files;
}

function parseHostJson(appDir: string): Record<string, unknown> {
  const file = join(appDir, 'host.json');
  if (!existsSync(file)) return {};
  const parsed = readJsonFile(file, 'host.json');
  return isRecord(parsed) ? parsed : {};
}

async function runHooks(
  hooks: Array<(ctx: Record<string, unknown>) => unknown>,
  ctx: Record<string, unknown>,
): Promise<void> {
  // Sequential, in registration order, each awaited (worker behaviour).
  for (const hook of [...hooks]) await hook(ctx);
}

async function doLoad(appDir: string, options: LoadAppOptions): Promise<LoadedApp> {
  applyLocalSettings(appDir, options.env ?? process.env);
  const registry = installCoreApi();
  const log = options.log;
  if (log) {
    registry.systemLog = (level, _category, message) => {
      if (level !== 'debug' && level !== 'trace') logAtLevel(log, level, message);
    };
  }
  if (registry.appDir !== undefined && registry.appDir !== appDir) {
    throw new Error(
      `devhost: this process already loaded the app at ${registry.appDir}; cannot also load ${appDir} ` +
        '(@azure/functions caches its core module per process: run one app per process).',
    );
  }
  registry.appDir = appDir;
  const files = resolveEntryPoints(appDir);
  for (const file of files) {
    try {
      await nativeImport(pathToFileURL(file).href);
    } catch (err) {
      throw new Error(`devhost: failed to load ${file}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
  registry.lock();

  const model = registry.programmingModel;
  if (!model) {
    throw new Error(
      `devhost: the app at ${appDir} registered nothing (no @azure/functions "app.*" call in ${files.join(', ')}).`,
    );
  }
  if (registry.httpStreamRequested) {
    throw new Error(
      'devhost: HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by devhost; remove it to run locally.',
    );
  }
  const caps = await model.getCapabilities({});
  if (isRecord(caps) && caps.HttpUri) {
    throw new Error(
      'devhost: HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by devhost; remove it to run locally.',
    );
  }

  const appHookData: Record<string, unknown> = {};
  // App-level hooks share one hookData object (the worker passes appHookData as hookData for appStart/appTerminate).
  await runHooks(registry.hooks.appStart, { hookData: appHookData, appHookData, functionAppDirectory: appDir });

  let terminated = false;
  return {
    appDir,
    registry,
    hostJson: parseHostJson(appDir),
    appHookData,
    files,
    async runAppTerminateHooks(): Promise<void> {
      if (terminated) return;
      terminated = true;
      await runHooks(registry.hooks.appTerminate, { hookData: appHookData, appHookData });
    },
  };
}

/** Loads the app at appDir (once per process; loading the same directory again returns the same app). */
export function loadApp(appDir: string, options: LoadAppOptions = {}): Promise<LoadedApp> {
  const dir = resolve(appDir);
  const holder = globalThis as Record<symbol, unknown>;
  const previous = holder[LOADED_KEY] as { appDir: string; promise: Promise<LoadedApp> } | undefined;
  if (previous) {
    if (previous.appDir === dir) return previous.promise;
    return Promise.reject(
      new Error(
        `devhost: this process already loaded the app at ${previous.appDir}; cannot also load ${dir} ` +
          '(@azure/functions caches its core module per process: run one app per process).',
      ),
    );
  }
  if (!existsSync(dir)) return Promise.reject(new Error(`devhost: app directory ${dir} does not exist.`));
  const promise = doLoad(dir, options);
  holder[LOADED_KEY] = { appDir: dir, promise };
  return promise;
}
