// Application Insights (applicationinsights v3), switched on only by APPLICATIONINSIGHTS_CONNECTION_STRING.
// Without it nothing is loaded (the SDK costs ~0.4 s and ~100 MB to require) and nothing leaves the machine.
// With it: request and dependency telemetry from the SDK's auto-collection, plus the pipeline's own metrics.
import type { TelemetryClient } from 'applicationinsights';

export const METRICS = {
  propertiesAnalyzed: 'PropertiesAnalyzed',
  propertiesFailed: 'PropertiesFailed',
  avmLatencyMs: 'AvmLatencyMs',
  chunkCostDollars: 'ChunkCostDollars',
  jobCostDollars: 'JobCostDollars',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

let client: Promise<TelemetryClient | undefined> | undefined;

async function start(connectionString: string): Promise<TelemetryClient> {
  const appInsights = await import('applicationinsights');
  appInsights
    .setup(connectionString)
    .setAutoCollectRequests(true)
    .setAutoCollectDependencies(true)
    .setAutoCollectExceptions(true)
    .start();
  return appInsights.defaultClient;
}

/** The telemetry client, or undefined when Application Insights is not configured. */
export function telemetryClient(
  env: Record<string, string | undefined> = process.env,
): Promise<TelemetryClient | undefined> {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return Promise.resolve(undefined);
  client ??= start(connectionString).catch(() => undefined);
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
