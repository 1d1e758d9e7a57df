// The composition root (after Temporal's `createActivities(deps)`): binds each activity's ports to the
// process's storage and providers, and registers every function of the app (triggers, orchestrations, the
// entity, activities) with the Functions runtime. Each function module exports its handler and imports
// nothing from here; this module is the only one that knows them all.
import { createHash } from 'node:crypto';
import { app, type HttpHandler, type HttpMethod, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { aggregateReport, type AggregateReportPorts } from './activities/aggregate-report.ts';
import { analyzeChunk, type AnalyzeChunkPorts } from './activities/analyze-chunk.ts';
import { endBeforeRun, type EndBeforeRunPorts } from './activities/end-before-run.ts';
import { openJob, type OpenJobPorts } from './activities/open-job.ts';
import { readTape, type ReadTapePorts } from './activities/read-tape.ts';
import { planPass, type PlanPassPorts } from './activities/plan-pass.ts';
import { priceTableOf } from './config.ts';
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
  redriveJob,
} from './functions/jobs.ts';
import { enqueueNightlyRuns, startNightlyRun } from './functions/nightly.ts';
import { getOpenApi } from './functions/openapi.ts';
import { getPortfolio, getTrends, putPortfolio, revaluePortfolio } from './functions/portfolios.ts';
import { tierLimitsOf } from './domain/risk.ts';
import { DEFAULT_SCENARIOS } from './domain/stress.ts';
import { purgeHistory, PURGE_SCHEDULE } from './functions/purge-history.ts';
import { ChunkStager } from './jobs/chunk-stager.ts';
import { stopChecker } from './jobs/job-stop.ts';
import { readReferencedTape } from './jobs/uploaded-tape.ts';
import { chunkLane } from './orchestrators/chunk-lane.ts';
import { jobRun } from './orchestrators/job-run.ts';
import { portfolioAnalysis } from './orchestrators/portfolio-analysis.ts';
import type { AppServices } from './services.ts';
import { apiAuthLevel } from './config.ts';
import { withErrorBoundary } from './api/error-boundary.ts';
import { REVALUATION_QUEUE } from './storage/queues.ts';
import { resultOf } from './domain/results.ts';
import { withStorageRetry } from './storage/retry.ts';
import { cacheEntryFor, isFresh, reviewEntryFor, reviewEntryId } from './storage/valuation-cache.ts';
import { METRICS, trackMetric } from './telemetry.ts';
import {
  ACTIVITIES,
  JOB_PROGRESS_ENTITY,
  logLine,
  ORCHESTRATIONS,
  type AggregateReportInput,
  type AnalyzeChunkInput,
  type AnalyzeChunkOutput,
  type EndBeforeRunInput,
  type OpenJobInput,
  type ReadTapeInput,
  type ReadTapeOutput,
  type PlanPassInput,
  type PlanPassOutput,
} from './workflow.ts';

/** Whether the chaos switch picks `propertyId` at `rate` (0..1): a fixed choice per property, from its hash. */
function chosenByChaos(propertyId: string, rate: number): boolean {
  if (rate <= 0) return false;
  return createHash('sha256').update(propertyId).digest().readUInt32BE(0) / 2 ** 32 < rate;
}

