// Storage wiring: the settings that locate Cosmos DB and Azure Storage, the SDK clients built from them
// (once per process: the caller, src/services.ts, keeps the result) and the repositories over them.
import type { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';
import type { Hosting } from '../hosting.ts';
import { identityCredential } from '../identity.ts';
import { ConfigurationError, parseSettings, type SettingRow } from '../settings-table.ts';
import { BlobStaging, STAGING_CONTAINER } from './blob-staging.ts';
import { TapeUploads, UPLOADS_CONTAINER } from './uploads.ts';
import { ChunkMarkersRepository } from './chunk-markers-repository.ts';
import { createCosmosClient, ensureDatabase, verifyDatabase, type CosmosContainers } from './cosmos.ts';
import { ensureAgainOnMissing } from './ensure-again.ts';
import { JobsRepository } from './jobs-repository.ts';
import { PortfoliosRepository } from './portfolios-repository.ts';
import { PortfolioQueues } from './queues.ts';
import { ReportsRepository, type ReportDocument } from './reports-repository.ts';
import { ResultsRepository } from './results-repository.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { TrendsRepository } from './trends-repository.ts';
import { ValuationCache } from './valuation-cache.ts';

/** The Cosmos DB emulator's published key (not a secret); the local server accepts any key. */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nqVvBPUEFbGOOyyD6hIbKt4Ag6Ahlxi/Zez3NmEbJQ==';

/** Azurite's well-known account and key (public, like the emulator's). */
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The spelled-out form of `UseDevelopmentStorage=true`: Azurite on its default ports. */
export const DEVELOPMENT_STORAGE_CONNECTION_STRING =
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};` +
  'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

/** `UseDevelopmentStorage=true` expanded; any other connection string as given. */
export function resolveStorageConnectionString(value: string): string {
  return /^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(value)
    ? DEVELOPMENT_STORAGE_CONNECTION_STRING
    : value.trim();
}

const url = z.url({ error: 'must be an absolute URL' });
const clientId = z.guid({ error: 'must be a client id (a GUID)' });

/** A blob container's name by Azure's rules, `fallback` when unset. */
const containerName = (fallback: string) =>
  z
    .string()
    .regex(
      /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
      'must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
    )
    .default(fallback);

export const storageSettingsSchema = z.object({
  cosmos: z
    .object({
      /** Account endpoint; http:// endpoints (the local server) turn endpoint discovery off. Locally, unset means LOCAL_COSMOS_ENDPOINT. */
      endpoint: url.optional(),
      /** Account key, for the local emulators only (in Azure the account's local auth is off). */
      key: z.string().min(1, 'must not be empty').optional(),
      databaseId: z
        .string()
        .min(1, 'must not be empty')
        .max(255)
        .regex(/^[^/\\?#]+$/, "must not contain '/', '\\', '?' or '#'")
        .default('portfolio-analytics'),
      /** Client id of the user-assigned managed identity the Cosmos client signs in with (AZURE_CLIENT_ID). */
      managedIdentityClientId: clientId.optional(),
    })
    .prefault({}),
  /**
   * AzureWebJobsStorage, the Functions host's storage connection, which the app's blob and queue clients share:
   * either a connection string (the local emulators; `UseDevelopmentStorage=true` means Azurite on its default
   * ports) or the identity-based form, as the host reads it (`AzureWebJobsStorage__blobServiceUri` and friends).
   */
  connectionString: z.string().min(1, 'must not be empty').optional(),
  accountName: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name (3-24 lower-case letters and digits)')
    .optional(),
  blobServiceUri: url.optional(),
  queueServiceUri: url.optional(),
  credential: z.literal('managedidentity', { error: "must be 'managedidentity'" }).optional(),
  clientId: clientId.optional(),
  /** Blob container of the chunk blobs and registered portfolios (Azure's container-name rules). */
  stagingContainer: containerName(STAGING_CONTAINER),
  /** Blob container callers upload tapes to, submitted by reference (`propertiesBlob`). */
  uploadsContainer: containerName(UPLOADS_CONTAINER),
});
export type StorageSettings = z.infer<typeof storageSettingsSchema>;

/** Where Cosmos DB is when COSMOS_ENDPOINT is unset on a developer's machine (the local server's default port). */
const LOCAL_COSMOS_ENDPOINT = 'http://127.0.0.1:8081';

/**
 * The storage rows for the settings table; paths are under `storage.` so they merge into src/config.ts
 * as `storage: storageSettingsSchema.prefault({})` plus `...STORAGE_SETTINGS`.
 */
export const STORAGE_SETTINGS: readonly SettingRow[] = [
  {
    env: 'COSMOS_ENDPOINT',
    path: 'storage.cosmos.endpoint',
    description: `Cosmos DB account endpoint; an http:// endpoint is the local Cosmos server (endpoint discovery off). Locally, unset means ${LOCAL_COSMOS_ENDPOINT}.`,
    example: LOCAL_COSMOS_ENDPOINT,
    inAzure: 'required',
  },
  {
    env: 'COSMOS_KEY',
    path: 'storage.cosmos.key',
    description:
      'Cosmos DB account key, for the local emulators only (the local server accepts any key; unset with a local http:// endpoint means the emulator key). In Azure the app signs in with AZURE_CLIENT_ID.',
    secret: true,
    example: COSMOS_EMULATOR_KEY,
    inAzure: 'forbidden',
  },
  {
    env: 'COSMOS_DATABASE',
    path: 'storage.cosmos.databaseId',
    description:
      'Cosmos DB database. Locally it is created with its containers on first start; in Azure infra/app/cosmos.bicep declares them.',
  },
  {
    env: 'AZURE_CLIENT_ID',
    path: 'storage.cosmos.managedIdentityClientId',
    description:
      "Client id of the app's user-assigned managed identity, with which the Cosmos DB client signs in (Cosmos DB Built-in Data Contributor).",
    azureOnly: true,
    inAzure: 'required',
  },
  {
    env: 'AzureWebJobsStorage',
    path: 'storage.connectionString',
    description:
      "Storage connection string of the host and of the app's blobs and queues, for the local emulators only (UseDevelopmentStorage=true: Azurite on its default ports). In Azure use the identity-based AzureWebJobsStorage__* settings.",
    secret: true,
    example: 'UseDevelopmentStorage=true',
    inAzure: 'forbidden',
  },
  {
    env: 'AzureWebJobsStorage__blobServiceUri',
    path: 'storage.blobServiceUri',
    description:
      'Blob endpoint of the storage account (identity-based connection), e.g. https://ACCOUNT.blob.core.windows.net.',
    azureOnly: true,
  },
  {
    env: 'AzureWebJobsStorage__queueServiceUri',
    path: 'storage.queueServiceUri',
    description: 'Queue endpoint of the storage account (identity-based connection).',
    azureOnly: true,
  },
  {
    env: 'AzureWebJobsStorage__accountName',
    path: 'storage.accountName',
    description:
      'Storage account name, instead of the two service URIs (public Azure cloud endpoints are derived from it).',
    azureOnly: true,
  },
  {
    env: 'AzureWebJobsStorage__credential',
    path: 'storage.credential',
    description: 'managedidentity: the host and the app sign in to storage with the managed identity.',
    azureOnly: true,
    inAzure: 'required',
  },
  {
    env: 'AzureWebJobsStorage__clientId',
    path: 'storage.clientId',
    description:
      'Client id of the user-assigned managed identity for storage (Storage Blob Data Owner, Queue and Table Data Contributor).',
    azureOnly: true,
    inAzure: 'required',
  },
  {
    env: 'STAGING_CONTAINER',
    path: 'storage.stagingContainer',
    description: 'Blob container for chunk blobs and registered portfolios; created on first start if missing.',
  },
  {
    env: 'UPLOADS_CONTAINER',
    path: 'storage.uploadsContainer',
    description:
      'Blob container callers upload large tapes to and submit by reference (`propertiesBlob`); the app only reads it. Created on first start if missing.',
  },
];

