// The composition root (after Temporal's `createActivities(deps)`): binds each activity's ports to the
// process's storage and providers, and registers every function of the app (triggers, orchestrations, the
// entity, activities) with the Functions runtime. Each function module exports its handler and imports
// nothing from here; this module is the only one that knows them all.
import { app, type HttpHandler, type HttpMethod, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { aggregateReport, type AggregateReportPorts } from './activities/aggregate-report.ts';
import { analyzeChunk, type AnalyzeChunkPorts, type CachedQuote } from './activities/analyze-chunk.ts';
import { jobProgress } from './entities/job-progress.ts';
import { analyzePortfolio } from './functions/analyze.ts';
import { estimatePortfolio } from './functions/estimate.ts';
import { serveDashboard } from './functions/dashboard.ts';
import {
  cancelJob,
  getJob,
  getJobProperties,
  getJobProperty,
  getJobResults,
  listJobs,
  postJobStress,
} from './functions/jobs.ts';
import { enqueueNightlyRuns, startNightlyRun } from './functions/nightly.ts';
import { getOpenApi } from './functions/openapi.ts';
import { getPortfolio, getTrends, putPortfolio } from './functions/portfolios.ts';
import { tierLimitsOf } from './domain/risk.ts';
import { DEFAULT_SCENARIOS } from './domain/stress.ts';
import { purgeHistory, PURGE_SCHEDULE } from './functions/purge-history.ts';
import { chunkBatch } from './orchestrators/chunk-batch.ts';
import { portfolioAnalysis } from './orchestrators/portfolio-analysis.ts';
import type { AppServices } from './services.ts';
import { apiAuthLevel } from './config.ts';
import { REVALUATION_QUEUE } from './storage/queues.ts';
import { cacheEntryFor } from './storage/valuation-cache.ts';
import { METRICS, trackMetric } from './telemetry.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  logLine,
  ORCHESTRATIONS,
  type AggregateReportInput,
  type AnalyzeChunkInput,
  type AnalyzeChunkOutput,
} from './workflow.ts';

/** analyzeChunk's ports over the app's storage (chunk blobs, markers, results, valuation cache) and providers. */
function analyzeChunkPorts({ settings, storage, providers }: AppServices): AnalyzeChunkPorts {
  const cascade = settings.avm.cascade;
  const ttlHours = settings.pipeline.valuationCacheTtlHours;
  return {
    readChunk: (jobId, n) => storage.staging.readChunk(jobId, n),
    markChunkStarted: (jobId, n) => storage.chunkMarkers.markStarted(jobId, n),
    markChunkCompleted: (jobId, n) => storage.chunkMarkers.markCompleted(jobId, n),
    storedResults: (jobId, ids) => storage.results.getMany(jobId, ids),
    saveResults: (jobId, n, results) => storage.results.upsertMany(jobId, n, results),
    saveSnapshotPart: (jobId, n, records) => storage.snapshots.writePart(jobId, n, records),
    async cachedQuotes(keys, at, { includeExpired }) {
      // risk and fraud alone reuse the freshest stored value even when stale: the risk tier says so.
      const found = await storage.valuationCache.getMany(keys, includeExpired ? new Date(0) : at, cascade);
      const byKey = new Map<string, CachedQuote>();
      for (const [key, entry] of found) byKey.set(key, { quote: entry.quote, boughtByJob: entry.boughtByJob ?? '' });
      return byKey;
    },
    cacheQuote: (key, cached, at) =>
      storage.valuationCache.putMany([cacheEntryFor(key, cached.quote, at, ttlHours, cached.boughtByJob)]),
    providers,
    options: {
      valuation: settings.valuation,
      risk: settings.risk,
      fraud: settings.fraud,
      costRates: settings.costRates,
    },
    concurrency: settings.pipeline.propertyConcurrency,
    chaosFailFirstAttempt: settings.pipeline.chaosFailFirstChunkAttempt,
    now: () => new Date(),
  };
}