/** A pass's plan, read once per process (a 10,000-chunk plan is 50 KB; a few passes run at a time). */
function planReader({ storage }: AppServices): (jobId: string, planId: string) => Promise<number[]> {
  const plans = new Map<string, Promise<number[]>>();
  return (jobId, planId) => {
    const key = `${jobId}/${planId}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = withStorageRetry(() => storage.staging.readPlan(jobId, planId));
      plan.catch(() => plans.delete(key));
      if (plans.size >= 32) plans.delete(plans.keys().next().value!);
      plans.set(key, plan);
    }
    return plan;
  };
}

/**
 * analyzeChunk's ports over the app's storage (chunk blobs, plans, markers, results, the cache of paid
 * answers), the providers, and the job's stop as `stopRequested` reads it. Storage writes retry transient
 * errors with backoff.
 */
function analyzeChunkPorts(services: AppServices): Omit<AnalyzeChunkPorts, 'stopRequested'> {
  const { settings, storage, providers } = services;
  const ttlHours = settings.pipeline.valuationCacheTtlHours;
  const { chunkMarkers, results, valuationCache, staging, snapshots } = storage;
  const plan = planReader(services);
  return {
    readChunk: (jobId, n, stagingId) => withStorageRetry(() => staging.readChunk(jobId, n, stagingId)),
    planEntry: async (jobId, planId, entry) => {
      const chunkIndex = (await plan(jobId, planId))[entry];
      if (chunkIndex === undefined) throw new RangeError(`plan ${planId} of ${jobId} has no entry ${entry}`);
      return chunkIndex;
    },
    beginAttempt: (jobId, n, key) => withStorageRetry(() => chunkMarkers.begin(jobId, n, key)),
    finishAttempt: (jobId, n, run) => withStorageRetry(() => chunkMarkers.finish(jobId, n, run)),
    releaseAttempt: (jobId, n) => chunkMarkers.release(jobId, n),
    storedResults: (jobId, ids) => withStorageRetry(() => results.getMany(jobId, ids)),
    saveResults: (jobId, n, fresh) => withStorageRetry(() => results.upsertMany(jobId, n, fresh)),
    saveSnapshotPart: (jobId, n, records) => withStorageRetry(() => snapshots.writePart(jobId, n, records)),
    paid: {
      async quote(cacheKey, provider) {
        const entry = await withStorageRetry(() => valuationCache.quote(cacheKey, provider));
        return entry && { answer: entry.quote, purchase: entry.purchase, fresh: isFresh(entry, new Date()) };
      },
      saveQuote: (cacheKey, quote, purchase) =>
        withStorageRetry(() => valuationCache.putQuote(cacheEntryFor(cacheKey, quote, new Date(), ttlHours, purchase))),
      async review(cacheKey, reviewer, request) {
        const id = reviewEntryId(reviewer, request);
        const entry = await withStorageRetry(() => valuationCache.review(cacheKey, id));
        return entry && { answer: entry.review, purchase: entry.purchase, fresh: isFresh(entry, new Date()) };
      },
      saveReview: (cacheKey, reviewer, request, review, purchase) =>
        withStorageRetry(() =>
          valuationCache.putReview(reviewEntryFor(cacheKey, reviewer, request, review, new Date(), ttlHours, purchase)),
        ),
    },
    providers,
    options: {
      valuation: settings.valuation,
      risk: settings.risk,
      fraud: settings.fraud,
      prices: priceTableOf(settings),
    },
    concurrency: settings.pipeline.propertyConcurrency,
    chaos: {
      failFirstAttempt: settings.pipeline.chaosFailFirstChunkAttempt,
      faultAfterValuation: (propertyId) => chosenByChaos(propertyId, settings.pipeline.chaosFaultAfterValuationRate),
    },
    now: () => new Date(),
  };
}

/**
 * aggregateReport's ports over the app's chunk markers, results, snapshots, reports, trends, jobs and the alerts queue.
 */
function aggregateReportPorts({ settings, storage }: AppServices): AggregateReportPorts {
  return {
    dataQuality: async (jobId) => (await storage.jobs.get(jobId))?.dataQuality,
    chunkSummaries: (jobId) => storage.chunkMarkers.summaries(jobId),
    unconfirmedCents: (jobId) => storage.chunkMarkers.unconfirmedCents(jobId),
    resultsById: async (jobId, ids) => (await storage.results.getMany(jobId, ids)).map(resultOf),
    topResults: async (jobId, list, n) => (await storage.results.top(jobId, list, n)).map(resultOf),
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
    now: () => new Date(),
  };
}

function openJobPorts({ storage }: AppServices): OpenJobPorts {
  return {
    createJob: (job) => withStorageRetry(() => storage.jobs.tryCreate(job)),
    updateJob: async (jobId, patch) => {
      await storage.jobs.update(jobId, patch);
    },
    now: () => new Date(),
  };
}

/** readTape's ports over the uploads, the staging container and the jobs (the job's stop is bound per call). */
function readTapePorts({ settings, storage }: AppServices): Omit<ReadTapePorts, 'stopRequested'> {
  const { chunkSize } = settings.chunking;
  return {
    createJob: (job) => withStorageRetry(() => storage.jobs.tryCreate(job)),
    discardStaging: (jobId, stagingId) => withStorageRetry(() => storage.staging.discardStaging(jobId, stagingId)),
    stager: (jobId, stagingId) => new ChunkStager(storage.staging, jobId, { chunkSize, stagingId }),
    readTape: (input, sink) => readReferencedTape(storage.uploads, input, settings, sink),
    now: () => new Date(),
  };
}

function endBeforeRunPorts({ storage }: AppServices): EndBeforeRunPorts {
  return {
    discardStaging: (jobId, stagingId) => withStorageRetry(() => storage.staging.discardStaging(jobId, stagingId)),
    updateJob: async (jobId, patch) => {
      await storage.jobs.update(jobId, patch);
    },
    now: () => new Date(),
  };
}

function planPassPorts({ storage }: AppServices): PlanPassPorts {
  return {
    chunkCounts: (jobId) => withStorageRetry(() => storage.chunkMarkers.counts(jobId)),
    savePlan: (jobId, planId, chunkIndexes) =>
      withStorageRetry(() => storage.staging.savePlan(jobId, planId, chunkIndexes)),
  };
}

/** Where an activity writes its structured log line (src/workflow.ts logLine): the invocation's log. */
type LogSink = (line: string) => void;

/**
 * The activities of the app, bound to `services`, each reporting its telemetry; analyzeChunk and aggregateReport
 * also write one structured log line through `log` (per chunk run, and for the job's report).
 */
export interface Activities {
  /** `stopRequested` answers the job's stop (the registration reads it through the durable client). */
  analyzeChunk(
    input: AnalyzeChunkInput,
    stopRequested: AnalyzeChunkPorts['stopRequested'],
    log?: LogSink,
  ): Promise<AnalyzeChunkOutput>;
  aggregateReport(
    input: AggregateReportInput,
    log?: LogSink,
  ): Promise<{ reportId: string; findings: number; costCents: number }>;
  openJob(input: OpenJobInput): Promise<void>;
  planPass(input: PlanPassInput): Promise<PlanPassOutput>;
  /** `stopRequested` answers the job's stop, as for analyzeChunk. */
  readTape(input: ReadTapeInput, stopRequested: ReadTapePorts['stopRequested']): Promise<ReadTapeOutput>;
  endBeforeRun(input: EndBeforeRunInput): Promise<void>;
}

/** Binds every activity to its ports over `services` (once per process: the ports close over its clients). */
export function createActivities(services: AppServices): Activities {
  const chunkPorts = analyzeChunkPorts(services);
  const reportPorts = aggregateReportPorts(services);
  const openPorts = openJobPorts(services);
  const planPorts = planPassPorts(services);
  const readPorts = readTapePorts(services);
  const endPorts = endBeforeRunPorts(services);
  return {
    async analyzeChunk(input, stopRequested, log) {
      const started = performance.now();
      const output = await analyzeChunk(input, { ...chunkPorts, stopRequested });
      const { delta } = output;
      // Counts are what this run changed (a retry pass's run lowers failed), so a job's lines sum to its counts.
      log?.(
        logLine('chunkAnalyzed', {
          jobId: input.jobId,
          chunk: output.chunkIndex,
          pass: input.plan.mode,
          processed: delta.processed,
          failed: delta.failed,
          cached: delta.cached,
          deferred: output.deferred,
          costCents: delta.cents,
          unconfirmedCents: delta.unconfirmedCents,
          ...(output.stopped && { stopped: output.stopped }),
          durationMs: Math.round(performance.now() - started),
        }),
      );
      const dimensions = { analysisType: input.analysisType };
      void trackMetric(METRICS.propertiesAnalyzed, delta.processed - delta.failed, dimensions);
      void trackMetric(METRICS.propertiesFailed, delta.failed, dimensions);
      void trackMetric(METRICS.chunkCostDollars, delta.cents / 100, dimensions);
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
          costCents: outcome.costCents,
          findings: outcome.findings,
          durationMs: Math.round(performance.now() - started),
        }),
      );
      void trackMetric(METRICS.jobCostDollars, outcome.costCents / 100, {
        analysisType: input.analysisType,
        status: input.status,
      });
      return outcome;
    },
    openJob: (input) => openJob(input, openPorts),
    planPass: (input) => planPass(input, planPorts),
    readTape: (input, stopRequested) => readTape(input, { ...readPorts, stopRequested }),
    endBeforeRun: (input) => endBeforeRun(input, endPorts),
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
  let stopCheck: ReturnType<typeof stopChecker> | undefined;
  const bound = (): Promise<Activities> => {
    activities ??= services()
      .then(createActivities)
      .catch((error: unknown) => {
        activities = undefined;
        throw error;
      });
    return activities;
  };

  /** The job's stop as an activity reads it through its durable client (one cache per process: job-stop.ts). */
  const jobStop = async (context: InvocationContext) => {
    const client = df.getClient(context);
    stopCheck ??= stopChecker((await services()).settings.pipeline.stopCheckIntervalMs);
    const check = stopCheck;
    return (jobId: string) => check(client, jobId);
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
      // Every HTTP function behind the one boundary: what a handler throws is never a bare 500.
      handler: withErrorBoundary(handler),
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
  http('redriveJob', 'portfolio/jobs/{jobId}/redrive', 'POST', bind(redriveJob), client);
  http('putPortfolio', 'portfolios/{portfolioId}', 'PUT', bind(putPortfolio));
  http('getPortfolio', 'portfolios/{portfolioId}', 'GET', bind(getPortfolio));
  http('getTrends', 'portfolios/{portfolioId}/trends', 'GET', bind(getTrends));
  http('revaluePortfolio', 'portfolios/{portfolioId}/revalue', 'POST', bind(revaluePortfolio), client);
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
  df.app.orchestration(ORCHESTRATIONS.jobRun, jobRun);
  df.app.orchestration(ORCHESTRATIONS.chunkLane, chunkLane);
  df.app.entity(JOB_PROGRESS_ENTITY, jobProgress);
  df.app.activity(ACTIVITIES.analyzeChunk, {
    // The durable client reads the job's stop (its entity, its root's status) between properties.
    extraInputs: durableClient,
    handler: async (input: AnalyzeChunkInput, context: InvocationContext) =>
      (await bound()).analyzeChunk(input, await jobStop(context), (line) => context.log(line)),
  });
  df.app.activity(ACTIVITIES.readTape, {
    // The durable client reads the job's stop (a DELETE, its root terminated) while the tape is read.
    extraInputs: durableClient,
    handler: async (input: ReadTapeInput, context: InvocationContext) =>
      (await bound()).readTape(input, await jobStop(context)),
  });
  df.app.activity(ACTIVITIES.endBeforeRun, {
    handler: async (input: EndBeforeRunInput) => (await bound()).endBeforeRun(input),
  });
  df.app.activity(ACTIVITIES.aggregateReport, {
    handler: async (input: AggregateReportInput, context: InvocationContext) =>
      (await bound()).aggregateReport(input, (line) => context.log(line)),
  });
  df.app.activity(ACTIVITIES.openJob, {
    handler: async (input: OpenJobInput) => (await bound()).openJob(input),
  });
  df.app.activity(ACTIVITIES.planPass, {
    handler: async (input: PlanPassInput) => (await bound()).planPass(input),
  });
}
