// Application Insights (applicationinsights v3), started once at app start (src/index.ts) when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set. Without it nothing is loaded (the SDK costs ~0.4 s and ~100 MB
// to require) and nothing leaves the machine. With it: dependency and exception telemetry from the SDK and the
// pipeline's own metrics. Requests are not auto-collected, and Live Metrics are not sent: the Functions host
// already records one request per invocation and streams Live Metrics, and a second collector in the worker
// would count every call twice. In Azure the component accepts no key: the caller passes the managed identity's
// credential (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
import type { TokenCredential } from '@azure/identity';
import type { TelemetryClient } from 'applicationinsights';
import { z } from 'zod';

export const METRICS = {
  propertiesAnalyzed: 'PropertiesAnalyzed',
  propertiesFailed: 'PropertiesFailed',
  avmLatencyMs: 'AvmLatencyMs',
  chunkCostDollars: 'ChunkCostDollars',
  jobCostDollars: 'JobCostDollars',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** APPLICATIONINSIGHTS_CONNECTION_STRING and APPLICATIONINSIGHTS_AUTHENTICATION_STRING (rows in src/config.ts). */
export const telemetrySettingsSchema = z.object({
  connectionString: z.string().min(1).optional(),
  /** `Authorization=AAD[;ClientId=GUID]`: ingestion with an Entra token (the host reads the same setting). */
  authenticationString: z
    .string()
    .regex(/(^|;)\s*Authorization\s*=\s*AAD\s*(;|$)/i, 'must say Authorization=AAD (and the identity as ClientId=...)')
    .optional(),
});

/** The managed identity's client id in an authentication string (`ClientId=...`), if any. */
export function authenticationClientId(authenticationString: string): string | undefined {
  return /(?:^|;)\s*ClientId\s*=\s*([^;\s]+)/i.exec(authenticationString)?.[1];
}

let client: Promise<TelemetryClient | undefined> = Promise.resolve(undefined);
let started = false;

/**
 * Starts Application Insights once per process (later calls return the first client). Resolves undefined
 * without a connection string; never rejects: telemetry must not stop the app.
 * @param credential Entra credential for ingestion, when the component's local auth is off.
 */
export function startTelemetry(options: {
  connectionString?: string | undefined;
  credential?: TokenCredential | undefined;
}): Promise<TelemetryClient | undefined> {
  const connectionString = options.connectionString?.trim();
  if (started || !connectionString) return client;
  started = true;
  client = (async () => {
    // The module object itself (`default` of a CommonJS module): the SDK assigns defaultClient in setup(), after
    // import, and an ESM namespace keeps the exports as they were at import (its defaultClient stays undefined).
    const { default: appInsights } = await import('applicationinsights');
    appInsights
      .setup(connectionString)
      .setAutoCollectRequests(false)
      .setAutoCollectDependencies(true)
      .setAutoCollectExceptions(true)
      // The host's Live Metrics stream already shows every invocation; a second stream from the worker would
      // show each one twice.
      .setSendLiveMetrics(false);
    if (options.credential) appInsights.defaultClient.config.aadTokenCredential = options.credential;
    appInsights.start();
    return appInsights.defaultClient;
  })().catch(() => undefined);
  return client;
}

/** Records a custom metric; a no-op without Application Insights. Never throws: telemetry must not fail work. */
export async function trackMetric(
  name: MetricName,
  value: number,
  properties: Record<string, string> = {},
): Promise<void> {
  try {
    (await client)?.trackMetric({ name, value, properties });
  } catch {
    // Telemetry is best effort.
  }
}
