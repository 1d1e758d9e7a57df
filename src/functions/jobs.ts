// The job endpoints of DESIGN §5: status with progress, cost and ETA; the report; per-property results;
// cancel. Each validates its route and query and answers 404 for an unknown job.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { JobProgress } from '../domain/job-progress.ts';
import { queryObject, validate } from '../api/request-parsing.ts';
import { jobRouteSchema, propertiesQuerySchema } from '../api/schemas.ts';
import { json, notFound } from '../api/responses.ts';
import { jobView } from '../jobs/job-view.ts';
import type { AppServices } from '../services.ts';
import { JOB_PROGRESS_ENTITY } from '../workflow.ts';

type JobDocument = NonNullable<Awaited<ReturnType<AppServices['storage']['jobs']['get']>>>;

type Loaded =
  { response: HttpResponseInit } | { job: JobDocument; view: ReturnType<typeof jobView>; client: df.DurableClient };

async function loadJob(services: AppServices, request: HttpRequest, context: InvocationContext): Promise<Loaded> {
  const route = validate(jobRouteSchema, request.params, 'route');
  if (!route.ok) return { response: route.response };
  const job = await services.storage.jobs.get(route.value.jobId);
  if (!job) return { response: notFound(`No job with id '${route.value.jobId}'.`) };
  const client = df.getClient(context);
  const [entity, status] = await Promise.all([
    client.readEntityState<JobProgress | { cancelledBeforeInit: true }>(new df.EntityId(JOB_PROGRESS_ENTITY, job.id)),
    client.getStatus(job.id).catch(() => undefined),
  ]);
  const progress =
    entity.entityExists && entity.entityState && 'jobId' in entity.entityState ? entity.entityState : undefined;
  const view = jobView(job, progress, status?.runtimeStatus);
  return { job, view, client };
}

export async function getJob(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  return json(200, { success: true, job: loaded.view });
}

const FINISHED_WITH_REPORT = new Set(['completed', 'cancelled', 'budget_exceeded']);

export async function getJobResults(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view } = loaded;
  if (!FINISHED_WITH_REPORT.has(view.status)) {
    return json(400, {
      success: false,
      error: `The job is ${view.status}; results are available once it has finished.`,
      status: view.status,
      progress: view.progress,
    });
  }
  const report = await services.storage.reports.get(job.portfolioId, job.id);
  if (!report)
    return json(400, {
      success: false,
      error: 'The report is being written; try again in a moment.',
      status: view.status,
      progress: view.progress,
    });
  return json(200, { success: true, status: view.status, results: report.report });
}

export async function getJobProperties(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const query = validate(propertiesQuerySchema, queryObject(request), 'query');
  if (!query.ok) return query.response;
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { filter, pageSize, continuationToken } = query.value;
  const page = await services.storage.results.page(loaded.job.id, { filter, pageSize, continuationToken });
  return json(200, {
    success: true,
    jobId: loaded.job.id,
    filter,
    properties: page.items,
    ...(page.continuationToken && { continuationToken: page.continuationToken }),
  });
}

export async function cancelJob(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const loaded = await loadJob(services, request, context);
  if ('response' in loaded) return loaded.response;
  const { job, view, client } = loaded;
  if (view.status !== 'queued' && view.status !== 'processing')
    return notFound(`Job '${job.id}' has already finished (${view.status}).`);
  // Graceful: the entity refuses further reservations; chunks in flight finish and a partial report is written.
  await client.signalEntity(new df.EntityId(JOB_PROGRESS_ENTITY, job.id), 'cancel');
  return json(200, {
    success: true,
    jobId: job.id,
    message: 'Cancellation initiated: chunks in flight finish, then a partial report is written.',
  });
}
