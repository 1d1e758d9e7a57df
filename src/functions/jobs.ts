// The job endpoints of DESIGN §5: the list of jobs; status with progress, cost and ETA; the report;
// per-property results and one property; stress scenarios on the stored values; cancel; redrive. Each
// validates its route, query and body and answers 404 for an unknown job.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableOrchestrationStatus } from 'durable-functions';
import { readOptionalJson, validate, validateQuery } from '../api/request-parsing.ts';
import { jobRouteSchema, jobsQuerySchema, propertiesQuerySchema, propertyRouteSchema } from '../api/schemas.ts';
import type {
  CancelAnswer,
  ConflictAnswer,
  ErrorAnswer,
  JobAnswer,
  JobsPage,
  JobView,
  NotFinishedAnswer,
  PropertiesPage,
  PropertyAnswer,
  RedriveAccepted,
  ResultsAnswer,
  ValidationErrorAnswer,
} from '../api/answers.ts';
import { json, notFound } from '../api/responses.ts';
import { publicUrl } from '../api/public-url.ts';
import { tierLimitsOf } from '../domain/risk.ts';
import { stressRequestSchema } from '../domain/stress.ts';
import { stressJob, type StressAnswer } from '../jobs/job-stress.ts';
import { instanceStatus } from '../jobs/bindings.ts';
import { stopOf, type StoredProgress } from '../jobs/job-stop.ts';
import { failureDetails, jobView, type RuntimeStatus } from '../jobs/job-view.ts';
import { jobSpecOf, redriveJob as startRedrive, redriveMessage, redriveRequestSchema } from '../jobs/redrive-job.ts';
import { runOptionsOf } from '../jobs/submit-job.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { isFinal, type JobStatus } from '../domain/job-status.ts';
import { resultOf } from '../domain/results.ts';
import type { AppServices } from '../services.ts';
import type { JobDocument } from '../storage/jobs-repository.ts';
import { JOB_PROGRESS_ENTITY, ORCHESTRATIONS, runInstanceId, type PortfolioAnalysisInput } from '../workflow.ts';

type Live = { view: JobView; root: DurableOrchestrationStatus | undefined };
type Loaded = { response: HttpResponseInit } | ({ job: JobDocument; client: df.DurableClient } & Live);

const LIVE: ReadonlySet<RuntimeStatus> = new Set(['Pending', 'Running', 'Suspended', 'ContinuedAsNew']);

/** Why a job whose root was terminated while its tape was read ended: nothing was analysed. */
const TERMINATED_WHILE_READING =
  'The job orchestration was terminated (Durable management API or client) while its tape was being read: nothing was analysed or spent.';

/**
 * A job whose root ended (terminated, failed, purged) before its run began would stay queued for ever: its
 * end goes through the normal path instead, a run of kind 'end' that analyses nothing and writes the
 * cancelled job's end and empty report. Idempotent: the run's instance id is fixed. A job whose root was
 * terminated while its tape was read (reading) has no properties to report on: its end is written here (its
 * readTape sees the termination and deletes what it staged). A root that failed while reading reads failed (the
 * task hub purge or a redrive writes that end, as for a run that failed).
 */
async function endIfNeverStarted(
  services: AppServices,
  client: df.DurableClient,
  job: JobDocument,
  runtime: RuntimeStatus | undefined,
  failure: string | undefined,
): Promise<void> {
  if (job.status === 'reading') {
    if (runtime !== 'Terminated' && runtime !== 'Canceled') return;
    await services.storage.jobs.update(job.id, (current) =>
      current.status === 'reading'
        ? { status: 'cancelled', endTime: new Date().toISOString(), statusReason: TERMINATED_WHILE_READING }
        : {},
    );
    return;
  }
  if (job.status !== 'queued' || (runtime !== undefined && LIVE.has(runtime))) return;
  if (await instanceStatus(client, runInstanceId(job.id, { kind: 'analysis' }))) return;
  const spec = jobSpecOf(job, job.budget);
  if (!spec) return;
  const input: PortfolioAnalysisInput = {
    job: spec,
    options: runOptionsOf(services.settings),
    run:
      runtime === 'Failed'
        ? { kind: 'end', reason: 'failed', message: `The job orchestration failed before its run began: ${failure}` }
        : { kind: 'end', reason: 'terminated' },
  };
  await client.startNew(ORCHESTRATIONS.portfolioAnalysis, { instanceId: job.id, input }).catch(() => undefined);
}

/**
 * The job's live view: the document folded with its jobProgress entity and orchestration status (ending a
 * job whose root ended before its run began, see endIfNeverStarted); and the root as read.
 */
