// What the functions of one process share: the settings (validated once), the storage clients and
// repositories, and the providers with their rate limits. src/index.ts builds it once per process, on first
// use, as the Functions guidance says for SDK clients; src/app.ts hands it to the triggers and wires the
// activities' ports from it.
import { loadSettings, type Settings } from './config.ts';
import type { StoredReport } from './domain/stored-report.ts';
import { createProviderSet, type ProviderSet } from './providers/provider-set.ts';
import { createStorageClients, openStorage, type Storage } from './storage/clients.ts';
import { METRICS, trackMetric } from './telemetry.ts';

export interface AppServices {
  settings: Settings;
  storage: Storage<StoredReport>;
  providers: ProviderSet;
}

/**
 * Validates the settings from `env` (throws ConfigurationError naming each bad variable), opens storage
 * (creating the database, containers, blob container and queues when missing) and builds the providers.
 */
export async function createAppServices(env: Record<string, string | undefined>): Promise<AppServices> {
  const settings = loadSettings(env);
  const storage = await openStorage<StoredReport>(createStorageClients(settings.storage));
  const providers = createProviderSet(settings, {
    onAvmCall: (provider, ms, ok) =>
      void trackMetric(METRICS.avmLatencyMs, ms, { provider, outcome: ok ? 'ok' : 'failed' }),
  });
  return { settings, storage, providers };
}
