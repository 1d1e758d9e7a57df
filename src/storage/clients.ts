// Storage wiring: the settings that locate Cosmos DB and Azure Storage, the SDK clients built from them
// (once per process: the caller, src/services.ts, keeps the result) and the repositories over them.
import type { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';
import { parseSettings, type SettingRow } from '../settings-table.ts';
import { BlobStaging, STAGING_CONTAINER } from './blob-staging.ts';
import { ChunkMarkersRepository } from './chunk-markers-repository.ts';
import { containersOf, createCosmosClient, ensureDatabase, type CosmosContainers } from './cosmos.ts';
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

export const storageSettingsSchema = z.object({
  cosmos: z
    .object({
      /** Account endpoint; http:// endpoints (the local server) turn endpoint discovery off. */
      endpoint: z.url({ error: 'must be an absolute URL' }).default('http://127.0.0.1:8081'),
      key: z.string().min(1, 'must not be empty').default(COSMOS_EMULATOR_KEY),
      databaseId: z
        .string()
        .min(1, 'must not be empty')
        .max(255)
        .regex(/^[^/\\?#]+$/, "must not contain '/', '\\', '?' or '#'")
        .default('portfolio-analytics'),
    })
    .prefault({}),
  /**
   * Azure Storage connection string (blobs, queues); `UseDevelopmentStorage=true` means Azurite on its default
   * ports.
   */
  connectionString: z.string().min(1, 'must not be empty').default('UseDevelopmentStorage=true'),
  /** Blob container of the chunk blobs and registered portfolios (Azure's container-name rules). */
  stagingContainer: z
    .string()
    .regex(
      /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
      'must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
    )
    .default(STAGING_CONTAINER),
});
export type StorageSettings = z.infer<typeof storageSettingsSchema>;

/**
 * The storage rows for the settings table; paths are under `storage.` so they merge into src/config.ts
 * as `storage: storageSettingsSchema.prefault({})` plus `...STORAGE_SETTINGS`.
 */
export const STORAGE_SETTINGS: readonly SettingRow[] = [
  {
    env: 'COSMOS_ENDPOINT',
    path: 'storage.cosmos.endpoint',
    description: 'Cosmos DB account endpoint; an http:// endpoint is the local Cosmos server (endpoint discovery off).',
    example: 'http://127.0.0.1:8081',
  },
  {
    env: 'COSMOS_KEY',
    path: 'storage.cosmos.key',
    description: 'Cosmos DB account key (the local server accepts any key; the default is the emulator key).',
    secret: true,
  },
  {
    env: 'COSMOS_DATABASE',
    path: 'storage.cosmos.databaseId',
    description: 'Cosmos DB database; created with its containers on first start if missing.',
  },
  {
    env: 'AzureWebJobsStorage',
    path: 'storage.connectionString',
    description:
      'Azure Storage connection string for staging blobs and queues (UseDevelopmentStorage=true: Azurite on its default ports).',
    secret: true,
    example: 'UseDevelopmentStorage=true',
  },
  {
    env: 'STAGING_CONTAINER',
    path: 'storage.stagingContainer',
    description: 'Blob container for chunk blobs and registered portfolios; created on first start if missing.',
  },
];

const storageOnlySchema = z.object({ storage: storageSettingsSchema.prefault({}) });

/** Validates the storage settings alone (until they are merged into src/config.ts). Throws ConfigurationError. */
export function loadStorageSettings(env: Record<string, string | undefined> = process.env): StorageSettings {
  return parseSettings(storageOnlySchema, STORAGE_SETTINGS, env).storage;
}

export interface StorageClients {
  cosmos: CosmosClient;
  blobs: BlobServiceClient;
  queues: QueueServiceClient;
  databaseId: string;
  /** The staging blob container (settings' STAGING_CONTAINER). */
  stagingContainer: string;
  /** Stops the Cosmos client's background timers (tests, benches; the Functions host never needs it). */
  dispose(): void;
}

/**
 * Builds the SDK clients. Call once per process and keep the result: each client pools its connections.
 * Omitted settings take their defaults; invalid ones throw a ZodError.
 */
export function createStorageClients(settings: z.input<typeof storageSettingsSchema>): StorageClients {
  const parsed = storageSettingsSchema.parse(settings);
  const connectionString = resolveStorageConnectionString(parsed.connectionString);
  const databaseId = parsed.cosmos.databaseId;
  // The database and containers are created again when a write finds them gone (a restarted server).
  const cosmos: CosmosClient = createCosmosClient({
    endpoint: parsed.cosmos.endpoint,
    key: parsed.cosmos.key,
    plugins: [ensureAgainOnMissing(() => ensureDatabase(cosmos, { databaseId }))],
  });
  return {
    cosmos,
    blobs: BlobServiceClient.fromConnectionString(connectionString),
    queues: QueueServiceClient.fromConnectionString(connectionString),
    databaseId,
    stagingContainer: parsed.stagingContainer,
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
  snapshots: SnapshotStore;
  queues: PortfolioQueues;
}

export interface OpenStorageOptions {
  /** Create the database, containers, blob container and queues when missing (default true). */
  ensure?: boolean;
  /** Requests in flight for parallel point reads/writes. Default 16. */
  concurrency?: number;
  now?: () => Date;
  /**
   * Blob container and queue names (defaults: the clients' stagingContainer, portfolio-snapshots,
   * portfolio-alerts, portfolio-revaluation).
   */
  stagingContainer?: string;
  snapshotContainer?: string;
  alertsQueue?: string;
  revaluationQueue?: string;
}

/** The repositories over `clients`, after creating what is missing (once, at start-up). */
export async function openStorage<R extends ReportDocument = ReportDocument>(
  clients: StorageClients,
  options: OpenStorageOptions = {},
): Promise<Storage<R>> {
  const ensure = options.ensure ?? true;
  const containers = ensure
    ? await ensureDatabase(clients.cosmos, { databaseId: clients.databaseId })
    : containersOf(clients.cosmos, clients.databaseId);
  const concurrency = options.concurrency ?? 16;
  const now = options.now ?? (() => new Date());
  const staging = new BlobStaging({
    serviceClient: clients.blobs,
    containerName: options.stagingContainer ?? clients.stagingContainer,
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
  if (ensure) await Promise.all([staging.ensureContainer(), snapshots.ensureContainer(), queues.ensureQueues()]);
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
    snapshots,
    queues,
  };
}
