// POST /api/portfolio/analyze: read and stage the tape in one pass, estimate, refuse over budget, start
// (DESIGN §2.1, §5). JSON body, a CSV or Excel tape with the request fields as query parameters, or a JSON
// request naming an uploaded tape (src/api/portfolio-request.ts). A refused request's staging is deleted.
import { counted } from '../domain/plural.ts';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validate } from '../api/request-parsing.ts';
import { readPortfolioRequest } from '../api/portfolio-request.ts';
import { idempotencyKeySchema } from '../api/schemas.ts';
import type { AnalyzeAccepted, IdempotencyKeyReusedAnswer, OverBudgetAnswer } from '../api/answers.ts';
import { publicUrl } from '../api/public-url.ts';
import { json } from '../api/responses.ts';
import { DISCARD } from '../intake/sink.ts';
import { FingerprintingSink } from '../jobs/request-fingerprint.ts';
import { ChunkStager } from '../jobs/chunk-stager.ts';
import { jobIdFor, resubmissionOutcome, submitJob } from '../jobs/submit-job.ts';
import { chaosAfterStep, durableStarter, jobStoreFor } from '../jobs/bindings.ts';
import type { AppServices } from '../services.ts';
import { logLine } from '../workflow.ts';

export async function analyzePortfolio(
  services: AppServices,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const { settings } = services;
  const asOf = new Date();
  const key = validate(
    idempotencyKeySchema,
    request.headers.get('idempotency-key') ?? undefined,
    'headers.Idempotency-Key',
  );
  if (!key.ok) return key.response;
  const jobId = jobIdFor(key.value);
  const store = jobStoreFor(services);
  // A keyed retry of a job that exists stages nothing: its tape is read only for the request's fingerprint,
  // which tells a retry (its job) from another request under the key (422). A first submission stages as it
  // reads; two at once under one key both do, and submitJob settles which one starts the job (as it does a
  // job started without its document, a host that died in between).
  const existing = key.value === undefined ? undefined : await store.getJob(jobId);
  const target =
    existing === undefined
      ? {
          kind: 'new' as const,
          stager: new ChunkStager(services.storage.staging, jobId, { chunkSize: settings.chunking.chunkSize }),
        }
      : { kind: 'retry' as const, job: existing };
  const discard = () => (target.kind === 'new' ? target.stager.discard() : Promise.resolve());
  const fingerprint = new FingerprintingSink(target.kind === 'new' ? target.stager : DISCARD);
  let read;
  try {
    read = await readPortfolioRequest(request, {
      settings,
      asOf,
      sink: fingerprint,
      uploads: services.storage.uploads,
    });
  } catch (error) {
    await discard().catch(() => undefined);
    throw error;
  }
  if (!read.ok) {
    await discard();
    return read.response;
  }
  const { fields, dataQuality, sharedIdentities } = read.value;
  const requestFingerprint = key.value === undefined ? undefined : fingerprint.digest(fields);
  const count = dataQuality.accepted;

  const client = df.getClient(context);
  const outcome =
    target.kind === 'retry'
      ? resubmissionOutcome(target.job, { analysisType: fields.analysisType, count, requestFingerprint }, settings)
      : await submitJob(
          {
            jobId,
            portfolioId: fields.portfolioId,
            analysisType: fields.analysisType,
            tape: await target.stager.finish(sharedIdentities),
            budget: fields.budget,
            allowPartial: fields.allowPartial,
            idempotencyKey: key.value,
            dataQuality,
            requestFingerprint,
            asOf,
            stressScenarios: fields.stressScenarios,
          },
          settings,
          store,
          durableStarter(client),
          chaosAfterStep(services),
        );
  if (outcome.kind === 'over_budget') {
    return json(422, {
      success: false,
      error: `The estimated cost $${outcome.estimatedCost.toFixed(2)} exceeds the budget $${outcome.budget.toFixed(2)}. Raise the budget, or set allowPartial to analyse until the budget is spent.`,
      estimatedCost: outcome.estimatedCost,
      budget: outcome.budget,
      breakdown: outcome.breakdown,
      dataQuality,
    } satisfies OverBudgetAnswer);
  }
  const statusUrl = publicUrl(settings.host.publicBaseUrl, `/api/portfolio/jobs/${outcome.jobId}`);
  if (outcome.kind === 'key_reused') {
    // IETF draft "The Idempotency-Key HTTP Header Field" §2.7: a key reused for a different request is a 422.
    return json(422, {
      success: false,
      error: `The Idempotency-Key '${key.value}' was already used for job ${outcome.jobId} (portfolio '${outcome.portfolioId}') with a different request. Send that request unchanged to get its job, or use a new key for this one.`,
      jobId: outcome.jobId,
      statusUrl,
    } satisfies IdempotencyKeyReusedAnswer);
  }
  context.log(
    logLine('jobPhase', {
      jobId: outcome.jobId,
      phase: 'submitted',
      outcome: outcome.kind,
      properties: count,
      skippedRows: dataQuality.skipped,
      analysisType: fields.analysisType,
      estimatedCents: Math.round(outcome.estimatedCost * 100),
    }),
  );
  const skipped =
    dataQuality.skipped > 0
      ? ` ${counted(dataQuality.skipped, 'invalid row was', 'invalid rows were')} left out (see dataQuality).`
      : '';
  return json(
    202,
    {
      success: true,
      jobId: outcome.jobId,
      estimatedCost: outcome.estimatedCost,
      breakdown: outcome.breakdown,
      message:
        outcome.kind === 'existing'
          ? 'A job with this Idempotency-Key already exists; returning it.'
          : `Analysis of ${counted(count, 'property', 'properties')} started.${skipped}`,
      statusUrl,
      dataQuality,
      ...(settings.pipeline.handOutManagementUrls && managementUrls(client, outcome.jobId)),
    } satisfies AnalyzeAccepted,
    { location: statusUrl, 'retry-after': '5' },
  );
}

/**
 * The Durable management URLs whose use leaves the job consistent: the status query that portals poll,
 * terminate (the job's chunks stop buying and it ends cancelled with a partial report) and purge (the
 * job's document, results and report stay). The others are left out: restart would re-run the job, rewind
 * and raising events mean nothing to it, and suspending the root does not pause its run (use DELETE on
 * statusUrl to stop a job). In Azure each URL carries the task hub's system key: see the README.
 */
function managementUrls(client: df.DurableClient, jobId: string) {
  const { statusQueryGetUri, terminatePostUri, purgeHistoryDeleteUri } = client.createHttpManagementPayload(jobId);
  return { statusQueryGetUri, terminatePostUri, purgeHistoryDeleteUri };
}
