// Public entry point of devhost (package "exports").
export { startDevHost } from './host.ts';
export type { DevHost, DevHostOptions } from './host.ts';
export type {
  DurableEngine,
  DurableEngineContext,
  DurableFactory,
  DurableRequestPrefix,
  DurableStoreKind,
} from './durable-contract.ts';
export type { FunctionRegistry, RegisteredFunction } from './core-api.ts';
export type { LoadedApp } from './loader.ts';
export type { Invoker, InvocationOutcome } from './invoker.ts';
export { decodeTypedData } from './invoker.ts';
export type { HostLogger } from './log.ts';
export { createConsoleLogger } from './log.ts';
export type { InvocationRequest, RpcTypedData, RpcHttpData } from './rpc-types.ts';
export { matchRoute } from './routes.ts';
export { nextOccurrence } from './timer-triggers.ts';
export { ensureAzurite, azuriteConnectionString, isAlive, DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './azurite-process.ts';
export { launchedByNpm, whenParentGone } from './parent-watch.ts';
export type { EnsureAzuriteOptions, RunningAzurite, AzuritePorts, AzuriteProcessInfo } from './azurite-process.ts';
export { AzureStorageTaskHubStore } from './durable/azure-storage-store.ts';
export type { AzureStorageTaskHubStoreOptions } from './durable/azure-storage-store.ts';
