// Wires the pieces together in the order the real host uses, with one twist: the port is bound *before* the app
// is loaded, because durable-functions' getClient() rewrites client URLs to localhost:7071 unless WEBSITE_HOSTNAME
// is set, and the app may create clients as soon as it loads. Meanwhile the host reports Starting and holds
// requests (http-server.ts); it is Initialized once the app is loaded and Running once the task hub and the
// triggers run.
import { join, resolve } from 'node:path';
import { ensureAzurite } from './azurite-process.ts';
import type { RunningAzurite } from './azurite-process.ts';
import type { DurableEngine, DurableEngineContext, DurableFactory, DurableStoreKind } from './durable-contract.ts';
import { createDurableEngine } from './durable/engine.ts';
import { createInvoker } from './invoker.ts';
import { startHttpServer } from './http-server.ts';
import type { RunningHttpServer } from './http-server.ts';
import { DURABLE_SYSTEM_KEY_NAME, hostKeys } from './keys.ts';
import { loadApp } from './loader.ts';
import type { LoadedApp } from './loader.ts';
import { createConsoleLogger } from './log.ts';
import type { HostLogger } from './log.ts';
import { queueConnectionString, queueTriggerFunctions, startQueueTriggers } from './queue-triggers.ts';
import type { RunningQueueTriggers } from './queue-triggers.ts';
import { startTimerTriggers } from './timer-triggers.ts';
import type { RunningTimers } from './timer-triggers.ts';

export interface DevHostOptions {
  appDir: string;
  /** Default 7071 like `func start`; 0 = pick a free port. */
  port?: number;
  host?: string;
  /**
   * When set, keys are enforced as in Azure (keys.ts): function-level HTTP triggers need it, the durable webhooks
   * need it or the Durable extension's system key, the admin API needs it. Without it the host runs open.
   */
  masterKey?: string;
  store?: DurableStoreKind;
  /**
   * Storage connection string (an account or an emulator) for the 'azurite' store and for queue triggers whose
   * connection is `UseDevelopmentStorage=true`. Without it devhost starts Azurite itself when it needs storage.
   */
  storage?: string;
  /** Where a devhost-started Azurite keeps its data (default `<appDir>/.devhost`). */
  dataDir?: string;
  quiet?: boolean;
  /**
   * Durable Task engine factory; default: createDurableEngine from ./durable/engine.ts. `false` runs without one
   * (durable functions cannot run, durable endpoints answer 404).
   */
  durable?: DurableFactory | false;
  /** Overrides the console logger (tests use this to capture output). */
  log?: HostLogger;
  /** How long requests that arrive while the host starts are held before a 503 (default 30,000 ms). */
  startupHoldMs?: number;
}

export interface DevHost {
  url: string;
  port: number;
  app: LoadedApp;
  stop(): Promise<void>;
}

export async function startDevHost(options: DevHostOptions): Promise<DevHost> {
  const log = options.log ?? createConsoleLogger({ quiet: options.quiet === true });
  const host = options.host ?? '127.0.0.1';
  const durableFactory: DurableFactory | undefined =
    options.durable === false ? undefined : (options.durable ?? createDurableEngine);
  const keys = hostKeys(options.masterKey);
  let engine: DurableEngine | undefined;
  let timers: RunningTimers | undefined;
  let queues: RunningQueueTriggers | undefined;
  let azurite: RunningAzurite | undefined;

  const server: RunningHttpServer = await startHttpServer({
    port: options.port ?? 7071,
    host,
    keys,
    log,
    ...(options.startupHoldMs !== undefined && { startupHoldMs: options.startupHoldMs }),
  });
  try {
    process.env.WEBSITE_HOSTNAME = new URL(server.url).host;
    const app = await loadApp(options.appDir, { log });
    const invoker = createInvoker(app, {
      log,
      ...(durableFactory ? { durableClientData: () => requireEngine().clientBindingData() } : {}),
    });
    const storeKind = options.store ?? 'memory';
    let storage = options.storage;
    if (!storage && needsDevStorage(app, storeKind)) {
      const dataDir = resolve(options.dataDir ?? join(options.appDir, '.devhost'));
      azurite = await ensureAzurite({ dataDir });
      storage = azurite.connectionString;
      log.info(
        `Azurite ${azurite.reattached ? 'reattached' : 'started'} (pid ${azurite.pid}, blob ${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table}), data in ${dataDir}`,
      );
    }
    if (durableFactory) {
      const ctx: DurableEngineContext = {
        app,
        invoker,
        baseUrl: server.url,
        rpcBaseUrl: server.rpcBaseUrl,
        log,
        hostJson: app.hostJson,
        store: storeKind,
      };
      const systemKey = keys?.system.get(DURABLE_SYSTEM_KEY_NAME);
      if (systemKey) ctx.systemKey = systemKey;
      if (storage) ctx.storageConnectionString = storage;
      engine = durableFactory(ctx);
      server.setDurable(engine);
    }
    // Requests go on once everything a function may need (durable client data) exists; the task hub may still be
    // loading (durable calls wait for it).
    server.attach(app, invoker);
    await engine?.start();
    timers = startTimerTriggers({ app, invoker, log });
    queues = startQueueTriggers({ app, invoker, log, devStorageConnectionString: storage });
    server.setState('Running');
    logFunctions(app, server.url, log);

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      port: server.port,
      app,
      stop(): Promise<void> {
        stopping ??= (async () => {
          server.setState('Stopping');
          await timers?.stop();
          await queues?.stop();
          await engine?.stop();
          await server.close();
          await app.runAppTerminateHooks();
          await azurite?.stop();
        })();
        return stopping;
      },
    };
  } catch (err) {
    server.setState('Error');
    await timers?.stop();
    await queues?.stop();
    await engine?.stop().catch(() => undefined);
    await server.close().catch(() => undefined);
    await azurite?.stop().catch(() => undefined);
    throw err;
  }

  function requireEngine(): DurableEngine {
    if (!engine) throw new Error('devhost: the durable engine is not started yet.');
    return engine;
  }
}

/** Storage is needed by the 'azurite' store and by queue triggers on `UseDevelopmentStorage=true`. */
function needsDevStorage(app: LoadedApp, store: DurableStoreKind): boolean {
  if (store === 'azurite') return true;
  return queueTriggerFunctions(app).some((fn) => {
    try {
      return queueConnectionString(fn, process.env, 'dev') === 'dev';
    } catch {
      return false;
    }
  });
}

function logFunctions(app: LoadedApp, baseUrl: string, log: HostLogger): void {
  const lines = ['Functions:'];
  for (const fn of app.registry.functions.values()) {
    if (fn.triggerType.toLowerCase() === 'httptrigger') {
      const route = typeof fn.trigger.route === 'string' && fn.trigger.route ? fn.trigger.route : fn.name;
      const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods.join(',') : 'ANY';
      const prefixValue = (app.hostJson as { extensions?: { http?: { routePrefix?: unknown } } }).extensions?.http
        ?.routePrefix;
      const prefix = typeof prefixValue === 'string' ? prefixValue : 'api';
      lines.push(`  ${fn.name}: [${methods}] ${baseUrl}/${prefix ? `${prefix}/` : ''}${route}`);
    } else {
      lines.push(`  ${fn.name}: ${fn.triggerType}`);
    }
  }
  log.info(lines.join('\n'));
}
