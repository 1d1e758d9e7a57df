// What the host and a durable engine promise each other. Both sides import this module and neither imports the
// other's implementation back: the host builds an engine through a DurableFactory, the default engine
// (./durable/engine.ts) only sees this context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invoker } from './invoker.ts';
import type { LoadedApp } from './loader.ts';
import type { HostLogger } from './log.ts';

/** Where the task hub lives: in this process, or in Azure Storage (Azurite or an account). */
export type DurableStoreKind = 'memory' | 'azurite';

/** Which listener a durable request came in on: the public webhook paths or the durable client's RPC endpoint. */
export type DurableRequestPrefix = 'webhook' | 'rpc';

export interface DurableEngineContext {
  app: LoadedApp;
  invoker: Invoker;
  /** The host's public origin, e.g. http://127.0.0.1:7071 (no trailing slash): management URLs start here. */
  baseUrl: string;
  /**
   * The durable client's RPC endpoint on loopback, with a trailing slash (e.g. http://127.0.0.1:41234/durabletask/),
   * as the extension's LocalHttpListener gives it. The durable-functions client calls it without a key.
   */
  rpcBaseUrl: string;
  log: HostLogger;
  hostJson: unknown;
  store: DurableStoreKind;
  /** Storage for the 'azurite' store: the `--storage` connection string or the Azurite devhost started. */
  storageConnectionString?: string;
  /**
   * The Durable extension's system key (`durabletask_extension`) when the host enforces keys; management URLs
   * carry it as `code=`. Absent when the host runs open (no master key), as `func start` does.
   */
  systemKey?: string;
}

export interface DurableEngine {
  /** The durableClient binding data (durable-protocol.md §5.1) handed to functions with a durable client input. */
  clientBindingData(): unknown;
  /** Serves `/runtime/webhooks/durabletask/<path>` ('webhook') and `/durabletask/<path>` ('rpc'). */
  handle(req: IncomingMessage, res: ServerResponse, path: string, prefix: DurableRequestPrefix): Promise<void>;
  /** Loads the task hub and starts dispatching; resolves once the hub is loaded. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type DurableFactory = (ctx: DurableEngineContext) => DurableEngine;