const storageOnlySchema = z.object({ storage: storageSettingsSchema.prefault({}) });

/**
 * Validates the storage settings alone (tests, benches; the app validates them within src/config.ts). Throws
 * ConfigurationError.
 */
export function loadStorageSettings(env: Record<string, string | undefined> = process.env): StorageSettings {
  return parseSettings(storageOnlySchema, STORAGE_SETTINGS, env).storage;
}

/** The storage endpoints in use: the emulators locally, the account's URIs with the identity in Azure. */
type StorageEndpoints =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri: string; queueServiceUri: string; clientId: string | undefined };

function storageEndpointsOf(settings: StorageSettings, hosting: Hosting): StorageEndpoints | string {
  if (settings.connectionString !== undefined)
    return { kind: 'connectionString', connectionString: resolveStorageConnectionString(settings.connectionString) };
  const account = settings.accountName;
  const blobServiceUri = settings.blobServiceUri ?? (account && `https://${account}.blob.core.windows.net/`);
  const queueServiceUri = settings.queueServiceUri ?? (account && `https://${account}.queue.core.windows.net/`);
  if (blobServiceUri && queueServiceUri)
    return { kind: 'identity', blobServiceUri, queueServiceUri, clientId: settings.clientId };
  if (hosting === 'local' && !blobServiceUri && !queueServiceUri)
    return { kind: 'connectionString', connectionString: DEVELOPMENT_STORAGE_CONNECTION_STRING };
  return 'AzureWebJobsStorage__blobServiceUri and AzureWebJobsStorage__queueServiceUri (or AzureWebJobsStorage__accountName): required for the identity-based storage connection';
}

