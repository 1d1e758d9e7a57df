// Per-file storage for integration tests: a unique Cosmos database, blob container and queues over the
// run's shared Azurite and Cosmos server (started by global-setup.ts), removed again by cleanup().
import { randomUUID } from 'node:crypto';
import { createStorageClients, openStorage, type Storage, type StorageClients } from '../../src/storage/clients.ts';
import { inject } from 'vitest';
import { waitForServices, type ServiceEndpoints } from '../../scripts/local-services.ts';

/** The run's services, checked to accept connections. */
export async function serviceEndpoints(): Promise<ServiceEndpoints> {
  const endpoints = inject('storageServices');
  if (!endpoints)
    throw new Error(
      'The local storage services were not started: test/integration/global-setup.ts starts them only when the run includes test/integration files.',
    );
  await waitForServices(endpoints, 5_000);
  return endpoints;
}

export interface TestStorage {
  clients: StorageClients;
  storage: Storage;
  names: {
    databaseId: string;
    stagingContainer: string;
    uploadsContainer: string;
    snapshotContainer: string;
    alertsQueue: string;
    revaluationQueue: string;
  };
  cleanup(): Promise<void>;
}

/** A fresh, isolated storage for one test file (`label` shows up in names, lower-case letters and digits). */
export async function openTestStorage(label: string): Promise<TestStorage> {
  const endpoints = await serviceEndpoints();
  const suffix = `${label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)}-${randomUUID().slice(0, 8)}`;
  const names = {
    databaseId: `test-${suffix}`,
    stagingContainer: `staging-${suffix}`,
    uploadsContainer: `uploads-${suffix}`,
    snapshotContainer: `snapshots-${suffix}`,
    alertsQueue: `alerts-${suffix}`,
    revaluationQueue: `reval-${suffix}`,
  };
  const clients = createStorageClients({
    cosmos: { endpoint: endpoints.cosmosEndpoint, key: endpoints.cosmosKey, databaseId: names.databaseId },
    connectionString: endpoints.storageConnectionString,
  });
  const storage = await openStorage(clients, {
    stagingContainer: names.stagingContainer,
    uploadsContainer: names.uploadsContainer,
    snapshotContainer: names.snapshotContainer,
    alertsQueue: names.alertsQueue,
    revaluationQueue: names.revaluationQueue,
  });
  return {
    clients,
    storage,
    names,
    async cleanup() {
      await Promise.allSettled([
        clients.cosmos.database(names.databaseId).delete(),
        clients.blobs.getContainerClient(names.stagingContainer).deleteIfExists(),
        clients.blobs.getContainerClient(names.uploadsContainer).deleteIfExists(),
        clients.blobs.getContainerClient(names.snapshotContainer).deleteIfExists(),
        clients.queues.getQueueClient(names.alertsQueue).deleteIfExists(),
        clients.queues.getQueueClient(names.revaluationQueue).deleteIfExists(),
      ]);
      clients.dispose();
    },
  };
}