async function liveView(services: AppServices, client: df.DurableClient, job: JobDocument): Promise<Live> {
  const [entity, root] = await Promise.all([
    client.readEntityState<StoredProgress>(new df.EntityId(JOB_PROGRESS_ENTITY, job.id)),
    instanceStatus(client, job.id),
  ]);
  const runtime = root?.runtimeStatus as RuntimeStatus | undefined;
  const failure = runtime === 'Failed' ? failureDetails(root?.output) : undefined;
  await endIfNeverStarted(services, client, job, runtime, failure);
  const state = entity.entityExists ? entity.entityState : undefined;
  const progress = state && 'jobId' in state ? state : undefined;
  const view = jobView(job, progress, runtime, failure);
  // A stop that came before the run initialised the entity (a DELETE while the tape is read) is shown too.
  const stop = stopOf(state);
  if (stop && !isFinal(view.status) && view.stopRequested === undefined) view.stopRequested = stop.reason;
  return { view, root };
}

async function loadJob(services: AppServices, request: HttpRequest, context: InvocationContext): Promise<Loaded> {
  const route = validate(jobRouteSchema, { jobId: request.params.jobId }, 'route');
  if (!route.ok) return { response: route.response };
  const job = await services.storage.jobs.get(route.value.jobId);
  if (!job) return { response: notFound(`No job with id '${route.value.jobId}'.`) };
  const client = df.getClient(context);
  return { job, client, ...(await liveView(services, client, job)) };
}

/**
 * Which job documents can read as a status (see jobStatusOf): a document stays `queued` or `processing` until the
 * job's run writes its end, so an in-flight document reads queued or processing as its root runs, failed while
 * its root is failed (a run that failed before writing its end, or a root that failed before its run began), and
 * cancelled while its root ended before its run began. The live view tells them apart.
 */
function documentStatusesFor(status: JobStatus): JobStatus[] {
  switch (status) {
    case 'queued':
    case 'processing':
      return ['queued', 'processing'];
    case 'failed':
      return ['failed', 'reading', 'queued', 'processing'];
    case 'cancelled':
      return ['cancelled', 'reading', 'queued'];
    default:
      return [status];
  }
}

/** Live views of a page of jobs read at once; a page is at most 100 jobs. */
const VIEW_CONCURRENCY = 8;

export async function listJobs(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const query = validateQuery(jobsQuerySchema, request);
  if (!query.ok) return query.response;
  const { portfolioId, status, from, to, pageSize, continuationToken } = query.value;
  // A token that is not this query's throws InvalidContinuationTokenError: a 400 at the error boundary.
  const page = await services.storage.jobs.list(
    { portfolioId, from, to, ...(status !== undefined && { statuses: documentStatusesFor(status) }) },
    { pageSize, continuationToken },
  );
  const client = df.getClient(context);
  const views = await mapWithConcurrency(
    page.items,
    VIEW_CONCURRENCY,
    async (job) => (await liveView(services, client, job)).view,
  );
  return json(200, {
    success: true,
    // Documents in flight can read as several statuses: the live view decides (a page may then hold fewer).
    jobs: status === undefined ? views : views.filter((v) => v.status === status),
    ...(page.continuationToken && { continuationToken: page.continuationToken }),
  } satisfies JobsPage);
}

export async function getJob(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  return json(200, { success: true, job: loaded.view } satisfies JobAnswer);
}

const FINISHED_WITH_REPORT = new Set(['completed', 'cancelled', 'budget_exceeded']);

/**
 * The answer for a job without a report: 409 for a job that ended without one (failed: its error, and where its
 * per-property results are; rejected, or cancelled while its tape was read: why, and that nothing was analysed),
 * else 400 while it runs or its report is being written. A document final without a report id ended before any
 * report (a run's end writes the report first, then the final status with its id).
 */
function notReportedYet(job: JobDocument, view: JobView, what: string): HttpResponseInit {
  if (view.status === 'rejected' || (isFinal(job.status) && job.reportId === undefined && job.totalProperties === 0)) {
    const errors =
      view.status === 'rejected' ? ` Its errors are on the job: GET /api/portfolio/jobs/${view.jobId}.` : '';
    return json(409, {
      success: false,
      error: `The job ended ${view.status} before anything was analysed, and has no report: ${view.statusReason ?? 'its tape was never read.'}${errors}`,
      status: view.status,
      progress: view.progress,
    } satisfies NotFinishedAnswer);
  }
  if (view.status === 'failed')
    return json(409, {
      success: false,
      error: `The job ended ${view.status} and has no report${view.error === undefined ? '' : `: ${view.error}`}. Its per-property results, failures with their reasons included, are at /api/portfolio/jobs/${view.jobId}/properties (filter=failed for the failures).`,
      status: view.status,
      progress: view.progress,
    } satisfies NotFinishedAnswer);
  return json(400, {
    success: false,
    error: FINISHED_WITH_REPORT.has(view.status)
      ? 'The report is being written; try again in a moment.'
      : `The job is ${view.status}; ${what} once it has finished.`,
    status: view.status,
    progress: view.progress,
  } satisfies NotFinishedAnswer);
}

export async function getJobResults(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view } = loaded;
  if (!FINISHED_WITH_REPORT.has(view.status)) return notReportedYet(job, view, 'results are available');
  const report = await services.storage.reports.get(job.portfolioId, job.id);
  if (!report) return notReportedYet(job, view, 'results are available');
  return json(200, { success: true, status: view.status, results: report.report } satisfies ResultsAnswer);
}