const isLocalHttp = (endpoint: string) => endpoint.toLowerCase().startsWith('http://');

/**
 * What the storage settings lack or contradict where the app runs, one problem per line naming the variable
 * (src/config.ts adds them to the start-up check). In Azure: an https Cosmos endpoint and storage endpoints
 * for the identity; keys and connection strings are refused by the settings table (`inAzure: 'forbidden'`).
 */
export function storageSettingsProblems(settings: StorageSettings, hosting: Hosting): string[] {
  const problems: string[] = [];
  const endpoints = storageEndpointsOf(settings, hosting);
  if (typeof endpoints === 'string') problems.push(endpoints);
  const cosmos = settings.cosmos.endpoint;
  if (hosting === 'azure' && cosmos !== undefined && isLocalHttp(cosmos))
    problems.push(`COSMOS_ENDPOINT: must be the account's https:// endpoint in Azure (got "${cosmos}")`);
  return problems;
}

export interface StorageClients {
  cosmos: CosmosClient;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
  databaseId: string;
  /** The staging blob container (settings' STAGING_CONTAINER). */
  stagingContainer: string;
  /** The uploads blob container (settings' UPLOADS_CONTAINER). */
  uploadsContainer: string;
  /** Stops the Cosmos client's background timers (tests, benches; the Functions host never needs it). */
  dispose(): void;
}

/**
 * Builds the SDK clients. Call once per process and keep the result: each client pools its connections.
 * Keys and connection strings when the settings give them (the local emulators), else the managed identity
 * (src/identity.ts). Omitted settings take their defaults; invalid ones throw a ZodError. Throws
 * ConfigurationError when the settings do not locate both stores where the app runs.
 */
export function createStorageClients(
  settings: z.input<typeof storageSettingsSchema>,
  hosting: Hosting = 'local',
): StorageClients {
  const parsed = storageSettingsSchema.parse(settings);
  const problems = storageSettingsProblems(parsed, hosting);
  const endpoints = storageEndpointsOf(parsed, hosting);
  const endpoint = parsed.cosmos.endpoint ?? (hosting === 'local' ? LOCAL_COSMOS_ENDPOINT : undefined);
  if (endpoint === undefined) problems.push('COSMOS_ENDPOINT: required in Azure');
  if (problems.length > 0 || typeof endpoints === 'string' || endpoint === undefined)
    throw new ConfigurationError(problems);
  const cosmosKey = parsed.cosmos.key ?? (isLocalHttp(endpoint) ? COSMOS_EMULATOR_KEY : undefined);
  const { databaseId } = parsed.cosmos;
  const cosmos: CosmosClient = createCosmosClient({
    endpoint,
    auth:
      cosmosKey !== undefined
        ? { key: cosmosKey }
        : { credential: identityCredential(hosting, parsed.cosmos.managedIdentityClientId) },
    // With a key the database and containers are created again when a write finds them gone (a restarted
    // server). An Entra ID identity cannot create them (data-plane RBAC): there they are provisioned (infra/).
    ...(cosmosKey !== undefined && {
      plugins: [ensureAgainOnMissing(() => ensureDatabase(cosmos, { databaseId }))],
    }),
  });
  let blobs: BlobServiceClient;
  let queues: QueueServiceClient;
  if (endpoints.kind === 'connectionString') {
    blobs = BlobServiceClient.fromConnectionString(endpoints.connectionString);
    queues = QueueServiceClient.fromConnectionString(endpoints.connectionString);
  } else {
    const credential = identityCredential(hosting, endpoints.clientId);
    blobs = new BlobServiceClient(endpoints.blobServiceUri, credential);
    queues = new QueueServiceClient(endpoints.queueServiceUri, credential);
  }
  return {
    cosmos,
    blobs,
    queues,
    databaseId,
    stagingContainer: parsed.stagingContainer,
    uploadsContainer: parsed.uploadsContainer,
    dispose: () => cosmos.dispose(),
  };
}

