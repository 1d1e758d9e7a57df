// Application Insights (applicationinsights v3), switched on only by APPLICATIONINSIGHTS_CONNECTION_STRING.
// Without it nothing is loaded (the SDK costs ~0.4 s and ~100 MB to require) and nothing leaves the machine.
// With it: dependency and exception telemetry from the SDK and the pipeline's own metrics. Requests are not
// auto-collected: the Functions host already records one request per invocation, and a second collector in the
// worker would count every call twice. With APPLICATIONINSIGHTS_AUTHENTICATION_STRING `Authorization=AAD`
// (Azure, where the component's local auth is off) the SDK signs in with the managed identity.
import type { TelemetryClient } from 'applicationinsights';
import { z } from 'zod';
import { hostingOf } from './hosting.ts';
import { identityCredential } from './identity.ts';
import { parseSettings, type SettingRow } from './settings-table.ts';

export const METRICS = {
  propertiesAnalyzed: 'PropertiesAnalyzed',
  propertiesFailed: 'PropertiesFailed',
  avmLatencyMs: 'AvmLatencyMs',
  chunkCostDollars: 'ChunkCostDollars',
  jobCostDollars: 'JobCostDollars',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

export const telemetrySettingsSchema = z.object({
  connectionString: z.string().min(1).optional(),
  /** `Authorization=AAD[;ClientId=GUID]`: ingestion with an Entra token (the host reads the same setting). */
  authenticationString: z
    .string()
    .regex(/(^|;)\s*Authorization\s*=\s*AAD\s*(;|$)/i, 'must say Authorization=AAD (and the identity as ClientId=...)')
    .optional(),
});
export type TelemetrySettings = z.infer<typeof telemetrySettingsSchema>;

/** The telemetry rows for the settings table (src/config.ts merges them under `telemetry.`). */
export const TELEMETRY_SETTINGS: readonly SettingRow[] = [
  {
    env: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    path: 'telemetry.connectionString',
    description:
      'Application Insights connection string (also read by the Functions host); unset: no telemetry leaves the process.',
  },
  {
    env: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    path: 'telemetry.authenticationString',
    description:
      'ClientId=<identity client id>;Authorization=AAD: telemetry is sent with the managed identity (Monitoring Metrics Publisher), as the component accepts no key.',
    azureOnly: true,
  },
];

const telemetryOnlySchema = z.object({ telemetry: telemetrySettingsSchema.prefault({}) });

/** The managed identity's client id in an authentication string (`ClientId=...`), if any. */
function clientIdOf(authenticationString: string): string | undefined {
  return /(?:^|;)\s*ClientId\s*=\s*([^;\s]+)/i.exec(authenticationString)?.[1];
}

let client: Promise<TelemetryClient | undefined> | undefined;

async function start(settings: TelemetrySettings & { connectionString: string }, azure: boolean) {
  const appInsights = await import('applicationinsights');
  appInsights
    .setup(settings.connectionString)
    .setAutoCollectRequests(false)
    .setAutoCollectDependencies(true)
    .setAutoCollectExceptions(true);
  if (settings.authenticationString !== undefined)
    appInsights.defaultClient.config.aadTokenCredential = identityCredential(
      azure ? 'azure' : 'local',
      clientIdOf(settings.authenticationString),
    );
  appInsights.start();
  return appInsights.defaultClient;
}

/** The telemetry client, or undefined when Application Insights is not configured. */
export function telemetryClient(
  env: Record<string, string | undefined> = process.env,
): Promise<TelemetryClient | undefined> {
  const { telemetry } = parseSettings(telemetryOnlySchema, TELEMETRY_SETTINGS, env);
  const connectionString = telemetry.connectionString?.trim();
  if (!connectionString) return Promise.resolve(undefined);
  client ??= start({ ...telemetry, connectionString }, hostingOf(env) === 'azure').catch(() => undefined);
  return client;
}

/** Records a custom metric; a no-op without Application Insights. Never throws: telemetry must not fail work. */
export async function trackMetric(
  name: MetricName,
  value: number,
  properties: Record<string, string> = {},
): Promise<void> {
  try {
    (await telemetryClient())?.trackMetric({ name, value, properties });
  } catch {
    // Telemetry is best effort.
  }
}
