// What the functions of one process share: the settings (validated once, at app start), the storage clients
// and repositories, and the providers with their rate limits. src/index.ts validates the settings when the
// app starts and builds the rest once per process, on first use, as the Functions guidance says for SDK
// clients; src/app.ts hands it to the triggers and wires the activities' ports from it.
import { loadSettings, type Settings } from './config.ts';
import type { StoredReport } from './domain/stored-report.ts';
import { identityCredential } from './identity.ts';
import { createProviderSet, type ProviderSet } from './providers/provider-set.ts';
import { createStorageClients, openStorage, type Storage } from './storage/clients.ts';
import { authenticationClientId, METRICS, startTelemetry, trackMetric } from './telemetry.ts';

export interface AppServices {
  settings: Settings;
  storage: Storage<StoredReport>;
  providers: ProviderSet;
}

/**
 * App start: validates the settings from `env` once and starts telemetry. Throws ConfigurationError naming
 * every bad or missing variable (in Azure also every required one: src/config.ts), so a misconfigured app
 * stops at start instead of answering 500 to every request. No network call: a store that is down does not
 * stop the start; its first use fails and is retried.
 */
export function startApp(env: Record<string, string | undefined>): Settings {
  const settings = loadSettings(env);
  const { connectionString, authenticationString } = settings.telemetry;
  void startTelemetry({
    connectionString,
    ...(authenticationString !== undefined && {
      credential: identityCredential(settings.hosting, authenticationClientId(authenticationString)),
    }),
  });
  return settings;
}

/**
 * Opens storage and builds the providers over validated settings. Locally the database, containers, blob
 * container and queues are created when missing; in Azure the Cosmos DB containers must exist (declared in
 * infra/app/cosmos.bicep: the app's data-plane role cannot create them) and a missing one is named.
 */
export async function createAppServices(settings: Settings): Promise<AppServices> {
  const storage = await openStorage<StoredReport>(createStorageClients(settings.storage, settings.hosting), {
    ensure: settings.hosting === 'azure' ? 'verify' : 'create',
  });
  const providers = createProviderSet(settings, {
    onAvmCall: (provider, ms, ok) =>
      void trackMetric(METRICS.avmLatencyMs, ms, { provider, outcome: ok ? 'ok' : 'failed' }),
  });
  return { settings, storage, providers };
}