/** aggregateReport's ports over the app's results, snapshots, reports, trends, jobs and the alerts queue. */
function aggregateReportPorts({ settings, storage }: AppServices): AggregateReportPorts {
  return {
    dataQuality: async (jobId) => (await storage.jobs.get(jobId))?.dataQuality,
    topResults: (jobId, list, n) => storage.results.top(jobId, list, n),
    buildSnapshot: (jobId) => storage.snapshots.build(jobId),
    readSnapshot: (jobId) => storage.snapshots.read(jobId),
    snapshotExists: (jobId) => storage.snapshots.exists(jobId),
    previousReport: (portfolioId, asOf, jobId) => storage.reports.latestCompleteBefore(portfolioId, asOf, jobId),
    saveReport: (report) => storage.reports.save(report),
    appendTrend: async (portfolioId, jobId, point) => {
      await storage.trends.append(portfolioId, jobId, point);
    },
    sendAlert: (alert) => storage.queues.sendAlert(alert),
    finishJob: async (jobId, patch) => {
      await storage.jobs.update(jobId, patch);
    },
    reportOptions: {
      concentration: settings.concentration,
      appraisers: settings.appraisers,
      materiality: settings.materiality,
      maxFsd: settings.valuation.maxFsd,
      tierRatio: settings.risk.tierRatio,
      staleValuationDays: settings.risk.staleValuationDays,
    },
    scenarios: DEFAULT_SCENARIOS,
    tierLimits: tierLimitsOf(settings.risk),
    topN: 10,
    now: () => new Date(),
  };
}

/**
 * The activities of the app, bound to `services`, each reporting its telemetry and writing one structured log
 * line through `log` (src/workflow.ts logLine): per chunk, and for the job's report.
 */
export interface Activities {
  analyzeChunk(input: AnalyzeChunkInput, log?: (line: string) => void): Promise<AnalyzeChunkOutput>;
  aggregateReport(
    input: AggregateReportInput,
    log?: (line: string) => void,
  ): Promise<{ reportId: string; findings: number }>;
}

/** Binds every activity to its ports over `services` (once per process: the ports close over its clients). */
export function createActivities(services: AppServices): Activities {
  const chunkPorts = analyzeChunkPorts(services);
  const reportPorts = aggregateReportPorts(services);
  return {
    async analyzeChunk(input, log) {
      const started = performance.now();
      const output = await analyzeChunk(input, chunkPorts);
      log?.(
        logLine('chunkAnalyzed', {
          jobId: input.jobId,
          chunk: input.chunkIndex,
          processed: output.processed,
          failed: output.failed,
          cached: output.cached,
          alreadyStored: output.alreadyStored,
          costCents: output.actualCents,
          durationMs: Math.round(performance.now() - started),
        }),
      );
      const dimensions = { analysisType: input.analysisType };
      void trackMetric(METRICS.propertiesAnalyzed, output.processed - output.failed, dimensions);
      void trackMetric(METRICS.propertiesFailed, output.failed, dimensions);
      void trackMetric(METRICS.chunkCostDollars, output.actualCents / 100, dimensions);
      return output;
    },
    async aggregateReport(input, log) {
      const started = performance.now();
      const outcome = await aggregateReport(input, reportPorts);
      log?.(
        logLine('jobPhase', {
          jobId: input.jobId,
          phase: 'reported',
          status: input.status,
          processed: input.summary.counts.properties,
          failed: input.summary.counts.failed,
          costCents: input.summary.costCents.total,
          findings: outcome.findings,
          durationMs: Math.round(performance.now() - started),
        }),
      );
      void trackMetric(METRICS.jobCostDollars, input.summary.costCents.total / 100, {
        analysisType: input.analysisType,
        status: input.status,
      });
      return outcome;
    },
  };
}

/** A handler that takes the services first, given them when it runs. */
type WithServices<A extends unknown[], R> = (services: AppServices, ...args: A) => Promise<R>;

/**
 * Registers every function of the app. `services` is called on each invocation (the caller memoises it),
 * so a process whose first start failed (storage down) retries on the next call rather than never serving.
 */
