// What the functions of one process share: the settings (validated once), the storage clients and
// repositories, and the providers with their rate limits. Built on first use and kept for the life of the
// process, as the Functions guidance says for SDK clients; a failed start is retried on the next call.
import { loadSettings, type Settings } from './config.ts';
import type { AnalysisOptions } from './domain/analysis.ts';
import { createProviderSet, type ProviderSet } from './providers/provider-set.ts';
import { createStorageClients, openStorage, type Storage } from './storage/clients.ts';
import { cacheEntryFor, normalizedIdentity } from './storage/valuation-cache.ts';
import { METRICS, trackMetric } from './telemetry.ts';
import type { AnalyzeChunkPorts, CachedQuote } from './activities/analyze-chunk.ts';
import type { AggregateReportPorts, StoredReport } from './activities/aggregate-report.ts';

export interface AppServices {
  settings: Settings;
  storage: Storage<StoredReport>;
  providers: ProviderSet;
  analyzeChunk: AnalyzeChunkPorts;
  aggregateReport: AggregateReportPorts;
}

let services: Promise<AppServices> | undefined;

export function appServices(): Promise<AppServices> {
  services ??= createAppServices(process.env).catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

export async function createAppServices(env: Record<string, string | undefined>): Promise<AppServices> {
  const settings = loadSettings(env);
  const storage = await openStorage<StoredReport>(createStorageClients(settings.storage));
  const providers = createProviderSet(settings, {
    onAvmCall: (provider, ms, ok) =>
      void trackMetric(METRICS.avmLatencyMs, ms, { provider, outcome: ok ? 'ok' : 'failed' }),
  });
  const options: AnalysisOptions = {
    valuation: settings.valuation,
    risk: settings.risk,
    fraud: settings.fraud,
    costRates: settings.costRates,
  };
  const now = () => new Date();
  const cascade = settings.avm.cascade;
  const ttlHours = settings.pipeline.valuationCacheTtlHours;

  const analyzeChunk: AnalyzeChunkPorts = {
    readChunk: (jobId, n) => storage.staging.readChunk(jobId, n),
    markChunkStarted: (jobId, n) => storage.chunkMarkers.markStarted(jobId, n),
    markChunkCompleted: (jobId, n) => storage.chunkMarkers.markCompleted(jobId, n),
    storedResults: (jobId, ids) => storage.results.getMany(jobId, ids),
    saveResults: (jobId, n, results) => storage.results.upsertMany(jobId, n, results),
    async cachedQuotes(properties, at, { includeExpired }) {
      const keys = new Map(properties.map((p) => [p.propertyId, normalizedIdentity(p)]));
      // risk and fraud alone reuse the freshest stored value even when stale: the risk tier says so.
      const found = await storage.valuationCache.getMany(
        [...keys.values()],
        includeExpired ? new Date(0) : at,
        cascade,
      );
      const byProperty = new Map<string, CachedQuote>();
      for (const [propertyId, key] of keys) {
        const entry = found.get(key);
        if (entry) byProperty.set(propertyId, { quote: entry.quote, boughtByJob: entry.boughtByJob ?? '' });
      }
      return byProperty;
    },
    cacheQuote: (property, cached, at) =>
      storage.valuationCache.putMany([cacheEntryFor(property, cached.quote, at, ttlHours, cached.boughtByJob)]),
    providers,
    options,
    concurrency: settings.pipeline.propertyConcurrency,
    chaosFailFirstAttempt: settings.pipeline.chaosFailFirstChunkAttempt,
    now,
  };

  const aggregateReport: AggregateReportPorts = {
    topResults: (jobId, list, n) => storage.results.top(jobId, list, n),
    previousReport: (portfolioId, before) => storage.reports.latestBefore(portfolioId, before),
    saveReport: (report) => storage.reports.save(report),
    appendTrend: async (portfolioId, jobId, point) => {
      await storage.trends.append(portfolioId, jobId, point);
    },
    sendAlert: (alert) => storage.queues.sendAlert(alert),
    finishJob: async (jobId, patch) => {
      await storage.jobs.update(jobId, patch);
    },
    reportOptions: { concentration: settings.concentration, appraisers: settings.appraisers },
    materiality: settings.materiality,
    topN: 10,
    now,
  };

  return { settings, storage, providers, analyzeChunk, aggregateReport };
}
