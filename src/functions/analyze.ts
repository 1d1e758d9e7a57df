// POST /api/portfolio/analyze: read and stage the tape in one pass, estimate, refuse over budget, start
// (DESIGN §2.1, §5). JSON body, a CSV or Excel tape with the request fields as query parameters, or a JSON
// request naming an uploaded tape (src/api/portfolio-request.ts). A refused request's staging is deleted.
// A tape by reference is not read here: once the request's fields and the blob pass the checks its properties and
// first bytes decide, the job is started in status reading and answered at once (a 1,000,000-row tape takes
// minutes to read, longer than Azure's 230 s limit on an HTTP answer); its root reads the tape (readTape).
import { counted } from '../domain/plural.ts';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validate } from '../api/request-parsing.ts';
import { acceptPortfolioRequest, type ReferencedRequest } from '../api/portfolio-request.ts';
import { idempotencyKeySchema } from '../api/schemas.ts';
import type { AnalyzeAccepted, IdempotencyKeyReusedAnswer, OverBudgetAnswer, TapeAccepted } from '../api/answers.ts';
import { publicUrl } from '../api/public-url.ts';
import { json } from '../api/responses.ts';
import { DISCARD } from '../intake/sink.ts';
import { FingerprintingSink, referenceFingerprint } from '../jobs/request-fingerprint.ts';
import { ChunkStager } from '../jobs/chunk-stager.ts';
import {
  jobIdFor,
  resubmissionOutcome,
  runOptionsOf,
  submitJob,
  referenceRetryOutcome,
  submitTapeReference,
  type ExistingJob,
  type JobStore,
} from '../jobs/submit-job.ts';
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
  // which tells a retry (its job) from another request under the key (422); a tape by reference is not looked at
  // (its fingerprint is of its fields and blob name). A first submission stages as it
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
    read = await acceptPortfolioRequest(request, {
      settings,
      asOf,
      sink: fingerprint,
      uploads: services.storage.uploads,
      keyHasJob: existing !== undefined,
    });
  } catch (error) {
    await discard().catch(() => undefined);
    throw error;
  }
  if (!read.ok) {
    await discard();
    return read.response;
  }
  // Nothing was staged for a tape by reference: its job reads it.
  if ('kind' in read.value)
    return acceptTapeReference(services, context, read.value, { key: key.value, jobId, store, asOf, existing });
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
      errors: outcome.over.rejection.errors,
      estimatedCost: outcome.estimatedCost,
      budget: outcome.budget,
      breakdown: outcome.over.breakdown,
      dataQuality,
    } satisfies OverBudgetAnswer);
  }
  const statusUrl = publicUrl(settings.host.publicBaseUrl, `/api/portfolio/jobs/${outcome.jobId}`);
  if (outcome.kind === 'key_reused') return keyReused(key.value, outcome, statusUrl);
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

/** IETF draft "The Idempotency-Key HTTP Header Field" §2.7: a key reused for a different request is a 422. */
function keyReused(
  key: string | undefined,
  job: { jobId: string; portfolioId: string },
  statusUrl: string,
): HttpResponseInit {
  return json(422, {
    success: false,
    error: `The Idempotency-Key '${key}' was already used for job ${job.jobId} (portfolio '${job.portfolioId}') with a different request. Send that request unchanged to get its job, or use a new key for this one.`,
    jobId: job.jobId,
    statusUrl,
  } satisfies IdempotencyKeyReusedAnswer);
}

/**
 * A request naming an uploaded tape, accepted before the tape is read: starts its job (status reading; the root's
 * readTape reads, validates and stages the tape, then the job runs or ends rejected) and answers 202 at once. The
 * request's fingerprint is of its fields and the blob's name and reading options, not of the tape's content, so a
 * retry under a key whose job exists is answered without looking at the blob (`existing`: that job).
 */
async function acceptTapeReference(
  services: AppServices,
  context: InvocationContext,
  { fields, tape, etag }: ReferencedRequest,
  submission: { key: string | undefined; jobId: string; store: JobStore; asOf: Date; existing?: ExistingJob },
): Promise<HttpResponseInit> {
  const { settings } = services;
  const { key, jobId, existing } = submission;
  const requestFingerprint = key === undefined ? undefined : referenceFingerprint(fields, tape);
  const client = df.getClient(context);
  let outcome;
  if (existing) outcome = referenceRetryOutcome(existing, requestFingerprint);
  else if (etag === undefined) throw new Error('acceptTapeReference: a new job needs the version of its blob');
  else
    outcome = await submitTapeReference(
      {
        job: {
          jobId,
          portfolioId: fields.portfolioId,
          analysisType: fields.analysisType,
          chunkSize: settings.chunking.chunkSize,
          ...(fields.budget !== undefined && { budgetCents: Math.round(fields.budget * 100) }),
          allowPartial: fields.allowPartial,
          ...(key !== undefined && { idempotencyKey: key }),
          ...(requestFingerprint !== undefined && { requestFingerprint }),
          asOf: submission.asOf.toISOString(),
          ...(fields.stressScenarios !== undefined && { stressScenarios: fields.stressScenarios }),
        },
        tape: { ...tape, etag },
        options: runOptionsOf(settings),
      },
      submission.store,
      durableStarter(client),
      chaosAfterStep(services),
    );
  const statusUrl = publicUrl(settings.host.publicBaseUrl, `/api/portfolio/jobs/${outcome.jobId}`);
  if (outcome.kind === 'key_reused') return keyReused(key, outcome, statusUrl);
  context.log(
    logLine('jobPhase', {
      jobId: outcome.jobId,
      phase: 'submitted',
      outcome: outcome.kind,
      propertiesBlob: tape.blobName,
      analysisType: fields.analysisType,
    }),
  );
  return json(
    202,
    {
      success: true,
      jobId: outcome.jobId,
      status: outcome.status,
      propertiesBlob: tape.blobName,
      message:
        outcome.kind === 'existing'
          ? `A job with this Idempotency-Key already exists (${outcome.status}); returning it.`
          : `Accepted: the tape '${tape.blobName}' is being read, validated and staged (status reading). Its estimate and data-quality account appear on the job at statusUrl once the read ends; a tape that fails validation, or whose estimate exceeds the budget without allowPartial, ends the job rejected, with its errors, and nothing analysed or spent.`,
      statusUrl,
      ...(settings.pipeline.handOutManagementUrls && managementUrls(client, outcome.jobId)),
    } satisfies TapeAccepted,
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