export function registerFunctions(services: () => Promise<AppServices>): void {
  const bind =
    <A extends unknown[], R>(handler: WithServices<A, R>) =>
    async (...args: A): Promise<R> =>
      handler(await services(), ...args);
  let activities: Promise<Activities> | undefined;
  const bound = (): Promise<Activities> => {
    activities ??= services()
      .then(createActivities)
      .catch((error: unknown) => {
        activities = undefined;
        throw error;
      });
    return activities;
  };

  const durableClient = [df.input.durableClient()];
  // Read when the app loads: the Functions host takes auth levels at registration (README: Dashboard, access).
  const authLevel = apiAuthLevel();
  const http = (
    name: string,
    route: string,
    method: HttpMethod,
    handler: HttpHandler,
    options: { durableClient?: boolean; anonymous?: boolean } = {},
  ) =>
    app.http(name, {
      route,
      methods: [method],
      authLevel: options.anonymous ? 'anonymous' : authLevel,
      ...(options.durableClient && { extraInputs: durableClient }),
      handler,
    });
  const client = { durableClient: true };

  http('analyzePortfolio', 'portfolio/analyze', 'POST', bind(analyzePortfolio), client);
  http('estimatePortfolio', 'portfolio/estimate', 'POST', bind(estimatePortfolio));
  http('listJobs', 'portfolio/jobs', 'GET', bind(listJobs), client);
  http('getJob', 'portfolio/jobs/{jobId}', 'GET', bind(getJob), client);
  http('getJobResults', 'portfolio/jobs/{jobId}/results', 'GET', bind(getJobResults), client);
  http('getJobProperties', 'portfolio/jobs/{jobId}/properties', 'GET', bind(getJobProperties), client);
  http('getJobProperty', 'portfolio/jobs/{jobId}/properties/{propertyId}', 'GET', bind(getJobProperty), client);
  http('postJobStress', 'portfolio/jobs/{jobId}/stress', 'POST', bind(postJobStress), client);
  http('cancelJob', 'portfolio/jobs/{jobId}', 'DELETE', bind(cancelJob), client);
  http('putPortfolio', 'portfolios/{portfolioId}', 'PUT', bind(putPortfolio));
  http('getPortfolio', 'portfolios/{portfolioId}', 'GET', bind(getPortfolio));
  http('getTrends', 'portfolios/{portfolioId}/trends', 'GET', bind(getTrends));
  http('openApi', 'openapi.json', 'GET', bind(getOpenApi), { anonymous: true });
  // The page's files hold no data; its API calls carry the caller's credentials.
  http('dashboard', 'dashboard/{*path}', 'GET', serveDashboard, { anonymous: true });

  app.timer('enqueueNightlyRuns', { schedule: '%NIGHTLY_SCHEDULE%', handler: bind(enqueueNightlyRuns) });
  app.storageQueue('startNightlyRun', {
    queueName: REVALUATION_QUEUE,
    connection: 'AzureWebJobsStorage',
    extraInputs: durableClient,
    handler: bind(startNightlyRun),
  });
  app.timer('purgeHistory', { schedule: PURGE_SCHEDULE, extraInputs: durableClient, handler: bind(purgeHistory) });

  df.app.orchestration(ORCHESTRATIONS.portfolioAnalysis, portfolioAnalysis);
  df.app.orchestration(ORCHESTRATIONS.chunkBatch, chunkBatch);
  df.app.entity(JOB_PROGRESS_ENTITY, jobProgress);
  df.app.activity(ACTIVITIES.analyzeChunk, {
    handler: async (input: AnalyzeChunkInput, context: InvocationContext) =>
      (await bound()).analyzeChunk(input, (line) => context.log(line)),
  });
  df.app.activity(ACTIVITIES.aggregateReport, {
    handler: async (input: AggregateReportInput, context: InvocationContext) =>
      (await bound()).aggregateReport(input, (line) => context.log(line)),
  });
}