/** Every repository and store of the app, over one set of clients. */
export interface Storage<R extends ReportDocument = ReportDocument> {
  containers: CosmosContainers;
  jobs: JobsRepository;
  results: ResultsRepository;
  chunkMarkers: ChunkMarkersRepository;
  reports: ReportsRepository<R>;
  trends: TrendsRepository;
  portfolios: PortfoliosRepository;
  valuationCache: ValuationCache;
  staging: BlobStaging;
  uploads: TapeUploads;
  snapshots: SnapshotStore;
  queues: PortfolioQueues;
}

export interface OpenStorageOptions {
  /**
   * What to do about missing stores. 'create' (default, the emulators): create the database, containers, blob
   * container and queues. 'verify' (Azure, where the app's data-plane role cannot create Cosmos DB resources
   * and infra/app/cosmos.bicep declares them): fail naming any missing container; the blob container and the
   * queues are still created when missing (the app's storage roles allow it).
   */
  ensure?: 'create' | 'verify';
  /** Requests in flight for parallel point reads/writes. Default 16. */
  concurrency?: number;
  now?: () => Date;
  /**
   * Blob container and queue names (defaults: the clients' stagingContainer, portfolio-snapshots,
   * portfolio-alerts, portfolio-revaluation).
   */
  stagingContainer?: string;
  uploadsContainer?: string;
  snapshotContainer?: string;
  alertsQueue?: string;
  revaluationQueue?: string;
}

/** The repositories over `clients`, after creating what is missing (once, at start-up). */
export async function openStorage<R extends ReportDocument = ReportDocument>(
  clients: StorageClients,
  options: OpenStorageOptions = {},
): Promise<Storage<R>> {
  const containers =
    options.ensure === 'verify'
      ? await verifyDatabase(clients.cosmos, clients.databaseId)
      : await ensureDatabase(clients.cosmos, { databaseId: clients.databaseId });
  const concurrency = options.concurrency ?? 16;
  const now = options.now ?? (() => new Date());
  const staging = new BlobStaging({
    serviceClient: clients.blobs,
    containerName: options.stagingContainer ?? clients.stagingContainer,
  });
  const uploads = new TapeUploads({
    serviceClient: clients.blobs,
    containerName: options.uploadsContainer ?? clients.uploadsContainer,
  });
  const snapshots = new SnapshotStore({
    serviceClient: clients.blobs,
    ...(options.snapshotContainer !== undefined && { containerName: options.snapshotContainer }),
  });
  const queues = new PortfolioQueues({
    serviceClient: clients.queues,
    ...(options.alertsQueue !== undefined && { alertsQueue: options.alertsQueue }),
    ...(options.revaluationQueue !== undefined && { revaluationQueue: options.revaluationQueue }),
  });
  await Promise.all([
    staging.ensureContainer(),
    uploads.ensureContainer(),
    snapshots.ensureContainer(),
    queues.ensureQueues(),
  ]);
  return {
    containers,
    jobs: new JobsRepository({ container: containers.jobs, now }),
    results: new ResultsRepository({ container: containers.results, concurrency }),
    chunkMarkers: new ChunkMarkersRepository({ container: containers.chunkMarkers, now }),
    reports: new ReportsRepository<R>({ container: containers.reports }),
    trends: new TrendsRepository({ container: containers.trends }),
    portfolios: new PortfoliosRepository({ container: containers.portfolios }),
    valuationCache: new ValuationCache({ container: containers.valuationCache }),
    staging,
    uploads,
    snapshots,
    queues,
  };
}
