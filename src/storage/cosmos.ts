// The Cosmos DB client and the app's database: one database, seven containers, each partitioned so that
// every hot read is a point read or a single-partition query (DESIGN §2, §3).
//
// Works against Azure Cosmos DB and against the local server (@vercel/cosmosdb-server) over plain HTTP.
// The local server advertises an https endpoint, so endpoint discovery must be off for http endpoints.
import {
  CosmosClient,
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
  type Container,
  type ContainerRequest,
  type CosmosClientOptions,
  type PluginConfig,
  type PartitionKeyDefinition,
} from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import type { z } from 'zod';
import { InvalidStoredDocumentError, statusOf } from './errors.ts';

export interface CosmosClientSettings {
  endpoint: string;
  /** How the client signs in: an account key (the local emulators) or an Entra ID credential (Azure). */
  auth: { key: string } | { credential: TokenCredential };
  /** Default: off for http:// endpoints (the local server), on otherwise. */
  enableEndpointDiscovery?: boolean;
  /** Regions in order of preference (Azure only). */
  preferredLocations?: string[];
  /** Appended to the SDK's user agent. */
  userAgentSuffix?: string;
  /** Retries of throttled (429) requests before the SDK gives up. Default 9 (the SDK's). */
  maxRetriesOnThrottle?: number;
  /** Operation plugins (the SDK's `plugins` option, hidden in its typings), e.g. ensureAgainOnMissing. */
  plugins?: PluginConfig[];
}

export function createCosmosClient(settings: CosmosClientSettings): CosmosClient {
  const isHttp = settings.endpoint.toLowerCase().startsWith('http://');
  const options: CosmosClientOptions & { plugins?: PluginConfig[] } = {
    endpoint: settings.endpoint,
    ...('key' in settings.auth ? { key: settings.auth.key } : { aadCredentials: settings.auth.credential }),
    connectionPolicy: {
      enableEndpointDiscovery: settings.enableEndpointDiscovery ?? !isHttp,
      ...(settings.preferredLocations && { preferredLocations: settings.preferredLocations }),
      ...(settings.maxRetriesOnThrottle !== undefined && {
        retryOptions: {
          maxRetryAttemptCount: settings.maxRetriesOnThrottle,
          fixedRetryIntervalInMilliseconds: 0,
          maxWaitTimeInSeconds: 60,
        },
      }),
    },
    ...(settings.userAgentSuffix && { userAgentSuffix: settings.userAgentSuffix }),
    ...(settings.plugins && { plugins: settings.plugins }),
  };
  return new CosmosClient(options);
}

/**
 * A hash partition key on one path, version 2 (full-length hashing: cache keys are addresses, often over 100
 * bytes).
 */
const partitionKey = (path: string): PartitionKeyDefinition => ({
  paths: [path],
  kind: PartitionKeyKind.Hash,
  version: PartitionKeyDefinitionVersion.V2,
});

/**
 * Container name -> definition. Partition keys are fixed for the life of a container; change them only with a
 * migration. In Azure the containers are declared by infra/app/cosmos.bicep (the app's data-plane role cannot
 * create them); test/unit/infra checks the two agree.
 */
export const CONTAINER_DEFINITIONS = {
  jobs: { id: 'jobs', partitionKey: partitionKey('/id') },
  results: { id: 'results', partitionKey: partitionKey('/jobId') },
  reports: { id: 'reports', partitionKey: partitionKey('/portfolioId') },
  trends: { id: 'trends', partitionKey: partitionKey('/portfolioId') },
  portfolios: { id: 'portfolios', partitionKey: partitionKey('/id') },
  // defaultTtl -1: no default expiry, but per-item `ttl` is honoured (Azure only; the local server never expires).
  valuationCache: { id: 'valuationCache', partitionKey: partitionKey('/cacheKey'), defaultTtl: -1 },
  chunkMarkers: { id: 'chunkMarkers', partitionKey: partitionKey('/jobId') },
} satisfies Record<string, ContainerRequest>;

export type ContainerName = keyof typeof CONTAINER_DEFINITIONS;
export type CosmosContainers = { readonly [K in ContainerName]: Container };

export interface EnsureDatabaseOptions {
  databaseId: string;
  /** Shared database throughput (RU/s) when the database is created; omit for serverless accounts. */
  throughput?: number;
}

/**
 * Creates the database and its containers when missing (idempotent; existing containers are never
 * replaced: on the local server `container.replace` deletes every document) and returns their handles.
 */
export async function ensureDatabase(client: CosmosClient, options: EnsureDatabaseOptions): Promise<CosmosContainers> {
  const { database } = await client.databases.createIfNotExists({
    id: options.databaseId,
    ...(options.throughput !== undefined && { throughput: options.throughput }),
  });
  const names = Object.keys(CONTAINER_DEFINITIONS) as ContainerName[];
  const entries = await Promise.all(
    names.map(async (name) => {
      const { container } = await database.containers.createIfNotExists(CONTAINER_DEFINITIONS[name]);
      return [name, container] as const;
    }),
  );
  return Object.fromEntries(entries) as CosmosContainers;
}

/**
 * Handles of the containers of an existing database, after reading each one: throws an Error naming every
 * missing container (and the database) with the fix, instead of failing later on the first document.
 */
export async function verifyDatabase(client: CosmosClient, databaseId: string): Promise<CosmosContainers> {
  const containers = containersOf(client, databaseId);
  const missing: string[] = [];
  await Promise.all(
    Object.values(containers).map(async (container) => {
      try {
        await container.read();
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        missing.push(container.id);
      }
    }),
  );
  if (missing.length > 0)
    throw new Error(
      `Cosmos DB database '${databaseId}' lacks the container(s) ${missing.sort().join(', ')}: declare them in infra/app/cosmos.bicep (CONTAINER_DEFINITIONS in src/storage/cosmos.ts) and provision again.`,
    );
  return containers;
}

/** Handles of the containers of an existing database, without any request (use after ensureDatabase ran once). */
function containersOf(client: CosmosClient, databaseId: string): CosmosContainers {
  const database = client.database(databaseId);
  const names = Object.keys(CONTAINER_DEFINITIONS) as ContainerName[];
  return Object.fromEntries(
    names.map((name) => [name, database.container(CONTAINER_DEFINITIONS[name].id)]),
  ) as CosmosContainers;
}

/** Validates a document read back from Cosmos (system properties such as _etag are dropped by the schema). */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, location: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidStoredDocumentError(
    location,
    result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  );
}