/** The stress request body; an empty body asks for the default scenarios. */
async function readStressRequest(request: HttpRequest) {
  const body = await readOptionalJson(request, 1024 * 1024);
  return body.ok ? validate(stressRequestSchema, body.value, 'body') : body;
}

export async function postJobStress(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await readStressRequest(request);
  if (!body.ok) return body.response;
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view } = loaded;
  if (!FINISHED_WITH_REPORT.has(view.status)) return notReportedYet(job, view, 'stress scenarios run');
  const outcome = await stressJob(job.id, body.value, {
    report: () => services.storage.reports.get(job.portfolioId, job.id),
    readSnapshot: () => services.storage.snapshots.read(job.id),
    tierLimits: tierLimitsOf(services.settings.risk),
  });
  if (outcome.kind === 'no_report') return notReportedYet(job, view, 'stress scenarios run');
  if (outcome.kind === 'no_snapshot')
    return json(409, {
      success: false,
      error: `Job '${job.id}' kept no per-property snapshot (its report predates stress scenarios); run the portfolio again to stress it.`,
    } satisfies ErrorAnswer);
  return json(200, outcome.answer satisfies StressAnswer);
}

export async function getJobProperties(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const query = validateQuery(propertiesQuerySchema, request);
  if (!query.ok) return query.response;
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { filter, state, propertyType, search, pageSize, continuationToken } = query.value;
  const page = await services.storage.results.page(loaded.job.id, {
    filter,
    state,
    propertyType,
    search,
    pageSize,
    continuationToken,
  });
  return json(200, {
    success: true,
    jobId: loaded.job.id,
    filter,
    properties: page.items.map(resultOf),
    ...(page.continuationToken && { continuationToken: page.continuationToken }),
  } satisfies PropertiesPage);
}

export async function getJobProperty(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const route = validate(propertyRouteSchema, request.params, 'route');
  if (!route.ok) return route.response;
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const [property] = await services.storage.results.getMany(loaded.job.id, [route.value.propertyId]);
  if (!property)
    return notFound(
      `Job '${loaded.job.id}' has no result for property '${route.value.propertyId}' (not analysed yet, or not in the job).`,
    );
  return json(200, { success: true, jobId: loaded.job.id, property: resultOf(property) } satisfies PropertyAnswer);
}

export async function cancelJob(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view, client } = loaded;
  if (isFinal(view.status)) return notFound(`Job '${job.id}' has already finished (${view.status}).`);
  // The entity refuses further reservations at once; each running chunk sees the stop before its next
  // property (within STOP_CHECK_MS) and stops buying; the run then writes the partial report and the end.
  await client.signalEntity(new df.EntityId(JOB_PROGRESS_ENTITY, job.id), 'stop', {
    reason: 'cancelled',
    at: new Date().toISOString(),
  });
  return json(200, {
    success: true,
    jobId: job.id,
    message:
      'Cancellation initiated: running chunks stop buying at their next property; properties in flight finish, then a partial report is written.',
  } satisfies CancelAnswer);
}

export async function redriveJob(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const parsed = await readOptionalJson(request, 64 * 1024);
  if (!parsed.ok) return parsed.response;
  const body = validate(redriveRequestSchema, parsed.value);
  if (!body.ok) return body.response;
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view, client, root } = loaded;
  const live = { spentDollars: view.cost.actual, root };
  const outcome = await startRedrive(job, body.value, live, services.settings, {
    updateJob: (jobId, update) => services.storage.jobs.update(jobId, update),
    start: async (name, instanceId, input) => {
      await client.startNew(name, { instanceId, input });
    },
  });
  const statusUrl = publicUrl(services.settings.host.publicBaseUrl, `/api/portfolio/jobs/${job.id}`);
  switch (outcome.kind) {
    case 'not_finished':
      return json(409, {
        success: false,
        error: `The job is ${outcome.status}; redrive it once it has finished.`,
        status: outcome.status,
      } satisfies ConflictAnswer);
    case 'budget_below_spent':
      return json(400, {
        success: false,
        error: `The budget must cover what the job already spent ($${outcome.spent.toFixed(2)}); raise it.`,
        errors: [{ path: 'budget', message: `must be >= ${outcome.spent.toFixed(2)}` }],
        totalErrors: 1,
      } satisfies ValidationErrorAnswer);
    case 'not_redrivable':
      return json(409, {
        success: false,
        error: `The job cannot be redriven: ${outcome.reason}.`,
      } satisfies ConflictAnswer);
    case 'started':
      return json(
        202,
        {
          success: true,
          jobId: job.id,
          redrive: outcome.redrive,
          include: outcome.include,
          message: redriveMessage(outcome, view.progress.total - view.progress.processed),
          statusUrl,
        } satisfies RedriveAccepted,
        { location: statusUrl },
      );
  }
}
